/* The network: partners, membership, exceptions, applications, people,
 * collections, figures and their history (store/network.h). The SQL is
 * the same on both engines; each write and its history line go in one
 * transaction (the caller's when one is open). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/country.h"
#include "store/network.h"
#include "store/store_int.h"
#include "core/banned.h"

enum {
    N_PARTNER_PUT, N_PARTNER_LIST, N_PARTNER_OF,
    N_PERSON_ADD, N_PERSON_GET, N_PERSON_LIST, N_PERSON_UPDATE, N_PERSON_ERASE,
    N_MEMBER_HISTORY, N_MEMBER_ALL, N_MEMBER_CURRENT, N_MEMBER_ADD, N_MEMBER_LIST,
    N_MUSEUM_EXISTS,
    N_EXCEPTION_PUT, N_EXCEPTION_GET,
    N_APP_ADD, N_APP_GET, N_APP_LIST, N_APP_DECIDE,
    N_COLL_ADD, N_COLL_UPDATE, N_COLL_GET, N_COLL_LIST,
    N_FIGURE_PUT, N_FIGURE_LIST,
    N_HISTORY_ADD, N_HISTORY_LIST,
    N_COUNT
};
_Static_assert(SLOT_NETWORK + N_COUNT <= SLOT_GOVERNANCE, "too few network slots");

#define PARTNER_COLS "code, kind, name, grp, joined, source"
#define PERSON_COLS                                                                           \
    "id, name, museum_id, organization, position, email, phone, consent, consent_when, "      \
    "consent_for, erased, erased_when, demo, source, created, updated"
#define STATUS_COLS "id, museum_id, status, from_date, reason, recorded_by, recorded, demo, source"
#define APP_COLS                                                                              \
    "id, institution, country, city, website, contact_id, collections, ack_definition, "      \
    "ack_ethics, state, reason, museum_id, submitted, decided, decided_by"
#define COLL_COLS                                                                             \
    "id, museum_id, name, scope, size, periods, cultures, contact_id, access, demo, source, "  \
    "created, updated"

static const char *const sql[N_COUNT] = {
    [N_PARTNER_PUT] = "INSERT INTO network_partners(" PARTNER_COLS ") VALUES (?1, ?2, ?3, ?4, "
                      "?5, ?6) ON CONFLICT(code) DO UPDATE SET kind = ?2, name = ?3, grp = ?4, "
                      "joined = ?5, source = ?6",
    [N_PARTNER_LIST] = "SELECT " PARTNER_COLS " FROM network_partners ORDER BY kind, "
                       "grp, name, code",
    [N_PARTNER_OF] = "SELECT " PARTNER_COLS " FROM network_partners WHERE kind = 'country' "
                     "AND code = coalesce((SELECT partner FROM partner_aliases WHERE code = ?1), "
                     "?1)",
    [N_PERSON_ADD] = "INSERT INTO people(name, museum_id, organization, position, email, phone, "
                     "consent, consent_when, consent_for, erased, demo, source, created, updated) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?11, ?12, ?12) "
                     "RETURNING id",
    [N_PERSON_GET] = "SELECT " PERSON_COLS " FROM people WHERE id = ?1",
    [N_PERSON_LIST] = "SELECT " PERSON_COLS " FROM people WHERE (?1 = 0 OR museum_id = ?1) "
                      "AND (?2 = 1 OR erased = 0) ORDER BY id",
    [N_PERSON_UPDATE] = "UPDATE people SET name = ?2, museum_id = ?3, organization = ?4, "
                        "position = ?5, email = ?6, phone = ?7, consent = ?8, consent_when = ?9, "
                        "consent_for = ?10, demo = ?11, source = ?12, updated = ?13 "
                        "WHERE id = ?1 AND erased = 0",
    [N_PERSON_ERASE] = "UPDATE people SET name = NULL, organization = NULL, position = NULL, "
                       "email = NULL, phone = NULL, consent = 0, consent_when = NULL, "
                       "consent_for = NULL, source = NULL, erased = 1, erased_when = ?2, "
                       "updated = ?2 WHERE id = ?1 AND erased = 0 RETURNING id",
    [N_MEMBER_HISTORY] = "SELECT " STATUS_COLS " FROM member_status WHERE museum_id = ?1 "
                         "ORDER BY id",
    [N_MEMBER_ALL] = "SELECT " STATUS_COLS " FROM member_status ORDER BY museum_id, id",
    [N_MEMBER_CURRENT] = "SELECT " STATUS_COLS " FROM member_status WHERE museum_id = ?1 "
                         "ORDER BY id DESC LIMIT 1",
    [N_MEMBER_ADD] = "INSERT INTO member_status(museum_id, status, from_date, reason, "
                     "recorded_by, recorded, demo, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                     "?8) RETURNING id",
    [N_MEMBER_LIST] = "SELECT " STATUS_COLS " FROM member_status s WHERE s.id = (SELECT max(t.id) "
                      "FROM member_status t WHERE t.museum_id = s.museum_id) ORDER BY s.museum_id",
    [N_MUSEUM_EXISTS] = "SELECT count(*) FROM museums WHERE id = ?1",
    [N_EXCEPTION_PUT] = "INSERT INTO partner_exceptions(museum_id, reason, recorded_by, recorded) "
                        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(museum_id) DO UPDATE SET "
                        "reason = ?2, recorded_by = ?3, recorded = ?4",
    [N_EXCEPTION_GET] = "SELECT reason, recorded_by, recorded FROM partner_exceptions "
                        "WHERE museum_id = ?1",
    [N_APP_ADD] = "INSERT INTO applications(institution, country, city, website, contact_id, "
                  "collections, ack_definition, ack_ethics, state, submitted) VALUES (?1, ?2, "
                  "?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9) RETURNING id",
    [N_APP_GET] = "SELECT " APP_COLS " FROM applications WHERE id = ?1",
    [N_APP_LIST] = "SELECT " APP_COLS " FROM applications WHERE ?1 = '' OR state = ?1 "
                   "ORDER BY id DESC",
    [N_APP_DECIDE] = "UPDATE applications SET state = ?2, reason = ?3, museum_id = ?4, "
                     "decided = ?5, decided_by = ?6 WHERE id = ?1 AND state = 'pending' "
                     "RETURNING id",
    [N_COLL_ADD] = "INSERT INTO collections(museum_id, name, scope, size, periods, cultures, "
                   "contact_id, access, demo, source, created, updated) VALUES (?1, ?2, ?3, ?4, "
                   "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11) RETURNING id",
    [N_COLL_UPDATE] = "UPDATE collections SET museum_id = ?2, name = ?3, scope = ?4, size = ?5, "
                      "periods = ?6, cultures = ?7, contact_id = ?8, access = ?9, demo = ?10, "
                      "source = ?11, updated = ?12 WHERE id = ?1 RETURNING id",
    [N_COLL_GET] = "SELECT " COLL_COLS " FROM collections WHERE id = ?1",
    [N_COLL_LIST] = "SELECT " COLL_COLS " FROM collections WHERE ?1 = 0 OR museum_id = ?1 "
                    "ORDER BY museum_id, name, id",
    [N_FIGURE_PUT] = "INSERT INTO network_figures(year, at, members, countries, source) VALUES "
                     "(?1, ?2, ?3, ?4, ?5) ON CONFLICT(year, at) DO UPDATE SET members = ?3, "
                     "countries = ?4, source = ?5",
    [N_FIGURE_LIST] = "SELECT year, at, members, countries, source FROM network_figures "
                      "ORDER BY year, at DESC",
    [N_HISTORY_ADD] = "INSERT INTO network_history(time, actor, entity, entity_id, action, "
                      "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [N_HISTORY_LIST] = "SELECT id, time, actor, entity, entity_id, action, detail FROM "
                       "network_history WHERE ?1 = '' OR (entity = ?1 AND entity_id = ?2) "
                       "ORDER BY id",
};

static vcm_stmt *st(store *s, int k)
{
    return vcm_st_slot(s, SLOT_NETWORK + (unsigned)k, sql[k]);
}

/* ---- small helpers -------------------------------------------------------- */

