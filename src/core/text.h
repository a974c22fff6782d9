/* UTF-8 validation, NFC normalisation (ICU) and the clean-up every text from
 * outside gets before it is stored: HTML entities decoded, white space
 * folded, NFC. */
#ifndef VCM_TEXT_H
#define VCM_TEXT_H
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Strict: no overlong forms, no surrogates, nothing above U+10FFFF, no NUL. */
bool vcm_utf8_valid(const char *s, size_t n);
/* Byte offset of the first invalid sequence, or n when valid. */
size_t vcm_utf8_check(const char *s, size_t n);
/* vcm_buf_read_file, then the text must be UTF-8 (else -1, the byte named). */
int vcm_read_text_file(vcm_buf *b, const char *path, char *err, size_t errlen);
/* Decodes one code point at s (valid UTF-8 assumed); returns its length. */
size_t vcm_utf8_decode(const char *s, size_t n, unsigned *cp);
/* Appends the UTF-8 of cp; returns -1 when cp is not a scalar value. */
int vcm_utf8_put(vcm_buf *b, unsigned cp);

/* Appends s in Unicode Normalization Form C. s must be valid UTF-8. */
int vcm_utf8_nfc(vcm_buf *out, const char *s, size_t n);

enum {
    VCM_TEXT_MULTILINE = 1, /* keep line breaks (at most one blank line in a row) */
    VCM_TEXT_ENTITIES = 2,  /* decode HTML character references */
};
/* Appends the cleaned text: entities decoded (with VCM_TEXT_ENTITIES), runs
 * of white space folded to one space (or kept as line breaks with
 * VCM_TEXT_MULTILINE), trimmed, NFC. s must be valid UTF-8. */
int vcm_text_clean(vcm_buf *out, const char *s, size_t n, int flags);
/* An HTTP qvalue (RFC 9110 12.4.2: "0", "0.5", "1.000"…) in thousandths,
 * or -1 when s[0, n) is not one; Accept-Language and Accept-Encoding
 * weigh their members with it. */
int vcm_qvalue(const char *s, size_t n);
#endif
