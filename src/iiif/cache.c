/* The derivative cache: files on disk, the index in memory.
 *
 * Layout: dir/XX/<64 hex digits>, the digits being BLAKE2b-256 of the key
 * and XX their first two, so no folder holds more than 1/256 of the files
 * and a key needs no escaping. Each file is
 *     "VCMIIC1\n" · u64 LE length · BLAKE2b-128 of the data · the data
 * so a file cut short or zero-filled by a crash (writes are renamed into
 * place but, to keep puts cheap, not fsynced: a derivative can always be
 * made again) is recognised on read, counted as a miss and removed.
 *
 * Index: a hash table from digest to entry, and a doubly linked list of
 * the same entries from most to least recently used. Invariants, under mu:
 * total = sum of entry sizes (file sizes, header included); count = number
 * of entries; every entry is in both the table and the list; after a put
 * returns, total <= max. The files may briefly disagree with the index
 * (a get between a rename and the index update, an eviction's unlink after
 * the lock is released): each such race costs at most one miss or one
 * file the next open counts, never a wrong answer, because a get reads
 * whatever complete file the name points to.
 *
 * The lock is never held across file I/O: get reads, put writes and
 * renames, evictions unlink, all outside it. */
#include "iiif/cache.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/log.h"
#include "core/banned.h"

enum { ID = 32, SUM = 16, HDR = 8 + 8 + SUM };
static const char MAGIC[8] = "VCMIIC1\n";

struct entry {
    unsigned char id[ID];
    int64_t size;
    struct entry *prev, *next;  /* use order: lru.next is the newest */
    struct entry *hnext;        /* hash chain */
};

struct vcm_iiif_cache {
    char *dir;
    int lock;          /* dir itself, flock'd while open: one process a folder */
    int64_t max, total, count;
    pthread_mutex_t mu;
    struct entry **tab;
    size_t mask;       /* buckets - 1, a power of two less one */
    struct entry lru;  /* sentinel */
};

/* ---- the index (callers hold mu) ---------------------------------------- */

static size_t bucket(const vcm_iiif_cache *c, const unsigned char *id)
{
    uint64_t h;
    memcpy(&h, id, sizeof h);  /* the digest is uniform already */
    return (size_t)h & c->mask;
}

static struct entry *tab_find(const vcm_iiif_cache *c, const unsigned char *id)
{
    for (struct entry *e = c->tab[bucket(c, id)]; e; e = e->hnext)
        if (memcmp(e->id, id, ID) == 0)
            return e;
    return NULL;
}

static void tab_grow(vcm_iiif_cache *c)
{
    size_t n = (c->mask + 1) * 2;
    struct entry **t = calloc(n, sizeof *t);
    if (!t)
        return;  /* longer chains, still correct */
    struct entry **old = c->tab;
    size_t oldn = c->mask + 1;
    c->tab = t;
    c->mask = n - 1;
    for (size_t i = 0; i < oldn; i++)
        for (struct entry *e = old[i], *next; e; e = next) {
            next = e->hnext;
            size_t b = bucket(c, e->id);
            e->hnext = t[b];
            t[b] = e;
        }
    free(old);
}

static void lru_unlink(struct entry *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
}

static void lru_front(vcm_iiif_cache *c, struct entry *e)
{
    e->prev = &c->lru;
    e->next = c->lru.next;
    c->lru.next->prev = e;
    c->lru.next = e;
}

static void index_add(vcm_iiif_cache *c, struct entry *e)
{
    if ((size_t)c->count >= c->mask + 1)
        tab_grow(c);
    size_t b = bucket(c, e->id);
    e->hnext = c->tab[b];
    c->tab[b] = e;
    lru_front(c, e);
    c->total += e->size;
    c->count++;
}

static void index_remove(vcm_iiif_cache *c, struct entry *e)
{
    struct entry **pp = &c->tab[bucket(c, e->id)];
    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    lru_unlink(e);
    c->total -= e->size;
    c->count--;
    assert(c->total >= 0 && c->count >= 0);
}

