/* The editor of one entry, /dashboard/entries/{id} (dashboard.h), and its
 * forms. A save builds the new version from the form over the latest one
 * (images and statements' dates kept), checks it as the API does, and
 * saves it only on the version the form was made from (its hidden
 * "version"): when someone saved since, the page comes back with what was
 * typed and says so, nothing saved and nothing lost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "http/form.h"
#include "web/dashboard.h"
#include "web/upload.h"
#include "core/banned.h"

#define LANGS_MAX 12
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

static const char *text_in(const vcm_ltexts *t, const char *lang)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].lang && strcmp(t->v[i].lang, lang) == 0)
            return t->v[i].text;
    return "";
}

static const vcm_statement *statement_in(const vcm_entry_data *d, const char *lang)
{
    for (size_t i = 0; i < d->nstatements; i++)
        if (strcmp(d->statements[i].lang, lang) == 0)
            return &d->statements[i];
    return NULL;
}

/* The languages the editor shows: the museum's (its own first), English,
 * and any other the content has, without repeats. */
static size_t editor_langs(vcm_req *req, vcm_store *s, const vcm_entry *e,
                           const vcm_entry_data *d, const char *extra,
                           char out[LANGS_MAX][LANG_MAX + 1])
{
    size_t n = 0;
    const char *museum = vcm_dash_langs(req, s, e->museum_id);
    const char *src[4] = {"en", museum, extra, NULL};
    for (int k = 0; k < 3; k++)
        for (const char *p = src[k]; p && *p && n < LANGS_MAX;) {
            size_t len = strcspn(p, " ");
            if (len && len <= LANG_MAX) {
                bool seen = false;
                for (size_t i = 0; i < n; i++)
                    seen = seen || (strlen(out[i]) == len && strncmp(out[i], p, len) == 0);
                if (!seen)
                    snprintf(out[n++], LANG_MAX + 1, "%.*s", (int)len, p);
            }
            p += len;
            while (*p == ' ')
                p++;
        }
    const vcm_ltexts *texts[2] = {&d->title, &d->description};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < texts[k]->n && n < LANGS_MAX; i++) {
            bool seen = false;
            for (size_t j = 0; j < n; j++)
                seen = seen || strcmp(out[j], texts[k]->v[i].lang) == 0;
            if (!seen && strlen(texts[k]->v[i].lang) <= LANG_MAX)
                snprintf(out[n++], LANG_MAX + 1, "%s", texts[k]->v[i].lang);
        }
    for (size_t i = 0; i < d->nstatements && n < LANGS_MAX; i++) {
        bool seen = false;
        for (size_t j = 0; j < n; j++)
            seen = seen || strcmp(out[j], d->statements[i].lang) == 0;
        if (!seen && strlen(d->statements[i].lang) <= LANG_MAX)
            snprintf(out[n++], LANG_MAX + 1, "%s", d->statements[i].lang);
    }
    return n;
}

static const char *err_of(json_t *errors, const char *kind, const char *lang)
{
    char key[80];
    snprintf(key, sizeof key, "%s:%s", kind, lang);
    return json_string_value(json_object_get(errors, key));
}

static const char *const scalars[] = {"date_text", "creators", "classification", "materials",
                                      "dimensions", "credit_line", "rights", "licence", NULL};

static const char *scalar_of(const vcm_entry_data *d, size_t i)
{
    const char *v[] = {d->date_text, d->creators, d->classification, d->materials,
                       d->dimensions, d->credit_line, d->rights, d->licence};
    return v[i] ? v[i] : "";
}

/* The editor page's data: the entry e, the content d shown (the latest
 * version, or what the form sent back), errors by field key. */
