/* Objects, their images, the activity log and the change sequence.
 *
 * Writing: an object's row and its texts, creators and activities go by
 * vcm_gather (store.c), so that inside a write transaction on PostgreSQL
 * they wait for one COPY per table; images are written at once, as their
 * identifier must be free and the caller told at once when it is not.
 * Reading: a page of objects takes three queries whatever its length
 * (rows, texts with creators, images), each with the page's ids bound as
 * one value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/store_int.h"
#include "core/banned.h"

#define ID_BLOCK 1024 /* object ids drawn at once for gathered objects */
#define OBJECT_NCOLS 24

static vcm_value v_text(const char *t)
{
    return t ? (vcm_value){.type = VCM_V_TEXT, .t = t} : (vcm_value){.type = VCM_V_NULL};
}

static vcm_value v_int(int64_t i)
{
    return (vcm_value){.type = VCM_V_INT, .i = i};
}

static vcm_value v_year(int32_t y)
{
    return y == VCM_NO_YEAR ? (vcm_value){.type = VCM_V_NULL} : v_int(y);
}

static void bind_value(store *s, vcm_stmt *q, int i, const vcm_value *v)
{
    switch (v->type) {
    case VCM_V_NULL: s->d->bind_null(q, i); break;
    case VCM_V_INT: s->d->bind_int(q, i, v->i); break;
    case VCM_V_REAL: s->d->bind_real(q, i, v->r); break;
    case VCM_V_TEXT: s->d->bind_text(q, i, v->t); break;
    }
}

/* An object as the columns of vcm_store_tables' objects, id first. */
static void object_row(const vcm_object *o, const char *hash, vcm_value v[OBJECT_NCOLS])
{
    int c = vcm_century(o->date_start);
    vcm_value row[OBJECT_NCOLS] = {
        v_int(o->id), v_int(o->museum_id), v_text(o->source_id), v_text(o->source),
        v_text(o->source_licence), v_text(o->inventory_number), v_text(o->date_text),
        v_year(o->date_start), v_year(o->date_end), c ? v_int(c) : v_text(NULL),
        v_text(o->period), v_text(o->culture), v_text(o->classification),
        v_text(o->materials), v_text(o->technique), v_text(o->dimensions),
        v_text(o->credit_line), v_text(o->rights), v_text(o->licence), v_text(o->source_url),
        v_text(vcm_status_name(o->status)), v_int(o->created), v_int(o->updated),
        v_text(hash)};
    memcpy(v, row, sizeof row);
}

static int put_texts(store *s, int64_t id, const char *field, const vcm_ltexts *t)
{
    for (size_t i = 0; i < t->n; i++) {
        vcm_value row[] = {v_int(id),           v_text(field),
                           v_text(t->v[i].lang), v_int((int64_t)i),
                           v_text(t->v[i].text), v_int(t->v[i].inferred),
                           v_int(t->v[i].is_public)};
        if (vcm_gather(s, vcm_table_index("object_texts"), row) < 0)
            return -1;
    }
    return 0;
}

static void bind_media(store *s, vcm_stmt *q, int64_t object_id, int pos, const vcm_media *m)
{
    s->d->bind_int(q, 1, object_id);
    s->d->bind_int(q, 2, pos);
    s->d->bind_text(q, 3, m->file);
    s->d->bind_text(q, 4, m->format);
    s->d->bind_int(q, 5, m->width);
    s->d->bind_int(q, 6, m->height);
    s->d->bind_text(q, 7, m->checksum);
    s->d->bind_text(q, 8, m->rights);
    s->d->bind_text(q, 9, m->identifier);
    s->d->bind_text(q, 10, m->original);
    s->d->bind_text(q, 11, m->label);
    s->d->bind_int(q, 12, vcm_now());
    s->d->bind_text(q, 13, m->attribution);
    if (m->entry_id)
        s->d->bind_int(q, 14, m->entry_id);
    else
        s->d->bind_null(q, 14);
    s->d->bind_int(q, 15, m->held ? 1 : 0);
}

