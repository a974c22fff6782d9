/* The store over a driver: opening, migrations, transactions, statements
 * and their errors, the gathering of rows for bulk writes, and the raw
 * tables of vcm db copy. The domain lives in place.c, object.c and
 * filter.c; the SQL in sql.c; the engines in drv_sqlite.c and drv_pg.c.
 * See store_int.h for the design. */
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/asset.h"
#include "core/buf.h"
#include "store/store_int.h"
#include "core/banned.h"

/* The tables vcm db copy moves, parents first. schema_migrations is each
 * backend's own; meta holds the database's identity, which stays its own.
 * A table added by a migration (users, versions, the audit log, sessions)
 * is added here too, with the same columns in both backends' schemas, or
 * db copy would leave it behind: its test compares every table listed. */
static const char *const countries_cols[] = {"code", "region", "asem_since"};
static const char *const country_names_cols[] = {"code", "lang", "pos", "name"};
static const char *const museums_cols[] = {"id", "name_key", "country", "city", "lat",
                                           "lon", "website", "joined", "left_on"};
static const char *const museum_names_cols[] = {"museum_id", "lang", "pos", "name"};
static const char *const objects_cols[] = {
    "id", "museum_id", "source_id", "source", "source_licence", "inventory_number", "date_text",
    "date_start", "date_end", "century", "period", "culture", "classification", "materials",
    "technique", "dimensions", "credit_line", "rights", "licence", "source_url", "status",
    "created", "updated", "content_hash"};
static const char *const object_texts_cols[] = {"object_id", "field", "lang",    "pos",
                                                "value",     "inferred", "public"};
static const char *const object_creators_cols[] = {"object_id", "pos", "name"};
static const char *const media_cols[] = {"id", "object_id", "pos", "file", "format",
                                         "width", "height", "checksum", "rights", "identifier",
                                         "original", "label", "created", "attribution",
                                         "entry_id", "held"};
static const char *const activities_cols[] = {"id", "object_id", "type", "time"};
static const char *const changes_cols[] = {"object_id", "seq"};
static const char *const object_links_cols[] = {"object_id", "rel", "pos", "url"};
static const char *const fetch_state_cols[] = {"url", "object_id", "state", "http_status",
                                               "etag", "last_modified", "identifier", "tries",
                                               "checked", "error"};
static const char *const object_terms_cols[] = {"object_id", "kind", "term"};
static const char *const object_origins_cols[] = {"object_id", "country", "region", "culture",
                                                  "rule"};
static const char *const museum_profiles_cols[] = {"museum_id", "name_native", "address",
                                                   "languages", "description"};
/* Accounts (schema 009): operational, written by store/account.c. */
static const char *const users_cols[] = {"id", "email", "name", "role", "museum_id",
                                         "password_hash", "disabled", "created", "updated"};
static const char *const sessions_cols[] = {"hash", "user_id", "csrf", "created",
                                            "last_seen", "expires", "address"};
static const char *const throttles_cols[] = {"key", "failures", "last"};
static const char *const tokens_cols[] = {"id", "user_id", "name", "hash",
                                          "scope", "created", "last_used", "revoked"};
static const char *const links_cols[] = {"hash", "user_id", "kind", "created", "expires", "used"};
static const char *const audit_cols[] = {"id", "time", "actor_id", "actor", "event",
                                         "subject", "address", "detail"};
static const char *const outbox_cols[] = {"id", "recipient", "subject", "body", "created",
                                          "state", "tries", "next_try", "last_error"};
/* Masterpiece entries (schema 010), written by store/entry.c. */
static const char *const entries_cols[] = {"id", "museum_id", "object_id", "created_record",
                                           "state", "version", "live_version", "published",
                                           "created", "updated", "waiver", "waiver_by",
                                           "waiver_at"};
static const char *const entry_versions_cols[] = {"entry_id", "version", "author_id", "author",
                                                  "time", "summary", "data"};
static const char *const entry_events_cols[] = {"id", "entry_id", "version", "time",
                                                "actor_id", "actor", "action", "from_state",
                                                "to_state", "comment"};
static const char *const entry_comments_cols[] = {"id", "entry_id", "time", "author_id",
                                                  "author", "body"};
static const char *const museum_quotas_cols[] = {"museum_id", "quota"};
static const char *const entry_conflicts_cols[] = {"id", "entry_id", "object_id", "field",
                                                   "kept", "incoming", "time", "resolved"};
static const char *const masterpiece_days_cols[] = {"day", "object_id", "entry_id", "picked"};

/* The network (schema 011): store/network.c. */
static const char *const network_partners_cols[] = {"code", "kind", "name", "grp", "joined",
                                                    "source"};
static const char *const partner_aliases_cols[] = {"code", "partner"};
static const char *const people_cols[] = {
    "id", "name", "museum_id", "organization", "position", "email", "phone", "consent",
    "consent_when", "consent_for", "erased", "erased_when", "demo", "source", "created",
    "updated"};
