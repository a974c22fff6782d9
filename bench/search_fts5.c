/* SQLite FTS5 with vcm's own tokenizer: the engine vcm did not choose,
 * measured beside it (part 4 of the benchmarks, bench/search.sh, which
 * builds this against build/libvcm.a). Not part of vcm.
 *
 *   search_fts5 index DB FILE.jsonl
 *   search_fts5 run DB QUERIES SECONDS > RESULTS.tsv
 *
 * index: every record of FILE through vcm's own vcm_record_from_source()
 * (the text vcm import stores: cleaned, title and description from the
 * _i18n maps when present), into one FTS5 table with a column per field vcm
 * indexes (search.c: title, creator, culture and date text, classification,
 * material, description, museum, the country's English name) and unindexed
 * date_start, date_end (as vcm's index keeps them) for the date filter;
 * one transaction, then 'optimize' (one b-tree per term, as Xapian's
 * compaction). The tokenizer is vcm_tokenize() with VCM_TOK_STEM: FTS5
 * gets a word or CJK unigram as a new position and a bigram as a token
 * colocated with the unigram it starts on. In queries, the tokens vcm's
 * own query keeps: a CJK unigram that a bigram covers is left out (白磁
 * asks for the bigram), and so is a Hangul word cut into n-grams.
 *
 * run: the query lines of search.sh (LABEL, KIND, Q, URL-form extras), as
 * FTS5 queries: a word or CJK text becomes a quoted string, "a phrase"
 * stays one, prefix* stays a prefix query. Each run: the top 20 (or 10 for
 * suggest) by bm25() with their titles, then count(*) of the same match
 * (for facets=museum: count(*) grouped by museum, which also gives the
 * total); date=A..B keeps date_start <= B AND date_end >= A; offset=N
 * skips N. Warm-up for a tenth of SECONDS, then as many runs as fit in
 * SECONDS (at least MIN_RUNS: some queries take a second here); prints LABEL, hits, p50 ms, p99 ms, runs, facets
 * (always "" here). suggest: the prefix as prefix* top 10, no count. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "io/jsonl.h"
#include "model/country.h"
#include "search/tokenize.h"

#define MIN_RUNS 5

/* --- the tokenizer -------------------------------------------------------- */

typedef struct tok {
    size_t off, len;
    uint32_t pos;
    int start, end;
    uint8_t kind;
} tok;

typedef struct toks {
    tok *v;
    size_t n, cap;
    char *text;
    size_t tlen, tcap;
} toks;

static int collect(const vcm_token *t, void *ud)
{
    toks *b = ud;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        tok *v = realloc(b->v, cap * sizeof *v);
        if (!v)
            return 1;
        b->v = v;
        b->cap = cap;
    }
    if (b->tlen + t->len > b->tcap) {
        size_t cap = b->tcap ? b->tcap * 2 : 4096;
        while (cap < b->tlen + t->len)
            cap *= 2;
        char *s = realloc(b->text, cap);
        if (!s)
            return 1;
        b->text = s;
        b->tcap = cap;
    }
    memcpy(b->text + b->tlen, t->text, t->len);
    b->v[b->n++] = (tok){b->tlen, t->len, t->pos, (int)t->start, (int)t->end, t->kind};
    b->tlen += t->len;
    return 0;
}

static int by_pos(const void *a, const void *b)
{
    const tok *x = a, *y = b;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off; /* stable: text order */
}

static int tk_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)ctx;
    (void)argv;
    (void)argc;
    toks *b = calloc(1, sizeof *b);
    *out = (Fts5Tokenizer *)b;
    return b ? SQLITE_OK : SQLITE_NOMEM;
}

static void tk_delete(Fts5Tokenizer *p)
{
    toks *b = (toks *)p;
    free(b->v);
    free(b->text);
    free(b);
}

