/* Accounts on the site: the checks before every action (vcm_web_act) and
 * the pages of signing in, one's account, user management, the links sent
 * by mail and the audit log. The contract: web/account.h.
 *
 * Design:
 * - A session is a random 256-bit token in an HttpOnly, SameSite=Lax
 *   cookie (Secure when the site is reached over TLS: an https base URL,
 *   or X-Forwarded-Proto: https from a proxy on this machine). The
 *   database keeps its SHA-256 and a CSRF token of its own, so a session
 *   made on one node holds on every node, and ending it (logout, "log out
 *   everywhere", a new password, a disabled account) ends it everywhere.
 *   Signing in always makes a new session (no fixation) and ends the one
 *   the browser had.
 * - CSRF: a signed-in user's forms carry the session's token; anonymous
 *   forms (sign in, the mailed links) carry a token that must equal the
 *   vcm_csrf cookie (double submit). SameSite=Lax already keeps other
 *   sites' POSTs from carrying the session; the token covers the rest.
 * - Throttling counts failed sign-ins per account and per address in the
 *   database (one upsert each), so two nodes share the count; a throttled
 *   attempt is refused before the password is checked, and counted, so
 *   the wait grows while someone keeps trying.
 * - Passwords reach only libsodium and are never logged; the audit log
 *   holds events, who, whom and from where, never a secret. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/i18n.h"
#include "core/l10n.h"
#include "core/log.h"
#include "core/text.h"
#include "core/token.h"
#include "http/cookie.h"
#include "http/form.h"
#include "store/outbox.h"
#include "web/account.h"
#include "web/my.h"
#include "core/banned.h"

/* ---- small helpers ---------------------------------------------------------- */

static int64_t vcm_now_seconds(void)
{
    return (int64_t)time(NULL);
}

static bool secure_site(vcm_req *req)
{
    const vcm_app *app = vcm_web_app(req);
    if (app && app->cfg && strncmp(app->cfg->base_url, "https:", 6) == 0)
        return true;
    const char *proto = vcm_req_header(req, "X-Forwarded-Proto");
    return proto && strcmp(proto, "https") == 0 && vcm_req_from_loopback(req);
}

/* The site's address for links sent by mail: the configured base URL, else
 * the address the server listens on. Never the request's Host: anyone can
 * send a reset request with Host set to their own site, and the victim's
 * mail would carry the secret link there. */
