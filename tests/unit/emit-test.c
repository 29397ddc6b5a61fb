/* Unit tests for emit: the compose-go full example (read in place from
 * /work/shared/conformance when present) must print as compose prints it,
 * in JSON byte for byte and in YAML value for value; plus the YAML quoting
 * rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compose/emit.h"
#include "compose/interp.h"
#include "compose/model-int.h"
#include "tap.h"
#include "util/buf.h"

#define CONF "/work/shared/conformance"

/* Replace every occurrence of from by to. */
static char *replace_all(const char *s, const char *from, const char *to)
{
  struct buf b = BUF_INIT;
  const char *p;
  size_t fl = strlen(from);

  while ((p = strstr(s, from))) {
    buf_add(&b, s, (size_t)(p - s));
    buf_addstr(&b, to);
    s = p + fl;
  }
  buf_addstr(&b, s);
  return buf_detach(&b);
}

/* A YAML tree as cJSON, typing plain scalars as YAML 1.1 does. */
static cJSON *to_json(const struct ynode *n)
{
  cJSON *o;
  size_t i;

  if (!n || n->kind == YNODE_NULL)
    return cJSON_CreateNull();
  if (n->kind == YNODE_MAP) {
    o = cJSON_CreateObject();
    for (i = 0; i < n->n; i++)
      cJSON_AddItemToObject(o, n->keys[i]->str, to_json(n->items[i]));
    return o;
  }
  if (n->kind == YNODE_SEQ) {
    o = cJSON_CreateArray();
    for (i = 0; i < n->n; i++)
      cJSON_AddItemToArray(o, to_json(n->items[i]));
    return o;
  }
  if (n->flags & YNODE_QUOTED)
    return cJSON_CreateString(n->str);
  switch (model_scalar_type(n->str)) {
  case STYPE_BOOL:
    return cJSON_CreateBool(model_bool(n->str) == 1);
  case STYPE_INT:
  case STYPE_FLOAT:
    return cJSON_CreateNumber(strtod(n->str, NULL));
  default:
    return cJSON_CreateString(n->str);
  }
}

static cJSON *yaml_text_json(struct arena *a, const char *name,
                             const char *text)
{
  struct ynode *root = NULL;
  struct err err = ERR_INIT;

  if (ydoc_parse(a, name, text, strlen(text), NULL, &root, &err)) {
    printf("# %s", err.text);
    err_release(&err);
    return NULL;
  }
  return to_json(root);
}

static char *read_text(const char *path)
{
  struct buf b = BUF_INIT;

  if (buf_read_file(&b, path)) {
    buf_release(&b);
    return NULL;
  }
  return buf_detach(&b);
}

