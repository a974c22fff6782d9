/* The search facade: keeping the index derived from the store, turning a
 * parsed query into an index plan, and dressing the hits for people.
 *
 * Following the store: the index file records the store's instance id and
 * the last change seq it contains. Opening compares them with the store
 * (another database, or a seq the store never reached, means rebuild) and
 * replays changes_since(seq). Each change is applied by reading the
 * object as it now is: published -> put, anything else or gone -> remove.
 * Replaying a change twice is harmless, so a crash at any point loses
 * nothing: the next start replays from the last seq the file recorded.
 *
 * Plans: a clause becomes OR(its alternatives); an alternative becomes a
 * term, a phrase (several tokens; CJK runs as bigrams at consecutive
 * positions) or a prefix, restricted to fields when the query named one.
 * A thesaurus match adds the concept's other names (boost EXPAND_BOOST,
 * below the words typed) and, for a period, the documents dated within it
 * and made in its region (a small constant score, so that records naming
 * the period rank first). A clause scores its best alternative, not their
 * sum: one concept counts once however many of its names a record holds
 * (docs/internals/search.md, "Ranking"). */
#include "search/search.h"
#include "search/terms.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "core/log.h"
#include "model/country.h"
#include "search/names.h"
#include "store/theme.h"
#include "search/snippet.h"
#include "search/thesaurus.h"
#include "search/tokenize.h"
#include "core/banned.h"

#define BATCH 512
/* what a name the thesaurus adds weighs beside the word typed */
#define EXPAND_BOOST 0.7f
#define SAVE_EVERY_CHANGES 20000
#define SAVE_EVERY_SECONDS 300

struct vcm_search {
    vcm_index *x;
    char db_url[4096];
    char path[4096];
    vcm_store *store;         /* the follower's own connection */
    pthread_mutex_t sync_lock; /* one catch-up at a time */
    pthread_t thread;
    bool following;
    volatile int stop;
    pthread_mutex_t stop_lock;
    pthread_cond_t stop_cond;
    size_t unsaved;           /* changes applied since the file was written */
    time_t saved_at;
    bool need_build;          /* the follower builds the index first */
    volatile int ready;       /* the index is complete: queries may run */
    volatile size_t built, to_build;
};

bool vcm_search_ready(vcm_search *s, size_t *done, size_t *total)
{
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (done)
        *done = s->built;
    if (total)
        *total = s->to_build;
    return s->ready;
}

void vcm_search_index_path(const char *db_url, char *out, size_t size)
{
    const char *file = vcm_store_url_file(db_url);
    if (file)
        snprintf(out, size, "%s.index", file);
    else
        snprintf(out, size, "var/vcm.index");
}

/* ---- from objects to index documents ---- */

struct museum_cache {
    int64_t id;
    vcm_museum m;
    uint8_t region;
    const char *country_name;
};

struct reader {
    vcm_store *st;
    vcm_arena arena;          /* museums and countries, for one run */
    struct museum_cache *museums;
    size_t nmuseums, cap;
};

/* Only reads the cache: safe from the preparing threads. */
static const struct museum_cache *museum_find(const struct reader *r, int64_t id)
{
    for (size_t i = 0; i < r->nmuseums; i++)
        if (r->museums[i].id == id)
            return &r->museums[i];
    return NULL;
}

/* Reads a museum from the store into the cache: the reading thread only. */
static const struct museum_cache *museum_of(struct reader *r, int64_t id)
{
    const struct museum_cache *found = museum_find(r, id);
    if (found)
        return found;
    if (r->nmuseums == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 16;
        struct museum_cache *n = realloc(r->museums, nc * sizeof *n);
        if (!n)
            return NULL;
        r->museums = n;
        r->cap = nc;
    }
    struct museum_cache *c = &r->museums[r->nmuseums];
    memset(c, 0, sizeof *c);
    c->id = id;
    if (r->st->ops->museum_get(r->st, &r->arena, id, &c->m) != 1)
        return NULL;
    vcm_country co;
    if (r->st->ops->country_get(r->st, &r->arena, c->m.country, &co) == 1) {
        c->region = (uint8_t)co.region;
        const vcm_ltext *en = vcm_ltexts_pick(&co.names, "en");
        c->country_name = en ? en->text : NULL;
    }
    r->nmuseums++;
    return c;
}

static void add_text(vcm_index_doc *d, int field, const char *text)
{
    if (text && *text && d->ntexts < sizeof d->texts / sizeof *d->texts) {
        d->texts[d->ntexts].field = field;
        d->texts[d->ntexts++].text = text;
    }
}

static void add_ltexts(vcm_index_doc *d, int field, const vcm_ltexts *t)
{
    for (size_t i = 0; i < t->n; i++)
        add_text(d, field, t->v[i].text);
}

static vcm_index_prep *prepare_object(const struct reader *r, const vcm_object *o)
{
    const struct museum_cache *m = museum_find(r, o->museum_id);
    vcm_index_doc d = {0};
    d.id = o->id;
    d.date_start = o->date_start;
    d.date_end = o->date_end == VCM_NO_YEAR ? o->date_start : o->date_end;
    if (d.date_start == VCM_NO_YEAR)
        d.date_end = VCM_NO_YEAR;
    d.museum_id = o->museum_id;
    const vcm_ltext *mn = m ? vcm_ltexts_pick(&m->m.names, "en") : NULL;
    d.museum_name = mn ? mn->text : o->museum_name;
    memcpy(d.country, m ? m->m.country : o->country, 3);
    d.region = m ? m->region : 0;
    memcpy(d.origin_country, o->origin.country, 3);
    d.origin_region = (uint8_t)o->origin.region;
    /* the concept, as browse groups it (terms.h) */
    char cls[VCM_TERMS_KEY_MAX];
    vcm_terms_type_key(o->classification, cls, sizeof cls);
    d.classification = cls;
    const vcm_ltext *t = vcm_ltexts_pick(&o->title, "en");
    d.sort_title = t ? t->text : "";
    /* one suggestion per creator whatever the spelling: the names table's */
    const char *sug[32];
    size_t ns = 0;
    for (size_t i = 0; i < o->ncreators && ns < 32; i++) {
        const vcm_name_entry *ne = o->creators[i]
                                       ? vcm_names_of_creator(vcm_names_builtin(), o->creators[i],
                                                              strlen(o->creators[i]))
                                       : NULL;
        sug[ns++] = ne ? ne->label : o->creators[i];
    }
    d.suggest = sug;
    d.nsuggest = ns;
    d.flags = (uint8_t)((o->nmedia ? VCM_IDOC_IMAGE : 0) | (vcm_rights_open(o->rights) ? VCM_IDOC_OPEN : 0));
    if (m)
        add_ltexts(&d, VCM_IF_MUSEUM, &m->m.names);
    else
        add_text(&d, VCM_IF_MUSEUM, o->museum_name);
    add_text(&d, VCM_IF_MUSEUM, m ? m->country_name : NULL);
    add_text(&d, VCM_IF_MUSEUM, o->inventory_number);
    add_text(&d, VCM_IF_CULTURE, o->culture);
    add_text(&d, VCM_IF_CULTURE, o->period);
    add_text(&d, VCM_IF_CULTURE, o->date_text);
    add_text(&d, VCM_IF_TYPE, o->classification);
    add_text(&d, VCM_IF_MATERIAL, o->materials);
    add_text(&d, VCM_IF_MATERIAL, o->technique);
    add_ltexts(&d, VCM_IF_TITLE, &o->title);
    add_ltexts(&d, VCM_IF_STATEMENT, &o->statement);
    add_ltexts(&d, VCM_IF_TEXT, &o->description);
    for (size_t i = 0; i < o->ncreators; i++)
        add_text(&d, VCM_IF_CREATOR, o->creators[i]);
    return vcm_index_prepare(&d);
}

