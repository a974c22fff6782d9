/* Virtual exhibitions, the public side (web/vexhibit.h): the list, one
 * exhibition's page, its IIIF manifest and the read API. Only the live
 * version of a published exhibition is ever read here, and only the items
 * whose records are public are shown (a record withdrawn after the
 * publication drops out of the page rather than leaking).
 *
 * A page works without JavaScript: a detail is an image the IIIF Image
 * API cuts from the record's first image (region x,y,w,h), so the server
 * sends the detail itself, not the whole image and a script to frame it. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "web/vexhibit.h"
#include "core/banned.h"

#define PRES_CONTEXT "http://iiif.io/api/presentation/3/context.json"

const char *vcm_vx_text(vcm_req *req, const vcm_ltexts *t, const char **lang)
{
    const vcm_ltext *v = vcm_ltexts_pick(t, vcm_web_lang(req));
    if (lang)
        *lang = v ? v->lang : "";
    return v && v->text ? v->text : "";
}

int vcm_vx_load_live(vcm_req *req, vcm_resp *resp, vcm_store **s, vcm_vx *vx, vcm_vx_data *d)
{
    if (!(*s = vcm_web_store(req, resp)))
        return 0;
    int rc = vcm_vx_live(*s, req->arena, vcm_req_param(req, "slug"), vx, d);
    if (rc < 0)
        return vcm_web_store_error(req, resp, *s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "vx.missing"));
    return 1;
}

const char *vcm_vx_image_url(vcm_req *req, const vcm_object *o, const vcm_vx_item *it, int size)
{
    if (!o->nmedia)
        return NULL;
    const char *svc = vcm_web_iiif_path(req, o->media[0].identifier);
    if (!svc)
        return NULL;
    if (it && it->w > 0)
        return vcm_arena_printf(req->arena, "%s/%lld,%lld,%lld,%lld/!%d,%d/0/default.jpg", svc,
                                (long long)it->x, (long long)it->y, (long long)it->w,
                                (long long)it->h, size, size);
    return vcm_arena_printf(req->arena, "%s/full/!%d,%d/0/default.jpg", svc, size, size);
}

/* Paragraphs of a text: split on blank lines. */
static json_t *paragraphs(const char *text)
{
    json_t *arr = json_array();
    vcm_buf b;
    vcm_buf_init(&b, 1 << 20);
    for (const char *p = text; p && *p;) {
        const char *end = strstr(p, "\n\n");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' '))
            n--;
        while (n && (*p == '\n' || *p == '\r' || *p == ' '))
            p++, n--;
        if (n) {
            vcm_buf_reset(&b);
            vcm_buf_append(&b, p, n);
            if (!b.toobig)
                json_array_append_new(arr, json_string(b.data));
        }
        if (!end)
            break;
        p = end + 2;
    }
    vcm_buf_release(&b);
    return arr;
}

/* A public record of an item (1), 0 when it is not public, -1. */
static int item_object(vcm_req *req, vcm_store *s, int64_t id, vcm_object *o)
{
    int r = s->ops->object_get(s, req->arena, id, o);
    if (r <= 0)
        return r;
    return o->status == VCM_PUBLISHED;
}

static json_t *item_json(vcm_req *req, const vcm_object *o, const vcm_vx_item *it)
{
    const char *title = vcm_web_title(req, o), *clang;
    const char *caption = vcm_vx_text(req, &it->caption, &clang);
    json_t *j = json_pack("{s:I, s:s, s:s, s:b}", "object_id", (json_int_t)o->id, "title",
                          title, "url",
                          vcm_web_href(req, vcm_arena_printf(req->arena, "/objects/%lld",
                                                             (long long)o->id)),
                          "detail", it->w > 0);
    if (*caption) {
        json_object_set_new(j, "caption", json_string(caption));
        json_object_set_new(j, "caption_lang", json_string(clang));
    }
    const char *img = vcm_vx_image_url(req, o, it, 600);
    if (img) {
        json_object_set_new(j, "img", json_string(img));
        json_object_set_new(j, "img2x", json_string(vcm_vx_image_url(req, o, it, 1200)));
        json_object_set_new(j, "alt", json_string(
                                          it->w > 0 ? vcm_web_tf(req, "vx.detail_of", title)
                                                    : title));
    }
    if (it->w > 0)
        json_object_set_new(j, "region",
                            json_string(vcm_arena_printf(req->arena, "%lld,%lld,%lld,%lld",
                                                         (long long)it->x, (long long)it->y,
                                                         (long long)it->w, (long long)it->h)));
    return j;
}

