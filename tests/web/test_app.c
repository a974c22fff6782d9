/* The application state (web/web.h): two vcm_apps in one process, each
 * behind its own real server on loopback, share nothing; releasing an app
 * frees what every thread kept (the ASan pass checks the leaks); the page
 * cache keys on what a page varies by and never serves or keeps a request
 * that carries the session cookie. */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>

#include <jansson.h>

#include "core/config.h"
#include "core/i18n.h"
#include "core/log.h"
#include "http/server.h"
#include "iiif/image.h"
#include "web/web.h"

struct site {
    vcm_config cfg;
    vcm_http_config server; /* its settings */
    vcm_web_config web;
    vcm_app app;
    vcm_router *router;
    vcm_server *srv;
    struct vt_server http; /* base URL for the vt_ helpers; no process */
};

static char *dir;
static struct site alpha, beta;
static atomic_int renders;

/* A page that says how many times it was made: what the page cache serves
 * without running it shows as the same number again. */
static int count_page(vcm_req *req, vcm_resp *resp)
{
    (void)req;
    resp->content_type = "text/html; charset=utf-8";
    return vcm_buf_printf(&resp->body, "<p>made %d</p>", atomic_fetch_add(&renders, 1) + 1);
}

static int h_count(vcm_req *req, vcm_resp *resp)
{
    return vcm_web_cached(req, resp, count_page);
}

static void make_db_at(char *url, const char *name, const char *museum)
{
    char path[800], rec[600];
    snprintf(path, sizeof path, "%s/%s.jsonl", dir, name);
    snprintf(rec, sizeof rec,
             "{\"source_museum\": \"%s Museum\", \"source_country\": \"KR\", \"source_id\": "
             "\"%s-1\", \"title\": \"%s jar\", \"date_start\": 1600, \"date_end\": 1650}\n",
             museum, name, museum);
    vt_write_file(path, rec);
    if (vt_sh(NULL, "%s import --quiet --db '%s' %s", vt_bin(), url, path) != 0)
        fail_msg("the import of %s failed", name);
}

static void make_db(char *url, size_t size, const char *name, const char *museum)
{
    vt_db_url(url, size, dir, name);
    make_db_at(url, name, museum);
}

/* How many of this process's open files have name in their path. */
static int open_files(const char *name)
{
    char *out;
    vt_sh(&out, "ls -l /proc/%d/fd | grep -c '%s'", (int)getpid(), name);
    int n = atoi(out);
    free(out);
    return n;
}

static void site_start(struct site *s, const char *name, const char *museum, long page_cache)
{
    vcm_config_defaults(&s->cfg);
    vcm_web_config_defaults(&s->web);
    make_db(s->cfg.db, sizeof s->cfg.db, name, museum);
    snprintf(s->cfg.media, sizeof s->cfg.media, "%s/%s-media", dir, name);
    snprintf(s->cfg.index, sizeof s->cfg.index, "%s/%s.index", dir, name);
    vcm_http_config_defaults(&s->server);
    snprintf(s->server.listen, sizeof s->server.listen, "127.0.0.1:0");
    /* one connection thread: the page cache is per thread, and every
     * request must find the pages the ones before it kept */
    s->server.threads = 1;
    s->web.render_threads = 1;
    s->web.page_cache = page_cache;
    char err[1024];
    if (vcm_app_init(&s->app, &s->cfg, &s->web, err, sizeof err) < 0)
        fail_msg("app %s: %s", name, err);
    s->router = vcm_router_new();
    assert_non_null(s->router);
    assert_int_equal(vcm_app_routes(s->router), 0);
    assert_int_equal(vcm_router_add(s->router, "GET", "/count", h_count), 0);
    s->srv = vcm_server_start(&s->server, s->router, &s->app, vcm_app_error, err, sizeof err);
    if (!s->srv)
        fail_msg("server %s: %s", name, err);
    s->http.port = vcm_server_port(s->srv);
    snprintf(s->http.base, sizeof s->http.base, "http://127.0.0.1:%d", s->http.port);
    /* the search index is built from the store after start */
    size_t done, total;
    for (int i = 0; i < 400 && vcm_web_search_ready(&s->app, &done, &total) != 1; i++) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(vcm_web_search_ready(&s->app, &done, &total), 1);
}

