/* The real server, in this process, on a free loopback port, spoken to over
 * HTTP with libcurl. */
#include "testutil.h"

#include <ifaddrs.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>

#include "core/config.h"
#include "core/log.h"
#include "http/req.h"
#include "http/router.h"
#include "http/server.h"

/* run by itself (tests/run.sh): its stop cycles race clients against the clock */
VT_ALONE;

#define MAX_BODY 1024

static atomic_int slow_started;

static int h_hello(vcm_req *req, vcm_resp *resp)
{
    const char *q = vcm_req_query_get(req, "q");
    resp->content_type = "text/plain; charset=utf-8";
    if (vcm_resp_header(resp, req, "X-Test", "yes") < 0)
        return -1;
    vcm_buf_printf(&resp->body, "hello %s q=%s method=%s", vcm_req_param(req, "name"),
                   q ? q : "(none)", req->method);
    return 0;
}

static int h_etag(vcm_req *req, vcm_resp *resp)
{
    vcm_resp_header(resp, req, "Cache-Control", "no-cache");
    if (vcm_resp_etag(resp, req, "v1"))
        return 0;
    vcm_buf_puts(&resp->body, "fresh");
    return 0;
}

static int h_inject(vcm_req *req, vcm_resp *resp)
{
    int bad = vcm_resp_header(resp, req, "X-Bad", "a\r\nInjected: 1");
    int bad2 = vcm_resp_header(resp, req, "X-Bad\r\nInjected", "1");
    vcm_resp_header(resp, req, "X-Good", "ok");
    vcm_buf_puts(&resp->body, bad < 0 && bad2 < 0 ? "rejected" : "accepted");
    return 0;
}

static int h_echo(vcm_req *req, vcm_resp *resp)
{
    resp->content_type = "application/octet-stream";
    vcm_buf_printf(&resp->body, "len=%zu:", req->body_len);
    vcm_buf_append(&resp->body, req->body, req->body_len);
    return 0;
}

static int h_slow(vcm_req *req, vcm_resp *resp)
{
    (void)req;
    atomic_store(&slow_started, 1);
    struct timespec ts = {0, 700 * 1000 * 1000};
    nanosleep(&ts, NULL);
    vcm_buf_puts(&resp->body, "slow done");
    return 0;
}

static int h_fail(vcm_req *req, vcm_resp *resp)
{
    vcm_resp_header(resp, req, "X-Partial", "1");
    vcm_buf_puts(&resp->body, "half a page");
    return -1;
}

static int h_gone(vcm_req *req, vcm_resp *resp)
{
    vcm_resp_header(resp, req, "X-Kept", "1");
    resp->status = 410;
    return 0;
}

static int h_id(vcm_req *req, vcm_resp *resp)
{
    vcm_buf_printf(&resp->body, "%llu", (unsigned long long)req->id);
    return 0;
}

/* Every value of a repeated header, in order: "(a)(b)", or "n=0". */
static int h_cookies(vcm_req *req, vcm_resp *resp)
{
    const char *v[3];
    int n = vcm_req_header_all(req, "cookie", v, 3);
    if (n == 0)
        vcm_buf_puts(&resp->body, "n=0");
    for (int i = 0; i < n; i++)
        vcm_buf_printf(&resp->body, "(%s)", v[i]);
    return 0;
}

static int h_query(vcm_req *req, vcm_resp *resp)
{
    if (vcm_req_bad_query(req)) {
        resp->status = 400;
        return 0;
    }
    const char *v[8];
    int n = vcm_req_query_all(req, "f", v, 8);
    for (int i = 0; i < n; i++)
        vcm_buf_printf(&resp->body, "[%s]", v[i]);
    const char *ua = vcm_req_header(req, "x-client");
    vcm_buf_printf(&resp->body, " client=%s", ua ? ua : "-");
    return 0;
}

static void error_page(vcm_req *req, vcm_resp *resp, int status, const char *message)
{
    vcm_resp_header(resp, req, "X-Error-Hook", "1");
    /* what the application does when a 500 comes from its database being
     * away; and a hook that tries a change it may not make */
    if (status == 500 && strcmp(req->path, "/down") == 0) {
        resp->status = 503;
        vcm_resp_header(resp, req, "Retry-After", "5");
    } else if (strcmp(req->path, "/sneaky") == 0) {
        resp->status = 200;
    }
    resp->content_type = "text/html; charset=utf-8";
    vcm_buf_printf(&resp->body, "<h1>%d %s</h1>", status, message);
}

struct fixture {
    vcm_router *router;
    vcm_server *srv;
    char base[64];
    int port;
    int app_marker;
};

static vcm_router *make_router(void)
{
    vcm_router *r = vcm_router_new();
    assert_non_null(r);
    assert_int_equal(vcm_router_add(r, "GET", "/hello/{name}", h_hello), 0);
    assert_int_equal(vcm_router_add(r, "GET", "/etag", h_etag), 0);
    assert_int_equal(vcm_router_add(r, "GET", "/inject", h_inject), 0);
    assert_int_equal(vcm_router_add_action(r, "POST", "/echo", h_echo, "test.echo"), 0);
    assert_int_equal(vcm_router_add(r, "GET", "/slow", h_slow), 0);
    assert_int_equal(vcm_router_add(r, "GET", "/fail", h_fail), 0);
    assert_int_equal(vcm_router_add(r, "GET", "/down", h_fail), 0);
    assert_int_equal(vcm_router_add(r, "GET", "/gone", h_gone), 0);
    assert_int_equal(vcm_router_add(r, "GET", "/id", h_id), 0);
    assert_int_equal(vcm_router_add(r, "GET", "/query", h_query), 0);
    assert_int_equal(vcm_router_add(r, "GET", "/cookies", h_cookies), 0);
    return r;
}

