/* IIIF imaging on libvips: ingest (master → pyramid) and render (pyramid →
 * encoded derivative).
 *
 * Ingest, in order, so a refusal costs little and leaves nothing behind:
 *   1. sniff the first bytes (the name is never trusted) and read the header
 *      with the matching loader: unsupported types and decompression bombs
 *      are refused here, before media_dir is touched;
 *   2. hash the source (SHA-256, streamed); when both the original and the
 *      pyramid of that hash exist, the ingest is done (idempotence);
 *   3. copy the source into a temporary beside its final name (in the
 *      kernel where possible); a source whose size or times moved since it
 *      was opened changed under us, and is refused;
 *   4. decode *our copy* (sequential access, fail on any error: every pixel
 *      is decoded, so a truncated file fails here) through the colour
 *      conversion into a temporary pyramid — libvips streams the whole chain
 *      top to bottom, so memory stays bounded for any image size;
 *   5. fsync both temporaries, rename pyramid then original, fsync folders.
 * Any failure unlinks the temporaries and removes the folders this call
 * created (only when empty), so media_dir looks as before. A crash can leave
 * a ".tmp-*" file behind, never a half-written final name.
 *
 * Render opens the pyramid at the smallest level still at least as large as
 * the output (a tile of level k touches 256×256 stored pixels, not 4^k times
 * that), cuts the region there, and only resizes when the cut is not
 * already the requested size. A pyramid of JPEG tiles (every one ingest
 * writes) takes the direct path (render_direct): libjpeg and our own
 * scaling up to the pixels, and for a plain JPEG answer libjpeg's encoder
 * too; libvips does the rest (turns, qualities, other formats) and reads
 * other pyramids and very large regions. Everything is built per call from
 * the file: nothing is shared between threads but libvips itself, whose
 * operation cache is off; each thread keeps its own few opened levels
 * (open_level here, open_page in tile.c).
 *
 * Colour: masters with an ICC profile (and every CMYK master) go through
 * lcms to sRGB; 16-bit masters go through lcms at 16 bits and are scaled to
 * 8 after, because vips_icc_transform with depth 8 clips a 16-bit alpha
 * instead of scaling it. Alpha is flattened on white last, in 8-bit sRGB. */
#include "iiif/image.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <sodium.h>
#include <vips/vips.h>
#include <vips/vector.h>

#include "core/log.h"
#include "iiif/tile.h"
#include "core/banned.h"

/* ---- errors ------------------------------------------------------------- */

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* "what: libvips's message", its lines joined with "; ". libvips keeps one
 * error buffer for the whole process, so under load a message may carry
 * another thread's words too; taking it clears it. */
static void vips_err(char *err, size_t errlen, const char *what)
{
    char *msg = vips_error_buffer_copy();
    char joined[512];
    size_t n = 0;
    for (const char *p = msg ? msg : ""; *p && n + 3 < sizeof joined; p++) {
        if (*p != '\n')
            joined[n++] = *p;
        else if (p[1]) {
            joined[n++] = ';';
            joined[n++] = ' ';
        }
    }
    joined[n] = '\0';
    seterr(err, errlen, "%s: %s", what, n ? joined : "libvips failed");
    g_free(msg);
}

/* snprintf that fails instead of truncating. */
static int path_fmt(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int path_fmt(char *dst, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(dst, n, fmt, ap);
    va_end(ap);
    return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* ---- libvips worker threads ------------------------------------------------ */

/* libvips before 8.15.4 (Debian 12 has 8.14.1) lets an idle worker thread
 * leave 15 s after its last task without first taking itself off the list
 * of free workers (threadset.c, vips_threadset_work: the timed wait returns,
 * then the set's lock is taken). A pipeline started in that gap is handed to
 * the leaving thread: either its task is lost and the request waits for
 * ever, or the task is written into the thread's record and semaphore after
 * they were freed, which corrupts the heap ("double free or corruption",
 * SIGSEGV, much later and elsewhere). Under steady load with idle spells the
 * gap is met sooner or later; on a busy machine it is milliseconds wide.
 * libvips 8.15.4 rewrote the thread set and fixed it.
 *
 * The timed wait is libvips' only use of vips_semaphore_down_timeout, and
 * libvips calls it through its PLT, so this definition in the program wins
 * (the linker exports it because libvips defines the same name). With an
 * affected libvips it waits without a limit: idle workers stay until
 * vips_shutdown, so no task can meet a leaving one. They number the peak of
 * pipelines run at once, a few per rendering thread. A fixed libvips gets
 * its own function. */
typedef int (*down_timeout_fn)(VipsSemaphore *, gint64);
static down_timeout_fn library_down_timeout;
static pthread_once_t down_timeout_once = PTHREAD_ONCE_INIT;

static void find_down_timeout(void)
{
    int major = vips_version(0), minor = vips_version(1), micro = vips_version(2);
    bool racy = major < 8 || (major == 8 && (minor < 15 || (minor == 15 && micro < 4)));
    if (racy)
        return;
    void *f = dlsym(RTLD_NEXT, "vips_semaphore_down_timeout");
    memcpy(&library_down_timeout, &f, sizeof f);  /* ISO C has no cast for this */
}

int vips_semaphore_down_timeout(VipsSemaphore *s, gint64 timeout)
{
    pthread_once(&down_timeout_once, find_down_timeout);
    if (library_down_timeout)
        return library_down_timeout(s, timeout);
    return vips_semaphore_down(s);
}

/* ---- init --------------------------------------------------------------- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc = -1;
static char init_msg[256];
static _Atomic int shut_down;

/* libvips' warnings (a damaged tile, a loader's complaint) would go to
 * stderr in GLib's format; send them through our log instead. */
static void on_vips_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                        gpointer ud)
{
    (void)domain;
    (void)level;
    (void)ud;
    char clean[400];
    size_t n = 0;
    for (const char *p = message ? message : ""; *p && n + 1 < sizeof clean; p++)
        clean[n++] = *p == '"' ? '\'' : (*p == '\n' || *p == '\r') ? ' ' : *p;
    clean[n] = '\0';
    vcm_warn("libvips", "detail=\"%s\"", clean);
}

static void init_run(void)
{
    if (sodium_init() < 0) {
        seterr(init_msg, sizeof init_msg, "cannot start libsodium");
        return;
    }
    if (VIPS_INIT("vcm")) {
        vips_err(init_msg, sizeof init_msg, "cannot start libvips");
        return;
    }
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, on_vips_log, NULL);
    /* libvips' operation cache would keep every step of every ingest, with
     * its open files, until pushed out; renders keep their opened levels in
     * a cache of their own (below). */
    vips_cache_set_max(0);
    /* The server runs a pipeline per request thread already: more workers
     * per pipeline only add hand-offs to a 256×256 tile. */
    const char *c = getenv("VIPS_CONCURRENCY");
    if (!c || !*c)
        vips_concurrency_set(1);
    /* No run-time generated vector code (liborc). libvips compiles an Orc
     * program for each resize kernel it builds (vips_reduceh/v: one per
     * scale factor, so one per unique region size) and frees it with the
     * operation. Orc 0.4.33 (Debian 12) does not make its executable-code
     * allocator safe for threads that compile and free at once: under
     * concurrent renders of unique regions the server died in seconds in
     * orc_code_free, or later as "double free or corruption (fasttop)",
     * "malloc_consolidate(): unaligned fastbin chunk" and segmentation
     * faults elsewhere (tests/web/test_iiif_stress). The C paths make the
     * same pixels. */
    vips_vector_set_enabled(FALSE);
    init_rc = 0;
}

int vcm_iiif_init(char *err, size_t errlen)
{
    pthread_once(&init_once, init_run);
    if (shut_down) {
        seterr(err, errlen, "libvips was shut down in this process");
        return -1;
    }
    if (init_rc != 0)
        seterr(err, errlen, "%s", init_msg);
    return init_rc;
}

static void levels_clear(void);

void vcm_iiif_shutdown(void)
{
    if (init_rc == 0 && !shut_down) {
        shut_down = 1;
        levels_clear();
        vips_shutdown();
    }
}

static int need_init(char *err, size_t errlen)
{
    if (init_rc != 0 || shut_down) {
        seterr(err, errlen, "vcm_iiif_init was not called (or libvips was shut down)");
        return -1;
    }
    return 0;
}

/* ---- formats ------------------------------------------------------------ */

enum fmt { FMT_NONE, FMT_JPEG, FMT_PNG, FMT_TIFF, FMT_JP2, FMT_J2K, FMT_WEBP };

