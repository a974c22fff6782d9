/* Accounts over real HTTP, on two `vcm serve` nodes sharing one database
 * (SQLite, or PostgreSQL in the second pass of tests/run.sh):
 * - the authorization matrix: every state-changing route the router holds
 *   (a route added later without an entry here fails), as every role and
 *   as an anonymous visitor, against the user's own museum and another;
 *   the exact allowed set, each refusal 403 with the database unchanged;
 * - CSRF: missing or wrong token, 403 and no change;
 * - sessions: cookie flags, one node's session valid on the other, logout
 *   ending it on both; a reset link works once and expires; an invited user
 *   sets a password; a revoked API token is refused at once;
 * - operational writes do not move the data version content caches follow;
 * - 20 wrong passwords across both nodes: throttled (last, as it throttles
 *   the test's address too). */
#include "testutil.h"

#include "dbdump.h"

#include <ctype.h>
#include <time.h>

#include "core/i18n.h"
#include "core/log.h"

#include "core/token.h"
#include "http/router.h"
#include "store/account.h"
#include "store/governance.h"
#include "store/loan.h"
#include "store/network.h"
#include "store/theme.h"
#include "store/entry.h"
#include "store/vexhibit.h"
#include "store/outbox.h"
#include "store/my.h"
#include "store/comment.h"
#include "web/account.h"
#include "web/authz.h"
#include "web/web.h"

static char *dir, db[1024];
static struct vt_server node[2];
static const char *const PW = "Lantern-garden-7431";

/* ---- HTTP with cookies ------------------------------------------------------ */

struct hres {
    long status;
    char *body, *headers;
};

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    char **buf = ud;
    size_t old = *buf ? strlen(*buf) : 0, add = size * n;
    char *nb = realloc(*buf, old + add + 1);
    assert_non_null(nb);
    memcpy(nb + old, p, add);
    nb[old + add] = '\0';
    *buf = nb;
    return add;
}

/* method path on node k, with body (urlencoded), a Cookie header and one
 * more header (either may be NULL). */
static struct hres http(int k, const char *method, const char *path, const char *body,
                        const char *cookie, const char *extra)
{
    struct hres r = {0};
    char url[2048], ch[1024];
    snprintf(url, sizeof url, "%s%s", node[k].base, path);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    struct curl_slist *hl = NULL;
    if (cookie) {
        snprintf(ch, sizeof ch, "Cookie: %s", cookie);
        hl = curl_slist_append(hl, ch);
    }
    if (extra)
        hl = curl_slist_append(hl, extra);
    if (hl)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, url, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    if (!r.body)
        r.body = strdup("");
    if (!r.headers)
        r.headers = strdup("");
    return r;
}

static void hfree(struct hres *r)
{
    free(r->body);
    free(r->headers);
}

/* The 64 hex digits after marker in s, into out; false when absent. */
static bool hex_after(const char *s, const char *marker, char out[VCM_TOKEN_HEX])
{
    const char *p = strstr(s, marker);
    if (!p)
        return false;
    p += strlen(marker);
    for (int i = 0; i < 64; i++)
        if (!isxdigit((unsigned char)p[i]))
            return false;
    memcpy(out, p, 64);
    out[64] = '\0';
    return true;
}

/* An anonymous visitor's CSRF cookie and token (GET /login). */
static void anon_csrf(int k, char csrf[VCM_TOKEN_HEX])
{
    struct hres r = http(k, "GET", "/login", NULL, NULL, NULL);
    assert_int_equal(r.status, 200);
    if (!hex_after(r.headers, "vcm_csrf=", csrf))
        fail_msg("no vcm_csrf cookie: %s", r.headers);
    hfree(&r);
}

struct who {
    char cookie[256];
    char csrf[VCM_TOKEN_HEX];
};

/* Signs email in on node k; fails the test unless it works. */
static void login(int k, const char *email, struct who *w)
{
    char csrf[VCM_TOKEN_HEX], body[512], cookie[128];
    anon_csrf(k, csrf);
    snprintf(body, sizeof body, "csrf=%s&email=%s&password=%s", csrf, email, PW);
    snprintf(cookie, sizeof cookie, "vcm_csrf=%s", csrf);
    struct hres r = http(k, "POST", "/login", body, cookie, NULL);
    if (r.status != 303)
        fail_msg("login %s: %ld %s", email, r.status, r.body);
    char tok[VCM_TOKEN_HEX];
    assert_true(hex_after(r.headers, "vcm_session=", tok));
    snprintf(w->cookie, sizeof w->cookie, "vcm_session=%s", tok);
    hfree(&r);
    r = http(k, "GET", "/account", NULL, w->cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_true(hex_after(r.body, "name=\"csrf\" value=\"", w->csrf));
    hfree(&r);
}

/* ---- users, made the way an administrator makes them ------------------------- */

static int64_t museum_a, museum_b;
/* The connection the test writes its own rows through (users, entries,
 * collections), opened once: the matrix makes hundreds of them. */
static vcm_store *own_store;
static vcm_store *writer(void)
{
    char err[512];
    if (!own_store)
        assert_non_null(own_store = vcm_store_open(db, err, sizeof err));
    return own_store;
}

/* The last link of kind ("invite", "reset") in email's outbox. */
static void link_of(const char *email, const char *kind, char tok[VCM_TOKEN_HEX])
{
    /* read in-process, as `vcm outbox EMAIL` does (test_invite_and_reset_links
     * reads it through the command): newest first */
    char marker[32];
    snprintf(marker, sizeof marker, "/%s/", kind);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_mail *m;
    size_t n;
    if (vcm_outbox_list(writer(), &a, email, 1000, &m, &n) < 0)
        fail_msg("the outbox: %s", vcm_store_error(writer()));
    bool found = false;
    for (size_t i = 0; i < n && !found; i++)
        found = hex_after(m[i].body, marker, tok);
    vcm_arena_release(&a);
    if (!found)
        fail_msg("no %s link for %s in its %zu messages", kind, email, n);
}

/* Adds a user as `vcm user add` does (an invitation in the outbox), but
 * in-process: the matrix makes some hundred users, and a process each took
 * a third of this test's time (the command itself is run by test_cli_disable
 * and the other web tests); with accept, the user follows the link and sets
 * PW. Returns the user's id. */
static int64_t add_user(const char *email, const char *role, int64_t museum, bool accept)
{
    char name[64];
    snprintf(name, sizeof name, "Test %s", role);
    vcm_user u = {.email = email, .name = name, .museum_id = museum};
    if (vcm_role_parse(role, &u.role) < 0)
        fail_msg("unknown role %s", role);
    vcm_store *w = writer();
    if (vcm_user_add(w, &u) < 0 ||
        vcm_account_send_link(w, &u, "invite", "http://localhost:8080", (int64_t)time(NULL)) < 0)
        fail_msg("adding %s: %s", email, vcm_store_error(w));
    int64_t id = u.id;
    if (accept) {
        char tok[VCM_TOKEN_HEX], csrf[VCM_TOKEN_HEX], path[128], body[512], cookie[128];
        link_of(email, "invite", tok);
        anon_csrf(0, csrf);
        snprintf(path, sizeof path, "/invite/%s", tok);
        snprintf(cookie, sizeof cookie, "vcm_csrf=%s", csrf);
        struct hres r = http(1, "GET", path, NULL, NULL, NULL);
        assert_int_equal(r.status, 200);
        hfree(&r);
        snprintf(body, sizeof body, "csrf=%s&password=%s&confirm=%s", csrf, PW, PW);
        r = http(1, "POST", path, body, cookie, NULL);
        if (r.status != 303)
            fail_msg("accepting the invitation of %s: %ld %s", email, r.status, r.body);
        hfree(&r);
    }
    return id;
}

static int serial;

static char *fresh_email(char *buf, size_t size, const char *what)
{
    snprintf(buf, size, "%s%d@example.org", what, ++serial);
    return buf;
}

/* Every table of the database but the ones a refused request writes on
 * purpose (the audit log records the refusal; throttles count attempts),
 * read through one connection kept for the whole run (and the sessions,
 * whose last use any request may write). */
static vcm_store *snap_store;

static char *snapshot(void)
{
    /* sessions: any request of a signed-in user, refused or not, marks its
     * session seen once a minute (store/account.h), so a long matrix meets
     * that write on some refused request */
    static const char *const skip[] = {"audit", "throttles", "sessions", NULL};
    char *out = vt_db_dump(snap_store, skip);
    if (!out)
        fail_msg("cannot read the database: %s", vcm_store_error(snap_store));
    return out;
}

/* ---- set-up --------------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    /* a store made by vt_db_url(): SQLite, or PostgreSQL in the second pass */
    vt_demo_slice(db, sizeof db, dir, "accounts", 30);
    char *out = NULL;
    if (vt_db_sql(&out, db, "SELECT id FROM museums ORDER BY id") != 0)
        fail_msg("no museums: %s", out);
    long long a = 0, b = 0;
    if (sscanf(out, "%lld\n%lld", &a, &b) != 2)
        fail_msg("the slice should hold two museums: %s", out);
    free(out);
    museum_a = a, museum_b = b;
    vt_server_start(&node[0], db);
    vt_server_start(&node[1], db);
    char err[256];
    snap_store = vcm_store_open(db, err, sizeof err);
    if (!snap_store)
        fail_msg("%s: %s", db, err);
    /* the invitations' mail is written from the catalogue */
    if (vcm_web_catalogues(err, sizeof err) < 0)
        fail_msg("the catalogues: %s", err);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vcm_store_close(snap_store);
    vcm_store_close(own_store);
    vcm_i18n_free();
    assert_int_equal(vt_server_stop(&node[0]), 0);
    assert_int_equal(vt_server_stop(&node[1]), 0);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* ---- the authorization matrix ----------------------------------------------- */

enum { ANON, CONTRIB, MADMIN, EDITOR, SECRET, VISIT, NROLES };
static const char *const role_names[NROLES] = {"", "contributor", "museum_admin", "editor",
                                               "secretariat", "visitor"};

/* One attempt: the request made for a route, as actor (role r, signed in
 * as w unless anonymous) against museum (own: A, other: B). */
struct attempt {
    int role;
    bool own;
    const struct who *w;
    int64_t actor_id;
    char path[256], body[1024];
};

typedef void (*prepare_fn)(struct attempt *t);

static int64_t target_user(bool own, bool accept)
{
    char email[64];
    return add_user(fresh_email(email, sizeof email, "target"), "contributor",
                    own ? museum_a : museum_b, accept);
}

/* Users made once for the attempts that need one with a password. */
static char signin_a[64], signin_b[64];

static const char *signin_user(bool own)
{
    char *e = own ? signin_a : signin_b;
    if (!*e)
        add_user(fresh_email(e, 64, "signin"), "contributor", own ? museum_a : museum_b, true);
    return e;
}

static void p_login(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "email=%s&password=%s", signin_user(t->own), PW);
}
static void p_none(struct attempt *t) { (void)t; }
static void p_password(struct attempt *t)
{
    /* the same password again: the actor signs in with it afterwards */
    snprintf(t->body, sizeof t->body, "current=%s&password=%s&confirm=%s", PW, PW, PW);
}
static void p_token(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "name=matrix&scope=read");
}
static void p_revoke(struct attempt *t)
{
    /* own: a token of the actor's; other: one of a user of museum B */
    int64_t owner = t->own && t->actor_id ? t->actor_id : target_user(false, false);
    vcm_store *s;
    char err[512], tok[VCM_TOKEN_HEX], hash[VCM_TOKEN_HEX];
    assert_non_null(s = vcm_store_open(db, err, sizeof err));
    assert_int_equal(vcm_token_new(tok), 0);
    vcm_token_digest(tok, hash);
    int64_t id;
    assert_int_equal(vcm_token_add(s, owner, "m", hash, "read", &id), 0);
    vcm_store_close(s);
    snprintf(t->path, sizeof t->path, "/account/tokens/%lld/revoke", (long long)id);
}
static void p_invite(struct attempt *t)
{
    char email[64];
    snprintf(t->body, sizeof t->body, "email=%s&name=New&role=contributor&museum=%lld",
             fresh_email(email, sizeof email, "invitee"),
             (long long)(t->own ? museum_a : museum_b));
}
static void p_user(struct attempt *t, const char *what)
{
    snprintf(t->path, sizeof t->path, "/users/%lld/%s", (long long)target_user(t->own, false),
             what);
}
static void p_disable(struct attempt *t) { p_user(t, "disable"); }
static void p_enable(struct attempt *t) { p_user(t, "enable"); }
static void p_reset_user(struct attempt *t) { p_user(t, "reset"); }
static void p_role(struct attempt *t)
{
    p_user(t, "role");
    snprintf(t->body, sizeof t->body, "role=museum_admin&museum=%lld",
             (long long)(t->own ? museum_a : museum_b));
}
static void p_reset_request(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "email=%s", signin_user(t->own));
}
static void p_link(struct attempt *t, const char *kind)
{
    char buf[64], tok[VCM_TOKEN_HEX];
    const char *email = buf;
    if (strcmp(kind, "reset") == 0)
        email = signin_user(t->own);
    else
        add_user(fresh_email(buf, sizeof buf, kind), "contributor",
                 t->own ? museum_a : museum_b, false);
    if (strcmp(kind, "reset") == 0) {
        char *out = NULL;
        assert_int_equal(vt_sh(&out, "%s user reset-password --db '%s' %s", vt_bin(), db, email), 0);
        free(out);
    }
    link_of(email, kind, tok);
    snprintf(t->path, sizeof t->path, "/%s/%s", kind, tok);
    snprintf(t->body, sizeof t->body, "password=%s&confirm=%s", PW, PW);
}
/* A draft entry of museum A (own) or B, on a record made for it; the
 * route's {id} is the entry's. */
