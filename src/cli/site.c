/* vcm export-site DIR: the whole public site as static files (web/site.h,
 * docs/preservation.md). The pages are rendered by the same app and routes
 * as vcm serve, in this process, without a socket. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "core/langs.h"
#include "http/router.h"
#include "iiif/image.h"
#include "search/static.h"
#include "web/iiif_export.h"
#include "web/site.h"
#include "web/web.h"
#include "core/banned.h"

static const vcm_option site_options[] = {
    {"langs", NULL, "CODE,...", "export-site: the interface languages written (default: all)", VCM_OPT_STR, VCM_OPTION_AT(vcm_site_opts, langs), 0, 0},
    {"full", NULL, NULL, "export-site: render every file again, not only what changed", VCM_OPT_FLAG, VCM_OPTION_AT(vcm_site_opts, full), 0, 1},
};

void vcm_site_options(vcm_site_opts *o, vcm_option_set *set)
{
    memset(o, 0, sizeof *o);
    *set = (vcm_option_set){site_options, sizeof site_options / sizeof *site_options, o};
}

/* The codes of --langs, checked against the table; all when empty. */
static int parse_langs(const char *spec, const char **out, size_t *n)
{
    *n = 0;
    if (!*spec) {
        for (size_t i = 0; i < vcm_lang_count(); i++)
            out[(*n)++] = vcm_lang_at(i)->code;
        return 0;
    }
    for (const char *p = spec; *p;) {
        size_t len = strcspn(p, ",");
        const vcm_lang *l = len ? vcm_lang_by_code(p, len) : NULL;
        if (!l) {
            fprintf(stderr, "vcm export-site: --langs: '%.*s' is not a language code of the site "
                            "(vcm languages lists them)\n", (int)len, p);
            return -1;
        }
        bool dup = false;
        for (size_t i = 0; i < *n; i++)
            dup |= strcmp(out[i], l->code) == 0;
        if (!dup)
            out[(*n)++] = l->code;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

int vcm_cmd_export_site(vcm_config *c, const vcm_site_opts *o)
{
    if (c->argc != 2 || !c->argv[1][0]) {
        fprintf(stderr, "vcm export-site: name the folder to write (vcm export-site DIR)\n");
        return VCM_EXIT_USAGE;
    }
    const char *dir = c->argv[1];
    /* canonical links, the sitemap and IIIF ids are absolute URLs */
    size_t bl = strlen(c->base_url);
    while (bl > 0 && c->base_url[bl - 1] == '/')
        c->base_url[--bl] = '\0';
    if (!bl || (strncmp(c->base_url, "http://", 7) != 0 && strncmp(c->base_url, "https://", 8) != 0)) {
        fprintf(stderr, "vcm export-site: --base-url must give the http:// or https:// URL the "
                        "export will be served from (its canonical links, sitemap and IIIF ids "
                        "are absolute)\n");
        return VCM_EXIT_USAGE;
    }
    const char *langs[64];
    size_t nlangs = 0;
    if (vcm_lang_count() > sizeof langs / sizeof *langs ||
        parse_langs(o->langs, langs, &nlangs) < 0)
        return VCM_EXIT_USAGE;
    struct stat sb;
    if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "vcm export-site: '%s' is not a folder\n", dir);
        return VCM_EXIT_USAGE;
    }
    char err[1024];
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm export-site: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    if (vcm_web_catalogues(err, sizeof err) < 0 || vcm_iiif_init(err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-site: %s\n", err);
        vcm_store_close(s);
        vcm_i18n_free();
        return VCM_EXIT_FAIL;
    }
    int rc = VCM_EXIT_FAIL;
    vcm_web_config w;
    vcm_web_config_defaults(&w);
    w.page_cache = 0; /* each page is rendered once */
    w.no_search = true; /* no page it exports asks the index; its own is built below */
    vcm_app app;
    vcm_router *r = NULL;
    /* a node folder of its own: a server may run on the same --media */
    if (vcm_cli_node_temp(&w, err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-site: %s\n", err);
        goto out_lib;
    }
    if (vcm_app_init(&app, c, &w, err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-site: %s\n", err);
        goto out_lib;
    }
    r = vcm_router_new();
    if (!r || vcm_app_routes(r) < 0) {
        fprintf(stderr, "vcm export-site: cannot set up the routes\n");
        goto out;
    }
    vcm_site_export x = {
        .dir = dir,
        .base_url = c->base_url,
        .langs = langs,
        .nlangs = nlangs,
        .full = o->full,
        .quiet = c->quiet,
        .app = &app,
        .router = r,
        .store = s,
    };
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* the search first (DIR/search/, its pages in DIR/LANG/search/): the
     * page export then makes the links of its pages relative */
    vcm_static_stats ss;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "vcm export-site: cannot make '%s': %s\n", dir, strerror(errno));
        goto out;
    }
    if (vcm_search_export_static(c->db, dir, &ss, err, sizeof err) < 0 ||
        vcm_web_static_search_pages(&app, dir, err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-site: the search: %s\n", err);
        goto out;
    }
    if (vcm_site_export_pages(&x, err, sizeof err) < 0) {
        fprintf(stderr, "vcm export-site: %s\n", err);
        goto out;
    }
    /* IIIF level-0 tiles and info.json at their live URLs, manifests,
     * collections and the viewers (DIR/iiif/, DIR/static/, DIR/viewer/) */
    vcm_iiif_export_opts eo = {.dir = dir, .full = o->full != 0,
                               .progress = c->quiet ? NULL : stderr};
    vcm_iiif_export_stats is;
    if (s->ops->begin_read(s) < 0) {
        fprintf(stderr, "vcm export-site: %s\n", vcm_store_error(s));
        goto out;
    }
    int irc = vcm_iiif_export(c, s, &eo, &is, err, sizeof err);
    vcm_store_rollback(s); /* it only read */
    if (irc < 0) {
        fprintf(stderr, "vcm export-site: the images: %s\n", err);
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr,
            "vcm export-site: %ld files in %s (%lld bytes): %ld rendered and written, %ld kept, "
            "%ld removed, %zu languages; search of %zu objects in %zu files; %lld images "
            "(%lld made, %lld unchanged, %lld removed); %.1f s\n",
            x.files, dir, x.bytes, x.written, x.kept, x.removed, nlangs, ss.docs, ss.files,
            (long long)is.images, (long long)is.made, (long long)is.kept, (long long)is.removed,
            secs);
    rc = is.refused ? VCM_EXIT_BAD_INPUT : VCM_EXIT_OK;
out:
    vcm_router_free(r);
    vcm_app_release(&app);
out_lib:
    vcm_cli_node_remove(&w);
    vcm_store_close(s);
    vcm_iiif_shutdown();
    vcm_i18n_free();
    return rc;
}
