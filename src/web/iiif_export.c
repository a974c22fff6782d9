/* The IIIF part of a static export (iiif_export.h).
 *
 * Design. A static file server answers a URL with the file at its decoded
 * path, so each image is written as the files of the URLs clients ask for,
 * under DIR/iiif/{identifier}/ (the identifier is the file name: the live
 * server percent-encodes it in its URLs, a static server decodes it back):
 *
 * - tiles: exactly the URLs OpenSeadragon 6's IIIFTileSource builds for a
 *   level-0 info.json with "tiles" (node_modules/openseadragon, getTileUrl):
 *   for each scale factor f, a level of ceil(W/f) x ceil(H/f); a level
 *   smaller than a tile both ways is one request of the whole image at
 *   "max" (f = 1) or "w,h"; otherwise tile (x, y) is region
 *   x*256f,y*256f,min(256f, W - x*256f),min(256f, H - y*256f) ("full" when
 *   that is the whole image) at size "w,h" (min(256, levelw - 256x), ...),
 *   or "max" when that is the full size. An image smaller than a tile has
 *   the one factor 1 and so the one file full/max.
 * - whole images: "max" (what level 0 requires), 90, 250 and 256 pixels
 *   wide (Universal Viewer asks "full/90,"), the levels of the pyramid, the
 *   boxes the site's pages show ("!600,600": object.c, app.c), and every
 *   whole-image URL the object's manifest names (its thumbnails). Each is
 *   listed in info.json's "sizes" and written as "w,h" and, when it is the
 *   same image, "w,".
 *
 * Each URL is resolved by vcm_iiif_parse with the live server's default
 * limits; URLs that resolve to the same canonical request are one render,
 * written once and hard-linked (copied where links fail). The bytes are the
 * stored tile or vcm_iiif_render's, as the live server sends them.
 *
 * Incremental: DIR/iiif/.vcm-state has a line per image: identifier, the
 * original's SHA-256, and a hash of everything else the files depend on
 * (size, base URL, limits, the list of URLs). An image whose line is the
 * same, and whose info.json (written last) is there, is left alone;
 * otherwise its folder is deleted and written again. Folders under
 * DIR/iiif/ that this run did not produce are deleted, and so are
 * manifests and collections no longer published. The state is written
 * (temporary file, rename) at the end of a run that succeeded.
 *
 * Manifests and collections come from the live server's handlers
 * (manifest.c), run in process on the export's own store connection, so
 * they say what the server says, with --base-url as the base. Two changes:
 * a collection's pages, which the server names by a query (?page=2) a
 * static server would ignore, become paths of their own (-page-2); and
 * image services are announced as level0. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/asset.h"
#include "core/strmap.h"
#include "iiif/image.h"
#include "iiif/request.h"
#include "io/lido.h"
#include "model/json.h"
#include "web/iiif_export.h"
#include "web/web.h"
#include "core/banned.h"

#define IMAGE_CONTEXT "http://iiif.io/api/image/3/context.json"
#define TILE 256
#define STATE_FILE ".vcm-state"
#define STATE_HEAD "vcm-iiif-state 1\n"
/* Bump when what is written for an image changes, so that every image is
 * made again. */
#define FORMAT_VERSION "level0-1"
/* Largest file one render makes: an image of --iiif-max-area (16 M pixels)
 * as a JPEG is far below this. */
#define RENDER_CAP ((size_t)256 << 20)
#define PATH_CAP 4096

/* The whole-image widths viewers ask for by name: Universal Viewer's
 * thumbnails (90), and the thumbnail widths of other viewers and of
 * harvesters (250, 256). */
static const int thumb_widths[] = {90, 250, 256};
/* The boxes of the site's own pages: grid (app.c: 300, 600), object page
 * (object.c: 200, 600, 1200, VCM_THUMB_SIZE in its JSON-LD), the shared
 * image (VCM_SHARE_SIZE). */
static const int page_boxes[] = {200, 300, 600, 1200, VCM_THUMB_SIZE, VCM_SHARE_SIZE};

typedef struct urlreq {
    char region[64], size[32];
    vcm_iiif_req r;
} urlreq;

typedef struct exporter {
    const vcm_config *cfg;
    vcm_store *s;
    const vcm_iiif_export_opts *o;
    vcm_iiif_export_stats *st;
    const char *base;
    vcm_iiif_limits limits;
    int64_t max_cost;
    vcm_app app;
    vcm_arena arena;
    /* the last run's state: identifier -> line index + 1 in old_lines */
    vcm_strmap old;
    char **old_lines;
    size_t nold;
    vcm_buf state;        /* the new state, line by line */
    vcm_strmap produced;  /* paths under DIR/iiif written or kept by this run */
    vcm_buf render;
    char err[1024];
} exporter;

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

#define XFAIL(x, ...) fail((x)->err, sizeof (x)->err, __VA_ARGS__)

