/* Governance and meetings in the store (store/governance.h, schema 012).
 *
 * Design: an appointment reads the body's rules and every term of the
 * body's offices, with each holder's group, inside the write transaction
 * (the writers' lock), holds the proposed term against them with the pure
 * check of model/governance.c, and writes only when it passes or the
 * secretariat gave a reason. The group is never stored: it follows the
 * holder's country through the partners (network_partners and its aliases,
 * schema 011), so the rules and the pages read the same thing. The SQL is
 * the same on both engines. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/governance.h"
#include "store/store_int.h"
#include "core/banned.h"

enum {
    G_BODY_PUT, G_BODY_BY_KEY, G_OFFICE_PUT, G_OFFICE_GET, G_OFFICE_LIST,
    G_RULE_ADD, G_RULE_LIST, G_TERM_ADD, G_TERM_LIST, G_GROUP_OF, G_PERSON_LIVE, G_HISTORY,
    G_ELECTION_ADD, G_ELECTION_GET, G_ELECTION_LIST, G_CANDIDATE_ADD, G_CANDIDATE_LIST,
    G_CANDIDATE_OF, G_VOTE_ADD, G_ELECTION_CLOSE, G_MEMBER_NOW,
    G_MEETING_ADD, G_MEETING_UPDATE, G_MEETING_GET, G_MEETING_LIST, G_ITEMS_DEL, G_ITEM_ADD,
    G_ITEMS_GET, G_MPEOPLE_DEL, G_MPERSON_ADD, G_MPEOPLE_GET,
    G_NEWS_ADD, G_NEWS_GET, G_NEWS_LIST,
    G_COUNT
};
_Static_assert(SLOT_GOVERNANCE + G_COUNT <= SLOT_OWN_END, "too few governance slots");

#define TERM_COLS                                                                             \
    "t.id, t.office_id, o.kind, o.name, t.person_id, t.org, t.museum_id, t.country, np.grp, " \
    "t.start_date, t.end_date, t.election_id, t.override, t.broken, t.note, t.demo, "         \
    "t.source, t.recorded_by, t.recorded, p.name, p.erased"
/* A holder's country: the term's own, else the person's museum's, else the
 * organization's museum's; then its partner country (HK, MO: CN). */
#define HOLDER_GROUP                                                                          \
    " LEFT JOIN people p ON p.id = t.person_id"                                               \
    " LEFT JOIN museums pm ON pm.id = p.museum_id"                                            \
    " LEFT JOIN museums tm ON tm.id = t.museum_id"                                            \
    " LEFT JOIN partner_aliases pa ON pa.code = coalesce(t.country, pm.country, tm.country)"  \
    " LEFT JOIN network_partners np ON np.kind = 'country' AND"                               \
    " np.code = coalesce(pa.partner, t.country, pm.country, tm.country)"
#define ELECTION_COLS "e.id, e.office_id, e.title, e.held, e.term_start, e.term_end, e.state, " \
                      "e.demo, e.source, e.created"
#define MEETING_COLS                                                                          \
    "id, kind, number, title, start_date, end_date, city, country, host, host_museum_id, "    \
    "theme, minutes, demo, source, created, updated"
#define NEWS_COLS "id, title, body, museum_id, published, updated, posted_by, demo, source"

