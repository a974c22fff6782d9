/* IIIF Image API 3.0 requests (src/iiif/request.c): every region, size,
 * rotation, quality and format form of the specification, on a 1000 x 800
 * image, on the spec's own 300 x 200 examples and on a 7 x 3 image where
 * rounding shows; every error with its status; limits; canonical forms and
 * that a canonical form parses back to itself. */
#include "testutil.h"

#include <stdint.h>

#include "core/i18n.h"
#include "iiif/request.h"

static const vcm_iiif_limits nolimits = {0, 0, 0};

/* Parses "region/size/rotation/quality.format" for a width x height image. */
static int parse_url(const char *url, int W, int H, const vcm_iiif_limits *L, vcm_iiif_req *r,
                     vcm_iiif_msg *err)
{
    char buf[512];
    char *seg[4];
    assert_true(strlen(url) < sizeof buf);
    memcpy(buf, url, strlen(url) + 1);
    seg[0] = buf;
    for (int i = 1; i < 4; i++) {
        char *slash = strchr(seg[i - 1], '/');
        if (!slash)
            fail_msg("test url '%s' has fewer than four segments", url);
        *slash = '\0';
        seg[i] = slash + 1;
    }
    if (strchr(seg[3], '/'))
        fail_msg("test url '%s' has more than four segments", url);
    return vcm_iiif_parse(seg[0], seg[1], seg[2], seg[3], W, H, L, r, err);
}

/* A message as "key|arg1|arg2…", to compare in one go. */
static const char *said(const vcm_iiif_msg *m, char *buf, size_t len)
{
    int o = snprintf(buf, len, "%s", m->key ? m->key : "(none)");
    for (int i = 0; i < m->nargs && o > 0 && (size_t)o < len; i++)
        o += snprintf(buf + o, len - (size_t)o, "|%s", m->arg[i]);
    return buf;
}

static vcm_iiif_req ok(const char *url, int W, int H, const vcm_iiif_limits *L)
{
    vcm_iiif_req r;
    vcm_iiif_msg err;
    char text[400];
    int st = parse_url(url, W, H, L, &r, &err);
    if (st != 0)
        fail_msg("%s on %dx%d: expected success, got %d: %s", url, W, H, st,
                 said(&err, text, sizeof text));
    if (err.key != NULL || err.nargs != 0)
        fail_msg("%s on %dx%d: success with a message %s", url, W, H,
                 said(&err, text, sizeof text));
    return r;
}

static void region_is(const char *url, int W, int H, int rx, int ry, int rw, int rh)
{
    vcm_iiif_req r = ok(url, W, H, &nolimits);
    if (r.rx != rx || r.ry != ry || r.rw != rw || r.rh != rh)
        fail_msg("%s on %dx%d: region %d,%d,%d,%d, expected %d,%d,%d,%d", url, W, H, r.rx, r.ry,
                 r.rw, r.rh, rx, ry, rw, rh);
}

static void size_is_l(const char *url, int W, int H, const vcm_iiif_limits *L, int w, int h)
{
    vcm_iiif_req r = ok(url, W, H, L);
    if (r.w != w || r.h != h)
        fail_msg("%s on %dx%d: size %d,%d, expected %d,%d", url, W, H, r.w, r.h, w, h);
}

static void size_is(const char *url, int W, int H, int w, int h)
{
    size_is_l(url, W, H, &nolimits, w, h);
}

static void canon_is_l(const char *url, int W, int H, const vcm_iiif_limits *L, const char *want)
{
    vcm_iiif_req r = ok(url, W, H, L);
    if (strcmp(r.canonical, want) != 0)
        fail_msg("%s on %dx%d: canonical '%s', expected '%s'", url, W, H, r.canonical, want);
    /* The canonical form is a request too, and means the same. */
    vcm_iiif_req again = ok(r.canonical, W, H, L);
    assert_string_equal(again.canonical, r.canonical);
    assert_int_equal(again.rx, r.rx);
    assert_int_equal(again.ry, r.ry);
    assert_int_equal(again.rw, r.rw);
    assert_int_equal(again.rh, r.rh);
    assert_int_equal(again.w, r.w);
    assert_int_equal(again.h, r.h);
    assert_int_equal(again.mirror, r.mirror);
    assert_true(again.rotation == r.rotation);
    assert_int_equal(again.quality, r.quality);
    assert_int_equal(again.format, r.format);
}

static void canon_is(const char *url, int W, int H, const char *want)
{
    canon_is_l(url, W, H, &nolimits, want);
}

/* Expects status st and the message want, "key|arg1|arg2…" (with a final
 * '*', want is only what the message starts with), and *out cleared. */
static void fails_l(const char *url, int W, int H, const vcm_iiif_limits *L, int st,
                    const char *want)
{
    vcm_iiif_req r;
    memset(&r, 0xA5, sizeof r);
    vcm_iiif_msg err;
    memset(&err, 0xA5, sizeof err);
    char got_text[400];
    int got = parse_url(url, W, H, L, &r, &err);
    said(&err, got_text, sizeof got_text);
    if (got != st)
        fail_msg("%s on %dx%d: expected %d, got %d (%s; canonical '%s')", url, W, H, st, got,
                 got ? got_text : "", got == 0 ? r.canonical : "");
    size_t n = strlen(want);
    bool prefix = n > 0 && want[n - 1] == '*';
    if (prefix ? strncmp(got_text, want, n - 1) != 0 : strcmp(got_text, want) != 0)
        fail_msg("%s on %dx%d: expected the message %s, got %s", url, W, H, want, got_text);
    assert_int_equal(r.rw, 0);
    assert_int_equal(r.w, 0);
    assert_int_equal(r.canonical[0], '\0');
}

static void fails(const char *url, int W, int H, int st, const char *want)
{
    fails_l(url, W, H, &nolimits, st, want);
}

