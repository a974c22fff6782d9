/* Comments on objects: the form, the rate limits and spam filter, the
 * editors' moderation queue and the API (web/my.h; docs/curation.md,
 * "Comments").
 *
 * Design:
 * - Nothing a visitor posts is public until an editor approves it. What
 *   the public sees of comments is read by one store function,
 *   vcm_comments_public, whose statement selects approved ones; every page
 *   and API answer here goes through it, and no export, feed or other
 *   format reads comments at all.
 * - Rate limits: the throttles table the sign-in uses (one upsert a step,
 *   shared by every node), with keys "c:v:" and the visitor cookie's hash
 *   and "c:i:" and the client's address. Each comment accepted counts one;
 *   a count is forgotten once VCM_COMMENT_WINDOW seconds have passed since
 *   the last comment it counted. Over either limit: 429 with Retry-After,
 *   before anything is read or written.
 * - The spam filter (model/spam.h) decides: a filled honeypot is answered
 *   as if the comment were taken, and nothing is kept (a robot learns
 *   nothing); too many links or a text sent already is refused with the
 *   reason beside the field (a person can mend it); a banned word keeps
 *   the comment, refused, with the rule in its history, for an editor to
 *   approve after all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/asset.h"
#include "core/l10n.h"
#include "core/log.h"
#include "core/text.h"
#include "core/token.h"
#include "http/cookie.h"
#include "http/form.h"
#include "model/json.h"
#include "model/spam.h"
#include "store/comment.h"
#include "web/my.h"
#include "core/banned.h"

#define SPAM_WORDS "data/spam/banned-words.txt"

static int redirect(vcm_req *req, vcm_resp *resp, const char *to)
{
    resp->status = 303;
    vcm_resp_header(resp, req, "Location", to);
    return 0;
}

static const char *field(vcm_web_who *w, const char *name)
{
    const char *v = vcm_form_get(&w->form, name);
    return v ? v : "";
}

/* A moment as the visitor's language writes it (vcm_l10n_time, UTC). */
static const char *moment(vcm_req *req, int64_t t)
{
    char b[128];
    if (vcm_l10n_time(vcm_web_lang(req), t, b, sizeof b) < 0)
        return "";
    const char *r = vcm_arena_strdup(req->arena, b);
    return r ? r : "";
}

static json_t *comment_json(vcm_req *req, const vcm_comment *c, bool full)
{
    char when[32];
    vcm_time_iso(c->created, when);
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)c->id, "object_id",
                          (json_int_t)c->object_id, "name", c->name, "body", c->body, "created",
                          when);
    when[10] = 0; /* a page shows the day */
    json_object_set_new(j, "day", json_string(when));
    if (full) {
        json_object_set_new(j, "state", json_string(c->state));
        json_object_set_new(j, "state_label",
                            json_string(vcm_web_t(req, vcm_arena_printf(req->arena,
                                                                        "comment.state.%s",
                                                                        c->state))));
        json_object_set_new(j, "spam", c->spam ? json_string(c->spam) : json_null());
        json_object_set_new(j, "address", c->address ? json_string(c->address) : json_null());
        json_object_set_new(j, "account", json_boolean(c->author_user != 0));
        json_object_set_new(j, "object_href",
                            json_string(vcm_web_href(
                                req, vcm_arena_printf(req->arena, "/objects/%lld",
                                                      (long long)c->object_id))));
        json_object_set_new(j, "created_label", json_string(moment(req, c->created)));
    }
    return j;
}

/* ---- the object page -------------------------------------------------------------- */

