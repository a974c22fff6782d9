/* libFuzzer target for the reader of sources' rights texts
 * (src/model/rights.c). Invariants: an object's rights, when read, are a
 * URI that the same reader reads back to itself, and a metadata licence is
 * one of the SPDX ids it knows.
 * Build with `make fuzz`; run: build/fuzz/rights -max_total_time=60 fuzz/corpus/rights */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/rights.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    vcm_rights_info r;
    if (vcm_rights_read(text, &a, &r) == 0) {
        if (r.object) {
            const char *back = vcm_rights_uri_of(r.object, strlen(r.object));
            if (!back || strcmp(back, r.object) != 0)
                abort();
        }
        if (r.metadata && !vcm_rights_spdx_of(r.metadata, strlen(r.metadata)))
            abort();
        if (r.images > VCM_IMAGES_NOT_OPEN)
            abort();
    }
    vcm_arena_release(&a);
    free(text);
    return 0;
}
