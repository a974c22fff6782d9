/* The index file: the whole index in one file, written atomically.
 *
 * Layout (native byte order; a header field tells a foreign file apart):
 * a header with counts, the store's instance id and the seq covered, then
 * sections in a fixed order, each 8-byte aligned: documents, museums,
 * classifications, the dictionary (keys in id order and ids sorted by
 * text), per-term counts, all postings' docnums, frequencies, position
 * offsets and positions, then autocomplete texts and keys. A checksum over
 * everything ends the file. Loading maps the file read-only (the pages of
 * the kernel's cache, not a copy of them) and points the terms' arrays into
 * it (borrowed until a term grows: index.c copies an array out before it
 * writes to it). The file is replaced by a rename, never written in place,
 * so a mapped file never changes under the index. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "search/index_int.h"
#include "core/banned.h"

#define MAGIC "VCMIDX\x01\n"
#define VERSION 4u /* 2: n-grams of Thai, Lao, Khmer and Burmese words; 3: Han variants,
                      apostrophes and possessives folded, several suggestions a key,
                      classification by concept (terms.h), origins; 4: the autocomplete
                      entries of each document */

struct header {
    char magic[8];
    uint32_t version, order;
    uint32_t sizeof_doc, sizeof_museum;
    char instance[40];
    int64_t seq;
    uint64_t ndocs, nmuseums, nclasses, nterms, nstexts, nskeys, sumdl, size, nsrefs;
};

typedef struct wr {
    FILE *f;
    uint64_t sum;
    uint64_t at;
    uint8_t carry[8];
    size_t ncarry;
    int err;
} wr;

static uint64_t mix64(uint64_t h, uint64_t w)
{
    h ^= w * 0x9E3779B97F4A7C15ull;
    return (h << 27 | h >> 37) * 0xC2B2AE3D27D4EB4Full;
}

static void put(wr *w, const void *p, size_t n)
{
    const uint8_t *b = p;
    if (w->err || !n)
        return;
    if (fwrite(p, 1, n, w->f) != n) {
        w->err = errno ? errno : EIO;
        return;
    }
    w->at += n;
    /* checksum over 8-byte words, whatever the write sizes */
    while (n) {
        size_t take = 8 - w->ncarry < n ? 8 - w->ncarry : n;
        memcpy(w->carry + w->ncarry, b, take);
        w->ncarry += take;
        b += take;
        n -= take;
        if (w->ncarry == 8) {
            uint64_t v;
            memcpy(&v, w->carry, 8);
            w->sum = mix64(w->sum, v);
            w->ncarry = 0;
        }
    }
}

static void align(wr *w)
{
    static const uint8_t zero[8];
    if (w->at % 8)
        put(w, zero, 8 - w->at % 8);
}

static void put_keys(wr *w, const vcm_strmap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        size_t l;
        const char *k = vcm_strmap_key(m, i, &l);
        uint32_t l32 = (uint32_t)l;
        put(w, &l32, 4);
        put(w, k, l);
    }
    align(w);
}

int vcm_index_pack(vcm_index *x)
{
    if (x->dead && vcm_index_compact(x) < 0)
        return -1;
    return vcm_index_settle(x) < 0 || vcm_index_sort_all(x) < 0 ? -1 : 0;
}

