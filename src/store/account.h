/* Accounts in the store: users, sessions, login throttles, API tokens,
 * invitation and reset links, the audit log (store/account.c).
 *
 * Every table here is operational (schema 009): on SQLite they live in the
 * attached file PATH-ops, on PostgreSQL they have no data-version trigger,
 * so none of these writes empties a content cache. Each write is one
 * statement run on its own (never inside the store's begin/commit), which
 * is what keeps SQLite's count of this connection's content commits true
 * (drv_sqlite.c) and makes each step atomic across nodes: a throttle step
 * is one upsert, a link is used by one UPDATE … RETURNING.
 *
 * Secrets never reach these functions: sessions, tokens and links are
 * found by the SHA-256 of the secret (core/token.h), passwords are stored
 * as their Argon2id string.
 *
 * Functions return 0 (or 1 found / 0 not found) and -1 on error, with the
 * message in vcm_store_error(s). Strings read come from the arena given. */
#ifndef VCM_STORE_ACCOUNT_H
#define VCM_STORE_ACCOUNT_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/user.h"
#include "store/store.h"

/* Adds u (email, name, role, museum_id, password_hash may be NULL) and sets
 * u->id. Returns 0, -2 when the e-mail address is taken, -1 on error; a
 * museum_id that names no museum is an error. */
int vcm_user_add(vcm_store *s, vcm_user *u);
int vcm_user_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_user *out);
int vcm_user_by_email(vcm_store *s, vcm_arena *a, const char *email, vcm_user *out);
/* Users of one museum (museum_id > 0) or all (0), by e-mail address. */
int vcm_user_list(vcm_store *s, vcm_arena *a, int64_t museum_id, vcm_user **out, size_t *n);
int vcm_user_set_password(vcm_store *s, int64_t id, const char *hash);
int vcm_user_set_disabled(vcm_store *s, int64_t id, bool disabled);
int vcm_user_set_role(vcm_store *s, int64_t id, vcm_role role, int64_t museum_id);

/* A signed-in user's session. */
typedef struct vcm_session {
    const char *hash; /* of the cookie's token */
    const char *csrf; /* the token its forms carry */
    int64_t created, last_seen, expires;
    const char *address;
    vcm_user user;
} vcm_session;
int vcm_session_add(vcm_store *s, const vcm_session *ss);
/* The live session of this hash, with its user (1), or 0 when there is
 * none, it has expired or its user is disabled. Marks it seen at now when
 * it was last seen more than a minute ago. */
int vcm_session_get(vcm_store *s, vcm_arena *a, const char *hash, int64_t now,
                    vcm_session *out);
/* A user's live sessions, newest first (their hashes included). */
int vcm_session_list(vcm_store *s, vcm_arena *a, int64_t user_id, int64_t now,
                     vcm_session **out, size_t *n);
int vcm_session_end(vcm_store *s, const char *hash);
/* Ends every session of a user ("log out everywhere", a new password, a
 * disabled account). */
int vcm_session_end_user(vcm_store *s, int64_t user_id);

/* Login throttles, by key ("a:EMAIL", "i:ADDRESS"). */
int vcm_throttle_get(vcm_store *s, const char *key, int64_t *failures, int64_t *last);
int vcm_throttle_fail(vcm_store *s, const char *key, int64_t now);
int vcm_throttle_clear(vcm_store *s, const char *key);

/* Personal API tokens. scope: "read" or "write". */
typedef struct vcm_api_token {
    int64_t id, user_id;
    const char *name, *scope;
    int64_t created, last_used, revoked; /* 0: never */
} vcm_api_token;
int vcm_token_add(vcm_store *s, int64_t user_id, const char *name, const char *hash,
                  const char *scope, int64_t *id);
/* The token of this hash if it is not revoked (1), with its user; records
 * its use at now. */
int vcm_token_use(vcm_store *s, vcm_arena *a, const char *hash, int64_t now,
                  vcm_api_token *tok, vcm_user *user);
int vcm_token_list(vcm_store *s, vcm_arena *a, int64_t user_id, vcm_api_token **out,
                   size_t *n);
/* The owner of token id: 1, or 0 when there is no such token. */
int vcm_token_owner(vcm_store *s, int64_t id, int64_t *user_id);
/* Revokes token id of user_id: 1, or 0 when the user has no such live token. */
int vcm_token_revoke(vcm_store *s, int64_t user_id, int64_t id, int64_t now);

/* Invitation ("invite") and reset ("reset") links. */
int vcm_link_add(vcm_store *s, const char *hash, int64_t user_id, const char *kind,
                 int64_t now, int64_t expires);
/* Uses the link once: 1 with its user's id when it exists, is of this kind,
 * unused and not expired at now; 0 otherwise (and nothing changes). */
int vcm_link_use(vcm_store *s, const char *hash, const char *kind, int64_t now,
                 int64_t *user_id);
/* Whether such a link would be used (1) without using it. */
int vcm_link_check(vcm_store *s, const char *hash, const char *kind, int64_t now,
                   int64_t *user_id);

/* The audit log. actor_id 0: none (a visitor, the command line). */
typedef struct vcm_audit {
    int64_t id, time, actor_id;
    const char *actor, *event, *subject, *address, *detail;
} vcm_audit;
int vcm_audit_add(vcm_store *s, const vcm_audit *e);
/* Lines with id > after, oldest first, up to max (a page). */
int vcm_audit_list(vcm_store *s, vcm_arena *a, int64_t after, int max, vcm_audit **out,
                   size_t *n);
#endif
