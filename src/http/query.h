/* Percent-decoding and query-string parsing: pure functions over outside
 * input, shared by the router and the request helpers, unit-tested in
 * tests/http/test_router.c and fuzzed by fuzz/router.c. */
#ifndef VCM_HTTP_QUERY_H
#define VCM_HTTP_QUERY_H
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

/* Decodes n bytes of s into out, which has room for n bytes (decoding never
 * grows): %XX escapes (either case) and, when plus is true, '+' as a space.
 * Stores the decoded length in *outlen. Returns -1 for a '%' not followed by
 * two hex digits; out is then unspecified. The result may hold NUL bytes or
 * invalid UTF-8: callers check. */
int vcm_pct_decode(const char *s, size_t n, char *out, size_t *outlen, bool plus);

/* Decodes s into a NUL-terminated copy in a, or returns NULL when s has a bad
 * escape, decodes to invalid UTF-8 or to a NUL, or the arena is exhausted
 * (*oom tells the last case apart; oom may be NULL). */
char *vcm_pct_decode_dup(vcm_arena *a, const char *s, size_t n, bool plus, bool *oom);

typedef struct vcm_query_pair {
    const char *name, *value; /* decoded, NUL-terminated, valid UTF-8 */
} vcm_query_pair;

typedef struct vcm_query {
    vcm_query_pair *pairs; /* in the order of the query string */
    int n;
    bool bad; /* some pair was dropped: bad escape or invalid UTF-8 */
} vcm_query;

/* Parses a raw query string (the part after '?', n bytes) into q, allocating
 * from a. Pairs are separated by '&'; a pair without '=' has the value "";
 * empty pairs ("a=1&&b=2") are skipped. A pair whose name or value does not
 * decode to valid UTF-8 without NUL is left out and q->bad is set. Returns 0,
 * or -1 when the arena is exhausted (q is then empty and q->bad set). */
int vcm_query_parse(vcm_arena *a, const char *s, size_t n, vcm_query *q);
#endif
