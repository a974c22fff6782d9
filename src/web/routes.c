#include "web/account.h"
#include "web/linkedart.h"
#include "web/governance.h"
#include "web/loans.h"
#include "web/network.h"
#include "web/dashboard.h"
#include "web/curation.h"
#include "web/vexhibit.h"
#include "web/my.h"
#include "web/web.h"
#include "web/wrap.h"
#include "core/banned.h"

/* Every handler runs with jansson on the request's arena (app.c); pages go
 * through the page cache (cache.c) as well. The API and static files, which
 * carry headers of their own, are not cached, nor is the search page: it
 * follows the search index, which follows the store a moment later. */
#define PAGE(h) VCM_WRAP_PAGE(h)
#define DATA(h) VCM_WRAP_DATA(h)
/* Accounts (account.c): never through the page cache; every one passes
 * vcm_web_act's checks (who, form, CSRF, vcm_authz_allow) first. */
#define ACT(h) VCM_WRAP_ACT(h)
ACT(vcm_login_form)
ACT(vcm_login)
ACT(vcm_logout)
ACT(vcm_account_page)
ACT(vcm_account_password)
ACT(vcm_account_sessions_end)
ACT(vcm_token_create)
ACT(vcm_token_revoke_one)
ACT(vcm_users_page)
ACT(vcm_user_invite)
ACT(vcm_user_disable)
ACT(vcm_user_enable)
ACT(vcm_user_role)
ACT(vcm_user_reset)
ACT(vcm_invite_form)
ACT(vcm_invite_accept)
ACT(vcm_reset_request_form)
ACT(vcm_reset_request)
ACT(vcm_reset_form)
ACT(vcm_reset_complete)
ACT(vcm_audit_page)
ACT(vcm_api_me)
ACT(vcm_join_page)
ACT(vcm_join_submit)
ACT(vcm_applications_page)
ACT(vcm_application_accept_act)
ACT(vcm_application_decline_act)
ACT(vcm_member_manage_page)
ACT(vcm_member_status_act)
ACT(vcm_member_exception_act)
ACT(vcm_collection_add_act)
ACT(vcm_people_page)
ACT(vcm_person_add_act)
ACT(vcm_person_erase_act)
ACT(vcm_person_export_act)
ACT(vcm_api_network_people)
ACT(vcm_loans_page)
ACT(vcm_loan_request_act)
ACT(vcm_loan_page)
ACT(vcm_loan_step_act)
ACT(vcm_api_loans)
ACT(vcm_api_loan)
ACT(vcm_exhibitions_page)
ACT(vcm_exhibition_create_act)
ACT(vcm_exhibition_page)
ACT(vcm_exhibition_venue_page)
ACT(vcm_exhibition_edit_page)
ACT(vcm_exhibition_venue_act)
ACT(vcm_exhibition_object_act)
ACT(vcm_exhibition_loans_act)
ACT(vcm_api_exhibitions)
ACT(vcm_api_exhibition)
ACT(vcm_exchange_page)
ACT(vcm_exchange_post_page)
ACT(vcm_exchange_post_act)
ACT(vcm_exchange_match_page)
ACT(vcm_exchange_match_act)
ACT(vcm_placement_page)
ACT(vcm_placement_report_act)
ACT(vcm_api_exchange)
PAGE(vcm_page_network)
PAGE(vcm_page_network_members)
PAGE(vcm_page_network_member)
PAGE(vcm_page_network_growth)
PAGE(vcm_page_network_collections)
DATA(vcm_network_growth_csv)
DATA(vcm_api_network_members)
DATA(vcm_api_network_member)
DATA(vcm_api_network_partners)
DATA(vcm_api_network_collections)
DATA(vcm_api_network_growth)
/* Masterpiece entries (entries.h): as ACT, but jansson stays on malloc. */
#define ENTRY(h) VCM_WRAP_ACT_MALLOC(ent, h)
ENTRY(vcm_api_entries)
ENTRY(vcm_api_entry_create)
ENTRY(vcm_api_entry)
ENTRY(vcm_api_entry_update)
ENTRY(vcm_api_entry_versions)
ENTRY(vcm_api_entry_revert)
ENTRY(vcm_api_entry_submit)
ENTRY(vcm_api_entry_request_changes)
ENTRY(vcm_api_entry_publish)
ENTRY(vcm_api_entry_withdraw)
ENTRY(vcm_api_entry_restore)
ENTRY(vcm_api_entry_comments)
ENTRY(vcm_api_entry_comment)
ENTRY(vcm_api_entry_image)
ENTRY(vcm_dashboard_page)
ENTRY(vcm_entry_new_page)
ENTRY(vcm_entry_create_form)
ENTRY(vcm_entry_edit_page)
ENTRY(vcm_entry_save_form)
ENTRY(vcm_entry_image_form)
ENTRY(vcm_entry_order_form)
ENTRY(vcm_entry_revert_form)
ENTRY(vcm_entry_submit_form)
ENTRY(vcm_entry_withdraw_form)
ENTRY(vcm_entry_restore_form)
ENTRY(vcm_entry_comment_form)
ENTRY(vcm_review_page)
ENTRY(vcm_review_entry_page)
ENTRY(vcm_review_publish_form)
ENTRY(vcm_review_changes_form)
ENTRY(vcm_review_waive_form)
PAGE(vcm_page_home)
PAGE(vcm_page_browse)
PAGE(vcm_page_object)
PAGE(vcm_page_museums)
PAGE(vcm_page_museum)
PAGE(vcm_page_countries)
PAGE(vcm_page_country)
PAGE(vcm_page_region)
DATA(vcm_page_search)
DATA(vcm_sitemap)
DATA(vcm_feed_motd)
DATA(vcm_sitemap_file)
DATA(vcm_api_search)
DATA(vcm_api_suggest)
DATA(vcm_api_objects)
DATA(vcm_api_object)
DATA(vcm_api_museums)
DATA(vcm_api_museum)
DATA(vcm_api_countries)
DATA(vcm_api_country)
DATA(vcm_iiif_base)
DATA(vcm_iiif_info)
DATA(vcm_iiif_image)
DATA(vcm_iiif_manifest)
DATA(vcm_iiif_collection_top)
DATA(vcm_iiif_collection_museum)
DATA(vcm_iiif_collection_country)
DATA(vcm_iiif_activity)
DATA(vcm_iiif_activity_page)
DATA(vcm_linkedart_object)
DATA(vcm_object_record)
/* visitors' collections and comments (my.c, comments.c) */
ACT(vcm_my_page)
ACT(vcm_my_list_create)
ACT(vcm_my_save_page)
ACT(vcm_my_item_add_act)
ACT(vcm_my_list_page)
ACT(vcm_my_list_edit)
ACT(vcm_my_item_edit)
ACT(vcm_my_visibility)
ACT(vcm_my_list_iiif)
ACT(vcm_my_shared_page)
ACT(vcm_my_shared_iiif)
ACT(vcm_my_public_page)
ACT(vcm_my_public_iiif)
ACT(vcm_my_review_page)
ACT(vcm_my_review_act)
ACT(vcm_my_signup_page)
ACT(vcm_my_signup)
ACT(vcm_comment_form_page)
ACT(vcm_comment_post)
ACT(vcm_comments_review_page)
ACT(vcm_comment_decide_act)
ACT(vcm_api_comment_post)
ACT(vcm_api_comments_queue)
ACT(vcm_api_comment_decide)
DATA(vcm_my_detail_manifest)
DATA(vcm_api_object_comments)