int vcm_index_save(vcm_index *x, const char *path, char *err, size_t errlen)
{
    if (x->dead || x->nsorted != x->nterms || x->nssorted != x->skeys.n) {
        snprintf(err, errlen, "the index must be packed before it is written");
        return -1;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid());
    wr w = {0};
    w.f = fopen(tmp, "wb");
    if (!w.f) {
        snprintf(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
        return -1;
    }
    struct header h = {0};
    memcpy(h.magic, MAGIC, 8);
    h.version = VERSION;
    h.order = 0x01020304;
    h.sizeof_doc = sizeof(struct idoc);
    h.sizeof_museum = sizeof(struct museum);
    memcpy(h.instance, x->meta.instance, sizeof x->meta.instance);
    h.seq = x->meta.seq;
    h.ndocs = x->ndocs;
    h.nmuseums = x->nmuseums;
    h.nclasses = x->classes.n;
    h.nterms = x->nterms;
    h.nstexts = x->stexts.n;
    h.nskeys = x->skeys.n;
    h.nsrefs = x->ndsent;
    h.sumdl = x->sumdl;
    put(&w, &h, sizeof h);
    put(&w, x->docs, x->ndocs * sizeof *x->docs);
    align(&w);
    for (size_t i = 0; i < x->nmuseums; i++) {
        struct museum m = x->museums[i];
        uint32_t l = (uint32_t)strlen(m.name);
        m.name = NULL;
        put(&w, &m, sizeof m);
        put(&w, &l, 4);
        put(&w, x->museums[i].name, l);
        align(&w);
    }
    put_keys(&w, &x->classes);
    put_keys(&w, &x->dict);
    put(&w, x->sorted, x->nsorted * sizeof *x->sorted);
    align(&w);
    for (size_t i = 0; i < x->nterms; i++) {
        uint32_t np[2] = {x->terms[i].n, x->terms[i].plen};
        put(&w, np, sizeof np);
    }
    for (size_t i = 0; i < x->nterms; i++)
        put(&w, x->terms[i].docs, x->terms[i].n * sizeof(uint32_t));
    for (size_t i = 0; i < x->nterms; i++)
        put(&w, x->terms[i].poff, x->terms[i].n * sizeof(uint32_t));
    for (size_t i = 0; i < x->nterms; i++)
        put(&w, x->terms[i].wtf, x->terms[i].n);
    align(&w);
    for (size_t i = 0; i < x->nterms; i++)
        put(&w, x->terms[i].pos, x->terms[i].plen);
    align(&w);
    put_keys(&w, &x->stexts);
    put(&w, x->sentries, x->stexts.n * sizeof *x->sentries);
    align(&w);
    put_keys(&w, &x->skeys);
    put(&w, x->skey_entry, x->skeys.n * sizeof *x->skey_entry);
    put(&w, x->ssorted, x->nssorted * sizeof *x->ssorted);
    align(&w);
    uint32_t zero = 0;
    if (x->dsoff)
        put(&w, x->dsoff, (x->ndocs + 1) * sizeof *x->dsoff);
    else
        put(&w, &zero, sizeof zero); /* no document ever */
    put(&w, x->dsent, x->ndsent * sizeof *x->dsent);
    align(&w);
    uint64_t sum = w.sum;
    put(&w, &sum, 8);
    if (!w.err && (fflush(w.f) != 0 || fsync(fileno(w.f)) != 0))
        w.err = errno;
    if (fclose(w.f) != 0 && !w.err)
        w.err = errno;
    if (w.err || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write the index '%s': %s", path,
                 strerror(w.err ? w.err : errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

typedef struct rd {
    const uint8_t *p, *end;
    int bad;
} rd;

static const void *take(rd *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    const void *v = r->p;
    r->p += n;
    return v;
}

static void ralign(rd *r, const uint8_t *base)
{
    size_t off = (size_t)(r->p - base);
    if (off % 8)
        take(r, 8 - off % 8);
}

static int get_keys(rd *r, const uint8_t *base, vcm_strmap *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const void *lp = take(r, 4); /* keys are packed: lengths are not aligned */
        uint32_t l = 0;
        if (lp)
            memcpy(&l, lp, 4);
        const char *k = lp ? take(r, l) : NULL;
        int added;
        if (!k || !vcm_strmap_put(m, k, l, (uint32_t)i, &added) || !added)
            return -1;
    }
    ralign(r, base);
    return r->bad ? -1 : 0;
}

static int copy_out(rd *r, void **dst, size_t n, size_t size)
{
    const void *src = take(r, n * size);
    if (!src)
        return -1;
    *dst = malloc(n ? n * size : 1);
    if (!*dst)
        return -1;
    memcpy(*dst, src, n * size);
    return 0;
}

vcm_index *vcm_index_load(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open the index '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    uint8_t *buf = NULL;
    vcm_index *x = NULL;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)(sizeof(struct header) + 8)) {
        snprintf(err, errlen, "the index '%s' is empty or unreadable", path);
        goto fail;
    }
    size_t size = (size_t)st.st_size;
    /* populated at once: the checksum reads every page anyway */
    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map == MAP_FAILED) {
        snprintf(err, errlen, "cannot map the index '%s' (%zu bytes): %s", path, size,
                 strerror(errno));
        goto fail;
    }
    buf = map;
    close(fd);
    fd = -1;
    struct header h;
    memcpy(&h, buf, sizeof h);
    if (memcmp(h.magic, MAGIC, 8) != 0 || h.version != VERSION || h.order != 0x01020304 ||
        h.sizeof_doc != sizeof(struct idoc) || h.sizeof_museum != sizeof(struct museum)) {
        snprintf(err, errlen, "'%s' is not an index of this version of VCM", path);
        goto fail;
    }
    uint64_t sum = 0, want;
    if (size % 8) {
        snprintf(err, errlen, "the index '%s' is damaged (its size)", path);
        goto fail;
    }
    for (size_t i = 0; i + 8 < size; i += 8) {
        uint64_t v;
        memcpy(&v, buf + i, 8);
        sum = mix64(sum, v);
    }
    memcpy(&want, buf + size - 8, 8);
    if (sum != want) {
        snprintf(err, errlen, "the index '%s' is damaged (its checksum)", path);
        goto fail;
    }
    if (!(x = vcm_index_new()))
        goto oom;
    rd r = {buf + sizeof h, buf + size - 8, 0};
    memcpy(x->meta.instance, h.instance, sizeof x->meta.instance);
    x->meta.instance[32] = 0;
    x->meta.seq = h.seq;
    if (h.ndocs > VCM_IDOC_MAX || h.nterms > UINT32_MAX || h.nmuseums > UINT32_MAX)
        goto damaged;
    /* counts are checked against the bytes each entry takes at least before
     * anything is allocated for them: a damaged count must not make a
     * small file ask for gigabytes */
    size_t room = (size_t)(r.end - r.p);
    if (h.nmuseums > room / (sizeof(struct museum) + 4) || h.nclasses > room / 4 ||
        h.nterms > room / 16 || h.nstexts > room / 4 || h.nskeys > room / 4)
        goto damaged;
    if (copy_out(&r, (void **)&x->docs, h.ndocs, sizeof *x->docs) < 0)
        goto damaged;
    x->ndocs = x->capdocs = h.ndocs;
    x->live = h.ndocs;
    x->dl = malloc((h.ndocs ? h.ndocs : 1) * sizeof *x->dl);
    x->gone = calloc(h.ndocs ? h.ndocs : 1, 1);
    if (!x->dl || !x->gone)
        goto oom;
    x->capdl = x->capgone = h.ndocs ? h.ndocs : 1;
    for (size_t i = 0; i < h.ndocs; i++) {
        x->dl[i] = x->docs[i].dl;
        if (x->docs[i].flags & VCM_IDOC_DEAD)
            goto damaged;
    }
    x->sumdl = h.sumdl;
    ralign(&r, buf);
    x->museums = calloc(h.nmuseums ? h.nmuseums : 1, sizeof *x->museums);
    if (!x->museums)
        goto oom;
    x->capmuseums = h.nmuseums ? h.nmuseums : 1;
    for (size_t i = 0; i < h.nmuseums; i++) {
        const struct museum *m = take(&r, sizeof *m);
        const void *lp = take(&r, 4);
        uint32_t l = 0;
        if (lp)
            memcpy(&l, lp, 4);
        const char *name = lp ? take(&r, l) : NULL;
        if (!m || !name)
            goto damaged;
        x->museums[i] = *m;
        if (!(x->museums[i].name = strndup(name, l)))
            goto oom;
        x->nmuseums++;
        ralign(&r, buf);
    }
    if (get_keys(&r, buf, &x->classes, h.nclasses) < 0 ||
        get_keys(&r, buf, &x->dict, h.nterms) < 0)
        goto damaged;
    if (copy_out(&r, (void **)&x->sorted, h.nterms, sizeof *x->sorted) < 0)
        goto damaged;
    x->nsorted = h.nterms;
    ralign(&r, buf);
    x->terms = calloc(h.nterms ? h.nterms : 1, sizeof *x->terms);
    if (!x->terms)
        goto oom;
    x->nterms = x->capterms = h.nterms;
    const uint32_t *np = take(&r, h.nterms * 2 * sizeof(uint32_t));
    if (!np)
        goto damaged;
    for (size_t i = 0; i < h.nterms; i++) {
        x->terms[i].n = np[2 * i];
        x->terms[i].plen = np[2 * i + 1];
    }
    for (size_t i = 0; i < h.nterms; i++)
        x->terms[i].docs = (uint32_t *)take(&r, x->terms[i].n * sizeof(uint32_t));
    for (size_t i = 0; i < h.nterms; i++)
        x->terms[i].poff = (uint32_t *)take(&r, x->terms[i].n * sizeof(uint32_t));
    for (size_t i = 0; i < h.nterms; i++)
        x->terms[i].wtf = (uint8_t *)take(&r, x->terms[i].n);
    ralign(&r, buf);
    for (size_t i = 0; i < h.nterms; i++)
        x->terms[i].pos = (uint8_t *)take(&r, x->terms[i].plen);
    ralign(&r, buf);
    if (r.bad)
        goto damaged;
    for (size_t i = 0; i < h.nterms; i++) {
        /* nothing borrowed for empty terms: their first append allocates */
        if (!x->terms[i].n)
            x->terms[i].docs = x->terms[i].poff = NULL, x->terms[i].wtf = NULL;
        if (!x->terms[i].plen)
            x->terms[i].pos = NULL;
    }
    /* every posting must name a document and positions inside its term,
     * both in ascending order (searching gallops through the documents,
     * compacting copies each posting's positions up to the next) */
    for (size_t i = 0; i < h.nterms; i++)
        for (uint32_t j = 0; j < x->terms[i].n; j++)
            if (x->terms[i].docs[j] >= h.ndocs || x->terms[i].poff[j] >= x->terms[i].plen ||
                (j && (x->terms[i].docs[j] <= x->terms[i].docs[j - 1] ||
                       x->terms[i].poff[j] <= x->terms[i].poff[j - 1])))
                goto damaged;
    if (get_keys(&r, buf, &x->stexts, h.nstexts) < 0 ||
        copy_out(&r, (void **)&x->sentries, h.nstexts, sizeof *x->sentries) < 0)
        goto damaged;
    x->capsentries = h.nstexts;
    ralign(&r, buf);
    if (get_keys(&r, buf, &x->skeys, h.nskeys) < 0 ||
        copy_out(&r, (void **)&x->skey_entry, h.nskeys, sizeof *x->skey_entry) < 0 ||
        copy_out(&r, (void **)&x->ssorted, h.nskeys, sizeof *x->ssorted) < 0)
        goto damaged;
    x->capskey = h.nskeys;
    x->nssorted = h.nskeys;
    for (size_t i = 0; i < h.nskeys; i++)
        if (x->skey_entry[i] >= h.nstexts || x->ssorted[i] >= h.nskeys)
            goto damaged;
    ralign(&r, buf);
    if (h.nsrefs > UINT32_MAX || h.nsrefs > (size_t)(r.end - r.p) / 4 ||
        copy_out(&r, (void **)&x->dsoff, h.ndocs + 1, sizeof *x->dsoff) < 0 ||
        copy_out(&r, (void **)&x->dsent, h.nsrefs, sizeof *x->dsent) < 0)
        goto damaged;
    x->capdsoff = h.ndocs + 1;
    x->ndsent = x->capdsent = h.nsrefs;
    /* each document's entries follow the last one's, and name entries */
    if (x->dsoff[0] != 0 || x->dsoff[h.ndocs] != h.nsrefs)
        goto damaged;
    for (size_t i = 0; i < h.ndocs; i++)
        if (x->dsoff[i + 1] < x->dsoff[i])
            goto damaged;
    for (size_t i = 0; i < h.nsrefs; i++)
        if (x->dsent[i] >= h.nstexts)
            goto damaged;
    for (size_t i = 0; i < h.nterms; i++)
        if (x->sorted[i] >= h.nterms)
            goto damaged;
    for (size_t i = 0; i < x->ndocs; i++) {
        bool found;
        if (x->docs[i].museum >= x->nmuseums || x->docs[i].cls >= x->classes.n)
            goto damaged;
        if ((x->nids + 1) * 2 > x->idslots && vcm_index_idmap_grow(x) < 0)
            goto oom;
        struct idslot *s = vcm_index_idslot(x, x->docs[i].id, &found);
        if (found)
            goto damaged;
        s->used = 1;
        s->id = x->docs[i].id;
        s->doc = (uint32_t)i;
        x->nids++;
    }
    x->file = buf;
    x->file_size = size;
    return x;
damaged:
    snprintf(err, errlen, "the index '%s' is damaged (its structure)", path);
    goto fail;
oom:
    snprintf(err, errlen, "out of memory loading '%s'", path);
fail:
    if (fd >= 0)
        close(fd);
    if (x) {
        /* borrowed arrays point into buf: forget them before freeing */
        for (size_t i = 0; i < x->nterms; i++)
            memset(&x->terms[i], 0, sizeof x->terms[i]);
        vcm_index_free(x);
    }
    if (buf)
        munmap(buf, (size_t)st.st_size);
    return NULL;
}
