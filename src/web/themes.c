/* Themes on the site (docs/curation.md; model/theme.h, store/theme.h):
 *   /themes                 every theme, its title, introduction and count
 *   /themes/{slug}          its introduction, its rule in words, its objects
 *                           (paged), a link to browse them (theme=SLUG)
 *   /themes/new, /themes/{slug}/edit   the editors' forms, with the history
 *   /api/v1/themes[/{slug}]  the same as JSON; POST and PUT for editors
 * Reading is public; writing is the action theme.edit (authz.c), decided
 * before any handler here runs (vcm_web_act), and every write goes through
 * vcm_theme_save, which checks the theme (errors beside their fields). */
#include <stdio.h>
#include <string.h>

#include "core/l10n.h"
#include "core/log.h"
#include "http/form.h"
#include "store/network.h"
#include "store/theme.h"
#include "web/curation.h"
#include "web/loans.h"
#include "core/banned.h"

#define PAGE_SIZE 24
/* the languages an edit form offers, beyond those a theme has */
static const char *const form_langs[] = {"en", "fr", "de", "zh-Hans", "zh-Hant", "ja", "ko",
                                         NULL};

json_t *vcm_curation_cards(vcm_req *req, vcm_store *s, const int64_t *ids, size_t n)
{
    json_t *items = json_array();
    if (!n)
        return items;
    vcm_object *objs = vcm_arena_calloc(req->arena, n, sizeof *objs);
    bool *found = vcm_arena_calloc(req->arena, n, sizeof *found);
    if (!objs || !found || s->ops->object_get_many(s, req->arena, ids, n, objs, found) < 0) {
        json_decref(items);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (found[i] && objs[i].status == VCM_PUBLISHED)
            json_array_append_new(items, vcm_web_card(req, &objs[i]));
    return items;
}

void vcm_curation_pager(vcm_req *req, json_t *d, const char *base, int64_t page, int64_t total,
                        int64_t size)
{
    int64_t pages = (total + size - 1) / size;
    if (pages <= 1)
        return;
    const char *sep = strchr(base, '?') ? "&" : "?";
    json_object_set_new(d, "page", json_integer(page));
    json_object_set_new(d, "pages", json_integer(pages));
    if (page > 1)
        json_object_set_new(d, "prev_url", json_string(vcm_arena_printf(
                                               req->arena, "%s%spage=%lld", base, sep,
                                               (long long)(page - 1))));
    if (page < pages)
        json_object_set_new(d, "next_url", json_string(vcm_arena_printf(
                                               req->arena, "%s%spage=%lld", base, sep,
                                               (long long)(page + 1))));
}

int64_t vcm_curation_page(vcm_req *req)
{
    int64_t p = vcm_web_id(vcm_req_query_get(req, "page"));
    return p > 0 && p <= 100000 ? p : 1;
}

static json_t *list_json(const char **v, size_t n)
{
    json_t *l = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(l, json_string(v[i]));
    return l;
}

static json_t *picks_json(const vcm_theme_pick *p, size_t n)
{
    json_t *l = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(l, json_integer(p[i].object_id));
    return l;
}

/* The theme as the API gives it (and as it takes it back). */
static json_t *theme_json(const vcm_theme *t)
{
    json_t *titles = json_object(), *intros = json_object();
    for (size_t i = 0; i < t->ntexts; i++) {
        json_object_set_new(titles, t->texts[i].lang, json_string(t->texts[i].title));
        if (t->texts[i].intro && t->texts[i].intro[0])
            json_object_set_new(intros, t->texts[i].lang, json_string(t->texts[i].intro));
    }
    json_t *rule = json_pack("{s:o, s:o, s:o, s:b}", "origins",
                             list_json(t->rule.origins, t->rule.norigins), "places",
                             list_json(t->rule.places, t->rule.nplaces), "words",
                             list_json(t->rule.words, t->rule.nwords), "masterpieces",
                             t->rule.masterpieces);
    return json_pack("{s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:s, s:s}", "slug", t->slug,
                     "pos", (json_int_t)t->pos, "titles", titles, "intros", intros, "rule", rule,
                     "add", picks_json(t->add, t->nadd), "remove",
                     picks_json(t->remove, t->nremove), "count", (json_int_t)t->count, "updated",
                     (json_int_t)t->updated, "url",
                     "", "updated_by", t->updated_by ? t->updated_by : "");
}

/* The rule in words, for visitors: [{label, values}] */
static json_t *rule_words(vcm_req *req, const vcm_theme_rule *r)
{
    json_t *l = json_array();
    const struct {
        const char *key;
        const char **v;
        size_t n;
    } parts[] = {{"theme.rule.origins", r->origins, r->norigins},
                 {"theme.rule.places", r->places, r->nplaces},
                 {"theme.rule.words", r->words, r->nwords}};
    for (size_t i = 0; i < 3; i++) {
        if (!parts[i].n)
            continue;
        vcm_buf b;
        vcm_buf_init(&b, 4096);
        for (size_t k = 0; k < parts[i].n; k++)
            vcm_buf_printf(&b, "%s%s", k ? ", " : "",
                           /* the region's or country's name in the visitor's
                            * language, as browse's origin facet says it */
                           i == 0   ? vcm_web_origin_label(req, parts[i].v[k])
                           : i == 1 ? vcm_curation_place_label(req, parts[i].v[k])
                                    : parts[i].v[k]);
        json_array_append_new(l, json_pack("{s:s, s:s}", "label", vcm_web_t(req, parts[i].key),
                                           "values", b.data ? b.data : ""));
        vcm_buf_release(&b);
    }
    if (r->masterpieces)
        json_array_append_new(l, json_pack("{s:s, s:s}", "label",
                                           vcm_web_t(req, "theme.rule.masterpieces"), "values",
                                           ""));
    return l;
}

static json_t *summary_json(vcm_req *req, const vcm_theme *t)
{
    const vcm_theme_text *x = vcm_theme_text_for(t, vcm_web_lang(req));
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "slug", t->slug, "title",
                     x ? x->title : t->slug, "intro", x && x->intro ? x->intro : "", "lang",
                     x ? x->lang : "en", "count", (json_int_t)t->count, "url",
                     vcm_web_href(req, vcm_arena_printf(req->arena, "/themes/%s", t->slug)));
}

