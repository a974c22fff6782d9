/* The write API of masterpiece entries over real HTTP, with bearer tokens
 * (SQLite, or PostgreSQL in the second pass of tests/run.sh):
 * - ETags: GET gives the version's ETag; an update without If-Match is
 *   428, one with a stale or foreign ETag 412, and neither changes what is
 *   stored (the version and its content stay the ones last saved);
 * - uploads: a wrong field, an empty file, a file that is no image, one
 *   over the size limit and a damaged image each get their 4xx problem
 *   document and store nothing (no media row, no file, no new version); a
 *   good image is ingested, served by the image server and added to the
 *   entry's images;
 * - an image uploaded for an entry of a public catalogue record is held:
 *   no public output shows it (the object's page, its API document, its
 *   manifest, the image server, change discovery, LIDO, EDM, Linked Art)
 *   until a version that lists it is published; one that a later version
 *   adds stays held while the published one stays public; the entry's
 *   withdrawal holds them again;
 * - the workflow through the API: submitting an incomplete entry is 422
 *   naming the missing fields; a contributor cannot ask for changes; a
 *   read-only token cannot write; an anonymous client gets 401. */
#include "testutil.h"

#include <dirent.h>
#include <jansson.h>

#include "core/token.h"
#include "store/account.h"
#include "store/entry.h"
#include "web/upload.h"

static char *dir, db[1024], media[800];
static struct vt_server srv;
static int64_t museum_a, museum_b, object_a;
static char tok_contrib[VCM_TOKEN_HEX], tok_editor[VCM_TOKEN_HEX], tok_read[VCM_TOKEN_HEX];

static int64_t add_user(const char *email, const char *role, int64_t museum)
{
    char *out = NULL, m[32] = "";
    if (museum)
        snprintf(m, sizeof m, "%lld", (long long)museum);
    if (vt_sh(&out, "%s user add --db '%s' '%s' 'Test %s' %s %s", vt_bin(), db, email, role,
              role, m) != 0)
        fail_msg("vcm user add: %s", out);
    long long id = 0;
    assert_int_equal(sscanf(out, "user %lld added", &id), 1);
    free(out);
    return id;
}

