/* Arena: alignment, growth across blocks, the cap, reset and release, the
 * deferred release functions and their order, and the string helpers. */
#include "testutil.h"

#include <stdalign.h>
#include <stdint.h>

#include "core/arena.h"

static void test_alignment_for_any_type(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    static const size_t sizes[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 4095, 1};
    unsigned char *p[sizeof sizes / sizeof sizes[0]];
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        p[i] = vcm_arena_alloc(&a, sizes[i]);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % alignof(max_align_t), 0);
        memset(p[i], (int)(0xA0 + i), sizes[i]);
    }
    /* No allocation overlaps another: each still holds its own pattern. */
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (size_t k = 0; k < sizes[i]; k++)
            assert_int_equal(p[i][k], 0xA0 + i);
    vcm_arena_release(&a);
}

static void test_zero_bytes_gives_distinct_pointers(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    void *x = vcm_arena_alloc(&a, 0), *y = vcm_arena_alloc(&a, 0);
    assert_non_null(x);
    assert_non_null(y);
    assert_ptr_not_equal(x, y);
    vcm_arena_release(&a);
}

static void test_growth_across_blocks(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    /* 300 × 1000 bytes is far more than one block: old blocks must survive. */
    enum { N = 300, SZ = 1000 };
    unsigned char *p[N];
    for (int i = 0; i < N; i++) {
        p[i] = vcm_arena_alloc(&a, SZ);
        assert_non_null(p[i]);
        memset(p[i], i & 0xFF, SZ);
    }
    for (int i = 0; i < N; i++)
        for (int k = 0; k < SZ; k += 97)
            assert_int_equal(p[i][k], i & 0xFF);
    /* One allocation bigger than any block so far. */
    unsigned char *big = vcm_arena_alloc(&a, 3u << 20);
    assert_non_null(big);
    memset(big, 0x5A, 3u << 20);
    assert_int_equal(big[(3u << 20) - 1], 0x5A);
    assert_int_equal(p[0][0], 0);
    assert_int_equal(p[N - 1][SZ - 1], (N - 1) & 0xFF);
    assert_true(a.used >= (size_t)N * SZ + (3u << 20));
    vcm_arena_release(&a);
}

static void test_cap_returns_null_and_keeps_count(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 1024);
    void *p = vcm_arena_alloc(&a, 1000);
    assert_non_null(p);
    size_t used = a.used;
    assert_true(used >= 1000 && used <= 1024);
    /* What is left up to the cap can still be had ... */
    void *q = vcm_arena_alloc(&a, 1024 - used);
    assert_non_null(q);
    assert_int_equal(a.used, 1024);
    /* ... and not one byte more. */
    assert_null(vcm_arena_alloc(&a, 1));
    assert_null(vcm_arena_strdup(&a, "x"));
    assert_null(vcm_arena_printf(&a, "%d", 7));
    assert_null(vcm_arena_calloc(&a, 1, 1));
    assert_int_equal(a.used, 1024);
    vcm_arena_release(&a);

    /* A single request over the cap fails at once. */
    vcm_arena_init(&a, 4096);
    assert_null(vcm_arena_alloc(&a, 4097));
    assert_non_null(vcm_arena_alloc(&a, 4096));
    vcm_arena_release(&a);
}

static void test_calloc_zeroes_and_checks_overflow(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    /* Dirty the memory first, then reset, so calloc must really clear it. */
    unsigned char *d = vcm_arena_alloc(&a, 4096);
    assert_non_null(d);
    memset(d, 0xFF, 4096);
    vcm_arena_reset(&a);
    unsigned char *z = vcm_arena_calloc(&a, 512, 8);
    assert_non_null(z);
    for (size_t i = 0; i < 4096; i++)
        assert_int_equal(z[i], 0);
    assert_null(vcm_arena_calloc(&a, SIZE_MAX / 2, 4));
    assert_null(vcm_arena_alloc(&a, SIZE_MAX - 8));
    vcm_arena_release(&a);
}

static void test_reset_keeps_working(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 64 * 1024);
    for (int round = 0; round < 5; round++) {
        size_t got = 0;
        char *s;
        while ((s = vcm_arena_alloc(&a, 1000)) != NULL) {
            memset(s, 'a' + round, 1000);
            got += 1000;
        }
        /* Each round reaches the same cap again: reset gave it all back. */
        assert_true(got >= 60 * 1000);
        assert_true(got <= 64 * 1024);
        vcm_arena_reset(&a);
        assert_int_equal(a.used, 0);
        char *t = vcm_arena_strdup(&a, "after reset");
        assert_string_equal(t, "after reset");
        vcm_arena_reset(&a);
    }
    vcm_arena_release(&a);
    /* A released arena can be used again, like a fresh one. */
    char *u = vcm_arena_strdup(&a, "again");
    assert_string_equal(u, "again");
    vcm_arena_release(&a);
    assert_null(a.head);
    assert_int_equal(a.used, 0);
}

static int order[16];
static int norder;

