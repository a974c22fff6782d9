/* JSON written straight into a buffer: see jsonw.h for the text it writes
 * and why it matches jansson's compact dump. */
#include "core/jsonw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Appends within the room the buffer has, without a call; through
 * vcm_buf_append, which grows it or refuses, otherwise. A buffer's room
 * never passes its cap, so these cannot pass it either. */
static inline void put(vcm_buf *b, const char *p, size_t n)
{
    if (b->data && n <= b->cap - b->len) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
    } else {
        vcm_buf_append(b, p, n);
    }
}

static inline void put1(vcm_buf *b, char c)
{
    put(b, &c, 1);
}

void vcm_jw_init(vcm_jw *w, vcm_buf *b)
{
    *w = (vcm_jw){.b = b, .first = true};
}

vcm_jw_mark vcm_jw_mark_now(const vcm_jw *w)
{
    return (vcm_jw_mark){w->b->len, w->first, w->after_key};
}

void vcm_jw_back(vcm_jw *w, vcm_jw_mark m)
{
    if (w->b->len > m.len) {
        w->b->len = m.len;
        w->b->data[m.len] = '\0';
    }
    w->first = m.first;
    w->after_key = m.after_key;
}

/* The comma before a value or a key, unless it follows its key or opens
 * its container. */
static void sep(vcm_jw *w)
{
    if (w->after_key)
        w->after_key = false;
    else if (!w->first)
        put1(w->b, ',');
    w->first = false;
}

void vcm_jw_open(vcm_jw *w, char c)
{
    sep(w);
    put1(w->b, c);
    w->first = true;
}

void vcm_jw_close(vcm_jw *w, char c)
{
    put1(w->b, c);
    w->first = false;
}

/* The length of the UTF-8 sequence at s (at most n bytes) when it is one
 * that jansson takes: no overlong form, no surrogate, nothing past
 * U+10FFFF; 0 otherwise. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    uint32_t v;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (len == 3 && v < 0x800) ||
        (len == 4 && v < 0x10000))
        return 0;
    return len;
}

/* s[0..n) as a JSON string, or nothing (false) when it is not UTF-8. */
static bool put_string(vcm_buf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t start = b->len;
    put1(b, '"');
    size_t run = 0; /* s[run..i) is written as it is */
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t len = utf8_len(s + i, n - i);
            if (!len) {
                if (b->len > start) {
                    b->len = start;
                    b->data[start] = '\0';
                }
                return false;
            }
            i += len;
            continue;
        }
        put(b, (const char *)s + run, i - run);
        char esc[8];
        switch (c) {
        case '"': memcpy(esc, "\\\"", 3); break;
        case '\\': memcpy(esc, "\\\\", 3); break;
        case '\b': memcpy(esc, "\\b", 3); break;
        case '\f': memcpy(esc, "\\f", 3); break;
        case '\n': memcpy(esc, "\\n", 3); break;
        case '\r': memcpy(esc, "\\r", 3); break;
        case '\t': memcpy(esc, "\\t", 3); break;
        default: snprintf(esc, sizeof esc, "\\u%04X", c); break;
        }
        put(b, esc, strlen(esc));
        run = ++i;
    }
    put(b, (const char *)s + run, n - run);
    put1(b, '"');
    return true;
}

void vcm_jw_key(vcm_jw *w, const char *k)
{
    sep(w);
    put_string(w->b, k, strlen(k));
    put1(w->b, ':');
    w->after_key = true;
}

bool vcm_jw_strn(vcm_jw *w, const char *s, size_t n)
{
    if (!s)
        return false;
    vcm_jw_mark m = vcm_jw_mark_now(w);
    sep(w);
    if (!put_string(w->b, s, n)) {
        vcm_jw_back(w, m);
        return false;
    }
    return true;
}

bool vcm_jw_str(vcm_jw *w, const char *s)
{
    return vcm_jw_strn(w, s, s ? strlen(s) : 0);
}

void vcm_jw_int(vcm_jw *w, int64_t v)
{
    sep(w);
    vcm_buf_put_i64(w->b, v);
}

bool vcm_jw_real(vcm_jw *w, double v)
{
    if (!isfinite(v))
        return false;
    char s[40];
    int n = snprintf(s, sizeof s, "%.17g", v);
    if (n < 0 || (size_t)n >= sizeof s - 3)
        return false;
    /* read back as a real, not an integer */
    if (!strchr(s, '.') && !strchr(s, 'e')) {
        memcpy(s + n, ".0", 3);
        n += 2;
    }
    /* the exponent without '+' and leading zeros */
    char *e = strchr(s, 'e');
    if (e) {
        char *from = e + 1, *to = e + 1;
        if (*from == '-')
            from++, to++;
        else if (*from == '+')
            from++;
        while (*from == '0' && from[1])
            from++;
        memmove(to, from, strlen(from) + 1);
        n = (int)strlen(s);
    }
    sep(w);
    put(w->b, s, (size_t)n);
    return true;
}

void vcm_jw_bool(vcm_jw *w, bool v)
{
    sep(w);
    put(w->b, v ? "true" : "false", v ? 4 : 5);
}

void vcm_jw_null(vcm_jw *w)
{
    sep(w);
    put(w->b, "null", 4);
}

bool vcm_jw_kstr(vcm_jw *w, const char *k, const char *s)
{
    if (!s)
        return false;
    vcm_jw_mark m = vcm_jw_mark_now(w);
    vcm_jw_key(w, k);
    if (!vcm_jw_str(w, s)) {
        vcm_jw_back(w, m);
        return false;
    }
    return true;
}

void vcm_jw_kint(vcm_jw *w, const char *k, int64_t v)
{
    vcm_jw_key(w, k);
    vcm_jw_int(w, v);
}

bool vcm_jw_kreal(vcm_jw *w, const char *k, double v)
{
    if (!isfinite(v))
        return false;
    vcm_jw_key(w, k);
    return vcm_jw_real(w, v);
}

void vcm_jw_kbool(vcm_jw *w, const char *k, bool v)
{
    vcm_jw_key(w, k);
    vcm_jw_bool(w, v);
}

void vcm_jw_knull(vcm_jw *w, const char *k)
{
    vcm_jw_key(w, k);
    vcm_jw_null(w);
}
