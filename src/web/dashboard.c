/* The museums' side of masterpiece entries (entries.h): /dashboard (the
 * museum's entries by state, its quota, comments waiting, re-import
 * conflicts), /dashboard/entries/new (select a catalogue record, found by
 * a search box, or create a record) and /dashboard/entries/{id}, the
 * editor: the texts of every language side by side, statements, images and
 * their order, history with a diff between any two versions and revert,
 * the comment thread, and the workflow's buttons. Server-rendered forms,
 * no script; each carries the CSRF token, and every refusal is shown
 * beside its field with what was typed kept in the form: a save refused
 * because someone else saved first shows the text again, never drops it.
 * review.c shares the views of versions and comments made here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/l10n.h"
#include "core/log.h"
#include "http/form.h"
#include "web/dashboard.h"
#include "web/upload.h"
#include "core/banned.h"

static int64_t now_seconds(void)
{
    return (int64_t)time(NULL);
}

const char *vcm_dash_time(vcm_req *req, int64_t t)
{
    if (!t)
        return "";
    char buf[128];
    /* medium date and short time in the visitor's language, in UTC */
    if (vcm_l10n_time(vcm_web_lang(req), t, buf, sizeof buf) < 0)
        return "";
    const char *s = vcm_arena_strdup(req->arena, buf);
    return s ? s : "";
}

static const char *field(vcm_web_who *w, const char *name)
{
    const char *v = vcm_form_get(&w->form, name);
    return v ? v : "";
}

json_t *vcm_dash_page(vcm_req *req, vcm_web_who *w, const char *title)
{
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(title));
    json_object_set_new(d, "noindex", json_true());
    json_object_set_new(d, "csrf", json_string(w->csrf ? w->csrf : ""));
    json_object_set_new(d, "me", json_pack("{s:s, s:s}", "name", w->user.name ? w->user.name : "",
                                           "email", w->user.email ? w->user.email : ""));
    json_object_set_new(d, "is_editor",
                        json_boolean(vcm_authz_allow(&w->user, "entry.publish", NULL)));
    const char *done = vcm_req_query_get(req, "done");
    static const char *const notices[] = {"saved", "submitted", "withdrawn", "restored",
                                          "reverted", "uploaded", "ordered", "commented",
                                          "published", "changes", "waived", "created", NULL};
    for (size_t i = 0; done && notices[i]; i++)
        if (strcmp(done, notices[i]) == 0)
            json_object_set_new(d, "notice",
                                json_string(vcm_web_t(req, vcm_arena_printf(
                                                               req->arena, "dash.done.%s", done))));
    return d;
}

int vcm_dash_render(vcm_req *req, vcm_resp *resp, int status, const char *tpl, json_t *d)
{
    if (vcm_web_page(req, resp, tpl, d) < 0)
        return -1;
    resp->status = status;
    return 0;
}

int vcm_dash_redirect(vcm_req *req, vcm_resp *resp, const char *fmt, int64_t id,
                      const char *done)
{
    resp->status = 303;
    const char *path = vcm_arena_printf(req->arena, fmt, (long long)id);
    vcm_resp_header(resp, req, "Location",
                    vcm_arena_printf(req->arena, "%s?done=%s", path ? path : "/dashboard", done));
    return 0;
}

/* The museum's languages, its own first; "en" at least. */
const char *vcm_dash_langs(vcm_req *req, vcm_store *s, int64_t museum_id)
{
    vcm_museum_profile p;
    if (s->ops->museum_profile_get(s, req->arena, museum_id, &p) >= 0 && p.languages &&
        *p.languages)
        return p.languages;
    vcm_museum m;
    if (s->ops->museum_get(s, req->arena, museum_id, &m) > 0 && m.country[0])
        return vcm_country_languages(m.country);
    return "en";
}

