/* Import through a mapping (csvmap.h).
 *
 * Two threads when writing: this one reads and maps the input and writes
 * the records that pass, one JSON line each, into a pipe; the importer
 * (vcm_import_jsonl) reads the pipe's other end in its own thread, so the
 * store sees the same batches, look-ahead and counts as for a JSON Lines
 * file, and memory holds only the rows in flight. Rows are checked here
 * with the importer's own pure steps (vcm_record_from_source, the object's
 * content rules, the country code) so that a bad row is reported with its
 * file and line in the input, not in the pipe. */
#include "io/csvmap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/text.h"
#include "model/country.h"
#include "core/banned.h"

#define MAX_FIELD ((size_t)1 << 20)
#define MAX_JSON_FILE ((size_t)16 << 20)
#define MAX_MAPPING ((size_t)1 << 20)

/* ---- streaming CSV ---------------------------------------------------- */

void vcm_csvs_init(vcm_csvs *c, FILE *f)
{
    memset(c, 0, sizeof *c);
    c->f = f;
    c->line = 1;
}

/* The next byte, or -1 at the end. */
static int peekc(vcm_csvs *c)
{
    if (c->pos == c->len) {
        if (c->eof)
            return -1;
        c->len = fread(c->buf, 1, sizeof c->buf, c->f);
        c->pos = 0;
        if (c->len == 0) {
            c->eof = true;
            return -1;
        }
    }
    return (unsigned char)c->buf[c->pos];
}

static int getc_(vcm_csvs *c)
{
    int ch = peekc(c);
    if (ch >= 0)
        c->pos++;
    return ch;
}

int vcm_csvs_next(vcm_csvs *c, vcm_arena *a, char **fields, char *err, size_t errlen)
{
    if (!c->started) {
        c->started = true;
        /* a UTF-8 byte order mark is not part of the first field */
        if (peekc(c) == 0xEF) {
            if (c->len - c->pos >= 3 && memcmp(c->buf + c->pos, "\xEF\xBB\xBF", 3) == 0)
                c->pos += 3;
        }
    }
    if (peekc(c) < 0)
        return 0;
    vcm_buf f;
    vcm_buf_init(&f, MAX_FIELD);
    int n = 0, rc = -1, ch;
    size_t lines = 0;
    for (;;) {
        vcm_buf_reset(&f);
        if (peekc(c) == '"') {
            getc_(c);
            for (;;) {
                ch = getc_(c);
                if (ch < 0) {
                    snprintf(err, errlen, "a quoted field is not closed");
                    goto out;
                }
                if (ch == '"') {
                    if (peekc(c) == '"') {
                        getc_(c);
                        vcm_buf_putc(&f, '"');
                        continue;
                    }
                    break;
                }
                if (ch == '\n')
                    lines++;
                vcm_buf_putc(&f, (char)ch);
            }
            ch = peekc(c);
            if (ch >= 0 && ch != ',' && ch != '\n' && ch != '\r') {
                snprintf(err, errlen, "text after a closing quote");
                goto out;
            }
        } else {
            while ((ch = peekc(c)) >= 0 && ch != ',' && ch != '\n' && ch != '\r') {
                vcm_buf_putc(&f, (char)ch);
                c->pos++;
            }
        }
        if (f.toobig) {
            snprintf(err, errlen, "a field is longer than 1 MiB");
            goto out;
        }
        if (n == VCM_CSVS_MAX_FIELDS) {
            snprintf(err, errlen, "more than %d fields", VCM_CSVS_MAX_FIELDS);
            goto out;
        }
        fields[n] = vcm_arena_strndup(a, f.data ? f.data : "", f.len);
        if (!fields[n]) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        n++;
        ch = peekc(c);
        if (ch == ',') {
            getc_(c);
            continue;
        }
        if (ch == '\r') {
            getc_(c);
            if (peekc(c) == '\n')
                getc_(c);
        } else if (ch == '\n') {
            getc_(c);
        }
        lines++;
        break;
    }
    rc = n;
out:
    if (rc < 0) {
        /* go on at the next line */
        while ((ch = getc_(c)) >= 0 && ch != '\n')
            ;
        lines++;
    }
    c->line += lines;
    vcm_buf_release(&f);
    return rc;
}

