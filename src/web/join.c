/* What visitors and the secretariat do to the network: the public join
 * application, its review (accept or decline with a reason), a museum's
 * status and its exception to the partner-country rule, collections of
 * the directory, people and their data (a list, an export of all that is
 * held about one, erasure). Every handler runs behind vcm_web_act (who,
 * form, CSRF, vcm_authz_allow on the route's action), asks vcm_authz_allow
 * again about the resource it loads, writes through store/network.h (the
 * rules checked there, in the transaction), and records an audit line. */
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "core/log.h"
#include "http/cookie.h"
#include "http/form.h"
#include "model/country.h"
#include "store/network.h"
#include "web/network.h"
#include "core/banned.h"

/* ---- small helpers ---------------------------------------------------------- */

static const char *field(vcm_web_who *w, const char *name)
{
    const char *v = vcm_form_get(&w->form, name);
    return v ? v : "";
}

static void audit(vcm_web_who *w, const char *event, const char *subject, const char *detail)
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

static const char *actor(vcm_web_who *w)
{
    return w->user.id ? w->user.email : "join form";
}

static int redirect(vcm_req *req, vcm_resp *resp, const char *to)
{
    resp->status = 303;
    vcm_resp_header(resp, req, "Location", to);
    return 0;
}

static int forbidden(vcm_req *req, vcm_resp *resp)
{
    return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
}

static json_t *page_data(vcm_req *req, vcm_web_who *w, const char *title_key)
{
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, title_key)));
    json_object_set_new(d, "noindex", json_true());
    /* a form sent back with its errors: an anonymous visitor's token is the
     * cookie the request was checked against (vcm_web_act) */
    const char *csrf = w->csrf ? w->csrf : vcm_req_cookie(req, VCM_CSRF_COOKIE);
    json_object_set_new(d, "csrf", json_string(csrf ? csrf : ""));
    return d;
}

static int render(vcm_req *req, vcm_resp *resp, int status, const char *tpl, json_t *d)
{
    if (vcm_web_page(req, resp, tpl, d) < 0)
        return -1;
    resp->status = status;
    return 0;
}

static const char *id_text(vcm_req *req, int64_t id)
{
    return vcm_arena_printf(req->arena, "%lld", (long long)id);
}

/* A refusal by a rule, for a page: the sentence and the rule's name. */
static const char *refusal_text(vcm_req *req, const vcm_refusal *why)
{
    return vcm_web_tfv(req, "network.refused", 2,
                       (const char *[]){vcm_web_t(req, why->key ? why->key : "error.400"),
                                        why->rule ? why->rule : ""});
}

/* ---- the join form -------------------------------------------------------------- */

/* The countries a museum may apply from, for the form's list: every
 * partner country, then the territories counted as one. */
static json_t *country_options(vcm_req *req, vcm_store *s, const char *selected)
{
    vcm_partner *p;
    size_t n;
    json_t *list = json_array();
    if (vcm_partner_list(s, req->arena, &p, &n) < 0)
        return list;
    for (size_t i = 0; i < n; i++) {
        if (p[i].institution)
            continue;
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "code", p[i].code, "name",
                                              p[i].name, "selected",
                                              selected && strcmp(selected, p[i].code) == 0));
    }
    static const char *const extra[] = {"HK", "MO"};
    for (size_t i = 0; i < 2; i++) {
        vcm_country c;
        const char *name = extra[i];
        if (vcm_country_from_code(&c, req->arena, extra[i]) == 0 && c.names.n)
            name = vcm_web_name(&c.names);
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "code", extra[i], "name", name,
                                              "selected",
                                              selected && strcmp(selected, extra[i]) == 0));
    }
    return list;
}

