/* IIIF Presentation API 3.0 manifests and collections, and the Change
 * Discovery API 1.0 activity stream.
 *
 * A manifest is made for every published object with at least one image
 * (a manifest must hold at least one canvas): its label, summary and
 * metadata are language maps built from the record's language-tagged
 * fields, the museum is its provider, and each image is a canvas painted
 * with that image and its image service. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "iiif/request.h"
#include "model/json.h"
#include "web/web.h"
#include "core/banned.h"

#define PRES_CONTEXT "http://iiif.io/api/presentation/3/context.json"
#define DISCOVERY_CONTEXT "http://iiif.io/api/discovery/1/context.json"
#define COLLECTION_PAGE 100
#define ACTIVITY_PAGE 100

/* {"en": ["text"]} */
static json_t *lmap1(const char *lang, const char *text)
{
    json_t *m = json_object();
    json_object_set_new(m, lang, json_pack("[s]", text));
    return m;
}

/* A language map of language-tagged values; "none" for an unknown
 * language, as the specification asks. */
static json_t *lmap(const vcm_ltexts *t)
{
    json_t *m = json_object();
    for (size_t i = 0; i < t->n; i++) {
        const char *lang = strcmp(t->v[i].lang, "und") == 0 ? "none" : t->v[i].lang;
        json_t *arr = json_object_get(m, lang);
        if (!arr) {
            arr = json_array();
            json_object_set_new(m, lang, arr);
        }
        json_array_append_new(arr, json_string(t->v[i].text));
    }
    return m;
}

static void meta(json_t *md, const char *key, const char *value)
{
    if (value && *value)
        json_array_append_new(md, json_pack("{s:o, s:o}", "label", lmap1("en", vcm_t("en", key)),
                                            "value", lmap1("none", value)));
}

static const char *image_service(vcm_req *req, const vcm_media *m)
{
    vcm_buf b;
    vcm_buf_init(&b, 4096);
    vcm_buf_printf(&b, "%s/iiif/", vcm_web_base(req));
    vcm_buf_urlenc(&b, m->identifier, strlen(m->identifier));
    const char *r = b.toobig ? "" : vcm_arena_strdup(req->arena, b.data);
    vcm_buf_release(&b);
    return r ? r : "";
}

static json_t *service(const char *id)
{
    return json_pack("[{s:s, s:s, s:s}]", "id", id, "type", "ImageService3", "profile", "level2");
}

/* A JPEG of the whole image no larger than size × size. */
static json_t *thumbnail(vcm_req *req, const vcm_media *m, int size)
{
    const char *svc = image_service(req, m);
    int w = m->width, h = m->height;
    if (w > size || h > size) {
        if (w >= h) {
            h = (int)((long long)h * size / w);
            w = size;
        } else {
            w = (int)((long long)w * size / h);
            h = size;
        }
    }
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    return json_pack("{s:s, s:s, s:s, s:i, s:i, s:o}", "id",
                     vcm_arena_printf(req->arena, "%s/full/%d,%d/0/default.jpg", svc, w, h),
                     "type", "Image", "format", "image/jpeg", "width", w, "height", h, "service",
                     service(svc));
}

