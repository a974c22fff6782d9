/* The network's pages and API (web/network.c: public; web/join.c: the
 * join form and what the secretariat does):
 *   /network                      overview, with links to every part
 *   /network/members              members by region and country
 *   /network/members/{id}         one museum's membership and collections
 *   /network/growth(.csv)         growth per year, SVG chart, table, CSV
 *   /network/collections          the directory of Asian collections (?q=)
 *   /network/join                 the public join application
 *   /network/applications         the secretariat's review
 *   /network/members/{id}/manage  status, exception, collections (secretariat)
 *   /network/people               people and their data (secretariat)
 *   /api/v1/network/...           the same as JSON (openapi/network-members.json)
 * Every route that acts names its action (web/authz.c). */
#ifndef VCM_WEB_NETWORK_H
#define VCM_WEB_NETWORK_H
#include "store/network.h"
#include "web/account.h"
#include "web/web.h"

int vcm_page_network(vcm_req *req, vcm_resp *resp);
int vcm_page_network_members(vcm_req *req, vcm_resp *resp);
int vcm_page_network_member(vcm_req *req, vcm_resp *resp);
int vcm_page_network_growth(vcm_req *req, vcm_resp *resp);
int vcm_network_growth_csv(vcm_req *req, vcm_resp *resp);
int vcm_page_network_collections(vcm_req *req, vcm_resp *resp);
int vcm_api_network_members(vcm_req *req, vcm_resp *resp);
int vcm_api_network_member(vcm_req *req, vcm_resp *resp);
int vcm_api_network_partners(vcm_req *req, vcm_resp *resp);
int vcm_api_network_collections(vcm_req *req, vcm_resp *resp);
int vcm_api_network_growth(vcm_req *req, vcm_resp *resp);

/* join.c */
int vcm_join_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_join_submit(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_applications_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_application_accept_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_application_decline_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_member_manage_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_member_status_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_member_exception_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_collection_add_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_people_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_person_add_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_person_erase_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_person_export_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_network_people(vcm_req *req, vcm_resp *resp, vcm_web_who *w);

/* Shared by network.c and join.c: a status's label; a member's event as
 * JSON ({status, label, from, reason, recorded_by, recorded, demo,
 * source}); the name of a museum by id ("" when none). */
const char *vcm_web_status_label(vcm_req *req, vcm_member_state st);
json_t *vcm_web_event_json(vcm_req *req, const vcm_member_event *e);
#endif
