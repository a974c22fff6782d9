/* Configuration: defaults, then a file, then the environment, then flags,
 * each later source winning; both flag forms; errors that say what and
 * where; positional arguments. */
#include "testutil.h"

#include "core/config.h"
#include "http/server.h"

/* The server's options (listen, threads, the limits) are its own option
 * set; every load here reads them too, as vcm serve does. */
static vcm_http_config H;
static vcm_option_set Hset;

static void defaults(vcm_config *c)
{
    vcm_config_defaults(c);
    vcm_http_options(&H, &Hset);
    c->sets = &Hset;
    c->nsets = 1;
}

static const char *const ENV[] = {
    "VCM_DB", "VCM_LISTEN", "VCM_MEDIA", "VCM_DATA", "VCM_BASE_URL", "VCM_LOG_LEVEL",
    "VCM_THREADS", "VCM_MAX_CONNECTIONS", "VCM_IDLE_TIMEOUT", "VCM_MAX_HEADER",
    "VCM_MAX_BODY", "VCM_BATCH", "VCM_CONFIG",
};

struct fixture {
    char *dir;
    char path[512];
};

/* The test runner exports VCM_DATA; every test starts from a clean
 * environment so that only what it sets counts. */
static void clear_env(void)
{
    for (size_t i = 0; i < sizeof ENV / sizeof ENV[0]; i++)
        unsetenv(ENV[i]);
}

