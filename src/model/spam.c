/* The spam filter of comments (spam.h). Everything here reads the bytes it
 * is given and allocates only from the arena the caller passes. Case is
 * folded for ASCII only: the banned list is written in the languages of
 * spam, which is mostly ASCII, and a non-ASCII phrase still matches as
 * written. */
#include <stdbool.h>
#include <string.h>

#include "core/text.h"
#include "model/spam.h"
#include "core/banned.h"

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (unsigned char)c >= 0x80;
}

/* Whether s at i starts with the lower-case ASCII prefix p, ignoring case. */
static bool at(const char *s, size_t i, size_t n, const char *p)
{
    size_t k = strlen(p);
    if (i + k > n)
        return false;
    for (size_t j = 0; j < k; j++)
        if (lower(s[i + j]) != p[j])
            return false;
    return true;
}

int vcm_spam_words_parse(vcm_arena *a, const char *text, size_t len, vcm_spam_rules *r,
                         size_t *line)
{
    memset(r, 0, sizeof *r);
    r->max_links = VCM_SPAM_MAX_LINKS;
    *line = 0;
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    lines++;
    if (lines > VCM_SPAM_WORDS_MAX) {
        *line = VCM_SPAM_WORDS_MAX + 1;
        return -1;
    }
    r->banned = vcm_arena_calloc(a, lines, sizeof *r->banned);
    if (!r->banned)
        return -1;
    size_t no = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        no++;
        size_t b = i, z = e;
        while (b < z && (text[b] == ' ' || text[b] == '\t' || text[b] == '\r'))
            b++;
        while (z > b && (text[z - 1] == ' ' || text[z - 1] == '\t' || text[z - 1] == '\r'))
            z--;
        i = e + 1;
        if (b == z || text[b] == '#')
            continue;
        if (z - b > VCM_SPAM_WORD_LEN || !vcm_utf8_valid(text + b, z - b) ||
            memchr(text + b, 0, z - b)) {
            *line = no;
            return -1;
        }
        char *w = vcm_arena_strndup(a, text + b, z - b);
        if (!w)
            return -1;
        for (char *p = w; *p; p++)
            *p = lower(*p);
        r->banned[r->nbanned++] = w;
    }
    return 0;
}

int vcm_spam_links(const char *text)
{
    static const char *const marks[] = {"http://", "https://", "www.", "<a ", "[url"};
    size_t n = strlen(text);
    int count = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
            if (at(text, i, n, marks[k])) {
                /* "https://www." is one link, not two */
                if (k == 2 && i >= 3 && text[i - 1] == '/' && text[i - 2] == '/')
                    continue;
                count++;
                break;
            }
    return count;
}

/* text lower-cased (ASCII) with every run of white space one space, no
 * space at either end, into a's memory. */
static char *norm(vcm_arena *a, const char *text)
{
    size_t n = strlen(text);
    char *o = vcm_arena_alloc(a, n + 1);
    if (!o)
        return NULL;
    size_t k = 0;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = k > 0;
            continue;
        }
        if (space)
            o[k++] = ' ';
        space = false;
        o[k++] = lower(c);
    }
    o[k] = 0;
    return o;
}

static bool has_run(const char *s)
{
    size_t run = 1;
    for (size_t i = 1; s[i]; i++) {
        run = s[i] == s[i - 1] && s[i] != ' ' ? run + 1 : 1;
        if (run >= VCM_SPAM_RUN)
            return true;
    }
    return false;
}

/* Whether w (lower case) is in t (normalised): as a whole word when w is
 * made of word characters alone, anywhere otherwise. */
static bool contains(const char *t, const char *w)
{
    size_t wn = strlen(w);
    if (!wn)
        return false;
    bool word = true;
    for (size_t i = 0; i < wn; i++)
        word = word && word_char(w[i]);
    for (const char *p = strstr(t, w); p; p = strstr(p + 1, w)) {
        if (!word)
            return true;
        bool before = p > t && word_char(p[-1]);
        bool after = word_char(p[wn]);
        if (!before && !after)
            return true;
    }
    return false;
}

vcm_spam_verdict vcm_spam_check(const vcm_spam_rules *r, const char *body, const char *honeypot,
                                const char *const *recent, size_t nrecent, const char **word)
{
    if (word)
        *word = NULL;
    if (honeypot && *honeypot)
        return VCM_SPAM_HONEYPOT;
    if (vcm_spam_links(body) > r->max_links)
        return VCM_SPAM_LINKS;
    /* the normalised texts need memory of their own: a small arena, freed
     * here, keeps the function free of the caller's */
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_spam_verdict v = VCM_SPAM_OK;
    char *t = norm(&a, body);
    if (!t)
        goto out;
    if (has_run(t)) {
        v = VCM_SPAM_REPEATED;
        goto out;
    }
    for (size_t i = 0; i < nrecent; i++) {
        char *o = recent[i] ? norm(&a, recent[i]) : NULL;
        if (o && *t && strcmp(o, t) == 0) {
            v = VCM_SPAM_REPEATED;
            goto out;
        }
    }
    for (size_t i = 0; i < r->nbanned; i++)
        if (contains(t, r->banned[i])) {
            if (word)
                *word = r->banned[i];
            v = VCM_SPAM_BANNED;
            goto out;
        }
out:
    vcm_arena_release(&a);
    return v;
}

const char *vcm_spam_name(vcm_spam_verdict v)
{
    static const char *const names[] = {"", "honeypot", "links", "repeated", "banned"};
    return (size_t)v < sizeof names / sizeof names[0] ? names[v] : "";
}
