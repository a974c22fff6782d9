/* The store: every read and write of VCM's data goes through this interface.
 *
 * It speaks the domain (countries, museums, objects), never SQL: a backend is
 * one table of functions, written once (store.c and the files beside it)
 * over a SQL driver chosen by the URL given to vcm_store_open():
 * "sqlite:PATH" (drv_sqlite.c) or "postgres://[user[:password]@]host[:port]/
 * dbname[?param=value…]" (drv_pg.c); see driver.h.
 * No backend type, header or SQL text appears outside src/store/.
 *
 * One vcm_store is one connection: use it from one thread at a time (the
 * server keeps one per worker thread). Results are allocated in the arena the
 * caller passes and live as long as it does.
 *
 * Every function returns 0 on success and -1 on error, with the message in
 * vcm_store_error(); lookups return 1 when found and 0 when not. */
#ifndef VCM_STORE_H
#define VCM_STORE_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/filter.h"
#include "model/model.h"

typedef struct vcm_store vcm_store;

typedef struct vcm_facet {
    const char *value;        /* as the filter takes it */
    const char *label;        /* for people */
    int64_t count;
} vcm_facet;

typedef struct vcm_facets {
    vcm_facet *region, *country, *museum, *classification, *century;
    vcm_facet *image, *licence; /* "yes", "no"; "open", "other" (model/filter.h) */
    size_t nregion, ncountry, nmuseum, nclassification, ncentury, nimage, nlicence;
    /* where the objects come from: regions ("east-asia"), countries ("CN") */
    vcm_facet *origin, *origin_country;
    size_t norigin, norigin_country;
    /* the thesaurus materials named by the medium or technique ("celadon") */
    vcm_facet *material;
    size_t nmaterial;
} vcm_facets;

typedef struct vcm_stats {
    int64_t objects;          /* published */
    int64_t objects_all;      /* every status */
    int64_t museums;          /* with at least one published object */
    int64_t museums_all;
    int64_t countries;        /* with at least one museum */
    int64_t countries_all;
    int64_t media;
} vcm_stats;

/* A raw value of a stored row (vcm db copy moves rows between backends). */
typedef enum vcm_vtype { VCM_V_NULL, VCM_V_INT, VCM_V_REAL, VCM_V_TEXT } vcm_vtype;
typedef struct vcm_value {
    vcm_vtype type;
    int64_t i;
    double r;
    const char *t;
} vcm_value;

/* A table every backend keeps alike: its columns in order, their types
 * ('i' integer, 'r' real, 't' text, one letter a column) and how many of the
 * first columns make its key. vcm_store_tables lists them in an order that
 * satisfies references (parents first). */
typedef struct vcm_table {
    const char *name;
    const char *const *cols;
    const char *types;
    size_t ncols, nkey;
} vcm_table;
extern const vcm_table vcm_store_tables[];
extern const size_t vcm_store_ntables;

/* Called for each row of a table scan; returns 0 to go on, -1 to stop. */
typedef int (*vcm_row_fn)(void *ud, const vcm_value *row);

/* An image link of a published object, with what `vcm media fetch` needs to
 * decide whether it may take the image. */
typedef struct vcm_fetch_item {
    int64_t object_id, museum_id;
    const char *rel, *url;
    const char *rights, *source_licence; /* the object's, as stored */
} vcm_fetch_item;

/* What happened the last time an image URL was fetched. state: "done" (an
 * image was made, identifier names it), "failed" (tries so far), "refused"
 * (robots.txt, rights, not an image, too large: not tried again). */
typedef struct vcm_fetch_state {
    const char *url;
    int64_t object_id;
    const char *state;
    int http_status;
    const char *etag, *last_modified, *identifier;
    int tries;
    int64_t checked; /* Unix seconds */
    const char *error;
} vcm_fetch_state;

/* A concept an object's own term maps to (object_terms): kind "type" (the
 * classification's) or "material"; term a thesaurus id, or "~" and the
 * folded term when the thesaurus has none (src/search/terms.h). */
typedef struct vcm_term {
    int64_t object_id;
    const char *kind, *term;
} vcm_term;

typedef enum vcm_upsert {
    VCM_UPSERT_INSERTED,
    VCM_UPSERT_UPDATED,
    VCM_UPSERT_UNCHANGED,
} vcm_upsert;

struct vcm_store_ops {
    const char *name;
    void (*close)(vcm_store *s);
    int (*begin)(vcm_store *s);
    int (*commit)(vcm_store *s);
    int (*rollback)(vcm_store *s);
    /* A number that changes whenever committed data changes (any connection,
     * any process): caches key on it. */
    int (*data_version)(vcm_store *s, int64_t *out);

