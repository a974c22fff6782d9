/* CSV (RFC 4180): quoted fields with "" for a quote, line breaks inside
 * quotes, CRLF or LF. A pure reader over a buffer, so any input can be
 * tested and fuzzed; and the import of the country table
 * (asem-partners.csv: iso2,name_en,asem_group,joined). */
#ifndef VCM_IO_CSV_H
#define VCM_IO_CSV_H
#include <stddef.h>

#include "core/arena.h"
#include "store/store.h"

#define VCM_CSV_MAX_FIELDS 64

typedef struct vcm_csv {
    const char *p, *end;
    size_t line; /* line where the current record starts, from 1 */
} vcm_csv;

void vcm_csv_init(vcm_csv *c, const char *text, size_t len);
/* Reads the next record into fields (strings in arena a). Returns the
 * number of fields, 0 at the end, -1 on a malformed record (an unclosed
 * quote, text after a closing quote, more than VCM_CSV_MAX_FIELDS fields)
 * with the reason in err. */
int vcm_csv_next(vcm_csv *c, vcm_arena *a, char **fields, char *err, size_t errlen);

typedef struct vcm_csv_stats {
    long read, countries, rejected;
} vcm_csv_stats;

/* Imports a country table: a header naming at least iso2, and any of
 * name_en, asem_group (Asia or Europe), joined (year). Bad rows are
 * reported as FILE:LINE: reason on report and skipped; returns -1 when the
 * file cannot be read or is not a country table. */
int vcm_import_countries_csv(vcm_store *s, const char *path, void *report, vcm_csv_stats *st,
                             char *err, size_t errlen);
#endif