static void add_token(int64_t user, const char *scope, char tok[VCM_TOKEN_HEX])
{
    vcm_store *s;
    char err[512], hash[VCM_TOKEN_HEX];
    assert_non_null(s = vcm_store_open(db, err, sizeof err));
    assert_int_equal(vcm_token_new(tok), 0);
    vcm_token_digest(tok, hash);
    int64_t id;
    assert_int_equal(vcm_token_add(s, user, "test", hash, scope, &id), 0);
    vcm_store_close(s);
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_demo_slice(db, sizeof db, dir, "write", 30);
    char *out = NULL;
    if (vt_db_sql(&out, db, "SELECT id FROM museums ORDER BY id") != 0)
        fail_msg("no museums: %s", out);
    long long a = 0, b = 0;
    if (sscanf(out, "%lld\n%lld", &a, &b) != 2)
        fail_msg("the slice should hold two museums: %s", out);
    free(out);
    museum_a = a, museum_b = b;
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT min(id) FROM objects WHERE museum_id = %lld", a);
    assert_int_equal(vt_db_sql(&out, db, sql), 0);
    object_a = atoll(out);
    free(out);
    add_token(add_user("contrib@example.org", "contributor", museum_a), "write", tok_contrib);
    add_token(add_user("editor@example.org", "editor", 0), "write", tok_editor);
    add_token(add_user("reader@example.org", "contributor", museum_a), "read", tok_read);
    /* a server that takes bodies over the upload limit, so the upload's own
     * limit answers */
    snprintf(media, sizeof media, "%s/media", dir);
    srv.port = vt_free_port();
    snprintf(srv.base, sizeof srv.base, "http://127.0.0.1:%d", srv.port);
    srv.pid = fork();
    assert_true(srv.pid >= 0);
    if (srv.pid == 0) {
        char listen[32], index[900], node[900];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", srv.port);
        snprintf(index, sizeof index, "%s/index", dir);
        snprintf(node, sizeof node, "%s/node", dir);
        execl(vt_bin(), vt_bin(), "serve", "--db", db, "--media", media, "--node-dir", node,
              "--index", index, "--listen", listen, "--max-body", "40000000", "--log-level",
              getenv("VCM_TEST_LOG") ? getenv("VCM_TEST_LOG") : "warn", (char *)NULL);
        _exit(127);
    }
    vt_server_wait(&srv);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    assert_int_equal(vt_server_stop(&srv), 0);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* ---- HTTP --------------------------------------------------------------------- */

struct call {
    const char *token;   /* bearer token, NULL: none */
    const char *if_match;
    const char *json;    /* a JSON body */
    /* a multipart body: one file part, and a text field rights */
    const char *field, *filename;
    const void *file;
    size_t file_len;
};

static struct vt_resp call(const char *method, const char *path, const struct call *c)
{
    struct vt_resp r = {0};
    struct {
        char *buf;
        size_t len;
    } b = {NULL, 0}, h = {NULL, 0};
    char url[600], hdr[200];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    CURL *cu = curl_easy_init();
    curl_easy_setopt(cu, CURLOPT_URL, url);
    curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, vt_collect);
    curl_easy_setopt(cu, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(cu, CURLOPT_HEADERFUNCTION, vt_collect);
    curl_easy_setopt(cu, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(cu, CURLOPT_TIMEOUT, 120L);
    struct curl_slist *hl = NULL;
    if (c->token) {
        snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", c->token);
        hl = curl_slist_append(hl, hdr);
    }
    if (c->if_match) {
        snprintf(hdr, sizeof hdr, "If-Match: %s", c->if_match);
        hl = curl_slist_append(hl, hdr);
    }
    curl_mime *mime = NULL;
    if (c->json) {
        hl = curl_slist_append(hl, "Content-Type: application/json");
        curl_easy_setopt(cu, CURLOPT_POSTFIELDS, c->json);
    } else if (c->field) {
        mime = curl_mime_init(cu);
        curl_mimepart *p = curl_mime_addpart(mime);
        curl_mime_name(p, c->field);
        curl_mime_data(p, c->file, c->file_len);
        curl_mime_filename(p, c->filename);
        p = curl_mime_addpart(mime);
        curl_mime_name(p, "rights");
        curl_mime_data(p, "http://creativecommons.org/publicdomain/zero/1.0/", CURL_ZERO_TERMINATED);
        curl_easy_setopt(cu, CURLOPT_MIMEPOST, mime);
        curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, method);
    }
    if (hl)
        curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hl);
    CURLcode rc = curl_easy_perform(cu);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, url, curl_easy_strerror(rc));
    curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hl);
    curl_mime_free(mime);
    curl_easy_cleanup(cu);
    r.body = b.buf ? b.buf : strdup("");
    r.len = b.len;
    r.headers = h.buf ? h.buf : strdup("");
    r.hlen = h.len;
    return r;
}

/* The ETag header's value (its line, trimmed) into out. */
static void etag_of(const struct vt_resp *r, char *out, size_t size)
{
    const char *e = vt_header(r, "ETag");
    if (!e)
        fail_msg("no ETag in: %s", r->headers);
    snprintf(out, size, "%.*s", (int)strcspn(e, "\r\n"), e);
}

static json_t *body_of(const struct vt_resp *r)
{
    json_t *j = json_loadb(r->body, r->len, 0, NULL);
    if (!j)
        fail_msg("not JSON: %s", r->body);
    return j;
}

/* A problem document with this status and code. */
static void expect_problem(const struct vt_resp *r, long status, const char *code)
{
    if (r->status != status)
        fail_msg("%ld where %ld was expected: %s", r->status, status, r->body);
    const char *ct = vt_header(r, "Content-Type");
    assert_non_null(ct);
    assert_int_equal(strncmp(ct, "application/problem+json", 24), 0);
    json_t *j = body_of(r);
    assert_int_equal(json_integer_value(json_object_get(j, "status")), status);
    assert_true(json_string_length(json_object_get(j, "detail")) > 0);
    if (code)
        assert_string_equal(json_string_value(json_object_get(j, "code")), code);
    json_decref(j);
}

