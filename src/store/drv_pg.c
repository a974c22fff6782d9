/* The PostgreSQL driver (libpq): for several nodes sharing one database.
 *
 * - One connection is one PGconn. A slot is a server-side prepared
 *   statement named "sN", prepared on first use; the text is kept (with
 *   ?N rewritten $N) so that it can be prepared again after a reconnection.
 *   Values go as text parameters.
 * - Reconnection: outside a transaction, a statement that finds the
 *   connection broken resets it (PQreset), forgets what was prepared on it
 *   and runs once more; while the server is away the error names its host
 *   and port. Inside a transaction the transaction is lost: the statement
 *   fails, and rollback merely forgets it.
 * - The writers' lock: begin(write) takes the transaction-scoped advisory
 *   lock 7758701, the one that assigning seqs of the change sequence takes
 *   too (schema/pg/003_changes.sql), so writers are serialised as SQLite's
 *   BEGIN IMMEDIATE serialises them and seqs become visible in commit order.
 *   BEGIN and the lock go in one request.
 * - data_version reads the one row that every writing transaction bumps
 *   once (statement triggers, schema/pg/001_init.sql), in the same
 *   transaction as its data.
 * - Migrations run under the session advisory lock 7758702, so that nodes
 *   starting together do not apply one twice; a hot standby migrates
 *   nothing and is refused when its schema is older than the program.
 * - copy is COPY … FROM STDIN in text format: any number of rows in one
 *   request. Inside a transaction the COPY stays open after the call: the
 *   rows of the next calls for the same table go into it, sent as they
 *   come, so that the server writes them while the store prepares the
 *   next ones; any other request (a statement, another table, commit) or
 *   copy with no rows ends it first and waits for its answer. An error the
 *   rows met is then reported by that request. */
#include <assert.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/driver.h"
#include "store/slots.h"
#include "core/banned.h"

#define WRITERS_LOCK "7758701"
#define MIGRATIONS_LOCK "7758702"
#define MAXP 32

struct vcm_stmt {
    vcm_conn *c;
    char name[16];
    char *sql;      /* with $N */
    unsigned gen;   /* the connection generation it was prepared in */
    unsigned flags;
    int n;          /* parameters bound: the highest index */
    const char *v[MAXP];
    char num[MAXP][32];
    PGresult *r;
    int row;
    bool ran, finished;
};

struct vcm_conn {
    PGconn *conn;
    char where[300]; /* host:port, for messages */
    unsigned gen;    /* bumped by every reconnection */
    bool in_tx;
    int64_t trips;
    vcm_slots slots; /* struct vcm_stmt by slot (slots.h) */
    struct vcm_stmt version;
    char error[512];
    /* the COPY kept open inside a transaction: its table, the rows not yet
     * handed to libpq; copy_failed: a request was not sent because the
     * COPY ended in an error, whose message stands */
    const vcm_table *copying;
    vcm_buf out;
    bool copy_failed;
};

#define COPY_CHUNK ((size_t)64 << 10) /* rows handed to the server at once */

/* libpq's message m on one line: newlines and tabs become spaces, the
 * trailing ones go. */
static const char *one_line(const char *m, char *buf, size_t size)
{
    size_t n = 0;
    for (; *m && n + 1 < size; m++) {
        char ch = *m == '\n' || *m == '\t' ? ' ' : *m;
        if (ch == ' ' && (n == 0 || buf[n - 1] == ' '))
            continue;
        buf[n++] = ch;
    }
    while (n && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    return buf;
}

static const char *pg_error(vcm_conn *c)
{
    return c->error;
}

/* Never the URL: it may hold a password. */
static void pg_describe(vcm_conn *c, const char *name, char *out, size_t size)
{
    (void)name;
    snprintf(out, size, "database at %s", c->where);
}

/* The message of a failed result, or else of the connection (unless the
 * end of a COPY has just left its own). */
static int fail_pg(vcm_conn *c, const PGresult *r)
{
    if (!r && c->copy_failed) {
        c->copy_failed = false;
        return -1;
    }
    const char *m = r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r)
                                                     : PQerrorMessage(c->conn);
    one_line(m, c->error, sizeof c->error);
    return -1;
}