static void reader_init(struct reader *r, vcm_store *st)
{
    memset(r, 0, sizeof *r);
    r->st = st;
    vcm_arena_init(&r->arena, 0);
}

static void reader_release(struct reader *r)
{
    free(r->museums);
    vcm_arena_release(&r->arena);
}

static int add_thesaurus(vcm_index *x)
{
    const vcm_thesaurus *th = vcm_thesaurus_builtin();
    for (size_t i = 0; i < vcm_thesaurus_count(th); i++) {
        const vcm_th_entry *e = vcm_thesaurus_entry(th, i);
        for (size_t j = 0; j < e->nnames; j++) {
            /* weighed by the records that hold the name: porcelain before Porzellan */
            const char *t = e->names[j].text;
            uint32_t w = vcm_index_count_words(x, t, strlen(t));
            if (vcm_index_suggest_add(x, t, VCM_SUGGEST_TERM, w ? w : 1) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- building and catching up ---- */

/* Two threads prepare a batch (tokenizing is most of the work): the
 * caller's and one helper that lives as long as the build or catch-up, so
 * its ICU objects are made once. */
struct prep_job {
    const struct reader *r;
    const vcm_object *objs;
    vcm_index_prep **out;
    size_t from, to;
    int fail;
};

static void prep_range(struct prep_job *j)
{
    for (size_t i = j->from; i < j->to; i++)
        if (!(j->out[i] = prepare_object(j->r, &j->objs[i])))
            j->fail = 1;
}

struct helper {
    pthread_t t;
    bool running;
    pthread_mutex_t m;
    pthread_cond_t cv;
    struct prep_job *job; /* set: work to do; cleared when done */
    bool quit;
};

static void *helper_main(void *p)
{
    struct helper *h = p;
    pthread_mutex_lock(&h->m);
    for (;;) {
        while (!h->job && !h->quit)
            pthread_cond_wait(&h->cv, &h->m);
        if (h->quit)
            break;
        pthread_mutex_unlock(&h->m);
        prep_range(h->job);
        pthread_mutex_lock(&h->m);
        h->job = NULL;
        pthread_cond_broadcast(&h->cv);
    }
    pthread_mutex_unlock(&h->m);
    vcm_tokenize_thread_release();
    return NULL;
}

static void helper_start(struct helper *h)
{
    memset(h, 0, sizeof *h);
    pthread_mutex_init(&h->m, NULL);
    pthread_cond_init(&h->cv, NULL);
    h->running = pthread_create(&h->t, NULL, helper_main, h) == 0;
}

static void helper_stop(struct helper *h)
{
    if (h->running) {
        pthread_mutex_lock(&h->m);
        h->quit = true;
        pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->m);
        pthread_join(h->t, NULL);
    }
    pthread_mutex_destroy(&h->m);
    pthread_cond_destroy(&h->cv);
}

static int prep_batch(struct helper *h, struct reader *r, const vcm_object *objs, size_t n,
                      vcm_index_prep **out)
{
    /* museums first, from this thread: the reader's store is not shared */
    for (size_t i = 0; i < n; i++)
        museum_of(r, objs[i].museum_id);
    struct prep_job a = {r, objs, out, 0, n / 2, 0}, b = {r, objs, out, n / 2, n, 0};
    bool two = h->running && n >= 16;
    if (two) {
        pthread_mutex_lock(&h->m);
        h->job = &a;
        pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->m);
    } else {
        prep_range(&a);
    }
    prep_range(&b);
    if (two) {
        pthread_mutex_lock(&h->m);
        while (h->job)
            pthread_cond_wait(&h->cv, &h->m);
        pthread_mutex_unlock(&h->m);
    }
    return a.fail || b.fail ? -1 : 0;
}

/* cancel: checked between batches (a server stopping while it builds). */
static int build(vcm_store *st, vcm_index *x, vcm_search_progress progress, void *ud,
                 volatile int *cancel, char *err, size_t errlen)
{
    vcm_index_meta meta = {{0}, 0};
    if (st->ops->instance_id(st, meta.instance) < 0 || st->ops->change_head(st, &meta.seq) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(st));
        return -1;
    }
    vcm_stats stats;
    if (st->ops->stats(st, &stats) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(st));
        return -1;
    }
    struct reader r;
    reader_init(&r, st);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_index_prep **preps = calloc(1000, sizeof *preps);
    struct helper h;
    helper_start(&h);
    int rc = -1;
    size_t done = 0;
    vcm_filter f = {.limit = 1000};
    if (!preps)
        goto out;
    for (;;) {
        vcm_object *objs;
        size_t n;
        vcm_arena_reset(&a);
        if (st->ops->object_list(st, &a, &f, &objs, &n) < 0) {
            snprintf(err, errlen, "%s", vcm_store_error(st));
            goto out;
        }
        if (n == 0)
            break;
        if (cancel && *cancel) {
            snprintf(err, errlen, "stopped before the index was complete");
            goto out;
        }
        if (prep_batch(&h, &r, objs, n, preps) < 0) {
            for (size_t i = 0; i < n; i++)
                vcm_index_prep_free(preps[i]);
            snprintf(err, errlen, "out of memory indexing");
            goto out;
        }
        vcm_index_lock_write(x);
        for (size_t i = 0; i < n; i++)
            if (vcm_index_put(x, preps[i]) < 0) {
                for (size_t k = i + 1; k < n; k++)
                    vcm_index_prep_free(preps[k]);
                vcm_index_unlock(x);
                snprintf(err, errlen, "out of memory indexing");
                goto out;
            }
        vcm_index_unlock(x);
        done += n;
        f.after_id = objs[n - 1].id;
        if (progress)
            progress(done, (size_t)stats.objects, ud);
    }
    vcm_index_lock_write(x);
    rc = add_thesaurus(x) < 0 || vcm_index_settle(x) < 0 || vcm_index_sort_all(x) < 0 ? -1 : 0;
    vcm_index_set_meta(x, &meta);
    vcm_index_unlock(x);
    if (rc < 0)
        snprintf(err, errlen, "out of memory indexing");
out:
    helper_stop(&h);
    free(preps);
    vcm_arena_release(&a);
    reader_release(&r);
    return rc;
}

/* Applies the store's changes after the index's seq; returns how many. */
static long catch_up(vcm_store *st, vcm_index *x, char *err, size_t errlen)
{
    int64_t ids[BATCH], seqs[BATCH];
    vcm_object objs[BATCH];
    vcm_index_prep *preps[BATCH];
    long applied = 0;
    struct reader r;
    reader_init(&r, st);
    struct helper h;
    helper_start(&h);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    long rc = -1;
    for (;;) {
        vcm_index_meta meta;
        vcm_index_lock_read(x);
        vcm_index_get_meta(x, &meta);
        vcm_index_unlock(x);
        size_t n;
        if (st->ops->changes_since(st, meta.seq, ids, seqs, BATCH, &n) < 0) {
            snprintf(err, errlen, "%s", vcm_store_error(st));
            goto out;
        }
        if (n == 0)
            break;
        vcm_arena_reset(&a);
        size_t no = 0;
        bool keep[BATCH], found[BATCH];
        if (st->ops->object_get_many(st, &a, ids, n, objs, found) < 0) {
            snprintf(err, errlen, "%s", vcm_store_error(st));
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            keep[i] = found[i] && objs[i].status == VCM_PUBLISHED;
            if (keep[i])
                objs[no++] = objs[i];
        }
        memset(preps, 0, sizeof preps);
        if (prep_batch(&h, &r, objs, no, preps) < 0) {
            for (size_t i = 0; i < no; i++)
                vcm_index_prep_free(preps[i]);
            snprintf(err, errlen, "out of memory indexing");
            goto out;
        }
        vcm_index_lock_write(x);
        size_t k = 0;
        int bad = 0;
        for (size_t i = 0; i < n; i++) {
            if (!keep[i]) {
                vcm_index_remove(x, ids[i]);
                continue;
            }
            vcm_index_prep *p = preps[k++];
            if (bad || vcm_index_put(x, p) < 0)
                bad = 1; /* put frees p either way */
        }
        if (!bad) {
            meta.seq = seqs[n - 1];
            vcm_index_set_meta(x, &meta);
            bad = vcm_index_settle(x) < 0;
        }
        vcm_index_unlock(x);
        if (bad) {
            snprintf(err, errlen, "out of memory indexing");
            goto out;
        }
        applied += (long)n;
    }
    rc = applied;
out:
    helper_stop(&h);
    vcm_arena_release(&a);
    reader_release(&r);
    return rc;
}

