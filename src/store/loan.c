/* Loans, travelling exhibitions and the exchange programme (store/loan.h).
 * The SQL is the same on both engines (dates bound as text: PostgreSQL
 * reads them into the date columns of loan_bookings); the one difference,
 * how the store refuses an overlapping booking, lives in the schemas. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/loan.h"
#include "store/store_int.h"
#include "core/banned.h"

enum {
    L_OBJECT_MUSEUM, L_OBJECT_BY_INV, L_MUSEUM_EXISTS,
    L_LOAN_ADD, L_LOAN_NUMBER, L_LINE_ADD, L_LOAN_GET, L_LINES, L_LOAN_LIST, L_LOAN_SET,
    L_BOOK, L_UNBOOK, L_BOOKED,
    L_EX_ADD, L_EX_GET, L_EX_LIST, L_VENUE_NEXT, L_VENUE_ADD, L_VENUE_LIST, L_VENUE_GET,
    L_VOBJ_ADD, L_VOBJ_LIST, L_TOUR_CLASH, L_BOOK_CLASH, L_EX_LOANS, L_EX_LOANS_N,
    L_X_ADD, L_X_GET, L_X_LIST, L_X_CLOSE, L_P_ADD, L_P_GET, L_P_LIST, L_R_ADD, L_R_LIST,
    L_HISTORY,
    L_COUNT
};
_Static_assert(L_COUNT <= 128, "too few loan slots");

#define LOAN_COLS                                                                              \
    "id, number, lender_id, borrower_id, state, reason, start_date, end_date, venue, "         \
    "assessment, conditions, insurance, condition_out, courier_out, arrival, courier_in, "     \
    "condition_in, cancel_reason, coalesce(exhibition_id, 0), coalesce(venue_no, 0), "         \
    "created, updated, (SELECT count(*) FROM loan_lines l WHERE l.loan_id = loans.id)"
/* an exchange post with the ASEM group of its museum's country */
#define XPOST_SELECT                                                                           \
    "SELECT p.id, p.museum_id, p.offer, p.host, p.kind, p.topic, p.skills, p.languages, "      \
    "p.start_date, p.end_date, p.open, p.created, coalesce(np.grp, '') FROM exchange_posts p " \
    "JOIN museums m ON m.id = p.museum_id LEFT JOIN partner_aliases pa ON pa.code = "          \
    "m.country LEFT JOIN network_partners np ON np.kind = 'country' AND np.code = "            \
    "coalesce(pa.partner, m.country) "

