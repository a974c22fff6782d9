/* The network's public pages and API: the overview, members by region and
 * country, one member's history, growth (an SVG chart drawn here, its
 * table and its CSV), the directory of Asian collections and the
 * partners. web/network.h lists the URLs.
 *
 * The directory is searched with the search's own tokenizer
 * (search/tokenize.h: ICU word breaks, folding, CJK bigrams, English
 * plurals), as a filter over the collections: a collection matches when
 * every token of the query is among the tokens of its name, scope,
 * periods, cultures, access and museum. The directory holds hundreds of
 * entries, not the collection's tens of thousands, so a scan per request
 * costs less than keeping a second index in step with the store. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "search/tokenize.h"
#include "store/network.h"
#include "web/network.h"
#include "core/banned.h"

#define GROWTH_FIRST 2000 /* the network was set up in 2000 */

const char *vcm_web_status_label(vcm_req *req, vcm_member_state st)
{
    if (st == VCM_MS_NONE)
        return vcm_web_t(req, "network.status.none");
    return vcm_web_t(req, vcm_arena_printf(req->arena, "network.status.%s",
                                           vcm_member_state_name(st)));
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

json_t *vcm_web_event_json(vcm_req *req, const vcm_member_event *e)
{
    json_t *j = json_object();
    json_object_set_new(j, "status", json_string(vcm_member_state_name(e->status)));
    json_object_set_new(j, "label", json_string(vcm_web_status_label(req, e->status)));
    json_object_set_new(j, "from", str_or_null(e->from_date));
    json_object_set_new(j, "reason", str_or_null(e->reason));
    json_object_set_new(j, "recorded_by", str_or_null(e->recorded_by));
    json_object_set_new(j, "demo", json_boolean(e->demo));
    json_object_set_new(j, "source", str_or_null(e->source));
    return j;
}

static const char *country_name(vcm_req *req, vcm_store *s, const char *code)
{
    vcm_country c;
    if (s->ops->country_get(s, req->arena, code, &c) == 1 && c.names.n)
        return vcm_web_name(&c.names);
    return code;
}

static json_t *member_json(vcm_req *req, vcm_store *s, const vcm_member_row *r)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(r->museum.id));
    json_object_set_new(j, "name", json_string(vcm_web_name(&r->museum.names)));
    json_object_set_new(j, "city", str_or_null(r->museum.city));
    json_object_set_new(j, "country_code", json_string(r->museum.country));
    json_object_set_new(j, "country_name", json_string(country_name(req, s, r->museum.country)));
    json_object_set_new(j, "group", json_string(vcm_region_name(r->group)));
    json_object_set_new(j, "group_label", json_string(vcm_web_region_label(req, r->group)));
    json_object_set_new(j, "objects", json_integer(r->museum.objects));
    json_object_set_new(j, "current", vcm_web_event_json(req, &r->current));
    json_object_set_new(
        j, "url",
        json_string(vcm_web_href(
            req, vcm_arena_printf(req->arena, "/network/members/%lld", (long long)r->museum.id))));
    return j;
}

/* ?region=asia|europe|other and ?country=XX, read alike by the page and
 * the API. Returns 0, or -1 when a value is not one of them. */
static int member_params(vcm_req *req, vcm_region *group, char country[3], bool *any_group)
{
    const char *g = vcm_req_query_get(req, "region");
    const char *c = vcm_req_query_get(req, "country");
    *any_group = !g || !*g;
    *group = VCM_REGION_OTHER;
    country[0] = '\0';
    if (!*any_group && vcm_region_parse(g, group) < 0)
        return -1;
    if (c && *c) {
        if (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z')
            return -1;
        memcpy(country, c, 3);
    }
    return 0;
}

/* Members (current status member) as JSON, with the filters of the query;
 * NULL when the store fails. */
static json_t *members(vcm_req *req, vcm_store *s, vcm_region group, bool any_group,
                       const char *country, size_t *count)
{
    vcm_member_row *rows;
    size_t n;
    /* OTHER as a filter means "any" to the store: a group of "other" is
     * picked out here */
    if (vcm_member_list(s, req->arena, VCM_MS_MEMBER, country, any_group ? VCM_REGION_OTHER : group,
                        &rows, &n) < 0)
        return NULL;
    json_t *list = json_array();
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!any_group && rows[i].group != group)
            continue;
        json_array_append_new(list, member_json(req, s, &rows[i]));
        (*count)++;
    }
    return list;
}