/* mkdir -p */
static int make_dirs(const char *path, char *err, size_t errlen)
{
    char p[PATH_CAP];
    if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p)
        return fail(err, errlen, "path too long: '%.80s...'", path);
    for (char *c = p + 1;; c++) {
        if (*c == '/' || *c == '\0') {
            char was = *c;
            *c = '\0';
            if (mkdir(p, 0755) < 0 && errno != EEXIST)
                return fail(err, errlen, "cannot create folder '%s': %s", p, strerror(errno));
            *c = was;
            if (!was)
                return 0;
        }
    }
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* rm -rf; 0 when path is gone. */
static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes len bytes to path through a temporary file beside it. */
static int write_file(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    char tmp[PATH_CAP + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp-%d", path, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return fail(err, errlen, "cannot write '%s': %s", path, strerror(errno));
    int ok = (len == 0 || fwrite(data, 1, len, f) == len);
    if (fclose(f) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        return fail(err, errlen, "cannot write '%s': %s", path, strerror(e ? e : EIO));
    }
    return 0;
}

/* 1 when the file at path holds exactly these bytes. */
static int same_file(const char *path, const void *data, size_t len)
{
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    int same = 1;
    char chunk[65536];
    size_t off = 0, n;
    while (same && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        same = off + n <= len && memcmp(chunk, (const char *)data + off, n) == 0;
        off += n;
    }
    fclose(f);
    return same && off == len;
}

/* Writes the file unless it holds these bytes already (so that its time
 * stays, and a copy to a host sends only what changed): 1 written, 0 the
 * same, -1 failed. The folder is made when missing. */
static int write_changed(exporter *x, const char *path, const void *data, size_t len)
{
    if (same_file(path, data, len))
        return 0;
    char dir[PATH_CAP];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        if (make_dirs(dir, x->err, sizeof x->err) < 0)
            return -1;
    }
    return write_file(path, data, len, x->err, sizeof x->err) < 0 ? -1 : 1;
}

/* Marks path (relative to DIR/iiif) as this run's. */
static int produce(exporter *x, const char *rel)
{
    int added;
    return vcm_strmap_put(&x->produced, rel, strlen(rel), 1, &added) ? 0 : XFAIL(x, "out of memory");
}

bool vcm_iiif_export_base_ok(const char *url)
{
    const char *rest = strncmp(url, "https://", 8) == 0  ? url + 8
                       : strncmp(url, "http://", 7) == 0 ? url + 7
                                                         : NULL;
    if (!rest || !*rest || *rest == '/' || strlen(url) > 512)
        return false;
    for (const char *p = rest; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '?' || *p == '#' || *p == '"' || *p == '<' ||
            *p == '>' || *p == '\\' || (unsigned char)*p == 0x7f)
            return false;
    return url[strlen(url) - 1] != '/';
}

/* Whether an identifier can be a folder name that a static server finds
 * again from the URL the live server writes: no '/', no leading '.' (not
 * "." or "..", nor hidden), no control character, none of the names
 * under DIR/iiif that are not images. */
static bool identifier_ok(const char *id)
{
    if (!*id || *id == '.' || strlen(id) > 200 || strcmp(id, "manifest") == 0 ||
        strcmp(id, "collection") == 0 || strcmp(id, "activity") == 0)
        return false;
    for (const char *p = id; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '/' || *p == '\\' || (unsigned char)*p == 0x7f)
            return false;
    return true;
}

/* ---- the last run's state ---- */

static int state_load(exporter *x)
{
    char path[PATH_CAP];
    snprintf(path, sizeof path, "%s/iiif/" STATE_FILE, x->o->dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? 0 : XFAIL(x, "cannot read '%s': %s", path, strerror(errno));
    char line[1024];
    int rc = 0;
    if (!fgets(line, sizeof line, f) || strcmp(line, STATE_HEAD) != 0) {
        /* not ours, or of another version: everything is made again */
        fclose(f);
        return 0;
    }
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        char **grown = realloc(x->old_lines, (x->nold + 1) * sizeof *grown);
        char *copy = strdup(line);
        if (!grown || !copy) {
            free(copy);
            if (grown)
                x->old_lines = grown;
            rc = XFAIL(x, "out of memory");
            break;
        }
        x->old_lines = grown;
        x->old_lines[x->nold++] = copy;
        int added;
        if (!vcm_strmap_put(&x->old, line, (size_t)(tab - line), (uint32_t)x->nold, &added)) {
            rc = XFAIL(x, "out of memory");
            break;
        }
    }
    fclose(f);
    return rc;
}

static int state_save(exporter *x)
{
    char path[PATH_CAP];
    snprintf(path, sizeof path, "%s/iiif/" STATE_FILE, x->o->dir);
    if (x->state.toobig)
        return XFAIL(x, "the state of the export is too large");
    return write_file(path, x->state.data ? x->state.data : "", x->state.len, x->err,
                      sizeof x->err);
}

/* ---- the requests of one image ---- */

typedef struct reqlist {
    urlreq *v;
    size_t n, cap;
    vcm_strmap seen; /* "region/size" */
} reqlist;

/* Adds the URL region/size when it resolves for this image within the
 * limits and the cost ceiling; 1 added, 0 not (a size the server would
 * refuse, or one listed already), -1 out of memory. */
