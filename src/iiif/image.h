/* IIIF imaging on libvips: ingest a master into a tiled pyramidal TIFF, and
 * render IIIF Image API requests from that pyramid.
 *
 *   media_dir/originals/XX/<sha256>.<ext>   the master, byte for byte
 *   media_dir/pyramids/XX/<sha256>.tif      sRGB 8-bit, JPEG Q85, 256×256 tiles,
 *                                           one page per level, each half the last
 *
 * XX is the first two hex digits of the SHA-256 of the master's bytes, so the
 * same bytes always land on the same two files and a second ingest of them
 * only reads and hashes the source.
 *
 * Call vcm_iiif_init() once before anything else (it is safe to call it from
 * several threads; the first call does the work). After that every function
 * here may be called from any number of threads at once. */
#ifndef VCM_IIIF_IMAGE_H
#define VCM_IIIF_IMAGE_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "iiif/request.h"

/* Default decompression-bomb limit of vcm_iiif_ingest: one gigapixel. */
#define VCM_IIIF_MAX_PIXELS_DEFAULT ((int64_t)1000000000)

typedef struct vcm_iiif_ingest_opts {
    int64_t max_pixels;  /* width × height from the header; 0 = the default above */
    /* Called with 0…100 as the work goes on, each value at most once and never
     * going down, 100 last on success. It may be called from a libvips worker
     * thread, not only from the caller's. NULL = no reports. */
    void (*progress)(int percent, void *ud);
    void *ud;
} vcm_iiif_ingest_opts;

typedef struct vcm_iiif_media {
    char sha256[65];     /* lower-case hex of the master's bytes */
    int width, height;   /* of the pyramid: the master after its EXIF orientation */
    char format[16];     /* of the master: "jpeg", "png", "tiff", "jp2k", "webp" */
    char original[512];  /* path of the kept master */
    char pyramid[512];   /* path of the pyramidal TIFF */
    int64_t bytes;       /* size of the master */
} vcm_iiif_media;

/* Starts libvips for this process: its operation cache off (each rendering
 * thread keeps the last 8 pyramid levels it opened, one file descriptor
 * each, until it ends), one worker thread per pipeline unless the
 * environment sets VIPS_CONCURRENCY (the server runs many pipelines at
 * once); with libvips before 8.15.4, idle worker threads stay until
 * shutdown (see image.c).
 * Returns 0, or -1 with a message in err. Idempotent and thread-safe. */
int vcm_iiif_init(char *err, size_t errlen);

/* Stops libvips. Call it once at exit, after every thread has stopped using
 * the functions here; vcm_iiif_init() fails after it. */
void vcm_iiif_shutdown(void);

/* Ingests the image file src into media_dir (created when missing).
 *
 * Accepts JPEG, PNG, TIFF (8 or 16 bits, grey, RGB or CMYK, any ICC profile),
 * JPEG 2000 (when this libvips has a JPEG 2000 loader) and WebP; the type is
 * told from the first bytes, never from the name. Refuses, with a message in
 * err and nothing left in media_dir: other types, images whose header says
 * more than max_pixels, files that cannot be read, and files that are corrupt
 * or truncated anywhere (every pixel is decoded before anything is kept).
 *
 * Works in bounded memory for any size: the master is decoded top to bottom
 * and streamed into the pyramid. (Exception: a master with an EXIF orientation
 * other than 1 is decoded once to a libvips temporary so it can be turned.)
 * Files appear complete or not at all: temporaries in the same folder,
 * fsync, rename.
 *
 * opts may be NULL. Returns 0 and fills out, or -1 with a message in err. */
int vcm_iiif_ingest(const char *src, const char *media_dir, const vcm_iiif_ingest_opts *opts,
                    vcm_iiif_media *out, char *err, size_t errlen);

/* Reads the size of a pyramid made by vcm_iiif_ingest and its number of
 * levels (level 0 is full size, each next one half as wide and high).
 * Returns 0, or -1 with a message in err. */
int vcm_iiif_probe(const char *pyramid, int *width, int *height, int *levels, char *err,
                   size_t errlen);

/* Renders the resolved request r from a pyramid: the region is read from the
 * smallest level that is still at least the output size, scaled to exactly
 * r->w × r->h, mirrored, turned clockwise, reduced to the quality and encoded
 * in the format. Rotations by other than a multiple of 90 degrees fill the
 * corners with white in jpg, and with transparency in png, webp and tif.
 * Grey output has one band; bitonal output one band of 0 and 255 only.
 *
 * out is reset and receives the encoded image (its cap applies). Returns 0,
 * or -1 with a message in err (and out empty). */
int vcm_iiif_render(const char *pyramid, const vcm_iiif_req *r, vcm_buf *out, char *err,
                    size_t errlen);
/* What rendering r from the pyramid of a width x height image costs, in
 * pixels: those decoded (the region cut from the level vcm_iiif_render
 * would read, in whole tiles) plus those written (w x h, or the canvas a
 * rotation by other than a multiple of 90 degrees turns it into). Pure:
 * no file is read, so a request can be refused before any work. */
int64_t vcm_iiif_cost(int width, int height, const vcm_iiif_req *r);

/* The fast path (tile.c): when r asks for exactly one whole tile of one of
 * the pyramid's levels, as a default-quality JPEG with no rotation, puts the
 * stored tile itself into out and returns 1. Returns 0 for any other request
 * (render it), -1 when out cannot grow. width and height: the full image. */
int vcm_iiif_stored_tile(const char *pyramid, int width, int height, const vcm_iiif_req *r,
                         vcm_buf *out);
#endif
