/* libFuzzer target for mappings (src/io/mapping.c) and the streaming CSV
 * reader (src/io/csvmap.c). Build with `make fuzz`; run:
 *   build/fuzz/csvmap -max_total_time=60 fuzz/corpus/csvmap
 *
 * The input is up to three parts separated by a line "%%": a mapping
 * (JSON), the data it reads (a CSV text, or one JSON object for a JSON
 * mapping), and the CSV text of every look-up table it declares. Beyond
 * "no crash": a refused mapping or row has a message; a mapped record is a
 * JSON object with the three required members as strings and the years as
 * integers or null; the years read from a text have start and end within
 * the digits it holds; the CSV reader always moves on. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/text.h"
#include "io/csvmap.h"
#include "io/mapping.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The part of [p, end) before the next "\n%%\n", and where the rest starts. */
static size_t part(const char *p, const char *end, const char **next)
{
    for (const char *q = p; q + 4 <= end; q++)
        if (memcmp(q, "\n%%\n", 4) == 0) {
            *next = q + 4;
            return (size_t)(q - p);
        }
    *next = end;
    return (size_t)(end - p);
}

static void check_record(json_t *rec)
{
    if (!json_is_object(rec))
        abort();
    const char *req[] = {"source_museum", "source_country", "source_id"};
    for (size_t i = 0; i < 3; i++)
        if (!json_is_string(json_object_get(rec, req[i])))
            abort();
    const char *years[] = {"date_start", "date_end"};
    for (size_t i = 0; i < 2; i++) {
        json_t *y = json_object_get(rec, years[i]);
        if (!json_is_integer(y) && !json_is_null(y))
            abort();
    }
}

static void map_row(const vcm_mapping *m, const vcm_map_row *row, vcm_arena *a)
{
    json_t *rec = NULL;
    char err[512];
    err[0] = '\0';
    if (vcm_mapping_apply(m, row, a, &rec, err, sizeof err) == 0)
        check_record(rec);
    else if (!err[0] || rec)
        abort();
    json_decref(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size, *rest, *rest2;
    size_t ml = part(p, end, &rest);
    size_t dl = part(rest, end, &rest2);
    const char *lookup = rest2;
    size_t ll = (size_t)(end - rest2);

    /* the years of the data as a text */
    char *text = strndup(rest, dl);
    if (text) {
        int a, b;
        if (vcm_years_from_text(text, &a, &b) == 0 && (a < -9999 || a > 9999 || b < -9999 ||
                                                       b > 10098))
            abort();
        free(text);
    }

    char err[512];
    err[0] = '\0';
    vcm_mapping *m = vcm_mapping_parse(p, ml, err, sizeof err);
    if (!m) {
        if (!err[0])
            abort();
        return 0;
    }
    for (size_t i = 0; i < vcm_mapping_nlookups(m); i++)
        vcm_mapping_set_lookup(m, i, lookup, ll, err, sizeof err);
    vcm_arena a;
    vcm_arena_init(&a, 1 << 26);
    if (vcm_mapping_format(m) == VCM_MAP_JSON) {
        json_error_t je;
        json_t *j = json_loadb(rest, dl, JSON_REJECT_DUPLICATES, &je);
        if (json_is_object(j)) {
            vcm_map_row row = {.json = j};
            map_row(m, &row, &a);
        }
        json_decref(j);
    } else if (dl) {
        FILE *f = fmemopen((void *)rest, dl, "rb");
        char **fields = malloc(VCM_CSVS_MAX_FIELDS * sizeof *fields);
        vcm_csvs *c = malloc(sizeof *c);
        if (f && fields && c) {
            vcm_csvs_init(c, f);
            int n = vcm_csvs_next(c, &a, fields, err, sizeof err);
            if (n > 0 && vcm_mapping_bind(m, fields, (size_t)n, err, sizeof err) == 0) {
                vcm_arena rowa;
                vcm_arena_init(&rowa, 1 << 26);
                for (int i = 0; i < 10000; i++) {
                    size_t line = c->line;
                    int k = vcm_csvs_next(c, &rowa, fields, err, sizeof err);
                    if (k == 0)
                        break;
                    if (c->line <= line) /* the reader never stays in place */
                        abort();
                    bool utf8 = true;
                    for (int f2 = 0; k > 0 && f2 < k; f2++)
                        utf8 = utf8 && vcm_utf8_valid(fields[f2], strlen(fields[f2]));
                    if (k > 0 && utf8) {
                        vcm_map_row row = {.fields = fields, .nfields = (size_t)k};
                        map_row(m, &row, &rowa);
                    }
                    vcm_arena_reset(&rowa);
                }
                vcm_arena_release(&rowa);
            }
        }
        if (f)
            fclose(f);
        free(fields);
        free(c);
    }
    vcm_arena_release(&a);
    vcm_mapping_free(m);
    return 0;
}
