/* vcm export-package, verify-package, import-package: the collection as a
 * BagIt 1.0 bag (RFC 8493) that outlives the installation that made it.
 *
 * What the bag holds, file by file, is docs/preservation.md. In short:
 * under data/, the collection as `vcm export` writes it, LIDO and Linked
 * Art made by the same code as `vcm export --format lido` and the site's
 * /objects/{id}.jsonld, the IIIF manifests the site serves, the original
 * images byte for byte, the records' and images' licences, and a dump of
 * every table of vcm_store_tables (the rows `vcm db copy` moves) as one
 * JSON Lines file each, which is what import-package restores from.
 *
 * Export: written into a folder beside PATH, then renamed to PATH, so a
 * failed or killed export leaves no half bag under the name. Rows stream
 * from table_scan to the file one at a time; what is held in memory is the
 * ids of drafts and of the accounts that signed entries, not the records.
 * Left out (docs/preservation.md says why): sessions, throttles, tokens,
 * password links, the outbox and the audit log; the accounts, but for the
 * people who signed masterpiece entries, kept as names (no e-mail, no
 * password, signing in disabled); people's e-mail and telephone; and,
 * unless --drafts, draft records and masterpiece entries never published,
 * with what hangs from them.
 *
 * Verify reads the bag as outside input, knowing nothing of how it was
 * made: bagit.txt, each manifest line (io/bagit.c, pure and fuzzed), each
 * file's digest, the payload files no manifest lists, Payload-Oxum and the
 * tag manifests. Every fault is printed with its file and line.
 *
 * Import verifies first, refuses a store that holds anything, and then
 * restores the tables in one transaction of the store and the images
 * (ingested again from the originals, their SHA-256 checked against the
 * rows), committing only when all of it went in; the search index is
 * rebuilt after. A failure rolls back, removes the image files this run
 * made, and leaves the store as empty as it was. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "core/strmap.h"
#include "iiif/image.h"
#include "io/bagit.h"
#include "io/jsonl.h"
#include "io/lido.h"
#include "search/search.h"
#include "store/store.h"
#include "web/linkedart.h"
#include "web/web.h"
#include "core/banned.h"

#define PATH_MAX_LEN 4096
/* The longest line of a table's file import-package reads: a row whose
 * texts are that long is beyond what any import writes. */
#define ROW_MAX ((size_t)64 << 20)
/* Faults verify-package prints before it only counts them. */
#define FAULTS_SHOWN 50

static const vcm_option package_options[] = {
    {"drafts", NULL, NULL, "export-package: include draft records and masterpiece entries never published", VCM_OPT_FLAG, VCM_OPTION_AT(vcm_package_opts, drafts), 0, 1},
    {"organization", "VCM_ORGANIZATION", "NAME", "export-package: Source-Organization of the bag (default: the network's name)", VCM_OPT_STR, VCM_OPTION_AT(vcm_package_opts, organization), 0, 0},
};

void vcm_package_options(vcm_package_opts *o, vcm_option_set *set)
{
    memset(o, 0, sizeof *o);
    *set = (vcm_option_set){package_options, sizeof package_options / sizeof *package_options, o};
}

/* ---- small helpers ---- */

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int make_dirs(const char *path, char *err, size_t errlen)
{
    char p[PATH_MAX_LEN];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST)
            return fail(err, errlen, "cannot create '%s': %s", p, strerror(errno));
        *s = '/';
    }
    if (mkdir(p, 0755) < 0 && errno != EEXIST)
        return fail(err, errlen, "cannot create '%s': %s", p, strerror(errno));
    return 0;
}

static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char sub[PATH_MAX_LEN];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        if (remove_tree(sub) < 0)
            rc = -1;
    }
    closedir(d);
    return rmdir(path) < 0 ? -1 : rc;
}

/* The entries of a folder but . and .., sorted (so that a bag lists its
 * files in one order whatever the file system's). Caller frees each and
 * the array. -1 when it cannot be read. */
static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *path, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(path);
    if (!d)
        return -1;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **g = realloc(*out, cap * sizeof **out);
            if (!g)
                goto oom;
            *out = g;
        }
        if (!((*out)[*n] = strdup(e->d_name)))
            goto oom;
        (*n)++;
    }
    closedir(d);
    qsort(*out, *n, sizeof **out, cmp_names);
    return 0;
oom:
    closedir(d);
    for (size_t i = 0; i < *n; i++)
        free((*out)[i]);
    free(*out);
    *out = NULL;
    *n = 0;
    return -1;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The digest of a file as lower-case hex, streamed; its size in *size. */
static int digest_file(const char *path, vcm_bagit_alg alg, char *hex, int64_t *size, char *err,
                       size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, "cannot read: %s", strerror(errno));
    crypto_hash_sha512_state s512;
    crypto_hash_sha256_state s256;
    if (alg == VCM_BAGIT_SHA512)
        crypto_hash_sha512_init(&s512);
    else
        crypto_hash_sha256_init(&s256);
    unsigned char buf[65536], out[crypto_hash_sha512_BYTES];
    size_t n;
    int64_t total = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        total += (int64_t)n;
        if (alg == VCM_BAGIT_SHA512)
            crypto_hash_sha512_update(&s512, buf, n);
        else
            crypto_hash_sha256_update(&s256, buf, n);
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad)
        return fail(err, errlen, "cannot read: %s", strerror(errno));
    size_t len = alg == VCM_BAGIT_SHA512 ? crypto_hash_sha512_BYTES : crypto_hash_sha256_BYTES;
    if (alg == VCM_BAGIT_SHA512)
        crypto_hash_sha512_final(&s512, out);
    else
        crypto_hash_sha256_final(&s256, out);
    sodium_bin2hex(hex, 2 * len + 1, out, len);
    if (size)
        *size = total;
    return 0;
}

/* A whole small file (a tag file) into a malloc'd, NUL-terminated buffer. */
static char *read_small(const char *path, size_t cap, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(err, errlen, "cannot read: %s", strerror(errno));
        return NULL;
    }
    char *b = malloc(cap + 1);
    size_t n = b ? fread(b, 1, cap + 1, f) : 0;
    bool bad = !b || ferror(f);
    fclose(f);
    if (bad || n > cap) {
        fail(err, errlen, bad ? "cannot read it" : "larger than %zu bytes", cap);
        free(b);
        return NULL;
    }
    b[n] = '\0';
    *len = n;
    return b;
}

/* ---- sets of ids ---- */

typedef struct idset {
    int64_t *v;
    size_t n, cap;
} idset;

static int idset_add(idset *s, int64_t id)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        int64_t *g = realloc(s->v, cap * sizeof *g);
        if (!g)
            return -1;
        s->v = g;
        s->cap = cap;
    }
    s->v[s->n++] = id;
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void idset_sort(idset *s)
{
    if (s->n)
        qsort(s->v, s->n, sizeof *s->v, cmp_id);
}

static bool idset_has(const idset *s, int64_t id)
{
    return s->n && bsearch(&id, s->v, s->n, sizeof *s->v, cmp_id) != NULL;
}

/* ---- export ---- */

/* Tables whose rows never go into a package (docs/preservation.md): signing
 * in, mail, and the audit log, which holds addresses and accounts. */
static const char *const left_out[] = {"sessions", "throttles", "tokens", "links",
                                       "outbox", "audit"};
/* Tables whose rows stay when the object they name is a draft left out:
 * the reference is emptied (their foreign key is ON DELETE SET NULL). */
static const char *const object_nullable[] = {"loan_lines", "venue_objects"};

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return true;
    return false;
}
#define IN_LIST(name, list) in_list(name, list, sizeof list / sizeof *list)

static int col_of(const vcm_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i], name) == 0)
            return (int)i;
    return -1;
}

