/* compose_load: discovery of the compose files, project directory, name,
 * environment and profiles, then for each file parse, interpolate, extends
 * and include, the merge of all files, validation and the model. */
#include "compose/load.h"
#include "compose/interp.h"
#include "compose/load-int.h"
#include "compose/schema.h"
#include "util/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static const char *const default_names[] = {
    "compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"};
static const char *const override_names[] = {
    "compose.override.yaml", "compose.override.yml",
    "docker-compose.override.yaml", "docker-compose.override.yml"};

struct cfile {
  const char *path;    /* absolute, or "-" */
  const char *display; /* as shown in messages */
  struct ynode *root;
};

static int is_file(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first default name in dir, with a warning when several exist. */
static const char *find_in(struct arena *a, const char *dir,
                           const char *const *names, size_t n,
                           struct strvec *warnings)
{
  const char *found = NULL;
  struct strvec all = STRVEC_INIT;
  for (size_t i = 0; i < n; i++) {
    char *p = load_join(a, dir, names[i]);
    if (is_file(p)) {
      if (!found)
        found = p;
      strvec_push(&all, names[i]);
    }
  }
  if (all.n > 1 && warnings) {
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < all.n; i++)
      buf_addf(&b, "%s%s", i ? ", " : "", all.v[i]);
    strvec_pushf(warnings,
                 "found multiple config files with supported names: %s; "
                 "using %s",
                 b.data, all.v[0]);
    buf_release(&b);
  }
  strvec_clear(&all);
  return found;
}

static int discover(struct arena *a, const char *cwd, struct cfile **files,
                    size_t *nfiles, struct strvec *warnings, struct err *err)
{
  const char *dir = cwd;
  for (;;) {
    const char *f = find_in(a, dir, default_names, 4, warnings);
    if (f) {
      const char *o = find_in(a, dir, override_names, 4, warnings);
      int here = !strcmp(dir, cwd);
      *files = arena_alloc(a, 2 * sizeof(**files));
      (*files)[0].path = f;
      (*files)[0].display = here ? strrchr(f, '/') + 1 : f;
      *nfiles = 1;
      if (o) {
        (*files)[1].path = o;
        (*files)[1].display = here ? strrchr(o, '/') + 1 : o;
        *nfiles = 2;
      }
      return 0;
    }
    if (!strcmp(dir, "/"))
      break;
    dir = load_dirname(a, dir);
  }
  return err_set(err, ERR_NOTFOUND,
                 "no configuration file provided: not found (looked for "
                 "compose.yaml, compose.yml, docker-compose.yaml or "
                 "docker-compose.yml in '%s' and its parents)",
                 cwd);
}

static int valid_name(const char *s)
{
  if (!*s || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
          *s == '-'))
      return 0;
  return 1;
}

/* Lowercase, keep [a-z0-9_-], drop leading '_' and '-'. */
static char *normalize_name(struct arena *a, const char *s)
{
  char *out = arena_alloc(a, strlen(s) + 1);
  size_t o = 0;
  for (; *s; s++) {
    char c = *s;
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        ((c == '_' || c == '-') && o > 0))
      out[o++] = c;
  }
  out[o] = '\0';
  return out;
}

static int read_stdin(struct arena *a, const struct load_options *opt,
                      const char **text, size_t *len, struct err *err)
{
  if (opt->stdin_text) {
    *text = opt->stdin_text;
    *len = strlen(opt->stdin_text);
    return 0;
  }
  struct buf b = BUF_INIT_CAP((size_t)16 << 20);
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
    if (buf_add(&b, chunk, n)) {
      buf_release(&b);
      return err_set(err, ERR_LIMIT, "-: standard input is too large");
    }
  if (ferror(stdin)) {
    buf_release(&b);
    return err_set(err, ERR_IO, "-: cannot read standard input: %s",
                   strerror(errno));
  }
  *len = b.len;
  *text = arena_strndup(a, b.data ? b.data : "", b.len);
  buf_release(&b);
  return 0;
}

