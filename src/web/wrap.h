/* The wrappers that routes register (routes.c, vexhibit_routes.c): each
 * defines a static handler PREFIX_h that runs h with jansson's memory on
 * the request's arena (app.c), or on malloc where the model makes and frees
 * JSON of its own, and restores it after:
 *   VCM_WRAP_PAGE(h)   page_h: a public page, through the page cache
 *   VCM_WRAP_DATA(h)   data_h: the API, IIIF and files with headers of
 *                      their own, not cached
 *   VCM_WRAP_ACT(h)    act_h:  an account's page or form, after
 *                      vcm_web_act's checks (who, form, CSRF, vcm_authz_allow)
 *   VCM_WRAP_ACT_MALLOC(prefix, h)  prefix_h: as ACT, jansson on malloc */
#ifndef VCM_WEB_WRAP_H
#define VCM_WEB_WRAP_H
#include "web/account.h"
#include "web/web.h"

#define VCM_WRAP(prefix, h, arena, call)                                                       \
    static int prefix##_##h(vcm_req *req, vcm_resp *resp)                                     \
    {                                                                                         \
        vcm_arena *old = vcm_web_json_arena(arena);                                           \
        int r = call;                                                                         \
        vcm_web_json_arena(old);                                                              \
        return r;                                                                             \
    }
#define VCM_WRAP_PAGE(h) VCM_WRAP(page, h, req->arena, vcm_web_cached(req, resp, h))
#define VCM_WRAP_DATA(h) VCM_WRAP(data, h, req->arena, h(req, resp))
#define VCM_WRAP_ACT(h) VCM_WRAP(act, h, req->arena, vcm_web_act(req, resp, h))
#define VCM_WRAP_ACT_MALLOC(prefix, h) VCM_WRAP(prefix, h, NULL, vcm_web_act(req, resp, h))
#endif