static int64_t make_entry(bool own)
{
    vcm_store *s = writer();
    vcm_ltext title = {.lang = "en", .text = "Matrix entry"};
    vcm_entry_data d = {.title = {.v = &title, .n = 1}};
    vcm_actor who = {0, "test"};
    int64_t id, oid;
    if (vcm_entry_create_record(s, own ? museum_a : museum_b, &d, &who, 1, &id, &oid) < 0)
        fail_msg("cannot make an entry: %s", vcm_store_error(s));
    return id;
}
static void p_entry(struct attempt *t, const char *what)
{
    snprintf(t->path, sizeof t->path, "/api/v1/entries/%lld%s%s",
             (long long)make_entry(t->own), *what ? "/" : "", what);
}
static void p_entry_put(struct attempt *t) { p_entry(t, ""); }
static void p_entry_revert(struct attempt *t) { p_entry(t, "revert"); }
static void p_entry_submit(struct attempt *t) { p_entry(t, "submit"); }
static void p_entry_changes(struct attempt *t) { p_entry(t, "request-changes"); }
static void p_entry_publish(struct attempt *t) { p_entry(t, "publish"); }
static void p_entry_withdraw(struct attempt *t) { p_entry(t, "withdraw"); }
static void p_entry_restore(struct attempt *t) { p_entry(t, "restore"); }
static void p_entry_comment(struct attempt *t)
{
    p_entry(t, "comments");
    snprintf(t->body, sizeof t->body, "body=matrix");
}
static void p_entry_image(struct attempt *t) { p_entry(t, "images"); }
static void p_dash(struct attempt *t, const char *prefix, const char *what)
{
    snprintf(t->path, sizeof t->path, "%s/%lld%s%s", prefix, (long long)make_entry(t->own),
             *what ? "/" : "", what);
}
static void p_dash_create(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "museum=%lld&title_en=Matrix",
             (long long)(t->own ? museum_a : museum_b));
}
static void p_dash_save(struct attempt *t)
{
    p_dash(t, "/dashboard/entries", "");
    snprintf(t->body, sizeof t->body, "version=1&langs=en&title.en=Matrix+saved");
}
static void p_dash_image(struct attempt *t) { p_dash(t, "/dashboard/entries", "images"); }
static void p_dash_order(struct attempt *t)
{
    p_dash(t, "/dashboard/entries", "images/order");
    snprintf(t->body, sizeof t->body, "version=1&image=none&dir=up");
}
static void p_dash_revert(struct attempt *t)
{
    p_dash(t, "/dashboard/entries", "revert");
    snprintf(t->body, sizeof t->body, "version=1&to=1");
}
static void p_dash_submit(struct attempt *t) { p_dash(t, "/dashboard/entries", "submit"); }
static void p_dash_withdraw(struct attempt *t) { p_dash(t, "/dashboard/entries", "withdraw"); }
static void p_dash_restore(struct attempt *t) { p_dash(t, "/dashboard/entries", "restore"); }
static void p_dash_comment(struct attempt *t)
{
    p_dash(t, "/dashboard/entries", "comments");
    snprintf(t->body, sizeof t->body, "body=matrix");
}
static void p_review_publish(struct attempt *t) { p_dash(t, "/review", "publish"); }
static void p_review_changes(struct attempt *t)
{
    p_dash(t, "/review", "request-changes");
    snprintf(t->body, sizeof t->body, "comment=more");
}
static void p_review_waive(struct attempt *t)
{
    p_dash(t, "/review", "waive");
    snprintf(t->body, sizeof t->body, "reason=matrix");
}
static void p_invite_accept(struct attempt *t) { p_link(t, "invite"); }
static void p_reset_complete(struct attempt *t) { p_link(t, "reset"); }

/* The network (web/join.c). */
static vcm_store *open_db(void)
{
    char err[512];
    vcm_store *s = vcm_store_open(db, err, sizeof err);
    if (!s)
        fail_msg("open: %s", err);
    return s;
}
static void p_join(struct attempt *t)
{
    snprintf(t->body, sizeof t->body,
             "institution=Matrix+Museum&country=KR&contact_name=Jo&contact_email=jo%%40example.org"
             "&collections=Ceramics&ack_definition=yes&ack_ethics=yes&consent=yes");
}
static int64_t application(void)
{
    vcm_store *s = open_db();
    vcm_application app = {.institution = "Applying Museum", .country = "KR",
                           .collections = "Ceramics", .ack_definition = true, .ack_ethics = true};
    vcm_person p = {.name = "Jo", .email = "jo@example.org", .consent = true,
                    .consent_for = "the application"};
    assert_int_equal(vcm_application_add(s, &app, &p), 0);
    vcm_store_close(s);
    return app.id;
}
static void p_accept(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/network/applications/%lld/accept",
             (long long)application());
    snprintf(t->body, sizeof t->body, "exception_reason=matrix");
}
static void p_decline(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/network/applications/%lld/decline",
             (long long)application());
    snprintf(t->body, sizeof t->body, "reason=matrix");
}
static void p_status(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/network/members/%lld/status",
             (long long)(t->own ? museum_a : museum_b));
    snprintf(t->body, sizeof t->body, "status=applicant");
}
static void p_exception(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/network/members/%lld/exception",
             (long long)(t->own ? museum_a : museum_b));
    snprintf(t->body, sizeof t->body, "reason=matrix");
}
static void p_collection(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "museum=%lld&name=Matrix+collection",
             (long long)(t->own ? museum_a : museum_b));
}
static void p_person(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "name=Matrix+Person&consent_for=the+test");
}
static void p_erase(struct attempt *t)
{
    vcm_store *s = open_db();
    vcm_person p = {.name = "To Erase", .museum_id = t->own ? museum_a : museum_b};
    assert_int_equal(vcm_person_add(s, &p, "test"), 0);
    vcm_store_close(s);
    snprintf(t->path, sizeof t->path, "/network/people/%lld/erase", (long long)p.id);
}

/* Governance, meetings, news (web/governance.c): an office of a body with
 * no rules, so that every allowed appointment is accepted. */
