/* Virtual exhibitions: a curated text in ordered sections, each with its
 * own multilingual title and text, objects, and details of their images
 * (IIIF regions), under the editors' workflow. No SQL and no HTTP here.
 * (Not the network's travelling exhibitions: store/loan.h.)
 *
 * The content of a version (vcm_vx_data) is one document, kept as JSON:
 * a version is the whole exhibition as it was saved, so history is a list
 * of versions and a revert would be a save of an older one.
 *
 * The workflow, as for masterpiece entries but shorter:
 *
 *     draft ──submit──▶ submitted ──publish──▶ published ──withdraw──▶ withdrawn
 *       ▲                   │                      │                     │
 *       └─request_changes───┘                      └─edit (a save)─▶ draft ◀─restore┘
 *
 * A live version beside the state: publish makes the latest version live;
 * a save of a published exhibition moves it to draft and leaves the live
 * version public until the next publication; withdraw clears it. */
#ifndef VCM_MODEL_VEXHIBIT_H
#define VCM_MODEL_VEXHIBIT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "model/model.h"

typedef enum vcm_vx_state {
    VCM_VX_DRAFT,
    VCM_VX_SUBMITTED,
    VCM_VX_PUBLISHED,
    VCM_VX_WITHDRAWN,
    VCM_VX_STATES
} vcm_vx_state;

typedef enum vcm_vx_action {
    VCM_VXA_SUBMIT,          /* draft → submitted */
    VCM_VXA_REQUEST_CHANGES, /* submitted → draft */
    VCM_VXA_PUBLISH,         /* submitted, withdrawn → published */
    VCM_VXA_WITHDRAW,        /* published, submitted, draft → withdrawn */
    VCM_VXA_RESTORE,         /* withdrawn → draft */
    VCM_VXA_EDIT,            /* published → draft: a save of a published one */
    VCM_VXA_ACTIONS
} vcm_vx_action;

const char *vcm_vx_state_name(vcm_vx_state s);
int vcm_vx_state_parse(const char *s, vcm_vx_state *out);
/* "submit", "request_changes", "publish", "withdraw", "restore", "edit". */
const char *vcm_vx_action_name(vcm_vx_action a);
int vcm_vx_action_parse(const char *s, vcm_vx_action *out);
/* The authorization action (web/authz.c) of a workflow action: "vx.submit",
 * "vx.publish" (publish, request_changes), "vx.withdraw" (withdraw,
 * restore), "vx.update" (edit). */
const char *vcm_vx_action_authz(vcm_vx_action a);
/* The state action leads to from from: 0, or -1 when not allowed. Pure. */
int vcm_vx_next(vcm_vx_state from, vcm_vx_action a, vcm_vx_state *to);
/* Whether a save is allowed in state s (not while submitted). */
bool vcm_vx_editable(vcm_vx_state s);

/* Bounds that keep one exhibition a page, not a book. */
#define VCM_VX_SECTIONS_MAX 40
#define VCM_VX_ITEMS_MAX 24    /* a section's */
#define VCM_VX_TITLE_MAX 300   /* characters */
#define VCM_VX_TEXT_MAX 20000  /* characters of a section's text */
#define VCM_VX_SLUG_MAX 80

/* An object of a section, and the detail of its first image shown (w == 0:
 * the whole image). The region is in the image's pixels, as a IIIF Image
 * API region x,y,w,h. */
typedef struct vcm_vx_item {
    int64_t object_id;
    int64_t x, y, w, h;
    vcm_ltexts caption;
} vcm_vx_item;

typedef struct vcm_vx_section {
    vcm_ltexts title, text;
    vcm_vx_item *items;
    size_t nitems;
} vcm_vx_section;

/* What a version holds. Strings borrowed (from the arena they were read
 * into). */
typedef struct vcm_vx_data {
    vcm_ltexts title, intro;
    vcm_vx_section *sections;
    size_t nsections;
} vcm_vx_data;

/* An exhibition: its name in URLs (slug: a-z, 0-9 and '-', fixed at
 * creation), its state and versions. */
typedef struct vcm_vx {
    int64_t id;
    const char *slug;
    vcm_vx_state state;
    int64_t version, live_version, published, created, updated;
} vcm_vx;

typedef struct vcm_vx_version {
    int64_t exhibition_id, version, author_id, time;
    const char *author, *summary;
    vcm_vx_data data;
} vcm_vx_version;

typedef struct vcm_vx_event {
    int64_t id, exhibition_id, version, actor_id, time;
    const char *actor, *action, *comment;
    vcm_vx_state from, to;
} vcm_vx_event;

/* Whether s is a slug: 1 to VCM_VX_SLUG_MAX of a-z, 0-9 and '-', neither
 * starting nor ending with '-'. */
bool vcm_vx_slug_valid(const char *s);

/* The JSON of a version's content, and back: from_json reads outside
 * input (the API's bodies) and the store's text alike, and checks shape
 * only (vcm_vx_validate checks content). 0, or -1 with err. */
char *vcm_vx_data_to_json(const vcm_vx_data *d, vcm_arena *a);
int vcm_vx_data_from_json(vcm_vx_data *d, vcm_arena *a, const char *text, char *err,
                          size_t errlen);

/* Checks content as it is saved: a title, texts valid UTF-8 with valid
 * language tags and within bounds, object ids positive, regions inside
 * bounds (non-negative, w and h both 0 or both positive). 0, or -1 with
 * the field ("title", "section 2", "section 2 item 1") written into field
 * and the catalogue key of why in *why. */
int vcm_vx_validate(const vcm_vx_data *d, char *field, size_t fieldlen, const char **why);

/* Reads one item line of the editor's form: "ID", "ID x,y,w,h" or either
 * followed by " | caption". 0, or -1 (why: a catalogue key). Pure. */
int vcm_vx_item_parse(const char *line, vcm_arena *a, const char *lang, vcm_vx_item *out,
                      const char **why);
#endif
