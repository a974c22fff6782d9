/* The PostgreSQL backend of the store: for several nodes sharing one
 * database. sqlite.c is the reference; this file does the same with libpq.
 *
 * Design:
 * - One vcm_store is one PGconn (the server keeps one per worker thread).
 *   Every statement is prepared once per connection, by name, on first use:
 *   fixed ones "sN", filter queries "fK_M" keyed by kind and by the bit mask
 *   of the filter's conditions, put together from constant fragments only;
 *   values are always sent as parameters.
 * - Reconnection: outside a transaction, a statement that finds the
 *   connection broken resets it (PQreset), forgets what was prepared on it
 *   and runs once more; when the server is still away the error names its
 *   host and port. Inside a transaction the transaction is lost: the
 *   statement fails, and rollback() merely forgets it.
 * - Transactions mean what they mean in the SQLite backend, where BEGIN
 *   IMMEDIATE lets one writer at a time: begin() takes the writers'
 *   transaction-scoped advisory lock (7758701), the one that assigning seqs
 *   of the change sequence takes too (schema/pg/003_changes.sql), so writes
 *   are serialised and seqs become visible in commit order.
 * - data_version reads one row that every writing transaction bumps once
 *   (statement triggers, schema/pg/001_init.sql), in the same transaction
 *   as its data: a reader sees the new version when it sees the new data.
 * - Migrations are src/store/schema/pg/NNN_name.sql built into the program;
 *   each runs once, in its own transaction, under a session advisory lock
 *   so that nodes starting together do not apply one twice.
 * - The aggregate cache is the SQLite backend's (counts per museum and
 *   country, statistics, facets for 32 filters, museums and countries read),
 *   dropped whenever data_version changes. */
#include <assert.h>
#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/asset.h"
#include "core/buf.h"
#include "store/store.h"
#include "core/banned.h"

#define WRITERS_LOCK "7758701"
#define MIGRATIONS_LOCK "7758702"

enum stmt {
    S_BEGIN, S_COMMIT, S_ROLLBACK, S_WRITERS_LOCK, S_DATA_VERSION,
    S_COUNTRY_PUT, S_COUNTRY_NAMES_DEL, S_COUNTRY_NAME_PUT, S_COUNTRY_GET, S_COUNTRY_NAMES,
    S_COUNTRY_LIST, S_COUNTRY_LIST_USED,
    S_MUSEUM_FIND, S_MUSEUM_FIND_KEY, S_MUSEUM_INSERT, S_MUSEUM_UPDATE, S_MUSEUM_NAMES_DEL,
    S_MUSEUM_NAME_PUT, S_MUSEUM_GET, S_MUSEUM_NAMES, S_MUSEUM_LIST, S_MUSEUM_LIST_COUNTRY,
    S_MUSEUM_ID_FOLLOW,
    S_OBJECT_FIND, S_OBJECT_INSERT, S_OBJECT_UPDATE, S_OBJECT_ID_FREE, S_OBJECT_ID_FOLLOW,
    S_TEXTS_DEL, S_TEXT_PUT, S_CREATORS_DEL, S_CREATOR_PUT, S_MEDIA_DEL, S_MEDIA_PUT,
    S_OBJECT_GET, S_OBJECT_TEXTS, S_OBJECT_CREATORS, S_OBJECT_MEDIA,
    S_STATS, S_MUSEUM_COUNTS,
    S_MEDIA_ADD, S_MEDIA_FIND, S_MEDIA_NEXT_POS, S_BY_SOURCE_ID, S_ACTIVITY_ADD, S_ACTIVITY_LIST,
    S_ACTIVITY_COUNT, S_HAS_MEDIA, S_CHANGES_SINCE, S_CHANGE_HEAD, S_INSTANCE_ID,
    S_META_GET, S_META_PUT, S_FINISH, S_BEGIN_READ,
    S_COUNT
};

#define OBJECT_COLS                                                                           \
    "museum_id, source_id, source, source_licence, inventory_number, date_text, date_start, " \
    "date_end, century, period, culture, classification, materials, technique, dimensions, "  \
    "credit_line, rights, licence, source_url, status, created, updated, content_hash"
#define NOW "extract(epoch FROM now())::bigint"

static const char *const sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN",
    [S_BEGIN_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_WRITERS_LOCK] = "SELECT pg_advisory_xact_lock(" WRITERS_LOCK ")",
    [S_DATA_VERSION] = "SELECT v FROM data_version",
    [S_COUNTRY_PUT] = "INSERT INTO countries(code, region, asem_since) VALUES ($1, $2, $3::bigint) "
                      "ON CONFLICT(code) DO UPDATE SET region = $2, asem_since = $3::bigint",
    [S_COUNTRY_NAMES_DEL] = "DELETE FROM country_names WHERE code = $1",
    [S_COUNTRY_NAME_PUT] = "INSERT INTO country_names(code, lang, pos, name) VALUES ($1, $2, $3, $4)",
    [S_COUNTRY_GET] = "SELECT code, region, asem_since FROM countries WHERE code = $1",
    [S_COUNTRY_NAMES] = "SELECT lang, name FROM country_names WHERE code = $1 ORDER BY pos",
    [S_COUNTRY_LIST] =
        "SELECT c.code, c.region, c.asem_since FROM countries c "
        "ORDER BY (SELECT name FROM country_names n WHERE n.code = c.code AND n.lang = 'en'), "
        "c.code COLLATE \"C\"",
    [S_COUNTRY_LIST_USED] =
        "SELECT c.code, c.region, c.asem_since FROM countries c "
        "WHERE EXISTS (SELECT 1 FROM museums m WHERE m.country = c.code) "
        "ORDER BY (SELECT name FROM country_names n WHERE n.code = c.code AND n.lang = 'en'), "
        "c.code COLLATE \"C\"",
    [S_MUSEUM_FIND] = "SELECT museum_id FROM museum_names WHERE name = $1 LIMIT 1",
    [S_MUSEUM_FIND_KEY] = "SELECT id FROM museums WHERE name_key = $1",
    [S_MUSEUM_INSERT] =
        "INSERT INTO museums(id, name_key, country, city, lat, lon, website, joined, left_on) "
        "VALUES (coalesce($1::bigint, nextval('museums_id_seq')), $2, $3, $4, $5, $6, $7, $8, $9) "
        "RETURNING id",
    [S_MUSEUM_UPDATE] = "UPDATE museums SET name_key = $2, country = $3, city = $4, lat = $5, "
                        "lon = $6, website = $7, joined = $8, left_on = $9 WHERE id = $1",
    [S_MUSEUM_NAMES_DEL] = "DELETE FROM museum_names WHERE museum_id = $1",
    [S_MUSEUM_NAME_PUT] =
        "INSERT INTO museum_names(museum_id, lang, pos, name) VALUES ($1, $2, $3, $4)",
    [S_MUSEUM_GET] =
        "SELECT id, country, city, lat, lon, website, joined, left_on FROM museums WHERE id = $1",
    [S_MUSEUM_NAMES] = "SELECT lang, name FROM museum_names WHERE museum_id = $1 ORDER BY pos",
    [S_MUSEUM_LIST] =
        "SELECT id, country, city, lat, lon, website, joined, left_on FROM museums ORDER BY name_key",
    [S_MUSEUM_LIST_COUNTRY] =
        "SELECT id, country, city, lat, lon, website, joined, left_on FROM museums "
        "WHERE country = $1 ORDER BY name_key",
    [S_MUSEUM_ID_FOLLOW] = "SELECT setval('museums_id_seq', greatest($1::bigint, "
                           "(SELECT last_value FROM museums_id_seq)))",
    [S_OBJECT_FIND] =
        "SELECT id, content_hash, created FROM objects WHERE museum_id = $1 AND source_id = $2",
    [S_OBJECT_INSERT] =
        "INSERT INTO objects(id, " OBJECT_COLS ") VALUES (coalesce($1::bigint, "
        "nextval('objects_id_seq')), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
        "$15, $16, $17, $18, $19, $20, $21, $22, $23, $24) RETURNING id",
    [S_OBJECT_UPDATE] =
        "UPDATE objects SET museum_id = $2, source_id = $3, source = $4, source_licence = $5, "
        "inventory_number = $6, date_text = $7, date_start = $8, date_end = $9, century = $10, "
        "period = $11, culture = $12, classification = $13, materials = $14, technique = $15, "
        "dimensions = $16, credit_line = $17, rights = $18, licence = $19, source_url = $20, "
        "status = $21, created = $22, updated = $23, content_hash = $24 WHERE id = $1",
    [S_OBJECT_ID_FREE] = "SELECT NOT EXISTS (SELECT 1 FROM objects WHERE id = $1)",
    [S_OBJECT_ID_FOLLOW] = "SELECT setval('objects_id_seq', greatest($1::bigint, "
                           "(SELECT last_value FROM objects_id_seq)))",
    [S_TEXTS_DEL] = "DELETE FROM object_texts WHERE object_id = $1",
    [S_TEXT_PUT] =
        "INSERT INTO object_texts(object_id, field, lang, pos, value) VALUES ($1, $2, $3, $4, $5)",
    [S_CREATORS_DEL] = "DELETE FROM object_creators WHERE object_id = $1",
    [S_CREATOR_PUT] = "INSERT INTO object_creators(object_id, pos, name) VALUES ($1, $2, $3)",
    [S_MEDIA_DEL] = "DELETE FROM media WHERE object_id = $1",
    [S_MEDIA_PUT] = "INSERT INTO media(object_id, pos, file, format, width, height, checksum, "
                    "rights, identifier, original, label, created) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, " NOW ")",
    [S_OBJECT_GET] =
        "SELECT o.id, " OBJECT_COLS ", (SELECT name FROM museum_names n WHERE n.museum_id = "
        "o.museum_id ORDER BY n.lang <> 'en', n.pos LIMIT 1), m.country "
        "FROM objects o JOIN museums m ON m.id = o.museum_id WHERE o.id = $1",
    [S_OBJECT_TEXTS] =
        "SELECT field, lang, value FROM object_texts WHERE object_id = $1 ORDER BY field, pos",
    [S_OBJECT_CREATORS] = "SELECT name FROM object_creators WHERE object_id = $1 ORDER BY pos",
    [S_OBJECT_MEDIA] = "SELECT id, file, format, width, height, checksum, rights, identifier, "
                       "original, label FROM media WHERE object_id = $1 ORDER BY pos",
    [S_STATS] = "SELECT (SELECT count(*) FROM objects WHERE status = 'published'), "
                "(SELECT count(*) FROM objects), "
                "(SELECT count(DISTINCT museum_id) FROM objects WHERE status = 'published'), "
                "(SELECT count(*) FROM museums), "
                "(SELECT count(DISTINCT country) FROM museums), "
                "(SELECT count(*) FROM countries), "
                "(SELECT count(*) FROM media)",
    [S_MEDIA_ADD] = "INSERT INTO media(object_id, pos, file, format, width, height, checksum, "
                    "rights, identifier, original, label, created) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, " NOW ") RETURNING id",
    [S_MEDIA_NEXT_POS] = "SELECT coalesce(max(pos) + 1, 0) FROM media WHERE object_id = $1",
    [S_MEDIA_FIND] = "SELECT id, file, format, width, height, checksum, rights, identifier, "
                     "original, label, object_id FROM media WHERE identifier = $1",
    [S_BY_SOURCE_ID] = "SELECT id FROM objects WHERE source_id = $1 ORDER BY id LIMIT $2",
    [S_ACTIVITY_ADD] = "INSERT INTO activities(object_id, type, time) VALUES ($1, $2, $3)",
    [S_ACTIVITY_LIST] = "SELECT id, object_id, type, time FROM activities ORDER BY id "
                        "LIMIT $1 OFFSET $2",
    [S_ACTIVITY_COUNT] = "SELECT count(*) FROM activities",
    [S_HAS_MEDIA] = "SELECT EXISTS (SELECT 1 FROM media WHERE object_id = $1)",
    [S_CHANGES_SINCE] =
        "SELECT seq, object_id FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
    [S_CHANGE_HEAD] = "SELECT coalesce(max(seq), 0) FROM changes",
    [S_INSTANCE_ID] = "SELECT value FROM meta WHERE key = 'instance'",
    [S_META_GET] = "SELECT value FROM meta WHERE key = $1",
    [S_META_PUT] = "INSERT INTO meta(key, value) VALUES ($1, $2) "
                   "ON CONFLICT(key) DO UPDATE SET value = $2",
    [S_FINISH] =
        "SELECT setval('museums_id_seq', greatest((SELECT max(id) FROM museums), "
        "(SELECT last_value FROM museums_id_seq))), "
        "setval('objects_id_seq', greatest((SELECT max(id) FROM objects), "
        "(SELECT last_value FROM objects_id_seq))), "
        "setval('media_id_seq', greatest((SELECT max(id) FROM media), "
        "(SELECT last_value FROM media_id_seq))), "
        "setval('activities_id_seq', greatest((SELECT max(id) FROM activities), "
        "(SELECT last_value FROM activities_id_seq))), "
        "setval('changes_seq', greatest((SELECT max(seq) FROM changes), "
        "(SELECT last_value FROM changes_seq)))",
    [S_MUSEUM_COUNTS] =
        "SELECT m.id, m.country, (SELECT count(*) FROM objects o WHERE o.museum_id = m.id "
        "AND o.status = 'published') FROM museums m",
};