static int add_req(exporter *x, reqlist *l, const char *region, const char *size, int w, int h)
{
    char key[128];
    int n = snprintf(key, sizeof key, "%s/%s", region, size);
    if (n < 0 || n >= (int)sizeof key || vcm_strmap_get(&l->seen, key, (size_t)n))
        return 0;
    urlreq u;
    memset(&u, 0, sizeof u);
    snprintf(u.region, sizeof u.region, "%s", region);
    snprintf(u.size, sizeof u.size, "%s", size);
    if (vcm_iiif_parse(u.region, u.size, "0", "default.jpg", w, h, &x->limits, &u.r, NULL) != 0 ||
        vcm_iiif_cost(w, h, &u.r) > x->max_cost)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        urlreq *grown = realloc(l->v, cap * sizeof *grown);
        if (!grown)
            return XFAIL(x, "out of memory");
        l->v = grown;
        l->cap = cap;
    }
    int added;
    if (!vcm_strmap_put(&l->seen, key, (size_t)n, 1, &added))
        return XFAIL(x, "out of memory");
    l->v[l->n++] = u;
    return 1;
}

static int add_reqf(exporter *x, reqlist *l, const char *region, int w, int h, const char *fmt,
                    ...) __attribute__((format(printf, 6, 7)));
static int add_reqf(exporter *x, reqlist *l, const char *region, int w, int h, const char *fmt,
                    ...)
{
    char size[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(size, sizeof size, fmt, ap);
    va_end(ap);
    return add_req(x, l, region, size, w, h);
}

/* The scale factors of the tiles, as the live info.json gives them: 1, 2,
 * 4 ... down to the first level that fits one tile. */
static int scale_factors(int w, int h, int *out, int max)
{
    int n = 0;
    for (int f = 1; n < max; f *= 2) {
        out[n++] = f;
        if ((w + f - 1) / f <= TILE && (h + f - 1) / f <= TILE)
            break;
    }
    return n;
}

/* Every URL of one image: tiles, whole sizes, extras (sizes the manifest
 * names), then each whole size again as "w,h" and "w,". */
static int image_reqs(exporter *x, reqlist *l, int w, int h, char *const *extra, size_t nextra)
{
    int factors[32];
    int nf = scale_factors(w, h, factors, 32);
    for (int i = 0; i < nf; i++) {
        int f = factors[i];
        int lw = (w + f - 1) / f, lh = (h + f - 1) / f;
        if (lw < TILE && lh < TILE) {
            if (f == 1 ? add_req(x, l, "full", "max", w, h) < 0
                       : add_reqf(x, l, "full", w, h, "%d,%d", lw, lh) < 0)
                return -1;
            continue;
        }
        int64_t step = (int64_t)TILE * f;
        for (int ty = 0; (int64_t)ty * TILE < lh; ty++) {
            for (int tx = 0; (int64_t)tx * TILE < lw; tx++) {
                /* inside the image, so within int */
                int rx = (int)(tx * step), ry = (int)(ty * step);
                int rw = (int)(step < w - rx ? step : w - rx);
                int rh = (int)(step < h - ry ? step : h - ry);
                int sw = TILE < lw - tx * TILE ? TILE : lw - tx * TILE;
                int sh = TILE < lh - ty * TILE ? TILE : lh - ty * TILE;
                char region[64];
                if (rx == 0 && ry == 0 && rw == w && rh == h)
                    snprintf(region, sizeof region, "full");
                else
                    snprintf(region, sizeof region, "%d,%d,%d,%d", rx, ry, rw, rh);
                int r = sw == w && sh == h ? add_req(x, l, region, "max", w, h)
                                           : add_reqf(x, l, region, w, h, "%d,%d", sw, sh);
                if (r < 0)
                    return -1;
                if (r == 0)
                    return XFAIL(x, "the tile %s/%d,%d of a %dx%d image does not resolve",
                                 region, sw, sh, w, h);
            }
        }
    }
    if (add_req(x, l, "full", "max", w, h) < 0)
        return -1;
    for (size_t i = 0; i < sizeof thumb_widths / sizeof thumb_widths[0]; i++)
        if (thumb_widths[i] <= w && add_reqf(x, l, "full", w, h, "%d,", thumb_widths[i]) < 0)
            return -1;
    for (int i = 1; i < nf; i++)
        if (add_reqf(x, l, "full", w, h, "%d,%d", (w + factors[i] - 1) / factors[i],
                     (h + factors[i] - 1) / factors[i]) < 0)
            return -1;
    for (size_t i = 0; i < sizeof page_boxes / sizeof page_boxes[0]; i++)
        if (add_reqf(x, l, "full", w, h, "!%d,%d", page_boxes[i], page_boxes[i]) < 0)
            return -1;
    for (size_t i = 0; i < nextra; i++)
        if (add_req(x, l, "full", extra[i], w, h) < 0)
            return -1;
    /* every whole size also by its width and height, and by its width
     * alone where that is the same image */
    size_t n = l->n;
    for (size_t i = 0; i < n; i++) {
        const vcm_iiif_req *r = &l->v[i].r;
        if (strcmp(l->v[i].region, "full") != 0)
            continue;
        int rw = r->w, rh = r->h;
        char canon[sizeof r->canonical];
        snprintf(canon, sizeof canon, "%s", r->canonical);
        if (add_reqf(x, l, "full", w, h, "%d,%d", rw, rh) < 0)
            return -1;
        vcm_iiif_req byw;
        char size[32];
        snprintf(size, sizeof size, "%d,", rw);
        if (vcm_iiif_parse("full", size, "0", "default.jpg", w, h, &x->limits, &byw, NULL) == 0 &&
            strcmp(byw.canonical, canon) == 0 && add_req(x, l, "full", size, w, h) < 0)
            return -1;
    }
    return 0;
}

/* The hash of everything an image's files depend on but its original. */
static void params_hash(exporter *x, const reqlist *l, int w, int h, char out[33])
{
    crypto_generichash_state g;
    unsigned char h16[16];
    crypto_generichash_init(&g, NULL, 0, sizeof h16);
    char head[768];
    int n = snprintf(head, sizeof head, "%s|%s|%d|%d|%d|%d|%lld|%lld|", FORMAT_VERSION, x->base,
                     w, h, x->limits.max_width, x->limits.max_height,
                     (long long)x->limits.max_area, (long long)x->max_cost);
    crypto_generichash_update(&g, (const unsigned char *)head, (size_t)n);
    for (size_t i = 0; i < l->n; i++) {
        crypto_generichash_update(&g, (const unsigned char *)l->v[i].region,
                                  strlen(l->v[i].region));
        crypto_generichash_update(&g, (const unsigned char *)"/", 1);
        crypto_generichash_update(&g, (const unsigned char *)l->v[i].size, strlen(l->v[i].size));
        crypto_generichash_update(&g, (const unsigned char *)"|", 1);
    }
    crypto_generichash_final(&g, h16, sizeof h16);
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", h16[i]);
}

static int cmp_size(const void *a, const void *b)
{
    const int *p = a, *q = b;
    return p[0] != q[0] ? (p[0] > q[0]) - (p[0] < q[0]) : (p[1] > q[1]) - (p[1] < q[1]);
}

/* The level-0 info.json of an image: the tiles and every whole size
 * written. */
static json_t *info_doc(const vcm_media *m, const char *svc, const reqlist *l)
{
    json_t *d = json_object();
    json_object_set_new(d, "@context", json_string(IMAGE_CONTEXT));
    json_object_set_new(d, "id", json_string(svc));
    json_object_set_new(d, "type", json_string("ImageService3"));
    json_object_set_new(d, "protocol", json_string("http://iiif.io/api/image"));
    json_object_set_new(d, "profile", json_string("level0"));
    json_object_set_new(d, "width", json_integer(m->width));
    json_object_set_new(d, "height", json_integer(m->height));
    int (*sizes)[2] = calloc(l->n ? l->n : 1, sizeof *sizes);
    size_t ns = 0;
    int mw = m->width, mh = m->height;
    for (size_t i = 0; sizes && i < l->n; i++) {
        if (strcmp(l->v[i].region, "full") != 0)
            continue;
        if (strcmp(l->v[i].size, "max") == 0)
            mw = l->v[i].r.w, mh = l->v[i].r.h;
        bool dup = false;
        for (size_t j = 0; j < ns && !dup; j++)
            dup = sizes[j][0] == l->v[i].r.w && sizes[j][1] == l->v[i].r.h;
        if (!dup) {
            sizes[ns][0] = l->v[i].r.w;
            sizes[ns][1] = l->v[i].r.h;
            ns++;
        }
    }
    /* a whole image larger than the server makes: what "max" is */
    if (mw != m->width || mh != m->height) {
        json_object_set_new(d, "maxWidth", json_integer(mw));
        json_object_set_new(d, "maxHeight", json_integer(mh));
        json_object_set_new(d, "maxArea", json_integer((json_int_t)mw * mh));
    }
    if (sizes)
        qsort(sizes, ns, sizeof *sizes, cmp_size);
    json_t *arr = json_array();
    for (size_t i = 0; i < ns; i++)
        json_array_append_new(arr, json_pack("{s:i, s:i}", "width", sizes[i][0], "height",
                                             sizes[i][1]));
    free(sizes);
    json_object_set_new(d, "sizes", arr);
    int factors[32];
    int nf = scale_factors(m->width, m->height, factors, 32);
    json_t *fs = json_array();
    for (int i = 0; i < nf; i++)
        json_array_append_new(fs, json_integer(factors[i]));
    json_object_set_new(d, "tiles", json_pack("[{s:i, s:i, s:o}]", "width", TILE, "height", TILE,
                                              "scaleFactors", fs));
    if (m->rights && *m->rights)
        json_object_set_new(d, "rights", json_string(m->rights));
    return d;
}

/* An identifier as a URL path segment, as the live server writes it. */
static char *url_segment(const char *identifier)
{
    vcm_buf b;
    vcm_buf_init(&b, 4096);
    char *r = vcm_buf_urlenc(&b, identifier, strlen(identifier)) < 0 || b.toobig
                  ? NULL
                  : strdup(b.data ? b.data : "");
    vcm_buf_release(&b);
    return r;
}

/* Writes (or links, for a request already made) the file of one URL. */
static int write_req(exporter *x, const char *imgdir, const char *pyramid, const vcm_media *m,
                     const urlreq *u, vcm_strmap *made, char (*paths)[PATH_CAP], size_t index)
{
    char *path = paths[index];
    if (snprintf(path, PATH_CAP, "%s/%s/%s/0", imgdir, u->region, u->size) >= PATH_CAP - 16)
        return XFAIL(x, "path too long under '%s'", imgdir);
    if (make_dirs(path, x->err, sizeof x->err) < 0)
        return -1;
    size_t len = strlen(path);
    snprintf(path + len, PATH_CAP - len, "/default.jpg");
    uint32_t *first = vcm_strmap_get(made, u->r.canonical, strlen(u->r.canonical));
    if (first) {
        x->st->files++;
        if (link(paths[*first - 1], path) == 0)
            return 0;
        /* no links here (another file system, a host's share): a copy */
        FILE *f = fopen(paths[*first - 1], "rb");
        if (!f)
            return XFAIL(x, "cannot read '%s': %s", paths[*first - 1], strerror(errno));
        vcm_buf_reset(&x->render);
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            if (vcm_buf_append(&x->render, chunk, n) < 0)
                break;
        fclose(f);
        return write_file(path, x->render.data, x->render.len, x->err, sizeof x->err);
    }
    char rerr[512] = "";
    int stored = vcm_iiif_stored_tile(pyramid, m->width, m->height, &u->r, &x->render);
    if (stored < 0 ||
        (stored == 0 && vcm_iiif_render(pyramid, &u->r, &x->render, rerr, sizeof rerr) < 0))
        return XFAIL(x, "cannot make %s of image '%s': %s", u->r.canonical, m->identifier,
                     rerr[0] ? rerr : "out of memory");
    if (write_file(path, x->render.data, x->render.len, x->err, sizeof x->err) < 0)
        return -1;
    int added;
    if (!vcm_strmap_put(made, u->r.canonical, strlen(u->r.canonical), (uint32_t)index + 1,
                        &added))
        return XFAIL(x, "out of memory");
    x->st->files++;
    x->st->bytes += (int64_t)x->render.len;
    return 0;
}

/* One published image: kept when unchanged, else made again whole. */
static int export_image(exporter *x, const vcm_media *m, char *const *extra, size_t nextra)
{
    if (!identifier_ok(m->identifier)) {
        fprintf(stderr, "vcm: image '%s' left out of the export: its identifier cannot be a "
                        "file name\n", m->identifier);
        x->st->refused++;
        return 0;
    }
    if (m->width <= 0 || m->height <= 0 || !m->file)
        return XFAIL(x, "image '%s' has no size or no file", m->identifier);
    if (vcm_strmap_get(&x->produced, m->identifier, strlen(m->identifier)))
        return 0; /* an image of two objects is written once */
    int rc = -1;
    reqlist l = {0};
    vcm_strmap_init(&l.seen);
    vcm_strmap made;
    vcm_strmap_init(&made);
    char (*paths)[PATH_CAP] = NULL;
    char *seg = url_segment(m->identifier);
    char imgdir[PATH_CAP], pyramid[PATH_CAP], info[PATH_CAP + 16];
    snprintf(imgdir, sizeof imgdir, "%s/iiif/%s", x->o->dir, m->identifier);
    snprintf(pyramid, sizeof pyramid, "%s/%s", x->cfg->media, m->file);
    snprintf(info, sizeof info, "%s/info.json", imgdir);
    if (!seg) {
        XFAIL(x, "out of memory");
        goto out;
    }
    if (image_reqs(x, &l, m->width, m->height, extra, nextra) < 0)
        goto out;
    char hash[33];
    params_hash(x, &l, m->width, m->height, hash);
    char line[1024];
    snprintf(line, sizeof line, "%s\t%s\t%s\n", m->identifier, m->checksum ? m->checksum : "-",
             hash);
    if (vcm_buf_puts(&x->state, line) < 0 || produce(x, m->identifier) < 0)
        goto out;
    x->st->images++;
    uint32_t *was = vcm_strmap_get(&x->old, m->identifier, strlen(m->identifier));
    struct stat sb;
    if (!x->o->full && was && m->checksum && strcmp(x->old_lines[*was - 1], line) == 0 &&
        stat(info, &sb) == 0) {
        x->st->kept++;
        rc = 0;
        goto out;
    }
    if (remove_tree(imgdir) < 0) {
        XFAIL(x, "cannot remove '%s': %s", imgdir, strerror(errno));
        goto out;
    }
    paths = malloc(l.n * sizeof *paths);
    if (!paths) {
        XFAIL(x, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < l.n; i++)
        if (write_req(x, imgdir, pyramid, m, &l.v[i], &made, paths, i) < 0)
            goto out;
    /* info.json last: its presence says the image is whole */
    char svc[PATH_CAP];
    snprintf(svc, sizeof svc, "%s/iiif/%s", x->base, seg);
    json_t *doc = info_doc(m, svc, &l);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text) {
        XFAIL(x, "out of memory");
        goto out;
    }
    int w = write_file(info, text, strlen(text), x->err, sizeof x->err);
    free(text);
    if (w < 0)
        goto out;
    x->st->made++;
    if (x->o->progress)
        fprintf(x->o->progress, "image %s: %zu files, %dx%d\n", m->identifier, l.n + 1, m->width,
                m->height);
    rc = 0;
out:
    free(paths);
    free(seg);
    free(l.v);
    vcm_strmap_release(&l.seen);
    vcm_strmap_release(&made);
    return rc;
}

/* ---- manifests and collections, from the live server's handlers ---- */

static int app_init(exporter *x)
{
    vcm_app *app = &x->app;
    app->cfg = x->cfg;
    vcm_web_config_defaults(&app->web);
    if (pthread_mutex_init(&app->lock, NULL) != 0)
        return XFAIL(x, "cannot create a lock");
    if (pthread_key_create(&app->key, NULL) != 0) {
        pthread_mutex_destroy(&app->lock);
        return XFAIL(x, "cannot create a thread key");
    }
    app->has_key = true;
    /* the limits the live server announces and holds requests to */
    app->iiif.limits = x->limits;
    app->iiif.max_cost = x->max_cost;
    struct vcm_web_thread *t = vcm_web_thread(app);
    if (!t || !(app->tpl = vcm_tpl_set_new()) ||
        vcm_tpl_set_add_builtin(app->tpl, x->err, sizeof x->err) < 0) {
        if (!t || !app->tpl)
            XFAIL(x, "out of memory");
        vcm_app_release(app);
        return -1;
    }
    /* the export's own connection, so that every read is in its
     * transaction */
    t->store = x->s;
    vcm_arena_init(&x->arena, 0);
    return 0;
}

static void app_release(exporter *x)
{
    if (!x->app.cfg)
        return;
    vcm_web_thread(&x->app)->store = NULL; /* the caller's */
    vcm_app_release(&x->app);
    vcm_arena_release(&x->arena);
}

/* GET path?query through handler h with route parameter name=value:
 * the parsed JSON body, NULL with err set when it is not a 200 JSON. */
static json_t *get_doc(exporter *x, vcm_handler h, const char *path, const char *query,
                       const char *name, const char *value)
{
    vcm_arena_reset(&x->arena);
    vcm_req req = {.arena = &x->arena, .method = "GET", .path = path, .query = query,
                   .body = "", .app = &x->app, .nparams = 1};
    req.param_names[0] = name;
    req.params[0] = value;
    vcm_resp resp;
    vcm_resp_init(&resp);
    json_t *doc = NULL;
    if (h(&req, &resp) == 0 && resp.status == 200 && resp.body.data)
        doc = json_loadb(resp.body.data, resp.body.len, 0, NULL);
    if (!doc)
        XFAIL(x, "cannot make %s%s%s (status %d)", path, *query ? "?" : "", query, resp.status);
    vcm_resp_release(&resp);
    return doc;
}

/* The export's changes to a document of the live server: collection pages
 * as paths, image services at level 0. */
static void rewrite(json_t *j)
{
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
            rewrite(v);
        return;
    }
    if (!json_is_object(j))
        return;
    const char *id = json_string_value(json_object_get(j, "id"));
    const char *q = id ? strstr(id, "?page=") : NULL;
    if (q) {
        char fixed[PATH_CAP];
        snprintf(fixed, sizeof fixed, "%.*s-page-%s", (int)(q - id), id, q + 6);
        json_object_set_new(j, "id", json_string(fixed));
    }
    const char *type = json_string_value(json_object_get(j, "type"));
    if (type && strcmp(type, "ImageService3") == 0 && json_object_get(j, "profile"))
        json_object_set_new(j, "profile", json_string("level0"));
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
        rewrite(v);
}

