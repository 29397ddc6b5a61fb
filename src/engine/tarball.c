/* Tar streams of build contexts through libarchive, pulled by the consumer:
 * each tarball_read that finds the buffer empty runs one step (one header,
 * or one chunk of a file) whose output libarchive's write callback puts
 * in a bounded buffer. */
#include "engine/tarball.h"

#include "engine/ignore.h"
#include "engine/libs.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* One step writes a chunk plus headers (pax headers for names and link
 * targets of a few KiB); the buffer may grow to this, never beyond. */
#define OBUF_MAX (1024 * 1024)
#define DOCKERIGNORE_MAX (4 * 1024 * 1024)

enum state {
  ST_FRESH, /* nothing read yet: files may still be added */
  ST_WALK,  /* next: an entry of the directory on top of the stack */
  ST_DATA,  /* next: a chunk of the current entry's data */
  ST_LIST,  /* next: a path of a tarball_new_list */
  ST_EXTRA, /* next: an added file not sent yet */
  ST_CLOSE, /* next: the end of the archive */
  ST_DONE,
  ST_ERROR,
};

struct extra {
  char *name;
  char *data;
  size_t len;
  mode_t mode;
  int sent;
};

struct frame {
  char *rel;            /* relative to the walk's root, "" for the root */
  struct dirent **ents; /* sorted, owned */
  int n, next;
  unsigned char *bits; /* ignore_match_walk results for rel, or NULL */
};

struct item { /* a path of a tarball_new_list */
  char *host, *name;
};

struct seen {
  dev_t dev;
  ino_t ino;
  char *name;
};

struct tarball {
  enum state state, after_data;
  int keep_owners; /* host uid/gid in the entries, else 0:0 */
  struct archive *a;
  struct archive_entry *entry;
  char *root;   /* host path of the walk's root */
  char *prefix; /* prepended to names in the tar: "" or "name/" */
  struct ignore *own_ign;
  const struct ignore *ign; /* NULL: nothing ignored */
  struct frame *stack;
  size_t depth, stack_alloc;
  struct extra *extra;
  size_t nextra;
  struct seen *seen;
  size_t nseen, seen_alloc;
  /* the entry whose data is being sent: from fd or from mem */
  int fd;
  char *cur_path;
  const char *mem;
  int64_t remaining;
  char *chunk;
  /* output not yet read */
  char *obuf;
  size_t olen, ooff, oalloc, opeak;
  int single; /* tarball_new_path of a non-directory: one entry */
  char *single_name;
  int list; /* tarball_new_list: items, each alone, directories unwalked */
  struct item *items;
  size_t nitems, next_item;
  char *dockerfile_name;
  struct err err;
};

static la_ssize_t on_write(struct archive *a, void *data, const void *p,
                           size_t n)
{
  struct tarball *tb = data;
  if (tb->olen + n > tb->oalloc) {
    size_t want = tb->oalloc ? tb->oalloc : TARBALL_CHUNK + 16384;
    while (want < tb->olen + n)
      want *= 2;
    if (want > OBUF_MAX) {
      sym_archive_set_error(a, ENOBUFS, "tar output buffer limit exceeded");
      return -1;
    }
    tb->obuf = xrealloc(tb->obuf, want);
    tb->oalloc = want;
  }
  memcpy(tb->obuf + tb->olen, p, n);
  tb->olen += n;
  if (tb->olen > tb->opeak)
    tb->opeak = tb->olen;
  return (la_ssize_t)n;
}

static char *join(const char *a, const char *b)
{
  if (!*a)
    return xstrdup(b);
  if (!*b)
    return xstrdup(a);
  return xasprintf("%s/%s", a, b);
}

/* An I/O error on path while doing what ("reading"); EACCES is told as
 * the docker CLI tells it. */
