/* Countries and museums, with the part of the aggregate cache they use:
 * objects per museum and per country, and the museums and countries read
 * so far (every object page names one). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "core/banned.h"

int vcm_load_counts(store *s)
{
    if (vcm_cache_check(s) < 0)
        return -1;
    struct agg_cache *c = &s->cache;
    if (c->has_counts)
        return 0;
    vcm_stmt *q = vcm_st(s, S_MUSEUM_COUNTS);
    if (!q)
        return -1;
    size_t cap = 0;
    c->nmc = 0;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        if (c->nmc == cap) {
            cap = cap ? cap * 2 : 64;
            struct museum_count *nv = vcm_arena_alloc(&c->arena, cap * sizeof *nv);
            if (!nv) {
                s->d->reset(q);
                return vcm_store_fail(&s->base, "out of memory counting");
            }
            if (c->nmc)
                memcpy(nv, c->mc, c->nmc * sizeof *nv);
            c->mc = nv;
        }
        struct museum_count *m = &c->mc[c->nmc++];
        m->id = s->d->col_int(q, 0);
        vcm_col_code(s, q, 1, m->country);
        m->objects = s->d->col_int(q, 2);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot count objects per museum");
    s->d->reset(q);
    if (rc < 0)
        return -1;
    c->has_counts = true;
    return 0;
}

static int64_t museum_objects(store *s, int64_t id)
{
    for (size_t i = 0; i < s->cache.nmc; i++)
        if (s->cache.mc[i].id == id)
            return s->cache.mc[i].objects;
    return 0;
}

static void country_counts(store *s, vcm_country *c)
{
    c->museums = c->objects = 0;
    for (size_t i = 0; i < s->cache.nmc; i++)
        if (strcmp(s->cache.mc[i].country, c->code) == 0) {
            c->museums++;
            c->objects += s->cache.mc[i].objects;
        }
}

/* Deep copies, so that what a caller gets never points into the cache
 * (which is dropped whenever the data changes). */
static const char *dup_or_null(vcm_arena *a, const char *str, bool *ok)
{
    if (!str)
        return NULL;
    const char *d = vcm_arena_strdup(a, str);
    *ok = *ok && d;
    return d;
}

static bool copy_names(vcm_arena *a, vcm_ltexts *dst, const vcm_ltexts *src)
{
    memset(dst, 0, sizeof *dst);
    for (size_t i = 0; i < src->n; i++) {
        bool ok = true;
        const char *l = dup_or_null(a, src->v[i].lang, &ok), *t = dup_or_null(a, src->v[i].text, &ok);
        if (!ok || vcm_ltexts_add(dst, a, l, t) < 0)
            return false;
    }
    return true;
}

static bool copy_museum(vcm_arena *a, vcm_museum *dst, const vcm_museum *src)
{
    bool ok = true;
    *dst = *src;
    dst->city = dup_or_null(a, src->city, &ok);
    dst->website = dup_or_null(a, src->website, &ok);
    dst->joined = dup_or_null(a, src->joined, &ok);
    dst->left = dup_or_null(a, src->left, &ok);
    return ok && copy_names(a, &dst->names, &src->names);
}

static bool copy_country(vcm_arena *a, vcm_country *dst, const vcm_country *src)
{
    *dst = *src;
    return copy_names(a, &dst->names, &src->names);
}

/* Binds a country's code or a museum's id as ?1. */
static void bind_key(store *s, vcm_stmt *q, const char *code, int64_t id)
{
    if (code)
        s->d->bind_text(q, 1, code);
    else
        s->d->bind_int(q, 1, id);
}

static int put_names(store *s, enum stmt del, enum stmt put, const char *code, int64_t id,
                     const vcm_ltexts *names)
{
    vcm_stmt *q = vcm_st(s, del);
    if (!q)
        return -1;
    bind_key(s, q, code, id);
    if (vcm_run(s, q, "cannot replace names") < 0)
        return -1;
    for (size_t i = 0; i < names->n; i++) {
        if (!(q = vcm_st(s, put)))
            return -1;
        bind_key(s, q, code, id);
        s->d->bind_text(q, 2, names->v[i].lang);
        s->d->bind_int(q, 3, (int64_t)i);
        s->d->bind_text(q, 4, names->v[i].text);
        if (vcm_run(s, q, "cannot store a name") < 0)
            return -1;
    }
    return 0;
}

