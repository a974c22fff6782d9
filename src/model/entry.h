/* Masterpiece entries: a museum's choice of one of its catalogue records
 * (or of a record it creates), with the statements that say why it is a
 * masterpiece, under the editors' workflow. No SQL and no HTTP here.
 *
 * Catalogue and collection. The records an import or a harvest brings are
 * the museum's catalogue and stay public as they are. An entry selects one
 * of them and keeps its own content (vcm_entry_data): titles, descriptions,
 * statements, rights, licence, images. Every save of that content is a new
 * version; nothing is ever deleted (withdrawal hides, it does not remove).
 *
 * The workflow is a state machine over the entry's working copy:
 *
 *     draft ──submit──▶ submitted ──publish──▶ published ──withdraw──▶ withdrawn
 *       ▲                 │    ▲                  │                     │  │
 *       │        request_changes│ submit           │ edit (a save)       │  │
 *       │                 ▼    │                  ▼                     │  │
 *       │          changes_requested           draft ◀──────restore─────┘  │
 *       │                                                                   │
 *       └─────────────── (withdraw from any state) ; withdrawn ──publish──▶ published
 *
 * Beside the state, an entry has a live version: the version the public
 * sees (0: none). publish sets it to the current version; withdraw clears
 * it; saving a published entry moves it to draft (the "edit" transition)
 * and leaves the live version public while the new one awaits review. So
 * "public" means live_version != 0, whatever the working state. */
#ifndef VCM_MODEL_ENTRY_H
#define VCM_MODEL_ENTRY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/model.h"
#include "model/user.h"

typedef enum vcm_entry_state {
    VCM_ENTRY_DRAFT,
    VCM_ENTRY_SUBMITTED,
    VCM_ENTRY_CHANGES_REQUESTED,
    VCM_ENTRY_PUBLISHED,
    VCM_ENTRY_WITHDRAWN,
    VCM_ENTRY_STATES
} vcm_entry_state;

/* "draft", "submitted", "changes_requested", "published", "withdrawn". */
const char *vcm_entry_state_name(vcm_entry_state s);
int vcm_entry_state_parse(const char *s, vcm_entry_state *out);

typedef enum vcm_entry_action {
    VCM_EA_SUBMIT,          /* draft, changes_requested → submitted */
    VCM_EA_REQUEST_CHANGES, /* submitted → changes_requested */
    VCM_EA_PUBLISH,         /* submitted, withdrawn → published */
    VCM_EA_WITHDRAW,        /* any but withdrawn → withdrawn */
    VCM_EA_RESTORE,         /* withdrawn → draft */
    VCM_EA_EDIT,            /* published → draft: a save of a published entry */
    VCM_EA_ACTIONS
} vcm_entry_action;

/* "submit", "request_changes", "publish", "withdraw", "restore", "edit". */
const char *vcm_entry_action_name(vcm_entry_action a);
int vcm_entry_action_parse(const char *s, vcm_entry_action *out);
/* The authorization action (web/authz.c) of a workflow action:
 * "entry.submit", "entry.request_changes", "entry.publish", "entry.withdraw",
 * "entry.restore", "entry.update". */
const char *vcm_entry_action_authz(vcm_entry_action a);

/* The state machine: the state action leads to from from, in *to; 0, or
 * -1 when the action is not allowed there. Pure. */
int vcm_entry_next(vcm_entry_state from, vcm_entry_action action, vcm_entry_state *to);
/* Whether the working copy may be saved in state s (draft, changes_requested,
 * published: the last through VCM_EA_EDIT). Submitted entries wait for the
 * editors; withdrawn ones are restored first. */
bool vcm_entry_editable(vcm_entry_state s);

/* "Why this is a masterpiece", in one language. date: Unix seconds. */
#define VCM_STATEMENT_MIN 100  /* characters */
#define VCM_STATEMENT_MAX 8000 /* characters */
typedef struct vcm_statement {
    const char *lang, *text, *author;
    int64_t date;
} vcm_statement;

/* An image of the entry, by its IIIF identifier, with its rights (a URI). */
typedef struct vcm_entry_image {
    const char *identifier, *rights;
} vcm_entry_image;

/* What a version holds: the content curators edit. Strings borrowed. */
typedef struct vcm_entry_data {
    vcm_ltexts title, description;
    vcm_statement *statements;
    size_t nstatements;
    const char *date_text, *creators, *classification, *materials, *dimensions;
    const char *credit_line;
    const char *rights;  /* the object's rights, a URI */
    const char *licence; /* the licence of the texts (a URI) */
    vcm_entry_image *images;
    size_t nimages;
} vcm_entry_data;

