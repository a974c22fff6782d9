/* Column mappings: how a museum's own export (a CSV file, or a folder of
 * per-object JSON files) becomes museum open-data records, the shape of
 * ../shared/data/collection.jsonl that vcm_record_from_source() reads.
 *
 * A mapping is a JSON document (docs/formats.md, "CSV and JSON with a
 * mapping"): for each field of the record, a spec saying where its value
 * comes from (a column, a JSON path, a constant, the first non-empty of
 * several, a join, a template with optional parts, a look-up in a second
 * table) and the transforms applied to it (trim, split, replace, years…).
 *
 * Parsing a mapping and mapping a row are pure: no file is read, nothing
 * is stored, so both are unit-tested and fuzzed (fuzz/csvmap.c). Only the
 * look-up tables are read from files, by vcm_mapping_load_lookups(). */
#ifndef VCM_IO_MAPPING_H
#define VCM_IO_MAPPING_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

typedef struct vcm_mapping vcm_mapping;

/* The input a mapping reads: a CSV file or JSON records. */
typedef enum vcm_map_format { VCM_MAP_CSV, VCM_MAP_JSON } vcm_map_format;

/* One input record: the fields of a CSV row in header order, or a JSON
 * object. */
typedef struct vcm_map_row {
    char *const *fields;
    size_t nfields;
    const json_t *json;
} vcm_map_row;

/* Parses a mapping from text (len bytes). Returns NULL with the reason in
 * err ("mapping: fields.title: unknown transform 'trm'"). The caller frees
 * it with vcm_mapping_free(). */
vcm_mapping *vcm_mapping_parse(const char *text, size_t len, char *err, size_t errlen);
void vcm_mapping_free(vcm_mapping *m);

vcm_map_format vcm_mapping_format(const vcm_mapping *m);

/* CSV: finds every column the mapping names in the header. Returns -1 when
 * one is missing ("column 'Titel' is not in the header"). */
int vcm_mapping_bind(vcm_mapping *m, char *const *header, size_t n, char *err, size_t errlen);

/* The look-up tables a mapping declares ("lookups"), read from CSV files
 * named relative to dir. Returns -1 with the reason. */
int vcm_mapping_load_lookups(vcm_mapping *m, const char *dir, char *err, size_t errlen);
/* The same from text already read (tests, fuzzing): table i's CSV text. */
int vcm_mapping_set_lookup(vcm_mapping *m, size_t i, const char *text, size_t len, char *err,
                           size_t errlen);
size_t vcm_mapping_nlookups(const vcm_mapping *m);
const char *vcm_mapping_lookup_file(const vcm_mapping *m, size_t i);

/* Maps one row into a record (a new JSON object the caller decrefs; its
 * scratch memory comes from a). Returns -1 with the reason when the row
 * cannot be mapped (a year that is not a number, text that is not UTF-8). */
int vcm_mapping_apply(const vcm_mapping *m, const vcm_map_row *row, vcm_arena *a, json_t **out,
                      char *err, size_t errlen);

/* What the mapping reads, for --dry-run: the selectors (column names or
 * JSON paths) and, for each, the record fields that use it. */
size_t vcm_mapping_nselectors(const vcm_mapping *m);
const char *vcm_mapping_selector(const vcm_mapping *m, size_t i, const char **fields);
/* Whether a CSV column (by name) or a JSON member at the top level is read. */
bool vcm_mapping_reads(const vcm_mapping *m, const char *name);

/* The years a date text states ("late 18th century" → 1766..1799,
 * "c. 1960–63" → 1960..1963, "486-465 BCE" → -486..-465). Returns -1 when
 * it states none. */
int vcm_years_from_text(const char *text, int *start, int *end);
#endif
