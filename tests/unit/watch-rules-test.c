/* Unit tests for watch rules: which rule takes which path (ignores,
 * include, the build context's .dockerignore, compose's default ignores),
 * container paths and tar names, batches grouped by service, which
 * directories the watcher may skip, and rule errors. */
#include "tap.h"
#include "util/err.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "watch/actions.h"
#include "watch/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char top[256];

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

static struct strlist list(const char **v, size_t n)
{
  struct strlist l = {v, n};
  return l;
}

/* web: build context top/web (its .dockerignore leaves out *.log), rules:
 *   0 sync  web/src -> /app/src, ignore node_modules/ and *.tmp
 *   1 sync+exec web/static -> /srv/static, include *.css, exec "reload"
 *   2 rebuild web (the whole context)
 * api: sync+restart api/conf.ini -> /etc/api.ini (a single file)
 * db: no rules. */
static struct service svcs[3];
static struct watch_rule web_rules[3], api_rules[1];
static struct build web_build;
static struct project proj;
static char *paths[8];
static const char *ign0[] = {"node_modules/", "*.tmp"};
static const char *inc1[] = {"*.css"};
static const char *cmd1[] = {"reload", "now"};

static void make_project(void)
{
  char *d;
  mkdir((d = at("web")), 0755);
  free(d);
  mkdir((d = at("web/src")), 0755);
  free(d);
  mkdir((d = at("api")), 0755);
  free(d);
  put("web/.dockerignore", "**/*.log\n");
  paths[0] = at("web/src");
  paths[1] = at("web/static");
  paths[2] = at("web");
  paths[3] = at("api/conf.ini");
  web_build.context = paths[2];
  web_rules[0] =
      (struct watch_rule){WATCH_SYNC, paths[0], "/app/src", list(ign0, 2)};
  web_rules[1] = (struct watch_rule){WATCH_SYNC_EXEC, paths[1], "/srv/static"};
  web_rules[1].include = list(inc1, 1);
  web_rules[1].exec_command = list(cmd1, 2);
  web_rules[2] = (struct watch_rule){WATCH_REBUILD, paths[2]};
  api_rules[0] =
      (struct watch_rule){WATCH_SYNC_RESTART, paths[3], "/etc/api.ini"};
  svcs[0] = (struct service){.name = "api", .watch = api_rules, .nwatch = 1};
  svcs[1] = (struct service){.name = "db"};
  svcs[2] = (struct service){
      .name = "web", .build = &web_build, .watch = web_rules, .nwatch = 3};
  proj.name = "p";
  proj.services = svcs;
  proj.nservices = 3;
}

/* The rule indexes (in r.v) that take path, and the container path the
 * first sync-ish one gives, as "0,2 /app/src/x". */
static char *who(const struct watch_rules *r, const char *rel)
{
  char *path = at(rel);
  char out[512] = "";
  char *cpath = NULL;
  for (size_t i = 0; i < r->n; i++) {
    char *c = NULL;
    if (!watch_target_match(r, &r->v[i], path, &c))
      continue;
    snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%zu",
             *out ? "," : "", i);
    if (c && !cpath)
      cpath = c;
    else
      free(c);
  }
  if (cpath)
    snprintf(out + strlen(out), sizeof(out) - strlen(out), " %s", cpath);
  free(cpath);
  free(path);
  return xstrdup(*out ? out : "-");
}

static int skip(const struct watch_rules *r, const char *rel)
{
  char *p = at(rel);
  int yes = watch_rules_skip_dir(r, p);
  free(p);
  return yes;
}

#define MATCH(r, rel, want, ...)                                               \
  do {                                                                         \
    char *got_ = who(r, rel);                                                  \
    is_str(got_, want, __VA_ARGS__);                                           \
    free(got_);                                                                \
  } while (0)

