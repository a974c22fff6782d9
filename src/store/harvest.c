/* OAI-PMH in the store: the provider's datestamps and the harvester's
 * state (store/harvest.h, schema 013). Every statement is written once for
 * both engines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/harvest.h"
#include "store/store_int.h"
#include "core/banned.h"

/* A record's sets: parents first (a record of museum:12 is in museum too,
 * as OAI-PMH's set hierarchy has it), then the masterpieces. sig adds the
 * masterpiece's live version: publishing a new version changes the record
 * (its images) as surely as a new set does. */
#define SETS                                                                                 \
    "'museum museum:' || o.museum_id || ' country country:' || m.country || "                \
    "' region region:' || coalesce(c.region, 'other') || "                                   \
    "coalesce(' origin origin:' || g.region, '') || "                                         \
    "CASE WHEN coalesce(e.live_version, 0) <> 0 THEN ' masterpieces' ELSE '' END"
#define STAMP_FROM                                                                           \
    "INSERT INTO oai_records(object_id, stamp, deleted, sets, sig) "                          \
    "SELECT o.id, CAST(?1 AS bigint), CASE WHEN o.status = 'published' THEN 0 ELSE 1 END, "  \
    SETS ", " SETS " || '|' || coalesce(e.live_version, 0) FROM objects o "                  \
    "JOIN museums m ON m.id = o.museum_id LEFT JOIN countries c ON c.code = m.country "      \
    "LEFT JOIN object_origins g ON g.object_id = o.id "                                     \
    "LEFT JOIN entries e ON e.object_id = o.id "                                             \
    "WHERE (o.status = 'published' OR EXISTS (SELECT 1 FROM oai_records r "                  \
    "WHERE r.object_id = o.id AND r.deleted = 0)) AND "
#define STAMP_SET                                                                            \
    " ON CONFLICT(object_id) DO UPDATE SET stamp = excluded.stamp, deleted = excluded.deleted, " \
    "sets = excluded.sets, sig = excluded.sig"
#define IN_SET "(?3 = '' OR (' ' || r.sets || ' ') LIKE ?3 ESCAPE '\\')"
#define SOURCE_COLS                                                                          \
    "id, url, museum_id, format, set_spec, every, created, last_stamp, token, run_from, "     \
    "run_stamp, lock_owner, lock_until, last_run, next_run, status, harvested, deleted, errors"

enum {
    H_STAMP_CHANGES, H_STAMP_SETS, H_SETS_FACTS, H_LIST, H_COUNT, H_GET, H_EARLIEST, H_ORIGINS,
    H_SRC_ADD, H_SRC_GET, H_SRC_LIST, H_LOCK, H_UNLOCK, H_PROGRESS, H_FINISH_OK, H_FINISH_FAIL,
    H_REC_GET, H_REC_PUT, H_REC_COUNT, H_ERR_PUT, H_ERR_DEL, H_UNMAPPED_ADD, H_ERR_LIST,
    H_UNMAPPED_LIST, H_COUNT_
};

