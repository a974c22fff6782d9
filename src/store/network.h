/* The network in the store: partners, membership, exceptions to the
 * partner-country rule, join applications, people, the directory of Asian
 * collections, recorded growth figures and the history of all of it
 * (store/network.c, schema 011).
 *
 * Every write that changes the network runs in one transaction with the
 * line of network_history that records it (who, what, when: the names of
 * the fields changed, never a person's data), so a change and its history
 * cannot part. Called inside the caller's transaction (vcm_store_begin),
 * a write joins it instead. The rules of model/network.h are checked in
 * that same transaction, against what is stored then.
 *
 * Functions return 0 (or 1 found / 0 not found) and -1 on error, with the
 * message in vcm_store_error(s); -2 is a refusal by a rule, named in
 * *why. Strings read come from the arena given. actor: the name the
 * history and the status rows record (a user's e-mail, "command line",
 * "demo data"). */
#ifndef VCM_STORE_NETWORK_H
#define VCM_STORE_NETWORK_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/network.h"
#include "store/store.h"

/* ---- partners ---- */
/* Inserts or replaces the partner of p->code. */
int vcm_partner_put(vcm_store *s, const vcm_partner *p);
/* Every partner: countries by group then name, then institutions. */
int vcm_partner_list(vcm_store *s, vcm_arena *a, vcm_partner **out, size_t *n);
/* The partner country a country code counts as (HK and MO: CN): 1 with
 * *out, 0 when the code names no partner country. */
int vcm_partner_of_country(vcm_store *s, vcm_arena *a, const char *code, vcm_partner *out);
/* The ASEM group (VCM_REGION_ASIA or _EUROPE) of a country code, aliases
 * followed: 1 with *out, 0 when it is no partner country. */
int vcm_partner_group(vcm_store *s, const char *code, vcm_region *out);

/* ---- people ---- */
/* Adds p and sets p->id, created and updated. */
int vcm_person_add(vcm_store *s, vcm_person *p, const char *actor);
/* Replaces the fields of person p->id: 1 done, 0 no such person; an erased
 * person cannot be written again (-1). */
int vcm_person_update(vcm_store *s, vcm_person *p, const char *actor);
int vcm_person_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_person *out);
/* People of one museum (museum_id > 0) or all (0), by id; erased ones
 * only when with_erased. */
int vcm_person_list(vcm_store *s, vcm_arena *a, int64_t museum_id, bool with_erased,
                    vcm_person **out, size_t *n);
/* Erases a person's data, keeping the row and the history: 1 done, 0 no
 * such person (or erased already). */
int vcm_person_erase(vcm_store *s, int64_t id, const char *actor);

/* ---- membership ---- */
/* A museum's status changes, oldest first. */
int vcm_member_history(vcm_store *s, vcm_arena *a, int64_t museum_id, vcm_member_event **out,
                       size_t *n);
/* Every status change of every museum, by museum then oldest first (the
 * growth page derives its counts from them). */
int vcm_member_history_all(vcm_store *s, vcm_arena *a, vcm_member_event **out, size_t *n);
/* Its newest status: 1 with *out, 0 when none was ever recorded. */
int vcm_member_current(vcm_store *s, vcm_arena *a, int64_t museum_id, vcm_member_event *out);
/* Records e (museum_id, status, from_date, reason, recorded_by, demo,
 * source) after the rules of model/network.h: 0 done (e->id and recorded
 * set), -2 refused (why says by which rule), -1 error (no such museum,
 * a from_date that is no date). */
int vcm_member_record(vcm_store *s, vcm_member_event *e, vcm_refusal *why);

/* A museum with its current status (VCM_MS_NONE: none recorded). */
typedef struct vcm_member_row {
    vcm_museum museum;
    vcm_member_event current;
    vcm_region group; /* its country's ASEM group; OTHER when not a partner */
} vcm_member_row;
/* Museums whose current status is `status` (VCM_MS_NONE: every museum
 * with a status), in a country ("" any) or group (OTHER: any), by name. */
int vcm_member_list(vcm_store *s, vcm_arena *a, vcm_member_state status, const char *country,
                    vcm_region group, vcm_member_row **out, size_t *n);

/* ---- exceptions to the partner-country rule ---- */
int vcm_exception_put(vcm_store *s, int64_t museum_id, const char *reason, const char *actor);
/* 1 with *reason (and *by, *when), 0 when the museum has none. */
int vcm_exception_get(vcm_store *s, vcm_arena *a, int64_t museum_id, const char **reason,
                      const char **by, int64_t *when);

/* ---- join applications ---- */
/* Stores an application and its contact (a new person, whose consent
 * the form recorded) in one transaction; sets app->id, contact->id. */
int vcm_application_add(vcm_store *s, vcm_application *app, vcm_person *contact);
int vcm_application_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_application *out);
/* Applications in a state (all: any), newest first. */
int vcm_application_list(vcm_store *s, vcm_arena *a, bool all, vcm_app_state state,
                         vcm_application **out, size_t *n);
/* Accepts a pending application: finds the museum by name or makes it
 * (its country added from ICU's data when missing), records an exception
 * first when exception_reason is given, then the statuses applicant (from
 * the day it was submitted) and member (from today, as known to today).
 * Returns 0 done (*museum_id), -2 refused (why), -3 not pending or no such
 * application, -1 error; nothing is written unless it is done. */
int vcm_application_accept(vcm_store *s, int64_t id, const char *actor,
                           const char *exception_reason, int64_t *museum_id, vcm_refusal *why);
/* Declines a pending application with a reason: 0, -2 (no reason), -3, -1. */
int vcm_application_decline(vcm_store *s, int64_t id, const char *reason, const char *actor,
                            vcm_refusal *why);

/* ---- the directory of Asian collections ---- */
/* Inserts (c->id 0: sets it) or replaces collection c->id: 1 done, 0 no
 * such collection. */
int vcm_collection_put(vcm_store *s, vcm_collection *c, const char *actor);
int vcm_collection_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_collection *out);
/* Collections of one museum (> 0) or all (0), by museum then name. */
int vcm_collection_list(vcm_store *s, vcm_arena *a, int64_t museum_id, vcm_collection **out,
                        size_t *n);

/* ---- figures the network recorded, and the history ---- */
int vcm_figure_put(vcm_store *s, const vcm_figure *f);
int vcm_figure_list(vcm_store *s, vcm_arena *a, vcm_figure **out, size_t *n);

typedef struct vcm_nhistory {
    int64_t id, time;
    const char *actor, *entity, *entity_id, *action, *detail;
} vcm_nhistory;
/* The history of one entity ("person", "museum", "collection",
 * "application", "partner") or of all (entity NULL), oldest first. */
int vcm_nhistory_list(vcm_store *s, vcm_arena *a, const char *entity, const char *entity_id,
                      vcm_nhistory **out, size_t *n);
#endif
