/* Virtual exhibitions over real HTTP on each backend: a few Taipei records
 * with real photographs, users and tokens of each role, then the write
 * API's workflow and history (versions, steps, the live version public
 * while an edit waits), who may do what, the refusals of bad content, the
 * public page read without JavaScript (details as IIIF region requests
 * that answer images), and the IIIF manifest: valid against the
 * Presentation 3.0 schema, one range per section, details as fragments. */
#include "testutil.h"

#include <jansson.h>

#include "core/l10n.h"
#include "core/token.h"
#include "model/vexhibit.h"
#include "store/account.h"
#include "store/vexhibit.h"

static char *dir, db[1024], media[800];
static struct vt_server srv;
static int64_t jade, bowl, draft_record;
static char tok_contrib[VCM_TOKEN_HEX], tok_editor[VCM_TOKEN_HEX], tok_read[VCM_TOKEN_HEX];
static int64_t editor_id;
static char session_cookie[200], session_csrf[VCM_TOKEN_HEX];

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

static int64_t sql_id(const char *sql)
{
    char *out = NULL;
    if (vt_db_sql(&out, db, sql) != 0)
        fail_msg("%s: %s", sql, out);
    int64_t id = atoll(out);
    free(out);
    return id;
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "vx");
    snprintf(media, sizeof media, "%s/media", dir);
    char *out = NULL;
    if (vt_sh(&out, "grep -m 20 'National Palace Museum' %s/collection.jsonl > %s/npm.jsonl && "
                    "grep -e '古玉3888' -e '古玉1863' %s/collection.jsonl >> %s/npm.jsonl && "
                    "%s import --quiet --db '%s' %s/npm.jsonl",
              vt_data(), dir, vt_data(), dir, vt_bin(), db, dir) != 0)
        fail_msg("import failed: %s", out);
    free(out);
    if (vt_sh(&out, "%s media add --quiet --db '%s' --media %s --museum 'National Palace Museum, "
                    "Taipei' 古玉3888 %s/images/npm_taipei/jade070_00.jpg --id vx-jade && "
                    "%s media add --quiet --db '%s' --media %s --museum 'National Palace Museum, "
                    "Taipei' 古玉1863 %s/images/npm_taipei/jade054_00_w1140.jpg --id vx-bowl",
              vt_bin(), db, media, vt_data(), vt_bin(), db, media, vt_data()) != 0)
        fail_msg("media add failed: %s", out);
    free(out);
    jade = sql_id("SELECT object_id FROM media WHERE identifier = 'vx-jade'");
    bowl = sql_id("SELECT object_id FROM media WHERE identifier = 'vx-bowl'");
    int64_t museum = sql_id("SELECT o.museum_id FROM media m JOIN objects o ON o.id = m.object_id WHERE m.identifier = 'vx-jade'");
    /* a record that is not public: one a museum made for an entry */
    {
        char err[512];
        vcm_store *s = vcm_store_open(db, err, sizeof err);
        assert_non_null(s);
        vcm_ltext title = {.lang = "en", .text = "Not public"};
        vcm_entry_data d = {.title = {.v = &title, .n = 1}};
        vcm_actor who = {0, "test"};
        int64_t entry;
        if (vcm_entry_create_record(s, museum, &d, &who, 1, &entry, &draft_record) < 0)
            fail_msg("cannot make a draft record: %s", vcm_store_error(s));
        vcm_store_close(s);
    }
    assert_true(jade > 0 && bowl > 0 && draft_record > 0);
    add_token(add_user("contrib@example.org", "contributor", museum), "write", tok_contrib);
    editor_id = add_user("editor@example.org", "editor", 0);
    add_token(editor_id, "write", tok_editor);
    /* a signed-in session of the editor, for the forms */
    {
        char err[512], tok[VCM_TOKEN_HEX], hash[VCM_TOKEN_HEX];
        vcm_store *s = vcm_store_open(db, err, sizeof err);
        assert_non_null(s);
        assert_int_equal(vcm_token_new(tok), 0);
        assert_int_equal(vcm_token_new(session_csrf), 0);
        vcm_token_digest(tok, hash);
        int64_t now = (int64_t)time(NULL);
        vcm_session ss = {.hash = hash, .csrf = session_csrf, .created = now, .last_seen = now,
                          .expires = now + 3600, .address = "127.0.0.1",
                          .user = {.id = editor_id}};
        if (vcm_session_add(s, &ss) < 0)
            fail_msg("session: %s", vcm_store_error(s));
        vcm_store_close(s);
        snprintf(session_cookie, sizeof session_cookie, "Cookie: vcm_session=%s", tok);
    }
    add_token(add_user("reader@example.org", "contributor", museum), "read", tok_read);
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
              "--index", index, "--listen", listen, "--log-level",
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

