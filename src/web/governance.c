/* Governance on the site: who held each office when (/network/governance,
 * /network/governance/offices/{id}), elections with their results, the
 * appointment form, and the same under /api/v1/network/governance. The
 * rules are read from the store and named wherever they refuse; the
 * contract of the routes: web/governance.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/l10n.h"
#include "core/log.h"
#include "http/form.h"
#include "store/governance.h"
#include "store/network.h"
#include "web/governance.h"
#include "core/banned.h"

#define GOV_BODY "executive_committee"

/* ---- shared helpers ---------------------------------------------------------------- */

const char *vcm_gov_date_label(vcm_req *req, const char *date)
{
    if (!date || !*date)
        return vcm_web_t(req, "gov.unknown");
    /* a whole day in the visitor's language; a year, or a year and month,
     * as the facts give it */
    return vcm_web_day(req, date);
}

const char *vcm_gov_person_label(vcm_req *req, const char *name)
{
    return name ? name : vcm_web_t(req, "gov.former_contact");
}

void vcm_gov_audit(vcm_web_who *w, const char *event, const char *subject, const char *detail)
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

const char *vcm_gov_field(vcm_web_who *w, const char *name)
{
    const char *v = vcm_form_get(&w->form, name);
    return v ? v : "";
}

int64_t vcm_gov_field_id(vcm_web_who *w, const char *name)
{
    const char *v = vcm_gov_field(w, name);
    if (!*v)
        return 0;
    int64_t id = vcm_web_id(v);
    return id ? id : -1;
}

static const char *actor_name(vcm_web_who *w)
{
    return w->user.email ? w->user.email : "unknown";
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static const char *group_label(vcm_req *req, vcm_group g)
{
    return g == VCM_GROUP_ASIA     ? vcm_web_t(req, "region.asia")
           : g == VCM_GROUP_EUROPE ? vcm_web_t(req, "region.europe")
                                   : vcm_web_t(req, "gov.unknown");
}

/* The catalogue key of a kind of office or rule ("gov.office.chair"). */
static const char *key_of(vcm_req *req, const char *prefix, const char *kind)
{
    return vcm_arena_printf(req->arena, "%s%s", prefix, kind ? kind : "");
}

static json_t *term_json(vcm_req *req, const vcm_gov_appt *t)
{
    char start[11], end[11];
    vcm_gdate_format(t->t.start, start);
    vcm_gdate_format(t->t.end, end);
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(t->t.id));
    json_object_set_new(j, "office_id", json_integer(t->t.office_id));
    json_object_set_new(j, "office", json_string(t->office_name ? t->office_name : ""));
    json_object_set_new(j, "office_kind", json_string(t->t.office_kind ? t->t.office_kind : ""));
    json_object_set_new(j, "holder_kind", json_string(t->t.person_id ? "person" : "organization"));
    if (t->t.person_id)
        json_object_set_new(j, "person_id", json_integer(t->t.person_id));
    if (t->t.museum_id)
        json_object_set_new(j, "museum_id", json_integer(t->t.museum_id));
    json_object_set_new(j, "holder", str_or_null(t->holder));
    json_object_set_new(j, "holder_label",
                        json_string(t->t.person_id ? vcm_gov_person_label(req, t->holder)
                                                   : (t->holder ? t->holder : "")));
    json_object_set_new(j, "erased", json_boolean(t->holder_erased));
    json_object_set_new(j, "group", str_or_null(vcm_group_name(t->t.group)));
    json_object_set_new(j, "group_label", json_string(group_label(req, t->t.group)));
    json_object_set_new(j, "start", str_or_null(start));
    json_object_set_new(j, "end", str_or_null(end));
    json_object_set_new(j, "start_label", json_string(vcm_gov_date_label(req, start)));
    json_object_set_new(j, "end_label", json_string(vcm_gov_date_label(req, end)));
    json_object_set_new(j, "override", str_or_null(t->override));
    json_object_set_new(j, "broken", str_or_null(t->broken));
    json_object_set_new(j, "note", str_or_null(t->note));
    json_object_set_new(j, "source", str_or_null(t->source));
    json_object_set_new(j, "demo", json_boolean(t->demo));
    if (t->election_id)
        json_object_set_new(j, "election_id", json_integer(t->election_id));
    return j;
}

