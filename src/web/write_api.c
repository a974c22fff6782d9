/* The write API of masterpiece entries under /api/v1/entries (entries.h):
 * create, read with an ETag, update (If-Match required: 428 without it,
 * 412 when the entry moved on, nothing saved), revert, the workflow's
 * steps, comments and images. The same store calls as the forms of the
 * dashboard and the review queue, so the two cannot disagree on what is
 * valid; every refusal is an RFC 9457 problem document with a "code" a
 * client can test and, for fields, "invalid-params". docs/api.md and
 * openapi/entries.json describe it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/log.h"
#include "http/form.h"
#include "web/entries.h"
#include "web/upload.h"
#include "core/banned.h"

static int64_t now_seconds(void)
{
    return (int64_t)time(NULL);
}

/* ---- shared with the pages ---------------------------------------------------- */

void vcm_entry_etag(int64_t id, int64_t version, char *out, size_t size)
{
    snprintf(out, size, "\"e%lldv%lld\"", (long long)id, (long long)version);
}

int vcm_entry_if_match(const char *value, int64_t id, int64_t *version)
{
    *version = 0;
    while (*value == ' ')
        value++;
    if (strcmp(value, "*") == 0)
        return 1;
    /* one ETag (a list would let a client match any version: not ours) */
    long long e, v;
    char tail;
    if (sscanf(value, "\"e%lldv%lld\"%c", &e, &v, &tail) != 2 || e != id || v <= 0)
        return 0;
    char again[64];
    vcm_entry_etag(e, v, again, sizeof again);
    if (strcmp(again, value) != 0) /* no sign, no leading zeros, no spaces inside */
        return 0;
    *version = v;
    return 1;
}

int vcm_web_entry_add_image(vcm_req *req, vcm_web_who *w, const vcm_entry *e,
                            int64_t expected, const char *identifier, const char *rights)
{
    vcm_entry_version v;
    int r = vcm_entry_version_get(w->s, req->arena, e->id, e->version, &v);
    if (r <= 0)
        return -1;
    for (size_t i = 0; i < v.data.nimages; i++)
        if (strcmp(v.data.images[i].identifier, identifier) == 0)
            return 0; /* there already */
    vcm_entry_image *im = vcm_arena_calloc(req->arena, v.data.nimages + 1, sizeof *im);
    if (!im)
        return -1;
    if (v.data.nimages)
        memcpy(im, v.data.images, v.data.nimages * sizeof *im);
    im[v.data.nimages] = (vcm_entry_image){identifier, rights && *rights ? rights : NULL};
    v.data.images = im;
    v.data.nimages++;
    vcm_actor who = vcm_web_actor(w);
    int64_t version;
    return vcm_entry_save(w->s, e->id, expected ? expected : e->version, &v.data, &who,
                          now_seconds(), &version);
}

vcm_actor vcm_web_actor(const vcm_web_who *w)
{
    return (vcm_actor){.id = w->user.id, .name = w->user.name ? w->user.name : w->user.email};
}

int vcm_web_entry_load(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const char *action,
                       vcm_entry *e)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    int r = id ? vcm_entry_get(w->s, req->arena, id, e) : 0;
    if (r < 0) {
        vcm_web_store_error(req, resp, w->s);
        return 0;
    }
    if (r == 0) {
        vcm_web_error(req, resp, 404, vcm_web_t(req, "entry.missing"));
        return 0;
    }
    vcm_authz_res res = {.museum_id = e->museum_id, .draft = e->live_version == 0};
    if (!vcm_authz_allow(&w->user, action, &res)) {
        vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
        return 0;
    }
    return 1;
}

/* ---- answers ------------------------------------------------------------------ */

/* A problem document with our members: code (a word for programs) and
 * invalid-params (stolen, may be NULL). */
static int problem(vcm_req *req, vcm_resp *resp, int status, const char *code,
                   const char *detail, json_t *invalid)
{
    char key[32];
    snprintf(key, sizeof key, "error.%d.title", status);
    json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title",
                          vcm_t("en", key), "status", status, "detail", detail ? detail : "",
                          "instance", req->path);
    if (code)
        json_object_set_new(p, "code", json_string(code));
    if (invalid)
        json_object_set_new(p, "invalid-params", invalid);
    vcm_buf_reset(&resp->body);
    return vcm_web_json(req, resp, status, p);
}

