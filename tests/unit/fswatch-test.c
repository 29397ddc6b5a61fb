/* Unit tests for fswatch on a real temp tree: files and directories that
 * appear (with what they hold), go, move out and in; directories skipped;
 * roots that are files, that do not exist yet, that are removed and made
 * again; nothing reported outside the roots; the kernel's queue overflowing
 * makes every path reported again. Each wait has a deadline. */
#include "tap.h"
#include "util/err.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "watch/fswatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char top[256];
static uv_loop_t loop;
static struct fswatch *W;
static struct strvec seen = STRVEC_INIT;
static int warnings;

static char *at(const char *rel)
{
  return xasprintf("%s/%s", top, rel);
}

static void put(const char *rel, const char *data)
{
  char *p = at(rel);
  FILE *f = fopen(p, "w");
  if (!f)
    BUG("writing '%s'", p);
  fputs(data, f);
  fclose(f);
  free(p);
}

static void mk(const char *rel)
{
  char *p = at(rel);
  if (mkdir(p, 0755))
    BUG("mkdir '%s'", p);
  free(p);
}

/* Run "CMD 'top/a' ['top/b']" (b may be NULL). */
static void sh(const char *what, const char *a, const char *b)
{
  char *cmd = b ? xasprintf("%s '%s/%s' '%s/%s'", what, top, a, top, b)
                : xasprintf("%s '%s/%s'", what, top, a);
  if (system(cmd) != 0)
    BUG("%s", cmd);
  free(cmd);
}

static unsigned last_flags; /* of the events for track, or'ed */
static const char *track = "/root/f.txt";

static void on_changed(void *data, const char *path, unsigned flags)
{
  (void)data;
  if (strlen(path) > strlen(top) && !strcmp(path + strlen(top), track))
    last_flags |= flags;
  if (!strncmp(path, top, strlen(top)))
    strvec_push(&seen, path + strlen(top) + 1);
  else
    strvec_push(&seen, path);
}

static int on_skip(void *data, const char *dir)
{
  (void)data;
  const char *b = strrchr(dir, '/');
  return b && !strcmp(b, "/skipme");
}

static void on_warn(void *data, const char *text)
{
  (void)data;
  printf("# warning: %s\n", text);
  warnings++;
}

static const struct fswatch_hooks hooks = {on_changed, on_skip, on_warn};

static void on_deadline(uv_timer_t *t)
{
  *(int *)t->data = 1;
}

