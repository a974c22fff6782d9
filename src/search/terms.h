/* The museum's own terms mapped to thesaurus concepts, for the facets and
 * filters of browse and the search alike.
 *
 * An object's classification ("Prints", "prints", "Print", "版画",
 * "Textiles-Woven", "on paper, print") becomes one key: the id of the
 * concept of thesaurus/types.tsv (else materials.tsv) it names, case,
 * plural and language folded ("print", "textile"), or, when the thesaurus
 * knows none, '~' and the folded term ("~leatherwork"), so that a term the
 * thesaurus lacks is still one entry however it is written. Its medium and
 * technique give the material concepts they name. The museum's words stay
 * in the record; the keys are stored beside it (object_terms) and the
 * search index reads the same function, so browse and search group alike.
 *
 * vcm_terms_type_key and vcm_terms_materials are pure readers of outside
 * text (fuzz/terms.c). vcm_terms_sync keeps the stored keys up to date. */
#ifndef VCM_SEARCH_TERMS_H
#define VCM_SEARCH_TERMS_H
#include <stddef.h>

#include "search/thesaurus.h"
#include "store/store.h"

/* The longest key kept, in bytes with its NUL; a longer one is cut at a
 * character boundary. */
#define VCM_TERMS_KEY_MAX 256

/* The key of a classification into out (cap >= 2); returns its length, 0
 * when the classification is empty or has no words. */
size_t vcm_terms_type_key(const char *classification, char *out, size_t cap);
/* The key a filter value names: a concept id or a '~' key as it is, any
 * other value as vcm_terms_type_key makes it (so the museum's own words,
 * as links and bookmarks hold them, still select their objects). */
size_t vcm_terms_filter_key(const char *value, char *out, size_t cap);
/* The material concepts named in a medium or technique text: up to max
 * thesaurus ids into ids (no repeats), in thesaurus order; their count. */
size_t vcm_terms_materials(const char *text, const char **ids, size_t max);
/* The concept a key names (a type first, else a material); NULL for a '~'
 * key or an id the thesaurus does not have. */
const vcm_th_entry *vcm_terms_concept(const char *key);

/* Brings the stored keys (object_terms) up to date with the objects
 * changed since the last run, or with every object when the thesaurus or
 * the rules changed since (then the objects' rights and metadata licence
 * are also read again from the text each keeps: model/rights.h). Runs in
 * transactions of a few hundred objects; *done (may be NULL) counts the
 * objects seen. Returns 0, or -1 with the store's message in err. */
int vcm_terms_sync(vcm_store *s, size_t *done, char *err, size_t errlen);
#endif