static void check_matching(void)
{
  struct watch_rules r;
  struct strvec notes = STRVEC_INIT;
  struct err e = ERR_INIT;
  is_int(watch_rules_init(&r, &proj, NULL, &notes, &e), 0, "rules compile");
  is_int(r.n, 4, "four rules");
  is_int(r.roots.n, 4, "four roots");
  is_int(notes.n, 1, "one note");
  is_str(notes.n ? notes.v[0] : NULL,
         "service \"db\" has no develop.watch section: not watched",
         "db is skipped with a note");
  /* r.v: api's rule first (services in project order), then web's */
  MATCH(&r, "api/conf.ini", "0 /etc/api.ini", "a single-file rule");
  MATCH(&r, "api/other.ini", "-", "its sibling is not watched");
  MATCH(&r, "web/src/a.js", "1,3 /app/src/a.js",
        "sync and rebuild both take a source file");
  MATCH(&r, "web/src/lib/deep/b.js", "1,3 /app/src/lib/deep/b.js",
        "deeper files keep their path under the target");
  MATCH(&r, "web/src", "1,3 /app/src", "the rule's directory itself");
  MATCH(&r, "web/srcfoo/a.js", "3", "a sibling with the same prefix is not");
  MATCH(&r, "web/src/node_modules/x/y.js", "3",
        "ignore 'node_modules/' leaves out its tree (rebuild still sees it)");
  MATCH(&r, "web/src/b.tmp", "-", "*.tmp: an editor's temporary file");
  MATCH(&r, "web/src/sub/b.tmp", "-", "at any depth");
  MATCH(&r, "web/src/b.tmpl", "1,3 /app/src/b.tmpl", "but not *.tmpl");
  MATCH(&r, "web/src/a.js.swp", "-", "swap files without the dot too");
  MATCH(&r, "web/src/.a.js.swx", "-", "and vim's second swap name");
  MATCH(&r, "web/src/app.log", "-", "the context's .dockerignore (**/*.log)");
  MATCH(&r, "web/src/.a.js.swp", "-", "vim swap files");
  MATCH(&r, "web/src/a.js~", "-", "backup files");
  MATCH(&r, "web/src/4913", "-", "vim's 4913 probe");
  MATCH(&r, "web/src/.#a.js", "-", "emacs lock files");
  MATCH(&r, "web/.git/index", "-", ".git anywhere");
  MATCH(&r, "web/src/.git", "-", ".git itself");
  MATCH(&r, "web/src/.gitignore", "1,3 /app/src/.gitignore",
        "but not .gitignore");
  MATCH(&r, "web/static/site.css", "2,3 /srv/static/site.css",
        "include '*.css' takes css");
  MATCH(&r, "web/static/app.js", "3", "and nothing else");
  MATCH(&r, "web/Dockerfile", "3", "the Dockerfile: rebuild only");
  MATCH(&r, "elsewhere/x", "-", "outside every rule");

  ok(!skip(&r, "web/src/node_modules"),
     "node_modules is watched: the rebuild rule still wants it");
  ok(skip(&r, "web/.git"), "the watcher skips .git");
  ok(!skip(&r, "web/src/lib"), "not an ordinary dir");
  ok(!skip(&r, "web/src"), "not a rule's own path");
  ok(!skip(&r, "elsewhere"), "nor one outside the rules");
  watch_rules_release(&r);
  strvec_clear(&notes);
  err_release(&e);
}

/* A directory is skipped only when no rule can want anything below it. */
static void check_skip(void)
{
  const char *ign[] = {"node_modules", "build", "!build/keep"};
  char *src = at("one");
  struct watch_rule w = {WATCH_SYNC, src, "/app", list(ign, 3)};
  struct service s = {.name = "one", .watch = &w, .nwatch = 1};
  struct project p = {.name = "p", .services = &s, .nservices = 1};
  struct watch_rules r;
  struct strvec notes = STRVEC_INIT;
  struct err e = ERR_INIT;
  watch_rules_init(&r, &p, NULL, &notes, &e);
  ok(skip(&r, "one/node_modules"), "an ignored directory is skipped");
  ok(skip(&r, "one/x/.git"), "so is .git, anywhere");
  ok(!skip(&r, "one/build"), "not one an exception reopens");
  ok(!skip(&r, "one/lib"), "nor an ordinary one");
  watch_rules_release(&r);
  strvec_clear(&notes);
  err_release(&e);
  free(src);
}

