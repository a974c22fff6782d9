/* What the pages of masterpiece entries share (dashboard.c, editor.c,
 * review.c): the page's common data, dates, redirections after a form,
 * the museum's languages, and the views of an entry's versions, diff and
 * comment thread. */
#ifndef VCM_WEB_DASHBOARD_H
#define VCM_WEB_DASHBOARD_H
#include "web/entries.h"

/* The data every such page starts from: title, CSRF token, who, the
 * notice a ?done= after a form names. */
json_t *vcm_dash_page(vcm_req *req, vcm_web_who *w, const char *title);
int vcm_dash_render(vcm_req *req, vcm_resp *resp, int status, const char *tpl, json_t *d);
/* 303 to fmt (with one %lld for id) and ?done=done. */
int vcm_dash_redirect(vcm_req *req, vcm_resp *resp, const char *fmt, int64_t id,
                      const char *done);
/* "Dec 7, 2026, 3:05 AM UTC" in the visitor's language (vcm_l10n_time); "" for 0. */
const char *vcm_dash_time(vcm_req *req, int64_t t);
/* The museum's languages, its own first, space-separated ("en" at least). */
const char *vcm_dash_langs(vcm_req *req, vcm_store *s, int64_t museum_id);
const char *vcm_dash_museum_name(vcm_req *req, vcm_store *s, int64_t museum_id);
/* An entry's title: English, else the first; "—" when none. */
const char *vcm_dash_title(const vcm_entry_data *d);
/* A row of a list of entries: id, title, state, label, updated, live. */
json_t *vcm_dash_entry_row(vcm_req *req, vcm_store *s, const vcm_entry *e);
/* The versions of entry e [{version, author, time, summary, live}], the
 * transitions [{label, actor, time, comment}] and the comment thread
 * [{author, time, body}]; NULL on a store error. */
json_t *vcm_dash_versions(vcm_req *req, vcm_store *s, const vcm_entry *e);
json_t *vcm_dash_events(vcm_req *req, vcm_store *s, const vcm_entry *e);
json_t *vcm_dash_comments(vcm_req *req, vcm_store *s, const vcm_entry *e);
/* The fields that differ from a to b, side by side: [{field, before, after}]. */
json_t *vcm_dash_diff(vcm_req *req, const vcm_entry_data *a, const vcm_entry_data *b);

/* Pages and forms (routes.c names each one's action). */
int vcm_dashboard_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_entry_new_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_entry_create_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_entry_edit_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_entry_save_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_entry_image_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_entry_order_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_entry_revert_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_entry_submit_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_entry_withdraw_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_entry_restore_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_entry_comment_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_review_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_review_entry_page(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_review_publish_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_review_changes_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
int vcm_review_waive_form(vcm_req *req, vcm_resp *resp, vcm_web_who *w);
#endif
