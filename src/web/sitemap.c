/* The sitemap (sitemaps.org protocol) and robots.txt: every public page,
 * for search engines.
 *
 * The public pages are, in this order: the home page, browse, the museums
 * and the countries lists, each region that has a museum, each museum, each
 * country that has a museum (the same lists /museums and /countries show),
 * then each published object in id order with its updated time as
 * <lastmod>. Drafts and withdrawn records are not public and never listed.
 *
 * A sitemap file holds at most web.sitemap_urls URLs (50,000, the
 * protocol's ceiling, unless the option lowers it). /sitemap.xml is the
 * list itself while everything fits in one file; past that it is a sitemap
 * index naming /sitemaps/1.xml … /sitemaps/N.xml, which cut the same
 * sequence into consecutive pieces of that size. Any /sitemaps/K.xml with K
 * from 1 to N answers (the one piece when it all fits); others are 404.
 *
 * The pages before the objects name their versions in every interface
 * language (core/langs.h) as xhtml:link alternates, the prefixed homes
 * among them; an object's <url> does not, since 39 links for each of
 * 50,000 objects would pass the protocol's 50 MB a file: its page says
 * them itself (<link rel="alternate" hreflang>).
 *
 * Objects are read from the store a page of ids at a time (ids and updated
 * times only, a seek from the last id read), so a file of 50,000 objects
 * never holds more than one page of them beside the text written. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web/web.h"
#include "core/banned.h"

#define STAMP_PAGE 1000
#define SITEMAP_NS "http://www.sitemaps.org/schemas/sitemap/0.9"
#define XHTML_NS "http://www.w3.org/1999/xhtml"

/* The pages before the objects: paths from the site's root. */
typedef struct fixed {
    const char **paths;
    size_t n;
} fixed;

static int fixed_pages(vcm_req *req, vcm_store *s, fixed *out)
{
    vcm_museum *ms;
    vcm_country *cs;
    size_t nm, nc;
    if (s->ops->museum_list(s, req->arena, "", &ms, &nm) < 0 ||
        s->ops->country_list(s, req->arena, true, &cs, &nc) < 0)
        return -1;
    static const char *const lists[] = {"/", "/browse", "/museums", "/countries"};
    size_t nl = sizeof lists / sizeof lists[0], cap = nl + 3 + nm + nc;
    out->paths = vcm_arena_calloc(req->arena, cap, sizeof *out->paths);
    if (!out->paths)
        return vcm_store_fail(s, "out of memory listing the site's pages");
    out->n = 0;
    for (size_t i = 0; i < nl; i++)
        out->paths[out->n++] = lists[i];
    const vcm_region regions[] = {VCM_REGION_ASIA, VCM_REGION_EUROPE, VCM_REGION_OTHER};
    for (size_t r = 0; r < 3; r++)
        for (size_t i = 0; i < nc; i++)
            if (cs[i].region == regions[r]) {
                out->paths[out->n++] = vcm_arena_printf(req->arena, "/regions/%s",
                                                        vcm_region_name(regions[r]));
                break;
            }
    for (size_t i = 0; i < nm; i++)
        out->paths[out->n++] = vcm_arena_printf(req->arena, "/museums/%lld", (long long)ms[i].id);
    for (size_t i = 0; i < nc; i++)
        out->paths[out->n++] = vcm_arena_printf(req->arena, "/countries/%s", cs[i].code);
    for (size_t i = 0; i < out->n; i++)
        if (!out->paths[i])
            return vcm_store_fail(s, "out of memory listing the site's pages");
    return 0;
}

/* One xhtml:link alternate: the page at path in language code (NULL: the
 * x-default, which is English's address). */
static void put_alternate(vcm_buf *b, const char *base, const char *path, const vcm_lang *l)
{
    bool plain = !l || strcmp(l->code, VCM_LANG_DEFAULT) == 0;
    vcm_buf_printf(b, "<xhtml:link rel=\"alternate\" hreflang=\"%s\" href=\"",
                   l ? l->tag : "x-default");
    vcm_buf_html(b, base, strlen(base));
    if (!plain)
        vcm_buf_printf(b, "/%s", l->code);
    if (plain || strcmp(path, "/") != 0)
        vcm_buf_html(b, path, strlen(path));
    else
        vcm_buf_putc(b, '/');
    vcm_buf_puts(b, "\"/>");
}

/* <url> with base + path (escaped for XML) and, when updated > 0, <lastmod>;
 * with alternates, the page's address in every language. */
static void put_url(vcm_buf *b, const char *base, const char *path, int64_t updated,
                    bool alternates)
{
    vcm_buf_puts(b, "<url><loc>");
    vcm_buf_html(b, base, strlen(base));
    vcm_buf_html(b, path, strlen(path));
    vcm_buf_puts(b, "</loc>");
    if (alternates) {
        for (size_t i = 0; i < vcm_lang_count(); i++)
            put_alternate(b, base, path, vcm_lang_at(i));
        put_alternate(b, base, path, NULL);
    }
    if (updated > 0) {
        time_t t = (time_t)updated;
        struct tm tm;
        char stamp[32];
        if (gmtime_r(&t, &tm) && strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm))
            vcm_buf_printf(b, "<lastmod>%s</lastmod>", stamp);
    }
    vcm_buf_puts(b, "</url>\n");
}

