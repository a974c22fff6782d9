/* multipart/form-data (multipart.h).
 *
 * The body is a list of parts between delimiter lines, "--" boundary at the
 * start of the body or after a CRLF; the last delimiter has "--" after it.
 * Each part is a block of header lines, an empty line, and its data up to
 * the CRLF before the next delimiter. The parser walks the body once,
 * looking for the next delimiter with memmem, so its time is linear in the
 * body; every part's headers are read within max_header bytes, so a body
 * without an empty line cannot make it look far.
 *
 * Leniency, and where it stops: a preamble before the first delimiter and
 * an epilogue after the last are skipped (RFC 2046 allows both), as is
 * white space after a delimiter. Header lines end in CRLF; a bare CR or LF,
 * a folded line or a NUL in the headers is an error. In a quoted parameter
 * a backslash escapes only '"' and '\': browsers on Windows once sent
 * paths with bare backslashes, which must survive to be cut off. */
#include "http/multipart.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "core/banned.h"

#define DEF_MAX_BODY ((size_t)8 << 20)
#define DEF_MAX_PARTS 64
#define DEF_MAX_HEADER 4096
#define MAX_TYPE 255

__attribute__((format(printf, 3, 4))) static int fail(vcm_multipart *mp, vcm_mp_error e,
                                                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(mp->message, sizeof mp->message, fmt, ap);
    va_end(ap);
    mp->error = e;
    mp->parts = NULL;
    mp->n = 0;
    return -1;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_tchar(char c)
{
    return c > ' ' && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

static void skip_ws(const char **p, const char *e)
{
    while (*p < e && is_ws(**p))
        (*p)++;
}

/* A parameter's value at *p (a quoted string, or bytes up to ';' or white
 * space), copied NUL-terminated into a; NULL when malformed or when a runs
 * out (*oom then). */
static char *param_value(vcm_arena *a, const char **p, const char *e, bool *oom)
{
    const char *s = *p;
    char *out;
    size_t n = 0;
    if (s < e && *s == '"') {
        if (!(out = vcm_arena_alloc(a, (size_t)(e - s)))) {
            *oom = true;
            return NULL;
        }
        for (s++; s < e && *s != '"'; s++) {
            if (*s == '\\' && s + 1 < e && (s[1] == '"' || s[1] == '\\'))
                s++;
            out[n++] = *s;
        }
        if (s == e)
            return NULL; /* no closing quote */
        *p = s + 1;
        out[n] = '\0';
        return out;
    }
    while (s < e && *s != ';' && !is_ws(*s))
        s++;
    if (s == *p)
        return NULL;
    if (!(out = vcm_arena_strndup(a, *p, (size_t)(s - *p)))) {
        *oom = true;
        return NULL;
    }
    *p = s;
    return out;
}

/* Calls fn for each "; name=value" after the first word of a header value
 * [p, e). Returns 0, -1 when malformed, -2 when out of memory. */
typedef int (*param_fn)(void *ctx, const char *name, size_t nlen, char *value);
static int each_param(vcm_arena *a, const char *p, const char *e, param_fn fn, void *ctx)
{
    for (;;) {
        skip_ws(&p, e);
        if (p == e)
            return 0;
        if (*p++ != ';')
            return -1;
        skip_ws(&p, e);
        const char *name = p;
        while (p < e && is_tchar(*p))
            p++;
        size_t nlen = (size_t)(p - name);
        skip_ws(&p, e);
        if (nlen == 0 || p == e || *p++ != '=')
            return -1;
        skip_ws(&p, e);
        bool oom = false;
        char *v = param_value(a, &p, e, &oom);
        if (!v)
            return oom ? -2 : -1;
        if (fn(ctx, name, nlen, v) < 0)
            return -1;
    }
}

static bool word_is(const char **p, const char *e, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(e - *p) < n || strncasecmp(*p, w, n) != 0)
        return false;
    if (*p + n < e && !is_ws((*p)[n]) && (*p)[n] != ';')
        return false;
    *p += n;
    return true;
}

static bool bchars_ok(const char *b, size_t n)
{
    if (n < 1 || n > VCM_MP_BOUNDARY_MAX || b[n - 1] == ' ')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !strchr("'()+_,-./:=? ", c))
            return false;
    }
    return true;
}

struct boundary_ctx {
    char *out;
    int found; /* 1 once, -1 on a second or bad one */
};

static int boundary_param(void *ctx, const char *name, size_t nlen, char *value)
{
    struct boundary_ctx *b = ctx;
    if (nlen != 8 || strncasecmp(name, "boundary", 8) != 0)
        return 0;
    size_t n = strlen(value);
    if (b->found || !bchars_ok(value, n)) {
        b->found = -1;
        return 0;
    }
    memcpy(b->out, value, n + 1);
    b->found = 1;
    return 0;
}

