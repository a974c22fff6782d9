/* Terms to concepts; see terms.h and docs/internals/terms.md. */
#include "search/terms.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/asset.h"
#include "model/rights.h"
#include "search/tokenize.h"
#include "core/banned.h"

/* Changed whenever the rules below or in model/rights.c read a term
 * otherwise: every stored key is then derived again. */
#define TERMS_RULES "terms 1; rights 1"

/* Copies at most cap - 1 bytes of s[0..n) into out, not cutting a UTF-8
 * character. */
static size_t put(char *out, size_t cap, const char *s, size_t n)
{
    if (n >= cap) {
        n = cap - 1;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, s, n);
    out[n] = 0;
    return n;
}

/* Which of the entries named by one key a term means: an object type
 * before a material, and among those the one whose English name it is
 * ("dish" is the dish, not the plate that has "dish" among its variants). */
static const vcm_th_entry *pick(const vcm_th_entry *const *e, size_t n, const char *key,
                                size_t kl)
{
    static const vcm_th_kind kinds[] = {VCM_TH_TYPE, VCM_TH_MATERIAL};
    for (size_t k = 0; k < 2; k++) {
        const vcm_th_entry *first = NULL;
        for (size_t i = 0; i < n; i++) {
            if (e[i]->kind != kinds[k])
                continue;
            if (!first)
                first = e[i];
            for (size_t j = 0; j < e[i]->nnames; j++)
                if (strcmp(e[i]->names[j].lang, "en") == 0 &&
                    strlen(e[i]->names[j].key) == kl && memcmp(e[i]->names[j].key, key, kl) == 0)
                    return e[i];
        }
        if (first)
            return first;
    }
    return NULL;
}

/* The concept s[0..n) names as a whole, or NULL. */
static const vcm_th_entry *concept_of(const char *s, size_t n)
{
    const vcm_thesaurus *th = vcm_thesaurus_builtin();
    char key[VCM_TERMS_KEY_MAX];
    if (!th || !n)
        return NULL;
    int kl = vcm_tokenize_key(s, n, VCM_TOK_STEM, key, sizeof key);
    if (kl <= 0)
        return NULL;
    const vcm_th_entry *e[16];
    size_t m = vcm_thesaurus_lookup(th, key, (size_t)kl, e, 16);
    return pick(e, m, key, (size_t)kl);
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* The concept one part of a classification names: the whole part, else
 * the word before a hyphen ("Textiles-Woven": a kind of textile), else the
 * last of its comma-separated pieces ("on paper, print"). */
static const vcm_th_entry *part_concept(const char *s, size_t n)
{
    trim(&s, &n);
    const vcm_th_entry *e = concept_of(s, n);
    if (e)
        return e;
    const char *h = memchr(s, '-', n);
    if (h && h > s && h[-1] != ' ' && (e = concept_of(s, (size_t)(h - s))))
        return e;
    const char *c = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == ',' && s[i + 1] == ' ')
            c = s + i + 2;
    if (c && (e = concept_of(c, (size_t)(s + n - c))))
        return e;
    return NULL;
}

size_t vcm_terms_type_key(const char *cls, char *out, size_t cap)
{
    if (cap < 2)
        return 0;
    out[0] = 0;
    if (!cls || !*cls)
        return 0;
    /* "Paintings; Calligraphy", "Fans|Paintings": the first part the
     * thesaurus knows gives the concept */
    for (const char *p = cls; *p;) {
        size_t n = strcspn(p, ";|");
        const vcm_th_entry *e = part_concept(p, n);
        if (e)
            return put(out, cap, e->id, strlen(e->id));
        p += n;
        if (*p)
            p++;
    }
    char key[VCM_TERMS_KEY_MAX];
    int kl = vcm_tokenize_key(cls, strlen(cls), VCM_TOK_STEM, key, sizeof key);
    if (kl <= 0)
        return 0;
    out[0] = '~';
    return 1 + put(out + 1, cap - 1, key, (size_t)kl);
}

const vcm_th_entry *vcm_terms_concept(const char *key)
{
    const vcm_thesaurus *th = vcm_thesaurus_builtin();
    if (!th || !key || key[0] == '~')
        return NULL;
    const vcm_th_entry *material = NULL;
    for (size_t i = 0; i < vcm_thesaurus_count(th); i++) {
        const vcm_th_entry *e = vcm_thesaurus_entry(th, i);
        if (strcmp(e->id, key) != 0)
            continue;
        if (e->kind == VCM_TH_TYPE)
            return e;
        if (e->kind == VCM_TH_MATERIAL)
            material = e;
    }
    return material;
}

size_t vcm_terms_filter_key(const char *value, char *out, size_t cap)
{
    if (cap < 2 || !value || !*value) {
        if (cap)
            out[0] = 0;
        return 0;
    }
    if (value[0] == '~' || vcm_terms_concept(value))
        return put(out, cap, value, strlen(value));
    return vcm_terms_type_key(value, out, cap);
}

/* As the search index finds materials in a text (runs of up to the
 * thesaurus' longest name, in words), so that both find the same. */
