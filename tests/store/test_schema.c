/* The two schemas alike: the migrations of schema/sqlite/ and schema/pg/
 * are written twice (the dialects differ), so this test opens a store on
 * each and compares what they made, read from each engine's catalogue:
 * tables, columns (name, type, null or not, in order), primary keys,
 * foreign keys (with their ON DELETE), unique and plain indexes (by their
 * columns, whatever their names), and the number of CHECK constraints.
 * Types compare by kind: integer, real, text. Runs in tests/run.sh's
 * PostgreSQL pass (it needs both engines); skipped without VCM_TEST_PG. */
#include "testutil.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <dirent.h>

#include "core/buf.h"
#include "store/store.h"
#include "store/store_int.h"

/* Tables an engine keeps for itself; the rest must match. */
static bool own_table(const char *t)
{
    return strcmp(t, "schema_migrations") == 0 || strncmp(t, "sqlite_", 7) == 0 ||
           strcmp(t, "data_version") == 0; /* PostgreSQL's data-version hook (driver.h) */
}

/* The differences the schemas are known to have, each with its reason.
 * changes: SQLite keys on seq, its AUTOINCREMENT drawing the seqs;
 * PostgreSQL draws them from changes_seq and keys on the object. */
static const char *const known[] = {
    "pk changes(seq)",
    "unique changes(object_id)",
    "pk changes(object_id)",
    "unique changes(seq)",
};

static bool is_known(const char *line)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(line, known[i]) == 0)
            return true;
    return false;
}

static const char *kind(const char *type)
{
    if (strcasestr(type, "int"))
        return "integer";
    if (strcasestr(type, "real") || strcasestr(type, "double"))
        return "real";
    return "text";
}

/* Lines of a schema description, sorted for comparison. */
struct desc {
    char **v;
    size_t n, cap;
};

static void add(struct desc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct desc *d, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (is_known(line))
        return;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->v = realloc(d->v, d->cap * sizeof *d->v);
        assert_non_null(d->v);
    }
    d->v[d->n++] = strdup(line);
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void desc_free(struct desc *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i]);
    free(d->v);
}

/* ---- SQLite's catalogue ---------------------------------------------------- */

static void sq_rows(sqlite3 *db, const char *sql, void (*fn)(void *, sqlite3_stmt *), void *ud)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    while (sqlite3_step(q) == SQLITE_ROW)
        fn(ud, q);
    sqlite3_finalize(q);
}

struct sq_ctx {
    sqlite3 *db;
    struct desc *d;
    const char *table;
    char cols[256];
};

#define TXT(q, i) ((const char *)sqlite3_column_text(q, i))

static void sq_index_col(void *ud, sqlite3_stmt *q)
{
    struct sq_ctx *c = ud;
    size_t n = strlen(c->cols);
    snprintf(c->cols + n, sizeof c->cols - n, "%s%s", n ? "," : "", TXT(q, 2));
}

static void sq_index(void *ud, sqlite3_stmt *q)
{
    struct sq_ctx *c = ud;
    const char *origin = TXT(q, 3);
    struct sq_ctx ic = {.db = c->db};
    char sql[300];
    snprintf(sql, sizeof sql, "PRAGMA index_info('%s')", TXT(q, 1));
    sq_rows(c->db, sql, sq_index_col, &ic);
    if (strcmp(origin, "pk") == 0)
        add(c->d, "pk %s(%s)", c->table, ic.cols);
    else
        add(c->d, "%s %s(%s)", sqlite3_column_int(q, 2) ? "unique" : "index", c->table, ic.cols);
}

static void sq_column(void *ud, sqlite3_stmt *q)
{
    struct sq_ctx *c = ud;
    bool pk = sqlite3_column_int(q, 5) > 0;
    add(c->d, "column %s.%02d %s %s%s", c->table, sqlite3_column_int(q, 0), TXT(q, 1),
        kind(TXT(q, 2)), sqlite3_column_int(q, 3) || pk ? " not null" : "");
    if (pk) {
        size_t n = strlen(c->cols);
        snprintf(c->cols + n, sizeof c->cols - n, "%s%s", n ? "," : "", TXT(q, 1));
    }
}

static void sq_fk(void *ud, sqlite3_stmt *q)
{
    struct sq_ctx *c = ud;
    const char *del = TXT(q, 6);
    add(c->d, "fk %s(%s) -> %s(%s) on delete %s", c->table, TXT(q, 3), TXT(q, 2), TXT(q, 4),
        strcasecmp(del, "NO ACTION") == 0 ? "nothing" : del);
}