static void record(void *p)
{
    assert_true(norder < 16);
    order[norder++] = *(int *)p;
}

static void test_defer_runs_in_reverse_at_reset_and_release(void **state)
{
    (void)state;
    static int ids[] = {1, 2, 3, 4, 5};
    vcm_arena a;
    vcm_arena_init(&a, 0);
    norder = 0;
    assert_int_equal(vcm_arena_defer(&a, record, &ids[0]), 0);
    assert_int_equal(vcm_arena_defer(&a, record, &ids[1]), 0);
    assert_int_equal(vcm_arena_defer(&a, record, &ids[2]), 0);
    assert_int_equal(norder, 0); /* nothing runs before the reset */
    vcm_arena_reset(&a);
    assert_int_equal(norder, 3);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 1);
    /* Run once: a second reset does not call them again. */
    vcm_arena_reset(&a);
    assert_int_equal(norder, 3);

    assert_int_equal(vcm_arena_defer(&a, record, &ids[3]), 0);
    assert_int_equal(vcm_arena_defer(&a, record, &ids[4]), 0);
    vcm_arena_release(&a);
    assert_int_equal(norder, 5);
    assert_int_equal(order[3], 5);
    assert_int_equal(order[4], 4);
    vcm_arena_release(&a);
    assert_int_equal(norder, 5);
}

static void test_defer_is_not_refused_by_a_full_arena(void **state)
{
    (void)state;
    static int id = 42;
    vcm_arena a;
    vcm_arena_init(&a, 256);
    assert_non_null(vcm_arena_alloc(&a, 256));
    assert_null(vcm_arena_alloc(&a, 1));
    norder = 0;
    /* Refusing would leak the object; the cap does not apply. */
    assert_int_equal(vcm_arena_defer(&a, record, &id), 0);
    assert_int_equal(norder, 0);
    vcm_arena_release(&a);
    assert_int_equal(norder, 1);
    assert_int_equal(order[0], 42);
}

static void free_ptr(void *p)
{
    free(p);
}

static void test_defer_frees_foreign_memory(void **state)
{
    (void)state;
    /* Under ASan a deferred free that never ran is a leak and fails the run. */
    vcm_arena a;
    vcm_arena_init(&a, 0);
    for (int i = 0; i < 100; i++)
        assert_int_equal(vcm_arena_defer(&a, free_ptr, malloc(100)), 0);
    vcm_arena_reset(&a);
    for (int i = 0; i < 100; i++)
        assert_int_equal(vcm_arena_defer(&a, free_ptr, malloc(100)), 0);
    vcm_arena_release(&a);
}

static void test_strndup_and_strdup(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    const char *src = "Goryeo celadon";
    char *s = vcm_arena_strndup(&a, src, 6);
    assert_string_equal(s, "Goryeo");
    assert_ptr_not_equal(s, src);
    char *e = vcm_arena_strndup(&a, src, 0);
    assert_non_null(e);
    assert_string_equal(e, "");
    /* n counts bytes, not characters, and copies NULs inside the range. */
    char *bin = vcm_arena_strndup(&a, "a\0b", 3);
    assert_memory_equal(bin, "a\0b\0", 4);
    char *d = vcm_arena_strdup(&a, "청자 상감운학문 매병");
    assert_string_equal(d, "청자 상감운학문 매병");
    assert_null(vcm_arena_strdup(&a, NULL));
    vcm_arena_release(&a);
}

static void test_printf(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 0);
    char *s = vcm_arena_printf(&a, "%s-%d-%05.1f-%c", "vase", -42, 3.14159, 'x');
    assert_string_equal(s, "vase--42-003.1-x");
    assert_string_equal(vcm_arena_printf(&a, "%s", ""), "");
    /* Longer than a block. */
    char *long_ = vcm_arena_printf(&a, "%20000d|", 7);
    assert_non_null(long_);
    assert_int_equal(strlen(long_), 20001);
    assert_int_equal(long_[19999], '7');
    assert_int_equal(long_[20000], '|');
    assert_int_equal(long_[0], ' ');
    vcm_arena_release(&a);

    vcm_arena_init(&a, 64);
    assert_null(vcm_arena_printf(&a, "%100d", 1));
    assert_non_null(vcm_arena_printf(&a, "%10d", 1));
    vcm_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment_for_any_type),
        cmocka_unit_test(test_zero_bytes_gives_distinct_pointers),
        cmocka_unit_test(test_growth_across_blocks),
        cmocka_unit_test(test_cap_returns_null_and_keeps_count),
        cmocka_unit_test(test_calloc_zeroes_and_checks_overflow),
        cmocka_unit_test(test_reset_keeps_working),
        cmocka_unit_test(test_defer_runs_in_reverse_at_reset_and_release),
        cmocka_unit_test(test_defer_is_not_refused_by_a_full_arena),
        cmocka_unit_test(test_defer_frees_foreign_memory),
        cmocka_unit_test(test_strndup_and_strdup),
        cmocka_unit_test(test_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
