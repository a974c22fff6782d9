/* Search: the /search page, /api/v1/search and /api/v1/suggest.
 *
 * Page and API take the same parameters and run the same search: q (the
 * query language of src/search/query.h), the facet selections region,
 * country, museum, classification, material, century, image (yes/no),
 * licence (open/other), date (1600..1700), sort, cursor (from `next`),
 * offset (API) or page (page), limit (API), facets (API: a list; default
 * all), expand=0 and noexpand=id,id (thesaurus expansions off).
 *
 * What the visitor typed is never an error on the page: the search repairs
 * it and says so. The API refuses what it would refuse as a parameter (a
 * date: it cannot read is the 400 of date=abc). The other parameters are read through the table of params.c: one
 * that is unknown or malformed (limit=abc) is a 400 on the API and is left
 * out, with a note, on the page. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/jsonw.h"
#include "core/l10n.h"
#include "core/log.h"
#include "search/search.h"
#include "search/thesaurus.h"
#include "store/theme.h"
#include "web/web.h"
#include "core/banned.h"

#define PAGE_SIZE 24

int vcm_web_search_init(vcm_app *app, char *err, size_t errlen)
{
    const vcm_config *cfg = app->cfg;
    char path[VCM_CONFIG_STR + 16];
    if (cfg->index[0])
        snprintf(path, sizeof path, "%s", cfg->index);
    else if (app->web.node_dir[0])
        snprintf(path, sizeof path, "%s/search.index", app->web.node_dir); /* one a node */
    else
        vcm_search_index_path(cfg->db, path, sizeof path);
    app->search = vcm_search_open(cfg->db, path, true, NULL, NULL, err, errlen);
    return app->search ? 0 : -1;
}

void vcm_web_search_release(vcm_app *app)
{
    vcm_search_close(app->search);
    app->search = NULL;
}

int vcm_web_search_ready(vcm_app *app, size_t *done, size_t *total)
{
    if (!app->search)
        return -1;
    return vcm_search_ready(app->search, done, total) ? 1 : 0;
}

/* The parameters every search URL carries, in this order. */
static const char *const keys[] = {"q", "region", "country", "museum", "classification",
                                   "material", "century", "image", "licence", "date",
                                   "sort", "expand", "noexpand", "origin", "theme"};
static const vcm_param_id key_ids[] = {VCM_P_Q, VCM_P_REGION, VCM_P_COUNTRY, VCM_P_MUSEUM,
                                       VCM_P_CLASSIFICATION, VCM_P_MATERIAL, VCM_P_CENTURY,
                                       VCM_P_IMAGE, VCM_P_LICENCE, VCM_P_DATE, VCM_P_SORT,
                                       VCM_P_EXPAND, VCM_P_NOEXPAND, VCM_P_ORIGIN, VCM_P_THEME};
#define NKEYS (sizeof keys / sizeof *keys)

/* Bytes of facet links a page may hold. Each repeats the search's
 * parameters: a few hundred facet items by a query of 500 bytes of Chinese
 * (1,500 once %-escaped) made pages of 600 KB. Beyond the budget each
 * facet shows its largest items only; a usual search stays far below. */
#define FACET_LINK_BUDGET (128 * 1024)

/* The parameters a page's links carry: those the search ran with, q as it
 * was searched and the others as given, when they were read without error
 * (params.c leaves out the others). */
typedef struct echo {
    const char *v[NKEYS];
} echo;

static void echo_init(echo *e, const vcm_params *prm, const char *q)
{
    e->v[0] = q;
    for (size_t i = 1; i < NKEYS; i++)
        e->v[i] = prm->raw[key_ids[i]];
}

static const char *echo_get(const echo *e, const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i], key) == 0)
            return e->v[i];
    return NULL;
}

/* "/search?…" with the parameters of e, `key` replaced by value (removed
 * with NULL), and extra appended when given. */
static char *search_url(vcm_req *req, const echo *e, const char *base, const char *key,
                        const char *value, const char *extra)
{
    vcm_buf b;
    vcm_buf_init(&b, 8192);
    vcm_buf_puts(&b, base);
    char sep = strchr(base, '?') ? '&' : '?';
    bool done = false;
    for (size_t i = 0; i < NKEYS; i++) {
        const char *v = e->v[i];
        if (key && strcmp(keys[i], key) == 0) {
            v = value;
            done = true;
        }
        if (!v || !*v)
            continue;
        vcm_buf_printf(&b, "%c%s=", sep, keys[i]);
        vcm_buf_urlenc(&b, v, strlen(v));
        sep = '&';
    }
    if (key && value && !done) {
        vcm_buf_printf(&b, "%c%s=", sep, key);
        vcm_buf_urlenc(&b, value, strlen(value));
        sep = '&';
    }
    if (extra)
        vcm_buf_printf(&b, "%c%s", sep, extra);
    char *r = b.toobig ? NULL : vcm_arena_strndup(req->arena, b.data, b.len);
    vcm_buf_release(&b);
    /* the API's own URLs come back as they are: it takes no prefix */
    return (char *)vcm_web_href(req, r ? r : "/search");
}