int vcm_page_themes(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_theme *t;
    size_t n;
    if (vcm_theme_list(s, req->arena, &t, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, summary_json(req, &t[i]));
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "theme.list.title")));
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "theme.list.intro")));
    json_object_set_new(d, "themes", list);
    return vcm_web_page(req, resp, "themes", d);
}

int vcm_page_theme(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    const char *slug = vcm_req_param(req, "slug");
    vcm_theme t;
    int rc = vcm_theme_slug_valid(slug) ? vcm_theme_get(s, req->arena, slug, &t) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "theme.missing"));
    int64_t page = vcm_curation_page(req), total;
    int64_t *ids;
    size_t n;
    if (vcm_theme_objects(s, req->arena, t.id, (page - 1) * PAGE_SIZE, PAGE_SIZE, &ids, &n,
                          &total) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *items = vcm_curation_cards(req, s, ids, n);
    if (!items)
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object();
    json_t *j = summary_json(req, &t);
    json_object_set_new(d, "page_title", json_incref(json_object_get(j, "title")));
    const char *intro = json_string_value(json_object_get(j, "intro"));
    json_object_set_new(d, "meta_description",
                        json_string(intro && intro[0] ? intro
                                                      : vcm_web_t(req, "theme.list.intro")));
    json_object_set_new(d, "theme", j);
    json_object_set_new(d, "rule", rule_words(req, &t.rule));
    json_object_set_new(d, "hand_picked", json_integer((json_int_t)t.nadd));
    json_object_set_new(d, "hand_removed", json_integer((json_int_t)t.nremove));
    json_object_set_new(d, "items", items);
    json_object_set_new(d, "total", json_integer(total));
    json_object_set_new(d, "browse_url", json_string(vcm_web_href(
                                             req, vcm_arena_printf(req->arena, "/browse?theme=%s",
                                                                   t.slug))));
    json_object_set_new(d, "search_url", json_string(vcm_web_href(
                                             req, vcm_arena_printf(req->arena, "/search?theme=%s",
                                                                   t.slug))));
    json_object_set_new(d, "api_url", json_string(vcm_arena_printf(
                                          req->arena, "/api/v1/themes/%s", t.slug)));
    json_object_set_new(d, "edit_url", json_string(vcm_web_href(
                                           req, vcm_arena_printf(req->arena, "/themes/%s/edit",
                                                                 t.slug))));
    vcm_curation_pager(req, d,
                       vcm_web_href(req, vcm_arena_printf(req->arena, "/themes/%s", t.slug)),
                       page, total, PAGE_SIZE);
    return vcm_web_page(req, resp, "theme", d);
}

