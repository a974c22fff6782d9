/* The network itself as data: partners, the membership of museums, people
 * and their consent, the directory of Asian collections; and the rules
 * that membership follows. No SQL and no HTTP here: the store applies
 * these rules inside the transaction that records a change, so that a
 * page, the API and the command line cannot disagree on them.
 *
 * Rules (docs/network.md):
 * - "member-transition": a museum's status moves only along the edges of
 *   vcm_member_next() (an applicant becomes a member or is declined, a
 *   member lapses or leaves, a lapsed member renews or leaves, a museum
 *   that left or was declined may apply again; the secretariat may record
 *   a membership known from before the platform: none -> member).
 * - "reason-required": declining, leaving and lapsing name a reason.
 * - "partner-country": a museum becomes a member only in a partner
 *   country of ASEM (Hong Kong and Macao count as China) unless the
 *   secretariat recorded an exception with its reason.
 * - "date": a from-date is YYYY, YYYY-MM or YYYY-MM-DD (what is known). */
#ifndef VCM_MODEL_NETWORK_H
#define VCM_MODEL_NETWORK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

/* A museum's membership status; NONE: never recorded (a museum may
 * contribute to the collection without being a member). */
typedef enum vcm_member_state {
    VCM_MS_NONE,
    VCM_MS_APPLICANT,
    VCM_MS_MEMBER,
    VCM_MS_LAPSED,
    VCM_MS_LEFT,
    VCM_MS_DECLINED,
    VCM_MS_COUNT
} vcm_member_state;

/* "applicant", "member", "lapsed", "left", "declined"; "" for NONE. */
const char *vcm_member_state_name(vcm_member_state s);
/* 0 and *out for one of the five names, -1 otherwise. */
int vcm_member_state_parse(const char *s, vcm_member_state *out);

/* Why a change was refused: the rule's name ("member-transition",
 * "reason-required", "partner-country", "date") and the catalogue key of a
 * sentence for visitors. */
typedef struct vcm_refusal {
    const char *rule;
    const char *key;
} vcm_refusal;

/* Whether a museum may go from status `from` to `to`. in_partner: its
 * country is a partner country; exception: the secretariat recorded one;
 * reason: the reason given (NULL or "" when none). Returns 0 when the
 * change is allowed, -1 with *why filled when it is refused. */
int vcm_member_check(vcm_member_state from, vcm_member_state to, bool in_partner,
                     bool exception, const char *reason, vcm_refusal *why);
/* Whether the edge from -> to exists at all (the first rule alone). */
bool vcm_member_next(vcm_member_state from, vcm_member_state to);
/* Whether s is a date the network records: YYYY, YYYY-MM or YYYY-MM-DD
 * with a real month and day, years 1900 to 2999. */
bool vcm_member_date_ok(const char *s);

/* One change of a museum's status. */
typedef struct vcm_member_event {
    int64_t id, museum_id;
    vcm_member_state status;
    const char *from_date;   /* NULL: unknown */
    const char *reason;      /* NULL: none given */
    const char *recorded_by; /* the actor's name, or "demo data", "migration 11" */
    int64_t recorded;        /* Unix seconds */
    bool demo;               /* demo-only: shown as such */
    const char *source;      /* the document that says so, NULL when none */
} vcm_member_event;

/* A partner of ASEM: a country (code: ISO 3166-1 alpha-2) or an
 * institution (the European Union "EU", the ASEAN Secretariat "ASEAN"). */
typedef struct vcm_partner {
    const char *code, *name;
    bool institution;
    vcm_region group; /* ASIA or EUROPE for a country; OTHER for an institution */
    int joined;       /* year; 0 unknown */
    const char *source;
} vcm_partner;

/* Someone the network knows: a contact, an officer, a participant. Once
 * erased, every personal field is NULL and only the row's id, the erasure
 * time and the history that mentions it remain ("a former contact"). */
typedef struct vcm_person {
    int64_t id;
    const char *name;
    int64_t museum_id; /* 0: none (then organization may say where) */
    const char *organization, *position, *email, *phone;
    bool consent;           /* to being listed and contacted, as consent_for says */
    int64_t consent_when;   /* Unix seconds; 0 none */
    const char *consent_for; /* what the consent covers, in the person's words or the form's */
    bool erased;
    int64_t erased_when;
    bool demo;
    const char *source;
    int64_t created, updated;
} vcm_person;

/* A collection in the directory of Asian collections (not its objects). */
typedef struct vcm_collection {
    int64_t id, museum_id;
    const char *name, *scope, *size, *periods, *cultures, *access;
    int64_t contact_id; /* a person; 0 none */
    bool demo;
    const char *source;
    int64_t created, updated;
} vcm_collection;