static int parse_stdin(struct load_session *s, const struct load_options *opt,
                       const struct env *env, struct ynode **out)
{
  const char *text = NULL;
  size_t len = 0;
  int rc = read_stdin(s->a, opt, &text, &len, s->err);
  if (!rc)
    rc = load_budget_read(s->budget, len, "-", s->err);
  if (rc)
    return rc;
  rc = ydoc_parse(s->a, "-", text, len, NULL, out, s->err);
  if (rc)
    return rc;
  if (!*out)
    return err_at(s->err, ERR_SCHEMA, &(struct err_pos){"-", 1, 1},
                  "empty compose file");
  if ((*out)->kind != YNODE_MAP)
    return err_at(s->err, ERR_SCHEMA, &(*out)->pos,
                  "top-level object must be a mapping, not %s",
                  ydoc_kind_name(*out));
  if (ydoc_get(*out, "version")) {
    strvec_pushf(s->warnings,
                 "-: the attribute `version` is obsolete, it will be "
                 "ignored, please remove it to avoid potential confusion");
    ydoc_map_del(*out, "version");
  }
  if (!s->no_interpolate)
    return interp_tree(s->a, *out, env, s->warnings, s->err);
  return 0;
}

/* Parse a file without interpolating, to learn its `name:` early (in an
 * arena of its own: only the name is kept, in a). */
/* Whether text may give a top-level `name:`: a line starting with the key
 * (plain or quoted, after blanks), or forms where it may hide (a flow
 * mapping, a merge key, aliases). Most files have none, and need no
 * second parse. */
static int may_name(const char *t, size_t len)
{
  if (memchr(t, '{', len) || memchr(t, '&', len) || memchr(t, '*', len) ||
      memchr(t, '<', len))
    return 1;
  for (const char *l = t, *end = t + len; l < end;) {
    const char *k = l;
    while (k < end && (*k == ' ' || *k == '\t'))
      k++; /* a whole document may be indented */
    k += k < end && (*k == '"' || *k == '\'');
    if ((size_t)(end - k) >= 4 && !memcmp(k, "name", 4))
      return 1;
    const char *nl = memchr(l, '\n', (size_t)(end - l));
    l = nl ? nl + 1 : end;
  }
  return 0;
}

static const struct ynode *peek_name(struct arena *a, const char *path)
{
  struct arena tmp = ARENA_INIT;
  struct ynode *root = NULL, *copy = NULL;
  struct err e = ERR_INIT;
  struct buf b = BUF_INIT_CAP((size_t)16 << 20);
  if (strcmp(path, "-") && !buf_read_file(&b, path) && b.data &&
      may_name(b.data, b.len))
    ydoc_parse(&tmp, path, b.data, b.len, NULL, &root, &e);
  buf_release(&b);
  err_release(&e);
  const struct ynode *n = ydoc_get(root, "name");
  if (n && n->kind == YNODE_SCALAR) {
    copy = ydoc_new_scalar(a, &n->pos, n->str, n->flags);
    copy->pos.file = NULL; /* the caller names the file */
  }
  arena_release(&tmp);
  return copy;
}

int compose_load(const struct load_options *opt, struct project **out,
                 struct strvec *warnings, struct err *err)
{
  struct arena arena = ARENA_INIT, *a = &arena;
  struct load_session s = {0};
  struct cfile *files = NULL;
  size_t nfiles = 0, i;
  struct strvec fnames = STRVEC_INIT, profiles = STRVEC_INIT;
  struct env penv, env;
  const char *cwd, *project_dir, *name = NULL;
  const struct ynode *name_node = NULL;
  struct err_pos name_pos = {NULL, 0, 0};
  struct ynode *merged;
  char **envp = opt->environ ? opt->environ : environ;
  char cwdbuf[4096];
  struct load_budget budget = {0};
  int rc = 0;