static const char *mail_base(vcm_req *req)
{
    const vcm_app *app = vcm_web_app(req);
    if (app && app->cfg && app->cfg->base_url[0])
        return app->cfg->base_url;
    const char *b = vcm_arena_printf(req->arena, "http://%s",
                                     app && app->listen ? app->listen : "localhost");
    return b ? b : "";
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

static const char *field(vcm_web_who *w, const char *name)
{
    const char *v = vcm_form_get(&w->form, name);
    return v ? v : "";
}

/* An e-mail address as accounts keep it: trimmed, lower case (ASCII). */
static char *email_norm(vcm_arena *a, const char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    char *e = vcm_arena_strndup(a, s, n);
    for (char *p = e; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return e;
}

/* The page's data with what every page of this file shows. */
static json_t *page_data(vcm_req *req, vcm_web_who *w, const char *title_key)
{
    json_t *d = json_object();
    json_object_set_new(d, "page_title", json_string(vcm_web_t(req, title_key)));
    json_object_set_new(d, "noindex", json_true());
    json_object_set_new(d, "csrf", json_string(w->csrf ? w->csrf : ""));
    if (w->user.id) {
        json_object_set_new(d, "me", json_pack("{s:s, s:s, s:s}", "email", w->user.email,
                                               "name", w->user.name, "role",
                                               vcm_web_t(req, vcm_arena_printf(req->arena,
                                                    "role.%s", vcm_role_name(w->user.role)))));
    }
    return d;
}

static int render(vcm_req *req, vcm_resp *resp, int status, const char *tpl, json_t *d)
{
    if (vcm_web_page(req, resp, tpl, d) < 0)
        return -1;
    resp->status = status;
    return 0;
}

/* ---- who is asking ---------------------------------------------------------- */

static int identify(vcm_req *req, vcm_web_who *w, int64_t now)
{
    const char *tok = vcm_req_cookie(req, VCM_SESSION_COOKIE);
    char hash[VCM_TOKEN_HEX];
    if (vcm_token_valid(tok)) {
        vcm_token_digest(tok, hash);
        int rc = vcm_session_get(w->s, req->arena, hash, now, &w->session);
        if (rc < 0)
            return -1;
        if (rc == 1) {
            w->by_session = true;
            w->user = w->session.user;
            w->csrf = w->session.csrf;
            return 0;
        }
    }
    const char *auth = vcm_req_header(req, "Authorization");
    if (auth && strncmp(req->path, "/api/", 5) == 0 && strncasecmp(auth, "Bearer ", 7) == 0) {
        const char *t = auth + 7;
        while (*t == ' ')
            t++;
        if (vcm_token_valid(t)) {
            vcm_token_digest(t, hash);
            int rc = vcm_token_use(w->s, req->arena, hash, now, &w->token, &w->user);
            if (rc < 0)
                return -1;
            if (rc == 1) {
                w->by_token = true;
                char id[32];
                snprintf(id, sizeof id, "token %lld", (long long)w->token.id);
                audit(w, "token.used", id, req->path);
                return 0;
            }
        }
        memset(&w->user, 0, sizeof w->user);
        return 1; /* a bearer token that opens nothing: 401 */
    }
    return 0;
}

/* The anonymous forms' token: the vcm_csrf cookie's, or a new one set now. */
static int anon_csrf(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    const char *c = vcm_req_cookie(req, VCM_CSRF_COOKIE);
    if (vcm_token_valid(c)) {
        w->csrf = c;
        return 0;
    }
    char *t = vcm_arena_alloc(req->arena, VCM_TOKEN_HEX);
    if (!t || vcm_token_new(t) < 0)
        return -1;
    w->csrf = t;
    return vcm_resp_cookie(resp, req, VCM_CSRF_COOKIE, t, 2 * 3600, secure_site(req));
}

/* Whether a Content-Type names JSON (application/json, any parameters). */
static bool json_body_type(const char *ct)
{
    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    return strncasecmp(ct, "application/json", 16) == 0 && (!ct[16] || strchr("; ", ct[16]));
}

/* A multipart/form-data body (a form sending files): its text fields
 * become w->form, every part stays in w->mp. Returns 1 to go on, or 0 with
 * the answer in resp (413 over the body's limit, 400 malformed or a text
 * field that is not UTF-8), -1 out of memory. */
static int multipart_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    /* the server's --max-body bounds the body already: the parser's own
     * limit only has to let it through */
    vcm_mp_limits lim = {.max_body = req->body_len + 1};
    if (vcm_multipart_parse(req->arena, vcm_req_header(req, "Content-Type"), req->body,
                            req->body_len, &lim, &w->mp) < 0) {
        if (w->mp.error == VCM_MP_NO_MEMORY)
            return -1;
        vcm_info("multipart body refused", "path=%s why=\"%s\"", req->path, w->mp.message);
        if (w->mp.error == VCM_MP_TOO_LARGE)
            return vcm_web_error(req, resp, 413, vcm_web_t(req, "error.413"));
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "error.400"));
    }
    w->form.pairs = vcm_arena_calloc(req->arena, w->mp.n ? w->mp.n : 1, sizeof *w->form.pairs);
    if (!w->form.pairs)
        return -1;
    for (size_t i = 0; i < w->mp.n; i++) {
        const vcm_mp_part *p = &w->mp.parts[i];
        if (p->filename)
            continue;
        if (!vcm_utf8_valid(p->data, p->len) || memchr(p->data, 0, p->len))
            return vcm_web_error(req, resp, 400, vcm_web_t(req, "error.400"));
        char *v = vcm_arena_strndup(req->arena, p->data, p->len);
        if (!v)
            return -1;
        w->form.pairs[w->form.n++] = (vcm_query_pair){p->name, v};
    }
    if (w->form.n > VCM_FORM_MAX_FIELDS)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "error.400"));
    return 1;
}

int vcm_web_act(vcm_req *req, vcm_resp *resp, vcm_web_act_fn h)
{
    vcm_web_who w;
    memset(&w, 0, sizeof w);
    vcm_resp_header(resp, req, "Cache-Control", "no-store");
    if (!(w.s = vcm_web_store(req, resp)))
        return 0;
    w.address = vcm_req_address(req);
    int64_t now = vcm_now_seconds();
    int who = identify(req, &w, now);
    if (who < 0)
        return vcm_web_store_error(req, resp, w.s);
    if (who == 1) {
        vcm_resp_header(resp, req, "WWW-Authenticate", "Bearer");
        return vcm_web_error(req, resp, 401, vcm_web_t(req, "error.401"));
    }
    bool writes = vcm_router_method_writes(req->method);
    if (writes) {
        const char *ct = vcm_req_header(req, "Content-Type");
        char boundary[VCM_MP_BOUNDARY_MAX + 1];
        if (vcm_multipart_boundary(ct, boundary) != VCM_MP_NOT_MULTIPART) {
            int r = multipart_form(req, resp, &w);
            if (r <= 0)
                return r;
        } else if (strncmp(req->path, "/api/", 5) == 0 && json_body_type(ct)) {
            w.json = true;
        } else {
            switch (vcm_form_parse(req->arena, ct, req->body, req->body_len, &w.form)) {
            case VCM_FORM_OK: break;
            case VCM_FORM_BAD_TYPE:
                if (req->body_len == 0)
                    break; /* a form with no field */
                return vcm_web_error(req, resp, 415, vcm_web_t(req, "error.415"));
            case VCM_FORM_BAD: return vcm_web_error(req, resp, 400, vcm_web_t(req, "error.400"));
            case VCM_FORM_NO_MEMORY: return -1;
            }
        }
        /* a script sending JSON has no form field to carry it */
        const char *sent = vcm_form_get(&w.form, "csrf");
        if (!sent)
            sent = vcm_req_header(req, "X-CSRF-Token");
        bool ok;
        if (w.by_token)
            ok = strcmp(w.token.scope, "write") == 0;
        else if (w.by_session)
            ok = vcm_token_equal(sent, w.session.csrf);
        else
            ok = vcm_token_valid(vcm_req_cookie(req, VCM_CSRF_COOKIE)) &&
                 vcm_token_equal(sent, vcm_req_cookie(req, VCM_CSRF_COOKIE));
        if (!ok)
            return forbidden(req, resp);
    } else if (!w.by_session && !w.by_token && anon_csrf(req, resp, &w) < 0) {
        return -1;
    }
    if (!vcm_authz_allow(&w.user, req->action, NULL)) {
        if (!writes && w.user.id == 0 && strncmp(req->path, "/api/", 5) != 0)
            return redirect(req, resp, "/login");
        if (w.user.id == 0 && strncmp(req->path, "/api/", 5) == 0) {
            vcm_resp_header(resp, req, "WWW-Authenticate", "Bearer");
            return vcm_web_error(req, resp, 401, vcm_web_t(req, "error.401"));
        }
        return forbidden(req, resp);
    }
    return h(req, resp, &w);
}

