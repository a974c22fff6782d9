#include <sodium.h>
#include <string.h>

#include "core/token.h"
#include "core/banned.h"

int vcm_token_new(char out[VCM_TOKEN_HEX])
{
    unsigned char raw[32];
    if (sodium_init() < 0)
        return -1;
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, VCM_TOKEN_HEX, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    return 0;
}

void vcm_token_digest(const char *token, char out[VCM_TOKEN_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, VCM_TOKEN_HEX, h, sizeof h);
}

bool vcm_token_valid(const char *token)
{
    if (!token || strlen(token) != VCM_TOKEN_HEX - 1)
        return false;
    for (const char *p = token; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

bool vcm_token_equal(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    size_t n = strlen(a);
    if (n != strlen(b))
        return false;
    return sodium_memcmp(a, b, n) == 0;
}