/* Writes a document at the file its (rewritten) id names, which must lie
 * under BASE/iiif/. */
static int write_doc(exporter *x, json_t *doc, int64_t *count)
{
    rewrite(doc);
    const char *id = json_string_value(json_object_get(doc, "id"));
    size_t nb = strlen(x->base);
    if (!id || strncmp(id, x->base, nb) != 0 || strncmp(id + nb, "/iiif/", 6) != 0)
        return XFAIL(x, "a document names '%s', not a place under the export", id ? id : "");
    const char *rel = id + nb + 6;
    if (strstr(rel, "..") || strchr(rel, '?') || !*rel)
        return XFAIL(x, "a document names '%s', not a file of the export", id);
    char path[PATH_CAP];
    snprintf(path, sizeof path, "%s/iiif/%s", x->o->dir, rel);
    char *text = json_dumps(doc, JSON_COMPACT);
    if (!text)
        return XFAIL(x, "out of memory");
    int w = write_changed(x, path, text, strlen(text));
    free(text);
    if (w < 0 || produce(x, rel) < 0)
        return -1;
    *count += w;
    return 0;
}

/* Collects the whole-image sizes a document names for image svc
 * (".../full/SIZE/0/default.jpg") into sizes. */
static int named_sizes(exporter *x, json_t *j, const char *svc, char ***sizes, size_t *n)
{
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
            if (named_sizes(x, v, svc, sizes, n) < 0)
                return -1;
        return 0;
    }
    if (!json_is_object(j))
        return 0;
    const char *id = json_string_value(json_object_get(j, "id"));
    size_t ns = strlen(svc);
    if (id && strncmp(id, svc, ns) == 0 && strncmp(id + ns, "/full/", 6) == 0) {
        const char *size = id + ns + 6;
        const char *end = strchr(size, '/');
        if (end && strcmp(end, "/0/default.jpg") == 0 && end - size < 30) {
            char **grown = realloc(*sizes, (*n + 1) * sizeof *grown);
            if (!grown)
                return XFAIL(x, "out of memory");
            *sizes = grown;
            if (!((*sizes)[*n] = strndup(size, (size_t)(end - size))))
                return XFAIL(x, "out of memory");
            (*n)++;
        }
    }
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
        if (named_sizes(x, v, svc, sizes, n) < 0)
            return -1;
    return 0;
}

