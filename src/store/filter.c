/* Filtered lists, counts, facets and the statistics, with their part of the
 * aggregate cache (the statistics, and counts and facets for the last
 * FACET_CACHE distinct filters).
 *
 * A filter query is put together from constant fragments, one per
 * condition, and kept in the slot of its kind and of the bit mask of the
 * conditions present; values are always bound. The same walk over the
 * conditions writes the text (first use) and binds the values (every use),
 * so the two cannot disagree on the numbering. A condition whose values
 * change only its bound values (a region set, image or licence yes or no,
 * a date range) keeps one text for all of them, so that the slots stay
 * one per kind and mask.
 *
 * Every field of vcm_filter is evaluated here. Classification and material
 * need the thesaurus, which lives above the store: they are read from the
 * concepts derived once per object and stored in object_terms
 * (src/search/terms.c), the same ones the search index finds, so that
 * browse and the search select and count alike. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/store_int.h"
#include "core/banned.h"

static const char *const fselect[F_KINDS] = {
    [F_LIST] = "SELECT o.id",
    [F_COUNT] = "SELECT count(*)",
    [F_REGION] = "SELECT c.region, c.region, count(*)",
    [F_COUNTRY] = "SELECT m.country, (SELECT name FROM country_names n WHERE n.code = m.country "
                  "ORDER BY n.lang <> 'en', n.pos LIMIT 1), count(*)",
    [F_MUSEUM] = "SELECT o.museum_id, (SELECT name FROM museum_names n WHERE n.museum_id = "
                 "o.museum_id ORDER BY n.lang <> 'en', n.pos LIMIT 1), count(*)",
    /* the concept (object_terms, kind 'type'); one of the museum's own
     * words for it as the label, which pages replace by the concept's */
    [F_CLASS] = "SELECT t.term, min(o.classification), count(*)",
    [F_CENTURY] = "SELECT o.century, o.century, count(*)",
    /* an image held for an entry's review does not count yet */
    [F_IMAGE] = "SELECT CASE WHEN EXISTS (SELECT 1 FROM media i WHERE i.object_id = o.id "
                "AND i.held = 0) THEN 'yes' ELSE 'no' END, NULL, count(*)",
    [F_LICENCE] = NULL, /* open_text: it binds the marks */
    [F_ORIGIN_REGION] = "SELECT g.region, g.region, count(*)",
    [F_ORIGIN_COUNTRY] = "SELECT g.country, g.country, count(*)",
    /* the material concept (object_terms, kind 'material'); pages label it
     * from the thesaurus */
    [F_MATERIAL] = "SELECT mf.term, mf.term, count(*)",
};
static const char *const fgroup[F_KINDS] = {
    [F_LIST] = " ORDER BY o.id",
    [F_COUNT] = "",
    [F_REGION] = " GROUP BY 1 ORDER BY 3 DESC, 1",
    [F_COUNTRY] = " GROUP BY 1 ORDER BY 3 DESC, 2",
    [F_MUSEUM] = " GROUP BY 1 ORDER BY 3 DESC, 2",
    [F_CLASS] = " GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 40",
    [F_CENTURY] = " AND o.century IS NOT NULL AND o.century <> 0 GROUP BY 1 ORDER BY 1",
    [F_IMAGE] = " GROUP BY 1 ORDER BY 1 DESC",
    [F_LICENCE] = " GROUP BY 1 ORDER BY 1",
    [F_ORIGIN_REGION] = " AND g.region IS NOT NULL GROUP BY 1 ORDER BY 3 DESC, 1",
    [F_ORIGIN_COUNTRY] = " AND g.country IS NOT NULL GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 40",
    [F_MATERIAL] = " GROUP BY 1 ORDER BY 3 DESC, 1",
};

