/* The loan state machine (model/loan.h). */
#include <string.h>

#include "model/loan.h"
#include "core/banned.h"

static const char *const names[VCM_LOAN_NSTATES] = {
    "request",    "assessment", "agreement",          "condition_check_out", "in_transit",
    "on_display", "condition_check_in", "returned",   "cancelled"};

const char *vcm_loan_state_name(vcm_loan_state s)
{
    return (unsigned)s < VCM_LOAN_NSTATES ? names[s] : "";
}

int vcm_loan_state_parse(const char *s, vcm_loan_state *out)
{
    for (int i = 0; s && i < VCM_LOAN_NSTATES; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (vcm_loan_state)i;
            return 0;
        }
    return -1;
}

bool vcm_loan_next(vcm_loan_state from, vcm_loan_state to)
{
    if ((unsigned)from >= VCM_LOAN_NSTATES || (unsigned)to >= VCM_LOAN_NSTATES)
        return false;
    if (to == VCM_LOAN_CANCELLED)
        return from <= VCM_LOAN_CHECK_OUT;
    return from < VCM_LOAN_RETURNED && to == from + 1;
}

bool vcm_loan_holds(vcm_loan_state s)
{
    return s >= VCM_LOAN_AGREEMENT && s <= VCM_LOAN_CHECK_IN;
}

/* What each state needs, beyond what the states before it needed. */
static const char *const need_request[] = {"reason", "start", "end", "venue", NULL};
static const char *const need_none[] = {NULL};
static const char *const need_agreement[] = {"assessment", "conditions", "insurance", NULL};
static const char *const need_out[] = {"condition_out", NULL};
static const char *const need_transit[] = {"courier_out", NULL};
static const char *const need_display[] = {"arrival", NULL};
static const char *const need_in[] = {"courier_in", NULL};
static const char *const need_returned[] = {"condition_in", NULL};
static const char *const need_cancelled[] = {"cancel_reason", NULL};

const char *const *vcm_loan_needs(vcm_loan_state to)
{
    switch (to) {
    case VCM_LOAN_REQUEST: return need_request;
    case VCM_LOAN_AGREEMENT: return need_agreement;
    case VCM_LOAN_CHECK_OUT: return need_out;
    case VCM_LOAN_IN_TRANSIT: return need_transit;
    case VCM_LOAN_ON_DISPLAY: return need_display;
    case VCM_LOAN_CHECK_IN: return need_in;
    case VCM_LOAN_RETURNED: return need_returned;
    case VCM_LOAN_CANCELLED: return need_cancelled;
    default: return need_none;
    }
}

static const char *value(const vcm_loan *l, const char *f)
{
    static const struct {
        const char *name;
        size_t off;
    } fields[] = {
        {"reason", offsetof(vcm_loan, reason)},
        {"start", offsetof(vcm_loan, start)},
        {"end", offsetof(vcm_loan, end)},
        {"venue", offsetof(vcm_loan, venue)},
        {"assessment", offsetof(vcm_loan, assessment)},
        {"conditions", offsetof(vcm_loan, conditions)},
        {"insurance", offsetof(vcm_loan, insurance)},
        {"condition_out", offsetof(vcm_loan, condition_out)},
        {"courier_out", offsetof(vcm_loan, courier_out)},
        {"arrival", offsetof(vcm_loan, arrival)},
        {"courier_in", offsetof(vcm_loan, courier_in)},
        {"condition_in", offsetof(vcm_loan, condition_in)},
        {"cancel_reason", offsetof(vcm_loan, cancel_reason)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(fields[i].name, f) == 0)
            return *(const char *const *)((const char *)l + fields[i].off);
    return NULL;
}

static bool blank(const char *v)
{
    return !v || !v[strspn(v, " \t\r\n")];
}

static int refuse(vcm_refusal *why, const char *rule, const char *key)
{
    if (why) {
        why->rule = rule;
        why->key = key;
    }
    return -1;
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

bool vcm_loan_date_ok(const char *s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
        s[7] != '-' || !digits(s + 8, 2))
        return false;
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

bool vcm_loan_overlap(const char *a0, const char *a1, const char *b0, const char *b1)
{
    return strcmp(a0, b1) <= 0 && strcmp(b0, a1) <= 0;
}

static int missing(const vcm_loan *l, vcm_loan_state to, vcm_refusal *why)
{
    for (const char *const *f = vcm_loan_needs(to); *f; f++)
        if (blank(value(l, *f)))
            return refuse(why, "loan-information", *f);
    return 0;
}

int vcm_loan_check_request(const vcm_loan *l, vcm_refusal *why)
{
    if (!l->lender_id || !l->borrower_id || l->lender_id == l->borrower_id)
        return refuse(why, "loan-parties", "loan.refused.parties");
    if (missing(l, VCM_LOAN_REQUEST, why) < 0)
        return -1;
    /* a fixed period, both ends real dates: no open-ended loan */
    if (!vcm_loan_date_ok(l->start) || !vcm_loan_date_ok(l->end) ||
        strcmp(l->start, l->end) > 0)
        return refuse(why, "loan-period", "loan.refused.period");
    if (l->nlines == 0)
        return refuse(why, "loan-lines", "loan.refused.lines");
    return 0;
}

int vcm_loan_check(const vcm_loan *l, vcm_loan_state to, vcm_refusal *why)
{
    if (!vcm_loan_next(l->state, to))
        return refuse(why, "loan-transition", "loan.refused.transition");
    /* what the request needed still holds at every step */
    if (vcm_loan_check_request(l, why) < 0)
        return -1;
    /* every step needs what the steps before it needed, so a loan never
     * stands in a state without the information of that state */
    if (to != VCM_LOAN_CANCELLED)
        for (int s = VCM_LOAN_ASSESSMENT; s <= (int)to; s++)
            if (missing(l, (vcm_loan_state)s, why) < 0)
                return -1;
    return to == VCM_LOAN_CANCELLED ? missing(l, to, why) : 0;
}

/* A copy of [s, e) without the spaces around it, or NULL when empty. */
static const char *trimmed(vcm_arena *a, const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    if (s == e)
        return NULL;
    char *c = vcm_arena_alloc(a, (size_t)(e - s) + 1);
    if (!c)
        return NULL;
    memcpy(c, s, (size_t)(e - s));
    c[e - s] = '\0';
    return c;
}

int vcm_loan_entries_parse(const char *text, vcm_arena *a, vcm_loan_entry *out, int *bad_line)
{
    int n = 0, line = 0;
    const char *p = text ? text : "";
    while (*p) {
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        line++;
        const char *bar = memchr(p, '|', (size_t)(end - p));
        const char *key = trimmed(a, p, bar ? bar : end);
        const char *label = bar ? trimmed(a, bar + 1, end) : NULL;
        p = eol ? eol + 1 : end;
        if (!key && !label)
            continue;
        *bad_line = line;
        if (!key || n == VCM_LOAN_MAX_LINES || strlen(key) > VCM_LOAN_MAX_TEXT ||
            (label && strlen(label) > VCM_LOAN_MAX_TEXT))
            return -1;
        vcm_loan_entry e = {.label = label};
        if (strncmp(key, "object:", 7) == 0) {
            const char *d = key + 7;
            if (!*d || strlen(d) > 18 || strspn(d, "0123456789") != strlen(d))
                return -1;
            for (; *d; d++)
                e.object_id = e.object_id * 10 + (*d - '0');
            if (!e.object_id)
                return -1;
        } else {
            e.inventory = key;
        }
        out[n++] = e;
    }
    *bad_line = 0;
    return n;
}