static bool blank(const char *v)
{
    return !v || !v[strspn(v, " \t\r\n")];
}

static int history(store *s, const char *actor, const char *entity, int64_t id,
                   const char *action, const char *detail)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    vcm_stmt *q = st(s, N_HISTORY_ADD);
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
    vcm_stmt *q = st(s, N_MUSEUM_EXISTS);
    int64_t n;
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    if (vcm_first_int(s, q, "cannot look the museum up", &n) < 0)
        return -1;
    if (!n)
        return vcm_store_fail(&s->base, "no museum has id %lld", (long long)id);
    return 0;
}

/* ---- partners -------------------------------------------------------------- */

static void read_partner(store *s, vcm_arena *a, vcm_stmt *q, vcm_partner *p)
{
    memset(p, 0, sizeof *p);
    p->code = vcm_col_dup(s, a, q, 0);
    const char *kind = s->d->col_text(q, 1, NULL);
    p->institution = kind && strcmp(kind, "institution") == 0;
    p->name = vcm_col_dup(s, a, q, 2);
    const char *g = s->d->col_text(q, 3, NULL);
    if (!g || vcm_region_parse(g, &p->group) < 0)
        p->group = VCM_REGION_OTHER;
    p->joined = (int)vcm_col_int0(s, q, 4);
    p->source = vcm_col_dup(s, a, q, 5);
}