/* An entry: its workflow state and versions. */
typedef struct vcm_entry {
    int64_t id, museum_id, object_id;
    bool created_record; /* the museum created the record (no catalogue one) */
    vcm_entry_state state;
    int64_t version;      /* the latest version (1 = as first saved) */
    int64_t live_version; /* what the public sees; 0: nothing */
    int64_t created, updated;
    const char *waiver;   /* the editors' reason to waive the image rule; NULL: none */
    int64_t waiver_by, waiver_at;
} vcm_entry;

/* One saved version: who, when, what changed (a short summary), content. */
typedef struct vcm_entry_version {
    int64_t entry_id, version, author_id, time;
    const char *author, *summary;
    vcm_entry_data data;
} vcm_entry_version;

/* A transition recorded: who, when, from and to, and the comment. */
typedef struct vcm_entry_event {
    int64_t id, entry_id, actor_id, time, version;
    const char *actor, *action, *comment;
    vcm_entry_state from, to;
} vcm_entry_event;

/* A message of an entry's comment thread. */
typedef struct vcm_entry_comment {
    int64_t id, entry_id, author_id, time;
    const char *author, *body;
} vcm_entry_comment;

/* A re-import that brought a value other than the one a curator wrote. */
typedef struct vcm_entry_conflict {
    int64_t id, entry_id, object_id, time;
    const char *field;    /* a key of vcm_entry_flatten ("title:en") */
    const char *kept;     /* the curator's value, kept */
    const char *incoming; /* the catalogue's new value */
    bool resolved;
} vcm_entry_conflict;

/* A field of the data flattened: key ("title:en", "statement:ko",
 * "statement_author:en", "rights", "image:0") and its value as text. */
typedef struct vcm_entry_field {
    const char *key, *value;
} vcm_entry_field;

/* The data as sorted key/value pairs (in a); every diff works on these. */
int vcm_entry_flatten(const vcm_entry_data *d, vcm_arena *a, vcm_entry_field **out, size_t *n);

/* A difference between two versions: before or after NULL when the field
 * is absent on that side. */
typedef struct vcm_entry_change {
    const char *key, *before, *after;
} vcm_entry_change;
/* The fields that differ from a to b, in key order. Pure. */
int vcm_entry_diff(const vcm_entry_data *a, const vcm_entry_data *b, vcm_arena *ar,
                   vcm_entry_change **out, size_t *n);
/* "title:en, statement:ko" (at most a few keys, then "…") into buf. */
void vcm_entry_diff_summary(const vcm_entry_change *c, size_t n, char *buf, size_t size);

/* The content of a catalogue record, as a new entry starts from it. */
int vcm_entry_data_from_object(vcm_entry_data *d, vcm_arena *a, const vcm_object *o);
/* Lays the entry's content over a copy of the record: titles, descriptions
 * and statements replace the record's when the entry has them, and so do
 * the scalar fields it sets. o is changed in place (strings borrowed). */
void vcm_entry_apply(const vcm_entry_data *d, vcm_arena *a, vcm_object *o);

/* JSON text of a version's content and back (the store keeps versions as
 * this). from_json: 0, or -1 with a message in err. */
char *vcm_entry_data_to_json(const vcm_entry_data *d, vcm_arena *a);
int vcm_entry_data_from_json(vcm_entry_data *d, vcm_arena *a, const char *text, char *err,
                             size_t errlen);

/* Checks a version as it is saved: every text valid UTF-8 with a valid
 * language tag, lengths within bounds. 0, or -1 with the problem's field
 * key in *field and its catalogue key in *why. */
int vcm_entry_validate(const vcm_entry_data *d, const char **field, const char **why);

/* The checks before submission (and publication). langs: the museum's
 * languages, its own first (model/lang.c, museum profiles); waived: the
 * editors waived the image rule. Each problem found is one field key and
 * the catalogue key of why, up to max; *n their count (0: ready). Keys:
 * "title:en", "statement:en", "title:own" and "statement:own" (in the
 * museum's own language, the first of langs), "images", "licence". */
typedef struct vcm_entry_problem {
    const char *field, *why;
} vcm_entry_problem;
int vcm_entry_check(const vcm_entry_data *d, const char *langs, bool waived,
                    vcm_entry_problem *out, size_t max, size_t *n);

/* The Masterpiece of the Day's choice among the public masterpieces: those
 * with an image and not picked on or after cutoff (a day a year before),
 * else those not picked since cutoff, else those with an image, else all;
 * within that tier the one a hash of day (YYYY-MM-DD) points at, so every
 * node and every visitor get the same. last: the last day it was picked
 * (NULL: never). Returns the index in c, or -1 when n is 0. Pure. */
typedef struct vcm_motd_candidate {
    int64_t entry_id, object_id;
    bool image;
    const char *last;
} vcm_motd_candidate;
long vcm_motd_choose(const vcm_motd_candidate *c, size_t n, const char *day,
                     const char *cutoff);

/* The per-museum quota of published masterpieces, unless set otherwise. */
#define VCM_QUOTA_DEFAULT 25
#endif