static int fail_msg(vcm_conn *c, const char *m)
{
    snprintf(c->error, sizeof c->error, "%s", m);
    return -1;
}

static int step_code(const PGresult *r)
{
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return st && strcmp(st, "23505") == 0   ? VCM_E_UNIQUE
           : st && strcmp(st, "23503") == 0 ? VCM_E_FOREIGN
                                            : VCM_E_FAIL;
}

/* Ends the COPY left open, if any, and waits for its answer: 0, or a
 * VCM_E_* code with the message kept. abandon: a reason to give it up
 * instead (its rows are not wanted; nothing is reported). */
static int copy_end(vcm_conn *c, const char *abandon)
{
    if (!c->copying)
        return 0;
    c->copying = NULL;
    bool sent = abandon || !c->out.len ||
                PQputCopyData(c->conn, c->out.data, (int)c->out.len) == 1;
    vcm_buf_reset(&c->out);
    sent = PQputCopyEnd(c->conn, abandon ? abandon : sent ? NULL : "cannot send rows") == 1 &&
           sent;
    int code = 0;
    PGresult *r;
    while ((r = PQgetResult(c->conn))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !code && !abandon) {
            code = step_code(r);
            fail_pg(c, r);
        }
        PQclear(r);
    }
    if (!code && !abandon && !sent) {
        code = VCM_E_FAIL;
        fail_pg(c, NULL);
    }
    if (code && PQstatus(c->conn) != CONNECTION_OK)
        snprintf(c->error, sizeof c->error,
                 "lost the connection to the database server at %s during a transaction",
                 c->where);
    return code;
}

/* A request: the open COPY ends first; NULL (the message kept) when it
 * failed. */
static PGresult *exec_text(vcm_conn *c, const char *sql)
{
    if (copy_end(c, NULL) < 0) {
        c->copy_failed = true;
        return NULL;
    }
    c->trips++;
    return PQexec(c->conn, sql);
}

/* Makes sure the connection is up: outside a transaction a broken one is
 * reset (and what was prepared on it forgotten). */
static int ensure_conn(vcm_conn *c)
{
    if (PQstatus(c->conn) == CONNECTION_OK)
        return 0;
    if (c->in_tx) {
        snprintf(c->error, sizeof c->error,
                 "lost the connection to the database server at %s during a transaction",
                 c->where);
        return -1;
    }
    PQreset(c->conn);
    c->gen++;
    if (PQstatus(c->conn) != CONNECTION_OK) {
        char buf[400];
        snprintf(c->error, sizeof c->error, "cannot reach the database server at %s: %s",
                 c->where, one_line(PQerrorMessage(c->conn), buf, sizeof buf));
        return -1;
    }
    return 0;
}

static int pg_exec(vcm_conn *c, const char *sql)
{
    if (ensure_conn(c) < 0)
        return -1;
    PGresult *r = exec_text(c, sql);
    ExecStatusType st = PQresultStatus(r);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : fail_pg(c, r);
    PQclear(r);
    return rc;
}

/* ?N becomes $N, outside quotes. */
static char *rewrite(const char *sql)
{
    size_t n = strlen(sql);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    char quote = 0;
    for (size_t i = 0; i <= n; i++) {
        char ch = sql[i];
        if (quote)
            quote = ch == quote ? 0 : quote;
        else if (ch == '\'' || ch == '"')
            quote = ch;
        else if (ch == '?')
            ch = '$';
        out[i] = ch;
    }
    return out;
}

static void pg_reset(vcm_stmt *q)
{
    if (q->ran && !q->finished && (q->flags & VCM_STREAM)) {
        PGresult *r;
        while ((r = PQgetResult(q->c->conn))) /* the rest of the rows */
            PQclear(r);
    }
    PQclear(q->r);
    q->r = NULL;
    q->ran = q->finished = false;
    q->n = 0;
}

