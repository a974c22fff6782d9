/* The JSON Lines importer and exporter (see jsonl.h for the contract).
 *
 * Memory stays constant whatever the file size: a line is read into one
 * capped buffer, its record lives in an arena reset after every line, and
 * only the small caches of museums and countries seen so far persist.
 * A batch is one transaction: a crash (even SIGKILL) loses at most the batch
 * in flight, never half a record, and the upsert by (museum, source_id) makes
 * running the same import again complete the job. */
#include "io/jsonl.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/text.h"
#include "model/country.h"
#include "model/json.h"
#include "core/banned.h"

struct museum_entry {
    char *name;
    int64_t id;
};

struct importer {
    vcm_store *store;
    const vcm_import_opts *opts;
    vcm_import_stats *stats;
    FILE *report;
    const char *path;
    struct museum_entry *museums;
    size_t nmuseums, capmuseums;
    char countries[512][3]; /* codes known to exist in the store */
    size_t ncountries;
    vcm_arena arena;
    int64_t lineno;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool known_country(const struct importer *im, const char *code)
{
    for (size_t i = 0; i < im->ncountries; i++)
        if (memcmp(im->countries[i], code, 3) == 0)
            return true;
    return false;
}

static int remember_country(struct importer *im, const char *code)
{
    if (!known_country(im, code) && im->ncountries < sizeof im->countries / sizeof im->countries[0])
        memcpy(im->countries[im->ncountries++], code, 3);
    return 0;
}

/* Finds or creates the country of code (two capitals: the record's parser
 * has made them so); -1 bad code, -2 store failure. A country is counted
 * as created only when the store did not have it. */
static int ensure_country(struct importer *im, const char *code, char *err, size_t errlen)
{
    if (strlen(code) != 2) {
        snprintf(err, errlen, "unknown country code '%s'", code);
        return -1;
    }
    if (known_country(im, code))
        return 0;
    vcm_country c;
    int r = im->store->ops->country_get(im->store, &im->arena, code, &c);
    if (r < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(im->store));
        return -2;
    }
    if (r == 0) {
        if (vcm_country_from_code(&c, &im->arena, code) < 0) {
            snprintf(err, errlen, "unknown country code '%s'", code);
            return -1;
        }
        if (strcmp(c.code, code) != 0) {
            snprintf(err, errlen, "country code '%s' must be written in capitals", code);
            return -1;
        }
        if (im->store->ops->country_upsert(im->store, &c) < 0) {
            snprintf(err, errlen, "%s", vcm_store_error(im->store));
            return -2;
        }
        im->stats->countries_created++;
    }
    return remember_country(im, code);
}

static int cache_museum(struct importer *im, const char *name, int64_t id)
{
    if (im->nmuseums == im->capmuseums) {
        size_t cap = im->capmuseums ? im->capmuseums * 2 : 16;
        struct museum_entry *nv = realloc(im->museums, cap * sizeof *nv);
        if (!nv)
            return -2;
        im->museums = nv;
        im->capmuseums = cap;
    }
    im->museums[im->nmuseums].name = strdup(name);
    if (!im->museums[im->nmuseums].name)
        return -2;
    im->museums[im->nmuseums++].id = id;
    return 0;
}

/* Finds or creates the museum; -1 bad record, -2 store failure. */
static int ensure_museum(struct importer *im, const char *name, const char *country, int64_t *id,
                         char *err, size_t errlen)
{
    for (size_t i = 0; i < im->nmuseums; i++)
        if (strcmp(im->museums[i].name, name) == 0) {
            *id = im->museums[i].id;
            return 0;
        }
    int r = ensure_country(im, country, err, errlen);
    if (r < 0)
        return r;
    vcm_museum m = {0};
    memcpy(m.country, country, 3);
    if (vcm_ltexts_add(&m.names, &im->arena, "en", name) < 0)
        return -2;
    if (vcm_museum_validate(&m, err, errlen) < 0)
        return -1;
    bool created;
    if (im->store->ops->museum_ensure(im->store, &m, &created) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(im->store));
        return -2;
    }
    im->stats->museums_created += created;
    *id = m.id;
    return cache_museum(im, name, m.id);
}