static int64_t count_sql(const char *fmt, int64_t arg)
{
    char sql[300], *out = NULL;
    snprintf(sql, sizeof sql, fmt, (long long)arg);
    if (vt_db_sql(&out, db, sql) != 0)
        fail_msg("%s: %s", sql, out);
    int64_t n = atoll(out);
    free(out);
    return n;
}

/* Files under dir, recursively. */
static int count_files(const char *d)
{
    DIR *dp = opendir(d);
    if (!dp)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (e->d_name[0] == '.')
            continue;
        char p[1200];
        snprintf(p, sizeof p, "%s/%s", d, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0)
            n += S_ISDIR(st.st_mode) ? count_files(p) : 1;
    }
    closedir(dp);
    return n;
}

/* A new entry of museum A on a record of its own (POST /api/v1/entries). */
static int64_t new_entry(char *etag, size_t size)
{
    struct call c = {.token = tok_contrib,
                     .json = "{\"data\": {\"title\": [{\"lang\": \"en\", \"text\": \"First\"}]}}"};
    struct vt_resp r = call("POST", "/api/v1/entries", &c);
    if (r.status != 201)
        fail_msg("create: %ld %s", r.status, r.body);
    etag_of(&r, etag, size);
    json_t *j = body_of(&r);
    int64_t id = json_integer_value(json_object_get(j, "id"));
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "draft");
    json_decref(j);
    vt_resp_free(&r);
    return id;
}

static const char *title_of(json_t *entry)
{
    return json_string_value(json_object_get(
        json_array_get(json_object_get(json_object_get(entry, "data"), "title"), 0), "text"));
}

/* ---- ETags -------------------------------------------------------------------- */

static void test_select_record(void **state)
{
    (void)state;
    char body[100];
    snprintf(body, sizeof body, "{\"object_id\": %lld}", (long long)object_a);
    struct call c = {.token = tok_contrib, .json = body};
    struct vt_resp r = call("POST", "/api/v1/entries", &c);
    if (r.status != 201)
        fail_msg("select: %ld %s", r.status, r.body);
    assert_non_null(strstr(vt_header(&r, "Location"), "/api/v1/entries/"));
    vt_resp_free(&r);
    /* the same record again: 409, naming the entry it has */
    r = call("POST", "/api/v1/entries", &c);
    expect_problem(&r, 409, "taken");
    assert_non_null(vt_header(&r, "Location"));
    vt_resp_free(&r);
    /* another museum's record: refused */
    int64_t other = count_sql("SELECT min(id) FROM objects WHERE museum_id = %lld", museum_b);
    snprintf(body, sizeof body, "{\"object_id\": %lld}", (long long)other);
    r = call("POST", "/api/v1/entries", &c);
    expect_problem(&r, 403, NULL);
    vt_resp_free(&r);
}

