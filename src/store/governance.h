/* The network's governance and meetings in the store (store/governance.c,
 * schema 012): bodies, offices, rules, terms of office, elections,
 * meetings and news.
 *
 * Every appointment is held against the rules of its office's body
 * (model/governance.h) in the same write transaction that stores it, so
 * two appointments made at once cannot both pass a rule that only one of
 * them may. A refused appointment writes nothing; the secretariat may
 * appoint against the rules with a reason, stored with the term together
 * with the rules it breaks. Each write records a line of the network's
 * history (network_history, schema 011) in the same transaction.
 *
 * Called inside the caller's transaction, a write joins it; otherwise it
 * makes its own. Functions return 0 (or 1 found / 0 not found) and -1 on
 * error, with the message in vcm_store_error(s); strings read come from
 * the arena given. actor: the name history records. */
#ifndef VCM_STORE_GOVERNANCE_H
#define VCM_STORE_GOVERNANCE_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/governance.h"
#include "store/store.h"

typedef struct vcm_gov_body {
    int64_t id;
    const char *key, *name, *source;
} vcm_gov_body;

typedef struct vcm_gov_office {
    int64_t id, body_id;
    const char *kind, *name;
    int pos;
} vcm_gov_office;

/* A rule as stored, with the body it binds. */
typedef struct vcm_gov_rule_row {
    vcm_gov_rule rule;
    int64_t body_id;
    const char *note, *source;
} vcm_gov_rule_row;

/* A term of office as stored and shown. */
typedef struct vcm_gov_appt {
    vcm_gov_term t;          /* office, holder, group (read), bounds */
    const char *country;     /* as stored; NULL: the person's museum's */
    const char *office_name;
    const char *holder;      /* the person's name or org; NULL when erased */
    bool holder_erased;
    int64_t election_id;
    const char *override, *broken; /* the reason, and the rules' kinds */
    const char *note, *source, *recorded_by;
    bool demo;
    int64_t recorded;
} vcm_gov_appt;

/* Inserts the body of b->key or renames it; sets b->id. */
int vcm_gov_body_put(vcm_store *s, vcm_gov_body *b);
int vcm_gov_body_by_key(vcm_store *s, vcm_arena *a, const char *key, vcm_gov_body *out);
/* Inserts the office (body_id, name) or updates its kind and place; sets o->id. */
int vcm_gov_office_put(vcm_store *s, vcm_gov_office *o);
int vcm_gov_office_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_gov_office *out);
/* The offices of a body in their order. */
int vcm_gov_office_list(vcm_store *s, vcm_arena *a, int64_t body_id, vcm_gov_office **out,
                        size_t *n);
/* Adds a rule to a body after checking it (vcm_gov_rule_valid): -1 with the
 * reason when it is malformed. Sets r->rule.id. */
int vcm_gov_rule_add(vcm_store *s, vcm_gov_rule_row *r, const char *actor);
int vcm_gov_rule_list(vcm_store *s, vcm_arena *a, int64_t body_id, vcm_gov_rule_row **out,
                      size_t *n);

/* The result of an appointment held against the rules. */
typedef struct vcm_gov_verdict {
    vcm_gov_breach breach[VCM_GOV_BREACH_MAX];
    const vcm_gov_rule_row *rules; /* the rules breach[].rule indexes (caller's arena) */
    size_t n;
} vcm_gov_verdict;

/* Appoints: a->t.office_id, holder (person_id, or org with museum_id),
 * country, start and end, election_id, note, source, demo. The holder's
 * group is read from the country (or the person's museum's) through the
 * partners. Unless history is true (recording a term the documents state,
 * which the rules, binding new appointments only, do not judge), the term
 * is held against the rules of the body: when it breaks any, it is
 * refused (-2, v says which and why) unless override is a reason, with
 * which it is stored together with the rules it breaks. Returns 0 (a->t.id
 * set), -2 refused, -1 error (no such office or person, a malformed date
 * or rule). */
int vcm_gov_appoint(vcm_store *s, vcm_arena *a, vcm_gov_appt *appt, bool history,
                    const char *override, const char *actor, vcm_gov_verdict *v);
/* Terms of one office (office_id > 0) or of every office of a body (office_id
 * 0), by office then start (unknown starts first). */
