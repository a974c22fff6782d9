/* The SQLite backend of the store: the embedded default.
 *
 * Design:
 * - One vcm_store is one sqlite3 connection in WAL mode, with foreign keys
 *   on and a busy timeout, so readers (the server's threads, each with its
 *   own connection) never block the writer and the writer waits instead of
 *   failing when another process writes.
 * - Every statement is prepared once per connection and kept: fixed ones in
 *   `st[]`, filter queries in `fq[]`, keyed by what they do and by a bit mask
 *   of the filter's conditions. Their SQL is put together from constant
 *   fragments only; values are always bound.
 * - Migrations are the numbered files src/store/schema/sqlite/NNN_name.sql
 *   built into the program; each runs once, in its own transaction, and is
 *   recorded in schema_migrations.
 * - data_version combines SQLite's PRAGMA data_version (changes made by
 *   other connections) with a count of this connection's own commits. */
#include <assert.h>
#include <ctype.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/asset.h"
#include "core/buf.h"
#include "store/store.h"
#include "core/banned.h"

enum stmt {
    S_BEGIN, S_COMMIT, S_ROLLBACK, S_DATA_VERSION,
    S_COUNTRY_PUT, S_COUNTRY_NAMES_DEL, S_COUNTRY_NAME_PUT, S_COUNTRY_GET, S_COUNTRY_NAMES,
    S_COUNTRY_LIST, S_COUNTRY_LIST_USED,
    S_MUSEUM_FIND, S_MUSEUM_FIND_KEY, S_MUSEUM_INSERT, S_MUSEUM_UPDATE, S_MUSEUM_NAMES_DEL,
    S_MUSEUM_NAME_PUT, S_MUSEUM_GET, S_MUSEUM_NAMES, S_MUSEUM_LIST, S_MUSEUM_LIST_COUNTRY,
    S_OBJECT_FIND, S_OBJECT_INSERT, S_OBJECT_UPDATE, S_OBJECT_ID_FREE,
    S_TEXTS_DEL, S_TEXT_PUT, S_CREATORS_DEL, S_CREATOR_PUT, S_MEDIA_DEL, S_MEDIA_PUT,
    S_OBJECT_GET, S_OBJECT_TEXTS, S_OBJECT_CREATORS, S_OBJECT_MEDIA,
    S_STATS, S_MUSEUM_COUNTS,
    S_MEDIA_ADD, S_MEDIA_FIND, S_MEDIA_NEXT_POS, S_BY_SOURCE_ID, S_ACTIVITY_ADD, S_ACTIVITY_LIST,
    S_ACTIVITY_COUNT, S_HAS_MEDIA, S_CHANGES_SINCE, S_CHANGE_HEAD, S_INSTANCE_ID,
    S_META_GET, S_META_PUT, S_BEGIN_READ, S_COUNT
};

#define OBJECT_COLS                                                                           \
    "museum_id, source_id, source, source_licence, inventory_number, date_text, date_start, " \
    "date_end, century, period, culture, classification, materials, technique, dimensions, "  \
    "credit_line, rights, licence, source_url, status, created, updated, content_hash"

static const char *const sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_BEGIN_READ] = "BEGIN DEFERRED",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_DATA_VERSION] = "PRAGMA data_version",
    [S_COUNTRY_PUT] = "INSERT INTO countries(code, region, asem_since) VALUES (?1, ?2, ?3) "
                      "ON CONFLICT(code) DO UPDATE SET region = ?2, asem_since = ?3",
    [S_COUNTRY_NAMES_DEL] = "DELETE FROM country_names WHERE code = ?1",
    [S_COUNTRY_NAME_PUT] = "INSERT INTO country_names(code, lang, pos, name) VALUES (?1, ?2, ?3, ?4)",
    [S_COUNTRY_GET] = "SELECT code, region, asem_since FROM countries WHERE code = ?1",
    [S_COUNTRY_NAMES] = "SELECT lang, name FROM country_names WHERE code = ?1 ORDER BY pos",
    [S_COUNTRY_LIST] =
        "SELECT c.code, c.region, c.asem_since FROM countries c "
        "ORDER BY (SELECT name FROM country_names n WHERE n.code = c.code AND n.lang = 'en'), c.code",
    [S_COUNTRY_LIST_USED] =
        "SELECT c.code, c.region, c.asem_since FROM countries c "
        "WHERE EXISTS (SELECT 1 FROM museums m WHERE m.country = c.code) "
        "ORDER BY (SELECT name FROM country_names n WHERE n.code = c.code AND n.lang = 'en'), c.code",
    [S_MUSEUM_FIND] = "SELECT museum_id FROM museum_names WHERE name = ?1 LIMIT 1",
    [S_MUSEUM_FIND_KEY] = "SELECT id FROM museums WHERE name_key = ?1",
    [S_MUSEUM_INSERT] = "INSERT INTO museums(id, name_key, country, city, lat, lon, website, joined, left_on) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_MUSEUM_UPDATE] = "UPDATE museums SET name_key = ?2, country = ?3, city = ?4, lat = ?5, lon = ?6, "
                        "website = ?7, joined = ?8, left_on = ?9 WHERE id = ?1",
    [S_MUSEUM_NAMES_DEL] = "DELETE FROM museum_names WHERE museum_id = ?1",
    [S_MUSEUM_NAME_PUT] = "INSERT INTO museum_names(museum_id, lang, pos, name) VALUES (?1, ?2, ?3, ?4)",
    [S_MUSEUM_GET] =
        "SELECT id, country, city, lat, lon, website, joined, left_on FROM museums WHERE id = ?1",
    [S_MUSEUM_NAMES] = "SELECT lang, name FROM museum_names WHERE museum_id = ?1 ORDER BY pos",
    [S_MUSEUM_LIST] =
        "SELECT id, country, city, lat, lon, website, joined, left_on FROM museums ORDER BY name_key",
    [S_MUSEUM_LIST_COUNTRY] =
        "SELECT id, country, city, lat, lon, website, joined, left_on FROM museums "
        "WHERE country = ?1 ORDER BY name_key",
    [S_OBJECT_FIND] = "SELECT id, content_hash, created FROM objects WHERE museum_id = ?1 AND source_id = ?2",
    [S_OBJECT_INSERT] = "INSERT INTO objects(id, " OBJECT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                        "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
    [S_OBJECT_UPDATE] =
        "UPDATE objects SET museum_id = ?2, source_id = ?3, source = ?4, source_licence = ?5, "
        "inventory_number = ?6, date_text = ?7, date_start = ?8, date_end = ?9, century = ?10, "
        "period = ?11, culture = ?12, classification = ?13, materials = ?14, technique = ?15, "
        "dimensions = ?16, credit_line = ?17, rights = ?18, licence = ?19, source_url = ?20, "
        "status = ?21, created = ?22, updated = ?23, content_hash = ?24 WHERE id = ?1",
    [S_OBJECT_ID_FREE] = "SELECT NOT EXISTS (SELECT 1 FROM objects WHERE id = ?1)",
    [S_TEXTS_DEL] = "DELETE FROM object_texts WHERE object_id = ?1",
    [S_TEXT_PUT] = "INSERT INTO object_texts(object_id, field, lang, pos, value) VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_CREATORS_DEL] = "DELETE FROM object_creators WHERE object_id = ?1",
    [S_CREATOR_PUT] = "INSERT INTO object_creators(object_id, pos, name) VALUES (?1, ?2, ?3)",
    [S_MEDIA_DEL] = "DELETE FROM media WHERE object_id = ?1",
    [S_MEDIA_PUT] = "INSERT INTO media(object_id, pos, file, format, width, height, checksum, rights, "
                    "identifier, original, label, created) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, unixepoch())",
    [S_OBJECT_GET] =
        "SELECT o.id, " OBJECT_COLS ", (SELECT name FROM museum_names n WHERE n.museum_id = o.museum_id "
        "ORDER BY n.lang <> 'en', n.pos LIMIT 1), m.country "
        "FROM objects o JOIN museums m ON m.id = o.museum_id WHERE o.id = ?1",
    [S_OBJECT_TEXTS] = "SELECT field, lang, value FROM object_texts WHERE object_id = ?1 ORDER BY field, pos",
    [S_OBJECT_CREATORS] = "SELECT name FROM object_creators WHERE object_id = ?1 ORDER BY pos",
    [S_OBJECT_MEDIA] = "SELECT id, file, format, width, height, checksum, rights, identifier, "
                       "original, label FROM media WHERE object_id = ?1 ORDER BY pos",
    [S_STATS] =
        "SELECT (SELECT count(*) FROM objects WHERE status = 'published'), "
        "(SELECT count(*) FROM objects), "
        "(SELECT count(DISTINCT museum_id) FROM objects WHERE status = 'published'), "
        "(SELECT count(*) FROM museums), "
        "(SELECT count(DISTINCT country) FROM museums), "
        "(SELECT count(*) FROM countries), "
        "(SELECT count(*) FROM media)",
    [S_MEDIA_ADD] = "INSERT INTO media(object_id, pos, file, format, width, height, checksum, rights, "
                    "identifier, original, label, created) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, unixepoch())",
    [S_MEDIA_NEXT_POS] = "SELECT coalesce(max(pos) + 1, 0) FROM media WHERE object_id = ?1",
    [S_MEDIA_FIND] = "SELECT id, file, format, width, height, checksum, rights, identifier, original, "
                     "label, object_id FROM media WHERE identifier = ?1",
    [S_BY_SOURCE_ID] = "SELECT id FROM objects WHERE source_id = ?1 ORDER BY id LIMIT ?2",
    [S_ACTIVITY_ADD] = "INSERT INTO activities(object_id, type, time) VALUES (?1, ?2, ?3)",
    [S_ACTIVITY_LIST] = "SELECT id, object_id, type, time FROM activities ORDER BY id LIMIT ?1 OFFSET ?2",
    [S_ACTIVITY_COUNT] = "SELECT count(*) FROM activities",
    [S_HAS_MEDIA] = "SELECT EXISTS (SELECT 1 FROM media WHERE object_id = ?1)",
    [S_CHANGES_SINCE] = "SELECT seq, object_id FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    [S_CHANGE_HEAD] = "SELECT coalesce(max(seq), 0) FROM changes",
    [S_INSTANCE_ID] = "SELECT value FROM meta WHERE key = 'instance'",
    [S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [S_META_PUT] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                   "ON CONFLICT(key) DO UPDATE SET value = ?2",
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
    [F_MUSEUM] = "SELECT o.museum_id, (SELECT name FROM museum_names n WHERE n.museum_id = o.museum_id "
                 "ORDER BY n.lang <> 'en', n.pos LIMIT 1), count(*)",
    [F_CLASS] = "SELECT o.classification, o.classification, count(*)",
    [F_CENTURY] = "SELECT o.century, o.century, count(*)",
};
static const char *const fgroup[F_KINDS] = {
    [F_LIST] = " ORDER BY o.id LIMIT :limit OFFSET :offset",
    [F_COUNT] = "",
    [F_REGION] = " GROUP BY 1 ORDER BY 3 DESC, 1",
    [F_COUNTRY] = " GROUP BY 1 ORDER BY 3 DESC, 2",
    [F_MUSEUM] = " GROUP BY 1 ORDER BY 3 DESC, 2",
    [F_CLASS] = " AND o.classification <> '' GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 40",
    [F_CENTURY] = " AND o.century IS NOT NULL AND o.century <> 0 GROUP BY 1 ORDER BY 1",
};