/* A rule's path through a symlink: events come under the real path. */
static void check_symlink(void)
{
  char *alias = at("alias"), *real = at("web");
  symlink(real, alias);
  char *src = at("alias/src");
  struct watch_rule w = {WATCH_SYNC, src, "/app"};
  struct service s = {.name = "one", .watch = &w, .nwatch = 1};
  struct project p = {.name = "p", .services = &s, .nservices = 1};
  struct watch_rules r;
  struct strvec notes = STRVEC_INIT;
  struct err e = ERR_INIT;
  watch_rules_init(&r, &p, NULL, &notes, &e);
  char *want = at("web/src");
  is_str(r.n ? r.roots.v[0] : NULL, want, "the root is the real path");
  MATCH(&r, "web/src/x.js", "0 /app/x.js", "events under it match");
  watch_rules_release(&r);
  strvec_clear(&notes);
  err_release(&e);
  free(want);
  free(src);
  free(alias);
  free(real);
}

static void check_batch(void)
{
  struct watch_rules r;
  struct strvec notes = STRVEC_INIT;
  struct err e = ERR_INIT;
  unsigned char want[3] = {1, 1, 1};
  watch_rules_init(&r, &proj, want, &notes, &e);
  const char *rels[] = {"api/conf.ini",
                        "web/src/a.js",
                        "web/src/b.js",
                        "web/src/x.swp~",
                        "web/static/a.css",
                        "web/static/b.css",
                        "web/src/node_modules/m.js",
                        "nowhere"};
  char *v[8];
  for (int i = 0; i < 8; i++)
    v[i] = at(rels[i]);
  struct watch_batch b;
  watch_batch_make(&r, v, 8, &b);
  is_int(b.paths, 8, "eight paths seen");
  is_int(b.matched, 6, "six taken by some rule");
  is_int(b.n, 2, "two services asked");
  if (b.n == 2) {
    const struct watch_todo *api = &b.v[0], *web = &b.v[1];
    is_str(api->svc->name, "api", "in project order: api");
    ok(api->restart && !api->rebuild && api->nsync == 1 && !api->nexecs,
       "api: sync then restart");
    is_str(api->nsync ? api->sync[0].container : NULL, "/etc/api.ini",
           "the file goes to its target");
    is_str(web->svc->name, "web", "then web");
    ok(web->rebuild && !web->restart, "web: rebuild");
    is_int(web->nsync, 4, "web: four paths to sync");
    is_int(web->nexecs, 1, "web: its exec rule once for two css files");
    if (web->nsync == 4) {
      is_str(watch_tar_name(web->sync[0].container), "app/src/a.js",
             "tar names are relative to /");
      is_str(web->sync[2].container, "/srv/static/a.css", "static css");
    }
  }
  watch_batch_release(&b);
  for (int i = 0; i < 8; i++)
    free(v[i]);

  /* a batch nothing takes asks nothing */
  char *none = at("web/src/.a.swp");
  watch_batch_make(&r, &none, 1, &b);
  ok(b.n == 0 && b.matched == 0, "ignored changes ask nothing");
  watch_batch_release(&b);
  free(none);
  watch_rules_release(&r);
  strvec_clear(&notes);
  err_release(&e);
}

