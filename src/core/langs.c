/* The interface languages and the pure parts of choosing one (langs.h).
 *
 * Accept-Language (RFC 9110, 12.5.4) is a comma-separated list of language
 * ranges (1*8ALPHA *("-" 1*8alphanum), or "*"), each with an optional
 * weight ";q=" qvalue, qvalue being 0 to 1 with up to three decimals. A
 * range matches a language of the table by its primary subtag, refined for
 * Chinese by script or region (langs.h). The parser reads the value once,
 * left to right, with no allocation and no copy, so any bytes are safe. */
#include "core/langs.h"

#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "core/banned.h"

static const vcm_lang table[] = {
    {"en", "en", "English", false, "AU NZ IE MT GB IN PK PH SG"},
    {"fr", "fr", "Français", false, "FR BE LU CH"},
    {"de", "de", "Deutsch", false, "DE AT BE LU CH"},
    {"nl", "nl", "Nederlands", false, "NL BE"},
    {"it", "it", "Italiano", false, "IT CH"},
    {"es", "es", "Español", false, "ES"},
    {"pt", "pt", "Português", false, "PT"},
    {"sv", "sv", "Svenska", false, "SE FI"},
    {"da", "da", "Dansk", false, "DK"},
    {"fi", "fi", "Suomi", false, "FI"},
    {"nb", "nb", "Norsk bokmål", false, "NO"},
    {"el", "el", "Ελληνικά", false, "GR CY"},
    {"cs", "cs", "Čeština", false, "CZ"},
    {"sk", "sk", "Slovenčina", false, "SK"},
    {"pl", "pl", "Polski", false, "PL"},
    {"hu", "hu", "Magyar", false, "HU"},
    {"et", "et", "Eesti", false, "EE"},
    {"lv", "lv", "Latviešu", false, "LV"},
    {"lt", "lt", "Lietuvių", false, "LT"},
    {"sl", "sl", "Slovenščina", false, "SI"},
    {"hr", "hr", "Hrvatski", false, "HR"},
    {"bg", "bg", "Български", false, "BG"},
    {"ro", "ro", "Română", false, "RO"},
    {"ru", "ru", "Русский", false, "RU KZ"},
    {"zh", "zh-Hans", "中文（简体）", false, "CN SG"},
    {"ja", "ja", "日本語", false, "JP"},
    {"ko", "ko", "한국어", false, "KR"},
    {"th", "th", "ไทย", false, "TH"},
    {"vi", "vi", "Tiếng Việt", false, "VN"},
    {"id", "id", "Bahasa Indonesia", false, "ID"},
    {"ms", "ms", "Bahasa Melayu", false, "MY BN SG"},
    {"km", "km", "ខ្មែរ", false, "KH"},
    {"lo", "lo", "ລາວ", false, "LA"},
    {"my", "my", "မြန်မာ", false, "MM"},
    {"mn", "mn", "Монгол", false, "MN"},
    {"hi", "hi", "हिन्दी", false, "IN"},
    {"ur", "ur", "اردو", true, "PK"},
    {"bn", "bn", "বাংলা", false, "BD"},
};
#define NLANGS (sizeof table / sizeof table[0])

const vcm_lang *vcm_lang_at(size_t i)
{
    return i < NLANGS ? &table[i] : NULL;
}

size_t vcm_lang_count(void)
{
    return NLANGS;
}

const vcm_lang *vcm_lang_by_code(const char *code, size_t len)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < NLANGS; i++)
        if (strlen(table[i].code) == len && memcmp(table[i].code, code, len) == 0)
            return &table[i];
    return NULL;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* Whether s[0..n) equals the lower-case word w, ignoring case. */
static bool word_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

/* Chinese: the subtags after "zh" say which script is meant; a script
 * decides, else a region; with neither it is the simplified script (the
 * usual meaning of a bare "zh" in browsers of mainland China and
 * Singapore). */
static bool zh_is_simplified(const char *s, size_t len)
{
    bool region_trad = false, region_simp = false;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != '-')
            j++;
        const char *p = s + i;
        size_t n = j - i;
        if (word_is(p, n, "hans"))
            return true;
        if (word_is(p, n, "hant"))
            return false;
        if (word_is(p, n, "tw") || word_is(p, n, "hk") || word_is(p, n, "mo"))
            region_trad = true;
        if (word_is(p, n, "cn") || word_is(p, n, "sg") || word_is(p, n, "my"))
            region_simp = true;
        i = j + 1;
    }
    return region_simp || !region_trad;
}

