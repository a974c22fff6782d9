/* The exchange programme on the site (web/loans.h): open offers and
 * requests of staff placements and education exchanges with the
 * placements agreed; a post's page with its candidates from the other
 * ASEM group, each score broken into its parts; the form to post; a
 * placement's page with its reports. */
#include <stdio.h>
#include <string.h>

#include "store/network.h"
#include "web/loans.h"
#include "core/banned.h"

static json_t *post_json(vcm_req *req, vcm_store *s, const vcm_xpost *p)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
                          (json_int_t)p->id, "museum_id", (json_int_t)p->museum_id, "museum",
                          vcm_loans_museum_name(req, s, p->museum_id), "what",
                          vcm_web_t(req, vcm_arena_printf(req->arena, "exchange.%s.%s",
                                                          p->offer ? "offer" : "request",
                                                          vcm_xkind_name(p->kind))),
                          "kind", vcm_xkind_name(p->kind), "side",
                          vcm_web_t(req, p->host ? "exchange.host" : "exchange.home"), "topic",
                          p->topic, "languages", p->languages, "start", p->start, "end", p->end,
                          "group",
                          vcm_web_t(req, p->group == VCM_REGION_ASIA ? "exchange.asia"
                                                                     : "exchange.europe"),
                          "open", p->open);
    json_object_set_new(j, "period", json_string(vcm_web_period(req, p->start, p->end)));
    json_object_set_new(j, "offer", json_boolean(p->offer));
    json_object_set_new(j, "host", json_boolean(p->host));
    json_object_set_new(j, "skills", json_string(p->skills ? p->skills : ""));
    return j;
}

static json_t *placement_json(vcm_req *req, vcm_store *s, const vcm_placement *p)
{
    return json_pack("{s:I, s:I, s:I, s:s, s:s, s:i}", "id", (json_int_t)p->id, "offer_id",
                     (json_int_t)p->offer_id, "request_id", (json_int_t)p->request_id, "host",
                     vcm_loans_museum_name(req, s, p->host_id), "home",
                     vcm_loans_museum_name(req, s, p->home_id), "score", p->score);
}

int vcm_exchange_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_xpost *p;
    size_t n;
    vcm_placement *pl;
    size_t npl;
    if (vcm_xpost_list(w->s, req->arena, true, &p, &n) < 0 ||
        vcm_placement_list(w->s, req->arena, &pl, &npl) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = vcm_loans_page_data(req, w, "exchange.title");
    json_object_set_new(d, "noindex", json_false());
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "exchange.intro")));
    json_t *offers = json_array(), *requests = json_array(), *pj = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(p[i].offer ? offers : requests, post_json(req, w->s, &p[i]));
    for (size_t i = 0; i < npl; i++)
        json_array_append_new(pj, placement_json(req, w->s, &pl[i]));
    json_object_set_new(d, "offers", offers);
    json_object_set_new(d, "requests", requests);
    json_object_set_new(d, "placements", pj);
    json_object_set_new(d, "can_post",
                        json_boolean(vcm_authz_allow(&w->user, "exchange.post", NULL)));
    return vcm_web_page(req, resp, "exchange", d);
}

static int post_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int status, json_t *form,
                     json_t *errors)
{
    json_t *d = vcm_loans_page_data(req, w, "exchange.new.title");
    json_object_set_new(d, "museums", vcm_loans_museums(req, w->s, w->user.museum_id));
    json_object_set_new(d, "choose_museum", json_boolean(w->user.role == VCM_ROLE_SECRETARIAT));
    json_object_set_new(d, "form", form ? form : json_object());
    json_object_set_new(d, "errors", errors ? errors : json_object());
    if (vcm_web_page(req, resp, "exchange_new", d) < 0)
        return -1;
    resp->status = status;
    return 0;
}

int vcm_exchange_post_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return post_form(req, resp, w, 200, NULL, NULL);
}

