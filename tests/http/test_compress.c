/* Response compression: the Accept-Encoding parser on its own, then the
 * real server in this process, spoken to over loopback with libcurl (which
 * is told not to decode, so the test sees the bytes sent and inflates them
 * itself with zlib). */
#include "testutil.h"

#include <zlib.h>

#include "core/log.h"
#include "http/compress.h"
#include "http/req.h"
#include "http/router.h"
#include "http/server.h"

/* ---- the parser ---- */

static int q(const char *header, const char *coding)
{
    return vcm_accept_encoding_q(header, strlen(header), coding);
}

static void test_accept_encoding_q(void **state)
{
    (void)state;
    assert_int_equal(q("gzip", "gzip"), 1000);
    assert_int_equal(q("deflate, gzip;q=0.5", "gzip"), 500);
    assert_int_equal(q("deflate, GZIP ; Q=0.25 ,br", "gzip"), 250);
    assert_int_equal(q("br;q=1.0, gzip;q=0.001", "gzip"), 1);
    assert_int_equal(q("gzip;q=0", "gzip"), 0);
    assert_int_equal(q("gzip;q=0.000", "gzip"), 0);
    assert_int_equal(q("identity", "gzip"), -1);
    assert_int_equal(q("", "gzip"), -1);
    assert_int_equal(q("gzipx", "gzip"), -1);
    assert_int_equal(q("x-gzip", "gzip"), -1);
    assert_int_equal(q("*;q=0.3", "*"), 300);
    /* malformed q: the member counts as absent, never as accepted */
    assert_int_equal(q("gzip;q=2", "gzip"), -1);
    assert_int_equal(q("gzip;q=1.5", "gzip"), -1);
    assert_int_equal(q("gzip;q=0.5555", "gzip"), -1);
    assert_int_equal(q("gzip;q=", "gzip"), -1);
    assert_int_equal(q("gzip;q=abc", "gzip"), -1);
    assert_int_equal(q("gzip junk", "gzip"), -1);
    /* the length is respected: nothing past n is read */
    assert_int_equal(vcm_accept_encoding_q("br, gzip", 3, "gzip"), -1);
}

static void test_accepts_gzip(void **state)
{
    (void)state;
    assert_true(vcm_accepts_gzip("gzip, deflate, br"));
    assert_true(vcm_accepts_gzip("x-gzip"));
    assert_true(vcm_accepts_gzip("*"));
    assert_true(vcm_accepts_gzip("br, *;q=0.1"));
    assert_false(vcm_accepts_gzip(NULL));
    assert_false(vcm_accepts_gzip(""));
    assert_false(vcm_accepts_gzip("identity"));
    assert_false(vcm_accepts_gzip("br, deflate"));
    assert_false(vcm_accepts_gzip("gzip;q=0"));
    assert_false(vcm_accepts_gzip("gzip;q=0, *"));   /* named wins over * */
    assert_false(vcm_accepts_gzip("*;q=0"));
    assert_false(vcm_accepts_gzip("gzip;q=nonsense"));
}

static void test_compressible_types(void **state)
{
    (void)state;
    assert_true(vcm_compressible_type(NULL)); /* the default, HTML */
    assert_true(vcm_compressible_type("text/html; charset=utf-8"));
    assert_true(vcm_compressible_type("text/css; charset=utf-8"));
    assert_true(vcm_compressible_type("text/javascript; charset=utf-8"));
    assert_true(vcm_compressible_type("application/json"));
    assert_true(vcm_compressible_type("application/ld+json;profile=\"x\""));
    assert_true(vcm_compressible_type("application/problem+json"));
    assert_true(vcm_compressible_type("application/atom+xml"));
    assert_true(vcm_compressible_type("image/svg+xml"));
    assert_false(vcm_compressible_type("image/jpeg"));
    assert_false(vcm_compressible_type("image/png"));
    assert_false(vcm_compressible_type("image/webp"));
    assert_false(vcm_compressible_type("font/woff2"));
    assert_false(vcm_compressible_type("application/octet-stream"));
    assert_false(vcm_compressible_type("application/zip"));
}

/* ---- over HTTP ---- */

static char page[8192];

static int h_page(vcm_req *req, vcm_resp *resp)
{
    (void)req;
    return vcm_buf_puts(&resp->body, page);
}

static int h_tagged(vcm_req *req, vcm_resp *resp)
{
    resp->content_type = "text/css; charset=utf-8";
    if (vcm_resp_etag(resp, req, "abc123"))
        return 0;
    return vcm_buf_puts(&resp->body, page);
}