static const char *const member_status_cols[] = {"id", "museum_id", "status", "from_date",
                                                 "reason", "recorded_by", "recorded", "demo",
                                                 "source"};
static const char *const partner_exceptions_cols[] = {"museum_id", "reason", "recorded_by",
                                                      "recorded"};
static const char *const applications_cols[] = {
    "id", "institution", "country", "city", "website", "contact_id", "collections",
    "ack_definition", "ack_ethics", "state", "reason", "museum_id", "submitted", "decided",
    "decided_by"};
static const char *const collections_cols[] = {"id", "museum_id", "name", "scope", "size",
                                               "periods", "cultures", "contact_id", "access",
                                               "demo", "source", "created", "updated"};
static const char *const network_figures_cols[] = {"year", "at", "members", "countries",
                                                   "source"};
static const char *const network_history_cols[] = {"id", "time", "actor", "entity",
                                                   "entity_id", "action", "detail"};

/* Governance and meetings (schema 012): written by store/governance.c. */
static const char *const gov_bodies_cols[] = {"id", "key", "name", "source"};
static const char *const gov_offices_cols[] = {"id", "body_id", "kind", "name", "pos"};
static const char *const gov_rules_cols[] = {"id", "body_id", "kind", "params", "note", "source"};
static const char *const gov_elections_cols[] = {"id", "office_id", "title", "held", "term_start",
                                                 "term_end", "state", "demo", "source",
                                                 "created"};
static const char *const gov_candidates_cols[] = {"id", "election_id", "person_id", "org",
                                                  "museum_id", "country"};
static const char *const gov_votes_cols[] = {"election_id", "voter", "candidate_id", "cast_at"};
static const char *const gov_terms_cols[] = {
    "id", "office_id", "person_id", "org", "museum_id", "country", "start_date", "end_date",
    "election_id", "override", "broken", "note", "demo", "source", "recorded_by", "recorded"};
static const char *const meetings_cols[] = {
    "id", "kind", "number", "title", "start_date", "end_date", "city", "country", "host",
    "host_museum_id", "theme", "minutes", "demo", "source", "created", "updated"};
static const char *const meeting_items_cols[] = {"meeting_id", "kind", "pos", "title",
                                                 "who", "due", "url"};
static const char *const meeting_people_cols[] = {"meeting_id", "person_id", "role"};
static const char *const news_cols[] = {"id", "title", "body", "museum_id", "published",
                                        "updated", "posted_by", "demo", "source"};
/* Loans, travelling exhibitions, the exchange programme (schema 016):
 * store/loan.c. */
static const char *const exhibitions_cols[] = {"id", "title", "curators", "organiser_id",
                                               "description", "demo", "created", "updated"};
static const char *const exhibition_venues_cols[] = {"exhibition_id", "n", "museum_id", "city",
                                                     "start_date", "end_date"};
static const char *const venue_objects_cols[] = {"exhibition_id", "n", "item", "object_id",
                                                 "lender_id", "inventory", "label"};
static const char *const loans_cols[] = {
    "id", "number", "lender_id", "borrower_id", "state", "reason", "start_date", "end_date",
    "venue", "assessment", "conditions", "insurance", "condition_out", "courier_out", "arrival",
    "courier_in", "condition_in", "cancel_reason", "exhibition_id", "venue_no", "created_by",
    "created", "updated"};
static const char *const loan_lines_cols[] = {"loan_id", "item", "object_id", "inventory",
                                              "label"};
static const char *const loan_bookings_cols[] = {"id", "loan_id", "item", "start_date",
                                                 "end_date"};
static const char *const exchange_posts_cols[] = {
    "id", "museum_id", "offer", "host", "kind", "topic", "skills", "languages", "start_date",
    "end_date", "open", "created_by", "created"};
static const char *const placements_cols[] = {"id", "offer_id", "request_id", "host_id",
                                              "home_id", "score", "created_by", "created"};
static const char *const placement_reports_cols[] = {"id", "placement_id", "author", "body",
                                                     "created"};
/* Virtual exhibitions (schema 015): store/vexhibit.c. */
static const char *const virtual_exhibitions_cols[] = {"id", "slug", "state", "version",
                                                       "live_version", "published", "created",
                                                       "updated"};
static const char *const vx_versions_cols[] = {"exhibition_id", "version", "author_id", "author",
                                               "time", "summary", "data"};
static const char *const vx_events_cols[] = {"id", "exhibition_id", "version", "time",
                                             "actor_id", "actor", "action", "from_state",
                                             "to_state", "comment"};
/* OAI-PMH, provided and harvested (schema 013): store/harvest.c. */
static const char *const oai_records_cols[] = {"object_id", "stamp", "deleted", "sets", "sig"};
static const char *const harvest_sources_cols[] = {
    "id", "url", "museum_id", "format", "set_spec", "every", "created", "last_stamp", "token",
    "run_from", "run_stamp", "lock_owner", "lock_until", "last_run", "next_run", "status",
    "harvested", "deleted", "errors"};