/* /objects/{id}: the page; with a format's suffix the object's record in it
 * (formats.c); or the object in Linked Art (/objects/{id}.jsonld, or
 * Accept: application/ld+json), which the page cache never sees. A
 * parameter takes its whole segment, so all come here; the page and Linked
 * Art say that they vary by Accept. */
static int object_any(vcm_req *req, vcm_resp *resp)
{
    if (vcm_web_object_format(req))
        return data_vcm_object_record(req, resp);
    int r = vcm_linkedart_wanted(req) ? data_vcm_linkedart_object(req, resp)
                                      : page_vcm_page_object(req, resp);
    if (r == 0)
        vcm_resp_header(resp, req, "Vary", "Accept");
    return r;
}

/* Every URL of the site and the API. These are public and stable: links,
 * bookmarks and harvesters depend on them. A route that changes state
 * names its action (authz.c), or the router refuses it. */
static const struct {
    const char *method, *pattern;
    vcm_handler h;
} routes[] = {
    {"GET", "/", page_vcm_page_home},
    {"GET", "/browse", page_vcm_page_browse},
    {"GET", "/search", data_vcm_page_search},
    {"GET", "/objects/{id}", object_any},
    {"GET", "/linked-art/context.json", vcm_linkedart_context},
    {"GET", "/museums", page_vcm_page_museums},
    {"GET", "/museums/{id}", page_vcm_page_museum},
    {"GET", "/countries", page_vcm_page_countries},
    {"GET", "/countries/{code}", page_vcm_page_country},
    {"GET", "/regions/{region}", page_vcm_page_region},
    {"GET", "/sitemap.xml", data_vcm_sitemap},
    {"GET", "/feeds/masterpiece-of-the-day.atom", data_vcm_feed_motd},
    {"GET", "/sitemaps/{file}", data_vcm_sitemap_file},
    {"GET", "/robots.txt", vcm_robots},
    {"GET", "/oai", vcm_oai},
    {"GET", "/static/{*path}", vcm_static},
    {"GET", "/healthz", vcm_health_live},
    {"GET", "/readyz", vcm_health_ready},
    {"GET", "/api/v1/search", data_vcm_api_search},
    {"GET", "/api/v1/suggest", data_vcm_api_suggest},
    {"GET", "/api/v1/objects", data_vcm_api_objects},
    {"GET", "/api/v1/objects/{id}", data_vcm_api_object},
    {"GET", "/api/v1/objects/{id}/comments", data_vcm_api_object_comments},
    {"GET", "/my/detail/{id}/{n}/{region}", data_vcm_my_detail_manifest},
    {"GET", "/api/v1/museums", data_vcm_api_museums},
    {"GET", "/api/v1/museums/{id}", data_vcm_api_museum},
    {"GET", "/api/v1/countries", data_vcm_api_countries},
    {"GET", "/api/v1/countries/{code}", data_vcm_api_country},
    {"GET", "/network", page_vcm_page_network},
    {"GET", "/network/members", page_vcm_page_network_members},
    {"GET", "/network/members/{id}", page_vcm_page_network_member},
    {"GET", "/network/growth", page_vcm_page_network_growth},
    {"GET", "/network/growth.csv", data_vcm_network_growth_csv},
    {"GET", "/network/collections", page_vcm_page_network_collections},
    {"GET", "/api/v1/network/members", data_vcm_api_network_members},
    {"GET", "/api/v1/network/members/{id}", data_vcm_api_network_member},
    {"GET", "/api/v1/network/partners", data_vcm_api_network_partners},
    {"GET", "/api/v1/network/collections", data_vcm_api_network_collections},
    {"GET", "/api/v1/network/growth", data_vcm_api_network_growth},
    {"GET", "/api/v1/openapi.json", vcm_api_openapi},
    {"OPTIONS", "/api/v1/{*path}", vcm_api_options},
    {"GET", "/iiif/manifest/{id}", data_vcm_iiif_manifest},
    {"GET", "/iiif/collection/top", data_vcm_iiif_collection_top},
    {"GET", "/iiif/collection/museum/{id}", data_vcm_iiif_collection_museum},
    {"GET", "/iiif/collection/country/{code}", data_vcm_iiif_collection_country},
    {"GET", "/iiif/activity/", data_vcm_iiif_activity},
    {"GET", "/iiif/activity/page/{n}", data_vcm_iiif_activity_page},
    {"GET", "/iiif/{id}", data_vcm_iiif_base},
    {"GET", "/iiif/{id}/info.json", data_vcm_iiif_info},
    {"GET", "/iiif/{id}/{region}/{size}/{rotation}/{quality}", data_vcm_iiif_image},
    {"GET", "/iiif/{*path}", vcm_iiif_unknown},
    {"OPTIONS", "/iiif/{*path}", vcm_api_options},
};