  struct strvec dropped = STRVEC_INIT;
  if (!warnings)
    warnings = &dropped;
  *out = NULL;
  s.a = a;
  s.budget = &budget;
  s.warnings = warnings;
  s.err = err;
  s.no_interpolate = opt->no_interpolate;
  cwd = opt->cwd;
  if (!cwd) {
    if (!getcwd(cwdbuf, sizeof(cwdbuf))) {
      rc = err_set(err, ERR_IO, "cannot find the working directory: %s",
                   strerror(errno));
      goto out;
    }
    cwd = cwdbuf;
  }
  cwd = arena_strdup(a, cwd);
  s.cwd = cwd;
  env_init(&penv, a);
  env_add_environ(&penv, envp);

  /* 1. files */
  if (opt->files && opt->files->n) {
    for (i = 0; i < opt->files->n; i++)
      strvec_push(&fnames, opt->files->v[i]);
  } else if (env_get(&penv, "COMPOSE_FILE") &&
             *env_get(&penv, "COMPOSE_FILE")) {
    const char *sep = env_get(&penv, "COMPOSE_PATH_SEPARATOR");
    strvec_split(&fnames, env_get(&penv, "COMPOSE_FILE"),
                 sep && *sep ? *sep : ':');
  }
  if (fnames.n) {
    files = arena_alloc(a, fnames.n * sizeof(*files));
    nfiles = fnames.n;
    for (i = 0; i < nfiles; i++) {
      files[i].display = arena_strdup(a, fnames.v[i]);
      files[i].path =
          strcmp(fnames.v[i], "-") ? load_join(a, cwd, fnames.v[i]) : "-";
    }
  } else {
    /* as docker compose: without -f, look in --project-directory */
    const char *from =
        opt->project_dir ? load_join(a, cwd, opt->project_dir) : cwd;
    rc = discover(a, from, &files, &nfiles, warnings, err);
    if (rc)
      goto out;
  }

  /* project directory and environment */
  if (opt->project_dir)
    project_dir = load_join(a, cwd, opt->project_dir);
  else if (strcmp(files[0].path, "-"))
    project_dir = load_dirname(a, files[0].path);
  else
    project_dir = cwd;
  env_init(&env, a);
  env.budget = &budget;
  {
    /* the .env files are read into env, then the process environment
     * goes over them */
    struct strvec envfiles = STRVEC_INIT;
    if (opt->env_files && opt->env_files->n) {
      for (i = 0; i < opt->env_files->n; i++)
        strvec_push(&envfiles, load_join(a, cwd, opt->env_files->v[i]));
    } else {
      const char *def = load_join(a, project_dir, ".env");
      if (is_file(def))
        strvec_push(&envfiles, def);
    }
    for (i = 0; i < envfiles.n && !rc; i++) {
      struct stat st;
      if (stat(envfiles.v[i], &st) == 0 && S_ISDIR(st.st_mode))
        rc =
            err_set(err, ERR_IO, "env file '%s' is a directory", envfiles.v[i]);
      else
        rc = dotenv_parse_file(&env, envfiles.v[i], &penv, err);
    }
    strvec_clear(&envfiles);
    if (rc)
      goto out;
    /* both live in a: the strings are shared, not copied */
    for (i = 0; i < penv.n; i++)
      env_set_shared(&env, penv.vars[i].name, penv.vars[i].value);
  }

