/* The search index's internals, shared by index.c (building), eval.c
 * (searching) and file.c (saving and loading). Not for other rooms. */
#ifndef VCM_INDEX_INT_H
#define VCM_INDEX_INT_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/strmap.h"
#include "search/index.h"

#define VCM_IPOS_BITS 29
#define VCM_IPOS_MAX ((1u << VCM_IPOS_BITS) - 1)
#define VCM_IDOC_DEAD 0x80
#define VCM_IDOC_MAX 0x7ffffff0u

/* A term's docnums as one bit each: docnum d is bit d % 64 of w[d / 64]. */
struct tbits {
    size_t words;
    uint64_t w[];
};

struct term {
    uint32_t *docs;  /* docnums, ascending */
    uint8_t *wtf;    /* weighted term frequency */
    uint32_t *poff;  /* offset of each posting's positions in pos */
    uint8_t *pos;
    uint32_t n, cap; /* cap 0 with n > 0: arrays borrowed from the file */
    uint32_t plen, pcap;
    /* the docnums as bits, for a term in a 32nd of the documents or more
     * (no larger than docs then): made by the first phrase that asks
     * (eval.c, dense), under the read lock, so published atomically; kept
     * up to date by term_append under the write lock; NULL: none yet */
    _Atomic(struct tbits *) bits;
};

struct idoc {
    int64_t id;
    int32_t ds, de;      /* VCM_NO_YEAR when not known */
    uint32_t museum;     /* index into museums */
    uint32_t cls;        /* index into classes ("" is one of them) */
    uint64_t materials;  /* bit i: the thesaurus' i-th material */
    uint64_t title_key;
    uint16_t dl;         /* weighted length */
    uint8_t flags;       /* VCM_IDOC_* */
    uint8_t places;      /* VCM_TH_* regions named in its culture */
    char ocountry[2];    /* origin: ISO code ("\0\0" unknown) */
    uint8_t oregion;     /* origin: vcm_origin_region */
};

struct museum {
    int64_t id;
    char *name;
    char country[3];
    uint8_t region;
    uint32_t rank;       /* by name */
};

struct idslot {
    int64_t id;
    uint32_t doc;
    uint32_t used;
};

struct sentry {
    uint32_t weight;
    uint8_t kind;
};

struct vcm_index {
    pthread_rwlock_t lock;
    vcm_index_meta meta;
    /* documents */
    struct idoc *docs;
    size_t ndocs, capdocs;
    /* what every posting looks at, apart from the documents (cache lines):
     * the weighted length and whether the document is gone */
    uint16_t *dl;
    uint8_t *gone;
    size_t capdl, capgone;
    size_t live, dead;
    uint64_t sumdl;
    struct idslot *ids;
    size_t idslots, nids;
    /* museums and classifications (facets) */
    struct museum *museums;
    size_t nmuseums, capmuseums;
    bool museums_unsorted;
    vcm_strmap classes;
    /* terms */
    vcm_strmap dict;
    struct term *terms;
    size_t nterms, capterms;
    uint32_t *sorted;
    size_t nsorted;
    /* autocomplete: texts (entries) and their keys */
    vcm_strmap stexts;
    struct sentry *sentries;
    size_t capsentries;
    vcm_strmap skeys;
    uint32_t *skey_entry;
    size_t capskey;
    uint32_t *ssorted;
    size_t nssorted;
    /* the entries each document added, dsent[dsoff[d] .. dsoff[d + 1]),
     * taken back when it goes: an entry weighs the records that hold it */
    uint32_t *dsoff, *dsent;
    size_t capdsoff, ndsent, capdsent;
    /* the loaded file that borrowed arrays point into, mapped read-only */
    void *file;
    size_t file_size;
};

struct idslot *vcm_index_idslot(const vcm_index *x, int64_t id, bool *found);
int vcm_index_idmap_grow(vcm_index *x);
/* Drops dead documents now. */
int vcm_index_compact(vcm_index *x);
const struct term *vcm_index_term(const vcm_index *x, const char *term, size_t len);
void vcm_index_each_prefix(const vcm_index *x, const char *p, size_t len,
                           int (*fn)(uint32_t, void *), void *ud);
#endif