typedef struct exporter {
    const vcm_config *c;
    const vcm_package_opts *o;
    vcm_store *s;
    const char *bag;   /* the folder being written */
    idset draft_objects, draft_entries, signers;
    /* entry id → the version the public sees, sorted by id */
    idset live_ids, live_versions;
    /* one table's dump */
    const vcm_table *t;
    FILE *f, *licences;
    int64_t rows, images;
    vcm_value row[64];
    char email[48];   /* the placeholder of a signer's e-mail */
    char err[1024];
} exporter;

static int64_t live_version(const exporter *x, int64_t entry)
{
    int64_t *p = x->live_ids.n ? bsearch(&entry, x->live_ids.v, x->live_ids.n,
                                         sizeof *x->live_ids.v, cmp_id)
                               : NULL;
    return p ? x->live_versions.v[p - x->live_ids.v] : 0;
}

/* The first pass: which objects are drafts, which entries were never
 * published and what version of the others the public sees, and which
 * accounts signed what is kept. */
static int scan_objects(void *ud, const vcm_value *row)
{
    exporter *x = ud;
    int st = col_of(x->t, "status"), id = col_of(x->t, "id");
    if (row[st].type == VCM_V_TEXT && strcmp(row[st].t, "draft") == 0 &&
        idset_add(&x->draft_objects, row[id].i) < 0)
        return -1;
    return 0;
}

static int scan_entries(void *ud, const vcm_value *row)
{
    exporter *x = ud;
    int64_t id = row[col_of(x->t, "id")].i, live = row[col_of(x->t, "live_version")].i;
    if (live == 0)
        return x->o->drafts ? 0 : idset_add(&x->draft_entries, id);
    /* entries come in id order (table_scan reads in key order) */
    return idset_add(&x->live_ids, id) < 0 || idset_add(&x->live_versions, live) < 0 ? -1 : 0;
}

static bool entry_row_kept(const exporter *x, const vcm_table *t, const vcm_value *row);

static int scan_signers(void *ud, const vcm_value *row)
{
    exporter *x = ud;
    if (!entry_row_kept(x, x->t, row))
        return 0;
    static const char *const by[] = {"author_id", "actor_id", "waiver_by"};
    for (size_t i = 0; i < sizeof by / sizeof *by; i++) {
        int c = col_of(x->t, by[i]);
        if (c >= 0 && row[c].type == VCM_V_INT && idset_add(&x->signers, row[c].i) < 0)
            return -1;
    }
    return 0;
}

/* Rows of the entries' tables that a package without drafts keeps. */
static bool entry_row_kept(const exporter *x, const vcm_table *t, const vcm_value *row)
{
    if (x->o->drafts)
        return true;
    bool is_entries = strcmp(t->name, "entries") == 0;
    int ec = col_of(t, is_entries ? "id" : "entry_id");
    if (ec < 0 || row[ec].type != VCM_V_INT)
        return true;
    int64_t entry = row[ec].i;
    if (idset_has(&x->draft_entries, entry))
        return false;
    /* versions saved after the published one are drafts too */
    int vc = is_entries ? -1 : col_of(t, "version");
    if (vc >= 0 && row[vc].type == VCM_V_INT && (strcmp(t->name, "entry_versions") == 0 ||
                                                 strcmp(t->name, "entry_events") == 0)) {
        int64_t live = live_version(x, entry);
        if (live && row[vc].i > live)
            return false;
    }
    return true;
}

static int scan_table(exporter *x, const char *name, vcm_row_fn fn)
{
    size_t ti = 0;
    while (ti < vcm_store_ntables && strcmp(vcm_store_tables[ti].name, name) != 0)
        ti++;
    if (ti == vcm_store_ntables)
        return fail(x->err, sizeof x->err, "no table %s in this store", name);
    x->t = &vcm_store_tables[ti];
    if (x->s->ops->table_scan(x->s, ti, fn, x) < 0)
        return fail(x->err, sizeof x->err, "reading %s: %s", name, vcm_store_error(x->s));
    return 0;
}

static int first_pass(exporter *x)
{
    if (!x->o->drafts && scan_table(x, "objects", scan_objects) < 0)
        return -1;
    if (scan_table(x, "entries", scan_entries) < 0)
        return -1;
    idset_sort(&x->draft_objects);
    idset_sort(&x->draft_entries);
    static const char *const signed_by[] = {"entries", "entry_versions", "entry_events",
                                            "entry_comments"};
    for (size_t i = 0; i < sizeof signed_by / sizeof *signed_by; i++)
        if (scan_table(x, signed_by[i], scan_signers) < 0)
            return -1;
    idset_sort(&x->signers);
    return 0;
}

/* Whether row of x->t goes into the package, changed where it must be
 * (into x->row): 1 keep, 0 leave out. */
static int keep_row(exporter *x, const vcm_value *in)
{
    const vcm_table *t = x->t;
    vcm_value *r = x->row;
    memcpy(r, in, t->ncols * sizeof *r);
    if (strcmp(t->name, "users") == 0) {
        /* a person who signed an entry, as a name: the versions and events
         * name them, and nobody can sign in as them */
        int64_t id = r[0].i;
        if (!idset_has(&x->signers, id))
            return 0;
        int e = col_of(t, "email"), p = col_of(t, "password_hash"), d = col_of(t, "disabled");
        snprintf(x->email, sizeof x->email, "user-%" PRId64 "@invalid", id);
        r[e] = (vcm_value){.type = VCM_V_TEXT, .t = x->email};
        r[p] = (vcm_value){.type = VCM_V_NULL};
        r[d] = (vcm_value){.type = VCM_V_INT, .i = 1};
        return 1;
    }
    if (strcmp(t->name, "people") == 0) {
        /* consent covers reaching the person, not copies kept elsewhere */
        static const char *const contact[] = {"email", "phone"};
        for (size_t i = 0; i < 2; i++) {
            int c = col_of(t, contact[i]);
            if (c >= 0)
                r[c] = (vcm_value){.type = VCM_V_NULL};
        }
        return 1;
    }
    if (x->o->drafts)
        return 1;
    if (strcmp(t->name, "objects") == 0 && idset_has(&x->draft_objects, r[0].i))
        return 0;
    int oc = col_of(t, "object_id");
    if (oc >= 0 && r[oc].type == VCM_V_INT && idset_has(&x->draft_objects, r[oc].i)) {
        if (!IN_LIST(t->name, object_nullable))
            return 0;
        r[oc] = (vcm_value){.type = VCM_V_NULL};
    }
    int ec = col_of(t, "entry_id");
    if (ec >= 0 && r[ec].type == VCM_V_INT && idset_has(&x->draft_entries, r[ec].i))
        return 0;
    if (!entry_row_kept(x, t, r))
        return 0;
    if (strcmp(t->name, "media") == 0) {
        /* an image held for review belongs to a version not yet public */
        int h = col_of(t, "held");
        if (r[h].type == VCM_V_INT && r[h].i)
            return 0;
    }
    if (strcmp(t->name, "entries") == 0) {
        /* the entry as the public sees it: its versions after the live one
         * are left out, so the live one is its latest */
        int v = col_of(t, "version"), lv = col_of(t, "live_version"), st = col_of(t, "state");
        if (r[v].i > r[lv].i) {
            r[v].i = r[lv].i;
            r[st] = (vcm_value){.type = VCM_V_TEXT, .t = "published"};
        }
    }
    return 1;
}

static json_t *value_json(const vcm_value *v)
{
    switch (v->type) {
    case VCM_V_INT: return json_integer(v->i);
    case VCM_V_REAL: return json_real(v->r);
    case VCM_V_TEXT: return json_string(v->t);
    case VCM_V_NULL: break;
    }
    return json_null();
}

static int write_line(FILE *f, json_t *j)
{
    int rc = j && json_dumpf(j, f, JSON_COMPACT) == 0 && fputc('\n', f) != EOF ? 0 : -1;
    json_decref(j);
    return rc;
}