static json_t *editor_data(vcm_req *req, vcm_web_who *w, const vcm_entry *e,
                           const vcm_entry_data *d, json_t *errors, int64_t form_version)
{
    json_t *page = vcm_dash_page(req, w, vcm_arena_printf(req->arena, "%s — %s",
                                                           vcm_dash_title(d),
                                                           vcm_web_t(req, "dash.edit.title")));
    json_t *ent = vcm_dash_entry_row(req, w->s, e);
    json_object_set_new(ent, "object_id", json_integer(e->object_id));
    json_object_set_new(ent, "museum", json_string(vcm_dash_museum_name(req, w->s, e->museum_id)));
    json_object_set_new(ent, "created_record", json_boolean(e->created_record));
    json_object_set_new(ent, "editable", json_boolean(vcm_entry_editable(e->state)));
    json_object_set_new(ent, "can_submit", json_boolean(e->state == VCM_ENTRY_DRAFT ||
                                                        e->state == VCM_ENTRY_CHANGES_REQUESTED));
    json_object_set_new(ent, "withdrawn", json_boolean(e->state == VCM_ENTRY_WITHDRAWN));
    if (e->waiver)
        json_object_set_new(ent, "waiver", json_string(e->waiver));
    json_object_set_new(page, "entry", ent);
    json_object_set_new(page, "form_version", json_integer(form_version));
    char langs[LANGS_MAX][LANG_MAX + 1];
    size_t nl = editor_langs(req, w->s, e, d, field(w, "add_lang"), langs);
    json_t *cols = json_array();
    vcm_buf all;
    vcm_buf_init(&all, 1024);
    for (size_t i = 0; i < nl; i++) {
        const vcm_statement *st = statement_in(d, langs[i]);
        json_t *c =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "lang", langs[i], "label",
                      vcm_web_lang_label(req, langs[i]), "title", text_in(&d->title, langs[i]),
                      "description", text_in(&d->description, langs[i]), "statement",
                      st ? st->text : "", "author", st && st->author ? st->author : "");
        if (st && st->date)
            json_object_set_new(c, "date", json_string(vcm_dash_time(req, st->date)));
        const char *kinds[] = {"title", "description", "statement", "statement_author"};
        const char *names[] = {"err_title", "err_description", "err_statement", "err_author"};
        for (int k = 0; k < 4; k++) {
            const char *m = err_of(errors, kinds[k], langs[i]);
            if (m)
                json_object_set_new(c, names[k], json_string(m));
        }
        json_array_append_new(cols, c);
        vcm_buf_printf(&all, "%s%s", i ? " " : "", langs[i]);
    }
    json_object_set_new(page, "langs", cols);
    json_object_set_new(page, "langs_list", json_string(all.data ? all.data : "en"));
    vcm_buf_release(&all);
    json_t *fields = json_array();
    for (size_t i = 0; scalars[i]; i++) {
        json_t *f = json_pack("{s:s, s:s, s:s}", "name", scalars[i], "label",
                              vcm_web_t(req, vcm_arena_printf(req->arena, "dash.field.%s",
                                                              scalars[i])),
                              "value", scalar_of(d, i));
        const char *m = json_string_value(json_object_get(errors, scalars[i]));
        if (m)
            json_object_set_new(f, "error", json_string(m));
        json_array_append_new(fields, f);
    }
    json_object_set_new(page, "fields", fields);
    json_t *imgs = json_array();
    for (size_t i = 0; i < d->nimages; i++)
        json_array_append_new(imgs, json_pack("{s:s, s:s, s:b, s:b, s:I}", "identifier",
                                              d->images[i].identifier, "rights",
                                              d->images[i].rights ? d->images[i].rights : "",
                                              "first", i == 0, "last", i + 1 == d->nimages,
                                              "pos", (json_int_t)(i + 1)));
    json_object_set_new(page, "images", imgs);
    const char *m = json_string_value(json_object_get(errors, "images"));
    if (m)
        json_object_set_new(page, "err_images", json_string(m));
    if ((m = json_string_value(json_object_get(errors, "image"))))
        json_object_set_new(page, "err_upload", json_string(m));
    if ((m = json_string_value(json_object_get(errors, "form"))))
        json_object_set_new(page, "form_error", json_string(m));
    if ((m = json_string_value(json_object_get(errors, "comment"))))
        json_object_set_new(page, "err_comment", json_string(m));
    json_t *v = vcm_dash_versions(req, w->s, e);
    json_object_set_new(page, "versions", v ? v : json_array());
    json_t *ev = vcm_dash_events(req, w->s, e);
    json_object_set_new(page, "events", ev ? ev : json_array());
    json_t *cm = vcm_dash_comments(req, w->s, e);
    json_object_set_new(page, "comments", cm ? cm : json_array());
    /* the diff between two versions the visitor chose */
    int64_t from = vcm_web_id(vcm_req_query_get(req, "from")),
            to = vcm_web_id(vcm_req_query_get(req, "to"));
    vcm_entry_version va, vb;
    if (from && to && vcm_entry_version_get(w->s, req->arena, e->id, from, &va) == 1 &&
        vcm_entry_version_get(w->s, req->arena, e->id, to, &vb) == 1) {
        json_object_set_new(page, "diff", vcm_dash_diff(req, &va.data, &vb.data));
        json_object_set_new(page, "diff_from", json_integer(from));
        json_object_set_new(page, "diff_to", json_integer(to));
    }
    json_decref(errors);
    return page;
}