/* ---- signing in and out ----------------------------------------------------- */

static json_t *login_data(vcm_req *req, vcm_web_who *w, const char *email, const char *error)
{
    json_t *d = page_data(req, w, "login.title");
    json_object_set_new(d, "email", json_string(email ? email : ""));
    if (error)
        json_object_set_new(d, "error", json_string(error));
    const char *done = vcm_req_query_get(req, "done");
    if (done && (strcmp(done, "password") == 0 || strcmp(done, "invite") == 0 ||
                 strcmp(done, "reset") == 0 || strcmp(done, "logout") == 0))
        json_object_set_new(d, "notice", json_string(vcm_web_t(
                                             req, vcm_arena_printf(req->arena, "login.done.%s",
                                                                   done))));
    return d;
}

int vcm_login_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    if (w->user.id)
        return redirect(req, resp, "/account");
    return render(req, resp, 200, "login", login_data(req, w, NULL, NULL));
}

/* Seconds until key may try again (0: now). */
static int throttle_wait(vcm_web_who *w, const char *key, int64_t threshold, int64_t now,
                         int64_t *wait)
{
    int64_t failures, last;
    *wait = 0;
    if (vcm_throttle_get(w->s, key, &failures, &last) < 0)
        return -1;
    if (failures < threshold)
        return 0;
    int64_t shift = failures - threshold;
    int64_t delay = shift >= 10 ? VCM_THROTTLE_MAX : (int64_t)1 << shift;
    if (delay > VCM_THROTTLE_MAX)
        delay = VCM_THROTTLE_MAX;
    if (now < last + delay)
        *wait = last + delay - now;
    return 0;
}

