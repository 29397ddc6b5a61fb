/* libFuzzer target for the build context tar against the .dockerignore
 * matcher. The input is the .dockerignore text, a NUL, then lines "F path"
 * or "D path" that make a file or a directory of a context (the
 * Dockerfile is always there). The tar the writer makes, read back with
 * libarchive, must hold exactly the paths the matcher allows, walking as
 * docker does (an excluded directory is entered only when an exception
 * may re-include something below it), plus the Dockerfile and
 * .dockerignore, which are always sent. Run by run.sh. */
/* fuzz-sources: src/engine/tarball.c src/engine/ignore.c src/engine/libs.c
 * src/util/buf.c src/util/dlib.c src/util/err.c src/util/xalloc.c */
#define _GNU_SOURCE
#include "engine/ignore.h"
#include "engine/tarball.h"
#include "util/err.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ENTRIES 48

static char root[256];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  snprintf(root, sizeof(root), "%s/wcompose-tfuzz.XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(root)) {
    perror("mkdtemp");
    exit(1);
  }
  return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
  if (f->level > 0)
    remove(p);
  return 0;
}

/* A path made safe for the context: components of [A-Za-z0-9._*?!#-]
 * (no "..", no empty ones, no "."), at most 4 deep. */
static int sane(char *p)
{
  int depth = 0;
  for (char *c = strtok(p, "/"), *o = p, first = 1; c;
       c = strtok(NULL, "/"), first = 0) {
    if (!strcmp(c, ".") || !strcmp(c, "..") || ++depth > 4)
      return 0;
    for (char *x = c; *x; x++)
      if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789._*?!#-",
                  *x))
        return 0;
    if (!first)
      *o++ = '/';
    memmove(o, c, strlen(c) + 1);
    o += strlen(o);
  }
  return *p != '\0';
}

/* Make path (with its parents) as a file or a directory. */
static void make(const char *rel, int dir)
{
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", root, rel);
  for (char *s = path + strlen(root) + 1; (s = strchr(s, '/')); s++) {
    *s = '\0';
    mkdir(path, 0755);
    *s = '/';
  }
  if (dir)
    mkdir(path, 0755);
  else {
    FILE *f = fopen(path, "w");
    if (f) {
      fputs("x", f);
      fclose(f);
    }
  }
}

struct names {
  char **v;
  size_t n;
};

static void add(struct names *s, const char *name)
{
  s->v = realloc(s->v, (s->n + 1) * sizeof(*s->v));
  s->v[s->n++] = strdup(name);
}

static int cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What the matcher allows, walked as docker walks: parent results passed
 * down, excluded directories entered only when they cannot be skipped. */
static void walk(const struct ignore *m, const char *rel,
                 const unsigned char *bits, struct names *out)
{
  char path[1024];
  snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
  DIR *d = opendir(path);
  struct dirent *e;
  size_t n = ignore_count(m);
  while (d && (e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    char sub[1024], host[1100];
    struct stat st;
    snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
    snprintf(host, sizeof(host), "%s/%s", root, sub);
    if (lstat(host, &st))
      continue;
    unsigned char *mine = malloc(n ? n : 1);
    int excluded = n && ignore_match_walk(m, sub, bits, mine);
    if (!excluded)
      add(out, sub);
    if (S_ISDIR(st.st_mode) && (!excluded || !ignore_skip_dir(m, sub)))
      walk(m, sub, n ? mine : NULL, out);
    free(mine);
  }
  if (d)
    closedir(d);
}

static void keep(struct ignore *m, const char *name)
{
  char line[64];
  if (ignore_match(m, name, 0)) {
    snprintf(line, sizeof(line), "!%s", name);
    ignore_add(m, line, NULL);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *text = (const char *)data;
  const char *nul = memchr(text, '\0', size);
  if (!nul)
    return 0;
  nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  make("Dockerfile", 0);
  size_t made = 0;
  for (const char *s = nul + 1, *end = text + size;
       s < end && made < MAX_ENTRIES;) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
    char *line = strndup(s, len);
    s += len + 1;
    if (strlen(line) > 2 && (line[0] == 'F' || line[0] == 'D') &&
        line[1] == ' ' && strlen(line) < 200 && sane(line + 2)) {
      make(line + 2, line[0] == 'D');
      made++;
    }
    free(line);
  }

  struct err err = ERR_INIT;
  struct tarball *tb = NULL;
  char *ign = strndup(text, (size_t)(nul - text));
  if (tarball_new(&tb, root, "Dockerfile", ign, &err) < 0) {
    err_release(&err);
    free(ign);
    return 0; /* rules the writer refuses */
  }
  /* the tar, whole */
  size_t cap = 1 << 16, len = 0;
  char *tar = malloc(cap);
  for (;;) {
    if (cap - len < 8192)
      tar = realloc(tar, cap *= 2);
    ssize_t r = tarball_read(tb, tar + len, cap - len);
    if (r < 0)
      abort(); /* nothing here is unreadable */
    if (!r)
      break;
    len += (size_t)r;
  }
  tarball_free(tb);
  struct names got = {0}, want = {0};
  struct archive *a = archive_read_new();
  archive_read_support_format_tar(a);
  if (archive_read_open_memory(a, tar, len) != ARCHIVE_OK)
    abort();
  struct archive_entry *e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    char *name = strdup(archive_entry_pathname(e));
    size_t l = strlen(name);
    if (l > 1 && name[l - 1] == '/')
      name[l - 1] = '\0';
    add(&got, name);
    free(name);
  }
  archive_read_free(a);
  free(tar);

  struct ignore *m = NULL;
  if (ignore_parse(&m, ign, strlen(ign), ".dockerignore", NULL) < 0)
    abort(); /* the writer took these rules */
  keep(m, ".dockerignore");
  keep(m, "Dockerfile");
  walk(m, "", NULL, &want);
  ignore_free(m);
  qsort(got.v, got.n, sizeof(*got.v), cmp);
  qsort(want.v, want.n, sizeof(*want.v), cmp);
  int same = got.n == want.n;
  for (size_t i = 0; same && i < got.n; i++)
    same = !strcmp(got.v[i], want.v[i]);
  if (!same) {
    fprintf(stderr, "tar-fuzz: the tar holds:\n");
    for (size_t i = 0; i < got.n; i++)
      fprintf(stderr, "  %s\n", got.v[i]);
    fprintf(stderr, "the matcher allows:\n");
    for (size_t i = 0; i < want.n; i++)
      fprintf(stderr, "  %s\n", want.v[i]);
    abort();
  }
  for (size_t i = 0; i < got.n; i++)
    free(got.v[i]);
  for (size_t i = 0; i < want.n; i++)
    free(want.v[i]);
  free(got.v);
  free(want.v);
  free(ign);
  err_release(&err);
  return 0;
}
