/* libFuzzer target for what the image fetcher reads from a museum's server
 * and records (src/io/fetch.c): the input is split at its first NUL into a
 * Retry-After value and a body whose first bytes are sniffed; the rest of
 * the input is also read as a rights URI and a licence text. Checks beyond
 * "no crash": a wait is within 0..max or -1, and a sniffed type is one of
 * the names fetch.h lists.
 * Build with `make fuzz`; run: build/fuzz/fetch_headers -max_total_time=60 fuzz/corpus/fetch_headers */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    size_t n = strlen(s);
    long w = vcm_fetch_retry_after(s, 1700000000, 300);
    if (w < -1 || w > 300)
        abort();
    const unsigned char *body = n < size ? data + n + 1 : data;
    size_t blen = n < size ? size - n - 1 : size;
    const char *t = vcm_fetch_sniff(body, blen);
    static const char *const types[] = {"jpeg", "png", "tiff", "webp", "jp2k", "gif"};
    bool known = !t;
    for (size_t i = 0; t && i < sizeof types / sizeof types[0]; i++)
        known |= strcmp(t, types[i]) == 0;
    if (!known)
        abort();
    (void)vcm_fetch_rights_open(s, n < size ? (const char *)body : NULL);
    free(s);
    return 0;
}
