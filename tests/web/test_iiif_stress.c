/* IIIF under concurrent load, over real HTTP: eight client threads send a
 * mix of tiles, info.json, thumbnails, unique regions (no cache can answer
 * them), rotations, qualities and formats, with HEAD and conditional
 * requests among them, for VCM_STRESS_SECS seconds (20 by default; at
 * least VCM_STRESS_MIN renderings anew, 100 by default) to a
 * server whose derivative cache is at its minimum (1 MiB) and whose memos
 * are small (--memo-size), so that every cache and memo of the image path
 * fills and evicts many times over while several threads use it.
 *
 * What must hold: every answer is a 200 (or 304 to a conditional request)
 * whose bytes are an image of the format asked for; the server is alive
 * at the end and stops with status 0; its log holds no sanitizer report
 * (this test runs in the ASan pass of make test too, where a double free
 * or a use after free aborts the server at once). */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>

/* run by itself (tests/run.sh): a load test: it counts the work done in a time */
VT_ALONE;

static char *dir;
static char db[1024], media[700], logfile[800];
static struct vt_server srv;

struct img {
    const char *id;
    int w, h;
};
static const struct img imgs[] = {{"big", 3000, 2200}, {"jade-a", 1088, 816}, {"jade-t", 1088, 816}};
enum { NIMG = sizeof imgs / sizeof imgs[0] };

static atomic_long n_req, n_bad, n_unique, n_304;
static char first_bad[512];
static pthread_mutex_t bad_mu = PTHREAD_MUTEX_INITIALIZER;
static double deadline;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char *out = NULL;
    int rc = vt_sh(&out, "%s", cmd);
    if (rc != 0)
        print_message("command failed (%d): %s\n%s\n", rc, cmd, out ? out : "");
    free(out);
    return rc;
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    snprintf(db, sizeof db, "sqlite:%s/t.db", dir);
    snprintf(media, sizeof media, "%s/media", dir);
    snprintf(logfile, sizeof logfile, "%s/serve.log", dir);
    if (run("grep -m 3 'National Palace Museum' %s/collection.jsonl > %s/npm.jsonl && "
            "%s import --quiet --db '%s' %s/npm.jsonl",
            vt_data(), dir, vt_bin(), db, dir) != 0)
        fail_msg("import failed");
    /* a larger photograph-like image (noise blurred, in three bands), so
     * that regions decode several tiles of several levels */
    if (run("cd %s && vips gaussnoise n.v 3000 2200 --sigma 50 --mean 128 && "
            "vips gaussblur n.v b.v 2 && vips cast b.v c.v uchar && "
            "vips bandjoin 'c.v c.v c.v' big.jpg[Q=90] && rm -f n.v b.v c.v", dir) != 0)
        fail_msg("cannot make the test image");
    const char *objects[] = {"1", "2", "3"};
    const char *files[NIMG];
    char f0[800], f1[800], f2[800];
    snprintf(f0, sizeof f0, "%s/big.jpg", dir);
    snprintf(f1, sizeof f1, "%s/images/npm_taipei/jade070_00.jpg", vt_data());
    snprintf(f2, sizeof f2, "%s/images/npm_taipei/jade001_00.tiff", vt_data());
    files[0] = f0;
    files[1] = f1;
    files[2] = f2;
    for (int i = 0; i < NIMG; i++)
        if (run("%s media add --quiet --db '%s' --media %s %s '%s' --id %s", vt_bin(), db, media,
                objects[i], files[i], imgs[i].id) != 0)
            fail_msg("media add of %s failed", files[i]);

    srv.port = vt_free_port();
    snprintf(srv.base, sizeof srv.base, "http://127.0.0.1:%d", srv.port);
    srv.pid = fork();
    assert_true(srv.pid >= 0);
    if (srv.pid == 0) {
        char listen[32];
        snprintf(listen, sizeof listen, "127.0.0.1:%d", srv.port);
        FILE *lf = freopen(logfile, "w", stderr);
        (void)lf;
        execl(vt_bin(), vt_bin(), "serve", "--db", db, "--media", media, "--listen", listen,
              "--log-level", "warn", "--threads", "4", "--cache-size", "1048576",
              "--memo-size", "262144", (char *)NULL);
        _exit(127);
    }
    vt_server_wait(&srv);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (srv.pid > 0)
        vt_server_stop(&srv);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

