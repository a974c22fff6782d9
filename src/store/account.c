/* Accounts: users, sessions, throttles, API tokens, links, the audit log.
 * The contract and why every write is one statement on its own:
 * store/account.h. The SQL is the same on both engines. */
#include <assert.h>
#include <string.h>

#include "store/account.h"
#include "store/store_int.h"
#include "core/banned.h"

enum {
    A_USER_ADD, A_USER_GET, A_USER_BY_EMAIL, A_USER_LIST, A_USER_PASSWORD, A_USER_DISABLED,
    A_USER_ROLE, A_MUSEUM_EXISTS,
    A_SESSION_ADD, A_SESSION_GET, A_SESSION_SEEN, A_SESSION_LIST, A_SESSION_END,
    A_SESSION_END_USER,
    A_THROTTLE_GET, A_THROTTLE_FAIL, A_THROTTLE_CLEAR,
    A_TOKEN_ADD, A_TOKEN_USE, A_TOKEN_LIST, A_TOKEN_REVOKE, A_TOKEN_OWNER,
    A_LINK_ADD, A_LINK_USE, A_LINK_CHECK,
    A_AUDIT_ADD, A_AUDIT_LIST,
    A_COUNT
};
_Static_assert(SLOT_ACCOUNT + A_COUNT <= SLOT_ACCOUNT + 64, "outbox.c takes the next 64");

#define USER_COLS "id, email, name, role, museum_id, password_hash, disabled, created, updated"
#define USER_COLS_U                                                                           \
    "u.id, u.email, u.name, u.role, u.museum_id, u.password_hash, u.disabled, u.created, "    \
    "u.updated"
#define TOKEN_COLS "id, user_id, name, scope, created, last_used, revoked"

static const char *const sql[A_COUNT] = {
    [A_USER_ADD] = "INSERT INTO users(email, name, role, museum_id, password_hash, disabled, "
                   "created, updated) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?6) RETURNING id",
    [A_USER_GET] = "SELECT " USER_COLS " FROM users WHERE id = ?1",
    [A_USER_BY_EMAIL] = "SELECT " USER_COLS " FROM users WHERE email = ?1",
    [A_USER_LIST] = "SELECT " USER_COLS " FROM users WHERE ?1 = 0 OR museum_id = ?1 "
                    "ORDER BY email",
    [A_USER_PASSWORD] = "UPDATE users SET password_hash = ?2, updated = ?3 WHERE id = ?1",
    [A_USER_DISABLED] = "UPDATE users SET disabled = ?2, updated = ?3 WHERE id = ?1",
    [A_USER_ROLE] = "UPDATE users SET role = ?2, museum_id = ?3, updated = ?4 WHERE id = ?1",
    [A_MUSEUM_EXISTS] = "SELECT count(*) FROM museums WHERE id = ?1",
    [A_SESSION_ADD] = "INSERT INTO sessions(hash, user_id, csrf, created, last_seen, expires, "
                      "address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [A_SESSION_GET] = "SELECT s.hash, s.csrf, s.created, s.last_seen, s.expires, s.address, "
                      USER_COLS_U " FROM sessions s JOIN users u ON u.id = s.user_id "
                      "WHERE s.hash = ?1 AND s.expires > ?2 AND u.disabled = 0",
    [A_SESSION_SEEN] = "UPDATE sessions SET last_seen = ?2 WHERE hash = ?1",
    [A_SESSION_LIST] = "SELECT s.hash, s.csrf, s.created, s.last_seen, s.expires, s.address, "
                       USER_COLS_U " FROM sessions s JOIN users u ON u.id = s.user_id "
                       "WHERE s.user_id = ?1 AND s.expires > ?2 ORDER BY s.created DESC",
    [A_SESSION_END] = "DELETE FROM sessions WHERE hash = ?1",
    [A_SESSION_END_USER] = "DELETE FROM sessions WHERE user_id = ?1",
    [A_THROTTLE_GET] = "SELECT failures, last FROM throttles WHERE key = ?1",
    [A_THROTTLE_FAIL] = "INSERT INTO throttles(key, failures, last) VALUES (?1, 1, ?2) "
                        "ON CONFLICT(key) DO UPDATE SET failures = throttles.failures + 1, "
                        "last = ?2",
    [A_THROTTLE_CLEAR] = "DELETE FROM throttles WHERE key = ?1",
    [A_TOKEN_ADD] = "INSERT INTO tokens(user_id, name, hash, scope, created) "
                    "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
    [A_TOKEN_USE] = "UPDATE tokens SET last_used = ?2 WHERE hash = ?1 AND revoked IS NULL "
                    "RETURNING " TOKEN_COLS,
    [A_TOKEN_LIST] = "SELECT " TOKEN_COLS " FROM tokens WHERE user_id = ?1 ORDER BY id",
    [A_TOKEN_REVOKE] = "UPDATE tokens SET revoked = ?3 WHERE id = ?2 AND user_id = ?1 "
                       "AND revoked IS NULL RETURNING id",
    [A_TOKEN_OWNER] = "SELECT user_id FROM tokens WHERE id = ?1",
    [A_LINK_ADD] = "INSERT INTO links(hash, user_id, kind, created, expires) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)",
    [A_LINK_USE] = "UPDATE links SET used = ?3 WHERE hash = ?1 AND kind = ?2 AND used IS NULL "
                   "AND expires > ?3 RETURNING user_id",
    [A_LINK_CHECK] = "SELECT user_id FROM links WHERE hash = ?1 AND kind = ?2 AND used IS NULL "
                     "AND expires > ?3",
    [A_AUDIT_ADD] = "INSERT INTO audit(time, actor_id, actor, event, subject, address, detail) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [A_AUDIT_LIST] = "SELECT id, time, actor_id, actor, event, subject, address, detail "
                     "FROM audit WHERE id > ?1 ORDER BY id LIMIT ?2",
};