static vcm_stmt *pg_prepare(vcm_conn *c, unsigned slot, const char *sql, unsigned flags)
{
    if (slot >= VCM_SLOTS)
        return NULL;
    vcm_stmt *q = vcm_slots_get(&c->slots, slot);
    if (q) {
        pg_reset(q);
        return q;
    }
    if (!sql)
        return NULL;
    q = calloc(1, sizeof *q);
    if (!q || !(q->sql = rewrite(sql))) {
        free(q);
        fail_msg(c, "out of memory");
        return NULL;
    }
    q->c = c;
    q->flags = flags;
    snprintf(q->name, sizeof q->name, "s%u", slot);
    if (vcm_slots_put(&c->slots, slot, q) < 0) {
        free(q->sql);
        free(q);
        fail_msg(c, "out of memory");
        return NULL;
    }
    return q;
}

static void put(vcm_stmt *q, int i, const char *v)
{
    assert(i >= 1 && i <= MAXP);
    q->v[i - 1] = v;
    for (int k = q->n; k < i - 1; k++) /* skipped ones are null */
        q->v[k] = NULL;
    if (i > q->n)
        q->n = i;
}

static void pg_bind_null(vcm_stmt *q, int i)
{
    put(q, i, NULL);
}

static void pg_bind_int(vcm_stmt *q, int i, int64_t v)
{
    snprintf(q->num[i - 1], sizeof q->num[0], "%lld", (long long)v);
    put(q, i, q->num[i - 1]);
}

static void pg_bind_real(vcm_stmt *q, int i, double v)
{
    snprintf(q->num[i - 1], sizeof q->num[0], "%.17g", v);
    put(q, i, q->num[i - 1]);
}

static void pg_bind_text(vcm_stmt *q, int i, const char *v)
{
    put(q, i, v);
}

static int step_error(vcm_stmt *q, PGresult *r)
{
    int code = step_code(r);
    if (PQstatus(q->c->conn) != CONNECTION_OK)
        snprintf(q->c->error, sizeof q->c->error,
                 "lost the connection to the database server at %s", q->c->where);
    else
        fail_pg(q->c, r);
    PQclear(r);
    return code;
}

/* Sends the statement (preparing it first on this connection when it is
 * not), once more after a reconnection when the connection was found
 * broken outside a transaction. */
static int execute(vcm_stmt *q)
{
    vcm_conn *c = q->c;
    int ended = copy_end(c, NULL);
    if (ended < 0)
        return ended;
    for (int attempt = 0;; attempt++) {
        if (ensure_conn(c) < 0)
            return VCM_E_FAIL;
        bool retry = attempt == 0 && !c->in_tx;
        if (q->gen != c->gen) {
            c->trips++;
            PGresult *r = PQprepare(c->conn, q->name, q->sql, 0, NULL);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) {
                if (PQstatus(c->conn) != CONNECTION_OK && retry) {
                    PQclear(r);
                    continue;
                }
                return step_error(q, r);
            }
            PQclear(r);
            q->gen = c->gen;
        }
        c->trips++;
        if (q->flags & VCM_STREAM) {
            if (!PQsendQueryPrepared(c->conn, q->name, q->n, q->v, NULL, NULL, 0) ||
                !PQsetSingleRowMode(c->conn)) {
                if (PQstatus(c->conn) != CONNECTION_OK && retry)
                    continue;
                return step_error(q, NULL);
            }
            q->ran = true;
            return 0;
        }
        PGresult *r = PQexecPrepared(c->conn, q->name, q->n, q->v, NULL, NULL, 0);
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            q->r = r;
            q->row = -1;
            q->ran = true;
            return 0;
        }
        if (PQstatus(c->conn) != CONNECTION_OK && retry) {
            PQclear(r);
            continue;
        }
        return step_error(q, r);
    }
}

