/* The spam filter of comments on objects (docs/curation.md, "Comments"):
 * pure functions, no SQL and no HTTP. The web layer gives it what it needs
 * from elsewhere: the banned words (data/spam/banned-words.txt, read with
 * vcm_spam_words_parse) and the recent comments of the same visitor or
 * address (the store).
 *
 * The rules, in the order they are tried:
 * 1. honeypot: the form's hidden field, which people leave empty, is not;
 * 2. links: more than max_links web addresses (http://, https://, www.,
 *    an HTML or BBCode link);
 * 3. repeated: the same text as a recent comment (compared lower-cased
 *    with runs of white space as one space), or one character 20 times
 *    in a row;
 * 4. banned: a banned word (a whole word) or phrase (anywhere).
 * What the site does with each verdict is the web layer's (web/comments.c). */
#ifndef VCM_MODEL_SPAM_H
#define VCM_MODEL_SPAM_H
#include <stddef.h>

#include "core/arena.h"

#define VCM_SPAM_MAX_LINKS 2  /* links a comment may hold by default */
#define VCM_SPAM_RUN 20       /* one character this many times in a row */
#define VCM_SPAM_WORDS_MAX 4096
#define VCM_SPAM_WORD_LEN 64  /* bytes of one banned word or phrase at most */

typedef struct vcm_spam_rules {
    int max_links;
    const char **banned; /* lower case (ASCII) */
    size_t nbanned;
} vcm_spam_rules;

typedef enum vcm_spam_verdict {
    VCM_SPAM_OK,
    VCM_SPAM_HONEYPOT,
    VCM_SPAM_LINKS,
    VCM_SPAM_REPEATED,
    VCM_SPAM_BANNED,
} vcm_spam_verdict;

/* Reads a list of banned words (text of len bytes: one a line, '#'
 * comments, blank lines skipped, spaces trimmed) into r->banned, allocated
 * from a; r->max_links is set to VCM_SPAM_MAX_LINKS. Returns 0, or -1 with
 * *line the number of the first bad line (longer than VCM_SPAM_WORD_LEN,
 * not UTF-8, more than VCM_SPAM_WORDS_MAX lines) or 0 out of memory. */
int vcm_spam_words_parse(vcm_arena *a, const char *text, size_t len, vcm_spam_rules *r,
                         size_t *line);

/* The verdict on a comment's body (and its honeypot field, NULL when the
 * form sent none), given the recent comments' bodies. *word (may be NULL)
 * is set to the banned word found. */
vcm_spam_verdict vcm_spam_check(const vcm_spam_rules *r, const char *body, const char *honeypot,
                                const char *const *recent, size_t nrecent, const char **word);
/* The verdict's name, as the moderation queue records it: "", "honeypot",
 * "links", "repeated", "banned". */
const char *vcm_spam_name(vcm_spam_verdict v);
/* Web addresses in text, as rule 2 counts them. */
int vcm_spam_links(const char *text);
#endif
