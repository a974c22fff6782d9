/* The search index: an inverted index held in memory, saved to one file.
 *
 * It is derived data. The store is the truth; search.c fills the index from
 * the store and keeps it current by following the store's change sequence.
 * This layer knows documents, terms and postings, not the store.
 *
 * Locking: vcm_index_lock_read() around every reading call, and
 * vcm_index_lock_write() around every change; vcm_index_prepare() (the
 * tokenizing, most of the work) needs no lock. */
#ifndef VCM_INDEX_H
#define VCM_INDEX_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/filter.h"

/* Fields of a document. Positions carry the field in their top bits, so a
 * phrase never runs from one field into the next and a query can name one. */
enum {
    VCM_IF_TITLE,      /* every title, all languages */
    VCM_IF_CREATOR,
    VCM_IF_CULTURE,    /* culture, period, date text */
    VCM_IF_TYPE,       /* classification */
    VCM_IF_MATERIAL,   /* materials, technique */
    VCM_IF_MUSEUM,     /* the museum's names, its country, inventory number */
    VCM_IF_TEXT,       /* descriptions, all languages */
    VCM_IF_STATEMENT,  /* why it is a masterpiece */
    VCM_IF_COUNT
};

#define VCM_IDOC_IMAGE 1 /* has at least one image */
#define VCM_IDOC_OPEN 2  /* its rights allow reuse: vcm_rights_open() */

/* One object as the index takes it. Strings are only read during prepare. */
typedef struct vcm_index_doc {
    int64_t id;
    int32_t date_start, date_end; /* VCM_NO_YEAR when not known */
    int64_t museum_id;
    const char *museum_name;      /* for facets and sorting */
    char country[3];              /* the museum's country */
    uint8_t region;               /* vcm_region of that country */
    char origin_country[3];       /* where the object comes from ("" unknown) */
    uint8_t origin_region;        /* vcm_origin_region (model/origin.h) */
    const char *classification;   /* facet value, "" when none */
    const char *sort_title;       /* the title shown, for sorting and suggestions */
    const char *const *suggest;   /* more suggestion texts (creators) */
    size_t nsuggest;
    uint8_t flags;                /* VCM_IDOC_* */
    struct {
        int field;                /* VCM_IF_* */
        const char *text;
    } texts[128];                 /* short, structured fields first: the rest may not fit */
    size_t ntexts;
} vcm_index_doc;

typedef struct vcm_index vcm_index;
typedef struct vcm_index_prep vcm_index_prep;

vcm_index *vcm_index_new(void);
void vcm_index_free(vcm_index *x);
void vcm_index_lock_read(vcm_index *x);
void vcm_index_lock_write(vcm_index *x);
void vcm_index_unlock(vcm_index *x);

/* Tokenizes a document (no lock needed). NULL when memory runs out. */
vcm_index_prep *vcm_index_prepare(const vcm_index_doc *d);
void vcm_index_prep_free(vcm_index_prep *p);
/* Adds or replaces the document with the prep's object id; takes p. Under
 * the write lock. Returns -1 when memory runs out (the index is unchanged). */
int vcm_index_put(vcm_index *x, vcm_index_prep *p);
/* Removes an object (nothing when it is not there). Under the write lock. */
void vcm_index_remove(vcm_index *x, int64_t object_id);
/* Sorts the dictionaries and drops removed documents when they are many;
 * call after a batch of puts (write lock). */
int vcm_index_settle(vcm_index *x);
/* Sorts the whole dictionaries now (after a build). Write lock. */
int vcm_index_sort_all(vcm_index *x);

/* What the index was built from, saved with it. */
typedef struct vcm_index_meta {
    char instance[33]; /* the store's instance id */
    int64_t seq;       /* every change up to this seq is in */
} vcm_index_meta;
void vcm_index_get_meta(vcm_index *x, vcm_index_meta *m);
void vcm_index_set_meta(vcm_index *x, const vcm_index_meta *m);

/* Drops removed documents and sorts the dictionaries, as a file holds
 * them. Write lock. Returns -1 when memory runs out. */
int vcm_index_pack(vcm_index *x);
/* Writes a packed index to path atomically (temporary file, fsync,
 * rename); queries go on meanwhile. Read lock, and no put or remove until
 * it returns. Returns -1 with a message in err. */
int vcm_index_save(vcm_index *x, const char *path, char *err, size_t errlen);
/* Loads an index file; NULL with a message in err when it is missing,
 * unreadable, of another version or damaged (then rebuild it). */
vcm_index *vcm_index_load(const char *path, char *err, size_t errlen);

typedef struct vcm_index_stats {
    size_t docs;      /* live documents */
    size_t terms;
    size_t postings;
    size_t bytes;     /* memory held, roughly */
} vcm_index_stats;
void vcm_index_stats_get(vcm_index *x, vcm_index_stats *s);

/* ---- queries (read lock) ---- */

