/* The search index: documents, the term dictionary and postings.
 *
 * Design:
 * - Documents are numbered densely in the order they are put (docnum). A
 *   replaced or removed document stays as a dead number until
 *   vcm_index_settle() finds a quarter of them dead and compacts.
 * - Each term has its postings in docnum order: the docnum, the weighted
 *   frequency wtf (an occurrence in a title counts 5, in a creator 3, …,
 *   capped at 255) and the offset of its positions. Positions are varints:
 *   a count, then deltas; each position has the field in its top 3 bits.
 *   Putting a document only appends, since its docnum is the highest.
 * - BM25 is computed when searching, from wtf, the document's weighted
 *   length and the current average, so scores never go stale.
 * - The dictionary is a hash map (term -> id) plus an array of ids sorted by
 *   text for prefixes and spelling; terms added since the last sort sit in
 *   a short unsorted tail. Autocomplete works the same way on its keys.
 * - A loaded file is one block: arrays point into it and are copied out on
 *   their first append (cap == 0 means borrowed).
 * - One rwlock: searches read, putting and compacting write. */
#include "search/index.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicode/ucol.h>

#include "core/strmap.h"
#include "model/model.h"
#include "search/index_int.h"
#include "search/thesaurus.h"
#include "search/tokenize.h"
#include "core/banned.h"

static const uint8_t field_weight[VCM_IF_COUNT] = {5, 3, 2, 2, 2, 1, 1, 1};

/* ---- small growable arrays ---- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 8;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * size);
    if (!np)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

static size_t put_varint(uint8_t *b, uint32_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        b[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b[n++] = (uint8_t)v;
    return n;
}

/* ---- object id -> docnum ---- */

static uint64_t mix(int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
}

int vcm_index_idmap_grow(vcm_index *x)
{
    size_t ns = x->idslots ? x->idslots * 2 : 1024;
    struct idslot *s = calloc(ns, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < x->idslots; i++) {
        if (!x->ids[i].used)
            continue;
        size_t j = mix(x->ids[i].id) & (ns - 1);
        while (s[j].used)
            j = (j + 1) & (ns - 1);
        s[j] = x->ids[i];
    }
    free(x->ids);
    x->ids = s;
    x->idslots = ns;
    return 0;
}

struct idslot *vcm_index_idslot(const vcm_index *x, int64_t id, bool *found)
{
    size_t mask = x->idslots - 1;
    for (size_t j = mix(id) & mask;; j = (j + 1) & mask) {
        if (!x->ids[j].used) {
            *found = false;
            return &x->ids[j];
        }
        if (x->ids[j].id == id) {
            *found = true;
            return &x->ids[j];
        }
    }
}

/* ---- lifecycle ---- */

vcm_index *vcm_index_new(void)
{
    vcm_index *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    pthread_rwlock_init(&x->lock, NULL);
    vcm_strmap_init(&x->dict);
    vcm_strmap_init(&x->classes);
    vcm_strmap_init(&x->skeys);
    vcm_strmap_init(&x->stexts);
    if (vcm_index_idmap_grow(x) < 0) {
        vcm_index_free(x);
        return NULL;
    }
    return x;
}

static void term_release(struct term *t)
{
    if (t->cap) {
        free(t->docs);
        free(t->wtf);
        free(t->poff);
    }
    if (t->pcap)
        free(t->pos);
    free(atomic_load_explicit(&t->bits, memory_order_relaxed));
    memset(t, 0, sizeof *t);
}

/* Sets doc's bit in a term's bits, growing them to reach it; drops them
 * when they cannot grow (the phrase then looks doc up in docs). */
static void bits_add(struct term *t, uint32_t doc)
{
    struct tbits *b = atomic_load_explicit(&t->bits, memory_order_relaxed);
    if (!b)
        return;
    size_t w = doc / 64;
    if (w >= b->words) {
        size_t words = b->words * 2 > w + 1 ? b->words * 2 : w + 1;
        struct tbits *nb = realloc(b, sizeof *b + words * sizeof b->w[0]);
        if (!nb) {
            free(b);
            atomic_store_explicit(&t->bits, NULL, memory_order_relaxed);
            return;
        }
        memset(nb->w + nb->words, 0, (words - nb->words) * sizeof nb->w[0]);
        nb->words = words;
        b = nb;
        atomic_store_explicit(&t->bits, b, memory_order_relaxed);
    }
    b->w[w] |= (uint64_t)1 << (doc % 64);
}

void vcm_index_free(vcm_index *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->nterms; i++)
        term_release(&x->terms[i]);
    free(x->terms);
    free(x->sorted);
    free(x->docs);
    free(x->dl);
    free(x->gone);
    free(x->ids);
    for (size_t i = 0; i < x->nmuseums; i++)
        free(x->museums[i].name);
    free(x->museums);
    vcm_strmap_release(&x->dict);
    vcm_strmap_release(&x->classes);
    vcm_strmap_release(&x->skeys);
    vcm_strmap_release(&x->stexts);
    free(x->skey_entry);
    free(x->ssorted);
    free(x->sentries);
    free(x->dsoff);
    free(x->dsent);
    if (x->file)
        munmap(x->file, x->file_size);
    pthread_rwlock_destroy(&x->lock);
    free(x);
}

void vcm_index_lock_read(vcm_index *x)
{
    pthread_rwlock_rdlock(&x->lock);
}

void vcm_index_lock_write(vcm_index *x)
{
    pthread_rwlock_wrlock(&x->lock);
}

