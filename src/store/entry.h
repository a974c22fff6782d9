/* Masterpiece entries in the store (store/entry.c, schema 010): entries,
 * their versions, the transitions of their workflow, comment threads,
 * per-museum quotas, re-import conflicts and the Masterpiece of the Day.
 *
 * Content, not operations: these tables move the data version (a publication
 * changes public pages). Nothing here is ever deleted: a save is a new
 * version, a revert is a new version that copies an older one, a withdrawal
 * is a transition.
 *
 * Each write that changes more than one row runs in its own transaction;
 * do not call them inside vcm_store_begin/commit.
 *
 * Functions return 0 (or 1 found / 0 not found) and -1 on error, with the
 * message in vcm_store_error(s); the workflow's refusals are distinct
 * codes (enum vcm_entry_rc) so that pages and the API can say which.
 * Strings read come from the arena given. */
#ifndef VCM_STORE_ENTRY_H
#define VCM_STORE_ENTRY_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/entry.h"
#include "model/user.h"
#include "store/store.h"

/* Refusals, below -1 (each also leaves a message in vcm_store_error). */
enum vcm_entry_rc {
    VCM_ENTRY_STALE = -2,     /* expected_version is not the latest: nothing saved */
    VCM_ENTRY_REFUSED = -3,   /* the workflow does not allow it in this state */
    VCM_ENTRY_QUOTA = -4,     /* the museum's quota of published masterpieces is reached */
    VCM_ENTRY_INCOMPLETE = -5,/* the pre-submission checks failed */
    VCM_ENTRY_TAKEN = -6,     /* the record has an entry already */
};

/* Who does something: the user's id (0: the command line) and name. */
typedef struct vcm_actor {
    int64_t id;
    const char *name;
} vcm_actor;

/* Creates an entry of museum_id selecting its catalogue record object_id,
 * its first version the record's content (vcm_entry_data_from_object), or
 * overlaid by data when data is not NULL. Sets *id. VCM_ENTRY_TAKEN when
 * the record has an entry; -1 when the record is not the museum's. */
int vcm_entry_create(vcm_store *s, int64_t museum_id, int64_t object_id,
                     const vcm_entry_data *data, const vcm_actor *who, int64_t now,
                     int64_t *id);
/* Creates a record of the museum (source "vcm", not public until the entry
 * is published) and an entry selecting it, with data as its first version. */
int vcm_entry_create_record(vcm_store *s, int64_t museum_id, const vcm_entry_data *data,
                            const vcm_actor *who, int64_t now, int64_t *id,
                            int64_t *object_id);

/* 1 found, 0 not. */
int vcm_entry_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_entry *out);
/* The entry of a record (1), or 0 when it has none. */
int vcm_entry_by_object(vcm_store *s, vcm_arena *a, int64_t object_id, vcm_entry *out);
/* Entries of one museum (0: every museum) in one state (state < 0: all),
 * newest updated first. */
int vcm_entry_list(vcm_store *s, vcm_arena *a, int64_t museum_id, int state, vcm_entry **out,
                   size_t *n);
/* How many entries of a museum are in each state (counts[VCM_ENTRY_STATES]),
 * and how many are public (live_version != 0). */
int vcm_entry_counts(vcm_store *s, int64_t museum_id, int64_t counts[VCM_ENTRY_STATES],
                     int64_t *live);

/* Saves data as a new version when expected_version is the entry's latest
 * (the ETag an If-Match carries; 0: do not check). A save of a published
 * entry moves it to draft (VCM_EA_EDIT, recorded) and keeps its live
 * version public. Sets *version. VCM_ENTRY_STALE, VCM_ENTRY_REFUSED (not
 * editable in its state), -1 (invalid data: message says which field). */
int vcm_entry_save(vcm_store *s, int64_t id, int64_t expected_version,
                   const vcm_entry_data *data, const vcm_actor *who, int64_t now,
                   int64_t *version);
/* A saved version (1 found, 0 not). */
int vcm_entry_version_get(vcm_store *s, vcm_arena *a, int64_t id, int64_t version,
                          vcm_entry_version *out);
/* Every version of an entry, oldest first, their content included. */
int vcm_entry_versions(vcm_store *s, vcm_arena *a, int64_t id, vcm_entry_version **out,
                       size_t *n);
/* Saves version's content again as a new version (checked as a save). */
int vcm_entry_revert(vcm_store *s, int64_t id, int64_t version, int64_t expected_version,
                     const vcm_actor *who, int64_t now, int64_t *new_version);