static void config(vcm_http_config *cfg, const char *listen)
{
    vcm_http_config_defaults(cfg);
    snprintf(cfg->listen, sizeof cfg->listen, "%s", listen);
    cfg->threads = 4;
    cfg->max_body = MAX_BODY;
}

/* Starts the fixture's server; tune, when not NULL, changes the config. */
static int setup_with(void **state, void (*tune)(vcm_http_config *))
{
    vcm_log_set_level(getenv("VCM_TEST_LOG") ? VCM_LOG_DEBUG : VCM_LOG_ERROR);
    struct fixture *f = calloc(1, sizeof *f);
    f->router = make_router();
    vcm_http_config cfg;
    char listen[64], err[256];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", vt_free_port());
    config(&cfg, listen);
    if (tune)
        tune(&cfg);
    f->srv = vcm_server_start(&cfg, f->router, &f->app_marker, error_page, err, sizeof err);
    if (!f->srv)
        fail_msg("server did not start: %s", err);
    f->port = vcm_server_port(f->srv);
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", f->port);
    atomic_store(&slow_started, 0);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, NULL);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    vcm_server_stop(f->srv);
    vcm_router_free(f->router);
    free(f);
    return 0;
}

static struct vt_resp req(struct fixture *f, const char *method, const char *path,
                          const char *body, const char *header)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", f->base, path);
    return vt_http(method, url, body, header);
}

static void test_ok_with_headers(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = req(f, "GET", "/hello/w%C3%B6rld?q=a+b%26c", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "hello w\xC3\xB6rld q=a b&c method=GET");
    assert_non_null(vt_header(&r, "X-Test"));
    assert_contains(vt_header(&r, "Content-Type"), "text/plain; charset=utf-8");
    assert_contains(vt_header(&r, "X-Content-Type-Options"), "nosniff");
    assert_contains(vt_header(&r, "Content-Length"), "31");
    vt_resp_free(&r);
}

static void test_not_found_via_hook(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = req(f, "GET", "/nope", NULL, NULL);
    assert_int_equal(r.status, 404);
    assert_string_equal(r.body, "<h1>404 not found</h1>");
    assert_non_null(vt_header(&r, "X-Error-Hook"));
    assert_contains(vt_header(&r, "Content-Type"), "text/html");
    assert_contains(vt_header(&r, "X-Content-Type-Options"), "nosniff");
    vt_resp_free(&r);
    /* Traversal never reaches a handler. */
    r = req(f, "GET", "/hello/../etag", NULL, NULL);
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
    r = req(f, "GET", "/hello//x", NULL, NULL);
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
}

static void test_method_not_allowed_via_hook(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = req(f, "DELETE", "/hello/x", NULL, NULL);
    assert_int_equal(r.status, 405);
    assert_string_equal(vt_header(&r, "Allow") ? "set" : "missing", "set");
    assert_contains(vt_header(&r, "Allow"), "GET, HEAD");
    assert_contains(r.body, "405 method not allowed");
    assert_non_null(vt_header(&r, "X-Error-Hook"));
    vt_resp_free(&r);
}

static void test_bad_path_parameter(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = req(f, "GET", "/hello/%FF", NULL, NULL);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "<h1>400 ");
    vt_resp_free(&r);
    r = req(f, "GET", "/hello/a%00b", NULL, NULL);
    assert_int_equal(r.status, 400);
    vt_resp_free(&r);
}

static void test_query_and_request_headers(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = req(f, "GET", "/query?f=a&g=1&f=b+c&f=%E2%82%AC", NULL, "X-Client: tester");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "[a][b c][\xE2\x82\xAC] client=tester");
    vt_resp_free(&r);
    r = req(f, "GET", "/query?f=%zz", NULL, NULL);
    assert_int_equal(r.status, 400);
    assert_string_equal(r.body, "<h1>400 bad request</h1>");
    vt_resp_free(&r);
    r = req(f, "GET", "/query?f=%C3%28", NULL, NULL);
    assert_int_equal(r.status, 400);
    vt_resp_free(&r);
}

static char *raw(const struct fixture *f, const char *data, size_t n, int ms, bool *closed);

/* A header sent several times (Cookie) is seen whole, each value in order,
 * up to what the caller takes. */
static void test_repeated_header(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = req(f, "GET", "/cookies", NULL, NULL);
    assert_string_equal(r.body, "n=0");
    vt_resp_free(&r);
    static const char two[] = "GET /cookies HTTP/1.1\r\nHost: t\r\nCookie: a=1\r\n"
                              "X-Other: x\r\nCOOKIE: b=2; c=3\r\nConnection: close\r\n\r\n";
    bool closed;
    char *out = raw(f, two, sizeof two - 1, 3000, &closed);
    assert_contains(out, "\r\n\r\n(a=1)(b=2; c=3)");
    free(out);
    static const char four[] = "GET /cookies HTTP/1.1\r\nHost: t\r\nCookie: a\r\n"
                               "Cookie: b\r\nCookie: c\r\nCookie: d\r\nConnection: close\r\n\r\n";
    out = raw(f, four, sizeof four - 1, 3000, &closed);
    assert_contains(out, "\r\n\r\n(a)(b)(c)");
    assert_not_contains(out, "(d)");
    free(out);
}