/* Filter queries: what they select, then the conditions a filter adds. */
enum fkind { F_LIST, F_COUNT, F_REGION, F_COUNTRY, F_MUSEUM, F_CLASS, F_CENTURY, F_KINDS };
enum fbit {
    B_PUBLISHED = 1, B_REGION = 2, B_COUNTRY = 4, B_MUSEUM = 8, B_CLASS = 16,
    B_CENTURY = 32, B_SOURCE_ID = 64, B_AFTER = 128, B_MEDIA = 256, B_MASKS = 512
};

static const char *const fselect[F_KINDS] = {
    [F_LIST] = "SELECT o.id",
    [F_COUNT] = "SELECT count(*)",
    [F_REGION] = "SELECT c.region, c.region, count(*)",
    [F_COUNTRY] = "SELECT m.country, (SELECT name FROM country_names n WHERE n.code = m.country "
                  "ORDER BY n.lang <> 'en', n.pos LIMIT 1), count(*)",
    [F_MUSEUM] = "SELECT o.museum_id, (SELECT name FROM museum_names n WHERE n.museum_id = "
                 "o.museum_id ORDER BY n.lang <> 'en', n.pos LIMIT 1), count(*)",
    [F_CLASS] = "SELECT o.classification, o.classification, count(*)",
    [F_CENTURY] = "SELECT o.century, o.century, count(*)",
};
static const char *const fgroup[F_KINDS] = {
    [F_LIST] = " ORDER BY o.id",
    [F_COUNT] = "",
    [F_REGION] = " GROUP BY 1 ORDER BY 3 DESC, 1",
    [F_COUNTRY] = " GROUP BY 1 ORDER BY 3 DESC, 2",
    [F_MUSEUM] = " GROUP BY 1 ORDER BY 3 DESC, 2",
    [F_CLASS] = " AND o.classification <> '' GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 40",
    [F_CENTURY] = " AND o.century IS NOT NULL AND o.century <> 0 GROUP BY 1 ORDER BY 1",
};

/* ---- aggregate cache (as in sqlite.c) ----------------------------------- */

#define FACET_CACHE 32

struct museum_count {
    int64_t id, objects;
    char country[3];
};

struct facet_entry {
    char *key;
    vcm_facets facets;
    int64_t count;
    bool has_facets, has_count;
};

struct agg_cache {
    int64_t version;
    bool valid, has_stats, has_counts;
    vcm_stats stats;
    struct museum_count *mc;
    size_t nmc;
    struct facet_entry fe[FACET_CACHE];
    size_t nfe, next;
    vcm_museum *museums;
    size_t nmuseums;
    vcm_country *countries;
    size_t ncountries;
    vcm_arena arena;
};

typedef struct pg_store {
    vcm_store base;
    PGconn *conn;
    char where[300];            /* host:port, for messages */
    unsigned gen;               /* bumped by every reconnection */
    unsigned st[S_COUNT];       /* gen in which each statement was prepared */
    unsigned fq[F_KINDS][B_MASKS];
    unsigned tput[16];          /* table_put's statements, by table */
    bool in_tx;
    struct agg_cache cache;
} pg_store;

/* Parameters of one statement, as text (libpq's text format). */
#define MAXP 32
typedef struct params {
    int n;
    const char *v[MAXP];
    char num[MAXP][32];
} params;

static void p_text(params *p, const char *t)
{
    assert(p->n < MAXP);
    p->v[p->n++] = t;
}

static void p_null(params *p)
{
    p_text(p, NULL);
}

static void p_int(params *p, int64_t i)
{
    assert(p->n < MAXP);
    snprintf(p->num[p->n], sizeof p->num[0], "%lld", (long long)i);
    p->v[p->n] = p->num[p->n];
    p->n++;
}

static void p_real(params *p, double r)
{
    assert(p->n < MAXP);
    snprintf(p->num[p->n], sizeof p->num[0], "%.17g", r);
    p->v[p->n] = p->num[p->n];
    p->n++;
}

static void p_year(params *p, int32_t y)
{
    if (y == VCM_NO_YEAR)
        p_null(p);
    else
        p_int(p, y);
}

/* libpq's message m on one line: newlines and tabs become spaces, the
 * trailing ones go. */
static const char *one_line(const char *m, char *buf, size_t size)
{
    size_t n = 0;
    for (; *m && n + 1 < size; m++) {
        char c = *m == '\n' || *m == '\t' ? ' ' : *m;
        if (c == ' ' && (n == 0 || buf[n - 1] == ' '))
            continue;
        buf[n++] = c;
    }
    while (n && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    return buf;
}

/* The message of a failed result or connection. */
static int fail_pg(pg_store *s, const char *what, const PGresult *r)
{
    const char *m = r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r)
                                                     : PQerrorMessage(s->conn);
    char buf[400];
    return vcm_store_fail(&s->base, "%s: %s", what, one_line(m, buf, sizeof buf));
}

static bool is_sqlstate(const PGresult *r, const char *code)
{
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return st && strcmp(st, code) == 0;
}

/* Makes sure the connection is up: outside a transaction a broken one is
 * reset (and what was prepared on it forgotten). */
static int ensure_conn(pg_store *s)
{
    if (PQstatus(s->conn) == CONNECTION_OK)
        return 0;
    if (s->in_tx)
        return vcm_store_fail(&s->base,
                              "lost the connection to the database server at %s during a "
                              "transaction",
                              s->where);
    PQreset(s->conn);
    s->gen++;
    if (PQstatus(s->conn) != CONNECTION_OK) {
        char buf[400];
        return vcm_store_fail(&s->base, "cannot reach the database server at %s: %s", s->where,
                              one_line(PQerrorMessage(s->conn), buf, sizeof buf));
    }
    return 0;
}

/* Runs the statement named name (text sqltext), preparing it first when
 * this connection has not; *prepared records in which connection it was.
 * Returns the result (caller clears it) or NULL with the error set; err_out,
 * when not NULL, receives a failed result instead of it being cleared. */