/* ---- reading the input ------------------------------------------------ */

static char *read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    vcm_buf b;
    vcm_buf_init(&b, max);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (vcm_buf_append(&b, chunk, got) < 0)
            break;
    int bad = ferror(f) || b.toobig;
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "cannot read '%s' (at most %zu MiB)", path, max >> 20);
        vcm_buf_release(&b);
        return NULL;
    }
    if (!b.data && vcm_buf_puts(&b, "") < 0) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return vcm_buf_detach(&b, len);
}

/* The folder that holds path (for a folder: the one above it), where a
 * mapping's look-up tables are named. */
static void parent_dir(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    size_t n = strlen(out);
    while (n > 1 && out[n - 1] == '/')
        out[--n] = '\0';
    char *slash = strrchr(out, '/');
    if (!slash)
        snprintf(out, size, ".");
    else if (slash == out)
        out[1] = '\0';
    else
        *slash = '\0';
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .json files of a folder, sorted (caller frees each and the list). */
static char **list_json(const char *dir, size_t *n, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "cannot open '%s': %s", dir, strerror(errno));
        return NULL;
    }
    size_t cap = 256;
    char **v = malloc(cap * sizeof *v);
    *n = 0;
    struct dirent *e;
    while (v && (e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || e->d_name[0] == '.' || strcmp(e->d_name + l - 5, ".json") != 0)
            continue;
        if (*n == cap) {
            char **nv = realloc(v, 2 * cap * sizeof *v);
            if (!nv)
                break;
            v = nv;
            cap *= 2;
        }
        if (!(v[*n] = strdup(e->d_name)))
            break;
        (*n)++;
    }
    closedir(d);
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    qsort(v, *n, sizeof *v, name_cmp);
    return v;
}

/* Checks a record as the importer will: Returns 0, or -1 with the reason.
 * last_country: the code last found real (a mapping's rows nearly always
 * share one, and reading a country's names from ICU is slow). */
static int check_record(json_t *rec, vcm_arena *a, char last_country[3], char *why, size_t wl)
{
    vcm_object o;
    const char *museum, *country, *warning;
    if (vcm_record_from_source(rec, a, &o, &museum, &country, &warning, why, wl) < 0 ||
        vcm_object_validate_content(&o, why, wl) < 0)
        return -1;
    if (strcmp(country, last_country) == 0)
        return 0;
    vcm_country co;
    if (vcm_country_from_code(&co, a, country) < 0) {
        snprintf(why, wl, "unknown country code '%s'", country);
        return -1;
    }
    snprintf(last_country, 3, "%s", country);
    return 0;
}

struct each {
    const char *input;
    vcm_mapping *m;
    FILE *report;
    vcm_csvmap_fn fn;
    void *ud;
    vcm_csvmap_stats *st;
    /* dry run: the columns or top-level members seen */
    char **seen;
    size_t nseen;
    char country[3]; /* the last country code found real */
};

static int one(struct each *e, const char *file, size_t line, const vcm_map_row *row,
               vcm_arena *a)
{
    char why[512];
    json_t *rec = NULL;
    e->st->rows++;
    if (vcm_mapping_apply(e->m, row, a, &rec, why, sizeof why) < 0 ||
        check_record(rec, a, e->country, why, sizeof why) < 0) {
        fprintf(e->report, "%s:%zu: %s\n", file, line, why);
        e->st->rejected++;
        json_decref(rec);
        return 0;
    }
    e->st->mapped++;
    int rc = e->fn(e->ud, file, line, rec);
    json_decref(rec);
    return rc;
}