static const char *const sql[H_COUNT_] = {
    /* the objects whose change the provider has not seen: (?2, ?3] */
    [H_STAMP_CHANGES] = STAMP_FROM "o.id IN (SELECT object_id FROM changes WHERE seq > ?2 AND "
                                   "seq <= ?3)" STAMP_SET,
    /* the objects whose sets changed without a change of the object */
    [H_STAMP_SETS] = STAMP_FROM SETS " || '|' || coalesce(e.live_version, 0) <> coalesce("
                                "(SELECT r.sig FROM oai_records r WHERE r.object_id = o.id), '')"
                                STAMP_SET,
    /* what set membership hangs on besides the objects' own rows */
    [H_SETS_FACTS] = "SELECT 'm' || id || ':' || country FROM museums UNION ALL "
                     "SELECT 'c' || code || ':' || region FROM countries UNION ALL "
                     "SELECT 'e' || object_id || ':' || live_version FROM entries "
                     "WHERE live_version <> 0",
    /* in key order from the last key given: the stamps are a filter, not
     * the index to walk (+), or each batch would sort every record stamped
     * in the range */
    [H_LIST] = "SELECT r.object_id, r.stamp, r.deleted, r.sets FROM oai_records r "
               "WHERE r.object_id > ?4 AND +r.stamp >= ?1 AND +r.stamp <= ?2 AND " IN_SET
               " ORDER BY r.object_id LIMIT ?5",
    [H_COUNT] = "SELECT count(*) FROM oai_records r WHERE r.stamp >= ?1 AND r.stamp <= ?2 AND "
                IN_SET,
    [H_GET] = "SELECT object_id, stamp, deleted, sets FROM oai_records WHERE object_id = ?1",
    [H_EARLIEST] = "SELECT coalesce(min(stamp), ?1) FROM oai_records",
    [H_ORIGINS] = "SELECT DISTINCT region FROM object_origins WHERE region IS NOT NULL "
                  "ORDER BY region",
    [H_SRC_ADD] = "INSERT INTO harvest_sources(url, museum_id, format, set_spec, every, created, "
                  "next_run, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 'new') RETURNING id",
    [H_SRC_GET] = "SELECT " SOURCE_COLS " FROM harvest_sources WHERE id = ?1",
    [H_SRC_LIST] = "SELECT " SOURCE_COLS " FROM harvest_sources ORDER BY id",
    [H_LOCK] = "UPDATE harvest_sources SET lock_owner = ?2, lock_until = ?4 WHERE id = ?1 AND "
               "(lock_owner IS NULL OR lock_owner = ?2 OR lock_until < ?3) RETURNING id",
    [H_UNLOCK] = "UPDATE harvest_sources SET lock_owner = NULL, lock_until = NULL "
                 "WHERE id = ?1 AND lock_owner = ?2",
    [H_PROGRESS] = "UPDATE harvest_sources SET token = ?2, run_from = ?3, run_stamp = ?4, "
                   "harvested = ?5, deleted = ?6, errors = ?7, status = 'running' WHERE id = ?1",
    [H_FINISH_OK] = "UPDATE harvest_sources SET last_stamp = run_stamp, token = NULL, "
                    "run_from = NULL, run_stamp = NULL, status = 'ok', last_run = ?2, "
                    "next_run = ?3 WHERE id = ?1",
    [H_FINISH_FAIL] = "UPDATE harvest_sources SET status = ?4, last_run = ?2, next_run = ?3 "
                      "WHERE id = ?1",
    [H_REC_GET] = "SELECT object_id FROM harvest_records WHERE source_id = ?1 AND identifier = ?2",
    [H_REC_PUT] = "INSERT INTO harvest_records(source_id, identifier, object_id, stamp) "
                  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(source_id, identifier) DO UPDATE SET "
                  "object_id = excluded.object_id, stamp = excluded.stamp",
    [H_REC_COUNT] = "SELECT count(*) FROM harvest_records WHERE source_id = ?1",
    [H_ERR_PUT] = "INSERT INTO harvest_errors(source_id, identifier, at, message) "
                  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(source_id, identifier) DO UPDATE SET "
                  "at = excluded.at, message = excluded.message",
    [H_ERR_DEL] = "DELETE FROM harvest_errors WHERE source_id = ?1 AND identifier = ?2",
    [H_UNMAPPED_ADD] = "INSERT INTO harvest_unmapped(source_id, path, records) VALUES "
                       "(?1, ?2, ?3) ON CONFLICT(source_id, path) DO UPDATE SET "
                       "records = harvest_unmapped.records + excluded.records",
    [H_ERR_LIST] = "SELECT identifier, message, at FROM harvest_errors WHERE source_id = ?1 "
                   "ORDER BY at DESC, identifier LIMIT ?2",
    [H_UNMAPPED_LIST] = "SELECT path, '', records FROM harvest_unmapped WHERE source_id = ?1 "
                        "ORDER BY records DESC, path LIMIT ?2",
};

static vcm_stmt *st(store *s, int k)
{
    return vcm_st_slot(s, SLOT_HARVEST + (unsigned)k, sql[k]);
}

/* ---- the provider's datestamps ------------------------------------------- */

/* A digest of what set membership hangs on besides the objects' rows. */
static int sets_digest(store *s, char out[17])
{
    vcm_stmt *q = st(s, H_SETS_FACTS);
    if (!q)
        return -1;
    /* FNV-1a over the rows, order-independent: each row's hash is added,
     * so the engines' orders of a UNION need not agree */
    uint64_t sum = 0;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        size_t len;
        const char *t = s->d->col_text(q, 0, &len);
        uint64_t h = 1469598103934665603ull;
        for (size_t i = 0; t && i < len; i++)
            h = (h ^ (unsigned char)t[i]) * 1099511628211ull;
        sum += h;
    }
    s->d->reset(q);
    if (rc < 0)
        return vcm_fail_db(s, "cannot read what the sets hang on");
    snprintf(out, 17, "%016llx", (unsigned long long)sum);
    return 0;
}

