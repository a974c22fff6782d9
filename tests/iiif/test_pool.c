/* The render pool (src/iiif/pool.c) with real renders of a small pyramid
 * made here with libvips: the queue bound, giving places back, every job's
 * done called once with its result, jobs still queued finished by free,
 * and render threads that never take the process's stop signals. */
#include "testutil.h"

#include <pthread.h>
#include <signal.h>

#include <vips/vips.h>

#include "iiif/image.h"
#include "iiif/pool.h"

static char *tmp;
static vcm_iiif_media img;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int finished;
static bool signals_blocked = true;

static void on_done(vcm_iiif_job *job)
{
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    pthread_mutex_lock(&mu);
    if (!sigismember(&now, SIGTERM) || !sigismember(&now, SIGINT) || !sigismember(&now, SIGPIPE))
        signals_blocked = false;
    (*(int *)job->ud)++;
    finished++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static void wait_finished(int n)
{
    pthread_mutex_lock(&mu);
    while (finished < n)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
}

static vcm_iiif_job *job_new(const char *pyramid, int w, int *calls)
{
    vcm_iiif_job *j = calloc(1, sizeof *j);
    assert_non_null(j);
    j->pyramid = pyramid;
    j->r = (vcm_iiif_req){.rx = 0, .ry = 0, .rw = 640, .rh = 480, .w = w, .h = w * 3 / 4,
                          .format = VCM_IIIF_PNG};
    j->done = on_done;
    j->ud = calls;
    vcm_buf_init(&j->out, 0);
    return j;
}

static void job_free(vcm_iiif_job *j)
{
    vcm_buf_release(&j->out);
    free(j);
}

static int setup(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(vcm_iiif_init(err, sizeof err), 0);
    tmp = vt_tmpdir();
    char src[600], media[600];
    snprintf(src, sizeof src, "%s/src.png", tmp);
    snprintf(media, sizeof media, "%s/media", tmp);
    VipsImage *im;
    assert_int_equal(vips_xyz(&im, 640, 480, NULL), 0);
    VipsImage *u;
    assert_int_equal(vips_cast_uchar(im, &u, NULL), 0);
    assert_int_equal(vips_pngsave(u, src, NULL), 0);
    g_object_unref(u);
    g_object_unref(im);
    if (vcm_iiif_ingest(src, media, NULL, &img, err, sizeof err) != 0)
        fail_msg("ingest: %s", err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vt_rmrf(tmp);
    free(tmp);
    vcm_iiif_shutdown();
    return 0;
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char err[200] = "";
    assert_null(vcm_iiif_pool_new(0, 1, err, sizeof err));
    assert_contains(err, "at least one");
    assert_null(vcm_iiif_pool_new(1, 0, err, sizeof err));
    vcm_iiif_pool_free(NULL);
}

/* The queue holds at most its bound, promised places included. */
static void test_queue_bound(void **state)
{
    (void)state;
    char err[200];
    vcm_iiif_pool *p = vcm_iiif_pool_new(1, 2, err, sizeof err);
    assert_non_null(p);
    assert_int_equal(vcm_iiif_pool_reserve(p), 0);
    assert_int_equal(vcm_iiif_pool_reserve(p), 0);
    assert_int_equal(vcm_iiif_pool_reserve(p), -1);
    vcm_iiif_pool_cancel(p);
    assert_int_equal(vcm_iiif_pool_reserve(p), 0);
    assert_int_equal(vcm_iiif_pool_reserve(p), -1);
    vcm_iiif_pool_cancel(p);
    vcm_iiif_pool_cancel(p);
    int waiting, running;
    vcm_iiif_pool_stats(p, &waiting, &running);
    assert_int_equal(waiting, 0);
    assert_int_equal(running, 0);
    vcm_iiif_pool_free(p);
}

/* Each job is rendered and its done called exactly once, on a render
 * thread with the stop signals blocked; a failed render says why. */
static void test_jobs_run(void **state)
{
    (void)state;
    char err[200];
    vcm_iiif_pool *p = vcm_iiif_pool_new(2, 8, err, sizeof err);
    assert_non_null(p);
    finished = 0;
    int calls[6] = {0};
    vcm_iiif_job *jobs[6];
    for (int i = 0; i < 6; i++) {
        jobs[i] = job_new(i == 5 ? "/nonexistent/pyramid.tif" : img.pyramid, 64 * (i + 1),
                          &calls[i]);
        assert_int_equal(vcm_iiif_pool_reserve(p), 0);
        vcm_iiif_pool_submit(p, jobs[i]);
    }
    wait_finished(6);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(calls[i], 1);
        if (jobs[i]->rc != 0)
            fail_msg("job %d: %s", i, jobs[i]->err);
        VipsImage *im = vips_image_new_from_buffer(jobs[i]->out.data, jobs[i]->out.len, "", NULL);
        assert_non_null(im);
        assert_int_equal(im->Xsize, 64 * (i + 1));
        g_object_unref(im);
    }
    assert_int_equal(calls[5], 1);
    assert_int_equal(jobs[5]->rc, -1);
    assert_contains(jobs[5]->err, "pyramid.tif");
    assert_true(signals_blocked);
    vcm_iiif_pool_free(p);
    for (int i = 0; i < 6; i++)
        job_free(jobs[i]);
}

/* Freeing the pool finishes what is queued: no job is dropped unanswered
 * (a suspended connection waits for its done). */
static void test_free_finishes_queued_jobs(void **state)
{
    (void)state;
    char err[200];
    vcm_iiif_pool *p = vcm_iiif_pool_new(1, 16, err, sizeof err);
    assert_non_null(p);
    finished = 0;
    int calls[16] = {0};
    vcm_iiif_job *jobs[16];
    for (int i = 0; i < 16; i++) {
        jobs[i] = job_new(img.pyramid, 640, &calls[i]);
        assert_int_equal(vcm_iiif_pool_reserve(p), 0);
        vcm_iiif_pool_submit(p, jobs[i]);
    }
    vcm_iiif_pool_free(p);
    assert_int_equal(finished, 16);
    for (int i = 0; i < 16; i++) {
        assert_int_equal(calls[i], 1);
        assert_int_equal(jobs[i]->rc, 0);
        job_free(jobs[i]);
    }
}

/* A pool told to stop taking jobs answers the waiting ones at once,
 * unrendered, lets the running one finish, and refuses new ones, also one
 * whose place was reserved before. */
static void test_stop_taking(void **state)
{
    (void)state;
    char err[200];
    vcm_iiif_pool *p = vcm_iiif_pool_new(1, 8, err, sizeof err);
    assert_non_null(p);
    finished = 0;
    int calls[7] = {0};
    vcm_iiif_job *jobs[7];
    for (int i = 0; i < 7; i++) {
        jobs[i] = job_new(img.pyramid, 640, &calls[i]);
        assert_int_equal(vcm_iiif_pool_reserve(p), 0);
        if (i < 6)
            vcm_iiif_pool_submit(p, jobs[i]);
    }
    vcm_iiif_pool_stop_taking(p);
    /* every job submitted has been answered by now, the running one too */
    pthread_mutex_lock(&mu);
    assert_int_equal(finished, 6);
    pthread_mutex_unlock(&mu);
    assert_int_equal(vcm_iiif_pool_reserve(p), -1);
    vcm_iiif_pool_submit(p, jobs[6]); /* reserved before the stop */
    wait_finished(7);
    int made = 0, away = 0;
    for (int i = 0; i < 7; i++) {
        assert_int_equal(calls[i], 1);
        if (jobs[i]->turned_away) {
            assert_int_equal(jobs[i]->rc, -1);
            assert_int_equal(jobs[i]->out.len, 0);
            away++;
        } else {
            assert_int_equal(jobs[i]->rc, 0);
            made++;
        }
    }
    /* one thread: at most one job was being made when the stop came */
    assert_true(made <= 1);
    assert_int_equal(made + away, 7);
    assert_true(jobs[6]->turned_away);
    vcm_iiif_pool_free(p);
    for (int i = 0; i < 7; i++)
        job_free(jobs[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_queue_bound),
        cmocka_unit_test(test_jobs_run),
        cmocka_unit_test(test_free_finishes_queued_jobs),
        cmocka_unit_test(test_stop_taking),
    };
    return cmocka_run_group_tests_name("iiif/pool", tests, setup, teardown);
}
