/* debounce: batches file events. Changed paths collect in a set (each path
 * once) until events have stopped coming for a while. How long depends on
 * what came: a save after a quiet spell (its few events within settle_ms
 * of the first) is due after settle_ms of quiet, tens of milliseconds, so
 * it reaches the containers at once; a burst (a checkout, a formatter run,
 * events spread over more than settle_ms, or a batch that starts within
 * quiet_ms of the last one's latest event) is due after quiet_ms of quiet,
 * so it stays one batch. A batch that keeps growing is still handed out
 * max_wait_ms after its first event, so a file written without pause
 * cannot hold the others back forever. (compose waits 500 ms of quiet
 * every time.) Pure: the caller passes the time (milliseconds, any
 * monotonic origin) and owns the timer.
 *
 * Memory: the set owns copies of its paths, at most cap of them (later
 * paths are dropped and counted); debounce_take hands them out and frees
 * the table, so an idle debouncer holds nothing. */
#ifndef WCOMPOSE_WATCH_DEBOUNCE_H
#define WCOMPOSE_WATCH_DEBOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "util/strvec.h"

/* The defaults of struct debounce_times. */
#define DEBOUNCE_SETTLE_MS 20
#define DEBOUNCE_QUIET_MS 150
#define DEBOUNCE_MAX_WAIT_MS 2000
#define DEBOUNCE_CAP 65536
/* The longest path kept (longer ones are dropped and counted). */
#define DEBOUNCE_PATH_MAX 4096

struct debounce_times {
  uint64_t settle_ms;   /* quiet that ends a save after a quiet spell */
  uint64_t quiet_ms;    /* quiet that ends a burst */
  uint64_t max_wait_ms; /* from a batch's first event, at the latest */
};
#define DEBOUNCE_TIMES_INIT                                                    \
  {                                                                            \
    DEBOUNCE_SETTLE_MS, DEBOUNCE_QUIET_MS, DEBOUNCE_MAX_WAIT_MS                \
  }

struct debounce {
  struct debounce_times t;
  size_t cap;
  char **slots; /* open addressing, NULL: free */
  size_t nslots, n;
  uint64_t first, last; /* time of the first and the latest event */
  size_t dropped;       /* paths left out of this batch (cap, length) */
  int follows;          /* this batch began within quiet_ms of the last */
  int taken;            /* a batch was taken before: prev is set */
  uint64_t prev;        /* the latest event of the batch taken last */
};

/* times NULL: the defaults. A settle_ms above quiet_ms is taken as
 * quiet_ms. */
void debounce_init(struct debounce *d, const struct debounce_times *times,
                   size_t cap);
/* Note that path changed at now: 1 when new to the batch, 0 when already in
 * it (the wait for quiet starts again either way), ERR_LIMIT when dropped
 * (over the cap or DEBOUNCE_PATH_MAX). */
int debounce_add(struct debounce *d, const char *path, uint64_t now);
/* Milliseconds from now until the batch is due: 0 when it is due now,
 * UINT64_MAX when there is no batch. */
uint64_t debounce_wait(const struct debounce *d, uint64_t now);
/* When the batch is due: push its paths to out in byte order, start an
 * empty batch and return 1 (*dropped, when not NULL, gets the number of
 * paths left out of the batch taken). Else return 0 and leave out alone. */
int debounce_take(struct debounce *d, uint64_t now, struct strvec *out,
                  size_t *dropped);
/* 1 when the batch would go after the short settle (no burst so far). */
int debounce_settling(const struct debounce *d);
/* Take the batch for a burst: it goes after quiet_ms of quiet (an
 * editor's save that moved the file away and has not written it back
 * yet). */
void debounce_hold(struct debounce *d);
/* 1 when path is in the batch. */
int debounce_has(const struct debounce *d, const char *path);
/* fn(arg, path) for each path of the batch, in no order, until one returns
 * nonzero: that value; else 0. */
int debounce_each(const struct debounce *d,
                  int (*fn)(void *arg, const char *path), void *arg);
void debounce_release(struct debounce *d);

#endif