static json_t *join_data(vcm_req *req, vcm_web_who *w, const vcm_join_form *f,
                         const vcm_field_error *errs, size_t nerr)
{
    json_t *d = page_data(req, w, "network.join.title");
    json_object_set_new(d, "noindex", json_false());
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "network.join.intro")));
    json_t *form = json_object(), *errors = json_object();
    if (f) {
        json_object_set_new(form, "institution", json_string(f->institution ? f->institution : ""));
        json_object_set_new(form, "city", json_string(f->city ? f->city : ""));
        json_object_set_new(form, "website", json_string(f->website ? f->website : ""));
        json_object_set_new(form, "contact_name", json_string(f->contact_name ? f->contact_name : ""));
        json_object_set_new(form, "contact_position",
                            json_string(f->contact_position ? f->contact_position : ""));
        json_object_set_new(form, "contact_email",
                            json_string(f->contact_email ? f->contact_email : ""));
        json_object_set_new(form, "contact_phone",
                            json_string(f->contact_phone ? f->contact_phone : ""));
        json_object_set_new(form, "collections", json_string(f->collections ? f->collections : ""));
        json_object_set_new(form, "ack_definition", json_boolean(f->ack_definition));
        json_object_set_new(form, "ack_ethics", json_boolean(f->ack_ethics));
        json_object_set_new(form, "consent", json_boolean(f->consent));
    }
    for (size_t i = 0; i < nerr; i++)
        json_object_set_new(errors, errs[i].field, json_string(vcm_web_t(req, errs[i].key)));
    json_object_set_new(d, "form", form);
    json_object_set_new(d, "errors", errors);
    json_object_set_new(d, "has_errors", json_boolean(nerr > 0));
    json_object_set_new(d, "countries", country_options(req, w->s, f ? f->country : NULL));
    return d;
}

int vcm_join_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    json_t *d = join_data(req, w, NULL, NULL, 0);
    const char *done = vcm_req_query_get(req, "done");
    if (done && strcmp(done, "1") == 0)
        json_object_set_new(d, "notice", json_string(vcm_web_t(req, "network.join.thanks")));
    return render(req, resp, 200, "network_join", d);
}

int vcm_join_submit(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_join_form f = {
        .institution = field(w, "institution"),
        .country = field(w, "country"),
        .city = field(w, "city"),
        .website = field(w, "website"),
        .contact_name = field(w, "contact_name"),
        .contact_position = field(w, "contact_position"),
        .contact_email = field(w, "contact_email"),
        .contact_phone = field(w, "contact_phone"),
        .collections = field(w, "collections"),
        .ack_definition = strcmp(field(w, "ack_definition"), "yes") == 0,
        .ack_ethics = strcmp(field(w, "ack_ethics"), "yes") == 0,
        .consent = strcmp(field(w, "consent"), "yes") == 0,
    };
    vcm_field_error errs[VCM_JOIN_MAX_ERRORS];
    size_t nerr = vcm_join_check(&f, errs, VCM_JOIN_MAX_ERRORS);
    vcm_country c;
    if (!nerr && vcm_country_from_code(&c, req->arena, f.country) < 0)
        errs[nerr++] = (vcm_field_error){"country", "network.join.bad_country"};
    if (nerr)
        return render(req, resp, 422, "network_join", join_data(req, w, &f, errs, nerr));
    vcm_application app = {.institution = f.institution, .city = f.city, .website = f.website,
                           .collections = f.collections, .ack_definition = true,
                           .ack_ethics = true};
    memcpy(app.country, f.country, 3);
    vcm_person contact = {.name = f.contact_name, .position = f.contact_position,
                          .organization = f.institution, .email = f.contact_email,
                          .phone = f.contact_phone, .consent = true,
                          .consent_for = vcm_web_t(req, "network.join.consent_for")};
    if (vcm_application_add(w->s, &app, &contact) < 0)
        return vcm_web_store_error(req, resp, w->s);
    audit(w, "network.apply", vcm_arena_printf(req->arena, "application %lld", (long long)app.id),
          f.institution);
    return redirect(req, resp, "/network/join?done=1");
}

/* ---- the secretariat's review ------------------------------------------------------ */

