/* Unit tests for build-context tar streams: a temp tree archived and read
 * back with libarchive's reader, chunking, extras, errors, and memory. */
#include "tap.h"
#include "engine/ignore.h"
#include "engine/tarball.h"
#include "util/err.h"
#include "util/xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char top[256];

static void put(const char *rel, const char *data, mode_t mode)
{
  char *p = xasprintf("%s/%s", top, rel);
  int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
    BUG("writing '%s'", p);
  close(fd);
  chmod(p, mode);
  free(p);
}

static void dir(const char *rel)
{
  char *p = xasprintf("%s/%s", top, rel);
  mkdir(p, 0755);
  free(p);
}

/* One entry read back from a stream. */
struct got {
  char name[512];
  int type; /* AE_IF* */
  char link[256];
  char hard[256];
  long long uid, gid, size;
  int has_uname;
  unsigned mode;
  long long mtime;
  char data[256];
};

struct reader {
  struct tarball *tb;
  char buf[4096];
  size_t chunk;
  int rc;
};

static la_ssize_t on_read(struct archive *a, void *data, const void **out)
{
  struct reader *r = data;
  ssize_t n = tarball_read(r->tb, r->buf, r->chunk);
  if (n < 0) {
    r->rc = (int)n;
    archive_set_error(a, EIO, "tarball_read: %d", (int)n);
    return -1;
  }
  *out = r->buf;
  return n;
}

/* Read the whole stream of tb with libarchive; returns the entry count
 * (up to max), -1 on a read error. total: bytes of data seen. */
static int read_back(struct tarball *tb, struct got *g, int max,
                     long long *total)
{
  struct reader r = {tb, {0}, 4096, 0};
  struct archive *a = archive_read_new();
  struct archive_entry *e;
  int n = 0;
  archive_read_support_format_tar(a);
  if (archive_read_open(a, &r, NULL, on_read, NULL) != ARCHIVE_OK) {
    archive_read_free(a);
    return -1;
  }
  if (total)
    *total = 0;
  int rc;
  while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
    struct got *x = n < max ? &g[n] : NULL;
    static char data[TARBALL_CHUNK];
    la_ssize_t k;
    if (x) {
      memset(x, 0, sizeof(*x));
      snprintf(x->name, sizeof(x->name), "%s", archive_entry_pathname(e));
      x->type = (int)archive_entry_filetype(e);
      if (archive_entry_symlink(e))
        snprintf(x->link, sizeof(x->link), "%s", archive_entry_symlink(e));
      if (archive_entry_hardlink(e))
        snprintf(x->hard, sizeof(x->hard), "%s", archive_entry_hardlink(e));
      x->uid = archive_entry_uid(e);
      x->gid = archive_entry_gid(e);
      x->has_uname = (archive_entry_uname(e) && *archive_entry_uname(e)) ||
                     (archive_entry_gname(e) && *archive_entry_gname(e));
      x->size = archive_entry_size(e);
      x->mode = archive_entry_perm(e);
      x->mtime = archive_entry_mtime(e);
    }
    size_t off = 0;
    while ((k = archive_read_data(a, data, sizeof(data))) > 0) {
      if (x && off < sizeof(x->data) - 1) {
        size_t c = (size_t)k < sizeof(x->data) - 1 - off
                       ? (size_t)k
                       : sizeof(x->data) - 1 - off;
        memcpy(x->data + off, data, c);
      }
      off += (size_t)k;
      if (total)
        *total += k;
    }
    n++;
  }
  archive_read_free(a);
  return rc == ARCHIVE_EOF ? n : -1;
}

/* The whole stream, read chunk bytes at a time. */
static char *slurp(struct tarball *tb, size_t chunk, size_t *len)
{
  size_t alloc = 1 << 16, n = 0;
  char *out = xmalloc(alloc);
  char *buf = xmalloc(chunk);
  ssize_t k;
  while ((k = tarball_read(tb, buf, chunk)) > 0) {
    if (n + (size_t)k > alloc) {
      alloc *= 2;
      out = xrealloc(out, alloc);
    }
    memcpy(out + n, buf, (size_t)k);
    n += (size_t)k;
  }
  free(buf);
  *len = k < 0 ? 0 : n;
  return out;
}

