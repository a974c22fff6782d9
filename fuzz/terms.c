/* libFuzzer target for the mapping of museums' terms to thesaurus concepts
 * (src/search/terms.c): a classification into its key, a filter value, a
 * medium's materials. Invariants: a key is a concept the thesaurus has or
 * '~' and words, shorter than its buffer; a key given back as a filter
 * value selects itself (links from a facet select what they show); every
 * material id is a material of the thesaurus.
 * Build with `make fuzz`; run: build/fuzz/terms -max_total_time=60 fuzz/corpus/terms */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "search/terms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    char key[VCM_TERMS_KEY_MAX], again[VCM_TERMS_KEY_MAX];
    size_t n = vcm_terms_type_key(text, key, sizeof key);
    if (n >= sizeof key || strlen(key) != n)
        abort();
    if (n) {
        if (key[0] != '~' && !vcm_terms_concept(key))
            abort();
        vcm_terms_filter_key(key, again, sizeof again);
        if (strcmp(again, key) != 0)
            abort();
    }
    n = vcm_terms_filter_key(text, key, sizeof key);
    if (n >= sizeof key || strlen(key) != n)
        abort();
    const char *ids[16];
    size_t m = vcm_terms_materials(text, ids, 16);
    for (size_t i = 0; i < m; i++) {
        const vcm_th_entry *e = vcm_terms_concept(ids[i]);
        if (!e)
            abort();
    }
    free(text);
    return 0;
}
