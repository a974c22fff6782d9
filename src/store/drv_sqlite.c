/* The SQLite driver: the embedded default.
 *
 * - One connection in WAL mode, foreign keys on, a 10 s busy timeout, so
 *   readers (the server's threads, each with its own connection) never
 *   block the writer, and a writer waits instead of failing while another
 *   process writes. synchronous=NORMAL: a commit survives a crash of the
 *   process (the SIGKILL case); only a power cut may lose the last ones.
 * - A slot is a sqlite3_stmt prepared with SQLITE_PREPARE_PERSISTENT,
 *   kept in a table of the slots used (slots.h).
 * - The writers' lock is BEGIN IMMEDIATE; a read snapshot is a deferred
 *   transaction, which in WAL mode reads one snapshot from its first read.
 * - data_version combines PRAGMA main.data_version (commits by other
 *   connections) with a count of this connection's own commits.
 * - Operational tables (sessions, throttles, the audit log, the outbox:
 *   schema 009) live in a second file, PATH-ops, attached to every
 *   connection as "ops": their writes do not move main's data_version,
 *   so they do not empty the content caches (docs/internals/web.md). The
 *   store writes them only outside its transactions, one statement each
 *   (store/account.c), so this connection's count of its own commits
 *   counts content transactions alone. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/driver.h"
#include "store/slots.h"
#include "core/banned.h"

struct vcm_conn {
    sqlite3 *db;
    vcm_slots slots; /* sqlite3_stmt by slot */
    struct {
        const vcm_table *t;
        sqlite3_stmt *q;
    } put[VCM_COPY_TABLES]; /* copy's inserts, by table */
    sqlite3_stmt *version;
    int64_t commits;
    char error[512];
};

/* SQLite keeps the last message of a connection itself; error[] holds
 * the few of ours. */
static const char *sq_error(vcm_conn *c)
{
    return c->error[0] ? c->error : sqlite3_errmsg(c->db);
}

static void sq_describe(vcm_conn *c, const char *name, char *out, size_t size)
{
    (void)c;
    snprintf(out, size, "database '%s'", name);
}

static int fail(vcm_conn *c, const char *msg)
{
    snprintf(c->error, sizeof c->error, "%s", msg ? msg : "");
    return -1;
}

static int sq_exec(vcm_conn *c, const char *sql)
{
    c->error[0] = '\0';
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    sqlite3_free(msg); /* the connection keeps the same message */
    return rc == SQLITE_OK ? 0 : fail(c, NULL);
}

static sqlite3_stmt *prepare_text(vcm_conn *c, const char *sql)
{
    c->error[0] = '\0';
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &q, NULL) != SQLITE_OK) {
        fail(c, NULL);
        return NULL;
    }
    return q;
}

static vcm_stmt *sq_prepare(vcm_conn *c, unsigned slot, const char *sql, unsigned flags)
{
    (void)flags; /* SQLite steps row by row anyway */
    if (slot >= VCM_SLOTS)
        return NULL;
    sqlite3_stmt *q = vcm_slots_get(&c->slots, slot);
    if (q) {
        sqlite3_reset(q);
        sqlite3_clear_bindings(q);
    } else if (sql && (q = prepare_text(c, sql)) && vcm_slots_put(&c->slots, slot, q) < 0) {
        sqlite3_finalize(q);
        fail(c, "out of memory");
        return NULL;
    }
    return (vcm_stmt *)q;
}

#define Q(q) ((sqlite3_stmt *)(q))

static void sq_bind_null(vcm_stmt *q, int i)
{
    sqlite3_bind_null(Q(q), i);
}

static void sq_bind_int(vcm_stmt *q, int i, int64_t v)
{
    sqlite3_bind_int64(Q(q), i, v);
}

static void sq_bind_real(vcm_stmt *q, int i, double v)
{
    sqlite3_bind_double(Q(q), i, v);
}

