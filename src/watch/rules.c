/* rules: develop.watch rules compiled into .dockerignore matchers, the
 * path -> rule -> container path mapping, and a batch grouped by service
 * the way compose's handleWatchBatch groups it. */
#include "watch/rules.h"

#include "engine/ignore.h"
#include "util/path.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DOCKERIGNORE_MAX (4 * 1024 * 1024)

static const char *action_name(enum watch_action a)
{
  switch (a) {
  case WATCH_SYNC:
    return "sync";
  case WATCH_REBUILD:
    return "rebuild";
  case WATCH_SYNC_RESTART:
    return "sync+restart";
  case WATCH_RESTART:
    return "restart";
  case WATCH_SYNC_EXEC:
    return "sync+exec";
  }
  return "?";
}

static int syncs(enum watch_action a)
{
  return a == WATCH_SYNC || a == WATCH_SYNC_RESTART || a == WATCH_SYNC_EXEC;
}

static int bind_mounted(const struct service *s, const char *path)
{
  for (size_t i = 0; i < s->nvolumes; i++)
    if (s->volumes[i].type == MOUNT_BIND && s->volumes[i].source &&
        path_below(s->volumes[i].source, path))
      return 1;
  return 0;
}

/* path with its symlinks resolved, as the kernel reports events under it
 * (compose's EvalSymlinks); as given, cleaned, when it does not exist. */
static char *resolved(const char *path)
{
  char *r = realpath(path, NULL);
  if (!r)
    r = xstrdup(path);
  ignore_clean_path(r);
  return r;
}

static int local_dir(const char *ctx)
{
  return ctx && ctx[0] == '/' && !strstr(ctx, "://");
}

/* The context's .dockerignore, or NULL when it has none. */
static int read_dockerignore(const struct service *s, struct ignore **out,
                             struct err *err)
{
  *out = NULL;
  if (!s->build || !local_dir(s->build->context))
    return 0;
  char *path = xasprintf("%s/.dockerignore", s->build->context);
  struct buf b = BUF_INIT_CAP(DOCKERIGNORE_MAX);
  int rc = buf_read_file(&b, path);
  if (rc == ERR_LIMIT) {
    rc = err_set(err, ERR_CONFIG, "reading '%s': larger than %d bytes", path,
                 DOCKERIGNORE_MAX);
  } else if (rc < 0 && errno == ENOENT) {
    rc = 0;
  } else if (rc < 0) {
    rc = err_set(err, ERR_CONFIG, "reading '%s': %s", path, strerror(errno));
  } else {
    struct err e = ERR_INIT;
    rc = ignore_parse(out, b.data ? b.data : "", b.len, path, &e);
    if (rc)
      rc = err_set(err, ERR_CONFIG, "%.*s", (int)e.len - 1, e.text);
    err_release(&e);
  }
  buf_release(&b);
  free(path);
  return rc;
}

static struct ignore *patterns(const struct strlist *l, const char *svc,
                               size_t k, const char *field, struct err *err)
{
  struct ignore *m = ignore_new();
  for (size_t i = 0; i < l->n; i++) {
    struct err e = ERR_INIT;
    if (ignore_add(m, l->v[i], &e))
      err_set(err, ERR_CONFIG, "service '%s': develop.watch[%zu].%s: %.*s", svc,
              k, field, (int)e.len - 1, e.text);
    err_release(&e);
  }
  return m;
}

/* Check one rule; 0 when it can be used. */
static int check_rule(const struct service *s, size_t k, struct err *err)
{
  const struct watch_rule *w = &s->watch[k];
  const char *act = action_name(w->action);
  if (!w->path || !*w->path)
    return err_set(err, ERR_CONFIG, "service '%s': develop.watch[%zu]: no path",
                   s->name, k);
  if (w->action == WATCH_REBUILD && !s->build)
    return err_set(err, ERR_CONFIG,
                   "service '%s': develop.watch[%zu]: action %s needs a build "
                   "section",
                   s->name, k, act);
  if (syncs(w->action) && (!w->target || !*w->target))
    return err_set(err, ERR_CONFIG,
                   "service '%s': develop.watch[%zu]: action %s needs a target "
                   "(the path in the container)",
                   s->name, k, act);
  if (w->action == WATCH_SYNC_EXEC && !w->exec_command.n)
    return err_set(err, ERR_CONFIG,
                   "service '%s': develop.watch[%zu]: action %s needs "
                   "exec.command",
                   s->name, k, act);
  return 0;
}