static const char *const sql[L_COUNT] = {
    [L_OBJECT_MUSEUM] = "SELECT museum_id FROM objects WHERE id = ?1",
    [L_OBJECT_BY_INV] = "SELECT id FROM objects WHERE museum_id = ?1 AND inventory_number = ?2 "
                        "ORDER BY id LIMIT 1",
    [L_MUSEUM_EXISTS] = "SELECT count(*) FROM museums WHERE id = ?1",
    [L_LOAN_ADD] = "INSERT INTO loans(number, lender_id, borrower_id, state, reason, start_date, "
                   "end_date, venue, exhibition_id, venue_no, created_by, created, updated) "
                   "VALUES ('', ?1, ?2, 'request', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) "
                   "RETURNING id",
    [L_LOAN_NUMBER] = "UPDATE loans SET number = ?2 WHERE id = ?1",
    [L_LINE_ADD] = "INSERT INTO loan_lines(loan_id, item, object_id, inventory, label) VALUES "
                   "(?1, ?2, ?3, ?4, ?5)",
    [L_LOAN_GET] = "SELECT " LOAN_COLS " FROM loans WHERE id = ?1",
    [L_LINES] = "SELECT item, coalesce(object_id, 0), inventory, label FROM loan_lines WHERE "
                "loan_id = ?1 ORDER BY item",
    [L_LOAN_LIST] = "SELECT " LOAN_COLS " FROM loans WHERE ?1 = 0 OR lender_id = ?1 OR "
                    "borrower_id = ?1 ORDER BY id DESC",
    [L_LOAN_SET] = "UPDATE loans SET state = ?3, assessment = ?4, conditions = ?5, "
                   "insurance = ?6, condition_out = ?7, courier_out = ?8, arrival = ?9, "
                   "courier_in = ?10, condition_in = ?11, cancel_reason = ?12, updated = ?13 "
                   "WHERE id = ?1 AND state = ?2 RETURNING id",
    [L_BOOK] = "INSERT INTO loan_bookings(loan_id, item, start_date, end_date) SELECT ?1, item, "
               "?2, ?3 FROM loan_lines WHERE loan_id = ?1",
    [L_UNBOOK] = "DELETE FROM loan_bookings WHERE loan_id = ?1",
    [L_BOOKED] = "SELECT loan_id, CAST(start_date AS text), CAST(end_date AS text) FROM "
                 "loan_bookings WHERE item = ?1 AND start_date <= ?3 AND ?2 <= end_date AND "
                 "loan_id <> ?4 ORDER BY start_date LIMIT 1",
    [L_EX_ADD] = "INSERT INTO exhibitions(title, curators, organiser_id, description, demo, "
                 "created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id",
    [L_EX_GET] = "SELECT id, title, curators, coalesce(organiser_id, 0), description, demo, "
                 "created, updated FROM exhibitions WHERE id = ?1",
    [L_EX_LIST] = "SELECT id, title, curators, coalesce(organiser_id, 0), description, demo, "
                  "created, updated FROM exhibitions ORDER BY id DESC",
    [L_VENUE_NEXT] = "SELECT coalesce(max(n), 0) + 1 FROM exhibition_venues WHERE "
                     "exhibition_id = ?1",
    [L_VENUE_ADD] = "INSERT INTO exhibition_venues(exhibition_id, n, museum_id, city, "
                    "start_date, end_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [L_VENUE_LIST] = "SELECT n, museum_id, city, start_date, end_date FROM exhibition_venues "
                     "WHERE exhibition_id = ?1 ORDER BY n",
    [L_VENUE_GET] = "SELECT n, museum_id, city, start_date, end_date FROM exhibition_venues "
                    "WHERE exhibition_id = ?1 AND n = ?2",
    [L_VOBJ_ADD] = "INSERT INTO venue_objects(exhibition_id, n, item, object_id, lender_id, "
                   "inventory, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [L_VOBJ_LIST] = "SELECT n, item, coalesce(object_id, 0), lender_id, inventory, label FROM "
                    "venue_objects WHERE exhibition_id = ?1 AND (?2 = 0 OR n = ?2) "
                    "ORDER BY n, item",
    /* the same object at two venues of the tour for days in common */
    [L_TOUR_CLASH] = "SELECT o.n, o.item, o.label, w.n, w.start_date, w.end_date FROM "
                     "venue_objects o JOIN exhibition_venues v ON v.exhibition_id = "
                     "o.exhibition_id AND v.n = o.n JOIN venue_objects p ON p.exhibition_id = "
                     "o.exhibition_id AND p.item = o.item AND p.n <> o.n JOIN exhibition_venues "
                     "w ON w.exhibition_id = p.exhibition_id AND w.n = p.n WHERE "
                     "o.exhibition_id = ?1 AND v.start_date <= w.end_date AND w.start_date <= "
                     "v.end_date ORDER BY o.n, o.item, w.n",
    /* a venue's object booked by a loan that is not this venue's (the
     * bookings' dates as text, which orders as the dates do, since the
     * venues' are text on both engines) */
    [L_BOOK_CLASH] = "SELECT o.n, o.item, o.label, b.loan_id, CAST(b.start_date AS text), "
                     "CAST(b.end_date AS text) FROM venue_objects o JOIN exhibition_venues v ON "
                     "v.exhibition_id = o.exhibition_id AND v.n = o.n JOIN loan_bookings b ON "
                     "b.item = o.item AND CAST(b.start_date AS text) <= v.end_date AND "
                     "v.start_date <= CAST(b.end_date AS text) JOIN loans l ON l.id = b.loan_id WHERE o.exhibition_id = ?1 "
                     "AND NOT (coalesce(l.exhibition_id, 0) = ?1 AND coalesce(l.venue_no, 0) = "
                     "o.n) ORDER BY o.n, o.item",
    [L_EX_LOANS] = "SELECT " LOAN_COLS " FROM loans WHERE exhibition_id = ?1 AND (?2 = 0 OR "
                   "venue_no = ?2) ORDER BY venue_no, id",
    [L_EX_LOANS_N] = "SELECT count(*) FROM loans WHERE exhibition_id = ?1 AND venue_no = ?2 "
                     "AND state <> 'cancelled'",
    [L_X_ADD] = "INSERT INTO exchange_posts(museum_id, offer, host, kind, topic, skills, "
                "languages, start_date, end_date, open, created_by, created) VALUES (?1, ?2, "
                "?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?11) RETURNING id",
    [L_X_GET] = XPOST_SELECT "WHERE p.id = ?1",
    [L_X_LIST] = XPOST_SELECT "WHERE ?1 = 0 OR p.open = 1 ORDER BY p.id DESC",
    [L_X_CLOSE] = "UPDATE exchange_posts SET open = 0 WHERE id = ?1 AND open = 1 RETURNING id",
    [L_P_ADD] = "INSERT INTO placements(offer_id, request_id, host_id, home_id, score, "
                "created_by, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
    [L_P_GET] = "SELECT id, offer_id, request_id, host_id, home_id, score, created_by, created "
                "FROM placements WHERE id = ?1",
    [L_P_LIST] = "SELECT id, offer_id, request_id, host_id, home_id, score, created_by, created "
                 "FROM placements ORDER BY id DESC",
    [L_R_ADD] = "INSERT INTO placement_reports(placement_id, author, body, created) VALUES "
                "(?1, ?2, ?3, ?4) RETURNING id",
    [L_R_LIST] = "SELECT id, placement_id, author, body, created FROM placement_reports WHERE "
                 "placement_id = ?1 ORDER BY id",
    [L_HISTORY] = "INSERT INTO network_history(time, actor, entity, entity_id, action, detail) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

static vcm_stmt *st(store *s, int k)
{
    return vcm_st_slot(s, SLOT_LOANS + (unsigned)k, sql[k]);
}

/* ---- small helpers -------------------------------------------------------- */

static bool blank(const char *v)
{
    return !v || !v[strspn(v, " \t\r\n")];
}

static int refuse(vcm_refusal *why, const char *rule, const char *key)
{
    if (why) {
        why->rule = rule;
        why->key = key;
    }
    return -2;
}

static int history(store *s, const char *actor, const char *entity, int64_t id,
                   const char *action, const char *detail)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    vcm_stmt *q = st(s, L_HISTORY);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, vcm_now());
    s->d->bind_text(q, 2, actor && *actor ? actor : "unknown");
    s->d->bind_text(q, 3, entity);
    s->d->bind_text(q, 4, key);
    s->d->bind_text(q, 5, action);
    vcm_bind_opt(s, q, 6, detail);
    return vcm_run(s, q, "cannot write the network's history");
}

static int museum_exists(store *s, int64_t id)
{
    vcm_stmt *q = st(s, L_MUSEUM_EXISTS);
    int64_t n;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    if (vcm_first_int(s, q, "cannot look the museum up", &n) < 0)
        return -1;
    return n > 0;
}

/* Whether the last error is the store refusing an overlapping booking
 * (the constraint's or the triggers' name is in the message). */
