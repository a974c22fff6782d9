/* Operations over real HTTP: /healthz and /readyz, the security headers on
 * every kind of response, and a node whose database goes away and comes
 * back (a stopped PostgreSQL server with VCM_TEST_PG, an SQLite file that is
 * not a database any more without). */
#include "testutil.h"

#include <jansson.h>

/* run by itself (tests/run.sh): it stops and starts the test PostgreSQL server */
VT_ALONE;

static char *dir;
static char db[1024], media[700];
static struct vt_server srv, second;
static bool pg_stopped;

/* `vcm serve` with two worker threads, its own media and index. */
static void start(struct vt_server *s)
{
    s->port = vt_free_port();
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        char listen[32], index[800], node[800];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
        snprintf(index, sizeof index, "%s/index-%d", dir, s->port);
        snprintf(node, sizeof node, "%s/node-%d", dir, s->port);
        execl(vt_bin(), vt_bin(), "serve", "--db", db, "--media", media, "--node-dir", node,
              "--index", index, "--listen", listen, "--threads", "2", "--log-level",
              getenv("VCM_TEST_LOG") ? getenv("VCM_TEST_LOG") : "off", (char *)NULL);
        _exit(127);
    }
    vt_server_wait(s);
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_db_url(db, sizeof db, dir, "health");
    snprintf(media, sizeof media, "%s/media", dir);
    char *out;
    if (vt_sh(&out, "grep -m 40 'National Palace Museum' %s/collection.jsonl > %s/npm.jsonl && "
                    "grep '古玉3888' %s/collection.jsonl >> %s/npm.jsonl && "
                    "%s import --quiet --db '%s' %s/npm.jsonl",
              vt_data(), dir, vt_data(), dir, vt_bin(), db, dir) != 0)
        fail_msg("import failed: %s", out);
    free(out);
    if (vt_sh(&out, "%s media add --quiet --db '%s' --media %s 古玉3888 "
                    "%s/images/npm_taipei/jade070_00.jpg --id jade-a",
              vt_bin(), db, media, vt_data()) != 0)
        fail_msg("media add failed: %s", out);
    free(out);
    start(&srv);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (pg_stopped) /* a failed test must not leave the run without its server */
        vt_pg_ctl("start");
    if (second.pid > 0)
        vt_server_stop(&second);
    vt_server_stop(&srv);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* /readyz, polled: right after start the index may still be being built. */
static struct vt_resp ready_within(const struct vt_server *s, int seconds)
{
    struct vt_resp r = {0};
    for (int i = 0; i < seconds * 10; i++) {
        r = vt_get(s, "/readyz");
        if (r.status == 200)
            return r;
        vt_resp_free(&r);
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return vt_get(s, "/readyz");
}

static void test_healthz_readyz(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&srv, "/healthz");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "ok\n");
    assert_contains(vt_header(&r, "Content-Type"), "text/plain");
    assert_contains(vt_header(&r, "Cache-Control"), "no-store");
    vt_resp_free(&r);
    char url[128];
    snprintf(url, sizeof url, "%s/healthz", srv.base);
    r = vt_http("HEAD", url, NULL, NULL);
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);

    r = ready_within(&srv, 20);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "store: ok\n");
    assert_contains(r.body, "search: ok\n");
    assert_contains(vt_header(&r, "Cache-Control"), "no-store");
    assert_null(vt_header(&r, "Retry-After"));
    vt_resp_free(&r);
    /* only GET and HEAD */
    snprintf(url, sizeof url, "%s/readyz", srv.base);
    r = vt_http("POST", url, "x", NULL);
    assert_int_equal(r.status, 405);
    vt_resp_free(&r);
}

static long first_object_id(void)
{
    struct vt_resp r = vt_get(&srv, "/api/v1/objects?limit=1");
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    long id = (long)json_integer_value(
        json_object_get(json_array_get(json_object_get(j, "items"), 0), "id"));
    json_decref(j);
    vt_resp_free(&r);
    assert_true(id > 0);
    return id;
}

/* The policy is in force on pages, the API, static files, IIIF, errors and
 * the health checks alike; and no page carries script or style that the
 * policy would block. */
