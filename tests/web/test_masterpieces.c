/* Masterpieces end to end on each backend: a slice of the demo imported by
 * the real program, entries in every state made through the store, then
 * every public output of the real server walked (pages, search, API, IIIF
 * collections, manifests and change discovery, the feed, the sitemap) and
 * the export: what is not published (a draft, a submitted entry, a
 * withdrawn one, an edit awaiting review) appears nowhere; what is
 * published does. Then the re-import of a record a curator edited. */
#include "testutil.h"

#include <jansson.h>

#include "model/entry.h"
#include "store/entry.h"
#include "store/store.h"

static char *dir;
static char db[1024];
static struct vt_server srv;
static int64_t museum;
static int64_t ids[8];      /* catalogue records of the slice */
static int64_t created[3];  /* records the museum made: draft, withdrawn, published */

static const vcm_actor curator = {0, "A. Curator"};
static const vcm_actor editor = {0, "E. Ditor"};

/* Markers of what must never be public, and of what must be. */
static const char *const hidden[] = {"LEAKDRAFT", "LEAKSUBMITTED", "LEAKWITHDRAWN",
                                     "LEAKPENDING", "LEAKMADEDRAFT", "LEAKMADEWITHDRAWN",
                                     "LEAKREQUESTED"};

static const char *statement_of(vcm_arena *a, const char *marker)
{
    return vcm_arena_printf(a, "%s: this work shows what the museum holds best, in a form and a "
                               "glaze that the potters of its time rarely reached, and it is "
                               "why it was chosen.",
                            marker);
}

static vcm_entry_data data_for(vcm_store *s, vcm_arena *a, int64_t entry, const char *marker)
{
    vcm_entry e;
    vcm_entry_version v;
    vcm_entry_data d = {0};
    if (entry) {
        assert_int_equal(vcm_entry_get(s, a, entry, &e), 1);
        assert_int_equal(vcm_entry_version_get(s, a, entry, e.version, &v), 1);
        d = v.data;
    } else {
        vcm_ltexts_add(&d.title, a, "en", vcm_arena_printf(a, "%s jar", marker));
    }
    d.statements = vcm_arena_calloc(a, 1, sizeof *d.statements);
    d.statements[0] = (vcm_statement){"en", statement_of(a, marker), "A. Curator", 1700000000};
    d.nstatements = 1;
    d.licence = "https://creativecommons.org/licenses/by/4.0/";
    return d;
}

/* An entry of record id (0: a record the museum makes) brought to the
 * state named by steps, its content carrying marker. */
static int64_t entry(vcm_store *s, vcm_arena *a, int64_t id, const char *marker,
                     const vcm_entry_action *steps, size_t nsteps, int64_t *object)
{
    int64_t e, v, obj = id;
    if (id) {
        assert_int_equal(vcm_entry_create(s, museum, id, NULL, &curator, 100, &e), 0);
    } else {
        vcm_entry_data d = data_for(s, a, 0, marker);
        d.nstatements = 0; /* the statement comes with the next version */
        assert_int_equal(vcm_entry_create_record(s, museum, &d, &curator, 100, &e, &obj), 0);
    }
    vcm_entry_data d = data_for(s, a, e, marker);
    assert_int_equal(vcm_entry_save(s, e, 0, &d, &curator, 101, &v), 0);
    assert_int_equal(vcm_entry_waive(s, e, "no photograph yet", &editor, 102), 0);
    for (size_t i = 0; i < nsteps; i++)
        if (vcm_entry_transition(s, e, steps[i], "ok", &editor, 103, NULL, 0, NULL) != 0)
            fail_msg("%s: step %zu: %s", marker, i, vcm_store_error(s));
    if (object)
        *object = obj;
    return e;
}

