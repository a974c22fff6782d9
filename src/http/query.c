#include "http/query.h"

#include <string.h>

#include "core/text.h"

#include "core/banned.h"

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int vcm_pct_decode(const char *s, size_t n, char *out, size_t *outlen, bool plus)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (n - i < 3)
                return -1;
            int h = hexval((unsigned char)s[i + 1]), l = hexval((unsigned char)s[i + 2]);
            if (h < 0 || l < 0)
                return -1;
            out[o++] = (char)(h << 4 | l);
            i += 2;
        } else if (c == '+' && plus) {
            out[o++] = ' ';
        } else {
            out[o++] = (char)c;
        }
    }
    *outlen = o;
    return 0;
}

char *vcm_pct_decode_dup(vcm_arena *a, const char *s, size_t n, bool plus, bool *oom)
{
    if (oom)
        *oom = false;
    char *out = vcm_arena_alloc(a, n + 1);
    if (!out) {
        if (oom)
            *oom = true;
        return NULL;
    }
    size_t len;
    if (vcm_pct_decode(s, n, out, &len, plus) < 0 || !vcm_utf8_valid(out, len))
        return NULL;
    out[len] = '\0';
    return out;
}

int vcm_query_parse(vcm_arena *a, const char *s, size_t n, vcm_query *q)
{
    int rc = -1;
    q->pairs = NULL;
    q->n = 0;
    q->bad = false;
    /* One pass to size the array, so the pairs are one allocation. */
    size_t max = 1;
    for (size_t i = 0; i < n; i++)
        max += s[i] == '&';
    if (max > (size_t)1 << 30)
        goto out;
    q->pairs = vcm_arena_alloc(a, max * sizeof *q->pairs);
    if (!q->pairs)
        goto out;
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        if (end > i) {
            const char *eq = memchr(s + i, '=', end - i);
            size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
            const char *v = eq ? eq + 1 : s + end;
            size_t vlen = (size_t)(s + end - v);
            bool oom;
            char *name = vcm_pct_decode_dup(a, s + i, klen, true, &oom);
            if (oom)
                goto out;
            char *value = name ? vcm_pct_decode_dup(a, v, vlen, true, &oom) : NULL;
            if (oom)
                goto out;
            if (name && value) {
                q->pairs[q->n].name = name;
                q->pairs[q->n].value = value;
                q->n++;
            } else {
                q->bad = true;
            }
        }
        i = end + 1;
    }
    rc = 0;
out:
    if (rc < 0) {
        q->pairs = NULL;
        q->n = 0;
        q->bad = true;
    }
    return rc;
}