vcm_stmt *vcm_st_slot(store *s, unsigned slot, const char *text)
{
    assert(slot >= SLOT_ACCOUNT && slot < SLOT_OWN_END); /* entry.c, network.c and governance.c too */
    if (vcm_flush(s) < 0)
        return NULL;
    vcm_stmt *q = s->d->prepare(s->c, slot, NULL, 0);
    if (!q && !(q = s->d->prepare(s->c, slot, text, 0)))
        vcm_fail_db(s, "cannot prepare a statement");
    return q;
}

static vcm_stmt *st(store *s, int k)
{
    return vcm_st_slot(s, SLOT_ACCOUNT + (unsigned)k, sql[k]);
}

static int64_t col_int0(store *s, vcm_stmt *q, int i)
{
    return s->d->is_null(q, i) ? 0 : s->d->col_int(q, i);
}

static void read_user(store *s, vcm_arena *a, vcm_stmt *q, int c, vcm_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = s->d->col_int(q, c);
    u->email = vcm_col_dup(s, a, q, c + 1);
    u->name = vcm_col_dup(s, a, q, c + 2);
    const char *role = s->d->col_text(q, c + 3, NULL);
    if (vcm_role_parse(role, &u->role) < 0)
        u->role = VCM_ROLE_NONE; /* the schema's CHECK keeps this from happening */
    u->museum_id = col_int0(s, q, c + 4);
    u->password_hash = vcm_col_dup(s, a, q, c + 5);
    u->disabled = s->d->col_int(q, c + 6) != 0;
    u->created = s->d->col_int(q, c + 7);
    u->updated = s->d->col_int(q, c + 8);
}

/* Steps a statement that answers at most one row; read fills out from it. */
static int one_row(store *s, vcm_stmt *q, const char *what)
{
    int rc = s->d->step(q);
    if (rc < 0) {
        vcm_fail_db(s, what);
        s->d->reset(q);
        return -1;
    }
    return rc == VCM_ROW;
}

/* ---- users ------------------------------------------------------------------ */

