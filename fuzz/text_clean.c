/* libFuzzer target for the clean-up every outside text gets (src/core/text.c):
 * vcm_text_clean(), and under it the UTF-8 checks and NFC.
 * Build with `make fuzz`; run:
 *   build/fuzz/text_clean -max_total_time=60 fuzz/corpus/text_clean
 *
 * The first byte picks the flags (bit 0 VCM_TEXT_MULTILINE, bit 1
 * VCM_TEXT_ENTITIES) and bit 2 a small output cap; the rest is the text.
 * Text that is not UTF-8 (most random bytes) is repaired first, each bad
 * byte made '?', since the cleaner's contract asks for UTF-8.
 *
 * Beyond "no crash", a cleaned text must be what stored records rely on:
 * valid UTF-8 without NUL or control characters (C0, DEL, C1, U+2028 and
 * U+2029), no white space at either end, no two spaces in a row, no line
 * break unless multi-line (and then no blank line twice), in NFC, and
 * cleaning it again changes nothing (without entity decoding, where
 * "&amp;lt;" rightly decodes one level a time). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *s, size_t n, int flags)
{
    if (!vcm_utf8_valid(s, n))
        abort();
    if (n && (s[0] == ' ' || s[0] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\n'))
        abort();
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' && !(flags & VCM_TEXT_MULTILINE))
            abort();
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            abort();
        if (c == ' ' && i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\n'))
            abort();
        if (c == '\n' && i + 2 < n && s[i + 1] == '\n' && s[i + 2] == '\n')
            abort();
        /* C1 controls, and the line and paragraph separators read as breaks */
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] <= 0x9F)
            abort();
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9))
            abort();
    }
    vcm_buf nfc;
    vcm_buf_init(&nfc, 0);
    if (vcm_utf8_nfc(&nfc, s, n) == 0 && (nfc.len != n || (n && memcmp(nfc.data, s, n) != 0)))
        abort();
    vcm_buf_release(&nfc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    int flags = data[0] & (VCM_TEXT_MULTILINE | VCM_TEXT_ENTITIES);
    size_t cap = (data[0] & 4) ? 64 : 0;
    size_t n = size - 1;
    char *s = malloc(n ? n : 1);
    if (!s)
        return 0;
    memcpy(s, data + 1, n);
    size_t at = 0;
    while ((at += vcm_utf8_check(s + at, n - at)) < n)
        s[at++] = '?';

    vcm_buf out;
    vcm_buf_init(&out, cap);
    if (vcm_text_clean(&out, s, n, flags) == 0) {
        if (cap && out.len > cap)
            abort();
        check(out.data ? out.data : "", out.len, flags);
        if (!(flags & VCM_TEXT_ENTITIES)) {
            vcm_buf again;
            vcm_buf_init(&again, 0);
            if (vcm_text_clean(&again, out.data ? out.data : "", out.len, flags) != 0 ||
                again.len != out.len || (out.len && memcmp(again.data, out.data, out.len) != 0))
                abort();
            vcm_buf_release(&again);
        }
    }
    vcm_buf_release(&out);
    free(s);
    return 0;
}