/* One request: token (NULL: anonymous), If-Match (NULL: none), a JSON body
 * (NULL: none). */
static struct vt_resp call(const char *method, const char *path, const char *token,
                           const char *if_match, const char *json)
{
    struct vt_resp r = {0};
    struct {
        char *buf;
        size_t len;
    } b = {NULL, 0}, h = {NULL, 0};
    char url[1200], hdr[200];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    CURL *cu = curl_easy_init();
    curl_easy_setopt(cu, CURLOPT_URL, url);
    curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, vt_collect);
    curl_easy_setopt(cu, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(cu, CURLOPT_HEADERFUNCTION, vt_collect);
    curl_easy_setopt(cu, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(cu, CURLOPT_TIMEOUT, 60L);
    struct curl_slist *hl = NULL;
    if (token) {
        snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", token);
        hl = curl_slist_append(hl, hdr);
    }
    if (if_match) {
        snprintf(hdr, sizeof hdr, "If-Match: %s", if_match);
        hl = curl_slist_append(hl, hdr);
    }
    if (json) {
        hl = curl_slist_append(hl, "Content-Type: application/json");
        curl_easy_setopt(cu, CURLOPT_POSTFIELDS, json);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(cu, CURLOPT_POSTFIELDS, "");
    }
    if (hl)
        curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hl);
    CURLcode rc = curl_easy_perform(cu);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, url, curl_easy_strerror(rc));
    curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(cu);
    r.body = b.buf ? b.buf : strdup("");
    r.len = b.len;
    r.headers = h.buf ? h.buf : strdup("");
    r.hlen = h.len;
    return r;
}

static void expect(struct vt_resp r, long status, const char *what)
{
    if (r.status != status)
        fail_msg("%s: %ld, expected %ld: %.600s", what, r.status, status, r.body);
}

/* The content of an exhibition whose texts carry marker, with one whole
 * image and one detail of the jade, and the bowl in a second section. */
static char *content(const char *slug, const char *marker)
{
    char *s = NULL;
    int n = asprintf(
        &s,
        "{%s%s%s\"title\": [{\"lang\": \"en\", \"text\": \"Jades %s\"}, {\"lang\": \"zh-Hant\", "
        "\"text\": \"玉\"}], \"intro\": [{\"lang\": \"en\", \"text\": \"Intro %s\"}], "
        "\"sections\": [{\"title\": [{\"lang\": \"en\", \"text\": \"Stone %s\"}], \"text\": "
        "[{\"lang\": \"en\", \"text\": \"Worn with sand.\"}], \"items\": [{\"object\": %lld}, "
        "{\"object\": %lld, \"region\": [100, 80, 300, 200], \"caption\": [{\"lang\": \"en\", "
        "\"text\": \"The surface\"}]}]}, {\"title\": [{\"lang\": \"en\", \"text\": \"A bowl\"}], "
        "\"items\": [{\"object\": %lld}, {\"object\": %lld}]}]}",
        slug ? "\"slug\": \"" : "", slug ? slug : "", slug ? "\", " : "", marker, marker, marker,
        (long long)jade, (long long)jade, (long long)bowl, (long long)jade);
    assert_true(n > 0);
    return s;
}

