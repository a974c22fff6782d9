/* libFuzzer target for the names table of the thesaurus (src/search/names.c).
 * Build with `make fuzz`; run: build/fuzz/names -max_total_time=60 fuzz/corpus/names
 * Invariants: a table or NULL with a message, never both nor neither; in a
 * table every entry has an id, a label that is its first spelling, two
 * spellings at least and a source, and every spelling's key leads back to
 * its own entry (no key names two creators). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "search/names.h"
#include "search/tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256] = "";
    vcm_names *n = vcm_names_parse("fuzz.tsv", (const char *)data, size, err, sizeof err);
    if (!n) {
        if (!err[0])
            abort();
        return 0;
    }
    for (size_t i = 0; i < vcm_names_count(n); i++) {
        const vcm_name_entry *e = vcm_names_entry(n, i);
        if (!e->id || !*e->id || !e->source || !*e->source || e->nnames < 2 ||
            e->label != e->names[0])
            abort();
        for (size_t k = 0; k < e->nnames; k++) {
            char key[512];
            int kl = vcm_tokenize_key(e->names[k], strlen(e->names[k]), VCM_TOK_STEM, key,
                                      sizeof key);
            if (kl <= 0 || vcm_names_lookup(n, key, (size_t)kl) != e)
                abort();
            if (vcm_names_of_creator(n, e->names[k], strlen(e->names[k])) == NULL &&
                !strpbrk(e->names[k], "(,;"))
                abort();
        }
    }
    vcm_names_free(n);
    return 0;
}
