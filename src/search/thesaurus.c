/* The thesaurus, read from the TSV files of thesaurus/ (their format is in
 * thesaurus/README.md): name columns are the language columns plus the
 * pipe-separated `variants` / `romanisations`; periods carry `region`,
 * `start`, `end`; places carry `region`. Other columns are read by their
 * header's name and ignored when unknown. A name's key is its stemmed,
 * folded token sequence; one key may name several entries.
 *
 * A name that would collide with ordinary words is refused when loading,
 * so that no query is widened by it (the refusals are kept, for `vcm
 * thesaurus check`): a name whose key is a word of common-words.tsv; a
 * name of one CJK character or Hangul syllable, or a variant of one Latin
 * syllable, unless safe-names.tsv lists it for its entry; a place's name
 * that is (or begins) a period's name, which goes to the period only. */
#include "search/thesaurus.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/asset.h"
#include "core/log.h"
#include "core/strmap.h"
#include "search/tokenize.h"
#include "core/banned.h"

struct vcm_thesaurus {
    vcm_arena arena;
    vcm_strmap common;  /* keys of common words */
    vcm_strmap safe;    /* "file\tid\tkey" of short names allowed */
    vcm_th_refusal *refused;
    size_t nrefused, caprefused;
    vcm_th_entry *entries;
    size_t n, cap;
    vcm_strmap keys;   /* key -> index into lists */
    uint32_t **lists;  /* per key: entry indexes, first element = count */
    size_t nlists;
    size_t max_tokens;
};

static const char *const langs[] = {"en", "ko", "zh-Hant", "zh-Hans", "ja", "fr", "de"};
#define NLANGS (sizeof langs / sizeof *langs)

static unsigned region_bit(const char *r)
{
    static const struct { const char *name; unsigned bit; } map[] = {
        {"CN", VCM_TH_CN}, {"KR", VCM_TH_KR}, {"JP", VCM_TH_JP},
        {"IN", VCM_TH_IN}, {"SEA", VCM_TH_SEA}, {"TIB", VCM_TH_TIB},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(map[i].name, r) == 0)
            return map[i].bit;
    return 0;
}

/* Splits a line at tabs in place. */
static size_t split(char *line, char **f, size_t max, char sep)
{
    size_t n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == sep) {
            *p = 0;
            f[n++] = p + 1;
        }
    return n;
}

static int add_key(vcm_thesaurus *t, const char *key, size_t len, uint32_t entry)
{
    int added;
    uint32_t *slot = vcm_strmap_put(&t->keys, key, len, (uint32_t)t->nlists, &added);
    if (!slot)
        return -1;
    if (added) {
        uint32_t **l = realloc(t->lists, (t->nlists + 1) * sizeof *l);
        if (!l)
            return -1;
        t->lists = l;
        if (!(l[t->nlists] = calloc(2, sizeof **l)))
            return -1;
        t->nlists++;
    }
    uint32_t *list = t->lists[*slot];
    for (uint32_t i = 1; i <= list[0]; i++)
        if (list[i] == entry)
            return 0;
    uint32_t *nl = realloc(list, (list[0] + 2) * sizeof *nl);
    if (!nl)
        return -1;
    nl[++nl[0]] = entry;
    t->lists[*slot] = nl;
    return 0;
}

/* Where a name comes from, for the rules of refusal and their report. */
struct origin {
    const char *file; /* "periods", "places", … */
    int line;
    bool variant;     /* from variants / romanisations */
};

static int refuse(vcm_thesaurus *t, const struct origin *o, const vcm_th_entry *e,
                  const char *text, size_t len, const char *why)
{
    /* a name written in two columns (商 in zh-Hant and zh-Hans) once */
    for (size_t i = t->nrefused; i > 0 && t->refused[i - 1].line == o->line &&
                                 t->refused[i - 1].file == o->file;
         i--)
        if (strlen(t->refused[i - 1].name) == len && memcmp(t->refused[i - 1].name, text, len) == 0)
            return 0;
    if (t->nrefused == t->caprefused) {
        size_t nc = t->caprefused ? t->caprefused * 2 : 64;
        vcm_th_refusal *nr = realloc(t->refused, nc * sizeof *nr);
        if (!nr)
            return -1;
        t->refused = nr;
        t->caprefused = nc;
    }
    vcm_th_refusal *r = &t->refused[t->nrefused++];
    r->file = o->file;
    r->line = o->line;
    r->id = e->id;
    r->name = vcm_arena_strndup(&t->arena, text, len);
    r->why = why;
    return r->name ? 0 : -1;
}

/* One code point of a script written without spaces between words (Han,
 * Hangul, kana): as a name it is also a part of countless other words. */