static int load_names(store *s, vcm_arena *a, enum stmt k, const char *code, int64_t id,
                      vcm_ltexts *out)
{
    vcm_stmt *q = vcm_st(s, k);
    if (!q)
        return -1;
    bind_key(s, q, code, id);
    memset(out, 0, sizeof *out);
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW)
        if (vcm_ltexts_add(out, a, vcm_col_dup(s, a, q, 0), vcm_col_dup(s, a, q, 1)) < 0) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory reading names");
        }
    if (rc < 0)
        vcm_fail_db(s, "cannot read names");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

/* ---- countries ---------------------------------------------------------- */

int vcm_country_upsert(vcm_store *b, const vcm_country *c)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, S_COUNTRY_PUT);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, c->code);
    s->d->bind_text(q, 2, vcm_region_name(c->region));
    if (c->asem_since)
        s->d->bind_int(q, 3, c->asem_since);
    else
        s->d->bind_null(q, 3);
    if (vcm_run(s, q, "cannot store a country") < 0)
        return -1;
    return put_names(s, S_COUNTRY_NAMES_DEL, S_COUNTRY_NAME_PUT, c->code, 0, &c->names);
}

static void row_country(store *s, vcm_stmt *q, vcm_country *c)
{
    memset(c, 0, sizeof *c);
    vcm_col_code(s, q, 0, c->code);
    vcm_region_parse(s->d->col_text(q, 1, NULL), &c->region);
    c->asem_since = (int)s->d->col_int(q, 2);
}

int vcm_country_get(vcm_store *b, vcm_arena *a, const char *code, vcm_country *out)
{
    store *s = S(b);
    struct agg_cache *c = &s->cache;
    if (vcm_cache_check(s) < 0)
        return -1;
    for (size_t i = 0; i < c->ncountries; i++)
        if (strcmp(c->countries[i].code, code) == 0)
            return copy_country(a, out, &c->countries[i])
                       ? 1
                       : vcm_store_fail(b, "out of memory reading a country");
    vcm_stmt *q = vcm_st(s, S_COUNTRY_GET);
    if (!q)
        return -1;
    s->d->bind_text(q, 1, code);
    int rc = s->d->step(q);
    if (rc == VCM_ROW)
        row_country(s, q, out);
    else if (rc < 0)
        vcm_fail_db(s, "cannot read a country");
    s->d->reset(q);
    if (rc != VCM_ROW)
        return rc < 0 ? -1 : 0;
    if (load_names(s, a, S_COUNTRY_NAMES, out->code, 0, &out->names) < 0 ||
        vcm_load_counts(s) < 0)
        return -1;
    country_counts(s, out);
    vcm_country *arr = vcm_grow(&c->arena, c->countries, &c->ncountries, sizeof *arr);
    if (arr) {
        c->countries = arr;
        if (!copy_country(&c->arena, &arr[c->ncountries - 1], out))
            c->ncountries--;
    }
    return 1;
}

int vcm_country_list(vcm_store *b, vcm_arena *a, bool with_museums, vcm_country **out,
                     size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = vcm_st(s, with_museums ? S_COUNTRY_LIST_USED : S_COUNTRY_LIST);
    if (!q)
        return -1;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            vcm_country *nv = vcm_arena_alloc(a, cap * sizeof *nv);
            if (!nv) {
                s->d->reset(q);
                return vcm_store_fail(b, "out of memory listing countries");
            }
            if (*n)
                memcpy(nv, *out, *n * sizeof *nv);
            *out = nv;
        }
        row_country(s, q, &(*out)[(*n)++]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list countries");
    s->d->reset(q);
    if (rc < 0 || vcm_load_counts(s) < 0)
        return -1;
    for (size_t i = 0; i < *n; i++) {
        if (load_names(s, a, S_COUNTRY_NAMES, (*out)[i].code, 0, &(*out)[i].names) < 0)
            return -1;
        country_counts(s, &(*out)[i]);
    }
    return 0;
}