static const char *const harvest_records_cols[] = {"source_id", "identifier", "object_id",
                                                   "stamp"};
static const char *const harvest_errors_cols[] = {"source_id", "identifier", "at", "message"};
static const char *const harvest_unmapped_cols[] = {"source_id", "path", "records"};
/* Themes (schema 014): store/theme.c. */
static const char *const themes_cols[] = {"id",      "slug",    "rule",      "pos",
                                          "created", "updated", "updated_by"};
static const char *const theme_texts_cols[] = {"theme_id", "lang", "title", "intro"};
static const char *const theme_picks_cols[] = {"theme_id", "object_id", "pick", "pos"};
static const char *const theme_objects_cols[] = {"theme_id", "object_id", "pos"};

/* Visitors' collections and comments on objects (schema 018): store/my.c,
 * store/comment.c. */
static const char *const my_lists_cols[] = {"id", "visitor", "user_id", "name", "visibility",
                                            "review", "share_hash", "created", "updated"};
static const char *const my_items_cols[] = {"id", "list_id", "pos", "object_id", "media",
                                            "region", "note", "created"};
static const char *const comments_cols[] = {"id", "object_id", "name", "body", "author_user",
                                            "visitor", "address", "state", "spam", "created",
                                            "decided"};
static const char *const comment_events_cols[] = {"id", "comment_id", "time", "actor_id",
                                                  "actor", "event", "reason"};

#define TABLE(n, types, nkey) {#n, n##_cols, types, sizeof n##_cols / sizeof n##_cols[0], nkey}
const vcm_table vcm_store_tables[] = {
    TABLE(countries, "tti", 1),
    TABLE(country_names, "ttit", 2),
    TABLE(museums, "itttrrttt", 1),
    TABLE(museum_names, "itit", 2),
    TABLE(objects, "iitttttiiitttttttttttiit", 1),
    /* key (object_id, field, pos) since schema 008: lang sits before pos,
     * so the scan orders by four columns to be in one order on every backend */
    TABLE(object_texts, "ittitii", 4),
    TABLE(object_creators, "iit", 2),
    TABLE(media, "iiittiitttttitii", 1),
    /* before changes: its rows move objects in the change sequence, which the
     * copy of changes then replaces (vcm db copy) */
    TABLE(object_origins, "itttt", 1),
    TABLE(activities, "iiti", 1),
    TABLE(changes, "ii", 1),
    TABLE(object_links, "itit", 3),
    TABLE(fetch_state, "tititttiit", 1),
    TABLE(object_terms, "itt", 3),
    TABLE(museum_profiles, "itttt", 1),
    TABLE(users, "itttitiii", 1),
    TABLE(sessions, "titiiit", 1),
    TABLE(throttles, "tii", 1),
    TABLE(tokens, "iitttiii", 1),
    TABLE(links, "titiii", 1),
    TABLE(audit, "iiittttt", 1),
    TABLE(outbox, "itttitiit", 1),
    TABLE(entries, "iiiitiiiiitii", 1),
    TABLE(entry_versions, "iiititt", 2),
    TABLE(entry_events, "iiiiittttt", 1),
    TABLE(entry_comments, "iiiitt", 1),
    TABLE(museum_quotas, "ii", 1),
    TABLE(entry_conflicts, "iiitttii", 1),
    TABLE(masterpiece_days, "tiii", 1),
    TABLE(network_partners, "ttttit", 1),
    TABLE(partner_aliases, "tt", 1),
    TABLE(people, "itittttiitiiitii", 1),
    TABLE(member_status, "iittttiit", 1),
    TABLE(partner_exceptions, "itti", 1),
    TABLE(applications, "ittttitiittiiit", 1),
    TABLE(collections, "iitttttititii", 1),
    TABLE(network_figures, "itiit", 2),
    TABLE(network_history, "iittttt", 1),
    TABLE(gov_bodies, "ittt", 1),
    TABLE(gov_offices, "iitti", 1),
    TABLE(gov_rules, "iitttt", 1),
    TABLE(gov_elections, "iitttttiti", 1),
    TABLE(gov_candidates, "iiitit", 1),
    TABLE(gov_votes, "itii", 2),
    TABLE(gov_terms, "iiititttitttitti", 1),
    TABLE(meetings, "itittttttittitii", 1),
    TABLE(meeting_items, "ititttt", 3),
    TABLE(meeting_people, "iit", 3),
    TABLE(news, "ittiiitit", 1),
    TABLE(exhibitions, "ittitiii", 1),
    TABLE(exhibition_venues, "iiittt", 2),
    TABLE(venue_objects, "iitiitt", 3),
    TABLE(loans, "itiittttttttttttttiitii", 1),
    TABLE(loan_lines, "ititt", 2),
    TABLE(loan_bookings, "iittt", 1),
    TABLE(exchange_posts, "iiiittttttiti", 1),
    TABLE(placements, "iiiiiiti", 1),
    TABLE(placement_reports, "iitti", 1),
    TABLE(virtual_exhibitions, "ittiiiii", 1),
    TABLE(vx_versions, "iiititt", 2),
    TABLE(vx_events, "iiiiittttt", 1),
    TABLE(oai_records, "iiitt", 1),
    TABLE(harvest_sources, "itittiitttttiiitiii", 1),
    TABLE(harvest_records, "itit", 2),
    TABLE(harvest_errors, "itit", 2),
    TABLE(harvest_unmapped, "iti", 2),
    TABLE(themes, "ittiiit", 1),
    TABLE(theme_texts, "ittt", 2),
    TABLE(theme_picks, "iiii", 2),
    TABLE(theme_objects, "iii", 2),
    TABLE(my_lists, "itittttii", 1),
    TABLE(my_items, "iiiittti", 1),
    TABLE(comments, "iittittttii", 1),
    TABLE(comment_events, "iiiittt", 1),
};
#undef TABLE
const size_t vcm_store_ntables = sizeof vcm_store_tables / sizeof vcm_store_tables[0];
_Static_assert(sizeof vcm_store_tables / sizeof vcm_store_tables[0] == GATHER_ACTIVITY,
               "gather has a list for every table, then the activity log");