int vcm_api_themes(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_theme *t;
    size_t n;
    if (vcm_theme_list(s, req->arena, &t, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = theme_json(&t[i]);
        json_object_del(j, "add");
        json_object_del(j, "remove");
        json_object_set_new(j, "url", json_string(vcm_arena_printf(req->arena, "/themes/%s",
                                                                   t[i].slug)));
        json_array_append_new(list, j);
    }
    return vcm_web_json(req, resp, 200,
                        json_pack("{s:I, s:o}", "total", (json_int_t)n, "themes", list));
}

int vcm_api_theme(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    const char *slug = vcm_req_param(req, "slug");
    vcm_theme t;
    int rc = vcm_theme_slug_valid(slug) ? vcm_theme_get(s, req->arena, slug, &t) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "theme.missing"));
    int64_t *ids;
    size_t n;
    int64_t total;
    if (vcm_theme_objects(s, req->arena, t.id, 0, 1000, &ids, &n, &total) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *j = theme_json(&t), *objs = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(objs, json_integer(ids[i]));
    json_object_set_new(j, "url", json_string(vcm_arena_printf(req->arena, "/themes/%s", slug)));
    json_object_set_new(j, "objects", objs);
    return vcm_web_json(req, resp, 200, j);
}

/* ---- editing ---------------------------------------------------------------- */

static const char *field_of(const char *f)
{
    /* the check's member names, as the form's fields */
    if (strcmp(f, "rule.origins") == 0)
        return "origins";
    if (strcmp(f, "rule.places") == 0)
        return "places";
    if (strcmp(f, "rule.words") == 0)
        return "words";
    if (strcmp(f, "titles") == 0 || strcmp(f, "intros") == 0)
        return "texts";
    return f;
}

static const char *joined(vcm_req *req, const char **v, size_t n, const char *sep)
{
    vcm_buf b;
    vcm_buf_init(&b, 64 * 1024);
    for (size_t i = 0; i < n; i++)
        vcm_buf_printf(&b, "%s%s", i ? sep : "", v[i]);
    const char *s = vcm_arena_strdup(req->arena, b.data ? b.data : "");
    vcm_buf_release(&b);
    return s ? s : "";
}

static const char *ids_text(vcm_req *req, const vcm_theme_pick *p, size_t n)
{
    vcm_buf b;
    vcm_buf_init(&b, 64 * 1024);
    for (size_t i = 0; i < n; i++) {
        if (p[i].source_id)
            vcm_buf_printf(&b, "%s%s", i ? ", " : "", p[i].source_id);
        else
            vcm_buf_printf(&b, "%s%lld", i ? ", " : "", (long long)p[i].object_id);
    }
    const char *s = vcm_arena_strdup(req->arena, b.data ? b.data : "");
    vcm_buf_release(&b);
    return s ? s : "";
}

