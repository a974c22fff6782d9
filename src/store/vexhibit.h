/* Virtual exhibitions in the store (store/vexhibit.c, schema 015): the
 * exhibitions, their versions (the whole content of each save) and the
 * steps of their workflow (model/vexhibit.h).
 *
 * Content, not operations: these tables move the data version. Nothing is
 * deleted. Each write is one transaction of its own: do not call these
 * inside vcm_store_begin/commit. Functions return 0 (or 1 found / 0 not
 * found) and -1 on error with the message in vcm_store_error(s); the
 * workflow's refusals are the codes of enum vcm_entry_rc (store/entry.h):
 * VCM_ENTRY_STALE, VCM_ENTRY_REFUSED, VCM_ENTRY_INCOMPLETE, VCM_ENTRY_TAKEN.
 * Strings read come from the arena given. */
#ifndef VCM_STORE_VEXHIBIT_H
#define VCM_STORE_VEXHIBIT_H
#include "model/vexhibit.h"
#include "store/entry.h"

/* Creates exhibition slug with data as its first version (checked as a
 * save is); sets *id. VCM_ENTRY_TAKEN when the slug is taken; -1 when the
 * slug or the content is not valid (the message says which field). */
int vcm_vx_create(vcm_store *s, const char *slug, const vcm_vx_data *data,
                  const vcm_actor *who, int64_t now, int64_t *id);
/* 1 found, 0 not. */
int vcm_vx_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_vx *out);
int vcm_vx_by_slug(vcm_store *s, vcm_arena *a, const char *slug, vcm_vx *out);
/* Every exhibition (live_only: those with a live version), newest
 * updated first. */
int vcm_vx_list(vcm_store *s, vcm_arena *a, bool live_only, vcm_vx **out, size_t *n);

/* Saves data as a new version when expected_version is the latest (0: do
 * not check). A save of a published exhibition moves it to draft (the
 * "edit" step, recorded); its live version stays public. Every item must
 * name a stored record. Sets *version. VCM_ENTRY_STALE, VCM_ENTRY_REFUSED
 * (submitted: waiting for the editors; withdrawn: restore first), -1. */
int vcm_vx_save(vcm_store *s, int64_t id, int64_t expected_version, const vcm_vx_data *data,
                const char *summary, const vcm_actor *who, int64_t now, int64_t *version);
int vcm_vx_version_get(vcm_store *s, vcm_arena *a, int64_t id, int64_t version,
                       vcm_vx_version *out);
/* Every version, oldest first, content included. */
int vcm_vx_versions(vcm_store *s, vcm_arena *a, int64_t id, vcm_vx_version **out, size_t *n);

/* Moves the exhibition through the workflow with who, now and comment
 * recorded. Publishing makes the latest version live, and is refused
 * (VCM_ENTRY_INCOMPLETE, the message naming the item) while an item names a
 * record that is not public. VCM_ENTRY_REFUSED when the step is not
 * allowed in the state. */
int vcm_vx_transition(vcm_store *s, int64_t id, vcm_vx_action action, const char *comment,
                      const vcm_actor *who, int64_t now);
/* The steps, oldest first. */
int vcm_vx_events(vcm_store *s, vcm_arena *a, int64_t id, vcm_vx_event **out, size_t *n);

/* The public side: exhibition slug and its live version's content (1), or
 * 0 when there is none or nothing of it is public. */
int vcm_vx_live(vcm_store *s, vcm_arena *a, const char *slug, vcm_vx *vx, vcm_vx_data *data);
#endif