/* A query plan, made by search.c from the parsed query and the thesaurus. */
typedef enum vcm_plan_kind {
    VCM_PLAN_TERM,   /* one term; phrase of several with offsets */
    VCM_PLAN_PREFIX, /* terms beginning with terms[0] */
    VCM_PLAN_AND,
    VCM_PLAN_OR,
    VCM_PLAN_PERIOD, /* documents dated within [from, to] made in regions */
    VCM_PLAN_ALL,
} vcm_plan_kind;

typedef struct vcm_plan {
    vcm_plan_kind kind;
    const char **terms;   /* TERM: one (a word) or several (a phrase) */
    uint32_t *offsets;    /* their positions relative to the first */
    size_t nterms;
    unsigned fields;      /* bit mask of VCM_IF_*; 0 = every field */
    float boost;          /* 1 for the words typed, less for what the thesaurus adds */
    bool best;            /* OR: a document scores its best kid, not their sum,
                             so one concept counts once however many of its
                             names a record holds */
    struct vcm_plan **kids;
    size_t nkids;
    int32_t from, to;     /* PERIOD */
    unsigned regions;     /* PERIOD: VCM_TH_* bits; 0 = anywhere */
} vcm_plan;

enum vcm_sort { VCM_SORT_RELEVANCE, VCM_SORT_DATE, VCM_SORT_DATE_DESC, VCM_SORT_TITLE, VCM_SORT_MUSEUM };

enum vcm_facet_kind {
    VCM_FACET_REGION, VCM_FACET_COUNTRY, VCM_FACET_MUSEUM, VCM_FACET_CLASSIFICATION,
    VCM_FACET_MATERIAL, VCM_FACET_CENTURY, VCM_FACET_IMAGE, VCM_FACET_LICENCE,
    VCM_FACET_ORIGIN, VCM_FACET_ORIGIN_COUNTRY, /* where objects come from: regions, countries */
    VCM_FACET_KINDS
};

typedef struct vcm_index_request {
    const vcm_plan *must;        /* NULL = every document */
    const vcm_plan *must_not;    /* NULL = nothing left out */
    vcm_filter filter;           /* the search's fields (model/filter.h) */
    enum vcm_sort sort;
    bool has_after;              /* keyset cursor: hits after (after_key, after_id) */
    uint64_t after_key;
    int64_t after_id;
    size_t offset, limit;
    unsigned facets;             /* bit (1 << VCM_FACET_*) per facet wanted */
} vcm_index_request;

/* Every field (VCM_IF_*), as a hit's fields. */
#define VCM_IF_ALL ((1u << VCM_IF_COUNT) - 1)

typedef struct vcm_index_hit {
    int64_t id;
    float score;
    uint64_t key;                /* sort key, for cursors */
    unsigned fields;             /* bit (1 << VCM_IF_*) per field that holds a word of
                                    the query (must or must_not, in any field); every
                                    bit when a prefix leaves it unknown, none when the
                                    query has no words */
} vcm_index_hit;

typedef struct vcm_index_facet {
    const char *value, *label;
    int64_t count;
} vcm_index_facet;

typedef struct vcm_index_result {
    int64_t total;
    vcm_index_hit *hits;
    size_t nhits;
    bool more;                   /* hits beyond these */
    vcm_index_facet *facets[VCM_FACET_KINDS];
    size_t nfacets[VCM_FACET_KINDS];
} vcm_index_result;

/* Runs a request; results in a. Returns -1 when the arena is full, or
 * when the filter asks for what the index does not hold (any status, a
 * source id, the store's paging): the index holds published objects only. */
int vcm_index_search(vcm_index *x, vcm_arena *a, const vcm_index_request *r,
                     vcm_index_result *out);
/* Dictionary terms close to a word (edit distance <= 2), most frequent
 * first: for "did you mean". */
size_t vcm_index_similar(vcm_index *x, vcm_arena *a, const char *term, size_t len,
                         const char **out, size_t max);

typedef struct vcm_suggestion {
    const char *text;
    uint8_t kind;                /* VCM_SUGGEST_* */
    uint32_t weight;
} vcm_suggestion;
enum { VCM_SUGGEST_TITLE, VCM_SUGGEST_CREATOR, VCM_SUGGEST_TERM, VCM_SUGGEST_WORD };
/* Adds a text that autocomplete offers (thesaurus names); write lock. */
int vcm_index_suggest_add(vcm_index *x, const char *text, uint8_t kind, uint32_t weight);
/* How many documents hold the rarest word of text (an upper bound of those
 * holding all of them; a Hangul or Thai word by its n-grams, as a query finds
 * it): the weight of a thesaurus name. Read lock. */
uint32_t vcm_index_count_words(vcm_index *x, const char *text, size_t len);
/* Texts whose key, or one of whose words, begins with the prefix's key:
 * those whose whole key is the prefix's first, then by weight (the records
 * each would find); texts that fold alike once. */
size_t vcm_index_suggest(vcm_index *x, vcm_arena *a, const char *prefix, size_t len,
                         vcm_suggestion *out, size_t max);
#endif
