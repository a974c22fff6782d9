/* libFuzzer target for the CSV reader (src/io/csv.c).
 * Build with `make fuzz`; run: build/fuzz/csv -max_total_time=60 fuzz/corpus/csv */
#include <stddef.h>
#include <stdint.h>

#include "io/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcm_csv c;
    vcm_arena a;
    char *f[VCM_CSV_MAX_FIELDS], err[200];
    vcm_arena_init(&a, 0);
    vcm_csv_init(&c, (const char *)data, size);
    for (int i = 0; i < 100000; i++) {
        int n = vcm_csv_next(&c, &a, f, err, sizeof err);
        if (n == 0)
            break;
        vcm_arena_reset(&a);
    }
    vcm_arena_release(&a);
    return 0;
}