static bool overlap_error(store *s)
{
    return strstr(s->base.error, "loan_bookings_no_overlap") != NULL;
}

/* ---- loans ----------------------------------------------------------------- */

int vcm_loan_line_resolve(vcm_store *b, vcm_arena *a, int64_t lender_id, vcm_loan_line *line,
                          vcm_refusal *why)
{
    store *s = S(b);
    if (line->object_id) {
        vcm_stmt *q = st(s, L_OBJECT_MUSEUM);
        if (!q)
            return -1;
        s->d->bind_int(q, 1, line->object_id);
        int rc = vcm_one_row(s, q, "cannot read an object");
        if (rc < 0)
            return -1;
        int64_t owner = rc ? vcm_col_int0(s, q, 0) : 0;
        s->d->reset(q);
        /* a collection object is lent by the museum that holds it */
        if (!rc || owner != lender_id)
            return refuse(why, "loan-lines", "loan.refused.not_lender");
    } else if (!blank(line->inventory)) {
        if (strlen(line->inventory) > 100)
            return refuse(why, "loan-lines", "loan.refused.inventory");
        vcm_stmt *q = st(s, L_OBJECT_BY_INV);
        if (!q)
            return -1;
        s->d->bind_int(q, 1, lender_id);
        s->d->bind_text(q, 2, line->inventory);
        int rc = vcm_one_row(s, q, "cannot look an inventory number up");
        if (rc < 0)
            return -1;
        /* the same object has one key however it was named */
        if (rc)
            line->object_id = s->d->col_int(q, 0);
        s->d->reset(q);
    } else {
        return refuse(why, "loan-lines", "loan.refused.lines");
    }
    line->item = line->object_id
                     ? vcm_arena_printf(a, "o:%lld", (long long)line->object_id)
                     : vcm_arena_printf(a, "m:%lld:%s", (long long)lender_id, line->inventory);
    return line->item ? 0 : vcm_store_fail(b, "out of memory");
}

static void read_loan(store *s, vcm_arena *a, vcm_stmt *q, vcm_loan *l)
{
    memset(l, 0, sizeof *l);
    l->id = s->d->col_int(q, 0);
    l->number = vcm_col_dup(s, a, q, 1);
    l->lender_id = s->d->col_int(q, 2);
    l->borrower_id = s->d->col_int(q, 3);
    const char *state = s->d->col_text(q, 4, NULL);
    if (vcm_loan_state_parse(state, &l->state) < 0)
        l->state = VCM_LOAN_REQUEST;
    const char **f[] = {&l->reason, &l->start, &l->end, &l->venue, &l->assessment,
                        &l->conditions, &l->insurance, &l->condition_out, &l->courier_out,
                        &l->arrival, &l->courier_in, &l->condition_in, &l->cancel_reason};
    for (int i = 0; i < 13; i++)
        *f[i] = vcm_col_dup(s, a, q, 5 + i);
    l->exhibition_id = vcm_col_int0(s, q, 18);
    l->venue_no = (int)vcm_col_int0(s, q, 19);
    l->created = s->d->col_int(q, 20);
    l->updated = s->d->col_int(q, 21);
    l->nlines = (size_t)s->d->col_int(q, 22);
}

static int loan_rows(store *s, vcm_arena *a, vcm_stmt *q, vcm_loan **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_loan *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory");
        }
        *out = v;
        read_loan(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list loans");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* The loan's insert, its lines and its history, in the open transaction. */
static int loan_insert(store *s, vcm_arena *a, vcm_loan *l, vcm_loan_line *lines, size_t n,
                       const char *actor, vcm_refusal *why)
{
    l->nlines = n;
    l->state = VCM_LOAN_REQUEST;
    if (vcm_loan_check_request(l, why) < 0)
        return -2;
    for (int64_t m = l->lender_id, k = 0; k < 2; m = l->borrower_id, k++) {
        int rc = museum_exists(s, m);
        if (rc <= 0)
            return rc < 0 ? -1 : refuse(why, "loan-parties", "loan.refused.parties");
    }
    for (size_t i = 0; i < n; i++) {
        int rc = vcm_loan_line_resolve(&s->base, a, l->lender_id, &lines[i], why);
        if (rc < 0)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(lines[j].item, lines[i].item) == 0)
                return refuse(why, "loan-lines", "loan.refused.twice");
    }
    l->created = l->updated = vcm_now();
    vcm_stmt *q = st(s, L_LOAN_ADD);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, l->lender_id);
    s->d->bind_int(q, 2, l->borrower_id);
    s->d->bind_text(q, 3, l->reason);
    s->d->bind_text(q, 4, l->start);
    s->d->bind_text(q, 5, l->end);
    s->d->bind_text(q, 6, l->venue);
    vcm_bind_id(s, q, 7, l->exhibition_id);
    vcm_bind_id(s, q, 8, l->venue_no);
    s->d->bind_text(q, 9, actor && *actor ? actor : "unknown");
    s->d->bind_int(q, 10, l->created);
    if (vcm_returning(s, q, "cannot store the loan", &l->id) < 0)
        return -1;
    /* the reference: year of the period's start and the loan's id */
    char number[40];
    snprintf(number, sizeof number, "L%.4s-%lld", l->start, (long long)l->id);
    l->number = NULL; /* read it back with vcm_loan_get */
    if (!(q = st(s, L_LOAN_NUMBER)))
        return -1;
    s->d->bind_int(q, 1, l->id);
    s->d->bind_text(q, 2, number);
    if (vcm_run(s, q, "cannot number the loan") < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!(q = st(s, L_LINE_ADD)))
            return -1;
        s->d->bind_int(q, 1, l->id);
        s->d->bind_text(q, 2, lines[i].item);
        vcm_bind_id(s, q, 3, lines[i].object_id);
        vcm_bind_opt(s, q, 4, lines[i].inventory);
        vcm_bind_opt(s, q, 5, lines[i].label);
        if (vcm_run(s, q, "cannot store a loan's object") < 0)
            return -1;
    }
    return history(s, actor, "loan", l->id, "request",
                   "lender, borrower, reason, period, venue, objects");
}