static struct tarball *open_ctx(const char *df, const char *ignore)
{
  struct tarball *tb = NULL;
  struct err e = ERR_INIT;
  if (tarball_new(&tb, top, df, ignore, &e) < 0)
    printf("# %s", e.text);
  err_release(&e);
  return tb;
}

static const char *longdir =
    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd";
static const char *longfile =
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff.txt";

static const char *ignore_text =
    "# build outputs\n.dockerignore\nDockerfile\nbuild\n!build/keep.txt\n"
    "node_modules\n*.o\nsecret.txt\n";

static void make_tree(void)
{
  put(".dockerignore", ignore_text, 0644);
  put("Dockerfile", "FROM scratch\n", 0644);
  put("a.txt", "hello\n", 0644);
  put("exec.sh", "#!/bin/sh\n", 0755);
  put("empty", "", 0600);
  put("secret.txt", "no\n", 0644);
  put("x.o", "obj", 0644);
  dir("build");
  put("build/keep.txt", "kept\n", 0644);
  put("build/x.o", "obj", 0644);
  put("build/other", "no", 0644);
  dir("node_modules");
  put("node_modules/m.js", "no", 0644);
  dir("sub");
  put("sub/b.txt", "b\n", 0644);
  dir("sub/deeper");
  put("sub/deeper/c.txt", "c\n", 0644);
  put("sub/deeper/c.o", "c\n", 0644);
  char *p = xasprintf("%s/link", top);
  symlink("a.txt", p);
  free(p);
  p = xasprintf("%s/dangling", top);
  symlink("/nowhere/at/all", p);
  free(p);
  p = xasprintf("%s/fifo", top);
  mkfifo(p, 0644);
  free(p);
  char *a = xasprintf("%s/a.txt", top);
  p = xasprintf("%s/hard.txt", top);
  link(a, p);
  free(a);
  free(p);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  if (s >= 0 && strlen(top) + 6 < sizeof(sa.sun_path)) {
    memcpy(sa.sun_path, top, strlen(top));
    memcpy(sa.sun_path + strlen(top), "/sock", 6);
    bind(s, (struct sockaddr *)&sa, sizeof(sa));
  }
  if (s >= 0)
    close(s);
  p = xasprintf("%s/%s", top, longdir);
  mkdir(p, 0755);
  free(p);
  p = xasprintf("%s/%s", longdir, longfile);
  put(p, "long\n", 0644);
  free(p);
}

static void check_tree(void)
{
  struct got g[64];
  struct tarball *tb = open_ctx("Dockerfile", NULL);
  ok(tb != NULL, "tarball_new on the tree");
  if (!tb)
    return;
  int n = read_back(tb, g, 64, NULL);
  char *longpath = xasprintf("%s/%s", longdir, longfile);
  char *longdir_slash = xasprintf("%s/", longdir);
  const struct {
    const char *name;
    int type;
  } want[] = {
      {".dockerignore", AE_IFREG},
      {"Dockerfile", AE_IFREG},
      {"a.txt", AE_IFREG},
      {"build/keep.txt", AE_IFREG},
      {"dangling", AE_IFLNK},
      {longdir_slash, AE_IFDIR},
      {longpath, AE_IFREG},
      {"empty", AE_IFREG},
      {"exec.sh", AE_IFREG},
      {"hard.txt", AE_IFREG},
      {"link", AE_IFLNK},
      {"sub/", AE_IFDIR},
      {"sub/b.txt", AE_IFREG},
      {"sub/deeper/", AE_IFDIR},
      {"sub/deeper/c.o", AE_IFREG}, /* "*.o" is for the top only */
      {"sub/deeper/c.txt", AE_IFREG},
  };
  int nwant = (int)(sizeof(want) / sizeof(want[0]));
  is_int(n, nwant, "entry count");
  for (int i = 0; i < n && i < nwant; i++) {
    is_str(g[i].name, want[i].name, "entry %d name", i);
    /* libarchive reads a hard link with no file type of its own */
    is_int(g[i].hard[0] ? (int)AE_IFREG : g[i].type, want[i].type, "'%s' type",
           g[i].name);
    ok(g[i].uid == 0 && g[i].gid == 0 && !g[i].has_uname,
       "'%s' owned by 0:0 without names", g[i].name);
  }
  if (n == nwant) {
    is_str(g[0].data, ignore_text, "ignored .dockerignore is sent");
    is_str(g[1].data, "FROM scratch\n", "ignored Dockerfile is sent");
    is_str(g[2].data, "hello\n", "a.txt data");
    is_int(g[2].size, 6, "a.txt size");
    is_int(g[2].mode, 0644, "a.txt mode");
    is_str(g[4].link, "/nowhere/at/all", "dangling link target");
    is_str(g[6].data, "long\n", "long name data");
    is_int(g[7].size, 0, "empty file");
    is_int(g[7].mode, 0600, "empty mode");
    is_int(g[8].mode, 0755, "exec.sh mode kept");
    is_str(g[9].hard, "a.txt", "hard.txt is a hard link to a.txt");
    is_int(g[9].size, 0, "hard link carries no data");
    is_str(g[10].link, "a.txt", "link target, not followed");
    is_int(g[10].size, 0, "symlink carries no data");
    struct stat st;
    char *p = xasprintf("%s/a.txt", top);
    stat(p, &st);
    free(p);
    is_int(g[2].mtime, st.st_mtime, "mtime kept");
  }
  free(longpath);
  free(longdir_slash);
  tarball_free(tb);
}

