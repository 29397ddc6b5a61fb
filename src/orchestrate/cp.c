/* cp: the archive endpoints with libarchive on both ends. */
#include "orchestrate/cp.h"
#include "orchestrate/exec.h"
#include "orchestrate/session.h"
#include "engine/libs.h"
#include "engine/tarball.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What one loop turn may bring before libarchive takes it. */
#define CP_QUEUE_MAX ((size_t)32 << 20)

/* --- out of the container --- */

struct pull {
  struct session *s;
  struct buf q; /* bytes the engine sent, not yet handed to libarchive */
  int ended, rc;
  struct err err;
};

static int on_data(void *ctx, enum stream_kind kind, const char *p, size_t n)
{
  struct pull *u = ctx;
  (void)kind;
  return buf_add(&u->q, p, n) ? ERR_LIMIT : 0;
}

static void on_end(void *ctx, struct engine_result *res)
{
  struct pull *u = ctx;
  u->ended = 1;
  u->rc = res->rc;
  if (res->rc)
    err_set(&u->err, res->rc, "%s",
            res->err && res->err->text ? res->err->text : err_text(res->rc));
  uv_stop(&u->s->loop);
}

/* libarchive asks for bytes: what came, or run the loop until some do. The
 * block handed out before is consumed by then. */
static la_ssize_t pull_read(struct archive *a, void *ctx, const void **out)
{
  struct pull *u = ctx;
  buf_reset(&u->q);
  while (!u->q.len && !u->ended)
    uv_run(&u->s->loop, UV_RUN_ONCE);
  if (!u->q.len && u->rc) {
    sym_archive_set_error(a, EIO, "%s", u->err.text ? u->err.text : "");
    return -1;
  }
  *out = u->q.data;
  return (la_ssize_t)u->q.len;
}

/* name relative, no `..` component */
static int name_ok(const char *name)
{
  if (!name || !*name || name[0] == '/')
    return 0;
  for (const char *p = name; *p;) {
    size_t n = strcspn(p, "/");
    if (n == 2 && p[0] == '.' && p[1] == '.')
      return 0;
    p += n;
    while (*p == '/')
      p++;
  }
  return 1;
}

/* dest/name with its first component replaced by rename (malloc'ed). */
static char *target(const char *dest, const char *name, const char *rename)
{
  if (!rename)
    return xasprintf("%s/%s", dest, name);
  size_t n = strcspn(name, "/");
  return xasprintf("%s/%s%s", dest, rename, name + n);
}

int cp_extract(struct archive *in, const char *dest_dir, const char *rename,
               int owners, struct err *err)
{
  char real[PATH_MAX];
  int lrc = engine_libarchive_load(err);
  if (lrc)
    return lrc;
  if (!realpath(dest_dir, real))
    return err_set(err, ERR_NOTFOUND, "'%s': %s", dest_dir, strerror(errno));
  struct archive *out = sym_archive_write_disk_new();
  int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
              ARCHIVE_EXTRACT_SECURE_SYMLINKS |
              ARCHIVE_EXTRACT_SECURE_NODOTDOT |
              (owners ? ARCHIVE_EXTRACT_OWNER : 0);
  sym_archive_write_disk_set_options(out, flags);
  sym_archive_write_disk_set_standard_lookup(out);
  int rc = 0;
  struct archive_entry *e;
  for (;;) {
    int r = sym_archive_read_next_header(in, &e);
    if (r == ARCHIVE_EOF)
      break;
    if (r < ARCHIVE_WARN) {
      rc = err_set(err, ERR_IO, "reading the archive: %s",
                   sym_archive_error_string(in));
      break;
    }
    const char *name = sym_archive_entry_pathname(e);
    const char *link = sym_archive_entry_hardlink(e);
    if (!name_ok(name) || (link && !name_ok(link))) {
      rc = err_set(err, ERR_PROTO,
                   "archive entry '%s' escapes the destination: refused",
                   name && name_ok(name) ? link
                   : name                ? name
                                         : "");
      break;
    }
    char *path = target(real, name, rename);
    sym_archive_entry_set_pathname(e, path);
    free(path);
    if (link) {
      char *lp = target(real, link, rename);
      sym_archive_entry_set_hardlink(e, lp);
      free(lp);
    }
    r = sym_archive_write_header(out, e);
    if (r < ARCHIVE_WARN) {
      rc = err_set(err, ERR_IO, "extracting '%s': %s", name,
                   sym_archive_error_string(out));
      break;
    }
    const void *blk;
    size_t n;
    la_int64_t off;
    while ((r = sym_archive_read_data_block(in, &blk, &n, &off)) == ARCHIVE_OK)
      if (sym_archive_write_data_block(out, blk, n, off) < ARCHIVE_WARN) {
        r = ARCHIVE_FATAL;
        break;
      }
    if (r != ARCHIVE_EOF) {
      rc = err_set(err, ERR_IO, "extracting '%s': %s", name,
                   sym_archive_error_string(out) ? sym_archive_error_string(out)
                   : sym_archive_error_string(in) ? sym_archive_error_string(in)
                                                  : "failed");
      break;
    }
  }
  if (sym_archive_write_close(out) < ARCHIVE_WARN && !rc)
    rc = err_set(err, ERR_IO, "extracting: %s", sym_archive_error_string(out));
  sym_archive_write_free(out);
  return rc;
}