_Static_assert(GATHER_TARGETS <= VCM_COPY_TABLES, "a copy writes every table: the drivers "
                                                  "keep room for VCM_COPY_TABLES");
/* each table's scan and put keep slots of their own (table_stmt): had they
 * reached the accounts' slots, a scan of every table would leave, say, the
 * outbox's insert running a table's select, and a write would be lost */
_Static_assert(SLOT_TABLE + 2 * GATHER_ACTIVITY <= SLOT_ACCOUNT,
               "the raw tables' statements need more slots");

/* Activities gathered for one bulk write leave their id to the table. */
static const vcm_table activity_log = {"activities", activities_cols + 1, "iti", 3, 0};

static const vcm_table *target(size_t i)
{
    return i < vcm_store_ntables ? &vcm_store_tables[i] : &activity_log;
}

size_t vcm_table_index(const char *name)
{
    for (size_t i = 0; i < vcm_store_ntables; i++)
        if (strcmp(vcm_store_tables[i].name, name) == 0)
            return i;
    assert(!"no such table");
    return 0;
}

int64_t vcm_now(void)
{
    return (int64_t)time(NULL);
}

/* ---- statements ---------------------------------------------------------- */

int vcm_fail_db(store *s, const char *what)
{
    return vcm_store_fail(&s->base, "%s: %s", what, s->d->error(s->c));
}

/* Statement k, prepared, reset, with no values bound; gathered rows are
 * written first unless k cannot see them. */
vcm_stmt *vcm_st(store *s, enum stmt k)
{
    if (!vcm_sql_blind(k) && vcm_flush(s) < 0)
        return NULL;
    vcm_stmt *q = s->d->prepare(s->c, (unsigned)k, NULL, 0);
    if (!q) {
        const char *sql = vcm_sql(k, s->d->dialect);
        assert(sql);
        if (!(q = s->d->prepare(s->c, (unsigned)k, sql, 0)))
            vcm_fail_db(s, "cannot prepare a statement");
    }
    return q;
}

/* Runs a statement whose rows do not matter. */
int vcm_run(store *s, vcm_stmt *q, const char *what)
{
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW)
        ;
    if (rc < 0)
        vcm_fail_db(s, what);
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

const char *vcm_col_dup(store *s, vcm_arena *a, vcm_stmt *q, int i)
{
    size_t n;
    const char *t = s->d->col_text(q, i, &n);
    return t ? vcm_arena_strndup(a, t, n) : NULL;
}

void vcm_col_code(store *s, vcm_stmt *q, int i, char dst[3])
{
    const char *src = s->d->col_text(q, i, NULL);
    dst[0] = dst[1] = dst[2] = '\0';
    if (src && src[0] && src[1]) {
        dst[0] = src[0];
        dst[1] = src[1];
    }
}

void vcm_bind_text(store *s, vcm_stmt *q, int i, const char *v)
{
    s->d->bind_text(q, i, v);
}