/* What has been stamped: the last change seq, the sets' digest. */
static int stamped(store *s, vcm_arena *a, int64_t *seq, const char **digest)
{
    const char *v;
    if (s->base.ops->meta_get(&s->base, a, "oai_seq", &v) < 0)
        return -1;
    *seq = v ? strtoll(v, NULL, 10) : 0;
    return s->base.ops->meta_get(&s->base, a, "oai_sets", digest) < 0 ? -1 : 0;
}

static int stamp_run(store *s, int k, int64_t now, int64_t after, int64_t head)
{
    vcm_stmt *q = st(s, k);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, now);
    if (k == H_STAMP_CHANGES) {
        s->d->bind_int(q, 2, after);
        s->d->bind_int(q, 3, head);
    }
    return vcm_run(s, q, "cannot stamp the OAI-PMH records");
}

int vcm_oai_catch_up(vcm_store *b, int64_t now)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int64_t seq, head;
    const char *old;
    char digest[17];
    int rc = -1;
    /* a look first, outside the writers' lock: most calls find nothing */
    if (stamped(s, &a, &seq, &old) < 0 || b->ops->change_head(b, &head) < 0 ||
        sets_digest(s, digest) < 0)
        goto out;
    if (head == seq && old && strcmp(old, digest) == 0) {
        rc = 0;
        goto out;
    }
    bool own;
    if (vcm_tx_begin(s, &own) < 0)
        goto out;
    /* again under the lock: another caller may have done it meanwhile,
     * and every seq up to head has committed now */
    rc = stamped(s, &a, &seq, &old) < 0 || b->ops->change_head(b, &head) < 0 ||
                 sets_digest(s, digest) < 0
             ? -1
             : 0;
    if (rc == 0 && head > seq) {
        char v[24];
        snprintf(v, sizeof v, "%lld", (long long)head);
        rc = stamp_run(s, H_STAMP_CHANGES, now, seq, head);
        if (rc == 0)
            rc = b->ops->meta_put(b, "oai_seq", v);
    }
    if (rc == 0 && (!old || strcmp(old, digest) != 0)) {
        rc = stamp_run(s, H_STAMP_SETS, now, 0, 0);
        if (rc == 0)
            rc = b->ops->meta_put(b, "oai_sets", digest);
    }
    rc = vcm_tx_end(s, own, rc);
out:
    vcm_arena_release(&a);
    return rc;
}

/* The LIKE pattern of a set ("" for any): its spec between spaces, with
 * LIKE's own characters escaped. */
static const char *set_pattern(vcm_arena *a, const char *set)
{
    if (!set || !*set)
        return "";
    size_t n = strlen(set);
    char *p = vcm_arena_alloc(a, 2 * n + 5);
    if (!p)
        return NULL;
    size_t k = 0;
    p[k++] = '%';
    p[k++] = ' ';
    for (size_t i = 0; i < n; i++) {
        if (set[i] == '%' || set[i] == '_' || set[i] == '\\')
            p[k++] = '\\';
        p[k++] = set[i];
    }
    p[k++] = ' ';
    p[k++] = '%';
    p[k] = '\0';
    return p;
}

static void read_item(store *s, vcm_arena *a, vcm_stmt *q, vcm_oai_item *it)
{
    it->object_id = s->d->col_int(q, 0);
    it->stamp = s->d->col_int(q, 1);
    it->deleted = s->d->col_int(q, 2) != 0;
    it->sets = vcm_col_dup(s, a, q, 3);
}

int vcm_oai_list(vcm_store *b, vcm_arena *a, const char *set, int64_t from, int64_t until,
                 int64_t after_id, int limit, vcm_oai_item **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    const char *pat = set_pattern(a, set);
    if (!pat)
        return vcm_store_fail(b, "out of memory");
    vcm_stmt *q = st(s, H_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, from);
    s->d->bind_int(q, 2, until);
    s->d->bind_text(q, 3, pat);
    s->d->bind_int(q, 4, after_id);
    s->d->bind_int(q, 5, limit);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_oai_item *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_item(s, a, q, &v[*n - 1]);
    }
    s->d->reset(q);
    return rc < 0 ? vcm_fail_db(s, "cannot list the OAI-PMH records") : 0;
}