static int tk_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
                       int (*emit)(void *, int, const char *, int, int, int))
{
    toks *b = (toks *)p;
    b->n = b->tlen = 0;
    if (vcm_tokenize(text, (size_t)n, VCM_TOK_STEM, collect, b) < 0)
        return SQLITE_OK; /* not UTF-8 or too long: no tokens, as vcm */
    qsort(b->v, b->n, sizeof *b->v, by_pos);
    int query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    uint32_t last = 0;
    int any = 0;
    for (size_t i = 0; i < b->n; i++) {
        const tok *t = &b->v[i];
        if (query) { /* the tokens vcm's query_tokens() keeps (search.c) */
            int covered = 0;
            for (size_t k = 0; k < b->n && !covered; k++) {
                const tok *u = &b->v[k];
                if (t->kind == VCM_TOK_WORD)
                    covered = u->kind != VCM_TOK_WORD && u->start < t->end && u->end > t->start;
                else if (t->kind == VCM_TOK_CJK_UNI)
                    covered = u->kind == VCM_TOK_CJK_BI && (u->pos == t->pos || u->pos + 1 == t->pos);
            }
            if (covered)
                continue;
        }
        int tf = (any && t->pos == last) ? FTS5_TOKEN_COLOCATED : 0;
        int rc = emit(ctx, tf, b->text + t->off, (int)t->len, t->start, t->end);
        if (rc != SQLITE_OK)
            return rc;
        last = t->pos;
        any = 1;
    }
    return SQLITE_OK;
}

static int register_tokenizer(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (!api)
        return -1;
    static fts5_tokenizer tk = {tk_create, tk_delete, tk_tokenize};
    return api->xCreateTokenizer(api, "vcm", NULL, &tk, NULL) == SQLITE_OK ? 0 : -1;
}

/* --- helpers ---------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static sqlite3 *open_db(const char *path)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK || register_tokenizer(db) < 0) {
        fprintf(stderr, "search_fts5: cannot open '%s': %s\n", path, sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_exec(db, "PRAGMA cache_size = -262144; PRAGMA mmap_size = 4294967296", NULL, NULL, NULL);
    return db;
}

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "search_fts5: %s: %s\n", sql, err);
        exit(1);
    }
}

/* Values joined by '\n' into a growable string. */
typedef struct str {
    char *s;
    size_t n, cap;
} str;

static void put(str *b, const char *v)
{
    if (!v || !*v)
        return;
    size_t k = strlen(v);
    if (b->n + k + 2 > b->cap) {
        b->cap = (b->n + k + 2) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s) {
            fprintf(stderr, "search_fts5: out of memory\n");
            exit(1);
        }
    }
    if (b->n)
        b->s[b->n++] = '\n';
    memcpy(b->s + b->n, v, k);
    b->n += k;
    b->s[b->n] = 0;
}

static void bind_str(sqlite3_stmt *st, int i, str *b)
{
    sqlite3_bind_text(st, i, b->n ? b->s : "", (int)b->n, SQLITE_STATIC);
}

/* --- index ------------------------------------------------------------------ */

/* The English name of a country, as vcm indexes it (ICU's, through
 * vcm_country_from_code); the code when ICU has none. Cached: the bench
 * collection has a few dozen countries. */
static const char *country_name(const char *code)
{
    static struct {
        char code[3];
        char *name;
    } seen[256];
    static size_t n;
    for (size_t i = 0; i < n; i++)
        if (strcmp(seen[i].code, code) == 0)
            return seen[i].name;
    if (n == sizeof seen / sizeof *seen)
        return code;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_country c;
    const vcm_ltext *en = NULL;
    if (vcm_country_from_code(&c, &a, code) == 0)
        en = vcm_ltexts_pick(&c.names, "en");
    snprintf(seen[n].code, sizeof seen[n].code, "%s", code);
    seen[n].name = strdup(en ? en->text : code);
    vcm_arena_release(&a);
    return seen[n].name ? seen[n++].name : code;
}

