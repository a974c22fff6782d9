/* Tiles as stored: the fast path of the image server.
 *
 * A deep-zoom viewer asks almost only for whole tiles of the pyramid's own
 * levels (region 256·s pixels square at a multiple of 256·s, size 256, no
 * rotation, default quality, JPEG). Such a tile already exists in the
 * pyramid, JPEG-encoded: the answer is those bytes, made a complete JPEG by
 * putting the level's shared tables (the TIFF's JPEGTables) in front. No
 * decoding, no scaling, no encoding: a read of some kilobytes.
 *
 * Anything else (edge tiles, which are padded in the TIFF but cropped in
 * IIIF; other sizes, rotations, qualities, formats) answers "not mine" and is
 * rendered by libvips (image.c).
 *
 * The same tiles feed the render path (vcm_iiif_decode_region): libjpeg
 * decodes the tiles a region meets straight into one buffer, at 1/8, 1/4,
 * 1/2 or full scale (its DCT scaling: a JPEG decoded at half size costs
 * about half, and those four scales have SIMD code in libjpeg-turbo; the
 * others, 3/8 and so on, are plain C and slower than full size). libvips'
 * TIFF loader did the same work several times slower: through its tile
 * cache, region buffers and copies, with each buffer allocated and
 * cleared per call.
 *
 * libtiff handles are not thread-safe, so each thread keeps its own few open
 * levels, checked against the file's identity on every use so that a
 * replaced pyramid is never read through a stale handle. */
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tiffio.h>
#include <jpeglib.h>

#include "iiif/image.h"
#include "iiif/tile.h"
#include "core/banned.h"

#define TILE VCM_IIIF_TILE
#define KEPT 8

struct open_tiff {
    char *path;
    int page;
    dev_t dev;
    ino_t ino;
    struct timespec mtime;
    TIFF *tif;
    int pages; /* 0 until counted */
    uint64_t used;
};

struct thread_tiffs {
    struct open_tiff t[KEPT];
    uint64_t clock;
};

static pthread_key_t tiff_key;
static pthread_once_t tiff_once = PTHREAD_ONCE_INIT;

static void close_all(void *p)
{
    struct thread_tiffs *tt = p;
    for (int i = 0; i < KEPT; i++) {
        if (tt->t[i].tif)
            TIFFClose(tt->t[i].tif);
        free(tt->t[i].path);
    }
    free(tt);
}

static void quiet(const char *module, const char *fmt, va_list ap)
{
    (void)module;
    (void)fmt;
    (void)ap;
}

static void make_key(void)
{
    pthread_key_create(&tiff_key, close_all);
    /* a level the fast path cannot read falls back to libvips, which reports */
    TIFFSetWarningHandler(quiet);
    TIFFSetErrorHandler(quiet);
}

/* This thread's handle on page `page` of path, or NULL. */
static TIFF *open_page(const char *path, int page)
{
    pthread_once(&tiff_once, make_key);
    struct thread_tiffs *tt = pthread_getspecific(tiff_key);
    if (!tt) {
        if (!(tt = calloc(1, sizeof *tt)))
            return NULL;
        pthread_setspecific(tiff_key, tt);
    }
    struct stat st;
    if (stat(path, &st) < 0)
        return NULL;
    struct open_tiff *slot = &tt->t[0];
    for (int i = 0; i < KEPT; i++) {
        struct open_tiff *o = &tt->t[i];
        if (o->tif && o->page == page && strcmp(o->path, path) == 0) {
            if (o->dev == st.st_dev && o->ino == st.st_ino &&
                o->mtime.tv_sec == st.st_mtim.tv_sec && o->mtime.tv_nsec == st.st_mtim.tv_nsec) {
                o->used = ++tt->clock;
                return o->tif;
            }
            slot = o; /* the file changed: reopen in this slot */
            break;
        }
        if (o->used < slot->used)
            slot = o;
    }
    if (slot->tif)
        TIFFClose(slot->tif);
    free(slot->path);
    memset(slot, 0, sizeof *slot);
    TIFF *tif = TIFFOpen(path, "rm"); /* no memory mapping: files may be replaced */
    if (!tif)
        return NULL;
    if (page && !TIFFSetDirectory(tif, (tdir_t)page)) {
        TIFFClose(tif);
        return NULL;
    }
    if (!(slot->path = strdup(path))) {
        TIFFClose(tif);
        return NULL;
    }
    slot->page = page;
    slot->dev = st.st_dev;
    slot->ino = st.st_ino;
    slot->mtime = st.st_mtim;
    slot->tif = tif;
    slot->used = ++tt->clock;
    return tif;
}

