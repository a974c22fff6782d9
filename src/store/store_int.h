/* Inside the store: what its files (store.c, sql.c, place.c, object.c,
 * filter.c) share. Nothing here leaves src/store/.
 *
 * Design:
 * - A store is one driver connection (driver.h) and what the store keeps
 *   beside it: the aggregate cache and the rows gathered for a bulk write.
 * - Every statement is one of enum stmt, written once in sql.c with ?N
 *   placeholders; the few whose text truly differs per engine sit side by
 *   side there, with the reason. Filter queries and the raw-table
 *   statements are put together from constant fragments (never from data)
 *   on first use and kept in their own slots.
 * - Gathering: on a driver where each statement is a round trip to a server
 *   (PostgreSQL), the rows a write transaction inserts into objects,
 *   object_texts, object_creators and activities wait in memory and go in
 *   one bulk write (COPY) per table: before any statement that may read
 *   them, before the data version is read, at commit, and every
 *   GATHER_MAX rows. New objects take ids from a block drawn in one request
 *   (the writers' lock is held, so no one else draws). The only statements
 *   that run with rows still waiting are the ones that cannot see them
 *   (marked in sql.c). The objects themselves never wait: they stream into
 *   a bulk write that the driver ends before any other request, so a
 *   look-up finds them. A rollback drops them. */
#ifndef VCM_STORE_INT_H
#define VCM_STORE_INT_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "store/driver.h"
#include "store/store.h"

enum stmt {
    S_COUNTRY_PUT, S_COUNTRY_NAMES_DEL, S_COUNTRY_NAME_PUT, S_COUNTRY_GET, S_COUNTRY_NAMES,
    S_COUNTRY_LIST, S_COUNTRY_LIST_USED,
    S_MUSEUM_FIND, S_MUSEUM_FIND_KEY, S_MUSEUM_INSERT, S_MUSEUM_UPDATE, S_MUSEUM_NAMES_DEL,
    S_MUSEUM_NAME_PUT, S_MUSEUM_GET, S_MUSEUM_NAMES, S_MUSEUM_LIST, S_MUSEUM_LIST_COUNTRY,
    S_MUSEUM_ID_FOLLOW,
    S_OBJECT_FIND, S_OBJECT_INSERT, S_OBJECT_UPDATE, S_OBJECT_ID_FREE, S_OBJECT_ID_FOLLOW,
    S_OBJECT_IDS, S_OBJECT_IDS_BACK, S_OBJECT_KEYS, S_OBJECT_AHEAD,
    S_TEXTS_DEL, S_CREATORS_DEL, S_MEDIA_DEL, S_MEDIA_PUT,
    S_OBJECTS_GET, S_OBJECTS_TEXTS, S_OBJECTS_MEDIA,
    S_STATS, S_MUSEUM_COUNTS,
    S_MEDIA_FIND, S_MEDIA_NEXT_POS, S_BY_SOURCE_ID, S_ACTIVITY_LIST,
    S_ACTIVITY_COUNT, S_HAS_MEDIA, S_CHANGES_SINCE, S_CHANGE_HEAD, S_INSTANCE_ID,
    S_META_GET, S_META_PUT, S_FINISH, S_FINISH_MORE, S_MIGRATION_DONE, S_MIGRATION_PUT,
    S_LINKS_DEL, S_LINKS_GET, S_FETCH_LIST, S_FETCH_GET, S_FETCH_PUT, S_OBJECT_STAMPS,
    S_TERMS_DEL, S_RIGHTS_PUT,
    S_ORIGIN_DEL, S_ORIGIN_PUT, S_ORIGIN_TODO, /* origin.c */
    S_PROFILE_GET, S_PROFILE_PUT, S_NOTE_FIND, S_NOTE_PUBLIC, S_NOTES_PUBLIC_GET,
    S_OBJECT_PUBLIC, /* entries (schema 010): a museum's draft records */
    S_COUNT
};

/* The text of statement k for a dialect (NULL: nothing to run there), and
 * whether it may run while gathered rows wait. */
const char *vcm_sql(enum stmt k, vcm_dialect d);
bool vcm_sql_blind(enum stmt k);
/* The brackets of a list of integers bound as one value ("[]": a JSON
 * array for json_each; "{}": a PostgreSQL array). */
const char *vcm_sql_list(vcm_dialect d);

