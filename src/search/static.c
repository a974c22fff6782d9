/* The search index of a static copy of the site, as files fetched on demand.
 *
 * Design. The browser's script (static/search-static.js) runs the server's
 * search: the same tokenizer, query parser, thesaurus expansions, BM25 and
 * second ranking (eval.c). It cannot hold the whole index (on 10,000
 * objects, several megabytes), so the index is cut into shards and a query
 * fetches only those holding its terms, the documents that match and the
 * records of the page shown. Everything the script computes from is
 * written here by the server's own code: the postings as the index holds
 * them, the per-document figures the ranking reads (weighted length, the
 * keys of the second ranking), the thesaurus' names already tokenized, and
 * for every code point the folding ICU and the Unihan table do, so that the
 * script and the server cannot drift apart (tests/search/static_tokens.mjs
 * compares their tokens).
 *
 * Files under DIR/search/ (JSON is UTF-8; binary is little-endian):
 *
 *   meta.json        {"version":1, "docs":N, "avgdl":F, "terms":T (shards),
 *                    "dshard":256, "rshard":4, "museums":[[id,name,country]],
 *                    "origins":[slug by region number], "max_tokens":M,
 *                    "letters":"…", "digits":"…" (what ICU keeps inside
 *                    a word between letters, digits, of the characters
 *                    "asked": see word_joins), "probes":[[sentence,
 *                    [ICU's cuts]]] in Thai, Lao, Khmer, Burmese (probes),
 *                    "fold":[pages present], "profiles":P}
 *   t/K.json         terms whose FNV-1a 32 hash (of the folded UTF-8 text)
 *                    mod T is K: {"term":[[doc deltas],[wtf],[[pos deltas]]]}
 *                    docs are document numbers (ascending, as the index
 *                    numbers them: in object id order), wtf the weighted
 *                    term frequency, positions in the order the index
 *                    keeps them (field << 29 | offset) written as offset * 8
 *                    + field.
 *   d/K.bin          documents K*256 .. : 8 bytes each: u16 weighted
 *                    length, u16 profile, u32 set (the class of equal
 *                    set_by_title keys of eval.c, numbered).
 *   profiles.bin     P profiles of 8 bytes: u16 museum (index in
 *                    meta.museums), u16 classification number, u8 origin
 *                    region, 2 bytes origin country ("\0\0" unknown), u8
 *                    flags (1 image, 2 open licence) | places << 8 is not
 *                    room: places is in the next file.
 *   p/K.bin          documents K*256 .. : u8 places (VCM_TH_* regions named
 *                    in the culture), read by the second ranking; and
 *   y/K.bin          documents K*256 .. : i32 first year, i32 last year
 *                    (INT32_MIN when none), read for periods and dates.
 *   r/K.json         records K*4 ..: [[id, {lang: title}, creator, date]]
 *                    for showing a page of results.
 *   th/K.json        thesaurus concepts by the FNV-1a hash of a name's key
 *                    mod 256: {"key":[[id, kind, label, regions, from, to
 *                    (null: no years), [[text, key, typed_only, tokens]]]]}
 *   nm/K.json        creators' spellings likewise: {"key":[id, label,
 *                    [[text, key, tokens]]]}; tokens are the query tokens of
 *                    a name ([text, kind, pos]), as search.c plans them.
 *   px/K.json        every term by its first character (UTF-8), K its
 *                    FNV-1a hash mod 64: {"c":[terms]}, in the order of the
 *                    index's sorted dictionary, for prefix queries (porc*).
 *   f/PAGE.json      code points PAGE*256 .. +255: [flags[256], {i: NFKC
 *                    casefold of the code point}, {i: Han fold}], flags: 1
 *                    letter or digit, 2 CJK, 4 n-gram script, 8 extender,
 *                    16 non-spacing mark, 32 other mark, 64 Latin, Greek or
 *                    Cyrillic. Pages with nothing to say are not written.
 *
 * Document numbers of a fresh build follow object ids, which the script
 * relies on where the server breaks ties by id; the writer checks it. */
#include "search/static.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "model/model.h"
#include "model/origin.h"
#include "search/index_int.h"
#include "search/names.h"
#include "search/search.h"
#include "search/thesaurus.h"
#include "search/tokenize.h"
#include "store/store.h"
#include "hanvariants.h"
#include "core/banned.h"

#define DSHARD 256     /* documents a d/, p/, y/ file holds */
#define RSHARD 4        /* records an r/ file holds */
#define TSHARD_BYTES 2048 /* the size aimed at for a t/ file */
#define THSHARDS 256
#define PXSHARDS 64

struct wctx {
    char root[4096];
    char *err;
    size_t errlen;
    vcm_static_stats *st;
};

static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static int mkdirs(struct wctx *w, const char *sub)
{
    char p[4200];
    snprintf(p, sizeof p, "%s%s%s", w->root, *sub ? "/" : "", sub);
    if (mkdir(p, 0755) < 0 && errno != EEXIST) {
        snprintf(w->err, w->errlen, "cannot create '%s': %s", p, strerror(errno));
        return -1;
    }
    return 0;
}

static int put_file(struct wctx *w, const char *name, const void *data, size_t n)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", w->root, name);
    FILE *f = fopen(p, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
        snprintf(w->err, w->errlen, "cannot write '%s': %s", p, strerror(errno));
        return -1;
    }
    w->st->files++;
    w->st->bytes += n;
    if (n > w->st->largest)
        w->st->largest = n;
    return 0;
}

