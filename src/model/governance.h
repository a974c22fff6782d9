/* The network's governance as data: offices, terms and the rules that bind
 * new appointments (docs/governance.md). No SQL and no HTTP here.
 *
 * A rule is a row of data, a kind and its parameters ("term_length",
 * "years=3"); vcm_gov_check() holds a proposed term against every rule and
 * the terms already stored and names each rule it breaks. Historical terms
 * may have unknown bounds: the rules bind new appointments, and an unknown
 * bound is never filled in by a guess (see vcm_gov_check for how a term
 * with an unknown end is read). */
#ifndef VCM_MODEL_GOVERNANCE_H
#define VCM_MODEL_GOVERNANCE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The two groups of ASEM partners. */
typedef enum vcm_group { VCM_GROUP_UNKNOWN, VCM_GROUP_ASIA, VCM_GROUP_EUROPE } vcm_group;
/* "asia", "europe", "" for unknown. */
const char *vcm_group_name(vcm_group g);
/* "Asia"/"asia", "Europe"/"europe": 0; anything else -1. */
int vcm_group_parse(const char *s, vcm_group *out);

/* A date as the network's documents give it: a year, a month or a day
 * ("2012", "2012-10", "2012-10-04"). y = 0: unknown. */
typedef struct vcm_gdate {
    int y, m, d; /* m, d = 0: not given */
} vcm_gdate;
/* Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a real calendar day, years
 * 1000-9999); NULL or "" is the unknown date. Returns 0, or -1. */
int vcm_gdate_parse(const char *s, vcm_gdate *out);
/* Writes d as it was given (10 bytes and a NUL at most); "" when unknown. */
void vcm_gdate_format(vcm_gdate d, char out[11]);
/* The first and the last day d may mean, as a number that orders days
 * (not a count of days: only for comparing). */
int64_t vcm_gdate_first(vcm_gdate d);
int64_t vcm_gdate_last(vcm_gdate d);

/* Kinds of office. */
#define VCM_OFFICE_KINDS "chair", "vice_chair", "secretary", "secretariat_host", \
                         "permanent_seat", "seat"
/* Whether k is one of VCM_OFFICE_KINDS. */
bool vcm_office_kind_ok(const char *k);

/* A term of office: who held (or is proposed to hold) which office, when.
 * The holder is a person (person_id) or an organization (org, its short
 * name as the rules name it, e.g. "ASEF", with museum_id when it is a
 * member museum). group: the holder's (from the country's partner group). */
typedef struct vcm_gov_term {
    int64_t id, office_id;
    const char *office_kind;
    int64_t person_id, museum_id;
    const char *org;
    vcm_group group;
    vcm_gdate start, end; /* y = 0: unknown */
} vcm_gov_term;

/* A rule as stored: kind and parameters "name=value name=value…", values
 * lists separated by commas. Kinds:
 *   term_length years=N [offices=k,…]   a new term lasts N years (end = start
 *                                        + N years, or the day before)
 *   different_groups offices=a,b        holders of these offices at the same
 *                                        time come from different groups
 *   alternation office=k                 each new term of k goes to the group
 *                                        that did not hold the term before
 *   permanent_seat holder=ORG            the permanent seat is ORG's, with no end
 *   one_office_per_person                 no person holds two offices at once
 *   voters who=committee|members         who may vote in elections
 *   quorum present=N/D                   a meeting has a quorum when at least
 *                                        N/D of the body's members attend */
typedef struct vcm_gov_rule {
    int64_t id;
    const char *kind, *params;
} vcm_gov_rule;

/* Checks a rule's kind and parameters. Returns 0, or -1 with a short
 * English reason in why (why_size bytes). */
int vcm_gov_rule_valid(const vcm_gov_rule *r, char *why, size_t why_size);
/* The value of parameter name in params, copied into out (size bytes): 1,
 * or 0 when absent (out = ""), -1 when it does not fit or params is
 * malformed. */
