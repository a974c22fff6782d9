/* Searching the index: a plan is evaluated bottom-up into sorted lists of
 * (docnum, score); AND intersects them, galloping through the longer list;
 * OR merges; a phrase or a field restriction drives from its rarest term
 * and checks positions. The result is then filtered, counted for facets
 * (exactly: every matching document is visited) and cut to the requested
 * page with a bounded heap on (sort key, object id), so the order is total
 * and a cursor (key, id) resumes exactly where a page ended.
 *
 * Scores are BM25 (k1 1.2, b 0.75) over weighted term frequencies, with
 * idf from the live document count. A clause scores its best alternative
 * (one concept counts once), and a name the thesaurus adds is never worth
 * more than the word typed. By relevance, the best WINDOW hits are then
 * ranked again: boosts for the words found in the title and typed as a
 * phrase, and a tie-breaker that spreads sets, museums and origins
 * (docs/internals/search.md, "Ranking"). Lists are malloc'd scratch, freed
 * when the search ends; only the answer goes into the caller's arena. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "search/index_int.h"
#include "search/thesaurus.h"
#include "core/banned.h"

#define K1 1.2f
#define B 0.75f
#define MAX_PREFIX_TERMS 4096
#define MAX_POS 512
/* The second ranking (docs/internals/search.md, "Ranking"): how many of
 * the best hits it orders again (at least a page of 100), and its factors. */
#define WINDOW 200
#define TITLE_BOOST 1.0f    /* every clause found in the title */
#define PHRASE_BOOST 0.3f   /* the words typed, in the order typed */
#define SET_PENALTY 0.9f    /* per earlier hit of the same set */
#define MUSEUM_PENALTY 0.97f
#define ORIGIN_PENALTY 0.98f
/* a record naming a period and dated within it and made in its region */
#define PERIOD_FACTOR 3.0f

typedef struct hv {
    uint32_t *d;
    float *s;
    size_t n;
} hv;

/* The terms of a word or phrase, looked up once per search: the second
 * ranking asks for them again for every hit of its window. */
#define TERM_CACHE 32
struct term_cache {
    const vcm_plan *p[TERM_CACHE];
    const struct term *t[TERM_CACHE][16];
    size_t n;
};

typedef struct ectx {
    const vcm_index *x;
    float avgdl;
    double ndocs;
    int oom;
    float cap; /* > 0: what a name the thesaurus adds may weigh at most */
    struct term_cache *tc; /* NULL: none */
} ectx;

static int hv_alloc(ectx *c, hv *h, size_t n)
{
    h->n = 0;
    h->d = malloc((n ? n : 1) * sizeof *h->d);
    h->s = malloc((n ? n : 1) * sizeof *h->s);
    if (!h->d || !h->s) {
        free(h->d);
        free(h->s);
        h->d = NULL;
        h->s = NULL;
        c->oom = 1;
        return -1;
    }
    return 0;
}

static void hv_free(hv *h)
{
    free(h->d);
    free(h->s);
    h->d = NULL;
    h->s = NULL;
    h->n = 0;
}

static float idf(const ectx *c, uint32_t df)
{
    return (float)log(1.0 + (c->ndocs - df + 0.5) / (df + 0.5));
}

static float tfn(const ectx *c, uint8_t wtf, uint16_t dl)
{
    float w = wtf;
    return w * (K1 + 1) / (w + K1 * (1 - B + B * dl / c->avgdl));
}

static bool dead(const ectx *c, uint32_t d)
{
    return c->x->gone[d];
}