void vcm_index_unlock(vcm_index *x)
{
    pthread_rwlock_unlock(&x->lock);
}

void vcm_index_get_meta(vcm_index *x, vcm_index_meta *m)
{
    *m = x->meta;
}

void vcm_index_set_meta(vcm_index *x, const vcm_index_meta *m)
{
    x->meta = *m;
}

void vcm_index_stats_get(vcm_index *x, vcm_index_stats *s)
{
    memset(s, 0, sizeof *s);
    s->docs = x->live;
    s->terms = x->nterms;
    for (size_t i = 0; i < x->nterms; i++) {
        s->postings += x->terms[i].n;
        s->bytes += x->terms[i].n * 9u + x->terms[i].plen;
    }
    s->bytes += x->ndocs * sizeof *x->docs + x->dict.bloblen + x->nterms * sizeof *x->terms;
}

/* ---- preparing a document ---- */

struct prep_term {
    uint32_t wtf;
    uint32_t npos, cappos;
    uint32_t *pos;
};

struct vcm_index_prep {
    struct idoc doc;
    int64_t museum_id;
    char *museum_name;
    char country[3];
    uint8_t region;
    char *classification;
    vcm_strmap terms; /* term -> index into t */
    struct prep_term *t;
    size_t cap;
    char **suggest;   /* [0] = title */
    uint8_t *skind;
    size_t nsuggest;
    int fail;
};

struct tokctx {
    vcm_index_prep *p;
    int field;
    uint32_t base;    /* position of this text's first token within its field */
    uint32_t last;    /* highest position seen */
    uint32_t dl;
};

static int on_token(const vcm_token *tk, void *ud)
{
    struct tokctx *c = ud;
    vcm_index_prep *p = c->p;
    int added;
    uint32_t *slot = vcm_strmap_put(&p->terms, tk->text, tk->len, (uint32_t)p->terms.n, &added);
    if (!slot || grow((void **)&p->t, &p->cap, p->terms.n, sizeof *p->t) < 0) {
        p->fail = 1;
        return 1;
    }
    struct prep_term *t = &p->t[*slot];
    if (added)
        memset(t, 0, sizeof *t);
    uint32_t pos = c->base + tk->pos;
    if (pos > VCM_IPOS_MAX)
        pos = VCM_IPOS_MAX;
    if (pos > c->last)
        c->last = pos;
    uint32_t w = field_weight[c->field];
    t->wtf = t->wtf + w > 255 ? 255 : t->wtf + w;
    c->dl += w;
    /* A Hangul word and its bigram can be the same text at one position. */
    uint32_t enc = ((uint32_t)c->field << VCM_IPOS_BITS) | pos;
    if (t->npos && t->pos[t->npos - 1] == enc)
        return 0;
    size_t cp = t->cappos;
    if (grow((void **)&t->pos, &cp, t->npos + 1, sizeof *t->pos) < 0) {
        p->fail = 1;
        return 1;
    }
    t->cappos = (uint32_t)cp;
    t->pos[t->npos++] = enc;
    return 0;
}

/* Thesaurus concepts named in a text: materials as bits, places and period
 * names as regions. Runs of up to max_tokens keys are looked up. */
struct concepts {
    uint64_t materials;
    uint8_t regions;
};

static void find_concepts(const char *text, struct concepts *c)
{
    const vcm_thesaurus *th = vcm_thesaurus_builtin();
    if (!th || !*text)
        return;
    char key[1024];
    int kl = vcm_tokenize_key(text, strlen(text), VCM_TOK_STEM, key, sizeof key);
    if (kl <= 0)
        return;
    size_t maxt = vcm_thesaurus_max_tokens(th);
    /* word starts */
    size_t starts[256], ns = 0;
    starts[ns++] = 0;
    for (int i = 0; i < kl && ns < 256; i++)
        if (key[i] == ' ')
            starts[ns++] = (size_t)i + 1;
    for (size_t s = 0; s < ns; s++) {
        for (size_t len = 1; len <= maxt && s + len <= ns; len++) {
            size_t end = s + len < ns ? starts[s + len] - 1 : (size_t)kl;
            const vcm_th_entry *e[8];
            size_t n = vcm_thesaurus_lookup(th, key + starts[s], end - starts[s], e, 8);
            for (size_t i = 0; i < n; i++) {
                if (e[i]->kind == VCM_TH_MATERIAL) {
                    size_t bit = e[i]->index - vcm_thesaurus_first(th, VCM_TH_MATERIAL);
                    if (bit < 64)
                        c->materials |= 1ull << bit;
                }
                if (e[i]->kind == VCM_TH_PLACE || e[i]->kind == VCM_TH_PERIOD)
                    c->regions |= (uint8_t)e[i]->regions;
            }
        }
    }
}

static __thread UCollator *collator;
static pthread_key_t collator_key;
static pthread_once_t collator_once = PTHREAD_ONCE_INIT;

/* Closed when its thread ends. */
static void collator_close(void *p)
{
    (void)p;
    if (collator)
        ucol_close(collator);
    collator = NULL;
}

static void collator_key_make(void)
{
    pthread_key_create(&collator_key, collator_close);
}