static const char *text_of(const vcm_table *t, const vcm_value *r, const char *col)
{
    int c = col_of(t, col);
    return c >= 0 && r[c].type == VCM_V_TEXT ? r[c].t : NULL;
}

/* data/licences.jsonl: the rights of each record and each image. */
static int licence_line(exporter *x, const vcm_value *r)
{
    const vcm_table *t = x->t;
    json_t *j;
    if (strcmp(t->name, "objects") == 0) {
        const char *st = text_of(t, r, "status");
        if (!st || strcmp(st, "published") != 0)
            return 0; /* what the public does not see has no licence to tell */
        j = json_pack("{s:I, s:s*, s:s*, s:s*, s:s*, s:s*}", "object", (json_int_t)r[0].i,
                      "source_id", text_of(t, r, "source_id"), "rights", text_of(t, r, "rights"),
                      "licence", text_of(t, r, "licence"), "source_licence",
                      text_of(t, r, "source_licence"), "credit_line",
                      text_of(t, r, "credit_line"));
    } else {
        const char *orig = text_of(t, r, "original");
        char file[PATH_MAX_LEN];
        snprintf(file, sizeof file, "media/%s", orig ? orig : "");
        j = json_pack("{s:s*, s:I, s:s*, s:s*, s:s*, s:s*}", "image",
                      text_of(t, r, "identifier"), "object",
                      (json_int_t)r[col_of(t, "object_id")].i, "rights", text_of(t, r, "rights"),
                      "attribution", text_of(t, r, "attribution"), "file", orig ? file : NULL,
                      "sha256", text_of(t, r, "checksum"));
    }
    return write_line(x->licences, j);
}

/* An original image into data/media/, at the path the store names it by. */
static int copy_image(exporter *x, const vcm_value *r)
{
    const vcm_table *t = x->t;
    const char *orig = text_of(t, r, "original"), *id = text_of(t, r, "identifier");
    if (!orig)
        return fail(x->err, sizeof x->err, "image '%s' has no original kept in the media folder",
                    id ? id : "?");
    char from[PATH_MAX_LEN], to[PATH_MAX_LEN], dir[PATH_MAX_LEN];
    snprintf(from, sizeof from, "%s/%s", x->c->media, orig);
    snprintf(to, sizeof to, "%s/data/media/%s", x->bag, orig);
    snprintf(dir, sizeof dir, "%s", to);
    *strrchr(dir, '/') = '\0';
    if (make_dirs(dir, x->err, sizeof x->err) < 0)
        return -1;
    FILE *in = fopen(from, "rb");
    if (!in)
        return fail(x->err, sizeof x->err, "image '%s': cannot read '%s': %s", id ? id : "?",
                    from, strerror(errno));
    FILE *out = fopen(to, "wb");
    if (!out) {
        fclose(in);
        return fail(x->err, sizeof x->err, "cannot write '%s': %s", to, strerror(errno));
    }
    char buf[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) {
            rc = -1;
            break;
        }
    if (ferror(in) || fclose(out) != 0)
        rc = -1;
    fclose(in);
    if (rc < 0)
        return fail(x->err, sizeof x->err, "cannot copy '%s' to '%s'", from, to);
    x->images++;
    return 0;
}

static int dump_row(void *ud, const vcm_value *in)
{
    exporter *x = ud;
    if (!keep_row(x, in))
        return 0;
    const vcm_table *t = x->t;
    json_t *j = json_object();
    for (size_t i = 0; i < t->ncols; i++) {
        json_t *v = value_json(&x->row[i]);
        if (!v) {
            json_decref(j);
            return fail(x->err, sizeof x->err, "%s: column %s of a row is not valid UTF-8",
                        t->name, t->cols[i]);
        }
        json_object_set_new(j, t->cols[i], v);
    }
    if (write_line(x->f, j) < 0)
        return fail(x->err, sizeof x->err, "cannot write the rows of %s", t->name);
    if ((strcmp(t->name, "objects") == 0 || strcmp(t->name, "media") == 0) &&
        licence_line(x, x->row) < 0)
        return fail(x->err, sizeof x->err, "cannot write data/licences.jsonl");
    if (strcmp(t->name, "media") == 0 && copy_image(x, x->row) < 0)
        return -1;
    x->rows++;
    return 0;
}

static int dump_tables(exporter *x)
{
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "%s/data/tables", x->bag);
    if (make_dirs(path, x->err, sizeof x->err) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/data/licences.jsonl", x->bag);
    if (!(x->licences = fopen(path, "w")))
        return fail(x->err, sizeof x->err, "cannot write '%s': %s", path, strerror(errno));
    int rc = -1;
    for (size_t i = 0; i < vcm_store_ntables; i++) {
        x->t = &vcm_store_tables[i];
        if (IN_LIST(x->t->name, left_out))
            continue;
        if (x->t->ncols > sizeof x->row / sizeof *x->row) {
            fail(x->err, sizeof x->err, "table %s has too many columns", x->t->name);
            goto out;
        }
        snprintf(path, sizeof path, "%s/data/tables/%s.jsonl", x->bag, x->t->name);
        if (!(x->f = fopen(path, "w"))) {
            fail(x->err, sizeof x->err, "cannot write '%s': %s", path, strerror(errno));
            goto out;
        }
        x->rows = 0;
        x->err[0] = '\0';
        int r = x->s->ops->table_scan(x->s, i, dump_row, x);
        int cl = fclose(x->f);
        x->f = NULL;
        if (r < 0) {
            if (!x->err[0])
                fail(x->err, sizeof x->err, "reading %s: %s", x->t->name,
                     vcm_store_error(x->s));
            goto out;
        }
        if (cl != 0) {
            fail(x->err, sizeof x->err, "cannot write '%s'", path);
            goto out;
        }
        if (!x->c->quiet)
            fprintf(stderr, "vcm export-package: %s: %lld rows\n", x->t->name,
                    (long long)x->rows);
    }
    rc = 0;
out:
    if (fclose(x->licences) != 0 && rc == 0)
        rc = fail(x->err, sizeof x->err, "cannot write data/licences.jsonl");
    x->licences = NULL;
    return rc;
}

/* data/collection.jsonl without the draft records a package leaves out:
 * `vcm export`'s file, its other lines as they are. */
static int collection(exporter *x, int64_t *objects)
{
    char path[PATH_MAX_LEN], tmp[PATH_MAX_LEN + 8];
    snprintf(path, sizeof path, "%s/data/collection.jsonl", x->bag);
    bool filter = !x->o->drafts && x->draft_objects.n;
    snprintf(tmp, sizeof tmp, "%s%s", path, filter ? ".all" : "");
    if (vcm_export_jsonl(x->s, tmp, objects, x->err, sizeof x->err) < 0)
        return -1;
    if (!filter)
        return 0;
    FILE *in = fopen(tmp, "r"), *out = fopen(path, "w");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = in && out ? 0 : -1;
    while (rc == 0 && (n = getline(&line, &cap, in)) > 0) {
        json_t *j = json_loadb(line, (size_t)n, 0, NULL);
        const char *type = json_string_value(json_object_get(j, "type"));
        bool drop = type && strcmp(type, "object") == 0 &&
                    idset_has(&x->draft_objects,
                              json_integer_value(json_object_get(j, "id")));
        json_decref(j);
        if (drop)
            (*objects)--;
        else if (fwrite(line, 1, (size_t)n, out) != (size_t)n)
            rc = -1;
    }
    free(line);
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    unlink(tmp);
    return rc < 0 ? fail(x->err, sizeof x->err, "cannot write '%s'", path) : 0;
}