static const char *const sql[G_COUNT] = {
    [G_BODY_PUT] = "INSERT INTO gov_bodies(key, name, source) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT(key) DO UPDATE SET name = excluded.name, "
                   "source = excluded.source RETURNING id",
    [G_BODY_BY_KEY] = "SELECT id, key, name, source FROM gov_bodies WHERE key = ?1",
    [G_OFFICE_PUT] = "INSERT INTO gov_offices(body_id, kind, name, pos) VALUES (?1, ?2, ?3, ?4) "
                     "ON CONFLICT(body_id, name) DO UPDATE SET kind = excluded.kind, "
                     "pos = excluded.pos RETURNING id",
    [G_OFFICE_GET] = "SELECT id, body_id, kind, name, pos FROM gov_offices WHERE id = ?1",
    [G_OFFICE_LIST] = "SELECT id, body_id, kind, name, pos FROM gov_offices WHERE body_id = ?1 "
                      "ORDER BY pos, id",
    [G_RULE_ADD] = "INSERT INTO gov_rules(body_id, kind, params, note, source) "
                   "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
    [G_RULE_LIST] = "SELECT id, kind, params, body_id, note, source FROM gov_rules "
                    "WHERE body_id = ?1 ORDER BY id",
    [G_TERM_ADD] = "INSERT INTO gov_terms(office_id, person_id, org, museum_id, country, "
                   "start_date, end_date, election_id, override, broken, note, demo, source, "
                   "recorded_by, recorded) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                   "?11, ?12, ?13, ?14, ?15) RETURNING id",
    [G_TERM_LIST] = "SELECT " TERM_COLS " FROM gov_terms t "
                    "JOIN gov_offices o ON o.id = t.office_id" HOLDER_GROUP
                    " WHERE o.body_id = ?1 AND (?2 = 0 OR t.office_id = ?2) "
                    "ORDER BY o.pos, o.id, t.start_date IS NOT NULL, t.start_date, t.id",
    [G_GROUP_OF] = "SELECT np.grp FROM (SELECT CAST(?1 AS bigint) AS person_id, "
                   "CAST(?2 AS bigint) AS museum_id, "
                   "CAST(?3 AS text) AS country) t" HOLDER_GROUP,
    [G_PERSON_LIVE] = "SELECT count(*) FROM people WHERE id = ?1 AND erased = 0",
    [G_HISTORY] = "INSERT INTO network_history(time, actor, entity, entity_id, action, detail) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [G_ELECTION_ADD] = "INSERT INTO gov_elections(office_id, title, held, term_start, term_end, "
                       "state, demo, source, created) VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, "
                       "?7, ?8) RETURNING id",
    [G_ELECTION_GET] = "SELECT " ELECTION_COLS " FROM gov_elections e WHERE e.id = ?1",
    [G_ELECTION_LIST] = "SELECT " ELECTION_COLS " FROM gov_elections e "
                        "JOIN gov_offices o ON o.id = e.office_id WHERE o.body_id = ?1 "
                        "ORDER BY e.id DESC",
    [G_CANDIDATE_ADD] = "INSERT INTO gov_candidates(election_id, person_id, org, museum_id, "
                        "country) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
    [G_CANDIDATE_LIST] = "SELECT c.id, c.election_id, c.person_id, c.org, c.museum_id, "
                         "c.country, p.name, p.erased, (SELECT count(*) FROM gov_votes v "
                         "WHERE v.candidate_id = c.id) AS votes FROM gov_candidates c "
                         "LEFT JOIN people p ON p.id = c.person_id WHERE c.election_id = ?1 "
                         "ORDER BY votes DESC, c.id",
    [G_CANDIDATE_OF] = "SELECT count(*) FROM gov_candidates c JOIN gov_elections e "
                       "ON e.id = c.election_id WHERE c.id = ?1 AND e.id = ?2 "
                       "AND e.state = 'open'",
    [G_VOTE_ADD] = "INSERT INTO gov_votes(election_id, voter, candidate_id, cast_at) "
                   "VALUES (?1, ?2, ?3, ?4)",
    [G_ELECTION_CLOSE] = "UPDATE gov_elections SET state = 'closed' WHERE id = ?1 "
                         "AND state = 'open' RETURNING id",
    [G_MEMBER_NOW] = "SELECT status FROM member_status WHERE museum_id = ?1 "
                     "ORDER BY id DESC LIMIT 1",
    [G_MEETING_ADD] = "INSERT INTO meetings(kind, number, title, start_date, end_date, city, "
                      "country, host, host_museum_id, theme, minutes, demo, source, created, "
                      "updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                      "?13, ?14, ?14) RETURNING id",
    [G_MEETING_UPDATE] = "UPDATE meetings SET kind = ?1, number = ?2, title = ?3, "
                         "start_date = ?4, end_date = ?5, city = ?6, country = ?7, host = ?8, "
                         "host_museum_id = ?9, theme = ?10, minutes = ?11, demo = ?12, "
                         "source = ?13, updated = ?14 WHERE id = ?15 RETURNING id",
    [G_MEETING_GET] = "SELECT " MEETING_COLS " FROM meetings WHERE id = ?1",
    [G_MEETING_LIST] = "SELECT " MEETING_COLS " FROM meetings WHERE ?1 = '' OR kind = ?1 "
                       "ORDER BY start_date IS NULL, start_date DESC, id DESC",
    [G_ITEMS_DEL] = "DELETE FROM meeting_items WHERE meeting_id = ?1",
    [G_ITEM_ADD] = "INSERT INTO meeting_items(meeting_id, kind, pos, title, who, due, url) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [G_ITEMS_GET] = "SELECT kind, title, who, due, url FROM meeting_items WHERE meeting_id = ?1 "
                    "ORDER BY kind, pos",
    [G_MPEOPLE_DEL] = "DELETE FROM meeting_people WHERE meeting_id = ?1",
    [G_MPERSON_ADD] = "INSERT INTO meeting_people(meeting_id, person_id, role) VALUES (?1, ?2, ?3)",
    [G_MPEOPLE_GET] = "SELECT mp.person_id, mp.role, p.name, p.erased FROM meeting_people mp "
                      "JOIN people p ON p.id = mp.person_id WHERE mp.meeting_id = ?1 "
                      "ORDER BY mp.role, p.id",
    [G_NEWS_ADD] = "INSERT INTO news(title, body, museum_id, published, updated, posted_by, demo, "
                   "source) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7) RETURNING id",
    [G_NEWS_GET] = "SELECT " NEWS_COLS " FROM news WHERE id = ?1",
    [G_NEWS_LIST] = "SELECT " NEWS_COLS " FROM news ORDER BY published DESC, id DESC LIMIT ?1",
};

static vcm_stmt *st(store *s, int k)
{
    return vcm_st_slot(s, SLOT_GOVERNANCE + (unsigned)k, sql[k]);
}

/* Runs a statement that answers "RETURNING id": 1 with *id, 0 no row, -1;
 * -2 when a unique key would repeat. */
static int returning(store *s, vcm_stmt *q, const char *what, int64_t *id)
{
    int rc = s->d->step(q);
    if (rc == VCM_ROW) {
        if (id)
            *id = s->d->col_int(q, 0);
        rc = s->d->step(q);
        if (rc >= 0)
            rc = 1;
    }
    if (rc == VCM_E_UNIQUE) {
        s->d->reset(q);
        return -2;
    }
    if (rc < 0)
        vcm_fail_db(s, what);
    s->d->reset(q);
    return rc < 0 ? -1 : rc == VCM_DONE ? 0 : 1;
}

static int history(store *s, const char *actor, const char *entity, int64_t id,
                   const char *action, const char *detail)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    vcm_stmt *q = st(s, G_HISTORY);
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

/* A date as the documents give it, or NULL; -1 (with the message) when it
 * is none. */
static int date_ok(store *s, const char *what, const char *d)
{
    vcm_gdate g;
    if (vcm_gdate_parse(d, &g) < 0)
        return vcm_store_fail(&s->base, "%s '%.40s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                              what, d);
    return 0;
}

/* Reads each row of q (bound) with fn into a grown array. */
typedef void (*read_fn)(store *s, vcm_arena *a, vcm_stmt *q, void *row);
static int list(store *s, vcm_arena *a, vcm_stmt *q, size_t size, read_fn fn, void **out,
                size_t *n, const char *what)
{
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        char *v = vcm_grow(a, *out, n, size);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory");
        }
        *out = v;
        memset(v + (*n - 1) * size, 0, size);
        fn(s, a, q, v + (*n - 1) * size);
    }
    if (rc < 0)
        vcm_fail_db(s, what);
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* ---- bodies, offices, rules ---------------------------------------------------- */

