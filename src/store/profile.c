/* Museum profiles: the native-script name, address, languages and short
 * description a museum page leads with (city, coordinates and website are
 * the museum's own row, place.c). One row per museum, or none. */
#include <string.h>

#include "store/store_int.h"
#include "core/banned.h"

int vcm_museum_profile_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_museum_profile *out)
{
    store *s = S(b);
    memset(out, 0, sizeof *out);
    vcm_stmt *q = vcm_st(s, S_PROFILE_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = s->d->step(q);
    if (rc == VCM_ROW) {
        out->name_native = vcm_col_dup(s, a, q, 0);
        out->address = vcm_col_dup(s, a, q, 1);
        out->languages = vcm_col_dup(s, a, q, 2);
        out->description = vcm_col_dup(s, a, q, 3);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot read a museum's profile");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

int vcm_museum_profile_put(vcm_store *b, int64_t id, const vcm_museum_profile *p)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_PROFILE_PUT);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    s->d->bind_text(q, 2, p->name_native);
    s->d->bind_text(q, 3, p->address);
    s->d->bind_text(q, 4, p->languages);
    s->d->bind_text(q, 5, p->description);
    return vcm_run(s, q, "cannot store a museum's profile");
}