    int (*country_upsert)(vcm_store *s, const vcm_country *c);
    int (*country_get)(vcm_store *s, vcm_arena *a, const char *code, vcm_country *out);
    /* with_museums: only countries that have museums. Ordered by English name. */
    int (*country_list)(vcm_store *s, vcm_arena *a, bool with_museums, vcm_country **out,
                        size_t *n);

    /* Finds a museum by its name in any language, or creates it; sets m->id. */
    int (*museum_ensure)(vcm_store *s, vcm_museum *m, bool *created);
    /* Replaces the museum with m->id (or, with id 0, the one of that name). */
    int (*museum_put)(vcm_store *s, vcm_museum *m);
    int (*museum_get)(vcm_store *s, vcm_arena *a, int64_t id, vcm_museum *out);
    /* Shows (is_public) or hides the note at pos of an object (its place
     * among the object's notes): 1 done, 0 no such note, -1 error. */
    int (*note_public)(vcm_store *s, int64_t object_id, int64_t pos, bool is_public);
    /* The museum's profile (all NULL when none is stored): 0, or -1. */
    int (*museum_profile_get)(vcm_store *s, vcm_arena *a, int64_t id, vcm_museum_profile *out);
    /* Replaces the profile of museum id (which must exist). */
    int (*museum_profile_put)(vcm_store *s, int64_t id, const vcm_museum_profile *p);
    /* country "" = all. Ordered by English name. */
    int (*museum_list)(vcm_store *s, vcm_arena *a, const char *country, vcm_museum **out,
                       size_t *n);

    /* Inserts or updates by (museum_id, source_id). content_hash says whether
     * anything changed: when it equals the stored one nothing is written.
     * The object's images are replaced only when o brings some (imports of
     * museum records never touch images added with media_add). Each insert
     * or update is logged as an activity (Create, Update; Delete when the
     * object is withdrawn).
     * keep_times: take o->created/updated as given (restoring an export);
     * otherwise the store sets them. o->id: with keep_times and an id that is
     * free, the object gets that id. Sets o->id. */
    int (*object_upsert)(vcm_store *s, vcm_object *o, const char *content_hash,
                         bool keep_times, vcm_upsert *result);
    /* Inside a write transaction: the source ids of the records about to be
     * upserted (an importer's look-ahead), so that a store on a server reads
     * the stored ones in one request instead of one each. What it read
     * holds until the transaction ends, each source id until it is written;
     * a later call replaces it. Calling it is never needed for correctness. */
    int (*object_expect)(vcm_store *s, const char *const *source_ids, size_t n);
    int (*object_get)(vcm_store *s, vcm_arena *a, int64_t id, vcm_object *out);
    /* The objects of n ids at once (a page of search hits): out[i] and
     * found[i] for ids[i], in three queries whatever n. */
    int (*object_get_many)(vcm_store *s, vcm_arena *a, const int64_t *ids, size_t n,
                           vcm_object *out, bool *found);
    /* Objects in id order with every field; *n may be less than f->limit at
     * the end. The list, its count and its facets take every field of the
     * filter; classification and material are read from the concepts kept
     * in object_terms (vcm_terms_sync keeps them up to date). */
    int (*object_list)(vcm_store *s, vcm_arena *a, const vcm_filter *f, vcm_object **out,
                       size_t *n);
    int (*object_count)(vcm_store *s, const vcm_filter *f, int64_t *out);
    int (*object_facets)(vcm_store *s, vcm_arena *a, const vcm_filter *f, vcm_facets *out);
    /* The origin facets of f alone (origin and origin_country, as
     * object_facets counts them; every other facet empty): two counts instead
     * of ten, for a page that shows no other (the home page). */
    int (*object_origins)(vcm_store *s, vcm_arena *a, const vcm_filter *f, vcm_facets *out);
    int (*stats)(vcm_store *s, vcm_stats *out);

    /* Adds an image to an object (after its other images); sets m->id. An
     * identifier already taken fails. Logs an Update of the object, unless
     * m->held (an entry's upload, public once the entry publishes it). */
    int (*media_add)(vcm_store *s, int64_t object_id, vcm_media *m);
    /* The image with this IIIF identifier and its object's id, held or
     * not (out->held: the caller must not show it to the public). */
    int (*media_find)(vcm_store *s, vcm_arena *a, const char *identifier, vcm_media *out,
                      int64_t *object_id);
    /* Objects whose source_id is this, in any museum, up to max. */
    int (*object_by_source_id)(vcm_store *s, const char *source_id, int64_t *ids, size_t max,
                               size_t *n);
    /* The change log in id order from offset; *total is its length. */
    int (*activity_list)(vcm_store *s, vcm_arena *a, int64_t offset, int limit,
                         vcm_activity **out, size_t *n, int64_t *total);