json_t *vcm_web_manifest(vcm_req *req, const vcm_object *o, const vcm_museum *mu)
{
    const char *base = vcm_web_base(req);
    const char *id = vcm_arena_printf(req->arena, "%s/iiif/manifest/%lld", base, (long long)o->id);
    json_t *d = json_object();
    json_object_set_new(d, "@context", json_string(PRES_CONTEXT));
    json_object_set_new(d, "id", json_string(id));
    json_object_set_new(d, "type", json_string("Manifest"));
    json_object_set_new(d, "label", o->title.n ? lmap(&o->title)
                                               : lmap1("en", vcm_t("en", "object.untitled")));
    if (o->description.n)
        json_object_set_new(d, "summary", lmap(&o->description));
    json_t *md = json_array();
    for (size_t i = 0; i < o->ncreators; i++)
        meta(md, "object.creator", o->creators[i]);
    meta(md, "object.date", o->date_text);
    meta(md, "object.period", o->period);
    meta(md, "object.culture", o->culture);
    meta(md, "object.classification", o->classification);
    meta(md, "object.materials", o->materials);
    meta(md, "object.technique", o->technique);
    meta(md, "object.dimensions", o->dimensions);
    meta(md, "object.inventory", o->inventory_number ? o->inventory_number : o->source_id);
    if (o->statement.n)
        json_array_append_new(md, json_pack("{s:o, s:o}", "label",
                                            lmap1("en", vcm_t("en", "object.statement")), "value",
                                            lmap(&o->statement)));
    json_object_set_new(d, "metadata", md);
    const char *museum = vcm_web_name(&mu->names);
    const char *attribution = o->credit_line && *o->credit_line
                                  ? vcm_arena_printf(req->arena, "%s. %s", museum, o->credit_line)
                                  : museum;
    json_object_set_new(d, "requiredStatement",
                        json_pack("{s:o, s:o}", "label", lmap1("en", vcm_t("en", "iiif.attribution")),
                                  "value", lmap1("en", attribution)));
    /* the images' rights, when the museum gave them, else the record's */
    const char *rights = o->nmedia && o->media[0].rights && *o->media[0].rights
                             ? o->media[0].rights
                             : o->rights;
    if (rights && *rights)
        json_object_set_new(d, "rights", json_string(rights));
    json_t *provider = json_pack("{s:s, s:s, s:o}", "id",
                                 vcm_arena_printf(req->arena, "%s/museums/%lld", base,
                                                  (long long)mu->id),
                                 "type", "Agent", "label", lmap(&mu->names));
    if (mu->website && *mu->website)
        json_object_set_new(provider, "homepage",
                            json_pack("[{s:s, s:s, s:o, s:s}]", "id", mu->website, "type", "Text",
                                      "label", lmap1("none", museum), "format", "text/html"));
    json_object_set_new(d, "provider", json_pack("[o]", provider));
    json_object_set_new(d, "homepage",
                        json_pack("[{s:s, s:s, s:o, s:s}]", "id",
                                  vcm_arena_printf(req->arena, "%s/objects/%lld", base,
                                                   (long long)o->id),
                                  "type", "Text", "label", o->title.n ? lmap(&o->title)
                                                                      : lmap1("en", "object"),
                                  "format", "text/html"));
    json_object_set_new(d, "seeAlso",
                        json_pack("[{s:s, s:s, s:s}]", "id",
                                  vcm_arena_printf(req->arena, "%s/api/v1/objects/%lld", base,
                                                   (long long)o->id),
                                  "type", "Dataset", "format", "application/json"));
    if (o->nmedia)
        json_object_set_new(d, "thumbnail", json_pack("[o]", thumbnail(req, &o->media[0], 400)));
    json_t *items = json_array();
    for (size_t i = 0; i < o->nmedia; i++) {
        const vcm_media *m = &o->media[i];
        const char *canvas = vcm_arena_printf(req->arena, "%s/canvas/%zu", id, i + 1);
        const char *svc = image_service(req, m);
        json_t *body = json_pack("{s:s, s:s, s:s, s:i, s:i, s:o}", "id",
                                 vcm_arena_printf(req->arena, "%s/full/max/0/default.jpg", svc),
                                 "type", "Image", "format", "image/jpeg", "width", m->width,
                                 "height", m->height, "service", service(svc));
        json_t *anno = json_pack("{s:s, s:s, s:s, s:o, s:s}", "id",
                                 vcm_arena_printf(req->arena, "%s/annotation/%zu", id, i + 1),
                                 "type", "Annotation", "motivation", "painting", "body", body,
                                 "target", canvas);
        json_t *page = json_pack("{s:s, s:s, s:[o]}", "id",
                                 vcm_arena_printf(req->arena, "%s/page/%zu", id, i + 1), "type",
                                 "AnnotationPage", "items", anno);
        char n[32];
        snprintf(n, sizeof n, "%zu", i + 1);
        json_t *cv = json_pack("{s:s, s:s, s:o, s:i, s:i, s:o, s:[o]}", "id", canvas, "type",
                               "Canvas", "label",
                               lmap1("none", m->label && *m->label ? m->label : n),
                               "width", m->width, "height", m->height, "thumbnail",
                               json_pack("[o]", thumbnail(req, m, 200)), "items", page);
        json_array_append_new(items, cv);
    }
    json_object_set_new(d, "items", items);
    return d;
}

int vcm_iiif_manifest(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_object o;
    if (vcm_web_load_object(req, resp, &s, &o) <= 0)
        return 0;
    vcm_masterpiece mp;
    int mr = vcm_web_masterpiece(req, s, &o, &mp);
    if (mr < 0)
        return vcm_web_store_error(req, resp, s);
    /* a masterpiece's summary is why it is one: its statements */
    if (mr == 1 && o.statement.n)
        o.description = o.statement;
    if (!o.nmedia)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "iiif.no_manifest"));
    vcm_museum mu;
    int r = s->ops->museum_get(s, req->arena, o.museum_id, &mu);
    if (r <= 0)
        return vcm_web_store_error(req, resp, s);
    return vcm_web_jsonld(req, resp, vcm_web_manifest(req, &o, &mu), PRES_CONTEXT);
}