/* The first column of the first row as an integer; 0 when there is none. */
int vcm_first_int(store *s, vcm_stmt *q, const char *what, int64_t *out)
{
    int rc = s->d->step(q);
    *out = rc == VCM_ROW ? s->d->col_int(q, 0) : 0;
    if (rc < 0)
        vcm_fail_db(s, what);
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

void vcm_bind_id(store *s, vcm_stmt *q, int i, int64_t v)
{
    if (v)
        s->d->bind_int(q, i, v);
    else
        s->d->bind_null(q, i);
}

void vcm_bind_opt(store *s, vcm_stmt *q, int i, const char *v)
{
    if (v && *v)
        s->d->bind_text(q, i, v);
    else
        s->d->bind_null(q, i);
}

int64_t vcm_col_int0(store *s, vcm_stmt *q, int i)
{
    return s->d->is_null(q, i) ? 0 : s->d->col_int(q, i);
}

int vcm_one_row(store *s, vcm_stmt *q, const char *what)
{
    int rc = s->d->step(q);
    if (rc < 0) {
        vcm_fail_db(s, what);
        s->d->reset(q);
        return -1;
    }
    return rc == VCM_ROW;
}

int vcm_returning(store *s, vcm_stmt *q, const char *what, int64_t *id)
{
    int rc = vcm_one_row(s, q, what);
    if (rc == 1) {
        if (id)
            *id = s->d->col_int(q, 0);
        rc = s->d->step(q) < 0 ? (vcm_fail_db(s, what), -1) : 1;
    }
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_tx_begin(store *s, bool *own)
{
    *own = !s->in_tx;
    return *own ? vcm_store_begin(&s->base) : 0;
}

int vcm_tx_end(store *s, bool own, int rc)
{
    if (!own)
        return rc;
    if (rc >= 0) {
        if (vcm_store_commit(&s->base) == 0)
            return rc;
        rc = -1;
    }
    char keep[sizeof s->base.error];
    memcpy(keep, s->base.error, sizeof keep);
    vcm_store_rollback(&s->base);
    memcpy(s->base.error, keep, sizeof keep);
    return rc;
}

/* Makes room for one more item in an arena-grown array of n items. */
void *vcm_grow(vcm_arena *a, void *arr, size_t *n, size_t size)
{
    if ((*n & (*n - 1)) == 0) { /* 0, 1, 2, 4, …: grow to the next power of two */
        void *nv = vcm_arena_alloc(a, (*n ? *n * 2 : 1) * size);
        if (!nv)
            return NULL;
        if (*n)
            memcpy(nv, arr, *n * size);
        arr = nv;
    }
    (*n)++;
    return arr;
}

/* ---- gathering rows for bulk writes --------------------------------------- */

bool vcm_gathering(store *s)
{
    return s->d->remote && s->in_write;
}

static void gather_drop(store *s)
{
    for (size_t i = 0; i < GATHER_TARGETS; i++)
        s->g.t[i].n = 0;
    s->g.rows = 0;
    s->g.streaming = false;
    s->g.next_id = s->g.end_id = 0;
    vcm_arena_reset(&s->g.arena);
}

int vcm_flush(store *s)
{
    if (!s->g.rows && !s->g.streaming)
        return 0;
    int rc = 0;
    for (size_t i = 0; i < GATHER_TARGETS && rc == 0; i++) {
        struct gathered *t = &s->g.t[i];
        if (t->n && s->d->copy(s->c, target(i), t->rows, t->n) < 0)
            rc = vcm_fail_db(s, "cannot store rows");
        t->n = 0;
    }
    /* the last bulk write ends here, and tells how it went */
    if (rc == 0 && s->d->copy(s->c, target(0), NULL, 0) < 0)
        rc = vcm_fail_db(s, "cannot store rows");
    s->g.streaming = false;
    int64_t next = s->g.next_id, end = s->g.end_id;
    gather_drop(s);
    s->g.next_id = next; /* the block of ids stays drawn */
    s->g.end_id = end;
    return rc;
}

/* Keeps a copy of row for the next bulk write into table; written now when
 * the driver does not gather or no write transaction is open. */
int vcm_gather(store *s, size_t table, const vcm_value *row)
{
    assert(table < GATHER_TARGETS);
    const vcm_table *t = target(table);
    if (!vcm_gathering(s)) {
        if (vcm_flush(s) < 0)
            return -1;
        return s->d->copy(s->c, t, row, 1) < 0 ? vcm_fail_db(s, "cannot store a row") : 0;
    }
    if (table == STREAMED) {
        /* sent at once, into a bulk write kept open: the server writes
         * them while the next are prepared; parents waiting go first */
        for (size_t i = 0; i < STREAMED; i++)
            if (s->g.t[i].n && vcm_flush(s) < 0)
                return -1;
        s->g.streaming = true;
        return s->d->copy(s->c, t, row, 1) < 0 ? vcm_fail_db(s, "cannot store rows") : 0;
    }
    struct gathered *g = &s->g.t[table];
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        vcm_value *nv = realloc(g->rows, cap * t->ncols * sizeof *nv);
        if (!nv)
            return vcm_store_fail(&s->base, "out of memory");
        g->rows = nv;
        g->cap = cap;
    }
    vcm_value *d = g->rows + g->n * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        d[i] = row[i];
        if (row[i].type == VCM_V_TEXT && !(d[i].t = vcm_arena_strdup(&s->g.arena, row[i].t)))
            return vcm_store_fail(&s->base, "out of memory");
    }
    g->n++;
    if (++s->g.rows >= GATHER_MAX)
        return vcm_flush(s);
    return 0;
}

/* ---- transactions and the data version ------------------------------------ */

static int st_begin(vcm_store *b)
{
    store *s = S(b);
    if (s->d->begin(s->c, true) < 0)
        return vcm_fail_db(s, "cannot begin a transaction");
    s->in_write = s->in_tx = true;
    s->known.checked = false;
    vcm_ahead_drop(s);
    return 0;
}