/* Aggregates (counts per museum and country, the statistics, facet counts)
 * cost a scan of the objects, and pages ask for them on every view while the
 * data changes rarely. Each connection keeps them until the data version
 * changes (a commit by anyone), so they are always exact. */
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
    /* museums and countries read so far: every object page names one */
    vcm_museum *museums;
    size_t nmuseums;
    vcm_country *countries;
    size_t ncountries;
    vcm_arena arena;
};

typedef struct sqlite_store {
    vcm_store base;
    sqlite3 *db;
    sqlite3_stmt *st[S_COUNT];
    sqlite3_stmt *fq[F_KINDS][B_MASKS];
    sqlite3_stmt *tput[16]; /* table_put's statements, by table */
    int64_t commits;
    struct agg_cache cache;
} sqlite_store;

static int fail_db(sqlite_store *s, const char *what)
{
    return vcm_store_fail(&s->base, "%s: %s", what, sqlite3_errmsg(s->db));
}

/* The prepared statement for k, reset and with its bindings cleared. */
static sqlite3_stmt *stmt(sqlite_store *s, enum stmt k)
{
    if (!s->st[k]) {
        if (sqlite3_prepare_v3(s->db, sql[k], -1, SQLITE_PREPARE_PERSISTENT, &s->st[k], NULL) !=
            SQLITE_OK) {
            fail_db(s, "cannot prepare a statement");
            return NULL;
        }
    } else {
        sqlite3_reset(s->st[k]);
        sqlite3_clear_bindings(s->st[k]);
    }
    return s->st[k];
}

static int bind_text(sqlite3_stmt *q, int i, const char *v)
{
    return v ? sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(q, i);
}

static int bind_year(sqlite3_stmt *q, int i, int32_t y)
{
    return y == VCM_NO_YEAR ? sqlite3_bind_null(q, i) : sqlite3_bind_int(q, i, y);
}

/* Runs a statement that returns no rows. */
static int run(sqlite_store *s, sqlite3_stmt *q, const char *what)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : fail_db(s, what);
}

static const char *col_text(vcm_arena *a, sqlite3_stmt *q, int i)
{
    const unsigned char *t = sqlite3_column_text(q, i);
    if (!t)
        return NULL;
    return vcm_arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(q, i));
}

static int32_t col_year(sqlite3_stmt *q, int i)
{
    return sqlite3_column_type(q, i) == SQLITE_NULL ? VCM_NO_YEAR : sqlite3_column_int(q, i);
}

static void copy_code(char dst[3], const unsigned char *src)
{
    dst[0] = dst[1] = dst[2] = '\0';
    if (src && src[0] && src[1]) {
        dst[0] = (char)src[0];
        dst[1] = (char)src[1];
    }
}

/* ---- lifecycle ---------------------------------------------------------- */