static int64_t gov_office_id(void)
{
    static int64_t id;
    if (id)
        return id;
    vcm_store *s = open_db();
    vcm_gov_body b = {.key = "matrix", .name = "Matrix body"};
    assert_int_equal(vcm_gov_body_put(s, &b), 0);
    vcm_gov_office o = {.body_id = b.id, .kind = "seat", .name = "Matrix seat", .pos = 1};
    assert_int_equal(vcm_gov_office_put(s, &o), 0);
    vcm_store_close(s);
    return id = o.id;
}
static int64_t gov_election(int64_t *candidate)
{
    vcm_store *s = open_db();
    vcm_gov_election e = {.office_id = gov_office_id(), .title = "Matrix election"};
    assert_int_equal(vcm_gov_election_add(s, &e, "test"), 0);
    vcm_gov_candidate c = {.election_id = e.id, .org = "Matrix candidate"};
    assert_int_equal(vcm_gov_candidate_add(s, &c, "test"), 0);
    vcm_store_close(s);
    if (candidate)
        *candidate = c.id;
    return e.id;
}
static void p_appoint(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/network/governance/offices/%lld/appoint",
             (long long)gov_office_id());
    snprintf(t->body, sizeof t->body, "org=Matrix+Org&start=2020&end=2023");
}
static void p_api_appoint(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/api/v1/network/governance/offices/%lld/terms",
             (long long)gov_office_id());
    snprintf(t->body, sizeof t->body, "org=Matrix+Org&start=2020&end=2023");
}
static void p_election(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "office=%lld&title=Matrix", (long long)gov_office_id());
}
static void p_candidate(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/api/v1/network/governance/elections/%lld/candidates",
             (long long)gov_election(NULL));
    snprintf(t->body, sizeof t->body, "org=Another");
}
static void p_vote(struct attempt *t)
{
    int64_t c, e = gov_election(&c), m = t->own ? museum_a : museum_b;
    /* the voters rule (none: member museums) lets the museum vote once a member */
    vcm_store *s = open_db();
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_member_event cur;
    int r = vcm_member_current(s, &a, m, &cur);
    assert_true(r >= 0);
    if (r == 0 || cur.status != VCM_MS_MEMBER) {
        const char *reason, *by;
        int64_t when;
        if (vcm_exception_get(s, &a, m, &reason, &by, &when) == 0)
            assert_int_equal(vcm_exception_put(s, m, "matrix", "test"), 0);
        vcm_refusal why;
        if (r == 1 && (cur.status == VCM_MS_LEFT || cur.status == VCM_MS_DECLINED)) {
            vcm_member_event ap = {.museum_id = m, .status = VCM_MS_APPLICANT,
                                   .recorded_by = "test"};
            assert_int_equal(vcm_member_record(s, &ap, &why), 0);
        }
        vcm_member_event mem = {.museum_id = m, .status = VCM_MS_MEMBER, .recorded_by = "test"};
        if (vcm_member_record(s, &mem, &why) != 0)
            fail_msg("member: %s %s", why.rule ? why.rule : "", vcm_store_error(s));
    }
    vcm_arena_release(&a);
    vcm_store_close(s);
    snprintf(t->path, sizeof t->path, "/api/v1/network/governance/elections/%lld/votes",
             (long long)e);
    snprintf(t->body, sizeof t->body, "candidate=%lld&museum=%lld", (long long)c, (long long)m);
}
static void p_close(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/api/v1/network/governance/elections/%lld/close",
             (long long)gov_election(NULL));
}
static void p_meeting(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "kind=executive_committee&title=Matrix+meeting"
                                      "&start=2030-01-02&item_kind=decision&item_title=Act");
}
static void p_meeting_edit(struct attempt *t)
{
    vcm_store *s = open_db();
    vcm_meeting m = {.kind = "executive_committee", .title = "Matrix meeting to edit"};
    assert_int_equal(vcm_meeting_put(s, &m, "test"), 1);
    vcm_store_close(s);
    snprintf(t->path, sizeof t->path, "/api/v1/network/meetings/%lld", (long long)m.id);
    snprintf(t->body, sizeof t->body, "kind=executive_committee&title=Edited");
}
static void p_news(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "title=Matrix+news&body=Text");
}

/* Loans, exhibitions, the exchange programme (web/loans.c etc.): a third
 * museum, the lender of the loans and the other side of the exchanges,
 * in a European partner country while museums A and B count as Asian. */
static int64_t museum_c;
static int64_t third_museum(vcm_store *s)
{
    if (museum_c)
        return museum_c;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_country c = {.code = "IS", .region = VCM_REGION_EUROPE};
    assert_int_equal(s->ops->country_upsert(s, &c), 0);
    vcm_museum m = {0};
    assert_int_equal(vcm_ltexts_add(&m.names, &a, "en", "Lending Museum"), 0);
    memcpy(m.country, "IS", 3);
    bool created;
    assert_int_equal(s->ops->museum_ensure(s, &m, &created), 0);
    museum_c = m.id;
    vcm_partner is = {.code = "IS", .name = "Iceland", .group = VCM_REGION_EUROPE};
    assert_int_equal(vcm_partner_put(s, &is), 0);
    for (int k = 0; k < 2; k++) {
        vcm_museum x;
        assert_int_equal(s->ops->museum_get(s, &a, k ? museum_b : museum_a, &x), 1);
        vcm_partner p = {.code = x.country, .name = x.country, .group = VCM_REGION_ASIA};
        assert_int_equal(vcm_partner_put(s, &p), 0);
    }
    vcm_arena_release(&a);
    return museum_c;
}
static int loan_serial;
static void p_loan_request(struct attempt *t)
{
    vcm_store *s = open_db();
    int64_t c = third_museum(s);
    vcm_store_close(s);
    snprintf(t->body, sizeof t->body,
             "lender=%lld&borrower=%lld&reason=Matrix&start=2030-01-01&end=2030-01-31&venue=Hall"
             "&objects=MX-%d",
             (long long)c, (long long)(t->own ? museum_a : museum_b), ++loan_serial);
}
static void p_loan_step(struct attempt *t)
{
    vcm_store *s = open_db();
    vcm_loan l = {.lender_id = third_museum(s), .borrower_id = t->own ? museum_a : museum_b,
                  .reason = "Matrix", .start = "2030-01-01", .end = "2030-01-31",
                  .venue = "Hall"};
    char inv[32];
    snprintf(inv, sizeof inv, "MS-%d", ++loan_serial);
    vcm_loan_line line = {.inventory = inv};
    vcm_refusal why;
    assert_int_equal(vcm_loan_create(s, &l, &line, 1, "test", &why), 0);
    vcm_store_close(s);
    snprintf(t->path, sizeof t->path, "/network/loans/%lld/step", (long long)l.id);
    snprintf(t->body, sizeof t->body, "from=request&to=assessment");
}
static int64_t exhibition(struct attempt *t, bool with_venue, bool with_object)
{
    vcm_store *s = open_db();
    int64_t c = third_museum(s);
    vcm_exhibition e = {.title = "Matrix", .curators = "M", .organiser_id =
                                                                 t->own ? museum_a : museum_b};
    const char *field;
    assert_int_equal(vcm_exhibition_create(s, &e, "test", &field), 0);
    if (with_venue) {
        vcm_venue v = {.museum_id = t->own ? museum_a : museum_b, .start = "2030-01-01",
                       .end = "2030-02-01"};
        assert_int_equal(vcm_venue_add(s, e.id, &v, "test", &field), 0);
    }
    if (with_object) {
        vcm_venue_object o = {.n = 1, .lender_id = c, .line = {.inventory = "EX-1"}};
        vcm_refusal why;
        assert_int_equal(vcm_venue_object_add(s, e.id, &o, "test", &why), 0);
    }
    vcm_store_close(s);
    return e.id;
}
static void p_exhibition(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "title=Matrix&curators=M&organiser=%lld",
             (long long)(t->own ? museum_a : museum_b));
}
static void p_venue(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/network/exhibitions/%lld/venues",
             (long long)exhibition(t, false, false));
    snprintf(t->body, sizeof t->body, "museum=%lld&start=2030-01-01&end=2030-02-01",
             (long long)museum_a);
}
static void p_venue_objects(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/network/exhibitions/%lld/venues/1/objects",
             (long long)exhibition(t, true, false));
    snprintf(t->body, sizeof t->body, "lender=%lld&objects=EX-2", (long long)museum_c);
}
static void p_venue_loans(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/network/exhibitions/%lld/venues/1/loans",
             (long long)exhibition(t, true, true));
}
static void p_xpost(struct attempt *t)
{
    snprintf(t->body, sizeof t->body,
             "museum=%lld&offer=offer&side=host&kind=placement&topic=Matrix&languages=en"
             "&start=2030-01-01&end=2030-02-01",
             (long long)(t->own ? museum_a : museum_b));
}
/* Themes: a form with a fresh slug; an existing theme to change. */
static int theme_serial;
static void p_theme_new(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "slug=matrix-%d&lang0=en&title0=Matrix&words=bowl",
             ++theme_serial);
}
static const char *theme_made(void)
{
    static char slug[32];
    snprintf(slug, sizeof slug, "matrix-x%d", ++theme_serial);
    vcm_store *s;
    char err[512];
    assert_non_null(s = vcm_store_open(db, err, sizeof err));
    vcm_arena a;
    vcm_arena_init(&a, 1 << 16);
    vcm_theme_text x = {"en", "Matrix", ""};
    vcm_theme th = {.slug = slug, .texts = &x, .ntexts = 1};
    const char *f, *k;
    assert_int_equal(vcm_theme_save(s, &a, &th, "test", 0, &f, &k), 0);
    vcm_arena_release(&a);
    vcm_store_close(s);
    return slug;
}
static void p_theme_save(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/themes/%s", theme_made());
    snprintf(t->body, sizeof t->body, "lang0=en&title0=Matrix%%20again");
}
static void p_theme_put(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/api/v1/themes/%s", theme_made());
}
/* An open offer of the own (other) museum and a request of museum C. */
static void posts(struct attempt *t, int64_t *offer, int64_t *request)
{
    vcm_store *s = open_db();
    vcm_xpost o = {.museum_id = t->own ? museum_a : museum_b, .offer = true, .host = true,
                   .topic = "Matrix", .languages = "en", .start = "2030-01-01",
                   .end = "2030-02-01"};
    vcm_xpost r = o;
    r.museum_id = third_museum(s);
    r.offer = r.host = false;
    const char *field, *key;
    assert_int_equal(vcm_xpost_add(s, &o, "test", &field, &key), 0);
    assert_int_equal(vcm_xpost_add(s, &r, "test", &field, &key), 0);
    vcm_store_close(s);
    *offer = o.id;
    *request = r.id;
}
static void p_match(struct attempt *t)
{
    int64_t o, r;
    posts(t, &o, &r);
    snprintf(t->body, sizeof t->body, "offer_id=%lld&request_id=%lld", (long long)o,
             (long long)r);
}
static void p_report(struct attempt *t)
{
    int64_t o, r;
    posts(t, &o, &r);
    vcm_store *s = open_db();
    vcm_placement p;
    vcm_refusal why;
    assert_int_equal(vcm_placement_add(s, o, r, "test", &p, &why), 0);
    vcm_store_close(s);
    snprintf(t->path, sizeof t->path, "/network/exchange/placements/%lld/reports",
             (long long)p.id);
    snprintf(t->body, sizeof t->body, "body=Matrix+report");
}

