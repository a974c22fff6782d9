/* A connection's prepared statements by slot number (driver.h), for the
 * two drivers: an open-addressing hash table that holds only the slots
 * prepared, so that a connection's memory follows the statements it has
 * actually used rather than the number of slots the store could assign
 * (most are filter shapes that a connection never meets).
 *
 * Keys are slot + 1 (0 marks an empty place); linear probing; the table
 * doubles when three quarters full and never shrinks (a slot, once
 * prepared, stays for the connection's life). */
#ifndef VCM_STORE_SLOTS_H
#define VCM_STORE_SLOTS_H
#include <stddef.h>

typedef struct vcm_slots {
    unsigned *keys;
    void **vals;
    size_t cap, n; /* cap: 0 or a power of two */
} vcm_slots;

/* The statement of slot, or NULL when it was never put. */
void *vcm_slots_get(const vcm_slots *t, unsigned slot);
/* Keeps v (not NULL) for slot, which must not be in t yet. Returns 0, or
 * -1 (t unchanged) when memory runs out. */
int vcm_slots_put(vcm_slots *t, unsigned slot, void *v);
/* The i-th place (0 <= i < t->cap): its statement, NULL when empty; for
 * freeing them all. */
void *vcm_slots_at(const vcm_slots *t, size_t i);
/* Frees the table (not the statements) and leaves it empty. */
void vcm_slots_release(vcm_slots *t);
#endif