/* A published object: its manifest, then its images with the sizes the
 * manifest names. */
static int export_object(void *arg, const vcm_object *o, const char *country, char *err,
                         size_t errlen)
{
    (void)country;
    exporter *x = arg;
    if (!o->nmedia)
        return 0;
    char path[64], idtext[24];
    snprintf(path, sizeof path, "/iiif/manifest/%" PRId64, o->id);
    snprintf(idtext, sizeof idtext, "%" PRId64, o->id);
    json_t *doc = get_doc(x, vcm_iiif_manifest, path, "", "id", idtext);
    if (!doc)
        return fail(err, errlen, "%s", x->err);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < o->nmedia; i++) {
        char *seg = url_segment(o->media[i].identifier);
        char svc[PATH_CAP];
        snprintf(svc, sizeof svc, "%s/iiif/%s", x->base, seg ? seg : "");
        char **sizes = NULL;
        size_t n = 0;
        rc = seg ? named_sizes(x, doc, svc, &sizes, &n) : XFAIL(x, "out of memory");
        if (rc == 0)
            rc = export_image(x, &o->media[i], sizes, n);
        for (size_t k = 0; k < n; k++)
            free(sizes[k]);
        free(sizes);
        free(seg);
    }
    if (rc == 0)
        rc = write_doc(x, doc, &x->st->manifests);
    json_decref(doc);
    return rc < 0 ? fail(err, errlen, "%s", x->err) : 0;
}

