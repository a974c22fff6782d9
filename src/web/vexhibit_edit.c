/* Virtual exhibitions, the editors' side (web/vexhibit.h): the list and
 * the editor under /dashboard/exhibitions, and the write API under
 * /api/v1/exhibitions. The workflow, versions and checks are the store's
 * (store/vexhibit.h); these handlers only carry them to forms and JSON.
 *
 * The editor works without JavaScript. Its form holds, for each language
 * shown, the title and introduction, then one block per section (and one
 * empty block to add a section) with the section's title and text in each
 * language, its place (a number: sections are saved in that order) and
 * its items, one a line: "ID", or "ID x,y,w,h" for a detail (the region in
 * the image's pixels), either followed by "| caption". A save builds the
 * new version from the form over the latest one (the captions in other
 * languages of an item kept when its line names the same object and
 * region) and saves it only on the version the form was made from: when
 * someone saved since, the page comes back with what was typed and says
 * so. With JavaScript, static/vexhibit.js lets the editor draw a region on
 * the image instead of typing its numbers.
 *
 * jansson stays on malloc in these handlers (the model makes and frees
 * JSON of its own): the routes use VX_EDIT in vexhibit_routes.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "core/log.h"
#include "http/form.h"
#include "web/dashboard.h"
#include "web/vexhibit.h"
#include "core/banned.h"

#define LANGS_MAX 8
#define LANG_MAX 35

static int64_t now_seconds(void)
{
    return (int64_t)time(NULL);
}

static const char *field(vcm_web_who *w, const char *name)
{
    const char *v = vcm_form_get(&w->form, name);
    return v ? v : "";
}

static vcm_actor actor(vcm_web_who *w)
{
    return (vcm_actor){w->user.id, w->user.id ? w->user.email : "unknown"};
}

static const char *text_in(const vcm_ltexts *t, const char *lang)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].lang && strcmp(t->v[i].lang, lang) == 0)
            return t->v[i].text;
    return "";
}

static void lang_add(char out[LANGS_MAX][LANG_MAX + 1], size_t *n, const char *tag)
{
    if (!tag || !*tag || strlen(tag) > LANG_MAX || *n >= LANGS_MAX || !vcm_lang_valid(tag))
        return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(out[i], tag) == 0)
            return;
    snprintf(out[(*n)++], LANG_MAX + 1, "%s", tag);
}

static void texts_langs(char out[LANGS_MAX][LANG_MAX + 1], size_t *n, const vcm_ltexts *t)
{
    for (size_t i = 0; i < t->n; i++)
        lang_add(out, n, t->v[i].lang);
}

/* The languages the editor shows: English, those of the content, the
 * request's, and one the editor adds (the form's add_lang). */
static size_t editor_langs(vcm_req *req, const vcm_vx_data *d, const char *extra,
                           char out[LANGS_MAX][LANG_MAX + 1])
{
    size_t n = 0;
    lang_add(out, &n, "en");
    texts_langs(out, &n, &d->title);
    texts_langs(out, &n, &d->intro);
    for (size_t i = 0; i < d->nsections; i++) {
        texts_langs(out, &n, &d->sections[i].title);
        texts_langs(out, &n, &d->sections[i].text);
    }
    lang_add(out, &n, vcm_web_lang(req));
    lang_add(out, &n, extra);
    return n;
}

/* An item as a line of the form. */
static const char *item_line(vcm_req *req, const vcm_vx_item *it, const char *lang)
{
    vcm_buf b;
    vcm_buf_init(&b, 4096);
    vcm_buf_printf(&b, "%lld", (long long)it->object_id);
    if (it->w > 0)
        vcm_buf_printf(&b, " %lld,%lld,%lld,%lld", (long long)it->x, (long long)it->y,
                       (long long)it->w, (long long)it->h);
    const char *c = text_in(&it->caption, lang);
    if (!*c && it->caption.n)
        c = it->caption.v[0].text;
    if (*c)
        vcm_buf_printf(&b, " | %s", c);
    const char *r = b.toobig ? "" : vcm_arena_strdup(req->arena, b.data);
    vcm_buf_release(&b);
    return r ? r : "";
}