  /* project name: -p, COMPOSE_PROJECT_NAME, name:, the directory */
  if (opt->project_name) {
    name = opt->project_name;
    if (!valid_name(name)) {
      rc = err_set(err, ERR_USAGE,
                   "invalid project name '%s': must consist only of "
                   "lowercase alphanumeric characters, hyphens, and "
                   "underscores as well as start with a letter or number",
                   name);
      goto out;
    }
  } else if (env_get(&env, "COMPOSE_PROJECT_NAME") &&
             *env_get(&env, "COMPOSE_PROJECT_NAME")) {
    name = env_get(&env, "COMPOSE_PROJECT_NAME");
    if (!valid_name(name)) {
      rc = err_set(err, ERR_CONFIG,
                   "invalid project name '%s' (from COMPOSE_PROJECT_NAME): "
                   "must consist only of lowercase alphanumeric characters, "
                   "hyphens, and underscores as well as start with a letter "
                   "or number",
                   name);
      goto out;
    }
  } else {
    for (i = nfiles; i-- > 0 && !name_node;) {
      name_node = peek_name(a, files[i].path);
      if (name_node) {
        name_pos = name_node->pos;
        name_pos.file = files[i].display;
      }
    }
    if (name_node) {
      char *v = (char *)name_node->str;
      if (!opt->no_interpolate) {
        struct err tmp = ERR_INIT;
        if (interp_string(a, name_node->str, &env, &name_pos, "name", &v, NULL,
                          &tmp))
          v = (char *)name_node->str;
        err_release(&tmp);
      }
      name = v;
      if (!valid_name(name)) {
        rc = err_at(err, ERR_SCHEMA, &name_pos,
                    "invalid project name '%s': must consist only of "
                    "lowercase alphanumeric characters, hyphens, and "
                    "underscores as well as start with a letter or number",
                    name);
        goto out;
      }
    } else {
      const char *base = strrchr(project_dir, '/');
      name = normalize_name(a, base && base[1] ? base + 1 : project_dir);
      if (!*name) {
        rc = err_set(err, ERR_CONFIG,
                     "cannot derive a project name from '%s': give one "
                     "with -p",
                     project_dir);
        goto out;
      }
    }
  }
  env_set(&env, "COMPOSE_PROJECT_NAME", name);

  /* profiles */
  if (opt->profiles && opt->profiles->n) {
    for (i = 0; i < opt->profiles->n; i++)
      strvec_push(&profiles, opt->profiles->v[i]);
  } else if (env_get(&env, "COMPOSE_PROFILES")) {
    strvec_split(&profiles, env_get(&env, "COMPOSE_PROFILES"), ',');
  }

  /* 2-3. each file: parse, interpolate, extends, include; then merge */
  merged = NULL;
  for (i = 0; i < nfiles; i++) {
    struct cfile *f = &files[i];
    if (!strcmp(f->path, "-"))
      rc = parse_stdin(&s, opt, &env, &f->root);
    else
      rc = load_parse_compose(&s, f->path, f->display, &env, &f->root);
    if (rc)
      goto out;
    rc = load_extends(&s, f->root,
                      strcmp(f->path, "-") ? f->path : load_join(a, cwd, "-"),
                      f->display, &env);
    if (!rc)
      rc = load_include(&s, f->root,
                        strcmp(f->path, "-") ? load_dirname(a, f->path) : cwd,
                        &env);
    if (rc)
      goto out;
    if (!merged)
      merged = load_strip_tags(f->root);
    else
      merged = load_merge(a, merged, f->root, "");
  }
  if (!merged)
    merged = ydoc_new_map(a, NULL);

  /* 4. validation */
  {
    const struct schema *sc = schema_compose();
    if (!sc) {
      rc = err_set(err, ERR_SCHEMA, "the built-in compose schema is broken");
      goto out;
    }
    rc = schema_validate(sc, merged, err);
    if (rc)
      goto out;
  }

  /* 5. the model */
  {
    const char **cf = arena_alloc(a, nfiles * sizeof(*cf));
    for (i = 0; i < nfiles; i++)
      cf[i] = files[i].path;
    struct model_ctx ctx = {
        .project_name = name,
        .working_dir = project_dir,
        .home = env_get(&env, "HOME"),
        .profiles = &profiles,
        .config_files = cf,
        .nconfig_files = nfiles,
        .no_normalize = opt->no_normalize,
        .no_consistency = opt->no_consistency,
        .no_interpolate = opt->no_interpolate,
        .warnings = warnings,
        .environment = &env,
    };
    rc = model_build(merged, &ctx, out, err);
  }
out:
  if (rc && !err->code)
    err_set(err, rc, "%s", err_text(rc));
  strvec_clear(&fnames);
  strvec_clear(&profiles);
  strvec_clear(&s.stack);
  strvec_clear(&dropped);
  arena_release(a);
  return rc;
}