/* Packs the index (a short write lock), then writes it while queries go
 * on; sync_lock keeps catching up out until the file is written. */
static int save(vcm_search *s, char *err, size_t errlen)
{
    pthread_mutex_lock(&s->sync_lock);
    vcm_index_lock_write(s->x);
    int rc = vcm_index_pack(s->x);
    vcm_index_unlock(s->x);
    if (rc < 0) {
        snprintf(err, errlen, "out of memory packing the index");
    } else {
        vcm_index_lock_read(s->x);
        rc = vcm_index_save(s->x, s->path, err, errlen);
        vcm_index_unlock(s->x);
    }
    pthread_mutex_unlock(&s->sync_lock);
    if (rc == 0) {
        s->unsaved = 0;
        s->saved_at = time(NULL);
    }
    return rc;
}

long vcm_search_sync(vcm_search *s, char *err, size_t errlen)
{
    pthread_mutex_lock(&s->sync_lock);
    long n = catch_up(s->store, s->x, err, errlen);
    if (n > 0)
        s->unsaved += (size_t)n;
    pthread_mutex_unlock(&s->sync_lock);
    return n;
}

static void background_progress(size_t done, size_t total, void *ud)
{
    vcm_search *s = ud;
    s->built = done;
    s->to_build = total;
}

static int build_and_save(vcm_search *s, vcm_search_progress progress, void *ud, char *err,
                          size_t errlen)
{
    vcm_info("building the search index", "index=\"%s\"", s->path);
    if (build(s->store, s->x, progress, ud, &s->stop, err, errlen) < 0 ||
        vcm_search_sync(s, err, errlen) < 0)
        return -1;
    char werr[512];
    if (save(s, werr, sizeof werr) < 0)
        vcm_warn("search cannot write its index", "error=\"%s\"", werr);
    vcm_index_stats stats;
    vcm_index_lock_read(s->x);
    vcm_index_stats_get(s->x, &stats);
    vcm_index_unlock(s->x);
    vcm_info("search index ready", "objects=%zu terms=%zu", stats.docs, stats.terms);
    return 0;
}

static void *follow(void *p)
{
    vcm_search *s = p;
    int64_t last_head = -1;
    if (s->need_build) {
        char err[512];
        if (build_and_save(s, background_progress, s, err, sizeof err) < 0) {
            if (!s->stop)
                vcm_error("search cannot build its index", "error=\"%s\"", err);
            vcm_tokenize_thread_release();
            return NULL;
        }
        __atomic_thread_fence(__ATOMIC_RELEASE);
        s->ready = 1;
    }
    for (;;) {
        pthread_mutex_lock(&s->stop_lock);
        if (!s->stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 100 * 1000 * 1000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&s->stop_cond, &s->stop_lock, &ts);
        }
        int stop = s->stop;
        pthread_mutex_unlock(&s->stop_lock);
        if (stop)
            break;
        int64_t head;
        pthread_mutex_lock(&s->sync_lock);
        int ok = s->store->ops->change_head(s->store, &head) == 0;
        pthread_mutex_unlock(&s->sync_lock);
        if (!ok) {
            vcm_warn("search cannot read the store's changes", "error=\"%s\"",
                     vcm_store_error(s->store));
            continue;
        }
        if (head != last_head) {
            char err[512];
            long n = vcm_search_sync(s, err, sizeof err);
            if (n < 0)
                vcm_warn("search cannot catch up", "error=\"%s\"", err);
            else {
                last_head = head;
                if (n > 0)
                    vcm_debug("search caught up", "changes=%ld", n);
            }
        }
        if (s->unsaved >= SAVE_EVERY_CHANGES ||
            (s->unsaved && time(NULL) - s->saved_at >= SAVE_EVERY_SECONDS)) {
            char err[512];
            if (save(s, err, sizeof err) < 0)
                vcm_warn("search cannot write its index", "error=\"%s\"", err);
        }
    }
    vcm_tokenize_thread_release();
    return NULL;
}

vcm_search *vcm_search_open(const char *db_url, const char *path, bool follow_changes,
                            vcm_search_progress progress, void *ud, char *err, size_t errlen)
{
    vcm_search *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->sync_lock, NULL);
    pthread_mutex_init(&s->stop_lock, NULL);
    pthread_cond_init(&s->stop_cond, NULL);
    snprintf(s->db_url, sizeof s->db_url, "%s", db_url);
    snprintf(s->path, sizeof s->path, "%s", path);
    s->saved_at = time(NULL);
    char why[600];
    if (!(s->store = vcm_store_open(db_url, err, errlen)))
        goto fail;
    char instance[33];
    int64_t head;
    if (s->store->ops->instance_id(s->store, instance) < 0 ||
        s->store->ops->change_head(s->store, &head) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(s->store));
        goto fail;
    }
    s->x = vcm_index_load(path, why, sizeof why);
    if (s->x) {
        vcm_index_meta m;
        vcm_index_get_meta(s->x, &m);
        if (strcmp(m.instance, instance) != 0 || m.seq > head) {
            snprintf(why, sizeof why, "the index '%s' was built from another database", path);
            vcm_index_free(s->x);
            s->x = NULL;
        }
    }
    if (!s->x) {
        vcm_info("the search index must be built", "index=\"%s\" reason=\"%s\"", path, why);
        if (!(s->x = vcm_index_new())) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        s->need_build = true;
    }
    if (s->need_build && !follow_changes) {
        if (build_and_save(s, progress, ud, err, errlen) < 0)
            goto fail;
        s->need_build = false;
    } else if (!s->need_build && vcm_search_sync(s, err, errlen) < 0) {
        goto fail;
    }
    s->ready = !s->need_build;
    if (follow_changes) {
        if (pthread_create(&s->thread, NULL, follow, s) != 0) {
            snprintf(err, errlen, "cannot start the search's thread");
            goto fail;
        }
        s->following = true;
    }
    return s;
fail:
    vcm_search_close(s);
    return NULL;
}

void vcm_search_close(vcm_search *s)
{
    if (!s)
        return;
    if (s->following) {
        pthread_mutex_lock(&s->stop_lock);
        s->stop = 1;
        pthread_cond_signal(&s->stop_cond);
        pthread_mutex_unlock(&s->stop_lock);
        pthread_join(s->thread, NULL);
    }
    if (s->x && s->unsaved && s->ready) {
        char err[512];
        if (save(s, err, sizeof err) < 0)
            vcm_warn("search cannot write its index", "error=\"%s\"", err);
    }
    vcm_index_free(s->x);
    vcm_store_close(s->store);
    pthread_mutex_destroy(&s->sync_lock);
    pthread_mutex_destroy(&s->stop_lock);
    pthread_cond_destroy(&s->stop_cond);
    free(s);
}