static PGresult *run_named(pg_store *s, const char *name, const char *sqltext, unsigned *prepared,
                           const params *p, const char *what, PGresult **err_out)
{
    for (int attempt = 0;; attempt++) {
        if (ensure_conn(s) < 0)
            return NULL;
        if (*prepared != s->gen) {
            PGresult *r = PQprepare(s->conn, name, sqltext, 0, NULL);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) {
                bool lost = PQstatus(s->conn) != CONNECTION_OK;
                if (lost && attempt == 0 && !s->in_tx) {
                    PQclear(r);
                    continue;
                }
                fail_pg(s, lost ? what : "cannot prepare a statement", r);
                PQclear(r);
                return NULL;
            }
            PQclear(r);
            *prepared = s->gen;
        }
        PGresult *r = PQexecPrepared(s->conn, name, p ? p->n : 0, p ? p->v : NULL, NULL, NULL, 0);
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
            return r;
        if (PQstatus(s->conn) != CONNECTION_OK && attempt == 0 && !s->in_tx) {
            PQclear(r);
            continue;
        }
        if (PQstatus(s->conn) != CONNECTION_OK)
            vcm_store_fail(&s->base, "%s: lost the connection to the database server at %s", what,
                           s->where);
        else
            fail_pg(s, what, r);
        if (err_out)
            *err_out = r;
        else
            PQclear(r);
        return NULL;
    }
}

static PGresult *q(pg_store *s, enum stmt k, const params *p, const char *what)
{
    char name[16];
    snprintf(name, sizeof name, "s%d", (int)k);
    return run_named(s, name, sql[k], &s->st[k], p, what, NULL);
}

/* Runs a statement whose rows do not matter. */
static int run(pg_store *s, enum stmt k, const params *p, const char *what)
{
    PGresult *r = q(s, k, p, what);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

static const char *col_text(vcm_arena *a, const PGresult *r, int row, int i)
{
    if (PQgetisnull(r, row, i))
        return NULL;
    return vcm_arena_strndup(a, PQgetvalue(r, row, i), (size_t)PQgetlength(r, row, i));
}

static int64_t col_int(const PGresult *r, int row, int i)
{
    return PQgetisnull(r, row, i) ? 0 : strtoll(PQgetvalue(r, row, i), NULL, 10);
}

static double col_real(const PGresult *r, int row, int i)
{
    return PQgetisnull(r, row, i) ? 0 : strtod(PQgetvalue(r, row, i), NULL);
}

static bool col_bool(const PGresult *r, int row, int i)
{
    return !PQgetisnull(r, row, i) && PQgetvalue(r, row, i)[0] == 't';
}

static int32_t col_year(const PGresult *r, int row, int i)
{
    return PQgetisnull(r, row, i) ? VCM_NO_YEAR : (int32_t)col_int(r, row, i);
}

static void copy_code(char dst[3], const char *src)
{
    dst[0] = dst[1] = dst[2] = '\0';
    if (src && src[0] && src[1]) {
        dst[0] = src[0];
        dst[1] = src[1];
    }
}

/* ---- lifecycle ---------------------------------------------------------- */

static int exec_simple(pg_store *s, const char *text, const char *what)
{
    PGresult *r = PQexec(s->conn, text);
    ExecStatusType st = PQresultStatus(r);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : fail_pg(s, what, r);
    PQclear(r);
    return rc;
}

/* A hot standby (streaming replication, for reads) cannot migrate: it must
 * already have every migration this program knows, from its primary. */
static int check_standby(pg_store *s, bool *standby)
{
    PGresult *r = PQexec(s->conn, "SELECT pg_is_in_recovery()");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fail_pg(s, "cannot ask whether the server is a standby", r);
        PQclear(r);
        return -1;
    }
    *standby = col_bool(r, 0, 0);
    PQclear(r);
    if (!*standby)
        return 0;
    r = PQexec(s->conn, "SELECT coalesce(max(version), 0) FROM schema_migrations");
    int have = PQresultStatus(r) == PGRES_TUPLES_OK ? (int)col_int(r, 0, 0) : 0;
    PQclear(r);
    int want = 0;
    const char *prefix = "src/store/schema/pg/";
    size_t pl = strlen(prefix);
    for (size_t i = 0; i < vcm_assets_count; i++)
        if (strncmp(vcm_assets[i].path, prefix, pl) == 0 &&
            isdigit((unsigned char)vcm_assets[i].path[pl]))
            want = atoi(vcm_assets[i].path + pl);
    if (have < want)
        return vcm_store_fail(&s->base,
                              "the server is a read-only standby whose schema is at migration %d, "
                              "this program needs %d: start a node on the primary first",
                              have, want);
    return 0;
}

static int migrate(pg_store *s)
{
    bool standby;
    if (check_standby(s, &standby) < 0)
        return -1;
    if (standby)
        return 0;
    /* One node migrates at a time; the others wait, then find it done. */
    if (exec_simple(s, "SET client_min_messages = warning; "
                       "SELECT pg_advisory_lock(" MIGRATIONS_LOCK ")",
                    "cannot lock the schema") < 0)
        return -1;
    int rc = -1;
    if (exec_simple(s, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY "
                       "KEY, name text NOT NULL, applied bigint NOT NULL)",
                    "cannot create schema_migrations") < 0)
        goto out;
    const char *prefix = "src/store/schema/pg/";
    size_t pl = strlen(prefix);
    /* Assets are sorted by path, so migrations come in number order. */
    for (size_t i = 0; i < vcm_assets_count; i++) {
        const char *path = vcm_assets[i].path;
        if (strncmp(path, prefix, pl) != 0 || !isdigit((unsigned char)path[pl]))
            continue;
        char version[16];
        snprintf(version, sizeof version, "%d", atoi(path + pl));
        const char *v[2] = {version, path + pl};
        PGresult *r = PQexecParams(s->conn, "SELECT 1 FROM schema_migrations WHERE version = $1",
                                   1, NULL, v, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            fail_pg(s, "cannot read schema_migrations", r);
            PQclear(r);
            goto out;
        }
        bool done = PQntuples(r) > 0;
        PQclear(r);
        if (done)
            continue;
        if (exec_simple(s, "BEGIN", "cannot start a migration") < 0)
            goto out;
        if (exec_simple(s, (const char *)vcm_assets[i].data, path) < 0) {
            exec_simple(s, "ROLLBACK", "cannot roll back");
            goto out;
        }
        r = PQexecParams(s->conn,
                         "INSERT INTO schema_migrations(version, name, applied) "
                         "VALUES ($1, $2, " NOW ")",
                         2, NULL, v, NULL, NULL, 0);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fail_pg(s, "cannot record a migration", r);
        PQclear(r);
        if (!ok || exec_simple(s, "COMMIT", "cannot commit a migration") < 0) {
            exec_simple(s, "ROLLBACK", "cannot roll back");
            goto out;
        }
    }
    rc = 0;
out:
    if (PQstatus(s->conn) == CONNECTION_OK) {
        PGresult *r = PQexec(s->conn, "SELECT pg_advisory_unlock(" MIGRATIONS_LOCK ")");
        PQclear(r);
    }
    return rc;
}

static void pg_close(vcm_store *b)
{
    pg_store *s = (pg_store *)b;
    if (s->conn)
        PQfinish(s->conn);
    vcm_arena_release(&s->cache.arena);
    free(s);
}

static void cache_drop(pg_store *s)
{
    s->cache.valid = false;
}

static int pg_begin(vcm_store *b)
{
    pg_store *s = (pg_store *)b;
    if (s->in_tx)
        return vcm_store_fail(b, "a transaction is open already");
    if (run(s, S_BEGIN, NULL, "cannot begin a transaction") < 0)
        return -1;
    s->in_tx = true;
    /* one writer at a time, as in SQLite (BEGIN IMMEDIATE) */
    if (run(s, S_WRITERS_LOCK, NULL, "cannot begin a transaction") < 0) {
        PGresult *r = PQexec(s->conn, "ROLLBACK");
        PQclear(r);
        s->in_tx = false;
        return -1;
    }
    return 0;
}

/* One snapshot for the whole transaction; no lock, so writers go on. */
static int pg_begin_read(vcm_store *b)
{
    pg_store *s = (pg_store *)b;
    if (s->in_tx)
        return vcm_store_fail(b, "a transaction is open already");
    if (run(s, S_BEGIN_READ, NULL, "cannot begin a transaction") < 0)
        return -1;
    s->in_tx = true;
    return 0;
}

static int pg_commit(vcm_store *b)
{
    pg_store *s = (pg_store *)b;
    PGresult *r = q(s, S_COMMIT, NULL, "cannot commit");
    s->in_tx = false;
    cache_drop(s);
    if (!r)
        return -1;
    /* COMMIT of a transaction that failed answers ROLLBACK */
    bool rolled_back = strcmp(PQcmdStatus(r), "ROLLBACK") == 0;
    PQclear(r);
    return rolled_back ? vcm_store_fail(b, "cannot commit: the transaction had failed") : 0;
}

static int pg_rollback(vcm_store *b)
{
    pg_store *s = (pg_store *)b;
    cache_drop(s);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        s->in_tx = false; /* the server dropped it with the connection */
        return 0;
    }
    int rc = run(s, S_ROLLBACK, NULL, "cannot roll back");
    s->in_tx = false;
    return rc;
}

static int pg_data_version(vcm_store *b, int64_t *out)
{
    pg_store *s = (pg_store *)b;
    PGresult *r = q(s, S_DATA_VERSION, NULL, "cannot read the data version");
    if (!r)
        return -1;
    *out = PQntuples(r) ? col_int(r, 0, 0) : 0;
    PQclear(r);
    return 0;
}

/* ---- aggregate cache ----------------------------------------------------- */

