#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "core/banned.h"

size_t vcm_utf8_check(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (c == 0)
                return i;
            i++;
            continue;
        }
        size_t len;
        unsigned cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return i;
        }
        if (n - i < len)
            return i;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += len;
    }
    return n;
}

bool vcm_utf8_valid(const char *s, size_t n)
{
    return vcm_utf8_check(s, n) == n;
}

size_t vcm_utf8_decode(const char *str, size_t n, unsigned *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0) {
        *cp = 0;
        return 0;
    }
    unsigned c = s[0];
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len > n)
        len = n;
    unsigned v = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; k++)
        v = (v << 6) | (s[k] & 0x3F);
    *cp = v;
    return len;
}

int vcm_utf8_put(vcm_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return -1;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else if (cp <= 0x10FFFF) {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    } else {
        return -1;
    }
    return vcm_buf_append(b, u, n);
}

/* Below U+0300 every text is already NFC: the common case costs one scan. */
static bool trivially_nfc(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0xCC) /* lead bytes of U+0300 and above */
            return false;
    }
    return true;
}

int vcm_utf8_nfc(vcm_buf *out, const char *s, size_t n)
{
    if (trivially_nfc(s, n))
        return vcm_buf_append(out, s, n);
    UErrorCode e = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
    if (U_FAILURE(e) || n > (1u << 28))
        return -1;
    int32_t ulen = 0;
    UChar stackbuf[512], *u = stackbuf, *heap = NULL, *norm = NULL;
    int rc = -1;
    e = U_ZERO_ERROR;
    u_strFromUTF8(u, 512, &ulen, s, (int32_t)n, &e);
    if (e == U_BUFFER_OVERFLOW_ERROR) {
        heap = malloc(((size_t)ulen + 1) * sizeof *heap);
        if (!heap)
            return -1;
        u = heap;
        e = U_ZERO_ERROR;
        u_strFromUTF8(u, ulen + 1, &ulen, s, (int32_t)n, &e);
    }
    if (U_FAILURE(e))
        goto out;
    if (unorm2_isNormalized(nfc, u, ulen, &e) && U_SUCCESS(e)) {
        rc = vcm_buf_append(out, s, n);
        goto out;
    }
    e = U_ZERO_ERROR;
    int32_t cap = ulen * 3 + 16, nlen;
    norm = malloc((size_t)cap * sizeof *norm);
    if (!norm)
        goto out;
    nlen = unorm2_normalize(nfc, u, ulen, norm, cap, &e);
    if (U_FAILURE(e))
        goto out;
    int32_t blen = 0;
    e = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &blen, norm, nlen, &e);
    if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
        goto out;
    if (vcm_buf_grow(out, (size_t)blen) < 0)
        goto out;
    e = U_ZERO_ERROR;
    u_strToUTF8(out->data + out->len, blen + 1, &blen, norm, nlen, &e);
    if (U_FAILURE(e))
        goto out;
    out->len += (size_t)blen;
    out->data[out->len] = '\0';
    rc = 0;
out:
    free(heap);
    free(norm);
    return rc;
}

static const struct {
    const char *name;
    unsigned cp;
} entities[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
    {"nbsp", 0xA0}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"hellip", 0x2026},
    {"eacute", 0xE9}, {"egrave", 0xE8}, {"aacute", 0xE1}, {"agrave", 0xE0},
    {"ouml", 0xF6}, {"uuml", 0xFC}, {"auml", 0xE4}, {"ccedil", 0xE7}, {"copy", 0xA9},
    {"reg", 0xAE}, {"deg", 0xB0}, {"times", 0xD7}, {"frac12", 0xBD}, {"frac14", 0xBC},
    {"frac34", 0xBE}, {"middot", 0xB7}, {"bull", 0x2022}, {"prime", 0x2032},
};

/* Reads a character reference at s ("&...;"); returns its length or 0. */
static size_t entity(const char *s, size_t n, unsigned *cp)
{
    size_t i = 1;
    if (n < 3)
        return 0;
    if (s[1] == '#') {
        unsigned long v = 0;
        int base = 10;
        i = 2;
        if (i < n && (s[i] == 'x' || s[i] == 'X')) {
            base = 16;
            i++;
        }
        size_t start = i;
        for (; i < n && i < start + 8; i++) {
            char c = s[i];
            int d = c >= '0' && c <= '9'               ? c - '0'
                    : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : base == 16 && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                         : -1;
            if (d < 0)
                break;
            v = v * (unsigned long)base + (unsigned long)d;
        }
        if (i == start || i >= n || s[i] != ';' || v == 0 || v > 0x10FFFF ||
            (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = (unsigned)v;
        return i + 1;
    }
    for (; i < n && i < 10 && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
                               (s[i] >= 'A' && s[i] <= 'Z'));
         i++)
        ;
    if (i >= n || s[i] != ';')
        return 0;
    for (size_t k = 0; k < sizeof entities / sizeof entities[0]; k++)
        if (strlen(entities[k].name) == i - 1 && memcmp(entities[k].name, s + 1, i - 1) == 0) {
            *cp = entities[k].cp;
            return i + 1;
        }
    return 0;
}

static bool is_space(unsigned cp)
{
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0 ||
           cp == 0x3000 || cp == 0x2009 || cp == 0x200A || cp == 0x202F;
}

int vcm_text_clean(vcm_buf *out, const char *s, size_t n, int flags)
{
    vcm_buf tmp;
    vcm_buf_init(&tmp, out->max);
    int pending_space = 0, pending_lines = 0, rc = -1;
    size_t i = 0;
    while (i < n) {
        unsigned cp;
        size_t len;
        if ((flags & VCM_TEXT_ENTITIES) && s[i] == '&' && (len = entity(s + i, n - i, &cp))) {
            /* decoded below, like any other character */
        } else {
            len = vcm_utf8_decode(s + i, n - i, &cp);
            if (len == 0)
                break;
        }
        i += len;
        if (cp == '\n' || cp == 0x2028 || cp == 0x2029) {
            pending_lines++;
            continue;
        }
        if (is_space(cp)) {
            pending_space = 1;
            continue;
        }
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            continue; /* other control characters (C0, DEL, C1) carry nothing */
        if (tmp.len) {
            if (pending_lines && (flags & VCM_TEXT_MULTILINE)) {
                if (vcm_buf_puts(&tmp, pending_lines > 1 ? "\n\n" : "\n") < 0)
                    goto out;
            } else if (pending_lines || pending_space) {
                if (vcm_buf_putc(&tmp, ' ') < 0)
                    goto out;
            }
        }
        pending_lines = pending_space = 0;
        if (vcm_utf8_put(&tmp, cp) < 0)
            goto out;
    }
    rc = tmp.toobig ? -1 : vcm_utf8_nfc(out, tmp.data ? tmp.data : "", tmp.len);
out:
    vcm_buf_release(&tmp);
    return rc;
}

int vcm_qvalue(const char *s, size_t n)
{
    if (n == 0 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int q = (s[0] - '0') * 1000;
    if (n == 1)
        return q;
    if (s[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        q += (s[i] - '0') * scale;
    }
    return q <= 1000 ? q : -1;
}

int vcm_read_text_file(vcm_buf *b, const char *path, char *err, size_t errlen)
{
    if (vcm_buf_read_file(b, path, err, errlen) < 0)
        return -1;
    size_t at = vcm_utf8_check(b->data ? b->data : "", b->len);
    if (at != b->len) {
        snprintf(err, errlen, "%s: invalid UTF-8 at byte %zu", path, at + 1);
        return -1;
    }
    return 0;
}