int vcm_search_reindex(const char *db_url, const char *path, vcm_search_progress progress,
                       void *ud, size_t *docs, char *err, size_t errlen)
{
    if (errlen)
        *err = 0;
    vcm_store *st = vcm_store_open(db_url, err, errlen);
    if (!st)
        return -1;
    vcm_index *x = vcm_index_new();
    int rc = -1;
    if (!x) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (build(st, x, progress, ud, NULL, err, errlen) < 0 || catch_up(st, x, err, errlen) < 0)
        goto out;
    vcm_index_lock_write(x);
    rc = vcm_index_pack(x) < 0 ? -1 : vcm_index_save(x, path, err, errlen);
    if (rc < 0 && !*err)
        snprintf(err, errlen, "out of memory packing the index");
    vcm_index_stats stats;
    vcm_index_stats_get(x, &stats);
    vcm_index_unlock(x);
    if (docs)
        *docs = stats.docs;
out:
    vcm_index_free(x);
    vcm_store_close(st);
    return rc;
}

/* ---- queries ---- */

void vcm_search_params_init(vcm_search_params *p)
{
    memset(p, 0, sizeof *p);
    p->limit = 20;
}

static const char *const facet_names[VCM_FACET_KINDS] = {
    [VCM_FACET_REGION] = "region", [VCM_FACET_COUNTRY] = "country",
    [VCM_FACET_MUSEUM] = "museum", [VCM_FACET_CLASSIFICATION] = "classification",
    [VCM_FACET_MATERIAL] = "material", [VCM_FACET_CENTURY] = "century",
    [VCM_FACET_IMAGE] = "image", [VCM_FACET_LICENCE] = "licence",
    [VCM_FACET_ORIGIN] = "origin", [VCM_FACET_ORIGIN_COUNTRY] = "origin_country",
};

int vcm_facet_parse(const char *name, size_t len)
{
    for (int i = 0; i < VCM_FACET_KINDS; i++)
        if (strlen(facet_names[i]) == len && memcmp(facet_names[i], name, len) == 0)
            return i;
    return -1;
}

static const char *const sort_names[] = {
    [VCM_SORT_RELEVANCE] = "relevance", [VCM_SORT_DATE] = "date",
    [VCM_SORT_DATE_DESC] = "-date", [VCM_SORT_TITLE] = "title", [VCM_SORT_MUSEUM] = "museum",
};

int vcm_sort_parse(const char *name, enum vcm_sort *out)
{
    for (size_t i = 0; i < sizeof sort_names / sizeof *sort_names; i++)
        if (strcmp(sort_names[i], name) == 0) {
            *out = (enum vcm_sort)i;
            return 0;
        }
    return -1;
}

const char *vcm_sort_name(enum vcm_sort s)
{
    return (size_t)s < sizeof sort_names / sizeof *sort_names ? sort_names[s] : "relevance";
}

/* What a plan is built with: the arena, and the words to highlight. */
struct planner {
    vcm_arena *a;
    const vcm_thesaurus *th;
    struct mark { const char *text; size_t len; bool prefix; } marks[128];
    size_t nmarks;
    /* every mark is written in characters from U+1000 up (CJK, Hangul,
     * ...): a text without such a character holds none of them (folding
     * never turns a character below U+1000 into one above), and is not
     * tokenized for marks */
    bool wide_marks;
    vcm_search_results *r;
    const vcm_search_params *p;
    int oom;
};

static void add_mark(struct planner *pl, const char *t, size_t len, bool prefix)
{
    for (size_t i = 0; i < pl->nmarks; i++)
        if (pl->marks[i].len == len && pl->marks[i].prefix == prefix &&
            memcmp(pl->marks[i].text, t, len) == 0)
            return;
    if (pl->nmarks < sizeof pl->marks / sizeof *pl->marks)
        pl->marks[pl->nmarks++] = (struct mark){t, len, prefix};
}

struct qtok {
    char *text;
    size_t len;
    uint32_t pos, start, end;
    uint8_t kind;
};

struct qtoks {
    vcm_arena *a;
    struct qtok v[64];
    size_t n;
    int oom;
};

static int collect(const vcm_token *t, void *ud)
{
    struct qtoks *q = ud;
    if (q->n == 64)
        return 1;
    char *s = vcm_arena_strndup(q->a, t->text, t->len);
    if (!s) {
        q->oom = 1;
        return 1;
    }
    q->v[q->n++] = (struct qtok){s, t->len, t->pos, t->start, t->end, t->kind};
    return 0;
}

/* The tokens a query word is searched by: words, and CJK runs as their
 * bigrams (a lone character as itself). */
static size_t query_tokens(vcm_arena *a, const char *text, size_t len, int flags, struct qtok *out,
                           int *oom)
{
    struct qtoks q = {a, {{0}}, 0, 0};
    if (vcm_tokenize(text, len, flags, collect, &q) < 0 || q.oom) {
        *oom = q.oom;
        return 0;
    }
    size_t n = 0;
    for (size_t i = 0; i < q.n; i++) {
        const struct qtok *t = &q.v[i];
        bool drop = false;
        if (t->kind == VCM_TOK_WORD) {
            for (size_t j = 0; j < q.n && !drop; j++)
                drop = q.v[j].kind != VCM_TOK_WORD && q.v[j].start < t->end && q.v[j].end > t->start;
        } else if (t->kind == VCM_TOK_CJK_UNI) {
            for (size_t j = 0; j < q.n && !drop; j++)
                drop = q.v[j].kind == VCM_TOK_CJK_BI &&
                       (q.v[j].pos == t->pos || q.v[j].pos + 1 == t->pos);
        }
        if (!drop)
            out[n++] = *t;
    }
    return n;
}

static vcm_plan *new_plan(struct planner *pl, vcm_plan_kind kind)
{
    vcm_plan *p = vcm_arena_calloc(pl->a, 1, sizeof *p);
    if (!p)
        pl->oom = 1;
    else
        p->kind = kind;
    return p;
}

static int add_kid(struct planner *pl, vcm_plan *parent, vcm_plan *kid)
{
    if (!kid)
        return 0;
    vcm_plan **k = vcm_arena_alloc(pl->a, (parent->nkids + 1) * sizeof *k);
    if (!k) {
        pl->oom = 1;
        return -1;
    }
    if (parent->nkids)
        memcpy(k, parent->kids, parent->nkids * sizeof *k);
    k[parent->nkids++] = kid;
    parent->kids = k;
    return 0;
}

static unsigned field_mask(vcm_qfield f)
{
    switch (f) {
    case VCM_QF_TITLE: return 1u << VCM_IF_TITLE;
    case VCM_QF_CREATOR: return 1u << VCM_IF_CREATOR;
    case VCM_QF_CULTURE: return 1u << VCM_IF_CULTURE;
    case VCM_QF_TYPE: return 1u << VCM_IF_TYPE;
    case VCM_QF_MATERIAL: return 1u << VCM_IF_MATERIAL;
    case VCM_QF_MUSEUM:
    case VCM_QF_COUNTRY: return 1u << VCM_IF_MUSEUM;
    default: return 0;
    }
}