static json_t *invalid1(const char *name, const char *reason)
{
    return json_pack("[{s:s, s:s}]", "name", name, "reason", reason);
}

static json_t *problems_json(vcm_req *req, const vcm_entry_problem *p, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "name", p[i].field, "reason",
                                           vcm_web_t(req, p[i].why)));
    return a;
}

static json_t *entry_head(vcm_req *req, const vcm_entry *e)
{
    char etag[64];
    vcm_entry_etag(e->id, e->version, etag, sizeof etag);
    const char *base = vcm_web_base(req);
    json_t *j = json_pack(
        "{s:I, s:I, s:I, s:b, s:s, s:I, s:I, s:I, s:I, s:s}", "id", (json_int_t)e->id,
        "museum_id", (json_int_t)e->museum_id, "object_id", (json_int_t)e->object_id,
        "created_record", e->created_record, "state", vcm_entry_state_name(e->state), "version",
        (json_int_t)e->version, "live_version", (json_int_t)e->live_version, "created",
        (json_int_t)e->created, "updated", (json_int_t)e->updated, "etag", etag);
    json_object_set_new(j, "waiver",
                        e->waiver ? json_pack("{s:s, s:I, s:I}", "reason", e->waiver, "by",
                                              (json_int_t)e->waiver_by, "at",
                                              (json_int_t)e->waiver_at)
                                  : json_null());
    json_object_set_new(
        j, "links",
        json_pack("{s:s, s:s, s:s}", "self",
                  vcm_arena_printf(req->arena, "%s/api/v1/entries/%lld", base, (long long)e->id),
                  "record",
                  vcm_arena_printf(req->arena, "%s/objects/%lld", base, (long long)e->object_id),
                  "editor",
                  vcm_arena_printf(req->arena, "%s/dashboard/entries/%lld", base,
                                   (long long)e->id)));
    return j;
}

static json_t *data_json(vcm_req *req, const vcm_entry_data *d)
{
    const char *text = vcm_entry_data_to_json(d, req->arena);
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    return j ? j : json_object();
}

/* The entry as it now is, with its latest version's content and its ETag. */
static int send_entry(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int64_t id, int status)
{
    vcm_entry e;
    vcm_entry_version v;
    int r = vcm_entry_get(w->s, req->arena, id, &e);
    if (r > 0)
        r = vcm_entry_version_get(w->s, req->arena, id, e.version, &v);
    if (r < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (r == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "entry.missing"));
    json_t *j = entry_head(req, &e);
    json_object_set_new(j, "data", data_json(req, &v.data));
    char etag[64];
    vcm_entry_etag(e.id, e.version, etag, sizeof etag);
    vcm_resp_header(resp, req, "ETag", vcm_arena_strdup(req->arena, etag));
    if (status == 201)
        vcm_resp_header(resp, req, "Location",
                        vcm_arena_printf(req->arena, "/api/v1/entries/%lld", (long long)id));
    return vcm_web_json(req, resp, status, j);
}

/* ---- reading a body ------------------------------------------------------------ */

/* The JSON body (caller decrefs), or NULL with the answer in resp. An
 * empty body is an empty object when empty_ok. */
static json_t *body_json(vcm_req *req, vcm_resp *resp, vcm_web_who *w, bool empty_ok)
{
    if (req->body_len == 0 && empty_ok)
        return json_object();
    if (!w->json) {
        problem(req, resp, 415, "json_expected", vcm_web_t(req, "api.json_expected"), NULL);
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!j || !json_is_object(j)) {
        char line[24];
        snprintf(line, sizeof line, "%d", j ? 1 : je.line);
        problem(req, resp, 400, "bad_json", vcm_web_tf(req, "api.bad_json", line), NULL);
        json_decref(j);
        return NULL;
    }
    return j;
}

/* The entry content j (an object) into d, checked as a save checks it.
 * 1, or 0 with the answer in resp. */