const vcm_lang *vcm_lang_by_tag(const char *tag, size_t len)
{
    if (!tag)
        return NULL;
    /* a well-formed range: 1*8ALPHA *("-" 1*8alphanum) */
    size_t p = 0;
    while (p < len && is_alpha(tag[p]))
        p++;
    if (p == 0 || p > 8)
        return NULL;
    for (size_t i = p; i < len;) {
        if (tag[i] != '-')
            return NULL;
        size_t n = 0;
        while (i + 1 + n < len && is_alnum(tag[i + 1 + n]))
            n++;
        if (n == 0 || n > 8)
            return NULL;
        i += 1 + n;
    }
    if (word_is(tag, p, "zh"))
        return zh_is_simplified(tag + p, len - p) ? vcm_lang_by_code("zh", 2) : NULL;
    if (word_is(tag, p, "no") || word_is(tag, p, "nn"))
        return vcm_lang_by_code("nb", 2);
    char code[VCM_LANG_CODE_MAX];
    if (p >= sizeof code)
        return NULL;
    for (size_t i = 0; i < p; i++)
        code[i] = (char)(tag[i] | 0x20); /* ASCII letters only, checked above */
    return vcm_lang_by_code(code, p);
}


static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* s[*i..end) trimmed of optional white space. */
static void trim(const char *s, size_t *b, size_t *e)
{
    while (*b < *e && is_ows(s[*b]))
        (*b)++;
    while (*e > *b && is_ows(s[*e - 1]))
        (*e)--;
}

const vcm_lang *vcm_lang_accept(const char *value, size_t len)
{
    if (!value)
        return NULL;
    const vcm_lang *best = NULL;
    int best_q = 0;
    size_t i = 0;
    while (i <= len) {
        size_t end = i;
        while (end < len && value[end] != ',')
            end++;
        /* one element: range *( OWS ";" OWS parameter ) */
        size_t rb = i, re = i;
        while (re < end && value[re] != ';')
            re++;
        size_t next = re;
        trim(value, &rb, &re);
        int q = 1000;
        bool bad = false;
        while (next < end && !bad) {
            size_t pb = next + 1, pe = pb;
            while (pe < end && value[pe] != ';')
                pe++;
            next = pe;
            trim(value, &pb, &pe);
            if (pe - pb >= 2 && (value[pb] == 'q' || value[pb] == 'Q') && value[pb + 1] == '=') {
                q = vcm_qvalue(value + pb + 2, pe - pb - 2);
                bad = q < 0;
            } else if (pe > pb) {
                bad = true; /* Accept-Language defines no other parameter */
            }
        }
        if (!bad && q > best_q && re > rb) {
            const vcm_lang *l =
                re - rb == 1 && value[rb] == '*' ? &table[0] : vcm_lang_by_tag(value + rb, re - rb);
            if (l) {
                best = l;
                best_q = q;
            }
        }
        i = end + 1;
    }
    return best;
}

const vcm_lang *vcm_lang_prefix(const char *path, const char **rest)
{
    *rest = path;
    if (!path || path[0] != '/')
        return NULL;
    size_t n = strcspn(path + 1, "/");
    const vcm_lang *l = vcm_lang_by_code(path + 1, n);
    if (!l || l == &table[0])
        return NULL;
    *rest = path[1 + n] ? path + 1 + n : "/";
    return l;
}

bool vcm_lang_path_localized(const char *path)
{
    /* /my/detail/: a detail's IIIF manifest, whose region may or may not
     * hold a dot (pct:10.5,…), so the dot rule below cannot tell */
    static const char *const machine[] = {"/api/",     "/iiif/",       "/oai",
                                          "/static/",  "/feeds/",      "/sitemaps/",
                                          "/linked-art/", "/my/detail/"};
    static const char *const exact[] = {"/api",        "/iiif",    "/sitemap.xml",
                                        "/robots.txt", "/healthz", "/readyz"};
    if (!path || path[0] != '/')
        return false;
    for (size_t i = 0; i < sizeof machine / sizeof machine[0]; i++)
        if (strncmp(path, machine[i], strlen(machine[i])) == 0)
            return false;
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcmp(path, exact[i]) == 0)
            return false;
    /* a file in a format: /objects/3.jsonld, /network/news.atom */
    const char *last = strrchr(path, '/');
    return strchr(last, '.') == NULL;
}