/* The path of one request of the mix, and the magic bytes its answer must
 * begin with. */
static void pick(unsigned *seed, char *path, size_t n, const char **magic, size_t *magic_len,
                 bool *unique)
{
    const struct img *im = &imgs[rand_r(seed) % NIMG];
    int k = rand_r(seed) % 100;
    const char *fmt = "jpg";
    *unique = false;
    if (k < 25) {
        /* a whole tile of a level, as a viewer asks */
        int s = 1 << (rand_r(seed) % 4), t = 256 * s;
        int cols = (im->w + t - 1) / t, rows = (im->h + t - 1) / t;
        int x = (rand_r(seed) % cols) * t, y = (rand_r(seed) % rows) * t;
        int w = im->w - x < t ? im->w - x : t, h = im->h - y < t ? im->h - y : t;
        snprintf(path, n, "/iiif/%s/%d,%d,%d,%d/%d,/0/default.jpg", im->id, x, y, w, h,
                 (w + s - 1) / s);
    } else if (k < 35) {
        snprintf(path, n, "/iiif/%s/info.json", im->id);
        *magic = "{";
        *magic_len = 1;
        return;
    } else if (k < 50) {
        snprintf(path, n, "/iiif/%s/full/%d,/0/default.jpg", im->id, 64 + rand_r(seed) % 200);
    } else if (k < 85) {
        /* a region nobody asked for before, scaled small */
        int w = 16 + rand_r(seed) % (im->w / 2), h = 16 + rand_r(seed) % (im->h / 2);
        int x = rand_r(seed) % (im->w - w), y = rand_r(seed) % (im->h - h);
        int sw = 8 + rand_r(seed) % (w < 160 ? w - 7 : 152);
        snprintf(path, n, "/iiif/%s/%d,%d,%d,%d/%d,/0/default.jpg", im->id, x, y, w, h, sw);
        *unique = true;
    } else {
        static const char *const q[] = {"default", "gray", "bitonal", "color"};
        static const char *const f[] = {"jpg", "png", "webp"};
        fmt = f[rand_r(seed) % 3];
        int rot = rand_r(seed) % 4 == 0 ? 90 * (rand_r(seed) % 4) : rand_r(seed) % 360;
        snprintf(path, n, "/iiif/%s/square/%d,/%s%d/%s.%s", im->id, 32 + rand_r(seed) % 96,
                 rand_r(seed) % 2 ? "!" : "", rot, q[rand_r(seed) % 4], fmt);
        *unique = true;
    }
    if (strcmp(fmt, "jpg") == 0) {
        *magic = "\xFF\xD8\xFF";
        *magic_len = 3;
    } else if (strcmp(fmt, "png") == 0) {
        *magic = "\x89PNG";
        *magic_len = 4;
    } else {
        *magic = "RIFF";
        *magic_len = 4;
    }
}

struct sink {
    char *buf;
    size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct sink *s = ud;
    size_t add = size * n;
    char *nb = realloc(s->buf, s->len + add + 1);
    if (!nb)
        return 0;
    memcpy(nb + s->len, p, add);
    s->len += add;
    s->buf = nb;
    return add;
}

