/* Accounts on the site (account.c): who a request comes from, the checks
 * every action passes before its handler, and the pages /login, /logout,
 * /account, /users, /invite, /reset, /audit and GET /api/v1/me.
 *
 * A request is made by a signed-in user (the session cookie,
 * VCM_SESSION_COOKIE, whose token's SHA-256 names a row of `sessions`), by
 * an API client (Authorization: Bearer TOKEN, only under /api/), or by an
 * anonymous visitor. vcm_web_act runs before every handler of this file:
 * it finds who it is, parses the form body of a state-changing request
 * (urlencoded, or multipart/form-data whose text fields become the form
 * and whose files stay in w->mp; under /api/ also JSON, left to the
 * handler: 415 for anything else), checks its CSRF token (the form's csrf
 * field or an X-CSRF-Token header; 403), then asks
 * vcm_authz_allow (authz.h) about the route's action (403; an anonymous
 * visitor asking for a page is sent to /login), and only then calls the
 * handler, which asks again about the resource it loads. Nothing is
 * written before those checks pass. Every answer is Cache-Control:
 * no-store. */
#ifndef VCM_WEB_ACCOUNT_H
#define VCM_WEB_ACCOUNT_H
#include "http/multipart.h"
#include "http/query.h"
#include "store/account.h"
#include "web/authz.h"
#include "web/web.h"

#define VCM_CSRF_COOKIE "vcm_csrf"  /* anonymous forms: double-submit token */
#define VCM_SESSION_TTL (12 * 3600) /* seconds a session lives after sign-in */
#define VCM_INVITE_TTL (7 * 86400)
#define VCM_RESET_TTL 3600
/* Sign-in throttling: after this many failures in a row for one account
 * (or one address), each attempt waits 2^(failures - threshold) seconds
 * after the last failure, at most VCM_THROTTLE_MAX. */
#define VCM_THROTTLE_ACCOUNT 5
#define VCM_THROTTLE_ADDRESS 20
#define VCM_THROTTLE_MAX 900

typedef struct vcm_web_who {
    vcm_store *s;
    vcm_user user;      /* role NONE and id 0 when anonymous */
    vcm_session session;
    bool by_session, by_token;
    vcm_api_token token;
    vcm_query form;     /* the body of a state-changing request */
    vcm_multipart mp;   /* a multipart body's parts, files included */
    bool json;          /* an API request with a JSON body (req->body) */
    const char *csrf;   /* the token this request's forms carry */
    const char *address;
} vcm_web_who;

typedef int (*vcm_web_act_fn)(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
/* The checks above, then h. */
int vcm_web_act(vcm_req *req, vcm_resp *resp, vcm_web_act_fn h);

int vcm_login_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_login(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_logout(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_account_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_account_password(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_account_sessions_end(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_token_create(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_token_revoke_one(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_users_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_user_invite(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_user_disable(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_user_enable(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_user_role(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_user_reset(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_invite_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_invite_accept(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_reset_request_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_reset_request(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_reset_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_reset_complete(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_audit_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_me(vcm_req *req, vcm_resp *resp, vcm_web_who *w);

/* Queues the mail with a link (invitation or reset) to user u; the link's
 * token is made here, only its hash stored. Also used by `vcm user`. */
int vcm_account_send_link(vcm_store *s, const vcm_user *u, const char *kind,
                          const char *base, int64_t now);
#endif