/* A bad segment as a message quotes it (the test's segments are short). */
static void fails_quoting(const char *url, int W, int H, int st, const char *key_prefix,
                          const char *segment)
{
    char want[200];
    int o = snprintf(want, sizeof want, "%s*", key_prefix);
    assert_true(o > 0 && strlen(segment) <= 40);
    fails(url, W, H, st, want);
    /* and the first argument is the segment, with '?' for what is not
     * printable ASCII or is a quote */
    vcm_iiif_req r;
    vcm_iiif_msg err;
    assert_int_equal(parse_url(url, W, H, &nolimits, &r, &err), st);
    assert_true(err.nargs >= 1);
    assert_int_equal(strlen(err.arg[0]), strlen(segment));
    for (size_t i = 0; segment[i]; i++) {
        unsigned char c = (unsigned char)segment[i];
        assert_int_equal(err.arg[0][i], c >= 0x20 && c < 0x7F && c != '\'' ? (char)c : '?');
    }
}

/* ---- region ---- */

static void test_region_full_and_pixels(void **state)
{
    (void)state;
    region_is("full/max/0/default.jpg", 1000, 800, 0, 0, 1000, 800);
    region_is("125,15,120,140/max/0/default.jpg", 1000, 800, 125, 15, 120, 140);
    region_is("0,0,1,1/max/0/default.jpg", 1000, 800, 0, 0, 1, 1);
    region_is("999,799,1,1/max/0/default.jpg", 1000, 800, 999, 799, 1, 1);
    /* leading zeros are still decimal integers */
    region_is("010,0020,30,40/max/0/default.jpg", 1000, 800, 10, 20, 30, 40);
    region_is("0,0,7,3/max/0/default.jpg", 7, 3, 0, 0, 7, 3);
    vcm_iiif_req r = ok("full/max/0/default.jpg", 1000, 800, &nolimits);
    assert_int_equal(r.w, 1000);
    assert_int_equal(r.h, 800);
    assert_false(r.mirror);
    assert_true(r.rotation == 0);
    assert_int_equal(r.quality, VCM_IIIF_DEFAULT);
    assert_int_equal(r.format, VCM_IIIF_JPG);
}

static void test_region_clipped_at_edges(void **state)
{
    (void)state;
    region_is("900,700,200,200/max/0/default.jpg", 1000, 800, 900, 700, 100, 100);
    region_is("999,0,10,800/max/0/default.jpg", 1000, 800, 999, 0, 1, 800);
    region_is("0,799,1000,10/max/0/default.jpg", 1000, 800, 0, 799, 1000, 1);
    region_is("0,0,5000,5000/max/0/default.jpg", 1000, 800, 0, 0, 1000, 800);
    region_is("0,0,2147483647,2147483647/max/0/default.jpg", 1000, 800, 0, 0, 1000, 800);
    region_is("6,2,2147483647,1/max/0/default.jpg", 7, 3, 6, 2, 1, 1);
    /* The spec's example 5: 125,15,200,200 of its 300 x 200 image is 175 x 185. */
    vcm_iiif_req r = ok("125,15,200,200/max/0/default.jpg", 300, 200, &nolimits);
    assert_int_equal(r.rw, 175);
    assert_int_equal(r.rh, 185);
    assert_int_equal(r.w, 175);
    assert_int_equal(r.h, 185);
}

static void test_region_square(void **state)
{
    (void)state;
    region_is("square/max/0/default.jpg", 1000, 800, 100, 0, 800, 800); /* landscape */
    region_is("square/max/0/default.jpg", 800, 1000, 0, 100, 800, 800); /* portrait */
    region_is("square/max/0/default.jpg", 500, 500, 0, 0, 500, 500);
    region_is("square/max/0/default.jpg", 7, 3, 2, 0, 3, 3);
    region_is("square/max/0/default.jpg", 3, 7, 0, 2, 3, 3);
    region_is("square/max/0/default.jpg", 8, 3, 2, 0, 3, 3); /* 2.5 rounds down */
    region_is("square/max/0/default.jpg", 1, 1000, 0, 499, 1, 1);
    canon_is("square/max/0/default.jpg", 500, 500, "full/max/0/default.jpg");
}

static void test_region_percent(void **state)
{
    (void)state;
    region_is("pct:10,10,50,50/max/0/default.jpg", 1000, 800, 100, 80, 500, 400);
    region_is("pct:0,0,100,100/max/0/default.jpg", 1000, 800, 0, 0, 1000, 800);
    region_is("pct:0,0,250,250/max/0/default.jpg", 1000, 800, 0, 0, 1000, 800);
    region_is("pct:12.5,12.5,25,25/max/0/default.jpg", 1000, 800, 125, 100, 250, 200);
    /* The spec's examples 4 and 6 on its 300 x 200 image. */
    region_is("pct:41.6,7.5,40,70/max/0/default.jpg", 300, 200, 125, 15, 120, 140);
    region_is("pct:41.6,7.5,66.6,100/max/0/default.jpg", 300, 200, 125, 15, 175, 185);
    /* 7 x 3: x 3.5 -> 4, y 1.5 -> 2, w 3.5 -> 4 clipped to 3, h 1.5 -> 2 clipped to 1 */
    region_is("pct:50,50,50,50/max/0/default.jpg", 7, 3, 4, 2, 3, 1);
    /* w 0.7 -> 1, h 0.3 -> 0 -> at least 1: a non-zero percentage is a pixel */
    region_is("pct:10,10,10,10/max/0/default.jpg", 7, 3, 1, 0, 1, 1);
    region_is("pct:0,0,0.001,0.001/max/0/default.jpg", 1000, 800, 0, 0, 1, 1);
    region_is("pct:99.94,0,10,10/max/0/default.jpg", 1000, 800, 999, 0, 1, 80);
    /* The spec recommends "0.5" and no trailing zeros; other decimals are read. */
    region_is("pct:.5,0.50,50.,050/max/0/default.jpg", 1000, 800, 5, 4, 500, 400);
}