int vcm_user_add(vcm_store *b, vcm_user *u)
{
    store *s = S(b);
    if (vcm_role_has_museum(u->role) != (u->museum_id != 0))
        return vcm_store_fail(b, "a %s %s", vcm_role_name(u->role),
                              u->museum_id ? "has no museum" : "needs a museum");
    if (u->museum_id) {
        vcm_stmt *q = st(s, A_MUSEUM_EXISTS);
        int64_t found;
        if (!q)
            return -1;
        s->d->bind_int(q, 1, u->museum_id);
        if (vcm_first_int(s, q, "cannot look the museum up", &found) < 0)
            return -1;
        if (!found)
            return vcm_store_fail(b, "no museum has id %lld", (long long)u->museum_id);
    }
    vcm_stmt *q = st(s, A_USER_ADD);
    if (!q)
        return -1;
    int64_t now = vcm_now();
    s->d->bind_text(q, 1, u->email);
    s->d->bind_text(q, 2, u->name);
    s->d->bind_text(q, 3, vcm_role_name(u->role));
    vcm_bind_id(s, q, 4, u->museum_id);
    s->d->bind_text(q, 5, u->password_hash);
    s->d->bind_int(q, 6, now);
    int rc = s->d->step(q);
    if (rc == VCM_ROW) {
        u->id = s->d->col_int(q, 0);
        u->created = u->updated = now;
        rc = s->d->step(q);
    }
    if (rc == VCM_E_UNIQUE) {
        s->d->reset(q);
        vcm_store_fail(b, "the e-mail address '%s' has an account already", u->email);
        return -2;
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot add a user");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int user_by(store *s, vcm_arena *a, int k, int64_t id, const char *email,
                   vcm_user *out)
{
    vcm_stmt *q = st(s, k);
    if (!q)
        return -1;
    if (email)
        s->d->bind_text(q, 1, email);
    else
        s->d->bind_int(q, 1, id);
    int rc = one_row(s, q, "cannot read a user");
    if (rc == 1)
        read_user(s, a, q, 0, out);
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_user_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_user *out)
{
    return user_by(S(b), a, A_USER_GET, id, NULL, out);
}

int vcm_user_by_email(vcm_store *b, vcm_arena *a, const char *email, vcm_user *out)
{
    return user_by(S(b), a, A_USER_BY_EMAIL, 0, email, out);
}

int vcm_user_list(vcm_store *b, vcm_arena *a, int64_t museum_id, vcm_user **out, size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_USER_LIST);
    *out = NULL;
    *n = 0;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_user *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_user(s, a, q, 0, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list users");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int run3(store *s, int k, int64_t id, const char *t, int64_t i2, bool text,
                const char *what)
{
    vcm_stmt *q = st(s, k);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    if (text)
        s->d->bind_text(q, 2, t);
    else
        s->d->bind_int(q, 2, i2);
    s->d->bind_int(q, 3, vcm_now());
    return vcm_run(s, q, what);
}

int vcm_user_set_password(vcm_store *b, int64_t id, const char *hash)
{
    return run3(S(b), A_USER_PASSWORD, id, hash, 0, true, "cannot set a password");
}

int vcm_user_set_disabled(vcm_store *b, int64_t id, bool disabled)
{
    return run3(S(b), A_USER_DISABLED, id, NULL, disabled, false, "cannot disable a user");
}

int vcm_user_set_role(vcm_store *b, int64_t id, vcm_role role, int64_t museum_id)
{
    store *s = S(b);
    if (vcm_role_has_museum(role) != (museum_id != 0))
        return vcm_store_fail(b, "a %s %s", vcm_role_name(role),
                              museum_id ? "has no museum" : "needs a museum");
    vcm_stmt *q = st(s, A_USER_ROLE);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, vcm_role_name(role));
    vcm_bind_id(s, q, 3, museum_id);
    s->d->bind_int(q, 4, vcm_now());
    return vcm_run(s, q, "cannot change a role");
}

/* ---- sessions --------------------------------------------------------------- */

int vcm_session_add(vcm_store *b, const vcm_session *ss)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_SESSION_ADD);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, ss->hash);
    s->d->bind_int(q, 2, ss->user.id);
    s->d->bind_text(q, 3, ss->csrf);
    s->d->bind_int(q, 4, ss->created);
    s->d->bind_int(q, 5, ss->last_seen);
    s->d->bind_int(q, 6, ss->expires);
    s->d->bind_text(q, 7, ss->address);
    return vcm_run(s, q, "cannot add a session");
}