static const char *etag_of(const struct vt_resp *r, char *out, size_t size)
{
    const char *e = vt_header(r, "ETag");
    assert_non_null(e);
    snprintf(out, size, "%.*s", (int)strcspn(e, "\r\n"), e);
    return out;
}

static void test_workflow_and_history(void **state)
{
    (void)state;
    char *c1 = content("jades", "FIRSTMARK"), etag[64];
    struct vt_resp r = call("POST", "/api/v1/exhibitions", tok_contrib, NULL, c1);
    expect(r, 201, "create");
    assert_contains(r.body, "\"state\":\"draft\"");
    etag_of(&r, etag, sizeof etag);
    vt_resp_free(&r);
    /* the same slug again */
    r = call("POST", "/api/v1/exhibitions", tok_contrib, NULL, c1);
    expect(r, 409, "create twice");
    vt_resp_free(&r);
    /* not public while a draft */
    r = call("GET", "/exhibitions/jades", NULL, NULL, NULL);
    expect(r, 404, "draft page");
    vt_resp_free(&r);
    /* a save needs the version it was made from */
    char *c2 = content(NULL, "SECONDMARK");
    r = call("PUT", "/api/v1/exhibitions/jades", tok_contrib, NULL, c2);
    expect(r, 428, "save without If-Match");
    vt_resp_free(&r);
    r = call("PUT", "/api/v1/exhibitions/jades", tok_contrib, "\"x1v9\"", c2);
    expect(r, 412, "save on a stale version");
    vt_resp_free(&r);
    r = call("PUT", "/api/v1/exhibitions/jades", tok_contrib, etag, c2);
    expect(r, 200, "save");
    assert_contains(r.body, "\"version\":2");
    char etag2[64];
    etag_of(&r, etag2, sizeof etag2);
    vt_resp_free(&r);
    /* the first ETag is stale now: nothing is lost, the save is refused */
    r = call("PUT", "/api/v1/exhibitions/jades", tok_contrib, etag, c1);
    expect(r, 412, "save on the first version again");
    vt_resp_free(&r);
    /* steps: a contributor submits; only an editor publishes */
    r = call("POST", "/api/v1/exhibitions/jades/submit", tok_contrib, NULL, "{\"comment\": \"ready\"}");
    expect(r, 200, "submit");
    assert_contains(r.body, "\"state\":\"submitted\"");
    vt_resp_free(&r);
    r = call("PUT", "/api/v1/exhibitions/jades", tok_contrib, etag2, c1);
    expect(r, 409, "save while submitted");
    vt_resp_free(&r);
    r = call("POST", "/api/v1/exhibitions/jades/publish", tok_contrib, NULL, NULL);
    expect(r, 403, "publish as a contributor");
    vt_resp_free(&r);
    r = call("POST", "/api/v1/exhibitions/jades/publish", tok_editor, NULL, "{}");
    expect(r, 200, "publish");
    assert_contains(r.body, "\"live_version\":2");
    vt_resp_free(&r);
    r = call("POST", "/api/v1/exhibitions/jades/publish", tok_editor, NULL, NULL);
    expect(r, 409, "publish twice");
    vt_resp_free(&r);
    r = call("GET", "/exhibitions/jades", NULL, NULL, NULL);
    expect(r, 200, "published page");
    assert_contains(r.body, "SECONDMARK");
    vt_resp_free(&r);
    /* an edit of a published exhibition waits: the public keeps version 2 */
    char *c3 = content(NULL, "THIRDMARK");
    r = call("PUT", "/api/v1/exhibitions/jades", tok_contrib, etag2, c3);
    expect(r, 200, "save a published exhibition");
    assert_contains(r.body, "\"state\":\"draft\"");
    assert_contains(r.body, "\"live_version\":2");
    vt_resp_free(&r);
    r = call("GET", "/exhibitions/jades", NULL, NULL, NULL);
    assert_contains(r.body, "SECONDMARK");
    assert_not_contains(r.body, "THIRDMARK");
    vt_resp_free(&r);
    r = call("GET", "/api/v1/exhibitions/jades", NULL, NULL, NULL);
    expect(r, 200, "public API");
    assert_not_contains(r.body, "THIRDMARK");
    vt_resp_free(&r);
    /* the history: every version with its content, every step */
    r = call("GET", "/api/v1/exhibitions/jades/history", tok_contrib, NULL, NULL);
    expect(r, 200, "history");
    json_t *h = json_loads(r.body, 0, NULL);
    assert_non_null(h);
    json_t *versions = json_object_get(h, "versions"), *events = json_object_get(h, "events");
    assert_int_equal(json_array_size(versions), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(versions, 0), "version")), 3);
    assert_true(json_is_true(json_object_get(json_array_get(versions, 1), "live")));
    const char *steps[] = {"create", "submit", "publish", "edit"};
    assert_int_equal(json_array_size(events), 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(events, i), "action")),
                            steps[i]);
    assert_string_equal(json_string_value(json_object_get(json_array_get(events, 1), "comment")),
                        "ready");
    json_decref(h);
    vt_resp_free(&r);
    /* withdrawn: public nowhere */
    r = call("POST", "/api/v1/exhibitions/jades/withdraw", tok_contrib, NULL, NULL);
    expect(r, 403, "withdraw as a contributor");
    vt_resp_free(&r);
    r = call("POST", "/api/v1/exhibitions/jades/withdraw", tok_editor, NULL, NULL);
    expect(r, 200, "withdraw");
    vt_resp_free(&r);
    const char *gone[] = {"/exhibitions/jades", "/api/v1/exhibitions/jades",
                          "/iiif/exhibition/jades"};
    for (size_t i = 0; i < 3; i++) {
        r = call("GET", gone[i], NULL, NULL, NULL);
        expect(r, 404, gone[i]);
        vt_resp_free(&r);
    }
    r = call("GET", "/exhibitions", NULL, NULL, NULL);
    assert_not_contains(r.body, "/exhibitions/jades\"");
    vt_resp_free(&r);
    free(c1), free(c2), free(c3);
}

