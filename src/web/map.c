/* The map (web/curation.h): the member museums as points and the origins
 * of the published objects as shaded countries, drawn on the server as SVG
 * from Natural Earth's 1:110m countries (data/map/countries.tsv, built into
 * the program; data/map/README.md), with no tile server and nothing to run
 * in the browser. The same figures are listed beside the map, for readers
 * who cannot see it.
 *
 * Projection: equirectangular in tenths of a degree (x = (lon + 180) * 10,
 * y = (90 - lat) * 10), as the file's outlines are; the view leaves out
 * the far north and Antarctica. Shading: five steps by the count's order
 * of magnitude, so a few objects still show. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/asset.h"
#include "model/country.h"
#include "store/theme.h"
#include "web/curation.h"
#include "core/banned.h"

#define MAP_FILE "data/map/countries.tsv"

/* The legend stands in the South Pacific, from y 1130 (about 23° S) down. */
/* Light to dark: no objects, then 1-9, 10-99, 100-999, 1000-9999, more. */
static const char *const shades[] = {"#ebe7df", "#f3d9b1", "#e4b273", "#cf8a45",
                                     "#a65f27", "#74401a"};

static int shade(int64_t n)
{
    int s = 0;
    while (n > 0 && s < 5) {
        s++;
        n /= 10;
    }
    return s;
}

static const char *country_name(vcm_req *req, const char *code, const char *fallback)
{
    /* ICU's name of the country in the visitor's language (l10n.h) */
    vcm_country c;
    if (vcm_country_from_code(&c, req->arena, code) == 0) {
        const char *n = vcm_web_country_name(req, &c);
        if (n && n[0])
            return n;
    }
    return fallback;
}

static int64_t count_of(const vcm_name_count *c, size_t n, const char *iso)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].name, iso) == 0)
            return c[i].count;
    return 0;
}

/* The shapes of the built-in file, each with its count: [{d, fill, label}] */
static json_t *shapes_json(vcm_req *req, const vcm_name_count *c, size_t nc)
{
    json_t *list = json_array();
    const struct vcm_asset *f = vcm_asset_find(MAP_FILE);
    if (!f)
        return list;
    const char *p = (const char *)f->data, *end = p + f->len;
    bool header = true;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        const char *t1 = memchr(p, '\t', (size_t)(line_end - p));
        const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(line_end - t1 - 1)) : NULL;
        if (!header && t1 && t2 && t1 - p <= 2) {
            char iso[3] = "";
            memcpy(iso, p, (size_t)(t1 - p));
            const char *name = vcm_arena_strndup(req->arena, t1 + 1, (size_t)(t2 - t1 - 1));
            const char *d = vcm_arena_strndup(req->arena, t2 + 1, (size_t)(line_end - t2 - 1));
            int64_t n = iso[0] ? count_of(c, nc, iso) : 0;
            const char *label = iso[0] ? country_name(req, iso, name) : name;
            json_array_append_new(
                list, json_pack("{s:s, s:s, s:s, s:s}", "d", d ? d : "", "fill",
                                shades[shade(n)], "iso", iso, "label",
                                n ? vcm_web_tnv(req, "map.shape", n, 1,
                                                (const char *[]){label ? label : ""})
                                  : (label ? label : "")));
        }
        header = false;
        p = line_end + 1;
    }
    return list;
}

int vcm_page_map(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_name_count *c;
    size_t nc;
    vcm_museum_point *m;
    size_t nm;
    if (vcm_origin_country_counts(s, req->arena, &c, &nc) < 0 ||
        vcm_museum_points(s, req->arena, &m, &nm) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *origins = json_array(), *museums = json_array();
    for (size_t i = 0; i < nc; i++) {
        const char *url = vcm_arena_printf(req->arena, "/browse?origin=%s", c[i].name);
        json_array_append_new(origins,
                              json_pack("{s:s, s:s, s:I, s:s}", "iso", c[i].name, "name",
                                        country_name(req, c[i].name, c[i].name), "count",
                                        (json_int_t)c[i].count, "url", vcm_web_href(req, url)));
    }
    for (size_t i = 0; i < nm; i++) {
        if (!isfinite(m[i].lat) || !isfinite(m[i].lon) || fabs(m[i].lat) > 90 ||
            fabs(m[i].lon) > 180)
            continue;
        json_array_append_new(
            museums,
            json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "id", (json_int_t)m[i].id,
                      "name", m[i].name ? m[i].name : "", "city", m[i].city ? m[i].city : "",
                      "country", country_name(req, m[i].country, m[i].country), "count",
                      (json_int_t)m[i].count, "x", (json_int_t)lround((m[i].lon + 180) * 10),
                      "y", (json_int_t)lround((90 - m[i].lat) * 10), "url",
                      vcm_web_href(req, vcm_arena_printf(req->arena, "/museums/%lld",
                                                         (long long)m[i].id))));
    }
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "map.title")));
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "map.intro")));
    json_object_set_new(d, "shapes", shapes_json(req, c, nc));
    json_object_set_new(d, "origins", origins);
    json_object_set_new(d, "museums", museums);
    json_t *legend = json_array();
    /* the steps' bounds as numbers of the visitor's language: none, 1 to 9,
     * ..., 10,000 or more */
    for (int i = 0; i < 6; i++) {
        int64_t lo = 1, hi;
        for (int k = 1; k < i; k++)
            lo *= 10;
        hi = lo * 10 - 1;
        const char *label =
            i == 0   ? vcm_web_t(req, "map.legend.none")
            : i == 5 ? vcm_web_tf(req, "map.legend.more", vcm_web_count(req, lo))
                     : vcm_web_tfv(req, "map.legend.range", 2,
                                   (const char *[]){vcm_web_count(req, lo),
                                                    vcm_web_count(req, hi)});
        json_array_append_new(legend, json_pack("{s:s, s:s, s:i}", "fill", shades[i], "label",
                                                label, "y", 1130 + i * 52));
    }
    json_object_set_new(d, "legend", legend);
    return vcm_web_page(req, resp, "map", d);
}