int vcm_oai_count(vcm_store *b, const char *set, int64_t from, int64_t until, int64_t *n)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int rc = -1;
    const char *pat = set_pattern(&a, set);
    vcm_stmt *q = pat ? st(s, H_COUNT) : NULL;
    if (q) {
        s->d->bind_int(q, 1, from);
        s->d->bind_int(q, 2, until);
        s->d->bind_text(q, 3, pat);
        rc = vcm_first_int(s, q, "cannot count the OAI-PMH records", n);
    } else if (!pat) {
        vcm_store_fail(b, "out of memory");
    }
    vcm_arena_release(&a);
    return rc;
}

int vcm_oai_get(vcm_store *b, vcm_arena *a, int64_t object_id, vcm_oai_item *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, H_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, object_id);
    int rc = vcm_one_row(s, q, "cannot read an OAI-PMH record");
    if (rc == 1) {
        read_item(s, a, q, out);
        s->d->reset(q);
    }
    return rc;
}

int vcm_oai_earliest(vcm_store *b, int64_t now, int64_t *stamp)
{
    store *s = S(b);
    vcm_stmt *q = st(s, H_EARLIEST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, now);
    return vcm_first_int(s, q, "cannot read the earliest datestamp", stamp);
}

int vcm_oai_origins(vcm_store *b, vcm_arena *a, const char ***out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, H_ORIGINS);
    if (!q)
        return -1;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        const char **v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        v[*n - 1] = vcm_col_dup(s, a, q, 0);
    }
    s->d->reset(q);
    return rc < 0 ? vcm_fail_db(s, "cannot list the origins") : 0;
}

/* ---- the harvester's sources --------------------------------------------- */

int vcm_harvest_add(vcm_store *b, vcm_harvest_source *src)
{
    store *s = S(b);
    vcm_stmt *q = st(s, H_SRC_ADD);
    if (!q)
        return -1;
    src->created = vcm_now();
    s->d->bind_text(q, 1, src->url);
    s->d->bind_int(q, 2, src->museum_id);
    s->d->bind_text(q, 3, src->format);
    vcm_bind_opt(s, q, 4, src->set);
    s->d->bind_int(q, 5, src->every);
    s->d->bind_int(q, 6, src->created);
    int rc = vcm_returning(s, q, "cannot add the source", &src->id);
    if (rc < 0 && (strstr(b->error, "UNIQUE") || strstr(b->error, "unique")))
        return vcm_store_fail(b, "this source is harvested into this museum already");
    return rc < 0 ? -1 : 0;
}

static void read_source(store *s, vcm_arena *a, vcm_stmt *q, vcm_harvest_source *h)
{
    *h = (vcm_harvest_source){
        .id = s->d->col_int(q, 0),
        .url = vcm_col_dup(s, a, q, 1),
        .museum_id = s->d->col_int(q, 2),
        .format = vcm_col_dup(s, a, q, 3),
        .set = vcm_col_dup(s, a, q, 4),
        .every = s->d->col_int(q, 5),
        .created = s->d->col_int(q, 6),
        .last_stamp = vcm_col_dup(s, a, q, 7),
        .token = vcm_col_dup(s, a, q, 8),
        .run_from = vcm_col_dup(s, a, q, 9),
        .run_stamp = vcm_col_dup(s, a, q, 10),
        .lock_owner = vcm_col_dup(s, a, q, 11),
        .lock_until = vcm_col_int0(s, q, 12),
        .last_run = vcm_col_int0(s, q, 13),
        .next_run = vcm_col_int0(s, q, 14),
        .status = vcm_col_dup(s, a, q, 15),
        .harvested = s->d->col_int(q, 16),
        .deleted = s->d->col_int(q, 17),
        .errors = s->d->col_int(q, 18),
    };
}

int vcm_harvest_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_harvest_source *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, H_SRC_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read the source");
    if (rc == 1) {
        read_source(s, a, q, out);
        s->d->reset(q);
    }
    return rc;
}

int vcm_harvest_list(vcm_store *b, vcm_arena *a, vcm_harvest_source **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, H_SRC_LIST);
    if (!q)
        return -1;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_harvest_source *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_source(s, a, q, &v[*n - 1]);
    }
    s->d->reset(q);
    return rc < 0 ? vcm_fail_db(s, "cannot list the sources") : 0;
}

int vcm_harvest_lock(vcm_store *b, int64_t id, const char *owner, int64_t now, int64_t until)
{
    store *s = S(b);
    vcm_stmt *q = st(s, H_LOCK);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, owner);
    s->d->bind_int(q, 3, now);
    s->d->bind_int(q, 4, until);
    return vcm_returning(s, q, "cannot lock the source", NULL);
}