static json_t *rule_json(vcm_req *req, const vcm_gov_rule_row *r)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(r->rule.id));
    json_object_set_new(j, "kind", json_string(r->rule.kind));
    json_object_set_new(j, "params", json_string(r->rule.params ? r->rule.params : ""));
    const char *label = vcm_web_t(req, key_of(req, "gov.rule.", r->rule.kind));
    json_object_set_new(j, "label", json_string(label));
    json_object_set_new(j, "note", str_or_null(r->note));
    json_object_set_new(j, "source", str_or_null(r->source));
    return j;
}

static json_t *office_json(vcm_req *req, const vcm_gov_office *o)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(o->id));
    json_object_set_new(j, "kind", json_string(o->kind));
    json_object_set_new(j, "name", json_string(o->name));
    const char *label = vcm_web_t(req, key_of(req, "gov.office.", o->kind));
    json_object_set_new(j, "kind_label", json_string(label));
    return j;
}

/* The body the pages show, or 0 when none is stored yet. */
static int body_of(vcm_req *req, vcm_store *s, vcm_gov_body *b)
{
    return vcm_gov_body_by_key(s, req->arena, GOV_BODY, b);
}

/* The whole governance document: the body, its offices with their terms,
 * its rules. NULL on a store error. */
static json_t *governance_json(vcm_req *req, vcm_store *s, const vcm_gov_body *b)
{
    vcm_gov_office *offices;
    vcm_gov_appt *terms;
    vcm_gov_rule_row *rules;
    size_t no, nt, nr;
    if (vcm_gov_office_list(s, req->arena, b->id, &offices, &no) < 0 ||
        vcm_gov_term_list(s, req->arena, b->id, 0, &terms, &nt) < 0 ||
        vcm_gov_rule_list(s, req->arena, b->id, &rules, &nr) < 0)
        return NULL;
    json_t *d = json_object(), *jo = json_array(), *jr = json_array();
    json_object_set_new(d, "body", json_pack("{s:I,s:s,s:s}", "id", (json_int_t)b->id, "key",
                                             b->key, "name", b->name));
    for (size_t i = 0; i < no; i++) {
        json_t *o = office_json(req, &offices[i]), *ts = json_array();
        for (size_t k = 0; k < nt; k++)
            if (terms[k].t.office_id == offices[i].id)
                json_array_append_new(ts, term_json(req, &terms[k]));
        json_object_set_new(o, "terms", ts);
        json_array_append_new(jo, o);
    }
    for (size_t i = 0; i < nr; i++)
        json_array_append_new(jr, rule_json(req, &rules[i]));
    json_object_set_new(d, "offices", jo);
    json_object_set_new(d, "rules", jr);
    return d;
}

/* ---- pages ----------------------------------------------------------------------- */

int vcm_page_governance(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_gov_body b;
    int r = body_of(req, s, &b);
    if (r < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = r ? governance_json(req, s, &b) : json_object();
    if (!d)
        return vcm_web_store_error(req, resp, s);
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "gov.title")));
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "gov.intro")));
    return vcm_web_page(req, resp, "governance", d);
}

/* The office of the route's id: 1 with *s and *o, or the answer already
 * given (0, or -1). */
static int load_office(vcm_req *req, vcm_resp *resp, vcm_store **s, vcm_gov_office *o)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    *s = NULL;
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "gov.office.missing"));
    vcm_store *st = vcm_web_store(req, resp);
    if (!st)
        return 0;
    int r = vcm_gov_office_get(st, req->arena, id, o);
    if (r < 0)
        return vcm_web_store_error(req, resp, st);
    if (r == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "gov.office.missing"));
    *s = st;
    return 1;
}