static const struct {
    const char *name, *ext;
} fmts[] = {
    [FMT_NONE] = {"", ""},          [FMT_JPEG] = {"jpeg", "jpg"}, [FMT_PNG] = {"png", "png"},
    [FMT_TIFF] = {"tiff", "tif"},   [FMT_JP2] = {"jp2k", "jp2"},  [FMT_J2K] = {"jp2k", "j2k"},
    [FMT_WEBP] = {"webp", "webp"},
};

static enum fmt sniff(const unsigned char *b, size_t n)
{
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        return FMT_JPEG;
    if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
        return FMT_PNG;
    if (n >= 4 && (memcmp(b, "II*\0", 4) == 0 || memcmp(b, "MM\0*", 4) == 0 ||
                   memcmp(b, "II+\0", 4) == 0 || memcmp(b, "MM\0+", 4) == 0))
        return FMT_TIFF;
    if (n >= 12 && memcmp(b, "\0\0\0\x0cjP  \r\n\x87\n", 12) == 0)
        return FMT_JP2;
    if (n >= 4 && memcmp(b, "\xff\x4f\xff\x51", 4) == 0)
        return FMT_J2K;
    if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
        return FMT_WEBP;
    return FMT_NONE;
}

/* The one loader for the sniffed type, failing on any decode error and on
 * any warning too: libjpeg only warns of a file that ends before its data
 * ("premature end of data segment") and fills the rest with grey, so a
 * header alone would pass for a whole image. */
#define FAIL_ON VIPS_FAIL_ON_WARNING
static int load(const char *path, enum fmt f, VipsAccess access, VipsImage **out)
{
    switch (f) {
    case FMT_JPEG:
        return vips_jpegload(path, out, "access", access, "fail_on", FAIL_ON, NULL);
    case FMT_PNG:
        return vips_pngload(path, out, "access", access, "fail_on", FAIL_ON, NULL);
    case FMT_TIFF:
        return vips_tiffload(path, out, "access", access, "fail_on", FAIL_ON, NULL);
    case FMT_JP2:
    case FMT_J2K:
        return vips_jp2kload(path, out, "access", access, "fail_on", FAIL_ON, NULL);
    case FMT_WEBP:
        return vips_webpload(path, out, "access", access, "fail_on", FAIL_ON, NULL);
    case FMT_NONE:
        break;
    }
    vips_error("vcm", "no loader");
    return -1;
}

/* ---- progress ----------------------------------------------------------- */

typedef struct progress {
    const vcm_iiif_ingest_opts *opts;
    pthread_mutex_t mu;
    int last;    /* last percent reported, -1 = none */
    int lo, hi;  /* the current phase's 0…100 maps onto lo…hi */
} progress;

static void progress_at(progress *p, int phase_percent)
{
    if (!p->opts || !p->opts->progress)
        return;
    if (phase_percent < 0)
        phase_percent = 0;
    if (phase_percent > 100)
        phase_percent = 100;
    int v = p->lo + (p->hi - p->lo) * phase_percent / 100;
    pthread_mutex_lock(&p->mu);
    if (v > p->last) {
        p->last = v;
        p->opts->progress(v, p->opts->ud);
    }
    pthread_mutex_unlock(&p->mu);
}

static void progress_phase(progress *p, int lo, int hi)
{
    progress_at(p, 100);
    p->lo = lo;
    p->hi = hi;
    progress_at(p, 0);
}

static void on_eval(VipsImage *image, VipsProgress *vp, void *ud)
{
    (void)image;
    progress_at(ud, vp->percent);
}

/* ---- files -------------------------------------------------------------- */

static int fsync_path(const char *path, bool dir)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Creates the folder when missing; *made tells whether this call did. */
static int mkdir_one(const char *path, bool *made)
{
    if (mkdir(path, 0755) == 0) {
        *made = true;
        return 0;
    }
    struct stat st;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    return -1;
}

static void hex(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Reads fd from its start to its end, hashing, reporting the share read of
 * size bytes. Returns 0, or -1 with errno set. (libsodium's portable
 * SHA-256 runs near 200 MB/s: for big uncompressed masters this pass, not
 * the pyramid, is the slow part, so it is done once.) */
static int hash_fd(int fd, int64_t size, progress *pr, char sha[65], int64_t *bytes)
{
    enum { CHUNK = 1 << 20 };
    unsigned char *b = malloc(CHUNK);
    if (!b)
        return -1;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    int64_t total = 0;
    int rc = -1;
    for (;;) {
        ssize_t n = pread(fd, b, CHUNK, (off_t)total);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto out;
        if (n == 0)
            break;
        crypto_hash_sha256_update(&st, b, (unsigned long long)n);
        total += n;
        if (size > 0)
            progress_at(pr, (int)(total * 100 / size));
    }
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, d);
    hex(d, sizeof d, sha);
    *bytes = total;
    rc = 0;
out:
    free(b);
    return rc;
}

/* Copies fd from its start to its end into out_fd, in the kernel when it
 * can. Returns 0, or -1 with errno set. */
static int copy_fd(int fd, int out_fd, int64_t *bytes)
{
    off_t in_off = 0;
    for (;;) {
        ssize_t n = copy_file_range(fd, &in_off, out_fd, NULL, (size_t)1 << 30, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && in_off == 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
                                     errno == EOPNOTSUPP))
            break;  /* not between these files: copy by hand */
        if (n < 0)
            return -1;
        if (n == 0) {
            *bytes = in_off;
            return 0;
        }
    }
    enum { CHUNK = 1 << 20 };
    char *b = malloc(CHUNK);
    if (!b)
        return -1;
    int64_t total = 0;
    for (;;) {
        ssize_t n = pread(fd, b, CHUNK, (off_t)total);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(b);
            *bytes = total;
            return n < 0 ? -1 : 0;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out_fd, b + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                free(b);
                return -1;
            }
            done += w;
        }
        total += n;
    }
}

/* Whether a file is as it was: same inode, size, change and modify times. */
static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* ---- ingest ------------------------------------------------------------- */

/* Converts a decoded master to 8-bit sRGB, three bands, no alpha. The
 * temporaries belong to scope. */
static int to_srgb8(VipsObject *scope, VipsImage *in, VipsImage **out, char *err, size_t errlen)
{
    VipsImage **t = (VipsImage **)vips_object_local_array(scope, 7);
    VipsImage *x = in;
    int rc = -1;
    const char *step = "cannot convert to sRGB";  /* NULL once err is set */
    bool wide = x->BandFmt != VIPS_FORMAT_UCHAR && x->BandFmt != VIPS_FORMAT_CHAR;
    bool cmyk = x->Type == VIPS_INTERPRETATION_CMYK;
    if (cmyk || vips_image_get_typeof(x, VIPS_META_ICC_NAME)) {
        if (vips_icc_transform(x, &t[0], "srgb", "embedded", TRUE, "input_profile",
                               cmyk ? "cmyk" : "srgb", "depth", wide ? 16 : 8, NULL) == 0) {
            x = t[0];
        } else if (cmyk) {
            step = "cannot convert CMYK to sRGB";
            goto out;
        } else {
            /* A profile that does not fit the pixels (a grey image with an
             * RGB profile, say): the pixels are still worth keeping. */
            char msg[256];
            vips_err(msg, sizeof msg, "icc");
            vcm_warn("iiif: ignoring unusable ICC profile", "reason=\"%s\"", msg);
        }
    }
    if (!vips_colourspace_issupported(x)) {
        if (vips_copy(x, &t[1], "interpretation", vips_image_guess_interpretation(x), NULL))
            goto out;
        x = t[1];
        if (!vips_colourspace_issupported(x)) {
            step = NULL;
            seterr(err, errlen, "cannot convert colour space %s to sRGB",
                   vips_enum_nick(VIPS_TYPE_INTERPRETATION, x->Type));
            goto out;
        }
    }
    if (x->Type != VIPS_INTERPRETATION_sRGB || x->BandFmt != VIPS_FORMAT_UCHAR) {
        if (vips_colourspace(x, &t[2], VIPS_INTERPRETATION_sRGB, NULL))
            goto out;
        x = t[2];
    }
    if (x->BandFmt != VIPS_FORMAT_UCHAR) {
        if (vips_cast_uchar(x, &t[3], NULL))
            goto out;
        x = t[3];
    }
    if (x->Bands == 2 || x->Bands >= 4) {
        if (x->Bands > 4) {
            /* Colour plus alpha plus extra channels: keep colour and alpha. */
            if (vips_extract_band(x, &t[4], 0, "n", 4, NULL))
                goto out;
            x = t[4];
        }
        VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
        int bad = vips_flatten(x, &t[5], "background", white, "max_alpha", 255.0, NULL);
        vips_area_unref(VIPS_AREA(white));
        if (bad)
            goto out;
        x = t[5];
    }
    if (x->Bands == 1) {
        /* Only after a flatten of grey + alpha: replicate the grey band. */
        VipsImage *bands[3] = {x, x, x};
        if (vips_bandjoin(bands, &t[6], 3, NULL))
            goto out;
        x = t[6];
    }
    if (x->BandFmt != VIPS_FORMAT_UCHAR || x->Bands != 3) {
        step = NULL;
        seterr(err, errlen, "unexpected pixel layout after conversion (%d bands, format %s)",
               x->Bands, vips_enum_nick(VIPS_TYPE_BAND_FORMAT, x->BandFmt));
        goto out;
    }
    *out = x;
    rc = 0;
out:
    if (rc != 0 && step)
        vips_err(err, errlen, step);
    return rc;
}

