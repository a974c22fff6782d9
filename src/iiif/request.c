/* IIIF Image API 3.0 request parameters (https://iiif.io/api/image/3.0/,
 * sections 4.1-4.8 and 7.2), parsed and resolved against one image.
 *
 * Design
 *
 * The four segments are read in URL order (region, size, rotation,
 * quality.format) and the first error wins, so a client fixing its request
 * from the left sees one message at a time. A message is a catalogue key
 * and its arguments, not a sentence: the parser stays pure (no catalogue,
 * no language), and whoever shows it says it in the reader's language
 * from locale/LANG.tsv. Every error is 400 except a format the
 * specification names but this server does not make (gif, jp2, pdf),
 * which is 501; the caller treats an unexpected width or height (not
 * positive) as its own fault, 500.
 *
 * Syntax is strict: pixel values are unsigned decimal integers that fit in
 * an int; percentages and rotations are decimal numbers of digits and at
 * most one '.', no sign, no exponent, no spaces, at most NUM_MAX characters.
 * The spec says floats SHOULD have a leading 0 and SHOULD NOT have trailing
 * zeros; those are recommendations to clients, so "0.50", ".5" and "5." are
 * read (and written canonically as "0.5", "0.5", "5"). Numbers are parsed
 * here, not with strtod, so the process locale cannot change what a URL
 * means, and a number's value comes from its normalised digits only, so a
 * canonical URI parses back to exactly the same request.
 *
 * Rounding. Percent regions round each edge value on its own
 * (x = round(px * width / 100), w = round(pw * width / 100), at least 1
 * when pw > 0), then clip; the spec's example pct:41.6,7.5,66.6,100 of a
 * 300 x 200 image gives 125,15,175,185 as it says. Sizes that keep the
 * aspect ratio compute the other side as round(w * rh / rw) in integers,
 * at least 1. Sizes fitted into a box (max, ^max, !w,h, ^!w,h) take the
 * largest size along the region's longer side whose rounded other side
 * still fits the box and the area limit, so max never exceeds a limit.
 *
 * Limits. maxWidth, maxHeight and maxArea cap the forms the spec says are
 * "as large as possible" (max, ^max, !w,h, ^!w,h); every other form that
 * comes out above a limit is an error. With no limit at all, ^max is the
 * region's own size: there is nothing to scale up to.
 *
 * Canonical form (4.8): region "full" when the clipped region is the whole
 * image, else its clipped "x,y,w,h"; size "max" when the result equals
 * what max gives, "^max" when it equals an upscaled ^max, else "w,h", or
 * "^w,h" when it is larger than the region in either dimension; rotation
 * "!" when mirrored, then the number rounded to a tenth of a degree and
 * written shortest ("90.0" is 90; 360, and 359.96, are 0); the
 * quality as requested; the format. Equal results therefore have one key
 * in the derivative cache. */
#include "iiif/request.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/banned.h"

#define NUM_MAX 32 /* longest decimal number read, in characters */

enum num { NUM_OK, NUM_BAD, NUM_BIG };

/* A decimal number: its value and its normalised text (no leading zeros
 * before the point but one, no trailing zeros after it, no lone point). */
typedef struct decimal {
    double v;
    char text[NUM_MAX + 2];
} decimal;

/* Every message the parser can give, in the order of enum msg. */
const vcm_iiif_msg_def vcm_iiif_msg_defs[] = {
    {"iiif.err.no_size", "ll"},
    {"iiif.err.segments", ""},
    {"iiif.err.region_form", "s"},
    {"iiif.err.region_pct_form", "s"},
    {"iiif.err.region_pct_numbers", "s"},
    {"iiif.err.region_pixel_numbers", "s"},
    {"iiif.err.region_number_long", "sl"},
    {"iiif.err.region_number_big", "s"},
    {"iiif.err.region_zero_width", "s"},
    {"iiif.err.region_zero_height", "s"},
    {"iiif.err.region_outside", "sll"},
    {"iiif.err.size_form", "s"},
    {"iiif.err.size_full", "ss"},
    {"iiif.err.size_pct_form", "s"},
    {"iiif.err.size_pixel_numbers", "s"},
    {"iiif.err.size_number_long", "sl"},
    {"iiif.err.size_number_big", "s"},
    {"iiif.err.size_zero", "s"},
    {"iiif.err.size_zero_width", "s"},
    {"iiif.err.size_zero_height", "s"},
    {"iiif.err.size_pct_upscale", "ss"},
    {"iiif.err.size_below_pixel", "sll"},
    {"iiif.err.size_wider_upscale", "sll"},
    {"iiif.err.size_higher_upscale", "sll"},
    {"iiif.err.size_larger_upscale", "sllll"},
    {"iiif.err.size_too_large", "s"},
    {"iiif.err.size_over_width", "sl"},
    {"iiif.err.size_over_height", "sl"},
    {"iiif.err.size_over_area", "slll"},
    {"iiif.err.rotation_form", "s"},
    {"iiif.err.rotation_number_long", "sl"},
    {"iiif.err.rotation_range", "s"},
    {"iiif.err.no_format", "s"},
    {"iiif.err.quality", "s"},
    {"iiif.err.format", "s"},
    {"iiif.err.format_not_made", "s"},
};
const size_t vcm_iiif_nmsg_defs = sizeof vcm_iiif_msg_defs / sizeof vcm_iiif_msg_defs[0];

