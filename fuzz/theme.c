/* libFuzzer target for a theme's definition (src/model/theme.c): the input
 * is the JSON of a theme file or an API body. Checks beyond "no crash":
 * a theme read either passes vcm_theme_check or names a field and a
 * catalogue key; one that passes has a valid slug and an English title;
 * its rule, written as the store keeps it and read back, holds the same
 * number of origins, places and words, and is written the same again (the
 * stored form is a fixed point); the answer is the same twice (pure).
 * Also: a form's list of the same bytes splits into trimmed, non-empty
 * items.
 * Build with `make fuzz`; run: build/fuzz/theme -max_total_time=60 fuzz/corpus/theme */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vcm_arena a;
    vcm_arena_init(&a, 4u << 20);
    vcm_theme t, u;
    const char *f = NULL, *k = NULL;
    int rc = vcm_theme_parse(&a, (const char *)data, size, &t, &f, &k);
    int rc2 = vcm_theme_parse(&a, (const char *)data, size, &u, &f, &k);
    if (rc != rc2 || (rc < 0 && (!f || !k)))
        abort();
    if (rc == 0 && (t.ntexts != u.ntexts || t.rule.nwords != u.rule.nwords))
        abort();
    if (rc == 0 && vcm_theme_check(&t, &f, &k) == 0) {
        if (!vcm_theme_slug_valid(t.slug))
            abort();
        const vcm_theme_text *en = vcm_theme_text_for(&t, "en");
        if (!en || strcmp(en->lang, "en") != 0 || !en->title[0])
            abort();
        char *j = vcm_theme_rule_json(&a, &t.rule);
        if (!j)
            abort();
        vcm_theme_rule r;
        if (vcm_theme_rule_parse(&a, j, strlen(j), &r, &f, &k) != 0)
            abort();
        if (r.norigins != t.rule.norigins || r.nplaces != t.rule.nplaces ||
            r.nwords != t.rule.nwords || r.masterpieces != t.rule.masterpieces)
            abort();
        char *j2 = vcm_theme_rule_json(&a, &r);
        if (!j2 || strcmp(j, j2) != 0)
            abort();
    } else if (rc == 0 && (!f || !k)) {
        abort();
    }
    char *s = malloc(size + 1);
    if (s) {
        memcpy(s, data, size);
        s[size] = 0;
        const char **items;
        int n = vcm_theme_list_split(&a, s, &items, VCM_THEME_LIST_MAX);
        for (int i = 0; i < n; i++) {
            size_t l = strlen(items[i]);
            if (!l || isspace((unsigned char)items[i][0]) ||
                isspace((unsigned char)items[i][l - 1]) || strchr(items[i], ','))
                abort();
        }
        free(s);
    }
    vcm_arena_release(&a);
    return 0;
}
