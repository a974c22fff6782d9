/* The data package on the demo: `make run`'s demo load (scripts/demo.sh:
 * the collection, the network, governance, 35 images, the masterpieces),
 * vcm export-package, vcm import-package into an empty SQLite store and
 * media folder, vcm export-package again: the collection's JSON Lines, its
 * LIDO, the licences and the images' checksums are identical, as is every
 * payload file; the demo's bag validates with the checker written from
 * RFC 8493 (tests/cli/check_bag.py) and with vcm verify-package, and fails
 * both once one payload byte is changed. tests/cli/test_package.c covers
 * the same code on a small fixture, on both backends. */
#include "package.h"

VT_DEMO_SIZED;

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* make run's demo, out, in, out again. */
static void test_demo_round_trip(void **state)
{
    (void)state;
    char url[1024], url2[1024], m[800], m2[800], bag[800], bag2[800], *out;
    snprintf(url, sizeof url, "sqlite:%s/demo.db", dir);
    snprintf(url2, sizeof url2, "sqlite:%s/demo2.db", dir);
    snprintf(m, sizeof m, "%s/demo-media", dir);
    snprintf(m2, sizeof m2, "%s/demo-media2", dir);
    snprintf(bag, sizeof bag, "%s/demo-bag", dir);
    snprintf(bag2, sizeof bag2, "%s/demo-bag2", dir);
    time_t t0 = time(NULL);
    if (vt_sh(&out, "VCM_DB='%s' VCM_MEDIA='%s' VCM_BIN='%s' sh scripts/demo.sh", url, m,
              vt_bin()) != 0)
        fail_msg("demo.sh: %s", out);
    free(out);
    time_t t1 = time(NULL);
    export_to(url, m, bag, "");
    time_t t2 = time(NULL);
    char args[900];
    snprintf(args, sizeof args, "import-package '%s'", bag);
    if (vcm(&out, url2, m2, args) != 0)
        fail_msg("import-package: %s", out);
    free(out);
    time_t t3 = time(NULL);
    export_to(url2, m2, bag2, "");
    time_t t4 = time(NULL);
    fprintf(stderr, "demo: load %lds, export-package %lds, import-package %lds, again %lds\n",
            (long)(t1 - t0), (long)(t2 - t1), (long)(t3 - t2), (long)(t4 - t3));

    static const char *const same[] = {"collection.jsonl", "lido.xml", "licences.jsonl"};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        char cmd[2000];
        snprintf(cmd, sizeof cmd, "cmp '%s/data/%s' '%s/data/%s'", bag, same[i], bag2, same[i]);
        if (vt_sh(&out, "%s", cmd) != 0)
            fail_msg("%s differs after the round trip: %s", same[i], out);
        free(out);
    }
    /* the collection is all there; the images are the same bytes */
    char *n = sh_ok("grep -c '\"type\": *\"object\"' '%s/data/collection.jsonl'%s", bag2, "");
    assert_true(atoi(n) > 40000);
    free(n);
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "cd '%s/data/media' && find . -type f | sort | xargs sha256sum > ../../../sums1 && "
             "cd '%s/data/media' && find . -type f | sort | xargs sha256sum > ../../../sums2 && "
             "cmp ../../../sums1 ../../../sums2 && wc -l < ../../../sums1",
             bag, bag2);
    assert_int_equal(vt_sh(&out, "%s", cmd), 0);
    assert_int_equal(atoi(out), 35); /* scripts/demo.sh: 23 + 8 + 1 + 3 */
    free(out);
    snprintf(cmd, sizeof cmd,
             "cd '%s/data/media' && for f in $(find . -type f); do b=$(basename $f); "
             "s=$(sha256sum $f | cut -c1-64); [ \"${b%%.*}\" = \"$s\" ] || echo bad $f; done",
             bag2);
    assert_int_equal(vt_sh(&out, "%s", cmd), 0);
    assert_not_contains(out, "bad");
    free(out);
    char *a = manifest(bag), *b = manifest(bag2);
    assert_string_equal(a, b);
    free(a);
    free(b);

    /* the demo's bag validates, and not once a payload byte changed */
    assert_valid(bag);
    out = sh_ok("printf 'Z' | dd of='%s/data/collection.jsonl' bs=1 seek=4000 conv=notrunc "
                "2>/dev/null%s",
                bag, "");
    free(out);
    assert_invalid(bag, "'data/collection.jsonl' has changed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_round_trip),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
