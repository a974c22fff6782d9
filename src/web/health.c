/* Health checks for load balancers and supervisors.
 *
 * /healthz says only that the process answers HTTP: a supervisor restarts
 * a node that fails it. /readyz says whether the node can serve the
 * collection now: its store opens and answers a read (on this worker
 * thread's connection, which it also repairs, as any request would) and
 * the search index is built. A load balancer sends no traffic to a node
 * that fails it, and takes it back when it passes again; nothing needs a
 * restart. Both answer with a few words of plain text, are never cached,
 * and say nothing of the database's whereabouts (the log does). */
#include <stdio.h>

#include "core/log.h"
#include "web/web.h"
#include "core/banned.h"

static void plain(vcm_req *req, vcm_resp *resp, int status)
{
    resp->status = status;
    resp->content_type = "text/plain; charset=utf-8";
    vcm_resp_header(resp, req, "Cache-Control", "no-store");
}

int vcm_health_live(vcm_req *req, vcm_resp *resp)
{
    plain(req, resp, 200);
    vcm_buf_puts(&resp->body, "ok\n");
    return 0;
}

int vcm_health_ready(vcm_req *req, vcm_resp *resp)
{
    char why[600];
    bool store = vcm_web_store_ready(vcm_web_app(req), why, sizeof why);
    if (!store)
        vcm_warn("not ready: the database cannot be reached", "error=\"%s\"", why);
    size_t done = 0, total = 0;
    int search = vcm_web_search_ready(vcm_web_app(req), &done, &total);
    bool ready = store && search == 1;
    plain(req, resp, ready ? 200 : 503);
    if (!ready)
        vcm_resp_header(resp, req, "Retry-After", "5");
    vcm_buf_printf(&resp->body, "store: %s\n", store ? "ok" : "unavailable");
    if (search == 1)
        vcm_buf_puts(&resp->body, "search: ok\n");
    else if (search == 0)
        vcm_buf_printf(&resp->body, "search: building (%zu of %zu)\n", done, total);
    else
        vcm_buf_puts(&resp->body, "search: not started\n");
    return 0;
}