static int read_data(vcm_req *req, vcm_resp *resp, json_t *j, vcm_entry_data *d)
{
    if (!json_is_object(j))
        return problem(req, resp, 400, "bad_data", vcm_web_t(req, "api.bad_data"),
                       invalid1("data", vcm_web_t(req, "api.bad_data"))), 0;
    char *text = json_dumps(j, JSON_COMPACT), err[300];
    char *copy = text ? vcm_arena_strdup(req->arena, text) : NULL;
    free(text);
    if (!copy || vcm_entry_data_from_json(d, req->arena, copy, err, sizeof err) < 0) {
        /* the model's message names the field: "statements[1]: not an object" */
        const char *field = vcm_arena_strndup(req->arena, err, strcspn(err, ":"));
        return problem(req, resp, 400, "bad_data", vcm_web_t(req, "api.bad_data"),
                       invalid1(field ? field : "data", vcm_web_t(req, "api.bad_data"))), 0;
    }
    const char *field, *why;
    if (vcm_entry_validate(d, &field, &why) < 0)
        return problem(req, resp, 400, "invalid", vcm_web_t(req, why),
                       invalid1(field, vcm_web_t(req, why))), 0;
    return 1;
}

/* If-Match on entry e: 1 with *expected (0 for "*"), or 0 with 428 (when
 * required and missing) or 412 in resp. */
static int if_match(vcm_req *req, vcm_resp *resp, const vcm_entry *e, bool required,
                    int64_t *expected)
{
    *expected = 0;
    const char *im = vcm_req_header(req, "If-Match");
    if (!im) {
        if (!required)
            return 1;
        return problem(req, resp, 428, "if_match_required",
                       vcm_web_t(req, "api.if_match_required"), NULL), 0;
    }
    if (vcm_entry_if_match(im, e->id, expected) <= 0 || (*expected && *expected != e->version)) {
        char etag[64];
        vcm_entry_etag(e->id, e->version, etag, sizeof etag);
        vcm_resp_header(resp, req, "ETag", vcm_arena_strdup(req->arena, etag));
        return problem(req, resp, 412, "stale", vcm_web_t(req, "api.stale"), NULL), 0;
    }
    return 1;
}

static int stale(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int64_t id)
{
    vcm_entry e;
    if (vcm_entry_get(w->s, req->arena, id, &e) == 1) {
        char etag[64];
        vcm_entry_etag(e.id, e.version, etag, sizeof etag);
        vcm_resp_header(resp, req, "ETag", vcm_arena_strdup(req->arena, etag));
    }
    return problem(req, resp, 412, "stale", vcm_web_t(req, "api.stale"), NULL);
}

static int refused(vcm_req *req, vcm_resp *resp, const vcm_entry *e)
{
    const char *state = vcm_web_t(req, vcm_arena_printf(req->arena, "entry.state.%s",
                                                         vcm_entry_state_name(e->state)));
    return problem(req, resp, 409, "workflow", vcm_web_tf(req, "api.workflow_refused", state),
                   NULL);
}

static int s_object(vcm_store *s, vcm_arena *a, int64_t id, vcm_object *o)
{
    return s->ops->object_get(s, a, id, o);
}

/* ---- the routes ---------------------------------------------------------------- */