/* A collection and, when the server pages it, each of its pages. */
static int export_collection(exporter *x, vcm_handler h, const char *path, const char *name,
                             const char *value)
{
    json_t *doc = get_doc(x, h, path, "", name, value);
    if (!doc)
        return -1;
    /* its pages are the items the server names by ?page=N */
    json_t *items = json_object_get(doc, "items");
    size_t npages = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        const char *id = json_string_value(json_object_get(it, "id"));
        const char *t = json_string_value(json_object_get(it, "type"));
        if (id && t && strcmp(t, "Collection") == 0 && strstr(id, "?page="))
            npages++;
    }
    int rc = write_doc(x, doc, &x->st->collections);
    json_decref(doc);
    for (size_t p = 1; rc == 0 && p <= npages; p++) {
        char q[32];
        snprintf(q, sizeof q, "page=%zu", p);
        json_t *page = get_doc(x, h, path, q, name, value);
        rc = page ? write_doc(x, page, &x->st->collections) : -1;
        json_decref(page);
    }
    return rc;
}

static int export_collections(exporter *x)
{
    if (export_collection(x, vcm_iiif_collection_top, "/iiif/collection/top", "id", "top") < 0)
        return -1;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_museum *ms;
    vcm_country *cs;
    size_t nm, nc;
    int rc = -1;
    if (x->s->ops->museum_list(x->s, &a, "", &ms, &nm) < 0 ||
        x->s->ops->country_list(x->s, &a, true, &cs, &nc) < 0) {
        XFAIL(x, "%s", vcm_store_error(x->s));
        goto out;
    }
    for (size_t i = 0; i < nm; i++) {
        char path[64], id[24];
        snprintf(id, sizeof id, "%" PRId64, ms[i].id);
        snprintf(path, sizeof path, "/iiif/collection/museum/%s", id);
        if (export_collection(x, vcm_iiif_collection_museum, path, "id", id) < 0)
            goto out;
    }
    for (size_t i = 0; i < nc; i++) {
        char path[64];
        snprintf(path, sizeof path, "/iiif/collection/country/%s", cs[i].code);
        if (export_collection(x, vcm_iiif_collection_country, path, "code", cs[i].code) < 0)
            goto out;
    }
    rc = 0;
out:
    vcm_arena_release(&a);
    return rc;
}

