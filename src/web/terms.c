/* The label of a classification key (search/terms.h) for the visitor: the
 * concept's name in the visitor's language from the thesaurus (English
 * when it has none in that language), else the museum's own words. */
#include <stdbool.h>
#include <string.h>

#include "search/terms.h"
#include "search/thesaurus.h"
#include "web/web.h"
#include "core/banned.h"

/* "print" → "Print": a facet entry reads as a heading. */
static const char *capital(vcm_req *req, const char *s)
{
    char *l = vcm_arena_strdup(req->arena, s);
    if (!l)
        return s;
    if (l[0] >= 'a' && l[0] <= 'z')
        l[0] = (char)(l[0] - 'a' + 'A');
    return l;
}

/* The entry's name in the visitor's language (English when it has none
 * there), capitalised. */
static const char *concept_name(vcm_req *req, const vcm_th_entry *e)
{
    const char *lang = vcm_web_lang(req), *name = NULL;
    for (size_t i = 0; i < e->nnames && !name; i++)
        if (strcmp(e->names[i].lang, lang) == 0)
            name = e->names[i].text;
    return capital(req, name ? name : vcm_th_label(e));
}

const char *vcm_web_material_label(vcm_req *req, const char *id)
{
    const vcm_thesaurus *th = vcm_thesaurus_builtin();
    int i = th && id ? vcm_thesaurus_material(th, id) : -1;
    if (i < 0)
        return id;
    /* the material itself, not an object type that shares its id */
    return concept_name(req, vcm_thesaurus_entry(th, vcm_thesaurus_first(th, VCM_TH_MATERIAL) +
                                                          (size_t)i));
}

const char *vcm_web_class_label(vcm_req *req, const char *key, const char *fallback)
{
    const vcm_th_entry *e = vcm_terms_concept(key);
    if (!e) {
        /* a term the thesaurus lacks: its folded words, the same on browse
         * and in the search, whichever of the museum's spellings came first */
        if (key && key[0] == '~' && key[1])
            return capital(req, key + 1);
        return fallback ? fallback : key;
    }
    return concept_name(req, e);
}

const char *vcm_web_class_concept(vcm_req *req, const char *classification)
{
    char key[VCM_TERMS_KEY_MAX];
    if (!vcm_terms_type_key(classification, key, sizeof key) || !vcm_terms_concept(key))
        return NULL;
    return vcm_web_class_label(req, key, NULL);
}

/* The material concepts of the medium, then of the technique, once each. */
static size_t material_ids(const vcm_object *o, const char **ids, size_t max)
{
    size_t n = vcm_terms_materials(o->materials, ids, max);
    const char *t[16];
    size_t nt = vcm_terms_materials(o->technique, t, 16);
    for (size_t i = 0; i < nt && n < max; i++) {
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++)
            dup = strcmp(ids[k], t[i]) == 0;
        if (!dup)
            ids[n++] = t[i];
    }
    return n;
}

const char *vcm_web_material_concepts(vcm_req *req, const vcm_object *o)
{
    const char *ids[16];
    size_t n = material_ids(o, ids, 16);
    if (!n)
        return NULL;
    const char *s = "";
    for (size_t i = 0; i < n && s; i++)
        s = vcm_arena_printf(req->arena, "%s%s%s", s, i ? ", " : "",
                             vcm_web_class_label(req, ids[i], ids[i]));
    return s;
}

json_t *vcm_web_concepts_json(vcm_req *req, const vcm_object *o)
{
    char key[VCM_TERMS_KEY_MAX];
    json_t *j = json_object(), *m = json_array();
    json_object_set_new(j, "classification",
                        vcm_terms_type_key(o->classification, key, sizeof key)
                            ? json_pack("{s:s, s:s}", "key", key, "label",
                                        vcm_web_class_label(req, key, NULL))
                            : json_null());
    const char *ids[16];
    size_t n = material_ids(o, ids, 16);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(m, json_pack("{s:s, s:s}", "id", ids[i], "label",
                                           vcm_web_class_label(req, ids[i], ids[i])));
    json_object_set_new(j, "materials", m);
    return j;
}