/* Keeps the ETag of an answer. */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    char *etag = ud;
    size_t len = size * n;
    if (len > 6 && strncasecmp(p, "ETag:", 5) == 0) {
        const char *v = p + 5;
        while (*v == ' ')
            v++;
        size_t k = (size_t)(p + len - v);
        while (k && (v[k - 1] == '\r' || v[k - 1] == '\n'))
            k--;
        if (k < 100) {
            memcpy(etag, v, k);
            etag[k] = '\0';
        }
    }
    return len;
}

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
    atomic_fetch_add(&n_bad, 1);
    pthread_mutex_lock(&bad_mu);
    if (!first_bad[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(first_bad, sizeof first_bad, fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&bad_mu);
}

static void *client(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u + (unsigned)time(NULL);
    CURL *c = curl_easy_init();
    if (!c) {
        bad("no curl handle");
        return NULL;
    }
    while (now_s() < deadline) {
        char path[256], url[512];
        const char *magic = "";
        size_t magic_len = 0;
        bool unique;
        pick(&seed, path, sizeof path, &magic, &magic_len, &unique);
        snprintf(url, sizeof url, "%s%s", srv.base, path);
        int how = rand_r(&seed) % 10; /* 0: HEAD, 1: GET then a conditional GET, else GET */
        struct sink s = {NULL, 0};
        struct curl_slist *hl = NULL;
        char etag[128] = "";
        curl_easy_reset(c);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, etag);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
        if (how == 0)
            curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        CURLcode rc = curl_easy_perform(c);
        if (how == 1 && rc == CURLE_OK && etag[0]) {
            char h[160];
            snprintf(h, sizeof h, "If-None-Match: %s", etag);
            hl = curl_slist_append(hl, h);
            curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
            free(s.buf);
            s.buf = NULL;
            s.len = 0;
            rc = curl_easy_perform(c);
        }
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        atomic_fetch_add(&n_req, 1);
        if (rc != CURLE_OK)
            bad("%s: %s", path, curl_easy_strerror(rc));
        else if (status == 304 && hl)
            atomic_fetch_add(&n_304, 1);
        else if (status != 200)
            bad("%s: status %ld: %.200s", path, status, s.buf ? s.buf : "");
        else if (how != 0 && (s.len < magic_len || memcmp(s.buf, magic, magic_len) != 0))
            bad("%s: %zu bytes that are not the format asked for", path, s.len);
        else if (unique)
            atomic_fetch_add(&n_unique, 1);
        curl_slist_free_all(hl);
        free(s.buf);
    }
    curl_easy_cleanup(c);
    return NULL;
}

static void test_mixed_load(void **state)
{
    (void)state;
    const char *e = getenv("VCM_STRESS_SECS");
    double secs = e && atof(e) > 0 ? atof(e) : 20;
    deadline = now_s() + secs;
    enum { THREADS = 8 };
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, client, (void *)(uintptr_t)(i + 1)), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    print_message("%ld requests in %.0f s: %ld rendered anew, %ld not modified, %ld bad\n",
                  atomic_load(&n_req), secs, atomic_load(&n_unique), atomic_load(&n_304),
                  atomic_load(&n_bad));
    int st;
    if (waitpid(srv.pid, &st, WNOHANG) == srv.pid) {
        srv.pid = 0;
        char *log = NULL;
        vt_sh(&log, "tail -c 3000 %s", logfile);
        fail_msg("the server died during the load (status %d): %s", st, log ? log : "");
    }
    if (atomic_load(&n_bad))
        fail_msg("%ld bad answers; the first: %s", atomic_load(&n_bad), first_bad);
    /* enough work to have evicted every cache and memo many times over:
     * each unique rendering adds at least a few hundred bytes to a 1 MiB
     * cache and 256 KiB memos */
    const char *m = getenv("VCM_STRESS_MIN");
    long min_unique = m && atol(m) > 0 ? atol(m) : 100;
    if (atomic_load(&n_unique) < min_unique)
        fail_msg("only %ld unique renderings, fewer than %ld: too little load to evict the caches",
                 atomic_load(&n_unique), min_unique);
    assert_true(atomic_load(&n_304) >= 1);
    /* the derivative cache stayed within its bound (header room aside) */
    char *out = NULL;
    assert_int_equal(vt_sh(&out, "du -sb %s/cache | cut -f1", media), 0);
    long long bytes = atoll(out);
    free(out);
    assert_true(bytes > 0 && bytes < 2 * 1048576 + 257 * 4096);
    /* and the server still answers, and stops cleanly */
    struct vt_resp r = vt_get(&srv, "/iiif/big/info.json");
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
    int code = vt_server_stop(&srv);
    srv.pid = 0;
    char *log = NULL;
    vt_sh(&log, "grep -E 'AddressSanitizer|runtime error|ThreadSanitizer|double free|corruption' "
                "%s | head -c 3000", logfile);
    if (log && *log)
        fail_msg("the server's log has a sanitizer report: %s", log);
    free(log);
    assert_int_equal(code, 0);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixed_load),
    };
    int r = cmocka_run_group_tests(tests, group_setup, group_teardown);
    curl_global_cleanup();
    return r;
}
