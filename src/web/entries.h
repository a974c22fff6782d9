/* Masterpiece entries on the site: the museums' dashboard and editor
 * (dashboard.c), the editors' review queue (review.c) and the write API
 * (write_api.c). Every handler here runs behind vcm_web_act (account.h):
 * the route's action is allowed in general before it runs, and the handler
 * asks vcm_authz_allow again with the entry's museum once it has loaded it.
 * The workflow, versions and checks are the store's (store/entry.h); these
 * files only carry them to forms and JSON.
 *
 * jansson is left on malloc in these handlers (not on the request's arena
 * as elsewhere): the entries' model makes and frees JSON of its own. */
#ifndef VCM_WEB_ENTRIES_H
#define VCM_WEB_ENTRIES_H
#include "store/entry.h"
#include "web/account.h"

/* The strong ETag of an entry's version: "e<entry>v<version>" quoted. */
void vcm_entry_etag(int64_t id, int64_t version, char *out, size_t size);
/* The version an If-Match value names for entry id: 1 with *version set,
 * 0 when it names another entry or is not one of ours, and *version 0 for
 * "*" (any). */
int vcm_entry_if_match(const char *value, int64_t id, int64_t *version);
/* The actor of w, for the store. */
vcm_actor vcm_web_actor(const vcm_web_who *w);
/* Loads entry {id} of the route and checks action on it: 1, or 0 with the
 * answer (404, 403, 500) in resp. */
int vcm_web_entry_load(vcm_req *req, vcm_resp *resp, vcm_web_who *w, const char *action,
                       vcm_entry *e);

/* Adds image identifier (rights may be NULL) to the images of entry e in
 * a new version saved on expected (0: e's latest). 0, or the store's
 * refusal (VCM_ENTRY_STALE, VCM_ENTRY_REFUSED) or -1. */
int vcm_web_entry_add_image(vcm_req *req, vcm_web_who *w, const vcm_entry *e,
                            int64_t expected, const char *identifier, const char *rights);

/* The write API (write_api.c), each route's action in routes.c. */
int vcm_api_entries(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry_create(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry_update(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry_versions(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry_revert(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry_submit(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry_request_changes(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry_publish(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry_withdraw(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry_restore(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry_comments(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry_comment(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_entry_image(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
#endif
