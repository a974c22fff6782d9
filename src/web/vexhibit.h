/* Virtual exhibitions and the comparison of objects on the site:
 *   /exhibitions                     the published exhibitions (public)
 *   /exhibitions/{slug}              one, without JavaScript: its sections,
 *                                    objects and details (IIIF regions)
 *   /iiif/exhibition/{slug}          the same as a IIIF Presentation 3.0
 *                                    manifest, a range per section
 *   /api/v1/exhibitions[/{slug}]     the published ones as JSON; the write
 *                                    API (create, save, steps, history)
 *   /dashboard/exhibitions[/{slug}]  the editor, history and workflow
 *   /compare?objects=ID,ID           two to four objects side by side,
 *                                    shareable as IIIF Content State
 * (vexhibit.c public side, vexhibit_edit.c editor and write API,
 * compare.c). Not the network's travelling exhibitions (web/loans.h).
 * Every state-changing route names its action (vx.*, web/authz.c) and
 * runs behind vcm_web_act; its handler asks vcm_authz_allow again. */
#ifndef VCM_WEB_VEXHIBIT_H
#define VCM_WEB_VEXHIBIT_H
#include "http/router.h"
#include "store/vexhibit.h"
#include "web/account.h"
#include "web/web.h"

/* Registers every route above. */
int vcm_vx_routes(vcm_router *r);

/* vexhibit.c: the public side. */
int vcm_vx_list_page(vcm_req *req, vcm_resp *resp);
int vcm_vx_page(vcm_req *req, vcm_resp *resp);
int vcm_vx_manifest(vcm_req *req, vcm_resp *resp);
int vcm_api_vx_list(vcm_req *req, vcm_resp *resp);
int vcm_api_vx(vcm_req *req, vcm_resp *resp);
/* The published exhibition of the route's {slug} (1), or 0 with the 404
 * or 500 in resp. */
int vcm_vx_load_live(vcm_req *req, vcm_resp *resp, vcm_store **s, vcm_vx *vx,
                     vcm_vx_data *d);
/* The IIIF Image API URL of an item's image (the region when it has one)
 * no larger than size × size; NULL when the record has no image. */
const char *vcm_vx_image_url(vcm_req *req, const vcm_object *o, const vcm_vx_item *it,
                             int size);
/* The text of t in the request's language, else English, else the first;
 * "" when t is empty; *lang its language. */
const char *vcm_vx_text(vcm_req *req, const vcm_ltexts *t, const char **lang);

/* vexhibit_edit.c: the editor and the write API. */
int vcm_vx_dash_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_vx_create_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_vx_edit_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_vx_save_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_vx_step_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_vx_create(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_vx_update(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_vx_history(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_vx_step(vcm_req *req, vcm_resp *resp, vcm_web_who *w);

/* compare.c */
int vcm_compare_page(vcm_req *req, vcm_resp *resp);
#endif