/* Virtual exhibitions (web/vexhibit.h): one made for each attempt, brought
 * to the state the route acts on; the route's {slug} is its. */
static void p_vx(struct attempt *t, vcm_vx_state st, const char *prefix, const char *what)
{
    static int vx_serial;
    char slug[40];
    snprintf(slug, sizeof slug, "matrix-%d", ++vx_serial);
    vcm_store *s = open_db();
    vcm_ltext title = {.lang = "en", .text = "Matrix exhibition"};
    vcm_vx_data d = {.title = {.v = &title, .n = 1}};
    vcm_actor who = {0, "test"};
    int64_t id;
    if (vcm_vx_create(s, slug, &d, &who, 1, &id) < 0 ||
        (st != VCM_VX_DRAFT && vcm_vx_transition(s, id, VCM_VXA_SUBMIT, NULL, &who, 2) < 0) ||
        (st == VCM_VX_WITHDRAWN && vcm_vx_transition(s, id, VCM_VXA_WITHDRAW, NULL, &who, 3) < 0))
        fail_msg("cannot make an exhibition: %s", vcm_store_error(s));
    vcm_store_close(s);
    snprintf(t->path, sizeof t->path, "%s/%s%s%s", prefix, slug, *what ? "/" : "", what);
}
static void p_vx_new(struct attempt *t)
{
    static int vx_new_serial;
    snprintf(t->body, sizeof t->body, "slug=matrix-new-%d-%d&title=Matrix", t->role,
             ++vx_new_serial);
}
static void p_vx_put(struct attempt *t) { p_vx(t, VCM_VX_DRAFT, "/api/v1/exhibitions", ""); }
static void p_vx_submit(struct attempt *t) { p_vx(t, VCM_VX_DRAFT, "/api/v1/exhibitions", "submit"); }
static void p_vx_publish(struct attempt *t) { p_vx(t, VCM_VX_SUBMITTED, "/api/v1/exhibitions", "publish"); }
static void p_vx_changes(struct attempt *t)
{
    p_vx(t, VCM_VX_SUBMITTED, "/api/v1/exhibitions", "request-changes");
}
static void p_vx_withdraw(struct attempt *t) { p_vx(t, VCM_VX_DRAFT, "/api/v1/exhibitions", "withdraw"); }
static void p_vx_restore(struct attempt *t) { p_vx(t, VCM_VX_WITHDRAWN, "/api/v1/exhibitions", "restore"); }
static void p_vxd_save(struct attempt *t)
{
    p_vx(t, VCM_VX_DRAFT, "/dashboard/exhibitions", "");
    snprintf(t->body, sizeof t->body, "version=1&title_en=Matrix+saved");
}
static void p_vxd_submit(struct attempt *t) { p_vx(t, VCM_VX_DRAFT, "/dashboard/exhibitions", "submit"); }
static void p_vxd_publish(struct attempt *t) { p_vx(t, VCM_VX_SUBMITTED, "/dashboard/exhibitions", "publish"); }
static void p_vxd_changes(struct attempt *t)
{
    p_vx(t, VCM_VX_SUBMITTED, "/dashboard/exhibitions", "request-changes");
}
static void p_vxd_withdraw(struct attempt *t) { p_vx(t, VCM_VX_DRAFT, "/dashboard/exhibitions", "withdraw"); }
static void p_vxd_restore(struct attempt *t) { p_vx(t, VCM_VX_WITHDRAWN, "/dashboard/exhibitions", "restore"); }
/* ---- visitors' collections and comments (web/my.c, web/comments.c) ---- */

static vcm_store *visit_store(void) { return writer(); }
static int64_t published_object(void)
{
    char *out = NULL;
    if (vt_db_sql(&out, db, "SELECT min(id) FROM objects WHERE status = 'published'") != 0)
        fail_msg("no object: %s", out);
    int64_t id = atoll(out);
    free(out);
    return id;
}
/* A collection with one item, of the actor's account (own) or of another
 * account; a collection that is not one's own answers 404, not 403 (its
 * existence is not told), which the matrix counts as not refused: what a
 * stranger can do to it is tested in tests/web/test_my_collections.c. */
static int64_t my_list(struct attempt *t, int64_t *item)
{
    vcm_store *s = visit_store();
    vcm_my_owner o = {.user_id = t->own && t->actor_id ? t->actor_id : 1};
    int64_t id;
    assert_int_equal(vcm_my_list_add(s, &o, "matrix", &id), 0);
    vcm_my_item it = {.object_id = published_object()};
    assert_int_equal(vcm_my_item_add(s, id, &it, item), 0);
    return id;
}
static void p_my_new(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "name=matrix");
}
static void p_my_item(struct attempt *t)
{
    snprintf(t->body, sizeof t->body, "object=%lld&note=matrix", (long long)published_object());
}
static void p_my_rename(struct attempt *t)
{
    int64_t item;
    snprintf(t->path, sizeof t->path, "/my/lists/%lld", (long long)my_list(t, &item));
    snprintf(t->body, sizeof t->body, "op=rename&name=renamed");
}
static void p_my_item_edit(struct attempt *t)
{
    int64_t item, id = my_list(t, &item);
    snprintf(t->path, sizeof t->path, "/my/lists/%lld/items/%lld", (long long)id,
             (long long)item);
    snprintf(t->body, sizeof t->body, "op=note&note=matrix");
}
static void p_my_share(struct attempt *t)
{
    int64_t item;
    snprintf(t->path, sizeof t->path, "/my/lists/%lld/visibility", (long long)my_list(t, &item));
    snprintf(t->body, sizeof t->body, "visibility=link");
}
static void p_my_review(struct attempt *t)
{
    int64_t item, id = my_list(t, &item);
    assert_int_equal(vcm_my_list_visibility(visit_store(), id, "published", NULL), 0);
    snprintf(t->path, sizeof t->path, "/my/review/%lld", (long long)id);
    snprintf(t->body, sizeof t->body, "decision=approve");
}
static void p_signup(struct attempt *t)
{
    char email[64];
    snprintf(t->body, sizeof t->body, "email=%s&name=Matrix",
             fresh_email(email, sizeof email, "signup"));
}
static void p_comment(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/objects/%lld/comments", (long long)published_object());
    snprintf(t->body, sizeof t->body, "name=Matrix&body=Matrix+comment+%d", ++serial);
}
static void p_api_comment(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/api/v1/objects/%lld/comments",
             (long long)published_object());
}
static int64_t pending_comment(void)
{
    vcm_comment c = {.object_id = published_object(), .name = "Matrix", .body = "pending",
                     .address = "127.0.0.1", .state = "pending"};
    assert_int_equal(vcm_comment_add(visit_store(), &c), 0);
    return c.id;
}
static void p_moderate(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/comments/%lld", (long long)pending_comment());
    snprintf(t->body, sizeof t->body, "decision=approve");
}
static void p_api_moderate(struct attempt *t)
{
    snprintf(t->path, sizeof t->path, "/api/v1/comments/%lld/decision",
             (long long)pending_comment());
}

/* Who may: a bit per role, for the own museum and for another. */
#define R(x) (1u << (x))
#define SIGNED (R(CONTRIB) | R(MADMIN) | R(EDITOR) | R(SECRET))
#define ALL (R(ANON) | SIGNED | R(VISIT))
#define ACCOUNTS (SIGNED | R(VISIT))
#define EDITORS (R(EDITOR) | R(SECRET))