static json_t *office_doc(vcm_req *req, vcm_store *s, const vcm_gov_office *o)
{
    vcm_gov_appt *terms;
    size_t nt;
    if (vcm_gov_term_list(s, req->arena, o->body_id, o->id, &terms, &nt) < 0)
        return NULL;
    json_t *d = json_object(), *ts = json_array();
    for (size_t i = 0; i < nt; i++)
        json_array_append_new(ts, term_json(req, &terms[i]));
    json_t *oj = office_json(req, o);
    json_object_set_new(oj, "terms", ts);
    json_object_set_new(d, "office", oj);
    return d;
}

int vcm_page_gov_office(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_gov_office o;
    int lr = load_office(req, resp, &s, &o);
    if (lr != 1)
        return lr;
    json_t *d = office_doc(req, s, &o);
    if (!d)
        return vcm_web_store_error(req, resp, s);
    json_object_set_new(d, "page_title", json_string(o.name));
    json_object_set_new(d, "meta_description",
                        json_string(vcm_web_tf(req, "gov.office.meta", o.name)));
    return vcm_web_page(req, resp, "gov_office", d);
}

static json_t *election_json(vcm_req *req, vcm_store *s, const vcm_gov_election *e, bool full)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(e->id));
    json_object_set_new(j, "office_id", json_integer(e->office_id));
    json_object_set_new(j, "title", json_string(e->title));
    json_object_set_new(j, "held", str_or_null(e->held));
    json_object_set_new(j, "held_label", json_string(vcm_gov_date_label(req, e->held)));
    json_object_set_new(j, "term_start", str_or_null(e->term_start));
    json_object_set_new(j, "term_end", str_or_null(e->term_end));
    json_object_set_new(j, "open", json_boolean(e->open));
    json_object_set_new(j, "demo", json_boolean(e->demo));
    json_object_set_new(j, "source", str_or_null(e->source));
    if (!full)
        return j;
    vcm_gov_candidate *cs;
    size_t n;
    if (vcm_gov_candidate_list(s, req->arena, e->id, &cs, &n) < 0) {
        json_decref(j);
        return NULL;
    }
    json_t *ca = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_object();
        json_object_set_new(c, "id", json_integer(cs[i].id));
        json_object_set_new(c, "name", json_string(cs[i].person_id
                                                       ? vcm_gov_person_label(req, cs[i].name)
                                                       : (cs[i].org ? cs[i].org : "")));
        /* the count stays closed until the election is */
        if (!e->open)
            json_object_set_new(c, "votes", json_integer(cs[i].votes));
        json_array_append_new(ca, c);
    }
    json_object_set_new(j, "candidates", ca);
    return j;
}

int vcm_page_gov_elections(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_gov_body b;
    int r = body_of(req, s, &b);
    vcm_gov_election *es = NULL;
    size_t n = 0;
    if (r < 0 || (r == 1 && vcm_gov_election_list(s, req->arena, b.id, &es, &n) < 0))
        return vcm_web_store_error(req, resp, s);
    json_t *d = json_object(), *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, election_json(req, s, &es[i], false));
    json_object_set_new(d, "elections", list);
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, "gov.elections")));
    return vcm_web_page(req, resp, "gov_elections", d);
}

static int load_election(vcm_req *req, vcm_resp *resp, vcm_store **s, vcm_gov_election *e)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    *s = NULL;
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "gov.election.missing"));
    vcm_store *st = vcm_web_store(req, resp);
    if (!st)
        return 0;
    int r = vcm_gov_election_get(st, req->arena, id, e);
    if (r < 0)
        return vcm_web_store_error(req, resp, st);
    if (r == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "gov.election.missing"));
    *s = st;
    return 1;
}