/* Takes least recently used entries out of the index until total <= max,
 * sparing keep; returns them chained by hnext for the caller to unlink. */
static struct entry *index_evict(vcm_iiif_cache *c, const struct entry *keep)
{
    struct entry *victims = NULL;
    while (c->total > c->max && c->lru.prev != &c->lru && c->lru.prev != keep) {
        struct entry *v = c->lru.prev;
        index_remove(c, v);
        v->hnext = victims;
        victims = v;
    }
    return victims;
}

/* ---- files -------------------------------------------------------------- */

static void key_id(const char *key, unsigned char id[ID])
{
    crypto_generichash(id, ID, (const unsigned char *)key, strlen(key), NULL, 0);
}

static int id_path(const vcm_iiif_cache *c, const unsigned char *id, char *path, size_t n)
{
    char h[2 * ID + 1];
    sodium_bin2hex(h, sizeof h, id, ID);
    int k = snprintf(path, n, "%s/%.2s/%s", c->dir, h, h);
    return k < 0 || (size_t)k >= n ? -1 : 0;
}

static void unlink_victims(vcm_iiif_cache *c, struct entry *v)
{
    char path[4096];
    for (struct entry *next; v; v = next) {
        next = v->hnext;
        if (id_path(c, v->id, path, sizeof path) == 0 && unlink(path) < 0 && errno != ENOENT)
            vcm_warn("iiif cache: cannot remove", "path=\"%s\" error=\"%s\"", path,
                     strerror(errno));
        free(v);
    }
}

