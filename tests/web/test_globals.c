/* No mutable file-level state in src/web/ (web/web.h: it all hangs from
 * vcm_app): tests/web/globals.sh reads every object of src/web/ of this
 * build with nm and fails on writable data outside its allow-list. Also
 * shown failing, on objects made here with globals of every kind. */
#include "testutil.h"

#include <libgen.h>

/* The folder of this build's objects of src/web/ (VCM_TEST_BIN is O/vcm). */
static void web_objects(char *out, size_t size)
{
    char bin[1024];
    snprintf(bin, sizeof bin, "%s", vt_bin());
    snprintf(out, size, "%s/src/web", dirname(bin));
}

/* Every object of src/web/ is there and has none. */
static void test_web_has_no_mutable_globals(void **state)
{
    (void)state;
    char objs[1100];
    web_objects(objs, sizeof objs);
    char *out;
    int rc = vt_sh(&out, "sh tests/web/globals.sh %s", objs);
    if (rc != 0)
        fail_msg("%s", out);
    /* as many objects as sources: the check saw them all */
    char *n;
    assert_int_equal(vt_sh(&n, "ls src/web/*.c | wc -l"), 0);
    char want[64];
    snprintf(want, sizeof want, "globals: %d objects", atoi(n));
    assert_contains(out, want);
    free(n);
    free(out);
}

static void compile(const char *dir, const char *name, const char *src)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s.c", dir, name);
    vt_write_file(path, src);
    char *out;
    const char *cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "cc";
    if (vt_sh(&out, "%s -std=c17 -O2 -c -o %s/%s.o %s", cc, dir, name, path) != 0)
        fail_msg("cannot compile %s: %s", path, out);
    free(out);
}

/* Each kind of writable data is caught: a global, a static, one with an
 * initialiser, a thread-local one, one inside a function; const tables,
 * pointers and all, are not; the allow-list lets its one symbol through
 * in its own object only. */
static void test_check_catches_globals(void **state)
{
    (void)state;
    char *dir = vt_tmpdir();
    compile(dir, "bad",
            "int counter;\n"
            "static int hidden = 3;\n"
            "static _Thread_local int per_thread;\n"
            "static const char *const labels[] = {\"a\", \"b\"};\n"
            "static const int limit = 7;\n"
            "int bump(int i);\n"
            "int bump(int i)\n"
            "{\n"
            "    static int calls;\n"
            "    hidden += i;\n"
            "    per_thread++;\n"
            "    return ++calls + hidden + per_thread + counter + limit + labels[i & 1][0];\n"
            "}\n");
    static const char *const tls = "static _Thread_local void *json_arena;\n"
                                   "void *arena(void *a);\n"
                                   "void *arena(void *a)\n"
                                   "{\n"
                                   "    void *old = json_arena;\n"
                                   "    json_arena = a;\n"
                                   "    return old;\n"
                                   "}\n";
    compile(dir, "app", tls);
    char *out;
    assert_int_equal(vt_sh(&out, "sh tests/web/globals.sh %s", dir), 1);
    assert_contains(out, "'counter'");
    assert_contains(out, "'hidden'");
    assert_contains(out, "'per_thread'");
    assert_contains(out, "'calls");
    assert_contains(out, "4 mutable global(s) in 2 objects");
    assert_not_contains(out, "labels");
    assert_not_contains(out, "limit");
    assert_not_contains(out, "json_arena");
    free(out);

    /* the allowed name is allowed in app.o alone */
    vt_sh(NULL, "rm -f %s/*.o", dir);
    compile(dir, "museum", tls);
    assert_int_equal(vt_sh(&out, "sh tests/web/globals.sh %s", dir), 1);
    assert_contains(out, "'json_arena'");
    free(out);

    /* and an empty folder is an error, not a pass */
    vt_sh(NULL, "rm -f %s/*.o", dir);
    assert_int_equal(vt_sh(&out, "sh tests/web/globals.sh %s", dir), 2);
    free(out);
    vt_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web_has_no_mutable_globals),
        cmocka_unit_test(test_check_catches_globals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