static bool one_character(const char *key)
{
    const unsigned char *k = (const unsigned char *)key;
    size_t n = 0;
    for (const unsigned char *p = k; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n == 1 && k[0] >= 0xe1; /* U+1000 and above */
}

/* One Latin syllable (one group of vowels): "in", "yin", "shin", "dong". */
static bool one_syllable(const char *key)
{
    size_t groups = 0;
    bool in_vowel = false;
    for (const char *p = key; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || *p == '\''))
            return false;
        bool v = strchr("aeiou", *p) != NULL;
        groups += v && !in_vowel;
        in_vowel = v;
    }
    return groups <= 1;
}

/* True when a period is named key, or key and a word for "period" (江戸
 * and 江戸時代, 에도 and 에도 시대, Edo and Edo period). */
static bool period_name(const vcm_thesaurus *t, const char *key)
{
    static const char *const suffixes[] = {"period", "dynasty", "时 代", "시대", "王 朝"};
    size_t kl = strlen(key);
    for (size_t i = 0; i < t->n; i++) {
        const vcm_th_entry *e = &t->entries[i];
        if (e->kind != VCM_TH_PERIOD)
            continue;
        for (size_t j = 0; j < e->nnames; j++) {
            const char *pk = e->names[j].key;
            if (strncmp(pk, key, kl) != 0 || (pk[kl] != 0 && pk[kl] != ' '))
                continue;
            if (pk[kl] == 0)
                return true;
            for (size_t k = 0; k < sizeof suffixes / sizeof *suffixes; k++)
                if (strcmp(pk + kl + 1, suffixes[k]) == 0)
                    return true;
        }
    }
    return false;
}

/* NULL when the name may be used, else why it may not. */
static const char *collides(const vcm_thesaurus *t, const struct origin *o,
                            const vcm_th_entry *e, const char *lang, const char *key)
{
    size_t kl = strlen(key);
    if (vcm_strmap_get(&t->common, key, kl))
        return "a common word";
    bool shortname = one_character(key) || (o->variant && one_syllable(key));
    if (shortname && strcmp(lang, "en") != 0) {
        char buf[600];
        int n = snprintf(buf, sizeof buf, "%s\t%s\t%s", o->file, e->id, key);
        if (n <= 0 || (size_t)n >= sizeof buf || !vcm_strmap_get(&t->safe, buf, (size_t)n))
            return one_character(key) ? "one character, not in safe-names.tsv: typed only"
                                      : "one syllable, not in safe-names.tsv";
    }
    if (e->kind == VCM_TH_PLACE && o->variant && period_name(t, key))
        return "also a period's name";
    return NULL;
}

static int add_name(vcm_thesaurus *t, vcm_th_entry *e, const struct origin *o, const char *lang,
                    const char *text, size_t cap)
{
    char buf[512];
    size_t len = strlen(text);
    /* "戦国時代 (中国)": the qualifier tells people apart, not queries. */
    const char *paren = strstr(text, " (");
    if (paren && text[len - 1] == ')')
        len = (size_t)(paren - text);
    if (len == 0 || len >= sizeof buf)
        return 0;
    int kl = vcm_tokenize_key(text, len, VCM_TOK_STEM, buf, sizeof buf);
    if (kl <= 0)
        return 0;
    for (size_t i = 0; i < e->nnames; i++)
        if (strcmp(e->names[i].key, buf) == 0)
            return 0;
    const char *why = collides(t, o, e, lang, buf);
    bool typed_only = why && strstr(why, "typed only");
    if (why && refuse(t, o, e, text, len, why) < 0)
        return -1;
    if ((why && !typed_only) || e->nnames == cap)
        return 0;
    vcm_th_name *nm = &e->names[e->nnames++];
    nm->typed_only = typed_only;
    nm->lang = lang;
    nm->text = vcm_arena_strndup(&t->arena, text, len);
    nm->key = vcm_arena_strdup(&t->arena, buf);
    if (!nm->text || !nm->key)
        return -1;
    size_t tokens = 1;
    for (int i = 0; i < kl; i++)
        tokens += buf[i] == ' ';
    if (tokens > t->max_tokens)
        t->max_tokens = tokens;
    return add_key(t, buf, (size_t)kl, e->index);
}

/* The lists the names are checked against: common-words.tsv (lang, word)
 * and safe-names.tsv (file, id, name, reason). */