static json_t *ltexts_cols(vcm_req *req, char langs[LANGS_MAX][LANG_MAX + 1], size_t nl,
                           const char *prefix, const vcm_ltexts *title, const vcm_ltexts *text)
{
    json_t *cols = json_array();
    for (size_t i = 0; i < nl; i++)
        json_array_append_new(cols, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "lang", langs[i],
                                              "label", vcm_web_lang_label(req, langs[i]), "title",
                                              text_in(title, langs[i]), "text",
                                              text_in(text, langs[i]), "title_name",
                                              vcm_arena_printf(req->arena, "%stitle_%s", prefix,
                                                               langs[i]),
                                              "text_name",
                                              vcm_arena_printf(req->arena, "%stext_%s", prefix,
                                                               langs[i])));
    return cols;
}

static json_t *page_data(vcm_web_who *w, const char *title)
{
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(title));
    json_object_set_new(d, "noindex", json_true());
    json_object_set_new(d, "csrf", json_string(w->csrf ? w->csrf : ""));
    return d;
}

static const char *state_label(vcm_req *req, vcm_vx_state s)
{
    return vcm_web_t(req, vcm_arena_printf(req->arena, "vx.state.%s", vcm_vx_state_name(s)));
}

static int redirect(vcm_req *req, vcm_resp *resp, const char *to)
{
    resp->status = 303;
    vcm_resp_header(resp, req, "Location", to);
    return 0;
}

/* ---- the list ------------------------------------------------------------------- */

static int dash(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int status, json_t *errors)
{
    vcm_vx *list;
    size_t n;
    if (vcm_vx_list(w->s, req->arena, false, &list, &n) < 0) {
        json_decref(errors);
        return vcm_web_store_error(req, resp, w->s);
    }
    json_t *d = page_data(w, vcm_web_t(req, "vx.dash.title")), *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        vcm_vx_version v;
        int r = vcm_vx_version_get(w->s, req->arena, list[i].id, list[i].version, &v);
        if (r < 0) {
            json_decref(d), json_decref(arr), json_decref(errors);
            return vcm_web_store_error(req, resp, w->s);
        }
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s, s:I, s:b}", "slug", list[i].slug, "title",
                           r ? vcm_vx_text(req, &v.data.title, NULL) : list[i].slug, "state",
                           state_label(req, list[i].state), "updated",
                           vcm_dash_time(req, list[i].updated), "version",
                           (json_int_t)list[i].version, "live", list[i].live_version != 0));
    }
    json_object_set_new(d, "exhibitions", arr);
    json_object_set_new(d, "can_create", json_boolean(vcm_authz_allow(&w->user, "vx.create", NULL)));
    json_object_set_new(d, "slug", json_string(field(w, "slug")));
    json_object_set_new(d, "title", json_string(field(w, "title")));
    json_object_set_new(d, "errors", errors ? errors : json_object());
    resp->status = status;
    return vcm_web_page(req, resp, "vx_dash", d);
}

int vcm_vx_dash_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return dash(req, resp, w, 200, NULL);
}

int vcm_vx_create_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    if (!vcm_authz_allow(&w->user, "vx.create", NULL))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    const char *slug = field(w, "slug"), *title = field(w, "title");
    json_t *errors = json_object();
    if (!vcm_vx_slug_valid(slug))
        json_object_set_new(errors, "slug", json_string(vcm_web_t(req, "vx.err.slug")));
    if (!*title)
        json_object_set_new(errors, "title", json_string(vcm_web_t(req, "vx.err.title")));
    if (json_object_size(errors))
        return dash(req, resp, w, 422, errors);
    vcm_vx_data d = {0};
    vcm_ltexts_add(&d.title, req->arena, "en", title);
    vcm_actor who = actor(w);
    int64_t id;
    int rc = vcm_vx_create(w->s, slug, &d, &who, now_seconds(), &id);
    if (rc == VCM_ENTRY_TAKEN) {
        json_object_set_new(errors, "slug", json_string(vcm_web_t(req, "vx.err.slug_taken")));
        return dash(req, resp, w, 409, errors);
    }
    if (rc < 0) {
        json_object_set_new(errors, "title", json_string(vcm_web_t(req, "vx.err.title")));
        return dash(req, resp, w, 422, errors);
    }
    json_decref(errors);
    return redirect(req, resp, vcm_arena_printf(req->arena, "/dashboard/exhibitions/%s", slug));
}