enum msg {
    M_NO_SIZE, M_SEGMENTS,
    M_REGION_FORM, M_REGION_PCT_FORM, M_REGION_PCT_NUMBERS, M_REGION_PIXEL_NUMBERS,
    M_REGION_NUMBER_LONG, M_REGION_NUMBER_BIG, M_REGION_ZERO_WIDTH, M_REGION_ZERO_HEIGHT,
    M_REGION_OUTSIDE,
    M_SIZE_FORM, M_SIZE_FULL, M_SIZE_PCT_FORM, M_SIZE_PIXEL_NUMBERS, M_SIZE_NUMBER_LONG,
    M_SIZE_NUMBER_BIG, M_SIZE_ZERO, M_SIZE_ZERO_WIDTH, M_SIZE_ZERO_HEIGHT, M_SIZE_PCT_UPSCALE,
    M_SIZE_BELOW_PIXEL, M_SIZE_WIDER_UPSCALE, M_SIZE_HIGHER_UPSCALE, M_SIZE_LARGER_UPSCALE,
    M_SIZE_TOO_LARGE, M_SIZE_OVER_WIDTH, M_SIZE_OVER_HEIGHT, M_SIZE_OVER_AREA,
    M_ROTATION_FORM, M_ROTATION_NUMBER_LONG, M_ROTATION_RANGE,
    M_NO_FORMAT, M_QUALITY, M_FORMAT, M_FORMAT_NOT_MADE,
    M_COUNT
};

static_assert(M_COUNT == sizeof vcm_iiif_msg_defs / sizeof vcm_iiif_msg_defs[0],
              "one catalogue key per message");

typedef struct ctx {
    vcm_iiif_msg *err;
} ctx;

/* Reports message id with its arguments, read as the row's types say: a
 * string (an already quoted segment, or a normalised number) for 's', a
 * long long for 'l'. Returns status. */
static int fail(ctx *c, int status, enum msg id, ...)
{
    if (!c->err)
        return status;
    const vcm_iiif_msg_def *d = &vcm_iiif_msg_defs[id];
    assert(strlen(d->args) <= VCM_IIIF_MSG_ARGS);
    va_list ap;
    va_start(ap, id);
    c->err->key = d->key;
    c->err->nargs = 0;
    for (const char *t = d->args; *t; t++) {
        char *a = c->err->arg[c->err->nargs++];
        if (*t == 's')
            snprintf(a, VCM_IIIF_MSG_ARGLEN, "%s", va_arg(ap, const char *));
        else
            snprintf(a, VCM_IIIF_MSG_ARGLEN, "%lld", va_arg(ap, long long));
    }
    va_end(ap);
    return status;
}

/* A segment made fit to quote in a one-line message (as its argument): at
 * most 40 bytes, anything but printable ASCII (and the quote itself) shown
 * as '?', so a log line cannot be split or forged. It is not HTML-escaped: a page that
 * shows the message escapes it like any other text. */