static json_t *parts_json(const vcm_search_text *t)
{
    json_t *a = json_array();
    for (size_t i = 0; i < t->nparts; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "text", json_string(t->parts[i].text));
        json_object_set_new(o, "match", json_boolean(t->parts[i].match));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *text_json(const vcm_search_text *t)
{
    if (!t->parts)
        return json_null();
    /* by hand, as the parts: json_pack reads its format again each time */
    json_t *o = json_object();
    json_object_set_new(o, "lang", json_string(t->lang ? t->lang : "und"));
    json_object_set_new(o, "parts", parts_json(t));
    json_object_set_new(o, "cut_before", json_boolean(t->cut_before));
    json_object_set_new(o, "cut_after", json_boolean(t->cut_after));
    return o;
}

static const char *const facet_labels[VCM_FACET_KINDS] = {
    "facet.region", "facet.country", "facet.museum", "facet.classification",
    "facet.material", "facet.century", "facet.image", "facet.licence",
    "facet.origin", "facet.origin_country",
};

/* Whether id is in ids[0..n), which come in order. */
static bool is_masterpiece(const int64_t *ids, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == id;
}

/* Marks the page's items that are published masterpieces, the search
 * itself indexing catalogue records. -1 on a store error. */
static int mark_masterpieces(vcm_req *req, vcm_resp *resp, json_t *d)
{
    vcm_store *s = vcm_web_store(req, resp);
    int64_t *ids;
    size_t n;
    if (!s)
        return 0; /* the search ran: a store is there */
    if (vcm_masterpiece_ids(s, req->arena, &ids, &n) < 0)
        return -1;
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(d, "items"), i, h) {
        int64_t id = (int64_t)json_integer_value(json_object_get(h, "id"));
        json_object_set_new(h, "masterpiece", json_boolean(is_masterpiece(ids, n, id)));
    }
    return 0;
}

static const char *const facet_keys[VCM_FACET_KINDS] = {
    "region", "country", "museum", "classification", "material",
    "century", "image", "licence", "origin", "origin_country"};

/* A facet value's label as the visitor reads it: the labels the search
 * makes in English come from the catalogue; a country is named in the
 * page's language (the API keeps the index's English name). */
static const char *facet_label(vcm_req *req, int k, const vcm_index_facet *f, bool page)
{
    const char *label = f->label;
    if (k == VCM_FACET_REGION) {
        vcm_region rg = VCM_REGION_OTHER;
        vcm_region_parse(f->value, &rg);
        label = vcm_web_region_label(req, rg);
    } else if (k == VCM_FACET_CENTURY) {
        label = vcm_web_century(req, atoi(f->value));
    } else if (k == VCM_FACET_CLASSIFICATION) {
        label = vcm_web_class_label(req, f->value, f->label);
    } else if (k == VCM_FACET_MATERIAL) {
        label = vcm_web_material_label(req, f->value);
    } else if (k == VCM_FACET_ORIGIN || k == VCM_FACET_ORIGIN_COUNTRY) {
        label = vcm_web_origin_label(req, f->value);
    } else if (k == VCM_FACET_COUNTRY && page) {
        char cn[256];
        if (vcm_l10n_country(vcm_web_lang(req), f->value, cn, sizeof cn) == 0)
            label = vcm_arena_strdup(req->arena, cn);
        if (!label)
            label = f->label;
    } else if (k == VCM_FACET_IMAGE || k == VCM_FACET_LICENCE) {
        label = vcm_web_t(req, vcm_arena_printf(req->arena, "facet.%s.%s", facet_keys[k],
                                                f->value));
    }
    return label;
}

