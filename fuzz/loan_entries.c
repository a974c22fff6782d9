/* libFuzzer target for the loans' outside input (src/model/loan.c): the
 * object list of a loan request or of a venue (vcm_loan_entries_parse), and
 * dates and state names as a form gives them.
 * Build with `make fuzz`; run:
 *   build/fuzz/loan_entries -max_total_time=60 fuzz/corpus/loan_entries
 *
 * Beyond "no crash": at most VCM_LOAN_MAX_LINES entries, each either a
 * collection object (id > 0, no inventory number) or an inventory number
 * of at most VCM_LOAN_MAX_TEXT bytes with no '|' and no line break; a
 * refusal names a line; a date accepted is ten bytes YYYY-MM-DD; a state
 * name parsed names itself back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/loan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    vcm_arena a;
    vcm_arena_init(&a, 1 << 16);
    static vcm_loan_entry e[VCM_LOAN_MAX_LINES];
    int bad = -1;
    int n = vcm_loan_entries_parse(text, &a, e, &bad);
    if (n > VCM_LOAN_MAX_LINES || n < -1)
        abort();
    if (n < 0 && bad < 1)
        abort();
    for (int i = 0; i < n; i++) {
        if (e[i].object_id ? e[i].inventory != NULL || e[i].object_id < 0 : !e[i].inventory)
            abort();
        if (e[i].inventory && (strlen(e[i].inventory) > VCM_LOAN_MAX_TEXT ||
                               strpbrk(e[i].inventory, "|\n")))
            abort();
        if (e[i].label && strlen(e[i].label) > VCM_LOAN_MAX_TEXT)
            abort();
    }
    /* the first line as a date and as a state */
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
    if (vcm_loan_date_ok(text) && strlen(text) != 10)
        abort();
    vcm_loan_state s;
    if (vcm_loan_state_parse(text, &s) == 0 && strcmp(vcm_loan_state_name(s), text) != 0)
        abort();
    vcm_arena_release(&a);
    free(text);
    return 0;
}