static void test_etags(void **state)
{
    (void)state;
    char v1[64], v2[64], path[64];
    int64_t id = new_entry(v1, sizeof v1);
    snprintf(path, sizeof path, "/api/v1/entries/%lld", (long long)id);

    struct call get = {.token = tok_contrib};
    struct vt_resp r = call("GET", path, &get);
    assert_int_equal(r.status, 200);
    char e[64];
    etag_of(&r, e, sizeof e);
    assert_string_equal(e, v1);
    vt_resp_free(&r);

    /* no If-Match: 428, nothing saved */
    const char *second = "{\"title\": [{\"lang\": \"en\", \"text\": \"Second\"}]}";
    struct call put = {.token = tok_contrib, .json = second};
    r = call("PUT", path, &put);
    expect_problem(&r, 428, "if_match_required");
    vt_resp_free(&r);
    assert_int_equal(count_sql("SELECT version FROM entries WHERE id = %lld", id), 1);

    /* the right one: a new version */
    put.if_match = v1;
    r = call("PUT", path, &put);
    if (r.status != 200)
        fail_msg("update: %ld %s", r.status, r.body);
    etag_of(&r, v2, sizeof v2);
    assert_string_not_equal(v1, v2);
    vt_resp_free(&r);

    /* a concurrent edit made on version 1: 412, the latest ETag given,
     * and version 2 stays what it was */
    struct call stale = {.token = tok_contrib, .if_match = v1,
                         .json = "{\"title\": [{\"lang\": \"en\", \"text\": \"Lost?\"}]}"};
    r = call("PUT", path, &stale);
    expect_problem(&r, 412, "stale");
    etag_of(&r, e, sizeof e);
    assert_string_equal(e, v2);
    vt_resp_free(&r);
    /* an ETag that is not one of this entry's, and a list: 412 as well */
    char other[64];
    snprintf(other, sizeof other, "\"e%lldv2\"", (long long)id + 1000);
    stale.if_match = other;
    r = call("PUT", path, &stale);
    expect_problem(&r, 412, "stale");
    vt_resp_free(&r);
    char list[140];
    snprintf(list, sizeof list, "%s, %s", v1, v2);
    stale.if_match = list;
    r = call("PUT", path, &stale);
    expect_problem(&r, 412, "stale");
    vt_resp_free(&r);

    assert_int_equal(count_sql("SELECT version FROM entries WHERE id = %lld", id), 2);
    assert_int_equal(count_sql("SELECT count(*) FROM entry_versions WHERE entry_id = %lld", id), 2);
    r = call("GET", path, &get);
    json_t *j = body_of(&r);
    assert_string_equal(title_of(j), "Second");
    json_decref(j);
    vt_resp_free(&r);

    /* a body that is not the content: 400 naming why, nothing saved */
    struct call bad = {.token = tok_contrib, .if_match = v2, .json = "{\"title\": 3}"};
    r = call("PUT", path, &bad);
    expect_problem(&r, 400, "bad_data");
    vt_resp_free(&r);
    bad.json = "{\"title\": [";
    r = call("PUT", path, &bad);
    expect_problem(&r, 400, "bad_json");
    vt_resp_free(&r);
    assert_int_equal(count_sql("SELECT version FROM entries WHERE id = %lld", id), 2);

    /* revert to version 1: a third version with the first's content */
    char rev[80];
    snprintf(rev, sizeof rev, "%s/revert", path);
    struct call rc = {.token = tok_contrib, .if_match = v2, .json = "{\"version\": 1}"};
    r = call("POST", rev, &rc);
    if (r.status != 200)
        fail_msg("revert: %ld %s", r.status, r.body);
    j = body_of(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 3);
    assert_string_equal(title_of(j), "First");
    json_decref(j);
    vt_resp_free(&r);
}

/* ---- uploads ------------------------------------------------------------------ */

static void read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    *data = malloc(*len);
    assert_int_equal(fread(*data, 1, *len, f), *len);
    fclose(f);
}

