/* Hostile and large input through the loader: limits that fail fast with
 * a position (interpolated text in all, extends depth and copies, alias
 * text, control characters and NUL bytes), key tables that agree with a
 * plain search whatever was edited, and config output that is a compose
 * file (no tags, `$` doubled, empty fields left out, build args resolved). */
#include "compose/emit.h"
#include "compose/load-int.h"
#include "compose/load.h"
#include "tap.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];

static void write_file(const char *name, const char *text, size_t len)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(text, 1, len, f) != len || fclose(f))
    BUG("cannot write %s", path);
}

static void put(const char *name, const char *text)
{
  write_file(name, text, strlen(text));
}

/* Load dir/compose.yaml (and dir/.env when there) with an empty process
 * environment; returns the code, err has the messages. */
static int load(struct project **p, struct err *err, int no_interpolate)
{
  char *noenv[] = {NULL};
  struct strvec none = STRVEC_INIT;
  struct load_options o = {.files = &none,
                           .env_files = &none,
                           .profiles = &none,
                           .cwd = dir,
                           .environ = noenv,
                           .no_interpolate = no_interpolate};
  *p = NULL;
  err_reset(err);
  return compose_load(&o, p, NULL, err);
}

static int has(const struct err *err, const char *text)
{
  return err->text && strstr(err->text, text);
}

static void control_characters(void)
{
  struct project *p;
  struct err err = ERR_INIT;

  write_file("compose.yaml", "services:\n  a:\n    image: x\x01y\n", 29);
  is_int(load(&p, &err, 0), ERR_YAML, "a control character is refused");
  ok(has(&err, "compose.yaml:3:13: control characters are not allowed "
               "(byte 0x01)"),
     "at its line and column: %s", err.text);
  write_file("compose.yaml", "services:\n  a:\n  \0  image: x\n", 27);
  is_int(load(&p, &err, 0), ERR_YAML, "a NUL byte is refused");
  ok(has(&err, "compose.yaml:3:3: control characters are not allowed "
               "(byte 0x00)"),
     "at its line and column: %s", err.text);
  put("compose.yaml", "services:\n  a:\n    image: \"x\\0y\"\n");
  is_int(load(&p, &err, 0), ERR_YAML, "\\0 in a string is refused");
  ok(has(&err, "compose.yaml:3:12: a string holds a NUL character"),
     "at the string: %s", err.text);
  put("compose.yaml", "services:\n  a:\n    image: x\n");
  write_file(".env", "A=1\nB=x\0y\n", 10);
  is_int(load(&p, &err, 0), ERR_SCHEMA, "a NUL byte in .env is refused");
  ok(has(&err, ".env:2:4: a NUL byte in the file"),
     "at its line and column: %s", err.text);
  put(".env", "A=1\nB=\"x\\0000y\"\n");
  is_int(load(&p, &err, 0), ERR_SCHEMA, "\\0000 in .env is refused");
  ok(has(&err, ".env:2:5: '\\0000' in the value of 'B' makes a NUL byte"),
     "at the escape: %s", err.text);
  unlink(".env");
  put(".env", "");
  err_release(&err);
}

static void interpolation_total(void)
{
  struct project *p;
  struct err err = ERR_INIT;
  struct buf b = BUF_INIT;

  /* a 1 KiB .env that doubles a variable 24 times would make 1 GiB */
  buf_addstr(&b, "V0=0123456789abcdef0123456789abcdef\n");
  for (int i = 1; i <= 24; i++)
    buf_addf(&b, "V%d=${V%d}${V%d}\n", i, i - 1, i - 1);
  put(".env", b.data);
  put("compose.yaml", "services:\n  a:\n    image: x\n");
  is_int(load(&p, &err, 0), ERR_LIMIT, "doubling variables stop at the cap");
  ok(has(&err, ".env:") &&
         has(&err, "interpolation passes the limit of 67108864 bytes of "
                   "interpolated text for the project ($V"),
     "named where, with the variable: %s", err.text);

  /* 40 references to one 4 MiB variable (160 MiB): stops at 64 MiB */
  buf_reset(&b);
  buf_addstr(&b, "BIG=");
  for (int i = 0; i < (4 << 20) / 16; i++)
    buf_addstr(&b, "0123456789abcdef");
  buf_addstr(&b, "\n");
  put(".env", b.data);
  buf_reset(&b);
  buf_addstr(&b, "services:\n  a:\n    image: x\n    environment:\n");
  for (int i = 0; i < 40; i++)
    buf_addf(&b, "      E%d: ${BIG}\n", i);
  put("compose.yaml", b.data);
  is_int(load(&p, &err, 0), ERR_LIMIT, "references to a big variable stop");
  ok(has(&err, "compose.yaml:") && has(&err, "services.a.environment.E1") &&
         has(&err, "($BIG adds 4194304 bytes here)"),
     "at the reference that passes the cap: %s", err.text);
  is_int(err.count, 1, "told once");
  put(".env", "");
  buf_release(&b);
  err_release(&err);
}