vcm_mp_error vcm_multipart_boundary(const char *content_type, char *out)
{
    out[0] = '\0';
    if (!content_type)
        return VCM_MP_NOT_MULTIPART;
    const char *p = content_type, *e = p + strlen(p);
    skip_ws(&p, e);
    if (!word_is(&p, e, "multipart/form-data"))
        return VCM_MP_NOT_MULTIPART;
    /* parameter values live only as long as this call */
    vcm_arena a;
    vcm_arena_init(&a, 2 * (size_t)(e - p) + 1024);
    struct boundary_ctx b = {.out = out};
    int rc = each_param(&a, p, e, boundary_param, &b);
    vcm_arena_release(&a);
    if (rc < 0 || b.found != 1) {
        out[0] = '\0';
        return VCM_MP_NO_BOUNDARY;
    }
    return VCM_MP_OK;
}

/* A name a handler may hold: valid UTF-8 without control characters. */
static bool clean_text(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
            return false;
    return vcm_utf8_valid(s, n);
}

struct disp_ctx {
    char *name, *filename;
    bool dup;
};

static int disp_param(void *ctx, const char *name, size_t nlen, char *value)
{
    struct disp_ctx *d = ctx;
    char **slot = NULL;
    if (nlen == 4 && !strncasecmp(name, "name", 4))
        slot = &d->name;
    else if (nlen == 8 && !strncasecmp(name, "filename", 8))
        slot = &d->filename;
    if (!slot)
        return 0; /* filename* and the rest: RFC 7578 4.2 says not to send them */
    if (*slot)
        d->dup = true;
    *slot = value;
    return 0;
}

/* Reads one part's header block [p, e), lines ending in CRLF, into part. */
static int part_headers(vcm_arena *a, const char *p, const char *e, size_t no,
                        vcm_mp_part *part, vcm_multipart *mp)
{
    bool have_disp = false, have_type = false;
    while (p < e) {
        const char *eol = memmem(p, (size_t)(e - p), "\r\n", 2);
        if (!eol)
            eol = e;
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon || colon == p || memchr(p, '\n', (size_t)(eol - p)) ||
            memchr(p, '\r', (size_t)(eol - p)) || memchr(p, '\0', (size_t)(eol - p)))
            return fail(mp, VCM_MP_BAD_HEADER, "part %zu: a header line is not 'Name: value'", no);
        for (const char *q = p; q < colon; q++)
            if (!is_tchar(*q))
                return fail(mp, VCM_MP_BAD_HEADER, "part %zu: a bad header name", no);
        const char *v = colon + 1, *ve = eol;
        skip_ws(&v, ve);
        while (ve > v && is_ws(ve[-1]))
            ve--;
        size_t hn = (size_t)(colon - p);
        if (hn == 19 && !strncasecmp(p, "Content-Disposition", 19)) {
            if (have_disp || !word_is(&v, ve, "form-data"))
                return fail(mp, VCM_MP_BAD_DISPOSITION,
                            "part %zu: Content-Disposition is not one 'form-data'", no);
            have_disp = true;
            struct disp_ctx d = {0};
            int rc = each_param(a, v, ve, disp_param, &d);
            if (rc == -2)
                return fail(mp, VCM_MP_NO_MEMORY, "out of memory");
            if (rc < 0 || d.dup || !d.name)
                return fail(mp, VCM_MP_BAD_DISPOSITION,
                            "part %zu: Content-Disposition without one name, or malformed",
                            no);
            if (!d.name[0] || !clean_text(d.name))
                return fail(mp, VCM_MP_BAD_NAME,
                            "part %zu: a field name that is empty or not clean UTF-8", no);
            part->name = d.name;
            if (d.filename) {
                if (!clean_text(d.filename))
                    return fail(mp, VCM_MP_BAD_NAME,
                                "part %zu: a file name that is not clean UTF-8", no);
                /* only the last path component: no folder of the sender's */
                const char *f = d.filename;
                for (const char *q = d.filename; *q; q++)
                    if (*q == '/' || *q == '\\')
                        f = q + 1;
                if (!strcmp(f, ".") || !strcmp(f, ".."))
                    return fail(mp, VCM_MP_BAD_NAME, "part %zu: a file name of dots", no);
                part->filename = f;
            }
        } else if (hn == 12 && !strncasecmp(p, "Content-Type", 12)) {
            size_t tn = (size_t)(ve - v);
            bool ok = !have_type && tn > 0 && tn <= MAX_TYPE;
            for (const char *q = v; ok && q < ve; q++)
                ok = *q >= ' ' && *q < 0x7f;
            if (!ok)
                return fail(mp, VCM_MP_BAD_TYPE,
                            "part %zu: a Content-Type that is empty, repeated, too long or "
                            "not printable ASCII",
                            no);
            have_type = true;
            if (!(part->content_type = vcm_arena_strndup(a, v, tn)))
                return fail(mp, VCM_MP_NO_MEMORY, "out of memory");
        }
        p = eol == e ? e : eol + 2;
    }
    if (!have_disp)
        return fail(mp, VCM_MP_BAD_DISPOSITION, "part %zu: no Content-Disposition", no);
    if (!have_type)
        part->content_type = "text/plain";
    return 0;
}

