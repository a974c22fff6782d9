/* Travelling exhibitions on the site (web/loans.h): the public list, an
 * exhibition's itinerary and one page per venue with that venue's own
 * object list; for its editors a page that adds venues and objects, shows
 * every conflict (an object at two venues for days in common, or booked
 * by another loan) before anything is booked, and makes each venue's
 * loans (requests, one per lender). */
#include <stdio.h>
#include <string.h>

#include "store/network.h"
#include "web/loans.h"
#include "core/banned.h"

static int64_t organiser_of(vcm_web_who *w, const vcm_exhibition *e)
{
    (void)w;
    return e->organiser_id;
}

static bool may_edit(vcm_web_who *w, const vcm_exhibition *e)
{
    vcm_authz_res r = {.museum_id = organiser_of(w, e)};
    return vcm_authz_allow(&w->user, "exhibition.edit", e->organiser_id ? &r : NULL);
}

static json_t *venue_json(vcm_req *req, vcm_store *s, int64_t ex, const vcm_venue *v)
{
    return json_pack("{s:i, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "n", v->n, "museum_id",
                     (json_int_t)v->museum_id, "museum",
                     vcm_loans_museum_name(req, s, v->museum_id), "city", v->city ? v->city : "",
                     "start", v->start, "end", v->end, "period",
                     vcm_web_period(req, v->start, v->end), "url",
                     vcm_web_href(req, vcm_arena_printf(req->arena,
                                                        "/network/exhibitions/%lld/venues/%d",
                                                        (long long)ex, v->n)));
}

static json_t *object_json(vcm_req *req, vcm_store *s, const vcm_venue_object *o)
{
    json_t *j = json_pack("{s:s, s:I, s:s}", "item", o->line.item, "lender_id",
                          (json_int_t)o->lender_id, "lender",
                          vcm_loans_museum_name(req, s, o->lender_id));
    json_object_set_new(j, "object_id",
                        o->line.object_id ? json_integer(o->line.object_id) : json_null());
    json_object_set_new(j, "inventory",
                        o->line.inventory ? json_string(o->line.inventory) : json_null());
    json_object_set_new(j, "label", json_string(o->line.label ? o->line.label
                                                : o->line.inventory ? o->line.inventory
                                                                    : o->line.item));
    return j;
}

/* The exhibition with its venues, each with its own objects (n: one
 * venue only, 0 all); NULL on a store error, *found false when none. */
static json_t *exhibition_json(vcm_req *req, vcm_store *s, int64_t id, int only, bool *found)
{
    vcm_exhibition e;
    *found = false;
    int rc = vcm_exhibition_get(s, req->arena, id, &e);
    if (rc <= 0)
        return rc < 0 ? NULL : json_object();
    vcm_venue *v;
    size_t nv;
    vcm_venue_object *o;
    size_t no;
    if (vcm_venue_list(s, req->arena, id, &v, &nv) < 0 ||
        vcm_venue_objects(s, req->arena, id, 0, &o, &no) < 0)
        return NULL;
    json_t *j = json_pack("{s:I, s:s, s:s, s:b, s:s}", "id", (json_int_t)e.id, "title", e.title,
                          "curators", e.curators, "demo", e.demo, "organiser",
                          vcm_loans_museum_name(req, s, e.organiser_id));
    json_object_set_new(j, "description", json_string(e.description ? e.description : ""));
    json_t *venues = json_array();
    for (size_t i = 0; i < nv; i++) {
        if (only && v[i].n != only)
            continue;
        json_t *vj = venue_json(req, s, id, &v[i]), *objs = json_array();
        for (size_t k = 0; k < no; k++)
            if (o[k].n == v[i].n)
                json_array_append_new(objs, object_json(req, s, &o[k]));
        json_object_set_new(vj, "count", json_integer((json_int_t)json_array_size(objs)));
        json_object_set_new(vj, "objects", objs);
        json_array_append_new(venues, vj);
    }
    json_object_set_new(j, "venues", venues);
    *found = only == 0 || json_array_size(venues) == 1;
    return j;
}