static int each_csv(struct each *e, char *err, size_t errlen)
{
    FILE *f = strcmp(e->input, "-") == 0 ? stdin : fopen(e->input, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", e->input, strerror(errno));
        return -1;
    }
    vcm_csvs *c = malloc(sizeof *c);
    char **fields = malloc(VCM_CSVS_MAX_FIELDS * sizeof *fields);
    vcm_arena hdr_mem, a;
    vcm_arena_init(&hdr_mem, 1u << 24);
    vcm_arena_init(&a, 64u << 20);
    int rc = -1;
    if (!c || !fields) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    vcm_csvs_init(c, f);
    char why[300];
    int nh = vcm_csvs_next(c, &hdr_mem, fields, why, sizeof why);
    if (nh <= 0) {
        snprintf(err, errlen, "%s:1: %s", e->input, nh < 0 ? why : "no header");
        goto out;
    }
    char **hdr = vcm_arena_alloc(&hdr_mem, (size_t)nh * sizeof *hdr);
    if (!hdr) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    memcpy(hdr, fields, (size_t)nh * sizeof *hdr);
    for (int i = 0; i < nh; i++)
        if (!vcm_utf8_valid(hdr[i], strlen(hdr[i]))) {
            snprintf(err, errlen, "%s:1: the header is not UTF-8", e->input);
            goto out;
        }
    if (vcm_mapping_bind(e->m, hdr, (size_t)nh, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s:1: %s", e->input, why);
        goto out;
    }
    for (;;) {
        size_t line = c->line;
        int n = vcm_csvs_next(c, &a, fields, why, sizeof why);
        if (n == 0)
            break;
        if (n > 0 && n != nh) {
            snprintf(why, sizeof why, "expected %d fields, found %d", nh, n);
            n = -1;
        }
        for (int i = 0; n > 0 && i < nh; i++)
            if (!vcm_utf8_valid(fields[i], strlen(fields[i]))) {
                snprintf(why, sizeof why, "column '%s' is not UTF-8", hdr[i]);
                n = -1;
            }
        if (n < 0) {
            e->st->rows++;
            e->st->rejected++;
            fprintf(e->report, "%s:%zu: %s\n", e->input, line, why);
        } else {
            vcm_map_row row = {.fields = fields, .nfields = (size_t)n};
            if (one(e, e->input, line, &row, &a) < 0) {
                snprintf(err, errlen, "%s:%zu: stopped", e->input, line);
                goto out;
            }
        }
        vcm_arena_reset(&a);
    }
    if (ferror(f)) {
        snprintf(err, errlen, "cannot read '%s'", e->input);
        goto out;
    }
    rc = 0;
out:
    if (f != stdin)
        fclose(f);
    /* the header dies here: nobody reads e->seen of a CSV after */
    e->seen = NULL;
    e->nseen = 0;
    vcm_arena_release(&hdr_mem);
    vcm_arena_release(&a);
    free(fields);
    free(c);
    return rc;
}

static int remember(struct each *e, const char *key)
{
    for (size_t i = 0; i < e->nseen; i++)
        if (strcmp(e->seen[i], key) == 0)
            return 0;
    if (e->nseen >= 4096)
        return 0;
    char **v = realloc(e->seen, (e->nseen + 1) * sizeof *v);
    if (!v)
        return -1;
    e->seen = v;
    if (!(v[e->nseen] = strdup(key)))
        return -1;
    e->nseen++;
    return 0;
}

static int each_json(struct each *e, bool keep_seen, char *err, size_t errlen)
{
    size_t n = 0;
    char **names = list_json(e->input, &n, err, errlen);
    if (!names)
        return -1;
    vcm_arena a;
    vcm_arena_init(&a, 64u << 20);
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        char path[4096], why[300];
        snprintf(path, sizeof path, "%s/%s", e->input, names[i]);
        size_t len;
        char *text = read_file(path, MAX_JSON_FILE, &len, why, sizeof why);
        json_error_t je;
        json_t *j = NULL;
        if (!text) {
            fprintf(e->report, "%s:1: %s\n", path, why);
        } else if (!vcm_utf8_valid(text, len)) {
            fprintf(e->report, "%s:1: not UTF-8\n", path);
        } else if (!(j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je))) {
            fprintf(e->report, "%s:%d: %s\n", path, je.line, je.text);
        } else if (!json_is_object(j)) {
            fprintf(e->report, "%s:1: expected a JSON object\n", path);
            json_decref(j);
            j = NULL;
        }
        free(text);
        if (!j) {
            e->st->rows++;
            e->st->rejected++;
            continue;
        }
        if (keep_seen) {
            const char *key;
            json_t *v;
            json_object_foreach(j, key, v) if (remember(e, key) < 0)
            {
                json_decref(j);
                snprintf(err, errlen, "out of memory");
                goto out;
            }
        }
        vcm_map_row row = {.json = j};
        int r = one(e, path, 1, &row, &a);
        json_decref(j);
        vcm_arena_reset(&a);
        if (r < 0) {
            snprintf(err, errlen, "%s: stopped", path);
            goto out;
        }
    }
    rc = 0;
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    vcm_arena_release(&a);
    return rc;
}