static int start_session(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const vcm_user *u,
                         int64_t now)
{
    char tok[VCM_TOKEN_HEX], hash[VCM_TOKEN_HEX], csrf[VCM_TOKEN_HEX];
    if (vcm_token_new(tok) < 0 || vcm_token_new(csrf) < 0)
        return -1;
    vcm_token_digest(tok, hash);
    vcm_session ss = {.hash = hash, .csrf = csrf, .created = now, .last_seen = now,
                      .expires = now + VCM_SESSION_TTL, .address = w->address, .user = *u};
    if (w->by_session && vcm_session_end(w->s, w->session.hash) < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (vcm_session_add(w->s, &ss) < 0)
        return vcm_web_store_error(req, resp, w->s);
    vcm_resp_cookie(resp, req, VCM_SESSION_COOKIE, tok, VCM_SESSION_TTL, secure_site(req));
    return 0;
}

int vcm_login(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t now = vcm_now_seconds();
    const char *email = email_norm(req->arena, field(w, "email"));
    const char *password = field(w, "password");
    if (!email)
        return -1;
    const char *akey = vcm_arena_printf(req->arena, "a:%s", email);
    const char *ikey = vcm_arena_printf(req->arena, "i:%s", w->address);
    int64_t wa, wi;
    if (throttle_wait(w, akey, VCM_THROTTLE_ACCOUNT, now, &wa) < 0 ||
        throttle_wait(w, ikey, VCM_THROTTLE_ADDRESS, now, &wi) < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (wa || wi) {
        /* counted too, so the wait grows while someone keeps trying */
        if (vcm_throttle_fail(w->s, akey, now) < 0 || vcm_throttle_fail(w->s, ikey, now) < 0)
            return vcm_web_store_error(req, resp, w->s);
        audit(w, "login.throttled", email, NULL);
        char after[24];
        snprintf(after, sizeof after, "%lld", (long long)(wa > wi ? wa : wi));
        vcm_resp_header(resp, req, "Retry-After", after);
        return render(req, resp, 429, "login",
                      login_data(req, w, email, vcm_web_t(req, "login.error.throttled")));
    }
    vcm_user u;
    int found = vcm_user_by_email(w->s, req->arena, email, &u);
    if (found < 0)
        return vcm_web_store_error(req, resp, w->s);
    /* the same work whether or not the account exists, so the time of the
     * answer does not tell */
    bool ok = false;
    if (found == 1 && u.password_hash) {
        ok = vcm_password_verify(u.password_hash, password);
    } else {
        char spent[VCM_PASSWORD_HASH_SIZE];
        if (vcm_password_hash(password, spent) < 0)
            return -1;
    }
    if (!ok || found != 1 || u.disabled) {
        if (vcm_throttle_fail(w->s, akey, now) < 0 || vcm_throttle_fail(w->s, ikey, now) < 0)
            return vcm_web_store_error(req, resp, w->s);
        audit(w, "login.failed", email, NULL);
        return render(req, resp, 400, "login",
                      login_data(req, w, email, vcm_web_t(req, "login.error.wrong")));
    }
    if (vcm_throttle_clear(w->s, akey) < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (start_session(req, resp, w, &u, now) < 0)
        return -1;
    w->user = u;
    audit(w, "login", u.email, NULL);
    /* a visitor's collections kept by cookie become the account's (my.c) */
    vcm_my_attach_login(req, w);
    return redirect(req, resp, u.role == VCM_ROLE_VISITOR ? "/my" : "/account");
}

int vcm_logout(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    if (w->by_session && vcm_session_end(w->s, w->session.hash) < 0)
        return vcm_web_store_error(req, resp, w->s);
    audit(w, "logout", w->user.email, NULL);
    vcm_resp_cookie(resp, req, VCM_SESSION_COOKIE, "", 0, secure_site(req));
    return redirect(req, resp, "/login?done=logout");
}

/* ---- one's account ----------------------------------------------------------- */

static const char *date_text(vcm_req *req, int64_t t)
{
    if (!t)
        return vcm_web_t(req, "account.never");
    char buf[128];
    if (vcm_l10n_time(vcm_web_lang(req), t, buf, sizeof buf) < 0)
        return "";
    const char *s = vcm_arena_strdup(req->arena, buf);
    return s ? s : "";
}

static int account_render(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int status,
                          json_t *errors, const char *new_token)
{
    json_t *d = page_data(req, w, "account.title");
    int64_t now = vcm_now_seconds();
    vcm_session *ss;
    vcm_api_token *tt;
    size_t ns, nt;
    if (vcm_session_list(w->s, req->arena, w->user.id, now, &ss, &ns) < 0 ||
        vcm_token_list(w->s, req->arena, w->user.id, &tt, &nt) < 0) {
        json_decref(d);
        return vcm_web_store_error(req, resp, w->s);
    }
    json_t *sessions = json_array();
    for (size_t i = 0; i < ns; i++)
        json_array_append_new(sessions,
                              json_pack("{s:s, s:s, s:s, s:b}", "created",
                                        date_text(req, ss[i].created), "seen",
                                        date_text(req, ss[i].last_seen), "address",
                                        ss[i].address ? ss[i].address : "", "current",
                                        w->by_session && strcmp(ss[i].hash, w->session.hash) == 0));
    json_t *tokens = json_array();
    for (size_t i = 0; i < nt; i++)
        json_array_append_new(
            tokens, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)tt[i].id,
                              "name", tt[i].name, "scope",
                              vcm_web_t(req, vcm_arena_printf(req->arena, "token.scope.%s",
                                                              tt[i].scope)),
                              "created", date_text(req, tt[i].created), "last_used",
                              date_text(req, tt[i].last_used), "revoked", tt[i].revoked != 0));
    json_object_set_new(d, "sessions", sessions);
    json_object_set_new(d, "tokens", tokens);
    json_object_set_new(d, "errors", errors ? errors : json_object());
    if (new_token)
        json_object_set_new(d, "new_token", json_string(new_token));
    const char *done = vcm_req_query_get(req, "done");
    if (done && (strcmp(done, "password") == 0 || strcmp(done, "revoked") == 0))
        json_object_set_new(d, "notice", json_string(vcm_web_t(
                                             req, vcm_arena_printf(req->arena,
                                                                   "account.done.%s", done))));
    json_object_set_new(d, "can_manage",
                        json_boolean(vcm_authz_allow(&w->user, "user.list", NULL)));
    json_object_set_new(d, "can_audit",
                        json_boolean(vcm_authz_allow(&w->user, "audit.read", NULL)));
    return render(req, resp, status, "account", d);
}

int vcm_account_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return account_render(req, resp, w, 200, NULL, NULL);
}

