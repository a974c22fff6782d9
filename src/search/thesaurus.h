/* The thesaurus: the concepts of the thesaurus/ files (periods with their years,
 * materials, object types, places) and every name each has, in any
 * language or romanisation, so that a query in one language finds records
 * written in another. Built into the program and read once.
 *
 * Names meet on keys (vcm_tokenize_key with stemming): "Chosŏn", "choson"
 * and "CHOSON" are one key. */
#ifndef VCM_THESAURUS_H
#define VCM_THESAURUS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum vcm_th_kind { VCM_TH_PERIOD, VCM_TH_MATERIAL, VCM_TH_TYPE, VCM_TH_PLACE } vcm_th_kind;

/* Regions of production that periods belong to and places lie in, as bits. */
enum {
    VCM_TH_CN = 1, VCM_TH_KR = 2, VCM_TH_JP = 4, VCM_TH_IN = 8, VCM_TH_SEA = 16, VCM_TH_TIB = 32
};

typedef struct vcm_th_name {
    const char *lang; /* "en", "ko", … or "" for a variant/romanisation */
    const char *text; /* as written, qualifier "(…)" removed */
    const char *key;
    /* found when typed, never searched for another name of the concept:
     * one CJK character or Hangul syllable not in safe-names.tsv (청 typed
     * finds Qing; Qing typed does not search 청, a part of 청자) */
    bool typed_only;
} vcm_th_name;

typedef struct vcm_th_entry {
    uint32_t index;    /* position in the thesaurus, stable for one build */
    const char *id;    /* the file's id: "joseon" */
    vcm_th_kind kind;
    unsigned regions;  /* VCM_TH_* bits: the period's region, the place's */
    bool has_years;
    int32_t start, end;
    vcm_th_name *names;
    size_t nnames;
} vcm_th_entry;

typedef struct vcm_thesaurus vcm_thesaurus;

/* A name the loader refused (thesaurus/README.md, "Names that are not
 * used"): where it was and why. */
typedef struct vcm_th_refusal {
    const char *file; /* "periods", "materials", "types", "places" */
    int line;
    const char *id;
    const char *name;
    const char *why;
} vcm_th_refusal;

/* The built-in thesaurus; NULL (with a message in the log) only when the
 * built-in files are malformed, which a test rules out. Thread-safe. */
const vcm_thesaurus *vcm_thesaurus_builtin(void);
/* Reads one TSV file's text (for tests and the built-in one). Returns NULL
 * and writes "FILE:LINE: reason" into err on malformed input. */
vcm_thesaurus *vcm_thesaurus_parse(const char *const *files, const char *const *texts,
                                   size_t nfiles, char *err, size_t errlen);
void vcm_thesaurus_free(vcm_thesaurus *t);

size_t vcm_thesaurus_count(const vcm_thesaurus *t);
const vcm_th_entry *vcm_thesaurus_entry(const vcm_thesaurus *t, size_t i);
/* The entries one of whose names has this key: up to max into out. */
size_t vcm_thesaurus_lookup(const vcm_thesaurus *t, const char *key, size_t keylen,
                            const vcm_th_entry **out, size_t max);
/* The index of the first entry of a kind (entries of a kind are
 * consecutive); the count when there is none. */
size_t vcm_thesaurus_first(const vcm_thesaurus *t, vcm_th_kind kind);
/* The longest name, in tokens, of any entry (for matching runs of words). */
size_t vcm_thesaurus_max_tokens(const vcm_thesaurus *t);
/* The material with this id as documents of the index carry it: its place
 * among the materials (0..63); -1 when no material has that id. */
int vcm_thesaurus_material(const vcm_thesaurus *t, const char *id);
/* The names refused when loading, in file order. */
size_t vcm_thesaurus_refused(const vcm_thesaurus *t, const vcm_th_refusal **out);
/* The English name of an entry. */
const char *vcm_th_label(const vcm_th_entry *e);
#endif
