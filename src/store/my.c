/* Visitors' collections (store/my.h). The SQL is the same on both engines;
 * each write is one statement, as the accounts' are (store/account.h). */
#include <assert.h>
#include <string.h>

#include "store/my.h"
#include "store/store_int.h"
#include "core/banned.h"

enum {
    M_LIST_ADD, M_LIST_COUNT, M_LISTS_VISITOR, M_LISTS_USER, M_LIST_GET, M_LIST_SHARE,
    M_LIST_RENAME, M_LIST_DELETE, M_LIST_VIS, M_LIST_VIS_SHARE, M_ITEMS, M_ITEM_COUNT,
    M_ITEM_ADD, M_ITEM_NOTE, M_ITEM_REMOVE, M_ITEM_NEIGHBOUR, M_ITEM_SWAP, M_REVIEW,
    M_DECIDE, M_ATTACH, M_TOUCH,
    M_COUNT
};
_Static_assert(M_COUNT <= 64, "comment.c takes the next 64 slots");

#define LIST_COLS                                                                             \
    "l.id, l.visitor, l.user_id, l.name, l.visibility, l.review, l.share_hash IS NOT NULL, "  \
    "l.created, l.updated, (SELECT count(*) FROM my_items i WHERE i.list_id = l.id)"
#define ITEM_COLS "id, list_id, pos, object_id, media, region, note, created"

static const char *const sql[M_COUNT] = {
    [M_LIST_ADD] = "INSERT INTO my_lists(visitor, user_id, name, created, updated) "
                   "VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id",
    [M_LIST_COUNT] = "SELECT count(*) FROM my_lists WHERE visitor = ?1 OR user_id = ?2",
    [M_LISTS_VISITOR] = "SELECT " LIST_COLS " FROM my_lists l WHERE l.visitor = ?1 ORDER BY l.id",
    [M_LISTS_USER] = "SELECT " LIST_COLS " FROM my_lists l WHERE l.user_id = ?1 ORDER BY l.id",
    [M_LIST_GET] = "SELECT " LIST_COLS " FROM my_lists l WHERE l.id = ?1",
    [M_LIST_SHARE] = "SELECT " LIST_COLS " FROM my_lists l WHERE l.share_hash = ?1 "
                     "AND l.visibility <> 'private'",
    [M_LIST_RENAME] = "UPDATE my_lists SET name = ?2, updated = ?3 WHERE id = ?1",
    [M_LIST_DELETE] = "DELETE FROM my_lists WHERE id = ?1",
    [M_LIST_VIS] = "UPDATE my_lists SET visibility = ?2, review = ?3, updated = ?4 WHERE id = ?1",
    [M_LIST_VIS_SHARE] = "UPDATE my_lists SET visibility = ?2, review = ?3, updated = ?4, "
                         "share_hash = ?5 WHERE id = ?1",
    [M_ITEMS] = "SELECT " ITEM_COLS " FROM my_items WHERE list_id = ?1 ORDER BY pos, id",
    [M_ITEM_COUNT] = "SELECT count(*) FROM my_items WHERE list_id = ?1",
    [M_ITEM_ADD] = "INSERT INTO my_items(list_id, pos, object_id, media, region, note, created) "
                   "SELECT CAST(?1 AS bigint), coalesce(max(pos) + 1, 0), CAST(?2 AS bigint), "
                   "CAST(?3 AS text), CAST(?4 AS text), CAST(?5 AS text), CAST(?6 AS bigint) "
                   "FROM my_items "
                   "WHERE list_id = ?1 RETURNING id",
    [M_ITEM_NOTE] = "UPDATE my_items SET note = ?3 WHERE list_id = ?1 AND id = ?2 RETURNING id",
    [M_ITEM_REMOVE] = "DELETE FROM my_items WHERE list_id = ?1 AND id = ?2 RETURNING id",
    /* the item and its neighbour before (?3 = 0) or after (?3 = 1) it */
    [M_ITEM_NEIGHBOUR] =
        "SELECT a.pos, b.id, b.pos FROM my_items a JOIN my_items b ON b.list_id = a.list_id "
        "WHERE a.list_id = ?1 AND a.id = ?2 AND ((?3 = 0 AND (b.pos < a.pos OR (b.pos = a.pos "
        "AND b.id < a.id))) OR (?3 = 1 AND (b.pos > a.pos OR (b.pos = a.pos AND b.id > a.id)))) "
        "ORDER BY CASE WHEN ?3 = 0 THEN -b.pos ELSE b.pos END, "
        "CASE WHEN ?3 = 0 THEN -b.id ELSE b.id END LIMIT 1",
    /* one statement, so that no one sees half a swap; two items that share
     * a position (none should) are told apart by id, so the swap makes
     * them distinct */
    [M_ITEM_SWAP] = "UPDATE my_items SET pos = CASE WHEN id = ?2 THEN CAST(?3 AS bigint) "
                    "ELSE CAST(?4 AS bigint) END "
                    "WHERE list_id = ?1 AND id IN (?2, ?5)",
    [M_REVIEW] = "SELECT " LIST_COLS " FROM my_lists l WHERE l.review = ?1 "
                 "AND l.visibility = 'published' ORDER BY l.updated, l.id LIMIT ?2",
    [M_DECIDE] = "UPDATE my_lists SET review = ?2 WHERE id = ?1 AND review = 'pending' "
                 "AND visibility = 'published' RETURNING id",
    [M_ATTACH] = "UPDATE my_lists SET visitor = NULL, user_id = ?2, updated = ?3 "
                 "WHERE visitor = ?1 RETURNING id",
    [M_TOUCH] = "UPDATE my_lists SET updated = ?2 WHERE id = ?1",
};