static void test_uploads(void **state)
{
    (void)state;
    char v1[64], path[80];
    int64_t id = new_entry(v1, sizeof v1);
    snprintf(path, sizeof path, "/api/v1/entries/%lld/images", (long long)id);
    int64_t media_before = count_sql("SELECT count(*) FROM media WHERE id > %lld", 0);
    int files_before = count_files(media);

    char img_path[900], *jpeg;
    size_t jlen;
    snprintf(img_path, sizeof img_path, "%s/images/npm_taipei/jade070_01_w250.jpg", vt_data());
    read_file(img_path, &jpeg, &jlen);
    size_t big_len = VCM_UPLOAD_MAX + 1;
    char *big = calloc(1, big_len);
    memcpy(big, jpeg, jlen); /* a JPEG's start, then zeros */
    char damaged[600];
    memcpy(damaged, jpeg, sizeof damaged); /* cut short */

    static const struct {
        const char *field, *filename;
        int what; /* 0 the JPEG, 1 text, 2 empty, 3 too big, 4 damaged */
        long status;
    } bad[] = {
        {"file", "a.jpg", 0, 400},        /* the wrong field */
        {"image", "notes.jpg", 1, 415},   /* text named .jpg */
        {"image", "empty.jpg", 2, 400},
        {"image", "huge.jpg", 3, 413},
        {"image", "cut.jpg", 4, 422},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct call c = {.token = tok_contrib, .field = bad[i].field, .filename = bad[i].filename};
        switch (bad[i].what) {
        case 0: c.file = jpeg, c.file_len = jlen; break;
        case 1: c.file = "just some words, not a picture", c.file_len = 30; break;
        case 2: c.file = "", c.file_len = 0; break;
        case 3: c.file = big, c.file_len = big_len; break;
        default: c.file = damaged, c.file_len = sizeof damaged; break;
        }
        struct vt_resp r = call("POST", path, &c);
        expect_problem(&r, bad[i].status, "upload");
        json_t *j = body_of(&r);
        assert_string_equal(json_string_value(json_object_get(
                                json_array_get(json_object_get(j, "invalid-params"), 0), "name")),
                            "image");
        json_decref(j);
        vt_resp_free(&r);
        assert_int_equal(count_sql("SELECT count(*) FROM media WHERE id > %lld", 0), media_before);
        assert_int_equal(count_files(media), files_before);
        assert_int_equal(count_sql("SELECT version FROM entries WHERE id = %lld", id), 1);
    }
    /* a JSON body where a file is expected */
    struct call js = {.token = tok_contrib, .json = "{}"};
    struct vt_resp r = call("POST", path, &js);
    expect_problem(&r, 400, "no_file");
    vt_resp_free(&r);

    /* a good one */
    struct call ok = {.token = tok_contrib, .field = "image", .filename = "jade.jpg", .file = jpeg,
                      .file_len = jlen};
    r = call("POST", path, &ok);
    if (r.status != 201)
        fail_msg("upload: %ld %s", r.status, r.body);
    json_t *j = body_of(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
    json_t *im = json_array_get(json_object_get(json_object_get(j, "data"), "images"), 0);
    const char *ident = json_string_value(json_object_get(im, "identifier"));
    assert_non_null(ident);
    assert_string_equal(json_string_value(json_object_get(im, "rights")),
                        "http://creativecommons.org/publicdomain/zero/1.0/");
    /* ingested (original and pyramid kept) and registered for the entry's
     * record, which is not public yet: neither is the image */
    assert_int_equal(count_files(media), files_before + 2);
    assert_int_equal(count_sql("SELECT count(*) FROM media WHERE object_id = (SELECT "
                               "object_id FROM entries WHERE id = %lld)", id), 1);
    char info[200];
    snprintf(info, sizeof info, "/iiif/%s/info.json", ident);
    struct vt_resp ir = vt_get(&srv, info);
    assert_int_equal(ir.status, 404);
    vt_resp_free(&ir);
    json_decref(j);
    vt_resp_free(&r);
    assert_int_equal(count_sql("SELECT count(*) FROM media WHERE id > %lld", 0), media_before + 1);
    /* the same bytes again: one image still */
    r = call("POST", path, &ok);
    assert_int_equal(r.status, 201);
    vt_resp_free(&r);
    assert_int_equal(count_sql("SELECT count(*) FROM media WHERE id > %lld", 0), media_before + 1);
    free(big);
    free(jpeg);
}

/* ---- images held for review --------------------------------------------------- */

/* The public outputs of an object that name its images. */
static const char *const object_outputs[] = {"/objects/%lld", "/api/v1/objects/%lld",
                                             "/iiif/manifest/%lld", "/objects/%lld.lido.xml",
                                             "/objects/%lld.edm.xml", "/objects/%lld.jsonld"};

/* Whether the public sees image ident of object obj: every output of the
 * object and the image server agree with want. */
static void expect_public(int64_t obj, const char *ident, bool want)
{
    char path[200];
    for (size_t i = 0; i < sizeof object_outputs / sizeof *object_outputs; i++) {
        snprintf(path, sizeof path, object_outputs[i], (long long)obj);
        struct vt_resp r = vt_get(&srv, path);
        bool seen = r.status == 200 && r.body && strstr(r.body, ident);
        if (seen != want)
            fail_msg("%s (%ld) %s %s", path, r.status, seen ? "shows" : "does not show", ident);
        vt_resp_free(&r);
    }
    const char *fmt[] = {"/iiif/%s/info.json", "/iiif/%s/full/max/0/default.jpg"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, fmt[i], ident);
        struct vt_resp r = vt_get(&srv, path);
        if (r.status != (want ? 200 : 404))
            fail_msg("%s: %ld", path, r.status);
        vt_resp_free(&r);
    }
}