/* Drops id from the index (its file is gone or damaged). */
static void forget(vcm_iiif_cache *c, const unsigned char *id)
{
    pthread_mutex_lock(&c->mu);
    struct entry *e = tab_find(c, id);
    if (e)
        index_remove(c, e);
    pthread_mutex_unlock(&c->mu);
    free(e);
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *p, size_t n, off_t off)
{
    char *b = p;
    while (n > 0) {
        ssize_t r = pread(fd, b, n, off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
        off += r;
    }
    return 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

/* ---- open --------------------------------------------------------------- */

struct found {
    unsigned char id[ID];
    int64_t size, when;
};

static int found_cmp(const void *a, const void *b)
{
    const struct found *x = a, *y = b;
    if (x->when != y->when)
        return x->when < y->when ? -1 : 1;
    return memcmp(x->id, y->id, ID);
}

/* Lists the entries of one XX folder into *v; removes leftover temporaries. */
static int scan_dir(const char *path, const char *xx, struct found **v, size_t *n, size_t *cap)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int dfd = dirfd(d);
    for (struct dirent *de; (de = readdir(d));) {
        const char *name = de->d_name;
        if (strncmp(name, ".tmp-", 5) == 0) {
            unlinkat(dfd, name, 0);  /* one process per folder: nobody is writing it */
            continue;
        }
        if (strlen(name) != 2 * ID || name[0] != xx[0] || name[1] != xx[1])
            continue;
        struct found f;
        bool ok = true;
        for (int i = 0; i < ID && ok; i++) {
            int hi = hexval(name[2 * i]), lo = hexval(name[2 * i + 1]);
            ok = hi >= 0 && lo >= 0;
            f.id[i] = (unsigned char)(hi << 4 | lo);
        }
        struct stat st;
        if (!ok || fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
            continue;
        int64_t m = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
        int64_t a = (int64_t)st.st_atim.tv_sec * 1000000000 + st.st_atim.tv_nsec;
        f.size = st.st_size;
        f.when = a > m ? a : m;
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 1024;
            struct found *nv = realloc(*v, nc * sizeof *nv);
            if (!nv) {
                closedir(d);
                return -1;
            }
            *v = nv;
            *cap = nc;
        }
        (*v)[(*n)++] = f;
    }
    closedir(d);
    return 0;
}

vcm_iiif_cache *vcm_iiif_cache_open(const char *dir, int64_t max_bytes, char *err, size_t errlen)
{
    vcm_iiif_cache *c = NULL, *ret = NULL;
    struct found *v = NULL;
    size_t n = 0, cap = 0;
    char path[4096];
    if (max_bytes <= 0) {
        snprintf(err, errlen, "cannot open cache '%s': size must be positive", dir);
        goto out;
    }
    if (sodium_init() < 0) {
        snprintf(err, errlen, "cannot open cache '%s': libsodium failed to start", dir);
        goto out;
    }
    if (strlen(dir) > sizeof path - 2 * ID - 8) {
        snprintf(err, errlen, "cannot open cache '%s': path too long", dir);
        goto out;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "cannot open cache '%s': out of memory", dir);
        return NULL;
    }
    pthread_mutex_init(&c->mu, NULL);
    c->lru.next = c->lru.prev = &c->lru;
    c->max = max_bytes;
    c->mask = 1023;
    if (!(c->dir = strdup(dir)) || !(c->tab = calloc(c->mask + 1, sizeof *c->tab))) {
        snprintf(err, errlen, "cannot open cache '%s': out of memory", dir);
        goto out;
    }
    struct stat st;
    if ((mkdir(dir, 0755) < 0 && errno != EEXIST) || stat(dir, &st) < 0) {
        snprintf(err, errlen, "cannot open cache '%s': %s", dir, strerror(errno));
        goto out;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot open cache '%s': not a folder", dir);
        goto out;
    }
    /* The index lives in this process: a second process on the same folder
     * (two nodes sharing --media without a --node-dir each) is refused. The
     * lock is on the folder itself, so it leaves no file behind. */
    c->lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c->lock < 0 || flock(c->lock, LOCK_EX | LOCK_NB) < 0) {
        if (c->lock >= 0 && errno == EWOULDBLOCK)
            snprintf(err, errlen, "cannot open cache '%s': another process uses it (give each "
                                  "node of a shared --media its own --node-dir)", dir);
        else
            snprintf(err, errlen, "cannot open cache '%s': %s", dir, strerror(errno));
        goto out;
    }
    for (int i = 0; i < 256; i++) {
        char xx[3];
        snprintf(xx, sizeof xx, "%02x", i);
        snprintf(path, sizeof path, "%s/%s", dir, xx);
        if ((mkdir(path, 0755) < 0 && errno != EEXIST) || scan_dir(path, xx, &v, &n, &cap) < 0) {
            snprintf(err, errlen, "cannot open cache folder '%s': %s", path, strerror(errno));
            goto out;
        }
    }
    if (n)
        qsort(v, n, sizeof *v, found_cmp);
    for (size_t i = 0; i < n; i++) {
        struct entry *e = malloc(sizeof *e);
        if (!e) {
            snprintf(err, errlen, "cannot open cache '%s': out of memory", dir);
            goto out;
        }
        memcpy(e->id, v[i].id, ID);
        e->size = v[i].size;
        index_add(c, e);  /* oldest first, so the newest ends in front */
    }
    unlink_victims(c, index_evict(c, NULL));
    ret = c;
out:
    free(v);
    if (!ret)
        vcm_iiif_cache_close(c);
    return ret;
}

void vcm_iiif_cache_close(vcm_iiif_cache *c)
{
    if (!c)
        return;
    for (struct entry *e = c->lru.next, *next; e != &c->lru; e = next) {
        next = e->next;
        free(e);
    }
    pthread_mutex_destroy(&c->mu);
    if (c->lock > 0)
        close(c->lock); /* releases the flock */
    free(c->tab);
    free(c->dir);
    free(c);
}

void vcm_iiif_cache_stats(vcm_iiif_cache *c, int64_t *bytes, int64_t *entries)
{
    pthread_mutex_lock(&c->mu);
    if (bytes)
        *bytes = c->total;
    if (entries)
        *entries = c->count;
    pthread_mutex_unlock(&c->mu);
}

/* ---- get and put -------------------------------------------------------- */

/* Reads an entry's data into out after checking its header and sum.
 * Returns 1, 0 when the file is damaged, -1 when it cannot be read or does
 * not fit out. */
