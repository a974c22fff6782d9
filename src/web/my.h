/* Visitors' collections on the site (web/my.c) and comments on objects
 * (web/comments.c): docs/curation.md.
 *
 * A visitor without an account is known by the visitor cookie
 * (VCM_VISITOR_COOKIE): 128 random bits in hex, HttpOnly, SameSite=Lax,
 * made the first time the visitor saves something or comments; the store
 * keeps only its SHA-256. Every route here runs through vcm_web_act
 * (web/account.h): who asks, the form, its CSRF token (for a visitor
 * without an account, the double-submit token of the vcm_csrf cookie) and
 * vcm_authz_allow, before the handler. */
#ifndef VCM_WEB_MY_H
#define VCM_WEB_MY_H
#include "web/account.h"

#define VCM_VISITOR_COOKIE "vcm_visitor"
#define VCM_VISITOR_TTL (365L * 86400) /* seconds the cookie lives */

/* The hash of the request's visitor cookie (hex SHA-256, from req's
 * arena), or NULL when it has none that is well formed. */
const char *vcm_my_visitor(vcm_req *req);
/* The same, making the cookie (and setting it on resp) when there is none;
 * NULL when out of memory. */
const char *vcm_my_visitor_make(vcm_req *req, vcm_resp *resp);
/* On sign-in (account.c): the collections of the request's visitor cookie
 * become the account's. Errors are logged, never in the way of signing in. */
void vcm_my_attach_login(vcm_req *req, vcm_web_who *w);

int vcm_my_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_list_create(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_save_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_item_add_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_list_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_list_edit(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_item_edit(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_visibility(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_list_iiif(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_shared_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_shared_iiif(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_public_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_public_iiif(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_review_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_review_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_signup_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_my_signup(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
/* GET /my/detail/{id}/{n}/{region}: the IIIF manifest of a detail of an
 * object's image n (public, like the object's own manifest). */
int vcm_my_detail_manifest(vcm_req *req, vcm_resp *resp);

/* The language tag of the title vcm_web_title picks for the visitor (the
 * page's own when the record has no title), for a lang attribute. */
const char *vcm_web_title_lang(const vcm_req *req, const vcm_object *o);

/* Comments (web/comments.c). */
#define VCM_COMMENT_LIMIT_VISITOR 5   /* comments a visitor may post an hour */
#define VCM_COMMENT_LIMIT_ADDRESS 20  /* comments an address may post an hour */
#define VCM_COMMENT_WINDOW 3600

int vcm_comment_form_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_comment_post(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_comments_review_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_comment_decide_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_comment_post(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_comments_queue(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_comment_decide(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
/* GET /api/v1/objects/{id}/comments: the approved comments (public). */
int vcm_api_object_comments(vcm_req *req, vcm_resp *resp);
/* What the object page shows of comments and collections (object.c): the
 * approved comments, and the forms' CSRF token when the request carries
 * the vcm_csrf cookie (such a request bypasses the page cache). Adds to
 * obj; -1 on a store error. */
int vcm_web_object_visitor(vcm_req *req, vcm_store *s, const vcm_object *o, json_t *obj);
#endif