/* Filter queries: what they select, then the conditions a filter adds. */
enum fkind {
    F_LIST, F_COUNT, F_REGION, F_COUNTRY, F_MUSEUM, F_CLASS, F_CENTURY, F_IMAGE, F_LICENCE,
    F_ORIGIN_REGION, F_ORIGIN_COUNTRY, F_MATERIAL, F_KINDS
};
enum fbit {
    B_PUBLISHED = 1, B_REGION = 2, B_COUNTRY = 4, B_MUSEUM = 8, B_CLASS = 16,
    B_CENTURY = 32, B_SOURCE_ID = 64, B_AFTER = 128, B_IMAGE = 256, B_OPEN = 512,
    B_DATE = 1024, B_ORIGIN = 2048, B_MATERIAL = 4096, B_THEME = 8192, B_MASKS = 16384
};

/* Slots: the fixed statements, then filter queries, then raw tables. */
#define SLOT_FILTER S_COUNT
#define SLOT_TABLE (SLOT_FILTER + F_KINDS * B_MASKS)
/* Then the raw tables' statements (store.c, table_stmt: a scan and a put
 * for each of up to VCM_COPY_TABLES tables), then the accounts' (account.c,
 * outbox.c), in slots of their own: SLOT_ACCOUNT + their own numbers, below
 * SLOT_ACCOUNT_END. */
#define SLOT_ACCOUNT (SLOT_TABLE + 2 * VCM_COPY_TABLES)
#define SLOT_ACCOUNT_END (SLOT_ACCOUNT + 128)
/* Then the entries' statements (entry.c), then the network's (network.c:
 * partners, members, people, collections), and after them 128 kept for the
 * network's governance (SLOT_GOVERNANCE): vcm_st_slot takes any slot from
 * SLOT_ACCOUNT to SLOT_OWN_END. */
#define SLOT_ENTRY SLOT_ACCOUNT_END
#define SLOT_ENTRY_END (SLOT_ENTRY + 96)
#define SLOT_NETWORK SLOT_ENTRY_END
#define SLOT_GOVERNANCE (SLOT_NETWORK + 128)
/* Then loans, travelling exhibitions and the exchange programme (loan.c),
 * visitors' collections and comments on objects (my.c, comment.c), then
 * OAI-PMH, provided and harvested (harvest.c). */
#define SLOT_LOANS (SLOT_GOVERNANCE + 128)
#define SLOT_VISITORS (SLOT_LOANS + 128)
#define SLOT_HARVEST (SLOT_VISITORS + 128)
/* Then themes, entity pages, the map and the timeline (theme.c), then
 * virtual exhibitions (vexhibit.c). */
#define SLOT_THEMES (SLOT_HARVEST + 64)
#define SLOT_VX (SLOT_THEMES + 64)
#define SLOT_OWN_END (SLOT_VX + 32)
_Static_assert(SLOT_OWN_END <= VCM_SLOTS, "the driver keeps too few slots");

/* Aggregates (counts per museum and country, the statistics, facet counts)
 * cost a scan of the objects, and pages ask for them on every view while the
 * data changes rarely. Each connection keeps them until the data version
 * changes (a commit by anyone), so they are always exact. */
#define FACET_CACHE 32

struct museum_count {
    int64_t id, objects;
    char country[3];
};

struct facet_entry {
    char *key;
    vcm_facets facets; /* all of them, or the origins' alone (has_origins) */
    int64_t count;
    bool has_facets, has_origins, has_count;
};

struct agg_cache {
    int64_t version;
    bool valid, has_stats, has_counts;
    vcm_stats stats;
    struct museum_count *mc;
    size_t nmc;
    struct facet_entry fe[FACET_CACHE];
    size_t nfe, next;
    /* museums and countries read so far: every object page names one */
    vcm_museum *museums;
    size_t nmuseums;
    vcm_country *countries;
    size_t ncountries;
    vcm_arena arena;
};

/* Rows waiting for one bulk write, by table: the indexes of
 * vcm_store_tables (parents first), then the activity log without its ids
 * (GATHER_ACTIVITY); written in that order. The objects (STREAMED) do not
 * wait: they go at once into a bulk write the driver keeps open, which
 * the first of the others ends, so every object is in before its texts. */
#define GATHER_MAX 4096
#define GATHER_ACTIVITY 74
#define GATHER_TARGETS 75
#define STREAMED 4
struct gathered {
    vcm_value *rows;
    size_t n, cap; /* in rows */
};
struct gather {
    vcm_arena arena;
    struct gathered t[GATHER_TARGETS];
    size_t rows;
    bool streaming; /* objects were sent into a bulk write not yet ended */
    int64_t next_id, end_id; /* the block of object ids drawn: [next, end) */
};