static vcm_stmt *st(store *s, int k)
{
    return vcm_st_slot(s, SLOT_VISITORS + (unsigned)k, sql[k]);
}

static void read_list(store *s, vcm_arena *a, vcm_stmt *q, vcm_my_list *l)
{
    memset(l, 0, sizeof *l);
    l->id = s->d->col_int(q, 0);
    l->visitor = vcm_col_dup(s, a, q, 1);
    l->user_id = vcm_col_int0(s, q, 2);
    l->name = vcm_col_dup(s, a, q, 3);
    l->visibility = vcm_col_dup(s, a, q, 4);
    l->review = vcm_col_dup(s, a, q, 5);
    l->shared = s->d->col_int(q, 6) != 0;
    l->created = s->d->col_int(q, 7);
    l->updated = s->d->col_int(q, 8);
    l->items = s->d->col_int(q, 9);
}

/* Reads every row of q into a growing array of lists. */
static int read_lists(store *s, vcm_arena *a, vcm_stmt *q, vcm_my_list **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_my_list *nv = vcm_grow(a, *out, n, sizeof **out);
        if (!nv) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory");
        }
        *out = nv;
        read_list(s, a, q, &nv[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read collections");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int one_list(store *s, vcm_arena *a, vcm_stmt *q, vcm_my_list *out)
{
    int rc = vcm_one_row(s, q, "cannot read a collection");
    if (rc == 1)
        read_list(s, a, q, out);
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_my_list_add(vcm_store *b, const vcm_my_owner *o, const char *name, int64_t *id)
{
    store *s = S(b);
    assert((o->visitor != NULL) != (o->user_id != 0));
    vcm_stmt *q = st(s, M_LIST_COUNT);
    int64_t have;
    if (!q)
        return -1;
    vcm_bind_text(s, q, 1, o->visitor);
    s->d->bind_int(q, 2, o->user_id ? o->user_id : -1);
    if (vcm_first_int(s, q, "cannot count collections", &have) < 0)
        return -1;
    if (have >= VCM_MY_LISTS_MAX) {
        vcm_store_fail(b, "%d collections at most", VCM_MY_LISTS_MAX);
        return -2;
    }
    if (!(q = st(s, M_LIST_ADD)))
        return -1;
    vcm_bind_text(s, q, 1, o->visitor);
    if (o->user_id)
        s->d->bind_int(q, 2, o->user_id);
    else
        s->d->bind_null(q, 2);
    s->d->bind_text(q, 3, name);
    s->d->bind_int(q, 4, vcm_now());
    return vcm_returning(s, q, "cannot add a collection", id) < 0 ? -1 : 0;
}

int vcm_my_lists(vcm_store *b, vcm_arena *a, const vcm_my_owner *o, vcm_my_list **out,
                 size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, o->user_id ? M_LISTS_USER : M_LISTS_VISITOR);
    if (!q)
        return -1;
    if (o->user_id)
        s->d->bind_int(q, 1, o->user_id);
    else
        vcm_bind_text(s, q, 1, o->visitor ? o->visitor : "");
    return read_lists(s, a, q, out, n);
}

int vcm_my_list_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_my_list *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, M_LIST_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    return one_list(s, a, q, out);
}

int vcm_my_list_by_share(vcm_store *b, vcm_arena *a, const char *hash, vcm_my_list *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, M_LIST_SHARE);
    if (!q)
        return -1;
    vcm_bind_text(s, q, 1, hash);
    return one_list(s, a, q, out);
}

