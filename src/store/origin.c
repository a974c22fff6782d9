/* Objects' origins (model/origin.h), in object_origins: one row an object,
 * derived from the record whenever the object is written (gathered with its
 * texts and links), read with the object (S_OBJECTS_GET joins it), and
 * filled for objects stored before migration 6 (vcm_origins_derive). The
 * rule is the model's; the store only keeps what it says. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "store/store_int.h"
#include "core/banned.h"

#define FILL_BATCH 500

static vcm_value v_text(const char *t)
{
    return t && *t ? (vcm_value){.type = VCM_V_TEXT, .t = t} : (vcm_value){.type = VCM_V_NULL};
}

/* What the rule reads from an object: its culture, its creators, every
 * title (the script of a Chinese or Japanese one tells) and the English
 * description. */
static void derive(const vcm_object *o, vcm_origin *out)
{
    char artist[2048], title[2048];
    vcm_buf a, t;
    vcm_buf_init(&a, sizeof artist);
    vcm_buf_init(&t, sizeof title);
    for (size_t i = 0; i < o->ncreators; i++)
        vcm_buf_printf(&a, "%s%s", i ? "; " : "", o->creators[i]);
    for (size_t i = 0; i < o->title.n; i++)
        vcm_buf_printf(&t, "%s%s", i ? " | " : "", o->title.v[i].text);
    /* a capped buffer keeps what fitted: the rule reads the beginning */
    snprintf(artist, sizeof artist, "%.*s", (int)a.len, a.len ? a.data : "");
    snprintf(title, sizeof title, "%.*s", (int)t.len, t.len ? t.data : "");
    vcm_buf_release(&a);
    vcm_buf_release(&t);
    const vcm_ltext *d = vcm_ltexts_pick(&o->description, "en");
    vcm_origin_source src = {o->culture, artist, title, d ? d->text : NULL};
    vcm_origin_derive(&src, out);
}

static void origin_values(int64_t id, const vcm_origin *g, vcm_value row[5])
{
    row[0] = (vcm_value){.type = VCM_V_INT, .i = id};
    row[1] = v_text(g->country);
    row[2] = v_text(vcm_origin_region_slug(g->region));
    row[3] = v_text(g->culture);
    row[4] = v_text(g->rule);
}

int vcm_origin_put(store *s, const vcm_object *o, bool replace)
{
    if (replace) {
        vcm_stmt *q = vcm_st(s, S_ORIGIN_DEL);
        if (!q)
            return -1;
        s->d->bind_int(q, 1, o->id);
        if (vcm_run(s, q, "cannot replace an object's origin") < 0)
            return -1;
    }
    vcm_origin g;
    derive(o, &g);
    vcm_value row[5];
    origin_values(o->id, &g, row);
    return vcm_gather(s, vcm_table_index("object_origins"), row);
}

void vcm_origin_row(store *s, vcm_stmt *q, int col, vcm_origin *out)
{
    memset(out, 0, sizeof *out);
    vcm_col_code(s, q, col, out->country);
    const char *r = s->d->col_text(q, col + 1, NULL);
    out->region = vcm_origin_region_parse(r);
    const char *c = s->d->col_text(q, col + 2, NULL);
    const char *rule = s->d->col_text(q, col + 3, NULL);
    snprintf(out->culture, sizeof out->culture, "%s", c ? c : "");
    snprintf(out->rule, sizeof out->rule, "%s", rule ? rule : "");
}

/* One transaction: the next objects after *after, derived and written. */
static int fill_batch(vcm_store *b, bool all, int64_t *after, size_t *n)
{
    store *s = S(b);
    int64_t ids[FILL_BATCH];
    *n = 0;
    vcm_stmt *q = vcm_st(s, S_ORIGIN_TODO);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, *after);
    s->d->bind_int(q, 2, all);
    s->d->bind_int(q, 3, FILL_BATCH);
    int rc = VCM_DONE;
    while (*n < FILL_BATCH && (rc = s->d->step(q)) == VCM_ROW)
        ids[(*n)++] = s->d->col_int(q, 0);
    s->d->reset(q);
    if (rc < 0)
        return vcm_fail_db(s, "cannot list the objects to derive origins for");
    if (!*n)
        return 0;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_object *objs = vcm_arena_calloc(&a, *n, sizeof *objs);
    bool *found = vcm_arena_calloc(&a, *n, sizeof *found);
    int ret = -1;
    if (!objs || !found) {
        vcm_store_fail(b, "out of memory deriving origins");
        goto out;
    }
    if (vcm_object_get_many(b, &a, ids, *n, objs, found) < 0)
        goto out;
    for (size_t i = 0; i < *n; i++) {
        if (!found[i])
            continue;
        vcm_origin g;
        derive(&objs[i], &g);
        vcm_value row[5];
        origin_values(ids[i], &g, row);
        if (!(q = vcm_st(s, S_ORIGIN_DEL)))
            goto out;
        s->d->bind_int(q, 1, ids[i]);
        if (vcm_run(s, q, "cannot replace an object's origin") < 0 ||
            !(q = vcm_st(s, S_ORIGIN_PUT)))
            goto out;
        for (int c = 0; c < 5; c++)
            if (row[c].type == VCM_V_INT)
                s->d->bind_int(q, c + 1, row[c].i);
            else if (row[c].type == VCM_V_TEXT)
                s->d->bind_text(q, c + 1, row[c].t);
            else
                s->d->bind_null(q, c + 1);
        if (vcm_run(s, q, "cannot store an object's origin") < 0)
            goto out;
    }
    *after = ids[*n - 1];
    ret = 0;
out:
    vcm_arena_release(&a);
    return ret;
}

int vcm_origins_derive(vcm_store *b, bool all, int64_t *done)
{
    int64_t after = 0;
    *done = 0;
    for (;;) {
        if (vcm_store_begin(b) < 0)
            return -1;
        size_t n;
        if (fill_batch(b, all, &after, &n) < 0) {
            vcm_store_rollback(b);
            return -1;
        }
        if (vcm_store_commit(b) < 0)
            return -1;
        if (!n)
            return 0;
        *done += (int64_t)n;
    }
}

int vcm_store_origins_derive(vcm_store *b, bool all, int64_t *done)
{
    return vcm_origins_derive(b, all, done);
}
