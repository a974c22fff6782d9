/* Images sent by a museum for one of its entries (multipart/form-data, the
 * field "image"): checked by their bytes, ingested by the imaging pipeline
 * (iiif/image.h: the original kept, a pyramid made, every pixel decoded
 * first) and registered for the entry's record. Used by the editor page
 * (dashboard.c) and the write API (write_api.c) alike, so both refuse the
 * same things with the same messages. */
#ifndef VCM_WEB_UPLOAD_H
#define VCM_WEB_UPLOAD_H
#include <stddef.h>
#include <stdint.h>

#include "http/multipart.h"
#include "web/web.h"

/* Bytes of one image at most. The server's --max-body bounds a request
 * before this: it must be raised to take images this large. */
#define VCM_UPLOAD_MAX ((size_t)32 << 20)
#define VCM_UPLOAD_FIELD "image"

/* What the first bytes say an image is: "jpeg", "png", "tiff", "webp",
 * "jp2k", or NULL for anything else. Pure; fuzzed by fuzz/upload.c. */
const char *vcm_image_sniff(const void *data, size_t n);

typedef struct vcm_upload {
    int status;       /* 0 done; else the HTTP status of the refusal */
    const char *why;  /* the catalogue key of the refusal */
    char identifier[128]; /* the image's IIIF identifier when done */
    char message[2400];   /* for the log */
} vcm_upload;

/* Takes the file part named VCM_UPLOAD_FIELD of mp as an image of record
 * object_id (of entry entry_id) with rights (a URI, may be NULL: the
 * record's). Refusals, with nothing stored: no such part or not a file
 * (400 upload.no_file), empty (400 upload.empty), over VCM_UPLOAD_MAX
 * (413 upload.too_big), not an image by its bytes (415 upload.not_image),
 * an image libvips cannot read through (422 upload.unreadable). Returns 0
 * with u->status 0 or the refusal, -1 when the store or the disk failed
 * (u->message says why). */
int vcm_upload_image(vcm_req *req, vcm_store *s, const vcm_multipart *mp, int64_t entry_id,
                     int64_t object_id, const char *rights, vcm_upload *u);
#endif