static int put_children(store *s, const vcm_object *o, bool replace)
{
    static const enum stmt dels[] = {S_TEXTS_DEL, S_CREATORS_DEL, S_MEDIA_DEL};
    /* images are replaced only by a record that brings images */
    size_t ndels = o->nmedia ? 3 : 2;
    vcm_ltexts notes = o->notes;
    if (replace && vcm_notes_keep_public(s, o->id, &s->g.arena, &notes) < 0)
        return -1;
    for (size_t i = 0; replace && i < ndels; i++) {
        vcm_stmt *q = vcm_st(s, dels[i]);
        if (!q)
            return -1;
        s->d->bind_int(q, 1, o->id);
        if (vcm_run(s, q, "cannot replace an object's parts") < 0)
            return -1;
    }
    if (put_texts(s, o->id, "title", &o->title) < 0 ||
        put_texts(s, o->id, "description", &o->description) < 0 ||
        put_texts(s, o->id, "statement", &o->statement) < 0 ||
        put_texts(s, o->id, "note", &notes) < 0)
        return -1;
    for (size_t i = 0; i < o->ncreators; i++) {
        vcm_value row[] = {v_int(o->id), v_int((int64_t)i), v_text(o->creators[i])};
        if (vcm_gather(s, vcm_table_index("object_creators"), row) < 0)
            return -1;
    }
    if (vcm_links_put(s, o, replace) < 0 || vcm_origin_put(s, o, replace) < 0)
        return -1;
    for (size_t i = 0; i < o->nmedia; i++) {
        vcm_stmt *q = vcm_st(s, S_MEDIA_PUT);
        if (!q)
            return -1;
        bind_media(s, q, o->id, (int)i, &o->media[i]);
        if (vcm_run(s, q, "cannot store a media record") < 0)
            return -1;
    }
    return 0;
}

static int has_media(store *s, int64_t object_id)
{
    vcm_stmt *q = vcm_st(s, S_HAS_MEDIA);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, object_id);
    int64_t v;
    return vcm_first_int(s, q, "cannot look up images", &v) < 0 ? -1 : v != 0;
}

/* The change log describes IIIF manifests, which only objects with images
 * have: an object enters it with its first image. */
static int log_activity(store *s, int64_t object_id, const char *type, int64_t when)
{
    vcm_value row[] = {v_int(object_id), v_text(type), v_int(when)};
    return vcm_gather(s, GATHER_ACTIVITY, row);
}

/* ---- the known keys ------------------------------------------------------- */

/* Keyed on the source id alone, so that a look-ahead (which does not know
 * the museums yet) can ask it too; a source id that another museum uses
 * merely costs a look-up. */
static void key_hashes(const char *source_id, uint64_t h[2])
{
    uint64_t a = 1469598103934665603u, b = 0x9e3779b97f4a7c15u;
    for (const unsigned char *p = (const unsigned char *)source_id; *p; p++) {
        a = (a ^ *p) * 1099511628211u;
        b = (b ^ *p) * 0xff51afd7ed558ccdu;
    }
    h[0] = a;
    h[1] = b | 1;
}

/* Three bits a key; add sets them, has tests them. */
static bool known_bits(struct known *k, const char *source_id, bool add)
{
    uint64_t h[2];
    key_hashes(source_id, h);
    bool all = true;
    for (int i = 0; i < 3; i++) {
        size_t bit = (size_t)((h[0] + (uint64_t)i * h[1]) & (KNOWN_BITS - 1));
        uint64_t m = (uint64_t)1 << (bit & 63);
        all = all && (k->bits[bit >> 6] & m);
        if (add)
            k->bits[bit >> 6] |= m;
    }
    return all;
}

static void known_add(store *s, const char *source_id)
{
    if (s->known.valid)
        known_bits(&s->known, source_id, true);
}

/* Reads every stored key into the filter. */
static int known_load(store *s)
{
    struct known *k = &s->known;
    if (!k->bits && !(k->bits = malloc(KNOWN_BITS / 8)))
        return -1;
    memset(k->bits, 0, KNOWN_BITS / 8);
    vcm_stmt *q = vcm_st(s, S_OBJECT_KEYS);
    if (!q)
        return -1;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        const char *sid = s->d->col_text(q, 0, NULL);
        known_bits(k, sid ? sid : "", true);
    }
    s->d->reset(q);
    k->valid = rc == VCM_DONE;
    return rc == VCM_DONE ? 0 : -1;
}

/* Whether the filter can answer in this write transaction (remote only):
 * loaded, and no one else wrote since. */
