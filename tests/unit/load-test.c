/* Tests of the loader: merge rules, !reset/!override, path rebasing,
 * discovery, project name and environment through compose_load. */
#include "compose/load-int.h"
#include "compose/load.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct arena A = ARENA_INIT;

static struct ynode *parse(const char *text)
{
  struct ynode *n = NULL;
  struct err err = ERR_INIT;
  if (ydoc_parse(&A, "t.yaml", text, strlen(text), NULL, &n, &err))
    BUG("parse: %s", err.text);
  err_release(&err);
  return n;
}

/* A compact one-line rendering of a tree: {k:v,...} [a,b] scalars. */
static void show(const struct ynode *n, char *out, size_t size)
{
  size_t len = strlen(out);
  if (!n) {
    snprintf(out + len, size - len, "~");
    return;
  }
  if (n->kind == YNODE_NULL) {
    snprintf(out + len, size - len, "~");
  } else if (n->kind == YNODE_SCALAR) {
    snprintf(out + len, size - len, "%s", n->str);
  } else {
    snprintf(out + len, size - len, n->kind == YNODE_MAP ? "{" : "[");
    for (size_t i = 0; i < n->n; i++) {
      len = strlen(out);
      if (n->kind == YNODE_MAP)
        snprintf(out + len, size - len, "%s%s:", i ? "," : "", n->keys[i]->str);
      else if (i)
        snprintf(out + len, size - len, ",");
      show(n->items[i], out, size);
    }
    len = strlen(out);
    snprintf(out + len, size - len, n->kind == YNODE_MAP ? "}" : "]");
  }
}

static const char *merged(const char *base, const char *over, const char *key)
{
  static char out[2048];
  struct ynode *m =
      load_merge(&A, load_strip_tags(parse(base)), parse(over), "");
  out[0] = '\0';
  show(key ? ydoc_get(ydoc_get(ydoc_get(m, "services"), "s"), key) : m, out,
       sizeof(out));
  return out;
}

static void test_merge(void)
{
  is_str(
      merged("services: {s: {image: a}}", "services: {s: {image: b}}", "image"),
      "b", "scalars are replaced");
  is_str(merged("services: {s: {command: [a, b]}}",
                "services: {s: {command: [c]}}", "command"),
         "[c]", "command is replaced");
  is_str(merged("services: {s: {healthcheck: {test: [CMD, a], retries: 3}}}",
                "services: {s: {healthcheck: {test: [CMD, b]}}}",
                "healthcheck"),
         "{test:[CMD,b],retries:3}", "healthcheck.test replaced, rest kept");
  is_str(merged("services: {s: {environment: [A=1, B=2]}}",
                "services: {s: {environment: {B: '3', C: '4'}}}",
                "environment"),
         "{A:1,B:3,C:4}", "environment merged by key, list and map");
  is_str(merged("services: {s: {labels: {a: x}}}",
                "services: {s: {labels: [b=y, a=z]}}", "labels"),
         "{a:z,b:y}", "labels merged by key");
  is_str(merged("services: {s: {ports: ['80:80', '90:90']}}",
                "services: {s: {ports: ['90:90', '100:100']}}", "ports"),
         "[80:80,90:90,100:100]", "ports unique");
  is_str(merged("services: {s: {volumes: ['./a:/data', 'v:/v']}}",
                "services: {s: {volumes: ['./b:/data']}}", "volumes"),
         "[./b:/data,v:/v]", "volumes unique by target");
  is_str(merged("services: {s: {volumes: [{type: bind, source: ./a, "
                "target: /d}]}}",
                "services: {s: {volumes: ['./b:/d:ro']}}", "volumes"),
         "[./b:/d:ro]", "volumes unique by target across syntaxes");
  is_str(merged("services: {s: {secrets: [a, {source: b, target: /t}]}}",
                "services: {s: {secrets: [{source: c, target: /t}, a]}}",
                "secrets"),
         "[a,{source:c,target:/t}]", "secrets unique by target or source");
  is_str(merged("services: {s: {dns: [1.1.1.1]}}",
                "services: {s: {dns: [1.1.1.1, 8.8.8.8]}}", "dns"),
         "[1.1.1.1,8.8.8.8]", "dns appended without duplicates");
  is_str(merged("services: {s: {depends_on: [a]}}",
                "services: {s: {depends_on: {b: {condition: "
                "service_healthy}}}}",
                "depends_on"),
         "{a:{condition:service_started},b:{condition:service_healthy}}",
         "depends_on merged by service");
  is_str(merged("services: {s: {networks: [a]}}",
                "services: {s: {networks: {b: {aliases: [x]}}}}", "networks"),
         "{a:~,b:{aliases:[x]}}", "networks merged by name");
  is_str(merged("services: {s: {logging: {driver: json-file, options: "
                "{max-size: 1m}}}}",
                "services: {s: {logging: {driver: syslog}}}", "logging"),
         "{driver:syslog}", "logging replaced when the driver changes");
  is_str(merged("services: {s: {logging: {driver: json-file, options: "
                "{max-size: 1m}}}}",
                "services: {s: {logging: {options: {max-file: '2'}}}}",
                "logging"),
         "{driver:json-file,options:{max-size:1m,max-file:2}}",
         "logging options merged for the same driver");
  is_str(merged("services: {s: {ports: ['80:80'], image: a}}",
                "services: {s: {ports: !reset []}}", NULL),
         "{services:{s:{image:a}}}", "!reset removes a sequence");
  is_str(merged("services: {s: {environment: {A: '1', B: '2'}}}",
                "services: {s: {environment: {A: !reset null}}}",
                "environment"),
         "{B:2}", "!reset removes one key");
  is_str(merged("services: {s: {ports: ['80:80']}}",
                "services: {s: {ports: !override ['90:90']}}", "ports"),
         "[90:90]", "!override replaces a sequence");
  is_str(merged("services: {s: {build: {context: ., args: {A: '1'}}}}",
                "services: {s: {build: !override {context: x}}}", "build"),
         "{context:x}", "!override replaces a mapping");
  is_str(merged("services: {}", "services: {s: {image: a, command: !reset x}}",
                NULL),
         "{services:{s:{image:a}}}", "!reset in a new service is dropped");
  is_str(merged("services: {s: {image: a}}\nx-a: [1]", "x-a: [2]", "image"),
         "a", "other top-level keys merge");
}

