/* Formats per language with ICU. Design:
 *
 * One slot per language of the site (the table below, in the order of
 * docs/languages), holding the ICU objects that language has needed so far,
 * each opened on first use under `lock` and kept until vcm_l10n_free. ICU
 * documents UNumberFormatter, UPluralRules and UCollator as safe to use from
 * many threads once built; date and interval formatters keep a calendar
 * that formatting writes, so they are used under `date_lock` only.
 *
 * The plural messages are read by a small parser of ours (vcm_l10n_msg)
 * rather than umsg_*: ICU's C API formats positional arguments only, while
 * the catalogues name the count ({n, plural, …}), and a parser of ours is
 * pure and fuzzed like every reader of text from outside the code. */
#include "core/l10n.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ucol.h>
#include <unicode/udat.h>
#include <unicode/udateintervalformat.h>
#include <unicode/udatpg.h>
#include <unicode/uloc.h>
#include <unicode/unumberformatter.h>
#include <unicode/upluralrules.h>
#include <unicode/ustring.h>

#include "core/banned.h"
#include "core/i18n.h"

/* The catalogue codes and their ICU locales: the BCP 47 tag of the page
 * with '-' as '_' (zh is Simplified Chinese). */
static const struct {
    const char *code, *icu;
} langs[] = {
    {"en", "en"}, {"fr", "fr"}, {"de", "de"}, {"nl", "nl"},      {"it", "it"}, {"es", "es"},
    {"pt", "pt"}, {"sv", "sv"}, {"da", "da"}, {"fi", "fi"},      {"nb", "nb"}, {"el", "el"},
    {"cs", "cs"}, {"sk", "sk"}, {"pl", "pl"}, {"hu", "hu"},      {"et", "et"}, {"lv", "lv"},
    {"lt", "lt"}, {"sl", "sl"}, {"hr", "hr"}, {"bg", "bg"},      {"ro", "ro"}, {"ru", "ru"},
    {"zh", "zh_Hans"}, {"ja", "ja"}, {"ko", "ko"}, {"th", "th"}, {"vi", "vi"}, {"id", "id"},
    {"ms", "ms"}, {"km", "km"}, {"lo", "lo"}, {"my", "my"},      {"mn", "mn"}, {"hi", "hi"},
    {"ur", "ur"}, {"bn", "bn"},
};
#define NLANGS (sizeof langs / sizeof langs[0])

enum { DF_TIME, DF_DAY, DF_YEAR, DF_YEAR_ERA, DF_N };
static const UChar *const df_skeleton[DF_N] = {u"yMMMdjmz", u"yMMMd", u"y", u"yG"};

struct slot {
    UNumberFormatter *num;
    UPluralRules *card, *ord;
    UCollator *coll;
    UDateFormat *df[DF_N];
    UDateIntervalFormat *iv, *iv_era, *iv_day;
    /* set once an open failed, so a missing ICU resource is not retried on
     * every call */
    unsigned char failed_num, failed_card, failed_ord, failed_coll, failed_df[DF_N],
        failed_iv, failed_iv_era, failed_iv_day;
};