int vcm_iiif_stored_tile(const char *pyramid, int width, int height, const vcm_iiif_req *r,
                         vcm_buf *out)
{
    if (r->format != VCM_IIIF_JPG || (r->quality != VCM_IIIF_DEFAULT && r->quality != VCM_IIIF_COLOR) ||
        r->rotation != 0 || r->mirror || r->w != TILE || r->h != TILE || r->rw != r->rh ||
        r->rw % TILE)
        return 0;
    int s = r->rw / TILE, page = 0;
    while ((1 << page) < s)
        page++;
    if ((1 << page) != s || r->rx % r->rw || r->ry % r->rh ||
        (int64_t)r->rx + r->rw > width || (int64_t)r->ry + r->rh > height)
        return 0;
    TIFF *tif = open_page(pyramid, page);
    if (!tif)
        return 0;
    uint32_t lw = 0, lh = 0, tw = 0, th = 0;
    uint16_t compression = 0, photometric = 0;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &lw);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &lh);
    TIFFGetField(tif, TIFFTAG_COMPRESSION, &compression);
    TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric);
    if (!TIFFIsTiled(tif) || !TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw) ||
        !TIFFGetField(tif, TIFFTAG_TILELENGTH, &th) || tw != TILE || th != TILE ||
        compression != COMPRESSION_JPEG || photometric != PHOTOMETRIC_YCBCR)
        return 0;
    /* the level must be the full image shrunk by exactly s, and the tile whole */
    uint32_t col = (uint32_t)(r->rx / r->rw), row = (uint32_t)(r->ry / r->rh);
    if ((int64_t)lw != (width + s - 1) / s && (int64_t)lw != width / s)
        return 0;
    if ((int64_t)lh != (height + s - 1) / s && (int64_t)lh != height / s)
        return 0;
    if ((col + 1) * TILE > lw || (row + 1) * TILE > lh)
        return 0;
    uint32_t ntables = 0;
    const unsigned char *tables = NULL;
    if (!TIFFGetField(tif, TIFFTAG_JPEGTABLES, &ntables, &tables) || ntables < 4 ||
        tables[0] != 0xFF || tables[1] != 0xD8 || tables[ntables - 2] != 0xFF ||
        tables[ntables - 1] != 0xD9)
        return 0;
    ttile_t t = TIFFComputeTile(tif, col * TILE, row * TILE, 0, 0);
    uint64_t *sizes = NULL;
    if (!TIFFGetField(tif, TIFFTAG_TILEBYTECOUNTS, &sizes) || !sizes || sizes[t] < 4 ||
        sizes[t] > ((uint64_t)8 << 20))
        return 0;
    size_t n = (size_t)sizes[t];
    /* tables without their end, then the tile without its start */
    vcm_buf_reset(out);
    if (vcm_buf_grow(out, ntables - 2 + n) < 0)
        return -1;
    vcm_buf_append(out, tables, ntables - 2);
    unsigned char *dst = (unsigned char *)out->data + out->len;
    tmsize_t got = TIFFReadRawTile(tif, t, dst, (tmsize_t)n);
    if (got < 4 || dst[0] != 0xFF || dst[1] != 0xD8) {
        vcm_buf_reset(out);
        return 0;
    }
    memmove(dst, dst + 2, (size_t)got - 2);
    out->len += (size_t)got - 2;
    out->data[out->len] = '\0';
    return 1;
}