/* The form's data for t (as stored, or as sent back with errors). */
static int form_view(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const vcm_theme *t,
                     bool is_new, json_t *errors, int status)
{
    json_t *d = json_object();
    json_object_set_new(d, "page_title",
                        json_string(is_new ? vcm_web_t(req, "theme.new.title")
                                           : vcm_web_tf(req, "theme.edit.title", t->slug)));
    json_object_set_new(d, "noindex", json_true());
    json_object_set_new(d, "csrf", json_string(w->csrf ? w->csrf : ""));
    json_object_set_new(d, "is_new", json_boolean(is_new));
    json_object_set_new(d, "action", json_string(vcm_web_href(
                                      req, is_new ? "/themes"
                                                  : vcm_arena_printf(req->arena, "/themes/%s",
                                                                     t->slug))));
    json_object_set_new(d, "slug", json_string(t->slug ? t->slug : ""));
    json_object_set_new(d, "pos", json_integer(t->pos));
    json_object_set_new(d, "updated", json_integer(t->updated));
    /* every language the theme has, then the form's others */
    json_t *texts = json_array();
    for (size_t i = 0; i < t->ntexts; i++)
        json_array_append_new(texts, json_pack("{s:s, s:s, s:s, s:s}", "lang", t->texts[i].lang,
                                               "label", vcm_web_lang_label(req, t->texts[i].lang),
                                               "title", t->texts[i].title, "intro",
                                               t->texts[i].intro ? t->texts[i].intro : ""));
    for (size_t k = 0; form_langs[k]; k++) {
        bool have = false;
        for (size_t i = 0; i < t->ntexts && !have; i++)
            have = strcmp(t->texts[i].lang, form_langs[k]) == 0;
        if (!have)
            json_array_append_new(texts, json_pack("{s:s, s:s, s:s, s:s}", "lang", form_langs[k],
                                                   "label", vcm_web_lang_label(req, form_langs[k]),
                                                   "title", "", "intro", ""));
    }
    json_object_set_new(d, "texts", texts);
    json_object_set_new(d, "origins", json_string(joined(req, t->rule.origins, t->rule.norigins,
                                                         ", ")));
    json_object_set_new(d, "places", json_string(joined(req, t->rule.places, t->rule.nplaces,
                                                        ", ")));
    json_object_set_new(d, "words", json_string(joined(req, t->rule.words, t->rule.nwords,
                                                       "\n")));
    json_object_set_new(d, "masterpieces", json_boolean(t->rule.masterpieces));
    json_object_set_new(d, "add", json_string(ids_text(req, t->add, t->nadd)));
    json_object_set_new(d, "remove", json_string(ids_text(req, t->remove, t->nremove)));
    json_object_set_new(d, "errors", errors ? errors : json_object());
    if (!is_new && t->slug) {
        vcm_nhistory *h;
        size_t n;
        json_t *list = json_array();
        if (vcm_nhistory_list(w->s, req->arena, "theme", t->slug, &h, &n) == 0)
            for (size_t i = n; i-- > 0;) {
                /* in the visitor's language and saying UTC (docs/internals/l10n.md) */
                char when[128] = "";
                if (vcm_l10n_time(vcm_web_lang(req), h[i].time, when, sizeof when) < 0)
                    when[0] = '\0';
                json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "time", when,
                                                      "actor", h[i].actor, "action",
                                                      h[i].action, "detail",
                                                      h[i].detail ? h[i].detail : ""));
            }
        json_object_set_new(d, "history", list);
    }
    if (vcm_web_page(req, resp, "theme_edit", d) < 0)
        return -1;
    resp->status = status;
    return 0;
}

int vcm_theme_new_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_theme t = {.slug = ""};
    return form_view(req, resp, w, &t, true, NULL, 200);
}

int vcm_theme_edit_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    const char *slug = vcm_req_param(req, "slug");
    vcm_theme t;
    int rc = vcm_theme_slug_valid(slug) ? vcm_theme_get(w->s, req->arena, slug, &t) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "theme.missing"));
    return form_view(req, resp, w, &t, false, NULL, 200);
}

static const char *field(vcm_web_who *w, const char *name)
{
    const char *v = vcm_form_get(&w->form, name);
    return v ? v : "";
}

/* The picks of a form's field: ids, or source ids for anything else. */
static int picks_read(vcm_req *req, const char *text, vcm_theme_pick **out, size_t *n)
{
    const char **items;
    int k = vcm_theme_list_split(req->arena, text, &items, VCM_THEME_PICKS_MAX);
    if (k < 0)
        return -1;
    *out = vcm_arena_calloc(req->arena, (size_t)k + 1, sizeof **out);
    if (!*out)
        return -1;
    for (int i = 0; i < k; i++) {
        int64_t id = vcm_web_id(items[i]);
        if (id > 0)
            (*out)[i].object_id = id;
        else
            (*out)[i].source_id = items[i];
    }
    *n = (size_t)k;
    return 0;
}

