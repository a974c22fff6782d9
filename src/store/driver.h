/* A SQL driver: the few primitive operations the store needs from an engine.
 *
 * The store (store.c and the files beside it) is written once, above this
 * table, the way SQLite's VFS or curl's vtls keep a backend to primitives:
 * drv_sqlite.c and drv_pg.c are the only files that call sqlite3_* or PQ*.
 *
 * Statements are written with ?1, ?2… placeholders; a driver whose engine
 * wants another form rewrites them when it prepares (PostgreSQL: $1, $2…).
 * Each connection keeps its prepared statements in numbered slots that the
 * store assigns (numbers below VCM_SLOTS): a slot is prepared on first use
 * and kept for the connection's life, in a table of the slots used
 * (slots.h), so that a connection holds only what it prepared (the PostgreSQL driver prepares it again,
 * from the text it kept, after a reconnection).
 *
 * A statement runs as: bind values, step until it answers VCM_DONE (or stop
 * early), reset. Column values live until the next step or reset. Text
 * bound is used by reference until the reset.
 *
 * Errors: a function that fails returns -1 (step: a VCM_E_* code) and the
 * driver keeps the engine's message, on one line, for error(). */
#ifndef VCM_STORE_DRIVER_H
#define VCM_STORE_DRIVER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct vcm_conn vcm_conn; /* one connection; the driver's own */
typedef struct vcm_stmt vcm_stmt; /* one prepared statement of a connection */

/* What step answers. */
enum {
    VCM_ROW = 1,
    VCM_DONE = 0,
    VCM_E_FAIL = -1,
    VCM_E_UNIQUE = -2,  /* a unique key would be repeated */
    VCM_E_FOREIGN = -3, /* a reference to a row that does not exist */
};

/* Statement flags. */
enum {
    VCM_STREAM = 1, /* rows come one at a time (a whole table, larger than memory) */
};

/* The bound of slot numbers. Filter queries take most: one a kind and
 * combination of conditions (store_int.h), prepared only when used, so a
 * connection holds a few dozen of them, not this many. */
#define VCM_SLOTS 262144u
/* Tables a bulk copy may write in one connection: at least every table of
 * the store (store.c checks), plus the activity log. */
#define VCM_COPY_TABLES 128u

typedef enum vcm_dialect { VCM_SQLITE, VCM_PG, VCM_DIALECTS } vcm_dialect;

typedef struct vcm_driver {
    const char *name;
    vcm_dialect dialect;
    const char *schema; /* the asset folder of its migrations */
    /* Whether every statement costs a round trip to a server. Then rows
     * written in a transaction are gathered into one bulk write (copy)
     * instead of one statement each; otherwise (an embedded engine) a read
     * of several statements takes a snapshot around them for free. */
    bool remote;

    /* Opens the connection named by url (the part after "sqlite:" for
     * SQLite). NULL with the reason in err. */
    vcm_conn *(*open)(const char *url, char *err, size_t errlen);
    void (*close)(vcm_conn *c);
    /* The last error, on one line ("" when none). */
    const char *(*error)(vcm_conn *c);
    /* What to call the database in messages, from name (what open got). */
    void (*describe)(vcm_conn *c, const char *name, char *out, size_t size);

    /* Runs SQL text without parameters or rows (it may hold several
     * statements, as a migration does). */
    int (*exec)(vcm_conn *c, const char *sql);
    /* The statement of slot, reset and with no values bound. sql: its text
     * the first time; NULL afterwards (then NULL comes back, without an
     * error, when the slot was never prepared). */
    vcm_stmt *(*prepare)(vcm_conn *c, unsigned slot, const char *sql, unsigned flags);
    void (*bind_null)(vcm_stmt *q, int i);
    void (*bind_int)(vcm_stmt *q, int i, int64_t v);
    void (*bind_real)(vcm_stmt *q, int i, double v);
    void (*bind_text)(vcm_stmt *q, int i, const char *v); /* NULL: null */
    int (*step)(vcm_stmt *q);
    bool (*is_null)(vcm_stmt *q, int i);
    int64_t (*col_int)(vcm_stmt *q, int i); /* booleans are 0 or 1 */
    double (*col_real)(vcm_stmt *q, int i);
    const char *(*col_text)(vcm_stmt *q, int i, size_t *len); /* NULL for null */
    void (*reset)(vcm_stmt *q);

    /* Transactions. write: one writer at a time (the writers' lock), others
     * wait; !write: a read-only snapshot that holds no writer up. */
    int (*begin)(vcm_conn *c, bool write);
    int (*commit)(vcm_conn *c);
    int (*rollback)(vcm_conn *c);
    /* A number that changes whenever committed data changes, by any
     * connection of any process (the hook content caches follow). */
    int (*data_version)(vcm_conn *c, int64_t *out);
    /* Around the migrations: *skip when this connection must not migrate
     * (a read-only standby that already has want of them); lock false
     * releases what lock true took. */
    int (*migrations)(vcm_conn *c, bool lock, int want, bool *skip);

    /* Bulk write: inserts n rows of table t as given (PostgreSQL: COPY;
     * SQLite: one prepared statement run for each). Inside a transaction a
     * driver may keep it open for the rows of its next calls for the same
     * table, and report what the rows met later: it ends it before any
     * other request, and when called with n == 0. */
    int (*copy)(vcm_conn *c, const vcm_table *t, const vcm_value *rows, size_t n);
    /* Whether the connection still stands, by what has arrived already
     * (no request): a call that skips its request checks it, so that a
     * lost server is still told at once. */
    bool (*connected)(vcm_conn *c);
    /* Requests sent to the server so far (0 for an embedded engine). */
    int64_t (*round_trips)(vcm_conn *c);
    /* Statements the connection holds prepared (one a slot used). */
    size_t (*prepared)(vcm_conn *c);
} vcm_driver;

/* Defines the table of a driver whose functions are named PREFIX_open,
 * PREFIX_close, … (in the order of struct vcm_driver). */
#define VCM_DRIVER(var, p, name_, dialect_, schema_, remote_) \
    const vcm_driver var = {.name = name_, .dialect = dialect_, .schema = schema_, \
                            .remote = remote_, \
    .open = p##_open, \
    .close = p##_close, \
    .error = p##_error, \
    .describe = p##_describe, \
    .exec = p##_exec, \
    .prepare = p##_prepare, \
    .bind_null = p##_bind_null, \
    .bind_int = p##_bind_int, \
    .bind_real = p##_bind_real, \
    .bind_text = p##_bind_text, \
    .step = p##_step, \
    .is_null = p##_is_null, \
    .col_int = p##_col_int, \
    .col_real = p##_col_real, \
    .col_text = p##_col_text, \
    .reset = p##_reset, \
    .begin = p##_begin, \
    .commit = p##_commit, \
    .rollback = p##_rollback, \
    .data_version = p##_data_version, \
    .migrations = p##_migrations, \
    .copy = p##_copy, \
    .connected = p##_connected, \
    .round_trips = p##_round_trips, \
    .prepared = p##_prepared}

extern const vcm_driver vcm_driver_sqlite;
extern const vcm_driver vcm_driver_pg;

/* Opens a store on a driver (store.c). */
vcm_store *vcm_store_open_driver(const vcm_driver *d, const char *url, const char *name,
                                 char *err, size_t errlen);
/* The driver's round-trip counter of a store, for tests and benchmarks. */
int64_t vcm_store_round_trips(vcm_store *s);
/* The statements a store's connection holds prepared, for tests. */
size_t vcm_store_prepared(vcm_store *s);
#endif