static int put_buf(struct wctx *w, const char *name, vcm_buf *b)
{
    if (b->toobig) {
        snprintf(w->err, w->errlen, "'%s/%s' would be too big", w->root, name);
        return -1;
    }
    return put_file(w, name, b->data ? b->data : "", b->len);
}

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

/* One term's postings as JSON: [[doc deltas],[wtf],[[pos deltas]]]. */
static void term_json(vcm_buf *b, const struct term *t)
{
    vcm_buf_puts(b, "[[");
    for (uint32_t j = 0; j < t->n; j++)
        vcm_buf_printf(b, "%s%u", j ? "," : "", j ? t->docs[j] - t->docs[j - 1] : t->docs[j]);
    vcm_buf_puts(b, "],[");
    for (uint32_t j = 0; j < t->n; j++)
        vcm_buf_printf(b, "%s%u", j ? "," : "", t->wtf[j]);
    vcm_buf_puts(b, "],[");
    for (uint32_t j = 0; j < t->n; j++) {
        const uint8_t *p = t->pos + t->poff[j], *end = t->pos + t->plen;
        uint32_t n = 0, d, v = 0;
        vcm_buf_puts(b, j ? ",[" : "[");
        /* each position as offset * 8 + field: a few digits, where the
         * index's (field << 29 | offset) takes ten */
        if (varint(&p, end, &n))
            for (uint32_t i = 0; i < n && varint(&p, end, &d); i++) {
                v += d;
                vcm_buf_printf(b, "%s%llu", i ? "," : "",
                               (unsigned long long)(v & VCM_IPOS_MAX) * 8 + (v >> VCM_IPOS_BITS));
            }
        vcm_buf_putc(b, ']');
    }
    vcm_buf_puts(b, "]]");
}

static int write_terms(struct wctx *w, const vcm_index *x, uint32_t *nshards)
{
    vcm_buf one;
    vcm_buf_init(&one, 0);
    size_t total = 0;
    for (size_t i = 0; i < x->nterms; i++) {
        vcm_buf_reset(&one);
        term_json(&one, &x->terms[i]);
        total += one.len + 16;
    }
    uint32_t n = 16;
    while (n < (1u << 20) && total / n > TSHARD_BYTES)
        n *= 2;
    *nshards = n;
    vcm_buf *sh = calloc(n, sizeof *sh);
    int rc = -1;
    if (!sh) {
        snprintf(w->err, w->errlen, "out of memory");
        goto out;
    }
    for (uint32_t k = 0; k < n; k++)
        vcm_buf_init(&sh[k], 0);
    for (size_t i = 0; i < x->nterms; i++) {
        size_t kl;
        const char *key = vcm_strmap_key(&x->dict, i, &kl);
        if (!x->terms[i].n)
            continue;
        vcm_buf *b = &sh[fnv1a(key, kl) % n];
        vcm_buf_putc(b, b->len ? ',' : '{');
        vcm_buf_json_str(b, key, kl);
        vcm_buf_putc(b, ':');
        term_json(b, &x->terms[i]);
        w->st->terms++;
    }
    rc = 0;
    for (uint32_t k = 0; k < n && rc == 0; k++) {
        char name[32];
        snprintf(name, sizeof name, "t/%u.json", k);
        vcm_buf_puts(&sh[k], sh[k].len ? "}" : "{}");
        rc = put_buf(w, name, &sh[k]);
    }
out:
    if (sh)
        for (uint32_t k = 0; k < n; k++)
            vcm_buf_release(&sh[k]);
    free(sh);
    vcm_buf_release(&one);
    return rc;
}

struct pxctx {
    const vcm_index *x;
    vcm_buf *b;
    size_t n;
};

static int px_one(uint32_t id, void *ud)
{
    struct pxctx *c = ud;
    size_t kl;
    const char *key = vcm_strmap_key(&c->x->dict, id, &kl);
    vcm_buf_putc(c->b, c->n++ ? ',' : '[');
    vcm_buf_json_str(c->b, key, kl);
    return 0;
}

/* px/: the terms by their first character, in the order the index's
 * sorted dictionary gives them (a prefix sums its terms in that order). */
static int write_prefixes(struct wctx *w, const vcm_index *x)
{
    vcm_buf sh[PXSHARDS];
    vcm_strmap seen;
    vcm_strmap_init(&seen);
    for (int k = 0; k < PXSHARDS; k++)
        vcm_buf_init(&sh[k], 0);
    int rc = 0;
    for (size_t i = 0; i < x->nterms; i++) {
        size_t kl;
        const char *key = vcm_strmap_key(&x->dict, i, &kl);
        if (!kl)
            continue;
        size_t cl = 1;
        while (cl < kl && ((unsigned char)key[cl] & 0xC0) == 0x80)
            cl++;
        int added = 0;
        if (!vcm_strmap_put(&seen, key, cl, 0, &added)) {
            snprintf(w->err, w->errlen, "out of memory");
            rc = -1;
            goto out;
        }
        if (!added)
            continue;
        vcm_buf *b = &sh[fnv1a(key, cl) % PXSHARDS];
        vcm_buf_putc(b, b->len ? ',' : '{');
        vcm_buf_json_str(b, key, cl);
        vcm_buf_putc(b, ':');
        struct pxctx c = {x, b, 0};
        vcm_index_each_prefix(x, key, cl, px_one, &c);
        vcm_buf_puts(b, c.n ? "]" : "[]");
    }
    for (int k = 0; k < PXSHARDS && rc == 0; k++) {
        char name[32];
        vcm_buf_puts(&sh[k], sh[k].len ? "}" : "{}");
        snprintf(name, sizeof name, "px/%d.json", k);
        rc = put_buf(w, name, &sh[k]);
    }
out:
    for (int k = 0; k < PXSHARDS; k++)
        vcm_buf_release(&sh[k]);
    vcm_strmap_release(&seen);
    return rc;
}