static int fail_io(struct tarball *tb, const char *what, const char *path,
                   int errnum)
{
  if (errnum == EACCES)
    return err_set(&tb->err, ERR_IO, "no permission to read from '%s'", path);
  return err_set(&tb->err, ERR_IO, "%s '%s': %s", what, path, strerror(errnum));
}

static int archive_fail(struct tarball *tb, const char *what)
{
  const char *msg = sym_archive_error_string(tb->a);
  return err_set(&tb->err, ERR_IO, "writing tar entry '%s': %s", what,
                 msg ? msg : "unknown error");
}

static int keep_names(const struct dirent *d)
{
  return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

/* Bytes, not the locale: what Go's os.ReadDir sort gives. */
static int by_name(const struct dirent **a, const struct dirent **b)
{
  return strcmp((*a)->d_name, (*b)->d_name);
}

static void frame_release(struct frame *f)
{
  for (int i = 0; i < f->n; i++)
    free(f->ents[i]);
  free(f->ents);
  free(f->rel);
  free(f->bits);
}

/* Push the directory rel (taking bits). quiet: an unreadable directory is
 * left out rather than an error (an ignored one that is only walked for
 * the exceptions inside, as docker does). */
static int push_dir(struct tarball *tb, char *rel, unsigned char *bits,
                    int quiet)
{
  char *host = join(tb->root, rel);
  struct dirent **ents = NULL;
  int n = scandir(host, &ents, keep_names, by_name);
  if (n < 0) {
    int e = errno;
    free(rel);
    free(bits);
    if (quiet || e == ENOENT) {
      free(host);
      return 0;
    }
    fail_io(tb, "reading directory", host, e);
    free(host);
    return ERR_IO;
  }
  free(host);
  if (tb->depth == tb->stack_alloc) {
    tb->stack_alloc = tb->stack_alloc ? 2 * tb->stack_alloc : 8;
    tb->stack = xrealloc(tb->stack, tb->stack_alloc * sizeof(*tb->stack));
  }
  struct frame *f = &tb->stack[tb->depth++];
  f->rel = rel;
  f->ents = ents;
  f->n = n;
  f->next = 0;
  f->bits = bits;
  return 0;
}

static char *tar_name(const struct tarball *tb, const char *rel)
{
  if (!*rel)
    return xstrdup(tb->single_name ? tb->single_name : ".");
  return xasprintf("%s%s", tb->prefix, rel);
}

static struct extra *find_extra(struct tarball *tb, const char *name)
{
  for (size_t i = 0; i < tb->nextra; i++)
    if (!tb->extra[i].sent && !strcmp(tb->extra[i].name, name))
      return &tb->extra[i];
  return NULL;
}

/* Write a header for an added file and start its data. */
static int start_extra(struct tarball *tb, struct extra *x, mode_t mode,
                       time_t mtime)
{
  struct archive_entry *e = tb->entry;
  sym_archive_entry_clear(e);
  sym_archive_entry_copy_pathname(e, x->name);
  sym_archive_entry_set_filetype(e, AE_IFREG);
  sym_archive_entry_set_perm(e, mode & 07777);
  sym_archive_entry_set_uid(e, 0);
  sym_archive_entry_set_gid(e, 0);
  sym_archive_entry_set_mtime(e, mtime, 0);
  sym_archive_entry_set_size(e, (la_int64_t)x->len);
  x->sent = 1;
  if (sym_archive_write_header(tb->a, e) < ARCHIVE_WARN)
    return archive_fail(tb, x->name);
  tb->mem = x->data;
  tb->remaining = (int64_t)x->len;
  tb->after_data = tb->state;
  if (x->len)
    tb->state = ST_DATA;
  return 0;
}

static const char *seen_link(struct tarball *tb, const struct stat *st,
                             const char *name)
{
  for (size_t i = 0; i < tb->nseen; i++)
    if (tb->seen[i].dev == st->st_dev && tb->seen[i].ino == st->st_ino)
      return tb->seen[i].name;
  if (tb->nseen == tb->seen_alloc) {
    tb->seen_alloc = tb->seen_alloc ? 2 * tb->seen_alloc : 16;
    tb->seen = xrealloc(tb->seen, tb->seen_alloc * sizeof(*tb->seen));
  }
  tb->seen[tb->nseen].dev = st->st_dev;
  tb->seen[tb->nseen].ino = st->st_ino;
  tb->seen[tb->nseen].name = xstrdup(name);
  tb->nseen++;
  return NULL;
}

static char *read_link(const char *host, const struct stat *st)
{
  size_t size = st->st_size > 0 ? (size_t)st->st_size + 1 : 256;
  for (;;) {
    char *target = xmalloc(size);
    ssize_t n = readlink(host, target, size);
    if (n < 0) {
      free(target);
      return NULL;
    }
    if ((size_t)n < size) {
      target[n] = '\0';
      return target;
    }
    free(target);
    if (size > 1024 * 1024) {
      errno = ENAMETOOLONG;
      return NULL;
    }
    size *= 2;
  }
}

/* Archive the host entry at rel (lstat'ed as st); bits go to its frame
 * when it is a directory. */
static int add_entry(struct tarball *tb, const char *rel, struct stat *st,
                     unsigned char *bits)
{
  char *host = join(tb->root, rel);
  char *name = tar_name(tb, rel);
  char *target = NULL;
  int fd = -1, rc = 0;
  struct archive_entry *e = tb->entry;
  sym_archive_entry_clear(e);

  if (S_ISREG(st->st_mode)) {
    fd = open(host, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      if (errno != ENOENT)
        rc = fail_io(tb, "reading", host, errno);
      goto out;
    }
    if (fstat(fd, st) < 0) {
      rc = fail_io(tb, "reading", host, errno);
      goto out;
    }
    if (!S_ISREG(st->st_mode))
      goto out; /* replaced since the walk saw it */
    if (st->st_nlink > 1) {
      const char *first = seen_link(tb, st, name);
      if (first) {
        sym_archive_entry_set_hardlink(e, first);
        close(fd);
        fd = -1;
      }
    }
    sym_archive_entry_set_filetype(e, AE_IFREG);
    sym_archive_entry_set_size(e, fd < 0 ? 0 : st->st_size);
  } else if (S_ISDIR(st->st_mode)) {
    sym_archive_entry_set_filetype(e, AE_IFDIR);
  } else if (S_ISLNK(st->st_mode)) {
    target = read_link(host, st);
    if (!target) {
      if (errno != ENOENT)
        rc = fail_io(tb, "reading link", host, errno);
      goto out;
    }
    sym_archive_entry_set_filetype(e, AE_IFLNK);
    sym_archive_entry_set_symlink(e, target);
  } else {
    goto out; /* fifos, sockets, devices */
  }
  sym_archive_entry_copy_pathname(e, name);
  sym_archive_entry_set_perm(e, st->st_mode & 07777);
  sym_archive_entry_set_uid(e, tb->keep_owners ? st->st_uid : 0);
  sym_archive_entry_set_gid(e, tb->keep_owners ? st->st_gid : 0);
  sym_archive_entry_set_mtime(e, st->st_mtime, 0);
  if (sym_archive_write_header(tb->a, e) < ARCHIVE_WARN) {
    rc = archive_fail(tb, name);
    goto out;
  }
  if (S_ISDIR(st->st_mode) && !tb->list) {
    rc = push_dir(tb, xstrdup(rel), bits, 0);
    bits = NULL;
  } else if (fd >= 0 && st->st_size > 0) {
    tb->fd = fd;
    fd = -1;
    tb->cur_path = host;
    host = NULL;
    tb->remaining = st->st_size;
    tb->after_data = tb->state;
    tb->state = ST_DATA;
  }
out:
  if (fd >= 0)
    close(fd);
  free(bits);
  free(target);
  free(name);
  free(host);
  return rc;
}

static int step_walk(struct tarball *tb)
{
  struct frame *top = &tb->stack[tb->depth - 1];
  if (top->next >= top->n) {
    frame_release(top);
    tb->depth--;
    if (!tb->depth)
      tb->state = ST_EXTRA;
    return 0;
  }
  char *rel = join(top->rel, top->ents[top->next++]->d_name);
  char *host = join(tb->root, rel);
  struct stat st;
  int rc = 0;
  if (lstat(host, &st) < 0) {
    if (errno != ENOENT)
      rc = fail_io(tb, "can't stat", host, errno);
    goto out;
  }
  char *name = tar_name(tb, rel);
  struct extra *x = find_extra(tb, name);
  free(name);
  if (x) {
    rc = start_extra(tb, x, st.st_mode, st.st_mtime);
    goto out;
  }
  unsigned char *bits = NULL;
  if (tb->ign && ignore_count(tb->ign)) {
    bits = xmalloc(ignore_count(tb->ign));
    if (ignore_match_walk(tb->ign, rel, top->bits, bits)) {
      /* left out; walked only when an exception may re-include below */
      if (S_ISDIR(st.st_mode) && !ignore_skip_dir(tb->ign, rel)) {
        rc = push_dir(tb, rel, bits, 1);
        rel = NULL;
      } else {
        free(bits);
      }
      goto out;
    }
  }
  rc = add_entry(tb, rel, &st, bits);
out:
  free(rel);
  free(host);
  return rc;
}

static int step_data(struct tarball *tb)
{
  size_t want =
      tb->remaining < TARBALL_CHUNK ? (size_t)tb->remaining : TARBALL_CHUNK;
  const char *p;
  ssize_t n;
  if (tb->mem) {
    p = tb->mem;
    n = (ssize_t)want;
    tb->mem += n;
  } else {
    do
      n = read(tb->fd, tb->chunk, want);
    while (n < 0 && errno == EINTR);
    if (n < 0)
      return fail_io(tb, "reading", tb->cur_path, errno);
    p = tb->chunk;
  }
  if (n > 0 && sym_archive_write_data(tb->a, p, (size_t)n) < 0)
    return archive_fail(tb, tb->cur_path ? tb->cur_path : "file");
  tb->remaining -= n;
  /* a file that shrank meanwhile is padded with zeros by libarchive */
  if (n == 0 || tb->remaining <= 0) {
    if (sym_archive_write_finish_entry(tb->a) < ARCHIVE_WARN)
      return archive_fail(tb, tb->cur_path ? tb->cur_path : "file");
    if (tb->fd >= 0)
      close(tb->fd);
    tb->fd = -1;
    free(tb->cur_path);
    tb->cur_path = NULL;
    tb->mem = NULL;
    tb->state = tb->after_data;
  }
  return 0;
}

/* The next path of a list: archived as what it is now, left out when it is
 * gone (deleted since the caller saw it). */
static int step_list(struct tarball *tb)
{
  if (tb->next_item == tb->nitems) {
    tb->state = ST_EXTRA;
    return 0;
  }
  struct item *it = &tb->items[tb->next_item++];
  struct stat st;
  free(tb->root);
  tb->root = xstrdup(it->host);
  free(tb->single_name);
  tb->single_name = xstrdup(it->name);
  if (lstat(tb->root, &st) < 0)
    return errno == ENOENT || errno == ENOTDIR
               ? 0
               : fail_io(tb, "can't stat", tb->root, errno);
  return add_entry(tb, "", &st, NULL);
}

static int step(struct tarball *tb)
{
  switch (tb->state) {
  case ST_FRESH:
    if (tb->list) {
      tb->state = ST_LIST;
      return 0;
    }
    tb->state = tb->depth ? ST_WALK : ST_EXTRA;
    if (tb->single) {
      struct stat st;
      int rc;
      if (lstat(tb->root, &st) < 0)
        return fail_io(tb, "can't stat", tb->root, errno);
      rc = add_entry(tb, "", &st, NULL);
      if (tb->depth)
        tb->state = ST_WALK;
      return rc;
    }
    return 0;
  case ST_WALK:
    return step_walk(tb);
  case ST_DATA:
    return step_data(tb);
  case ST_LIST:
    return step_list(tb);
  case ST_EXTRA:
    for (size_t i = 0; i < tb->nextra; i++)
      if (!tb->extra[i].sent)
        return start_extra(tb, &tb->extra[i], tb->extra[i].mode, time(NULL));
    tb->state = ST_CLOSE;
    return 0;
  case ST_CLOSE:
    if (sym_archive_write_close(tb->a) < ARCHIVE_WARN)
      return archive_fail(tb, "end of archive");
    tb->state = ST_DONE;
    return 0;
  case ST_DONE:
  case ST_ERROR:
    break;
  }
  return 0;
}

void tarball_keep_owners(struct tarball *tb)
{
  tb->keep_owners = 1;
}

ssize_t tarball_read(struct tarball *tb, char *buf, size_t n)
{
  if (tb->state == ST_ERROR)
    return tb->err.code;
  while (tb->ooff == tb->olen) {
    tb->ooff = tb->olen = 0;
    if (tb->state == ST_DONE)
      return 0;
    int rc = step(tb);
    if (rc < 0) {
      tb->state = ST_ERROR;
      if (tb->fd >= 0)
        close(tb->fd);
      tb->fd = -1;
      return rc;
    }
  }
  size_t avail = tb->olen - tb->ooff;
  if (n > avail)
    n = avail;
  if (n > SSIZE_MAX)
    n = SSIZE_MAX;
  memcpy(buf, tb->obuf + tb->ooff, n);
  tb->ooff += n;
  return (ssize_t)n;
}

const struct err *tarball_error(const struct tarball *tb)
{
  return &tb->err;
}

size_t tarball_buffer_peak(const struct tarball *tb)
{
  return tb->opeak;
}

/* A fresh stream in *out, 0; or an error code, *out NULL. */
static int alloc(struct tarball **out, const char *root, struct err *err)
{
  *out = NULL;
  int rc = engine_libarchive_load(err);
  if (rc)
    return rc;
  struct tarball *tb = xcalloc(1, sizeof(*tb));
  tb->fd = -1;
  tb->root = xstrdup(root);
  tb->prefix = xstrdup("");
  tb->chunk = xmalloc(TARBALL_CHUNK);
  tb->entry = sym_archive_entry_new();
  tb->a = sym_archive_write_new();
  if (!tb->a || !tb->entry) {
    tarball_free(tb);
    return err_set(err, ERR_NOMEM, "out of memory starting a tar stream");
  }
  /* pax headers only where ustar cannot hold a field; no blocking, so the
   * stream ends after its two zero records, as docker's */
  if (sym_archive_write_set_format_pax_restricted(tb->a) != ARCHIVE_OK ||
      sym_archive_write_set_bytes_per_block(tb->a, 0) != ARCHIVE_OK ||
      sym_archive_write_open(tb->a, tb, NULL, on_write, NULL) != ARCHIVE_OK) {
    err_set(err, ERR_IO, "starting a tar stream: %s",
            sym_archive_error_string(tb->a));
    tarball_free(tb);
    return ERR_IO;
  }
  *out = tb;
  return 0;
}

/* "!" + name with its wildcards escaped, so exactly that file is kept. */
static int keep_path(struct ignore *m, const char *name, struct err *err)
{
  struct buf b = BUF_INIT;
  buf_addch(&b, '!');
  for (const char *p = name; *p; p++) {
    if (strchr("*?[]\\", *p))
      buf_addch(&b, '\\');
    buf_addch(&b, *p);
  }
  int rc = ignore_add(m, b.data, err);
  buf_release(&b);
  return rc;
}

static int read_dockerignore(const char *dir, struct buf *b, int *found,
                             struct err *err)
{
  char *path = join(dir, ".dockerignore");
  int rc = buf_read_file(b, path);
  *found = 1;
  if (rc == ERR_LIMIT) {
    err_set(err, rc, "reading '%s': larger than %d bytes", path,
            DOCKERIGNORE_MAX);
  } else if (rc < 0 && errno == ENOENT) {
    *found = 0;
    rc = 0;
  } else if (rc < 0) {
    err_set(err, ERR_IO, "reading '%s': %s", path, strerror(errno));
    rc = ERR_IO;
  }
  free(path);
  return rc;
}

int tarball_new(struct tarball **out, const char *context_dir,
                const char *dockerfile, const char *dockerignore,
                struct err *err)
{
  struct stat st;
  struct ignore *m = NULL;
  struct tarball *tb;
  int rc;
  *out = NULL;
  if (stat(context_dir, &st) < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return err_set(err, ERR_NOTFOUND, "build context '%s' does not exist",
                     context_dir);
    return err_set(err, ERR_IO, "build context '%s': %s", context_dir,
                   strerror(errno));
  }
  if (!S_ISDIR(st.st_mode))
    return err_set(err, ERR_BUILD, "build context '%s' is not a directory",
                   context_dir);
  if (dockerignore) {
    rc = ignore_parse(&m, dockerignore, strlen(dockerignore), ".dockerignore",
                      err);
  } else {
    struct buf b = BUF_INIT_CAP(DOCKERIGNORE_MAX);
    int found;
    rc = read_dockerignore(context_dir, &b, &found, err);
    if (rc == 0 && found) {
      char *name = join(context_dir, ".dockerignore");
      rc = ignore_parse(&m, b.data, b.len, name, err);
      free(name);
    } else if (rc == 0) {
      m = ignore_new();
    }
    buf_release(&b);
  }
  if (rc < 0)
    return rc;

  /* what the CLI's TrimBuildFilesFromExcludes does */
  if (ignore_match(m, ".dockerignore", 0))
    rc = keep_path(m, ".dockerignore", err);
  char *df = dockerfile ? xstrdup(dockerfile) : NULL;
  if (df)
    ignore_clean_path(df);
  if (rc == 0 && df && strcmp(df, ".") && strncmp(df, "../", 3) &&
      strcmp(df, "..") && df[0] != '/' && ignore_match(m, df, 0))
    rc = keep_path(m, df, err);
  free(df);
  if (rc < 0) {
    ignore_free(m);
    return rc;
  }

  rc = alloc(&tb, context_dir, err);
  if (rc) {
    ignore_free(m);
    return rc;
  }
  tb->own_ign = m;
  tb->ign = m;
  rc = push_dir(tb, xstrdup(""), NULL, 0);
  if (rc < 0) {
    /* one line, without its newline */
    err_set(err, rc, "%.*s", (int)tb->err.len - 1, tb->err.text);
    tarball_free(tb);
    return rc;
  }
  *out = tb;
  return 0;
}

int tarball_new_path(struct tarball **out, const char *host_path,
                     const char *name, const struct ignore *ign,
                     struct err *err)
{
  struct stat st;
  *out = NULL;
  if (lstat(host_path, &st) < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return err_set(err, ERR_NOTFOUND, "'%s' does not exist", host_path);
    return err_set(err, ERR_IO, "can't stat '%s': %s", host_path,
                   strerror(errno));
  }
  struct tarball *tb;
  int rc = alloc(&tb, host_path, err);
  if (rc)
    return rc;
  tb->single = 1;
  tb->single_name = xstrdup(name);
  tb->ign = ign;
  if (S_ISDIR(st.st_mode)) {
    free(tb->prefix);
    tb->prefix = xasprintf("%s/", name);
  }
  *out = tb;
  return 0;
}

int tarball_new_list(struct tarball **out, struct err *err)
{
  int rc = alloc(out, "", err);
  if (rc)
    return rc;
  (*out)->list = 1;
  return 0;
}

int tarball_add_path(struct tarball *tb, const char *host_path,
                     const char *name_in_tar)
{
  if (tb->state != ST_FRESH || !tb->list)
    return ERR_STATE;
  tb->items = xrealloc(tb->items, (tb->nitems + 1) * sizeof(*tb->items));
  tb->items[tb->nitems].host = xstrdup(host_path);
  tb->items[tb->nitems].name = xstrdup(name_in_tar);
  tb->nitems++;
  return 0;
}

static int add_extra(struct tarball *tb, const char *name, const void *data,
                     size_t len, mode_t mode)
{
  if (tb->state != ST_FRESH)
    return ERR_STATE;
  struct extra *x = find_extra(tb, name);
  if (!x) {
    tb->extra = xrealloc(tb->extra, (tb->nextra + 1) * sizeof(*tb->extra));
    x = &tb->extra[tb->nextra++];
    x->name = xstrdup(name);
  } else {
    free(x->data);
  }
  x->data = xmalloc(len + 1);
  if (len)
    memcpy(x->data, data, len);
  x->len = len;
  x->mode = mode;
  x->sent = 0;
  return 0;
}

int tarball_add_file(struct tarball *tb, const char *name_in_tar,
                     const void *data, size_t len)
{
  return add_extra(tb, name_in_tar, data, len, 0644);
}

int tarball_add_file_mode(struct tarball *tb, const char *name_in_tar,
                          const void *data, size_t len, unsigned mode)
{
  return add_extra(tb, name_in_tar, data, len, (mode_t)(mode & 07777));
}

int tarball_add_dockerfile(struct tarball *tb, const void *data, size_t len,
                           const char **name, struct err *err)
{
  unsigned char rnd[10];
  char hex[21];
  struct buf b = BUF_INIT_CAP(DOCKERIGNORE_MAX);
  int found, rc;
  if (tb->state != ST_FRESH)
    return ERR_STATE;
  if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
    /* no entropy source: a name that is still unlikely to collide */
    uint64_t t = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    memcpy(rnd, &t, 8);
    rnd[8] = rnd[9] = 0x5a;
  }
  for (int i = 0; i < 10; i++)
    snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
  free(tb->dockerfile_name);
  tb->dockerfile_name = xasprintf(".dockerfile.%s", hex);
  rc = read_dockerignore(tb->root, &b, &found, err);
  if (rc < 0) {
    buf_release(&b);
    return rc;
  }
  b.cap = 0;
  if (!found)
    buf_addstr(&b, ".dockerignore");
  buf_addf(&b, "\n%s\n", tb->dockerfile_name);
  add_extra(tb, tb->dockerfile_name, data, len, 0600);
  add_extra(tb, ".dockerignore", b.data, b.len, 0600);
  buf_release(&b);
  *name = tb->dockerfile_name;
  return 0;
}

void tarball_free(struct tarball *tb)
{
  if (!tb)
    return;
  if (tb->a)
    sym_archive_write_free(tb->a);
  if (tb->entry)
    sym_archive_entry_free(tb->entry);
  while (tb->depth)
    frame_release(&tb->stack[--tb->depth]);
  free(tb->stack);
  for (size_t i = 0; i < tb->nextra; i++) {
    free(tb->extra[i].name);
    free(tb->extra[i].data);
  }
  free(tb->extra);
  for (size_t i = 0; i < tb->nitems; i++) {
    free(tb->items[i].host);
    free(tb->items[i].name);
  }
  free(tb->items);
  for (size_t i = 0; i < tb->nseen; i++)
    free(tb->seen[i].name);
  free(tb->seen);
  if (tb->fd >= 0)
    close(tb->fd);
  free(tb->cur_path);
  free(tb->chunk);
  free(tb->obuf);
  free(tb->root);
  free(tb->prefix);
  free(tb->single_name);
  free(tb->dockerfile_name);
  ignore_free(tb->own_ign);
  err_release(&tb->err);
  free(tb);
}