static int exec(sqlite_store *s, const char *text, const char *what)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, text, NULL, NULL, &msg) != SQLITE_OK) {
        vcm_store_fail(&s->base, "%s: %s", what, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int migrate(sqlite_store *s)
{
    if (exec(s, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied INTEGER NOT NULL)",
             "cannot create schema_migrations") < 0)
        return -1;
    const char *prefix = "src/store/schema/sqlite/";
    size_t pl = strlen(prefix);
    /* Assets are sorted by path, so migrations come in number order. */
    for (size_t i = 0; i < vcm_assets_count; i++) {
        const char *path = vcm_assets[i].path;
        if (strncmp(path, prefix, pl) != 0 || !isdigit((unsigned char)path[pl]))
            continue;
        int version = atoi(path + pl);
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM schema_migrations WHERE version = ?1", -1, &q,
                               NULL) != SQLITE_OK)
            return fail_db(s, "cannot read schema_migrations");
        sqlite3_bind_int(q, 1, version);
        int done = sqlite3_step(q) == SQLITE_ROW;
        sqlite3_finalize(q);
        if (done)
            continue;
        if (exec(s, "BEGIN IMMEDIATE", "cannot start a migration") < 0)
            return -1;
        if (exec(s, (const char *)vcm_assets[i].data, path) < 0) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
        if (sqlite3_prepare_v2(s->db,
                               "INSERT INTO schema_migrations(version, name, applied) "
                               "VALUES (?1, ?2, unixepoch())",
                               -1, &q, NULL) != SQLITE_OK) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return fail_db(s, "cannot record a migration");
        }
        sqlite3_bind_int(q, 1, version);
        sqlite3_bind_text(q, 2, path + pl, -1, SQLITE_STATIC);
        int rc = sqlite3_step(q);
        sqlite3_finalize(q);
        if (rc != SQLITE_DONE || exec(s, "COMMIT", "cannot commit a migration") < 0) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return rc != SQLITE_DONE ? fail_db(s, "cannot record a migration") : -1;
        }
    }
    return 0;
}

static void sq_close(vcm_store *base)
{
    sqlite_store *s = (sqlite_store *)base;
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    for (int k = 0; k < F_KINDS; k++)
        for (int m = 0; m < B_MASKS; m++)
            sqlite3_finalize(s->fq[k][m]);
    for (size_t i = 0; i < sizeof s->tput / sizeof s->tput[0]; i++)
        sqlite3_finalize(s->tput[i]);
    sqlite3_close_v2(s->db);
    vcm_arena_release(&s->cache.arena);
    free(s);
}

static int step_simple(sqlite_store *s, enum stmt k, const char *what)
{
    sqlite3_stmt *q = stmt(s, k);
    return q ? run(s, q, what) : -1;
}

static int sq_begin(vcm_store *b)
{
    return step_simple((sqlite_store *)b, S_BEGIN, "cannot begin a transaction");
}

static int sq_commit(vcm_store *b)
{
    sqlite_store *s = (sqlite_store *)b;
    if (step_simple(s, S_COMMIT, "cannot commit") < 0)
        return -1;
    s->commits++;
    return 0;
}

/* In WAL mode a deferred transaction reads one snapshot, from its first
 * read to its end, while writers go on. */
static int sq_begin_read(vcm_store *b)
{
    return step_simple((sqlite_store *)b, S_BEGIN_READ, "cannot begin a transaction");
}

static int sq_rollback(vcm_store *b)
{
    return step_simple((sqlite_store *)b, S_ROLLBACK, "cannot roll back");
}

static int sq_data_version(vcm_store *b, int64_t *out)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_DATA_VERSION);
    if (!q)
        return -1;
    if (sqlite3_step(q) != SQLITE_ROW)
        return fail_db(s, "cannot read the data version");
    *out = sqlite3_column_int64(q, 0) * 1000003 + s->commits;
    sqlite3_reset(q);
    return 0;
}

/* ---- aggregate cache ----------------------------------------------------- */

/* Drops the cache when the data changed since it was filled. */
static int cache_check(sqlite_store *s)
{
    int64_t v;
    if (sq_data_version(&s->base, &v) < 0)
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

static int load_counts(sqlite_store *s)
{
    if (cache_check(s) < 0)
        return -1;
    struct agg_cache *c = &s->cache;
    if (c->has_counts)
        return 0;
    sqlite3_stmt *q = stmt(s, S_MUSEUM_COUNTS);
    if (!q)
        return -1;
    size_t cap = 0;
    c->nmc = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (c->nmc == cap) {
            cap = cap ? cap * 2 : 64;
            struct museum_count *nv = vcm_arena_alloc(&c->arena, cap * sizeof *nv);
            if (!nv)
                return vcm_store_fail(&s->base, "out of memory counting");
            if (c->nmc)
                memcpy(nv, c->mc, c->nmc * sizeof *nv);
            c->mc = nv;
        }
        struct museum_count *m = &c->mc[c->nmc++];
        m->id = sqlite3_column_int64(q, 0);
        copy_code(m->country, sqlite3_column_text(q, 1));
        m->objects = sqlite3_column_int64(q, 2);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return fail_db(s, "cannot count objects per museum");
    c->has_counts = true;
    return 0;
}

static int64_t museum_objects(sqlite_store *s, int64_t id)
{
    for (size_t i = 0; i < s->cache.nmc; i++)
        if (s->cache.mc[i].id == id)
            return s->cache.mc[i].objects;
    return 0;
}

static void country_counts(sqlite_store *s, vcm_country *c)
{
    c->museums = c->objects = 0;
    for (size_t i = 0; i < s->cache.nmc; i++)
        if (strcmp(s->cache.mc[i].country, c->code) == 0) {
            c->museums++;
            c->objects += s->cache.mc[i].objects;
        }
}

/* Deep copies, so that what a caller gets never points into the cache
 * (which is dropped whenever the data changes). */
static const char *dup_or_null(vcm_arena *a, const char *s, bool *ok)
{
    if (!s)
        return NULL;
    const char *d = vcm_arena_strdup(a, s);
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

/* Appends a copy of *item to a cache array of n items (arena-grown). */
static void *cache_push(vcm_arena *a, void *arr, size_t *n, size_t size)
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

/* ---- countries ---------------------------------------------------------- */

static int put_names(sqlite_store *s, enum stmt del, enum stmt put, const char *code, int64_t id,
                     const vcm_ltexts *names)
{
    sqlite3_stmt *q = stmt(s, del);
    if (!q)
        return -1;
    code ? bind_text(q, 1, code) : sqlite3_bind_int64(q, 1, id);
    if (run(s, q, "cannot replace names") < 0)
        return -1;
    for (size_t i = 0; i < names->n; i++) {
        if (!(q = stmt(s, put)))
            return -1;
        code ? bind_text(q, 1, code) : sqlite3_bind_int64(q, 1, id);
        bind_text(q, 2, names->v[i].lang);
        sqlite3_bind_int(q, 3, (int)i);
        bind_text(q, 4, names->v[i].text);
        if (run(s, q, "cannot store a name") < 0)
            return -1;
    }
    return 0;
}

static int sq_country_upsert(vcm_store *b, const vcm_country *c)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_COUNTRY_PUT);
    if (!q)
        return -1;
    bind_text(q, 1, c->code);
    bind_text(q, 2, vcm_region_name(c->region));
    if (c->asem_since)
        sqlite3_bind_int(q, 3, c->asem_since);
    if (run(s, q, "cannot store a country") < 0)
        return -1;
    return put_names(s, S_COUNTRY_NAMES_DEL, S_COUNTRY_NAME_PUT, c->code, 0, &c->names);
}

static int load_names(sqlite_store *s, vcm_arena *a, enum stmt k, const char *code, int64_t id,
                      vcm_ltexts *out)
{
    sqlite3_stmt *q = stmt(s, k);
    if (!q)
        return -1;
    code ? bind_text(q, 1, code) : sqlite3_bind_int64(q, 1, id);
    int rc;
    memset(out, 0, sizeof *out);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (vcm_ltexts_add(out, a, col_text(a, q, 0), col_text(a, q, 1)) < 0)
            return vcm_store_fail(&s->base, "out of memory reading names");
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : fail_db(s, "cannot read names");
}

