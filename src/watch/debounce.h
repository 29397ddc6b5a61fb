/* debounce: batches file events as compose does. Changed paths collect in
 * a set (each path once) until no new event has come for a quiet period
 * (compose's 500 ms), so a burst of saves makes one batch; a batch that
 * keeps growing is still handed out after max_wait, so a file written
 * without pause cannot hold the others back forever. Pure: the caller
 * passes the time (milliseconds, any monotonic origin) and owns the timer.
 *
 * Memory: the set owns copies of its paths, at most cap of them (later
 * paths are dropped and counted); debounce_take hands them out and frees
 * the table, so an idle debouncer holds nothing. */
#ifndef WCOMPOSE_WATCH_DEBOUNCE_H
#define WCOMPOSE_WATCH_DEBOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "util/strvec.h"

#define DEBOUNCE_QUIET_MS 500
#define DEBOUNCE_MAX_WAIT_MS 10000
#define DEBOUNCE_CAP 65536
/* The longest path kept (longer ones are dropped and counted). */
#define DEBOUNCE_PATH_MAX 4096

struct debounce {
  uint64_t quiet_ms, max_wait_ms;
  size_t cap;
  char **slots; /* open addressing, NULL: free */
  size_t nslots, n;
  uint64_t first, last; /* time of the first and the latest new event */
  size_t dropped;       /* paths left out of this batch (cap, length) */
};

void debounce_init(struct debounce *d, uint64_t quiet_ms, uint64_t max_wait_ms,
                   size_t cap);
/* Note that path changed at now: 1 when new to the batch, 0 when already in
 * it (the quiet period starts again either way), ERR_LIMIT when dropped
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
void debounce_release(struct debounce *d);

#endif