/* The source ids of the stored objects, as a Bloom filter (object.c): on a
 * remote driver, an import of new records then skips the look-up of each. Kept across transactions while no one else writes: the
 * data version is read at the end of each of ours and checked at the
 * start of the next. */
#define KNOWN_BITS ((size_t)1 << 23)
struct known {
    uint64_t *bits;
    bool valid, checked;
    int64_t version;
};

/* What vcm_object_expect read ahead for this write transaction (object.c):
 * a hash table of the source ids it covers (mask + 1 places), with their
 * stored rows. */
struct ahead {
    vcm_arena arena;
    struct ahead_key *keys;
    size_t mask;
};

typedef struct store {
    vcm_store base;
    const vcm_driver *d;
    vcm_conn *c;
    bool in_write, in_tx;
    struct agg_cache cache;
    struct gather g;
    vcm_buf list; /* the ids of the last page read (object.c) */
    struct known known;
    struct ahead ahead;
    bool origins_todo; /* migration 6 ran at this open: fill the origins */
} store;

#define S(b) ((store *)(b))

/* store.c: statements and their errors. */
vcm_stmt *vcm_st(store *s, enum stmt k);
int vcm_fail_db(store *s, const char *what);
int vcm_run(store *s, vcm_stmt *q, const char *what);
const char *vcm_col_dup(store *s, vcm_arena *a, vcm_stmt *q, int i);
void vcm_col_code(store *s, vcm_stmt *q, int i, char dst[3]);
void vcm_bind_text(store *s, vcm_stmt *q, int i, const char *v);
int vcm_first_int(store *s, vcm_stmt *q, const char *what, int64_t *out);
/* Binds the id v, or NULL when it is 0 (no such row: a foreign key left
 * empty). */
void vcm_bind_id(store *s, vcm_stmt *q, int i, int64_t v);
/* Binds v, or NULL when it is NULL or empty. */
void vcm_bind_opt(store *s, vcm_stmt *q, int i, const char *v);
/* Column i as an integer, 0 when NULL. */
int64_t vcm_col_int0(store *s, vcm_stmt *q, int i);
/* Steps a statement that answers at most one row: 1 row, 0 none, -1 (the
 * statement reset). */
int vcm_one_row(store *s, vcm_stmt *q, const char *what);
/* Runs a statement that answers "RETURNING id" for the row it wrote: 1
 * with *id (when id is not NULL), 0 no row, -1. */
int vcm_returning(store *s, vcm_stmt *q, const char *what, int64_t *id);
/* A transaction of the callee's own unless the caller holds one (*own says
 * which); vcm_tx_end ends an own one: commits when rc >= 0, rolls back
 * otherwise keeping the first error's message; returns rc, or -1 when the
 * commit fails. */
int vcm_tx_begin(store *s, bool *own);
int vcm_tx_end(store *s, bool own, int rc);
void *vcm_grow(vcm_arena *a, void *arr, size_t *n, size_t size);
int vcm_flush(store *s);
/* account.c: the statement of an accounts' slot (sql its text). */
vcm_stmt *vcm_st_slot(store *s, unsigned slot, const char *sql);
bool vcm_gathering(store *s);
int vcm_gather(store *s, size_t table, const vcm_value *row);
size_t vcm_table_index(const char *name);
int64_t vcm_now(void);

/* place.c: the cache, countries and museums. */
int vcm_cache_check(store *s);
void vcm_cache_drop(store *s);
int vcm_load_counts(store *s);
int vcm_country_upsert(vcm_store *b, const vcm_country *c);
int vcm_country_get(vcm_store *b, vcm_arena *a, const char *code, vcm_country *out);
int vcm_country_list(vcm_store *b, vcm_arena *a, bool with_museums, vcm_country **out,
                     size_t *n);
int vcm_museum_ensure(vcm_store *b, vcm_museum *m, bool *created);
int vcm_museum_put(vcm_store *b, vcm_museum *m);
int vcm_museum_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_museum *out);
int vcm_museum_list(vcm_store *b, vcm_arena *a, const char *country, vcm_museum **out,
                    size_t *n);

