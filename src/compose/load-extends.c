/* Reading one compose file, `extends` (same file, other files, chains,
 * cycles), `include` (sub-projects with their own directory and
 * environment) and the rebasing of relative paths they need. */
#include "compose/interp.h"
#include "compose/load-int.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct loaded_file {
  struct loaded_file *next;
  const char *path;
  struct ynode *root;
  int busy; /* its extends are being resolved */
};

/* ---- paths ---- */

char *load_join(struct arena *a, const char *dir, const char *rel)
{
  if (rel[0] == '/')
    return arena_strdup(a, rel);
  /* clean "a/./b", "a/b/../c" and trailing slashes */
  char *full = arena_printf(a, "%s/%s", dir, rel);
  char *out = arena_alloc(a, strlen(full) + 2);
  size_t o = 0;
  const char *p = full;
  while (*p) {
    while (*p == '/')
      p++;
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 0)
      break;
    if (n == 1 && p[0] == '.') {
      /* skip */
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      while (o > 0 && out[o - 1] != '/')
        o--;
      if (o > 0)
        o--;
    } else {
      out[o++] = '/';
      memcpy(out + o, p, n);
      o += n;
    }
    p += n;
  }
  if (!o)
    out[o++] = '/';
  out[o] = '\0';
  return out;
}

char *load_dirname(struct arena *a, const char *path)
{
  const char *s = strrchr(path, '/');
  if (!s)
    return arena_strdup(a, ".");
  if (s == path)
    return arena_strdup(a, "/");
  return arena_strndup(a, path, (size_t)(s - path));
}

static int is_scalar(const struct ynode *n)
{
  return n && n->kind == YNODE_SCALAR;
}

static void rebase_scalar(struct arena *a, struct ynode *n, const char *dir)
{
  if (!is_scalar(n) || !n->str[0] || n->str[0] == '/' || n->str[0] == '~')
    return;
  n->str = load_join(a, dir, n->str);
  n->len = strlen(n->str);
}

static int is_remote(const char *s)
{
  return strstr(s, "://") || !strncmp(s, "git@", 4) ||
         !strncmp(s, "github.com/", 11);
}

static void rebase_list(struct arena *a, struct ynode *n, const char *key,
                        const char *dir)
{
  if (is_scalar(n)) {
    rebase_scalar(a, n, dir);
  } else if (n && n->kind == YNODE_SEQ) {
    for (size_t i = 0; i < n->n; i++)
      if (is_scalar(n->items[i]))
        rebase_scalar(a, n->items[i], dir);
      else if (key)
        rebase_scalar(a, ydoc_get(n->items[i], key), dir);
  }
}

/* "./src:/app:ro" -> "/dir/src:/app:ro"; named volumes are left alone. */
static void rebase_volume(struct arena *a, struct ynode *v, const char *dir)
{
  if (is_scalar(v)) {
    const char *s = v->str;
    const char *c = strchr(s, ':');
    if (s[0] != '.' || !c)
      return;
    char *src = arena_strndup(a, s, (size_t)(c - s));
    v->str = arena_printf(a, "%s%s", load_join(a, dir, src), c);
    v->len = strlen(v->str);
  } else if (v && v->kind == YNODE_MAP) {
    struct ynode *t = ydoc_get(v, "type"), *src = ydoc_get(v, "source");
    if (is_scalar(t) && !strcmp(t->str, "bind") && is_scalar(src) &&
        src->str[0] == '.')
      rebase_scalar(a, src, dir);
  }
}

void load_rebase_service(struct arena *a, struct ynode *svc, const char *dir)
{
  struct ynode *b = ydoc_get(svc, "build"), *n;
  if (is_scalar(b) && !is_remote(b->str)) {
    rebase_scalar(a, b, dir);
  } else if (b && b->kind == YNODE_MAP) {
    n = ydoc_get(b, "context");
    if (!n) {
      /* an absent context means "."; write it so it stays here */
      ydoc_map_set(a, b, "context",
                   ydoc_new_scalar(a, &b->pos, dir, YNODE_NOINTERP));
    } else if (is_scalar(n) && !is_remote(n->str)) {
      rebase_scalar(a, n, dir);
    }
  }
  rebase_list(a, ydoc_get(svc, "env_file"), "path", dir);
  rebase_list(a, ydoc_get(svc, "label_file"), NULL, dir);
  n = ydoc_get(svc, "volumes");
  for (size_t i = 0; n && n->kind == YNODE_SEQ && i < n->n; i++)
    rebase_volume(a, n->items[i], dir);
  n = ydoc_get(ydoc_get(svc, "develop"), "watch");
  for (size_t i = 0; n && n->kind == YNODE_SEQ && i < n->n; i++)
    rebase_scalar(a, ydoc_get(n->items[i], "path"), dir);
}

