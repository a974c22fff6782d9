/* The OpenAPI 3.1 document of the JSON API, served at
 * /api/v1/openapi.json. It is not written in one file: each part of the
 * API describes its routes in a fragment, openapi/NAME.json in the source
 * tree, built into the program (scripts/embed.sh). A fragment is a JSON
 * object with "paths" and optionally "components" (schemas, parameters,
 * responses, securitySchemes…); one of them (base.json) also carries the
 * document's head: "openapi", "info", "servers", "security", "tags".
 *
 * The fragments are merged once, at start-up, in file-name order. Two
 * fragments describing one path, or one component, or both giving the
 * head, is an error that names both files: the server does not start with
 * a document that would silently drop one of them. tests/web/test_openapi.c
 * checks the merged document against OpenAPI 3.1's rules and against the
 * router (every /api/v1 route described, every path described routed). */
#ifndef VCM_WEB_OPENAPI_H
#define VCM_WEB_OPENAPI_H
#include <jansson.h>
#include <stddef.h>

#define VCM_OPENAPI_DIR "openapi/"

typedef struct vcm_openapi_frag {
    const char *name; /* "openapi/base.json", for messages */
    const char *text; /* JSON */
    size_t len;
} vcm_openapi_frag;

/* Merges the n fragments, in the order given, into *out (caller owns it).
 * Returns 0, or -1 with *out NULL and in err which fragment is wrong and
 * why: not JSON, not an object, a key other than those above, a path or a
 * component described twice, the head given twice or never. */
int vcm_openapi_merge(const vcm_openapi_frag *f, size_t n, json_t **out, char *err,
                      size_t errlen);

/* The fragments built into the program (every openapi/NAME.json), merged. */
int vcm_openapi_builtin(json_t **out, char *err, size_t errlen);
#endif