static void sq_table(void *ud, sqlite3_stmt *q)
{
    struct sq_ctx *c = ud;
    const char *t = TXT(q, 0);
    if (own_table(t))
        return;
    add(c->d, "table %s", t);
    int checks = 0;
    for (const char *p = TXT(q, 1); (p = strstr(p, "CHECK (")); p++)
        checks++;
    add(c->d, "checks %s %d", t, checks);
    struct sq_ctx tc = {.db = c->db, .d = c->d, .table = t};
    char sql[300];
    snprintf(sql, sizeof sql, "PRAGMA table_info('%s')", t);
    sq_rows(c->db, sql, sq_column, &tc);
    /* a rowid key (INTEGER PRIMARY KEY) has no index of its own */
    bool rowid_pk = tc.cols[0] && !strchr(tc.cols, ',');
    if (rowid_pk) {
        snprintf(sql, sizeof sql, "SELECT 1 FROM pragma_index_list('%s') WHERE origin = 'pk'", t);
        sqlite3_stmt *k;
        assert_int_equal(sqlite3_prepare_v2(c->db, sql, -1, &k, NULL), SQLITE_OK);
        rowid_pk = sqlite3_step(k) != SQLITE_ROW;
        sqlite3_finalize(k);
    }
    if (rowid_pk)
        add(c->d, "pk %s(%s)", t, tc.cols);
    snprintf(sql, sizeof sql, "PRAGMA index_list('%s')", t);
    sq_rows(c->db, sql, sq_index, &tc);
    snprintf(sql, sizeof sql, "PRAGMA foreign_key_list('%s')", t);
    sq_rows(c->db, sql, sq_fk, &tc);
}

static void describe_sqlite(const char *path, struct desc *d)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    struct sq_ctx c = {.db = db, .d = d};
    /* with the operational file the driver attaches (schema 009) */
    char attach[1100];
    snprintf(attach, sizeof attach, "ATTACH '%s-ops' AS ops", path);
    assert_int_equal(sqlite3_exec(db, attach, NULL, NULL, NULL), SQLITE_OK);
    sq_rows(db, "SELECT name, sql FROM sqlite_master WHERE type = 'table' UNION ALL "
                "SELECT name, sql FROM ops.sqlite_master WHERE type = 'table'", sq_table, &c);
    sqlite3_close(db);
}

/* ---- PostgreSQL's catalogue ----------------------------------------------- */

static PGresult *pg_q(PGconn *conn, const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQresultErrorMessage(r));
    return r;
}

