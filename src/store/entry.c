/* Masterpiece entries in the store: the contract is store/entry.h, the
 * workflow model/entry.h. The SQL is the same on both engines.
 *
 * Every write that touches more than one row is one transaction with the
 * writers' lock (vcm_store_begin), so that a check and the write it guards
 * (the expected version of a save, the quota of a publication) see the same
 * data: on SQLite the lock is BEGIN IMMEDIATE, on PostgreSQL the store's
 * writers' lock. The mails of a step are queued after its commit (the
 * outbox is operational and written on its own, store/outbox.h). */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/text.h"
#include "core/token.h"
#include "store/account.h"
#include "store/entry.h"
#include "store/outbox.h"
#include "store/store_int.h"
#include "core/banned.h"

enum {
    E_INSERT, E_GET, E_BY_OBJECT, E_LIST, E_COUNTS, E_VERSION_PUT, E_VERSION_GET, E_VERSIONS,
    E_SET_VERSION, E_SET_STATE, E_EVENT_PUT, E_EVENTS, E_WAIVE, E_COMMENT_PUT, E_COMMENTS,
    E_QUOTA_GET, E_QUOTA_SET, E_COUNT_LIVE, E_MP_OBJECT, E_MP_LIST, E_MP_COUNT, E_MP_IDS,
    E_MOTD_GET, E_MOTD_PUT, E_MOTD_CANDIDATES, E_MOTD_LIST, E_CONFLICT_FIND, E_CONFLICT_PUT,
    E_CONFLICTS, E_CONFLICT_RESOLVE, E_IDS, E_OBJECT_MUSEUM, E_STMT_DEL, E_STMT_PUT, E_TOUCH,
    E_MEDIA_HOLD, E_MEDIA_SHOW, E_MEDIA_SHOWN, E_COUNT
};
_Static_assert(SLOT_ENTRY + E_COUNT <= SLOT_ENTRY_END, "too few entry slots");

#define ENTRY_COLS                                                                            \
    "e.id, e.museum_id, e.object_id, e.created_record, e.state, e.version, e.live_version, "  \
    "e.published, e.created, e.updated, e.waiver, e.waiver_by, e.waiver_at"
#define NCOLS 13
#define VERSION_COLS "entry_id, version, author_id, author, time, summary, data"
#define MP_SELECT                                                                             \
    "SELECT " ENTRY_COLS ", v.data FROM entries e JOIN entry_versions v "                     \
    "ON v.entry_id = e.id AND v.version = e.live_version "

static const char *const sql[E_COUNT] = {
    [E_INSERT] = "INSERT INTO entries(museum_id, object_id, created_record, state, version, "
                 "live_version, created, updated) VALUES (?1, ?2, ?3, 'draft', 1, 0, ?4, ?4) "
                 "RETURNING id",
    [E_GET] = "SELECT " ENTRY_COLS " FROM entries e WHERE e.id = ?1",
    [E_BY_OBJECT] = "SELECT " ENTRY_COLS " FROM entries e WHERE e.object_id = ?1",
    [E_LIST] = "SELECT " ENTRY_COLS " FROM entries e WHERE (?1 = 0 OR e.museum_id = ?1) "
               "AND (?2 = '' OR e.state = ?2) ORDER BY e.updated DESC, e.id DESC",
    [E_COUNTS] = "SELECT state, count(*), sum(CASE WHEN live_version <> 0 THEN 1 ELSE 0 END) "
                 "FROM entries WHERE (?1 = 0 OR museum_id = ?1) GROUP BY state",
    [E_VERSION_PUT] = "INSERT INTO entry_versions(" VERSION_COLS ") "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [E_VERSION_GET] = "SELECT " VERSION_COLS " FROM entry_versions "
                      "WHERE entry_id = ?1 AND version = ?2",
    [E_VERSIONS] = "SELECT " VERSION_COLS " FROM entry_versions WHERE entry_id = ?1 "
                   "ORDER BY version",
    /* the version is checked again here: a save is refused, never lost */
    [E_SET_VERSION] = "UPDATE entries SET version = ?2, state = ?3, updated = ?4 "
                      "WHERE id = ?1 AND version = ?5 RETURNING id",
    [E_SET_STATE] = "UPDATE entries SET state = ?2, live_version = ?3, "
                    "published = CASE WHEN ?4 = 0 THEN published ELSE ?4 END, updated = ?5 "
                    "WHERE id = ?1",
    [E_EVENT_PUT] = "INSERT INTO entry_events(entry_id, version, time, actor_id, actor, action, "
                    "from_state, to_state, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [E_EVENTS] = "SELECT id, entry_id, version, time, actor_id, actor, action, from_state, "
                 "to_state, comment FROM entry_events WHERE entry_id = ?1 ORDER BY id",
    [E_WAIVE] = "UPDATE entries SET waiver = ?2, waiver_by = ?3, waiver_at = ?4, updated = ?4 "
                "WHERE id = ?1 RETURNING id",
    [E_COMMENT_PUT] = "INSERT INTO entry_comments(entry_id, time, author_id, author, body) "
                      "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
    [E_COMMENTS] = "SELECT id, entry_id, time, author_id, author, body FROM entry_comments "
                   "WHERE entry_id = ?1 ORDER BY id",
    [E_QUOTA_GET] = "SELECT quota FROM museum_quotas WHERE museum_id = ?1",
    [E_QUOTA_SET] = "INSERT INTO museum_quotas(museum_id, quota) VALUES (?1, ?2) "
                    "ON CONFLICT(museum_id) DO UPDATE SET quota = ?2",
    [E_COUNT_LIVE] = "SELECT count(*) FROM entries WHERE live_version <> 0 "
                     "AND (?1 = 0 OR museum_id = ?1) AND id <> ?2",
    [E_MP_OBJECT] = MP_SELECT "WHERE e.object_id = ?1 AND e.live_version <> 0",
    [E_MP_LIST] = MP_SELECT "WHERE e.live_version <> 0 AND (?1 = 0 OR e.museum_id = ?1) "
                            "ORDER BY e.object_id LIMIT ?2 OFFSET ?3",
    [E_MP_COUNT] = "SELECT count(*) FROM entries WHERE live_version <> 0 "
                   "AND (?1 = 0 OR museum_id = ?1)",
    [E_MP_IDS] = "SELECT object_id FROM entries WHERE live_version <> 0 ORDER BY object_id",
    [E_MOTD_GET] = "SELECT object_id, entry_id FROM masterpiece_days WHERE day = ?1",
    /* two nodes may pick at once: the first insert wins, both read it back */
    [E_MOTD_PUT] = "INSERT INTO masterpiece_days(day, object_id, entry_id, picked) "
                   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(day) DO NOTHING",
    [E_MOTD_CANDIDATES] =
        "SELECT e.id, e.object_id, "
        "(SELECT count(*) FROM media m WHERE m.object_id = e.object_id AND m.held = 0) > 0, "
        "(SELECT max(d.day) FROM masterpiece_days d WHERE d.entry_id = e.id AND d.day < ?1) "
        "FROM entries e WHERE e.live_version <> 0 ORDER BY e.id",
    [E_MOTD_LIST] = "SELECT day, object_id, entry_id, picked FROM masterpiece_days "
                    "WHERE day <= ?1 ORDER BY day DESC LIMIT ?2",
    [E_CONFLICT_FIND] = "SELECT count(*) FROM entry_conflicts WHERE entry_id = ?1 AND "
                        "field = ?2 AND coalesce(incoming, '') = coalesce(?3, '')",
    [E_CONFLICT_PUT] = "INSERT INTO entry_conflicts(entry_id, object_id, field, kept, incoming, "
                       "time) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [E_CONFLICTS] = "SELECT c.id, c.entry_id, c.object_id, c.time, c.field, c.kept, "
                    "c.incoming, c.resolved FROM entry_conflicts c JOIN entries e "
                    "ON e.id = c.entry_id WHERE (?1 = 0 OR e.museum_id = ?1) "
                    "ORDER BY c.resolved, c.id DESC",
    [E_CONFLICT_RESOLVE] = "UPDATE entry_conflicts SET resolved = 1 WHERE id = ?1 RETURNING id",
    [E_IDS] = "SELECT id FROM entries WHERE (?1 = 0 OR museum_id = ?1) ORDER BY id",
    [E_OBJECT_MUSEUM] = "SELECT museum_id FROM objects WHERE id = ?1",
    /* a published entry's statements among its record's texts, for the
     * search index (which reads records); the record's seq moves with it */
    [E_STMT_DEL] = "DELETE FROM object_texts WHERE object_id = ?1 AND field = 'statement'",
    [E_STMT_PUT] = "INSERT INTO object_texts(object_id, field, lang, pos, value) "
                   "VALUES (?1, 'statement', ?2, ?3, ?4)",
    [E_TOUCH] = "UPDATE objects SET updated = ?2 WHERE id = ?1",
    /* the images uploaded through an entry are public only as those of its
     * published version, in its order, after the record's own */
    [E_MEDIA_HOLD] = "UPDATE media SET held = 1 WHERE entry_id = ?1",
    [E_MEDIA_SHOW] = "UPDATE media SET held = 0, pos = ?3 + (SELECT coalesce(max(p.pos) + 1, 0) "
                     "FROM media p WHERE p.object_id = media.object_id AND (p.entry_id IS NULL "
                     "OR p.entry_id <> ?1)) WHERE entry_id = ?1 AND identifier = ?2",
    [E_MEDIA_SHOWN] = "SELECT id FROM media WHERE object_id = ?1 AND held = 0 ORDER BY pos, id",
};

