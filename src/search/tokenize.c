/* Tokenizer for multilingual search.
 *
 * Design. The input (strict UTF-8) is converted once to UTF-16 with a map
 * from each UTF-16 unit back to its byte offset, so every token can report
 * where it came from in the original text. The ICU word break iterator
 * (UBRK_WORD, root locale) walks the whole text; it brings the dictionaries
 * that cut Thai, Lao, Khmer and Burmese written without spaces. Breaking runs
 * on the original text, folding on each piece after, so offsets never have
 * to be mapped through a normalisation.
 *
 * Within each break segment, code points are sorted into two kinds:
 *  - CJK (Han, Hiragana, Katakana, the prolonged sound mark): these form
 *    runs that ignore ICU's segment boundaries (its dictionary cut of 江戸時代
 *    must not hide the bigram across it). Every character of a run is a
 *    unigram and every adjacent pair a bigram; a unigram takes one position,
 *    a bigram the position of its first character, so a phrase search over
 *    CJK works by adjacency. A "character" is a code point with the combining
 *    marks that follow it (halfwidth voiced marks included).
 *  - everything else: a segment part with a letter or a digit (ICU rule
 *    status not NONE) is one word. A word containing Hangul also gives the
 *    unigrams and bigrams of its Hangul syllables, at positions starting with
 *    the word's own, so 청자 is found inside 청자상감운학문매병; the position
 *    then advances by the number of syllables. Thai, Lao, Khmer and Burmese
 *    words do the same with their characters (a letter with its marks): ICU's
 *    dictionaries keep some compounds whole (เครื่องปั้นดินเผา, "pottery"),
 *    and the n-grams find ดินเผา inside it.
 *  Anything that is not CJK ends a CJK run.
 *
 * Folding of every token: NFKC_Casefold; then, after NFD, non-spacing marks
 * (Mn) are dropped when their base letter is Latin, Greek or Cyrillic, and
 * the result is recomposed (NFC). Marks on other scripts are letters there
 * (Thai vowels and tones, Devanagari matras) and stay. đ, ł and ø, which
 * carry no separable mark, are folded to d, l, o as well. CJK characters:
 * Han goes through ICU's "Traditional-Simplified" transliterator (國 -> 国)
 * and the table of Han variants generated from Unihan (靑 -> 青, 瓷 and 磁:
 * scripts/hanvariants.sh), and katakana is folded to hiragana (カ -> か), so
 * a query in either script matches both. The apostrophes ’ ‘ ʼ ＇ are ', and
 * a word's English possessive 's is dropped (Buddha's is buddha). Words made
 * only of ASCII letters are stemmed with VCM_TOK_STEM (plural -> singular,
 * see stem()).
 *
 * Caps: input over VCM_TOK_MAX_INPUT is refused; a word is folded from at
 * most SRC_MAX UTF-16 units and its text cut to VCM_TOK_MAX_LEN bytes on a
 * code point boundary (its offsets still cover the whole source word).
 *
 * Costs: the break iterator and the transliterator are costly to open, so
 * each thread keeps one of each (opened on first need; a callback that
 * tokenizes again gets a fresh iterator); the transliterator's
 * answers are cached per thread, one code point to one code point. */
#include "search/tokenize.h"

#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>

#include "core/text.h"
/* vcm_hanvar: Han variants and the character each folds to, by code point
 * (generated from Unihan by scripts/hanvariants.sh) */
#include "hanvariants.h"

#include "core/banned.h"

#define SRC_MAX 256        /* UTF-16 units of a word that are folded */
#define NBUF 8192          /* > SRC_MAX * 18, NFKC's largest expansion */
#define UNIT_MAX 64        /* UTF-16 units of one CJK character with its marks */

typedef struct tk {
    const UChar *u;
    const int32_t *off; /* off[i]: byte offset of UTF-16 unit i; off[n] = input length */
    int32_t n;
    int flags;
    vcm_token_fn fn;
    void *ud;
    uint32_t pos;
    bool stop, fail;
    /* previous character of the current CJK or Hangul run */
    bool have_prev;
    size_t prev_len;
    uint32_t prev_start;
    char prev[VCM_TOK_MAX_LEN];
    char out[NBUF * 3];
    char pair[2 * VCM_TOK_MAX_LEN];
    UChar nb1[NBUF], nb2[NBUF];
} tk;