/* ---- decoding a region ---------------------------------------------------- */

/* The shared tables of a page, or NULL when the page is not a layout
 * decode_region reads (256-pixel JPEG tiles of YCbCr, 3 x 8 bits). */
static const unsigned char *jpeg_page(TIFF *tif, uint32_t *ntables, uint32_t *lw, uint32_t *lh)
{
    uint32_t tw = 0, th = 0;
    uint16_t compression = 0, photometric = 0, spp = 0, bps = 0, planar = 0;
    const unsigned char *tables = NULL;
    *lw = *lh = 0;
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, lw);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, lh);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetField(tif, TIFFTAG_COMPRESSION, &compression);
    TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric);
    if (!TIFFIsTiled(tif) || !TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw) ||
        !TIFFGetField(tif, TIFFTAG_TILELENGTH, &th) || tw != TILE || th != TILE ||
        compression != COMPRESSION_JPEG || photometric != PHOTOMETRIC_YCBCR || spp != 3 ||
        bps != 8 || planar != PLANARCONFIG_CONTIG || *lw < 1 || *lh < 1 || *lw > (1u << 24) ||
        *lh > (1u << 24))
        return NULL;
    if (!TIFFGetField(tif, TIFFTAG_JPEGTABLES, ntables, &tables) || *ntables < 4 ||
        tables[0] != 0xFF || tables[1] != 0xD8)
        return NULL;
    return tables;
}

int vcm_iiif_pages(const char *pyramid)
{
    pthread_once(&tiff_once, make_key);
    TIFF *tif = open_page(pyramid, 0);
    if (!tif)
        return 0;
    /* open_page just found or made this thread's slot of page 0 */
    struct thread_tiffs *tt = pthread_getspecific(tiff_key);
    for (int i = 0; tt && i < KEPT; i++)
        if (tt->t[i].tif == tif) {
            if (!tt->t[i].pages)
                tt->t[i].pages = TIFFNumberOfDirectories(tif);
            return tt->t[i].pages;
        }
    return TIFFNumberOfDirectories(tif);
}

int vcm_iiif_jpeg_level(const char *pyramid, int page, int *w, int *h)
{
    TIFF *tif = open_page(pyramid, page);
    uint32_t n, lw, lh;
    if (!tif || !jpeg_page(tif, &n, &lw, &lh))
        return 0;
    *w = (int)lw;
    *h = (int)lh;
    return 1;
}

int vcm_iiif_jpeg_420(const char *pyramid, int page)
{
    TIFF *tif = open_page(pyramid, page);
    uint16_t sh = 0, sv = 0;
    return tif && TIFFGetFieldDefaulted(tif, TIFFTAG_YCBCRSUBSAMPLING, &sh, &sv) && sh == 2 &&
           sv == 2;
}

/* libjpeg's errors end the decoding by a jump back here, not by exit(). */
struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf back;
    char msg[JMSG_LENGTH_MAX];
};

static void on_jpeg_error(j_common_ptr c)
{
    struct jerr *e = (struct jerr *)c->err;
    c->err->format_message(c, e->msg);
    longjmp(e->back, 1);
}

/* Warnings (a damaged tile is still decoded, grey where data is missing)
 * do not stop a render. */
static void on_jpeg_message(j_common_ptr c, int level)
{
    (void)c;
    (void)level;
}

/* e, set to end libjpeg's errors by a jump and to drop its warnings. */
static struct jpeg_error_mgr *jpeg_errors(struct jerr *e)
{
    struct jpeg_error_mgr *m = jpeg_std_error(&e->pub);
    e->pub.error_exit = on_jpeg_error;
    e->pub.emit_message = on_jpeg_message;
    return m;
}