static int setup(void **state)
{
    clear_env();
    struct fixture *f = calloc(1, sizeof *f);
    f->dir = vt_tmpdir();
    snprintf(f->path, sizeof f->path, "%s/vcm.conf", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    clear_env();
    vt_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Loads argv (a NULL-terminated list after the program name) into c. */
#define LOAD(c, err, ...)                                                                  \
    load_argv((c), (err), sizeof(err), (char *[]){"vcm", __VA_ARGS__, NULL})

static int load_argv(vcm_config *c, char *err, size_t errlen, char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    defaults(c);
    err[0] = '\0';
    return vcm_config_load(c, argc, argv, err, errlen);
}

static void expect_ok(int rc, const char *err)
{
    if (rc != 0)
        fail_msg("expected success, got: %s", err);
}

static void test_defaults(void **state)
{
    (void)state;
    vcm_config c;
    char err[256];
    char *argv[] = {"vcm", NULL};
    defaults(&c);
    expect_ok(vcm_config_load(&c, 1, argv, err, sizeof err), err);
    assert_string_equal(c.db, "sqlite:var/vcm.db");
    assert_string_equal(H.listen, "127.0.0.1:8080");
    assert_string_equal(c.media, "var/media");
    assert_string_equal(c.data, "../shared/data");
    assert_string_equal(c.base_url, "");
    assert_string_equal(c.log_level, "info");
    assert_int_equal(H.threads, 0);
    assert_int_equal(H.max_connections, 1000);
    assert_int_equal(H.idle_timeout, 30);
    assert_int_equal(H.max_header, 32768);
    assert_int_equal(H.max_body, 1 << 20);
    assert_int_equal(c.batch, 1000);
    assert_int_equal(c.help, 0);
    assert_int_equal(c.version, 0);
    assert_int_equal(c.quiet, 0);
    assert_int_equal(c.argc, 0);
}

static void test_environment_overrides_defaults(void **state)
{
    (void)state;
    setenv("VCM_DB", "postgres://vcm@db.example/vcm", 1);
    setenv("VCM_LISTEN", "0.0.0.0:9090", 1);
    setenv("VCM_MEDIA", "/srv/media", 1);
    setenv("VCM_DATA", "/srv/data", 1);
    setenv("VCM_THREADS", "12", 1);
    setenv("VCM_BASE_URL", "https://vcm.example", 1);
    vcm_config c;
    char err[256];
    expect_ok(LOAD(&c, err, "serve"), err);
    assert_string_equal(c.db, "postgres://vcm@db.example/vcm");
    assert_string_equal(H.listen, "0.0.0.0:9090");
    assert_string_equal(c.media, "/srv/media");
    assert_string_equal(c.data, "/srv/data");
    assert_int_equal(H.threads, 12);
    assert_string_equal(c.base_url, "https://vcm.example");
    /* What the environment does not name keeps its default. */
    assert_int_equal(c.batch, 1000);
    assert_int_equal(c.argc, 1);
    assert_string_equal(c.argv[0], "serve");
}

static void test_flags_override_environment(void **state)
{
    (void)state;
    setenv("VCM_DB", "sqlite:from-env.db", 1);
    setenv("VCM_LISTEN", "127.0.0.1:1111", 1);
    setenv("VCM_MEDIA", "env-media", 1);
    setenv("VCM_DATA", "env-data", 1);
    setenv("VCM_BATCH", "5", 1);
    vcm_config c;
    char err[256];
    expect_ok(LOAD(&c, err, "--db", "sqlite:from-flag.db", "--listen=127.0.0.1:2222",
                   "--media", "flag-media", "--data=flag-data"),
              err);
    assert_string_equal(c.db, "sqlite:from-flag.db");
    assert_string_equal(H.listen, "127.0.0.1:2222");
    assert_string_equal(c.media, "flag-media");
    assert_string_equal(c.data, "flag-data");
    assert_int_equal(c.batch, 5); /* from the environment, no flag */
}

static void test_equals_form(void **state)
{
    (void)state;
    vcm_config c;
    char err[256];
    expect_ok(LOAD(&c, err, "--threads=4", "--max-body=0", "--idle-timeout=3600",
                   "--base-url=https://x.example/a=b", "--log-level=warn", "--batch", "7"),
              err);
    assert_int_equal(H.threads, 4);
    assert_int_equal(H.max_body, 0);
    assert_int_equal(H.idle_timeout, 3600);
    /* Only the first '=' separates name and value. */
    assert_string_equal(c.base_url, "https://x.example/a=b");
    assert_string_equal(c.log_level, "warn");
    assert_int_equal(c.batch, 7);
    /* An empty value after '=' is a value. */
    expect_ok(LOAD(&c, err, "--base-url="), err);
    assert_string_equal(c.base_url, "");
}

static void test_flags_take_booleans(void **state)
{
    (void)state;
    vcm_config c;
    char err[256];
    expect_ok(LOAD(&c, err, "--quiet", "--help", "--version"), err);
    assert_int_equal(c.quiet, 1);
    assert_int_equal(c.help, 1);
    assert_int_equal(c.version, 1);
    /* A flag does not swallow the next argument. */
    expect_ok(LOAD(&c, err, "--quiet", "import"), err);
    assert_int_equal(c.quiet, 1);
    assert_int_equal(c.argc, 1);
    assert_string_equal(c.argv[0], "import");
    expect_ok(LOAD(&c, err, "--quiet=yes", "--quiet=false"), err);
    assert_int_equal(c.quiet, 0);
    expect_ok(LOAD(&c, err, "--quiet=no"), err);
    assert_int_equal(c.quiet, 0);
    expect_ok(LOAD(&c, err, "--quiet=true"), err);
    assert_int_equal(c.quiet, 1);
    assert_int_equal(LOAD(&c, err, "--quiet=maybe"), -1);
    assert_contains(err, "quiet");
    assert_contains(err, "maybe");
}

static void test_numeric_range_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "--threads=257", "--threads=-1",   "--threads=abc",      "--threads=4x",
        "--threads=",    "--batch=0",      "--idle-timeout=0",   "--idle-timeout=3601",
        "--max-header=4095", "--max-body=-1", "--max-connections=100001",
        "--threads=99999999999999999999999",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vcm_config c;
        char err[256];
        const char *name = bad[i] + 2;
        size_t n = (size_t)(strchr(name, '=') - name);
        if (LOAD(&c, err, (char *)bad[i]) != -1)
            fail_msg("%s was accepted", bad[i]);
        if (!strstr(err, "whole number") || strncmp(strchr(err, '\'') + 1, name, n) != 0)
            fail_msg("%s: message does not name the option: %s", bad[i], err);
    }
    /* The ends of each range are inside it. */
    vcm_config c;
    char err[256];
    expect_ok(LOAD(&c, err, "--threads=256", "--batch=1", "--max-header=4096",
                   "--max-connections=100000", "--max-body=1073741824"),
              err);
    assert_int_equal(H.threads, 256);
    assert_int_equal(c.batch, 1);
    assert_int_equal(H.max_header, 4096);
    assert_int_equal(H.max_connections, 100000);
    assert_int_equal(H.max_body, 1L << 30);
    assert_int_equal(LOAD(&c, err, "--threads", "300"), -1);
    assert_contains(err, "option --threads");
    assert_contains(err, "300");
    assert_contains(err, "0 to 256");
}

