/* The JSON API under /api/v1: objects (filtered, cursor-paged with no limit
 * on depth), museums and countries. Errors are RFC 9457 problem documents;
 * every answer carries CORS headers so any site can use it.
 *
 * The cursor is the last object id of the page, written as "o" and the id
 * in base 36: opaque to clients, stable across inserts, and cheap to follow
 * (the store seeks to it instead of counting rows). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/json.h"
#include "web/web.h"
#include "core/banned.h"

#define API_DEFAULT_LIMIT 100

static json_t *object_json(vcm_req *req, const vcm_object *o)
{
    json_t *j = vcm_object_to_json(o, o->museum_name);
    const char *base = vcm_web_base(req);
    json_object_set_new(j, "museum_id", json_integer(o->museum_id));
    json_object_set_new(j, "country", json_string(o->country));
    json_object_set_new(j, "origin", vcm_web_origin_json(req, &o->origin));
    json_object_set_new(j, "url", json_string(vcm_arena_printf(req->arena, "%s/objects/%lld",
                                                               base, (long long)o->id)));
    json_object_del(j, "status");
    /* the three rights apart, with their labels (web/rights.c) */
    json_object_set_new(j, "rights_info", vcm_web_rights_json(req, o));
    json_object_set_new(j, "concepts", vcm_web_concepts_json(req, o));
    /* every text with its language, in order, even two in one language */
    json_object_set_new(j, "texts",
                        json_pack("{s:o, s:o, s:o}", "title", vcm_web_texts_json(req, &o->title),
                                  "description", vcm_web_texts_json(req, &o->description),
                                  "statement", vcm_web_texts_json(req, &o->statement)));
    json_t *notes = vcm_web_public_notes(&o->notes);
    if (json_array_size(notes))
        json_object_set_new(j, "notes", notes);
    else
        json_decref(notes);
    return j;
}

int vcm_api_objects(vcm_req *req, vcm_resp *resp)
{
    vcm_params p;
    if (!vcm_web_params(req, resp, VCM_ROUTE_API_OBJECTS, &p, NULL))
        return 0;
    vcm_filter f;
    vcm_params_filter(&p, &f);
    if (!f.limit)
        f.limit = API_DEFAULT_LIMIT;
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_object *list;
    size_t n;
    int64_t total;
    if (s->ops->object_list(s, req->arena, &f, &list, &n) < 0 ||
        s->ops->object_count(s, &f, &total) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, object_json(req, &list[i]));
    json_object_set_new(d, "total", json_integer(total));
    json_object_set_new(d, "items", items);
    if (n == (size_t)f.limit) {
        char c[20];
        vcm_params_cursor_encode(list[n - 1].id, c);
        json_object_set_new(d, "next_cursor", json_string(c));
        /* The next page's URL: this query with the cursor replaced. */
        vcm_buf b;
        vcm_buf_init(&b, 8192);
        vcm_buf_printf(&b, "%s/api/v1/objects?", vcm_web_base(req));
        for (size_t k = 0; k < vcm_param_ndefs; k++) {
            const vcm_param_def *pd = &vcm_param_defs[k];
            const char *qv = p.raw[pd->id];
            if ((pd->routes & VCM_ROUTE_API_OBJECTS) && pd->id != VCM_P_CURSOR && qv) {
                vcm_buf_printf(&b, "%s=", pd->name);
                vcm_buf_urlenc(&b, qv, strlen(qv));
                vcm_buf_putc(&b, '&');
            }
        }
        vcm_buf_printf(&b, "cursor=%s", c);
        if (!b.toobig) {
            json_object_set_new(d, "next", json_string(b.data));
            char *link = vcm_arena_printf(req->arena, "<%s>; rel=\"next\"", b.data);
            if (link)
                vcm_resp_header(resp, req, "Link", link);
        }
        vcm_buf_release(&b);
    } else {
        json_object_set_new(d, "next_cursor", json_null());
    }
    return vcm_web_json(req, resp, 200, d);
}

