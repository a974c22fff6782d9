/* Every row of every table a store keeps (vcm_store_tables), as text: what
 * a test compares before and after a request that must change nothing.
 * Read in-process through the store's raw table access, so that a table
 * added later is compared without the test naming it. */
#ifndef VCM_TESTS_DBDUMP_H
#define VCM_TESTS_DBDUMP_H
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/store.h"

static int vt_dump_row(void *ud, const vcm_value *row);

struct vt_dump {
    vcm_buf *out;
    size_t ncols;
};

static int vt_dump_row(void *ud, const vcm_value *row)
{
    struct vt_dump *d = ud;
    for (size_t i = 0; i < d->ncols; i++) {
        const vcm_value *v = &row[i];
        if (i)
            vcm_buf_putc(d->out, '\t');
        switch (v->type) {
        case VCM_V_NULL:
            vcm_buf_printf(d->out, "\\N");
            break;
        case VCM_V_INT:
            vcm_buf_printf(d->out, "%lld", (long long)v->i);
            break;
        case VCM_V_REAL:
            vcm_buf_printf(d->out, "%.17g", v->r);
            break;
        case VCM_V_TEXT:
            vcm_buf_printf(d->out, "%s", v->t);
            break;
        }
    }
    vcm_buf_putc(d->out, '\n');
    return 0;
}

/* The rows of every table of s but those named in skip (NULL-terminated),
 * one table after another in key order; malloc'ed, or NULL on error. */
static inline char *vt_db_dump(vcm_store *s, const char *const *skip)
{
    vcm_buf b;
    vcm_buf_init(&b, 0);
    if (s->ops->begin_read(s) < 0)
        return NULL;
    for (size_t t = 0; t < vcm_store_ntables; t++) {
        bool skipped = false;
        for (size_t k = 0; skip && skip[k]; k++)
            skipped |= strcmp(skip[k], vcm_store_tables[t].name) == 0;
        if (skipped)
            continue;
        vcm_buf_printf(&b, "== %s\n", vcm_store_tables[t].name);
        struct vt_dump d = {&b, vcm_store_tables[t].ncols};
        if (s->ops->table_scan(s, t, vt_dump_row, &d) < 0) {
            vcm_store_rollback(s);
            vcm_buf_release(&b);
            return NULL;
        }
    }
    vcm_store_rollback(s);
    if (b.toobig) {
        vcm_buf_release(&b);
        return NULL;
    }
    return vcm_buf_detach(&b, NULL);
}
#endif