/* The noexpand= list that turns expansion e off, or back on. */
static const char *toggled(vcm_req *req, const vcm_search_params *p,
                           const vcm_search_expansion *e)
{
    const char *cur = p->no_expand_ids ? p->no_expand_ids : "";
    if (!e->off)
        return *cur ? vcm_arena_printf(req->arena, "%s,%s", cur, e->id) : e->id;
    vcm_buf b;
    vcm_buf_init(&b, 4096);
    for (const char *s = cur; *s;) {
        const char *c = strchr(s, ',');
        size_t n = c ? (size_t)(c - s) : strlen(s);
        if (n && !(n == strlen(e->id) && memcmp(s, e->id, n) == 0)) {
            if (b.len)
                vcm_buf_putc(&b, ',');
            vcm_buf_append(&b, s, n);
        }
        s += n + (c ? 1 : 0);
    }
    const char *nv = b.len ? vcm_arena_strndup(req->arena, b.data, b.len) : NULL;
    vcm_buf_release(&b);
    return nv;
}

/* The results as the page's data. */
static json_t *results_json(vcm_req *req, const vcm_search_params *p, const echo *ec,
                            const vcm_search_results *r)
{
    json_t *d = json_object();
    json_object_set_new(d, "query", json_string(p->q ? p->q : ""));
    json_object_set_new(d, "total", json_integer(r->total));
    json_t *hits = json_array();
    for (size_t i = 0; i < r->nhits; i++) {
        const vcm_search_hit *h = &r->hits[i];
        json_t *o = vcm_web_card(req, &h->object);
        json_object_set_new(o, "id", json_integer(h->id));
        json_object_set_new(o, "score", json_real(h->score));
        json_object_set_new(o, "title_marked", text_json(&h->title));
        json_object_set_new(o, "creator_marked", text_json(&h->creator));
        json_object_set_new(o, "snippet", text_json(&h->snippet));
        json_array_append_new(hits, o);
    }
    json_object_set_new(d, "items", hits);
    json_t *facets = json_array();
    const char *const *fkeys = facet_keys;
    size_t per_kind = SIZE_MAX;
    /* a link's length: the parameters, plus a facet value */
    size_t one = strlen(search_url(req, ec, "/search", NULL, NULL, NULL)) + 64, nlinks = 0;
    for (int k = 0; k < VCM_FACET_KINDS; k++)
        nlinks += p->facets & (1u << k) ? r->nfacets[k] : 0;
    if (nlinks * one > FACET_LINK_BUDGET) {
        per_kind = FACET_LINK_BUDGET / one / VCM_FACET_KINDS;
        if (per_kind < 3)
            per_kind = 3;
    }
    bool trimmed = false;
    for (int k = 0; k < VCM_FACET_KINDS; k++) {
        if (!(p->facets & (1u << k)))
            continue;
        json_t *items = json_array();
        /* both origin facets select with origin= */
        const char *pkey = k == VCM_FACET_ORIGIN_COUNTRY ? "origin" : fkeys[k];
        const char *active = echo_get(ec, pkey);
        trimmed = trimmed || r->nfacets[k] > per_kind;
        for (size_t i = 0; i < r->nfacets[k] && i < per_kind; i++) {
            const vcm_index_facet *f = &r->facets[k][i];
            const char *label = facet_label(req, k, f, true);
            bool on = active && strcmp(active, f->value) == 0;
            json_t *it = json_pack("{s:s, s:s, s:I}", "value", f->value, "label", label, "count",
                                   (json_int_t)f->count);
            json_object_set_new(it, "active", json_boolean(on));
            json_object_set_new(it, "url", json_string(search_url(req, ec, "/search", pkey,
                                                                  on ? NULL : f->value, NULL)));
            json_array_append_new(items, it);
        }
        /* centuries, images and licences keep their own order */
        if (k != VCM_FACET_CENTURY && k != VCM_FACET_IMAGE && k != VCM_FACET_LICENCE)
            vcm_web_facet_order(req, items);
        if (r->nfacets[k])
            json_array_append_new(facets, json_pack("{s:s, s:s, s:o}", "key", fkeys[k],
                                                    "label", vcm_web_t(req, facet_labels[k]),
                                                    "items", items));
        else
            json_decref(items);
    }
    json_object_set_new(d, "facets", facets);
    json_t *ex = json_array();
    for (size_t i = 0; i < r->nexpansions; i++) {
        const vcm_search_expansion *e = &r->expansions[i];
        json_t *names = json_array();
        for (size_t k = 0; k < e->nnames; k++)
            json_array_append_new(names, json_string(e->names[k]));
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:b}", "typed", e->typed, "id", e->id,
                              "label", e->label, "kind", e->kind, "names", names, "used", !e->off);
        if (e->dates)
            json_object_set_new(o, "dates", json_pack("{s:i, s:i}", "from", e->from, "to", e->to));
        json_object_set_new(o, "toggle_url", json_string(search_url(req, ec, "/search", "noexpand",
                                                                    toggled(req, p, e), NULL)));
        json_array_append_new(ex, o);
    }
    json_object_set_new(d, "expansions", ex);
    json_t *msgs = json_array();
    for (size_t i = 0; i < r->nmessages; i++)
        json_array_append_new(msgs, json_string(r->messages[i]));
    if (trimmed)
        json_array_append_new(msgs, json_string(vcm_web_t(req, "search.facets_trimmed")));
    json_object_set_new(d, "messages", msgs);
    json_t *alts = json_array();
    for (size_t i = 0; i < r->nalternatives; i++) {
        json_t *o = json_pack("{s:s, s:s, s:I}", "q", r->alternatives[i].q, "why",
                              r->alternatives[i].why, "total", (json_int_t)r->alternatives[i].total);
        vcm_buf b;
        vcm_buf_init(&b, 4096);
        vcm_buf_puts(&b, "/search?q=");
        vcm_buf_urlenc(&b, r->alternatives[i].q, strlen(r->alternatives[i].q));
        json_object_set_new(o, "url", json_string(vcm_web_href(req, b.toobig ? "/search" : b.data)));
        vcm_buf_release(&b);
        json_array_append_new(alts, o);
    }
    json_object_set_new(d, "alternatives", alts);
    if (r->has_date)
        json_object_set_new(d, "date", json_pack("{s:i, s:i}", "from", r->date_from, "to",
                                                 r->date_to));
    json_object_set_new(d, "sort", json_string(vcm_sort_name(p->sort)));
    return d;
}

