/* IIIF imaging (src/iiif/image.c) on real files made here with libvips: a
 * 1200 x 900 grid of 4 x 3 cells of distinct colours, saved as PNG, JPEG,
 * 16-bit TIFF, CMYK TIFF with and without a profile, grey TIFF, WebP,
 * JPEG 2000, a PNG and a 16-bit TIFF with alpha, and a JPEG turned by its
 * EXIF orientation. Each is ingested and checked (hash against sha256sum,
 * original byte for byte, pyramid size and levels, colours where they
 * belong); renders are decoded again and sampled at cell centres. Refusals
 * must leave media_dir exactly as it was. */
#include "testutil.h"

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>

#include <vips/vips.h>
#include <vips/vector.h>

#include "core/buf.h"
#include "iiif/image.h"

enum { GW = 1200, GH = 900, COLS = 4, ROWS = 3, CELL = 300 };

static const int colour[ROWS][COLS][3] = {
    {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}},
    {{255, 255, 0}, {0, 255, 255}, {255, 0, 255}, {0, 0, 0}},
    {{255, 128, 0}, {128, 0, 255}, {128, 128, 128}, {0, 128, 128}},
};

static char *tmp;         /* scratch folder of the whole run */
static char *media;       /* media_dir shared by the tests that only render */
static vcm_iiif_media grid;  /* the PNG grid, ingested once */

/* ---- helpers ------------------------------------------------------------ */

static VipsImage *grid_image(int bands)
{
    unsigned char *p = malloc((size_t)GW * GH * bands);
    assert_non_null(p);
    for (int y = 0; y < GH; y++)
        for (int x = 0; x < GW; x++)
            for (int b = 0; b < bands; b++)
                p[((size_t)y * GW + x) * bands + b] =
                    b < 3 ? (unsigned char)colour[y / CELL][x / CELL][b] : 255;
    VipsImage *im = vips_image_new_from_memory_copy(p, (size_t)GW * GH * bands, GW, GH, bands,
                                                    VIPS_FORMAT_UCHAR);
    free(p);
    assert_non_null(im);
    VipsImage *out;
    assert_int_equal(vips_copy(im, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
    g_object_unref(im);
    return out;
}

static char *path_in(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    assert_non_null(p);
    snprintf(p, strlen(dir) + strlen(name) + 2, "%s/%s", dir, name);
    return p;
}

static void px(VipsImage *im, int x, int y, double v[4])
{
    double *got;
    int n;
    if (vips_getpoint(im, &got, &n, x, y, NULL))
        fail_msg("getpoint %d,%d: %s", x, y, vips_error_buffer());
    for (int i = 0; i < 4; i++)
        v[i] = i < n ? got[i] : (n == 1 ? got[0] : -1);
    g_free(got);
}

static void assert_rgb(VipsImage *im, int x, int y, const int want[3], int tol, const char *what)
{
    double v[4];
    px(im, x, y, v);
    for (int b = 0; b < 3; b++)
        if (fabs(v[b] - want[b]) > tol)
            fail_msg("%s: pixel %d,%d is %g,%g,%g, want %d,%d,%d (±%d)", what, x, y, v[0], v[1],
                     v[2], want[0], want[1], want[2], tol);
}

static VipsImage *decode(const vcm_buf *b)
{
    VipsImage *im = vips_image_new_from_buffer(b->data, b->len, "", NULL);
    if (!im)
        fail_msg("cannot decode render: %s", vips_error_buffer());
    /* Keep the bytes alive no longer than needed: copy to memory now. */
    VipsImage *m = vips_image_copy_memory(im);
    g_object_unref(im);
    assert_non_null(m);
    return m;
}

static vcm_iiif_req req(int rx, int ry, int rw, int rh, int w, int h, double rot, bool mirror,
                        vcm_iiif_quality q, vcm_iiif_format f)
{
    vcm_iiif_req r;
    memset(&r, 0, sizeof r);
    r.rx = rx, r.ry = ry, r.rw = rw, r.rh = rh, r.w = w, r.h = h;
    r.rotation = rot;
    r.mirror = mirror;
    r.quality = q;
    r.format = f;
    return r;
}

/* Renders r from pyramid and decodes it; fails the test on an error. */
static VipsImage *render(const char *pyramid, vcm_iiif_req r)
{
    vcm_buf b;
    vcm_buf_init(&b, 0);
    char err[512] = "";
    if (vcm_iiif_render(pyramid, &r, &b, err, sizeof err) != 0)
        fail_msg("render %d,%d,%d,%d/%d,%d: %s", r.rx, r.ry, r.rw, r.rh, r.w, r.h, err);
    VipsImage *im = decode(&b);
    vcm_buf_release(&b);
    return im;
}

/* Number of entries below dir, recursively (dir itself not counted). */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        n++;
        if (de->d_type == DT_DIR) {
            char *sub = path_in(dir, de->d_name);
            n += count_entries(sub);
            free(sub);
        }
    }
    closedir(d);
    return n;
}

/* The value of a short or long tag of the first IFD of a little-endian
 * classic TIFF (what libvips writes), or -1. */
static long tiff_tag(const char *path, int tag)
{
    unsigned char b[4096];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(b, 1, sizeof b, f);
    unsigned char ifd[2 + 12 * 64];
    long v = -1;
    if (n >= 8 && memcmp(b, "II*\0", 4) == 0) {
        long off = b[4] | b[5] << 8 | b[6] << 16 | (long)b[7] << 24;
        if (fseek(f, off, SEEK_SET) == 0 && fread(ifd, 1, sizeof ifd, f) >= 2) {
            int count = ifd[0] | ifd[1] << 8;
            for (int i = 0; i < count && i < 64; i++) {
                unsigned char *e = ifd + 2 + 12 * i;
                if ((e[0] | e[1] << 8) != tag)
                    continue;
                int type = e[2] | e[3] << 8;
                v = type == 3 ? (e[8] | e[9] << 8)
                              : (long)(e[8] | e[9] << 8 | e[10] << 16 | (long)e[11] << 24);
            }
        }
    }
    fclose(f);
    return v;
}

/* Ingests src into a new media folder, checks what every ingest must
 * give, and returns the folder (caller frees and removes it). */
static char *ingest_ok(const char *src, const char *format, int w, int h, vcm_iiif_media *m)
{
    char *dir = vt_tmpdir();
    char err[512] = "";
    if (vcm_iiif_ingest(src, dir, NULL, m, err, sizeof err) != 0)
        fail_msg("ingest %s: %s", src, err);
    assert_string_equal(m->format, format);
    assert_int_equal(m->width, w);
    assert_int_equal(m->height, h);
    char *out = NULL;
    assert_int_equal(vt_sh(&out, "sha256sum '%s'", src), 0);
    assert_int_equal(strncmp(out, m->sha256, 64), 0);
    free(out);
    assert_int_equal(vt_sh(NULL, "cmp '%s' '%s'", src, m->original), 0);
    struct stat st;
    assert_int_equal(stat(src, &st), 0);
    assert_int_equal(m->bytes, st.st_size);
    char want[1024];
    snprintf(want, sizeof want, "%s/pyramids/%.2s/%s.tif", dir, m->sha256, m->sha256);
    assert_string_equal(m->pyramid, want);
    int pw, ph, levels;
    assert_int_equal(vcm_iiif_probe(m->pyramid, &pw, &ph, &levels, err, sizeof err), 0);
    assert_int_equal(pw, w);
    assert_int_equal(ph, h);
    int want_levels = 1;
    for (int lw = w, lh = h; lw > 256 || lh > 256; lw /= 2, lh /= 2)
        want_levels++;
    assert_int_equal(levels, want_levels);
    /* The pyramid really is tiled 256 x 256, JPEG, 8-bit sRGB. */
    VipsImage *p;
    assert_int_equal(vips_tiffload(m->pyramid, &p, NULL), 0);
    assert_int_equal(p->Bands, 3);
    assert_int_equal(p->BandFmt, VIPS_FORMAT_UCHAR);
    g_object_unref(p);
    assert_int_equal(tiff_tag(m->pyramid, 322), 256); /* TileWidth */
    assert_int_equal(tiff_tag(m->pyramid, 323), 256); /* TileLength */
    assert_int_equal(tiff_tag(m->pyramid, 259), 7);   /* Compression: JPEG */
    assert_int_equal(vt_sh(NULL, "test -z \"$(find '%s' -name '.tmp-*')\"", dir), 0);
    return dir;
}

