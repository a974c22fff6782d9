/* Where a museum publishes an object's images (object_links), and the state
 * of each image URL that `vcm media fetch` has tried (fetch_state).
 *
 * Links are part of the record: written with the object (gathered, so an
 * import on PostgreSQL sends them in one COPY), replaced when the object
 * is by a record that brings links. The fetch state is operational: one row per URL, written in its own
 * short statement, so that a fetch never holds the writers' lock for long
 * and `serve` is never kept waiting. */
#include <string.h>

#include "store/store_int.h"
#include "core/banned.h"

/* As with images, links are replaced only by a record that brings some: a
 * VCM export read back (which carries none) leaves them as they are. */
int vcm_links_put(store *s, const vcm_object *o, bool replace)
{
    if (replace && o->nlinks) {
        vcm_stmt *q = vcm_st(s, S_LINKS_DEL);
        if (!q)
            return -1;
        s->d->bind_int(q, 1, o->id);
        if (vcm_run(s, q, "cannot replace an object's links") < 0)
            return -1;
    }
    size_t t = vcm_table_index("object_links");
    for (size_t i = 0; i < o->nlinks; i++) {
        vcm_value row[] = {{.type = VCM_V_INT, .i = o->id},
                           {.type = VCM_V_TEXT, .t = o->links[i].rel},
                           {.type = VCM_V_INT, .i = (int64_t)i},
                           {.type = VCM_V_TEXT, .t = o->links[i].url}};
        if (vcm_gather(s, t, row) < 0)
            return -1;
    }
    return 0;
}

int vcm_object_links(vcm_store *b, vcm_arena *a, int64_t object_id, vcm_link **out, size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = vcm_st(s, S_LINKS_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, object_id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_link *nv = vcm_grow(a, *out, n, sizeof *nv);
        if (!nv) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = nv;
        nv[*n - 1] = (vcm_link){vcm_col_dup(s, a, q, 0), vcm_col_dup(s, a, q, 1)};
    }
    s->d->reset(q);
    return rc < 0 ? vcm_fail_db(s, "cannot read an object's links") : 0;
}

int vcm_fetch_list(vcm_store *b, vcm_arena *a, int64_t museum_id, vcm_fetch_item **out,
                   size_t *n)
{
    store *s = S(b);
    *out = NULL;
    *n = 0;
    vcm_stmt *q = vcm_st(s, S_FETCH_LIST);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, museum_id);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_fetch_item *nv = vcm_grow(a, *out, n, sizeof *nv);
        if (!nv) {
            s->d->reset(q);
            return vcm_store_fail(b, "out of memory");
        }
        *out = nv;
        nv[*n - 1] = (vcm_fetch_item){
            .object_id = s->d->col_int(q, 0),
            .museum_id = s->d->col_int(q, 1),
            .rel = vcm_col_dup(s, a, q, 2),
            .url = vcm_col_dup(s, a, q, 3),
            .rights = vcm_col_dup(s, a, q, 4),
            .source_licence = vcm_col_dup(s, a, q, 5),
        };
    }
    s->d->reset(q);
    return rc < 0 ? vcm_fail_db(s, "cannot list image links") : 0;
}

int vcm_fetch_state_get(vcm_store *b, vcm_arena *a, const char *url, vcm_fetch_state *out)
{
    store *s = S(b);
    memset(out, 0, sizeof *out);
    vcm_stmt *q = vcm_st(s, S_FETCH_GET);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, url);
    int rc = s->d->step(q);
    if (rc == VCM_ROW) {
        out->url = vcm_col_dup(s, a, q, 0);
        out->object_id = s->d->col_int(q, 1);
        out->state = vcm_col_dup(s, a, q, 2);
        out->http_status = (int)s->d->col_int(q, 3);
        out->etag = vcm_col_dup(s, a, q, 4);
        out->last_modified = vcm_col_dup(s, a, q, 5);
        out->identifier = vcm_col_dup(s, a, q, 6);
        out->tries = (int)s->d->col_int(q, 7);
        out->checked = s->d->col_int(q, 8);
        out->error = vcm_col_dup(s, a, q, 9);
    }
    s->d->reset(q);
    if (rc < 0)
        return vcm_fail_db(s, "cannot read the state of an image URL");
    return rc == VCM_ROW;
}

int vcm_fetch_state_put(vcm_store *b, const vcm_fetch_state *st)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_FETCH_PUT);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, st->url);
    s->d->bind_int(q, 2, st->object_id);
    s->d->bind_text(q, 3, st->state);
    if (st->http_status)
        s->d->bind_int(q, 4, st->http_status);
    else
        s->d->bind_null(q, 4);
    s->d->bind_text(q, 5, st->etag);
    s->d->bind_text(q, 6, st->last_modified);
    s->d->bind_text(q, 7, st->identifier);
    s->d->bind_int(q, 8, st->tries);
    s->d->bind_int(q, 9, st->checked);
    s->d->bind_text(q, 10, st->error);
    return vcm_run(s, q, "cannot record the state of an image URL");
}