int vcm_page_gov_election(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_gov_election e;
    int lr = load_election(req, resp, &s, &e);
    if (lr != 1)
        return lr;
    json_t *ej = election_json(req, s, &e, true);
    if (!ej)
        return vcm_web_store_error(req, resp, s);
    vcm_gov_office o;
    if (vcm_gov_office_get(s, req->arena, e.office_id, &o) == 1)
        json_object_set_new(ej, "office", json_string(o.name));
    json_t *d = json_object();
    json_object_set_new(d, "election", ej);
    json_object_set_new(d, "page_title", json_string(e.title));
    return vcm_web_page(req, resp, "gov_election", d);
}

/* ---- API reads --------------------------------------------------------------------- */

int vcm_api_governance(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_gov_body b;
    int r = body_of(req, s, &b);
    if (r < 0)
        return vcm_web_store_error(req, resp, s);
    json_t *d = r ? governance_json(req, s, &b) : json_pack("{s:[],s:[]}", "offices", "rules");
    if (!d)
        return vcm_web_store_error(req, resp, s);
    if (r) {
        vcm_gov_election *es;
        size_t n;
        if (vcm_gov_election_list(s, req->arena, b.id, &es, &n) < 0) {
            json_decref(d);
            return vcm_web_store_error(req, resp, s);
        }
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(list, election_json(req, s, &es[i], false));
        json_object_set_new(d, "elections", list);
    }
    return vcm_web_json(req, resp, 200, d);
}

int vcm_api_gov_office(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_gov_office o;
    int lr = load_office(req, resp, &s, &o);
    if (lr != 1)
        return lr;
    json_t *d = office_doc(req, s, &o);
    return d ? vcm_web_json(req, resp, 200, d) : vcm_web_store_error(req, resp, s);
}

int vcm_api_gov_election(vcm_req *req, vcm_resp *resp)
{
    vcm_store *s;
    vcm_gov_election e;
    int lr = load_election(req, resp, &s, &e);
    if (lr != 1)
        return lr;
    json_t *d = election_json(req, s, &e, true);
    return d ? vcm_web_json(req, resp, 200, d) : vcm_web_store_error(req, resp, s);
}

/* ---- appointing ------------------------------------------------------------------- */

/* A problem document naming each rule broken (409). */
static json_t *breaches_json(vcm_req *req, const vcm_gov_verdict *v)
{
    json_t *list = json_array();
    for (size_t i = 0; i < v->n; i++) {
        const vcm_gov_rule_row *r = &v->rules[v->breach[i].rule];
        json_t *b = rule_json(req, r);
        json_object_set_new(b, "why", json_string(v->breach[i].why));
        json_object_set_new(b, "message", json_string(vcm_web_t(req, v->breach[i].why)));
        json_array_append_new(list, b);
    }
    return list;
}

/* What the appointment form and the API read from a form: holder, country,
 * bounds, note; errors by field (catalogue messages) into errs. */
static int read_appt(vcm_req *req, vcm_web_who *w, int64_t office_id, vcm_gov_appt *p,
                     json_t *errs)
{
    memset(p, 0, sizeof *p);
    p->t.office_id = office_id;
    int64_t person = vcm_gov_field_id(w, "person");
    int64_t museum = vcm_gov_field_id(w, "museum");
    const char *org = vcm_gov_field(w, "org");
    const char *country = vcm_gov_field(w, "country");
    int bad = 0;
    if (person < 0 || (person > 0) == (*org != 0)) {
        json_object_set_new(errs, "person", json_string(vcm_web_t(req, "gov.error.holder")));
        bad = 1;
    }
    if (museum < 0) {
        json_object_set_new(errs, "museum", json_string(vcm_web_t(req, "gov.error.museum")));
        bad = 1;
    }
    if (*country && (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
                     country[1] < 'A' || country[1] > 'Z')) {
        json_object_set_new(errs, "country", json_string(vcm_web_t(req, "gov.error.country")));
        bad = 1;
    }
    if (vcm_gdate_parse(vcm_gov_field(w, "start"), &p->t.start) < 0 || !p->t.start.y) {
        json_object_set_new(errs, "start", json_string(vcm_web_t(req, "gov.error.start")));
        bad = 1;
    }
    if (vcm_gdate_parse(vcm_gov_field(w, "end"), &p->t.end) < 0) {
        json_object_set_new(errs, "end", json_string(vcm_web_t(req, "gov.error.date")));
        bad = 1;
    }
    p->t.person_id = person > 0 ? person : 0;
    p->t.museum_id = museum > 0 ? museum : 0;
    p->t.org = *org ? org : NULL;
    p->country = *country ? country : NULL;
    const char *note = vcm_gov_field(w, "note");
    p->note = *note ? note : NULL;
    return bad ? -1 : 0;
}