/* A marked text of a hit, as text_json makes it for the page. */
static void text_write(vcm_jw *w, const char *key, const vcm_search_text *t)
{
    if (!t->parts) {
        vcm_jw_knull(w, key);
        return;
    }
    vcm_jw_key(w, key);
    vcm_jw_open(w, '{');
    vcm_jw_kstr(w, "lang", t->lang ? t->lang : "und");
    vcm_jw_key(w, "parts");
    vcm_jw_open(w, '[');
    for (size_t i = 0; i < t->nparts; i++) {
        vcm_jw_open(w, '{');
        vcm_jw_kstr(w, "text", t->parts[i].text);
        vcm_jw_kbool(w, "match", t->parts[i].match);
        vcm_jw_close(w, '}');
    }
    vcm_jw_close(w, ']');
    vcm_jw_kbool(w, "cut_before", t->cut_before);
    vcm_jw_kbool(w, "cut_after", t->cut_after);
    vcm_jw_close(w, '}');
}

/* An item of strings that is whole or not there, as json_pack makes one
 * (a NULL or broken string drops it): strings[0..n) under names[0..n), then
 * the rest, written by the caller, when this returns true. */
static bool item_begin(vcm_jw *w, vcm_jw_mark *m, const char *const *names,
                       const char *const *strings, size_t n)
{
    *m = vcm_jw_mark_now(w);
    vcm_jw_open(w, '{');
    for (size_t i = 0; i < n; i++)
        if (!vcm_jw_kstr(w, names[i], strings[i])) {
            vcm_jw_back(w, *m);
            return false;
        }
    return true;
}

/* The API's answer, written into the body as it is made: building
 * jansson's tree of a page of hits and walking it again to dump it cost
 * more than finding and ranking its hits (docs/internals/web.md). The bytes
 * are those the tree gave (core/jsonw.h); masterpieces: the published
 * ones' ids, in order; next, next_url: the next page's cursor and address. */