int vcm_gov_param(const char *params, const char *name, char *out, size_t size);
/* Whether item is one of the comma-separated list. */
bool vcm_gov_list_has(const char *list, const char *item);

/* A broken rule: which (index into the rules given) and why (a catalogue
 * key, "gov.breach.…"). */
typedef struct vcm_gov_breach {
    size_t rule;
    const char *why;
} vcm_gov_breach;
#define VCM_GOV_BREACH_MAX 16

/* Holds proposed against the rules and the stored terms (p->id must not be
 * among them). Writes each broken rule into out (at most max) and their
 * number into *n. Returns 0 (checked; *n = 0 means accepted), or -1 when a
 * rule is malformed (*n = 1, out[0] names it).
 *
 * How time is read: a term's start and end mean their first and last day
 * ("2012" starts on 1 January 2012 and, as an end, ends on 31 December).
 * A stored term whose end is unknown lasts until the next term of its
 * office starts, or is still running when there is none; one whose start
 * is unknown began at any time before its end; one with neither bound
 * known constrains nothing, except a permanent seat, which is held.
 * A proposed term must have a known start. Groups: a rule that needs the
 * proposed holder's group breaks when it is unknown (it cannot be checked);
 * an unknown group of a stored holder constrains nothing. */
int vcm_gov_check(const vcm_gov_rule *rules, size_t nrules, const vcm_gov_term *terms,
                  size_t nterms, const vcm_gov_term *p, vcm_gov_breach *out, size_t max,
                  size_t *n);

/* Whether person_id holds a term among terms on day (read as
 * vcm_gov_check reads stored terms). */
bool vcm_gov_holds(const vcm_gov_term *terms, size_t nterms, int64_t person_id, vcm_gdate day);

/* The rule "voters": whether a voter may vote. who=committee: people
 * holding an office of the body on the day of the vote (committee = true);
 * who=members: member museums (member = true). No voters rule: members.
 * Returns 1 may, 0 may not, -1 malformed rule. */
int vcm_gov_may_vote(const vcm_gov_rule *rules, size_t nrules, bool committee, bool member);

/* The rule "quorum": whether present of members attend enough. No quorum
 * rule: more than half. Returns 1, 0, or -1 malformed rule. */
int vcm_gov_quorum(const vcm_gov_rule *rules, size_t nrules, int64_t members, int64_t present);

/* The governance facts file (data/network/governance.tsv): one fact a
 * line, its kind, then name=value fields, separated by tabs; '#' starts a
 * comment line. Kinds and their names (* required):
 *   body     key* name* source
 *   office   body* kind* name* pos* source
 *   rule     body* kind* params note source
 *   term     office* person|org* position museum country start end note
 *            source* demo
 *   meeting  kind* number title* start end city country host theme source*
 *            demo
 *   item     meeting* kind* title* who due url
 *   news     title* body* published source* demo
 * office names an office by its name, meeting a meeting by its title;
 * museum names a stored museum by its English name (the person's, or the
 * organization's). Dates as vcm_gdate_parse takes them; demo yes or no. */
#define VCM_GOV_FACT_FIELDS 16
typedef struct vcm_gov_fact {
    const char *kind;
    const char *name[VCM_GOV_FACT_FIELDS], *value[VCM_GOV_FACT_FIELDS];
    size_t n;
} vcm_gov_fact;
/* Parses one line (len bytes, no line break) into out, its strings in a.
 * Returns 1 for a fact, 0 for a blank or comment line, -1 with the reason
 * in err (an unknown kind or name, a name twice, a required one missing, a
 * value its name does not take: a date, a number, a kind of office, a
 * malformed rule). Pure. */
struct vcm_arena;
int vcm_gov_fact_parse(const char *line, size_t len, struct vcm_arena *a, vcm_gov_fact *out,
                       char *err, size_t errlen);
/* The value of name in f, or NULL. */
const char *vcm_gov_fact_get(const vcm_gov_fact *f, const char *name);
#endif
