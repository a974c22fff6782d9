/* Loans between members, after Spectrum 5's "Loans in" and "Loans out":
 * the states a loan goes through, the information each step needs before
 * it is taken, and which states hold a booking of the objects lent. No SQL
 * and no HTTP: the store checks vcm_loan_check inside the transaction that
 * records a step, so pages, the API and tests share one state machine.
 *
 *   request -> assessment -> agreement -> condition_check_out -> in_transit
 *     -> on_display -> condition_check_in -> returned
 *   request | assessment | agreement | condition_check_out -> cancelled
 *
 * A loan is cancelled only while the objects are still with the lender
 * (up to and including the check before they leave); once in transit the
 * only way on is back to the lender and through the check-in. Returned
 * and cancelled are final. The objects are booked (no other loan may hold
 * them for an overlapping period) from agreement up to condition check in;
 * returned and cancelled free them. docs/loans.md says the same for
 * people. */
#ifndef VCM_MODEL_LOAN_H
#define VCM_MODEL_LOAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/network.h"

typedef enum vcm_loan_state {
    VCM_LOAN_REQUEST,
    VCM_LOAN_ASSESSMENT,
    VCM_LOAN_AGREEMENT,
    VCM_LOAN_CHECK_OUT,
    VCM_LOAN_IN_TRANSIT,
    VCM_LOAN_ON_DISPLAY,
    VCM_LOAN_CHECK_IN,
    VCM_LOAN_RETURNED,
    VCM_LOAN_CANCELLED,
    VCM_LOAN_NSTATES
} vcm_loan_state;

/* "request", "assessment", "agreement", "condition_check_out",
 * "in_transit", "on_display", "condition_check_in", "returned",
 * "cancelled"; "" for a value out of range. */
const char *vcm_loan_state_name(vcm_loan_state s);
/* 0 and *out for one of the names above, -1 otherwise. */
int vcm_loan_state_parse(const char *s, vcm_loan_state *out);

/* What a loan carries: Spectrum's minimum information, each field filled
 * by the step that needs it. Dates are YYYY-MM-DD; the period is inclusive
 * at both ends and always closed (no open-ended loan). */
typedef struct vcm_loan {
    int64_t id;
    int64_t lender_id, borrower_id; /* member museums, different */
    vcm_loan_state state;
    const char *number;             /* the loan's reference, e.g. "L2026-3" */
    const char *reason;             /* request: why the borrower asks */
    const char *start, *end;        /* request: the fixed period */
    const char *venue;              /* request: where the objects are shown */
    const char *assessment;         /* agreement: the lender's assessment */
    const char *conditions;         /* agreement: the conditions of the loan */
    const char *insurance;          /* agreement: insurance or indemnity */
    const char *condition_out;      /* condition check out: the report */
    const char *courier_out;        /* in transit: courier or carrier out */
    const char *arrival;            /* on display: the check on arrival at the venue */
    const char *courier_in;         /* condition check in: courier or carrier back */
    const char *condition_in;       /* returned: the report on return */
    const char *cancel_reason;      /* cancelled: why */
    int64_t exhibition_id;          /* 0, or the travelling exhibition it serves */
    int venue_no;                   /* and that exhibition's venue */
    int64_t created, updated;
    size_t nlines;                  /* objects lent (at least one) */
} vcm_loan;

/* Whether the edge from -> to exists. */
bool vcm_loan_next(vcm_loan_state from, vcm_loan_state to);
/* Whether a loan in state s books its objects. */
bool vcm_loan_holds(vcm_loan_state s);
/* Whether l (as it would be after the step) may move from l->state to
 * `to`: 0 allowed, -1 refused with *why: "loan-transition" (no such
 * edge), "loan-information" (a field the step needs is empty; why->key
 * names it), "loan-period" (dates that are no dates or end before they
 * start), "loan-parties" (lender and borrower missing or the same),
 * "loan-lines" (no object). */
int vcm_loan_check(const vcm_loan *l, vcm_loan_state to, vcm_refusal *why);
/* The checks of a new request (state REQUEST). */
int vcm_loan_check_request(const vcm_loan *l, vcm_refusal *why);
/* Whether s is a real date YYYY-MM-DD (years 1900 to 2999). */
bool vcm_loan_date_ok(const char *s);
/* Whether the inclusive periods [a0, a1] and [b0, b1] share a day (dates
 * as vcm_loan_date_ok: their text order is their order). */
bool vcm_loan_overlap(const char *a0, const char *a1, const char *b0, const char *b1);

/* The field names a step needs, NULL-terminated (pages mark them). */
const char *const *vcm_loan_needs(vcm_loan_state to);

/* One object of a loan's list as a form gives it, one per line:
 * "object:ID" for a collection object, else the lender's inventory number;
 * " | label" after either adds a label. Blank lines are skipped. */
typedef struct vcm_loan_entry {
    int64_t object_id;
    const char *inventory, *label; /* in the arena given */
} vcm_loan_entry;
#define VCM_LOAN_MAX_LINES 200
#define VCM_LOAN_MAX_TEXT 200 /* bytes of an inventory number or a label */
/* Parses text into at most VCM_LOAN_MAX_LINES entries (out: that many
 * places): the count, or -1 with *bad_line (from 1) for a line too long,
 * an "object:" with no number, or too many lines. Pure. */
int vcm_loan_entries_parse(const char *text, vcm_arena *a, vcm_loan_entry *out,
                           int *bad_line);
#endif
