/* Virtual exhibitions in the store: the contract is store/vexhibit.h, the
 * workflow model/vexhibit.h. The SQL is the same on both engines.
 *
 * As with masterpiece entries (store/entry.c), every write runs in one
 * transaction with the writers' lock, so that the check of the expected
 * version and the save it guards see the same data: a save is refused,
 * never lost. */
#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "store/store_int.h"
#include "store/vexhibit.h"
#include "core/banned.h"

enum {
    X_INSERT, X_GET, X_BY_SLUG, X_LIST, X_VERSION_PUT, X_VERSION_GET, X_VERSIONS, X_SET_VERSION,
    X_SET_STATE, X_EVENT_PUT, X_EVENTS, X_OBJECT_STATUS, X_COUNT
};
_Static_assert(SLOT_VX + X_COUNT <= SLOT_OWN_END, "too few slots for virtual exhibitions");

#define VX_COLS "id, slug, state, version, live_version, published, created, updated"
#define VERSION_COLS "exhibition_id, version, author_id, author, time, summary, data"

static const char *const sql[X_COUNT] = {
    [X_INSERT] = "INSERT INTO virtual_exhibitions(slug, state, version, live_version, created, "
                 "updated) VALUES (?1, 'draft', 1, 0, ?2, ?2) RETURNING id",
    [X_GET] = "SELECT " VX_COLS " FROM virtual_exhibitions WHERE id = ?1",
    [X_BY_SLUG] = "SELECT " VX_COLS " FROM virtual_exhibitions WHERE slug = ?1",
    [X_LIST] = "SELECT " VX_COLS " FROM virtual_exhibitions WHERE ?1 = 0 OR live_version <> 0 "
               "ORDER BY updated DESC, id DESC",
    [X_VERSION_PUT] = "INSERT INTO vx_versions(" VERSION_COLS ") "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [X_VERSION_GET] = "SELECT " VERSION_COLS " FROM vx_versions WHERE exhibition_id = ?1 AND "
                      "version = ?2",
    [X_VERSIONS] = "SELECT " VERSION_COLS " FROM vx_versions WHERE exhibition_id = ?1 "
                   "ORDER BY version",
    /* the version checked again here: a save is refused, never lost */
    [X_SET_VERSION] = "UPDATE virtual_exhibitions SET version = ?2, state = ?3, updated = ?4 "
                      "WHERE id = ?1 AND version = ?5 RETURNING id",
    [X_SET_STATE] = "UPDATE virtual_exhibitions SET state = ?2, live_version = ?3, "
                    "published = CASE WHEN ?4 = 0 THEN published ELSE ?4 END, updated = ?5 "
                    "WHERE id = ?1",
    [X_EVENT_PUT] = "INSERT INTO vx_events(exhibition_id, version, time, actor_id, actor, action, "
                    "from_state, to_state, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [X_EVENTS] = "SELECT id, exhibition_id, version, time, actor_id, actor, action, from_state, "
                 "to_state, comment FROM vx_events WHERE exhibition_id = ?1 ORDER BY id",
    [X_OBJECT_STATUS] = "SELECT status FROM objects WHERE id = ?1",
};

static vcm_stmt *st(store *s, int k)
{
    return vcm_st_slot(s, SLOT_VX + (unsigned)k, sql[k]);
}

static void read_vx(store *s, vcm_arena *a, vcm_stmt *q, vcm_vx *v)
{
    memset(v, 0, sizeof *v);
    v->id = s->d->col_int(q, 0);
    v->slug = vcm_col_dup(s, a, q, 1);
    if (vcm_vx_state_parse(s->d->col_text(q, 2, NULL), &v->state) < 0)
        v->state = VCM_VX_DRAFT; /* the schema's CHECK keeps this from happening */
    v->version = s->d->col_int(q, 3);
    v->live_version = s->d->col_int(q, 4);
    v->published = vcm_col_int0(s, q, 5);
    v->created = s->d->col_int(q, 6);
    v->updated = s->d->col_int(q, 7);
}

static int get_by(store *s, vcm_arena *a, int k, int64_t id, const char *slug, vcm_vx *out)
{
    vcm_stmt *q = st(s, k);
    if (!q)
        return -1;
    if (slug)
        s->d->bind_text(q, 1, slug);
    else
        s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read an exhibition");
    if (rc == 1)
        read_vx(s, a, q, out);
    if (rc >= 0)
        s->d->reset(q);
    return rc;
}

