/* The model as JSON: VCM's own export format and the API share these, so a
 * record reads the same wherever it leaves the system. Language maps are
 * objects {"en": "…", "zh": "…"} in the record's order. */
#ifndef VCM_MODEL_JSON_H
#define VCM_MODEL_JSON_H
#include <jansson.h>

#include "model/model.h"

json_t *vcm_ltexts_to_json(const vcm_ltexts *t);
json_t *vcm_country_to_json(const vcm_country *c);
json_t *vcm_museum_to_json(const vcm_museum *m);
/* museum_name: the museum's name as records name it (first name). */
json_t *vcm_object_to_json(const vcm_object *o, const char *museum_name);

/* Reads a language map into t (strings in arena a); err names the field. */
int vcm_ltexts_from_json(vcm_ltexts *t, vcm_arena *a, json_t *j, const char *field, char *err,
                         size_t errlen);
/* Reads an object in the export format; o->museum_id stays 0 (the caller
 * resolves *museum_name). Returns -1 with a message in err. */
int vcm_object_from_json(vcm_object *o, vcm_arena *a, json_t *j, const char **museum_name,
                         char *err, size_t errlen);
int vcm_museum_from_json(vcm_museum *m, vcm_arena *a, json_t *j, char *err, size_t errlen);
int vcm_country_from_json(vcm_country *c, vcm_arena *a, json_t *j, char *err, size_t errlen);

/* ISO 8601 UTC ("2026-11-22T02:11:57Z") to and from Unix seconds. */
void vcm_time_iso(int64_t t, char buf[32]);
int vcm_time_parse(const char *s, int64_t *out);
#endif