/* The site's own documents of an object, made by its handlers: Linked Art
 * and the IIIF manifest. A request without a server: the handlers need the
 * store, the catalogue and the templates of an error page, nothing of the
 * search or the image server, which are not started. Their store is the
 * export's own connection, so that they read in its transaction: the whole
 * package is the data of one moment. */
typedef struct docs {
    exporter *x;
    vcm_app app;
    vcm_arena arena;
    FILE *linkedart;
    int64_t manifests;
} docs;

static int docs_init(docs *d, exporter *x, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->x = x;
    vcm_app *app = &d->app;
    app->cfg = x->c;
    vcm_web_config_defaults(&app->web);
    if (pthread_mutex_init(&app->lock, NULL) != 0)
        return fail(err, errlen, "cannot create a lock");
    if (pthread_key_create(&app->key, NULL) != 0) {
        pthread_mutex_destroy(&app->lock);
        return fail(err, errlen, "cannot create a thread key");
    }
    app->has_key = true;
    struct vcm_web_thread *t = vcm_web_thread(app);
    if (!t || !(app->tpl = vcm_tpl_set_new()) ||
        vcm_tpl_set_add_builtin(app->tpl, err, errlen) < 0) {
        if (!t || !app->tpl)
            fail(err, errlen, "out of memory");
        vcm_app_release(app);
        return -1;
    }
    t->store = x->s;
    vcm_arena_init(&d->arena, 0);
    return 0;
}

static void docs_release(docs *d)
{
    /* the store is the export's, which closes it */
    vcm_web_thread(&d->app)->store = NULL;
    vcm_app_release(&d->app);
    vcm_arena_release(&d->arena);
}

/* GET path through handler h; the body in resp (status 200) or -1. */
static int docs_get(docs *d, vcm_handler h, const char *path, int64_t id, vcm_resp *resp)
{
    vcm_arena_reset(&d->arena);
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%" PRId64, id);
    vcm_req req = {.arena = &d->arena, .method = "GET", .path = path, .query = "", .body = "",
                   .app = &d->app, .nparams = 1};
    req.param_names[0] = "id";
    req.params[0] = idtext;
    vcm_resp_init(resp);
    if (h(&req, resp) < 0 || resp->status != 200) {
        vcm_resp_release(resp);
        return -1;
    }
    return 0;
}

static int object_docs(void *arg, const vcm_object *o, const char *country, char *err,
                       size_t errlen)
{
    (void)country;
    docs *d = arg;
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "/objects/%" PRId64, o->id);
    vcm_resp resp;
    if (docs_get(d, vcm_linkedart_object, path, o->id, &resp) < 0)
        return fail(err, errlen, "cannot make the Linked Art of object %" PRId64, o->id);
    int w = fwrite(resp.body.data, 1, resp.body.len, d->linkedart) == resp.body.len &&
                    fputc('\n', d->linkedart) != EOF
                ? 0
                : -1;
    vcm_resp_release(&resp);
    if (w < 0)
        return fail(err, errlen, "cannot write data/linked-art.jsonl");
    if (!o->nmedia)
        return 0;
    snprintf(path, sizeof path, "/iiif/manifest/%" PRId64, o->id);
    if (docs_get(d, vcm_iiif_manifest, path, o->id, &resp) < 0)
        return fail(err, errlen, "cannot make the IIIF manifest of object %" PRId64, o->id);
    snprintf(path, sizeof path, "%s/data/iiif/%" PRId64 ".json", d->x->bag, o->id);
    FILE *f = fopen(path, "w");
    w = f && fwrite(resp.body.data, 1, resp.body.len, f) == resp.body.len ? 0 : -1;
    if (f && fclose(f) != 0)
        w = -1;
    vcm_resp_release(&resp);
    if (w < 0)
        return fail(err, errlen, "cannot write '%s'", path);
    d->manifests++;
    return 0;
}

static int linked_docs(exporter *x, int64_t *objects, int64_t *manifests)
{
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "%s/data/iiif", x->bag);
    if (make_dirs(path, x->err, sizeof x->err) < 0)
        return -1;
    docs d;
    if (docs_init(&d, x, x->err, sizeof x->err) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/data/linked-art.jsonl", x->bag);
    int rc = -1;
    if (!(d.linkedart = fopen(path, "w"))) {
        fail(x->err, sizeof x->err, "cannot write '%s': %s", path, strerror(errno));
        goto out;
    }
    rc = vcm_public_objects(x->s, object_docs, &d, objects, x->err, sizeof x->err);
    if (fclose(d.linkedart) != 0 && rc == 0)
        rc = fail(x->err, sizeof x->err, "cannot write '%s'", path);
    *manifests = d.manifests;
out:
    docs_release(&d);
    return rc;
}

/* ---- the bag's own files ---- */

typedef struct manifest_walk {
    FILE *out;
    vcm_buf line;
    int64_t octets, files;
    char err[1024];
} manifest_walk;

/* Lists every file under dir (rel: its path in the bag) into the manifest. */
static int manifest_dir(manifest_walk *m, const char *bag, const char *rel)
{
    char dir[PATH_MAX_LEN];
    snprintf(dir, sizeof dir, "%s/%s", bag, rel);
    char **names;
    size_t n;
    if (list_dir(dir, &names, &n) < 0)
        return fail(m->err, sizeof m->err, "cannot read '%s'", dir);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char sub[PATH_MAX_LEN], full[PATH_MAX_LEN * 2 + 2];
        snprintf(sub, sizeof sub, "%s/%s", rel, names[i]);
        snprintf(full, sizeof full, "%s/%s", bag, sub);
        struct stat st;
        if (lstat(full, &st) < 0) {
            rc = fail(m->err, sizeof m->err, "cannot read '%s'", full);
        } else if (S_ISDIR(st.st_mode)) {
            rc = manifest_dir(m, bag, sub);
        } else {
            char hex[129];
            int64_t size;
            if (digest_file(full, VCM_BAGIT_SHA512, hex, &size, m->err, sizeof m->err) < 0) {
                rc = -1;
                break;
            }
            vcm_buf_reset(&m->line);
            vcm_buf_printf(&m->line, "%s  ", hex);
            vcm_bagit_path_encode(&m->line, sub);
            vcm_buf_putc(&m->line, '\n');
            if (m->line.toobig || fwrite(m->line.data, 1, m->line.len, m->out) != m->line.len)
                rc = fail(m->err, sizeof m->err, "cannot write the manifest");
            m->octets += size;
            m->files++;
        }
    }
    free_list(names, n);
    return rc;
}

static int write_text(const char *bag, const char *name, const char *text, char *err,
                      size_t errlen)
{
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "%s/%s", bag, name);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) == EOF) {
        if (f)
            fclose(f);
        return fail(err, errlen, "cannot write '%s'", path);
    }
    return fclose(f) == 0 ? 0 : fail(err, errlen, "cannot write '%s'", path);
}