int vcm_gov_body_put(vcm_store *b, vcm_gov_body *body)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_BODY_PUT);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, body->key);
    s->d->bind_text(q, 2, body->name);
    vcm_bind_opt(s, q, 3, body->source);
    return returning(s, q, "cannot store a body", &body->id) < 0 ? -1 : 0;
}

static void read_body(store *s, vcm_arena *a, vcm_stmt *q, void *row)
{
    vcm_gov_body *o = row;
    o->id = s->d->col_int(q, 0);
    o->key = vcm_col_dup(s, a, q, 1);
    o->name = vcm_col_dup(s, a, q, 2);
    o->source = vcm_col_dup(s, a, q, 3);
}

int vcm_gov_body_by_key(vcm_store *b, vcm_arena *a, const char *key, vcm_gov_body *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_BODY_BY_KEY);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, key);
    int rc = vcm_one_row(s, q, "cannot read a body");
    if (rc == 1) {
        memset(out, 0, sizeof *out);
        read_body(s, a, q, out);
    }
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_gov_office_put(vcm_store *b, vcm_gov_office *o)
{
    store *s = S(b);
    if (!vcm_office_kind_ok(o->kind))
        return vcm_store_fail(b, "'%.32s' is no kind of office", o->kind ? o->kind : "");
    vcm_stmt *q = st(s, G_OFFICE_PUT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, o->body_id);
    s->d->bind_text(q, 2, o->kind);
    s->d->bind_text(q, 3, o->name);
    s->d->bind_int(q, 4, o->pos);
    return returning(s, q, "cannot store an office", &o->id) < 0 ? -1 : 0;
}

static void read_office(store *s, vcm_arena *a, vcm_stmt *q, void *row)
{
    vcm_gov_office *o = row;
    o->id = s->d->col_int(q, 0);
    o->body_id = s->d->col_int(q, 1);
    o->kind = vcm_col_dup(s, a, q, 2);
    o->name = vcm_col_dup(s, a, q, 3);
    o->pos = (int)s->d->col_int(q, 4);
}

int vcm_gov_office_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_gov_office *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_OFFICE_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read an office");
    if (rc == 1) {
        memset(out, 0, sizeof *out);
        read_office(s, a, q, out);
    }
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_gov_office_list(vcm_store *b, vcm_arena *a, int64_t body_id, vcm_gov_office **out,
                        size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_OFFICE_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, body_id);
    return list(s, a, q, sizeof **out, read_office, (void **)out, n, "cannot list offices");
}

int vcm_gov_rule_add(vcm_store *b, vcm_gov_rule_row *r, const char *actor)
{
    store *s = S(b);
    char why[160];
    if (vcm_gov_rule_valid(&r->rule, why, sizeof why) < 0)
        return vcm_store_fail(b, "%s", why);
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    int rc = -1;
    vcm_stmt *q = st(s, G_RULE_ADD);
    if (q) {
        s->d->bind_int(q, 1, r->body_id);
        s->d->bind_text(q, 2, r->rule.kind);
        s->d->bind_text(q, 3, r->rule.params ? r->rule.params : "");
        vcm_bind_opt(s, q, 4, r->note);
        vcm_bind_opt(s, q, 5, r->source);
        rc = returning(s, q, "cannot store a rule", &r->rule.id) < 0 ? -1 : 0;
    }
    if (rc == 0)
        rc = history(s, actor, "rule", r->rule.id, "create", r->rule.kind);
    return vcm_tx_end(s, own, rc);
}

static void read_rule(store *s, vcm_arena *a, vcm_stmt *q, void *row)
{
    vcm_gov_rule_row *r = row;
    r->rule.id = s->d->col_int(q, 0);
    r->rule.kind = vcm_col_dup(s, a, q, 1);
    r->rule.params = vcm_col_dup(s, a, q, 2);
    r->body_id = s->d->col_int(q, 3);
    r->note = vcm_col_dup(s, a, q, 4);
    r->source = vcm_col_dup(s, a, q, 5);
}

int vcm_gov_rule_list(vcm_store *b, vcm_arena *a, int64_t body_id, vcm_gov_rule_row **out,
                      size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_RULE_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, body_id);
    return list(s, a, q, sizeof **out, read_rule, (void **)out, n, "cannot list rules");
}

/* ---- terms -------------------------------------------------------------------- */

static vcm_group group_of(const char *g)
{
    vcm_group out = VCM_GROUP_UNKNOWN;
    if (g)
        vcm_group_parse(g, &out);
    return out;
}

static void read_term(store *s, vcm_arena *a, vcm_stmt *q, void *row)
{
    vcm_gov_appt *t = row;
    t->t.id = s->d->col_int(q, 0);
    t->t.office_id = s->d->col_int(q, 1);
    t->t.office_kind = vcm_col_dup(s, a, q, 2);
    t->office_name = vcm_col_dup(s, a, q, 3);
    t->t.person_id = vcm_col_int0(s, q, 4);
    t->t.org = vcm_col_dup(s, a, q, 5);
    t->t.museum_id = vcm_col_int0(s, q, 6);
    t->country = vcm_col_dup(s, a, q, 7);
    t->t.group = group_of(s->d->col_text(q, 8, NULL));
    /* stored dates were checked when written */
    vcm_gdate_parse(s->d->col_text(q, 9, NULL), &t->t.start);
    vcm_gdate_parse(s->d->col_text(q, 10, NULL), &t->t.end);
    t->election_id = vcm_col_int0(s, q, 11);
    t->override = vcm_col_dup(s, a, q, 12);
    t->broken = vcm_col_dup(s, a, q, 13);
    t->note = vcm_col_dup(s, a, q, 14);
    t->demo = vcm_col_int0(s, q, 15) != 0;
    t->source = vcm_col_dup(s, a, q, 16);
    t->recorded_by = vcm_col_dup(s, a, q, 17);
    t->recorded = vcm_col_int0(s, q, 18);
    t->holder_erased = vcm_col_int0(s, q, 20) != 0;
    t->holder = t->t.person_id ? (t->holder_erased ? NULL : vcm_col_dup(s, a, q, 19)) : t->t.org;
}