static void extends_limits(void)
{
  struct project *p;
  struct err err = ERR_INIT;
  struct buf b = BUF_INIT;

  /* resolved from s0 down: the chain is as deep as it is long */
  buf_addstr(&b, "services:\n");
  for (int i = 0; i < LOAD_EXTENDS_DEPTH_MAX + 5; i++)
    buf_addf(&b, "  s%d:\n    extends: s%d\n", i, i + 1);
  buf_addf(&b, "  s%d:\n    image: x\n", LOAD_EXTENDS_DEPTH_MAX + 5);
  put("compose.yaml", b.data);
  is_int(load(&p, &err, 0), ERR_LIMIT, "a very long extends chain stops");
  ok(has(&err, "extends chain deeper than 1000 services"), "said so: %s",
     err.text);

  /* a base of 2,000 nodes extended by 1,000 services: 2 million copies */
  buf_reset(&b);
  buf_addstr(&b, "services:\n  base:\n    image: x\n    labels:\n");
  for (int i = 0; i < 1000; i++)
    buf_addf(&b, "      l%d: v\n", i);
  for (int i = 0; i < 1000; i++)
    buf_addf(&b, "  s%d:\n    extends: base\n", i);
  put("compose.yaml", b.data);
  is_int(load(&p, &err, 0), ERR_LIMIT, "copies of a big base stop");
  ok(has(&err, "extends copies more than 1000000 nodes in all"), "said so: %s",
     err.text);
  is_int(err.count, 1, "once");

  /* a cycle through many services is still found and named */
  buf_reset(&b);
  buf_addstr(&b, "services:\n");
  for (int i = 0; i < 500; i++)
    buf_addf(&b, "  s%d:\n    image: x\n    extends: s%d\n", i, (i + 1) % 500);
  put("compose.yaml", b.data);
  is_int(load(&p, &err, 0), ERR_CONFIG, "a long extends cycle");
  ok(has(&err, "services.s0: circular reference with extends: s0 -> s1 -> "),
     "named from its start");
  buf_release(&b);
  err_release(&err);
}

static void port_ranges(void)
{
  struct project *p;
  struct err err = ERR_INIT;

  put("compose.yaml", "services:\n  a:\n    image: x\n    ports:\n"
                      "      - \"1000-60999:1000-60999\"\n"
                      "      - \"1000-60999:1000-60999/udp\"\n");
  is_int(load(&p, &err, 0), ERR_CONFIG, "port ranges past the cap stop");
  ok(has(&err, "compose.yaml:6:9: services.a.ports[1]: the project publishes "
               "more than 100000 ports in all"),
     "at the range that passes it: %s", err.text);
  put("compose.yaml", "services:\n  a:\n    image: x\n    ports:\n"
                      "      - \"1000-60999:1000-60999\"\n");
  is_int(load(&p, &err, 0), 0, "a range of 60,000 ports loads");
  if (p)
    is_int(p->services[0].nports, 60000, "one port per number");
  project_free(p);
  err_release(&err);
}

/* One file named over and over is read over and over: all the files of a
 * load count against LOAD_FILES_MAX. */
static void files_read(void)
{
  struct project *p;
  struct err err = ERR_INIT;
  struct buf b = BUF_INIT;

  for (int i = 0; i < (1 << 20) / 32; i++)
    buf_addf(&b, "VARIABLE_%08d=0123456789abc\n", i);
  put("big.env", b.data);
  buf_reset(&b);
  buf_addstr(&b, "services:\n");
  for (int i = 0; i < 70; i++)
    buf_addf(&b, "  s%d:\n    image: x\n    env_file: big.env\n", i);
  put("compose.yaml", b.data);
  is_int(load(&p, &err, 0), ERR_LIMIT, "a 1 MiB env file named 70 times");
  ok(has(&err, "big.env: the files of the project hold more than 67108864 "
               "bytes in all"),
     "stops at the cap: %s", err.text);
  unlink("big.env");
  buf_release(&b);
  err_release(&err);
}

