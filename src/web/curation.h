/* Ways into the collection beyond search (docs/curation.md): themes
 * (themes.c), entity pages for people, places, periods and materials
 * (entities.c), and the timeline of the masterpieces (timeline.c). Public
 * pages go through the page cache; the editors' forms and writes are
 * account actions (theme.edit, authz.c). */
#ifndef VCM_WEB_CURATION_H
#define VCM_WEB_CURATION_H
#include "web/account.h"
#include "web/web.h"

int vcm_page_themes(vcm_req *req, vcm_resp *resp);
int vcm_page_theme(vcm_req *req, vcm_resp *resp);
int vcm_api_themes(vcm_req *req, vcm_resp *resp);
int vcm_api_theme(vcm_req *req, vcm_resp *resp);
int vcm_theme_new_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_theme_edit_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_theme_create_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_theme_save_act(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_theme_create(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_theme_update(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_api_theme_history(vcm_req *req, vcm_resp *resp, vcm_web_who *w);

/* entities.c: /people/{id}, /places/{id}, /periods/{id}, /materials/{id} */
int vcm_page_person(vcm_req *req, vcm_resp *resp);
int vcm_page_place(vcm_req *req, vcm_resp *resp);
int vcm_page_period(vcm_req *req, vcm_resp *resp);
int vcm_page_material(vcm_req *req, vcm_resp *resp);
/* map.c: /map */
int vcm_page_map(vcm_req *req, vcm_resp *resp);
/* timeline.c: /timeline */
int vcm_page_timeline(vcm_req *req, vcm_resp *resp);

/* The object page's links to the pages of its creators, place, period,
 * materials and themes: [{url, kind, label}] (entities.c). */
json_t *vcm_curation_related(vcm_req *req, vcm_store *s, const vcm_object *o);
/* A rule's place or culture ("place:dunhuang", "period:tang") by the
 * thesaurus's name in the visitor's language, else English; anything else
 * as given (entities.c). */
const char *vcm_curation_place_label(vcm_req *req, const char *value);

/* Shared (themes.c): the cards of objects by id (NULL on a store error),
 * the page asked for (?page=, from 1), and a pager's links into d. */
json_t *vcm_curation_cards(vcm_req *req, vcm_store *s, const int64_t *ids, size_t n);
int64_t vcm_curation_page(vcm_req *req);
void vcm_curation_pager(vcm_req *req, json_t *d, const char *base, int64_t page, int64_t total,
                        int64_t size);
#endif