/* The page's (and the API's) document of the live content d. */
static json_t *vx_json(vcm_req *req, vcm_store *s, const vcm_vx *vx, const vcm_vx_data *d,
                       bool api, bool *failed)
{
    const char *tl, *il;
    const char *title = vcm_vx_text(req, &d->title, &tl), *intro = vcm_vx_text(req, &d->intro, &il);
    json_t *j = json_pack("{s:s, s:s, s:s}", "slug", vx->slug, "title", title, "title_lang", tl);
    json_object_set_new(j, "intro", paragraphs(intro));
    json_object_set_new(j, "intro_lang", json_string(il));
    json_object_set_new(j, "url", json_string(vcm_web_href(
                                      req, vcm_arena_printf(req->arena, "/exhibitions/%s",
                                                            vx->slug))));
    json_object_set_new(j, "manifest",
                        json_string(vcm_arena_printf(req->arena, "/iiif/exhibition/%s",
                                                     vx->slug)));
    if (api) {
        json_object_set_new(j, "titles", vcm_web_ltexts(&d->title));
        json_object_set_new(j, "intros", vcm_web_ltexts(&d->intro));
        json_object_set_new(j, "version", json_integer(vx->live_version));
        json_object_set_new(j, "published", json_integer(vx->published));
    }
    json_t *secs = json_array();
    for (size_t i = 0; i < d->nsections; i++) {
        const vcm_vx_section *sec = &d->sections[i];
        const char *sl, *xl;
        const char *st = vcm_vx_text(req, &sec->title, &sl), *sx = vcm_vx_text(req, &sec->text, &xl);
        json_t *sj = json_pack("{s:I, s:s, s:s, s:s}", "n", (json_int_t)(i + 1), "title", st,
                               "title_lang", sl, "text_lang", xl);
        json_object_set_new(sj, "paragraphs", paragraphs(sx));
        if (api) {
            json_object_set_new(sj, "titles", vcm_web_ltexts(&sec->title));
            json_object_set_new(sj, "texts", vcm_web_ltexts(&sec->text));
        }
        json_t *items = json_array();
        vcm_buf ids;
        vcm_buf_init(&ids, 256);
        int distinct = 0;
        int64_t seen[VCM_VX_ITEMS_MAX];
        for (size_t k = 0; k < sec->nitems; k++) {
            vcm_object o;
            int r = item_object(req, s, sec->items[k].object_id, &o);
            if (r < 0) {
                *failed = true;
                break;
            }
            if (r == 0)
                continue;
            json_array_append_new(items, item_json(req, &o, &sec->items[k]));
            bool dup = false;
            for (int m = 0; m < distinct; m++)
                dup = dup || seen[m] == o.id;
            if (!dup && distinct < 4 && distinct < VCM_VX_ITEMS_MAX) {
                seen[distinct++] = o.id;
                vcm_buf_printf(&ids, "%s%lld", distinct > 1 ? "," : "", (long long)o.id);
            }
        }
        json_object_set_new(sj, "items", items);
        /* compare two (to four) objects of the section side by side */
        if (distinct >= 2 && !ids.toobig)
            json_object_set_new(sj, "compare",
                                json_string(vcm_web_href(
                                    req, vcm_arena_printf(req->arena, "/compare?objects=%s",
                                                          ids.data))));
        vcm_buf_release(&ids);
        json_array_append_new(secs, sj);
    }
    json_object_set_new(j, "sections", secs);
    return j;
}

