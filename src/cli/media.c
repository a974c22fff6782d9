/* vcm media add OBJECT FILE: ingests an image (original kept byte for byte,
 * a tiled pyramid made for the image server) and attaches it to an object. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "iiif/image.h"
#include "store/store.h"
#include "core/banned.h"

/* The options only this command reads. */
static const vcm_option media_options[] = {
    {"max-pixels", "VCM_MAX_PIXELS", "N", "media add: refuse images of more pixels than this, read before decoding (default 1000000000)", VCM_OPT_NUM, VCM_OPTION_AT(vcm_media_opts, max_pixels), 1, 1L << 40},
    {"id", NULL, "IDENTIFIER", "media add: the image's IIIF identifier (default: from the file name)", VCM_OPT_STR, VCM_OPTION_AT(vcm_media_opts, id), 0, 0},
    {"rights", NULL, "URI", "media add: rights of the image (default: the object's)", VCM_OPT_STR, VCM_OPTION_AT(vcm_media_opts, rights), 0, 0},
    {"label", NULL, "TEXT", "media add: a label for the image (a view, a detail)", VCM_OPT_STR, VCM_OPTION_AT(vcm_media_opts, label), 0, 0},
};

void vcm_media_options(vcm_media_opts *o, vcm_option_set *set)
{
    memset(o, 0, sizeof *o);
    o->max_pixels = 1000000000;
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

static int find_object(vcm_store *s, const char *spec, int64_t *id, char *err, size_t errlen)
{
    char *end;
    long long v = strtoll(spec, &end, 10);
    if (*spec && !*end && v > 0) {
        *id = v;
        return 0;
    }
    const char *sid = strncmp(spec, "source:", 7) == 0 ? spec + 7 : spec;
    int64_t ids[2];
    size_t n;
    if (s->ops->object_by_source_id(s, sid, ids, 2, &n) < 0) {
        snprintf(err, errlen, "%s", vcm_store_error(s));
        return -1;
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

static int media_add(vcm_config *c, const vcm_media_opts *mo)
{
    if (c->argc != 4) {
        fprintf(stderr, "vcm media add: usage: vcm media add OBJECT FILE [--id IDENTIFIER] "
                        "[--rights URI] [--label TEXT]\n");
        return VCM_EXIT_USAGE;
    }
    const char *spec = c->argv[2], *file = c->argv[3];
    char err[1024], ident[VCM_CONFIG_STR];
    if (mo->id[0])
        snprintf(ident, sizeof ident, "%s", mo->id);
    else
        default_identifier(file, ident, sizeof ident);
    if (reserved(ident) || strchr(ident, '/')) {
        fprintf(stderr, "vcm media add: '%s' cannot be an image identifier\n", ident);
        return VCM_EXIT_USAGE;
    }
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm media add: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    int status = VCM_EXIT_FAIL;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    int64_t oid;
    vcm_object o;
    vcm_media existing;
    int64_t existing_oid;
    if (find_object(s, spec, &oid, err, sizeof err) < 0) {
        fprintf(stderr, "vcm media add: %s\n", err);
        status = VCM_EXIT_BAD_INPUT;
        goto out;
    }
    int r = s->ops->object_get(s, &a, oid, &o);
    if (r <= 0) {
        fprintf(stderr, "vcm media add: %s\n",
                r < 0 ? vcm_store_error(s) : "there is no object with that number");
        status = r < 0 ? VCM_EXIT_FAIL : VCM_EXIT_BAD_INPUT;
        goto out;
    }
    if (vcm_iiif_init(err, sizeof err) < 0) {
        fprintf(stderr, "vcm media add: %s\n", err);
        goto out;
    }
    vcm_iiif_ingest_opts opts = {.max_pixels = mo->max_pixels,
                                 .progress = isatty(STDERR_FILENO) && !c->quiet ? progress : NULL};
    vcm_iiif_media im;
    if (vcm_iiif_ingest(file, c->media, &opts, &im, err, sizeof err) < 0) {
        fprintf(stderr, "vcm media add: %s: %s\n", file, err);
        status = VCM_EXIT_BAD_INPUT;
        goto out_vips;
    }
    r = s->ops->media_find(s, &a, ident, &existing, &existing_oid);
    if (r < 0) {
        fprintf(stderr, "vcm media add: %s\n", vcm_store_error(s));
        goto out_vips;
    }
    if (r == 1) {
        if (existing_oid == oid && existing.checksum && strcmp(existing.checksum, im.sha256) == 0) {
            printf("%s: already the image '%s' of object %lld; nothing changed\n", file, ident,
                   (long long)oid);
            status = VCM_EXIT_OK;
        } else {
            fprintf(stderr, "vcm media add: the identifier '%s' is taken by another image "
                            "(choose one with --id)\n", ident);
            status = VCM_EXIT_BAD_INPUT;
        }
        goto out_vips;
    }
    vcm_media m = {
        .identifier = ident,
        .file = relative(im.pyramid, c->media),
        .original = relative(im.original, c->media),
        .format = im.format,
        .width = im.width,
        .height = im.height,
        .checksum = im.sha256,
        .rights = mo->rights[0] ? mo->rights : o.rights,
        .label = mo->label[0] ? mo->label : NULL,
    };
    if (vcm_store_begin(s) < 0 || s->ops->media_add(s, oid, &m) < 0 || vcm_store_commit(s) < 0) {
        fprintf(stderr, "vcm media add: %s\n", vcm_store_error(s));
        vcm_store_rollback(s);
        goto out_vips;
    }
    printf("%s: image '%s' (%d × %d, %s, sha256 %s) added to object %lld\n", file, ident, im.width,
           im.height, im.format, im.sha256, (long long)oid);
    status = VCM_EXIT_OK;
out_vips:
    vcm_iiif_shutdown();
out:
    vcm_arena_release(&a);
    vcm_store_close(s);
    return status;
}

int vcm_cmd_media(vcm_config *c, const vcm_media_opts *o)
{
    if (c->argc >= 2 && strcmp(c->argv[1], "add") == 0)
        return media_add(c, o);
    fprintf(stderr, "vcm media: the one subcommand is 'add' (vcm media add OBJECT FILE)\n");
    return VCM_EXIT_USAGE;
}