static void test_region_errors(void **state)
{
    (void)state;
    fails("1000,0,10,10/max/0/default.jpg", 1000, 800, 400,
          "iiif.err.region_outside|1000,0,10,10|1000|800");
    fails("0,800,10,10/max/0/default.jpg", 1000, 800, 400,
          "iiif.err.region_outside|0,800,10,10|1000|800");
    fails("2147483647,0,1,1/max/0/default.jpg", 1000, 800, 400,
          "iiif.err.region_outside|2147483647,0,1,1|1000|800");
    fails("0,0,0,10/max/0/default.jpg", 1000, 800, 400, "iiif.err.region_zero_width|0,0,0,10");
    fails("0,0,10,0/max/0/default.jpg", 1000, 800, 400, "iiif.err.region_zero_height|0,0,10,0");
    fails("pct:0,0,0,50/max/0/default.jpg", 1000, 800, 400,
          "iiif.err.region_zero_width|pct:0,0,0,50");
    fails("pct:0,0,50,0.0/max/0/default.jpg", 1000, 800, 400,
          "iiif.err.region_zero_height|pct:0,0,50,0.0");
    fails("pct:100,0,10,10/max/0/default.jpg", 1000, 800, 400,
          "iiif.err.region_outside|pct:100,0,10,10|1000|800");
    fails("pct:0,150,10,10/max/0/default.jpg", 1000, 800, 400,
          "iiif.err.region_outside|pct:0,150,10,10|1000|800");
    fails("pct:99.96,0,10,10/max/0/default.jpg", 1000, 800, 400,
          "iiif.err.region_outside|pct:99.96,0,10,10|1000|800");
    fails("2147483648,0,10,10/max/0/default.jpg", 1000, 800, 400,
          "iiif.err.region_number_big|2147483648,0,10,10");
    fails("0,0,99999999999999999999,1/max/0/default.jpg", 1000, 800, 400,
          "iiif.err.region_number_big|0,0,99999999999999999999,1");
    fails("pct:0,0,123456789012345678901234567890123,1/max/0/default.jpg", 1000, 800, 400,
          "iiif.err.region_number_long|pct:0,0,12345678901234567890123456789...|32");
    static const char *const bad[] = {
        "",           "ful",         "FULL",         "Full",          "full ",
        " full",      "squares",     "0,0,10",       "0,0,10,10,",    "0,0,10,10,5",
        ",0,0,10,10", "0,,10,10",    "+1,0,10,10",   "-1,0,10,10",    " 1,0,10,10",
        "1 ,0,10,10", "0x10,0,1,1",  "1e3,0,10,10",  "0,0,10.5,10",   "0,0,10,10.",
        "pct:",       "pct:0,0,1",   "pct:0,0,nan,1", "pct:0,0,inf,1", "pct:-1,0,10,10",
        "pct:1,,10,10", "pct:1..2,0,10,10", "pct:.,0,1,1", "pct:+5,0,1,1", "pct:5e1,0,1,1",
        "pct:1,2,3,4,", "PCT:1,2,3,4", "pct 1,2,3,4",  "pct:1, 2,3,4", "pct:1.2.3,0,1,1",
        "pct:0,0,10,10%", "0;0;10;10", "\xc3\xa9",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char url[128];
        snprintf(url, sizeof url, "%s/max/0/default.jpg", bad[i]);
        fails_quoting(url, 1000, 800, 400, "iiif.err.region_", bad[i]);
    }
}

/* ---- size ---- */

static void test_size_max(void **state)
{
    (void)state;
    size_is("full/max/0/default.jpg", 1000, 800, 1000, 800);
    size_is("full/^max/0/default.jpg", 1000, 800, 1000, 800); /* nothing to scale up to */
    size_is("10,20,30,40/max/0/default.jpg", 1000, 800, 30, 40);
    /* The spec's size examples 1 on its 300 x 200 image: max with maxWidth
     * 200, and ^max with maxWidth 360 (maxHeight then 360 as well). */
    vcm_iiif_limits w200 = {200, 0, 0}, w360 = {360, 360, 0};
    size_is_l("full/max/0/default.jpg", 300, 200, &w200, 200, 133);
    size_is_l("full/^max/0/default.jpg", 300, 200, &w360, 360, 240);
    size_is_l("full/^max/0/default.jpg", 300, 200, &w200, 200, 133);
}

static void test_size_width_height_forms(void **state)
{
    (void)state;
    size_is("full/500,/0/default.jpg", 1000, 800, 500, 400);
    size_is("full/,400/0/default.jpg", 1000, 800, 500, 400);
    size_is("full/1000,/0/default.jpg", 1000, 800, 1000, 800);
    size_is("full/,800/0/default.jpg", 1000, 800, 1000, 800);
    size_is("full/1,/0/default.jpg", 1000, 800, 1, 1);
    size_is("full/,1/0/default.jpg", 1000, 800, 1, 1); /* 1.25 -> 1 */
    size_is("full/333,/0/default.jpg", 1000, 800, 333, 266); /* 266.4 */
    size_is("full/,333/0/default.jpg", 1000, 800, 416, 333); /* 416.25 */
    size_is("full/300,200/0/default.jpg", 1000, 800, 300, 200); /* distorted, as asked */
    size_is("full/1000,1/0/default.jpg", 1000, 800, 1000, 1);
    size_is("full/1000,800/0/default.jpg", 1000, 800, 1000, 800);
    /* the spec's examples 2, 3, 5 on its 300 x 200 image */
    size_is("full/150,/0/default.jpg", 300, 200, 150, 100);
    size_is("full/,150/0/default.jpg", 300, 200, 225, 150);
    size_is("full/225,100/0/default.jpg", 300, 200, 225, 100);
    /* the spec's order example: 125,15,120,140 then 90, */
    size_is("125,15,120,140/90,/!345/gray.jpg", 300, 200, 90, 105);
}

