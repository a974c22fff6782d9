/* The comparison page over real HTTP on each backend, and the IIIF Content
 * State reader under it (io/content_state.c): two to four records side by
 * side; one, five, ids that are not numbers, unknown or unpublished
 * records refused with a page saying why; the view shared as a content
 * state read back into the page (regions as IIIF requests, the share link
 * carrying the same state); states that cannot be read refused. */
#include "testutil.h"

#include "core/buf.h"
#include "io/content_state.h"
#include "store/entry.h"

static char *dir, db[1024], media[800];
static struct vt_server srv;
static int64_t jade, bowl, plain, other, hidden;

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
    vt_db_url(db, sizeof db, dir, "cmp");
    snprintf(media, sizeof media, "%s/media", dir);
    char *out = NULL;
    if (vt_sh(&out, "grep -m 12 'National Palace Museum' %s/collection.jsonl > %s/npm.jsonl && "
                    "grep -e '古玉3888' -e '古玉1863' %s/collection.jsonl >> %s/npm.jsonl && "
                    "%s import --quiet --db '%s' %s/npm.jsonl && "
                    "%s media add --quiet --db '%s' --media %s --museum 'National Palace Museum, "
                    "Taipei' 古玉3888 %s/images/npm_taipei/jade070_00.jpg --id cmp-jade && "
                    "%s media add --quiet --db '%s' --media %s --museum 'National Palace Museum, "
                    "Taipei' 古玉1863 %s/images/npm_taipei/jade054_00_w1140.jpg --id cmp-bowl",
              vt_data(), dir, vt_data(), dir, vt_bin(), db, dir, vt_bin(), db, media, vt_data(),
              vt_bin(), db, media, vt_data()) != 0)
        fail_msg("setup failed: %s", out);
    free(out);
    jade = sql_id("SELECT object_id FROM media WHERE identifier = 'cmp-jade'");
    bowl = sql_id("SELECT object_id FROM media WHERE identifier = 'cmp-bowl'");
    plain = sql_id("SELECT min(id) FROM objects WHERE id NOT IN (SELECT object_id FROM media)");
    other = sql_id("SELECT max(id) FROM objects WHERE id NOT IN (SELECT object_id FROM media)");
    int64_t museum = sql_id("SELECT museum_id FROM objects WHERE id = (SELECT object_id FROM "
                            "media WHERE identifier = 'cmp-jade')");
    char err[512];
    vcm_store *s = vcm_store_open(db, err, sizeof err);
    assert_non_null(s);
    vcm_ltext title = {.lang = "en", .text = "Not public"};
    vcm_entry_data d = {.title = {.v = &title, .n = 1}};
    vcm_actor who = {0, "test"};
    int64_t entry;
    if (vcm_entry_create_record(s, museum, &d, &who, 1, &entry, &hidden) < 0)
        fail_msg("cannot make a draft record: %s", vcm_store_error(s));
    vcm_store_close(s);
    assert_true(jade && bowl && plain && other && plain != other && hidden);
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

static struct vt_resp get(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct vt_resp get(const char *fmt, ...)
{
    char url[12000];
    int n = snprintf(url, sizeof url, "%s", srv.base);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(url + n, sizeof url - (size_t)n, fmt, ap);
    va_end(ap);
    return vt_http("GET", url, NULL, NULL);
}

static void test_two_to_four(void **state)
{
    (void)state;
    struct vt_resp r = get("/compare?objects=%lld,%lld", (long long)jade, (long long)bowl);
    assert_int_equal(r.status, 200);
    /* without JavaScript: the images and the data side by side */
    assert_contains(r.body, "/iiif/cmp-jade/full/!800,800/0/default.jpg");
    assert_contains(r.body, "/iiif/cmp-bowl/full/!800,800/0/default.jpg");
    assert_contains(r.body, "class=\"cmp-data\"");
    assert_contains(r.body, "cmp-2");
    /* with it: a viewer over each, the deep-zoom source named */
    assert_contains(r.body, "data-info=\"/iiif/cmp-jade/info.json\"");
    assert_contains(r.body, "/static/compare.js");
    vt_resp_free(&r);
    r = get("/compare?objects=%lld,%lld,%lld,%lld", (long long)jade, (long long)bowl,
            (long long)plain, (long long)other);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "cmp-4");
    assert_not_contains(r.body, "id=\"cmp-add\""); /* four is the most */
    vt_resp_free(&r);
    /* the form of an object page adds one */
    r = get("/compare?objects=%lld&add=%lld", (long long)jade, (long long)plain);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "id=\"cmp-add\"");
    vt_resp_free(&r);
    /* the object page offers it */
    r = get("/objects/%lld", (long long)jade);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "action=\"/compare\"");
    vt_resp_free(&r);
}