/* What one tile adds: rows [ra, rb) and columns [ca, cb) of the tile,
 * decoded at m/8, go to dst (rows of stride bytes) from (dx, dy). */
struct piece {
    int ra, rb, ca, cb, dx, dy;
};

/* Decodes the raw tile src (n bytes) into its piece of dst through d,
 * whose tables are loaded. Returns 0, or -1 with the message in e. Kept
 * apart so that nothing it changes after setjmp is read after the jump. */
static int decode_tile(struct jpeg_decompress_struct *d, struct jerr *e, const unsigned char *src,
                       size_t n, int m, const struct piece *pc, unsigned char *row,
                       unsigned char *dst, size_t stride)
{
    if (setjmp(e->back)) {
        jpeg_abort_decompress(d);
        return -1;
    }
    jpeg_mem_src(d, src, (unsigned long)n);
    jpeg_read_header(d, TRUE);
    d->out_color_space = JCS_RGB;
    d->scale_num = (unsigned)m;
    d->scale_denom = 8;
    jpeg_start_decompress(d);
    if (d->output_width != (JDIMENSION)(TILE * m / 8) ||
        d->output_height != (JDIMENSION)(TILE * m / 8) || d->output_components != 3) {
        snprintf(e->msg, sizeof e->msg, "a tile decodes to %ux%u x %d, not %dx%d x 3",
                 d->output_width, d->output_height, d->output_components, TILE * m / 8,
                 TILE * m / 8);
        jpeg_abort_decompress(d);
        return -1;
    }
    /* Only the columns the region needs are turned into pixels (from the
     * iMCU column before them: entropy decoding has to go through all). */
    JDIMENSION xoff = (JDIMENSION)pc->ca, cw = (JDIMENSION)(pc->cb - pc->ca);
    if (cw < d->output_width)
        jpeg_crop_scanline(d, &xoff, &cw);
    else
        xoff = 0;
    if (pc->ra > 0)
        jpeg_skip_scanlines(d, (JDIMENSION)pc->ra);
    size_t len = (size_t)(pc->cb - pc->ca) * 3, skip = (size_t)(pc->ca - (int)xoff) * 3;
    for (int y = pc->ra; y < pc->rb; y++) {
        JSAMPROW rp = row;
        if (jpeg_read_scanlines(d, &rp, 1) != 1) {
            snprintf(e->msg, sizeof e->msg, "a tile ends early");
            jpeg_abort_decompress(d);
            return -1;
        }
        memcpy(dst + (size_t)(pc->dy + y - pc->ra) * stride + (size_t)pc->dx * 3, row + skip,
               len);
    }
    /* The rows below the region are not needed: stop here. The tables
     * stay loaded for the next tile. */
    jpeg_abort_decompress(d);
    return 0;
}

/* Loads the shared tables into d. Returns 0, or -1 with the message in e. */
static int load_tables(struct jpeg_decompress_struct *d, struct jerr *e,
                       const unsigned char *tables, uint32_t n)
{
    if (setjmp(e->back))
        return -1;
    jpeg_mem_src(d, tables, n);
    if (jpeg_read_header(d, FALSE) != JPEG_HEADER_TABLES_ONLY) {
        snprintf(e->msg, sizeof e->msg, "the JPEG tables hold an image");
        return -1;
    }
    return 0;
}

/* The planes of a 4:2:0 region and where a tile's piece of each goes. */
struct planes {
    unsigned char *p[3];
    size_t stride[3];
    unsigned char *row[3]; /* one iMCU row of the tile, per plane */
};

/* Like decode_tile, for the planes: pc is the luma piece; the chroma piece
 * is its half (the tile and the region start on even pixels). libjpeg
 * gives raw data by whole iMCU rows (2·m luma rows, m chroma rows); rows
 * above the region are decoded and dropped, and decoding stops after its
 * last. Only at full size (m = 8) in practice: when it scales, libjpeg
 * decodes chroma at twice the luma's scale (to spare its upsampling), so
 * the planes would not be 4:2:0 any more; that is refused here. */
