/* The routes of virtual exhibitions and the comparison (web/vexhibit.h),
 * registered by vcm_app_routes. Public pages go through the page cache as
 * the site's other pages do (routes.c); the editor and the write API run
 * behind vcm_web_act, each route naming its action (web/authz.c), with
 * jansson on malloc (the model makes and frees JSON of its own). */
#include "web/vexhibit.h"
#include "web/wrap.h"
#include "core/banned.h"

#define VX_PAGE(h) VCM_WRAP_PAGE(h)
#define VX_DATA(h) VCM_WRAP_DATA(h)
#define VX_EDIT(h) VCM_WRAP_ACT_MALLOC(edit, h)

VX_PAGE(vcm_vx_list_page)
VX_PAGE(vcm_vx_page)
VX_PAGE(vcm_compare_page)
VX_DATA(vcm_vx_manifest)
VX_DATA(vcm_api_vx_list)
VX_DATA(vcm_api_vx)
VX_EDIT(vcm_vx_dash_page)
VX_EDIT(vcm_vx_create_form)
VX_EDIT(vcm_vx_edit_page)
VX_EDIT(vcm_vx_save_form)
VX_EDIT(vcm_vx_step_form)
VX_EDIT(vcm_api_vx_create)
VX_EDIT(vcm_api_vx_update)
VX_EDIT(vcm_api_vx_history)
VX_EDIT(vcm_api_vx_step)

static const struct {
    const char *method, *pattern;
    vcm_handler h;
    const char *action; /* NULL: a public read */
} routes[] = {
    {"GET", "/exhibitions", page_vcm_vx_list_page, NULL},
    {"GET", "/exhibitions/{slug}", page_vcm_vx_page, NULL},
    {"GET", "/iiif/exhibition/{slug}", data_vcm_vx_manifest, NULL},
    {"GET", "/compare", page_vcm_compare_page, NULL},
    {"GET", "/api/v1/exhibitions", data_vcm_api_vx_list, NULL},
    {"GET", "/api/v1/exhibitions/{slug}", data_vcm_api_vx, NULL},
    /* the write API */
    {"POST", "/api/v1/exhibitions", edit_vcm_api_vx_create, "vx.create"},
    {"PUT", "/api/v1/exhibitions/{slug}", edit_vcm_api_vx_update, "vx.update"},
    {"GET", "/api/v1/exhibitions/{slug}/history", edit_vcm_api_vx_history, "vx.read"},
    {"POST", "/api/v1/exhibitions/{slug}/submit", edit_vcm_api_vx_step, "vx.submit"},
    {"POST", "/api/v1/exhibitions/{slug}/publish", edit_vcm_api_vx_step, "vx.publish"},
    {"POST", "/api/v1/exhibitions/{slug}/request-changes", edit_vcm_api_vx_step, "vx.publish"},
    {"POST", "/api/v1/exhibitions/{slug}/withdraw", edit_vcm_api_vx_step, "vx.withdraw"},
    {"POST", "/api/v1/exhibitions/{slug}/restore", edit_vcm_api_vx_step, "vx.withdraw"},
    /* the editor */
    {"GET", "/dashboard/exhibitions", edit_vcm_vx_dash_page, "vx.read"},
    {"POST", "/dashboard/exhibitions", edit_vcm_vx_create_form, "vx.create"},
    {"GET", "/dashboard/exhibitions/{slug}", edit_vcm_vx_edit_page, "vx.read"},
    {"POST", "/dashboard/exhibitions/{slug}", edit_vcm_vx_save_form, "vx.update"},
    {"POST", "/dashboard/exhibitions/{slug}/submit", edit_vcm_vx_step_form, "vx.submit"},
    {"POST", "/dashboard/exhibitions/{slug}/publish", edit_vcm_vx_step_form, "vx.publish"},
    {"POST", "/dashboard/exhibitions/{slug}/request-changes", edit_vcm_vx_step_form,
     "vx.publish"},
    {"POST", "/dashboard/exhibitions/{slug}/withdraw", edit_vcm_vx_step_form, "vx.withdraw"},
    {"POST", "/dashboard/exhibitions/{slug}/restore", edit_vcm_vx_step_form, "vx.withdraw"},
};

int vcm_vx_routes(vcm_router *r)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        int rc = routes[i].action ? vcm_router_add_action(r, routes[i].method, routes[i].pattern,
                                                          routes[i].h, routes[i].action)
                                  : vcm_router_add(r, routes[i].method, routes[i].pattern,
                                                   routes[i].h);
        if (rc < 0)
            return -1;
    }
    return 0;
}
