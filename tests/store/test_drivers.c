/* The store is written once: the engines' own calls stay in the drivers,
 * which stay small and share no logic. Reads the sources (run from the
 * repository, as tests/run.sh does):
 * - every file of src/store/ that calls sqlite3_… or PQ… is a driver
 *   (drv_*.c), and the drivers together are under 1,600 lines;
 * - no run of six or more lines alike but for names and values (comments,
 *   blank lines, #include lines and lone braces aside) is in both drivers. */
#include "testutil.h"

#include <ctype.h>
#include <dirent.h>

#define RUN 6

struct lines {
    char **v;
    size_t n, cap, total;
};

static void push(struct lines *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    l->v[l->n++] = strdup(s);
}

static bool is_keyword(const char *w, size_t n)
{
    static const char *const kw[] = {"if", "else", "for", "while", "return", "switch", "case",
                                     "break", "continue", "goto", "static", "const", "struct",
                                     "sizeof", "void", "int", "bool", "char", "NULL", "true",
                                     "false"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (strlen(kw[i]) == n && memcmp(kw[i], w, n) == 0)
            return true;
    return false;
}

/* A line with every name written "a", every number "0", every string and
 * character literal empty, no spaces, no comment. */
static void normalise(const char *in, char *out, size_t size, bool *in_comment)
{
    size_t o = 0;
    for (const char *p = in; *p && o + 8 < size;) {
        if (*in_comment) {
            if (p[0] == '*' && p[1] == '/') {
                *in_comment = false;
                p += 2;
            } else {
                p++;
            }
        } else if (p[0] == '/' && p[1] == '*') {
            *in_comment = true;
            p += 2;
        } else if (p[0] == '/' && p[1] == '/') {
            break;
        } else if (*p == '"' || *p == '\'') {
            char q = *p++;
            while (*p && *p != q)
                p += p[0] == '\\' && p[1] ? 2 : 1;
            if (*p)
                p++;
            out[o++] = q;
        } else if (isalpha((unsigned char)*p) || *p == '_') {
            const char *w = p;
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            if (is_keyword(w, (size_t)(p - w))) {
                memcpy(out + o, w, (size_t)(p - w) < size - o - 1 ? (size_t)(p - w) : 0);
                o += (size_t)(p - w) < size - o - 1 ? (size_t)(p - w) : 0;
            } else {
                out[o++] = 'a';
            }
        } else if (isdigit((unsigned char)*p)) {
            while (isalnum((unsigned char)*p) || *p == '.')
                p++;
            out[o++] = '0';
        } else if (isspace((unsigned char)*p)) {
            p++;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

static void read_lines(const char *path, struct lines *l)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s (run from the repository)", path);
    char line[4096], norm[4096];
    bool in_comment = false;
    while (fgets(line, sizeof line, f)) {
        l->total++;
        const char *t = line;
        while (isspace((unsigned char)*t))
            t++;
        if (!in_comment && strncmp(t, "#include", 8) == 0)
            continue;
        normalise(t, norm, sizeof norm, &in_comment);
        if (!*norm || strcmp(norm, "{") == 0 || strcmp(norm, "}") == 0 ||
            strcmp(norm, "};") == 0)
            continue;
        push(l, norm);
    }
    fclose(f);
}

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static bool calls_engine(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        for (const char *p = line; *p && !found; p++)
            found = ((strncmp(p, "sqlite3_", 8) == 0 && islower((unsigned char)p[8])) ||
                     (p[0] == 'P' && p[1] == 'Q' && islower((unsigned char)p[2]))) &&
                    (p == line || !(isalnum((unsigned char)p[-1]) || p[-1] == '_'));
    fclose(f);
    return found;
}

static void test_only_drivers_call_engines(void **state)
{
    (void)state;
    DIR *d = opendir("src/store");
    if (!d)
        fail_msg("cannot read src/store (run from the repository)");
    struct dirent *e;
    size_t lines = 0, drivers = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 3 || (strcmp(e->d_name + n - 2, ".c") != 0 && strcmp(e->d_name + n - 2, ".h") != 0))
            continue;
        char path[600];
        snprintf(path, sizeof path, "src/store/%s", e->d_name);
        if (!calls_engine(path))
            continue;
        if (strncmp(e->d_name, "drv_", 4) != 0)
            fail_msg("%s calls the engine: only drivers (drv_*.c) may", path);
        struct lines l = {0};
        read_lines(path, &l);
        lines += l.total;
        drivers++;
        lines_free(&l);
    }
    closedir(d);
    assert_int_equal(drivers, 2);
    if (lines >= 1600)
        fail_msg("the drivers have %zu lines together: keep them under 1,600", lines);
}

static void test_drivers_share_no_run(void **state)
{
    (void)state;
    struct lines a = {0}, b = {0};
    read_lines("src/store/drv_sqlite.c", &a);
    read_lines("src/store/drv_pg.c", &b);
    assert_true(a.n > 100 && b.n > 100);
    for (size_t i = 0; i + RUN <= a.n; i++)
        for (size_t j = 0; j + RUN <= b.n; j++) {
            size_t k = 0;
            while (k < RUN && strcmp(a.v[i + k], b.v[j + k]) == 0)
                k++;
            if (k == RUN)
                fail_msg("the drivers share a run of %d lines alike: drv_sqlite.c's line %zu "
                         "and on ('%s', '%s', …) and drv_pg.c's (normalised lines %zu)",
                         RUN, i + 1, a.v[i], a.v[i + 1], j + 1);
        }
    lines_free(&a);
    lines_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_drivers_call_engines),
        cmocka_unit_test(test_drivers_share_no_run),
    };
    return cmocka_run_group_tests_name("store/drivers", tests, NULL, NULL);
}
