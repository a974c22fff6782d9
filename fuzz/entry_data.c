/* libFuzzer target for the content of a masterpiece entry as JSON
 * (src/model/entry.c: vcm_entry_data_from_json), the form a version is
 * kept in and the write API's body takes, and what is done with what it
 * reads: the checks on save and before submission, the flattening and the
 * diff. Build with `make fuzz`; run:
 *   build/fuzz/entry_data -max_total_time=60 fuzz/corpus/entry_data
 *
 * Beyond "no crash": what is read and written back as JSON reads again
 * into the same content (its diff with the first is empty); a diff with
 * itself is empty; the flattened keys are sorted; the problems found do
 * not depend on the room given for them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "model/entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_entry_data d;
    char err[200];
    if (vcm_entry_data_from_json(&d, &a, s, err, sizeof err) == 0) {
        const char *field, *why;
        (void)vcm_entry_validate(&d, &field, &why);
        vcm_entry_problem p[8], few[1];
        size_t n, m;
        vcm_entry_check(&d, "ko en", false, p, 8, &n);
        vcm_entry_check(&d, "ko en", false, few, 1, &m);
        if (n != m || (n && (strcmp(p[0].field, few[0].field) != 0)))
            abort();
        vcm_entry_field *f;
        size_t nf;
        if (vcm_entry_flatten(&d, &a, &f, &nf) == 0)
            for (size_t i = 1; i < nf; i++)
                if (strcmp(f[i - 1].key, f[i].key) > 0)
                    abort();
        vcm_entry_change *c;
        size_t nc;
        if (vcm_entry_diff(&d, &d, &a, &c, &nc) == 0 && nc != 0)
            abort();
        const char *back = vcm_entry_data_to_json(&d, &a);
        vcm_entry_data d2;
        if (back) {
            if (vcm_entry_data_from_json(&d2, &a, back, err, sizeof err) != 0)
                abort();
            if (vcm_entry_diff(&d, &d2, &a, &c, &nc) == 0 && nc != 0)
                abort();
        }
    }
    vcm_arena_release(&a);
    free(s);
    return 0;
}