/* A word or phrase as a plan; NULL when it has nothing searchable. */
static vcm_plan *text_plan(struct planner *pl, const char *text, size_t len, unsigned fields,
                           bool prefix, float boost)
{
    struct qtok t[64];
    int oom = 0;
    size_t n = query_tokens(pl->a, text, len, prefix ? 0 : VCM_TOK_STEM, t, &oom);
    if (oom)
        pl->oom = 1;
    if (n == 0)
        return NULL;
    size_t nt = prefix ? n - 1 : n;
    vcm_plan *term = NULL;
    if (nt) {
        if (!(term = new_plan(pl, VCM_PLAN_TERM)))
            return NULL;
        term->terms = vcm_arena_alloc(pl->a, nt * sizeof *term->terms);
        term->offsets = vcm_arena_alloc(pl->a, nt * sizeof *term->offsets);
        if (!term->terms || !term->offsets) {
            pl->oom = 1;
            return NULL;
        }
        /* a run of CJK, Hangul or Thai is marked by its pairs of characters:
         * its single characters would be marked wherever they stand */
        bool pairs = false;
        for (size_t i = 0; i < nt && i < 16; i++)
            pairs |= t[i].kind == VCM_TOK_CJK_BI;
        for (size_t i = 0; i < nt && i < 16; i++) {
            term->terms[i] = t[i].text;
            term->offsets[i] = t[i].pos - t[0].pos;
            /* "on" of "ink on silk" is not worth marking everywhere */
            if ((nt == 1 || t[i].kind != VCM_TOK_WORD || t[i].len > 2) &&
                !(pairs && t[i].kind == VCM_TOK_CJK_UNI))
                add_mark(pl, t[i].text, t[i].len, false);
        }
        term->nterms = nt < 16 ? nt : 16;
        term->fields = fields;
        term->boost = boost;
    }
    if (!prefix)
        return term;
    vcm_plan *pf = new_plan(pl, VCM_PLAN_PREFIX);
    if (!pf)
        return NULL;
    pf->terms = vcm_arena_alloc(pl->a, sizeof *pf->terms);
    if (!pf->terms) {
        pl->oom = 1;
        return NULL;
    }
    pf->terms[0] = t[n - 1].text;
    pf->nterms = 1;
    pf->fields = fields;
    pf->boost = boost;
    add_mark(pl, t[n - 1].text, t[n - 1].len, true);
    if (!term)
        return pf;
    vcm_plan *and = new_plan(pl, VCM_PLAN_AND);
    if (!and || add_kid(pl, and, term) < 0 || add_kid(pl, and, pf) < 0)
        return NULL;
    return and;
}

static bool expansion_off(const vcm_search_params *p, const char *id)
{
    if (!p->no_expand_ids)
        return false;
    size_t l = strlen(id);
    for (const char *s = p->no_expand_ids; *s;) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == l && memcmp(s, id, l) == 0)
            return true;
        if (!e)
            break;
        s = e + 1;
    }
    return false;
}

static const char *kind_name(vcm_th_kind k)
{
    static const char *const n[] = {"period", "material", "type", "place"};
    return n[k];
}

/* Adds to `or` the other names of the concepts whose key is `key`. */
static void expand(struct planner *pl, vcm_plan *or, const char *typed, size_t typedlen,
                   const char *key, size_t keylen, unsigned fields)
{
    const vcm_th_entry *e[8];
    size_t ne = vcm_thesaurus_lookup(pl->th, key, keylen, e, 8);
    vcm_search_results *r = pl->r;
    for (size_t i = 0; i < ne; i++) {
        if (r->nexpansions >= 16)
            return;
        vcm_search_expansion *x = &r->expansions[r->nexpansions++];
        memset(x, 0, sizeof *x);
        x->typed = vcm_arena_strndup(pl->a, typed, typedlen);
        x->id = e[i]->id;
        x->label = vcm_th_label(e[i]);
        x->kind = kind_name(e[i]->kind);
        x->off = expansion_off(pl->p, e[i]->id);
        x->names = vcm_arena_calloc(pl->a, e[i]->nnames, sizeof *x->names);
        if (!x->typed || !x->names) {
            pl->oom = 1;
            return;
        }
        for (size_t j = 0; j < e[i]->nnames; j++) {
            const vcm_th_name *nm = &e[i]->names[j];
            if ((strlen(nm->key) == keylen && memcmp(nm->key, key, keylen) == 0) ||
                nm->typed_only)
                continue; /* what was typed; a name that would find other words */
            x->names[x->nnames++] = nm->text;
            if (!x->off)
                add_kid(pl, or, text_plan(pl, nm->text, strlen(nm->text), fields, false, EXPAND_BOOST));
        }
        if (e[i]->kind == VCM_TH_PERIOD && e[i]->has_years && !fields) {
            x->dates = true;
            x->from = e[i]->start;
            x->to = e[i]->end;
            if (!x->off) {
                vcm_plan *pd = new_plan(pl, VCM_PLAN_PERIOD);
                if (pd) {
                    pd->from = e[i]->start;
                    pd->to = e[i]->end;
                    pd->regions = e[i]->regions;
                    pd->boost = 0.3f;
                    add_kid(pl, or, pd);
                }
            }
        }
    }
}

/* Adds to `or` the other spellings of the creator one of whose names has
 * this key (names.h): 北斎 also finds "Katsushika Hokusai", in the creator
 * field only, so that a name never finds what merely mentions it. */
static void expand_names(struct planner *pl, vcm_plan *or, const char *typed, size_t typedlen,
                         const char *key, size_t keylen)
{
    const vcm_name_entry *e = vcm_names_lookup(vcm_names_builtin(), key, keylen);
    vcm_search_results *r = pl->r;
    if (!e || r->nexpansions >= 16)
        return;
    vcm_search_expansion *x = &r->expansions[r->nexpansions++];
    memset(x, 0, sizeof *x);
    x->typed = vcm_arena_strndup(pl->a, typed, typedlen);
    x->id = e->id;
    x->label = e->label;
    x->kind = "creator";
    x->off = expansion_off(pl->p, e->id);
    x->names = vcm_arena_calloc(pl->a, e->nnames, sizeof *x->names);
    if (!x->typed || !x->names) {
        pl->oom = 1;
        return;
    }
    for (size_t j = 0; j < e->nnames; j++) {
        char k[512];
        int kl = vcm_tokenize_key(e->names[j], strlen(e->names[j]), VCM_TOK_STEM, k, sizeof k);
        if (kl < 0 || ((size_t)kl == keylen && memcmp(k, key, keylen) == 0))
            continue; /* what was typed */
        x->names[x->nnames++] = e->names[j];
        if (!x->off)
            add_kid(pl, or, text_plan(pl, e->names[j], strlen(e->names[j]),
                                      1u << VCM_IF_CREATOR, false, 0.8f));
    }
}

static bool thesaurus_field(vcm_qfield f)
{
    return f == VCM_QF_ANY || f == VCM_QF_TYPE || f == VCM_QF_MATERIAL || f == VCM_QF_CULTURE;
}

/* A clause that is one plain word: candidates for multi-word concepts. */
static bool plain_word(const vcm_qclause *c)
{
    return !c->negated && c->nalts == 1 && !c->alts[0].phrase && !c->alts[0].prefix &&
           c->alts[0].field == VCM_QF_ANY;
}

static int64_t parse_i64(const char *s, size_t len, bool *ok)
{
    char buf[24];
    *ok = false;
    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = 0;
    char *end;
    long long v = strtoll(buf, &end, 10);
    *ok = !*end && v > 0;
    return v;
}