size_t vcm_terms_materials(const char *text, const char **ids, size_t max)
{
    const vcm_thesaurus *th = vcm_thesaurus_builtin();
    if (!th || !text || !*text || !max)
        return 0;
    char key[1024];
    int kl = vcm_tokenize_key(text, strlen(text), VCM_TOK_STEM, key, sizeof key);
    if (kl <= 0)
        return 0;
    size_t maxt = vcm_thesaurus_max_tokens(th), first = vcm_thesaurus_first(th, VCM_TH_MATERIAL);
    size_t starts[256], ns = 0;
    starts[ns++] = 0;
    for (int i = 0; i < kl && ns < 256; i++)
        if (key[i] == ' ')
            starts[ns++] = (size_t)i + 1;
    uint64_t bits = 0;
    for (size_t s = 0; s < ns; s++)
        for (size_t len = 1; len <= maxt && s + len <= ns; len++) {
            size_t end = s + len < ns ? starts[s + len] - 1 : (size_t)kl;
            const vcm_th_entry *e[8];
            size_t n = vcm_thesaurus_lookup(th, key + starts[s], end - starts[s], e, 8);
            for (size_t i = 0; i < n; i++)
                if (e[i]->kind == VCM_TH_MATERIAL && e[i]->index - first < 64)
                    bits |= 1ull << (e[i]->index - first);
        }
    size_t n = 0;
    for (; bits && n < max; bits &= bits - 1)
        ids[n++] = vcm_thesaurus_entry(th, first + (size_t)__builtin_ctzll(bits))->id;
    return n;
}

/* What the stored keys were derived with: the rules and the two thesaurus
 * files, hashed. */
static void version(char out[33])
{
    static const char *const files[] = {"thesaurus/types.tsv", "thesaurus/materials.tsv"};
    crypto_generichash_state h;
    unsigned char bin[16];
    crypto_generichash_init(&h, NULL, 0, sizeof bin);
    crypto_generichash_update(&h, (const unsigned char *)TERMS_RULES, strlen(TERMS_RULES));
    for (size_t i = 0; i < 2; i++) {
        const struct vcm_asset *f = vcm_asset_find(files[i]);
        if (f)
            crypto_generichash_update(&h, f->data, f->len);
    }
    crypto_generichash_final(&h, bin, sizeof bin);
    sodium_bin2hex(out, 33, bin, sizeof bin);
}

#define BATCH 500

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* One batch: the terms of the objects ids, and with reread their rights. */
static int batch(vcm_store *s, vcm_arena *a, const int64_t *ids, size_t n, bool reread)
{
    vcm_object *o = vcm_arena_calloc(a, n, sizeof *o);
    bool *found = vcm_arena_calloc(a, n, sizeof *found);
    vcm_term *t = vcm_arena_calloc(a, n * 17, sizeof *t);
    if (!o || !found || !t)
        return vcm_store_fail(s, "out of memory deriving terms");
    if (s->ops->object_get_many(s, a, ids, n, o, found) < 0)
        return -1;
    size_t nt = 0;
    for (size_t i = 0; i < n; i++) {
        if (!found[i])
            continue;
        char key[VCM_TERMS_KEY_MAX];
        if (vcm_terms_type_key(o[i].classification, key, sizeof key))
            t[nt++] = (vcm_term){o[i].id, "type", vcm_arena_strdup(a, key)};
        const char *m[16];
        size_t nm = vcm_terms_materials(o[i].materials, m, 16);
        /* the technique adds what the medium did not name */
        const char *tm[16];
        size_t ntm = vcm_terms_materials(o[i].technique, tm, 16);
        for (size_t j = 0; j < ntm && nm < 16; j++) {
            bool dup = false;
            for (size_t k = 0; k < nm && !dup; k++)
                dup = strcmp(m[k], tm[j]) == 0;
            if (!dup)
                m[nm++] = tm[j];
        }
        for (size_t j = 0; j < nm; j++)
            t[nt++] = (vcm_term){o[i].id, "material", m[j]};
        if (reread && o[i].source_licence) {
            vcm_rights_info ri;
            if (vcm_rights_read(o[i].source_licence, a, &ri) < 0)
                return vcm_store_fail(s, "out of memory reading rights");
            if ((!same(ri.object, o[i].rights) || !same(ri.metadata, o[i].licence)) &&
                s->ops->rights_put(s, o[i].id, ri.object, ri.metadata) < 0)
                return -1;
        }
    }
    for (size_t i = 0; i < nt; i++)
        if (!t[i].term)
            return vcm_store_fail(s, "out of memory deriving terms");
    return s->ops->terms_replace(s, ids, n, t, nt);
}

int vcm_terms_sync(vcm_store *s, size_t *done, char *err, size_t errlen)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int rc = -1;
    char want[33], num[32];
    int64_t ids[BATCH], seqs[BATCH], after = 0;
    size_t n = 0;
    bool reread = false, began = false;
    if (done)
        *done = 0;
    version(want);
    const char *have = NULL, *seq = NULL;
    if (s->ops->meta_get(s, &a, "terms.version", &have) < 0 ||
        s->ops->meta_get(s, &a, "terms.seq", &seq) < 0)
        goto out;
    if (!have || strcmp(have, want) != 0)
        reread = true; /* from the start, by the current rules */
    else if (seq)
        after = strtoll(seq, NULL, 10);
    for (;;) {
        vcm_arena_reset(&a);
        if (vcm_store_begin(s) < 0)
            goto out;
        began = true;
        if (s->ops->changes_since(s, after, ids, seqs, BATCH, &n) < 0)
            goto out;
        if (n && batch(s, &a, ids, n, reread) < 0)
            goto out;
        if (n)
            after = seqs[n - 1];
        snprintf(num, sizeof num, "%lld", (long long)after);
        if (s->ops->meta_put(s, "terms.seq", num) < 0 ||
            (!n && s->ops->meta_put(s, "terms.version", want) < 0))
            goto out;
        if (vcm_store_commit(s) < 0)
            goto out;
        began = false;
        if (done)
            *done += n;
        if (!n)
            break;
    }
    rc = 0;
out:
    if (rc < 0) {
        snprintf(err, errlen, "cannot derive the objects' concepts: %s", vcm_store_error(s));
        if (began)
            vcm_store_rollback(s);
    }
    vcm_arena_release(&a);
    return rc;
}