bool vcm_my_owns(const vcm_my_list *l, const vcm_my_owner *o)
{
    if (o->user_id)
        return l->user_id == o->user_id;
    return o->visitor && l->visitor && strcmp(o->visitor, l->visitor) == 0;
}

bool vcm_my_public(const vcm_my_list *l)
{
    return strcmp(l->visibility, "published") == 0 && strcmp(l->review, "approved") == 0;
}

int vcm_my_list_rename(vcm_store *b, int64_t id, const char *name)
{
    store *s = S(b);
    vcm_stmt *q = st(s, M_LIST_RENAME);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, name);
    s->d->bind_int(q, 3, vcm_now());
    return vcm_run(s, q, "cannot rename a collection");
}

int vcm_my_list_delete(vcm_store *b, int64_t id)
{
    store *s = S(b);
    vcm_stmt *q = st(s, M_LIST_DELETE);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    return vcm_run(s, q, "cannot delete a collection");
}

int vcm_my_list_visibility(vcm_store *b, int64_t id, const char *visibility,
                           const char *share_hash)
{
    store *s = S(b);
    vcm_stmt *q = st(s, share_hash ? M_LIST_VIS_SHARE : M_LIST_VIS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, visibility);
    s->d->bind_text(q, 3, strcmp(visibility, "published") == 0 ? "pending" : "none");
    s->d->bind_int(q, 4, vcm_now());
    if (share_hash)
        s->d->bind_text(q, 5, share_hash);
    return vcm_run(s, q, "cannot change who sees a collection");
}

int vcm_my_items(vcm_store *b, vcm_arena *a, int64_t list_id, vcm_my_item **out, size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, M_ITEMS);
    *out = NULL;
    *n = 0;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, list_id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_my_item *nv = vcm_grow(a, *out, n, sizeof **out);
        if (!nv) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = nv;
        vcm_my_item *it = &nv[*n - 1];
        it->id = s->d->col_int(q, 0);
        it->list_id = s->d->col_int(q, 1);
        it->pos = s->d->col_int(q, 2);
        it->object_id = s->d->col_int(q, 3);
        it->media = vcm_col_dup(s, a, q, 4);
        it->region = vcm_col_dup(s, a, q, 5);
        it->note = vcm_col_dup(s, a, q, 6);
        it->created = s->d->col_int(q, 7);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read a collection's items");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int touch(store *s, int64_t list_id)
{
    vcm_stmt *q = st(s, M_TOUCH);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, list_id);
    s->d->bind_int(q, 2, vcm_now());
    return vcm_run(s, q, "cannot update a collection");
}

