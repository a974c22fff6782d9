/* What the tests of the data package share (tests/cli/test_package.c,
 * tests/cli/test_package_demo.c): running vcm on a store and media folder,
 * and checking bags with vcm verify-package and with tests/cli/check_bag.py,
 * a checker written from RFC 8493 that shares nothing with src/. Each
 * program defines `dir`, its temporary folder. */
#ifndef VCM_TESTS_CLI_PACKAGE_H
#define VCM_TESTS_CLI_PACKAGE_H
#include "../testutil.h"

static char *dir;

static char *sh_ok(const char *fmt, const char *arg1, const char *arg2)
{
    char cmd[4096], *out;
    snprintf(cmd, sizeof cmd, fmt, arg1, arg2);
    if (vt_sh(&out, "%s", cmd) != 0)
        fail_msg("%s: %s", cmd, out);
    return out;
}

/* vcm with the store url and the media folder m; the search index beside
 * the folder (on PostgreSQL it would otherwise go to var/) */
static int vcm(char **out, const char *url, const char *m, const char *args)
{
    return vt_sh(out, "VCM_DB='%s' VCM_MEDIA='%s' VCM_INDEX='%s.index' %s --quiet %s", url, m, m,
                 vt_bin(), args);
}

static int checker_run(const char *bag, char **out)
{
    return vt_sh(out, "python3 tests/cli/check_bag.py '%s'", bag);
}

static void assert_valid(const char *bag)
{
    char *out;
    if (checker_run(bag, &out) != 0)
        fail_msg("the checker refuses %s: %s", bag, out);
    free(out);
    if (vt_sh(&out, "%s verify-package '%s'", vt_bin(), bag) != 0)
        fail_msg("vcm verify-package refuses %s: %s", bag, out);
    free(out);
}

/* Both checkers refuse the bag; vcm names what (want) in its message. */
static void assert_invalid(const char *bag, const char *want)
{
    char *out;
    int rc = checker_run(bag, &out);
    if (rc == 0)
        fail_msg("the checker takes a damaged bag (%s): %s", want, out);
    assert_contains(out, "INVALID");
    free(out);
    rc = vt_sh(&out, "%s verify-package '%s'", vt_bin(), bag);
    if (rc != 1)
        fail_msg("vcm verify-package exited %d on a damaged bag (%s): %s", rc, want, out);
    assert_contains(out, want);
    assert_contains(out, "is not valid");
    free(out);
}

static void export_to(const char *url, const char *m, const char *bag, const char *opts)
{
    char args[1200], *out;
    snprintf(args, sizeof args, "%s export-package '%s'", opts, bag);
    if (vcm(&out, url, m, args) != 0)
        fail_msg("export-package %s: %s", bag, out);
    free(out);
}

/* The payload manifest, sorted: every file and its SHA-512. */
static char *manifest(const char *bag)
{
    return sh_ok("sort '%s/manifest-sha512.txt'%s", bag, "");
}

#endif
