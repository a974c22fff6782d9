/* Origin: where an object comes from (not where the museum that holds it is).
 *
 * An origin is the modern country whose territory holds the place of making
 * (ISO 3166-1 alpha-2, empty when no single country can be named), a region
 * (East Asia, South Asia, … Europe, the Americas), the historical culture or
 * dynasty ("period:ming", "place:kashgar", or the museum's own culture text
 * when the thesaurus has no name for it) and the rule that derived it, kept
 * with the record so that a visitor and a cataloguer can see why.
 *
 * vcm_origin_derive reads outside text only (the record's culture, artist,
 * title and description) and the thesaurus built into the program
 * (thesaurus/places.tsv with its `country` and `area` columns,
 * thesaurus/periods.tsv with `country`); it is pure and fuzzed
 * (fuzz/origin.c). The rules, in order (docs/internals/origin.md):
 *   culture:place        the culture names a place, people or nationality
 *   culture:period       it names only a period or dynasty ("Mughal")
 *   culture:birthplace   "artist born in Sayda, Al-Lubnan" (Tate)
 *   culture:mixed        several countries; only a shared region is kept
 *   culture:title-place  several countries, and the title names the place
 *   artist-nationality   "Ding Yunpeng (Chinese, 1547–ca. 1628)", "unknown Chinese"
 *   title-script         kana: Japan; Hangul: Korea; Han alone: China
 *   museum-text          a place named in the description or title
 * and "" when nothing tells. */
#ifndef VCM_MODEL_ORIGIN_H
#define VCM_MODEL_ORIGIN_H
#include <stdbool.h>
#include <stddef.h>

typedef enum vcm_origin_region {
    VCM_ORIGIN_NONE = 0,
    VCM_ORIGIN_EAST_ASIA,
    VCM_ORIGIN_SOUTH_ASIA,
    VCM_ORIGIN_SOUTHEAST_ASIA,
    VCM_ORIGIN_CENTRAL_ASIA,
    VCM_ORIGIN_WEST_ASIA,
    VCM_ORIGIN_EUROPE,
    VCM_ORIGIN_AFRICA,
    VCM_ORIGIN_AMERICAS,
    VCM_ORIGIN_OCEANIA,
    VCM_ORIGIN_NREGIONS
} vcm_origin_region;

/* "east-asia", …; "" for VCM_ORIGIN_NONE. */
const char *vcm_origin_region_slug(vcm_origin_region r);
/* The region of a slug; VCM_ORIGIN_NONE when s is not one. */
vcm_origin_region vcm_origin_region_parse(const char *s);

#define VCM_ORIGIN_CULTURE_MAX 128
#define VCM_ORIGIN_RULE_MAX 32

typedef struct vcm_origin {
    char country[3];
    vcm_origin_region region;
    char culture[VCM_ORIGIN_CULTURE_MAX];
    char rule[VCM_ORIGIN_RULE_MAX];
} vcm_origin;

/* The texts of a record the origin is read from; any may be NULL. */
typedef struct vcm_origin_source {
    const char *culture, *artist, *title, *description;
} vcm_origin_source;

/* Fills out (zeroed when nothing tells). Returns 0, or -1 when the built-in
 * thesaurus cannot be read (out is then zeroed), which a test rules out. */
int vcm_origin_derive(const vcm_origin_source *src, vcm_origin *out);

/* The English name of an origin's culture ("Ming", "Kashgar", or the text
 * itself); NULL for NULL or "". */
const char *vcm_origin_culture_label(const char *culture);
/* The English name the thesaurus gives a country of origin ("Korea" for KR,
 * where a modern name would misname a Goryeo bowl); NULL when it has none. */
const char *vcm_origin_country_label(const char *code);
/* The region of a country as the thesaurus places it; NONE when unknown. */
vcm_origin_region vcm_origin_country_region(const char *code);
#endif