static vcm_mapping *load_mapping(const char *input, const char *map_path, char *err,
                                 size_t errlen)
{
    size_t len;
    char *text = read_file(map_path, MAX_MAPPING, &len, err, errlen);
    if (!text)
        return NULL;
    char why[512];
    vcm_mapping *m = vcm_mapping_parse(text, len, why, sizeof why);
    free(text);
    if (!m) {
        snprintf(err, errlen, "%s: %s", map_path, why);
        return NULL;
    }
    char dir[4096];
    parent_dir(input, dir, sizeof dir);
    if (vcm_mapping_load_lookups(m, dir, err, errlen) < 0) {
        vcm_mapping_free(m);
        return NULL;
    }
    return m;
}

static bool is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Runs the mapping over the input; with report_columns, prints how each
 * column or member maps (a dry run's first part) once the input is read. */
static int run(const char *input, vcm_mapping *m, FILE *report, vcm_csvmap_fn fn, void *ud,
               vcm_csvmap_stats *st, FILE *columns, char *err, size_t errlen)
{
    struct each e = {.input = input, .m = m, .report = report, .fn = fn, .ud = ud, .st = st};
    int rc;
    if (vcm_mapping_format(m) == VCM_MAP_JSON) {
        if (!is_dir(input)) {
            snprintf(err, errlen, "'%s': a JSON mapping reads a folder of .json files", input);
            return -1;
        }
        rc = each_json(&e, columns != NULL, err, errlen);
    } else {
        if (is_dir(input)) {
            snprintf(err, errlen, "'%s' is a folder: a CSV mapping reads one CSV file", input);
            return -1;
        }
        rc = each_csv(&e, err, errlen);
    }
    if (columns && rc == 0 && vcm_mapping_format(m) == VCM_MAP_JSON) {
        fprintf(columns, "members of %s:\n", input);
        for (size_t i = 0; i < e.nseen; i++)
            if (!vcm_mapping_reads(m, e.seen[i]))
                fprintf(columns, "  %-28s not read\n", e.seen[i]);
    }
    for (size_t i = 0; vcm_mapping_format(m) == VCM_MAP_JSON && i < e.nseen; i++)
        free(e.seen[i]);
    if (vcm_mapping_format(m) == VCM_MAP_JSON)
        free(e.seen);
    return rc;
}

int vcm_csvmap_each(const char *input, const char *map_path, FILE *report, vcm_csvmap_fn fn,
                    void *ud, vcm_csvmap_stats *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    vcm_mapping *m = load_mapping(input, map_path, err, errlen);
    if (!m)
        return -1;
    int rc = run(input, m, report ? report : stderr, fn, ud, st, NULL, err, errlen);
    vcm_mapping_free(m);
    return rc;
}

/* ---- the dry run ------------------------------------------------------ */

struct dry {
    vcm_store *s;
    vcm_arena a;
    vcm_museum *museums;
    size_t nmuseums;
    char **new_museums;
    size_t nnew;
    vcm_csvmap_stats *st;
    char err[512];
};

static int64_t museum_id(struct dry *d, const char *name)
{
    for (size_t i = 0; i < d->nmuseums; i++)
        for (size_t k = 0; k < d->museums[i].names.n; k++)
            if (strcmp(d->museums[i].names.v[k].text, name) == 0)
                return d->museums[i].id;
    return 0;
}

static int dry_record(void *ud, const char *file, size_t line, json_t *rec)
{
    (void)file;
    (void)line;
    struct dry *d = ud;
    vcm_arena a;
    vcm_arena_init(&a, 1u << 26);
    vcm_object o;
    const char *museum, *country, *warning;
    char why[300];
    int rc = 0;
    if (vcm_record_from_source(rec, &a, &o, &museum, &country, &warning, why, sizeof why) < 0)
        goto out; /* checked before: cannot happen */
    int64_t mid = museum_id(d, museum);
    bool held = false, same = false;
    if (mid) {
        int64_t ids[16];
        size_t n = 0;
        if (d->s->ops->object_by_source_id(d->s, o.source_id, ids, 16, &n) < 0) {
            snprintf(d->err, sizeof d->err, "%s", vcm_store_error(d->s));
            rc = -1;
            goto out;
        }
        for (size_t i = 0; i < n && !held; i++) {
            vcm_object old;
            int r = d->s->ops->object_get(d->s, &a, ids[i], &old);
            if (r < 0) {
                snprintf(d->err, sizeof d->err, "%s", vcm_store_error(d->s));
                rc = -1;
                goto out;
            }
            held = r > 0 && old.museum_id == mid;
            if (!held)
                continue;
            /* the record as the store holds it, hashed as the importer
             * hashes a record: what the import brings (its links, not the
             * images added here) and the status an import keeps */
            if (d->s->ops->object_links(d->s, &a, old.id, &old.links, &old.nlinks) < 0) {
                snprintf(d->err, sizeof d->err, "%s", vcm_store_error(d->s));
                rc = -1;
                goto out;
            }
            if (!o.nlinks) {
                old.links = NULL;
                old.nlinks = 0;
            }
            old.nmedia = 0;
            old.status = o.status;
            char h1[33], h2[33];
            same = vcm_object_hash(&old, museum, h1) == 0 && vcm_object_hash(&o, museum, h2) == 0 &&
                   strcmp(h1, h2) == 0;
        }
    } else {
        bool known = false;
        for (size_t i = 0; i < d->nnew && !known; i++)
            known = strcmp(d->new_museums[i], museum) == 0;
        if (!known && d->nnew < 64) {
            char **v = realloc(d->new_museums, (d->nnew + 1) * sizeof *v);
            if (v) {
                d->new_museums = v;
                if ((v[d->nnew] = strdup(museum)))
                    d->nnew++;
            }
        }
    }
    if (!held)
        d->st->create++;
    else if (same)
        d->st->unchanged++;
    else
        d->st->update++;
out:
    vcm_arena_release(&a);
    return rc;
}

static void print_columns(const vcm_mapping *m, const char *input, FILE *out)
{
    if (vcm_mapping_format(m) != VCM_MAP_CSV)
        return;
    /* the header again: binding has checked every mapped column is in it */
    FILE *f = fopen(input, "rb");
    if (!f)
        return;
    vcm_csvs *c = malloc(sizeof *c);
    char **h = malloc(VCM_CSVS_MAX_FIELDS * sizeof *h);
    vcm_arena a;
    vcm_arena_init(&a, 1u << 24);
    char why[200];
    int n = c && h ? (vcm_csvs_init(c, f), vcm_csvs_next(c, &a, h, why, sizeof why)) : -1;
    fprintf(out, "columns of %s:\n", input);
    for (int i = 0; i < n; i++) {
        vcm_buf b;
        vcm_buf_init(&b, 4096);
        for (size_t k = 0; k < vcm_mapping_nselectors(m); k++) {
            const char *field;
            const char *sel = vcm_mapping_selector(m, k, &field);
            if (strcmp(sel, h[i]) == 0 && (!b.data || !strstr(b.data, field)))
                vcm_buf_printf(&b, "%s%s", b.len ? ", " : "", field);
        }
        fprintf(out, "  %-28s %s%s\n", h[i][0] ? h[i] : "(unnamed)", b.len ? "-> " : "not read",
                b.len ? b.data : "");
        vcm_buf_release(&b);
    }
    vcm_arena_release(&a);
    free(h);
    free(c);
    fclose(f);
}

static void print_paths(const vcm_mapping *m, FILE *out)
{
    if (vcm_mapping_format(m) != VCM_MAP_JSON)
        return;
    fprintf(out, "paths read:\n");
    for (size_t k = 0; k < vcm_mapping_nselectors(m); k++) {
        const char *field;
        const char *sel = vcm_mapping_selector(m, k, &field);
        fprintf(out, "  %-28s -> %s\n", sel, field);
    }
}

static int dry_run(vcm_store *s, const char *input, vcm_mapping *m, FILE *report,
                   vcm_csvmap_stats *st, char *err, size_t errlen)
{
    struct dry d = {.s = s, .st = st};
    vcm_arena_init(&d.a, 0);
    int rc = -1;
    if (s->ops->museum_list(s, &d.a, "", &d.museums, &d.nmuseums) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(s));
        goto out;
    }
    fprintf(report, "dry run: nothing is written\n");
    print_paths(m, report);
    if (run(input, m, report, dry_record, &d, st, report, err, errlen) < 0) {
        if (d.err[0])
            snprintf(err, errlen, "%s", d.err);
        goto out;
    }
    print_columns(m, input, report);
    st->museums_new = (int64_t)d.nnew;
    for (size_t i = 0; i < d.nnew; i++)
        fprintf(report, "would create museum '%s'\n", d.new_museums[i]);
    rc = 0;
out:
    for (size_t i = 0; i < d.nnew; i++)
        free(d.new_museums[i]);
    free(d.new_museums);
    vcm_arena_release(&d.a);
    return rc;
}