static unsigned filter_mask(const vcm_filter *f, enum fkind k)
{
    unsigned m = 0;
    if (!f->any_status)
        m |= B_PUBLISHED;
    if (f->regions & 7u)
        m |= B_REGION;
    if (f->country[0])
        m |= B_COUNTRY;
    if (f->museum)
        m |= B_MUSEUM;
    if (f->classification)
        m |= B_CLASS;
    if (f->century)
        m |= B_CENTURY;
    if (f->source_id)
        m |= B_SOURCE_ID;
    if (f->after_id && k == F_LIST)
        m |= B_AFTER;
    if (f->image)
        m |= B_IMAGE;
    if (f->open)
        m |= B_OPEN;
    if (f->has_date)
        m |= B_DATE;
    if (vcm_filter_has_origin(f))
        m |= B_ORIGIN;
    if (f->material && f->material[0])
        m |= B_MATERIAL;
    if (f->theme)
        m |= B_THEME;
    return m;
}

struct walk {
    store *s;
    vcm_buf *b; /* the text, when it is being written */
    vcm_stmt *q; /* the statement, when values are being bound */
    int n;
};

/* One condition with one value: fragment (holding %d for the value's
 * number) into the text, the value into the statement. */
static void cond_text(struct walk *w, const char *fragment, const char *v)
{
    w->n++;
    if (w->b)
        vcm_buf_printf(w->b, fragment, w->n);
    if (w->q)
        w->s->d->bind_text(w->q, w->n, v);
}

static void cond_int(struct walk *w, const char *fragment, int64_t v)
{
    w->n++;
    if (w->b)
        vcm_buf_printf(w->b, fragment, w->n);
    if (w->q)
        w->s->d->bind_int(w->q, w->n, v);
}

static void puts_text(struct walk *w, const char *t)
{
    if (w->b)
        vcm_buf_puts(w->b, t);
}

/* The regions of a filter's mask, as three values (the last repeated). */
static void region_values(const vcm_filter *f, const char *out[3])
{
    size_t n = 0;
    for (int r = VCM_REGION_OTHER; r <= VCM_REGION_EUROPE; r++)
        if (f->regions & (1u << r))
            out[n++] = vcm_region_name((vcm_region)r);
    for (; n && n < 3; n++)
        out[n] = out[n - 1];
}

/* Whether o.rights is open by the marks of vcm_rights_open, as it reads
 * them: replace() finds a substring, case-sensitive, alike in both dialects
 * (LIKE is not, and reads '_' and '%'). */
static void open_text(struct walk *w)
{
    puts_text(w, "o.rights IS NOT NULL AND (false");
    for (size_t i = 0; vcm_open_rights_marks[i]; i++)
        cond_text(w, " OR replace(o.rights, ?%d, '') <> o.rights", vcm_open_rights_marks[i]);
    puts_text(w, ")");
}

/* Any of the regions or countries of origin asked for, as a fixed number of
 * values (a region not taken, or a country slot unused, is "", which no
 * stored origin is: they are NULL there), so one text serves every
 * selection. */
static void origin_text(struct walk *w, const vcm_filter *f)
{
    puts_text(w, " AND o.id IN (SELECT x.object_id FROM object_origins x WHERE x.region IN (");
    for (int i = 1; i < VCM_ORIGIN_NREGIONS; i++)
        cond_text(w, i > 1 ? ", ?%d" : "?%d",
                  f->origin_regions & (1u << i) ? vcm_origin_region_slug((vcm_origin_region)i)
                                                : "");
    puts_text(w, ") OR x.country IN (");
    for (size_t i = 0; i < VCM_FILTER_ORIGINS; i++)
        cond_text(w, i ? ", ?%d" : "?%d", f->origin_countries[i]);
    puts_text(w, "))");
}