static void results_write(vcm_req *req, vcm_jw *w, const vcm_search_params *p,
                          const vcm_search_results *r, const int64_t *masterpieces,
                          size_t nmasterpieces, const char *next, const char *next_url)
{
    vcm_jw_open(w, '{');
    vcm_jw_kstr(w, "query", p->q ? p->q : "");
    vcm_jw_kint(w, "total", r->total);
    vcm_jw_key(w, "hits");
    vcm_jw_open(w, '[');
    const char *base = vcm_web_base(req);
    for (size_t i = 0; i < r->nhits; i++) {
        const vcm_search_hit *h = &r->hits[i];
        vcm_jw_open(w, '{');
        vcm_jw_kint(w, "id", h->id);
        vcm_jw_kreal(w, "score", h->score);
        vcm_jw_kstr(w, "title", vcm_web_title(req, &h->object));
        vcm_jw_kstr(w, "url", vcm_arena_printf(req->arena, "%s/objects/%lld", base,
                                               (long long)h->id));
        vcm_jw_kstr(w, "museum", h->object.museum_name ? h->object.museum_name : "");
        if (h->object.date_text)
            vcm_jw_kstr(w, "date", h->object.date_text);
        text_write(w, "title_marked", &h->title);
        text_write(w, "creator_marked", &h->creator);
        text_write(w, "snippet", &h->snippet);
        vcm_jw_kbool(w, "masterpiece", is_masterpiece(masterpieces, nmasterpieces, h->id));
        vcm_jw_close(w, '}');
    }
    vcm_jw_close(w, ']');
    vcm_jw_key(w, "facets");
    vcm_jw_open(w, '{');
    for (int k = 0; k < VCM_FACET_KINDS; k++) {
        if (!(p->facets & (1u << k)))
            continue;
        vcm_jw_key(w, facet_keys[k]);
        vcm_jw_open(w, '[');
        for (size_t i = 0; i < r->nfacets[k]; i++) {
            const vcm_index_facet *f = &r->facets[k][i];
            vcm_jw_mark m;
            if (!item_begin(w, &m, (const char *[]){"value", "label"},
                            (const char *[]){f->value, facet_label(req, k, f, false)}, 2))
                continue;
            vcm_jw_kint(w, "count", f->count);
            vcm_jw_close(w, '}');
        }
        vcm_jw_close(w, ']');
    }
    vcm_jw_close(w, '}');
    vcm_jw_key(w, "expansions");
    vcm_jw_open(w, '[');
    for (size_t i = 0; i < r->nexpansions; i++) {
        const vcm_search_expansion *e = &r->expansions[i];
        vcm_jw_mark m;
        if (!item_begin(w, &m, (const char *[]){"typed", "id", "label", "kind"},
                        (const char *[]){e->typed, e->id, e->label, e->kind}, 4))
            continue;
        vcm_jw_key(w, "names");
        vcm_jw_open(w, '[');
        for (size_t k = 0; k < e->nnames; k++)
            vcm_jw_str(w, e->names[k]);
        vcm_jw_close(w, ']');
        vcm_jw_kbool(w, "used", !e->off);
        if (e->dates) {
            vcm_jw_key(w, "dates");
            vcm_jw_open(w, '{');
            vcm_jw_kint(w, "from", e->from);
            vcm_jw_kint(w, "to", e->to);
            vcm_jw_close(w, '}');
        }
        vcm_jw_close(w, '}');
    }
    vcm_jw_close(w, ']');
    vcm_jw_key(w, "messages");
    vcm_jw_open(w, '[');
    for (size_t i = 0; i < r->nmessages; i++)
        vcm_jw_str(w, r->messages[i]);
    vcm_jw_close(w, ']');
    vcm_jw_key(w, "alternatives");
    vcm_jw_open(w, '[');
    for (size_t i = 0; i < r->nalternatives; i++) {
        vcm_jw_mark m;
        if (!item_begin(w, &m, (const char *[]){"q", "why"},
                        (const char *[]){r->alternatives[i].q, r->alternatives[i].why}, 2))
            continue;
        vcm_jw_kint(w, "total", r->alternatives[i].total);
        vcm_jw_close(w, '}');
    }
    vcm_jw_close(w, ']');
    if (r->has_date) {
        vcm_jw_key(w, "date");
        vcm_jw_open(w, '{');
        vcm_jw_kint(w, "from", r->date_from);
        vcm_jw_kint(w, "to", r->date_to);
        vcm_jw_close(w, '}');
    }
    vcm_jw_kstr(w, "sort", vcm_sort_name(p->sort));
    if (next && next_url) {
        vcm_jw_kstr(w, "next", next);
        vcm_jw_kstr(w, "next_url", next_url);
    } else if (!next) {
        vcm_jw_knull(w, "next");
    }
    vcm_jw_close(w, '}');
}

/* The label of the active filter key=v on a results page d. */
static const char *chip_label(vcm_req *req, json_t *d, const char *key, const char *v)
{
    size_t i, k;
    json_t *g, *it;
    json_array_foreach(json_object_get(d, "facets"), i, g) {
        if (strcmp(json_string_value(json_object_get(g, "key")), key) != 0)
            continue;
        json_array_foreach(json_object_get(g, "items"), k, it)
            if (strcmp(json_string_value(json_object_get(it, "value")), v) == 0)
                return json_string_value(json_object_get(it, "label"));
    }
    vcm_region rg;
    if (strcmp(key, "region") == 0 && vcm_region_parse(v, &rg) == 0)
        return vcm_web_region_label(req, rg);
    if (strcmp(key, "century") == 0)
        return vcm_web_century(req, atoi(v));
    if (strcmp(key, "classification") == 0)
        return vcm_web_class_label(req, v, v);
    if (strcmp(key, "material") == 0)
        return vcm_web_material_label(req, v);
    if (strcmp(key, "image") == 0 || strcmp(key, "licence") == 0)
        return vcm_web_t(req, vcm_arena_printf(req->arena, "facet.%s.%s", key, v));
    if (strcmp(key, "origin") == 0)
        return vcm_web_origin_label(req, v);
    return v; /* record data: a museum's number, a country code, a classification, years */
}