static void row_country(sqlite3_stmt *q, vcm_country *c)
{
    memset(c, 0, sizeof *c);
    copy_code(c->code, sqlite3_column_text(q, 0));
    vcm_region_parse((const char *)sqlite3_column_text(q, 1), &c->region);
    c->asem_since = sqlite3_column_int(q, 2);
}

static int sq_country_get(vcm_store *b, vcm_arena *a, const char *code, vcm_country *out)
{
    sqlite_store *s = (sqlite_store *)b;
    struct agg_cache *c = &s->cache;
    if (cache_check(s) < 0)
        return -1;
    for (size_t i = 0; i < c->ncountries; i++)
        if (strcmp(c->countries[i].code, code) == 0)
            return copy_country(a, out, &c->countries[i])
                       ? 1
                       : vcm_store_fail(b, "out of memory reading a country");
    sqlite3_stmt *q = stmt(s, S_COUNTRY_GET);
    if (!q)
        return -1;
    bind_text(q, 1, code);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return fail_db(s, "cannot read a country");
    row_country(q, out);
    sqlite3_reset(q);
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

static int sq_country_list(vcm_store *b, vcm_arena *a, bool with_museums, vcm_country **out,
                           size_t *n)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, with_museums ? S_COUNTRY_LIST_USED : S_COUNTRY_LIST);
    if (!q)
        return -1;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            vcm_country *nv = vcm_arena_alloc(a, cap * sizeof *nv);
            if (!nv)
                return vcm_store_fail(b, "out of memory listing countries");
            if (*n)
                memcpy(nv, *out, *n * sizeof *nv);
            *out = nv;
        }
        row_country(q, &(*out)[(*n)++]);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return fail_db(s, "cannot list countries");
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

static int bind_museum(sqlite3_stmt *q, const vcm_museum *m, const char *key)
{
    if (m->id)
        sqlite3_bind_int64(q, 1, m->id);
    sqlite3_bind_text(q, 2, key, -1, SQLITE_TRANSIENT);
    bind_text(q, 3, m->country);
    bind_text(q, 4, m->city);
    if (m->has_coords) {
        sqlite3_bind_double(q, 5, m->lat);
        sqlite3_bind_double(q, 6, m->lon);
    }
    bind_text(q, 7, m->website);
    bind_text(q, 8, m->joined);
    return bind_text(q, 9, m->left);
}

static int find_museum(sqlite_store *s, const vcm_museum *m, int64_t *id)
{
    *id = 0;
    for (size_t i = 0; i < m->names.n && !*id; i++) {
        sqlite3_stmt *q = stmt(s, S_MUSEUM_FIND);
        if (!q)
            return -1;
        bind_text(q, 1, m->names.v[i].text);
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW)
            *id = sqlite3_column_int64(q, 0);
        else if (rc != SQLITE_DONE)
            return fail_db(s, "cannot look up a museum");
        sqlite3_reset(q);
    }
    if (!*id) {
        char *key = name_key(m);
        sqlite3_stmt *q = key ? stmt(s, S_MUSEUM_FIND_KEY) : NULL;
        if (!q) {
            free(key);
            return -1;
        }
        bind_text(q, 1, key);
        int rc = sqlite3_step(q);
        if (rc == SQLITE_ROW)
            *id = sqlite3_column_int64(q, 0);
        sqlite3_reset(q);
        free(key);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return fail_db(s, "cannot look up a museum");
    }
    return 0;
}

static int write_museum(sqlite_store *s, vcm_museum *m, bool insert)
{
    char *key = name_key(m);
    sqlite3_stmt *q = key ? stmt(s, insert ? S_MUSEUM_INSERT : S_MUSEUM_UPDATE) : NULL;
    if (!q) {
        free(key);
        return key ? -1 : vcm_store_fail(&s->base, "out of memory");
    }
    bind_museum(q, m, key);
    int rc = run(s, q, "cannot store a museum");
    free(key);
    if (rc < 0)
        return -1;
    if (insert && !m->id)
        m->id = sqlite3_last_insert_rowid(s->db);
    return put_names(s, S_MUSEUM_NAMES_DEL, S_MUSEUM_NAME_PUT, NULL, m->id, &m->names);
}

static int sq_museum_ensure(vcm_store *b, vcm_museum *m, bool *created)
{
    sqlite_store *s = (sqlite_store *)b;
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

static int sq_museum_put(vcm_store *b, vcm_museum *m)
{
    sqlite_store *s = (sqlite_store *)b;
    bool insert = false;
    if (!m->id) {
        int64_t id;
        if (find_museum(s, m, &id) < 0)
            return -1;
        m->id = id;
        insert = !id;
    } else {
        sqlite3_stmt *q = stmt(s, S_MUSEUM_GET);
        if (!q)
            return -1;
        sqlite3_bind_int64(q, 1, m->id);
        insert = sqlite3_step(q) != SQLITE_ROW;
        sqlite3_reset(q);
    }
    return write_museum(s, m, insert);
}

static void row_museum(vcm_arena *a, sqlite3_stmt *q, vcm_museum *m)
{
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(q, 0);
    copy_code(m->country, sqlite3_column_text(q, 1));
    m->city = col_text(a, q, 2);
    m->has_coords = sqlite3_column_type(q, 3) != SQLITE_NULL;
    m->lat = sqlite3_column_double(q, 3);
    m->lon = sqlite3_column_double(q, 4);
    m->website = col_text(a, q, 5);
    m->joined = col_text(a, q, 6);
    m->left = col_text(a, q, 7);
}

static int sq_museum_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_museum *out)
{
    sqlite_store *s = (sqlite_store *)b;
    struct agg_cache *c = &s->cache;
    if (cache_check(s) < 0)
        return -1;
    for (size_t i = 0; i < c->nmuseums; i++)
        if (c->museums[i].id == id)
            return copy_museum(a, out, &c->museums[i])
                       ? 1
                       : vcm_store_fail(b, "out of memory reading a museum");
    sqlite3_stmt *q = stmt(s, S_MUSEUM_GET);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return fail_db(s, "cannot read a museum");
    row_museum(a, q, out);
    sqlite3_reset(q);
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

static int sq_museum_list(vcm_store *b, vcm_arena *a, const char *country, vcm_museum **out,
                          size_t *n)
{
    sqlite_store *s = (sqlite_store *)b;
    bool by_country = country && *country;
    sqlite3_stmt *q = stmt(s, by_country ? S_MUSEUM_LIST_COUNTRY : S_MUSEUM_LIST);
    if (!q)
        return -1;
    if (by_country)
        bind_text(q, 1, country);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            vcm_museum *nv = vcm_arena_alloc(a, cap * sizeof *nv);
            if (!nv)
                return vcm_store_fail(b, "out of memory listing museums");
            if (*n)
                memcpy(nv, *out, *n * sizeof *nv);
            *out = nv;
        }
        row_museum(a, q, &(*out)[(*n)++]);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return fail_db(s, "cannot list museums");
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

static int put_texts(sqlite_store *s, int64_t id, const char *field, const vcm_ltexts *t)
{
    for (size_t i = 0; i < t->n; i++) {
        sqlite3_stmt *q = stmt(s, S_TEXT_PUT);
        if (!q)
            return -1;
        sqlite3_bind_int64(q, 1, id);
        bind_text(q, 2, field);
        bind_text(q, 3, t->v[i].lang);
        sqlite3_bind_int(q, 4, (int)i);
        bind_text(q, 5, t->v[i].text);
        if (run(s, q, "cannot store a text") < 0)
            return -1;
    }
    return 0;
}

static int put_children(sqlite_store *s, const vcm_object *o, bool replace)
{
    static const enum stmt dels[] = {S_TEXTS_DEL, S_CREATORS_DEL, S_MEDIA_DEL};
    /* images are replaced only by a record that brings images */
    size_t ndels = o->nmedia ? 3 : 2;
    for (size_t i = 0; replace && i < ndels; i++) {
        sqlite3_stmt *q = stmt(s, dels[i]);
        if (!q)
            return -1;
        sqlite3_bind_int64(q, 1, o->id);
        if (run(s, q, "cannot replace an object's parts") < 0)
            return -1;
    }
    if (put_texts(s, o->id, "title", &o->title) < 0 ||
        put_texts(s, o->id, "description", &o->description) < 0 ||
        put_texts(s, o->id, "statement", &o->statement) < 0)
        return -1;
    for (size_t i = 0; i < o->ncreators; i++) {
        sqlite3_stmt *q = stmt(s, S_CREATOR_PUT);
        if (!q)
            return -1;
        sqlite3_bind_int64(q, 1, o->id);
        sqlite3_bind_int(q, 2, (int)i);
        bind_text(q, 3, o->creators[i]);
        if (run(s, q, "cannot store a creator") < 0)
            return -1;
    }
    for (size_t i = 0; i < o->nmedia; i++) {
        const vcm_media *m = &o->media[i];
        sqlite3_stmt *q = stmt(s, S_MEDIA_PUT);
        if (!q)
            return -1;
        sqlite3_bind_int64(q, 1, o->id);
        sqlite3_bind_int(q, 2, (int)i);
        bind_text(q, 3, m->file);
        bind_text(q, 4, m->format);
        sqlite3_bind_int(q, 5, m->width);
        sqlite3_bind_int(q, 6, m->height);
        bind_text(q, 7, m->checksum);
        bind_text(q, 8, m->rights);
        bind_text(q, 9, m->identifier);
        bind_text(q, 10, m->original);
        bind_text(q, 11, m->label);
        if (run(s, q, "cannot store a media record") < 0)
            return -1;
    }
    return 0;
}

static int has_media(sqlite_store *s, int64_t object_id)
{
    sqlite3_stmt *q = stmt(s, S_HAS_MEDIA);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, object_id);
    int r = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
    sqlite3_reset(q);
    return r < 0 ? fail_db(s, "cannot look up images") : r;
}