static int read_entry(int fd, const struct stat *st, vcm_buf *out)
{
    unsigned char hdr[HDR], sum[SUM];
    uint64_t len = 0;
    if (st->st_size < HDR || read_all(fd, hdr, HDR, 0) < 0 || memcmp(hdr, MAGIC, 8) != 0)
        return 0;
    for (int i = 7; i >= 0; i--)
        len = len << 8 | hdr[8 + i];
    if (len != (uint64_t)st->st_size - HDR)
        return 0;
    if (vcm_buf_grow(out, (size_t)len) < 0)
        return -1;
    if (read_all(fd, out->data, (size_t)len, HDR) < 0)
        return 0;  /* shorter than its size a moment ago: cut under us */
    crypto_generichash(sum, SUM, (const unsigned char *)out->data, len, NULL, 0);
    if (sodium_memcmp(sum, hdr + 16, SUM) != 0)
        return 0;
    out->len = (size_t)len;
    out->data[out->len] = '\0';
    return 1;
}

int vcm_iiif_cache_get(vcm_iiif_cache *c, const char *key, vcm_buf *out)
{
    unsigned char id[ID];
    char path[4096];
    vcm_buf_reset(out);
    key_id(key, id);
    pthread_mutex_lock(&c->mu);
    struct entry *e = tab_find(c, id);
    if (e) {
        lru_unlink(e);
        lru_front(c, e);
    }
    pthread_mutex_unlock(&c->mu);
    if (!e)
        return 0;
    if (id_path(c, id, path, sizeof path) < 0)
        return -1;

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            return -1;
        forget(c, id);  /* evicted by another thread meanwhile, or removed by hand */
        return 0;
    }
    struct stat st;
    int rc = fstat(fd, &st) < 0 ? -1 : read_entry(fd, &st, out);
    if (rc == 0) {
        /* Remove it unless a put has already replaced it with a good one. */
        struct stat now;
        if (stat(path, &now) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev)
            unlink(path);
        vcm_warn("iiif cache: damaged file removed", "path=\"%s\"", path);
        forget(c, id);
    }
    close(fd);
    if (rc != 1)
        vcm_buf_reset(out);
    return rc;
}

int vcm_iiif_cache_put(vcm_iiif_cache *c, const char *key, const void *data, size_t len)
{
    unsigned char id[ID], hdr[HDR];
    char path[4096], tmp[4096];
    if (len > (uint64_t)c->max || (int64_t)len > c->max - HDR)
        return 0;
    key_id(key, id);
    if (id_path(c, id, path, sizeof path) < 0)
        return -1;
    int k = snprintf(tmp, sizeof tmp, "%.*s.tmp-XXXXXX", (int)(strlen(path) - 2 * ID), path);
    if (k < 0 || (size_t)k >= sizeof tmp)
        return -1;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return -1;
    memcpy(hdr, MAGIC, 8);
    for (int i = 0; i < 8; i++)
        hdr[8 + i] = (unsigned char)((uint64_t)len >> (8 * i));
    crypto_generichash(hdr + 16, SUM, data, len, NULL, 0);
    int bad = fchmod(fd, 0644) < 0 || write_all(fd, hdr, HDR) < 0 || write_all(fd, data, len) < 0;
    bad |= close(fd) < 0;
    if (bad || rename(tmp, path) < 0) {
        unlink(tmp);
        return -1;
    }

    struct entry *fresh = malloc(sizeof *fresh);
    if (!fresh) {
        unlink(path);
        return -1;
    }
    memcpy(fresh->id, id, ID);
    fresh->size = (int64_t)len + HDR;
    pthread_mutex_lock(&c->mu);
    struct entry *e = tab_find(c, id);
    if (e) {
        c->total += fresh->size - e->size;
        e->size = fresh->size;
        lru_unlink(e);
        lru_front(c, e);
    } else {
        index_add(c, fresh);
        e = fresh;
        fresh = NULL;
    }
    struct entry *victims = index_evict(c, e);
    pthread_mutex_unlock(&c->mu);
    free(fresh);
    unlink_victims(c, victims);
    return 0;
}