/* Moves the entry through the workflow (model/entry.h) with who, now and
 * comment recorded. Submitting and publishing run vcm_entry_check on the
 * latest version (langs: the museum's languages, read from its profile);
 * publishing checks the quota (a republication of a live entry does not
 * count twice) and makes the latest version live. Queues the notification
 * mails in the outbox (contributors of the museum on request_changes and
 * publish; editors on submit). VCM_ENTRY_REFUSED, VCM_ENTRY_QUOTA,
 * VCM_ENTRY_INCOMPLETE (problems in out, up to max, count in *n when out
 * is not NULL). */
int vcm_entry_transition(vcm_store *s, int64_t id, vcm_entry_action action,
                         const char *comment, const vcm_actor *who, int64_t now,
                         vcm_entry_problem *problems, size_t max, size_t *nproblems);
/* The transitions of an entry, oldest first. */
int vcm_entry_events(vcm_store *s, vcm_arena *a, int64_t id, vcm_entry_event **out,
                     size_t *n);

/* The editors waive the rule of an image with rights, with a reason (NULL
 * or "": lift the waiver). */
int vcm_entry_waive(vcm_store *s, int64_t id, const char *reason, const vcm_actor *who,
                    int64_t now);

/* The comment thread of an entry, oldest first. */
int vcm_entry_comment_add(vcm_store *s, int64_t id, const char *body, const vcm_actor *who,
                          int64_t now, int64_t *comment_id);
int vcm_entry_comments(vcm_store *s, vcm_arena *a, int64_t id, vcm_entry_comment **out,
                       size_t *n);

/* The quota of published masterpieces of a museum (VCM_QUOTA_DEFAULT when
 * not set), and setting it (quota >= 0). */
int vcm_entry_quota_get(vcm_store *s, int64_t museum_id, int64_t *quota);
int vcm_entry_quota_set(vcm_store *s, int64_t museum_id, int64_t quota);
/* Public masterpieces of a museum (0: all museums). */
int vcm_entry_count_live(vcm_store *s, int64_t museum_id, int64_t *n);

/* The public side. A published masterpiece: the entry and its live
 * version's content. */
typedef struct vcm_masterpiece {
    vcm_entry entry;
    vcm_entry_data data;
    int64_t published; /* when its live version was published */
} vcm_masterpiece;
/* The public masterpiece of a record (1), or 0 when the record is none. */
int vcm_masterpiece_of_object(vcm_store *s, vcm_arena *a, int64_t object_id,
                              vcm_masterpiece *out);
/* Public masterpieces, of one museum (0: all), ordered by record id, a
 * page (offset, limit) with the total in *total (may be NULL). */
int vcm_masterpiece_list(vcm_store *s, vcm_arena *a, int64_t museum_id, int64_t offset,
                         int64_t limit, vcm_masterpiece **out, size_t *n, int64_t *total);
/* The record ids of every public masterpiece, in id order (filters,
 * IIIF collections, sitemaps). */
int vcm_masterpiece_ids(vcm_store *s, vcm_arena *a, int64_t **ids, size_t *n);

/* Masterpiece of the Day. day: "YYYY-MM-DD" (UTC). The pick stored for day
 * (1), or a new pick made and stored when there is none (1), or 0 when
 * there are no public masterpieces. Two nodes picking at once end with one
 * stored pick: the insert keeps the first and both read it back. Past days
 * never change. The pick: public masterpieces with an image first, none
 * picked within the last 365 days while some remain, then the same hash of
 * the day everywhere. */
int vcm_motd_get(vcm_store *s, const char *day, int64_t *object_id, int64_t *entry_id);
/* Stored picks up to and including day, newest first, at most max. */
typedef struct vcm_motd {
    const char *day;
    int64_t object_id, entry_id, picked;
} vcm_motd;
int vcm_motd_list(vcm_store *s, vcm_arena *a, const char *day, int max, vcm_motd **out,
                  size_t *n);

/* Re-imports: compares every entry of the museum (0: all) with its
 * catalogue record as now stored, and records a conflict for each field a
 * curator edited (its value differs from the entry's first version) that
 * the catalogue now gives otherwise (its value differs from the first
 * version and from the curator's). The entry is never changed. A conflict
 * already recorded is not recorded again. *found: new conflicts. */
int vcm_entry_reconcile(vcm_store *s, int64_t museum_id, int64_t now, int64_t *found);
/* Conflicts of a museum's entries (0: all), unresolved first, newest first. */
int vcm_entry_conflicts(vcm_store *s, vcm_arena *a, int64_t museum_id,
                        vcm_entry_conflict **out, size_t *n);
/* Marks a conflict resolved (1), or 0 when there is none of that id. */
int vcm_entry_conflict_resolve(vcm_store *s, int64_t conflict_id);
#endif