static void test_refused(void **state)
{
    (void)state;
    struct {
        long status;
        const char *says;
        char query[200];
    } c[] = {
        {400, "at least two", ""},
        {400, "at least two", ""},
        {400, "At most four", ""},
        {400, "numbers separated by commas", ""},
        {400, "numbers separated by commas", ""},
        {404, "no public object", ""},
        {404, "no public object", ""},
        {400, "at least two", ""},
    };
    snprintf(c[0].query, sizeof c[0].query, "objects=%lld", (long long)jade);
    snprintf(c[1].query, sizeof c[1].query, "x=1");
    snprintf(c[2].query, sizeof c[2].query, "objects=%lld,%lld,%lld,%lld,%lld", (long long)jade,
             (long long)bowl, (long long)plain, (long long)other, (long long)jade);
    snprintf(c[3].query, sizeof c[3].query, "objects=%lld,abc", (long long)jade);
    snprintf(c[4].query, sizeof c[4].query, "objects=%lld,,%lld", (long long)jade, (long long)bowl);
    snprintf(c[5].query, sizeof c[5].query, "objects=%lld,99999999", (long long)jade);
    snprintf(c[6].query, sizeof c[6].query, "objects=%lld,%lld", (long long)jade, (long long)hidden);
    snprintf(c[7].query, sizeof c[7].query, "objects=&add=%lld", (long long)jade);
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        struct vt_resp r = get("/compare?%s", c[i].query);
        if (r.status != c[i].status || !strstr(r.body, c[i].says))
            fail_msg("/compare?%s: %ld (wanted %ld saying '%s')", c[i].query, r.status,
                     c[i].status, c[i].says);
        assert_contains(r.headers, "text/html");
        vt_resp_free(&r);
    }
}

/* The canvas of record id on this server, as its manifest names it. */
static void canvas(char *out, size_t size, int64_t id)
{
    snprintf(out, size, "%s/iiif/manifest/%lld/canvas/1", srv.base, (long long)id);
}

/* The share link's iiif-content value in a page, or NULL. */
static char *share_state(const char *body)
{
    const char *p = strstr(body, "id=\"cmp-share-link\" href=\"");
    if (!p)
        return NULL;
    p = strstr(p, "iiif-content=");
    if (!p)
        return NULL;
    p += strlen("iiif-content=");
    return strndup(p, strcspn(p, "\"&"));
}