static void test_size_rounding_on_7x3(void **state)
{
    (void)state;
    size_is("full/1,/0/default.jpg", 7, 3, 1, 1);    /* 0.43 -> 0 -> at least 1 */
    size_is("full/2,/0/default.jpg", 7, 3, 2, 1);    /* 0.86 */
    size_is("full/4,/0/default.jpg", 7, 3, 4, 2);    /* 1.71 */
    size_is("full/5,/0/default.jpg", 7, 3, 5, 2);    /* 2.14 */
    size_is("full/6,/0/default.jpg", 7, 3, 6, 3);    /* 2.57 */
    size_is("full/,1/0/default.jpg", 7, 3, 2, 1);    /* 2.33 */
    size_is("full/,2/0/default.jpg", 7, 3, 5, 2);    /* 4.67 */
    size_is("full/pct:50/0/default.jpg", 7, 3, 4, 2); /* 3.5, 1.5 round half up */
    size_is("full/pct:10/0/default.jpg", 7, 3, 1, 1); /* 0.7, 0.3 -> 1 */
    size_is("full/^pct:150/0/default.jpg", 7, 3, 11, 5); /* 10.5, 4.5 */
    size_is("full/!4,4/0/default.jpg", 7, 3, 4, 2);
    size_is("full/!7,1/0/default.jpg", 7, 3, 2, 1);
    size_is("full/^!100,100/0/default.jpg", 7, 3, 100, 43); /* 42.86 */
    size_is("full/^,100/0/default.jpg", 7, 3, 233, 100);    /* 233.3 */
    size_is("full/1,/0/default.jpg", 3, 7, 1, 2);           /* 2.33 */
    size_is("full/,1/0/default.jpg", 3, 7, 1, 1);           /* 0.43 -> 1 */
}

static void test_size_percent(void **state)
{
    (void)state;
    size_is("full/pct:50/0/default.jpg", 1000, 800, 500, 400);
    size_is("full/pct:100/0/default.jpg", 1000, 800, 1000, 800);
    size_is("full/pct:12.5/0/default.jpg", 1000, 800, 125, 100);
    size_is("full/pct:33.3/0/default.jpg", 1000, 800, 333, 266);
    size_is("full/pct:0.05/0/default.jpg", 1000, 800, 1, 1); /* 0.5, 0.4 */
    size_is("full/^pct:150/0/default.jpg", 1000, 800, 1500, 1200);
    size_is("full/^pct:50/0/default.jpg", 1000, 800, 500, 400);
    fails("full/pct:150/0/default.jpg", 1000, 800, 400, "iiif.err.size_pct_upscale|pct:150|150");
    fails("full/pct:100.5/0/default.jpg", 1000, 800, 400,
          "iiif.err.size_pct_upscale|pct:100.5|100.5");
    fails("full/pct:0/0/default.jpg", 1000, 800, 400, "iiif.err.size_zero|pct:0");
    fails("full/pct:0.0/0/default.jpg", 1000, 800, 400, "iiif.err.size_zero|pct:0.0");
    fails("full/pct:0.01/0/default.jpg", 1000, 800, 400,
          "iiif.err.size_below_pixel|pct:0.01|1000|800");
    fails("full/pct:5/0/default.jpg", 7, 3, 400, "iiif.err.size_below_pixel|pct:5|7|3");
    fails("full/^pct:1000000000/0/default.jpg", 1000, 800, 400,
          "iiif.err.size_too_large|^pct:1000000000");
}

static void test_size_best_fit(void **state)
{
    (void)state;
    size_is("full/!500,500/0/default.jpg", 1000, 800, 500, 400);
    size_is("full/!500,200/0/default.jpg", 1000, 800, 250, 200);
    size_is("full/!2000,2000/0/default.jpg", 1000, 800, 1000, 800); /* not above the region */
    size_is("full/!1,1/0/default.jpg", 1000, 800, 1, 1);
    size_is("full/^!2000,2000/0/default.jpg", 1000, 800, 2000, 1600);
    size_is("full/^!500,500/0/default.jpg", 1000, 800, 500, 400);
    /* the spec's examples 6 on its 300 x 200 image */
    size_is("full/!225,100/0/default.jpg", 300, 200, 150, 100);
    size_is("full/^!360,360/0/default.jpg", 300, 200, 360, 240);
}

static void test_size_upscaling(void **state)
{
    (void)state;
    size_is("full/^2000,/0/default.jpg", 1000, 800, 2000, 1600);
    size_is("full/^,1600/0/default.jpg", 1000, 800, 2000, 1600);
    size_is("full/^1001,800/0/default.jpg", 1000, 800, 1001, 800);
    size_is("full/^500,900/0/default.jpg", 1000, 800, 500, 900);
    size_is("full/^500,/0/default.jpg", 1000, 800, 500, 400); /* ^ allows, does not require */
    size_is("full/^2147483647,/0/default.jpg", 1000, 800, 2147483647, 1717986918);
    size_is("full/^360,/0/default.jpg", 300, 200, 360, 240);
    size_is("full/^,240/0/default.jpg", 300, 200, 360, 240);
    size_is("full/^360,360/0/default.jpg", 300, 200, 360, 360);
    size_is("0,0,10,10/^100,/0/default.jpg", 1000, 800, 100, 100);

    /* The message names the region's width and the upscaling request. */
    fails("full/2000,/0/default.jpg", 1000, 800, 400,
          "iiif.err.size_wider_upscale|2000,|1000|2000");
    fails("full/,801/0/default.jpg", 1000, 800, 400, "iiif.err.size_higher_upscale|,801|800|801");
    fails("full/1001,800/0/default.jpg", 1000, 800, 400,
          "iiif.err.size_larger_upscale|1001,800|1000|800|1001|800");
    fails("full/1000,801/0/default.jpg", 1000, 800, 400,
          "iiif.err.size_larger_upscale|1000,801|1000|800|1000|801");
    fails("0,0,10,10/11,/0/default.jpg", 1000, 800, 400, "iiif.err.size_wider_upscale|11,|10|11");
    fails("full/^,2147483647/0/default.jpg", 1000, 800, 400,
          "iiif.err.size_too_large|^,2147483647");
}

