/* vcm media add OBJECT FILE: ingests an image (original kept byte for byte,
 * a tiled pyramid made for the image server) and attaches it to an object;
 * vcm media add --list FILE.csv does so for every row of a table. The one
 * path that attaches an image, vcm_media_attach, is also what
 * vcm media fetch (cli/fetch.c) feeds. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "iiif/image.h"
#include "io/csv.h"
#include "store/store.h"
#include "core/banned.h"

/* The options only this command reads. */
static const vcm_option media_options[] = {
    {"max-pixels", "VCM_MAX_PIXELS", "N", "media add, media fetch: refuse images of more pixels than this, read before decoding (default 1000000000)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_media_opts, max_pixels), 1, 1L << 40},
    {"id", NULL, "IDENTIFIER", "media add: the image's IIIF identifier (default: from the file name)", VCM_OPT_STR, VCM_OPTION_AT(vcm_media_opts, id), 0, 0},
    {"rights", NULL, "URI", "media add: rights of the image (default: the object's)", VCM_OPT_STR, VCM_OPTION_AT(vcm_media_opts, rights), 0, 0},
    {"label", NULL, "TEXT", "media add: a label for the image (a view, a detail)", VCM_OPT_STR, VCM_OPTION_AT(vcm_media_opts, label), 0, 0},
    {"attribution", NULL, "TEXT", "media add: the credit line the image's source asks for", VCM_OPT_STR, VCM_OPTION_AT(vcm_media_opts, attribution), 0, 0},
    {"museum", NULL, "NAME|ID", "media add, media fetch: the museum (its name in any language, or number) whose source id OBJECT is; fetch: only its records; harvest add: the museum (its number) the records become records of", VCM_OPT_STR, VCM_OPTION_AT(vcm_media_opts, museum), 0, 0},
    {"list", NULL, "FILE.csv", "media add: attach every image of a table (columns file, source_museum, source_id; rights, attribution, label, id optional)", VCM_OPT_STR, VCM_OPTION_AT(vcm_media_opts, list), 0, 0},
    {"files", NULL, "DIR", "media add --list: the folder the table's file names are relative to (default: the table's)", VCM_OPT_STR, VCM_OPTION_AT(vcm_media_opts, files), 0, 0},
    {"limit", NULL, "N", "media fetch: try at most N image URLs (default: all)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_media_opts, limit), 0, 1L << 40},
    {"contact", "VCM_CONTACT", "URL|EMAIL", "media fetch: where the site's operators can be reached; sent in the User-Agent (required)", VCM_OPT_STR, VCM_OPTION_AT(vcm_media_opts, contact), 0, 0},
    {"fetch-concurrency", "VCM_FETCH_CONCURRENCY", "N", "media fetch: downloads at once, all hosts together (default 4)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_media_opts, concurrency), 1, 64},
    {"fetch-per-host", "VCM_FETCH_PER_HOST", "N", "media fetch: downloads at once from one host (default 1)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_media_opts, per_host), 1, 16},
    {"fetch-delay", "VCM_FETCH_DELAY", "MS", "media fetch: pause between two requests to one host, in ms (default 1000; a longer robots.txt Crawl-delay wins)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_media_opts, delay_ms), 0, 600000},
    {"fetch-timeout", "VCM_FETCH_TIMEOUT", "S", "media fetch: give up on a download after S seconds (default 120)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_media_opts, timeout_s), 1, 3600},
    {"fetch-retries", "VCM_FETCH_RETRIES", "N", "media fetch: tries of a URL that fails for a passing reason (default 3)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_media_opts, retries), 1, 20},
    {"fetch-max-bytes", "VCM_FETCH_MAX_BYTES", "N", "media fetch: refuse image files larger than this (default 209715200)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_media_opts, max_bytes), 1024, 1L << 40},
};

void vcm_media_options(vcm_media_opts *o, vcm_option_set *set)
{
    memset(o, 0, sizeof *o);
    o->max_pixels = 1000000000;
    o->concurrency = 4;
    o->per_host = 1;
    o->delay_ms = 1000;
    o->timeout_s = 120;
    o->retries = 3;
    o->max_bytes = 200L << 20;
    *set = (vcm_option_set){media_options, sizeof media_options / sizeof *media_options, o};
}

static void progress(int percent, void *ud)
{
    (void)ud;
    fprintf(stderr, "\rmaking the image pyramid: %3d%%%s", percent, percent >= 100 ? "\n" : "");
    fflush(stderr);
}

/* The identifier made from a file name: its base name without extension,
 * with anything but letters, digits, '-', '_' and '.' turned into '-'. */
static void default_identifier(const char *path, char *out, size_t size)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = 0;
    for (const char *p = b; *p && n + 1 < size; p++) {
        if (*p == '.' && !strchr(p + 1, '.'))
            break;
        out[n++] = isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.' ? *p : '-';
    }
    out[n] = '\0';
}

/* Routes of the image server that an identifier must not shadow. */
static bool reserved(const char *id)
{
    return strcmp(id, "manifest") == 0 || strcmp(id, "collection") == 0 ||
           strcmp(id, "activity") == 0 || !*id;
}

/* path relative to dir when it lies inside it */
static const char *relative(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

int vcm_media_find_museum(vcm_store *s, const char *spec, int64_t *id, char *err,
                          size_t errlen)
{
    char *end;
    long long v = strtoll(spec, &end, 10);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_museum *m;
    size_t n;
    int rc = -1;
    if (s->ops->museum_list(s, &a, "", &m, &n) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(s));
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        bool hit = *spec && !*end && m[i].id == v;
        for (size_t k = 0; !hit && k < m[i].names.n; k++)
            hit = strcasecmp(m[i].names.v[k].text, spec) == 0;
        if (hit) {
            *id = m[i].id;
            rc = 0;
            goto out;
        }
    }
    snprintf(err, errlen, "there is no museum named or numbered '%s'", spec);
out:
    vcm_arena_release(&a);
    return rc;
}

/* The object of spec: a number, or a source id ("source:" before it when
 * it looks like a number), in museum_id's records when that is not 0. */
static int find_object(vcm_store *s, const char *spec, int64_t museum_id, int64_t *id, char *err,
                       size_t errlen)
{
    char *end;
    long long v = strtoll(spec, &end, 10);
    if (!museum_id && *spec && !*end && v > 0) {
        *id = v;
        return 0;
    }
    const char *sid = strncmp(spec, "source:", 7) == 0 ? spec + 7 : spec;
    int64_t ids[64];
    size_t n;
    if (s->ops->object_by_source_id(s, sid, ids, 64, &n) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(s));
        return -1;
    }
    if (museum_id) {
        /* the same source id in several museums: keep this museum's */
        size_t k = 0;
        vcm_arena a;
        vcm_arena_init(&a, 0);
        for (size_t i = 0; i < n; i++) {
            vcm_object o;
            int r = s->ops->object_get(s, &a, ids[i], &o);
            if (r < 0) {
                snprintf(err, errlen, "%s", vcm_store_error(s));
                vcm_arena_release(&a);
                return -1;
            }
            if (r == 1 && o.museum_id == museum_id)
                ids[k++] = ids[i];
        }
        vcm_arena_release(&a);
        n = k;
        if (n == 0) {
            snprintf(err, errlen, "the museum has no object with source id '%s'", sid);
            return -1;
        }
    }
    if (n != 1) {
        snprintf(err, errlen, n ? "source id '%s' names several objects: give the object's number"
                                : "there is no object with number or source id '%s'",
                 sid);
        return -1;
    }
    *id = ids[0];
    return 0;
}

int vcm_media_rights_uri(const char *s, char *out, size_t size)
{
    static const struct {
        const char *spdx, *uri;
    } ids[] = {
        {"CC0-1.0", "http://creativecommons.org/publicdomain/zero/1.0/"},
        {"CC-PDM-1.0", "http://creativecommons.org/publicdomain/mark/1.0/"},
        {"CC-BY-4.0", "http://creativecommons.org/licenses/by/4.0/"},
        {"CC-BY-SA-4.0", "http://creativecommons.org/licenses/by-sa/4.0/"},
    };
    if (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0) {
        snprintf(out, size, "%s", s);
        return 0;
    }
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (strcasecmp(s, ids[i].spdx) == 0) {
            snprintf(out, size, "%s", ids[i].uri);
            return 0;
        }
    return -1;
}

int vcm_media_attach(vcm_store *s, const char *media_dir, const vcm_iiif_ingest_opts *opts,
                     int64_t oid, const char *file, const vcm_media_spec *sp,
                     vcm_iiif_media *im, char *msg, size_t msglen)
{
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int rc = VCM_ATTACH_FAILED;
    char ident[VCM_CONFIG_STR], err[1024];
    if (sp->identifier && *sp->identifier)
        snprintf(ident, sizeof ident, "%s", sp->identifier);
    else
        default_identifier(file, ident, sizeof ident);
    if (reserved(ident) || strchr(ident, '/')) {
        snprintf(msg, msglen, "'%s' cannot be an image identifier", ident);
        rc = VCM_ATTACH_REFUSED;
        goto out;
    }
    vcm_object o;
    int r = s->ops->object_get(s, &a, oid, &o);
    if (r <= 0) {
        snprintf(msg, msglen, "%s", r < 0 ? vcm_store_error(s) : "there is no object with that number");
        rc = r < 0 ? VCM_ATTACH_FAILED : VCM_ATTACH_REFUSED;
        goto out;
    }
    if (vcm_iiif_ingest(file, media_dir, opts, im, err, sizeof err) < 0) {
        snprintf(msg, msglen, "%s: %s", file, err);
        rc = VCM_ATTACH_REFUSED;
        goto out;
    }
    vcm_media existing;
    int64_t existing_oid;
    r = s->ops->media_find(s, &a, ident, &existing, &existing_oid);
    if (r < 0) {
        snprintf(msg, msglen, "%s", vcm_store_error(s));
        goto out;
    }
    if (r == 1) {
        if (existing_oid == oid && existing.checksum && strcmp(existing.checksum, im->sha256) == 0) {
            snprintf(msg, msglen, "%s: already the image '%s' of object %lld; nothing changed",
                     file, ident, (long long)oid);
            rc = VCM_ATTACH_UNCHANGED;
        } else {
            snprintf(msg, msglen, "the identifier '%s' is taken by another image (choose one "
                                  "with --id)", ident);
            rc = VCM_ATTACH_REFUSED;
        }
        goto out;
    }
    vcm_media m = {
        .identifier = ident,
        .file = relative(im->pyramid, media_dir),
        .original = relative(im->original, media_dir),
        .format = im->format,
        .width = im->width,
        .height = im->height,
        .checksum = im->sha256,
        .rights = sp->rights && *sp->rights ? sp->rights : o.rights,
        .label = sp->label && *sp->label ? sp->label : NULL,
        .attribution = sp->attribution && *sp->attribution ? sp->attribution : NULL,
    };
    /* one short transaction: a running server waits for the writers' lock
     * no longer than this insert takes */
    if (vcm_store_begin(s) < 0 || s->ops->media_add(s, oid, &m) < 0 || vcm_store_commit(s) < 0) {
        snprintf(msg, msglen, "%s", vcm_store_error(s));
        vcm_store_rollback(s);
        goto out;
    }
    snprintf(msg, msglen, "%s: image '%s' (%d × %d, %s, sha256 %s) added to object %lld", file,
             ident, im->width, im->height, im->format, im->sha256, (long long)oid);
    rc = VCM_ATTACH_ADDED;
out:
    vcm_arena_release(&a);
    return rc;
}

static int exit_of(int attach)
{
    return attach == VCM_ATTACH_FAILED ? VCM_EXIT_FAIL
         : attach == VCM_ATTACH_REFUSED ? VCM_EXIT_BAD_INPUT : VCM_EXIT_OK;
}

/* The column of a header, or -1. */
static int column(char **h, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(h[i], name) == 0)
            return i;
    return -1;
}

/* vcm media add --list FILE.csv: one image a row, found by its museum and
 * source id; files relative to the table's folder. A bad row is reported as
 * FILE:LINE: reason and the others go on. */
static int media_add_list(vcm_config *c, const vcm_media_opts *mo, vcm_store *s,
                          const vcm_iiif_ingest_opts *opts)
{
    const char *path = mo->list;
    char err[1024], msg[2048];
    vcm_buf text;
    vcm_buf_init(&text, 64 << 20);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int status = VCM_EXIT_FAIL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "vcm media add: cannot open '%s'\n", path);
        goto out;
    }
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        vcm_buf_append(&text, chunk, got);
    fclose(f);
    if (text.toobig) {
        fprintf(stderr, "vcm media add: '%s' is larger than 64 MiB\n", path);
        goto out;
    }
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path) : 1;
    const char *dir = slash ? path : ".";
    if (mo->files[0]) {
        dir = mo->files;
        dirlen = (int)strlen(dir);
    }
    vcm_csv csv;
    vcm_csv_init(&csv, text.data ? text.data : "", text.len);
    char *h[VCM_CSV_MAX_FIELDS], *row[VCM_CSV_MAX_FIELDS];
    int nh = vcm_csv_next(&csv, &a, h, err, sizeof err);
    int cf = nh > 0 ? column(h, nh, "file") : -1, cm = nh > 0 ? column(h, nh, "source_museum") : -1,
        cs = nh > 0 ? column(h, nh, "source_id") : -1;
    if (cf < 0 || cm < 0 || cs < 0) {
        fprintf(stderr, "vcm media add: %s:1: the header must name file, source_museum and "
                        "source_id\n", path);
        status = VCM_EXIT_BAD_INPUT;
        goto out;
    }
    int cr = column(h, nh, "rights"), ca = column(h, nh, "attribution"),
        cl = column(h, nh, "label"), ci = column(h, nh, "id");
    long added = 0, unchanged = 0, bad = 0;
    status = VCM_EXIT_OK;
    for (;;) {
        size_t line = csv.line;
        int n = vcm_csv_next(&csv, &a, row, err, sizeof err);
        if (n == 0)
            break;
        if (n < 0) {
            fprintf(stderr, "vcm media add: %s:%zu: %s\n", path, line, err);
            bad++;
            break; /* the reader cannot find the next record after this */
        }
        if (n != nh) {
            fprintf(stderr, "vcm media add: %s:%zu: %d fields where the header has %d\n", path,
                    line, n, nh);
            bad++;
            continue;
        }
        char rights[VCM_CONFIG_STR] = "";
        if (cr >= 0 && *row[cr] && vcm_media_rights_uri(row[cr], rights, sizeof rights) < 0) {
            fprintf(stderr, "vcm media add: %s:%zu: rights '%s' is neither a URI nor a licence "
                            "id VCM knows (CC0-1.0, CC-PDM-1.0, CC-BY-4.0, CC-BY-SA-4.0)\n",
                    path, line, row[cr]);
            bad++;
            continue;
        }
        int64_t mid, oid;
        if (vcm_media_find_museum(s, row[cm], &mid, err, sizeof err) < 0 ||
            find_object(s, row[cs], mid, &oid, err, sizeof err) < 0) {
            fprintf(stderr, "vcm media add: %s:%zu: %s\n", path, line, err);
            bad++;
            continue;
        }
        char *file = row[cf][0] == '/' ? row[cf]
                                       : vcm_arena_printf(&a, "%.*s/%s", dirlen, dir, row[cf]);
        vcm_media_spec sp = {.identifier = ci >= 0 ? row[ci] : NULL,
                             .rights = rights,
                             .label = cl >= 0 ? row[cl] : NULL,
                             .attribution = ca >= 0 ? row[ca] : NULL};
        vcm_iiif_media im;
        int r = vcm_media_attach(s, c->media, opts, oid, file, &sp, &im, msg, sizeof msg);
        if (r == VCM_ATTACH_ADDED || r == VCM_ATTACH_UNCHANGED) {
            r == VCM_ATTACH_ADDED ? added++ : unchanged++;
            if (!c->quiet)
                printf("%s\n", msg);
            continue;
        }
        fprintf(stderr, "vcm media add: %s:%zu: %s\n", path, line, msg);
        if (r == VCM_ATTACH_FAILED) {
            status = VCM_EXIT_FAIL;
            goto out;
        }
        bad++;
    }
    printf("%s: %ld images added, %ld already there, %ld rows refused\n", path, added, unchanged,
           bad);
    if (bad)
        status = VCM_EXIT_BAD_INPUT;
out:
    vcm_arena_release(&a);
    vcm_buf_release(&text);
    return status;
}

static int media_add(vcm_config *c, const vcm_media_opts *mo)
{
    if (mo->list[0] ? c->argc != 2 : c->argc != 4) {
        fprintf(stderr, "vcm media add: usage: vcm media add OBJECT FILE [--museum NAME] "
                        "[--id IDENTIFIER] [--rights URI] [--label TEXT] [--attribution TEXT], "
                        "or vcm media add --list FILE.csv\n");
        return VCM_EXIT_USAGE;
    }
    char err[1024], msg[2048], rights[VCM_CONFIG_STR] = "";
    if (mo->rights[0] && vcm_media_rights_uri(mo->rights, rights, sizeof rights) < 0) {
        fprintf(stderr, "vcm media add: --rights '%s' is neither a URI nor a licence id VCM "
                        "knows\n", mo->rights);
        return VCM_EXIT_USAGE;
    }
    /* a bad --id is the caller's mistake, as a bad --rights is */
    if (mo->id[0] && (reserved(mo->id) || strchr(mo->id, '/'))) {
        fprintf(stderr, "vcm media add: '%s' cannot be an image identifier\n", mo->id);
        return VCM_EXIT_USAGE;
    }
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm media add: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    int status = VCM_EXIT_FAIL;
    if (vcm_iiif_init(err, sizeof err) < 0) {
        fprintf(stderr, "vcm media add: %s\n", err);
        goto out;
    }
    vcm_iiif_ingest_opts opts = {.max_pixels = mo->max_pixels,
                                 .progress = isatty(STDERR_FILENO) && !c->quiet && !mo->list[0]
                                                 ? progress : NULL};
    if (mo->list[0]) {
        status = media_add_list(c, mo, s, &opts);
        goto out_vips;
    }
    int64_t oid, mid = 0;
    if ((mo->museum[0] && vcm_media_find_museum(s, mo->museum, &mid, err, sizeof err) < 0) ||
        find_object(s, c->argv[2], mid, &oid, err, sizeof err) < 0) {
        fprintf(stderr, "vcm media add: %s\n", err);
        status = VCM_EXIT_BAD_INPUT;
        goto out_vips;
    }
    vcm_media_spec sp = {.identifier = mo->id, .rights = rights, .label = mo->label,
                         .attribution = mo->attribution};
    vcm_iiif_media im;
    int r = vcm_media_attach(s, c->media, &opts, oid, c->argv[3], &sp, &im, msg, sizeof msg);
    if (r == VCM_ATTACH_ADDED || r == VCM_ATTACH_UNCHANGED)
        printf("%s\n", msg);
    else
        fprintf(stderr, "vcm media add: %s\n", msg);
    status = exit_of(r);
out_vips:
    vcm_iiif_shutdown();
out:
    vcm_store_close(s);
    return status;
}

int vcm_cmd_media(vcm_config *c, const vcm_media_opts *o)
{
    if (c->argc >= 2 && strcmp(c->argv[1], "add") == 0)
        return media_add(c, o);
    if (c->argc >= 2 && strcmp(c->argv[1], "fetch") == 0)
        return vcm_cmd_media_fetch(c, o);
    fprintf(stderr, "vcm media: the subcommands are 'add' (vcm media add OBJECT FILE) and "
                    "'fetch' (vcm media fetch [--museum ID] [--limit N])\n");
    return VCM_EXIT_USAGE;
}