static int pg_step(vcm_stmt *q)
{
    if (!q->ran) {
        int rc = execute(q);
        if (rc < 0)
            return rc;
    }
    if (q->finished)
        return VCM_DONE;
    if (!(q->flags & VCM_STREAM))
        return ++q->row < PQntuples(q->r) ? VCM_ROW : VCM_DONE;
    PQclear(q->r);
    q->r = PQgetResult(q->c->conn);
    q->row = 0;
    ExecStatusType st = PQresultStatus(q->r);
    if (q->r && st == PGRES_SINGLE_TUPLE)
        return VCM_ROW;
    PGresult *r;
    while ((r = PQgetResult(q->c->conn))) /* the end of the query */
        PQclear(r);
    q->finished = true;
    if (q->r && st == PGRES_TUPLES_OK)
        return VCM_DONE;
    int rc = step_error(q, q->r);
    q->r = NULL;
    return rc;
}

static bool pg_is_null(vcm_stmt *q, int i)
{
    return PQgetisnull(q->r, q->row, i);
}

static int64_t pg_col_int(vcm_stmt *q, int i)
{
    if (PQgetisnull(q->r, q->row, i))
        return 0;
    const char *v = PQgetvalue(q->r, q->row, i);
    if (v[0] == 't' || v[0] == 'f') /* a boolean */
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

static double pg_col_real(vcm_stmt *q, int i)
{
    return PQgetisnull(q->r, q->row, i) ? 0 : strtod(PQgetvalue(q->r, q->row, i), NULL);
}

static const char *pg_col_text(vcm_stmt *q, int i, size_t *len)
{
    bool null = PQgetisnull(q->r, q->row, i);
    if (len)
        *len = null ? 0 : (size_t)PQgetlength(q->r, q->row, i);
    return null ? NULL : PQgetvalue(q->r, q->row, i);
}

static int pg_begin(vcm_conn *c, bool write)
{
    if (c->in_tx)
        return fail_msg(c, "a transaction is open already");
    /* one writer at a time, as in SQLite (BEGIN IMMEDIATE) */
    if (pg_exec(c, write ? "BEGIN; SELECT pg_advisory_xact_lock(" WRITERS_LOCK ")"
                         : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") < 0) {
        if (PQstatus(c->conn) == CONNECTION_OK)
            PQclear(exec_text(c, "ROLLBACK"));
        return -1;
    }
    c->in_tx = true;
    return 0;
}

static int pg_commit(vcm_conn *c)
{
    c->in_tx = false;
    if (PQstatus(c->conn) != CONNECTION_OK)
        return fail_msg(c, "lost the connection to the database server during the transaction");
    PGresult *r = exec_text(c, "COMMIT");
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : fail_pg(c, r);
    if (!r) /* the open COPY failed: the transaction is lost */
        PQclear(exec_text(c, "ROLLBACK"));
    /* COMMIT of a transaction that failed answers ROLLBACK */
    else if (rc == 0 && strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
        rc = fail_msg(c, "the transaction had failed");
    PQclear(r);
    return rc;
}

static int pg_rollback(vcm_conn *c)
{
    c->in_tx = false;
    if (PQstatus(c->conn) != CONNECTION_OK) {
        c->copying = NULL;
        return 0; /* the server dropped it with the connection */
    }
    copy_end(c, "rolled back");
    c->copy_failed = false;
    return pg_exec(c, "ROLLBACK");
}

static int pg_data_version(vcm_conn *c, int64_t *out)
{
    vcm_stmt *q = &c->version;
    pg_reset(q);
    int rc = pg_step(q);
    *out = rc == VCM_ROW ? pg_col_int(q, 0) : 0;
    pg_reset(q);
    return rc < 0 ? -1 : 0;
}

static int64_t first_int(vcm_conn *c, const char *sql)
{
    PGresult *r = exec_text(c, sql);
    int64_t v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 &&
                        !PQgetisnull(r, 0, 0)
                    ? (PQgetvalue(r, 0, 0)[0] == 't' ? 1 : strtoll(PQgetvalue(r, 0, 0), NULL, 10))
                    : -1;
    if (v < 0)
        fail_pg(c, r);
    PQclear(r);
    return v;
}

/* A hot standby (streaming replication, for reads) cannot migrate: it must
 * already have every migration this program knows, from its primary. */
static int pg_migrations(vcm_conn *c, bool lock, int want, bool *skip)
{
    *skip = false;
    if (!lock) {
        if (PQstatus(c->conn) == CONNECTION_OK)
            PQclear(exec_text(c, "SELECT pg_advisory_unlock(" MIGRATIONS_LOCK ")"));
        return 0;
    }
    int64_t standby = first_int(c, "SELECT pg_is_in_recovery()");
    if (standby < 0)
        return -1;
    if (standby) {
        int64_t have = first_int(c, "SELECT coalesce(max(version), 0) FROM schema_migrations");
        if (have < want) {
            snprintf(c->error, sizeof c->error,
                     "the server is a read-only standby whose schema is at migration %d, "
                     "this program needs %d: start a node on the primary first",
                     have < 0 ? 0 : (int)have, want);
            return -1;
        }
        *skip = true;
        return 0;
    }
    /* One node migrates at a time; the others wait, then find it done. */
    return pg_exec(c, "SET client_min_messages = warning; "
                      "SELECT pg_advisory_lock(" MIGRATIONS_LOCK ")");
}

/* COPY's text format: \N for null, backslash escapes for the rest. */
static void copy_value(vcm_buf *b, const vcm_value *v)
{
    switch (v->type) {
    case VCM_V_NULL: vcm_buf_puts(b, "\\N"); return;
    case VCM_V_INT: vcm_buf_printf(b, "%lld", (long long)v->i); return;
    case VCM_V_REAL: vcm_buf_printf(b, "%.17g", v->r); return;
    case VCM_V_TEXT: break;
    }
    for (const char *p = v->t; *p;) {
        size_t plain = strcspn(p, "\\\t\n\r");
        vcm_buf_append(b, p, plain);
        p += plain;
        if (*p) {
            char esc[3] = {'\\', *p == '\t' ? 't' : *p == '\n' ? 'n' : *p == '\r' ? 'r' : '\\', 0};
            vcm_buf_append(b, esc, 2);
            p++;
        }
    }
}

/* Starts a COPY of t's columns. */
static int copy_start(vcm_conn *c, const vcm_table *t)
{
    if (ensure_conn(c) < 0)
        return -1;
    vcm_buf_reset(&c->out);
    vcm_buf_printf(&c->out, "COPY %s(", t->name);
    for (size_t i = 0; i < t->ncols; i++)
        vcm_buf_printf(&c->out, "%s%s", i ? ", " : "", t->cols[i]);
    vcm_buf_puts(&c->out, ") FROM STDIN");
    PGresult *r = c->out.toobig ? NULL : exec_text(c, c->out.data);
    vcm_buf_reset(&c->out);
    int rc = PQresultStatus(r) == PGRES_COPY_IN ? 0 : fail_pg(c, r);
    PQclear(r);
    if (rc == 0)
        c->copying = t;
    return rc;
}

static int pg_copy(vcm_conn *c, const vcm_table *t, const vcm_value *rows, size_t n)
{
    if (c->copying && (c->copying != t || n == 0) && copy_end(c, NULL) < 0)
        return -1;
    if (n == 0 || (!c->copying && copy_start(c, t) < 0))
        return n == 0 ? 0 : -1;
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < t->ncols; i++) {
            if (i)
                vcm_buf_putc(&c->out, '\t');
            copy_value(&c->out, &rows[k * t->ncols + i]);
        }
        vcm_buf_putc(&c->out, '\n');
        if (c->out.toobig) {
            copy_end(c, "a row is too large");
            return fail_msg(c, "cannot store rows: a row is too large");
        }
        if (c->out.len >= COPY_CHUNK) {
            if (PQputCopyData(c->conn, c->out.data, (int)c->out.len) != 1)
                return copy_end(c, NULL) < 0 ? -1 : fail_pg(c, NULL);
            vcm_buf_reset(&c->out);
        }
    }
    /* outside a transaction the caller counts on the rows being written */
    return c->in_tx ? 0 : copy_end(c, NULL) < 0 ? -1 : 0;
}

/* A server that went away sent its goodbye (or closed the socket): reading
 * what waits, without blocking, tells. */
static bool pg_connected(vcm_conn *c)
{
    /* twice: a server's last message and its closing come in two reads */
    for (int i = 0; i < 2 && PQstatus(c->conn) == CONNECTION_OK; i++)
        PQconsumeInput(c->conn);
    if (PQstatus(c->conn) == CONNECTION_OK)
        return true;
    snprintf(c->error, sizeof c->error, "lost the connection to the database server at %s%s",
             c->where, c->in_tx ? " during a transaction" : "");
    return false;
}

static size_t pg_prepared(vcm_conn *c)
{
    return c->slots.n;
}

static int64_t pg_round_trips(vcm_conn *c)
{
    return c->trips;
}

static void stmt_free(vcm_stmt *q)
{
    pg_reset(q);
    free(q->sql);
}

static void pg_close(vcm_conn *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->slots.cap; i++) {
        vcm_stmt *q = vcm_slots_at(&c->slots, i);
        if (q) {
            stmt_free(q);
            free(q);
        }
    }
    vcm_slots_release(&c->slots);
    stmt_free(&c->version);
    if (c->conn)
        PQfinish(c->conn);
    vcm_buf_release(&c->out);
    free(c);
}