static int show(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const vcm_entry *e, int status,
                const vcm_entry_data *shown, json_t *errors, int64_t form_version)
{
    vcm_entry_version v;
    if (!shown) {
        int r = vcm_entry_version_get(w->s, req->arena, e->id, e->version, &v);
        if (r <= 0) {
            json_decref(errors);
            return r < 0 ? vcm_web_store_error(req, resp, w->s)
                         : vcm_web_error(req, resp, 404, vcm_web_t(req, "entry.missing"));
        }
        shown = &v.data;
        form_version = e->version;
    }
    return vcm_dash_render(req, resp, status, "entry_edit",
                           editor_data(req, w, e, shown, errors ? errors : json_object(),
                                       form_version));
}

int vcm_entry_edit_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, "entry.read", &e))
        return 0;
    return show(req, resp, w, &e, 200, NULL, NULL, 0);
}

/* The content the form sent, over base (the latest version). */
static int form_data(vcm_req *req, vcm_web_who *w, const vcm_entry *e, const vcm_entry_data *base,
                     vcm_entry_data *d)
{
    *d = *base;
    char langs[LANGS_MAX][LANG_MAX + 1];
    const char *list = field(w, "langs"), *add = field(w, "add_lang");
    size_t n = 0;
    const char *srcs[2] = {list, add};
    for (int k = 0; k < 2; k++)
        for (const char *p = srcs[k]; *p && n < LANGS_MAX;) {
            size_t len = strcspn(p, " ");
            if (len && len <= LANG_MAX)
                snprintf(langs[n++], LANG_MAX + 1, "%.*s", (int)len, p);
            p += len;
            while (*p == ' ')
                p++;
        }
    (void)e;
    vcm_ltext *titles = vcm_arena_calloc(req->arena, n + 1, sizeof *titles);
    vcm_ltext *descs = vcm_arena_calloc(req->arena, n + 1, sizeof *descs);
    vcm_statement *sts = vcm_arena_calloc(req->arena, n + 1, sizeof *sts);
    if (!titles || !descs || !sts)
        return -1;
    d->title = (vcm_ltexts){titles, 0};
    d->description = (vcm_ltexts){descs, 0};
    d->statements = sts;
    d->nstatements = 0;
    int64_t now = now_seconds();
    for (size_t i = 0; i < n; i++) {
        const char *lang = vcm_arena_strdup(req->arena, langs[i]);
        char key[64];
        snprintf(key, sizeof key, "title.%s", lang);
        const char *t = field(w, key);
        if (*t)
            titles[d->title.n++] = (vcm_ltext){.lang = lang, .text = t};
        snprintf(key, sizeof key, "description.%s", lang);
        t = field(w, key);
        if (*t)
            descs[d->description.n++] = (vcm_ltext){.lang = lang, .text = t};
        snprintf(key, sizeof key, "statement.%s", lang);
        t = field(w, key);
        if (*t) {
            snprintf(key, sizeof key, "author.%s", lang);
            const char *author = field(w, key);
            const vcm_statement *old = statement_in(base, lang);
            sts[d->nstatements++] = (vcm_statement){
                .lang = lang,
                .text = t,
                .author = *author ? author : (w->user.name ? w->user.name : ""),
                .date = old && strcmp(old->text, t) == 0 ? old->date : now};
        }
    }
    const char **slots[] = {&d->date_text, &d->creators, &d->classification, &d->materials,
                            &d->dimensions, &d->credit_line, &d->rights, &d->licence};
    for (size_t i = 0; scalars[i]; i++) {
        const char *v = vcm_form_get(&w->form, scalars[i]);
        if (v)
            *slots[i] = *v ? v : NULL;
    }
    return 0;
}

