/* vcm db copy FROM TO: moves a whole database from one store to another
 * (sqlite:PATH ⇄ postgres://…), then verifies it.
 *
 * Every table of vcm_store_tables is read row by row from FROM and written
 * to TO as it is (ids, seqs, times kept), parents first, in one transaction
 * of TO: a copy that fails or is killed leaves TO as it was. Progress is
 * reported every --batch rows. TO must be empty, or a copy of the same FROM
 * made before (recorded in TO as "copied_from"): then its tables are
 * emptied and filled again, so running the copy again is safe and brings
 * TO up to date. TO keeps its own instance id (a search index built from
 * FROM is rebuilt for TO, never taken for it). FROM is read in one
 * read-only transaction (begin_read): a snapshot, while its writers go on.
 *
 * Verification reads every table of both again and compares, per table, the
 * count of rows and a checksum: the sum (mod 2^128, so independent of row
 * order and collation) of a BLAKE2b digest of each row's typed values. */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "store/store.h"
#include "core/banned.h"

struct sum {
    int64_t rows;
    uint64_t lo, hi;
};

struct copy {
    const vcm_table *t;
    size_t ti;
    vcm_store *to;         /* NULL: only count and sum */
    struct sum sum;
    long batch;
    bool progress, put_failed;
    double started;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Adds the digest of one row to the sum: each value as a type letter and
 * its canonical text, separated so that no two rows encode alike. */
static void sum_row(struct sum *s, const vcm_table *t, const vcm_value *row)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 16);
    for (size_t i = 0; i < t->ncols; i++) {
        char buf[48];
        const vcm_value *v = &row[i];
        switch (v->type) {
        case VCM_V_NULL:
            crypto_generichash_update(&st, (const unsigned char *)"n", 2);
            continue;
        case VCM_V_INT:
            snprintf(buf, sizeof buf, "i%" PRId64, v->i);
            break;
        case VCM_V_REAL:
            snprintf(buf, sizeof buf, "r%.17g", v->r);
            break;
        case VCM_V_TEXT: {
            size_t n = strlen(v->t);
            snprintf(buf, sizeof buf, "t%zu:", n);
            crypto_generichash_update(&st, (const unsigned char *)buf, strlen(buf));
            crypto_generichash_update(&st, (const unsigned char *)v->t, n + 1);
            continue;
        }
        }
        crypto_generichash_update(&st, (const unsigned char *)buf, strlen(buf) + 1);
    }
    unsigned char h[16];
    crypto_generichash_final(&st, h, sizeof h);
    uint64_t lo = 0, hi = 0;
    for (int i = 0; i < 8; i++) {
        lo |= (uint64_t)h[i] << (8 * i);
        hi |= (uint64_t)h[8 + i] << (8 * i);
    }
    uint64_t old = s->lo;
    s->lo += lo;
    s->hi += hi + (s->lo < old);
    s->rows++;
}

static int on_row(void *ud, const vcm_value *row)
{
    struct copy *c = ud;
    sum_row(&c->sum, c->t, row);
    if (c->to && c->to->ops->table_put(c->to, c->ti, row) < 0) {
        c->put_failed = true;
        return -1;
    }
    if (c->progress && c->sum.rows % c->batch == 0) {
        double el = now_s() - c->started;
        fprintf(stderr, "vcm db copy: %s: %lld rows, %.0f rows/s\n", c->t->name,
                (long long)c->sum.rows, el > 0 ? (double)c->sum.rows / el : 0);
    }
    return 0;
}

/* Empty, or a copy of the instance `from` made before: 1; otherwise 0. */
static int may_overwrite(vcm_store *to, const char *from, char *why, size_t wl)
{
    vcm_stats st;
    if (to->ops->stats(to, &st) < 0) {
        snprintf(why, wl, "%s", vcm_store_error(to));
        return -1;
    }
    vcm_arena a;
    vcm_arena_init(&a, 0);
    const char *was = NULL;
    int found = to->ops->meta_get(to, &a, "copied_from", &was);
    int ok = found == 1 && strcmp(was, from) == 0;
    vcm_arena_release(&a);
    if (found < 0) {
        snprintf(why, wl, "%s", vcm_store_error(to));
        return -1;
    }
    if (ok || (st.objects_all == 0 && st.museums_all == 0 && st.countries_all == 0))
        return 1;
    snprintf(why, wl,
             "it holds a collection (%lld objects, %lld museums) that is not a copy of the "
             "source: copy into an empty database",
             (long long)st.objects_all, (long long)st.museums_all);
    return 0;
}