/* KEY=value into env; a bare KEY takes the project's value, or is left
 * out without one. */
static void env_add(struct strvec *env, const struct project *p,
                    const char *key, const char *value)
{
  if (!value)
    value = kvlist_get(&p->environment, key);
  if (value)
    strvec_pushf(env, "%s=%s", key, value);
}

/* What the model keeps only as written: develop.watch[k]'s initial_sync
 * and exec options. */
static void rule_extras(struct watch_target *t, const struct project *p,
                        const struct service *s, size_t k)
{
  const struct mval *w = mval_get(mval_get(s->other, "develop"), "watch");
  if (!w || w->kind != MVAL_SEQ || k >= w->n)
    return;
  const struct mval *it = w->items[k];
  const struct mval *is = mval_get(it, "initial_sync");
  t->initial_sync = is && is->kind == MVAL_BOOL && is->i;
  const struct mval *x = mval_get(it, "exec");
  t->exec.user = mval_text(mval_get(x, "user"));
  t->exec.working_dir = mval_text(mval_get(x, "working_dir"));
  const struct mval *pr = mval_get(x, "privileged");
  t->exec.privileged = pr && pr->kind == MVAL_BOOL && pr->i;
  const struct mval *env = mval_get(x, "environment");
  for (size_t i = 0; env && env->kind == MVAL_MAP && i < env->n; i++)
    env_add(&t->exec.env, p, env->keys[i], mval_text(env->items[i]));
  for (size_t i = 0; env && env->kind == MVAL_SEQ && i < env->n; i++) {
    const char *e = mval_text(env->items[i]);
    const char *eq = e ? strchr(e, '=') : NULL;
    if (eq)
      strvec_push(&t->exec.env, e);
    else if (e)
      env_add(&t->exec.env, p, e, NULL);
  }
}

int watch_rules_init(struct watch_rules *r, const struct project *p,
                     const unsigned char *want, struct strvec *notes,
                     struct err *err)
{
  memset(r, 0, sizeof(*r));
  size_t total = 0;
  for (size_t i = 0; i < p->nservices; i++)
    total += p->services[i].nwatch;
  r->v = xcalloc(total ? total : 1, sizeof(*r->v));
  r->ncontexts = p->nservices;
  r->contexts = xcalloc(p->nservices ? p->nservices : 1, sizeof(*r->contexts));
  ignore_parse(&r->defaults, WATCH_DEFAULT_IGNORES,
               strlen(WATCH_DEFAULT_IGNORES), "default ignores", NULL);
  int rc = 0;
  for (size_t i = 0; i < p->nservices; i++) {
    const struct service *s = &p->services[i];
    if (want && !want[i])
      continue;
    if (!s->nwatch) {
      strvec_pushf(notes,
                   "service \"%s\" has no develop.watch section: not watched",
                   s->name);
      continue;
    }
    if (read_dockerignore(s, &r->contexts[i], err))
      rc = ERR_CONFIG;
    for (size_t k = 0; k < s->nwatch; k++) {
      const struct watch_rule *w = &s->watch[k];
      if (check_rule(s, k, err)) {
        rc = ERR_CONFIG;
        continue;
      }
      if (syncs(w->action) && bind_mounted(s, w->path)) {
        strvec_pushf(notes,
                     "path '%s' also declared by a bind mount volume, this "
                     "path won't be monitored!",
                     w->path);
        continue;
      }
      struct watch_target *t = &r->v[r->n++];
      t->service = i;
      t->svc = s;
      t->rule = w;
      t->path = resolved(w->path);
      t->ignore = patterns(&w->ignore, s->name, k, "ignore", err);
      if (w->include.n)
        t->include = patterns(&w->include, s->name, k, "include", err);
      if (r->contexts[i]) {
        t->dockerignore = r->contexts[i];
        t->context = resolved(s->build->context);
      }
      rule_extras(t, p, s, k);
      if (!strvec_has(&r->roots, t->path))
        strvec_push(&r->roots, t->path);
    }
  }
  if (err && err->code)
    rc = err->code;
  if (!rc && !r->n)
    rc = err_set(err, ERR_NOTFOUND,
                 "none of the selected services has develop.watch configured "
                 "(see https://docs.docker.com/compose/how-tos/file-watch/)");
  if (rc)
    watch_rules_release(r);
  return rc;
}