/* Accounts: each route names its action. */
static const struct {
    const char *method, *pattern;
    vcm_handler h;
    const char *action;
} account_routes[] = {
    {"GET", "/login", act_vcm_login_form, "session.create"},
    {"POST", "/login", act_vcm_login, "session.create"},
    {"POST", "/logout", act_vcm_logout, "session.end"},
    {"GET", "/account", act_vcm_account_page, "account.read"},
    {"POST", "/account/password", act_vcm_account_password, "account.password"},
    {"POST", "/account/sessions/end", act_vcm_account_sessions_end, "account.sessions_end"},
    {"POST", "/account/tokens", act_vcm_token_create, "token.create"},
    {"POST", "/account/tokens/{id}/revoke", act_vcm_token_revoke_one, "token.revoke"},
    {"GET", "/users", act_vcm_users_page, "user.list"},
    {"POST", "/users", act_vcm_user_invite, "user.invite"},
    {"POST", "/users/{id}/disable", act_vcm_user_disable, "user.disable"},
    {"POST", "/users/{id}/enable", act_vcm_user_enable, "user.enable"},
    {"POST", "/users/{id}/role", act_vcm_user_role, "user.role"},
    {"POST", "/users/{id}/reset", act_vcm_user_reset, "user.reset"},
    {"GET", "/invite/{token}", act_vcm_invite_form, "invite.accept"},
    {"POST", "/invite/{token}", act_vcm_invite_accept, "invite.accept"},
    {"GET", "/reset", act_vcm_reset_request_form, "reset.request"},
    {"POST", "/reset", act_vcm_reset_request, "reset.request"},
    {"GET", "/reset/{token}", act_vcm_reset_form, "reset.complete"},
    {"POST", "/reset/{token}", act_vcm_reset_complete, "reset.complete"},
    {"GET", "/audit", act_vcm_audit_page, "audit.read"},
    {"GET", "/api/v1/me", act_vcm_api_me, "account.read"},
    /* the network (web/join.c) */
    {"GET", "/network/join", act_vcm_join_page, "member.apply"},
    {"POST", "/network/join", act_vcm_join_submit, "member.apply"},
    {"GET", "/network/applications", act_vcm_applications_page, "member.review"},
    {"POST", "/network/applications/{id}/accept", act_vcm_application_accept_act, "member.review"},
    {"POST", "/network/applications/{id}/decline", act_vcm_application_decline_act,
     "member.review"},
    {"GET", "/network/members/{id}/manage", act_vcm_member_manage_page, "collection.edit"},
    {"POST", "/network/members/{id}/status", act_vcm_member_status_act, "member.status"},
    {"POST", "/network/members/{id}/exception", act_vcm_member_exception_act,
     "partner.exception"},
    {"POST", "/network/collections", act_vcm_collection_add_act, "collection.edit"},
    {"GET", "/network/people", act_vcm_people_page, "person.read"},
    {"POST", "/network/people", act_vcm_person_add_act, "person.edit"},
    {"POST", "/network/people/{id}/erase", act_vcm_person_erase_act, "person.erase"},
    {"GET", "/network/people/{id}/export", act_vcm_person_export_act, "person.export"},
    {"GET", "/api/v1/network/people", act_vcm_api_network_people, "person.read"},
    {"GET", "/api/v1/network/people/{id}", act_vcm_person_export_act, "person.export"},
    /* loans, travelling exhibitions, the exchange programme (web/loans.h) */
    {"GET", "/network/loans", act_vcm_loans_page, "loan.read"},
    {"POST", "/network/loans", act_vcm_loan_request_act, "loan.request"},
    {"GET", "/network/loans/{id}", act_vcm_loan_page, "loan.read"},
    {"POST", "/network/loans/{id}/step", act_vcm_loan_step_act, "loan.transition"},
    {"GET", "/api/v1/network/loans", act_vcm_api_loans, "loan.read"},
    {"GET", "/api/v1/network/loans/{id}", act_vcm_api_loan, "loan.read"},
    {"GET", "/network/exhibitions", act_vcm_exhibitions_page, "exhibition.read"},
    {"POST", "/network/exhibitions", act_vcm_exhibition_create_act, "exhibition.edit"},
    {"GET", "/network/exhibitions/{id}", act_vcm_exhibition_page, "exhibition.read"},
    {"GET", "/network/exhibitions/{id}/venues/{n}", act_vcm_exhibition_venue_page,
     "exhibition.read"},
    {"GET", "/network/exhibitions/{id}/edit", act_vcm_exhibition_edit_page, "exhibition.edit"},
    {"POST", "/network/exhibitions/{id}/venues", act_vcm_exhibition_venue_act,
     "exhibition.edit"},
    {"POST", "/network/exhibitions/{id}/venues/{n}/objects", act_vcm_exhibition_object_act,
     "exhibition.edit"},
    {"POST", "/network/exhibitions/{id}/venues/{n}/loans", act_vcm_exhibition_loans_act,
     "exhibition.edit"},
    {"GET", "/api/v1/network/exhibitions", act_vcm_api_exhibitions, "exhibition.read"},
    {"GET", "/api/v1/network/exhibitions/{id}", act_vcm_api_exhibition, "exhibition.read"},
    {"GET", "/network/exchange", act_vcm_exchange_page, "exchange.read"},
    {"POST", "/network/exchange", act_vcm_exchange_post_act, "exchange.post"},
    {"GET", "/network/exchange/new", act_vcm_exchange_post_page, "exchange.post"},
    {"GET", "/network/exchange/{id}", act_vcm_exchange_match_page, "exchange.read"},
    {"POST", "/network/exchange/placements", act_vcm_exchange_match_act, "exchange.match"},
    {"GET", "/network/exchange/placements/{id}", act_vcm_placement_page, "exchange.read"},
    {"POST", "/network/exchange/placements/{id}/reports", act_vcm_placement_report_act,
     "exchange.report"},
    {"GET", "/api/v1/network/exchange", act_vcm_api_exchange, "exchange.read"},
    /* visitors' collections (web/my.c) */
    {"GET", "/my", act_vcm_my_page, "my.read"},
    {"POST", "/my/lists", act_vcm_my_list_create, "my.edit"},
    {"GET", "/my/save", act_vcm_my_save_page, "my.read"},
    {"POST", "/my/items", act_vcm_my_item_add_act, "my.edit"},
    {"GET", "/my/lists/{id}", act_vcm_my_list_page, "my.read"},
    {"POST", "/my/lists/{id}", act_vcm_my_list_edit, "my.edit"},
    {"GET", "/my/lists/{id}/collection.json", act_vcm_my_list_iiif, "my.read"},
    {"POST", "/my/lists/{id}/items/{item}", act_vcm_my_item_edit, "my.edit"},
    {"POST", "/my/lists/{id}/visibility", act_vcm_my_visibility, "my.share"},
    {"GET", "/my/shared/{token}", act_vcm_my_shared_page, "my.read"},
    {"GET", "/my/shared/{token}/collection.json", act_vcm_my_shared_iiif, "my.read"},
    {"GET", "/my/collections/{id}", act_vcm_my_public_page, "my.read"},
    {"GET", "/my/collections/{id}/collection.json", act_vcm_my_public_iiif, "my.read"},
    {"GET", "/my/review", act_vcm_my_review_page, "my.review"},
    {"POST", "/my/review/{id}", act_vcm_my_review_act, "my.review"},
    {"GET", "/my/signup", act_vcm_my_signup_page, "visitor.signup"},
    {"POST", "/my/signup", act_vcm_my_signup, "visitor.signup"},
    /* comments on objects (web/comments.c) */
    {"GET", "/objects/{id}/comments/new", act_vcm_comment_form_page, "comment.post"},
    {"POST", "/objects/{id}/comments", act_vcm_comment_post, "comment.post"},
    {"GET", "/comments/review", act_vcm_comments_review_page, "comment.moderate"},
    {"POST", "/comments/{id}", act_vcm_comment_decide_act, "comment.moderate"},
    {"POST", "/api/v1/objects/{id}/comments", act_vcm_api_comment_post, "comment.post"},
    {"GET", "/api/v1/comments", act_vcm_api_comments_queue, "comment.moderate"},
    {"POST", "/api/v1/comments/{id}/decision", act_vcm_api_comment_decide, "comment.moderate"},
};