static struct slot slots[NLANGS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t date_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t lang_index(const char *lang)
{
    if (lang)
        for (size_t i = 0; i < NLANGS; i++)
            if (strcmp(langs[i].code, lang) == 0)
                return i;
    return 0;
}

const char *vcm_l10n_locale(const char *lang)
{
    return langs[lang_index(lang)].icu;
}

const char *vcm_l10n_tag(const char *lang)
{
    /* the one code whose tag is not itself (docs: languages) */
    size_t i = lang_index(lang);
    return strcmp(langs[i].code, "zh") == 0 ? "zh-Hans" : langs[i].code;
}

static void put(char *out, size_t cap, const char *s)
{
    if (cap)
        snprintf(out, cap, "%s", s);
}

/* UTF-16 to the caller's UTF-8 buffer; -1 (out "") when it does not fit. */
static int to_utf8(const UChar *u, int32_t n, char *out, size_t cap)
{
    if (!cap)
        return -1;
    UErrorCode e = U_ZERO_ERROR;
    int32_t bl = 0;
    u_strToUTF8(out, (int32_t)(cap > INT32_MAX ? INT32_MAX : cap), &bl, u, n, &e);
    if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING || (size_t)bl >= cap) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

/* The slot of lang with the object `what` opened; NULL when ICU cannot. */
enum what { W_NUM, W_CARD, W_ORD, W_COLL, W_DF, W_IV, W_IV_ERA, W_IV_DAY };

static UDateFormat *open_df(const char *loc, int k, const char *cal)
{
    char id[64];
    snprintf(id, sizeof id, "%s%s", loc, cal);
    UErrorCode e = U_ZERO_ERROR;
    UDateTimePatternGenerator *g = udatpg_open(id, &e);
    if (U_FAILURE(e))
        return NULL;
    UChar pat[128];
    int32_t pl = udatpg_getBestPattern(g, df_skeleton[k], -1, pat, 128, &e);
    udatpg_close(g);
    if (U_FAILURE(e) || pl <= 0 || pl >= 128)
        return NULL;
    UDateFormat *f = udat_open(UDAT_PATTERN, UDAT_PATTERN, id, u"UTC", -1, pat, pl, &e);
    if (U_FAILURE(e)) {
        udat_close(f);
        return NULL;
    }
    return f;
}

static struct slot *get(const char *lang, enum what w, int k)
{
    size_t i = lang_index(lang);
    const char *loc = langs[i].icu;
    struct slot *s = &slots[i];
    UErrorCode e = U_ZERO_ERROR;
    void *obj = NULL;
    pthread_mutex_lock(&lock);
    switch (w) {
    case W_NUM:
        if (!s->num && !s->failed_num) {
            s->num = unumf_openForSkeletonAndLocale(u"", 0, loc, &e);
            if (U_FAILURE(e)) {
                unumf_close(s->num);
                s->num = NULL;
                s->failed_num = 1;
            }
        }
        obj = s->num;
        break;
    case W_CARD:
    case W_ORD: {
        UPluralRules **r = w == W_CARD ? &s->card : &s->ord;
        unsigned char *f = w == W_CARD ? &s->failed_card : &s->failed_ord;
        if (!*r && !*f) {
            *r = uplrules_openForType(loc, w == W_CARD ? UPLURAL_TYPE_CARDINAL
                                                       : UPLURAL_TYPE_ORDINAL, &e);
            if (U_FAILURE(e)) {
                uplrules_close(*r);
                *r = NULL;
                *f = 1;
            }
        }
        obj = *r;
        break;
    }
    case W_COLL:
        if (!s->coll && !s->failed_coll) {
            s->coll = ucol_open(loc, &e);
            if (U_FAILURE(e)) {
                ucol_close(s->coll);
                s->coll = NULL;
                s->failed_coll = 1;
            }
        }
        obj = s->coll;
        break;
    case W_DF:
        assert(k >= 0 && k < DF_N);
        if (!s->df[k] && !s->failed_df[k]) {
            /* Records' years are in the proleptic Gregorian count the
             * sources use, whatever the locale's everyday calendar. */
            s->df[k] = open_df(loc, k, k >= DF_YEAR ? "@calendar=gregorian" : "");
            s->failed_df[k] = !s->df[k];
        }
        obj = s->df[k];
        break;
    case W_IV:
    case W_IV_ERA:
    case W_IV_DAY: {
        UDateIntervalFormat **f = w == W_IV ? &s->iv : w == W_IV_ERA ? &s->iv_era : &s->iv_day;
        unsigned char *fl = w == W_IV       ? &s->failed_iv
                            : w == W_IV_ERA ? &s->failed_iv_era
                                            : &s->failed_iv_day;
        if (!*f && !*fl) {
            /* days of today follow the locale's calendar, years of records
             * the Gregorian count (see open_df) */
            char id[64];
            snprintf(id, sizeof id, "%s%s", loc, w == W_IV_DAY ? "" : "@calendar=gregorian");
            *f = udtitvfmt_open(id, w == W_IV ? u"y" : w == W_IV_ERA ? u"yG" : u"yMMMd", -1,
                                u"UTC", -1, &e);
            if (U_FAILURE(e)) {
                udtitvfmt_close(*f);
                *f = NULL;
                *fl = 1;
            }
        }
        obj = *f;
        break;
    }
    }
    pthread_mutex_unlock(&lock);
    return obj ? s : NULL;
}

int vcm_l10n_number(const char *lang, int64_t n, char *out, size_t cap)
{
    char ascii[24];
    snprintf(ascii, sizeof ascii, "%lld", (long long)n);
    struct slot *s = get(lang, W_NUM, 0);
    if (!s) {
        put(out, cap, ascii);
        return -1;
    }
    UErrorCode e = U_ZERO_ERROR;
    UFormattedNumber *r = unumf_openResult(&e);
    UChar u[64];
    int32_t un = 0;
    if (U_SUCCESS(e))
        unumf_formatInt(s->num, n, r, &e);
    if (U_SUCCESS(e))
        un = unumf_resultToString(r, u, 64, &e);
    unumf_closeResult(r);
    if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING || un >= 64 ||
        to_utf8(u, un, out, cap) < 0) {
        put(out, cap, ascii);
        return -1;
    }
    return 0;
}