/* A collection of the manifests of a museum (museum), of a country
 * (country) or of all: the first page names the others; each page lists up
 * to COLLECTION_PAGE manifests. */
static int collection(vcm_req *req, vcm_resp *resp, int64_t museum, const char *country,
                      const char *path, json_t *label)
{
    vcm_params prm;
    if (!vcm_web_params(req, resp, VCM_ROUTE_COLLECTION, &prm, NULL)) {
        json_decref(label);
        return 0;
    }
    long page = (long)vcm_params_int(&prm, VCM_P_PAGE, 0);
    /* the filter as every route makes it from its query (the collections
     * take no filter parameter: all of it comes from the path) */
    vcm_filter fl, *f = &fl;
    vcm_params_filter(&prm, f);
    f->museum = museum;
    if (country)
        memcpy(f->country, country, 3);
    vcm_store *s = vcm_web_store(req, resp);
    if (!s) {
        json_decref(label);
        return 0;
    }
    f->image = VCM_YES; /* a manifest needs an image */
    int64_t total;
    if (s->ops->object_count(s, f, &total) < 0) {
        json_decref(label);
        return vcm_web_store_error(req, resp, s);
    }
    int64_t pages = (total + COLLECTION_PAGE - 1) / COLLECTION_PAGE;
    const char *base = vcm_web_base(req);
    const char *top = vcm_arena_printf(req->arena, "%s%s", base, path);
    json_t *d = json_object();
    json_object_set_new(d, "@context", json_string(PRES_CONTEXT));
    json_object_set_new(d, "type", json_string("Collection"));
    json_object_set_new(d, "label", label);
    json_t *items = json_array();
    if (page == 0 && pages > 1) {
        /* the collection of pages, each page a collection itself */
        json_object_set_new(d, "id", json_string(top));
        for (int64_t p = 1; p <= pages; p++) {
            char l[64];
            snprintf(l, sizeof l, "%lld", (long long)p);
            json_array_append_new(items, json_pack("{s:s, s:s, s:o}", "id",
                                                   vcm_arena_printf(req->arena, "%s?page=%lld",
                                                                    top, (long long)p),
                                                   "type", "Collection", "label",
                                                   lmap1("none", l)));
        }
    } else {
        if (page > 1 && page > pages) {
            json_decref(d);
            return vcm_web_error(req, resp, 404, vcm_web_t(req, "iiif.no_such_page"));
        }
        json_object_set_new(d, "id", json_string(page ? vcm_arena_printf(req->arena, "%s?page=%ld",
                                                                        top, page)
                                                      : top));
        if (page)
            json_object_set_new(d, "partOf", json_pack("[{s:s, s:s}]", "id", top, "type",
                                                       "Collection"));
        f->offset = page > 1 ? (page - 1) * COLLECTION_PAGE : 0;
        f->limit = COLLECTION_PAGE;
        vcm_object *list;
        size_t n;
        if (s->ops->object_list(s, req->arena, f, &list, &n) < 0) {
            json_decref(d);
            return vcm_web_store_error(req, resp, s);
        }
        for (size_t i = 0; i < n; i++) {
            json_t *it = json_pack("{s:s, s:s, s:o}", "id",
                                   vcm_arena_printf(req->arena, "%s/iiif/manifest/%lld", base,
                                                    (long long)list[i].id),
                                   "type", "Manifest", "label",
                                   list[i].title.n ? lmap(&list[i].title)
                                                   : lmap1("en", vcm_t("en", "object.untitled")));
            if (list[i].nmedia)
                json_object_set_new(it, "thumbnail",
                                    json_pack("[o]", thumbnail(req, &list[i].media[0], 200)));
            json_array_append_new(items, it);
        }
    }
    json_object_set_new(d, "items", items);
    return vcm_web_jsonld(req, resp, d, PRES_CONTEXT);
}

/* The top collection: the masterpieces (the museums' published entries)
 * that have an image, then each museum's whole catalogue as a collection
 * of its own, so that a IIIF client finds both and knows which is which.
 * While no masterpiece is published: the catalogue's manifests, paged. */
