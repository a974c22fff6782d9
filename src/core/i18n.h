/* Translation: every string a person reads passes through vcm_t(), from the
 * first page on. The catalogues are gettext PO files (docs/languages.md):
 * locale/vcm.pot holds the English source, each message's key in msgctxt;
 * locale/LANG.po a language's translations, "#, fuzzy" on those that need
 * review. A key missing from a language falls back to English, and a key
 * missing from English is shown as itself so that the gap is visible.
 * Tab-separated `key<TAB>text` catalogues are read too (tests, and a
 * folder given in VCM_LOCALE_DIR). */
#ifndef VCM_I18N_H
#define VCM_I18N_H
#include <stdbool.h>
#include <stddef.h>

/* Loads a catalogue from memory; errors name the line. Not thread-safe: load
 * every catalogue before serving. */
int vcm_i18n_load(const char *lang, const char *text, size_t len, char *err, size_t errlen);
/* Loads a PO catalogue from memory: the template (source: the text is
 * msgid, lang "en") or a language's file (the text is msgstr; an empty
 * msgstr is left out, so English shows). Errors name the file and line. */
int vcm_i18n_load_po(const char *lang, bool source, const char *text, size_t len, char *err,
                     size_t errlen);
/* Loads the catalogues built into the program: locale/vcm.pot as English,
 * every locale/LANG.po (and any locale/LANG.tsv). */
int vcm_i18n_load_builtin(char *err, size_t errlen);
const char *vcm_t(const char *lang, const char *key);
/* 1 when lang's text for key needs review, 0 when reviewed, -1 when lang
 * has no text for it. */
int vcm_i18n_review(const char *lang, const char *key);
typedef struct vcm_i18n_counts {
    size_t source;     /* messages in English */
    size_t translated; /* of those, with a text in the language */
    size_t review;     /* of those, needing review */
    size_t unknown;    /* texts for keys English does not have */
} vcm_i18n_counts;
int vcm_i18n_stats(const char *lang, vcm_i18n_counts *out);
/* The languages loaded, in load order; returns how many (at most cap). */
size_t vcm_i18n_languages(const char **out, size_t cap);
/* How many of lang's texts need review (0 for English and for a language
 * without a catalogue); pages say so when there are any. */
size_t vcm_i18n_unreviewed(const char *lang);
/* The keys of lang's catalogue, in key order: count, then each by index. */
size_t vcm_i18n_count(const char *lang);
const char *vcm_i18n_key_at(const char *lang, size_t i);
void vcm_i18n_free(void);
#endif