static int tag_files(exporter *x, int64_t *octets, int64_t *files)
{
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "%s/manifest-sha512.txt", x->bag);
    manifest_walk m = {.out = fopen(path, "w")};
    if (!m.out)
        return fail(x->err, sizeof x->err, "cannot write '%s'", path);
    vcm_buf_init(&m.line, VCM_BAGIT_LINE_MAX * 4);
    int rc = manifest_dir(&m, x->bag, "data");
    vcm_buf_release(&m.line);
    if (fclose(m.out) != 0 && rc == 0)
        rc = fail(m.err, sizeof m.err, "cannot write '%s'", path);
    if (rc < 0)
        return fail(x->err, sizeof x->err, "%s", m.err);
    *octets = m.octets;
    *files = m.files;

    if (write_text(x->bag, "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
                   x->err, sizeof x->err) < 0)
        return -1;
    char id[33], date[16], size[32], uuid[40];
    if (x->s->ops->instance_id(x->s, id) < 0)
        return fail(x->err, sizeof x->err, "%s", vcm_store_error(x->s));
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    vcm_bagit_size(m.octets, size, sizeof size);
    unsigned char r[16];
    randombytes_buf(r, sizeof r);
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* a random UUID (version 4) */
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
    snprintf(uuid, sizeof uuid,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1],
             r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14],
             r[15]);
    const char *org = x->o->organization[0] ? x->o->organization : vcm_t("en", "site.name");
    vcm_buf b;
    vcm_buf_init(&b, 1 << 20);
    vcm_buf_printf(&b,
                   "Source-Organization: %s\n"
                   "Bagging-Date: %s\n"
                   "Payload-Oxum: %" PRId64 ".%" PRId64 "\n"
                   "Bag-Size: %s\n"
                   "External-Identifier: urn:uuid:%s\n"
                   "External-Description: The collection, its masterpieces and the network's "
                   "records as VCM %s keeps them (docs/preservation.md).\n"
                   "Bag-Software-Agent: vcm %s\n"
                   "VCM-Database: %s\n"
                   "VCM-Drafts: %s\n",
                   org, date, m.octets, m.files, size, uuid, VCM_VERSION, VCM_VERSION, id,
                   x->o->drafts ? "included" : "left out");
    if (x->c->base_url[0])
        vcm_buf_printf(&b, "VCM-Base-URL: %s\n", x->c->base_url);
    rc = b.toobig ? fail(x->err, sizeof x->err, "bag-info.txt is too long")
                  : write_text(x->bag, "bag-info.txt", b.data, x->err, sizeof x->err);
    vcm_buf_release(&b);
    if (rc < 0)
        return -1;

    /* the tag manifest, over the tag files just written */
    static const char *const tags[] = {"bagit.txt", "bag-info.txt", "manifest-sha512.txt"};
    vcm_buf_init(&b, 1 << 20);
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
        char hex[129];
        snprintf(path, sizeof path, "%s/%s", x->bag, tags[i]);
        if (digest_file(path, VCM_BAGIT_SHA512, hex, NULL, x->err, sizeof x->err) < 0) {
            vcm_buf_release(&b);
            return -1;
        }
        vcm_buf_printf(&b, "%s  %s\n", hex, tags[i]);
    }
    rc = write_text(x->bag, "tagmanifest-sha512.txt", b.data, x->err, sizeof x->err);
    vcm_buf_release(&b);
    return rc;
}

