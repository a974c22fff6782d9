/* The drivers' table of prepared statements by slot (src/store/slots.h):
 * what was put is found, what was not is not, and the table's size follows
 * the number of slots put, not their numbers. */
#include "testutil.h"

#include "store/driver.h"
#include "store/slots.h"

static void test_put_get_grow(void **state)
{
    (void)state;
    vcm_slots t = {0};
    assert_null(vcm_slots_get(&t, 0));
    assert_null(vcm_slots_get(&t, VCM_SLOTS - 1));
    /* values are the slot's address in a buffer: distinct and not NULL */
    static char mark[VCM_SLOTS];
    size_t n = 0;
    /* consecutive slots (the filter shapes of one kind) and scattered ones */
    for (unsigned s = 0; s < 500; s++, n++)
        assert_int_equal(vcm_slots_put(&t, 70000 + s, &mark[70000 + s]), 0);
    for (unsigned s = 1; s < VCM_SLOTS; s = s * 3 + 1, n++)
        assert_int_equal(vcm_slots_put(&t, s, &mark[s]), 0);
    assert_int_equal(t.n, n);
    /* no more than twice the places a three-quarters load needs */
    assert_true(t.cap <= 2 * (n * 4 / 3 + 1) && t.cap >= n);
    for (unsigned s = 0; s < 500; s++)
        assert_ptr_equal(vcm_slots_get(&t, 70000 + s), &mark[70000 + s]);
    for (unsigned s = 1; s < VCM_SLOTS; s = s * 3 + 1)
        assert_ptr_equal(vcm_slots_get(&t, s), &mark[s]);
    assert_null(vcm_slots_get(&t, 0));
    assert_null(vcm_slots_get(&t, 69999));
    assert_null(vcm_slots_get(&t, 70500));
    /* every place visited once when freeing */
    size_t seen = 0;
    for (size_t i = 0; i < t.cap; i++)
        seen += vcm_slots_at(&t, i) != NULL;
    assert_int_equal(seen, n);
    assert_null(vcm_slots_at(&t, t.cap));
    vcm_slots_release(&t);
    assert_int_equal(t.cap, 0);
    assert_null(vcm_slots_get(&t, 70000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