static void test_who_may(void **state)
{
    (void)state;
    char *c = content("who", "WHO");
    /* an anonymous script has no CSRF token to send */
    struct vt_resp r = call("POST", "/api/v1/exhibitions", NULL, NULL, c);
    expect(r, 403, "anonymous create");
    vt_resp_free(&r);
    r = call("POST", "/api/v1/exhibitions", tok_read, NULL, c);
    expect(r, 403, "read-only token");
    vt_resp_free(&r);
    r = call("GET", "/api/v1/exhibitions/who/history", NULL, NULL, NULL);
    expect(r, 401, "anonymous history");
    vt_resp_free(&r);
    r = call("POST", "/api/v1/exhibitions", tok_editor, NULL, c);
    expect(r, 201, "an editor creates");
    vt_resp_free(&r);
    r = call("POST", "/api/v1/exhibitions/who/submit", NULL, NULL, NULL);
    expect(r, 403, "anonymous submit");
    vt_resp_free(&r);
    free(c);
}

static void test_bad_content(void **state)
{
    (void)state;
    char body[1200];
    struct {
        const char *json;
        long status;
        const char *says;
    } bad[] = {
        {"{\"slug\": \"b1\", \"title\": [{\"lang\": \"en\", \"text\": \"x\"}], \"sections\": "
         "[{\"items\": [{\"object\": %lld, \"region\": [1, 2, 0, 5]}]}]}",
         422, "section 1 item 1"},
        {"{\"slug\": \"b2\", \"title\": [{\"lang\": \"en\", \"text\": \"x\"}], \"sections\": "
         "[{\"items\": [{\"object\": %lld, \"region\": [1, 2, 3]}]}]}",
         400, "region"},
        {"{\"slug\": \"b3\", \"title\": [], \"sections\": [], \"x\": %lld}", 422, "title"},
        {"{\"slug\": \"B 4\", \"title\": [{\"lang\": \"en\", \"text\": \"x\"}], \"n\": %lld}", 422,
         "slug"},
        {"{\"slug\": \"b5\", \"title\": [{\"lang\": \"en!\", \"text\": \"x\"}], \"n\": %lld}", 422,
         "title"},
        {"{\"slug\": \"b6\", \"title\": [{\"lang\": \"en\", \"text\": \"x\"}], \"sections\": "
         "[{\"items\": [{\"object\": 99999%lld}]}]}",
         422, "no record"},
        {"[%lld]", 400, "JSON object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body, bad[i].json, (long long)jade);
        struct vt_resp r = call("POST", "/api/v1/exhibitions", tok_contrib, NULL, body);
        if (r.status != bad[i].status || !strstr(r.body, bad[i].says))
            fail_msg("bad content %zu: %ld %s (wanted %ld naming '%s')", i, r.status, r.body,
                     bad[i].status, bad[i].says);
        vt_resp_free(&r);
    }
    /* a record that is not public may be drafted with, never published */
    snprintf(body, sizeof body,
             "{\"slug\": \"hidden\", \"title\": [{\"lang\": \"en\", \"text\": \"x\"}], "
             "\"sections\": [{\"items\": [{\"object\": %lld}]}]}",
             (long long)draft_record);
    struct vt_resp r = call("POST", "/api/v1/exhibitions", tok_contrib, NULL, body);
    expect(r, 201, "a draft naming a record not public");
    vt_resp_free(&r);
    r = call("POST", "/api/v1/exhibitions/hidden/submit", tok_contrib, NULL, NULL);
    vt_resp_free(&r);
    r = call("POST", "/api/v1/exhibitions/hidden/publish", tok_editor, NULL, NULL);
    expect(r, 422, "publishing a record not public");
    assert_contains(r.body, "not public");
    vt_resp_free(&r);
    r = call("GET", "/exhibitions/hidden", NULL, NULL, NULL);
    expect(r, 404, "the refused publication");
    vt_resp_free(&r);
    /* a body that is not JSON at all */
    r = call("POST", "/api/v1/exhibitions", tok_contrib, NULL, "{\"slug\":");
    expect(r, 400, "truncated JSON");
    vt_resp_free(&r);
}

/* Publishes exhibition slug (content with marker) through the API. */
static void publish(const char *slug, const char *marker)
{
    char *c = content(slug, marker), path[200];
    struct vt_resp r = call("POST", "/api/v1/exhibitions", tok_contrib, NULL, c);
    expect(r, 201, "create");
    vt_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/exhibitions/%s/submit", slug);
    r = call("POST", path, tok_contrib, NULL, NULL);
    expect(r, 200, "submit");
    vt_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/exhibitions/%s/publish", slug);
    r = call("POST", path, tok_editor, NULL, NULL);
    expect(r, 200, "publish");
    vt_resp_free(&r);
    free(c);
}

static void test_page_without_javascript(void **state)
{
    (void)state;
    publish("page", "PAGEMARK");
    struct vt_resp r = call("GET", "/exhibitions/page", NULL, NULL, NULL);
    expect(r, 200, "page");
    /* the detail is a IIIF request of its region; the whole image too */
    char want[200];
    assert_contains(r.body, "/iiif/vx-jade/100,80,300,200/!600,600/0/default.jpg");
    assert_contains(r.body, "/iiif/vx-jade/full/!600,600/0/default.jpg");
    assert_contains(r.body, "The surface");
    assert_contains(r.body, "Stone PAGEMARK");
    /* the sections' objects compared side by side */
    snprintf(want, sizeof want, "/compare?objects=%lld,%lld", (long long)bowl, (long long)jade);
    assert_contains(r.body, want);
    assert_not_contains(r.body, "<script src=\"/static/compare.js\"");
    vt_resp_free(&r);
    r = call("GET", "/iiif/vx-jade/100,80,300,200/!600,600/0/default.jpg", NULL, NULL, NULL);
    expect(r, 200, "the detail's image");
    assert_contains(r.headers, "image/jpeg");
    vt_resp_free(&r);
    r = call("GET", "/exhibitions", NULL, NULL, NULL);
    expect(r, 200, "list");
    assert_contains(r.body, "/exhibitions/page\"");
    assert_contains(r.body, "Jades PAGEMARK");
    vt_resp_free(&r);
    r = call("GET", "/api/v1/exhibitions", NULL, NULL, NULL);
    assert_contains(r.body, "\"slug\":\"page\"");
    vt_resp_free(&r);
}

/* A Korean visitor's exhibition links to Korean pages: the objects, the
 * list, the comparison; the IIIF manifest stays one address for all. */
static void test_page_in_a_language(void **state)
{
    (void)state;
    publish("korean", "KOMARK");
    struct vt_resp r = call("GET", "/ko/exhibitions/korean", NULL, NULL, NULL);
    expect(r, 200, "the page in Korean");
    char want[200];
    assert_contains(r.body, "<html lang=\"ko\"");
    assert_contains(r.body, "href=\"/ko/exhibitions\"");
    snprintf(want, sizeof want, "href=\"/ko/objects/%lld\"", (long long)jade);
    assert_contains(r.body, want);
    snprintf(want, sizeof want, "href=\"/ko/compare?objects=%lld,%lld\"", (long long)bowl,
             (long long)jade);
    assert_contains(r.body, want);
    assert_contains(r.body, "href=\"/iiif/exhibition/korean\"");
    assert_contains(r.body, "dir=\"auto\"");
    vt_resp_free(&r);
    r = call("GET", "/ko/exhibitions", NULL, NULL, NULL);
    expect(r, 200, "the list in Korean");
    assert_contains(r.body, "href=\"/ko/exhibitions/korean\"");
    vt_resp_free(&r);
    snprintf(want, sizeof want, "/ko/compare?objects=%lld,%lld", (long long)bowl, (long long)jade);
    r = call("GET", want, NULL, NULL, NULL);
    expect(r, 200, "the comparison in Korean");
    snprintf(want, sizeof want, "href=\"/ko/objects/%lld\"", (long long)bowl);
    assert_contains(r.body, want);
    assert_contains(r.body, "action=\"/ko/compare\"");
    vt_resp_free(&r);
}

static void test_manifest(void **state)
{
    (void)state;
    publish("manifest", "MANIFESTMARK");
    struct vt_resp r = call("GET", "/iiif/exhibition/manifest", NULL, NULL, NULL);
    expect(r, 200, "manifest");
    char file[800];
    snprintf(file, sizeof file, "%s/manifest.json", dir);
    vt_write_file(file, r.body);
    json_t *m = json_loads(r.body, 0, NULL);
    vt_resp_free(&r);
    assert_non_null(m);
    char *out;
    int rc = vt_sh(&out,
                   "/usr/bin/python3 -c 'import json,sys,jsonschema; "
                   "s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2])); "
                   "jsonschema.Draft7Validator(s).validate(d); print(\"valid\")' "
                   "%s/schemas/iiif/presentation-3.0.schema.json %s",
                   vt_data(), file);
    if (rc != 0)
        fail_msg("the exhibition's manifest does not validate: %.2000s", out);
    free(out);
    /* a canvas per object image (the jade twice is one canvas) */
    json_t *items = json_object_get(m, "items");
    assert_int_equal(json_array_size(items), 2);
    /* a range per section, in order, the detail a fragment of its canvas */
    json_t *ranges = json_object_get(m, "structures");
    assert_int_equal(json_array_size(ranges), 2);
    json_t *r1 = json_array_get(ranges, 0);
    assert_string_equal(json_string_value(json_object_get(r1, "type")), "Range");
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(json_object_get(r1, "label"), "en"), 0)),
                        "Stone MANIFESTMARK");
    json_t *ri = json_object_get(r1, "items");
    assert_int_equal(json_array_size(ri), 2);
    json_t *detail = json_array_get(ri, 1);
    assert_string_equal(json_string_value(json_object_get(detail, "type")), "SpecificResource");
    json_t *sel = json_object_get(detail, "selector");
    assert_string_equal(json_string_value(json_object_get(sel, "type")), "FragmentSelector");
    assert_string_equal(json_string_value(json_object_get(sel, "value")), "xywh=100,80,300,200");
    const char *src = json_string_value(json_object_get(json_object_get(detail, "source"), "id"));
    bool found = false;
    for (size_t i = 0; i < json_array_size(items); i++)
        found = found || strcmp(json_string_value(json_object_get(json_array_get(items, i), "id")),
                                src) == 0;
    assert_true(found);
    assert_int_equal(json_array_size(json_object_get(json_array_get(ranges, 1), "items")), 2);
    json_decref(m);
}