static void test_content_state_round_trip(void **state)
{
    (void)state;
    vcm_content_state cs = {.n = 2};
    canvas(cs.t[0].canvas, sizeof cs.t[0].canvas, jade);
    cs.t[0].region = true;
    cs.t[0].x = 10, cs.t[0].y = 20, cs.t[0].w = 300, cs.t[0].h = 200;
    canvas(cs.t[1].canvas, sizeof cs.t[1].canvas, bowl);
    vcm_buf b;
    vcm_buf_init(&b, 1 << 16);
    assert_int_equal(vcm_content_state_encode(&cs, &b), 0);
    /* the state alone names the records, in its order */
    struct vt_resp r = get("/compare?iiif-content=%s", b.data);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "/iiif/cmp-jade/10,20,300,200/!800,800/0/default.jpg");
    assert_contains(r.body, "data-region=\"10,20,300,200\"");
    assert_contains(r.body, "/iiif/cmp-bowl/full/!800,800/0/default.jpg");
    char *back = share_state(r.body);
    assert_non_null(back);
    vcm_content_state again;
    char err[200];
    if (vcm_content_state_decode(back, strlen(back), &again, err, sizeof err) < 0)
        fail_msg("the page's share link: %s", err);
    assert_int_equal(again.n, 2);
    assert_string_equal(again.t[0].canvas, cs.t[0].canvas);
    assert_true(again.t[0].region);
    assert_int_equal(again.t[0].x, 10);
    assert_int_equal(again.t[0].h, 200);
    assert_string_equal(again.t[1].canvas, cs.t[1].canvas);
    assert_false(again.t[1].region);
    free(back);
    vt_resp_free(&r);
    /* with objects given, the regions go to their records */
    r = get("/compare?objects=%lld,%lld&iiif-content=%s", (long long)bowl, (long long)jade, b.data);
    assert_int_equal(r.status, 200);
    const char *bowl_at = strstr(r.body, "cmp-bowl"), *jade_at = strstr(r.body, "cmp-jade/10,20");
    assert_true(bowl_at && jade_at && bowl_at < jade_at);
    vt_resp_free(&r);
    vcm_buf_release(&b);
}

/* base64url without padding of text as it is (no percent-encoding). */
static char *b64url(const char *text)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t n = strlen(text), o = 0;
    char *out = malloc(n * 2 + 8);
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0) |
                     (i + 2 < n ? s[i + 2] : 0);
        out[o++] = al[v >> 18];
        out[o++] = al[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = al[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = al[v & 63];
    }
    out[o] = '\0';
    return out;
}