int vcm_iiif_collection_top(vcm_req *req, vcm_resp *resp)
{
    vcm_params prm;
    if (!vcm_web_params(req, resp, VCM_ROUTE_COLLECTION, &prm, NULL))
        return 0;
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    int64_t *ids;
    size_t n;
    vcm_museum *ms;
    size_t nm;
    if (vcm_masterpiece_ids(s, req->arena, &ids, &n) < 0 ||
        s->ops->museum_list(s, req->arena, "", &ms, &nm) < 0)
        return vcm_web_store_error(req, resp, s);
    /* while no masterpiece is published, the catalogue (as browse does) */
    if (n == 0)
        return collection(req, resp, 0, NULL, "/iiif/collection/top",
                          lmap1("en", vcm_t("en", "site.name")));
    if (vcm_params_int(&prm, VCM_P_PAGE, 1) > 1)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "iiif.no_such_page"));
    vcm_object *objs = vcm_arena_alloc(req->arena, (n + 1) * sizeof *objs);
    bool *found = vcm_arena_alloc(req->arena, (n + 1) * sizeof *found);
    if (!objs || !found)
        return -1;
    if (n && s->ops->object_get_many(s, req->arena, ids, n, objs, found) < 0)
        return vcm_web_store_error(req, resp, s);
    const char *base = vcm_web_base(req);
    json_t *d = json_object(), *items = json_array();
    json_object_set_new(d, "@context", json_string(PRES_CONTEXT));
    json_object_set_new(d, "id", json_string(vcm_arena_printf(req->arena, "%s/iiif/collection/top",
                                                               base)));
    json_object_set_new(d, "type", json_string("Collection"));
    json_object_set_new(d, "label", lmap1("en", vcm_t("en", "site.name")));
    json_object_set_new(d, "summary", lmap1("en", vcm_t("en", "iiif.top_summary")));
    for (size_t i = 0; i < n; i++) {
        vcm_object *o = &objs[i];
        vcm_masterpiece mp;
        if (!found[i] || o->status != VCM_PUBLISHED || !o->nmedia)
            continue;
        int r = vcm_web_masterpiece(req, s, o, &mp);
        if (r < 0) {
            json_decref(d);
            json_decref(items);
            return vcm_web_store_error(req, resp, s);
        }
        if (r == 0)
            continue;
        json_t *it = json_pack("{s:s, s:s, s:o}", "id",
                               vcm_arena_printf(req->arena, "%s/iiif/manifest/%lld", base,
                                                (long long)o->id),
                               "type", "Manifest", "label",
                               o->title.n ? lmap(&o->title)
                                          : lmap1("en", vcm_t("en", "object.untitled")));
        json_object_set_new(it, "thumbnail", json_pack("[o]", thumbnail(req, &o->media[0], 200)));
        json_array_append_new(items, it);
    }
    for (size_t i = 0; i < nm; i++) {
        const char *label = vcm_arena_printf(req->arena, "%s: %s", vcm_web_name(&ms[i].names),
                                             vcm_t("en", "iiif.catalogue"));
        json_array_append_new(items, json_pack("{s:s, s:s, s:o}", "id",
                                               vcm_arena_printf(req->arena,
                                                                "%s/iiif/collection/museum/%lld",
                                                                base, (long long)ms[i].id),
                                               "type", "Collection", "label",
                                               lmap1("en", label)));
    }
    json_object_set_new(d, "items", items);
    return vcm_web_jsonld(req, resp, d, PRES_CONTEXT);
}

int vcm_iiif_collection_museum(vcm_req *req, vcm_resp *resp)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_museum m;
    int r = id ? s->ops->museum_get(s, req->arena, id, &m) : 0;
    if (r < 0)
        return vcm_web_store_error(req, resp, s);
    if (r == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    char path[64];
    snprintf(path, sizeof path, "/iiif/collection/museum/%lld", (long long)id);
    return collection(req, resp, id, NULL, path, lmap(&m.names));
}

int vcm_iiif_collection_country(vcm_req *req, vcm_resp *resp)
{
    const char *code = vcm_req_param(req, "code");
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_country c;
    char up[3] = "";
    if (code && strlen(code) == 2) {
        up[0] = (char)(code[0] & ~0x20);
        up[1] = (char)(code[1] & ~0x20);
    }
    int r = up[0] ? s->ops->country_get(s, req->arena, up, &c) : 0;
    if (r < 0)
        return vcm_web_store_error(req, resp, s);
    if (r == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "country.missing_code"));
    char path[64];
    snprintf(path, sizeof path, "/iiif/collection/country/%s", up);
    return collection(req, resp, 0, up, path, lmap(&c.names));
}