static int run(vcm_req *req, vcm_resp *resp, vcm_search_params *p, vcm_search_results *r)
{
    vcm_search *search = vcm_web_app(req)->search;
    if (!search)
        return vcm_web_error(req, resp, 503, vcm_web_t(req, "search.unavailable"));
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return -1;
    char err[300];
    int rc = vcm_search_run(search, s, req->arena, p, r, err, sizeof err);
    if (rc == -2) {
        size_t done = 0, total = 0;
        vcm_search_ready(search, &done, &total);
        vcm_resp_header(resp, req, "Retry-After", "5");
        vcm_web_error(req, resp, 503,
                      vcm_web_tnv(req, "search.starting", (int64_t)total, 1,
                                  (const char *[]){vcm_web_count(req, (int64_t)done)}));
        return -1;
    }
    if (rc < 0) {
        vcm_error("search failed", "error=\"%s\"", err);
        vcm_web_error(req, resp, 500, vcm_web_t(req, "search.failed"));
        return -1;
    }
    return 0;
}

/* Whether q has a date: the query language cannot read (date:abc). */
static bool bad_date(vcm_req *req, const char *q)
{
    vcm_squery sq;
    if (!q || vcm_squery_parse(q, strlen(q), req->arena, &sq) < 0)
        return false;
    for (size_t i = 0; i < sq.nmessages; i++)
        if (strcmp(sq.messages[i], "query.bad_date") == 0)
            return true;
    return false;
}

/* The API refuses date:abc in q as it refuses date=abc (params.c): one
 * mistake, one 400 with the same problem document and sentence. The page
 * leaves both out, each with a note. */
static int refuse_date(vcm_req *req, vcm_resp *resp)
{
    const char *why = vcm_web_t(req, "param.date");
    json_t *d = json_pack("{s:s, s:s, s:i, s:s, s:s, s:[{s:s, s:s}]}", "type", "about:blank",
                          "title", vcm_web_t(req, "error.400.title"), "status", 400, "detail",
                          why, "instance", req->path, "invalid-params", "name", "q", "reason",
                          why);
    vcm_buf_reset(&resp->body);
    vcm_web_json(req, resp, 400, d);
    return 0;
}

int vcm_api_search(vcm_req *req, vcm_resp *resp)
{
    vcm_params prm;
    if (!vcm_web_params(req, resp, VCM_ROUTE_API_SEARCH, &prm, NULL))
        return 0;
    vcm_search_params p;
    vcm_params_search(&prm, req, &p);
    if (p.q && vcm_squery_too_big(p.q, strlen(p.q)))
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "search.too_long"));
    if (bad_date(req, p.q))
        return refuse_date(req, resp);
    p.want_objects = true;
    p.want_alternatives = true;
    vcm_search_results r;
    if (run(req, resp, &p, &r) < 0)
        return 0;
    echo e;
    echo_init(&e, &prm, p.q);
    int64_t *masterpieces = NULL;
    size_t nmasterpieces = 0;
    vcm_store *st = vcm_web_store(req, resp);
    if (st && vcm_masterpiece_ids(st, req->arena, &masterpieces, &nmasterpieces) < 0)
        return vcm_web_store_error(req, resp, st);
    const char *next_url = NULL;
    if (r.next) {
        char *next = vcm_arena_printf(req->arena, "cursor=%s", r.next);
        const char *lim = prm.raw[VCM_P_LIMIT];
        const char *fac = prm.raw[VCM_P_FACETS];
        vcm_buf b;
        vcm_buf_init(&b, 8192);
        vcm_buf_puts(&b, search_url(req, &e, "/api/v1/search", NULL, NULL, next));
        if (lim)
            vcm_buf_printf(&b, "&limit=%s", lim);
        if (fac) {
            vcm_buf_puts(&b, "&facets=");
            vcm_buf_urlenc(&b, fac, strlen(fac));
        }
        if (!b.toobig) {
            next_url = vcm_arena_printf(req->arena, "%s%s", vcm_web_base(req), b.data);
            vcm_resp_header(resp, req, "Link",
                            vcm_arena_printf(req->arena, "<%s>; rel=\"next\"", next_url));
        }
        vcm_buf_release(&b);
    }
    vcm_jw w;
    vcm_jw_init(&w, &resp->body);
    results_write(req, &w, &p, &r, masterpieces, nmasterpieces, r.next, next_url);
    return vcm_web_json_written(req, resp, 200);
}