static void quote(char *q, size_t qlen, const char *s)
{
    size_t n = strlen(s), o = 0;
    bool cut = n > 40;
    if (cut)
        n = 37;
    for (size_t i = 0; i < n && o + 1 < qlen; i++) {
        unsigned char ch = (unsigned char)s[i];
        q[o++] = ch >= 0x20 && ch < 0x7F && ch != '\'' ? (char)ch : '?';
    }
    for (int i = 0; cut && i < 3 && o + 1 < qlen; i++)
        q[o++] = '.';
    q[o] = '\0';
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* s[0..n) as a non-negative int: digits only, at least one. */
static enum num parse_int(const char *s, size_t n, int *v)
{
    if (n == 0)
        return NUM_BAD;
    int64_t x = 0;
    bool big = false;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return NUM_BAD;
        if (!big) {
            x = x * 10 + (s[i] - '0');
            big = x > INT_MAX;
        }
    }
    if (big)
        return NUM_BIG;
    *v = (int)x;
    return NUM_OK;
}

/* s[0..n) as a decimal number: digits with at most one '.', at least one
 * digit, at most NUM_MAX characters. */
static enum num parse_dec(const char *s, size_t n, decimal *d)
{
    size_t dot = n, digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (dot != n)
                return NUM_BAD;
            dot = i;
        } else if (is_digit(s[i])) {
            digits++;
        } else {
            return NUM_BAD;
        }
    }
    if (digits == 0)
        return NUM_BAD;
    if (n > NUM_MAX)
        return NUM_BIG;
    size_t i0 = 0, f1 = n;
    while (i0 + 1 < dot && s[i0] == '0')
        i0++;
    if (dot < n) {
        /* Only the first 18 fraction digits count: a double holds no more,
         * and text and value must say the same. */
        if (f1 > dot + 1 + 18)
            f1 = dot + 1 + 18;
        while (f1 > dot + 1 && s[f1 - 1] == '0')
            f1--;
    }
    size_t o = 0;
    double v = 0;
    if (i0 == dot) { /* ".5" */
        d->text[o++] = '0';
    }
    for (size_t i = i0; i < dot; i++) {
        d->text[o++] = s[i];
        v = v * 10 + (s[i] - '0');
    }
    if (dot < n && f1 > dot + 1) {
        static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                     1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                                     1e14, 1e15, 1e16, 1e17, 1e18};
        uint64_t m = 0;
        size_t k = 0;
        d->text[o++] = '.';
        for (size_t i = dot + 1; i < f1; i++, k++) {
            d->text[o++] = s[i];
            m = m * 10 + (uint64_t)(s[i] - '0');
        }
        v += (double)m / p10[k];
    }
    assert(o <= NUM_MAX + 1);
    d->text[o] = '\0';
    d->v = v;
    return NUM_OK;
}

/* Splits s at commas into exactly n parts (start, length); false when the
 * number of commas differs. */
static bool split(const char *s, size_t n, const char *part[], size_t len[])
{
    size_t k = 0;
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        if (k == n - 1) {
            if (comma)
                return false;
            part[k] = p;
            len[k] = strlen(p);
            return true;
        }
        if (!comma)
            return false;
        part[k] = p;
        len[k] = (size_t)(comma - p);
        k++;
        p = comma + 1;
    }
}

/* The other side of a size that keeps the aspect ratio ra:rb when one side
 * is a: round(a * rb / ra), at least 1. a, ra and rb are at most INT_MAX,
 * so 2 * a * rb + ra fits in 64 bits. */
static int64_t other_side(int64_t a, int64_t ra, int64_t rb)
{
    assert(a >= 1 && ra >= 1 && rb >= 1 && a <= INT_MAX && rb <= INT_MAX);
    uint64_t b = (2 * (uint64_t)a * (uint64_t)rb + (uint64_t)ra) / (2 * (uint64_t)ra);
    return b < 1 ? 1 : (int64_t)b;
}

/* Largest major side a <= amax of a region ra:rb (ra >= rb) such that the
 * other side b fits bb and a * b fits area. Both grow with a, so this is a
 * binary search; a square-root estimate is not enough, because rounding the
 * small side can move the answer far from it (a 2147483647 x 1 image). */
static void fit_major(int64_t ra, int64_t rb, int64_t amax, int64_t bb, int64_t area,
                      int64_t *a, int64_t *b)
{
    int64_t lo = 1, hi = amax; /* lo always fits: its other side is 1 */
    assert(other_side(1, ra, rb) == 1);
    while (lo < hi) {
        int64_t mid = lo + (hi - lo + 1) / 2, o = other_side(mid, ra, rb);
        if (o <= bb && mid * o <= area)
            lo = mid;
        else
            hi = mid - 1;
    }
    *a = lo;
    *b = other_side(lo, ra, rb);
}