int vcm_account_password(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    const char *cur = field(w, "current"), *pw = field(w, "password");
    json_t *errors = json_object();
    const char *why;
    if (!vcm_password_verify(w->user.password_hash, cur))
        json_object_set_new(errors, "current",
                            json_string(vcm_web_t(req, "account.error.current")));
    else if (vcm_password_check(pw, w->user.email, &why) < 0)
        json_object_set_new(errors, "password", json_string(vcm_web_t(req, why)));
    else if (strcmp(pw, field(w, "confirm")) != 0)
        json_object_set_new(errors, "confirm",
                            json_string(vcm_web_t(req, "account.error.confirm")));
    if (json_object_size(errors))
        return account_render(req, resp, w, 400, errors, NULL);
    json_decref(errors);
    char hash[VCM_PASSWORD_HASH_SIZE];
    if (vcm_password_hash(pw, hash) < 0)
        return -1;
    /* a new password ends every session, this one included: sign in anew */
    if (vcm_user_set_password(w->s, w->user.id, hash) < 0 ||
        vcm_session_end_user(w->s, w->user.id) < 0)
        return vcm_web_store_error(req, resp, w->s);
    audit(w, "password.changed", w->user.email, NULL);
    vcm_resp_cookie(resp, req, VCM_SESSION_COOKIE, "", 0, secure_site(req));
    return redirect(req, resp, "/login?done=password");
}

int vcm_account_sessions_end(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    if (vcm_session_end_user(w->s, w->user.id) < 0)
        return vcm_web_store_error(req, resp, w->s);
    audit(w, "logout.everywhere", w->user.email, NULL);
    vcm_resp_cookie(resp, req, VCM_SESSION_COOKIE, "", 0, secure_site(req));
    return redirect(req, resp, "/login?done=logout");
}

int vcm_token_create(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    const char *name = field(w, "name"), *scope = field(w, "scope");
    json_t *errors = json_object();
    size_t nl = strlen(name);
    if (nl == 0 || nl > 100)
        json_object_set_new(errors, "name", json_string(vcm_web_t(req, "token.error.name")));
    if (strcmp(scope, "read") != 0 && strcmp(scope, "write") != 0)
        json_object_set_new(errors, "scope", json_string(vcm_web_t(req, "token.error.scope")));
    if (json_object_size(errors))
        return account_render(req, resp, w, 400, errors, NULL);
    json_decref(errors);
    char tok[VCM_TOKEN_HEX], hash[VCM_TOKEN_HEX];
    int64_t id;
    if (vcm_token_new(tok) < 0)
        return -1;
    vcm_token_digest(tok, hash);
    if (vcm_token_add(w->s, w->user.id, name, hash, scope, &id) < 0)
        return vcm_web_store_error(req, resp, w->s);
    char subject[32];
    snprintf(subject, sizeof subject, "token %lld", (long long)id);
    audit(w, "token.created", subject, scope);
    /* shown once, on this answer only (no-store) */
    return account_render(req, resp, w, 200, NULL, vcm_arena_strdup(req->arena, tok));
}

int vcm_token_revoke_one(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    if (!id)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "error.404"));
    int64_t owner;
    int rc = vcm_token_owner(w->s, id, &owner);
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "error.404"));
    vcm_authz_res res = {.user_id = owner};
    if (!vcm_authz_allow(&w->user, "token.revoke", &res))
        return forbidden(req, resp);
    rc = vcm_token_revoke(w->s, w->user.id, id, vcm_now_seconds());
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0) /* not this user's, or revoked already */
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "error.404"));
    char subject[32];
    snprintf(subject, sizeof subject, "token %lld", (long long)id);
    audit(w, "token.revoked", subject, NULL);
    return redirect(req, resp, "/account?done=revoked");
}

/* ---- mailed links -------------------------------------------------------------- */

/* The catalogue's sentence key with {} replaced by arg. */
static char *sentence(vcm_arena *a, const char *key, const char *arg)
{
    const char *t = vcm_t("en", key);
    const char *at = strstr(t, "{}");
    if (!at)
        return vcm_arena_strdup(a, t);
    return vcm_arena_printf(a, "%.*s%s%s", (int)(at - t), t, arg, at + 2);
}

int vcm_account_send_link(vcm_store *s, const vcm_user *u, const char *kind, const char *base,
                          int64_t now)
{
    char tok[VCM_TOKEN_HEX], hash[VCM_TOKEN_HEX];
    bool invite = strcmp(kind, "invite") == 0;
    if (vcm_token_new(tok) < 0)
        return vcm_store_fail(s, "cannot make a token");
    vcm_token_digest(tok, hash);
    if (vcm_link_add(s, hash, u->id, kind, now, now + (invite ? VCM_INVITE_TTL : VCM_RESET_TTL)) <
        0)
        return -1;
    vcm_arena a;
    vcm_arena_init(&a, 1 << 16);
    int rc = -1;
    const char *link = vcm_arena_printf(&a, "%s/%s/%s", base, invite ? "invite" : "reset", tok);
    const char *subject = sentence(&a, invite ? "mail.invite.subject" : "mail.reset.subject",
                                   "");
    const char *body = sentence(&a, invite ? "mail.invite.body" : "mail.reset.body", link);
    if (!link || !subject || !body) {
        vcm_store_fail(s, "out of memory");
        goto out;
    }
    rc = vcm_outbox_add(s, u->email, subject, body, NULL);
out:
    vcm_arena_release(&a);
    return rc;
}