int vcm_exchange_post_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t museum = w->user.role == VCM_ROLE_SECRETARIAT
                         ? vcm_web_id(vcm_loans_field(w, "museum"))
                         : w->user.museum_id;
    vcm_authz_res res = {.museum_id = museum};
    if (!vcm_authz_allow(&w->user, "exchange.post", &res))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    vcm_xpost p = {.museum_id = museum,
                   .offer = strcmp(vcm_loans_field(w, "offer"), "offer") == 0,
                   .host = strcmp(vcm_loans_field(w, "side"), "host") == 0,
                   .topic = vcm_loans_field(w, "topic"),
                   .skills = vcm_loans_field(w, "skills"),
                   .languages = vcm_loans_field(w, "languages"),
                   .start = vcm_loans_field(w, "start"),
                   .end = vcm_loans_field(w, "end")};
    json_t *form = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "topic", p.topic, "skills",
                             p.skills, "languages", p.languages, "start", p.start, "end", p.end,
                             "kind", vcm_loans_field(w, "kind"));
    json_t *errors = json_object();
    if (vcm_xkind_parse(vcm_loans_field(w, "kind"), &p.kind) < 0) {
        json_object_set_new(errors, "kind", json_string(vcm_web_t(req, "exchange.need.kind")));
        return post_form(req, resp, w, 422, form, errors);
    }
    const char *field = NULL, *key = NULL;
    bool long_text = strlen(p.topic) > 500 || strlen(p.skills) > 500 || strlen(p.languages) > 200;
    int rc = long_text ? (field = "topic", key = "exchange.too_long", -2)
                       : vcm_xpost_add(w->s, &p, vcm_loans_actor(w), &field, &key);
    if (rc == -1)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == -2) {
        json_object_set_new(errors, field, json_string(vcm_web_t(req, key)));
        return post_form(req, resp, w, 422, form, errors);
    }
    vcm_loans_audit(w, "exchange.post", vcm_arena_printf(req->arena, "post %lld", (long long)p.id),
                    p.topic);
    return vcm_loans_redirect(req, resp, vcm_arena_printf(req->arena, "/network/exchange/%lld",
                                                          (long long)p.id));
}

/* A post and its candidates, best first, each score in its parts. */
int vcm_exchange_match_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    vcm_xpost me;
    int rc = id ? vcm_xpost_get(w->s, req->arena, id, &me) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "exchange.missing"));
    vcm_xpost *p;
    size_t n;
    if (vcm_xpost_list(w->s, req->arena, true, &p, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = vcm_loans_page_data(req, w, "exchange.match.title");
    json_object_set_new(d, "noindex", json_false());
    json_object_set_new(d, "post", post_json(req, w->s, &me));
    json_t *list = json_array();
    /* candidates: eligible ones, best first (insertion by score) */
    for (size_t i = 0; i < n; i++) {
        vcm_xscore sc;
        vcm_xmatch(&me, &p[i], &sc);
        if (!sc.eligible)
            continue;
        json_t *c = post_json(req, w->s, &p[i]);
        json_object_set_new(c, "score", json_pack("{s:i, s:i, s:i, s:i, s:i}", "topic", sc.topic,
                                                  "skills", sc.skills, "languages",
                                                  sc.languages, "dates", sc.dates, "total",
                                                  sc.total));
        const vcm_xpost *offer = me.offer ? &me : &p[i], *request = me.offer ? &p[i] : &me;
        vcm_authz_res r1 = {.museum_id = offer->museum_id}, r2 = {.museum_id = request->museum_id};
        bool can = me.open && (vcm_authz_allow(&w->user, "exchange.match", &r1) ||
                               vcm_authz_allow(&w->user, "exchange.match", &r2));
        json_object_set_new(c, "can_agree", json_boolean(can));
        json_object_set_new(c, "offer_id", json_integer(offer->id));
        json_object_set_new(c, "request_id", json_integer(request->id));
        size_t at = 0;
        while (at < json_array_size(list) &&
               json_integer_value(json_object_get(json_object_get(json_array_get(list, at),
                                                                  "score"),
                                                  "total")) >= sc.total)
            at++;
        json_array_insert_new(list, at, c);
    }
    json_object_set_new(d, "candidates", list);
    if (vcm_web_page(req, resp, "exchange_match", d) < 0)
        return -1;
    return 0;
}

int vcm_exchange_match_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t offer_id = vcm_web_id(vcm_loans_field(w, "offer_id"));
    int64_t request_id = vcm_web_id(vcm_loans_field(w, "request_id"));
    vcm_xpost o, r;
    int rc1 = offer_id ? vcm_xpost_get(w->s, req->arena, offer_id, &o) : 0;
    int rc2 = request_id ? vcm_xpost_get(w->s, req->arena, request_id, &r) : 0;
    if (rc1 < 0 || rc2 < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (!rc1 || !rc2)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "exchange.missing"));
    vcm_authz_res a = {.museum_id = o.museum_id}, b = {.museum_id = r.museum_id};
    if (!vcm_authz_allow(&w->user, "exchange.match", &a) &&
        !vcm_authz_allow(&w->user, "exchange.match", &b))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    vcm_placement p;
    vcm_refusal why = {0};
    int rc = vcm_placement_add(w->s, offer_id, request_id, vcm_loans_actor(w), &p, &why);
    if (rc == -1)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == -4)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "exchange.missing"));
    if (rc == -2)
        return vcm_web_error(req, resp, 409, vcm_web_t(req, why.key));
    vcm_loans_audit(w, "exchange.match",
                    vcm_arena_printf(req->arena, "placement %lld", (long long)p.id),
                    vcm_arena_printf(req->arena, "offer %lld, request %lld", (long long)offer_id,
                                     (long long)request_id));
    return vcm_loans_redirect(req, resp, vcm_arena_printf(req->arena,
                                                          "/network/exchange/placements/%lld",
                                                          (long long)p.id));
}