/* libvips 8.14.1 (Debian 12) uses the pyramid's layer files after freeing
 * them when a pyramidal tiffsave fails, so any error inside tiffsave —
 * a truncated master found mid-way — crashes the process (fixed upstream in
 * 8.14.3, libvips#3413). Errors must therefore not reach tiffsave: this
 * stage passes pixels through and, on the first failure upstream, records
 * the message, stops asking its input (so the rest goes fast) and hands
 * out black; the caller reads the record when tiffsave returns and throws
 * the file away. */
typedef struct guard {
    pthread_mutex_t mu;
    int failed;  /* under mu */
    char msg[300];
} guard;

static int guard_gen(VipsRegion *out, void *seq, void *a, void *b, gboolean *stop)
{
    VipsRegion *ir = seq;
    guard *g = b;
    (void)a;
    (void)stop;
    pthread_mutex_lock(&g->mu);
    int failed = g->failed;
    pthread_mutex_unlock(&g->mu);
    if (!failed) {
        if (vips_region_prepare(ir, &out->valid) == 0)
            return vips_region_region(out, ir, &out->valid, out->valid.left, out->valid.top);
        pthread_mutex_lock(&g->mu);
        if (!g->failed)
            vips_err(g->msg, sizeof g->msg, "corrupt or truncated image");
        g->failed = 1;
        pthread_mutex_unlock(&g->mu);
    }
    vips_region_black(out);
    return 0;
}

static int guard_image(VipsObject *scope, VipsImage *in, guard *g, VipsImage **out)
{
    VipsImage *o = vips_image_new();
    vips_object_local(scope, o);
    if (vips_image_pipelinev(o, VIPS_DEMAND_STYLE_THINSTRIP, in, NULL) ||
        vips_image_generate(o, vips_start_one, guard_gen, vips_stop_one, in, g))
        return -1;
    *out = o;
    return 0;
}

/* The same crash follows a write error (a full disc), which no guard can
 * catch: refuse early when the disc plainly lacks room for the pyramid
 * (at most about one byte a pixel at Q85, plus the smaller levels, which
 * libvips stages in its temporary folder). */
static int room_for(const char *dir, int64_t need, char *err, size_t errlen)
{
    struct statvfs sv;
    if (statvfs(dir, &sv) == 0 && (int64_t)sv.f_bavail * (int64_t)sv.f_frsize < need) {
        seterr(err, errlen, "not enough free space in '%s' (%lld MB needed)", dir,
               (long long)(need >> 20));
        return -1;
    }
    return 0;
}

/* Decodes the master at src into the pyramid at dst, every pixel. */
static int write_pyramid(const char *src, enum fmt f, int64_t max_pixels, const char *dst,
                         progress *pr, int *width, int *height, char *err, size_t errlen)
{
    int rc = -1;
    VipsImage *scope = vips_image_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(VIPS_OBJECT(scope), 3);
    if (load(src, f, VIPS_ACCESS_SEQUENTIAL, &t[0])) {
        vips_err(err, errlen, "cannot read image");
        goto out;
    }
    VipsImage *x = t[0];
    if ((int64_t)x->Xsize * x->Ysize > max_pixels) {
        seterr(err, errlen, "image is %dx%d pixels, over the limit of %lld", x->Xsize, x->Ysize,
               (long long)max_pixels);
        goto out;
    }
    if (vips_image_get_orientation(x) > 1) {
        /* Turning needs random access: decode once more into a libvips
         * temporary (memory for small images, disc above its threshold). */
        if (load(src, f, VIPS_ACCESS_RANDOM, &t[1]) || vips_autorot(t[1], &t[2], NULL)) {
            vips_err(err, errlen, "cannot read image");
            goto out;
        }
        x = t[2];
    }
    if (to_srgb8(VIPS_OBJECT(scope), x, &x, err, errlen))
        goto out;
    *width = x->Xsize;
    *height = x->Ysize;
    int64_t px = (int64_t)x->Xsize * x->Ysize;
    char dir[600];
    snprintf(dir, sizeof dir, "%s", dst);
    *strrchr(dir, '/') = '\0';
    if (room_for(dir, px + ((int64_t)64 << 20), err, errlen) ||
        room_for(g_get_tmp_dir(), px / 3 + ((int64_t)64 << 20), err, errlen))
        goto out;
    guard g = {.failed = 0};
    pthread_mutex_init(&g.mu, NULL);
    if (guard_image(VIPS_OBJECT(scope), x, &g, &x)) {
        pthread_mutex_destroy(&g.mu);
        vips_err(err, errlen, "cannot build pipeline");
        goto out;
    }
    if (pr->opts && pr->opts->progress) {
        vips_image_set_progress(x, TRUE);
        g_signal_connect(x, "eval", G_CALLBACK(on_eval), pr);
    }
    /* Classic TIFF offsets are 32 bits; JPEG at Q85 rarely passes a sixth
     * of the raw size, but a margin costs nothing. */
    gboolean big = (int64_t)x->Xsize * x->Ysize * 3 > ((int64_t)3 << 30);
    int bad = vips_tiffsave(x, dst, "compression", VIPS_FOREIGN_TIFF_COMPRESSION_JPEG, "Q", 85,
                            "tile", TRUE, "tile_width", 256, "tile_height", 256, "pyramid", TRUE,
                            "bigtiff", big, "strip", TRUE, NULL);
    if (bad)
        vips_err(err, errlen, "cannot write pyramid");
    else if (g.failed)
        seterr(err, errlen, "%s", g.msg);
    pthread_mutex_destroy(&g.mu);
    if (bad || g.failed)
        goto out;
    rc = 0;
out:
    g_object_unref(scope);
    return rc;
}

/* Makes the folders dirs[0…last] when missing (recording in made[] which
 * this call created) and a new empty file in dirs[last], named in path.
 * Retries when a failing ingest that had created a folder removes it
 * between the two steps. Returns the open file, or -1 with errno set. */
static int temp_file(char dirs[][512], bool *made, int last, const char *sha, char *path,
                     size_t n)
{
    for (int tries = 0;; tries++) {
        for (int i = 0; i <= last; i++)
            if (mkdir_one(dirs[i], &made[i]) < 0)
                return -1;
        if (path_fmt(path, n, "%s/.tmp-%.16s-XXXXXX", dirs[last], sha)) {
            path[0] = '\0';
            errno = ENAMETOOLONG;
            return -1;
        }
        int fd = mkostemp(path, O_CLOEXEC);
        if (fd >= 0) {
            if (fchmod(fd, 0644) == 0)
                return fd;
            int e = errno;
            close(fd);
            unlink(path);
            errno = e;
        }
        if (errno != ENOENT || tries == 3) {
            path[0] = '\0';
            return -1;
        }
    }
}

enum { D_MEDIA, D_ORIG, D_ORIG_XX, D_PYR, D_PYR_XX, D_N };

