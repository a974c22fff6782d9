/* Cataloguers' notes (object_texts rows of field 'note'): whether each may
 * be shown. A curator's choice outlives re-imports: when a changed record
 * replaces an object's texts, a note whose text is the same as one marked
 * public stays public (vcm_notes_keep_public). */
#include <string.h>

#include "store/store_int.h"
#include "core/banned.h"

int vcm_note_public(vcm_store *b, int64_t object_id, int64_t pos, bool is_public)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_NOTE_FIND);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, object_id);
    s->d->bind_int(q, 2, pos);
    int64_t n;
    if (vcm_first_int(s, q, "cannot look up a note", &n) < 0)
        return -1;
    if (!n)
        return 0;
    if (!(q = vcm_st(s, S_NOTE_PUBLIC)))
        return -1;
    s->d->bind_int(q, 1, object_id);
    s->d->bind_int(q, 2, pos);
    s->d->bind_int(q, 3, is_public);
    return vcm_run(s, q, "cannot change a note") < 0 ? -1 : 1;
}

int vcm_notes_keep_public(store *s, int64_t object_id, vcm_arena *a, vcm_ltexts *notes)
{
    if (!notes->n)
        return 0;
    vcm_stmt *q = vcm_st(s, S_NOTES_PUBLIC_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, object_id);
    /* a copy: the caller's notes are the importer's, not ours to change */
    vcm_ltext *v = vcm_arena_alloc(a, notes->n * sizeof *v);
    if (!v) {
        s->d->reset(q);
        return vcm_store_fail(&s->base, "out of memory");
    }
    memcpy(v, notes->v, notes->n * sizeof *v);
    notes->v = v;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        const char *text = s->d->col_text(q, 0, NULL);
        for (size_t i = 0; text && i < notes->n; i++)
            if (strcmp(v[i].text, text) == 0)
                v[i].is_public = true;
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read an object's notes");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}