static void le16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
    le16(p, v);
    le16(p + 2, v >> 16);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint32_t find_u32(const uint32_t *v, size_t n, uint32_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (uint32_t)lo;
}

/* The documents' figures: d/, p/, y/ and profiles.bin. */
static int write_docs(struct wctx *w, const vcm_index *x, uint32_t *nprofiles)
{
    size_t nd = x->ndocs;
    int rc = -1;
    uint32_t *sets = malloc((nd ? nd : 1) * sizeof *sets);
    uint32_t *sorted = malloc((nd ? nd : 1) * sizeof *sorted);
    uint64_t *prof = malloc((nd ? nd : 1) * sizeof *prof);
    uint64_t *pkeys = malloc((nd ? nd : 1) * sizeof *pkeys);
    uint8_t *buf = malloc(DSHARD * 8);
    if (!sets || !sorted || !prof || !pkeys || !buf) {
        snprintf(w->err, w->errlen, "out of memory");
        goto out;
    }
    for (size_t d = 0; d < nd; d++) {
        const struct idoc *doc = &x->docs[d];
        if (d && doc->id <= x->docs[d - 1].id) {
            snprintf(w->err, w->errlen, "the index's documents are not in id order");
            goto out;
        }
        uint64_t t = doc->title_key;
        /* set_by_title of eval.c */
        sets[d] = sorted[d] = (doc->museum * 2654435761u) ^ (doc->cls * 40503u) ^
                              (uint32_t)(t ^ (t >> 32)) ^ 1u;
        uint8_t oc0 = (uint8_t)doc->ocountry[0], oc1 = (uint8_t)doc->ocountry[1];
        prof[d] = (uint64_t)doc->museum | (uint64_t)doc->cls << 16 | (uint64_t)doc->oregion << 32 |
                  (uint64_t)oc0 << 40 | (uint64_t)oc1 << 48 | (uint64_t)(doc->flags & 3) << 56;
        pkeys[d] = prof[d];
        if (doc->museum > 0xffff || doc->cls > 0xffff) {
            snprintf(w->err, w->errlen, "more than 65,536 museums or classifications");
            goto out;
        }
    }
    qsort(sorted, nd, sizeof *sorted, cmp_u32);
    size_t ns = 0;
    for (size_t i = 0; i < nd; i++)
        if (!ns || sorted[i] != sorted[ns - 1])
            sorted[ns++] = sorted[i];
    /* profiles: the distinct (museum, classification, origin, flags) */
    qsort(pkeys, nd, sizeof *pkeys, cmp_u64);
    size_t np = 0;
    for (size_t i = 0; i < nd; i++)
        if (!np || pkeys[i] != pkeys[np - 1])
            pkeys[np++] = pkeys[i];
    if (np > 0xffff) {
        snprintf(w->err, w->errlen, "more than 65,536 document profiles");
        goto out;
    }
    *nprofiles = (uint32_t)np;
    {
        uint8_t *pb = malloc((np ? np : 1) * 8);
        if (!pb) {
            snprintf(w->err, w->errlen, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < np; i++) {
            uint64_t k = pkeys[i];
            le16(pb + i * 8, (uint32_t)(k & 0xffff));
            le16(pb + i * 8 + 2, (uint32_t)((k >> 16) & 0xffff));
            pb[i * 8 + 4] = (uint8_t)(k >> 32);
            pb[i * 8 + 5] = (uint8_t)(k >> 40);
            pb[i * 8 + 6] = (uint8_t)(k >> 48);
            pb[i * 8 + 7] = (uint8_t)(k >> 56);
        }
        int r = put_file(w, "profiles.bin", pb, np * 8);
        free(pb);
        if (r < 0)
            goto out;
    }
    for (size_t s = 0; s * DSHARD < nd; s++) {
        size_t from = s * DSHARD, to = from + DSHARD < nd ? from + DSHARD : nd;
        char name[32];
        for (size_t d = from; d < to; d++) {
            uint8_t *p = buf + (d - from) * 8;
            size_t lo = 0, hi = np;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (pkeys[mid] < prof[d])
                    lo = mid + 1;
                else
                    hi = mid;
            }
            le16(p, x->dl[d]);
            le16(p + 2, (uint32_t)lo);
            le32(p + 4, find_u32(sorted, ns, sets[d]));
        }
        snprintf(name, sizeof name, "d/%zu.bin", s);
        if (put_file(w, name, buf, (to - from) * 8) < 0)
            goto out;
        for (size_t d = from; d < to; d++)
            buf[d - from] = x->docs[d].places;
        snprintf(name, sizeof name, "p/%zu.bin", s);
        if (put_file(w, name, buf, to - from) < 0)
            goto out;
        for (size_t d = from; d < to; d++) {
            le32(buf + (d - from) * 8, (uint32_t)x->docs[d].ds);
            le32(buf + (d - from) * 8 + 4, (uint32_t)x->docs[d].de);
        }
        snprintf(name, sizeof name, "y/%zu.bin", s);
        if (put_file(w, name, buf, (to - from) * 8) < 0)
            goto out;
    }
    rc = 0;
out:
    free(sets);
    free(sorted);
    free(prof);
    free(pkeys);
    free(buf);
    return rc;
}