/* PATH must be new, or an empty folder. */
static int target_free(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return errno == ENOENT ? 0 : fail(err, errlen, "cannot use '%s': %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return fail(err, errlen, "'%s' exists and is not a folder", path);
    char **names;
    size_t n;
    if (list_dir(path, &names, &n) < 0)
        return fail(err, errlen, "cannot read '%s'", path);
    free_list(names, n);
    return n ? fail(err, errlen, "'%s' is not empty: name a new folder", path) : 0;
}

int vcm_cmd_export_package(vcm_config *c, const vcm_package_opts *o)
{
    if (c->argc != 2) {
        fprintf(stderr, "vcm export-package: name the folder to write (a new one)\n");
        return VCM_EXIT_USAGE;
    }
    /* the bag's own paths go below it */
    if (strlen(c->argv[1]) > PATH_MAX_LEN / 2) {
        fprintf(stderr, "vcm export-package: the path is too long\n");
        return VCM_EXIT_USAGE;
    }
    /* "out/" names the folder out, beside which the bag is written */
    char target[PATH_MAX_LEN];
    snprintf(target, sizeof target, "%s", c->argv[1]);
    for (size_t n = strlen(target); n > 1 && target[n - 1] == '/'; n--)
        target[n - 1] = '\0';
    char err[1024];
    if (target_free(target, err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-package: %s\n", err);
        return VCM_EXIT_USAGE;
    }
    if (sodium_init() < 0 || vcm_web_catalogues(err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-package: cannot start: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm export-package: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    if (!c->base_url[0] && !c->quiet)
        fprintf(stderr, "vcm export-package: no --base-url: the Linked Art and the IIIF "
                        "manifests name http://localhost, and LIDO leaves out the images held "
                        "here\n");
    /* beside the target, so that the rename at the end stays on one file
     * system */
    char bag[PATH_MAX_LEN + 32];
    snprintf(bag, sizeof bag, "%s.partial-%d", target, (int)getpid());
    exporter x = {.c = c, .o = o, .s = s, .bag = bag};
    int status = VCM_EXIT_FAIL;
    /* every read as of one moment, while the site's writers go on */
    if (s->ops->begin_read(s) < 0) {
        fprintf(stderr, "vcm export-package: %s\n", vcm_store_error(s));
        vcm_store_close(s);
        return VCM_EXIT_FAIL;
    }
    int64_t objects = 0, public = 0, manifests = 0, octets = 0, files = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char data[sizeof bag + 8], lido[sizeof bag + 16];
    snprintf(data, sizeof data, "%s/data", bag);
    snprintf(lido, sizeof lido, "%s/data/lido.xml", bag);
    if (make_dirs(data, x.err, sizeof x.err) < 0 || first_pass(&x) < 0 ||
        collection(&x, &objects) < 0 ||
        vcm_export_lido(s, lido, c->base_url, &public, x.err, sizeof x.err) < 0 ||
        linked_docs(&x, &public, &manifests) < 0 || dump_tables(&x) < 0 ||
        tag_files(&x, &octets, &files) < 0)
        goto out;
    /* an empty folder of that name is replaced; anything else stops it */
    if (rename(bag, target) < 0) {
        fail(x.err, sizeof x.err, "cannot rename '%s' to '%s': %s", bag, target,
             strerror(errno));
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    char size[32];
    vcm_bagit_size(octets, size, sizeof size);
    printf("%s: %lld objects (%lld public, %lld IIIF manifests), %lld images, %lld files, %s; "
           "drafts %s; %.1f s\n",
           target, (long long)objects, (long long)public, (long long)manifests,
           (long long)x.images, (long long)files, size, o->drafts ? "included" : "left out",
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    status = VCM_EXIT_OK;
out:
    if (status != VCM_EXIT_OK) {
        fprintf(stderr, "vcm export-package: %s (nothing was written to '%s')\n", x.err,
                target);
        remove_tree(bag);
    }
    free(x.draft_objects.v);
    free(x.draft_entries.v);
    free(x.signers.v);
    free(x.live_ids.v);
    free(x.live_versions.v);
    vcm_store_rollback(s); /* it only read */
    vcm_store_close(s);
    return status;
}

/* ---- verify ---- */

typedef struct verifier {
    const char *bag;
    int64_t faults;
    bool quiet;
    vcm_strmap listed; /* payload path → a bit per payload manifest */
    uint32_t all;      /* the bits of every payload manifest */
    int64_t oxum_octets, oxum_files;
    bool has_oxum;
} verifier;

static void fault(verifier *v, const char *file, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fault(verifier *v, const char *file, size_t line, const char *fmt, ...)
{
    if (v->faults++ >= FAULTS_SHOWN)
        return;
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line)
        fprintf(stderr, "%s/%s:%zu: %s\n", v->bag, file, line, msg);
    else
        fprintf(stderr, "%s/%s: %s\n", v->bag, file, msg);
}

typedef struct tagread {
    verifier *v;
    const char *file;
    int n;
    bool version_ok, encoding_ok;
} tagread;

static int bagit_tag(void *ud, const char *label, const char *value, size_t line, char *err,
                     size_t errlen)
{
    (void)err;
    (void)errlen;
    tagread *t = ud;
    t->n++;
    if (t->n == 1 && strcmp(label, "BagIt-Version") == 0) {
        if (strcmp(value, "1.0") == 0)
            t->version_ok = true;
        else
            fault(t->v, t->file, line, "BagIt-Version is '%s'; this checks version 1.0", value);
        return 0;
    }
    if (t->n == 2 && strcmp(label, "Tag-File-Character-Encoding") == 0) {
        if (strcasecmp(value, "UTF-8") == 0)
            t->encoding_ok = true;
        else
            fault(t->v, t->file, line, "tag files are in '%s'; this reads UTF-8", value);
        return 0;
    }
    fault(t->v, t->file, line, "unexpected '%s': bagit.txt holds BagIt-Version, then "
                               "Tag-File-Character-Encoding", label);
    return 0;
}

static int info_tag(void *ud, const char *label, const char *value, size_t line, char *err,
                    size_t errlen)
{
    (void)err;
    (void)errlen;
    tagread *t = ud;
    if (strcasecmp(label, "Payload-Oxum") != 0)
        return 0;
    if (t->v->has_oxum)
        fault(t->v, t->file, line, "Payload-Oxum is given twice");
    else if (vcm_bagit_oxum(value, &t->v->oxum_octets, &t->v->oxum_files) < 0)
        fault(t->v, t->file, line, "Payload-Oxum '%s' is not OCTETS.FILES", value);
    else
        t->v->has_oxum = true;
    return 0;
}

static void read_tags(verifier *v, const char *file, bool required, vcm_bagit_tag_fn fn,
                      tagread *t)
{
    char path[PATH_MAX_LEN], err[600];
    snprintf(path, sizeof path, "%s/%s", v->bag, file);
    if (!required && access(path, F_OK) != 0)
        return;
    size_t len, errline;
    char *text = read_small(path, 1 << 20, &len, err, sizeof err);
    if (!text) {
        fault(v, file, 0, "%s", err);
        return;
    }
    if (vcm_bagit_tags(text, len, fn, t, &errline, err, sizeof err) < 0)
        fault(v, file, errline, "%s", err);
    free(text);
}

/* Each line of a manifest: its file there, its digest right. */
static void check_manifest(verifier *v, const char *name, vcm_bagit_alg alg, bool tag,
                           uint32_t bit)
{
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "%s/%s", v->bag, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fault(v, name, 0, "cannot read: %s", strerror(errno));
        return;
    }
    vcm_strmap seen;
    vcm_strmap_init(&seen);
    char *line = NULL, *rel = malloc(VCM_BAGIT_LINE_MAX + 1);
    size_t cap = 0, ln = 0;
    ssize_t n;
    while (rel && (n = getline(&line, &cap, f)) > 0) {
        ln++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue;
        char digest[129], err[300];
        if (vcm_bagit_manifest_line(line, len, alg, !tag, digest, rel, VCM_BAGIT_LINE_MAX + 1,
                                    err, sizeof err) < 0) {
            fault(v, name, ln, "%s", err);
            continue;
        }
        if (tag && strncmp(rel, "tagmanifest-", 12) == 0 && !strchr(rel, '/')) {
            fault(v, name, ln, "a tag manifest must not list a tag manifest ('%s')", rel);
            continue;
        }
        int added;
        if (!vcm_strmap_put(&seen, rel, strlen(rel), 0, &added) || !added) {
            fault(v, name, ln, "'%s' is listed twice", rel);
            continue;
        }
        if (!tag) {
            uint32_t *m = vcm_strmap_put(&v->listed, rel, strlen(rel), 0, &added);
            if (m)
                *m |= bit;
        }
        char full[PATH_MAX_LEN * 2];
        if ((size_t)snprintf(full, sizeof full, "%s/%s", v->bag, rel) >= sizeof full) {
            fault(v, name, ln, "the path is too long");
            continue;
        }
        struct stat st;
        if (lstat(full, &st) < 0) {
            fault(v, name, ln, "'%s' is missing", rel);
            continue;
        }
        if (!S_ISREG(st.st_mode)) {
            fault(v, name, ln, "'%s' is not a plain file", rel);
            continue;
        }
        char hex[129];
        if (digest_file(full, alg, hex, NULL, err, sizeof err) < 0)
            fault(v, name, ln, "'%s': %s", rel, err);
        else if (strcmp(hex, digest) != 0)
            fault(v, name, ln, "'%s' has changed: its digest is not the one listed", rel);
    }
    if (ferror(f))
        fault(v, name, ln, "cannot read: %s", strerror(errno));
    free(line);
    free(rel);
    fclose(f);
    vcm_strmap_release(&seen);
}

/* Every payload file is listed in every payload manifest; the sizes and
 * count for Payload-Oxum. */
static void walk_payload(verifier *v, const char *rel, int64_t *octets, int64_t *files)
{
    char dir[PATH_MAX_LEN];
    snprintf(dir, sizeof dir, "%s/%s", v->bag, rel);
    char **names;
    size_t n;
    if (list_dir(dir, &names, &n) < 0) {
        fault(v, rel, 0, "cannot read the folder");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char sub[PATH_MAX_LEN], full[PATH_MAX_LEN * 2];
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", rel, names[i]) >= sizeof sub) {
            fault(v, rel, 0, "a path in the folder is too long");
            continue;
        }
        snprintf(full, sizeof full, "%s/%s", v->bag, sub);
        struct stat st;
        if (lstat(full, &st) < 0) {
            fault(v, sub, 0, "cannot read");
        } else if (S_ISDIR(st.st_mode)) {
            walk_payload(v, sub, octets, files);
        } else if (!S_ISREG(st.st_mode)) {
            fault(v, sub, 0, "not a plain file (a link or a device) in the payload");
        } else {
            *octets += st.st_size;
            (*files)++;
            uint32_t *m = vcm_strmap_get(&v->listed, sub, strlen(sub));
            if (!m || (*m & v->all) != v->all)
                fault(v, sub, 0, "a payload file that a manifest does not list");
        }
    }
    free_list(names, n);
}

/* Checks the bag at path; prints each fault. Returns the number of faults
 * (0: valid), with what it holds in *octets and *files. */
static int64_t verify_bag(const char *path, int64_t *octets, int64_t *files)
{
    verifier v = {.bag = path};
    vcm_strmap_init(&v.listed);
    *octets = *files = 0;
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: not a folder\n", path);
        return 1;
    }
    tagread bt = {.v = &v, .file = "bagit.txt"};
    read_tags(&v, "bagit.txt", true, bagit_tag, &bt);
    if (!bt.version_ok || !bt.encoding_ok)
        fault(&v, "bagit.txt", 0, "not a BagIt 1.0 declaration");
    tagread it = {.v = &v, .file = "bag-info.txt"};
    read_tags(&v, "bag-info.txt", false, info_tag, &it);

    char **names;
    size_t n;
    if (list_dir(path, &names, &n) < 0) {
        fault(&v, ".", 0, "cannot read the folder");
        vcm_strmap_release(&v.listed);
        return v.faults;
    }
    int payload_manifests = 0;
    /* payload manifests first: the walk needs what they list */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            vcm_bagit_alg alg;
            int tag, known;
            if (vcm_bagit_manifest_name(names[i], &alg, &tag, &known) < 0) {
                bool manifest = strncmp(names[i], "manifest-", 9) == 0 ||
                                strncmp(names[i], "tagmanifest-", 12) == 0;
                if (pass == 0 && manifest)
                    fault(&v, names[i], 0, "a manifest of an algorithm this cannot check "
                                           "(sha256 and sha512 only)");
                continue;
            }
            if (tag != pass)
                continue;
            uint32_t bit = 0;
            if (!tag && payload_manifests < 31) {
                bit = 1u << payload_manifests++;
                v.all |= bit;
            }
            check_manifest(&v, names[i], alg, tag, bit);
        }
    free_list(names, n);
    if (!payload_manifests)
        fault(&v, "manifest-sha512.txt", 0, "missing: the bag has no payload manifest");
    char data[PATH_MAX_LEN];
    snprintf(data, sizeof data, "%s/data", path);
    if (stat(data, &st) < 0 || !S_ISDIR(st.st_mode))
        fault(&v, "data", 0, "missing: the bag has no payload folder");
    else
        walk_payload(&v, "data", octets, files);
    if (v.has_oxum && (v.oxum_octets != *octets || v.oxum_files != *files))
        fault(&v, "bag-info.txt", 0,
              "Payload-Oxum says %" PRId64 ".%" PRId64 ", the payload holds %" PRId64
              ".%" PRId64,
              v.oxum_octets, v.oxum_files, *octets, *files);
    if (v.faults > FAULTS_SHOWN)
        fprintf(stderr, "… and %" PRId64 " faults more\n", v.faults - FAULTS_SHOWN);
    vcm_strmap_release(&v.listed);
    return v.faults;
}

int vcm_cmd_verify_package(vcm_config *c)
{
    if (c->argc != 2) {
        fprintf(stderr, "vcm verify-package: name the bag's folder\n");
        return VCM_EXIT_USAGE;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "vcm verify-package: cannot start libsodium\n");
        return VCM_EXIT_FAIL;
    }
    int64_t octets, files;
    int64_t faults = verify_bag(c->argv[1], &octets, &files);
    if (faults) {
        fprintf(stderr, "vcm verify-package: %s is not valid: %" PRId64 " fault%s\n",
                c->argv[1], faults, faults == 1 ? "" : "s");
        return VCM_EXIT_BAD_INPUT;
    }
    char size[32];
    vcm_bagit_size(octets, size, sizeof size);
    printf("%s: a valid BagIt 1.0 bag: %" PRId64 " payload files, %s\n", c->argv[1], files,
           size);
    return VCM_EXIT_OK;
}

/* ---- import ---- */

typedef struct image_job {
    char *original, *file, *checksum;
} image_job;

typedef struct importer {
    const vcm_config *c;
    vcm_store *s;
    const char *bag;
    image_job *jobs;
    size_t njobs, capjobs;
    /* files this run made in the media folder, removed when it fails */
    char **made;
    size_t nmade, capmade;
    char err[1200];
} importer;

static int table_known(const char *name)
{
    for (size_t i = 0; i < vcm_store_ntables; i++)
        if (strcmp(vcm_store_tables[i].name, name) == 0)
            return 1;
    return 0;
}

/* Stops a scan at its first row. */
static int any_row(void *ud, const vcm_value *row)
{
    (void)row;
    *(bool *)ud = true;
    return -1;
}

/* The store holds nothing a package would overwrite: no row in any table
 * but those a new database already has from its migrations. */
static int store_empty(vcm_store *s, char *err, size_t errlen)
{
    static const char *const seeded[] = {"partner_aliases"};
    for (size_t i = 0; i < vcm_store_ntables; i++) {
        if (IN_LIST(vcm_store_tables[i].name, seeded))
            continue;
        bool found = false;
        if (s->ops->table_scan(s, i, any_row, &found) < 0 && !found)
            return fail(err, errlen, "%s", vcm_store_error(s));
        if (found)
            return fail(err, errlen,
                        "the store is not empty (its table %s has rows): import a package "
                        "into a new, empty database",
                        vcm_store_tables[i].name);
    }
    return 0;
}

/* One row of a table's file into vcm_values, by column name. */
static int row_from_json(const vcm_table *t, json_t *j, vcm_value *row, char *err, size_t errlen)
{
    if (!json_is_object(j))
        return fail(err, errlen, "the line is not a JSON object");
    const char *key;
    json_t *val;
    json_object_foreach(j, key, val) {
        if (col_of(t, key) < 0)
            return fail(err, errlen, "%s has no column '%s'", t->name, key);
    }
    for (size_t i = 0; i < t->ncols; i++) {
        json_t *v = json_object_get(j, t->cols[i]);
        char ty = t->types[i];
        if (!v || json_is_null(v))
            row[i] = (vcm_value){.type = VCM_V_NULL};
        else if (ty == 'i' && json_is_integer(v))
            row[i] = (vcm_value){.type = VCM_V_INT, .i = json_integer_value(v)};
        else if (ty == 'r' && json_is_number(v))
            row[i] = (vcm_value){.type = VCM_V_REAL, .r = json_number_value(v)};
        else if (ty == 't' && json_is_string(v))
            row[i] = (vcm_value){.type = VCM_V_TEXT, .t = json_string_value(v)};
        else
            return fail(err, errlen, "column '%s' should be %s", t->cols[i],
                        ty == 'i' ? "an integer" : ty == 'r' ? "a number" : "a string");
    }
    return 0;
}

static int add_job(importer *m, const vcm_table *t, const vcm_value *row)
{
    const char *o = text_of(t, row, "original"), *f = text_of(t, row, "file"),
               *sum = text_of(t, row, "checksum");
    if (!o || !f || !sum)
        return fail(m->err, sizeof m->err, "an image row without its original, file or checksum");
    if (m->njobs == m->capjobs) {
        size_t cap = m->capjobs ? m->capjobs * 2 : 64;
        image_job *g = realloc(m->jobs, cap * sizeof *g);
        if (!g)
            return fail(m->err, sizeof m->err, "out of memory");
        m->jobs = g;
        m->capjobs = cap;
    }
    image_job *j = &m->jobs[m->njobs];
    j->original = strdup(o);
    j->file = strdup(f);
    j->checksum = strdup(sum);
    m->njobs++;
    return j->original && j->file && j->checksum ? 0
                                                 : fail(m->err, sizeof m->err, "out of memory");
}

static int restore_table(importer *m, size_t ti)
{
    const vcm_table *t = &vcm_store_tables[ti];
    char path[PATH_MAX_LEN * 2 + 2], rel[PATH_MAX_LEN];
    snprintf(rel, sizeof rel, "data/tables/%s.jsonl", t->name);
    snprintf(path, sizeof path, "%s/%s", m->bag, rel);
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? 0
                               : fail(m->err, sizeof m->err, "%s: cannot read: %s", rel,
                                      strerror(errno));
    char *line = NULL;
    size_t cap = 0, ln = 0;
    ssize_t n;
    int rc = 0;
    int64_t rows = 0;
    vcm_value row[64];
    if (t->ncols > sizeof row / sizeof *row)
        rc = fail(m->err, sizeof m->err, "table %s has too many columns", t->name);
    while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
        ln++;
        if ((size_t)n > ROW_MAX) {
            rc = fail(m->err, sizeof m->err, "%s:%zu: the line is longer than %zu bytes", rel,
                      ln, ROW_MAX);
            break;
        }
        json_error_t je;
        json_t *j = json_loadb(line, (size_t)n, 0, &je);
        char why[600];
        if (!j) {
            rc = fail(m->err, sizeof m->err, "%s:%zu: not JSON: %s", rel, ln, je.text);
        } else if (row_from_json(t, j, row, why, sizeof why) < 0) {
            rc = fail(m->err, sizeof m->err, "%s:%zu: %s", rel, ln, why);
        } else if (m->s->ops->table_put(m->s, ti, row) < 0) {
            rc = fail(m->err, sizeof m->err, "%s:%zu: the store refused the row: %s", rel, ln,
                      vcm_store_error(m->s));
        } else if (strcmp(t->name, "media") == 0 && add_job(m, t, row) < 0) {
            rc = fail(m->err, sizeof m->err, "%s:%zu: %.900s", rel, ln, m->err);
        }
        json_decref(j);
        rows++;
    }
    if (rc == 0 && ferror(f))
        rc = fail(m->err, sizeof m->err, "%s: cannot read: %s", rel, strerror(errno));
    free(line);
    fclose(f);
    if (rc == 0 && !m->c->quiet)
        fprintf(stderr, "vcm import-package: %s: %lld rows\n", t->name, (long long)rows);
    return rc;
}