void load_rebase_file(struct arena *a, struct ynode *root, const char *dir)
{
  struct ynode *svcs = ydoc_get(root, "services");
  for (size_t i = 0; svcs && svcs->kind == YNODE_MAP && i < svcs->n; i++)
    load_rebase_service(a, svcs->items[i], dir);
  static const char *const tops[] = {"secrets", "configs"};
  for (size_t t = 0; t < 2; t++) {
    struct ynode *m = ydoc_get(root, tops[t]);
    for (size_t i = 0; m && m->kind == YNODE_MAP && i < m->n; i++)
      rebase_scalar(a, ydoc_get(m->items[i], "file"), dir);
  }
}

/* How a file found by the loader is named in messages: relative to the
 * working directory when it lies under it. */
static const char *display_name(struct load_session *s, const char *path)
{
  size_t n = strlen(s->cwd);
  if (!strncmp(path, s->cwd, n) && path[n] == '/')
    return path + n + 1;
  return path;
}

/* ---- one file ---- */

static int read_file(struct load_session *s, const char *path,
                     const char *display, struct ynode **out)
{
  struct err_pos fpos = {display, 0, 0};
  struct stat st;
  int rc;

  *out = NULL;
  if (stat(path, &st) != 0)
    return err_at(s->err, ERR_IO, &fpos, "no such file or directory");
  if (S_ISDIR(st.st_mode))
    return err_at(s->err, ERR_IO, &fpos, "is a directory, not a compose file");
  rc = load_budget_read(s->budget, (size_t)st.st_size, display, s->err);
  if (rc)
    return rc;
  struct err tmp = ERR_INIT;
  rc = ydoc_parse_file(s->a, path, NULL, out, &tmp);
  if (rc) {
    /* ydoc names the file by the path it opened; show the name given */
    if (strcmp(path, display) && tmp.text) {
      size_t pl = strlen(path);
      char *line = tmp.text;
      while (line && *line) {
        char *nl = strchr(line, '\n');
        size_t ll = nl ? (size_t)(nl - line) : strlen(line);
        if (!strncmp(line, path, pl) && line[pl] == ':')
          err_set(s->err, rc, "%s%.*s", display, (int)(ll - pl), line + pl);
        else
          err_set(s->err, rc, "%.*s", (int)ll, line);
        line = nl ? nl + 1 : NULL;
      }
    } else if (tmp.text) {
      err_set(s->err, rc, "%.*s",
              (int)(tmp.len && tmp.text[tmp.len - 1] == '\n' ? tmp.len - 1
                                                             : tmp.len),
              tmp.text);
    } else {
      err_at(s->err, rc, &fpos, "%s", err_text(rc));
    }
    err_release(&tmp);
    return rc;
  }
  err_release(&tmp);
  return 0;
}

/* Rename positions: ydoc records the path it read; the loader shows the
 * name the user gave. */
static void rename_positions(struct ynode *n, const char *from, const char *to)
{
  if (!n)
    return;
  if (n->pos.file == from || (n->pos.file && !strcmp(n->pos.file, from)))
    n->pos.file = to;
  for (size_t i = 0; i < n->n && (n->kind == YNODE_MAP || n->kind == YNODE_SEQ);
       i++) {
    if (n->kind == YNODE_MAP)
      rename_positions(n->keys[i], from, to);
    rename_positions(n->items[i], from, to);
  }
}

/* Parse, check the top level, warn about `version`, interpolate. */
static int read_compose(struct load_session *s, const char *path,
                        const char *display, const struct env *env,
                        struct ynode **out)
{
  struct ynode *root;
  int rc = read_file(s, path, display, &root);
  if (rc)
    return rc;
  if (strcmp(path, display))
    rename_positions(root, path, display);
  if (!root)
    return err_at(s->err, ERR_SCHEMA, &(struct err_pos){display, 1, 1},
                  "empty compose file");
  if (root->kind != YNODE_MAP)
    return err_at(s->err, ERR_SCHEMA, &root->pos,
                  "top-level object must be a mapping, not %s",
                  ydoc_kind_name(root));
  if (ydoc_get(root, "version")) {
    strvec_pushf(s->warnings,
                 "%s: the attribute `version` is obsolete, it will be "
                 "ignored, please remove it to avoid potential confusion",
                 display);
    ydoc_map_del(root, "version");
  }
  if (!s->no_interpolate) {
    rc = interp_tree(s->a, root, env, s->warnings, s->err);
    if (rc)
      return rc;
  }
  *out = root;
  return 0;
}