/* bytes that look like a JPEG: never compressed */
static int h_image(vcm_req *req, vcm_resp *resp)
{
    (void)req;
    resp->content_type = "image/jpeg";
    return vcm_buf_puts(&resp->body, page);
}

/* a version tag the client sends back in If-Match: left alone */
static int h_versioned(vcm_req *req, vcm_resp *resp)
{
    resp->content_type = "application/json";
    vcm_resp_header(resp, req, "ETag", "\"e1v2\"");
    return vcm_buf_puts(&resp->body, page);
}

struct fixture {
    vcm_router *router;
    vcm_server *srv;
    char base[64];
};

static int setup(void **state)
{
    vcm_log_set_level(getenv("VCM_TEST_LOG") ? VCM_LOG_DEBUG : VCM_LOG_ERROR);
    /* a page of repeated markup, as real pages are: compresses well */
    size_t n = 0;
    for (int i = 0; n + 64 < sizeof page; i++)
        n += (size_t)snprintf(page + n, sizeof page - n, "<li><a href=\"/objects/%d\">Jade %d</a></li>\n",
                              i, i);
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->router = vcm_router_new();
    assert_int_equal(vcm_router_add(f->router, "GET", "/page", h_page), 0);
    assert_int_equal(vcm_router_add(f->router, "GET", "/tagged", h_tagged), 0);
    assert_int_equal(vcm_router_add(f->router, "GET", "/image", h_image), 0);
    assert_int_equal(vcm_router_add(f->router, "GET", "/versioned", h_versioned), 0);
    vcm_http_config cfg;
    vcm_http_config_defaults(&cfg);
    snprintf(cfg.listen, sizeof cfg.listen, "127.0.0.1:0");
    cfg.threads = 2;
    char err[256];
    f->srv = vcm_server_start(&cfg, f->router, NULL, NULL, err, sizeof err);
    if (!f->srv)
        fail_msg("server did not start: %s", err);
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", vcm_server_port(f->srv));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    vcm_server_stop(f->srv);
    vcm_router_free(f->router);
    free(f);
    return 0;
}

static struct vt_resp get(struct fixture *f, const char *method, const char *path,
                          const char *header)
{
    char url[256];
    snprintf(url, sizeof url, "%s%s", f->base, path);
    return vt_http(method, url, NULL, header);
}

/* Inflates a gzip body; the caller frees the result. */
static char *gunzip(const char *in, size_t n, size_t *outlen)
{
    size_t cap = 1 << 20;
    char *out = malloc(cap + 1);
    assert_non_null(out);
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK); /* gzip wrapper only */
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = inflate(&z, Z_FINISH);
    if (rc != Z_STREAM_END)
        fail_msg("the body is not one whole gzip stream (inflate says %d)", rc);
    assert_int_equal(z.avail_in, 0); /* nothing after the stream */
    *outlen = cap - z.avail_out;
    out[*outlen] = '\0';
    inflateEnd(&z);
    return out;
}

/* The value of header name, up to its line end ("" when absent). */
static const char *value(const struct vt_resp *r, const char *name)
{
    static char v[256];
    const char *h = vt_header(r, name);
    snprintf(v, sizeof v, "%.*s", h ? (int)strcspn(h, "\r\n") : 0, h ? h : "");
    return v;
}

static long content_length(const struct vt_resp *r)
{
    const char *cl = vt_header(r, "Content-Length");
    assert_non_null(cl);
    return strtol(cl, NULL, 10);
}

static void test_gzip_when_accepted(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = get(f, "GET", "/page", "Accept-Encoding: gzip, deflate, br");
    assert_int_equal(r.status, 200);
    assert_non_null(vt_header(&r, "Content-Encoding"));
    assert_contains(vt_header(&r, "Content-Encoding"), "gzip");
    assert_contains(vt_header(&r, "Vary"), "Accept-Encoding");
    assert_int_equal(content_length(&r), (long)r.len);
    assert_true(r.len < strlen(page) / 3);
    size_t n;
    char *plain = gunzip(r.body, r.len, &n);
    assert_int_equal(n, strlen(page));
    assert_memory_equal(plain, page, n);
    free(plain);
    vt_resp_free(&r);
}