static const struct entry {
    const char *method, *pattern;
    prepare_fn prepare;
    unsigned own, other;
    bool ends; /* an allowed attempt ends the actor's session */
} matrix[] = {
    {"POST", "/login", p_login, ALL, ALL, true}, /* the session it brought ends */
    {"POST", "/logout", p_none, ACCOUNTS, ACCOUNTS, true},
    {"POST", "/account/password", p_password, ACCOUNTS, ACCOUNTS, true},
    {"POST", "/account/sessions/end", p_none, ACCOUNTS, ACCOUNTS, true},
    {"POST", "/account/tokens", p_token, SIGNED, SIGNED, false},
    {"POST", "/account/tokens/{id}/revoke", p_revoke, SIGNED, 0, false},
    {"POST", "/users", p_invite, R(MADMIN) | R(SECRET), R(SECRET), false},
    {"POST", "/users/{id}/disable", p_disable, R(MADMIN) | R(SECRET), R(SECRET), false},
    {"POST", "/users/{id}/enable", p_enable, R(MADMIN) | R(SECRET), R(SECRET), false},
    {"POST", "/users/{id}/role", p_role, R(MADMIN) | R(SECRET), R(SECRET), false},
    {"POST", "/users/{id}/reset", p_reset_user, R(MADMIN) | R(SECRET), R(SECRET), false},
    {"POST", "/invite/{token}", p_invite_accept, ALL, ALL, false},
    {"POST", "/reset", p_reset_request, ALL, ALL, false},
    {"POST", "/reset/{token}", p_reset_complete, ALL, ALL, false},
    {"POST", "/network/join", p_join, ALL, ALL, false},
    {"POST", "/network/applications/{id}/accept", p_accept, R(SECRET), R(SECRET), false},
    {"POST", "/network/applications/{id}/decline", p_decline, R(SECRET), R(SECRET), false},
    {"POST", "/network/members/{id}/status", p_status, R(SECRET), R(SECRET), false},
    {"POST", "/network/members/{id}/exception", p_exception, R(SECRET), R(SECRET), false},
    {"POST", "/network/collections", p_collection, R(MADMIN) | R(SECRET), R(SECRET), false},
    {"POST", "/network/people", p_person, R(SECRET), R(SECRET), false},
    {"POST", "/network/people/{id}/erase", p_erase, R(SECRET), R(SECRET), false},
    /* governance, meetings, news: a museum admin votes for and posts news of
     * their own museum (posting, always their own) */
    {"POST", "/network/governance/offices/{id}/appoint", p_appoint, R(SECRET), R(SECRET), false},
    {"POST", "/api/v1/network/governance/offices/{id}/terms", p_api_appoint, R(SECRET),
     R(SECRET), false},
    {"POST", "/api/v1/network/governance/elections", p_election, R(SECRET), R(SECRET), false},
    {"POST", "/api/v1/network/governance/elections/{id}/candidates", p_candidate, R(SECRET),
     R(SECRET), false},
    {"POST", "/api/v1/network/governance/elections/{id}/votes", p_vote, R(MADMIN) | R(SECRET),
     R(SECRET), false},
    {"POST", "/api/v1/network/governance/elections/{id}/close", p_close, R(SECRET), R(SECRET),
     false},
    {"POST", "/api/v1/network/meetings", p_meeting, R(SECRET), R(SECRET), false},
    {"POST", "/api/v1/network/meetings/{id}", p_meeting_edit, R(SECRET), R(SECRET), false},
    {"POST", "/network/news", p_news, R(MADMIN) | R(SECRET), R(MADMIN) | R(SECRET), false},
    {"POST", "/api/v1/network/news", p_news, R(MADMIN) | R(SECRET), R(MADMIN) | R(SECRET),
     false},
    /* a museum's users ask for loans for their own museum (the form's
     * borrower is theirs whatever they send) */
    {"POST", "/network/loans", p_loan_request, R(CONTRIB) | R(MADMIN) | R(SECRET),
     R(CONTRIB) | R(MADMIN) | R(SECRET), false},
    {"POST", "/network/loans/{id}/step", p_loan_step, R(CONTRIB) | R(MADMIN) | R(SECRET),
     R(SECRET), false},
    {"POST", "/network/exhibitions", p_exhibition, R(MADMIN) | R(EDITOR) | R(SECRET),
     R(EDITOR) | R(SECRET), false},
    {"POST", "/network/exhibitions/{id}/venues", p_venue, R(MADMIN) | R(EDITOR) | R(SECRET),
     R(EDITOR) | R(SECRET), false},
    {"POST", "/network/exhibitions/{id}/venues/{n}/objects", p_venue_objects,
     R(MADMIN) | R(EDITOR) | R(SECRET), R(EDITOR) | R(SECRET), false},
    {"POST", "/network/exhibitions/{id}/venues/{n}/loans", p_venue_loans,
     R(MADMIN) | R(EDITOR) | R(SECRET), R(EDITOR) | R(SECRET), false},
    {"POST", "/network/exchange", p_xpost, R(CONTRIB) | R(MADMIN) | R(SECRET),
     R(CONTRIB) | R(MADMIN) | R(SECRET), false},
    {"POST", "/network/exchange/placements", p_match, R(MADMIN) | R(SECRET), R(SECRET), false},
    {"POST", "/network/exchange/placements/{id}/reports", p_report,
     R(CONTRIB) | R(MADMIN) | R(SECRET), R(SECRET), false},
    /* themes: the editors and the secretariat (the API's writes take JSON:
     * a form there is a 415 once allowed) */
    {"POST", "/themes", p_theme_new, EDITORS, EDITORS, false},
    {"POST", "/themes/{slug}", p_theme_save, EDITORS, EDITORS, false},
    {"POST", "/api/v1/themes", p_none, EDITORS, EDITORS, false},
    {"PUT", "/api/v1/themes/{slug}", p_theme_put, EDITORS, EDITORS, false},
    /* masterpiece entries: a museum's people on its own, the editors on all */
    {"POST", "/api/v1/entries", p_none, SIGNED, SIGNED, false},
    {"PUT", "/api/v1/entries/{id}", p_entry_put, SIGNED, EDITORS, false},
    {"POST", "/api/v1/entries/{id}/revert", p_entry_revert, SIGNED, EDITORS, false},
    {"POST", "/api/v1/entries/{id}/submit", p_entry_submit, SIGNED, EDITORS, false},
    {"POST", "/api/v1/entries/{id}/request-changes", p_entry_changes, EDITORS, EDITORS, false},
    {"POST", "/api/v1/entries/{id}/publish", p_entry_publish, EDITORS, EDITORS, false},
    {"POST", "/api/v1/entries/{id}/withdraw", p_entry_withdraw, SIGNED, EDITORS, false},
    {"POST", "/api/v1/entries/{id}/restore", p_entry_restore, SIGNED, EDITORS, false},
    {"POST", "/api/v1/entries/{id}/comments", p_entry_comment, SIGNED, EDITORS, false},
    {"POST", "/api/v1/entries/{id}/images", p_entry_image, SIGNED, EDITORS, false},
    {"POST", "/dashboard/entries", p_dash_create, SIGNED, SIGNED, false},
    {"POST", "/dashboard/entries/{id}", p_dash_save, SIGNED, EDITORS, false},
    {"POST", "/dashboard/entries/{id}/images", p_dash_image, SIGNED, EDITORS, false},
    {"POST", "/dashboard/entries/{id}/images/order", p_dash_order, SIGNED, EDITORS, false},
    {"POST", "/dashboard/entries/{id}/revert", p_dash_revert, SIGNED, EDITORS, false},
    {"POST", "/dashboard/entries/{id}/submit", p_dash_submit, SIGNED, EDITORS, false},
    {"POST", "/dashboard/entries/{id}/withdraw", p_dash_withdraw, SIGNED, EDITORS, false},
    {"POST", "/dashboard/entries/{id}/restore", p_dash_restore, SIGNED, EDITORS, false},
    {"POST", "/dashboard/entries/{id}/comments", p_dash_comment, SIGNED, EDITORS, false},
    {"POST", "/review/{id}/publish", p_review_publish, EDITORS, EDITORS, false},
    {"POST", "/review/{id}/request-changes", p_review_changes, EDITORS, EDITORS, false},
    {"POST", "/review/{id}/waive", p_review_waive, EDITORS, EDITORS, false},
    /* virtual exhibitions: the network's, written by any museum's people and
     * the editors, published and withdrawn by the editors */
    {"POST", "/api/v1/exhibitions", p_none, SIGNED, SIGNED, false},
    {"PUT", "/api/v1/exhibitions/{slug}", p_vx_put, SIGNED, SIGNED, false},
    {"POST", "/api/v1/exhibitions/{slug}/submit", p_vx_submit, SIGNED, SIGNED, false},
    {"POST", "/api/v1/exhibitions/{slug}/publish", p_vx_publish, EDITORS, EDITORS, false},
    {"POST", "/api/v1/exhibitions/{slug}/request-changes", p_vx_changes, EDITORS, EDITORS, false},
    {"POST", "/api/v1/exhibitions/{slug}/withdraw", p_vx_withdraw, EDITORS, EDITORS, false},
    {"POST", "/api/v1/exhibitions/{slug}/restore", p_vx_restore, EDITORS, EDITORS, false},
    {"POST", "/dashboard/exhibitions", p_vx_new, SIGNED, SIGNED, false},
    {"POST", "/dashboard/exhibitions/{slug}", p_vxd_save, SIGNED, SIGNED, false},
    {"POST", "/dashboard/exhibitions/{slug}/submit", p_vxd_submit, SIGNED, SIGNED, false},
    {"POST", "/dashboard/exhibitions/{slug}/publish", p_vxd_publish, EDITORS, EDITORS, false},
    {"POST", "/dashboard/exhibitions/{slug}/request-changes", p_vxd_changes, EDITORS, EDITORS,
     false},
    {"POST", "/dashboard/exhibitions/{slug}/withdraw", p_vxd_withdraw, EDITORS, EDITORS, false},
    {"POST", "/dashboard/exhibitions/{slug}/restore", p_vxd_restore, EDITORS, EDITORS, false},
    /* visitors' collections: anyone keeps some, only an account shares or
     * publishes, the editors approve; anyone comments, the editors moderate */
    {"POST", "/my/lists", p_my_new, ALL, ALL, false},
    {"POST", "/my/items", p_my_item, ALL, ALL, false},
    {"POST", "/my/lists/{id}", p_my_rename, ALL, ALL, false},
    {"POST", "/my/lists/{id}/items/{item}", p_my_item_edit, ALL, ALL, false},
    {"POST", "/my/lists/{id}/visibility", p_my_share, ACCOUNTS, ACCOUNTS, false},
    {"POST", "/my/review/{id}", p_my_review, EDITORS, EDITORS, false},
    {"POST", "/my/signup", p_signup, ALL, ALL, false},
    {"POST", "/objects/{id}/comments", p_comment, ALL, ALL, false},
    {"POST", "/comments/{id}", p_moderate, EDITORS, EDITORS, false},
    {"POST", "/api/v1/objects/{id}/comments", p_api_comment, ALL, ALL, false},
    {"POST", "/api/v1/comments/{id}/decision", p_api_moderate, EDITORS, EDITORS, false},
};

