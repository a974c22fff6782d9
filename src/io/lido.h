/* LIDO (Lightweight Information Describing Objects, 1.0 and 1.1) in and out.
 *
 * Reading is in two steps. vcm_lido_parse() turns one lido:lido element
 * into a record in the museum open-data shape that io/jsonl.h reads
 * (source_museum, title_i18n, artist, …) plus what that shape has no
 * member for (period, technique, inventory number), and lists the element
 * paths of what the record holds that the model cannot keep. It is pure: no
 * store, no file. vcm_import_lido() streams a file through io/xml.h one
 * lido:lido at a time (a lido:lidoWrap, single records, or records inside
 * an OAI-PMH response), and writes each record as the JSON Lines importer
 * writes a museum record, counting per path what was not kept.
 *
 * Writing (vcm_lido_write) gives one LIDO 1.1 record of an object; the
 * bulk export wraps every public object's record in one lido:lidoWrap.
 * What is written is read back to the same object, so export, import into
 * an empty store and export again give the same file (docs/formats.md). */
#ifndef VCM_IO_LIDO_H
#define VCM_IO_LIDO_H
#include <jansson.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "io/jsonl.h"
#include "model/model.h"
#include "store/store.h"

#define VCM_LIDO_NS "http://www.lido-schema.org"

typedef struct vcm_lido_record {
    json_t *source;            /* the museum record (io/jsonl.h's shape); caller decrefs */
    const char *period, *technique, *inventory_number;
    const char *country;       /* ISO 3166-1 alpha-2 the record gives, or NULL */
    /* titles and descriptions in a language the record gives twice or
     * more: the second and later, in the record's order */
    vcm_ltexts more_titles, more_descriptions;
    const char **unkept;       /* element paths below lido:lido not kept, each once */
    size_t nunkept;
} vcm_lido_record;

/* One lido:lido element → a record, its strings in a. Returns 0, or -1 with
 * the reason in err (no museum, no record id). */
int vcm_lido_parse(const xmlNode *lido, vcm_arena *a, vcm_lido_record *out, char *err,
                   size_t errlen);

/* The record as an object, its museum's name and country (o->museum_id 0):
 * the museum record read by vcm_record_from_source(), then the members it
 * has no field for. country: the record's, else fallback (NULL: none, and
 * the record is refused without one). */
int vcm_lido_to_object(const vcm_lido_record *r, vcm_arena *a, const char *fallback,
                       vcm_object *o, const char **museum, const char **country,
                       const char **warning, char *err, size_t errlen);

/* What records held that was not kept: an element path, and how many
 * records held it. */
typedef struct vcm_lido_unkept {
    char *path;
    int64_t records;
} vcm_lido_unkept;

typedef struct vcm_lido_report {
    vcm_lido_unkept *v;
    size_t n, cap;
} vcm_lido_report;

void vcm_lido_report_release(vcm_lido_report *r);

typedef struct vcm_lido_opts {
    int batch;                 /* records per transaction; 0 = 1000 */
    const char *country;       /* for museums the store does not know and records do not place */
    FILE *report;              /* rejected records and warnings; NULL = stderr */
} vcm_lido_opts;

/* Imports every lido:lido of path. Returns 0 when the file was read to its
 * end (records refused are counted in stats->rejected and told on
 * opts->report as "FILE:LINE: reason"), -1 when it could not be (malformed
 * XML, a limit of io/xml.h, a database error) with the reason in err;
 * batches committed before stay. rep gathers the paths not kept. */
int vcm_import_lido(vcm_store *s, const char *path, const vcm_lido_opts *opts,
                    vcm_import_stats *stats, vcm_lido_report *rep, char *err, size_t errlen);

/* One object's LIDO 1.1 record (a lido:lido element) appended to b.
 * country: its museum's; base: the site's public base URL, for the images
 * held here (NULL or "": they are left out, the museum's links are not). */
int vcm_lido_write(vcm_buf *b, const vcm_object *o, const char *country, const char *base);

/* The start and end of a LIDO document (a lido:lidoWrap). */
int vcm_lido_open(vcm_buf *b);
int vcm_lido_close(vcm_buf *b);

/* Writes every published object in a lido:lidoWrap to path ("-" = standard
 * output; otherwise through a temporary file renamed at the end). */
int vcm_export_lido(vcm_store *s, const char *path, const char *base, int64_t *objects,
                    char *err, size_t errlen);

/* Each published object of the store, with its museum's country, in id
 * order, in pages: what the bulk exports of LIDO and EDM walk. fn returns
 * 0, or -1 to stop (the walk then returns -1 with err as fn left it). */
typedef int (*vcm_public_fn)(void *arg, const vcm_object *o, const char *country, char *err,
                             size_t errlen);
int vcm_public_objects(vcm_store *s, vcm_public_fn fn, void *arg, int64_t *objects, char *err,
                       size_t errlen);
/* Writes a document to path through a temporary file renamed at the end
 * ("-" = standard output): head, each published object by item, tail. */
typedef int (*vcm_item_fn)(vcm_buf *b, const vcm_object *o, const char *country,
                           const char *base);
int vcm_export_xml(vcm_store *s, const char *path, const char *base, int (*head)(vcm_buf *),
                   vcm_item_fn item, int (*tail)(vcm_buf *), int64_t *objects, char *err,
                   size_t errlen);
#endif