int vcm_vx_list_page(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_vx *list;
    size_t n;
    if (vcm_vx_list(s, req->arena, true, &list, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *arr = json_array();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "vx.list.title")));
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "vx.list.intro")));
    for (size_t i = 0; i < n; i++) {
        vcm_vx_version v;
        int r = vcm_vx_version_get(s, req->arena, list[i].id, list[i].live_version, &v);
        if (r < 0)
            return vcm_web_store_error(req, resp, s);
        if (r == 0)
            continue;
        const char *tl, *il;
        const char *title = vcm_vx_text(req, &v.data.title, &tl);
        const char *intro = vcm_vx_text(req, &v.data.intro, &il);
        json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "slug", list[i].slug, "title",
                              title, "title_lang", tl, "intro_lang", il, "url",
                              vcm_web_href(req, vcm_arena_printf(req->arena, "/exhibitions/%s",
                                                                 list[i].slug)),
                              "sections", (json_int_t)v.data.nsections);
        json_t *paras = paragraphs(intro);
        if (json_array_size(paras))
            json_object_set(e, "lead", json_array_get(paras, 0));
        json_decref(paras);
        /* the first image of the exhibition, as its cover */
        for (size_t k = 0; k < v.data.nsections && !json_object_get(e, "img"); k++)
            for (size_t m = 0; m < v.data.sections[k].nitems; m++) {
                vcm_object o;
                const vcm_vx_item *it = &v.data.sections[k].items[m];
                if (item_object(req, s, it->object_id, &o) == 1 && o.nmedia) {
                    json_object_set_new(e, "img", json_string(vcm_vx_image_url(req, &o, it, 400)));
                    json_object_set_new(e, "alt", json_string(vcm_web_title(req, &o)));
                    break;
                }
            }
        json_array_append_new(arr, e);
    }
    json_object_set_new(d, "exhibitions", arr);
    return vcm_web_page(req, resp, "vx_list", d);
}

int vcm_vx_page(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_vx vx;
    vcm_vx_data data;
    if (vcm_vx_load_live(req, resp, &s, &vx, &data) <= 0)
        return 0;
    bool failed = false;
    json_t *ex = vx_json(req, s, &vx, &data, false, &failed);
    if (failed) {
        json_decref(ex);
        return vcm_web_store_error(req, resp, s);
    }
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(json_string_value(json_object_get(ex, "title"))));
    json_t *intro = json_object_get(ex, "intro");
    if (json_array_size(intro))
        json_object_set(d, "meta_description", json_array_get(intro, 0));
    json_object_set_new(d, "exhibition", ex);
    return vcm_web_page(req, resp, "vx_page", d);
}