static void test_size_limits(void **state)
{
    (void)state;
    const vcm_iiif_limits box = {500, 500, 0};
    size_is_l("full/max/0/default.jpg", 1000, 800, &box, 500, 400);
    size_is_l("full/^max/0/default.jpg", 1000, 800, &box, 500, 400);
    size_is_l("full/max/0/default.jpg", 800, 1000, &box, 400, 500);
    size_is_l("full/pct:50/0/default.jpg", 1000, 800, &box, 500, 400);
    size_is_l("full/!1000,1000/0/default.jpg", 1000, 800, &box, 500, 400);
    size_is_l("full/^!5000,5000/0/default.jpg", 1000, 800, &box, 500, 400);
    size_is_l("full/500,500/0/default.jpg", 1000, 800, &box, 500, 500);
    fails_l("full/600,/0/default.jpg", 1000, 800, &box, 400, "iiif.err.size_over_width|600,|500");
    /* 625 wide */
    fails_l("full/,500/0/default.jpg", 1000, 800, &box, 400, "iiif.err.size_over_width|,500|500");
    fails_l("full/,501/0/default.jpg", 800, 1000, &box, 400, "iiif.err.size_over_height|,501|500");
    fails_l("full/pct:60/0/default.jpg", 1000, 800, &box, 400,
            "iiif.err.size_over_width|pct:60|500");
    fails_l("full/500,501/0/default.jpg", 1000, 800, &box, 400,
            "iiif.err.size_over_height|500,501|500");
    fails_l("full/^501,/0/default.jpg", 1000, 800, &box, 400, "iiif.err.size_over_width|^501,|500");

    const vcm_iiif_limits area = {0, 0, 100000};
    /* 353 x 282 = 99546; 354 x 283 = 100182 is over */
    size_is_l("full/max/0/default.jpg", 1000, 800, &area, 353, 282);
    size_is_l("full/^max/0/default.jpg", 1000, 800, &area, 353, 282);
    size_is_l("full/max/0/default.jpg", 800, 1000, &area, 282, 353);
    size_is_l("full/!1000,1000/0/default.jpg", 1000, 800, &area, 353, 282);
    size_is_l("full/353,/0/default.jpg", 1000, 800, &area, 353, 282);
    fails_l("full/354,/0/default.jpg", 1000, 800, &area, 400,
            "iiif.err.size_over_area|354,|354|283|100000");
    fails_l("full/1000,800/0/default.jpg", 1000, 800, &area, 400,
            "iiif.err.size_over_area|1000,800|1000|800|100000");
    fails_l("full/^max,/0/default.jpg", 1000, 800, &area, 400, "iiif.err.size_pixel_numbers|^max,");

    /* 7 x 3 into 10 pixels: 5 x 2 (6 x 3 = 18 is over) */
    const vcm_iiif_limits ten = {0, 0, 10};
    size_is_l("full/max/0/default.jpg", 7, 3, &ten, 5, 2);
    size_is_l("full/5,/0/default.jpg", 7, 3, &ten, 5, 2);
    fails_l("full/6,/0/default.jpg", 7, 3, &ten, 400, "iiif.err.size_over_area|6,|6|3|10");
    const vcm_iiif_limits one = {0, 0, 1};
    size_is_l("full/max/0/default.jpg", 1000, 800, &one, 1, 1);
    size_is_l("full/^max/0/default.jpg", 1, 1000, &one, 1, 1);

    /* ^max grows to the tightest limit */
    const vcm_iiif_limits big = {2000, 1000, 0};
    size_is_l("full/^max/0/default.jpg", 1000, 800, &big, 1250, 1000);
    size_is_l("full/max/0/default.jpg", 1000, 800, &big, 1000, 800);
    const vcm_iiif_limits bigarea = {0, 0, 4000000};
    /* 2236 x 1789 = 4000204 is over */
    size_is_l("full/^max/0/default.jpg", 1000, 800, &bigarea, 2235, 1788);
    const vcm_iiif_limits all = {3000, 2000, 4000000};
    /* the spec's 5.2 example limits on its 6000 x 4000 image */
    size_is_l("full/max/0/default.jpg", 6000, 4000, &all, 2449, 1633);
    size_is_l("full/!3000,2000/0/default.jpg", 6000, 4000, &all, 2449, 1633);
    /* Negative limits are no limits. */
    const vcm_iiif_limits neg = {-1, -1, -1};
    size_is_l("full/^4000,/0/default.jpg", 1000, 800, &neg, 4000, 3200);
}

static void test_size_errors(void **state)
{
    (void)state;
    fails("full/0,/0/default.jpg", 1000, 800, 400, "iiif.err.size_zero_width|0,");
    fails("full/,0/0/default.jpg", 1000, 800, 400, "iiif.err.size_zero_height|,0");
    fails("full/0,0/0/default.jpg", 1000, 800, 400, "iiif.err.size_zero_width|0,0");
    fails("full/^0,/0/default.jpg", 1000, 800, 400, "iiif.err.size_zero_width|^0,");
    fails("full/!0,10/0/default.jpg", 1000, 800, 400, "iiif.err.size_zero_width|!0,10");
    fails("full/!10,0/0/default.jpg", 1000, 800, 400, "iiif.err.size_zero_height|!10,0");
    fails("full/full/0/default.jpg", 1000, 800, 400, "iiif.err.size_full|full|max");
    fails("full/^full/0/default.jpg", 1000, 800, 400, "iiif.err.size_full|^full|^max");
    fails("full/2147483648,/0/default.jpg", 1000, 800, 400, "iiif.err.size_number_big|2147483648,");
    fails("full/pct:123456789012345678901234567890123/0/default.jpg", 1000, 800, 400,
          "iiif.err.size_number_long|pct:123456789012345678901234567890123|32");
    static const char *const bad[] = {
        "",        ",",       "^",        "^^max",   "MAX",     "Max",      "max,",
        "max ",    "10,10,",  "10,,",     ",,10",    "!10,",    "!,10",     "!",
        "!,",      "^!",      "!^10,10",  "!pct:50", "pct:",    "pct:-5",   "pct:abc",
        "pct:50%", "pct:1e2", "pct:+50",  "pct:nan", "pct:inf", "10.5,",    "+10,",
        " 10,",    "10 ,",    "10,+10",   "-10,",    "10,-10",  "0x10,",    "1e2,",
        "^ 10,",   "!!10,10", "pct:5,5",  "w,",      "^pct:",   "pct::50",  "10;10",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char url[128];
        snprintf(url, sizeof url, "full/%s/0/default.jpg", bad[i]);
        fails_quoting(url, 1000, 800, 400, "iiif.err.size_", bad[i]);
    }
}

