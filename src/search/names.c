/* The names table (names.h).
 *
 * One arena holds the strings; a map from each spelling's key to its line.
 * The parser never trusts the file: every line has the header's number of
 * fields, ids are lower-case ASCII slugs and unique, the en name and a
 * source are required, one other spelling at least, and no key may name
 * two creators (a query must not find another creator's records). */
#include "search/names.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/asset.h"
#include "core/log.h"
#include "core/strmap.h"
#include "core/text.h"
#include "search/tokenize.h"

#include "core/banned.h"

#define MAX_ENTRIES 100000
#define MAX_LINE 4096
#define MAX_SPELLINGS 32

enum { C_ID, C_EN, C_JA, C_ZH, C_KO, C_VARIANTS, C_SOURCE, C_COUNT };
static const char *const columns[C_COUNT] = {"id", "en", "ja", "zh-Hant", "ko", "variants",
                                             "source"};

struct vcm_names {
    vcm_arena arena;
    vcm_name_entry *entries;
    size_t n, cap;
    vcm_strmap keys; /* key -> entry */
};

void vcm_names_free(vcm_names *n)
{
    if (!n)
        return;
    free(n->entries);
    vcm_strmap_release(&n->keys);
    vcm_arena_release(&n->arena);
    free(n);
}

static bool slug(const char *s, size_t len)
{
    if (!len || len > 100)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

/* Adds one spelling s[0..len) to entry e (number ei). Returns 0, or -1 with
 * the reason in err. */
static int add_spelling(vcm_names *n, vcm_name_entry *e, size_t ei, const char *s, size_t len,
                        const char *file, int line, char *err, size_t errlen)
{
    if (!len) {
        snprintf(err, errlen, "%s:%d: an empty spelling (two '|' in a row, or one at an end)",
                 file, line);
        return -1;
    }
    if (e->nnames == MAX_SPELLINGS) {
        snprintf(err, errlen, "%s:%d: more than %d spellings", file, line, MAX_SPELLINGS);
        return -1;
    }
    char key[512];
    int kl = vcm_tokenize_key(s, len, VCM_TOK_STEM, key, sizeof key);
    if (kl <= 0) {
        snprintf(err, errlen, "%s:%d: '%.*s' has no letters to search", file, line,
                 (int)(len > 100 ? 100 : len), s);
        return -1;
    }
    int added;
    uint32_t *v = vcm_strmap_put(&n->keys, key, (size_t)kl, (uint32_t)ei, &added);
    if (!v)
        goto oom;
    if (!added && *v != ei) {
        snprintf(err, errlen, "%s:%d: '%.*s' is also a spelling of '%s'", file, line,
                 (int)(len > 100 ? 100 : len), s, n->entries[*v].id);
        return -1;
    }
    if (!added)
        return 0; /* the same key twice in one line: once is enough */
    const char *t = vcm_arena_strndup(&n->arena, s, len);
    if (!t)
        goto oom;
    e->names[e->nnames++] = t;
    return 0;
oom:
    snprintf(err, errlen, "%s:%d: out of memory", file, line);
    return -1;
}

static int parse_line(vcm_names *n, const char *const *f, const size_t *fl, const int *col,
                      const char *file, int line, char *err, size_t errlen)
{
    if (!slug(f[col[C_ID]], fl[col[C_ID]])) {
        snprintf(err, errlen, "%s:%d: the id must be lower-case ASCII letters, digits and '_'",
                 file, line);
        return -1;
    }
    if (!fl[col[C_EN]] || !fl[col[C_SOURCE]]) {
        snprintf(err, errlen, "%s:%d: %s is empty", file, line,
                 fl[col[C_EN]] ? "the source" : "the en name");
        return -1;
    }
    for (size_t i = 0; i < n->n; i++)
        if (strlen(n->entries[i].id) == fl[col[C_ID]] &&
            memcmp(n->entries[i].id, f[col[C_ID]], fl[col[C_ID]]) == 0) {
            snprintf(err, errlen, "%s:%d: the id '%s' is used twice", file, line,
                     n->entries[i].id);
            return -1;
        }
    if (n->n == MAX_ENTRIES) {
        snprintf(err, errlen, "%s:%d: more than %d lines", file, line, MAX_ENTRIES);
        return -1;
    }
    if (n->n == n->cap) {
        size_t nc = n->cap ? n->cap * 2 : 64;
        vcm_name_entry *ne = realloc(n->entries, nc * sizeof *ne);
        if (!ne)
            goto oom;
        n->entries = ne;
        n->cap = nc;
    }
    size_t ei = n->n;
    vcm_name_entry *e = &n->entries[ei];
    memset(e, 0, sizeof *e);
    e->id = vcm_arena_strndup(&n->arena, f[col[C_ID]], fl[col[C_ID]]);
    e->source = vcm_arena_strndup(&n->arena, f[col[C_SOURCE]], fl[col[C_SOURCE]]);
    e->names = vcm_arena_calloc(&n->arena, MAX_SPELLINGS, sizeof *e->names);
    if (!e->id || !e->source || !e->names)
        goto oom;
    n->n++; /* visible to add_spelling's messages */
    static const int spelled[] = {C_EN, C_JA, C_ZH, C_KO};
    for (size_t k = 0; k < 4; k++)
        if (fl[col[spelled[k]]] &&
            add_spelling(n, e, ei, f[col[spelled[k]]], fl[col[spelled[k]]], file, line, err,
                         errlen) < 0)
            return -1;
    const char *v = f[col[C_VARIANTS]];
    size_t vl = fl[col[C_VARIANTS]];
    for (size_t at = 0; vl && at <= vl;) {
        const char *bar = memchr(v + at, '|', vl - at);
        size_t piece = bar ? (size_t)(bar - (v + at)) : vl - at;
        if (add_spelling(n, e, ei, v + at, piece, file, line, err, errlen) < 0)
            return -1;
        at += piece + 1;
    }
    if (e->nnames < 2) {
        snprintf(err, errlen, "%s:%d: '%s' has no other spelling than its en name", file, line,
                 e->id);
        return -1;
    }
    e->label = e->names[0];
    return 0;
oom:
    snprintf(err, errlen, "%s:%d: out of memory", file, line);
    return -1;
}

vcm_names *vcm_names_parse(const char *file, const char *text, size_t len, char *err,
                           size_t errlen)
{
    vcm_names *n = calloc(1, sizeof *n);
    if (!n) {
        snprintf(err, errlen, "%s: out of memory", file);
        return NULL;
    }
    vcm_arena_init(&n->arena, 0);
    vcm_strmap_init(&n->keys);
    if (len && (!text || vcm_utf8_check(text, len) != len)) {
        snprintf(err, errlen, "%s: not UTF-8 text (or it holds a NUL byte)", file);
        goto fail;
    }
    int col[C_COUNT];
    size_t nh = 0;
    int line = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t ll = nl ? (size_t)(nl - (text + at)) : len - at;
        const char *s = text + at;
        at += ll + 1;
        line++;
        if (ll > MAX_LINE) {
            snprintf(err, errlen, "%s:%d: a line longer than %d bytes", file, line, MAX_LINE);
            goto fail;
        }
        if (memchr(s, '\r', ll)) {
            snprintf(err, errlen, "%s:%d: a carriage return (lines end with LF only)", file,
                     line);
            goto fail;
        }
        const char *f[16];
        size_t fl[16], nf = 0;
        for (size_t i = 0, st = 0; i <= ll; i++)
            if (i == ll || s[i] == '\t') {
                if (nf == 16) {
                    snprintf(err, errlen, "%s:%d: more than 16 fields", file, line);
                    goto fail;
                }
                f[nf] = s + st;
                fl[nf++] = i - st;
                st = i + 1;
            }
        if (line == 1) {
            for (int c = 0; c < C_COUNT; c++) {
                col[c] = -1;
                for (size_t i = 0; i < nf; i++)
                    if (fl[i] == strlen(columns[c]) && memcmp(f[i], columns[c], fl[i]) == 0)
                        col[c] = (int)i;
                if (col[c] < 0) {
                    snprintf(err, errlen, "%s:1: the header has no '%s' column", file,
                             columns[c]);
                    goto fail;
                }
            }
            nh = nf;
            continue;
        }
        if (ll == 0 && at >= len)
            break; /* the newline that ends the file */
        if (nf != nh) {
            snprintf(err, errlen, "%s:%d: %zu fields, the header has %zu", file, line, nf, nh);
            goto fail;
        }
        if (parse_line(n, f, fl, col, file, line, err, errlen) < 0)
            goto fail;
    }
    if (line == 0) {
        snprintf(err, errlen, "%s: empty (the header line is missing)", file);
        goto fail;
    }
    return n;
fail:
    vcm_names_free(n);
    return NULL;
}