static vcm_stmt *st(store *s, int k)
{
    return vcm_st_slot(s, SLOT_ENTRY + (unsigned)k, sql[k]);
}

static int64_t col_int0(store *s, vcm_stmt *q, int i)
{
    return s->d->is_null(q, i) ? 0 : s->d->col_int(q, i);
}

static void bind_opt(store *s, vcm_stmt *q, int i, const char *v)
{
    if (v)
        s->d->bind_text(q, i, v);
    else
        s->d->bind_null(q, i);
}

static void read_entry(store *s, vcm_arena *a, vcm_stmt *q, vcm_entry *e)
{
    memset(e, 0, sizeof *e);
    e->id = s->d->col_int(q, 0);
    e->museum_id = s->d->col_int(q, 1);
    e->object_id = s->d->col_int(q, 2);
    e->created_record = s->d->col_int(q, 3) != 0;
    if (vcm_entry_state_parse(s->d->col_text(q, 4, NULL), &e->state) < 0)
        e->state = VCM_ENTRY_DRAFT; /* the schema's CHECK keeps this from happening */
    e->version = s->d->col_int(q, 5);
    e->live_version = s->d->col_int(q, 6);
    e->created = s->d->col_int(q, 8);
    e->updated = s->d->col_int(q, 9);
    e->waiver = vcm_col_dup(s, a, q, 10);
    e->waiver_by = col_int0(s, q, 11);
    e->waiver_at = col_int0(s, q, 12);
}

/* Steps a statement that answers at most one row: 1 row, 0 none, -1. */
static int one_row(store *s, vcm_stmt *q, const char *what)
{
    int rc = s->d->step(q);
    if (rc < 0) {
        vcm_fail_db(s, what);
        s->d->reset(q);
        return -1;
    }
    return rc == VCM_ROW;
}

static int get_by(store *s, vcm_arena *a, int k, int64_t key, vcm_entry *out)
{
    vcm_stmt *q = st(s, k);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, key);
    int rc = one_row(s, q, "cannot read an entry");
    if (rc == 1)
        read_entry(s, a, q, out);
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_entry_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_entry *out)
{
    return get_by(S(b), a, E_GET, id, out);
}

int vcm_entry_by_object(vcm_store *b, vcm_arena *a, int64_t object_id, vcm_entry *out)
{
    return get_by(S(b), a, E_BY_OBJECT, object_id, out);
}