int vcm_gov_term_list(vcm_store *b, vcm_arena *a, int64_t body_id, int64_t office_id,
                      vcm_gov_appt **out, size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_TERM_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, body_id);
    s->d->bind_int(q, 2, office_id);
    return list(s, a, q, sizeof **out, read_term, (void **)out, n, "cannot list terms");
}

/* The group of a holder not yet stored. */
static int holder_group(store *s, const vcm_gov_appt *p, vcm_group *g)
{
    vcm_stmt *q = st(s, G_GROUP_OF);
    if (!q)
        return -1;
    vcm_bind_id(s, q, 1, p->t.person_id);
    vcm_bind_id(s, q, 2, p->t.museum_id);
    vcm_bind_opt(s, q, 3, p->country);
    int rc = vcm_one_row(s, q, "cannot read a holder's group");
    *g = rc == 1 ? group_of(s->d->col_text(q, 0, NULL)) : VCM_GROUP_UNKNOWN;
    if (rc >= 0)
        s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int person_live(store *s, int64_t id)
{
    vcm_stmt *q = st(s, G_PERSON_LIVE);
    int64_t n;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    if (vcm_first_int(s, q, "cannot look the person up", &n) < 0)
        return -1;
    if (!n)
        return vcm_store_fail(&s->base, "no person has id %lld", (long long)id);
    return 0;
}

/* The kinds of the rules broken, comma-separated, in the arena. */
static const char *broken_list(vcm_arena *a, const vcm_gov_verdict *v)
{
    const char *out = "";
    for (size_t i = 0; i < v->n; i++) {
        const char *k = v->rules[v->breach[i].rule].rule.kind;
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen |= !strcmp(v->rules[v->breach[j].rule].rule.kind, k);
        if (!seen)
            out = *out ? vcm_arena_printf(a, "%s,%s", out, k) : k;
    }
    return out;
}

static int appoint(store *s, vcm_arena *a, vcm_gov_appt *p, bool hist, const char *override,
                   const char *actor, vcm_gov_verdict *v)
{
    vcm_gov_office office;
    int r = vcm_gov_office_get(&s->base, a, p->t.office_id, &office);
    if (r <= 0)
        return r < 0 ? -1
                     : vcm_store_fail(&s->base, "no office has id %lld",
                                      (long long)p->t.office_id);
    p->t.office_kind = office.kind;
    p->office_name = office.name;
    if (p->t.person_id && person_live(s, p->t.person_id) < 0)
        return -1;
    if (holder_group(s, p, &p->t.group) < 0)
        return -1;
    const char *broken = NULL;
    if (!hist) {
        vcm_gov_rule_row *rules;
        vcm_gov_appt *terms;
        size_t nrules, nterms;
        if (vcm_gov_rule_list(&s->base, a, office.body_id, &rules, &nrules) < 0 ||
            vcm_gov_term_list(&s->base, a, office.body_id, 0, &terms, &nterms) < 0)
            return -1;
        vcm_gov_rule *rs = vcm_arena_alloc(a, (nrules + 1) * sizeof *rs);
        vcm_gov_term *ts = vcm_arena_alloc(a, (nterms + 1) * sizeof *ts);
        if (!rs || !ts)
            return vcm_store_fail(&s->base, "out of memory");
        for (size_t i = 0; i < nrules; i++)
            rs[i] = rules[i].rule;
        for (size_t i = 0; i < nterms; i++)
            ts[i] = terms[i].t;
        v->rules = rules;
        if (vcm_gov_check(rs, nrules, ts, nterms, &p->t, v->breach, VCM_GOV_BREACH_MAX, &v->n) < 0)
            return vcm_store_fail(&s->base, "rule %lld is malformed",
                                  (long long)rules[v->breach[0].rule].rule.id);
        if (v->n && !(override && *override))
            return -2;
        if (v->n)
            broken = broken_list(a, v);
    }
    char start[11], end[11];
    vcm_gdate_format(p->t.start, start);
    vcm_gdate_format(p->t.end, end);
    vcm_stmt *q = st(s, G_TERM_ADD);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, p->t.office_id);
    vcm_bind_id(s, q, 2, p->t.person_id);
    vcm_bind_opt(s, q, 3, p->t.person_id ? NULL : p->t.org);
    vcm_bind_id(s, q, 4, p->t.museum_id);
    vcm_bind_opt(s, q, 5, p->country);
    vcm_bind_opt(s, q, 6, start);
    vcm_bind_opt(s, q, 7, end);
    vcm_bind_id(s, q, 8, p->election_id);
    vcm_bind_opt(s, q, 9, broken ? override : NULL);
    vcm_bind_opt(s, q, 10, broken);
    vcm_bind_opt(s, q, 11, p->note);
    s->d->bind_int(q, 12, p->demo);
    vcm_bind_opt(s, q, 13, p->source);
    s->d->bind_text(q, 14, actor && *actor ? actor : "unknown");
    s->d->bind_int(q, 15, vcm_now());
    if (returning(s, q, "cannot store a term", &p->t.id) < 0)
        return -1;
    p->override = broken ? override : NULL;
    p->broken = broken;
    const char *action = broken ? "appoint-override" : hist ? "record" : "appoint";
    return history(s, actor, "term", p->t.id, action,
                   broken ? vcm_arena_printf(a, "against %s: %s", broken, override) : NULL);
}

