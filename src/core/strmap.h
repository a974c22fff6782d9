/* A hash map from byte strings to 32-bit values, with open addressing.
 *
 * Keys are copied into the map's own blob, so callers may pass transient
 * text (a token that lives only during a callback). Nothing is ever
 * removed: the map serves builders (term dictionaries, label tables) that
 * grow and are then read or thrown away whole. */
#ifndef VCM_STRMAP_H
#define VCM_STRMAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct vcm_strmap {
    uint32_t *slots;  /* entry index + 1; 0 = empty */
    size_t nslots;    /* a power of two */
    uint64_t *keyoff; /* per entry: offset of its key in blob (len in the top 16 bits) */
    uint32_t *vals;
    uint32_t *hashes;
    size_t n, cap;
    char *blob;
    size_t bloblen, blobcap;
} vcm_strmap;

void vcm_strmap_init(vcm_strmap *m);
void vcm_strmap_release(vcm_strmap *m);
/* Finds key; returns a pointer to its value, or NULL. */
uint32_t *vcm_strmap_get(const vcm_strmap *m, const char *key, size_t len);
/* Finds key or adds it with value v; *added says which. Returns a pointer to
 * the value (valid until the next put), or NULL when memory runs out or the
 * key is longer than 65535 bytes. */
uint32_t *vcm_strmap_put(vcm_strmap *m, const char *key, size_t len, uint32_t v, int *added);
/* The key of entry i (0 <= i < m->n, in insertion order). */
const char *vcm_strmap_key(const vcm_strmap *m, size_t i, size_t *len);
#endif
