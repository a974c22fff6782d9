/* OAI-PMH in the store (store/harvest.c, schema 013): what the provider
 * tells of each object (its datestamp, sets, whether it is deleted), and
 * the harvester's sources, where each harvest stands, which object each
 * harvested record became, the records refused and the elements no field
 * keeps.
 *
 * Datestamps. The provider never writes a datestamp from an object's own
 * times: vcm_oai_catch_up() reads the store's change sequence (and the
 * facts set membership hangs on: museums' countries, countries' regions,
 * the published masterpieces) and stamps every object whose change it has
 * not seen yet with the time it reads it. The change has committed by then
 * (the sequence shows only committed changes), so no datestamp precedes
 * the moment its change became visible; a change of sets alone stamps the
 * object as a change of content does. The provider calls it before each
 * answer, after taking the answer's responseDate, so a change a response
 * did not show gets a datestamp no earlier than that responseDate, and a
 * harvest from there finds it.
 *
 * Return values: 0 done (1 found / 0 not found for look-ups), -1 error
 * (vcm_store_error). */
#ifndef VCM_STORE_HARVEST_H
#define VCM_STORE_HARVEST_H
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "store/store.h"

/* ---- the provider ------------------------------------------------------- */

typedef struct vcm_oai_item {
    int64_t object_id;
    int64_t stamp;            /* Unix seconds */
    bool deleted;
    const char *sets;         /* setSpecs, space-separated */
} vcm_oai_item;

/* Stamps what changed since the last call (see above), now in Unix
 * seconds. Writes nothing when nothing changed. */
int vcm_oai_catch_up(vcm_store *s, int64_t now);

/* The records after after_id (in id order) stamped in [from, until] and in
 * set (NULL or "": any), at most limit of them. */
int vcm_oai_list(vcm_store *s, vcm_arena *a, const char *set, int64_t from, int64_t until,
                 int64_t after_id, int limit, vcm_oai_item **out, size_t *n);
/* How many records vcm_oai_list would give from the start. */
int vcm_oai_count(vcm_store *s, const char *set, int64_t from, int64_t until, int64_t *n);
/* One record: 1, 0 when the provider never showed the object. */
int vcm_oai_get(vcm_store *s, vcm_arena *a, int64_t object_id, vcm_oai_item *out);
/* The earliest datestamp (now when there is none). */
int vcm_oai_earliest(vcm_store *s, int64_t now, int64_t *stamp);
/* The regions objects come from (object_origins), sorted. */
int vcm_oai_origins(vcm_store *s, vcm_arena *a, const char ***out, size_t *n);

/* ---- the harvester ------------------------------------------------------ */

typedef struct vcm_harvest_source {
    int64_t id, museum_id;
    const char *url, *format;  /* "lido" or "oai_dc" */
    const char *set;           /* NULL: the whole repository */
    int64_t every;             /* seconds between scheduled harvests */
    int64_t created;
    const char *last_stamp;    /* the next incremental's from (less the overlap); NULL: full */
    const char *token;         /* the harvest under way: its last token, NULL none */
    const char *run_from, *run_stamp;
    const char *lock_owner;
    int64_t lock_until, last_run, next_run;
    const char *status;        /* "ok", "running", or what failed last */
    int64_t harvested, deleted, errors; /* the last (or current) harvest's */
} vcm_harvest_source;

/* Adds a source (sets s->id, created; next_run now): 0, -1 (a source alike
 * exists already: the message says so). */
int vcm_harvest_add(vcm_store *s, vcm_harvest_source *src);
int vcm_harvest_get(vcm_store *s, vcm_arena *a, int64_t id, vcm_harvest_source *out);
int vcm_harvest_list(vcm_store *s, vcm_arena *a, vcm_harvest_source **out, size_t *n);

/* Takes the source's lock for owner until the time given (Unix seconds):
 * 1 taken (or prolonged), 0 another owner holds it and it has not run out. */
int vcm_harvest_lock(vcm_store *s, int64_t id, const char *owner, int64_t now, int64_t until);
int vcm_harvest_unlock(vcm_store *s, int64_t id, const char *owner);

/* Where the harvest under way stands, written in the transaction of the
 * page's records: token NULL once the list is complete. */
int vcm_harvest_progress(vcm_store *s, int64_t id, const char *token, const char *run_from,
                         const char *run_stamp, int64_t harvested, int64_t deleted,
                         int64_t errors);
/* The end of a harvest. ok: last_stamp becomes the run's run_stamp and the
 * token is dropped; otherwise status says what failed and the token stays
 * for the next run to resume from. */
int vcm_harvest_finish(vcm_store *s, int64_t id, bool ok, const char *status, int64_t now,
                       int64_t next_run);

/* The object a record of the source became: 1 with *object_id, 0 none. */
int vcm_harvest_record_get(vcm_store *s, int64_t source, const char *identifier,
                           int64_t *object_id);
int vcm_harvest_record_put(vcm_store *s, int64_t source, const char *identifier,
                           int64_t object_id, const char *stamp);
/* The number of records of the source. */
int vcm_harvest_record_count(vcm_store *s, int64_t source, int64_t *n);
/* A record refused (message NULL: taken, its error dropped). */
int vcm_harvest_error_put(vcm_store *s, int64_t source, const char *identifier, int64_t at,
                          const char *message);
/* Adds n records to those seen holding path. */
int vcm_harvest_unmapped_add(vcm_store *s, int64_t source, const char *path, int64_t n);

/* The report of a source: its refused records (identifier, message) and
 * unmapped paths (path, records), each at most max. */
typedef struct vcm_harvest_line {
    const char *key, *text;
    int64_t n;
} vcm_harvest_line;
int vcm_harvest_report(vcm_store *s, vcm_arena *a, int64_t source, int max,
                       vcm_harvest_line **errors, size_t *nerrors, vcm_harvest_line **unmapped,
                       size_t *nunmapped);
#endif