int vcm_loan_create(vcm_store *b, vcm_loan *l, vcm_loan_line *lines, size_t n,
                    const char *actor, vcm_refusal *why)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 1024);
    bool own;
    int rc = vcm_tx_begin(s, &own);
    if (rc == 0)
        rc = vcm_tx_end(s, own, loan_insert(s, &a, l, lines, n, actor, why));
    /* the lines' keys die with the arena */
    for (size_t i = 0; i < n; i++)
        lines[i].item = NULL;
    vcm_arena_release(&a);
    return rc;
}

int vcm_loan_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_loan *out, vcm_loan_line **lines,
                 size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, L_LOAN_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read a loan");
    if (rc != 1)
        return rc;
    read_loan(s, a, q, out);
    s->d->reset(q);
    if (!lines)
        return 1;
    *lines = NULL;
    *n = 0;
    if (!(q = st(s, L_LINES)))
        return -1;
    s->d->bind_int(q, 1, id);
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_loan_line *v = vcm_grow(a, *lines, n, sizeof **lines);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *lines = v;
        v[*n - 1] = (vcm_loan_line){.item = vcm_col_dup(s, a, q, 0),
                                    .object_id = s->d->col_int(q, 1),
                                    .inventory = vcm_col_dup(s, a, q, 2),
                                    .label = vcm_col_dup(s, a, q, 3)};
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read a loan's objects");
    s->d->reset(q);
    return rc < 0 ? -1 : 1;
}

int vcm_loan_list(vcm_store *b, vcm_arena *a, int64_t museum_id, vcm_loan **out, size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, L_LOAN_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    return loan_rows(s, a, q, out, n);
}

int vcm_loan_booked(vcm_store *b, const char *item, const char *start, const char *end,
                    int64_t except, vcm_loan_clash *clash)
{
    store *s = S(b);
    vcm_stmt *q = st(s, L_BOOKED);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, item);
    s->d->bind_text(q, 2, start);
    s->d->bind_text(q, 3, end);
    s->d->bind_int(q, 4, except);
    int rc = vcm_one_row(s, q, "cannot read the bookings");
    if (rc == 1) {
        memset(clash, 0, sizeof *clash);
        snprintf(clash->item, sizeof clash->item, "%s", item);
        clash->loan_id = s->d->col_int(q, 0);
        const char *v = s->d->col_text(q, 1, NULL);
        snprintf(clash->start, sizeof clash->start, "%s", v ? v : "");
        v = s->d->col_text(q, 2, NULL);
        snprintf(clash->end, sizeof clash->end, "%s", v ? v : "");
        s->d->reset(q);
    }
    return rc;
}

static int step(store *s, int64_t id, vcm_loan_state from, vcm_loan_state to,
                const vcm_loan *info, const char *actor, vcm_refusal *why,
                vcm_loan_clash *clash, vcm_arena *a)
{
    vcm_loan l;
    vcm_loan_line *lines;
    size_t n;
    int rc = vcm_loan_get(&s->base, a, id, &l, &lines, &n);
    if (rc <= 0)
        return rc < 0 ? -1 : -4;
    if (l.state != from)
        return -4;
    if (info) {
        const char **dst[] = {&l.assessment, &l.conditions, &l.insurance, &l.condition_out,
                              &l.courier_out, &l.arrival, &l.courier_in, &l.condition_in,
                              &l.cancel_reason};
        const char *const src[] = {info->assessment, info->conditions, info->insurance,
                                   info->condition_out, info->courier_out, info->arrival,
                                   info->courier_in, info->condition_in, info->cancel_reason};
        for (int i = 0; i < 9; i++)
            if (src[i])
                *dst[i] = src[i];
    }
    if (vcm_loan_check(&l, to, why) < 0)
        return -2;
    vcm_stmt *q = st(s, L_LOAN_SET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, vcm_loan_state_name(from));
    s->d->bind_text(q, 3, vcm_loan_state_name(to));
    const char *const v[] = {l.assessment, l.conditions, l.insurance, l.condition_out,
                             l.courier_out, l.arrival, l.courier_in, l.condition_in,
                             l.cancel_reason};
    for (int i = 0; i < 9; i++)
        vcm_bind_opt(s, q, 4 + i, v[i]);
    s->d->bind_int(q, 13, vcm_now());
    if ((rc = vcm_returning(s, q, "cannot move the loan", NULL)) <= 0)
        return rc < 0 ? -1 : -4;
    if (vcm_loan_holds(to) && !vcm_loan_holds(from)) {
        /* the application's check, which names the loan in the way; the
         * store's constraint stands behind it for writers that race */
        for (size_t i = 0; i < n; i++) {
            vcm_loan_clash c;
            rc = vcm_loan_booked(&s->base, lines[i].item, l.start, l.end, id, &c);
            if (rc < 0)
                return -1;
            if (rc == 1) {
                if (clash)
                    *clash = c;
                return -3;
            }
        }
        if (!(q = st(s, L_BOOK)))
            return -1;
        s->d->bind_int(q, 1, id);
        s->d->bind_text(q, 2, l.start);
        s->d->bind_text(q, 3, l.end);
        if (vcm_run(s, q, "cannot book the loan's objects") < 0) {
            if (!overlap_error(s))
                return -1;
            if (clash) {
                memset(clash, 0, sizeof *clash);
                snprintf(clash->item, sizeof clash->item, "%s", n ? lines[0].item : "");
                snprintf(clash->start, sizeof clash->start, "%s", l.start);
                snprintf(clash->end, sizeof clash->end, "%s", l.end);
            }
            return -3;
        }
    } else if (!vcm_loan_holds(to) && vcm_loan_holds(from)) {
        if (!(q = st(s, L_UNBOOK)))
            return -1;
        s->d->bind_int(q, 1, id);
        if (vcm_run(s, q, "cannot free the loan's objects") < 0)
            return -1;
    }
    const char *const *needs = vcm_loan_needs(to);
    char detail[200] = "";
    for (size_t i = 0, k = 0; needs[i]; i++)
        k += (size_t)snprintf(detail + k, sizeof detail - k, "%s%s", i ? ", " : "", needs[i]);
    return history(s, actor, "loan", id, vcm_loan_state_name(to), *detail ? detail : NULL);
}