int vcm_api_entries(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t museum = vcm_web_id(vcm_req_query_get(req, "museum"));
    if (!museum && vcm_role_has_museum(w->user.role))
        museum = w->user.museum_id;
    const char *st = vcm_req_query_get(req, "state");
    vcm_entry_state state;
    if (st && vcm_entry_state_parse(st, &state) < 0)
        return problem(req, resp, 400, "bad_param", vcm_web_t(req, "api.bad_state"),
                       invalid1("state", vcm_web_t(req, "api.bad_state")));
    vcm_authz_res res = {.museum_id = museum};
    if (!vcm_authz_allow(&w->user, "entry.read", museum ? &res : NULL) ||
        (!museum && vcm_role_has_museum(w->user.role)))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    vcm_entry *list;
    size_t n;
    if (vcm_entry_list(w->s, req->arena, museum, st ? (int)state : -1, &list, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, entry_head(req, &list[i]));
    return vcm_web_json(req, resp, 200,
                        json_pack("{s:I, s:o}", "total", (json_int_t)n, "items", items));
}

int vcm_api_entry_create(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    json_t *b = body_json(req, resp, w, false);
    if (!b)
        return 0;
    int rc = 0;
    vcm_actor who = vcm_web_actor(w);
    json_t *jdata = json_object_get(b, "data");
    vcm_entry_data d, *dp = NULL;
    int64_t id = 0, oid = 0;
    json_t *jo = json_object_get(b, "object_id");
    if (jo && !json_is_integer(jo)) {
        rc = problem(req, resp, 400, "bad_param", vcm_web_t(req, "api.record_missing"),
                     invalid1("object_id", vcm_web_t(req, "api.record_missing")));
        goto out;
    }
    if (jdata) {
        if (!read_data(req, resp, jdata, &d))
            goto out;
        dp = &d;
    }
    if (jo) {
        vcm_object o;
        int r = s_object(w->s, req->arena, json_integer_value(jo), &o);
        if (r < 0) {
            rc = vcm_web_store_error(req, resp, w->s);
            goto out;
        }
        if (r == 0) {
            rc = problem(req, resp, 404, "record_missing", vcm_web_t(req, "api.record_missing"),
                         invalid1("object_id", vcm_web_t(req, "api.record_missing")));
            goto out;
        }
        vcm_authz_res res = {.museum_id = o.museum_id};
        if (!vcm_authz_allow(&w->user, "entry.create", &res)) {
            rc = vcm_web_error(req, resp, 403, vcm_web_t(req, "api.not_museum_record"));
            goto out;
        }
        r = vcm_entry_create(w->s, o.museum_id, o.id, dp, &who, now_seconds(), &id);
        if (r == VCM_ENTRY_TAKEN) {
            vcm_entry e;
            if (vcm_entry_by_object(w->s, req->arena, o.id, &e) == 1)
                vcm_resp_header(resp, req, "Location",
                                vcm_arena_printf(req->arena, "/api/v1/entries/%lld",
                                                 (long long)e.id));
            rc = problem(req, resp, 409, "taken", vcm_web_t(req, "api.taken"), NULL);
            goto out;
        }
        if (r < 0) {
            rc = vcm_web_store_error(req, resp, w->s);
            goto out;
        }
    } else {
        json_t *jm = json_object_get(b, "museum_id");
        int64_t museum = json_is_integer(jm) ? json_integer_value(jm) : 0;
        if (!museum && vcm_role_has_museum(w->user.role))
            museum = w->user.museum_id;
        if (museum <= 0 || !dp) {
            const char *f = museum <= 0 ? "museum_id" : "data";
            const char *why = museum <= 0 ? "api.museum_needed" : "api.data_needed";
            rc = problem(req, resp, 400, "bad_param", vcm_web_t(req, why),
                         invalid1(f, vcm_web_t(req, why)));
            goto out;
        }
        vcm_authz_res res = {.museum_id = museum};
        if (!vcm_authz_allow(&w->user, "entry.create", &res)) {
            rc = vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
            goto out;
        }
        vcm_museum m;
        int r = w->s->ops->museum_get(w->s, req->arena, museum, &m);
        if (r <= 0) {
            rc = r < 0 ? vcm_web_store_error(req, resp, w->s)
                       : problem(req, resp, 400, "bad_param", vcm_web_t(req, "museum.missing"),
                                 invalid1("museum_id", vcm_web_t(req, "museum.missing")));
            goto out;
        }
        if (vcm_entry_create_record(w->s, museum, dp, &who, now_seconds(), &id, &oid) < 0) {
            rc = vcm_web_store_error(req, resp, w->s);
            goto out;
        }
    }
    rc = send_entry(req, resp, w, id, 201);
out:
    json_decref(b);
    return rc;
}

int vcm_api_entry(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, "entry.read", &e))
        return 0;
    /* a conditional GET: the client has this version already */
    const char *inm = vcm_req_header(req, "If-None-Match");
    char etag[64];
    vcm_entry_etag(e.id, e.version, etag, sizeof etag);
    if (inm && strcmp(inm, etag) == 0) {
        vcm_resp_header(resp, req, "ETag", vcm_arena_strdup(req->arena, etag));
        resp->status = 304;
        return 0;
    }
    return send_entry(req, resp, w, e.id, 200);
}

int vcm_api_entry_update(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    int64_t expected, version;
    if (!vcm_web_entry_load(req, resp, w, "entry.update", &e) ||
        !if_match(req, resp, &e, true, &expected))
        return 0;
    json_t *b = body_json(req, resp, w, false);
    if (!b)
        return 0;
    vcm_entry_data d;
    int rc = 0;
    /* the body is the content itself, or {"data": content} as GET gives it */
    json_t *jd = json_object_get(b, "data") ? json_object_get(b, "data") : b;
    if (!read_data(req, resp, jd, &d))
        goto out;
    vcm_actor who = vcm_web_actor(w);
    int r = vcm_entry_save(w->s, e.id, expected, &d, &who, now_seconds(), &version);
    if (r == VCM_ENTRY_STALE)
        rc = stale(req, resp, w, e.id);
    else if (r == VCM_ENTRY_REFUSED)
        rc = refused(req, resp, &e);
    else if (r < 0)
        rc = vcm_web_store_error(req, resp, w->s);
    else
        rc = send_entry(req, resp, w, e.id, 200);
out:
    json_decref(b);
    return rc;
}