int vcm_gov_appoint(vcm_store *b, vcm_arena *a, vcm_gov_appt *p, bool hist,
                    const char *override, const char *actor, vcm_gov_verdict *v)
{
    store *s = S(b);
    memset(v, 0, sizeof *v);
    bool has_org = p->t.org && *p->t.org;
    if ((p->t.person_id != 0) == has_org)
        return vcm_store_fail(b, "a term is held by a person or by an organization");
    if (!hist && !p->t.start.y)
        return vcm_store_fail(b, "a new term needs its start");
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    return vcm_tx_end(s, own, appoint(s, a, p, hist, override, actor, v));
}

/* ---- elections ------------------------------------------------------------------ */

int vcm_gov_election_add(vcm_store *b, vcm_gov_election *e, const char *actor)
{
    store *s = S(b);
    if (!e->title || !*e->title)
        return vcm_store_fail(b, "an election needs a title");
    if (date_ok(s, "held", e->held) < 0 || date_ok(s, "term_start", e->term_start) < 0 ||
        date_ok(s, "term_end", e->term_end) < 0)
        return -1;
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    int rc = -1;
    vcm_stmt *q = st(s, G_ELECTION_ADD);
    if (q) {
        s->d->bind_int(q, 1, e->office_id);
        s->d->bind_text(q, 2, e->title);
        vcm_bind_opt(s, q, 3, e->held);
        vcm_bind_opt(s, q, 4, e->term_start);
        vcm_bind_opt(s, q, 5, e->term_end);
        s->d->bind_int(q, 6, e->demo);
        vcm_bind_opt(s, q, 7, e->source);
        e->created = vcm_now();
        s->d->bind_int(q, 8, e->created);
        rc = returning(s, q, "cannot store an election", &e->id) < 0 ? -1 : 0;
        e->open = true;
    }
    if (rc == 0)
        rc = history(s, actor, "election", e->id, "create", NULL);
    return vcm_tx_end(s, own, rc);
}

static void read_election(store *s, vcm_arena *a, vcm_stmt *q, void *row)
{
    vcm_gov_election *e = row;
    e->id = s->d->col_int(q, 0);
    e->office_id = s->d->col_int(q, 1);
    e->title = vcm_col_dup(s, a, q, 2);
    e->held = vcm_col_dup(s, a, q, 3);
    e->term_start = vcm_col_dup(s, a, q, 4);
    e->term_end = vcm_col_dup(s, a, q, 5);
    const char *st_ = s->d->col_text(q, 6, NULL);
    e->open = st_ && !strcmp(st_, "open");
    e->demo = vcm_col_int0(s, q, 7) != 0;
    e->source = vcm_col_dup(s, a, q, 8);
    e->created = vcm_col_int0(s, q, 9);
}

int vcm_gov_election_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_gov_election *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_ELECTION_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read an election");
    if (rc == 1) {
        memset(out, 0, sizeof *out);
        read_election(s, a, q, out);
    }
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_gov_election_list(vcm_store *b, vcm_arena *a, int64_t body_id, vcm_gov_election **out,
                          size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_ELECTION_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, body_id);
    return list(s, a, q, sizeof **out, read_election, (void **)out, n,
                "cannot list elections");
}

int vcm_gov_candidate_add(vcm_store *b, vcm_gov_candidate *c, const char *actor)
{
    store *s = S(b);
    if ((c->person_id != 0) == (c->org && *c->org))
        return vcm_store_fail(b, "a candidate is a person or an organization");
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    vcm_arena a;
    vcm_arena_init(&a, 1024);
    vcm_gov_election e;
    int rc = vcm_gov_election_get(b, &a, c->election_id, &e);
    if (rc == 0)
        rc = vcm_store_fail(b, "no election has id %lld", (long long)c->election_id);
    else if (rc == 1 && !e.open)
        rc = -3;
    else if (rc == 1 && c->person_id && person_live(s, c->person_id) < 0)
        rc = -1;
    vcm_arena_release(&a);
    if (rc == 1) {
        vcm_stmt *q = st(s, G_CANDIDATE_ADD);
        rc = -1;
        if (q) {
            s->d->bind_int(q, 1, c->election_id);
            vcm_bind_id(s, q, 2, c->person_id);
            vcm_bind_opt(s, q, 3, c->person_id ? NULL : c->org);
            vcm_bind_id(s, q, 4, c->museum_id);
            vcm_bind_opt(s, q, 5, c->country);
            rc = returning(s, q, "cannot store a candidate", &c->id) < 0 ? -1 : 0;
        }
        if (rc == 0)
            rc = history(s, actor, "election", c->election_id, "candidate", NULL);
    }
    return vcm_tx_end(s, own, rc);
}

static void read_candidate(store *s, vcm_arena *a, vcm_stmt *q, void *row)
{
    vcm_gov_candidate *c = row;
    c->id = s->d->col_int(q, 0);
    c->election_id = s->d->col_int(q, 1);
    c->person_id = vcm_col_int0(s, q, 2);
    c->org = vcm_col_dup(s, a, q, 3);
    c->museum_id = vcm_col_int0(s, q, 4);
    c->country = vcm_col_dup(s, a, q, 5);
    bool erased = vcm_col_int0(s, q, 7) != 0;
    c->name = c->person_id ? (erased ? NULL : vcm_col_dup(s, a, q, 6)) : c->org;
    c->votes = vcm_col_int0(s, q, 8);
}