static void filter_walk(struct walk *w, const vcm_filter *f, unsigned m, enum fkind k)
{
    if (k == F_LICENCE) {
        puts_text(w, "SELECT CASE WHEN ");
        open_text(w);
        puts_text(w, " THEN 'open' ELSE 'other' END, NULL, count(*)");
    } else {
        puts_text(w, fselect[k]);
    }
    puts_text(w, " FROM objects o JOIN museums m ON m.id = o.museum_id");
    if (k == F_ORIGIN_REGION || k == F_ORIGIN_COUNTRY)
        puts_text(w, " JOIN object_origins g ON g.object_id = o.id");
    if ((m & B_REGION) || k == F_REGION)
        puts_text(w, " JOIN countries c ON c.code = m.country");
    if (k == F_CLASS)
        puts_text(w, " JOIN object_terms t ON t.object_id = o.id AND t.kind = 'type'");
    if (k == F_MATERIAL)
        puts_text(w, " JOIN object_terms mf ON mf.object_id = o.id AND mf.kind = 'material'");
    puts_text(w, " WHERE true");
    if (m & B_PUBLISHED)
        puts_text(w, " AND o.status = 'published'");
    if (m & B_REGION) {
        const char *r[3] = {0};
        region_values(f, r);
        cond_text(w, " AND c.region IN (?%d", r[0]);
        cond_text(w, ", ?%d", r[1]);
        cond_text(w, ", ?%d)", r[2]);
    }
    if (m & B_COUNTRY)
        cond_text(w, " AND m.country = ?%d", f->country);
    if (m & B_MUSEUM)
        cond_int(w, " AND o.museum_id = ?%d", f->museum);
    /* a concept id, or '~' and a folded term (vcm_terms_filter_key) */
    if (m & B_CLASS)
        cond_text(w, " AND EXISTS (SELECT 1 FROM object_terms ct WHERE ct.object_id = o.id "
                     "AND ct.kind = 'type' AND ct.term = ?%d)", f->classification);
    /* a thesaurus material id (the parameters take no other) */
    if (m & B_MATERIAL)
        cond_text(w, " AND EXISTS (SELECT 1 FROM object_terms mt WHERE mt.object_id = o.id "
                     "AND mt.kind = 'material' AND mt.term = ?%d)", f->material);
    if (m & B_CENTURY)
        cond_int(w, " AND o.century = ?%d", f->century);
    if (m & B_SOURCE_ID)
        cond_text(w, " AND o.source_id = ?%d", f->source_id);
    if (m & B_AFTER)
        cond_int(w, " AND o.id > ?%d", f->after_id);
    /* yes or no is a value, so that one text serves both */
    if (m & B_IMAGE)
        cond_int(w, " AND (CASE WHEN EXISTS (SELECT 1 FROM media i WHERE i.object_id = o.id "
                    "AND i.held = 0) THEN 1 ELSE 0 END) = ?%d", f->image == VCM_YES);
    if (m & B_OPEN) {
        puts_text(w, " AND (CASE WHEN ");
        open_text(w);
        cond_int(w, " THEN 1 ELSE 0 END) = ?%d", f->open == VCM_YES);
    }
    if (m & B_DATE) {
        /* as the search index: dated, and the range overlaps; an end year
         * missing is the start year */
        cond_int(w, " AND o.date_start IS NOT NULL AND o.date_start <= ?%d", f->date_to);
        cond_int(w, " AND coalesce(o.date_end, o.date_start) >= ?%d", f->date_from);
    }
    if (m & B_ORIGIN)
        origin_text(w, f);
    /* what the theme selects, kept by store/theme.c */
    if (m & B_THEME)
        cond_text(w, " AND o.id IN (SELECT tt.object_id FROM theme_objects tt JOIN themes th ON "
                     "th.id = tt.theme_id WHERE th.slug = ?%d)", f->theme);
    puts_text(w, fgroup[k]);
    if (k == F_LIST) {
        cond_int(w, " LIMIT ?%d", f->limit > 0 && f->limit <= 1000 ? f->limit : 20);
        cond_int(w, " OFFSET ?%d", f->offset > 0 ? f->offset : 0);
    }
}

