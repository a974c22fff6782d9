/* Texts in several languages as pages and the API give them: each with its
 * language's name from the catalogue ("lang.zh-Hant"), and whether the tag
 * was inferred rather than given by the source. */
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "web/web.h"
#include "core/banned.h"

const char *vcm_web_lang_label(const char *tag)
{
    char key[80];
    snprintf(key, sizeof key, "lang.%s", tag);
    const char *t = vcm_t("en", key);
    if (strcmp(t, key) != 0)
        return t;
    /* "ko-Kore-KR": the language without script and region is named */
    size_t n = strcspn(tag, "-");
    if (n < strlen(tag) && n + 6 < sizeof key) {
        snprintf(key, sizeof key, "lang.%.*s", (int)n, tag);
        t = vcm_t("en", key);
        if (strcmp(t, key) != 0)
            return t;
    }
    return tag;
}

json_t *vcm_web_texts_json(const vcm_ltexts *t)
{
    json_t *a = json_array();
    for (size_t i = 0; i < t->n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:b}", "lang", t->v[i].lang,
                                           "label", vcm_web_lang_label(t->v[i].lang), "text",
                                           t->v[i].text, "inferred", t->v[i].inferred));
    return a;
}

json_t *vcm_web_public_notes(const vcm_ltexts *notes)
{
    json_t *a = json_array();
    for (size_t i = 0; i < notes->n; i++)
        if (notes->v[i].is_public)
            json_array_append_new(a, json_pack("{s:s, s:s}", "lang", notes->v[i].lang, "text",
                                               notes->v[i].text));
    return a;
}
