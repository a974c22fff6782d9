/* Router, percent-decoding, query parsing and the request/response helpers
 * that need no server. */
#include "testutil.h"

#include "core/log.h"
#include "http/http_int.h" /* to see the headers a response holds */
#include "http/query.h"
#include "http/req.h"
#include "http/router.h"

static int h_new(vcm_req *q, vcm_resp *r) { (void)q; (void)r; return 0; }
static int h_obj(vcm_req *q, vcm_resp *r) { (void)q; (void)r; return 0; }
static int h_post(vcm_req *q, vcm_resp *r) { (void)q; (void)r; return 0; }
static int h_head(vcm_req *q, vcm_resp *r) { (void)q; (void)r; return 0; }
static int h_static(vcm_req *q, vcm_resp *r) { (void)q; (void)r; return 0; }
static int h_robots(vcm_req *q, vcm_resp *r) { (void)q; (void)r; return 0; }
static int h_a(vcm_req *q, vcm_resp *r) { (void)q; (void)r; return 0; }
static int h_b(vcm_req *q, vcm_resp *r) { (void)q; (void)r; return 0; }
static int h_root(vcm_req *q, vcm_resp *r) { (void)q; (void)r; return 0; }
static int h_slash(vcm_req *q, vcm_resp *r) { (void)q; (void)r; return 0; }
static int h_museum(vcm_req *q, vcm_resp *r) { (void)q; (void)r; return 0; }

struct fixture {
    vcm_router *r;
    vcm_arena a;
};