/* Checks every cell centre of a full render against colour(), through map. */
static void check_cells(const char *pyramid, int tol, void (*map)(int row, int col, int rgb[3]),
                        const char *what)
{
    VipsImage *im = render(pyramid, req(0, 0, GW, GH, GW / 4, GH / 4, 0, false, VCM_IIIF_DEFAULT,
                                        VCM_IIIF_PNG));
    assert_int_equal(im->Xsize, GW / 4);
    assert_int_equal(im->Ysize, GH / 4);
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < COLS; c++) {
            int want[3] = {colour[r][c][0], colour[r][c][1], colour[r][c][2]};
            if (map)
                map(r, c, want);
            assert_rgb(im, (c * CELL + CELL / 2) / 4, (r * CELL + CELL / 2) / 4, want, tol, what);
        }
    g_object_unref(im);
}

/* ---- setup -------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    char err[256];
    if (vcm_iiif_init(err, sizeof err) != 0) {
        fprintf(stderr, "vcm_iiif_init: %s\n", err);
        return -1;
    }
    assert_int_equal(vcm_iiif_init(err, sizeof err), 0); /* idempotent */
    tmp = vt_tmpdir();
    VipsImage *g = grid_image(3);
    char *png = path_in(tmp, "grid.png");
    if (vips_pngsave(g, png, NULL))
        return -1;
    g_object_unref(g);
    media = vt_tmpdir();
    if (vcm_iiif_ingest(png, media, NULL, &grid, err, sizeof err) != 0) {
        fprintf(stderr, "ingest: %s\n", err);
        return -1;
    }
    free(png);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_rmrf(tmp);
    vt_rmrf(media);
    free(tmp);
    free(media);
    vcm_iiif_shutdown();
    char err[128];
    /* After shutdown, libvips cannot start again: say so. */
    assert_int_equal(vcm_iiif_init(err, sizeof err), -1);
    return 0;
}

/* ---- ingest ------------------------------------------------------------- */

static void test_ingest_png(void **state)
{
    (void)state;
    char *png = path_in(tmp, "grid.png");
    vcm_iiif_media m;
    char *dir = ingest_ok(png, "png", GW, GH, &m);
    char want[1024];
    snprintf(want, sizeof want, "%s/originals/%.2s/%s.png", dir, m.sha256, m.sha256);
    assert_string_equal(m.original, want);
    check_cells(m.pyramid, 6, NULL, "png");
    vt_rmrf(dir);
    free(dir);
    free(png);
}

static void test_ingest_jpeg(void **state)
{
    (void)state;
    VipsImage *g = grid_image(3);
    char *f = path_in(tmp, "grid.jpg");
    assert_int_equal(vips_jpegsave(g, f, "Q", 92, NULL), 0);
    g_object_unref(g);
    vcm_iiif_media m;
    char *dir = ingest_ok(f, "jpeg", GW, GH, &m);
    check_cells(m.pyramid, 16, NULL, "jpeg");
    vt_rmrf(dir);
    free(dir);
    free(f);
}

static void test_ingest_tiff16(void **state)
{
    (void)state;
    VipsImage *g = grid_image(3), *l, *u, *t;
    assert_int_equal(vips_linear1(g, &l, 257.0, 0.0, NULL), 0);
    assert_int_equal(vips_cast(l, &u, VIPS_FORMAT_USHORT, NULL), 0);
    assert_int_equal(vips_copy(u, &t, "interpretation", VIPS_INTERPRETATION_RGB16, NULL), 0);
    char *f = path_in(tmp, "grid16.tif");
    assert_int_equal(vips_tiffsave(t, f, "compression", VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE, NULL),
                     0);
    g_object_unref(g), g_object_unref(l), g_object_unref(u), g_object_unref(t);
    vcm_iiif_media m;
    char *dir = ingest_ok(f, "tiff", GW, GH, &m);
    check_cells(m.pyramid, 6, NULL, "tiff 16-bit");
    vt_rmrf(dir);
    free(dir);
    free(f);
}

/* The CMYK grid converted back to sRGB by lcms directly: what the pyramid
 * should show (pure sRGB primaries do not survive CMYK unchanged). */
static int cmyk_ref[ROWS][COLS][3];
static void map_cmyk(int row, int col, int rgb[3])
{
    for (int b = 0; b < 3; b++)
        rgb[b] = cmyk_ref[row][col][b];
}

static void test_ingest_cmyk(void **state)
{
    (void)state;
    VipsImage *g = grid_image(3), *cmyk, *back;
    assert_int_equal(vips_icc_transform(g, &cmyk, "cmyk", "input_profile", "srgb", NULL), 0);
    assert_int_equal(cmyk->Bands, 4);
    assert_true(vips_image_get_typeof(cmyk, VIPS_META_ICC_NAME) != 0);
    assert_int_equal(vips_icc_transform(cmyk, &back, "srgb", "embedded", TRUE, NULL), 0);
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < COLS; c++) {
            double v[4];
            px(back, c * CELL + CELL / 2, r * CELL + CELL / 2, v);
            for (int b = 0; b < 3; b++)
                cmyk_ref[r][c][b] = (int)lround(v[b]);
        }
    /* Sanity of the reference itself: white stays light, black dark, red red. */
    assert_true(cmyk_ref[0][3][0] > 230 && cmyk_ref[0][3][2] > 230);
    assert_true(cmyk_ref[1][3][0] < 80 && cmyk_ref[1][3][1] < 80);
    assert_true(cmyk_ref[0][0][0] > 180 && cmyk_ref[0][0][1] < 100 && cmyk_ref[0][0][2] < 100);

    char *with = path_in(tmp, "cmyk-profile.tif"), *without = path_in(tmp, "cmyk-bare.tif");
    assert_int_equal(vips_tiffsave(cmyk, with, NULL), 0);
    assert_int_equal(vips_tiffsave(cmyk, without, "strip", TRUE, NULL), 0);
    VipsImage *chk;
    assert_int_equal(vips_tiffload(without, &chk, NULL), 0);
    assert_int_equal(chk->Type, VIPS_INTERPRETATION_CMYK);
    assert_false(vips_image_get_typeof(chk, VIPS_META_ICC_NAME));
    g_object_unref(chk);
    g_object_unref(g), g_object_unref(cmyk), g_object_unref(back);

    vcm_iiif_media m;
    char *dir = ingest_ok(with, "tiff", GW, GH, &m);
    check_cells(m.pyramid, 8, map_cmyk, "cmyk with profile");
    vt_rmrf(dir);
    free(dir);
    /* Without a profile libvips' own CMYK profile is assumed: the same one
     * the file was made with, so the same colours. */
    dir = ingest_ok(without, "tiff", GW, GH, &m);
    check_cells(m.pyramid, 8, map_cmyk, "cmyk without profile");
    vt_rmrf(dir);
    free(dir);
    free(with);
    free(without);
}

/* libvips' grey: the luminance of the linear-light colour (with its own
 * weights, 0.2 0.7 0.1), encoded again with the sRGB curve. */
static double lin(double v)
{
    v /= 255;
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}
static void map_grey(int row, int col, int rgb[3])
{
    (void)row, (void)col;
    double y = 0.2 * lin(rgb[0]) + 0.7 * lin(rgb[1]) + 0.1 * lin(rgb[2]);
    y = y <= 0.0031308 ? 12.92 * y : 1.055 * pow(y, 1 / 2.4) - 0.055;
    rgb[0] = rgb[1] = rgb[2] = (int)lround(255 * y);
}

static void test_ingest_grey_tiff(void **state)
{
    (void)state;
    VipsImage *g = grid_image(3), *bw;
    assert_int_equal(vips_colourspace(g, &bw, VIPS_INTERPRETATION_B_W, NULL), 0);
    assert_int_equal(bw->Bands, 1);
    char *f = path_in(tmp, "grey.tif");
    assert_int_equal(vips_tiffsave(bw, f, NULL), 0);
    g_object_unref(g), g_object_unref(bw);
    vcm_iiif_media m;
    char *dir = ingest_ok(f, "tiff", GW, GH, &m);
    /* libvips' B_W is not exactly Rec. 709 luma on gamma values: ±10. */
    check_cells(m.pyramid, 10, map_grey, "grey tiff");
    vt_rmrf(dir);
    free(dir);
    free(f);
}

static void test_ingest_webp(void **state)
{
    (void)state;
    VipsImage *g = grid_image(3);
    char *f = path_in(tmp, "grid.webp");
    assert_int_equal(vips_webpsave(g, f, "lossless", TRUE, NULL), 0);
    g_object_unref(g);
    vcm_iiif_media m;
    char *dir = ingest_ok(f, "webp", GW, GH, &m);
    check_cells(m.pyramid, 6, NULL, "webp");
    vt_rmrf(dir);
    free(dir);
    free(f);
}