static bool known_ready(store *s)
{
    struct known *k = &s->known;
    if (!s->d->remote || !s->in_write)
        return false;
    if (!k->checked) { /* the first look-up of this transaction */
        k->checked = true;
        int64_t v;
        if (!k->valid || s->base.ops->data_version(&s->base, &v) < 0 || v != k->version)
            k->valid = false;
        if (!k->valid && known_load(s) < 0)
            return false;
    }
    return k->valid;
}

/* Whether no object of this source id is stored, for certain; false when
 * one may be (or when the filter cannot tell). */
static bool known_absent(store *s, const char *source_id)
{
    return known_ready(s) && !known_bits(&s->known, source_id, false);
}

/* ---- reading ahead --------------------------------------------------------- */

/* The rows of the source ids a caller said would come (vcm_object_expect),
 * read in one request, for this write transaction: a hash table of the
 * source ids it covers, each with the chain of its stored rows (one per
 * museum that has it). */
struct ahead_row {
    int64_t museum_id, id, created;
    const char *hash;
    struct ahead_row *next;
};
struct ahead_key {
    const char *source_id; /* NULL: a free place */
    bool written;          /* since it was read: what was read holds no longer */
    struct ahead_row *rows;
};

void vcm_ahead_drop(store *s)
{
    s->ahead.keys = NULL;
    s->ahead.mask = 0;
    vcm_arena_reset(&s->ahead.arena);
}

static struct ahead_key *ahead_key(store *s, const char *source_id)
{
    if (!s->ahead.keys)
        return NULL;
    uint64_t h[2];
    key_hashes(source_id, h);
    for (size_t i = (size_t)h[0];; i++) {
        struct ahead_key *k = &s->ahead.keys[i & s->ahead.mask];
        if (!k->source_id || strcmp(k->source_id, source_id) == 0)
            return k;
    }
}

/* Whether source_id was read ahead: -1 not (or written since), 0 read and
 * not stored in this museum, 1 stored (*hit). */
static int ahead_find(store *s, int64_t museum_id, const char *source_id,
                      const struct ahead_row **hit)
{
    const struct ahead_key *k = ahead_key(s, source_id);
    if (!k || !k->source_id || k->written)
        return -1;
    for (const struct ahead_row *r = k->rows; r; r = r->next)
        if (r->museum_id == museum_id) {
            *hit = r;
            return 1;
        }
    return 0;
}

