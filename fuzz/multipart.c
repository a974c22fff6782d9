/* libFuzzer driver for the multipart/form-data parser (src/http/multipart.c).
 * The input's first line is the Content-Type, the rest the body; small
 * limits (8 parts, 256 bytes of headers) so the fuzzer reaches them. Beyond
 * "no crash", it checks what handlers rely on: a refusal has an error and a
 * message and no parts; an accepted body has at most 8 parts, each with a
 * non-empty name of valid UTF-8 without control characters, a file name
 * (when there is one) without a path separator and not "." or "..", a
 * printable content type, and data lying inside the body that does not
 * hold the delimiter.
 *
 *   make fuzz && build/fuzz/multipart -max_total_time=120 WORK fuzz/corpus/multipart */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void clean(const char *s, bool empty_ok)
{
    size_t n = strlen(s);
    if ((!n && !empty_ok) || !vcm_utf8_valid(s, n))
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    if (!nl)
        return 0;
    size_t ctn = (size_t)(nl - (const char *)data);
    char *ct = malloc(ctn + 1);
    if (!ct)
        return 0;
    memcpy(ct, data, ctn);
    ct[ctn] = '\0';
    size_t n = size - ctn - 1;
    char *body = malloc(n ? n : 1); /* exactly the body: overreads are seen */
    if (!body) {
        free(ct);
        return 0;
    }
    memcpy(body, nl + 1, n);
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    vcm_mp_limits lim = {.max_body = 1 << 16, .max_parts = 8, .max_header = 256};
    vcm_multipart mp;
    int rc = vcm_multipart_parse(&a, ct, body, n, &lim, &mp);
    if (rc != 0) {
        if (rc != -1 || mp.error == VCM_MP_OK || !mp.message[0] || mp.n || mp.parts)
            abort();
        goto out;
    }
    if (mp.error != VCM_MP_OK || mp.n > 8)
        abort();
    char b[VCM_MP_BOUNDARY_MAX + 1], delim[VCM_MP_BOUNDARY_MAX + 5];
    if (vcm_multipart_boundary(ct, b) != VCM_MP_OK)
        abort();
    size_t dl = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", b);
    for (size_t i = 0; i < mp.n; i++) {
        const vcm_mp_part *p = &mp.parts[i];
        clean(p->name, false);
        if (p->filename) {
            clean(p->filename, true);
            if (strchr(p->filename, '/') || strchr(p->filename, '\\') ||
                !strcmp(p->filename, ".") || !strcmp(p->filename, ".."))
                abort();
        }
        if (!p->content_type || !*p->content_type)
            abort();
        for (const char *c = p->content_type; *c; c++)
            if (*c < ' ' || *c == 0x7f)
                abort();
        if (p->data < body || p->data + p->len > body + n)
            abort();
        if (p->len >= dl && memmem(p->data, p->len, delim, dl))
            abort();
    }
out:
    vcm_arena_release(&a);
    free(body);
    free(ct);
    return 0;
}