const char *vcm_dash_museum_name(vcm_req *req, vcm_store *s, int64_t museum_id)
{
    vcm_museum m;
    if (s->ops->museum_get(s, req->arena, museum_id, &m) > 0)
        return vcm_web_name(&m.names);
    return "";
}

/* The first text of t in lang, or "". */
static const char *text_in(const vcm_ltexts *t, const char *lang)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].lang && strcmp(t->v[i].lang, lang) == 0)
            return t->v[i].text;
    return "";
}

const char *vcm_dash_title(const vcm_entry_data *d)
{
    const char *t = text_in(&d->title, "en");
    if (!*t && d->title.n)
        t = d->title.v[0].text;
    return *t ? t : "—";
}

json_t *vcm_dash_entry_row(vcm_req *req, vcm_store *s, const vcm_entry *e)
{
    vcm_entry_version v;
    const char *title = "—";
    if (vcm_entry_version_get(s, req->arena, e->id, e->version, &v) == 1)
        title = vcm_dash_title(&v.data);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)e->id, "title", title,
                     "state", vcm_entry_state_name(e->state), "state_label",
                     vcm_web_t(req, vcm_arena_printf(req->arena, "dash.state.%s",
                                                     vcm_entry_state_name(e->state))),
                     "updated", vcm_dash_time(req, e->updated), "version",
                     (json_int_t)e->version, "live", e->live_version != 0);
}

/* ---- /dashboard --------------------------------------------------------------- */

/* The museum a dashboard shows: the user's, or for the network's staff
 * the one ?museum= names (0: every museum). */
static int64_t dash_museum(vcm_req *req, vcm_web_who *w)
{
    if (vcm_role_has_museum(w->user.role))
        return w->user.museum_id;
    return vcm_web_id(vcm_req_query_get(req, "museum"));
}

int vcm_dashboard_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t museum = dash_museum(req, w);
    vcm_authz_res res = {.museum_id = museum};
    if (!vcm_authz_allow(&w->user, "entry.read", museum ? &res : NULL))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    json_t *d = vcm_dash_page(req, w, vcm_web_t(req, "dash.title"));
    vcm_entry *list;
    size_t n;
    int64_t counts[VCM_ENTRY_STATES], live, quota = VCM_QUOTA_DEFAULT;
    if (vcm_entry_list(w->s, req->arena, museum, -1, &list, &n) < 0 ||
        vcm_entry_counts(w->s, museum, counts, &live) < 0 ||
        (museum && vcm_entry_quota_get(w->s, museum, &quota) < 0)) {
        json_decref(d);
        return vcm_web_store_error(req, resp, w->s);
    }
    if (museum)
        json_object_set_new(d, "museum", json_pack("{s:I, s:s}", "id", (json_int_t)museum, "name",
                                                   vcm_dash_museum_name(req, w->s, museum)));
    json_t *groups = json_array();
    for (int st = 0; st < VCM_ENTRY_STATES; st++) {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            if ((int)list[i].state == st)
                json_array_append_new(items, vcm_dash_entry_row(req, w->s, &list[i]));
        json_array_append_new(
            groups, json_pack("{s:s, s:s, s:I, s:o}", "state", vcm_entry_state_name(st), "label",
                              vcm_web_t(req, vcm_arena_printf(req->arena, "dash.group.%s",
                                                              vcm_entry_state_name(st))),
                              "count", (json_int_t)counts[st], "items", items));
    }
    json_object_set_new(d, "groups", groups);
    if (museum) {
        /* the noun agrees with the quota: "3 of 25 masterpieces" */
        const char *args[] = {vcm_web_count(req, live)};
        json_object_set_new(d, "quota", json_pack("{s:s, s:b}", "text",
                                                  vcm_web_tnv(req, "dash.quota", quota, 1, args),
                                                  "full", live >= quota));
    }
    /* comments waiting: the threads of entries the editors sent back */
    json_t *waiting = json_array();
    for (size_t i = 0; i < n; i++) {
        if (list[i].state != VCM_ENTRY_CHANGES_REQUESTED)
            continue;
        vcm_entry_comment *c;
        size_t nc;
        if (vcm_entry_comments(w->s, req->arena, list[i].id, &c, &nc) < 0)
            continue;
        json_t *row = vcm_dash_entry_row(req, w->s, &list[i]);
        json_object_set_new(row, "comments", json_integer((json_int_t)nc));
        /* what the editors said when they sent it back, else the thread's last */
        vcm_entry_event *ev;
        size_t ne;
        const char *last = nc ? c[nc - 1].body : NULL;
        if (vcm_entry_events(w->s, req->arena, list[i].id, &ev, &ne) == 0)
            for (size_t k = ne; k-- > 0;)
                if (ev[k].action && strcmp(ev[k].action, "request_changes") == 0) {
                    if (ev[k].comment && *ev[k].comment && (!nc || ev[k].time >= c[nc - 1].time))
                        last = ev[k].comment;
                    break;
                }
        if (last)
            json_object_set_new(row, "last", json_string(last));
        json_array_append_new(waiting, row);
    }
    json_object_set_new(d, "waiting", waiting);
    vcm_entry_conflict *cf;
    size_t ncf;
    json_t *conflicts = json_array();
    if (vcm_entry_conflicts(w->s, req->arena, museum, &cf, &ncf) == 0)
        for (size_t i = 0; i < ncf; i++)
            if (!cf[i].resolved)
                json_array_append_new(conflicts,
                                      json_pack("{s:I, s:s, s:s, s:s, s:s}", "entry",
                                                (json_int_t)cf[i].entry_id, "field", cf[i].field,
                                                "kept", cf[i].kept ? cf[i].kept : "", "incoming",
                                                cf[i].incoming ? cf[i].incoming : "", "time",
                                                vcm_dash_time(req, cf[i].time)));
    json_object_set_new(d, "conflicts", conflicts);
    return vcm_dash_render(req, resp, 200, "dashboard", d);
}