int vcm_web_object_visitor(vcm_req *req, vcm_store *s, const vcm_object *o, json_t *obj)
{
    vcm_comment *c;
    size_t n;
    if (vcm_comments_public(s, req->arena, o->id, &c, &n) < 0)
        return -1;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = comment_json(req, &c[i], false);
        /* the page says the day in the visitor's language; the API keeps ISO */
        char day[96];
        if (vcm_l10n_day(vcm_web_lang(req), c[i].created, day, sizeof day) == 0)
            json_object_set_new(j, "day_label", json_string(day));
        json_array_append_new(a, j);
    }
    json_object_set_new(obj, "comments", a);
    /* the forms post at once when the visitor has a CSRF cookie (such a
     * request never meets the page cache, cache.c); otherwise they lead to
     * a page that gives one */
    const char *csrf = vcm_req_cookie(req, VCM_CSRF_COOKIE);
    if (vcm_token_valid(csrf))
        json_object_set_new(obj, "csrf", json_string(csrf));
    const char *sent = vcm_req_query_get(req, "comment");
    if (sent && strcmp(sent, "pending") == 0)
        json_object_set_new(obj, "comment_notice",
                            json_string(vcm_web_t(req, "comment.pending")));
    json_object_set_new(obj, "save_href",
                        json_string(vcm_web_href(req, vcm_arena_printf(req->arena,
                                                                       "/my/save?object=%lld",
                                                                       (long long)o->id))));
    json_object_set_new(obj, "comment_href",
                        json_string(vcm_web_href(req, vcm_arena_printf(req->arena,
                                                                       "/objects/%lld/comments/new",
                                                                       (long long)o->id))));
    return 0;
}

/* ---- posting ---------------------------------------------------------------------- */

/* Whether key is over limit now (1, with the seconds to wait in *wait). A
 * count whose last step is older than the window no longer counts. */
static int limited(vcm_store *s, const char *key, int64_t limit, int64_t now, int64_t *wait)
{
    int64_t count = 0, last = 0;
    if (vcm_throttle_get(s, key, &count, &last) < 0)
        return -1;
    if (count && last <= now - VCM_COMMENT_WINDOW) {
        if (vcm_throttle_clear(s, key) < 0)
            return -1;
        count = 0;
    }
    *wait = last + VCM_COMMENT_WINDOW - now;
    if (*wait < 1)
        *wait = 1;
    return count >= limit;
}

typedef struct posted {
    const char *name, *body, *honeypot;
    json_t *errors;     /* field: message */
    int status;         /* 0 taken; otherwise the answer's status */
    int64_t retry;      /* for 429 */
    bool dropped;       /* the honeypot: answered as taken, nothing kept */
    vcm_comment c;
} posted;

/* Checks and keeps a comment on o from w. Returns 0 with p->status set
 * (0: kept or dropped), -1 on a store error. */
