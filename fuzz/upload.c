/* libFuzzer target for what the write API reads from a client besides its
 * JSON: the first bytes of an uploaded file (vcm_image_sniff,
 * src/web/upload.c) and an If-Match header (vcm_entry_if_match,
 * src/web/write_api.c). Input: the header value up to the first NUL, the
 * file's bytes after it. Invariants: a sniffed type is one of the five;
 * an If-Match read as a version of entry 7 is exactly the ETag made of it.
 * Build with `make fuzz`; run: build/fuzz/upload -max_total_time=60 fuzz/corpus/upload */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/entries.h"
#include "web/upload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t hlen = nul ? (size_t)(nul - data) : size;
    char *h = malloc(hlen + 1);
    if (!h)
        return 0;
    memcpy(h, data, hlen);
    h[hlen] = 0;
    int64_t v;
    if (vcm_entry_if_match(h, 7, &v) == 1 && v != 0) {
        char etag[64];
        vcm_entry_etag(7, v, etag, sizeof etag);
        const char *p = h;
        while (*p == ' ')
            p++;
        if (strcmp(etag, p) != 0)
            abort();
    }
    free(h);
    const uint8_t *file = nul ? nul + 1 : data + size;
    const char *t = vcm_image_sniff(file, size - (size_t)(file - data));
    if (t && strcmp(t, "jpeg") && strcmp(t, "png") && strcmp(t, "tiff") && strcmp(t, "webp") &&
        strcmp(t, "jp2k"))
        abort();
    return 0;
}