/* The appointment form's document: the office, the people to choose from,
 * what was typed, errors beside their fields, the rules broken. */
static json_t *appoint_doc(vcm_req *req, vcm_web_who *w, const vcm_gov_office *o)
{
    json_t *d = json_object(), *people = json_array();
    vcm_person *ps;
    size_t n;
    if (vcm_person_list(w->s, req->arena, 0, false, &ps, &n) < 0) {
        json_decref(d);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        json_array_append_new(people, json_pack("{s:I,s:s}", "id", (json_int_t)ps[i].id, "name",
                                                ps[i].name ? ps[i].name : ""));
    json_object_set_new(d, "office", office_json(req, o));
    json_object_set_new(d, "people", people);
    json_object_set_new(d, "csrf", json_string(w->csrf ? w->csrf : ""));
    json_object_set_new(d, "may_override",
                        json_boolean(vcm_authz_allow(&w->user, "governance.override", NULL)));
    json_object_set_new(d, "page_title",
                        json_string(vcm_web_tf(req, "gov.appoint.title", o->name)));
    return d;
}

int vcm_gov_appoint_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_store *s;
    vcm_gov_office o;
    int lr = load_office(req, resp, &s, &o);
    if (lr != 1)
        return lr;
    json_t *d = appoint_doc(req, w, &o);
    if (!d)
        return vcm_web_store_error(req, resp, s);
    json_object_set_new(d, "form", json_object());
    json_object_set_new(d, "errors", json_object());
    return vcm_web_page(req, resp, "gov_appoint", d);
}

/* Appoints from w's form: 0 done (p->t.id), -2 refused (v), -3 bad input
 * (errs), -4 override not allowed, -1 store error. */
static int appoint(vcm_req *req, vcm_web_who *w, const vcm_gov_office *o, vcm_gov_appt *p,
                   vcm_gov_verdict *v, json_t *errs)
{
    if (read_appt(req, w, o->id, p, errs) < 0)
        return -3;
    const char *override = vcm_gov_field(w, "override");
    if (*override && !vcm_authz_allow(&w->user, "governance.override", NULL))
        return -4;
    int rc = vcm_gov_appoint(w->s, req->arena, p, false, *override ? override : NULL,
                             actor_name(w), v);
    if (rc == -1) {
        /* a person or museum that is not there is the form's fault */
        json_object_set_new(errs, "person", json_string(vcm_web_t(req, "gov.error.holder")));
        vcm_warn("appointment refused by the store", "error=\"%s\"", vcm_store_error(w->s));
        return -3;
    }
    if (rc == 0)
        vcm_gov_audit(w, p->broken ? "governance.override" : "governance.appoint",
                      vcm_arena_printf(req->arena, "term %lld", (long long)p->t.id),
                      p->broken ? vcm_arena_printf(req->arena, "against %s: %s", p->broken,
                                                   p->override)
                                : o->name);
    return rc;
}

