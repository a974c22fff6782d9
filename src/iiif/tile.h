/* Reading a pyramid's JPEG tiles directly (tile.c), for image.c: the
 * stored bytes of one tile (vcm_iiif_stored_tile, image.h), and the pixels
 * of a region decoded by libjpeg with no libvips in between. Internal to
 * src/iiif/. */
#ifndef VCM_IIIF_TILE_H
#define VCM_IIIF_TILE_H
#include <stddef.h>

#include "core/buf.h"

/* Size of the decoded tiles, in pixels of their level. */
#define VCM_IIIF_TILE 256

/* Whether page of the pyramid exists and can be decoded by
 * vcm_iiif_decode_region: 256-pixel tiles of JPEG in YCbCr, 3 bands of 8
 * bits, with the shared tables. Returns 1 and the page's size in *w, *h,
 * or 0 (no such page, or another layout: let libvips read it). */
int vcm_iiif_jpeg_level(const char *pyramid, int page, int *w, int *h);

/* The number of pages (levels) of the pyramid, or 0 when it cannot be
 * opened. */
int vcm_iiif_pages(const char *pyramid);

/* Decodes the pixels [x0, x1) x [y0, y1) of page, the page being scaled
 * by m/8 (m = 1, 2, 4 or 8) by libjpeg's DCT scaling, so in pixels of the
 * scaled page (whose tiles are 32·m pixels square, its size the page's
 * times m/8 rounded up). Only the tiles the rectangle meets are read,
 * and of those only the rows it needs are turned into pixels. dst
 * receives (y1 - y0) rows of 3·(x1 - x0) bytes, RGB. The page must be one
 * vcm_iiif_jpeg_level accepted. Returns 0, or -1 with a message in err. */
int vcm_iiif_decode_region(const char *pyramid, int page, int m, int x0, int y0, int x1, int y1,
                           unsigned char *dst, char *err, size_t errlen);
/* Whether the tiles of page hold their chroma at half resolution each way
 * (4:2:0), as libjpeg writes below quality 90: 1 or 0. */
int vcm_iiif_jpeg_420(const char *pyramid, int page);

/* As vcm_iiif_decode_region, but the pixels stay as a 4:2:0 page stores
 * them: no chroma upsampling, no colour conversion. x0 and y0 must be
 * even. yp receives (y1 - y0) rows of (x1 - x0) bytes of luma; cb and cr
 * each (y1 - y0 + 1) / 2 rows of (x1 - x0 + 1) / 2 bytes, chroma sample
 * (i, j) covering luma (2i, 2j) to (2i + 1, 2j + 1). Returns 0, or -1 with
 * a message in err (also when the page is not 4:2:0). */
int vcm_iiif_decode_region_420(const char *pyramid, int page, int m, int x0, int y0, int x1,
                               int y1, unsigned char *yp, unsigned char *cb, unsigned char *cr,
                               char *err, size_t errlen);

/* Encodes w × h pixels given as planes laid out as above (yp w bytes a
 * row, cb and cr (w + 1) / 2) as a baseline 4:2:0 JPEG of the quality,
 * with no metadata, into out (reset first; its cap applies). Returns 0,
 * or -1 with a message in err (and out empty). */
int vcm_iiif_encode_jpeg_420(const unsigned char *yp, const unsigned char *cb,
                             const unsigned char *cr, int w, int h, int quality, vcm_buf *out,
                             char *err, size_t errlen);

/* Encodes w × h RGB pixels (rows of 3·w bytes) as a baseline JPEG of the
 * given quality, 4:2:0 below quality 90 and 4:4:4 from it (as libvips
 * does), with no metadata, into out (reset first; its cap applies).
 * Returns 0, or -1 with a message in err (and out empty). */
int vcm_iiif_encode_jpeg(const unsigned char *rgb, int w, int h, int quality, vcm_buf *out,
                         char *err, size_t errlen);
#endif