int vcm_vx_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_vx *out)
{
    return get_by(S(b), a, X_GET, id, NULL, out);
}

int vcm_vx_by_slug(vcm_store *b, vcm_arena *a, const char *slug, vcm_vx *out)
{
    if (!vcm_vx_slug_valid(slug))
        return 0;
    return get_by(S(b), a, X_BY_SLUG, 0, slug, out);
}

int vcm_vx_list(vcm_store *b, vcm_arena *a, bool live_only, vcm_vx **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, X_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, live_only ? 1 : 0);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_vx *v = vcm_grow(a, *out, n, sizeof **out);
        if (!v) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = v;
        read_vx(s, a, q, &v[*n - 1]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list exhibitions");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* ---- versions ----------------------------------------------------------------- */

static int read_version(store *s, vcm_arena *a, vcm_stmt *q, vcm_vx_version *v)
{
    memset(v, 0, sizeof *v);
    v->exhibition_id = s->d->col_int(q, 0);
    v->version = s->d->col_int(q, 1);
    v->author_id = vcm_col_int0(s, q, 2);
    v->author = vcm_col_dup(s, a, q, 3);
    v->time = s->d->col_int(q, 4);
    v->summary = vcm_col_dup(s, a, q, 5);
    const char *data = vcm_col_dup(s, a, q, 6);
    char err[200];
    if (!data || vcm_vx_data_from_json(&v->data, a, data, err, sizeof err) < 0)
        return vcm_store_fail(&s->base, "exhibition %lld version %lld: %s",
                              (long long)v->exhibition_id, (long long)v->version,
                              data ? err : "out of memory");
    return 0;
}

int vcm_vx_version_get(vcm_store *b, vcm_arena *a, int64_t id, int64_t version,
                       vcm_vx_version *out)
{
    store *s = S(b);
    vcm_stmt *q = st(s, X_VERSION_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_int(q, 2, version);
    int rc = vcm_one_row(s, q, "cannot read a version");
    if (rc < 0)
        return -1; /* reset already */
    if (rc == 1 && read_version(s, a, q, out) < 0)
        rc = -1;
    s->d->reset(q);
    return rc;
}

int vcm_vx_versions(vcm_store *b, vcm_arena *a, int64_t id, vcm_vx_version **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, X_VERSIONS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_vx_version *v = vcm_grow(a, *out, n, sizeof **out);
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
                       const vcm_vx_data *d, const char *summary, const vcm_actor *who,
                       int64_t now)
{
    const char *json = vcm_vx_data_to_json(d, a);
    if (!json)
        return vcm_store_fail(&s->base, "out of memory");
    vcm_stmt *q = st(s, X_VERSION_PUT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_int(q, 2, version);
    vcm_bind_id(s, q, 3, who ? who->id : 0);
    vcm_bind_opt(s, q, 4, who ? who->name : NULL);
    s->d->bind_int(q, 5, now);
    vcm_bind_opt(s, q, 6, summary);
    s->d->bind_text(q, 7, json);
    return vcm_run(s, q, "cannot save a version");
}

static int put_event(store *s, int64_t id, int64_t version, const char *action,
                     vcm_vx_state from, vcm_vx_state to, const char *comment,
                     const vcm_actor *who, int64_t now)
{
    vcm_stmt *q = st(s, X_EVENT_PUT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_int(q, 2, version);
    s->d->bind_int(q, 3, now);
    vcm_bind_id(s, q, 4, who ? who->id : 0);
    vcm_bind_opt(s, q, 5, who ? who->name : NULL);
    s->d->bind_text(q, 6, action);
    s->d->bind_text(q, 7, vcm_vx_state_name(from));
    s->d->bind_text(q, 8, vcm_vx_state_name(to));
    vcm_bind_opt(s, q, 9, comment && *comment ? comment : NULL);
    return vcm_run(s, q, "cannot record a step");
}

/* The status of record id ("" when there is none). */
static int object_status(store *s, vcm_arena *a, int64_t id, const char **status)
{
    vcm_stmt *q = st(s, X_OBJECT_STATUS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = vcm_one_row(s, q, "cannot read a record");
    if (rc < 0)
        return -1;
    *status = rc == 1 ? vcm_col_dup(s, a, q, 0) : "";
    s->d->reset(q);
    return *status ? 0 : vcm_store_fail(&s->base, "out of memory");
}

/* Content checked as it is saved: valid, and every item a stored record.
 * public_only: every item a published record (before a publication). */
static int check_data(store *s, vcm_arena *a, const vcm_vx_data *d, bool public_only)
{
    char field[64];
    const char *why;
    if (vcm_vx_validate(d, field, sizeof field, &why) < 0)
        return vcm_store_fail(&s->base, "%s: %s", field, vcm_t("en", why));
    for (size_t i = 0; i < d->nsections; i++)
        for (size_t k = 0; k < d->sections[i].nitems; k++) {
            const char *status;
            int64_t oid = d->sections[i].items[k].object_id;
            if (object_status(s, a, oid, &status) < 0)
                return -1;
            if (!*status || (public_only && strcmp(status, "published") != 0))
                return vcm_store_fail(&s->base, "section %zu item %zu: %s %lld", i + 1, k + 1,
                                      vcm_t("en", *status ? "vx.err.not_public"
                                                          : "vx.err.no_object"),
                                      (long long)oid);
        }
    return 0;
}

int vcm_vx_create(vcm_store *b, const char *slug, const vcm_vx_data *data,
                  const vcm_actor *who, int64_t now, int64_t *id)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 1 << 16);
    int rc = -1;
    if (!vcm_vx_slug_valid(slug)) {
        vcm_store_fail(b, "slug: %s", vcm_t("en", "vx.err.slug"));
        goto out;
    }
    if (vcm_store_begin(b) < 0)
        goto out;
    if (check_data(s, &a, data, false) < 0)
        goto fail;
    vcm_stmt *q = st(s, X_INSERT);
    if (!q)
        goto fail;
    s->d->bind_text(q, 1, slug);
    s->d->bind_int(q, 2, now);
    int st_rc = s->d->step(q);
    if (st_rc == VCM_ROW)
        *id = s->d->col_int(q, 0);
    s->d->reset(q);
    if (st_rc == VCM_E_UNIQUE) {
        vcm_store_fail(b, "slug: '%s' is taken", slug);
        rc = VCM_ENTRY_TAKEN;
        goto fail;
    }
    if (st_rc != VCM_ROW) {
        vcm_fail_db(s, "cannot create an exhibition");
        goto fail;
    }
    if (put_version(s, &a, *id, 1, data, "created", who, now) < 0 ||
        put_event(s, *id, 1, "create", VCM_VX_DRAFT, VCM_VX_DRAFT, NULL, who, now) < 0)
        goto fail;
    rc = vcm_store_commit(b);
    goto out;
fail:
    vcm_store_rollback(b);
out:
    vcm_arena_release(&a);
    return rc;
}

int vcm_vx_save(vcm_store *b, int64_t id, int64_t expected_version, const vcm_vx_data *data,
                const char *summary, const vcm_actor *who, int64_t now, int64_t *version)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 1 << 16);
    int rc = -1;
    if (vcm_store_begin(b) < 0)
        goto out;
    vcm_vx v;
    int found = vcm_vx_get(b, &a, id, &v);
    if (found <= 0) {
        if (found == 0)
            vcm_store_fail(b, "no exhibition %lld", (long long)id);
        goto fail;
    }
    if (expected_version && expected_version != v.version) {
        vcm_store_fail(b, "version %lld is not the latest (%lld)", (long long)expected_version,
                       (long long)v.version);
        rc = VCM_ENTRY_STALE;
        goto fail;
    }
    if (!vcm_vx_editable(v.state)) {
        vcm_store_fail(b, "a %s exhibition cannot be saved", vcm_vx_state_name(v.state));
        rc = VCM_ENTRY_REFUSED;
        goto fail;
    }
    if (check_data(s, &a, data, false) < 0)
        goto fail;
    vcm_vx_state to = v.state;
    if (v.state == VCM_VX_PUBLISHED && vcm_vx_next(v.state, VCM_VXA_EDIT, &to) < 0)
        goto fail;
    int64_t nv = v.version + 1;
    if (put_version(s, &a, id, nv, data, summary, who, now) < 0)
        goto fail;
    vcm_stmt *q = st(s, X_SET_VERSION);
    if (!q)
        goto fail;
    s->d->bind_int(q, 1, id);
    s->d->bind_int(q, 2, nv);
    s->d->bind_text(q, 3, vcm_vx_state_name(to));
    s->d->bind_int(q, 4, now);
    s->d->bind_int(q, 5, v.version);
    int64_t got;
    int r = vcm_returning(s, q, "cannot save an exhibition", &got);
    if (r <= 0) {
        if (r == 0) {
            vcm_store_fail(b, "the exhibition was saved by someone else meanwhile");
            rc = VCM_ENTRY_STALE;
        }
        goto fail;
    }
    if (to != v.state &&
        put_event(s, id, nv, vcm_vx_action_name(VCM_VXA_EDIT), v.state, to, NULL, who, now) < 0)
        goto fail;
    *version = nv;
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

int vcm_vx_transition(vcm_store *b, int64_t id, vcm_vx_action action, const char *comment,
                      const vcm_actor *who, int64_t now)
{
    store *s = S(b);
    vcm_arena a;
    vcm_arena_init(&a, 1 << 16);
    int rc = -1;
    if (action == VCM_VXA_EDIT) /* a save's own step, not one to ask for */
        return vcm_store_fail(b, "edit is a save"), VCM_ENTRY_REFUSED;
    if (vcm_store_begin(b) < 0)
        goto out;
    vcm_vx v;
    int found = vcm_vx_get(b, &a, id, &v);
    if (found <= 0) {
        if (found == 0)
            vcm_store_fail(b, "no exhibition %lld", (long long)id);
        goto fail;
    }
    vcm_vx_state to;
    if (vcm_vx_next(v.state, action, &to) < 0) {
        vcm_store_fail(b, "cannot %s a %s exhibition", vcm_vx_action_name(action),
                       vcm_vx_state_name(v.state));
        rc = VCM_ENTRY_REFUSED;
        goto fail;
    }
    int64_t live = v.live_version, published = 0;
    if (action == VCM_VXA_PUBLISH) {
        vcm_vx_version ver;
        if (vcm_vx_version_get(b, &a, id, v.version, &ver) <= 0)
            goto fail;
        if (check_data(s, &a, &ver.data, true) < 0) {
            rc = VCM_ENTRY_INCOMPLETE;
            goto fail;
        }
        live = v.version;
        published = now;
    } else if (action == VCM_VXA_WITHDRAW) {
        live = 0;
    }
    vcm_stmt *q = st(s, X_SET_STATE);
    if (!q)
        goto fail;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, vcm_vx_state_name(to));
    s->d->bind_int(q, 3, live);
    s->d->bind_int(q, 4, published);
    s->d->bind_int(q, 5, now);
    if (vcm_run(s, q, "cannot move an exhibition") < 0 ||
        put_event(s, id, v.version, vcm_vx_action_name(action), v.state, to, comment, who,
                  now) < 0)
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

int vcm_vx_events(vcm_store *b, vcm_arena *a, int64_t id, vcm_vx_event **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = st(s, X_EVENTS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_vx_event *e = vcm_grow(a, *out, n, sizeof **out);
        if (!e) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = e;
        e += *n - 1;
        memset(e, 0, sizeof *e);
        e->id = s->d->col_int(q, 0);
        e->exhibition_id = s->d->col_int(q, 1);
        e->version = s->d->col_int(q, 2);
        e->time = s->d->col_int(q, 3);
        e->actor_id = vcm_col_int0(s, q, 4);
        e->actor = vcm_col_dup(s, a, q, 5);
        e->action = vcm_col_dup(s, a, q, 6);
        vcm_vx_state_parse(s->d->col_text(q, 7, NULL), &e->from);
        vcm_vx_state_parse(s->d->col_text(q, 8, NULL), &e->to);
        e->comment = vcm_col_dup(s, a, q, 9);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list steps");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_vx_live(vcm_store *b, vcm_arena *a, const char *slug, vcm_vx *vx, vcm_vx_data *data)
{
    int rc = vcm_vx_by_slug(b, a, slug, vx);
    if (rc <= 0 || vx->live_version == 0)
        return rc < 0 ? -1 : 0;
    vcm_vx_version v;
    rc = vcm_vx_version_get(b, a, vx->id, vx->live_version, &v);
    if (rc == 1)
        *data = v.data;
    return rc;
}
