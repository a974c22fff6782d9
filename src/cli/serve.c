#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "http/server.h"
#include "store/store.h"
#include "web/web.h"
#include "core/banned.h"

int vcm_cmd_serve(vcm_config *c)
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
    vcm_store_close(s);

    vcm_app app;
    if (vcm_app_init(&app, c, err, sizeof err) < 0) {
        fprintf(stderr, "vcm serve: %s\n", err);
        return VCM_EXIT_FAIL;
    }
    vcm_web_cache_init(c->page_cache);
    vcm_memo_limit((size_t)c->memo_size);
    /* The IIIF layer keeps its derivative cache in CFG->media/cache, one
     * process a folder: a node that shares --media with others names a
     * folder of its own with --node-dir, and the cache goes there. */
    static vcm_config iiif_cfg;
    iiif_cfg = *c;
    if (c->node_dir[0])
        memcpy(iiif_cfg.media, c->node_dir, sizeof iiif_cfg.media);
    if (vcm_web_iiif_init(&iiif_cfg, err, sizeof err) < 0) {
        fprintf(stderr, "vcm serve: %s\n", err);
        vcm_app_release(&app);
        return VCM_EXIT_FAIL;
    }
    if (vcm_web_search_init(c, err, sizeof err) < 0) {
        fprintf(stderr, "vcm serve: search: %s\n", err);
        vcm_web_iiif_release();
        vcm_app_release(&app);
        return VCM_EXIT_FAIL;
    }
    vcm_router *r = vcm_router_new();
    if (!r || vcm_app_routes(r) < 0) {
        fprintf(stderr, "vcm serve: cannot set up the routes\n");
        vcm_router_free(r);
        vcm_web_search_release();
        vcm_web_iiif_release();
        vcm_app_release(&app);
        return VCM_EXIT_FAIL;
    }
    vcm_server *srv = vcm_server_start(c, r, &app, vcm_app_error, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "vcm serve: %s\n", err);
        vcm_router_free(r);
        vcm_web_search_release();
        vcm_web_iiif_release();
        vcm_app_release(&app);
        return VCM_EXIT_FAIL;
    }
    char db[VCM_CONFIG_STR + 8];
    vcm_store_url_redact(c->db, db, sizeof db);
    vcm_info("serving", "listen=%s port=%d db=%s objects=%lld museums=%lld", c->listen,
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
    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    vcm_info("stopping", "signal=%s", sig == SIGTERM ? "TERM" : "INT");
    vcm_web_iiif_stop_taking();
    vcm_server_stop(srv);
    int rc = 0;
    vcm_router_free(r);
    vcm_web_search_release();
    vcm_web_iiif_release();
    vcm_app_release(&app);
    vcm_info("stopped", "status=%d", rc);
    return rc == 0 ? VCM_EXIT_OK : VCM_EXIT_FAIL;
}