int vcm_exhibitions_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_exhibition *e;
    size_t n;
    if (vcm_exhibition_list(w->s, req->arena, &e, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = vcm_loans_page_data(req, w, "exhibition.list.title"), *list = json_array();
    json_object_set_new(d, "noindex", json_false());
    json_object_set_new(d, "meta_description", json_string(vcm_web_t(req, "exhibition.intro")));
    for (size_t i = 0; i < n; i++) {
        vcm_venue *v;
        size_t nv;
        if (vcm_venue_list(w->s, req->arena, e[i].id, &v, &nv) < 0)
            return vcm_web_store_error(req, resp, w->s);
        json_t *vs = json_array();
        for (size_t k = 0; k < nv; k++)
            json_array_append_new(vs, venue_json(req, w->s, e[i].id, &v[k]));
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:b, s:o}", "id",
                                              (json_int_t)e[i].id, "title", e[i].title,
                                              "curators", e[i].curators, "demo", e[i].demo,
                                              "venues", vs));
    }
    json_object_set_new(d, "exhibitions", list);
    json_object_set_new(d, "can_edit",
                        json_boolean(vcm_authz_allow(&w->user, "exhibition.edit", NULL)));
    json_object_set_new(d, "museums", vcm_loans_museums(req, w->s, w->user.museum_id));
    json_object_set_new(d, "errors", json_object());
    return vcm_web_page(req, resp, "exhibitions", d);
}

int vcm_exhibition_create_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_exhibition e = {.title = vcm_loans_field(w, "title"),
                        .curators = vcm_loans_field(w, "curators"),
                        .description = vcm_loans_field(w, "description"),
                        .organiser_id = vcm_web_id(vcm_loans_field(w, "organiser"))};
    if (!may_edit(w, &e))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    const char *field = NULL;
    int rc = vcm_exhibition_create(w->s, &e, vcm_loans_actor(w), &field);
    if (rc == -1)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == -2)
        return vcm_web_error(req, resp, 422,
                             vcm_web_t(req, vcm_arena_printf(req->arena, "exhibition.need.%s",
                                                             field)));
    vcm_loans_audit(w, "exhibition.create",
                    vcm_arena_printf(req->arena, "exhibition %lld", (long long)e.id), e.title);
    return vcm_loans_redirect(req, resp, vcm_arena_printf(req->arena, "/network/exhibitions/%lld/edit",
                                                          (long long)e.id));
}

int vcm_exhibition_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    bool found;
    json_t *j = exhibition_json(req, w->s, id, 0, &found);
    if (!j)
        return vcm_web_store_error(req, resp, w->s);
    if (!found)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "exhibition.missing"));
    json_t *d = vcm_loans_page_data(req, w, "exhibition.list.title");
    json_object_set_new(d, "noindex", json_false());
    json_object_set_new(d, "page_title", json_incref(json_object_get(j, "title")));
    json_object_set_new(d, "exhibition", j);
    vcm_exhibition e;
    if (vcm_exhibition_get(w->s, req->arena, id, &e) == 1)
        json_object_set_new(d, "can_edit", json_boolean(may_edit(w, &e)));
    return vcm_web_page(req, resp, "exhibition", d);
}

int vcm_exhibition_venue_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    int64_t n = vcm_web_id(vcm_req_param(req, "n"));
    bool found = false;
    json_t *j = n > 0 && n < 1000 ? exhibition_json(req, w->s, id, (int)n, &found) : json_object();
    if (!j)
        return vcm_web_store_error(req, resp, w->s);
    if (!found)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "exhibition.missing"));
    json_t *venue = json_array_get(json_object_get(j, "venues"), 0);
    json_t *d = vcm_loans_page_data(req, w, "exhibition.list.title");
    json_object_set_new(d, "noindex", json_false());
    json_object_set_new(
        d, "page_title",
        json_string(vcm_web_tfv(req, "exhibition.venue_title", 2,
                                (const char *[]){json_string_value(json_object_get(j, "title")),
                                                 json_string_value(json_object_get(venue, "museum"))})));
    json_object_set_new(d, "exhibition", j);
    json_object_set_new(d, "venue", json_incref(venue));
    return vcm_web_page(req, resp, "exhibition_venue", d);
}