/* Turns the parsed query into must / must_not plans and filters. */
static int plan_query(struct planner *pl, const vcm_squery *q, vcm_index_request *req)
{
    vcm_plan *must = new_plan(pl, VCM_PLAN_AND), *not = new_plan(pl, VCM_PLAN_OR);
    if (!must || !not)
        return -1;
    size_t maxt = vcm_thesaurus_max_tokens(pl->th);
    bool expand_on = !pl->p->no_expand && pl->th;
    for (size_t i = 0; i < q->nclauses;) {
        const vcm_qclause *c = &q->clauses[i];
        /* a run of plain words naming one concept ("ink on silk") */
        size_t run = 0;
        if (expand_on && plain_word(c)) {
            size_t j = i;
            while (j < q->nclauses && j - i < maxt && plain_word(&q->clauses[j]))
                j++;
            for (size_t len = j - i; len >= 2 && !run; len--) {
                const char *start = q->clauses[i].alts[0].text;
                const vcm_qterm *last = &q->clauses[i + len - 1].alts[0];
                size_t tl = (size_t)(last->text + last->len - start);
                char key[512];
                int kl = vcm_tokenize_key(start, tl, VCM_TOK_STEM, key, sizeof key);
                const vcm_th_entry *e[1];
                if (kl > 0 && vcm_thesaurus_lookup(pl->th, key, (size_t)kl, e, 1)) {
                    run = len;
                    vcm_plan *or = new_plan(pl, VCM_PLAN_OR), *and = new_plan(pl, VCM_PLAN_AND);
                    if (!or || !and)
                        return -1;
                    or->best = true;
                    for (size_t k = i; k < i + len; k++)
                        add_kid(pl, and, text_plan(pl, q->clauses[k].alts[0].text,
                                                   q->clauses[k].alts[0].len, 0, false, 1));
                    add_kid(pl, or, and);
                    expand(pl, or, start, tl, key, (size_t)kl, 0);
                    add_kid(pl, must, or);
                }
            }
        }
        if (run) {
            i += run;
            continue;
        }
        vcm_plan *or = new_plan(pl, VCM_PLAN_OR);
        if (!or)
            return -1;
        or->best = true;
        for (size_t k = 0; k < c->nalts; k++) {
            const vcm_qterm *t = &c->alts[k];
            bool ok;
            if (t->field == VCM_QF_MUSEUM && !c->negated) {
                int64_t id = parse_i64(t->text, t->len, &ok);
                if (ok) {
                    req->filter.museum = id;
                    continue;
                }
            }
            if (t->field == VCM_QF_COUNTRY && t->len == 2 && !c->negated) {
                req->filter.country[0] = (char)(t->text[0] & ~0x20);
                req->filter.country[1] = (char)(t->text[1] & ~0x20);
                continue;
            }
            unsigned fields = field_mask(t->field);
            add_kid(pl, or, text_plan(pl, t->text, t->len, fields, t->prefix, 1));
            if (expand_on && !c->negated && !t->prefix && thesaurus_field(t->field)) {
                char key[512];
                int kl = vcm_tokenize_key(t->text, t->len, VCM_TOK_STEM, key, sizeof key);
                if (kl > 0)
                    expand(pl, or, t->text, t->len, key, (size_t)kl, fields);
            }
            if (expand_on && !c->negated && !t->prefix &&
                (t->field == VCM_QF_ANY || t->field == VCM_QF_CREATOR)) {
                char key[512];
                int kl = vcm_tokenize_key(t->text, t->len, VCM_TOK_STEM, key, sizeof key);
                if (kl > 0)
                    expand_names(pl, or, t->text, t->len, key, (size_t)kl);
            }
        }
        i++;
        if (!or->nkids)
            continue;
        add_kid(pl, c->negated ? not : must, or->nkids == 1 ? or->kids[0] : or);
    }
    if (pl->oom)
        return -1;
    req->must = must->nkids ? must : NULL;
    req->must_not = not->nkids ? not : NULL;
    /* words that are all punctuation leave nothing to search: show all */
    return 0;
}

/* ---- cursors ---- */

static char sort_char(enum vcm_sort s)
{
    return "rdDtm"[s];
}

static const char *make_cursor(vcm_arena *a, enum vcm_sort s, const vcm_index_hit *h)
{
    return vcm_arena_printf(a, "%c%016llx.%lld", sort_char(s), (unsigned long long)h->key,
                            (long long)h->id);
}

static int parse_cursor(const char *c, enum vcm_sort s, uint64_t *key, int64_t *id)
{
    if (!c || c[0] != sort_char(s) || strlen(c) < 19 || c[17] != '.')
        return -1;
    char hex[17];
    memcpy(hex, c + 1, 16);
    hex[16] = 0;
    char *end;
    unsigned long long k = strtoull(hex, &end, 16);
    if (*end)
        return -1;
    long long i = strtoll(c + 18, &end, 10);
    if (*end || i < 0)
        return -1;
    *key = k;
    *id = i;
    return 0;
}

/* ---- snippets ---- */

struct hl {
    const struct planner *pl;
    uint32_t ranges[64][2];
    size_t n;
};

static bool marked(const struct planner *pl, const char *t, size_t len)
{
    for (size_t i = 0; i < pl->nmarks; i++) {
        const struct mark *m = &pl->marks[i];
        if (m->prefix ? len >= m->len && memcmp(t, m->text, m->len) == 0
                      : len == m->len && memcmp(t, m->text, len) == 0)
            return true;
    }
    return false;
}

static int on_hl(const vcm_token *t, void *ud)
{
    struct hl *h = ud;
    if (!marked(h->pl, t->text, t->len))
        return 0;
    if (h->n && t->start <= h->ranges[h->n - 1][1]) { /* overlaps: CJK grams */
        if (t->end > h->ranges[h->n - 1][1])
            h->ranges[h->n - 1][1] = t->end;
        return 0;
    }
    if (h->n == 64)
        return 1;
    h->ranges[h->n][0] = t->start;
    h->ranges[h->n++][1] = t->end;
    return 0;
}

static int add_part(vcm_arena *a, vcm_search_text *t, size_t *cap, const char *s, size_t n,
                    bool match)
{
    if (!n)
        return 0;
    if (t->nparts == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        vcm_search_part *np = vcm_arena_alloc(a, nc * sizeof *np);
        if (!np)
            return -1;
        if (t->nparts)
            memcpy(np, t->parts, t->nparts * sizeof *np);
        t->parts = np;
        *cap = nc;
    }
    char *c = vcm_arena_strndup(a, s, n);
    if (!c)
        return -1;
    t->parts[t->nparts++] = (vcm_search_part){c, match};
    return 0;
}

/* The text (whole, or a window around its first match) cut into parts
 * with the matches marked; may: false when the index says its field holds
 * none. Returns false when !whole and nothing matches. */
static bool highlight(vcm_arena *a, const struct planner *pl, const char *text, const char *lang,
                      bool whole, bool may, vcm_search_text *out)
{
    size_t full = strlen(text), len = full;
    struct hl h = {pl, {{0}}, 0};
    if (len > 20000)
        len = 20000;
    while (len && len < full && ((unsigned char)text[len] & 0xC0) == 0x80)
        len--;
    bool may_match = may && !pl->wide_marks;
    for (size_t i = 0; may && i < len && !may_match; i++)
        may_match = (unsigned char)text[i] >= 0xE1;
    if (may_match)
        vcm_tokenize(text, len, VCM_TOK_STEM, on_hl, &h);
    if (!h.n && !whole)
        return false;
    for (size_t i = 0; i < h.n; i++)
        vcm_snippet_snap(text, len, &h.ranges[i][0], &h.ranges[i][1]);
    /* widened ranges may now touch or overlap: join them */
    size_t m = 0;
    for (size_t i = 0; i < h.n; i++) {
        if (m && h.ranges[i][0] <= h.ranges[m - 1][1]) {
            if (h.ranges[i][1] > h.ranges[m - 1][1])
                h.ranges[m - 1][1] = h.ranges[i][1];
            continue;
        }
        h.ranges[m][0] = h.ranges[i][0];
        h.ranges[m++][1] = h.ranges[i][1];
    }
    h.n = m;
    size_t from = 0, to = len;
    if (!whole) {
        from = h.ranges[0][0] > 80 ? h.ranges[0][0] - 80 : 0;
        while (from && ((unsigned char)text[from] & 0xC0) == 0x80)
            from++;
        /* start at a word when one begins shortly after */
        for (size_t k = from; from && k < from + 20 && k < h.ranges[0][0]; k++)
            if (text[k] == ' ') {
                from = k + 1;
                break;
            }
        to = from + 260 < len ? from + 260 : len;
        while (to < len && ((unsigned char)text[to] & 0xC0) == 0x80)
            to--;
    }
    memset(out, 0, sizeof *out);
    out->lang = lang;
    out->cut_before = from > 0;
    out->cut_after = to < full;
    size_t cap = 0, at = from;
    for (size_t i = 0; i < h.n; i++) {
        size_t s = h.ranges[i][0], e = h.ranges[i][1];
        if (e <= from || s >= to)
            continue;
        if (s < at)
            s = at;
        if (e > to)
            e = to;
        if (add_part(a, out, &cap, text + at, s - at, false) < 0 ||
            add_part(a, out, &cap, text + s, e - s, true) < 0)
            return false;
        at = e;
    }
    add_part(a, out, &cap, text + at, to - at, false);
    return true;
}

