/* The derivative cache (src/iiif/cache.c) on a real folder: put and get,
 * replacing, the byte bound and least-recently-used order, reopening
 * (index rebuilt from the files, ordered by their times, leftovers of a
 * crash removed), damaged files, the buffer cap, and eight threads putting
 * and getting at once. */
#include "testutil.h"

#include <dirent.h>
#include <pthread.h>
#include <stdint.h>

#include <sodium.h>

#include "core/buf.h"
#include "iiif/cache.h"

enum { HDR = 32 }; /* bytes of header in each file */

/* The file the cache keeps key in. */
static void key_path(const char *dir, const char *key, char *path, size_t n)
{
    unsigned char id[32];
    char h[65];
    crypto_generichash(id, sizeof id, (const unsigned char *)key, strlen(key), NULL, 0);
    sodium_bin2hex(h, sizeof h, id, sizeof id);
    snprintf(path, n, "%s/%.2s/%s", dir, h, h);
}

static bool exists(const char *dir, const char *key)
{
    char p[1024];
    key_path(dir, key, p, sizeof p);
    return access(p, F_OK) == 0;
}

/* Bytes and count of the files under dir, as du would see them. */
static int64_t disk_bytes(const char *dir, int *files)
{
    char *out = NULL;
    assert_int_equal(vt_sh(&out, "find '%s' -type f -printf '%%s\\n' | awk '{s+=$1; n++} END "
                                 "{print s+0, n+0}'", dir),
                     0);
    long long s = 0;
    int n = 0;
    assert_int_equal(sscanf(out, "%lld %d", &s, &n), 2);
    free(out);
    if (files)
        *files = n;
    return s;
}

static void fill(char *p, size_t n, int seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (char)((i * 31 + (size_t)seed * 7) & 0xff);
}

static void put_n(vcm_iiif_cache *c, const char *key, size_t n, int seed)
{
    char *p = malloc(n ? n : 1);
    fill(p, n, seed);
    assert_int_equal(vcm_iiif_cache_put(c, key, p, n), 0);
    free(p);
}

static void assert_hit(vcm_iiif_cache *c, const char *key, size_t n, int seed)
{
    vcm_buf b;
    vcm_buf_init(&b, 0);
    int rc = vcm_iiif_cache_get(c, key, &b);
    if (rc != 1)
        fail_msg("expected a hit for '%s', got %d", key, rc);
    char *want = malloc(n ? n : 1);
    fill(want, n, seed);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, want, n);
    assert_int_equal(b.data[n], '\0');
    free(want);
    vcm_buf_release(&b);
}

static void assert_miss(vcm_iiif_cache *c, const char *key)
{
    vcm_buf b;
    vcm_buf_init(&b, 0);
    vcm_buf_puts(&b, "old");
    int rc = vcm_iiif_cache_get(c, key, &b);
    if (rc != 0)
        fail_msg("expected a miss for '%s', got %d", key, rc);
    assert_int_equal(b.len, 0);
    vcm_buf_release(&b);
}

