/* The robots.txt reader (pure): which group applies, longest match, Allow
 * winning ties, wildcards, Crawl-delay, and the caps. */
#include "testutil.h"

#include "io/robots.h"

static vcm_arena arena;

static vcm_robots parse(const char *text)
{
    vcm_robots r;
    vcm_arena_reset(&arena);
    assert_int_equal(vcm_robots_parse(&r, &arena, text, strlen(text), "VCM"), 0);
    return r;
}

static void test_star_group(void **state)
{
    (void)state;
    vcm_robots r = parse("User-agent: *\nDisallow: /private/\nAllow: /private/open\n");
    assert_true(vcm_robots_allowed(&r, "/"));
    assert_true(vcm_robots_allowed(&r, "/images/a.jpg"));
    assert_false(vcm_robots_allowed(&r, "/private/a.jpg"));
    assert_true(vcm_robots_allowed(&r, "/private/open/a.jpg")); /* longer rule wins */
    assert_int_equal(r.delay_ms, -1);
}

static void test_our_group_wins(void **state)
{
    (void)state;
    /* a group naming us replaces "*" entirely; groups naming us merge */
    vcm_robots r = parse("User-agent: *\nDisallow: /\n\n"
                         "User-agent: googlebot\nUser-Agent: vcm/1.2\nDisallow: /a\n"
                         "Crawl-delay: 2.5\n\nuser-agent: VCM\ndisallow: /b # comment\n");
    assert_true(vcm_robots_allowed(&r, "/c"));
    assert_false(vcm_robots_allowed(&r, "/a/x"));
    assert_false(vcm_robots_allowed(&r, "/b"));
    assert_int_equal(r.delay_ms, 2500);
    /* an agent whose name only starts like ours is not us */
    r = parse("User-agent: vcmbot\nDisallow: /\n");
    assert_true(vcm_robots_allowed(&r, "/x"));
}

static void test_wildcards_and_ties(void **state)
{
    (void)state;
    vcm_robots r = parse("User-agent: *\nDisallow: /*.gif$\nDisallow: /x*y\n"
                         "Allow: /same\nDisallow: /same\nDisallow: /tie\nAllow: /tie\n");
    assert_false(vcm_robots_allowed(&r, "/a/b.gif"));
    assert_true(vcm_robots_allowed(&r, "/a/b.gif?x=1")); /* $ anchors the end */
    assert_false(vcm_robots_allowed(&r, "/x123y/z"));
    assert_true(vcm_robots_allowed(&r, "/x123"));
    assert_true(vcm_robots_allowed(&r, "/same/thing")); /* Allow wins a tie, */
    assert_true(vcm_robots_allowed(&r, "/tie/thing"));  /* whichever comes first */
    assert_true(vcm_robots_allowed(&r, "/robots.txt"));
}

static void test_odd_input(void **state)
{
    (void)state;
    /* rules before any user-agent line belong to no group; an empty Disallow
     * is no rule; CRLF; a huge delay is capped */
    vcm_robots r = parse("Disallow: /\r\nUser-agent: *\r\nDisallow:\r\n"
                         "Crawl-delay: 99999999999\r\nSitemap: /s.xml\r\n");
    assert_int_equal(r.n, 0);
    assert_true(vcm_robots_allowed(&r, "/anything"));
    assert_int_equal(r.delay_ms, VCM_ROBOTS_MAX_DELAY_MS);
    r = parse("");
    assert_true(vcm_robots_allowed(&r, "/"));
    /* what the caller sets when robots.txt could not be had */
    r.disallow_all = true;
    assert_false(vcm_robots_allowed(&r, "/"));
}

static void test_caps(void **state)
{
    (void)state;
    /* more rules than the cap: the first ones are kept, no more */
    size_t cap = (VCM_ROBOTS_MAX_RULES + 10) * 16 + 64;
    char *big = malloc(cap);
    size_t n = (size_t)snprintf(big, cap, "User-agent: *\n");
    for (int i = 0; i < VCM_ROBOTS_MAX_RULES + 10; i++)
        n += (size_t)snprintf(big + n, cap - n, "Disallow: /%d\n", i);
    vcm_robots r = parse(big);
    assert_int_equal(r.n, VCM_ROBOTS_MAX_RULES);
    assert_false(vcm_robots_allowed(&r, "/0"));
    free(big);
}

int main(void)
{
    vcm_arena_init(&arena, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_star_group),
        cmocka_unit_test(test_our_group_wins),
        cmocka_unit_test(test_wildcards_and_ties),
        cmocka_unit_test(test_odd_input),
        cmocka_unit_test(test_caps),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    vcm_arena_release(&arena);
    return rc;
}