static void test_body_and_413(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = req(f, "POST", "/echo", "name=value", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "len=10:name=value");
    vt_resp_free(&r);

    char *big = malloc(MAX_BODY * 4 + 1);
    memset(big, 'x', MAX_BODY * 4);
    big[MAX_BODY * 4] = '\0';
    /* Content-Length known: refused before the body is read. */
    r = req(f, "POST", "/echo", big, NULL);
    assert_int_equal(r.status, 413);
    assert_string_equal(r.body, "<h1>413 request body too large</h1>");
    vt_resp_free(&r);
    /* Chunked bodies are refused before they are read (see
     * test_framing_refused), whatever their size. */
    r = req(f, "POST", "/echo", big, "Transfer-Encoding: chunked");
    assert_int_equal(r.status, 411);
    vt_resp_free(&r);
    /* Exactly max_body is fine. */
    big[MAX_BODY] = '\0';
    r = req(f, "POST", "/echo", big, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, strlen("len=1024:") + MAX_BODY);
    vt_resp_free(&r);
    free(big);
    /* Far beyond max_body: only the up-front Content-Length check answers
     * this; the running count would give up and drop the connection. */
    size_t huge = (size_t)3 << 20;
    big = malloc(huge + 1);
    memset(big, 'y', huge);
    big[huge] = '\0';
    r = req(f, "POST", "/echo", big, NULL);
    assert_int_equal(r.status, 413);
    vt_resp_free(&r);
    free(big);
    /* A body for a path without a handler is not kept, and still 404. */
    r = req(f, "POST", "/nope", "abc", NULL);
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
}

static void test_etag_304(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = req(f, "GET", "/etag", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "fresh");
    assert_contains(vt_header(&r, "ETag"), "\"v1\"");
    vt_resp_free(&r);

    r = req(f, "GET", "/etag", NULL, "If-None-Match: \"v1\"");
    assert_int_equal(r.status, 304);
    assert_int_equal(r.len, 0);
    assert_contains(vt_header(&r, "ETag"), "\"v1\"");
    assert_contains(vt_header(&r, "Cache-Control"), "no-cache");
    assert_contains(vt_header(&r, "X-Content-Type-Options"), "nosniff");
    assert_null(vt_header(&r, "Content-Type"));
    vt_resp_free(&r);

    r = req(f, "GET", "/etag", NULL, "If-None-Match: \"v0\", W/\"v1\"");
    assert_int_equal(r.status, 304);
    vt_resp_free(&r);
    r = req(f, "GET", "/etag", NULL, "If-None-Match: *");
    assert_int_equal(r.status, 304);
    vt_resp_free(&r);
    r = req(f, "GET", "/etag", NULL, "If-None-Match: \"v2\"");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "fresh");
    vt_resp_free(&r);
    r = req(f, "HEAD", "/etag", NULL, "If-None-Match: \"v1\"");
    assert_int_equal(r.status, 304);
    vt_resp_free(&r);
}

static void test_head_has_headers_not_body(void **state)
{
    struct fixture *f = *state;
    struct vt_resp g = req(f, "GET", "/hello/x", NULL, NULL);
    struct vt_resp h = req(f, "HEAD", "/hello/x", NULL, NULL);
    assert_int_equal(h.status, 200);
    assert_int_equal(h.len, 0);
    assert_non_null(vt_header(&h, "X-Test"));
    assert_contains(vt_header(&h, "Content-Type"), "text/plain");
    /* The handler saw HEAD, and wrote one byte more than for GET. */
    char len[32];
    snprintf(len, sizeof len, "%zu", g.len + 1);
    assert_contains(vt_header(&h, "Content-Length"), len);
    vt_resp_free(&g);
    vt_resp_free(&h);
}

static void test_header_injection_rejected(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = req(f, "GET", "/inject", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "rejected");
    assert_null(vt_header(&r, "Injected"));
    assert_null(vt_header(&r, "X-Bad"));
    assert_contains(vt_header(&r, "X-Good"), "ok");
    vt_resp_free(&r);
}

static void test_handler_errors(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = req(f, "GET", "/fail", NULL, NULL);
    assert_int_equal(r.status, 500);
    assert_string_equal(r.body, "<h1>500 internal server error</h1>");
    assert_null(vt_header(&r, "X-Partial")); /* the failed handler's headers are dropped */
    vt_resp_free(&r);
    /* The hook may turn a 500 into 503 (a service away), nothing else. */
    r = req(f, "GET", "/down", NULL, NULL);
    assert_int_equal(r.status, 503);
    assert_contains(vt_header(&r, "Retry-After"), "5");
    assert_null(vt_header(&r, "X-Partial"));
    vt_resp_free(&r);
    r = req(f, "GET", "/sneaky", NULL, NULL);
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
    r = req(f, "GET", "/gone", NULL, NULL);
    assert_int_equal(r.status, 410);
    assert_string_equal(r.body, "<h1>410 gone</h1>");
    assert_non_null(vt_header(&r, "X-Kept")); /* an empty error keeps its headers */
    vt_resp_free(&r);
}

/* A long address is refused by us, through the error hook (a problem
 * document on the API, see test_search_http), not by a page of MHD's, up
 * to 64 KB beyond the header limit. */
static void test_uri_too_long(void **state)
{
    struct fixture *f = *state;
    size_t sizes[] = {20000, 40000, 60000};
    for (size_t i = 0; i < 3; i++) {
        size_t n = sizes[i];
        char *url = malloc(n + 128);
        int l = snprintf(url, 128, "%s/hello/x?q=", f->base);
        memset(url + l, 'a', n);
        url[l + n] = '\0';
        struct vt_resp r = vt_http("GET", url, NULL, NULL);
        assert_int_equal(r.status, 414);
        assert_string_equal(r.body, "<h1>414 URI too long</h1>");
        vt_resp_free(&r);
        free(url);
    }
    struct vt_resp r = req(f, "GET", "/hello/x", NULL, NULL);
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
}

static void test_header_too_large(void **state)
{
    struct fixture *f = *state;
    size_t n = 40000;
    char *h = malloc(n + 16);
    memcpy(h, "X-Big: ", 7);
    memset(h + 7, 'a', n);
    h[7 + n] = '\0';
    struct vt_resp r = req(f, "GET", "/hello/x", NULL, h);
    assert_true(r.status == 431 || r.status == 413);
    vt_resp_free(&r);
    free(h);
    /* The server is still fine. */
    r = req(f, "GET", "/hello/x", NULL, NULL);
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
}

