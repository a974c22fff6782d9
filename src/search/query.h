/* The query language of VCM's search, parsed by a pure function.
 *
 *   celadon bowl          both words (every clause must match)
 *   "ink on silk"         a phrase: the words in this order
 *   -japan  -"tea bowl"   leave out what matches
 *   jade OR nephrite      either (also |)
 *   porc*                 words that begin so
 *   museum:Taipei  creator:"Ding Yunpeng"  material:silk  country:KR
 *   title: culture: type:  the other fields
 *   date:1600..1700  date:-500..-200  date:..1700  date:1600  date:500BCE..200BCE
 *
 * Nothing makes it fail: a stray quote, an unknown field, a date that is
 * not one, a query that is too long are read as well as they can be and
 * each leaves a message for the visitor saying what was done. */
#ifndef VCM_SQUERY_H
#define VCM_SQUERY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

typedef enum vcm_qfield {
    VCM_QF_ANY,
    VCM_QF_TITLE,
    VCM_QF_CREATOR,
    VCM_QF_CULTURE,
    VCM_QF_TYPE,
    VCM_QF_MATERIAL,
    VCM_QF_MUSEUM,
    VCM_QF_COUNTRY,
} vcm_qfield;

typedef struct vcm_qterm {
    const char *text; /* as typed, without quotes or the trailing '*' */
    size_t len;
    bool phrase;      /* was quoted */
    bool prefix;      /* ended with '*' */
    vcm_qfield field;
} vcm_qterm;

typedef struct vcm_qclause {
    bool negated;
    vcm_qterm *alts;  /* any one of them matches the clause */
    size_t nalts;
} vcm_qclause;

#define VCM_SQUERY_MAX_BYTES 500
#define VCM_SQUERY_MAX_CLAUSES 24
/* Words, phrases (empty ones too), operators and fields a query may have:
 * room for 24 clauses joined by OR, and no more. */
#define VCM_SQUERY_MAX_PIECES 64
#define VCM_SQUERY_MAX_MESSAGES 6

typedef struct vcm_squery {
    vcm_qclause *clauses;
    size_t nclauses;
    bool has_date;
    int32_t date_from, date_to; /* inclusive years, negative = BCE */
    /* what was repaired, for people: catalogue keys (locale/vcm.pot), and
     * for each the part of the query it is about (NULL when none), which
     * goes where the sentence says {} */
    const char *messages[VCM_SQUERY_MAX_MESSAGES];
    const char *message_args[VCM_SQUERY_MAX_MESSAGES];
    size_t nmessages;
} vcm_squery;

/* Parses q[0..len) into out, allocating from a. Returns 0, or -1 only when
 * the arena is full. Invalid UTF-8 is dropped with a message. */
int vcm_squery_parse(const char *q, size_t len, vcm_arena *a, vcm_squery *out);

/* True when q[0..len) is more than a search takes: over
 * VCM_SQUERY_MAX_BYTES, or over VCM_SQUERY_MAX_PIECES pieces. The parser
 * would cut such a query; a page refuses it instead, as every link on it
 * would repeat what was not searched. Pure. */
bool vcm_squery_too_big(const char *q, size_t len);

/* The longest start of q[0..len) that is at most max bytes and does not
 * end inside a UTF-8 sequence. */
size_t vcm_squery_cut(const char *q, size_t len, size_t max);

/* Parses a year range as date: takes it ("1600..1700", "-500..-200",
 * "..1700", "1600", "500BCE..200BCE"). Returns 0, or -1 when it is not one. */
int vcm_squery_years(const char *s, size_t len, int32_t *from, int32_t *to);

const char *vcm_qfield_name(vcm_qfield f); /* "creator", …; "" for ANY */
#endif