/* ---- what the viewers need ---- */

/* Mirador on the manifest (or collection) named by ?manifest=, which must
 * be of the same origin, so that the page shows the export and nothing
 * else; the top collection without one. */
static const char viewer_page[] =
    "<!doctype html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Mirador</title>\n"
    "<style>html,body{margin:0;height:100%}#mirador{position:absolute;inset:0}</style>\n"
    "</head>\n"
    "<body>\n"
    "<main id=\"mirador\"></main>\n"
    "<script src=\"../static/mirador/mirador.min.js\"></script>\n"
    "<script>\n"
    "(function () {\n"
    "  'use strict';\n"
    "  var top = new URL('../iiif/collection/top', location.href).href;\n"
    "  var asked = new URLSearchParams(location.search).get('manifest');\n"
    "  var url = null;\n"
    "  try { url = asked ? new URL(asked, location.href) : null; } catch (e) { url = null; }\n"
    "  if (url && url.origin !== location.origin) url = null;\n"
    "  var windows = url ? [{ manifestId: url.href }] : [];\n"
    "  Mirador.viewer({ id: 'mirador', windows: windows,\n"
    "                   catalog: [{ manifestId: top }].concat(url ? [{ manifestId: url.href }] : []) });\n"
    "})();\n"
    "</script>\n"
    "</body>\n"
    "</html>\n";

