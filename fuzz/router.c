/* libFuzzer driver for the outside-input parsers of src/http: the router's
 * path matching and percent-decoding, and the query-string parser. Beyond
 * "no crash", it checks what handlers rely on: every parameter and query
 * value handed out is valid UTF-8 without NUL, and a {*rest} value never
 * holds an empty, "." or ".." segment.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc \
 *     fuzz/router.c src/http/router.c src/http/query.c \
 *     src/core/arena.c src/core/buf.c src/core/log.c src/core/text.c \
 *     $(pkg-config --libs icu-uc icu-i18n) -o build/fuzz-router
 *   mkdir -p build/fuzz-corpus && build/fuzz-router -max_len=512 build/fuzz-corpus
 *
 * The first input byte picks the method; the rest is the request target,
 * split at the first '?' into path and query as the server does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/text.h"
#include "http/query.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int h(vcm_req *q, vcm_resp *r)
{
    (void)q;
    (void)r;
    return 0;
}

static vcm_router *router;

static void build(void)
{
    static const char *const routes[][2] = {
        {"GET", "/"}, {"GET", "/objects/new"}, {"GET", "/objects/{id}"},
        {"POST", "/objects/{key}"}, {"GET", "/api/v1/museums/{id}"},
        {"GET", "/api/v1/museums/{id}/objects/{oid}"}, {"GET", "/static/{*path}"},
        {"GET", "/static/robots.txt"}, {"GET", "/a/{x}/c"}, {"GET", "/a/b/d"},
        {"GET", "/pages/"}, {"DELETE", "/objects/{id}"}, {"GET", "/iiif/{id}/{*rest}"},
    };
    vcm_log_set_level(VCM_LOG_OFF);
    router = vcm_router_new();
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (vcm_router_add_action(router, routes[i][0], routes[i][1], h, "fuzz") < 0)
            abort();
}

static void check_value(const char *v)
{
    if (!v || !vcm_utf8_valid(v, strlen(v)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "HEAD", "POST", "DELETE", "PUT", "get"};
    if (!router)
        build();
    if (size < 1)
        return 0;
    const char *method = methods[data[0] % (sizeof methods / sizeof methods[0])];
    const char *target = (const char *)data + 1;
    size_t n = size - 1;
    const char *q = memchr(target, '?', n);
    size_t plen = q ? (size_t)(q - target) : n;

    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    vcm_route m;
    enum vcm_route_status st = vcm_router_match(router, &a, method, target, plen, &m);
    if (st == VCM_ROUTE_FOUND) {
        if (!m.handler || m.nparams < 0 || m.nparams > VCM_REQ_MAX_PARAMS)
            abort();
        for (int i = 0; i < m.nparams; i++)
            check_value(m.params[i]);
        if (m.nparams && strstr(m.pattern, "{*")) {
            const char *rest = m.params[m.nparams - 1];
            if (!*rest || rest[0] == '/' || strstr(rest, "//") || strstr(rest, "/./") ||
                strstr(rest, "/../") || strcmp(rest, ".") == 0 || strcmp(rest, "..") == 0 ||
                strncmp(rest, "./", 2) == 0 || strncmp(rest, "../", 3) == 0)
                abort();
        }
    } else if (st == VCM_ROUTE_NOT_ALLOWED) {
        if (!m.allow || !*m.allow)
            abort();
    }

    if (q) {
        vcm_query qs;
        if (vcm_query_parse(&a, q + 1, n - plen - 1, &qs) == 0)
            for (int i = 0; i < qs.n; i++) {
                check_value(qs.pairs[i].name);
                check_value(qs.pairs[i].value);
            }
    }
    vcm_arena_release(&a);
    return 0;
}
