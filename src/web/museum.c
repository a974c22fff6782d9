/* Museums: the list of the network's members with objects in the collection,
 * and one page per museum: its profile (web/profile.c), then its objects. */
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "web/web.h"
#include "core/banned.h"

#define MUSEUM_OBJECTS 24

json_t *vcm_web_museum_json(const vcm_museum *m, const vcm_country *c)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(m->id));
    json_object_set_new(j, "name", json_string(vcm_web_name(&m->names)));
    json_object_set_new(j, "names", vcm_web_ltexts(&m->names));
    json_object_set_new(j, "city", m->city ? json_string(m->city) : json_null());
    json_object_set_new(j, "country_code", json_string(m->country));
    if (c)
        json_object_set_new(j, "country_name", json_string(vcm_web_name(&c->names)));
    json_object_set_new(j, "website", m->website ? json_string(m->website) : json_null());
    json_object_set_new(j, "objects", json_integer(m->objects));
    if (m->has_coords) {
        json_object_set_new(j, "lat", json_real(m->lat));
        json_object_set_new(j, "lon", json_real(m->lon));
    }
    return j;
}

int vcm_page_museums(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_museum *ms;
    size_t n;
    vcm_country *cs;
    size_t nc;
    if (s->ops->museum_list(s, req->arena, "", &ms, &n) < 0 ||
        s->ops->country_list(s, req->arena, true, &cs, &nc) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const vcm_country *c = NULL;
        for (size_t k = 0; k < nc; k++)
            if (strcmp(cs[k].code, ms[i].country) == 0)
                c = &cs[k];
        json_t *mj = vcm_web_museum_json(&ms[i], c);
        json_object_set_new(mj, "name", json_string(vcm_web_museum_name(req, s, &ms[i])));
        if (c)
            json_object_set_new(mj, "country_name", json_string(vcm_web_country_name(req, c)));
        json_array_append_new(list, mj);
    }
    /* by name as the visitor reads and sorts them */
    vcm_web_sort_by(req, list, "name");
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "museums.title")));
    json_object_set_new(d, "meta_description",
                        json_string(vcm_web_tn(req, "meta.museums", (int64_t)n)));
    json_object_set_new(d, "museums", list);
    json_object_set_new(d, "count", json_integer((json_int_t)n));
    return vcm_web_page(req, resp, "museums", d);
}

int vcm_page_museum(vcm_req *req, vcm_resp *resp)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_museum m;
    vcm_country c;
    int r = s->ops->museum_get(s, req->arena, id, &m);
    if (r < 0)
        return vcm_web_store_error(req, resp, s);
    if (r == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    if (s->ops->country_get(s, req->arena, m.country, &c) <= 0)
        return vcm_web_store_error(req, resp, s);
    vcm_filter f = {.museum = id, .limit = MUSEUM_OBJECTS};
    vcm_object *list;
    size_t n;
    if (s->ops->object_list(s, req->arena, &f, &list, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, vcm_web_card(req, &list[i]));
    json_object_set_new(d, "page_title", json_string(vcm_web_name(&m.names)));
    json_object_set_new(d, "canonical", json_string(vcm_arena_printf(
                                            req->arena, "%s/museums/%lld", vcm_web_base(req),
                                            (long long)id)));
    json_t *mj = vcm_web_museum_json(&m, &c);
    json_object_set_new(mj, "country_name", json_string(vcm_web_country_name(req, &c)));
    if (vcm_web_museum_profile(req, s, &m, mj) < 0)
        return vcm_web_store_error(req, resp, s);
    json_object_set_new(d, "museum", mj);
    const char *name = vcm_web_museum_name(req, s, &m), *country = vcm_web_country_name(req, &c);
    json_object_set_new(d, "meta_description",
                        json_string(m.city && *m.city
                                        ? vcm_web_tnv(req, "meta.museum", m.objects, 3,
                                                      (const char *[]){name, m.city, country})
                                        : vcm_web_tnv(req, "meta.museum.no_city", m.objects, 2,
                                                      (const char *[]){name, country})));
    for (size_t i = 0; i < n; i++)
        if (list[i].nmedia) {
            json_t *share = vcm_web_share_image(req, &list[i]);
            if (share)
                json_object_set_new(d, "og_image", share);
            break;
        }
    json_object_set_new(d, "items", items);
    json_object_set_new(d, "more", json_boolean(m.objects > (int64_t)n));
    /* the museum's masterpieces first (its published entries), then its
     * catalogue: each section says which it is */
    vcm_masterpiece *mps;
    size_t nmp;
    int64_t total;
    if (vcm_masterpiece_list(s, req->arena, id, 0, MUSEUM_OBJECTS, &mps, &nmp, &total) < 0) {
        json_decref(d);
        return vcm_web_store_error(req, resp, s);
    }
    json_t *mp = json_array();
    for (size_t i = 0; i < nmp; i++) {
        vcm_object o;
        int got = s->ops->object_get(s, req->arena, mps[i].entry.object_id, &o);
        if (got < 0) {
            json_decref(mp);
            json_decref(d);
            return vcm_web_store_error(req, resp, s);
        }
        if (got && o.status == VCM_PUBLISHED) {
            vcm_entry_apply(&mps[i].data, req->arena, &o);
            json_array_append_new(mp, vcm_web_card(req, &o));
        }
    }
    json_object_set_new(d, "masterpieces", mp);
    json_object_set_new(d, "more_masterpieces", json_boolean(total > (int64_t)nmp));
    json_object_set_new(
        d, "masterpieces_url",
        json_string(
            vcm_web_href(req, vcm_arena_printf(req->arena, "/browse?museum=%lld", (long long)id))));
    json_object_set_new(d, "browse_url",
                        json_string(vcm_web_href(
                            req, vcm_arena_printf(req->arena, "/browse?view=catalogue&museum=%lld",
                                                  (long long)id))));
    return vcm_web_page(req, resp, "museum", d);
}
