/* Image uploads (upload.h).
 *
 * The bytes go to a temporary file in the media folder (same file system
 * as the pyramids, so nothing big crosses devices), the pipeline ingests it
 * and the file is removed whatever happened. An image is registered only
 * once it is fully ingested: a refusal leaves no row, and the pipeline
 * leaves no file. The identifier is the entry's number and the start of the
 * image's SHA-256, so the same image sent twice for one entry is one image,
 * and no identifier can shadow a route of the image server. The image is
 * held (not public) until the editors publish a version of the entry that
 * lists it (vcm_entry_transition). */
#include "web/upload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "iiif/image.h"
#include "core/banned.h"

const char *vcm_image_sniff(const void *data, size_t n)
{
    const unsigned char *p = data;
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return "jpeg";
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "png";
    if (n >= 4 && (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0))
        return "tiff";
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return "webp";
    if (n >= 12 && memcmp(p, "\0\0\0\x0cjP  \r\n\x87\n", 12) == 0)
        return "jp2k";
    if (n >= 4 && memcmp(p, "\xff\x4f\xff\x51", 4) == 0)
        return "jp2k"; /* a bare codestream */
    return NULL;
}

static int refuse(vcm_upload *u, int status, const char *why)
{
    u->status = status;
    u->why = why;
    return 0;
}

/* Writes n bytes to a new temporary file under dir; its path in path. */
static int write_temp(const char *dir, const char *data, size_t n, char *path, size_t size)
{
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return -1;
    if ((size_t)snprintf(path, size, "%s/upload-XXXXXX", dir) >= size)
        return -1;
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, data + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            unlink(path);
            return -1;
        }
        done += (size_t)w;
    }
    if (close(fd) < 0) {
        unlink(path);
        return -1;
    }
    return 0;
}

int vcm_upload_image(vcm_req *req, vcm_store *s, const vcm_multipart *mp, int64_t entry_id,
                     int64_t object_id, const char *rights, vcm_upload *u)
{
    memset(u, 0, sizeof *u);
    const vcm_mp_part *p = mp ? vcm_multipart_get(mp, VCM_UPLOAD_FIELD) : NULL;
    if (!p || !p->filename)
        return refuse(u, 400, "upload.no_file");
    if (p->len == 0)
        return refuse(u, 400, "upload.empty");
    if (p->len > VCM_UPLOAD_MAX)
        return refuse(u, 413, "upload.too_big");
    if (!vcm_image_sniff(p->data, p->len))
        return refuse(u, 415, "upload.not_image");
    const char *media = vcm_web_app(req)->cfg->media;
    char tmpdir[1100], tmp[1200], err[1024];
    snprintf(tmpdir, sizeof tmpdir, "%s/uploads", media);
    if (mkdir(media, 0755) < 0 && errno != EEXIST) {
        snprintf(u->message, sizeof u->message, "cannot create '%s': %s", media, strerror(errno));
        return -1;
    }
    if (write_temp(tmpdir, p->data, p->len, tmp, sizeof tmp) < 0) {
        snprintf(u->message, sizeof u->message, "cannot write an upload under '%s': %s", tmpdir,
                 strerror(errno));
        return -1;
    }
    vcm_iiif_media im;
    int r = vcm_iiif_ingest(tmp, media, NULL, &im, err, sizeof err);
    unlink(tmp);
    if (r < 0) {
        snprintf(u->message, sizeof u->message, "%s", err);
        vcm_info("upload refused", "entry=%lld why=\"%s\"", (long long)entry_id, err);
        return refuse(u, 422, "upload.unreadable");
    }
    snprintf(u->identifier, sizeof u->identifier, "e%lld-%.12s", (long long)entry_id, im.sha256);
    vcm_media existing;
    int64_t existing_oid;
    r = s->ops->media_find(s, req->arena, u->identifier, &existing, &existing_oid);
    if (r < 0)
        goto store_failed;
    if (r == 1)
        return 0; /* sent before: the same bytes for the same entry */
    size_t ml = strlen(media);
    vcm_media m = {
        .identifier = u->identifier,
        .file = strncmp(im.pyramid, media, ml) == 0 && im.pyramid[ml] == '/' ? im.pyramid + ml + 1
                                                                           : im.pyramid,
        .original = strncmp(im.original, media, ml) == 0 && im.original[ml] == '/'
                        ? im.original + ml + 1
                        : im.original,
        .format = im.format,
        .width = im.width,
        .height = im.height,
        .checksum = im.sha256,
        .rights = rights && *rights ? rights : NULL,
        /* the entry's until a published version of it lists the image */
        .entry_id = entry_id,
        .held = true,
    };
    if (vcm_store_begin(s) < 0)
        goto store_failed;
    if (s->ops->media_add(s, object_id, &m) < 0 || vcm_store_commit(s) < 0) {
        vcm_store_rollback(s);
        goto store_failed;
    }
    return 0;
store_failed:
    snprintf(u->message, sizeof u->message, "%s", vcm_store_error(s));
    return -1;
}
