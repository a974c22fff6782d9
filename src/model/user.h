/* Accounts: users, their roles, and the rules their passwords follow.
 *
 * Four roles (docs/accounts.md has the whole matrix):
 * - contributor: drafts and submits the records of one museum;
 * - museum_admin: a contributor who also keeps the museum's profile and its
 *   users;
 * - editor: reviews and publishes for every museum;
 * - secretariat: everything, the users, museums and the network's records
 *   included.
 * Contributors and museum admins belong to exactly one museum; editors and
 * the secretariat to none. A fifth role, visitor, is a member of the
 * public who signed up to keep collections and comment (docs/curation.md):
 * none of the staff's permissions, no museum. No SQL and no HTTP here. */
#ifndef VCM_MODEL_USER_H
#define VCM_MODEL_USER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum vcm_role {
    VCM_ROLE_NONE,       /* an anonymous visitor */
    VCM_ROLE_CONTRIBUTOR,
    VCM_ROLE_MUSEUM_ADMIN,
    VCM_ROLE_EDITOR,
    VCM_ROLE_SECRETARIAT,
    VCM_ROLE_VISITOR, /* a visitor account (schema 018): none of the staff's rights */
    VCM_ROLES
} vcm_role;

/* "contributor", "museum_admin", "editor", "secretariat", "visitor"; "" for
 * NONE. */
const char *vcm_role_name(vcm_role r);
/* Returns 0 and sets *out for one of the five names, -1 otherwise. */
int vcm_role_parse(const char *s, vcm_role *out);
/* Whether users of role r belong to one museum. */
bool vcm_role_has_museum(vcm_role r);

typedef struct vcm_user {
    int64_t id;
    const char *email; /* lower case */
    const char *name;
    vcm_role role;
    int64_t museum_id;         /* 0 for editors and the secretariat */
    const char *password_hash; /* libsodium's Argon2id string; NULL until set */
    bool disabled;
    int64_t created, updated;  /* Unix seconds */
} vcm_user;

/* Checks an e-mail address as accounts take it: one '@' with text either
 * side, a dot in the domain, no space or control character, at most 254
 * bytes. Returns 0, or -1 with the catalogue key of the reason in *why. */
int vcm_email_check(const char *email, const char **why);

#define VCM_PASSWORD_MIN 12  /* characters (ASVS 2.1.1) */
#define VCM_PASSWORD_MAX 128 /* characters (ASVS 2.1.2) */
/* Checks a new password: VCM_PASSWORD_MIN to VCM_PASSWORD_MAX characters of
 * valid UTF-8, not one of the common passwords (model/passwords.c, compared
 * without regard to case), not the account's e-mail address or its local
 * part. Returns 0, or -1 with the catalogue key of the reason in *why. */
int vcm_password_check(const char *password, const char *email, const char **why);
/* Whether pw is on the list of common passwords (case-insensitive). */
bool vcm_password_common(const char *pw);

/* Hashes a password with Argon2id (libsodium's crypto_pwhash_str, its
 * interactive limits) into out (at least VCM_PASSWORD_HASH_SIZE bytes).
 * Returns 0, or -1 when libsodium fails (out of memory). */
#define VCM_PASSWORD_HASH_SIZE 128
int vcm_password_hash(const char *password, char *out);
/* Whether password matches hash, in time independent of where they differ.
 * A NULL hash (no password set) matches nothing. */
bool vcm_password_verify(const char *hash, const char *password);
#endif