static void test_authorization_matrix(void **state)
{
    (void)state;
    vcm_router *r = vcm_router_new();
    assert_int_equal(vcm_app_routes(r), 0);
    size_t n = vcm_router_routes(r, 0, NULL, NULL, NULL);
    int checked = 0;
    /* one user of each role, signed in again after an action that ends it */
    char actor[NROLES][64] = {{0}};
    int64_t actor_id[NROLES] = {0};
    struct who actor_who[NROLES];
    bool signed_in[NROLES] = {false};
    for (size_t i = 0; i < n; i++) {
        const char *method, *pattern, *action;
        vcm_router_routes(r, i, &method, &pattern, &action);
        if (!vcm_router_method_writes(method))
            continue;
        const struct entry *e = NULL;
        for (size_t k = 0; k < sizeof matrix / sizeof matrix[0]; k++)
            if (strcmp(matrix[k].method, method) == 0 && strcmp(matrix[k].pattern, pattern) == 0)
                e = &matrix[k];
        if (!e)
            fail_msg("%s %s (action %s) has no entry in the authorization matrix", method,
                     pattern, action);
        for (int role = ANON; role < NROLES; role++)
            for (int own = 1; own >= 0; own--) {
                struct attempt t = {.role = role, .own = own};
                if (role != ANON) {
                    if (!actor_id[role]) {
                        int64_t m = role == CONTRIB || role == MADMIN ? museum_a : 0;
                        actor_id[role] = add_user(fresh_email(actor[role], 64, role_names[role]),
                                                  role_names[role], m, true);
                    }
                    if (!signed_in[role]) {
                        login(own ? 0 : 1, actor[role], &actor_who[role]);
                        signed_in[role] = true;
                    }
                    t.actor_id = actor_id[role];
                    t.w = &actor_who[role];
                }
                snprintf(t.path, sizeof t.path, "%s", pattern);
                e->prepare(&t);
                char csrf[VCM_TOKEN_HEX], body[1400], cookie[400];
                if (t.w) {
                    snprintf(cookie, sizeof cookie, "%s", t.w->cookie);
                    snprintf(csrf, sizeof csrf, "%s", t.w->csrf);
                } else {
                    anon_csrf(0, csrf);
                    snprintf(cookie, sizeof cookie, "vcm_csrf=%s", csrf);
                }
                snprintf(body, sizeof body, "csrf=%s%s%s", csrf, t.body[0] ? "&" : "", t.body);
                bool allowed = ((own ? e->own : e->other) >> role) & 1;
                /* only a refusal must leave the database as it was */
                char *before = allowed ? NULL : snapshot();
                struct hres h = http(own ? 1 : 0, method, t.path, body, cookie, NULL);
                char *after = allowed ? NULL : snapshot();
                if (allowed && (h.status == 403 || h.status >= 500))
                    fail_msg("%s %s as %s (%s museum): %ld, should be allowed: %s", method,
                             t.path, role == ANON ? "anonymous" : role_names[role],
                             own ? "own" : "other", h.status, h.body);
                /* the API asks an anonymous client to authenticate */
                bool api_anon = role == ANON && strncmp(t.path, "/api/", 5) == 0;
                if (!allowed) {
                    if (h.status != (api_anon ? 401 : 403))
                        fail_msg("%s %s as %s (%s museum): %ld, should be %d", method, t.path,
                                 role == ANON ? "anonymous" : role_names[role],
                                 own ? "own" : "other", h.status, api_anon ? 401 : 403);
                    if (strcmp(before, after) != 0) {
                        /* the first line that differs names the table and row */
                        const char *b0 = before, *a0 = after;
                        while (*b0 && *b0 == *a0)
                            b0++, a0++;
                        while (b0 > before && b0[-1] != '\n')
                            b0--, a0--;
                        const char *tb = b0;
                        while (tb > before && strncmp(tb, "== ", 3) != 0)
                            tb--;
                        fail_msg("%s %s as %s: refused, but the database changed in %.60s\n"
                                 "before: %.300s\nafter:  %.300s",
                                 method, t.path, role == ANON ? "anonymous" : role_names[role],
                                 tb, b0, a0);
                    }
                }
                if (allowed && e->ends && role != ANON)
                    signed_in[role] = false;
                free(before);
                free(after);
                hfree(&h);
                checked++;
            }
    }
    vcm_router_free(r);
    assert_int_equal(checked, (int)(sizeof matrix / sizeof matrix[0]) * NROLES * 2);
}

/* ---- CSRF ----------------------------------------------------------------------- */

static void test_csrf(void **state)
{
    (void)state;
    char email[64];
    struct who w;
    add_user(fresh_email(email, sizeof email, "csrf"), "editor", 0, true);
    login(0, email, &w);
    const char *bodies[] = {"name=t&scope=read",
                            "name=t&scope=read&csrf=",
                            "name=t&scope=read&csrf=0000000000000000000000000000000000000000000000000000000000000000"};
    for (size_t i = 0; i < 3; i++) {
        char *before = snapshot();
        struct hres h = http(1, "POST", "/account/tokens", bodies[i], w.cookie, NULL);
        char *after = snapshot();
        assert_int_equal(h.status, 403);
        assert_string_equal(before, after);
        free(before);
        free(after);
        hfree(&h);
    }
    /* an anonymous form whose token is not its cookie's */
    char csrf[VCM_TOKEN_HEX], body[256];
    anon_csrf(0, csrf);
    snprintf(body, sizeof body, "csrf=%s&email=%s", csrf, email);
    struct hres h = http(0, "POST", "/reset", body, "vcm_csrf=1111111111111111111111111111111111111111111111111111111111111111", NULL);
    assert_int_equal(h.status, 403);
    hfree(&h);
    /* and the right one passes */
    char right[1024];
    snprintf(right, sizeof right, "name=t&scope=read&csrf=%s", w.csrf);
    h = http(1, "POST", "/account/tokens", right, w.cookie, NULL);
    assert_int_equal(h.status, 200);
    hfree(&h);
}

/* ---- sessions, links, tokens ------------------------------------------------------ */

static void test_sessions_across_nodes(void **state)
{
    (void)state;
    char email[64], csrf[VCM_TOKEN_HEX], body[512], cookie[128];
    add_user(fresh_email(email, sizeof email, "nodes"), "contributor", museum_a, true);
    anon_csrf(0, csrf);
    snprintf(body, sizeof body, "csrf=%s&email=%s&password=%s", csrf, email, PW);
    snprintf(cookie, sizeof cookie, "vcm_csrf=%s", csrf);
    struct hres h = http(0, "POST", "/login", body, cookie, NULL);
    assert_int_equal(h.status, 303);
    const char *sc = strstr(h.headers, "Set-Cookie: vcm_session=");
    assert_non_null(sc);
    const char *eol = strchr(sc, '\n');
    char line[512];
    snprintf(line, sizeof line, "%.*s", (int)(eol - sc), sc);
    assert_non_null(strstr(line, "HttpOnly"));
    assert_non_null(strstr(line, "SameSite=Lax"));
    assert_null(strstr(line, "Secure")); /* plain HTTP, no https base URL */
    hfree(&h);
    /* behind a TLS proxy on this machine: Secure */
    h = http(0, "POST", "/login", body, cookie, "X-Forwarded-Proto: https");
    assert_int_equal(h.status, 303);
    assert_non_null(strstr(h.headers, "; Secure"));
    hfree(&h);

    struct who w;
    login(0, email, &w);
    h = http(1, "GET", "/account", NULL, w.cookie, NULL);
    assert_int_equal(h.status, 200); /* made on node 0, valid on node 1 */
    assert_non_null(strstr(h.body, email));
    hfree(&h);
    snprintf(body, sizeof body, "csrf=%s", w.csrf);
    h = http(1, "POST", "/logout", body, w.cookie, NULL);
    assert_int_equal(h.status, 303);
    hfree(&h);
    for (int k = 0; k < 2; k++) {
        h = http(k, "GET", "/account", NULL, w.cookie, NULL);
        assert_int_equal(h.status, 303); /* to /login: the session is over on both */
        hfree(&h);
    }
    /* log out everywhere: both sessions of the user end */
    struct who a, b;
    login(0, email, &a);
    login(1, email, &b);
    snprintf(body, sizeof body, "csrf=%s", a.csrf);
    h = http(0, "POST", "/account/sessions/end", body, a.cookie, NULL);
    assert_int_equal(h.status, 303);
    hfree(&h);
    h = http(1, "GET", "/account", NULL, b.cookie, NULL);
    assert_int_equal(h.status, 303);
    hfree(&h);
}