static void test_environment_errors_name_the_variable(void **state)
{
    (void)state;
    setenv("VCM_THREADS", "lots", 1);
    vcm_config c;
    char err[256];
    assert_int_equal(LOAD(&c, err, "serve"), -1);
    assert_contains(err, "environment VCM_THREADS");
    assert_contains(err, "lots");
}

static void test_unknown_option(void **state)
{
    (void)state;
    vcm_config c;
    char err[256];
    assert_int_equal(LOAD(&c, err, "--frobnicate=1"), -1);
    assert_contains(err, "unknown option '--frobnicate'");
    assert_int_equal(LOAD(&c, err, "serve", "--colour"), -1);
    assert_contains(err, "'--colour'");
    /* A prefix of a real option is not that option. */
    assert_int_equal(LOAD(&c, err, "--thread=2"), -1);
    assert_contains(err, "'--thread'");
    assert_int_equal(LOAD(&c, err, "--dbx", "a"), -1);
    assert_contains(err, "'--dbx'");
}

static void test_missing_value(void **state)
{
    (void)state;
    vcm_config c;
    char err[256];
    assert_int_equal(LOAD(&c, err, "serve", "--db"), -1);
    assert_contains(err, "--db");
    assert_contains(err, "needs a value");
}

static void test_too_long_value(void **state)
{
    (void)state;
    char longv[VCM_CONFIG_STR + 10];
    memset(longv, 'a', sizeof longv - 1);
    longv[sizeof longv - 1] = '\0';
    vcm_config c;
    char err[256];
    assert_int_equal(LOAD(&c, err, "--media", longv), -1);
    assert_contains(err, "media");
    assert_contains(err, "too long");
    /* Nothing half-copied. */
    assert_string_equal(c.media, "var/media");
    longv[VCM_CONFIG_STR - 1] = '\0'; /* 511 bytes: the most that fits */
    expect_ok(LOAD(&c, err, "--media", longv), err);
    assert_int_equal(strlen(c.media), VCM_CONFIG_STR - 1);
}

static void test_log_level(void **state)
{
    (void)state;
    vcm_config c;
    char err[256];
    static const char *const ok[] = {"--log-level=debug", "--log-level=info",
                                     "--log-level=warn", "--log-level=error",
                                     "--log-level=off"};
    for (size_t i = 0; i < 5; i++)
        expect_ok(LOAD(&c, err, (char *)ok[i]), err);
    assert_int_equal(LOAD(&c, err, "--log-level=loud"), -1);
    assert_contains(err, "loud");
    setenv("VCM_LOG_LEVEL", "chatty", 1);
    assert_int_equal(LOAD(&c, err, "serve"), -1);
    assert_contains(err, "chatty");
    /* The flag wins over the bad environment value. */
    expect_ok(LOAD(&c, err, "--log-level", "error"), err);
    assert_string_equal(c.log_level, "error");
    expect_ok(LOAD(&c, err, "--log-level=info"), err); /* leave the level as it was */
}

