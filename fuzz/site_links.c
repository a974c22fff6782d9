/* libFuzzer target for the static export's pure parts (src/web/site.c): the
 * input's first line is a URL target for vcm_site_file, the rest a page
 * whose links vcm_site_rewrite rewrites. Checks beyond "no crash": a file
 * named is relative, has no empty, "." or ".." segment and decodes; a link
 * from it to itself is its last segment; kept links give the page back
 * byte for byte, and dropped links never make it longer.
 * Build with `make fuzz`; run: build/fuzz/site_links -max_total_time=60 fuzz/corpus/site_links */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int keep(void *ud, const char *tag, const char *attr, const char *url, vcm_buf *out)
{
    (void)ud;
    (void)tag;
    (void)attr;
    (void)url;
    (void)out;
    return 0;
}

static int drop(void *ud, const char *tag, const char *attr, const char *url, vcm_buf *out)
{
    (void)ud;
    (void)tag;
    (void)attr;
    (void)url;
    (void)out;
    return -1;
}

/* every URL made longer, with the characters an attribute must escape */
static int swap(void *ud, const char *tag, const char *attr, const char *url, vcm_buf *out)
{
    (void)ud;
    if (!tag || !attr || !url)
        abort();
    vcm_buf_puts(out, "x\"<&>");
    vcm_buf_puts(out, url);
    return 1;
}

static void check_file(const char *target)
{
    vcm_buf f, d, r;
    vcm_buf_init(&f, 1 << 16);
    vcm_buf_init(&d, 1 << 16);
    vcm_buf_init(&r, 1 << 16);
    if (vcm_site_file(target, &f) == 0) {
        const char *s = f.data ? f.data : "";
        if (s[0] == '/' || strstr(s, "//") || !strcmp(s, "..") || !strncmp(s, "../", 3) ||
            strstr(s, "/../") || strstr(s, "/./") || (f.len >= 3 && !strcmp(s + f.len - 3, "/..")))
            abort();
        if (vcm_site_decode(s, &d) < 0 || memchr(d.data ? d.data : "", '\0', d.len))
            abort();
        if (vcm_site_relative(s, s, &r) < 0)
            abort();
        const char *last = strrchr(s, '/');
        if (strcmp(r.data ? r.data : "", last ? last + 1 : s) != 0)
            abort();
    }
    vcm_buf_release(&f);
    vcm_buf_release(&d);
    vcm_buf_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    const char *nl = memchr(in, '\n', size);
    size_t tl = nl ? (size_t)(nl - in) : size;
    char *target = malloc(tl + 1);
    if (!target)
        return 0;
    memcpy(target, in, tl);
    target[tl] = '\0';
    if (!memchr(target, '\0', tl))
        check_file(target);
    free(target);
    const char *html = nl ? nl + 1 : in + size;
    size_t hl = size - (size_t)(html - in);
    vcm_buf out;
    vcm_buf_init(&out, 1 << 22);
    if (vcm_site_rewrite(html, hl, keep, NULL, &out) < 0 || out.len != hl ||
        (hl && memcmp(out.data, html, hl) != 0))
        abort();
    vcm_buf_reset(&out);
    if (vcm_site_rewrite(html, hl, drop, NULL, &out) == 0 && out.len > hl)
        abort();
    vcm_buf_reset(&out);
    (void)vcm_site_rewrite(html, hl, swap, NULL, &out);
    vcm_buf_release(&out);
    return 0;
}
