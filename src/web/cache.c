/* The page cache: rendered HTML pages, kept per server thread and keyed by
 * host, path, query and date, valid for one data version of the store.
 *
 * A page depends on nothing but the stored data and its URL (and the Host
 * it links back to), so a page rendered once can be sent again until a
 * commit changes the data version; then every entry of that thread is
 * dropped at once. Pages for one thread need no lock. Entries are replaced
 * round-robin; size is bounded by --page-cache entries of at most 256 KiB.
 * Only 200 responses of HTML pages are kept: errors and API answers (which
 * carry headers of their own) always run their handler. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/web.h"
#include "core/banned.h"

#define MAX_PAGE ((size_t)256 << 10)

struct entry {
    uint64_t hash;
    char *key;
    char *body;
    size_t len;
};

struct page_cache {
    int64_t version;
    size_t n, cap, next;
    struct entry *e;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static long cache_size = 256;

static void drop_all(struct page_cache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].key);
        free(c->e[i].body);
    }
    c->n = c->next = 0;
}

static void free_cache(void *p)
{
    struct page_cache *c = p;
    drop_all(c);
    free(c->e);
    free(c);
}

static void make_key(void)
{
    pthread_key_create(&cache_key, free_cache);
}

void vcm_web_cache_init(long entries)
{
    pthread_once(&cache_once, make_key);
    cache_size = entries;
}

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static struct page_cache *thread_cache(void)
{
    struct page_cache *c = pthread_getspecific(cache_key);
    if (c || cache_size <= 0)
        return c;
    c = calloc(1, sizeof *c);
    if (c && !(c->e = calloc((size_t)cache_size, sizeof *c->e))) {
        free(c);
        c = NULL;
    }
    if (c) {
        c->cap = (size_t)cache_size;
        c->version = -1;
        pthread_setspecific(cache_key, c);
    }
    return c;
}

int vcm_web_cached(vcm_req *req, vcm_resp *resp, vcm_handler h)
{
    struct page_cache *c = thread_cache();
    if (!c)
        return h(req, resp); /* cache off, or no memory for it */
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0; /* the error page is in resp */
    int64_t version;
    if (s->ops->data_version(s, &version) < 0)
        return h(req, resp);
    if (version != c->version) {
        drop_all(c);
        c->version = version;
    }
    const char *host = vcm_req_header(req, "Host");
    const char *proto = vcm_req_header(req, "X-Forwarded-Proto");
    /* The date is part of the key: the home page changes every day. */
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char *key = vcm_arena_printf(req->arena, "%04d%02d%02d|%s|%s|%s?%s", tm.tm_year + 1900,
                                 tm.tm_mon + 1, tm.tm_mday, proto ? proto : "", host ? host : "",
                                 req->path, req->query ? req->query : "");
    if (!key)
        return h(req, resp);
    uint64_t hash = fnv(key);
    for (size_t i = 0; i < c->n; i++)
        if (c->e[i].hash == hash && strcmp(c->e[i].key, key) == 0) {
            resp->content_type = "text/html; charset=utf-8";
            return vcm_buf_append(&resp->body, c->e[i].body, c->e[i].len);
        }
    int r = h(req, resp);
    if (r < 0 || resp->status != 200 || !resp->content_type ||
        strncmp(resp->content_type, "text/html", 9) != 0 || resp->body.len > MAX_PAGE)
        return r;
    char *k = strdup(key), *body = malloc(resp->body.len ? resp->body.len : 1);
    if (!k || !body) {
        free(k);
        free(body);
        return r;
    }
    memcpy(body, resp->body.data, resp->body.len);
    struct entry *e;
    if (c->n < c->cap) {
        e = &c->e[c->n++];
    } else {
        e = &c->e[c->next];
        c->next = (c->next + 1) % c->cap;
        free(e->key);
        free(e->body);
    }
    *e = (struct entry){hash, k, body, resp->body.len};
    return r;
}