/* ---- the pipeline ----------------------------------------------------------
 *
 * Reading and parsing (JSON, clean-up, hashing) take about as long as the
 * writes to the store, and the machines VCM runs on have at least two cores:
 * a reader thread prepares records into a ring of slots while the calling
 * thread applies them to the store in order. Each slot has its own arena, so
 * a record is never copied between the two. The store is only ever touched
 * by the calling thread. */

enum kind { K_SKIP, K_BAD, K_HEADER, K_COUNTRY, K_MUSEUM, K_OBJECT };

struct slot {
    int64_t lineno, bytes; /* bytes: read up to the end of this line */
    enum kind kind;
    vcm_arena arena;
    vcm_country country;
    vcm_museum museum;
    vcm_object object;
    const char *museum_name;
    char country_code[3];  /* source records: the museum's country */
    bool keep_times;
    const char *warning;
    char hash[33];
    char why[600];
};

#define NSLOTS 1024
#define WAKE 16 /* a side that waits is woken when this many slots are ready */

struct ring {
    pthread_mutex_t mu;
    pthread_cond_t filled, emptied;
    size_t head, tail;     /* consumer takes head, producer fills tail */
    /* Each side waits for a run of slots, not for one: waking a thread
     * for every record costs more than the record (futex calls, switches).
     * want: records the consumer waits for (0: it does not wait);
     * full: the producer waits for room. */
    size_t want;
    bool full;
    bool eof, stop;
    int read_errno;
    struct slot slots[NSLOTS];
    FILE *f;
    size_t max_line;
};

/* Reads one line into b (without the newline), at most max bytes; a longer
 * line is skipped to its end and reported by *toolong. Returns 0 at EOF. */
static int read_line(FILE *f, vcm_buf *b, size_t max, bool *toolong, int64_t *consumed)
{
    vcm_buf_reset(b);
    *toolong = false;
    int c, any = 0;
    while ((c = getc_unlocked(f)) != EOF) {
        any = 1;
        (*consumed)++;
        if (c == '\n')
            break;
        if (b->len >= max) {
            *toolong = true;
            continue;
        }
        if (b->len + 1 >= b->cap && vcm_buf_grow(b, 1) < 0) {
            *toolong = true;
            continue;
        }
        b->data[b->len++] = (char)c;
    }
    if (b->data)
        b->data[b->len] = '\0';
    return any;
}

/* Turns one line into a record ready for the store. Pure: no store. */
static void prepare(struct slot *sl, const vcm_buf *line, bool toolong, size_t max_line)
{
    size_t bad;
    sl->kind = K_BAD;
    sl->warning = NULL;
    sl->why[0] = '\0';
    if (toolong) {
        snprintf(sl->why, sizeof sl->why, "line is longer than %zu bytes", max_line);
        return;
    }
    if (line->len == 0) {
        sl->kind = K_SKIP;
        return;
    }
    if ((bad = vcm_utf8_check(line->data, line->len)) != line->len) {
        snprintf(sl->why, sizeof sl->why, "invalid UTF-8 at byte %zu", bad + 1);
        return;
    }
    json_error_t je;
    json_t *j = json_loadb(line->data, line->len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        snprintf(sl->why, sizeof sl->why, "invalid JSON at column %d: %s", je.column, je.text);
        return;
    }
    if (!json_is_object(j)) {
        snprintf(sl->why, sizeof sl->why, "expected a JSON object");
        goto out;
    }
    json_t *type = json_object_get(j, "type");
    const char *t = json_is_string(type) ? json_string_value(type) : NULL;
    if (type && !t) {
        snprintf(sl->why, sizeof sl->why, "type: expected a string");
    } else if (!t) {
        const char *country = NULL;
        if (vcm_record_from_source(j, &sl->arena, &sl->object, &sl->museum_name, &country,
                                   &sl->warning, sl->why, sizeof sl->why) == 0) {
            memcpy(sl->country_code, country, 2);
            sl->country_code[2] = '\0';
            sl->keep_times = false;
            sl->kind = K_OBJECT;
        }
    } else if (strcmp(t, "vcm-export") == 0) {
        json_t *f = json_object_get(j, "format");
        if (!json_is_integer(f) || json_integer_value(f) != 1)
            snprintf(sl->why, sizeof sl->why, "unsupported export format (this VCM reads format 1)");
        else
            sl->kind = K_HEADER;
    } else if (strcmp(t, "country") == 0) {
        if (vcm_country_from_json(&sl->country, &sl->arena, j, sl->why, sizeof sl->why) == 0)
            sl->kind = K_COUNTRY;
    } else if (strcmp(t, "museum") == 0) {
        if (vcm_museum_from_json(&sl->museum, &sl->arena, j, sl->why, sizeof sl->why) == 0)
            sl->kind = K_MUSEUM;
    } else if (strcmp(t, "object") == 0) {
        if (vcm_object_from_json(&sl->object, &sl->arena, j, &sl->museum_name, sl->why,
                                 sizeof sl->why) == 0) {
            sl->country_code[0] = '\0';
            sl->keep_times = sl->object.created != 0;
            sl->kind = K_OBJECT;
        }
    } else {
        snprintf(sl->why, sizeof sl->why, "unknown record type '%s'", t);
    }
    if (sl->kind == K_OBJECT && vcm_object_hash(&sl->object, sl->museum_name, sl->hash) < 0) {
        snprintf(sl->why, sizeof sl->why, "out of memory");
        sl->kind = K_BAD;
    }
out:
    json_decref(j);
}

