/* Loans between members on the site (web/loans.h): the list of the loans
 * a user may see with the request form, a loan's page with its objects,
 * its history and a form for each step it may take next, and the API.
 * Every handler runs behind vcm_web_act and asks vcm_authz_allow again
 * with the loan's museums (loan.read: the lender's or the borrower's),
 * writes through store/loan.h (the state machine and the bookings are
 * checked there) and records an audit line. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "http/form.h"
#include "store/network.h"
#include "web/loans.h"
#include "core/banned.h"

/* ---- shared helpers --------------------------------------------------------- */

const char *vcm_loans_field(vcm_web_who *w, const char *name)
{
    const char *v = vcm_form_get(&w->form, name);
    return v ? v : "";
}

void vcm_loans_audit(vcm_web_who *w, const char *event, const char *subject, const char *detail)
{
    vcm_audit e = {.actor_id = w->user.id,
                   .actor = w->user.id ? w->user.email : NULL,
                   .event = event,
                   .subject = subject,
                   .address = w->address,
                   .detail = detail};
    if (vcm_audit_add(w->s, &e) < 0) /* the action stands; the log says why the line is missing */
        vcm_error("cannot write the audit log", "event=%s error=\"%s\"", event,
                  vcm_store_error(w->s));
}

const char *vcm_loans_actor(vcm_web_who *w)
{
    return w->user.id ? w->user.email : "unknown";
}

int vcm_loans_redirect(vcm_req *req, vcm_resp *resp, const char *to)
{
    resp->status = 303;
    vcm_resp_header(resp, req, "Location", to);
    return 0;
}

json_t *vcm_loans_page_data(vcm_req *req, vcm_web_who *w, const char *title_key)
{
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, title_key)));
    json_object_set_new(d, "noindex", json_true());
    json_object_set_new(d, "csrf", json_string(w->csrf ? w->csrf : ""));
    return d;
}

const char *vcm_loans_museum_name(vcm_req *req, vcm_store *s, int64_t id)
{
    vcm_museum m;
    if (!id || s->ops->museum_get(s, req->arena, id, &m) != 1)
        return "";
    return vcm_web_name(&m.names);
}

json_t *vcm_loans_museums(vcm_req *req, vcm_store *s, int64_t selected)
{
    vcm_museum *m;
    size_t n;
    json_t *list = json_array();
    if (s->ops->museum_list(s, req->arena, "", &m, &n) < 0)
        return list;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)m[i].id,
                                              "name", vcm_web_name(&m[i].names), "selected",
                                              m[i].id == selected));
    return list;
}

json_t *vcm_loans_history(vcm_req *req, vcm_store *s, const char *entity, int64_t id)
{
    vcm_nhistory *h;
    size_t n;
    json_t *list = json_array();
    if (vcm_nhistory_list(s, req->arena, entity, vcm_arena_printf(req->arena, "%lld",
                                                                  (long long)id),
                          &h, &n) < 0)
        return list;
    for (size_t i = 0; i < n; i++) {
        char when[32] = "";
        time_t t = (time_t)h[i].time;
        struct tm tm;
        if (gmtime_r(&t, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        /* a loan's steps by their names for people */
        vcm_loan_state st;
        const char *action = h[i].action;
        if (strcmp(entity, "loan") == 0 && vcm_loan_state_parse(action, &st) == 0)
            action = vcm_web_t(req, vcm_arena_printf(req->arena, "loan.state.%s", action));
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "time", when, "actor",
                                              h[i].actor, "action", action, "detail",
                                              h[i].detail ? h[i].detail : ""));
    }
    return list;
}

/* ---- loans -------------------------------------------------------------------- */

static bool may(vcm_web_who *w, const char *action, const vcm_loan *l)
{
    vcm_authz_res a = {.museum_id = l->lender_id}, b = {.museum_id = l->borrower_id};
    return vcm_authz_allow(&w->user, action, &a) || vcm_authz_allow(&w->user, action, &b);
}

static const char *state_label(vcm_req *req, vcm_loan_state s)
{
    return vcm_web_t(req, vcm_arena_printf(req->arena, "loan.state.%s",
                                           vcm_loan_state_name(s)));
}