/* Every file of data/tables/ names a table this VCM has. */
static int tables_known(importer *m)
{
    char dir[PATH_MAX_LEN];
    snprintf(dir, sizeof dir, "%s/data/tables", m->bag);
    char **names;
    size_t n;
    if (list_dir(dir, &names, &n) < 0)
        return fail(m->err, sizeof m->err, "data/tables: missing: not a package of VCM");
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t l = strlen(names[i]);
        char t[256];
        if (l > 6 && l - 6 < sizeof t && strcmp(names[i] + l - 6, ".jsonl") == 0) {
            memcpy(t, names[i], l - 6);
            t[l - 6] = '\0';
            if (table_known(t))
                continue;
        }
        rc = fail(m->err, sizeof m->err,
                  "data/tables/%s: no such table here (a package of a later VCM?)", names[i]);
    }
    free_list(names, n);
    return rc;
}

static int remember_made(importer *m, const char *path)
{
    if (access(path, F_OK) == 0)
        return 0; /* there before: not this run's */
    if (m->nmade == m->capmade) {
        size_t cap = m->capmade ? m->capmade * 2 : 64;
        char **g = realloc(m->made, cap * sizeof *g);
        if (!g)
            return -1;
        m->made = g;
        m->capmade = cap;
    }
    return (m->made[m->nmade++] = strdup(path)) ? 0 : -1;
}

