/* VCM's search: the one entry point for pages, the API and the command line.
 *
 * A vcm_search owns the index (index.h), derived from the store: opening
 * loads the index file (or builds it from the store when it is missing,
 * damaged, or from another database) and catches up with every change the
 * store committed since the file was written; with `follow`, a thread keeps
 * catching up (every 100 ms) and writes the file now and then, so a restart
 * has little to replay. Any store backend works: only store.h is used.
 *
 * Queries are parsed (query.h), widened with the thesaurus (a word that
 * names a concept also finds the concept's other names; a period name also
 * finds records dated within the period and made in its region) and run
 * on the index; hits are then read from the caller's store for display. */
#ifndef VCM_SEARCH_H
#define VCM_SEARCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/model.h"
#include "search/index.h"
#include "search/query.h"
#include "store/store.h"

typedef struct vcm_search vcm_search;

/* Progress of a build: called every few thousand objects. */
typedef void (*vcm_search_progress)(size_t done, size_t total, void *ud);

/* Opens the search over the store at db_url with its index at path (see
 * vcm_search_index_path), building the index when it must be built (in the
 * follower thread with follow, at once without). Returns NULL with a
 * message in err. */
vcm_search *vcm_search_open(const char *db_url, const char *path, bool follow,
                            vcm_search_progress progress, void *ud, char *err, size_t errlen);
/* Whether queries can run: with follow, an index that had to be built is
 * built by the follower after vcm_search_open returns; done/total (may be
 * NULL) tell how far it is. vcm_search_run fails until then. */
bool vcm_search_ready(vcm_search *s, size_t *done, size_t *total);
/* Stops following and writes the index when it changed since last written. */
void vcm_search_close(vcm_search *s);
/* Catches up with the store now. Returns the number of objects applied, or
 * -1 with the store's message in err. */
long vcm_search_sync(vcm_search *s, char *err, size_t errlen);
/* Builds the index from scratch from the store and writes it to path
 * (atomically: a running server keeps its own until it restarts). */
int vcm_search_reindex(const char *db_url, const char *path, vcm_search_progress progress,
                       void *ud, size_t *docs, char *err, size_t errlen);
/* The default index file for a database URL: "PATH.index" beside an SQLite
 * file, "var/vcm.index" otherwise. */
void vcm_search_index_path(const char *db_url, char *out, size_t size);

typedef struct vcm_search_params {
    const char *q;               /* the query as typed; NULL or "" = everything */
    vcm_filter filter;           /* facet selections (date may also come from q);
                                    the store's fields (status, source id,
                                    paging) must stay zero */
    enum vcm_sort sort;
    const char *cursor;          /* from a previous page's next; NULL = first page */
    size_t offset;               /* numbered pages (ignored with a cursor) */
    size_t limit;                /* 1 .. 100 */
    unsigned facets;             /* 1 << VCM_FACET_* per facet wanted */
    bool no_expand;              /* no thesaurus expansions at all */
    const char *no_expand_ids;   /* comma-separated thesaurus ids not to expand */
    bool want_objects;           /* read the hits' objects and snippets from the store */
    bool want_alternatives;      /* when nothing matches: spellings, broader queries */
    const char *lang;            /* the visitor's language, for snippets */
} vcm_search_params;

void vcm_search_params_init(vcm_search_params *p);

/* A text cut where the query's words match, for showing them marked. */
typedef struct vcm_search_part {
    const char *text;
    bool match;
} vcm_search_part;

typedef struct vcm_search_text {
    vcm_search_part *parts;      /* NULL when there is no such text */
    size_t nparts;
    const char *lang;
    bool cut_before, cut_after;  /* a passage: text left out before, after */
} vcm_search_text;

typedef struct vcm_search_hit {
    int64_t id;
    float score;
    vcm_object object;           /* with want_objects */
    vcm_search_text title;       /* the title in the visitor's language, matches marked;
                                    or the first title of another language that matches */
    vcm_search_text creator;     /* the creators the query matches, marked ("; " between);
                                    parts NULL when none */
    vcm_search_text snippet;     /* a passage around the first match of description,
                                    statement or materials; parts NULL when none */
} vcm_search_hit;

typedef struct vcm_search_expansion {
    const char *typed;           /* the words of the query that named it */
    const char *id;              /* thesaurus id, for turning it off */
    const char *label;           /* English name */
    const char *kind;            /* "period", "material", "type", "place" */
    const char **names;          /* the other names searched */
    size_t nnames;
    bool dates;                  /* a period: its years were searched too */
    int32_t from, to;
    bool off;                    /* named in no_expand_ids: listed, not used */
} vcm_search_expansion;

typedef struct vcm_search_alternative {
    const char *q;               /* a query to try instead */
    const char *why;             /* "spelling", "broader" */
    int64_t total;
} vcm_search_alternative;

typedef struct vcm_search_results {
    int64_t total;
    vcm_search_hit *hits;
    size_t nhits;
    const char *next;            /* cursor of the next page; NULL on the last */
    vcm_index_facet *facets[VCM_FACET_KINDS];
    size_t nfacets[VCM_FACET_KINDS];
    vcm_search_expansion *expansions;
    size_t nexpansions;
    const char *messages[12];    /* for the visitor, in p->lang (vcm_t: the
                                    catalogues must be loaded) */
    size_t nmessages;
    vcm_search_alternative alternatives[6];
    size_t nalternatives;
    bool has_date;               /* the date range applied (from q or the filter) */
    int32_t date_from, date_to;
} vcm_search_results;

/* Runs a search. store: the caller's connection, for reading hits (may be
 * NULL without want_objects). Returns 0, -2 while the index is being built,
 * or -1 when the arena is full, the store fails, or the filter carries a
 * field only the store takes (message in err in every case). A malformed
 * query is never an error. */
int vcm_search_run(vcm_search *s, vcm_store *store, vcm_arena *a, const vcm_search_params *p,
                   vcm_search_results *r, char *err, size_t errlen);

/* Autocomplete: titles, creators and thesaurus names for a prefix. */
size_t vcm_search_suggest(vcm_search *s, vcm_arena *a, const char *prefix, size_t len,
                          vcm_suggestion *out, size_t max);

/* Parses a facet name ("museum", "century", …); -1 when unknown. */
int vcm_facet_parse(const char *name, size_t len);
int vcm_sort_parse(const char *name, enum vcm_sort *out);
const char *vcm_sort_name(enum vcm_sort s);
#endif
