#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "model/user.h"
#include "core/banned.h"

static const char *const role_names[VCM_ROLES] = {
    [VCM_ROLE_NONE] = "",
    [VCM_ROLE_CONTRIBUTOR] = "contributor",
    [VCM_ROLE_MUSEUM_ADMIN] = "museum_admin",
    [VCM_ROLE_EDITOR] = "editor",
    [VCM_ROLE_SECRETARIAT] = "secretariat",
    [VCM_ROLE_VISITOR] = "visitor",
};

const char *vcm_role_name(vcm_role r)
{
    return r < VCM_ROLES ? role_names[r] : "";
}

int vcm_role_parse(const char *s, vcm_role *out)
{
    for (int r = VCM_ROLE_CONTRIBUTOR; r < VCM_ROLES; r++)
        if (s && strcmp(s, role_names[r]) == 0) {
            *out = (vcm_role)r;
            return 0;
        }
    return -1;
}

bool vcm_role_has_museum(vcm_role r)
{
    return r == VCM_ROLE_CONTRIBUTOR || r == VCM_ROLE_MUSEUM_ADMIN;
}

int vcm_email_check(const char *email, const char **why)
{
    *why = "account.error.email";
    size_t n = email ? strlen(email) : 0;
    if (n < 3 || n > 254)
        return -1;
    const char *at = strchr(email, '@');
    if (!at || at == email || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.' ||
        email[n - 1] == '.')
        return -1;
    for (const char *p = email; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == '"' ||
            *p == ',' || *p == ';')
            return -1; /* also keeps a mail header made from it on one line */
    if (!vcm_utf8_valid(email, n))
        return -1;
    *why = NULL;
    return 0;
}

/* Characters, not bytes: the limits are on what a person types. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

int vcm_password_check(const char *password, const char *email, const char **why)
{
    size_t bytes = password ? strlen(password) : 0;
    if (!password || !vcm_utf8_valid(password, bytes)) {
        *why = "account.error.password_short";
        return -1;
    }
    size_t n = utf8_chars(password);
    if (n < VCM_PASSWORD_MIN) {
        *why = "account.error.password_short";
        return -1;
    }
    if (n > VCM_PASSWORD_MAX) {
        *why = "account.error.password_long";
        return -1;
    }
    if (vcm_password_common(password)) {
        *why = "account.error.password_common";
        return -1;
    }
    if (email && *email) {
        const char *at = strchr(email, '@');
        size_t local = at ? (size_t)(at - email) : strlen(email);
        if (strcasecmp(password, email) == 0 ||
            (local >= 4 && bytes == local && strncasecmp(password, email, local) == 0)) {
            *why = "account.error.password_email";
            return -1;
        }
    }
    *why = NULL;
    return 0;
}

int vcm_password_hash(const char *password, char *out)
{
    _Static_assert(VCM_PASSWORD_HASH_SIZE >= crypto_pwhash_STRBYTES, "hash buffer too small");
    if (sodium_init() < 0)
        return -1;
    return crypto_pwhash_str_alg(out, password, strlen(password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) == 0
               ? 0
               : -1;
}

bool vcm_password_verify(const char *hash, const char *password)
{
    if (!hash || !*hash || !password || sodium_init() < 0)
        return false;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}