/* The largest size with the aspect ratio of rw x rh that fits bw x bh and
 * the area (all at least 1). */
static void fit(int rw, int rh, int64_t bw, int64_t bh, int64_t area, int *w, int *h)
{
    assert(rw >= 1 && rh >= 1 && bw >= 1 && bh >= 1 && area >= 1);
    assert(bw <= INT_MAX && bh <= INT_MAX);
    int64_t a, b;
    /* Box first: the side that binds is exact, the other rounded. */
    if (bw * rh <= bh * rw) {
        a = bw;
        b = other_side(bw, rw, rh);
    } else {
        b = bh;
        a = other_side(bh, rh, rw);
    }
    if (a * b > area) {
        if (rw >= rh)
            fit_major(rw, rh, a, bh, area, &a, &b);
        else
            fit_major(rh, rw, b, bw, area, &b, &a);
    }
    assert(a >= 1 && b >= 1 && a <= bw && b <= bh && a * b <= area);
    *w = (int)a;
    *h = (int)b;
}

typedef struct lim {
    int64_t w, h, area; /* INT_MAX, INT_MAX, INT64_MAX when there is no limit */
    bool any;
} lim;

static lim limits_of(const vcm_iiif_limits *l)
{
    lim r = {INT_MAX, INT_MAX, INT64_MAX, false};
    if (l && l->max_width > 0)
        r.w = l->max_width, r.any = true;
    if (l && l->max_height > 0)
        r.h = l->max_height, r.any = true;
    if (l && l->max_area > 0)
        r.area = l->max_area, r.any = true;
    return r;
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* What max gives: the region, scaled down into the limits. */
static void size_max(int rw, int rh, const lim *L, int *w, int *h)
{
    fit(rw, rh, min64(rw, L->w), min64(rh, L->h), L->area, w, h);
}

/* What ^max gives: the region scaled, up or down, to the limits. */
static void size_upmax(int rw, int rh, const lim *L, int *w, int *h)
{
    if (!L->any) {
        *w = rw;
        *h = rh;
        return;
    }
    fit(rw, rh, L->w, L->h, L->area, w, h);
}

/* ---- region (4.1) ---- */

static int parse_region(ctx *c, const char *s, const char *q, int W, int H, int r[4])
{
    if (strcmp(s, "full") == 0) {
        r[0] = 0, r[1] = 0, r[2] = W, r[3] = H;
        return 0;
    }
    if (strcmp(s, "square") == 0) {
        int side = W < H ? W : H;
        r[0] = (W - side) / 2, r[1] = (H - side) / 2, r[2] = side, r[3] = side;
        return 0;
    }
    const char *part[4];
    size_t len[4];
    if (strncmp(s, "pct:", 4) == 0) {
        decimal d[4];
        if (!split(s + 4, 4, part, len))
            return fail(c, 400, M_REGION_PCT_FORM, q);
        for (int i = 0; i < 4; i++) {
            enum num e = parse_dec(part[i], len[i], &d[i]);
            if (e == NUM_BIG)
                return fail(c, 400, M_REGION_NUMBER_LONG, q, (long long)NUM_MAX);
            if (e != NUM_OK)
                return fail(c, 400, M_REGION_PCT_NUMBERS, q);
        }
        if (d[2].v == 0 || d[3].v == 0)
            return fail(c, 400, d[2].v == 0 ? M_REGION_ZERO_WIDTH : M_REGION_ZERO_HEIGHT, q);
        int size[2] = {W, H};
        for (int k = 0; k < 2; k++) {
            double at = floor(d[k].v * size[k] / 100 + 0.5);
            double ext = floor(d[k + 2].v * size[k] / 100 + 0.5);
            if (at >= size[k])
                return fail(c, 400, M_REGION_OUTSIDE, q, (long long)W, (long long)H);
            if (ext < 1)
                ext = 1;
            if (ext > size[k] - at)
                ext = size[k] - at;
            r[k] = (int)at;
            r[k + 2] = (int)ext;
        }
        return 0;
    }
    int v[4];
    if (!split(s, 4, part, len))
        return fail(c, 400, M_REGION_FORM, q);
    for (int i = 0; i < 4; i++) {
        enum num e = parse_int(part[i], len[i], &v[i]);
        if (e == NUM_BIG)
            return fail(c, 400, M_REGION_NUMBER_BIG, q);
        if (e != NUM_OK)
            return fail(c, 400, M_REGION_PIXEL_NUMBERS, q);
    }
    if (v[2] == 0 || v[3] == 0)
        return fail(c, 400, v[2] == 0 ? M_REGION_ZERO_WIDTH : M_REGION_ZERO_HEIGHT, q);
    if (v[0] >= W || v[1] >= H)
        return fail(c, 400, M_REGION_OUTSIDE, q, (long long)W, (long long)H);
    r[0] = v[0], r[1] = v[1];
    r[2] = (int)min64(v[2], (int64_t)W - v[0]);
    r[3] = (int)min64(v[3], (int64_t)H - v[1]);
    return 0;
}

/* ---- size (4.2) ---- */

static int over_limits(ctx *c, const char *q, int64_t w, int64_t h, const lim *L)
{
    if (w > L->w)
        return fail(c, 400, M_SIZE_OVER_WIDTH, q, (long long)L->w);
    if (h > L->h)
        return fail(c, 400, M_SIZE_OVER_HEIGHT, q, (long long)L->h);
    if (w * h > L->area)
        return fail(c, 400, M_SIZE_OVER_AREA, q, (long long)w, (long long)h,
                    (long long)L->area);
    return 0;
}

static int parse_size(ctx *c, const char *s, const char *q, int rw, int rh, const lim *L,
                      int *w, int *h)
{
    bool up = s[0] == '^';
    const char *t = s + up;
    if (strcmp(t, "max") == 0) {
        if (up)
            size_upmax(rw, rh, L, w, h);
        else
            size_max(rw, rh, L, w, h);
        return 0;
    }
    if (strcmp(t, "full") == 0)
        return fail(c, 400, M_SIZE_FULL, q, up ? "^max" : "max");
    if (strncmp(t, "pct:", 4) == 0) {
        decimal n;
        enum num e = parse_dec(t + 4, strlen(t + 4), &n);
        if (e == NUM_BIG)
            return fail(c, 400, M_SIZE_NUMBER_LONG, q, (long long)NUM_MAX);
        if (e != NUM_OK)
            return fail(c, 400, M_SIZE_PCT_FORM, q);
        if (n.v == 0)
            return fail(c, 400, M_SIZE_ZERO, q);
        if (!up && n.v > 100)
            return fail(c, 400, M_SIZE_PCT_UPSCALE, q, n.text);
        double fw = floor(rw * n.v / 100 + 0.5), fh = floor(rh * n.v / 100 + 0.5);
        if (fw < 1 && fh < 1)
            return fail(c, 400, M_SIZE_BELOW_PIXEL, q, (long long)rw, (long long)rh);
        if (fw > INT_MAX || fh > INT_MAX)
            return fail(c, 400, M_SIZE_TOO_LARGE, q);
        int64_t a = fw < 1 ? 1 : (int64_t)fw, b = fh < 1 ? 1 : (int64_t)fh;
        int st = over_limits(c, q, a, b, L);
        if (st)
            return st;
        *w = (int)a, *h = (int)b;
        return 0;
    }
    bool bang = t[0] == '!';
    t += bang;
    const char *part[2];
    size_t len[2];
    int v[2] = {0, 0};
    if (!split(t, 2, part, len) || (len[0] == 0 && len[1] == 0) ||
        (bang && (len[0] == 0 || len[1] == 0)))
        return fail(c, 400, M_SIZE_FORM, q);
    for (int i = 0; i < 2; i++) {
        if (len[i] == 0)
            continue;
        enum num e = parse_int(part[i], len[i], &v[i]);
        if (e == NUM_BIG)
            return fail(c, 400, M_SIZE_NUMBER_BIG, q);
        if (e != NUM_OK)
            return fail(c, 400, M_SIZE_PIXEL_NUMBERS, q);
        if (v[i] == 0)
            return fail(c, 400, i == 0 ? M_SIZE_ZERO_WIDTH : M_SIZE_ZERO_HEIGHT, q);
    }
    if (bang) {
        /* "As large as possible but not larger than the extracted region
         * (without ^), w or h, or server-imposed limits". */
        int64_t bw = min64(v[0], L->w), bh = min64(v[1], L->h);
        if (!up)
            bw = min64(bw, rw), bh = min64(bh, rh);
        fit(rw, rh, bw, bh, L->area, w, h);
        return 0;
    }
    int64_t a, b;
    if (len[1] == 0) { /* w, */
        if (!up && v[0] > rw)
            return fail(c, 400, M_SIZE_WIDER_UPSCALE, q, (long long)rw, (long long)v[0]);
        a = v[0], b = other_side(v[0], rw, rh);
    } else if (len[0] == 0) { /* ,h */
        if (!up && v[1] > rh)
            return fail(c, 400, M_SIZE_HIGHER_UPSCALE, q, (long long)rh, (long long)v[1]);
        b = v[1], a = other_side(v[1], rh, rw);
    } else { /* w,h */
        if (!up && (v[0] > rw || v[1] > rh))
            return fail(c, 400, M_SIZE_LARGER_UPSCALE, q, (long long)rw, (long long)rh,
                        (long long)v[0], (long long)v[1]);
        a = v[0], b = v[1];
    }
    if (a > INT_MAX || b > INT_MAX)
        return fail(c, 400, M_SIZE_TOO_LARGE, q);
    int st = over_limits(c, q, a, b, L);
    if (st)
        return st;
    *w = (int)a, *h = (int)b;
    return 0;
}

/* ---- rotation (4.3) ---- */

/* A rotation is kept to ROT_STEPS_PER_DEGREE steps per degree, rounded to
 * the nearest (halves up), because every distinct value is a distinct
 * image in the derivative cache: 359.999 would otherwise be a new key for
 * what is, at any size a viewer shows, the same picture as 0. The rounding
 * is done on the decimal digits, so it is exact ("22.25" is 22.3). */
#define ROT_STEPS_PER_DEGREE 10

static int parse_rotation(ctx *c, const char *s, const char *q, bool *mirror, double *deg,
                          char *text, size_t textlen)
{
    decimal d;
    *mirror = s[0] == '!';
    const char *t = s + *mirror;
    enum num e = parse_dec(t, strlen(t), &d);
    if (e == NUM_BIG)
        return fail(c, 400, M_ROTATION_NUMBER_LONG, q, (long long)NUM_MAX);
    if (e != NUM_OK)
        return fail(c, 400, M_ROTATION_FORM, q);
    if (d.v > 360)
        return fail(c, 400, M_ROTATION_RANGE, q);
    /* d.text is normalised: digits, then '.' and at least one digit or
     * nothing; the value is at most 360, so the whole part fits. */
    long steps = 0;
    const char *p = d.text;
    for (; *p && *p != '.'; p++)
        steps = steps * 10 + (*p - '0');
    steps *= ROT_STEPS_PER_DEGREE;
    if (*p == '.') {
        if (p[1])
            steps += p[1] - '0';
        if (p[1] && p[2] >= '5')
            steps++;
    }
    /* 360 turns as far as 0, and so does what rounds to it (359.96). */
    if (steps >= 360L * ROT_STEPS_PER_DEGREE)
        steps = 0;
    assert(steps >= 0 && steps < 360L * ROT_STEPS_PER_DEGREE);
    *deg = (double)steps / ROT_STEPS_PER_DEGREE;
    int whole = (int)(steps / ROT_STEPS_PER_DEGREE), tenth = (int)(steps % ROT_STEPS_PER_DEGREE);
    if (tenth)
        snprintf(text, textlen, "%d.%d", whole % 1000, tenth);
    else
        snprintf(text, textlen, "%d", whole % 1000);
    return 0;
}

/* ---- quality and format (4.4, 4.5) ---- */

static const char *const quality_names[] = {"default", "color", "gray", "bitonal"};
static const char *const format_exts[] = {"jpg", "png", "webp", "tif"};
static const char *const format_mimes[] = {"image/jpeg", "image/png", "image/webp", "image/tiff"};

static int parse_quality_format(ctx *c, const char *s, const char *q, vcm_iiif_quality *quality,
                                vcm_iiif_format *format)
{
    const char *dot = strrchr(s, '.');
    if (!dot)
        return fail(c, 400, M_NO_FORMAT, q);
    size_t qn = (size_t)(dot - s);
    const char *f = dot + 1;
    int qi = -1, fi = -1;
    for (int i = 0; i < 4; i++)
        if (strlen(quality_names[i]) == qn && memcmp(s, quality_names[i], qn) == 0)
            qi = i;
    if (qi < 0)
        return fail(c, 400, M_QUALITY, q);
    for (int i = 0; i < 4; i++)
        if (strcmp(f, format_exts[i]) == 0)
            fi = i;
    if (fi < 0) {
        if (strcmp(f, "gif") == 0 || strcmp(f, "jp2") == 0 || strcmp(f, "pdf") == 0)
            return fail(c, 501, M_FORMAT_NOT_MADE, q);
        return fail(c, 400, M_FORMAT, q);
    }
    *quality = (vcm_iiif_quality)qi;
    *format = (vcm_iiif_format)fi;
    return 0;
}

int vcm_iiif_parse(const char *region, const char *size, const char *rotation,
                   const char *quality_format, int width, int height,
                   const vcm_iiif_limits *limits, vcm_iiif_req *out, vcm_iiif_msg *err)
{
    ctx c = {err};
    vcm_iiif_req r;
    lim L = limits_of(limits);
    char q[48], rs[48], ss[32], rot_text[8] = "0";
    int reg[4], mw, mh, uw, uh, n, st;
    bool upscaled;

    memset(&r, 0, sizeof r);
    if (err)
        memset(err, 0, sizeof *err);
    if (width <= 0 || height <= 0) {
        st = fail(&c, 500, M_NO_SIZE, (long long)width, (long long)height);
        goto out;
    }
    if (!region || !size || !rotation || !quality_format) {
        st = fail(&c, 400, M_SEGMENTS);
        goto out;
    }

    quote(q, sizeof q, region);
    if ((st = parse_region(&c, region, q, width, height, reg)) != 0)
        goto out;
    r.rx = reg[0], r.ry = reg[1], r.rw = reg[2], r.rh = reg[3];

    quote(q, sizeof q, size);
    if ((st = parse_size(&c, size, q, r.rw, r.rh, &L, &r.w, &r.h)) != 0)
        goto out;

    quote(q, sizeof q, rotation);
    if ((st = parse_rotation(&c, rotation, q, &r.mirror, &r.rotation, rot_text,
                             sizeof rot_text)) != 0)
        goto out;

    quote(q, sizeof q, quality_format);
    if ((st = parse_quality_format(&c, quality_format, q, &r.quality, &r.format)) != 0)
        goto out;

    if (r.rx == 0 && r.ry == 0 && r.rw == width && r.rh == height)
        snprintf(rs, sizeof rs, "full");
    else
        snprintf(rs, sizeof rs, "%d,%d,%d,%d", r.rx, r.ry, r.rw, r.rh);
    size_max(r.rw, r.rh, &L, &mw, &mh);
    size_upmax(r.rw, r.rh, &L, &uw, &uh);
    upscaled = r.w > r.rw || r.h > r.rh;
    if (r.w == mw && r.h == mh)
        snprintf(ss, sizeof ss, "max");
    else if (upscaled && r.w == uw && r.h == uh)
        snprintf(ss, sizeof ss, "^max");
    else
        snprintf(ss, sizeof ss, "%s%d,%d", upscaled ? "^" : "", r.w, r.h);
    n = snprintf(r.canonical, sizeof r.canonical, "%s/%s/%s%s/%s.%s", rs, ss,
                 r.mirror ? "!" : "", rot_text, quality_names[r.quality], format_exts[r.format]);
    /* Region 43 + size 22 + rotation 1 + 5 + quality 7 + format 4
     * + 4 separators: always fits in 160. */
    assert(n > 0 && (size_t)n < sizeof r.canonical);
    (void)n;

    assert(r.rx >= 0 && r.ry >= 0 && r.rw > 0 && r.rh > 0);
    assert((int64_t)r.rx + r.rw <= width && (int64_t)r.ry + r.rh <= height);
    assert(r.w >= 1 && r.h >= 1 && r.w <= L.w && r.h <= L.h && (int64_t)r.w * r.h <= L.area);
    assert(r.rotation >= 0 && r.rotation < 360);
    st = 0;
out:
    if (st != 0)
        memset(&r, 0, sizeof r);
    if (out)
        *out = r;
    return st;
}

const char *vcm_iiif_format_ext(vcm_iiif_format f)
{
    return (unsigned)f < 4 ? format_exts[f] : "";
}

const char *vcm_iiif_format_mime(vcm_iiif_format f)
{
    return (unsigned)f < 4 ? format_mimes[f] : "application/octet-stream";
}

const char *vcm_iiif_quality_name(vcm_iiif_quality q)
{
    return (unsigned)q < 4 ? quality_names[q] : "";
}