static void read_session(store *s, vcm_arena *a, vcm_stmt *q, vcm_session *out)
{
    out->hash = vcm_col_dup(s, a, q, 0);
    out->csrf = vcm_col_dup(s, a, q, 1);
    out->created = s->d->col_int(q, 2);
    out->last_seen = s->d->col_int(q, 3);
    out->expires = s->d->col_int(q, 4);
    out->address = vcm_col_dup(s, a, q, 5);
    read_user(s, a, q, 6, &out->user);
}

int vcm_session_get(vcm_store *b, vcm_arena *a, const char *hash, int64_t now,
                    vcm_session *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_SESSION_GET);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, hash);
    s->d->bind_int(q, 2, now);
    int rc = one_row(s, q, "cannot read a session");
    if (rc == 1)
        read_session(s, a, q, out);
    if (rc >= 0)
        s->d->reset(q);
    if (rc == 1 && now - out->last_seen > 60) {
        /* a minute's precision: a write a request would cost the database */
        if (!(q = st(s, A_SESSION_SEEN)))
            return -1;
        s->d->bind_text(q, 1, hash);
        s->d->bind_int(q, 2, now);
        if (vcm_run(s, q, "cannot mark a session seen") < 0)
            return -1;
        out->last_seen = now;
    }
    return rc;
}

int vcm_session_list(vcm_store *b, vcm_arena *a, int64_t user_id, int64_t now,
                     vcm_session **out, size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_SESSION_LIST);
    *out = NULL;
    *n = 0;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, user_id);
    s->d->bind_int(q, 2, now);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_session *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_session(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list sessions");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_session_end(vcm_store *b, const char *hash)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_SESSION_END);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, hash);
    return vcm_run(s, q, "cannot end a session");
}

int vcm_session_end_user(vcm_store *b, int64_t user_id)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_SESSION_END_USER);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, user_id);
    return vcm_run(s, q, "cannot end sessions");
}

/* ---- throttles ---------------------------------------------------------------- */

int vcm_throttle_get(vcm_store *b, const char *key, int64_t *failures, int64_t *last)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_THROTTLE_GET);
    *failures = *last = 0;
    if (!q)
        return -1;
    s->d->bind_text(q, 1, key);
    int rc = one_row(s, q, "cannot read a throttle");
    if (rc == 1) {
        *failures = s->d->col_int(q, 0);
        *last = s->d->col_int(q, 1);
    }
    if (rc >= 0)
        s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_throttle_fail(vcm_store *b, const char *key, int64_t now)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_THROTTLE_FAIL);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, key);
    s->d->bind_int(q, 2, now);
    return vcm_run(s, q, "cannot count a failed sign-in");
}

int vcm_throttle_clear(vcm_store *b, const char *key)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_THROTTLE_CLEAR);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, key);
    return vcm_run(s, q, "cannot clear a throttle");
}

/* ---- API tokens ----------------------------------------------------------------- */

int vcm_token_add(vcm_store *b, int64_t user_id, const char *name, const char *hash,
                  const char *scope, int64_t *id)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_TOKEN_ADD);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, user_id);
    s->d->bind_text(q, 2, name);
    s->d->bind_text(q, 3, hash);
    s->d->bind_text(q, 4, scope);
    s->d->bind_int(q, 5, vcm_now());
    return vcm_first_int(s, q, "cannot add a token", id);
}

static void read_token(store *s, vcm_arena *a, vcm_stmt *q, vcm_api_token *t)
{
    t->id = s->d->col_int(q, 0);
    t->user_id = s->d->col_int(q, 1);
    t->name = vcm_col_dup(s, a, q, 2);
    t->scope = vcm_col_dup(s, a, q, 3);
    t->created = s->d->col_int(q, 4);
    t->last_used = col_int0(s, q, 5);
    t->revoked = col_int0(s, q, 6);
}