static uint64_t title_key(const char *title)
{
    if (!title || !*title)
        return UINT64_MAX;
    UErrorCode st = U_ZERO_ERROR;
    if (!collator) {
        collator = ucol_open("", &st);
        if (U_FAILURE(st)) {
            collator = NULL;
            return UINT64_MAX;
        }
        pthread_once(&collator_once, collator_key_make);
        pthread_setspecific(collator_key, (void *)1);
        ucol_setStrength(collator, UCOL_SECONDARY);
    }
    UChar u[256];
    int32_t ul = 0;
    st = U_ZERO_ERROR;
    u_strFromUTF8(u, 256, &ul, title, -1, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR || st == U_STRING_NOT_TERMINATED_WARNING)
        ul = 255, st = U_ZERO_ERROR;
    if (U_FAILURE(st))
        return UINT64_MAX - 1;
    uint8_t k[64] = {0};
    ucol_getSortKey(collator, u, ul, k, sizeof k);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | k[i];
    return v == UINT64_MAX ? UINT64_MAX - 1 : v;
}

static int cmp_pos(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

void vcm_index_prep_free(vcm_index_prep *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->terms.n; i++)
        free(p->t[i].pos);
    free(p->t);
    vcm_strmap_release(&p->terms);
    for (size_t i = 0; i < p->nsuggest; i++)
        free(p->suggest[i]);
    free(p->suggest);
    free(p->skind);
    free(p->museum_name);
    free(p->classification);
    free(p);
}

vcm_index_prep *vcm_index_prepare(const vcm_index_doc *d)
{
    vcm_index_prep *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    vcm_strmap_init(&p->terms);
    p->doc.id = d->id;
    p->doc.ds = d->date_start;
    p->doc.de = d->date_end;
    p->doc.flags = d->flags;
    memcpy(p->doc.ocountry, d->origin_country, 2);
    p->doc.oregion = d->origin_region < VCM_ORIGIN_NREGIONS ? d->origin_region : 0;
    p->doc.title_key = title_key(d->sort_title);
    p->museum_id = d->museum_id;
    memcpy(p->country, d->country, 3);
    p->region = d->region;
    p->museum_name = strdup(d->museum_name ? d->museum_name : "");
    p->classification = strdup(d->classification ? d->classification : "");
    p->suggest = calloc(d->nsuggest + 1, sizeof *p->suggest);
    p->skind = calloc(d->nsuggest + 1, 1);
    if (!p->museum_name || !p->classification || !p->suggest || !p->skind)
        goto fail;
    if (d->sort_title && *d->sort_title) {
        p->skind[p->nsuggest] = VCM_SUGGEST_TITLE;
        if (!(p->suggest[p->nsuggest++] = strdup(d->sort_title)))
            goto fail;
    }
    for (size_t i = 0; i < d->nsuggest; i++)
        if (d->suggest[i] && *d->suggest[i]) {
            p->skind[p->nsuggest] = VCM_SUGGEST_CREATOR;
            if (!(p->suggest[p->nsuggest++] = strdup(d->suggest[i])))
                goto fail;
        }
    uint32_t next[VCM_IF_COUNT] = {0};
    uint32_t dl = 0;
    struct concepts cc = {0, 0};
    for (size_t i = 0; i < d->ntexts; i++) {
        int f = d->texts[i].field;
        const char *s = d->texts[i].text;
        if (!s || !*s || f < 0 || f >= VCM_IF_COUNT)
            continue;
        /* materials from the material statement, places from the culture:
         * a title that mentions Korea is not a Korean object */
        if (f == VCM_IF_MATERIAL || f == VCM_IF_CULTURE) {
            struct concepts one = {0, 0};
            find_concepts(s, &one);
            if (f == VCM_IF_MATERIAL)
                cc.materials |= one.materials;
            else
                cc.regions |= one.regions;
        }
        struct tokctx c = {p, f, next[f], next[f], 0};
        if (vcm_tokenize(s, strlen(s), VCM_TOK_STEM, on_token, &c) < 0)
            continue; /* not text: nothing of it is indexed */
        if (p->fail)
            goto fail;
        next[f] = c.last + 50 > VCM_IPOS_MAX ? VCM_IPOS_MAX : c.last + 50;
        dl += c.dl;
    }
    /* a term's positions, field by field in ascending order (texts of
     * different fields come in any order) */
    for (size_t i = 0; i < p->terms.n; i++)
        if (p->t[i].npos > 1)
            qsort(p->t[i].pos, p->t[i].npos, sizeof *p->t[i].pos, cmp_pos);
    p->doc.materials = cc.materials;
    p->doc.places = cc.regions;
    p->doc.dl = dl > 65535 ? 65535 : (uint16_t)dl;
    return p;
fail:
    vcm_index_prep_free(p);
    return NULL;
}

/* ---- putting and removing ---- */

static uint32_t museum_index(vcm_index *x, const vcm_index_prep *p)
{
    for (size_t i = 0; i < x->nmuseums; i++)
        if (x->museums[i].id == p->museum_id) {
            struct museum *m = &x->museums[i];
            if (strcmp(m->name, p->museum_name) != 0) {
                char *n = strdup(p->museum_name);
                if (n) {
                    free(m->name);
                    m->name = n;
                    x->museums_unsorted = true;
                }
            }
            memcpy(m->country, p->country, 3);
            m->region = p->region;
            return (uint32_t)i;
        }
    if (grow((void **)&x->museums, &x->capmuseums, x->nmuseums + 1, sizeof *x->museums) < 0)
        return UINT32_MAX;
    struct museum *m = &x->museums[x->nmuseums];
    memset(m, 0, sizeof *m);
    if (!(m->name = strdup(p->museum_name)))
        return UINT32_MAX;
    m->id = p->museum_id;
    memcpy(m->country, p->country, 3);
    m->region = p->region;
    m->rank = (uint32_t)x->nmuseums;
    x->museums_unsorted = true;
    return (uint32_t)x->nmuseums++;
}