static int parse_list(vcm_thesaurus *t, const char *file, const char *text, bool safe, char *err,
                      size_t errlen)
{
    char *copy = vcm_arena_strdup(&t->arena, text);
    if (!copy)
        return -1;
    int lineno = 0;
    for (char *line = copy, *next; line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (lineno == 1)
            continue;
        char *f[8];
        size_t nf = split(line, f, 8, '\t');
        if (nf != (safe ? 4u : 2u) || !*f[nf - (safe ? 3 : 1)]) {
            snprintf(err, errlen, "%s:%d: %s", file, lineno,
                     safe ? "want file, id, name, reason" : "want lang, word");
            return -1;
        }
        const char *word = safe ? f[2] : f[1];
        char key[512], full[600];
        int kl = vcm_tokenize_key(word, strlen(word), VCM_TOK_STEM, key, sizeof key);
        if (kl <= 0) {
            snprintf(err, errlen, "%s:%d: '%s' has no word in it", file, lineno, word);
            return -1;
        }
        int added, n = safe ? snprintf(full, sizeof full, "%s\t%s\t%s", f[0], f[1], key) : kl;
        if (n <= 0 || (size_t)n >= sizeof full) {
            snprintf(err, errlen, "%s:%d: too long", file, lineno);
            return -1;
        }
        if (!vcm_strmap_put(safe ? &t->safe : &t->common, safe ? full : key, (size_t)n, 1,
                            &added))
            return -1;
    }
    return 0;
}

static int parse_file(vcm_thesaurus *t, const char *file, const char *text, char *err,
                      size_t errlen)
{
    vcm_th_kind kind;
    struct origin o = {0};
    if (strstr(file, "periods")) {
        kind = VCM_TH_PERIOD;
        o.file = "periods";
    } else if (strstr(file, "materials")) {
        kind = VCM_TH_MATERIAL;
        o.file = "materials";
    } else if (strstr(file, "types")) {
        kind = VCM_TH_TYPE;
        o.file = "types";
    } else if (strstr(file, "places")) {
        kind = VCM_TH_PLACE;
        o.file = "places";
    } else {
        snprintf(err, errlen, "%s: not a thesaurus file (periods, materials, types, places)", file);
        return -1;
    }
    char *copy = vcm_arena_strdup(&t->arena, text);
    if (!copy)
        return -1;
    char *hdr[32];
    size_t nh = 0;
    int lineno = 0;
    for (char *line = copy, *next; line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        char *f[32];
        size_t nf = split(line, f, 32, '\t');
        o.line = lineno;
        if (lineno == 1) {
            memcpy(hdr, f, nf * sizeof *f);
            nh = nf;
            continue;
        }
        if (nf != nh) {
            snprintf(err, errlen, "%s:%d: %zu fields, the header has %zu", file, lineno, nf, nh);
            return -1;
        }
        if (t->n == t->cap) {
            size_t nc = t->cap ? t->cap * 2 : 256;
            vcm_th_entry *ne = realloc(t->entries, nc * sizeof *ne);
            if (!ne)
                return -1;
            t->entries = ne;
            t->cap = nc;
        }
        vcm_th_entry *e = &t->entries[t->n];
        memset(e, 0, sizeof *e);
        e->index = (uint32_t)t->n;
        e->kind = kind;
        size_t cap = 64;
        e->names = vcm_arena_calloc(&t->arena, cap, sizeof *e->names);
        if (!e->names)
            return -1;
        bool has_start = false, has_end = false;
        for (size_t i = 0; i < nf; i++) {
            const char *h = hdr[i];
            if (strcmp(h, "id") == 0) {
                if (!*f[i]) {
                    snprintf(err, errlen, "%s:%d: empty id", file, lineno);
                    return -1;
                }
                e->id = f[i];
            } else if (strcmp(h, "region") == 0) {
                e->regions = *f[i] ? region_bit(f[i]) : 0;
                if (*f[i] && !e->regions) {
                    snprintf(err, errlen, "%s:%d: unknown region '%s'", file, lineno, f[i]);
                    return -1;
                }
            } else if (strcmp(h, "start") == 0 || strcmp(h, "end") == 0) {
                char *endp;
                long y = strtol(f[i], &endp, 10);
                if (!*f[i] || *endp || y < -100000 || y > 2100) {
                    snprintf(err, errlen, "%s:%d: %s '%s' is not a year", file, lineno, h, f[i]);
                    return -1;
                }
                if (h[0] == 's') {
                    e->start = (int32_t)y;
                    has_start = true;
                } else {
                    e->end = (int32_t)y;
                    has_end = true;
                }
            } else if (strcmp(h, "variants") == 0 || strcmp(h, "romanisations") == 0) {
                char *v[64];
                size_t nv = *f[i] ? split(f[i], v, 64, '|') : 0;
                o.variant = true;
                for (size_t j = 0; j < nv; j++)
                    if (add_name(t, e, &o, "", v[j], cap) < 0)
                        return -1;
                o.variant = false;
            } else {
                for (size_t l = 0; l < NLANGS; l++)
                    if (strcmp(h, langs[l]) == 0 && *f[i] &&
                        add_name(t, e, &o, langs[l], f[i], cap) < 0)
                        return -1;
            }
        }
        if (has_start && has_end) {
            if (e->start > e->end) {
                snprintf(err, errlen, "%s:%d: start %d is after end %d", file, lineno, e->start,
                         e->end);
                return -1;
            }
            e->has_years = true;
        }
        if (!e->id || !e->nnames) {
            snprintf(err, errlen, "%s:%d: no id or no name", file, lineno);
            return -1;
        }
        t->n++;
    }
    return 0;
}