/* ---- rotation ---- */

static void test_rotation(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        bool mirror;
        double deg;
        const char *canon;
    } cases[] = {
        {"0", false, 0, "0"},          {"90", false, 90, "90"},
        {"180", false, 180, "180"},    {"270", false, 270, "270"},
        {"22.5", false, 22.5, "22.5"}, {"22.50", false, 22.5, "22.5"},
        {"022.5", false, 22.5, "22.5"}, {"0.0", false, 0, "0"},
        {"90.000", false, 90, "90"},   {".5", false, 0.5, "0.5"},
        {"5.", false, 5, "5"},
        /* kept to a tenth of a degree, halves up, so near values share a key */
        {"359.999", false, 0, "0"},    {"359.95", false, 0, "0"},
        {"359.94", false, 359.9, "359.9"}, {"22.25", false, 22.3, "22.3"},
        {"22.2499", false, 22.2, "22.2"}, {"89.96", false, 90, "90"},
        {"0.04", false, 0, "0"},       {"0.05", false, 0.1, "0.1"},
        {"!359.99", true, 0, "!0"},    {"45.123456789", false, 45.1, "45.1"},
        {"360", false, 0, "0"},        {"360.0", false, 0, "0"},
        {"!0", true, 0, "!0"},         {"!90", true, 90, "!90"},
        {"!360", true, 0, "!0"},       {"!22.5", true, 22.5, "!22.5"},
        {"!0345", true, 345, "!345"},  {"0000000000000000000000000000090", false, 90, "90"},
        /* beyond 18 decimals a double holds nothing; both value and text stop there */
        {"0.0000000000000000001", false, 0, "0"},
        {"359.99999999999999999", false, 0, "0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char url[128], want[128];
        snprintf(url, sizeof url, "full/max/%s/default.jpg", cases[i].in);
        vcm_iiif_req r = ok(url, 1000, 800, &nolimits);
        if (r.mirror != cases[i].mirror || r.rotation != cases[i].deg)
            fail_msg("rotation '%s': mirror %d, %.17g degrees", cases[i].in, r.mirror,
                     r.rotation);
        assert_true(r.rotation >= 0 && r.rotation < 360);
        snprintf(want, sizeof want, "full/max/%s/default.jpg", cases[i].canon);
        canon_is(url, 1000, 800, want);
    }
}

static void test_rotation_errors(void **state)
{
    (void)state;
    fails("full/max/361/default.jpg", 1000, 800, 400, "iiif.err.rotation_range|361");
    fails("full/max/360.1/default.jpg", 1000, 800, 400, "iiif.err.rotation_range|360.1");
    fails("full/max/!720/default.jpg", 1000, 800, 400, "iiif.err.rotation_range|!720");
    fails("full/max/123456789012345678901234567890123/default.jpg", 1000, 800, 400,
          "iiif.err.rotation_number_long|123456789012345678901234567890123|32");
    static const char *const bad[] = {
        "",    "!",      "!!90",  "-90",   "+90",  "90 ",  " 90", "1e2",   "nan",  "inf",
        "NaN", "90deg",  "0x5A",  "1,5",   "..5",  ".",    "9..", "90!",   "!-0",  "- 0",
        "¼",   "90\t",   "1.2.3", "!+90",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char url[128];
        snprintf(url, sizeof url, "full/max/%s/default.jpg", bad[i]);
        fails_quoting(url, 1000, 800, 400, "iiif.err.rotation_", bad[i]);
    }
}

/* ---- quality and format ---- */

static void test_quality_and_format(void **state)
{
    (void)state;
    static const struct {
        const char *qf;
        vcm_iiif_quality q;
        vcm_iiif_format f;
    } cases[] = {
        {"default.jpg", VCM_IIIF_DEFAULT, VCM_IIIF_JPG},
        {"color.png", VCM_IIIF_COLOR, VCM_IIIF_PNG},
        {"gray.webp", VCM_IIIF_GRAY, VCM_IIIF_WEBP},
        {"bitonal.tif", VCM_IIIF_BITONAL, VCM_IIIF_TIF},
        {"default.png", VCM_IIIF_DEFAULT, VCM_IIIF_PNG},
        {"color.jpg", VCM_IIIF_COLOR, VCM_IIIF_JPG},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char url[128], want[128];
        snprintf(url, sizeof url, "full/max/0/%s", cases[i].qf);
        vcm_iiif_req r = ok(url, 1000, 800, &nolimits);
        assert_int_equal(r.quality, cases[i].q);
        assert_int_equal(r.format, cases[i].f);
        snprintf(want, sizeof want, "full/max/0/%s", cases[i].qf);
        canon_is(url, 1000, 800, want);
    }
    fails("full/max/0/default.gif", 1000, 800, 501, "iiif.err.format_not_made|default.gif");
    fails("full/max/0/default.jp2", 1000, 800, 501, "iiif.err.format_not_made|default.jp2");
    fails("full/max/0/color.pdf", 1000, 800, 501, "iiif.err.format_not_made|color.pdf");
    fails("full/max/0/default", 1000, 800, 400, "iiif.err.no_format|default");
    fails("full/max/0/defaultjpg", 1000, 800, 400, "iiif.err.no_format|defaultjpg");
    fails("full/max/0/default.", 1000, 800, 400, "iiif.err.format|default.");
    fails("full/max/0/default.bmp", 1000, 800, 400, "iiif.err.format|default.bmp");
    fails("full/max/0/default.JPG", 1000, 800, 400, "iiif.err.format|default.JPG");
    fails("full/max/0/default.jpeg", 1000, 800, 400, "iiif.err.format|default.jpeg");
    fails("full/max/0/default.jpg ", 1000, 800, 400, "iiif.err.format|default.jpg ");
    fails("full/max/0/default.GIF", 1000, 800, 400, "iiif.err.format|default.GIF");
    fails("full/max/0/.jpg", 1000, 800, 400, "iiif.err.quality|.jpg");
    fails("full/max/0/sepia.jpg", 1000, 800, 400, "iiif.err.quality|sepia.jpg");
    fails("full/max/0/grey.jpg", 1000, 800, 400, "iiif.err.quality|grey.jpg");
    fails("full/max/0/Default.jpg", 1000, 800, 400, "iiif.err.quality|Default.jpg");
    fails("full/max/0/default.jpg.png", 1000, 800, 400, "iiif.err.quality|default.jpg.png");
    fails("full/max/0/ default.jpg", 1000, 800, 400, "iiif.err.quality| default.jpg");
    /* A bad quality is 400 even with a format this server does not make. */
    fails("full/max/0/sepia.gif", 1000, 800, 400, "iiif.err.quality|sepia.gif");
}