static int applications(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int status,
                        const char *error)
{
    vcm_application *apps;
    size_t n;
    if (vcm_application_list(w->s, req->arena, true, 0, &apps, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = page_data(req, w, "network.applications.title"), *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const vcm_application *a = &apps[i];
        json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)a->id,
                              "institution", a->institution, "country", a->country,
                              "collections", a->collections, "state",
                              vcm_web_t(req, vcm_arena_printf(req->arena, "network.app.%s",
                                                              vcm_app_state_name(a->state))),
                              "pending", a->state == VCM_APP_PENDING);
        vcm_partner p;
        int partner = vcm_partner_of_country(w->s, req->arena, a->country, &p);
        json_object_set_new(j, "partner", json_boolean(partner == 1));
        json_object_set_new(j, "city", json_string(a->city ? a->city : ""));
        json_object_set_new(j, "website", a->website ? json_string(a->website) : json_null());
        json_object_set_new(j, "reason", a->reason ? json_string(a->reason) : json_null());
        if (a->museum_id)
            json_object_set_new(j, "museum_id", json_integer(a->museum_id));
        vcm_person c;
        if (a->contact_id && vcm_person_get(w->s, req->arena, a->contact_id, &c) == 1)
            json_object_set_new(j, "contact",
                                c.erased ? json_string(vcm_web_t(req, "network.former_contact"))
                                         : json_string(vcm_arena_printf(req->arena, "%s <%s>",
                                                                        c.name, c.email ? c.email : "")));
        json_array_append_new(list, j);
    }
    json_object_set_new(d, "applications", list);
    if (error)
        json_object_set_new(d, "error", json_string(error));
    const char *done = vcm_req_query_get(req, "done");
    if (done && (strcmp(done, "accepted") == 0 || strcmp(done, "declined") == 0))
        json_object_set_new(d, "notice", json_string(vcm_web_t(
                                             req, vcm_arena_printf(req->arena, "network.app.done.%s",
                                                                   done))));
    return render(req, resp, status, "network_applications", d);
}

int vcm_applications_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return applications(req, resp, w, 200, NULL);
}

int vcm_application_accept_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "error.404"));
    const char *exception = field(w, "exception_reason");
    if (*exception && !vcm_authz_allow(&w->user, "partner.exception", NULL))
        return forbidden(req, resp);
    int64_t museum_id;
    vcm_refusal why;
    int rc = vcm_application_accept(w->s, id, actor(w), *exception ? exception : NULL,
                                    &museum_id, &why);
    if (rc == -1)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == -3)
        return vcm_web_error(req, resp, 409, vcm_web_t(req, "network.app.not_pending"));
    if (rc == -2)
        return applications(req, resp, w, 409, refusal_text(req, &why));
    audit(w, "network.accept", vcm_arena_printf(req->arena, "application %lld", (long long)id),
          *exception ? vcm_arena_printf(req->arena, "museum %lld; exception: %s",
                                        (long long)museum_id, exception)
                     : vcm_arena_printf(req->arena, "museum %lld", (long long)museum_id));
    return redirect(req, resp, "/network/applications?done=accepted");
}

int vcm_application_decline_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "error.404"));
    const char *reason = field(w, "reason");
    vcm_refusal why;
    int rc = vcm_application_decline(w->s, id, reason, actor(w), &why);
    if (rc == -1)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == -3)
        return vcm_web_error(req, resp, 409, vcm_web_t(req, "network.app.not_pending"));
    if (rc == -2)
        return applications(req, resp, w, 409, refusal_text(req, &why));
    audit(w, "network.decline", vcm_arena_printf(req->arena, "application %lld", (long long)id),
          reason);
    return redirect(req, resp, "/network/applications?done=declined");
}

/* ---- a museum's membership, managed ---------------------------------------------- */

static const vcm_member_state settable[] = {VCM_MS_APPLICANT, VCM_MS_MEMBER, VCM_MS_LAPSED,
                                            VCM_MS_LEFT, VCM_MS_DECLINED};