/* Uploads the image file name of the demo for entry id; its identifier. */
static char *upload(int64_t id, const char *name)
{
    char img[900], path[80], *data;
    size_t len;
    snprintf(img, sizeof img, "%s/images/npm_taipei/%s", vt_data(), name);
    read_file(img, &data, &len);
    snprintf(path, sizeof path, "/api/v1/entries/%lld/images", (long long)id);
    struct call c = {.token = tok_contrib, .field = "image", .filename = name, .file = data,
                     .file_len = len};
    struct vt_resp r = call("POST", path, &c);
    if (r.status != 201)
        fail_msg("upload: %ld %s", r.status, r.body);
    json_t *j = body_of(&r);
    json_t *ims = json_object_get(json_object_get(j, "data"), "images");
    char *ident = strdup(json_string_value(
        json_object_get(json_array_get(ims, json_array_size(ims) - 1), "identifier")));
    json_decref(j);
    vt_resp_free(&r);
    free(data);
    return ident;
}

static int64_t activities_of(int64_t obj)
{
    return count_sql("SELECT count(*) FROM activities WHERE object_id = %lld", obj);
}

static const vcm_actor curator = {0, "A. Curator"}, editor = {0, "E. Ditor"};

static void step(vcm_store *s, int64_t id, vcm_entry_action a)
{
    if (vcm_entry_transition(s, id, a, "ok", &editor, (int64_t)time(NULL), NULL, 0, NULL) != 0)
        fail_msg("%s: %s", vcm_entry_action_name(a), vcm_store_error(s));
}

static void test_held_images(void **state)
{
    (void)state;
    /* a public catalogue record of museum A without images of its own */
    int64_t obj = count_sql("SELECT min(o.id) FROM objects o WHERE o.museum_id = %lld AND "
                            "o.status = 'published' AND NOT EXISTS (SELECT 1 FROM entries e "
                            "WHERE e.object_id = o.id) AND NOT EXISTS (SELECT 1 FROM media m "
                            "WHERE m.object_id = o.id)", museum_a);
    assert_true(obj > 0);
    char body[100];
    snprintf(body, sizeof body, "{\"object_id\": %lld}", (long long)obj);
    struct call c = {.token = tok_contrib, .json = body};
    struct vt_resp r = call("POST", "/api/v1/entries", &c);
    if (r.status != 201)
        fail_msg("select: %ld %s", r.status, r.body);
    json_t *j = body_of(&r);
    int64_t id = json_integer_value(json_object_get(j, "id"));
    json_decref(j);
    vt_resp_free(&r);
    /* an upload of the draft: nobody outside sees it, nothing is announced */
    int64_t acts = activities_of(obj);
    char *first = upload(id, "jade001_00_w250.jpg");
    expect_public(obj, first, false);
    assert_int_equal(activities_of(obj), acts);

    /* complete, submitted, published: public, and announced */
    vcm_store *s;
    char err[512];
    assert_non_null(s = vcm_store_open(db, err, sizeof err));
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_entry e;
    vcm_entry_version v;
    assert_int_equal(vcm_entry_get(s, &a, id, &e), 1);
    assert_int_equal(vcm_entry_version_get(s, &a, id, e.version, &v), 1);
    vcm_entry_data d = v.data;
    assert_int_equal(d.nimages, 1);
    d.statements = vcm_arena_calloc(&a, 1, sizeof *d.statements);
    d.statements[0] = (vcm_statement){
        "en",
        "This jade shows what the museum holds best, in a stone and a polish that the carvers "
        "of its time rarely reached, and it is why it was chosen.",
        "A. Curator", 1700000000};
    d.nstatements = 1;
    d.licence = "https://creativecommons.org/licenses/by/4.0/";
    int64_t ver;
    if (vcm_entry_save(s, id, e.version, &d, &curator, (int64_t)time(NULL), &ver) != 0)
        fail_msg("save: %s", vcm_store_error(s));
    assert_int_equal(vcm_entry_waive(s, id, "rights checked", &editor, (int64_t)time(NULL)), 0);
    step(s, id, VCM_EA_SUBMIT);
    expect_public(obj, first, false);
    step(s, id, VCM_EA_PUBLISH);
    expect_public(obj, first, true);
    assert_int_equal(activities_of(obj), acts + 1);

    /* a second image in a new version: held, while the first stays public */
    acts = activities_of(obj);
    char *second = upload(id, "jade001_01_w250.jpg");
    expect_public(obj, first, true);
    expect_public(obj, second, false);
    assert_int_equal(activities_of(obj), acts);

    /* withdrawn: neither is public any more; the record stays public */
    step(s, id, VCM_EA_WITHDRAW);
    expect_public(obj, first, false);
    expect_public(obj, second, false);
    char path[80];
    snprintf(path, sizeof path, "/objects/%lld", (long long)obj);
    r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
    free(first);
    free(second);
    vcm_arena_release(&a);
    vcm_store_close(s);
}