/* The members grouped by region, then by country, for the page. */
static json_t *grouped(json_t *list)
{
    json_t *groups = json_array();
    static const char *const order[] = {"asia", "europe", "other"};
    for (size_t g = 0; g < 3; g++) {
        json_t *countries = json_array(), *cur = NULL;
        const char *label = NULL;
        size_t i;
        json_t *m;
        size_t in_group = 0;
        /* the list is by name; countries are put together in the order met */
        json_array_foreach(list, i, m) {
            if (strcmp(json_string_value(json_object_get(m, "group")), order[g]) != 0)
                continue;
            label = json_string_value(json_object_get(m, "group_label"));
            const char *code = json_string_value(json_object_get(m, "country_code"));
            cur = NULL;
            size_t k;
            json_t *c;
            json_array_foreach(countries, k, c) {
                if (strcmp(json_string_value(json_object_get(c, "code")), code) == 0)
                    cur = c;
            }
            if (!cur) {
                cur = json_pack("{s:s, s:O, s:[]}", "code", code, "name",
                                json_object_get(m, "country_name"), "members");
                json_array_append_new(countries, cur);
            }
            json_array_append(json_object_get(cur, "members"), m);
            in_group++;
        }
        if (in_group)
            json_array_append_new(groups, json_pack("{s:s, s:s, s:I, s:o}", "key", order[g],
                                                    "label", label, "count",
                                                    (json_int_t)in_group, "countries",
                                                    countries));
        else
            json_decref(countries);
    }
    return groups;
}

/* ---- overview ---------------------------------------------------------------- */

int vcm_page_network(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_member_row *rows;
    size_t nm, np, nc, nf;
    vcm_partner *partners;
    vcm_collection *colls;
    vcm_figure *figs;
    if (vcm_member_list(s, req->arena, VCM_MS_MEMBER, "", VCM_REGION_OTHER, &rows, &nm) < 0 ||
        vcm_partner_list(s, req->arena, &partners, &np) < 0 ||
        vcm_collection_list(s, req->arena, 0, &colls, &nc) < 0 ||
        vcm_figure_list(s, req->arena, &figs, &nf) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "network.title")));
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "network.intro")));
    json_object_set_new(d, "members", json_integer((json_int_t)nm));
    size_t countries = 0;
    for (size_t i = 0; i < np; i++)
        countries += !partners[i].institution;
    json_object_set_new(d, "partners", json_integer((json_int_t)np));
    json_object_set_new(d, "partner_countries", json_integer((json_int_t)countries));
    json_object_set_new(d, "collections", json_integer((json_int_t)nc));
    if (nf) {
        const vcm_figure *f = &figs[nf - 1];
        json_object_set_new(d, "figure",
                            json_pack("{s:i, s:I, s:I, s:s}", "year", f->year, "members",
                                      (json_int_t)f->members, "countries",
                                      (json_int_t)f->countries, "source", f->source));
    }
    return vcm_web_page(req, resp, "network", d);
}

/* ---- members ------------------------------------------------------------------ */

int vcm_page_network_members(vcm_req *req, vcm_resp *resp)
{
    vcm_region group;
    char country[3];
    bool any_group;
    if (member_params(req, &group, country, &any_group) < 0)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "network.bad_filter"));
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    size_t n;
    json_t *list = members(req, s, group, any_group, country, &n);
    if (!list)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "network.members.title")));
    json_object_set_new(d, "meta_description",
                        json_string(vcm_web_tf(req, "network.members.count",
                                               vcm_web_count(req, (int64_t)n))));
    json_object_set_new(d, "count", json_integer((json_int_t)n));
    json_object_set_new(d, "groups", grouped(list));
    json_decref(list);
    if (!any_group)
        json_object_set_new(d, "filter_group", json_string(vcm_web_region_label(req, group)));
    if (country[0])
        json_object_set_new(d, "filter_country", json_string(country_name(req, s, country)));
    json_object_set_new(d, "filtered", json_boolean(!any_group || country[0]));
    return vcm_web_page(req, resp, "network_members", d);
}