static int take(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const vcm_object *o, posted *p)
{
    int64_t now = (int64_t)time(NULL), wait = 0;
    p->errors = json_object();
    const char *visitor = w->user.id ? NULL : vcm_my_visitor(req);
    const char *vkey = w->user.id ? vcm_arena_printf(req->arena, "c:u:%lld",
                                                    (long long)w->user.id)
                       : visitor  ? vcm_arena_printf(req->arena, "c:v:%s", visitor)
                                  : NULL;
    const char *ikey = vcm_arena_printf(req->arena, "c:i:%s", w->address ? w->address : "");
    int r;
    if ((vkey && (r = limited(w->s, vkey, VCM_COMMENT_LIMIT_VISITOR, now, &wait)) != 0) ||
        (r = limited(w->s, ikey, VCM_COMMENT_LIMIT_ADDRESS, now, &wait)) != 0) {
        if (r < 0)
            return -1;
        p->status = 429;
        p->retry = wait;
        return 0;
    }
    /* the fields, each with its own message */
    size_t nn = strlen(p->name), nb = strlen(p->body);
    if (!nn || nn > VCM_COMMENT_NAME_MAX || !vcm_utf8_valid(p->name, nn))
        json_object_set_new(p->errors, "name", json_string(vcm_web_t(req, "comment.error.name")));
    if (!nb || !vcm_utf8_valid(p->body, nb))
        json_object_set_new(p->errors, "body", json_string(vcm_web_t(req, "comment.error.body")));
    else if (nb > VCM_COMMENT_BODY_MAX)
        json_object_set_new(p->errors, "body",
                            json_string(vcm_web_t(req, "comment.error.body_long")));
    if (json_object_size(p->errors)) {
        p->status = 400;
        return 0;
    }
    /* the spam filter */
    const struct vcm_asset *words = vcm_asset_find(SPAM_WORDS);
    vcm_spam_rules rules;
    size_t bad_line;
    if (!words || vcm_spam_words_parse(req->arena, (const char *)words->data, words->len, &rules,
                                       &bad_line) < 0) {
        vcm_error("cannot read the banned words", "file=%s line=%zu", SPAM_WORDS, bad_line);
        return vcm_store_fail(w->s, "cannot read %s", SPAM_WORDS);
    }
    const char **recent;
    size_t nrecent;
    if (vcm_comments_recent(w->s, req->arena, visitor, w->address, now - 86400, 50, &recent,
                            &nrecent) < 0)
        return -1;
    const char *word = NULL;
    vcm_spam_verdict v = vcm_spam_check(&rules, p->body, p->honeypot, recent, nrecent, &word);
    if (v == VCM_SPAM_HONEYPOT) {
        vcm_info("comment dropped by the honeypot", "object=%lld address=%s",
                 (long long)o->id, w->address ? w->address : "");
        p->dropped = true;
        return 0;
    }
    if (v == VCM_SPAM_LINKS || v == VCM_SPAM_REPEATED) {
        json_object_set_new(p->errors, "body",
                            json_string(v == VCM_SPAM_LINKS
                                            ? vcm_web_tn(req, "comment.error.links",
                                                         rules.max_links)
                                            : vcm_web_t(req, "comment.error.repeated")));
        p->status = 422;
        return 0;
    }
    if (!w->user.id && !(visitor = vcm_my_visitor_make(req, resp)))
        return vcm_store_fail(w->s, "out of memory");
    p->c = (vcm_comment){.object_id = o->id, .name = p->name, .body = p->body,
                         .author_user = w->user.id, .visitor = visitor,
                         .address = w->address, .state = "pending"};
    if (v == VCM_SPAM_BANNED) {
        p->c.state = "refused";
        p->c.spam = vcm_arena_printf(req->arena, "banned: %s", word ? word : "");
    }
    if (vcm_comment_add(w->s, &p->c) < 0)
        return -1;
    /* the new comment counts against both limits (and a new cookie's
     * count starts with it) */
    if (!vkey && visitor)
        vkey = vcm_arena_printf(req->arena, "c:v:%s", visitor);
    if ((vkey && vcm_throttle_fail(w->s, vkey, now) < 0) ||
        vcm_throttle_fail(w->s, ikey, now) < 0)
        return -1;
    return 0;
}

static json_t *form_data(vcm_req *req, vcm_web_who *w, const vcm_object *o, const posted *p)
{
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "comment.form.title")));
    json_object_set_new(d, "noindex", json_true());
    json_object_set_new(d, "csrf", json_string(w->csrf ? w->csrf : ""));
    json_object_set_new(
        d, "object",
        json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)o->id, "title", vcm_web_title(req, o),
                  "title_lang", vcm_web_title_lang(req, o), "href",
                  vcm_web_href(req, vcm_arena_printf(req->arena, "/objects/%lld", (long long)o->id))));
    json_object_set_new(d, "name", json_string(p ? p->name : w->user.id ? w->user.name : ""));
    json_object_set_new(d, "body", json_string(p ? p->body : ""));
    json_object_set_new(d, "errors", p && p->errors ? json_incref(p->errors) : json_object());
    return d;
}

int vcm_comment_form_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_store *s;
    vcm_object o;
    if (vcm_web_load_object(req, resp, &s, &o) <= 0)
        return 0;
    return vcm_web_page(req, resp, "comment_form", form_data(req, w, &o, NULL));
}

static int too_many(vcm_req *req, vcm_resp *resp, int64_t retry)
{
    char sec[32];
    snprintf(sec, sizeof sec, "%lld", (long long)retry);
    vcm_resp_header(resp, req, "Retry-After", sec);
    return vcm_web_error(req, resp, 429, vcm_web_t(req, "comment.error.rate"));
}