static int manage(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int64_t id, int status,
                  const char *error, json_t *errors)
{
    vcm_museum m;
    int rc = w->s->ops->museum_get(w->s, req->arena, id, &m);
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    vcm_member_event *ev;
    size_t n;
    vcm_collection *cs;
    size_t nc;
    vcm_person *people;
    size_t np;
    const char *reason = NULL, *by = NULL;
    int64_t when = 0;
    int exc;
    if (vcm_member_history(w->s, req->arena, id, &ev, &n) < 0 ||
        vcm_collection_list(w->s, req->arena, id, &cs, &nc) < 0 ||
        vcm_person_list(w->s, req->arena, id, false, &people, &np) < 0 ||
        (exc = vcm_exception_get(w->s, req->arena, id, &reason, &by, &when)) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = page_data(req, w, "network.manage.title");
    json_object_set_new(d, "page_title",
                        json_string(vcm_web_tf(req, "network.manage.title_of",
                                               vcm_web_name(&m.names))));
    json_object_set_new(d, "id", json_integer(id));
    json_object_set_new(d, "name", json_string(vcm_web_name(&m.names)));
    json_object_set_new(d, "current", json_string(vcm_web_status_label(
                                          req, n ? ev[n - 1].status : VCM_MS_NONE)));
    json_t *hist = json_array(), *states = json_array(), *cj = json_array(), *pj = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(hist, vcm_web_event_json(req, &ev[i]));
    for (size_t i = 0; i < sizeof settable / sizeof settable[0]; i++)
        json_array_append_new(states, json_pack("{s:s, s:s}", "value",
                                                vcm_member_state_name(settable[i]), "label",
                                                vcm_web_status_label(req, settable[i])));
    for (size_t i = 0; i < nc; i++)
        json_array_append_new(cj, json_pack("{s:I, s:s}", "id", (json_int_t)cs[i].id, "name",
                                            cs[i].name));
    for (size_t i = 0; i < np; i++)
        json_array_append_new(pj, json_pack("{s:I, s:s}", "id", (json_int_t)people[i].id, "name",
                                            people[i].name));
    json_object_set_new(d, "history", hist);
    json_object_set_new(d, "states", states);
    json_object_set_new(d, "collections", cj);
    json_object_set_new(d, "people", pj);
    json_object_set_new(d, "can_collect", json_boolean(vcm_authz_allow(
                                              &w->user, "collection.edit",
                                              &(vcm_authz_res){.museum_id = id})));
    json_object_set_new(d, "can_status", json_boolean(vcm_authz_allow(&w->user, "member.status",
                                                                      NULL)));
    if (exc == 1)
        json_object_set_new(d, "exception", json_pack("{s:s, s:s}", "reason", reason, "by", by));
    if (error)
        json_object_set_new(d, "error", json_string(error));
    json_object_set_new(d, "errors", errors ? errors : json_object());
    const char *done = vcm_req_query_get(req, "done");
    if (done && *done)
        json_object_set_new(d, "notice", json_string(vcm_web_t(req, "network.manage.saved")));
    return render(req, resp, status, "network_manage", d);
}

int vcm_member_manage_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    vcm_authz_res r = {.museum_id = id};
    if (!vcm_authz_allow(&w->user, "member.status", &r) &&
        !vcm_authz_allow(&w->user, "collection.edit", &r))
        return forbidden(req, resp);
    return manage(req, resp, w, id, 200, NULL, NULL);
}

static const char *manage_url(vcm_req *req, int64_t id)
{
    return vcm_arena_printf(req->arena, "/network/members/%lld/manage?done=1", (long long)id);
}

int vcm_member_status_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    vcm_member_event e = {.museum_id = id, .recorded_by = actor(w)};
    if (vcm_member_state_parse(field(w, "status"), &e.status) < 0)
        return manage(req, resp, w, id, 422, NULL,
                      json_pack("{s:s}", "status", vcm_web_t(req, "form.required")));
    const char *from = field(w, "from"), *reason = field(w, "reason");
    e.from_date = *from ? from : NULL;
    e.reason = *reason ? reason : NULL;
    vcm_refusal why;
    int rc = vcm_member_record(w->s, &e, &why);
    if (rc == -1) {
        vcm_museum m;
        if (w->s->ops->museum_get(w->s, req->arena, id, &m) == 0)
            return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
        return vcm_web_store_error(req, resp, w->s);
    }
    if (rc == -2)
        return manage(req, resp, w, id, 409, refusal_text(req, &why), NULL);
    audit(w, "network.status", vcm_arena_printf(req->arena, "museum %lld", (long long)id),
          vcm_member_state_name(e.status));
    return redirect(req, resp, manage_url(req, id));
}