void watch_rules_release(struct watch_rules *r)
{
  for (size_t i = 0; i < r->n; i++) {
    free(r->v[i].path);
    free(r->v[i].context);
    ignore_free(r->v[i].ignore);
    ignore_free(r->v[i].include);
    strvec_clear(&r->v[i].exec.env);
  }
  free(r->v);
  for (size_t i = 0; i < r->ncontexts; i++)
    ignore_free(r->contexts[i]);
  free(r->contexts);
  ignore_free(r->defaults);
  strvec_clear(&r->roots);
  memset(r, 0, sizeof(*r));
}

static const char *base_name(const char *path)
{
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* Ignored by t: its own patterns, the context's, or the defaults. rel is
 * the path below t->path ("" for the path itself). */
static int ignored(const struct watch_rules *r, const struct watch_target *t,
                   const char *host_path, const char *rel)
{
  /* for the rule's path itself, the defaults judge its name */
  if (ignore_match(r->defaults, *rel ? rel : base_name(host_path), 0))
    return 1;
  if (*rel && ignore_match(t->ignore, rel, 0))
    return 1;
  if (t->dockerignore) {
    const char *c = path_below(t->context, host_path);
    if (c && *c && ignore_match(t->dockerignore, c, 0))
      return 1;
  }
  return 0;
}

int watch_target_match(const struct watch_rules *r,
                       const struct watch_target *t, const char *host_path,
                       char **container_path)
{
  const char *rel = path_below(t->path, host_path);
  if (container_path)
    *container_path = NULL;
  if (!rel)
    return 0;
  if (t->include && (!*rel || !ignore_match(t->include, rel, 0)))
    return 0;
  if (ignored(r, t, host_path, rel))
    return 0;
  if (container_path && t->rule->target && *t->rule->target)
    *container_path = watch_container_path(t->rule->target, rel);
  return 1;
}

int watch_rules_skip_dir(const struct watch_rules *r, const char *dir)
{
  int inside = 0;
  for (size_t i = 0; i < r->n; i++) {
    const struct watch_target *t = &r->v[i];
    const char *rel = path_below(t->path, dir);
    if (!rel)
      continue;
    inside = 1;
    if (!*rel)
      return 0;
    if (ignore_match(r->defaults, rel, 1))
      continue;
    if (ignore_match(t->ignore, rel, 1) && ignore_skip_dir(t->ignore, rel))
      continue;
    if (t->dockerignore) {
      const char *c = path_below(t->context, dir);
      if (c && *c && ignore_match(t->dockerignore, c, 1) &&
          ignore_skip_dir(t->dockerignore, c))
        continue;
    }
    return 0;
  }
  return inside;
}

char *watch_container_path(const char *target, const char *rel)
{
  char *p = *rel ? xasprintf("/%s/%s", target, rel) : xasprintf("/%s", target);
  ignore_clean_path(p);
  /* Clean keeps a leading "/.." as "/" would: nothing climbs above root */
  return p;
}

const char *watch_tar_name(const char *container_path)
{
  while (*container_path == '/')
    container_path++;
  return container_path;
}

static struct watch_todo *todo_for(struct watch_batch *b,
                                   const struct watch_target *t)
{
  for (size_t i = 0; i < b->n; i++)
    if (b->v[i].service == t->service)
      return &b->v[i];
  /* in project order: insert before the first later service */
  size_t at = b->n;
  for (size_t i = 0; i < b->n; i++)
    if (b->v[i].service > t->service) {
      at = i;
      break;
    }
  b->v = xrealloc(b->v, (b->n + 1) * sizeof(*b->v));
  memmove(&b->v[at + 1], &b->v[at], (b->n - at) * sizeof(*b->v));
  b->n++;
  memset(&b->v[at], 0, sizeof(b->v[at]));
  b->v[at].service = t->service;
  b->v[at].svc = t->svc;
  return &b->v[at];
}

void watch_batch_make(const struct watch_rules *r, char *const *paths, size_t n,
                      struct watch_batch *out)
{
  memset(out, 0, sizeof(*out));
  out->paths = n;
  for (size_t k = 0; k < n; k++) {
    int taken = 0;
    for (size_t i = 0; i < r->n; i++) {
      const struct watch_target *t = &r->v[i];
      char *cpath = NULL;
      if (!watch_target_match(r, t, paths[k], &cpath))
        continue;
      taken = 1;
      struct watch_todo *d = todo_for(out, t);
      switch (t->rule->action) {
      case WATCH_REBUILD:
        d->rebuild = 1;
        break;
      case WATCH_RESTART:
        d->restart = 1;
        break;
      case WATCH_SYNC_RESTART:
        d->restart = 1;
        break;
      case WATCH_SYNC_EXEC: {
        size_t e = 0;
        while (e < d->nexecs && d->execs[e] != i)
          e++;
        if (e == d->nexecs) {
          d->execs = xrealloc(d->execs, (d->nexecs + 1) * sizeof(*d->execs));
          d->execs[d->nexecs++] = i;
        }
        break;
      }
      case WATCH_SYNC:
        break;
      }
      if (cpath && syncs(t->rule->action)) {
        d->sync = xrealloc(d->sync, (d->nsync + 1) * sizeof(*d->sync));
        d->sync[d->nsync].host = xstrdup(paths[k]);
        d->sync[d->nsync].container = cpath;
        d->nsync++;
      } else {
        free(cpath);
      }
    }
    out->matched += taken;
  }
}

static int keep_names(const struct dirent *d)
{
  return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

static void add_sync(struct watch_todo *d, const char *host, char *container)
{
  d->sync = xrealloc(d->sync, (d->nsync + 1) * sizeof(*d->sync));
  d->sync[d->nsync].host = xstrdup(host);
  d->sync[d->nsync].container = container;
  d->nsync++;
}

/* Every path at or below t->path that t takes, into d (depth first, with
 * an explicit stack). */
static void walk_initial(const struct watch_rules *r, size_t ti,
                         struct watch_batch *b, size_t cap, size_t *dropped)
{
  const struct watch_target *t = &r->v[ti];
  struct watch_todo *d = NULL;
  struct strvec todo = STRVEC_INIT;
  strvec_push(&todo, t->path);
  while (todo.n) {
    char *path = todo.v[--todo.n];
    todo.v[todo.n] = NULL;
    struct stat st;
    char *cpath = NULL;
    if (!lstat(path, &st) && watch_target_match(r, t, path, &cpath)) {
      if (!d)
        d = todo_for(b, t);
      if (b->paths < cap) {
        add_sync(d, path, cpath);
        b->paths++;
        b->matched++;
      } else {
        free(cpath);
        (*dropped)++;
      }
    }
    if (!lstat(path, &st) && S_ISDIR(st.st_mode) &&
        (!strcmp(path, t->path) || !watch_rules_skip_dir(r, path))) {
      struct dirent **ents = NULL;
      int n = scandir(path, &ents, keep_names, alphasort);
      /* pushed backwards: popped in name order */
      for (int i = n - 1; i >= 0; i--) {
        char *sub = strcmp(path, "/")
                        ? xasprintf("%s/%s", path, ents[i]->d_name)
                        : xasprintf("/%s", ents[i]->d_name);
        strvec_push(&todo, sub);
        free(sub);
      }
      for (int i = 0; i < n; i++)
        free(ents[i]);
      free(ents);
    }
    free(path);
  }
  strvec_clear(&todo);
  if (d && t->rule->action == WATCH_SYNC_EXEC) {
    d->execs = xrealloc(d->execs, (d->nexecs + 1) * sizeof(*d->execs));
    d->execs[d->nexecs++] = ti;
  }
}

void watch_batch_initial(const struct watch_rules *r, size_t cap,
                         struct watch_batch *out, size_t *dropped)
{
  memset(out, 0, sizeof(*out));
  *dropped = 0;
  for (size_t i = 0; i < r->n; i++)
    if (r->v[i].initial_sync && syncs(r->v[i].rule->action))
      walk_initial(r, i, out, cap, dropped);
}

void watch_batch_release(struct watch_batch *b)
{
  for (size_t i = 0; i < b->n; i++) {
    for (size_t k = 0; k < b->v[i].nsync; k++) {
      free(b->v[i].sync[k].host);
      free(b->v[i].sync[k].container);
    }
    free(b->v[i].sync);
    free(b->v[i].execs);
  }
  free(b->v);
  memset(b, 0, sizeof(*b));
}
