/* Which objects: the one filter of browse, the search, the API, the IIIF
 * collections and the export.
 *
 * Zero means "any" for every field (0, NULL, "", false), so a zeroed filter
 * selects every published object and a filter names only what it narrows.
 * Query parameters become a filter in one place (vcm_params_filter,
 * src/web/params.c). The store (src/store/filter.c) and the search index
 * (src/search/eval.c) each evaluate every field they can, and refuse with an
 * error a filter that carries one they cannot, rather than answer more than
 * was asked: status, source id and the list's paging only the store takes.
 * Classification and material need the thesaurus: the store reads them
 * from the concepts it keeps per object (object_terms).
 * See docs/internals/store.md ("Filters"). */
#ifndef VCM_MODEL_FILTER_H
#define VCM_MODEL_FILTER_H
#include <stdbool.h>
#include <stdint.h>

#include "model/model.h"
#include "model/origin.h"

/* The most countries one origin filter names (origin=CN,JP,KR,IN). */
#define VCM_FILTER_ORIGINS 4

/* A yes-or-no condition that may be left open. */
typedef enum vcm_tri { VCM_ANY = 0, VCM_YES, VCM_NO } vcm_tri;

typedef struct vcm_filter {
    /* what to select (both the store and the search) */
    unsigned regions;         /* 1 << vcm_region for each region taken */
    char country[3];          /* ISO code of the museum's country */
    int64_t museum;
    const char *classification;
    int century;              /* vcm_century() of the start year */
    bool has_date;            /* dated, overlapping date_from..date_to */
    int32_t date_from, date_to;
    vcm_tri image;            /* with at least one image, or with none */
    vcm_tri open;             /* rights open for reuse (vcm_rights_open), or not */
    /* where the object comes from (model/origin.h), not the museum: any of
     * these regions (1 << vcm_origin_region) or countries ("" unused) */
    unsigned origin_regions;
    char origin_countries[VCM_FILTER_ORIGINS][3];
    const char *material;     /* a thesaurus material id ("celadon") */
    /* a theme's objects (model/theme.h): the store reads them by slug from
     * theme_objects; the search from theme_ids, the same objects' ids in
     * ascending order, which the search fills from the store when absent */
    const char *theme;
    const int64_t *theme_ids;
    size_t ntheme_ids;
    /* the store only */
    bool any_status;          /* every status, not only published */
    const char *source_id;
    int64_t after_id;         /* the list: objects with id > after_id */
    int64_t offset;           /* the list: numbered pages (0 with a cursor) */
    int limit;                /* the list: 1..1000 (0: 20) */
} vcm_filter;

/* Whether f narrows by anything both the store and the search evaluate, or
 * by material (paging and status left aside). */
bool vcm_filter_narrows(const vcm_filter *f);

/* Reads an origin filter: up to VCM_FILTER_ORIGINS comma-separated values,
 * each a region slug ("east-asia") or a two-letter country code (any case),
 * into f's origin fields (replacing them). Returns 0, or -1 (f unchanged)
 * when a value is neither, or there are too many. Pure (fuzz/params.c). */
int vcm_filter_origin_parse(vcm_filter *f, const char *v, size_t n);
/* Whether f narrows by origin. */
bool vcm_filter_has_origin(const vcm_filter *f);

/* The rule by which rights are open for reuse (public domain, CC0, CC BY,
 * CC BY-SA): the URI holds one of these marks. The search index flags a
 * record by vcm_rights_open; the store writes the same marks into its SQL,
 * so that the two cannot disagree. NULL-terminated. */
extern const char *const vcm_open_rights_marks[];
bool vcm_rights_open(const char *rights);
#endif