/* ---- requests from other threads: no cmocka asserts there ---- */

struct fetch {
    char url[256];
    long status;
    CURLcode rc;
    char body[256];
    size_t len;
};

static size_t fetch_write(char *p, size_t size, size_t n, void *ud)
{
    struct fetch *ft = ud;
    size_t add = size * n;
    size_t room = sizeof ft->body - 1 - ft->len;
    size_t take = add < room ? add : room;
    memcpy(ft->body + ft->len, p, take);
    ft->len += take;
    ft->body[ft->len] = '\0';
    return add;
}

static void fetch_run(struct fetch *ft, CURL *c)
{
    ft->len = 0;
    ft->body[0] = '\0';
    ft->status = 0;
    curl_easy_setopt(c, CURLOPT_URL, ft->url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fetch_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, ft);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    ft->rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &ft->status);
}

static void *fetch_thread(void *p)
{
    CURL *c = curl_easy_init();
    fetch_run(p, c);
    curl_easy_cleanup(c);
    return NULL;
}

static void test_slow_request_survives_stop(void **state)
{
    struct fixture *f = *state;
    struct fetch ft = {0};
    snprintf(ft.url, sizeof ft.url, "%s/slow", f->base);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, fetch_thread, &ft), 0);
    for (int i = 0; i < 2000 && !atomic_load(&slow_started); i++) {
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    assert_true(atomic_load(&slow_started));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    vcm_server_stop(f->srv);
    f->srv = NULL;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_join(t, NULL);
    assert_int_equal(ft.rc, CURLE_OK);
    assert_int_equal(ft.status, 200);
    assert_string_equal(ft.body, "slow done");
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(waited > 0.2 && waited < 10.0);
    /* Nobody listens any more. */
    struct fetch after = {0};
    snprintf(after.url, sizeof after.url, "%s/id", f->base);
    fetch_thread(&after);
    assert_int_not_equal(after.rc, CURLE_OK);
}

#define BURST_THREADS 4
#define BURST_EACH 50

struct burst {
    const char *base;
    int ok;
    unsigned long long ids[BURST_EACH];
};

static void *burst_thread(void *p)
{
    struct burst *b = p;
    CURL *c = curl_easy_init();
    for (int i = 0; i < BURST_EACH; i++) {
        struct fetch ft = {0};
        /* Every other request on a fresh connection: both paths get used. */
        if (i % 2)
            curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
        else
            curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 0L);
        snprintf(ft.url, sizeof ft.url, "%s/id", b->base);
        fetch_run(&ft, c);
        if (ft.rc == CURLE_OK && ft.status == 200) {
            b->ids[b->ok++] = strtoull(ft.body, NULL, 10);
        }
    }
    curl_easy_cleanup(c);
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
    return x < y ? -1 : x > y;
}

static void test_burst_from_threads(void **state)
{
    struct fixture *f = *state;
    struct burst b[BURST_THREADS];
    pthread_t t[BURST_THREADS];
    for (int i = 0; i < BURST_THREADS; i++) {
        memset(&b[i], 0, sizeof b[i]);
        b[i].base = f->base;
        assert_int_equal(pthread_create(&t[i], NULL, burst_thread, &b[i]), 0);
    }
    unsigned long long all[BURST_THREADS * BURST_EACH];
    int n = 0;
    for (int i = 0; i < BURST_THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(b[i].ok, BURST_EACH);
        memcpy(all + n, b[i].ids, sizeof b[i].ids);
        n += b[i].ok;
    }
    /* Every request had its own id. */
    qsort(all, (size_t)n, sizeof all[0], cmp_u64);
    for (int i = 1; i < n; i++)
        if (all[i] == all[i - 1] || all[i] == 0)
            fail_msg("request id %llu given twice", all[i]);
}

/* Stopping while clients keep arriving: every answer is a whole 200 or the
 * 503 of a stopping server, or the connection is refused; the process never
 * aborts. libmicrohttpd can abort when an epoll daemon is quiesced while a
 * worker takes its listening socket out on its own (server.c); that race
 * was seen once, in a sanitizer run of this program, and its window is too
 * narrow for these cycles to reach it reliably (1,500 stops did not), so
 * this checks what stopping does instead of quiescing. */
struct arrival {
    const char *base;
    atomic_bool *stop;
    int ok, unavailable, refused, other;
};

static void *arrival_thread(void *p)
{
    struct arrival *a = p;
    CURL *c = curl_easy_init();
    struct fetch ft;
    while (!atomic_load(a->stop)) {
        memset(&ft, 0, sizeof ft);
        snprintf(ft.url, sizeof ft.url, "%s/hello/stop", a->base);
        curl_easy_reset(c);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
        fetch_run(&ft, c);
        if (ft.rc == CURLE_OK && ft.status == 200 && strstr(ft.body, "hello stop"))
            a->ok++;
        else if (ft.rc == CURLE_OK && ft.status == 503)
            a->unavailable++;
        else if (ft.rc == CURLE_COULDNT_CONNECT || ft.rc == CURLE_RECV_ERROR ||
                 ft.rc == CURLE_GOT_NOTHING || ft.rc == CURLE_SEND_ERROR)
            a->refused++;
        else
            a->other++;
    }
    curl_easy_cleanup(c);
    return NULL;
}