int vcm_entry_list(vcm_store *b, vcm_arena *a, int64_t museum_id, int state, vcm_entry **out,
                   size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, E_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    s->d->bind_text(q, 2, state < 0 ? "" : vcm_entry_state_name((vcm_entry_state)state));
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_entry *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_entry(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list entries");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_entry_counts(vcm_store *b, int64_t museum_id, int64_t counts[VCM_ENTRY_STATES],
                     int64_t *live)
{
    store *s = S(b);
    memset(counts, 0, VCM_ENTRY_STATES * sizeof *counts);
    *live = 0;
    vcm_stmt *q = st(s, E_COUNTS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_entry_state es;
        if (vcm_entry_state_parse(s->d->col_text(q, 0, NULL), &es) == 0)
            counts[es] = s->d->col_int(q, 1);
        *live += col_int0(s, q, 2);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot count entries");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* ---- versions -------------------------------------------------------------------- */

static int read_version(store *s, vcm_arena *a, vcm_stmt *q, vcm_entry_version *v)
{
    memset(v, 0, sizeof *v);
    v->entry_id = s->d->col_int(q, 0);
    v->version = s->d->col_int(q, 1);
    v->author_id = col_int0(s, q, 2);
    v->author = vcm_col_dup(s, a, q, 3);
    v->time = s->d->col_int(q, 4);
    v->summary = vcm_col_dup(s, a, q, 5);
    const char *data = vcm_col_dup(s, a, q, 6);
    char err[200];
    if (!data || vcm_entry_data_from_json(&v->data, a, data, err, sizeof err) < 0)
        return vcm_store_fail(&s->base, "entry %lld version %lld: %s", (long long)v->entry_id,
                              (long long)v->version, data ? err : "out of memory");
    return 0;
}

int vcm_entry_version_get(vcm_store *b, vcm_arena *a, int64_t id, int64_t version,
                          vcm_entry_version *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, E_VERSION_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_int(q, 2, version);
    int rc = one_row(s, q, "cannot read a version");
    if (rc == 1 && read_version(s, a, q, out) < 0)
        rc = -1;
    s->d->reset(q);
    return rc;
}

int vcm_entry_versions(vcm_store *b, vcm_arena *a, int64_t id, vcm_entry_version **out,
                       size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, E_VERSIONS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_entry_version *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        if (read_version(s, a, q, &v[*n - 1]) < 0) {
            s->d->reset(q);
            return -1;
        }
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list versions");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int put_version(store *s, vcm_arena *a, int64_t id, int64_t version,
                       const vcm_entry_data *d, const char *summary, const vcm_actor *who,
                       int64_t now)
{
    const char *json = vcm_entry_data_to_json(d, a);
    if (!json)
        return vcm_store_fail(&s->base, "out of memory");
    vcm_stmt *q = st(s, E_VERSION_PUT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_int(q, 2, version);
    vcm_bind_id(s, q, 3, who ? who->id : 0);
    bind_opt(s, q, 4, who ? who->name : NULL);
    s->d->bind_int(q, 5, now);
    bind_opt(s, q, 6, summary);
    s->d->bind_text(q, 7, json);
    return vcm_run(s, q, "cannot save a version");
}

static int put_event(store *s, int64_t id, int64_t version, const char *action,
                     vcm_entry_state from, vcm_entry_state to, const char *comment,
                     const vcm_actor *who, int64_t now)
{
    vcm_stmt *q = st(s, E_EVENT_PUT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_int(q, 2, version);
    s->d->bind_int(q, 3, now);
    vcm_bind_id(s, q, 4, who ? who->id : 0);
    bind_opt(s, q, 5, who ? who->name : NULL);
    s->d->bind_text(q, 6, action);
    s->d->bind_text(q, 7, vcm_entry_state_name(from));
    s->d->bind_text(q, 8, vcm_entry_state_name(to));
    bind_opt(s, q, 9, comment && *comment ? comment : NULL);
    return vcm_run(s, q, "cannot record a step");
}

static int check_data(store *s, const vcm_entry_data *d)
{
    const char *field, *why;
    if (vcm_entry_validate(d, &field, &why) < 0)
        return vcm_store_fail(&s->base, "%s: %s", field, vcm_t("en", why));
    return 0;
}

/* ---- creating -------------------------------------------------------------------- */

static int save_locked(store *s, vcm_arena *a, const vcm_entry *e, const vcm_entry_data *data,
                       const char *what, const vcm_actor *who, int64_t now, int64_t *version);

static int insert_entry(store *s, vcm_arena *a, int64_t museum_id, int64_t object_id,
                        bool created_record, const vcm_entry_data *d, const vcm_actor *who,
                        int64_t now, int64_t *id)
{
    vcm_stmt *q = st(s, E_INSERT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    s->d->bind_int(q, 2, object_id);
    s->d->bind_int(q, 3, created_record ? 1 : 0);
    s->d->bind_int(q, 4, now);
    int rc = s->d->step(q);
    if (rc == VCM_ROW)
        *id = s->d->col_int(q, 0);
    s->d->reset(q);
    if (rc == VCM_E_UNIQUE)
        return vcm_store_fail(&s->base, "record %lld is already an entry", (long long)object_id),
               VCM_ENTRY_TAKEN;
    if (rc != VCM_ROW)
        return vcm_fail_db(s, "cannot create an entry");
    if (put_version(s, a, *id, 1, d, created_record ? "new record" : "selected", who, now) < 0)
        return -1;
    return put_event(s, *id, 1, "create", VCM_ENTRY_DRAFT, VCM_ENTRY_DRAFT, NULL, who, now);
}

int vcm_entry_create(vcm_store *b, int64_t museum_id, int64_t object_id,
                     const vcm_entry_data *data, const vcm_actor *who, int64_t now,
                     int64_t *id)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    int rc = -1;
    if (data && check_data(s, data) < 0)
        goto out;
    if (vcm_store_begin(b) < 0)
        goto out;
    vcm_object o;
    int found = b->ops->object_get(b, &a, object_id, &o);
    if (found <= 0 || o.museum_id != museum_id) {
        if (found == 0 || (found > 0 && o.museum_id != museum_id))
            vcm_store_fail(b, "record %lld is not a record of museum %lld",
                           (long long)object_id, (long long)museum_id);
        goto fail;
    }
    /* version 1 is always the record as the catalogue gives it: what a
     * re-import is compared with (vcm_entry_reconcile); the content given
     * is version 2 */
    vcm_entry_data d;
    if (vcm_entry_data_from_object(&d, &a, &o) < 0) {
        vcm_store_fail(b, "out of memory");
        goto fail;
    }
    rc = insert_entry(s, &a, museum_id, object_id, false, &d, who, now, id);
    if (rc < 0)
        goto fail;
    if (data) {
        vcm_entry e;
        int64_t v;
        if (vcm_entry_get(b, &a, *id, &e) <= 0 ||
            (rc = save_locked(s, &a, &e, data, NULL, who, now, &v)) < 0) {
            if (rc == 0)
                rc = -1;
            goto fail;
        }
    }
    rc = vcm_store_commit(b);
    goto out;
fail:
    if (rc == 0)
        rc = -1;
    vcm_store_rollback(b);
out:
    vcm_arena_release(&a);
    return rc;
}

/* A record the museum made: not public (draft) until its entry is. Its
 * images are the entry's uploads, which media_show makes public or not:
 * the record is written without them, so they stay as they are. */
static int record_put(store *s, vcm_arena *a, vcm_object *o, const vcm_entry_data *d,
                      vcm_status status, const char *hash)
{
    vcm_entry_apply(d, a, o);
    o->status = status;
    o->media = NULL;
    o->nmedia = 0;
    vcm_upsert res;
    return s->base.ops->object_upsert(&s->base, o, hash, false, &res);
}

int vcm_entry_create_record(vcm_store *b, int64_t museum_id, const vcm_entry_data *data,
                            const vcm_actor *who, int64_t now, int64_t *id,
                            int64_t *object_id)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    int rc = -1;
    char tok[VCM_TOKEN_HEX];
    if (check_data(s, data) < 0)
        goto out;
    if (!data->title.n) {
        vcm_store_fail(b, "title: %s", vcm_t("en", "entry.err.title_missing"));
        goto out;
    }
    if (vcm_token_new(tok) < 0) {
        vcm_store_fail(b, "cannot make an identifier");
        goto out;
    }
    vcm_object o;
    vcm_object_init(&o);
    o.museum_id = museum_id;
    o.source = "vcm";
    /* the museum's own record: a source id no import gives */
    o.source_id = vcm_arena_printf(&a, "vcm:%.16s", tok);
    if (!o.source_id || vcm_store_begin(b) < 0)
        goto out;
    if (record_put(s, &a, &o, data, VCM_DRAFT, tok) < 0)
        goto fail;
    *object_id = o.id;
    rc = insert_entry(s, &a, museum_id, o.id, true, data, who, now, id);
    if (rc < 0)
        goto fail;
    rc = vcm_store_commit(b);
    goto out;
fail:
    if (rc == 0)
        rc = -1;
    vcm_store_rollback(b);
out:
    vcm_arena_release(&a);
    return rc;
}

/* ---- saving ---------------------------------------------------------------------- */

/* Inside a transaction: data as version e->version + 1. */
static int save_locked(store *s, vcm_arena *a, const vcm_entry *e, const vcm_entry_data *data,
                       const char *what, const vcm_actor *who, int64_t now, int64_t *version)
{
    vcm_entry_state to = e->state;
    if (!vcm_entry_editable(e->state))
        return vcm_store_fail(&s->base, "entry %lld is %s: it cannot be changed now",
                              (long long)e->id, vcm_entry_state_name(e->state)),
               VCM_ENTRY_REFUSED;
    if (e->state == VCM_ENTRY_PUBLISHED && vcm_entry_next(e->state, VCM_EA_EDIT, &to) < 0)
        return -1;
    vcm_entry_version prev;
    int got = vcm_entry_version_get(&s->base, a, e->id, e->version, &prev);
    if (got <= 0)
        return got < 0 ? -1 : vcm_store_fail(&s->base, "entry %lld has lost its version",
                                             (long long)e->id);
    vcm_entry_change *ch;
    size_t nch;
    char summary[300];
    if (vcm_entry_diff(&prev.data, data, a, &ch, &nch) < 0)
        return vcm_store_fail(&s->base, "out of memory");
    vcm_entry_diff_summary(ch, nch, summary, sizeof summary);
    const char *sum = what ? vcm_arena_printf(a, "%s%s%s", what, nch ? ": " : "", summary)
                           : summary;
    int64_t v = e->version + 1;
    if (put_version(s, a, e->id, v, data, sum, who, now) < 0)
        return -1;
    vcm_stmt *q = st(s, E_SET_VERSION);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, e->id);
    s->d->bind_int(q, 2, v);
    s->d->bind_text(q, 3, vcm_entry_state_name(to));
    s->d->bind_int(q, 4, now);
    s->d->bind_int(q, 5, e->version);
    int rc = one_row(s, q, "cannot save an entry");
    if (rc >= 0)
        s->d->reset(q);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return vcm_store_fail(&s->base, "entry %lld changed meanwhile", (long long)e->id),
               VCM_ENTRY_STALE;
    if (to != e->state && put_event(s, e->id, v, "edit", e->state, to, NULL, who, now) < 0)
        return -1;
    *version = v;
    return 0;
}

static int save_tx(vcm_store *b, int64_t id, int64_t expected, const vcm_entry_data *data,
                   int64_t from_version, const vcm_actor *who, int64_t now, int64_t *version)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    int rc = -1;
    if (data && check_data(s, data) < 0)
        goto out;
    if (vcm_store_begin(b) < 0)
        goto out;
    vcm_entry e;
    int got = vcm_entry_get(b, &a, id, &e);
    if (got <= 0) {
        if (got == 0)
            vcm_store_fail(b, "no entry %lld", (long long)id);
        goto fail;
    }
    if (expected && expected != e.version) {
        vcm_store_fail(b, "entry %lld is at version %lld, not %lld", (long long)id,
                       (long long)e.version, (long long)expected);
        rc = VCM_ENTRY_STALE;
        goto fail;
    }
    const char *what = NULL;
    vcm_entry_version old;
    if (!data) { /* a revert */
        got = vcm_entry_version_get(b, &a, id, from_version, &old);
        if (got <= 0) {
            if (got == 0)
                vcm_store_fail(b, "entry %lld has no version %lld", (long long)id,
                               (long long)from_version);
            goto fail;
        }
        data = &old.data;
        what = vcm_arena_printf(&a, "revert to %lld", (long long)from_version);
    }
    rc = save_locked(s, &a, &e, data, what, who, now, version);
    if (rc < 0)
        goto fail;
    rc = vcm_store_commit(b);
    goto out;
fail:
    if (rc == 0)
        rc = -1;
    vcm_store_rollback(b);
out:
    vcm_arena_release(&a);
    return rc;
}

int vcm_entry_save(vcm_store *b, int64_t id, int64_t expected_version,
                   const vcm_entry_data *data, const vcm_actor *who, int64_t now,
                   int64_t *version)
{
    assert(data);
    return save_tx(b, id, expected_version, data, 0, who, now, version);
}

int vcm_entry_revert(vcm_store *b, int64_t id, int64_t version, int64_t expected_version,
                     const vcm_actor *who, int64_t now, int64_t *new_version)
{
    return save_tx(b, id, expected_version, NULL, version, who, now, new_version);
}

/* ---- the workflow ---------------------------------------------------------------- */

static int museum_langs(store *s, vcm_arena *a, int64_t museum_id, const char **langs)
{
    vcm_museum_profile p;
    vcm_museum m;
    *langs = "en";
    if (s->base.ops->museum_profile_get(&s->base, a, museum_id, &p) < 0)
        return -1;
    if (p.languages && *p.languages) {
        *langs = p.languages;
        return 0;
    }
    int got = s->base.ops->museum_get(&s->base, a, museum_id, &m);
    if (got < 0)
        return -1;
    if (got > 0 && m.country[0])
        *langs = vcm_country_languages(m.country);
    return 0;
}

int vcm_entry_quota_get(vcm_store *b, int64_t museum_id, int64_t *quota)
{
    store *s = S(b);
    vcm_stmt *q = st(s, E_QUOTA_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    int rc = one_row(s, q, "cannot read a quota");
    if (rc >= 0) {
        *quota = rc == 1 ? s->d->col_int(q, 0) : VCM_QUOTA_DEFAULT;
        s->d->reset(q);
    }
    return rc < 0 ? -1 : 0;
}

int vcm_entry_quota_set(vcm_store *b, int64_t museum_id, int64_t quota)
{
    store *s = S(b);
    if (quota < 0)
        return vcm_store_fail(b, "a quota of %lld: it cannot be negative", (long long)quota);
    if (vcm_store_begin(b) < 0)
        return -1;
    vcm_stmt *q = st(s, E_QUOTA_SET);
    if (!q) {
        vcm_store_rollback(b);
        return -1;
    }
    s->d->bind_int(q, 1, museum_id);
    s->d->bind_int(q, 2, quota);
    if (vcm_run(s, q, "cannot set a quota") < 0) {
        vcm_store_rollback(b);
        return -1;
    }
    return vcm_store_commit(b);
}

static int count_live(store *s, int64_t museum_id, int64_t except, int64_t *n)
{
    vcm_stmt *q = st(s, E_COUNT_LIVE);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    s->d->bind_int(q, 2, except);
    return vcm_first_int(s, q, "cannot count masterpieces", n);
}

int vcm_entry_count_live(vcm_store *b, int64_t museum_id, int64_t *n)
{
    return count_live(S(b), museum_id, 0, n);
}

/* Mails of a step: to the museum's people when the editors answer, to the
 * editors when a museum submits. Queued after the commit; a mail that
 * cannot be queued does not undo the step (the step is what matters). */
static void notify(store *s, const vcm_entry *e, vcm_entry_action action, const char *comment)
{
    const char *key = action == VCM_EA_SUBMIT            ? "mail.entry.submitted"
                    : action == VCM_EA_REQUEST_CHANGES ? "mail.entry.changes_requested"
                    : action == VCM_EA_PUBLISH         ? "mail.entry.published"
                    : action == VCM_EA_WITHDRAW        ? "mail.entry.withdrawn"
                                                       : NULL;
    if (!key)
        return;
    vcm_arena a;
    vcm_arena_init(&a, 1 << 18);
    vcm_user *users;
    size_t n;
    bool to_editors = action == VCM_EA_SUBMIT;
    if (vcm_user_list(&s->base, &a, to_editors ? 0 : e->museum_id, &users, &n) < 0)
        goto out;
    const char *subject = vcm_arena_printf(&a, "%s (%lld)",
                                           vcm_t("en", vcm_arena_printf(&a, "%s.subject", key)),
                                           (long long)e->id);
    const char *body = vcm_arena_printf(&a, "%s\n\n/dashboard/entries/%lld\n%s%s",
                                        vcm_t("en", vcm_arena_printf(&a, "%s.body", key)),
                                        (long long)e->id, comment && *comment ? "\n" : "",
                                        comment ? comment : "");
    if (!subject || !body)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const vcm_user *u = &users[i];
        bool editor = u->role == VCM_ROLE_EDITOR || u->role == VCM_ROLE_SECRETARIAT;
        if (u->disabled || editor != to_editors)
            continue;
        vcm_outbox_add(&s->base, u->email, subject, body, NULL);
    }
out:
    vcm_arena_release(&a);
}

/* Inside a transaction: the statements of object_id's record become those
 * of d (NULL: none), so that the search, which indexes records, finds a
 * published statement and no other; the record moves in the change
 * sequence. An import that rewrites the record's texts drops them:
 * vcm_entry_reconcile writes them again. */
static int statements_put(store *s, int64_t object_id, const vcm_entry_data *d, int64_t now)
{
    vcm_stmt *q = st(s, E_STMT_DEL);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, object_id);
    if (vcm_run(s, q, "cannot replace statements") < 0)
        return -1;
    for (size_t i = 0; d && i < d->nstatements; i++) {
        if (!(q = st(s, E_STMT_PUT)))
            return -1;
        s->d->bind_int(q, 1, object_id);
        s->d->bind_text(q, 2, d->statements[i].lang);
        s->d->bind_int(q, 3, (int64_t)i);
        s->d->bind_text(q, 4, d->statements[i].text);
        if (vcm_run(s, q, "cannot write a statement") < 0)
            return -1;
    }
    if (!(q = st(s, E_TOUCH)))
        return -1;
    s->d->bind_int(q, 1, object_id);
    s->d->bind_int(q, 2, now);
    return vcm_run(s, q, "cannot mark a record changed");
}

/* Whether o's statements are those of d, in order. */
static bool statements_same(const vcm_object *o, const vcm_entry_data *d)
{
    if (o->statement.n != (d ? d->nstatements : 0))
        return false;
    for (size_t i = 0; i < o->statement.n; i++)
        if (strcmp(o->statement.v[i].lang, d->statements[i].lang) != 0 ||
            strcmp(o->statement.v[i].text, d->statements[i].text) != 0)
            return false;
    return true;
}

/* The ids of object_id's public images, in order, into *ids. */
static int media_shown(store *s, vcm_arena *a, int64_t object_id, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    vcm_stmt *q = st(s, E_MEDIA_SHOWN);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, object_id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        int64_t *v = vcm_grow(a, *ids, n, sizeof **ids);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory");
        }
        *ids = v;
        v[*n - 1] = s->d->col_int(q, 0);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list an object's images");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* Inside a transaction: the images uploaded through entry e become public
 * when d (its published version; NULL on withdrawal) lists them, in d's
 * order, and are held otherwise, so that a draft's images are never seen.
 * announce: the record is the catalogue's (public), so a change of its
 * images goes into the change log as import and media_add do; a record
 * the museum made is announced by its own upsert (record_follow). */
static int media_show(store *s, vcm_arena *a, const vcm_entry *e, const vcm_entry_data *d,
                      bool announce, int64_t now)
{
    int64_t *before = NULL, *after = NULL;
    size_t nbefore = 0, nafter = 0;
    if (announce && media_shown(s, a, e->object_id, &before, &nbefore) < 0)
        return -1;
    vcm_stmt *q = st(s, E_MEDIA_HOLD);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, e->id);
    if (vcm_run(s, q, "cannot hold an entry's images") < 0)
        return -1;
    for (size_t i = 0; d && i < d->nimages; i++) {
        if (!(q = st(s, E_MEDIA_SHOW)))
            return -1;
        s->d->bind_int(q, 1, e->id);
        s->d->bind_text(q, 2, d->images[i].identifier);
        s->d->bind_int(q, 3, (int64_t)i);
        if (vcm_run(s, q, "cannot publish an entry's image") < 0)
            return -1;
    }
    if (!announce)
        return 0;
    if (media_shown(s, a, e->object_id, &after, &nafter) < 0)
        return -1;
    if (nbefore == nafter && (!nafter || memcmp(before, after, nafter * sizeof *after) == 0))
        return 0;
    /* the change log describes manifests: an object enters it with its
     * first image and leaves it with its last */
    const char *type = !nbefore ? "Create" : !nafter ? "Delete" : "Update";
    vcm_value row[] = {{.type = VCM_V_INT, .i = e->object_id},
                       {.type = VCM_V_TEXT, .t = type},
                       {.type = VCM_V_INT, .i = now}};
    return vcm_gather(s, GATHER_ACTIVITY, row);
}