int vcm_api_suggest(vcm_req *req, vcm_resp *resp)
{
    vcm_params prm;
    if (!vcm_web_params(req, resp, VCM_ROUTE_API_SUGGEST, &prm, NULL))
        return 0;
    const char *q = vcm_params_str(&prm, VCM_P_Q);
    size_t limit = (size_t)vcm_params_int(&prm, VCM_P_LIMIT, 10);
    vcm_search *search = vcm_web_app(req)->search;
    if (!search)
        return vcm_web_error(req, resp, 503, vcm_web_t(req, "search.unavailable"));
    vcm_suggestion out[50];
    size_t n = q && *q ? vcm_search_suggest(search, req->arena, q, strlen(q), out, limit) : 0;
    static const char *const kinds[] = {"title", "creator", "term", "word"};
    /* written as it is made, as the search's answer (results_write) */
    vcm_jw w;
    vcm_jw_init(&w, &resp->body);
    vcm_jw_open(&w, '{');
    vcm_jw_kstr(&w, "query", q ? q : "");
    vcm_jw_key(&w, "suggestions");
    vcm_jw_open(&w, '[');
    for (size_t i = 0; i < n; i++) {
        vcm_jw_mark m;
        if (!item_begin(&w, &m, (const char *[]){"text", "kind"},
                        (const char *[]){out[i].text, kinds[out[i].kind]}, 2))
            continue;
        vcm_jw_kint(&w, "weight", (int)out[i].weight);
        vcm_jw_close(&w, '}');
    }
    vcm_jw_close(&w, ']');
    vcm_jw_close(&w, '}');
    return vcm_web_json_written(req, resp, 200);
}

