/* The editors' side of masterpiece entries (dashboard.h): /review, the
 * queue of submitted entries (oldest waiting first), and /review/{id}: the
 * submitted version beside the published one (or beside nothing, for a
 * first publication), the checks' verdict, the history, the comment
 * thread, and the forms to publish, to ask for changes (a comment is
 * required: the museum must know what to change) and to waive the image
 * rule with a recorded reason. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/form.h"
#include "web/dashboard.h"
#include "core/banned.h"

static int64_t now_seconds(void)
{
    return (int64_t)time(NULL);
}

static const char *field(vcm_web_who *w, const char *name)
{
    const char *v = vcm_form_get(&w->form, name);
    return v ? v : "";
}

int vcm_review_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry *list;
    size_t n;
    if (vcm_entry_list(w->s, req->arena, 0, VCM_ENTRY_SUBMITTED, &list, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = vcm_dash_page(req, w, vcm_web_t(req, "review.title"));
    json_t *items = json_array();
    for (size_t i = n; i-- > 0;) { /* the list is newest first: the queue is oldest first */
        json_t *row = vcm_dash_entry_row(req, w->s, &list[i]);
        json_object_set_new(row, "museum",
                            json_string(vcm_dash_museum_name(req, w->s, list[i].museum_id)));
        json_object_set_new(row, "update", json_boolean(list[i].live_version != 0));
        json_array_append_new(items, row);
    }
    json_object_set_new(d, "items", items);
    return vcm_dash_render(req, resp, 200, "review", d);
}

static int show(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const vcm_entry *e, int status,
                json_t *errors)
{
    vcm_entry_version cur, live;
    int r = vcm_entry_version_get(w->s, req->arena, e->id, e->version, &cur);
    if (r > 0 && e->live_version)
        r = vcm_entry_version_get(w->s, req->arena, e->id, e->live_version, &live);
    if (r <= 0) {
        json_decref(errors);
        return r < 0 ? vcm_web_store_error(req, resp, w->s)
                     : vcm_web_error(req, resp, 404, vcm_web_t(req, "entry.missing"));
    }
    vcm_entry_data none;
    memset(&none, 0, sizeof none);
    json_t *d = vcm_dash_page(req, w, vcm_arena_printf(req->arena, "%s — %s",
                                                        vcm_dash_title(&cur.data),
                                                        vcm_web_t(req, "review.entry.title")));
    json_t *ent = vcm_dash_entry_row(req, w->s, e);
    json_object_set_new(ent, "museum", json_string(vcm_dash_museum_name(req, w->s, e->museum_id)));
    json_object_set_new(ent, "object_id", json_integer(e->object_id));
    json_object_set_new(ent, "live_version", json_integer(e->live_version));
    json_object_set_new(ent, "submitted", json_boolean(e->state == VCM_ENTRY_SUBMITTED ||
                                                       e->state == VCM_ENTRY_WITHDRAWN));
    if (e->waiver)
        json_object_set_new(ent, "waiver", json_string(e->waiver));
    json_object_set_new(d, "entry", ent);
    json_object_set_new(d, "diff", vcm_dash_diff(req, e->live_version ? &live.data : &none,
                                                 &cur.data));
    /* what the checks would say if it were published now */
    const char *langs = vcm_dash_langs(req, w->s, e->museum_id);
    vcm_entry_problem p[16];
    size_t np = 0;
    vcm_entry_check(&cur.data, langs, e->waiver != NULL, p, 16, &np);
    json_t *probs = json_array();
    for (size_t i = 0; i < np; i++)
        json_array_append_new(probs, json_pack("{s:s, s:s}", "field", p[i].field, "why",
                                               vcm_web_t(req, p[i].why)));
    json_object_set_new(d, "problems", probs);
    json_t *v = vcm_dash_versions(req, w->s, e);
    json_object_set_new(d, "versions", v ? v : json_array());
    json_t *ev = vcm_dash_events(req, w->s, e);
    json_object_set_new(d, "events", ev ? ev : json_array());
    json_t *cm = vcm_dash_comments(req, w->s, e);
    json_object_set_new(d, "comments", cm ? cm : json_array());
    json_object_set_new(d, "errors", errors ? errors : json_object());
    return vcm_dash_render(req, resp, status, "review_entry", d);
}

int vcm_review_entry_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, "entry.publish", &e))
        return 0;
    return show(req, resp, w, &e, 200, NULL);
}

static int step(vcm_req *req, vcm_resp *resp, vcm_web_who *w, vcm_entry_action a,
                const char *done)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, vcm_entry_action_authz(a), &e))
        return 0;
    const char *comment = field(w, "comment");
    if (a == VCM_EA_REQUEST_CHANGES && strspn(comment, " \t\r\n") == strlen(comment))
        return show(req, resp, w, &e, 422,
                    json_pack("{s:s}", "comment", vcm_web_t(req, "api.comment_needed")));
    vcm_entry_problem p[16];
    size_t np = 0;
    vcm_actor who = vcm_web_actor(w);
    int r = vcm_entry_transition(w->s, e.id, a, *comment ? comment : NULL, &who, now_seconds(),
                                 p, 16, &np);
    const char *why = r == VCM_ENTRY_INCOMPLETE ? "api.incomplete"
                    : r == VCM_ENTRY_QUOTA      ? "entry.err.quota"
                    : r == VCM_ENTRY_REFUSED    ? "dash.not_now"
                                                : NULL;
    if (why)
        return show(req, resp, w, &e, r == VCM_ENTRY_INCOMPLETE ? 422 : 409,
                    json_pack("{s:s}", "publish", vcm_web_t(req, why)));
    if (r < 0)
        return vcm_web_store_error(req, resp, w->s);
    return vcm_dash_redirect(req, resp, "/review/%lld", e.id, done);
}

int vcm_review_publish_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return step(req, resp, w, VCM_EA_PUBLISH, "published");
}

int vcm_review_changes_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return step(req, resp, w, VCM_EA_REQUEST_CHANGES, "changes");
}

/* reason: the waiver's; empty lifts it. */
int vcm_review_waive_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, "entry.waive", &e))
        return 0;
    const char *reason = field(w, "reason");
    if (strlen(reason) > 2000)
        return show(req, resp, w, &e, 422,
                    json_pack("{s:s}", "reason", vcm_web_t(req, "api.comment_long")));
    vcm_actor who = vcm_web_actor(w);
    if (vcm_entry_waive(w->s, e.id, *reason ? reason : NULL, &who, now_seconds()) < 0)
        return vcm_web_store_error(req, resp, w->s);
    return vcm_dash_redirect(req, resp, "/review/%lld", e.id, "waived");
}