static int setup(void **state)
{
    vcm_log_set_level(VCM_LOG_OFF); /* the rejected routes below log errors */
    struct fixture *f = calloc(1, sizeof *f);
    f->r = vcm_router_new();
    vcm_arena_init(&f->a, 1 << 20);
    assert_int_equal(vcm_router_add(f->r, "GET", "/", h_root), 0);
    assert_int_equal(vcm_router_add(f->r, "GET", "/objects/new", h_new), 0);
    assert_int_equal(vcm_router_add(f->r, "GET", "/objects/{id}", h_obj), 0);
    assert_int_equal(vcm_router_add_action(f->r, "POST", "/objects/{key}", h_post, "object.edit"), 0);
    assert_int_equal(vcm_router_add(f->r, "GET", "/api/v1/museums/{id}", h_museum), 0);
    assert_int_equal(vcm_router_add(f->r, "GET", "/static/{*path}", h_static), 0);
    assert_int_equal(vcm_router_add(f->r, "GET", "/static/robots.txt", h_robots), 0);
    assert_int_equal(vcm_router_add(f->r, "GET", "/a/{x}/c", h_a), 0);
    assert_int_equal(vcm_router_add(f->r, "GET", "/a/b/d", h_b), 0);
    assert_int_equal(vcm_router_add(f->r, "GET", "/pages/", h_slash), 0);
    assert_int_equal(vcm_router_add(f->r, "GET", "/heads/{id}", h_obj), 0);
    assert_int_equal(vcm_router_add(f->r, "HEAD", "/heads/{id}", h_head), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    vcm_router_free(f->r);
    vcm_arena_release(&f->a);
    free(f);
    return 0;
}

static enum vcm_route_status match(struct fixture *f, const char *method, const char *path,
                                   vcm_route *out)
{
    return vcm_router_match(f->r, &f->a, method, path, strlen(path), out);
}

static void test_literal_preferred_over_param(void **state)
{
    struct fixture *f = *state;
    vcm_route m;
    assert_int_equal(match(f, "GET", "/objects/new", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_new);
    assert_int_equal(m.nparams, 0);
    assert_int_equal(match(f, "GET", "/objects/42", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_obj);
    assert_int_equal(m.nparams, 1);
    assert_string_equal(m.param_names[0], "id");
    assert_string_equal(m.params[0], "42");
    assert_string_equal(m.pattern, "/objects/{id}");
    assert_int_equal(match(f, "GET", "/api/v1/museums/rijks", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_museum);
    assert_string_equal(m.params[0], "rijks");
    assert_int_equal(match(f, "GET", "/", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_root);
}

static void test_backtracks_from_dead_literal(void **state)
{
    struct fixture *f = *state;
    vcm_route m;
    /* "b" is a literal child of /a, but /a/b has no "c": the {x} branch wins. */
    assert_int_equal(match(f, "GET", "/a/b/c", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_a);
    assert_string_equal(m.params[0], "b");
    assert_int_equal(match(f, "GET", "/a/b/d", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_b);
    assert_int_equal(m.nparams, 0);
    assert_int_equal(match(f, "GET", "/a/z/d", &m), VCM_ROUTE_NOT_FOUND);
}

static void test_rest_parameter(void **state)
{
    struct fixture *f = *state;
    vcm_route m;
    assert_int_equal(match(f, "GET", "/static/css/site.css", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_static);
    assert_string_equal(m.param_names[0], "path");
    assert_string_equal(m.params[0], "css/site.css");
    assert_int_equal(match(f, "GET", "/static/robots.txt", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_robots);
    assert_int_equal(match(f, "GET", "/static/img/a%20b.png", &m), VCM_ROUTE_FOUND);
    assert_string_equal(m.params[0], "img/a b.png");
    /* The rest is never empty. */
    assert_int_equal(match(f, "GET", "/static/", &m), VCM_ROUTE_NOT_FOUND);
    assert_int_equal(match(f, "GET", "/static", &m), VCM_ROUTE_NOT_FOUND);
    /* Encoded slashes and dots cannot climb out once decoded. */
    assert_int_equal(match(f, "GET", "/static/a%2F..%2F..%2Fetc%2Fpasswd", &m),
                     VCM_ROUTE_NOT_FOUND);
    assert_int_equal(match(f, "GET", "/static/%2Fetc%2Fpasswd", &m), VCM_ROUTE_NOT_FOUND);
    assert_int_equal(match(f, "GET", "/static/css/", &m), VCM_ROUTE_NOT_FOUND);
}

static void test_method_not_allowed(void **state)
{
    struct fixture *f = *state;
    vcm_route m;
    assert_int_equal(match(f, "DELETE", "/objects/5", &m), VCM_ROUTE_NOT_ALLOWED);
    assert_null(m.handler);
    assert_non_null(m.allow);
    assert_contains(m.allow, "GET");
    assert_contains(m.allow, "HEAD");
    assert_contains(m.allow, "POST");
    assert_not_contains(m.allow, "DELETE");
    /* The literal /objects/new only has GET, but {key} answers POST there. */
    assert_int_equal(match(f, "POST", "/objects/new", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_post);
    assert_string_equal(m.param_names[0], "key");
    assert_string_equal(m.params[0], "new");
    assert_int_equal(match(f, "PUT", "/static/x.css", &m), VCM_ROUTE_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET, HEAD");
    /* No route at all for the path: 404, not 405. */
    assert_int_equal(match(f, "DELETE", "/nowhere", &m), VCM_ROUTE_NOT_FOUND);
    assert_null(m.allow);
}

static void test_head_matches_get(void **state)
{
    struct fixture *f = *state;
    vcm_route m;
    assert_int_equal(match(f, "HEAD", "/objects/7", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_obj);
    assert_string_equal(m.params[0], "7");
    assert_int_equal(match(f, "HEAD", "/heads/7", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_head);
    /* GET is not answered by a HEAD route. */
    assert_int_equal(match(f, "GET", "/heads/7", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_obj);
    /* Methods are case-sensitive. */
    assert_int_equal(match(f, "get", "/objects/7", &m), VCM_ROUTE_NOT_ALLOWED);
}

static void test_percent_decoding(void **state)
{
    struct fixture *f = *state;
    vcm_route m;
    assert_int_equal(match(f, "GET", "/objects/caf%C3%A9", &m), VCM_ROUTE_FOUND);
    assert_string_equal(m.params[0], "caf\xC3\xA9");
    assert_int_equal(match(f, "GET", "/objects/caf%c3%a9", &m), VCM_ROUTE_FOUND);
    assert_string_equal(m.params[0], "caf\xC3\xA9");
    /* '+' is a plus in a path. */
    assert_int_equal(match(f, "GET", "/objects/a+b", &m), VCM_ROUTE_FOUND);
    assert_string_equal(m.params[0], "a+b");
    /* Decoded once only. */
    assert_int_equal(match(f, "GET", "/objects/a%252Fb", &m), VCM_ROUTE_FOUND);
    assert_string_equal(m.params[0], "a%2Fb");
    /* An encoded slash stays inside the one parameter. */
    assert_int_equal(match(f, "GET", "/objects/a%2Fb", &m), VCM_ROUTE_FOUND);
    assert_string_equal(m.params[0], "a/b");
    /* Raw UTF-8 from a lax client is fine when valid. */
    assert_int_equal(match(f, "GET", "/objects/\xE2\x82\xAC", &m), VCM_ROUTE_FOUND);
    assert_string_equal(m.params[0], "\xE2\x82\xAC");
}

static void test_bad_parameters(void **state)
{
    struct fixture *f = *state;
    vcm_route m;
    assert_int_equal(match(f, "GET", "/objects/%00", &m), VCM_ROUTE_BAD_REQUEST);
    assert_int_equal(match(f, "GET", "/objects/a%00b", &m), VCM_ROUTE_BAD_REQUEST);
    assert_int_equal(match(f, "GET", "/objects/%C3", &m), VCM_ROUTE_BAD_REQUEST);
    assert_int_equal(match(f, "GET", "/objects/%FF", &m), VCM_ROUTE_BAD_REQUEST);
    assert_int_equal(match(f, "GET", "/objects/%C0%AF", &m), VCM_ROUTE_BAD_REQUEST);
    assert_int_equal(match(f, "GET", "/objects/%ED%A0%80", &m), VCM_ROUTE_BAD_REQUEST);
    assert_int_equal(match(f, "GET", "/objects/%ZZ", &m), VCM_ROUTE_BAD_REQUEST);
    assert_int_equal(match(f, "GET", "/objects/%4", &m), VCM_ROUTE_BAD_REQUEST);
    assert_int_equal(match(f, "GET", "/objects/abc%", &m), VCM_ROUTE_BAD_REQUEST);
    assert_int_equal(match(f, "GET", "/objects/\xFF", &m), VCM_ROUTE_BAD_REQUEST);
    assert_int_equal(match(f, "GET", "/static/a/%FF.css", &m), VCM_ROUTE_BAD_REQUEST);
}

static void test_traversal_not_matched(void **state)
{
    struct fixture *f = *state;
    vcm_route m;
    const char *bad[] = {
        "/objects//5", "//objects/5", "/objects/./5", "/objects/../objects/5",
        "/objects/..", "/objects/.", "/objects/%2e%2e", "/objects/%2E", "/objects/.%2e",
        "/static/../etc/passwd", "/static/css/../../x", "/static//x", "/static/./x",
        "/static/%2e%2e/x", "", "objects/5", "*",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (match(f, "GET", bad[i], &m) != VCM_ROUTE_NOT_FOUND)
            fail_msg("'%s' should not match", bad[i]);
    /* Dots inside a segment are ordinary. */
    assert_int_equal(match(f, "GET", "/objects/...", &m), VCM_ROUTE_FOUND);
    assert_int_equal(match(f, "GET", "/objects/a..b", &m), VCM_ROUTE_FOUND);
    assert_int_equal(match(f, "GET", "/static/.well-known/x", &m), VCM_ROUTE_FOUND);
    assert_string_equal(m.params[0], ".well-known/x");
}

static void test_trailing_slash(void **state)
{
    struct fixture *f = *state;
    vcm_route m;
    assert_int_equal(match(f, "GET", "/objects/", &m), VCM_ROUTE_NOT_FOUND);
    assert_int_equal(match(f, "GET", "/pages/", &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_slash);
    assert_int_equal(match(f, "GET", "/pages", &m), VCM_ROUTE_NOT_FOUND);
    assert_int_equal(match(f, "GET", "/objects/5/", &m), VCM_ROUTE_NOT_FOUND);
}

/* A route that changes state cannot be added without naming its action;
 * the action reaches the match, and the router lists every route. */
static void test_writing_routes_name_their_action(void **state)
{
    (void)state;
    vcm_router *r = vcm_router_new();
    static const char *const writes[] = {"POST", "PUT", "PATCH", "DELETE"};
    for (size_t i = 0; i < 4; i++) {
        if (vcm_router_add(r, writes[i], "/w", h_a) != -1)
            fail_msg("%s without an action should be refused", writes[i]);
        if (vcm_router_add_action(r, writes[i], "/w", h_a, "") != -1)
            fail_msg("%s with an empty action should be refused", writes[i]);
        assert_true(vcm_router_method_writes(writes[i]));
    }
    assert_false(vcm_router_method_writes("GET"));
    assert_int_equal(vcm_router_routes(r, 0, NULL, NULL, NULL), 0);
    assert_int_equal(vcm_router_add(r, "GET", "/w", h_a), 0);
    assert_int_equal(vcm_router_add_action(r, "POST", "/w", h_b, "w.change"), 0);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_route m;
    assert_int_equal(vcm_router_match(r, &a, "POST", "/w", 2, &m), VCM_ROUTE_FOUND);
    assert_string_equal(m.action, "w.change");
    assert_int_equal(vcm_router_match(r, &a, "GET", "/w", 2, &m), VCM_ROUTE_FOUND);
    assert_null(m.action);
    const char *method, *pattern, *action;
    assert_int_equal(vcm_router_routes(r, 1, &method, &pattern, &action), 2);
    assert_string_equal(method, "POST");
    assert_string_equal(pattern, "/w");
    assert_string_equal(action, "w.change");
    vcm_arena_release(&a);
    vcm_router_free(r);
}

static void test_bad_routes_rejected(void **state)
{
    (void)state;
    vcm_router *r = vcm_router_new();
    const char *bad[] = {
        "objects", "/a//b", "/a/{", "/a/{}", "/a/{*}", "/a/x{id}", "/a/{id}x", "/{*rest}/x",
        "/a/%20", "/a/..", "/a/.", "/a/{i-d}", "/a/b c", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (vcm_router_add(r, "GET", bad[i], h_a) != -1)
            fail_msg("pattern '%s' should be refused", bad[i]);
    assert_int_equal(vcm_router_add(r, "GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{*h}", h_a), 0);
    assert_int_equal(vcm_router_add(r, "GET", "/x/{id}", h_a), 0);
    assert_int_equal(vcm_router_add(r, "GET", "/x/{other}", h_b), -1); /* same route twice */
    assert_int_equal(vcm_router_add(r, "G T", "/y", h_a), -1);
    assert_int_equal(vcm_router_add(r, "", "/y", h_a), -1);
    assert_int_equal(vcm_router_add(r, "GET", "/y", NULL), -1);
    /* Refused routes left nothing behind that could match. */
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_route m;
    assert_int_equal(vcm_router_match(r, &a, "GET", "/a/x", 4, &m), VCM_ROUTE_NOT_FOUND);
    assert_int_equal(vcm_router_match(r, &a, "GET", "/1/2/3/4/5/6/7/8/9", 18, &m),
                     VCM_ROUTE_FOUND);
    assert_int_equal(m.nparams, 8);
    assert_string_equal(m.param_names[7], "h");
    assert_string_equal(m.params[7], "8/9");
    assert_int_equal(vcm_router_match(r, &a, "GET", "/x/1", 4, &m), VCM_ROUTE_FOUND);
    assert_ptr_equal(m.handler, h_a);
    vcm_arena_release(&a);
    vcm_router_free(r);
}

static void test_no_memory(void **state)
{
    struct fixture *f = *state;
    vcm_arena tiny;
    vcm_arena_init(&tiny, 16);
    vcm_route m;
    char path[200] = "/objects/";
    memset(path + 9, 'x', 100);
    path[109] = '\0';
    assert_int_equal(vcm_router_match(f->r, &tiny, "GET", path, strlen(path), &m),
                     VCM_ROUTE_NO_MEMORY);
    vcm_arena_release(&tiny);
}

/* ---- decoding and the query string ---- */

static void test_pct_decode(void **state)
{
    (void)state;
    char out[64];
    size_t n;
    assert_int_equal(vcm_pct_decode("a%41%6a+b", 9, out, &n, true), 0);
    assert_int_equal(n, 5);
    assert_memory_equal(out, "aAj b", 5);
    assert_int_equal(vcm_pct_decode("a+b", 3, out, &n, false), 0);
    assert_memory_equal(out, "a+b", 3);
    assert_int_equal(vcm_pct_decode("%00", 3, out, &n, false), 0);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 0);
    assert_int_equal(vcm_pct_decode("%", 1, out, &n, false), -1);
    assert_int_equal(vcm_pct_decode("%a", 2, out, &n, false), -1);
    assert_int_equal(vcm_pct_decode("%ag", 3, out, &n, false), -1);
    assert_int_equal(vcm_pct_decode("%g0", 3, out, &n, false), -1);
    /* n bounds the input: the escape is cut short even if bytes follow. */
    assert_int_equal(vcm_pct_decode("%41", 2, out, &n, false), -1);
}

static vcm_req make_req(vcm_arena *a, const char *query)
{
    vcm_req r = {0};
    r.arena = a;
    r.method = "GET";
    r.path = "/";
    r.query = query;
    return r;
}

static void test_query_repeated_and_plus(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_query q;
    assert_int_equal(vcm_query_parse(&a, "a=1&b=x+y&a=2&&c&a=%2B3&=e", 26, &q), 0);
    assert_false(q.bad);
    assert_int_equal(q.n, 6);
    assert_string_equal(q.pairs[0].name, "a");
    assert_string_equal(q.pairs[0].value, "1");
    assert_string_equal(q.pairs[1].value, "x y");
    assert_string_equal(q.pairs[3].name, "c");
    assert_string_equal(q.pairs[3].value, "");
    assert_string_equal(q.pairs[4].value, "+3");
    assert_string_equal(q.pairs[5].name, "");
    assert_string_equal(q.pairs[5].value, "e");

    vcm_req r = make_req(&a, "q=caf%C3%A9+mus%C3%A9e&facet=type%3Apainting&facet=century%3A17&n=");
    assert_string_equal(vcm_req_query_get(&r, "q"), "caf\xC3\xA9 mus\xC3\xA9" "e");
    const char *vals[4];
    assert_int_equal(vcm_req_query_all(&r, "facet", vals, 4), 2);
    assert_string_equal(vals[0], "type:painting");
    assert_string_equal(vals[1], "century:17");
    assert_int_equal(vcm_req_query_all(&r, "facet", vals, 1), 1);
    assert_string_equal(vals[0], "type:painting");
    assert_int_equal(vcm_req_query_all(&r, "none", vals, 4), 0);
    assert_string_equal(vcm_req_query_get(&r, "n"), "");
    assert_null(vcm_req_query_get(&r, "missing"));
    assert_null(vcm_req_query_get(&r, "Q")); /* names are case-sensitive */
    assert_false(vcm_req_bad_query(&r));

    vcm_req empty = make_req(&a, "");
    assert_null(vcm_req_query_get(&empty, "a"));
    assert_false(vcm_req_bad_query(&empty));
    vcm_req none = make_req(&a, NULL);
    assert_null(vcm_req_query_get(&none, "a"));
    vcm_arena_release(&a);
}

static void test_query_bad_escapes_and_utf8(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    const char *cases[] = {
        "a=%zz&b=1", "a=%4&b=1", "a=%&b=1", "a=%FF&b=1", "a=%C3%28&b=1", "a=%C0%AF&b=1",
        "a=x%00y&b=1", "a=%ED%A0%80&b=1", "a=\xFF&b=1", "%zz=1&a=2&b=1",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vcm_req r = make_req(&a, cases[i]);
        if (!vcm_req_bad_query(&r))
            fail_msg("'%s' should be flagged", cases[i]);
        /* The good neighbour survives. */
        assert_string_equal(vcm_req_query_get(&r, "b"), "1");
        if (i + 1 < sizeof cases / sizeof cases[0] && vcm_req_query_get(&r, "a"))
            fail_msg("'%s': a should be absent", cases[i]);
    }
    /* In the last case the bad one is the name; a=2 is fine. */
    vcm_req r = make_req(&a, cases[sizeof cases / sizeof cases[0] - 1]);
    assert_string_equal(vcm_req_query_get(&r, "a"), "2");
    vcm_arena_release(&a);
}

static void test_query_arena_exhausted(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 32);
    vcm_query q;
    assert_int_equal(vcm_query_parse(&a, "aaaaaaaaaa=bbbbbbbbbbbbbbbbbbbbbbbbbb&c=d", 41, &q), -1);
    assert_true(q.bad);
    assert_int_equal(q.n, 0);
    vcm_arena_release(&a);
}

/* ---- response helpers ---- */

static void test_resp_header_rejects_injection(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_req req = make_req(&a, "");
    vcm_resp resp;
    vcm_resp_init(&resp);
    assert_int_equal(resp.status, 200);
    assert_int_equal(vcm_resp_header(&resp, &req, "X-Ok", "fine\tvalue"), 0);
    assert_int_equal(vcm_resp_header(&resp, &req, "X-Bad", "a\r\nSet-Cookie: x=1"), -1);
    assert_int_equal(vcm_resp_header(&resp, &req, "X-Bad", "a\nb"), -1);
    assert_int_equal(vcm_resp_header(&resp, &req, "X-Bad", "a\rb"), -1);
    assert_int_equal(vcm_resp_header(&resp, &req, "X-Bad\r\nY", "v"), -1);
    assert_int_equal(vcm_resp_header(&resp, &req, "X Bad", "v"), -1);
    assert_int_equal(vcm_resp_header(&resp, &req, "X:Bad", "v"), -1);
    assert_int_equal(vcm_resp_header(&resp, &req, "", "v"), -1);
    assert_int_equal(vcm_resp_header(&resp, &req, "content-length", "5"), -1);
    assert_int_equal(vcm_resp_header(&resp, &req, "Transfer-Encoding", "chunked"), -1);
    assert_int_equal(vcm_resp_header(&resp, &req, "Connection", "close"), -1);
    assert_int_equal(vcm_resp_header(&resp, &req, "content-type", "application/json"), 0);
    assert_string_equal(resp.content_type, "application/json");
    assert_int_equal(vcm_resp_header(&resp, &req, "Vary", "Accept"), 0);
    /* Exactly the two good headers, in order. */
    const struct vcm_resp_hdr *h = resp.hdrs_;
    assert_non_null(h);
    assert_string_equal(h->name, "X-Ok");
    assert_string_equal(h->next->name, "Vary");
    assert_null(h->next->next);
    vcm_resp_release(&resp);
    vcm_arena_release(&a);
}

static void test_etag_without_server(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_req req = make_req(&a, "");
    vcm_resp resp;
    vcm_resp_init(&resp);
    assert_false(vcm_resp_etag(&resp, &req, "with\"quote"));
    assert_false(vcm_resp_etag(&resp, &req, "with space"));
    assert_false(vcm_resp_etag(&resp, &req, ""));
    assert_null(resp.hdrs_);
    /* No If-None-Match outside the server: set, not matched. */
    assert_false(vcm_resp_etag(&resp, &req, "v1-abc"));
    const struct vcm_resp_hdr *h = resp.hdrs_;
    assert_non_null(h);
    assert_string_equal(h->name, "ETag");
    assert_string_equal(h->value, "\"v1-abc\"");
    vcm_resp_release(&resp);
    vcm_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_literal_preferred_over_param, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backtracks_from_dead_literal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rest_parameter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_method_not_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_matches_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_percent_decoding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_traversal_not_matched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trailing_slash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_memory, setup, teardown),
        cmocka_unit_test(test_bad_routes_rejected),
        cmocka_unit_test(test_writing_routes_name_their_action),
        cmocka_unit_test(test_pct_decode),
        cmocka_unit_test(test_query_repeated_and_plus),
        cmocka_unit_test(test_query_bad_escapes_and_utf8),
        cmocka_unit_test(test_query_arena_exhausted),
        cmocka_unit_test(test_resp_header_rejects_injection),
        cmocka_unit_test(test_etag_without_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