static int password_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const char *kind,
                         int status, json_t *errors)
{
    json_t *d = page_data(req, w, strcmp(kind, "invite") == 0 ? "invite.title" : "reset.title");
    json_object_set_new(d, "action",
                        json_string(vcm_arena_printf(req->arena, "/%s/%s", kind,
                                                     vcm_req_param(req, "token"))));
    json_object_set_new(d, "invite", json_boolean(strcmp(kind, "invite") == 0));
    json_object_set_new(d, "errors", errors ? errors : json_object());
    return render(req, resp, status, "password", d);
}

static int link_user(vcm_req *req, vcm_web_who *w, const char *kind, bool use, int64_t *uid)
{
    const char *tok = vcm_req_param(req, "token");
    if (!vcm_token_valid(tok))
        return 0;
    char hash[VCM_TOKEN_HEX];
    vcm_token_digest(tok, hash);
    int64_t now = vcm_now_seconds();
    return use ? vcm_link_use(w->s, hash, kind, now, uid)
               : vcm_link_check(w->s, hash, kind, now, uid);
}

static int link_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const char *kind)
{
    int64_t uid;
    int rc = link_user(req, w, kind, false, &uid);
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "link.expired"));
    return password_form(req, resp, w, kind, 200, NULL);
}

/* Sets the password of a link's user, using the link once. */
static int link_complete(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const char *kind)
{
    int64_t uid;
    int rc = link_user(req, w, kind, false, &uid);
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "link.expired"));
    vcm_user u;
    if ((rc = vcm_user_get(w->s, req->arena, uid, &u)) < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0 || u.disabled)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "link.expired"));
    const char *pw = field(w, "password"), *why;
    json_t *errors = json_object();
    if (vcm_password_check(pw, u.email, &why) < 0)
        json_object_set_new(errors, "password", json_string(vcm_web_t(req, why)));
    else if (strcmp(pw, field(w, "confirm")) != 0)
        json_object_set_new(errors, "confirm",
                            json_string(vcm_web_t(req, "account.error.confirm")));
    if (json_object_size(errors))
        return password_form(req, resp, w, kind, 400, errors);
    json_decref(errors);
    /* used now: of two requests with one link, only one gets here */
    if ((rc = link_user(req, w, kind, true, &uid)) < 0)
        return vcm_web_store_error(req, resp, w->s);
    if (rc == 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "link.expired"));
    char hash[VCM_PASSWORD_HASH_SIZE];
    if (vcm_password_hash(pw, hash) < 0)
        return -1;
    if (vcm_user_set_password(w->s, u.id, hash) < 0 || vcm_session_end_user(w->s, u.id) < 0 ||
        vcm_throttle_clear(w->s, vcm_arena_printf(req->arena, "a:%s", u.email)) < 0)
        return vcm_web_store_error(req, resp, w->s);
    audit(w, strcmp(kind, "invite") == 0 ? "invite.accepted" : "password.reset", u.email, NULL);
    return redirect(req, resp, strcmp(kind, "invite") == 0 ? "/login?done=invite"
                                                           : "/login?done=reset");
}

int vcm_invite_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return link_form(req, resp, w, "invite");
}

int vcm_invite_accept(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return link_complete(req, resp, w, "invite");
}

int vcm_reset_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return link_form(req, resp, w, "reset");
}

int vcm_reset_complete(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return link_complete(req, resp, w, "reset");
}

int vcm_reset_request_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    json_t *d = page_data(req, w, "reset.title");
    if (vcm_req_query_get(req, "sent"))
        json_object_set_new(d, "notice", json_string(vcm_web_t(req, "reset.sent")));
    return render(req, resp, 200, "reset", d);
}

int vcm_reset_request(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    const char *email = email_norm(req->arena, field(w, "email"));
    if (!email)
        return -1;
    vcm_user u;
    int rc = vcm_user_by_email(w->s, req->arena, email, &u);
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s);
    /* the same answer whether or not the address has an account */
    if (rc == 1 && !u.disabled) {
        if (vcm_account_send_link(w->s, &u, "reset", mail_base(req), vcm_now_seconds()) < 0)
            return vcm_web_store_error(req, resp, w->s);
        audit(w, "reset.requested", u.email, NULL);
    }
    return redirect(req, resp, "/reset?sent=1");
}

/* ---- managing users ---------------------------------------------------------------- */

static json_t *museum_options(vcm_req *req, vcm_web_who *w, int64_t only)
{
    json_t *list = json_array();
    vcm_museum *m;
    size_t n;
    if (w->s->ops->museum_list(w->s, req->arena, "", &m, &n) < 0)
        return list;
    for (size_t i = 0; i < n; i++)
        if (!only || m[i].id == only)
            json_array_append_new(list, json_pack("{s:I, s:s}", "id", (json_int_t)m[i].id,
                                                  "name", vcm_web_name(&m[i].names)));
    return list;
}