static void full_example(void)
{
  static const char *const links[] = {"example1.env", "example2.env",
                                      "example1.label", "example2.label"};
  char dir[] = "/tmp/emit-test-XXXXXX", path[512], target[512];
  struct arena a = ARENA_INIT, ea = ARENA_INIT;
  struct err err = ERR_INIT;
  struct strvec warn = STRVEC_INIT;
  struct ynode *root = NULL;
  struct env env;
  struct model_ctx ctx;
  struct project *p = NULL;
  struct buf out = BUF_INIT;
  char *got, *want, *ytext;
  cJSON *tree, *yg, *yw;
  size_t i;

  if (access(CONF "/compose-go__full-example.yml", R_OK)) {
    ok(1, "# SKIP no %s", CONF);
    return;
  }
  if (!mkdtemp(dir))
    BUG("mkdtemp");
  for (i = 0; i < 4; i++) {
    snprintf(path, sizeof(path), "%s/%s", dir, links[i]);
    snprintf(target, sizeof(target), CONF "/compose-go__full-example__%s",
             links[i]);
    if (symlink(target, path))
      BUG("symlink");
  }
  env_init(&env, &ea);
  env_set(&env, "HOME", "/HOME");
  env_set(&env, "BAR", "this is a secret");
  env_set(&env, "QUX", "qux_from_environment");
  env_set(&env, "COMPOSE_PROJECT_NAME", "full_example_project_name");
  ok(!ydoc_parse_file(&a, CONF "/compose-go__full-example.yml", NULL, &root,
                      &err),
     "full example parses");
  ok(!interp_tree(&a, root, &env, &warn, &err), "full example interpolates");
  memset(&ctx, 0, sizeof(ctx));
  ctx.working_dir = dir;
  ctx.home = "/HOME";
  ctx.no_normalize = 1;
  ctx.no_consistency = 1;
  ctx.environment = &env;
  is_int(model_build(root, &ctx, &p, &err), 0, "full example builds");
  if (err.text)
    printf("# %s", err.text);
  if (!p)
    goto out;

  tree = emit_project(p);
  emit_json(tree, &out);
  cJSON_Delete(tree);
  got = replace_all(out.data, dir, "/WORKDIR");
  want = read_text(CONF "/compose-go__full-example.expected.json");
  /* the expected file has no final newline; emit_json ends with one */
  if (want && *got && got[strlen(got) - 1] == '\n' &&
      want[strlen(want) - 1] != '\n')
    got[strlen(got) - 1] = 0;
  ok(want && !strcmp(got, want), "JSON output is compose's, byte for byte");
  if (want && strcmp(got, want)) {
    FILE *f = fopen("/tmp/emit-test-got.json", "w");
    fputs(got, f);
    fclose(f);
    printf("# diff /tmp/emit-test-got.json against the expected file\n");
  }
  free(got);
  free(want);

  buf_reset(&out);
  tree = emit_project_as(p, EMIT_FORMAT_YAML);
  is_int(emit_yaml(tree, &out), 0, "YAML renders");
  cJSON_Delete(tree);
  ytext = replace_all(out.data, dir, "/WORKDIR");
  want = read_text(CONF "/compose-go__full-example.expected.yml");
  yg = yaml_text_json(&a, "got", ytext);
  yw = want ? yaml_text_json(&a, "want", want) : NULL;
  ok(yg && yw && cJSON_Compare(yg, yw, 1), "YAML output reads back as "
                                           "compose's");
  if (!(yg && yw && cJSON_Compare(yg, yw, 1))) {
    FILE *f = fopen("/tmp/emit-test-got.yml", "w");
    fputs(ytext, f);
    fclose(f);
    printf("# see /tmp/emit-test-got.yml\n");
  }
  cJSON_Delete(yg);
  cJSON_Delete(yw);
  free(ytext);
  free(want);
out:
  project_free(p);
  for (i = 0; i < 4; i++) {
    snprintf(path, sizeof(path), "%s/%s", dir, links[i]);
    unlink(path);
  }
  rmdir(dir);
  buf_release(&out);
  err_release(&err);
  strvec_clear(&warn);
  arena_release(&a);
  arena_release(&ea);
}

static void quoting(void)
{
  cJSON *o = cJSON_CreateObject();
  struct buf out = BUF_INIT;

  cJSON_AddStringToObject(o, "port", "8000");
  cJSON_AddStringToObject(o, "flag", "true");
  cJSON_AddStringToObject(o, "ver", "1.0");
  cJSON_AddStringToObject(o, "empty", "");
  cJSON_AddStringToObject(o, "nul", "null");
  cJSON_AddStringToObject(o, "yes", "yes");
  cJSON_AddStringToObject(o, "plain", "hello world");
  cJSON_AddStringToObject(o, "multi", "a\nb\n");
  cJSON_AddNumberToObject(o, "n", 42);
  cJSON_AddNumberToObject(o, "f", 0.001);
  cJSON_AddItemToObject(o, "nothing", cJSON_CreateNull());
  cJSON_AddItemToObject(o, "em", cJSON_CreateObject());
  cJSON_AddItemToObject(o, "ea", cJSON_CreateArray());
  is_int(emit_yaml(o, &out), 0, "yaml emits");
  is_str(out.data,
         "port: \"8000\"\nflag: \"true\"\nver: \"1.0\"\nempty: \"\"\n"
         "nul: \"null\"\n\"yes\": \"yes\"\nplain: hello world\nmulti: |\n"
         "  a\n  b\n\"n\": 42\nf: 0.001\nnothing: null\nem: {}\nea: []\n",
         "strings and keys that read back as other types are quoted");
  buf_reset(&out);
  is_int(emit_json(o, &out), 0, "json emits");
  ok(strstr(out.data, "\"multi\": \"a\\nb\\n\"") != NULL, "json escapes");
  cJSON_Delete(o);
  buf_reset(&out);
  o = cJSON_CreateString("<a&b>");
  emit_json(o, &out);
  is_str(out.data, "\"\\u003ca\\u0026b\\u003e\"\n", "json escapes as Go");
  cJSON_Delete(o);
  buf_release(&out);
}

int main(void)
{
  quoting();
  full_example();
  return tap_done();
}