int vcm_partner_put(vcm_store *b, const vcm_partner *p)
{
    store *s = S(b);
    if (blank(p->code) || blank(p->name))
        return vcm_store_fail(b, "a partner needs a code and a name");
    if (!p->institution && p->group != VCM_REGION_ASIA && p->group != VCM_REGION_EUROPE)
        return vcm_store_fail(b, "partner '%s' needs its ASEM group (asia or europe)", p->code);
    vcm_stmt *q = st(s, N_PARTNER_PUT);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, p->code);
    s->d->bind_text(q, 2, p->institution ? "institution" : "country");
    s->d->bind_text(q, 3, p->name);
    if (p->institution)
        s->d->bind_null(q, 4);
    else
        s->d->bind_text(q, 4, vcm_region_name(p->group));
    vcm_bind_id(s, q, 5, p->joined);
    vcm_bind_opt(s, q, 6, p->source);
    return vcm_run(s, q, "cannot write a partner");
}

int vcm_partner_list(vcm_store *b, vcm_arena *a, vcm_partner **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, N_PARTNER_LIST);
    if (!q)
        return -1;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_partner *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_partner(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list the partners");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_partner_of_country(vcm_store *b, vcm_arena *a, const char *code, vcm_partner *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, N_PARTNER_OF);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, code ? code : "");
    int rc = vcm_one_row(s, q, "cannot read a partner");
    if (rc == 1)
        read_partner(s, a, q, out);
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_partner_group(vcm_store *b, const char *code, vcm_region *out)
{
    vcm_arena a;
    vcm_arena_init(&a, 1 << 16);
    vcm_partner p;
    int rc = vcm_partner_of_country(b, &a, code, &p);
    if (rc == 1)
        *out = p.group;
    vcm_arena_release(&a);
    return rc;
}

/* ---- people ---------------------------------------------------------------- */

static void read_person(store *s, vcm_arena *a, vcm_stmt *q, vcm_person *p)
{
    memset(p, 0, sizeof *p);
    p->id = s->d->col_int(q, 0);
    p->name = vcm_col_dup(s, a, q, 1);
    p->museum_id = vcm_col_int0(s, q, 2);
    p->organization = vcm_col_dup(s, a, q, 3);
    p->position = vcm_col_dup(s, a, q, 4);
    p->email = vcm_col_dup(s, a, q, 5);
    p->phone = vcm_col_dup(s, a, q, 6);
    p->consent = s->d->col_int(q, 7) != 0;
    p->consent_when = vcm_col_int0(s, q, 8);
    p->consent_for = vcm_col_dup(s, a, q, 9);
    p->erased = s->d->col_int(q, 10) != 0;
    p->erased_when = vcm_col_int0(s, q, 11);
    p->demo = s->d->col_int(q, 12) != 0;
    p->source = vcm_col_dup(s, a, q, 13);
    p->created = s->d->col_int(q, 14);
    p->updated = s->d->col_int(q, 15);
}

static int person_check(store *s, const vcm_person *p)
{
    if (blank(p->name))
        return vcm_store_fail(&s->base, "a person needs a name");
    if (p->consent && blank(p->consent_for))
        return vcm_store_fail(&s->base, "a consent must say what it is for");
    if (p->museum_id && museum_exists(s, p->museum_id) < 0)
        return -1;
    return 0;
}

static int person_insert(store *s, vcm_person *p, const char *actor)
{
    if (person_check(s, p) < 0)
        return -1;
    vcm_stmt *q = st(s, N_PERSON_ADD);
    if (!q)
        return -1;
    int64_t now = vcm_now();
    s->d->bind_text(q, 1, p->name);
    vcm_bind_id(s, q, 2, p->museum_id);
    vcm_bind_opt(s, q, 3, p->organization);
    vcm_bind_opt(s, q, 4, p->position);
    vcm_bind_opt(s, q, 5, p->email);
    vcm_bind_opt(s, q, 6, p->phone);
    s->d->bind_int(q, 7, p->consent);
    vcm_bind_id(s, q, 8, p->consent ? (p->consent_when ? p->consent_when : now) : 0);
    vcm_bind_opt(s, q, 9, p->consent ? p->consent_for : NULL);
    s->d->bind_int(q, 10, p->demo);
    vcm_bind_opt(s, q, 11, p->source);
    s->d->bind_int(q, 12, now);
    if (vcm_returning(s, q, "cannot add a person", &p->id) != 1)
        return -1;
    p->created = p->updated = now;
    if (p->consent && !p->consent_when)
        p->consent_when = now;
    return history(s, actor, "person", p->id, "create", p->consent ? "consent given" : NULL);
}

int vcm_person_add(vcm_store *b, vcm_person *p, const char *actor)
{
    store *s = S(b);
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    return vcm_tx_end(s, own, person_insert(s, p, actor));
}

static bool same(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "") == 0;
}

/* The names of the fields that differ, for the history: never values. */
static void changed_fields(const vcm_person *o, const vcm_person *p, char *out, size_t cap)
{
    struct {
        const char *name;
        bool differs;
    } f[] = {
        {"name", !same(o->name, p->name)},
        {"museum", o->museum_id != p->museum_id},
        {"organization", !same(o->organization, p->organization)},
        {"position", !same(o->position, p->position)},
        {"email", !same(o->email, p->email)},
        {"phone", !same(o->phone, p->phone)},
        {"consent", o->consent != p->consent || !same(o->consent_for, p->consent_for)},
    };
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].differs) {
            int w = snprintf(out + n, cap - n, "%s%s", n ? ", " : "", f[i].name);
            if (w < 0 || (size_t)w >= cap - n)
                break;
            n += (size_t)w;
        }
}

