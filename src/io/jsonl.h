/* Import and export of JSON Lines.
 *
 * Import reads two shapes, line by line, in constant memory:
 * - museum open-data records as in ../shared/data/collection.jsonl
 *   (source_museum, source_country, source_id, title, …), see
 *   vcm_record_from_source();
 * - VCM's own export format: lines with a "type" member ("vcm-export",
 *   "country", "museum", "object"), written by vcm_export_jsonl().
 * Records are upserted by (museum, source_id) in transactions of opts.batch
 * records, so a killed import leaves whole batches behind and running it
 * again completes it. A bad line is reported with its number and reason and
 * the import goes on. */
#ifndef VCM_IO_JSONL_H
#define VCM_IO_JSONL_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/model.h"
#include "store/store.h"

typedef struct vcm_import_stats {
    int64_t read, inserted, updated, unchanged, rejected, warnings;
    int64_t museums_created, countries_created;
    double seconds;
} vcm_import_stats;

typedef struct vcm_import_opts {
    int batch;          /* records per transaction; 0 = 1000 */
    int progress;       /* 0 none, 1 plain lines, 2 a bar on a terminal */
    FILE *report;       /* bad lines and progress go here; NULL = stderr */
    int64_t max_line;   /* bytes; 0 = 16 MiB */
} vcm_import_opts;

/* Imports path ("-" = standard input). Returns 0 when the file was read to
 * its end (even with rejected lines: see stats->rejected), -1 when it could
 * not be (unreadable file, database error) with the reason in err. */
int vcm_import_jsonl(vcm_store *s, const char *path, const vcm_import_opts *opts,
                     vcm_import_stats *stats, char *err, size_t errlen);

/* Writes every country, museum and object to path ("-" = standard output;
 * otherwise through a temporary file renamed at the end). */
int vcm_export_jsonl(vcm_store *s, const char *path, int64_t *objects, char *err, size_t errlen);

/* One museum open-data record → an object, its museum's name and country
 * code. Pure: no store. o->museum_id stays 0. Returns -1 with the reason;
 * a record kept with something left out sets *warning (else NULL). */
int vcm_record_from_source(json_t *j, vcm_arena *a, vcm_object *o, const char **museum,
                           const char **country, const char **warning, char *err,
                           size_t errlen);

/* The hash that tells whether a record changed (BLAKE2b-128, hex). */
int vcm_object_hash(const vcm_object *o, const char *museum, char out[33]);
#endif