static void *producer(void *arg)
{
    struct ring *r = arg;
    vcm_buf line;
    vcm_buf_init(&line, r->max_line + 1);
    int64_t lineno = 0, consumed = 0;
    bool toolong;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (r->tail - r->head == NSLOTS && !r->stop) {
            r->full = true;
            pthread_cond_wait(&r->emptied, &r->mu);
        }
        r->full = false;
        bool stop = r->stop;
        pthread_mutex_unlock(&r->mu);
        if (stop)
            break;
        struct slot *sl = &r->slots[r->tail % NSLOTS];
        if (!read_line(r->f, &line, r->max_line, &toolong, &consumed))
            break;
        /* Editors on Windows start UTF-8 files with a byte order mark:
         * it says nothing about the first record, and is left out. */
        if (lineno == 0 && line.len >= 3 && memcmp(line.data, "\xEF\xBB\xBF", 3) == 0) {
            memmove(line.data, line.data + 3, line.len - 3);
            line.len -= 3;
            line.data[line.len] = '\0';
        }
        sl->lineno = ++lineno;
        sl->bytes = consumed;
        prepare(sl, &line, toolong, r->max_line);
        pthread_mutex_lock(&r->mu);
        r->tail++;
        if (r->want && r->tail - r->head >= r->want)
            pthread_cond_signal(&r->filled);
        pthread_mutex_unlock(&r->mu);
    }
    pthread_mutex_lock(&r->mu);
    if (ferror(r->f))
        r->read_errno = errno ? errno : EIO;
    r->eof = true;
    pthread_cond_signal(&r->filled);
    pthread_mutex_unlock(&r->mu);
    vcm_buf_release(&line);
    return NULL;
}

/* The museum an export-format object names: seen in this file, or already
 * in the store. -1 unknown, -2 store failure. */
static int known_museum(struct importer *im, vcm_arena *a, const char *name, int64_t *id,
                        char *err, size_t errlen)
{
    for (size_t i = 0; i < im->nmuseums; i++)
        if (strcmp(im->museums[i].name, name) == 0) {
            *id = im->museums[i].id;
            return 0;
        }
    vcm_museum *all;
    size_t n;
    if (im->store->ops->museum_list(im->store, a, "", &all, &n) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(im->store));
        return -2;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < all[i].names.n; k++)
            if (strcmp(all[i].names.v[k].text, name) == 0) {
                *id = all[i].id;
                return cache_museum(im, name, all[i].id);
            }
    snprintf(err, errlen, "museum '%s' is not known: its museum line must come first", name);
    return -1;
}

/* Applies one prepared record to the store. Returns 0, -1 for a bad record
 * (reason in sl->why), -2 for a store failure that must stop the import. */