/* The built-in files the viewers load, at their /static/ paths. */
static int export_static(exporter *x)
{
    static const struct {
        const char *from, *to;
    } trees[] = {
        {"node_modules/openseadragon/build/openseadragon/", "static/osd/"},
        {"node_modules/mirador/dist/", "static/mirador/"},
        {"node_modules/mirador/LICENSE", "static/mirador/LICENSE"},
        {"static/viewer.js", "static/viewer.js"},
    };
    for (size_t i = 0; i < vcm_assets_count; i++) {
        const struct vcm_asset *a = &vcm_assets[i];
        for (size_t t = 0; t < sizeof trees / sizeof trees[0]; t++) {
            size_t n = strlen(trees[t].from);
            if (strncmp(a->path, trees[t].from, n) != 0)
                continue;
            char path[PATH_CAP];
            snprintf(path, sizeof path, "%s/%s%s", x->o->dir, trees[t].to, a->path + n);
            if (write_changed(x, path, a->data, a->len) < 0)
                return -1;
        }
    }
    char path[PATH_CAP];
    snprintf(path, sizeof path, "%s/viewer/index.html", x->o->dir);
    return write_changed(x, path, viewer_page, sizeof viewer_page - 1) < 0 ? -1 : 0;
}

/* ---- the run ---- */

/* Removes what lies under DIR/iiif/sub (a folder) that this run did not
 * produce; sub "" is DIR/iiif itself, whose entries are images and the
 * documents' folders. */
static int sweep(exporter *x, const char *sub, int depth)
{
    char dirpath[PATH_CAP];
    snprintf(dirpath, sizeof dirpath, "%s/iiif%s%s", x->o->dir, *sub ? "/" : "", sub);
    DIR *d = opendir(dirpath);
    if (!d)
        return errno == ENOENT ? 0 : XFAIL(x, "cannot read '%s': %s", dirpath, strerror(errno));
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char rel[PATH_CAP], path[PATH_CAP + 512];
        snprintf(rel, sizeof rel, "%s%s%s", sub, *sub ? "/" : "", e->d_name);
        snprintf(path, sizeof path, "%s/%s", dirpath, e->d_name);
        if (depth == 0 && strcmp(e->d_name, STATE_FILE) == 0)
            continue;
        bool docs = depth == 0 && (strcmp(e->d_name, "manifest") == 0 ||
                                   strcmp(e->d_name, "collection") == 0);
        struct stat st;
        if (lstat(path, &st) < 0)
            continue;
        if (docs || (depth > 0 && S_ISDIR(st.st_mode))) {
            rc = sweep(x, rel, depth + 1);
            continue;
        }
        if (vcm_strmap_get(&x->produced, rel, strlen(rel)))
            continue;
        if (remove_tree(path) < 0)
            rc = XFAIL(x, "cannot remove '%s': %s", path, strerror(errno));
        else if (depth == 0 && S_ISDIR(st.st_mode))
            x->st->removed++;
    }
    closedir(d);
    return rc;
}

int vcm_iiif_export(const vcm_config *cfg, vcm_store *s, const vcm_iiif_export_opts *o,
                    vcm_iiif_export_stats *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    if (!vcm_iiif_export_base_ok(cfg->base_url))
        return fail(err, errlen,
                    "--base-url must be the absolute http:// or https:// URL the export will "
                    "be served at, without a trailing slash (got '%s')",
                    cfg->base_url);
    if (!o->dir || !*o->dir || strlen(o->dir) > PATH_CAP / 2)
        return fail(err, errlen, "name the folder to write");
    exporter *x = calloc(1, sizeof *x);
    if (!x)
        return fail(err, errlen, "out of memory");
    x->cfg = cfg;
    x->s = s;
    x->o = o;
    x->st = st;
    x->base = cfg->base_url;
    /* the live server's limits (vcm_web_iiif_init with the defaults) */
    vcm_web_config w;
    vcm_web_config_defaults(&w);
    int size = w.iiif_max_size > 0 ? (int)w.iiif_max_size : 8192;
    x->limits = (vcm_iiif_limits){.max_width = size, .max_height = size,
                                  .max_area = w.iiif_max_area > 0 ? w.iiif_max_area
                                                                  : 4096LL * 4096};
    x->max_cost = w.iiif_max_cost > 0 ? w.iiif_max_cost : 128000000;
    vcm_strmap_init(&x->old);
    vcm_strmap_init(&x->produced);
    vcm_buf_init(&x->state, (size_t)256 << 20);
    vcm_buf_init(&x->render, RENDER_CAP);
    int rc = -1;
    char iiif[PATH_CAP];
    snprintf(iiif, sizeof iiif, "%s/iiif", o->dir);
    if (make_dirs(iiif, x->err, sizeof x->err) < 0 || state_load(x) < 0 ||
        vcm_buf_puts(&x->state, STATE_HEAD) < 0 || app_init(x) < 0)
        goto out;
    int64_t objects;
    if (vcm_public_objects(s, export_object, x, &objects, x->err, sizeof x->err) < 0 ||
        export_collections(x) < 0 || export_static(x) < 0 || sweep(x, "", 0) < 0 ||
        state_save(x) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0)
        fail(err, errlen, "%s", x->err);
    app_release(x);
    for (size_t i = 0; i < x->nold; i++)
        free(x->old_lines[i]);
    free(x->old_lines);
    vcm_strmap_release(&x->old);
    vcm_strmap_release(&x->produced);
    vcm_buf_release(&x->state);
    vcm_buf_release(&x->render);
    free(x);
    return rc;
}