void vcm_index_remove(vcm_index *x, int64_t object_id)
{
    bool found;
    struct idslot *s = vcm_index_idslot(x, object_id, &found);
    if (!found || (x->docs[s->doc].flags & VCM_IDOC_DEAD))
        return;
    struct idoc *d = &x->docs[s->doc];
    d->flags |= VCM_IDOC_DEAD;
    x->gone[s->doc] = 1;
    for (uint32_t k = x->dsoff[s->doc]; k < x->dsoff[s->doc + 1]; k++)
        if (x->sentries[x->dsent[k]].weight)
            x->sentries[x->dsent[k]].weight--;
    x->live--;
    x->sumdl -= d->dl;
    x->dead++;
}

static int term_append(struct term *t, uint32_t doc, const struct prep_term *pt)
{
    if (!t->cap && t->n) { /* borrowed from a loaded file: copy out first */
        size_t n = t->n;
        uint32_t *docs = malloc(n * 2 * sizeof *docs);
        uint8_t *wtf = malloc(n * 2);
        uint32_t *poff = malloc(n * 2 * sizeof *poff);
        if (!docs || !wtf || !poff) {
            free(docs);
            free(wtf);
            free(poff);
            return -1;
        }
        memcpy(docs, t->docs, n * sizeof *docs);
        memcpy(wtf, t->wtf, n);
        memcpy(poff, t->poff, n * sizeof *poff);
        t->docs = docs;
        t->wtf = wtf;
        t->poff = poff;
        t->cap = (uint32_t)(n * 2);
    }
    if (!t->pcap && t->plen) {
        uint8_t *pos = malloc((size_t)t->plen * 2);
        if (!pos)
            return -1;
        memcpy(pos, t->pos, t->plen);
        t->pos = pos;
        t->pcap = t->plen * 2;
    }
    if (t->n == t->cap) {
        size_t c = t->cap, c2 = t->cap, c3 = t->cap;
        if (grow((void **)&t->docs, &c, t->n + 1, sizeof *t->docs) < 0 ||
            grow((void **)&t->wtf, &c2, t->n + 1, 1) < 0 ||
            grow((void **)&t->poff, &c3, t->n + 1, sizeof *t->poff) < 0)
            return -1;
        t->cap = (uint32_t)c;
        assert(c == c2 && c == c3);
    }
    size_t need = t->plen + 5u * (pt->npos + 1);
    if (need > UINT32_MAX)
        return -1;
    size_t pc = t->pcap;
    if (grow((void **)&t->pos, &pc, need, 1) < 0)
        return -1;
    t->pcap = (uint32_t)pc;
    t->docs[t->n] = doc;
    t->wtf[t->n] = (uint8_t)pt->wtf;
    t->poff[t->n] = t->plen;
    t->n++;
    bits_add(t, doc);
    uint8_t *b = t->pos + t->plen;
    size_t o = put_varint(b, pt->npos);
    uint32_t prev = 0;
    for (uint32_t i = 0; i < pt->npos; i++) {
        o += put_varint(b + o, pt->pos[i] - prev);
        prev = pt->pos[i];
    }
    t->plen += (uint32_t)o;
    return 0;
}

static int suggest_add(vcm_index *x, const char *text, uint8_t kind, uint32_t weight,
                       uint32_t *entry_out);

int vcm_index_put(vcm_index *x, vcm_index_prep *p)
{
    int rc = -1;
    if (x->ndocs >= VCM_IDOC_MAX)
        goto out;
    if ((x->nids + 1) * 2 > x->idslots && vcm_index_idmap_grow(x) < 0)
        goto out;
    if (grow((void **)&x->docs, &x->capdocs, x->ndocs + 1, sizeof *x->docs) < 0 ||
        grow((void **)&x->dl, &x->capdl, x->ndocs + 1, sizeof *x->dl) < 0 ||
        grow((void **)&x->gone, &x->capgone, x->ndocs + 1, 1) < 0)
        goto out;
    uint32_t m = museum_index(x, p);
    if (m == UINT32_MAX)
        goto out;
    int added;
    uint32_t *cls = vcm_strmap_put(&x->classes, p->classification, strlen(p->classification),
                                   (uint32_t)x->classes.n, &added);
    if (!cls)
        goto out;
    /* Grow the term table first, so that no failure comes after the first
     * posting is appended (a half-put document would be searchable). */
    size_t newterms = 0;
    for (size_t i = 0; i < p->terms.n; i++) {
        size_t kl;
        const char *k = vcm_strmap_key(&p->terms, i, &kl);
        if (!vcm_strmap_get(&x->dict, k, kl))
            newterms++;
    }
    if (grow((void **)&x->terms, &x->capterms, x->nterms + newterms, sizeof *x->terms) < 0 ||
        x->ndsent + p->nsuggest > UINT32_MAX ||
        grow((void **)&x->dsoff, &x->capdsoff, x->ndocs + 2, sizeof *x->dsoff) < 0 ||
        grow((void **)&x->dsent, &x->capdsent, x->ndsent + p->nsuggest + 1, sizeof *x->dsent) < 0)
        goto out;
    vcm_index_remove(x, p->doc.id);
    uint32_t doc = (uint32_t)x->ndocs;
    x->dsoff[doc] = (uint32_t)x->ndsent;
    for (size_t i = 0; i < p->terms.n; i++) {
        size_t kl;
        const char *k = vcm_strmap_key(&p->terms, i, &kl);
        uint32_t *tid = vcm_strmap_put(&x->dict, k, kl, (uint32_t)x->nterms, &added);
        if (!tid)
            goto out; /* only memory: earlier terms hold postings of a doc never made live */
        if (added)
            memset(&x->terms[x->nterms++], 0, sizeof *x->terms);
        if (term_append(&x->terms[*tid], doc, &p->t[i]) < 0)
            goto out;
    }
    x->dl[x->ndocs] = p->doc.dl;
    x->gone[x->ndocs] = 0;
    struct idoc *d = &x->docs[x->ndocs++];
    *d = p->doc;
    d->museum = m;
    d->cls = *cls;
    d->flags &= (uint8_t)~VCM_IDOC_DEAD;
    bool found;
    struct idslot *s = vcm_index_idslot(x, d->id, &found);
    if (!found) {
        s->used = 1;
        s->id = d->id;
        x->nids++;
    }
    s->doc = doc;
    x->live++;
    x->sumdl += d->dl;
    for (size_t i = 0; i < p->nsuggest; i++) {
        uint32_t e = UINT32_MAX;
        suggest_add(x, p->suggest[i], p->skind[i], 1, &e);
        if (e != UINT32_MAX)
            x->dsent[x->ndsent++] = e;
    }
    x->dsoff[doc + 1] = (uint32_t)x->ndsent;
    rc = 0;
out:
    vcm_index_prep_free(p);
    return rc;
}

