/* Language tags of texts whose source does not give them, or gives them
 * without the script that tells two written forms apart.
 *
 * The script of each character comes from ICU (uscript). Han alone does not
 * say which language: Chinese in traditional characters (zh-Hant, Taipei,
 * Hong Kong), in simplified ones (zh-Hans), Korean Hanja (ko-Hani) or
 * Japanese kanji. Traditional and simplified are told apart by ICU's own
 * tables: a character that Hant-Hans changes is a traditional form, one that
 * Hans-Hant changes a simplified form; the majority wins, and when nothing
 * tells (characters both forms share), the museum's languages decide. A text
 * that mixes scripts (an English description quoting a Chinese inscription)
 * takes the language of the script that holds most of it; a Han character
 * counts as three letters, about a word's worth. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "core/text.h"
#include "model/model.h"
#include "core/banned.h"

/* A museum's languages by its country, its own first. English follows
 * where the museum publishes in English too, which every museum of the
 * network does. */
static const struct {
    char cc[3];
    const char *langs;
} country_langs[] = {
    {"AT", "de en"}, {"BE", "nl fr de en"}, {"CH", "de fr it en"}, {"CN", "zh-Hans en"},
    {"DE", "de en"}, {"DK", "da en"},       {"ES", "es en"},       {"FI", "fi sv en"},
    {"FR", "fr en"}, {"GB", "en"},          {"HK", "zh-Hant en"},  {"ID", "id en"},
    {"IN", "hi en"}, {"IT", "it en"},       {"JP", "ja en"},       {"KR", "ko en"},
    {"MO", "zh-Hant pt en"}, {"NL", "nl en"}, {"PL", "pl en"},    {"PT", "pt en"},
    {"SE", "sv en"}, {"SG", "en zh-Hans ms ta"}, {"TH", "th en"}, {"TW", "zh-Hant en"},
    {"US", "en"},    {"VN", "vi en"},
};

const char *vcm_country_languages(const char *cc)
{
    for (size_t i = 0; cc && i < sizeof country_langs / sizeof country_langs[0]; i++)
        if (strcmp(country_langs[i].cc, cc) == 0)
            return country_langs[i].langs;
    return "en";
}

/* True when langs names a language whose primary subtag is lang ("zh"
 * matches "zh-Hant"); the first such tag is copied into out. */
static bool has_lang(const char *langs, const char *lang, char *out, size_t outlen)
{
    size_t ll = strlen(lang);
    for (const char *p = langs ? langs : ""; *p;) {
        size_t n = strcspn(p, " ");
        if (n >= ll && strncmp(p, lang, ll) == 0 && (n == ll || p[ll] == '-')) {
            if (out && n < outlen) {
                memcpy(out, p, n);
                out[n] = '\0';
            }
            return true;
        }
        p += n;
        p += strspn(p, " ");
    }
    return false;
}

struct counts {
    size_t han, kana, hangul, latin, thai, cyrillic, greek, arabic, hebrew, devanagari, other;
};

