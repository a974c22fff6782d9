/* Marks in snippets (snippet.h). */
#include "search/snippet.h"

#include <stdbool.h>
#include <unicode/uchar.h>

#include "core/text.h"

#include "core/banned.h"

/* Whether c belongs to the syllable of the letter before it. */
static bool follows_letter(unsigned c)
{
    if ((c >= 0x0E30 && c <= 0x0E3A) || (c >= 0x0E45 && c <= 0x0E4E) || /* Thai */
        (c >= 0x0EB0 && c <= 0x0EBC) || (c >= 0x0EC8 && c <= 0x0ECD))   /* Lao */
        return true;
    if (c < 0x300)
        return false;
    int8_t t = u_charType((UChar32)c);
    return t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK;
}

void vcm_snippet_snap(const char *text, size_t len, uint32_t *s, uint32_t *e)
{
    if (*e > len)
        *e = (uint32_t)len;
    if (*s > *e)
        *s = *e;
    while (*s > 0) {
        size_t b = *s - 1;
        while (b > 0 && ((unsigned char)text[b] & 0xC0) == 0x80)
            b--;
        unsigned c;
        if (!vcm_utf8_decode(text + b, *s - b, &c) ||
            !u_hasBinaryProperty((UChar32)c, UCHAR_LOGICAL_ORDER_EXCEPTION))
            break;
        *s = (uint32_t)b;
    }
    while (*e < len) {
        unsigned c;
        size_t l = vcm_utf8_decode(text + *e, len - *e, &c);
        if (!l || !follows_letter(c))
            break;
        *e += (uint32_t)l;
    }
}