/* Reads one varint at *p, not past end; false when it does not end there. */
static bool varint(const uint8_t **p, const uint8_t *end, uint32_t *out)
{
    uint32_t v = 0;
    for (int shift = 0; *p < end && shift < 32; shift += 7) {
        uint8_t b = *(*p)++;
        v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* Decodes posting j's positions into out (at most max). Bounded by the
 * term's bytes: an index loaded from a damaged file must not lead the
 * decoding past them. */
static size_t positions(const struct term *t, uint32_t j, uint32_t *out, size_t max)
{
    const uint8_t *p = t->pos + t->poff[j], *end = t->pos + t->plen;
    uint32_t n, v = 0;
    if (!varint(&p, end, &n))
        return 0;
    size_t k = 0;
    for (uint32_t i = 0; i < n && k < max; i++) {
        uint32_t d;
        if (!varint(&p, end, &d))
            break;
        v += d;
        out[k++] = v;
    }
    return k;
}

static bool in_fields(uint32_t pos, unsigned fields)
{
    return !fields || (fields & (1u << (pos >> VCM_IPOS_BITS)));
}

static bool posting_in_fields(const struct term *t, uint32_t j, unsigned fields)
{
    uint32_t p[MAX_POS];
    size_t n = positions(t, j, p, MAX_POS);
    for (size_t i = 0; i < n; i++)
        if (in_fields(p[i], fields))
            return true;
    return false;
}

/* First index >= from in docs[0..n) whose docnum is >= d. */
static uint32_t gallop(const uint32_t *docs, uint32_t n, uint32_t from, uint32_t d)
{
    uint32_t step = 1, lo = from, hi = from;
    while (hi < n && docs[hi] < d) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    if (hi > n)
        hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (docs[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A term's docnums as bits when it is in a 32nd of the documents or more,
 * else NULL. A phrase asks whether each hit of its rarest word holds the
 * other words: galloping through the docnums of a common one ("on", in
 * 430,000 of a million records) reads most of its 1.7 MB for every query,
 * where one bit a document is 125 KB that stays in the cache. Made once,
 * by the first search that asks: the index's read lock lets several
 * searches run, so the first to finish publishes its bits and the others
 * drop theirs. */
static const struct tbits *dense(const ectx *c, const struct term *t)
{
    size_t ndocs = c->x->ndocs;
    if (t->n < 1024 || (size_t)t->n * 32 < ndocs)
        return NULL;
    /* the bits are a cache beside the postings, not part of them */
    struct term *mt = (struct term *)t;
    struct tbits *b = atomic_load_explicit(&mt->bits, memory_order_acquire);
    if (b)
        return b;
    size_t words = (ndocs + 63) / 64;
    b = calloc(1, sizeof *b + words * sizeof b->w[0]);
    if (!b)
        return NULL;
    b->words = words;
    for (uint32_t j = 0; j < t->n; j++)
        b->w[t->docs[j] / 64] |= (uint64_t)1 << (t->docs[j] % 64);
    struct tbits *none = NULL;
    if (!atomic_compare_exchange_strong_explicit(&mt->bits, &none, b, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        free(b);
        b = none;
    }
    return b;
}

static bool has_bit(const struct tbits *b, uint32_t d)
{
    return d / 64 < b->words && (b->w[d / 64] >> (d % 64) & 1);
}

static bool sorted_has(const uint32_t *v, size_t n, uint32_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == x;
}

/* Whether the words t[] stand at their offsets in one field of the fields
 * asked, in the postings cur[] point at: the first word's places are the
 * candidates, and each other word's places are read only as far as the
 * candidates still standing need them, so a document where the second word
 * never follows the first is left before the third is read. At most
 * MAX_POS places of each word count, as positions() reads them. */
static bool phrase_at(const struct term *const *t, size_t nt, const uint32_t *cur,
                      const vcm_plan *p)
{
    uint32_t cand[MAX_POS];
    size_t nc = 0, n0 = positions(t[0], cur[0], cand, MAX_POS);
    for (size_t k = 0; k < n0; k++)
        if (in_fields(cand[k], p->fields))
            cand[nc++] = cand[k];
    for (size_t i = 1; i < nt && nc; i++) {
        uint32_t off = p->offsets ? p->offsets[i] : (uint32_t)i;
        const uint8_t *q = t[i]->pos + t[i]->poff[cur[i]], *end = t[i]->pos + t[i]->plen;
        uint32_t left, v = 0;
        if (!varint(&q, end, &left))
            return false;
        if (left > MAX_POS)
            left = MAX_POS;
        bool have = false;
        size_t keep = 0;
        /* the candidates ascend, so do the places they want */
        for (size_t k = 0; k < nc; k++) {
            uint32_t want = cand[k] + off;
            if ((want >> VCM_IPOS_BITS) != (cand[k] >> VCM_IPOS_BITS))
                continue;
            while ((!have || v < want) && left) {
                uint32_t dv;
                if (!varint(&q, end, &dv)) {
                    left = 0;
                    break;
                }
                v += dv;
                left--;
                have = true;
            }
            if (have && v == want)
                cand[keep++] = cand[k];
        }
        nc = keep;
    }
    return nc > 0;
}

/* Whether document d holds the phrase: finds each word's posting of d
 * (cur[] moves forward only) and reads their places. */
static bool phrase_found(const struct term *const *t, size_t nt, uint32_t *cur, uint32_t d,
                         const vcm_plan *p)
{
    for (size_t i = 0; i < nt; i++) {
        if (cur[i] < t[i]->n && t[i]->docs[cur[i]] == d)
            continue;
        cur[i] = gallop(t[i]->docs, t[i]->n, cur[i], d);
        if (cur[i] >= t[i]->n || t[i]->docs[cur[i]] != d)
            return false;
    }
    return phrase_at(t, nt, cur, p);
}

static void phrase_put(const ectx *c, const struct term *const *t, size_t nt,
                       const uint32_t *cur, const float *w, uint32_t d, hv *out)
{
    float s = 0;
    for (size_t i = 0; i < nt; i++)
        s += w[i] * tfn(c, t[i]->wtf[cur[i]], c->x->dl[d]);
    out->d[out->n] = d;
    out->s[out->n++] = s;
}

/* One word, or a phrase: terms at their offsets, all in one field. */
static int eval_term(ectx *c, const vcm_plan *p, hv *out)
{
    const struct term *t[16];
    size_t nt = p->nterms < 16 ? p->nterms : 16;
    size_t drv = 0;
    out->n = 0;
    for (size_t i = 0; i < nt; i++) {
        t[i] = vcm_index_term(c->x, p->terms[i], strlen(p->terms[i]));
        if (!t[i] || !t[i]->n)
            return hv_alloc(c, out, 0);
        if (t[i]->n < t[drv]->n)
            drv = i;
    }
    if (nt == 0)
        return hv_alloc(c, out, 0);
    float w[16], sum = 0;
    for (size_t i = 0; i < nt; i++)
        sum += w[i] = idf(c, t[i]->n);
    /* a rare name of a concept (靑磁 beside celadon) weighs no more than
     * the word typed, so the words typed decide the order */
    float scale = c->cap > 0 && p->boost > 0 && p->boost < 1 && sum > c->cap ? c->cap / sum : 1;
    for (size_t i = 0; i < nt; i++)
        w[i] *= scale * (p->boost > 0 ? p->boost : 1);
    if (hv_alloc(c, out, t[drv]->n) < 0)
        return -1;
    const uint16_t *dl = c->x->dl;
    const uint8_t *gone = c->x->gone;
    if (nt == 1 && !p->fields) {
        const struct term *a = t[0];
        for (uint32_t j = 0; j < a->n; j++) {
            uint32_t d = a->docs[j];
            if (gone[d])
                continue;
            out->d[out->n] = d;
            out->s[out->n++] = w[0] * tfn(c, a->wtf[j], dl[d]);
        }
        return 0;
    }
    uint32_t cur[16] = {0};
    const struct tbits *bits[16];
    for (size_t i = 0; i < nt; i++)
        bits[i] = dense(c, t[i]);
    if (nt > 1 && bits[drv]) {
        /* every word common (the rarest one is): the documents holding
         * them all are their bits' intersection, 64 at a time */
        size_t words = bits[0]->words;
        for (size_t i = 1; i < nt; i++)
            if (bits[i]->words < words)
                words = bits[i]->words;
        for (size_t k = 0; k < words; k++) {
            uint64_t m = bits[0]->w[k];
            for (size_t i = 1; i < nt; i++)
                m &= bits[i]->w[k];
            for (; m; m &= m - 1) {
                uint32_t d = (uint32_t)(k * 64 + (size_t)__builtin_ctzll(m));
                if (!gone[d] && phrase_found(t, nt, cur, d, p))
                    phrase_put(c, t, nt, cur, w, d, out);
            }
        }
        return 0;
    }
    const struct tbits *other[16];
    size_t nother = 0;
    for (size_t i = 0; i < nt; i++)
        if (i != drv && bits[i])
            other[nother++] = bits[i];
    const struct term *dt = t[drv];
    for (uint32_t j = 0; j < dt->n; j++) {
        uint32_t d = dt->docs[j];
        if (gone[d])
            continue;
        bool all = true;
        for (size_t k = 0; k < nother && all; k++)
            all = has_bit(other[k], d);
        if (!all)
            continue;
        cur[drv] = j;
        if (phrase_found(t, nt, cur, d, p))
            phrase_put(c, t, nt, cur, w, d, out);
    }
    return 0;
}

struct pfx {
    ectx *c;
    uint32_t ids[MAX_PREFIX_TERMS];
    size_t n;
};

static int pfx_one(uint32_t id, void *ud)
{
    struct pfx *f = ud;
    if (f->n == MAX_PREFIX_TERMS)
        return 1;
    f->ids[f->n++] = id;
    return 0;
}

/* Words beginning with a prefix: their postings summed into a dense array
 * (a prefix can reach thousands of terms), read back in docnum order. A
 * bitmap tells which documents were reached: the array is not cleared
 * (a document's first posting sets its sum) and only the bitmap's words
 * are read back, not the whole array: "porc*" reaches a quarter of a
 * million records among a million, and clearing and reading the array
 * once cost half its search. */
static int eval_prefix(ectx *c, const vcm_plan *p, hv *out)
{
    out->n = 0;
    struct pfx *f = malloc(sizeof *f);
    if (!f) {
        c->oom = 1;
        return -1;
    }
    f->c = c;
    f->n = 0;
    if (p->nterms)
        vcm_index_each_prefix(c->x, p->terms[0], strlen(p->terms[0]), pfx_one, f);
    size_t nd = c->x->ndocs, nw = (nd + 63) / 64;
    float *acc = f->n ? malloc((nd ? nd : 1) * sizeof *acc) : NULL;
    uint64_t *seen = f->n ? calloc(nw ? nw : 1, sizeof *seen) : NULL;
    if (f->n && (!acc || !seen)) {
        free(acc);
        free(seen);
        free(f);
        c->oom = 1;
        return -1;
    }
    size_t nt = 0;
    for (size_t k = 0; k < f->n; k++) {
        const struct term *t = &c->x->terms[f->ids[k]];
        float w = idf(c, t->n) * (p->boost > 0 ? p->boost : 1);
        for (uint32_t j = 0; j < t->n; j++) {
            uint32_t d = t->docs[j];
            if (dead(c, d) || (p->fields && !posting_in_fields(t, j, p->fields)))
                continue;
            float v = w * tfn(c, t->wtf[j], c->x->dl[d]);
            uint64_t bit = (uint64_t)1 << (d & 63);
            if (seen[d >> 6] & bit) {
                acc[d] += v;
            } else {
                seen[d >> 6] |= bit;
                acc[d] = v;
                nt++;
            }
        }
    }
    int rc = hv_alloc(c, out, nt);
    if (rc == 0)
        for (size_t i = 0; i < (nt ? nw : 0); i++)
            for (uint64_t m = seen[i]; m; m &= m - 1) {
                uint32_t d = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(m));
                if (acc[d] > 0) {
                    out->d[out->n] = d;
                    out->s[out->n++] = acc[d];
                }
            }
    free(acc);
    free(seen);
    free(f);
    return rc;
}

static int eval_scan(ectx *c, const vcm_plan *p, hv *out)
{
    size_t nd = c->x->ndocs;
    size_t cap = p->kind == VCM_PLAN_ALL && c->x->live ? c->x->live : 1024;
    if (hv_alloc(c, out, cap) < 0)
        return -1;
    /* a period's dates weigh in proportion to its names (c->cap) */
    float boost = (p->boost > 0 ? p->boost : 0) * (c->cap > 0 ? c->cap : 1);
    for (size_t d = 0; d < nd; d++) {
        const struct idoc *doc = &c->x->docs[d];
        if (doc->flags & VCM_IDOC_DEAD)
            continue;
        if (p->kind == VCM_PLAN_PERIOD) {
            if (doc->ds == VCM_NO_YEAR || doc->de == VCM_NO_YEAR || doc->ds < p->from ||
                doc->de > p->to || (p->regions && !(doc->places & p->regions)))
                continue;
        }
        if (out->n == cap) {
            cap *= 2;
            uint32_t *nd2 = realloc(out->d, cap * sizeof *nd2);
            if (!nd2) {
                c->oom = 1;
                return -1;
            }
            out->d = nd2;
            float *ns = realloc(out->s, cap * sizeof *ns);
            if (!ns) {
                c->oom = 1;
                return -1;
            }
            out->s = ns;
        }
        out->d[out->n] = (uint32_t)d;
        out->s[out->n++] = boost;
    }
    return 0;
}

static int eval(ectx *c, const vcm_plan *p, hv *out);

/* The idf of a word or phrase, when all its terms are in the index; 0
 * otherwise (nothing to compare the other names with). */
static float term_weight(const ectx *c, const vcm_plan *p)
{
    if (p->kind != VCM_PLAN_TERM || !p->nterms)
        return 0;
    float sum = 0;
    for (size_t i = 0; i < p->nterms && i < 16; i++) {
        const struct term *t = vcm_index_term(c->x, p->terms[i], strlen(p->terms[i]));
        if (!t || !t->n)
            return 0;
        sum += idf(c, t->n);
    }
    return sum;
}

enum merge { MERGE_SUM, MERGE_BEST, MERGE_DATED };

/* out := a OR b. SUM adds the scores of a document in both; BEST keeps the
 * higher; DATED (b: the documents dated within a period named) multiplies
 * a's score by PERIOD_FACTOR where both hold. */
static int merge_or(ectx *c, hv *a, hv *b, hv *out, enum merge how)
{
    if (hv_alloc(c, out, a->n + b->n) < 0)
        return -1;
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        if (j == b->n || (i < a->n && a->d[i] < b->d[j])) {
            out->d[out->n] = a->d[i];
            out->s[out->n++] = a->s[i++];
        } else if (i == a->n || b->d[j] < a->d[i]) {
            out->d[out->n] = b->d[j];
            out->s[out->n++] = b->s[j++];
        } else {
            float x = a->s[i++], y = b->s[j++];
            out->d[out->n] = a->d[i - 1];
            out->s[out->n++] = how == MERGE_SUM    ? x + y
                               : how == MERGE_BEST ? (x > y ? x : y)
                                                   : x * PERIOD_FACTOR;
        }
    }
    return 0;
}

/* a := a AND b, in place (a is the shorter). */
static void intersect(hv *a, const hv *b)
{
    size_t k = 0;
    uint32_t j = 0;
    for (size_t i = 0; i < a->n; i++) {
        j = gallop(b->d, (uint32_t)b->n, j, a->d[i]);
        if (j == b->n)
            break;
        if (b->d[j] == a->d[i]) {
            a->d[k] = a->d[i];
            a->s[k++] = a->s[i] + b->s[j];
        }
    }
    a->n = k;
}

static int eval(ectx *c, const vcm_plan *p, hv *out)
{
    out->d = NULL;
    out->s = NULL;
    out->n = 0;
    switch (p->kind) {
    case VCM_PLAN_TERM:
        return eval_term(c, p, out);
    case VCM_PLAN_PREFIX:
        return eval_prefix(c, p, out);
    case VCM_PLAN_PERIOD:
    case VCM_PLAN_ALL:
        return eval_scan(c, p, out);
    case VCM_PLAN_OR: {
        if (hv_alloc(c, out, 0) < 0)
            return -1;
        float cap = c->cap;
        int rc = 0;
        for (size_t i = 0; i < p->nkids && rc == 0; i++) {
            hv k, m;
            if ((rc = eval(c, p->kids[i], &k)) < 0)
                break;
            /* the first name found (the word typed, else the concept's
             * English name) sets what the others may weigh */
            if (p->best && c->cap == cap)
                c->cap = term_weight(c, p->kids[i]);
            enum merge how = !p->best ? MERGE_SUM
                             : p->kids[i]->kind == VCM_PLAN_PERIOD ? MERGE_DATED : MERGE_BEST;
            rc = merge_or(c, out, &k, &m, how);
            hv_free(&k);
            if (rc < 0)
                break;
            hv_free(out);
            *out = m;
        }
        c->cap = cap;
        return rc;
    }
    case VCM_PLAN_AND: {
        if (!p->nkids)
            return hv_alloc(c, out, 0);
        hv *k = calloc(p->nkids, sizeof *k);
        if (!k) {
            c->oom = 1;
            return -1;
        }
        int rc = 0;
        size_t done = 0;
        for (; done < p->nkids; done++)
            if ((rc = eval(c, p->kids[done], &k[done])) < 0 || k[done].n == 0)
                break;
        if (rc == 0 && done == p->nkids) {
            /* shortest first */
            size_t s = 0;
            for (size_t i = 1; i < p->nkids; i++)
                if (k[i].n < k[s].n)
                    s = i;
            *out = k[s];
            k[s].d = NULL;
            k[s].s = NULL;
            for (size_t i = 0; i < p->nkids && out->n; i++)
                if (i != s)
                    intersect(out, &k[i]);
        } else if (rc == 0) {
            rc = hv_alloc(c, out, 0);
        }
        for (size_t i = 0; i < p->nkids; i++)
            hv_free(&k[i]);
        free(k);
        return rc;
    }
    }
    return hv_alloc(c, out, 0);
}

/* ---- filters, facets, order ---- */

static int id_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* material: f->material's bit (vcm_thesaurus_material), -1 when it has none. */
static bool pass(const ectx *c, uint32_t d, const vcm_filter *f, int material)
{
    const struct idoc *doc = &c->x->docs[d];
    const struct museum *m = &c->x->museums[doc->museum];
    if (f->has_date && (doc->ds == VCM_NO_YEAR || doc->de == VCM_NO_YEAR ||
                        doc->ds > f->date_to || doc->de < f->date_from))
        return false;
    if (f->museum && m->id != f->museum)
        return false;
    if (f->country[0] && memcmp(m->country, f->country, 2) != 0)
        return false;
    if ((f->regions & 7u) && (m->region > 2 || !(f->regions & (1u << m->region))))
        return false;
    if (f->classification) {
        size_t kl;
        const char *k = vcm_strmap_key(&c->x->classes, doc->cls, &kl);
        if (strlen(f->classification) != kl || memcmp(k, f->classification, kl) != 0)
            return false;
    }
    if (f->material && (material < 0 || !(doc->materials & (1ull << material))))
        return false;
    if (f->century && (doc->ds == VCM_NO_YEAR || vcm_century(doc->ds) != f->century))
        return false;
    if (f->image && !!(doc->flags & VCM_IDOC_IMAGE) != (f->image == VCM_YES))
        return false;
    if (f->open && !!(doc->flags & VCM_IDOC_OPEN) != (f->open == VCM_YES))
        return false;
    if (f->theme && !bsearch(&doc->id, f->theme_ids, f->ntheme_ids, sizeof *f->theme_ids,
                             id_cmp))
        return false;
    if (vcm_filter_has_origin(f)) {
        bool any = doc->oregion && (f->origin_regions & (1u << doc->oregion));
        for (size_t i = 0; i < VCM_FILTER_ORIGINS && !any; i++)
            any = doc->ocountry[0] && memcmp(doc->ocountry, f->origin_countries[i], 2) == 0;
        if (!any)
            return false;
    }
    return true;
}

static uint64_t sort_key(const ectx *c, uint32_t d, float score, enum vcm_sort s)
{
    const struct idoc *doc = &c->x->docs[d];
    switch (s) {
    case VCM_SORT_DATE:
        return doc->ds == VCM_NO_YEAR ? UINT64_MAX : (uint64_t)((int64_t)doc->ds + 0x80000000ll);
    case VCM_SORT_DATE_DESC:
        return doc->ds == VCM_NO_YEAR ? UINT64_MAX : (uint64_t)(0x80000000ll - (int64_t)doc->ds);
    case VCM_SORT_TITLE:
        return doc->title_key;
    case VCM_SORT_MUSEUM:
        return ((uint64_t)c->x->museums[doc->museum].rank << 32) | (doc->title_key >> 32);
    case VCM_SORT_RELEVANCE:
    default: {
        /* non-negative floats order as their bits: invert for best first */
        uint32_t bits;
        float f = score > 0 ? score : 0;
        memcpy(&bits, &f, sizeof bits);
        return (uint64_t)(UINT32_MAX - bits);
    }
    }
}

typedef struct entry {
    uint64_t key;
    int64_t id;
    float score;
    uint32_t d;
} entry;

static bool before(const entry *a, const entry *b)
{
    return a->key < b->key || (a->key == b->key && a->id < b->id);
}

/* Max-heap on (key, id): the root is the worst of the best k. */
static void sift_down(entry *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && before(&h[m], &h[l]))
            m = l;
        if (r < n && before(&h[m], &h[r]))
            m = r;
        if (m == i)
            return;
        entry t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void sift_up(entry *h, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(&h[p], &h[i]))
            return;
        entry t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

/* The (r+1)-th smallest of v[0..n) (r < n), by selection: v is reordered. */
static uint64_t kth_smallest(uint64_t *v, size_t n, size_t r)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        /* the median of three as the pivot: keys often come in order */
        uint64_t a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi];
        uint64_t piv = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < piv)
                i++;
            while (v[j] > piv)
                j--;
            if (i <= j) {
                uint64_t t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (r <= j)
            hi = j;
        else if (r >= i)
            lo = i;
        else
            return v[r];
    }
    return v[r];
}

/* Keeps in the max-heap h (*n of cap used) the cap entries that come
 * first: e goes in while there is room, else in place of the last when it
 * comes before it. */
static void offer(entry *h, size_t *n, size_t cap, entry e)
{
    if (*n < cap) {
        h[(*n)++] = e;
        sift_up(h, *n - 1);
    } else if (before(&e, &h[0])) {
        h[0] = e;
        sift_down(h, *n, 0);
    }
}

/* ---- the second ranking of the best WINDOW hits ---- */

/* The terms of p (its first 16), from c's cache when it has them; buf
 * holds them when the cache is full. */
static const struct term *const *plan_terms(const ectx *c, const vcm_plan *p,
                                            const struct term **buf)
{
    struct term_cache *tc = c->tc;
    for (size_t i = 0; tc && i < tc->n; i++)
        if (tc->p[i] == p)
            return tc->t[i];
    const struct term **out = tc && tc->n < TERM_CACHE ? tc->t[tc->n] : buf;
    size_t nt = p->nterms < 16 ? p->nterms : 16;
    for (size_t i = 0; i < nt; i++)
        out[i] = vcm_index_term(c->x, p->terms[i], strlen(p->terms[i]));
    if (out != buf)
        tc->p[tc->n++] = p;
    return out;
}

/* The positions in document d where p (a word, or a phrase at its
 * offsets) begins; at most max. */
static size_t starts(const ectx *c, const vcm_plan *p, uint32_t d, uint32_t *out, size_t max)
{
    size_t nt = p->nterms < 16 ? p->nterms : 16;
    uint32_t pos[16][64];
    size_t np[16];
    const struct term *buf[16];
    const struct term *const *ts = plan_terms(c, p, buf);
    for (size_t i = 0; i < nt; i++) {
        const struct term *t = ts[i];
        if (!t || !t->n)
            return 0;
        uint32_t j = gallop(t->docs, t->n, 0, d);
        if (j == t->n || t->docs[j] != d)
            return 0;
        np[i] = positions(t, j, pos[i], 64);
    }
    size_t n = 0;
    for (size_t k = 0; nt && k < np[0] && n < max; k++) {
        uint32_t p0 = pos[0][k];
        bool match = true;
        for (size_t i = 1; i < nt && match; i++) {
            uint32_t want = p0 + (p->offsets ? p->offsets[i] : (uint32_t)i);
            match = (want >> VCM_IPOS_BITS) == (p0 >> VCM_IPOS_BITS) &&
                    sorted_has(pos[i], np[i], want);
        }
        if (match)
            out[n++] = p0;
    }
    return n;
}

/* The fields of document d where a word of p stands, wherever p looks for
 * it: a field without one can hold nothing its words would mark. Every
 * field for a prefix (its words are not looked up). */
static unsigned hit_fields(const ectx *c, const vcm_plan *p, uint32_t d)
{
    if (!p)
        return 0;
    unsigned f = 0;
    switch (p->kind) {
    case VCM_PLAN_TERM: {
        const struct term *buf[16];
        const struct term *const *ts = plan_terms(c, p, buf);
        for (size_t i = 0; i < p->nterms && i < 16; i++) {
            const struct term *t = ts[i];
            uint32_t j = t && t->n ? gallop(t->docs, t->n, 0, d) : 0;
            if (!t || j == t->n || t->docs[j] != d)
                continue;
            const uint8_t *q = t->pos + t->poff[j], *end = t->pos + t->plen;
            uint32_t n, v = 0, delta;
            if (!varint(&q, end, &n))
                return VCM_IF_ALL;
            for (uint32_t k = 0; k < n && varint(&q, end, &delta); k++) {
                v += delta;
                f |= 1u << (v >> VCM_IPOS_BITS);
            }
        }
        return f & VCM_IF_ALL;
    }
    case VCM_PLAN_PREFIX:
        return VCM_IF_ALL;
    case VCM_PLAN_AND:
    case VCM_PLAN_OR:
        for (size_t i = 0; i < p->nkids && f != VCM_IF_ALL; i++)
            f |= hit_fields(c, p->kids[i], d);
        return f;
    default:
        return 0;
    }
}

static bool in_title(const ectx *c, const vcm_plan *p, uint32_t d)
{
    if (p->nterms == 1) {
        /* one word: its positions rise with their fields, the title's first */
        _Static_assert(VCM_IF_TITLE == 0, "the title is the first field");
        const struct term *buf[16];
        const struct term *t = plan_terms(c, p, buf)[0];
        uint32_t j = t && t->n ? gallop(t->docs, t->n, 0, d) : 0;
        if (!t || j == t->n || t->docs[j] != d)
            return false;
        const uint8_t *q = t->pos + t->poff[j], *end = t->pos + t->plen;
        uint32_t n, first;
        return varint(&q, end, &n) && n && varint(&q, end, &first) &&
               (first >> VCM_IPOS_BITS) == VCM_IF_TITLE;
    }
    uint32_t st[64];
    size_t n = starts(c, p, d, st, 64);
    for (size_t i = 0; i < n; i++)
        if ((st[i] >> VCM_IPOS_BITS) == VCM_IF_TITLE)
            return true;
    return false;
}

/* How much of clause q document d holds in its title: the boost of its
 * best name found there (1 typed, less added), 0 when none. */
static float clause_title(const ectx *c, const vcm_plan *q, uint32_t d)
{
    if (q->kind == VCM_PLAN_TERM)
        return in_title(c, q, d) ? (q->boost > 0 ? q->boost : 1) : 0;
    if (q->kind == VCM_PLAN_AND) {
        for (size_t i = 0; i < q->nkids; i++)
            if (q->kids[i]->kind != VCM_PLAN_TERM || !in_title(c, q->kids[i], d))
                return 0;
        return 1;
    }
    float best = 0;
    if (q->kind == VCM_PLAN_OR)
        for (size_t i = 0; i < q->nkids; i++) {
            float b = q->kids[i]->kind == VCM_PLAN_PERIOD ? 0 : clause_title(c, q->kids[i], d);
            if (b > best)
                best = b;
        }
    return best;
}

/* The words typed of clause q: the clause itself or its first alternative
 * (expansions follow it); NULL when they are not a word or phrase. */
static const vcm_plan *typed(const vcm_plan *q)
{
    if (q->kind == VCM_PLAN_OR && q->nkids)
        q = q->kids[0];
    return q->kind == VCM_PLAN_TERM && q->boost >= 1 ? q : NULL;
}

/* True when the words typed of every clause follow each other in d, in
 * the order typed, within one field. */
static bool phrase(const ectx *c, const vcm_plan *must, uint32_t d)
{
    uint32_t prev[64], cur[64];
    size_t np = 0;
    for (size_t i = 0; i < must->nkids; i++) {
        const vcm_plan *t = typed(must->kids[i]);
        if (!t)
            return false;
        size_t nc = starts(c, t, d, cur, 64);
        if (i > 0) {
            /* keep the starts that follow one of the previous clause's */
            size_t k = 0;
            for (size_t a = 0; a < nc; a++)
                for (size_t b = 0; b < np; b++)
                    if (cur[a] == prev[b] + 1) {
                        cur[k++] = cur[a];
                        break;
                    }
            nc = k;
        }
        if (!nc)
            return false;
        /* where this clause ends: its last token */
        uint32_t last = t->offsets && t->nterms > 1 ? t->offsets[t->nterms - 1] : 0;
        for (size_t a = 0; a < nc; a++)
            prev[a] = cur[a] + last;
        np = nc;
    }
    return must->nkids > 1;
}

/* Hits of one set (a series of prints, a service of dishes, a run of
 * records catalogued alike) share museum and classification, and either
 * their title ("Illustrated book") or the length of their text and their
 * score (the stations of one series, each titled by its place). */
static uint32_t set_by_title(const ectx *c, const entry *e)
{
    const struct idoc *doc = &c->x->docs[e->d];
    uint64_t t = doc->title_key;
    return (doc->museum * 2654435761u) ^ (doc->cls * 40503u) ^ (uint32_t)(t ^ (t >> 32)) ^ 1u;
}

static uint32_t set_by_score(const ectx *c, const entry *e)
{
    const struct idoc *doc = &c->x->docs[e->d];
    uint32_t bits;
    memcpy(&bits, &e->score, sizeof bits);
    return (doc->museum * 2654435761u) ^ (doc->cls * 40503u) ^ ((uint32_t)c->x->dl[e->d] << 7) ^
           (bits * 2246822519u);
}

static int cmp_doc(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return (x->d > y->d) - (x->d < y->d);
}

/* Hits that share their set, score-set, museum and origin keys are
 * lowered together at every step of the second ranking: a group. */
typedef struct rgroup {
    uint32_t set, tie, mus;
    uint8_t ori;
    uint16_t kset, kmus, kori; /* earlier hits of its set, museum, origin */
    uint32_t head, end;        /* its members not yet taken, in order[] */
    float v;                   /* its head's value with those counts */
} rgroup;

/* The members of a group follow each other, best first (score, then id):
 * within a group the penalties are the same, so that is their order. */
typedef struct rmember {
    int64_t id;
    uint32_t set, tie, mus;
    float boosted;
    uint16_t i; /* its place in the window */
    uint8_t ori;
} rmember;
_Static_assert(WINDOW <= UINT16_MAX, "a window's places");

static int cmp_member(const void *a, const void *b)
{
    const rmember *x = a, *y = b;
    if (x->set != y->set)
        return x->set < y->set ? -1 : 1;
    if (x->tie != y->tie)
        return x->tie < y->tie ? -1 : 1;
    if (x->mus != y->mus)
        return x->mus < y->mus ? -1 : 1;
    if (x->ori != y->ori)
        return x->ori < y->ori ? -1 : 1;
    if (x->boosted != y->boosted)
        return x->boosted > y->boosted ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* in[0..n) into out in cmp_member's order (a total order: ids differ): a
 * merge sort of their places, the comparison inlined where qsort would
 * call it through a pointer at every step. */
static void sort_members(const rmember *in, size_t n, rmember *out)
{
    uint16_t a[WINDOW], b[WINDOW], *ix = a, *tmp = b;
    for (size_t i = 0; i < n; i++)
        ix[i] = (uint16_t)i;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t x = lo, y = mid, o = lo;
            while (x < mid && y < hi)
                tmp[o++] = cmp_member(&in[ix[y]], &in[ix[x]]) < 0 ? ix[y++] : ix[x++];
            while (x < mid)
                tmp[o++] = ix[x++];
            while (y < hi)
                tmp[o++] = ix[y++];
        }
        uint16_t *t = ix;
        ix = tmp;
        tmp = t;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = in[ix[i]];
}

/* Orders the window again (w: the best n hits by BM25, worst: the key of
 * the last) and gives each its new score and key; w ends sorted by docnum
 * when lookup, for looking up. Only the first need places are chosen: the greedy choice
 * of a place depends on the places before it alone, so a page that ends at
 * place need sees the order the whole window would give; the hits left get
 * the keys after them (in no order that matters: no page shows them). */
static int rerank(const ectx *c, const vcm_plan *must, entry *w, size_t n, uint64_t worst,
                  size_t need, bool lookup)
{
    /* the penalties by count, computed once */
    float pset[WINDOW + 1], pmus[WINDOW + 1], pori[WINDOW + 1];
    pset[0] = pmus[0] = pori[0] = 1;
    for (size_t i = 1; i <= WINDOW; i++) {
        pset[i] = pset[i - 1] * SET_PENALTY;
        pmus[i] = pmus[i - 1] * MUSEUM_PENALTY;
        pori[i] = pori[i - 1] * ORIGIN_PENALTY;
    }
    /* the members as read, then in order */
    rmember *m = malloc((n ? 2 * n : 1) * sizeof *m), *raw = m ? m + n : NULL;
    rgroup *g = malloc((n ? n : 1) * sizeof *g);
    int rc = -1;
    if (!m || !g)
        goto out;
    bool many = must->kind == VCM_PLAN_AND && must->nkids > 1;
    for (size_t i = 0; i < n; i++) {
        float title = 0;
        if (must->kind == VCM_PLAN_AND) {
            for (size_t k = 0; k < must->nkids; k++)
                title += clause_title(c, must->kids[k], w[i].d);
            title /= must->nkids ? (float)must->nkids : 1;
        } else {
            title = clause_title(c, must, w[i].d);
        }
        raw[i] = (rmember){
            .set = set_by_title(c, &w[i]),
            .tie = set_by_score(c, &w[i]),
            .mus = c->x->docs[w[i].d].museum,
            .ori = c->x->docs[w[i].d].places,
            .boosted = w[i].score * (1 + TITLE_BOOST * title) *
                       (many && phrase(c, must, w[i].d) ? 1 + PHRASE_BOOST : 1),
            .id = w[i].id,
            .i = (uint16_t)i,
        };
    }
    sort_members(raw, n, m);
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || m[i].set != m[i - 1].set || m[i].tie != m[i - 1].tie ||
            m[i].mus != m[i - 1].mus || m[i].ori != m[i - 1].ori)
            g[ng++] = (rgroup){.set = m[i].set, .tie = m[i].tie, .mus = m[i].mus,
                               .ori = m[i].ori, .head = (uint32_t)i};
        g[ng - 1].end = (uint32_t)i + 1;
    }
    /* greedy: the best of what is left, each earlier hit of the same set,
     * museum or origin lowering it. Only a group's best member can be the
     * best, so each step looks at the groups, not at every hit: n steps of
     * at most as many groups, and the same choice as looking at them all
     * (ties go to the smaller object id, as by relevance). A group keeps
     * its value, made again when its counts or its head change, and one
     * pass over the groups counts the step taken and finds the next. */
    if (need > n)
        need = n;
    size_t best = ng;
    for (size_t k = 0; k < ng; k++) {
        g[k].v = m[g[k].head].boosted * pset[g[k].kset] * pmus[g[k].kmus] * pori[g[k].kori];
        if (best == ng || g[k].v > g[best].v ||
            (g[k].v == g[best].v && m[g[k].head].id < m[g[best].head].id))
            best = k;
    }
    for (size_t step = 0; step < need; step++) {
        rgroup b = g[best];
        entry *e = &w[m[b.head].i];
        e->score = b.v;
        /* keys by place in this order, all before the worst key of the
         * window, so that the hits after the window still follow it */
        e->key = worst - n + step;
        /* a group with no member left goes (the order of the groups does
         * not matter: ties are broken by object id) */
        size_t moved = ng;
        if (++g[best].head == g[best].end)
            g[best] = g[--ng];
        else
            moved = best; /* a new head */
        /* the counts of the groups left; a count stays within the n steps */
        uint32_t set = b.set, tie = b.tie, mus = b.mus;
        uint8_t ori = b.ori;
        best = ng;
        for (size_t k = 0; k < ng; k++) {
            rgroup *x = &g[k];
            bool ks = x->set == set || x->tie == tie, km = x->mus == mus, ko = x->ori == ori;
            if (ks || km || ko || k == moved) {
                x->kset += ks;
                x->kmus += km;
                x->kori += ko;
                x->v = m[x->head].boosted * pset[x->kset] * pmus[x->kmus] * pori[x->kori];
            }
            if (best == ng || x->v > g[best].v ||
                (x->v == g[best].v && m[x->head].id < m[g[best].head].id))
                best = k;
        }
    }
    size_t next = need;
    for (size_t k = 0; k < ng; k++)
        for (uint32_t i = g[k].head; i < g[k].end; i++) {
            entry *e = &w[m[i].i];
            e->score = m[i].boosted;
            e->key = worst - n + next++;
        }
    if (lookup)
        qsort(w, n, sizeof *w, cmp_doc);
    rc = 0;