static int apply(struct importer *im, struct slot *sl)
{
    char *why = sl->why;
    size_t wl = sizeof sl->why;
    int r;
    switch (sl->kind) {
    case K_SKIP:
    case K_HEADER:
        return 0;
    case K_BAD:
        return -1;
    case K_COUNTRY: {
        /* asked first, so that the summary counts what was created */
        vcm_country old;
        if ((r = im->store->ops->country_get(im->store, &sl->arena, sl->country.code, &old)) < 0 ||
            im->store->ops->country_upsert(im->store, &sl->country) < 0)
            goto store_fail;
        im->stats->countries_created += r == 0;
        return remember_country(im, sl->country.code);
    }
    case K_MUSEUM: {
        if ((r = ensure_country(im, sl->museum.country, why, wl)) < 0)
            return r;
        bool created;
        if (sl->museum.id) {
            vcm_museum old;
            if ((r = im->store->ops->museum_get(im->store, &sl->arena, sl->museum.id, &old)) < 0)
                goto store_fail;
            created = r == 0;
        } else {
            /* found by name as museum_put would, or made here */
            vcm_museum found = sl->museum;
            if (im->store->ops->museum_ensure(im->store, &found, &created) < 0)
                goto store_fail;
            sl->museum.id = found.id;
        }
        if (im->store->ops->museum_put(im->store, &sl->museum) < 0)
            goto store_fail;
        im->stats->museums_created += created;
        return cache_museum(im, sl->museum.names.v[0].text, sl->museum.id);
    }
    case K_OBJECT:
        break;
    }
    vcm_object *o = &sl->object;
    /* A record refused leaves the store as it was: no museum or country
     * created for it. */
    if (vcm_object_validate_content(o, why, wl) < 0)
        return -1;
    if (sl->country_code[0]) {
        /* Every record's country must be real, even for a museum already
         * known (whose country stays the one it was created with). */
        r = ensure_country(im, sl->country_code, why, wl);
        if (r == 0)
            r = ensure_museum(im, sl->museum_name, sl->country_code, &o->museum_id, why, wl);
    } else {
        r = known_museum(im, &sl->arena, sl->museum_name, &o->museum_id, why, wl);
    }
    if (r < 0)
        return r;
    if (vcm_object_validate(o, why, wl) < 0)
        return -1;
    vcm_upsert res;
    if (im->store->ops->object_upsert(im->store, o, sl->hash, sl->keep_times, &res) < 0)
        goto store_fail;
    im->stats->inserted += res == VCM_UPSERT_INSERTED;
    im->stats->updated += res == VCM_UPSERT_UPDATED;
    im->stats->unchanged += res == VCM_UPSERT_UNCHANGED;
    return 0;
store_fail:
    snprintf(why, wl, "%s", vcm_store_error(im->store));
    return -2;
}

static void progress(struct importer *im, int64_t done_bytes, int64_t total_bytes, bool last)
{
    int mode = im->opts ? im->opts->progress : 0;
    if (!mode)
        return;
    double el = now_s() - im->stats->seconds;
    double rate = el > 0 ? (double)im->stats->read / el : 0;
    if (mode == 2) {
        int pct = total_bytes > 0 ? (int)(100 * done_bytes / total_bytes) : 0;
        char bar[31];
        int fill = pct * 30 / 100;
        for (int i = 0; i < 30; i++)
            bar[i] = i < fill ? '#' : '-';
        bar[30] = '\0';
        fprintf(im->report, "\r[%s] %3d%% %lld records, %.0f/s%s", bar, pct,
                (long long)im->stats->read, rate, last ? "\n" : "");
    } else {
        fprintf(im->report, "import: %lld records read (%lld rejected), %.0f records/s\n",
                (long long)im->stats->read, (long long)im->stats->rejected, rate);
    }
    fflush(im->report);
}

/* A store failure inside the batch of lines first to line: on a server the
 * rows of a batch are written together, so a row refused may be told by a
 * later line or by the commit; the batch is rolled back either way. */
static void store_failed(char *err, size_t errlen, const char *path, int64_t first,
                         int64_t line, const char *why)
{
    snprintf(err, errlen, "%s:%lld: %s (the batch of lines %lld to %lld was rolled back)", path,
             (long long)line, why, (long long)first, (long long)line);
}

/* Waits until n records are ready (fewer at the end of the input); the
 * number ready, 0 at the end. */
static size_t wait_ready(struct ring *r, size_t n)
{
    pthread_mutex_lock(&r->mu);
    if (r->tail - r->head < n && !r->eof) {
        r->want = n > WAKE ? n : WAKE;
        while (r->tail - r->head < r->want && !r->eof)
            pthread_cond_wait(&r->filled, &r->mu);
        r->want = 0;
    }
    size_t ready = r->tail - r->head;
    pthread_mutex_unlock(&r->mu);
    return ready;
}