/* Governance, meetings and news (governance.c, meetings.c, news.c): the
 * public pages through the page cache, the feeds and the API's reads
 * plain; every form and write an account action. */
PAGE(vcm_page_governance)
PAGE(vcm_page_gov_office)
PAGE(vcm_page_gov_elections)
PAGE(vcm_page_gov_election)
PAGE(vcm_page_meetings)
PAGE(vcm_page_meeting)
PAGE(vcm_page_news)
PAGE(vcm_page_news_item)
DATA(vcm_meetings_ics)
DATA(vcm_news_atom)
DATA(vcm_api_governance)
DATA(vcm_api_gov_office)
DATA(vcm_api_gov_election)
DATA(vcm_api_meetings)
DATA(vcm_api_meeting)
DATA(vcm_api_news)
ACT(vcm_gov_appoint_form)
ACT(vcm_gov_appoint_post)
ACT(vcm_api_gov_appoint)
ACT(vcm_api_gov_election_add)
ACT(vcm_api_gov_candidate_add)
ACT(vcm_api_gov_vote)
ACT(vcm_api_gov_election_close)
ACT(vcm_api_meeting_put)
ACT(vcm_news_form)
ACT(vcm_news_post)
ACT(vcm_api_news_post)

static const struct {
    const char *method, *pattern;
    vcm_handler h;
    const char *action; /* NULL: public, read only */
} governance_routes[] = {
    {"GET", "/network/governance", page_vcm_page_governance, NULL},
    {"GET", "/network/governance/offices/{id}", page_vcm_page_gov_office, NULL},
    {"GET", "/network/governance/elections", page_vcm_page_gov_elections, NULL},
    {"GET", "/network/governance/elections/{id}", page_vcm_page_gov_election, NULL},
    {"GET", "/network/meetings", page_vcm_page_meetings, NULL},
    {"GET", "/network/meetings.ics", data_vcm_meetings_ics, NULL},
    {"GET", "/network/meetings/{id}", page_vcm_page_meeting, NULL},
    {"GET", "/network/news", page_vcm_page_news, NULL},
    {"GET", "/network/news.atom", data_vcm_news_atom, NULL},
    {"GET", "/network/news/{id}", page_vcm_page_news_item, NULL},
    {"GET", "/api/v1/network/governance", data_vcm_api_governance, NULL},
    {"GET", "/api/v1/network/governance/offices/{id}", data_vcm_api_gov_office, NULL},
    {"GET", "/api/v1/network/governance/elections/{id}", data_vcm_api_gov_election, NULL},
    {"GET", "/api/v1/network/meetings", data_vcm_api_meetings, NULL},
    {"GET", "/api/v1/network/meetings/{id}", data_vcm_api_meeting, NULL},
    {"GET", "/api/v1/network/news", data_vcm_api_news, NULL},
    {"GET", "/network/governance/offices/{id}/appoint", act_vcm_gov_appoint_form,
     "governance.appoint"},
    {"POST", "/network/governance/offices/{id}/appoint", act_vcm_gov_appoint_post,
     "governance.appoint"},
    {"POST", "/api/v1/network/governance/offices/{id}/terms", act_vcm_api_gov_appoint,
     "governance.appoint"},
    {"POST", "/api/v1/network/governance/elections", act_vcm_api_gov_election_add,
     "election.manage"},
    {"POST", "/api/v1/network/governance/elections/{id}/candidates",
     act_vcm_api_gov_candidate_add, "election.manage"},
    {"POST", "/api/v1/network/governance/elections/{id}/votes", act_vcm_api_gov_vote,
     "vote.cast"},
    {"POST", "/api/v1/network/governance/elections/{id}/close", act_vcm_api_gov_election_close,
     "election.manage"},
    {"POST", "/api/v1/network/meetings", act_vcm_api_meeting_put, "meeting.edit"},
    {"POST", "/api/v1/network/meetings/{id}", act_vcm_api_meeting_put, "meeting.edit"},
    {"GET", "/network/news/new", act_vcm_news_form, "news.post"},
    {"POST", "/network/news", act_vcm_news_post, "news.post"},
    {"POST", "/api/v1/network/news", act_vcm_api_news_post, "news.post"},
    /* masterpiece entries: the write API */
    {"GET", "/api/v1/entries", ent_vcm_api_entries, "entry.read"},
    {"POST", "/api/v1/entries", ent_vcm_api_entry_create, "entry.create"},
    {"GET", "/api/v1/entries/{id}", ent_vcm_api_entry, "entry.read"},
    {"PUT", "/api/v1/entries/{id}", ent_vcm_api_entry_update, "entry.update"},
    {"GET", "/api/v1/entries/{id}/versions", ent_vcm_api_entry_versions, "entry.read"},
    {"POST", "/api/v1/entries/{id}/revert", ent_vcm_api_entry_revert, "entry.update"},
    {"POST", "/api/v1/entries/{id}/submit", ent_vcm_api_entry_submit, "entry.submit"},
    {"POST", "/api/v1/entries/{id}/request-changes", ent_vcm_api_entry_request_changes,
     "entry.request_changes"},
    {"POST", "/api/v1/entries/{id}/publish", ent_vcm_api_entry_publish, "entry.publish"},
    {"POST", "/api/v1/entries/{id}/withdraw", ent_vcm_api_entry_withdraw, "entry.withdraw"},
    {"POST", "/api/v1/entries/{id}/restore", ent_vcm_api_entry_restore, "entry.restore"},
    {"GET", "/api/v1/entries/{id}/comments", ent_vcm_api_entry_comments, "entry.read"},
    {"POST", "/api/v1/entries/{id}/comments", ent_vcm_api_entry_comment, "entry.comment"},
    {"POST", "/api/v1/entries/{id}/images", ent_vcm_api_entry_image, "entry.update"},
    /* masterpiece entries: the museums' dashboard and editor, the editors' review */
    {"GET", "/dashboard", ent_vcm_dashboard_page, "entry.read"},
    {"GET", "/dashboard/entries/new", ent_vcm_entry_new_page, "entry.create"},
    {"POST", "/dashboard/entries", ent_vcm_entry_create_form, "entry.create"},
    {"GET", "/dashboard/entries/{id}", ent_vcm_entry_edit_page, "entry.read"},
    {"POST", "/dashboard/entries/{id}", ent_vcm_entry_save_form, "entry.update"},
    {"POST", "/dashboard/entries/{id}/images", ent_vcm_entry_image_form, "entry.update"},
    {"POST", "/dashboard/entries/{id}/images/order", ent_vcm_entry_order_form, "entry.update"},
    {"POST", "/dashboard/entries/{id}/revert", ent_vcm_entry_revert_form, "entry.update"},
    {"POST", "/dashboard/entries/{id}/submit", ent_vcm_entry_submit_form, "entry.submit"},
    {"POST", "/dashboard/entries/{id}/withdraw", ent_vcm_entry_withdraw_form, "entry.withdraw"},
    {"POST", "/dashboard/entries/{id}/restore", ent_vcm_entry_restore_form, "entry.restore"},
    {"POST", "/dashboard/entries/{id}/comments", ent_vcm_entry_comment_form, "entry.comment"},
    {"GET", "/review", ent_vcm_review_page, "entry.publish"},
    {"GET", "/review/{id}", ent_vcm_review_entry_page, "entry.publish"},
    {"POST", "/review/{id}/publish", ent_vcm_review_publish_form, "entry.publish"},
    {"POST", "/review/{id}/request-changes", ent_vcm_review_changes_form,
     "entry.request_changes"},
    {"POST", "/review/{id}/waive", ent_vcm_review_waive_form, "entry.waive"},
};

