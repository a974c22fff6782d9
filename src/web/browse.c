/* Browse: the masterpieces by default (the museums' published entries),
 * or, with view=catalogue or any filter, the catalogues: the collection as a grid of pages, narrowed by origin, region,
 * country, museum, classification, material, century, image and licence, each a link with its
 * count on the current result set, and by years (date=1600..1700). Every
 * active filter is a chip that removes it, and every page has its own URL,
 * so a view can be shared and bookmarked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/l10n.h"
#include "web/web.h"
#include "core/banned.h"

#define PER_PAGE 48

struct param {
    const char *key, *value;
};

/* "/browse?k=v&…" from the filter's parameters, with `key` set to `value`
 * (or removed when value is NULL) and a page number when page > 1. */
static const char *browse_url(const vcm_req *req, const struct param *ps, size_t n, const char *key,
                              const char *value, long page)
{
    vcm_arena *a = req->arena;
    vcm_buf b;
    vcm_buf_init(&b, 8192);
    vcm_buf_puts(&b, "/browse");
    char sep = '?';
    bool replaced = false;
    for (size_t i = 0; i < n; i++) {
        const char *v = ps[i].value;
        if (key && strcmp(ps[i].key, key) == 0) {
            v = value;
            replaced = true;
        }
        if (!v)
            continue;
        vcm_buf_putc(&b, sep);
        vcm_buf_puts(&b, ps[i].key);
        vcm_buf_putc(&b, '=');
        vcm_buf_urlenc(&b, v, strlen(v));
        sep = '&';
    }
    if (key && value && !replaced) {
        vcm_buf_printf(&b, "%c%s=", sep, key);
        vcm_buf_urlenc(&b, value, strlen(value));
        sep = '&';
    }
    if (page > 1)
        vcm_buf_printf(&b, "%cpage=%ld", sep, page);
    char *r = b.toobig ? NULL : vcm_arena_strndup(a, b.data, b.len);
    vcm_buf_release(&b);
    return vcm_web_href(req, r ? r : "/browse");
}

static json_t *facet_links(const vcm_req *req, const struct param *ps, size_t n, const char *key,
                           const vcm_facet *fs, size_t nf, const char *active)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < nf; i++) {
        json_t *f = json_object();
        bool on = active && strcmp(active, fs[i].value) == 0;
        json_object_set_new(f, "label", json_string(fs[i].label));
        json_object_set_new(f, "count", json_integer(fs[i].count));
        json_object_set_new(f, "active", json_boolean(on));
        json_object_set_new(f, "url",
                            json_string(browse_url(req, ps, n, key, on ? NULL : fs[i].value, 1)));
        json_array_append_new(arr, f);
    }
    return arr;
}

/* The masterpieces view: the published entries (of one museum when the
 * filter names it), a page of them, the entry's version laid over each
 * record. It takes no other filter: the catalogue view does. */
