/* Comments on objects and their moderation (store/comment.h). The SQL is
 * the same on both engines. */
#include <string.h>

#include "store/comment.h"
#include "store/store_int.h"
#include "core/banned.h"

enum {
    C_ADD, C_EVENT, C_GET, C_PUBLIC, C_QUEUE_PENDING, C_QUEUE_OTHER, C_RECENT, C_DECIDE,
    C_EVENTS, C_OBJECT,
    C_COUNT
};
#define COMMENT_SLOT (SLOT_VISITORS + 64) /* after my.c's */
_Static_assert(COMMENT_SLOT + C_COUNT <= SLOT_OWN_END, "too few visitors' slots");

#define COLS                                                                                  \
    "id, object_id, name, body, author_user, visitor, address, state, spam, created, decided"

static const char *const sql[C_COUNT] = {
    [C_ADD] = "INSERT INTO comments(object_id, name, body, author_user, visitor, address, "
              "state, spam, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
    [C_EVENT] = "INSERT INTO comment_events(comment_id, time, actor_id, actor, event, reason) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [C_GET] = "SELECT " COLS " FROM comments WHERE id = ?1",
    /* the state is in the statement, not left to the caller */
    [C_PUBLIC] = "SELECT " COLS " FROM comments WHERE object_id = ?1 AND state = 'approved' "
                 "ORDER BY created, id",
    [C_QUEUE_PENDING] = "SELECT " COLS " FROM comments WHERE state = ?1 ORDER BY id LIMIT ?2",
    [C_QUEUE_OTHER] = "SELECT " COLS " FROM comments WHERE state = ?1 "
                      "ORDER BY coalesce(decided, created) DESC, id DESC LIMIT ?2",
    [C_RECENT] = "SELECT body FROM comments WHERE created >= ?3 AND (visitor = ?1 OR "
                 "address = ?2) ORDER BY id DESC LIMIT ?4",
    [C_DECIDE] = "UPDATE comments SET state = ?2, decided = ?3 WHERE id = ?1 AND state <> ?2 "
                 "RETURNING id",
    [C_EVENTS] = "SELECT id, comment_id, time, actor_id, actor, event, reason "
                 "FROM comment_events WHERE comment_id = ?1 ORDER BY id",
    [C_OBJECT] = "SELECT count(*) FROM objects WHERE id = ?1",
};

static vcm_stmt *st(store *s, int k)
{
    return vcm_st_slot(s, COMMENT_SLOT + (unsigned)k, sql[k]);
}

static void read_comment(store *s, vcm_arena *a, vcm_stmt *q, vcm_comment *c)
{
    memset(c, 0, sizeof *c);
    c->id = s->d->col_int(q, 0);
    c->object_id = s->d->col_int(q, 1);
    c->name = vcm_col_dup(s, a, q, 2);
    c->body = vcm_col_dup(s, a, q, 3);
    c->author_user = vcm_col_int0(s, q, 4);
    c->visitor = vcm_col_dup(s, a, q, 5);
    c->address = vcm_col_dup(s, a, q, 6);
    c->state = vcm_col_dup(s, a, q, 7);
    c->spam = vcm_col_dup(s, a, q, 8);
    c->created = s->d->col_int(q, 9);
    c->decided = vcm_col_int0(s, q, 10);
}