static json_t *collection_json(vcm_req *req, vcm_store *s, const vcm_collection *c,
                               bool with_museum)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(c->id));
    json_object_set_new(j, "museum_id", json_integer(c->museum_id));
    json_object_set_new(j, "name", json_string(c->name));
    json_object_set_new(j, "scope", str_or_null(c->scope));
    json_object_set_new(j, "size", str_or_null(c->size));
    json_object_set_new(j, "periods", str_or_null(c->periods));
    json_object_set_new(j, "cultures", str_or_null(c->cultures));
    json_object_set_new(j, "access", str_or_null(c->access));
    json_object_set_new(j, "demo", json_boolean(c->demo));
    json_object_set_new(j, "source", str_or_null(c->source));
    /* the contact: a name only, and only while the person consents */
    vcm_person p;
    if (c->contact_id && vcm_person_get(s, req->arena, c->contact_id, &p) == 1) {
        if (p.erased)
            json_object_set_new(j, "contact", json_string(vcm_web_t(req, "network.former_contact")));
        else if (p.consent)
            json_object_set_new(j, "contact",
                                json_string(p.position && *p.position
                                                ? vcm_arena_printf(req->arena, "%s, %s", p.name,
                                                                   p.position)
                                                : p.name));
    }
    if (with_museum) {
        vcm_museum m;
        if (s->ops->museum_get(s, req->arena, c->museum_id, &m) == 1) {
            json_object_set_new(j, "museum", json_string(vcm_web_name(&m.names)));
            json_object_set_new(j, "country_code", json_string(m.country));
            json_object_set_new(j, "country_name", json_string(country_name(req, s, m.country)));
        }
    }
    return j;
}

/* The membership of museum id as JSON: 1, 0 when no such museum, -1. */
static int member_detail(vcm_req *req, vcm_store *s, int64_t id, json_t **out)
{
    vcm_museum m;
    int rc = s->ops->museum_get(s, req->arena, id, &m);
    if (rc <= 0)
        return rc;
    vcm_member_event *ev;
    size_t n;
    vcm_collection *colls;
    size_t nc;
    vcm_region group = VCM_REGION_OTHER;
    const char *reason = NULL, *by = NULL;
    int64_t when = 0;
    int exc;
    if (vcm_member_history(s, req->arena, id, &ev, &n) < 0 ||
        vcm_collection_list(s, req->arena, id, &colls, &nc) < 0 ||
        vcm_partner_group(s, m.country, &group) < 0 ||
        (exc = vcm_exception_get(s, req->arena, id, &reason, &by, &when)) < 0)
        return -1;
    json_t *j = json_object(), *hist = json_array(), *cj = json_array();
    json_object_set_new(j, "id", json_integer(id));
    json_object_set_new(j, "name", json_string(vcm_web_name(&m.names)));
    json_object_set_new(j, "city", str_or_null(m.city));
    json_object_set_new(j, "country_code", json_string(m.country));
    json_object_set_new(j, "country_name", json_string(country_name(req, s, m.country)));
    json_object_set_new(j, "group", json_string(vcm_region_name(group)));
    json_object_set_new(j, "group_label", json_string(vcm_web_region_label(req, group)));
    json_object_set_new(j, "website", str_or_null(m.website));
    json_object_set_new(j, "objects", json_integer(m.objects));
    bool demo = false;
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(hist, vcm_web_event_json(req, &ev[i]));
        demo |= ev[i].demo;
    }
    json_object_set_new(j, "history", hist);
    json_object_set_new(j, "current", n ? vcm_web_event_json(req, &ev[n - 1]) : json_null());
    json_object_set_new(j, "status_label",
                        json_string(vcm_web_status_label(req, n ? ev[n - 1].status : VCM_MS_NONE)));
    json_object_set_new(j, "demo", json_boolean(demo));
    if (exc == 1)
        json_object_set_new(j, "exception", json_pack("{s:s}", "reason", reason));
    for (size_t i = 0; i < nc; i++)
        json_array_append_new(cj, collection_json(req, s, &colls[i], false));
    json_object_set_new(j, "collections", cj);
    *out = j;
    return 1;
}

