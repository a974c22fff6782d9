/* libFuzzer target for the IIIF Image API request parser (src/iiif/request.c).
 * Build with `make fuzz`; run:
 *   build/fuzz/iiif_request -max_total_time=60 fuzz/corpus/iiif_request
 *
 * The input is the four segments region, size, rotation and quality.format
 * separated by NUL bytes (missing ones are empty). Each input is resolved
 * against a few images and limits, from 1 x 1 to 2147483647 wide, and beyond
 * "no crash" the target checks what the image pipeline relies on:
 *   success: 0 <= rx, ry; rw, rh > 0; the region inside the image; w, h >= 1
 *            and within every limit; without '^' not above the region;
 *            0 <= rotation < 360; the canonical form parses back to the same
 *            request and the same canonical form;
 *   failure: status 400, 501 or 500 (500 only for an image without pixels),
 *            *out all zero, and a message the catalogue knows: a key of
 *            vcm_iiif_msg_defs with as many arguments as its row says, each
 *            NUL-terminated, at most 40 bytes of printable ASCII without a
 *            quote, a whole number where the row says 'l';
 *   success: no message. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iiif/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
    int w, h;
    vcm_iiif_limits l;
} images[] = {
    {1000, 800, {0, 0, 0}},
    {7, 3, {0, 0, 0}},
    {3, 7, {4, 4, 10}},
    {1, 1, {0, 0, 0}},
    {6000, 4000, {3000, 2000, 4000000}},
    {2147483647, 1, {0, 0, 1000}},
    {1, 2147483647, {100000, 0, 0}},
    {2147483647, 2147483647, {0, 0, 0}},
    {0, 5, {0, 0, 0}},
};

static bool split_canonical(char *c, char *seg[4])
{
    seg[0] = c;
    for (int i = 1; i < 4; i++) {
        char *slash = strchr(seg[i - 1], '/');
        if (!slash)
            return false;
        *slash = '\0';
        seg[i] = slash + 1;
    }
    return strchr(seg[3], '/') == NULL;
}

/* The message of a failed parse, as vcm_iiif_parse promises it. */
static void check_msg(const vcm_iiif_msg *m)
{
    const vcm_iiif_msg_def *d = NULL;
    for (size_t i = 0; i < vcm_iiif_nmsg_defs && !d; i++)
        if (m->key == vcm_iiif_msg_defs[i].key)
            d = &vcm_iiif_msg_defs[i];
    if (!d || m->nargs != (int)strlen(d->args) || m->nargs > VCM_IIIF_MSG_ARGS)
        abort();
    for (int i = 0; i < m->nargs; i++) {
        const char *a = m->arg[i];
        size_t n = strnlen(a, VCM_IIIF_MSG_ARGLEN);
        if (n > 40)
            abort();
        for (size_t k = 0; k < n; k++)
            if (a[k] < 0x20 || a[k] >= 0x7F || a[k] == '\'')
                abort();
        if (d->args[i] == 'l') {
            size_t k = a[0] == '-';
            if (k == n)
                abort();
            for (; k < n; k++)
                if (a[k] < '0' || a[k] > '9')
                    abort();
        }
    }
}

static void check(const char *seg[4], int W, int H, const vcm_iiif_limits *L)
{
    vcm_iiif_req r;
    vcm_iiif_msg err;
    memset(&err, 0xA5, sizeof err);
    int st = vcm_iiif_parse(seg[0], seg[1], seg[2], seg[3], W, H, L, &r, &err);
    if (st != 0) {
        if (st != 400 && st != 501 && !(st == 500 && (W <= 0 || H <= 0)))
            abort();
        static const vcm_iiif_req zero;
        if (memcmp(&r, &zero, sizeof r) != 0)
            abort();
        check_msg(&err);
        return;
    }
    if (err.key != NULL || err.nargs != 0)
        abort();
    if (W <= 0 || H <= 0)
        abort();
    if (r.rx < 0 || r.ry < 0 || r.rw <= 0 || r.rh <= 0)
        abort();
    if ((int64_t)r.rx + r.rw > W || (int64_t)r.ry + r.rh > H)
        abort();
    if (r.w < 1 || r.h < 1)
        abort();
    if (L->max_width > 0 && r.w > L->max_width)
        abort();
    if (L->max_height > 0 && r.h > L->max_height)
        abort();
    if (L->max_area > 0 && (int64_t)r.w * r.h > L->max_area)
        abort();
    if (seg[1][0] != '^' && (r.w > r.rw || r.h > r.rh))
        abort();
    if (!(r.rotation >= 0 && r.rotation < 360))
        abort();
    if ((unsigned)r.quality > VCM_IIIF_BITONAL || (unsigned)r.format > VCM_IIIF_TIF)
        abort();
    size_t n = strnlen(r.canonical, sizeof r.canonical);
    if (n == 0 || n == sizeof r.canonical)
        abort();

    char c[sizeof r.canonical];
    char *cs[4];
    memcpy(c, r.canonical, n + 1);
    if (!split_canonical(c, cs))
        abort();
    vcm_iiif_req again;
    if (vcm_iiif_parse(cs[0], cs[1], cs[2], cs[3], W, H, L, &again, &err) != 0)
        abort();
    if (again.rx != r.rx || again.ry != r.ry || again.rw != r.rw || again.rh != r.rh ||
        again.w != r.w || again.h != r.h || again.mirror != r.mirror ||
        again.rotation != r.rotation || again.quality != r.quality || again.format != r.format ||
        strcmp(again.canonical, r.canonical) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *seg[4] = {"", "", "", ""};
    char *p = buf, *end = buf + size;
    for (int i = 0; i < 4 && p <= end; i++) {
        seg[i] = p;
        p += strlen(p) + 1;
    }
    for (size_t i = 0; i < sizeof images / sizeof images[0]; i++)
        check(seg, images[i].w, images[i].h, &images[i].l);
    free(buf);
    return 0;
}