static void count_scripts(const char *text, struct counts *c)
{
    memset(c, 0, sizeof *c);
    size_t n = strlen(text);
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t l = vcm_utf8_decode(text + i, n - i, &cp);
        if (!l)
            break;
        i += l;
        if (cp < 0x80 && !((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z'))
            continue;
        UErrorCode e = U_ZERO_ERROR;
        UScriptCode sc = uscript_getScript((UChar32)cp, &e);
        if (U_FAILURE(e))
            continue;
        switch (sc) {
        case USCRIPT_HAN: c->han++; break;
        case USCRIPT_HIRAGANA:
        case USCRIPT_KATAKANA: c->kana++; break;
        case USCRIPT_HANGUL: c->hangul++; break;
        case USCRIPT_LATIN: c->latin++; break;
        case USCRIPT_THAI: c->thai++; break;
        case USCRIPT_CYRILLIC: c->cyrillic++; break;
        case USCRIPT_GREEK: c->greek++; break;
        case USCRIPT_ARABIC: c->arabic++; break;
        case USCRIPT_HEBREW: c->hebrew++; break;
        case USCRIPT_DEVANAGARI: c->devanagari++; break;
        case USCRIPT_COMMON:
        case USCRIPT_INHERITED: break;
        default: c->other++; break;
        }
    }
}

/* How many characters of u (len code units) the transliterator id
 * changes; -1 when ICU cannot. */
static long changed(const char *id, const UChar *u, int32_t len)
{
    UErrorCode e = U_ZERO_ERROR;
    UChar uid[16];
    u_uastrcpy(uid, id);
    UTransliterator *t = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
    if (U_FAILURE(e))
        return -1;
    long n = -1;
    int32_t cap = len * 2 + 16;
    UChar *buf = malloc((size_t)cap * sizeof *buf);
    if (!buf)
        goto out;
    memcpy(buf, u, (size_t)len * sizeof *buf);
    int32_t blen = len, limit = len;
    utrans_transUChars(t, buf, &blen, cap, 0, &limit, &e);
    if (U_FAILURE(e))
        goto out;
    n = 0;
    /* The two forms map one character to one nearly always; where a length
     * changes, what follows is compared as it stands. */
    for (int32_t i = 0; i < len && i < blen; i++)
        n += buf[i] != u[i];
    if (blen != len)
        n++;
out:
    free(buf);
    utrans_close(t);
    return n;
}

/* zh-Hant, zh-Hans, or NULL when the characters do not tell. */
static const char *han_form(const char *text)
{
    UErrorCode e = U_ZERO_ERROR;
    int32_t len = 0;
    u_strFromUTF8(NULL, 0, &len, text, -1, &e);
    if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
        return NULL;
    e = U_ZERO_ERROR;
    UChar *u = malloc(((size_t)len + 1) * sizeof *u);
    if (!u)
        return NULL;
    const char *r = NULL;
    u_strFromUTF8(u, len + 1, NULL, text, -1, &e);
    if (U_SUCCESS(e)) {
        long trad = changed("Hant-Hans", u, len), simp = changed("Hans-Hant", u, len);
        if (trad > simp && trad > 0)
            r = "zh-Hant";
        else if (simp > trad && simp > 0)
            r = "zh-Hans";
    }
    free(u);
    return r;
}

/* The tag of a text in Han characters without kana or Hangul. */
static const char *han_lang(const char *text, const char *langs)
{
    static const char *const zh_tags[] = {"zh-Hant", "zh-Hans", "zh"};
    char own[32];
    if (!has_lang(langs, "zh", NULL, 0)) {
        if (has_lang(langs, "ja", NULL, 0))
            return "ja";
        if (has_lang(langs, "ko", NULL, 0))
            return "ko-Hani";
    }
    const char *form = han_form(text);
    if (form)
        return form;
    if (has_lang(langs, "zh", own, sizeof own))
        for (size_t i = 0; i < sizeof zh_tags / sizeof zh_tags[0]; i++)
            if (strcmp(own, zh_tags[i]) == 0)
                return zh_tags[i];
    return "zh";
}

/* The first Latin-script language of langs, else English. */
static const char *latin_lang(const char *langs)
{
    static const char *const latin[] = {"en", "fr", "de", "nl", "it", "es", "pt", "da",
                                        "sv", "fi", "pl", "id", "ms", "vi"};
    const char *best = "en";
    size_t at = SIZE_MAX;
    for (size_t i = 0; i < sizeof latin / sizeof latin[0]; i++) {
        const char *p = langs ? strstr(langs, latin[i]) : NULL;
        while (p && !((p == langs || p[-1] == ' ') && (p[2] == '\0' || p[2] == ' ' || p[2] == '-')))
            p = strstr(p + 1, latin[i]);
        if (p && (size_t)(p - langs) < at) {
            at = (size_t)(p - langs);
            best = latin[i];
        }
    }
    return best;
}

const char *vcm_lang_infer(const char *text, const char *given, const char *langs,
                           bool *inferred)
{
    struct counts c;
    count_scripts(text ? text : "", &c);
    *inferred = false;
    if (given && *given && strcmp(given, "und") != 0) {
        /* The source's tag stands; only the script is added where one
         * language is written two ways. */
        if (strcmp(given, "zh") == 0 && c.han && !c.kana && !c.hangul) {
            const char *form = han_form(text);
            if (!form && has_lang(langs, "zh-Hant", NULL, 0))
                form = "zh-Hant";
            if (!form && has_lang(langs, "zh-Hans", NULL, 0))
                form = "zh-Hans";
            if (form) {
                *inferred = true;
                return form;
            }
        } else if (strcmp(given, "ko") == 0 && c.han && !c.hangul) {
            *inferred = true;
            return "ko-Hani";
        }
        return given;
    }
    *inferred = true;
    size_t han = c.han * 3, latin = c.latin;
    if (c.hangul && c.hangul * 3 >= han)
        return "ko";
    if (c.kana)
        return "ja";
    if (c.han && han >= latin)
        return han_lang(text, langs);
    if (c.thai > latin)
        return "th";
    if (c.cyrillic > latin)
        return "ru";
    if (c.greek > latin)
        return "el";
    if (c.arabic > latin)
        return "ar";
    if (c.hebrew > latin)
        return "he";
    if (c.devanagari > latin)
        return "hi";
    if (latin && latin >= c.other)
        return latin_lang(langs);
    return "und";
}

int vcm_lang_rank(const char *tag, const char *langs)
{
    if (strcmp(tag, "en") == 0 || strncmp(tag, "en-", 3) == 0)
        return 0;
    int r = 1;
    for (const char *p = langs ? langs : ""; *p; r++) {
        size_t n = strcspn(p, " ");
        size_t tl = strlen(tag);
        /* ko-Hani ranks with ko, zh-Hant with zh-Hant */
        if (n && ((tl == n && strncmp(tag, p, n) == 0) ||
                  (tl > n && strncmp(tag, p, n) == 0 && tag[n] == '-')))
            return r;
        p += n;
        p += strspn(p, " ");
    }
    /* the same language in another script, just after the museum's */
    for (const char *p = langs ? langs : ""; *p;) {
        size_t n = strcspn(p, "- ");
        if (n && strncmp(tag, p, n) == 0 && (tag[n] == '\0' || tag[n] == '-'))
            return 50;
        p += strcspn(p, " ");
        p += strspn(p, " ");
    }
    return 100;
}

void vcm_ltexts_order(vcm_ltexts *t, const char *langs)
{
    /* insertion sort: stable, and an object has a handful of texts */
    for (size_t i = 1; i < t->n; i++) {
        vcm_ltext x = t->v[i];
        int rx = vcm_lang_rank(x.lang, langs);
        size_t j = i;
        while (j > 0 && vcm_lang_rank(t->v[j - 1].lang, langs) > rx) {
            t->v[j] = t->v[j - 1];
            j--;
        }
        t->v[j] = x;
    }
}

int vcm_lang_list_valid(const char *langs)
{
    char tag[64];
    size_t count = 0;
    for (const char *p = langs; *p;) {
        size_t n = strcspn(p, " ");
        if (n == 0 || n >= sizeof tag)
            return -1;
        memcpy(tag, p, n);
        tag[n] = '\0';
        if (!vcm_lang_valid(tag))
            return -1;
        count++;
        p += n;
        if (*p == ' ' && p[1] == '\0')
            return -1;
        p += *p == ' ';
    }
    return count ? 0 : -1;
}