static int browse_masterpieces(vcm_req *req, vcm_resp *resp, vcm_store *s, int64_t museum,
                               long page, json_t *notes)
{
    vcm_masterpiece *mps;
    size_t n;
    int64_t total;
    if (vcm_masterpiece_list(s, req->arena, museum, (page - 1) * PER_PAGE, PER_PAGE, &mps, &n,
                             &total) < 0) {
        json_decref(notes);
        return vcm_web_store_error(req, resp, s);
    }
    int64_t pages = (total + PER_PAGE - 1) / PER_PAGE;
    if (page > 1 && page > pages) {
        json_decref(notes);
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "browse.no_such_page"));
    }
    int64_t *ids = vcm_arena_alloc(req->arena, (n + 1) * sizeof *ids);
    vcm_object *objs = vcm_arena_alloc(req->arena, (n + 1) * sizeof *objs);
    bool *found = vcm_arena_alloc(req->arena, (n + 1) * sizeof *found);
    if (!ids || !objs || !found) {
        json_decref(notes);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = mps[i].entry.object_id;
    if (n && s->ops->object_get_many(s, req->arena, ids, n, objs, found) < 0) {
        json_decref(notes);
        return vcm_web_store_error(req, resp, s);
    }
    json_t *d = json_object(), *items = json_array();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "browse.masterpieces_title")));
    if (notes)
        json_object_set_new(d, "notes", notes);
    for (size_t i = 0; i < n; i++)
        if (found[i] && objs[i].status == VCM_PUBLISHED) {
            vcm_entry_apply(&mps[i].data, req->arena, &objs[i]);
            json_array_append_new(items, vcm_web_card(req, &objs[i]));
        }
    const char *m = museum ? vcm_arena_printf(req->arena, "museum=%lld", (long long)museum) : NULL;
    json_object_set_new(d, "items", items);
    json_object_set_new(d, "total", json_integer(total));
    json_object_set_new(d, "view_masterpieces", json_true());
    json_object_set_new(
        d, "catalogue_url",
        json_string(vcm_web_href(req, vcm_arena_printf(req->arena, "/browse?view=catalogue%s%s",
                                                       m ? "&" : "", m ? m : ""))));
    json_object_set_new(d, "meta_description",
                        json_string(vcm_web_tn(req, "meta.browse.masterpieces", total)));
    json_object_set_new(d, "facets", json_array());
    json_object_set_new(d, "chips", json_array());
    json_object_set_new(d, "page", json_integer(page));
    json_object_set_new(d, "pages", json_integer(pages));
    const char *self =
        vcm_web_href(req, m ? vcm_arena_printf(req->arena, "/browse?%s", m) : "/browse");
    const char *sep = m ? "&" : "?";
    if (page > 1)
        json_object_set_new(d, "prev_url",
                            json_string(page == 2 ? self
                                                  : vcm_arena_printf(req->arena, "%s%spage=%ld",
                                                                     self, sep, page - 1)));
    if (page < pages)
        json_object_set_new(d, "next_url", json_string(vcm_arena_printf(
                                               req->arena, "%s%spage=%ld", self, sep, page + 1)));
    json_object_set_new(d, "canonical",
                        json_string(vcm_arena_printf(req->arena, "%s%s", vcm_web_base(req),
                                                     page > 1 ? vcm_arena_printf(req->arena,
                                                                                 "%s%spage=%ld",
                                                                                 self, sep, page)
                                                              : self)));
    json_object_set_new(d, "api_url", json_string(vcm_arena_printf(
                                          req->arena, "/api/v1/objects%s%s", m ? "?" : "",
                                          m ? m : "")));
    return vcm_web_page(req, resp, "browse", d);
}