int vcm_page_network_member(vcm_req *req, vcm_resp *resp)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    json_t *m;
    int rc = member_detail(req, s, id, &m);
    if (rc < 0)
        return vcm_web_store_error(req, resp, s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    json_t *d = json_object();
    const char *name = json_string_value(json_object_get(m, "name"));
    json_object_set_new(d, "page_title", json_string(name));
    json_object_set_new(d, "meta_description",
                        json_string(vcm_web_tfv(req, "network.member.meta", 2,
                                                (const char *[]){name,
                                                    json_string_value(json_object_get(
                                                        m, "status_label"))})));
    json_object_set_new(d, "museum", m);
    return vcm_web_page(req, resp, "network_member", d);
}

/* ---- growth -------------------------------------------------------------------- */

struct growth {
    vcm_growth_cell *cells;
    size_t n;
    int first, last;
    int64_t undated;
    vcm_figure *figs;
    size_t nfigs;
};

static int growth_read(vcm_req *req, vcm_store *s, struct growth *g)
{
    vcm_member_event *ev;
    size_t n;
    if (vcm_member_history_all(s, req->arena, &ev, &n) < 0 ||
        vcm_figure_list(s, req->arena, &g->figs, &g->nfigs) < 0)
        return -1;
    char(*countries)[3] = vcm_arena_alloc(req->arena, (n ? n : 1) * sizeof *countries);
    if (!countries)
        return vcm_store_fail(s, "out of memory");
    int first = 0;
    for (size_t i = 0; i < n; i++) {
        countries[i][0] = '\0';
        if (i && ev[i].museum_id == ev[i - 1].museum_id) {
            memcpy(countries[i], countries[i - 1], 3);
        } else {
            vcm_museum m;
            if (s->ops->museum_get(s, req->arena, ev[i].museum_id, &m) < 0)
                return -1;
            memcpy(countries[i], m.country, 3);
        }
        int y = vcm_member_date_year(ev[i].from_date);
        if (y >= GROWTH_FIRST && (!first || y < first))
            first = y;
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    g->last = tm.tm_year + 1900;
    g->first = first ? first : g->last;
    size_t years = (size_t)(g->last - g->first + 1);
    size_t max = years * (n ? n : 1);
    g->cells = vcm_arena_alloc(req->arena, max * sizeof *g->cells);
    if (!g->cells)
        return vcm_store_fail(s, "out of memory");
    g->n = vcm_growth(ev, (const char(*)[3])countries, n, g->first, g->last, g->cells, max,
                      &g->undated);
    return 0;
}

static json_t *growth_json(vcm_req *req, vcm_store *s, const struct growth *g, bool page)
{
    json_t *d = json_object(), *years = json_array(), *by_country = json_array(),
           *recorded = json_array();
    for (int y = g->first; y <= g->last; y++) {
        int64_t total = 0, asia = 0, europe = 0, other = 0;
        for (size_t i = 0; i < g->n; i++) {
            if (g->cells[i].year != y)
                continue;
            vcm_region r = VCM_REGION_OTHER;
            if (vcm_partner_group(s, g->cells[i].country, &r) < 0)
                r = VCM_REGION_OTHER;
            total += g->cells[i].members;
            *(r == VCM_REGION_ASIA ? &asia : r == VCM_REGION_EUROPE ? &europe : &other) +=
                g->cells[i].members;
            json_array_append_new(by_country,
                                  json_pack("{s:i, s:s, s:s, s:I}", "year", y, "country",
                                            g->cells[i].country, "country_name",
                                            country_name(req, s, g->cells[i].country),
                                            "members", (json_int_t)g->cells[i].members));
        }
        json_array_append_new(years, json_pack("{s:i, s:I, s:I, s:I, s:I}", "year", y, "members",
                                               (json_int_t)total, "asia", (json_int_t)asia,
                                               "europe", (json_int_t)europe, "other",
                                               (json_int_t)other));
    }
    for (size_t i = 0; i < g->nfigs; i++) {
        const vcm_figure *f = &g->figs[i];
        json_t *r = json_pack("{s:i, s:s, s:I, s:s}", "year", f->year, "at",
                              f->at_start ? "start" : "end", "members", (json_int_t)f->members,
                              "source", f->source);
        json_object_set_new(r, "countries", f->countries ? json_integer(f->countries)
                                                         : json_null());
        if (page)
            json_object_set_new(r, "label",
                                json_string(vcm_web_tf(req, f->at_start ? "network.growth.start"
                                                                        : "network.growth.end",
                                                       vcm_arena_printf(req->arena, "%d",
                                                                        f->year))));
        json_array_append_new(recorded, r);
    }
    json_object_set_new(d, "recorded", recorded);
    json_object_set_new(d, "years", years);
    json_object_set_new(d, "by_country", by_country);
    json_object_set_new(d, "undated", json_integer(g->undated));
    return d;
}

/* The SVG chart as data for the template: bars with their coordinates.
 * Two series side by side: what the network recorded, and what this
 * platform's records count; the scale is the larger of both. */
#define CH_W 640
#define CH_H 240
#define CH_TOP 20
#define CH_BOTTOM 40
#define CH_LEFT 40
static json_t *chart(vcm_req *req, json_t *growth)
{
    json_t *bars = json_array();
    int64_t max = 1;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(growth, "recorded"), i, v) {
        int64_t m = json_integer_value(json_object_get(v, "members"));
        max = m > max ? m : max;
        json_array_append_new(bars, json_pack("{s:O, s:I, s:b}", "label",
                                              json_object_get(v, "label"), "value", (json_int_t)m,
                                              "recorded", 1));
    }
    json_array_foreach(json_object_get(growth, "years"), i, v) {
        int64_t m = json_integer_value(json_object_get(v, "members"));
        if (!m)
            continue;
        max = m > max ? m : max;
        json_array_append_new(
            bars, json_pack("{s:s, s:I, s:b}", "label",
                            vcm_web_tf(req, "network.growth.platform",
                                       vcm_arena_printf(req->arena, "%lld",
                                                        (long long)json_integer_value(
                                                            json_object_get(v, "year")))),
                            "value", (json_int_t)m, "recorded", 0));
    }
    size_t nb = json_array_size(bars);
    int plot_w = CH_W - CH_LEFT - 10, plot_h = CH_H - CH_TOP - CH_BOTTOM;
    int slot = nb ? plot_w / (int)nb : plot_w;
    int bw = slot * 6 / 10;
    json_array_foreach(bars, i, v) {
        int64_t m = json_integer_value(json_object_get(v, "value"));
        int h = (int)(m * plot_h / max);
        int x = CH_LEFT + (int)i * slot + (slot - bw) / 2;
        json_object_set_new(v, "x", json_integer(x));
        json_object_set_new(v, "y", json_integer(CH_TOP + plot_h - h));
        json_object_set_new(v, "w", json_integer(bw));
        json_object_set_new(v, "h", json_integer(h));
        json_object_set_new(v, "cx", json_integer(x + bw / 2));
        json_object_set_new(v, "ty", json_integer(CH_TOP + plot_h - h - 4));
        json_object_set_new(v, "ly", json_integer(CH_H - CH_BOTTOM + 16));
    }
    return json_pack("{s:o, s:i, s:i, s:i, s:i, s:i}", "bars", bars, "width", CH_W, "height",
                     CH_H, "axis_y", CH_TOP + plot_h, "left", CH_LEFT, "right", CH_W - 10);
}

