/* Museum profiles: checking each field a curator may set, and telling
 * whether a row of a table of museums is a museum already held. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "model/country.h"
#include "model/model.h"
#include "core/banned.h"

const char *const vcm_museum_fields[] = {"name_native", "city",      "country",   "website",
                                         "address",     "lat",       "lon",       "coordinates",
                                         "languages",   "description", NULL};

/* Longest value of a free-text field, in bytes. */
#define TEXT_MAX 4000

static int number(const char *field, const char *v, double lo, double hi, double *out, char *err,
                  size_t errlen)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    while (*end == ' ')
        end++;
    if (!*v || *end || errno || !(d >= lo && d <= hi)) {
        snprintf(err, errlen, "%s: '%s' is not a number from %g to %g", field, v, lo, hi);
        return -1;
    }
    *out = d;
    return 0;
}

static bool has_control(const char *v, bool multiline)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if ((*p < 0x20 && !(multiline && *p == '\n')) || *p == 0x7F)
            return true;
    return false;
}

static int website(const char *v, char *err, size_t errlen)
{
    size_t scheme = strncmp(v, "https://", 8) == 0 ? 8 : strncmp(v, "http://", 7) == 0 ? 7 : 0;
    if (!scheme || !v[scheme] || v[scheme] == '/' || strlen(v) > 2048) {
        snprintf(err, errlen, "website: '%s' is not an http(s) URL", v);
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p <= 0x20 || *p == 0x7F || *p == '"' || *p == '<' || *p == '>') {
            snprintf(err, errlen, "website: '%s' holds a space or a character a URL cannot", v);
            return -1;
        }
    return 0;
}

int vcm_museum_field_set(vcm_museum *m, vcm_museum_profile *p, vcm_arena *a, const char *field,
                         const char *value, char *err, size_t errlen)
{
    const char *v = value ? value : "";
    size_t n = strlen(v);
    if (vcm_utf8_check(v, n) != n) {
        snprintf(err, errlen, "%s: not valid UTF-8", field);
        return -1;
    }
    bool multiline = strcmp(field, "description") == 0 || strcmp(field, "address") == 0;
    if (has_control(v, multiline)) {
        snprintf(err, errlen, "%s: holds a control character", field);
        return -1;
    }
    if (n > TEXT_MAX) {
        snprintf(err, errlen, "%s: longer than %d bytes", field, TEXT_MAX);
        return -1;
    }
    const char *copy = n ? vcm_arena_strdup(a, v) : NULL;
    if (n && !copy) {
        snprintf(err, errlen, "%s: out of memory", field);
        return -1;
    }
    if (strcmp(field, "name_native") == 0) {
        p->name_native = copy;
    } else if (strcmp(field, "city") == 0) {
        m->city = copy;
    } else if (strcmp(field, "address") == 0) {
        p->address = copy;
    } else if (strcmp(field, "description") == 0) {
        p->description = copy;
    } else if (strcmp(field, "website") == 0) {
        if (n && website(v, err, errlen) < 0)
            return -1;
        m->website = copy;
    } else if (strcmp(field, "country") == 0) {
        vcm_country c;
        char code[3] = {0};
        if (n == 2) {
            code[0] = (char)toupper((unsigned char)v[0]);
            code[1] = (char)toupper((unsigned char)v[1]);
        }
        if (n != 2 || vcm_country_from_code(&c, a, code) < 0) {
            snprintf(err, errlen, "country: '%s' is not an ISO 3166-1 alpha-2 code", v);
            return -1;
        }
        memcpy(m->country, code, 3);
    } else if (strcmp(field, "languages") == 0) {
        if (n && vcm_lang_list_valid(v) < 0) {
            snprintf(err, errlen,
                     "languages: '%s' is not a list of language tags separated by spaces "
                     "(BCP 47, e.g. \"zh-Hant en\")",
                     v);
            return -1;
        }
        p->languages = copy;
    } else if (strcmp(field, "lat") == 0 || strcmp(field, "lon") == 0) {
        bool lat = field[1] == 'a';
        double d = 0;
        if (!n) {
            m->has_coords = false;
            return 0;
        }
        if (number(field, v, lat ? -90 : -180, lat ? 90 : 180, &d, err, errlen) < 0)
            return -1;
        if (!m->has_coords)
            m->lat = m->lon = 0;
        *(lat ? &m->lat : &m->lon) = d;
        m->has_coords = true;
    } else if (strcmp(field, "coordinates") == 0) {
        if (!n) {
            m->has_coords = false;
            return 0;
        }
        const char *comma = strchr(v, ',');
        char la[64];
        double lat, lon;
        if (!comma || (size_t)(comma - v) >= sizeof la) {
            snprintf(err, errlen, "coordinates: '%s' is not LAT,LON", v);
            return -1;
        }
        memcpy(la, v, (size_t)(comma - v));
        la[comma - v] = '\0';
        if (number("coordinates (latitude)", la, -90, 90, &lat, err, errlen) < 0 ||
            number("coordinates (longitude)", comma + 1 + strspn(comma + 1, " "), -180, 180,
                   &lon, err, errlen) < 0)
            return -1;
        m->lat = lat;
        m->lon = lon;
        m->has_coords = true;
    } else {
        snprintf(err, errlen, "'%s' is not a field of a museum (one of name_native, city, country, "
                              "website, address, lat, lon, coordinates, languages, description)",
                 field);
        return -1;
    }
    return 0;
}

/* name folded for comparison into out: ASCII letters lower-cased, any run
 * of other ASCII characters one space, a leading "the " dropped; other
 * characters (CJK, accented letters) kept as they are. */
static void fold_name(const char *s, char *out, size_t size)
{
    size_t k = 0;
    bool space = true;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 2 < size; p++) {
        if (*p >= 0x80 || isalnum(*p)) {
            out[k++] = (char)tolower(*p);
            space = false;
        } else if (!space) {
            out[k++] = ' ';
            space = true;
        }
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
    if (strncmp(out, "the ", 4) == 0)
        memmove(out, out + 4, k - 3);
}

bool vcm_museum_name_match(const char *name, const char *table_name, const char *table_city)
{
    char a[1024], b[1024];
    if (!name || !table_name || !*table_name)
        return false;
    fold_name(name, a, sizeof a);
    fold_name(table_name, b, sizeof b);
    if (!*a || !*b)
        return false;
    if (strcmp(a, b) == 0)
        return true;
    if (!table_city || !*table_city)
        return false;
    char withcity[1024];
    snprintf(withcity, sizeof withcity, "%s, %s", table_name, table_city);
    fold_name(withcity, b, sizeof b);
    return strcmp(a, b) == 0;
}