static int copy_tables(vcm_store *from, vcm_store *to, const char *from_id, long batch,
                       bool quiet, struct sum *sums)
{
    if (vcm_store_begin(to) < 0)
        return -1;
    /* children first when emptying, parents first when filling */
    for (size_t i = vcm_store_ntables; i-- > 0;)
        if (to->ops->table_clear(to, i) < 0)
            goto fail;
    for (size_t i = 0; i < vcm_store_ntables; i++) {
        const vcm_table *t = &vcm_store_tables[i];
        /* writing objects and images moved them in TO's change sequence:
         * the source's sequence replaces what that made */
        if (strcmp(t->name, "changes") == 0 && to->ops->table_clear(to, i) < 0)
            goto fail;
        struct copy c = {.t = t, .ti = i, .to = to, .batch = batch, .progress = !quiet,
                         .started = now_s()};
        if (from->ops->table_scan(from, i, on_row, &c) < 0) {
            if (!c.put_failed)
                vcm_store_fail(to, "reading %s: %s", t->name, vcm_store_error(from));
            goto fail;
        }
        sums[i] = c.sum;
        if (!quiet)
            fprintf(stderr, "vcm db copy: %s: %lld rows copied\n", t->name,
                    (long long)c.sum.rows);
    }
    if (to->ops->meta_put(to, "copied_from", from_id) < 0 || to->ops->table_finish(to) < 0 ||
        vcm_store_commit(to) < 0)
        goto fail;
    return 0;
fail:
    vcm_store_rollback(to);
    return -1;
}

/* Opening an SQLite file creates it when it is missing, and sets up the
 * schema in an empty one: a mistyped source would then be copied as an
 * empty collection (over a target that is a copy of it, emptying it), and
 * leave a stray file behind. A source must already be a database. Returns
 * 0, or -1 with the reason in why. */
static int sqlite_source_exists(const char *url, char *why, size_t wl)
{
    const char *path = vcm_store_url_file(url);
    if (!path)
        return 0; /* a server's database is never created by connecting */
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, wl, "no database at '%s': %s (nothing was created)", path,
                 strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, wl, "'%s' is not a database file", path);
        return -1;
    }
    if (st.st_size == 0) {
        snprintf(why, wl, "'%s' is empty, not a VCM database", path);
        return -1;
    }
    return 0;
}