/* The filter query of kind k for f, prepared, with f's values bound. */
static vcm_stmt *filter_stmt(store *s, const vcm_filter *f, enum fkind k)
{
    unsigned m = filter_mask(f, k), slot = SLOT_FILTER + (unsigned)k * B_MASKS + m;
    if (vcm_flush(s) < 0)
        return NULL;
    vcm_stmt *q = s->d->prepare(s->c, slot, NULL, 0);
    if (!q) {
        vcm_buf b;
        vcm_buf_init(&b, 4096);
        struct walk w = {.s = s, .b = &b};
        filter_walk(&w, f, m, k);
        q = b.toobig ? NULL : s->d->prepare(s->c, slot, b.data, 0);
        vcm_buf_release(&b);
        if (!q) {
            vcm_fail_db(s, "cannot prepare a filter query");
            return NULL;
        }
    }
    struct walk w = {.s = s, .q = q};
    filter_walk(&w, f, m, k);
    return q;
}

int vcm_object_list(vcm_store *b, vcm_arena *a, const vcm_filter *f, vcm_object **out,
                    size_t *n)
{
    store *s = S(b);
    vcm_stmt *q = filter_stmt(s, f, F_LIST);
    if (!q)
        return -1;
    int limit = f->limit > 0 && f->limit <= 1000 ? f->limit : 20;
    int64_t *ids = vcm_arena_alloc(a, (size_t)limit * sizeof *ids);
    if (!ids) {
        s->d->reset(q);
        return vcm_store_fail(b, "out of memory listing objects");
    }
    size_t count;
    int rc = VCM_DONE;
    for (count = 0; count < (size_t)limit && (rc = s->d->step(q)) == VCM_ROW; count++)
        ids[count] = s->d->col_int(q, 0);
    if (rc < 0)
        vcm_fail_db(s, "cannot list objects");
    s->d->reset(q);
    if (rc < 0)
        return -1;
    *out = vcm_arena_calloc(a, count ? count : 1, sizeof **out);
    bool *found = vcm_arena_calloc(a, count ? count : 1, sizeof *found);
    if (!*out || !found)
        return vcm_store_fail(b, "out of memory listing objects");
    if (vcm_object_get_many(b, a, ids, count, *out, found) < 0)
        return -1;
    *n = 0;
    for (size_t i = 0; i < count; i++)
        if (found[i])
            (*out)[(*n)++] = (*out)[i];
    return 0;
}

/* The cache entry for f's conditions (not its paging), made when absent. */
static struct facet_entry *facet_entry(store *s, const vcm_filter *f)
{
    if (vcm_cache_check(s) < 0)
        return NULL;
    struct agg_cache *c = &s->cache;
    if (c->arena.used > ((size_t)8 << 20)) {
        c->valid = false; /* too many distinct filters: start again */
        if (vcm_cache_check(s) < 0)
            return NULL;
    }
    char key[1024];
    snprintf(key, sizeof key, "%u|%u|%s|%lld|%d|%d|%d|%d|%d|%s|%s|%u|%s|%s|%s|%s|%s|%.64s",
             filter_mask(f, F_COUNT),
             f->regions & 7u, f->country, (long long)f->museum, f->century, (int)f->image,
             (int)f->open, f->has_date ? (int)f->date_from : 0, f->has_date ? (int)f->date_to : 0,
             f->classification ? f->classification : "", f->source_id ? f->source_id : "",
             f->origin_regions, f->origin_countries[0], f->origin_countries[1],
             f->origin_countries[2], f->origin_countries[3], f->material ? f->material : "",
             f->theme ? f->theme : "");
    for (size_t i = 0; i < c->nfe; i++)
        if (strcmp(c->fe[i].key, key) == 0)
            return &c->fe[i];
    struct facet_entry *e = &c->fe[c->next];
    c->next = (c->next + 1) % FACET_CACHE;
    if (c->nfe < FACET_CACHE)
        c->nfe++;
    memset(e, 0, sizeof *e);
    e->key = vcm_arena_strdup(&c->arena, key);
    return e->key ? e : NULL;
}