/* r/: what a page of results shows of each object. */
static int write_records(struct wctx *w, const vcm_index *x, const char *db_url)
{
    vcm_store *st = vcm_store_open(db_url, w->err, w->errlen);
    if (!st)
        return -1;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_buf b;
    vcm_buf_init(&b, 0);
    int rc = -1;
    for (size_t s = 0; s * RSHARD < x->ndocs; s++) {
        size_t from = s * RSHARD, n = from + RSHARD < x->ndocs ? RSHARD : x->ndocs - from;
        int64_t ids[RSHARD];
        vcm_object objs[RSHARD];
        bool found[RSHARD];
        vcm_arena_reset(&a);
        for (size_t i = 0; i < n; i++)
            ids[i] = x->docs[from + i].id;
        if (st->ops->object_get_many(st, &a, ids, n, objs, found) < 0) {
            snprintf(w->err, w->errlen, "%s", vcm_store_error(st));
            goto out;
        }
        vcm_buf_reset(&b);
        vcm_buf_putc(&b, '[');
        for (size_t i = 0; i < n; i++) {
            const vcm_object *o = &objs[i];
            vcm_buf_printf(&b, "%s[%lld,{", i ? "," : "", (long long)ids[i]);
            for (size_t k = 0; found[i] && k < o->title.n; k++) {
                vcm_buf_printf(&b, "%s", k ? "," : "");
                vcm_buf_json_str(&b, o->title.v[k].lang, strlen(o->title.v[k].lang));
                vcm_buf_putc(&b, ':');
                vcm_buf_json_str(&b, o->title.v[k].text, strlen(o->title.v[k].text));
            }
            vcm_buf_puts(&b, "},");
            const char *cr = found[i] && o->ncreators && o->creators[0] ? o->creators[0] : "";
            const char *dt = found[i] && o->date_text ? o->date_text : "";
            vcm_buf_json_str(&b, cr, strlen(cr));
            vcm_buf_putc(&b, ',');
            vcm_buf_json_str(&b, dt, strlen(dt));
            vcm_buf_putc(&b, ']');
        }
        vcm_buf_putc(&b, ']');
        char name[32];
        snprintf(name, sizeof name, "r/%zu.json", s);
        if (put_buf(w, name, &b) < 0)
            goto out;
    }
    rc = 0;
out:
    vcm_buf_release(&b);
    vcm_arena_release(&a);
    vcm_store_close(st);
    return rc;
}

/* ---- query tokens of the thesaurus' names, as search.c plans them ---- */

struct qt {
    char text[VCM_TOK_MAX_LEN + 1];
    size_t len;
    uint32_t pos, start, end;
    uint8_t kind;
};

struct qts {
    struct qt v[64];
    size_t n;
};

static int qt_collect(const vcm_token *t, void *ud)
{
    struct qts *q = ud;
    if (q->n == 64)
        return 1;
    struct qt *o = &q->v[q->n++];
    memcpy(o->text, t->text, t->len);
    o->text[t->len] = 0;
    o->len = t->len;
    o->pos = t->pos;
    o->start = t->start;
    o->end = t->end;
    o->kind = t->kind;
    return 0;
}

/* The tokens search.c's query_tokens keeps, as JSON [[text, kind, pos]]. */
static void query_tokens_json(vcm_buf *b, const char *text)
{
    struct qts *q = calloc(1, sizeof *q);
    vcm_buf_putc(b, '[');
    if (q && vcm_tokenize(text, strlen(text), VCM_TOK_STEM, qt_collect, q) == 0) {
        size_t out = 0;
        for (size_t i = 0; i < q->n; i++) {
            const struct qt *t = &q->v[i];
            bool drop = false;
            if (t->kind == VCM_TOK_WORD) {
                for (size_t j = 0; j < q->n && !drop; j++)
                    drop = q->v[j].kind != VCM_TOK_WORD && q->v[j].start < t->end &&
                           q->v[j].end > t->start;
            } else if (t->kind == VCM_TOK_CJK_UNI) {
                for (size_t j = 0; j < q->n && !drop; j++)
                    drop = q->v[j].kind == VCM_TOK_CJK_BI &&
                           (q->v[j].pos == t->pos || q->v[j].pos + 1 == t->pos);
            }
            if (drop)
                continue;
            vcm_buf_puts(b, out++ ? ",[" : "[");
            vcm_buf_json_str(b, t->text, t->len);
            vcm_buf_printf(b, ",%u,%u]", t->kind, t->pos);
        }
    }
    vcm_buf_putc(b, ']');
    free(q);
}

struct kv {
    uint32_t shard;
    const char *key;
    size_t entry;
};

