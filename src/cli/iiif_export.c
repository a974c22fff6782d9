/* vcm export-iiif DIR --base-url URL: the IIIF part of the static export
 * (web/iiif_export.h) on its own: level-0 images, manifests, collections
 * and the viewers, incremental. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "iiif/image.h"
#include "web/iiif_export.h"
#include "web/web.h"
#include "core/banned.h"

static const vcm_option iiif_export_options[] = {
    {"redo", NULL, NULL, "export-iiif: make every image again, whatever the last run left", VCM_OPT_FLAG, VCM_OPTION_AT(vcm_iiif_export_cli_opts, redo), 0, 1},
};

void vcm_iiif_export_options(vcm_iiif_export_cli_opts *o, vcm_option_set *set)
{
    memset(o, 0, sizeof *o);
    *set = (vcm_option_set){iiif_export_options,
                            sizeof iiif_export_options / sizeof *iiif_export_options, o};
}

/* DIR must be a folder or nothing yet, and writable. */
static int target_ok(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot use '%s': %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' exists and is not a folder", dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK) < 0) {
        snprintf(err, errlen, "cannot write into '%s': %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

int vcm_cmd_export_iiif(vcm_config *c, const vcm_iiif_export_cli_opts *o)
{
    if (c->argc != 2) {
        fprintf(stderr, "vcm export-iiif: name the folder to write (vcm export-iiif DIR "
                        "--base-url URL)\n");
        return VCM_EXIT_USAGE;
    }
    char dir[2048];
    if (snprintf(dir, sizeof dir, "%s", c->argv[1]) >= (int)sizeof dir || !dir[0]) {
        fprintf(stderr, "vcm export-iiif: the folder's path is too long\n");
        return VCM_EXIT_USAGE;
    }
    for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/'; n--)
        dir[n - 1] = '\0';
    if (!c->base_url[0]) {
        fprintf(stderr, "vcm export-iiif: --base-url is required: the URL the folder will be "
                        "served at, which every IIIF id names (e.g. https://example.org/vcm)\n");
        return VCM_EXIT_USAGE;
    }
    /* "https://example.org/vcm/" is the same place as without the slash */
    for (size_t n = strlen(c->base_url); n > 8 && c->base_url[n - 1] == '/'; n--)
        c->base_url[n - 1] = '\0';
    if (!vcm_iiif_export_base_ok(c->base_url)) {
        fprintf(stderr, "vcm export-iiif: --base-url '%s' is not an absolute http:// or "
                        "https:// URL without a query or fragment\n", c->base_url);
        return VCM_EXIT_USAGE;
    }
    char err[sizeof dir + 1024]; /* room for the path and what failed */
    if (target_ok(dir, err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-iiif: %s\n", err);
        return VCM_EXIT_USAGE;
    }
    if (sodium_init() < 0 || vcm_web_catalogues(err, sizeof err) < 0 ||
        vcm_iiif_init(err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-iiif: cannot start: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm export-iiif: %s\n", err);
        vcm_iiif_shutdown();
        return VCM_EXIT_FAIL;
    }
    int status = VCM_EXIT_FAIL;
    /* every read as of one moment, while the site's writers go on */
    if (s->ops->begin_read(s) < 0) {
        fprintf(stderr, "vcm export-iiif: %s\n", vcm_store_error(s));
        goto out;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    vcm_iiif_export_opts eo = {.dir = dir, .full = o->redo != 0,
                               .progress = c->quiet ? NULL : stderr};
    vcm_iiif_export_stats st;
    int rc = vcm_iiif_export(c, s, &eo, &st, err, sizeof err);
    vcm_store_rollback(s); /* it only read */
    if (rc < 0) {
        fprintf(stderr, "vcm export-iiif: %s\n", err);
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%s: %lld images (%lld made, %lld unchanged, %lld removed, %lld left out), "
           "%lld files of %.1f MB written, %lld manifests and %lld collections changed; %.1f s\n",
           dir, (long long)st.images, (long long)st.made, (long long)st.kept,
           (long long)st.removed, (long long)st.refused, (long long)st.files,
           (double)st.bytes / 1e6, (long long)st.manifests, (long long)st.collections,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    status = st.refused ? VCM_EXIT_BAD_INPUT : VCM_EXIT_OK;
out:
    vcm_store_close(s);
    vcm_iiif_shutdown();
    return status;
}
