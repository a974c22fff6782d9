#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "core/log.h"
#include "http/server.h"
#include "iiif/image.h"
#include "search/terms.h"
#include "store/store.h"
#include "web/web.h"
#include "core/banned.h"

/* The options only this command reads: the site's settings (web/web.h),
 * here; the HTTP server's (--listen, --threads, the limits) are declared
 * by the server itself (vcm_http_options, http/server.h). */
#define W(f) VCM_OPTION_AT(vcm_web_config, f)
static const vcm_option serve_options[] = {
    {"node-dir", "VCM_NODE_DIR", "DIR", "serve: this node's own folder for the image derivative cache and the search index, when nodes share --media (default: --media)", VCM_OPT_STR, W(node_dir), 0, 0},
    {"page-cache", "VCM_PAGE_CACHE", "N", "serve: rendered pages kept per thread until the data changes (default 256, 0 = off)", VCM_OPT_NUM, W(page_cache), 0, 100000},
    {"memo-size", "VCM_MEMO_SIZE", "BYTES", "serve: most memory each in-process memo of a thread may hold (image records, info.json, images; default 16777216)", VCM_OPT_NUM, W(memo_size), 65536, (long)1 << 32},
    {"cache-size", "VCM_CACHE_SIZE", "BYTES", "serve: disk space for image derivatives under --media (default 1 GiB)", VCM_OPT_NUM, W(cache_size), 1 << 20, 1L << 50},
    {"render-threads", "VCM_RENDER_THREADS", "N", "serve: threads that render IIIF images, apart from the connection threads (default: one per core)", VCM_OPT_NUM, W(render_threads), 0, 256},
    {"render-queue", "VCM_RENDER_QUEUE", "N", "serve: IIIF renders waiting for a render thread at most; more are answered 503 (default 64)", VCM_OPT_NUM, W(render_queue), 1, 100000},
    {"iiif-max-size", "VCM_IIIF_MAX_SIZE", "PIXELS", "serve: widest or highest IIIF image made, upscaled or not (default 8192)", VCM_OPT_NUM, W(iiif_max_size), 16, 1 << 20},
    {"iiif-max-area", "VCM_IIIF_MAX_AREA", "PIXELS", "serve: most pixels in one IIIF image made, upscaled or not (default 16777216)", VCM_OPT_NUM, W(iiif_max_area), 256, 1L << 40},
    {"sitemap-urls", "VCM_SITEMAP_URLS", "N", "serve: URLs in one sitemap file at most; past that /sitemap.xml is an index of several (default 50000)", VCM_OPT_NUM, W(sitemap_urls), 1, 50000},
    {"oai-page", "VCM_OAI_PAGE", "N", "serve: records in one page of an OAI-PMH list; a resumption token gives the next (default 500)", VCM_OPT_NUM, W(oai_page), 1, 100000},
    {"oai-admin", "VCM_OAI_ADMIN", "EMAIL", "serve: the address OAI-PMH's Identify gives (default webmaster@ the public host)", VCM_OPT_STR, W(oai_admin), 0, 0},
    {"iiif-max-cost", "VCM_IIIF_MAX_COST", "PIXELS", "serve: most pixels one IIIF request may decode and write; costlier ones are refused with 400 (default 128000000)", VCM_OPT_NUM, W(iiif_max_cost), 1024, 1L << 50},
};
#undef W

void vcm_serve_options(vcm_web_config *w, vcm_option_set *set)
{
    vcm_web_config_defaults(w);
    *set = (vcm_option_set){serve_options, sizeof serve_options / sizeof *serve_options, w};
}

int vcm_cmd_serve(vcm_config *c, const vcm_http_config *http, const vcm_web_config *w,
                  const vcm_mail_config *mail, const vcm_harvest_opts *harvest)
{
    char err[1024];
    /* Open the store once up front: migrations run here, and a bad --db
     * fails at start, not at the first request. */
    vcm_store *s = vcm_store_open(c->db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "vcm serve: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_stats st = {0};
    s->ops->stats(s, &st);
    /* A database written by an older vcm gets its objects' concepts
     * (search/terms.h); a standby cannot be written, and serves what the
     * primary derived. */
    if (vcm_terms_sync(s, NULL, err, sizeof err) < 0)
        vcm_warn("the objects' concepts are not up to date", "error=\"%s\"", err);
    vcm_store_close(s);

    /* What the libraries keep for the whole process, loaded once before the
     * app and unloaded after it: the message catalogue and libvips. */
    if (vcm_web_catalogues(err, sizeof err) < 0 || vcm_iiif_init(err, sizeof err) < 0) {
        fprintf(stderr, "vcm serve: %s\n", err);
        vcm_i18n_free();
        return VCM_EXIT_FAIL;
    }
    /* Everything the site keeps while it runs hangs from app, made here and
     * released here (web/web.h). */
    vcm_app app;
    vcm_router *r = NULL;
    vcm_server *srv = NULL;
    int rc = VCM_EXIT_FAIL;
    if (vcm_app_init(&app, c, w, err, sizeof err) < 0) {
        fprintf(stderr, "vcm serve: %s\n", err);
        goto out_lib;
    }
    r = vcm_router_new();
    if (!r || vcm_app_routes(r) < 0) {
        fprintf(stderr, "vcm serve: cannot set up the routes\n");
        goto out;
    }
    app.listen = http->listen;
    vcm_http_config h = *http;
    h.https = strncasecmp(c->base_url, "https://", 8) == 0;
    srv = vcm_server_start(&h, r, &app, vcm_app_error, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "vcm serve: %s\n", err);
        goto out;
    }
    char db[VCM_CONFIG_STR + 8];
    vcm_store_url_redact(c->db, db, sizeof db);
    vcm_info("serving", "listen=%s port=%d db=%s objects=%lld museums=%lld", http->listen,
             vcm_server_port(srv), db, (long long)st.objects, (long long)st.museums);
    if (st.objects == 0)
        vcm_warn("the collection is empty",
                 "hint=\"import one: vcm import %s/collection.jsonl\"", c->data);
    /* As vcm_server_run, with one step first: the server must not stop
     * with connections suspended for renders, so the render queue is
     * emptied (503s) before the server waits for what is in flight. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    /* the outbox's sender, started with the signals blocked as above, so
     * that they come to sigwait; libcurl set up before its first use */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    vcm_mail_sender *sender = vcm_mail_sender_start(c, mail);
    /* the OAI-PMH sources due, harvested (cli/harvest.c) */
    vcm_harvester *harvester = vcm_harvester_start(c, harvest);
    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    vcm_info("stopping", "signal=%s", sig == SIGTERM ? "TERM" : "INT");
    vcm_harvester_stop(harvester);
    vcm_mail_sender_stop(sender);
    curl_global_cleanup();
    vcm_app_stop_taking(&app);
    vcm_server_stop(srv);
    rc = VCM_EXIT_OK;
    vcm_info("stopped", "status=0");
out:
    vcm_router_free(r);
    vcm_app_release(&app);
out_lib:
    vcm_iiif_shutdown();
    vcm_i18n_free();
    return rc;
}
