/* The names table of the thesaurus (thesaurus/names.tsv): each line one
 * creator and the spellings of the name in several scripts ("Katsushika
 * Hokusai", 葛飾北斎, "Hokusai", 北斎), with where they were seen. A query
 * naming a creator in one spelling also finds the records that give
 * another (search.c), and autocomplete offers a creator once whatever the
 * spelling a record uses.
 *
 * Spellings meet on keys (vcm_tokenize_key with stemming), like thesaurus
 * names: "HOKUSAI" and "hokusai" are one key. A key belongs to one creator
 * only: the parser refuses a table where two lines share one. */
#ifndef VCM_NAMES_H
#define VCM_NAMES_H
#include <stddef.h>

typedef struct vcm_name_entry {
    const char *id;       /* the file's id: "katsushika_hokusai" */
    const char *label;    /* the en column: the spelling offered and shown */
    const char **names;   /* every spelling, the label first */
    size_t nnames;
    const char *source;   /* where the spellings were seen */
} vcm_name_entry;

typedef struct vcm_names vcm_names;

/* Parses the text of a names file (len bytes, UTF-8; the header names the
 * columns id, en, ja, zh-Hant, ko, variants, source, in any order). Pure:
 * reads nothing else. Returns NULL and writes "FILE:LINE: reason" into err
 * on malformed input or when memory runs out. */
vcm_names *vcm_names_parse(const char *file, const char *text, size_t len, char *err,
                           size_t errlen);
void vcm_names_free(vcm_names *n);
/* The built-in table (thesaurus/names.tsv); NULL, with a message in the
 * log, only when the built-in file is malformed, which a test rules out.
 * Thread-safe. */
const vcm_names *vcm_names_builtin(void);

size_t vcm_names_count(const vcm_names *n);
const vcm_name_entry *vcm_names_entry(const vcm_names *n, size_t i);
/* The creator one of whose spellings has this key; NULL when none. */
const vcm_name_entry *vcm_names_lookup(const vcm_names *n, const char *key, size_t keylen);
/* The creator a record's creator text names, as records write it:
 * "Katsushika Hokusai (Japanese, 1760–1849)" is read up to the first
 * parenthesis, comma or semicolon. NULL when none. */
const vcm_name_entry *vcm_names_of_creator(const vcm_names *n, const char *text, size_t len);
#endif