/* The published record of a museum-made entry follows its live version. */
static int record_follow(store *s, vcm_arena *a, const vcm_entry *e, const vcm_entry_data *d,
                         vcm_status status, int64_t version)
{
    vcm_object o;
    int got = s->base.ops->object_get(&s->base, a, e->object_id, &o);
    if (got <= 0)
        return got < 0 ? -1 : vcm_store_fail(&s->base, "entry %lld has lost its record",
                                             (long long)e->id);
    const char *hash = vcm_arena_printf(a, "entry:%lld:%lld:%s", (long long)e->id,
                                        (long long)version, vcm_status_name(status));
    return hash ? record_put(s, a, &o, d, status, hash) : -1;
}

int vcm_entry_transition(vcm_store *b, int64_t id, vcm_entry_action action,
                         const char *comment, const vcm_actor *who, int64_t now,
                         vcm_entry_problem *problems, size_t max, size_t *nproblems)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    int rc = -1;
    vcm_entry e;
    if (nproblems)
        *nproblems = 0;
    if (action == VCM_EA_EDIT) { /* a save makes this step, never a caller */
        vcm_store_fail(b, "an edit is a save");
        goto out;
    }
    if (vcm_store_begin(b) < 0)
        goto out;
    int got = vcm_entry_get(b, &a, id, &e);
    if (got <= 0) {
        if (got == 0)
            vcm_store_fail(b, "no entry %lld", (long long)id);
        goto fail;
    }
    vcm_entry_state to;
    if (vcm_entry_next(e.state, action, &to) < 0) {
        vcm_store_fail(b, "entry %lld is %s: it cannot be %s", (long long)id,
                       vcm_entry_state_name(e.state), vcm_entry_action_name(action));
        rc = VCM_ENTRY_REFUSED;
        goto fail;
    }
    vcm_entry_version cur;
    got = vcm_entry_version_get(b, &a, id, e.version, &cur);
    if (got <= 0) {
        if (got == 0)
            vcm_store_fail(b, "entry %lld has lost its version", (long long)id);
        goto fail;
    }
    if (action == VCM_EA_SUBMIT || action == VCM_EA_PUBLISH) {
        const char *langs;
        vcm_entry_problem local[16];
        size_t np;
        if (museum_langs(s, &a, e.museum_id, &langs) < 0)
            goto fail;
        vcm_entry_check(&cur.data, langs, e.waiver != NULL, local, 16, &np);
        for (size_t i = 0; problems && i < np && i < 16 && i < max; i++)
            problems[i] = local[i];
        if (nproblems)
            *nproblems = np;
        if (np) {
            vcm_store_fail(b, "entry %lld is not ready: %s: %s", (long long)id, local[0].field,
                           vcm_t("en", local[0].why));
            rc = VCM_ENTRY_INCOMPLETE;
            goto fail;
        }
    }
    int64_t live = e.live_version, published = 0;
    if (action == VCM_EA_PUBLISH) {
        int64_t quota, used;
        if (vcm_entry_quota_get(b, e.museum_id, &quota) < 0 ||
            count_live(s, e.museum_id, e.id, &used) < 0)
            goto fail;
        if (used >= quota) {
            vcm_store_fail(b, "%s", vcm_t("en", "entry.err.quota"));
            rc = VCM_ENTRY_QUOTA;
            goto fail;
        }
        live = e.version;
        published = now;
    } else if (action == VCM_EA_WITHDRAW) {
        live = 0;
    }
    vcm_stmt *q = st(s, E_SET_STATE);
    if (!q)
        goto fail;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, vcm_entry_state_name(to));
    s->d->bind_int(q, 3, live);
    s->d->bind_int(q, 4, published);
    s->d->bind_int(q, 5, now);
    if (vcm_run(s, q, "cannot move an entry") < 0)
        goto fail;
    if (put_event(s, id, e.version, vcm_entry_action_name(action), e.state, to, comment, who,
                  now) < 0)
        goto fail;
    /* a published record shows its images at once: they are public before
     * its upsert announces it; a withdrawn one is announced while they are */
    if (action == VCM_EA_PUBLISH && media_show(s, &a, &e, &cur.data, !e.created_record, now) < 0)
        goto fail;
    if (e.created_record && (action == VCM_EA_PUBLISH || action == VCM_EA_WITHDRAW) &&
        record_follow(s, &a, &e, &cur.data,
                      action == VCM_EA_PUBLISH ? VCM_PUBLISHED : VCM_WITHDRAWN, e.version) < 0)
        goto fail;
    if (action == VCM_EA_WITHDRAW && media_show(s, &a, &e, NULL, !e.created_record, now) < 0)
        goto fail;
    if ((action == VCM_EA_PUBLISH || action == VCM_EA_WITHDRAW) &&
        statements_put(s, e.object_id, action == VCM_EA_PUBLISH ? &cur.data : NULL, now) < 0)
        goto fail;
    if (vcm_store_commit(b) < 0)
        goto out;
    rc = 0;
    notify(s, &e, action, comment);
    goto out;
