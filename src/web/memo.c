/* Memos: small per-thread caches of bytes by string key, dropped whenever
 * the store's data version changes.
 *
 * Everything the site renders from stored data (pages, info.json, image
 * records, derivatives) stays right until a commit changes the data version,
 * so a thread keeps what it made and sends it again until then. Each thread
 * has its own memos: no locks. Each memo is bounded in entries and bytes;
 * when full, entries are replaced in round-robin order (a clock without the
 * reference bit: simple, and good enough for hot sets far smaller than the
 * bound). Lookups go through a hash table of chains. The memos of a thread
 * hang from its struct vcm_web_thread in the app (app.c), which frees them
 * with the thread or the app. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/web.h"
#include "core/banned.h"

struct memo_entry {
    uint64_t hash;
    char *key;
    void *data;
    size_t len;
    int next; /* chain in the hash table, -1 = end */
    bool used;
};

struct vcm_memo {
    int64_t version;
    size_t cap, n, hand, bytes, max_bytes, nbuckets;
    struct memo_entry *e;
    int *buckets;
};

static void drop(struct vcm_memo *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->e[i].key);
        free(m->e[i].data);
    }
    memset(m->e, 0, m->cap * sizeof *m->e);
    for (size_t i = 0; i < m->nbuckets; i++)
        m->buckets[i] = -1;
    m->n = m->hand = m->bytes = 0;
}

void vcm_memo_free(struct vcm_memo *m)
{
    if (!m)
        return;
    drop(m);
    free(m->e);
    free(m->buckets);
    free(m);
}

static uint64_t hash_of(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ^ (h >> 29);
}

vcm_memo *vcm_memo_thread(vcm_app *app, int slot, size_t entries, size_t max_bytes,
                          int64_t version)
{
    if (slot < 0 || slot >= VCM_MEMO_SLOTS || entries == 0)
        return NULL;
    struct vcm_web_thread *t = vcm_web_thread(app);
    if (!t)
        return NULL;
    struct vcm_memo *m = t->memo[slot];
    /* --memo-size: a ceiling on every memo's bytes (0 = the callers' own
     * bounds) */
    size_t memo_limit = app->memo_limit;
    if (memo_limit && max_bytes > memo_limit) {
        /* fewer entries too, in proportion, so small limits evict by count
         * as well as by bytes */
        size_t scaled = (size_t)((double)entries * (double)memo_limit / (double)max_bytes);
        entries = scaled < 16 ? 16 : scaled;
        max_bytes = memo_limit;
    }
    if (!m) {
        if (!(m = calloc(1, sizeof *m)))
            return NULL;
        m->cap = entries;
        m->nbuckets = entries * 2;
        m->max_bytes = max_bytes;
        m->e = calloc(entries, sizeof *m->e);
        m->buckets = malloc(m->nbuckets * sizeof *m->buckets);
        if (!m->e || !m->buckets) {
            free(m->e);
            free(m->buckets);
            free(m);
            return NULL;
        }
        for (size_t i = 0; i < m->nbuckets; i++)
            m->buckets[i] = -1;
        m->version = version;
        t->memo[slot] = m;
    }
    if (m->version != version) {
        drop(m);
        m->version = version;
    }
    return m;
}

const void *vcm_memo_get(vcm_memo *m, const char *key, size_t *len)
{
    if (!m)
        return NULL;
    uint64_t h = hash_of(key);
    for (int i = m->buckets[h % m->nbuckets]; i >= 0; i = m->e[i].next)
        if (m->e[i].hash == h && strcmp(m->e[i].key, key) == 0) {
            *len = m->e[i].len;
            return m->e[i].data;
        }
    return NULL;
}

/* Takes entry i out of its chain and frees what it holds. */
static void evict(struct vcm_memo *m, size_t i)
{
    struct memo_entry *e = &m->e[i];
    if (!e->used)
        return;
    int *link = &m->buckets[e->hash % m->nbuckets];
    while (*link >= 0 && (size_t)*link != i)
        link = &m->e[*link].next;
    if (*link >= 0)
        *link = e->next;
    m->bytes -= e->len;
    free(e->key);
    free(e->data);
    memset(e, 0, sizeof *e);
}

void vcm_memo_put(vcm_memo *m, const char *key, const void *data, size_t len)
{
    if (!m || len > m->max_bytes)
        return;
    size_t dummy;
    if (vcm_memo_get(m, key, &dummy))
        return;
    size_t i;
    if (m->n < m->cap) {
        i = m->n++;
    } else {
        i = m->hand;
        m->hand = (m->hand + 1) % m->cap;
        evict(m, i);
    }
    /* make room in bytes, oldest first */
    for (size_t k = 0; m->bytes + len > m->max_bytes && k < m->cap; k++) {
        size_t j = m->hand;
        m->hand = (m->hand + 1) % m->cap;
        if (j != i)
            evict(m, j);
    }
    struct memo_entry *e = &m->e[i];
    e->key = strdup(key);
    e->data = malloc(len ? len : 1);
    if (!e->key || !e->data) {
        free(e->key);
        free(e->data);
        memset(e, 0, sizeof *e);
        return;
    }
    memcpy(e->data, data, len);
    e->len = len;
    e->hash = hash_of(key);
    e->used = true;
    size_t b = e->hash % m->nbuckets;
    e->next = m->buckets[b];
    m->buckets[b] = (int)i;
    m->bytes += len;
}