static void test_ingest_jp2k(void **state)
{
    (void)state;
    VipsImage *g = grid_image(3);
    char *f = path_in(tmp, "grid.jp2");
    char *dir = vt_tmpdir();
    if (!vips_type_find("VipsOperation", "jp2kload")) {
        /* This libvips cannot read JPEG 2000: the refusal must say so. */
        FILE *fp = fopen(f, "wb");
        fwrite("\0\0\0\x0cjP  \r\n\x87\n", 1, 12, fp);
        fclose(fp);
        vcm_iiif_media m;
        char err[512] = "";
        assert_int_equal(vcm_iiif_ingest(f, dir, NULL, &m, err, sizeof err), -1);
        assert_contains(err, "JPEG 2000");
        assert_int_equal(count_entries(dir), 0);
    } else {
        assert_int_equal(vips_jp2ksave(g, f, "lossless", TRUE, NULL), 0);
        vt_rmrf(dir);
        free(dir);
        vcm_iiif_media m;
        dir = ingest_ok(f, "jp2k", GW, GH, &m);
        check_cells(m.pyramid, 6, NULL, "jp2k");
        assert_non_null(strstr(m.original, ".jp2"));
    }
    g_object_unref(g);
    vt_rmrf(dir);
    free(dir);
    free(f);
}

/* Cell (2,2) grey 128 at half alpha, cell (2,3) fully transparent. */
static void map_alpha(int row, int col, int rgb[3])
{
    if (row == 2 && col == 3)
        rgb[0] = rgb[1] = rgb[2] = 255;
    if (row == 2 && col == 2)
        rgb[0] = rgb[1] = rgb[2] = 191;
}

static VipsImage *with_alpha(VipsImage *g, double half, double full)
{
    /* alpha = full everywhere, half in cell (2,2), 0 in cell (2,3) */
    VipsImage *a, *a1, *a2, *out;
    assert_int_equal(vips_black(&a, GW, GH, NULL), 0);
    assert_int_equal(vips_cast(a, &a1, g->BandFmt, NULL), 0);
    VipsImage *m = vips_image_copy_memory(a1);
    assert_non_null(m);
    double ink[1] = {full};
    assert_int_equal(vips_draw_rect(m, ink, 1, 0, 0, GW, GH, "fill", TRUE, NULL), 0);
    ink[0] = half;
    assert_int_equal(vips_draw_rect(m, ink, 1, 2 * CELL, 2 * CELL, CELL, CELL, "fill", TRUE, NULL),
                     0);
    ink[0] = 0;
    assert_int_equal(vips_draw_rect(m, ink, 1, 3 * CELL, 2 * CELL, CELL, CELL, "fill", TRUE, NULL),
                     0);
    assert_int_equal(vips_copy(m, &a2, NULL), 0);
    assert_int_equal(vips_bandjoin2(g, a2, &out, NULL), 0);
    g_object_unref(a), g_object_unref(a1), g_object_unref(m), g_object_unref(a2);
    return out;
}

static void test_ingest_alpha_flattened_on_white(void **state)
{
    (void)state;
    VipsImage *g = grid_image(3), *rgba = with_alpha(g, 128, 255);
    char *f = path_in(tmp, "alpha.png");
    assert_int_equal(vips_pngsave(rgba, f, NULL), 0);
    vcm_iiif_media m;
    char *dir = ingest_ok(f, "png", GW, GH, &m);
    check_cells(m.pyramid, 6, map_alpha, "png with alpha");
    vt_rmrf(dir);
    free(dir);
    free(f);
    g_object_unref(rgba);

    /* 16 bits, alpha and an ICC profile: lcms at 16 bits, alpha scaled. */
    VipsImage *l, *u, *icc;
    assert_int_equal(vips_linear1(g, &l, 257.0, 0.0, NULL), 0);
    assert_int_equal(vips_cast(l, &u, VIPS_FORMAT_USHORT, NULL), 0);
    VipsImage *u16;
    assert_int_equal(vips_copy(u, &u16, "interpretation", VIPS_INTERPRETATION_RGB16, NULL), 0);
    assert_int_equal(vips_icc_transform(u16, &icc, "srgb", "input_profile", "srgb", "depth", 16,
                                        NULL), 0);
    assert_true(vips_image_get_typeof(icc, VIPS_META_ICC_NAME) != 0);
    assert_int_equal(icc->BandFmt, VIPS_FORMAT_USHORT);
    rgba = with_alpha(icc, 32896, 65535);
    f = path_in(tmp, "alpha16.tif");
    assert_int_equal(vips_tiffsave(rgba, f, NULL), 0);
    dir = ingest_ok(f, "tiff", GW, GH, &m);
    check_cells(m.pyramid, 8, map_alpha, "16-bit tiff with alpha and profile");
    vt_rmrf(dir);
    free(dir);
    free(f);
    g_object_unref(rgba), g_object_unref(l), g_object_unref(u), g_object_unref(u16);
    g_object_unref(icc), g_object_unref(g);
}

static void test_ingest_exif_orientation(void **state)
{
    (void)state;
    VipsImage *g = grid_image(3), *o;
    assert_int_equal(vips_copy(g, &o, NULL), 0);
    vips_image_set_int(o, VIPS_META_ORIENTATION, 6); /* display turned 90° clockwise */
    char *f = path_in(tmp, "turned.jpg");
    assert_int_equal(vips_jpegsave(o, f, "Q", 95, NULL), 0);
    g_object_unref(g), g_object_unref(o);
    vcm_iiif_media m;
    char *dir = ingest_ok(f, "jpeg", GH, GW, &m);
    /* Red, top left of the stored pixels, shows top right. */
    VipsImage *im = render(m.pyramid, req(0, 0, GH, GW, GH / 4, GW / 4, 0, false,
                                          VCM_IIIF_DEFAULT, VCM_IIIF_PNG));
    assert_rgb(im, GH / 4 - 10, 10, colour[0][0], 16, "orientation: red top right");
    assert_rgb(im, 10, 10, colour[2][0], 16, "orientation: orange top left");
    assert_rgb(im, 10, GW / 4 - 10, colour[2][3], 16, "orientation: teal bottom left");
    g_object_unref(im);
    vt_rmrf(dir);
    free(dir);
    free(f);
}

static void test_ingest_is_idempotent(void **state)
{
    (void)state;
    char *png = path_in(tmp, "grid.png");
    vcm_iiif_media a, b;
    char err[512] = "";
    char *dir = ingest_ok(png, "png", GW, GH, &a);
    struct stat p1, o1, p2, o2;
    assert_int_equal(stat(a.pyramid, &p1), 0);
    assert_int_equal(stat(a.original, &o1), 0);
    int before = count_entries(dir);
    assert_int_equal(vcm_iiif_ingest(png, dir, NULL, &b, err, sizeof err), 0);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(stat(b.pyramid, &p2), 0);
    assert_int_equal(stat(b.original, &o2), 0);
    assert_int_equal(p1.st_ino, p2.st_ino);
    assert_int_equal(o1.st_ino, o2.st_ino);
    assert_int_equal(p1.st_mtim.tv_nsec, p2.st_mtim.tv_nsec);
    assert_int_equal(count_entries(dir), before);
    /* A lost pyramid is made again; the original is kept as it is. */
    assert_int_equal(unlink(a.pyramid), 0);
    assert_int_equal(vcm_iiif_ingest(png, dir, NULL, &b, err, sizeof err), 0);
    assert_int_equal(stat(b.pyramid, &p2), 0);
    assert_int_equal(stat(b.original, &o2), 0);
    assert_int_equal(o1.st_ino, o2.st_ino);
    assert_int_equal(count_entries(dir), before);
    vt_rmrf(dir);
    free(dir);
    free(png);
}

struct ingester {
    const char *src, *dir;
    vcm_iiif_media m;
    int rc;
    char err[512];
};

static void *ingest_thread(void *arg)
{
    struct ingester *g = arg;
    g->rc = vcm_iiif_ingest(g->src, g->dir, NULL, &g->m, g->err, sizeof g->err);
    return NULL;
}

/* Four threads ingesting into one folder at once, two of them the same
 * bytes: all succeed, the same bytes give the same files, nothing stray. */