static void test_helpers(void **state)
{
    (void)state;
    assert_string_equal(vcm_iiif_format_ext(VCM_IIIF_JPG), "jpg");
    assert_string_equal(vcm_iiif_format_ext(VCM_IIIF_PNG), "png");
    assert_string_equal(vcm_iiif_format_ext(VCM_IIIF_WEBP), "webp");
    assert_string_equal(vcm_iiif_format_ext(VCM_IIIF_TIF), "tif");
    assert_string_equal(vcm_iiif_format_mime(VCM_IIIF_JPG), "image/jpeg");
    assert_string_equal(vcm_iiif_format_mime(VCM_IIIF_PNG), "image/png");
    assert_string_equal(vcm_iiif_format_mime(VCM_IIIF_WEBP), "image/webp");
    assert_string_equal(vcm_iiif_format_mime(VCM_IIIF_TIF), "image/tiff");
    assert_string_equal(vcm_iiif_quality_name(VCM_IIIF_DEFAULT), "default");
    assert_string_equal(vcm_iiif_quality_name(VCM_IIIF_COLOR), "color");
    assert_string_equal(vcm_iiif_quality_name(VCM_IIIF_GRAY), "gray");
    assert_string_equal(vcm_iiif_quality_name(VCM_IIIF_BITONAL), "bitonal");
    /* values outside the enums do not read outside the tables */
    assert_string_equal(vcm_iiif_format_ext((vcm_iiif_format)99), "");
    assert_string_equal(vcm_iiif_format_mime((vcm_iiif_format)-1), "application/octet-stream");
    assert_string_equal(vcm_iiif_quality_name((vcm_iiif_quality)4), "");
}

/* ---- canonical forms (4.8) ---- */

static void test_canonical(void **state)
{
    (void)state;
    canon_is("full/max/0/default.jpg", 1000, 800, "full/max/0/default.jpg");
    canon_is("0,0,1000,800/1000,/360/default.jpg", 1000, 800, "full/max/0/default.jpg");
    canon_is("pct:0,0,100,100/,800/0.0/default.jpg", 1000, 800, "full/max/0/default.jpg");
    canon_is("0,0,4000,4000/pct:100/0/default.jpg", 1000, 800, "full/max/0/default.jpg");
    canon_is("full/^1000,800/0/default.jpg", 1000, 800, "full/max/0/default.jpg");
    canon_is("full/^max/0/default.jpg", 1000, 800, "full/max/0/default.jpg");
    canon_is("full/!2000,2000/0/default.jpg", 1000, 800, "full/max/0/default.jpg");
    canon_is("square/max/0/default.jpg", 1000, 800, "100,0,800,800/max/0/default.jpg");
    canon_is("125,15,200,200/max/0/gray.png", 300, 200, "125,15,175,185/max/0/gray.png");
    canon_is("pct:41.6,7.5,40,70/90,/!345/gray.jpg", 300, 200,
             "125,15,120,140/90,105/!345/gray.jpg");
    canon_is("full/pct:50/22.50/color.png", 1000, 800, "full/500,400/22.5/color.png");
    canon_is("full/^2000,/0/default.webp", 1000, 800, "full/^2000,1600/0/default.webp");
    canon_is("full/^!2000,2000/0/default.jpg", 1000, 800, "full/^2000,1600/0/default.jpg");
    canon_is("full/^500,900/0/default.jpg", 1000, 800, "full/^500,900/0/default.jpg");
    canon_is("full/!500,500/!090.0/bitonal.tif", 1000, 800, "full/500,400/!90/bitonal.tif");
    canon_is("full/300,200/0/default.jpg", 1000, 800, "full/300,200/0/default.jpg");
    canon_is("0,0,512,512/256,/0/default.jpg", 1000, 800, "0,0,512,512/256,256/0/default.jpg");
    canon_is("768,768,512,512/,16/0/default.jpg", 1000, 800,
             "768,768,232,32/116,16/0/default.jpg");
    canon_is("full/4,/0/default.jpg", 7, 3, "full/4,2/0/default.jpg");
    canon_is("full/7,/0/default.jpg", 7, 3, "full/max/0/default.jpg");

    const vcm_iiif_limits big = {2000, 1000, 0}, w500 = {500, 0, 0};
    canon_is_l("full/^max/0/default.jpg", 1000, 800, &big, "full/^max/0/default.jpg");
    canon_is_l("full/^1250,/0/default.jpg", 1000, 800, &big, "full/^max/0/default.jpg");
    canon_is_l("full/^1250,1000/0/default.jpg", 1000, 800, &big, "full/^max/0/default.jpg");
    canon_is_l("full/^1200,/0/default.jpg", 1000, 800, &big, "full/^1200,960/0/default.jpg");
    canon_is_l("full/500,/0/default.jpg", 1000, 800, &w500, "full/max/0/default.jpg");
    canon_is_l("full/max/0/default.jpg", 1000, 800, &w500, "full/max/0/default.jpg");
    canon_is_l("full/400,/0/default.jpg", 1000, 800, &w500, "full/400,320/0/default.jpg");
    canon_is_l("full/^max/0/default.jpg", 1000, 800, &w500, "full/max/0/default.jpg");

    /* The longest canonical form there is still fits. */
    canon_is("0,1,2147483646,2147483646/^2147483647,1/!359.94/bitonal.webp",
             2147483647, 2147483647,
             "0,1,2147483646,2147483646/^2147483647,1/!359.9/bitonal.webp");
    /* rotations that round alike are one key */
    canon_is("full/max/90.0/default.jpg", 1000, 800, "full/max/90/default.jpg");
    canon_is("full/max/359.999/default.jpg", 1000, 800, "full/max/0/default.jpg");
    canon_is("full/max/12.34567/default.jpg", 1000, 800, "full/max/12.3/default.jpg");
}