/* ---- the import through a pipe ---------------------------------------- */

struct feed {
    const char *input;
    vcm_mapping *m;
    FILE *report, *out;
    vcm_csvmap_stats *st;
    int rc;
    char err[512];
};

static int feed_record(void *ud, const char *file, size_t line, json_t *rec)
{
    (void)file;
    (void)line;
    struct feed *f = ud;
    if (json_dumpf(rec, f->out, JSON_COMPACT | JSON_ENSURE_ASCII) < 0 || fputc('\n', f->out) < 0) {
        snprintf(f->err, sizeof f->err, "the importer stopped reading");
        return -1;
    }
    return 0;
}

static void *feeder(void *arg)
{
    struct feed *f = arg;
    f->rc = run(f->input, f->m, f->report, feed_record, f, f->st, NULL, f->err, sizeof f->err);
    fclose(f->out); /* the importer sees the end */
    return NULL;
}

int vcm_csvmap_import(vcm_store *s, const char *input, const char *map_path,
                      const vcm_csvmap_opts *o, vcm_csvmap_stats *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    FILE *report = o && o->report ? o->report : stderr;
    vcm_mapping *m = load_mapping(input, map_path, err, errlen);
    if (!m)
        return -1;
    int rc = -1;
    if (o && o->dry_run) {
        rc = dry_run(s, input, m, report, st, err, errlen);
        vcm_mapping_free(m);
        return rc;
    }
    int fds[2];
    if (pipe(fds) < 0) {
        snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno));
        vcm_mapping_free(m);
        return -1;
    }
    /* a write after the importer gave up fails with EPIPE instead of
     * killing the program */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGPIPE, &ign, &old);
    struct feed f = {.input = input, .m = m, .report = report, .st = st};
    f.out = fdopen(fds[1], "w");
    pthread_t t;
    if (!f.out || pthread_create(&t, NULL, feeder, &f) != 0) {
        snprintf(err, errlen, "cannot start the reader");
        if (f.out)
            fclose(f.out);
        else
            close(fds[1]);
        close(fds[0]);
        goto out;
    }
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    vcm_import_opts io = o ? o->import : (vcm_import_opts){0};
    io.report = report;
    char ierr[512];
    int irc = vcm_import_jsonl(s, path, &io, &st->import, ierr, sizeof ierr);
    /* whatever the importer did, the pipe is drained so the feeder ends */
    close(fds[0]);
    pthread_join(t, NULL);
    if (irc < 0) {
        snprintf(err, errlen, "%s", ierr);
        goto out;
    }
    if (f.rc < 0) {
        snprintf(err, errlen, "%s", f.err);
        goto out;
    }
    rc = 0;
out:
    sigaction(SIGPIPE, &old, NULL);
    vcm_mapping_free(m);
    return rc;
}