int vcm_page_network_growth(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    struct growth g;
    if (growth_read(req, s, &g) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *gj = growth_json(req, s, &g, true);
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "network.growth.title")));
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "network.growth.intro")));
    json_object_set_new(d, "chart", chart(req, gj));
    /* the table lists only the years with members on the platform */
    json_t *years = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(gj, "years"), i, v) {
        if (json_integer_value(json_object_get(v, "members")))
            json_array_append(years, v);
    }
    json_object_set_new(d, "years", years);
    json_object_set_new(d, "growth", gj);
    return vcm_web_page(req, resp, "network_growth", d);
}

static void csv_field(vcm_buf *b, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        vcm_buf_puts(b, s);
        return;
    }
    vcm_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            vcm_buf_putc(b, '"');
        vcm_buf_putc(b, *s);
    }
    vcm_buf_putc(b, '"');
}

int vcm_network_growth_csv(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    struct growth g;
    if (growth_read(req, s, &g) < 0)
        return vcm_web_store_error(req, resp, s);
    vcm_buf *b = &resp->body;
    /* one table: the network's own figures ("recorded"), then the count of
     * this platform's records ("platform") by year and country */
    vcm_buf_puts(b, "kind,year,at,group,country,members,countries,source\r\n");
    for (size_t i = 0; i < g.nfigs; i++) {
        const vcm_figure *f = &g.figs[i];
        vcm_buf_printf(b, "recorded,%d,%s,,,%lld,", f->year, f->at_start ? "start" : "end",
                       (long long)f->members);
        if (f->countries)
            vcm_buf_printf(b, "%lld", (long long)f->countries);
        vcm_buf_putc(b, ',');
        csv_field(b, f->source);
        vcm_buf_puts(b, "\r\n");
    }
    for (size_t i = 0; i < g.n; i++) {
        vcm_region r = VCM_REGION_OTHER;
        if (vcm_partner_group(s, g.cells[i].country, &r) < 0)
            return vcm_web_store_error(req, resp, s);
        vcm_buf_printf(b, "platform,%d,end,%s,%s,%lld,,\r\n", g.cells[i].year,
                       vcm_region_name(r), g.cells[i].country, (long long)g.cells[i].members);
    }
    if (b->toobig)
        return -1;
    resp->content_type = "text/csv; charset=utf-8";
    vcm_resp_header(resp, req, "Content-Disposition", "inline; filename=\"network-growth.csv\"");
    return 0;
}