static int cmd_index(const char *path, const char *src)
{
    FILE *f = fopen(src, "r");
    if (!f) {
        fprintf(stderr, "search_fts5: cannot open '%s'\n", src);
        return 1;
    }
    remove(path);
    sqlite3 *db = open_db(path);
    exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF");
    exec(db, "CREATE VIRTUAL TABLE f USING fts5(title, creator, culture, classification, material,"
             " description, museum, country, date_start UNINDEXED, date_end UNINDEXED,"
             " tokenize = 'vcm')");
    exec(db, "BEGIN");
    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(db, "INSERT INTO f VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1,
                           &ins, NULL) != SQLITE_OK) {
        fprintf(stderr, "search_fts5: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    double t0 = now_ms();
    vcm_arena a;
    vcm_arena_init(&a, 0);
    str title = {0}, creator = {0}, culture = {0}, desc = {0};
    char *line = NULL;
    size_t cap = 0;
    long n = 0, rejected = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *j = json_loads(line, 0, NULL);
        vcm_object o;
        const char *museum, *country, *warning;
        char err[256];
        if (!j || vcm_record_from_source(j, &a, &o, &museum, &country, &warning, err, sizeof err) < 0) {
            rejected++;
            goto next;
        }
        title.n = creator.n = desc.n = 0;
        for (size_t i = 0; i < o.title.n; i++)
            put(&title, o.title.v[i].text);
        for (size_t i = 0; i < o.ncreators; i++)
            put(&creator, o.creators[i]);
        for (size_t i = 0; i < o.description.n; i++)
            put(&desc, o.description.v[i].text);
        culture.n = 0;
        put(&culture, o.culture);
        put(&culture, o.date_text);
        bind_str(ins, 1, &title);
        bind_str(ins, 2, &creator);
        bind_str(ins, 3, &culture);
        sqlite3_bind_text(ins, 4, o.classification ? o.classification : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, o.materials ? o.materials : "", -1, SQLITE_STATIC);
        bind_str(ins, 6, &desc);
        sqlite3_bind_text(ins, 7, museum, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 8, country_name(country), -1, SQLITE_STATIC);
        /* The years as vcm's index takes them: the start for a missing
         * end, none without a start. */
        if (o.date_start != VCM_NO_YEAR) {
            sqlite3_bind_int(ins, 9, o.date_start);
            sqlite3_bind_int(ins, 10, o.date_end != VCM_NO_YEAR ? o.date_end : o.date_start);
        } else {
            sqlite3_bind_null(ins, 9);
            sqlite3_bind_null(ins, 10);
        }
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fprintf(stderr, "search_fts5: insert: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(ins);
        if (++n % 100000 == 0)
            fprintf(stderr, "fts5: %ld records, %.0f s\n", n, (now_ms() - t0) / 1000);
    next:
        json_decref(j);
        vcm_arena_reset(&a);
    }
    sqlite3_finalize(ins);
    exec(db, "COMMIT");
    double t1 = now_ms();
    exec(db, "INSERT INTO f(f) VALUES ('optimize')");
    double t2 = now_ms();
    sqlite3_close(db);
    fclose(f);
    free(line);
    free(title.s);
    free(creator.s);
    free(culture.s);
    free(desc.s);
    vcm_arena_release(&a);
    printf("fts5: indexed %ld records (%ld rejected) in %.2f s (inserts %.2f s, optimize %.2f s), "
           "%.0f records/s\n",
           n, rejected, (t2 - t0) / 1000, (t1 - t0) / 1000, (t2 - t1) / 1000,
           n / ((t2 - t0) / 1000));
    return 0;
}

/* --- run -------------------------------------------------------------------- */

/* Decodes %XX and '+' of a URL-form value in place. */
static void unescape(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (*s == '%' && s[1] && s[2]) {
            char h[3] = {s[1], s[2], 0};
            *o++ = (char)strtol(h, NULL, 16);
            s += 2;
        } else
            *o++ = *s == '+' ? ' ' : *s;
    }
    *o = 0;
}

