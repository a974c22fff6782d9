/* Import of a museum's own export through a mapping (io/mapping.h):
 * `vcm import data.csv --map mapping.json [--dry-run]`, or a folder of
 * per-object JSON files with a JSON mapping.
 *
 * The CSV is read as a stream, one record at a time (RFC 4180: quoted
 * fields, "" for a quote, line breaks inside quotes, CRLF or LF, a UTF-8
 * byte order mark), so memory stays the same whatever the file's size.
 * Each row is mapped into a museum open-data record, checked as the JSON
 * Lines importer would check it, and a row that cannot be used is reported
 * as FILE:LINE: reason. The records that pass go, as they are made, through
 * a pipe to the JSON Lines importer (io/jsonl.h), which writes them in
 * batches; nothing is held in memory but the row at hand.
 *
 * A dry run writes nothing: it tells how each column maps (and which are
 * not read), which rows would fail and why, and how many records would be
 * created or would update a record already held. */
#ifndef VCM_IO_CSVMAP_H
#define VCM_IO_CSVMAP_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "io/jsonl.h"
#include "io/mapping.h"
#include "store/store.h"

#define VCM_CSVS_MAX_FIELDS 1024

/* A CSV reader over a stream. */
typedef struct vcm_csvs {
    FILE *f;
    char buf[65536];
    size_t pos, len;
    size_t line;        /* line where the next record starts, from 1 */
    bool started, eof;
} vcm_csvs;

void vcm_csvs_init(vcm_csvs *c, FILE *f);
/* Reads the next record into fields (strings in arena a). Returns the
 * number of fields, 0 at the end, -1 on a malformed record (an unclosed
 * quote, text after a closing quote, a field over 1 MiB, more than
 * VCM_CSVS_MAX_FIELDS fields) with the reason in err; the reader then goes
 * on at the next line. */
int vcm_csvs_next(vcm_csvs *c, vcm_arena *a, char **fields, char *err, size_t errlen);

typedef struct vcm_csvmap_stats {
    int64_t rows, mapped, rejected;  /* rows read; records that passed; rows refused */
    int64_t create, update, unchanged; /* dry run: new records; records held that would
                                        * change, or stay as they are */
    int64_t museums_new;             /* dry run: museums the import would create */
    vcm_import_stats import;         /* the importer's own counts */
} vcm_csvmap_stats;

typedef struct vcm_csvmap_opts {
    bool dry_run;
    FILE *report;           /* rejected rows and the dry run's report; NULL = stderr */
    vcm_import_opts import;
} vcm_csvmap_opts;

/* Imports input (a CSV file, or a folder of .json files) with the mapping
 * in map_path. Returns 0 when the input was read to its end (rejected rows
 * are counted in st), -1 when it could not be (bad mapping, unreadable
 * file, database error) with the reason in err. */
int vcm_csvmap_import(vcm_store *s, const char *input, const char *map_path,
                      const vcm_csvmap_opts *o, vcm_csvmap_stats *st, char *err, size_t errlen);

/* Calls fn for every record that the mapping makes of input, with its
 * file and line (for JSON: the file, line 1), in the order read; rows that
 * cannot be mapped or checked are reported on report and skipped. No
 * store. Returns -1 when input or the mapping cannot be read, or fn
 * returns -1. */
typedef int (*vcm_csvmap_fn)(void *ud, const char *file, size_t line, json_t *record);
int vcm_csvmap_each(const char *input, const char *map_path, FILE *report, vcm_csvmap_fn fn,
                    void *ud, vcm_csvmap_stats *st, char *err, size_t errlen);
#endif