static int write_thesaurus(struct wctx *w)
{
    const vcm_thesaurus *th = vcm_thesaurus_builtin();
    const vcm_names *nm = vcm_names_builtin();
    vcm_buf sh[THSHARDS], ns[THSHARDS], e;
    int rc = -1;
    for (int k = 0; k < THSHARDS; k++) {
        vcm_buf_init(&sh[k], 0);
        vcm_buf_init(&ns[k], 0);
    }
    vcm_buf_init(&e, 0);
    if (!th || !nm) {
        snprintf(w->err, w->errlen, "the built-in thesaurus cannot be read");
        goto out;
    }
    /* each key once, with every concept that has it (vcm_thesaurus_lookup) */
    for (size_t i = 0; i < vcm_thesaurus_count(th); i++) {
        const vcm_th_entry *te = vcm_thesaurus_entry(th, i);
        for (size_t j = 0; j < te->nnames; j++) {
            const char *key = te->names[j].key;
            bool seen = false;
            for (size_t i2 = 0; i2 <= i && !seen; i2++) {
                const vcm_th_entry *t2 = vcm_thesaurus_entry(th, i2);
                size_t lim = i2 == i ? j : t2->nnames;
                for (size_t j2 = 0; j2 < lim && !seen; j2++)
                    seen = strcmp(t2->names[j2].key, key) == 0;
            }
            if (seen || !*key)
                continue;
            const vcm_th_entry *found[8];
            size_t nf = vcm_thesaurus_lookup(th, key, strlen(key), found, 8);
            vcm_buf *b = &sh[fnv1a(key, strlen(key)) % THSHARDS];
            vcm_buf_putc(b, b->len ? ',' : '{');
            vcm_buf_json_str(b, key, strlen(key));
            vcm_buf_puts(b, ":[");
            for (size_t f = 0; f < nf; f++) {
                const vcm_th_entry *x = found[f];
                static const char *const kinds[] = {"period", "material", "type", "place"};
                vcm_buf_puts(b, f ? ",[" : "[");
                vcm_buf_json_str(b, x->id, strlen(x->id));
                vcm_buf_printf(b, ",\"%s\",", kinds[x->kind]);
                const char *label = vcm_th_label(x);
                vcm_buf_json_str(b, label, strlen(label));
                if (x->has_years)
                    vcm_buf_printf(b, ",%u,%d,%d,[", x->regions, x->start, x->end);
                else
                    vcm_buf_printf(b, ",%u,null,null,[", x->regions);
                for (size_t n = 0; n < x->nnames; n++) {
                    vcm_buf_puts(b, n ? ",[" : "[");
                    vcm_buf_json_str(b, x->names[n].text, strlen(x->names[n].text));
                    vcm_buf_putc(b, ',');
                    vcm_buf_json_str(b, x->names[n].key, strlen(x->names[n].key));
                    vcm_buf_printf(b, ",%s,", x->names[n].typed_only ? "true" : "false");
                    query_tokens_json(b, x->names[n].text);
                    vcm_buf_putc(b, ']');
                }
                vcm_buf_puts(b, "]]");
            }
            vcm_buf_putc(b, ']');
        }
    }
    for (size_t i = 0; i < vcm_names_count(nm); i++) {
        const vcm_name_entry *ne = vcm_names_entry(nm, i);
        vcm_buf_reset(&e);
        vcm_buf_putc(&e, '[');
        vcm_buf_json_str(&e, ne->id, strlen(ne->id));
        vcm_buf_putc(&e, ',');
        vcm_buf_json_str(&e, ne->label, strlen(ne->label));
        vcm_buf_puts(&e, ",[");
        for (size_t j = 0; j < ne->nnames; j++) {
            char k[512];
            int kl = vcm_tokenize_key(ne->names[j], strlen(ne->names[j]), VCM_TOK_STEM, k, sizeof k);
            vcm_buf_puts(&e, j ? ",[" : "[");
            vcm_buf_json_str(&e, ne->names[j], strlen(ne->names[j]));
            vcm_buf_putc(&e, ',');
            vcm_buf_json_str(&e, k, kl > 0 ? (size_t)kl : 0);
            vcm_buf_putc(&e, ',');
            query_tokens_json(&e, ne->names[j]);
            vcm_buf_putc(&e, ']');
        }
        vcm_buf_puts(&e, "]]");
        /* one line under each of its keys */
        for (size_t j = 0; j < ne->nnames; j++) {
            char k[512];
            int kl = vcm_tokenize_key(ne->names[j], strlen(ne->names[j]), VCM_TOK_STEM, k, sizeof k);
            if (kl <= 0 || vcm_names_lookup(nm, k, (size_t)kl) != ne)
                continue;
            bool dup = false;
            for (size_t j2 = 0; j2 < j && !dup; j2++) {
                char k2[512];
                int kl2 = vcm_tokenize_key(ne->names[j2], strlen(ne->names[j2]), VCM_TOK_STEM, k2,
                                           sizeof k2);
                dup = kl2 == kl && memcmp(k, k2, (size_t)kl) == 0;
            }
            if (dup)
                continue;
            vcm_buf *b = &ns[fnv1a(k, (size_t)kl) % THSHARDS];
            vcm_buf_putc(b, b->len ? ',' : '{');
            vcm_buf_json_str(b, k, (size_t)kl);
            vcm_buf_putc(b, ':');
            vcm_buf_append(b, e.data, e.len);
        }
    }
    rc = 0;
    for (int k = 0; k < THSHARDS && rc == 0; k++) {
        char name[32];
        vcm_buf_puts(&sh[k], sh[k].len ? "}" : "{}");
        vcm_buf_puts(&ns[k], ns[k].len ? "}" : "{}");
        snprintf(name, sizeof name, "th/%d.json", k);
        rc = put_buf(w, name, &sh[k]);
        snprintf(name, sizeof name, "nm/%d.json", k);
        if (rc == 0)
            rc = put_buf(w, name, &ns[k]);
    }
out:
    for (int k = 0; k < THSHARDS; k++) {
        vcm_buf_release(&sh[k]);
        vcm_buf_release(&ns[k]);
    }
    vcm_buf_release(&e);
    return rc;
}