static void check_chunks(void)
{
  size_t sizes[] = {1, 7, 511, 513, 4099, 100000};
  size_t ref_len = 0;
  struct tarball *tb = open_ctx("Dockerfile", NULL);
  char *ref = slurp(tb, 65536, &ref_len);
  tarball_free(tb);
  ok(ref_len > 0 && ref_len % 512 == 0, "stream is whole records (%zu)",
     ref_len);
  ok(ref_len >= 1024 && !memcmp(ref + ref_len - 1024, (char[1024]){0}, 1024),
     "stream ends with two zero records");
  for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    size_t len;
    tb = open_ctx("Dockerfile", NULL);
    char *s = slurp(tb, sizes[i], &len);
    ok(len == ref_len && !memcmp(s, ref, len),
       "reading %zu bytes at a time gives the same bytes", sizes[i]);
    is_int(tarball_read(tb, s, 1), 0, "0 after the end");
    free(s);
    tarball_free(tb);
  }
  free(ref);
}

static void check_extras(void)
{
  struct got g[64];
  struct err e = ERR_INIT;
  const char *name = NULL;
  struct tarball *tb = open_ctx(NULL, "node_modules\nbuild\n");
  is_int(tarball_add_file(tb, "extra/inline.txt", "inline\n", 7), 0,
         "tarball_add_file");
  is_int(tarball_add_file(tb, "a.txt", "replaced\n", 9), 0,
         "tarball_add_file replacing a context file");
  is_int(tarball_add_dockerfile(tb, "FROM x\n", 7, &name, &e), 0,
         "tarball_add_dockerfile");
  ok(name && strlen(name) == 32 && !strncmp(name, ".dockerfile.", 12),
     "generated name '%s'", name ? name : "");
  int n = read_back(tb, g, 64, NULL);
  ok(n > 3, "read back with extras");
  int i_ign = -1, i_a = -1, i_inline = -1, i_df = -1;
  for (int i = 0; i < n; i++) {
    if (!strcmp(g[i].name, ".dockerignore"))
      i_ign = i;
    if (!strcmp(g[i].name, "a.txt"))
      i_a = i;
    if (!strcmp(g[i].name, "extra/inline.txt"))
      i_inline = i;
    if (name && !strcmp(g[i].name, name))
      i_df = i;
  }
  ok(i_ign == 0, ".dockerignore replaced where it stands");
  if (i_ign == 0 && name) {
    char *want = xasprintf("%s\n%s\n", ignore_text, name);
    is_str(g[0].data, want, ".dockerignore gains the dockerfile's name");
    free(want);
    is_int(g[0].mode, 0644, "and keeps its mode");
  }
  ok(i_a > 0 && !strcmp(g[i_a].data, "replaced\n"), "a.txt replaced");
  ok(i_a > 0 && g[i_a].mode == 0644, "replacement keeps the mode");
  ok(i_inline == n - 2 && i_df == n - 1, "added files come last, in order");
  ok(i_df >= 0 && !strcmp(g[i_df].data, "FROM x\n") && g[i_df].mode == 0600,
     "dockerfile data and mode");
  char buf[8];
  ok(tarball_read(tb, buf, sizeof(buf)) == 0, "ended");
  is_int(tarball_add_file(tb, "late", "x", 1), ERR_STATE,
         "adding after reading is refused");
  tarball_free(tb);
  err_release(&e);
}