static int decode_tile_420(struct jpeg_decompress_struct *d, struct jerr *e,
                           const unsigned char *src, size_t n, int m, const struct piece *pc,
                           struct planes *pl)
{
    if (setjmp(e->back)) {
        jpeg_abort_decompress(d);
        return -1;
    }
    jpeg_mem_src(d, src, (unsigned long)n);
    jpeg_read_header(d, TRUE);
    d->raw_data_out = TRUE;
    d->scale_num = (unsigned)m;
    d->scale_denom = 8;
    jpeg_start_decompress(d);
    int st = TILE * m / 8;
    if (d->num_components != 3 || d->comp_info[0].h_samp_factor != 2 ||
        d->comp_info[0].v_samp_factor != 2 || d->comp_info[1].h_samp_factor != 1 ||
        d->comp_info[1].v_samp_factor != 1 || d->comp_info[2].h_samp_factor != 1 ||
        d->comp_info[2].v_samp_factor != 1 || d->output_width != (JDIMENSION)st ||
        d->output_height != (JDIMENSION)st || d->comp_info[0].DCT_scaled_size != m ||
        d->comp_info[1].DCT_scaled_size != m || d->comp_info[2].DCT_scaled_size != m) {
        snprintf(e->msg, sizeof e->msg, "a tile is not 4:2:0 YCbCr of %dx%d", st, st);
        jpeg_abort_decompress(d);
        return -1;
    }
    int lines = 2 * m; /* luma rows of an iMCU row */
    JSAMPROW yr[16] = {0}, cbr[8] = {0}, crr[8] = {0};
    JSAMPARRAY data[3] = {yr, cbr, crr};
    for (int top = 0; top < pc->rb; top += lines) {
        for (int i = 0; i < lines; i++)
            yr[i] = pl->row[0] + (size_t)i * (size_t)st;
        for (int i = 0; i < lines / 2; i++) {
            cbr[i] = pl->row[1] + (size_t)i * (size_t)(st / 2);
            crr[i] = pl->row[2] + (size_t)i * (size_t)(st / 2);
        }
        if (jpeg_read_raw_data(d, data, (JDIMENSION)lines) != (JDIMENSION)lines) {
            snprintf(e->msg, sizeof e->msg, "a tile ends early");
            jpeg_abort_decompress(d);
            return -1;
        }
        for (int y = top; y < top + lines && y < pc->rb; y++)
            if (y >= pc->ra)
                memcpy(pl->p[0] + (size_t)(pc->dy + y - pc->ra) * pl->stride[0] + (size_t)pc->dx,
                       yr[y - top] + pc->ca, (size_t)(pc->cb - pc->ca));
        int ca = pc->ca / 2, cb = (pc->cb + 1) / 2, ra = pc->ra / 2, rb = (pc->rb + 1) / 2;
        for (int y = top / 2; y < (top + lines) / 2 && y < rb; y++)
            if (y >= ra)
                for (int c = 1; c < 3; c++)
                    memcpy(pl->p[c] + (size_t)(pc->dy / 2 + y - ra) * pl->stride[c] +
                               (size_t)(pc->dx / 2),
                           data[c][y - top / 2] + ca, (size_t)(cb - ca));
    }
    jpeg_abort_decompress(d);
    return 0;
}

/* The tiles of [x0, x1) x [y0, y1) of the scaled page, each handed to
 * one of the two decoders: rgb (dst) or 4:2:0 (pl). */
static int decode_tiles(const char *pyramid, int page, int m, int x0, int y0, int x1, int y1,
                        unsigned char *dst, struct planes *pl, char *err, size_t errlen);

