/* Arena: the memory of one request or one job.
 *
 * Everything a handler or an import batch allocates comes from its arena and
 * is released at once by vcm_arena_reset() or vcm_arena_free(); nobody frees
 * pieces by hand. Objects owned by other libraries (a json_t, a statement)
 * can be tied to the arena with vcm_arena_defer(), which calls their release
 * function when the arena is reset or freed, last registered first.
 *
 * An arena has a cap: once it has handed out `cap` bytes, allocations return
 * NULL, so no input can grow a request's memory without bound. */
#ifndef VCM_ARENA_H
#define VCM_ARENA_H
#include <stddef.h>
#include <stdarg.h>

struct vcm_arena_block;
struct vcm_arena_defer;

typedef struct vcm_arena {
    struct vcm_arena_block *head;  /* current block, older ones follow */
    struct vcm_arena_defer *defers;
    size_t used;                   /* bytes handed out since the last reset */
    size_t cap;                    /* 0 = no cap */
} vcm_arena;

void vcm_arena_init(vcm_arena *a, size_t cap);
/* Calls the deferred functions and keeps only the first block for reuse. */
void vcm_arena_reset(vcm_arena *a);
/* Calls the deferred functions and releases all memory. */
void vcm_arena_release(vcm_arena *a);

/* Aligned for any type. Returns NULL when the cap is reached or malloc fails. */
void *vcm_arena_alloc(vcm_arena *a, size_t n);
void *vcm_arena_calloc(vcm_arena *a, size_t count, size_t size);
char *vcm_arena_strndup(vcm_arena *a, const char *s, size_t n);
char *vcm_arena_strdup(vcm_arena *a, const char *s);
char *vcm_arena_printf(vcm_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *vcm_arena_vprintf(vcm_arena *a, const char *fmt, va_list ap);

/* Registers fn(p) to run at reset/release. Returns -1 (and runs fn(p) at
 * once, so nothing leaks) when the registration itself cannot be stored. */
int vcm_arena_defer(vcm_arena *a, void (*fn)(void *), void *p);
#endif