static void test_put_get_replace(void **state)
{
    (void)state;
    char *dir = vt_tmpdir();
    char err[256] = "";
    vcm_iiif_cache *c = vcm_iiif_cache_open(dir, 1 << 20, err, sizeof err);
    assert_non_null(c);
    const char *key = "ce5ad6d4fa967e019cca0cedd05c04f2a95975f5fd43131250de4c77cd43c4ef/"
                      "0,0,1024,1024/256,256/0/default.jpg";
    assert_miss(c, key);
    put_n(c, key, 5000, 1);
    assert_true(exists(dir, key));
    assert_hit(c, key, 5000, 1);
    /* Keys differing in one character are different entries. */
    assert_miss(c, "ce5ad6d4fa967e019cca0cedd05c04f2a95975f5fd43131250de4c77cd43c4ef/"
                   "0,0,1024,1024/256,256/0/default.png");
    /* Replacing: new bytes, one entry, sizes follow. */
    put_n(c, key, 300, 2);
    assert_hit(c, key, 300, 2);
    int64_t bytes, n;
    vcm_iiif_cache_stats(c, &bytes, &n);
    assert_int_equal(n, 1);
    assert_int_equal(bytes, 300 + HDR);
    /* Empty data and binary data with NULs are kept as they are. */
    put_n(c, "empty", 0, 0);
    assert_hit(c, "empty", 0, 0);
    const char bin[] = "a\0b\0\xff";
    assert_int_equal(vcm_iiif_cache_put(c, "bin", bin, sizeof bin), 0);
    vcm_buf b;
    vcm_buf_init(&b, 0);
    assert_int_equal(vcm_iiif_cache_get(c, "bin", &b), 1);
    assert_int_equal(b.len, sizeof bin);
    assert_memory_equal(b.data, bin, sizeof bin);
    /* A file larger than the buffer's cap is an error, not a hit. */
    vcm_buf small;
    vcm_buf_init(&small, 100);
    put_n(c, "big", 1000, 3);
    assert_int_equal(vcm_iiif_cache_get(c, "big", &small), -1);
    assert_int_equal(small.len, 0);
    vcm_buf_release(&small);
    /* Data bigger than the whole cache is not stored. */
    put_n(c, "huge", 2 << 20, 4);
    assert_miss(c, "huge");
    assert_false(exists(dir, "huge"));
    /* No temporary files stay behind; files sit in 256 folders. */
    assert_int_equal(vt_sh(NULL, "test -z \"$(find '%s' -name '.tmp-*')\"", dir), 0);
    assert_int_equal(vt_sh(NULL, "test $(find '%s' -mindepth 1 -type d | wc -l) -eq 256", dir), 0);
    vcm_buf_release(&b);
    vcm_iiif_cache_close(c);
    vt_rmrf(dir);
    free(dir);
}

static void test_lru_eviction_and_bound(void **state)
{
    (void)state;
    char *dir = vt_tmpdir();
    char err[256] = "";
    /* Room for exactly four entries of 1000 bytes. */
    vcm_iiif_cache *c = vcm_iiif_cache_open(dir, 4 * (1000 + HDR), err, sizeof err);
    assert_non_null(c);
    put_n(c, "a", 1000, 'a');
    put_n(c, "b", 1000, 'b');
    put_n(c, "c", 1000, 'c');
    put_n(c, "d", 1000, 'd');
    assert_hit(c, "a", 1000, 'a'); /* a is now the most recent: b is the oldest */
    put_n(c, "e", 1000, 'e');
    assert_miss(c, "b");
    assert_false(exists(dir, "b"));
    assert_hit(c, "a", 1000, 'a');
    assert_hit(c, "c", 1000, 'c');
    /* Order now, oldest first: d e a c. A large put evicts two. */
    put_n(c, "f", 2000 + HDR, 'f');
    assert_miss(c, "d");
    assert_miss(c, "e");
    assert_hit(c, "a", 1000, 'a');
    assert_hit(c, "c", 1000, 'c');
    assert_hit(c, "f", 2000 + HDR, 'f');
    int files;
    int64_t bytes, n;
    vcm_iiif_cache_stats(c, &bytes, &n);
    assert_int_equal(disk_bytes(dir, &files), bytes);
    assert_int_equal(files, n);
    assert_int_equal(n, 3);
    assert_true(bytes <= 4 * (1000 + HDR));
    /* Many puts of varied sizes: never over the bound, index = disc. */
    for (int i = 0; i < 300; i++) {
        char key[32];
        snprintf(key, sizeof key, "k%d", i);
        put_n(c, key, (size_t)(i * 37) % 1500, i);
        vcm_iiif_cache_stats(c, &bytes, &n);
        assert_true(bytes <= 4 * (1000 + HDR));
    }
    assert_int_equal(disk_bytes(dir, &files), bytes);
    assert_int_equal(files, n);
    assert_hit(c, "k299", (299 * 37) % 1500, 299);
    vcm_iiif_cache_close(c);
    vt_rmrf(dir);
    free(dir);
}