/* ---- museums ------------------------------------------------------------ */

/* The key a museum is found by on import: its first name, case-folded. */
static char *name_key(const vcm_museum *m)
{
    const char *n = m->names.n ? m->names.v[0].text : "";
    char *k = strdup(n);
    if (k)
        for (char *p = k; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return k;
}

static void bind_museum(store *s, vcm_stmt *q, const vcm_museum *m, const char *key)
{
    if (m->id)
        s->d->bind_int(q, 1, m->id);
    else
        s->d->bind_null(q, 1);
    s->d->bind_text(q, 2, key);
    s->d->bind_text(q, 3, m->country);
    s->d->bind_text(q, 4, m->city);
    if (m->has_coords) {
        s->d->bind_real(q, 5, m->lat);
        s->d->bind_real(q, 6, m->lon);
    } else {
        s->d->bind_null(q, 5);
        s->d->bind_null(q, 6);
    }
    s->d->bind_text(q, 7, m->website);
    s->d->bind_text(q, 8, m->joined);
    s->d->bind_text(q, 9, m->left);
}

static int find_museum(store *s, const vcm_museum *m, int64_t *id)
{
    *id = 0;
    for (size_t i = 0; i < m->names.n && !*id; i++) {
        vcm_stmt *q = vcm_st(s, S_MUSEUM_FIND);
        if (!q)
            return -1;
        s->d->bind_text(q, 1, m->names.v[i].text);
        if (vcm_first_int(s, q, "cannot look up a museum", id) < 0)
            return -1;
    }
    if (!*id) {
        char *key = name_key(m);
        if (!key)
            return vcm_store_fail(&s->base, "out of memory");
        vcm_stmt *q = vcm_st(s, S_MUSEUM_FIND_KEY);
        if (q)
            s->d->bind_text(q, 1, key);
        int rc = q ? vcm_first_int(s, q, "cannot look up a museum", id) : -1;
        free(key);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* A follow statement keeps an id generator above an id given (PostgreSQL's
 * sequences; nothing to do in SQLite). */
static int follow_id(store *s, enum stmt k, int64_t given, const char *what)
{
    if (!given || !vcm_sql(k, s->d->dialect))
        return 0;
    vcm_stmt *q = vcm_st(s, k);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, given);
    return vcm_run(s, q, what);
}

static int write_museum(store *s, vcm_museum *m, bool insert)
{
    char *key = name_key(m);
    if (!key)
        return vcm_store_fail(&s->base, "out of memory");
    vcm_stmt *q = vcm_st(s, insert ? S_MUSEUM_INSERT : S_MUSEUM_UPDATE);
    if (!q) {
        free(key);
        return -1;
    }
    bind_museum(s, q, m, key);
    int64_t given = m->id;
    int rc = s->d->step(q);
    if (rc == VCM_ROW && insert)
        m->id = s->d->col_int(q, 0);
    if (rc < 0)
        vcm_fail_db(s, "cannot store a museum");
    s->d->reset(q);
    free(key);
    if (rc < 0)
        return -1;
    if (insert && follow_id(s, S_MUSEUM_ID_FOLLOW, given, "cannot store a museum") < 0)
        return -1;
    return put_names(s, S_MUSEUM_NAMES_DEL, S_MUSEUM_NAME_PUT, NULL, m->id, &m->names);
}

int vcm_museum_ensure(vcm_store *b, vcm_museum *m, bool *created)
{
    store *s = S(b);
    int64_t id;
    if (find_museum(s, m, &id) < 0)
        return -1;
    *created = !id;
    if (id) {
        m->id = id;
        return 0;
    }
    m->id = 0;
    return write_museum(s, m, true);
}

int vcm_museum_put(vcm_store *b, vcm_museum *m)
{
    store *s = S(b);
    bool insert = false;
    if (!m->id) {
        int64_t id;
        if (find_museum(s, m, &id) < 0)
            return -1;
        m->id = id;
        insert = !id;
    } else {
        vcm_stmt *q = vcm_st(s, S_MUSEUM_GET);
        if (!q)
            return -1;
        s->d->bind_int(q, 1, m->id);
        int rc = s->d->step(q);
        if (rc < 0)
            vcm_fail_db(s, "cannot read a museum");
        s->d->reset(q);
        if (rc < 0)
            return -1;
        insert = rc != VCM_ROW;
    }
    return write_museum(s, m, insert);
}

static void row_museum(store *s, vcm_arena *a, vcm_stmt *q, vcm_museum *m)
{
    memset(m, 0, sizeof *m);
    m->id = s->d->col_int(q, 0);
    vcm_col_code(s, q, 1, m->country);
    m->city = vcm_col_dup(s, a, q, 2);
    m->has_coords = !s->d->is_null(q, 3);
    m->lat = s->d->col_real(q, 3);
    m->lon = s->d->col_real(q, 4);
    m->website = vcm_col_dup(s, a, q, 5);
    m->joined = vcm_col_dup(s, a, q, 6);
    m->left = vcm_col_dup(s, a, q, 7);
}

int vcm_museum_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_museum *out)
{
    store *s = S(b);
    struct agg_cache *c = &s->cache;
    if (vcm_cache_check(s) < 0)
        return -1;
    for (size_t i = 0; i < c->nmuseums; i++)
        if (c->museums[i].id == id)
            return copy_museum(a, out, &c->museums[i])
                       ? 1
                       : vcm_store_fail(b, "out of memory reading a museum");
    vcm_stmt *q = vcm_st(s, S_MUSEUM_GET);
    if (!q)
        return -1;
    s->d->bind_int(q, 1, id);
    int rc = s->d->step(q);
    if (rc == VCM_ROW)
        row_museum(s, a, q, out);
    else if (rc < 0)
        vcm_fail_db(s, "cannot read a museum");
    s->d->reset(q);
    if (rc != VCM_ROW)
        return rc < 0 ? -1 : 0;
    if (load_names(s, a, S_MUSEUM_NAMES, NULL, id, &out->names) < 0 || vcm_load_counts(s) < 0)
        return -1;
    out->objects = museum_objects(s, id);
    if (c->nmuseums < 4096) {
        vcm_museum *arr = vcm_grow(&c->arena, c->museums, &c->nmuseums, sizeof *arr);
        if (arr) {
            c->museums = arr;
            if (!copy_museum(&c->arena, &arr[c->nmuseums - 1], out))
                c->nmuseums--;
        }
    }
    return 1;
}

int vcm_museum_list(vcm_store *b, vcm_arena *a, const char *country, vcm_museum **out,
                    size_t *n)
{
    store *s = S(b);
    bool by_country = country && *country;
    vcm_stmt *q = vcm_st(s, by_country ? S_MUSEUM_LIST_COUNTRY : S_MUSEUM_LIST);
    if (!q)
        return -1;
    if (by_country)
        s->d->bind_text(q, 1, country);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            vcm_museum *nv = vcm_arena_alloc(a, cap * sizeof *nv);
            if (!nv) {
                s->d->reset(q);
                return vcm_store_fail(b, "out of memory listing museums");
            }
            if (*n)
                memcpy(nv, *out, *n * sizeof *nv);
            *out = nv;
        }
        row_museum(s, a, q, &(*out)[(*n)++]);
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot list museums");
    s->d->reset(q);
    if (rc < 0 || vcm_load_counts(s) < 0)
        return -1;
    for (size_t i = 0; i < *n; i++) {
        if (load_names(s, a, S_MUSEUM_NAMES, NULL, (*out)[i].id, &(*out)[i].names) < 0)
            return -1;
        (*out)[i].objects = museum_objects(s, (*out)[i].id);
    }
    return 0;
}