/* The value of key in "a=1&b=2", or NULL; copies into out. */
static const char *param(const char *params, const char *key, char *out, size_t cap)
{
    size_t k = strlen(key);
    for (const char *p = params; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > k && strncmp(p, key, k) == 0 && p[k] == '=' && len - k - 1 < cap) {
            memcpy(out, p + k + 1, len - k - 1);
            out[len - k - 1] = 0;
            unescape(out);
            return out;
        }
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

/* q in FTS5's syntax: a phrase or prefix as written, other words quoted. */
static void fts_query(const char *q, char *out, size_t cap)
{
    size_t n = strlen(q);
    if (q[0] == '"' || n == 0)
        snprintf(out, cap, "%s", q);
    else if (q[n - 1] == '*')
        snprintf(out, cap, "\"%.*s\" *", (int)(n - 1), q);
    else
        snprintf(out, cap, "\"%s\"", q);
}

typedef struct query {
    sqlite3_stmt *top, *count;
    int facets;
} query;

static int64_t once(sqlite3 *db, query *qq)
{
    (void)db;
    int64_t hits = 0;
    while (sqlite3_step(qq->top) == SQLITE_ROW) {
        volatile const unsigned char *t = sqlite3_column_text(qq->top, 0);
        (void)t;
        hits++;
    }
    sqlite3_reset(qq->top);
    if (qq->count) {
        hits = 0;
        while (sqlite3_step(qq->count) == SQLITE_ROW)
            hits += sqlite3_column_int64(qq->count, qq->facets ? 1 : 0);
        sqlite3_reset(qq->count);
    }
    return hits;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, int p)
{
    size_t k = (size_t)((p * n + 99) / 100);
    return v[k ? k - 1 : 0];
}

static int cmd_run(const char *path, const char *qpath, double secs)
{
    FILE *f = fopen(qpath, "r");
    if (!f) {
        fprintf(stderr, "search_fts5: cannot open '%s'\n", qpath);
        return 1;
    }
    sqlite3 *db = open_db(path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = 0;
        if (!*line || *line == '#')
            continue;
        char *label = line, *kind = strchr(label, '\t');
        if (!kind)
            continue;
        *kind++ = 0;
        char *q = strchr(kind, '\t');
        if (!q)
            continue;
        *q++ = 0;
        char *params = strchr(q, '\t');
        if (params)
            *params++ = 0;
        char m[512], date[64], off[32], fac[32], sql[1024], where[256] = "";
        int suggest = strcmp(kind, "suggest") == 0;
        if (suggest) {
            snprintf(m, sizeof m, "\"%s\" *", q);
        } else
            fts_query(q, m, sizeof m);
        if (param(params, "date", date, sizeof date)) {
            int a = 0, b = 0;
            if (sscanf(date, "%d..%d", &a, &b) == 2)
                snprintf(where, sizeof where, " AND date_start <= %d AND date_end >= %d", b, a);
        }
        long offset = param(params, "offset", off, sizeof off) ? atol(off) : 0;
        query qq = {0};
        qq.facets = param(params, "facets", fac, sizeof fac) && strcmp(fac, "museum") == 0;
        snprintf(sql, sizeof sql,
                 "SELECT title FROM f WHERE f MATCH ?1%s ORDER BY bm25(f) LIMIT %d OFFSET %ld", where,
                 suggest ? 10 : 20, offset);
        if (sqlite3_prepare_v2(db, sql, -1, &qq.top, NULL) != SQLITE_OK) {
            fprintf(stderr, "search_fts5: %s: %s\n", sql, sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_bind_text(qq.top, 1, m, -1, SQLITE_STATIC);
        if (!suggest) {
            if (qq.facets)
                snprintf(sql, sizeof sql,
                         "SELECT museum, count(*) FROM f WHERE f MATCH ?1%s GROUP BY museum", where);
            else
                snprintf(sql, sizeof sql, "SELECT count(*) FROM f WHERE f MATCH ?1%s", where);
            if (sqlite3_prepare_v2(db, sql, -1, &qq.count, NULL) != SQLITE_OK) {
                fprintf(stderr, "search_fts5: %s: %s\n", sql, sqlite3_errmsg(db));
                return 1;
            }
            sqlite3_bind_text(qq.count, 1, m, -1, SQLITE_STATIC);
        }
        int64_t hits = once(db, &qq);
        double end = now_ms() + secs * 100;
        while (now_ms() < end)
            once(db, &qq);
        size_t n = 0, vcap = 1024;
        double *v = malloc(vcap * sizeof *v);
        end = now_ms() + secs * 1000;
        while ((now_ms() < end || n < MIN_RUNS) && v) {
            double t0 = now_ms();
            once(db, &qq);
            if (n == vcap) {
                vcap *= 2;
                double *nv = realloc(v, vcap * sizeof *v);
                if (!nv)
                    break;
                v = nv;
            }
            v[n++] = now_ms() - t0;
        }
        if (!v)
            return 1;
        qsort(v, n, sizeof *v, cmp_d);
        printf("%s\t%lld\t%.3f\t%.3f\t%zu\t\n", label, (long long)hits, pct(v, n, 50), pct(v, n, 99), n);
        fflush(stdout);
        free(v);
        sqlite3_finalize(qq.top);
        sqlite3_finalize(qq.count);
    }
    free(line);
    fclose(f);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "index") == 0)
        return cmd_index(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "run") == 0)
        return cmd_run(argv[2], argv[3], atof(argv[4]));
    fprintf(stderr, "usage: search_fts5 index DB FILE.jsonl | run DB QUERIES SECONDS\n");
    return 2;
}