/* ---- the editor ------------------------------------------------------------------ */

/* Loads exhibition {slug} and checks action on it: 1, or 0 with the answer
 * in resp. */
static int load(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const char *action, vcm_vx *vx)
{
    int r = vcm_vx_by_slug(w->s, req->arena, vcm_req_param(req, "slug"), vx);
    if (r < 0)
        return vcm_web_store_error(req, resp, w->s), 0;
    if (r == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "vx.missing")), 0;
    vcm_authz_res res = {.draft = vx->live_version == 0};
    if (!vcm_authz_allow(&w->user, action, &res))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403")), 0;
    return 1;
}

static json_t *history_json(vcm_req *req, vcm_web_who *w, const vcm_vx *vx, bool content)
{
    vcm_vx_version *v;
    size_t nv;
    vcm_vx_event *e;
    size_t ne;
    if (vcm_vx_versions(w->s, req->arena, vx->id, &v, &nv) < 0 ||
        vcm_vx_events(w->s, req->arena, vx->id, &e, &ne) < 0)
        return NULL;
    json_t *versions = json_array(), *events = json_array();
    for (size_t i = nv; i-- > 0;) {
        json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:s, s:b}", "version", (json_int_t)v[i].version,
                              "author", v[i].author ? v[i].author : "", "summary",
                              v[i].summary ? v[i].summary : "", "time", (json_int_t)v[i].time,
                              "when", vcm_dash_time(req, v[i].time), "live",
                              v[i].version == vx->live_version);
        if (content) {
            char *text = vcm_vx_data_to_json(&v[i].data, req->arena);
            json_t *c = text ? json_loads(text, 0, NULL) : NULL;
            json_object_set_new(j, "content", c ? c : json_null());
        }
        json_array_append_new(versions, j);
    }
    for (size_t i = 0; i < ne; i++)
        json_array_append_new(
            events, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "version",
                              (json_int_t)e[i].version, "action", e[i].action, "from",
                              vcm_vx_state_name(e[i].from), "to", vcm_vx_state_name(e[i].to),
                              "actor", e[i].actor ? e[i].actor : "", "comment",
                              e[i].comment ? e[i].comment : "", "time", (json_int_t)e[i].time,
                              "when", vcm_dash_time(req, e[i].time)));
    return json_pack("{s:o, s:o}", "versions", versions, "events", events);
}

/* The editor's page: d shown (the latest version, or what the form sent
 * back), errors by field name. */