/* The host and port a URL names, for messages when no connection exists:
 * postgres://[user[:password]@]host[:port]/… */
static void url_where(const char *url, char *out, size_t size)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *end = p + strcspn(p, "/?#");
    for (const char *k = p; k < end; k++) /* the last '@': a password may hold one */
        if (*k == '@')
            p = k + 1;
    int n = (int)(end - p);
    if (n == 0)
        snprintf(out, size, "localhost:5432");
    else if (!memchr(p, ':', (size_t)n) || (p[0] == '[' && p[n - 1] == ']'))
        snprintf(out, size, "%.*s:5432", n, p);
    else
        snprintf(out, size, "%.*s", n, p);
}

static vcm_conn *pg_open(const char *url, char *err, size_t errlen)
{
    vcm_conn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->gen = 1;
    vcm_buf_init(&c->out, (size_t)64 << 20);
    c->version.c = c;
    snprintf(c->version.name, sizeof c->version.name, "dv");
    c->version.sql = strdup("SELECT v FROM data_version");
    url_where(url, c->where, sizeof c->where);
    /* libpq ends the user part at the first '@': a second one means a
     * password that was not percent-encoded, and would show in messages */
    const char *sep = strstr(url, "://"), *auth = sep ? sep + 3 : url;
    size_t alen = strcspn(auth, "/?#"), ats = 0;
    for (size_t i = 0; i < alen; i++)
        ats += auth[i] == '@';
    if (!c->version.sql) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
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
    c->conn = PQconnectdb(url);
    if (!c->conn || PQstatus(c->conn) != CONNECTION_OK) {
        char buf[400];
        snprintf(err, errlen, "cannot reach the database server at %s: %s", c->where,
                 c->conn ? one_line(PQerrorMessage(c->conn), buf, sizeof buf) : "out of memory");
        goto fail;
    }
    const char *h = PQhost(c->conn), *p = PQport(c->conn);
    snprintf(c->where, sizeof c->where, "%s:%s", h && *h ? h : "localhost", p && *p ? p : "5432");
    return c;
fail:
    pg_close(c);
    return NULL;
}

VCM_DRIVER(vcm_driver_pg, pg, "postgres", VCM_PG, "src/store/schema/pg/", true);
