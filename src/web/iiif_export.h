/* The IIIF part of a static export: every published image as Image API 3.0
 * level-0 files (info.json, the tiles a viewer asks for, whole images at the
 * sizes viewers and the site's pages ask for), the Presentation 3.0
 * manifests and collections the live server publishes, and the viewers'
 * scripts, written as plain files at the live server's paths under a
 * folder, so that any static file server answers what /iiif/... answers.
 *
 * The bytes of every image file are what the live server sends for the
 * same URL: the same parser resolves it (iiif/request.h), and the same
 * stored tile or render makes it (iiif/image.h). Incremental: a record per
 * image in DIR/iiif/.vcm-state (docs/preservation.md); an image whose
 * original and export parameters are unchanged is left as it is. */
#ifndef VCM_WEB_IIIF_EXPORT_H
#define VCM_WEB_IIIF_EXPORT_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "store/store.h"

typedef struct vcm_iiif_export_opts {
    const char *dir; /* the export's root folder (made when missing) */
    bool full;       /* redo every image, whatever the state says */
    FILE *progress;  /* a line per image made; NULL: none */
} vcm_iiif_export_opts;

typedef struct vcm_iiif_export_stats {
    int64_t images;      /* published images now in the export */
    int64_t made;        /* of them, written by this run */
    int64_t kept;        /* of them, unchanged since the last run and left */
    int64_t removed;     /* images of an earlier run no longer published: deleted */
    int64_t refused;     /* identifiers that cannot be a file name (listed on stderr) */
    int64_t files;       /* image files written by this run (links included) */
    int64_t bytes;       /* bytes of those, links counted once */
    int64_t manifests;   /* manifests written (changed or new) */
    int64_t collections; /* collection documents written (changed or new) */
} vcm_iiif_export_stats;

/* Writes the IIIF part of the export into o->dir from the store s, as of
 * now: DIR/iiif/{identifier}/..., DIR/iiif/manifest/{id},
 * DIR/iiif/collection/..., DIR/static/{osd,mirador}/..., DIR/static/viewer.js
 * and DIR/viewer/index.html (Mirador on the manifest named by its query).
 * cfg->base_url must be the absolute http(s) URL the folder will be served
 * at: every id written names it. The message catalogue must be loaded
 * (vcm_web_catalogues) and libvips started (vcm_iiif_init).
 *
 * Files of images, manifests and collections no longer published are
 * deleted; a document whose bytes are unchanged is not rewritten (its
 * modification time stays). Returns 0 and fills st, or -1 with a message
 * in err; what was written before the failure stays, and the next run
 * completes it. */
int vcm_iiif_export(const vcm_config *cfg, vcm_store *s, const vcm_iiif_export_opts *o,
                    vcm_iiif_export_stats *st, char *err, size_t errlen);

/* Whether url is one vcm_iiif_export accepts as a base: http:// or
 * https://, a host, an optional path, no query, fragment, space or
 * trailing slash. */
bool vcm_iiif_export_base_ok(const char *url);
#endif