static void check_dockerfile_kept(void)
{
  struct got g[8];
  struct tarball *tb = open_ctx("./sub/deeper/c.txt", "*\n");
  int n = read_back(tb, g, 8, NULL);
  ok(n == 2 && !strcmp(g[0].name, ".dockerignore") &&
         !strcmp(g[1].name, "sub/deeper/c.txt"),
     "a Dockerfile in an ignored directory is still sent, alone");
  tarball_free(tb);
}

static void check_errors(void)
{
  struct tarball *tb = (struct tarball *)&tb;
  struct err e = ERR_INIT;
  char *missing = xasprintf("%s/missing", top);
  is_int(tarball_new(&tb, missing, "Dockerfile", NULL, &e), ERR_NOTFOUND,
         "missing context");
  char *msg = xasprintf("build context '%s' does not exist\n", missing);
  is_str(e.text, msg, "missing context message");
  ok(tb == NULL, "no tarball on error");
  free(msg);
  err_reset(&e);

  char *file = xasprintf("%s/a.txt", top);
  is_int(tarball_new(&tb, file, NULL, NULL, &e), ERR_BUILD,
         "a file is not a context");
  err_reset(&e);
  is_int(tarball_new(&tb, top, NULL, "[bad\n", &e), ERR_BUILD,
         "bad .dockerignore");
  is_str(e.text, ".dockerignore:1: syntax error in pattern '[bad'\n",
         "bad .dockerignore message");
  err_reset(&e);

  /* root reads anything: check as nobody in a child */
  char *p = xasprintf("%s/Dockerfile", top);
  chmod(p, 0);
  chmod(top, 0755);
  pid_t pid = fork();
  if (pid == 0) {
    if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
      _exit(2);
    tb = open_ctx("Dockerfile", NULL);
    char buf[512];
    ssize_t k;
    while ((k = tarball_read(tb, buf, sizeof(buf))) > 0)
      ;
    msg = xasprintf("no permission to read from '%s'\n", p);
    int good = k == ERR_IO && !strcmp(tarball_error(tb)->text, msg) &&
               tarball_read(tb, buf, sizeof(buf)) == ERR_IO;
    if (!good)
      printf("# got %d: %s", (int)k, tarball_error(tb)->text);
    fflush(stdout);
    _exit(good ? 0 : 1);
  }
  int status = -1;
  waitpid(pid, &status, 0);
  ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
     "an unreadable file is ERR_IO naming it, and stays an error");
  chmod(p, 0644);
  chmod(top, 0700);
  free(p);
  free(file);
  free(missing);
  err_release(&e);
}

static void check_paths(void)
{
  struct got g[16];
  struct tarball *tb;
  struct err e = ERR_INIT;
  char *p = xasprintf("%s/sub", top);
  struct ignore *ign;
  ignore_parse(&ign, "**/*.o\n", 7, "watch", &e);
  is_int(tarball_new_path(&tb, p, "dest", ign, &e), 0, "tarball_new_path dir");
  int n = read_back(tb, g, 16, NULL);
  is_int(n, 4, "directory tree entries");
  if (n == 4) {
    is_str(g[0].name, "dest/", "the directory itself");
    is_str(g[1].name, "dest/b.txt", "its file");
    is_str(g[2].name, "dest/deeper/", "its subdirectory");
    is_str(g[3].name, "dest/deeper/c.txt", "ignored *.o left out");
  }
  tarball_free(tb);
  ignore_free(ign);
  free(p);

  p = xasprintf("%s/exec.sh", top);
  is_int(tarball_new_path(&tb, p, "run.sh", NULL, &e), 0,
         "tarball_new_path file");
  n = read_back(tb, g, 16, NULL);
  ok(n == 1 && !strcmp(g[0].name, "run.sh") && g[0].mode == 0755 &&
         !strcmp(g[0].data, "#!/bin/sh\n"),
     "single file entry");
  tarball_free(tb);
  free(p);

  p = xasprintf("%s/link", top);
  tarball_new_path(&tb, p, "l", NULL, &e);
  n = read_back(tb, g, 16, NULL);
  ok(n == 1 && g[0].type == AE_IFLNK && !strcmp(g[0].link, "a.txt"),
     "a symlink is sent as a link");
  tarball_free(tb);
  free(p);

  p = xasprintf("%s/nope", top);
  is_int(tarball_new_path(&tb, p, "x", NULL, &e), ERR_NOTFOUND, "missing path");
  free(p);
  err_release(&e);
}