/* ---- the directory of Asian collections --------------------------------------- */

#define QUERY_TOKENS 16
struct toks {
    char t[QUERY_TOKENS][VCM_TOK_MAX_LEN + 1];
    size_t n;
    const struct toks *want; /* matching: the query's tokens */
    bool found[QUERY_TOKENS];
};

static int take_token(const vcm_token *t, void *ud)
{
    struct toks *q = ud;
    if (q->n == QUERY_TOKENS)
        return 1;
    memcpy(q->t[q->n], t->text, t->len);
    q->t[q->n][t->len] = '\0';
    q->n++;
    return 0;
}

static int match_token(const vcm_token *t, void *ud)
{
    struct toks *m = ud;
    for (size_t i = 0; i < m->want->n; i++)
        if (!m->found[i] && strlen(m->want->t[i]) == t->len &&
            memcmp(m->want->t[i], t->text, t->len) == 0)
            m->found[i] = true;
    return 0;
}

static bool matches(const struct toks *q, const char *const *fields, size_t nf)
{
    struct toks m = {.want = q};
    for (size_t i = 0; i < nf; i++)
        if (fields[i])
            vcm_tokenize(fields[i], strlen(fields[i]), VCM_TOK_STEM, match_token, &m);
    for (size_t i = 0; i < q->n; i++)
        if (!m.found[i])
            return false;
    return true;
}

/* The directory, filtered by ?q (all its words), as JSON; NULL on error
 * (*bad: the query is not text). */