static int editor(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const vcm_vx *vx,
                  const vcm_vx_data *d, int64_t form_version, int status, json_t *errors)
{
    const char *title = vcm_vx_text(req, &d->title, NULL);
    json_t *p = page_data(w, vcm_arena_printf(req->arena, "%s — %s", *title ? title : vx->slug,
                                                   vcm_web_t(req, "vx.edit.title")));
    char langs[LANGS_MAX][LANG_MAX + 1];
    size_t nl = editor_langs(req, d, field(w, "add_lang"), langs);
    json_t *ex = json_pack("{s:s, s:s, s:I, s:I, s:b, s:b}", "slug", vx->slug, "state",
                           state_label(req, vx->state), "version", (json_int_t)vx->version,
                           "live_version", (json_int_t)vx->live_version, "live",
                           vx->live_version != 0, "editable", vcm_vx_editable(vx->state));
    json_object_set_new(p, "exhibition", ex);
    json_object_set_new(p, "form_version", json_integer(form_version));
    json_object_set_new(p, "head", ltexts_cols(req, langs, nl, "", &d->title, &d->intro));
    json_t *secs = json_array();
    for (size_t i = 0; i <= d->nsections && i < VCM_VX_SECTIONS_MAX; i++) {
        const vcm_vx_section *s = i < d->nsections ? &d->sections[i] : NULL;
        vcm_vx_section empty = {0};
        if (!s)
            s = &empty;
        const char *prefix = vcm_arena_printf(req->arena, "s%zu_", i + 1);
        vcm_buf items;
        vcm_buf_init(&items, 1 << 16);
        for (size_t k = 0; k < s->nitems; k++)
            vcm_buf_printf(&items, "%s\n", item_line(req, &s->items[k], langs[0]));
        const char *typed = vcm_form_get(&w->form, vcm_arena_printf(req->arena, "s%zu_items", i + 1));
        json_t *sj = json_pack("{s:I, s:b, s:s, s:o, s:s, s:s}", "n", (json_int_t)(i + 1), "new",
                               i == d->nsections, "prefix", prefix, "langs",
                               ltexts_cols(req, langs, nl, prefix, &s->title, &s->text), "items",
                               typed && errors ? typed
                               : items.data && !items.toobig ? vcm_arena_strdup(req->arena, items.data)
                                                            : "",
                               "items_name", vcm_arena_printf(req->arena, "s%zu_items", i + 1));
        vcm_buf_release(&items);
        json_t *err = json_object_get(errors, vcm_arena_printf(req->arena, "section %zu", i + 1));
        if (err)
            json_object_set(sj, "error", err);
        json_array_append_new(secs, sj);
    }
    json_object_set_new(p, "sections", secs);
    json_object_set_new(p, "errors", errors ? json_incref(errors) : json_object());
    json_t *h = history_json(req, w, vx, false);
    if (!h) {
        json_decref(p), json_decref(errors);
        return vcm_web_store_error(req, resp, w->s);
    }
    json_object_set_new(p, "history", h);
    /* the steps this user may take from here */
    json_t *steps = json_array();
    static const vcm_vx_action offered[] = {VCM_VXA_SUBMIT, VCM_VXA_PUBLISH,
                                            VCM_VXA_REQUEST_CHANGES, VCM_VXA_WITHDRAW,
                                            VCM_VXA_RESTORE};
    for (size_t i = 0; i < sizeof offered / sizeof *offered; i++) {
        vcm_vx_state to;
        vcm_authz_res res = {0};
        if (vcm_vx_next(vx->state, offered[i], &to) == 0 &&
            vcm_authz_allow(&w->user, vcm_vx_action_authz(offered[i]), &res)) {
            const char *name = vcm_vx_action_name(offered[i]);
            char path[40];
            snprintf(path, sizeof path, "%s", name);
            for (char *c = path; *c; c++)
                if (*c == '_')
                    *c = '-';
            json_array_append_new(steps, json_pack("{s:s, s:s}", "path",
                                                   vcm_arena_strdup(req->arena, path), "label",
                                                   vcm_web_t(req, vcm_arena_printf(
                                                                      req->arena, "vx.step.%s",
                                                                      name))));
        }
    }
    json_object_set_new(p, "steps", steps);
    const char *notice = vcm_req_query_get(req, "done");
    if (notice && (strcmp(notice, "saved") == 0 || strcmp(notice, "step") == 0))
        json_object_set_new(p, "notice", json_string(vcm_web_t(
                                             req, vcm_arena_printf(req->arena, "vx.done.%s", notice))));
    json_decref(errors);
    json_object_set_new(p, "vx_editor", json_true());
    resp->status = status;
    return vcm_web_page(req, resp, "vx_edit", p);
}

int vcm_vx_edit_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_vx vx;
    if (!load(req, resp, w, "vx.read", &vx))
        return 0;
    vcm_vx_version v;
    int r = vcm_vx_version_get(w->s, req->arena, vx.id, vx.version, &v);
    if (r <= 0)
        return vcm_web_store_error(req, resp, w->s);
    return editor(req, resp, w, &vx, &v.data, vx.version, 200, NULL);
}

/* A text of the form into t, when not empty. */
static int form_text(vcm_req *req, vcm_web_who *w, vcm_ltexts *t, const char *name,
                     const char *lang)
{
    const char *v = field(w, vcm_arena_printf(req->arena, "%s%s", name, lang));
    if (!*v)
        return 0;
    /* lang is the caller's (a stack array): the texts keep a copy */
    return vcm_ltexts_add(t, req->arena, vcm_arena_strdup(req->arena, lang), v);
}

/* The captions of old in languages other than lang, kept on it when it
 * names the same object and region. */
static void keep_captions(vcm_req *req, vcm_vx_item *it, const vcm_vx_section *old,
                          const char *lang)
{
    for (size_t k = 0; old && k < old->nitems; k++) {
        const vcm_vx_item *o = &old->items[k];
        if (o->object_id != it->object_id || o->x != it->x || o->y != it->y || o->w != it->w ||
            o->h != it->h)
            continue;
        for (size_t c = 0; c < o->caption.n; c++)
            if (strcmp(o->caption.v[c].lang, lang) != 0)
                vcm_ltexts_add(&it->caption, req->arena, o->caption.v[c].lang,
                               o->caption.v[c].text);
        return;
    }
}

