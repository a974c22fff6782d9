/* libFuzzer target for the plural messages of the catalogues
 * (vcm_l10n_msg, src/core/l10n.c). The first byte picks the count and its
 * categories, the rest is the message. Invariants: on success the text is
 * NUL-terminated inside the buffer and is valid UTF-8 when the message is;
 * on failure the text is empty and the error says where reading stopped; a
 * message with none of { } ' is its own text.
 * Build with `make fuzz`; run: build/fuzz/plural -max_total_time=60 fuzz/corpus/plural */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/l10n.h"
#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const cats[] = {"zero", "one", "two", "few", "many", "other"};
    if (size < 1)
        return 0;
    unsigned pick = data[0];
    const char *msg = (const char *)data + 1;
    size_t len = size - 1;
    vcm_l10n_arg a = {(int64_t)(pick % 24) - 2, "1,234", cats[pick % 6], cats[(pick / 6) % 6]};
    char out[512], err[128];
    memset(out, 'x', sizeof out);
    size_t cap = 1 + pick % sizeof out;
    int rc = vcm_l10n_msg(msg, len, &a, out, cap, err, sizeof err);
    if (memchr(out, '\0', cap) == NULL)
        abort();
    if (rc == 0) {
        if (vcm_utf8_valid(msg, len) && !vcm_utf8_valid(out, strlen(out)))
            abort();
        if (!memchr(msg, '{', len) && !memchr(msg, '}', len) && !memchr(msg, '\'', len) &&
            !memchr(msg, '\0', len) && len < cap && (strlen(out) != len || memcmp(out, msg, len)))
            abort();
    } else if (out[0] || !strstr(err, " at byte ")) {
        abort();
    }
    return 0;
}