/* The change log describes IIIF manifests, which only objects with images
 * have: an object enters it with its first image. */
static int log_activity(sqlite_store *s, int64_t object_id, const char *type, int64_t when)
{
    sqlite3_stmt *q = stmt(s, S_ACTIVITY_ADD);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, object_id);
    bind_text(q, 2, type);
    sqlite3_bind_int64(q, 3, when);
    return run(s, q, "cannot log an activity");
}

static void bind_object(sqlite3_stmt *q, const vcm_object *o, const char *hash)
{
    sqlite3_bind_int64(q, 2, o->museum_id);
    bind_text(q, 3, o->source_id);
    bind_text(q, 4, o->source);
    bind_text(q, 5, o->source_licence);
    bind_text(q, 6, o->inventory_number);
    bind_text(q, 7, o->date_text);
    bind_year(q, 8, o->date_start);
    bind_year(q, 9, o->date_end);
    int c = vcm_century(o->date_start);
    c ? sqlite3_bind_int(q, 10, c) : sqlite3_bind_null(q, 10);
    bind_text(q, 11, o->period);
    bind_text(q, 12, o->culture);
    bind_text(q, 13, o->classification);
    bind_text(q, 14, o->materials);
    bind_text(q, 15, o->technique);
    bind_text(q, 16, o->dimensions);
    bind_text(q, 17, o->credit_line);
    bind_text(q, 18, o->rights);
    bind_text(q, 19, o->licence);
    bind_text(q, 20, o->source_url);
    bind_text(q, 21, vcm_status_name(o->status));
    sqlite3_bind_int64(q, 22, o->created);
    sqlite3_bind_int64(q, 23, o->updated);
    bind_text(q, 24, hash);
}

static int sq_object_upsert(vcm_store *b, vcm_object *o, const char *hash, bool keep_times,
                            vcm_upsert *result)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_OBJECT_FIND);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, o->museum_id);
    bind_text(q, 2, o->source_id);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail_db(s, "cannot look up an object");
    int64_t now = (int64_t)time(NULL);
    if (rc == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        bool same = strcmp((const char *)sqlite3_column_text(q, 1), hash) == 0;
        int64_t created = sqlite3_column_int64(q, 2);
        sqlite3_reset(q);
        o->id = id;
        if (same) {
            *result = VCM_UPSERT_UNCHANGED;
            return 0;
        }
        if (!keep_times) {
            o->created = created;
            o->updated = now;
        }
        if (!(q = stmt(s, S_OBJECT_UPDATE)))
            return -1;
        sqlite3_bind_int64(q, 1, id);
        bind_object(q, o, hash);
        if (run(s, q, "cannot update an object") < 0 || put_children(s, o, true) < 0)
            return -1;
        int hm = has_media(s, id);
        if (hm < 0 || (hm && log_activity(s, id, o->status == VCM_WITHDRAWN ? "Delete" : "Update",
                                          o->updated) < 0))
            return -1;
        *result = VCM_UPSERT_UPDATED;
        return 0;
    }
    sqlite3_reset(q);
    bool use_id = false;
    if (keep_times && o->id > 0) {
        if (!(q = stmt(s, S_OBJECT_ID_FREE)))
            return -1;
        sqlite3_bind_int64(q, 1, o->id);
        use_id = sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0);
        sqlite3_reset(q);
    }
    if (!keep_times)
        o->created = o->updated = now;
    if (!(q = stmt(s, S_OBJECT_INSERT)))
        return -1;
    if (use_id)
        sqlite3_bind_int64(q, 1, o->id);
    bind_object(q, o, hash);
    if (run(s, q, "cannot insert an object") < 0)
        return -1;
    o->id = sqlite3_last_insert_rowid(s->db);
    if (put_children(s, o, false) < 0 ||
        (o->nmedia && o->status == VCM_PUBLISHED && log_activity(s, o->id, "Create", o->created) < 0))
        return -1;
    *result = VCM_UPSERT_INSERTED;
    return 0;
}

/* The first ten columns of S_OBJECT_MEDIA and S_MEDIA_FIND. */
static void row_media(vcm_arena *a, sqlite3_stmt *q, vcm_media *m)
{
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(q, 0);
    m->file = col_text(a, q, 1);
    m->format = col_text(a, q, 2);
    m->width = sqlite3_column_int(q, 3);
    m->height = sqlite3_column_int(q, 4);
    m->checksum = col_text(a, q, 5);
    m->rights = col_text(a, q, 6);
    m->identifier = col_text(a, q, 7);
    m->original = col_text(a, q, 8);
    m->label = col_text(a, q, 9);
}

