/* libFuzzer target for the network's outside input (src/model/network.c):
 * the lines of a facts file (vcm_fact_parse), and the fields of the public
 * join form (vcm_join_check).
 * Build with `make fuzz`; run:
 *   build/fuzz/network_facts -max_total_time=60 fuzz/corpus/network_facts
 *
 * The input is one facts file; the same bytes, cut at NUL bytes, are also
 * the join form's fields in order (institution, country, city, website,
 * contact name, position, e-mail, phone, collections), the
 * acknowledgements and consent given when the input's first byte is odd.
 *
 * Beyond "no crash": a fact has a known kind, at most VCM_FACT_FIELDS
 * fields, each with a key and a value, none twice, and every required key
 * present (vcm_fact_get finds "source"); a refusal has a message; the form
 * check reports at most the room given, each error with its field and
 * catalogue key, and none for a field twice. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void facts(const char *text, size_t size)
{
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    const char *p = text, *end = text + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        vcm_fact f;
        char err[200];
        err[0] = '\0';
        int rc = vcm_fact_parse(p, len, &a, &f, err, sizeof err);
        if (rc == 1) {
            if ((unsigned)f.kind >= VCM_FACT_KINDS || f.n > VCM_FACT_FIELDS ||
                !vcm_fact_get(&f, "source"))
                abort();
            for (size_t i = 0; i < f.n; i++) {
                if (!f.key[i] || !f.value[i] || !*f.key[i])
                    abort();
                for (size_t k = i + 1; k < f.n; k++)
                    if (strcmp(f.key[i], f.key[k]) == 0)
                        abort();
            }
        } else if (rc < 0 && (!err[0] || !memchr(err, '\0', sizeof err))) {
            abort();
        } else if (rc != 0 && rc != -1) {
            abort();
        }
        vcm_arena_reset(&a);
        p = nl ? nl + 1 : end;
    }
    vcm_arena_release(&a);
}

static void form(const uint8_t *data, size_t size)
{
    const char *field[9] = {0};
    char *copy = malloc(size + 1);
    if (!copy)
        return;
    memcpy(copy, data, size);
    copy[size] = '\0';
    size_t k = 0;
    for (char *p = copy; k < 9 && p <= copy + size; k++) {
        field[k] = p;
        p += strlen(p) + 1;
    }
    bool yes = size && (data[0] & 1);
    vcm_join_form f = {field[0], field[1], field[2], field[3], field[4], field[5], field[6],
                       field[7], field[8], yes, yes, yes};
    vcm_field_error errs[VCM_JOIN_MAX_ERRORS];
    size_t n = vcm_join_check(&f, errs, VCM_JOIN_MAX_ERRORS);
    if (n > VCM_JOIN_MAX_ERRORS)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (!errs[i].field || !errs[i].key)
            abort();
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(errs[i].field, errs[j].field) == 0)
                abort();
    }
    /* fewer rooms than errors: cut, never past the room */
    vcm_field_error two[2];
    if (vcm_join_check(&f, two, 2) > 2)
        abort();
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    facts((const char *)data, size);
    form(data, size);
    return 0;
}
