/* Marks in snippets: where a mark may start and end in a text of any
 * script. Pure functions (search.c cuts the snippets). */
#ifndef VCM_SNIPPET_H
#define VCM_SNIPPET_H
#include <stddef.h>
#include <stdint.h>

/* Widens the mark text[*s..*e) (byte offsets into len bytes of UTF-8) to
 * whole syllable clusters: back over vowels written before their consonant
 * (Thai เ แ โ ใ ไ, Lao ເ … ໄ: Unicode's Logical_Order_Exception), forward
 * over combining marks and the Thai and Lao vowels written after it (า, ะ,
 * ำ, which Unicode counts as letters). A CJK or Hangul character with its
 * marks is whole already in the tokenizer's offsets. */
void vcm_snippet_snap(const char *text, size_t len, uint32_t *s, uint32_t *e);
#endif
