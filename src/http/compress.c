/* Accept-Encoding (RFC 9110, 12.5.3) and gzip through zlib. The parser
 * works on the bytes given, never past n, and allocates nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "http/compress.h"
#include "core/text.h"
#include "core/banned.h"

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* The q of one list member s[0, n) ("gzip;q=0.5"), -1 when malformed; its
 * coding's bounds in *cb, *ce. */
static int member_q(const char *s, size_t n, size_t *cb, size_t *ce)
{
    size_t i = 0;
    while (i < n && is_ows(s[i]))
        i++;
    *cb = i;
    while (i < n && s[i] != ';' && !is_ows(s[i]))
        i++;
    *ce = i;
    int q = 1000;
    while (i < n) {
        while (i < n && is_ows(s[i]))
            i++;
        if (i == n)
            break;
        if (s[i] != ';')
            return -1;
        i++;
        while (i < n && is_ows(s[i]))
            i++;
        size_t pb = i;
        while (i < n && s[i] != ';' && !is_ows(s[i]))
            i++;
        /* only q is defined for Accept-Encoding; other parameters are let be */
        if (i - pb >= 2 && (s[pb] == 'q' || s[pb] == 'Q') && s[pb + 1] == '=') {
            q = vcm_qvalue(s + pb + 2, i - pb - 2);
            if (q < 0)
                return -1;
        }
    }
    return q;
}

int vcm_accept_encoding_q(const char *s, size_t n, const char *coding)
{
    size_t clen = strlen(coding);
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && s[end] != ',')
            end++;
        size_t cb, ce;
        int q = member_q(s + i, end - i, &cb, &ce);
        if (q >= 0 && ce - cb == clen && strncasecmp(s + i + cb, coding, clen) == 0)
            return q;
        i = end + 1;
    }
    return -1;
}

bool vcm_accepts_gzip(const char *value)
{
    if (!value)
        return false;
    size_t n = strlen(value);
    int gz = vcm_accept_encoding_q(value, n, "gzip");
    if (gz < 0)
        gz = vcm_accept_encoding_q(value, n, "x-gzip");
    if (gz >= 0)
        return gz > 0;
    return vcm_accept_encoding_q(value, n, "*") > 0;
}

static bool starts(const char *s, size_t n, const char *prefix)
{
    size_t p = strlen(prefix);
    return n >= p && strncasecmp(s, prefix, p) == 0;
}

static bool ends(const char *s, size_t n, const char *suffix)
{
    size_t p = strlen(suffix);
    return n >= p && strncasecmp(s + n - p, suffix, p) == 0;
}

bool vcm_compressible_type(const char *content_type)
{
    if (!content_type)
        return true;
    size_t n = strcspn(content_type, ";");
    while (n > 0 && is_ows(content_type[n - 1]))
        n--;
    const char *t = content_type;
    if (starts(t, n, "text/"))
        return true;
    static const char *const exact[] = {"application/json", "application/javascript",
                                        "application/xml", "image/svg+xml"};
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (n == strlen(exact[i]) && strncasecmp(t, exact[i], n) == 0)
            return true;
    /* application/ld+json, problem+json, atom+xml, rss+xml and the like */
    return starts(t, n, "application/") && (ends(t, n, "+json") || ends(t, n, "+xml"));
}

int vcm_gzip(const void *in, size_t n, char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    /* bodies are capped far below this; it keeps every size in a uInt */
    if (n > (size_t)1 << 30)
        return -1;
    z_stream z;
    memset(&z, 0, sizeof z);
    /* windowBits 15 + 16: a gzip wrapper instead of zlib's own */
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    int rc = -1;
    /* deflateBound is for the zlib wrapper; gzip's header and trailer are
     * 18 bytes against its 6 */
    size_t cap = deflateBound(&z, (uLong)n) + 32;
    char *buf = malloc(cap);
    if (!buf)
        goto out;
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        goto out;
    *out = buf;
    *outlen = cap - z.avail_out;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    deflateEnd(&z);
    return rc;
}
