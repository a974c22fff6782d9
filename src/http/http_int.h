/* Private to src/http: what req.c and server.c share behind vcm_req.impl and
 * the private fields of vcm_resp. */
#ifndef VCM_HTTP_INT_H
#define VCM_HTTP_INT_H
#include <stdbool.h>

#include "http/query.h"
#include "http/req.h"

struct vcm_req_impl {
    void *conn;        /* struct MHD_Connection *; valid while the request lives */
    vcm_query query;   /* parsed on first use */
    bool query_parsed;
    vcm_req_then then; /* set by vcm_req_suspend: the request is set aside */
    void *then_ud;
};

/* Added inside the quotes of an ETag from vcm_resp_etag when the body goes
 * out gzipped: the two variants differ in bytes, so caches must not take
 * one for the other (RFC 9110, 8.8.3). */
#define VCM_GZIP_ETAG_SUFFIX "-gz"

struct vcm_resp_hdr {
    struct vcm_resp_hdr *next;
    const char *name, *value; /* in the request arena */
};
#endif