/* ---- the sorted dictionaries ---- */

static const vcm_strmap *sort_map;

static int cmp_keys(const void *a, const void *b)
{
    size_t la, lb;
    const char *ka = vcm_strmap_key(sort_map, *(const uint32_t *)a, &la);
    const char *kb = vcm_strmap_key(sort_map, *(const uint32_t *)b, &lb);
    int c = memcmp(ka, kb, la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

/* Sorts every key of map into *sorted (ids), when the tail is long. */
static int sort_dict(const vcm_strmap *map, uint32_t **sorted, size_t *nsorted, bool force)
{
    size_t n = map->n;
    if (*nsorted == n || (!force && n - *nsorted < 4096 && *nsorted))
        return 0;
    uint32_t *s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        s[i] = (uint32_t)i;
    pthread_mutex_lock(&sort_lock);
    sort_map = map;
    qsort(s, n, sizeof *s, cmp_keys);
    pthread_mutex_unlock(&sort_lock);
    free(*sorted);
    *sorted = s;
    *nsorted = n;
    return 0;
}

static int cmp_museum(const void *a, const void *b)
{
    const struct museum *ma = *(struct museum *const *)a, *mb = *(struct museum *const *)b;
    int c = strcmp(ma->name, mb->name);
    return c ? c : (ma->id > mb->id) - (ma->id < mb->id);
}


int vcm_index_settle(vcm_index *x)
{
    if (x->dead > 1000 && x->dead * 4 > x->ndocs && vcm_index_compact(x) < 0)
        return -1;
    if (sort_dict(&x->dict, &x->sorted, &x->nsorted, false) < 0 ||
        sort_dict(&x->skeys, &x->ssorted, &x->nssorted, false) < 0)
        return -1;
    if (x->museums_unsorted && x->nmuseums) {
        struct museum **v = malloc(x->nmuseums * sizeof *v);
        if (!v)
            return -1;
        for (size_t i = 0; i < x->nmuseums; i++)
            v[i] = &x->museums[i];
        qsort(v, x->nmuseums, sizeof *v, cmp_museum);
        for (size_t i = 0; i < x->nmuseums; i++)
            v[i]->rank = (uint32_t)i;
        free(v);
        x->museums_unsorted = false;
    }
    return 0;
}

int vcm_index_sort_all(vcm_index *x)
{
    return sort_dict(&x->dict, &x->sorted, &x->nsorted, true) < 0 ||
                   sort_dict(&x->skeys, &x->ssorted, &x->nssorted, true) < 0
               ? -1
               : 0;
}

/* Drops dead documents and renumbers the rest, keeping their order. */
int vcm_index_compact(vcm_index *x)
{
    uint32_t *map = malloc((x->ndocs ? x->ndocs : 1) * sizeof *map);
    if (!map)
        return -1;
    uint32_t n = 0;
    for (size_t i = 0; i < x->ndocs; i++)
        map[i] = (x->docs[i].flags & VCM_IDOC_DEAD) ? UINT32_MAX : n++;
    for (size_t t = 0; t < x->nterms; t++) {
        struct term *tm = &x->terms[t];
        uint32_t k = 0, plen = 0;
        uint32_t *docs = malloc((tm->n ? tm->n : 1) * sizeof *docs);
        uint8_t *wtf = malloc(tm->n ? tm->n : 1);
        uint32_t *poff = malloc((tm->n ? tm->n : 1) * sizeof *poff);
        uint8_t *pos = malloc(tm->plen ? tm->plen : 1);
        if (!docs || !wtf || !poff || !pos) {
            free(docs);
            free(wtf);
            free(poff);
            free(pos);
            free(map);
            return -1;
        }
        for (uint32_t i = 0; i < tm->n; i++) {
            uint32_t nd = map[tm->docs[i]];
            if (nd == UINT32_MAX)
                continue;
            uint32_t end = i + 1 < tm->n ? tm->poff[i + 1] : tm->plen;
            docs[k] = nd;
            wtf[k] = tm->wtf[i];
            poff[k] = plen;
            memcpy(pos + plen, tm->pos + tm->poff[i], end - tm->poff[i]);
            plen += end - tm->poff[i];
            k++;
        }
        term_release(tm);
        tm->docs = docs;
        tm->wtf = wtf;
        tm->poff = poff;
        tm->pos = pos;
        tm->n = k;
        tm->cap = tm->n ? tm->n : 1;
        tm->plen = plen;
        tm->pcap = plen ? plen : 1;
    }
    /* the entries of the documents kept, in place: a document's new
     * number and its entries' new offset are never past its old ones */
    uint32_t ks = 0;
    for (size_t i = 0; i < x->ndocs; i++) {
        uint32_t a = x->dsoff[i], b = x->dsoff[i + 1];
        if (map[i] == UINT32_MAX)
            continue;
        x->dsoff[map[i]] = ks;
        for (uint32_t k = a; k < b; k++)
            x->dsent[ks++] = x->dsent[k];
    }
    if (x->dsoff)
        x->dsoff[n] = ks;
    x->ndsent = ks;
    for (size_t i = 0; i < x->ndocs; i++)
        if (map[i] != UINT32_MAX) {
            x->docs[map[i]] = x->docs[i];
            x->dl[map[i]] = x->dl[i];
            x->gone[map[i]] = 0;
        }
    x->ndocs = n;
    x->dead = 0;
    memset(x->ids, 0, x->idslots * sizeof *x->ids);
    x->nids = 0;
    for (uint32_t i = 0; i < n; i++) {
        bool found;
        struct idslot *s = vcm_index_idslot(x, x->docs[i].id, &found);
        s->used = 1;
        s->id = x->docs[i].id;
        s->doc = i;
        x->nids++;
    }
    free(map);
    return 0;
}

/* ---- autocomplete ----
 *
 * An entry is a text of one kind (a title, a creator, a thesaurus name),
 * stored as the kind's byte followed by the text, so a title "Jade" and the
 * thesaurus name "jade" are two entries. Its keys are its folded words from
 * the first and from each of the next five words on; a key is stored
 * followed by a NUL, the entry's number and the word it starts at (0: the
 * whole text), so that one key leads to every entry that has it (porcelain the material, and every title that begins
 * with Porcelain), and a prefix finds them all in the sorted keys. */

/* *entry_out receives the entry the weight went to (left alone: none). */
static int suggest_add(vcm_index *x, const char *text, uint8_t kind, uint32_t weight,
                       uint32_t *entry_out)
{
    size_t tl = strlen(text);
    if (!tl || tl > 300)
        return 0;
    char kt[302];
    kt[0] = (char)('0' + kind);
    memcpy(kt + 1, text, tl);
    int added;
    uint32_t *e = vcm_strmap_put(&x->stexts, kt, tl + 1, (uint32_t)x->stexts.n, &added);
    if (!e)
        return -1;
    if (added) {
        if (grow((void **)&x->sentries, &x->capsentries, x->stexts.n, sizeof *x->sentries) < 0)
            return -1;
        x->sentries[*e].kind = kind;
        x->sentries[*e].weight = 0;
    }
    uint32_t entry = *e;
    x->sentries[entry].weight += weight;
    *entry_out = entry;
    if (!added)
        return 0;
    char key[512];
    int kl = vcm_tokenize_key(text, tl, 0, key, sizeof key);
    if (kl <= 0)
        return 0;
    int start = 0;
    for (int w = 0; w < 6 && start < kl; w++) {
        /* key[start..kl), NUL, the entry, the word it starts at */
        char one[512 + 6];
        size_t ol = (size_t)(kl - start);
        memcpy(one, key + start, ol);
        one[ol++] = 0;
        memcpy(one + ol, &entry, sizeof entry);
        ol += sizeof entry;
        one[ol++] = (char)w; /* 0: the whole text's key */
        uint32_t *k = vcm_strmap_put(&x->skeys, one, ol, (uint32_t)x->skeys.n, &added);
        if (!k)
            return -1;
        if (added) {
            if (grow((void **)&x->skey_entry, &x->capskey, x->skeys.n, sizeof *x->skey_entry) < 0)
                return -1;
            x->skey_entry[*k] = entry;
        }
        const char *sp = memchr(key + start, ' ', (size_t)(kl - start));
        if (!sp)
            break;
        start = (int)(sp - key) + 1;
    }
    return 0;
}

int vcm_index_suggest_add(vcm_index *x, const char *text, uint8_t kind, uint32_t weight)
{
    uint32_t e;
    return suggest_add(x, text, kind, weight, &e);
}

struct countctx {
    const vcm_index *x;
    uint32_t min;
    bool any;
    /* the last word, counted once no n-gram of its letters follows (a
     * Hangul or Thai word counts by its n-grams, as a query finds it) */
    bool pending;
    uint32_t pending_n, pending_start, pending_end;
};

static void count_one(struct countctx *c, uint32_t n)
{
    if (!c->any || n < c->min)
        c->min = n;
    c->any = true;
}

static int count_token(const vcm_token *t, void *ud)
{
    struct countctx *c = ud;
    const struct term *tm = vcm_index_term(c->x, t->text, t->len);
    uint32_t n = tm ? tm->n : 0;
    if (t->kind == VCM_TOK_WORD) {
        if (c->pending)
            count_one(c, c->pending_n);
        c->pending = true;
        c->pending_n = n;
        c->pending_start = t->start;
        c->pending_end = t->end;
        return 0;
    }
    if (c->pending && t->start >= c->pending_start && t->start < c->pending_end)
        c->pending = false;
    count_one(c, n);
    return 0;
}

uint32_t vcm_index_count_words(vcm_index *x, const char *text, size_t len)
{
    struct countctx c = {x, 0, false, false, 0, 0, 0};
    if (vcm_tokenize(text, len, VCM_TOK_STEM, count_token, &c) < 0)
        return 0;
    if (c.pending)
        count_one(&c, c.pending_n);
    return c.any ? c.min : 0;
}

/* First position in sorted whose key is >= key. */
static size_t lower_bound(const vcm_strmap *map, const uint32_t *sorted, size_t n, const char *key,
                          size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2, ml;
        const char *mk = vcm_strmap_key(map, sorted[mid], &ml);
        int c = memcmp(mk, key, ml < len ? ml : len);
        if (c < 0 || (c == 0 && ml < len))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool has_prefix(const vcm_strmap *map, uint32_t id, const char *p, size_t len)
{
    size_t kl;
    const char *k = vcm_strmap_key(map, id, &kl);
    return kl >= len && memcmp(k, p, len) == 0;
}

/* Calls fn for each key id of map beginning with prefix, sorted part first
 * then the tail; fn returns non-zero to stop. */
static void each_prefix(const vcm_strmap *map, const uint32_t *sorted, size_t nsorted,
                        const char *p, size_t len, int (*fn)(uint32_t, void *), void *ud)
{
    for (size_t i = lower_bound(map, sorted, nsorted, p, len);
         i < nsorted && has_prefix(map, sorted[i], p, len); i++)
        if (fn(sorted[i], ud))
            return;
    for (size_t i = nsorted; i < map->n; i++)
        if (has_prefix(map, (uint32_t)i, p, len) && fn((uint32_t)i, ud))
            return;
}

struct sugctx {
    vcm_index *x;
    vcm_suggestion *out;
    size_t n, max;
    struct sugpick {
        uint32_t entry;
        uint32_t whole; /* a key of the entry's whole text (word 0), whose text is
                           the entry's folded text, or UINT32_MAX */
        uint64_t rank;
    } *picks;           /* best first */
    size_t seen;
    size_t keylen;      /* the typed key's length */
};

/* After a key's text: NUL, the entry, the word it starts at (suggest_add). */
#define KEY_TAIL (1 + sizeof(uint32_t) + 1)

/* An entry whose whole key is what was typed first, then by weight, the
 * records the entry would find: for titles and creators the records that
 * carry them, for thesaurus names the records holding the name
 * (vcm_index_count_words). */
static int sug_one(uint32_t key, void *ud)
{
    struct sugctx *c = ud;
    if (++c->seen > 200000)
        return 1;
    uint32_t e = c->x->skey_entry[key];
    const struct sentry *se = &c->x->sentries[e];
    if (!se->weight) /* every record that held it changed or went */
        return 0;
    size_t kl;
    const char *k = vcm_strmap_key(&c->x->skeys, key, &kl);
    bool exact = kl == c->keylen + KEY_TAIL && k[c->keylen] == 0 && k[kl - 1] == 0;
    uint64_t rank = ((uint64_t)exact << 32) | se->weight;
    uint32_t whole = k[kl - 1] == 0 ? key : UINT32_MAX;
    for (size_t i = 0; i < c->n; i++)
        if (c->picks[i].entry == e) {
            if (whole == UINT32_MAX)
                whole = c->picks[i].whole;
            else
                c->picks[i].whole = whole;
            if (c->picks[i].rank >= rank)
                return 0;
            /* reached again by a better key: take it out, put it back below */
            memmove(&c->picks[i], &c->picks[i + 1], (c->n - i - 1) * sizeof *c->picks);
            c->n--;
            break;
        }
    size_t at = c->n;
    while (at > 0 && c->picks[at - 1].rank < rank)
        at--;
    if (at >= c->max)
        return 0;
    size_t last = c->n < c->max ? c->n : c->max - 1;
    memmove(&c->picks[at + 1], &c->picks[at], (last - at) * sizeof *c->picks);
    c->picks[at] = (struct sugpick){e, whole, rank};
    if (c->n < c->max)
        c->n++;
    return 0;
}

size_t vcm_index_suggest(vcm_index *x, vcm_arena *a, const char *prefix, size_t len,
                         vcm_suggestion *out, size_t max)
{
    char key[256];
    if (len > 200 || max == 0)
        return 0;
    int kl = vcm_tokenize_key(prefix, len, 0, key, sizeof key);
    if (kl <= 0)
        return 0;
    /* more candidates than asked: texts that fold alike are shown once */
    size_t want = max * 2;
    struct sugctx c = {x, out, 0, want, vcm_arena_alloc(a, want * sizeof(struct sugpick)), 0,
                       (size_t)kl};
    if (!c.picks)
        return 0;
    each_prefix(&x->skeys, x->ssorted, x->nssorted, key, (size_t)kl, sug_one, &c);
    size_t n = 0;
    /* a word typed in full is always offered when records hold it, though
     * no title, creator or thesaurus name is that word alone */
    char stem[256];
    size_t chars = 0;
    for (int i = 0; i < kl; i++)
        chars += ((unsigned char)key[i] & 0xC0) != 0x80;
    /* one word of three letters or more: not "of", not a lone CJK character */
    int sl = memchr(key, ' ', (size_t)kl) || chars < 3
                 ? -1
                 : vcm_tokenize_key(prefix, len, VCM_TOK_STEM, stem, sizeof stem);
    const struct term *word = sl > 0 ? vcm_index_term(x, stem, (size_t)sl) : NULL;
    /* each candidate's folded text: its whole key's text (the text folded
     * when it was indexed), or folded here, when needed, when no such key
     * reached it */
    const char **fk = c.n ? vcm_arena_alloc(a, c.n * sizeof *fk) : NULL;
    int *fl = c.n ? vcm_arena_alloc(a, c.n * sizeof *fl) : NULL;
    if (c.n && (!fk || !fl))
        return 0;
    for (size_t i = 0; i < c.n; i++) {
        size_t tl;
        fk[i] = c.picks[i].whole != UINT32_MAX ? vcm_strmap_key(&x->skeys, c.picks[i].whole, &tl)
                                               : NULL;
        fl[i] = fk[i] ? (int)(tl - KEY_TAIL) : -1;
    }
    /* the folded texts of what is offered: the word's own key, or its
     * candidate's */
    const char *ok[64];
    int ol[64];
    if (word && word->n) {
        bool named = false;
        /* a candidate no whole key reached has a second word: not this one */
        for (size_t i = 0; i < c.n && !named; i++)
            named = fk[i] && fl[i] == kl && memcmp(fk[i], key, (size_t)kl) == 0;
        if (!named) {
            out[0].text = vcm_arena_strndup(a, key, (size_t)kl);
            out[0].kind = VCM_SUGGEST_WORD;
            out[0].weight = word->n;
            if (!out[0].text)
                return 0;
            char *wk = vcm_arena_alloc(a, 512);
            if (!wk)
                return 0;
            ol[0] = vcm_tokenize_key(out[0].text, strlen(out[0].text), 0, wk, 512);
            ok[0] = wk;
            n = 1;
        }
    }
    for (size_t i = 0; i < c.n && n < max && n < 64; i++) {
        size_t tl;
        const char *t = vcm_strmap_key(&x->stexts, c.picks[i].entry, &tl);
        if (tl < 2)
            continue; /* a kind without a text: only a damaged file has one */
        if (!fk[i]) {
            char *f = vcm_arena_alloc(a, 512);
            if (!f)
                return n;
            fk[i] = f;
            fl[i] = vcm_tokenize_key(t + 1, tl - 1, 0, f, 512);
        }
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
            dup = fl[i] == ol[j] && memcmp(fk[i], ok[j], (size_t)(fl[i] > 0 ? fl[i] : 0)) == 0;
        if (dup)
            continue;
        out[n].text = vcm_arena_strndup(a, t + 1, tl - 1);
        out[n].kind = x->sentries[c.picks[i].entry].kind;
        out[n].weight = x->sentries[c.picks[i].entry].weight;
        if (!out[n].text)
            return n;
        ok[n] = fk[i];
        ol[n] = fl[i];
        n++;
    }
    return n;
}

/* ---- dictionary lookups for search.c ---- */

const struct term *vcm_index_term(const vcm_index *x, const char *term, size_t len)
{
    const uint32_t *t = vcm_strmap_get(&x->dict, term, len);
    return t ? &x->terms[*t] : NULL;
}

void vcm_index_each_prefix(const vcm_index *x, const char *p, size_t len,
                           int (*fn)(uint32_t, void *), void *ud)
{
    each_prefix(&x->dict, x->sorted, x->nsorted, p, len, fn, ud);
}

/* Damerau-free Levenshtein distance, stopping above 2. */
static int distance(const char *a, size_t la, const char *b, size_t lb)
{
    if (la > 40 || lb > 40)
        return 3;
    int d[41][41];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int best = 99;
        for (size_t j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c)
                c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c)
                c = d[i][j - 1] + 1;
            d[i][j] = c;
            if (c < best)
                best = c;
        }
        if (best > 2)
            return 3;
    }
    return d[la][lb];
}