int load_parse_compose(struct load_session *s, const char *path,
                       const char *display, const struct env *env,
                       struct ynode **out)
{
  return read_compose(s, path, display, env, out);
}

/* ---- extends ---- */

struct ext_frame {
  const struct ext_frame *up;
  const char *path;
  const char *service;
};

static int resolve(struct load_session *s, struct ynode *root, const char *path,
                   const char *display, const struct env *env, const char *name,
                   const struct ext_frame *up);

static struct loaded_file *cached(struct load_session *s, const char *path)
{
  for (struct loaded_file *f = s->cache; f; f = f->next)
    if (!strcmp(f->path, path))
      return f;
  return NULL;
}

/* Nodes in a tree (what a copy of it costs). */
static size_t count_nodes(const struct ynode *n)
{
  size_t c = 1;
  if (n && (n->kind == YNODE_MAP || n->kind == YNODE_SEQ))
    for (size_t i = 0; i < n->n; i++)
      c += count_nodes(n->items[i]) + (n->keys ? 1 : 0);
  return c;
}

/* "services.a: circular reference with extends: a -> b -> a", the chain
 * read from the frames (me is the service met again). */
static int cycle_error(struct load_session *s, const struct ext_frame *me,
                       const struct ynode *ext)
{
  struct strvec chain = STRVEC_INIT;
  struct buf b = BUF_INIT;
  for (const struct ext_frame *g = me; g; g = g->up)
    strvec_push(&chain, g->service);
  for (size_t i = chain.n; i-- > 0;)
    buf_addf(&b, "%s%s", chain.v[i], i ? " -> " : "");
  int rc = err_at(s->err, ERR_CONFIG, &ext->pos,
                  "services.%s: circular reference with extends: %s",
                  me->service, b.data);
  strvec_clear(&chain);
  buf_release(&b);
  return rc;
}

static int resolve_one(struct load_session *s, struct ynode *root,
                       const char *path, const char *display,
                       const struct env *env, const char *name,
                       const struct ext_frame *me, struct ynode *ext);

/* Resolve the extends of service name of root (if it has one), after its
 * base's own: the services on the way are flagged busy, so a cycle is
 * found in constant time, whatever the depth. */
static int resolve(struct load_session *s, struct ynode *root, const char *path,
                   const char *display, const struct env *env, const char *name,
                   const struct ext_frame *up)
{
  struct ynode *svc = ydoc_get(ydoc_get(root, "services"), name);
  struct ynode *ext = ydoc_get(svc, "extends");
  struct ext_frame me = {up, path, name};
  if (!ext)
    return 0;
  if (svc->flags & YNODE_BUSY)
    return cycle_error(s, &me, ext);
  if (s->depth >= LOAD_EXTENDS_DEPTH_MAX)
    return err_at(s->err, ERR_LIMIT, &ext->pos,
                  "services.%s: extends chain deeper than %d services", name,
                  LOAD_EXTENDS_DEPTH_MAX);
  svc->flags |= YNODE_BUSY;
  s->depth++;
  int rc = resolve_one(s, root, path, display, env, name, &me, ext);
  s->depth--;
  svc->flags &= ~(unsigned)YNODE_BUSY;
  return rc;
}