/* A form of the editor, sent by the signed-in editor. */
static struct vt_resp form(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static struct vt_resp form(const char *path, const char *fmt, ...)
{
    char body[4000], url[600];
    int n = snprintf(body, sizeof body, "csrf=%s&", session_csrf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body + n, sizeof body - (size_t)n, fmt, ap);
    va_end(ap);
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    return vt_http("POST", url, body, session_cookie);
}

static void test_editor_forms(void **state)
{
    (void)state;
    char url[600];
    snprintf(url, sizeof url, "%s/dashboard/exhibitions", srv.base);
    struct vt_resp r = vt_http("GET", url, NULL, session_cookie);
    expect(r, 200, "the list of the editors");
    vt_resp_free(&r);
    r = form("/dashboard/exhibitions", "slug=Not+a+slug&title=Formed");
    expect(r, 422, "a bad slug");
    assert_contains(r.body, "lower-case letters");
    vt_resp_free(&r);
    r = form("/dashboard/exhibitions", "slug=formed&title=Formed");
    expect(r, 303, "create");
    assert_contains(r.headers, "/dashboard/exhibitions/formed");
    vt_resp_free(&r);
    snprintf(url, sizeof url, "%s/dashboard/exhibitions/formed", srv.base);
    r = vt_http("GET", url, NULL, session_cookie);
    expect(r, 200, "the editor");
    assert_contains(r.body, "name=\"s1_items\"");
    vt_resp_free(&r);
    /* a section in two languages, an object and a detail typed as numbers */
    r = form("/dashboard/exhibitions/formed",
             "version=1&title_en=Formed+again&text_en=An+intro&add_lang=ko&title_ko=%%EB%%8F%%8C"
             "&s1_pos=1&s1_title_en=Stone&s1_title_ko=%%EB%%8F%%8C&s1_text_en=Worn"
             "&s1_items=%lld%%0D%%0A%lld+10%%2C20%%2C30%%2C40+%%7C+The+surface%%0D%%0A",
             (long long)jade, (long long)jade);
    expect(r, 303, "save");
    assert_contains(r.headers, "done=saved");
    vt_resp_free(&r);
    r = call("GET", "/api/v1/exhibitions/formed/history", tok_editor, NULL, NULL);
    expect(r, 200, "history");
    json_t *h = json_loads(r.body, 0, NULL);
    vt_resp_free(&r);
    json_t *c = json_object_get(json_array_get(json_object_get(h, "versions"), 0), "content");
    json_t *sec = json_array_get(json_object_get(c, "sections"), 0);
    assert_int_equal(json_array_size(json_object_get(sec, "title")), 2);
    json_t *items = json_object_get(sec, "items");
    assert_int_equal(json_array_size(items), 2);
    json_t *reg = json_object_get(json_array_get(items, 1), "region");
    assert_int_equal(json_integer_value(json_array_get(reg, 3)), 40);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
                            json_array_get(items, 1), "caption"), 0), "text")),
                        "The surface");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(c, "title"), 1),
                                                          "lang")),
                        "ko");
    /* the history's times in the visitor's language (core/l10n.h) */
    char when[128];
    json_int_t t =
        json_integer_value(json_object_get(json_array_get(json_object_get(h, "versions"), 0), "time"));
    assert_int_equal(vcm_l10n_time("ko", t, when, sizeof when), 0);
    json_decref(h);
    snprintf(url, sizeof url, "%s/ko/dashboard/exhibitions/formed", srv.base);
    r = vt_http("GET", url, NULL, session_cookie);
    expect(r, 200, "the editor in Korean");
    assert_contains(r.body, when);
    vt_resp_free(&r);
    /* the same form again: made from version 1, refused, what was typed kept */
    r = form("/dashboard/exhibitions/formed", "version=1&title_en=STALEMARK&s1_items=%lld",
             (long long)jade);
    expect(r, 409, "a stale form");
    assert_contains(r.body, "Someone saved");
    assert_contains(r.body, "STALEMARK");
    vt_resp_free(&r);
    /* a line that is not an item: said beside its section */
    r = form("/dashboard/exhibitions/formed", "version=2&title_en=T&s1_items=x+1%%2C2");
    expect(r, 422, "a bad line");
    assert_contains(r.body, "Line 1:");
    vt_resp_free(&r);
    r = form("/dashboard/exhibitions/formed", "version=2&title_en=T&s1_items=%lld+1%%2C2%%2C0%%2C4",
             (long long)jade);
    expect(r, 422, "an empty region");
    assert_contains(r.body, "width and a height");
    vt_resp_free(&r);
    /* the steps */
    r = form("/dashboard/exhibitions/formed/submit", "comment=ready");
    expect(r, 303, "submit");
    vt_resp_free(&r);
    r = form("/dashboard/exhibitions/formed/publish", "comment=");
    expect(r, 303, "publish");
    vt_resp_free(&r);
    r = call("GET", "/exhibitions/formed", NULL, NULL, NULL);
    expect(r, 200, "published from the forms");
    assert_contains(r.body, "/10,20,30,40/");
    vt_resp_free(&r);
}