/* ---- the workflow ------------------------------------------------------------- */

static void test_workflow(void **state)
{
    (void)state;
    char v1[64], path[80];
    int64_t id = new_entry(v1, sizeof v1);
    snprintf(path, sizeof path, "/api/v1/entries/%lld/submit", (long long)id);
    struct call c = {.token = tok_contrib};
    struct vt_resp r = call("POST", path, &c);
    expect_problem(&r, 422, "incomplete");
    json_t *j = body_of(&r);
    assert_true(json_array_size(json_object_get(j, "invalid-params")) >= 2);
    json_decref(j);
    vt_resp_free(&r);
    assert_int_equal(count_sql("SELECT state FROM entries WHERE id = %lld", id), 0);

    snprintf(path, sizeof path, "/api/v1/entries/%lld/request-changes", (long long)id);
    c.json = "{\"comment\": \"More, please.\"}";
    r = call("POST", path, &c);
    expect_problem(&r, 403, NULL);
    vt_resp_free(&r);
    /* the editor may, but not on a draft */
    c.token = tok_editor;
    r = call("POST", path, &c);
    expect_problem(&r, 409, "workflow");
    vt_resp_free(&r);

    snprintf(path, sizeof path, "/api/v1/entries/%lld", (long long)id);
    struct call ro = {.token = tok_read, .if_match = v1, .json = "{}"};
    r = call("PUT", path, &ro);
    expect_problem(&r, 403, NULL);
    vt_resp_free(&r);
    struct call anon = {0};
    r = call("GET", path, &anon);
    expect_problem(&r, 401, NULL);
    vt_resp_free(&r);

    snprintf(path, sizeof path, "/api/v1/entries/%lld/comments", (long long)id);
    c = (struct call){.token = tok_editor, .json = "{\"body\": \"Which dynasty?\"}"};
    r = call("POST", path, &c);
    assert_int_equal(r.status, 201);
    vt_resp_free(&r);
    c.json = "{\"body\": \"   \"}";
    r = call("POST", path, &c);
    expect_problem(&r, 400, "bad_param");
    vt_resp_free(&r);
    c.json = NULL;
    r = call("GET", path, &c);
    j = body_of(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
    json_decref(j);
    vt_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select_record),
        cmocka_unit_test(test_etags),
        cmocka_unit_test(test_uploads),
        cmocka_unit_test(test_held_images),
        cmocka_unit_test(test_workflow),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