/* ---- folding tables: what tokenize.c asks ICU and Unihan, per code point ---- */

static UChar32 han_fold(UTransliterator *t2s, UChar32 c)
{
    /* unvariant(simplify(unvariant(c))) of tokenize.c */
    UChar32 v = c;
    for (int round = 0; round < 3; round++) {
        if (round == 1) {
            if (!t2s)
                continue;
            UChar b[16];
            int32_t n = 0, limit, len;
            U16_APPEND_UNSAFE(b, n, v);
            limit = len = n;
            UErrorCode e = U_ZERO_ERROR;
            utrans_transUChars(t2s, b, &len, 16, 0, &limit, &e);
            if (U_SUCCESS(e) && len > 0 && len <= 2) {
                int32_t i = 0;
                UChar32 r;
                U16_NEXT(b, i, len, r);
                if (i == len)
                    v = r;
            }
            continue;
        }
        size_t lo = 0, hi = VCM_HANVAR_COUNT;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (vcm_hanvar[mid][0] < (uint32_t)v)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < VCM_HANVAR_COUNT && vcm_hanvar[lo][0] == (uint32_t)v)
            v = (UChar32)vcm_hanvar[lo][1];
    }
    return v;
}

static int fold_flags(UChar32 c)
{
    UErrorCode e = U_ZERO_ERROR;
    UScriptCode s = uscript_getScript(c, &e);
    int8_t t = u_charType(c);
    bool alpha = u_hasBinaryProperty(c, UCHAR_ALPHABETIC);
    int f = 0;
    if (alpha || u_isdigit(c))
        f |= 1;
    if (c == 0x30FC || c == 0xFF70 ||
        (c >= 0x2E80 && (s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA) && alpha))
        f |= 2;
    if (c >= 0x0E00 && alpha &&
        (s == USCRIPT_HANGUL || s == USCRIPT_THAI || s == USCRIPT_LAO || s == USCRIPT_KHMER ||
         s == USCRIPT_MYANMAR))
        f |= 4;
    if (c >= 0x300 && (c == 0xFF9E || c == 0xFF9F || (c >= 0x1160 && c <= 0x11FF) ||
                       (c >= 0xD7B0 && c <= 0xD7FF) || t == U_NON_SPACING_MARK ||
                       t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK))
        f |= 8;
    if (t == U_NON_SPACING_MARK)
        f |= 16;
    if (t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK)
        f |= 32;
    if (s == USCRIPT_LATIN || s == USCRIPT_GREEK || s == USCRIPT_CYRILLIC)
        f |= 64;
    return f;
}

static void json_u16(vcm_buf *b, const UChar *u, int32_t n)
{
    char s[256];
    int32_t sl = 0;
    UErrorCode e = U_ZERO_ERROR;
    u_strToUTF8(s, (int32_t)sizeof s, &sl, u, n, &e);
    if (U_FAILURE(e) || sl >= (int32_t)sizeof s)
        sl = 0;
    vcm_buf_json_str(b, s, (size_t)sl);
}

static int write_fold(struct wctx *w, vcm_buf *pages)
{
    UErrorCode e = U_ZERO_ERROR;
    const UNormalizer2 *cf = unorm2_getNFKCCasefoldInstance(&e);
    if (U_FAILURE(e)) {
        snprintf(w->err, w->errlen, "ICU has no NFKC_Casefold");
        return -1;
    }
    e = U_ZERO_ERROR;
    static const UChar id[] = u"Traditional-Simplified";
    UTransliterator *t2s = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
    if (U_FAILURE(e))
        t2s = NULL; /* as tokenize.c: fold nothing rather than fail */
    vcm_buf fl, mp, hm;
    vcm_buf_init(&fl, 0);
    vcm_buf_init(&mp, 0);
    vcm_buf_init(&hm, 0);
    int rc = 0;
    size_t npages = 0;
    vcm_buf_putc(pages, '[');
    for (UChar32 page = 0; page <= 0x10FF && rc == 0; page++) {
        vcm_buf_reset(&fl);
        vcm_buf_reset(&mp);
        vcm_buf_reset(&hm);
        bool any = false;
        for (int i = 0; i < 256; i++) {
            UChar32 c = page * 256 + i;
            int f = c < 0x80 || (c >= 0xD800 && c <= 0xDFFF) ? 0 : fold_flags(c);
            vcm_buf_printf(&fl, "%s%d", i ? "," : "", f);
            any |= f != 0;
            if (c < 0x80 || (c >= 0xD800 && c <= 0xDFFF))
                continue;
            UChar src[2], out[64];
            int32_t n = 0;
            U16_APPEND_UNSAFE(src, n, c);
            e = U_ZERO_ERROR;
            int32_t m = unorm2_normalize(cf, src, n, out, 64, &e);
            if (U_SUCCESS(e) && (m != n || memcmp(src, out, (size_t)n * sizeof *src) != 0)) {
                vcm_buf_printf(&mp, "%s\"%d\":", mp.len ? "," : "", i);
                json_u16(&mp, out, m);
                any = true;
            }
            e = U_ZERO_ERROR;
            if (c >= 0x3400 && uscript_getScript(c, &e) == USCRIPT_HAN) {
                UChar32 h = han_fold(t2s, c);
                if (h != c) {
                    vcm_buf_printf(&hm, "%s\"%d\":%d", hm.len ? "," : "", i, (int)h);
                    any = true;
                }
            }
        }
        if (!any)
            continue;
        vcm_buf out;
        vcm_buf_init(&out, 0);
        vcm_buf_printf(&out, "[[%.*s],{%.*s},{%.*s}]", (int)fl.len, fl.data, (int)mp.len,
                       mp.data ? mp.data : "", (int)hm.len, hm.data ? hm.data : "");
        char name[32];
        snprintf(name, sizeof name, "f/%d.json", (int)page);
        rc = put_buf(w, name, &out);
        vcm_buf_release(&out);
        vcm_buf_printf(pages, "%s%d", npages++ ? "," : "", (int)page);
    }
    vcm_buf_putc(pages, ']');
    if (t2s)
        utrans_close(t2s);
    vcm_buf_release(&fl);
    vcm_buf_release(&mp);
    vcm_buf_release(&hm);
    return rc;
}