static int cache_check(pg_store *s)
{
    int64_t v;
    if (pg_data_version(&s->base, &v) < 0)
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

static int load_counts(pg_store *s)
{
    if (cache_check(s) < 0)
        return -1;
    struct agg_cache *c = &s->cache;
    if (c->has_counts)
        return 0;
    PGresult *r = q(s, S_MUSEUM_COUNTS, NULL, "cannot count objects per museum");
    if (!r)
        return -1;
    int n = PQntuples(r);
    c->mc = vcm_arena_alloc(&c->arena, (size_t)(n ? n : 1) * sizeof *c->mc);
    if (!c->mc) {
        PQclear(r);
        return vcm_store_fail(&s->base, "out of memory counting");
    }
    for (int i = 0; i < n; i++) {
        struct museum_count *m = &c->mc[i];
        m->id = col_int(r, i, 0);
        copy_code(m->country, PQgetvalue(r, i, 1));
        m->objects = col_int(r, i, 2);
    }
    c->nmc = (size_t)n;
    PQclear(r);
    c->has_counts = true;
    return 0;
}

static int64_t museum_objects(pg_store *s, int64_t id)
{
    for (size_t i = 0; i < s->cache.nmc; i++)
        if (s->cache.mc[i].id == id)
            return s->cache.mc[i].objects;
    return 0;
}

static void country_counts(pg_store *s, vcm_country *c)
{
    c->museums = c->objects = 0;
    for (size_t i = 0; i < s->cache.nmc; i++)
        if (strcmp(s->cache.mc[i].country, c->code) == 0) {
            c->museums++;
            c->objects += s->cache.mc[i].objects;
        }
}

static const char *dup_or_null(vcm_arena *a, const char *str, bool *ok)
{
    if (!str)
        return NULL;
    const char *d = vcm_arena_strdup(a, str);
    *ok = *ok && d;
    return d;
}

static bool copy_names(vcm_arena *a, vcm_ltexts *dst, const vcm_ltexts *src)
{
    memset(dst, 0, sizeof *dst);
    for (size_t i = 0; i < src->n; i++) {
        bool ok = true;
        const char *l = dup_or_null(a, src->v[i].lang, &ok), *t = dup_or_null(a, src->v[i].text, &ok);
        if (!ok || vcm_ltexts_add(dst, a, l, t) < 0)
            return false;
    }
    return true;
}

static bool copy_museum(vcm_arena *a, vcm_museum *dst, const vcm_museum *src)
{
    bool ok = true;
    *dst = *src;
    dst->city = dup_or_null(a, src->city, &ok);
    dst->website = dup_or_null(a, src->website, &ok);
    dst->joined = dup_or_null(a, src->joined, &ok);
    dst->left = dup_or_null(a, src->left, &ok);
    return ok && copy_names(a, &dst->names, &src->names);
}

static bool copy_country(vcm_arena *a, vcm_country *dst, const vcm_country *src)
{
    *dst = *src;
    return copy_names(a, &dst->names, &src->names);
}

static void *cache_push(vcm_arena *a, void *arr, size_t *n, size_t size)
{
    if ((*n & (*n - 1)) == 0) {
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

/* ---- countries ---------------------------------------------------------- */

static int put_names(pg_store *s, enum stmt del, enum stmt put, const char *code, int64_t id,
                     const vcm_ltexts *names)
{
    params p = {0};
    code ? p_text(&p, code) : p_int(&p, id);
    if (run(s, del, &p, "cannot replace names") < 0)
        return -1;
    for (size_t i = 0; i < names->n; i++) {
        p.n = 1;
        p_text(&p, names->v[i].lang);
        p_int(&p, (int64_t)i);
        p_text(&p, names->v[i].text);
        if (run(s, put, &p, "cannot store a name") < 0)
            return -1;
    }
    return 0;
}

static int pg_country_upsert(vcm_store *b, const vcm_country *c)
{
    pg_store *s = (pg_store *)b;
    params p = {0};
    p_text(&p, c->code);
    p_text(&p, vcm_region_name(c->region));
    if (c->asem_since)
        p_int(&p, c->asem_since);
    else
        p_null(&p);
    if (run(s, S_COUNTRY_PUT, &p, "cannot store a country") < 0)
        return -1;
    return put_names(s, S_COUNTRY_NAMES_DEL, S_COUNTRY_NAME_PUT, c->code, 0, &c->names);
}

static int load_names(pg_store *s, vcm_arena *a, enum stmt k, const char *code, int64_t id,
                      vcm_ltexts *out)
{
    params p = {0};
    code ? p_text(&p, code) : p_int(&p, id);
    PGresult *r = q(s, k, &p, "cannot read names");
    if (!r)
        return -1;
    memset(out, 0, sizeof *out);
    int rc = 0;
    for (int i = 0; i < PQntuples(r) && rc == 0; i++)
        if (vcm_ltexts_add(out, a, col_text(a, r, i, 0), col_text(a, r, i, 1)) < 0)
            rc = vcm_store_fail(&s->base, "out of memory reading names");
    PQclear(r);
    return rc;
}

static void row_country(const PGresult *r, int row, vcm_country *c)
{
    memset(c, 0, sizeof *c);
    copy_code(c->code, PQgetvalue(r, row, 0));
    vcm_region_parse(PQgetvalue(r, row, 1), &c->region);
    c->asem_since = (int)col_int(r, row, 2);
}

static int pg_country_get(vcm_store *b, vcm_arena *a, const char *code, vcm_country *out)
{
    pg_store *s = (pg_store *)b;
    struct agg_cache *c = &s->cache;
    if (cache_check(s) < 0)
        return -1;
    for (size_t i = 0; i < c->ncountries; i++)
        if (strcmp(c->countries[i].code, code) == 0)
            return copy_country(a, out, &c->countries[i])
                       ? 1
                       : vcm_store_fail(b, "out of memory reading a country");
    params p = {0};
    p_text(&p, code);
    PGresult *r = q(s, S_COUNTRY_GET, &p, "cannot read a country");
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    row_country(r, 0, out);
    PQclear(r);
    if (load_names(s, a, S_COUNTRY_NAMES, out->code, 0, &out->names) < 0 || load_counts(s) < 0)
        return -1;
    country_counts(s, out);
    vcm_country *arr = cache_push(&c->arena, c->countries, &c->ncountries, sizeof *arr);
    if (arr) {
        c->countries = arr;
        if (!copy_country(&c->arena, &arr[c->ncountries - 1], out))
            c->ncountries--;
    }
    return 1;
}

static int pg_country_list(vcm_store *b, vcm_arena *a, bool with_museums, vcm_country **out,
                           size_t *n)
{
    pg_store *s = (pg_store *)b;
    PGresult *r = q(s, with_museums ? S_COUNTRY_LIST_USED : S_COUNTRY_LIST, NULL,
                    "cannot list countries");
    if (!r)
        return -1;
    int rows = PQntuples(r);
    *out = vcm_arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof **out);
    if (!*out) {
        PQclear(r);
        return vcm_store_fail(b, "out of memory listing countries");
    }
    for (int i = 0; i < rows; i++)
        row_country(r, i, &(*out)[i]);
    *n = (size_t)rows;
    PQclear(r);
    if (load_counts(s) < 0)
        return -1;
    for (size_t i = 0; i < *n; i++) {
        if (load_names(s, a, S_COUNTRY_NAMES, (*out)[i].code, 0, &(*out)[i].names) < 0)
            return -1;
        country_counts(s, &(*out)[i]);
    }
    return 0;
}

/* ---- museums ------------------------------------------------------------ */

/* The key a museum is found by on import: its first name, case-folded. */
static char *name_key(const vcm_museum *m)
{
    const char *n = m->names.n ? m->names.v[0].text : "";
    char *k = strdup(n);
    if (k)
        for (char *p = k; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return k;
}

static void bind_museum(params *p, const vcm_museum *m, const char *key)
{
    if (m->id)
        p_int(p, m->id);
    else
        p_null(p);
    p_text(p, key);
    p_text(p, m->country);
    p_text(p, m->city);
    if (m->has_coords) {
        p_real(p, m->lat);
        p_real(p, m->lon);
    } else {
        p_null(p);
        p_null(p);
    }
    p_text(p, m->website);
    p_text(p, m->joined);
    p_text(p, m->left);
}

/* The first column of the first row as an integer; 0 when there is none. */
static int first_int(pg_store *s, enum stmt k, const params *p, const char *what, int64_t *out)
{
    PGresult *r = q(s, k, p, what);
    if (!r)
        return -1;
    *out = PQntuples(r) ? col_int(r, 0, 0) : 0;
    PQclear(r);
    return 0;
}

static int find_museum(pg_store *s, const vcm_museum *m, int64_t *id)
{
    *id = 0;
    for (size_t i = 0; i < m->names.n && !*id; i++) {
        params p = {0};
        p_text(&p, m->names.v[i].text);
        if (first_int(s, S_MUSEUM_FIND, &p, "cannot look up a museum", id) < 0)
            return -1;
    }
    if (!*id) {
        char *key = name_key(m);
        if (!key)
            return vcm_store_fail(&s->base, "out of memory");
        params p = {0};
        p_text(&p, key);
        int rc = first_int(s, S_MUSEUM_FIND_KEY, &p, "cannot look up a museum", id);
        free(key);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int write_museum(pg_store *s, vcm_museum *m, bool insert)
{
    char *key = name_key(m);
    if (!key)
        return vcm_store_fail(&s->base, "out of memory");
    params p = {0};
    bind_museum(&p, m, key);
    int64_t given = m->id;
    PGresult *r = q(s, insert ? S_MUSEUM_INSERT : S_MUSEUM_UPDATE, &p, "cannot store a museum");
    free(key);
    if (!r)
        return -1;
    if (insert)
        m->id = col_int(r, 0, 0);
    PQclear(r);
    if (insert && given) {
        params f = {0};
        p_int(&f, given);
        if (run(s, S_MUSEUM_ID_FOLLOW, &f, "cannot store a museum") < 0)
            return -1;
    }
    return put_names(s, S_MUSEUM_NAMES_DEL, S_MUSEUM_NAME_PUT, NULL, m->id, &m->names);
}

static int pg_museum_ensure(vcm_store *b, vcm_museum *m, bool *created)
{
    pg_store *s = (pg_store *)b;
    int64_t id;
    if (find_museum(s, m, &id) < 0)
        return -1;
    *created = !id;
    if (id) {
        m->id = id;
        return 0;
    }
    m->id = 0;
    return write_museum(s, m, true);
}

static int pg_museum_put(vcm_store *b, vcm_museum *m)
{
    pg_store *s = (pg_store *)b;
    bool insert = false;
    if (!m->id) {
        int64_t id;
        if (find_museum(s, m, &id) < 0)
            return -1;
        m->id = id;
        insert = !id;
    } else {
        params p = {0};
        p_int(&p, m->id);
        PGresult *r = q(s, S_MUSEUM_GET, &p, "cannot read a museum");
        if (!r)
            return -1;
        insert = PQntuples(r) == 0;
        PQclear(r);
    }
    return write_museum(s, m, insert);
}

static void row_museum(vcm_arena *a, const PGresult *r, int row, vcm_museum *m)
{
    memset(m, 0, sizeof *m);
    m->id = col_int(r, row, 0);
    copy_code(m->country, PQgetvalue(r, row, 1));
    m->city = col_text(a, r, row, 2);
    m->has_coords = !PQgetisnull(r, row, 3);
    m->lat = col_real(r, row, 3);
    m->lon = col_real(r, row, 4);
    m->website = col_text(a, r, row, 5);
    m->joined = col_text(a, r, row, 6);
    m->left = col_text(a, r, row, 7);
}

static int pg_museum_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_museum *out)
{
    pg_store *s = (pg_store *)b;
    struct agg_cache *c = &s->cache;
    if (cache_check(s) < 0)
        return -1;
    for (size_t i = 0; i < c->nmuseums; i++)
        if (c->museums[i].id == id)
            return copy_museum(a, out, &c->museums[i])
                       ? 1
                       : vcm_store_fail(b, "out of memory reading a museum");
    params p = {0};
    p_int(&p, id);
    PGresult *r = q(s, S_MUSEUM_GET, &p, "cannot read a museum");
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    row_museum(a, r, 0, out);
    PQclear(r);
    if (load_names(s, a, S_MUSEUM_NAMES, NULL, id, &out->names) < 0 || load_counts(s) < 0)
        return -1;
    out->objects = museum_objects(s, id);
    if (c->nmuseums < 4096) {
        vcm_museum *arr = cache_push(&c->arena, c->museums, &c->nmuseums, sizeof *arr);
        if (arr) {
            c->museums = arr;
            if (!copy_museum(&c->arena, &arr[c->nmuseums - 1], out))
                c->nmuseums--;
        }
    }
    return 1;
}

static int pg_museum_list(vcm_store *b, vcm_arena *a, const char *country, vcm_museum **out,
                          size_t *n)
{
    pg_store *s = (pg_store *)b;
    bool by_country = country && *country;
    params p = {0};
    if (by_country)
        p_text(&p, country);
    PGresult *r = q(s, by_country ? S_MUSEUM_LIST_COUNTRY : S_MUSEUM_LIST, &p,
                    "cannot list museums");
    if (!r)
        return -1;
    int rows = PQntuples(r);
    *out = vcm_arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof **out);
    if (!*out) {
        PQclear(r);
        return vcm_store_fail(b, "out of memory listing museums");
    }
    for (int i = 0; i < rows; i++)
        row_museum(a, r, i, &(*out)[i]);
    *n = (size_t)rows;
    PQclear(r);
    if (load_counts(s) < 0)
        return -1;
    for (size_t i = 0; i < *n; i++) {
        if (load_names(s, a, S_MUSEUM_NAMES, NULL, (*out)[i].id, &(*out)[i].names) < 0)
            return -1;
        (*out)[i].objects = museum_objects(s, (*out)[i].id);
    }
    return 0;
}

/* ---- objects ------------------------------------------------------------ */

static int put_texts(pg_store *s, int64_t id, const char *field, const vcm_ltexts *t)
{
    for (size_t i = 0; i < t->n; i++) {
        params p = {0};
        p_int(&p, id);
        p_text(&p, field);
        p_text(&p, t->v[i].lang);
        p_int(&p, (int64_t)i);
        p_text(&p, t->v[i].text);
        if (run(s, S_TEXT_PUT, &p, "cannot store a text") < 0)
            return -1;
    }
    return 0;
}

static void bind_media(params *p, int64_t object_id, int pos, const vcm_media *m)
{
    p_int(p, object_id);
    p_int(p, pos);
    p_text(p, m->file);
    p_text(p, m->format);
    p_int(p, m->width);
    p_int(p, m->height);
    p_text(p, m->checksum);
    p_text(p, m->rights);
    p_text(p, m->identifier);
    p_text(p, m->original);
    p_text(p, m->label);
}

static int put_children(pg_store *s, const vcm_object *o, bool replace)
{
    static const enum stmt dels[] = {S_TEXTS_DEL, S_CREATORS_DEL, S_MEDIA_DEL};
    /* images are replaced only by a record that brings images */
    size_t ndels = o->nmedia ? 3 : 2;
    for (size_t i = 0; replace && i < ndels; i++) {
        params p = {0};
        p_int(&p, o->id);
        if (run(s, dels[i], &p, "cannot replace an object's parts") < 0)
            return -1;
    }
    if (put_texts(s, o->id, "title", &o->title) < 0 ||
        put_texts(s, o->id, "description", &o->description) < 0 ||
        put_texts(s, o->id, "statement", &o->statement) < 0)
        return -1;
    for (size_t i = 0; i < o->ncreators; i++) {
        params p = {0};
        p_int(&p, o->id);
        p_int(&p, (int64_t)i);
        p_text(&p, o->creators[i]);
        if (run(s, S_CREATOR_PUT, &p, "cannot store a creator") < 0)
            return -1;
    }
    for (size_t i = 0; i < o->nmedia; i++) {
        params p = {0};
        bind_media(&p, o->id, (int)i, &o->media[i]);
        if (run(s, S_MEDIA_PUT, &p, "cannot store a media record") < 0)
            return -1;
    }
    return 0;
}

static int has_media(pg_store *s, int64_t object_id)
{
    params p = {0};
    p_int(&p, object_id);
    PGresult *r = q(s, S_HAS_MEDIA, &p, "cannot look up images");
    if (!r)
        return -1;
    int v = PQntuples(r) && col_bool(r, 0, 0);
    PQclear(r);
    return v;
}

/* The change log describes IIIF manifests, which only objects with images
 * have: an object enters it with its first image. */
static int log_activity(pg_store *s, int64_t object_id, const char *type, int64_t when)
{
    params p = {0};
    p_int(&p, object_id);
    p_text(&p, type);
    p_int(&p, when);
    return run(s, S_ACTIVITY_ADD, &p, "cannot log an activity");
}

static void bind_object(params *p, const vcm_object *o, const char *hash)
{
    p_int(p, o->museum_id);
    p_text(p, o->source_id);
    p_text(p, o->source);
    p_text(p, o->source_licence);
    p_text(p, o->inventory_number);
    p_text(p, o->date_text);
    p_year(p, o->date_start);
    p_year(p, o->date_end);
    int c = vcm_century(o->date_start);
    if (c)
        p_int(p, c);
    else
        p_null(p);
    p_text(p, o->period);
    p_text(p, o->culture);
    p_text(p, o->classification);
    p_text(p, o->materials);
    p_text(p, o->technique);
    p_text(p, o->dimensions);
    p_text(p, o->credit_line);
    p_text(p, o->rights);
    p_text(p, o->licence);
    p_text(p, o->source_url);
    p_text(p, vcm_status_name(o->status));
    p_int(p, o->created);
    p_int(p, o->updated);
    p_text(p, hash);
}

static int pg_object_upsert(vcm_store *b, vcm_object *o, const char *hash, bool keep_times,
                            vcm_upsert *result)
{
    pg_store *s = (pg_store *)b;
    params p = {0};
    p_int(&p, o->museum_id);
    p_text(&p, o->source_id);
    PGresult *r = q(s, S_OBJECT_FIND, &p, "cannot look up an object");
    if (!r)
        return -1;
    int64_t now = (int64_t)time(NULL);
    if (PQntuples(r) > 0) {
        int64_t id = col_int(r, 0, 0);
        bool same = strcmp(PQgetvalue(r, 0, 1), hash) == 0;
        int64_t created = col_int(r, 0, 2);
        PQclear(r);
        o->id = id;
        if (same) {
            *result = VCM_UPSERT_UNCHANGED;
            return 0;
        }
        if (!keep_times) {
            o->created = created;
            o->updated = now;
        }
        p.n = 0;
        p_int(&p, id);
        bind_object(&p, o, hash);
        if (run(s, S_OBJECT_UPDATE, &p, "cannot update an object") < 0 ||
            put_children(s, o, true) < 0)
            return -1;
        int hm = has_media(s, id);
        if (hm < 0 || (hm && log_activity(s, id, o->status == VCM_WITHDRAWN ? "Delete" : "Update",
                                          o->updated) < 0))
            return -1;
        *result = VCM_UPSERT_UPDATED;
        return 0;
    }
    PQclear(r);
    bool use_id = false;
    if (keep_times && o->id > 0) {
        p.n = 0;
        p_int(&p, o->id);
        if (!(r = q(s, S_OBJECT_ID_FREE, &p, "cannot look up an object")))
            return -1;
        use_id = PQntuples(r) && col_bool(r, 0, 0);
        PQclear(r);
    }
    if (!keep_times)
        o->created = o->updated = now;
    p.n = 0;
    if (use_id)
        p_int(&p, o->id);
    else
        p_null(&p);
    bind_object(&p, o, hash);
    if (!(r = q(s, S_OBJECT_INSERT, &p, "cannot insert an object")))
        return -1;
    int64_t given = use_id ? o->id : 0;
    o->id = col_int(r, 0, 0);
    PQclear(r);
    if (given) {
        p.n = 0;
        p_int(&p, given);
        if (run(s, S_OBJECT_ID_FOLLOW, &p, "cannot insert an object") < 0)
            return -1;
    }
    if (put_children(s, o, false) < 0 ||
        (o->nmedia && o->status == VCM_PUBLISHED && log_activity(s, o->id, "Create", o->created) < 0))
        return -1;
    *result = VCM_UPSERT_INSERTED;
    return 0;
}

/* The first ten columns of S_OBJECT_MEDIA and S_MEDIA_FIND. */
static void row_media(vcm_arena *a, const PGresult *r, int row, vcm_media *m)
{
    memset(m, 0, sizeof *m);
    m->id = col_int(r, row, 0);
    m->file = col_text(a, r, row, 1);
    m->format = col_text(a, r, row, 2);
    m->width = (int)col_int(r, row, 3);
    m->height = (int)col_int(r, row, 4);
    m->checksum = col_text(a, r, row, 5);
    m->rights = col_text(a, r, row, 6);
    m->identifier = col_text(a, r, row, 7);
    m->original = col_text(a, r, row, 8);
    m->label = col_text(a, r, row, 9);
}

static int load_object_parts(pg_store *s, vcm_arena *a, vcm_object *o)
{
    params p = {0};
    p_int(&p, o->id);
    PGresult *r = q(s, S_OBJECT_TEXTS, &p, "cannot read an object's texts");
    if (!r)
        return -1;
    for (int i = 0; i < PQntuples(r); i++) {
        const char *field = PQgetvalue(r, i, 0);
        vcm_ltexts *t = field[0] == 't' ? &o->title : field[0] == 'd' ? &o->description
                                                                       : &o->statement;
        if (vcm_ltexts_add(t, a, col_text(a, r, i, 1), col_text(a, r, i, 2)) < 0) {
            PQclear(r);
            return vcm_store_fail(&s->base, "out of memory reading an object");
        }
    }
    PQclear(r);

    if (!(r = q(s, S_OBJECT_CREATORS, &p, "cannot read an object's creators")))
        return -1;
    int n = PQntuples(r);
    if (n) {
        o->creators = vcm_arena_alloc(a, (size_t)n * sizeof *o->creators);
        if (!o->creators) {
            PQclear(r);
            return vcm_store_fail(&s->base, "out of memory reading an object");
        }
        for (int i = 0; i < n; i++)
            o->creators[i] = col_text(a, r, i, 0);
        o->ncreators = (size_t)n;
    }
    PQclear(r);

    if (!(r = q(s, S_OBJECT_MEDIA, &p, "cannot read an object's media")))
        return -1;
    n = PQntuples(r);
    if (n) {
        o->media = vcm_arena_alloc(a, (size_t)n * sizeof *o->media);
        if (!o->media) {
            PQclear(r);
            return vcm_store_fail(&s->base, "out of memory reading an object");
        }
        for (int i = 0; i < n; i++)
            row_media(a, r, i, &o->media[i]);
        o->nmedia = (size_t)n;
    }
    PQclear(r);
    return 0;
}

static int pg_object_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_object *o)
{
    pg_store *s = (pg_store *)b;
    params p = {0};
    p_int(&p, id);
    PGresult *r = q(s, S_OBJECT_GET, &p, "cannot read an object");
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    vcm_object_init(o);
    o->id = col_int(r, 0, 0);
    o->museum_id = col_int(r, 0, 1);
    o->source_id = col_text(a, r, 0, 2);
    o->source = col_text(a, r, 0, 3);
    o->source_licence = col_text(a, r, 0, 4);
    o->inventory_number = col_text(a, r, 0, 5);
    o->date_text = col_text(a, r, 0, 6);
    o->date_start = col_year(r, 0, 7);
    o->date_end = col_year(r, 0, 8);
    /* 9: century, derived */
    o->period = col_text(a, r, 0, 10);
    o->culture = col_text(a, r, 0, 11);
    o->classification = col_text(a, r, 0, 12);
    o->materials = col_text(a, r, 0, 13);
    o->technique = col_text(a, r, 0, 14);
    o->dimensions = col_text(a, r, 0, 15);
    o->credit_line = col_text(a, r, 0, 16);
    o->rights = col_text(a, r, 0, 17);
    o->licence = col_text(a, r, 0, 18);
    o->source_url = col_text(a, r, 0, 19);
    vcm_status_parse(PQgetvalue(r, 0, 20), &o->status);
    o->created = col_int(r, 0, 21);
    o->updated = col_int(r, 0, 22);
    /* 23: content hash */
    o->museum_name = col_text(a, r, 0, 24);
    copy_code(o->country, PQgetvalue(r, 0, 25));
    PQclear(r);
    if (load_object_parts(s, a, o) < 0)
        return -1;
    return 1;
}

static unsigned filter_mask(const vcm_filter *f, enum fkind k)
{
    unsigned m = 0;
    if (!f->any_status)
        m |= B_PUBLISHED;
    if (f->has_region)
        m |= B_REGION;
    if (f->country[0])
        m |= B_COUNTRY;
    if (f->museum)
        m |= B_MUSEUM;
    if (f->classification)
        m |= B_CLASS;
    if (f->century)
        m |= B_CENTURY;
    if (f->source_id)
        m |= B_SOURCE_ID;
    if (f->after_id && k == F_LIST)
        m |= B_AFTER;
    if (f->has_media)
        m |= B_MEDIA;
    return m;
}

/* Adds one condition: its fragment (with the next parameter's number) to b
 * when b is not NULL, and its value to p. */
static void cond(vcm_buf *b, params *p, const char *fragment)
{
    if (b)
        vcm_buf_printf(b, fragment, p->n + 1);
}

/* The SQL text (when b is not NULL) and the parameters of the filter query
 * of kind k for f: both walk the conditions in the same order. */
static void filter_build(const vcm_filter *f, unsigned m, enum fkind k, vcm_buf *b, params *p)
{
    if (b) {
        vcm_buf_puts(b, fselect[k]);
        vcm_buf_puts(b, " FROM objects o JOIN museums m ON m.id = o.museum_id");
        if ((m & B_REGION) || k == F_REGION)
            vcm_buf_puts(b, " JOIN countries c ON c.code = m.country");
        vcm_buf_puts(b, " WHERE true");
        if (m & B_PUBLISHED)
            vcm_buf_puts(b, " AND o.status = 'published'");
    }
    if (m & B_REGION) {
        cond(b, p, " AND c.region = $%d");
        p_text(p, vcm_region_name(f->region));
    }
    if (m & B_COUNTRY) {
        cond(b, p, " AND m.country = $%d");
        p_text(p, f->country);
    }
    if (m & B_MUSEUM) {
        cond(b, p, " AND o.museum_id = $%d");
        p_int(p, f->museum);
    }
    if (m & B_CLASS) {
        cond(b, p, " AND o.classification = $%d");
        p_text(p, f->classification);
    }
    if (m & B_CENTURY) {
        cond(b, p, " AND o.century = $%d");
        p_int(p, f->century);
    }
    if (m & B_SOURCE_ID) {
        cond(b, p, " AND o.source_id = $%d");
        p_text(p, f->source_id);
    }
    if (m & B_AFTER) {
        cond(b, p, " AND o.id > $%d");
        p_int(p, f->after_id);
    }
    if (b && (m & B_MEDIA))
        vcm_buf_puts(b, " AND EXISTS (SELECT 1 FROM media i WHERE i.object_id = o.id)");
    if (b)
        vcm_buf_puts(b, fgroup[k]);
    if (k == F_LIST) {
        cond(b, p, " LIMIT $%d");
        p_int(p, f->limit > 0 && f->limit <= 1000 ? f->limit : 20);
        cond(b, p, " OFFSET $%d");
        p_int(p, f->offset > 0 ? f->offset : 0);
    }
}

/* Runs the filter query of kind k for f. */
static PGresult *filter_query(pg_store *s, const vcm_filter *f, enum fkind k, const char *what)
{
    unsigned m = filter_mask(f, k);
    vcm_buf b;
    vcm_buf_init(&b, 4096);
    params p = {0};
    /* the text always: a reconnection inside run_named prepares it again */
    filter_build(f, m, k, &b, &p);
    if (b.toobig || !b.data) {
        vcm_buf_release(&b);
        vcm_store_fail(&s->base, "cannot build a filter query");
        return NULL;
    }
    char name[24];
    snprintf(name, sizeof name, "f%d_%u", (int)k, m);
    PGresult *r = run_named(s, name, b.data, &s->fq[k][m], &p, what, NULL);
    vcm_buf_release(&b);
    return r;
}

static int pg_object_list(vcm_store *b, vcm_arena *a, const vcm_filter *f, vcm_object **out,
                          size_t *n)
{
    pg_store *s = (pg_store *)b;
    PGresult *r = filter_query(s, f, F_LIST, "cannot list objects");
    if (!r)
        return -1;
    int count = PQntuples(r);
    int64_t *ids = vcm_arena_alloc(a, (size_t)(count ? count : 1) * sizeof *ids);
    if (!ids) {
        PQclear(r);
        return vcm_store_fail(b, "out of memory listing objects");
    }
    for (int i = 0; i < count; i++)
        ids[i] = col_int(r, i, 0);
    PQclear(r);
    *out = vcm_arena_calloc(a, count ? (size_t)count : 1, sizeof **out);
    if (!*out)
        return vcm_store_fail(b, "out of memory listing objects");
    *n = 0;
    for (int i = 0; i < count; i++) {
        int got = pg_object_get(b, a, ids[i], &(*out)[*n]);
        if (got < 0)
            return -1;
        *n += (size_t)got;
    }
    return 0;
}

static struct facet_entry *facet_entry(pg_store *s, const vcm_filter *f)
{
    if (cache_check(s) < 0)
        return NULL;
    struct agg_cache *c = &s->cache;
    if (c->arena.used > ((size_t)8 << 20)) {
        c->valid = false; /* too many distinct filters: start again */
        if (cache_check(s) < 0)
            return NULL;
    }
    char key[1024];
    snprintf(key, sizeof key, "%u|%d|%s|%lld|%d|%s|%s", filter_mask(f, F_COUNT),
             f->has_region ? (int)f->region : -1, f->country, (long long)f->museum, f->century,
             f->classification ? f->classification : "", f->source_id ? f->source_id : "");
    for (size_t i = 0; i < c->nfe; i++)
        if (strcmp(c->fe[i].key, key) == 0)
            return &c->fe[i];
    struct facet_entry *e = &c->fe[c->next];
    c->next = (c->next + 1) % FACET_CACHE;
    if (c->nfe < FACET_CACHE)
        c->nfe++;
    memset(e, 0, sizeof *e);
    e->key = vcm_arena_strdup(&c->arena, key);
    return e->key ? e : NULL;
}

static vcm_facet *copy_facets(vcm_arena *a, const vcm_facet *src, size_t n)
{
    vcm_facet *d = vcm_arena_alloc(a, (n ? n : 1) * sizeof *d);
    for (size_t i = 0; d && i < n; i++) {
        d[i].value = vcm_arena_strdup(a, src[i].value);
        d[i].label = vcm_arena_strdup(a, src[i].label);
        d[i].count = src[i].count;
        if (!d[i].value || !d[i].label)
            return NULL;
    }
    return d;
}

static int copy_all_facets(vcm_arena *a, vcm_facets *dst, const vcm_facets *src)
{
    *dst = *src;
    if (!(dst->region = copy_facets(a, src->region, src->nregion)) ||
        !(dst->country = copy_facets(a, src->country, src->ncountry)) ||
        !(dst->museum = copy_facets(a, src->museum, src->nmuseum)) ||
        !(dst->classification = copy_facets(a, src->classification, src->nclassification)) ||
        !(dst->century = copy_facets(a, src->century, src->ncentury)))
        return -1;
    return 0;
}

static int pg_object_count(vcm_store *b, const vcm_filter *f, int64_t *out)
{
    pg_store *s = (pg_store *)b;
    struct facet_entry *e = facet_entry(s, f);
    if (e && e->has_count) {
        *out = e->count;
        return 0;
    }
    PGresult *r = filter_query(s, f, F_COUNT, "cannot count objects");
    if (!r)
        return -1;
    *out = col_int(r, 0, 0);
    PQclear(r);
    if (e) {
        e->count = *out;
        e->has_count = true;
    }
    return 0;
}

static int facet(pg_store *s, vcm_arena *a, const vcm_filter *f, enum fkind k, vcm_facet **out,
                 size_t *n)
{
    PGresult *r = filter_query(s, f, k, "cannot count facets");
    if (!r)
        return -1;
    int rows = PQntuples(r);
    *out = vcm_arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof **out);
    if (!*out) {
        PQclear(r);
        return vcm_store_fail(&s->base, "out of memory counting facets");
    }
    for (int i = 0; i < rows; i++) {
        vcm_facet *fc = &(*out)[i];
        fc->value = col_text(a, r, i, 0);
        fc->label = col_text(a, r, i, 1);
        fc->count = col_int(r, i, 2);
        if (!fc->value)
            fc->value = "";
        if (!fc->label)
            fc->label = fc->value;
    }
    *n = (size_t)rows;
    PQclear(r);
    return 0;
}

static int facets_uncached(pg_store *s, vcm_arena *a, const vcm_filter *f, vcm_facets *out)
{
    memset(out, 0, sizeof *out);
    if (facet(s, a, f, F_REGION, &out->region, &out->nregion) < 0 ||
        facet(s, a, f, F_COUNTRY, &out->country, &out->ncountry) < 0 ||
        facet(s, a, f, F_MUSEUM, &out->museum, &out->nmuseum) < 0 ||
        facet(s, a, f, F_CLASS, &out->classification, &out->nclassification) < 0 ||
        facet(s, a, f, F_CENTURY, &out->century, &out->ncentury) < 0)
        return -1;
    for (size_t i = 0; i < out->ncentury; i++) {
        char label[64];
        vcm_century_label(atoi(out->century[i].value), label, sizeof label);
        out->century[i].label = vcm_arena_strdup(a, label);
        if (!out->century[i].label)
            return vcm_store_fail(&s->base, "out of memory counting facets");
    }
    return 0;
}

static int pg_object_facets(vcm_store *b, vcm_arena *a, const vcm_filter *f, vcm_facets *out)
{
    pg_store *s = (pg_store *)b;
    struct facet_entry *e = facet_entry(s, f);
    if (e && e->has_facets)
        return copy_all_facets(a, out, &e->facets) < 0
                   ? vcm_store_fail(b, "out of memory counting facets")
                   : 0;
    if (facets_uncached(s, a, f, out) < 0)
        return -1;
    if (e && copy_all_facets(&s->cache.arena, &e->facets, out) == 0)
        e->has_facets = true;
    return 0;
}

static int pg_stats(vcm_store *b, vcm_stats *out)
{
    pg_store *s = (pg_store *)b;
    if (cache_check(s) < 0)
        return -1;
    if (s->cache.has_stats) {
        *out = s->cache.stats;
        return 0;
    }
    PGresult *r = q(s, S_STATS, NULL, "cannot count");
    if (!r)
        return -1;
    out->objects = col_int(r, 0, 0);
    out->objects_all = col_int(r, 0, 1);
    out->museums = col_int(r, 0, 2);
    out->museums_all = col_int(r, 0, 3);
    out->countries = col_int(r, 0, 4);
    out->countries_all = col_int(r, 0, 5);
    out->media = col_int(r, 0, 6);
    PQclear(r);
    s->cache.stats = *out;
    s->cache.has_stats = true;
    return 0;
}

/* ---- media, activities, the change sequence ------------------------------ */

static int pg_media_add(vcm_store *b, int64_t object_id, vcm_media *m)
{
    pg_store *s = (pg_store *)b;
    params p = {0};
    p_int(&p, object_id);
    int64_t pos;
    if (first_int(s, S_MEDIA_NEXT_POS, &p, "cannot count an object's images", &pos) < 0)
        return -1;
    p.n = 0;
    bind_media(&p, object_id, (int)pos, m);
    char name[16];
    snprintf(name, sizeof name, "s%d", (int)S_MEDIA_ADD);
    PGresult *err = NULL;
    PGresult *r = run_named(s, name, sql[S_MEDIA_ADD], &s->st[S_MEDIA_ADD], &p,
                            "cannot add an image", &err);
    if (!r) {
        int rc = -1;
        if (is_sqlstate(err, "23505"))
            rc = vcm_store_fail(b, "the image identifier '%s' is taken", m->identifier);
        else if (is_sqlstate(err, "23503"))
            rc = vcm_store_fail(b, "there is no object %lld", (long long)object_id);
        PQclear(err);
        return rc;
    }
    m->id = col_int(r, 0, 0);
    PQclear(r);
    return log_activity(s, object_id, pos == 0 ? "Create" : "Update", (int64_t)time(NULL));
}

static int pg_media_find(vcm_store *b, vcm_arena *a, const char *identifier, vcm_media *m,
                         int64_t *object_id)
{
    pg_store *s = (pg_store *)b;
    params p = {0};
    p_text(&p, identifier);
    PGresult *r = q(s, S_MEDIA_FIND, &p, "cannot look up an image");
    if (!r)
        return -1;
    int found = PQntuples(r) > 0;
    if (found) {
        row_media(a, r, 0, m);
        *object_id = col_int(r, 0, 10);
    }
    PQclear(r);
    return found;
}

static int pg_object_by_source_id(vcm_store *b, const char *source_id, int64_t *ids, size_t max,
                                  size_t *n)
{
    pg_store *s = (pg_store *)b;
    params p = {0};
    p_text(&p, source_id);
    p_int(&p, (int64_t)max);
    PGresult *r = q(s, S_BY_SOURCE_ID, &p, "cannot look up objects");
    if (!r)
        return -1;
    *n = 0;
    for (int i = 0; i < PQntuples(r) && *n < max; i++)
        ids[(*n)++] = col_int(r, i, 0);
    PQclear(r);
    return 0;
}

static int pg_activity_list(vcm_store *b, vcm_arena *a, int64_t offset, int limit,
                            vcm_activity **out, size_t *n, int64_t *total)
{
    pg_store *s = (pg_store *)b;
    if (first_int(s, S_ACTIVITY_COUNT, NULL, "cannot count activities", total) < 0)
        return -1;
    params p = {0};
    p_int(&p, limit);
    p_int(&p, offset);
    PGresult *r = q(s, S_ACTIVITY_LIST, &p, "cannot list activities");
    if (!r)
        return -1;
    *out = vcm_arena_calloc(a, limit > 0 ? (size_t)limit : 1, sizeof **out);
    if (!*out) {
        PQclear(r);
        return vcm_store_fail(b, "out of memory listing activities");
    }
    *n = 0;
    for (int i = 0; i < PQntuples(r) && *n < (size_t)limit; i++) {
        vcm_activity *v = &(*out)[(*n)++];
        v->id = col_int(r, i, 0);
        v->object_id = col_int(r, i, 1);
        v->type = col_text(a, r, i, 2);
        v->time = col_int(r, i, 3);
    }
    PQclear(r);
    return 0;
}

static int pg_changes_since(vcm_store *b, int64_t after, int64_t *ids, int64_t *seqs, size_t max,
                            size_t *n)
{
    pg_store *s = (pg_store *)b;
    params p = {0};
    p_int(&p, after);
    p_int(&p, (int64_t)max);
    PGresult *r = q(s, S_CHANGES_SINCE, &p, "cannot read the change sequence");
    if (!r)
        return -1;
    *n = 0;
    for (int i = 0; i < PQntuples(r) && *n < max; i++) {
        seqs[*n] = col_int(r, i, 0);
        ids[(*n)++] = col_int(r, i, 1);
    }
    PQclear(r);
    return 0;
}

static int pg_change_head(vcm_store *b, int64_t *seq)
{
    return first_int((pg_store *)b, S_CHANGE_HEAD, NULL, "cannot read the change sequence", seq);
}

static int pg_instance_id(vcm_store *b, char out[33])
{
    pg_store *s = (pg_store *)b;
    PGresult *r = q(s, S_INSTANCE_ID, NULL, "cannot read the database's id");
    if (!r)
        return -1;
    bool ok = PQntuples(r) > 0 && PQgetlength(r, 0, 0) == 32;
    if (ok)
        memcpy(out, PQgetvalue(r, 0, 0), 33);
    PQclear(r);
    return ok ? 0 : vcm_store_fail(b, "cannot read the database's id: it has none");
}

/* ---- raw tables (vcm db copy) -------------------------------------------- */

/* Table and column names come from vcm_store_tables (constants). */
static void table_sql(vcm_buf *b, const vcm_table *t, char what)
{
    if (what == 's') {
        vcm_buf_puts(b, "SELECT ");
        for (size_t i = 0; i < t->ncols; i++)
            vcm_buf_printf(b, "%s%s", i ? ", " : "", t->cols[i]);
        vcm_buf_printf(b, " FROM %s ORDER BY ", t->name);
        for (size_t i = 0; i < t->nkey; i++)
            vcm_buf_printf(b, "%s%s", i ? ", " : "", t->cols[i]);
    } else if (what == 'd') {
        vcm_buf_printf(b, "DELETE FROM %s", t->name);
    } else {
        vcm_buf_printf(b, "INSERT INTO %s(", t->name);
        for (size_t i = 0; i < t->ncols; i++)
            vcm_buf_printf(b, "%s%s", i ? ", " : "", t->cols[i]);
        vcm_buf_puts(b, ") VALUES (");
        for (size_t i = 0; i < t->ncols; i++)
            vcm_buf_printf(b, "%s$%zu", i ? ", " : "", i + 1);
        vcm_buf_puts(b, ")");
    }
}

static int pg_table_scan(vcm_store *b, size_t ti, vcm_row_fn fn, void *ud)
{
    pg_store *s = (pg_store *)b;
    assert(ti < vcm_store_ntables);
    const vcm_table *t = &vcm_store_tables[ti];
    if (ensure_conn(s) < 0)
        return -1;
    vcm_buf sq;
    vcm_buf_init(&sq, 4096);
    table_sql(&sq, t, 's');
    /* row by row: a table may be larger than memory */
    int rc = -1;
    if (!PQsendQueryParams(s->conn, sq.data, 0, NULL, NULL, NULL, NULL, 0) ||
        !PQsetSingleRowMode(s->conn)) {
        fail_pg(s, "cannot read a table", NULL);
        vcm_buf_release(&sq);
        return -1;
    }
    vcm_buf_release(&sq);
    vcm_value row[32];
    assert(t->ncols <= 32);
    bool stopped = false, failed = false;
    PGresult *r;
    while ((r = PQgetResult(s->conn))) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE && !stopped && !failed) {
            for (size_t i = 0; i < t->ncols; i++) {
                vcm_value *v = &row[i];
                memset(v, 0, sizeof *v);
                if (PQgetisnull(r, 0, (int)i))
                    v->type = VCM_V_NULL;
                else if (t->types[i] == 'i') {
                    v->type = VCM_V_INT;
                    v->i = col_int(r, 0, (int)i);
                } else if (t->types[i] == 'r') {
                    v->type = VCM_V_REAL;
                    v->r = col_real(r, 0, (int)i);
                } else {
                    v->type = VCM_V_TEXT;
                    v->t = PQgetvalue(r, 0, (int)i);
                }
            }
            if (fn(ud, row) < 0)
                stopped = true;
        } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !failed) {
            fail_pg(s, "cannot read a table", r);
            failed = true;
        }
        PQclear(r);
    }
    if (!stopped && !failed)
        rc = 0;
    else if (stopped && !failed)
        vcm_store_fail(b, "reading table %s stopped", t->name);
    return rc;
}

