/* The static export of the site (vcm export-site, docs/preservation.md).
 *
 * Every public page is rendered in process, through the same router and
 * handlers as vcm serve (http/router.h, vcm_router_run), and written as a
 * file whose links are rewritten relative, so the export works from any
 * static host, under any path prefix, and from file://.
 *
 * URL to file (vcm_site_file):
 *   /                      index.html
 *   /ko/objects/3          ko/objects/3/index.html
 *   /objects/3.jsonld      objects/3.jsonld        (a last segment with a dot)
 *   /api/v1/objects/3      api/v1/objects/3.json
 *   /browse?page=2&museum=4  browse/~q/museum=4~page=2/index.html
 * A query becomes one segment "~q/" then its pairs sorted by name, each
 * name=value with every byte but [A-Za-z0-9] written _XX (hex), joined by
 * "~"; so one page has one file whatever the order of its parameters.
 *
 * Incremental: DIR/.vcm-export lists each file written with the fingerprint
 * of what it was made from and the objects it depends on; a later export
 * renders again only the files whose fingerprint changed, and deletes the
 * files it no longer produces. */
#ifndef VCM_WEB_SITE_H
#define VCM_WEB_SITE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct vcm_app;
struct vcm_router;
struct vcm_store;

/* ---- pure parts (fuzz/site_links.c) ---- */

/* The file of a root-relative target "/path?query" (no fragment), relative
 * to the export's folder and URL-encoded as a link writes it (the file's
 * name on disk is its percent-decoding, vcm_site_decode). Returns 0 and
 * fills out, or -1 when the target has no file: not starting with '/', an
 * empty, "." or ".." segment, a bad escape, an escape of '/', NUL or a
 * control byte, a segment longer than 200 bytes. */
int vcm_site_file(const char *target, vcm_buf *out);

/* Percent-decodes a link of vcm_site_file into the file name on disk. -1 on
 * a bad escape or a decoded '/', NUL or control byte. */
int vcm_site_decode(const char *link, vcm_buf *out);

/* The link from the page in file from to the file to (both as
 * vcm_site_file gives them): "../../objects/3/index.html". */
int vcm_site_relative(const char *from, const char *to, vcm_buf *out);

/* Decides a URL found in an attribute: url is the attribute's value with its
 * character references decoded (NUL-terminated), tag the element's name and
 * attr the attribute's, both in lower case ("" for a tag too long). Returns 1 with the new URL in out (written back escaped),
 * 0 to keep the value as it is, -1 to drop it (the attribute, or the item
 * of a srcset or of a space-separated list). */
typedef int (*vcm_site_resolve_fn)(void *ud, const char *tag, const char *attr, const char *url,
                                   vcm_buf *out);

/* Copies the HTML in html (len bytes, any bytes) to out, passing the URLs of
 * the attributes href, src, action, poster, srcset (each item) and
 * data-info (each of its space-separated URLs) to fn. Comments, and the
 * text of script and style elements, are copied as they are. With fn always
 * 0 the output equals the input. -1 when out is full (toobig) or fn fails
 * (-2 from fn). */
int vcm_site_rewrite(const char *html, size_t len, vcm_site_resolve_fn fn, void *ud,
                     vcm_buf *out);

/* ---- the export ---- */

/* One export: what it is given, and its counts. */
typedef struct vcm_site_export {
    const char *dir;            /* the export's folder (made when missing) */
    const char *base_url;       /* the URL it will be served from, no trailing '/' */
    const char *const *langs;   /* interface languages to write, "en" first or not */
    size_t nlangs;
    bool full;                  /* render everything again */
    bool quiet;                 /* no progress on stderr */
    struct vcm_app *app;        /* initialised on the store to export */
    struct vcm_router *router;  /* the app's routes (vcm_app_routes) */
    struct vcm_store *store;    /* for the fingerprints */
    /* counts, filled by vcm_site_export_pages */
    long rendered, kept, written, removed, skipped;
    long long bytes;            /* of the files written, or kept */
    long files;                 /* in the export after it */
} vcm_site_export;

/* Writes the pages, the API's object documents, the static files and the
 * sitemap of x into x->dir, as the file comment says, nothing under
 * DIR/iiif/ nor DIR/search/ (nor DIR/LANG/search/): the IIIF and search
 * exports write those. 0, or -1 with a message in err. */
int vcm_site_export_pages(vcm_site_export *x, char *err, size_t errlen);
#endif
