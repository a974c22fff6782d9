/* A disk cache of rendered IIIF derivatives, bounded in bytes, least
 * recently used out first.
 *
 * One process per cache folder: the index (sizes and order of use) lives in
 * this process's memory, rebuilt from the folder at open, so two processes
 * sharing a folder would each miscount the other's files. Open takes an
 * exclusive flock on the folder and fails while another process holds it.
 * Threads of that process may share one vcm_iiif_cache freely. */
#ifndef VCM_IIIF_CACHE_H
#define VCM_IIIF_CACHE_H
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct vcm_iiif_cache vcm_iiif_cache;

/* Opens (creating when missing) the cache in dir, holding at most max_bytes
 * of files (> 0). Reads the folder to rebuild the index, ordered by each
 * file's last access or change, whichever is later; removes what a crash
 * left half-written and evicts down to max_bytes. Returns the cache, or NULL
 * with a message in err. */
vcm_iiif_cache *vcm_iiif_cache_open(const char *dir, int64_t max_bytes, char *err, size_t errlen);

/* Looks key up (any string). On a hit, out is reset to the stored bytes and
 * the entry becomes the most recently used; returns 1. Returns 0 on a miss
 * (a damaged file counts as a miss and is removed), -1 when the file cannot
 * be read or does not fit out's cap; out is empty then. */
int vcm_iiif_cache_get(vcm_iiif_cache *c, const char *key, vcm_buf *out);

/* Stores len bytes under key, replacing what was there, then evicts the
 * least recently used entries until the cache is within its bound. Data
 * larger than the whole bound is not stored (0 is returned). Returns 0, or
 * -1 when the file cannot be written (nothing changes then). */
int vcm_iiif_cache_put(vcm_iiif_cache *c, const char *key, const void *data, size_t len);

/* Bytes of files and number of entries the index counts now. */
void vcm_iiif_cache_stats(vcm_iiif_cache *c, int64_t *bytes, int64_t *entries);

/* Frees the index; the files stay for the next open. NULL is allowed. */
void vcm_iiif_cache_close(vcm_iiif_cache *c);
#endif
