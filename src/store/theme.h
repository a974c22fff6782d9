/* Themes and the other ways into the collection than search (schema 014;
 * docs/curation.md): a theme's definition, its hand picks and the objects it
 * selects (theme_objects, kept by vcm_theme_refresh), its history (in
 * network_history, entity "theme"); and the lists the entity pages, the map
 * and the timeline show.
 *
 * Lookups return 1 found, 0 not found, -1 (vcm_store_error); writes 0, -1,
 * or -2 when the input breaks a rule (*field and *key say which, as
 * vcm_theme_check does). */
#ifndef VCM_STORE_THEME_H
#define VCM_STORE_THEME_H
#include "model/theme.h"
#include "store/store.h"

/* Creates the theme t->slug, or replaces its definition (texts, rule,
 * picks: the whole theme), then recomputes what it selects; one
 * transaction. A source id in a pick names the first published object
 * with it; one that names none is left out and counted in t->unmatched
 * (a file's picks hold for the databases that have them), while an
 * object id that names none is refused (*field "add" or "remove").
 * expect_updated: when not 0, the theme's stored `updated` must be this
 * (an edit made on a stale form is refused: -3). Sets t->id, t->count.
 * Writes a line of history: created or changed, and what changed. */
int vcm_theme_save(vcm_store *s, vcm_arena *a, vcm_theme *t, const char *actor,
                   int64_t expect_updated, const char **field, const char **key);
/* The theme of a slug, with texts, rule, picks (ids) and its count of
 * published objects. */
int vcm_theme_get(vcm_store *s, vcm_arena *a, const char *slug, vcm_theme *out);
/* Every theme (texts, rule and count; no picks), by pos then slug. */
int vcm_theme_list(vcm_store *s, vcm_arena *a, vcm_theme **out, size_t *n);
/* Recomputes what a theme (0: every theme) selects, from its rule and
 * picks, against the objects as now stored: after an import. */
int vcm_theme_refresh(vcm_store *s, int64_t theme_id);
/* A page of a theme's published objects, in the theme's order (hand-added
 * first, then by date, then id), and their total. */
int vcm_theme_objects(vcm_store *s, vcm_arena *a, int64_t theme_id, int64_t offset, int limit,
                      int64_t **ids, size_t *n, int64_t *total);
/* The ids of a slug's published objects, ascending (the search's filter,
 * model/filter.h); none for a slug that names no theme. */
int vcm_theme_ids(vcm_store *s, vcm_arena *a, const char *slug, int64_t **ids, size_t *n);
/* The slugs and titles (lang, else English) of the themes an object is in. */
int vcm_theme_of_object(vcm_store *s, vcm_arena *a, int64_t object_id, const char *lang,
                        const char ***slugs, const char ***titles, size_t *n);

/* ---- entity pages, the map, the timeline -------------------------------- */

/* What an entity page lists: objects of a creator (by name, as the records
 * give it), of a place or period (object_origins.culture "place:ID" or
 * "period:ID"), or of a material (object_terms). */
typedef enum vcm_entity_kind {
    VCM_ENTITY_PERSON, VCM_ENTITY_PLACE, VCM_ENTITY_PERIOD, VCM_ENTITY_MATERIAL
} vcm_entity_kind;
#define VCM_ENTITY_NAMES 8
typedef struct vcm_entity_query {
    vcm_entity_kind kind;
    const char *id;                       /* the thesaurus id */
    const char *names[VCM_ENTITY_NAMES];  /* a person: names a creator's holds */
    char country[3];                      /* a period: its country ... */
    int32_t start, end;                   /* ... and years */
} vcm_entity_query;
/* A page of the published objects of an entity, by date then id, and the
 * total: a person's by the names of their creators (any holds one of
 * names, compared in lower case); a place's by their origin's culture
 * ("place:ID"); a period's by their culture ("period:ID"), or made in its
 * country within its years; a material's by object_terms. */
int vcm_entity_objects(vcm_store *s, vcm_arena *a, const vcm_entity_query *q, int64_t offset,
                       int limit, int64_t **ids, size_t *n, int64_t *total);
typedef struct vcm_name_count {
    const char *name;
    int64_t count;
} vcm_name_count;

/* Counts of published objects per origin country (ISO code), most first. */
int vcm_origin_country_counts(vcm_store *s, vcm_arena *a, vcm_name_count **out, size_t *n);
/* Members' positions: museums with coordinates and their published objects. */
typedef struct vcm_museum_point {
    int64_t id, count;
    double lat, lon;
    const char *name, *city;
    char country[3];
} vcm_museum_point;
int vcm_museum_points(vcm_store *s, vcm_arena *a, vcm_museum_point **out, size_t *n);
/* The published masterpieces (live entries) with a start year, by year
 * then id: ids and years. */
int vcm_masterpiece_dates(vcm_store *s, vcm_arena *a, int64_t **ids, int32_t **start,
                          int32_t **end, size_t *n);
#endif
