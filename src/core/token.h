/* Secret tokens: session cookies, CSRF tokens, API tokens, invitation and
 * reset links. Each is 256 random bits from the kernel (libsodium's
 * randombytes), written as 64 hex digits; the database keeps only its
 * SHA-256 (vcm_token_digest), so a copy of the database opens nothing. */
#ifndef VCM_CORE_TOKEN_H
#define VCM_CORE_TOKEN_H
#include <stdbool.h>

#define VCM_TOKEN_HEX 65 /* 64 hex digits and a NUL */

/* A new token in out. Returns 0, or -1 when libsodium cannot start. */
int vcm_token_new(char out[VCM_TOKEN_HEX]);
/* The SHA-256 of token, in hex, into out. */
void vcm_token_digest(const char *token, char out[VCM_TOKEN_HEX]);
/* Whether token is 64 lower-case hex digits (what vcm_token_new makes). */
bool vcm_token_valid(const char *token);
/* Whether a and b are equal, in a time that does not depend on where they
 * differ; NULL equals nothing. */
bool vcm_token_equal(const char *a, const char *b);
#endif