int vcm_gov_appoint_post(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_store *s;
    vcm_gov_office o;
    int lr = load_office(req, resp, &s, &o);
    if (lr != 1)
        return lr;
    vcm_gov_appt p;
    vcm_gov_verdict v;
    json_t *errs = json_object();
    int rc = appoint(req, w, &o, &p, &v, errs);
    if (rc == 0) {
        json_decref(errs);
        resp->status = 303;
        vcm_resp_header(resp, req, "Location",
                        vcm_arena_printf(req->arena, "/network/governance/offices/%lld",
                                         (long long)o.id));
        return 0;
    }
    if (rc == -4) {
        json_decref(errs);
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    }
    json_t *d = appoint_doc(req, w, &o);
    if (!d) {
        json_decref(errs);
        return vcm_web_store_error(req, resp, s);
    }
    json_t *form = json_object();
    static const char *const fields[] = {"person", "org", "museum", "country", "start", "end",
                                         "note", "override"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        json_object_set_new(form, fields[i], json_string(vcm_gov_field(w, fields[i])));
    json_object_set_new(d, "form", form);
    json_object_set_new(d, "errors", errs);
    if (rc == -2)
        json_object_set_new(d, "breaches", breaches_json(req, &v));
    resp->status = rc == -2 ? 409 : 400;
    return vcm_web_page(req, resp, "gov_appoint", d);
}

int vcm_api_gov_appoint(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_store *s;
    vcm_gov_office o;
    int lr = load_office(req, resp, &s, &o);
    if (lr != 1)
        return lr;
    vcm_gov_appt p;
    vcm_gov_verdict v;
    json_t *errs = json_object();
    int rc = appoint(req, w, &o, &p, &v, errs);
    if (rc == -4) {
        json_decref(errs);
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    }
    if (rc == -3) {
        json_t *d = json_pack("{s:s,s:i,s:s,s:o}", "title", vcm_web_t(req, "error.400.title"),
                              "status", 400, "detail", vcm_web_t(req, "gov.error.form"),
                              "errors", errs);
        return vcm_web_json(req, resp, 400, d);
    }
    json_decref(errs);
    if (rc == -2) {
        json_t *d = json_pack("{s:s,s:i,s:s,s:o}", "title", vcm_web_t(req, "gov.refused"),
                              "status", 409, "detail", vcm_web_t(req, "gov.refused.detail"),
                              "broken", breaches_json(req, &v));
        return vcm_web_json(req, resp, 409, d);
    }
    if (rc < 0)
        return vcm_web_store_error(req, resp, s);
    vcm_gov_appt *terms;
    size_t n;
    if (vcm_gov_term_list(s, req->arena, o.body_id, o.id, &terms, &n) < 0)
        return vcm_web_store_error(req, resp, s);
    for (size_t i = 0; i < n; i++)
        if (terms[i].t.id == p.t.id) {
            vcm_resp_header(resp, req, "Location",
                            vcm_arena_printf(req->arena, "/api/v1/network/governance/offices/%lld",
                                             (long long)o.id));
            return vcm_web_json(req, resp, 201, term_json(req, &terms[i]));
        }
    return vcm_web_store_error(req, resp, s);
}

/* ---- elections ----------------------------------------------------------------------- */

static int bad_request(vcm_req *req, vcm_resp *resp, const char *key)
{
    return vcm_web_error(req, resp, 400, vcm_web_t(req, key));
}

int vcm_api_gov_election_add(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_gov_office o;
    int64_t office = vcm_gov_field_id(w, "office");
    if (office <= 0)
        return bad_request(req, resp, "gov.error.office");
    int r = vcm_gov_office_get(w->s, req->arena, office, &o);
    if (r < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (r == 0)
        return bad_request(req, resp, "gov.error.office");
    vcm_gov_election e = {.office_id = office};
    const char *f[] = {vcm_gov_field(w, "title"), vcm_gov_field(w, "held"),
                       vcm_gov_field(w, "term_start"), vcm_gov_field(w, "term_end")};
    vcm_gdate g;
    if (!*f[0])
        return bad_request(req, resp, "gov.error.title");
    for (int i = 1; i < 4; i++)
        if (vcm_gdate_parse(f[i], &g) < 0)
            return bad_request(req, resp, "gov.error.date");
    e.title = f[0];
    e.held = *f[1] ? f[1] : NULL;
    e.term_start = *f[2] ? f[2] : NULL;
    e.term_end = *f[3] ? f[3] : NULL;
    if (vcm_gov_election_add(w->s, &e, actor_name(w)) < 0)
        return vcm_web_store_error(req, resp, w->s);
    vcm_gov_audit(w, "election.create",
                  vcm_arena_printf(req->arena, "election %lld", (long long)e.id), e.title);
    return vcm_web_json(req, resp, 201, election_json(req, w->s, &e, false));
}

int vcm_api_gov_candidate_add(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    int64_t person = vcm_gov_field_id(w, "person"), museum = vcm_gov_field_id(w, "museum");
    const char *org = vcm_gov_field(w, "org"), *country = vcm_gov_field(w, "country");
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "gov.election.missing"));
    if (person < 0 || museum < 0 || (person > 0) == (*org != 0))
        return bad_request(req, resp, "gov.error.holder");
    vcm_gov_candidate c = {.election_id = id, .person_id = person, .museum_id = museum,
                           .org = *org ? org : NULL, .country = *country ? country : NULL};
    int rc = vcm_gov_candidate_add(w->s, &c, actor_name(w));
    if (rc == -3)
        return vcm_web_error(req, resp, 409, vcm_web_t(req, "gov.election.closed"));
    if (rc < 0) {
        vcm_warn("candidate refused by the store", "error=\"%s\"", vcm_store_error(w->s));
        return bad_request(req, resp, "gov.error.holder");
    }
    vcm_gov_audit(w, "election.candidate",
                  vcm_arena_printf(req->arena, "election %lld", (long long)id), NULL);
    return vcm_web_json(req, resp, 201, json_pack("{s:I}", "id", (json_int_t)c.id));
}