struct placed {
    vcm_vx_section s;
    long pos;
    size_t n;
};

static int by_pos(const void *a, const void *b)
{
    const struct placed *x = a, *y = b;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    return x->n < y->n ? -1 : x->n > y->n;
}

/* Reads the editor's form over old into d; errors by field name (the
 * section's "section N", or "title"). */
static void read_form(vcm_req *req, vcm_web_who *w, const vcm_vx_data *old, vcm_vx_data *d,
                      json_t *errors)
{
    char langs[LANGS_MAX][LANG_MAX + 1];
    size_t nl = editor_langs(req, old, field(w, "add_lang"), langs);
    memset(d, 0, sizeof *d);
    for (size_t l = 0; l < nl; l++) {
        form_text(req, w, &d->title, "title_", langs[l]);
        form_text(req, w, &d->intro, "text_", langs[l]);
    }
    struct placed *pl = vcm_arena_calloc(req->arena, VCM_VX_SECTIONS_MAX + 1, sizeof *pl);
    size_t np = 0;
    for (size_t i = 0; i <= old->nsections && i < VCM_VX_SECTIONS_MAX && pl; i++) {
        char prefix[24];
        snprintf(prefix, sizeof prefix, "s%zu_", i + 1);
        if (*field(w, vcm_arena_printf(req->arena, "%sdelete", prefix)))
            continue;
        struct placed *p = &pl[np];
        memset(p, 0, sizeof *p);
        p->n = i;
        for (size_t l = 0; l < nl; l++) {
            form_text(req, w, &p->s.title, vcm_arena_printf(req->arena, "%stitle_", prefix), langs[l]);
            form_text(req, w, &p->s.text, vcm_arena_printf(req->arena, "%stext_", prefix), langs[l]);
        }
        const char *pos = field(w, vcm_arena_printf(req->arena, "%spos", prefix));
        char *end;
        p->pos = *pos ? strtol(pos, &end, 10) : (long)(i + 1);
        if (*pos && *end)
            p->pos = (long)(i + 1);
        const char *items = field(w, vcm_arena_printf(req->arena, "%sitems", prefix));
        p->s.items = vcm_arena_calloc(req->arena, VCM_VX_ITEMS_MAX, sizeof *p->s.items);
        size_t line = 0;
        for (const char *q = items; *q && p->s.items;) {
            size_t len = strcspn(q, "\n");
            const char *ln = vcm_arena_strndup(req->arena, q, len);
            q += len + (q[len] == '\n');
            line++;
            const char *t = ln;
            while (*t == ' ' || *t == '\r' || *t == '\t')
                t++;
            if (!*t)
                continue;
            const char *why;
            vcm_vx_item it;
            char key[40];
            snprintf(key, sizeof key, "section %zu", i + 1);
            if (p->s.nitems >= VCM_VX_ITEMS_MAX) {
                json_object_set_new(errors, key, json_string(vcm_web_t(req, "vx.err.too_many")));
                break;
            }
            if (vcm_vx_item_parse(ln, req->arena, vcm_arena_strdup(req->arena, langs[0]), &it,
                                  &why) < 0) {
                char num[24];
                snprintf(num, sizeof num, "%zu", line);
                json_object_set_new(errors, key,
                                    json_string(vcm_web_tfv(req, "vx.err.line", 2,
                                                            (const char *const[]){
                                                                num, vcm_web_t(req, why)})));
                continue;
            }
            keep_captions(req, &it, i < old->nsections ? &old->sections[i] : NULL, langs[0]);
            p->s.items[p->s.nitems++] = it;
        }
        /* the empty block stays empty unless something was typed in it */
        if (i == old->nsections && !p->s.title.n && !p->s.text.n && !p->s.nitems)
            continue;
        np++;
    }
    if (pl)
        qsort(pl, np, sizeof *pl, by_pos);
    d->sections = vcm_arena_calloc(req->arena, np ? np : 1, sizeof *d->sections);
    for (size_t i = 0; d->sections && i < np; i++)
        d->sections[d->nsections++] = pl[i].s;
}