static int person_update(store *s, vcm_person *p, const char *actor)
{
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    vcm_person old;
    int rc = vcm_person_get(&s->base, &a, p->id, &old);
    if (rc != 1)
        goto out;
    if (old.erased) {
        rc = vcm_store_fail(&s->base, "person %lld was erased", (long long)p->id);
        goto out;
    }
    rc = -1;
    if (person_check(s, p) < 0)
        goto out;
    vcm_stmt *q = st(s, N_PERSON_UPDATE);
    if (!q)
        goto out;
    int64_t now = vcm_now();
    /* consent given anew: its time is now, unless the caller knows it */
    int64_t when = !p->consent ? 0
                   : p->consent_when ? p->consent_when
                   : old.consent && same(old.consent_for, p->consent_for) ? old.consent_when
                                                                           : now;
    s->d->bind_int(q, 1, p->id);
    s->d->bind_text(q, 2, p->name);
    vcm_bind_id(s, q, 3, p->museum_id);
    vcm_bind_opt(s, q, 4, p->organization);
    vcm_bind_opt(s, q, 5, p->position);
    vcm_bind_opt(s, q, 6, p->email);
    vcm_bind_opt(s, q, 7, p->phone);
    s->d->bind_int(q, 8, p->consent);
    vcm_bind_id(s, q, 9, when);
    vcm_bind_opt(s, q, 10, p->consent ? p->consent_for : NULL);
    s->d->bind_int(q, 11, p->demo);
    vcm_bind_opt(s, q, 12, p->source);
    s->d->bind_int(q, 13, now);
    if (vcm_run(s, q, "cannot update a person") < 0)
        goto out;
    char fields[160];
    changed_fields(&old, p, fields, sizeof fields);
    p->consent_when = when;
    p->updated = now;
    rc = history(s, actor, "person", p->id, "update", fields) < 0 ? -1 : 1;
out:
    vcm_arena_release(&a);
    return rc;
}

int vcm_person_update(vcm_store *b, vcm_person *p, const char *actor)
{
    store *s = S(b);
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    return vcm_tx_end(s, own, person_update(s, p, actor));
}