static int edit_view(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int64_t id, int status,
                     const char *error, const char *notice)
{
    vcm_exhibition e;
    int rc = vcm_exhibition_get(w->s, req->arena, id, &e);
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "exhibition.missing"));
    if (!may_edit(w, &e))
        return vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
    bool found;
    json_t *j = exhibition_json(req, w->s, id, 0, &found);
    vcm_tour_conflict *c;
    size_t nc;
    vcm_loan *loans;
    size_t nl;
    if (!j || vcm_exhibition_conflicts(w->s, req->arena, id, &c, &nc) < 0 ||
        vcm_exhibition_loans(w->s, req->arena, id, 0, &loans, &nl) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = vcm_loans_page_data(req, w, "exhibition.edit.title");
    json_object_set_new(d, "page_title",
                        json_string(vcm_web_tf(req, "exhibition.edit.title_of", e.title)));
    json_t *cj = json_array();
    for (size_t i = 0; i < nc; i++) {
        const char *label = c[i].label ? c[i].label : c[i].item;
        const char *text =
            c[i].loan_id
                ? vcm_web_tfv(req, "exhibition.conflict.loan", 5,
                              (const char *[]){vcm_arena_printf(req->arena, "%d", c[i].n), label,
                                               vcm_arena_printf(req->arena, "%lld",
                                                                (long long)c[i].loan_id),
                                               c[i].start, c[i].end})
                : vcm_web_tfv(req, "exhibition.conflict.tour", 5,
                              (const char *[]){vcm_arena_printf(req->arena, "%d", c[i].n), label,
                                               vcm_arena_printf(req->arena, "%d",
                                                                c[i].other_venue),
                                               c[i].start, c[i].end});
        json_array_append_new(cj, json_pack("{s:i, s:s}", "n", c[i].n, "text", text));
    }
    json_t *lj = json_array();
    for (size_t i = 0; i < nl; i++)
        json_array_append_new(lj, json_pack("{s:I, s:s, s:i, s:s, s:s}", "id",
                                            (json_int_t)loans[i].id, "number", loans[i].number,
                                            "venue_no", loans[i].venue_no, "lender",
                                            vcm_loans_museum_name(req, w->s, loans[i].lender_id),
                                            "state",
                                            vcm_web_t(req, vcm_arena_printf(
                                                               req->arena, "loan.state.%s",
                                                               vcm_loan_state_name(
                                                                   loans[i].state)))));
    json_object_set_new(d, "exhibition", j);
    json_object_set_new(d, "conflicts", cj);
    json_object_set_new(d, "loans", lj);
    json_object_set_new(d, "museums", vcm_loans_museums(req, w->s, 0));
    json_object_set_new(d, "history", vcm_loans_history(req, w->s, "exhibition", id));
    if (error)
        json_object_set_new(d, "error", json_string(error));
    if (notice)
        json_object_set_new(d, "notice", json_string(notice));
    if (vcm_web_page(req, resp, "exhibition_edit", d) < 0)
        return -1;
    resp->status = status;
    return 0;
}

int vcm_exhibition_edit_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    const char *done = vcm_req_query_get(req, "done");
    return edit_view(req, resp, w, vcm_web_id(vcm_req_param(req, "id")), 200, NULL,
                     done && strcmp(done, "loans") == 0 ? vcm_web_t(req, "exhibition.loans_done")
                                                        : NULL);
}

/* The exhibition of the route, when the user may edit it: 1, or 0 with
 * the answer given. */
static int editable(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int64_t *id, int *rc)
{
    vcm_exhibition e;
    *id = vcm_web_id(vcm_req_param(req, "id"));
    int got = *id ? vcm_exhibition_get(w->s, req->arena, *id, &e) : 0;
    if (got < 0) {
        *rc = vcm_web_store_error(req, resp, w->s);
        return 0;
    }
    if (got == 0) {
        *rc = vcm_web_error(req, resp, 404, vcm_web_t(req, "exhibition.missing"));
        return 0;
    }
    if (!may_edit(w, &e)) {
        *rc = vcm_web_error(req, resp, 403, vcm_web_t(req, "error.403"));
        return 0;
    }
    return 1;
}

static int back(vcm_req *req, vcm_resp *resp, int64_t id, const char *done)
{
    return vcm_loans_redirect(req, resp,
                              vcm_arena_printf(req->arena, "/network/exhibitions/%lld/edit%s",
                                               (long long)id, done));
}