static void describe_pg(const char *url, struct desc *d)
{
    PGconn *conn = PQconnectdb(url);
    assert_int_equal(PQstatus(conn), CONNECTION_OK);
    PGresult *r = pg_q(conn, "SELECT c.relname, (SELECT count(*) FROM pg_constraint k WHERE "
                             "k.conrelid = c.oid AND k.contype = 'c') FROM pg_class c JOIN "
                             "pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
                             "AND n.nspname = current_schema()");
    for (int i = 0; i < PQntuples(r); i++)
        if (!own_table(PQgetvalue(r, i, 0))) {
            add(d, "table %s", PQgetvalue(r, i, 0));
            add(d, "checks %s %s", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
        }
    PQclear(r);
    r = pg_q(conn, "SELECT table_name, ordinal_position - 1, column_name, data_type, "
                   "is_nullable FROM information_schema.columns WHERE table_schema = "
                   "current_schema()");
    for (int i = 0; i < PQntuples(r); i++)
        if (!own_table(PQgetvalue(r, i, 0)))
            add(d, "column %s.%02d %s %s%s", PQgetvalue(r, i, 0), atoi(PQgetvalue(r, i, 1)),
                PQgetvalue(r, i, 2), kind(PQgetvalue(r, i, 3)),
                strcmp(PQgetvalue(r, i, 4), "NO") == 0 ? " not null" : "");
    PQclear(r);
    /* indexes with their columns in order; primary keys apart */
    r = pg_q(conn, "SELECT t.relname, i.indisprimary, i.indisunique, (SELECT string_agg("
                   "a.attname, ',' ORDER BY k.n) FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n) "
                   "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) "
                   "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n "
                   "ON n.oid = t.relnamespace WHERE n.nspname = current_schema()");
    for (int i = 0; i < PQntuples(r); i++) {
        const char *t = PQgetvalue(r, i, 0);
        if (own_table(t))
            continue;
        if (PQgetvalue(r, i, 1)[0] == 't')
            add(d, "pk %s(%s)", t, PQgetvalue(r, i, 3));
        else
            add(d, "%s %s(%s)", PQgetvalue(r, i, 2)[0] == 't' ? "unique" : "index", t,
                PQgetvalue(r, i, 3));
    }
    PQclear(r);
    r = pg_q(conn, "SELECT t.relname, a.attname, f.relname, b.attname, k.confdeltype FROM "
                   "pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class f ON "
                   "f.oid = k.confrelid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum "
                   "= k.conkey[1] JOIN pg_attribute b ON b.attrelid = f.oid AND b.attnum = "
                   "k.confkey[1] JOIN pg_namespace n ON n.oid = t.relnamespace WHERE k.contype "
                   "= 'f' AND n.nspname = current_schema()");
    for (int i = 0; i < PQntuples(r); i++) {
        char del = PQgetvalue(r, i, 4)[0];
        add(d, "fk %s(%s) -> %s(%s) on delete %s", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
            PQgetvalue(r, i, 2), PQgetvalue(r, i, 3),
            del == 'c' ? "CASCADE" : del == 'n' ? "SET NULL" : del == 'r' ? "RESTRICT" : "nothing");
    }
    PQclear(r);
    PQfinish(conn);
}

static void test_schemas_alike(void **state)
{
    (void)state;
    if (!vt_pg())
        skip();
    char *dir = vt_tmpdir();
    char url[1024], path[1024], err[600];
    vt_db_url(url, sizeof url, dir, "schema"); /* PostgreSQL: a fresh schema */
    vcm_store *pg = vcm_store_open(url, err, sizeof err);
    if (!pg)
        fail_msg("open %s: %s", url, err);
    vcm_store_close(pg);
    snprintf(path, sizeof path, "%s/schema.db", dir);
    char lite[1100];
    snprintf(lite, sizeof lite, "sqlite:%s", path);
    vcm_store *sq = vcm_store_open(lite, err, sizeof err);
    if (!sq)
        fail_msg("open %s: %s", lite, err);
    vcm_store_close(sq);

    struct desc a = {0}, b = {0};
    describe_sqlite(path, &a);
    describe_pg(url, &b);
    qsort(a.v, a.n, sizeof *a.v, cmp_line);
    qsort(b.v, b.n, sizeof *b.v, cmp_line);
    assert_true(a.n > 50); /* the catalogues were read */
    vcm_buf diff;
    vcm_buf_init(&diff, 1 << 16);
    size_t i = 0, j = 0;
    while (i < a.n || j < b.n) {
        int c = i == a.n ? 1 : j == b.n ? -1 : strcmp(a.v[i], b.v[j]);
        if (c < 0)
            vcm_buf_printf(&diff, "  only in SQLite:     %s\n", a.v[i++]);
        else if (c > 0)
            vcm_buf_printf(&diff, "  only in PostgreSQL: %s\n", b.v[j++]);
        else
            i++, j++;
    }
    if (diff.len)
        fail_msg("the schemas differ:\n%s", diff.data);
    vcm_buf_release(&diff);
    desc_free(&a);
    desc_free(&b);
    vt_rmrf(dir);
    free(dir);
}

/* After `vcm db copy` into PostgreSQL the rows keep their ids, so every
 * sequence behind a bigserial column must be moved past them (S_FINISH and
 * S_FINISH_MORE),
 * else the next insert collides with a copied row. Read from the
 * migrations themselves, so a new table cannot be forgotten; no server
 * needed. */
static void test_every_sequence_follows_a_copy(void **state)
{
    (void)state;
    const char *dir = "src/store/schema/pg";
    assert_non_null(vcm_sql(S_FINISH, VCM_PG));
    assert_non_null(vcm_sql(S_FINISH_MORE, VCM_PG));
    char finish[16384];
    snprintf(finish, sizeof finish, "%s\n%s", vcm_sql(S_FINISH, VCM_PG),
             vcm_sql(S_FINISH_MORE, VCM_PG));
    DIR *d = opendir(dir);
    assert_non_null(d);
    vcm_buf missing;
    vcm_buf_init(&missing, 1 << 14);
    int seen = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".sql"))
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *sql = vt_read_file(path, NULL);
        assert_non_null(sql);
        char table[128] = "";
        for (char *line = strtok(sql, "\n"); line; line = strtok(NULL, "\n")) {
            if (sscanf(line, "CREATE TABLE %127[a-z_0-9]", table) == 1)
                continue;
            char col[128];
            if (table[0] && sscanf(line, " %127[a-z_0-9] bigserial", col) == 1 &&
                strstr(line, "bigserial")) {
                char seq[300];
                snprintf(seq, sizeof seq, "'%s_%s_seq'", table, col);
                seen++;
                if (!strstr(finish, seq))
                    vcm_buf_printf(&missing, "%s (%s)\n", seq, e->d_name);
            }
        }
        free(sql);
    }
    closedir(d);
    assert_true(seen > 10);
    if (missing.len)
        fail_msg("sequences S_FINISH does not move after a copy:\n%s", missing.data);
    vcm_buf_release(&missing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schemas_alike),
        cmocka_unit_test(test_every_sequence_follows_a_copy),
    };
    return cmocka_run_group_tests_name("store/schema", tests, NULL, NULL);
}