int vcm_api_entry_versions(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, "entry.read", &e))
        return 0;
    vcm_entry_version *v;
    size_t n;
    if (vcm_entry_versions(w->s, req->arena, e.id, &v, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            items, json_pack("{s:I, s:I, s:s, s:I, s:s, s:b}", "version", (json_int_t)v[i].version,
                             "author_id", (json_int_t)v[i].author_id, "author",
                             v[i].author ? v[i].author : "", "time", (json_int_t)v[i].time,
                             "summary", v[i].summary ? v[i].summary : "", "live",
                             v[i].version == e.live_version));
    return vcm_web_json(req, resp, 200, json_pack("{s:I, s:o}", "total", (json_int_t)n,
                                                  "items", items));
}

int vcm_api_entry_revert(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    int64_t expected, version;
    if (!vcm_web_entry_load(req, resp, w, "entry.update", &e) ||
        !if_match(req, resp, &e, true, &expected))
        return 0;
    json_t *b = body_json(req, resp, w, false);
    if (!b)
        return 0;
    int rc = 0;
    json_t *jv = json_object_get(b, "version");
    vcm_entry_version old;
    int r = json_is_integer(jv) ? vcm_entry_version_get(w->s, req->arena, e.id,
                                                        json_integer_value(jv), &old)
                                : 0;
    if (r <= 0) {
        rc = r < 0 ? vcm_web_store_error(req, resp, w->s)
                   : problem(req, resp, 400, "bad_param", vcm_web_t(req, "api.version_missing"),
                             invalid1("version", vcm_web_t(req, "api.version_missing")));
        goto out;
    }
    vcm_actor who = vcm_web_actor(w);
    r = vcm_entry_revert(w->s, e.id, old.version, expected, &who, now_seconds(), &version);
    if (r == VCM_ENTRY_STALE)
        rc = stale(req, resp, w, e.id);
    else if (r == VCM_ENTRY_REFUSED)
        rc = refused(req, resp, &e);
    else if (r < 0)
        rc = vcm_web_store_error(req, resp, w->s);
    else
        rc = send_entry(req, resp, w, e.id, 200);
out:
    json_decref(b);
    return rc;
}

/* A step of the workflow, with an optional comment (required when asking
 * for changes) and an optional If-Match: a step taken on the version the
 * client saw, not on one saved since. */
static int step(vcm_req *req, vcm_resp *resp, vcm_web_who *w, vcm_entry_action a)
{
    vcm_entry e;
    int64_t expected;
    if (!vcm_web_entry_load(req, resp, w, vcm_entry_action_authz(a), &e) ||
        !if_match(req, resp, &e, false, &expected))
        return 0;
    json_t *b = body_json(req, resp, w, true);
    if (!b)
        return 0;
    int rc = 0;
    json_t *jc = json_object_get(b, "comment");
    const char *comment = json_is_string(jc) ? json_string_value(jc) : NULL;
    if (a == VCM_EA_REQUEST_CHANGES && (!comment || !*comment)) {
        rc = problem(req, resp, 400, "bad_param", vcm_web_t(req, "api.comment_needed"),
                     invalid1("comment", vcm_web_t(req, "api.comment_needed")));
        goto out;
    }
    vcm_entry_problem probs[16];
    size_t np = 0;
    vcm_actor who = vcm_web_actor(w);
    int r = vcm_entry_transition(w->s, e.id, a, comment, &who, now_seconds(), probs, 16, &np);
    if (r == VCM_ENTRY_REFUSED)
        rc = refused(req, resp, &e);
    else if (r == VCM_ENTRY_QUOTA)
        rc = problem(req, resp, 409, "quota", vcm_web_t(req, "entry.err.quota"), NULL);
    else if (r == VCM_ENTRY_INCOMPLETE)
        rc = problem(req, resp, 422, "incomplete", vcm_web_t(req, "api.incomplete"),
                     problems_json(req, probs, np));
    else if (r < 0)
        rc = vcm_web_store_error(req, resp, w->s);
    else
        rc = send_entry(req, resp, w, e.id, 200);
out:
    json_decref(b);
    return rc;
}