static int st_begin_read(vcm_store *b)
{
    store *s = S(b);
    if (s->d->begin(s->c, false) < 0)
        return vcm_fail_db(s, "cannot begin a transaction");
    s->in_tx = true;
    return 0;
}

static int st_commit(vcm_store *b)
{
    store *s = S(b);
    vcm_cache_drop(s);
    if (vcm_flush(s) < 0 || vcm_ids_back(s) < 0)
        return -1; /* the caller rolls back */
    vcm_known_commit(s);
    vcm_ahead_drop(s);
    s->in_write = s->in_tx = false;
    s->g.next_id = s->g.end_id = 0;
    return s->d->commit(s->c) < 0 ? vcm_fail_db(s, "cannot commit") : 0;
}

static int st_rollback(vcm_store *b)
{
    store *s = S(b);
    vcm_cache_drop(s);
    gather_drop(s);
    vcm_ahead_drop(s);
    s->in_write = s->in_tx = false;
    return s->d->rollback(s->c) < 0 ? vcm_fail_db(s, "cannot roll back") : 0;
}

static int st_data_version(vcm_store *b, int64_t *out)
{
    store *s = S(b);
    if (vcm_flush(s) < 0)
        return -1;
    return s->d->data_version(s->c, out) < 0 ? vcm_fail_db(s, "cannot read the data version")
                                              : 0;
}

int vcm_cache_check(store *s)
{
    int64_t v;
    if (st_data_version(&s->base, &v) < 0)
        return -1;
    if (s->cache.valid && s->cache.version == v)
        return 0;
    vcm_arena_reset(&s->cache.arena);
    struct agg_cache *c = &s->cache;
    c->has_stats = c->has_counts = false;
    c->mc = NULL;
    c->nmc = c->nfe = c->next = 0;
    c->museums = NULL;
    c->countries = NULL;
    c->nmuseums = c->ncountries = 0;
    c->version = v;
    c->valid = true;
    return 0;
}

void vcm_cache_drop(store *s)
{
    s->cache.valid = false;
}

/* ---- migrations ------------------------------------------------------------ */

/* The numbered files of the driver's schema folder, built into the program
 * (assets are sorted by path, so they come in number order); each runs
 * once, in its own transaction, and is recorded in schema_migrations. */
static int migrate(store *s)
{
    const char *prefix = s->d->schema;
    size_t pl = strlen(prefix);
    int want = 0;
    for (size_t i = 0; i < vcm_assets_count; i++)
        if (strncmp(vcm_assets[i].path, prefix, pl) == 0 &&
            isdigit((unsigned char)vcm_assets[i].path[pl]))
            want = atoi(vcm_assets[i].path + pl);
    bool skip;
    if (s->d->migrations(s->c, true, want, &skip) < 0)
        return vcm_store_fail(&s->base, "%s", s->d->error(s->c));
    if (skip)
        return 0;
    int rc = -1;
    if (s->d->exec(s->c, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer "
                         "PRIMARY KEY, name text NOT NULL, applied bigint NOT NULL)") < 0) {
        vcm_fail_db(s, "cannot create schema_migrations");
        goto out;
    }
    for (size_t i = 0; i < vcm_assets_count; i++) {
        const char *path = vcm_assets[i].path;
        if (strncmp(path, prefix, pl) != 0 || !isdigit((unsigned char)path[pl]))
            continue;
        int version = atoi(path + pl);
        s->origins_todo |= version == 6; /* reset below when it was done before */
        vcm_stmt *q = vcm_st(s, S_MIGRATION_DONE);
        if (!q)
            goto out;
        s->d->bind_int(q, 1, version);
        int64_t done;
        if (vcm_first_int(s, q, "cannot read schema_migrations", &done) < 0)
            goto out;
        if (done) {
            if (version == 6)
                s->origins_todo = false;
            continue;
        }
        if (s->d->begin(s->c, true) < 0) {
            vcm_fail_db(s, "cannot start a migration");
            goto out;
        }
        if (s->d->exec(s->c, (const char *)vcm_assets[i].data) < 0) {
            vcm_fail_db(s, path);
            s->d->rollback(s->c);
            goto out;
        }
        if (!(q = vcm_st(s, S_MIGRATION_PUT))) {
            s->d->rollback(s->c);
            goto out;
        }
        s->d->bind_int(q, 1, version);
        s->d->bind_text(q, 2, path + pl);
        s->d->bind_int(q, 3, vcm_now());
        if (vcm_run(s, q, "cannot record a migration") < 0) {
            s->d->rollback(s->c);
            goto out;
        }
        if (s->d->commit(s->c) < 0) {
            vcm_fail_db(s, "cannot commit a migration");
            s->d->rollback(s->c);
            goto out;
        }
    }
    rc = 0;
out:
    s->d->migrations(s->c, false, want, &skip);
    return rc;
}

