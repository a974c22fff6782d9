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
 * libtiff handles are not thread-safe, so each thread keeps its own few open
 * levels, checked against the file's identity on every use so that a
 * replaced pyramid is never read through a stale handle. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tiffio.h>

#include "iiif/image.h"
#include "core/banned.h"

#define TILE 256
#define KEPT 8

struct open_tiff {
    char *path;
    int page;
    dev_t dev;
    ino_t ino;
    struct timespec mtime;
    TIFF *tif;
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
