/* Every fuzz target's corpus replayed, in every build and without clang:
 * for each fuzz/NAME.c, the program build/fuzz-replay/NAME (the target
 * linked with fuzz/replay.c by make) runs over fuzz/corpus/NAME/ in a child
 * process. A crash, a sanitizer report (in build/asan), an abort() of the
 * target's own checks, a leak or a hang fails that target's test, and the
 * test then replays the inputs one by one to name the first that fails.
 * Run from the top of the tree, as tests/run.sh does. */
#include <dirent.h>

#include "testutil.h"

#define REPLAY_TIMEOUT_S 600 /* whole corpus; the sanitizer build is slow */

static char replay_dir[1024];

/* Runs prog on path; returns its wait status, or -1 when it had to be
 * killed for running past the timeout. */
static int run(const char *prog, const char *path)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(prog, prog, path, (char *)NULL);
        _exit(127);
    }
    time_t end = time(NULL) + REPLAY_TIMEOUT_S;
    int st;
    for (;;) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid)
            return st;
        if (w < 0 && errno != EINTR)
            return -1;
        if (time(NULL) > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static bool ok(int st)
{
    return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void describe(int st, char *buf, size_t size)
{
    if (st == -1)
        snprintf(buf, size, "still running after %d s", REPLAY_TIMEOUT_S);
    else if (WIFSIGNALED(st))
        snprintf(buf, size, "killed by signal %d", WTERMSIG(st));
    else
        snprintf(buf, size, "exit status %d", WEXITSTATUS(st));
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir, sorted; *n of them (caller frees). */
static char **list_files(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    if (!d)
        return NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[2048];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            v = realloc(v, cap * sizeof *v);
            assert_non_null(v);
        }
        v[(*n)++] = strdup(path);
    }
    closedir(d);
    if (*n)
        qsort(v, *n, sizeof *v, by_name);
    return v;
}

static void free_files(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void test_target(void **state)
{
    const char *name = *state;
    char prog[1200], corpus[256], why[64];
    snprintf(prog, sizeof prog, "%s/%s", replay_dir, name);
    snprintf(corpus, sizeof corpus, "fuzz/corpus/%s", name);
    if (access(prog, X_OK) != 0)
        fail_msg("no replay program '%s' (make check builds it)", prog);
    size_t n;
    char **files = list_files(corpus, &n);
    if (n == 0)
        fail_msg("fuzz target '%s' has no seed corpus in %s", name, corpus);
    int st = run(prog, corpus);
    if (ok(st)) {
        free_files(files, n);
        return;
    }
    describe(st, why, sizeof why);
    fprintf(stderr, "%s on %s: %s; replaying its inputs one by one\n", name, corpus, why);
    for (size_t i = 0; i < n; i++) {
        int one = run(prog, files[i]);
        if (!ok(one)) {
            describe(one, why, sizeof why);
            fail_msg("fuzz target '%s' fails on %s (%s)", name, files[i], why);
        }
    }
    free_files(files, n);
    fail_msg("fuzz target '%s' fails on its corpus %s (%s), though on no input alone", name,
             corpus, why);
}

/* A corpus without its target would never run: name it. */
static void test_every_corpus_has_a_target(void **state)
{
    (void)state;
    DIR *d = opendir("fuzz/corpus");
    assert_non_null(d);
    struct dirent *e;
    int corpora = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char src[512];
        snprintf(src, sizeof src, "fuzz/%s.c", e->d_name);
        if (access(src, R_OK) != 0)
            fail_msg("fuzz/corpus/%s has no target %s", e->d_name, src);
        corpora++;
    }
    closedir(d);
    assert_true(corpora > 0);
}

int main(void)
{
    /* the replay programs sit beside the build's vcm: build/ or build/asan/ */
    const char *bin = vt_bin(), *slash = strrchr(bin, '/');
    snprintf(replay_dir, sizeof replay_dir, "%.*s/fuzz-replay",
             slash ? (int)(slash - bin) : 1, slash ? bin : ".");

    size_t n;
    char **src = list_files("fuzz", &n);
    struct CMUnitTest *tests = calloc(n + 1, sizeof *tests);
    char (*names)[64] = calloc(n + 1, sizeof *names);
    if (!tests || !names || n == 0) {
        fprintf(stderr, "no fuzz targets found in fuzz/ (run from the top of the tree)\n");
        return 1;
    }
    size_t nt = 0;
    for (size_t i = 0; i < n; i++) {
        const char *base = src[i] + strlen("fuzz/");
        size_t l = strlen(base);
        if (l < 3 || l - 2 >= sizeof names[0] || strcmp(base + l - 2, ".c") != 0 ||
            strcmp(base, "replay.c") == 0)
            continue;
        memcpy(names[nt], base, l - 2);
        names[nt][l - 2] = '\0';
        tests[nt] = (struct CMUnitTest){names[nt], test_target, NULL, NULL, names[nt]};
        nt++;
    }
    tests[nt++] = (struct CMUnitTest)cmocka_unit_test(test_every_corpus_has_a_target);
    int rc = _cmocka_run_group_tests("fuzz_replay", tests, nt, NULL, NULL);
    free_files(src, n);
    free(tests);
    free(names);
    return rc;
}