/* Run the loop until rel was reported (within 3 s). */
static int wait_for(const char *rel)
{
  int expired = 0;
  uv_timer_t t;
  uv_timer_init(&loop, &t);
  t.data = &expired;
  uv_timer_start(&t, on_deadline, 3000, 0);
  while (!strvec_has(&seen, rel) && !expired)
    uv_run(&loop, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(&loop, UV_RUN_NOWAIT);
  return strvec_has(&seen, rel);
}

/* Let events settle for a moment (for checks that something did NOT
 * come): run the loop for ms. */
static void settle(int ms)
{
  int expired = 0;
  uv_timer_t t;
  uv_timer_init(&loop, &t);
  t.data = &expired;
  uv_timer_start(&t, on_deadline, ms, 0);
  while (!expired)
    uv_run(&loop, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(&loop, UV_RUN_NOWAIT);
}

static int watching(const char *rel)
{
  char *p = at(rel);
  int yes = fswatch_watching(W, p);
  free(p);
  return yes;
}

static char *proj_path;

/* at(rel), kept until the end (for checks inside expressions) */
static const char *at_tmp(const char *rel)
{
  free(proj_path);
  proj_path = at(rel);
  return proj_path;
}

static void reset(void)
{
  strvec_clear(&seen);
}

int main(void)
{
  const char *tmp = getenv("TMPDIR");
  snprintf(top, sizeof(top), "%s/wcompose-fswatch-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(top)) {
    perror("mkdtemp");
    return 1;
  }
  uv_loop_init(&loop);
  mk("root");
  mk("root/a");
  mk("root/a/skipme");
  mk("other");
  put("root/a/old.txt", "old\n");
  struct err e = ERR_INIT;
  is_int(fswatch_new(&loop, &hooks, NULL, &W, &e), 0, "a watcher");
  char *root = at("root");
  is_int(fswatch_add(W, root, &e), 0, "watch root");
  ok(watching("root") && watching("root/a"), "the root and its tree");
  ok(fswatch_watching(W, top), "and the root's parent");
  ok(!watching("root/a/skipme"), "but not a skipped directory");
  is_int(fswatch_count(W), 3, "three directories");
  settle(100);
  is_int(seen.n, 0, "nothing reported for what was there");

  put("root/f.txt", "1\n");
  ok(wait_for("root/f.txt"), "a new file");
  settle(50);
  ok((last_flags & FSWATCH_WRITTEN) && (last_flags & FSWATCH_CLOSED),
     "written, and closed by its writer");
  /* made and held open, nothing written yet: the writer has not closed */
  reset();
  track = "/root/c.txt";
  last_flags = 0;
  char *cp = at("root/c.txt");
  FILE *cf = fopen(cp, "w");
  if (!cf)
    BUG("creating '%s'", cp);
  ok(wait_for("root/c.txt"), "a file made and held open");
  settle(50);
  ok((last_flags & FSWATCH_CREATED) && !(last_flags & FSWATCH_CLOSED),
     "made here, not closed yet");
  fclose(cf);
  settle(50);
  ok(last_flags & FSWATCH_CLOSED, "then closed by its writer");
  free(cp);
  reset();
  put("root/a/old.txt", "changed\n");
  ok(wait_for("root/a/old.txt"), "a file written, deeper");
  reset();
  put("other/x", "x\n");
  put("root/a/skipme/x", "x\n");
  put("sibling.txt", "s\n");
  settle(200);
  ok(!strvec_has(&seen, "other/x") && !strvec_has(&seen, "sibling.txt"),
     "nothing outside the root");
  ok(!strvec_has(&seen, "root/a/skipme/x"), "nothing in a skipped dir");

  /* a tree made at once: what it holds is reported even if written before
   * its watch was in place */
  reset();
  sh("mkdir -p", "root/new/deeper/deepest", NULL);
  put("root/new/deeper/deepest/n.txt", "n\n");
  ok(wait_for("root/new/deeper/deepest/n.txt"), "a file in a new tree");
  ok(strvec_has(&seen, "root/new") && strvec_has(&seen, "root/new/deeper"),
     "and the new directories");
  ok(watching("root/new/deeper/deepest"), "which are watched now");
  reset();
  put("root/new/deeper/deepest/later.txt", "l\n");
  ok(wait_for("root/new/deeper/deepest/later.txt"), "later writes there too");

  size_t before = fswatch_count(W);
  reset();
  sh("rm -rf", "root/new", NULL);
  ok(wait_for("root/new"), "a removed tree");
  settle(100);
  ok(!watching("root/new") && !watching("root/new/deeper/deepest"),
     "is no longer watched");
  is_int(fswatch_count(W), before - 3, "its three directories dropped");

  reset();
  sh("mv", "root/a", "moved-out");
  ok(wait_for("root/a"), "a directory moved out");
  settle(100);
  ok(!watching("root/a") && !watching("moved-out"),
     "is not watched (neither name)");
  reset();
  sh("mv", "moved-out", "root/b");
  ok(wait_for("root/b"), "a directory moved in");
  ok(wait_for("root/b/old.txt"), "with what it holds");
  ok(watching("root/b"), "watched under its new name");

  /* a root removed and made again */
  reset();
  sh("rm -rf", "root", NULL);
  ok(wait_for("root"), "the root removed");
  reset();
  mk("root");
  put("root/z", "z\n");
  ok(wait_for("root/z"), "the root made again is watched again");

  /* a root that does not exist yet, deep down */
  char *later = at("later/deep/root2");
  is_int(fswatch_add(W, later, &e), 0, "watch a root that does not exist");
  reset();
  sh("mkdir -p", "later/deep/root2/sub", NULL);
  put("later/deep/root2/sub/x", "x\n");
  ok(wait_for("later/deep/root2/sub/x"), "seen when it comes");
  ok(strvec_has(&seen, "later/deep/root2"), "the root itself reported");
  ok(!strvec_has(&seen, "later/deep"), "its ancestors are not");

  /* the root's parent removed, then the tree made again */
  sh("mkdir -p", "proj/app/src", NULL);
  char *deep = at("proj/app/src");
  is_int(fswatch_add(W, deep, &e), 0, "watch proj/app/src");
  settle(200); /* the events of its making come and go first */
  ok(!fswatch_watching(W, at_tmp("proj")), "its grandparent is not watched");
  sh("rm -rf", "proj/app", NULL);
  settle(200);
  ok(fswatch_watching(W, at_tmp("proj")),
     "its nearest ancestor left is watched");
  reset();
  sh("mkdir -p", "proj/app/src", NULL);
  put("proj/app/src/back.txt", "b\n");
  ok(wait_for("proj/app/src/back.txt"), "the tree made again is seen");

  /* a root that is one file */
  put("single.txt", "1\n");
  char *single = at("single.txt");
  is_int(fswatch_add(W, single, &e), 0, "watch a single file");
  reset();
  put("single.txt", "2\n");
  ok(wait_for("single.txt"), "its writes are seen");
  reset();
  put("single2.txt", "2\n");
  settle(150);
  ok(!strvec_has(&seen, "single2.txt"), "not its siblings'");

  is_int(warnings, 0, "no warnings");

  /* more events than the kernel queues (max_queued_events): lost, so
   * everything below the roots is reported again, untouched files too */
  long queued = 0;
  FILE *q = fopen("/proc/sys/fs/inotify/max_queued_events", "r");
  if (!q || fscanf(q, "%ld", &queued) != 1)
    queued = 0;
  if (q)
    fclose(q);
  if (queued > 0 && queued <= 200000) {
    mk("root/flood");
    put("root/keep.txt", "k\n");
    settle(100);
    reset();
    /* each file: IN_CREATE and IN_CLOSE_WRITE; the loop does not run */
    for (long i = 0; i < queued / 2 + 1000; i++) {
      char rel[64];
      snprintf(rel, sizeof(rel), "root/flood/f%ld", i);
      put(rel, "");
    }
    ok(wait_for("root/keep.txt"), "overflow: an untouched file reported again");
    ok(warnings == 1, "with one warning that events were lost");
    warnings = 0;
    sh("rm -rf", "root/flood", NULL);
    settle(100);
  } else {
    printf("# skipped: max_queued_events %ld\n", queued);
  }
  fswatch_free(W);
  uv_run(&loop, UV_RUN_DEFAULT);
  is_int(uv_loop_close(&loop), 0, "every handle closed");
  free(root);
  free(later);
  free(single);
  free(deep);
  free(proj_path);
  reset();
  err_release(&e);
  char *cmd = xasprintf("rm -rf '%s'", top);
  if (system(cmd) != 0)
    printf("# could not remove %s\n", top);
  free(cmd);
  return tap_done();
}