static bool has_match(const vcm_search_text *t)
{
    for (size_t i = 0; i < t->nparts; i++)
        if (t->parts[i].match)
            return true;
    return false;
}

/* The hit's title, creators and a passage, with what the query matched
 * marked, in the language that matched: the title in the visitor's
 * language, or else the first title in another language that matches (a
 * query in Chinese marks the Chinese title); the creators that match.
 * fields: the index's fields of the hit that hold a word of the query (the
 * others are not tokenized: nothing there would be marked). */
static void dress_hit(vcm_arena *a, const struct planner *pl, vcm_search_hit *h, const char *lang,
                      unsigned fields)
{
    const vcm_object *o = &h->object;
    const char *want = lang && *lang ? lang : "en";
    const vcm_ltext *t = vcm_ltexts_pick(&o->title, want);
    bool in_title = fields & (1u << VCM_IF_TITLE);
    highlight(a, pl, t ? t->text : "", t ? t->lang : "und", true, in_title, &h->title);
    /* each text tokenized once: marked whole, kept when it matches */
    for (size_t i = 0; in_title && i < o->title.n && !has_match(&h->title); i++) {
        vcm_search_text other;
        if (&o->title.v[i] != t &&
            highlight(a, pl, o->title.v[i].text, o->title.v[i].lang, true, true, &other) &&
            has_match(&other))
            h->title = other;
    }
    memset(&h->creator, 0, sizeof h->creator);
    size_t cap = 0;
    for (size_t i = 0; (fields & (1u << VCM_IF_CREATOR)) && i < o->ncreators; i++) {
        vcm_search_text c;
        if (!o->creators[i] || !highlight(a, pl, o->creators[i], "und", true, true, &c) ||
            !has_match(&c))
            continue;
        if (h->creator.nparts && add_part(a, &h->creator, &cap, "; ", 2, false) < 0)
            break;
        for (size_t k = 0; k < c.nparts; k++)
            if (add_part(a, &h->creator, &cap, c.parts[k].text, strlen(c.parts[k].text),
                         c.parts[k].match) < 0)
                break;
        h->creator.lang = "und";
    }
    const vcm_ltexts *texts[] = {&o->description, &o->statement};
    static const int text_field[] = {VCM_IF_TEXT, VCM_IF_STATEMENT};
    bool found = false;
    for (size_t f = 0; f < 2 && !found; f++) {
        if (!(fields & (1u << text_field[f])))
            continue;
        /* the visitor's language first, then the others */
        const vcm_ltext *first = vcm_ltexts_pick(texts[f], want);
        if (first)
            found = highlight(a, pl, first->text, first->lang, false, true, &h->snippet);
        for (size_t i = 0; i < texts[f]->n && !found; i++)
            if (&texts[f]->v[i] != first)
                found = highlight(a, pl, texts[f]->v[i].text, texts[f]->v[i].lang, false, true,
                                  &h->snippet);
    }
    const char *others[] = {o->materials, o->culture, o->classification};
    static const int other_field[] = {VCM_IF_MATERIAL, VCM_IF_CULTURE, VCM_IF_TYPE};
    for (size_t i = 0; i < 3 && !found; i++)
        if (others[i] && *others[i] && (fields & (1u << other_field[i])))
            found = highlight(a, pl, others[i], "en", false, true, &h->snippet);
    if (!found)
        memset(&h->snippet, 0, sizeof h->snippet);
}

/* Adds the catalogue sentence key in the visitor's language, with arg
 * where it says {}. */
static void message(vcm_search_results *r, vcm_arena *a, const char *lang, const char *key,
                    const char *arg)
{
    if (r->nmessages == sizeof r->messages / sizeof *r->messages)
        return;
    const char *t = vcm_t(lang ? lang : "en", key);
    const char *at = strstr(t, "{}");
    const char *m = at ? vcm_arena_printf(a, "%.*s%s%s", (int)(at - t), t, arg ? arg : "", at + 2)
                       : t;
    r->messages[r->nmessages++] = m ? m : t;
}

/* ---- when nothing matches ---- */

static int64_t count_of(vcm_search *s, vcm_arena *a, const vcm_search_params *p, const char *q)
{
    vcm_search_params p2 = *p;
    p2.q = q;
    p2.cursor = NULL;
    p2.offset = 0;
    p2.limit = 1;
    p2.facets = 0;
    p2.want_objects = false;
    p2.want_alternatives = false;
    vcm_search_results r;
    char err[256];
    return vcm_search_run(s, NULL, a, &p2, &r, err, sizeof err) < 0 ? 0 : r.total;
}

static void alternative(vcm_search_results *r, const char *q, const char *why, int64_t total)
{
    if (!q || total <= 0 || r->nalternatives == sizeof r->alternatives / sizeof *r->alternatives)
        return;
    for (size_t i = 0; i < r->nalternatives; i++)
        if (strcmp(r->alternatives[i].q, q) == 0)
            return;
    r->alternatives[r->nalternatives++] = (vcm_search_alternative){q, why, total};
}

/* The query written back from its clauses: clause `skip` left out, the
 * first alternative of clause `swap` replaced by `with`. */
static char *rewrite(vcm_arena *a, const vcm_squery *q, size_t skip, size_t swap, const char *with)
{
    vcm_buf b;
    vcm_buf_init(&b, 4096);
    for (size_t k = 0; k < q->nclauses; k++) {
        if (k == skip)
            continue;
        const vcm_qclause *c = &q->clauses[k];
        for (size_t j = 0; j < c->nalts; j++) {
            const vcm_qterm *t = &c->alts[j];
            if (b.len)
                vcm_buf_puts(&b, j ? " OR " : " ");
            if (c->negated)
                vcm_buf_putc(&b, '-');
            if (t->field)
                vcm_buf_printf(&b, "%s:", vcm_qfield_name(t->field));
            if (k == swap && j == 0)
                vcm_buf_puts(&b, with);
            else
                vcm_buf_printf(&b, t->phrase ? "\"%.*s\"" : "%.*s", (int)t->len, t->text);
            if (t->prefix)
                vcm_buf_putc(&b, '*');
        }
    }
    if (q->has_date) {
        if (b.len)
            vcm_buf_putc(&b, ' ');
        vcm_buf_printf(&b, "date:%d..%d", q->date_from, q->date_to);
    }
    char *out = b.len ? vcm_arena_strndup(a, b.data, b.len) : NULL;
    vcm_buf_release(&b);
    return out;
}

/* Spellings close to each word, then the query without one of its terms. */
static void alternatives(vcm_search *s, vcm_arena *a, const vcm_search_params *p,
                         const vcm_squery *q, vcm_search_results *r)
{
    /* each alternative is a search of its own: a long query tries a few */
    size_t words = q->nclauses < 6 ? q->nclauses : 6;
    for (size_t i = 0; i < words; i++) {
        const vcm_qterm *t = &q->clauses[i].alts[0];
        if (q->clauses[i].negated || t->prefix || t->phrase || t->len < 3 || t->len > 40)
            continue;
        char key[128];
        int kl = vcm_tokenize_key(t->text, t->len, 0, key, sizeof key);
        if (kl < 3 || strchr(key, ' '))
            continue;
        const char *sim[3];
        vcm_index_lock_read(s->x);
        size_t ns = vcm_index_similar(s->x, a, key, (size_t)kl, sim, 3);
        vcm_index_unlock(s->x);
        for (size_t k = 0; k < ns; k++) {
            char *alt = rewrite(a, q, SIZE_MAX, i, sim[k]);
            alternative(r, alt, "spelling", count_of(s, a, p, alt));
        }
    }
    if (q->nclauses > 1)
        for (size_t i = 0; i < words; i++) {
            char *alt = rewrite(a, q, i, SIZE_MAX, NULL);
            alternative(r, alt, "broader", count_of(s, a, p, alt));
        }
    if (q->has_date || vcm_filter_narrows(&p->filter)) {
        vcm_search_params p2 = *p;
        vcm_search_params_init(&p2);
        p2.q = p->q;
        p2.no_expand = p->no_expand;
        p2.no_expand_ids = p->no_expand_ids;
        /* the words alone, without the date and the facet selections */
        char *alt = rewrite(a, q, SIZE_MAX, SIZE_MAX, NULL);
        if (alt && q->has_date) {
            char *d = strstr(alt, " date:");
            if (d)
                *d = 0;
            else if (strncmp(alt, "date:", 5) == 0)
                alt = NULL;
        }
        if (alt)
            alternative(r, alt, "without filters", count_of(s, a, &p2, alt));
    }
}