/* A list tarball (watch sync): each path under its own name, alone (a
 * directory as its entry only), in the order added; a path gone by the
 * time it is read is left out. */
static void check_list(void)
{
  struct got g[16];
  struct tarball *tb;
  struct err e = ERR_INIT;
  is_int(tarball_new_list(&tb, &e), 0, "tarball_new_list");
  const char *rels[] = {"sub", "gone.txt", "sub/b.txt", "link", "exec.sh"};
  const char *names[] = {"app/sub", "app/gone.txt", "app/sub/b.txt", "app/l",
                         "app/bin/run.sh"};
  for (int i = 0; i < 5; i++) {
    char *p = xasprintf("%s/%s", top, rels[i]);
    is_int(tarball_add_path(tb, p, names[i]), 0, "add %s", rels[i]);
    free(p);
  }
  int n = read_back(tb, g, 16, NULL);
  is_int(n, 4, "four entries: the gone one left out, no walk");
  if (n == 4) {
    is_str(g[0].name, "app/sub/", "the directory, alone");
    is_str(g[1].name, "app/sub/b.txt", "a file under its name");
    is_str(g[1].data, "b\n", "with its data");
    ok(g[2].type == AE_IFLNK && !strcmp(g[2].name, "app/l") &&
           !strcmp(g[2].link, "a.txt"),
       "a symlink as a link");
    ok(!strcmp(g[3].name, "app/bin/run.sh") && g[3].mode == 0755 &&
           g[3].uid == 0 && g[3].gid == 0,
       "a file, mode kept, owner 0:0");
  }
  is_int(tarball_add_path(tb, "/x", "x"), ERR_STATE, "no adding once read");
  tarball_free(tb);
  struct tarball *plain;
  char *d = xasprintf("%s/sub", top);
  tarball_new_path(&plain, d, "x", NULL, &e);
  is_int(tarball_add_path(plain, "/x", "x"), ERR_STATE,
         "only to a list tarball");
  tarball_free(plain);
  free(d);
  err_release(&e);
}

static long maxrss_kib(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static void check_big_file(void)
{
  char *d = xasprintf("%s/big", top);
  mkdir(d, 0755);
  char *p = xasprintf("%s/blob", d);
  int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const long long size = 50LL * 1024 * 1024;
  ok(fd >= 0 && ftruncate(fd, size) == 0, "50 MiB file");
  /* a little real data at both ends, the rest a hole */
  if (pwrite(fd, "head", 4, 0) != 4 || pwrite(fd, "tail", 4, size - 4) != 4)
    BUG("pwrite");
  close(fd);

  struct tarball *tb;
  struct err e = ERR_INIT;
  tarball_new(&tb, d, NULL, NULL, &e);
  long before = maxrss_kib();
  struct got g[2];
  long long total = 0;
  int n = read_back(tb, g, 2, &total);
  long grown = maxrss_kib() - before;
  is_int(n, 1, "one entry");
  is_int(total, size, "all 50 MiB streamed");
  ok(!strncmp(g[0].data, "head", 4), "data starts right");
  ok(tarball_buffer_peak(tb) <= TARBALL_CHUNK + 16384,
     "internal buffer peaked at %zu bytes", tarball_buffer_peak(tb));
  ok(grown < 16 * 1024, "resident memory grew by %ld KiB only", grown);
  tarball_free(tb);
  unlink(p);
  rmdir(d);
  free(p);
  free(d);
  err_release(&e);
}

int main(void)
{
  const char *tmp = getenv("TMPDIR");
  snprintf(top, sizeof(top), "%s/wcompose-tarball-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(top)) {
    perror("mkdtemp");
    return 1;
  }
  make_tree();
  check_tree();
  check_chunks();
  check_extras();
  check_dockerfile_kept();
  check_errors();
  check_paths();
  check_list();
  check_big_file();
  char *cmd = xasprintf("rm -rf '%s'", top);
  if (system(cmd) != 0)
    printf("# could not remove %s\n", top);
  free(cmd);
  return tap_done();
}
