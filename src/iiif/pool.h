/* The render pool: a fixed number of threads that run IIIF renders, fed by
 * a bounded queue, so that expensive images are made beside the connection
 * threads and never by them.
 *
 *     vcm_iiif_pool *p = vcm_iiif_pool_new(2, 64, err, sizeof err);
 *     if (vcm_iiif_pool_reserve(p) < 0) ... queue full: answer 503 ...
 *     job->pyramid = ...; job->r = ...; job->done = ...;
 *     vcm_iiif_pool_submit(p, job);   // done(job) runs on a render thread
 *     vcm_iiif_pool_free(p);          // finishes every job first
 *
 * A place in the queue is reserved before the job is handed over, so a
 * caller can refuse at once when the queue is full, or else set itself up
 * to wait (suspend its connection) knowing the job will be taken. */
#ifndef VCM_IIIF_POOL_H
#define VCM_IIIF_POOL_H
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "iiif/request.h"

typedef struct vcm_iiif_job vcm_iiif_job;
struct vcm_iiif_job {
    /* In: what to render (the caller owns both; they must live until done). */
    const char *pyramid;
    vcm_iiif_req r;
    /* Out, set before done runs: rc 0 and the encoded image in out (which
     * the job's owner initialises and releases), or rc -1 and a message. */
    vcm_buf out;
    int rc;
    bool turned_away; /* rc -1 without a render: the pool stopped taking jobs */
    char err[300];
    /* Runs on the render thread once the job is over; the pool does not
     * touch the job after it returns, so done may hand it back or free it. */
    void (*done)(vcm_iiif_job *job);
    void *ud;
    vcm_iiif_job *next; /* the pool's */
};

typedef struct vcm_iiif_pool vcm_iiif_pool;

/* Starts threads render threads (>= 1) behind a queue of at most queue
 * waiting jobs (>= 1). The threads run with SIGTERM, SIGINT and SIGPIPE
 * blocked, so the process's signal handling stays where it was. Returns
 * the pool, or NULL with a message in err. */
vcm_iiif_pool *vcm_iiif_pool_new(int threads, int queue, char *err, size_t errlen);

/* Takes a place in the queue: 0, or -1 when every place is taken (the
 * caller should then answer "busy" without rendering). Every 0 must be
 * followed by exactly one vcm_iiif_pool_submit or vcm_iiif_pool_cancel. */
int vcm_iiif_pool_reserve(vcm_iiif_pool *p);
/* Queues job into the place reserved before (or, when the pool has
 * stopped taking jobs since, turns it away as vcm_iiif_pool_stop_taking
 * does). */
void vcm_iiif_pool_submit(vcm_iiif_pool *p, vcm_iiif_job *job);
/* Gives a reserved place back unused. */
void vcm_iiif_pool_cancel(vcm_iiif_pool *p);

/* Stops taking jobs: reservations fail from now on, and every job still
 * waiting is taken off the queue unrendered, its done called at once (on
 * this thread) with rc -1 and turned_away set. Then waits for the jobs
 * being rendered to finish, so that on return every job submitted so far
 * has had its done called (a later submit is turned away at once). For a
 * server about to stop, which must neither wait for a whole queue nor stop
 * while a connection is still waiting for a render. */
void vcm_iiif_pool_stop_taking(vcm_iiif_pool *p);

/* Jobs waiting and jobs being rendered now. */
void vcm_iiif_pool_stats(vcm_iiif_pool *p, int *waiting, int *running);

/* Lets the queued and running jobs finish (each done runs), stops the
 * threads and frees p. NULL is allowed. */
void vcm_iiif_pool_free(vcm_iiif_pool *p);
#endif