static void set_time(const char *dir, const char *key, time_t t)
{
    char p[1024];
    key_path(dir, key, p, sizeof p);
    struct timespec ts[2] = {{t, 0}, {t, 0}};
    assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static void test_reopen_rebuilds_index(void **state)
{
    (void)state;
    char *dir = vt_tmpdir();
    char err[256] = "";
    vcm_iiif_cache *c = vcm_iiif_cache_open(dir, 1 << 20, err, sizeof err);
    assert_non_null(c);
    const char *keys[] = {"w", "x", "y", "z"};
    for (int i = 0; i < 4; i++)
        put_n(c, keys[i], 1000, i);
    vcm_iiif_cache_close(c);
    /* Last used, as the files tell it: y oldest, then w, z, x. */
    set_time(dir, "y", 1000000000);
    set_time(dir, "w", 1000000100);
    set_time(dir, "z", 1000000200);
    set_time(dir, "x", 1000000300);
    /* What a crash leaves: a temporary, and stray files that are not ours. */
    char p[1024];
    key_path(dir, "w", p, sizeof p);
    char *slash = strrchr(p, '/');
    snprintf(slash, sizeof p - (size_t)(slash - p), "/.tmp-abc123");
    vt_write_file(p, "half a tile");
    char stray[1024];
    snprintf(stray, sizeof stray, "%s/README", dir);
    vt_write_file(stray, "not a cache entry");

    c = vcm_iiif_cache_open(dir, 1 << 20, err, sizeof err);
    assert_non_null(c);
    assert_int_equal(access(p, F_OK), -1); /* the temporary is gone */
    assert_int_equal(access(stray, F_OK), 0);  /* other files are left alone */
    int64_t bytes, n;
    vcm_iiif_cache_stats(c, &bytes, &n);
    assert_int_equal(n, 4);
    assert_int_equal(bytes, 4 * (1000 + HDR));
    for (int i = 0; i < 4; i++)
        assert_hit(c, keys[i], 1000, i);
    vcm_iiif_cache_close(c);

    /* Reopened smaller: the oldest go first (y, then w). */
    set_time(dir, "y", 1000000000);
    set_time(dir, "w", 1000000100);
    set_time(dir, "z", 1000000200);
    set_time(dir, "x", 1000000300);
    c = vcm_iiif_cache_open(dir, 2 * (1000 + HDR) + 10, err, sizeof err);
    assert_non_null(c);
    assert_false(exists(dir, "y"));
    assert_false(exists(dir, "w"));
    assert_hit(c, "z", 1000, 3);
    assert_hit(c, "x", 1000, 1);
    assert_miss(c, "y");
    vcm_iiif_cache_close(c);

    /* Bad arguments. */
    assert_null(vcm_iiif_cache_open(dir, 0, err, sizeof err));
    assert_contains(err, "size");
    assert_null(vcm_iiif_cache_open(stray, 1000, err, sizeof err));
    assert_contains(err, "README");
    vt_rmrf(dir);
    free(dir);
}

static void test_damaged_files_are_misses(void **state)
{
    (void)state;
    char *dir = vt_tmpdir();
    char err[256] = "";
    vcm_iiif_cache *c = vcm_iiif_cache_open(dir, 1 << 20, err, sizeof err);
    assert_non_null(c);
    char p[1024];
    /* Cut short, as after a crash. */
    put_n(c, "cut", 4000, 1);
    key_path(dir, "cut", p, sizeof p);
    assert_int_equal(truncate(p, 2000), 0);
    assert_miss(c, "cut");
    assert_int_equal(access(p, F_OK), -1);
    /* Zero-length. */
    put_n(c, "zero", 4000, 2);
    key_path(dir, "zero", p, sizeof p);
    assert_int_equal(truncate(p, 0), 0);
    assert_miss(c, "zero");
    /* Right length, wrong bytes. */
    put_n(c, "flip", 4000, 3);
    key_path(dir, "flip", p, sizeof p);
    FILE *f = fopen(p, "r+b");
    fseek(f, 1000, SEEK_SET);
    fputc('!', f);
    fclose(f);
    assert_miss(c, "flip");
    /* Removed by hand. */
    put_n(c, "gone", 10, 4);
    key_path(dir, "gone", p, sizeof p);
    assert_int_equal(unlink(p), 0);
    assert_miss(c, "gone");
    int64_t bytes, n;
    vcm_iiif_cache_stats(c, &bytes, &n);
    assert_int_equal(n, 0);
    assert_int_equal(bytes, 0);
    /* And each can be stored again. */
    put_n(c, "cut", 4000, 5);
    assert_hit(c, "cut", 4000, 5);
    vcm_iiif_cache_close(c);
    vt_rmrf(dir);
    free(dir);
}

struct worker {
    vcm_iiif_cache *c;
    int id, hits, bad;
};

static void *worker(void *arg)
{
    struct worker *w = arg;
    unsigned s = (unsigned)w->id;
    vcm_buf b;
    vcm_buf_init(&b, 0);
    char *want = malloc(4096); /* the largest value is 500 + 63 * 40 */
    for (int i = 0; i < 2000; i++) {
        int k = rand_r(&s) % 64;
        char key[32];
        snprintf(key, sizeof key, "tile-%d", k);
        size_t n = 500 + (size_t)k * 40; /* the same key always has the same bytes */
        if (rand_r(&s) % 3 == 0) {
            fill(want, n, k);
            if (vcm_iiif_cache_put(w->c, key, want, n) != 0)
                w->bad++;
        } else {
            int rc = vcm_iiif_cache_get(w->c, key, &b);
            if (rc < 0)
                w->bad++;
            if (rc == 1) {
                fill(want, n, k);
                if (b.len != n || memcmp(b.data, want, n) != 0)
                    w->bad++;
                w->hits++;
            }
        }
    }
    free(want);
    vcm_buf_release(&b);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    char *dir = vt_tmpdir();
    char err[256] = "";
    const int64_t max = 40000; /* about a third of the 64 keys fit */
    vcm_iiif_cache *c = vcm_iiif_cache_open(dir, max, err, sizeof err);
    assert_non_null(c);
    pthread_t th[8];
    struct worker w[8];
    for (int i = 0; i < 8; i++) {
        w[i] = (struct worker){.c = c, .id = i + 1};
        assert_int_equal(pthread_create(&th[i], NULL, worker, &w[i]), 0);
    }
    int hits = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].bad, 0);
        hits += w[i].hits;
    }
    assert_true(hits > 100);
    int64_t bytes, n;
    vcm_iiif_cache_stats(c, &bytes, &n);
    assert_true(bytes <= max);
    /* Races may leave the index a miss or a file short of the disc, never
     * over the bound on it; reopening makes them agree again. */
    int files;
    vcm_iiif_cache_close(c);
    c = vcm_iiif_cache_open(dir, max, err, sizeof err);
    assert_non_null(c);
    vcm_iiif_cache_stats(c, &bytes, &n);
    assert_int_equal(disk_bytes(dir, &files), bytes);
    assert_int_equal(files, n);
    assert_true(bytes <= max);
    vcm_iiif_cache_close(c);
    vt_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_replace),
        cmocka_unit_test(test_lru_eviction_and_bound),
        cmocka_unit_test(test_reopen_rebuilds_index),
        cmocka_unit_test(test_damaged_files_are_misses),
        cmocka_unit_test(test_threads),
    };
    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