static void test_stop_while_clients_arrive(void **state)
{
    struct fixture *f = *state;
    enum { CLIENTS = 6 };
    /* VCM_TEST_STOP_CYCLES raises the count to hunt the race for longer */
    const char *env = getenv("VCM_TEST_STOP_CYCLES");
    int cycles = env && atoi(env) > 0 ? atoi(env) : 40;
    int ok = 0, unavailable = 0, other = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
        vcm_http_config cfg;
        char listen[64], err[256], base[64];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", vt_free_port());
        config(&cfg, listen);
        cfg.max_connections = 4; /* workers reach their limit and drop the socket too */
        vcm_server *s = vcm_server_start(&cfg, f->router, NULL, NULL, err, sizeof err);
        if (!s)
            fail_msg("server did not start: %s", err);
        snprintf(base, sizeof base, "http://127.0.0.1:%d", vcm_server_port(s));
        atomic_bool stop = false;
        struct arrival a[CLIENTS];
        pthread_t t[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            a[i] = (struct arrival){.base = base, .stop = &stop};
            assert_int_equal(pthread_create(&t[i], NULL, arrival_thread, &a[i]), 0);
        }
        struct timespec ts = {0, (2 + cycle % 5) * 1000 * 1000};
        nanosleep(&ts, NULL);
        vcm_server_stop(s);
        atomic_store(&stop, true);
        for (int i = 0; i < CLIENTS; i++) {
            pthread_join(t[i], NULL);
            ok += a[i].ok;
            unavailable += a[i].unavailable;
            other += a[i].other;
        }
    }
    assert_true(ok > 0);
    if (other)
        fail_msg("%d answers were neither 200, 503 nor a refused connection", other);
    (void)unavailable;
}

/* ---- start-up errors, port 0, IPv6, the access log, signals ---- */

static void test_listen_errors(void **state)
{
    struct fixture *f = *state;
    vcm_http_config cfg;
    char err[256];
    const char *bad[] = {"nonsense", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999",
                         "127.0.0.1:80a", "localhost:8080", "::1:8080", "[::1]8080",
                         "[nonsense]:80", "300.1.1.1:80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        config(&cfg, bad[i]);
        err[0] = '\0';
        vcm_server *s = vcm_server_start(&cfg, f->router, NULL, NULL, err, sizeof err);
        if (s) {
            vcm_server_stop(s);
            fail_msg("'%s' should be refused", bad[i]);
        }
        assert_contains(err, "invalid listen address '");
    }
    /* The fixture's server holds its port. */
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", vcm_server_port(f->srv));
    config(&cfg, listen);
    assert_null(vcm_server_start(&cfg, f->router, NULL, NULL, err, sizeof err));
    assert_contains(err, "port already in use");
    assert_contains(err, listen);
}

static void test_port_zero_and_plain_errors(void **state)
{
    struct fixture *f = *state;
    vcm_http_config cfg;
    char err[256];
    config(&cfg, "127.0.0.1:0");
    cfg.threads = 1;
    vcm_server *s = vcm_server_start(&cfg, f->router, NULL, NULL, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    assert_true(vcm_server_port(s) > 0);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/nope", vcm_server_port(s));
    struct vt_resp r = vt_http("GET", url, NULL, NULL);
    assert_int_equal(r.status, 404);
    assert_string_equal(r.body, "404 not found\n"); /* no hook: plain text */
    assert_contains(vt_header(&r, "Content-Type"), "text/plain");
    vt_resp_free(&r);
    vcm_server_stop(s);
}

static void test_ipv6_loopback(void **state)
{
    struct fixture *f = *state;
    int probe = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    bool have_v6 = probe >= 0 && bind(probe, (struct sockaddr *)&a, sizeof a) == 0;
    if (probe >= 0)
        close(probe);
    if (!have_v6) {
        skip();
        return;
    }
    vcm_http_config cfg;
    char err[256];
    config(&cfg, "[::1]:0");
    vcm_server *s = vcm_server_start(&cfg, f->router, NULL, NULL, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    char url[128];
    snprintf(url, sizeof url, "http://[::1]:%d/hello/six", vcm_server_port(s));
    struct vt_resp r = vt_http("GET", url, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "hello six");
    vt_resp_free(&r);
    vcm_server_stop(s);
}

static void test_access_log_line(void **state)
{
    struct fixture *f = *state;
    char path[] = "/tmp/vcm-http-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    vcm_log_set_level(VCM_LOG_INFO);
    struct vt_resp r = req(f, "GET", "/hello/log%22me?q=1", NULL, NULL);
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
    r = req(f, "GET", "/id", NULL, NULL);
    unsigned long long id = strtoull(r.body, NULL, 10);
    vt_resp_free(&r);
    /* Stopping waits for the completion callbacks that write the lines. */
    vcm_server_stop(f->srv);
    f->srv = NULL;
    vcm_log_set_level(VCM_LOG_ERROR);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    char *log = NULL;
    vt_sh(&log, "cat %s", path);
    unlink(path);
    assert_contains(log, "msg=\"request\" method=GET path=/hello/log%22me status=200 bytes=");
    assert_contains(log, " us=");
    char want[96];
    snprintf(want, sizeof want, "req=%llu msg=\"request\" method=GET path=/id status=200", id);
    assert_contains(log, want);
    free(log);
}

struct runner {
    vcm_server *s;
    int rc;
};

static void *run_thread(void *p)
{
    struct runner *r = p;
    r->rc = vcm_server_run(r->s);
    return NULL;
}

static void test_run_stops_on_sigterm(void **state)
{
    struct fixture *f = *state;
    /* Blocked here first, so the new thread starts with it blocked and the
     * signal can only be taken by its sigwait. */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    struct runner r = {f->srv, -1};
    f->srv = NULL;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, run_thread, &r), 0);
    char url[128];
    snprintf(url, sizeof url, "%s/id", f->base);
    struct vt_resp resp = vt_http("GET", url, NULL, NULL);
    assert_int_equal(resp.status, 200);
    vt_resp_free(&resp);
    pthread_kill(t, SIGTERM);
    pthread_join(t, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    assert_int_equal(r.rc, 0);
    struct fetch after = {0};
    snprintf(after.url, sizeof after.url, "%s/id", f->base);
    fetch_thread(&after);
    assert_int_not_equal(after.rc, CURLE_OK);
}

/* ---- raw bytes over a socket: framing, deadlines, limits ---- */

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A connection to the server from the loopback address from (any
 * 127.x.y.z works on Linux; NULL for 127.0.0.1), or -1. */
static int raw_connect(const struct fixture *f, const char *from)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET};
    if (from) {
        inet_pton(AF_INET, from, &a.sin_addr);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
            close(fd);
            return -1;
        }
    }
    a.sin_port = htons((uint16_t)f->port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool raw_send(int fd, const void *data, size_t n)
{
    return send(fd, data, n, MSG_NOSIGNAL) == (ssize_t)n;
}

/* Reads until the server closes the connection or ms pass. Returns what
 * came, NUL-terminated (caller frees); *closed says whether it closed. */
static char *raw_read(int fd, int ms, bool *closed)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    *closed = false;
    for (;;) {
        int left = ms - (int)(since(&t0) * 1000);
        if (left <= 0)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, left) <= 0)
            break;
        if (len == cap)
            buf = realloc(buf, (cap *= 2) + 1);
        ssize_t n = recv(fd, buf + len, cap - len, 0);
        if (n <= 0) {
            *closed = true;
            break;
        }
        len += (size_t)n;
    }
    buf[len] = '\0';
    return buf;
}

