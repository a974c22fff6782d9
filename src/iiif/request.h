/* IIIF Image API 3.0 requests: the four path segments of an image request
 * ({region}/{size}/{rotation}/{quality}.{format}) parsed and resolved
 * against one image. Pure: no I/O, no libvips, so any input can be tested
 * and fuzzed. */
#ifndef VCM_IIIF_REQUEST_H
#define VCM_IIIF_REQUEST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum vcm_iiif_quality {
    VCM_IIIF_DEFAULT, VCM_IIIF_COLOR, VCM_IIIF_GRAY, VCM_IIIF_BITONAL
} vcm_iiif_quality;

typedef enum vcm_iiif_format {
    VCM_IIIF_JPG, VCM_IIIF_PNG, VCM_IIIF_WEBP, VCM_IIIF_TIF
} vcm_iiif_format;

/* What the server allows; 0 (or less) = no limit. Each limit stands on its
 * own: a max_width without a max_height does not limit the height (the
 * info.json writer should then give maxHeight too, since clients read a
 * lone maxWidth as maxHeight = maxWidth). Upscaling (^) is allowed up to
 * these limits, so a server that serves ^ sizes should set max_area. */
typedef struct vcm_iiif_limits {
    int max_width, max_height;
    int64_t max_area;
} vcm_iiif_limits;

typedef struct vcm_iiif_req {
    int rx, ry, rw, rh;         /* region, in pixels of the full image, clipped to it */
    int w, h;                   /* size of the scaled region, before rotation */
    bool mirror;                /* mirror horizontally before rotating */
    double rotation;            /* degrees clockwise, 0 <= rotation < 360, in
                                 * tenths of a degree (the request rounded) */
    vcm_iiif_quality quality;
    vcm_iiif_format format;
    /* The canonical URI form of the request (region "x,y,w,h" or "full",
     * size "w,h" or "max", or "^w,h" or "^max" when upscaled, rotation
     * "!" when mirrored and the number rounded to a tenth of a degree,
     * written shortest, quality.format), e.g.
     * "0,0,1024,1024/512,512/0/default.jpg": the derivative cache's key and
     * the Link rel="canonical" header. */
    char canonical[160];
} vcm_iiif_req;

/* What went wrong, as a catalogue key and its arguments rather than a
 * sentence: the parser needs no catalogue, and whoever shows the message
 * renders it in the reader's language (the web layer with vcm_web_tfv).
 * The key's text in locale/vcm.pot has {1} … {nargs} where the arguments go.
 * Each argument is printable ASCII without a quote, at most 40 bytes: a
 * segment of the request (cut to 37 bytes and "...", anything else shown
 * as '?', so a log line cannot be split or forged; not HTML-escaped: a page
 * escapes it like any other text), a decimal number, or a piece of request
 * syntax ("^max"). */
#define VCM_IIIF_MSG_ARGS 5
#define VCM_IIIF_MSG_ARGLEN 48

typedef struct vcm_iiif_msg {
    const char *key; /* "iiif.err.…", static; NULL when there was no error */
    int nargs;
    char arg[VCM_IIIF_MSG_ARGS][VCM_IIIF_MSG_ARGLEN];
} vcm_iiif_msg;

/* Every message the parser can give: its key, and one letter per argument
 * ('s' text, 'l' a whole number), so a test can hold the catalogue to it. */
typedef struct vcm_iiif_msg_def {
    const char *key;
    const char *args;
} vcm_iiif_msg_def;

extern const vcm_iiif_msg_def vcm_iiif_msg_defs[];
extern const size_t vcm_iiif_nmsg_defs;

/* Parses and resolves a request for an image of width × height. Returns 0,
 * or the HTTP status the specification asks for (400 bad syntax, a region
 * outside the image, a size above the region without '^', a size over the
 * limits; 501 a format or quality this server does not make) with the
 * message in err. */
/* The segments are percent-decoded, NUL-terminated strings; they are read
 * in URL order and the first error wins. The only 501 is a format the
 * specification names that this server does not make (gif, jp2, pdf); an
 * unknown quality is 400 (section 4.4). A width or height that is not
 * positive is the caller's fault: 500 (iiif.err.no_size). limits may be
 * NULL (no limits); err may be NULL. On error *out is all zero; on success
 * err->key is NULL. */
int vcm_iiif_parse(const char *region, const char *size, const char *rotation,
                   const char *quality_format, int width, int height,
                   const vcm_iiif_limits *limits, vcm_iiif_req *out, vcm_iiif_msg *err);

const char *vcm_iiif_format_ext(vcm_iiif_format f);       /* "jpg" … */
const char *vcm_iiif_format_mime(vcm_iiif_format f);      /* "image/jpeg" … */
const char *vcm_iiif_quality_name(vcm_iiif_quality q);    /* "default" … */
#endif
