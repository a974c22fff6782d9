/* The configuration files of docs/deployment.md, each checked by the tool
 * that reads it (tests/deploy/check.sh): systemd-analyze verify, nginx -t
 * with a throwaway certificate and nginx itself in front of a real node, findmnt --verify, vcm itself for the
 * environment file, and a real PostgreSQL primary and streaming standby
 * started with the page's settings, vcm writing to one and reading from the
 * other. */
#include "testutil.h"

VT_NOT_SANITIZED;

static void check(const char *kind)
{
    char *out;
    int rc = vt_sh(&out, "sh tests/deploy/check.sh %s", kind);
    if (rc != 0)
        fail_msg("%s: %s", kind, out);
    free(out);
}

/* Every configuration block of the page is a marked, checked file. */
static void test_files_listed(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(vt_sh(&out, "sh tests/deploy/check.sh list"), 0);
    static const char *const files[] = {
        "/etc/vcm/vcm.env", "/etc/systemd/system/vcm@.service",
        "/etc/systemd/system/vcm-backup.service", "/etc/systemd/system/vcm-backup.timer",
        "/etc/nginx/sites-available/vcm.conf", "/etc/fstab",
        "/etc/postgresql/15/main/conf.d/vcm-primary.conf",
        "/etc/postgresql/15/main/conf.d/vcm-standby.conf",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        assert_contains(out, files[i]);
    free(out);
}

static void test_env(void **state)
{
    (void)state;
    check("env");
}

static void test_systemd(void **state)
{
    (void)state;
    check("systemd");
}

static void test_nginx(void **state)
{
    (void)state;
    check("nginx");
}

/* nginx with the page's configuration, started on loopback in front of a
 * real node, refuses what libmicrohttpd would let through (folded headers,
 * NUL bytes) or answer with its own pages (a Content-Length of -1). */
static void test_nginx_refuses_what_mhd_lets_through(void **state)
{
    (void)state;
    check("nginx-live");
}

static void test_fstab(void **state)
{
    (void)state;
    check("fstab");
}

static void test_postgres_replication(void **state)
{
    (void)state;
    check("postgres");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_listed),
        cmocka_unit_test(test_env),
        cmocka_unit_test(test_systemd),
        cmocka_unit_test(test_nginx),
        cmocka_unit_test(test_nginx_refuses_what_mhd_lets_through),
        cmocka_unit_test(test_fstab),
        cmocka_unit_test(test_postgres_replication),
    };
    return cmocka_run_group_tests_name("deploy", tests, NULL, NULL);
}