static void test_invite_and_reset_links(void **state)
{
    (void)state;
    char email[64], tok[VCM_TOKEN_HEX], csrf[VCM_TOKEN_HEX], body[512], cookie[128], path[128];
    /* an invited user sets a password and signs in (add_user follows the link) */
    int64_t id = add_user(fresh_email(email, sizeof email, "reset"), "editor", 0, true);
    struct who w;
    login(1, email, &w);

    /* a reset link, asked for on the site, works once */
    anon_csrf(0, csrf);
    snprintf(cookie, sizeof cookie, "vcm_csrf=%s", csrf);
    snprintf(body, sizeof body, "csrf=%s&email=%s", csrf, email);
    /* asked with a forged Host: the mailed link still points at this site */
    struct hres h = http(0, "POST", "/reset", body, cookie, "Host: evil.example");
    assert_int_equal(h.status, 303);
    hfree(&h);
    char *mail = NULL;
    assert_int_equal(vt_sh(&mail, "%s outbox --db '%s' %s", vt_bin(), db, email), 0);
    assert_null(strstr(mail, "evil.example"));
    free(mail);
    link_of(email, "reset", tok);
    snprintf(path, sizeof path, "/reset/%s", tok);
    snprintf(body, sizeof body, "csrf=%s&password=%s&confirm=%s", csrf, PW, PW);
    h = http(1, "POST", path, body, cookie, NULL);
    assert_int_equal(h.status, 303);
    hfree(&h);
    h = http(0, "POST", path, body, cookie, NULL);
    assert_int_equal(h.status, 404); /* used */
    hfree(&h);
    /* the reset ended the sessions the user had */
    h = http(1, "GET", "/account", NULL, w.cookie, NULL);
    assert_int_equal(h.status, 303);
    hfree(&h);

    /* an expired link opens nothing */
    vcm_store *s;
    char err[512], hash[VCM_TOKEN_HEX];
    assert_non_null(s = vcm_store_open(db, err, sizeof err));
    assert_int_equal(vcm_token_new(tok), 0);
    vcm_token_digest(tok, hash);
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(vcm_link_add(s, hash, id, "reset", now - 7200, now - 3600), 0);
    vcm_store_close(s);
    snprintf(path, sizeof path, "/reset/%s", tok);
    h = http(0, "GET", path, NULL, NULL, NULL);
    assert_int_equal(h.status, 404);
    hfree(&h);
    h = http(0, "POST", path, body, cookie, NULL);
    assert_int_equal(h.status, 404);
    hfree(&h);
    /* nor does an invitation used as a reset link */
    char email2[64];
    add_user(fresh_email(email2, sizeof email2, "kind"), "editor", 0, false);
    link_of(email2, "invite", tok);
    snprintf(path, sizeof path, "/reset/%s", tok);
    h = http(0, "GET", path, NULL, NULL, NULL);
    assert_int_equal(h.status, 404);
    hfree(&h);
    /* a weak password is refused beside its field, and the link stays unused */
    snprintf(path, sizeof path, "/invite/%s", tok);
    snprintf(body, sizeof body, "csrf=%s&password=password1234&confirm=password1234", csrf);
    h = http(0, "POST", path, body, cookie, NULL);
    assert_int_equal(h.status, 400);
    assert_non_null(strstr(h.body, "field-error"));
    hfree(&h);
    h = http(0, "GET", path, NULL, NULL, NULL);
    assert_int_equal(h.status, 200);
    hfree(&h);
}

static void test_api_token_revoked_at_once(void **state)
{
    (void)state;
    char email[64], body[512], auth[128], tok[VCM_TOKEN_HEX];
    add_user(fresh_email(email, sizeof email, "api"), "contributor", museum_b, true);
    struct who w;
    login(0, email, &w);
    snprintf(body, sizeof body, "csrf=%s&name=script&scope=read", w.csrf);
    struct hres h = http(0, "POST", "/account/tokens", body, w.cookie, NULL);
    assert_int_equal(h.status, 200);
    assert_true(hex_after(h.body, "<code>", tok));
    hfree(&h);
    /* only its hash is stored */
    char *out = NULL;
    assert_int_equal(vt_db_sql(&out, db, "SELECT hash FROM tokens"), 0);
    assert_null(strstr(out, tok));
    free(out);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
    h = http(1, "GET", "/api/v1/me", NULL, NULL, auth);
    assert_int_equal(h.status, 200);
    assert_non_null(strstr(h.body, email));
    hfree(&h);
    /* the bearer token works only under /api/ */
    h = http(1, "GET", "/account", NULL, NULL, auth);
    assert_int_equal(h.status, 303);
    hfree(&h);
    /* last use shown */
    h = http(0, "GET", "/account", NULL, w.cookie, NULL);
    assert_int_equal(h.status, 200);
    assert_non_null(strstr(h.body, " UTC</td>"));
    hfree(&h);
    assert_int_equal(vt_db_sql(&out, db, "SELECT id FROM tokens WHERE name = 'script'"), 0);
    char path[128];
    snprintf(path, sizeof path, "/account/tokens/%d/revoke", atoi(out));
    free(out);
    snprintf(body, sizeof body, "csrf=%s", w.csrf);
    h = http(0, "POST", path, body, w.cookie, NULL);
    assert_int_equal(h.status, 303);
    hfree(&h);
    h = http(1, "GET", "/api/v1/me", NULL, NULL, auth);
    assert_int_equal(h.status, 401);
    hfree(&h);
    /* the audit log has the token's creation and use, never the token */
    assert_int_equal(vt_sh(&out, "%s audit export --db '%s' -", vt_bin(), db), 0);
    assert_non_null(strstr(out, "\"event\":\"token.created\""));
    assert_non_null(strstr(out, "\"event\":\"token.used\""));
    assert_non_null(strstr(out, "\"event\":\"login\""));
    assert_null(strstr(out, tok));
    assert_null(strstr(out, PW));
    free(out);
}

/* vcm user list and disable: a disabled user's sessions end at once. */
static void test_cli_disable(void **state)
{
    (void)state;
    char email[64], *out = NULL;
    add_user(fresh_email(email, sizeof email, "cli"), "contributor", museum_b, true);
    struct who w;
    login(0, email, &w);
    assert_int_equal(vt_sh(&out, "%s user disable --db '%s' %s", vt_bin(), db, email), 0);
    free(out);
    for (int k = 0; k < 2; k++) {
        struct hres h = http(k, "GET", "/account", NULL, w.cookie, NULL);
        assert_int_equal(h.status, 303);
        hfree(&h);
    }
    char list_museum[32];
    snprintf(list_museum, sizeof list_museum, "%lld", (long long)museum_b);
    assert_int_equal(vt_sh(&out, "%s user list --db '%s' %s", vt_bin(), db, list_museum), 0);
    char line[128];
    snprintf(line, sizeof line, "\t%s\t", email);
    const char *row = strstr(out, line);
    assert_non_null(row);
    const char *eol = strchr(row, '\n');
    assert_non_null(eol);
    assert_true(eol - row > 9 && strncmp(eol - 9, "\tdisabled", 9) == 0);
    free(out);
    /* nor can the user sign in again */
    char csrf[VCM_TOKEN_HEX], body[512], cookie[128];
    anon_csrf(1, csrf);
    snprintf(body, sizeof body, "csrf=%s&email=%s&password=%s", csrf, email, PW);
    snprintf(cookie, sizeof cookie, "vcm_csrf=%s", csrf);
    struct hres h = http(1, "POST", "/login", body, cookie, NULL);
    assert_int_equal(h.status, 400);
    hfree(&h);
    /* bad use of the command is a usage error naming what is wrong */
    assert_int_equal(vt_sh(&out, "%s user add --db '%s' x@example.org X editor 3", vt_bin(), db), 2);
    assert_non_null(strstr(out, "belongs to no museum"));
    free(out);
    assert_int_equal(vt_sh(&out, "%s user disable --db '%s' nobody@example.org", vt_bin(), db), 1);
    assert_non_null(strstr(out, "no account"));
    free(out);
}

/* ---- operational writes and the data version -------------------------------------- */

static void test_operational_writes_keep_data_version(void **state)
{
    (void)state;
    char err[512];
    vcm_store *s1 = vcm_store_open(db, err, sizeof err), *s2 = vcm_store_open(db, err, sizeof err);
    assert_non_null(s1);
    assert_non_null(s2);
    int64_t v1, v2, w1, w2;
    assert_int_equal(s1->ops->data_version(s1, &v1), 0);
    assert_int_equal(s2->ops->data_version(s2, &v2), 0);
    vcm_audit e = {.event = "test", .subject = "x"};
    assert_int_equal(vcm_audit_add(s1, &e), 0);
    assert_int_equal(vcm_throttle_fail(s1, "a:nobody@example.org", 1), 0);
    assert_int_equal(vcm_throttle_clear(s1, "a:nobody@example.org"), 0);
    int64_t mid;
    assert_int_equal(vcm_outbox_add(s1, "x@example.org", "s", "b", &mid), 0);
    assert_int_equal(vcm_outbox_failed(s1, mid, "421 away", 5, false), 0);
    assert_int_equal(s1->ops->data_version(s1, &w1), 0);
    assert_int_equal(s2->ops->data_version(s2, &w2), 0);
    assert_true(v1 == w1);
    assert_true(v2 == w2);
    /* a content write does move it, for the other connection too */
    assert_int_equal(vcm_store_begin(s1), 0);
    assert_int_equal(s1->ops->meta_put(s1, "test", "1"), 0);
    vcm_museum m;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    assert_int_equal(s1->ops->museum_get(s1, &a, museum_a, &m), 1);
    assert_int_equal(s1->ops->museum_put(s1, &m), 0);
    assert_int_equal(vcm_store_commit(s1), 0);
    assert_int_equal(s2->ops->data_version(s2, &w2), 0);
    assert_true(v2 != w2);
    vcm_arena_release(&a);
    vcm_store_close(s1);
    vcm_store_close(s2);
}

