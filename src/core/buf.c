#include "core/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/banned.h"

void vcm_buf_init(vcm_buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max ? max : VCM_BUF_DEFAULT_MAX;
}

void vcm_buf_release(vcm_buf *b)
{
    free(b->data);
    size_t max = b->max;
    vcm_buf_init(b, max);
}

char *vcm_buf_detach(vcm_buf *b, size_t *len)
{
    if (vcm_buf_grow(b, 0) < 0)
        return NULL;
    char *p = b->data;
    if (len)
        *len = b->len;
    size_t max = b->max;
    vcm_buf_init(b, max);
    return p;
}

int vcm_buf_grow(vcm_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra) {
        b->toobig = true;
        return -1;
    }
    size_t need = b->len + extra;
    if (b->data && need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap * 2;
    if (cap > b->max)
        cap = b->max;
    char *p = realloc(b->data, cap + 1);
    if (!p) {
        b->toobig = true;
        return -1;
    }
    if (!b->data)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
    return 0;
}

int vcm_buf_append(vcm_buf *b, const void *p, size_t n)
{
    if (vcm_buf_grow(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int vcm_buf_puts(vcm_buf *b, const char *s)
{
    return vcm_buf_append(b, s, strlen(s));
}

int vcm_buf_putc(vcm_buf *b, char c)
{
    return vcm_buf_append(b, &c, 1);
}

int vcm_buf_put_i64(vcm_buf *b, int64_t v)
{
    char d[24], *p = d + sizeof d;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    return vcm_buf_append(b, p, (size_t)(d + sizeof d - p));
}

int vcm_buf_vprintf(vcm_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || vcm_buf_grow(b, (size_t)n) < 0)
        return -1;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int vcm_buf_printf(vcm_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vcm_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return r;
}

int vcm_buf_html(vcm_buf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\0': rep = ""; break;
        default: continue;
        }
        if (vcm_buf_append(b, s + run, i - run) < 0 || vcm_buf_puts(b, rep) < 0)
            return -1;
        run = i + 1;
    }
    return vcm_buf_append(b, s + run, n - run);
}

int vcm_buf_urlenc(vcm_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            if (vcm_buf_putc(b, (char)c) < 0)
                return -1;
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            if (vcm_buf_append(b, e, 3) < 0)
                return -1;
        }
    }
    return 0;
}

int vcm_buf_json_str(vcm_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (vcm_buf_putc(b, '"') < 0)
        return -1;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[7];
        size_t en = 2;
        esc[0] = '\\';
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
        } else if (c == '\n') {
            esc[1] = 'n';
        } else if (c == '\r') {
            esc[1] = 'r';
        } else if (c == '\t') {
            esc[1] = 't';
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            /* < > & as \u00XX: a value can never close a <script> element. */
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            en = 6;
        } else {
            continue;
        }
        if (vcm_buf_append(b, s + run, i - run) < 0 || vcm_buf_append(b, esc, en) < 0)
            return -1;
        run = i + 1;
    }
    if (vcm_buf_append(b, s + run, n - run) < 0)
        return -1;
    return vcm_buf_putc(b, '"');
}

int vcm_buf_read_file(vcm_buf *b, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (vcm_buf_append(b, chunk, got) < 0)
            break;
    int bad = ferror(f);
    fclose(f);
    if (b->toobig) {
        size_t max = b->max ? b->max : VCM_BUF_DEFAULT_MAX;
        if (max % (1 << 20) == 0)
            snprintf(err, errlen, "cannot read '%s': larger than %zu MiB", path, max >> 20);
        else
            snprintf(err, errlen, "cannot read '%s': larger than %zu bytes", path, max);
        return -1;
    }
    if (bad) {
        snprintf(err, errlen, "cannot read '%s'", path);
        return -1;
    }
    return 0;
}