out:
    free(m);
    free(g);
    return rc;
}

struct fcount {
    int64_t *museum, *cls, *century, material[64], region[3], image[2], open[2];
    int64_t origin[VCM_ORIGIN_NREGIONS], ocountry[26 * 26]; /* A-Z × A-Z */
};

static int cmp_facet(const void *a, const void *b)
{
    const vcm_index_facet *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->label, y->label);
}

#define CENTURY_MIN (-60)
#define CENTURY_MAX 21

static int put_facets(const ectx *c, vcm_arena *a, const struct fcount *fc, unsigned want,
                      vcm_index_result *r)
{
    const vcm_index *x = c->x;
    for (int k = 0; k < VCM_FACET_KINDS; k++) {
        if (!(want & (1u << k)) || k == VCM_FACET_COUNTRY)
            continue;
        size_t n = k == VCM_FACET_MUSEUM ? x->nmuseums
                   : k == VCM_FACET_CLASSIFICATION ? x->classes.n
                   : k == VCM_FACET_CENTURY ? (size_t)(CENTURY_MAX - CENTURY_MIN + 1)
                   : k == VCM_FACET_MATERIAL ? 64
                   : k == VCM_FACET_ORIGIN ? VCM_ORIGIN_NREGIONS
                   : k == VCM_FACET_ORIGIN_COUNTRY ? 26 * 26
                   : k == VCM_FACET_REGION ? 3 : 2;
        vcm_index_facet *f = vcm_arena_calloc(a, n ? n : 1, sizeof *f);
        if (!f)
            return -1;
        size_t m = 0;
        const vcm_thesaurus *th = vcm_thesaurus_builtin();
        for (size_t i = 0; i < n; i++) {
            int64_t cnt;
            char buf[64];
            const char *value = NULL, *label = NULL;
            switch (k) {
            case VCM_FACET_MUSEUM:
                cnt = fc->museum[i];
                if (!cnt)
                    break; /* not offered: no need of its number */
                snprintf(buf, sizeof buf, "%lld", (long long)x->museums[i].id);
                value = buf;
                label = x->museums[i].name;
                break;
            case VCM_FACET_CLASSIFICATION: {
                cnt = fc->cls[i];
                size_t kl;
                const char *key = vcm_strmap_key(&x->classes, i, &kl);
                if (!kl)
                    cnt = 0; /* "no classification" is not offered */
                value = label = vcm_arena_strndup(a, key, kl);
                break;
            }
            case VCM_FACET_CENTURY: {
                cnt = fc->century[i];
                int cent = (int)i + CENTURY_MIN;
                snprintf(buf, sizeof buf, "%d", cent);
                value = buf;
                char lb[64];
                vcm_century_label(cent, lb, sizeof lb);
                label = vcm_arena_strdup(a, lb);
                break;
            }
            case VCM_FACET_MATERIAL: {
                cnt = fc->material[i];
                size_t e = vcm_thesaurus_first(th, VCM_TH_MATERIAL) + i;
                if (!cnt || e >= vcm_thesaurus_count(th))
                    break;
                const vcm_th_entry *te = vcm_thesaurus_entry(th, e);
                if (te->kind != VCM_TH_MATERIAL)
                    break;
                value = te->id;
                label = vcm_th_label(te);
                break;
            }
            case VCM_FACET_REGION:
                cnt = fc->region[i];
                value = label = vcm_region_name((vcm_region)i);
                break;
            case VCM_FACET_ORIGIN:
                cnt = i ? fc->origin[i] : 0; /* unknown is not offered */
                value = label = vcm_origin_region_slug((vcm_origin_region)i);
                break;
            case VCM_FACET_ORIGIN_COUNTRY:
                cnt = fc->ocountry[i];
                buf[0] = (char)('A' + i / 26);
                buf[1] = (char)('A' + i % 26);
                buf[2] = 0;
                value = buf;
                break;
            case VCM_FACET_IMAGE:
                cnt = fc->image[i];
                value = i ? "yes" : "no";
                label = i ? "with images" : "without images";
                break;
            default: /* VCM_FACET_LICENCE */
                cnt = fc->open[i];
                value = i ? "open" : "other";
                label = i ? "open licence" : "other rights";
                break;
            }
            if (!cnt || !value)
                continue;
            f[m].count = cnt;
            f[m].value = vcm_arena_strdup(a, value);
            f[m].label = label ? label : f[m].value;
            if (!f[m].value || !f[m].label)
                return -1;
            m++;
        }
        if (k != VCM_FACET_CENTURY)
            qsort(f, m, sizeof *f, cmp_facet);
        r->facets[k] = f;
        r->nfacets[k] = m;
    }
    if (want & (1u << VCM_FACET_COUNTRY)) {
        /* summed from the museums */
        vcm_index_facet *f = vcm_arena_calloc(a, x->nmuseums ? x->nmuseums : 1, sizeof *f);
        if (!f)
            return -1;
        size_t m = 0;
        for (size_t i = 0; i < x->nmuseums; i++) {
            if (!fc->museum[i])
                continue;
            size_t j = 0;
            while (j < m && strcmp(f[j].value, x->museums[i].country) != 0)
                j++;
            if (j == m) {
                f[m].value = f[m].label = x->museums[i].country;
                m++;
            }
            f[j].count += fc->museum[i];
        }
        qsort(f, m, sizeof *f, cmp_facet);
        r->facets[VCM_FACET_COUNTRY] = f;
        r->nfacets[VCM_FACET_COUNTRY] = m;
    }
    return 0;
}

