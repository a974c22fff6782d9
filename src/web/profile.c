/* The profile a museum page leads with: what the museum is called in its
 * own script, where it is (address, coordinates, a map), the languages it
 * publishes in and a short description; what the store does not hold is
 * left out rather than said to be missing, except the website. */
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/l10n.h"
#include "web/web.h"
#include "core/banned.h"

const char *vcm_web_museum_name(vcm_req *req, vcm_store *s, const vcm_museum *m)
{
    const char *lang = vcm_web_lang(req);
    const char *tag = vcm_l10n_tag(lang);
    for (size_t i = 0; i < m->names.n; i++)
        if (strcmp(m->names.v[i].lang, tag) == 0)
            return m->names.v[i].text;
    if (strcmp(lang, "en") == 0)
        return vcm_web_name(&m->names);
    /* the museum's own name, when its language is the visitor's */
    vcm_museum_profile p;
    if (s->ops->museum_profile_get(s, req->arena, m->id, &p) < 0 || !p.name_native)
        return vcm_web_name(&m->names);
    const char *langs = p.languages && *p.languages ? p.languages
                                                    : vcm_country_languages(m->country);
    bool inferred;
    const char *nl = vcm_lang_infer(p.name_native, NULL, langs, &inferred);
    /* ko is ko and ko-KR; zh (zh-Hans) is not zh-Hant */
    size_t tl = strlen(tag);
    if (strncmp(nl, tag, tl) == 0 && (!nl[tl] || nl[tl] == '-'))
        return p.name_native;
    return vcm_web_name(&m->names);
}

int vcm_web_museum_profile(vcm_req *req, vcm_store *s, const vcm_museum *m, json_t *j)
{
    vcm_museum_profile p;
    if (s->ops->museum_profile_get(s, req->arena, m->id, &p) < 0)
        return -1;
    const char *name = vcm_web_name(&m->names);
    const char *langs = p.languages && *p.languages ? p.languages
                                                    : vcm_country_languages(m->country);
    if (p.name_native && strcmp(p.name_native, name) != 0) {
        bool inferred;
        json_object_set_new(j, "name_native", json_string(p.name_native));
        json_object_set_new(j, "name_native_lang",
                            json_string(vcm_lang_infer(p.name_native, NULL, langs, &inferred)));
    }
    if (p.address)
        json_object_set_new(j, "address", json_string(p.address));
    if (p.description)
        json_object_set_new(j, "description", json_string(p.description));
    if (m->has_coords) {
        json_object_set_new(j, "coordinates",
                            json_string(vcm_arena_printf(req->arena, "%.4f, %.4f", m->lat, m->lon)));
        json_object_set_new(j, "map_url",
                            json_string(vcm_arena_printf(
                                req->arena,
                                "https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=16/%.5f/%.5f",
                                m->lat, m->lon, m->lat, m->lon)));
    }
    json_t *ls = json_array();
    for (const char *q = langs; *q;) {
        size_t n = strcspn(q, " ");
        char *tag = vcm_arena_strndup(req->arena, q, n);
        if (tag && *tag)
            json_array_append_new(
                ls, json_pack("{s:s, s:s}", "lang", tag, "label", vcm_web_lang_label(req, tag)));
        q += n;
        q += strspn(q, " ");
    }
    json_object_set_new(j, "languages", ls);
    return 0;
}
