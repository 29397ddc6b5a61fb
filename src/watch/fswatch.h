/* fswatch: recursive file watching with Linux inotify, on a uv_poll_t of
 * the inotify descriptor. A root (a directory, a file, or a path that does
 * not exist yet) is watched with its whole tree: directories that appear
 * below it are added as they come (and what they already hold is reported,
 * since it may have been written before the watch was in place);
 * directories that go are dropped. The parent of each root (or, while the
 * root does not exist, its nearest existing ancestor) is watched too, so a
 * root that is deleted, replaced or created later is seen. Symlinks are
 * never followed.
 *
 * Events are reduced to "this path changed" (created, written, attributes,
 * deleted, moved in or out): the consumer looks at the path to learn what
 * it is now. Only paths at or below a root are reported. When the kernel
 * drops events (its queue overflowed), every path below the roots is
 * reported again.
 *
 * Memory: the watcher owns its table (one entry per watched directory, at
 * most FSWATCH_MAX_DIRS) and its read buffer; fswatch_free closes the
 * handle and frees it all from the close callback (run the loop once more
 * afterwards). */
#ifndef WCOMPOSE_WATCH_FSWATCH_H
#define WCOMPOSE_WATCH_FSWATCH_H

#include <stddef.h>

#include <uv.h>

#include "util/err.h"

#define FSWATCH_MAX_DIRS 100000

struct fswatch;

/* What an event says beyond "changed" (a path reported again after lost
 * events, or found in a new directory, has none of them). */
enum fswatch_flags {
  FSWATCH_WRITTEN = 1 << 0, /* data written (IN_MODIFY): maybe more to come */
  FSWATCH_CLOSED = 1 << 1,  /* a writer closed it (IN_CLOSE_WRITE) */
  FSWATCH_GONE = 1 << 2,    /* deleted or moved away */
  FSWATCH_CREATED = 1 << 3  /* made here (IN_CREATE), not moved in */
};

/* Called from the loop. None may free the watcher. */
struct fswatch_hooks {
  /* path (absolute, clean) changed; flags: enum fswatch_flags */
  void (*changed)(void *data, const char *path, unsigned flags);
  /* 1: do not watch below the directory dir (optional) */
  int (*skip_dir)(void *data, const char *dir);
  /* something cannot be watched or events were lost: one line of text,
   * without newline (optional) */
  void (*warn)(void *data, const char *text);
};

/* A watcher on loop, with no roots yet. ERR_IO when inotify is not there
 * ("inotify_init1: Too many open files"). */
int fswatch_new(uv_loop_t *loop, const struct fswatch_hooks *hooks, void *data,
                struct fswatch **out, struct err *err);
/* Watch root (absolute). Nothing is reported for what exists now. ERR_LIMIT
 * when the tree has more directories than the kernel or FSWATCH_MAX_DIRS
 * allow (the kernel's: "fs.inotify.max_user_watches = 8192; raise it:
 * sysctl fs.inotify.max_user_watches=16384"), ERR_IO for other errors.
 * Directories the skip_dir hook rules out get no watch at all. */
int fswatch_add(struct fswatch *w, const char *root, struct err *err);
/* Directories watched now (tests, tracing). */
size_t fswatch_count(const struct fswatch *w);
/* 1 when dir is watched (tests). */
int fswatch_watching(const struct fswatch *w, const char *dir);
void fswatch_free(struct fswatch *w);

#endif
