/* libFuzzer driver for the query-parameter parser (src/web/params.c): the
 * first byte picks the route, the rest is the query string after '?'.
 * Beyond "no crash", it checks what handlers rely on: the result says 0
 * exactly when nothing was left out; every parameter given was declared
 * for the route, holds valid UTF-8 and a value within its row's bounds
 * (integers in range, codes of two capital letters, enum indexes among the
 * values); every error names a parameter and has a sentence key; and the
 * filter can be made from any result, holding nothing the store (on its
 * routes) or the search cannot evaluate, and a material only by its
 * thesaurus id (what both read).
 *
 *   make fuzz && build/fuzz/params -max_total_time=120 WORK fuzz/corpus/params */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "search/thesaurus.h"
#include "web/web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const vcm_param_def *row(unsigned route, vcm_param_id id)
{
    for (size_t i = 0; i < vcm_param_ndefs; i++)
        if (vcm_param_defs[i].id == id && (vcm_param_defs[i].routes & route))
            return &vcm_param_defs[i];
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned route = 1u << (data[0] % 9);
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    vcm_params p;
    int rc = vcm_params_parse(&a, (const char *)data + 1, size - 1, route, &p);
    if (rc < -1 || rc > 1 || (rc == 0) != (p.nerrors == 0) || (rc == 1 && !p.nerrors))
        abort();
    if (rc < 0)
        goto out;
    for (int id = 0; id < VCM_P_COUNT; id++) {
        if (!p.set[id]) {
            if (p.raw[id])
                abort();
            continue;
        }
        const vcm_param_def *d = row(route, (vcm_param_id)id);
        const char *raw = p.raw[id];
        if (!d || !raw || !*raw || !vcm_utf8_valid(raw, strlen(raw)))
            abort();
        const vcm_param_value *v = &p.v[id];
        switch (d->kind) {
        case VCM_PK_INT:
        case VCM_PK_PAGE:
            if (v->i < d->min || v->i > d->max)
                abort();
            break;
        case VCM_PK_ID:
            if (v->i < 1)
                abort();
            break;
        case VCM_PK_CODE:
            if (strlen(v->s) != 2 || v->s[0] < 'A' || v->s[0] > 'Z' || v->s[1] < 'A' ||
                v->s[1] > 'Z')
                abort();
            break;
        case VCM_PK_ENUM:
            if (v->i < 0)
                abort();
            if (d->values)
                for (int64_t k = 0; k <= v->i; k++)
                    if (!d->values[k])
                        abort();
            break;
        case VCM_PK_BOOL:
            if (v->i != 0 && v->i != 1)
                abort();
            break;
        case VCM_PK_YEARS:
            if (v->years.from > v->years.to)
                abort();
            break;
        case VCM_PK_TEXT:
        case VCM_PK_IDS:
        case VCM_PK_LANG:
            if (d->max && strlen(v->s) > (size_t)d->max)
                abort();
            break;
        case VCM_PK_ORIGIN: {
            /* a value the parser took is one the filter takes */
            vcm_filter of = {0};
            if (vcm_filter_origin_parse(&of, v->s, strlen(v->s)) < 0 || !vcm_filter_has_origin(&of))
                abort();
            break;
        }
        case VCM_PK_CURSOR:
        case VCM_PK_LIST:
            break;
        }
    }
    size_t n = p.nerrors < VCM_PARAMS_MAX_ERRORS ? p.nerrors : VCM_PARAMS_MAX_ERRORS;
    for (size_t i = 0; i < n; i++)
        if (!p.errors[i].name || !vcm_param_error_key(&p.errors[i]))
            abort();
    vcm_filter f;
    vcm_params_filter(&p, &f);
    vcm_search_params sp;
    vcm_req req = {.arena = &a};
    vcm_params_search(&p, &req, &sp);
    if (f.limit < 0 || (f.country[0] && strlen(f.country) != 2))
        abort();
    /* no route takes a filter its backend refuses (model/filter.h): the
     * search's none of the store's fields; a material, on any route, is a
     * thesaurus material id, the key of the store's concepts and of the
     * search index's bits alike */
    if (f.material && vcm_thesaurus_material(vcm_thesaurus_builtin(), f.material) < 0)
        abort();
    if ((route & (VCM_ROUTE_SEARCH | VCM_ROUTE_API_SEARCH)) &&
        (sp.filter.any_status || sp.filter.source_id || sp.filter.after_id ||
         sp.filter.offset || sp.filter.limit))
        abort();
out:
    vcm_arena_release(&a);
    return 0;
}
