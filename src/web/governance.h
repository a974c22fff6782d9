/* The network's governance, meetings and news on the site and the API
 * (governance.c, meetings.c, news.c; docs/governance.md).
 *
 * Public pages and GET answers are plain handlers (the routes wrap them in
 * the page cache); every form page and every write is an account action
 * (web/account.h: vcm_web_act checks who, the form, CSRF and the route's
 * action first), whose handler asks vcm_authz_allow again about the
 * resource it loaded, writes through store/governance.h, and adds a line
 * to the audit log. */
#ifndef VCM_WEB_GOVERNANCE_H
#define VCM_WEB_GOVERNANCE_H
#include "web/account.h"
#include "web/web.h"

/* governance.c */
int vcm_page_governance(vcm_req *req, vcm_resp *resp);
int vcm_page_gov_office(vcm_req *req, vcm_resp *resp);
int vcm_page_gov_elections(vcm_req *req, vcm_resp *resp);
int vcm_page_gov_election(vcm_req *req, vcm_resp *resp);
int vcm_api_governance(vcm_req *req, vcm_resp *resp);
int vcm_api_gov_office(vcm_req *req, vcm_resp *resp);
int vcm_api_gov_election(vcm_req *req, vcm_resp *resp);
int vcm_gov_appoint_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_gov_appoint_post(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_gov_appoint(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_gov_election_add(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_gov_candidate_add(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_gov_vote(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_gov_election_close(vcm_req *req, vcm_resp *resp, vcm_web_who *w);

/* meetings.c */
int vcm_page_meetings(vcm_req *req, vcm_resp *resp);
int vcm_page_meeting(vcm_req *req, vcm_resp *resp);
int vcm_meetings_ics(vcm_req *req, vcm_resp *resp);
int vcm_api_meetings(vcm_req *req, vcm_resp *resp);
int vcm_api_meeting(vcm_req *req, vcm_resp *resp);
int vcm_api_meeting_put(vcm_req *req, vcm_resp *resp, vcm_web_who *w);

/* news.c */
int vcm_page_news(vcm_req *req, vcm_resp *resp);
int vcm_page_news_item(vcm_req *req, vcm_resp *resp);
int vcm_news_atom(vcm_req *req, vcm_resp *resp);
int vcm_api_news(vcm_req *req, vcm_resp *resp);
int vcm_news_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_news_post(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_news_post(vcm_req *req, vcm_resp *resp, vcm_web_who *w);

/* Shared by the three files (governance.c). */
/* A date as stored for a visitor: a whole day in the visitor's language
 * (vcm_l10n_day), a year or a month as given, or "not known". */
const char *vcm_gov_date_label(vcm_req *req, const char *date);
/* A person's name, or "a former contact" once erased. */
const char *vcm_gov_person_label(vcm_req *req, const char *name);
/* Writes a line of the audit log (failure logged, never fatal). */
void vcm_gov_audit(vcm_web_who *w, const char *event, const char *subject, const char *detail);
/* A form field, "" when absent. */
const char *vcm_gov_field(vcm_web_who *w, const char *name);
/* The id of a form field: 0 absent or empty, -1 not an id. */
int64_t vcm_gov_field_id(vcm_web_who *w, const char *name);
#endif