/* The images, from the bag's originals into the media folder: each master
 * as it was, its pyramid made again, its SHA-256 the one its row names. */
static int restore_images(importer *m)
{
    if (m->njobs && vcm_iiif_init(m->err, sizeof m->err) < 0)
        return -1;
    size_t ml = strlen(m->c->media);
    for (size_t i = 0; i < m->njobs; i++) {
        image_job *j = &m->jobs[i];
        char src[PATH_MAX_LEN], dst[PATH_MAX_LEN], pyr[PATH_MAX_LEN];
        snprintf(src, sizeof src, "%s/data/media/%s", m->bag, j->original);
        snprintf(dst, sizeof dst, "%s/%s", m->c->media, j->original);
        snprintf(pyr, sizeof pyr, "%s/%s", m->c->media, j->file);
        if (remember_made(m, dst) < 0 || remember_made(m, pyr) < 0)
            return fail(m->err, sizeof m->err, "out of memory");
        vcm_iiif_media im;
        char why[600];
        if (vcm_iiif_ingest(src, m->c->media, NULL, &im, why, sizeof why) < 0)
            return fail(m->err, sizeof m->err, "data/media/%s: %s", j->original, why);
        const char *o = strncmp(im.original, m->c->media, ml) == 0 && im.original[ml] == '/'
                            ? im.original + ml + 1
                            : im.original;
        const char *p = strncmp(im.pyramid, m->c->media, ml) == 0 && im.pyramid[ml] == '/'
                            ? im.pyramid + ml + 1
                            : im.pyramid;
        if (strcmp(im.sha256, j->checksum) != 0)
            return fail(m->err, sizeof m->err,
                        "data/media/%s: its SHA-256 is %s, the image's row says %s",
                        j->original, im.sha256, j->checksum);
        if (strcmp(o, j->original) != 0 || strcmp(p, j->file) != 0)
            return fail(m->err, sizeof m->err,
                        "data/media/%s: kept as '%s' and '%s', the row names '%s' and '%s'",
                        j->original, o, p, j->original, j->file);
    }
    return 0;
}

static void importer_release(importer *m, bool failed)
{
    for (size_t i = 0; i < m->njobs; i++) {
        free(m->jobs[i].original);
        free(m->jobs[i].file);
        free(m->jobs[i].checksum);
    }
    free(m->jobs);
    for (size_t i = 0; i < m->nmade; i++) {
        if (failed)
            unlink(m->made[i]);
        free(m->made[i]);
    }
    free(m->made);
}

static void reindex_progress(size_t done, size_t total, void *ud)
{
    const vcm_config *c = ud;
    if (!c->quiet && (done % 50000 < 1000 || done == total))
        fprintf(stderr, "\rvcm import-package: indexed %zu of %zu objects", done, total);
}

int vcm_cmd_import_package(vcm_config *c)
{
    if (c->argc != 2) {
        fprintf(stderr, "vcm import-package: name the bag's folder\n");
        return VCM_EXIT_USAGE;
    }
    const char *bag = c->argv[1];
    if (sodium_init() < 0) {
        fprintf(stderr, "vcm import-package: cannot start libsodium\n");
        return VCM_EXIT_FAIL;
    }
    int64_t octets, files;
    int64_t faults = verify_bag(bag, &octets, &files);
    if (faults) {
        fprintf(stderr, "vcm import-package: %s is not a valid bag (%" PRId64
                        " fault%s above): nothing was imported, the store was left as it was\n",
                bag, faults, faults == 1 ? "" : "s");
        return VCM_EXIT_BAD_INPUT;
    }
    char err[1024];
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm import-package: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    importer m = {.c = c, .s = s, .bag = bag};
    int status = VCM_EXIT_FAIL;
    bool tx = false, committed = false;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (store_empty(s, m.err, sizeof m.err) < 0) {
        status = VCM_EXIT_USAGE;
        goto out;
    }
    if (tables_known(&m) < 0) {
        status = VCM_EXIT_BAD_INPUT;
        goto out;
    }
    if (vcm_store_begin(s) < 0) {
        fail(m.err, sizeof m.err, "%s", vcm_store_error(s));
        goto out;
    }
    tx = true;
    /* as vcm db copy: the rows a new database has are replaced (children
     * first), and the change sequence is the package's, not what writing
     * the objects made of it */
    for (size_t i = vcm_store_ntables; i-- > 0;)
        if (s->ops->table_clear(s, i) < 0) {
            fail(m.err, sizeof m.err, "%s", vcm_store_error(s));
            goto out;
        }
    for (size_t i = 0; i < vcm_store_ntables; i++) {
        if (strcmp(vcm_store_tables[i].name, "changes") == 0 && s->ops->table_clear(s, i) < 0) {
            fail(m.err, sizeof m.err, "%s", vcm_store_error(s));
            goto out;
        }
        if (restore_table(&m, i) < 0) {
            status = VCM_EXIT_BAD_INPUT;
            goto out;
        }
    }
    if (s->ops->table_finish(s) < 0) {
        fail(m.err, sizeof m.err, "%s", vcm_store_error(s));
        goto out;
    }
    if (restore_images(&m) < 0) {
        status = VCM_EXIT_BAD_INPUT;
        goto out;
    }
    if (vcm_store_commit(s) < 0) {
        fail(m.err, sizeof m.err, "%s", vcm_store_error(s));
        goto out;
    }
    tx = false;
    committed = true;
    /* derived, so rebuilt rather than carried: the search index */
    char index[1024];
    if (c->index[0])
        snprintf(index, sizeof index, "%s", c->index);
    else
        vcm_search_index_path(c->db, index, sizeof index);
    size_t indexed = 0;
    if (vcm_search_reindex(c->db, index, reindex_progress, c, &indexed, err, sizeof err) < 0) {
        fprintf(stderr, "\nvcm import-package: the collection is in, but the search index was "
                        "not built (run vcm search reindex): %s\n", err);
        goto out;
    }
    if (!c->quiet)
        fprintf(stderr, "\n");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    char size[32];
    vcm_bagit_size(octets, size, sizeof size);
    printf("%s: restored %" PRId64 " files (%s), %zu images, %zu objects indexed; %.1f s\n", bag,
           files, size, m.njobs, indexed,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    status = VCM_EXIT_OK;
out:
    if (tx)
        vcm_store_rollback(s);
    if (!committed)
        fprintf(stderr, "vcm import-package: %s (the store was left as it was)\n", m.err);
    importer_release(&m, !committed);
    vcm_store_close(s);
    return status;
}