int vcm_api_vx_list(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_vx *list;
    size_t n;
    if (vcm_vx_list(s, req->arena, true, &list, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        vcm_vx_version v;
        int r = vcm_vx_version_get(s, req->arena, list[i].id, list[i].live_version, &v);
        if (r < 0)
            return vcm_web_store_error(req, resp, s);
        if (r == 1)
            json_array_append_new(
                arr, json_pack("{s:s, s:o, s:I, s:I, s:s, s:s}", "slug", list[i].slug, "titles",
                               vcm_web_ltexts(&v.data.title), "version",
                               (json_int_t)list[i].live_version, "published",
                               (json_int_t)list[i].published, "url",
                               vcm_arena_printf(req->arena, "/exhibitions/%s", list[i].slug),
                               "manifest",
                               vcm_arena_printf(req->arena, "/iiif/exhibition/%s", list[i].slug)));
    }
    return vcm_web_json(req, resp, 200, json_pack("{s:o}", "exhibitions", arr));
}

int vcm_api_vx(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_vx vx;
    vcm_vx_data data;
    if (vcm_vx_load_live(req, resp, &s, &vx, &data) <= 0)
        return 0;
    bool failed = false;
    json_t *ex = vx_json(req, s, &vx, &data, true, &failed);
    if (failed) {
        json_decref(ex);
        return vcm_web_store_error(req, resp, s);
    }
    return vcm_web_json(req, resp, 200, ex);
}

/* ---- the IIIF manifest ------------------------------------------------------------ */

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

static json_t *lmap1(const char *lang, const char *text)
{
    json_t *m = json_object();
    json_object_set_new(m, lang, json_pack("[s]", text));
    return m;
}

/* The canvas of record o's first image: the same id as in the record's own
 * manifest (web/manifest.c), so that an exhibition, a comparison's
 * content state and the record's manifest name one canvas alike. */
static const char *canvas_id(vcm_req *req, int64_t object_id)
{
    return vcm_arena_printf(req->arena, "%s/iiif/manifest/%lld/canvas/1", vcm_web_base(req),
                            (long long)object_id);
}

static json_t *canvas_json(vcm_req *req, const vcm_object *o)
{
    const vcm_media *m = &o->media[0];
    const char *base = vcm_web_base(req);
    const char *mid = vcm_arena_printf(req->arena, "%s/iiif/manifest/%lld", base, (long long)o->id);
    const char *svc = vcm_arena_printf(req->arena, "%s%s", base,
                                       vcm_web_iiif_path(req, m->identifier));
    json_t *body = json_pack("{s:s, s:s, s:s, s:i, s:i, s:[{s:s, s:s, s:s}]}", "id",
                             vcm_arena_printf(req->arena, "%s/full/max/0/default.jpg", svc),
                             "type", "Image", "format", "image/jpeg", "width", m->width,
                             "height", m->height, "service", "id", svc, "type", "ImageService3",
                             "profile", "level2");
    json_t *anno = json_pack("{s:s, s:s, s:s, s:o, s:s}", "id",
                             vcm_arena_printf(req->arena, "%s/annotation/1", mid), "type",
                             "Annotation", "motivation", "painting", "body", body, "target",
                             canvas_id(req, o->id));
    json_t *page = json_pack("{s:s, s:s, s:[o]}", "id",
                             vcm_arena_printf(req->arena, "%s/page/1", mid), "type",
                             "AnnotationPage", "items", anno);
    return json_pack("{s:s, s:s, s:o, s:i, s:i, s:[o]}", "id", canvas_id(req, o->id), "type",
                     "Canvas", "label", o->title.n ? lmap(&o->title) : lmap1("none", vcm_web_title(req, o)),
                     "width", m->width, "height", m->height, "items", page);
}

int vcm_vx_manifest(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_vx vx;
    vcm_vx_data d;
    if (vcm_vx_load_live(req, resp, &s, &vx, &d) <= 0)
        return 0;
    const char *base = vcm_web_base(req);
    const char *id = vcm_arena_printf(req->arena, "%s/iiif/exhibition/%s", base, vx.slug);
    json_t *m = json_pack("{s:s, s:s, s:s, s:o}", "@context", PRES_CONTEXT, "id", id, "type",
                          "Manifest", "label", lmap(&d.title));
    if (d.intro.n)
        json_object_set_new(m, "summary", lmap(&d.intro));
    json_object_set_new(m, "homepage",
                        json_pack("[{s:s, s:s, s:o, s:s}]", "id",
                                  vcm_arena_printf(req->arena, "%s/exhibitions/%s", base, vx.slug),
                                  "type", "Text", "label", lmap(&d.title), "format",
                                  "text/html"));
    json_t *canvases = json_array(), *ranges = json_array();
    int64_t done[VCM_VX_SECTIONS_MAX * VCM_VX_ITEMS_MAX];
    size_t ndone = 0;
    for (size_t i = 0; i < d.nsections; i++) {
        const vcm_vx_section *sec = &d.sections[i];
        json_t *ritems = json_array();
        for (size_t k = 0; k < sec->nitems; k++) {
            const vcm_vx_item *it = &sec->items[k];
            vcm_object o;
            int r = item_object(req, s, it->object_id, &o);
            if (r < 0) {
                json_decref(m), json_decref(canvases), json_decref(ranges), json_decref(ritems);
                return vcm_web_store_error(req, resp, s);
            }
            if (r == 0 || !o.nmedia)
                continue;
            bool seen = false;
            for (size_t q = 0; q < ndone; q++)
                seen = seen || done[q] == o.id;
            if (!seen) {
                done[ndone++] = o.id;
                json_array_append_new(canvases, canvas_json(req, &o));
            }
            /* a detail: the part of the canvas its region names */
            json_t *sr = json_pack("{s:s, s:{s:s, s:s}}", "type", "SpecificResource", "source",
                                   "id", canvas_id(req, o.id), "type", "Canvas");
            if (it->w > 0)
                json_object_set_new(
                    sr, "selector",
                    json_pack("{s:s, s:s, s:s}", "type", "FragmentSelector", "conformsTo",
                              "http://www.w3.org/TR/media-frags/", "value",
                              vcm_arena_printf(req->arena, "xywh=%lld,%lld,%lld,%lld",
                                               (long long)it->x, (long long)it->y,
                                               (long long)it->w, (long long)it->h)));
            json_array_append_new(ritems, sr);
        }
        char n[32];
        snprintf(n, sizeof n, "%zu", i + 1);
        json_array_append_new(ranges,
                              json_pack("{s:s, s:s, s:o, s:o}", "id",
                                        vcm_arena_printf(req->arena, "%s/range/%zu", id, i + 1),
                                        "type", "Range", "label",
                                        sec->title.n ? lmap(&sec->title) : lmap1("none", n),
                                        "items", ritems));
    }
    if (json_array_size(canvases) == 0) {
        json_decref(m), json_decref(canvases), json_decref(ranges);
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "iiif.no_manifest"));
    }
    json_object_set_new(m, "items", canvases);
    json_object_set_new(m, "structures", ranges);
    return vcm_web_jsonld(req, resp, m, PRES_CONTEXT);
}
