/* Replays inputs through one fuzz target without libFuzzer, so the corpora
 * run with the project's own compiler (gcc) in every build, the sanitizer
 * build included: `make check` runs each target's corpus through this
 * driver (tests/fuzz/test_replay.c), and a crash, a sanitizer report or a
 * broken invariant (the targets abort()) fails the test run.
 *
 *   build/fuzz-replay/NAME PATH...   each PATH a file, or a folder whose
 *                                    files are replayed in name order
 *
 * Linked with one fuzz/NAME.c, which supplies LLVMFuzzerTestOneInput. Each
 * input is passed in a buffer of exactly its size, as libFuzzer does, so
 * the sanitizers see a read past its end. Exits 0 when every input ran, 2
 * when a path cannot be read. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    uint8_t *data = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            uint8_t *d = realloc(data, cap);
            if (!d)
                goto out;
            data = d;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "replay: cannot read '%s'\n", path);
        goto out;
    }
    /* exactly n bytes, as libFuzzer passes them */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact)
        goto out;
    if (n)
        memcpy(exact, data, n);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    rc = 0;
out:
    fclose(f);
    free(data);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file of a folder, in name order; adds to *count. */
static int replay_dir(const char *path, size_t *count)
{
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = -1;
                break;
            }
            names = nn;
        }
        size_t l = strlen(path) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(l))) {
            rc = -1;
            break;
        }
        snprintf(names[n++], l, "%s/%s", path, e->d_name);
    }
    closedir(d);
    if (rc == 0)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            if (replay_file(names[i]) < 0)
                rc = -1;
            else
                (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE-OR-FOLDER...\n", argv[0]);
        return 2;
    }
    size_t count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: cannot open '%s': %s\n", argv[i], strerror(errno));
            return 2;
        }
        bool dir = S_ISDIR(st.st_mode);
        if ((dir ? replay_dir(argv[i], &count) : replay_file(argv[i])) < 0)
            return 2;
        if (!dir)
            count++;
    }
    printf("%s: %zu inputs replayed\n", argv[0], count);
    return 0;
}
