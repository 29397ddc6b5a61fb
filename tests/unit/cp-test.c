/* cp's extraction (orchestrate/cp.h) on archives made here: entries land
 * under the destination (renamed when asked), and an entry that is
 * absolute, climbs with `..` (as a name or a hard link's target) or would
 * be written through a symlink out of the destination is refused, nothing
 * written outside. Also pump_keys_parse (orchestrate/pump.h). */
#include "orchestrate/cp.h"
#include "orchestrate/pump.h"
#include "tap.h"

#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ent {
  const char *name;
  int type; /* AE_IFREG, AE_IFDIR, AE_IFLNK; hard link when link and REG */
  const char *link;
};

/* A tar of ents in memory (static buffer). */
static size_t make_tar(const struct ent *v, size_t n, char *buf, size_t cap)
{
  struct archive *a = archive_write_new();
  size_t used = 0;
  archive_write_set_format_pax_restricted(a);
  archive_write_open_memory(a, buf, cap, &used);
  for (size_t i = 0; i < n; i++) {
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, v[i].name);
    archive_entry_set_filetype(e, (unsigned)v[i].type);
    archive_entry_set_perm(e, v[i].type == AE_IFDIR ? 0755 : 0644);
    if (v[i].type == AE_IFLNK)
      archive_entry_set_symlink(e, v[i].link);
    else if (v[i].link)
      archive_entry_set_hardlink(e, v[i].link);
    else if (v[i].type == AE_IFREG)
      archive_entry_set_size(e, 2);
    archive_write_header(a, e);
    if (v[i].type == AE_IFREG && !v[i].link)
      archive_write_data(a, "x\n", 2);
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return used;
}

static int extract(const struct ent *v, size_t n, const char *dest,
                   const char *rename, struct err *err)
{
  static char buf[1 << 16];
  size_t len = make_tar(v, n, buf, sizeof(buf));
  struct archive *in = archive_read_new();
  archive_read_support_format_tar(in);
  archive_read_open_memory(in, buf, len);
  int rc = cp_extract(in, dest, rename, 0, err);
  archive_read_free(in);
  return rc;
}

static int exists(const char *dir, const char *name)
{
  char p[4096];
  struct stat st;
  snprintf(p, sizeof(p), "%s/%s", dir, name);
  return !lstat(p, &st);
}

int main(void)
{
  char root[] = "/tmp/cp-test.XXXXXX";
  if (!mkdtemp(root))
    return 99;
  char dest[4200], outside[4200];
  snprintf(dest, sizeof(dest), "%s/dest", root);
  snprintf(outside, sizeof(outside), "%s/outside", root);
  mkdir(dest, 0755);
  mkdir(outside, 0755);
  struct err err = ERR_INIT;

  const struct ent good[] = {{"d", AE_IFDIR, NULL},
                             {"d/f", AE_IFREG, NULL},
                             {"d/hard", AE_IFREG, "d/f"},
                             {"d/up", AE_IFLNK, "../elsewhere"}};
  is_int(extract(good, 4, dest, NULL, &err), 0, "a plain tree extracts");
  ok(exists(dest, "d/f") && exists(dest, "d/hard") && exists(dest, "d/up"),
     "its files, hard link and symlink are there");
  is_int(extract(good, 4, dest, "renamed", &err), 0, "renamed extracts");
  ok(exists(dest, "renamed/f") && exists(dest, "renamed/hard"),
     "the first component is the new name (hard links too)");

  const struct ent dotdot[] = {{"d/../../outside/x", AE_IFREG, NULL}};
  is_int(extract(dotdot, 1, dest, NULL, &err), ERR_PROTO, "`..` refused");
  ok(err.text && strstr(err.text, "escapes the destination"), "said: %s",
     err.text ? err.text : "");
  ok(!exists(outside, "x"), "nothing written outside");
  err_release(&err);

  const struct ent abs[] = {{"/etc/x", AE_IFREG, NULL}};
  is_int(extract(abs, 1, dest, NULL, &err), ERR_PROTO, "absolute refused");
  err_release(&err);

  const struct ent hard[] = {{"h", AE_IFREG, "../outside/y"}};
  is_int(extract(hard, 1, dest, NULL, &err), ERR_PROTO,
         "a hard link out with `..` refused");
  err_release(&err);

  const struct ent through[] = {{"l", AE_IFLNK, outside},
                                {"l/z", AE_IFREG, NULL}};
  ok(extract(through, 2, dest, NULL, &err) < 0,
     "writing through a symlink out refused");
  ok(!exists(outside, "z"), "nothing written through the symlink");
  err_release(&err);

  unsigned char k[PUMP_KEYS_MAX];
  size_t nk = 0;
  is_int(pump_keys_parse("ctrl-p,ctrl-q", k, &nk, &err), 0, "default keys");
  ok(nk == 2 && k[0] == 16 && k[1] == 17, "ctrl-p,ctrl-q is 16 17");
  is_int(pump_keys_parse("a,ctrl-@,ctrl-[,ctrl-_", k, &nk, &err), 0,
         "characters and ctrl- symbols");
  ok(nk == 4 && k[0] == 'a' && k[1] == 0 && k[2] == 27 && k[3] == 31,
     "a 0 27 31");
  is_int(pump_keys_parse("ctrl-pp", k, &nk, &err), ERR_USAGE, "bad key");
  err_release(&err);
  is_int(pump_keys_parse("a,", k, &nk, &err), ERR_USAGE, "empty key");
  err_release(&err);

  char cmd[4300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
  if (system(cmd))
    return 99;
  return tap_done();
}