int vcm_loan_step(vcm_store *b, int64_t id, vcm_loan_state from, vcm_loan_state to,
                  const vcm_loan *info, const char *actor, vcm_refusal *why,
                  vcm_loan_clash *clash)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 4096);
    bool own;
    int rc = vcm_tx_begin(s, &own);
    if (rc == 0)
        rc = vcm_tx_end(s, own, step(s, id, from, to, info, actor, why, clash, &a));
    vcm_arena_release(&a);
    return rc;
}

/* ---- travelling exhibitions -------------------------------------------------- */

static void read_exhibition(store *s, vcm_arena *a, vcm_stmt *q, vcm_exhibition *e)
{
    memset(e, 0, sizeof *e);
    e->id = s->d->col_int(q, 0);
    e->title = vcm_col_dup(s, a, q, 1);
    e->curators = vcm_col_dup(s, a, q, 2);
    e->organiser_id = s->d->col_int(q, 3);
    e->description = vcm_col_dup(s, a, q, 4);
    e->demo = s->d->col_int(q, 5) != 0;
    e->created = s->d->col_int(q, 6);
    e->updated = s->d->col_int(q, 7);
}

int vcm_exhibition_create(vcm_store *b, vcm_exhibition *e, const char *actor,
                          const char **field)
{
    store *s = S(b);
    if (blank(e->title) || strlen(e->title) > 300) {
        *field = "title";
        return -2;
    }
    if (blank(e->curators) || strlen(e->curators) > 1000) {
        *field = "curators";
        return -2;
    }
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    int rc = 0;
    if (e->organiser_id && (rc = museum_exists(s, e->organiser_id)) <= 0) {
        *field = "organiser_id";
        return vcm_tx_end(s, own, rc < 0 ? -1 : -2);
    }
    e->created = e->updated = vcm_now();
    vcm_stmt *q = st(s, L_EX_ADD);
    rc = -1;
    if (q) {
        s->d->bind_text(q, 1, e->title);
        s->d->bind_text(q, 2, e->curators);
        vcm_bind_id(s, q, 3, e->organiser_id);
        vcm_bind_opt(s, q, 4, e->description);
        s->d->bind_int(q, 5, e->demo);
        s->d->bind_int(q, 6, e->created);
        rc = vcm_returning(s, q, "cannot store the exhibition", &e->id) < 0 ? -1 : 0;
    }
    if (rc == 0)
        rc = history(s, actor, "exhibition", e->id, "create", "title, curators");
    return vcm_tx_end(s, own, rc);
}

int vcm_exhibition_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_exhibition *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, L_EX_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read an exhibition");
    if (rc == 1) {
        read_exhibition(s, a, q, out);
        s->d->reset(q);
    }
    return rc;
}