int vcm_member_exception_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    const char *reason = field(w, "reason");
    if (!reason[strspn(reason, " \t\r\n")])
        return manage(req, resp, w, id, 422, NULL,
                      json_pack("{s:s}", "exception", vcm_web_t(req, "network.rule.reason")));
    vcm_museum m;
    int found = w->s->ops->museum_get(w->s, req->arena, id, &m);
    if (found < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (found == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    if (vcm_exception_put(w->s, id, reason, actor(w)) < 0)
        return vcm_web_store_error(req, resp, w->s);
    audit(w, "network.exception", vcm_arena_printf(req->arena, "museum %lld", (long long)id),
          reason);
    return redirect(req, resp, manage_url(req, id));
}

static const char *opt(vcm_web_who *w, const char *name, size_t max, bool *bad)
{
    const char *v = field(w, name);
    if (strlen(v) > max)
        *bad = true;
    return *v ? v : NULL;
}

int vcm_collection_add_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(field(w, "museum"));
    vcm_museum m;
    int found = id ? w->s->ops->museum_get(w->s, req->arena, id, &m) : 0;
    if (found < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (found == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "museum.missing"));
    if (!vcm_authz_allow(&w->user, "collection.edit", &(vcm_authz_res){.museum_id = id}))
        return forbidden(req, resp);
    bool bad = false;
    vcm_collection c = {.museum_id = id};
    c.name = opt(w, "name", 200, &bad);
    c.scope = opt(w, "scope", 2000, &bad);
    c.size = opt(w, "size", 200, &bad);
    c.periods = opt(w, "periods", 500, &bad);
    c.cultures = opt(w, "cultures", 500, &bad);
    c.access = opt(w, "access", 1000, &bad);
    c.contact_id = vcm_web_id(field(w, "contact"));
    if (!c.name || bad)
        return manage(req, resp, w, id, 422, NULL,
                      json_pack("{s:s}", "collection",
                                vcm_web_t(req, bad ? "form.too_long" : "form.required")));
    if (c.contact_id) {
        vcm_person p;
        int rc = vcm_person_get(w->s, req->arena, c.contact_id, &p);
        if (rc < 0)
            return vcm_web_store_error(req, resp, w->s);
        if (rc == 0 || p.erased || p.museum_id != id)
            return manage(req, resp, w, id, 422, NULL,
                          json_pack("{s:s}", "collection", vcm_web_t(req, "network.bad_contact")));
    }
    if (vcm_collection_put(w->s, &c, actor(w)) < 0)
        return vcm_web_store_error(req, resp, w->s);
    audit(w, "network.collection", vcm_arena_printf(req->arena, "collection %lld", (long long)c.id),
          c.name);
    return redirect(req, resp, manage_url(req, id));
}

/* ---- people and their data ---------------------------------------------------------- */

static json_t *person_json(vcm_req *req, const vcm_person *p)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(p->id));
    if (p->erased) {
        json_object_set_new(j, "erased", json_true());
        json_object_set_new(j, "label", json_string(vcm_web_t(req, "network.former_contact")));
        return j;
    }
#define S_(k, v) json_object_set_new(j, k, (v) ? json_string(v) : json_null())
    S_("name", p->name);
    S_("organization", p->organization);
    S_("position", p->position);
    S_("email", p->email);
    S_("phone", p->phone);
    S_("consent_for", p->consent ? p->consent_for : NULL);
    S_("source", p->source);
#undef S_
    json_object_set_new(j, "label", json_string(p->name));
    json_object_set_new(j, "museum_id", p->museum_id ? json_integer(p->museum_id) : json_null());
    json_object_set_new(j, "consent", json_boolean(p->consent));
    json_object_set_new(j, "consent_when", p->consent_when ? json_integer(p->consent_when)
                                                           : json_null());
    json_object_set_new(j, "demo", json_boolean(p->demo));
    json_object_set_new(j, "created", json_integer(p->created));
    json_object_set_new(j, "updated", json_integer(p->updated));
    json_object_set_new(j, "erased", json_false());
    return j;
}

static int people(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int status, json_t *errors,
                  json_t *form)
{
    vcm_person *ps;
    size_t n;
    if (vcm_person_list(w->s, req->arena, 0, true, &ps, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = page_data(req, w, "network.people.title"), *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, person_json(req, &ps[i]));
    json_object_set_new(d, "people", list);
    json_object_set_new(d, "errors", errors ? errors : json_object());
    json_object_set_new(d, "form", form ? form : json_object());
    const char *done = vcm_req_query_get(req, "done");
    if (done && (strcmp(done, "added") == 0 || strcmp(done, "erased") == 0))
        json_object_set_new(d, "notice", json_string(vcm_web_t(
                                             req, vcm_arena_printf(req->arena,
                                                                   "network.people.done.%s",
                                                                   done))));
    return render(req, resp, status, "network_people", d);
}

int vcm_people_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return people(req, resp, w, 200, NULL, NULL);
}

