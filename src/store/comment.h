/* Comments on objects in the store (store/comment.c, schema 018).
 *
 * A comment is 'pending' when posted, until an editor approves it
 * ('approved') or refuses it ('refused'); the spam filter may refuse it at
 * once (spam: the rule, web/comments.c). Only approved comments are ever
 * read for a public page, feed or API answer: vcm_comments_public is the
 * one function that reads them for that, and it selects on the state in
 * SQL. Every step is a line of comment_events (the history the editors see).
 *
 * Comments are content (main file, data-version triggers): approving one
 * changes the object's page, so the page caches follow.
 *
 * Functions return 0 (or 1 found / 0 not found) and -1 on error, with the
 * message in vcm_store_error(s). Strings read come from the arena given. */
#ifndef VCM_STORE_COMMENT_H
#define VCM_STORE_COMMENT_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"

#define VCM_COMMENT_NAME_MAX 80    /* bytes of the name given */
#define VCM_COMMENT_BODY_MAX 4000  /* bytes of a comment */

typedef struct vcm_comment {
    int64_t id, object_id;
    const char *name, *body;
    int64_t author_user;   /* a visitor account, or 0 */
    const char *visitor;   /* the visitor cookie's hash, or NULL */
    const char *address;   /* the client's address */
    const char *state;     /* "pending", "approved", "refused" */
    const char *spam;      /* the spam rule that refused it, or NULL */
    int64_t created, decided;
} vcm_comment;

typedef struct vcm_comment_event {
    int64_t id, comment_id, time, actor_id;
    const char *actor, *event, *reason;
} vcm_comment_event;

/* Adds c (state "pending", or "refused" with c->spam set) and its history
 * ("posted", and "held" when refused by the filter) in one transaction;
 * sets c->id and c->created. An object that does not exist is an error. */
int vcm_comment_add(vcm_store *s, vcm_comment *c);
int vcm_comment_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_comment *out);
/* The approved comments of an object, oldest first: the only reader of
 * comments for what the public sees. */
int vcm_comments_public(vcm_store *s, vcm_arena *a, int64_t object_id, vcm_comment **out,
                        size_t *n);
/* Comments in state, for the moderation queue: pending ones oldest first,
 * others newest first; at most max. */
int vcm_comments_queue(vcm_store *s, vcm_arena *a, const char *state, int max,
                       vcm_comment **out, size_t *n);
/* The bodies of the comments posted since `since` by this visitor cookie or
 * from this address (either may be NULL), newest first, at most max (the
 * spam filter's "repeated text" rule). */
int vcm_comments_recent(vcm_store *s, vcm_arena *a, const char *visitor, const char *address,
                        int64_t since, int max, const char ***out, size_t *n);
/* An editor's decision ("approved" or "refused", from any state but the
 * same), with its line of history: 1 done, 0 when there is no such comment
 * or it is in that state already. */
int vcm_comment_decide(vcm_store *s, int64_t id, const char *state, int64_t actor_id,
                       const char *actor, const char *reason);
/* A comment's history, oldest first. */
int vcm_comment_events(vcm_store *s, vcm_arena *a, int64_t id, vcm_comment_event **out,
                       size_t *n);
#endif