int vcm_comment_post(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_store *s;
    vcm_object o;
    if (vcm_web_load_object(req, resp, &s, &o) <= 0)
        return 0;
    posted p = {.name = field(w, "name"), .body = field(w, "body"),
                .honeypot = field(w, "website")};
    if (take(req, resp, w, &o, &p) < 0) {
        json_decref(p.errors);
        return vcm_web_store_error(req, resp, w->s);
    }
    if (p.status == 429) {
        json_decref(p.errors);
        return too_many(req, resp, p.retry);
    }
    if (p.status) {
        json_t *d = form_data(req, w, &o, &p);
        json_decref(p.errors);
        if (vcm_web_page(req, resp, "comment_form", d) < 0)
            return -1;
        resp->status = p.status;
        return 0;
    }
    json_decref(p.errors);
    return redirect(req, resp, vcm_arena_printf(req->arena, "/objects/%lld?comment=pending#comments",
                                                (long long)o.id));
}

int vcm_api_comment_post(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_store *s;
    vcm_object o;
    if (vcm_web_load_object(req, resp, &s, &o) <= 0)
        return 0;
    json_error_t jerr;
    json_t *in = w->json ? json_loadb(req->body, req->body_len, 0, &jerr) : NULL;
    if (!json_is_object(in)) {
        json_decref(in);
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "comment.error.json"));
    }
    const char *name = json_string_value(json_object_get(in, "name"));
    const char *body = json_string_value(json_object_get(in, "body"));
    const char *hp = json_string_value(json_object_get(in, "website"));
    posted p = {.name = name ? name : "", .body = body ? body : "", .honeypot = hp};
    int rc = take(req, resp, w, &o, &p);
    if (rc < 0) {
        json_decref(p.errors);
        json_decref(in);
        return vcm_web_store_error(req, resp, w->s);
    }
    if (p.status == 429) {
        json_decref(p.errors);
        json_decref(in);
        return too_many(req, resp, p.retry);
    }
    json_t *out;
    int status = 202;
    if (p.status) {
        status = p.status;
        out = json_pack("{s:s, s:i, s:s, s:O}", "type", "about:blank", "status", p.status,
                        "title", vcm_web_t(req, "comment.error.title"), "errors", p.errors);
    } else if (p.dropped) {
        out = json_pack("{s:s}", "state", "pending");
    } else {
        out = json_pack("{s:I, s:s}", "id", (json_int_t)p.c.id, "state", "pending");
    }
    json_decref(p.errors);
    json_decref(in);
    return vcm_web_json(req, resp, status, out);
}

int vcm_api_object_comments(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_object o;
    if (vcm_web_load_object(req, resp, &s, &o) <= 0)
        return 0;
    vcm_comment *c;
    size_t n;
    if (vcm_comments_public(s, req->arena, o.id, &c, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, comment_json(req, &c[i], false));
    return vcm_web_json(req, resp, 200,
                        json_pack("{s:I, s:o}", "object_id", (json_int_t)o.id, "comments", a));
}

/* ---- moderation -------------------------------------------------------------------- */

static const char *queue_state(const char *v)
{
    if (v && (strcmp(v, "approved") == 0 || strcmp(v, "refused") == 0))
        return v;
    return "pending";
}

static json_t *queue_json(vcm_req *req, vcm_web_who *w, const char *state, int *err)
{
    vcm_comment *c;
    size_t n;
    json_t *a = json_array();
    if (vcm_comments_queue(w->s, req->arena, state, 200, &c, &n) < 0) {
        *err = -1;
        return a;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *j = comment_json(req, &c[i], true);
        vcm_comment_event *e;
        size_t ne;
        if (vcm_comment_events(w->s, req->arena, c[i].id, &e, &ne) < 0) {
            *err = -1;
            json_decref(j);
            return a;
        }
        json_t *h = json_array();
        for (size_t k = 0; k < ne; k++) {
            char when[32];
            vcm_time_iso(e[k].time, when);
            json_array_append_new(
                h, json_pack("{s:s, s:s, s:s, s:s*, s:s*, s:s}", "event", e[k].event, "time", when,
                             "time_label", moment(req, e[k].time), "actor", e[k].actor, "reason",
                             e[k].reason, "label",
                             vcm_web_t(req, vcm_arena_printf(req->arena, "comment.event.%s",
                                                             e[k].event))));
        }
        json_object_set_new(j, "history", h);
        json_array_append_new(a, j);
    }
    return a;
}

int vcm_comments_review_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    const char *state = queue_state(vcm_req_query_get(req, "state"));
    int err = 0;
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "comment.review.title")));
    json_object_set_new(d, "noindex", json_true());
    json_object_set_new(d, "csrf", json_string(w->csrf ? w->csrf : ""));
    json_object_set_new(d, "comments", queue_json(req, w, state, &err));
    if (err < 0) {
        json_decref(d);
        return vcm_web_store_error(req, resp, w->s);
    }
    json_t *tabs = json_array();
    static const char *const states[] = {"pending", "approved", "refused"};
    for (size_t i = 0; i < 3; i++)
        json_array_append_new(
            tabs, json_pack("{s:s, s:s, s:b}", "href",
                            vcm_web_href(req, vcm_arena_printf(req->arena,
                                                               "/comments/review?state=%s",
                                                               states[i])),
                            "label",
                            vcm_web_t(req, vcm_arena_printf(req->arena, "comment.state.%s",
                                                            states[i])),
                            "current", strcmp(states[i], state) == 0));
    json_object_set_new(d, "tabs", tabs);
    json_object_set_new(d, "state", json_string(state));
    return vcm_web_page(req, resp, "comments_review", d);
}

