/* libFuzzer target for the governance facts file and the rules it carries
 * (src/model/governance.c): one line of data/network/governance.tsv. The
 * parser either refuses the line or returns fields that hold what it
 * promised. Invariants: a fact's names are unique and non-empty, its values
 * non-empty; a date it accepted formats back to itself; a rule it accepted
 * is valid, and holding a term against it never fails on it.
 * Build with `make fuzz`; run: build/fuzz/governance -max_total_time=60 fuzz/corpus/governance */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "model/governance.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    vcm_gov_fact f;
    char err[200];
    int r = vcm_gov_fact_parse((const char *)data, size, &a, &f, err, sizeof err);
    if (r == 1) {
        for (size_t i = 0; i < f.n; i++) {
            if (!*f.name[i] || !*f.value[i])
                abort();
            for (size_t k = i + 1; k < f.n; k++)
                if (!strcmp(f.name[i], f.name[k]))
                    abort();
        }
        static const char *const dates[] = {"start", "end", "due", "published"};
        for (size_t i = 0; i < 4; i++) {
            const char *v = vcm_gov_fact_get(&f, dates[i]);
            vcm_gdate d;
            char back[11];
            if (!v)
                continue;
            if (vcm_gdate_parse(v, &d) != 0)
                abort();
            vcm_gdate_format(d, back);
            if (strcmp(back, v) || vcm_gdate_first(d) > vcm_gdate_last(d))
                abort();
        }
        if (!strcmp(f.kind, "rule")) {
            vcm_gov_rule rule = {1, vcm_gov_fact_get(&f, "kind"), vcm_gov_fact_get(&f, "params")};
            if (vcm_gov_rule_valid(&rule, err, sizeof err) != 0)
                abort();
            vcm_gov_term stored = {.id = 1, .office_id = 1, .office_kind = "chair",
                                   .person_id = 1, .group = VCM_GROUP_ASIA,
                                   .start = {2011, 10, 0}, .end = {2014, 9, 0}};
            vcm_gov_term p = {.office_id = 2, .office_kind = "vice_chair", .person_id = 2,
                              .group = VCM_GROUP_ASIA, .start = {2012, 0, 0},
                              .end = {2015, 0, 0}};
            vcm_gov_breach b[VCM_GOV_BREACH_MAX];
            size_t n;
            if (vcm_gov_check(&rule, 1, &stored, 1, &p, b, VCM_GOV_BREACH_MAX, &n) != 0 ||
                n > VCM_GOV_BREACH_MAX)
                abort();
            if (vcm_gov_quorum(&rule, 1, 9, 5) < 0 || vcm_gov_may_vote(&rule, 1, true, true) < 0)
                abort();
        }
    } else if (r == -1 && !err[0]) {
        abort(); /* a refusal always says why */
    }
    vcm_arena_release(&a);
    return 0;
}