int vcm_harvest_unlock(vcm_store *b, int64_t id, const char *owner)
{
    store *s = S(b);
    vcm_stmt *q = st(s, H_UNLOCK);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, owner);
    return vcm_run(s, q, "cannot unlock the source");
}

int vcm_harvest_progress(vcm_store *b, int64_t id, const char *token, const char *run_from,
                         const char *run_stamp, int64_t harvested, int64_t deleted,
                         int64_t errors)
{
    store *s = S(b);
    vcm_stmt *q = st(s, H_PROGRESS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    vcm_bind_opt(s, q, 2, token);
    vcm_bind_opt(s, q, 3, run_from);
    vcm_bind_opt(s, q, 4, run_stamp);
    s->d->bind_int(q, 5, harvested);
    s->d->bind_int(q, 6, deleted);
    s->d->bind_int(q, 7, errors);
    return vcm_run(s, q, "cannot record the harvest's progress");
}

int vcm_harvest_finish(vcm_store *b, int64_t id, bool ok, const char *status, int64_t now,
                       int64_t next_run)
{
    store *s = S(b);
    vcm_stmt *q = st(s, ok ? H_FINISH_OK : H_FINISH_FAIL);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_int(q, 2, now);
    s->d->bind_int(q, 3, next_run);
    if (!ok)
        s->d->bind_text(q, 4, status ? status : "failed");
    return vcm_run(s, q, "cannot record the harvest's end");
}

int vcm_harvest_record_get(vcm_store *b, int64_t source, const char *identifier,
                           int64_t *object_id)
{
    store *s = S(b);
    vcm_stmt *q = st(s, H_REC_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, source);
    s->d->bind_text(q, 2, identifier);
    int rc = vcm_one_row(s, q, "cannot read a harvested record");
    if (rc == 1) {
        *object_id = s->d->col_int(q, 0);
        s->d->reset(q);
    }
    return rc;
}

int vcm_harvest_record_put(vcm_store *b, int64_t source, const char *identifier,
                           int64_t object_id, const char *stamp)
{
    store *s = S(b);
    vcm_stmt *q = st(s, H_REC_PUT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, source);
    s->d->bind_text(q, 2, identifier);
    s->d->bind_int(q, 3, object_id);
    s->d->bind_text(q, 4, stamp ? stamp : "");
    return vcm_run(s, q, "cannot record a harvested record");
}

int vcm_harvest_record_count(vcm_store *b, int64_t source, int64_t *n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, H_REC_COUNT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, source);
    return vcm_first_int(s, q, "cannot count the harvested records", n);
}

int vcm_harvest_error_put(vcm_store *b, int64_t source, const char *identifier, int64_t at,
                          const char *message)
{
    store *s = S(b);
    vcm_stmt *q = st(s, message ? H_ERR_PUT : H_ERR_DEL);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, source);
    s->d->bind_text(q, 2, identifier);
    if (message) {
        s->d->bind_int(q, 3, at);
        s->d->bind_text(q, 4, message);
    }
    return vcm_run(s, q, "cannot record a refused record");
}

int vcm_harvest_unmapped_add(vcm_store *b, int64_t source, const char *path, int64_t n)
{
    store *s = S(b);
    vcm_stmt *q = st(s, H_UNMAPPED_ADD);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, source);
    s->d->bind_text(q, 2, path);
    s->d->bind_int(q, 3, n);
    return vcm_run(s, q, "cannot record an unmapped element");
}

static int lines(store *s, vcm_arena *a, int k, int64_t source, int max, vcm_harvest_line **out,
                 size_t *n)
{
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, k);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, source);
    s->d->bind_int(q, 2, max);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_harvest_line *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory");
        }
        *out = v;
        v[*n - 1] = (vcm_harvest_line){vcm_col_dup(s, a, q, 0), vcm_col_dup(s, a, q, 1),
                                       s->d->col_int(q, 2)};
    }
    s->d->reset(q);
    return rc < 0 ? vcm_fail_db(s, "cannot read the harvest's report") : 0;
}

int vcm_harvest_report(vcm_store *b, vcm_arena *a, int64_t source, int max,
                       vcm_harvest_line **errors, size_t *nerrors, vcm_harvest_line **unmapped,
                       size_t *nunmapped)
{
    store *s = S(b);
    if (lines(s, a, H_ERR_LIST, source, max, errors, nerrors) < 0)
        return -1;
    return lines(s, a, H_UNMAPPED_LIST, source, max, unmapped, nunmapped);
}