/* An editor's decision on the route's comment: 0 with *status (200 done,
 * 400 not a decision, 404 no such comment, 409 in that state already). */
static int decide(vcm_req *req, vcm_web_who *w, const char *decision, const char *reason,
                  int *status)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    bool approve = decision && strcmp(decision, "approve") == 0;
    if (!approve && (!decision || strcmp(decision, "refuse") != 0)) {
        *status = 400;
        return 0;
    }
    vcm_comment c;
    int rc = id ? vcm_comment_get(w->s, req->arena, id, &c) : 0;
    if (rc <= 0) {
        *status = 404;
        return rc;
    }
    rc = vcm_comment_decide(w->s, id, approve ? "approved" : "refused", w->user.id,
                            w->user.email, reason && *reason ? reason : NULL);
    if (rc < 0)
        return -1;
    *status = rc == 1 ? 200 : 409;
    return 0;
}

int vcm_comment_decide_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int status;
    if (decide(req, w, field(w, "decision"), field(w, "reason"), &status) < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (status == 400)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "error.400"));
    if (status == 404)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "comment.missing"));
    const char *back = field(w, "state");
    return redirect(req, resp, vcm_arena_printf(req->arena, "/comments/review?state=%s",
                                                queue_state(back)));
}

int vcm_api_comments_queue(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    const char *state = queue_state(vcm_req_query_get(req, "state"));
    int err = 0;
    json_t *a = queue_json(req, w, state, &err);
    if (err < 0) {
        json_decref(a);
        return vcm_web_store_error(req, resp, w->s);
    }
    return vcm_web_json(req, resp, 200, json_pack("{s:s, s:o}", "state", state, "comments", a));
}

int vcm_api_comment_decide(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    json_error_t jerr;
    json_t *in = w->json ? json_loadb(req->body, req->body_len, 0, &jerr) : NULL;
    if (!json_is_object(in)) {
        json_decref(in);
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "comment.error.json"));
    }
    int status;
    int rc = decide(req, w, json_string_value(json_object_get(in, "decision")),
                    json_string_value(json_object_get(in, "reason")), &status);
    json_decref(in);
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (status == 400)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "comment.error.decision"));
    if (status == 404)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "comment.missing"));
    if (status == 409)
        return vcm_web_error(req, resp, 409, vcm_web_t(req, "comment.error.decided"));
    vcm_comment c;
    if (vcm_comment_get(w->s, req->arena, vcm_web_id(vcm_req_param(req, "id")), &c) != 1)
        return vcm_web_store_error(req, resp, w->s);
    return vcm_web_json(req, resp, 200, comment_json(req, &c, true));
}