/* Waits until the server's search answers (it builds its index first). */
static void wait_ready(void)
{
    for (int i = 0; i < 1200; i++) {
        struct vt_resp r = vt_get(&srv, "/api/v1/search?q=a&limit=1&facets=none");
        long st = r.status;
        vt_resp_free(&r);
        if (st == 200)
            return;
        if (st != 503)
            fail_msg("search answered %ld while starting", st);
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fail_msg("search was not ready within 120 s");
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    char data[600];
    snprintf(data, sizeof data, "%s/collection.jsonl", vt_data());
    if (vt_sh(NULL, "grep -F '\"Tate\"' %s | head -n 12 > %s/slice.jsonl", data, dir) != 0)
        fail_msg("cannot cut the slice");
    vt_db_url(db, sizeof db, dir, "mp");
    if (vt_sh(NULL, "%s --db '%s' import --quiet %s/slice.jsonl", vt_bin(), db, dir) != 0)
        fail_msg("the import failed");
    char err[600];
    vcm_store *s = vcm_store_open(db, err, sizeof err);
    if (!s)
        fail_msg("open: %s", err);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_filter f = {.limit = 8};
    vcm_object *list;
    size_t n;
    assert_int_equal(s->ops->object_list(s, &a, &f, &list, &n), 0);
    assert_int_equal(n, 8);
    museum = list[0].museum_id;
    for (size_t i = 0; i < n; i++)
        ids[i] = list[i].id;
    const vcm_entry_action submit[] = {VCM_EA_SUBMIT};
    const vcm_entry_action requested[] = {VCM_EA_SUBMIT, VCM_EA_REQUEST_CHANGES};
    const vcm_entry_action publish[] = {VCM_EA_SUBMIT, VCM_EA_PUBLISH};
    const vcm_entry_action withdrawn[] = {VCM_EA_SUBMIT, VCM_EA_PUBLISH, VCM_EA_WITHDRAW};
    entry(s, &a, ids[0], "LEAKDRAFT", NULL, 0, NULL);
    entry(s, &a, ids[1], "LEAKSUBMITTED", submit, 1, NULL);
    entry(s, &a, ids[2], "LEAKWITHDRAWN", withdrawn, 3, NULL);
    entry(s, &a, ids[3], "LEAKREQUESTED", requested, 2, NULL);
    /* published, then edited: the edit waits for review */
    int64_t pub = entry(s, &a, ids[4], "PUBLISHEDMARK", publish, 2, NULL), v;
    vcm_entry_data d = data_for(s, &a, pub, "LEAKPENDING");
    assert_int_equal(vcm_entry_save(s, pub, 0, &d, &curator, 200, &v), 0);
    entry(s, &a, 0, "LEAKMADEDRAFT", NULL, 0, &created[0]);
    /* an image of the draft record (as an upload makes it) */
    vcm_media im = {.identifier = "made-draft-image", .file = "x.tif", .format = "image/tiff",
                    .width = 10, .height = 10};
    assert_int_equal(s->ops->media_add(s, created[0], &im), 0);
    entry(s, &a, 0, "LEAKMADEWITHDRAWN", withdrawn, 3, &created[1]);
    entry(s, &a, 0, "MADEPUBLISHEDMARK", publish, 2, &created[2]);
    vcm_arena_release(&a);
    vcm_store_close(s);
    vt_server_start(&srv, db);
    wait_ready();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (srv.pid)
        assert_int_equal(vt_server_stop(&srv), 0);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* Every marker of hidden absent from body. */
static void no_leak(const char *path, const char *body)
{
    for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++)
        if (strstr(body, hidden[i]))
            fail_msg("%s shows %s", path, hidden[i]);
}

/* Fetches path (status want, 0: any) and checks it; returns the body. */
static char *walk(const char *path, long want)
{
    struct vt_resp r = vt_get(&srv, path);
    if (want && r.status != want)
        fail_msg("%s: %ld, not %ld", path, r.status, want);
    no_leak(path, r.body ? r.body : "");
    char *b = r.body ? strdup(r.body) : strdup("");
    vt_resp_free(&r);
    return b;
}

static void test_nothing_unpublished_is_public(void **state)
{
    (void)state;
    char path[256];
    bool seen_published = false, seen_made = false;
    const char *pages[] = {"/", "/browse", "/browse?view=catalogue", "/museums",
                           "/feeds/masterpiece-of-the-day.atom", "/sitemap.xml",
                           "/sitemaps/1.xml", "/api/v1/objects?limit=1000",
                           "/iiif/collection/top", "/iiif/activity/", "/iiif/activity/page/0",
                           /* words of every statement and title made here (a
                            * query naming a marker would be echoed) */
                           "/search?q=potters", "/search?q=jar", "/search?q=glaze",
                           "/api/v1/search?q=jar", "/api/v1/search?q=potters",
                           "/api/v1/suggest?q=ja"};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        char *b = walk(pages[i], 0);
        seen_published |= strstr(b, "PUBLISHEDMARK") != NULL;
        free(b);
    }
    snprintf(path, sizeof path, "/browse?museum=%lld", (long long)museum);
    free(walk(path, 200));
    snprintf(path, sizeof path, "/browse?view=catalogue&museum=%lld", (long long)museum);
    free(walk(path, 200));
    snprintf(path, sizeof path, "/museums/%lld", (long long)museum);
    free(walk(path, 200));
    snprintf(path, sizeof path, "/iiif/collection/museum/%lld", (long long)museum);
    free(walk(path, 200));
    snprintf(path, sizeof path, "/api/v1/museums/%lld", (long long)museum);
    free(walk(path, 200));
    /* each record: its page, its API document, its manifest */
    for (size_t i = 0; i < 8; i++) {
        const char *fmt[] = {"/objects/%lld", "/api/v1/objects/%lld", "/iiif/manifest/%lld"};
        for (size_t k = 0; k < 3; k++) {
            snprintf(path, sizeof path, fmt[k], (long long)ids[i]);
            char *b = walk(path, k < 2 ? 200 : 0);
            if (i == 4 && k < 2) /* the published one, in its published version */
                assert_non_null(strstr(b, "PUBLISHEDMARK"));
            free(b);
        }
    }
    /* the museum's own records: the published one is public, the others are not */
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "/objects/%lld", (long long)created[i]);
        char *b = walk(path, i == 2 ? 200 : 404);
        seen_made |= strstr(b, "MADEPUBLISHEDMARK") != NULL;
        free(b);
        snprintf(path, sizeof path, "/api/v1/objects/%lld", (long long)created[i]);
        free(walk(path, i == 2 ? 200 : 404));
    }
    assert_true(seen_published);
    assert_true(seen_made);
    /* the published masterpieces are listed: the home page and browse */
    char *b = walk("/browse", 200);
    assert_non_null(strstr(b, "<strong>2 masterpieces</strong>"));
    free(b);
    /* the made and published record is found by the search */
    b = walk("/api/v1/search?q=jar", 200);
    snprintf(path, sizeof path, "\"id\":%lld", (long long)created[2]);
    assert_non_null(strstr(b, path));
    free(b);
    /* change discovery does not announce the draft record's image */
    b = walk("/iiif/activity/page/0", 200);
    snprintf(path, sizeof path, "/iiif/manifest/%lld\"", (long long)created[0]);
    assert_null(strstr(b, path));
    free(b);
    /* the sitemap lists neither unpublished record */
    b = walk("/sitemaps/1.xml", 200);
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "/objects/%lld<", (long long)created[i]);
        assert_null(strstr(b, path));
    }
    free(b);
    /* the export (the whole database, drafts with their status) holds no
     * entry's unpublished content */
    char *out;
    assert_int_equal(vt_sh(&out, "%s --db '%s' export - | grep -c LEAK | grep -v MADE || true",
                           vt_bin(), db),
                     0);
    free(out);
    assert_int_equal(vt_sh(&out, "%s --db '%s' export -", vt_bin(), db), 0);
    for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++)
        if (strncmp(hidden[i], "LEAKMADE", 8) != 0 && strstr(out, hidden[i]))
            fail_msg("the export holds %s", hidden[i]);
    free(out);
}