int vcm_exhibition_venue_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id;
    int rc;
    if (!editable(req, resp, w, &id, &rc))
        return rc;
    vcm_venue v = {.museum_id = vcm_web_id(vcm_loans_field(w, "museum")),
                   .city = vcm_loans_field(w, "city"),
                   .start = vcm_loans_field(w, "start"),
                   .end = vcm_loans_field(w, "end")};
    const char *field = NULL;
    rc = vcm_venue_add(w->s, id, &v, vcm_loans_actor(w), &field);
    if (rc == -1)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == -2)
        return edit_view(req, resp, w, id, 422,
                         vcm_web_t(req, vcm_arena_printf(req->arena, "exhibition.need.%s", field)),
                         NULL);
    vcm_loans_audit(w, "exhibition.venue",
                    vcm_arena_printf(req->arena, "exhibition %lld", (long long)id),
                    vcm_arena_printf(req->arena, "venue %d", v.n));
    return back(req, resp, id, "");
}

int vcm_exhibition_object_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id;
    int rc;
    if (!editable(req, resp, w, &id, &rc))
        return rc;
    int64_t n = vcm_web_id(vcm_req_param(req, "n"));
    vcm_loan_entry e[VCM_LOAN_MAX_LINES];
    int bad = 0;
    int count = vcm_loan_entries_parse(vcm_loans_field(w, "objects"), req->arena, e, &bad);
    if (count <= 0)
        return edit_view(req, resp, w, id, 422,
                         vcm_web_tf(req, "loan.bad_line", vcm_arena_printf(req->arena, "%d", bad)),
                         NULL);
    int64_t lender = vcm_web_id(vcm_loans_field(w, "lender"));
    if (vcm_store_begin(w->s) < 0)
        return vcm_web_store_error(req, resp, w->s);
    /* the list goes in whole or not at all */
    for (int i = 0; i < count; i++) {
        vcm_venue_object o = {.n = (int)n, .lender_id = lender,
                              .line = {.object_id = e[i].object_id, .inventory = e[i].inventory,
                                       .label = e[i].label}};
        vcm_refusal why = {0};
        rc = vcm_venue_object_add(w->s, id, &o, vcm_loans_actor(w), &why);
        if (rc < 0) {
            vcm_store_rollback(w->s);
            if (rc == -1)
                return vcm_web_store_error(req, resp, w->s);
            return edit_view(req, resp, w, id, 422,
                             vcm_web_tfv(req, "exhibition.bad_object", 2,
                                         (const char *[]){vcm_arena_printf(req->arena, "%d",
                                                                           i + 1),
                                                          vcm_web_t(req, why.key)}),
                             NULL);
        }
    }
    if (vcm_store_commit(w->s) < 0)
        return vcm_web_store_error(req, resp, w->s);
    vcm_loans_audit(w, "exhibition.objects",
                    vcm_arena_printf(req->arena, "exhibition %lld", (long long)id),
                    vcm_arena_printf(req->arena, "venue %lld: %d objects", (long long)n, count));
    return back(req, resp, id, "");
}

int vcm_exhibition_loans_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id;
    int rc;
    if (!editable(req, resp, w, &id, &rc))
        return rc;
    int64_t n = vcm_web_id(vcm_req_param(req, "n"));
    /* the organiser arranges the tour's loans for its venues: they are
     * requests, which the lenders then assess and agree or refuse */
    int made = 0;
    vcm_refusal why = {0};
    rc = vcm_exhibition_make_loans(w->s, id, (int)n, vcm_loans_actor(w), &made, &why);
    if (rc == -1)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == -2)
        return edit_view(req, resp, w, id, 422, vcm_web_t(req, why.key), NULL);
    vcm_loans_audit(w, "exhibition.loans",
                    vcm_arena_printf(req->arena, "exhibition %lld", (long long)id),
                    vcm_arena_printf(req->arena, "venue %lld: %d loans", (long long)n, made));
    return back(req, resp, id, "?done=loans");
}

int vcm_api_exhibitions(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_exhibition *e;
    size_t n;
    if (vcm_exhibition_list(w->s, req->arena, &e, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        bool found;
        json_t *j = exhibition_json(req, w->s, e[i].id, 0, &found);
        if (!j)
            return vcm_web_store_error(req, resp, w->s);
        json_array_append_new(list, j);
    }
    return vcm_web_json(req, resp, 200,
                        json_pack("{s:I, s:o}", "total", (json_int_t)n, "exhibitions", list));
}

int vcm_api_exhibition(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    bool found;
    json_t *j = exhibition_json(req, w->s, vcm_web_id(vcm_req_param(req, "id")), 0, &found);
    if (!j)
        return vcm_web_store_error(req, resp, w->s);
    if (!found)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "exhibition.missing"));
    return vcm_web_json(req, resp, 200, j);
}
