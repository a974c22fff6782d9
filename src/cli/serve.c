#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/i18n.h"
#include "core/log.h"
#include "http/server.h"
#include "iiif/image.h"
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

    /* What the libraries keep for the whole process, loaded once before the
     * app and unloaded after it: the message catalogue and libvips. */
    if (vcm_i18n_load_builtin(err, sizeof err) < 0 || vcm_iiif_init(err, sizeof err) < 0) {
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
    if (vcm_app_init(&app, c, err, sizeof err) < 0) {
        fprintf(stderr, "vcm serve: %s\n", err);
        goto out_lib;
    }
    r = vcm_router_new();
    if (!r || vcm_app_routes(r) < 0) {
        fprintf(stderr, "vcm serve: cannot set up the routes\n");
        goto out;
    }
    srv = vcm_server_start(c, r, &app, vcm_app_error, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "vcm serve: %s\n", err);
        goto out;
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
