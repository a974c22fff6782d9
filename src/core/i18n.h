/* Translation: every string a person reads passes through vcm_t(), from the
 * first page on. Catalogues are tab-separated `key<TAB>text` files, one per
 * language (locale/en.tsv is the reference); a key missing from a language
 * falls back to English, and a key missing from English is shown as itself so
 * that the gap is visible. */
#ifndef VCM_I18N_H
#define VCM_I18N_H
#include <stddef.h>

/* Loads a catalogue from memory; errors name the line. Not thread-safe: load
 * every catalogue before serving. */
int vcm_i18n_load(const char *lang, const char *text, size_t len, char *err, size_t errlen);
/* Loads every locale/LANG.tsv built into the program. */
int vcm_i18n_load_builtin(char *err, size_t errlen);
const char *vcm_t(const char *lang, const char *key);
void vcm_i18n_free(void);
#endif