int vcm_vx_save_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_vx vx;
    if (!load(req, resp, w, "vx.update", &vx))
        return 0;
    int64_t form_version = vcm_web_id(field(w, "version"));
    vcm_vx_version latest;
    if (vcm_vx_version_get(w->s, req->arena, vx.id, vx.version, &latest) <= 0)
        return vcm_web_store_error(req, resp, w->s);
    /* the form was made from form_version: read it over that one */
    vcm_vx_version base = latest;
    if (form_version && form_version != vx.version &&
        vcm_vx_version_get(w->s, req->arena, vx.id, form_version, &base) <= 0)
        base = latest;
    vcm_vx_data d;
    json_t *errors = json_object();
    read_form(req, w, &base.data, &d, errors);
    if (json_object_size(errors))
        return editor(req, resp, w, &vx, &d, form_version, 422, errors);
    char fieldname[64];
    const char *why;
    if (vcm_vx_validate(&d, fieldname, sizeof fieldname, &why) < 0) {
        json_object_set_new(errors, strncmp(fieldname, "section ", 8) == 0 ? fieldname : "title",
                            json_string(vcm_web_t(req, why)));
        /* "section 2 item 1" is shown beside section 2 */
        char *sp = strstr(fieldname, " item");
        if (sp) {
            *sp = '\0';
            json_object_set_new(errors, fieldname, json_string(vcm_web_t(req, why)));
        }
        return editor(req, resp, w, &vx, &d, form_version, 422, errors);
    }
    if (!vcm_vx_editable(vx.state)) {
        json_object_set_new(errors, "form", json_string(vcm_web_t(req, "vx.err.not_editable")));
        return editor(req, resp, w, &vx, &d, form_version, 409, errors);
    }
    vcm_actor who = actor(w);
    int64_t v;
    const char *summary = field(w, "summary");
    int rc = vcm_vx_save(w->s, vx.id, form_version ? form_version : vx.version, &d,
                         *summary ? summary : NULL, &who, now_seconds(), &v);
    if (rc == VCM_ENTRY_STALE) {
        json_object_set_new(errors, "form", json_string(vcm_web_t(req, "vx.err.stale")));
        return editor(req, resp, w, &vx, &d, form_version, 409, errors);
    }
    if (rc == VCM_ENTRY_REFUSED) {
        json_object_set_new(errors, "form", json_string(vcm_web_t(req, "vx.err.not_editable")));
        return editor(req, resp, w, &vx, &d, form_version, 409, errors);
    }
    if (rc < 0) {
        /* a record that is not stored: the store's message names the item */
        const char *msg = vcm_store_error(w->s);
        char sec[32];
        size_t k = 0;
        if (strncmp(msg, "section ", 8) == 0) {
            k = 8 + strspn(msg + 8, "0123456789");
            snprintf(sec, sizeof sec, "%.*s", (int)k, msg);
            json_object_set_new(errors, sec, json_string(vcm_web_t(req, "vx.err.no_object")));
            return editor(req, resp, w, &vx, &d, form_version, 422, errors);
        }
        json_decref(errors);
        return vcm_web_store_error(req, resp, w->s);
    }
    json_decref(errors);
    return redirect(req, resp,
                    vcm_arena_printf(req->arena, "/dashboard/exhibitions/%s?done=saved", vx.slug));
}

/* The workflow action the route's last segment names. */
static int route_action(vcm_req *req, vcm_vx_action *a)
{
    const char *slash = strrchr(req->path, '/');
    if (!slash)
        return -1;
    char name[40];
    snprintf(name, sizeof name, "%s", slash + 1);
    for (char *c = name; *c; c++)
        if (*c == '-')
            *c = '_';
    return vcm_vx_action_parse(name, a);
}