static void test_positional_arguments(void **state)
{
    (void)state;
    vcm_config c;
    char err[256];
    expect_ok(LOAD(&c, err, "import", "--db", "sqlite:x.db", "a.jsonl", "-", "-v", "--",
                   "--not-an-option", "b.jsonl"),
              err);
    assert_string_equal(c.db, "sqlite:x.db");
    assert_int_equal(c.argc, 6);
    assert_string_equal(c.argv[0], "import");
    assert_string_equal(c.argv[1], "a.jsonl");
    assert_string_equal(c.argv[2], "-");
    assert_string_equal(c.argv[3], "-v");
    assert_string_equal(c.argv[4], "--not-an-option");
    assert_string_equal(c.argv[5], "b.jsonl");
    /* The value of an option is not positional. */
    expect_ok(LOAD(&c, err, "--listen", "serve", "export"), err);
    assert_string_equal(H.listen, "serve");
    assert_int_equal(c.argc, 1);
    assert_string_equal(c.argv[0], "export");
}

static void test_too_many_arguments(void **state)
{
    (void)state;
    char *argv[VCM_CONFIG_MAX_ARGS + 3];
    argv[0] = "vcm";
    for (int i = 1; i <= VCM_CONFIG_MAX_ARGS + 1; i++)
        argv[i] = "x";
    vcm_config c;
    char err[256];
    defaults(&c);
    assert_int_equal(vcm_config_load(&c, VCM_CONFIG_MAX_ARGS + 1, argv, err, sizeof err), 0);
    assert_int_equal(c.argc, VCM_CONFIG_MAX_ARGS);
    defaults(&c);
    assert_int_equal(vcm_config_load(&c, VCM_CONFIG_MAX_ARGS + 2, argv, err, sizeof err), -1);
    assert_contains(err, "too many arguments");
}

static void test_config_file(void **state)
{
    struct fixture *f = *state;
    vt_write_file(f->path, "# VCM configuration\n"
                           "\n"
                           "db = sqlite:/srv/vcm.db   # the main database\n"
                           "  listen=0.0.0.0:80\n"
                           "\tthreads\t=\t8\t\n"
                           "quiet = yes\n"
                           "base-url = https://vcm.example\n"
                           "   # indented comment\n"
                           "media = /srv/media");  /* no final newline */
    vcm_config c;
    char err[256];
    defaults(&c);
    expect_ok(vcm_config_file(&c, f->path, err, sizeof err), err);
    assert_string_equal(c.db, "sqlite:/srv/vcm.db");
    assert_string_equal(H.listen, "0.0.0.0:80");
    assert_int_equal(H.threads, 8);
    assert_int_equal(c.quiet, 1);
    assert_string_equal(c.base_url, "https://vcm.example");
    assert_string_equal(c.media, "/srv/media");
    assert_string_equal(c.data, "../shared/data"); /* not in the file */
}