/* The 26th publication of a museum whose quota is 25 is refused, and says so. */
static void test_quota_message(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(vt_sh(&out, "%s --db '%s' masterpieces quota %lld 2", vt_bin(), db,
                           (long long)museum),
                     0);
    assert_non_null(strstr(out, "quota 2, 2 published"));
    free(out);
    char err[600];
    vcm_store *s = vcm_store_open(db, err, sizeof err);
    assert_non_null(s);
    vcm_entry e;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    assert_int_equal(vcm_entry_by_object(s, &a, ids[1], &e), 1);
    assert_int_equal(e.state, VCM_ENTRY_SUBMITTED);
    assert_int_equal(vcm_entry_transition(s, e.id, VCM_EA_PUBLISH, NULL, &editor, 300, NULL, 0,
                                          NULL),
                     VCM_ENTRY_QUOTA);
    assert_non_null(strstr(vcm_store_error(s), "quota"));
    vcm_arena_release(&a);
    vcm_store_close(s);
    assert_int_equal(vt_sh(&out, "%s --db '%s' masterpieces quota %lld 25", vt_bin(), db,
                           (long long)museum),
                     0);
    free(out);
}

/* vcm import of the museum's next export, which changes a field a curator
 * edited: the edit is kept, the conflict reported and listed. */