static int read_comments(store *s, vcm_arena *a, vcm_stmt *q, vcm_comment **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_comment *nv = vcm_grow(a, *out, n, sizeof **out);
        if (!nv) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory");
        }
        *out = nv;
        read_comment(s, a, q, &nv[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read comments");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int event(store *s, int64_t id, int64_t now, int64_t actor_id, const char *actor,
                 const char *what, const char *reason)
{
    vcm_stmt *q = st(s, C_EVENT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_int(q, 2, now);
    if (actor_id)
        s->d->bind_int(q, 3, actor_id);
    else
        s->d->bind_null(q, 3);
    vcm_bind_opt(s, q, 4, actor);
    s->d->bind_text(q, 5, what);
    vcm_bind_opt(s, q, 6, reason);
    return vcm_run(s, q, "cannot write a comment's history");
}

int vcm_comment_add(vcm_store *b, vcm_comment *c)
{
    store *s = S(b);
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    int rc = -1;
    int64_t now = vcm_now(), found;
    vcm_stmt *q = st(s, C_OBJECT);
    if (!q)
        goto out;
    s->d->bind_int(q, 1, c->object_id);
    if (vcm_first_int(s, q, "cannot look the object up", &found) < 0)
        goto out;
    if (!found) {
        vcm_store_fail(b, "no object has id %lld", (long long)c->object_id);
        goto out;
    }
    if (!(q = st(s, C_ADD)))
        goto out;
    s->d->bind_int(q, 1, c->object_id);
    s->d->bind_text(q, 2, c->name);
    s->d->bind_text(q, 3, c->body);
    if (c->author_user)
        s->d->bind_int(q, 4, c->author_user);
    else
        s->d->bind_null(q, 4);
    vcm_bind_opt(s, q, 5, c->visitor);
    vcm_bind_opt(s, q, 6, c->address);
    s->d->bind_text(q, 7, c->state ? c->state : "pending");
    vcm_bind_opt(s, q, 8, c->spam);
    s->d->bind_int(q, 9, now);
    if (vcm_returning(s, q, "cannot add a comment", &c->id) != 1)
        goto out;
    c->created = now;
    if (event(s, c->id, now, c->author_user, c->name, "posted", NULL) < 0)
        goto out;
    if (c->spam && event(s, c->id, now, 0, NULL, "held", c->spam) < 0)
        goto out;
    rc = 0;
out:
    return vcm_tx_end(s, own, rc);
}

int vcm_comment_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_comment *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, C_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read a comment");
    if (rc == 1)
        read_comment(s, a, q, out);
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_comments_public(vcm_store *b, vcm_arena *a, int64_t object_id, vcm_comment **out,
                        size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, C_PUBLIC);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, object_id);
    return read_comments(s, a, q, out, n);
}

int vcm_comments_queue(vcm_store *b, vcm_arena *a, const char *state, int max,
                       vcm_comment **out, size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, strcmp(state, "pending") == 0 ? C_QUEUE_PENDING : C_QUEUE_OTHER);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, state);
    s->d->bind_int(q, 2, max);
    return read_comments(s, a, q, out, n);
}

int vcm_comments_recent(vcm_store *b, vcm_arena *a, const char *visitor, const char *address,
                        int64_t since, int max, const char ***out, size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, C_RECENT);
    *out = NULL;
    *n = 0;
    if (!q)
        return -1;
    vcm_bind_opt(s, q, 1, visitor);
    vcm_bind_opt(s, q, 2, address);
    s->d->bind_int(q, 3, since);
    s->d->bind_int(q, 4, max);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        const char **nv = vcm_grow(a, (void *)*out, n, sizeof **out);
        if (!nv) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = nv;
        nv[*n - 1] = vcm_col_dup(s, a, q, 0);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read recent comments");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_comment_decide(vcm_store *b, int64_t id, const char *state, int64_t actor_id,
                       const char *actor, const char *reason)
{
    store *s = S(b);
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    int64_t now = vcm_now();
    int rc = -1;
    vcm_stmt *q = st(s, C_DECIDE);
    if (!q)
        goto out;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, state);
    s->d->bind_int(q, 3, now);
    if ((rc = vcm_returning(s, q, "cannot decide on a comment", NULL)) == 1 &&
        event(s, id, now, actor_id, actor, state, reason) < 0)
        rc = -1;
out:
    return vcm_tx_end(s, own, rc);
}

int vcm_comment_events(vcm_store *b, vcm_arena *a, int64_t id, vcm_comment_event **out,
                       size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, C_EVENTS);
    *out = NULL;
    *n = 0;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_comment_event *nv = vcm_grow(a, *out, n, sizeof **out);
        if (!nv) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = nv;
        vcm_comment_event *e = &nv[*n - 1];
        e->id = s->d->col_int(q, 0);
        e->comment_id = s->d->col_int(q, 1);
        e->time = s->d->col_int(q, 2);
        e->actor_id = vcm_col_int0(s, q, 3);
        e->actor = vcm_col_dup(s, a, q, 4);
        e->event = vcm_col_dup(s, a, q, 5);
        e->reason = vcm_col_dup(s, a, q, 6);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read a comment's history");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}