/* Tells the store the source ids of the records that come next (half a
 * ring or more), so that it reads the stored ones in one request; *ahead:
 * the first slot not told. */
static int look_ahead(vcm_store *s, struct ring *r, size_t *ahead)
{
    size_t ready = wait_ready(r, NSLOTS / 2);
    const char *sids[NSLOTS];
    size_t n = 0;
    for (size_t i = r->head; i < r->head + ready; i++) {
        const struct slot *sl = &r->slots[i % NSLOTS];
        if (sl->kind == K_OBJECT && sl->object.source_id)
            sids[n++] = sl->object.source_id;
    }
    *ahead = r->head + ready;
    return s->ops->object_expect(s, sids, n);
}

int vcm_import_jsonl(vcm_store *s, const char *path, const vcm_import_opts *opts,
                     vcm_import_stats *stats, char *err, size_t errlen)
{
    struct importer im = {.store = s, .opts = opts, .stats = stats, .path = path};
    memset(stats, 0, sizeof *stats);
    im.report = opts && opts->report ? opts->report : stderr;
    int batch = opts && opts->batch > 0 ? opts->batch : 1000;
    vcm_arena_init(&im.arena, 64u << 20);
    struct ring *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->max_line = opts && opts->max_line > 0 ? (size_t)opts->max_line : (size_t)16 << 20;
    r->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!r->f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        free(r);
        return -1;
    }
    struct stat st;
    int64_t total = fstat(fileno(r->f), &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size : 0;
    for (size_t i = 0; i < NSLOTS; i++)
        vcm_arena_init(&r->slots[i].arena, 64u << 20);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->filled, NULL);
    pthread_cond_init(&r->emptied, NULL);
    stats->seconds = now_s();
    pthread_t reader;
    int rc = -1, in_tx = 0, pending = 0;
    size_t ahead = 0; /* the slots before this one were told to the store */
    int64_t first = 0, last = 0; /* the lines of the batch in the transaction */
    int64_t done = 0;
    if (pthread_create(&reader, NULL, producer, r) != 0) {
        snprintf(err, errlen, "cannot start the reader thread");
        goto out_noreader;
    }

    for (;;) {
        size_t ready = wait_ready(r, 1);
        if (ready == 0)
            break;
        struct slot *sl = &r->slots[r->head % NSLOTS];
        im.lineno = sl->lineno;
        done = sl->bytes;
        int res = 0;
        if (sl->kind != K_SKIP) {
            if (sl->kind == K_OBJECT || sl->kind == K_BAD)
                stats->read++;
            if (sl->kind != K_BAD && !in_tx) {
                if (vcm_store_begin(s) < 0) {
                    snprintf(err, errlen, "%s", vcm_store_error(s));
                    goto out;
                }
                in_tx = 1;
                ahead = r->head;
                first = sl->lineno;
            }
            if (in_tx && r->head >= ahead && look_ahead(s, r, &ahead) < 0) {
                store_failed(err, errlen, path, first, sl->lineno, vcm_store_error(s));
                goto out;
            }
            res = apply(&im, sl);
            if (sl->warning && res == 0) {
                stats->warnings++;
                fprintf(im.report, "%s:%lld: warning: %s\n", path, (long long)sl->lineno,
                        sl->warning);
            }
        }
        if (res == -2) {
            store_failed(err, errlen, path, first, sl->lineno, sl->why);
            goto out;
        }
        last = sl->lineno;
        if (res < 0) {
            if (sl->kind != K_OBJECT && sl->kind != K_BAD)
                stats->read++;
            stats->rejected++;
            if (opts && opts->progress == 2)
                fputc('\n', im.report);
            fprintf(im.report, "%s:%lld: %s\n", path, (long long)sl->lineno, sl->why);
        }
        vcm_arena_reset(&sl->arena);
        vcm_arena_reset(&im.arena);
        pthread_mutex_lock(&r->mu);
        r->head++;
        if (r->full && NSLOTS - (r->tail - r->head) >= WAKE)
            pthread_cond_signal(&r->emptied);
        pthread_mutex_unlock(&r->mu);
        if (in_tx && ++pending >= batch) {
            if (vcm_store_commit(s) < 0) {
                store_failed(err, errlen, path, first, last, vcm_store_error(s));
                goto out;
            }
            in_tx = pending = 0;
            if ((opts && opts->progress == 2) || stats->read % 10000 < (int64_t)batch)
                progress(&im, done, total, false);
        }
    }
    if (r->read_errno) {
        snprintf(err, errlen, "cannot read '%s': %s", path, strerror(r->read_errno));
        goto out;
    }
    if (in_tx) {
        if (vcm_store_commit(s) < 0) {
            store_failed(err, errlen, path, first, last, vcm_store_error(s));
            goto out;
        }
        in_tx = 0;
    }
    progress(&im, total, total, true);
    rc = 0;