int vcm_exhibition_list(vcm_store *b, vcm_arena *a, vcm_exhibition **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, L_EX_LIST);
    if (!q)
        return -1;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_exhibition *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_exhibition(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list the exhibitions");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static void read_venue(store *s, vcm_arena *a, vcm_stmt *q, vcm_venue *v)
{
    v->n = (int)s->d->col_int(q, 0);
    v->museum_id = s->d->col_int(q, 1);
    v->city = vcm_col_dup(s, a, q, 2);
    v->start = vcm_col_dup(s, a, q, 3);
    v->end = vcm_col_dup(s, a, q, 4);
}

int vcm_venue_add(vcm_store *b, int64_t exhibition_id, vcm_venue *v, const char *actor,
                  const char **field)
{
    store *s = S(b);
    if (!vcm_loan_date_ok(v->start)) {
        *field = "start";
        return -2;
    }
    if (!vcm_loan_date_ok(v->end) || strcmp(v->start, v->end) > 0) {
        *field = "end";
        return -2;
    }
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    int rc = museum_exists(s, v->museum_id);
    if (rc <= 0) {
        *field = "museum_id";
        return vcm_tx_end(s, own, rc < 0 ? -1 : -2);
    }
    int64_t next = 0;
    vcm_stmt *q = st(s, L_VENUE_NEXT);
    rc = -1;
    if (q) {
        s->d->bind_int(q, 1, exhibition_id);
        rc = vcm_first_int(s, q, "cannot number the venue", &next);
    }
    if (rc == 0 && (q = st(s, L_VENUE_ADD))) {
        v->n = (int)next;
        s->d->bind_int(q, 1, exhibition_id);
        s->d->bind_int(q, 2, next);
        s->d->bind_int(q, 3, v->museum_id);
        vcm_bind_opt(s, q, 4, v->city);
        s->d->bind_text(q, 5, v->start);
        s->d->bind_text(q, 6, v->end);
        rc = vcm_run(s, q, "cannot store the venue");
    } else if (rc == 0) {
        rc = -1;
    }
    if (rc == 0)
        rc = history(s, actor, "exhibition", exhibition_id, "venue",
                     "museum, city, start, end");
    return vcm_tx_end(s, own, rc);
}

int vcm_venue_list(vcm_store *b, vcm_arena *a, int64_t exhibition_id, vcm_venue **out,
                   size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, L_VENUE_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, exhibition_id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_venue *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_venue(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list the venues");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int venue_get(store *s, vcm_arena *a, int64_t exhibition_id, int n, vcm_venue *out)
{
    vcm_stmt *q = st(s, L_VENUE_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, exhibition_id);
    s->d->bind_int(q, 2, n);
    int rc = vcm_one_row(s, q, "cannot read a venue");
    if (rc == 1) {
        read_venue(s, a, q, out);
        s->d->reset(q);
    }
    return rc;
}

int vcm_venue_object_add(vcm_store *b, int64_t exhibition_id, vcm_venue_object *o,
                         const char *actor, vcm_refusal *why)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 1024);
    bool own;
    int rc = vcm_tx_begin(s, &own);
    if (rc < 0)
        goto out;
    vcm_venue v;
    rc = venue_get(s, &a, exhibition_id, o->n, &v);
    if (rc <= 0) {
        rc = vcm_tx_end(s, own,
                        rc < 0 ? -1 : refuse(why, "exhibition-venue", "exhibition.no_venue"));
        goto out;
    }
    rc = museum_exists(s, o->lender_id);
    if (rc <= 0) {
        rc = vcm_tx_end(s, own,
                        rc < 0 ? -1 : refuse(why, "loan-parties", "loan.refused.parties"));
        goto out;
    }
    rc = vcm_loan_line_resolve(b, &a, o->lender_id, &o->line, why);
    vcm_stmt *q = rc == 0 ? st(s, L_VOBJ_ADD) : NULL;
    if (rc == 0 && !q)
        rc = -1;
    if (q) {
        s->d->bind_int(q, 1, exhibition_id);
        s->d->bind_int(q, 2, o->n);
        s->d->bind_text(q, 3, o->line.item);
        vcm_bind_id(s, q, 4, o->line.object_id);
        s->d->bind_int(q, 5, o->lender_id);
        vcm_bind_opt(s, q, 6, o->line.inventory);
        vcm_bind_opt(s, q, 7, o->line.label);
        rc = vcm_run(s, q, "cannot add the object to the venue");
        if (rc < 0 && (strstr(s->base.error, "UNIQUE") || strstr(s->base.error, "duplicate")))
            rc = refuse(why, "loan-lines", "loan.refused.twice");
    }
    if (rc == 0)
        rc = history(s, actor, "exhibition", exhibition_id, "object",
                     vcm_arena_printf(&a, "venue %d: %s", o->n, o->line.item));
    rc = vcm_tx_end(s, own, rc);
out:
    o->line.item = NULL;
    vcm_arena_release(&a);
    return rc;
}

int vcm_venue_objects(vcm_store *b, vcm_arena *a, int64_t exhibition_id, int n,
                      vcm_venue_object **out, size_t *count)
{
    store *s = S(b);
    *out = NULL;
    *count = 0;
    vcm_stmt *q = st(s, L_VOBJ_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, exhibition_id);
    s->d->bind_int(q, 2, n);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_venue_object *v = vcm_grow(a, *out, count, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        v[*count - 1] = (vcm_venue_object){
            .n = (int)s->d->col_int(q, 0),
            .line = {.item = vcm_col_dup(s, a, q, 1), .object_id = s->d->col_int(q, 2),
                     .inventory = vcm_col_dup(s, a, q, 4), .label = vcm_col_dup(s, a, q, 5)},
            .lender_id = s->d->col_int(q, 3)};
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list a venue's objects");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_exhibition_conflicts(vcm_store *b, vcm_arena *a, int64_t exhibition_id,
                             vcm_tour_conflict **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    static const int kinds[] = {L_TOUR_CLASH, L_BOOK_CLASH};
    for (int k = 0; k < 2; k++) {
        vcm_stmt *q = st(s, kinds[k]);
        if (!q)
            return -1;
        s->d->bind_int(q, 1, exhibition_id);
        int rc;
        while ((rc = s->d->step(q)) == VCM_ROW) {
            vcm_tour_conflict *v = vcm_grow(a, *out, n, sizeof **out);
            if (!v) {
                s->d->reset(q);
                return vcm_store_fail(b, "out of memory");
            }
            *out = v;
            v[*n - 1] = (vcm_tour_conflict){
                .n = (int)s->d->col_int(q, 0),
                .item = vcm_col_dup(s, a, q, 1),
                .label = vcm_col_dup(s, a, q, 2),
                .other_venue = k == 0 ? (int)s->d->col_int(q, 3) : 0,
                .loan_id = k == 1 ? s->d->col_int(q, 3) : 0,
                .start = vcm_col_dup(s, a, q, 4),
                .end = vcm_col_dup(s, a, q, 5)};
        }
        if (rc < 0)
            vcm_fail_db(s, "cannot look for conflicts");
        s->d->reset(q);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int make_loans(store *s, vcm_arena *a, int64_t exhibition_id, int n, const char *actor,
                      int *made, vcm_refusal *why)
{
    vcm_exhibition e;
    vcm_venue v;
    int rc = vcm_exhibition_get(&s->base, a, exhibition_id, &e);
    if (rc <= 0)
        return rc < 0 ? -1 : refuse(why, "exhibition-venue", "exhibition.no_venue");
    if ((rc = venue_get(s, a, exhibition_id, n, &v)) <= 0)
        return rc < 0 ? -1 : refuse(why, "exhibition-venue", "exhibition.no_venue");
    vcm_stmt *q = st(s, L_EX_LOANS_N);
    int64_t have;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, exhibition_id);
    s->d->bind_int(q, 2, n);
    if (vcm_first_int(s, q, "cannot count the venue's loans", &have) < 0)
        return -1;
    if (have)
        return refuse(why, "exhibition-loans", "exhibition.loans_made");
    vcm_venue_object *o;
    size_t no;
    if (vcm_venue_objects(&s->base, a, exhibition_id, n, &o, &no) < 0)
        return -1;
    if (!no)
        return refuse(why, "loan-lines", "loan.refused.lines");
    vcm_loan_line *lines = vcm_arena_alloc(a, no * sizeof *lines);
    bool *done = vcm_arena_alloc(a, no * sizeof *done);
    if (!lines || !done)
        return vcm_store_fail(&s->base, "out of memory");
    memset(done, 0, no * sizeof *done);
    *made = 0;
    /* one loan per lender; the venue's own objects need none */
    for (size_t i = 0; i < no; i++) {
        if (done[i] || o[i].lender_id == v.museum_id)
            continue;
        size_t nl = 0;
        for (size_t j = i; j < no; j++)
            if (!done[j] && o[j].lender_id == o[i].lender_id) {
                done[j] = true;
                lines[nl++] = (vcm_loan_line){.object_id = o[j].line.object_id,
                                              .inventory = o[j].line.inventory,
                                              .label = o[j].line.label};
            }
        vcm_loan l = {.lender_id = o[i].lender_id,
                      .borrower_id = v.museum_id,
                      .reason = vcm_arena_printf(a, "Travelling exhibition \"%s\", venue %d",
                                                 e.title, n),
                      .start = v.start,
                      .end = v.end,
                      .venue = v.city && *v.city ? v.city : e.title,
                      .exhibition_id = exhibition_id,
                      .venue_no = n};
        if ((rc = loan_insert(s, a, &l, lines, nl, actor, why)) < 0)
            return rc;
        (*made)++;
    }
    return history(s, actor, "exhibition", exhibition_id, "loans",
                   vcm_arena_printf(a, "venue %d: %d loans", n, *made));
}

int vcm_exhibition_make_loans(vcm_store *b, int64_t exhibition_id, int n, const char *actor,
                              int *made, vcm_refusal *why)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 4096);
    bool own;
    int rc = vcm_tx_begin(s, &own);
    if (rc == 0)
        rc = vcm_tx_end(s, own, make_loans(s, &a, exhibition_id, n, actor, made, why));
    vcm_arena_release(&a);
    return rc;
}

int vcm_exhibition_loans(vcm_store *b, vcm_arena *a, int64_t exhibition_id, int n,
                         vcm_loan **out, size_t *count)
{
    store *s = S(b);
    vcm_stmt *q = st(s, L_EX_LOANS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, exhibition_id);
    s->d->bind_int(q, 2, n);
    return loan_rows(s, a, q, out, count);
}

/* ---- the exchange programme -------------------------------------------------- */

static void read_xpost(store *s, vcm_arena *a, vcm_stmt *q, vcm_xpost *p)
{
    memset(p, 0, sizeof *p);
    p->id = s->d->col_int(q, 0);
    p->museum_id = s->d->col_int(q, 1);
    p->offer = s->d->col_int(q, 2) != 0;
    p->host = s->d->col_int(q, 3) != 0;
    if (vcm_xkind_parse(s->d->col_text(q, 4, NULL), &p->kind) < 0)
        p->kind = VCM_X_PLACEMENT;
    p->topic = vcm_col_dup(s, a, q, 5);
    p->skills = vcm_col_dup(s, a, q, 6);
    p->languages = vcm_col_dup(s, a, q, 7);
    p->start = vcm_col_dup(s, a, q, 8);
    p->end = vcm_col_dup(s, a, q, 9);
    p->open = s->d->col_int(q, 10) != 0;
    p->created = s->d->col_int(q, 11);
    const char *g = s->d->col_text(q, 12, NULL);
    if (!g || vcm_region_parse(g, &p->group) < 0)
        p->group = VCM_REGION_OTHER;
}

static int xpost_get(store *s, vcm_arena *a, int64_t id, vcm_xpost *out)
{
    vcm_stmt *q = st(s, L_X_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read a post");
    if (rc == 1) {
        read_xpost(s, a, q, out);
        s->d->reset(q);
    }
    return rc;
}

int vcm_xpost_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_xpost *out)
{
    return xpost_get(S(b), a, id, out);
}

int vcm_xpost_add(vcm_store *b, vcm_xpost *p, const char *actor, const char **field,
                  const char **key)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 1024);
    bool own;
    int rc = vcm_tx_begin(s, &own);
    if (rc < 0)
        goto out;
    /* the group comes from the museum's country, read in the transaction */
    vcm_stmt *q = st(s, L_X_ADD);
    rc = -1;
    if (q) {
        p->created = vcm_now();
        s->d->bind_int(q, 1, p->museum_id);
        s->d->bind_int(q, 2, p->offer);
        s->d->bind_int(q, 3, p->host);
        s->d->bind_text(q, 4, vcm_xkind_name(p->kind));
        s->d->bind_text(q, 5, p->topic ? p->topic : "");
        vcm_bind_opt(s, q, 6, p->skills);
        s->d->bind_text(q, 7, p->languages ? p->languages : "");
        s->d->bind_text(q, 8, p->start ? p->start : "");
        s->d->bind_text(q, 9, p->end ? p->end : "");
        s->d->bind_text(q, 10, actor && *actor ? actor : "unknown");
        s->d->bind_int(q, 11, p->created);
        p->group = VCM_REGION_OTHER;
        if (museum_exists(s, p->museum_id) != 1) {
            *field = "museum_id";
            *key = "exchange.need.partner";
            rc = -2;
            s->d->reset(q);
        } else {
            vcm_xpost stored;
            rc = 0;
            /* the checks need the group: insert, read back, check, or undo */
            if (vcm_returning(s, q, "cannot store the post", &p->id) < 0 ||
                xpost_get(s, &a, p->id, &stored) != 1)
                rc = -1;
            else {
                p->group = stored.group;
                if (vcm_xpost_check(p, field, key) < 0)
                    rc = -2;
            }
        }
    }
    if (rc == 0)
        rc = history(s, actor, "exchange", p->id, p->offer ? "offer" : "request",
                     "kind, topic, skills, languages, dates, host or home");
    rc = own ? vcm_tx_end(s, own, rc) : rc;
