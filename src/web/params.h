/* Query parameters: one table says, for every parameter a URL of the site
 * or the API takes, its name, its kind (text, id, enum, integer range,
 * years, boolean, cursor, page…), its bounds and the routes that take it;
 * one parser reads a query string through it into one vcm_params, which
 * browse, search, the API and the IIIF collections all filter with.
 *
 * The parser is pure (query string in, parameters and errors out) and
 * fuzzed (fuzz/params.c). It never stops at the first problem: every
 * unknown, repeated, undecodable or malformed parameter is listed, and left
 * out of the result. What the caller does with the list depends on who
 * reads the answer: the API refuses the request (400, a problem document
 * naming the parameter), a page shows what the others allow and a note
 * per parameter left out (vcm_web_params). See docs/internals/params.md. */
#ifndef VCM_WEB_PARAMS_H
#define VCM_WEB_PARAMS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

/* The routes that read parameters, one bit each. */
enum {
    VCM_ROUTE_BROWSE = 1u << 0,        /* /browse */
    VCM_ROUTE_SEARCH = 1u << 1,        /* /search */
    VCM_ROUTE_API_SEARCH = 1u << 2,    /* /api/v1/search */
    VCM_ROUTE_API_SUGGEST = 1u << 3,   /* /api/v1/suggest */
    VCM_ROUTE_API_OBJECTS = 1u << 4,   /* /api/v1/objects */
    VCM_ROUTE_API_MUSEUMS = 1u << 5,   /* /api/v1/museums */
    VCM_ROUTE_API_COUNTRIES = 1u << 6, /* /api/v1/countries */
    VCM_ROUTE_API_RECORD = 1u << 7,    /* /api/v1/{objects,museums,countries}/{id} */
    VCM_ROUTE_COLLECTION = 1u << 8,    /* /iiif/collection/… */
    VCM_ROUTE_ALL = (1u << 9) - 1,
    /* the routes whose answers are read by software: errors refuse them */
    VCM_ROUTES_STRICT = VCM_ROUTE_API_SEARCH | VCM_ROUTE_API_SUGGEST | VCM_ROUTE_API_OBJECTS |
                        VCM_ROUTE_API_MUSEUMS | VCM_ROUTE_API_COUNTRIES | VCM_ROUTE_API_RECORD |
                        VCM_ROUTE_COLLECTION,
};

/* Every parameter, by what it means (a name may have a row per route, with
 * its own bounds: limit). */
typedef enum vcm_param_id {
    VCM_P_Q, VCM_P_REGION, VCM_P_COUNTRY, VCM_P_MUSEUM, VCM_P_CLASSIFICATION, VCM_P_MATERIAL,
    VCM_P_CENTURY, VCM_P_IMAGE, VCM_P_LICENCE, VCM_P_DATE, VCM_P_SOURCE_ID, VCM_P_SORT,
    VCM_P_EXPAND, VCM_P_NOEXPAND, VCM_P_FACETS, VCM_P_CURSOR, VCM_P_OFFSET, VCM_P_LIMIT,
    VCM_P_PAGE, VCM_P_ALL, VCM_P_LANG, VCM_P_ORIGIN, VCM_P_VIEW, VCM_P_THEME, VCM_P_COUNT
} vcm_param_id;

typedef enum vcm_param_kind {
    VCM_PK_TEXT,    /* any text up to max bytes (0: no bound here) */
    VCM_PK_ID,      /* a record number, 1 .. 10^18 */
    VCM_PK_CODE,    /* a two-letter ISO code, upper-cased */
    VCM_PK_ENUM,    /* one of values (any case), or found by find(); the index */
    VCM_PK_INT,     /* an integer from min to max */
    VCM_PK_PAGE,    /* a page number from min to max */
    VCM_PK_YEARS,   /* 1600..1700, -500..-200 */
    VCM_PK_BOOL,    /* 1/0, yes/no, true/false */
    VCM_PK_CURSOR,  /* an opaque token this site gave out, up to max bytes */
    VCM_PK_LIST,    /* comma-separated values (or "none"): a bit mask */
    VCM_PK_IDS,     /* comma-separated thesaurus ids, up to max bytes */
    VCM_PK_LANG,    /* a BCP 47 language tag */
    VCM_PK_ORIGIN,  /* regions of origin or country codes, comma-separated (filter.h) */
} vcm_param_kind;

