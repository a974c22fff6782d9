/* The render pool (pool.h).
 *
 * One mutex guards the queue (a singly linked FIFO of jobs) and the counts;
 * one condition variable wakes render threads when a job arrives or the
 * pool stops. `reserved` counts places promised by vcm_iiif_pool_reserve
 * and not yet filled or given back, and `waiting` the jobs in the queue:
 * their sum never exceeds `cap`, which is what bounds the queue even while
 * callers sit between reserve and submit.
 *
 * A render thread takes the oldest job, renders it outside the lock and
 * calls its done callback, also outside the lock: done may take its time
 * (write the disk cache, wake a connection) without holding up the queue. */
#include "iiif/pool.h"

#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iiif/image.h"
#include "core/banned.h"

struct vcm_iiif_pool {
    pthread_mutex_t mu;
    pthread_cond_t wake, idle; /* idle: running dropped to 0 */
    vcm_iiif_job *head, *tail;
    int cap, reserved, waiting, running;
    bool stopping;
    int nthreads;
    pthread_t *threads;
};

static void *render_thread(void *arg)
{
    vcm_iiif_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->head && !p->stopping)
            pthread_cond_wait(&p->wake, &p->mu);
        vcm_iiif_job *job = p->head;
        if (!job)
            break; /* stopping, and nothing is left to do */
        p->head = job->next;
        if (!p->head)
            p->tail = NULL;
        p->waiting--;
        p->running++;
        pthread_mutex_unlock(&p->mu);

        job->next = NULL;
        job->err[0] = '\0';
        job->turned_away = false;
        job->rc = vcm_iiif_render(job->pyramid, &job->r, &job->out, job->err, sizeof job->err);
        job->done(job);

        pthread_mutex_lock(&p->mu);
        if (--p->running == 0)
            pthread_cond_broadcast(&p->idle);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

vcm_iiif_pool *vcm_iiif_pool_new(int threads, int queue, char *err, size_t errlen)
{
    if (threads < 1 || queue < 1) {
        snprintf(err, errlen, "the render pool needs at least one thread and one place in its queue");
        return NULL;
    }
    vcm_iiif_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->threads = calloc((size_t)threads, sizeof *p->threads))) {
        free(p);
        snprintf(err, errlen, "cannot start the render pool: out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->idle, NULL);
    p->cap = queue;
    /* Threads inherit the creator's mask: a stop signal must reach the
     * server's sigwait, never end the process in a render thread. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    for (; p->nthreads < threads; p->nthreads++)
        if (pthread_create(&p->threads[p->nthreads], NULL, render_thread, p) != 0)
            break;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (p->nthreads < threads) {
        snprintf(err, errlen, "cannot start render thread %d of %d", p->nthreads + 1, threads);
        vcm_iiif_pool_free(p);
        return NULL;
    }
    return p;
}

int vcm_iiif_pool_reserve(vcm_iiif_pool *p)
{
    pthread_mutex_lock(&p->mu);
    bool ok = !p->stopping && p->reserved + p->waiting < p->cap;
    if (ok)
        p->reserved++;
    pthread_mutex_unlock(&p->mu);
    return ok ? 0 : -1;
}

void vcm_iiif_pool_submit(vcm_iiif_pool *p, vcm_iiif_job *job)
{
    assert(job->done && job->pyramid);
    job->next = NULL;
    pthread_mutex_lock(&p->mu);
    assert(p->reserved > 0);
    p->reserved--;
    /* reserved before the pool stopped taking jobs: its threads may be
     * gone, so turn it away like the others */
    bool away = p->stopping;
    if (!away) {
        p->waiting++;
        if (p->tail)
            p->tail->next = job;
        else
            p->head = job;
        p->tail = job;
        pthread_cond_signal(&p->wake);
    }
    pthread_mutex_unlock(&p->mu);
    if (away) {
        job->rc = -1;
        job->turned_away = true;
        snprintf(job->err, sizeof job->err, "the server is stopping");
        job->done(job);
    }
}

void vcm_iiif_pool_cancel(vcm_iiif_pool *p)
{
    pthread_mutex_lock(&p->mu);
    assert(p->reserved > 0);
    p->reserved--;
    pthread_mutex_unlock(&p->mu);
}

void vcm_iiif_pool_stop_taking(vcm_iiif_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    vcm_iiif_job *list = p->head;
    p->head = p->tail = NULL;
    p->waiting = 0;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    while (list) {
        vcm_iiif_job *job = list;
        list = job->next;
        job->next = NULL;
        job->rc = -1;
        job->turned_away = true;
        snprintf(job->err, sizeof job->err, "the server is stopping");
        job->done(job);
    }
    /* Then the renders being made: when this returns, every job taken so
     * far has had its done called. */
    pthread_mutex_lock(&p->mu);
    while (p->running > 0)
        pthread_cond_wait(&p->idle, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void vcm_iiif_pool_stats(vcm_iiif_pool *p, int *waiting, int *running)
{
    pthread_mutex_lock(&p->mu);
    *waiting = p->waiting;
    *running = p->running;
    pthread_mutex_unlock(&p->mu);
}

void vcm_iiif_pool_free(vcm_iiif_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    assert(!p->head && p->running == 0);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->idle);
    pthread_mutex_destroy(&p->mu);
    free(p->threads);
    free(p);
}