int vcm_person_add_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    bool bad = false;
    vcm_person p = {0};
    p.name = opt(w, "name", 200, &bad);
    p.organization = opt(w, "organization", 200, &bad);
    p.position = opt(w, "position", 200, &bad);
    p.email = opt(w, "email", 254, &bad);
    p.phone = opt(w, "phone", 100, &bad);
    p.consent_for = opt(w, "consent_for", 500, &bad);
    p.consent = p.consent_for != NULL;
    p.museum_id = vcm_web_id(field(w, "museum"));
    json_t *errors = json_object();
    const char *why;
    if (!p.name)
        json_object_set_new(errors, "name", json_string(vcm_web_t(req, "form.required")));
    if (p.email && vcm_email_check(p.email, &why) < 0)
        json_object_set_new(errors, "email", json_string(vcm_web_t(req, why)));
    if (bad)
        json_object_set_new(errors, "name", json_string(vcm_web_t(req, "form.too_long")));
    if (p.museum_id) {
        vcm_museum m;
        int rc = w->s->ops->museum_get(w->s, req->arena, p.museum_id, &m);
        if (rc < 0)
            return vcm_web_store_error(req, resp, w->s);
        if (rc == 0)
            json_object_set_new(errors, "museum", json_string(vcm_web_t(req, "museum.missing")));
    }
    if (json_object_size(errors)) {
        json_t *form = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", field(w, "name"),
                                 "organization", field(w, "organization"), "position",
                                 field(w, "position"), "email", field(w, "email"), "phone",
                                 field(w, "phone"), "consent_for", field(w, "consent_for"));
        return people(req, resp, w, 422, errors, form);
    }
    json_decref(errors);
    if (vcm_person_add(w->s, &p, actor(w)) < 0)
        return vcm_web_store_error(req, resp, w->s);
    audit(w, "network.person", vcm_arena_printf(req->arena, "person %lld", (long long)p.id),
          "added");
    return redirect(req, resp, "/network/people?done=added");
}

int vcm_person_erase_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "error.404"));
    int rc = vcm_person_erase(w->s, id, actor(w));
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "error.404"));
    /* the audit names the row, never the person */
    audit(w, "network.erase", vcm_arena_printf(req->arena, "person %lld", (long long)id), NULL);
    return redirect(req, resp, "/network/people?done=erased");
}

/* Everything the platform holds about a person: the row, the history
 * that names it, the applications it is the contact of, the collections
 * it is the contact for. */
int vcm_person_export_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "error.404"));
    vcm_person p;
    int rc = vcm_person_get(w->s, req->arena, id, &p);
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "error.404"));
    vcm_nhistory *h;
    size_t nh;
    vcm_application *apps;
    size_t na;
    vcm_collection *cs;
    size_t nc;
    if (vcm_nhistory_list(w->s, req->arena, "person", id_text(req, id), &h, &nh) < 0 ||
        vcm_application_list(w->s, req->arena, true, 0, &apps, &na) < 0 ||
        vcm_collection_list(w->s, req->arena, 0, &cs, &nc) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *hist = json_array(), *aj = json_array(), *cj = json_array();
    for (size_t i = 0; i < nh; i++)
        json_array_append_new(hist, json_pack("{s:I, s:s, s:s, s:o}", "time", (json_int_t)h[i].time,
                                              "actor", h[i].actor, "action", h[i].action,
                                              "detail", h[i].detail ? json_string(h[i].detail)
                                                                    : json_null()));
    for (size_t i = 0; i < na; i++)
        if (apps[i].contact_id == id)
            json_array_append_new(aj, json_pack("{s:I, s:s, s:s, s:I}", "id",
                                                (json_int_t)apps[i].id, "institution",
                                                apps[i].institution, "state",
                                                vcm_app_state_name(apps[i].state), "submitted",
                                                (json_int_t)apps[i].submitted));
    for (size_t i = 0; i < nc; i++)
        if (cs[i].contact_id == id)
            json_array_append_new(cj, json_pack("{s:I, s:s}", "id", (json_int_t)cs[i].id, "name",
                                                cs[i].name));
    json_t *d = json_pack("{s:o, s:o, s:o, s:o}", "person", person_json(req, &p), "history", hist,
                          "applications", aj, "collections", cj);
    audit(w, "network.export", vcm_arena_printf(req->arena, "person %lld", (long long)id), NULL);
    vcm_resp_header(resp, req, "Content-Disposition",
                    vcm_arena_printf(req->arena, "attachment; filename=\"person-%lld.json\"",
                                     (long long)id));
    return vcm_web_json(req, resp, 200, d);
}

int vcm_api_network_people(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_person *ps;
    size_t n;
    if (vcm_person_list(w->s, req->arena, 0, true, &ps, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, person_json(req, &ps[i]));
    return vcm_web_json(req, resp, 200, json_pack("{s:I, s:o}", "total", (json_int_t)n,
                                                  "people", list));
}