out:
    vcm_arena_release(&a);
    return rc;
}

int vcm_xpost_list(vcm_store *b, vcm_arena *a, bool open_only, vcm_xpost **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, L_X_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, open_only);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_xpost *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_xpost(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list the posts");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int placement_add(store *s, vcm_arena *a, int64_t offer_id, int64_t request_id,
                         const char *actor, vcm_placement *p, vcm_refusal *why)
{
    vcm_xpost o, r;
    int rc;
    if ((rc = xpost_get(s, a, offer_id, &o)) <= 0 ||
        (rc = xpost_get(s, a, request_id, &r)) <= 0)
        return rc < 0 ? -1 : -4;
    if (!o.offer || r.offer)
        return refuse(why, "exchange-match", "exchange.not.both_offer");
    if (!o.open || !r.open)
        return refuse(why, "exchange-match", "exchange.not.open");
    vcm_xscore sc;
    vcm_xmatch(&o, &r, &sc);
    if (!sc.eligible)
        return refuse(why, "exchange-match", sc.why_not);
    memset(p, 0, sizeof *p);
    p->offer_id = offer_id;
    p->request_id = request_id;
    p->host_id = o.host ? o.museum_id : r.museum_id;
    p->home_id = o.host ? r.museum_id : o.museum_id;
    p->score = sc.total;
    p->created = vcm_now();
    vcm_stmt *q = st(s, L_P_ADD);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, offer_id);
    s->d->bind_int(q, 2, request_id);
    s->d->bind_int(q, 3, p->host_id);
    s->d->bind_int(q, 4, p->home_id);
    s->d->bind_int(q, 5, p->score);
    s->d->bind_text(q, 6, actor && *actor ? actor : "unknown");
    s->d->bind_int(q, 7, p->created);
    if (vcm_returning(s, q, "cannot store the placement", &p->id) < 0)
        return -1;
    for (int k = 0; k < 2; k++) {
        if (!(q = st(s, L_X_CLOSE)))
            return -1;
        s->d->bind_int(q, 1, k ? request_id : offer_id);
        /* closed meanwhile by another placement: nothing is written */
        if ((rc = vcm_returning(s, q, "cannot close a post", NULL)) <= 0)
            return rc < 0 ? -1 : refuse(why, "exchange-match", "exchange.not.open");
    }
    return history(s, actor, "placement", p->id, "agree",
                   vcm_arena_printf(a, "offer %lld, request %lld, score %d",
                                    (long long)offer_id, (long long)request_id, p->score));
}