int vcm_api_entry_submit(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return step(req, resp, w, VCM_EA_SUBMIT);
}
int vcm_api_entry_request_changes(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return step(req, resp, w, VCM_EA_REQUEST_CHANGES);
}
int vcm_api_entry_publish(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return step(req, resp, w, VCM_EA_PUBLISH);
}
int vcm_api_entry_withdraw(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return step(req, resp, w, VCM_EA_WITHDRAW);
}
int vcm_api_entry_restore(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return step(req, resp, w, VCM_EA_RESTORE);
}

int vcm_api_entry_comments(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, "entry.read", &e))
        return 0;
    vcm_entry_comment *c;
    size_t n;
    if (vcm_entry_comments(w->s, req->arena, e.id, &c, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)c[i].id,
                                               "author", c[i].author ? c[i].author : "", "time",
                                               (json_int_t)c[i].time, "body", c[i].body));
    return vcm_web_json(req, resp, 200, json_pack("{s:I, s:o}", "total", (json_int_t)n,
                                                  "items", items));
}

#define COMMENT_MAX 8000 /* bytes */

int vcm_api_entry_comment(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    if (!vcm_web_entry_load(req, resp, w, "entry.comment", &e))
        return 0;
    json_t *b = body_json(req, resp, w, false);
    if (!b)
        return 0;
    int rc = 0;
    json_t *jb = json_object_get(b, "body");
    const char *text = json_is_string(jb) ? json_string_value(jb) : "";
    size_t len = strspn(text, " \t\r\n") == strlen(text) ? 0 : strlen(text);
    if (len == 0 || len > COMMENT_MAX) {
        const char *why = len ? "api.comment_long" : "api.comment_empty";
        rc = problem(req, resp, 400, "bad_param", vcm_web_t(req, why),
                     invalid1("body", vcm_web_t(req, why)));
        goto out;
    }
    int64_t cid;
    vcm_actor who = vcm_web_actor(w);
    if (vcm_entry_comment_add(w->s, e.id, text, &who, now_seconds(), &cid) < 0) {
        rc = vcm_web_store_error(req, resp, w->s);
        goto out;
    }
    rc = vcm_web_json(req, resp, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)cid, "author",
                                                who.name ? who.name : "", "body", text));
out:
    json_decref(b);
    return rc;
}

/* An image for the entry (multipart/form-data: the file "image", the text
 * field "rights"): ingested, registered for the entry's record, and added
 * to the entry's images in a new version. */
int vcm_api_entry_image(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_entry e;
    int64_t expected;
    if (!vcm_web_entry_load(req, resp, w, "entry.update", &e) ||
        !if_match(req, resp, &e, false, &expected))
        return 0;
    if (!vcm_entry_editable(e.state))
        return refused(req, resp, &e);
    if (!w->mp.n)
        return problem(req, resp, 400, "no_file", vcm_web_t(req, "upload.no_file"),
                       invalid1(VCM_UPLOAD_FIELD, vcm_web_t(req, "upload.no_file")));
    const char *rights = vcm_form_get(&w->form, "rights");
    vcm_upload u;
    if (vcm_upload_image(req, w->s, &w->mp, e.id, e.object_id, rights, &u) < 0) {
        vcm_error("upload failed", "entry=%lld error=\"%s\"", (long long)e.id, u.message);
        return vcm_web_error(req, resp, 500, vcm_web_t(req, "error.500"));
    }
    if (u.status)
        return problem(req, resp, u.status, "upload", vcm_web_t(req, u.why),
                       invalid1(VCM_UPLOAD_FIELD, vcm_web_t(req, u.why)));
    int r = vcm_web_entry_add_image(req, w, &e, expected, u.identifier, rights);
    if (r == VCM_ENTRY_STALE)
        return stale(req, resp, w, e.id);
    if (r == VCM_ENTRY_REFUSED)
        return refused(req, resp, &e);
    if (r < 0)
        return vcm_web_store_error(req, resp, w->s);
    return send_entry(req, resp, w, e.id, 201);
}