int vcm_placement_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    vcm_placement p;
    int rc = id ? vcm_placement_get(w->s, req->arena, id, &p) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "exchange.missing"));
    vcm_placement_report *r;
    size_t n;
    vcm_xpost o, q;
    if (vcm_placement_reports(w->s, req->arena, id, &r, &n) < 0 ||
        vcm_xpost_get(w->s, req->arena, p.offer_id, &o) < 0 ||
        vcm_xpost_get(w->s, req->arena, p.request_id, &q) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = vcm_loans_page_data(req, w, "exchange.placement.title");
    json_object_set_new(d, "noindex", json_false());
    json_object_set_new(d, "placement", placement_json(req, w->s, &p));
    json_object_set_new(d, "offer", post_json(req, w->s, &o));
    json_object_set_new(d, "request", post_json(req, w->s, &q));
    json_t *rj = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(rj, json_pack("{s:s}", "body", r[i].body));
    json_object_set_new(d, "reports", rj);
    vcm_authz_res a = {.museum_id = p.host_id}, b = {.museum_id = p.home_id};
    json_object_set_new(d, "can_report",
                        json_boolean(vcm_authz_allow(&w->user, "exchange.report", &a) ||
                                     vcm_authz_allow(&w->user, "exchange.report", &b)));
    json_object_set_new(d, "history", vcm_loans_history(req, w->s, "placement", id));
    return vcm_web_page(req, resp, "placement", d);
}

int vcm_placement_report_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    vcm_placement p;
    int rc = id ? vcm_placement_get(w->s, req->arena, id, &p) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "exchange.missing"));
    vcm_authz_res a = {.museum_id = p.host_id}, b = {.museum_id = p.home_id};
    if (!vcm_authz_allow(&w->user, "exchange.report", &a) &&
        !vcm_authz_allow(&w->user, "exchange.report", &b))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    const char *body = vcm_loans_field(w, "body");
    if (!*body || strlen(body) > 20000)
        return vcm_web_error(req, resp, 422, vcm_web_t(req, "exchange.need.report"));
    vcm_placement_report r = {.placement_id = id, .author = vcm_loans_actor(w), .body = body};
    if (vcm_placement_report_add(w->s, &r) < 0)
        return vcm_web_store_error(req, resp, w->s);
    vcm_loans_audit(w, "exchange.report", vcm_arena_printf(req->arena, "placement %lld",
                                                           (long long)id),
                    NULL);
    return vcm_loans_redirect(req, resp, vcm_arena_printf(req->arena,
                                                          "/network/exchange/placements/%lld",
                                                          (long long)id));
}

int vcm_api_exchange(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_xpost *p;
    size_t n;
    vcm_placement *pl;
    size_t npl;
    if (vcm_xpost_list(w->s, req->arena, false, &p, &n) < 0 ||
        vcm_placement_list(w->s, req->arena, &pl, &npl) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *posts = json_array(), *pj = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *j = post_json(req, w->s, &p[i]);
        json_object_del(j, "what");
        json_object_set_new(j, "side", json_string(p[i].host ? "host" : "home"));
        json_object_set_new(j, "group", json_string(p[i].group == VCM_REGION_ASIA ? "asia"
                                                                                 : "europe"));
        json_array_append_new(posts, j);
    }
    for (size_t i = 0; i < npl; i++)
        json_array_append_new(pj, placement_json(req, w->s, &pl[i]));
    return vcm_web_json(req, resp, 200, json_pack("{s:o, s:o}", "posts", posts, "placements", pj));
}