/* ---- the error channel ---- */

static void test_errors_are_safe_to_show(void **state)
{
    (void)state;
    vcm_iiif_req r;
    vcm_iiif_msg err;
    char text[400];
    /* quotes, control bytes and UTF-8 come back as '?', long input is cut */
    assert_int_equal(vcm_iiif_parse("a'b\n<\xc3\xa9>", "max", "0", "default.jpg", 10, 10, NULL,
                                    &r, &err),
                     400);
    assert_string_equal(said(&err, text, sizeof text), "iiif.err.region_form|a?b?<?" "?>");
    char longseg[300];
    memset(longseg, 'x', sizeof longseg - 1);
    longseg[sizeof longseg - 1] = '\0';
    assert_int_equal(vcm_iiif_parse("full", longseg, "0", "default.jpg", 10, 10, NULL, &r, &err),
                     400);
    assert_string_equal(said(&err, text, sizeof text),
                        "iiif.err.size_form|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...");
    assert_int_equal(strlen(err.arg[0]), 40);

    /* no message wanted is allowed, and no result wanted */
    assert_int_equal(vcm_iiif_parse("full", "0,", "0", "default.jpg", 10, 10, NULL, &r, NULL),
                     400);
    assert_int_equal(vcm_iiif_parse("full", "max", "0", "default.jpg", 10, 10, NULL, NULL, &err),
                     0);

    /* success leaves no message */
    assert_int_equal(vcm_iiif_parse("full", "0,", "0", "default.jpg", 10, 10, NULL, &r, &err), 400);
    assert_int_equal(vcm_iiif_parse("full", "max", "0", "default.jpg", 10, 10, NULL, &r, &err), 0);
    assert_null(err.key);
    assert_int_equal(err.nargs, 0);

    /* the image itself must have pixels: that is the caller's fault */
    assert_int_equal(vcm_iiif_parse("full", "max", "0", "default.jpg", 0, 10, NULL, &r, &err), 500);
    assert_string_equal(said(&err, text, sizeof text), "iiif.err.no_size|0|10");
    assert_int_equal(vcm_iiif_parse("full", "max", "0", "default.jpg", 10, -1, NULL, &r, &err),
                     500);
    assert_string_equal(said(&err, text, sizeof text), "iiif.err.no_size|10|-1");
    assert_int_equal(vcm_iiif_parse(NULL, "max", "0", "default.jpg", 10, 10, NULL, &r, &err), 400);
    assert_string_equal(said(&err, text, sizeof text), "iiif.err.segments");

    /* the first bad segment from the left is the one reported */
    assert_int_equal(vcm_iiif_parse("0,0,0,0", "0,", "-1", "x.gif", 10, 10, NULL, &r, &err), 400);
    assert_string_equal(said(&err, text, sizeof text), "iiif.err.region_zero_width|0,0,0,0");
    assert_int_equal(vcm_iiif_parse("full", "max", "400", "default.gif", 10, 10, NULL, &r, &err),
                     400);
    assert_string_equal(said(&err, text, sizeof text), "iiif.err.rotation_range|400");
}

/* Every message the parser can give is in the English catalogue, with a
 * place for each of its arguments ({1} … {n}) and for no other: a key
 * missing from locale/vcm.pot would reach the visitor as the key itself. */
static void test_every_message_is_in_the_catalogue(void **state)
{
    (void)state;
    char err[300];
    assert_int_equal(vcm_i18n_load_builtin(err, sizeof err), 0);
    assert_true(vcm_iiif_nmsg_defs >= 30);
    for (size_t i = 0; i < vcm_iiif_nmsg_defs; i++) {
        const vcm_iiif_msg_def *d = &vcm_iiif_msg_defs[i];
        assert_int_equal(strncmp(d->key, "iiif.err.", 9), 0);
        assert_true(strlen(d->args) <= VCM_IIIF_MSG_ARGS);
        for (size_t k = 0; k < i; k++)
            if (strcmp(vcm_iiif_msg_defs[k].key, d->key) == 0)
                fail_msg("%s is in the table twice", d->key);
        const char *t = vcm_t("en", d->key);
        if (strcmp(t, d->key) == 0)
            fail_msg("%s is not in locale/vcm.pot", d->key);
        for (int n = 1; n <= 9; n++) {
            char place[4] = {'{', (char)('0' + n), '}', '\0'};
            bool wanted = (size_t)n <= strlen(d->args);
            if (wanted != (strstr(t, place) != NULL))
                fail_msg("%s: the text \"%s\" %s %s", d->key, t,
                         wanted ? "does not show" : "has no argument for", place);
        }
    }
    vcm_i18n_free();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_region_full_and_pixels),
        cmocka_unit_test(test_region_clipped_at_edges),
        cmocka_unit_test(test_region_square),
        cmocka_unit_test(test_region_percent),
        cmocka_unit_test(test_region_errors),
        cmocka_unit_test(test_size_max),
        cmocka_unit_test(test_size_width_height_forms),
        cmocka_unit_test(test_size_rounding_on_7x3),
        cmocka_unit_test(test_size_percent),
        cmocka_unit_test(test_size_best_fit),
        cmocka_unit_test(test_size_upscaling),
        cmocka_unit_test(test_size_limits),
        cmocka_unit_test(test_size_errors),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_rotation_errors),
        cmocka_unit_test(test_quality_and_format),
        cmocka_unit_test(test_helpers),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_errors_are_safe_to_show),
        cmocka_unit_test(test_every_message_is_in_the_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