fail:
    if (rc == 0)
        rc = -1;
    vcm_store_rollback(b);
out:
    vcm_arena_release(&a);
    return rc;
}

static void read_event(store *s, vcm_arena *a, vcm_stmt *q, vcm_entry_event *v)
{
    memset(v, 0, sizeof *v);
    v->id = s->d->col_int(q, 0);
    v->entry_id = s->d->col_int(q, 1);
    v->version = s->d->col_int(q, 2);
    v->time = s->d->col_int(q, 3);
    v->actor_id = col_int0(s, q, 4);
    v->actor = vcm_col_dup(s, a, q, 5);
    v->action = vcm_col_dup(s, a, q, 6);
    vcm_entry_state_parse(s->d->col_text(q, 7, NULL), &v->from);
    vcm_entry_state_parse(s->d->col_text(q, 8, NULL), &v->to);
    v->comment = vcm_col_dup(s, a, q, 9);
}

int vcm_entry_events(vcm_store *b, vcm_arena *a, int64_t id, vcm_entry_event **out,
                     size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, E_EVENTS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_entry_event *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_event(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list steps");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* One statement in a transaction of its own (content tables: the own-
 * commit count of SQLite's data version needs the commit). *found: whether
 * it returned a row. */
static int write_one(store *s, vcm_stmt *q, const char *what, int64_t *row)
{
    int rc = one_row(s, q, what);
    if (rc == 1 && row)
        *row = s->d->col_int(q, 0);
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_entry_waive(vcm_store *b, int64_t id, const char *reason, const vcm_actor *who,
                    int64_t now)
{
    store *s = S(b);
    bool lift = !reason || !*reason;
    if (!lift && !vcm_utf8_valid(reason, strlen(reason)))
        return vcm_store_fail(b, "reason: %s", vcm_t("en", "entry.err.text"));
    if (vcm_store_begin(b) < 0)
        return -1;
    vcm_entry e;
    vcm_arena a;
    vcm_arena_init(&a, 1 << 14);
    int rc = -1;
    int got = vcm_entry_get(b, &a, id, &e);
    if (got <= 0) {
        if (got == 0)
            vcm_store_fail(b, "no entry %lld", (long long)id);
        goto fail;
    }
    vcm_stmt *q = st(s, E_WAIVE);
    if (!q)
        goto fail;
    s->d->bind_int(q, 1, id);
    bind_opt(s, q, 2, lift ? NULL : reason);
    vcm_bind_id(s, q, 3, lift || !who ? 0 : who->id);
    if (lift)
        s->d->bind_null(q, 4);
    else
        s->d->bind_int(q, 4, now);
    if (write_one(s, q, "cannot waive", NULL) < 0)
        goto fail;
    if (put_event(s, id, e.version, lift ? "waiver_lifted" : "waive", e.state, e.state,
                  lift ? NULL : reason, who, now) < 0)
        goto fail;
    rc = vcm_store_commit(b);
    goto out;
fail:
    vcm_store_rollback(b);
out:
    vcm_arena_release(&a);
    return rc;
}

/* ---- comments -------------------------------------------------------------------- */

int vcm_entry_comment_add(vcm_store *b, int64_t id, const char *body, const vcm_actor *who,
                          int64_t now, int64_t *comment_id)
{
    store *s = S(b);
    if (!body || !*body || !vcm_utf8_valid(body, strlen(body)) || strlen(body) > 20000)
        return vcm_store_fail(b, "comment: %s", vcm_t("en", "entry.err.text"));
    if (vcm_store_begin(b) < 0)
        return -1;
    vcm_stmt *q = st(s, E_COMMENT_PUT);
    int64_t got = 0;
    if (!q)
        goto fail;
    s->d->bind_int(q, 1, id);
    s->d->bind_int(q, 2, now);
    vcm_bind_id(s, q, 3, who ? who->id : 0);
    bind_opt(s, q, 4, who ? who->name : NULL);
    s->d->bind_text(q, 5, body);
    if (write_one(s, q, "cannot add a comment", &got) <= 0)
        goto fail;
    if (comment_id)
        *comment_id = got;
    return vcm_store_commit(b);
fail:
    vcm_store_rollback(b);
    return -1;
}

int vcm_entry_comments(vcm_store *b, vcm_arena *a, int64_t id, vcm_entry_comment **out,
                       size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, E_COMMENTS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_entry_comment *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        v += *n - 1;
        v->id = s->d->col_int(q, 0);
        v->entry_id = s->d->col_int(q, 1);
        v->time = s->d->col_int(q, 2);
        v->author_id = col_int0(s, q, 3);
        v->author = vcm_col_dup(s, a, q, 4);
        v->body = vcm_col_dup(s, a, q, 5);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list comments");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* ---- the public side ------------------------------------------------------------- */

static int read_masterpiece(store *s, vcm_arena *a, vcm_stmt *q, vcm_masterpiece *m)
{
    memset(m, 0, sizeof *m);
    read_entry(s, a, q, &m->entry);
    m->published = col_int0(s, q, 7);
    const char *data = vcm_col_dup(s, a, q, NCOLS);
    char err[200];
    if (!data || vcm_entry_data_from_json(&m->data, a, data, err, sizeof err) < 0)
        return vcm_store_fail(&s->base, "entry %lld: %s", (long long)m->entry.id,
                              data ? err : "out of memory");
    return 0;
}

int vcm_masterpiece_of_object(vcm_store *b, vcm_arena *a, int64_t object_id,
                              vcm_masterpiece *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, E_MP_OBJECT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, object_id);
    int rc = one_row(s, q, "cannot read a masterpiece");
    if (rc == 1 && read_masterpiece(s, a, q, out) < 0)
        rc = -1;
    s->d->reset(q);
    return rc;
}

int vcm_masterpiece_list(vcm_store *b, vcm_arena *a, int64_t museum_id, int64_t offset,
                         int64_t limit, vcm_masterpiece **out, size_t *n, int64_t *total)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    if (total) {
        vcm_stmt *c = st(s, E_MP_COUNT);
        if (!c)
            return -1;
        s->d->bind_int(c, 1, museum_id);
        if (vcm_first_int(s, c, "cannot count masterpieces", total) < 0)
            return -1;
    }
    vcm_stmt *q = st(s, E_MP_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    s->d->bind_int(q, 2, limit);
    s->d->bind_int(q, 3, offset);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_masterpiece *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        if (read_masterpiece(s, a, q, &v[*n - 1]) < 0) {
            s->d->reset(q);
            return -1;
        }
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list masterpieces");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_masterpiece_ids(vcm_store *b, vcm_arena *a, int64_t **ids, size_t *n)
{
    store *s = S(b);
    *ids = NULL;
    *n = 0;
    vcm_stmt *q = st(s, E_MP_IDS);
    if (!q)
        return -1;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        int64_t *v = vcm_grow(a, *ids, n, sizeof **ids);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *ids = v;
        v[*n - 1] = s->d->col_int(q, 0);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list masterpieces");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* ---- the Masterpiece of the Day -------------------------------------------------- */

static int motd_read(store *s, const char *day, int64_t *object_id, int64_t *entry_id)
{
    vcm_stmt *q = st(s, E_MOTD_GET);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, day);
    int rc = one_row(s, q, "cannot read the masterpiece of the day");
    if (rc == 1) {
        *object_id = s->d->col_int(q, 0);
        *entry_id = s->d->col_int(q, 1);
    }
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

/* The day a year before day (YYYY-MM-DD): picks on or after it are recent. */
static int year_before(const char *day, char out[11])
{
    struct tm tm = {0};
    const char *e = strptime(day, "%Y-%m-%d", &tm);
    if (!e || *e || strlen(day) != 10)
        return -1;
    time_t t = timegm(&tm) - (time_t)365 * 86400;
    gmtime_r(&t, &tm);
    return strftime(out, 11, "%Y-%m-%d", &tm) == 10 ? 0 : -1;
}

int vcm_motd_get(vcm_store *b, const char *day, int64_t *object_id, int64_t *entry_id)
{
    store *s = S(b);
    char cutoff[11];
    if (year_before(day, cutoff) < 0)
        return vcm_store_fail(b, "'%s' is not a day (YYYY-MM-DD)", day);
    int rc = motd_read(s, day, object_id, entry_id);
    if (rc != 0)
        return rc;
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    vcm_motd_candidate *c = NULL;
    size_t n = 0;
    rc = -1;
    vcm_stmt *q = st(s, E_MOTD_CANDIDATES);
    if (!q)
        goto out;
    s->d->bind_text(q, 1, day);
    int step;
    while ((step = s->d->step(q)) == VCM_ROW) {
        vcm_motd_candidate *v = vcm_grow(&a, c, &n, sizeof *c);
        if (!v) {
            s->d->reset(q);
            vcm_store_fail(b, "out of memory");
            goto out;
        }
        c = v;
        v[n - 1] = (vcm_motd_candidate){s->d->col_int(q, 0), s->d->col_int(q, 1),
                                        s->d->col_int(q, 2) != 0, vcm_col_dup(s, &a, q, 3)};
    }
    s->d->reset(q);
    if (step < 0) {
        vcm_fail_db(s, "cannot list the candidates of the day");
        goto out;
    }
    long pick = vcm_motd_choose(c, n, day, cutoff);
    if (pick < 0) {
        rc = 0;
        goto out;
    }
    vcm_stmt *put = st(s, E_MOTD_PUT);
    if (!put)
        goto out;
    s->d->bind_text(put, 1, day);
    s->d->bind_int(put, 2, c[pick].object_id);
    s->d->bind_int(put, 3, c[pick].entry_id);
    s->d->bind_int(put, 4, vcm_now());
    if (vcm_run(s, put, "cannot keep the masterpiece of the day") < 0)
        goto out;
    /* another node may have stored its pick first: what is stored wins */
    rc = motd_read(s, day, object_id, entry_id);
    if (rc == 0)
        rc = vcm_store_fail(b, "the masterpiece of %s was not kept", day);
out:
    vcm_arena_release(&a);
    return rc;
}

int vcm_motd_list(vcm_store *b, vcm_arena *a, const char *day, int max, vcm_motd **out,
                  size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, E_MOTD_LIST);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, day);
    s->d->bind_int(q, 2, max);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_motd *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        v[*n - 1] = (vcm_motd){vcm_col_dup(s, a, q, 0), s->d->col_int(q, 1),
                               s->d->col_int(q, 2), s->d->col_int(q, 3)};
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list the masterpieces of past days");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* ---- re-imports ------------------------------------------------------------------ */

static const char *field_of(const vcm_entry_field *f, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].key, key) == 0)
            return f[i].value;
    return NULL;
}

static bool same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Fields a re-import can bring: the record's, not the entry's own
 * (statements, licence, images). */
static bool from_catalogue(const char *key)
{
    return strncmp(key, "statement", 9) != 0 && strcmp(key, "licence") != 0 &&
           strncmp(key, "image:", 6) != 0;
}

static int reconcile_one(store *s, vcm_arena *a, int64_t id, int64_t now, int64_t *found)
{
    vcm_entry e;
    int got = vcm_entry_get(&s->base, a, id, &e);
    if (got <= 0)
        return got < 0 ? -1 : 0;
    vcm_entry_version first, last;
    vcm_object o;
    vcm_entry_data now_data;
    if (vcm_entry_version_get(&s->base, a, id, 1, &first) <= 0 ||
        vcm_entry_version_get(&s->base, a, id, e.version, &last) <= 0)
        return vcm_store_fail(&s->base, "entry %lld has lost a version", (long long)id);
    got = s->base.ops->object_get(&s->base, a, e.object_id, &o);
    if (got <= 0)
        return got;
    if (e.live_version && !e.created_record) {
        vcm_entry_version live;
        if (vcm_entry_version_get(&s->base, a, id, e.live_version, &live) <= 0)
            return vcm_store_fail(&s->base, "entry %lld has lost a version", (long long)id);
        if (!statements_same(&o, &live.data) && statements_put(s, o.id, &live.data, now) < 0)
            return -1;
    }
    if (e.created_record) /* no import writes it */
        return 0;
    if (vcm_entry_data_from_object(&now_data, a, &o) < 0)
        return vcm_store_fail(&s->base, "out of memory");
    vcm_entry_field *fb, *fl, *fn;
    size_t nb, nl, nn;
    if (vcm_entry_flatten(&first.data, a, &fb, &nb) < 0 ||
        vcm_entry_flatten(&last.data, a, &fl, &nl) < 0 ||
        vcm_entry_flatten(&now_data, a, &fn, &nn) < 0)
        return vcm_store_fail(&s->base, "out of memory");
    /* every key either side of the curator's version */
    vcm_entry_change *ch;
    size_t nch;
    if (vcm_entry_diff(&first.data, &last.data, a, &ch, &nch) < 0)
        return vcm_store_fail(&s->base, "out of memory");
    for (size_t i = 0; i < nch; i++) {
        const char *key = ch[i].key;
        if (!from_catalogue(key))
            continue;
        const char *base = field_of(fb, nb, key), *kept = field_of(fl, nl, key),
                   *incoming = field_of(fn, nn, key);
        if (same(incoming, base) || same(incoming, kept))
            continue;
        vcm_stmt *q = st(s, E_CONFLICT_FIND);
        int64_t seen;
        if (!q)
            return -1;
        s->d->bind_int(q, 1, id);
        s->d->bind_text(q, 2, key);
        bind_opt(s, q, 3, incoming);
        if (vcm_first_int(s, q, "cannot read a conflict", &seen) < 0)
            return -1;
        if (seen)
            continue;
        q = st(s, E_CONFLICT_PUT);
        if (!q)
            return -1;
        s->d->bind_int(q, 1, id);
        s->d->bind_int(q, 2, e.object_id);
        s->d->bind_text(q, 3, key);
        bind_opt(s, q, 4, kept);
        bind_opt(s, q, 5, incoming);
        s->d->bind_int(q, 6, now);
        if (vcm_run(s, q, "cannot record a conflict") < 0)
            return -1;
        (*found)++;
    }
    return 0;
}

int vcm_entry_reconcile(vcm_store *b, int64_t museum_id, int64_t now, int64_t *found)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    int rc = -1;
    int64_t *ids = NULL;
    size_t n = 0;
    *found = 0;
    if (vcm_store_begin(b) < 0)
        goto out;
    vcm_stmt *q = st(s, E_IDS);
    if (!q)
        goto fail;
    s->d->bind_int(q, 1, museum_id);
    int step;
    while ((step = s->d->step(q)) == VCM_ROW) {
        int64_t *v = vcm_grow(&a, ids, &n, sizeof *ids);
        if (!v) {
            s->d->reset(q);
            vcm_store_fail(b, "out of memory");
            goto fail;
        }
        ids = v;
        v[n - 1] = s->d->col_int(q, 0);
    }
    s->d->reset(q);
    if (step < 0) {
        vcm_fail_db(s, "cannot list entries");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        vcm_arena one;
        vcm_arena_init(&one, 1 << 20);
        int r = reconcile_one(s, &one, ids[i], now, found);
        vcm_arena_release(&one);
        if (r < 0)
            goto fail;
    }
    rc = vcm_store_commit(b);
    goto out;
fail:
    vcm_store_rollback(b);
out:
    vcm_arena_release(&a);
    return rc;
}

