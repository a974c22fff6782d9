#include "core/arena.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define ALIGN 16u
#define BLOCK_MIN 8192u

struct vcm_arena_block {
    struct vcm_arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

struct vcm_arena_defer {
    struct vcm_arena_defer *next;
    void (*fn)(void *);
    void *p;
};

void vcm_arena_init(vcm_arena *a, size_t cap)
{
    memset(a, 0, sizeof *a);
    a->cap = cap;
}

static void run_defers(vcm_arena *a)
{
    /* Detach first: a deferred function may not touch the arena. */
    struct vcm_arena_defer *d = a->defers;
    a->defers = NULL;
    for (; d; d = d->next)
        d->fn(d->p);
}

void vcm_arena_reset(vcm_arena *a)
{
    run_defers(a);
    struct vcm_arena_block *b = a->head;
    if (!b)
        return;
    struct vcm_arena_block *rest = b->next;
    while (rest) {
        struct vcm_arena_block *n = rest->next;
        free(rest);
        rest = n;
    }
    b->next = NULL;
    b->used = 0;
    a->used = 0;
}

void vcm_arena_release(vcm_arena *a)
{
    run_defers(a);
    struct vcm_arena_block *b = a->head;
    while (b) {
        struct vcm_arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
    a->used = 0;
}

void *vcm_arena_alloc(vcm_arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / 2)
        return NULL;
    size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (a->cap && a->used + need > a->cap)
        return NULL;
    struct vcm_arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = need > BLOCK_MIN ? need : BLOCK_MIN;
        if (b && size < b->size * 2 && b->size * 2 <= 1u << 20)
            size = b->size * 2;
        struct vcm_arena_block *nb = malloc(sizeof *nb + size);
        if (!nb)
            return NULL;
        nb->size = size;
        nb->used = 0;
        nb->next = b;
        a->head = nb;
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used += need;
    assert(((uintptr_t)p & (ALIGN - 1)) == 0);
    return p;
}

void *vcm_arena_calloc(vcm_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = vcm_arena_alloc(a, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

char *vcm_arena_strndup(vcm_arena *a, const char *s, size_t n)
{
    char *p = vcm_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *vcm_arena_strdup(vcm_arena *a, const char *s)
{
    return s ? vcm_arena_strndup(a, s, strlen(s)) : NULL;
}

char *vcm_arena_vprintf(vcm_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *p = vcm_arena_alloc(a, (size_t)n + 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *vcm_arena_printf(vcm_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = vcm_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

int vcm_arena_defer(vcm_arena *a, void (*fn)(void *), void *p)
{
    /* Not counted against the cap: refusing it would leak p. */
    size_t cap = a->cap;
    a->cap = 0;
    struct vcm_arena_defer *d = vcm_arena_alloc(a, sizeof *d);
    a->cap = cap;
    if (!d) {
        fn(p);
        return -1;
    }
    d->fn = fn;
    d->p = p;
    d->next = a->defers;
    a->defers = d;
    return 0;
}