static void sq_bind_text(vcm_stmt *q, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(Q(q), i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(Q(q), i);
}

/* The message of a failed step stays in the connection for sq_error. */
static int sq_step(vcm_stmt *q)
{
    int rc = sqlite3_step(Q(q));
    if (rc == SQLITE_ROW)
        return VCM_ROW;
    if (rc == SQLITE_DONE)
        return VCM_DONE;
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return VCM_E_UNIQUE;
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return VCM_E_FOREIGN;
    return VCM_E_FAIL;
}

static bool sq_is_null(vcm_stmt *q, int i)
{
    return sqlite3_column_type(Q(q), i) == SQLITE_NULL;
}

static int64_t sq_col_int(vcm_stmt *q, int i)
{
    return sqlite3_column_int64(Q(q), i);
}

static double sq_col_real(vcm_stmt *q, int i)
{
    return sqlite3_column_double(Q(q), i);
}

static const char *sq_col_text(vcm_stmt *q, int i, size_t *len)
{
    const char *t = (const char *)sqlite3_column_text(Q(q), i);
    if (len)
        *len = t ? (size_t)sqlite3_column_bytes(Q(q), i) : 0;
    return t;
}

static void sq_reset(vcm_stmt *q)
{
    sqlite3_reset(Q(q));
}

static int sq_begin(vcm_conn *c, bool write)
{
    return sq_exec(c, write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

static int sq_commit(vcm_conn *c)
{
    if (sq_exec(c, "COMMIT") < 0)
        return -1;
    c->commits++;
    return 0;
}

static int sq_rollback(vcm_conn *c)
{
    return sq_exec(c, "ROLLBACK");
}

static int sq_data_version(vcm_conn *c, int64_t *out)
{
    if (!c->version && !(c->version = prepare_text(c, "PRAGMA main.data_version")))
        return -1;
    sqlite3_reset(c->version);
    if (sqlite3_step(c->version) != SQLITE_ROW)
        return fail(c, NULL);
    *out = sqlite3_column_int64(c->version, 0) * 1000003 + c->commits;
    sqlite3_reset(c->version);
    return 0;
}

/* One process at a time writes, so migrations need no lock of their own. */
static int sq_migrations(vcm_conn *c, bool lock, int want, bool *skip)
{
    (void)c, (void)lock, (void)want;
    *skip = false;
    return 0;
}

/* A prepared batch: the table's insert, prepared once, run for each row. */
static int sq_copy(vcm_conn *c, const vcm_table *t, const vcm_value *rows, size_t n)
{
    if (n == 0) /* rows are written at once: no bulk write is left open */
        return 0;
    size_t ti = 0, np = sizeof c->put / sizeof c->put[0];
    while (ti < np && c->put[ti].t && c->put[ti].t != t)
        ti++;
    if (ti == np)
        return fail(c, "too many tables");
    if (!c->put[ti].q) {
        vcm_buf b;
        vcm_buf_init(&b, 8192);
        vcm_buf_printf(&b, "INSERT INTO %s(", t->name);
        for (size_t i = 0; i < t->ncols; i++)
            vcm_buf_printf(&b, "%s%s", i ? ", " : "", t->cols[i]);
        vcm_buf_puts(&b, ") VALUES (");
        for (size_t i = 0; i < t->ncols; i++)
            vcm_buf_puts(&b, i ? ", ?" : "?");
        vcm_buf_puts(&b, ")");
        c->put[ti].q = b.toobig ? NULL : prepare_text(c, b.data);
        vcm_buf_release(&b);
        if (!c->put[ti].q)
            return -1;
        c->put[ti].t = t;
    }
    sqlite3_stmt *q = c->put[ti].q;
    for (size_t r = 0; r < n; r++) {
        const vcm_value *row = rows + r * t->ncols;
        sqlite3_reset(q);
        for (size_t i = 0; i < t->ncols; i++) {
            int k = (int)i + 1;
            switch (row[i].type) {
            case VCM_V_NULL: sqlite3_bind_null(q, k); break;
            case VCM_V_INT: sqlite3_bind_int64(q, k, row[i].i); break;
            case VCM_V_REAL: sqlite3_bind_double(q, k, row[i].r); break;
            case VCM_V_TEXT: sqlite3_bind_text(q, k, row[i].t, -1, SQLITE_STATIC); break;
            }
        }
        int rc = sqlite3_step(q);
        sqlite3_reset(q);
        if (rc != SQLITE_DONE)
            return fail(c, NULL);
    }
    return 0;
}

static bool sq_connected(vcm_conn *c)
{
    (void)c;
    return true; /* a file does not go away */
}

static size_t sq_prepared(vcm_conn *c)
{
    return c->slots.n;
}

static int64_t sq_round_trips(vcm_conn *c)
{
    (void)c;
    return 0;
}

static void sq_close(vcm_conn *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->slots.cap; i++)
        sqlite3_finalize(vcm_slots_at(&c->slots, i));
    vcm_slots_release(&c->slots);
    for (size_t i = 0; i < sizeof c->put / sizeof c->put[0]; i++)
        sqlite3_finalize(c->put[i].q);
    sqlite3_finalize(c->version);
    sqlite3_close_v2(c->db);
    free(c);
}

/* PATH-ops beside the database (an in-memory database gets an in-memory
 * one), with the same journal settings as main. */
static int attach_ops(vcm_conn *c, const char *path)
{
    vcm_buf b;
    vcm_buf_init(&b, 8192);
    if (strcmp(path, ":memory:") == 0)
        vcm_buf_puts(&b, ":memory:");
    else
        vcm_buf_printf(&b, "%s-ops", path);
    int rc = -1;
    sqlite3_stmt *q = b.toobig ? NULL : prepare_text(c, "ATTACH ?1 AS ops");
    if (!q)
        goto out;
    sqlite3_bind_text(q, 1, b.data, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE) {
        fail(c, NULL);
        sqlite3_finalize(q);
        goto out;
    }
    sqlite3_finalize(q);
    rc = sq_exec(c, "PRAGMA ops.journal_mode = WAL; PRAGMA ops.synchronous = NORMAL");
out:
    vcm_buf_release(&b);
    return rc;
}

/* Each connection is used by one thread at a time, so SQLite's own mutexes
 * and its global memory statistics (a global lock on every allocation) only
 * cost time. Set once, before SQLite initialises. */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static vcm_conn *sq_open(const char *path, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    if (!*path) {
        snprintf(err, errlen, "sqlite: needs a file path (sqlite:var/vcm.db)");
        return NULL;
    }
    vcm_conn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int rc = sqlite3_open_v2(path, &c->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database '%s': %s", path,
                 c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sq_close(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->db, 10000);
    sqlite3_extended_result_codes(c->db, 1);
    if (sq_exec(c, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                   "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; "
                   "PRAGMA cache_size = -32768") < 0) {
        snprintf(err, errlen, "database '%s': cannot set up the database: %s", path, c->error);
        sq_close(c);
        return NULL;
    }
    if (attach_ops(c, path) < 0) {
        snprintf(err, errlen, "database '%s': cannot attach its operational file: %s", path,
                 sq_error(c));
        sq_close(c);
        return NULL;
    }
    return c;
}

VCM_DRIVER(vcm_driver_sqlite, sq, "sqlite", VCM_SQLITE, "src/store/schema/sqlite/", false);