static vcm_names *builtin;

static void load_builtin(void)
{
    const struct vcm_asset *a = vcm_asset_find("thesaurus/names.tsv");
    char err[512];
    builtin = a ? vcm_names_parse("thesaurus/names.tsv", (const char *)a->data, a->len, err,
                                  sizeof err)
                : NULL;
    if (!a)
        vcm_error("the built-in names table is missing", "file=\"%s\"", "thesaurus/names.tsv");
    else if (!builtin)
        vcm_error("the built-in names table is malformed", "error=\"%s\"", err);
}

const vcm_names *vcm_names_builtin(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load_builtin);
    return builtin;
}

size_t vcm_names_count(const vcm_names *n)
{
    return n ? n->n : 0;
}

const vcm_name_entry *vcm_names_entry(const vcm_names *n, size_t i)
{
    return &n->entries[i];
}

const vcm_name_entry *vcm_names_lookup(const vcm_names *n, const char *key, size_t keylen)
{
    if (!n)
        return NULL;
    const uint32_t *v = vcm_strmap_get(&n->keys, key, keylen);
    return v ? &n->entries[*v] : NULL;
}

const vcm_name_entry *vcm_names_of_creator(const vcm_names *n, const char *text, size_t len)
{
    if (!n || !text)
        return NULL;
    size_t cut = len;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '(' || text[i] == ',' || text[i] == ';') {
            cut = i;
            break;
        }
    char key[512];
    int kl = vcm_tokenize_key(text, cut, VCM_TOK_STEM, key, sizeof key);
    return kl > 0 ? vcm_names_lookup(n, key, (size_t)kl) : NULL;
}