/* terms.c: the concepts of objects' terms (object_terms), rights re-read. */
int vcm_terms_replace(vcm_store *b, const int64_t *ids, size_t nids, const vcm_term *terms,
                      size_t nterms);
int vcm_rights_put(vcm_store *b, int64_t id, const char *rights, const char *licence);

/* profile.c: what a museum page says beyond the museum's row. */
int vcm_museum_profile_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_museum_profile *out);
int vcm_museum_profile_put(vcm_store *b, int64_t id, const vcm_museum_profile *p);

/* notes.c: whether a cataloguer's note may be shown. */
int vcm_note_public(vcm_store *b, int64_t object_id, int64_t pos, bool is_public);
/* Marks public the notes of *notes (made a copy in a) whose text is that of
 * a note of object_id marked public now. */
int vcm_notes_keep_public(store *s, int64_t object_id, vcm_arena *a, vcm_ltexts *notes);

/* object.c: objects, images, the activity log, the change sequence. */
int vcm_object_upsert(vcm_store *b, vcm_object *o, const char *hash, bool keep_times,
                      vcm_upsert *result);
int vcm_object_expect(vcm_store *b, const char *const *source_ids, size_t n);
/* At the end of a transaction: what was read ahead holds no longer. */
void vcm_ahead_drop(store *s);
int vcm_object_get(vcm_store *b, vcm_arena *a, int64_t id, vcm_object *out);
int vcm_object_get_many(vcm_store *b, vcm_arena *a, const int64_t *ids, size_t n,
                        vcm_object *out, bool *found);
int vcm_media_add(vcm_store *b, int64_t object_id, vcm_media *m);
/* links.c: an object's links gathered with it (replace: drop the stored
 * ones first); the links and fetch-state operations of the interface. */
int vcm_links_put(store *s, const vcm_object *o, bool replace);
/* origin.c: the object's origin derived and written (gathered) with it; a
 * stored one read from the columns from col on (country, region, culture,
 * rule) of a row. */
int vcm_origin_put(store *s, const vcm_object *o, bool replace);
void vcm_origin_row(store *s, vcm_stmt *q, int col, vcm_origin *out);
/* vcm_store_origins_derive's work (store.c opens it to the store). */
int vcm_origins_derive(vcm_store *b, bool all, int64_t *done);
int vcm_object_links(vcm_store *b, vcm_arena *a, int64_t object_id, vcm_link **out, size_t *n);
int vcm_fetch_list(vcm_store *b, vcm_arena *a, int64_t museum_id, vcm_fetch_item **out,
                   size_t *n);
int vcm_fetch_state_get(vcm_store *b, vcm_arena *a, const char *url, vcm_fetch_state *out);
int vcm_fetch_state_put(vcm_store *b, const vcm_fetch_state *st);
int vcm_media_find(vcm_store *b, vcm_arena *a, const char *identifier, vcm_media *out,
                   int64_t *object_id);
int vcm_object_by_source_id(vcm_store *b, const char *source_id, int64_t *ids, size_t max,
                            size_t *n);
int vcm_activity_list(vcm_store *b, vcm_arena *a, int64_t offset, int limit,
                      vcm_activity **out, size_t *n, int64_t *total);
int vcm_changes_since(vcm_store *b, int64_t after, int64_t *ids, int64_t *seqs, size_t max,
                      size_t *n);
int vcm_change_head(vcm_store *b, int64_t *seq);
int vcm_object_stamps(vcm_store *b, int64_t after_id, int64_t offset, int64_t *ids,
                      int64_t *updated, size_t max, size_t *n);
int vcm_instance_id(vcm_store *b, char out[33]);
/* Before a commit: remembers the data version the known keys hold for. */
void vcm_known_commit(store *s);
/* Before a commit: gives the ids drawn for gathered objects and not used
 * back to their generator, so that ids follow one another as in SQLite. */
int vcm_ids_back(store *s);

/* filter.c: filtered lists, counts, facets, statistics. */
int vcm_object_list(vcm_store *b, vcm_arena *a, const vcm_filter *f, vcm_object **out,
                    size_t *n);
int vcm_object_count(vcm_store *b, const vcm_filter *f, int64_t *out);
int vcm_object_facets(vcm_store *b, vcm_arena *a, const vcm_filter *f, vcm_facets *out);
int vcm_object_origins(vcm_store *b, vcm_arena *a, const vcm_filter *f, vcm_facets *out);
int vcm_stats_get(vcm_store *b, vcm_stats *out);
#endif