typedef struct vcm_param_def {
    const char *name;
    vcm_param_id id;
    vcm_param_kind kind;
    long min, max;              /* INT, PAGE: the range; TEXT, CURSOR, IDS: bytes */
    const char *const *values;  /* ENUM, LIST: NULL-terminated */
    int (*find)(const char *v); /* ENUM without values: index, or -1 */
    unsigned routes;            /* VCM_ROUTE_* that take it */
    const char *msg;            /* catalogue key: what a good value looks like */
} vcm_param_def;

/* The table, and its length. */
extern const vcm_param_def vcm_param_defs[];
extern const size_t vcm_param_ndefs;

typedef enum vcm_param_why {
    VCM_PW_UNKNOWN,   /* this route takes no such parameter */
    VCM_PW_ENCODING,  /* a bad %-escape, or not UTF-8 */
    VCM_PW_REPEATED,  /* given more than once */
    VCM_PW_TOO_LONG,  /* longer than the table allows */
    VCM_PW_BAD_VALUE, /* not a value of its kind (def->msg says which) */
} vcm_param_why;

typedef struct vcm_param_error {
    const char *name;         /* decoded, or as written when it does not decode */
    vcm_param_why why;
    const vcm_param_def *def; /* NULL for UNKNOWN and undecodable names */
} vcm_param_error;

#define VCM_PARAMS_MAX_ERRORS 8

typedef union vcm_param_value {
    const char *s;            /* TEXT, CURSOR, IDS, LANG, CODE (the object list's
                                 cursor: its id in i) */
    int64_t i;                /* ID, INT, PAGE, ENUM (index), BOOL (0/1), LIST (mask) */
    struct {
        int32_t from, to;
    } years;                  /* YEARS */
} vcm_param_value;

/* What a query string says, read through the table for one route. */
typedef struct vcm_params {
    unsigned route;
    bool set[VCM_P_COUNT];            /* given with a good, non-empty value */
    const char *raw[VCM_P_COUNT];     /* that value as given (decoded) */
    vcm_param_value v[VCM_P_COUNT];
    vcm_param_error errors[VCM_PARAMS_MAX_ERRORS];
    size_t nerrors;                   /* how many were found (may exceed the array) */
} vcm_params;

/* Reads the query string s (n bytes, after the '?') for route (one
 * VCM_ROUTE_* bit) into p, allocating from a. An empty value counts as not
 * given. Returns 0 when every parameter was read, 1 when some were left out
 * (p->errors says which and why), -1 when the arena is full. */
int vcm_params_parse(vcm_arena *a, const char *s, size_t n, unsigned route, vcm_params *p);

/* The value of a parameter given (with set[id]); defaults otherwise. */
static inline int64_t vcm_params_int(const vcm_params *p, vcm_param_id id, int64_t dflt)
{
    return p->set[id] ? p->v[id].i : dflt;
}
static inline const char *vcm_params_str(const vcm_params *p, vcm_param_id id)
{
    return p->set[id] ? p->v[id].s : NULL;
}

/* The catalogue key of an error's sentence; its text has {} where the
 * parameter's name goes. */
const char *vcm_param_error_key(const vcm_param_error *e);

/* The object API's cursor: "o" and the last id in base 36. */
void vcm_params_cursor_encode(int64_t id, char out[20]);
int64_t vcm_params_cursor_decode(const char *s); /* -1 when not one */
#endif