/* The outbox, as the sender will use it: due, failed with a next try, sent. */
static void test_outbox(void **state)
{
    (void)state;
    char err[512];
    vcm_store *s = vcm_store_open(db, err, sizeof err);
    assert_non_null(s);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int64_t id;
    assert_int_equal(vcm_outbox_add(s, "due@example.org", "Subject", "Body", &id), 0);
    vcm_mail *m;
    size_t n;
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(vcm_outbox_due(s, &a, now, 1000, &m, &n), 0);
    bool seen = false;
    for (size_t i = 0; i < n; i++)
        seen = seen || m[i].id == id;
    assert_true(seen);
    assert_int_equal(vcm_outbox_failed(s, id, "connection refused", now + 60, false), 0);
    assert_int_equal(vcm_outbox_due(s, &a, now, 1000, &m, &n), 0);
    for (size_t i = 0; i < n; i++)
        assert_true(m[i].id != id); /* waits for its next try */
    assert_int_equal(vcm_outbox_due(s, &a, now + 61, 1000, &m, &n), 0);
    seen = false;
    for (size_t i = 0; i < n; i++)
        if (m[i].id == id) {
            seen = true;
            assert_int_equal(m[i].tries, 1);
            assert_string_equal(m[i].last_error, "connection refused");
        }
    assert_true(seen);
    assert_int_equal(vcm_outbox_sent(s, id, now + 61), 0);
    assert_int_equal(vcm_outbox_list(s, &a, "due@example.org", 10, &m, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(m[0].state, "sent");
    assert_int_equal(m[0].tries, 2);
    vcm_arena_release(&a);
    vcm_store_close(s);
}

/* ---- throttling (last: it throttles 127.0.0.1 as an address too) ----------------------- */

static void test_throttled_across_nodes(void **state)
{
    (void)state;
    char email[64], csrf[VCM_TOKEN_HEX], body[512], cookie[128];
    add_user(fresh_email(email, sizeof email, "throttle"), "editor", 0, true);
    anon_csrf(0, csrf);
    snprintf(cookie, sizeof cookie, "vcm_csrf=%s", csrf);
    snprintf(body, sizeof body, "csrf=%s&email=%s&password=wrong-password-123", csrf, email);
    int throttled = 0;
    for (int i = 0; i < 20; i++) {
        struct hres h = http(i % 2, "POST", "/login", body, cookie, NULL);
        assert_true(h.status == 400 || h.status == 429);
        throttled += h.status == 429;
        hfree(&h);
    }
    assert_true(throttled > 0);
    /* the right password is refused too, on either node, until the wait is over */
    snprintf(body, sizeof body, "csrf=%s&email=%s&password=%s", csrf, email, PW);
    for (int k = 0; k < 2; k++) {
        struct hres h = http(k, "POST", "/login", body, cookie, NULL);
        assert_int_equal(h.status, 429);
        assert_non_null(strstr(h.headers, "Retry-After:"));
        assert_null(strstr(h.headers, "vcm_session="));
        hfree(&h);
    }
    char *out = NULL;
    assert_int_equal(vt_sh(&out, "%s audit export --db '%s' -", vt_bin(), db), 0);
    assert_non_null(strstr(out, "\"event\":\"login.failed\""));
    assert_non_null(strstr(out, "\"event\":\"login.throttled\""));
    assert_null(strstr(out, "wrong-password-123"));
    free(out);
}

/* ---- the rules themselves -------------------------------------------------------------- */

/* ---- who sees a loan ------------------------------------------------------------- */

/* A loan between museums B and C: its page, the list and the API show it
 * to B's users, the editors and the secretariat, and to nobody of museum A
 * (404, as if there were none); /network/loans is for members only. */
static void test_loan_visibility(void **state)
{
    (void)state;
    vcm_store *s = open_db();
    vcm_loan l = {.lender_id = third_museum(s), .borrower_id = museum_b, .reason = "Seen",
                  .start = "2031-01-01", .end = "2031-01-31", .venue = "Hall"};
    vcm_loan_line line = {.inventory = "SEEN-1"};
    vcm_refusal why;
    assert_int_equal(vcm_loan_create(s, &l, &line, 1, "test", &why), 0);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_loan got;
    assert_int_equal(vcm_loan_get(s, &a, l.id, &got, NULL, NULL), 1);
    vcm_store_close(s);
    char page[64], api[64];
    snprintf(page, sizeof page, "/network/loans/%lld", (long long)l.id);
    snprintf(api, sizeof api, "/api/v1/network/loans/%lld", (long long)l.id);
    const struct {
        const char *role;
        int64_t museum;
        bool sees;
    } who[] = {{"contributor", museum_a, false}, {"museum_admin", museum_a, false},
               {"contributor", museum_b, true},  {"editor", 0, true},
               {"secretariat", 0, true}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        char email[64];
        struct who w;
        add_user(fresh_email(email, sizeof email, "seer"), who[i].role, who[i].museum, true);
        login(0, email, &w);
        struct hres h = http(0, "GET", page, NULL, w.cookie, NULL);
        if (h.status != (who[i].sees ? 200 : 404))
            fail_msg("%s of %lld: %s answered %ld", who[i].role, (long long)who[i].museum,
                     page, h.status);
        hfree(&h);
        h = http(1, "GET", api, NULL, w.cookie, NULL);
        assert_int_equal(h.status, who[i].sees ? 200 : 404);
        hfree(&h);
        h = http(0, "GET", "/network/loans", NULL, w.cookie, NULL);
        assert_int_equal(h.status, 200);
        assert_int_equal(strstr(h.body, got.number) != NULL, who[i].sees);
        hfree(&h);
    }
    /* anonymous: sent to sign in; the API says 401 */
    struct hres h = http(0, "GET", "/network/loans", NULL, NULL, NULL);
    assert_int_equal(h.status, 303);
    assert_non_null(strstr(h.headers, "/login"));
    hfree(&h);
    h = http(0, "GET", page, NULL, NULL, NULL);
    assert_int_equal(h.status, 303);
    hfree(&h);
    h = http(0, "GET", "/api/v1/network/loans", NULL, NULL, NULL);
    assert_int_equal(h.status, 401);
    hfree(&h);
    /* the exhibitions and the exchange programme are public */
    h = http(0, "GET", "/network/exhibitions", NULL, NULL, NULL);
    assert_int_equal(h.status, 200);
    hfree(&h);
    h = http(0, "GET", "/network/exchange", NULL, NULL, NULL);
    assert_int_equal(h.status, 200);
    hfree(&h);
    vcm_arena_release(&a);
}

static void test_authz_rules(void **state)
{
    (void)state;
    vcm_user c = {.id = 1, .role = VCM_ROLE_CONTRIBUTOR, .museum_id = 7};
    vcm_user ed = {.id = 2, .role = VCM_ROLE_EDITOR};
    vcm_user other = {.id = 3, .role = VCM_ROLE_MUSEUM_ADMIN, .museum_id = 8};
    vcm_user off = {.id = 4, .role = VCM_ROLE_SECRETARIAT, .disabled = true};
    vcm_authz_res draft = {.museum_id = 7, .draft = true};
    vcm_authz_res pub = {.museum_id = 7};
    /* a museum's drafts: that museum and the editors */
    assert_true(vcm_authz_allow(&c, "record.read", &draft));
    assert_true(vcm_authz_allow(&ed, "record.read", &draft));
    assert_false(vcm_authz_allow(&other, "record.read", &draft));
    assert_false(vcm_authz_allow(NULL, "record.read", &draft));
    assert_true(vcm_authz_allow(NULL, "record.read", &pub));
    assert_true(vcm_authz_allow(&c, "record.draft", &draft));
    assert_false(vcm_authz_allow(&other, "record.draft", &draft));
    assert_false(vcm_authz_allow(&c, "record.publish", &draft));
    assert_true(vcm_authz_allow(&ed, "record.publish", &draft));
    /* a disabled user is nobody; an unknown action is nobody's */
    assert_false(vcm_authz_allow(&off, "audit.read", NULL));
    assert_false(vcm_authz_allow(&ed, "no.such.action", NULL));
    /* a museum admin gives no network role, and does not disable themself */
    vcm_authz_res give_editor = {.museum_id = 8, .role = VCM_ROLE_EDITOR};
    assert_false(vcm_authz_allow(&other, "user.invite", &give_editor));
    vcm_authz_res self = {.museum_id = 8, .user_id = 3, .role = VCM_ROLE_MUSEUM_ADMIN};
    assert_false(vcm_authz_allow(&other, "user.disable", &self));
    for (const char *const *a = vcm_authz_actions; *a; a++)
        assert_false(vcm_authz_allow(NULL, *a, &draft) &&
                     strncmp(*a, "user.", 5) == 0); /* no anonymous user management */
    /* a visitor account: what an anonymous visitor may, and its own account
     * and collections; nothing of the staff's, whatever the resource */
    vcm_user v = {.id = 9, .role = VCM_ROLE_VISITOR};
    static const char *const own_only[] = {"session.end", "account.read", "account.password",
                                           "account.sessions_end", "my.read", "my.edit",
                                           "my.share", NULL};
    vcm_authz_res mine = {.user_id = 9, .museum_id = 7};
    vcm_authz_res theirs = {.user_id = 1, .museum_id = 7, .draft = true};
    for (const char *const *a = vcm_authz_actions; *a; a++) {
        bool own = false;
        for (const char *const *o = own_only; *o; o++)
            own = own || strcmp(*o, *a) == 0;
        if (vcm_authz_allow(&v, *a, &mine) != (vcm_authz_allow(NULL, *a, &mine) || own))
            fail_msg("a visitor account and '%s' on its own", *a);
        if (vcm_authz_allow(&v, *a, &theirs) != vcm_authz_allow(NULL, *a, &theirs))
            fail_msg("a visitor account and '%s' on another's", *a);
    }
    assert_false(vcm_authz_allow(&v, "token.create", NULL));
    assert_false(vcm_authz_allow(&v, "comment.moderate", NULL));
    assert_true(vcm_authz_allow(&ed, "comment.moderate", NULL));
    assert_true(vcm_authz_allow(&ed, "my.review", NULL));
    /* a cookie's collection: its holder only */
    vcm_authz_res held = {.holder = true}, not_held = {0};
    assert_true(vcm_authz_allow(NULL, "my.edit", &held));
    assert_false(vcm_authz_allow(NULL, "my.edit", &not_held));
    assert_false(vcm_authz_allow(&ed, "my.edit", &not_held));
}

int main(void)
{
    vcm_log_set_level(VCM_LOG_OFF);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_authz_rules),
        cmocka_unit_test(test_authorization_matrix),
        cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_sessions_across_nodes),
        cmocka_unit_test(test_invite_and_reset_links),
        cmocka_unit_test(test_api_token_revoked_at_once),
        cmocka_unit_test(test_cli_disable),
        cmocka_unit_test(test_operational_writes_keep_data_version),
        cmocka_unit_test(test_outbox),
        /* before the throttling test, which leaves the address throttled */
        cmocka_unit_test(test_loan_visibility),
        cmocka_unit_test(test_throttled_across_nodes),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
