/* Cookies: the Cookie request header parsed (pure, unit-tested in
 * tests/http/test_cookie.c, fuzzed by fuzz/cookie.c) and Set-Cookie made.
 *
 * Parsing follows RFC 6265 section 5.4 as browsers send it, leniently:
 * pairs are separated by ';', spaces around names and values are dropped,
 * a value in double quotes loses its quotes. A pair without '=', with an
 * empty name, a name that is not an HTTP token, or a value holding a
 * control character, a space inside, a '"' (outside the quotes), ',' or
 * '\\' is skipped. Values are not percent-decoded: VCM's own are hex. */
#ifndef VCM_HTTP_COOKIE_H
#define VCM_HTTP_COOKIE_H
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "http/query.h"
#include "http/req.h"

#define VCM_COOKIE_MAX 64 /* pairs kept from one request; the rest are ignored */

/* Parses n bytes of a Cookie header into up to max pairs (names and values
 * copied into a); returns how many it stored, or -1 when a is exhausted. */
int vcm_cookie_parse(vcm_arena *a, const char *s, size_t n, vcm_query_pair *out, int max);

/* The value of cookie name in the request's Cookie headers (the first one
 * sent when repeated), or NULL. */
const char *vcm_req_cookie(const vcm_req *req, const char *name);

/* Adds Set-Cookie: name=value; Path=/; Max-Age=max_age; HttpOnly;
 * SameSite=Lax, and Secure when secure. max_age 0 deletes the cookie
 * (Max-Age=0). name must be a token and value cookie-octets. Returns -1
 * (nothing added) otherwise. */
int vcm_resp_cookie(vcm_resp *resp, vcm_req *req, const char *name, const char *value,
                    long max_age, bool secure);
#endif