int vcm_iiif_ingest(const char *src, const char *media_dir, const vcm_iiif_ingest_opts *opts,
                    vcm_iiif_media *out, char *err, size_t errlen)
{
    int rc = -1, fd = -1, ofd = -1;
    VipsImage *head = NULL;
    char dirs[D_N][512];
    bool made[D_N] = {false};
    char orig_tmp[600] = "", pyr_tmp[600] = "";
    progress pr = {.opts = opts, .last = -1, .lo = 0, .hi = 0};
    pthread_mutex_init(&pr.mu, NULL);
    memset(out, 0, sizeof *out);
    if (need_init(err, errlen))
        goto out;
    int64_t max_pixels = opts && opts->max_pixels > 0 ? opts->max_pixels : VCM_IIIF_MAX_PIXELS_DEFAULT;

    /* 1. Type and header, before touching media_dir. */
    fd = open(src, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        seterr(err, errlen, "cannot open '%s': %s", src, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        seterr(err, errlen, "cannot ingest '%s': not a regular file", src);
        goto out;
    }
    unsigned char magic[16];
    ssize_t got = pread(fd, magic, sizeof magic, 0);
    enum fmt f = sniff(magic, got > 0 ? (size_t)got : 0);
    if (f == FMT_NONE) {
        seterr(err, errlen,
               "cannot ingest '%s': not a JPEG, PNG, TIFF, JPEG 2000 or WebP image", src);
        goto out;
    }
    if ((f == FMT_JP2 || f == FMT_J2K) && !vips_type_find("VipsOperation", "jp2kload")) {
        seterr(err, errlen,
               "cannot ingest '%s': it is JPEG 2000, and this libvips was built without a "
               "JPEG 2000 loader (jp2kload, from OpenJPEG)", src);
        goto out;
    }
    if (load(src, f, VIPS_ACCESS_SEQUENTIAL, &head)) {
        char what[600];
        snprintf(what, sizeof what, "cannot read %s image '%s'", fmts[f].name, src);
        vips_err(err, errlen, what);
        goto out;
    }
    int64_t head_px = (int64_t)head->Xsize * head->Ysize;
    if (head_px > max_pixels) {
        seterr(err, errlen, "cannot ingest '%s': %dx%d pixels, over the limit of %lld", src,
               head->Xsize, head->Ysize, (long long)max_pixels);
        goto out;
    }
    /* A header can promise what the file does not hold: a JPEG of 694
     * bytes whose frame says 30000x30000 and that has no scan data took
     * 12 s to become a 20 MB pyramid of grey. Its first rows are decoded
     * now, so that such a file is refused at once; one cut further on is
     * refused by the decoding of step 4. */
    VipsImage *top = NULL;
    double mean;
    if (vips_crop(head, &top, 0, 0, head->Xsize, head->Ysize < 64 ? head->Ysize : 64, NULL) ||
        vips_avg(top, &mean, NULL)) {
        char what[600];
        snprintf(what, sizeof what, "cannot ingest '%s': corrupt or truncated image", src);
        vips_err(err, errlen, what);
        if (top)
            g_object_unref(top);
        goto out;
    }
    g_object_unref(top);
    g_object_unref(head);
    head = NULL;

    /* 2. Hash; done when both files are there. */
    /* Share the 100 among the steps by their rough costs on this kind of
     * machine: hashing ~200 MB/s, copying ~1 GB/s, the pyramid ~40 Mpx/s. */
    double t_hash = (double)st.st_size / 200e6, t_copy = (double)st.st_size / 1e9;
    double t_pyr = (double)head_px / 40e6, t_all = t_hash + t_copy + t_pyr + 1e-9;
    int p_hash = (int)(100 * t_hash / t_all), p_copy = (int)(100 * (t_hash + t_copy) / t_all);
    progress_phase(&pr, 0, p_hash);
    if (hash_fd(fd, st.st_size, &pr, out->sha256, &out->bytes)) {
        seterr(err, errlen, "cannot read '%s': %s", src, strerror(errno));
        goto out;
    }
    const char *sha = out->sha256;
    snprintf(out->format, sizeof out->format, "%s", fmts[f].name);
    if (path_fmt(dirs[D_MEDIA], sizeof dirs[0], "%s", media_dir) ||
        path_fmt(dirs[D_ORIG], sizeof dirs[0], "%s/originals", media_dir) ||
        path_fmt(dirs[D_ORIG_XX], sizeof dirs[0], "%s/originals/%.2s", media_dir, sha) ||
        path_fmt(dirs[D_PYR], sizeof dirs[0], "%s/pyramids", media_dir) ||
        path_fmt(dirs[D_PYR_XX], sizeof dirs[0], "%s/pyramids/%.2s", media_dir, sha) ||
        path_fmt(out->original, sizeof out->original, "%s/%s.%s", dirs[D_ORIG_XX], sha,
                 fmts[f].ext) ||
        path_fmt(out->pyramid, sizeof out->pyramid, "%s/%s.tif", dirs[D_PYR_XX], sha)) {
        seterr(err, errlen, "cannot ingest into '%s': path too long", media_dir);
        goto out;
    }
    bool have_orig = access(out->original, F_OK) == 0;
    bool have_pyr = access(out->pyramid, F_OK) == 0;
    if (have_orig && have_pyr) {
        int levels;
        if (vcm_iiif_probe(out->pyramid, &out->width, &out->height, &levels, err, errlen))
            goto out;
        progress_phase(&pr, 100, 100);
        rc = 0;
        goto out;
    }

    /* 3. The copy. Folders are made on the way; a refusal removes them. */
    if (!have_orig) {
        ofd = temp_file(dirs, made, D_ORIG_XX, sha, orig_tmp, sizeof orig_tmp);
        if (ofd < 0) {
            seterr(err, errlen, "cannot create a file in '%s': %s", dirs[D_ORIG_XX],
                   strerror(errno));
            goto out;
        }
        progress_phase(&pr, p_hash, p_copy);
        int64_t n;
        struct stat after;
        if (copy_fd(fd, ofd, &n) || fstat(fd, &after)) {
            seterr(err, errlen, "cannot copy '%s' to '%s': %s", src, orig_tmp, strerror(errno));
            goto out;
        }
        /* Hashing twice would double the slowest step; a file written to
         * since it was opened has new times. */
        if (n != out->bytes || !same_file(&st, &after)) {
            seterr(err, errlen, "cannot ingest '%s': it changed while being read", src);
            goto out;
        }
        int bad = fsync(ofd);
        bad |= close(ofd);
        ofd = -1;
        if (bad) {
            seterr(err, errlen, "cannot write '%s': %s", orig_tmp, strerror(errno));
            goto out;
        }
    }

    /* 4. The pyramid, from our copy. */
    progress_phase(&pr, p_copy, 100);
    if (!have_pyr) {
        int pfd = temp_file(dirs, made, D_PYR_XX, sha, pyr_tmp, sizeof pyr_tmp);
        if (pfd < 0) {
            seterr(err, errlen, "cannot create a file in '%s': %s", dirs[D_PYR_XX],
                   strerror(errno));
            goto out;
        }
        close(pfd);
        char why[400];
        if (write_pyramid(have_orig ? out->original : orig_tmp, f, max_pixels, pyr_tmp, &pr,
                          &out->width, &out->height, why, sizeof why)) {
            seterr(err, errlen, "cannot ingest '%s': %s", src, why);
            goto out;
        }
        if (fsync_path(pyr_tmp, false) < 0) {
            seterr(err, errlen, "cannot write '%s': %s", pyr_tmp, strerror(errno));
            goto out;
        }
    } else {
        int levels;
        if (vcm_iiif_probe(out->pyramid, &out->width, &out->height, &levels, err, errlen))
            goto out;
    }

    /* 5. Publish: pyramid first, so an original always has its pyramid
     * unless a crash came between the two renames. */
    if (pyr_tmp[0]) {
        if (rename(pyr_tmp, out->pyramid) < 0) {
            seterr(err, errlen, "cannot rename '%s': %s", pyr_tmp, strerror(errno));
            goto out;
        }
        pyr_tmp[0] = '\0';
        fsync_path(dirs[D_PYR_XX], true);
    }
    if (orig_tmp[0]) {
        if (rename(orig_tmp, out->original) < 0) {
            seterr(err, errlen, "cannot rename '%s': %s", orig_tmp, strerror(errno));
            goto out;
        }
        orig_tmp[0] = '\0';
        fsync_path(dirs[D_ORIG_XX], true);
    }
    /* New folders are entries of their parents: make those durable too. */
    if (made[D_ORIG_XX])
        fsync_path(dirs[D_ORIG], true);
    if (made[D_PYR_XX])
        fsync_path(dirs[D_PYR], true);
    if (made[D_ORIG] || made[D_PYR])
        fsync_path(dirs[D_MEDIA], true);
    progress_at(&pr, 100);
    rc = 0;
out:
    if (head)
        g_object_unref(head);
    if (ofd >= 0)
        close(ofd);
    if (fd >= 0)
        close(fd);
    if (orig_tmp[0])
        unlink(orig_tmp);
    if (pyr_tmp[0])
        unlink(pyr_tmp);
    if (rc != 0) {
        for (int i = D_N - 1; i >= 0; i--)
            if (made[i])
                rmdir(dirs[i]);  /* fails, as it should, when not empty */
        memset(out, 0, sizeof *out);
    }
    pthread_mutex_destroy(&pr.mu);
    return rc;
}

/* ---- probe -------------------------------------------------------------- */

int vcm_iiif_probe(const char *pyramid, int *width, int *height, int *levels, char *err,
                   size_t errlen)
{
    if (need_init(err, errlen))
        return -1;
    VipsImage *im = NULL;
    if (vips_tiffload(pyramid, &im, NULL)) {
        char what[600];
        snprintf(what, sizeof what, "cannot open pyramid '%s'", pyramid);
        vips_err(err, errlen, what);
        return -1;
    }
    *width = im->Xsize;
    *height = im->Ysize;
    *levels = vips_image_get_n_pages(im);
    g_object_unref(im);
    return 0;
}

/* ---- open levels -------------------------------------------------------- */

/* A viewer asks for many tiles of one pyramid in a row; opening a level
 * (the file, libtiff's directory walk, libvips' header) is ~0.25 ms, as
 * much as decoding the tile, so each thread keeps the last LEVELS_KEPT
 * levels it opened. A level whose file was replaced or removed (inode or
 * mtime changed) is opened again, so a deleted image stops rendering at
 * once. Each kept level holds one file descriptor.
 *
 * A level is never shared between threads. libvips loads lazily, and the
 * first pixel read of a loaded image (vips_foreign_load_start) rewrites
 * that very image: it frees and reallocates its reorder arrays and
 * replaces its metadata (vips_image_pipelinev), while a thread building a
 * pipeline on the same image reads both without a lock
 * (vips__reorder_set_input, vips_image_get): reads of freed memory. Its
 * tile cache is made for the workers of one pipeline, not for pipelines of
 * different requests at once. So each thread opens its own, from a
 * VipsSource made for the call: libvips' operation cache, even at size 0,
 * can hand a file load made by one thread to another that opens the same
 * file at that moment; loads from a source are never cached. */
enum { LEVELS_KEPT = 8 };

struct level {
    char *path;  /* NULL: free slot */
    int page;
    dev_t dev;
    ino_t ino;
    struct timespec mtime;
    VipsImage *im;
    uint64_t used;
};

struct thread_levels {
    struct level l[LEVELS_KEPT];
    uint64_t clock;
};

static pthread_key_t levels_key;
static pthread_once_t levels_once = PTHREAD_ONCE_INIT;

static void level_free(struct level *l)
{
    VIPS_UNREF(l->im);
    free(l->path);
    memset(l, 0, sizeof *l);
}

/* Runs when a thread that rendered ends: libvips must still be up. */
static void levels_free(void *p)
{
    struct thread_levels *tl = p;
    for (int i = 0; i < LEVELS_KEPT; i++)
        level_free(&tl->l[i]);
    free(tl);
}

static void levels_key_init(void)
{
    pthread_key_create(&levels_key, levels_free);
}

/* The calling thread's levels (the only thread that still renders at
 * shutdown); the other threads' went when they ended. */
static void levels_clear(void)
{
    pthread_once(&levels_once, levels_key_init);
    struct thread_levels *tl = pthread_getspecific(levels_key);
    if (tl) {
        pthread_setspecific(levels_key, NULL);
        levels_free(tl);
    }
}

/* A new reference to page of the pyramid at path (the caller unrefs it), or
 * NULL with the libvips error set. */
static VipsImage *open_level(const char *path, int page)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        vips_error("vcm", "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    pthread_once(&levels_once, levels_key_init);
    struct thread_levels *tl = pthread_getspecific(levels_key);
    if (!tl && (tl = calloc(1, sizeof *tl)) && pthread_setspecific(levels_key, tl) != 0) {
        free(tl);
        tl = NULL;
    }
    struct level *slot = NULL;
    for (int i = 0; tl && i < LEVELS_KEPT; i++) {
        struct level *l = &tl->l[i];
        if (l->path && l->page == page && strcmp(l->path, path) == 0) {
            if (l->dev == st.st_dev && l->ino == st.st_ino &&
                l->mtime.tv_sec == st.st_mtim.tv_sec && l->mtime.tv_nsec == st.st_mtim.tv_nsec) {
                l->used = ++tl->clock;
                g_object_ref(l->im);
                return l->im;
            }
            slot = l;  /* the file changed: open it again in this slot */
            break;
        }
        if (!slot || !l->path || (slot->path && l->used < slot->used))
            slot = l;
    }

    VipsSource *src = vips_source_new_from_file(path);
    VipsImage *im = NULL;
    int bad = !src || vips_tiffload_source(src, &im, "page", page, NULL);
    VIPS_UNREF(src);  /* the image keeps its own reference */
    if (bad)
        return NULL;
    char *copy = slot ? strdup(path) : NULL;
    if (!copy)
        return im;  /* served, not kept */
    level_free(slot);
    *slot = (struct level){.path = copy, .page = page, .dev = st.st_dev, .ino = st.st_ino,
                           .mtime = st.st_mtim, .im = im, .used = ++tl->clock};
    g_object_ref(im);
    return im;
}

/* ---- render ------------------------------------------------------------- */

/* Level i of a pyramid written by vips_tiffsave is level i-1 halved,
 * rounding down. A level serves an output when the region, cut from it, is
 * at least the output size less one pixel: the rounding down may leave a
 * level a fraction of a pixel short of an exact power-of-two scale, and
 * refusing it for that would read four times the pixels. */
static bool level_serves(int64_t lw, int64_t lh, int64_t W, int64_t H, const vcm_iiif_req *r)
{
    return r->rw * lw > (int64_t)(r->w - 1) * W && r->rh * lh > (int64_t)(r->h - 1) * H;
}

/* The region of r in the pixels of a level of lw x lh, rounded to the
 * nearest, at least one pixel: [x0, x1) x [y0, y1). */
static void level_region(int64_t W, int64_t H, int64_t lw, int64_t lh, const vcm_iiif_req *r,
                         int *x0, int *y0, int *x1, int *y1)
{
    *x0 = (int)((r->rx * lw + W / 2) / W);
    *y0 = (int)((r->ry * lh + H / 2) / H);
    *x1 = (int)(((r->rx + (int64_t)r->rw) * lw + W / 2) / W);
    *y1 = (int)(((r->ry + (int64_t)r->rh) * lh + H / 2) / H);
    *x0 = VIPS_MIN(*x0, (int)lw - 1);
    *y0 = VIPS_MIN(*y0, (int)lh - 1);
    *x1 = VIPS_CLIP(*x0 + 1, *x1, (int)lw);
    *y1 = VIPS_CLIP(*y0 + 1, *y1, (int)lh);
}

int64_t vcm_iiif_cost(int width, int height, const vcm_iiif_req *r)
{
    enum { TILE = 256 };
    int64_t W = width, H = height, lw = W, lh = H;
    if (W < 1 || H < 1 || r->w < 1 || r->h < 1 || r->rw < 1 || r->rh < 1)
        return 0;
    /* The level vcm_iiif_render picks, in a pyramid as vcm_iiif_ingest
     * writes it: vips_tiffsave halves a level while either side is more
     * than a tile. */
    for (int64_t nw = W, nh = H; nw > TILE || nh > TILE;) {
        nw /= 2;
        nh /= 2;
        if (nw < 1 || nh < 1 || !level_serves(nw, nh, W, H, r))
            break;
        lw = nw;
        lh = nh;
    }
    /* Decoding goes by whole tiles of the level. */
    int x0, y0, x1, y1;
    level_region(W, H, lw, lh, r, &x0, &y0, &x1, &y1);
    int64_t tx0 = x0 / TILE * TILE, ty0 = y0 / TILE * TILE;
    int64_t tx1 = VIPS_MIN(((int64_t)x1 + TILE - 1) / TILE * TILE, lw);
    int64_t ty1 = VIPS_MIN(((int64_t)y1 + TILE - 1) / TILE * TILE, lh);
    int64_t decoded = (tx1 - tx0) * (ty1 - ty0);
    /* Written: the scaled region, or the canvas it is turned into. */
    double w = r->w, h = r->h, written = w * h;
    if (r->rotation != 0 && r->rotation != 90 && r->rotation != 180 && r->rotation != 270) {
        double a = r->rotation * 3.14159265358979323846 / 180, c = fabs(cos(a)), sn = fabs(sin(a));
        written = (w * c + h * sn + 2) * (w * sn + h * c + 2);
    }
    return decoded + (int64_t)written;
}

static int fit_exact(VipsObject *scope, VipsImage *in, int w, int h, VipsImage **out)
{
    VipsImage **t = (VipsImage **)vips_object_local_array(scope, 2);
    VipsImage *x = in;
    if (x->Xsize > w || x->Ysize > h) {
        if (vips_extract_area(x, &t[0], 0, 0, VIPS_MIN(w, x->Xsize), VIPS_MIN(h, x->Ysize), NULL))
            return -1;
        x = t[0];
    }
    if (x->Xsize < w || x->Ysize < h) {
        if (vips_embed(x, &t[1], 0, 0, w, h, "extend", VIPS_EXTEND_COPY, NULL))
            return -1;
        x = t[1];
    }
    *out = x;
    return 0;
}

/* ---- the direct path -------------------------------------------------- */

/* Most renders read a pyramid this program wrote (JPEG tiles) and ask for
 * a region scaled down: those skip libvips up to the scaled pixels. The
 * tiles the region meets are decoded by libjpeg straight into one buffer
 * (tile.c), at 1/2, 1/4 or 1/8 size when the output is that much smaller,
 * and scaled to the output by the separable filter below; libvips then
 * only turns, reduces the quality and encodes. Regions larger than
 * DIRECT_MAX_PIXELS decoded (or outputs that large) stream through
 * libvips instead, in bounded memory. */
enum { DIRECT_MAX_PIXELS = 8 << 20, WBITS = 14 };

/* The quality of every JPEG rendered, through libvips or not. */
#define JPEG_Q 85

/* For each of out pixels, the n source indexes and weights (summing to
 * 1 << WBITS) of a triangle filter as wide as the scale when reducing
 * (each source pixel counted in proportion to its share), and of plain
 * linear interpolation when enlarging. Output pixel i's centre lies at
 * (i + 0.5)·scale + off − 0.5 in the source; taps past either end take the
 * edge pixel. */
struct taps {
    int n;
    int *idx;   /* clamped into the source */
    int *first; /* of each output, unclamped: taps past an end read the row's padding */
    int32_t *w;
};

static int taps_make(struct taps *t, int out, int in, double scale, double off)
{
    double f = scale > 1 ? scale : 1; /* the filter's width, in source pixels */
    t->n = (int)ceil(2 * f) + 1;
    t->idx = malloc(sizeof *t->idx * (size_t)out * (size_t)t->n);
    t->w = malloc(sizeof *t->w * (size_t)out * (size_t)t->n);
    t->first = malloc(sizeof *t->first * (size_t)out);
    double *wf = malloc(sizeof *wf * (size_t)t->n);
    if (!t->idx || !t->w || !t->first || !wf) {
        free(wf);
        return -1;
    }
    for (int i = 0; i < out; i++) {
        double c = (i + 0.5) * scale + off - 0.5, sum = 0;
        int first = (int)floor(c - f) + 1;
        t->first[i] = VIPS_CLIP(-t->n, first, in - 1);
        for (int k = 0; k < t->n; k++) {
            double d = fabs((first + k - c) / f);
            wf[k] = d < 1 ? 1 - d : 0;
            sum += wf[k];
        }
        int *ix = t->idx + (size_t)i * (size_t)t->n;
        int32_t *w = t->w + (size_t)i * (size_t)t->n, total = 0;
        int big = 0;
        for (int k = 0; k < t->n; k++) {
            ix[k] = VIPS_CLIP(0, first + k, in - 1);
            w[k] = sum > 0 ? (int32_t)lround(wf[k] / sum * (1 << WBITS)) : 0;
            total += w[k];
            if (w[k] > w[big])
                big = k;
        }
        w[big] += (1 << WBITS) - total; /* exact sum, so flat areas stay flat */
    }
    free(wf);
    return 0;
}

static void taps_release(struct taps *t)
{
    free(t->idx);
    free(t->first);
    free(t->w);
}

/* acc[x] += w · s[x] for x < n, and the last pass rounds acc into out:
 * the inner loop of the column pass, over whole rows, half of the scaling
 * work. -O2 leaves it scalar; vectorised (and with AVX2 where the CPU has
 * it, chosen when the program loads) a render takes a fifth less time. */
#if defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__) && \
    !defined(__SANITIZE_ADDRESS__)
#define VECTORISED __attribute__((optimize("tree-vectorize"), target_clones("avx2", "default")))
#elif defined(__GNUC__) && !defined(__clang__)
/* The sanitizers instrument the resolver that picks a clone, which runs
 * while the program is loaded, before their run-time is up: it crashes. */
#define VECTORISED __attribute__((optimize("tree-vectorize")))
#else
#define VECTORISED /* clang vectorises at -O2 already */
#endif
VECTORISED static void
row_add(int32_t *restrict acc, const unsigned char *restrict s, int32_t w, size_t n)
{
    for (size_t x = 0; x < n; x++)
        acc[x] += w * s[x];
}

VECTORISED static void
row_round(const int32_t *restrict acc, unsigned char *restrict out, size_t n)
{
    for (size_t x = 0; x < n; x++)
        out[x] = (unsigned char)((acc[x] + (1 << (WBITS - 1))) >> WBITS);
}

/* One row along: output i is the sum of n consecutive pixels of mid
 * (nb bytes each) from t->first[i]. Inlined with n and nb constants for
 * the usual cases, so the compiler unrolls it. */
static inline __attribute__((always_inline)) void
row_taps(unsigned char *restrict d, const unsigned char *restrict mid, const struct taps *t, int w,
         int n, int nb)
{
    for (int i = 0; i < w; i++) {
        const unsigned char *p = mid + (ptrdiff_t)t->first[i] * nb;
        const int32_t *wx = t->w + (size_t)i * (size_t)n;
        for (int c = 0; c < nb; c++) {
            int32_t v = 1 << (WBITS - 1);
            for (int k = 0; k < n; k++)
                v += wx[k] * p[nb * k + c];
            d[nb * i + c] = (unsigned char)(v >> WBITS);
        }
    }
}

/* Scales src (sw × sh pixels of nb bytes, 1 or 3; rows stride bytes
 * apart) to dst (w × h, rows packed): output pixel (i, j) is centred on
 * ((i + 0.5)·sx + ox − 0.5, (j + 0.5)·sy + oy − 0.5) of src. Columns first
 * for each output row (the same weight along a whole source row, which
 * the compiler vectorises), then along the row. Returns 0, or -1 out of
 * memory. */
static int resample(const unsigned char *src, int sw, int sh, size_t stride, int nb, double ox,
                    double oy, double sx, double sy, unsigned char *dst, int w, int h)
{
    struct taps tx = {0}, ty = {0};
    size_t rowlen = (size_t)sw * (size_t)nb, pad = 0;
    int32_t *acc = malloc(sizeof *acc * rowlen);
    unsigned char *mid = NULL;
    int rc = -1;
    if (!acc || taps_make(&tx, w, sw, sx, ox) < 0 || taps_make(&ty, h, sh, sy, oy) < 0)
        goto out;
    /* The row between the passes has tx.n edge pixels repeated on each
     * side, so that every output's taps are consecutive pixels. */
    pad = (size_t)tx.n * (size_t)nb;
    if (!(mid = malloc(rowlen + 2 * pad)))
        goto out;
    for (int j = 0; j < h; j++) {
        const int *iy = ty.idx + (size_t)j * (size_t)ty.n;
        const int32_t *wy = ty.w + (size_t)j * (size_t)ty.n;
        memset(acc, 0, sizeof *acc * rowlen);
        for (int k = 0; k < ty.n; k++) {
            int32_t wk = wy[k];
            if (!wk)
                continue;
            row_add(acc, src + (size_t)iy[k] * stride, wk, rowlen);
        }
        row_round(acc, mid + pad, rowlen);
        for (size_t c = 0; c < pad; c++) {
            mid[c] = mid[pad + c % (size_t)nb];
            mid[pad + rowlen + c] = mid[pad + rowlen - (size_t)nb + c % (size_t)nb];
        }
        unsigned char *d = dst + (size_t)j * (size_t)w * (size_t)nb;
        if (nb == 3) {
            switch (tx.n) {
            case 3: row_taps(d, mid + pad, &tx, w, 3, 3); break;
            case 4: row_taps(d, mid + pad, &tx, w, 4, 3); break;
            case 5: row_taps(d, mid + pad, &tx, w, 5, 3); break;
            default: row_taps(d, mid + pad, &tx, w, tx.n, 3); break;
            }
        } else {
            switch (tx.n) {
            case 3: row_taps(d, mid + pad, &tx, w, 3, 1); break;
            case 4: row_taps(d, mid + pad, &tx, w, 4, 1); break;
            case 5: row_taps(d, mid + pad, &tx, w, 5, 1); break;
            default: row_taps(d, mid + pad, &tx, w, tx.n, nb); break;
            }
        }
    }
    rc = 0;
out:
    taps_release(&tx);
    taps_release(&ty);
    free(acc);
    free(mid);
    return rc;
}

/* Turns w × h RGB pixels left for right. */
static void mirror_rows(unsigned char *px, int w, int h)
{
    for (int y = 0; y < h; y++) {
        unsigned char *a = px + (size_t)y * (size_t)w * 3, *b = a + (size_t)(w - 1) * 3;
        for (; a < b; a += 3, b -= 3)
            for (int c = 0; c < 3; c++) {
                unsigned char t = a[c];
                a[c] = b[c];
                b[c] = t;
            }
    }
}

/* What the direct path reads for r: the page, decoded at m/8, and the
 * region there, [fx0, fx1) x [fy0, fy1) in fractions of its pixels, within
 * the whole pixels [sx0, sx1) x [sy0, sy1) that are decoded. */
struct plan {
    int page, m;
    double fx0, fy0, fx1, fy1;
    int sx0, sy0, sx1, sy1;
};

/* 1 and *p when the direct path applies to r, else 0 (a pyramid of another
 * layout, a region outside the image, too many pixels). */
static int plan_direct(const char *pyramid, const vcm_iiif_req *r, struct plan *p)
{
    int W, H;
    if (!vcm_iiif_jpeg_level(pyramid, 0, &W, &H) || (int64_t)r->rx + r->rw > W ||
        (int64_t)r->ry + r->rh > H || (int64_t)r->w * r->h > DIRECT_MAX_PIXELS)
        return 0;
    /* The level, as the libvips path picks it. */
    int pages = vcm_iiif_pages(pyramid), k = 0;
    for (int64_t cw = W, ch = H, i = 1; i < pages; i++) {
        cw /= 2;
        ch /= 2;
        if (cw < 1 || ch < 1 || !level_serves(cw, ch, W, H, r))
            break;
        k = (int)i;
    }
    int lw = W, lh = H;
    p->page = 0;
    for (; k > 0; k--) {
        int aw, ah;
        if (!vcm_iiif_jpeg_level(pyramid, k, &aw, &ah))
            return 0;
        if (level_serves(aw, ah, W, H, r)) {
            lw = aw, lh = ah, p->page = k;
            break;
        }
    }
    int x0, y0, x1, y1;
    level_region(W, H, lw, lh, r, &x0, &y0, &x1, &y1);
    /* Decoded at m/8: the smallest of 1/8, 1/4, 1/2 that still serves. */
    int m = 1;
    while (m < 8 && !((int64_t)(x1 - x0) * m > (int64_t)8 * (r->w - 1) &&
                      (int64_t)(y1 - y0) * m > (int64_t)8 * (r->h - 1)))
        m *= 2;
    p->m = m;
    p->fx0 = x0 * m / 8.0, p->fy0 = y0 * m / 8.0, p->fx1 = x1 * m / 8.0, p->fy1 = y1 * m / 8.0;
    p->sx0 = (int)floor(p->fx0), p->sy0 = (int)floor(p->fy0);
    p->sx1 = VIPS_MIN((int)ceil(p->fx1), (lw * m + 7) / 8);
    p->sy1 = VIPS_MIN((int)ceil(p->fy1), (lh * m + 7) / 8);
    int64_t sw = p->sx1 - p->sx0, sh = p->sy1 - p->sy0;
    return sw >= 1 && sh >= 1 && sw * sh <= DIRECT_MAX_PIXELS;
}

/* The region and size of r as r->w × r->h RGB pixels in *pixels (the
 * caller frees them): 1. 0 when the direct path does not apply: read
 * through libvips then. -1 with a message in err. */
static int render_direct(const char *pyramid, const vcm_iiif_req *r, unsigned char **pixels,
                         char *err, size_t errlen)
{
    struct plan p;
    *pixels = NULL;
    if (!plan_direct(pyramid, r, &p))
        return 0;
    int sw = p.sx1 - p.sx0, sh = p.sy1 - p.sy0;
    unsigned char *src = malloc((size_t)sw * (size_t)sh * 3), *dst = NULL;
    if (!src) {
        seterr(err, errlen, "out of memory for %dx%d pixels", sw, sh);
        return -1;
    }
    if (vcm_iiif_decode_region(pyramid, p.page, p.m, p.sx0, p.sy0, p.sx1, p.sy1, src, err,
                               errlen) < 0) {
        free(src);
        return -1;
    }
    if (sw == r->w && sh == r->h && p.fx0 == p.sx0 && p.fy0 == p.sy0 && p.fx1 == p.sx1 &&
        p.fy1 == p.sy1) {
        *pixels = src; /* already the size asked for */
        return 1;
    }
    dst = malloc((size_t)r->w * (size_t)r->h * 3);
    if (!dst || resample(src, sw, sh, (size_t)sw * 3, 3, p.fx0 - p.sx0, p.fy0 - p.sy0,
                         (p.fx1 - p.fx0) / r->w, (p.fy1 - p.fy0) / r->h, dst, r->w, r->h) < 0) {
        seterr(err, errlen, "out of memory scaling %dx%d to %dx%d", sw, sh, r->w, r->h);
        free(src);
        free(dst);
        return -1;
    }
    free(src);
    *pixels = dst;
    return 1;
}

/* The usual request, a JPEG in default or colour quality, neither turned
 * nor mirrored, from tiles of 4:2:0 JPEG read at full size (the region 1
 * to 2 times the output, the case of nearly every region a viewer asks
 * for), made as the tiles hold it: the
 * luma plane at full resolution and the two chroma planes at half, each
 * scaled on its own and handed to the encoder as they are. No chroma is
 * upsampled, converted to RGB, back to YCbCr and downsampled again, and
 * the chroma planes are a quarter of the scaling work. Returns 1 with the
 * encoded image in out, 0 when this does not apply, -1 with a message in
 * err. */
static int render_420(const char *pyramid, const vcm_iiif_req *r, vcm_buf *out, char *err,
                      size_t errlen)
{
    struct plan p;
    if (r->format != VCM_IIIF_JPG || r->rotation != 0 || r->mirror || JPEG_Q >= 90 ||
        (r->quality != VCM_IIIF_DEFAULT && r->quality != VCM_IIIF_COLOR) ||
        !plan_direct(pyramid, r, &p) || p.m != 8 || !vcm_iiif_jpeg_420(pyramid, p.page))
        return 0; /* (a scaled decoding does not keep 4:2:0: see tile.c) */
    /* Chroma samples cover pairs of luma pixels from an even one: start
     * there. */
    p.sx0 &= ~1;
    p.sy0 &= ~1;
    int sw = p.sx1 - p.sx0, sh = p.sy1 - p.sy0, w = r->w, h = r->h;
    int csw = (sw + 1) / 2, csh = (sh + 1) / 2, cw = (w + 1) / 2, ch = (h + 1) / 2;
    size_t in = (size_t)sw * (size_t)sh, cin = (size_t)csw * (size_t)csh;
    size_t o = (size_t)w * (size_t)h, co = (size_t)cw * (size_t)ch;
    unsigned char *src = malloc(in + 2 * cin), *dst = malloc(o + 2 * co);
    double ox = p.fx0 - p.sx0, oy = p.fy0 - p.sy0;
    double sx = (p.fx1 - p.fx0) / w, sy = (p.fy1 - p.fy0) / h;
    int rc = -1;
    if (!src || !dst) {
        seterr(err, errlen, "out of memory for %dx%d pixels", sw, sh);
        goto out;
    }
    if (vcm_iiif_decode_region_420(pyramid, p.page, p.m, p.sx0, p.sy0, p.sx1, p.sy1, src,
                                   src + in, src + in + cin, err, errlen) < 0)
        goto out;
    /* Output chroma sample k covers output pixels 2k and 2k + 1, centred
     * between them: in source chroma that is (k + 0.5)·sx + ox / 2 − 0.5. */
    if (resample(src, sw, sh, (size_t)sw, 1, ox, oy, sx, sy, dst, w, h) < 0 ||
        resample(src + in, csw, csh, (size_t)csw, 1, ox / 2, oy / 2, sx, sy, dst + o, cw, ch) <
            0 ||
        resample(src + in + cin, csw, csh, (size_t)csw, 1, ox / 2, oy / 2, sx, sy, dst + o + co,
                 cw, ch) < 0) {
        seterr(err, errlen, "out of memory scaling %dx%d to %dx%d", sw, sh, w, h);
        goto out;
    }
    if (vcm_iiif_encode_jpeg_420(dst, dst + o, dst + o + co, w, h, JPEG_Q, out, err, errlen) < 0)
        goto out;
    rc = 1;
out:
    free(src);
    free(dst);
    return rc;
}

static int encode(VipsImage *x, const vcm_iiif_req *r, void **buf, size_t *len)
{
    bool bitonal = r->quality == VCM_IIIF_BITONAL;
    switch (r->format) {
    case VCM_IIIF_JPG:
        return vips_jpegsave_buffer(x, buf, len, "Q", JPEG_Q, "strip", TRUE, NULL);
    case VCM_IIIF_PNG:
        return vips_pngsave_buffer(x, buf, len, "compression", 3, "bitdepth", bitonal ? 1 : 8,
                                   "strip", TRUE, NULL);
    case VCM_IIIF_WEBP:
        return vips_webpsave_buffer(x, buf, len, "Q", 80, "effort", 2, "strip", TRUE, NULL);
    case VCM_IIIF_TIF:
        if (bitonal)
            return vips_tiffsave_buffer(x, buf, len, "compression",
                                        VIPS_FOREIGN_TIFF_COMPRESSION_CCITTFAX4, "bitdepth", 1,
                                        "strip", TRUE, NULL);
        return vips_tiffsave_buffer(x, buf, len, "compression",
                                    VIPS_FOREIGN_TIFF_COMPRESSION_LZW, "predictor",
                                    VIPS_FOREIGN_TIFF_PREDICTOR_HORIZONTAL, "strip", TRUE, NULL);
    }
    vips_error("vcm", "unknown format %d", (int)r->format);
    return -1;
}

int vcm_iiif_render(const char *pyramid, const vcm_iiif_req *r, vcm_buf *out, char *err,
                    size_t errlen)
{
    int rc = -1;
    void *buf = NULL;
    size_t len = 0;
    vcm_buf_reset(out);
    if (need_init(err, errlen))
        return -1;
    if (r->rw <= 0 || r->rh <= 0 || r->w <= 0 || r->h <= 0 || r->rx < 0 || r->ry < 0 ||
        !(r->rotation >= 0 && r->rotation < 360)) {
        seterr(err, errlen, "bad request: region %d,%d,%d,%d size %d,%d rotation %g", r->rx,
               r->ry, r->rw, r->rh, r->w, r->h, r->rotation);
        return -1;
    }
    VipsImage *scope = vips_image_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(VIPS_OBJECT(scope), 16);
    const char *step = NULL;
    unsigned char *pixels = NULL;
    VipsImage *x;
    int done = render_420(pyramid, r, out, err, errlen);
    if (done) {
        rc = done > 0 ? 0 : -1;
        goto out;
    }
    int direct = render_direct(pyramid, r, &pixels, err, errlen);
    if (direct < 0)
        goto out;
    if (direct && r->format == VCM_IIIF_JPG && r->rotation == 0 &&
        (r->quality == VCM_IIIF_DEFAULT || r->quality == VCM_IIIF_COLOR)) {
        /* The usual request: no libvips at all. */
        if (r->mirror)
            mirror_rows(pixels, r->w, r->h);
        rc = vcm_iiif_encode_jpeg(pixels, r->w, r->h, JPEG_Q, out, err, errlen);
        goto out;
    }
    if (direct) {
        step = "cannot wrap pixels";
        if (!(x = t[13] = vips_image_new_from_memory(pixels, (size_t)r->w * (size_t)r->h * 3, r->w,
                                                     r->h, 3, VIPS_FORMAT_UCHAR)))
            goto out;
        goto scaled;
    }
    step = "cannot open pyramid";
    if (!(t[0] = open_level(pyramid, 0)))
        goto out;
    int64_t W = t[0]->Xsize, H = t[0]->Ysize;
    if ((int64_t)r->rx + r->rw > W || (int64_t)r->ry + r->rh > H) {
        step = NULL;
        seterr(err, errlen, "region %d,%d,%d,%d is outside the %lldx%lld image", r->rx, r->ry,
               r->rw, r->rh, (long long)W, (long long)H);
        goto out;
    }

    /* The level: the deepest that still serves the output size. */
    int pages = vips_image_get_n_pages(t[0]), k = 0;
    for (int64_t lw = W, lh = H, i = 1; i < pages; i++) {
        lw /= 2;
        lh /= 2;
        if (lw < 1 || lh < 1 || !level_serves(lw, lh, W, H, r))
            break;
        k = (int)i;
    }
    VipsImage *lvl = t[0];
    for (; k > 0; k--) {
        VIPS_UNREF(t[1]);
        if (!(t[1] = open_level(pyramid, k)))
            goto out;
        /* A pyramid from another writer may round differently. */
        if (level_serves(t[1]->Xsize, t[1]->Ysize, W, H, r)) {
            lvl = t[1];
            break;
        }
    }

    int x0, y0, x1, y1;
    level_region(W, H, lvl->Xsize, lvl->Ysize, r, &x0, &y0, &x1, &y1);
    int64_t lw = lvl->Xsize, lh = lvl->Ysize;
    x = lvl;
    step = "cannot cut region";
    if ((x0 != 0 || y0 != 0 || x1 != lw || y1 != lh) &&
        vips_extract_area(lvl, &t[2], x0, y0, x1 - x0, y1 - y0, NULL))
        goto out;
    if (t[2])
        x = t[2];
    if (x->Xsize != r->w || x->Ysize != r->h) {
        step = "cannot resize";
        if (vips_resize(x, &t[3], (double)r->w / x->Xsize, "vscale", (double)r->h / x->Ysize,
                        NULL) ||
            fit_exact(VIPS_OBJECT(scope), t[3], r->w, r->h, &x))
            goto out;
    }

scaled:
    step = "cannot apply quality";
    if (r->quality == VCM_IIIF_GRAY || r->quality == VCM_IIIF_BITONAL) {
        if (vips_colourspace(x, &t[4], VIPS_INTERPRETATION_B_W, NULL))
            goto out;
        x = t[4];
    }
    step = "cannot mirror";
    if (r->mirror) {
        if (vips_flip(x, &t[5], VIPS_DIRECTION_HORIZONTAL, NULL))
            goto out;
        x = t[5];
    }
    step = "cannot rotate";
    double rot = r->rotation;
    if (rot == 90 || rot == 180 || rot == 270) {
        VipsAngle a = rot == 90 ? VIPS_ANGLE_D90 : rot == 180 ? VIPS_ANGLE_D180 : VIPS_ANGLE_D270;
        if (vips_rot(x, &t[6], a, NULL))
            goto out;
        x = t[6];
    } else if (rot != 0) {
        bool clear = r->format != VCM_IIIF_JPG && r->quality != VCM_IIIF_BITONAL;
        int nb = x->Bands + (clear ? 1 : 0);
        double bg[4] = {255, 255, 255, 255};
        if (clear)
            bg[0] = bg[1] = bg[2] = bg[3] = 0;
        VipsArrayDouble *bga = vips_array_double_new(bg, nb);
        int bad;
        if (clear) {
            /* Premultiplied, so the edges fade out instead of towards black. */
            bad = vips_bandjoin_const1(x, &t[7], 255, NULL) || vips_premultiply(t[7], &t[8], NULL) ||
                  vips_rotate(t[8], &t[9], rot, "background", bga, NULL) ||
                  vips_unpremultiply(t[9], &t[10], NULL) || vips_cast_uchar(t[10], &t[11], NULL);
            x = t[11];
        } else {
            bad = vips_rotate(x, &t[7], rot, "background", bga, NULL);
            x = t[7];
        }
        vips_area_unref(VIPS_AREA(bga));
        if (bad)
            goto out;
    }
    if (r->quality == VCM_IIIF_BITONAL) {
        step = "cannot apply quality";
        if (vips_moreeq_const1(x, &t[12], 128, NULL))
            goto out;
        x = t[12];
    }

    step = "cannot encode";
    if (encode(x, r, &buf, &len))
        goto out;
    if (vcm_buf_append(out, buf, len) < 0) {
        step = NULL;
        seterr(err, errlen, "rendered image of %zu bytes is over the buffer's cap", len);
        goto out;
    }
    rc = 0;
out:
    if (rc != 0 && step) {
        /* A libvips call failed: step says which. */
        char what[700];
        snprintf(what, sizeof what, "%s '%s'", step, pyramid);
        vips_err(err, errlen, what);
    }
    g_free(buf);
    g_object_unref(scope);
    free(pixels); /* after the image made on them */
    if (rc != 0)
        vcm_buf_reset(out);
    return rc;
}