int vcm_api_gov_vote(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    int64_t candidate = vcm_gov_field_id(w, "candidate");
    int64_t museum = vcm_gov_field_id(w, "museum"), person = vcm_gov_field_id(w, "person");
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "gov.election.missing"));
    if (candidate <= 0 || museum < 0 || person < 0 || (museum > 0) == (person > 0))
        return bad_request(req, resp, "gov.error.vote");
    /* a museum votes through its own admins; the secretariat records any vote */
    vcm_authz_res res = {.museum_id = museum > 0 ? museum : 0};
    if (!vcm_authz_allow(&w->user, "vote.cast", &res))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    const char *why = NULL;
    int rc = vcm_gov_vote(w->s, id, museum > 0 ? museum : 0, person > 0 ? person : 0, candidate,
                          &why);
    if (rc == -1)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == -2)
        return vcm_web_error(req, resp, 403, vcm_web_t(req, why));
    if (rc == -3)
        return vcm_web_error(req, resp, 409, vcm_web_t(req, "gov.election.closed"));
    if (rc == -4)
        return vcm_web_error(req, resp, 409, vcm_web_t(req, why));
    vcm_gov_audit(w, "vote.cast", vcm_arena_printf(req->arena, "election %lld", (long long)id),
                  museum > 0 ? vcm_arena_printf(req->arena, "museum %lld", (long long)museum)
                             : vcm_arena_printf(req->arena, "person %lld", (long long)person));
    return vcm_web_json(req, resp, 201, json_pack("{s:b}", "cast", 1));
}

int vcm_api_gov_election_close(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "gov.election.missing"));
    int rc = vcm_gov_election_close(w->s, id, actor_name(w));
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 409, vcm_web_t(req, "gov.election.closed"));
    vcm_gov_audit(w, "election.close", vcm_arena_printf(req->arena, "election %lld", (long long)id),
                  NULL);
    vcm_gov_election e;
    if (vcm_gov_election_get(w->s, req->arena, id, &e) != 1)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = election_json(req, w->s, &e, true);
    return d ? vcm_web_json(req, resp, 200, d) : vcm_web_store_error(req, resp, w->s);
}
