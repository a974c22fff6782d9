/* Form bodies of type application/x-www-form-urlencoded (what a <form
 * method="post"> sends): a pure parser over the query-string one
 * (http/query.c), unit-tested in tests/http/test_cookie.c and fuzzed by
 * fuzz/form.c. Multipart bodies have their own parser. */
#ifndef VCM_HTTP_FORM_H
#define VCM_HTTP_FORM_H
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "http/query.h"
#include "http/req.h"

#define VCM_FORM_MAX_FIELDS 256

enum vcm_form_status {
    VCM_FORM_OK,
    VCM_FORM_BAD_TYPE, /* 415: not application/x-www-form-urlencoded */
    VCM_FORM_BAD,      /* 400: a bad escape, invalid UTF-8, NUL, too many fields */
    VCM_FORM_NO_MEMORY,
};

/* Whether a Content-Type value names application/x-www-form-urlencoded
 * (any case, parameters allowed; a charset other than UTF-8 is refused). */
bool vcm_form_type_ok(const char *content_type);

/* Parses n bytes of body sent with content_type (NULL: absent) into f. */
enum vcm_form_status vcm_form_parse(vcm_arena *a, const char *content_type, const char *body,
                                    size_t n, vcm_query *f);

/* The first value of field name, or NULL. */
const char *vcm_form_get(const vcm_query *f, const char *name);
#endif
