/* multipart/form-data (RFC 7578 over RFC 2046): the bodies of forms that
 * send files. A pure parser over the request body held in memory, with
 * limits on the body, the number of parts and the size of each part's
 * headers; unit-tested in tests/http/test_multipart.c and fuzzed by
 * fuzz/multipart.c.
 *
 * What a handler gets can be trusted as far as form fields go: every part
 * has a name of valid UTF-8 without control characters; a file's name is
 * only its last path component (a browser on Windows may send C:\x\y.jpg,
 * a hostile client ../../etc/passwd) and never "." or ".."; a content type
 * is printable ASCII. The data of a part is anything: it points into the
 * body, which the parser never changes. */
#ifndef VCM_HTTP_MULTIPART_H
#define VCM_HTTP_MULTIPART_H
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

#define VCM_MP_BOUNDARY_MAX 70 /* RFC 2046 5.1.1 */

typedef struct vcm_mp_part {
    const char *name;         /* the field's name */
    const char *filename;     /* the file's name (last component); NULL: not a file */
    const char *content_type; /* as sent, or "text/plain" when none (RFC 7578 4.4) */
    const char *data;         /* into the body; not NUL-terminated */
    size_t len;
} vcm_mp_part;

typedef struct vcm_mp_limits {
    size_t max_body;   /* bytes of the whole body; 0 = 8 MiB */
    size_t max_parts;  /* 0 = 64 */
    size_t max_header; /* bytes of one part's header block; 0 = 4096 */
} vcm_mp_limits;

typedef enum vcm_mp_error {
    VCM_MP_OK = 0,
    VCM_MP_NOT_MULTIPART,   /* the Content-Type is not multipart/form-data */
    VCM_MP_NO_BOUNDARY,     /* no boundary parameter, or a malformed one */
    VCM_MP_TOO_LARGE,       /* the body is over max_body */
    VCM_MP_NO_START,        /* the body does not start with the boundary */
    VCM_MP_UNTERMINATED,    /* a part without its closing boundary */
    VCM_MP_HEADERS_TOO_LONG,
    VCM_MP_TOO_MANY_PARTS,
    VCM_MP_BAD_HEADER,      /* a header line that is not "Name: value" */
    VCM_MP_BAD_DISPOSITION, /* no Content-Disposition: form-data with a name */
    VCM_MP_BAD_NAME,        /* a field or file name that is not clean UTF-8 */
    VCM_MP_BAD_TYPE,        /* a Content-Type that is not printable ASCII */
    VCM_MP_NO_MEMORY,       /* the arena's cap */
} vcm_mp_error;

typedef struct vcm_multipart {
    vcm_mp_part *parts; /* in the order of the body */
    size_t n;
    vcm_mp_error error;
    char message[160];  /* what was wrong and where (a part's number), for the log */
} vcm_multipart;

/* The boundary of a Content-Type header value ("multipart/form-data;
 * boundary=…", the parameter quoted or not) into out, which has room for
 * VCM_MP_BOUNDARY_MAX + 1 bytes. Returns VCM_MP_OK, VCM_MP_NOT_MULTIPART
 * or VCM_MP_NO_BOUNDARY. */
vcm_mp_error vcm_multipart_boundary(const char *content_type, char *out);

/* Parses the n bytes of body sent with content_type into mp, allocating
 * from a; lim may be NULL for the defaults. Returns 0, or -1 with
 * mp->error and mp->message set (mp->parts then empty). */
int vcm_multipart_parse(vcm_arena *a, const char *content_type, const char *body, size_t n,
                        const vcm_mp_limits *lim, vcm_multipart *mp);

/* The first part named name, or NULL. */
const vcm_mp_part *vcm_multipart_get(const vcm_multipart *mp, const char *name);
#endif