int vcm_gov_candidate_list(vcm_store *b, vcm_arena *a, int64_t election_id,
                           vcm_gov_candidate **out, size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_CANDIDATE_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, election_id);
    return list(s, a, q, sizeof **out, read_candidate, (void **)out, n,
                "cannot list candidates");
}

/* Whether a museum's current status is member: 1, 0, -1. */
static int is_member(store *s, int64_t museum_id)
{
    vcm_stmt *q = st(s, G_MEMBER_NOW);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    int rc = vcm_one_row(s, q, "cannot read a membership");
    if (rc == 1)
        rc = !strcmp(s->d->col_text(q, 0, NULL) ? s->d->col_text(q, 0, NULL) : "", "member");
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

static int vote(store *s, vcm_arena *a, int64_t election_id, int64_t voter_museum,
                int64_t voter_person, int64_t candidate_id, const char **why)
{
    vcm_gov_election e;
    vcm_gov_office office;
    int rc = vcm_gov_election_get(&s->base, a, election_id, &e);
    if (rc <= 0)
        return rc < 0 ? -1 : -3;
    if (!e.open)
        return -3;
    vcm_stmt *q = st(s, G_CANDIDATE_OF);
    int64_t found;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, candidate_id);
    s->d->bind_int(q, 2, election_id);
    if (vcm_first_int(s, q, "cannot read a candidate", &found) < 0)
        return -1;
    if (!found)
        return -3;
    if ((rc = vcm_gov_office_get(&s->base, a, e.office_id, &office)) <= 0)
        return rc < 0 ? -1 : -3;
    vcm_gov_rule_row *rules;
    vcm_gov_appt *terms;
    size_t nrules, nterms;
    if (vcm_gov_rule_list(&s->base, a, office.body_id, &rules, &nrules) < 0 ||
        vcm_gov_term_list(&s->base, a, office.body_id, 0, &terms, &nterms) < 0)
        return -1;
    vcm_gov_rule *rs = vcm_arena_alloc(a, (nrules + 1) * sizeof *rs);
    vcm_gov_term *ts = vcm_arena_alloc(a, (nterms + 1) * sizeof *ts);
    if (!rs || !ts)
        return vcm_store_fail(&s->base, "out of memory");
    for (size_t i = 0; i < nrules; i++)
        rs[i] = rules[i].rule;
    for (size_t i = 0; i < nterms; i++)
        ts[i] = terms[i].t;
    bool member = false, committee = false;
    if (voter_museum) {
        if ((rc = is_member(s, voter_museum)) < 0)
            return -1;
        member = rc == 1;
    } else {
        /* on the day of the election, or today when it has none */
        vcm_gdate day;
        if (vcm_gdate_parse(e.held, &day) < 0 || !day.y) {
            char today[11];
            time_t now = (time_t)vcm_now();
            struct tm tm;
            gmtime_r(&now, &tm);
            strftime(today, sizeof today, "%Y-%m-%d", &tm);
            vcm_gdate_parse(today, &day);
        }
        committee = vcm_gov_holds(ts, nterms, voter_person, day);
    }
    rc = vcm_gov_may_vote(rs, nrules, committee, member);
    if (rc < 0)
        return vcm_store_fail(&s->base, "the voters rule is malformed");
    if (rc == 0) {
        *why = voter_museum ? "gov.vote.not_member" : "gov.vote.not_committee";
        return -2;
    }
    char voter[32];
    snprintf(voter, sizeof voter, "%c:%lld", voter_museum ? 'm' : 'p',
             (long long)(voter_museum ? voter_museum : voter_person));
    if (!(q = st(s, G_VOTE_ADD)))
        return -1;
    s->d->bind_int(q, 1, election_id);
    s->d->bind_text(q, 2, voter);
    s->d->bind_int(q, 3, candidate_id);
    s->d->bind_int(q, 4, vcm_now());
    rc = s->d->step(q);
    if (rc == VCM_E_UNIQUE) {
        s->d->reset(q);
        *why = "gov.vote.again";
        return -4;
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot store a vote");
    s->d->reset(q);
    if (rc < 0)
        return -1;
    /* the history says that a vote was cast, never for whom */
    return history(s, voter, "election", election_id, "vote", NULL);
}

int vcm_gov_vote(vcm_store *b, int64_t election_id, int64_t voter_museum, int64_t voter_person,
                 int64_t candidate_id, const char **why)
{
    store *s = S(b);
    *why = NULL;
    if ((voter_museum != 0) == (voter_person != 0))
        return vcm_store_fail(b, "a voter is a museum or a person");
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    vcm_arena a;
    vcm_arena_init(&a, 16 * 1024);
    int rc = vote(s, &a, election_id, voter_museum, voter_person, candidate_id, why);
    vcm_arena_release(&a);
    return vcm_tx_end(s, own, rc);
}

int vcm_gov_election_close(vcm_store *b, int64_t id, const char *actor)
{
    store *s = S(b);
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    vcm_stmt *q = st(s, G_ELECTION_CLOSE);
    if (q)
        s->d->bind_int(q, 1, id);
    int rc = q ? returning(s, q, "cannot close an election", NULL) : -1;
    if (rc == 1 && history(s, actor, "election", id, "close", NULL) < 0)
        rc = -1;
    return vcm_tx_end(s, own, rc);
}

/* ---- meetings --------------------------------------------------------------------- */

static bool one_of(const char *v, const char *const *set)
{
    for (; v && *set; set++)
        if (!strcmp(v, *set))
            return true;
    return false;
}

static int meeting_check(store *s, const vcm_meeting *m)
{
    static const char *const kinds[] = {"general_conference", "executive_committee", NULL};
    static const char *const items[] = {"session", "agenda", "document", "decision", NULL};
    static const char *const roles[] = {"participant", "speaker", "apologies", NULL};
    if (!one_of(m->kind, kinds))
        return vcm_store_fail(&s->base, "a meeting is a general_conference or an "
                                        "executive_committee");
    if (!m->title || !*m->title)
        return vcm_store_fail(&s->base, "a meeting needs a title");
    if (m->number < 0)
        return vcm_store_fail(&s->base, "a meeting's number is 1 or more");
    if (date_ok(s, "start", m->start) < 0 || date_ok(s, "end", m->end) < 0)
        return -1;
    for (size_t i = 0; i < m->nitems; i++) {
        if (!one_of(m->items[i].kind, items) || !m->items[i].title || !*m->items[i].title)
            return vcm_store_fail(&s->base, "item %zu: a kind (session, agenda, document, "
                                            "decision) and a title", i + 1);
        if (date_ok(s, "due", m->items[i].due) < 0)
            return -1;
    }
    for (size_t i = 0; i < m->npeople; i++)
        if (!one_of(m->people[i].role, roles))
            return vcm_store_fail(&s->base, "person %zu: a role (participant, speaker, "
                                            "apologies)", i + 1);
    return 0;
}

static int meeting_put(store *s, vcm_meeting *m, const char *actor)
{
    bool insert = m->id == 0;
    vcm_stmt *q = st(s, insert ? G_MEETING_ADD : G_MEETING_UPDATE);
    if (!q)
        return -1;
    int64_t now = vcm_now();
    s->d->bind_text(q, 1, m->kind);
    vcm_bind_id(s, q, 2, m->number);
    s->d->bind_text(q, 3, m->title);
    vcm_bind_opt(s, q, 4, m->start);
    vcm_bind_opt(s, q, 5, m->end);
    vcm_bind_opt(s, q, 6, m->city);
    vcm_bind_opt(s, q, 7, m->country);
    vcm_bind_opt(s, q, 8, m->host);
    vcm_bind_id(s, q, 9, m->host_museum_id);
    vcm_bind_opt(s, q, 10, m->theme);
    vcm_bind_opt(s, q, 11, m->minutes);
    s->d->bind_int(q, 12, m->demo);
    vcm_bind_opt(s, q, 13, m->source);
    s->d->bind_int(q, 14, now);
    if (!insert)
        s->d->bind_int(q, 15, m->id);
    int rc = returning(s, q, "cannot store a meeting", &m->id);
    if (rc == -2) {
        vcm_store_fail(&s->base, "meeting number %d of this kind is stored already", m->number);
        return -2;
    }
    if (rc <= 0)
        return rc;
    int64_t id = m->id;
    if (!(q = st(s, G_ITEMS_DEL)))
        return -1;
    s->d->bind_int(q, 1, id);
    if (vcm_run(s, q, "cannot replace a meeting's items") < 0 || !(q = st(s, G_MPEOPLE_DEL)))
        return -1;
    s->d->bind_int(q, 1, id);
    if (vcm_run(s, q, "cannot replace a meeting's people") < 0)
        return -1;
    for (size_t i = 0; i < m->nitems; i++) {
        const vcm_meeting_item *it = &m->items[i];
        if (!(q = st(s, G_ITEM_ADD)))
            return -1;
        s->d->bind_int(q, 1, id);
        s->d->bind_text(q, 2, it->kind);
        s->d->bind_int(q, 3, (int64_t)i + 1);
        s->d->bind_text(q, 4, it->title);
        vcm_bind_opt(s, q, 5, it->who);
        vcm_bind_opt(s, q, 6, it->due);
        vcm_bind_opt(s, q, 7, it->url);
        if (vcm_run(s, q, "cannot store a meeting's item") < 0)
            return -1;
    }
    for (size_t i = 0; i < m->npeople; i++) {
        if (!(q = st(s, G_MPERSON_ADD)))
            return -1;
        s->d->bind_int(q, 1, id);
        s->d->bind_int(q, 2, m->people[i].person_id);
        s->d->bind_text(q, 3, m->people[i].role);
        if (vcm_run(s, q, "cannot store a meeting's person") < 0)
            return -1;
    }
    m->updated = now;
    if (insert)
        m->created = now;
    return history(s, actor, "meeting", id, insert ? "create" : "update", NULL) < 0 ? -1 : 1;
}

int vcm_meeting_put(vcm_store *b, vcm_meeting *m, const char *actor)
{
    store *s = S(b);
    if (meeting_check(s, m) < 0)
        return -1;
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    int rc = meeting_put(s, m, actor);
    /* a refusal writes nothing: roll our own transaction back */
    if (rc == -2 && own) {
        vcm_tx_end(s, own, -1);
        return -2;
    }
    return vcm_tx_end(s, own, rc);
}

static void read_meeting(store *s, vcm_arena *a, vcm_stmt *q, void *row)
{
    vcm_meeting *m = row;
    m->id = s->d->col_int(q, 0);
    m->kind = vcm_col_dup(s, a, q, 1);
    m->number = (int)vcm_col_int0(s, q, 2);
    m->title = vcm_col_dup(s, a, q, 3);
    m->start = vcm_col_dup(s, a, q, 4);
    m->end = vcm_col_dup(s, a, q, 5);
    m->city = vcm_col_dup(s, a, q, 6);
    m->country = vcm_col_dup(s, a, q, 7);
    m->host = vcm_col_dup(s, a, q, 8);
    m->host_museum_id = vcm_col_int0(s, q, 9);
    m->theme = vcm_col_dup(s, a, q, 10);
    m->minutes = vcm_col_dup(s, a, q, 11);
    m->demo = vcm_col_int0(s, q, 12) != 0;
    m->source = vcm_col_dup(s, a, q, 13);
    m->created = vcm_col_int0(s, q, 14);
    m->updated = vcm_col_int0(s, q, 15);
}

static void read_item(store *s, vcm_arena *a, vcm_stmt *q, void *row)
{
    vcm_meeting_item *it = row;
    it->kind = vcm_col_dup(s, a, q, 0);
    it->title = vcm_col_dup(s, a, q, 1);
    it->who = vcm_col_dup(s, a, q, 2);
    it->due = vcm_col_dup(s, a, q, 3);
    it->url = vcm_col_dup(s, a, q, 4);
}

static void read_mperson(store *s, vcm_arena *a, vcm_stmt *q, void *row)
{
    vcm_meeting_person *p = row;
    p->person_id = s->d->col_int(q, 0);
    p->role = vcm_col_dup(s, a, q, 1);
    p->name = vcm_col_int0(s, q, 3) ? NULL : vcm_col_dup(s, a, q, 2);
}

int vcm_meeting_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_meeting *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_MEETING_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read a meeting");
    if (rc == 1) {
        memset(out, 0, sizeof *out);
        read_meeting(s, a, q, out);
    }
    if (rc >= 0)
        s->d->reset(q);
    if (rc != 1)
        return rc;
    if (!(q = st(s, G_ITEMS_GET)))
        return -1;
    s->d->bind_int(q, 1, id);
    if (list(s, a, q, sizeof *out->items, read_item, (void **)&out->items, &out->nitems,
             "cannot read a meeting's items") < 0 ||
        !(q = st(s, G_MPEOPLE_GET)))
        return -1;
    s->d->bind_int(q, 1, id);
    if (list(s, a, q, sizeof *out->people, read_mperson, (void **)&out->people, &out->npeople,
             "cannot read a meeting's people") < 0)
        return -1;
    return 1;
}