static vcm_facet *copy_facets(vcm_arena *a, const vcm_facet *src, size_t n)
{
    vcm_facet *d = vcm_arena_alloc(a, (n ? n : 1) * sizeof *d);
    for (size_t i = 0; d && i < n; i++) {
        d[i].value = vcm_arena_strdup(a, src[i].value);
        d[i].label = vcm_arena_strdup(a, src[i].label);
        d[i].count = src[i].count;
        if (!d[i].value || !d[i].label)
            return NULL;
    }
    return d;
}

static int copy_all_facets(vcm_arena *a, vcm_facets *dst, const vcm_facets *src)
{
    *dst = *src;
    if (!(dst->region = copy_facets(a, src->region, src->nregion)) ||
        !(dst->country = copy_facets(a, src->country, src->ncountry)) ||
        !(dst->museum = copy_facets(a, src->museum, src->nmuseum)) ||
        !(dst->classification = copy_facets(a, src->classification, src->nclassification)) ||
        !(dst->century = copy_facets(a, src->century, src->ncentury)) ||
        !(dst->image = copy_facets(a, src->image, src->nimage)) ||
        !(dst->licence = copy_facets(a, src->licence, src->nlicence)) ||
        !(dst->origin = copy_facets(a, src->origin, src->norigin)) ||
        !(dst->origin_country = copy_facets(a, src->origin_country, src->norigin_country)) ||
        !(dst->material = copy_facets(a, src->material, src->nmaterial)))
        return -1;
    return 0;
}

int vcm_object_count(vcm_store *b, const vcm_filter *f, int64_t *out)
{
    store *s = S(b);
    struct facet_entry *e = facet_entry(s, f);
    if (e && e->has_count) {
        *out = e->count;
        return 0;
    }
    vcm_stmt *q = filter_stmt(s, f, F_COUNT);
    if (!q || vcm_first_int(s, q, "cannot count objects", out) < 0)
        return -1;
    if (e) {
        e->count = *out;
        e->has_count = true;
    }
    return 0;
}

static int facet(store *s, vcm_arena *a, const vcm_filter *f, enum fkind k, vcm_facet **out,
                 size_t *n)
{
    vcm_stmt *q = filter_stmt(s, f, k);
    if (!q)
        return -1;
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = s->d->step(q)) == VCM_ROW) {
        vcm_facet *nv = vcm_grow(a, *out, n, sizeof *nv);
        if (!nv) {
            s->d->reset(q);
            return vcm_store_fail(&s->base, "out of memory counting facets");
        }
        *out = nv;
        vcm_facet *fc = &nv[*n - 1];
        fc->value = vcm_col_dup(s, a, q, 0);
        fc->label = vcm_col_dup(s, a, q, 1);
        fc->count = s->d->col_int(q, 2);
        if (!fc->value)
            fc->value = "";
        if (!fc->label)
            fc->label = fc->value;
    }
    if (rc < 0)
        vcm_fail_db(s, "cannot count facets");
    s->d->reset(q);
    return rc < 0 ? -1 : 0;
}