int vcm_vx_step_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_vx_action a;
    if (route_action(req, &a) < 0 || a == VCM_VXA_EDIT)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "error.404"));
    vcm_vx vx;
    if (!load(req, resp, w, vcm_vx_action_authz(a), &vx))
        return 0;
    vcm_actor who = actor(w);
    int rc = vcm_vx_transition(w->s, vx.id, a, field(w, "comment"), &who, now_seconds());
    if (rc == VCM_ENTRY_REFUSED || rc == VCM_ENTRY_INCOMPLETE) {
        vcm_vx_version v;
        if (vcm_vx_version_get(w->s, req->arena, vx.id, vx.version, &v) <= 0)
            return vcm_web_store_error(req, resp, w->s);
        json_t *errors = json_object();
        json_object_set_new(errors, "form",
                            json_string(rc == VCM_ENTRY_REFUSED
                                            ? vcm_web_t(req, "vx.err.step")
                                            : vcm_web_tf(req, "vx.err.incomplete",
                                                         vcm_store_error(w->s))));
        return editor(req, resp, w, &vx, &v.data, vx.version, rc == VCM_ENTRY_REFUSED ? 409 : 422,
                      errors);
    }
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    return redirect(req, resp,
                    vcm_arena_printf(req->arena, "/dashboard/exhibitions/%s?done=step", vx.slug));
}

/* ---- the write API ------------------------------------------------------------------ */

static int problem(vcm_req *req, vcm_resp *resp, int status, const char *code,
                   const char *detail)
{
    char key[32];
    snprintf(key, sizeof key, "error.%d.title", status);
    json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", "about:blank", "title",
                          vcm_t("en", key), "status", status, "detail", detail ? detail : "",
                          "instance", req->path, "code", code);
    vcm_buf_reset(&resp->body);
    return vcm_web_json(req, resp, status, p);
}

/* The strong ETag of an exhibition's version: "x<id>v<version>" quoted. */
static const char *etag(vcm_req *req, const vcm_vx *vx)
{
    return vcm_arena_printf(req->arena, "\"x%lldv%lld\"", (long long)vx->id,
                            (long long)vx->version);
}

/* The state and latest version of vx as the API answers them. */
static int answer(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int64_t id, int status)
{
    vcm_vx vx;
    vcm_vx_version v;
    if (vcm_vx_get(w->s, req->arena, id, &vx) <= 0 ||
        vcm_vx_version_get(w->s, req->arena, vx.id, vx.version, &v) <= 0)
        return vcm_web_store_error(req, resp, w->s);
    char *text = vcm_vx_data_to_json(&v.data, req->arena);
    json_t *content = text ? json_loads(text, 0, NULL) : NULL;
    json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:o}", "slug", vx.slug, "state",
                          vcm_vx_state_name(vx.state), "version", (json_int_t)vx.version,
                          "live_version", (json_int_t)vx.live_version, "content",
                          content ? content : json_object());
    vcm_resp_header(resp, req, "ETag", etag(req, &vx));
    if (status == 201)
        vcm_resp_header(resp, req, "Location",
                        vcm_arena_printf(req->arena, "/api/v1/exhibitions/%s/history", vx.slug));
    return vcm_web_json(req, resp, status, j);
}

/* The body's content as a version; 0, or -1 with the 400/422 in resp. */
static int body_content(vcm_req *req, vcm_resp *resp, vcm_web_who *w, vcm_vx_data *d)
{
    if (!w->json)
        return problem(req, resp, 415, "json_required", vcm_web_t(req, "vx.api.json")), -1;
    char err[200];
    const char *text = vcm_arena_strndup(req->arena, req->body ? req->body : "", req->body_len);
    if (!text || vcm_vx_data_from_json(d, req->arena, text, err, sizeof err) < 0)
        return problem(req, resp, 400, "bad_json", text ? err : "out of memory"), -1;
    char fieldname[64];
    const char *why;
    if (vcm_vx_validate(d, fieldname, sizeof fieldname, &why) < 0)
        return problem(req, resp, 422, "invalid",
                       vcm_arena_printf(req->arena, "%s: %s", fieldname, vcm_web_t(req, why))),
               -1;
    return 0;
}

