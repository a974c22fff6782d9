/* The mail outbox: the contract is in store/outbox.h. Each call is one
 * statement on its own, as the accounts' are (store/account.h). */
#include <string.h>

#include "store/outbox.h"
#include "store/store_int.h"
#include "core/banned.h"

enum { O_ADD, O_DUE, O_LIST, O_LIST_ALL, O_SENT, O_FAILED, O_COUNT };
#define OUTBOX_SLOT (SLOT_ACCOUNT + 64)
_Static_assert(OUTBOX_SLOT + O_COUNT <= SLOT_ACCOUNT_END, "too few account slots");

#define MAIL_COLS "id, recipient, subject, body, created, state, tries, next_try, last_error"
static const char *const sql[O_COUNT] = {
    [O_ADD] = "INSERT INTO outbox(recipient, subject, body, created, state, tries, next_try) "
              "VALUES (?1, ?2, ?3, ?4, 'waiting', 0, ?4) RETURNING id",
    /* Taken, not only read: next_try moves to ?3, so another sender (another
     * node) does not take them too. The outer next_try condition is checked
     * again on PostgreSQL against a row another sender has just updated,
     * where the subquery's answer alone would let both take it. */
    [O_DUE] = "UPDATE outbox SET next_try = ?3 WHERE state = 'waiting' AND next_try <= ?1 AND "
              "id IN (SELECT id FROM outbox WHERE state = 'waiting' AND next_try <= ?1 "
              "ORDER BY id LIMIT ?2) RETURNING " MAIL_COLS,
    [O_LIST] = "SELECT " MAIL_COLS " FROM outbox WHERE recipient = ?1 ORDER BY id DESC LIMIT ?2",
    [O_LIST_ALL] = "SELECT " MAIL_COLS " FROM outbox ORDER BY id DESC LIMIT ?2",
    [O_SENT] = "UPDATE outbox SET state = 'sent', tries = tries + 1, next_try = ?2, "
               "last_error = NULL WHERE id = ?1",
    [O_FAILED] = "UPDATE outbox SET state = ?4, tries = tries + 1, next_try = ?3, "
                 "last_error = ?2 WHERE id = ?1",
};

static vcm_stmt *st(store *s, int k)
{
    return vcm_st_slot(s, OUTBOX_SLOT + (unsigned)k, sql[k]);
}

int vcm_outbox_add(vcm_store *b, const char *to, const char *subject, const char *body,
                   int64_t *id)
{
    store *s = S(b);
    vcm_stmt *q = st(s, O_ADD);
    int64_t got;
    if (!q)
        return -1;
    s->d->bind_text(q, 1, to);
    s->d->bind_text(q, 2, subject);
    s->d->bind_text(q, 3, body);
    s->d->bind_int(q, 4, vcm_now());
    if (vcm_first_int(s, q, "cannot queue a mail", &got) < 0)
        return -1;
    if (id)
        *id = got;
    return 0;
}

static int read_mails(store *s, vcm_arena *a, vcm_stmt *q, vcm_mail **out, size_t *n)
{
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_mail *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory");
        }
        *out = v;
        vcm_mail *m = &v[*n - 1];
        m->id = s->d->col_int(q, 0);
        m->to = vcm_col_dup(s, a, q, 1);
        m->subject = vcm_col_dup(s, a, q, 2);
        m->body = vcm_col_dup(s, a, q, 3);
        m->created = s->d->col_int(q, 4);
        m->state = vcm_col_dup(s, a, q, 5);
        m->tries = (int)s->d->col_int(q, 6);
        m->next_try = s->d->col_int(q, 7);
        m->last_error = vcm_col_dup(s, a, q, 8);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read the outbox");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_outbox_due(vcm_store *b, vcm_arena *a, int64_t now, int max, vcm_mail **out,
                   size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, O_DUE);
    *out = NULL;
    *n = 0;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, now);
    s->d->bind_int(q, 2, max);
    s->d->bind_int(q, 3, now + VCM_OUTBOX_LEASE);
    if (read_mails(s, a, q, out, n) < 0)
        return -1;
    /* RETURNING gives no order: oldest first, as queued */
    for (size_t i = 1; i < *n; i++)
        for (size_t j = i; j > 0 && (*out)[j - 1].id > (*out)[j].id; j--) {
            vcm_mail t = (*out)[j];
            (*out)[j] = (*out)[j - 1];
            (*out)[j - 1] = t;
        }
    return 0;
}

int vcm_outbox_list(vcm_store *b, vcm_arena *a, const char *to, int max, vcm_mail **out,
                    size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, to ? O_LIST : O_LIST_ALL);
    *out = NULL;
    *n = 0;
    if (!q)
        return -1;
    if (to)
        s->d->bind_text(q, 1, to);
    s->d->bind_int(q, 2, max);
    return read_mails(s, a, q, out, n);
}

int vcm_outbox_sent(vcm_store *b, int64_t id, int64_t now)
{
    store *s = S(b);
    vcm_stmt *q = st(s, O_SENT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_int(q, 2, now);
    return vcm_run(s, q, "cannot mark a mail sent");
}

int vcm_outbox_failed(vcm_store *b, int64_t id, const char *error, int64_t next_try,
                      bool give_up)
{
    store *s = S(b);
    vcm_stmt *q = st(s, O_FAILED);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, error);
    s->d->bind_int(q, 3, next_try);
    s->d->bind_text(q, 4, give_up ? "failed" : "waiting");
    return vcm_run(s, q, "cannot mark a mail failed");
}