static json_t *loan_json(vcm_req *req, vcm_store *s, const vcm_loan *l)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:b}",
                          "id", (json_int_t)l->id, "number", l->number ? l->number : "",
                          "state", vcm_loan_state_name(l->state), "state_label",
                          state_label(req, l->state), "lender_id", (json_int_t)l->lender_id,
                          "lender", vcm_loans_museum_name(req, s, l->lender_id), "borrower_id",
                          (json_int_t)l->borrower_id, "borrower",
                          vcm_loans_museum_name(req, s, l->borrower_id), "start",
                          l->start ? l->start : "", "end", l->end ? l->end : "", "venue",
                          l->venue ? l->venue : "", "objects", (json_int_t)l->nlines, "booked",
                          vcm_loan_holds(l->state));
    /* for pages: the period in the visitor's language */
    json_object_set_new(j, "period", json_string(vcm_web_period(req, l->start, l->end)));
    const struct {
        const char *name, *v;
    } f[] = {{"reason", l->reason},           {"assessment", l->assessment},
             {"conditions", l->conditions},   {"insurance", l->insurance},
             {"condition_out", l->condition_out}, {"courier_out", l->courier_out},
             {"arrival", l->arrival},         {"courier_in", l->courier_in},
             {"condition_in", l->condition_in}, {"cancel_reason", l->cancel_reason}};
    json_t *info = json_array();
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        json_object_set_new(j, f[i].name, f[i].v ? json_string(f[i].v) : json_null());
        if (f[i].v)
            json_array_append_new(info, json_pack("{s:s, s:s}", "label",
                                                  vcm_web_t(req, vcm_arena_printf(
                                                                     req->arena,
                                                                     "loan.field.%s", f[i].name)),
                                                  "value", f[i].v));
    }
    json_object_set_new(j, "information", info);
    if (l->exhibition_id) {
        json_object_set_new(j, "exhibition_id", json_integer(l->exhibition_id));
        json_object_set_new(j, "venue_no", json_integer(l->venue_no));
    }
    return j;
}

/* The loans the user may see: all for editors and the secretariat, else
 * those of the user's museum. */
static json_t *visible_loans(vcm_req *req, vcm_web_who *w)
{
    bool all = w->user.role == VCM_ROLE_EDITOR || w->user.role == VCM_ROLE_SECRETARIAT;
    vcm_loan *l;
    size_t n;
    if (vcm_loan_list(w->s, req->arena, all ? 0 : w->user.museum_id, &l, &n) < 0)
        return NULL;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        if (may(w, "loan.read", &l[i]))
            json_array_append_new(list, loan_json(req, w->s, &l[i]));
    return list;
}

static int loans(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int status, json_t *form,
                 json_t *errors)
{
    json_t *list = visible_loans(req, w);
    if (!list)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = vcm_loans_page_data(req, w, "loan.list.title");
    json_object_set_new(d, "loans", list);
    bool can = vcm_authz_allow(&w->user, "loan.request", NULL);
    json_object_set_new(d, "can_request", json_boolean(can));
    json_object_set_new(d, "own_museum", json_boolean(w->user.museum_id != 0));
    int64_t lender = form ? (int64_t)json_integer_value(json_object_get(form, "lender")) : 0;
    int64_t borrower = form ? (int64_t)json_integer_value(json_object_get(form, "borrower"))
                            : w->user.museum_id;
    json_object_set_new(d, "lenders", vcm_loans_museums(req, w->s, lender));
    json_object_set_new(d, "borrowers", vcm_loans_museums(req, w->s, borrower));
    json_object_set_new(d, "form", form ? form : json_object());
    json_object_set_new(d, "errors", errors ? errors : json_object());
    json_object_set_new(d, "has_errors", json_boolean(errors && json_object_size(errors)));
    const char *done = vcm_req_query_get(req, "done");
    if (done && strcmp(done, "1") == 0)
        json_object_set_new(d, "notice", json_string(vcm_web_t(req, "loan.requested")));
    if (vcm_web_page(req, resp, "loans", d) < 0)
        return -1;
    resp->status = status;
    return 0;
}

int vcm_loans_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return loans(req, resp, w, 200, NULL, NULL);
}

/* The form field a refusal is about. */
static const char *refused_field(const vcm_refusal *why)
{
    if (strcmp(why->rule, "loan-information") == 0)
        return why->key;
    if (strcmp(why->rule, "loan-period") == 0)
        return "end";
    if (strcmp(why->rule, "loan-parties") == 0)
        return "lender";
    return "objects";
}

static const char *refused_text(vcm_req *req, const vcm_refusal *why)
{
    if (strcmp(why->rule, "loan-information") == 0)
        return vcm_web_t(req, "loan.refused.information");
    return vcm_web_t(req, why->key);
}