static int resolve_one(struct load_session *s, struct ynode *root,
                       const char *path, const char *display,
                       const struct env *env, const char *name,
                       const struct ext_frame *me, struct ynode *ext)
{
  struct ynode *svcs = ydoc_get(root, "services");
  struct ynode *svc = ydoc_get(svcs, name);
  struct ynode *base_root = root, *base, *target, *file = NULL;
  const char *base_path = path, *base_display = display;
  int rc;

  target = is_scalar(ext) ? ext : ydoc_get(ext, "service");
  if (ext->kind == YNODE_MAP)
    file = ydoc_get(ext, "file");
  if (!is_scalar(target))
    return err_at(s->err, ERR_SCHEMA, &ext->pos,
                  "services.%s.extends: the service to extend is missing",
                  name);
  if (file && !is_scalar(file))
    return err_at(s->err, ERR_SCHEMA, &file->pos,
                  "services.%s.extends.file must be a string", name);
  if (file) {
    char *dir = load_dirname(s->a, path);
    base_path = load_join(s->a, dir, file->str);
    base_display = display_name(s, base_path);
    struct loaded_file *lf = cached(s, base_path);
    if (!lf) {
      struct stat st;
      if (stat(base_path, &st) != 0)
        return err_at(s->err, ERR_IO, &file->pos,
                      "services.%s.extends: file '%s' not found", name,
                      file->str);
      lf = arena_alloc(s->a, sizeof(*lf));
      lf->path = base_path;
      rc = read_compose(s, base_path, base_display, env, &lf->root);
      if (rc)
        return rc;
      lf->next = s->cache;
      s->cache = lf;
    }
    base_root = lf->root;
  }
  base = ydoc_get(ydoc_get(base_root, "services"), target->str);
  if (!base)
    return err_at(s->err, ERR_CONFIG, &target->pos,
                  "services.%s.extends: cannot extend service \"%s\": it is "
                  "not defined%s%s",
                  name, target->str, file ? " in " : "", file ? file->str : "");
  if (base->kind != YNODE_MAP && base->kind != YNODE_NULL)
    return 0; /* the schema reports it */
  rc = resolve(s, base_root, base_path, base_display, env, target->str, me);
  if (rc)
    return rc;
  base = ydoc_get(ydoc_get(base_root, "services"), target->str);
  if (base->kind == YNODE_MAP) {
    s->copied += count_nodes(base);
    if (s->copied > LOAD_EXTENDS_COPY_MAX)
      return err_at(s->err, ERR_LIMIT, &ext->pos,
                    "services.%s: extends copies more than %zu nodes in all "
                    "(each service that extends a base gets a copy of it)",
                    name, LOAD_EXTENDS_COPY_MAX);
    base = ydoc_clone(s->a, base);
  } else {
    base = ydoc_new_map(s->a, &base->pos);
  }
  if (file)
    load_rebase_service(s->a, base, load_dirname(s->a, base_path));
  ydoc_map_del(svc, "extends");
  base = load_merge(s->a, base, svc, "services.*");
  if (!base)
    base = ydoc_new_map(s->a, &svc->pos);
  ydoc_map_set(s->a, svcs, name, base);
  return 0;
}

int load_extends(struct load_session *s, struct ynode *root, const char *path,
                 const char *display, const struct env *env)
{
  struct ynode *svcs = ydoc_get(root, "services");
  int rc = 0;

  if (!svcs || svcs->kind != YNODE_MAP)
    return 0;
  for (size_t i = 0; i < svcs->n; i++) {
    if (!svcs->items[i] || svcs->items[i]->kind != YNODE_MAP)
      continue;
    int r = resolve(s, root, path, display, env, svcs->keys[i]->str, NULL);
    if (r && !rc)
      rc = r;
    if (r == ERR_LIMIT)
      break; /* the others would pass the same limit */
  }
  return rc;
}

/* ---- include ---- */

static int resources_import(struct load_session *s, struct ynode *root,
                            struct ynode *sub, const char *from)
{
  static const char *const kinds[] = {"services", "networks", "volumes",
                                      "secrets", "configs"};
  int rc = 0;
  for (size_t k = 0; k < 5; k++) {
    struct ynode *src = ydoc_get(sub, kinds[k]);
    if (!src || src->kind != YNODE_MAP || !src->n)
      continue;
    struct ynode *dst = ydoc_get(root, kinds[k]);
    if (!dst || dst->kind != YNODE_MAP) {
      dst = ydoc_new_map(s->a, &src->pos);
      ydoc_map_set(s->a, root, kinds[k], dst);
    }
    for (size_t i = 0; i < src->n; i++) {
      const char *name = src->keys[i]->str;
      long j = ydoc_index(dst, name);
      if (j >= 0) {
        if (!load_merge_equal(dst->items[j], src->items[i]))
          rc = err_at(s->err, ERR_CONFIG, &dst->keys[j]->pos,
                      "%s.%s conflicts with the one imported from '%s'",
                      kinds[k], name, from);
        continue;
      }
      ydoc_map_set(s->a, dst, name, src->items[i]);
      dst->keys[dst->n - 1] = src->keys[i];
    }
  }
  return rc;
}

