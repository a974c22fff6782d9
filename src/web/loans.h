/* Loans between members, travelling exhibitions and the exchange
 * programme on the site (web/loans.c, web/exhibitions.c, web/exchange.c):
 *   /network/loans                 members only: the loans one may see, a request form
 *   /network/loans/{id}            a loan, its objects, history and next steps
 *   /network/exhibitions           travelling exhibitions (public)
 *   /network/exhibitions/{id}      one, its itinerary (public); /edit for its editors
 *   /network/exhibitions/{id}/venues/{n}  one venue and its own object list (public)
 *   /network/exchange              offers, requests, placements (public)
 *   /network/exchange/{id}         a post and its matches, each score explained
 *   /network/exchange/placements/{id}  a placement and its reports
 *   /api/v1/network/loans|exhibitions|exchange  the same as JSON
 *     (openapi/network-loans.json)
 * Every handler runs behind vcm_web_act and names its action (authz.c). */
#ifndef VCM_WEB_LOANS_H
#define VCM_WEB_LOANS_H
#include "store/loan.h"
#include "web/account.h"
#include "web/web.h"

int vcm_loans_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_loan_request_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_loan_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_loan_step_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_loans(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_loan(vcm_req *req, vcm_resp *resp, vcm_web_who *w);

/* exhibitions.c */
int vcm_exhibitions_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_exhibition_create_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_exhibition_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_exhibition_venue_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_exhibition_edit_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_exhibition_venue_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_exhibition_object_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_exhibition_loans_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_exhibitions(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_exhibition(vcm_req *req, vcm_resp *resp, vcm_web_who *w);

/* exchange.c */
int vcm_exchange_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_exchange_post_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_exchange_post_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_exchange_match_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_exchange_match_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_placement_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_placement_report_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_exchange(vcm_req *req, vcm_resp *resp, vcm_web_who *w);

/* Shared by the three files (loans.c): a form field ("" when absent); an
 * audit line; a 303 to `to`; a page's data with its title, the CSRF token
 * and noindex; a museum's name by id ("" none); the museums as options
 * [{id, name, selected}]; the history of an entity as JSON. */
const char *vcm_loans_field(vcm_web_who *w, const char *name);
void vcm_loans_audit(vcm_web_who *w, const char *event, const char *subject,
                     const char *detail);
int vcm_loans_redirect(vcm_req *req, vcm_resp *resp, const char *to);
json_t *vcm_loans_page_data(vcm_req *req, vcm_web_who *w, const char *title_key);
const char *vcm_loans_museum_name(vcm_req *req, vcm_store *s, int64_t id);
json_t *vcm_loans_museums(vcm_req *req, vcm_store *s, int64_t selected);
json_t *vcm_loans_history(vcm_req *req, vcm_store *s, const char *entity, int64_t id);
const char *vcm_loans_actor(vcm_web_who *w);
#endif
