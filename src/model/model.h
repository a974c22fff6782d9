/* The domain: countries, museums, objects and their media, as plain structs.
 *
 * No SQL and no HTTP here. Strings are borrowed: whoever fills a struct
 * (the store, the importer) owns the memory, normally an arena. Language-
 * tagged values carry a BCP 47 tag ("en", "zh-Hant", "ko"); "und" marks a
 * value whose language is unknown. */
#ifndef VCM_MODEL_H
#define VCM_MODEL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/origin.h"

typedef struct vcm_ltext {
    const char *lang;
    const char *text;
    bool inferred;  /* the tag (or its script) is ours, not the source's */
    bool is_public; /* notes only: shown to visitors */
} vcm_ltext;

typedef struct vcm_ltexts {
    vcm_ltext *v;
    size_t n;
} vcm_ltexts;

/* Appends a value (copies nothing). Returns -1 when the arena is full. */
int vcm_ltexts_add(vcm_ltexts *t, vcm_arena *a, const char *lang, const char *text);
/* The value in lang, else English, else the first; NULL when empty. */
const vcm_ltext *vcm_ltexts_pick(const vcm_ltexts *t, const char *lang);

typedef enum vcm_region { VCM_REGION_OTHER, VCM_REGION_ASIA, VCM_REGION_EUROPE } vcm_region;
const char *vcm_region_name(vcm_region r);      /* "asia", "europe", "other" */
int vcm_region_parse(const char *s, vcm_region *out);

typedef struct vcm_country {
    char code[3];       /* ISO 3166-1 alpha-2, upper case */
    vcm_ltexts names;
    vcm_region region;
    int asem_since;     /* year the country became an ASEM partner; 0 = not one */
    int64_t museums;    /* derived by the store: museums in it */
    int64_t objects;    /* derived by the store: published objects in it */
} vcm_country;

typedef struct vcm_museum {
    int64_t id;
    vcm_ltexts names;
    const char *city;
    char country[3];
    bool has_coords;
    double lat, lon;
    const char *website;
    const char *joined, *left; /* ISO dates or NULL */
    int64_t objects;           /* derived by the store */
} vcm_museum;

/* What a museum page says of a museum beyond vcm_museum: its name in its
 * own script, address, languages (BCP 47 tags separated by spaces, the
 * museum's own first) and a short description. NULL = not given. */
typedef struct vcm_museum_profile {
    const char *name_native, *address, *languages, *description;
} vcm_museum_profile;

typedef enum vcm_status { VCM_DRAFT, VCM_PUBLISHED, VCM_WITHDRAWN } vcm_status;
const char *vcm_status_name(vcm_status s);
int vcm_status_parse(const char *s, vcm_status *out);

/* An image of an object. file is the pyramid the image server reads and
 * original the file as the museum gave it, both relative to the media
 * folder; checksum is the original's SHA-256. */
typedef struct vcm_media {
    int64_t id;
    const char *identifier; /* IIIF identifier: the image's name in /iiif/{identifier} */
    const char *file, *format, *original, *label;
    int width, height;
    const char *checksum, *rights;
    const char *attribution; /* the credit line the image's source asks for */
    int64_t entry_id; /* the masterpiece entry it was uploaded through, or 0 */
    bool held;        /* not public: its entry has not published it (yet, or any more) */
} vcm_media;

/* Where the source says an object's images are published: rel "image" (an
 * image file), "iiif-image" (a IIIF Image API service) or "iiif-manifest". */
typedef struct vcm_link {
    const char *rel, *url;
} vcm_link;

/* An entry of the change log that IIIF Change Discovery publishes. */
typedef struct vcm_activity {
    int64_t id, object_id, time;
    const char *type; /* "Create", "Update", "Delete" */
} vcm_activity;

#define VCM_NO_YEAR INT32_MIN

typedef struct vcm_object {
    int64_t id;
    int64_t museum_id;
    const char *inventory_number;
    vcm_ltexts title, description, statement; /* statement: why a masterpiece */
    /* Cataloguers' remarks found in the source's texts: kept, shown only
     * when is_public. */
    vcm_ltexts notes;
    const char **creators;
    size_t ncreators;
    const char *date_text;
    int32_t date_start, date_end; /* years, negative = BCE; VCM_NO_YEAR = none */
    const char *period, *culture, *classification, *materials, *technique;
    const char *dimensions, *credit_line;
    const char *rights;   /* a URI (Creative Commons or RightsStatements.org) */
    const char *licence;  /* the licence as the source states it */
    const char *source_url;
    vcm_status status;
    int64_t created, updated; /* Unix seconds */
    /* Provenance: where the record came from; (museum, source_id) is unique,
     * so a re-import updates instead of duplicating. */
    const char *source, *source_id, *source_licence;
    vcm_media *media;
    size_t nmedia;
    vcm_link *links; /* images at the museum, kept from the source */
    size_t nlinks;
    /* Filled by the store when listing, for display. */
    const char *museum_name;
    char country[3];
    /* Where the object comes from (model/origin.h), not where it is held:
     * derived by the store from the record when the object is written. */
    vcm_origin origin;
} vcm_object;