/* One request as raw bytes on a fresh connection; waits up to ms for the
 * server to answer and close. */
static char *raw(const struct fixture *f, const char *data, size_t n, int ms, bool *closed)
{
    int fd = raw_connect(f, NULL);
    assert_true(fd >= 0);
    raw_send(fd, data, n);
    char *out = raw_read(fd, ms, closed);
    close(fd);
    return out;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Every head a proxy could read differently is refused with a page of ours
 * (the error hook's), once, and the connection is closed: nothing sent
 * after it, such as a smuggled second request, is answered. */
static void test_framing_refused(void **state)
{
    struct fixture *f = *state;
    static const char smuggled[] = "GET /hello/smuggled HTTP/1.1\r\nHost: t\r\n\r\n";
    char ext[45000];
    int e = snprintf(ext, sizeof ext, "POST /echo HTTP/1.1\r\nHost: t\r\n"
                                      "Transfer-Encoding: chunked\r\n\r\n1;");
    memset(ext + e, 'a', 40000);
    snprintf(ext + e + 40000, sizeof ext - (size_t)e - 40000, "\r\nx\r\n0\r\n\r\n%s", smuggled);
    static const char te_cl[] = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                                "Content-Length: 5\r\n\r\n0\r\n\r\n";
    const struct {
        const char *what, *head;
        size_t len;
        int status;
    } cases[] = {
#define C(what, head, status) {what, head, sizeof head - 1, status}
        C("length and coding",
          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n"
          "\r\n0\r\n\r\n",
          400),
        C("coding and length", te_cl, 400),
        C("two lengths",
          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 46\r\n\r\nhello",
          400),
        C("the same length twice",
          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
          400),
        C("a second length of -1",
          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: -1\r\n\r\nhello",
          400),
        C("no Host", "GET /hello/x HTTP/1.1\r\n\r\n", 400),
        C("two Hosts", "GET /hello/x HTTP/1.1\r\nHost: t\r\nHost: u\r\n\r\n", 400),
        C("two Hosts in HTTP/1.0", "GET /hello/x HTTP/1.0\r\nHost: t\r\nHost: u\r\n\r\n", 400),
        C("a control character", "GET /hello/x HTTP/1.1\r\nHost: t\r\nX-A: a\x01z\r\n\r\n", 400),
        C("DEL", "GET /hello/x HTTP/1.1\r\nHost: t\r\nX-A: a\x7fz\r\n\r\n", 400),
        C("a bare CR", "GET /hello/x HTTP/1.1\r\nHost: t\r\nX-A: a\rz\r\n\r\n", 400),
        C("space before the colon", "GET /hello/x HTTP/1.1\r\nHost : t\r\n\r\n", 400),
        C("a bad method", "G\x01T /hello/x HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        C("a method with a slash", "GE/T /hello/x HTTP/1.1\r\nHost: t\r\n\r\n", 400),
        C("chunked", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\nhello\r\n0\r\n\r\n", 411),
        C("an unknown coding", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
          501),
        C("a coding list", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n"
                           "\r\n", 501),
#undef C
        {"a 40 KB chunk extension", ext, strlen(ext), 411},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *data = malloc(cases[i].len + sizeof smuggled);
        memcpy(data, cases[i].head, cases[i].len);
        memcpy(data + cases[i].len, smuggled, sizeof smuggled - 1);
        size_t n = cases[i].len + (cases[i].head == ext ? 0 : sizeof smuggled - 1);
        bool closed;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        char *out = raw(f, data, n, 5000, &closed);
        char want[64];
        snprintf(want, sizeof want, "HTTP/1.1 %d ", cases[i].status);
        if (strncmp(out, want, strlen(want)) != 0)
            fail_msg("%s: expected %d, got: %.300s", cases[i].what, cases[i].status, out);
        int lines = count(out, "\nHTTP/1.") + 1;
        if (lines != 1)
            fail_msg("%s: %d status lines: %.600s", cases[i].what, lines, out);
        if (!strstr(out, "X-Error-Hook: 1") || !strstr(out, "</h1>"))
            fail_msg("%s: not our page: %.400s", cases[i].what, out);
        assert_contains(out, "Content-Security-Policy: ");
        if (!closed)
            fail_msg("%s: the connection was left open", cases[i].what);
        if (since(&t0) > 4.0)
            fail_msg("%s: took %.1f s", cases[i].what, since(&t0));
        assert_not_contains(out, "smuggled");
        free(out);
        free(data);
    }
    /* What stays acceptable: HTTP/1.0 without Host, a body with one length. */
    bool closed;
    static const char ok10[] = "GET /hello/ten HTTP/1.0\r\n\r\n";
    char *out = raw(f, ok10, sizeof ok10 - 1, 5000, &closed);
    assert_contains(out, "HTTP/1.1 200 ");
    assert_contains(out, "hello ten");
    free(out);
    static const char ok11[] = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                               "Connection: close\r\n\r\nhello";
    out = raw(f, ok11, sizeof ok11 - 1, 5000, &closed);
    assert_contains(out, "HTTP/1.1 200 ");
    assert_contains(out, "len=5:hello");
    free(out);
}

/* A Content-Length that is not a number never reaches our code: MHD refuses
 * it with a 400 of its own (docs/deployment.md; nginx in front refuses it
 * first, tests/deploy/check.sh nginx). What holds here: refused, closed, and
 * the request behind it is not answered. */
static void test_bad_length_refused_by_mhd(void **state)
{
    struct fixture *f = *state;
    static const char *const heads[] = {
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        char data[256];
        snprintf(data, sizeof data, "%sGET /hello/smuggled HTTP/1.1\r\nHost: t\r\n\r\n", heads[i]);
        bool closed;
        char *out = raw(f, data, strlen(data), 5000, &closed);
        assert_true(strncmp(out, "HTTP/1.1 400 ", 13) == 0);
        assert_true(closed);
        /* MHD 0.9.75 sends its status line and headers twice here. */
        if (count(out, "\nHTTP/1.") > 0)
            fprintf(stderr, "known defect of libmicrohttpd: its own 400 for a bad "
                            "Content-Length is sent with two heads\n");
        assert_not_contains(out, "smuggled");
        free(out);
    }
}

static void tune_deadline(vcm_http_config *cfg)
{
    cfg->header_timeout = 2;
    cfg->idle_timeout = 30;
    cfg->max_per_ip = 0;
    cfg->max_connections = 1000;
}

static int setup_deadline(void **state)
{
    return setup_with(state, tune_deadline);
}

/* A client that sends a header line every 300 ms never lets the 30 s idle
 * timeout run out; the 2 s deadline for the whole head closes it. */
static void test_header_deadline_trickle(void **state)
{
    struct fixture *f = *state;
    int fd = raw_connect(f, NULL);
    assert_true(fd >= 0);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_true(raw_send(fd, "GET /hello/x HTTP/1.1\r\nHost: t\r\n", 32));
    bool closed = false;
    while (!closed && since(&t0) < 8.0) {
        char *out = raw_read(fd, 300, &closed);
        free(out);
        if (!closed && !raw_send(fd, "X-Slow: 1\r\n", 11))
            closed = true;
    }
    double t = since(&t0);
    close(fd);
    if (!closed || t < 1.5)
        fail_msg("the trickling client was %s after %.1f s", closed ? "closed" : "still open", t);
    /* A kept-alive connection gets a new deadline for each request. */
    fd = raw_connect(f, NULL);
    assert_true(fd >= 0);
    for (int i = 0; i < 3; i++) {
        assert_true(raw_send(fd, "GET /hello/k HTTP/1.1\r\nHost: t\r\n\r\n", 34));
        char *out = raw_read(fd, 1200, &closed);
        assert_contains(out, "hello k");
        assert_false(closed);
        free(out);
    }
    close(fd);
}

/* 1,000 connections that send nothing fill every slot; the deadline frees
 * them in seconds, not after the idle timeout. */
static void test_silent_connections_released(void **state)
{
    struct fixture *f = *state;
    enum { N = 1000 };
    static int fds[N];
    int opened = 0;
    for (int i = 0; i < N; i++)
        if ((fds[opened] = raw_connect(f, "127.0.0.2")) >= 0)
            opened++;
    assert_true(opened >= N - 10);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool closed;
    static const char get[] = "GET /hello/late HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    char *out = raw(f, get, sizeof get - 1, 10000, &closed);
    double t = since(&t0);
    if (!strstr(out, "hello late"))
        fail_msg("no answer within 10 s behind %d silent connections: %.200s", opened, out);
    assert_true(t < 8.0);
    free(out);
    for (int i = 0; i < opened; i++)
        close(fds[i]);
}

static void tune_per_ip(vcm_http_config *cfg)
{
    cfg->header_timeout = 10;
    cfg->max_per_ip = 50;
    cfg->max_connections = 1000;
}

static int setup_per_ip(void **state)
{
    return setup_with(state, tune_per_ip);
}

/* Slowloris from one address: 1,200 connections sending a header line a
 * second. At most max_per_ip of them get in, and everyone else is served
 * at once meanwhile. */
static void test_per_ip_limit(void **state)
{
    struct fixture *f = *state;
    enum { N = 1200 };
    static int fds[N];
    int n = 0;
    for (int i = 0; i < N; i++) {
        int fd = raw_connect(f, "127.0.0.3");
        if (fd < 0)
            continue;
        raw_send(fd, "GET /hello/x HTTP/1.1\r\nHost: t\r\n", 32);
        fds[n++] = fd;
    }
    for (int round = 0; round < 3; round++) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        bool closed;
        static const char get[] = "GET /hello/ok HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
        char *out = raw(f, get, sizeof get - 1, 3000, &closed);
        if (!strstr(out, "hello ok"))
            fail_msg("round %d: no answer within 3 s: %.200s", round, out);
        free(out);
        for (int i = 0; i < n; i++)
            raw_send(fds[i], "X-Slow: 1\r\n", 11);
        struct timespec ts = {0, 700 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    /* The ones the server took are still open; the rest were closed. */
    int open_ = 0;
    for (int i = 0; i < n; i++) {
        bool closed;
        char *out = raw_read(fds[i], 1, &closed);
        free(out);
        if (!closed && raw_send(fds[i], "X-Slow: 1\r\n", 11))
            open_++;
        close(fds[i]);
    }
    if (open_ > 50)
        fail_msg("%d connections from one address were kept (limit 50)", open_);
}

/* Each connection over the limit is a log line from MHD: a flood of them
 * must not become a flood of log lines. */
static void test_refusals_do_not_flood_the_log(void **state)
{
    struct fixture *f = *state;
    char path[] = "/tmp/vcm-http-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    vcm_log_set_level(VCM_LOG_WARN);
    enum { N = 300 };
    static int fds[N];
    int n = 0;
    for (int i = 0; i < N; i++)
        if ((fds[n] = raw_connect(f, "127.0.0.4")) >= 0)
            n++;
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    vcm_server_stop(f->srv);
    f->srv = NULL;
    vcm_log_set_level(VCM_LOG_ERROR);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    char *log = NULL;
    vt_sh(&log, "grep -c libmicrohttpd %s", path);
    unlink(path);
    int lines = atoi(log);
    free(log);
    if (lines < 1 || lines > 10)
        fail_msg("%d log lines for %d connections over the limit", lines, N - 50);
}

/* ---- security headers ---- */

static void test_security_headers(void **state)
{
    struct fixture *f = *state;
    const char *paths[] = {"/hello/x", "/nope", "/hello/%FF"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct vt_resp r = req(f, "GET", paths[i], NULL, NULL);
        const char *csp = vt_header(&r, "Content-Security-Policy");
        assert_non_null(csp);
        assert_contains(csp, "default-src 'self'");
        assert_contains(csp, "script-src 'self'");
        assert_contains(csp, "frame-ancestors 'self'");
        assert_not_contains(csp, "unsafe-inline");
        assert_contains(vt_header(&r, "Referrer-Policy"), "strict-origin-when-cross-origin");
        assert_contains(vt_header(&r, "X-Content-Type-Options"), "nosniff");
        /* plain HTTP: no HSTS */
        assert_null(vt_header(&r, "Strict-Transport-Security"));
        vt_resp_free(&r);
    }
    /* 304s too */
    struct vt_resp r = req(f, "GET", "/etag", NULL, "If-None-Match: \"v1\"");
    assert_int_equal(r.status, 304);
    assert_non_null(vt_header(&r, "Content-Security-Policy"));
    vt_resp_free(&r);
    /* A proxy on this machine says the visitor came over TLS. */
    r = req(f, "GET", "/hello/x", NULL, "X-Forwarded-Proto: https");
    assert_contains(vt_header(&r, "Strict-Transport-Security"), "max-age=31536000");
    vt_resp_free(&r);
    r = req(f, "GET", "/nope", NULL, "X-Forwarded-Proto: https");
    assert_contains(vt_header(&r, "Strict-Transport-Security"), "max-age=");
    vt_resp_free(&r);
    r = req(f, "GET", "/hello/x", NULL, "X-Forwarded-Proto: http");
    assert_null(vt_header(&r, "Strict-Transport-Security"));
    vt_resp_free(&r);
}

/* From another machine X-Forwarded-Proto is not believed; an https base URL
 * means HSTS on everything. */
static void test_hsts_trust(void **state)
{
    struct fixture *f = *state;
    struct ifaddrs *ifs = NULL, *i;
    char addr[INET_ADDRSTRLEN] = "";
    if (getifaddrs(&ifs) == 0) {
        for (i = ifs; i && !addr[0]; i = i->ifa_next)
            if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
                (ntohl(((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr.s_addr) >> 24) != 127)
                inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, addr,
                          sizeof addr);
        freeifaddrs(ifs);
    }
    vcm_http_config cfg;
    char err[256], url[128];
    if (addr[0]) {
        config(&cfg, "0.0.0.0:0");
        vcm_server *s = vcm_server_start(&cfg, f->router, NULL, NULL, err, sizeof err);
        if (!s)
            fail_msg("%s", err);
        snprintf(url, sizeof url, "http://%s:%d/hello/x", addr, vcm_server_port(s));
        struct vt_resp r = vt_http("GET", url, NULL, "X-Forwarded-Proto: https");
        assert_int_equal(r.status, 200);
        assert_null(vt_header(&r, "Strict-Transport-Security"));
        vt_resp_free(&r);
        vcm_server_stop(s);
    } else {
        fprintf(stderr, "no address but loopback: the untrusted-proxy half is not run\n");
    }
    config(&cfg, "127.0.0.1:0");
    cfg.https = 1; /* vcm serve sets it when --base-url is https:// */
    vcm_server *s = vcm_server_start(&cfg, f->router, NULL, NULL, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/nope", vcm_server_port(s));
    struct vt_resp r = vt_http("GET", url, NULL, NULL);
    assert_int_equal(r.status, 404);
    assert_contains(vt_header(&r, "Strict-Transport-Security"), "max-age=31536000");
    vt_resp_free(&r);
    vcm_server_stop(s);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ok_with_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_found_via_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_method_not_allowed_via_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_path_parameter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_and_request_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeated_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_and_413, setup, teardown),
        cmocka_unit_test_setup_teardown(test_etag_304, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_has_headers_not_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_injection_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handler_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uri_too_long, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_request_survives_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_while_clients_arrive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_burst_from_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_listen_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_zero_and_plain_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipv6_loopback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_log_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_stops_on_sigterm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_framing_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_length_refused_by_mhd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_deadline_trickle, setup_deadline, teardown),
        cmocka_unit_test_setup_teardown(test_silent_connections_released, setup_deadline,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_per_ip_limit, setup_per_ip, teardown),
        cmocka_unit_test_setup_teardown(test_refusals_do_not_flood_the_log, setup_per_ip,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_security_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hsts_trust, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