static int load_object_parts(sqlite_store *s, vcm_arena *a, vcm_object *o)
{
    sqlite3_stmt *q = stmt(s, S_OBJECT_TEXTS);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, o->id);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        const char *field = (const char *)sqlite3_column_text(q, 0);
        vcm_ltexts *t = field[0] == 't' ? &o->title : field[0] == 'd' ? &o->description
                                                                       : &o->statement;
        if (vcm_ltexts_add(t, a, col_text(a, q, 1), col_text(a, q, 2)) < 0)
            return vcm_store_fail(&s->base, "out of memory reading an object");
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return fail_db(s, "cannot read an object's texts");

    if (!(q = stmt(s, S_OBJECT_CREATORS)))
        return -1;
    sqlite3_bind_int64(q, 1, o->id);
    size_t cap = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (o->ncreators == cap) {
            cap = cap ? cap * 2 : 4;
            const char **nv = vcm_arena_alloc(a, cap * sizeof *nv);
            if (!nv)
                return vcm_store_fail(&s->base, "out of memory reading an object");
            if (o->ncreators)
                memcpy(nv, o->creators, o->ncreators * sizeof *nv);
            o->creators = nv;
        }
        o->creators[o->ncreators++] = col_text(a, q, 0);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return fail_db(s, "cannot read an object's creators");

    if (!(q = stmt(s, S_OBJECT_MEDIA)))
        return -1;
    sqlite3_bind_int64(q, 1, o->id);
    cap = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (o->nmedia == cap) {
            cap = cap ? cap * 2 : 4;
            vcm_media *nv = vcm_arena_alloc(a, cap * sizeof *nv);
            if (!nv)
                return vcm_store_fail(&s->base, "out of memory reading an object");
            if (o->nmedia)
                memcpy(nv, o->media, o->nmedia * sizeof *nv);
            o->media = nv;
        }
        row_media(a, q, &o->media[o->nmedia++]);
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : fail_db(s, "cannot read an object's media");
}

static int sq_object_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_object *o)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_OBJECT_GET);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return fail_db(s, "cannot read an object");
    vcm_object_init(o);
    o->id = sqlite3_column_int64(q, 0);
    o->museum_id = sqlite3_column_int64(q, 1);
    o->source_id = col_text(a, q, 2);
    o->source = col_text(a, q, 3);
    o->source_licence = col_text(a, q, 4);
    o->inventory_number = col_text(a, q, 5);
    o->date_text = col_text(a, q, 6);
    o->date_start = col_year(q, 7);
    o->date_end = col_year(q, 8);
    /* 9: century, derived */
    o->period = col_text(a, q, 10);
    o->culture = col_text(a, q, 11);
    o->classification = col_text(a, q, 12);
    o->materials = col_text(a, q, 13);
    o->technique = col_text(a, q, 14);
    o->dimensions = col_text(a, q, 15);
    o->credit_line = col_text(a, q, 16);
    o->rights = col_text(a, q, 17);
    o->licence = col_text(a, q, 18);
    o->source_url = col_text(a, q, 19);
    vcm_status_parse((const char *)sqlite3_column_text(q, 20), &o->status);
    o->created = sqlite3_column_int64(q, 21);
    o->updated = sqlite3_column_int64(q, 22);
    /* 23: content hash */
    o->museum_name = col_text(a, q, 24);
    copy_code(o->country, sqlite3_column_text(q, 25));
    sqlite3_reset(q);
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

/* The filter query of kind k for f, prepared, with f's values bound. */
static sqlite3_stmt *filter_stmt(sqlite_store *s, const vcm_filter *f, enum fkind k)
{
    unsigned m = filter_mask(f, k);
    sqlite3_stmt *q = s->fq[k][m];
    if (q) {
        sqlite3_reset(q);
        sqlite3_clear_bindings(q);
    } else {
        vcm_buf b;
        vcm_buf_init(&b, 4096);
        vcm_buf_puts(&b, fselect[k]);
        vcm_buf_puts(&b, " FROM objects o JOIN museums m ON m.id = o.museum_id");
        if ((m & B_REGION) || k == F_REGION)
            vcm_buf_puts(&b, " JOIN countries c ON c.code = m.country");
        vcm_buf_puts(&b, " WHERE 1");
        if (m & B_PUBLISHED)
            vcm_buf_puts(&b, " AND o.status = 'published'");
        if (m & B_REGION)
            vcm_buf_puts(&b, " AND c.region = :region");
        if (m & B_COUNTRY)
            vcm_buf_puts(&b, " AND m.country = :country");
        if (m & B_MUSEUM)
            vcm_buf_puts(&b, " AND o.museum_id = :museum");
        if (m & B_CLASS)
            vcm_buf_puts(&b, " AND o.classification = :class");
        if (m & B_CENTURY)
            vcm_buf_puts(&b, " AND o.century = :century");
        if (m & B_SOURCE_ID)
            vcm_buf_puts(&b, " AND o.source_id = :source_id");
        if (m & B_AFTER)
            vcm_buf_puts(&b, " AND o.id > :after");
        if (m & B_MEDIA)
            vcm_buf_puts(&b, " AND EXISTS (SELECT 1 FROM media i WHERE i.object_id = o.id)");
        vcm_buf_puts(&b, fgroup[k]);
        int rc = b.toobig ? SQLITE_NOMEM
                          : sqlite3_prepare_v3(s->db, b.data, -1, SQLITE_PREPARE_PERSISTENT, &q,
                                               NULL);
        vcm_buf_release(&b);
        if (rc != SQLITE_OK) {
            fail_db(s, "cannot prepare a filter query");
            return NULL;
        }
        s->fq[k][m] = q;
    }
#define BIND(name, call)                                                                      \
    do {                                                                                      \
        int i_ = sqlite3_bind_parameter_index(q, name);                                       \
        if (i_)                                                                               \
            call;                                                                             \
    } while (0)
    BIND(":region", bind_text(q, i_, vcm_region_name(f->region)));
    BIND(":country", bind_text(q, i_, f->country));
    BIND(":museum", sqlite3_bind_int64(q, i_, f->museum));
    BIND(":class", bind_text(q, i_, f->classification));
    BIND(":century", sqlite3_bind_int(q, i_, f->century));
    BIND(":source_id", bind_text(q, i_, f->source_id));
    BIND(":after", sqlite3_bind_int64(q, i_, f->after_id));
    BIND(":limit", sqlite3_bind_int(q, i_, f->limit > 0 && f->limit <= 1000 ? f->limit : 20));
    BIND(":offset", sqlite3_bind_int64(q, i_, f->offset > 0 ? f->offset : 0));
#undef BIND
    return q;
}

static int sq_object_list(vcm_store *b, vcm_arena *a, const vcm_filter *f, vcm_object **out,
                          size_t *n)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = filter_stmt(s, f, F_LIST);
    if (!q)
        return -1;
    int limit = f->limit > 0 && f->limit <= 1000 ? f->limit : 20;
    int64_t *ids = vcm_arena_alloc(a, (size_t)limit * sizeof *ids);
    if (!ids)
        return vcm_store_fail(b, "out of memory listing objects");
    size_t count = 0;
    int rc;
    while (count < (size_t)limit && (rc = sqlite3_step(q)) == SQLITE_ROW)
        ids[count++] = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    if (count < (size_t)limit && rc != SQLITE_DONE)
        return fail_db(s, "cannot list objects");
    *out = vcm_arena_calloc(a, count ? count : 1, sizeof **out);
    if (!*out)
        return vcm_store_fail(b, "out of memory listing objects");
    *n = 0;
    for (size_t i = 0; i < count; i++) {
        int r = sq_object_get(b, a, ids[i], &(*out)[*n]);
        if (r < 0)
            return -1;
        *n += (size_t)r;
    }
    return 0;
}

/* The cache entry for f's conditions (not its paging), made when absent. */
static struct facet_entry *facet_entry(sqlite_store *s, const vcm_filter *f)
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

static int count_uncached(sqlite_store *s, const vcm_filter *f, int64_t *out);
static int sq_object_count(vcm_store *b, const vcm_filter *f, int64_t *out)
{
    sqlite_store *s = (sqlite_store *)b;
    struct facet_entry *e = facet_entry(s, f);
    if (e && e->has_count) {
        *out = e->count;
        return 0;
    }
    if (count_uncached(s, f, out) < 0)
        return -1;
    if (e) {
        e->count = *out;
        e->has_count = true;
    }
    return 0;
}