static void test_reimport_keeps_edit(void **state)
{
    (void)state;
    char err[600];
    vcm_store *s = vcm_store_open(db, err, sizeof err);
    assert_non_null(s);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_object o;
    assert_int_equal(s->ops->object_get(s, &a, ids[5], &o), 1);
    int64_t e, v;
    assert_int_equal(vcm_entry_create(s, museum, ids[5], NULL, &curator, 400, &e), 0);
    vcm_entry_data d = data_for(s, &a, e, "EDITED");
    d.materials = "Curator's materials";
    assert_int_equal(vcm_entry_save(s, e, 1, &d, &curator, 401, &v), 0);
    char *sid = strdup(o.source_id);
    vcm_arena_release(&a);
    vcm_store_close(s);
    char *out;
    /* the same record, with another medium */
    assert_int_equal(vt_sh(NULL, "grep -F '\"source_id\": \"%s\"' %s/slice.jsonl | "
                                 "sed 's/\"medium\": \"[^\"]*\"/\"medium\": \"Museum medium\"/' > "
                                 "%s/again.jsonl",
                           sid, dir, dir),
                     0);
    free(sid);
    assert_int_equal(vt_sh(&out, "%s --db '%s' import --quiet %s/again.jsonl", vt_bin(), db,
                           dir),
                     0);
    assert_non_null(strstr(out, "1 fields a curator edited now differ"));
    free(out);
    assert_int_equal(vt_sh(&out, "%s --db '%s' masterpieces conflicts", vt_bin(), db), 0);
    assert_non_null(strstr(out, "materials\tCurator's materials\tMuseum medium\tno"));
    free(out);
    s = vcm_store_open(db, err, sizeof err);
    vcm_arena_init(&a, 0);
    vcm_entry_version ver;
    assert_int_equal(vcm_entry_version_get(s, &a, e, 2, &ver), 1);
    assert_string_equal(ver.data.materials, "Curator's materials");
    assert_int_equal(s->ops->object_get(s, &a, ids[5], &o), 1);
    assert_string_equal(o.materials, "Museum medium"); /* the catalogue follows the museum */
    vcm_arena_release(&a);
    vcm_store_close(s);
}

static json_t *get_json(const char *path)
{
    struct vt_resp r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    json_error_t e;
    json_t *j = json_loads(r.body, 0, &e);
    vt_resp_free(&r);
    assert_non_null(j);
    return j;
}

/* A published statement is found by the search; an unpublished one (a
 * draft's, one awaiting review, a withdrawn one) is not. */
static void test_statements_searched(void **state)
{
    (void)state;
    json_t *j = get_json("/api/v1/search?q=PUBLISHEDMARK");
    json_t *hits = json_object_get(j, "hits");
    assert_true(json_array_size(hits) >= 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(hits, 0), "id")), ids[4]);
    /* the results say which hits are masterpieces */
    assert_true(json_is_true(json_object_get(json_array_get(hits, 0), "masterpiece")));
    json_decref(j);
    j = get_json("/api/v1/search?q=glaze");
    size_t i;
    json_t *h;
    int marked = 0;
    json_array_foreach(json_object_get(j, "hits"), i, h) {
        int64_t id = (int64_t)json_integer_value(json_object_get(h, "id"));
        bool mp = json_is_true(json_object_get(h, "masterpiece"));
        assert_int_equal(mp, id == ids[4] || id == created[2]);
        marked += mp;
    }
    assert_int_equal(marked, 2);
    json_decref(j);
    struct vt_resp r = vt_get(&srv, "/search?q=PUBLISHEDMARK");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "class=\"badge\">one of the masterpieces</span>");
    vt_resp_free(&r);
    for (size_t k = 0; k < sizeof hidden / sizeof *hidden; k++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/search?q=%s", hidden[k]);
        j = get_json(path);
        if (json_integer_value(json_object_get(j, "total")) != 0)
            fail_msg("the search finds %s", hidden[k]);
        json_decref(j);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_unpublished_is_public),
        cmocka_unit_test(test_statements_searched),
        cmocka_unit_test(test_quota_message),
        cmocka_unit_test(test_reimport_keeps_edit),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