static json_t *one_error(const char *key, const char *message)
{
    json_t *e = json_object();
    json_object_set_new(e, key, json_string(message));
    return e;
}

int vcm_entry_save_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, "entry.update", &e))
        return 0;
    int64_t expected = vcm_web_id(field(w, "version"));
    vcm_entry_version latest;
    int r = vcm_entry_version_get(w->s, req->arena, e.id, e.version, &latest);
    if (r <= 0)
        return r < 0 ? vcm_web_store_error(req, resp, w->s)
                     : vcm_web_error(req, resp, 404, vcm_web_t(req, "entry.missing"));
    vcm_entry_data d;
    if (form_data(req, w, &e, &latest.data, &d) < 0)
        return -1;
    const char *bad, *why;
    if (vcm_entry_validate(&d, &bad, &why) < 0)
        return show(req, resp, w, &e, 422, &d, one_error(bad, vcm_web_t(req, why)), expected);
    vcm_actor who = vcm_web_actor(w);
    int64_t version;
    r = vcm_entry_save(w->s, e.id, expected ? expected : -1, &d, &who, now_seconds(), &version);
    if (r == VCM_ENTRY_STALE)
        return show(req, resp, w, &e, 409, &d, one_error("form", vcm_web_t(req, "dash.stale")),
                    expected);
    if (r == VCM_ENTRY_REFUSED)
        return show(req, resp, w, &e, 409, &d,
                    one_error("form", vcm_web_t(req, "dash.not_editable")), expected);
    if (r < 0)
        return vcm_web_store_error(req, resp, w->s);
    return vcm_dash_redirect(req, resp, "/dashboard/entries/%lld", e.id, "saved");
}

int vcm_entry_image_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, "entry.update", &e))
        return 0;
    if (!vcm_entry_editable(e.state))
        return show(req, resp, w, &e, 409, NULL,
                    one_error("image", vcm_web_t(req, "dash.not_editable")), 0);
    vcm_upload u;
    if (vcm_upload_image(req, w->s, &w->mp, e.id, e.object_id, field(w, "rights"), &u) < 0) {
        vcm_error("upload failed", "entry=%lld error=\"%s\"", (long long)e.id, u.message);
        return vcm_web_error(req, resp, 500, vcm_web_t(req, "error.500"));
    }
    if (u.status)
        return show(req, resp, w, &e, u.status, NULL, one_error("image", vcm_web_t(req, u.why)),
                    0);
    int r = vcm_web_entry_add_image(req, w, &e, e.version, u.identifier, field(w, "rights"));
    if (r == VCM_ENTRY_STALE || r == VCM_ENTRY_REFUSED)
        return show(req, resp, w, &e, 409, NULL, one_error("image", vcm_web_t(req, "dash.stale")),
                    0);
    if (r < 0)
        return vcm_web_store_error(req, resp, w->s);
    return vcm_dash_redirect(req, resp, "/dashboard/entries/%lld", e.id, "uploaded");
}