int vcm_search_run(vcm_search *s, vcm_store *store, vcm_arena *a, const vcm_search_params *p,
                   vcm_search_results *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (!vcm_search_ready(s, NULL, NULL)) {
        snprintf(err, errlen, "the search index is being built (%zu of %zu objects)", s->built,
                 s->to_build);
        return -2;
    }
    if (p->filter.any_status || p->filter.source_id || p->filter.after_id ||
        p->filter.offset || p->filter.limit) {
        /* the index holds published objects, without source ids; pages
         * come from p's own cursor, offset and limit */
        snprintf(err, errlen, "the search cannot filter by status, source id or the store's "
                              "paging");
        return -1;
    }
    /* a theme's objects are kept by the store (store/theme.h): read once here */
    const int64_t *theme_ids = p->filter.theme_ids;
    size_t ntheme_ids = p->filter.ntheme_ids;
    if (p->filter.theme && !theme_ids) {
        int64_t *ids = NULL;
        if (!store || vcm_theme_ids(store, a, p->filter.theme, &ids, &ntheme_ids) < 0) {
            snprintf(err, errlen, "cannot read the objects of theme '%s': %s", p->filter.theme,
                     store ? vcm_store_error(store) : "no store");
            return -1;
        }
        if (!ids && !(ids = vcm_arena_alloc(a, sizeof *ids)))
            goto oom;
        theme_ids = ids;
    }
    vcm_squery q;
    const char *text = p->q ? p->q : "";
    if (vcm_squery_parse(text, strlen(text), a, &q) < 0)
        goto oom;
    for (size_t i = 0; i < q.nmessages; i++)
        message(r, a, p->lang, q.messages[i], q.message_args[i]);
    r->expansions = vcm_arena_calloc(a, 16, sizeof *r->expansions);
    if (!r->expansions)
        goto oom;
    struct planner *pl = vcm_arena_calloc(a, 1, sizeof *pl);
    if (!pl)
        goto oom;
    pl->a = a;
    pl->th = vcm_thesaurus_builtin();
    pl->r = r;
    pl->p = p;
    vcm_index_request req = {0};
    req.filter = p->filter;
    req.filter.theme_ids = theme_ids;
    req.filter.ntheme_ids = ntheme_ids;
    if (q.has_date) {
        if (req.filter.has_date) {
            req.filter.date_from = q.date_from > req.filter.date_from ? q.date_from : req.filter.date_from;
            req.filter.date_to = q.date_to < req.filter.date_to ? q.date_to : req.filter.date_to;
        } else {
            req.filter.has_date = true;
            req.filter.date_from = q.date_from;
            req.filter.date_to = q.date_to;
        }
    }
    r->has_date = req.filter.has_date;
    r->date_from = req.filter.date_from;
    r->date_to = req.filter.date_to;
    if (plan_query(pl, &q, &req) < 0)
        goto oom;
    pl->wide_marks = pl->nmarks > 0;
    for (size_t i = 0; i < pl->nmarks && pl->wide_marks; i++)
        for (size_t j = 0; j < pl->marks[i].len && pl->wide_marks; j++) {
            unsigned char b = (unsigned char)pl->marks[i].text[j];
            /* a lead byte (not a continuation byte) below 0xE1: below U+1000 */
            pl->wide_marks = (b & 0xC0) == 0x80 || b >= 0xE1;
        }
    if (q.nclauses && !req.must && !req.must_not && !req.filter.museum && !req.filter.country[0])
        message(r, a, p->lang, "search.no_words", NULL);
    req.sort = p->sort;
    req.limit = p->limit < 1 ? 1 : p->limit > 100 ? 100 : p->limit;
    req.offset = p->offset > 100000 ? 100000 : p->offset;
    req.facets = p->facets;
    if (p->cursor && *p->cursor) {
        if (parse_cursor(p->cursor, p->sort, &req.after_key, &req.after_id) == 0) {
            req.has_after = true;
            req.offset = 0;
        } else {
            message(r, a, p->lang, "search.bad_cursor", NULL);
        }
    }
    vcm_index_result ir;
    vcm_index_lock_read(s->x);
    int rc = vcm_index_search(s->x, a, &req, &ir);
    vcm_index_unlock(s->x);
    if (rc < 0)
        goto oom;
    r->total = ir.total;
    for (int k = 0; k < VCM_FACET_KINDS; k++) {
        r->facets[k] = ir.facets[k];
        r->nfacets[k] = ir.nfacets[k];
    }
    static const int named[] = {VCM_FACET_COUNTRY, VCM_FACET_ORIGIN_COUNTRY};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < r->nfacets[named[k]]; i++) {
            vcm_country c;
            vcm_index_facet *fc = &r->facets[named[k]][i];
            if (vcm_country_from_code(&c, a, fc->value) == 0) {
                const vcm_ltext *n = vcm_ltexts_pick(&c.names, p->lang ? p->lang : "en");
                if (n)
                    fc->label = n->text;
            }
        }
    if (ir.more && ir.nhits)
        r->next = make_cursor(a, p->sort, &ir.hits[ir.nhits - 1]);
    r->hits = vcm_arena_calloc(a, ir.nhits ? ir.nhits : 1, sizeof *r->hits);
    if (!r->hits)
        goto oom;
    /* the page's records in one read */
    vcm_object *objs = NULL;
    bool *found = NULL;
    if (p->want_objects && store && ir.nhits) {
        int64_t *ids = vcm_arena_alloc(a, ir.nhits * sizeof *ids);
        objs = vcm_arena_calloc(a, ir.nhits, sizeof *objs);
        found = vcm_arena_calloc(a, ir.nhits, sizeof *found);
        if (!ids || !objs || !found)
            goto oom;
        for (size_t i = 0; i < ir.nhits; i++)
            ids[i] = ir.hits[i].id;
        if (store->ops->object_get_many(store, a, ids, ir.nhits, objs, found) < 0) {
            snprintf(err, errlen, "%s", vcm_store_error(store));
            return -1;
        }
    }
    for (size_t i = 0; i < ir.nhits; i++) {
        vcm_search_hit *h = &r->hits[r->nhits];
        h->id = ir.hits[i].id;
        h->score = ir.hits[i].score;
        if (objs) {
            if (!found[i] || objs[i].status != VCM_PUBLISHED)
                continue; /* changed since the index saw it: left out of this page */
            h->object = objs[i];
            dress_hit(a, pl, h, p->lang, ir.hits[i].fields);
        }
        r->nhits++;
    }
    if (r->total == 0 && p->want_alternatives)
        alternatives(s, a, p, &q, r);
    return 0;
oom:
    snprintf(err, errlen, "the search needs more memory than a request may use");
    return -1;
}

size_t vcm_search_suggest(vcm_search *s, vcm_arena *a, const char *prefix, size_t len,
                          vcm_suggestion *out, size_t max)
{
    if (!vcm_search_ready(s, NULL, NULL))
        return 0;
    vcm_index_lock_read(s->x);
    size_t n = vcm_index_suggest(s->x, a, prefix, len, out, max);
    vcm_index_unlock(s->x);
    return n;
}