/* Themes, entity pages and the timeline (web/curation.h): public pages
 * through the page cache, the API's reads plain, the editors' forms and
 * writes account actions. */
PAGE(vcm_page_themes)
PAGE(vcm_page_theme)
PAGE(vcm_page_person)
PAGE(vcm_page_place)
PAGE(vcm_page_period)
PAGE(vcm_page_material)
PAGE(vcm_page_timeline)
PAGE(vcm_page_map)
DATA(vcm_api_themes)
DATA(vcm_api_theme)
ACT(vcm_theme_new_page)
ACT(vcm_theme_edit_page)
ACT(vcm_theme_create_act)
ACT(vcm_theme_save_act)
ACT(vcm_api_theme_create)
ACT(vcm_api_theme_update)
ACT(vcm_api_theme_history)

static const struct {
    const char *method, *pattern;
    vcm_handler h;
    const char *action; /* NULL: public, read only */
} curation_routes[] = {
    {"GET", "/themes", page_vcm_page_themes, NULL},
    {"GET", "/themes/new", act_vcm_theme_new_page, "theme.edit"},
    {"GET", "/themes/{slug}", page_vcm_page_theme, NULL},
    {"GET", "/themes/{slug}/edit", act_vcm_theme_edit_page, "theme.edit"},
    {"POST", "/themes", act_vcm_theme_create_act, "theme.edit"},
    {"POST", "/themes/{slug}", act_vcm_theme_save_act, "theme.edit"},
    {"GET", "/api/v1/themes", data_vcm_api_themes, NULL},
    {"GET", "/api/v1/themes/{slug}", data_vcm_api_theme, NULL},
    {"POST", "/api/v1/themes", act_vcm_api_theme_create, "theme.edit"},
    {"PUT", "/api/v1/themes/{slug}", act_vcm_api_theme_update, "theme.edit"},
    {"GET", "/api/v1/themes/{slug}/history", act_vcm_api_theme_history, "theme.edit"},
    {"GET", "/people/{id}", page_vcm_page_person, NULL},
    {"GET", "/places/{id}", page_vcm_page_place, NULL},
    {"GET", "/periods/{id}", page_vcm_page_period, NULL},
    {"GET", "/materials/{id}", page_vcm_page_material, NULL},
    {"GET", "/timeline", page_vcm_page_timeline, NULL},
    {"GET", "/map", page_vcm_page_map, NULL},
};