int vcm_api_vx_create(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    if (!vcm_authz_allow(&w->user, "vx.create", NULL))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    vcm_vx_data d;
    if (body_content(req, resp, w, &d) < 0)
        return 0;
    json_t *o = json_loadb(req->body, req->body_len, 0, NULL);
    const char *slug = vcm_arena_strdup(req->arena, json_string_value(json_object_get(o, "slug"))
                                                        ? json_string_value(json_object_get(o, "slug"))
                                                        : "");
    json_decref(o);
    if (!slug || !vcm_vx_slug_valid(slug))
        return problem(req, resp, 422, "invalid",
                       vcm_arena_printf(req->arena, "slug: %s", vcm_web_t(req, "vx.err.slug")));
    vcm_actor who = actor(w);
    int64_t id;
    int rc = vcm_vx_create(w->s, slug, &d, &who, now_seconds(), &id);
    if (rc == VCM_ENTRY_TAKEN)
        return problem(req, resp, 409, "taken", vcm_web_t(req, "vx.err.slug_taken"));
    if (rc < 0)
        return problem(req, resp, 422, "invalid", vcm_store_error(w->s));
    return answer(req, resp, w, id, 201);
}

int vcm_api_vx_update(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_vx vx;
    if (!load(req, resp, w, "vx.update", &vx))
        return 0;
    const char *im = vcm_req_header(req, "If-Match");
    if (!im)
        return problem(req, resp, 428, "if_match_required", vcm_web_t(req, "vx.api.if_match"));
    long long xid, xv;
    char tail;
    if (sscanf(im, "\"x%lldv%lld\"%c", &xid, &xv, &tail) != 2 || xid != vx.id ||
        xv != vx.version) {
        vcm_resp_header(resp, req, "ETag", etag(req, &vx));
        return problem(req, resp, 412, "stale", vcm_web_t(req, "vx.err.stale"));
    }
    vcm_vx_data d;
    if (body_content(req, resp, w, &d) < 0)
        return 0;
    vcm_actor who = actor(w);
    int64_t v;
    int rc = vcm_vx_save(w->s, vx.id, (int64_t)xv, &d, NULL, &who, now_seconds(), &v);
    if (rc == VCM_ENTRY_STALE) {
        vcm_resp_header(resp, req, "ETag", etag(req, &vx));
        return problem(req, resp, 412, "stale", vcm_web_t(req, "vx.err.stale"));
    }
    if (rc == VCM_ENTRY_REFUSED)
        return problem(req, resp, 409, "workflow", vcm_web_t(req, "vx.err.not_editable"));
    if (rc < 0)
        return problem(req, resp, 422, "invalid", vcm_store_error(w->s));
    return answer(req, resp, w, vx.id, 200);
}

int vcm_api_vx_history(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_vx vx;
    if (!load(req, resp, w, "vx.read", &vx))
        return 0;
    json_t *h = history_json(req, w, &vx, true);
    if (!h)
        return vcm_web_store_error(req, resp, w->s);
    json_object_set_new(h, "slug", json_string(vx.slug));
    json_object_set_new(h, "state", json_string(vcm_vx_state_name(vx.state)));
    json_object_set_new(h, "version", json_integer(vx.version));
    json_object_set_new(h, "live_version", json_integer(vx.live_version));
    vcm_resp_header(resp, req, "ETag", etag(req, &vx));
    return vcm_web_json(req, resp, 200, h);
}

int vcm_api_vx_step(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_vx_action a;
    if (route_action(req, &a) < 0 || a == VCM_VXA_EDIT)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "error.404"));
    vcm_vx vx;
    if (!load(req, resp, w, vcm_vx_action_authz(a), &vx))
        return 0;
    const char *comment = NULL;
    if (w->json && req->body_len) {
        json_t *o = json_loadb(req->body, req->body_len, 0, NULL);
        if (!json_is_object(o)) {
            json_decref(o);
            return problem(req, resp, 400, "bad_json", vcm_web_t(req, "vx.api.json"));
        }
        const char *c = json_string_value(json_object_get(o, "comment"));
        comment = c ? vcm_arena_strdup(req->arena, c) : NULL;
        json_decref(o);
    } else {
        comment = field(w, "comment");
    }
    vcm_actor who = actor(w);
    int rc = vcm_vx_transition(w->s, vx.id, a, comment, &who, now_seconds());
    if (rc == VCM_ENTRY_REFUSED)
        return problem(req, resp, 409, "workflow", vcm_web_t(req, "vx.err.step"));
    if (rc == VCM_ENTRY_INCOMPLETE)
        return problem(req, resp, 422, "incomplete",
                       vcm_web_tf(req, "vx.err.incomplete", vcm_store_error(w->s)));
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    return answer(req, resp, w, vx.id, 200);
}
