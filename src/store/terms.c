/* The concepts of objects' terms (object_terms, migration 7) and the
 * rights read again from an object's kept text. What the rows hold is
 * decided above the store (src/search/terms.c: it needs the thesaurus);
 * here they are only written: the old rows of a batch of objects dropped
 * in one statement, the new ones gathered (one bulk write on PostgreSQL). */
#include "store/store_int.h"
#include "core/banned.h"

int vcm_terms_replace(vcm_store *b, const int64_t *ids, size_t nids, const vcm_term *terms,
                      size_t nterms)
{
    store *s = S(b);
    if (!nids)
        return 0;
    const char *br = vcm_sql_list(s->d->dialect);
    vcm_buf_reset(&s->list);
    vcm_buf_putc(&s->list, br[0]);
    for (size_t i = 0; i < nids; i++)
        vcm_buf_printf(&s->list, "%s%lld", i ? "," : "", (long long)ids[i]);
    vcm_buf_putc(&s->list, br[1]);
    if (s->list.toobig)
        return vcm_store_fail(b, "too many objects at once");
    vcm_stmt *q = vcm_st(s, S_TERMS_DEL);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, s->list.data);
    if (vcm_run(s, q, "cannot drop the terms of objects") < 0)
        return -1;
    size_t t = vcm_table_index("object_terms");
    for (size_t i = 0; i < nterms; i++) {
        vcm_value row[3] = {{.type = VCM_V_INT, .i = terms[i].object_id},
                            {.type = VCM_V_TEXT, .t = terms[i].kind},
                            {.type = VCM_V_TEXT, .t = terms[i].term}};
        if (vcm_gather(s, t, row) < 0)
            return -1;
    }
    return 0;
}

int vcm_rights_put(vcm_store *b, int64_t id, const char *rights, const char *licence)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_RIGHTS_PUT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    vcm_bind_text(s, q, 2, rights);
    vcm_bind_text(s, q, 3, licence);
    return vcm_run(s, q, "cannot write an object's rights");
}