int vcm_gov_term_list(vcm_store *s, vcm_arena *a, int64_t body_id, int64_t office_id,
                      vcm_gov_appt **out, size_t *n);

/* ---- elections ---- */
typedef struct vcm_gov_candidate {
    int64_t id, election_id, person_id, museum_id;
    const char *org, *country;
    const char *name; /* read: the person's name (NULL erased) or org */
    int64_t votes;    /* read */
} vcm_gov_candidate;

typedef struct vcm_gov_election {
    int64_t id, office_id;
    const char *title, *held, *term_start, *term_end;
    bool open, demo;
    const char *source;
    int64_t created;
} vcm_gov_election;

int vcm_gov_election_add(vcm_store *s, vcm_gov_election *e, const char *actor);
int vcm_gov_election_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_gov_election *out);
/* Elections of a body, newest first. */
int vcm_gov_election_list(vcm_store *s, vcm_arena *a, int64_t body_id, vcm_gov_election **out,
                          size_t *n);
/* Adds a candidate to an open election: 0, -3 closed, -1. */
int vcm_gov_candidate_add(vcm_store *s, vcm_gov_candidate *c, const char *actor);
/* The candidates with their votes, most votes first. */
int vcm_gov_candidate_list(vcm_store *s, vcm_arena *a, int64_t election_id,
                           vcm_gov_candidate **out, size_t *n);
/* Casts a vote: voter_museum (a museum) or voter_person (a person), as the
 * body's voters rule allows (members: a museum whose current status is
 * member; committee: a person holding an office of the body on the day).
 * Returns 0, -2 not allowed to vote (why: a catalogue key), -3 the
 * election is closed or the candidate not of it, -4 voted already, -1. */
int vcm_gov_vote(vcm_store *s, int64_t election_id, int64_t voter_museum, int64_t voter_person,
                 int64_t candidate_id, const char **why);
/* Closes an open election: 1, 0 when it was not open. */
int vcm_gov_election_close(vcm_store *s, int64_t id, const char *actor);

/* ---- meetings ---- */
typedef struct vcm_meeting_item {
    const char *kind; /* session, agenda, document, decision */
    const char *title, *who, *due, *url;
} vcm_meeting_item;

typedef struct vcm_meeting_person {
    int64_t person_id;
    const char *role; /* participant, speaker, apologies */
    const char *name; /* read; NULL erased */
} vcm_meeting_person;

typedef struct vcm_meeting {
    int64_t id;
    const char *kind; /* general_conference, executive_committee */
    int number;       /* 0: not known */
    const char *title, *start, *end, *city, *country, *host, *theme, *minutes;
    int64_t host_museum_id;
    bool demo;
    const char *source;
    int64_t created, updated;
    vcm_meeting_item *items;
    size_t nitems;
    vcm_meeting_person *people;
    size_t npeople;
} vcm_meeting;

/* Inserts (m->id 0; sets it) or replaces meeting m->id with its items and
 * people: 1 done, 0 no such meeting, -2 the number is taken, -1 error (a
 * malformed date, kind or item). */
int vcm_meeting_put(vcm_store *s, vcm_meeting *m, const char *actor);
/* One meeting with its items and people. */
int vcm_meeting_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_meeting *out);
/* Meetings of a kind (NULL: all), by start, newest first (unknown last);
 * without items and people. */
int vcm_meeting_list(vcm_store *s, vcm_arena *a, const char *kind, vcm_meeting **out,
                     size_t *n);
/* Whether the meeting had a quorum: the people who held an office of the
 * body on its first day, and how many of them attended; 1 quorum, 0 not,
 * -1 error; *members 0 when no one is known to have held an office. */
int vcm_meeting_quorum(vcm_store *s, vcm_arena *a, const vcm_meeting *m, int64_t body_id,
                       int64_t *members, int64_t *present);

/* ---- news ---- */
typedef struct vcm_news {
    int64_t id, museum_id;
    const char *title, *body, *posted_by, *source;
    int64_t published, updated;
    bool demo;
} vcm_news;
/* Adds news; published 0: now. Sets n->id. */
int vcm_news_add(vcm_store *s, vcm_news *n, const char *actor);
int vcm_news_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_news *out);
/* The newest max items. */
int vcm_news_list(vcm_store *s, vcm_arena *a, int max, vcm_news **out, size_t *n);
#endif
