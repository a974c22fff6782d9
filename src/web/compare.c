/* The comparison page, /compare ("Self and Other"): two to four published
 * records side by side (web/vexhibit.h).
 *
 * Without JavaScript the page shows each record's image (or the part of
 * it the shared view names) and its data side by side. With JavaScript,
 * static/compare.js puts a deep-zoom viewer over each image and keeps
 * their zoom and pan together (a checkbox unlinks them), and writes the
 * view into the address as it changes.
 *
 * Parameters:
 *   objects=ID,ID[,ID[,ID]]  the records, in order
 *   add=ID                   one more (the "compare with…" forms)
 *   iiif-content=STATE       the view, as IIIF Content State
 *                            (io/content_state.h): each target a record's
 *                            canvas (its manifest's canvas 1), with the
 *                            region in view; alone it names the records.
 * A wrong count, an id that is not a number or a state that cannot be read
 * is a 400 page saying which; a record that is not public a 404. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "io/content_state.h"
#include "web/vexhibit.h"
#include "core/banned.h"

#define COMPARE_MIN 2
#define COMPARE_MAX VCM_CS_TARGETS

/* The record a canvas of ours names (…/iiif/manifest/ID/canvas/N), or 0. */
static int64_t canvas_object(const char *canvas)
{
    const char *p = strstr(canvas, "/iiif/manifest/");
    if (!p)
        return 0;
    p += strlen("/iiif/manifest/");
    char *end;
    long long id = strtoll(p, &end, 10);
    if (end == p || id <= 0 || strncmp(end, "/canvas/", 8) != 0)
        return 0;
    return (int64_t)id;
}

/* Appends the ids of list ("1,2,3") to ids; -1 when one is not an id or
 * there are more than max. */
static int parse_ids(const char *list, int64_t *ids, size_t *n, size_t max)
{
    for (const char *p = list; p && *p;) {
        char *end;
        if (*p < '0' || *p > '9')
            return -1;
        long long v = strtoll(p, &end, 10);
        if (v <= 0 || (*end && *end != ','))
            return -1;
        if (*n >= max)
            return -2;
        ids[(*n)++] = (int64_t)v;
        p = *end ? end + 1 : end;
    }
    return 0;
}

static const char *ids_text(vcm_req *req, const int64_t *ids, size_t n)
{
    vcm_buf b;
    vcm_buf_init(&b, 256);
    for (size_t i = 0; i < n; i++)
        vcm_buf_printf(&b, "%s%lld", i ? "," : "", (long long)ids[i]);
    const char *r = vcm_arena_strdup(req->arena, b.data ? b.data : "");
    vcm_buf_release(&b);
    return r;
}