int vcm_page_browse(vcm_req *req, vcm_resp *resp)
{
    vcm_params prm;
    json_t *notes;
    if (!vcm_web_params(req, resp, VCM_ROUTE_BROWSE, &prm, &notes))
        return 0;
    vcm_filter f;
    vcm_params_filter(&prm, &f);
    long page = (long)vcm_params_int(&prm, VCM_P_PAGE, 1);
    vcm_store *s = vcm_web_store(req, resp);
    if (!s) {
        json_decref(notes);
        return 0;
    }
    /* Which view: the masterpieces by default (a museum's, with museum=),
     * the catalogue with view=catalogue or any other filter; while no
     * masterpiece is published the default is the catalogue. */
    int64_t view = vcm_params_int(&prm, VCM_P_VIEW, -1);
    vcm_filter other = f;
    other.museum = 0;
    if (view == 0 || (view < 0 && !vcm_filter_narrows(&other) && !other.has_date)) {
        int64_t live;
        if (vcm_entry_count_live(s, f.museum, &live) < 0) {
            json_decref(notes);
            return vcm_web_store_error(req, resp, s);
        }
        if (view == 0 || live > 0)
            return browse_masterpieces(req, resp, s, f.museum, page, notes);
    }
    f.limit = PER_PAGE;
    f.offset = (page - 1) * PER_PAGE;
    int64_t total;
    vcm_object *list;
    size_t n;
    vcm_facets fc;
    if (s->ops->object_count(s, &f, &total) < 0 ||
        s->ops->object_list(s, req->arena, &f, &list, &n) < 0 ||
        s->ops->object_facets(s, req->arena, &f, &fc) < 0) {
        json_decref(notes);
        return vcm_web_store_error(req, resp, s);
    }
    int64_t pages = (total + PER_PAGE - 1) / PER_PAGE;
    if (page > 1 && page > pages) {
        json_decref(notes);
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "browse.no_such_page"));
    }

    char museum[24] = "", century[16] = "";
    if (f.museum)
        snprintf(museum, sizeof museum, "%lld", (long long)f.museum);
    if (f.century)
        snprintf(century, sizeof century, "%d", f.century);
    const char *region = NULL;
    for (int r = VCM_REGION_OTHER; r <= VCM_REGION_EUROPE; r++)
        if (f.regions == 1u << r)
            region = vcm_region_name((vcm_region)r);
    struct param ps[] = {
        {"region", region},
        {"country", f.country[0] ? f.country : NULL},
        {"museum", museum[0] ? museum : NULL},
        {"classification", f.classification},
        {"century", century[0] ? century : NULL},
        {"image", f.image ? (f.image == VCM_YES ? "yes" : "no") : NULL},
        {"licence", f.open ? (f.open == VCM_YES ? "open" : "other") : NULL},
        {"date", f.has_date ? prm.raw[VCM_P_DATE] : NULL},
        {"origin", prm.set[VCM_P_ORIGIN] ? prm.raw[VCM_P_ORIGIN] : NULL},
        {"material", f.material},
        {"view", view == 1 ? "catalogue" : NULL},
    };
    size_t np = sizeof ps / sizeof ps[0];

    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "browse.title")));
    if (notes)
        json_object_set_new(d, "notes", notes);
    json_object_set_new(d, "total", json_integer(total));
    json_object_set_new(
        d, "masterpieces_url",
        json_string(vcm_web_href(
            req, f.museum ? vcm_arena_printf(req->arena, "/browse?museum=%lld", (long long)f.museum)
                          : "/browse")));
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, vcm_web_card(req, &list[i]));
    json_object_set_new(d, "items", items);

    for (size_t i = 0; i < fc.nclassification; i++)
        fc.classification[i].label =
            vcm_web_class_label(req, fc.classification[i].value, fc.classification[i].label);
    for (size_t i = 0; i < fc.nmaterial; i++)
        fc.material[i].label = vcm_web_material_label(req, fc.material[i].value);
    for (size_t i = 0; i < fc.ncentury; i++)
        fc.century[i].label = vcm_web_century(req, atoi(fc.century[i].value));
    for (size_t i = 0; i < fc.ncountry; i++) {
        char cn[256];
        const char *l = vcm_l10n_country(vcm_web_lang(req), fc.country[i].value, cn, sizeof cn) == 0
                            ? vcm_arena_strdup(req->arena, cn)
                            : NULL;
        if (l)
            fc.country[i].label = l;
    }
    for (size_t i = 0; i < fc.nregion; i++) {
        vcm_region rg = VCM_REGION_OTHER;
        vcm_region_parse(fc.region[i].value, &rg);
        fc.region[i].label = vcm_web_region_label(req, rg);
    }
    for (size_t i = 0; i < fc.norigin; i++)
        fc.origin[i].label = vcm_web_origin_label(req, fc.origin[i].value);
    for (size_t i = 0; i < fc.norigin_country; i++)
        fc.origin_country[i].label = vcm_web_origin_label(req, fc.origin_country[i].value);
    for (size_t i = 0; i < fc.nimage; i++)
        fc.image[i].label = vcm_web_t(req, strcmp(fc.image[i].value, "yes") == 0
                                               ? "facet.image.yes"
                                               : "facet.image.no");
    for (size_t i = 0; i < fc.nlicence; i++)
        fc.licence[i].label = vcm_web_t(req, strcmp(fc.licence[i].value, "open") == 0
                                                 ? "facet.licence.open"
                                                 : "facet.licence.other");
    json_t *groups = json_array();
    struct {
        const char *key, *label;
        vcm_facet *fs;
        size_t n;
        const char *active;
    } g[] = {
        /* where objects come from first; both select with origin= */
        {"origin", "facet.origin", fc.origin, fc.norigin, ps[8].value},
        {"origin", "facet.origin_country", fc.origin_country, fc.norigin_country, ps[8].value},
        {"region", "facet.region", fc.region, fc.nregion, ps[0].value},
        {"country", "facet.country", fc.country, fc.ncountry, ps[1].value},
        {"museum", "facet.museum", fc.museum, fc.nmuseum, ps[2].value},
        {"classification", "facet.classification", fc.classification, fc.nclassification,
         ps[3].value},
        {"material", "facet.material", fc.material, fc.nmaterial, ps[9].value},
        {"century", "facet.century", fc.century, fc.ncentury, ps[4].value},
        {"image", "facet.image", fc.image, fc.nimage, ps[5].value},
        {"licence", "facet.licence", fc.licence, fc.nlicence, ps[6].value},
    };
    json_t *chips = json_array();
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
        if (!g[i].n)
            continue;
        json_t *grp = json_object();
        json_object_set_new(grp, "key", json_string(g[i].key));
        json_object_set_new(grp, "label", json_string(vcm_web_t(req, g[i].label)));
        json_t *fitems = facet_links(req, ps, np, g[i].key, g[i].fs, g[i].n, g[i].active);
        /* centuries, images and licences keep their own order */
        if (g[i].fs != fc.century && g[i].fs != fc.image && g[i].fs != fc.licence)
            vcm_web_facet_order(req, fitems);
        json_object_set_new(grp, "items", fitems);
        json_array_append_new(groups, grp);
        for (size_t k = 0; g[i].active && k < g[i].n; k++)
            if (strcmp(g[i].fs[k].value, g[i].active) == 0)
                json_array_append_new(chips, json_pack("{s:s, s:s, s:s}", "group",
                                                       vcm_web_t(req, g[i].label), "label",
                                                       g[i].fs[k].label, "url",
                                                       browse_url(req, ps, np, g[i].key, NULL, 1)));
    }
    /* years have no facet group: a chip of their own (what was asked) */
    if (ps[7].value)
        json_array_append_new(chips, json_pack("{s:s, s:s, s:s}", "group",
                                               vcm_web_t(req, "facet.date"), "label", ps[7].value,
                                               "url", browse_url(req, ps, np, "date", NULL, 1)));
    /* what is listed: the filters by their labels, as the chips say them */
    if (json_array_size(chips)) {
        vcm_buf b;
        vcm_buf_init(&b, 4096);
        size_t i;
        json_t *chip;
        json_array_foreach(chips, i, chip) {
            if (i)
                vcm_buf_puts(&b, "; ");
            vcm_buf_printf(&b, "%s: %s", json_string_value(json_object_get(chip, "group")),
                           json_string_value(json_object_get(chip, "label")));
        }
        const char *what = b.toobig ? "" : vcm_arena_strdup(req->arena, b.data);
        vcm_buf_release(&b);
        json_object_set_new(d, "meta_description",
                            json_string(vcm_web_tnv(req, "meta.browse.filtered", total, 1,
                                                    (const char *[]){what ? what : ""})));
    } else {
        json_object_set_new(d, "meta_description", json_string(vcm_web_tn(req, "meta.browse", total)));
    }
    json_object_set_new(d, "facets", groups);
    json_object_set_new(d, "chips", chips);
    json_object_set_new(d, "page", json_integer(page));
    json_object_set_new(d, "pages", json_integer(pages));
    if (page > 1)
        json_object_set_new(d, "prev_url",
                            json_string(browse_url(req, ps, np, NULL, NULL, page - 1)));
    if (page < pages)
        json_object_set_new(d, "next_url",
                            json_string(browse_url(req, ps, np, NULL, NULL, page + 1)));
    json_object_set_new(d, "canonical",
                        json_string(vcm_arena_printf(req->arena, "%s%s", vcm_web_base(req),
                                                     browse_url(req, ps, np, NULL, NULL, page))));
    const char *first = browse_url(req, ps, np, NULL, NULL, 1);
    const char *query = strchr(first, '?');
    json_object_set_new(d, "api_url", json_string(vcm_arena_printf(req->arena, "/api/v1/objects%s",
                                                                   query ? query : "")));
    return vcm_web_page(req, resp, "browse", d);
}