/* A list of texts bound as one value (a PostgreSQL array literal). */
static int text_list(store *s, const char *const *v, size_t n)
{
    vcm_buf_reset(&s->list);
    vcm_buf_putc(&s->list, '{');
    for (size_t i = 0; i < n; i++) {
        vcm_buf_puts(&s->list, i ? ",\"" : "\"");
        for (const char *p = v[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                vcm_buf_putc(&s->list, '\\');
            vcm_buf_putc(&s->list, *p);
        }
        vcm_buf_putc(&s->list, '"');
    }
    vcm_buf_putc(&s->list, '}');
    return s->list.toobig ? vcm_store_fail(&s->base, "too many records read ahead at once") : 0;
}

int vcm_object_expect(vcm_store *b, const char *const *source_ids, size_t n)
{
    store *s = S(b);
    vcm_ahead_drop(s);
    if (n == 0 || !vcm_sql(S_OBJECT_AHEAD, s->d->dialect) || !s->in_write)
        return 0;
    vcm_arena *a = &s->ahead.arena;
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    const char **maybe = vcm_arena_alloc(a, n * sizeof *maybe);
    s->ahead.keys = vcm_arena_calloc(a, size, sizeof *s->ahead.keys);
    s->ahead.mask = size - 1;
    if (!maybe || !s->ahead.keys) {
        vcm_ahead_drop(s);
        return vcm_store_fail(b, "out of memory");
    }
    bool ready = known_ready(s);
    size_t nmaybe = 0;
    for (size_t i = 0; i < n; i++) {
        struct ahead_key *k = ahead_key(s, source_ids[i]);
        if (k->source_id)
            continue; /* said twice */
        if (!(k->source_id = vcm_arena_strdup(a, source_ids[i]))) {
            vcm_ahead_drop(s);
            return vcm_store_fail(b, "out of memory");
        }
        if (!ready || known_bits(&s->known, k->source_id, false))
            maybe[nmaybe++] = k->source_id;
    }
    int rc = VCM_DONE;
    if (nmaybe == 0) { /* no request: see that the server is still there */
        if (!s->d->connected(s->c))
            rc = vcm_fail_db(s, "cannot look up objects");
    } else {
        vcm_stmt *q = vcm_st(s, S_OBJECT_AHEAD);
        if (!q || text_list(s, maybe, nmaybe) < 0) {
            vcm_ahead_drop(s);
            return -1;
        }
        s->d->bind_text(q, 1, s->list.data);
        while ((rc = s->d->step(q)) == VCM_ROW) {
            struct ahead_row *r = vcm_arena_alloc(a, sizeof *r);
            const char *sid = s->d->col_text(q, 1, NULL);
            struct ahead_key *k = sid ? ahead_key(s, sid) : NULL;
            if (!r || !k || !k->source_id || !(r->hash = vcm_col_dup(s, a, q, 3)))
                break; /* out of memory, or a row of no source id asked for */
            r->museum_id = s->d->col_int(q, 0);
            r->id = s->d->col_int(q, 2);
            r->created = s->d->col_int(q, 4);
            r->next = k->rows;
            k->rows = r;
        }
        if (rc < 0)
            vcm_fail_db(s, "cannot look up objects");
        else if (rc == VCM_ROW)
            vcm_store_fail(b, "out of memory reading objects ahead");
        s->d->reset(q);
    }
    if (rc != VCM_DONE) {
        vcm_ahead_drop(s);
        return -1;
    }
    return 0;
}

void vcm_known_commit(store *s)
{
    int64_t v;
    if (s->known.valid && s->known.checked)
        s->known.valid = s->base.ops->data_version(&s->base, &v) == 0 && (s->known.version = v, true);
}

int vcm_ids_back(store *s)
{
    if (s->g.next_id == s->g.end_id || !vcm_sql(S_OBJECT_IDS_BACK, s->d->dialect))
        return 0;
    vcm_stmt *q = vcm_st(s, S_OBJECT_IDS_BACK);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, s->g.next_id);
    s->d->bind_int(q, 2, s->g.end_id - 1);
    s->g.next_id = s->g.end_id = 0;
    return vcm_run(s, q, "cannot give object ids back");
}

/* An id for a new object without a statement of its own: from the block
 * drawn, or a new block. */
static int next_id(store *s, int64_t *id)
{
    if (s->g.next_id == s->g.end_id) {
        vcm_stmt *q = vcm_st(s, S_OBJECT_IDS);
        if (!q)
            return -1;
        s->d->bind_int(q, 1, ID_BLOCK);
        int64_t first = 0, last = 0;
        int rc, n = 0;
        while ((rc = s->d->step(q)) == VCM_ROW) {
            int64_t v = s->d->col_int(q, 0);
            if (n++ == 0)
                first = v;
            else if (v != last + 1)
                break; /* a gap: keep the run so far */
            last = v;
        }
        if (rc < 0)
            vcm_fail_db(s, "cannot draw object ids");
        s->d->reset(q);
        if (rc < 0)
            return -1;
        s->g.next_id = first;
        s->g.end_id = last + 1;
    }
    *id = s->g.next_id++;
    return 0;
}

static int insert_object(store *s, vcm_object *o, const char *hash, bool use_id)
{
    vcm_value row[OBJECT_NCOLS];
    if (vcm_gathering(s) && !use_id) {
        if (next_id(s, &o->id) < 0)
            return -1;
        object_row(o, hash, row);
        return vcm_gather(s, vcm_table_index("objects"), row);
    }
    object_row(o, hash, row);
    if (!use_id)
        row[0] = v_text(NULL);
    vcm_stmt *q = vcm_st(s, S_OBJECT_INSERT);
    if (!q)
        return -1;
    for (int i = 0; i < OBJECT_NCOLS; i++)
        bind_value(s, q, i + 1, &row[i]);
    int64_t given = use_id ? o->id : 0;
    if (vcm_first_int(s, q, "cannot insert an object", &o->id) < 0)
        return -1;
    if (!given || !vcm_sql(S_OBJECT_ID_FOLLOW, s->d->dialect))
        return 0;
    if (!(q = vcm_st(s, S_OBJECT_ID_FOLLOW)))
        return -1;
    s->d->bind_int(q, 1, given);
    return vcm_run(s, q, "cannot insert an object");
}

