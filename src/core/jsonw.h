/* JSON written straight into a buffer, for answers whose tree would cost
 * more to build and walk than to write.
 *
 * The text is byte for byte what jansson's compact dump (JSON_COMPACT, no
 * other flag) writes for the same values, so an answer keeps its bytes
 * whichever way it is made: object keys in the order written; '"', '\\'
 * and control characters escaped (\b \f \n \r \t, the others as \u00XX in
 * capitals), everything else as it is, UTF-8 included; integers in
 * decimal; reals with 17 significant digits, ".0" added when they would
 * read as integers and the exponent without '+' or leading zeros.
 *
 * Where jansson refuses a value (a string that is NULL or not UTF-8, a real
 * that is not finite), the setter that holds it leaves nothing behind:
 * vcm_jw_kstr and the other keyed writers take the key back with the value,
 * as json_object_set_new leaves the key out. A larger piece that jansson
 * would drop whole (a json_pack with one bad string) is taken back with
 * vcm_jw_mark and vcm_jw_back.
 *
 * Errors of the buffer (its cap) are the buffer's: b->toobig, checked once
 * at the end. */
#ifndef VCM_JSONW_H
#define VCM_JSONW_H
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct vcm_jw {
    vcm_buf *b;
    bool first;     /* nothing yet in the open object or array */
    bool after_key; /* a key written, its value not yet */
} vcm_jw;

/* The writer's state at one point, to go back to. */
typedef struct vcm_jw_mark {
    size_t len;
    bool first, after_key;
} vcm_jw_mark;

void vcm_jw_init(vcm_jw *w, vcm_buf *b);
vcm_jw_mark vcm_jw_mark_now(const vcm_jw *w);
void vcm_jw_back(vcm_jw *w, vcm_jw_mark m);

/* '{' or '[' as a value, and its end. */
void vcm_jw_open(vcm_jw *w, char c);
void vcm_jw_close(vcm_jw *w, char c);
/* A key of the open object: its value comes next. */
void vcm_jw_key(vcm_jw *w, const char *k);

/* Values, in an array or after a key. vcm_jw_str returns false, having
 * written nothing, for a NULL or invalid string; vcm_jw_real for a real
 * that is not finite. */
bool vcm_jw_str(vcm_jw *w, const char *s);
bool vcm_jw_strn(vcm_jw *w, const char *s, size_t n);
void vcm_jw_int(vcm_jw *w, int64_t v);
bool vcm_jw_real(vcm_jw *w, double v);
void vcm_jw_bool(vcm_jw *w, bool v);
void vcm_jw_null(vcm_jw *w);

/* A key and its value; the key is taken back when the value is refused. */
bool vcm_jw_kstr(vcm_jw *w, const char *k, const char *s);
void vcm_jw_kint(vcm_jw *w, const char *k, int64_t v);
bool vcm_jw_kreal(vcm_jw *w, const char *k, double v);
void vcm_jw_kbool(vcm_jw *w, const char *k, bool v);
void vcm_jw_knull(vcm_jw *w, const char *k);

#endif
