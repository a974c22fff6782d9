/* libFuzzer target for the JSON Lines import's reading of one line
 * (src/io/source.c for museum open-data records, src/model/json.c for VCM's
 * own export format): the steps the importer takes before the store, in
 * the same order and with the same jansson flags.
 * Build with `make fuzz`; run:
 *   build/fuzz/jsonl_record -max_total_time=60 fuzz/corpus/jsonl_record
 *
 * The input is one line. Beyond "no crash": a refused line has a message;
 * a record read is what the store is then given: its change hash computes,
 * and written back as export JSON (what `vcm export` writes) it reads again
 * and writes the same JSON a second time, so an export always re-imports. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/text.h"
#include "io/jsonl.h"
#include "model/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The object written as export JSON reads back, and writes the same. */
static void round_trip(const vcm_object *o, const char *museum)
{
    vcm_arena a;
    char err[512];
    vcm_arena_init(&a, 1 << 24);
    /* as the store gives it: an exported object always has its id */
    vcm_object stored = *o;
    if (stored.id <= 0)
        stored.id = 1;
    json_t *j2 = vcm_object_to_json(&stored, museum);
    if (!j2)
        abort();
    vcm_object o2;
    const char *m2 = NULL;
    err[0] = '\0';
    if (vcm_object_from_json(&o2, &a, j2, &m2, err, sizeof err) != 0)
        abort();
    json_t *j3 = vcm_object_to_json(&o2, m2);
    if (!j3 || !json_equal(j2, j3) || strcmp(m2, museum) != 0)
        abort();
    char h1[33], h2[33];
    if (vcm_object_hash(&stored, museum, h1) < 0 || vcm_object_hash(&o2, m2, h2) < 0)
        abort();
    json_decref(j2);
    json_decref(j3);
    vcm_arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *line = (const char *)data;
    if (size == 0 || size > 1 << 20 || !vcm_utf8_valid(line, size))
        return 0; /* the importer refuses these before parsing */
    json_error_t je;
    json_t *j = json_loadb(line, size, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        return 0;
    vcm_arena a;
    vcm_arena_init(&a, 1 << 24);
    char err[512], hash[33];
    err[0] = '\0';
    int rc = 0;
    json_t *type = json_is_object(j) ? json_object_get(j, "type") : NULL;
    const char *t = json_is_string(type) ? json_string_value(type) : NULL;
    if (!json_is_object(j) || (type && !t)) {
        /* refused by the importer before any model code */
    } else if (!t) {
        vcm_object o;
        const char *museum = NULL, *country = NULL, *warning = NULL;
        rc = vcm_record_from_source(j, &a, &o, &museum, &country, &warning, err, sizeof err);
        if (rc == 0) {
            if (!museum || !*museum || !country || strlen(country) != 2 || !o.source_id)
                abort();
            if (vcm_object_hash(&o, museum, hash) < 0)
                abort();
            round_trip(&o, museum);
        }
    } else if (strcmp(t, "object") == 0) {
        vcm_object o;
        const char *museum = NULL;
        rc = vcm_object_from_json(&o, &a, j, &museum, err, sizeof err);
        if (rc == 0) {
            if (!museum || !*museum)
                abort();
            if (vcm_object_hash(&o, museum, hash) < 0)
                abort();
            round_trip(&o, museum);
        }
    } else if (strcmp(t, "museum") == 0) {
        vcm_museum m;
        rc = vcm_museum_from_json(&m, &a, j, err, sizeof err);
        if (rc == 0) {
            json_t *j2 = vcm_museum_to_json(&m);
            vcm_museum m2;
            if (!j2 || vcm_museum_from_json(&m2, &a, j2, err, sizeof err) != 0)
                abort();
            json_decref(j2);
        }
    } else if (strcmp(t, "country") == 0) {
        vcm_country c;
        rc = vcm_country_from_json(&c, &a, j, err, sizeof err);
        if (rc == 0) {
            json_t *j2 = vcm_country_to_json(&c);
            vcm_country c2;
            if (!j2 || vcm_country_from_json(&c2, &a, j2, err, sizeof err) != 0)
                abort();
            json_decref(j2);
        }
    }
    if (rc != 0 && (!err[0] || !memchr(err, '\0', sizeof err)))
        abort();
    json_decref(j);
    vcm_arena_release(&a);
    return 0;
}