int vcm_api_object(vcm_req *req, vcm_resp *resp)
{
    vcm_params p;
    if (!vcm_web_params(req, resp, VCM_ROUTE_API_RECORD, &p, NULL))
        return 0;
    vcm_store *s;
    vcm_object o;
    if (vcm_web_load_object(req, resp, &s, &o) <= 0)
        return 0;
    vcm_masterpiece mp;
    int r = vcm_web_masterpiece(req, s, &o, &mp);
    if (r < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *j = object_json(req, &o);
    /* a masterpiece: its entry's published version and statements, with
     * their authors and dates; a catalogue record: null */
    char when[32] = "";
    if (r && mp.published)
        vcm_time_iso(mp.published, when);
    json_object_set_new(j, "masterpiece",
                        r ? json_pack("{s:I, s:I, s:s*, s:o}", "entry", (json_int_t)mp.entry.id,
                                      "version", (json_int_t)mp.entry.live_version, "published",
                                      when[0] ? when : NULL, "statements",
                                      vcm_web_statements_json(&mp))
                          : json_null());
    return vcm_web_json(req, resp, 200, j);
}

int vcm_api_museums(vcm_req *req, vcm_resp *resp)
{
    vcm_params p;
    if (!vcm_web_params(req, resp, VCM_ROUTE_API_MUSEUMS, &p, NULL))
        return 0;
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_museum *ms;
    size_t n;
    const char *country = vcm_params_str(&p, VCM_P_COUNTRY);
    if (s->ops->museum_list(s, req->arena, country ? country : "", &ms, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, vcm_web_museum_json(&ms[i], NULL));
    json_object_set_new(d, "total", json_integer((json_int_t)n));
    json_object_set_new(d, "items", items);
    return vcm_web_json(req, resp, 200, d);
}

int vcm_api_museum(vcm_req *req, vcm_resp *resp)
{
    vcm_params p;
    if (!vcm_web_params(req, resp, VCM_ROUTE_API_RECORD, &p, NULL))
        return 0;
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_museum m;
    int r = s->ops->museum_get(s, req->arena, id, &m);
    if (r < 0)
        return vcm_web_store_error(req, resp, s);
    if (r == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    json_t *j = vcm_web_museum_json(&m, NULL);
    if (vcm_web_museum_profile(req, s, &m, j) < 0) {
        json_decref(j);
        return vcm_web_store_error(req, resp, s);
    }
    return vcm_web_json(req, resp, 200, j);
}

int vcm_api_countries(vcm_req *req, vcm_resp *resp)
{
    vcm_params p;
    if (!vcm_web_params(req, resp, VCM_ROUTE_API_COUNTRIES, &p, NULL))
        return 0;
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_country *cs;
    size_t n;
    if (s->ops->country_list(s, req->arena, !vcm_params_int(&p, VCM_P_ALL, 0), &cs, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, vcm_web_country_json(req, &cs[i]));
    json_object_set_new(d, "total", json_integer((json_int_t)n));
    json_object_set_new(d, "items", items);
    return vcm_web_json(req, resp, 200, d);
}

int vcm_api_country(vcm_req *req, vcm_resp *resp)
{
    vcm_params p;
    if (!vcm_web_params(req, resp, VCM_ROUTE_API_RECORD, &p, NULL))
        return 0;
    const char *code = vcm_req_param(req, "code");
    char c2[3] = "";
    if (code && strlen(code) == 2) {
        c2[0] = (char)(code[0] & ~0x20);
        c2[1] = (char)(code[1] & ~0x20);
    }
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_country c;
    int r = c2[0] ? s->ops->country_get(s, req->arena, c2, &c) : 0;
    if (r < 0)
        return vcm_web_store_error(req, resp, s);
    if (r == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "country.missing_code"));
    return vcm_web_json(req, resp, 200, vcm_web_country_json(req, &c));
}

int vcm_api_options(vcm_req *req, vcm_resp *resp)
{
    resp->status = 204;
    vcm_resp_header(resp, req, "Access-Control-Allow-Origin", "*");
    vcm_resp_header(resp, req, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
    vcm_resp_header(resp, req, "Access-Control-Allow-Headers", "Accept, Content-Type");
    vcm_resp_header(resp, req, "Access-Control-Max-Age", "86400");
    return 0;
}