int vcm_app_routes(vcm_router *r)
{
    for (size_t i = 0; i < sizeof curation_routes / sizeof curation_routes[0]; i++) {
        int rc = curation_routes[i].action
                     ? vcm_router_add_action(r, curation_routes[i].method,
                                             curation_routes[i].pattern, curation_routes[i].h,
                                             curation_routes[i].action)
                     : vcm_router_add(r, curation_routes[i].method, curation_routes[i].pattern,
                                      curation_routes[i].h);
        if (rc < 0)
            return -1;
    }
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (vcm_router_add(r, routes[i].method, routes[i].pattern, routes[i].h) < 0)
            return -1;
    for (size_t i = 0; i < sizeof account_routes / sizeof account_routes[0]; i++)
        if (vcm_router_add_action(r, account_routes[i].method, account_routes[i].pattern,
                                  account_routes[i].h, account_routes[i].action) < 0)
            return -1;
    for (size_t i = 0; i < sizeof governance_routes / sizeof governance_routes[0]; i++) {
        int rc = governance_routes[i].action
                     ? vcm_router_add_action(r, governance_routes[i].method,
                                             governance_routes[i].pattern,
                                             governance_routes[i].h, governance_routes[i].action)
                     : vcm_router_add(r, governance_routes[i].method,
                                      governance_routes[i].pattern, governance_routes[i].h);
        if (rc < 0)
            return -1;
    }
    return vcm_vx_routes(r); /* virtual exhibitions, the comparison (web/vexhibit.h) */
}