static void test_ingest_concurrently(void **state)
{
    (void)state;
    char *dir = vt_tmpdir();
    char *srcs[4] = {path_in(tmp, "grid.png"), path_in(tmp, "grid.png"), path_in(tmp, "c1.jpg"),
                     path_in(tmp, "c2.tif")};
    VipsImage *g = grid_image(3);
    assert_int_equal(vips_jpegsave(g, srcs[2], NULL), 0);
    assert_int_equal(vips_tiffsave(g, srcs[3], NULL), 0);
    g_object_unref(g);
    pthread_t th[4];
    struct ingester in[4];
    for (int i = 0; i < 4; i++) {
        in[i] = (struct ingester){.src = srcs[i], .dir = dir};
        assert_int_equal(pthread_create(&th[i], NULL, ingest_thread, &in[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        if (in[i].rc != 0)
            fail_msg("ingest %s: %s", srcs[i], in[i].err);
    }
    assert_memory_equal(&in[0].m, &in[1].m, sizeof in[0].m);
    assert_int_equal(vt_sh(NULL, "test $(find '%s' -type f | wc -l) -eq 6", dir), 0);
    assert_int_equal(vt_sh(NULL, "test -z \"$(find '%s' -name '.tmp-*')\"", dir), 0);
    for (int i = 0; i < 4; i++)
        free(srcs[i]);
    vt_rmrf(dir);
    free(dir);
}

static void refuse(const char *src, int64_t max_pixels, const char *says)
{
    char *dir = vt_tmpdir();
    vcm_iiif_ingest_opts o = {.max_pixels = max_pixels};
    vcm_iiif_media m;
    char err[512] = "";
    if (vcm_iiif_ingest(src, dir, &o, &m, err, sizeof err) != -1)
        fail_msg("ingest of %s was accepted", src);
    assert_contains(err, says);
    assert_string_equal(m.sha256, "");
    if (count_entries(dir) != 0) {
        char *ls = NULL;
        vt_sh(&ls, "find '%s'", dir);
        fail_msg("refused %s left files behind: %s", src, ls);
    }
    vt_rmrf(dir);
    free(dir);
}

struct seen {
    int calls, last, backwards;
};
static void on_progress(int percent, void *ud)
{
    struct seen *s = ud;
    if (percent <= s->last)
        s->backwards++;
    s->last = percent;
    s->calls++;
}

/* A JPEG that is all header: libvips' own for a small image, its frame
 * (SOF) saying w x h, cut right after the start of scan (SOS), so that no
 * image data follows; with eoi, the end-of-image marker closes it. */
static char *header_only_jpeg(const char *name, int w, int h, bool eoi, size_t *size)
{
    VipsImage *im;
    assert_int_equal(vips_black(&im, 16, 16, "bands", 3, NULL), 0);
    void *buf;
    size_t len;
    assert_int_equal(vips_jpegsave_buffer(im, &buf, &len, "strip", TRUE, NULL), 0);
    g_object_unref(im);
    unsigned char *b = buf;
    size_t i = 2, end = 0;
    bool sof = false;
    while (i + 4 <= len && b[i] == 0xFF) {
        unsigned m = b[i + 1], seg = (size_t)b[i + 2] << 8 | b[i + 3];
        if (m == 0xC0 || m == 0xC1 || m == 0xC2) {
            b[i + 5] = (unsigned char)(h >> 8), b[i + 6] = (unsigned char)h;
            b[i + 7] = (unsigned char)(w >> 8), b[i + 8] = (unsigned char)w;
            sof = true;
        }
        i += 2 + seg;
        if (m == 0xDA) {
            end = i;
            break;
        }
    }
    assert_true(sof && end > 0);
    if (eoi) {
        b[end] = 0xFF, b[end + 1] = 0xD9;
        end += 2;
    }
    char *path = path_in(tmp, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, end, f), end);
    fclose(f);
    g_free(buf);
    *size = end;
    return path;
}

/* The header says 30000 x 30000 (within the pixel limit), the file holds
 * no image data: refused as corrupt before anything is hashed or decoded
 * beyond its first rows. Before, the one with its end marker became a
 * 20 MB pyramid of grey after 12 s (libjpeg only warns of missing data),
 * and the other was refused only after the whole pyramid was made. */
static void test_ingest_refuses_header_only_jpeg(void **state)
{
    (void)state;
    for (int eoi = 1; eoi >= 0; eoi--) {
        size_t size;
        char *src = header_only_jpeg(eoi ? "header-eoi.jpg" : "header.jpg", 30000, 30000, eoi,
                                     &size);
        assert_true(size < 1024);
        VipsImage *h = vips_image_new_from_file(src, NULL);
        assert_non_null(h); /* the header itself is sound */
        assert_int_equal(h->Xsize, 30000);
        g_object_unref(h);
        refuse(src, 0, "corrupt or truncated image");
        char *dir = vt_tmpdir();
        struct seen s = {.last = -1};
        vcm_iiif_ingest_opts o = {.progress = on_progress, .ud = &s};
        vcm_iiif_media m;
        char err[512] = "";
        assert_int_equal(vcm_iiif_ingest(src, dir, &o, &m, err, sizeof err), -1);
        assert_contains(err, "corrupt or truncated image");
        assert_int_equal(s.calls, 0);
        assert_int_equal(count_entries(dir), 0);
        vt_rmrf(dir);
        free(dir);
        free(src);
    }
}

static void test_ingest_refusals(void **state)
{
    (void)state;
    VipsImage *g = grid_image(3);
    void *jpg;
    size_t len;
    assert_int_equal(vips_jpegsave_buffer(g, &jpg, &len, NULL), 0);
    char *cut = path_in(tmp, "cut.jpg");
    FILE *f = fopen(cut, "wb");
    fwrite(jpg, 1, len / 2, f); /* the header is whole: only decoding finds out */
    fclose(f);
    refuse(cut, 0, "corrupt or truncated image");
    char *stub = path_in(tmp, "stub.jpg");
    f = fopen(stub, "wb");
    fwrite(jpg, 1, 40, f);
    fclose(f);
    refuse(stub, 0, "cannot read jpeg image");
    g_free(jpg);

    void *png;
    assert_int_equal(vips_pngsave_buffer(g, &png, &len, NULL), 0);
    char *cutpng = path_in(tmp, "cut.png");
    f = fopen(cutpng, "wb");
    fwrite(png, 1, len - len / 3, f);
    fclose(f);
    refuse(cutpng, 0, "corrupt or truncated image");
    g_free(png);

    char *txt = path_in(tmp, "notes.txt");
    vt_write_file(txt, "Inventory 1585: lacquer box, Edo period.\n");
    refuse(txt, 0, "not a JPEG, PNG, TIFF, JPEG 2000 or WebP image");
    char *svg = path_in(tmp, "drawing.svg");
    vt_write_file(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>");
    refuse(svg, 0, "not a JPEG, PNG, TIFF, JPEG 2000 or WebP image");
    char *empty = path_in(tmp, "empty.png");
    vt_write_file(empty, "");
    refuse(empty, 0, "not a JPEG");

    char *png_ok = path_in(tmp, "grid.png");
    refuse(png_ok, (int64_t)GW * GH - 1, "over the limit of 1079999");
    char *missing = path_in(tmp, "no-such-file.png");
    refuse(missing, 0, "cannot open");
    refuse(tmp, 0, "not a regular file");

    /* A bomb: a PNG header claiming 100000 x 100000 pixels, refused by the
     * default limit before a byte of it is decoded. */
    void *small;
    VipsImage *one;
    assert_int_equal(vips_black(&one, 1, 1, NULL), 0);
    assert_int_equal(vips_pngsave_buffer(one, &small, &len, NULL), 0);
    unsigned char *b = small;
    /* IHDR width and height at bytes 16..23; fix the CRC at 29..32 too. */
    b[16] = 0, b[17] = 1, b[18] = 0x86, b[19] = 0xA0;
    b[20] = 0, b[21] = 1, b[22] = 0x86, b[23] = 0xA0;
    unsigned long crc = 0xFFFFFFFFul;
    for (int i = 12; i < 29; i++) {
        crc ^= b[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320ul & (0 - (crc & 1)));
    }
    crc ^= 0xFFFFFFFFul;
    b[29] = (unsigned char)(crc >> 24), b[30] = (unsigned char)(crc >> 16);
    b[31] = (unsigned char)(crc >> 8), b[32] = (unsigned char)crc;
    char *bomb = path_in(tmp, "bomb.png");
    f = fopen(bomb, "wb");
    fwrite(small, 1, len, f);
    fclose(f);
    refuse(bomb, 0, "100000x100000 pixels, over the limit of 1000000000");
    g_free(small);
    g_object_unref(one);

    g_object_unref(g);
    free(cut), free(stub), free(cutpng), free(txt), free(svg), free(empty), free(png_ok);
    free(missing), free(bomb);
}


static void test_ingest_progress(void **state)
{
    (void)state;
    char *png = path_in(tmp, "grid.png");
    char *dir = vt_tmpdir();
    struct seen s = {0, -1, 0};
    vcm_iiif_ingest_opts o = {.progress = on_progress, .ud = &s};
    vcm_iiif_media m;
    char err[512] = "";
    assert_int_equal(vcm_iiif_ingest(png, dir, &o, &m, err, sizeof err), 0);
    assert_true(s.calls >= 4);
    assert_int_equal(s.last, 100);
    assert_int_equal(s.backwards, 0);
    /* The second time there is nothing to do, and it still ends at 100. */
    s = (struct seen){0, -1, 0};
    assert_int_equal(vcm_iiif_ingest(png, dir, &o, &m, err, sizeof err), 0);
    assert_int_equal(s.last, 100);
    assert_int_equal(s.backwards, 0);
    vt_rmrf(dir);
    free(dir);
    free(png);
}

/* ---- render ------------------------------------------------------------- */

static void test_render_regions_and_sizes(void **state)
{
    (void)state;
    /* One cell, shrunk: all of it its colour. */
    VipsImage *im = render(grid.pyramid, req(CELL, 0, CELL, CELL, 50, 50, 0, false,
                                             VCM_IIIF_DEFAULT, VCM_IIIF_PNG));
    assert_int_equal(im->Xsize, 50);
    assert_int_equal(im->Ysize, 50);
    for (int y = 2; y < 50; y += 8)
        for (int x = 2; x < 50; x += 8)
            assert_rgb(im, x, y, colour[0][1], 6, "one cell");
    g_object_unref(im);

    /* Full size, each cell where it belongs. */
    im = render(grid.pyramid, req(0, 0, GW, GH, GW, GH, 0, false, VCM_IIIF_COLOR, VCM_IIIF_PNG));
    assert_int_equal(im->Xsize, GW);
    assert_int_equal(im->Ysize, GH);
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < COLS; c++)
            assert_rgb(im, c * CELL + CELL / 2, r * CELL + CELL / 2, colour[r][c], 6, "full");
    g_object_unref(im);

    /* A region across four cells, distorted to an exact odd size. */
    im = render(grid.pyramid, req(150, 150, 300, 300, 77, 31, 0, false, VCM_IIIF_DEFAULT,
                                  VCM_IIIF_PNG));
    assert_int_equal(im->Xsize, 77);
    assert_int_equal(im->Ysize, 31);
    assert_rgb(im, 10, 4, colour[0][0], 8, "quad tl");
    assert_rgb(im, 66, 4, colour[0][1], 8, "quad tr");
    assert_rgb(im, 10, 26, colour[1][0], 8, "quad bl");
    assert_rgb(im, 66, 26, colour[1][1], 8, "quad br");
    g_object_unref(im);

    /* Upscaling a corner. */
    im = render(grid.pyramid, req(GW - 10, GH - 10, 10, 10, 120, 100, 0, false, VCM_IIIF_DEFAULT,
                                  VCM_IIIF_JPG));
    assert_int_equal(im->Xsize, 120);
    assert_int_equal(im->Ysize, 100);
    assert_rgb(im, 60, 50, colour[2][3], 12, "upscaled corner");
    g_object_unref(im);

    /* Exact sizes on an image whose levels do not halve evenly: every tile
     * OpenSeadragon would ask for, at every scale factor. */
    VipsImage *g = grid_image(3), *odd;
    assert_int_equal(vips_extract_area(g, &odd, 0, 0, 1001, 757, NULL), 0);
    char *f = path_in(tmp, "odd.png");
    assert_int_equal(vips_pngsave(odd, f, NULL), 0);
    g_object_unref(g), g_object_unref(odd);
    vcm_iiif_media m;
    char *dir = ingest_ok(f, "png", 1001, 757, &m);
    for (int sf = 1; sf <= 8; sf *= 2)
        for (int y = 0; y < 757; y += 256 * sf)
            for (int x = 0; x < 1001; x += 256 * sf) {
                int rw = 256 * sf < 1001 - x ? 256 * sf : 1001 - x;
                int rh = 256 * sf < 757 - y ? 256 * sf : 757 - y;
                int w = (rw + sf - 1) / sf, h = (rh + sf - 1) / sf;
                im = render(m.pyramid, req(x, y, rw, rh, w, h, 0, false, VCM_IIIF_DEFAULT,
                                           VCM_IIIF_JPG));
                if (im->Xsize != w || im->Ysize != h)
                    fail_msg("tile %d,%d,%d,%d at 1/%d: %dx%d, want %dx%d", x, y, rw, rh, sf,
                             im->Xsize, im->Ysize, w, h);
                /* And the top-left pixel shows the right cell. */
                int cx = x / CELL, cy = y / CELL;
                if ((x % CELL) < CELL - 2 * sf && (y % CELL) < CELL - 2 * sf)
                    assert_rgb(im, 1, 1, colour[cy][cx], 24, "odd tile");
                g_object_unref(im);
            }
    vt_rmrf(dir);
    free(dir);
    free(f);
}

/* A pyramid whose level 0 is a one-pixel checkerboard and whose smaller
 * levels (max of each 2x2) are white: the colour shows which level a
 * render read. */
static void test_render_picks_smallest_sufficient_level(void **state)
{
    (void)state;
    enum { N = 1024 };
    unsigned char *p = malloc(N * N);
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++)
            p[y * N + x] = ((x ^ y) & 1) ? 255 : 0;
    VipsImage *c = vips_image_new_from_memory_copy(p, N * N, N, N, 1, VIPS_FORMAT_UCHAR), *rgb;
    free(p);
    assert_int_equal(vips_colourspace(c, &rgb, VIPS_INTERPRETATION_sRGB, "source_space",
                                      VIPS_INTERPRETATION_B_W, NULL), 0);
    char *f = path_in(tmp, "checker.tif");
    assert_int_equal(vips_tiffsave(rgb, f, "tile", TRUE, "tile_width", 256, "tile_height", 256,
                                   "pyramid", TRUE, "region_shrink", VIPS_REGION_SHRINK_MAX,
                                   "compression", VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE, NULL),
                     0);
    g_object_unref(c), g_object_unref(rgb);
    int w, h, levels;
    char err[256];
    assert_int_equal(vcm_iiif_probe(f, &w, &h, &levels, err, sizeof err), 0);
    assert_int_equal(levels, 3); /* 1024, 512, 256 */
    struct {
        int rw, w;
        bool white;
    } cases[] = {
        {N, 512, true},     /* level 1 exactly */
        {N, 513, false},    /* one more pixel than level 1 has: level 0 */
        {N, 256, true},     /* level 2 */
        {N, 300, true},     /* between levels: the larger one, 1 */
        {512, 256, true},   /* half the image at a quarter: level 1 */
        {512, 257, false},  /* … one pixel more: level 0 */
        {N, N, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        VipsImage *im = render(f, req(0, 0, cases[i].rw, cases[i].rw, cases[i].w, cases[i].w, 0,
                                      false, VCM_IIIF_DEFAULT, VCM_IIIF_PNG));
        assert_int_equal(im->Xsize, cases[i].w);
        double v[4], sum = 0;
        for (int k = 0; k < 16; k++) {
            px(im, cases[i].w / 4 + k, cases[i].w / 3 + k / 2, v);
            sum += v[0];
        }
        if (cases[i].white != (sum / 16 > 250))
            fail_msg("case %zu (%d to %d): mean %g, expected %s", i, cases[i].rw, cases[i].w,
                     sum / 16, cases[i].white ? "a white level" : "the checkerboard");
        g_object_unref(im);
    }
    free(f);
}

/* Where cell (row, col)'s centre lands after mirror and rotation. */
static void place(int w, int h, int x, int y, bool mirror, int rot, int *ox, int *oy)
{
    if (mirror)
        x = w - 1 - x;
    switch (rot) {
    case 0: *ox = x, *oy = y; break;
    case 90: *ox = h - 1 - y, *oy = x; break;
    case 180: *ox = w - 1 - x, *oy = h - 1 - y; break;
    default: *ox = y, *oy = w - 1 - x; break;
    }
}

static void test_render_mirror_and_rotations(void **state)
{
    (void)state;
    const int w = 240, h = 180; /* the grid at 1/5: cells of 60 */
    for (int mi = 0; mi < 2; mi++)
        for (int rot = 0; rot < 360; rot += 90) {
            VipsImage *im = render(grid.pyramid, req(0, 0, GW, GH, w, h, rot, mi, VCM_IIIF_DEFAULT,
                                                     VCM_IIIF_PNG));
            assert_int_equal(im->Xsize, rot % 180 ? h : w);
            assert_int_equal(im->Ysize, rot % 180 ? w : h);
            for (int r = 0; r < ROWS; r++)
                for (int c = 0; c < COLS; c++) {
                    int ox, oy;
                    place(w, h, c * 60 + 30, r * 60 + 30, mi, rot, &ox, &oy);
                    char what[96];
                    snprintf(what, sizeof what, "mirror %d rotation %d cell %d,%d", mi, rot, r, c);
                    assert_rgb(im, ox, oy, colour[r][c], 8, what);
                }
            g_object_unref(im);
        }

    /* 45 degrees: a bounding box of (w + h) / sqrt 2 per side, the centre
     * unchanged, the corners white in jpg and transparent in png. */
    VipsImage *im = render(grid.pyramid, req(CELL, CELL, 2 * CELL, CELL, 200, 100, 45, false,
                                             VCM_IIIF_DEFAULT, VCM_IIIF_JPG));
    assert_true(abs(im->Xsize - 212) <= 2 && abs(im->Ysize - 212) <= 2);
    assert_int_equal(im->Bands, 3);
    int white[3] = {255, 255, 255};
    assert_rgb(im, 2, 2, white, 10, "jpg corner");
    assert_rgb(im, im->Xsize - 3, im->Ysize - 3, white, 10, "jpg corner");
    /* Cell (1,1) is cyan, (1,2) magenta; turned 45° clockwise, the left
     * half of the region is up and left of the centre. */
    assert_rgb(im, im->Xsize / 2 - 25, im->Ysize / 2 - 25, colour[1][1], 20, "45: cyan");
    assert_rgb(im, im->Xsize / 2 + 25, im->Ysize / 2 + 25, colour[1][2], 20, "45: magenta");
    g_object_unref(im);
    im = render(grid.pyramid, req(CELL, CELL, 2 * CELL, CELL, 200, 100, 45, false,
                                  VCM_IIIF_DEFAULT, VCM_IIIF_PNG));
    assert_int_equal(im->Bands, 4);
    double v[4];
    px(im, 2, 2, v);
    assert_true(v[3] == 0);
    px(im, im->Xsize / 2 - 25, im->Ysize / 2 - 25, v);
    assert_true(v[3] == 255);
    assert_true(v[0] < 10 && v[1] > 245 && v[2] > 245);
    g_object_unref(im);
}

/* The usual request (JPEG, default quality, no rotation) is made without
 * libvips (image.c's direct path): mirrored, too. */
static void test_render_jpg_mirrored(void **state)
{
    (void)state;
    const int w = 240, h = 180; /* the grid at 1/5: cells of 60 */
    for (int mi = 0; mi < 2; mi++) {
        VipsImage *im = render(grid.pyramid, req(0, 0, GW, GH, w, h, 0, mi, VCM_IIIF_DEFAULT,
                                                 VCM_IIIF_JPG));
        assert_int_equal(im->Xsize, w);
        assert_int_equal(im->Ysize, h);
        for (int r = 0; r < ROWS; r++)
            for (int c = 0; c < COLS; c++) {
                int ox, oy;
                place(w, h, c * 60 + 30, r * 60 + 30, mi, 0, &ox, &oy);
                char what[64];
                snprintf(what, sizeof what, "jpg mirror %d cell %d,%d", mi, r, c);
                assert_rgb(im, ox, oy, colour[r][c], 12, what);
            }
        g_object_unref(im);
    }
}

/* A plain JPEG from JPEG tiles is scaled as the tiles hold it, luma and
 * half-size chroma apart (image.c's render_420); PNG goes through RGB.
 * Both must show the same picture, chroma in place, at odd offsets and
 * sizes and at every decoding scale. */
static void test_render_jpg_planes_match_rgb(void **state)
{
    (void)state;
    /* Region, size, and the mean difference allowed: JPEG's own loss at
     * the grid's sharp colour edges, with some room. Chroma put half a
     * pixel off (in its own half-size pixels) goes past it in cases 3 and
     * the last, a whole pixel off in the first four. The smallest level is
     * 150 × 112: below half of that, libjpeg decodes it scaled (tiny images
     * with sharp edges, so JPEG loses more there). */
    static const struct {
        int rx, ry, rw, rh, w, h;
        double most;
    } cases[] = {
        {150, 150, 301, 299, 301, 299, 0.4}, /* no scaling, odd start */
        {151, 149, 600, 450, 401, 301, 0.8}, /* 1.5 */
        {1, 3, 1199, 897, 290, 217, 1.2},    /* 4.1: level 2, 1.03 */
        {299, 1, 603, 599, 71, 70, 3.5},     /* 8.5: level 3, 1.06 */
        {0, 0, 1200, 900, 70, 52, 7},        /* level 3 (150 wide) at 1/2 */
        {1, 3, 1199, 897, 35, 26, 13},       /* level 3 at 1/4 */
        {0, 0, 1200, 900, 17, 13, 21},       /* level 3 at 1/8 */
        {250, 261, 101, 77, 303, 231, 0.85}, /* enlarged */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vcm_iiif_req r = req(cases[i].rx, cases[i].ry, cases[i].rw, cases[i].rh, cases[i].w,
                             cases[i].h, 0, false, VCM_IIIF_DEFAULT, VCM_IIIF_JPG);
        VipsImage *a = render(grid.pyramid, r);
        r.format = VCM_IIIF_PNG;
        VipsImage *b = render(grid.pyramid, r);
        assert_int_equal(a->Xsize, b->Xsize);
        assert_int_equal(a->Ysize, b->Ysize);
        VipsImage *d, *ad;
        double mean;
        assert_int_equal(vips_subtract(a, b, &d, NULL), 0);
        assert_int_equal(vips_abs(d, &ad, NULL), 0);
        assert_int_equal(vips_avg(ad, &mean, NULL), 0);
        if (mean > cases[i].most)
            fail_msg("case %zu: jpg and png differ by %.2f on average, more than %.2f", i, mean,
                     cases[i].most);
        g_object_unref(d), g_object_unref(ad), g_object_unref(a), g_object_unref(b);
    }
}

static void test_render_quality(void **state)
{
    (void)state;
    /* Grey: one band, the luma of each cell. */
    for (int f = VCM_IIIF_JPG; f <= VCM_IIIF_TIF; f++) {
        VipsImage *im = render(grid.pyramid, req(0, 0, GW, GH, 300, 225, 0, false, VCM_IIIF_GRAY,
                                                 (vcm_iiif_format)f));
        if (f == VCM_IIIF_WEBP) /* WebP is always colour: grey means r = g = b */
            assert_int_equal(im->Bands, 3);
        else
            assert_int_equal(im->Bands, 1);
        for (int r = 0; r < ROWS; r++)
            for (int c = 0; c < COLS; c++) {
                int want[3] = {colour[r][c][0], colour[r][c][1], colour[r][c][2]};
                map_grey(r, c, want);
                double v[4];
                px(im, c * 75 + 37, r * 75 + 37, v);
                if (im->Bands == 3)
                    assert_true(fabs(v[0] - v[1]) <= 2 && fabs(v[1] - v[2]) <= 2);
                if (fabs(v[0] - want[0]) > 12)
                    fail_msg("grey format %d cell %d,%d: %g, want %d", f, r, c, v[0], want[0]);
            }
        g_object_unref(im);
    }
    /* Bitonal: one band of 0 and 255 only (lossless formats), each cell on
     * the side of 128 its luma is; rotated too, so interpolated edges must
     * have been thresholded after turning. */
    for (int f = VCM_IIIF_PNG; f <= VCM_IIIF_TIF; f += VCM_IIIF_TIF - VCM_IIIF_PNG) {
        for (int rot = 0; rot <= 30; rot += 30) {
            VipsImage *im = render(grid.pyramid, req(0, 0, GW, GH, 300, 225, rot, false,
                                                     VCM_IIIF_BITONAL, (vcm_iiif_format)f));
            assert_int_equal(im->Bands, 1);
            VipsImage *hist;
            assert_int_equal(vips_hist_find(im, &hist, NULL), 0);
            double *hv;
            int n;
            for (int i = 1; i < 255; i += 1) {
                assert_int_equal(vips_getpoint(hist, &hv, &n, i, 0, NULL), 0);
                if (hv[0] != 0)
                    fail_msg("bitonal format %d rotation %d has %g pixels of value %d", f, rot,
                             hv[0], i);
                g_free(hv);
            }
            g_object_unref(hist);
            if (rot == 0)
                for (int r = 0; r < ROWS; r++)
                    for (int c = 0; c < COLS; c++) {
                        int want[3] = {colour[r][c][0], colour[r][c][1], colour[r][c][2]};
                        map_grey(r, c, want);
                        double v[4];
                        px(im, c * 75 + 37, r * 75 + 37, v);
                        assert_true(v[0] == (want[0] >= 128 ? 255 : 0) ||
                                    abs(want[0] - 128) < 8);
                    }
            g_object_unref(im);
        }
    }
    /* Bitonal jpg: one band, cells on the right side. */
    VipsImage *im = render(grid.pyramid, req(0, 0, GW, GH, 300, 225, 0, false, VCM_IIIF_BITONAL,
                                             VCM_IIIF_JPG));
    assert_int_equal(im->Bands, 1);
    double v[4];
    px(im, 3 * 75 + 37, 37, v); /* white */
    assert_true(v[0] > 240);
    px(im, 3 * 75 + 37, 75 + 37, v); /* black */
    assert_true(v[0] < 15);
    g_object_unref(im);
}

static void test_render_formats(void **state)
{
    (void)state;
    static const struct {
        vcm_iiif_format f;
        const char *magic;
        size_t off, n;
    } fm[] = {
        {VCM_IIIF_JPG, "\xff\xd8\xff", 0, 3},
        {VCM_IIIF_PNG, "\x89PNG\r\n\x1a\n", 0, 8},
        {VCM_IIIF_WEBP, "WEBP", 8, 4},
        {VCM_IIIF_TIF, "II*\0", 0, 4},
    };
    for (size_t i = 0; i < sizeof fm / sizeof fm[0]; i++) {
        vcm_buf b;
        vcm_buf_init(&b, 0);
        vcm_buf_puts(&b, "stale bytes from an earlier response");
        vcm_iiif_req r = req(0, 0, 512, 512, 256, 256, 0, false, VCM_IIIF_DEFAULT, fm[i].f);
        char err[256] = "";
        assert_int_equal(vcm_iiif_render(grid.pyramid, &r, &b, err, sizeof err), 0);
        assert_true(b.len > fm[i].off + fm[i].n);
        if (fm[i].f == VCM_IIIF_WEBP)
            assert_memory_equal(b.data, "RIFF", 4);
        assert_memory_equal(b.data + fm[i].off, fm[i].magic, fm[i].n);
        VipsImage *im = decode(&b);
        assert_int_equal(im->Xsize, 256);
        assert_int_equal(im->Ysize, 256);
        assert_rgb(im, 100, 100, colour[0][0], 16, "format");
        g_object_unref(im);
        vcm_buf_release(&b);
    }
}

static void test_render_errors(void **state)
{
    (void)state;
    vcm_buf b;
    vcm_buf_init(&b, 0);
    char err[512] = "";
    vcm_iiif_req r = req(0, 0, 512, 512, 256, 256, 0, false, VCM_IIIF_DEFAULT, VCM_IIIF_JPG);
    char *missing = path_in(tmp, "nope.tif");
    assert_int_equal(vcm_iiif_render(missing, &r, &b, err, sizeof err), -1);
    assert_contains(err, "nope.tif");
    assert_int_equal(b.len, 0);
    free(missing);
    r = req(1000, 0, 300, 100, 30, 10, 0, false, VCM_IIIF_DEFAULT, VCM_IIIF_JPG);
    assert_int_equal(vcm_iiif_render(grid.pyramid, &r, &b, err, sizeof err), -1);
    assert_contains(err, "outside");
    r = req(0, 0, 100, 100, 0, 10, 0, false, VCM_IIIF_DEFAULT, VCM_IIIF_JPG);
    assert_int_equal(vcm_iiif_render(grid.pyramid, &r, &b, err, sizeof err), -1);
    r = req(0, 0, 100, 100, 10, 10, 360, false, VCM_IIIF_DEFAULT, VCM_IIIF_JPG);
    assert_int_equal(vcm_iiif_render(grid.pyramid, &r, &b, err, sizeof err), -1);
    /* Over the buffer's cap: refused, buffer empty. */
    vcm_buf small;
    vcm_buf_init(&small, 100);
    r = req(0, 0, GW, GH, GW, GH, 0, false, VCM_IIIF_DEFAULT, VCM_IIIF_PNG);
    assert_int_equal(vcm_iiif_render(grid.pyramid, &r, &small, err, sizeof err), -1);
    assert_contains(err, "cap");
    assert_int_equal(small.len, 0);
    vcm_buf_release(&small);
    /* Not a pyramid at all. */
    char *txt = path_in(tmp, "notes.txt");
    vt_write_file(txt, "not an image");
    r = req(0, 0, 1, 1, 1, 1, 0, false, VCM_IIIF_DEFAULT, VCM_IIIF_JPG);
    assert_int_equal(vcm_iiif_render(txt, &r, &b, err, sizeof err), -1);
    int w, h, l;
    assert_int_equal(vcm_iiif_probe(txt, &w, &h, &l, err, sizeof err), -1);
    assert_contains(err, "notes.txt");
    free(txt);
    vcm_buf_release(&b);
}

/* Opened levels are kept between renders: a file replaced under the same
 * name must be read again, and a removed one must stop rendering. */
static void test_render_sees_replaced_and_removed_files(void **state)
{
    (void)state;
    char *p = path_in(tmp, "swap.tif");
    char *next = path_in(tmp, "swap.next.tif");
    assert_int_equal(vt_sh(NULL, "cp '%s' '%s'", grid.pyramid, p), 0);
    vcm_iiif_req r = req(0, 0, CELL, CELL, 64, 64, 0, false, VCM_IIIF_DEFAULT, VCM_IIIF_PNG);
    VipsImage *im = render(p, r);
    assert_rgb(im, 32, 32, colour[0][0], 8, "before");
    g_object_unref(im);
    /* The same grid turned 180°: its top-left cell is teal. */
    VipsImage *g = grid_image(3), *turned;
    assert_int_equal(vips_rot(g, &turned, VIPS_ANGLE_D180, NULL), 0);
    assert_int_equal(vips_tiffsave(turned, next, "tile", TRUE, "pyramid", TRUE, "compression",
                                   VIPS_FOREIGN_TIFF_COMPRESSION_JPEG, NULL),
                     0);
    g_object_unref(g), g_object_unref(turned);
    assert_int_equal(rename(next, p), 0);
    im = render(p, r);
    assert_rgb(im, 32, 32, colour[2][3], 8, "after replacing");
    g_object_unref(im);
    assert_int_equal(unlink(p), 0);
    vcm_buf b;
    vcm_buf_init(&b, 0);
    char err[512] = "";
    assert_int_equal(vcm_iiif_render(p, &r, &b, err, sizeof err), -1);
    assert_contains(err, "swap.tif");
    vcm_buf_release(&b);
    free(p);
    free(next);
}

struct worker {
    int seed, done, bad;
    char err[256];
};

static void *render_worker(void *arg)
{
    struct worker *w = arg;
    unsigned s = (unsigned)w->seed;
    vcm_buf b;
    vcm_buf_init(&b, 0);
    for (int i = 0; i < 60; i++) {
        int sf = 1 << (rand_r(&s) % 3);
        int tx = rand_r(&s) % ((GW + 256 * sf - 1) / (256 * sf));
        int ty = rand_r(&s) % ((GH + 256 * sf - 1) / (256 * sf));
        int x = tx * 256 * sf, y = ty * 256 * sf;
        int rw = GW - x < 256 * sf ? GW - x : 256 * sf, rh = GH - y < 256 * sf ? GH - y : 256 * sf;
        vcm_iiif_req r = req(x, y, rw, rh, (rw + sf - 1) / sf, (rh + sf - 1) / sf,
                             (rand_r(&s) % 4) * 90, rand_r(&s) % 2, VCM_IIIF_DEFAULT,
                             (vcm_iiif_format)(rand_r(&s) % 4));
        if (vcm_iiif_render(grid.pyramid, &r, &b, w->err, sizeof w->err) != 0) {
            w->bad++;
            continue;
        }
        VipsImage *im = vips_image_new_from_buffer(b.data, b.len, "", NULL);
        if (!im) {
            w->bad++;
            continue;
        }
        /* The cell of the region's centre shows at the output's centre
         * whatever the mirror and rotation. */
        double *v;
        int n;
        int cx = (x + rw / 2) / CELL, cy = (y + rh / 2) / CELL;
        bool near_edge = abs((x + rw / 2) % CELL - CELL / 2) > CELL / 2 - 4 * sf ||
                         abs((y + rh / 2) % CELL - CELL / 2) > CELL / 2 - 4 * sf;
        if (vips_getpoint(im, &v, &n, im->Xsize / 2, im->Ysize / 2, NULL) == 0) {
            if (!near_edge)
                for (int k = 0; k < 3; k++)
                    if (fabs(v[k] - colour[cy][cx][k]) > 30)
                        w->bad++;
            g_free(v);
        } else {
            w->bad++;
        }
        g_object_unref(im);
        w->done++;
    }
    vcm_buf_release(&b);
    return NULL;
}

/* libvips must not generate vector code at run time: Orc's code allocator
 * in Debian 12 corrupts the heap when threads compile and free programs at
 * once (see init_run in image.c; tests/web/test_iiif_stress is the load
 * that showed it). */
static void test_no_runtime_vector_code(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(vcm_iiif_init(err, sizeof err), 0);
    assert_false(vips_vector_isenabled());
}

static void test_concurrent_renders(void **state)
{
    (void)state;
    pthread_t th[4];
    struct worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){.seed = 17 + i};
        assert_int_equal(pthread_create(&th[i], NULL, render_worker, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        if (w[i].bad)
            fail_msg("thread %d: %d bad renders (%s)", i, w[i].bad, w[i].err);
        assert_int_equal(w[i].done, 60);
    }
}

/* The price of a render, in pixels decoded (from the level the render
 * reads, in whole tiles) and written. The grid's pyramid has levels of
 * 1200x900, 600x450, 300x225 and 150x112. */
static void test_cost(void **state)
{
    (void)state;
    const vcm_iiif_format P = VCM_IIIF_PNG;
    const vcm_iiif_quality D = VCM_IIIF_DEFAULT;
    /* full size: all of level 0 read, all written */
    assert_int_equal(vcm_iiif_cost(GW, GH, &(vcm_iiif_req){0}), 0);
    vcm_iiif_req r = req(0, 0, GW, GH, GW, GH, 0, false, D, P);
    assert_int_equal(vcm_iiif_cost(GW, GH, &r), 2 * 1200 * 900);
    /* the smallest level serves a thumbnail: 150x112 read, 150x112 written */
    r = req(0, 0, GW, GH, 150, 112, 0, false, D, P);
    assert_int_equal(vcm_iiif_cost(GW, GH, &r), 2 * 150 * 112);
    /* 300 wide: level 2 */
    r = req(0, 0, GW, GH, 300, 225, 0, false, D, P);
    assert_int_equal(vcm_iiif_cost(GW, GH, &r), 2 * 300 * 225);
    /* a tile of level 0 */
    r = req(256, 256, 256, 256, 256, 256, 0, false, D, P);
    assert_int_equal(vcm_iiif_cost(GW, GH, &r), 2 * 256 * 256);
    /* a few pixels astride four tiles decode all four */
    r = req(250, 250, 10, 10, 10, 10, 0, false, D, P);
    assert_int_equal(vcm_iiif_cost(GW, GH, &r), 4 * 256 * 256 + 100);
    /* one pixel blown up: one tile read, all of the output written */
    r = req(5, 5, 1, 1, 1000, 1000, 0, false, D, P);
    assert_int_equal(vcm_iiif_cost(GW, GH, &r), 256 * 256 + 1000 * 1000);
    /* turns by 90s write as many pixels; 45 degrees writes the canvas */
    r = req(0, 0, GW, GH, 150, 112, 90, true, D, P);
    assert_int_equal(vcm_iiif_cost(GW, GH, &r), 2 * 150 * 112);
    r = req(0, 0, GW, GH, 150, 150, 45, false, D, P);
    /* 150 high needs level 2 (225 high; level 3 has 112); the canvas of
     * 150x150 turned 45 degrees is about 214 square */
    int64_t c = vcm_iiif_cost(GW, GH, &r) - 300 * 225;
    if (c < 213 * 213 || c > 215 * 215)
        fail_msg("45 degrees: %lld pixels written", (long long)c);
}

/* Each rendering thread opens its own levels: libvips 8.14 cannot run two
 * pipelines at once on one loaded image (see open_level in image.c). Seen
 * from outside: while 8 threads that rendered the same tile are alive, the
 * pyramid is open at least 8 times (a shared level would be open once). */
enum { LEVEL_THREADS = 8 };
static pthread_barrier_t rendered, counted;

static void *render_and_wait(void *arg)
{
    int *rc = arg;
    vcm_iiif_req r;
    char err[300];
    vcm_buf b;
    vcm_buf_init(&b, (size_t)16 << 20);
    *rc = vcm_iiif_parse("0,0,256,256", "max", "0", "default.jpg", grid.width, grid.height, NULL,
                         &r, NULL);
    if (*rc == 0)
        *rc = vcm_iiif_render(grid.pyramid, &r, &b, err, sizeof err);
    vcm_buf_release(&b);
    pthread_barrier_wait(&rendered);
    pthread_barrier_wait(&counted);
    return NULL;
}

static int open_count(const char *path)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    for (struct dirent *de; d && (de = readdir(d));) {
        char link[300], target[1024];
        snprintf(link, sizeof link, "/proc/self/fd/%s", de->d_name);
        ssize_t k = readlink(link, target, sizeof target - 1);
        if (k > 0) {
            target[k] = '\0';
            n += strcmp(target, path) == 0;
        }
    }
    if (d)
        closedir(d);
    return n;
}

static void test_render_levels_are_per_thread(void **state)
{
    (void)state;
    char real[PATH_MAX];
    assert_non_null(realpath(grid.pyramid, real));
    pthread_barrier_init(&rendered, NULL, LEVEL_THREADS + 1);
    pthread_barrier_init(&counted, NULL, LEVEL_THREADS + 1);
    pthread_t th[LEVEL_THREADS];
    int rc[LEVEL_THREADS];
    for (int i = 0; i < LEVEL_THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, render_and_wait, &rc[i]), 0);
    pthread_barrier_wait(&rendered);
    int n = open_count(real);
    pthread_barrier_wait(&counted);
    for (int i = 0; i < LEVEL_THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(rc[i], 0);
    }
    pthread_barrier_destroy(&rendered);
    pthread_barrier_destroy(&counted);
    if (n < LEVEL_THREADS)
        fail_msg("%d threads rendered level 0 but the pyramid is open %d times: a level is "
                 "shared between threads", LEVEL_THREADS, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ingest_png),
        cmocka_unit_test(test_ingest_jpeg),
        cmocka_unit_test(test_ingest_tiff16),
        cmocka_unit_test(test_ingest_cmyk),
        cmocka_unit_test(test_ingest_grey_tiff),
        cmocka_unit_test(test_ingest_webp),
        cmocka_unit_test(test_ingest_jp2k),
        cmocka_unit_test(test_ingest_alpha_flattened_on_white),
        cmocka_unit_test(test_ingest_exif_orientation),
        cmocka_unit_test(test_ingest_is_idempotent),
        cmocka_unit_test(test_ingest_concurrently),
        cmocka_unit_test(test_ingest_refusals),
        cmocka_unit_test(test_ingest_refuses_header_only_jpeg),
        cmocka_unit_test(test_ingest_progress),
        cmocka_unit_test(test_render_regions_and_sizes),
        cmocka_unit_test(test_render_picks_smallest_sufficient_level),
        cmocka_unit_test(test_render_mirror_and_rotations),
        cmocka_unit_test(test_render_jpg_mirrored),
        cmocka_unit_test(test_render_jpg_planes_match_rgb),
        cmocka_unit_test(test_render_quality),
        cmocka_unit_test(test_render_formats),
        cmocka_unit_test(test_render_errors),
        cmocka_unit_test(test_render_sees_replaced_and_removed_files),
        cmocka_unit_test(test_no_runtime_vector_code),
        cmocka_unit_test(test_concurrent_renders),
        cmocka_unit_test(test_cost),
        cmocka_unit_test(test_render_levels_are_per_thread),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