static int from_container(struct session *s, const char *id, const char *src,
                          const char *host, const struct cp_options *o)
{
  if (engine_libarchive_load(&s->err))
    return s->err.code;
  /* an existing directory receives the source; anything else is its name */
  struct stat st;
  char *dir, *rename = NULL;
  if (!stat(host, &st) && S_ISDIR(st.st_mode)) {
    dir = xstrdup(host);
  } else {
    char *a = xstrdup(host), *b = xstrdup(host);
    dir = xstrdup(dirname(a));
    rename = xstrdup(basename(b));
    free(a);
    free(b);
  }
  struct pull u = {.s = s, .q = BUF_INIT_CAP(CP_QUEUE_MAX)};
  int rc = engine_container_archive_get(s->engine, id, src, on_data, on_end, &u,
                                        NULL, &s->err);
  if (!rc) {
    struct archive *in = sym_archive_read_new();
    sym_archive_read_support_format_tar(in);
    struct err e = ERR_INIT;
    if (sym_archive_read_open(in, &u, NULL, pull_read, NULL) != ARCHIVE_OK)
      rc = err_set(&e, ERR_IO, "copying '%s': %s", src,
                   sym_archive_error_string(in));
    else
      rc = cp_extract(in, dir, rename, o->archive, &e);
    sym_archive_read_free(in);
    while (!u.ended) /* the rest of the stream */
      uv_run(&s->loop, UV_RUN_ONCE);
    /* the engine's failure says more than libarchive's */
    const struct err *why = u.rc ? &u.err : &e;
    if (u.rc || rc) {
      size_t n = why->text ? strlen(why->text) : 0;
      while (n && why->text[n - 1] == '\n')
        n--;
      rc = err_set(&s->err, why->code, "%.*s", (int)n, n ? why->text : "");
    }
    err_release(&e);
  }
  buf_release(&u.q);
  err_release(&u.err);
  free(dir);
  free(rename);
  return rc;
}

/* --- into the container --- */

static size_t read_tar(void *ctx, char *buf, size_t n)
{
  ssize_t r = tarball_read(ctx, buf, n);
  return r < 0 ? HTTP_READ_ERROR : (size_t)r;
}

/* One PUT of host named name into dir (owners: uid/gid kept, -a): 0 or
 * the engine's code (errors in err). */
static int put(struct session *s, const char *id, const char *host,
               const char *name, const char *dir, int owners, struct err *err)
{
  struct tarball *tb = NULL;
  int rc = tarball_new_path(&tb, host, name, NULL, err);
  if (rc)
    return rc;
  if (owners)
    tarball_keep_owners(tb);
  struct session_call c = {.err = err};
  rc = engine_container_archive_put_owners(s->engine, id, dir, owners, read_tar,
                                           tb, session_call_cb, &c, err);
  if (!rc)
    rc = session_call_wait(s, &c);
  if (rc && tarball_error(tb)->code) {
    err_release(err);
    err_set(err, tarball_error(tb)->code, "%s", tarball_error(tb)->text);
  }
  session_call_release(&c);
  tarball_free(tb);
  return rc;
}

static int to_container(struct session *s, const char *id, const char *host,
                        const char *dest, const struct cp_options *o)
{
  char real[PATH_MAX];
  const char *src = host;
  if (o->follow) {
    if (!realpath(host, real))
      return err_set(&s->err, ERR_NOTFOUND, "'%s': %s", host, strerror(errno));
    src = real;
  }
  char *a = xstrdup(host), *b = xstrdup(dest), *c = xstrdup(dest);
  const char *name = basename(a);
  /* into dest when it is a directory; else dest is the new name */
  struct err e = ERR_INIT;
  int rc = put(s, id, src, name, dest, o->archive, &e);
  size_t dl = strlen(dest);
  if ((rc == ERR_NOTFOUND || rc == ERR_ENGINE) && dl && dest[dl - 1] != '/') {
    err_release(&e);
    rc = put(s, id, src, basename(b), dirname(c), o->archive, &e);
  }
  size_t n = e.text ? strlen(e.text) : 0;
  while (n && e.text[n - 1] == '\n')
    n--;
  if (rc)
    err_set(&s->err, rc, "%.*s", (int)n, n ? e.text : err_text(rc));
  err_release(&e);
  free(a);
  free(b);
  free(c);
  return rc;
}

int cp_session_run(struct session *s, const struct service *svc,
                   const char *container_path, const char *host_path, int to,
                   const struct cp_options *o)
{
  const struct plan_container *c = NULL;
  int rc = session_observe(s);
  if (!rc)
    rc = exec_find_container(s->have, s->nhave, svc, o->index, &c, &s->err);
  if (rc)
    return rc;
  return to ? to_container(s, c->id, host_path, container_path, o)
            : from_container(s, c->id, container_path, host_path, o);
}