static void test_config_file_errors_name_file_and_line(void **state)
{
    struct fixture *f = *state;
    vcm_config c;
    char err[1024], want[700];

    vt_write_file(f->path, "db = sqlite:a.db\n# fine\nthis line has no equals sign\n");
    defaults(&c);
    assert_int_equal(vcm_config_file(&c, f->path, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:3:", f->path);
    assert_contains(err, want);
    assert_contains(err, "name = value");

    vt_write_file(f->path, "db = sqlite:a.db\ncolour = blue\n");
    defaults(&c);
    assert_int_equal(vcm_config_file(&c, f->path, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: unknown option 'colour'", f->path);
    assert_contains(err, want);

    vt_write_file(f->path, "\n\n\n\nthreads = 1000\n");
    defaults(&c);
    assert_int_equal(vcm_config_file(&c, f->path, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:5:", f->path);
    assert_contains(err, want);
    assert_contains(err, "threads");
    assert_contains(err, "1000");

    /* "config" is an option on the command line, not in a file. */
    vt_write_file(f->path, "config = other.conf\n");
    defaults(&c);
    assert_int_equal(vcm_config_file(&c, f->path, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:1:", f->path);
    assert_contains(err, want);

    char missing[600];
    snprintf(missing, sizeof missing, "%s/no-such.conf", f->dir);
    assert_int_equal(vcm_config_file(&c, missing, err, sizeof err), -1);
    assert_contains(err, "cannot open");
    assert_contains(err, missing);
}

static void test_config_file_line_too_long(void **state)
{
    struct fixture *f = *state;
    char *text = malloc(3000);
    memcpy(text, "data = ", 7);
    memset(text + 7, 'x', 2000);
    memcpy(text + 2007, "\n", 2);
    vt_write_file(f->path, text);
    free(text);
    vcm_config c;
    char err[1024];
    defaults(&c);
    assert_int_equal(vcm_config_file(&c, f->path, err, sizeof err), -1);
    assert_contains(err, ":1:");
    assert_string_equal(c.data, "../shared/data");
}

static void test_precedence_file_env_flags(void **state)
{
    struct fixture *f = *state;
    vt_write_file(f->path, "db = sqlite:file.db\n"
                           "listen = 127.0.0.1:1\n"
                           "media = file-media\n"
                           "batch = 11\n");
    setenv("VCM_LISTEN", "127.0.0.1:2", 1);
    setenv("VCM_MEDIA", "env-media", 1);
    vcm_config c;
    char err[1024];
    /* --config stands after the flags: the file is still read first. */
    expect_ok(LOAD(&c, err, "--media", "flag-media", "--config", f->path, "serve"), err);
    assert_string_equal(c.db, "sqlite:file.db");      /* file only */
    assert_string_equal(H.listen, "127.0.0.1:2");     /* env over file */
    assert_string_equal(c.media, "flag-media");       /* flag over env and file */
    assert_int_equal(c.batch, 11);
    assert_int_equal(c.argc, 1);
    assert_string_equal(c.argv[0], "serve");          /* FILE is not positional */

    expect_ok(LOAD(&c, err, "--config=" "/dev/null", "serve"), err);
    assert_string_equal(c.db, "sqlite:var/vcm.db");

    char opt[600];
    snprintf(opt, sizeof opt, "--config=%s", f->path);
    expect_ok(LOAD(&c, err, opt), err);
    assert_string_equal(c.db, "sqlite:file.db");
}

static void test_config_file_from_environment(void **state)
{
    struct fixture *f = *state;
    vt_write_file(f->path, "data = from-file\n");
    setenv("VCM_CONFIG", f->path, 1);
    vcm_config c;
    char err[1024];
    expect_ok(LOAD(&c, err, "serve"), err);
    assert_string_equal(c.data, "from-file");
    /* A bad file named by the environment is an error with its line. */
    vt_write_file(f->path, "data\n");
    assert_int_equal(LOAD(&c, err, "serve"), -1);
    assert_contains(err, ":1:");
    /* --config wins over VCM_CONFIG. */
    char other[600];
    snprintf(other, sizeof other, "%s/other.conf", f->dir);
    vt_write_file(other, "data = from-other\n");
    expect_ok(LOAD(&c, err, "--config", other), err);
    assert_string_equal(c.data, "from-other");
}

static void test_usage_lists_every_option(void **state)
{
    struct fixture *f = *state;
    FILE *out = fopen(f->path, "w+");
    assert_non_null(out);
    vcm_config_usage_sets(out, &Hset, 1);
    rewind(out);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, out);
    text[n] = '\0';
    fclose(out);
    static const char *const want[] = {"--db URL", "[VCM_DB]", "--listen ADDR:PORT", "[VCM_LISTEN]",
                                       "--media DIR", "[VCM_MEDIA]", "--data DIR", "[VCM_DATA]",
                                       "--threads N", "--quiet", "--config FILE", "--help",
                                       "--version"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_contains(text, want[i]);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_defaults),
        T(test_environment_overrides_defaults),
        T(test_flags_override_environment),
        T(test_equals_form),
        T(test_flags_take_booleans),
        T(test_numeric_range_errors),
        T(test_environment_errors_name_the_variable),
        T(test_unknown_option),
        T(test_missing_value),
        T(test_too_long_value),
        T(test_log_level),
        T(test_positional_arguments),
        T(test_too_many_arguments),
        T(test_config_file),
        T(test_config_file_errors_name_file_and_line),
        T(test_config_file_line_too_long),
        T(test_precedence_file_env_flags),
        T(test_config_file_from_environment),
        T(test_usage_lists_every_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
