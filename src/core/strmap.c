#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* FNV-1a: short keys (tokens) dominate, where it is as good as anything. */
static uint32_t hash(const char *k, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)k[i]) * 16777619u;
    return h;
}

void vcm_strmap_init(vcm_strmap *m)
{
    memset(m, 0, sizeof *m);
}

void vcm_strmap_release(vcm_strmap *m)
{
    free(m->slots);
    free(m->keyoff);
    free(m->vals);
    free(m->hashes);
    free(m->blob);
    vcm_strmap_init(m);
}

const char *vcm_strmap_key(const vcm_strmap *m, size_t i, size_t *len)
{
    *len = (size_t)(m->keyoff[i] >> 48);
    return m->blob + (m->keyoff[i] & 0xffffffffffffull);
}

static uint32_t *find(const vcm_strmap *m, const char *key, size_t len, uint32_t h, size_t *slot)
{
    size_t mask = m->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t e = m->slots[i];
        if (!e) {
            *slot = i;
            return NULL;
        }
        e--;
        size_t kl;
        const char *k = vcm_strmap_key(m, e, &kl);
        if (m->hashes[e] == h && kl == len && memcmp(k, key, len) == 0)
            return &m->vals[e];
    }
}

uint32_t *vcm_strmap_get(const vcm_strmap *m, const char *key, size_t len)
{
    if (!m->nslots)
        return NULL;
    size_t slot;
    return find(m, key, len, hash(key, len), &slot);
}

static int grow_slots(vcm_strmap *m)
{
    size_t ns = m->nslots ? m->nslots * 2 : 64;
    uint32_t *s = calloc(ns, sizeof *s);
    if (!s)
        return -1;
    for (size_t e = 0; e < m->n; e++) {
        size_t i = m->hashes[e] & (ns - 1);
        while (s[i])
            i = (i + 1) & (ns - 1);
        s[i] = (uint32_t)e + 1;
    }
    free(m->slots);
    m->slots = s;
    m->nslots = ns;
    return 0;
}

static int grow_entries(vcm_strmap *m)
{
    size_t nc = m->cap ? m->cap * 2 : 32;
    uint64_t *ko = realloc(m->keyoff, nc * sizeof *ko);
    if (!ko)
        return -1;
    m->keyoff = ko;
    uint32_t *v = realloc(m->vals, nc * sizeof *v);
    if (!v)
        return -1;
    m->vals = v;
    uint32_t *h = realloc(m->hashes, nc * sizeof *h);
    if (!h)
        return -1;
    m->hashes = h;
    m->cap = nc;
    return 0;
}

uint32_t *vcm_strmap_put(vcm_strmap *m, const char *key, size_t len, uint32_t v, int *added)
{
    *added = 0;
    if (len > 0xffff || m->n >= 0xfffffffeu)
        return NULL;
    if ((m->n + 1) * 4 > m->nslots * 3 && grow_slots(m) < 0)
        return NULL;
    uint32_t h = hash(key, len);
    size_t slot;
    uint32_t *found = find(m, key, len, h, &slot);
    if (found)
        return found;
    if (m->n == m->cap && grow_entries(m) < 0)
        return NULL;
    if (m->bloblen + len > m->blobcap || !m->blob) {
        size_t nc = m->blobcap ? m->blobcap * 2 : 1024;
        if (nc < m->blobcap)
            return NULL;
        while (nc < m->bloblen + len)
            nc *= 2;
        char *b = realloc(m->blob, nc);
        if (!b)
            return NULL;
        m->blob = b;
        m->blobcap = nc;
    }
    if (len)
        memcpy(m->blob + m->bloblen, key, len);
    size_t e = m->n++;
    m->keyoff[e] = ((uint64_t)len << 48) | (uint64_t)m->bloblen;
    m->bloblen += len;
    m->vals[e] = v;
    m->hashes[e] = h;
    m->slots[slot] = (uint32_t)e + 1;
    *added = 1;
    return &m->vals[e];
}