int vcm_entry_conflicts(vcm_store *b, vcm_arena *a, int64_t museum_id,
                        vcm_entry_conflict **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, E_CONFLICTS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_entry_conflict *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        v += *n - 1;
        v->id = s->d->col_int(q, 0);
        v->entry_id = s->d->col_int(q, 1);
        v->object_id = s->d->col_int(q, 2);
        v->time = s->d->col_int(q, 3);
        v->field = vcm_col_dup(s, a, q, 4);
        v->kept = vcm_col_dup(s, a, q, 5);
        v->incoming = vcm_col_dup(s, a, q, 6);
        v->resolved = s->d->col_int(q, 7) != 0;
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list conflicts");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_entry_conflict_resolve(vcm_store *b, int64_t conflict_id)
{
    store *s = S(b);
    if (vcm_store_begin(b) < 0)
        return -1;
    vcm_stmt *q = st(s, E_CONFLICT_RESOLVE);
    if (!q) {
        vcm_store_rollback(b);
        return -1;
    }
    s->d->bind_int(q, 1, conflict_id);
    int rc = write_one(s, q, "cannot resolve a conflict", NULL);
    if (rc < 0) {
        vcm_store_rollback(b);
        return -1;
    }
    return vcm_store_commit(b) < 0 ? -1 : rc;
}
