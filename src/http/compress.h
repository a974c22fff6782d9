/* Response compression: which coding a client accepts (the Accept-Encoding
 * header parsed, pure, unit-tested in tests/http/test_compress.c, fuzzed by
 * fuzz/accept_encoding.c), which bodies are worth compressing, and gzip
 * itself (zlib). The server applies them to every response it queues
 * (server.c, "compression"). */
#ifndef VCM_HTTP_COMPRESS_H
#define VCM_HTTP_COMPRESS_H
#include <stdbool.h>
#include <stddef.h>

/* The quality (0..1000, thousandths of q) that the Accept-Encoding value s
 * (n bytes) gives to coding (compared without case), or -1 when the list
 * does not name it. A member without q has 1000; a member whose q is
 * malformed counts as not named, so a broken header never turns a coding
 * on. "*" is not expanded here. */
int vcm_accept_encoding_q(const char *s, size_t n, const char *coding);

/* Whether a client that sent Accept-Encoding value (NULL: no header) takes
 * gzip: gzip or x-gzip with q > 0, or "*" with q > 0 when neither is named.
 * Without the header the answer is no: RFC 9110 lets a server choose any
 * coding then, but clients that decode send the header. */
bool vcm_accepts_gzip(const char *value);

/* Whether a body of content_type gains from compression: text, JSON,
 * JavaScript, XML and SVG. Images (JPEG, PNG, WebP, tiles), fonts (woff2)
 * and archives are compressed already. NULL is the default type, HTML. */
bool vcm_compressible_type(const char *content_type);

/* gzip (RFC 1952) of n bytes at in, into a buffer from malloc that the
 * caller frees, its length in *outlen. Returns 0, or -1 (nothing
 * allocated) when zlib fails or memory runs out. */
int vcm_gzip(const void *in, size_t n, char **out, size_t *outlen);
#endif