int vcm_object_upsert(vcm_store *b, vcm_object *o, const char *hash, bool keep_times,
                      vcm_upsert *result)
{
    store *s = S(b);
    vcm_stmt *q = NULL;
    int rc = VCM_DONE;
    int64_t id = 0, created = 0;
    bool same = false;
    const struct ahead_row *hit = NULL;
    int ahead = ahead_find(s, o->museum_id, o->source_id, &hit);
    if (ahead == 1) {
        rc = VCM_ROW;
        id = hit->id;
        same = strcmp(hit->hash, hash) == 0;
        created = hit->created;
    } else if (ahead == 0) {
        /* known absent: the look-ahead checked the connection */
    } else if (known_absent(s, o->source_id)) {
        if (!s->d->connected(s->c))
            return vcm_fail_db(s, "cannot store an object");
    } else {
        if (!(q = vcm_st(s, S_OBJECT_FIND)))
            return -1;
        s->d->bind_int(q, 1, o->museum_id);
        s->d->bind_text(q, 2, o->source_id);
        rc = s->d->step(q);
        if (rc == VCM_ROW) {
            id = s->d->col_int(q, 0);
            const char *h = s->d->col_text(q, 1, NULL);
            same = h && strcmp(h, hash) == 0;
            created = s->d->col_int(q, 2);
        } else if (rc < 0) {
            vcm_fail_db(s, "cannot look up an object");
        }
        s->d->reset(q);
        if (rc < 0)
            return -1;
    }
    if (ahead >= 0 && !same) /* written below */
        ahead_key(s, o->source_id)->written = true;
    int64_t now = vcm_now();
    if (rc == VCM_ROW) {
        o->id = id;
        if (same) {
            *result = VCM_UPSERT_UNCHANGED;
            return 0;
        }
        if (!keep_times) {
            o->created = created;
            o->updated = now;
        }
        if (!(q = vcm_st(s, S_OBJECT_UPDATE)))
            return -1;
        vcm_value row[OBJECT_NCOLS];
        object_row(o, hash, row);
        for (int i = 0; i < OBJECT_NCOLS; i++)
            bind_value(s, q, i + 1, &row[i]);
        if (vcm_run(s, q, "cannot update an object") < 0 || put_children(s, o, true) < 0)
            return -1;
        int hm = has_media(s, id);
        /* a draft (a record a museum is making) is announced once published */
        if (hm < 0 || (hm && o->status != VCM_DRAFT &&
                       log_activity(s, id, o->status == VCM_WITHDRAWN ? "Delete" : "Update",
                                    o->updated) < 0))
            return -1;
        *result = VCM_UPSERT_UPDATED;
        return 0;
    }
    bool use_id = false;
    if (keep_times && o->id > 0) {
        if (!(q = vcm_st(s, S_OBJECT_ID_FREE)))
            return -1;
        s->d->bind_int(q, 1, o->id);
        int64_t free_id;
        if (vcm_first_int(s, q, "cannot look up an object", &free_id) < 0)
            return -1;
        use_id = free_id != 0;
    }
    if (!keep_times)
        o->created = o->updated = now;
    known_add(s, o->source_id);
    if (insert_object(s, o, hash, use_id) < 0 || put_children(s, o, false) < 0 ||
        (o->nmedia && o->status == VCM_PUBLISHED && log_activity(s, o->id, "Create", o->created) < 0))
        return -1;
    *result = VCM_UPSERT_INSERTED;
    return 0;
}

/* ---- reading ------------------------------------------------------------- */

/* The first eleven columns of S_OBJECTS_MEDIA and S_MEDIA_FIND. */
static void row_media(store *s, vcm_arena *a, vcm_stmt *q, vcm_media *m)
{
    memset(m, 0, sizeof *m);
    m->id = s->d->col_int(q, 0);
    m->file = vcm_col_dup(s, a, q, 1);
    m->format = vcm_col_dup(s, a, q, 2);
    m->width = (int)s->d->col_int(q, 3);
    m->height = (int)s->d->col_int(q, 4);
    m->checksum = vcm_col_dup(s, a, q, 5);
    m->rights = vcm_col_dup(s, a, q, 6);
    m->identifier = vcm_col_dup(s, a, q, 7);
    m->original = vcm_col_dup(s, a, q, 8);
    m->label = vcm_col_dup(s, a, q, 9);
    m->attribution = vcm_col_dup(s, a, q, 10);
}