static void test_paths(void)
{
  is_str(load_join(&A, "/a/b", "./c/../d/"), "/a/b/d", "join cleans");
  is_str(load_join(&A, "/a/b", "/x"), "/x", "join keeps absolute paths");
  is_str(load_join(&A, "/a", "../../.."), "/", "join stops at /");
  is_str(load_dirname(&A, "/a/b/c.yaml"), "/a/b", "dirname");
  is_str(load_dirname(&A, "/c.yaml"), "/", "dirname at the root");

  struct ynode *svc =
      parse("build: ./app\nenv_file: [a.env, {path: /abs.env}]\n"
            "volumes: ['./src:/src:ro', 'named:/n', {type: bind, source: "
            "../up, target: /u}]\n"
            "develop: {watch: [{path: ./w, action: sync}]}\n");
  char out[1024] = "";
  load_rebase_service(&A, svc, "/p/q");
  show(svc, out, sizeof(out));
  is_str(out,
         "{build:/p/q/app,env_file:[/p/q/a.env,{path:/abs.env}],volumes:[/p/"
         "q/src:/src:ro,named:/n,{type:bind,source:/p/up,target:/u}],develop:"
         "{watch:[{path:/p/q/w,action:sync}]}}",
         "relative paths of a service are rebased");
}

static char tmpdir[] = "/tmp/load-test.XXXXXX";

