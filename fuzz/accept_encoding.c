/* libFuzzer driver for the Accept-Encoding parser (src/http/compress.c).
 * Beyond "no crash" it checks what the server relies on: a quality is -1 or
 * within 0..1000; a header that does not name gzip, x-gzip or "*" never
 * turns gzip on; a header with gzip's own q of 0 never does either.
 *
 * The input is the header value. `make fuzz` builds it (fuzz/README.md). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/compress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    static const char *const codings[] = {"gzip", "x-gzip", "*", "br", "identity"};
    int q[5];
    for (size_t i = 0; i < 5; i++) {
        q[i] = vcm_accept_encoding_q(s, size, codings[i]);
        if (q[i] < -1 || q[i] > 1000)
            abort();
    }
    if (memchr(s, '\0', size))
        return 0; /* vcm_accepts_gzip takes a C string, as headers are */
    char *z = malloc(size + 1);
    if (!z)
        return 0;
    memcpy(z, s, size);
    z[size] = '\0';
    bool gz = vcm_accepts_gzip(z);
    if (gz && q[0] < 0 && q[1] < 0 && q[2] < 0)
        abort();
    if (gz && q[0] == 0)
        abort();
    free(z);
    return 0;
}