out:
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_signal(&r->emptied);
    pthread_mutex_unlock(&r->mu);
    pthread_join(reader, NULL);
out_noreader:
    if (in_tx)
        vcm_store_rollback(s);
    stats->seconds = now_s() - stats->seconds;
    for (size_t i = 0; i < NSLOTS; i++)
        vcm_arena_release(&r->slots[i].arena);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->filled);
    pthread_cond_destroy(&r->emptied);
    if (r->f != stdin)
        fclose(r->f);
    free(r);
    vcm_arena_release(&im.arena);
    for (size_t i = 0; i < im.nmuseums; i++)
        free(im.museums[i].name);
    free(im.museums);
    return rc;
}

static int write_json(FILE *f, json_t *j)
{
    if (!j)
        return -1;
    int r = json_dumpf(j, f, JSON_COMPACT);
    json_decref(j);
    return r < 0 || fputc('\n', f) == EOF ? -1 : 0;
}

int vcm_export_jsonl(vcm_store *s, const char *path, int64_t *objects, char *err, size_t errlen)
{
    bool to_stdout = strcmp(path, "-") == 0;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = to_stdout ? stdout : fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
        return -1;
    }
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int rc = -1;
    *objects = 0;
    json_t *hdr = json_object();
    json_object_set_new(hdr, "type", json_string("vcm-export"));
    json_object_set_new(hdr, "format", json_integer(1));
    if (write_json(f, hdr) < 0)
        goto io_fail;

    vcm_country *cs;
    size_t nc;
    if (s->ops->country_list(s, &a, false, &cs, &nc) < 0)
        goto store_fail;
    for (size_t i = 0; i < nc; i++) {
        json_t *j = vcm_country_to_json(&cs[i]);
        json_object_set_new(j, "type", json_string("country"));
        if (write_json(f, j) < 0)
            goto io_fail;
    }
    vcm_museum *ms;
    size_t nm;
    if (s->ops->museum_list(s, &a, "", &ms, &nm) < 0)
        goto store_fail;
    for (size_t i = 0; i < nm; i++) {
        json_t *j = vcm_museum_to_json(&ms[i]);
        json_object_set_new(j, "type", json_string("museum"));
        if (write_json(f, j) < 0)
            goto io_fail;
    }
    vcm_arena_reset(&a);

    vcm_filter flt = {.any_status = true, .limit = 500};
    for (;;) {
        vcm_object *os;
        size_t n;
        if (s->ops->object_list(s, &a, &flt, &os, &n) < 0)
            goto store_fail;
        for (size_t i = 0; i < n; i++) {
            json_t *j = vcm_object_to_json(&os[i], os[i].museum_name);
            json_object_set_new(j, "type", json_string("object"));
            if (write_json(f, j) < 0)
                goto io_fail;
            flt.after_id = os[i].id;
        }
        *objects += (int64_t)n;
        vcm_arena_reset(&a);
        if (n < (size_t)flt.limit)
            break;
    }
    if (to_stdout ? fflush(f) != 0 : fclose(f) != 0) {
        f = NULL;
        goto io_fail;
    }
    f = NULL;
    if (!to_stdout && rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
        goto out;
    }
    rc = 0;
    goto out;
store_fail:
    snprintf(err, errlen, "%s", vcm_store_error(s));
    goto out;
io_fail:
    snprintf(err, errlen, "cannot write '%s': %s", to_stdout ? "standard output" : tmp,
             strerror(errno));
out:
    if (f && !to_stdout)
        fclose(f);
    if (rc < 0 && !to_stdout)
        unlink(tmp);
    vcm_arena_release(&a);
    return rc;
}