static void alias_text(void)
{
  struct arena a = ARENA_INIT;
  struct err err = ERR_INIT;
  struct ynode *root;
  struct buf b = BUF_INIT;
  struct ydoc_limits lim = {0, 0, 0, 1 << 20};

  buf_addstr(&b, "x: &big \"");
  for (int i = 0; i < 4096; i++)
    buf_addstr(&b, "0123456789abcdef");
  buf_addstr(&b, "\"\nl: [");
  for (int i = 0; i < 40; i++)
    buf_addstr(&b, "*big, ");
  buf_addstr(&b, "x]\n");
  is_int(ydoc_parse(&a, "t.yml", b.data, b.len, &lim, &root, &err), ERR_LIMIT,
         "aliases copying more text than the cap");
  ok(has(&err, "t.yml:2:") &&
         has(&err, "alias expansion copies more than 1048576 bytes of text"),
     "at the alias: %s", err.text);
  buf_release(&b);
  err_release(&err);
  arena_release(&a);
}

/* The key table of a large map answers as a search of keys[] would, after
 * the builders and after edits by hand. */
static void key_tables(void)
{
  struct arena a = ARENA_INIT;
  struct ynode *m = ydoc_new_map(&a, NULL), *copy;
  char k[32];
  int bad = 0;

  for (int i = 0; i < 1000; i++) {
    snprintf(k, sizeof(k), "k%d", i);
    ydoc_map_set(&a, m, k, ydoc_new_scalar(&a, NULL, k, 0));
  }
  ydoc_map_set(&a, m, "k5", ydoc_new_scalar(&a, NULL, "again", 0));
  is_int(m->n, 1000, "setting a key again replaces it");
  is_str(ydoc_get(m, "k5")->str, "again", "the new value");
  for (int i = 0; i < 1000; i += 3) {
    snprintf(k, sizeof(k), "k%d", i);
    ydoc_map_del(m, k);
  }
  ok(ydoc_index(m, "k1") >= 0, "a lookup fills the table");
  /* by hand, as load_strip_tags does: drop every fourth entry */
  size_t o = 0;
  for (size_t i = 0; i < m->n; i++) {
    if (i % 4 == 3)
      continue;
    m->keys[o] = m->keys[i];
    m->items[o++] = m->items[i];
  }
  m->n = o;
  copy = ydoc_clone(&a, m);
  for (int i = 0; i < 1100; i++) {
    snprintf(k, sizeof(k), "k%d", i);
    long want = -1;
    for (size_t j = 0; j < m->n; j++)
      if (!strcmp(m->keys[j]->str, k))
        want = (long)j;
    if (ydoc_index(m, k) != want || ydoc_index(copy, k) != want)
      bad++;
  }
  is_int(bad, 0, "lookups agree with a search after deletes and edits");
  arena_release(&a);
}

static void config_output(void)
{
  struct project *p;
  struct err err = ERR_INIT;
  struct buf out = BUF_INIT;
  cJSON *t;

  put(".env", "ARG1=one\n");
  put("compose.yaml", "services:\n  a:\n    image: x\n    platform: "
                      "${NONE:-}\n    build:\n      context: .\n      args: "
                      "[ARG1, ARG2]\n    environment:\n      S: \"a b \"\n"
                      "      D: \"$$HOME\"\n");
  is_int(load(&p, &err, 0), 0, "loads");
  if (!p)
    return;
  is_int(p->services[0].build->args.n, 1, "an unset build arg is dropped");
  is_str(kvlist_get(&p->services[0].build->args, "ARG1"), "one",
         "a valueless build arg takes its value from .env");
  ok(!p->services[0].platform, "an empty platform is no platform");
  t = emit_project_as(p, EMIT_FORMAT_YAML);
  emit_yaml(t, &out);
  ok(out.data && !strchr(out.data, '!'), "no tag in the output");
  ok(out.data && strstr(out.data, "S: 'a b '\n"), "quoted plainly");
  ok(out.data && strstr(out.data, "D: $$HOME\n"), "a dollar is doubled");
  ok(out.data && !strstr(out.data, "platform"), "empty fields left out");
  cJSON_Delete(t);
  project_free(p);

  buf_reset(&out);
  is_int(load(&p, &err, 1), 0, "loads without interpolation");
  if (!p)
    return;
  t = emit_project_as(p, EMIT_FORMAT_YAML);
  emit_yaml(t, &out);
  ok(out.data && strstr(out.data, "D: $$HOME\n") &&
         strstr(out.data, "${NONE:-}"),
     "uninterpolated strings are printed as written");
  cJSON_Delete(t);
  project_free(p);
  put(".env", "");
  buf_release(&out);
  err_release(&err);
}

int main(void)
{
  snprintf(dir, sizeof(dir), "%s/wcompose-bounds.XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(dir) || chdir(dir))
    BUG("cannot make a temporary directory");
  control_characters();
  interpolation_total();
  extends_limits();
  port_ranges();
  files_read();
  alias_text();
  key_tables();
  config_output();
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if (system(cmd))
    printf("# could not remove %s\n", dir);
  return tap_done();
}