static int pg_table_clear(vcm_store *b, size_t ti)
{
    pg_store *s = (pg_store *)b;
    assert(ti < vcm_store_ntables);
    cache_drop(s);
    if (ensure_conn(s) < 0)
        return -1;
    vcm_buf sq;
    vcm_buf_init(&sq, 4096);
    table_sql(&sq, &vcm_store_tables[ti], 'd');
    PGresult *r = PQexec(s->conn, sq.data);
    vcm_buf_release(&sq);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : fail_pg(s, "cannot empty a table", r);
    PQclear(r);
    return rc;
}

static int pg_table_put(vcm_store *b, size_t ti, const vcm_value *row)
{
    pg_store *s = (pg_store *)b;
    assert(ti < vcm_store_ntables && ti < sizeof s->tput / sizeof s->tput[0]);
    const vcm_table *t = &vcm_store_tables[ti];
    params p = {0};
    for (size_t i = 0; i < t->ncols; i++) {
        switch (row[i].type) {
        case VCM_V_NULL: p_null(&p); break;
        case VCM_V_INT: p_int(&p, row[i].i); break;
        case VCM_V_REAL: p_real(&p, row[i].r); break;
        case VCM_V_TEXT: p_text(&p, row[i].t); break;
        }
    }
    /* prepared once per connection and table */
    char name[24];
    snprintf(name, sizeof name, "tp%zu", ti);
    vcm_buf sq;
    vcm_buf_init(&sq, 8192);
    table_sql(&sq, t, 'p');
    PGresult *r = run_named(s, name, sq.data, &s->tput[ti], &p, "cannot copy a row", NULL);
    vcm_buf_release(&sq);
    if (!r)
        return -1;
    PQclear(r);
    return 0;
}