/* Counts doc in the facets wanted (bits 1 << VCM_FACET_*) alone: a page
 * that asks for one facet does not pay for the nine others. Countries are
 * summed from the museums' counts. */
static inline void count_facets(const vcm_index *x, struct fcount *fc, const struct idoc *doc,
                                unsigned want)
{
    if (want & (1u << VCM_FACET_MUSEUM | 1u << VCM_FACET_COUNTRY))
        fc->museum[doc->museum]++;
    if (want & 1u << VCM_FACET_CLASSIFICATION)
        fc->cls[doc->cls]++;
    if ((want & 1u << VCM_FACET_CENTURY) && doc->ds != VCM_NO_YEAR) {
        int cent = vcm_century(doc->ds);
        if (cent >= CENTURY_MIN && cent <= CENTURY_MAX)
            fc->century[cent - CENTURY_MIN]++;
    }
    if (want & 1u << VCM_FACET_MATERIAL)
        for (uint64_t m = doc->materials; m; m &= m - 1)
            fc->material[__builtin_ctzll(m)]++;
    if (want & 1u << VCM_FACET_REGION) {
        uint8_t reg = x->museums[doc->museum].region;
        if (reg < 3)
            fc->region[reg]++;
    }
    if (want & 1u << VCM_FACET_IMAGE)
        fc->image[!!(doc->flags & VCM_IDOC_IMAGE)]++;
    if (want & 1u << VCM_FACET_LICENCE)
        fc->open[!!(doc->flags & VCM_IDOC_OPEN)]++;
    if (want & 1u << VCM_FACET_ORIGIN)
        fc->origin[doc->oregion]++;
    if ((want & 1u << VCM_FACET_ORIGIN_COUNTRY) && doc->ocountry[0] >= 'A' &&
        doc->ocountry[0] <= 'Z' && doc->ocountry[1] >= 'A' && doc->ocountry[1] <= 'Z')
        fc->ocountry[(doc->ocountry[0] - 'A') * 26 + (doc->ocountry[1] - 'A')]++;
}