const char *vcm_l10n_plural(const char *lang, int64_t n, int ordinal)
{
    /* The categories as static strings, so callers need no buffer. */
    static const char *const cats[] = {"zero", "one", "two", "few", "many", "other"};
    struct slot *s = get(lang, ordinal ? W_ORD : W_CARD, 0);
    if (!s)
        return "other";
    UChar u[16];
    UErrorCode e = U_ZERO_ERROR;
    int32_t un = uplrules_select(ordinal ? s->ord : s->card, (double)n, u, 16, &e);
    char k[16];
    if (U_FAILURE(e) || un <= 0 || un >= 16 || to_utf8(u, un, k, sizeof k) < 0)
        return "other";
    for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++)
        if (strcmp(k, cats[i]) == 0)
            return cats[i];
    return "other";
}

/* ---- plural messages ---- */

struct mp {
    const char *s, *end;
    const vcm_l10n_arg *a;
    char *out;
    size_t cap, len;
    char *err;
    size_t errlen;
    int failed;
};

#define MSG_DEPTH 4

static int mp_fail(struct mp *m, const char *what)
{
    if (!m->failed && m->errlen)
        snprintf(m->err, m->errlen, "%s", what);
    m->failed = 1;
    return -1;
}

static int mp_emit(struct mp *m, int on, const char *s, size_t n)
{
    if (!on)
        return 0;
    if (m->len + n >= m->cap)
        return mp_fail(m, "text too long");
    memcpy(m->out + m->len, s, n);
    m->len += n;
    m->out[m->len] = '\0';
    return 0;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void mp_ws(struct mp *m)
{
    while (m->s < m->end && is_ws(*m->s))
        m->s++;
}

/* An identifier or keyword: letters, digits, '_'. */
static size_t mp_word(struct mp *m)
{
    const char *b = m->s;
    while (m->s < m->end && ((*m->s >= 'a' && *m->s <= 'z') || (*m->s >= 'A' && *m->s <= 'Z') ||
                             (*m->s >= '0' && *m->s <= '9') || *m->s == '_'))
        m->s++;
    return (size_t)(m->s - b);
}

static int mp_message(struct mp *m, int on, int depth, int in_plural);

/* After '{': "n}" or "n, plural|selectordinal, sel {msg} …}". */
static int mp_arg(struct mp *m, int on, int depth)
{
    const char *open = m->s - 1;
    mp_ws(m);
    mp_word(m);
    mp_ws(m);
    if (m->s < m->end && *m->s == '}') {
        m->s++;
        /* {} and {1}..{9} are the catalogue's ordinary placeholders, filled
         * by the caller afterwards (vcm_web_tnv): kept as written */
        size_t an = (size_t)(m->s - open);
        if ((an == 2) || (an == 3 && open[1] >= '1' && open[1] <= '9'))
            return mp_emit(m, on, open, an);
        return mp_emit(m, on, m->a->num, strlen(m->a->num));
    }
    if (m->s >= m->end || *m->s != ',')
        return mp_fail(m, "expected '}' or ',' after the argument's name");
    m->s++;
    mp_ws(m);
    const char *type = m->s;
    size_t tl = mp_word(m);
    int ordinal;
    if (tl == 6 && memcmp(type, "plural", 6) == 0)
        ordinal = 0;
    else if (tl == 13 && memcmp(type, "selectordinal", 13) == 0)
        ordinal = 1;
    else
        return mp_fail(m, "the argument's type must be plural or selectordinal");
    mp_ws(m);
    if (m->s >= m->end || *m->s != ',')
        return mp_fail(m, "expected ',' after the argument's type");
    m->s++;
    if (depth >= MSG_DEPTH)
        return mp_fail(m, "plurals nested too deep");
    const char *cat = ordinal ? m->a->ordinal : m->a->cardinal;
    /* Two passes over the branches: an explicit =N anywhere beats the
     * category, which beats other. */
    int pick = -1; /* 0: =N, 1: category, 2: other */
    const char *chosen = NULL;
    int have_other = 0;
    for (;;) {
        mp_ws(m);
        if (m->s >= m->end)
            return mp_fail(m, "unclosed plural");
        if (*m->s == '}')
            break;
        const char *sel = m->s;
        int rank = 3;
        if (*m->s == '=') {
            m->s++;
            int neg = m->s < m->end && *m->s == '-';
            if (neg)
                m->s++;
            int64_t v = 0;
            size_t nd = 0;
            while (m->s < m->end && *m->s >= '0' && *m->s <= '9' && nd < 18) {
                v = v * 10 + (*m->s - '0');
                m->s++, nd++;
            }
            if (!nd || (m->s < m->end && *m->s >= '0' && *m->s <= '9'))
                return mp_fail(m, "expected a number after '='");
            if ((neg ? -v : v) == m->a->n)
                rank = 0;
        } else {
            size_t sl = mp_word(m);
            if (!sl)
                return mp_fail(m, "expected a plural selector");
            if (sl == 6 && memcmp(sel, "offset", 6) == 0 && m->s < m->end && *m->s == ':')
                return mp_fail(m, "offset is not supported");
            if (sl == 5 && memcmp(sel, "other", 5) == 0) {
                have_other = 1;
                rank = 2;
            }
            if (strlen(cat) == sl && memcmp(sel, cat, sl) == 0)
                rank = 1;
        }
        mp_ws(m);
        if (m->s >= m->end || *m->s != '{')
            return mp_fail(m, "expected '{' after a plural selector");
        m->s++;
        const char *body = m->s;
        if (mp_message(m, 0, depth + 1, 1) < 0)
            return -1;
        if (m->s >= m->end || *m->s != '}')
            return mp_fail(m, "unclosed plural branch");
        m->s++;
        if (rank < 3 && (pick < 0 || rank < pick)) {
            pick = rank;
            chosen = body;
        }
    }
    const char *after = m->s + 1;
    if (!have_other)
        return mp_fail(m, "a plural needs an 'other' branch");
    if (on) {
        m->s = chosen;
        if (mp_message(m, 1, depth + 1, 1) < 0)
            return -1;
    }
    m->s = after;
    return 0;
}

/* Text up to an unmatched '}' (left at m->s) or the end. */
static int mp_message(struct mp *m, int on, int depth, int in_plural)
{
    while (m->s < m->end) {
        char c = *m->s;
        if (c == '}')
            return in_plural ? 0 : mp_fail(m, "unexpected '}'");
        if (c == '{') {
            m->s++;
            if (mp_arg(m, on, depth) < 0)
                return -1;
            continue;
        }
        if (c == '#' && in_plural) {
            m->s++;
            if (mp_emit(m, on, m->a->num, strlen(m->a->num)) < 0)
                return -1;
            continue;
        }
        if (c == '\'') {
            if (m->s + 1 < m->end && m->s[1] == '\'') {
                m->s += 2;
                if (mp_emit(m, on, "'", 1) < 0)
                    return -1;
                continue;
            }
            if (m->s + 1 < m->end && (m->s[1] == '{' || m->s[1] == '}' || m->s[1] == '#')) {
                const char *q = m->s + 1;
                const char *close = memchr(q, '\'', (size_t)(m->end - q));
                const char *stop = close ? close : m->end;
                if (mp_emit(m, on, q, (size_t)(stop - q)) < 0)
                    return -1;
                m->s = close ? close + 1 : m->end;
                continue;
            }
        }
        const char *b = m->s;
        while (m->s < m->end && *m->s != '{' && *m->s != '}' && *m->s != '\'' &&
               !(*m->s == '#' && in_plural))
            m->s++;
        if (m->s == b)
            m->s++; /* a lone apostrophe is itself */
        if (mp_emit(m, on, b, (size_t)(m->s - b)) < 0)
            return -1;
    }
    return in_plural ? mp_fail(m, "unclosed '{'") : 0;
}

int vcm_l10n_msg(const char *msg, size_t len, const vcm_l10n_arg *a, char *out, size_t cap,
                 char *err, size_t errlen)
{
    if (errlen)
        err[0] = '\0';
    if (!cap)
        return -1;
    out[0] = '\0';
    struct mp m = {.s = msg, .end = msg + len, .a = a, .out = out, .cap = cap,
                   .err = err, .errlen = errlen};
    int rc = mp_message(&m, 1, 0, 0);
    if (rc < 0 || m.failed) {
        if (errlen && !err[0])
            snprintf(err, errlen, "invalid plural message");
        /* the byte where reading stopped, for the catalogue's author */
        size_t el = errlen ? strlen(err) : 0;
        if (errlen > el)
            snprintf(err + el, errlen - el, " at byte %zu", (size_t)(m.s - msg));
        out[0] = '\0';
        return -1;
    }
    return 0;
}

int vcm_tn(const char *lang, const char *key, int64_t n, char *out, size_t cap)
{
    char num[64];
    vcm_l10n_number(lang, n, num, sizeof num);
    vcm_l10n_arg a = {n, num, vcm_l10n_plural(lang, n, 0), vcm_l10n_plural(lang, n, 1)};
    const char *msg = vcm_t(lang, key);
    char err[128];
    if (vcm_l10n_msg(msg, strlen(msg), &a, out, cap, err, sizeof err) < 0) {
        put(out, cap, key);
        return -1;
    }
    return 0;
}

/* ---- dates ---- */

/* Noon of 1 July of a year in the proleptic Gregorian calendar, as ICU's
 * UDate. year <= 0 is BCE with 0 as 1 BCE (historians have no year 0). */
static int year_date(int32_t year, UDate *d)
{
    UErrorCode e = U_ZERO_ERROR;
    UCalendar *c = ucal_open(u"UTC", -1, "en@calendar=gregorian", UCAL_GREGORIAN, &e);
    if (U_FAILURE(e)) {
        ucal_close(c);
        return -1;
    }
    /* pure Gregorian, also before 1582 */
    ucal_setGregorianChange(c, -1e300 /* far past */, &e);
    e = U_ZERO_ERROR;
    ucal_clear(c);
    ucal_set(c, UCAL_ERA, year > 0 ? 1 : 0);
    ucal_set(c, UCAL_YEAR, year > 0 ? year : (year == 0 ? 1 : -year));
    ucal_set(c, UCAL_MONTH, UCAL_JULY);
    ucal_set(c, UCAL_DATE, 1);
    ucal_set(c, UCAL_HOUR_OF_DAY, 12);
    *d = ucal_getMillis(c, &e);
    ucal_close(c);
    return U_FAILURE(e) ? -1 : 0;
}

static int format_df(const char *lang, int k, UDate d, char *out, size_t cap)
{
    struct slot *s = get(lang, W_DF, k);
    if (!s)
        return -1;
    UChar u[128];
    UErrorCode e = U_ZERO_ERROR;
    pthread_mutex_lock(&date_lock);
    int32_t un = udat_format(s->df[k], d, u, 128, NULL, &e);
    pthread_mutex_unlock(&date_lock);
    if (U_FAILURE(e) || un >= 128)
        return -1;
    return to_utf8(u, un, out, cap);
}

int vcm_l10n_year(const char *lang, int32_t year, char *out, size_t cap)
{
    UDate d;
    if (year_date(year, &d) < 0 || format_df(lang, year > 0 ? DF_YEAR : DF_YEAR_ERA, d, out, cap) < 0) {
        if (cap)
            snprintf(out, cap, "%d", (int)year);
        return -1;
    }
    return 0;
}

int vcm_l10n_years(const char *lang, int32_t from, int32_t to, char *out, size_t cap)
{
    if (from == to)
        return vcm_l10n_year(lang, from, out, cap);
    int era = from <= 0 || to <= 0;
    UDate a, b;
    struct slot *s = get(lang, era ? W_IV_ERA : W_IV, 0);
    if (s && year_date(from, &a) == 0 && year_date(to, &b) == 0) {
        UChar u[160];
        UErrorCode e = U_ZERO_ERROR;
        pthread_mutex_lock(&date_lock);
        int32_t un = udtitvfmt_format(era ? s->iv_era : s->iv, a, b, u, 160, NULL, &e);
        pthread_mutex_unlock(&date_lock);
        if (U_SUCCESS(e) && un < 160 && to_utf8(u, un, out, cap) == 0)
            return 0;
    }
    if (cap)
        snprintf(out, cap, "%d–%d", (int)from, (int)to);
    return -1;
}

int vcm_l10n_century(const char *lang, int century, char *out, size_t cap)
{
    return vcm_tn(lang, century < 0 ? "century.bce" : "century.ce", century < 0 ? -century : century,
                  out, cap);
}

static int format_moment(const char *lang, int k, int64_t t, char *out, size_t cap)
{
    if (format_df(lang, k, (UDate)t * 1000.0, out, cap) < 0) {
        if (cap)
            snprintf(out, cap, "%lld", (long long)t);
        return -1;
    }
    return 0;
}

int vcm_l10n_time(const char *lang, int64_t t, char *out, size_t cap)
{
    return format_moment(lang, DF_TIME, t, out, cap);
}

int vcm_l10n_day(const char *lang, int64_t t, char *out, size_t cap)
{
    return format_moment(lang, DF_DAY, t, out, cap);
}

int vcm_l10n_days(const char *lang, int64_t from, int64_t to, char *out, size_t cap)
{
    struct slot *s = get(lang, W_IV_DAY, 0);
    if (s) {
        UChar u[160];
        UErrorCode e = U_ZERO_ERROR;
        pthread_mutex_lock(&date_lock);
        int32_t un = udtitvfmt_format(s->iv_day, (UDate)from * 1000.0, (UDate)to * 1000.0, u, 160,
                                      NULL, &e);
        pthread_mutex_unlock(&date_lock);
        if (U_SUCCESS(e) && un < 160 && to_utf8(u, un, out, cap) == 0)
            return 0;
    }
    if (cap)
        snprintf(out, cap, "%lld–%lld", (long long)from, (long long)to);
    return -1;
}

/* ---- collation ---- */

int vcm_l10n_collate(const char *lang, const char *a, const char *b)
{
    struct slot *s = get(lang, W_COLL, 0);
    if (!s)
        return strcmp(a, b);
    UErrorCode e = U_ZERO_ERROR;
    UCollationResult r = ucol_strcollUTF8(s->coll, a, -1, b, -1, &e);
    if (U_FAILURE(e))
        return strcmp(a, b);
    return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
}

struct skey {
    uint8_t *k;
    size_t i;
};

static int cmp_skey(const void *x, const void *y)
{
    const struct skey *a = x, *b = y;
    /* sort keys end in a 0 byte and hold none before it */
    int c = strcmp((const char *)a->k, (const char *)b->k);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* The sort key of a UTF-8 string, malloc'd. */
static uint8_t *sort_key(const UCollator *c, const char *s)
{
    /* invalid bytes sort as U+FFFD rather than failing the whole list */
    UErrorCode e = U_ZERO_ERROR;
    int32_t ul = 0;
    u_strFromUTF8WithSub(NULL, 0, &ul, s, -1, 0xFFFD, NULL, &e);
    if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
        return NULL;
    UChar *u = malloc(((size_t)ul + 1) * sizeof *u);
    if (!u)
        return NULL;
    e = U_ZERO_ERROR;
    u_strFromUTF8WithSub(u, ul + 1, NULL, s, -1, 0xFFFD, NULL, &e);
    uint8_t *k = NULL;
    if (U_SUCCESS(e)) {
        int32_t kl = ucol_getSortKey(c, u, ul, NULL, 0);
        k = kl > 0 ? malloc((size_t)kl) : NULL;
        if (k)
            ucol_getSortKey(c, u, ul, k, kl);
    }
    free(u);
    return k;
}

int vcm_l10n_sort(const char *lang, void *base, size_t n, size_t size,
                  const char *(*name)(const void *item))
{
    if (n < 2)
        return 0;
    struct slot *s = get(lang, W_COLL, 0);
    if (!s)
        return -1;
    int rc = -1;
    struct skey *ks = calloc(n, sizeof *ks);
    char *copy = malloc(n * size);
    if (!ks || !copy)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const char *nm = name((const char *)base + i * size);
        ks[i].k = sort_key(s->coll, nm ? nm : "");
        ks[i].i = i;
        if (!ks[i].k)
            goto out;
    }
    qsort(ks, n, sizeof *ks, cmp_skey);
    memcpy(copy, base, n * size);
    for (size_t i = 0; i < n; i++)
        memcpy((char *)base + i * size, copy + ks[i].i * size, size);
    rc = 0;
out:
    if (ks)
        for (size_t i = 0; i < n; i++)
            free(ks[i].k);
    free(ks);
    free(copy);
    return rc;
}

/* ---- names ---- */

int vcm_l10n_country(const char *lang, const char *cc, char *out, size_t cap)
{
    put(out, cap, "");
    if (!cc || strlen(cc) != 2)
        return -1;
    char loc[8] = "und_";
    memcpy(loc + 4, cc, 3);
    UChar u[128];
    UErrorCode e = U_ZERO_ERROR;
    int32_t n = uloc_getDisplayCountry(loc, vcm_l10n_locale(lang), u, 128, &e);
    if (U_FAILURE(e) || n <= 0 || n >= 128 || to_utf8(u, n, out, cap) < 0)
        return -1;
    /* ICU answers with the code itself when it has no name */
    if (strcasecmp(out, cc) == 0) {
        put(out, cap, "");
        return -1;
    }
    return 0;
}

void vcm_l10n_free(void)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < NLANGS; i++) {
        struct slot *s = &slots[i];
        unumf_close(s->num);
        uplrules_close(s->card);
        uplrules_close(s->ord);
        ucol_close(s->coll);
        for (int k = 0; k < DF_N; k++)
            udat_close(s->df[k]);
        udtitvfmt_close(s->iv);
        udtitvfmt_close(s->iv_era);
        udtitvfmt_close(s->iv_day);
        memset(s, 0, sizeof *s);
    }
    pthread_mutex_unlock(&lock);
}