int vcm_page_search(vcm_req *req, vcm_resp *resp)
{
    vcm_params prm;
    json_t *notes;
    /* a bad parameter in a hand-edited address is left out, with a note */
    if (!vcm_web_params(req, resp, VCM_ROUTE_SEARCH, &prm, &notes))
        return 0;
    if (!notes)
        notes = json_array();
    vcm_search_params p;
    vcm_params_search(&prm, req, &p);
    /* A query longer than a search takes is not searched: the page says so
     * and keeps only what fits in the box and in its links, so that what
     * is sent back stays small whatever was asked (2,700 quotation marks
     * once made a 2.9 MB page, every link repeating them). */
    bool too_big = p.q && vcm_squery_too_big(p.q, strlen(p.q));
    if (too_big) {
        json_array_append_new(notes, json_string(vcm_web_t(req, "search.too_long")));
        p.q = vcm_arena_strndup(req->arena, p.q,
                                vcm_squery_cut(p.q, strlen(p.q), VCM_SQUERY_MAX_BYTES));
        if (!p.q)
            p.q = "";
    }
    const char *v;
    long page = (long)vcm_params_int(&prm, VCM_P_PAGE, 1);
    p.limit = PAGE_SIZE;
    p.offset = p.cursor && *p.cursor ? 0 : (size_t)(page - 1) * PAGE_SIZE;
    p.facets = (1u << VCM_FACET_KINDS) - 1;
    p.want_objects = true;
    p.want_alternatives = true;
    vcm_search_results r;
    if (too_big) {
        memset(&r, 0, sizeof r);
    } else if (run(req, resp, &p, &r) < 0) {
        json_decref(notes);
        return 0;
    }
    echo e;
    echo_init(&e, &prm, p.q);
    json_t *d = results_json(req, &p, &e, &r);
    if (mark_masterpieces(req, resp, d) < 0) {
        json_decref(d);
        json_decref(notes);
        return vcm_web_store_error(req, resp, vcm_web_store(req, resp));
    }
    json_t *msgs = json_object_get(d, "messages");
    json_array_extend(notes, msgs);
    json_object_set(d, "messages", notes);
    json_decref(notes);
    const char *q = p.q ? p.q : "";
    json_object_set_new(d, "page_title", json_string(*q ? vcm_arena_printf(req->arena, "%s: %s",
                                                                           vcm_web_t(req, "search.title"), q)
                                                        : vcm_web_t(req, "search.title")));
    json_object_set_new(d, "q", json_string(q));
    json_object_set_new(d, "noindex", json_true());
    /* not indexed, but shared: the link is the search itself */
    bool asked = req->query && *req->query;
    json_object_set_new(d, "canonical",
                        json_string(vcm_arena_printf(req->arena, "%s%s%s%s", vcm_web_base(req),
                                                     req->path, asked ? "?" : "",
                                                     asked ? req->query : "")));
    const char *said[] = {q};
    json_object_set_new(d, "meta_description",
                        json_string(*q ? vcm_web_tnv(req, "meta.search", r.total, 1, said)
                                       : vcm_web_t(req, "meta.search.empty")));
    /* chips: each active filter, with a link that removes it */
    json_t *chips = json_array();
    const char *fkeys[] = {"region", "country", "museum", "classification", "material",
                           "century", "image", "licence", "origin", "date"};
    for (size_t i = 0; i < sizeof fkeys / sizeof *fkeys; i++) {
        if (!(v = echo_get(&e, fkeys[i])) || !*v)
            continue;
        /* named as the facets name the group and the value; a value the
         * facets do not list (nothing matches) as the site says it */
        const char *group = vcm_web_t(req, i < 9 ? facet_labels[i] : "facet.date");
        const char *label = chip_label(req, d, fkeys[i], v);
        json_array_append_new(chips, json_pack("{s:s, s:s, s:s}", "group", group, "label", label,
                                               "url", search_url(req, &e, "/search", fkeys[i],
                                                                 NULL, NULL)));
    }
    /* a theme (docs/curation.md), by its title */
    if ((v = echo_get(&e, "theme")) && *v) {
        vcm_theme th;
        const vcm_theme_text *x = NULL;
        vcm_store *st = vcm_web_store(req, resp);
        if (st && vcm_theme_get(st, req->arena, v, &th) == 1)
            x = vcm_theme_text_for(&th, vcm_web_lang(req));
        json_array_append_new(chips, json_pack("{s:s, s:s, s:s}", "group",
                                               vcm_web_t(req, "facet.theme"), "label",
                                               x ? x->title : v, "url",
                                               search_url(req, &e, "/search", "theme", NULL,
                                                          NULL)));
    }
    json_object_set_new(d, "chips", chips);
    json_t *sorts = json_array();
    for (int s = VCM_SORT_RELEVANCE; s <= VCM_SORT_MUSEUM; s++)
        json_array_append_new(sorts, json_pack("{s:s, s:s, s:b}", "value", vcm_sort_name(s),
                                               "label",
                                               vcm_web_t(req, vcm_arena_printf(req->arena, "search.sort.%s",
                                                                            s == VCM_SORT_DATE_DESC ? "date_desc" : vcm_sort_name(s))),
                                               "selected", (int)p.sort == s));
    json_object_set_new(d, "sorts", sorts);
    /* hidden fields: the filters, so that a new query or sort keeps them */
    json_t *hidden = json_array();
    const char *hkeys[] = {"region", "country", "museum", "classification", "material",
                           "century", "image", "licence", "date", "expand", "noexpand",
                           "origin", "theme"};
    for (size_t i = 0; i < sizeof hkeys / sizeof *hkeys; i++)
        if ((v = echo_get(&e, hkeys[i])) && *v)
            json_array_append_new(hidden, json_pack("{s:s, s:s}", "name", hkeys[i], "value", v));
    json_object_set_new(d, "hidden", hidden);
    if (r.next) {
        json_object_set_new(d, "next_url", json_string(search_url(
                                                req, &e, "/search", NULL, NULL,
                                                vcm_arena_printf(req->arena, "cursor=%s", r.next))));
        json_object_set_new(d, "first_url", json_string(search_url(req, &e, "/search", NULL, NULL, NULL)));
    } else if ((p.cursor && *p.cursor) || page > 1) {
        json_object_set_new(d, "first_url", json_string(search_url(req, &e, "/search", NULL, NULL, NULL)));
    }
    json_object_set_new(d, "expand_all_off", json_boolean(p.no_expand));
    json_object_set_new(d, "expand_toggle_url",
                        json_string(search_url(req, &e, "/search", "expand", p.no_expand ? NULL : "0", NULL)));
    json_object_set_new(d, "api_url", json_string(search_url(req, &e, "/api/v1/search", NULL, NULL, NULL)));
    return vcm_web_page(req, resp, "search", d);
}