int vcm_meeting_list(vcm_store *b, vcm_arena *a, const char *kind, vcm_meeting **out,
                     size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_MEETING_LIST);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, kind ? kind : "");
    return list(s, a, q, sizeof **out, read_meeting, (void **)out, n, "cannot list meetings");
}

int vcm_meeting_quorum(vcm_store *b, vcm_arena *a, const vcm_meeting *m, int64_t body_id,
                       int64_t *members, int64_t *present)
{
    *members = *present = 0;
    vcm_gov_rule_row *rules;
    vcm_gov_appt *terms;
    size_t nrules, nterms;
    vcm_gdate day;
    if (vcm_gdate_parse(m->start, &day) < 0 || !day.y)
        return 0; /* when it met is not known: nothing to count */
    if (vcm_gov_rule_list(b, a, body_id, &rules, &nrules) < 0 ||
        vcm_gov_term_list(b, a, body_id, 0, &terms, &nterms) < 0)
        return -1;
    vcm_gov_rule *rs = vcm_arena_alloc(a, (nrules + 1) * sizeof *rs);
    vcm_gov_term *ts = vcm_arena_alloc(a, (nterms + 1) * sizeof *ts);
    if (!rs || !ts)
        return vcm_store_fail(b, "out of memory");
    for (size_t i = 0; i < nrules; i++)
        rs[i] = rules[i].rule;
    for (size_t i = 0; i < nterms; i++)
        ts[i] = terms[i].t;
    /* each person once, however many offices */
    for (size_t i = 0; i < nterms; i++) {
        int64_t pid = ts[i].person_id;
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen |= ts[j].person_id == pid;
        if (!pid || seen || !vcm_gov_holds(ts, nterms, pid, day))
            continue;
        (*members)++;
        for (size_t k = 0; k < m->npeople; k++)
            if (m->people[k].person_id == pid && !strcmp(m->people[k].role, "participant")) {
                (*present)++;
                break;
            }
    }
    int rc = vcm_gov_quorum(rs, nrules, *members, *present);
    if (rc < 0)
        return vcm_store_fail(b, "the quorum rule is malformed");
    return rc;
}