/* ---- /dashboard/entries/new ----------------------------------------------------- */

#define PICK_MAX 30

static json_t *new_data(vcm_req *req, vcm_web_who *w, int64_t museum, json_t *errors)
{
    json_t *d = vcm_dash_page(req, w, vcm_web_t(req, "dash.new.title"));
    json_object_set_new(d, "museum", json_pack("{s:I, s:s}", "id", (json_int_t)museum, "name",
                                               vcm_dash_museum_name(req, w->s, museum)));
    const char *q = vcm_req_query_get(req, "q");
    json_object_set_new(d, "q", json_string(q ? q : ""));
    json_t *records = json_array();
    vcm_app *app = vcm_web_app(req);
    if (q && *q && app->search) {
        vcm_search_params p;
        memset(&p, 0, sizeof p);
        p.q = q;
        p.filter.museum = museum;
        p.limit = PICK_MAX;
        p.want_objects = true;
        vcm_search_results r;
        char err[300];
        if (vcm_search_run(app->search, w->s, req->arena, &p, &r, err, sizeof err) == 0) {
            for (size_t i = 0; i < r.nhits; i++)
                json_array_append_new(
                    records,
                    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r.hits[i].object.id, "title",
                              vcm_web_title(req, &r.hits[i].object), "date",
                              r.hits[i].object.date_text ? r.hits[i].object.date_text : ""));
        } else {
            json_object_set_new(d, "search_error", json_string(vcm_web_t(req, "search.failed")));
        }
    } else {
        vcm_filter f;
        memset(&f, 0, sizeof f);
        f.museum = museum;
        f.limit = PICK_MAX;
        vcm_object *list;
        size_t n;
        if (w->s->ops->object_list(w->s, req->arena, &f, &list, &n) == 0)
            for (size_t i = 0; i < n; i++)
                json_array_append_new(records,
                                      json_pack("{s:I, s:s, s:s}", "id", (json_int_t)list[i].id,
                                                "title", vcm_web_title(req, &list[i]), "date",
                                                list[i].date_text ? list[i].date_text : ""));
    }
    json_object_set_new(d, "records", records);
    json_object_set_new(d, "langs", json_string(vcm_dash_langs(req, w->s, museum)));
    json_object_set_new(d, "errors", errors ? errors : json_object());
    json_object_set_new(d, "form", json_pack("{s:s, s:s}", "title_en", field(w, "title_en"),
                                             "title_own", field(w, "title_own")));
    return d;
}