    /* The change sequence that derived structures (the search index) follow.
     * Every committed insert or update of an object, a new image of it, or a
     * change of its museum's names gives the object a new, higher seq (its
     * earlier ones are forgotten), visible to readers only once committed,
     * in commit order. changes_since: up to max objects whose seq is > after,
     * in seq order, with their seqs; *n = 0 when there is none. change_head:
     * the highest seq (0 for an empty store). */
    int (*changes_since)(vcm_store *s, int64_t after, int64_t *ids, int64_t *seqs, size_t max,
                         size_t *n);
    int (*change_head)(vcm_store *s, int64_t *seq);
    /* The published objects in id order, with their updated times (Unix
     * seconds), for lists of every public page (the sitemap): up to max of
     * those with id > after_id, skipping the first offset of them (0 when
     * walking on with after_id); *n = 0 past the end. */
    int (*object_stamps)(vcm_store *s, int64_t after_id, int64_t offset, int64_t *ids,
                         int64_t *updated, size_t max, size_t *n);
    /* A random id given to the database when it was created (32 hex digits
     * and a NUL): tells a derived structure which database it was built from. */
    int (*instance_id)(vcm_store *s, char out[33]);

    /* Raw access to the tables of vcm_store_tables, for moving a whole
     * database between backends (vcm db copy), nothing else.
     * begin_read: a read-only transaction (ended by rollback) in which every
     * read sees the data as of one moment; writers are not held up.
     * table_scan: every row of table t in key order, to fn (a row's text
     * lives until fn returns); -1 when fn stops it or on error.
     * table_clear: deletes every row of table t. table_put: inserts a row
     * as given (ids, seqs and times kept). table_finish: after table_puts,
     * makes the id and seq generators continue above the highest stored.
     * meta_get / meta_put: small named values of the database (1 found,
     * 0 not found; value in the arena). */
    int (*begin_read)(vcm_store *s);
    int (*table_scan)(vcm_store *s, size_t t, vcm_row_fn fn, void *ud);
    int (*table_clear)(vcm_store *s, size_t t);
    int (*table_put)(vcm_store *s, size_t t, const vcm_value *row);
    int (*table_finish)(vcm_store *s);
    int (*meta_get)(vcm_store *s, vcm_arena *a, const char *key, const char **value);
    int (*meta_put)(vcm_store *s, const char *key, const char *value);

    /* Where the source says the object's images are (rel, then order). */
    int (*object_links)(vcm_store *s, vcm_arena *a, int64_t object_id, vcm_link **out,
                        size_t *n);
    /* vcm media fetch: the image links of published objects (museum_id 0:
     * every museum) in object order; the state of one URL (1 found, 0 not);
     * the state of a URL written (inserted or replaced). */
    int (*fetch_list)(vcm_store *s, vcm_arena *a, int64_t museum_id, vcm_fetch_item **out,
                      size_t *n);
    int (*fetch_state_get)(vcm_store *s, vcm_arena *a, const char *url, vcm_fetch_state *out);
    int (*fetch_state_put)(vcm_store *s, const vcm_fetch_state *st);

    /* The concepts of objects' terms (src/search/terms.c derives them):
     * terms_replace drops every term of the nids objects ids and writes
     * terms (each naming one of them) in their place; rights_put sets an
     * object's rights URI and metadata licence, read again from its kept
     * text (NULL: not stated). */
    int (*terms_replace)(vcm_store *s, const int64_t *ids, size_t nids, const vcm_term *terms,
                         size_t nterms);
    int (*rights_put)(vcm_store *s, int64_t id, const char *rights, const char *licence);
};

struct vcm_store {
    const struct vcm_store_ops *ops;
    char error[512];
};

/* Opens (and migrates) the store named by url. On failure returns NULL and
 * writes why into err. */
vcm_store *vcm_store_open(const char *url, char *err, size_t errlen);
void vcm_store_close(vcm_store *s);
const char *vcm_store_error(const vcm_store *s);
/* The file a store named by url lives in, for files kept beside it (the
 * search index), or NULL when it is not one file (a server's database). */
const char *vcm_store_url_file(const char *url);
/* The URL with any password replaced by ***, for messages and logs. */
void vcm_store_url_redact(const char *url, char *out, size_t size);
/* Records an error message (for backends). Returns -1. */
int vcm_store_fail(vcm_store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Derives the origin (model/origin.h) of every stored object again (all),
 * or of those that have none yet, in transactions of a few hundred, and
 * says how many in *done. Opening a store whose migration 6 has just run
 * does the second by itself; `vcm db origins` does either. */
int vcm_store_origins_derive(vcm_store *s, bool all, int64_t *done);

/* Shorthands, so that callers read like the domain. */
#define vcm_store_begin(s) ((s)->ops->begin(s))
#define vcm_store_commit(s) ((s)->ops->commit(s))
#define vcm_store_rollback(s) ((s)->ops->rollback(s))
#endif