int vcm_compare_page(vcm_req *req, vcm_resp *resp)
{
    int64_t ids[COMPARE_MAX + 1];
    size_t n = 0;
    const char *objects = vcm_req_query_get(req, "objects"), *add = vcm_req_query_get(req, "add");
    const char *state = vcm_req_query_get(req, "iiif-content");
    int pr = parse_ids(objects, ids, &n, COMPARE_MAX + 1);
    if (pr == 0 && add && *add)
        pr = parse_ids(add, ids, &n, COMPARE_MAX + 1);
    if (pr == -1)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "compare.err.ids"));
    vcm_content_state cs = {0};
    if (state && *state) {
        char err[200];
        if (vcm_content_state_decode(state, strlen(state), &cs, err, sizeof err) < 0)
            return vcm_web_error(req, resp, 400, vcm_web_t(req, "compare.err.state"));
        for (size_t i = 0; i < cs.n; i++)
            if (!canvas_object(cs.t[i].canvas))
                return vcm_web_error(req, resp, 400, vcm_web_t(req, "compare.err.canvas"));
        /* the state alone names the records */
        if (n == 0)
            for (size_t i = 0; i < cs.n; i++)
                ids[n++] = canvas_object(cs.t[i].canvas);
    }
    if (n < COMPARE_MIN)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "compare.err.few"));
    if (n > COMPARE_MAX || pr == -2)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "compare.err.many"));
    /* each target's region goes to the first record of its canvas not
     * given one yet */
    const vcm_cs_target *region[COMPARE_MAX] = {0};
    for (size_t i = 0; i < cs.n; i++) {
        int64_t oid = canvas_object(cs.t[i].canvas);
        for (size_t k = 0; k < n; k++)
            if (ids[k] == oid && !region[k]) {
                /* a target without a region still takes its record's turn */
                region[k] = &cs.t[i];
                break;
            }
    }
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    json_t *d = json_object(), *arr = json_array();
    vcm_content_state share = {.n = n};
    for (size_t i = 0; i < n; i++) {
        vcm_object o;
        int r = s->ops->object_get(s, req->arena, ids[i], &o);
        if (r < 0) {
            json_decref(d), json_decref(arr);
            return vcm_web_store_error(req, resp, s);
        }
        if (r == 0 || o.status != VCM_PUBLISHED) {
            json_decref(d), json_decref(arr);
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)ids[i]);
            return vcm_web_error(req, resp, 404, vcm_web_tf(req, "compare.err.missing", id));
        }
        vcm_museum m;
        const char *museum = "";
        if (s->ops->museum_get(s, req->arena, o.museum_id, &m) == 1)
            museum = vcm_web_museum_name(req, s, &m);
        const char *title = vcm_web_title(req, &o);
        json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)o.id, "title", title,
                              "url",
                              vcm_web_href(req, vcm_arena_printf(req->arena, "/objects/%lld",
                                                                 (long long)o.id)),
                              "museum", museum, "n", (json_int_t)(i + 1));
        if (o.ncreators)
            json_object_set_new(j, "creator", json_string(o.creators[0]));
        if (o.date_text)
            json_object_set_new(j, "date", json_string(o.date_text));
        if (o.materials)
            json_object_set_new(j, "materials", json_string(o.materials));
        if (o.dimensions)
            json_object_set_new(j, "dimensions", json_string(o.dimensions));
        const char *canvas = vcm_arena_printf(req->arena, "%s/iiif/manifest/%lld/canvas/1",
                                              vcm_web_base(req), (long long)o.id);
        json_object_set_new(j, "canvas", json_string(canvas));
        vcm_cs_target *t = &share.t[i];
        snprintf(t->canvas, sizeof t->canvas, "%s", canvas);
        vcm_vx_item it = {0};
        if (region[i] && region[i]->region) {
            it.x = region[i]->x, it.y = region[i]->y, it.w = region[i]->w, it.h = region[i]->h;
            t->region = true;
            t->x = it.x, t->y = it.y, t->w = it.w, t->h = it.h;
            json_object_set_new(j, "region",
                                json_string(vcm_arena_printf(req->arena, "%lld,%lld,%lld,%lld",
                                                             (long long)it.x, (long long)it.y,
                                                             (long long)it.w, (long long)it.h)));
        }
        if (o.nmedia) {
            json_object_set_new(j, "img", json_string(vcm_vx_image_url(req, &o, &it, 800)));
            json_object_set_new(j, "img2x", json_string(vcm_vx_image_url(req, &o, &it, 1600)));
            json_object_set_new(j, "info",
                                json_string(vcm_arena_printf(
                                    req->arena, "%s/info.json",
                                    vcm_web_iiif_path(req, o.media[0].identifier))));
            json_object_set_new(j, "alt", json_string(it.w > 0 ? vcm_web_tf(req, "vx.detail_of", title)
                                                                : title));
        }
        /* the comparison without this record */
        int64_t rest[COMPARE_MAX];
        size_t nr = 0;
        for (size_t k = 0; k < n; k++)
            if (k != i)
                rest[nr++] = ids[k];
        if (nr >= COMPARE_MIN)
            json_object_set_new(j, "remove",
                                json_string(vcm_web_href(
                                    req, vcm_arena_printf(req->arena, "/compare?objects=%s",
                                                          ids_text(req, rest, nr)))));
        json_array_append_new(arr, j);
    }
    vcm_buf enc;
    vcm_buf_init(&enc, VCM_CS_MAX_PARAM * 2);
    const char *list = ids_text(req, ids, n);
    const char *link = vcm_arena_printf(req->arena, "/compare?objects=%s", list);
    if (vcm_content_state_encode(&share, &enc) == 0)
        link = vcm_arena_printf(req->arena, "/compare?objects=%s&iiif-content=%s", list, enc.data);
    vcm_buf_release(&enc);
    link = vcm_web_href(req, link); /* shared from a /ko/ page, it opens in Korean */
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "compare.title")));
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "compare.intro")));
    json_object_set_new(d, "objects", arr);
    json_object_set_new(d, "count", json_integer((json_int_t)n));
    json_object_set_new(d, "ids", json_string(list));
    json_object_set_new(d, "share", json_string(link));
    json_object_set_new(d, "share_abs", json_string(vcm_arena_printf(req->arena, "%s%s",
                                                                     vcm_web_base(req), link)));
    json_object_set_new(d, "can_add", json_boolean(n < COMPARE_MAX));
    json_object_set_new(d, "canonical",
                        json_string(vcm_arena_printf(req->arena, "%s/compare?objects=%s",
                                                     vcm_web_base(req), list)));
    json_object_set_new(d, "compare_js", json_true());
    return vcm_web_page(req, resp, "compare", d);
}
