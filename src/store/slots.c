/* The prepared statements of a connection by slot (slots.h). */
#include "store/slots.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/banned.h"

#define FIRST_CAP 64

static size_t place(unsigned key, size_t cap)
{
    /* slots of one filter kind are consecutive: spread them (Fibonacci
     * hashing) so that runs do not pile into one probe chain */
    return (size_t)(((uint32_t)key * 2654435769u) >> 7) & (cap - 1);
}

void *vcm_slots_get(const vcm_slots *t, unsigned slot)
{
    if (!t->cap)
        return NULL;
    unsigned key = slot + 1;
    for (size_t i = place(key, t->cap);; i = (i + 1) & (t->cap - 1)) {
        if (t->keys[i] == key)
            return t->vals[i];
        if (!t->keys[i])
            return NULL;
    }
}

static void insert(unsigned *keys, void **vals, size_t cap, unsigned key, void *v)
{
    size_t i = place(key, cap);
    while (keys[i])
        i = (i + 1) & (cap - 1);
    keys[i] = key;
    vals[i] = v;
}

int vcm_slots_put(vcm_slots *t, unsigned slot, void *v)
{
    assert(v && slot < UINT32_MAX && !vcm_slots_get(t, slot));
    if ((t->n + 1) * 4 > t->cap * 3) {
        size_t cap = t->cap ? t->cap * 2 : FIRST_CAP;
        unsigned *keys = calloc(cap, sizeof *keys);
        void **vals = calloc(cap, sizeof *vals);
        if (!keys || !vals) {
            free(keys);
            free(vals);
            return -1;
        }
        for (size_t i = 0; i < t->cap; i++)
            if (t->keys[i])
                insert(keys, vals, cap, t->keys[i], t->vals[i]);
        free(t->keys);
        free(t->vals);
        t->keys = keys;
        t->vals = vals;
        t->cap = cap;
    }
    insert(t->keys, t->vals, t->cap, slot + 1, v);
    t->n++;
    return 0;
}

void *vcm_slots_at(const vcm_slots *t, size_t i)
{
    return i < t->cap && t->keys[i] ? t->vals[i] : NULL;
}

void vcm_slots_release(vcm_slots *t)
{
    free(t->keys);
    free(t->vals);
    t->keys = NULL;
    t->vals = NULL;
    t->cap = t->n = 0;
}
