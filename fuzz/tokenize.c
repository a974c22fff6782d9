/* libFuzzer target for the search tokenizer (src/search/tokenize.c).
 * Build with `make fuzz`; run: build/fuzz/tokenize -max_total_time=60 fuzz/corpus/tokenize
 * Invariants checked on every token: offsets inside the input, start < end,
 * text non-empty, valid UTF-8 and at most VCM_TOK_MAX_LEN bytes, positions
 * never decreasing; and -1 exactly for invalid or oversized input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "search/tokenize.h"

struct fz {
    size_t size;
    uint32_t maxpos;
};

static int check(const vcm_token *t, void *ud)
{
    struct fz *f = ud;
    if (t->start >= t->end || t->end > f->size || t->len == 0 || t->len > VCM_TOK_MAX_LEN ||
        !t->text || t->kind < VCM_TOK_WORD || t->kind > VCM_TOK_CJK_BI)
        abort();
    if (!vcm_utf8_valid(t->text, t->len))
        abort();
    if (t->pos < f->maxpos)
        abort();
    f->maxpos = t->pos;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    bool valid = size == 0 || vcm_utf8_valid(s, size);
    for (int stem = 0; stem < 2; stem++) {
        struct fz f = {size, 0};
        int rc = vcm_tokenize(s, size, stem ? VCM_TOK_STEM : 0, check, &f);
        if ((rc == 0) != (valid && size <= VCM_TOK_MAX_INPUT))
            abort();
    }
    /* most random bytes are not UTF-8: also run on a repaired copy (each bad
     * byte replaced by '?') so the folding and breaking paths get fuzzed */
    if (!valid && size <= VCM_TOK_MAX_INPUT) {
        char *c = malloc(size);
        if (!c)
            return 0;
        memcpy(c, data, size);
        size_t at = 0;
        while ((at += vcm_utf8_check(c + at, size - at)) < size)
            c[at++] = '?';
        struct fz f = {size, 0};
        if (vcm_tokenize(c, size, VCM_TOK_STEM, check, &f) != 0)
            abort();
        free(c);
    }
    return 0;
}
