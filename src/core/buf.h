/* Growable byte buffers with a hard cap, and length-carrying string views.
 *
 * A vcm_buf always keeps a NUL after its bytes, so buf.data can be passed to
 * C string functions. When an append would take the buffer past its cap, the
 * append fails, nothing is written, and buf.toobig is set: callers check the
 * return value or, after many appends, the flag once. */
#ifndef VCM_BUF_H
#define VCM_BUF_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct vcm_str {
    const char *p;
    size_t n;
} vcm_str;

#define VCM_STR(lit) ((vcm_str){(lit), sizeof(lit) - 1})
static inline vcm_str vcm_str_c(const char *s)
{
    return (vcm_str){s ? s : "", s ? strlen(s) : 0};
}
static inline bool vcm_str_eq(vcm_str a, vcm_str b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}
static inline bool vcm_str_eqc(vcm_str a, const char *c)
{
    return vcm_str_eq(a, vcm_str_c(c));
}

typedef struct vcm_buf {
    char *data;
    size_t len, cap;  /* cap: bytes allocated, without the NUL */
    size_t max;       /* hard cap on len; 0 = 64 MiB */
    bool toobig;
} vcm_buf;

#define VCM_BUF_DEFAULT_MAX ((size_t)64 << 20)

void vcm_buf_init(vcm_buf *b, size_t max);
void vcm_buf_release(vcm_buf *b);
static inline void vcm_buf_reset(vcm_buf *b)
{
    b->len = 0;
    b->toobig = false;
    if (b->data)
        b->data[0] = '\0';
}
/* Hands the bytes to the caller (who frees them); the buffer is empty after. */
char *vcm_buf_detach(vcm_buf *b, size_t *len);

int vcm_buf_grow(vcm_buf *b, size_t extra);
int vcm_buf_append(vcm_buf *b, const void *p, size_t n);
int vcm_buf_puts(vcm_buf *b, const char *s);
int vcm_buf_putc(vcm_buf *b, char c);
/* v in decimal, without printf's cost of reading a format. */
int vcm_buf_put_i64(vcm_buf *b, int64_t v);
int vcm_buf_printf(vcm_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int vcm_buf_vprintf(vcm_buf *b, const char *fmt, va_list ap);
/* Appends the whole file at path (up to the buffer's cap); -1 with a message
 * naming the file in err when it cannot be opened or read, or is larger. */
int vcm_buf_read_file(vcm_buf *b, const char *path, char *err, size_t errlen);
static inline vcm_str vcm_buf_str(const vcm_buf *b)
{
    return (vcm_str){b->data ? b->data : "", b->len};
}

/* Escapers used by the template engine, the JSON writer and the logs. */
int vcm_buf_html(vcm_buf *b, const char *s, size_t n);     /* text and attributes */
int vcm_buf_urlenc(vcm_buf *b, const char *s, size_t n);   /* query component */
int vcm_buf_json_str(vcm_buf *b, const char *s, size_t n); /* "…" safe in <script> */
#endif