/* The characters that ICU's word breaker here keeps inside a word between
 * two letters ("B.C.", "l'art") and between two digits ("1,000"), as
 * JSON strings: a browser whose breaker cuts there (Chromium's cuts at
 * the full stop) joins the pieces again, so that its words are these. */
static int word_joins(vcm_buf *b)
{
    static const UChar cands[] = u".:'\u00B7\u0387\u055F\u05F4\u2018\u2019\u2024\u2027\uFE13\uFE52"
                                 u"\uFE55\uFF07\uFF0E\uFF1A,;\u037E\u0589\u060C\u060D\u066C\u07F8"
                                 u"\u2044\uFE10\uFE14\uFE50\uFE54\uFF0C\uFF1B";
    UErrorCode e = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "", NULL, 0, &e);
    if (U_FAILURE(e))
        return -1;
    for (int kind = 0; kind < 2; kind++) {
        vcm_buf_puts(b, kind ? ",\"digits\":\"" : "\"letters\":\"");
        for (size_t i = 0; i + 1 < sizeof cands / sizeof *cands; i++) {
            UChar t[3] = {kind ? u'1' : u'a', cands[i], kind ? u'2' : u'b'};
            e = U_ZERO_ERROR;
            ubrk_setText(bi, t, 3, &e);
            if (U_FAILURE(e))
                break;
            if (ubrk_following(bi, 0) == 3) {
                char u8[8];
                int32_t n = 0;
                e = U_ZERO_ERROR;
                u_strToUTF8(u8, (int32_t)sizeof u8, &n, &cands[i], 1, &e);
                if (U_SUCCESS(e) && n > 0) {
                    if (u8[0] == '\'' || u8[0] == '.' || u8[0] == ':' || u8[0] == ',' || u8[0] == ';' ||
                        (unsigned char)u8[0] >= 0x80)
                        vcm_buf_append(b, u8, (size_t)n);
                }
            }
        }
        vcm_buf_putc(b, '"');
    }
    /* every character asked, so that a browser that keeps one inside a
     * word where the server cuts can cut there too */
    char all[256];
    int32_t an = 0;
    e = U_ZERO_ERROR;
    u_strToUTF8(all, (int32_t)sizeof all, &an, cands, (int32_t)(sizeof cands / sizeof *cands - 1), &e);
    vcm_buf_puts(b, ",\"asked\":");
    vcm_buf_json_str(b, all, U_SUCCESS(e) ? (size_t)an : 0);
    ubrk_close(bi);
    return 0;
}

/* Sentences of the catalogues in the scripts ICU cuts by dictionary, with
 * where ICU's word breaker here cuts them (UTF-16 offsets): a browser whose
 * dictionaries cut otherwise searches those scripts by their characters
 * (search-static.js), which the index holds at the same positions however
 * the words were cut. Nothing when the catalogues are not loaded. */
static void probes(vcm_buf *b)
{
    static const char *const langs[] = {"th", "lo", "km", "my"};
    static const char *const keys[] = {"site.tagline", "footer.about", "search.none"};
    UErrorCode e = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "", NULL, 0, &e);
    vcm_buf_puts(b, "\"probes\":[");
    size_t n = 0;
    for (size_t l = 0; bi && l < sizeof langs / sizeof *langs; l++)
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
            const char *t = vcm_t(langs[l], keys[k]);
            if (!t || strcmp(t, vcm_t("en", keys[k])) == 0)
                continue; /* not translated, or no catalogue */
            UChar u[1024];
            int32_t un = 0;
            e = U_ZERO_ERROR;
            u_strFromUTF8(u, 1024, &un, t, -1, &e);
            if (U_FAILURE(e))
                continue;
            ubrk_setText(bi, u, un, &e);
            if (U_FAILURE(e))
                continue;
            vcm_buf_puts(b, n++ ? ",[" : "[");
            vcm_buf_json_str(b, t, strlen(t));
            vcm_buf_puts(b, ",[");
            int c = 0;
            for (int32_t p = ubrk_first(bi); p != UBRK_DONE; p = ubrk_next(bi))
                vcm_buf_printf(b, "%s%d", c++ ? "," : "", (int)p);
            vcm_buf_puts(b, "]]");
        }
    vcm_buf_putc(b, ']');
    if (bi) {
        static const UChar none[1] = {0};
        e = U_ZERO_ERROR;
        ubrk_setText(bi, none, 0, &e);
        ubrk_close(bi);
    }
}