/* The editor's item lines (model/vexhibit.c), as the form gives them. */
static void test_item_lines(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_vx_item it;
    const char *why;
    assert_int_equal(vcm_vx_item_parse("14", &a, "en", &it, &why), 0);
    assert_int_equal(it.object_id, 14);
    assert_int_equal(it.w, 0);
    assert_int_equal(vcm_vx_item_parse(" 14 10, 20,300,400 | The head\r", &a, "en", &it, &why), 0);
    assert_int_equal(it.x, 10);
    assert_int_equal(it.h, 400);
    assert_int_equal(it.caption.n, 1);
    assert_string_equal(it.caption.v[0].text, "The head");
    assert_int_equal(vcm_vx_item_parse("14 | just a caption", &a, "en", &it, &why), 0);
    assert_int_equal(it.w, 0);
    const char *bad[] = {"", "x", "0", "14 1,2,3", "14 1,2,0,4", "14 1,2,3,4 tail", "-3",
                         "14 1,2,3,99999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (vcm_vx_item_parse(bad[i], &a, "en", &it, &why) == 0)
            fail_msg("'%s' was read as an item", bad[i]);
    vcm_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_item_lines),
        cmocka_unit_test(test_workflow_and_history),
        cmocka_unit_test(test_who_may),
        cmocka_unit_test(test_bad_content),
        cmocka_unit_test(test_page_without_javascript),
        cmocka_unit_test(test_page_in_a_language),
        cmocka_unit_test(test_manifest),
        cmocka_unit_test(test_editor_forms),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