size_t vcm_index_similar(vcm_index *x, vcm_arena *a, const char *term, size_t len,
                         const char **out, size_t max)
{
    if (len < 3 || max == 0)
        return 0;
    uint32_t best_df[8] = {0};
    uint32_t best_id[8];
    size_t n = 0;
    if (max > 8)
        max = 8;
    /* Terms sharing the first letter: one bad letter later is the common typo. */
    size_t lo = lower_bound(&x->dict, x->sorted, x->nsorted, term, 1);
    for (size_t i = lo; i < x->nsorted; i++) {
        size_t kl;
        const char *k = vcm_strmap_key(&x->dict, x->sorted[i], &kl);
        if (kl == 0 || k[0] != term[0])
            break;
        if (kl + 2 < len || kl > len + 2 || (kl == len && memcmp(k, term, len) == 0))
            continue;
        if (distance(term, len, k, kl) > 2)
            continue;
        uint32_t df = x->terms[x->sorted[i]].n;
        size_t at = n;
        while (at > 0 && best_df[at - 1] < df)
            at--;
        if (at >= max)
            continue;
        size_t last = n < max ? n : max - 1;
        memmove(&best_df[at + 1], &best_df[at], (last - at) * sizeof *best_df);
        memmove(&best_id[at + 1], &best_id[at], (last - at) * sizeof *best_id);
        best_df[at] = df;
        best_id[at] = x->sorted[i];
        if (n < max)
            n++;
    }
    for (size_t i = 0; i < n; i++) {
        size_t kl;
        const char *k = vcm_strmap_key(&x->dict, best_id[i], &kl);
        out[i] = vcm_arena_strndup(a, k, kl);
    }
    return n;
}
