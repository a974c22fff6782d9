/* Grammar and formats per language, with ICU: plurals (CLDR rules), numbers,
 * years, year ranges, centuries, timestamps, collation and country names.
 *
 * Every function takes the catalogue code of the visitor's language ("en",
 * "ko", "zh", … as the catalogues are named) and maps it to an ICU locale
 * (vcm_l10n_locale: "zh" is zh_Hans). An unknown code formats as English.
 * ICU objects are opened once per language and kept until vcm_l10n_free();
 * every function here may be called from any thread.
 *
 * Output goes to a caller's buffer of cap bytes, always NUL-terminated when
 * cap > 0. Functions return 0, or -1 when the text did not fit or ICU failed
 * (then out holds what is said in the contract of each function).
 * docs/internals/l10n.md says what is formatted how and why. */
#ifndef VCM_L10N_H
#define VCM_L10N_H
#include <stddef.h>
#include <stdint.h>

/* The ICU locale id of a catalogue code: "zh" -> "zh_Hans", "nb" -> "nb";
 * "en" for NULL or a code that is not a language of the site. Static. */
const char *vcm_l10n_locale(const char *lang);
/* The BCP 47 tag texts in that language carry in the data and on the page
 * ("zh" -> "zh-Hans"); "en" as vcm_l10n_locale. Static. */
const char *vcm_l10n_tag(const char *lang);

/* n with the language's grouping and digits (ICU's default numbering
 * system for the locale: Latin digits for most, Burmese digits for my,
 * Bengali digits for bn): 42,231 · 42 231 · 42.231 · ၄၂,၂၃၁. On failure
 * out holds n in ASCII decimal and -1 is returned. */
int vcm_l10n_number(const char *lang, int64_t n, char *out, size_t cap);

/* CLDR plural category of n in the language ("one", "few", "other", …),
 * cardinal or ordinal (1st, 2nd: ordinal != 0). Static strings; "other"
 * when ICU has no rules. */
const char *vcm_l10n_plural(const char *lang, int64_t n, int ordinal);

/* The catalogue message `key` for the count n. The message is ICU
 * MessageFormat plural text (vcm_l10n_msg); the categories are the
 * language's and `#` is n as vcm_l10n_number writes it. When the message
 * is not valid plural text, out holds the key (the gap shows) and -1 is
 * returned. */
int vcm_tn(const char *lang, const char *key, int64_t n, char *out, size_t cap);

/* What a plural message is formatted with: the count, its formatted text
 * for `#` and {n}, and its cardinal and ordinal categories. */
typedef struct {
    int64_t n;
    const char *num;
    const char *cardinal, *ordinal;
} vcm_l10n_arg;

/* Formats msg (len bytes, valid UTF-8) with a: pure, no ICU, fuzzed
 * (fuzz/plural.c). The subset of ICU MessageFormat the catalogues use:
 *   text {n}                                the number
 *   {} {1}..{9}                             kept as written, for the
 *                                           caller's own placeholders
 *   {n, plural, =0 {…} one {# museum} other {# museums}}
 *   {n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}
 * An explicit =N beats a category; `other` is required; `#` is the number
 * inside a plural's branch; sub-messages nest (at most 4 deep); an
 * apostrophe before { } or # quotes up to the next apostrophe, '' is one.
 * Returns 0, or -1 with a message in err (out then holds ""). */
int vcm_l10n_msg(const char *msg, size_t len, const vcm_l10n_arg *a, char *out, size_t cap,
                 char *err, size_t errlen);

/* A year of a record (negative = BCE; 0 is 1 BCE, as vcm_century counts)
 * in the language, proleptic Gregorian: "1603", "1603년", "200 BC",
 * "기원전 200년", "紀元前200年". */
int vcm_l10n_year(const char *lang, int32_t year, char *out, size_t cap);
/* A range of years in the language's range form (ICU date intervals):
 * "1603 – 1868", "1603년~1868년", "1603–1868"; one year when from == to;
 * the era on both ends when either end is BCE. */
int vcm_l10n_years(const char *lang, int32_t from, int32_t to, char *out, size_t cap);
/* A century (vcm_century: 9 = 9th century, -3 = 3rd century BCE) from the
 * catalogue messages century.ce and century.bce, ordinal plural text. */
int vcm_l10n_century(const char *lang, int century, char *out, size_t cap);

/* A moment (Unix seconds) in the language, medium date and short time, in
 * UTC and saying so: "Dec 7, 2026, 6:05 AM UTC". vcm_l10n_day: the date
 * only ("Dec 7, 2026", "2026. 12. 7."). The calendar is the locale's
 * default (Buddhist era for th). */
int vcm_l10n_time(const char *lang, int64_t t, char *out, size_t cap);
int vcm_l10n_day(const char *lang, int64_t t, char *out, size_t cap);
/* Two days (Unix seconds, UTC) as a range in the language's own form, the
 * parts they share said once: "Mar 1 – Jun 30, 2027", "2027年3月1日～6月30日". */
int vcm_l10n_days(const char *lang, int64_t from, int64_t to, char *out, size_t cap);

/* Compares two UTF-8 strings with the language's collation: <0, 0, >0. */
int vcm_l10n_collate(const char *lang, const char *a, const char *b);
/* Sorts n items of `size` bytes at base by the text name(item) returns,
 * with the language's collation; equal names keep their order. Returns -1
 * (base unchanged) when memory is short. */
int vcm_l10n_sort(const char *lang, void *base, size_t n, size_t size,
                  const char *(*name)(const void *item));

/* The name of the country with ISO 3166 alpha-2 code cc in the language,
 * from ICU ("Korea" -> "대한민국" in ko); -1 (out "") when ICU has none. */
int vcm_l10n_country(const char *lang, const char *cc, char *out, size_t cap);

/* Closes every ICU object opened. Not while another thread formats. */
void vcm_l10n_free(void);
#endif