/* The theme a form describes; -1 with errors set when a field cannot be read. */
static int from_form(vcm_req *req, vcm_web_who *w, vcm_theme *t, json_t *errors)
{
    memset(t, 0, sizeof *t);
    t->slug = field(w, "slug");
    t->pos = vcm_web_id(field(w, "pos"));
    size_t cap = VCM_THEME_LANGS_MAX;
    t->texts = vcm_arena_calloc(req->arena, cap, sizeof *t->texts);
    if (!t->texts)
        return -1;
    for (size_t i = 0; i < cap; i++) {
        const char *lang = vcm_form_get(&w->form, vcm_arena_printf(req->arena, "lang%zu", i));
        if (!lang)
            break;
        const char *title = field(w, vcm_arena_printf(req->arena, "title%zu", i));
        const char *intro = field(w, vcm_arena_printf(req->arena, "intro%zu", i));
        if (!title[0] && !intro[0])
            continue; /* a language left empty */
        t->texts[t->ntexts++] = (vcm_theme_text){lang, title, intro};
    }
    int rc = 0;
    int k;
    if ((k = vcm_theme_list_split(req->arena, field(w, "origins"), &t->rule.origins,
                                  VCM_THEME_LIST_MAX)) < 0) {
        json_object_set_new(errors, "origins", json_string(vcm_web_t(req, "theme.error.list")));
        rc = -1;
    }
    t->rule.norigins = k > 0 ? (size_t)k : 0;
    if ((k = vcm_theme_list_split(req->arena, field(w, "places"), &t->rule.places,
                                  VCM_THEME_LIST_MAX)) < 0) {
        json_object_set_new(errors, "places", json_string(vcm_web_t(req, "theme.error.list")));
        rc = -1;
    }
    t->rule.nplaces = k > 0 ? (size_t)k : 0;
    if ((k = vcm_theme_list_split(req->arena, field(w, "words"), &t->rule.words,
                                  VCM_THEME_LIST_MAX)) < 0) {
        json_object_set_new(errors, "words", json_string(vcm_web_t(req, "theme.error.list")));
        rc = -1;
    }
    t->rule.nwords = k > 0 ? (size_t)k : 0;
    t->rule.masterpieces = field(w, "masterpieces")[0] != '\0';
    if (picks_read(req, field(w, "add"), &t->add, &t->nadd) < 0) {
        json_object_set_new(errors, "add", json_string(vcm_web_t(req, "theme.error.picks")));
        rc = -1;
    }
    if (picks_read(req, field(w, "remove"), &t->remove, &t->nremove) < 0) {
        json_object_set_new(errors, "remove", json_string(vcm_web_t(req, "theme.error.picks")));
        rc = -1;
    }
    return rc;
}

static void audit(vcm_web_who *w, vcm_req *req, const vcm_theme *t, bool created)
{
    vcm_audit e = {.actor_id = w->user.id,
                   .actor = w->user.id ? w->user.email : NULL,
                   .event = created ? "theme.create" : "theme.change",
                   .subject = vcm_arena_printf(req->arena, "theme %s", t->slug),
                   .address = w->address};
    if (vcm_audit_add(w->s, &e) < 0) /* the change stands; the log says why the line is missing */
        vcm_error("cannot write the audit log", "event=%s error=\"%s\"", e.event,
                  vcm_store_error(w->s));
}

/* Stores a theme from a form (new, or the route's slug); errors go back
 * beside their fields with the values sent. */
static int save_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w, bool is_new)
{
    json_t *errors = json_object();
    vcm_theme t;
    if (from_form(req, w, &t, errors) < 0)
        return form_view(req, resp, w, &t, is_new, errors, 422);
    if (!is_new) {
        t.slug = vcm_req_param(req, "slug");
        vcm_theme old;
        int rc = vcm_theme_slug_valid(t.slug) ? vcm_theme_get(w->s, req->arena, t.slug, &old) : 0;
        if (rc < 0)
            return vcm_web_store_error(req, resp, w->s);
        if (rc == 0)
            return vcm_web_error(req, resp, 404, vcm_web_t(req, "theme.missing"));
    } else {
        vcm_theme old;
        int rc = vcm_theme_slug_valid(t.slug) ? vcm_theme_get(w->s, req->arena, t.slug, &old) : 0;
        if (rc < 0)
            return vcm_web_store_error(req, resp, w->s);
        if (rc == 1) {
            json_object_set_new(errors, "slug", json_string(vcm_web_t(req, "theme.error.taken")));
            return form_view(req, resp, w, &t, is_new, errors, 422);
        }
    }
    const char *f = NULL, *key = NULL;
    int64_t expect = is_new ? 0 : vcm_web_id(field(w, "updated"));
    int rc = vcm_theme_save(w->s, req->arena, &t, vcm_loans_actor(w), expect, &f, &key);
    if (rc == -1)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == -3) {
        json_object_set_new(errors, "form", json_string(vcm_web_t(req, "theme.error.stale")));
        return form_view(req, resp, w, &t, is_new, errors, 409);
    }
    if (rc == -2) {
        json_object_set_new(errors, field_of(f), json_string(vcm_web_t(req, key)));
        return form_view(req, resp, w, &t, is_new, errors, 422);
    }
    json_decref(errors);
    audit(w, req, &t, is_new);
    return vcm_loans_redirect(req, resp, vcm_arena_printf(req->arena, "/themes/%s", t.slug));
}