/* A join application from the public form. */
typedef enum vcm_app_state { VCM_APP_PENDING, VCM_APP_ACCEPTED, VCM_APP_DECLINED } vcm_app_state;
const char *vcm_app_state_name(vcm_app_state s);
int vcm_app_state_parse(const char *s, vcm_app_state *out);

typedef struct vcm_application {
    int64_t id;
    const char *institution;
    char country[3];
    const char *city, *website;
    int64_t contact_id;
    const char *collections;
    bool ack_definition, ack_ethics;
    vcm_app_state state;
    const char *reason;
    int64_t museum_id;
    int64_t submitted, decided;
    const char *decided_by;
} vcm_application;

/* The fields of the join form, as sent. */
typedef struct vcm_join_form {
    const char *institution, *country, *city, *website;
    const char *contact_name, *contact_position, *contact_email, *contact_phone;
    const char *collections;
    bool ack_definition, ack_ethics, consent;
} vcm_join_form;

/* A field of a form that is wrong, with the catalogue key of why. */
typedef struct vcm_field_error {
    const char *field, *key;
} vcm_field_error;
#define VCM_JOIN_MAX_ERRORS 12

/* Checks a join form: institution (1..200 bytes), a two-letter country
 * code, contact name (1..200), a contact e-mail address (model/user.h's
 * rule), collections described (1..4000), both acknowledgements and the
 * consent given; optional city, position, phone (<= 200) and website
 * (http or https, <= 500). Every string must be valid UTF-8 without
 * control characters but line breaks in the collections. Returns the
 * number of errors written into errs (0: the form is good). Pure. */
size_t vcm_join_check(const vcm_join_form *f, vcm_field_error *errs, size_t max);

/* A growth figure the network recorded itself (not a count of rows). */
typedef struct vcm_figure {
    int year;
    bool at_start; /* at the start of the year; otherwise at its end */
    int64_t members, countries; /* countries: 0 when not stated */
    const char *source;
} vcm_figure;
/* Growth: how many museums were members at the end of each year, by
 * country, derived from status histories. ev: every event, grouped by
 * museum and oldest first within one (vcm_member_history_all's order);
 * countries[i]: the country of ev[i]'s museum. A museum counts in year Y
 * when the newest of its events dated Y or before (by from_date's year)
 * makes it a member; events with no date are left out (the count of
 * members whose date is not known is *undated). Writes the non-zero
 * cells, by year then country, for years first..last, into out (at most
 * max) and returns how many; a result that would not fit is cut at max. */
typedef struct vcm_growth_cell {
    int year;
    char country[3];
    int64_t members;
} vcm_growth_cell;
size_t vcm_growth(const vcm_member_event *ev, const char (*countries)[3], size_t n, int first,
                  int last, vcm_growth_cell *out, size_t max, int64_t *undated);
/* The year of a from-date (its first four digits), 0 when it has none. */
int vcm_member_date_year(const char *from_date);
/* The demo network's facts file (data/network/facts.tsv): one fact a line,
 * its kind, then key=value fields, separated by tabs; '#' starts a
 * comment line. Kinds and their keys (* required):
 *   partner     code* name* kind* (country, institution) group (asia,
 *               europe) joined (year) source*
 *   museum      name* country* city website source*
 *   member      museum* status* from reason source* demo (yes, no)
 *   figure      year* at* (start, end) members* countries source*
 *   collection  museum* name* scope size periods cultures access source*
 *               demo
 * Every fact names its source: the document that says it, quoted. */
typedef enum vcm_fact_kind {
    VCM_FACT_PARTNER,
    VCM_FACT_MUSEUM,
    VCM_FACT_MEMBER,
    VCM_FACT_FIGURE,
    VCM_FACT_COLLECTION,
    VCM_FACT_KINDS
} vcm_fact_kind;
#define VCM_FACT_FIELDS 12
typedef struct vcm_fact {
    vcm_fact_kind kind;
    const char *key[VCM_FACT_FIELDS], *value[VCM_FACT_FIELDS];
    size_t n;
} vcm_fact;
/* Parses one line (len bytes, no line break) into out, its strings in a.
 * Returns 1 for a fact, 0 for a blank or comment line, -1 with the reason
 * in err (an unknown kind or key, a key twice, a required key missing, a
 * value that is not what its key takes, text that is not UTF-8). Pure. */
int vcm_fact_parse(const char *line, size_t len, vcm_arena *a, vcm_fact *out, char *err,
                   size_t errlen);
/* The value of key in f, or NULL. */
const char *vcm_fact_get(const vcm_fact *f, const char *key);
#endif
