/* Loans between members, travelling exhibitions and the exchange
 * programme in the store (store/loan.c, schema 016).
 *
 * Every write runs in one transaction with its line of network_history
 * (who, what, when), the caller's transaction when one is open. A loan's
 * step is checked by vcm_loan_check (model/loan.h) against the loan as
 * stored in that transaction. Entering a state that holds a booking writes
 * one row of loan_bookings per object; the store refuses a row whose
 * object is booked for days in common (an exclusion constraint on
 * PostgreSQL, triggers on SQLite), so that no writer, this program or
 * another, can book an object twice. Leaving for returned or cancelled
 * deletes the rows.
 *
 * Return values: 0 done (or 1 found / 0 not found for reads), -1 error
 * (vcm_store_error), -2 refused by a rule (*why), -3 an object is booked
 * (*clash says which and by which loan), -4 no such loan or a loan that
 * changed state meanwhile. */
#ifndef VCM_STORE_LOAN_H
#define VCM_STORE_LOAN_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/exchange.h"
#include "model/loan.h"
#include "store/store.h"

/* An object lent: a collection object (object_id) or a lender's object
 * given by its inventory number. item: the key bookings use, 'o:ID' or
 * 'm:LENDER:INVENTORY' (set by the store). */
typedef struct vcm_loan_line {
    const char *item;
    int64_t object_id;
    const char *inventory;
    const char *label;
} vcm_loan_line;

/* A booking that stands in the way. */
typedef struct vcm_loan_clash {
    char item[160];
    int64_t loan_id; /* 0 when another writer's booking came first (the constraint) */
    char start[11], end[11];
} vcm_loan_clash;

/* Sets line->item (and object_id when the inventory number names a
 * collection object of the lender): 0, -2 (an object that is no object of
 * the lender, or neither id nor inventory number), -1. */
int vcm_loan_line_resolve(vcm_store *s, vcm_arena *a, int64_t lender_id, vcm_loan_line *line,
                          vcm_refusal *why);
/* Stores a new request l with its lines (l->state is REQUEST; sets l->id,
 * created; the number is read back with vcm_loan_get; the lines' items
 * are not kept): 0, -2, -1. */
int vcm_loan_create(vcm_store *s, vcm_loan *l, vcm_loan_line *lines, size_t n,
                    const char *actor, vcm_refusal *why);
/* 1 with *out and its lines (lines may be NULL), 0 none, -1. */
int vcm_loan_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_loan *out, vcm_loan_line **lines,
                 size_t *n);
/* Loans where museum_id lends or borrows (0: every loan), newest first. */
int vcm_loan_list(vcm_store *s, vcm_arena *a, int64_t museum_id, vcm_loan **out, size_t *n);
/* Moves loan id from state `from` to `to`, setting the fields of info that
 * are not NULL first (the information of the step). 0, -2, -3, -4, -1. */
int vcm_loan_step(vcm_store *s, int64_t id, vcm_loan_state from, vcm_loan_state to,
                  const vcm_loan *info, const char *actor, vcm_refusal *why,
                  vcm_loan_clash *clash);
/* Bookings that hold item for days in common with [start, end], but for
 * loan `except`: 1 with *clash, 0 none, -1. */
int vcm_loan_booked(vcm_store *s, const char *item, const char *start, const char *end,
                    int64_t except, vcm_loan_clash *clash);

/* ---- travelling exhibitions ---- */
typedef struct vcm_exhibition {
    int64_t id, organiser_id;
    const char *title, *curators, *description;
    bool demo;
    int64_t created, updated;
} vcm_exhibition;

typedef struct vcm_venue {
    int n;
    int64_t museum_id;
    const char *city, *start, *end;
} vcm_venue;

typedef struct vcm_venue_object {
    int n;
    int64_t lender_id;
    vcm_loan_line line;
} vcm_venue_object;

/* A conflict of a venue's object, shown before anything is booked: the
 * object is booked by a loan (loan_id) or shown at another venue of the
 * tour (other_venue) for days in common. */
typedef struct vcm_tour_conflict {
    int n;
    const char *item, *label;
    int64_t loan_id;
    int other_venue;
    const char *start, *end;
} vcm_tour_conflict;

int vcm_exhibition_create(vcm_store *s, vcm_exhibition *e, const char *actor,
                          const char **field);
int vcm_exhibition_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_exhibition *out);
int vcm_exhibition_list(vcm_store *s, vcm_arena *a, vcm_exhibition **out, size_t *n);
/* Adds venue v as the next of the itinerary (sets v->n): 0, -2 (dates, or
 * a museum that is none; *field names the field), -1. */
int vcm_venue_add(vcm_store *s, int64_t exhibition_id, vcm_venue *v, const char *actor,
                  const char **field);
int vcm_venue_list(vcm_store *s, vcm_arena *a, int64_t exhibition_id, vcm_venue **out,
                   size_t *n);
/* Adds an object to venue n's list (o->line resolved here): 0, -2, -1. */
int vcm_venue_object_add(vcm_store *s, int64_t exhibition_id, vcm_venue_object *o,
                         const char *actor, vcm_refusal *why);
/* Objects of venue n (0: of every venue), by venue then item. */
int vcm_venue_objects(vcm_store *s, vcm_arena *a, int64_t exhibition_id, int n,
                      vcm_venue_object **out, size_t *count);
/* Every conflict of the exhibition's venues, by venue. */
int vcm_exhibition_conflicts(vcm_store *s, vcm_arena *a, int64_t exhibition_id,
                             vcm_tour_conflict **out, size_t *n);
/* Makes venue n's loans: one request per lender (the venue's own museum
 * needs none), for the venue's dates, in one transaction. *made: how many.
 * 0, -2 (no objects, or loans made already), -1. */
int vcm_exhibition_make_loans(vcm_store *s, int64_t exhibition_id, int n, const char *actor,
                              int *made, vcm_refusal *why);
/* Loans made for the exhibition's venue n (0: every venue). */
int vcm_exhibition_loans(vcm_store *s, vcm_arena *a, int64_t exhibition_id, int n,
                         vcm_loan **out, size_t *count);

/* ---- the exchange programme ---- */
/* Adds post p (its group from its museum's country): 0, -2 (*field, *key),
 * -1. */
int vcm_xpost_add(vcm_store *s, vcm_xpost *p, const char *actor, const char **field,
                  const char **key);
int vcm_xpost_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_xpost *out);
/* Posts, open ones only when open_only, newest first. */
int vcm_xpost_list(vcm_store *s, vcm_arena *a, bool open_only, vcm_xpost **out, size_t *n);

typedef struct vcm_placement {
    int64_t id, offer_id, request_id, host_id, home_id;
    int score;
    const char *created_by;
    int64_t created;
} vcm_placement;
typedef struct vcm_placement_report {
    int64_t id, placement_id;
    const char *author, *body;
    int64_t created;
} vcm_placement_report;

/* Agrees a placement from an open offer and an open request that match
 * (model/exchange.h), closing both: 0 (p->id), -2 (why->key), -4, -1. */
int vcm_placement_add(vcm_store *s, int64_t offer_id, int64_t request_id, const char *actor,
                      vcm_placement *p, vcm_refusal *why);
int vcm_placement_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_placement *out);
int vcm_placement_list(vcm_store *s, vcm_arena *a, vcm_placement **out, size_t *n);
int vcm_placement_report_add(vcm_store *s, vcm_placement_report *r);
int vcm_placement_reports(vcm_store *s, vcm_arena *a, int64_t placement_id,
                          vcm_placement_report **out, size_t *n);
#endif