int vcm_entry_new_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t museum = dash_museum(req, w);
    vcm_authz_res res = {.museum_id = museum};
    if (!museum)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "dash.museum_needed"));
    if (!vcm_authz_allow(&w->user, "entry.create", &res))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    return vcm_dash_render(req, resp, 200, "entry_new", new_data(req, w, museum, NULL));
}

/* POST /dashboard/entries: object=ID selects a record; else title_en (and
 * title_own in the museum's language) makes a new one. */
int vcm_entry_create_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t museum = vcm_role_has_museum(w->user.role) ? w->user.museum_id
                                                       : vcm_web_id(field(w, "museum"));
    vcm_authz_res res = {.museum_id = museum};
    if (!museum || !vcm_authz_allow(&w->user, "entry.create", &res))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    vcm_actor who = vcm_web_actor(w);
    int64_t id, oid = vcm_web_id(field(w, "object"));
    if (oid) {
        vcm_object o;
        int r = w->s->ops->object_get(w->s, req->arena, oid, &o);
        if (r < 0)
            return vcm_web_store_error(req, resp, w->s);
        json_t *errors = json_object();
        if (r == 0 || o.museum_id != museum)
            json_object_set_new(errors, "object", json_string(vcm_web_t(req, "api.record_missing")));
        else if ((r = vcm_entry_create(w->s, museum, oid, NULL, &who, now_seconds(), &id)) ==
                 VCM_ENTRY_TAKEN)
            json_object_set_new(errors, "object", json_string(vcm_web_t(req, "api.taken")));
        else if (r < 0) {
            json_decref(errors);
            return vcm_web_store_error(req, resp, w->s);
        }
        if (json_object_size(errors))
            return vcm_dash_render(req, resp, 422, "entry_new", new_data(req, w, museum, errors));
        json_decref(errors);
        return vcm_dash_redirect(req, resp, "/dashboard/entries/%lld", id, "created");
    }
    const char *title_en = field(w, "title_en"), *title_own = field(w, "title_own");
    const char *langs = vcm_dash_langs(req, w->s, museum);
    char own[36];
    snprintf(own, sizeof own, "%.*s", (int)strcspn(langs, " "), langs);
    if (!*title_en) {
        json_t *errors = json_pack("{s:s}", "title_en", vcm_web_t(req, "entry.err.title_missing"));
        return vcm_dash_render(req, resp, 422, "entry_new", new_data(req, w, museum, errors));
    }
    vcm_ltext t[2] = {{.lang = "en", .text = title_en}, {.lang = own, .text = title_own}};
    vcm_entry_data d = {.title = {t, *title_own && strcmp(own, "en") ? 2 : 1}};
    const char *bad, *why;
    if (vcm_entry_validate(&d, &bad, &why) < 0) {
        json_t *errors = json_pack("{s:s}", strncmp(bad, "title:en", 8) == 0 ? "title_en" : "title_own",
                                   vcm_web_t(req, why));
        return vcm_dash_render(req, resp, 422, "entry_new", new_data(req, w, museum, errors));
    }
    if (vcm_entry_create_record(w->s, museum, &d, &who, now_seconds(), &id, &oid) < 0)
        return vcm_web_store_error(req, resp, w->s);
    return vcm_dash_redirect(req, resp, "/dashboard/entries/%lld", id, "created");
}
