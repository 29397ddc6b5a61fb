/* watch: the file watcher of `wcompose watch` and `up --watch`: the roots
 * of the compiled rules watched recursively (fswatch), their events
 * batched (debounce, on a uv timer), handed to the watch session as a
 * batch grouped by service (rules). The session then rebuilds what asks
 * for it and calls watch_apply (actions.h) for the rest.
 *
 * Ownership: a watch borrows the rules (which must outlive it) and owns
 * its watcher, timer and pending paths; watch_free closes the handles and
 * the memory goes from their close callbacks (run the loop once more). */
#ifndef WCOMPOSE_WATCH_WATCH_H
#define WCOMPOSE_WATCH_WATCH_H

#include <stddef.h>

#include <uv.h>

#include "util/err.h"
#include "watch/actions.h"
#include "watch/debounce.h"
#include "watch/rules.h"

struct watch;

/* Watch the roots of r on loop, batching with times (NULL: the defaults,
 * see debounce.h); warnings (directories that cannot be watched, lost
 * events, dropped paths) go to h->warn. Errors as fswatch_new and
 * fswatch_add. */
int watch_new(uv_loop_t *loop, const struct watch_rules *r,
              const struct debounce_times *times, const struct watch_hooks *h,
              void *data, struct watch **out, struct err *err);
/* When changes have come to rest (debounce.h): group them into out
 * (release it) and return 1; else 0. Check after each loop iteration. A
 * batch does not go while a file a rule takes is still being written (its
 * writer has not closed it: a stall in the middle of a save) or, after
 * only the short settle, while a path a rule takes is missing (an editor
 * that moved the file away to write it anew); either way one save stays
 * one batch, and the longest wait still holds. */
int watch_take(struct watch *w, struct watch_batch *out);
/* Directories watched (tests, tracing). */
size_t watch_dirs(const struct watch *w);
void watch_free(struct watch *w);

#endif
