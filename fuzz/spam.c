/* libFuzzer target for the spam filter of comments (src/model/spam.c).
 * The input is split at its first NUL byte: before it, a banned words list
 * (data/spam/banned-words.txt's format); after it, a comment, whose second
 * half stands as a recent comment. Invariants: a list that parses has no
 * empty word, no word longer than VCM_SPAM_WORD_LEN and none with an
 * upper-case ASCII letter; a verdict is one of the five, "banned" with its
 * word; a text that is not blank is always "repeated" when it is itself
 * the recent one, unless it holds too many links (the rule before).
 * Build with `make fuzz`; run: build/fuzz/spam -max_total_time=60 fuzz/corpus/spam */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/spam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *nul = memchr(p, 0, size);
    size_t nw = nul ? (size_t)(nul - p) : size;
    size_t nt = nul ? size - nw - 1 : 0;
    char *text = malloc(nt + 1);
    if (!text)
        return 0;
    memcpy(text, nul ? nul + 1 : "", nt);
    text[nt] = 0;
    vcm_arena a;
    vcm_arena_init(&a, 1 << 22);
    vcm_spam_rules r;
    size_t line;
    if (vcm_spam_words_parse(&a, p, nw, &r, &line) == 0) {
        for (size_t i = 0; i < r.nbanned; i++) {
            size_t n = strlen(r.banned[i]);
            if (n == 0 || n > VCM_SPAM_WORD_LEN)
                abort();
            for (size_t k = 0; k < n; k++)
                if (r.banned[i][k] >= 'A' && r.banned[i][k] <= 'Z')
                    abort();
        }
        /* with its own second half as the recent comment: any verdict */
        const char *half = text + strlen(text) / 2, *word;
        vcm_spam_verdict v = vcm_spam_check(&r, text, NULL, &half, 1, &word);
        if (v > VCM_SPAM_BANNED || (v == VCM_SPAM_BANNED && !word))
            abort();
        /* with itself: repeated, unless it has too many links (or is blank) */
        const char *self = text;
        v = vcm_spam_check(&r, text, NULL, &self, 1, &word);
        bool blank = strspn(text, " \t\n\r\f\v") == strlen(text);
        if (!blank && v != VCM_SPAM_LINKS && v != VCM_SPAM_REPEATED)
            abort();
    }
    vcm_arena_release(&a);
    free(text);
    return 0;
}
