#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/bagit.h"
#include "core/banned.h"

/* The longest value of a tag, continuation lines joined. */
#define TAG_VALUE_MAX (64 * 1024)

static const struct {
    const char *name;
    vcm_bagit_alg alg;
} algs[] = {{"sha256", VCM_BAGIT_SHA256}, {"sha512", VCM_BAGIT_SHA512}};

size_t vcm_bagit_hexlen(vcm_bagit_alg alg)
{
    return alg == VCM_BAGIT_SHA256 ? 64 : 128;
}

int vcm_bagit_manifest_name(const char *name, vcm_bagit_alg *alg, int *tag, int *known)
{
    *known = 0;
    *tag = strncmp(name, "tagmanifest-", 12) == 0;
    const char *a = *tag ? name + 12 : strncmp(name, "manifest-", 9) == 0 ? name + 9 : NULL;
    if (!a)
        return -1;
    size_t n = strlen(a);
    if (n <= 4 || strcmp(a + n - 4, ".txt") != 0)
        return -1;
    for (size_t i = 0; i < sizeof algs / sizeof *algs; i++)
        if (strlen(algs[i].name) == n - 4 && strncmp(a, algs[i].name, n - 4) == 0) {
            *alg = algs[i].alg;
            *known = 1;
            return 0;
        }
    return -1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The one escape the RFC defines at p (3 bytes there), or -1. */
static int escape_at(const char *p, size_t left)
{
    if (left < 3 || p[0] != '%')
        return -1;
    int hi = hexval(p[1]), lo = hexval(p[2]);
    if (hi < 0 || lo < 0)
        return -1;
    int c = hi * 16 + lo;
    return c == '\r' || c == '\n' || c == '%' ? c : -1;
}

/* Checks a decoded path segment by segment. */
static int path_ok(const char *path, size_t n, int payload, char *err, size_t errlen)
{
    if (n == 0) {
        snprintf(err, errlen, "the line names no file");
        return -1;
    }
    if (path[0] == '/') {
        snprintf(err, errlen, "the path is absolute");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c == '\\' || c == 0 || c == 0x7f || (c < 0x20 && c != '\r' && c != '\n')) {
            snprintf(err, errlen, "the path holds a control character or a backslash");
            return -1;
        }
    }
    size_t segs = 0;
    for (size_t i = 0; i <= n;) {
        size_t e = i;
        while (e < n && path[e] != '/')
            e++;
        size_t len = e - i;
        if (len == 0 || (len == 1 && path[i] == '.') ||
            (len == 2 && path[i] == '.' && path[i + 1] == '.')) {
            snprintf(err, errlen, "the path has an empty, '.' or '..' segment");
            return -1;
        }
        if (segs == 0) {
            bool data = len == 4 && memcmp(path + i, "data", 4) == 0;
            if (payload && (!data || e == n)) {
                snprintf(err, errlen, "a payload file must be under data/");
                return -1;
            }
            if (!payload && data) {
                snprintf(err, errlen, "a tag manifest must not list payload files");
                return -1;
            }
        }
        segs++;
        i = e + 1;
    }
    return 0;
}

int vcm_bagit_manifest_line(const char *line, size_t len, vcm_bagit_alg alg, int payload,
                            char *digest, char *path, size_t pathcap, char *err, size_t errlen)
{
    if (len > VCM_BAGIT_LINE_MAX) {
        snprintf(err, errlen, "the line is longer than %d bytes", VCM_BAGIT_LINE_MAX);
        return -1;
    }
    size_t hex = vcm_bagit_hexlen(alg), i = 0;
    while (i < len && hexval(line[i]) >= 0)
        i++;
    if (i != hex || (i < len && line[i] != ' ' && line[i] != '\t')) {
        snprintf(err, errlen, "the line does not start with a digest of %zu hex digits", hex);
        return -1;
    }
    for (size_t k = 0; k < hex; k++) {
        char c = line[k];
        digest[k] = c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
    }
    digest[hex] = '\0';
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i == hex) {
        snprintf(err, errlen, "no space between the digest and the path");
        return -1;
    }
    size_t n = 0;
    for (; i < len; i++) {
        int c = escape_at(line + i, len - i);
        if (c >= 0)
            i += 2;
        else
            c = (unsigned char)line[i];
        if (n + 1 >= pathcap) {
            snprintf(err, errlen, "the path is too long");
            return -1;
        }
        path[n++] = (char)c;
    }
    path[n] = '\0';
    return path_ok(path, n, payload, err, errlen);
}