static _Thread_local UBreakIterator *tl_brk;
static _Thread_local UTransliterator *tl_t2s;
static _Thread_local bool tl_t2s_failed;
static _Thread_local struct {
    UChar32 key, val;
} tl_simp[1024];

/* The thread's ICU objects are closed when it ends (a server worker, a
 * build helper), through a key whose destructor runs at thread exit. */
static pthread_key_t tl_key;
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;

static void tl_destroy(void *p)
{
    (void)p;
    vcm_tokenize_thread_release();
}

static void tl_key_make(void)
{
    pthread_key_create(&tl_key, tl_destroy);
}

static void tl_remember(void)
{
    pthread_once(&tl_once, tl_key_make);
    if (!pthread_getspecific(tl_key))
        pthread_setspecific(tl_key, (void *)1);
}

void vcm_tokenize_thread_release(void)
{
    if (tl_brk)
        ubrk_close(tl_brk);
    if (tl_t2s)
        utrans_close(tl_t2s);
    tl_brk = NULL;
    tl_t2s = NULL;
    tl_t2s_failed = false;
    memset(tl_simp, 0, sizeof tl_simp);
}

/* The simplified form of the Han character c, or c. */
static UChar32 simplify(UChar32 c)
{
    unsigned slot = (unsigned)c & 1023;
    if (tl_simp[slot].key == c)
        return tl_simp[slot].val;
    if (!tl_t2s && !tl_t2s_failed) {
        UErrorCode e = U_ZERO_ERROR;
        static const UChar id[] = u"Traditional-Simplified";
        tl_t2s = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
        tl_remember();
        if (U_FAILURE(e)) {
            tl_t2s = NULL;
            tl_t2s_failed = true; /* fold nothing rather than fail every call */
        }
    }
    UChar32 v = c;
    if (tl_t2s) {
        UChar b[16];
        int32_t n = 0, limit, len;
        U16_APPEND_UNSAFE(b, n, c);
        limit = len = n;
        UErrorCode e = U_ZERO_ERROR;
        utrans_transUChars(tl_t2s, b, &len, (int32_t)(sizeof b / sizeof b[0]), 0, &limit, &e);
        if (U_SUCCESS(e) && len > 0 && len <= 2) {
            int32_t i = 0;
            UChar32 r;
            U16_NEXT(b, i, len, r);
            if (i == len)
                v = r;
        }
    }
    tl_simp[slot].key = c;
    tl_simp[slot].val = v;
    return v;
}

/* The character the Han variant c folds to (靑 -> 青, 眞 -> 真), or c. */
static UChar32 unvariant(UChar32 c)
{
    size_t lo = 0, hi = VCM_HANVAR_COUNT;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (vcm_hanvar[mid][0] < (uint32_t)c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < VCM_HANVAR_COUNT && vcm_hanvar[lo][0] == (uint32_t)c ? (UChar32)vcm_hanvar[lo][1] : c;
}

static bool is_cjk(UChar32 c)
{
    if (c < 0x2E80)
        return false;
    if (c == 0x30FC || c == 0xFF70) /* prolonged sound mark, script Common */
        return true;
    UErrorCode e = U_ZERO_ERROR;
    UScriptCode s = uscript_getScript(c, &e);
    return (s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA) &&
           u_hasBinaryProperty(c, UCHAR_ALPHABETIC);
}

/* Letters whose words also give character n-grams: Hangul (청자 inside
 * 청자상감운학문매병), and the scripts that ICU cuts by dictionary, whose
 * compounds it may keep whole (ดินเผา inside เครื่องปั้นดินเผา). */
static bool is_hangul(UChar32 c)
{
    if (c < 0x0E00)
        return false;
    UErrorCode e = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &e);
    return (sc == USCRIPT_HANGUL || sc == USCRIPT_THAI || sc == USCRIPT_LAO ||
            sc == USCRIPT_KHMER || sc == USCRIPT_MYANMAR) &&
           u_hasBinaryProperty(c, UCHAR_ALPHABETIC);
}

/* Code points that belong to the character before them. */
static bool is_extender(UChar32 c)
{
    if (c < 0x300)
        return false;
    if (c == 0xFF9E || c == 0xFF9F)           /* halfwidth (semi-)voiced sound marks */
        return true;
    if ((c >= 0x1160 && c <= 0x11FF) || (c >= 0xD7B0 && c <= 0xD7FF)) /* jamo V, T */
        return true;
    int8_t t = u_charType(c);
    return t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK;
}