int vcm_token_use(vcm_store *b, vcm_arena *a, const char *hash, int64_t now,
                  vcm_api_token *tok, vcm_user *user)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_TOKEN_USE);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, hash);
    s->d->bind_int(q, 2, now);
    int rc = one_row(s, q, "cannot read a token");
    if (rc == 1) {
        read_token(s, a, q, tok);
        rc = s->d->step(q) < 0 ? (vcm_fail_db(s, "cannot read a token"), -1) : 1;
    }
    if (rc >= 0)
        s->d->reset(q);
    if (rc != 1)
        return rc;
    rc = vcm_user_get(b, a, tok->user_id, user);
    return rc == 1 && user->disabled ? 0 : rc;
}

int vcm_token_list(vcm_store *b, vcm_arena *a, int64_t user_id, vcm_api_token **out,
                   size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_TOKEN_LIST);
    *out = NULL;
    *n = 0;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, user_id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_api_token *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_token(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list tokens");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_token_revoke(vcm_store *b, int64_t user_id, int64_t id, int64_t now)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_TOKEN_REVOKE);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, user_id);
    s->d->bind_int(q, 2, id);
    s->d->bind_int(q, 3, now);
    int64_t got;
    if (vcm_first_int(s, q, "cannot revoke a token", &got) < 0)
        return -1;
    return got != 0;
}

int vcm_token_owner(vcm_store *b, int64_t id, int64_t *user_id)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_TOKEN_OWNER);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    if (vcm_first_int(s, q, "cannot read a token", user_id) < 0)
        return -1;
    return *user_id != 0;
}

/* ---- links -------------------------------------------------------------------- */

int vcm_link_add(vcm_store *b, const char *hash, int64_t user_id, const char *kind,
                 int64_t now, int64_t expires)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_LINK_ADD);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, hash);
    s->d->bind_int(q, 2, user_id);
    s->d->bind_text(q, 3, kind);
    s->d->bind_int(q, 4, now);
    s->d->bind_int(q, 5, expires);
    return vcm_run(s, q, "cannot add a link");
}

static int link_do(store *s, int k, const char *hash, const char *kind, int64_t now,
                   int64_t *user_id)
{
    vcm_stmt *q = st(s, k);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, hash);
    s->d->bind_text(q, 2, kind);
    s->d->bind_int(q, 3, now);
    if (vcm_first_int(s, q, "cannot use a link", user_id) < 0)
        return -1;
    return *user_id != 0;
}

int vcm_link_use(vcm_store *b, const char *hash, const char *kind, int64_t now,
                 int64_t *user_id)
{
    return link_do(S(b), A_LINK_USE, hash, kind, now, user_id);
}

int vcm_link_check(vcm_store *b, const char *hash, const char *kind, int64_t now,
                   int64_t *user_id)
{
    return link_do(S(b), A_LINK_CHECK, hash, kind, now, user_id);
}

/* ---- the audit log ------------------------------------------------------------- */

int vcm_audit_add(vcm_store *b, const vcm_audit *e)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_AUDIT_ADD);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, e->time ? e->time : vcm_now());
    vcm_bind_id(s, q, 2, e->actor_id);
    s->d->bind_text(q, 3, e->actor);
    s->d->bind_text(q, 4, e->event);
    s->d->bind_text(q, 5, e->subject);
    s->d->bind_text(q, 6, e->address);
    s->d->bind_text(q, 7, e->detail);
    return vcm_run(s, q, "cannot write the audit log");
}

int vcm_audit_list(vcm_store *b, vcm_arena *a, int64_t after, int max, vcm_audit **out,
                   size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, A_AUDIT_LIST);
    *out = NULL;
    *n = 0;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, after);
    s->d->bind_int(q, 2, max);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_audit *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        vcm_audit *e = &v[*n - 1];
        e->id = s->d->col_int(q, 0);
        e->time = s->d->col_int(q, 1);
        e->actor_id = col_int0(s, q, 2);
        e->actor = vcm_col_dup(s, a, q, 3);
        e->event = vcm_col_dup(s, a, q, 4);
        e->subject = vcm_col_dup(s, a, q, 5);
        e->address = vcm_col_dup(s, a, q, 6);
        e->detail = vcm_col_dup(s, a, q, 7);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read the audit log");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}