static int include_one(struct load_session *s, struct ynode *root,
                       struct ynode *entry, const char *dir,
                       const struct env *env)
{
  struct ynode *paths = entry, *pdir = NULL, *envf = NULL;
  struct strvec files = STRVEC_INIT;
  struct env sub_env;
  struct ynode *merged = NULL;
  const char *project_dir;
  int rc = 0;

  if (entry->kind == YNODE_MAP) {
    paths = ydoc_get(entry, "path");
    pdir = ydoc_get(entry, "project_directory");
    envf = ydoc_get(entry, "env_file");
  }
  if (is_scalar(paths)) {
    strvec_push(&files, load_join(s->a, dir, paths->str));
  } else if (paths && paths->kind == YNODE_SEQ) {
    for (size_t i = 0; i < paths->n; i++)
      if (is_scalar(paths->items[i]))
        strvec_push(&files, load_join(s->a, dir, paths->items[i]->str));
  }
  if (!files.n)
    return err_at(s->err, ERR_SCHEMA, &entry->pos,
                  "include: an entry needs a path");
  project_dir = is_scalar(pdir) ? load_join(s->a, dir, pdir->str)
                                : load_dirname(s->a, files.v[0]);

  /* the includer's variables win over the include's env_file */
  env_init(&sub_env, s->a);
  sub_env.budget = env->budget;
  /* every set here lives in s->a: strings are shared, not copied */
  for (size_t i = 0; i < env->n; i++)
    env_set_shared(&sub_env, env->vars[i].name, env->vars[i].value);
  {
    struct env from_files;
    struct strvec envs = STRVEC_INIT;
    struct stat st;
    env_init(&from_files, s->a);
    from_files.budget = env->budget;
    if (envf)
      rebase_list(s->a, envf, NULL, dir);
    if (is_scalar(envf)) {
      strvec_push(&envs, envf->str);
    } else if (envf && envf->kind == YNODE_SEQ) {
      for (size_t i = 0; i < envf->n; i++)
        if (is_scalar(envf->items[i]))
          strvec_push(&envs, envf->items[i]->str);
    } else {
      const char *def = load_join(s->a, project_dir, ".env");
      if (stat(def, &st) == 0 && S_ISREG(st.st_mode))
        strvec_push(&envs, def);
    }
    for (size_t i = 0; i < envs.n && !rc; i++)
      rc = dotenv_parse_file(&from_files, envs.v[i], env, s->err);
    strvec_clear(&envs);
    if (rc)
      goto out;
    for (size_t i = 0; i < from_files.n; i++)
      if (!env_has(env, from_files.vars[i].name))
        env_set_shared(&sub_env, from_files.vars[i].name,
                       from_files.vars[i].value);
  }

  for (size_t i = 0; i < files.n; i++) {
    const char *f = arena_strdup(s->a, files.v[i]);
    struct ynode *t;
    if (strvec_has(&s->stack, f)) {
      rc = err_at(s->err, ERR_CONFIG, &entry->pos,
                  "include cycle: '%s' includes itself", display_name(s, f));
      goto out;
    }
    struct stat st;
    if (stat(f, &st) != 0) {
      rc = err_at(s->err, ERR_IO, &entry->pos, "include: file '%s' not found",
                  display_name(s, f));
      goto out;
    }
    rc = read_compose(s, f, display_name(s, f), &sub_env, &t);
    if (rc)
      goto out;
    strvec_push(&s->stack, f);
    rc = load_extends(s, t, f, display_name(s, f), &sub_env);
    if (!rc)
      rc = load_include(s, t, load_dirname(s->a, f), &sub_env);
    s->stack.n--;
    free(s->stack.v[s->stack.n]);
    s->stack.v[s->stack.n] = NULL;
    if (rc)
      goto out;
    /* paths of each file are relative to the sub-project's directory */
    load_rebase_file(s->a, t, project_dir);
    merged =
        load_merge(s->a, merged ? merged : ydoc_new_map(s->a, &t->pos), t, "");
  }
  rc = resources_import(s, root, merged, display_name(s, files.v[0]));
out:
  strvec_clear(&files);
  return rc;
}

int load_include(struct load_session *s, struct ynode *root, const char *dir,
                 const struct env *env)
{
  struct ynode *inc = ydoc_get(root, "include");
  int rc = 0;

  if (!inc)
    return 0;
  ydoc_map_del(root, "include");
  if (inc->kind != YNODE_SEQ)
    return err_at(s->err, ERR_SCHEMA, &inc->pos,
                  "include must be a list, not %s", ydoc_kind_name(inc));
  for (size_t i = 0; i < inc->n && !rc; i++)
    rc = include_one(s, root, inc->items[i], dir, env);
  return rc;
}