static int count_uncached(sqlite_store *s, const vcm_filter *f, int64_t *out)
{
    sqlite3_stmt *q = filter_stmt(s, f, F_COUNT);
    if (!q)
        return -1;
    if (sqlite3_step(q) != SQLITE_ROW)
        return fail_db(s, "cannot count objects");
    *out = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return 0;
}

static int facet(sqlite_store *s, vcm_arena *a, const vcm_filter *f, enum fkind k, vcm_facet **out,
                 size_t *n)
{
    sqlite3_stmt *q = filter_stmt(s, f, k);
    if (!q)
        return -1;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            vcm_facet *nv = vcm_arena_alloc(a, cap * sizeof *nv);
            if (!nv)
                return vcm_store_fail(&s->base, "out of memory counting facets");
            if (*n)
                memcpy(nv, *out, *n * sizeof *nv);
            *out = nv;
        }
        vcm_facet *fc = &(*out)[(*n)++];
        fc->value = col_text(a, q, 0);
        fc->label = col_text(a, q, 1);
        fc->count = sqlite3_column_int64(q, 2);
        if (!fc->value)
            fc->value = "";
        if (!fc->label)
            fc->label = fc->value;
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : fail_db(s, "cannot count facets");
}

static int facets_uncached(sqlite_store *s, vcm_arena *a, const vcm_filter *f, vcm_facets *out);
static int sq_object_facets(vcm_store *b, vcm_arena *a, const vcm_filter *f, vcm_facets *out)
{
    sqlite_store *s = (sqlite_store *)b;
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

static int facets_uncached(sqlite_store *s, vcm_arena *a, const vcm_filter *f, vcm_facets *out)
{
    vcm_store *b = &s->base;
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
            return vcm_store_fail(b, "out of memory counting facets");
    }
    return 0;
}

static int sq_stats(vcm_store *b, vcm_stats *out)
{
    sqlite_store *s = (sqlite_store *)b;
    if (cache_check(s) < 0)
        return -1;
    if (s->cache.has_stats) {
        *out = s->cache.stats;
        return 0;
    }
    sqlite3_stmt *q = stmt(s, S_STATS);
    if (!q)
        return -1;
    if (sqlite3_step(q) != SQLITE_ROW)
        return fail_db(s, "cannot count");
    out->objects = sqlite3_column_int64(q, 0);
    out->objects_all = sqlite3_column_int64(q, 1);
    out->museums = sqlite3_column_int64(q, 2);
    out->museums_all = sqlite3_column_int64(q, 3);
    out->countries = sqlite3_column_int64(q, 4);
    out->countries_all = sqlite3_column_int64(q, 5);
    out->media = sqlite3_column_int64(q, 6);
    sqlite3_reset(q);
    s->cache.stats = *out;
    s->cache.has_stats = true;
    return 0;
}

static int sq_media_add(vcm_store *b, int64_t object_id, vcm_media *m)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_MEDIA_NEXT_POS);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, object_id);
    if (sqlite3_step(q) != SQLITE_ROW)
        return fail_db(s, "cannot count an object's images");
    int pos = sqlite3_column_int(q, 0);
    sqlite3_reset(q);
    if (!(q = stmt(s, S_MEDIA_ADD)))
        return -1;
    sqlite3_bind_int64(q, 1, object_id);
    sqlite3_bind_int(q, 2, pos);
    bind_text(q, 3, m->file);
    bind_text(q, 4, m->format);
    sqlite3_bind_int(q, 5, m->width);
    sqlite3_bind_int(q, 6, m->height);
    bind_text(q, 7, m->checksum);
    bind_text(q, 8, m->rights);
    bind_text(q, 9, m->identifier);
    bind_text(q, 10, m->original);
    bind_text(q, 11, m->label);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return vcm_store_fail(b, "the image identifier '%s' is taken", m->identifier);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return vcm_store_fail(b, "there is no object %lld", (long long)object_id);
    if (rc != SQLITE_DONE)
        return fail_db(s, "cannot add an image");
    m->id = sqlite3_last_insert_rowid(s->db);
    return log_activity(s, object_id, pos == 0 ? "Create" : "Update", (int64_t)time(NULL));
}

static int sq_media_find(vcm_store *b, vcm_arena *a, const char *identifier, vcm_media *m,
                         int64_t *object_id)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_MEDIA_FIND);
    if (!q)
        return -1;
    bind_text(q, 1, identifier);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return fail_db(s, "cannot look up an image");
    row_media(a, q, m);
    *object_id = sqlite3_column_int64(q, 10);
    sqlite3_reset(q);
    return 1;
}

static int sq_object_by_source_id(vcm_store *b, const char *source_id, int64_t *ids, size_t max,
                                  size_t *n)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_BY_SOURCE_ID);
    if (!q)
        return -1;
    bind_text(q, 1, source_id);
    sqlite3_bind_int64(q, 2, (int64_t)max);
    int rc;
    *n = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < max)
        ids[(*n)++] = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : fail_db(s, "cannot look up objects");
}

static int sq_activity_list(vcm_store *b, vcm_arena *a, int64_t offset, int limit,
                            vcm_activity **out, size_t *n, int64_t *total)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_ACTIVITY_COUNT);
    if (!q)
        return -1;
    if (sqlite3_step(q) != SQLITE_ROW)
        return fail_db(s, "cannot count activities");
    *total = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    if (!(q = stmt(s, S_ACTIVITY_LIST)))
        return -1;
    sqlite3_bind_int(q, 1, limit);
    sqlite3_bind_int64(q, 2, offset);
    *out = vcm_arena_calloc(a, limit > 0 ? (size_t)limit : 1, sizeof **out);
    if (!*out)
        return vcm_store_fail(b, "out of memory listing activities");
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < (size_t)limit) {
        vcm_activity *v = &(*out)[(*n)++];
        v->id = sqlite3_column_int64(q, 0);
        v->object_id = sqlite3_column_int64(q, 1);
        v->type = col_text(a, q, 2);
        v->time = sqlite3_column_int64(q, 3);
    }
    sqlite3_reset(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : fail_db(s, "cannot list activities");
}

static int sq_changes_since(vcm_store *b, int64_t after, int64_t *ids, int64_t *seqs, size_t max,
                            size_t *n)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_CHANGES_SINCE);
    if (!q)
        return -1;
    sqlite3_bind_int64(q, 1, after);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)max);
    *n = 0;
    int rc = SQLITE_DONE;
    while (*n < max && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        seqs[*n] = sqlite3_column_int64(q, 0);
        ids[(*n)++] = sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
    return *n == max || rc == SQLITE_DONE ? 0 : fail_db(s, "cannot read the change sequence");
}

static int sq_change_head(vcm_store *b, int64_t *seq)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_CHANGE_HEAD);
    if (!q)
        return -1;
    int rc = sqlite3_step(q);
    *seq = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 0 : fail_db(s, "cannot read the change sequence");
}

static int sq_instance_id(vcm_store *b, char out[33])
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_INSTANCE_ID);
    if (!q)
        return -1;
    int rc = sqlite3_step(q);
    const unsigned char *v = rc == SQLITE_ROW ? sqlite3_column_text(q, 0) : NULL;
    if (v && strlen((const char *)v) == 32)
        memcpy(out, v, 33);
    sqlite3_reset(q);
    return v ? 0 : fail_db(s, "cannot read the database's id");
}

/* ---- raw tables (vcm db copy) -------------------------------------------- */

