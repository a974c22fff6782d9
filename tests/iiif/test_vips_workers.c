/* libvips worker threads that have sat idle for 15 s (src/iiif/image.c,
 * vips_semaphore_down_timeout).
 *
 * libvips before 8.15.4 lets such a thread leave while it is still on the
 * list of free workers: a pipeline started in that gap hands its task to the
 * leaving thread and then waits for ever, or writes into the freed thread
 * record (heap corruption). The gap itself cannot be hit on demand, so the
 * test checks what closes it: with such a libvips, workers idle for longer
 * than 15 s are still there, and renders started then finish. The test
 * also holds the gap open as far as it can (the workers, due to time out,
 * run at SCHED_IDLE on one CPU beside a busy thread while renders are
 * started), which catches the race itself on some runs only.
 *
 * About 17 s, nearly all of it waiting for libvips' 15 s. */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <vips/vips.h>

#include "core/buf.h"
#include "iiif/image.h"

enum { RENDERS = 8 };

static char *tmp;
static vcm_iiif_media img;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
    for (double left; (left = t - now()) > 0;) {
        struct timespec ts = {(time_t)left, (long)((left - (time_t)left) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

enum { MAX_WORKERS = 256 };

/* Puts every libvips worker thread of this process at SCHED_IDLE on CPU 0
 * (starve) or back (the policy may stay: an unprivileged thread cannot
 * always leave SCHED_IDLE; on all CPUs it runs anyway). Notes their thread
 * ids in tids (NULL: not wanted). Returns how many there are. */
static int workers(bool starve, pid_t *tids)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.')
            continue;
        char path[300], comm[32] = "";
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (!fgets(comm, sizeof comm, f))
            comm[0] = '\0';
        fclose(f);
        if (strncmp(comm, "libvips worker", 14) != 0)
            continue;
        pid_t tid = (pid_t)atoi(de->d_name);
        if (tids && n < MAX_WORKERS)
            tids[n] = tid;
        struct sched_param sp = {0};
        sched_setscheduler(tid, starve ? SCHED_IDLE : SCHED_OTHER, &sp);
        cpu_set_t cpus;
        CPU_ZERO(&cpus);
        if (starve)
            CPU_SET(0, &cpus);
        else
            for (int c = 0; c < CPU_SETSIZE; c++)
                CPU_SET(c, &cpus);
        sched_setaffinity(tid, sizeof cpus, &cpus);
        n++;
    }
    closedir(d);
    return n;
}

static atomic_bool busy;

/* Keeps CPU 0 busy while `busy` holds. */
static void *hog(void *arg)
{
    (void)arg;
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(0, &cpus);
    sched_setaffinity(0, sizeof cpus, &cpus);
    volatile uint64_t x = 0;
    while (atomic_load(&busy))
        x++;
    return NULL;
}

struct render {
    int i;
    atomic_bool done;
    int rc;
};

static void *render(void *arg)
{
    struct render *r = arg;
    char region[64], err[300];
    snprintf(region, sizeof region, "%d,%d,256,256", 32 * r->i, 16 * r->i);
    vcm_iiif_req q;
    vcm_buf out;
    vcm_buf_init(&out, (size_t)16 << 20);
    r->rc = vcm_iiif_parse(region, "max", "0", "default.jpg", img.width, img.height, NULL, &q,
                           NULL);
    if (r->rc == 0)
        r->rc = vcm_iiif_render(img.pyramid, &q, &out, err, sizeof err);
    vcm_buf_release(&out);
    atomic_store(&r->done, true);
    return NULL;
}

/* Starts RENDERS renders at once; waits for them until deadline (0 = for
 * ever). Returns how many did not finish (those threads are left behind). */
static int renders(double deadline, void (*meanwhile)(void))
{
    static struct render r[RENDERS];
    pthread_t th[RENDERS];
    for (int i = 0; i < RENDERS; i++) {
        r[i] = (struct render){.i = i};
        assert_int_equal(pthread_create(&th[i], NULL, render, &r[i]), 0);
    }
    if (meanwhile)
        meanwhile();
    int left = 0;
    for (int i = 0; i < RENDERS; i++) {
        while (!atomic_load(&r[i].done) && (deadline == 0 || now() < deadline))
            sleep_until(now() + 0.01);
        if (!atomic_load(&r[i].done)) {
            left++;
            pthread_detach(th[i]);
            continue;
        }
        pthread_join(th[i], NULL);
        assert_int_equal(r[i].rc, 0);
    }
    return left;
}

/* The renders have handed their tasks out; let the workers run again. */
static void release(void)
{
    sleep_until(now() + 0.3);
    atomic_store(&busy, false);
    workers(false, NULL);
}

static bool racy_libvips(void)
{
    int major = vips_version(0), minor = vips_version(1), micro = vips_version(2);
    return major < 8 || (major == 8 && (minor < 15 || (minor == 15 && micro < 4)));
}

static void test_idle_workers_stay_and_take_new_work(void **state)
{
    (void)state;
    /* Workers, all idle from the same moment. */
    assert_int_equal(renders(0, NULL), 0);
    double idle = now();
    static pid_t before[MAX_WORKERS], after[MAX_WORKERS];
    int nbefore = workers(false, before);
    assert_true(nbefore > 0 && nbefore <= MAX_WORKERS);

    /* Just before their 15 s are up, hold every worker back ... */
    sleep_until(idle + 14.5);
    atomic_store(&busy, true);
    pthread_t h;
    assert_int_equal(pthread_create(&h, NULL, hog, NULL), 0);
    workers(true, NULL);

    /* ... and when they are past them, ask for work. */
    sleep_until(idle + 15.5);
    int lost = renders(now() + 30, release);
    atomic_store(&busy, false);
    pthread_join(h, NULL);
    if (lost)
        fail_msg("%d of %d renders started while idle libvips workers timed out never "
                 "finished: their tasks went to threads that were leaving",
                 lost, RENDERS);
    if (!racy_libvips())
        skip();  /* libvips >= 8.15.4 retires idle workers safely, and may */

    /* Every worker of before is still there. */
    sleep_until(now() + 0.5);
    int nafter = workers(false, after), gone = 0;
    for (int i = 0; i < nbefore; i++) {
        bool found = false;
        for (int j = 0; j < nafter && j < MAX_WORKERS && !found; j++)
            found = after[j] == before[i];
        gone += !found;
    }
    if (gone)
        fail_msg("%d of %d libvips workers left after 15 s idle: with libvips %s a task "
                 "handed to one of them in that moment is lost or written to freed memory",
                 gone, nbefore, vips_version_string());
}

static int setup(void **state)
{
    (void)state;
    char err[300];
    if (vcm_iiif_init(err, sizeof err) != 0) {
        fprintf(stderr, "vcm_iiif_init: %s\n", err);
        return -1;
    }
    tmp = vt_tmpdir();
    char src[600];
    snprintf(src, sizeof src, "%s/noise.png", tmp);
    VipsImage *n = NULL, *u = NULL;
    if (vips_gaussnoise(&n, 1024, 768, "mean", 128.0, "sigma", 40.0, NULL) ||
        vips_cast_uchar(n, &u, NULL) || vips_pngsave(u, src, NULL)) {
        fprintf(stderr, "cannot make %s: %s\n", src, vips_error_buffer());
        return -1;
    }
    g_object_unref(n);
    g_object_unref(u);
    char media[600];
    snprintf(media, sizeof media, "%s/media", tmp);
    if (vcm_iiif_ingest(src, media, NULL, &img, err, sizeof err) != 0) {
        fprintf(stderr, "ingest: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_rmrf(tmp);
    free(tmp);
    /* no vcm_iiif_shutdown: a lost render (the failure) may still hold libvips */
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_workers_stay_and_take_new_work),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