static void test_identity_otherwise(void **state)
{
    struct fixture *f = *state;
    const char *headers[] = {NULL, "Accept-Encoding: identity", "Accept-Encoding: gzip;q=0",
                             "Accept-Encoding: br", "Accept-Encoding: gzip;q=0, *;q=1",
                             "Accept-Encoding: gzip;q=bad"};
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        struct vt_resp r = get(f, "GET", "/page", headers[i]);
        assert_int_equal(r.status, 200);
        if (vt_header(&r, "Content-Encoding"))
            fail_msg("%s: Content-Encoding %s", headers[i] ? headers[i] : "(none)",
                     vt_header(&r, "Content-Encoding"));
        /* the identity answer still tells caches that it varies */
        assert_contains(vt_header(&r, "Vary"), "Accept-Encoding");
        assert_int_equal(r.len, strlen(page));
        assert_string_equal(r.body, page);
        vt_resp_free(&r);
    }
}

static void test_head_matches_get(void **state)
{
    struct fixture *f = *state;
    struct vt_resp g = get(f, "GET", "/page", "Accept-Encoding: gzip");
    struct vt_resp h = get(f, "HEAD", "/page", "Accept-Encoding: gzip");
    assert_int_equal(h.status, 200);
    assert_int_equal(h.len, 0);
    assert_contains(vt_header(&h, "Content-Encoding"), "gzip");
    assert_int_equal(content_length(&h), content_length(&g));
    assert_int_equal(content_length(&g), (long)g.len);
    vt_resp_free(&g);
    vt_resp_free(&h);
}

static void test_images_not_compressed(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = get(f, "GET", "/image", "Accept-Encoding: gzip");
    assert_int_equal(r.status, 200);
    assert_null(vt_header(&r, "Content-Encoding"));
    assert_null(vt_header(&r, "Vary"));
    assert_int_equal(r.len, strlen(page));
    vt_resp_free(&r);
}

/* The gzip variant has its own ETag, and a client holding either gets a
 * 304 that names the variant it asked for. */
static void test_etag_per_variant(void **state)
{
    struct fixture *f = *state;
    struct vt_resp plain = get(f, "GET", "/tagged", NULL);
    struct vt_resp gz = get(f, "GET", "/tagged", "Accept-Encoding: gzip");
    assert_string_equal(value(&plain, "ETag"), "\"abc123\"");
    assert_string_equal(value(&gz, "ETag"), "\"abc123-gz\"");
    assert_contains(vt_header(&gz, "Content-Encoding"), "gzip");
    vt_resp_free(&plain);
    vt_resp_free(&gz);

    char url[256];
    snprintf(url, sizeof url, "%s/tagged", f->base);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    struct curl_slist *hl = curl_slist_append(NULL, "Accept-Encoding: gzip");
    hl = curl_slist_append(hl, "If-None-Match: \"abc123-gz\"");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "GET");
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    assert_int_equal(status, 304);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);

    /* the identity tag from a cache, asked without gzip: 304 as before */
    struct vt_resp r = get(f, "GET", "/tagged", "If-None-Match: \"abc123\"");
    assert_int_equal(r.status, 304);
    assert_string_equal(value(&r, "ETag"), "\"abc123\"");
    vt_resp_free(&r);
    /* the gzip tag, asked without gzip: same content, 304 with the identity tag */
    r = get(f, "GET", "/tagged", "If-None-Match: \"abc123-gz\"");
    assert_int_equal(r.status, 304);
    assert_string_equal(value(&r, "ETag"), "\"abc123\"");
    vt_resp_free(&r);
    /* another tag: the whole body */
    r = get(f, "GET", "/tagged", "If-None-Match: \"abc12\"");
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
}

/* An ETag the handler sets itself names a version for If-Match: the server
 * must not change it, so that response goes uncompressed. */
static void test_handler_etag_kept(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = get(f, "GET", "/versioned", "Accept-Encoding: gzip");
    assert_int_equal(r.status, 200);
    assert_string_equal(value(&r, "ETag"), "\"e1v2\"");
    assert_null(vt_header(&r, "Content-Encoding"));
    assert_string_equal(r.body, page);
    vt_resp_free(&r);
}

/* The not-found page the server makes is text too. */
static void test_error_pages_compressed(void **state)
{
    struct fixture *f = *state;
    struct vt_resp r = get(f, "GET", "/nowhere", "Accept-Encoding: gzip");
    assert_int_equal(r.status, 404);
    assert_contains(vt_header(&r, "Content-Encoding"), "gzip");
    size_t n;
    char *plain = gunzip(r.body, r.len, &n);
    assert_contains(plain, "not found");
    free(plain);
    vt_resp_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_encoding_q),
        cmocka_unit_test(test_accepts_gzip),
        cmocka_unit_test(test_compressible_types),
        cmocka_unit_test_setup_teardown(test_gzip_when_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_otherwise, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_matches_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_images_not_compressed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_etag_per_variant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handler_etag_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_pages_compressed, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