/* Earliest and latest years accepted; a date outside is impossible. */
#define VCM_YEAR_MIN (-100000)
#define VCM_YEAR_MAX 2100

/* Ids are whole numbers from 1 to 2^53: the largest a JSON number holds
 * exactly in every reader (JavaScript's Number), and few enough digits for
 * the site's URLs. 0 means "not assigned yet". */
#define VCM_ID_MAX (INT64_C(1) << 53)

/* Century of a year: 1..21 for CE, -1 for 100 BCE–1 BCE, and so on; 0 = none. */
int vcm_century(int32_t year);
/* "17th century", "3rd century BCE" into buf. */
void vcm_century_label(int century, char *buf, size_t size);

/* Checks a BCP 47 tag's shape: 2–3 letter language, optional script and
 * region and variants ("en", "zh-Hant", "ko-Kore-KR", "und"). */
bool vcm_lang_valid(const char *tag);
/* Guesses the language of a text by its script: Hangul → ko, kana → ja,
 * Han → zh, Thai → th, Latin → en, …; "und" when nothing tells. */
const char *vcm_lang_guess(const char *text);

/* The languages a museum in country cc (ISO alpha-2) publishes in, its own
 * first, as BCP 47 tags separated by spaces ("zh-Hant en"); "en" when the
 * table has no entry. Static storage. (model/lang.c) */
const char *vcm_country_languages(const char *cc);
/* The BCP 47 tag of text, with its script where that matters (zh-Hant,
 * zh-Hans, ko-Hani), from the tag the source gives (NULL: none), the text's
 * scripts (ICU) and langs, the museum's languages. *inferred is true when
 * the tag, or part of it, is not the source's. Returns a static string or
 * given itself. */
const char *vcm_lang_infer(const char *text, const char *given, const char *langs,
                           bool *inferred);
/* Where a text in tag goes among an object's texts: English first (0), then
 * the museum's languages in their order, then the rest. */
int vcm_lang_rank(const char *tag, const char *langs);
/* Sorts t by vcm_lang_rank, keeping the source's order within a rank. */
void vcm_ltexts_order(vcm_ltexts *t, const char *langs);
/* Checks a list of tags separated by spaces; 0 or -1. */
int vcm_lang_list_valid(const char *langs);

/* Each returns 0, or -1 with a message in err naming the field. */
/* The longest museum name, source id or classification kept, in bytes. */
#define VCM_KEY_MAX 1000
int vcm_country_validate(const vcm_country *c, char *err, size_t errlen);
int vcm_museum_validate(const vcm_museum *m, char *err, size_t errlen);
int vcm_object_validate(const vcm_object *o, char *err, size_t errlen);
/* vcm_object_validate without the museum, which an importer finds or
 * creates only for a record that passes this. */
int vcm_object_validate_content(const vcm_object *o, char *err, size_t errlen);

void vcm_object_init(vcm_object *o);

/* Museum profiles (model/profile.c). The fields a profile edit may set:
 * name_native, city, country, website, address, lat, lon, coordinates
 * ("LAT,LON"), languages, description. Sets field of m or p to value
 * (copied into a; "" clears it), after checking it: -1 with a message
 * naming the field when the value cannot be one, and nothing changed. */
int vcm_museum_field_set(vcm_museum *m, vcm_museum_profile *p, vcm_arena *a, const char *field,
                         const char *value, char *err, size_t errlen);
/* The names of the fields above, NULL-terminated. */
extern const char *const vcm_museum_fields[];
/* True when a museum named name (as an import created it) is the museum a
 * table names table_name in table_city: the same name once case, ASCII
 * punctuation, a leading "The" and white space are set aside, or that
 * name followed by ", CITY" ("National Palace Museum, Taipei"). Never a
 * guess: a name that only resembles another does not match. */
bool vcm_museum_name_match(const char *name, const char *table_name, const char *table_city);
#endif