/* ---- raw tables (vcm db copy) ---------------------------------------------- */

/* Table and column names come from vcm_store_tables (constants). */
static vcm_stmt *table_stmt(store *s, size_t ti, bool scan)
{
    unsigned slot = SLOT_TABLE + (unsigned)ti * 2 + !scan;
    vcm_stmt *q = s->d->prepare(s->c, slot, NULL, 0);
    if (q)
        return q;
    const vcm_table *t = &vcm_store_tables[ti];
    vcm_buf b;
    vcm_buf_init(&b, 8192);
    if (scan) {
        vcm_buf_puts(&b, "SELECT ");
        for (size_t i = 0; i < t->ncols; i++)
            vcm_buf_printf(&b, "%s%s", i ? ", " : "", t->cols[i]);
        vcm_buf_printf(&b, " FROM %s ORDER BY ", t->name);
        for (size_t i = 0; i < t->nkey; i++)
            vcm_buf_printf(&b, "%s%s", i ? ", " : "", t->cols[i]);
    } else {
        vcm_buf_printf(&b, "DELETE FROM %s", t->name);
    }
    q = b.toobig ? NULL : s->d->prepare(s->c, slot, b.data, scan ? VCM_STREAM : 0);
    vcm_buf_release(&b);
    if (!q)
        vcm_fail_db(s, "cannot prepare a table statement");
    return q;
}

static int st_table_scan(vcm_store *b, size_t ti, vcm_row_fn fn, void *ud)
{
    store *s = S(b);
    assert(ti < vcm_store_ntables);
    const vcm_table *t = &vcm_store_tables[ti];
    vcm_stmt *q;
    if (vcm_flush(s) < 0 || !(q = table_stmt(s, ti, true)))
        return -1;
    vcm_value row[32];
    assert(t->ncols <= 32);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        for (size_t i = 0; i < t->ncols; i++) {
            vcm_value *v = &row[i];
            memset(v, 0, sizeof *v);
            if (s->d->is_null(q, (int)i)) {
                v->type = VCM_V_NULL;
            } else if (t->types[i] == 'i') {
                v->type = VCM_V_INT;
                v->i = s->d->col_int(q, (int)i);
            } else if (t->types[i] == 'r') {
                v->type = VCM_V_REAL;
                v->r = s->d->col_real(q, (int)i);
            } else {
                v->type = VCM_V_TEXT;
                v->t = s->d->col_text(q, (int)i, NULL);
            }
        }
        if (fn(ud, row) < 0) {
            s->d->reset(q);
            return vcm_store_fail(b, "reading table %s stopped", t->name);
        }
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read a table");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int st_table_clear(vcm_store *b, size_t ti)
{
    store *s = S(b);
    assert(ti < vcm_store_ntables);
    vcm_cache_drop(s);
    vcm_stmt *q;
    if (vcm_flush(s) < 0 || !(q = table_stmt(s, ti, false)))
        return -1;
    return vcm_run(s, q, "cannot empty a table");
}

/* Rows go by the bulk path: PostgreSQL's COPY, SQLite's prepared batch. */
static int st_table_put(vcm_store *b, size_t ti, const vcm_value *row)
{
    assert(ti < vcm_store_ntables);
    S(b)->known.valid = false; /* rows that are not in it */
    return vcm_gather(S(b), ti, row);
}

static int st_table_finish(vcm_store *b)
{
    store *s = S(b);
    vcm_cache_drop(s);
    if (vcm_flush(s) < 0)
        return -1;
    if (!vcm_sql(S_FINISH, s->d->dialect))
        return 0; /* SQLite's ids continue above the highest stored by themselves */
    vcm_stmt *q = vcm_st(s, S_FINISH);
    if (!q || vcm_run(s, q, "cannot set the id generators") < 0)
        return -1;
    q = vcm_st(s, S_FINISH_MORE);
    return q ? vcm_run(s, q, "cannot set the id generators") : -1;
}

static int st_meta_get(vcm_store *b, vcm_arena *a, const char *key, const char **value)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_META_GET);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, key);
    int rc = s->d->step(q);
    *value = rc == VCM_ROW ? vcm_col_dup(s, a, q, 0) : NULL;
    if (rc < 0)
        vcm_fail_db(s, "cannot read a database value");
    s->d->reset(q);
    return rc < 0 ? -1 : rc == VCM_ROW;
}

static int st_meta_put(vcm_store *b, const char *key, const char *value)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_META_PUT);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, key);
    s->d->bind_text(q, 2, value);
    return vcm_run(s, q, "cannot store a database value");
}

/* ---- the store's table of functions ------------------------------------------ */

static void st_close(vcm_store *b)
{
    store *s = S(b);
    if (s->c)
        s->d->close(s->c);
    for (size_t i = 0; i < GATHER_TARGETS; i++)
        free(s->g.t[i].rows);
    vcm_arena_release(&s->g.arena);
    vcm_arena_release(&s->ahead.arena);
    vcm_arena_release(&s->cache.arena);
    vcm_buf_release(&s->list);
    free(s->known.bits);
    free(s);
}