static int pg_table_finish(vcm_store *b)
{
    pg_store *s = (pg_store *)b;
    cache_drop(s);
    return run(s, S_FINISH, NULL, "cannot set the id generators");
}

static int pg_meta_get(vcm_store *b, vcm_arena *a, const char *key, const char **value)
{
    pg_store *s = (pg_store *)b;
    params p = {0};
    p_text(&p, key);
    PGresult *r = q(s, S_META_GET, &p, "cannot read a database value");
    if (!r)
        return -1;
    int found = PQntuples(r) > 0;
    *value = found ? col_text(a, r, 0, 0) : NULL;
    PQclear(r);
    return found;
}

static int pg_meta_put(vcm_store *b, const char *key, const char *value)
{
    pg_store *s = (pg_store *)b;
    params p = {0};
    p_text(&p, key);
    p_text(&p, value);
    return run(s, S_META_PUT, &p, "cannot store a database value");
}

static const struct vcm_store_ops pg_ops = {
    .name = "postgres",
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .data_version = pg_data_version,
    .country_upsert = pg_country_upsert,
    .country_get = pg_country_get,
    .country_list = pg_country_list,
    .museum_ensure = pg_museum_ensure,
    .museum_put = pg_museum_put,
    .museum_get = pg_museum_get,
    .museum_list = pg_museum_list,
    .object_upsert = pg_object_upsert,
    .object_get = pg_object_get,
    .object_list = pg_object_list,
    .object_count = pg_object_count,
    .object_facets = pg_object_facets,
    .stats = pg_stats,
    .media_add = pg_media_add,
    .media_find = pg_media_find,
    .object_by_source_id = pg_object_by_source_id,
    .activity_list = pg_activity_list,
    .changes_since = pg_changes_since,
    .change_head = pg_change_head,
    .instance_id = pg_instance_id,
    .begin_read = pg_begin_read,
    .table_scan = pg_table_scan,
    .table_clear = pg_table_clear,
    .table_put = pg_table_put,
    .table_finish = pg_table_finish,
    .meta_get = pg_meta_get,
    .meta_put = pg_meta_put,
};

