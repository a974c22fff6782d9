/* IIIF Content State API 1.0: the `iiif-content` parameter that shares a
 * view of IIIF resources in a URL (here: the comparison page's canvases
 * and the part of each in view).
 *
 * A content state is JSON-LD, passed as base64url (RFC 4648 §5, padding
 * optional) of the JSON percent-encoded as ECMAScript's encodeURIComponent
 * does, which is what the specification's encoding asks of publishers; a
 * value whose decoded bytes are plain JSON is read too. Forms read:
 *   - an Annotation with motivation "contentState" whose target is one
 *     target or a list of them;
 *   - a bare target.
 * A target: a Canvas URI (a string, or {"id", "type": "Canvas"}), possibly
 * with a media fragment "#xywh=x,y,w,h" (or "xywh=pixel:…"); or a
 * SpecificResource whose source is a Canvas and whose selector is a
 * FragmentSelector with value "xywh=…". Regions are non-negative integers,
 * width and height positive. Anything else is refused with a message: no
 * URL is ever fetched (a state given by reference is refused).
 *
 * Pure functions over buffers, with caps (VCM_CS_MAX_PARAM bytes, at most
 * VCM_CS_TARGETS targets, ids of at most VCM_CS_ID_MAX bytes), fuzzed by
 * fuzz/content_state.c. */
#ifndef VCM_IO_CONTENT_STATE_H
#define VCM_IO_CONTENT_STATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define VCM_CS_TARGETS 4
#define VCM_CS_ID_MAX 512
#define VCM_CS_MAX_PARAM 8192

typedef struct vcm_cs_target {
    char canvas[VCM_CS_ID_MAX + 1]; /* the canvas URI, without its fragment */
    bool region;                    /* x, y, w, h say which part */
    int64_t x, y, w, h;
} vcm_cs_target;

typedef struct vcm_content_state {
    vcm_cs_target t[VCM_CS_TARGETS];
    size_t n;
} vcm_content_state;

/* Reads the parameter's value (len bytes, as the query gave it, already
 * percent-decoded once by the query parser) into out. 0, or -1 with a
 * short English message in err (what was wrong). */
int vcm_content_state_decode(const char *value, size_t len, vcm_content_state *out, char *err,
                             size_t errlen);
/* Writes the parameter's value for cs into out (appended): an Annotation
 * with motivation "contentState" targeting each canvas, a SpecificResource
 * with a FragmentSelector where there is a region, encoded as above
 * (without padding). 0, or -1 when out is full. */
int vcm_content_state_encode(const vcm_content_state *cs, vcm_buf *out);
#endif