/* Moves an image one place up or down (fields image, dir, version). */
int vcm_entry_order_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, "entry.update", &e))
        return 0;
    vcm_entry_version v;
    int r = vcm_entry_version_get(w->s, req->arena, e.id, e.version, &v);
    if (r <= 0)
        return r < 0 ? vcm_web_store_error(req, resp, w->s)
                     : vcm_web_error(req, resp, 404, vcm_web_t(req, "entry.missing"));
    const char *ident = field(w, "image");
    bool up = strcmp(field(w, "dir"), "up") == 0;
    size_t i = 0;
    while (i < v.data.nimages && strcmp(v.data.images[i].identifier, ident) != 0)
        i++;
    size_t j = up ? i - 1 : i + 1;
    if (i == v.data.nimages || (up && i == 0) || (!up && j >= v.data.nimages))
        return vcm_dash_redirect(req, resp, "/dashboard/entries/%lld", e.id, "ordered");
    vcm_entry_image *im = vcm_arena_calloc(req->arena, v.data.nimages, sizeof *im);
    if (!im)
        return -1;
    memcpy(im, v.data.images, v.data.nimages * sizeof *im);
    vcm_entry_image t = im[i];
    im[i] = im[j];
    im[j] = t;
    v.data.images = im;
    vcm_actor who = vcm_web_actor(w);
    int64_t version, expected = vcm_web_id(field(w, "version"));
    r = vcm_entry_save(w->s, e.id, expected ? expected : -1, &v.data, &who, now_seconds(),
                       &version);
    if (r == VCM_ENTRY_STALE || r == VCM_ENTRY_REFUSED)
        return show(req, resp, w, &e, 409, NULL,
                    one_error("images", vcm_web_t(req, r == VCM_ENTRY_STALE ? "dash.stale"
                                                                            : "dash.not_editable")),
                    0);
    if (r < 0)
        return vcm_web_store_error(req, resp, w->s);
    return vcm_dash_redirect(req, resp, "/dashboard/entries/%lld", e.id, "ordered");
}

int vcm_entry_revert_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, "entry.update", &e))
        return 0;
    int64_t to = vcm_web_id(field(w, "to")), expected = vcm_web_id(field(w, "version")), version;
    vcm_actor who = vcm_web_actor(w);
    int r = to ? vcm_entry_revert(w->s, e.id, to, expected ? expected : -1, &who, now_seconds(),
                                  &version)
               : VCM_ENTRY_REFUSED;
    if (r == VCM_ENTRY_STALE || r == VCM_ENTRY_REFUSED)
        return show(req, resp, w, &e, 409, NULL,
                    one_error("form", vcm_web_t(req, r == VCM_ENTRY_STALE ? "dash.stale"
                                                                          : "dash.not_editable")),
                    0);
    if (r < 0)
        return vcm_web_store_error(req, resp, w->s);
    return vcm_dash_redirect(req, resp, "/dashboard/entries/%lld", e.id, "reverted");
}

/* A workflow step from the editor's buttons; problems shown beside their
 * fields ("title:own" is the museum's own language). */
static int step(vcm_req *req, vcm_resp *resp, vcm_web_who *w, vcm_entry_action a,
                const char *done)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, vcm_entry_action_authz(a), &e))
        return 0;
    vcm_entry_problem p[16];
    size_t np = 0;
    vcm_actor who = vcm_web_actor(w);
    const char *comment = field(w, "comment");
    int r = vcm_entry_transition(w->s, e.id, a, *comment ? comment : NULL, &who, now_seconds(),
                                 p, 16, &np);
    if (r == VCM_ENTRY_INCOMPLETE) {
        const char *langs = vcm_dash_langs(req, w->s, e.museum_id);
        char own[LANG_MAX + 1];
        snprintf(own, sizeof own, "%.*s", (int)strcspn(langs, " "), langs);
        json_t *errors = json_object();
        for (size_t i = 0; i < np; i++) {
            const char *key = p[i].field;
            const char *colon = strchr(key, ':');
            if (colon && strcmp(colon + 1, "own") == 0)
                key = vcm_arena_printf(req->arena, "%.*s:%s", (int)(colon - key), key, own);
            if (!json_object_get(errors, key))
                json_object_set_new(errors, key, json_string(vcm_web_t(req, p[i].why)));
        }
        json_object_set_new(errors, "form", json_string(vcm_web_t(req, "api.incomplete")));
        return show(req, resp, w, &e, 422, NULL, errors, 0);
    }
    if (r == VCM_ENTRY_REFUSED || r == VCM_ENTRY_QUOTA)
        return show(req, resp, w, &e, 409, NULL,
                    one_error("form", vcm_web_t(req, r == VCM_ENTRY_QUOTA ? "entry.err.quota"
                                                                          : "dash.not_now")),
                    0);
    if (r < 0)
        return vcm_web_store_error(req, resp, w->s);
    return vcm_dash_redirect(req, resp, "/dashboard/entries/%lld", e.id, done);
}