static void site_stop(struct site *s)
{
    vcm_app_stop_taking(&s->app);
    vcm_server_stop(s->srv);
    vcm_router_free(s->router);
    vcm_app_release(&s->app);
}

static int group_setup(void **state)
{
    (void)state;
    vcm_log_set_level(getenv("VCM_TEST_LOG") ? VCM_LOG_DEBUG : VCM_LOG_ERROR);
    char err[300];
    /* what cli/serve.c loads for the process before its app */
    if (vcm_i18n_load_builtin(err, sizeof err) < 0 || vcm_iiif_init(err, sizeof err) < 0)
        fail_msg("%s", err);
    dir = vt_tmpdir();
    site_start(&alpha, "alpha", "Alpha", 0);
    site_start(&beta, "beta", "Beta", 256);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    site_stop(&alpha);
    site_stop(&beta);
    vcm_iiif_shutdown();
    vcm_i18n_free();
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static long search_total(const struct site *s, const char *q)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/search?q=%s", q);
    struct vt_resp r = vt_get(&s->http, path);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    long n = (long)json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    vt_resp_free(&r);
    return n;
}

/* Each app serves its own database, search index and settings, though
 * both run in this process, and the second was made after the first. */
static void test_two_apps_share_nothing(void **state)
{
    (void)state;
    struct vt_resp a = vt_get(&alpha.http, "/museums");
    struct vt_resp b = vt_get(&beta.http, "/museums");
    assert_int_equal(a.status, 200);
    assert_int_equal(b.status, 200);
    assert_contains(a.body, "Alpha Museum");
    assert_not_contains(a.body, "Beta Museum");
    assert_contains(b.body, "Beta Museum");
    assert_not_contains(b.body, "Alpha Museum");
    vt_resp_free(&a);
    vt_resp_free(&b);

    assert_int_equal(search_total(&alpha, "alpha"), 1);
    assert_int_equal(search_total(&alpha, "beta"), 0);
    assert_int_equal(search_total(&beta, "beta"), 1);
    assert_int_equal(search_total(&beta, "alpha"), 0);

    /* alpha has no page cache, beta keeps its pages */
    a = vt_get(&alpha.http, "/count");
    struct vt_resp a2 = vt_get(&alpha.http, "/count");
    assert_string_not_equal(a.body, a2.body);
    b = vt_get(&beta.http, "/count?same");
    struct vt_resp b2 = vt_get(&beta.http, "/count?same");
    assert_string_equal(b.body, b2.body);
    vt_resp_free(&a);
    vt_resp_free(&a2);
    vt_resp_free(&b);
    vt_resp_free(&b2);
}

static struct vt_resp get_with(const char *path, const char *header)
{
    char url[300];
    snprintf(url, sizeof url, "%s%s", beta.http.base, path);
    return vt_http("GET", url, NULL, header);
}

/* A request with the session cookie is never answered from the cache, and
 * its page is never kept: each one is made afresh. Other cookies change
 * nothing. */
static void test_page_cache_skips_sessions(void **state)
{
    (void)state;
    struct vt_resp plain = get_with("/count?s", NULL);
    struct vt_resp again = get_with("/count?s", NULL);
    assert_string_equal(plain.body, again.body);
    vt_resp_free(&again);

    static const char *const sessions[] = {
        "Cookie: vcm_session=abc", "Cookie: theme=dark; vcm_session=abc",
        "Cookie: vcm_session = abc", "Cookie: vcm_session=abc", "Cookie: vcm_session=def",
    };
    char last[64] = "";
    for (size_t i = 0; i < sizeof sessions / sizeof *sessions; i++) {
        struct vt_resp r = get_with("/count?s", sessions[i]);
        assert_int_equal(r.status, 200);
        assert_string_not_equal(r.body, plain.body);
        assert_string_not_equal(r.body, last);
        snprintf(last, sizeof last, "%s", r.body);
        vt_resp_free(&r);
    }
    /* a session request left nothing behind for anyone else either */
    again = get_with("/count?s", NULL);
    assert_string_equal(plain.body, again.body);
    vt_resp_free(&again);
    again = get_with("/count?s", "Cookie: theme=dark");
    assert_string_equal(plain.body, again.body);
    vt_resp_free(&again);
    vt_resp_free(&plain);

    /* the site's own pages too */
    struct vt_resp p1 = get_with("/museums", "Cookie: vcm_session=abc");
    assert_int_equal(p1.status, 200);
    assert_contains(p1.body, "Beta Museum");
    vt_resp_free(&p1);
}