int vcm_theme_create_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return save_form(req, resp, w, true);
}

int vcm_theme_save_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return save_form(req, resp, w, false);
}

/* The API: the body is a theme's JSON (model/theme.h); PUT replaces the
 * theme of the route's slug, POST creates one (409 when it exists). An
 * If-Match of the stored `updated` guards against a lost update. */
static int api_save(vcm_req *req, vcm_resp *resp, vcm_web_who *w, bool create)
{
    if (!w->json)
        return vcm_web_error(req, resp, 415, vcm_web_t(req, "error.415"));
    vcm_theme t;
    const char *f = NULL, *key = NULL;
    int rc = vcm_theme_parse(req->arena, req->body ? req->body : "", req->body_len, &t, &f, &key);
    if (rc == 0 && !create) {
        const char *slug = vcm_req_param(req, "slug");
        if (t.slug && strcmp(t.slug, slug) != 0) {
            f = "slug";
            key = "theme.error.slug_route";
            rc = -1;
        }
        t.slug = slug;
    }
    if (rc == 0) {
        vcm_theme old;
        int got = vcm_theme_slug_valid(t.slug) ? vcm_theme_get(w->s, req->arena, t.slug, &old)
                                               : 0;
        if (got < 0)
            return vcm_web_store_error(req, resp, w->s);
        if (create && got == 1)
            return vcm_web_error(req, resp, 409, vcm_web_t(req, "theme.error.taken"));
        if (!create && got == 0)
            return vcm_web_error(req, resp, 404, vcm_web_t(req, "theme.missing"));
        /* If-Match: the stored `updated`, quoted or not; anything else never matches */
        const char *m = vcm_req_header(req, "If-Match");
        int64_t expect = 0;
        if (m) {
            char digits[24] = "";
            size_t k = 0;
            for (const char *c = m[0] == '"' ? m + 1 : m; *c >= '0' && *c <= '9' && k < 20; c++)
                digits[k++] = *c;
            expect = vcm_web_id(digits);
            if (expect <= 0)
                expect = -1;
        }
        rc = vcm_theme_save(w->s, req->arena, &t, vcm_loans_actor(w), expect, &f, &key);
        if (rc == -1)
            return vcm_web_store_error(req, resp, w->s);
        if (rc == -3)
            return vcm_web_error(req, resp, 412, vcm_web_t(req, "theme.error.stale"));
    }
    if (rc < 0) {
        json_t *d = json_pack("{s:s, s:i, s:s, s:{s:s}}", "title",
                              vcm_web_t(req, "error.400.title"), "status", 422, "detail",
                              vcm_web_t(req, key), "errors", f, vcm_web_t(req, key));
        return vcm_web_json(req, resp, 422, d);
    }
    audit(w, req, &t, create);
    vcm_theme saved;
    if (vcm_theme_get(w->s, req->arena, t.slug, &saved) != 1)
        return vcm_web_store_error(req, resp, w->s);
    json_t *j = theme_json(&saved);
    json_object_set_new(j, "url", json_string(vcm_arena_printf(req->arena, "/themes/%s",
                                                                saved.slug)));
    return vcm_web_json(req, resp, create ? 201 : 200, j);
}

int vcm_api_theme_create(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return api_save(req, resp, w, true);
}

int vcm_api_theme_update(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return api_save(req, resp, w, false);
}

int vcm_api_theme_history(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    const char *slug = vcm_req_param(req, "slug");
    vcm_theme t;
    int rc = vcm_theme_slug_valid(slug) ? vcm_theme_get(w->s, req->arena, slug, &t) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "theme.missing"));
    vcm_nhistory *h;
    size_t n;
    if (vcm_nhistory_list(w->s, req->arena, "theme", slug, &h, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "time",
                                              (json_int_t)h[i].time, "actor", h[i].actor,
                                              "action", h[i].action, "detail",
                                              h[i].detail ? h[i].detail : ""));
    return vcm_web_json(req, resp, 200, json_pack("{s:s, s:o}", "slug", slug, "history", list));
}
