/* The label of a classification key (search/terms.h) for the visitor: the
 * concept's name in the visitor's language from the thesaurus (English
 * when it has none in that language), else the museum's own words. */
#include <string.h>

#include "search/terms.h"
#include "web/web.h"
#include "core/banned.h"

const char *vcm_web_class_label(vcm_req *req, const char *key, const char *fallback)
{
    const vcm_th_entry *e = vcm_terms_concept(key);
    if (!e) {
        /* the folded words, when nothing better was given */
        if (key && key[0] == '~' && (!fallback || strcmp(fallback, key) == 0))
            fallback = key + 1;
        return fallback ? fallback : key;
    }
    const char *lang = vcm_web_lang(req), *name = NULL;
    for (size_t i = 0; i < e->nnames && !name; i++)
        if (strcmp(e->names[i].lang, lang) == 0)
            name = e->names[i].text;
    if (!name)
        name = vcm_th_label(e);
    /* a facet entry reads as a heading: "Print", not "print" */
    char *l = vcm_arena_strdup(req->arena, name);
    if (!l)
        return name;
    if (l[0] >= 'a' && l[0] <= 'z')
        l[0] = (char)(l[0] - 'a' + 'A');
    return l;
}