static int32_t col_year(store *s, vcm_stmt *q, int i)
{
    return s->d->is_null(q, i) ? VCM_NO_YEAR : (int32_t)s->d->col_int(q, i);
}

static void row_object(store *s, vcm_arena *a, vcm_stmt *q, vcm_object *o)
{
    vcm_object_init(o);
    o->id = s->d->col_int(q, 0);
    o->museum_id = s->d->col_int(q, 1);
    o->source_id = vcm_col_dup(s, a, q, 2);
    o->source = vcm_col_dup(s, a, q, 3);
    o->source_licence = vcm_col_dup(s, a, q, 4);
    o->inventory_number = vcm_col_dup(s, a, q, 5);
    o->date_text = vcm_col_dup(s, a, q, 6);
    o->date_start = col_year(s, q, 7);
    o->date_end = col_year(s, q, 8);
    /* 9: century, derived */
    o->period = vcm_col_dup(s, a, q, 10);
    o->culture = vcm_col_dup(s, a, q, 11);
    o->classification = vcm_col_dup(s, a, q, 12);
    o->materials = vcm_col_dup(s, a, q, 13);
    o->technique = vcm_col_dup(s, a, q, 14);
    o->dimensions = vcm_col_dup(s, a, q, 15);
    o->credit_line = vcm_col_dup(s, a, q, 16);
    o->rights = vcm_col_dup(s, a, q, 17);
    o->licence = vcm_col_dup(s, a, q, 18);
    o->source_url = vcm_col_dup(s, a, q, 19);
    vcm_status_parse(s->d->col_text(q, 20, NULL), &o->status);
    o->created = s->d->col_int(q, 21);
    o->updated = s->d->col_int(q, 22);
    /* 23: content hash */
    o->museum_name = vcm_col_dup(s, a, q, 24);
    vcm_col_code(s, q, 25, o->country);
    vcm_origin_row(s, q, 26, &o->origin);
}

/* ids in order, with where each was asked, to find a row's objects. */
struct at {
    int64_t id;
    size_t i;
};

static int at_cmp(const void *x, const void *y)
{
    const struct at *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* The first of the entries for id, or NULL. */
static const struct at *at_find(const struct at *v, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo].id == id ? &v[lo] : NULL;
}

/* The ids of a page as one value, a list in the dialect's brackets
 * (sql.c), into s->list until the next page: written once for the three
 * page queries. -1 when too long. */
static int page_list(store *s, const int64_t *ids, size_t n)
{
    const char *br = vcm_sql_list(s->d->dialect);
    vcm_buf_reset(&s->list);
    vcm_buf_putc(&s->list, br[0]);
    for (size_t i = 0; i < n; i++) {
        if (i)
            vcm_buf_putc(&s->list, ',');
        vcm_buf_put_i64(&s->list, ids[i]);
    }
    vcm_buf_putc(&s->list, br[1]);
    if (s->list.toobig)
        return vcm_store_fail(&s->base, "too many objects at once");
    return 0;
}

/* One of the page queries, with the list of page_list bound. */
static vcm_stmt *page_query(store *s, enum stmt k)
{
    vcm_stmt *q = vcm_st(s, k);
    if (q)
        s->d->bind_text(q, 1, s->list.data);
    return q;
}

/* A text or a creator row (field '') of S_OBJECTS_TEXTS into o. */
static int add_text(store *s, vcm_arena *a, vcm_stmt *q, vcm_object *o)
{
    const char *field = s->d->col_text(q, 1, NULL);
    const char *value = vcm_col_dup(s, a, q, 3);
    if (!field || !value)
        return -1;
    if (!*field) {
        const char **nv = vcm_grow(a, o->creators, &o->ncreators, sizeof *nv);
        if (!nv)
            return -1;
        o->creators = nv;
        nv[o->ncreators - 1] = value;
        return 0;
    }
    vcm_ltexts *t = field[0] == 't'   ? &o->title
                    : field[0] == 'd' ? &o->description
                    : field[0] == 'n' ? &o->notes
                                      : &o->statement;
    if (vcm_ltexts_add(t, a, vcm_col_dup(s, a, q, 2), value) < 0)
        return -1;
    t->v[t->n - 1].inferred = s->d->col_int(q, 5) != 0;
    t->v[t->n - 1].is_public = s->d->col_int(q, 6) != 0;
    return 0;
}

