/* Visitors' collections in the store (store/my.c, schema 018): named lists
 * of objects and image details, each owned by a visitor cookie or a
 * visitor account, private, shared by link, or published once an editor
 * approved it (docs/curation.md, "Visitors' collections").
 *
 * The tables are operational (on SQLite in the PATH-ops file, on
 * PostgreSQL without a data-version trigger), so saving an object never
 * empties a content cache; as with the accounts (store/account.h) every
 * write is one statement on its own. Secrets never reach these functions:
 * the visitor cookie and the share link are known by their SHA-256.
 *
 * Functions return 0 (or 1 found / 0 not found) and -1 on error, with the
 * message in vcm_store_error(s). Strings read come from the arena given. */
#ifndef VCM_STORE_MY_H
#define VCM_STORE_MY_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"

#define VCM_MY_LISTS_MAX 50   /* collections of one owner */
#define VCM_MY_ITEMS_MAX 500  /* items of one collection */
#define VCM_MY_NAME_MAX 120   /* bytes of a collection's name */
#define VCM_MY_NOTE_MAX 2000  /* bytes of an item's note */

/* Who owns a collection: a visitor cookie's hash, or an account (one of
 * the two). */
typedef struct vcm_my_owner {
    const char *visitor; /* hex SHA-256 of the cookie's token, or NULL */
    int64_t user_id;     /* 0: none */
} vcm_my_owner;

typedef struct vcm_my_list {
    int64_t id;
    const char *visitor;
    int64_t user_id;
    const char *name;
    const char *visibility; /* "private", "link", "published" */
    const char *review;     /* "none", "pending", "approved", "refused" */
    bool shared;            /* a share link exists */
    int64_t created, updated;
    int64_t items;
} vcm_my_list;

typedef struct vcm_my_item {
    int64_t id, list_id, pos, object_id;
    const char *media;  /* the image's IIIF identifier, for a detail */
    const char *region; /* "x,y,w,h" in the image's pixels, for a detail */
    const char *note;
    int64_t created;
} vcm_my_item;

/* A new collection of owner; -2 when the owner has VCM_MY_LISTS_MAX. */
int vcm_my_list_add(vcm_store *s, const vcm_my_owner *o, const char *name, int64_t *id);
/* The owner's collections, oldest first, with their counts of items. */
int vcm_my_lists(vcm_store *s, vcm_arena *a, const vcm_my_owner *o, vcm_my_list **out,
                 size_t *n);
int vcm_my_list_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_my_list *out);
/* The collection whose share link's token has this hash (1), or 0. */
int vcm_my_list_by_share(vcm_store *s, vcm_arena *a, const char *hash, vcm_my_list *out);
/* Whether o owns l. */
bool vcm_my_owns(const vcm_my_list *l, const vcm_my_owner *o);
/* Whether l may be seen by anyone: published and approved. */
bool vcm_my_public(const vcm_my_list *l);
int vcm_my_list_rename(vcm_store *s, int64_t id, const char *name);
int vcm_my_list_delete(vcm_store *s, int64_t id);
/* Sets who may see a collection. "published" asks the editors (review
 * "pending"); the others withdraw it from them (review "none"). share_hash:
 * a new share link's hash, or NULL to keep the one it has. */
int vcm_my_list_visibility(vcm_store *s, int64_t id, const char *visibility,
                           const char *share_hash);

/* A collection's items in order. */
int vcm_my_items(vcm_store *s, vcm_arena *a, int64_t list_id, vcm_my_item **out, size_t *n);
/* Appends an item; -2 when the collection holds VCM_MY_ITEMS_MAX. */
int vcm_my_item_add(vcm_store *s, int64_t list_id, const vcm_my_item *it, int64_t *id);
/* 1 done, 0 when the collection has no such item. */
int vcm_my_item_note(vcm_store *s, int64_t list_id, int64_t item_id, const char *note);
int vcm_my_item_remove(vcm_store *s, int64_t list_id, int64_t item_id);
/* Swaps an item with the one before (delta < 0) or after it: 1 moved, 0
 * when there is none (the first moved up, the last down, no such item). */
int vcm_my_item_move(vcm_store *s, int64_t list_id, int64_t item_id, int delta);

/* Collections whose review is state ("pending", "approved", "refused"),
 * oldest first, at most max. */
int vcm_my_review_list(vcm_store *s, vcm_arena *a, const char *state, int max,
                       vcm_my_list **out, size_t *n);
/* An editor's decision on a collection waiting for one: 1 done, 0 when it
 * is not waiting (any more). */
int vcm_my_decide(vcm_store *s, int64_t id, bool approve);
/* Gives the collections of a visitor cookie to an account (on sign-in);
 * *moved: how many. */
int vcm_my_attach(vcm_store *s, const char *visitor, int64_t user_id, int64_t *moved);
#endif
