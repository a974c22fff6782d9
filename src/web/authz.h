/* Authorization in one place: vcm_authz_allow decides every action on
 * every resource. Every route that changes state names its action when it
 * is registered (the router refuses it otherwise), the request's wrapper
 * (account.c) asks this function before the handler runs, and the handler
 * asks it again with the resource it loaded. Deny by default: an action
 * this file does not know is refused to everyone. The matrix, in words,
 * is in docs/accounts.md; tests/web/test_accounts.c checks every state-
 * changing route of the site against it. */
#ifndef VCM_WEB_AUTHZ_H
#define VCM_WEB_AUTHZ_H
#include <stdbool.h>
#include <stdint.h>

#include "model/user.h"

/* What an action is done to. Fields that do not apply stay 0. */
typedef struct vcm_authz_res {
    int64_t museum_id; /* the museum it belongs to */
    int64_t user_id;   /* the account it is about (a user managed, a token's owner) */
    vcm_role role;     /* a role given (an invitation, a change of role), or the
                        * role of the user acted on */
    bool draft;        /* a record not yet published */
    bool holder;       /* the request holds the secret that names it (the visitor
                        * cookie of a collection, its share link) */
} vcm_authz_res;

/* Whether u (NULL, or role NONE: an anonymous visitor; a disabled user
 * counts as anonymous) may do action to res (NULL: the action in general,
 * before a resource is known: true when some resource would be allowed). */
bool vcm_authz_allow(const vcm_user *u, const char *action, const vcm_authz_res *res);

/* Every action id the site knows, NULL-terminated (docs and tests). */
extern const char *const vcm_authz_actions[];
#endif