int vcm_my_item_add(vcm_store *b, int64_t list_id, const vcm_my_item *it, int64_t *id)
{
    store *s = S(b);
    vcm_stmt *q = st(s, M_ITEM_COUNT);
    int64_t have;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, list_id);
    if (vcm_first_int(s, q, "cannot count items", &have) < 0)
        return -1;
    if (have >= VCM_MY_ITEMS_MAX) {
        vcm_store_fail(b, "%d items at most in a collection", VCM_MY_ITEMS_MAX);
        return -2;
    }
    if (!(q = st(s, M_ITEM_ADD)))
        return -1;
    s->d->bind_int(q, 1, list_id);
    s->d->bind_int(q, 2, it->object_id);
    vcm_bind_opt(s, q, 3, it->media);
    vcm_bind_opt(s, q, 4, it->region);
    vcm_bind_opt(s, q, 5, it->note);
    s->d->bind_int(q, 6, vcm_now());
    if (vcm_returning(s, q, "cannot add an item", id) < 0)
        return -1;
    return touch(s, list_id);
}

static int on_item(store *b, int k, int64_t list_id, int64_t item_id, const char *note)
{
    vcm_stmt *q = st(b, k);
    if (!q)
        return -1;
    b->d->bind_int(q, 1, list_id);
    b->d->bind_int(q, 2, item_id);
    if (k == M_ITEM_NOTE)
        vcm_bind_opt(b, q, 3, note);
    int rc = vcm_returning(b, q, "cannot change an item", NULL);
    if (rc == 1 && touch(b, list_id) < 0)
        return -1;
    return rc;
}

int vcm_my_item_note(vcm_store *b, int64_t list_id, int64_t item_id, const char *note)
{
    return on_item(S(b), M_ITEM_NOTE, list_id, item_id, note);
}

int vcm_my_item_remove(vcm_store *b, int64_t list_id, int64_t item_id)
{
    return on_item(S(b), M_ITEM_REMOVE, list_id, item_id, NULL);
}

int vcm_my_item_move(vcm_store *b, int64_t list_id, int64_t item_id, int delta)
{
    store *s = S(b);
    vcm_stmt *q = st(s, M_ITEM_NEIGHBOUR);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, list_id);
    s->d->bind_int(q, 2, item_id);
    s->d->bind_int(q, 3, delta > 0);
    int rc = vcm_one_row(s, q, "cannot read an item's neighbour");
    if (rc <= 0)
        return rc;
    int64_t pos = s->d->col_int(q, 0), other = s->d->col_int(q, 1), opos = s->d->col_int(q, 2);
    s->d->reset(q);
    if (pos == opos) /* tied: the one first in order takes the lower place */
        delta > 0 ? opos++ : pos++;
    if (!(q = st(s, M_ITEM_SWAP)))
        return -1;
    s->d->bind_int(q, 1, list_id);
    s->d->bind_int(q, 2, item_id);
    s->d->bind_int(q, 3, opos);
    s->d->bind_int(q, 4, pos);
    s->d->bind_int(q, 5, other);
    if (vcm_run(s, q, "cannot move an item") < 0 || touch(s, list_id) < 0)
        return -1;
    return 1;
}

int vcm_my_review_list(vcm_store *b, vcm_arena *a, const char *state, int max,
                       vcm_my_list **out, size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, M_REVIEW);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, state);
    s->d->bind_int(q, 2, max);
    return read_lists(s, a, q, out, n);
}

int vcm_my_decide(vcm_store *b, int64_t id, bool approve)
{
    store *s = S(b);
    vcm_stmt *q = st(s, M_DECIDE);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, approve ? "approved" : "refused");
    return vcm_returning(s, q, "cannot decide on a collection", NULL);
}

int vcm_my_attach(vcm_store *b, const char *visitor, int64_t user_id, int64_t *moved)
{
    store *s = S(b);
    vcm_stmt *q = st(s, M_ATTACH);
    *moved = 0;
    if (!q)
        return -1;
    vcm_bind_text(s, q, 1, visitor);
    s->d->bind_int(q, 2, user_id);
    s->d->bind_int(q, 3, vcm_now());
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW)
        (*moved)++;
    if (rc < 0)
        vcm_fail_db(s, "cannot give the collections to the account");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}