vcm_thesaurus *vcm_thesaurus_parse(const char *const *files, const char *const *texts,
                                   size_t nfiles, char *err, size_t errlen)
{
    vcm_thesaurus *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    vcm_arena_init(&t->arena, 0);
    vcm_strmap_init(&t->keys);
    vcm_strmap_init(&t->common);
    vcm_strmap_init(&t->safe);
    *err = 0;
    /* the lists first, then the periods (a place's name is checked against
     * them), then the rest */
    for (int phase = 0; phase < 3; phase++)
        for (size_t i = 0; i < nfiles; i++) {
            bool common = strstr(files[i], "common-words") != NULL;
            bool safe = strstr(files[i], "safe-names") != NULL;
            bool periods = strstr(files[i], "periods") != NULL;
            int want = common || safe ? 0 : periods ? 1 : 2;
            if (want != phase)
                continue;
            int rc = phase == 0 ? parse_list(t, files[i], texts[i], safe, err, errlen)
                                : parse_file(t, files[i], texts[i], err, errlen);
            if (rc < 0) {
                if (!*err)
                    snprintf(err, errlen, "%s: out of memory", files[i]);
                vcm_thesaurus_free(t);
                return NULL;
            }
        }
    return t;
}

void vcm_thesaurus_free(vcm_thesaurus *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nlists; i++)
        free(t->lists[i]);
    free(t->lists);
    free(t->entries);
    free(t->refused);
    vcm_strmap_release(&t->keys);
    vcm_strmap_release(&t->common);
    vcm_strmap_release(&t->safe);
    vcm_arena_release(&t->arena);
    free(t);
}

static vcm_thesaurus *builtin;

static void load_builtin(void)
{
    const char *files[16], *texts[16];
    size_t n = 0;
    for (size_t i = 0; i < vcm_assets_count && n < 16; i++)
        if (strncmp(vcm_assets[i].path, "thesaurus/", 10) == 0 &&
            strstr(vcm_assets[i].path, ".tsv") &&
            strcmp(vcm_assets[i].path, "thesaurus/names.tsv") != 0) { /* names.c reads it */
            files[n] = vcm_assets[i].path;
            texts[n++] = (const char *)vcm_assets[i].data;
        }
    char err[512];
    builtin = vcm_thesaurus_parse(files, texts, n, err, sizeof err);
    if (!builtin)
        vcm_error("the built-in thesaurus is malformed", "error=\"%s\"", err);
}

const vcm_thesaurus *vcm_thesaurus_builtin(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load_builtin);
    return builtin;
}

size_t vcm_thesaurus_count(const vcm_thesaurus *t)
{
    return t ? t->n : 0;
}

const vcm_th_entry *vcm_thesaurus_entry(const vcm_thesaurus *t, size_t i)
{
    return &t->entries[i];
}

size_t vcm_thesaurus_lookup(const vcm_thesaurus *t, const char *key, size_t keylen,
                            const vcm_th_entry **out, size_t max)
{
    if (!t)
        return 0;
    const uint32_t *slot = vcm_strmap_get(&t->keys, key, keylen);
    if (!slot)
        return 0;
    const uint32_t *list = t->lists[*slot];
    size_t n = 0;
    for (uint32_t i = 1; i <= list[0] && n < max; i++)
        out[n++] = &t->entries[list[i]];
    return n;
}

size_t vcm_thesaurus_first(const vcm_thesaurus *t, vcm_th_kind kind)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (t->entries[i].kind == kind)
            return i;
    return t ? t->n : 0;
}

size_t vcm_thesaurus_max_tokens(const vcm_thesaurus *t)
{
    return t ? t->max_tokens : 0;
}

const char *vcm_th_label(const vcm_th_entry *e)
{
    for (size_t i = 0; i < e->nnames; i++)
        if (strcmp(e->names[i].lang, "en") == 0)
            return e->names[i].text;
    return e->names[0].text;
}

int vcm_thesaurus_material(const vcm_thesaurus *t, const char *id)
{
    size_t first = vcm_thesaurus_first(t, VCM_TH_MATERIAL);
    for (size_t i = first; i < vcm_thesaurus_count(t) && i < first + 64; i++) {
        const vcm_th_entry *e = vcm_thesaurus_entry(t, i);
        if (e->kind == VCM_TH_MATERIAL && strcmp(e->id, id) == 0)
            return (int)(i - first);
    }
    return -1;
}

size_t vcm_thesaurus_refused(const vcm_thesaurus *t, const vcm_th_refusal **out)
{
    *out = t ? t->refused : NULL;
    return t ? t->nrefused : 0;
}