static const struct vcm_store_ops store_ops = {
    .name = "store",
    .close = st_close,
    .begin = st_begin,
    .commit = st_commit,
    .rollback = st_rollback,
    .data_version = st_data_version,
    .country_upsert = vcm_country_upsert,
    .country_get = vcm_country_get,
    .country_list = vcm_country_list,
    .museum_ensure = vcm_museum_ensure,
    .museum_put = vcm_museum_put,
    .museum_get = vcm_museum_get,
    .museum_profile_get = vcm_museum_profile_get,
    .note_public = vcm_note_public,
    .museum_profile_put = vcm_museum_profile_put,
    .museum_list = vcm_museum_list,
    .object_upsert = vcm_object_upsert,
    .object_expect = vcm_object_expect,
    .object_get = vcm_object_get,
    .object_get_many = vcm_object_get_many,
    .object_list = vcm_object_list,
    .object_count = vcm_object_count,
    .object_facets = vcm_object_facets,
    .object_origins = vcm_object_origins,
    .stats = vcm_stats_get,
    .media_add = vcm_media_add,
    .media_find = vcm_media_find,
    .object_by_source_id = vcm_object_by_source_id,
    .activity_list = vcm_activity_list,
    .changes_since = vcm_changes_since,
    .change_head = vcm_change_head,
    .object_stamps = vcm_object_stamps,
    .instance_id = vcm_instance_id,
    .begin_read = st_begin_read,
    .table_scan = st_table_scan,
    .table_clear = st_table_clear,
    .table_put = st_table_put,
    .table_finish = st_table_finish,
    .meta_get = st_meta_get,
    .meta_put = st_meta_put,
    .object_links = vcm_object_links,
    .fetch_list = vcm_fetch_list,
    .fetch_state_get = vcm_fetch_state_get,
    .fetch_state_put = vcm_fetch_state_put,
    .terms_replace = vcm_terms_replace,
    .rights_put = vcm_rights_put,
};

vcm_store *vcm_store_open_driver(const vcm_driver *d, const char *url, const char *name,
                                 char *err, size_t errlen)
{
    store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->base.ops = &store_ops;
    s->d = d;
    vcm_arena_init(&s->g.arena, 0);
    vcm_arena_init(&s->ahead.arena, 0);
    vcm_buf_init(&s->list, (size_t)1 << 20);
    if (!(s->c = d->open(url, err, errlen))) {
        st_close(&s->base);
        return NULL;
    }
    if (migrate(s) < 0) {
        char where[600];
        d->describe(s->c, name, where, sizeof where);
        snprintf(err, errlen, "%s: %s", where, s->base.error);
        st_close(&s->base);
        return NULL;
    }
    /* the objects stored before origins were kept get theirs now, once */
    int64_t filled;
    if (s->origins_todo && vcm_origins_derive(&s->base, false, &filled) < 0) {
        snprintf(err, errlen, "cannot derive the origins of the stored objects: %s",
                 s->base.error);
        st_close(&s->base);
        return NULL;
    }
    s->origins_todo = false;
    return &s->base;
}

int64_t vcm_store_round_trips(vcm_store *b)
{
    store *s = S(b);
    return s->d->round_trips(s->c);
}

size_t vcm_store_prepared(vcm_store *b)
{
    store *s = S(b);
    return s->d->prepared(s->c);
}

vcm_store *vcm_store_open(const char *url, char *err, size_t errlen)
{
    if (strncmp(url, "sqlite:", 7) == 0)
        return vcm_store_open_driver(&vcm_driver_sqlite, url + 7, url + 7, err, errlen);
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return vcm_store_open_driver(&vcm_driver_pg, url, url, err, errlen);
    snprintf(err, errlen, "database URL '%s' is neither sqlite:PATH nor postgres://…", url);
    return NULL;
}

void vcm_store_close(vcm_store *s)
{
    if (s)
        s->ops->close(s);
}

const char *vcm_store_url_file(const char *url)
{
    return strncmp(url, "sqlite:", 7) == 0 && url[7] ? url + 7 : NULL;
}

void vcm_store_url_redact(const char *url, char *out, size_t size)
{
    const char *scheme = strstr(url, "://");
    const char *rest = scheme ? scheme + 3 : NULL;
    const char *at = NULL, *colon = NULL;
    if (rest) { /* the last '@' of the authority: a password may hold one */
        size_t n = strcspn(rest, "/?#");
        for (size_t i = 0; i < n; i++)
            if (rest[i] == '@')
                at = rest + i;
    }
    if (at)
        colon = memchr(rest, ':', (size_t)(at - rest));
    if (colon)
        snprintf(out, size, "%.*s:***%s", (int)(colon - url), url, at);
    else
        snprintf(out, size, "%s", url);
}

const char *vcm_store_error(const vcm_store *s)
{
    return s->error;
}

int vcm_store_fail(vcm_store *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    return -1;
}