static void test_content_state_reader(void **state)
{
    (void)state;
    vcm_content_state cs;
    char err[200];
    const char *c = "https://vcm.example/iiif/manifest/14/canvas/1";
    struct {
        const char *json;
        size_t n;
        int64_t w; /* the first target's width, 0: no region */
    } good[] = {
        {"{\"type\": \"Annotation\", \"motivation\": \"contentState\", \"target\": "
         "\"https://vcm.example/iiif/manifest/14/canvas/1#xywh=1,2,3,4\"}", 1, 3},
        {"{\"type\": \"Annotation\", \"motivation\": [\"contentState\"], \"target\": [{\"id\": "
         "\"https://vcm.example/iiif/manifest/14/canvas/1\", \"type\": \"Canvas\"}, {\"type\": "
         "\"SpecificResource\", \"source\": \"https://vcm.example/iiif/manifest/9/canvas/1\", "
         "\"selector\": [{\"type\": \"FragmentSelector\", \"value\": \"xywh=pixel:0,0,5,6\"}]}]}",
         2, 0},
        {"{\"id\": \"https://vcm.example/iiif/manifest/14/canvas/1#xywh=0,0,100,50\", \"type\": "
         "\"Canvas\", \"partOf\": [{\"id\": \"https://vcm.example/iiif/manifest/14\", \"type\": "
         "\"Manifest\"}]}", 1, 100},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char *v = b64url(good[i].json);
        if (vcm_content_state_decode(v, strlen(v), &cs, err, sizeof err) < 0)
            fail_msg("good %zu refused: %s", i, err);
        assert_int_equal(cs.n, good[i].n);
        assert_string_equal(cs.t[0].canvas, c);
        assert_int_equal(cs.t[0].w, good[i].w);
        free(v);
    }
    struct {
        const char *json;
        const char *says;
    } bad[] = {
        {"{\"type\": \"Annotation\", \"motivation\": \"painting\", \"target\": \"https://a/c\"}",
         "motivation"},
        {"{\"type\": \"Annotation\", \"motivation\": \"contentState\"}", "without a target"},
        {"{\"type\": \"Annotation\", \"motivation\": \"contentState\", \"target\": []}", "empty"},
        {"{\"type\": \"Annotation\", \"motivation\": \"contentState\", \"target\": [\"https://a/1\", "
         "\"https://a/2\", \"https://a/3\", \"https://a/4\", \"https://a/5\"]}", "more targets"},
        {"{\"id\": \"https://a/c#xywh=percent:1,2,3,4\", \"type\": \"Canvas\"}", "percent"},
        {"{\"id\": \"https://a/c#xywh=1,2,0,4\", \"type\": \"Canvas\"}", "empty width"},
        {"{\"id\": \"https://a/c#xywh=1,2,-3,4\", \"type\": \"Canvas\"}", "non-negative"},
        {"{\"id\": \"javascript:alert(1)\", \"type\": \"Canvas\"}", "http(s)"},
        {"{\"id\": \"https://a/m\", \"type\": \"Manifest\"}", "not a Canvas"},
        {"{\"type\": \"SpecificResource\", \"source\": {\"id\": \"https://a/c\", \"type\": "
         "\"Image\"}}", "not a Canvas"},
        {"{\"type\": \"SpecificResource\", \"source\": \"https://a/c\", \"selector\": {\"type\": "
         "\"SvgSelector\", \"value\": \"<svg/>\"}}", "FragmentSelector"},
        {"[1, 2]", "not a JSON object"},
        {"{\"a\": 1, \"a\": 2}", "not JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *v = b64url(bad[i].json);
        err[0] = '\0';
        if (vcm_content_state_decode(v, strlen(v), &cs, err, sizeof err) == 0)
            fail_msg("bad %zu was read", i);
        if (!strstr(err, bad[i].says))
            fail_msg("bad %zu: '%s' does not say '%s'", i, err, bad[i].says);
        assert_int_equal(cs.n, 0);
        free(v);
    }
    /* encodings: not base64url, stray bits, bad percent-escapes, too long */
    const char *raw[] = {"ab*d", "eyJ", "JT", "JTdCJTIy" /* "%7B%22" then nothing: not JSON */};
    for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++)
        assert_int_equal(vcm_content_state_decode(raw[i], strlen(raw[i]), &cs, err, sizeof err), -1);
    char *big = malloc(VCM_CS_MAX_PARAM + 2);
    memset(big, 'A', VCM_CS_MAX_PARAM + 1);
    big[VCM_CS_MAX_PARAM + 1] = '\0';
    assert_int_equal(vcm_content_state_decode(big, strlen(big), &cs, err, sizeof err), -1);
    assert_contains(err, "too long");
    free(big);
    /* padding is optional */
    char *v = b64url("{\"id\": \"https://vcm.example/iiif/manifest/14/canvas/1\", \"type\": \"Canvas\"}");
    char padded[400];
    snprintf(padded, sizeof padded, "%s%s", v, strlen(v) % 4 == 2 ? "==" : strlen(v) % 4 == 3 ? "=" : "");
    assert_int_equal(vcm_content_state_decode(padded, strlen(padded), &cs, err, sizeof err), 0);
    free(v);
}

static void test_bad_states_on_the_page(void **state)
{
    (void)state;
    char *foreign = b64url("{\"type\": \"Annotation\", \"motivation\": \"contentState\", "
                           "\"target\": [\"https://elsewhere.example/iiif/3/canvas/p1\", "
                           "\"https://elsewhere.example/iiif/4/canvas/p1\"]}");
    const char *states[] = {"not*base64", "e30", foreign};
    const char *says[] = {"cannot be read", "cannot be read", "not one of this collection"};
    for (size_t i = 0; i < 3; i++) {
        struct vt_resp r = get("/compare?objects=%lld,%lld&iiif-content=%s", (long long)jade,
                               (long long)bowl, states[i]);
        if (r.status != 400 || !strstr(r.body, says[i]))
            fail_msg("state %zu: %ld, wanted 400 saying '%s'", i, r.status, says[i]);
        vt_resp_free(&r);
    }
    free(foreign);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_state_reader),
        cmocka_unit_test(test_two_to_four),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_content_state_round_trip),
        cmocka_unit_test(test_bad_states_on_the_page),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