int vcm_iiif_decode_region_420(const char *pyramid, int page, int m, int x0, int y0, int x1,
                               int y1, unsigned char *yp, unsigned char *cb, unsigned char *cr,
                               char *err, size_t errlen)
{
    int st = TILE * m / 8;
    if ((x0 | y0) & 1 || !vcm_iiif_jpeg_420(pyramid, page)) {
        snprintf(err, errlen, "cannot read page %d of '%s' as 4:2:0 from %d,%d", page, pyramid,
                 x0, y0);
        return -1;
    }
    struct planes pl = {
        .p = {yp, cb, cr},
        .stride = {(size_t)(x1 - x0), (size_t)(x1 - x0 + 1) / 2, (size_t)(x1 - x0 + 1) / 2},
        .row = {malloc((size_t)st * 16), malloc((size_t)st * 8), malloc((size_t)st * 8)},
    };
    int rc = -1;
    if (!pl.row[0] || !pl.row[1] || !pl.row[2])
        snprintf(err, errlen, "out of memory");
    else
        rc = decode_tiles(pyramid, page, m, x0, y0, x1, y1, NULL, &pl, err, errlen);
    for (int c = 0; c < 3; c++)
        free(pl.row[c]);
    return rc;
}

int vcm_iiif_decode_region(const char *pyramid, int page, int m, int x0, int y0, int x1, int y1,
                           unsigned char *dst, char *err, size_t errlen)
{
    return decode_tiles(pyramid, page, m, x0, y0, x1, y1, dst, NULL, err, errlen);
}

static int decode_tiles(const char *pyramid, int page, int m, int x0, int y0, int x1, int y1,
                        unsigned char *dst, struct planes *pl, char *err, size_t errlen)
{
    TIFF *tif = open_page(pyramid, page);
    uint32_t ntables = 0, lw = 0, lh = 0;
    const unsigned char *tables = tif ? jpeg_page(tif, &ntables, &lw, &lh) : NULL;
    int st = TILE * m / 8; /* a tile's side, decoded */
    if (!tables || (m != 1 && m != 2 && m != 4 && m != 8)) {
        snprintf(err, errlen, "cannot read page %d of '%s' as JPEG tiles", page, pyramid);
        return -1;
    }
    int64_t sw = ((int64_t)lw * m + 7) / 8, sh = ((int64_t)lh * m + 7) / 8;
    if (x0 < 0 || y0 < 0 || x1 <= x0 || y1 <= y0 || x1 > sw || y1 > sh) {
        snprintf(err, errlen, "region %d,%d-%d,%d is outside page %d of '%s'", x0, y0, x1, y1,
                 page, pyramid);
        return -1;
    }
    uint64_t *sizes = NULL;
    uint32_t across = (lw + TILE - 1) / TILE;
    if (!TIFFGetField(tif, TIFFTAG_TILEBYTECOUNTS, &sizes) || !sizes) {
        snprintf(err, errlen, "page %d of '%s' has no tile sizes", page, pyramid);
        return -1;
    }
    struct jpeg_decompress_struct d;
    struct jerr e = {0};
    d.err = jpeg_errors(&e);
    jpeg_create_decompress(&d);
    unsigned char *raw = NULL, *row = malloc((size_t)st * 3);
    size_t rawcap = 0, stride = (size_t)(x1 - x0) * 3;
    int rc = -1;
    if (!row) {
        snprintf(e.msg, sizeof e.msg, "out of memory");
        goto out;
    }
    if (load_tables(&d, &e, tables, ntables) < 0)
        goto out;
    for (int ty = y0 / st; ty * st < y1; ty++)
        for (int tx = x0 / st; tx * st < x1; tx++) {
            ttile_t t = (ttile_t)((uint32_t)ty * across + (uint32_t)tx);
            if (t >= TIFFNumberOfTiles(tif) || sizes[t] < 4 || sizes[t] > ((uint64_t)8 << 20)) {
                snprintf(e.msg, sizeof e.msg, "tile %d,%d is missing or too large", tx, ty);
                goto out;
            }
            size_t n = (size_t)sizes[t];
            if (n > rawcap) {
                unsigned char *nr = realloc(raw, n);
                if (!nr) {
                    snprintf(e.msg, sizeof e.msg, "out of memory");
                    goto out;
                }
                raw = nr;
                rawcap = n;
            }
            tmsize_t got = TIFFReadRawTile(tif, t, raw, (tmsize_t)n);
            if (got < 4) {
                snprintf(e.msg, sizeof e.msg, "cannot read tile %d,%d", tx, ty);
                goto out;
            }
            int ox = tx * st, oy = ty * st;
            struct piece pc = {
                .ra = (y0 > oy ? y0 : oy) - oy,
                .rb = (y1 < oy + st ? y1 : oy + st) - oy,
                .ca = (x0 > ox ? x0 : ox) - ox,
                .cb = (x1 < ox + st ? x1 : ox + st) - ox,
            };
            pc.dx = ox + pc.ca - x0;
            pc.dy = oy + pc.ra - y0;
            if (pl ? decode_tile_420(&d, &e, raw, (size_t)got, m, &pc, pl) < 0
                   : decode_tile(&d, &e, raw, (size_t)got, m, &pc, row, dst, stride) < 0)
                goto out;
        }
    rc = 0;
out:
    if (rc != 0)
        snprintf(err, errlen, "cannot decode page %d of '%s': %s", page, pyramid, e.msg);
    jpeg_destroy_decompress(&d);
    free(raw);
    free(row);
    return rc;
}