static int facets_uncached(store *s, vcm_arena *a, const vcm_filter *f, vcm_facets *out)
{
    memset(out, 0, sizeof *out);
    if (facet(s, a, f, F_REGION, &out->region, &out->nregion) < 0 ||
        facet(s, a, f, F_COUNTRY, &out->country, &out->ncountry) < 0 ||
        facet(s, a, f, F_MUSEUM, &out->museum, &out->nmuseum) < 0 ||
        facet(s, a, f, F_CLASS, &out->classification, &out->nclassification) < 0 ||
        facet(s, a, f, F_CENTURY, &out->century, &out->ncentury) < 0 ||
        facet(s, a, f, F_IMAGE, &out->image, &out->nimage) < 0 ||
        facet(s, a, f, F_LICENCE, &out->licence, &out->nlicence) < 0 ||
        facet(s, a, f, F_ORIGIN_REGION, &out->origin, &out->norigin) < 0 ||
        facet(s, a, f, F_ORIGIN_COUNTRY, &out->origin_country, &out->norigin_country) < 0 ||
        facet(s, a, f, F_MATERIAL, &out->material, &out->nmaterial) < 0)
        return -1;
    for (size_t i = 0; i < out->ncentury; i++) {
        char label[64];
        vcm_century_label(atoi(out->century[i].value), label, sizeof label);
        out->century[i].label = vcm_arena_strdup(a, label);
        if (!out->century[i].label)
            return vcm_store_fail(&s->base, "out of memory counting facets");
    }
    return 0;
}

int vcm_object_facets(vcm_store *b, vcm_arena *a, const vcm_filter *f, vcm_facets *out)
{
    store *s = S(b);
    struct facet_entry *e = facet_entry(s, f);
    if (e && e->has_facets)
        return copy_all_facets(a, out, &e->facets) < 0
                   ? vcm_store_fail(b, "out of memory counting facets")
                   : 0;
    if (facets_uncached(s, a, f, out) < 0)
        return -1;
    if (e && copy_all_facets(&s->cache.arena, &e->facets, out) == 0)
        e->has_facets = true;
    return 0;
}

static int copy_origins(vcm_arena *a, vcm_facets *dst, const vcm_facets *src)
{
    memset(dst, 0, sizeof *dst);
    dst->norigin = src->norigin;
    dst->norigin_country = src->norigin_country;
    return (dst->origin = copy_facets(a, src->origin, src->norigin)) &&
                   (dst->origin_country =
                        copy_facets(a, src->origin_country, src->norigin_country))
               ? 0
               : -1;
}

int vcm_object_origins(vcm_store *b, vcm_arena *a, const vcm_filter *f, vcm_facets *out)
{
    store *s = S(b);
    struct facet_entry *e = facet_entry(s, f);
    if (e && (e->has_facets || e->has_origins))
        return copy_origins(a, out, &e->facets) < 0
                   ? vcm_store_fail(b, "out of memory counting facets")
                   : 0;
    memset(out, 0, sizeof *out);
    if (facet(s, a, f, F_ORIGIN_REGION, &out->origin, &out->norigin) < 0 ||
        facet(s, a, f, F_ORIGIN_COUNTRY, &out->origin_country, &out->norigin_country) < 0)
        return -1;
    if (e && copy_origins(&s->cache.arena, &e->facets, out) == 0)
        e->has_origins = true;
    return 0;
}

int vcm_stats_get(vcm_store *b, vcm_stats *out)
{
    store *s = S(b);
    if (vcm_cache_check(s) < 0)
        return -1;
    if (s->cache.has_stats) {
        *out = s->cache.stats;
        return 0;
    }
    vcm_stmt *q = vcm_st(s, S_STATS);
    if (!q)
        return -1;
    int rc = s->d->step(q);
    if (rc == VCM_ROW) {
        out->objects = s->d->col_int(q, 0);
        out->objects_all = s->d->col_int(q, 1);
        out->museums = s->d->col_int(q, 2);
        out->museums_all = s->d->col_int(q, 3);
        out->countries = s->d->col_int(q, 4);
        out->countries_all = s->d->col_int(q, 5);
        out->media = s->d->col_int(q, 6);
    }
    s->d->reset(q);
    if (rc != VCM_ROW)
        return rc < 0 ? vcm_fail_db(s, "cannot count") : vcm_store_fail(b, "cannot count");
    s->cache.stats = *out;
    s->cache.has_stats = true;
    return 0;
}