static json_t *directory(vcm_req *req, vcm_store *s, const char *q, bool *bad)
{
    *bad = false;
    struct toks qt = {0};
    if (q && *q && vcm_tokenize(q, strlen(q), VCM_TOK_STEM, take_token, &qt) < 0) {
        *bad = true;
        return NULL;
    }
    vcm_collection *cs;
    size_t n;
    if (vcm_collection_list(s, req->arena, 0, &cs, &n) < 0)
        return NULL;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *c = collection_json(req, s, &cs[i], true);
        const char *fields[] = {cs[i].name, cs[i].scope, cs[i].periods, cs[i].cultures,
                                cs[i].access, json_string_value(json_object_get(c, "museum")),
                                json_string_value(json_object_get(c, "country_name"))};
        if (qt.n && !matches(&qt, fields, sizeof fields / sizeof fields[0])) {
            json_decref(c);
            continue;
        }
        json_array_append_new(list, c);
    }
    return list;
}

int vcm_page_network_collections(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    const char *q = vcm_req_query_get(req, "q");
    bool bad;
    json_t *list = directory(req, s, q, &bad);
    if (bad)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "error.400"));
    if (!list)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "network.collections.title")));
    json_object_set_new(d, "meta_description",
                        json_string(vcm_web_t(req, "network.collections.intro")));
    json_object_set_new(d, "query", json_string(q ? q : ""));
    json_object_set_new(d, "count", json_integer((json_int_t)json_array_size(list)));
    json_object_set_new(d, "collections", list);
    return vcm_web_page(req, resp, "network_collections", d);
}

/* ---- the API --------------------------------------------------------------------- */

int vcm_api_network_members(vcm_req *req, vcm_resp *resp)
{
    vcm_region group;
    char country[3];
    bool any_group;
    if (member_params(req, &group, country, &any_group) < 0)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "network.bad_filter"));
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    size_t n;
    json_t *list = members(req, s, group, any_group, country, &n);
    if (!list)
        return vcm_web_store_error(req, resp, s);
    return vcm_web_json(req, resp, 200,
                        json_pack("{s:I, s:o}", "total", (json_int_t)n, "members", list));
}

int vcm_api_network_member(vcm_req *req, vcm_resp *resp)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    json_t *m;
    int rc = member_detail(req, s, id, &m);
    if (rc < 0)
        return vcm_web_store_error(req, resp, s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    return vcm_web_json(req, resp, 200, m);
}

int vcm_api_network_partners(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_partner *p;
    size_t n;
    if (vcm_partner_list(s, req->arena, &p, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = json_pack("{s:s, s:s, s:s}", "code", p[i].code, "name", p[i].name, "kind",
                              p[i].institution ? "institution" : "country");
        json_object_set_new(j, "group", p[i].institution ? json_null()
                                                         : json_string(vcm_region_name(p[i].group)));
        json_object_set_new(j, "joined", p[i].joined ? json_integer(p[i].joined) : json_null());
        json_object_set_new(j, "source", str_or_null(p[i].source));
        json_array_append_new(list, j);
    }
    /* territories that count as a partner country */
    json_t *aliases = json_pack("[{s:s, s:s}, {s:s, s:s}]", "code", "HK", "partner", "CN", "code",
                                "MO", "partner", "CN");
    return vcm_web_json(req, resp, 200,
                        json_pack("{s:I, s:o, s:o}", "total", (json_int_t)n, "partners", list,
                                  "counted_as", aliases));
}

int vcm_api_network_collections(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    bool bad;
    json_t *list = directory(req, s, vcm_req_query_get(req, "q"), &bad);
    if (bad)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "error.400"));
    if (!list)
        return vcm_web_store_error(req, resp, s);
    return vcm_web_json(req, resp, 200,
                        json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(list),
                                  "collections", list));
}

int vcm_api_network_growth(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    struct growth g;
    if (growth_read(req, s, &g) < 0)
        return vcm_web_store_error(req, resp, s);
    return vcm_web_json(req, resp, 200, growth_json(req, s, &g, false));
}