static void check_errors(void)
{
  struct watch_rules r;
  struct strvec notes = STRVEC_INIT;
  struct err e = ERR_INIT;
  unsigned char only_db[3] = {0, 1, 0};
  is_int(watch_rules_init(&r, &proj, only_db, &notes, &e), ERR_NOTFOUND,
         "no rule at all: an error");
  ok(e.text && strstr(e.text, "none of the selected services has "
                              "develop.watch configured"),
     "that says so");
  err_release(&e);
  strvec_clear(&notes);

  struct watch_rule bad[4] = {
      {WATCH_REBUILD, "/x"},
      {WATCH_SYNC, "/x"},
      {WATCH_SYNC_EXEC, "/x", "/y"},
      {WATCH_SYNC, "/x", "/y"},
  };
  const char *badpat[] = {"[oops"};
  bad[3].ignore = list(badpat, 1);
  struct service s = {.name = "svc", .watch = bad, .nwatch = 4};
  struct project p = {.name = "p", .services = &s, .nservices = 1};
  is_int(watch_rules_init(&r, &p, NULL, &notes, &e), ERR_CONFIG,
         "bad rules: ERR_CONFIG");
  is_int(e.count, 4, "one line per bad rule");
  ok(e.text && strstr(e.text, "service 'svc': develop.watch[0]: action "
                              "rebuild needs a build section"),
     "rebuild without build");
  ok(e.text && strstr(e.text, "develop.watch[1]: action sync needs a target"),
     "sync without target");
  ok(e.text && strstr(e.text, "develop.watch[2]: action sync+exec needs "
                              "exec.command"),
     "sync+exec without command");
  ok(e.text && strstr(e.text, "develop.watch[3].ignore: "),
     "a bad ignore pattern");
  err_release(&e);
  strvec_clear(&notes);

  /* a sync rule inside a bind mount is left out with compose's note */
  struct mount m = {
      .type = MOUNT_BIND, .source = "/host/src", .target = "/src"};
  struct watch_rule both[2] = {{WATCH_SYNC, "/host/src/app", "/app"},
                               {WATCH_RESTART, "/host/src/app"}};
  struct service s2 = {
      .name = "svc", .watch = both, .nwatch = 2, .volumes = &m, .nvolumes = 1};
  p.services = &s2;
  is_int(watch_rules_init(&r, &p, NULL, &notes, &e), 0, "bind mount: fine");
  is_int(r.n, 1, "the sync rule is left out, restart stays");
  is_str(notes.n ? notes.v[0] : NULL,
         "path '/host/src/app' also declared by a bind mount volume, this "
         "path won't be monitored!",
         "with compose's note");
  watch_rules_release(&r);
  strvec_clear(&notes);
  err_release(&e);
}

static void check_names(void)
{
  char *c;
  is_str((c = watch_container_path("/app", "")), "/app", "the target itself");
  free(c);
  is_str((c = watch_container_path("/app/", "static/x.css")),
         "/app/static/x.css", "joined and cleaned");
  free(c);
  is_str((c = watch_container_path("app", "x")), "/app/x",
         "a relative target is taken from /");
  free(c);
  is_str((c = watch_container_path("/", "")), "/", "root");
  is_str(watch_tar_name(c), "", "root's tar name is empty (never sent)");
  free(c);
  is_str(watch_tar_name("/app/static/x.css"), "app/static/x.css",
         "tar name without the leading /");
  const char *names[] = {"web", "api"};
  is_str((c = watch_names_quoted(names, 2)), "[\"web\" \"api\"]",
         "services listed as compose lists them");
  free(c);
}

int main(void)
{
  const char *tmp = getenv("TMPDIR");
  snprintf(top, sizeof(top), "%s/wcompose-watchrules-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(top)) {
    perror("mkdtemp");
    return 1;
  }
  /* rules resolve symlinks: so must the expectations (TMPDIR may have) */
  char *real = realpath(top, NULL);
  snprintf(top, sizeof(top), "%s", real);
  free(real);
  make_project();
  check_matching();
  check_skip();
  check_symlink();
  check_batch();
  check_errors();
  check_names();
  for (int i = 0; i < 4; i++)
    free(paths[i]);
  char *cmd = xasprintf("rm -rf '%s'", top);
  if (system(cmd) != 0)
    printf("# could not remove %s\n", top);
  free(cmd);
  return tap_done();
}