static void test_security_headers_everywhere(void **state)
{
    (void)state;
    char object[64];
    snprintf(object, sizeof object, "/objects/%ld", first_object_id());
    const struct {
        const char *path;
        long status;
    } cases[] = {
        {"/", 200},
        {object, 200},
        {"/browse", 200},
        {"/search?q=jade", 200},
        {"/api/v1/objects?limit=2", 200},
        {"/api/v1/objects/999999999", 404},
        {"/static/vcm.css", 200},
        {"/static/osd/openseadragon.min.js", 200},
        {"/iiif/jade-a/info.json", 200},
        {"/iiif/jade-a/full/64,/0/default.jpg", 200},
        {"/iiif/nope/info.json", 404},
        {"/iiif/collection/top", 200},
        {"/no/such/page", 404},
        {"/healthz", 200},
        {"/readyz", 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct vt_resp r = vt_get(&srv, cases[i].path);
        if (r.status != cases[i].status)
            fail_msg("%s: %ld, expected %ld", cases[i].path, r.status, cases[i].status);
        const char *csp = vt_header(&r, "Content-Security-Policy");
        if (!csp || !strstr(csp, "frame-ancestors 'self'") || !strstr(csp, "script-src 'self'") ||
            strstr(csp, "unsafe-inline") || strstr(csp, "unsafe-eval"))
            fail_msg("%s: Content-Security-Policy: %.300s", cases[i].path, csp ? csp : "(none)");
        assert_contains(vt_header(&r, "Referrer-Policy"), "strict-origin-when-cross-origin");
        assert_contains(vt_header(&r, "X-Content-Type-Options"), "nosniff");
        assert_null(vt_header(&r, "Strict-Transport-Security"));
        /* every script is a file (the JSON-LD block is data), no inline
         * style attributes or event handlers */
        if (strstr(vt_header(&r, "Content-Type"), "text/html")) {
            for (const char *p = r.body; (p = strstr(p, "<script")); p++) {
                if (strncmp(p, "<script src=\"/static/", 21) != 0 &&
                    strncmp(p, "<script type=\"application/ld+json\">", 35) != 0)
                    fail_msg("%s: an inline script: %.120s", cases[i].path, p);
            }
            assert_not_contains(r.body, " style=\"");
            assert_not_contains(r.body, " onclick=");
            assert_not_contains(r.body, " onload=");
            assert_not_contains(r.body, "javascript:");
        }
        vt_resp_free(&r);
    }
    /* Behind nginx on this machine, HTTPS is said by X-Forwarded-Proto. */
    char url[256];
    snprintf(url, sizeof url, "%s/", srv.base);
    struct vt_resp r = vt_http("GET", url, NULL, "X-Forwarded-Proto: https");
    assert_contains(vt_header(&r, "Strict-Transport-Security"), "max-age=31536000");
    vt_resp_free(&r);
}

static void make_store_unavailable(void)
{
    if (vt_pg()) {
        pg_stopped = true;
        assert_int_equal(vt_pg_ctl("stop -m fast"), 0);
        return;
    }
    /* The file is there but is no database: a new connection fails. */
    char *out;
    if (vt_sh(&out, "mv '%s' '%s.away' && head -c 8192 /dev/zero | tr '\\0' x > '%s'", db + 7,
              db + 7, db + 7) != 0)
        fail_msg("cannot move the database away: %s", out);
    free(out);
}

static void make_store_available(void)
{
    if (vt_pg()) {
        assert_int_equal(vt_pg_ctl("start"), 0);
        pg_stopped = false;
        return;
    }
    char *out;
    if (vt_sh(&out, "mv '%s.away' '%s'", db + 7, db + 7) != 0)
        fail_msg("cannot bring the database back: %s", out);
    free(out);
}

/* The database goes away: pages and the API answer 503 with Retry-After
 * (not 500), /readyz says the store is not ready, /healthz still answers.
 * It comes back: everything answers again, with no restart. */
static void test_database_away_and_back(void **state)
{
    (void)state;
    start(&second);
    struct vt_resp r;
    char object[64];
    snprintf(object, sizeof object, "/objects/%ld", first_object_id());
    if (vt_pg()) {
        /* connections already open, which must notice the loss */
        for (int i = 0; i < 4; i++) {
            r = vt_get(&second, "/api/v1/objects?limit=1");
            assert_int_equal(r.status, 200);
            vt_resp_free(&r);
        }
    }
    if (vt_pg()) {
        /* ready first (an index build cut short by the outage is another
         * story); on SQLite this would open the threads' stores */
        r = ready_within(&second, 60);
        assert_int_equal(r.status, 200);
        vt_resp_free(&r);
    }
    make_store_unavailable();
    static const char *const pages[] = {"/", "/browse", "/museums", "/countries/TW",
                                        "/search?q=jade"};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        r = vt_get(&second, pages[i]);
        if (r.status != 503)
            fail_msg("%s with the database away: %ld", pages[i], r.status);
        assert_contains(vt_header(&r, "Retry-After"), "5");
        assert_contains(vt_header(&r, "Content-Type"), "text/html");
        /* search may say instead that its index is not ready */
        if (strncmp(pages[i], "/search", 7) != 0)
            assert_contains(r.body, "cannot be reached just now");
        vt_resp_free(&r);
    }
    r = vt_get(&second, object);
    assert_int_equal(r.status, 503);
    vt_resp_free(&r);
    static const char *const api[] = {"/api/v1/objects?limit=1", "/api/v1/museums",
                                      "/api/v1/search?q=jade", "/iiif/jade-a/info.json"};
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++) {
        r = vt_get(&second, api[i]);
        if (r.status != 503)
            fail_msg("%s with the database away: %ld", api[i], r.status);
        assert_contains(vt_header(&r, "Retry-After"), "5");
        assert_contains(vt_header(&r, "Content-Type"), "application/problem+json");
        assert_contains(r.body, "\"status\":503");
        vt_resp_free(&r);
    }
    r = vt_get(&second, "/readyz");
    assert_int_equal(r.status, 503);
    assert_contains(r.body, "store: unavailable\n");
    assert_contains(vt_header(&r, "Retry-After"), "5");
    assert_not_contains(r.body, "127.0.0.1"); /* where the database is stays in the log */
    vt_resp_free(&r);
    r = vt_get(&second, "/healthz");
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);

    make_store_available();
    /* ready again by itself (the search index may take a moment to catch
     * up with the store: until then search answers 503 too) */
    r = ready_within(&second, 30);
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        r = vt_get(&second, pages[i]);
        if (r.status != 200)
            fail_msg("%s after the database came back: %ld", pages[i], r.status);
        vt_resp_free(&r);
    }
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++) {
        r = vt_get(&second, api[i]);
        assert_int_equal(r.status, 200);
        vt_resp_free(&r);
    }
    assert_int_equal(vt_server_stop(&second), 0);
    second.pid = 0;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz_readyz),
        cmocka_unit_test(test_security_headers_everywhere),
        cmocka_unit_test(test_database_away_and_back),
    };
    int rc = cmocka_run_group_tests_name("web/health", tests, group_setup, group_teardown);
    curl_global_cleanup();
    return rc;
}