int vcm_object_get_many(vcm_store *b, vcm_arena *a, const int64_t *ids, size_t n,
                        vcm_object *out, bool *found)
{
    store *s = S(b);
    memset(found, 0, n * sizeof *found);
    if (n == 0)
        return 0;
    struct at *at = vcm_arena_alloc(a, n * sizeof *at);
    if (!at)
        return vcm_store_fail(b, "out of memory reading objects");
    for (size_t i = 0; i < n; i++)
        at[i] = (struct at){ids[i], i};
    qsort(at, n, sizeof *at, at_cmp);
    /* An embedded engine reads the three from one snapshot (and takes its
     * lock once) for nothing; a server would cost two more round trips. */
    bool snapshot = !s->d->remote && !s->in_tx && vcm_flush(s) == 0 &&
                    s->d->begin(s->c, false) == 0;
    static const enum stmt parts[] = {S_OBJECTS_GET, S_OBJECTS_TEXTS, S_OBJECTS_MEDIA};
    static const int id_col[] = {0, 0, 11};
    int rc = page_list(s, ids, n);
    for (size_t p = 0; p < sizeof parts / sizeof parts[0] && rc == 0; p++) {
        vcm_stmt *q = page_query(s, parts[p]);
        if (!q) {
            rc = -1;
            break;
        }
        bool oom = false;
        while (!oom && (rc = s->d->step(q)) == VCM_ROW) {
            int64_t id = s->d->col_int(q, id_col[p]);
            for (const struct at *e = at_find(at, n, id); e && e < at + n && e->id == id; e++) {
                vcm_object *o = &out[e->i];
                if (p == 0) {
                    row_object(s, a, q, o);
                    found[e->i] = true;
                } else if (p == 1) {
                    oom = add_text(s, a, q, o) < 0;
                } else {
                    vcm_media *nv = vcm_grow(a, o->media, &o->nmedia, sizeof *nv);
                    if (!(oom = !nv)) {
                        o->media = nv;
                        row_media(s, a, q, &nv[o->nmedia - 1]);
                    }
                }
            }
        }
        if (!oom && rc < 0)
            vcm_fail_db(s, "cannot read objects");
        s->d->reset(q);
        if (oom)
            rc = vcm_store_fail(b, "out of memory reading objects");
        rc = rc < 0 ? -1 : 0;
    }
    if (snapshot)
        s->d->rollback(s->c);
    return rc;
}

int vcm_object_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_object *out)
{
    bool found;
    if (vcm_object_get_many(b, a, &id, 1, out, &found) < 0)
        return -1;
    return found;
}

/* ---- images, activities, the change sequence ------------------------------ */

int vcm_media_add(vcm_store *b, int64_t object_id, vcm_media *m)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_MEDIA_NEXT_POS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, object_id);
    int64_t pos;
    if (vcm_first_int(s, q, "cannot count an object's images", &pos) < 0)
        return -1;
    if (!(q = vcm_st(s, S_MEDIA_PUT)))
        return -1;
    bind_media(s, q, object_id, (int)pos, m);
    int rc = s->d->step(q);
    if (rc == VCM_ROW)
        m->id = s->d->col_int(q, 0);
    else if (rc < 0)
        vcm_fail_db(s, "cannot add an image");
    s->d->reset(q);
    if (rc == VCM_E_UNIQUE)
        return vcm_store_fail(b, "the image identifier '%s' is taken", m->identifier);
    if (rc == VCM_E_FOREIGN)
        return vcm_store_fail(b, "there is no object %lld", (long long)object_id);
    if (rc < 0)
        return -1;
    /* an image of a draft is announced with the record, once published; a
     * held one with its entry's publication (vcm_entry_transition) */
    if (m->held)
        return 0;
    int64_t shown;
    if (!(q = vcm_st(s, S_OBJECT_PUBLIC)))
        return -1;
    s->d->bind_int(q, 1, object_id);
    if (vcm_first_int(s, q, "cannot read an object's status", &shown) < 0)
        return -1;
    if (!shown)
        return 0;
    return log_activity(s, object_id, pos == 0 ? "Create" : "Update", vcm_now());
}