int vcm_person_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_person *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, N_PERSON_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read a person");
    if (rc == 1)
        read_person(s, a, q, out);
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_person_list(vcm_store *b, vcm_arena *a, int64_t museum_id, bool with_erased,
                    vcm_person **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, N_PERSON_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    s->d->bind_int(q, 2, with_erased);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_person *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_person(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list people");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int person_erase(store *s, int64_t id, const char *actor)
{
    vcm_stmt *q = st(s, N_PERSON_ERASE);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_int(q, 2, vcm_now());
    int rc = vcm_returning(s, q, "cannot erase a person", NULL);
    if (rc != 1)
        return rc;
    return history(s, actor, "person", id, "erase", NULL) < 0 ? -1 : 1;
}

int vcm_person_erase(vcm_store *b, int64_t id, const char *actor)
{
    store *s = S(b);
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    return vcm_tx_end(s, own, person_erase(s, id, actor));
}

/* ---- membership ------------------------------------------------------------ */

static void read_event(store *s, vcm_arena *a, vcm_stmt *q, vcm_member_event *e)
{
    memset(e, 0, sizeof *e);
    e->id = s->d->col_int(q, 0);
    e->museum_id = s->d->col_int(q, 1);
    const char *st_name = s->d->col_text(q, 2, NULL);
    if (vcm_member_state_parse(st_name, &e->status) < 0)
        e->status = VCM_MS_NONE; /* the schema's CHECK keeps this from happening */
    e->from_date = vcm_col_dup(s, a, q, 3);
    e->reason = vcm_col_dup(s, a, q, 4);
    e->recorded_by = vcm_col_dup(s, a, q, 5);
    e->recorded = s->d->col_int(q, 6);
    e->demo = s->d->col_int(q, 7) != 0;
    e->source = vcm_col_dup(s, a, q, 8);
}

static int events(store *s, vcm_arena *a, int k, int64_t museum_id, vcm_member_event **out,
                  size_t *n)
{
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, k);
    if (!q)
        return -1;
    if (k != N_MEMBER_ALL && k != N_MEMBER_LIST)
        s->d->bind_int(q, 1, museum_id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_member_event *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory");
        }
        *out = v;
        read_event(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read the membership");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_member_history(vcm_store *b, vcm_arena *a, int64_t museum_id, vcm_member_event **out,
                       size_t *n)
{
    return events(S(b), a, N_MEMBER_HISTORY, museum_id, out, n);
}

int vcm_member_history_all(vcm_store *b, vcm_arena *a, vcm_member_event **out, size_t *n)
{
    return events(S(b), a, N_MEMBER_ALL, 0, out, n);
}

int vcm_member_current(vcm_store *b, vcm_arena *a, int64_t museum_id, vcm_member_event *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, N_MEMBER_CURRENT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    int rc = vcm_one_row(s, q, "cannot read the membership");
    if (rc == 1)
        read_event(s, a, q, out);
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

/* Checks the rules against what is stored and writes e: 0, -2, -1. */
static int member_record(store *s, vcm_member_event *e, vcm_refusal *why)
{
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    int rc = -1;
    if (e->from_date && !vcm_member_date_ok(e->from_date)) {
        why->rule = "date";
        why->key = "network.rule.date";
        rc = -2;
        vcm_store_fail(&s->base, "'%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                       e->from_date);
        goto out;
    }
    vcm_museum m;
    int found = vcm_museum_get(&s->base, &a, e->museum_id, &m);
    if (found <= 0) {
        if (found == 0)
            vcm_store_fail(&s->base, "no museum has id %lld", (long long)e->museum_id);
        goto out;
    }
    vcm_member_event cur;
    int has = vcm_member_current(&s->base, &a, e->museum_id, &cur);
    if (has < 0)
        goto out;
    vcm_partner p;
    int partner = vcm_partner_of_country(&s->base, &a, m.country, &p);
    if (partner < 0)
        goto out;
    const char *ex = NULL, *by;
    int64_t when;
    int exc = vcm_exception_get(&s->base, &a, e->museum_id, &ex, &by, &when);
    if (exc < 0)
        goto out;
    if (vcm_member_check(has ? cur.status : VCM_MS_NONE, e->status, partner == 1, exc == 1,
                         e->reason, why) < 0) {
        vcm_store_fail(&s->base, "refused by the rule %s: %s -> %s", why->rule,
                       has ? vcm_member_state_name(cur.status) : "none",
                       vcm_member_state_name(e->status));
        rc = -2;
        goto out;
    }
    vcm_stmt *q = st(s, N_MEMBER_ADD);
    if (!q)
        goto out;
    e->recorded = vcm_now();
    s->d->bind_int(q, 1, e->museum_id);
    s->d->bind_text(q, 2, vcm_member_state_name(e->status));
    vcm_bind_opt(s, q, 3, e->from_date);
    vcm_bind_opt(s, q, 4, e->reason);
    s->d->bind_text(q, 5, e->recorded_by && *e->recorded_by ? e->recorded_by : "unknown");
    s->d->bind_int(q, 6, e->recorded);
    s->d->bind_int(q, 7, e->demo);
    vcm_bind_opt(s, q, 8, e->source);
    if (vcm_returning(s, q, "cannot record a status", &e->id) != 1)
        goto out;
    char detail[64];
    snprintf(detail, sizeof detail, "%s -> %s", has ? vcm_member_state_name(cur.status) : "none",
             vcm_member_state_name(e->status));
    rc = history(s, e->recorded_by, "museum", e->museum_id, "status", detail);
out:
    vcm_arena_release(&a);
    return rc;
}

int vcm_member_record(vcm_store *b, vcm_member_event *e, vcm_refusal *why)
{
    store *s = S(b);
    bool own;
    why->rule = why->key = NULL;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    return vcm_tx_end(s, own, member_record(s, e, why));
}

/* Orders member rows by the museum's English (or first) name. */
static int row_cmp(const void *x, const void *y)
{
    const vcm_member_row *a = x, *b = y;
    const vcm_ltext *na = vcm_ltexts_pick(&a->museum.names, "en");
    const vcm_ltext *nb = vcm_ltexts_pick(&b->museum.names, "en");
    int c = strcmp(na ? na->text : "", nb ? nb->text : "");
    return c ? c : (a->museum.id > b->museum.id) - (a->museum.id < b->museum.id);
}

int vcm_member_list(vcm_store *b, vcm_arena *a, vcm_member_state status, const char *country,
                    vcm_region group, vcm_member_row **out, size_t *n)
{
    store *s = S(b);
    vcm_member_event *cur;
    size_t ncur;
    *out = NULL;
    *n = 0;
    if (events(s, a, N_MEMBER_LIST, 0, &cur, &ncur) < 0)
        return -1;
    for (size_t i = 0; i < ncur; i++) {
        if (status != VCM_MS_NONE && cur[i].status != status)
            continue;
        vcm_member_row r = {.current = cur[i], .group = VCM_REGION_OTHER};
        int rc = vcm_museum_get(b, a, cur[i].museum_id, &r.museum);
        if (rc < 0)
            return -1;
        if (rc == 0)
            continue;
        if (country && *country && strcmp(r.museum.country, country) != 0)
            continue;
        if (vcm_partner_group(b, r.museum.country, &r.group) < 0)
            return -1;
        if (group != VCM_REGION_OTHER && r.group != group)
            continue;
        vcm_member_row *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v)
            return vcm_store_fail(b, "out of memory");
        *out = v;
        v[*n - 1] = r;
    }
    if (*n > 1)
        qsort(*out, *n, sizeof **out, row_cmp);
    return 0;
}

/* ---- exceptions ------------------------------------------------------------ */

static int exception_put(store *s, int64_t museum_id, const char *reason, const char *actor)
{
    if (blank(reason))
        return vcm_store_fail(&s->base, "an exception needs its reason");
    if (museum_exists(s, museum_id) < 0)
        return -1;
    vcm_stmt *q = st(s, N_EXCEPTION_PUT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    s->d->bind_text(q, 2, reason);
    s->d->bind_text(q, 3, actor && *actor ? actor : "unknown");
    s->d->bind_int(q, 4, vcm_now());
    if (vcm_run(s, q, "cannot record an exception") < 0)
        return -1;
    return history(s, actor, "museum", museum_id, "exception", reason);
}

int vcm_exception_put(vcm_store *b, int64_t museum_id, const char *reason, const char *actor)
{
    store *s = S(b);
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    return vcm_tx_end(s, own, exception_put(s, museum_id, reason, actor));
}

int vcm_exception_get(vcm_store *b, vcm_arena *a, int64_t museum_id, const char **reason,
                      const char **by, int64_t *when)
{
    store *s = S(b);
    vcm_stmt *q = st(s, N_EXCEPTION_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    int rc = vcm_one_row(s, q, "cannot read an exception");
    if (rc == 1) {
        *reason = vcm_col_dup(s, a, q, 0);
        *by = vcm_col_dup(s, a, q, 1);
        *when = s->d->col_int(q, 2);
    }
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

/* ---- applications ---------------------------------------------------------- */

static void read_app(store *s, vcm_arena *a, vcm_stmt *q, vcm_application *p)
{
    memset(p, 0, sizeof *p);
    p->id = s->d->col_int(q, 0);
    p->institution = vcm_col_dup(s, a, q, 1);
    vcm_col_code(s, q, 2, p->country);
    p->city = vcm_col_dup(s, a, q, 3);
    p->website = vcm_col_dup(s, a, q, 4);
    p->contact_id = vcm_col_int0(s, q, 5);
    p->collections = vcm_col_dup(s, a, q, 6);
    p->ack_definition = s->d->col_int(q, 7) != 0;
    p->ack_ethics = s->d->col_int(q, 8) != 0;
    if (vcm_app_state_parse(s->d->col_text(q, 9, NULL), &p->state) < 0)
        p->state = VCM_APP_PENDING;
    p->reason = vcm_col_dup(s, a, q, 10);
    p->museum_id = vcm_col_int0(s, q, 11);
    p->submitted = s->d->col_int(q, 12);
    p->decided = vcm_col_int0(s, q, 13);
    p->decided_by = vcm_col_dup(s, a, q, 14);
}

static int application_add(store *s, vcm_application *app, vcm_person *contact)
{
    if (!app->ack_definition || !app->ack_ethics)
        return vcm_store_fail(&s->base, "an application acknowledges the ICOM museum "
                                        "definition and Code of Ethics");
    if (blank(app->institution) || blank(app->collections) || strlen(app->country) != 2)
        return vcm_store_fail(&s->base, "an application needs an institution, its country "
                                        "and its collections");
    if (person_insert(s, contact, "join form") < 0)
        return -1;
    vcm_stmt *q = st(s, N_APP_ADD);
    if (!q)
        return -1;
    app->submitted = vcm_now();
    app->contact_id = contact->id;
    app->state = VCM_APP_PENDING;
    s->d->bind_text(q, 1, app->institution);
    s->d->bind_text(q, 2, app->country);
    vcm_bind_opt(s, q, 3, app->city);
    vcm_bind_opt(s, q, 4, app->website);
    s->d->bind_int(q, 5, app->contact_id);
    s->d->bind_text(q, 6, app->collections);
    s->d->bind_int(q, 7, 1);
    s->d->bind_int(q, 8, 1);
    s->d->bind_int(q, 9, app->submitted);
    if (vcm_returning(s, q, "cannot store an application", &app->id) != 1)
        return -1;
    return history(s, "join form", "application", app->id, "submit", NULL);
}

int vcm_application_add(vcm_store *b, vcm_application *app, vcm_person *contact)
{
    store *s = S(b);
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    return vcm_tx_end(s, own, application_add(s, app, contact));
}

int vcm_application_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_application *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, N_APP_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read an application");
    if (rc == 1)
        read_app(s, a, q, out);
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_application_list(vcm_store *b, vcm_arena *a, bool all, vcm_app_state state,
                         vcm_application **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, N_APP_LIST);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, all ? "" : vcm_app_state_name(state));
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_application *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_app(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list applications");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* The day of a Unix time, YYYY-MM-DD (UTC). */
static void day_of(int64_t t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static int decide(store *s, int64_t id, vcm_app_state state, const char *reason,
                  int64_t museum_id, const char *actor)
{
    vcm_stmt *q = st(s, N_APP_DECIDE);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, vcm_app_state_name(state));
    vcm_bind_opt(s, q, 3, reason);
    vcm_bind_id(s, q, 4, museum_id);
    s->d->bind_int(q, 5, vcm_now());
    s->d->bind_text(q, 6, actor && *actor ? actor : "unknown");
    int rc = vcm_returning(s, q, "cannot decide an application", NULL);
    if (rc == 0)
        return vcm_store_fail(&s->base, "application %lld is not pending", (long long)id), -3;
    if (rc < 0)
        return -1;
    return history(s, actor, "application", id, vcm_app_state_name(state), reason);
}

/* The museum an application names: found by name, or made. */
static int app_museum(store *s, vcm_arena *a, const vcm_application *app, int64_t *id)
{
    vcm_country c;
    int rc = vcm_country_get(&s->base, a, app->country, &c);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        if (vcm_country_from_code(&c, a, app->country) < 0)
            return vcm_store_fail(&s->base, "'%s' is not a country code", app->country);
        if (vcm_country_upsert(&s->base, &c) < 0)
            return -1;
    }
    vcm_museum m = {0};
    if (vcm_ltexts_add(&m.names, a, "en", app->institution) < 0)
        return vcm_store_fail(&s->base, "out of memory");
    memcpy(m.country, app->country, 3);
    m.city = app->city && *app->city ? app->city : NULL;
    m.website = app->website && *app->website ? app->website : NULL;
    bool created;
    if (vcm_museum_ensure(&s->base, &m, &created) < 0)
        return -1;
    *id = m.id;
    return created ? history(s, "join form", "museum", m.id, "create", NULL) : 0;
}

static int accept(store *s, int64_t id, const char *actor, const char *exception_reason,
                  int64_t *museum_id, vcm_refusal *why)
{
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    vcm_application app;
    int rc = vcm_application_get(&s->base, &a, id, &app);
    if (rc <= 0) {
        if (rc == 0)
            vcm_store_fail(&s->base, "no application has number %lld", (long long)id);
        rc = rc < 0 ? -1 : -3;
        goto out;
    }
    if (app.state != VCM_APP_PENDING) {
        vcm_store_fail(&s->base, "application %lld is %s already", (long long)id,
                       vcm_app_state_name(app.state));
        rc = -3;
        goto out;
    }
    rc = -1;
    if (app_museum(s, &a, &app, museum_id) < 0)
        goto out;
    if (!blank(exception_reason) && exception_put(s, *museum_id, exception_reason, actor) < 0)
        goto out;
    vcm_member_event cur;
    int has = vcm_member_current(&s->base, &a, *museum_id, &cur);
    if (has < 0)
        goto out;
    char day[11], submitted[11];
    day_of(vcm_now(), day);
    day_of(app.submitted, submitted);
    char why_text[48];
    snprintf(why_text, sizeof why_text, "application %lld", (long long)id);
    if (!has || cur.status != VCM_MS_APPLICANT) {
        vcm_member_event e = {.museum_id = *museum_id, .status = VCM_MS_APPLICANT,
                              .from_date = submitted, .reason = why_text, .recorded_by = actor};
        if ((rc = member_record(s, &e, why)) < 0)
            goto out;
    }
    vcm_member_event e = {.museum_id = *museum_id, .status = VCM_MS_MEMBER, .from_date = day,
                          .reason = why_text, .recorded_by = actor};
    if ((rc = member_record(s, &e, why)) < 0)
        goto out;
    if ((rc = decide(s, id, VCM_APP_ACCEPTED, NULL, *museum_id, actor)) < 0)
        goto out;
    /* the contact now belongs to the museum */
    vcm_person p;
    if (app.contact_id && (rc = vcm_person_get(&s->base, &a, app.contact_id, &p)) == 1 &&
        !p.erased && !p.museum_id) {
        p.museum_id = *museum_id;
        rc = person_update(s, &p, actor) < 0 ? -1 : 0;
    }
    rc = rc < 0 ? -1 : 0;
out:
    vcm_arena_release(&a);
    return rc;
}

int vcm_application_accept(vcm_store *b, int64_t id, const char *actor,
                           const char *exception_reason, int64_t *museum_id, vcm_refusal *why)
{
    store *s = S(b);
    bool own;
    why->rule = why->key = NULL;
    *museum_id = 0;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    int rc = vcm_tx_end(s, own, accept(s, id, actor, exception_reason, museum_id, why));
    if (rc < 0)
        *museum_id = 0;
    return rc;
}

int vcm_application_decline(vcm_store *b, int64_t id, const char *reason, const char *actor,
                            vcm_refusal *why)
{
    store *s = S(b);
    why->rule = why->key = NULL;
    if (blank(reason)) {
        why->rule = "reason-required";
        why->key = "network.rule.reason";
        vcm_store_fail(b, "declining an application needs a reason");
        return -2;
    }
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    int rc = decide(s, id, VCM_APP_DECLINED, reason, 0, actor);
    return vcm_tx_end(s, own, rc < 0 ? rc : 0);
}

/* ---- collections ----------------------------------------------------------- */

static void read_coll(store *s, vcm_arena *a, vcm_stmt *q, vcm_collection *c)
{
    memset(c, 0, sizeof *c);
    c->id = s->d->col_int(q, 0);
    c->museum_id = s->d->col_int(q, 1);
    c->name = vcm_col_dup(s, a, q, 2);
    c->scope = vcm_col_dup(s, a, q, 3);
    c->size = vcm_col_dup(s, a, q, 4);
    c->periods = vcm_col_dup(s, a, q, 5);
    c->cultures = vcm_col_dup(s, a, q, 6);
    c->contact_id = vcm_col_int0(s, q, 7);
    c->access = vcm_col_dup(s, a, q, 8);
    c->demo = s->d->col_int(q, 9) != 0;
    c->source = vcm_col_dup(s, a, q, 10);
    c->created = s->d->col_int(q, 11);
    c->updated = s->d->col_int(q, 12);
}

static int collection_put(store *s, vcm_collection *c, const char *actor)
{
    if (blank(c->name))
        return vcm_store_fail(&s->base, "a collection needs a name");
    if (museum_exists(s, c->museum_id) < 0)
        return -1;
    int64_t now = vcm_now();
    vcm_stmt *q = st(s, c->id ? N_COLL_UPDATE : N_COLL_ADD);
    if (!q)
        return -1;
    int i = 1;
    if (c->id)
        s->d->bind_int(q, i++, c->id);
    s->d->bind_int(q, i++, c->museum_id);
    s->d->bind_text(q, i++, c->name);
    vcm_bind_opt(s, q, i++, c->scope);
    vcm_bind_opt(s, q, i++, c->size);
    vcm_bind_opt(s, q, i++, c->periods);
    vcm_bind_opt(s, q, i++, c->cultures);
    vcm_bind_id(s, q, i++, c->contact_id);
    vcm_bind_opt(s, q, i++, c->access);
    s->d->bind_int(q, i++, c->demo);
    vcm_bind_opt(s, q, i++, c->source);
    s->d->bind_int(q, i, now);
    bool insert = !c->id;
    int rc = vcm_returning(s, q, "cannot write a collection", &c->id);
    if (rc != 1)
        return rc;
    c->updated = now;
    if (insert)
        c->created = now;
    return history(s, actor, "collection", c->id, insert ? "create" : "update", NULL) < 0 ? -1
                                                                                          : 1;
}

int vcm_collection_put(vcm_store *b, vcm_collection *c, const char *actor)
{
    store *s = S(b);
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        return -1;
    return vcm_tx_end(s, own, collection_put(s, c, actor));
}

int vcm_collection_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_collection *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, N_COLL_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read a collection");
    if (rc == 1)
        read_coll(s, a, q, out);
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_collection_list(vcm_store *b, vcm_arena *a, int64_t museum_id, vcm_collection **out,
                        size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, N_COLL_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_collection *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_coll(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list collections");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* ---- figures and history --------------------------------------------------- */

int vcm_figure_put(vcm_store *b, const vcm_figure *f)
{
    store *s = S(b);
    if (f->year < 1996 || f->year > 2999 || f->members < 0 || blank(f->source))
        return vcm_store_fail(b, "a figure needs a year, a count and its source");
    vcm_stmt *q = st(s, N_FIGURE_PUT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, f->year);
    s->d->bind_text(q, 2, f->at_start ? "start" : "end");
    s->d->bind_int(q, 3, f->members);
    vcm_bind_id(s, q, 4, f->countries);
    s->d->bind_text(q, 5, f->source);
    return vcm_run(s, q, "cannot write a figure");
}

int vcm_figure_list(vcm_store *b, vcm_arena *a, vcm_figure **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, N_FIGURE_LIST);
    if (!q)
        return -1;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_figure *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        vcm_figure *f = &v[*n - 1];
        f->year = (int)s->d->col_int(q, 0);
        const char *at = s->d->col_text(q, 1, NULL);
        f->at_start = at && strcmp(at, "start") == 0;
        f->members = s->d->col_int(q, 2);
        f->countries = vcm_col_int0(s, q, 3);
        f->source = vcm_col_dup(s, a, q, 4);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list figures");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_nhistory_list(vcm_store *b, vcm_arena *a, const char *entity, const char *entity_id,
                      vcm_nhistory **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, N_HISTORY_LIST);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, entity ? entity : "");
    s->d->bind_text(q, 2, entity_id ? entity_id : "");
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_nhistory *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        vcm_nhistory *h = &v[*n - 1];
        h->id = s->d->col_int(q, 0);
        h->time = s->d->col_int(q, 1);
        h->actor = vcm_col_dup(s, a, q, 2);
        h->entity = vcm_col_dup(s, a, q, 3);
        h->entity_id = vcm_col_dup(s, a, q, 4);
        h->action = vcm_col_dup(s, a, q, 5);
        h->detail = vcm_col_dup(s, a, q, 6);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read the network's history");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}