int vcm_entry_submit_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return step(req, resp, w, VCM_EA_SUBMIT, "submitted");
}
int vcm_entry_withdraw_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return step(req, resp, w, VCM_EA_WITHDRAW, "withdrawn");
}
int vcm_entry_restore_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return step(req, resp, w, VCM_EA_RESTORE, "restored");
}

/* A comment on the thread; back to the page it was written on (the
 * editor, or the review with back=review). */
int vcm_entry_comment_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, "entry.comment", &e))
        return 0;
    const char *body = field(w, "body");
    if (!*body || strspn(body, " \t\r\n") == strlen(body) || strlen(body) > 8000)
        return show(req, resp, w, &e, 422, NULL,
                    one_error("comment", vcm_web_t(req, *body && strspn(body, " \t\r\n") !=
                                                                  strlen(body)
                                                            ? "api.comment_long"
                                                            : "api.comment_empty")),
                    0);
    int64_t cid;
    vcm_actor who = vcm_web_actor(w);
    if (vcm_entry_comment_add(w->s, e.id, body, &who, now_seconds(), &cid) < 0)
        return vcm_web_store_error(req, resp, w->s);
    bool review = strcmp(field(w, "back"), "review") == 0 &&
                  vcm_authz_allow(&w->user, "entry.publish", NULL);
    return vcm_dash_redirect(req, resp, review ? "/review/%lld" : "/dashboard/entries/%lld", e.id,
                             "commented");
}

/* ---- views shared with the review --------------------------------------------- */

json_t *vcm_dash_versions(vcm_req *req, vcm_store *s, const vcm_entry *e)
{
    vcm_entry_version *v;
    size_t n;
    if (vcm_entry_versions(s, req->arena, e->id, &v, &n) < 0)
        return NULL;
    json_t *a = json_array();
    for (size_t i = n; i-- > 0;)
        json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:b}", "version",
                                           (json_int_t)v[i].version, "author",
                                           v[i].author ? v[i].author : "", "time",
                                           vcm_dash_time(req, v[i].time), "summary",
                                           v[i].summary ? v[i].summary : "", "live",
                                           v[i].version == e->live_version, "latest",
                                           v[i].version == e->version, "first", i == 0));
    return a;
}

json_t *vcm_dash_events(vcm_req *req, vcm_store *s, const vcm_entry *e)
{
    vcm_entry_event *ev;
    size_t n;
    if (vcm_entry_events(s, req->arena, e->id, &ev, &n) < 0)
        return NULL;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s, s:s, s:I}", "label",
                         vcm_web_t(req, vcm_arena_printf(req->arena, "dash.event.%s",
                                                         ev[i].action ? ev[i].action : "")),
                         "actor", ev[i].actor ? ev[i].actor : "", "time",
                         vcm_dash_time(req, ev[i].time), "comment",
                         ev[i].comment ? ev[i].comment : "", "version",
                         (json_int_t)ev[i].version));
    return a;
}

json_t *vcm_dash_comments(vcm_req *req, vcm_store *s, const vcm_entry *e)
{
    vcm_entry_comment *c;
    size_t n;
    if (vcm_entry_comments(s, req->arena, e->id, &c, &n) < 0)
        return NULL;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "author",
                                           c[i].author ? c[i].author : "", "time",
                                           vcm_dash_time(req, c[i].time), "body", c[i].body));
    return a;
}

json_t *vcm_dash_diff(vcm_req *req, const vcm_entry_data *a, const vcm_entry_data *b)
{
    vcm_entry_change *c;
    size_t n;
    json_t *out = json_array();
    if (vcm_entry_diff(a, b, req->arena, &c, &n) < 0)
        return out;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "field", c[i].key, "before",
                                             c[i].before ? c[i].before : "", "after",
                                             c[i].after ? c[i].after : ""));
    return out;
}
