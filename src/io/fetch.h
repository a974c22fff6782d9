/* What `vcm media fetch` decides from outside input, as pure functions
 * (tested, and fuzzed in fuzz/fetch_headers.c): whether a record's rights
 * allow its images to be reused, whether bytes are an image at all, and
 * how long a server asks to be left alone (Retry-After). */
#ifndef VCM_IO_FETCH_H
#define VCM_IO_FETCH_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Whether an object's images may be copied and served here: its rights URI
 * is an open licence or a public-domain statement (CC0, the Public Domain
 * Mark, CC BY, CC BY-SA, RightsStatements.org NoC-US / NKC), and the
 * source's own licence text does not say that its images are excluded
 * ("image not CC0", "images not included", "©"). Anything else, or
 * nothing said, is no. */
bool vcm_fetch_rights_open(const char *rights_uri, const char *source_licence);

/* The image type that the first n bytes of a file announce: "jpeg", "png",
 * "tiff", "webp", "jp2k", "gif"; NULL when they announce none. */
const char *vcm_fetch_sniff(const unsigned char *p, size_t n);

/* Seconds to wait from a Retry-After value (delta-seconds or an HTTP date),
 * at most max; -1 when the value is neither. */
long vcm_fetch_retry_after(const char *value, time_t now, long max);
#endif