int vcm_multipart_parse(vcm_arena *a, const char *content_type, const char *body, size_t n,
                        const vcm_mp_limits *lim, vcm_multipart *mp)
{
    memset(mp, 0, sizeof *mp);
    size_t max_body = lim && lim->max_body ? lim->max_body : DEF_MAX_BODY;
    size_t max_parts = lim && lim->max_parts ? lim->max_parts : DEF_MAX_PARTS;
    size_t max_header = lim && lim->max_header ? lim->max_header : DEF_MAX_HEADER;
    char b[VCM_MP_BOUNDARY_MAX + 1];
    vcm_mp_error be = vcm_multipart_boundary(content_type, b);
    if (be == VCM_MP_NOT_MULTIPART)
        return fail(mp, be, "the Content-Type is not multipart/form-data");
    if (be != VCM_MP_OK)
        return fail(mp, be, "the Content-Type has no valid boundary");
    if (n > max_body)
        return fail(mp, VCM_MP_TOO_LARGE, "the body is larger than %zu bytes", max_body);
    /* the delimiter with the CRLF before it: "\r\n--" boundary */
    char delim[VCM_MP_BOUNDARY_MAX + 5];
    size_t dl = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", b);
    const char *e = body + n, *q;
    if (n >= dl - 2 && !memcmp(body, delim + 2, dl - 2)) {
        q = body + dl - 2;
    } else {
        const char *d = n ? memmem(body, n, delim, dl) : NULL;
        if (!d)
            return fail(mp, VCM_MP_NO_START, "the body does not start with the boundary");
        q = d + dl;
    }
    vcm_mp_part *parts = NULL;
    size_t count = 0, cap = 0;
    for (;;) {
        if (e - q >= 2 && q[0] == '-' && q[1] == '-')
            break; /* the close delimiter: what follows is the epilogue */
        skip_ws(&q, e);
        if (e - q < 2 || q[0] != '\r' || q[1] != '\n')
            return fail(mp, q == e ? VCM_MP_UNTERMINATED : VCM_MP_BAD_HEADER,
                        "part %zu: %s after the boundary", count + 1,
                        q == e ? "the body ends" : "no line break");
        q += 2;
        if (count == max_parts)
            return fail(mp, VCM_MP_TOO_MANY_PARTS, "more than %zu parts", max_parts);
        const char *hend, *data;
        if (e - q >= 2 && q[0] == '\r' && q[1] == '\n') {
            hend = q; /* no headers at all */
            data = q + 2;
        } else {
            size_t look = (size_t)(e - q) < max_header + 4 ? (size_t)(e - q) : max_header + 4;
            hend = memmem(q, look, "\r\n\r\n", 4);
            if (!hend || (size_t)(hend - q) + 2 > max_header)
                return fail(mp, look == (size_t)(e - q) && !hend ? VCM_MP_UNTERMINATED
                                                                : VCM_MP_HEADERS_TOO_LONG,
                            "part %zu: %s", count + 1,
                            look == (size_t)(e - q) && !hend
                                ? "the body ends in the headers"
                                : "headers longer than the limit");
            data = hend + 4;
            hend += 2; /* the block keeps its last line's CRLF */
        }
        const char *dend = memmem(data, (size_t)(e - data), delim, dl);
        if (!dend)
            return fail(mp, VCM_MP_UNTERMINATED, "part %zu: no closing boundary", count + 1);
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            vcm_mp_part *np = vcm_arena_alloc(a, ncap * sizeof *np);
            if (!np)
                return fail(mp, VCM_MP_NO_MEMORY, "out of memory");
            if (count)
                memcpy(np, parts, count * sizeof *np);
            parts = np;
            cap = ncap;
        }
        vcm_mp_part *part = &parts[count];
        memset(part, 0, sizeof *part);
        if (part_headers(a, q, hend, count + 1, part, mp) < 0)
            return -1;
        part->data = data;
        part->len = (size_t)(dend - data);
        count++;
        q = dend + dl;
    }
    mp->parts = parts;
    mp->n = count;
    return 0;
}

const vcm_mp_part *vcm_multipart_get(const vcm_multipart *mp, const char *name)
{
    for (size_t i = 0; i < mp->n; i++)
        if (!strcmp(mp->parts[i].name, name))
            return &mp->parts[i];
    return NULL;
}