/* Language (the lang parameter, Accept-Language) and content type (Accept)
 * each make a page of their own, kept apart from the others. */
static void test_page_cache_keys_on_language_and_type(void **state)
{
    (void)state;
    static const struct {
        const char *path, *header;
    } asks[] = {
        {"/count?v", NULL},
        {"/count?v", "Accept-Language: ko"},
        {"/count?v", "Accept-Language: fr-FR, fr;q=0.9"},
        {"/count?v", "Accept: application/xhtml+xml"},
        {"/count?v&lang=ko", NULL},
    };
    enum { N = sizeof asks / sizeof *asks };
    char first[N][64];
    for (size_t i = 0; i < N; i++) {
        struct vt_resp r = get_with(asks[i].path, asks[i].header);
        assert_int_equal(r.status, 200);
        snprintf(first[i], sizeof first[i], "%s", r.body);
        for (size_t k = 0; k < i; k++)
            if (strcmp(first[k], first[i]) == 0)
                fail_msg("%s with %s got the page made for %s", asks[i].path,
                         asks[i].header ? asks[i].header : "no header",
                         asks[k].header ? asks[k].header : asks[k].path);
        vt_resp_free(&r);
    }
    /* and each is kept: asked again, the same page */
    for (size_t i = 0; i < N; i++) {
        struct vt_resp r = get_with(asks[i].path, asks[i].header);
        assert_string_equal(r.body, first[i]);
        vt_resp_free(&r);
    }
}

struct holder {
    vcm_app *app;
    pthread_barrier_t *made, *released;
};

/* A thread that uses the app and is still alive when the app goes. */
static void *hold(void *p)
{
    struct holder *h = p;
    char err[300];
    assert_true(vcm_web_store_ready(h->app, err, sizeof err));
    assert_non_null(vcm_memo_thread(h->app, 2, 16, 4096, 1));
    pthread_barrier_wait(h->made);
    pthread_barrier_wait(h->released);
    return NULL;
}

/* Releasing an app frees the connections and memos of threads still
 * alive (this one, another): their database files are closed at once, and
 * nothing of it runs when those threads end later (the ASan pass reports a
 * use after free otherwise). On an SQLite file, so that its open files can
 * be counted; which backend does not matter here. */
static void test_release_frees_live_threads(void **state)
{
    (void)state;
    struct site s = {0};
    vcm_config_defaults(&s.cfg);
    vcm_web_config_defaults(&s.web);
    snprintf(s.cfg.db, sizeof s.cfg.db, "sqlite:%s/gamma.db", dir);
    make_db_at(s.cfg.db, "gamma", "Gamma");
    snprintf(s.cfg.media, sizeof s.cfg.media, "%s/gamma-media", dir);
    snprintf(s.cfg.index, sizeof s.cfg.index, "%s/gamma.index", dir);
    s.web.render_threads = 1;
    char err[1024];
    if (vcm_app_init(&s.app, &s.cfg, &s.web, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_true(vcm_web_store_ready(&s.app, err, sizeof err));
    vcm_memo *m = vcm_memo_thread(&s.app, 0, 16, 4096, 1);
    assert_non_null(m);
    vcm_memo_put(m, "k", "page", 4);
    pthread_barrier_t made, released;
    pthread_barrier_init(&made, NULL, 2);
    pthread_barrier_init(&released, NULL, 2);
    struct holder h = {&s.app, &made, &released};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, hold, &h), 0);
    pthread_barrier_wait(&made);
    assert_true(open_files("gamma.db") >= 2);
    vcm_app_release(&s.app);
    assert_int_equal(open_files("gamma.db"), 0);
    vcm_app_release(&s.app); /* twice is harmless */
    pthread_barrier_wait(&released);
    pthread_join(th, NULL);
    pthread_barrier_destroy(&made);
    pthread_barrier_destroy(&released);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_apps_share_nothing),
        cmocka_unit_test(test_page_cache_skips_sessions),
        cmocka_unit_test(test_page_cache_keys_on_language_and_type),
        cmocka_unit_test(test_release_frees_live_threads),
    };
    int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);
    curl_global_cleanup();
    return rc;
}