/* ---- encoding --------------------------------------------------------------- */

/* Kept apart for setjmp, like decode_tile. */
static int encode_rows(struct jpeg_compress_struct *c, struct jerr *e, const unsigned char *rgb,
                       int w, int h, int quality, unsigned char **mem, unsigned long *len)
{
    if (setjmp(e->back))
        return -1;
    jpeg_mem_dest(c, mem, len);
    c->image_width = (JDIMENSION)w;
    c->image_height = (JDIMENSION)h;
    c->input_components = 3;
    c->in_color_space = JCS_RGB;
    jpeg_set_defaults(c);
    jpeg_set_quality(c, quality, TRUE);
    if (quality >= 90) /* no chroma subsampling at high quality, as libvips */
        for (int i = 0; i < 3; i++)
            c->comp_info[i].h_samp_factor = c->comp_info[i].v_samp_factor = 1;
    jpeg_start_compress(c, TRUE);
    JSAMPROW rows[64];
    while (c->next_scanline < c->image_height) {
        int n = 0;
        for (JDIMENSION y = c->next_scanline; y < c->image_height && n < 64; y++)
            rows[n++] = (JSAMPROW)(rgb + (size_t)y * (size_t)w * 3);
        jpeg_write_scanlines(c, rows, (JDIMENSION)n);
    }
    jpeg_finish_compress(c);
    return 0;
}

/* After encode_rows or encode_rows_420 answered enc: the bytes into out,
 * c and the bytes libjpeg wrote (mem) freed. */
static int finish_encode(int enc, struct jpeg_compress_struct *c, const struct jerr *e, int w,
                         int h, unsigned char *mem, unsigned long len, vcm_buf *out, char *err,
                         size_t errlen)
{
    int rc = -1;
    if (enc < 0) {
        snprintf(err, errlen, "cannot encode a %dx%d JPEG: %s", w, h, e->msg);
    } else if (vcm_buf_append(out, mem, len) < 0) {
        snprintf(err, errlen, "rendered image of %lu bytes is over the buffer's cap", len);
        vcm_buf_reset(out);
    } else {
        rc = 0;
    }
    jpeg_destroy_compress(c);
    free(mem);
    return rc;
}