/* ---- news ----------------------------------------------------------------------- */

int vcm_news_add(vcm_store *b, vcm_news *n, const char *actor)
{
    store *s = S(b);
    if (!n->title || !*n->title || !n->body || !*n->body)
        return vcm_store_fail(b, "news needs a title and a text");
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    int rc = -1;
    vcm_stmt *q = st(s, G_NEWS_ADD);
    if (q) {
        if (!n->published)
            n->published = vcm_now();
        n->updated = n->published;
        s->d->bind_text(q, 1, n->title);
        s->d->bind_text(q, 2, n->body);
        vcm_bind_id(s, q, 3, n->museum_id);
        s->d->bind_int(q, 4, n->published);
        s->d->bind_text(q, 5, n->posted_by ? n->posted_by : actor);
        s->d->bind_int(q, 6, n->demo);
        vcm_bind_opt(s, q, 7, n->source);
        rc = returning(s, q, "cannot store news", &n->id) < 0 ? -1 : 0;
    }
    if (rc == 0)
        rc = history(s, actor, "news", n->id, "create", NULL);
    return vcm_tx_end(s, own, rc);
}

static void read_news(store *s, vcm_arena *a, vcm_stmt *q, void *row)
{
    vcm_news *n = row;
    n->id = s->d->col_int(q, 0);
    n->title = vcm_col_dup(s, a, q, 1);
    n->body = vcm_col_dup(s, a, q, 2);
    n->museum_id = vcm_col_int0(s, q, 3);
    n->published = vcm_col_int0(s, q, 4);
    n->updated = vcm_col_int0(s, q, 5);
    n->posted_by = vcm_col_dup(s, a, q, 6);
    n->demo = vcm_col_int0(s, q, 7) != 0;
    n->source = vcm_col_dup(s, a, q, 8);
}

int vcm_news_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_news *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_NEWS_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read news");
    if (rc == 1) {
        memset(out, 0, sizeof *out);
        read_news(s, a, q, out);
    }
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_news_list(vcm_store *b, vcm_arena *a, int max, vcm_news **out, size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, G_NEWS_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, max);
    return list(s, a, q, sizeof **out, read_news, (void **)out, n, "cannot list news");
}