/* Table and column names come from vcm_store_tables (constants). */
static sqlite3_stmt *table_stmt(sqlite_store *s, size_t ti, char what)
{
    const vcm_table *t = &vcm_store_tables[ti];
    vcm_buf b;
    vcm_buf_init(&b, 8192);
    if (what == 's') {
        vcm_buf_puts(&b, "SELECT ");
        for (size_t i = 0; i < t->ncols; i++)
            vcm_buf_printf(&b, "%s%s", i ? ", " : "", t->cols[i]);
        vcm_buf_printf(&b, " FROM %s ORDER BY ", t->name);
        for (size_t i = 0; i < t->nkey; i++)
            vcm_buf_printf(&b, "%s%s", i ? ", " : "", t->cols[i]);
    } else if (what == 'd') {
        vcm_buf_printf(&b, "DELETE FROM %s", t->name);
    } else {
        vcm_buf_printf(&b, "INSERT INTO %s(", t->name);
        for (size_t i = 0; i < t->ncols; i++)
            vcm_buf_printf(&b, "%s%s", i ? ", " : "", t->cols[i]);
        vcm_buf_puts(&b, ") VALUES (");
        for (size_t i = 0; i < t->ncols; i++)
            vcm_buf_printf(&b, "%s?", i ? ", " : "");
        vcm_buf_puts(&b, ")");
    }
    sqlite3_stmt *q = NULL;
    if (b.toobig || sqlite3_prepare_v2(s->db, b.data, -1, &q, NULL) != SQLITE_OK) {
        fail_db(s, "cannot prepare a table statement");
        q = NULL;
    }
    vcm_buf_release(&b);
    return q;
}

static int sq_table_scan(vcm_store *b, size_t ti, vcm_row_fn fn, void *ud)
{
    sqlite_store *s = (sqlite_store *)b;
    assert(ti < vcm_store_ntables);
    const vcm_table *t = &vcm_store_tables[ti];
    sqlite3_stmt *q = table_stmt(s, ti, 's');
    if (!q)
        return -1;
    vcm_value row[32];
    assert(t->ncols <= 32);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (size_t i = 0; i < t->ncols; i++) {
            vcm_value *v = &row[i];
            memset(v, 0, sizeof *v);
            if (sqlite3_column_type(q, (int)i) == SQLITE_NULL) {
                v->type = VCM_V_NULL;
            } else if (t->types[i] == 'i') {
                v->type = VCM_V_INT;
                v->i = sqlite3_column_int64(q, (int)i);
            } else if (t->types[i] == 'r') {
                v->type = VCM_V_REAL;
                v->r = sqlite3_column_double(q, (int)i);
            } else {
                v->type = VCM_V_TEXT;
                v->t = (const char *)sqlite3_column_text(q, (int)i);
            }
        }
        if (fn(ud, row) < 0) {
            sqlite3_finalize(q);
            return vcm_store_fail(b, "reading table %s stopped", t->name);
        }
    }
    if (rc != SQLITE_DONE)
        fail_db(s, "cannot read a table");
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int sq_table_clear(vcm_store *b, size_t ti)
{
    sqlite_store *s = (sqlite_store *)b;
    assert(ti < vcm_store_ntables);
    sqlite3_stmt *q = table_stmt(s, ti, 'd');
    if (!q)
        return -1;
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : fail_db(s, "cannot empty a table");
}

static int sq_table_put(vcm_store *b, size_t ti, const vcm_value *row)
{
    sqlite_store *s = (sqlite_store *)b;
    assert(ti < vcm_store_ntables && ti < sizeof s->tput / sizeof s->tput[0]);
    const vcm_table *t = &vcm_store_tables[ti];
    sqlite3_stmt *q = s->tput[ti];
    if (q) {
        sqlite3_reset(q);
        sqlite3_clear_bindings(q);
    } else if (!(q = s->tput[ti] = table_stmt(s, ti, 'p'))) {
        return -1;
    }
    for (size_t i = 0; i < t->ncols; i++) {
        int c = (int)i + 1;
        switch (row[i].type) {
        case VCM_V_NULL: sqlite3_bind_null(q, c); break;
        case VCM_V_INT: sqlite3_bind_int64(q, c, row[i].i); break;
        case VCM_V_REAL: sqlite3_bind_double(q, c, row[i].r); break;
        case VCM_V_TEXT: sqlite3_bind_text(q, c, row[i].t, -1, SQLITE_STATIC); break;
        }
    }
    return run(s, q, "cannot copy a row");
}

/* INTEGER PRIMARY KEY and AUTOINCREMENT continue above the highest stored
 * value by themselves. */
static int sq_table_finish(vcm_store *b)
{
    ((sqlite_store *)b)->cache.valid = false;
    return 0;
}

static int sq_meta_get(vcm_store *b, vcm_arena *a, const char *key, const char **value)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_META_GET);
    if (!q)
        return -1;
    bind_text(q, 1, key);
    int rc = sqlite3_step(q);
    *value = rc == SQLITE_ROW ? col_text(a, q, 0) : NULL;
    sqlite3_reset(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail_db(s, "cannot read a database value");
    return rc == SQLITE_ROW;
}

static int sq_meta_put(vcm_store *b, const char *key, const char *value)
{
    sqlite_store *s = (sqlite_store *)b;
    sqlite3_stmt *q = stmt(s, S_META_PUT);
    if (!q)
        return -1;
    bind_text(q, 1, key);
    bind_text(q, 2, value);
    return run(s, q, "cannot store a database value");
}

static const struct vcm_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .data_version = sq_data_version,
    .country_upsert = sq_country_upsert,
    .country_get = sq_country_get,
    .country_list = sq_country_list,
    .museum_ensure = sq_museum_ensure,
    .museum_put = sq_museum_put,
    .museum_get = sq_museum_get,
    .museum_list = sq_museum_list,
    .object_upsert = sq_object_upsert,
    .object_get = sq_object_get,
    .object_list = sq_object_list,
    .object_count = sq_object_count,
    .object_facets = sq_object_facets,
    .stats = sq_stats,
    .media_add = sq_media_add,
    .media_find = sq_media_find,
    .object_by_source_id = sq_object_by_source_id,
    .activity_list = sq_activity_list,
    .changes_since = sq_changes_since,
    .change_head = sq_change_head,
    .instance_id = sq_instance_id,
    .begin_read = sq_begin_read,
    .table_scan = sq_table_scan,
    .table_clear = sq_table_clear,
    .table_put = sq_table_put,
    .table_finish = sq_table_finish,
    .meta_get = sq_meta_get,
    .meta_put = sq_meta_put,
};

/* Each connection is used by one thread at a time, so SQLite's own mutexes
 * and its global memory statistics (a global lock on every allocation) only
 * cost time. Set once, before SQLite initialises. */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

vcm_store *vcm_store_sqlite_open(const char *path, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    if (!*path) {
        snprintf(err, errlen, "sqlite: needs a file path (sqlite:var/vcm.db)");
        return NULL;
    }
    sqlite_store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->base.ops = &sqlite_ops;
    int rc = sqlite3_open_v2(path, &s->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database '%s': %s", path,
                 s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 10000);
    sqlite3_extended_result_codes(s->db, 1);
    /* NORMAL in WAL mode: a commit survives a crash of the process (the
     * SIGKILL case); only a power cut may lose the last transactions. */
    if (exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; "
                "PRAGMA cache_size = -32768",
             "cannot set up the database") < 0 ||
        migrate(s) < 0) {
        snprintf(err, errlen, "database '%s': %s", path, s->base.error);
        goto fail;
    }
    return &s->base;
fail:
    sq_close(&s->base);
    return NULL;
}