int vcm_iiif_encode_jpeg(const unsigned char *rgb, int w, int h, int quality, vcm_buf *out,
                         char *err, size_t errlen)
{
    struct jpeg_compress_struct c;
    struct jerr e = {0};
    unsigned char *mem = NULL;
    unsigned long len = 0;
    vcm_buf_reset(out);
    c.err = jpeg_errors(&e);
    jpeg_create_compress(&c);
    int enc = encode_rows(&c, &e, rgb, w, h, quality, &mem, &len);
    return finish_encode(enc, &c, &e, w, h, mem, len, out, err, errlen);
}

/* Kept apart for setjmp, like decode_tile. The planes are handed over in
 * whole iMCU rows (16 luma rows, 8 chroma) of whole blocks: rows padded to
 * a multiple of 16 luma pixels by repeating the last pixel, rows past the
 * bottom repeating the last row. */
static int encode_rows_420(struct jpeg_compress_struct *c, struct jerr *e,
                           unsigned char *const pad[3], const unsigned char *const src[3],
                           const size_t width[3], int h, int quality, unsigned char **mem,
                           unsigned long *len)
{
    if (setjmp(e->back))
        return -1;
    jpeg_mem_dest(c, mem, len);
    c->image_width = (JDIMENSION)width[0];
    c->image_height = (JDIMENSION)h;
    c->input_components = 3;
    c->in_color_space = JCS_YCbCr;
    jpeg_set_defaults(c);
    jpeg_set_quality(c, quality, TRUE);
    c->raw_data_in = TRUE;
    c->comp_info[0].h_samp_factor = c->comp_info[0].v_samp_factor = 2;
    for (int i = 1; i < 3; i++)
        c->comp_info[i].h_samp_factor = c->comp_info[i].v_samp_factor = 1;
    jpeg_start_compress(c, TRUE);
    size_t pw[3] = {(width[0] + 15) / 16 * 16, (width[0] + 15) / 16 * 8, (width[0] + 15) / 16 * 8};
    int ph[3] = {h, (h + 1) / 2, (h + 1) / 2};
    JSAMPROW yr[16], cbr[8], crr[8];
    JSAMPARRAY data[3] = {yr, cbr, crr};
    for (int top = 0; top < h; top += 16) {
        for (int p = 0; p < 3; p++) {
            int n = p ? 8 : 16, t = p ? top / 2 : top;
            for (int i = 0; i < n; i++) {
                int y = t + i < ph[p] ? t + i : ph[p] - 1;
                unsigned char *row = pad[p] + (size_t)i * pw[p];
                memcpy(row, src[p] + (size_t)y * width[p], width[p]);
                memset(row + width[p], row[width[p] - 1], pw[p] - width[p]);
                data[p][i] = row;
            }
        }
        jpeg_write_raw_data(c, data, 16);
    }
    jpeg_finish_compress(c);
    return 0;
}

int vcm_iiif_encode_jpeg_420(const unsigned char *yp, const unsigned char *cb,
                             const unsigned char *cr, int w, int h, int quality, vcm_buf *out,
                             char *err, size_t errlen)
{
    struct jpeg_compress_struct c;
    struct jerr e = {0};
    unsigned char *mem = NULL;
    unsigned long len = 0;
    size_t width[3] = {(size_t)w, (size_t)(w + 1) / 2, (size_t)(w + 1) / 2};
    size_t pw = (size_t)(w + 15) / 16 * 16;
    unsigned char *pad[3] = {malloc(pw * 16), malloc(pw / 2 * 8), malloc(pw / 2 * 8)};
    const unsigned char *src[3] = {yp, cb, cr};
    int rc = -1;
    vcm_buf_reset(out);
    if (!pad[0] || !pad[1] || !pad[2]) {
        snprintf(err, errlen, "out of memory");
    } else {
        c.err = jpeg_errors(&e);
        jpeg_create_compress(&c);
        int enc = encode_rows_420(&c, &e, pad, src, width, h, quality, &mem, &len);
        rc = finish_encode(enc, &c, &e, w, h, mem, len, out, err, errlen);
    }
    for (int i = 0; i < 3; i++)
        free(pad[i]);
    return rc;
}