int vcm_placement_add(vcm_store *b, int64_t offer_id, int64_t request_id, const char *actor,
                      vcm_placement *p, vcm_refusal *why)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 2048);
    bool own;
    int rc = vcm_tx_begin(s, &own);
    if (rc == 0)
        rc = vcm_tx_end(s, own, placement_add(s, &a, offer_id, request_id, actor, p, why));
    p->created_by = NULL;
    vcm_arena_release(&a);
    return rc;
}

static void read_placement(store *s, vcm_arena *a, vcm_stmt *q, vcm_placement *p)
{
    p->id = s->d->col_int(q, 0);
    p->offer_id = s->d->col_int(q, 1);
    p->request_id = s->d->col_int(q, 2);
    p->host_id = s->d->col_int(q, 3);
    p->home_id = s->d->col_int(q, 4);
    p->score = (int)s->d->col_int(q, 5);
    p->created_by = vcm_col_dup(s, a, q, 6);
    p->created = s->d->col_int(q, 7);
}

int vcm_placement_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_placement *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, L_P_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read a placement");
    if (rc == 1) {
        read_placement(s, a, q, out);
        s->d->reset(q);
    }
    return rc;
}

int vcm_placement_list(vcm_store *b, vcm_arena *a, vcm_placement **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, L_P_LIST);
    if (!q)
        return -1;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_placement *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_placement(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list the placements");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_placement_report_add(vcm_store *b, vcm_placement_report *r)
{
    store *s = S(b);
    if (blank(r->body))
        return vcm_store_fail(b, "a report needs its text");
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    vcm_stmt *q = st(s, L_R_ADD);
    int rc = -1;
    if (q) {
        r->created = vcm_now();
        s->d->bind_int(q, 1, r->placement_id);
        s->d->bind_text(q, 2, r->author && *r->author ? r->author : "unknown");
        s->d->bind_text(q, 3, r->body);
        s->d->bind_int(q, 4, r->created);
        rc = vcm_returning(s, q, "cannot store the report", &r->id) < 0 ? -1 : 0;
    }
    if (rc == 0)
        rc = history(s, r->author, "placement", r->placement_id, "report", "body");
    return vcm_tx_end(s, own, rc);
}

int vcm_placement_reports(vcm_store *b, vcm_arena *a, int64_t placement_id,
                          vcm_placement_report **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, L_R_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, placement_id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_placement_report *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        v[*n - 1] = (vcm_placement_report){.id = s->d->col_int(q, 0),
                                           .placement_id = s->d->col_int(q, 1),
                                           .author = vcm_col_dup(s, a, q, 2),
                                           .body = vcm_col_dup(s, a, q, 3),
                                           .created = s->d->col_int(q, 4)};
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list the reports");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}