static int users_render(vcm_req *req, vcm_resp *resp, vcm_web_who *w, int status,
                        json_t *errors, json_t *form)
{
    bool all = w->user.role == VCM_ROLE_SECRETARIAT;
    int64_t museum = all ? 0 : w->user.museum_id;
    vcm_user *u;
    size_t n;
    if (vcm_user_list(w->s, req->arena, museum, &u, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = page_data(req, w, "users.title");
    json_t *users = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:b}", "id", (json_int_t)u[i].id,
                              "email", u[i].email, "name", u[i].name, "role",
                              vcm_web_t(req, vcm_arena_printf(req->arena, "role.%s",
                                                              vcm_role_name(u[i].role))),
                              "disabled", u[i].disabled, "pending", u[i].password_hash == NULL,
                              "self", u[i].id == w->user.id);
        json_array_append_new(users, r);
    }
    json_t *roles = json_array();
    for (int r = VCM_ROLE_CONTRIBUTOR; r < VCM_ROLES; r++) {
        vcm_authz_res res = {.museum_id = w->user.museum_id, .role = (vcm_role)r};
        if (vcm_authz_allow(&w->user, "user.invite", &res))
            json_array_append_new(
                roles, json_pack("{s:s, s:s}", "value", vcm_role_name((vcm_role)r), "label",
                                 vcm_web_t(req, vcm_arena_printf(req->arena, "role.%s",
                                                                 vcm_role_name((vcm_role)r)))));
    }
    json_object_set_new(d, "users", users);
    json_object_set_new(d, "roles", roles);
    json_object_set_new(d, "museums", museum_options(req, w, museum));
    json_object_set_new(d, "errors", errors ? errors : json_object());
    json_object_set_new(d, "form", form ? form : json_object());
    const char *done = vcm_req_query_get(req, "done");
    if (done && strcmp(done, "invited") == 0)
        json_object_set_new(d, "notice", json_string(vcm_web_t(req, "users.done.invited")));
    else if (done && strcmp(done, "changed") == 0)
        json_object_set_new(d, "notice", json_string(vcm_web_t(req, "users.done.changed")));
    return render(req, resp, status, "users", d);
}

int vcm_users_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return users_render(req, resp, w, 200, NULL, NULL);
}

int vcm_user_invite(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    const char *email = email_norm(req->arena, field(w, "email"));
    const char *name = field(w, "name"), *why;
    vcm_role role = VCM_ROLE_NONE;
    int64_t museum = vcm_web_id(field(w, "museum"));
    if (!email)
        return -1;
    bool role_ok = vcm_role_parse(field(w, "role"), &role) == 0;
    if (role_ok && !vcm_role_has_museum(role))
        museum = 0;
    else if (role_ok && w->user.role == VCM_ROLE_MUSEUM_ADMIN && !museum)
        museum = w->user.museum_id;
    vcm_authz_res res = {.museum_id = museum, .role = role};
    if (role_ok && !vcm_authz_allow(&w->user, "user.invite", &res))
        return forbidden(req, resp);
    json_t *errors = json_object();
    if (vcm_email_check(email, &why) < 0)
        json_object_set_new(errors, "email", json_string(vcm_web_t(req, why)));
    if (!*name || strlen(name) > 200)
        json_object_set_new(errors, "name", json_string(vcm_web_t(req, "users.error.name")));
    if (!role_ok)
        json_object_set_new(errors, "role", json_string(vcm_web_t(req, "users.error.role")));
    else if (vcm_role_has_museum(role)) {
        vcm_museum m;
        int rc = museum ? w->s->ops->museum_get(w->s, req->arena, museum, &m) : 0;
        if (rc < 0)
            return vcm_web_store_error(req, resp, w->s);
        if (rc == 0)
            json_object_set_new(errors, "museum",
                                json_string(vcm_web_t(req, "users.error.museum")));
    }
    vcm_user u = {.email = email, .name = name, .role = role, .museum_id = museum};
    if (!json_object_size(errors)) {
        int rc = vcm_user_add(w->s, &u);
        if (rc == -2)
            json_object_set_new(errors, "email", json_string(vcm_web_t(req, "users.error.taken")));
        else if (rc < 0)
            return vcm_web_store_error(req, resp, w->s);
    }
    if (json_object_size(errors))
        return users_render(req, resp, w, 400, errors,
                            json_pack("{s:s, s:s}", "email", email, "name", name));
    json_decref(errors);
    if (vcm_account_send_link(w->s, &u, "invite", mail_base(req), vcm_now_seconds()) < 0)
        return vcm_web_store_error(req, resp, w->s);
    audit(w, "user.invited", u.email, vcm_role_name(role));
    return redirect(req, resp, "/users?done=invited");
}

/* The user of the route's {id}, and whether w may do action to them: 1
 * allowed, 0 answered already (404, 403). */