static void write_file(const char *rel, const char *text)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
  FILE *f = fopen(path, "w");
  if (!f)
    BUG("cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

static int load(const char *cwd, const char *const *files, char **envp,
                struct project **p, struct err *err)
{
  struct strvec fv = STRVEC_INIT, none = STRVEC_INIT;
  struct strvec warnings = STRVEC_INIT;
  for (size_t i = 0; files && files[i]; i++)
    strvec_push(&fv, files[i]);
  struct load_options o = {.files = &fv,
                           .env_files = &none,
                           .profiles = &none,
                           .cwd = cwd,
                           .environ = envp};
  int rc = compose_load(&o, p, &warnings, err);
  strvec_clear(&fv);
  strvec_clear(&warnings);
  return rc;
}

static void test_load(void)
{
  char sub[600], buf[700];
  char *noenv[] = {"PATH=/bin", NULL};
  char *withname[] = {"COMPOSE_PROJECT_NAME=fromenv", NULL};
  struct project *p = NULL;
  struct err err = ERR_INIT;

  if (!mkdtemp(tmpdir))
    BUG("mkdtemp");
  snprintf(sub, sizeof(sub), "%s/My Dir", tmpdir);
  mkdir(sub, 0755);
  snprintf(buf, sizeof(buf), "%s/deeper", sub);
  mkdir(buf, 0755);
  write_file("My Dir/compose.yaml",
             "services:\n  web:\n    image: \"nginx:${TAG}\"\n");
  write_file("My Dir/compose.override.yaml",
             "services:\n  web:\n    environment: [A=1]\n");
  write_file("My Dir/.env", "TAG=from-dotenv\n");

  is_int(load(buf, NULL, noenv, &p, &err), 0,
         "discovery walks up to the parent");
  if (p) {
    is_str(p->name, "mydir", "name from the directory, normalized");
    is_str(p->services[0].image, "nginx:from-dotenv", ".env interpolates");
    is_int(p->services[0].environment.n, 1, "override file merged");
    is_int(p->config_files.n, 2, "two config files");
  }
  project_free(p);
  p = NULL;

  {
    struct strvec none = STRVEC_INIT, warnings = STRVEC_INIT;
    struct load_options o = {.files = &none,
                             .env_files = &none,
                             .profiles = &none,
                             .project_dir = "My Dir",
                             .cwd = tmpdir,
                             .environ = noenv};
    is_int(compose_load(&o, &p, &warnings, &err), 0,
           "without -f, files are found in --project-directory");
    if (p)
      is_int(p->config_files.n, 2, "both files of the project directory");
    strvec_clear(&warnings);
    project_free(p);
    p = NULL;
  }

  is_int(load(buf, NULL, withname, &p, &err), 0, "COMPOSE_PROJECT_NAME");
  if (p)
    is_str(p->name, "fromenv", "name from COMPOSE_PROJECT_NAME");
  project_free(p);
  p = NULL;

  is_int(load(tmpdir, NULL, noenv, &p, &err), ERR_NOTFOUND,
         "no file: not found");
  ok(err.text && strstr(err.text, "no configuration file provided"),
     "no file: message");
  err_reset(&err);

  {
    const char *files[] = {"-", NULL};
    struct strvec fv = STRVEC_INIT, none = STRVEC_INIT;
    strvec_push(&fv, "-");
    struct load_options o = {.files = &fv,
                             .env_files = &none,
                             .profiles = &none,
                             .cwd = sub,
                             .environ = noenv,
                             .project_name = "stdin",
                             .stdin_text = "services:\n  a:\n    image: x\n"};
    (void)files;
    is_int(compose_load(&o, &p, NULL, &err), 0, "stdin");
    if (p)
      is_str(p->services[0].name, "a", "stdin service");
    project_free(p);
    p = NULL;
    strvec_clear(&fv);
  }

  {
    const char *files[] = {"compose.yaml", NULL};
    write_file("compose.yaml", "name: fromfile\nservices:\n"
                               "  a: {image: x, profiles: [p]}\n"
                               "  b: {image: y}\n");
    is_int(load(tmpdir, files, noenv, &p, &err), 0, "profiles: none active");
    if (p) {
      is_str(p->name, "fromfile", "name from the file");
      is_int(p->nservices, 1, "a service with a profile is left out");
    }
    project_free(p);
    p = NULL;
  }
  {
    const char *files[] = {"nothere.yaml", NULL};
    is_int(load(tmpdir, files, noenv, &p, &err), ERR_IO, "missing -f file");
    ok(err.text && !strncmp(err.text, "nothere.yaml: ", 14),
       "missing -f file names it");
    err_reset(&err);
  }
  err_release(&err);
  snprintf(buf, sizeof(buf), "rm -rf '%s'", tmpdir);
  if (system(buf))
    printf("# could not remove %s\n", tmpdir);
}

int main(void)
{
  test_merge();
  test_paths();
  test_load();
  arena_release(&A);
  return tap_done();
}