int vcm_loan_request_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t lender = vcm_web_id(vcm_loans_field(w, "lender"));
    int64_t borrower = vcm_web_id(vcm_loans_field(w, "borrower"));
    /* a museum's user asks for their own museum */
    if (w->user.role != VCM_ROLE_SECRETARIAT)
        borrower = w->user.museum_id;
    vcm_authz_res res = {.museum_id = borrower};
    if (!vcm_authz_allow(&w->user, "loan.request", &res))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    json_t *form = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "lender", (json_int_t)lender,
                             "borrower", (json_int_t)borrower, "reason",
                             vcm_loans_field(w, "reason"), "start", vcm_loans_field(w, "start"),
                             "end", vcm_loans_field(w, "end"), "venue",
                             vcm_loans_field(w, "venue"), "objects",
                             vcm_loans_field(w, "objects"));
    json_t *errors = json_object();
    vcm_loan_entry e[VCM_LOAN_MAX_LINES];
    int bad = 0;
    int n = vcm_loan_entries_parse(vcm_loans_field(w, "objects"), req->arena, e, &bad);
    if (n < 0) {
        json_object_set_new(errors, "objects",
                            json_string(vcm_web_tf(req, "loan.bad_line",
                                                   vcm_arena_printf(req->arena, "%d", bad))));
        return loans(req, resp, w, 422, form, errors);
    }
    vcm_loan_line lines[VCM_LOAN_MAX_LINES];
    for (int i = 0; i < n; i++)
        lines[i] = (vcm_loan_line){.object_id = e[i].object_id, .inventory = e[i].inventory,
                                   .label = e[i].label};
    vcm_loan l = {.lender_id = lender, .borrower_id = borrower,
                  .reason = vcm_loans_field(w, "reason"), .start = vcm_loans_field(w, "start"),
                  .end = vcm_loans_field(w, "end"), .venue = vcm_loans_field(w, "venue")};
    vcm_refusal why = {0};
    int rc = vcm_loan_create(w->s, &l, lines, (size_t)n, vcm_loans_actor(w), &why);
    if (rc == -1)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == -2) {
        json_object_set_new(errors, refused_field(&why), json_string(refused_text(req, &why)));
        return loans(req, resp, w, 422, form, errors);
    }
    vcm_loans_audit(w, "loan.request", vcm_arena_printf(req->arena, "loan %lld", (long long)l.id),
                    vcm_arena_printf(req->arena, "lender %lld, borrower %lld, %d objects",
                                     (long long)lender, (long long)borrower, n));
    return vcm_loans_redirect(req, resp,
                              vcm_arena_printf(req->arena, "/network/loans/%lld", (long long)l.id));
}

static int loan_view(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int64_t id, int status,
                     const char *error, const char *error_state, const char *error_field)
{
    vcm_loan l;
    vcm_loan_line *lines;
    size_t n;
    int rc = vcm_loan_get(w->s, req->arena, id, &l, &lines, &n);
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    /* a loan one may not see is answered as one that does not exist */
    if (rc == 0 || !may(w, "loan.read", &l))
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "loan.missing"));
    json_t *d = vcm_loans_page_data(req, w, "loan.title");
    json_object_set_new(d, "page_title",
                        json_string(vcm_web_tf(req, "loan.title_of", l.number)));
    json_object_set_new(d, "loan", loan_json(req, w->s, &l));
    json_t *jl = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s}", "item", lines[i].item);
        if (lines[i].object_id)
            json_object_set_new(o, "object_id", json_integer(lines[i].object_id));
        if (lines[i].inventory)
            json_object_set_new(o, "inventory", json_string(lines[i].inventory));
        if (lines[i].label)
            json_object_set_new(o, "label", json_string(lines[i].label));
        json_array_append_new(jl, o);
    }
    json_object_set_new(d, "lines", jl);
    json_object_set_new(d, "history", vcm_loans_history(req, w->s, "loan", id));
    /* a form for each step the loan may take next, with what it needs */
    json_t *steps = json_array();
    bool can = may(w, "loan.transition", &l);
    for (int to = 0; can && to < VCM_LOAN_NSTATES; to++) {
        if (!vcm_loan_next(l.state, (vcm_loan_state)to))
            continue;
        const char *name = vcm_loan_state_name((vcm_loan_state)to);
        json_t *fields = json_array();
        for (const char *const *f = vcm_loan_needs((vcm_loan_state)to); *f; f++) {
            json_t *fj = json_pack("{s:s, s:s, s:s}", "name", *f, "label",
                                   vcm_web_t(req, vcm_arena_printf(req->arena, "loan.field.%s",
                                                                   *f)),
                                   "id", vcm_arena_printf(req->arena, "f-%s-%s", name, *f));
            if (error_state && strcmp(error_state, name) == 0 && error_field &&
                strcmp(error_field, *f) == 0)
                json_object_set_new(fj, "error", json_string(error));
            json_array_append_new(fields, fj);
        }
        json_t *sj = json_pack("{s:s, s:s, s:o, s:b}", "to", name, "label",
                               state_label(req, (vcm_loan_state)to), "fields", fields, "cancel",
                               to == VCM_LOAN_CANCELLED);
        if (error_state && strcmp(error_state, name) == 0 && (!error_field || !*error_field))
            json_object_set_new(sj, "error", json_string(error));
        json_array_append_new(steps, sj);
    }
    json_object_set_new(d, "steps", steps);
    json_object_set_new(d, "from", json_string(vcm_loan_state_name(l.state)));
    if (error && (!error_state || !*error_state))
        json_object_set_new(d, "error", json_string(error));
    if (vcm_web_page(req, resp, "loan", d) < 0)
        return -1;
    resp->status = status;
    return 0;
}

