/* Origins as visitors read them: a region's name from the catalogue
 * ("origin.east-asia"), a country's from ICU in the page's language, and an
 * object's origin as data for its page and the API. */
#include <string.h>

#include "model/country.h"
#include "web/web.h"
#include "core/banned.h"

const char *vcm_web_origin_label(vcm_req *req, const char *value)
{
    if (!value || !*value)
        return "";
    if (vcm_origin_region_parse(value) != VCM_ORIGIN_NONE)
        return vcm_web_t(req, vcm_arena_printf(req->arena, "origin.%s", value));
    /* the thesaurus' English names are the art-historical ones */
    const char *th = strcmp(vcm_web_lang(req), "en") == 0 ? vcm_origin_country_label(value) : NULL;
    if (th)
        return th;
    vcm_country c;
    if (strlen(value) == 2 && vcm_country_from_code(&c, req->arena, value) == 0) {
        const vcm_ltext *n = vcm_ltexts_pick(&c.names, vcm_web_lang(req));
        if (n)
            return n->text;
    }
    return value; /* a code ICU does not know: record data, shown as it is */
}

json_t *vcm_web_origin_json(vcm_req *req, const vcm_origin *o)
{
    const char *region = vcm_origin_region_slug(o->region);
    if (!o->country[0] && !*region) /* a culture alone places nothing */
        return json_null();
    json_t *j = json_object();
    json_object_set_new(j, "country", o->country[0] ? json_string(o->country) : json_null());
    json_object_set_new(j, "country_label", o->country[0]
                                                ? json_string(vcm_web_origin_label(req, o->country))
                                                : json_null());
    json_object_set_new(j, "region", *region ? json_string(region) : json_null());
    json_object_set_new(j, "region_label",
                        *region ? json_string(vcm_web_origin_label(req, region)) : json_null());
    json_object_set_new(j, "culture", o->culture[0] ? json_string(o->culture) : json_null());
    const char *cl = vcm_origin_culture_label(o->culture);
    json_object_set_new(j, "culture_label", cl ? json_string(cl) : json_null());
    json_object_set_new(j, "rule", o->rule[0] ? json_string(o->rule) : json_null());
    /* the browse link: the country when known, else the region */
    const char *sel = o->country[0] ? o->country : region;
    if (*sel)
        json_object_set_new(
            j, "browse_url",
            json_string(vcm_arena_printf(req->arena, "%s%s/browse?origin=%s", vcm_web_base(req),
                                         req->lang_prefix ? req->lang_prefix : "", sel)));
    return j;
}
