/* watch: fswatch events into the debouncer, a timer that wakes the loop
 * when the batch is due, and the batch matched against the rules. */

/* A batch of at most this many paths is looked at before it goes after
 * the short settle. */
#define HOLD_CHECK_MAX 64
/* Files written and not closed yet that are remembered (a writer that
 * keeps more open is not waited for). */
#define WRITING_MAX 1024
#include "watch/watch.h"

#include "watch/fswatch.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct watch {
  uv_loop_t *loop;
  const struct watch_rules *rules;
  const struct watch_hooks *h;
  void *data;
  struct fswatch *fs;
  struct debounce deb;
  uv_timer_t timer;
  uint64_t last;
  struct strvec writing; /* files written and not closed by their writer */
};

static void on_timer(uv_timer_t *t)
{
  struct watch *w = t->data;
  if (w->h && w->h->due) {
    w->h->due(w->data);
    return;
  }
  /* the caller looks for a due batch after each uv_run turn: end this
   * one now (a UV_RUN_ONCE turn that ran a timer before its poll would
   * otherwise block there) */
  uv_stop(t->loop);
}

static void arm(struct watch *w)
{
  uint64_t wait = debounce_wait(&w->deb, uv_now(w->loop));
  if (wait != UINT64_MAX)
    uv_timer_start(&w->timer, on_timer, wait, 0);
}

static void writing_drop(struct watch *w, const char *path)
{
  for (size_t i = 0; i < w->writing.n; i++)
    if (!strcmp(w->writing.v[i], path)) {
      free(w->writing.v[i]);
      w->writing.v[i] = w->writing.v[--w->writing.n];
      w->writing.v[w->writing.n] = NULL;
      return;
    }
}

/* A regular file just made by open(O_CREAT) is held by its writer until
 * IN_CLOSE_WRITE, even before its first write: a writer that stalls
 * between creating and writing has not saved yet. (A hard link or a
 * symlink is made whole: nothing closes it.) */
static int created_open(const char *path, unsigned flags)
{
  struct stat st;
  return (flags & FSWATCH_CREATED) && !(flags & FSWATCH_CLOSED) &&
         !lstat(path, &st) && S_ISREG(st.st_mode) && st.st_nlink == 1;
}

static void on_changed(void *data, const char *path, unsigned flags)
{
  struct watch *w = data;
  if (created_open(path, flags))
    flags |= FSWATCH_WRITTEN;
  if (flags & (FSWATCH_CLOSED | FSWATCH_GONE))
    writing_drop(w, path);
  else if ((flags & FSWATCH_WRITTEN) && w->writing.n < WRITING_MAX &&
           !strvec_has(&w->writing, path))
    strvec_push(&w->writing, path);
  debounce_add(&w->deb, path, uv_now(w->loop));
  arm(w);
}

static int on_skip_dir(void *data, const char *dir)
{
  struct watch *w = data;
  return watch_rules_skip_dir(w->rules, dir);
}

static void on_warn(void *data, const char *text)
{
  struct watch *w = data;
  if (w->h && w->h->warn)
    w->h->warn(w->data, text);
}

static const struct fswatch_hooks fs_hooks = {on_changed, on_skip_dir, on_warn};

int watch_new(uv_loop_t *loop, const struct watch_rules *r,
              const struct debounce_times *times, const struct watch_hooks *h,
              void *data, struct watch **out, struct err *err)
{
  struct watch *w = xcalloc(1, sizeof(*w));
  w->loop = loop;
  w->rules = r;
  w->h = h;
  w->data = data;
  debounce_init(&w->deb, times, DEBOUNCE_CAP);
  int rc = fswatch_new(loop, &fs_hooks, w, &w->fs, err);
  if (rc) {
    free(w);
    *out = NULL;
    return rc;
  }
  uv_timer_init(loop, &w->timer);
  w->timer.data = w;
  for (size_t i = 0; i < r->roots.n && !rc; i++)
    rc = fswatch_add(w->fs, r->roots.v[i], err);
  *out = w;
  if (rc) {
    watch_free(w);
    *out = NULL;
  }
  return rc;
}

static int taken(const struct watch *w, const char *path)
{
  for (size_t i = 0; i < w->rules->n; i++)
    if (watch_target_match(w->rules, &w->rules->v[i], path, NULL))
      return 1;
  return 0;
}

/* path is gone and a rule would take it. */
static int gone_taken(void *arg, const char *path)
{
  struct watch *w = arg;
  struct stat st;
  if (!lstat(path, &st) || (errno != ENOENT && errno != ENOTDIR))
    return 0;
  return taken(w, path);
}

/* Some file a rule takes was written and its writer has not closed it:
 * the save is not over. */
static int still_written(const struct watch *w)
{
  for (size_t i = 0; i < w->writing.n; i++)
    if (debounce_has(&w->deb, w->writing.v[i]) && taken(w, w->writing.v[i]))
      return 1;
  return 0;
}

int watch_take(struct watch *w, struct watch_batch *out)
{
  struct strvec paths = STRVEC_INIT;
  size_t dropped = 0;
  uv_update_time(w->loop);
  /* a save that moves the file away before writing it anew (vim's
   * backup rename) looks like a delete for a moment: a short batch with
   * a path gone waits a burst's quiet, so one save is one action */
  if (!debounce_wait(&w->deb, uv_now(w->loop)) && debounce_settling(&w->deb) &&
      w->deb.n <= HOLD_CHECK_MAX && debounce_each(&w->deb, gone_taken, w)) {
    debounce_hold(&w->deb);
    arm(w);
    return 0;
  }
  /* a writer that stalls between its writes (a busy machine, a slow
   * disk) has not finished the save: wait for it to close the file, at
   * most until the batch's longest wait */
  uint64_t now = uv_now(w->loop);
  uint64_t latest = w->deb.first + w->deb.t.max_wait_ms;
  if (!debounce_wait(&w->deb, now) && now < latest && still_written(w)) {
    uv_timer_start(&w->timer, on_timer, latest - now, 0);
    return 0;
  }
  /* the batch's latest event, for tracing */
  w->last = w->deb.last;
  if (!debounce_take(&w->deb, uv_now(w->loop), &paths, &dropped)) {
    arm(w); /* the timer fired early, or events came since it was set */
    return 0;
  }
  uv_timer_stop(&w->timer);
  if (dropped && w->h && w->h->warn) {
    char text[160];
    snprintf(text, sizeof(text),
             "%zu changed paths were left out (more than %d at once, or "
             "names too long)",
             dropped, DEBOUNCE_CAP);
    w->h->warn(w->data, text);
  }
  if (getenv("WCOMPOSE_TRACE") && *getenv("WCOMPOSE_TRACE"))
    for (size_t i = 0; i < paths.n; i++)
      fprintf(stderr, "wcompose: watch: changed: %s (%llu ms ago)\n",
              paths.v[i], (unsigned long long)(uv_now(w->loop) - w->last));
  watch_batch_make(w->rules, paths.v, paths.n, out);
  strvec_clear(&paths);
  return 1;
}

size_t watch_dirs(const struct watch *w)
{
  return fswatch_count(w->fs);
}

static void on_timer_closed(uv_handle_t *h)
{
  struct watch *w = h->data;
  debounce_release(&w->deb);
  strvec_clear(&w->writing);
  free(w);
}

void watch_free(struct watch *w)
{
  if (!w)
    return;
  fswatch_free(w->fs);
  uv_close((uv_handle_t *)&w->timer, on_timer_closed);
}