int vcm_loan_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "loan.missing"));
    return loan_view(req, resp, w, id, 200, NULL, NULL, NULL);
}

int vcm_loan_step_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    vcm_loan l;
    int rc = id ? vcm_loan_get(w->s, req->arena, id, &l, NULL, NULL) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "loan.missing"));
    if (!may(w, "loan.transition", &l))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    vcm_loan_state from, to;
    if (vcm_loan_state_parse(vcm_loans_field(w, "from"), &from) < 0 ||
        vcm_loan_state_parse(vcm_loans_field(w, "to"), &to) < 0)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "loan.bad_step"));
    /* only the fields of this step are taken from the form */
    vcm_loan info = {0};
    for (const char *const *f = vcm_loan_needs(to); *f; f++) {
        const char *v = vcm_form_get(&w->form, *f);
        if (!v)
            continue;
        if (strlen(v) > 4000)
            return vcm_web_error(req, resp, 413, vcm_web_t(req, "loan.too_long"));
        const char **dst = !strcmp(*f, "assessment")      ? &info.assessment
                           : !strcmp(*f, "conditions")    ? &info.conditions
                           : !strcmp(*f, "insurance")     ? &info.insurance
                           : !strcmp(*f, "condition_out") ? &info.condition_out
                           : !strcmp(*f, "courier_out")   ? &info.courier_out
                           : !strcmp(*f, "arrival")       ? &info.arrival
                           : !strcmp(*f, "courier_in")    ? &info.courier_in
                           : !strcmp(*f, "condition_in")  ? &info.condition_in
                           : !strcmp(*f, "cancel_reason") ? &info.cancel_reason
                                                          : NULL;
        if (dst)
            *dst = v;
    }
    vcm_refusal why = {0};
    vcm_loan_clash clash = {0};
    rc = vcm_loan_step(w->s, id, from, to, &info, vcm_loans_actor(w), &why, &clash);
    if (rc == -1)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == -4)
        return loan_view(req, resp, w, id, 409, vcm_web_t(req, "loan.stale"), NULL, NULL);
    if (rc == -3) {
        const char *msg =
            clash.loan_id
                ? vcm_web_tfv(req, "loan.clash", 4,
                              (const char *[]){clash.item,
                                               vcm_arena_printf(req->arena, "%lld",
                                                                (long long)clash.loan_id),
                                               clash.start, clash.end})
                : vcm_web_tf(req, "loan.clash_now", clash.item);
        return loan_view(req, resp, w, id, 409, msg, vcm_loan_state_name(to), "");
    }
    if (rc == -2) {
        bool info_missing = strcmp(why.rule, "loan-information") == 0;
        return loan_view(req, resp, w, id, 422, refused_text(req, &why), vcm_loan_state_name(to),
                         info_missing ? why.key : "");
    }
    vcm_loans_audit(w, "loan.step", vcm_arena_printf(req->arena, "loan %lld", (long long)id),
                    vcm_arena_printf(req->arena, "%s -> %s", vcm_loan_state_name(from),
                                     vcm_loan_state_name(to)));
    return vcm_loans_redirect(req, resp,
                              vcm_arena_printf(req->arena, "/network/loans/%lld", (long long)id));
}

int vcm_api_loans(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    json_t *list = visible_loans(req, w);
    if (!list)
        return vcm_web_store_error(req, resp, w->s);
    return vcm_web_json(req, resp, 200,
                        json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(list),
                                  "loans", list));
}

int vcm_api_loan(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    vcm_loan l;
    vcm_loan_line *lines;
    size_t n;
    int rc = id ? vcm_loan_get(w->s, req->arena, id, &l, &lines, &n) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0 || !may(w, "loan.read", &l))
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "loan.missing"));
    json_t *j = loan_json(req, w->s, &l);
    json_object_del(j, "information");
    json_object_del(j, "state_label");
    json_object_del(j, "period");
    json_t *jl = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(jl, json_pack("{s:s, s:o, s:o, s:o}", "item", lines[i].item,
                                            "object_id",
                                            lines[i].object_id ? json_integer(lines[i].object_id)
                                                               : json_null(),
                                            "inventory",
                                            lines[i].inventory ? json_string(lines[i].inventory)
                                                               : json_null(),
                                            "label",
                                            lines[i].label ? json_string(lines[i].label)
                                                           : json_null()));
    json_object_set_new(j, "lines", jl);
    json_object_set_new(j, "history", vcm_loans_history(req, w->s, "loan", id));
    return vcm_web_json(req, resp, 200, j);
}