int vcm_index_search(vcm_index *x, vcm_arena *a, const vcm_index_request *r,
                     vcm_index_result *out)
{
    memset(out, 0, sizeof *out);
    /* the index holds published objects and none of their source ids:
     * what it cannot tell is refused, not ignored */
    if (r->filter.any_status || r->filter.source_id || r->filter.after_id ||
        r->filter.offset || r->filter.limit || (r->filter.theme && !r->filter.theme_ids))
        return -1;
    struct term_cache tc = {.n = 0};
    ectx c = {x, x->live ? (float)x->sumdl / (float)x->live : 1.0f, (double)x->live, 0, 0, &tc};
    if (c.avgdl <= 0)
        c.avgdl = 1;
    hv res = {0}, neg = {0};
    entry *heap = NULL, *win = NULL;
    uint32_t *keep = NULL;
    uint64_t *keepkey = NULL, *sel = NULL;
    struct fcount fc = {0};
    int rc = -1;
    vcm_plan all = {.kind = VCM_PLAN_ALL};
    if (eval(&c, r->must ? r->must : &all, &res) < 0)
        goto out;
    if (r->must_not && eval(&c, r->must_not, &neg) < 0)
        goto out;
    fc.museum = calloc(x->nmuseums + 1, sizeof *fc.museum);
    fc.cls = calloc(x->classes.n + 1, sizeof *fc.cls);
    fc.century = calloc(CENTURY_MAX - CENTURY_MIN + 1, sizeof *fc.century);
    size_t k = r->offset + r->limit + 1;
    heap = malloc(k * sizeof *heap);
    if (!fc.museum || !fc.cls || !fc.century || !heap)
        goto out;
    size_t nheap = 0;
    uint32_t nj = 0;
    entry after = {r->after_key, r->after_id, 0, 0};
    const vcm_filter *flt = &r->filter;
    bool filtered = vcm_filter_narrows(flt);
    int material = flt->material ? vcm_thesaurus_material(vcm_thesaurus_builtin(), flt->material) : -1;
    /* by relevance with nothing to filter or count, a hit's document is
     * read only when its score may enter the page */
    bool lean = !filtered && !r->facets && r->sort == VCM_SORT_RELEVANCE;
    /* by relevance, the best WINDOW hits (whatever the cursor, so that
     * every page sees the same order) are ranked again, then the page is
     * cut from all hits with their new keys */
    bool second = r->sort == VCM_SORT_RELEVANCE && r->must;
    /* a page within the window, without a cursor, is cut from the window
     * alone (when there are fewer hits, the window holds them all); past
     * it, or after a cursor, every hit's key is kept to cut the page from */
    bool within = second && !r->has_after && k <= WINDOW;
    size_t nwin = 0, nkeep = 0;
    if (second) {
        win = malloc(WINDOW * sizeof *win);
        if (!within) {
            keep = malloc((res.n ? res.n : 1) * sizeof *keep);
            keepkey = malloc((res.n ? res.n : 1) * sizeof *keepkey);
        }
        if (!win || (!within && (!keep || !keepkey)))
            goto out;
    }
    for (size_t i = 0; i < res.n; i++) {
        uint32_t d = res.d[i];
        if (neg.n) {
            nj = gallop(neg.d, (uint32_t)neg.n, nj, d);
            if (nj < neg.n && neg.d[nj] == d)
                continue;
        }
        uint64_t key;
        if (lean) {
            out->total++;
            key = sort_key(&c, d, res.s[i], r->sort);
            if (second ? nwin == WINDOW && key > win[0].key
                       : (nheap == k && key > heap[0].key) || (r->has_after && key < r->after_key)) {
                if (second && !within) {
                    keepkey[nkeep] = key;
                    keep[nkeep++] = (uint32_t)i;
                }
                continue;
            }
        } else {
            if (filtered && !pass(&c, d, flt, material))
                continue;
            out->total++;
            key = sort_key(&c, d, res.s[i], r->sort);
        }
        const struct idoc *doc = &x->docs[d];
        if (r->facets)
            count_facets(x, &fc, doc, r->facets);
        entry e = {key, doc->id, res.s[i], d};
        if (second) {
            if (!within) {
                keepkey[nkeep] = e.key;
                keep[nkeep++] = (uint32_t)i;
            }
            /* most hits come after a full window: told here, without a call */
            if (nwin < WINDOW || before(&e, &win[0]))
                offer(win, &nwin, WINDOW, e);
            continue;
        }
        if (r->has_after && !before(&after, &e))
            continue;
        if (nheap < k || before(&e, &heap[0]))
            offer(heap, &nheap, k, e);
    }
    if (second) {
        /* a hit outside the window comes after all of it */
        uint64_t worst = nwin ? win[0].key : 0;
        bool whole = nwin < WINDOW;
        /* the places a page needs: up to its end, after the cursor's
         * place when the cursor lies in the window */
        size_t need = k;
        if (r->has_after && r->after_key >= worst - nwin && r->after_key < worst)
            need += (size_t)(r->after_key - (worst - nwin)) + 1;
        /* a page within the window needs it in any order; otherwise hits
         * are looked up in it */
        if (rerank(&c, r->must, win, nwin, worst, need, !within) < 0)
            goto out;
        /* Without a cursor, the page holds the window and then the best
         * hits outside it by their first keys: none of those is past the
         * k-th smallest key of all hits, found by selection in one pass
         * rather than by reading each candidate's document for the heap;
         * a page within the window needs only the window. */
        uint64_t cut = UINT64_MAX;
        if (within) {
            /* the page lies within the window, whose keys come before
             * every other hit's: nothing else to look at */
            for (size_t j = 0; j < nwin; j++)
                offer(heap, &nheap, k, win[j]);
            nkeep = 0;
        } else if (!r->has_after && nkeep > k) {
            sel = malloc(nkeep * sizeof *sel);
            if (!sel)
                goto out;
            memcpy(sel, keepkey, nkeep * sizeof *sel);
            cut = kth_smallest(sel, nkeep, k - 1);
        }
        for (size_t j = 0; j < nkeep; j++) {
            uint64_t key = keepkey[j];
            if (key > cut && (!whole && key > worst))
                continue;
            uint32_t d = res.d[keep[j]];
            float sc = res.s[keep[j]];
            entry e;
            const entry *w = NULL;
            if (whole || key <= worst) {
                entry probe = {key, 0, sc, d};
                w = bsearch(&probe, win, nwin, sizeof *win, cmp_doc);
            }
            if (w) {
                e = *w;
            } else {
                /* as in one pass: the document is read only when the hit
                 * may enter the page */
                if ((nheap == k && key > heap[0].key) || (r->has_after && key < r->after_key))
                    continue;
                e = (entry){key, x->docs[d].id, sc, d};
            }
            if (r->has_after && !before(&after, &e))
                continue;
            offer(heap, &nheap, k, e);
        }
    }
    size_t from = r->offset < nheap ? r->offset : nheap;
    size_t to = from + r->limit < nheap ? from + r->limit : nheap;
    out->more = nheap > from + r->limit;
    /* The page is the heap's last entries in order (it holds no more than
     * the page and what comes before it): taken from the top, the worst
     * first, each to its place at the end, they end in order in
     * heap[from..nheap), and the entries before the page, 10,000 of them
     * at offset 10,000, are not sorted. */
    for (size_t m = nheap; m > from; m--) {
        entry t = heap[0];
        heap[0] = heap[m - 1];
        heap[m - 1] = t;
        sift_down(heap, m - 1, 0);
    }
    out->hits = vcm_arena_calloc(a, to - from ? to - from : 1, sizeof *out->hits);
    if (!out->hits)
        goto out;
    for (size_t i = from; i < to; i++) {
        vcm_index_hit *h = &out->hits[out->nhits++];
        h->id = heap[i].id;
        h->score = heap[i].score;
        h->key = heap[i].key;
        h->fields = hit_fields(&c, r->must, heap[i].d) | hit_fields(&c, r->must_not, heap[i].d);
    }
    if (r->facets && put_facets(&c, a, &fc, r->facets, out) < 0)
        goto out;
    rc = 0;
out:
    hv_free(&res);
    hv_free(&neg);
    free(heap);
    free(win);
    free(keep);
    free(keepkey);
    free(sel);
    free(fc.museum);
    free(fc.cls);
    free(fc.century);
    return rc;
}