int vcm_media_find(vcm_store *b, vcm_arena *a, const char *identifier, vcm_media *m,
                   int64_t *object_id)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_MEDIA_FIND);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, identifier);
    int rc = s->d->step(q);
    if (rc == VCM_ROW) {
        row_media(s, a, q, m);
        *object_id = s->d->col_int(q, 11);
        m->held = s->d->col_int(q, 12) != 0;
        m->entry_id = s->d->is_null(q, 13) ? 0 : s->d->col_int(q, 13);
    } else if (rc < 0) {
        vcm_fail_db(s, "cannot look up an image");
    }
    s->d->reset(q);
    return rc < 0 ? -1 : rc == VCM_ROW;
}

/* Up to max first columns of q's rows as integers (a second column into
 * seconds when not NULL). */
static int read_ints(store *s, vcm_stmt *q, int64_t *firsts, int64_t *seconds, size_t max,
                     size_t *n, const char *what)
{
    *n = 0;
    int rc = VCM_DONE;
    while (*n < max && (rc = s->d->step(q)) == VCM_ROW) {
        if (seconds)
            seconds[*n] = s->d->col_int(q, 1);
        firsts[(*n)++] = s->d->col_int(q, 0);
    }
    if (rc < 0)
        vcm_fail_db(s, what);
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_object_by_source_id(vcm_store *b, const char *source_id, int64_t *ids, size_t max,
                            size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_BY_SOURCE_ID);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, source_id);
    s->d->bind_int(q, 2, (int64_t)max);
    return read_ints(s, q, ids, NULL, max, n, "cannot look up objects");
}

int vcm_activity_list(vcm_store *b, vcm_arena *a, int64_t offset, int limit,
                      vcm_activity **out, size_t *n, int64_t *total)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_ACTIVITY_COUNT);
    if (!q || vcm_first_int(s, q, "cannot count activities", total) < 0)
        return -1;
    if (!(q = vcm_st(s, S_ACTIVITY_LIST)))
        return -1;
    s->d->bind_int(q, 1, limit);
    s->d->bind_int(q, 2, offset);
    *out = vcm_arena_calloc(a, limit > 0 ? (size_t)limit : 1, sizeof **out);
    if (!*out) {
        s->d->reset(q);
        return vcm_store_fail(b, "out of memory listing activities");
    }
    *n = 0;
    int rc = VCM_DONE;
    while (*n < (size_t)limit && (rc = s->d->step(q)) == VCM_ROW) {
        vcm_activity *v = &(*out)[(*n)++];
        v->id = s->d->col_int(q, 0);
        v->object_id = s->d->col_int(q, 1);
        v->type = vcm_col_dup(s, a, q, 2);
        v->time = s->d->col_int(q, 3);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list activities");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_changes_since(vcm_store *b, int64_t after, int64_t *ids, int64_t *seqs, size_t max,
                      size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_CHANGES_SINCE);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, after);
    s->d->bind_int(q, 2, (int64_t)max);
    return read_ints(s, q, seqs, ids, max, n, "cannot read the change sequence");
}

int vcm_object_stamps(vcm_store *b, int64_t after_id, int64_t offset, int64_t *ids,
                      int64_t *updated, size_t max, size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_OBJECT_STAMPS);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, after_id);
    s->d->bind_int(q, 2, (int64_t)max);
    s->d->bind_int(q, 3, offset);
    return read_ints(s, q, ids, updated, max, n, "cannot list the published objects");
}

int vcm_change_head(vcm_store *b, int64_t *seq)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_CHANGE_HEAD);
    return q ? vcm_first_int(s, q, "cannot read the change sequence", seq) : -1;
}

int vcm_instance_id(vcm_store *b, char out[33])
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_INSTANCE_ID);
    if (!q)
        return -1;
    int rc = s->d->step(q);
    size_t len = 0;
    const char *v = rc == VCM_ROW ? s->d->col_text(q, 0, &len) : NULL;
    bool ok = v && len == 32;
    if (ok)
        memcpy(out, v, 33);
    if (rc < 0)
        vcm_fail_db(s, "cannot read the database's id");
    s->d->reset(q);
    if (rc < 0)
        return -1;
    return ok ? 0 : vcm_store_fail(b, "cannot read the database's id: it has none");
}