/* End (UTF-16 index) of the character starting at i, marks included. */
static int32_t char_end(const tk *k, int32_t i, int32_t lim)
{
    UChar32 c;
    U16_NEXT(k->u, i, lim, c);
    (void)c;
    while (i < lim) {
        int32_t j = i;
        U16_NEXT(k->u, j, lim, c);
        if (!is_extender(c))
            break;
        i = j;
    }
    return i;
}

/* Drops Mn marks on Latin, Greek and Cyrillic letters in s[0..n); returns
 * the new length. */
static int32_t strip_marks(UChar *s, int32_t n)
{
    int32_t i = 0, o = 0;
    UScriptCode base = USCRIPT_COMMON;
    while (i < n) {
        UChar32 c;
        U16_NEXT(s, i, n, c);
        int8_t t = u_charType(c);
        if (t == U_NON_SPACING_MARK) {
            if (base == USCRIPT_LATIN || base == USCRIPT_GREEK || base == USCRIPT_CYRILLIC)
                continue;
        } else if (t != U_COMBINING_SPACING_MARK && t != U_ENCLOSING_MARK) {
            UErrorCode e = U_ZERO_ERROR;
            base = c < 0x80 ? USCRIPT_COMMON : uscript_getScript(c, &e);
            if (c < 0x80 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
                base = USCRIPT_LATIN;
            if (c == 0x111)
                c = 'd';
            else if (c == 0x142)
                c = 'l';
            else if (c == 0xF8)
                c = 'o';
        }
        U16_APPEND_UNSAFE(s, o, c); /* o <= i: never overtakes the reading */
    }
    return o;
}

/* English plural to singular, in place, for words of ASCII letters only:
 * -ies -> -y (dynasties), -sses/-xes/-zzes/-ches/-shes -> drop -es (glasses,
 * boxes, dishes), other -s -> drop -s (vases, bowls, plates). Words shorter
 * than 4 letters and words in -ss, -us, -is are left alone. */
static size_t stem(char *w, size_t n)
{
    if (n < 4 || w[n - 1] != 's')
        return n;
    for (size_t i = 0; i < n; i++)
        if (w[i] < 'a' || w[i] > 'z')
            return n;
    char p = w[n - 2];
    if (p == 's' || p == 'u' || p == 'i')
        return n;
    if (n > 4 && memcmp(w + n - 3, "ies", 3) == 0) {
        w[n - 3] = 'y';
        return n - 2;
    }
    if (p == 'e' && n > 4) {
        const char *t = w + n - 4; /* the two letters before "es" */
        if ((t[0] == 's' && t[1] == 's') || t[1] == 'x' || (t[0] == 'z' && t[1] == 'z') ||
            (t[0] == 'c' && t[1] == 'h') || (t[0] == 's' && t[1] == 'h'))
            return n - 2;
    }
    return n - 1;
}

/* Cuts n bytes of UTF-8 at s to at most max on a code point boundary. */
static size_t cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* True for the characters NFKC_Casefold leaves as they are among the
 * common CJK ones: hiragana and katakana letters, the unified ideographs
 * of the BMP (test_tokenize checks every one against ICU). */
static bool nfkc_cf_stable(UChar c)
{
    return (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA) ||
           (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF);
}

/* Folds u[i..j) into k->out (UTF-8); cjk: also Traditional -> Simplified
 * and katakana -> hiragana. Returns the length (0 when nothing is left), or
 * -1 when ICU fails. *whole is false when the word was truncated. */
static int32_t fold(tk *k, int32_t i, int32_t j, bool cjk, bool *whole)
{
    const UChar *s = k->u + i;
    int32_t n = j - i;
    *whole = true;
    if (n > SRC_MAX) {
        n = SRC_MAX;
        if (U16_IS_LEAD(s[n - 1]))
            n--;
        *whole = false;
    }
    bool ascii = true;
    for (int32_t x = 0; x < n && ascii; x++)
        ascii = s[x] < 0x80;
    if (ascii) {
        for (int32_t x = 0; x < n; x++) {
            char c = (char)s[x];
            k->out[x] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        }
        return n;
    }
    UErrorCode e = U_ZERO_ERROR;
    const UNormalizer2 *cf = unorm2_getNFKCCasefoldInstance(&e);
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&e);
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&e);
    int32_t m;
    if (cjk && n == 1 && nfkc_cf_stable(s[0])) {
        k->nb1[0] = s[0]; /* most CJK characters: normalizing costs more than the rest */
        m = 1;
    } else {
        m = U_SUCCESS(e) ? unorm2_normalize(cf, s, n, k->nb1, NBUF, &e) : 0;
        if (U_FAILURE(e))
            return -1;
    }
    bool high = false;
    for (int32_t x = 0; x < m && !high; x++)
        high = k->nb1[x] >= 0xC0;
    UChar *r = k->nb1;
    if (high && !cjk) {
        int32_t d = unorm2_normalize(nfd, k->nb1, m, k->nb2, NBUF, &e);
        if (U_FAILURE(e))
            return -1;
        d = strip_marks(k->nb2, d);
        m = unorm2_normalize(nfc, k->nb2, d, k->nb1, NBUF, &e);
        if (U_FAILURE(e))
            return -1;
    }
    size_t o = 0;
    for (int32_t x = 0; x < m;) {
        UChar32 c;
        U16_NEXT(r, x, m, c);
        if (cjk) {
            if ((c >= 0x30A1 && c <= 0x30F6) || c == 0x30FD || c == 0x30FE)
                c -= 0x60;
            else if (c >= 0x3400) {
                UErrorCode se = U_ZERO_ERROR;
                /* variant, then simplified, then the variant of that: a
                 * class of variants and the transliterator's pairs agree */
                if (uscript_getScript(c, &se) == USCRIPT_HAN)
                    c = unvariant(simplify(unvariant(c)));
            }
        }
        if (c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0xFF07)
            c = '\''; /* one apostrophe: Buddha’s is Buddha's */
        if (c < 0x80) {
            k->out[o++] = (char)c;
        } else if (c < 0x800) {
            k->out[o++] = (char)(0xC0 | (c >> 6));
            k->out[o++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            k->out[o++] = (char)(0xE0 | (c >> 12));
            k->out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            k->out[o++] = (char)(0x80 | (c & 0x3F));
        } else {
            k->out[o++] = (char)(0xF0 | (c >> 18));
            k->out[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
            k->out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            k->out[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    return (int32_t)o;
}

static void emit(tk *k, const char *s, size_t n, uint32_t pos, int32_t i, int32_t j, uint8_t kind)
{
    if (k->stop || n == 0)
        return;
    vcm_token t = {.text = s, .len = n, .pos = pos, .kind = kind,
                   .start = (uint32_t)k->off[i], .end = (uint32_t)k->off[j]};
    assert(t.start < t.end && n <= VCM_TOK_MAX_LEN);
    if (k->fn(&t, k->ud) != 0)
        k->stop = true;
}

/* One character u[i..j) of a CJK or Hangul run, at position pos: its
 * bigram with the previous character, then its unigram. */
static void run_char(tk *k, int32_t i, int32_t j, uint32_t pos)
{
    bool whole;
    int32_t m = fold(k, i, j, true, &whole);
    if (m < 0) {
        k->fail = k->stop = true;
        return;
    }
    size_t n = cut(k->out, (size_t)m, VCM_TOK_MAX_LEN);
    if (n == 0) {
        k->have_prev = false;
        return;
    }
    if (k->have_prev) {
        memcpy(k->pair, k->prev, k->prev_len);
        memcpy(k->pair + k->prev_len, k->out, n);
        size_t pn = cut(k->pair, k->prev_len + n, VCM_TOK_MAX_LEN);
        vcm_token t = {.text = k->pair, .len = pn, .pos = pos - 1, .kind = VCM_TOK_CJK_BI,
                       .start = k->prev_start, .end = (uint32_t)k->off[j]};
        if (!k->stop && k->fn(&t, k->ud) != 0)
            k->stop = true;
    }
    emit(k, k->out, n, pos, i, j, VCM_TOK_CJK_UNI);
    memcpy(k->prev, k->out, n);
    k->prev_len = n;
    k->prev_start = (uint32_t)k->off[i];
    k->have_prev = true;
}

/* A word u[i..j), and the n-grams of its Hangul. */
static void word(tk *k, int32_t i, int32_t j)
{
    bool whole;
    int32_t m = fold(k, i, j, false, &whole);
    if (m < 0) {
        k->fail = k->stop = true;
        return;
    }
    size_t n = (size_t)m;
    /* The English possessive: Buddha's is Buddha (apostrophes are one by now). */
    if (whole && n > 2 && k->out[n - 1] == 's' && k->out[n - 2] == '\'')
        n -= 2;
    if ((k->flags & VCM_TOK_STEM) && whole && n <= VCM_TOK_MAX_LEN)
        n = stem(k->out, n);
    n = cut(k->out, n, VCM_TOK_MAX_LEN);
    if (n == 0)
        return;
    uint32_t pos = k->pos, h = 0;
    emit(k, k->out, n, pos, i, j, VCM_TOK_WORD);
    k->have_prev = false;
    for (int32_t x = i; x < j && !k->stop;) {
        UChar32 c;
        U16_GET(k->u, 0, x, j, c);
        if (!is_hangul(c)) {
            k->have_prev = false;
            x += U16_LENGTH(c);
            continue;
        }
        int32_t y = char_end(k, x, j);
        run_char(k, x, y, pos + h);
        h++;
        x = y;
    }
    k->have_prev = false;
    k->pos += h ? h : 1;
}

static bool has_alnum(const tk *k, int32_t i, int32_t j)
{
    while (i < j) {
        UChar32 c;
        U16_NEXT(k->u, i, j, c);
        if (c < 0x80 ? ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9')
                     : u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || u_isdigit(c))
            return true;
    }
    return false;
}

/* One break segment u[s..e) with ICU rule status st. */
static void segment(tk *k, int32_t s, int32_t e, int32_t st)
{
    int32_t i = s;
    while (i < e && !k->stop) {
        UChar32 c;
        U16_GET(k->u, 0, i, e, c);
        if (is_cjk(c)) {
            int32_t j = char_end(k, i, e);
            run_char(k, i, j, k->pos);
            k->pos++;
            i = j;
            continue;
        }
        k->have_prev = false; /* anything else ends a CJK run */
        int32_t j = i;
        while (j < e) {
            U16_GET(k->u, 0, j, e, c);
            if (is_cjk(c))
                break;
            j += U16_LENGTH(c);
        }
        if (st >= UBRK_WORD_NONE_LIMIT && has_alnum(k, i, j))
            word(k, i, j);
        i = j;
    }
}

/* True when ICU ends a run of CJK characters at c, beside it: ASCII but
 * "_", spaces and punctuation but the connectors (ExtendNumLet); not a
 * character its dictionary takes with the run (Han or hiragana, or a
 * katakana for word breaking, as U+30A0 and U+3031). */
static bool apart(UChar32 c)
{
    if (c < 0x80)
        return c != '_';
    UErrorCode e = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &e);
    if (sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA ||
        u_getIntPropertyValue(c, UCHAR_WORD_BREAK) == U_WB_KATAKANA)
        return false;
    switch (u_charType(c)) {
    case U_SPACE_SEPARATOR:
    case U_OTHER_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_DASH_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
        return true;
    default:
        return false;
    }
}

/* The first run of CJK characters at or after u[i] that ICU would cut
 * alone, apart() before and after it: [*b, *e), or both k->n. */
static void next_run(const tk *k, int32_t i, int32_t *b, int32_t *e)
{
    while (i < k->n) {
        int32_t s = i;
        UChar32 c;
        U16_NEXT(k->u, i, k->n, c);
        if (!is_cjk(c))
            continue;
        int32_t t = i;
        while (t < k->n) {
            int32_t x = t;
            U16_NEXT(k->u, x, k->n, c);
            if (!is_cjk(c))
                break;
            t = x;
        }
        bool ok = true;
        if (s > 0) {
            int32_t x = s;
            U16_PREV(k->u, 0, x, c);
            ok = apart(c);
        }
        if (ok && t < k->n) {
            int32_t x = t;
            U16_NEXT(k->u, x, k->n, c);
            ok = apart(c);
        }
        if (ok) {
            *b = s;
            *e = t;
            return;
        }
        i = t;
    }
    *b = *e = k->n;
}

int vcm_tokenize(const char *text, size_t len, int flags, vcm_token_fn fn, void *ud)
{
    int rc = -1;
    tk *k = NULL;
    UChar *u = NULL;
    int32_t *off = NULL;
    UBreakIterator *brk = NULL;
    if (len > VCM_TOK_MAX_INPUT || (len > 0 && !text))
        goto out;
    if (len == 0) {
        rc = 0;
        goto out;
    }
    if (vcm_utf8_check(text, len) != len)
        goto out;
    k = malloc(sizeof *k);
    u = malloc((len + 1) * sizeof *u);
    off = malloc((len + 1) * sizeof *off);
    if (!k || !u || !off)
        goto out;
    int32_t n = 0;
    for (size_t b = 0; b < len;) {
        unsigned cp;
        size_t l = vcm_utf8_decode(text + b, len - b, &cp);
        off[n] = (int32_t)b;
        if (cp >= 0x10000)
            off[n + 1] = (int32_t)b;
        U16_APPEND_UNSAFE(u, n, (UChar32)cp);
        b += l;
    }
    off[n] = (int32_t)len;
    /* Field by field: the struct's buffers (56 KB) need no clearing. */
    k->u = u;
    k->off = off;
    k->n = n;
    k->flags = flags;
    k->fn = fn;
    k->ud = ud;
    k->pos = 0;
    k->stop = k->fail = false;
    k->have_prev = false;
    k->prev_len = 0;
    k->prev_start = 0;

    /* Take the thread's iterator out of the cache while it is in use, so that
     * a callback that tokenizes (re-entrance) opens its own. */
    UErrorCode e = U_ZERO_ERROR;
    brk = tl_brk;
    tl_brk = NULL;
    if (!brk) {
        brk = ubrk_open(UBRK_WORD, "", NULL, 0, &e);
        if (U_FAILURE(e)) {
            brk = NULL;
            goto out;
        }
    }
    /* ICU cuts runs of CJK characters into words by its dictionary, which
     * segment() does not use (it takes them character by character), and
     * that is most of its time on such text: those runs skip it, and ICU
     * sees the pieces between them that hold a letter or a digit. */
    for (int32_t at = 0; at < n && !k->stop;) {
        int32_t b, c;
        next_run(k, at, &b, &c);
        if (b > at && !has_alnum(k, at, b)) {
            k->have_prev = false; /* spaces, punctuation: no word, a run ends */
        } else if (b > at) {
            ubrk_setText(brk, u + at, b - at, &e);
            if (U_FAILURE(e))
                goto out;
            for (int32_t s = ubrk_first(brk), t = ubrk_next(brk); t != UBRK_DONE && !k->stop;
                 s = t, t = ubrk_next(brk))
                segment(k, at + s, at + t, ubrk_getRuleStatus(brk));
        }
        if (c > b)
            segment(k, b, c, 0);
        at = c;
    }
    rc = k->fail ? -1 : 0;
out:
    if (brk) {
        /* do not leave the iterator pointing at freed text */
        UErrorCode e2 = U_ZERO_ERROR;
        static const UChar none[1] = {0};
        ubrk_setText(brk, none, 0, &e2);
        if (!tl_brk && U_SUCCESS(e2)) {
            tl_brk = brk;
            tl_remember();
        }
        else
            ubrk_close(brk);
    }
    free(k);
    free(u);
    free(off);
    return rc;
}

struct keyctx {
    char *out;
    size_t cap, len;
    size_t word_at;               /* where the last word's text began in out */
    uint32_t word_start, word_end; /* its bytes in the input; end 0 = none */
};

/* Words and CJK characters in text order. A Hangul word arrives before its
 * characters (same bytes): the characters replace it, as in an index the
 * characters are what a query meets. */
static int key_token(const vcm_token *t, void *ud)
{
    struct keyctx *k = ud;
    if (t->kind == VCM_TOK_CJK_BI)
        return 0;
    if (t->kind == VCM_TOK_CJK_UNI && k->word_end && t->start >= k->word_start &&
        t->start < k->word_end) {
        k->len = k->word_at;
        k->word_end = 0;
    }
    size_t sep = k->len ? 1 : 0;
    if (k->len + sep + t->len + 1 > k->cap)
        return 1;
    if (t->kind == VCM_TOK_WORD) {
        k->word_at = k->len;
        k->word_start = t->start;
        k->word_end = t->end;
    }
    if (sep)
        k->out[k->len++] = ' ';
    memcpy(k->out + k->len, t->text, t->len);
    k->len += t->len;
    return 0;
}

int vcm_tokenize_key(const char *text, size_t len, int flags, char *out, size_t cap)
{
    if (!cap)
        return -1;
    struct keyctx k = {out, cap, 0, 0, 0, 0};
    int rc = vcm_tokenize(text, len, flags, key_token, &k);
    out[k.len] = 0;
    return rc < 0 ? -1 : (int)k.len;
}