/* "host:port" of the connection, for messages (never the password). */
static void describe(pg_store *s)
{
    const char *h = PQhost(s->conn), *p = PQport(s->conn);
    snprintf(s->where, sizeof s->where, "%s:%s", h && *h ? h : "localhost",
             p && *p ? p : "5432");
}

/* The host and port a URL names, for messages when no connection exists:
 * postgres://[user[:password]@]host[:port]/… */
static void url_where(const char *url, char *out, size_t size)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *end = p + strcspn(p, "/?#");
    for (const char *q = p; q < end; q++) /* the last '@': a password may hold one */
        if (*q == '@')
            p = q + 1;
    int n = (int)(end - p);
    if (n == 0)
        snprintf(out, size, "localhost:5432");
    else if (!memchr(p, ':', (size_t)n) || (p[0] == '[' && p[n - 1] == ']'))
        snprintf(out, size, "%.*s:5432", n, p);
    else
        snprintf(out, size, "%.*s", n, p);
}

vcm_store *vcm_store_pg_open(const char *url, char *err, size_t errlen)
{
    pg_store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->base.ops = &pg_ops;
    s->gen = 1;
    url_where(url, s->where, sizeof s->where);
    /* libpq ends the user part at the first '@': a second one means a
     * password that was not percent-encoded, and would show in messages */
    const char *sep = strstr(url, "://"), *auth = sep ? sep + 3 : url;
    size_t alen = strcspn(auth, "/?#"), ats = 0;
    for (size_t i = 0; i < alen; i++)
        ats += auth[i] == '@';
    if (ats > 1) {
        snprintf(err, errlen, "database URL is not valid: write '@' in a user name or password "
                              "as %%40");
        goto fail;
    }
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &perr);
    if (!opts) {
        snprintf(err, errlen, "database URL is not valid: %s", perr ? perr : "out of memory");
        PQfreemem(perr);
        goto fail;
    }
    PQconninfoFree(opts);
    s->conn = PQconnectdb(url);
    if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
        char buf[400];
        snprintf(err, errlen, "cannot reach the database server at %s: %s", s->where,
                 s->conn ? one_line(PQerrorMessage(s->conn), buf, sizeof buf) : "out of memory");
        goto fail;
    }
    describe(s);
    if (migrate(s) < 0) {
        snprintf(err, errlen, "database at %s: %s", s->where, s->base.error);
        goto fail;
    }
    return &s->base;
fail:
    pg_close(&s->base);
    return NULL;
}