int vcm_bagit_path_encode(vcm_buf *b, const char *path)
{
    for (const char *p = path; *p; p++) {
        int r = *p == '\r'   ? vcm_buf_puts(b, "%0D")
                : *p == '\n' ? vcm_buf_puts(b, "%0A")
                : *p == '%'  ? vcm_buf_puts(b, "%25")
                             : vcm_buf_putc(b, *p);
        if (r < 0)
            return -1;
    }
    return 0;
}

static void trim_end(char *s, size_t *n)
{
    while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
        (*n)--;
    s[*n] = '\0';
}

int vcm_bagit_tags(const char *text, size_t len, vcm_bagit_tag_fn fn, void *ud, size_t *errline,
                   char *err, size_t errlen)
{
    int rc = -1;
    char *label = malloc(VCM_BAGIT_LINE_MAX + 1), *value = malloc(TAG_VALUE_MAX + 1);
    size_t ln = 0, vn = 0, label_line = 0, line = 0;
    bool have = false;
    *errline = 0;
    if (!label || !value) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n' && text[e] != '\r')
            e++;
        line++;
        const char *l = text + i;
        size_t n = e - i;
        /* the line ending: LF, CR or CR LF */
        i = e < len && text[e] == '\r' && e + 1 < len && text[e + 1] == '\n' ? e + 2 : e + 1;
        *errline = line;
        if (n > VCM_BAGIT_LINE_MAX) {
            snprintf(err, errlen, "the line is longer than %d bytes", VCM_BAGIT_LINE_MAX);
            goto out;
        }
        for (size_t k = 0; k < n; k++)
            if ((unsigned char)l[k] < 0x20 && l[k] != '\t') {
                snprintf(err, errlen, "the line holds a control character");
                goto out;
            }
        if (n == 0)
            continue;
        if (l[0] == ' ' || l[0] == '\t') { /* a value goes on */
            if (!have) {
                snprintf(err, errlen, "a continued value with no label before it");
                goto out;
            }
            size_t k = 0;
            while (k < n && (l[k] == ' ' || l[k] == '\t'))
                k++;
            if (vn + 1 + (n - k) > TAG_VALUE_MAX) {
                snprintf(err, errlen, "the value is longer than %d bytes", TAG_VALUE_MAX);
                goto out;
            }
            if (vn) /* a value given only on the lines after its label starts there */
                value[vn++] = ' ';
            memcpy(value + vn, l + k, n - k);
            vn += n - k;
            continue;
        }
        if (have) {
            trim_end(value, &vn);
            *errline = label_line;
            if (fn(ud, label, value, label_line, err, errlen) < 0)
                goto out;
            *errline = line;
        }
        const char *colon = memchr(l, ':', n);
        if (!colon) {
            snprintf(err, errlen, "the line is not 'Label: value'");
            goto out;
        }
        ln = (size_t)(colon - l);
        memcpy(label, l, ln);
        trim_end(label, &ln);
        if (ln == 0) {
            snprintf(err, errlen, "the line has no label before its ':'");
            goto out;
        }
        size_t k = (size_t)(colon - l) + 1;
        while (k < n && (l[k] == ' ' || l[k] == '\t'))
            k++;
        vn = n - k;
        memcpy(value, l + k, vn);
        label_line = line;
        have = true;
    }
    if (have) {
        trim_end(value, &vn);
        *errline = label_line;
        if (fn(ud, label, value, label_line, err, errlen) < 0)
            goto out;
    }
    *errline = 0;
    rc = 0;
out:
    free(label);
    free(value);
    return rc;
}

int vcm_bagit_oxum(const char *value, int64_t *octets, int64_t *files)
{
    int64_t v[2] = {0, 0};
    const char *p = value;
    for (int k = 0; k < 2; k++) {
        const char *start = p;
        while (*p >= '0' && *p <= '9') {
            if (v[k] > (INT64_MAX - 9) / 10)
                return -1;
            v[k] = v[k] * 10 + (*p - '0');
            p++;
        }
        if (p == start || (p - start > 1 && *start == '0') || (k == 0 ? *p != '.' : *p != '\0'))
            return -1;
        p++;
    }
    *octets = v[0];
    *files = v[1];
    return 0;
}

void vcm_bagit_size(int64_t bytes, char *out, size_t size)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1000 && u + 1 < sizeof units / sizeof *units) {
        v /= 1000;
        u++;
    }
    if (u == 0)
        snprintf(out, size, "%lld B", (long long)bytes);
    else
        snprintf(out, size, "%.1f %s", v, units[u]);
}