/* The objects from the offset-th published one, count of them, as <url>s. */
static int put_objects(vcm_store *s, vcm_buf *b, const char *base,
                       int64_t offset, int64_t count)
{
    int64_t ids[STAMP_PAGE], updated[STAMP_PAGE], after = 0;
    while (count > 0) {
        size_t n, want = count < STAMP_PAGE ? (size_t)count : STAMP_PAGE;
        if (s->ops->object_stamps(s, after, offset, ids, updated, want, &n) < 0)
            return -1;
        if (n == 0)
            break; /* fewer than counted: withdrawn since */
        for (size_t i = 0; i < n; i++) {
            char path[40];
            snprintf(path, sizeof path, "/objects/%lld", (long long)ids[i]);
            put_url(b, base, path, updated[i], false);
        }
        after = ids[n - 1];
        offset = 0;
        count -= (int64_t)n;
    }
    return 0;
}

/* The URLs from index first (0-based over the whole sequence), at most
 * limit of them, as a <urlset>. */
static int put_urlset(vcm_req *req, vcm_store *s, vcm_buf *b, const fixed *fx,
                      int64_t objects, int64_t first, int64_t limit)
{
    const char *base = vcm_web_base(req);
    int64_t total = (int64_t)fx->n + objects;
    int64_t end = first + limit < total ? first + limit : total;
    vcm_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"" SITEMAP_NS
                    "\" xmlns:xhtml=\"" XHTML_NS "\">\n");
    for (int64_t i = first; i < end && i < (int64_t)fx->n; i++)
        put_url(b, base, fx->paths[i], 0, true);
    int64_t ofirst = first > (int64_t)fx->n ? first - (int64_t)fx->n : 0;
    int64_t oend = end - (int64_t)fx->n;
    if (oend > ofirst && put_objects(s, b, base, ofirst, oend - ofirst) < 0)
        return -1;
    vcm_buf_puts(b, "</urlset>\n");
    return 0;
}

static void put_index(vcm_req *req, vcm_buf *b, int64_t files)
{
    const char *base = vcm_web_base(req);
    vcm_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"" SITEMAP_NS
                    "\">\n");
    for (int64_t k = 1; k <= files; k++) {
        vcm_buf_puts(b, "<sitemap><loc>");
        vcm_buf_html(b, base, strlen(base));
        vcm_buf_printf(b, "/sitemaps/%lld.xml</loc></sitemap>\n", (long long)k);
    }
    vcm_buf_puts(b, "</sitemapindex>\n");
}

/* file 0: /sitemap.xml; K: /sitemaps/K.xml. */
static int answer(vcm_req *req, vcm_resp *resp, int64_t file)
{
    vcm_store *s = vcm_web_store(req, resp);
    if (!s)
        return 0;
    vcm_stats st;
    fixed fx = {0};
    if (s->ops->stats(s, &st) < 0 || fixed_pages(req, s, &fx) < 0)
        return vcm_web_store_error(req, resp, s);
    int64_t limit = vcm_web_app(req)->web.sitemap_urls;
    if (limit <= 0)
        limit = VCM_SITEMAP_URLS;
    int64_t total = (int64_t)fx.n + st.objects;
    int64_t files = (total + limit - 1) / limit;
    if (file > files)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "sitemap.missing"));
    resp->content_type = "application/xml; charset=utf-8";
    int r;
    if (file == 0 && files > 1) {
        put_index(req, &resp->body, files);
        r = 0;
    } else {
        int64_t first = file > 0 ? (file - 1) * limit : 0;
        r = put_urlset(req, s, &resp->body, &fx, st.objects, first, limit);
    }
    if (r < 0) {
        vcm_buf_reset(&resp->body);
        resp->content_type = NULL;
        return vcm_web_store_error(req, resp, s);
    }
    return resp->body.toobig ? -1 : 0;
}

int vcm_sitemap(vcm_req *req, vcm_resp *resp)
{
    return answer(req, resp, 0);
}

int vcm_sitemap_file(vcm_req *req, vcm_resp *resp)
{
    /* "K.xml" with K a number from 1, without leading zeros: nothing else
     * names a file, so each has one URL */
    const char *v = vcm_req_param(req, "file");
    const char *dot = v ? strchr(v, '.') : NULL;
    int64_t k = 0;
    if (dot && strcmp(dot, ".xml") == 0 && dot - v <= 18 && v[0] != '0') {
        char num[20];
        memcpy(num, v, (size_t)(dot - v));
        num[dot - v] = '\0';
        k = vcm_web_id(num);
    }
    if (k <= 0)
        return vcm_web_error(req, resp, 404, vcm_web_t(req, "sitemap.missing"));
    return answer(req, resp, k);
}

int vcm_robots(vcm_req *req, vcm_resp *resp)
{
    resp->content_type = "text/plain; charset=utf-8";
    vcm_buf_puts(&resp->body, "User-agent: *\nAllow: /\n\nSitemap: ");
    vcm_buf_puts(&resp->body, vcm_web_base(req));
    vcm_buf_puts(&resp->body, "/sitemap.xml\n");
    return resp->body.toobig ? -1 : 0;
}