static int db_copy(vcm_config *cfg, const char *src, const char *dst)
{
    char err[1024], from_name[600], to_name[600];
    vcm_store_url_redact(src, from_name, sizeof from_name);
    vcm_store_url_redact(dst, to_name, sizeof to_name);
    if (strcmp(src, dst) == 0) {
        fprintf(stderr, "vcm db copy: the source and the target are the same database\n");
        return VCM_EXIT_USAGE;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "vcm db copy: cannot start libsodium\n");
        return VCM_EXIT_FAIL;
    }
    char why[600];
    if (sqlite_source_exists(src, why, sizeof why) < 0) {
        fprintf(stderr, "vcm db copy: source %s: %s\n", from_name, why);
        return VCM_EXIT_FAIL;
    }
    vcm_store *from = vcm_store_open(src, err, sizeof err);
    if (!from) {
        fprintf(stderr, "vcm db copy: source %s: %s\n", from_name, err);
        return VCM_EXIT_FAIL;
    }
    vcm_store *to = vcm_store_open(dst, err, sizeof err);
    if (!to) {
        fprintf(stderr, "vcm db copy: target %s: %s\n", to_name, err);
        vcm_store_close(from);
        return VCM_EXIT_FAIL;
    }
    int status = VCM_EXIT_FAIL;
    bool from_tx = false;
    char from_id[33], to_id[33];
    struct sum sums[128] = {{0}}; /* one a table of vcm_store_tables */
    assert(vcm_store_ntables <= sizeof sums / sizeof sums[0]);
    if (from->ops->instance_id(from, from_id) < 0) {
        fprintf(stderr, "vcm db copy: source %s: %s\n", from_name, vcm_store_error(from));
        goto out;
    }
    if (to->ops->instance_id(to, to_id) < 0) {
        fprintf(stderr, "vcm db copy: target %s: %s\n", to_name, vcm_store_error(to));
        goto out;
    }
    if (strcmp(from_id, to_id) == 0) {
        fprintf(stderr, "vcm db copy: the source and the target are the same database\n");
        status = VCM_EXIT_USAGE;
        goto out;
    }
    int ok = may_overwrite(to, from_id, why, sizeof why);
    if (ok <= 0) {
        fprintf(stderr, "vcm db copy: will not write into %s: %s\n", to_name, why);
        goto out;
    }
    double t0 = now_s();
    /* Every table of the source is read as of one moment, the same for the
     * copy and for its verification; the source's writers go on. */
    if (from->ops->begin_read(from) < 0) {
        fprintf(stderr, "vcm db copy: source %s: %s\n", from_name, vcm_store_error(from));
        goto out;
    }
    from_tx = true;
    if (copy_tables(from, to, from_id, cfg->batch, cfg->quiet, sums) < 0) {
        fprintf(stderr, "vcm db copy: %s (nothing was changed in %s)\n", vcm_store_error(to),
                to_name);
        goto out;
    }
    /* verify: both sides read again */
    bool same = true;
    printf("%-16s %10s  %-32s  %s\n", "table", "rows", "checksum", "verified");
    for (size_t i = 0; i < vcm_store_ntables; i++) {
        const vcm_table *t = &vcm_store_tables[i];
        struct copy a = {.t = t, .ti = i}, b = {.t = t, .ti = i};
        if (from->ops->table_scan(from, i, on_row, &a) < 0 ||
            to->ops->table_scan(to, i, on_row, &b) < 0) {
            fprintf(stderr, "vcm db copy: cannot verify %s: %s%s\n", t->name,
                    vcm_store_error(from), vcm_store_error(to));
            goto out;
        }
        bool eq = a.sum.rows == b.sum.rows && a.sum.lo == b.sum.lo && a.sum.hi == b.sum.hi;
        same = same && eq;
        printf("%-16s %10lld  %016" PRIx64 "%016" PRIx64 "  %s\n", t->name,
               (long long)b.sum.rows, b.sum.hi, b.sum.lo,
               eq ? "ok" : "DIFFERS from the source");
        if (!eq)
            fprintf(stderr, "vcm db copy: %s differs: %lld rows in the source, %lld in the copy\n",
                    t->name, (long long)a.sum.rows, (long long)b.sum.rows);
    }
    if (!same) {
        fprintf(stderr, "vcm db copy: verification failed: the copy differs from the source\n");
        goto out;
    }
    if (!cfg->quiet)
        fprintf(stderr, "vcm db copy: %s copied to %s and verified in %.1f s\n", from_name,
                to_name, now_s() - t0);
    status = VCM_EXIT_OK;
out:
    if (from_tx)
        vcm_store_rollback(from); /* it only read */
    vcm_store_close(from);
    vcm_store_close(to);
    return status;
}

/* vcm db origins [all]: the origins of the stored objects derived (again).
 * Opening the store already fills those missing after migration 6; this
 * re-derives every one after the thesaurus or the rule changed, as a
 * re-import does only for the records it writes. */
static int db_origins(vcm_config *c, bool all)
{
    char err[600];
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm db origins: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    int64_t n;
    int rc = vcm_store_origins_derive(s, all, &n);
    if (rc < 0)
        fprintf(stderr, "vcm db origins: %s\n", vcm_store_error(s));
    else if (!c->quiet)
        fprintf(stderr, "vcm db origins: derived the origin of %lld objects\n", (long long)n);
    vcm_store_close(s);
    return rc < 0 ? VCM_EXIT_FAIL : VCM_EXIT_OK;
}

int vcm_cmd_db(vcm_config *c)
{
    if (c->argc >= 2 && strcmp(c->argv[1], "copy") == 0) {
        if (c->argc != 4) {
            fprintf(stderr, "vcm db copy: name the source and the target: vcm db copy "
                            "sqlite:PATH postgres://… (or the other way round)\n");
            return VCM_EXIT_USAGE;
        }
        return db_copy(c, c->argv[2], c->argv[3]);
    }
    if (c->argc >= 2 && strcmp(c->argv[1], "origins") == 0) {
        bool all = c->argc == 3 && strcmp(c->argv[2], "all") == 0;
        if (c->argc > 3 || (c->argc == 3 && !all)) {
            fprintf(stderr, "vcm db origins: the only argument it takes is 'all'\n");
            return VCM_EXIT_USAGE;
        }
        return db_origins(c, all);
    }
    fprintf(stderr, "vcm db: unknown or missing subcommand (vcm db copy FROM TO, vcm db "
                    "origins [all])\n");
    return VCM_EXIT_USAGE;
}