static int target(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const char *action,
                  vcm_role role, vcm_user *u)
{
    int64_t id = vcm_web_id(vcm_req_param(req, "id"));
    int rc = id ? vcm_user_get(w->s, req->arena, id, u) : 0;
    if (rc < 0)
        return vcm_web_store_error(req, resp, w->s), 0;
    if (rc == 0) {
        vcm_web_error(req, resp, 404, vcm_web_t(req, "error.404"));
        return 0;
    }
    vcm_authz_res res = {.museum_id = u->museum_id, .user_id = u->id, .role = u->role};
    bool ok = vcm_authz_allow(&w->user, action, &res);
    if (ok && role != VCM_ROLE_NONE) { /* a new role: the target's and the new one */
        res.role = role;
        ok = vcm_authz_allow(&w->user, action, &res);
    }
    if (!ok) {
        forbidden(req, resp);
        return 0;
    }
    return 1;
}

static int user_disabled(vcm_req *req, vcm_resp *resp, vcm_web_who *w, bool disabled)
{
    vcm_user u;
    if (!target(req, resp, w, disabled ? "user.disable" : "user.enable", VCM_ROLE_NONE, &u))
        return 0;
    if (vcm_user_set_disabled(w->s, u.id, disabled) < 0 ||
        (disabled && vcm_session_end_user(w->s, u.id) < 0))
        return vcm_web_store_error(req, resp, w->s);
    audit(w, disabled ? "user.disabled" : "user.enabled", u.email, NULL);
    return redirect(req, resp, "/users?done=changed");
}

int vcm_user_disable(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return user_disabled(req, resp, w, true);
}

int vcm_user_enable(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    return user_disabled(req, resp, w, false);
}

int vcm_user_role(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_role role;
    if (vcm_role_parse(field(w, "role"), &role) < 0)
        return vcm_web_error(req, resp, 400, vcm_web_t(req, "users.error.role"));
    vcm_user u;
    if (!target(req, resp, w, "user.role", role, &u))
        return 0;
    int64_t museum = 0;
    if (vcm_role_has_museum(role)) {
        museum = vcm_web_id(field(w, "museum"));
        if (!museum)
            museum = u.museum_id;
        if (!museum)
            return vcm_web_error(req, resp, 400, vcm_web_t(req, "users.error.museum"));
        vcm_authz_res res = {.museum_id = museum, .user_id = u.id, .role = role};
        if (!vcm_authz_allow(&w->user, "user.role", &res))
            return forbidden(req, resp);
    }
    if (vcm_user_set_role(w->s, u.id, role, museum) < 0)
        return vcm_web_store_error(req, resp, w->s);
    /* a role taken away takes effect at once: the user signs in again */
    if (vcm_session_end_user(w->s, u.id) < 0)
        return vcm_web_store_error(req, resp, w->s);
    audit(w, "user.role", u.email, vcm_role_name(role));
    return redirect(req, resp, "/users?done=changed");
}

int vcm_user_reset(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    vcm_user u;
    if (!target(req, resp, w, "user.reset", VCM_ROLE_NONE, &u))
        return 0;
    if (vcm_account_send_link(w->s, &u, u.password_hash ? "reset" : "invite",
                              mail_base(req), vcm_now_seconds()) < 0)
        return vcm_web_store_error(req, resp, w->s);
    audit(w, "user.reset_sent", u.email, NULL);
    return redirect(req, resp, "/users?done=changed");
}

/* ---- the audit log and the API's view of the caller ---------------------------------- */

int vcm_audit_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    int64_t after = vcm_web_id(vcm_req_query_get(req, "after"));
    vcm_audit *e;
    size_t n;
    if (vcm_audit_list(w->s, req->arena, after, 100, &e, &n) < 0)
        return vcm_web_store_error(req, resp, w->s);
    json_t *d = page_data(req, w, "audit.title");
    json_t *lines = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(lines,
                              json_pack("{s:s, s:s, s:s, s:s, s:s}", "time",
                                        date_text(req, e[i].time), "actor",
                                        e[i].actor ? e[i].actor : "", "event", e[i].event,
                                        "subject", e[i].subject ? e[i].subject : "",
                                        "address", e[i].address ? e[i].address : ""));
    json_object_set_new(d, "lines", lines);
    if (n == 100)
        json_object_set_new(
            d, "next",
            json_string(vcm_web_href(
                req, vcm_arena_printf(req->arena, "/audit?after=%lld", (long long)e[n - 1].id))));
    return render(req, resp, 200, "audit", d);
}

int vcm_api_me(vcm_req *req, vcm_resp *resp, vcm_web_who *w)
{
    json_t *d = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)w->user.id, "email",
                          w->user.email, "name", w->user.name, "role",
                          vcm_role_name(w->user.role));
    if (w->user.museum_id)
        json_object_set_new(d, "museum", json_integer(w->user.museum_id));
    if (w->by_token)
        json_object_set_new(d, "scope", json_string(w->token.scope));
    return vcm_web_json(req, resp, 200, d);
}