int vcm_search_export_static(const char *db_url, const char *dir, vcm_static_stats *stats,
                             char *err, size_t errlen)
{
    vcm_static_stats local;
    struct wctx w = {.err = err, .errlen = errlen, .st = stats ? stats : &local};
    memset(w.st, 0, sizeof *w.st);
    vcm_index *x = NULL;
    vcm_buf meta, pages;
    vcm_buf_init(&meta, 0);
    vcm_buf_init(&pages, 0);
    int rc = -1;
    char tmp[4200];
    *err = 0;
    if (!dir || !*dir) {
        snprintf(err, errlen, "no folder to write to");
        goto out;
    }
    struct stat sb;
    if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "'%s' is not a folder", dir);
        goto out;
    }
    if ((size_t)snprintf(w.root, sizeof w.root, "%s/search", dir) >= sizeof w.root) {
        snprintf(err, errlen, "the folder's name is too long");
        goto out;
    }
    static const char *const subs[] = {"", "t", "d", "p", "y", "r", "th", "nm", "f", "px"};
    for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
        if (mkdirs(&w, subs[i]) < 0)
            goto out;
    /* a fresh build: documents numbered in id order, none dead */
    snprintf(tmp, sizeof tmp, "%s/.index.tmp", w.root);
    size_t ndocs = 0;
    if (vcm_search_reindex(db_url, tmp, NULL, NULL, &ndocs, err, errlen) < 0)
        goto out;
    x = vcm_index_load(tmp, err, errlen);
    unlink(tmp);
    if (!x)
        goto out;
    if (x->live != x->ndocs) {
        snprintf(err, errlen, "the index holds removed documents");
        goto out;
    }
    w.st->docs = x->ndocs;
    uint32_t nterms = 0, nprof = 0;
    if (write_terms(&w, x, &nterms) < 0 || write_prefixes(&w, x) < 0 || write_docs(&w, x, &nprof) < 0 ||
        write_records(&w, x, db_url) < 0 || write_thesaurus(&w) < 0 || write_fold(&w, &pages) < 0)
        goto out;
    float avgdl = x->live ? (float)x->sumdl / (float)x->live : 1.0f;
    if (avgdl <= 0)
        avgdl = 1;
    vcm_buf_printf(&meta, "{\"version\":1,\"docs\":%zu,\"avgdl\":%.9g,\"terms\":%u,\"dshard\":%d,"
                          "\"rshard\":%d,\"thshards\":%d,\"pxshards\":%d,\"profiles\":%u,\"max_tokens\":%zu,\"museums\":[",
                   x->live, (double)avgdl, nterms, DSHARD, RSHARD, THSHARDS, PXSHARDS, nprof,
                   vcm_thesaurus_max_tokens(vcm_thesaurus_builtin()));
    for (size_t i = 0; i < x->nmuseums; i++) {
        vcm_buf_printf(&meta, "%s[%lld,", i ? "," : "", (long long)x->museums[i].id);
        const char *n = x->museums[i].name ? x->museums[i].name : "";
        vcm_buf_json_str(&meta, n, strlen(n));
        vcm_buf_printf(&meta, ",\"%s\"]", x->museums[i].country);
    }
    vcm_buf_puts(&meta, "],\"origins\":[");
    for (int i = 0; i < VCM_ORIGIN_NREGIONS; i++)
        vcm_buf_printf(&meta, "%s\"%s\"", i ? "," : "", vcm_origin_region_slug((vcm_origin_region)i));
    vcm_buf_puts(&meta, "],");
    if (word_joins(&meta) < 0) {
        snprintf(err, errlen, "ICU has no word breaker");
        goto out;
    }
    vcm_buf_putc(&meta, ',');
    probes(&meta);
    vcm_buf_puts(&meta, ",\"fold\":");
    vcm_buf_append(&meta, pages.data, pages.len);
    vcm_buf_puts(&meta, "}\n");
    rc = put_buf(&w, "meta.json", &meta);
out:
    if (x)
        vcm_index_free(x);
    vcm_buf_release(&meta);
    vcm_buf_release(&pages);
    return rc;
}

struct tj {
    vcm_buf *b;
    size_t n;
};

static int tok_json(const vcm_token *t, void *ud)
{
    struct tj *j = ud;
    vcm_buf_puts(j->b, j->n++ ? ",[" : "[");
    vcm_buf_json_str(j->b, t->text, t->len);
    vcm_buf_printf(j->b, ",%u,%u,%u,%u]", t->kind, t->pos, t->start, t->end);
    return 0;
}

int vcm_search_tokens_json(const char *text, size_t len, int flags, char *out, size_t cap)
{
    vcm_buf b;
    vcm_buf_init(&b, 0);
    struct tj j = {&b, 0};
    vcm_buf_putc(&b, '[');
    int rc = vcm_tokenize(text, len, flags, tok_json, &j);
    vcm_buf_putc(&b, ']');
    if (rc == 0 && (b.toobig || b.len + 1 > cap))
        rc = -1;
    if (rc == 0)
        memcpy(out, b.data, b.len + 1);
    vcm_buf_release(&b);
    return rc;
}
