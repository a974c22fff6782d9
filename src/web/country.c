/* Countries and regions: where the network's museums are. A country page
 * names the country in the network's languages and lists its museums; a
 * region page (Asia, Europe, elsewhere) lists its countries. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "web/web.h"
#include "core/banned.h"

static json_t *country_json(const vcm_req *req, const vcm_country *c, bool api)
{
    json_t *j = json_object();
    json_object_set_new(j, "code", json_string(c->code));
    /* pages name it in the visitor's language; the API as the data does */
    json_object_set_new(j, "name", json_string(api ? vcm_web_name(&c->names)
                                                   : vcm_web_country_name(req, c)));
    json_object_set_new(j, "names", vcm_web_ltexts(&c->names));
    json_object_set_new(j, "region", json_string(vcm_region_name(c->region)));
    json_object_set_new(j, "region_label", json_string(vcm_web_region_label(req, c->region)));
    json_object_set_new(j, "asem_since", c->asem_since ? json_integer(c->asem_since) : json_null());
    json_object_set_new(j, "museums", json_integer(c->museums));
    json_object_set_new(j, "objects", json_integer(c->objects));
    return j;
}

int vcm_page_countries(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_country *cs;
    size_t n;
    if (s->ops->country_list(s, req->arena, true, &cs, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, country_json(req, &cs[i], false));
    /* by name as the visitor reads and sorts them */
    vcm_web_sort_by(req, list, "name");
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "countries.title")));
    json_object_set_new(d, "meta_description",
                        json_string(vcm_web_tn(req, "meta.countries", (int64_t)n)));
    json_object_set_new(d, "countries", list);
    return vcm_web_page(req, resp, "countries", d);
}

/* Reads an ISO code from the route into code[3]; false when it is not one. */
static bool route_code(vcm_req *req, char code[3])
{
    const char *v = vcm_req_param(req, "code");
    if (!v || strlen(v) != 2 || !isalpha((unsigned char)v[0]) || !isalpha((unsigned char)v[1]))
        return false;
    code[0] = (char)toupper((unsigned char)v[0]);
    code[1] = (char)toupper((unsigned char)v[1]);
    code[2] = '\0';
    return true;
}

int vcm_page_country(vcm_req *req, vcm_resp *resp)
{
    char code[3];
    if (!route_code(req, code))
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "country.bad_code"));
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_country c;
    int r = s->ops->country_get(s, req->arena, code, &c);
    if (r < 0)
        return vcm_web_store_error(req, resp, s);
    if (r == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "country.missing"));
    vcm_museum *ms;
    size_t n;
    if (s->ops->museum_list(s, req->arena, code, &ms, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *list = json_array();
    const char *cname = vcm_web_country_name(req, &c);
    for (size_t i = 0; i < n; i++) {
        json_t *mj = vcm_web_museum_json(&ms[i], &c);
        json_object_set_new(mj, "name", json_string(vcm_web_museum_name(req, s, &ms[i])));
        json_array_append_new(list, mj);
    }
    vcm_web_sort_by(req, list, "name");
    json_object_set_new(d, "page_title", json_string(cname));
    json_object_set_new(d, "canonical", json_string(vcm_arena_printf(
                                            req->arena, "%s/countries/%s", vcm_web_base(req), code)));
    json_object_set_new(d, "country", country_json(req, &c, false));
    json_object_set_new(d, "meta_description",
                        json_string(vcm_web_tfv(req, "meta.country", 3,
                                                (const char *[]){cname,
                                                                 vcm_web_count(req, (int64_t)n),
                                                                 vcm_web_count(req, c.objects)})));
    json_object_set_new(d, "museums", list);
    return vcm_web_page(req, resp, "country", d);
}

int vcm_page_region(vcm_req *req, vcm_resp *resp)
{
    vcm_region region;
    const char *v = vcm_req_param(req, "region");
    if (!v || vcm_region_parse(v, &region) < 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "region.missing"));
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_country *cs;
    size_t n;
    if (s->ops->country_list(s, req->arena, true, &cs, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *list = json_array();
    int64_t objects = 0, museums = 0;
    for (size_t i = 0; i < n; i++)
        if (cs[i].region == region) {
            json_array_append_new(list, country_json(req, &cs[i], false));
            objects += cs[i].objects;
            museums += cs[i].museums;
        }
    vcm_web_sort_by(req, list, "name");
    const char *label = vcm_web_region_label(req, region);
    json_object_set_new(d, "page_title", json_string(label));
    json_object_set_new(d, "region", json_pack("{s:s, s:s, s:I, s:I}", "key",
                                               vcm_region_name(region), "label", label,
                                               "objects", (json_int_t)objects, "museums",
                                               (json_int_t)museums));
    json_object_set_new(d, "countries", list);
    json_object_set_new(d, "meta_description",
                        json_string(vcm_web_tfv(req, "meta.region", 3,
                                                (const char *[]){label, vcm_web_count(req, museums),
                                                                 vcm_web_count(req, objects)})));
    return vcm_web_page(req, resp, "region", d);
}

json_t *vcm_web_country_json(const vcm_req *req, const vcm_country *c)
{
    return country_json(req, c, true);
}
