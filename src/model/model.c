#include "model/model.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "core/banned.h"

int vcm_ltexts_add(vcm_ltexts *t, vcm_arena *a, const char *lang, const char *text)
{
    vcm_ltext *v = vcm_arena_alloc(a, (t->n + 1) * sizeof *v);
    if (!v)
        return -1;
    if (t->n)
        memcpy(v, t->v, t->n * sizeof *v);
    v[t->n] = (vcm_ltext){.lang = lang, .text = text};
    t->v = v;
    t->n++;
    return 0;
}

static bool lang_matches(const char *tag, const char *lang)
{
    size_t n = strlen(lang);
    return strncmp(tag, lang, n) == 0 && (tag[n] == '\0' || tag[n] == '-');
}

const vcm_ltext *vcm_ltexts_pick(const vcm_ltexts *t, const char *lang)
{
    if (!t->n)
        return NULL;
    if (lang)
        for (size_t i = 0; i < t->n; i++)
            if (lang_matches(t->v[i].lang, lang))
                return &t->v[i];
    for (size_t i = 0; i < t->n; i++)
        if (lang_matches(t->v[i].lang, "en"))
            return &t->v[i];
    return &t->v[0];
}

const char *vcm_region_name(vcm_region r)
{
    return r == VCM_REGION_ASIA ? "asia" : r == VCM_REGION_EUROPE ? "europe" : "other";
}

int vcm_region_parse(const char *s, vcm_region *out)
{
    if (strcasecmp(s, "asia") == 0)
        *out = VCM_REGION_ASIA;
    else if (strcasecmp(s, "europe") == 0)
        *out = VCM_REGION_EUROPE;
    else if (strcasecmp(s, "other") == 0)
        *out = VCM_REGION_OTHER;
    else
        return -1;
    return 0;
}

const char *vcm_status_name(vcm_status s)
{
    return s == VCM_DRAFT ? "draft" : s == VCM_PUBLISHED ? "published" : "withdrawn";
}

int vcm_status_parse(const char *s, vcm_status *out)
{
    if (strcmp(s, "draft") == 0)
        *out = VCM_DRAFT;
    else if (strcmp(s, "published") == 0)
        *out = VCM_PUBLISHED;
    else if (strcmp(s, "withdrawn") == 0)
        *out = VCM_WITHDRAWN;
    else
        return -1;
    return 0;
}

int vcm_century(int32_t year)
{
    if (year == VCM_NO_YEAR)
        return 0;
    if (year > 0)
        return (year - 1) / 100 + 1;
    /* Year 0 does not exist in the historians' count; sources that write it
     * mean 1 BCE. */
    int32_t bce = year == 0 ? 1 : -year;
    return -((bce - 1) / 100 + 1);
}

void vcm_century_label(int century, char *buf, size_t size)
{
    int n = century < 0 ? -century : century;
    const char *suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th"
                         : n % 10 == 1                    ? "st"
                         : n % 10 == 2                    ? "nd"
                         : n % 10 == 3                    ? "rd"
                                                          : "th";
    snprintf(buf, size, "%d%s century%s", n, suffix, century < 0 ? " BCE" : "");
}

bool vcm_lang_valid(const char *tag)
{
    if (!tag)
        return false;
    const char *p = tag;
    size_t n = 0;
    while (isalpha((unsigned char)p[n]))
        n++;
    if (n < 2 || n > 3)
        return false;
    p += n;
    while (*p == '-') {
        p++;
        n = 0;
        while (isalnum((unsigned char)p[n]))
            n++;
        if (n < 1 || n > 8)
            return false;
        p += n;
    }
    return *p == '\0' && strlen(tag) <= 35;
}

const char *vcm_lang_guess(const char *text)
{
    size_t han = 0, kana = 0, hangul = 0, thai = 0, latin = 0, other = 0;
    size_t n = strlen(text);
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t l = vcm_utf8_decode(text + i, n - i, &cp);
        if (!l)
            break;
        i += l;
        if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
            (cp >= 0x20000 && cp <= 0x2FFFF) || (cp >= 0xF900 && cp <= 0xFAFF))
            han++;
        else if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF))
            kana++;
        else if ((cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF) ||
                 (cp >= 0x3130 && cp <= 0x318F))
            hangul++;
        else if (cp >= 0x0E00 && cp <= 0x0E7F)
            thai++;
        else if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
                 (cp >= 0xC0 && cp <= 0x24F))
            latin++;
        else if (cp > 0x7F)
            other++;
    }
    if (hangul && hangul >= han / 2)
        return "ko";
    if (kana)
        return "ja";
    if (han)
        return "zh";
    if (thai)
        return "th";
    if (latin && !other)
        return "en";
    return "und";
}

static bool blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

