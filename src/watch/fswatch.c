/* fswatch: inotify watches kept in a table sorted by watch descriptor,
 * added as directories appear under the roots and dropped as they go. */
#include "watch/fswatch.h"

#include "util/path.h"
#include "util/strvec.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define EVENTS                                                                 \
  (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM |        \
   IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
#define FLAGS (IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
/* Room for many events per read (each is 16 bytes plus a name). */
#define READ_BUF (64 * 1024)
/* Reads per wakeup, so an event storm cannot starve the loop. */
#define READS_PER_WAKEUP 16

struct dirw {
  int wd;
  char *path;
};

struct fswatch {
  uv_poll_t poll;
  int fd;
  struct fswatch_hooks hooks;
  void *data;
  struct dirw *dirs; /* sorted by wd */
  size_t n, alloc;
  struct strvec roots;
  int warned_limit;
  char *buf; /* READ_BUF bytes, aligned for struct inotify_event */
};

static void warn(struct fswatch *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void warn(struct fswatch *w, const char *fmt, ...)
{
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  if (w->hooks.warn)
    w->hooks.warn(w->data, text);
}

static char *join(const char *dir, const char *name)
{
  if (!strcmp(dir, "/"))
    return xasprintf("/%s", name);
  return xasprintf("%s/%s", dir, name);
}

static int in_root(const struct fswatch *w, const char *path)
{
  for (size_t i = 0; i < w->roots.n; i++)
    if (path_below(w->roots.v[i], path))
      return 1;
  return 0;
}

static int is_dir(const char *path)
{
  struct stat st;
  return !lstat(path, &st) && S_ISDIR(st.st_mode);
}

/* Index of wd in the table, or where it would go (*found 0). */
static size_t find(const struct fswatch *w, int wd, int *found)
{
  size_t lo = 0, hi = w->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (w->dirs[mid].wd < wd)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = lo < w->n && w->dirs[lo].wd == wd;
  return lo;
}

static void drop_at(struct fswatch *w, size_t i)
{
  free(w->dirs[i].path);
  memmove(&w->dirs[i], &w->dirs[i + 1], (w->n - i - 1) * sizeof(*w->dirs));
  w->n--;
  if (w->alloc > 64 && w->n < w->alloc / 4) {
    w->alloc /= 2;
    w->dirs = xrealloc(w->dirs, w->alloc * sizeof(*w->dirs));
  }
}

/* fs.inotify.max_user_watches, or -1 when it cannot be read. */
static long watch_limit(void)
{
  long v = -1;
  FILE *f = fopen("/proc/sys/fs/inotify/max_user_watches", "r");
  if (!f)
    return -1;
  if (fscanf(f, "%ld", &v) != 1)
    v = -1;
  fclose(f);
  return v;
}

/* Watch the directory path. 0 also when it is gone (or not a directory)
 * by now; ERR_LIMIT or ERR_IO with the reason in err. */
static int watch_dir(struct fswatch *w, const char *path, struct err *err)
{
  if (w->n >= FSWATCH_MAX_DIRS)
    return err_set(err, ERR_LIMIT,
                   "watching '%s': more than %d directories to watch (ignore "
                   "some in develop.watch)",
                   path, FSWATCH_MAX_DIRS);
  int wd = inotify_add_watch(w->fd, path, EVENTS | FLAGS);
  if (wd < 0) {
    if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
      return 0;
    if (errno == ENOSPC) {
      long max = watch_limit();
      if (max > 0)
        return err_set(err, ERR_LIMIT,
                       "watching '%s': the kernel's inotify watch limit is "
                       "reached (fs.inotify.max_user_watches = %ld; raise "
                       "it: sysctl fs.inotify.max_user_watches=%ld)",
                       path, max, 2 * max);
      return err_set(err, ERR_LIMIT,
                     "watching '%s': the kernel's inotify watch limit is "
                     "reached (raise it: sysctl fs.inotify.max_user_watches)",
                     path);
    }
    return err_set(err, ERR_IO, "watching '%s': %s", path, strerror(errno));
  }
  int found;
  size_t i = find(w, wd, &found);
  if (found) {
    /* the same directory again, maybe by another name */
    if (strcmp(w->dirs[i].path, path)) {
      free(w->dirs[i].path);
      w->dirs[i].path = xstrdup(path);
    }
    return 0;
  }
  if (w->n == w->alloc) {
    w->alloc = w->alloc ? 2 * w->alloc : 64;
    w->dirs = xrealloc(w->dirs, w->alloc * sizeof(*w->dirs));
  }
  memmove(&w->dirs[i + 1], &w->dirs[i], (w->n - i) * sizeof(*w->dirs));
  w->dirs[i] = (struct dirw){wd, xstrdup(path)};
  w->n++;
  return 0;
}

/* Stop watching path and every directory below it. */
static void unwatch_tree(struct fswatch *w, const char *path)
{
  for (size_t i = 0; i < w->n;) {
    if (path_below(path, w->dirs[i].path)) {
      inotify_rm_watch(w->fd, w->dirs[i].wd);
      drop_at(w, i);
    } else {
      i++;
    }
  }
}

static int keep_names(const struct dirent *d)
{
  return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

/* Watch the directory top and its tree (but what skip_dir rules out);
 * with emit, report every path found below it. Depth first, with an
 * explicit stack: no recursion however deep the tree. */
static int add_tree(struct fswatch *w, const char *top, int emit,
                    struct err *err)
{
  struct strvec todo = STRVEC_INIT;
  int rc = 0;
  strvec_push(&todo, top);
  while (todo.n && !rc) {
    char *dir = todo.v[--todo.n];
    todo.v[todo.n] = NULL;
    rc = watch_dir(w, dir, err);
    struct dirent **ents = NULL;
    int n = rc ? -1 : scandir(dir, &ents, keep_names, alphasort);
    for (int i = 0; i < n; i++) {
      char *p = join(dir, ents[i]->d_name);
      if (emit && w->hooks.changed)
        w->hooks.changed(w->data, p, 0);
      int sub = ents[i]->d_type == DT_DIR ||
                (ents[i]->d_type == DT_UNKNOWN && is_dir(p));
      if (sub && !(w->hooks.skip_dir && w->hooks.skip_dir(w->data, p)))
        strvec_push(&todo, p);
      free(p);
      free(ents[i]);
    }
    free(ents);
    free(dir);
  }
  strvec_clear(&todo);
  return rc;
}

/* Watch what root needs: its parent, or its nearest existing ancestor,
 * then the directories toward it as far as they exist (re-checked after
 * each watch is in place, so one created meanwhile is not missed), and
 * the root's tree. With emit, report the root and what it holds. */
static int reach_root(struct fswatch *w, const char *root, int emit,
                      struct err *err)
{
  int rc = 0;
  if (strcmp(root, "/")) {
    char *a = xstrdup(root);
    for (;;) {
      char *slash = strrchr(a, '/');
      if (slash == a)
        a[1] = '\0';
      else
        *slash = '\0';
      if (!strcmp(a, "/") || is_dir(a))
        break;
    }
    for (;;) {
      rc = watch_dir(w, a, err);
      if (rc)
        break;
      /* the next directory toward the root */
      const char *rest = path_below(a, root);
      const char *end = rest ? strchr(rest, '/') : NULL;
      if (!end)
        break;
      char *next = xasprintf("%.*s", (int)(end - root), root);
      if (!is_dir(next)) {
        free(next);
        break;
      }
      free(a);
      a = next;
    }
    free(a);
  }
  struct stat st;
  if (rc || lstat(root, &st))
    return rc;
  if (emit && w->hooks.changed)
    w->hooks.changed(w->data, root, 0);
  if (S_ISDIR(st.st_mode))
    rc = add_tree(w, root, emit, err);
  return rc;
}

static void runtime_error(struct fswatch *w, struct err *e)
{
  if (e->code == ERR_LIMIT && w->warned_limit) {
    err_reset(e);
    return;
  }
  if (e->code == ERR_LIMIT)
    w->warned_limit = 1;
  if (e->code)
    warn(w, "%.*s", e->len ? (int)e->len - 1 : 0, e->text ? e->text : "");
  err_reset(e);
}

/* A directory appeared at path, under a watched one. */
static void dir_added(struct fswatch *w, const char *path, struct err *e)
{
  if (in_root(w, path)) {
    if (!(w->hooks.skip_dir && w->hooks.skip_dir(w->data, path)))
      add_tree(w, path, 1, e);
    return;
  }
  /* on the way to roots that did not exist */
  for (size_t i = 0; i < w->roots.n && !e->code; i++) {
    const char *rest = path_below(path, w->roots.v[i]);
    if (rest && *rest)
      reach_root(w, w->roots.v[i], 1, e);
  }
}

/* The watches of dir (and below) are gone: for roots at or below it, watch
 * the nearest ancestor that is left, so they are seen when they come
 * back (a project directory removed and checked out again). */
static void lost(struct fswatch *w, const char *dir, struct err *e)
{
  for (size_t i = 0; i < w->roots.n && !e->code; i++)
    if (path_below(dir, w->roots.v[i]))
      reach_root(w, w->roots.v[i], 1, e);
}

static unsigned event_flags(uint32_t mask)
{
  unsigned f = 0;
  if (mask & IN_MODIFY)
    f |= FSWATCH_WRITTEN;
  if (mask & IN_CLOSE_WRITE)
    f |= FSWATCH_CLOSED;
  if (mask & (IN_DELETE | IN_MOVED_FROM))
    f |= FSWATCH_GONE;
  if (mask & IN_CREATE)
    f |= FSWATCH_CREATED;
  return f;
}

static void handle(struct fswatch *w, const struct inotify_event *ev)
{
  struct err e = ERR_INIT;
  if (ev->mask & IN_Q_OVERFLOW) {
    warn(w, "file events were lost (too many at once): looking at "
            "everything again");
    for (size_t i = 0; i < w->roots.n; i++)
      reach_root(w, w->roots.v[i], 1, &e);
    runtime_error(w, &e);
    return;
  }
  int found;
  size_t i = find(w, ev->wd, &found);
  if (!found)
    return; /* dropped already */
  if (ev->mask & IN_IGNORED) {
    char *p = w->dirs[i].path;
    w->dirs[i].path = NULL;
    drop_at(w, i);
    lost(w, p, &e);
    free(p);
    runtime_error(w, &e);
    return;
  }
  if (!ev->len) {
    /* about the directory itself: its parent reports it by name */
    if (ev->mask & IN_MOVE_SELF) {
      char *p = xstrdup(w->dirs[i].path);
      unwatch_tree(w, p);
      lost(w, p, &e);
      free(p);
      runtime_error(w, &e);
    }
    return;
  }
  char *path = join(w->dirs[i].path, ev->name);
  if (ev->mask & IN_ISDIR) {
    /* a deleted directory's watches end by themselves (IN_IGNORED); a
     * moved one's would go on under names no longer true */
    if (ev->mask & IN_MOVED_FROM)
      unwatch_tree(w, path);
    if (in_root(w, path) && w->hooks.changed)
      w->hooks.changed(w->data, path, event_flags(ev->mask));
    if (ev->mask & (IN_CREATE | IN_MOVED_TO))
      dir_added(w, path, &e);
  } else if (in_root(w, path) && w->hooks.changed) {
    w->hooks.changed(w->data, path, event_flags(ev->mask));
  }
  free(path);
  runtime_error(w, &e);
}

static void on_readable(uv_poll_t *h, int status, int events)
{
  struct fswatch *w = h->data;
  (void)events;
  if (status < 0) {
    warn(w, "watching files stopped: %s", uv_strerror(status));
    uv_poll_stop(h);
    return;
  }
  for (int k = 0; k < READS_PER_WAKEUP; k++) {
    ssize_t n = read(w->fd, w->buf, READ_BUF);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno != EAGAIN)
      warn(w, "reading file events: %s", strerror(errno));
    if (n <= 0)
      return;
    for (ssize_t off = 0; off + (ssize_t)sizeof(struct inotify_event) <= n;) {
      const struct inotify_event *ev =
          (const struct inotify_event *)(w->buf + off);
      handle(w, ev);
      off += (ssize_t)sizeof(*ev) + ev->len;
    }
  }
}

int fswatch_new(uv_loop_t *loop, const struct fswatch_hooks *hooks, void *data,
                struct fswatch **out, struct err *err)
{
  *out = NULL;
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0)
    return err_set(err, ERR_IO, "watching files: inotify_init1: %s",
                   strerror(errno));
  struct fswatch *w = xcalloc(1, sizeof(*w));
  w->fd = fd;
  w->hooks = *hooks;
  w->data = data;
  w->buf = xmalloc(READ_BUF);
  int r = uv_poll_init(loop, &w->poll, fd);
  if (r < 0) {
    close(fd);
    free(w->buf);
    free(w);
    return err_set(err, ERR_IO, "watching files: %s", uv_strerror(r));
  }
  w->poll.data = w;
  uv_poll_start(&w->poll, UV_READABLE, on_readable);
  *out = w;
  return 0;
}

int fswatch_add(struct fswatch *w, const char *root, struct err *err)
{
  if (!strvec_has(&w->roots, root))
    strvec_push(&w->roots, root);
  return reach_root(w, root, 0, err);
}

size_t fswatch_count(const struct fswatch *w)
{
  return w->n;
}

int fswatch_watching(const struct fswatch *w, const char *dir)
{
  for (size_t i = 0; i < w->n; i++)
    if (!strcmp(w->dirs[i].path, dir))
      return 1;
  return 0;
}

static void on_closed(uv_handle_t *h)
{
  struct fswatch *w = h->data;
  close(w->fd); /* only now: never while the poll handle watches it */
  for (size_t i = 0; i < w->n; i++)
    free(w->dirs[i].path);
  free(w->dirs);
  strvec_clear(&w->roots);
  free(w->buf);
  free(w);
}

void fswatch_free(struct fswatch *w)
{
  if (!w)
    return;
  uv_close((uv_handle_t *)&w->poll, on_closed);
}
