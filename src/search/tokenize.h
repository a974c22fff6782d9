/* The tokenizer of VCM's search: one function used both when indexing and
 * when reading a query, so that the two always cut and fold text the same
 * way. Design and rules are at the top of tokenize.c. */
#ifndef VCM_TOKENIZE_H
#define VCM_TOKENIZE_H
#include <stddef.h>
#include <stdint.h>

enum {
    VCM_TOK_WORD = 1,    /* a word from the ICU word breaker, folded */
    VCM_TOK_CJK_UNI = 2, /* one Han/kana/Hangul character */
    VCM_TOK_CJK_BI = 3,  /* two adjacent Han/kana/Hangul characters */
};

enum {
    VCM_TOK_STEM = 1, /* English plurals to singular (vases -> vase) */
};

#define VCM_TOK_MAX_INPUT ((size_t)1 << 20) /* longer input is refused */
#define VCM_TOK_MAX_LEN 64                  /* token text is cut to this many bytes */

typedef struct vcm_token {
    const char *text;    /* folded UTF-8, not NUL-terminated; valid during the callback only */
    size_t len;          /* 1 .. VCM_TOK_MAX_LEN */
    uint32_t pos;        /* word position: a bigram has the position of its first character */
    uint32_t start, end; /* byte offsets in the input, for highlighting */
    uint8_t kind;        /* VCM_TOK_WORD, VCM_TOK_CJK_UNI, VCM_TOK_CJK_BI */
} vcm_token;

/* Called once per token, in text order; a non-zero return stops the
 * tokenizer (which then returns 0). */
typedef int (*vcm_token_fn)(const vcm_token *t, void *ud);

/* Cuts text[0..len) (UTF-8) into tokens and calls fn for each one.
 * Returns 0 (also when fn stopped early, and for empty input), or -1 when
 * the text is not strict UTF-8 (vcm_utf8_check: NUL bytes are refused too),
 * is longer than VCM_TOK_MAX_INPUT, or memory or ICU fails; tokens already
 * delivered before a failure stay delivered. flags: VCM_TOK_STEM or 0.
 * Thread-safe: ICU objects are cached per thread. */
int vcm_tokenize(const char *text, size_t len, int flags, vcm_token_fn fn, void *ud);

/* The key of a text: its words and CJK characters, folded as the tokenizer
 * folds them, joined by single spaces ("Ink on Silk" -> "ink on silk",
 * "靑瓷" -> "青 磁"). Thesaurus labels and query words meet on keys.
 * Writes at most cap - 1 bytes and a NUL into out (a key cut short ends at
 * a token boundary); returns its length, or -1 as vcm_tokenize fails. */
int vcm_tokenize_key(const char *text, size_t len, int flags, char *out, size_t cap);

/* Frees the ICU objects the calling thread has cached; call it before a
 * worker thread exits (optional: they are reopened when needed). */
void vcm_tokenize_thread_release(void);
#endif