static bool http_url(const char *s)
{
    return !s || !*s || strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* Names have one value per language (the store keys them so); an object's
 * texts may have two different ones, a source's original and its
 * translation, never the same one twice in one language. */
static int check_ltexts(const vcm_ltexts *t, const char *field, bool one_per_lang, char *err,
                        size_t errlen)
{
    for (size_t i = 0; i < t->n; i++) {
        if (!vcm_lang_valid(t->v[i].lang)) {
            snprintf(err, errlen, "%s: '%s' is not a language tag (BCP 47, e.g. en, zh-Hant)",
                     field, t->v[i].lang ? t->v[i].lang : "");
            return -1;
        }
        for (size_t k = 0; k < i; k++) {
            if (one_per_lang && strcmp(t->v[k].lang, t->v[i].lang) == 0) {
                snprintf(err, errlen, "%s: two values in language '%s'", field, t->v[i].lang);
                return -1;
            }
            if (!one_per_lang && strcmp(t->v[k].lang, t->v[i].lang) == 0 &&
                strcmp(t->v[k].text, t->v[i].text) == 0) {
                snprintf(err, errlen, "%s: the same text twice in language '%s'", field,
                         t->v[i].lang);
                return -1;
            }
        }
    }
    return 0;
}

static bool country_code(const char *c)
{
    return strlen(c) == 2 && isupper((unsigned char)c[0]) && isupper((unsigned char)c[1]);
}

int vcm_country_validate(const vcm_country *c, char *err, size_t errlen)
{
    if (!country_code(c->code)) {
        snprintf(err, errlen, "country code '%s' is not ISO 3166-1 alpha-2 (two capitals)",
                 c->code);
        return -1;
    }
    if (c->asem_since && (c->asem_since < 1996 || c->asem_since > VCM_YEAR_MAX)) {
        snprintf(err, errlen, "ASEM partner since %d: ASEM began in 1996", c->asem_since);
        return -1;
    }
    return check_ltexts(&c->names, "country name", true, err, errlen);
}

static bool id_ok(int64_t id)
{
    return id >= 0 && id <= VCM_ID_MAX;
}

/* Values the store indexes (a museum's names, an object's source id and
 * classification) are bounded: PostgreSQL refuses a B-tree entry over
 * about 2,700 bytes, where SQLite takes any length, so without a bound the
 * two backends would keep different data for the same input. */
static bool key_len_ok(const char *s)
{
    return !s || strlen(s) <= VCM_KEY_MAX;
}

int vcm_museum_validate(const vcm_museum *m, char *err, size_t errlen)
{
    if (!id_ok(m->id)) {
        snprintf(err, errlen, "museum: id %lld is outside 1..%lld", (long long)m->id,
                 (long long)VCM_ID_MAX);
        return -1;
    }
    if (!m->names.n || blank(m->names.v[0].text)) {
        snprintf(err, errlen, "museum: a name is required");
        return -1;
    }
    for (size_t i = 0; i < m->names.n; i++)
        if (!key_len_ok(m->names.v[i].text)) {
            snprintf(err, errlen, "museum: a name is longer than %d bytes", VCM_KEY_MAX);
            return -1;
        }
    if (!country_code(m->country)) {
        snprintf(err, errlen, "museum: country '%s' is not ISO 3166-1 alpha-2", m->country);
        return -1;
    }
    /* Written so that NaN fails too. */
    if (m->has_coords && !(m->lat >= -90 && m->lat <= 90 && m->lon >= -180 && m->lon <= 180)) {
        snprintf(err, errlen, "museum: coordinates %g,%g are off the globe", m->lat, m->lon);
        return -1;
    }
    if (!http_url(m->website)) {
        snprintf(err, errlen, "museum: website '%s' is not an http(s) URL", m->website);
        return -1;
    }
    return check_ltexts(&m->names, "museum name", true, err, errlen);
}

static bool year_ok(int32_t y)
{
    return y == VCM_NO_YEAR || (y >= VCM_YEAR_MIN && y <= VCM_YEAR_MAX);
}

int vcm_object_validate(const vcm_object *o, char *err, size_t errlen)
{
    if (!o->museum_id) {
        snprintf(err, errlen, "object: no museum");
        return -1;
    }
    return vcm_object_validate_content(o, err, errlen);
}

int vcm_object_validate_content(const vcm_object *o, char *err, size_t errlen)
{
    if (!id_ok(o->id)) {
        snprintf(err, errlen, "object: id %lld is outside 1..%lld", (long long)o->id,
                 (long long)VCM_ID_MAX);
        return -1;
    }
    if (blank(o->source_id)) {
        snprintf(err, errlen, "object: source_id is required");
        return -1;
    }
    if (!key_len_ok(o->source_id) || !key_len_ok(o->classification)) {
        snprintf(err, errlen, "object: %s is longer than %d bytes",
                 key_len_ok(o->source_id) ? "classification" : "source_id", VCM_KEY_MAX);
        return -1;
    }
    if (!year_ok(o->date_start) || !year_ok(o->date_end)) {
        snprintf(err, errlen, "impossible date: years must lie between %d and %d",
                 VCM_YEAR_MIN, VCM_YEAR_MAX);
        return -1;
    }
    if (check_ltexts(&o->title, "title", false, err, errlen) < 0 ||
        check_ltexts(&o->description, "description", false, err, errlen) < 0 ||
        check_ltexts(&o->statement, "statement", false, err, errlen) < 0 ||
        check_ltexts(&o->notes, "note", false, err, errlen) < 0)
        return -1;
    if (!http_url(o->source_url)) {
        snprintf(err, errlen, "source_url '%s' is not an http(s) URL", o->source_url);
        return -1;
    }
    if (o->rights && *o->rights && !http_url(o->rights)) {
        snprintf(err, errlen, "rights '%s' must be a URI", o->rights);
        return -1;
    }
    return 0;
}

void vcm_object_init(vcm_object *o)
{
    memset(o, 0, sizeof *o);
    o->date_start = o->date_end = VCM_NO_YEAR;
    o->status = VCM_PUBLISHED;
}