/* Change Discovery: an OrderedCollection whose pages list the activities
 * oldest first; a harvester reads from the last page backwards until it
 * reaches what it has seen. */
int vcm_iiif_activity(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_activity *list;
    size_t n;
    int64_t total;
    if (s->ops->activity_list(s, req->arena, 0, 0, &list, &n, &total) < 0)
        return vcm_web_store_error(req, resp, s);
    int64_t pages = total ? (total + ACTIVITY_PAGE - 1) / ACTIVITY_PAGE : 1;
    const char *base = vcm_web_base(req);
    json_t *d = json_object();
    json_object_set_new(d, "@context", json_string(DISCOVERY_CONTEXT));
    json_object_set_new(d, "id", json_string(vcm_arena_printf(req->arena, "%s/iiif/activity/",
                                                              base)));
    json_object_set_new(d, "type", json_string("OrderedCollection"));
    json_object_set_new(d, "totalItems", json_integer(total));
    json_object_set_new(d, "first", json_pack("{s:s, s:s}", "id",
                                              vcm_arena_printf(req->arena,
                                                               "%s/iiif/activity/page/0", base),
                                              "type", "OrderedCollectionPage"));
    json_object_set_new(d, "last",
                        json_pack("{s:s, s:s}", "id",
                                  vcm_arena_printf(req->arena, "%s/iiif/activity/page/%lld", base,
                                                   (long long)(pages - 1)),
                                  "type", "OrderedCollectionPage"));
    return vcm_web_jsonld(req, resp, d, DISCOVERY_CONTEXT);
}

int vcm_iiif_activity_page(vcm_req *req, vcm_resp *resp)
{
    const char *pv = vcm_req_param(req, "n");
    char *end = NULL;
    long page = pv ? strtol(pv, &end, 10) : -1;
    if (!pv || !*pv || *end || page < 0 || page > 100000000)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "iiif.no_such_activity_page"));
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_activity *list;
    size_t n;
    int64_t total;
    if (s->ops->activity_list(s, req->arena, (int64_t)page * ACTIVITY_PAGE, ACTIVITY_PAGE, &list,
                              &n, &total) < 0)
        return vcm_web_store_error(req, resp, s);
    int64_t pages = total ? (total + ACTIVITY_PAGE - 1) / ACTIVITY_PAGE : 1;
    if (page >= pages)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "iiif.no_such_activity_page"));
    const char *base = vcm_web_base(req);
    json_t *d = json_object();
    json_object_set_new(d, "@context", json_string(DISCOVERY_CONTEXT));
    json_object_set_new(d, "id", json_string(vcm_arena_printf(
                                     req->arena, "%s/iiif/activity/page/%ld", base, page)));
    json_object_set_new(d, "type", json_string("OrderedCollectionPage"));
    json_object_set_new(d, "startIndex", json_integer((json_int_t)page * ACTIVITY_PAGE));
    json_object_set_new(d, "partOf", json_pack("{s:s, s:s}", "id",
                                               vcm_arena_printf(req->arena, "%s/iiif/activity/",
                                                                base),
                                               "type", "OrderedCollection"));
    if (page > 0)
        json_object_set_new(d, "prev", json_pack("{s:s, s:s}", "id",
                                                 vcm_arena_printf(req->arena,
                                                                  "%s/iiif/activity/page/%ld",
                                                                  base, page - 1),
                                                 "type", "OrderedCollectionPage"));
    if (page + 1 < pages)
        json_object_set_new(d, "next", json_pack("{s:s, s:s}", "id",
                                                 vcm_arena_printf(req->arena,
                                                                  "%s/iiif/activity/page/%ld",
                                                                  base, page + 1),
                                                 "type", "OrderedCollectionPage"));
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        char t[32];
        vcm_time_iso(list[i].time, t);
        json_array_append_new(
            items, json_pack("{s:s, s:{s:s, s:s}, s:s}", "type", list[i].type, "object", "id",
                             vcm_arena_printf(req->arena, "%s/iiif/manifest/%lld", base,
                                              (long long)list[i].object_id),
                             "type", "Manifest", "endTime", t));
    }
    json_object_set_new(d, "orderedItems", items);
    return vcm_web_jsonld(req, resp, d, DISCOVERY_CONTEXT);
}
