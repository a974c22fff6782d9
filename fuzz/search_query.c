/* libFuzzer target for the search query parser (src/search/query.c).
 * Build with `make fuzz`; run: build/fuzz/search_query -max_total_time=60 fuzz/corpus/search_query */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "search/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcm_arena a;
    vcm_squery q;
    vcm_arena_init(&a, 1 << 20);
    if (vcm_squery_parse((const char *)data, size, &a, &q) == 0) {
        for (size_t i = 0; i < q.nclauses; i++)
            for (size_t j = 0; j < q.clauses[i].nalts; j++)
                if (q.clauses[i].alts[j].len > size)
                    __builtin_trap();
    }
    /* the size check and the cut that a page uses before parsing: a cut
     * never ends inside a UTF-8 sequence and is never longer than asked */
    (void)vcm_squery_too_big((const char *)data, size);
    size_t max = size ? data[0] : 0;
    size_t cut = vcm_squery_cut((const char *)data, size, max);
    if (cut > max || cut > size || (cut > 0 && cut < size && (data[cut] & 0xC0) == 0x80))
        __builtin_trap();
    vcm_arena_release(&a);
    return 0;
}
