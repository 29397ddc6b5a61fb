/* images: builds, pulls and pushes, image IDs, and the images step of a
 * converge, each an asynchronous call on the session's loop. */
#include "orchestrate/images.h"
#include "engine/auth.h"
#include "engine/tarball.h"
#include "orchestrate/create.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The end of a call whose caller waits at the top level. */
static int wait_for(struct session *s, int rc, struct session_waiter *w)
{
  if (!rc)
    rc = session_wait(s, &w->done);
  return rc ? rc : w->rc;
}

/* An engine error's text without trailing newlines. */
static const char *why(const struct engine_result *res, int *len)
{
  const char *t =
      res->err && res->err->text ? res->err->text : err_text(res->rc);
  size_t n = strlen(t);
  while (n && t[n - 1] == '\n')
    n--;
  *len = (int)n;
  return t;
}

/* --- build --- */

struct build_op {
  struct session_op op;
  const struct service *sv;
  struct tarball *tb;
  struct buf line; /* build output not yet ended by a newline */
  char *image;
  const char **tags, **hosts;
  struct engine_kv *args, *labels;
  size_t nargs, nlabels;
  struct err e;
  struct engine_call *call; /* the build, while it runs */
};

static void build_free(void *self)
{
  struct build_op *b = self;
  session_stoppable(b->op.s, &b->call, 0);
  const struct build *bd = b->sv->build;
  free(b->args);
  free(b->labels);
  for (size_t i = 0; b->hosts && i < bd->extra_hosts.n; i++)
    free((char *)b->hosts[i]);
  free(b->hosts);
  free(b->tags);
  free(b->image);
  buf_release(&b->line);
  if (b->tb)
    tarball_free(b->tb);
  err_release(&b->e);
  free(b);
}

static size_t read_context(void *ctx, char *buf, size_t n)
{
  struct build_op *b = ctx;
  ssize_t r = tarball_read(b->tb, buf, n);
  return r < 0 ? HTTP_READ_ERROR : (size_t)r;
}

static void build_line(struct build_op *b, const char *text, size_t n)
{
  char *line = xasprintf("[%s] %.*s\n", b->sv->name, (int)n, text);
  session_text(b->op.s, line);
  free(line);
}

static int on_build_progress(void *ctx, const struct stream_progress *p)
{
  struct build_op *b = ctx;
  if (!p->stream || b->op.s->quiet_build)
    return 0;
  buf_addstr(&b->line, p->stream);
  char *nl;
  while (b->line.data && (nl = strchr(b->line.data, '\n'))) {
    size_t n = (size_t)(nl - b->line.data);
    if (n)
      build_line(b, b->line.data, n);
    buf_consume(&b->line, n + 1);
  }
  return 0;
}

static void build_ended(struct build_op *b, int rc)
{
  struct session *s = b->op.s;
  if (b->line.len)
    build_line(b, b->line.data, b->line.len);
  /* a context that could not be read says why, rather than "I/O error" */
  if (rc && b->tb && tarball_error(b->tb)->code) {
    err_reset(&b->e);
    err_set(&b->e, rc, "%s", tarball_error(b->tb)->text);
  }
  session_event(s, "Service", b->sv->name, rc ? "Error" : "Built", 1);
  if (rc) {
    const char *t = b->e.text ? b->e.text : err_text(rc);
    size_t n = strlen(t);
    while (n && t[n - 1] == '\n')
      n--;
    if (!strncmp(t, "building ", 9))
      err_set(&s->err, rc, "%.*s", (int)n, t);
    else
      err_set(&s->err, rc, "building service '%s': %.*s", b->sv->name, (int)n,
              t);
  }
  session_op_finish(&b->op, rc);
}

static void on_built(void *ctx, struct engine_result *res)
{
  struct build_op *b = ctx;
  if (res->rc && res->err && res->err->text && !b->e.code)
    err_set(&b->e, res->rc, "%s", res->err->text);
  build_ended(b, res->rc);
}

/* A model's key/value list as the engine takes it (pairs without a
 * value are left out by the engine), into *n. */
static struct engine_kv *kv_list(const struct kvlist *l, size_t *n)
{
  struct engine_kv *v = xcalloc(l->n + 1, sizeof(*v));
  for (size_t i = 0; i < l->n; i++)
    v[i] = (struct engine_kv){l->v[i].key, l->v[i].value};
  *n = l->n;
  return v;
}

/* The Dockerfile: relative to the context when it is inside, else added
 * to the tar under a generated name (as the docker CLI does). */
static int add_dockerfile(struct build_op *b, const struct build *bd,
                          const char **name, struct err *err)
{
  const char *ctx = bd->context;
  if (bd->dockerfile_inline)
    return tarball_add_dockerfile(b->tb, bd->dockerfile_inline,
                                  strlen(bd->dockerfile_inline), name, err);
  const char *df = bd->dockerfile ? bd->dockerfile : "Dockerfile";
  size_t cl = strlen(ctx);
  if (df[0] != '/') {
    *name = df;
    return 0;
  }
  if (!strncmp(df, ctx, cl) && df[cl] == '/') {
    *name = df + cl + 1;
    return 0;
  }
  struct buf text = BUF_INIT_CAP(16 << 20);
  int rc = buf_read_file(&text, df);
  if (rc) {
    buf_release(&text);
    return err_set(err, rc, "reading Dockerfile '%s': %s", df, err_text(rc));
  }
  rc = tarball_add_dockerfile(b->tb, text.data ? text.data : "", text.len, name,
                              err);
  buf_release(&text);
  return rc;
}

int images_build_start(struct session *s, const struct service *sv,
                       session_done_cb done, void *arg)
{
  const struct build *bd = sv->build;
  struct build_op *b = xcalloc(1, sizeof(*b));
  session_op_init(&b->op, s, done, arg, build_free, b);
  b->sv = sv;
  b->line = (struct buf)BUF_INIT_CAP(1 << 20);
  b->image = create_image_name_new(s->project, sv);
  const char *df = NULL;
  int inside = bd->dockerfile && bd->dockerfile[0] == '/' &&
               !bd->dockerfile_inline &&
               !strncmp(bd->dockerfile, bd->context, strlen(bd->context)) &&
               bd->dockerfile[strlen(bd->context)] == '/';
  const char *rel = bd->dockerfile_inline      ? NULL
                    : !bd->dockerfile          ? "Dockerfile"
                    : bd->dockerfile[0] != '/' ? bd->dockerfile
                    : inside ? bd->dockerfile + strlen(bd->context) + 1
                             : NULL;
  int rc = tarball_new(&b->tb, bd->context, rel, NULL, &b->e);
  if (!rc)
    rc = add_dockerfile(b, bd, &df, &b->e);
  b->tags = xcalloc(bd->tags.n + 2, sizeof(*b->tags));
  b->tags[0] = b->image;
  for (size_t i = 0; i < bd->tags.n; i++)
    b->tags[i + 1] = bd->tags.v[i];
  b->hosts = xcalloc(bd->extra_hosts.n + 1, sizeof(*b->hosts));
  for (size_t i = 0; i < bd->extra_hosts.n; i++) {
    char *h = xstrdup(bd->extra_hosts.v[i]);
    char *eq = strchr(h, '=');
    if (eq)
      *eq = ':';
    b->hosts[i] = h;
  }
  b->args = kv_list(&bd->args, &b->nargs);
  b->labels = kv_list(&bd->labels, &b->nlabels);
  struct engine_build_opts o = {
      .tags = b->tags,
      .dockerfile = df,
      .args = b->args,
      .nargs = b->nargs,
      .label_list = b->labels,
      .nlabels = b->nlabels,
      .target = bd->target,
      .networkmode = bd->network,
      .extrahosts = bd->extra_hosts.n ? b->hosts : NULL,
      .platform = sv->platform,
      .shmsize = bd->shm_size > 0 ? bd->shm_size : 0,
      .nocache = bd->no_cache == TRI_TRUE,
      .pull = bd->pull == TRI_TRUE,
  };
  if (!rc && s->interrupted)
    rc = err_set(&b->e, ERR_CANCELED, "interrupted");
  session_event(s, "Service", sv->name, "Building", 0);
  if (!rc)
    rc = engine_image_build(s->engine, &o, read_context, b, on_build_progress,
                            on_built, b, &b->call, &b->e);
  if (!rc) /* an interrupt cancels it */
    session_stoppable(s, &b->call, 1);
  if (rc)
    build_ended(b, rc); /* reported like a failed build, on a later turn */
  return 0;
}

int images_build(struct session *s, const struct service *sv)
{
  struct session_waiter w = {0, 0};
  return wait_for(s, images_build_start(s, sv, session_waiter_cb, &w), &w);
}

/* --- pull and push --- */

struct xfer_op {
  struct session_op op;
  char *ref;
  int push, quiet;
  struct engine_call *call; /* the pull or push, while it runs */
};

static void xfer_free(void *self)
{
  struct xfer_op *x = self;
  session_stoppable(x->op.s, &x->call, 0);
  free(x->ref);
  free(x);
}

static int on_xfer_progress(void *ctx, const struct stream_progress *p)
{
  struct xfer_op *x = ctx;
  if (x->quiet || !p->status || !*p->status)
    return 0;
  char *line = p->id && *p->id ? xasprintf("%s: %s\n", p->id, p->status)
                               : xasprintf("%s\n", p->status);
  session_text(x->op.s, line);
  free(line);
  return 0;
}

static void on_xfered(void *ctx, struct engine_result *res)
{
  struct xfer_op *x = ctx;
  struct session *s = x->op.s;
  if (res->rc) {
    int n;
    const char *t = why(res, &n);
    err_set(&s->err, res->rc, "%.*s", n, t);
  }
  if (!x->quiet)
    session_event(s, "Image", x->ref,
                  res->rc   ? "Error"
                  : x->push ? "Pushed"
                            : "Pulled",
                  1);
  session_op_finish(&x->op, res->rc);
}

/* name[:tag] -> image and tag (NULL with a digest), both malloc'ed */
static void split_ref(const char *ref, char **image, char **tag)
{
  const char *slash = strrchr(ref, '/');
  const char *colon = strrchr(slash ? slash : ref, ':');
  if (strchr(ref, '@') || !colon) {
    *image = xstrdup(ref);
    *tag = strchr(ref, '@') ? NULL : xstrdup("latest");
    return;
  }
  *image = xstrndup(ref, (size_t)(colon - ref));
  *tag = xstrdup(colon + 1);
}

/* The credentials are in (or not): the pull or push itself. */
static void on_auth(void *ctx, int rc, char *auth, const struct err *err)
{
  struct xfer_op *x = ctx;
  struct session *s = x->op.s;
  char *image, *tag;
  split_ref(x->ref, &image, &tag);
  if (!rc && s->interrupted)
    rc = err_set(&s->err, ERR_CANCELED, "%s '%s': interrupted",
                 x->push ? "pushing" : "pulling", x->ref);
  else if (rc) {
    err_set(&s->err, rc, "%s", err && err->text ? err->text : err_text(rc));
    err_wrap(&s->err, "%s '%s'", x->push ? "pushing" : "pulling", x->ref);
  } else {
    rc = x->push
             ? engine_image_push(s->engine, image, tag, auth, on_xfer_progress,
                                 on_xfered, x, &x->call, &s->err)
             : engine_image_pull(s->engine, image, tag, NULL, auth,
                                 on_xfer_progress, on_xfered, x, &x->call,
                                 &s->err);
    if (!rc) /* an interrupt cancels it */
      session_stoppable(s, &x->call, 1);
  }
  free(auth);
  free(image);
  free(tag);
  if (rc) {
    if (!x->quiet)
      session_event(s, "Image", x->ref, "Error", 1);
    session_op_finish(&x->op, rc);
  }
}

int images_xfer_start(struct session *s, const char *ref, int push, int quiet,
                      session_done_cb done, void *arg)
{
  struct xfer_op *x = xcalloc(1, sizeof(*x));
  session_op_init(&x->op, s, done, arg, xfer_free, x);
  x->ref = xstrdup(ref);
  x->push = push;
  x->quiet = quiet;
  if (!quiet)
    session_event(s, "Image", ref, push ? "Pushing" : "Pulling", 0);
  /* credentials `docker login` stored for the image's registry, or its
   * credential helper's (run on the loop: a slow one holds up nothing) */
  auth_header_lookup_start(&s->loop, ref, on_auth, x);
  return 0;
}

int images_xfer(struct session *s, const char *ref, int push, int quiet)
{
  struct session_waiter w = {0, 0};
  return wait_for(
      s, images_xfer_start(s, ref, push, quiet, session_waiter_cb, &w), &w);
}

/* --- image IDs --- */

struct id_op {
  struct session_op op;
  char *name;
  char **id;
};

static void id_free(void *self)
{
  struct id_op *o = self;
  free(o->name);
  free(o);
}

static void on_inspected(void *ctx, struct engine_result *res)
{
  struct id_op *o = ctx;
  int rc = res->rc;
  if (!rc && res->image)
    *o->id = xstrdup(res->image->id);
  else if (!rc)
    rc = ERR_PROTO;
  if (rc && rc != ERR_NOTFOUND) {
    int n;
    const char *t = why(res, &n);
    err_set(&o->op.s->err, rc, "inspecting image '%s': %.*s", o->name, n, t);
  }
  session_op_finish(&o->op, rc);
}

int images_id_start(struct session *s, const char *name, char **id,
                    session_done_cb done, void *arg)
{
  struct id_op *o = xcalloc(1, sizeof(*o));
  session_op_init(&o->op, s, done, arg, id_free, o);
  o->name = xstrdup(name);
  o->id = id;
  *id = NULL;
  struct err e = ERR_INIT;
  int rc = engine_image_inspect(s->engine, name, on_inspected, o, &e);
  if (rc) {
    err_set(&s->err, rc, "%s", e.text ? e.text : err_text(rc));
    id_free(o);
  }
  err_release(&e);
  return rc;
}

char *images_id(struct session *s, const char *name)
{
  struct session_waiter w = {0, 0};
  char *id = NULL;
  int rc =
      wait_for(s, images_id_start(s, name, &id, session_waiter_cb, &w), &w);
  if (rc && rc != ERR_NOTFOUND)
    err_reset(&s->err); /* a lookup: no ID is the answer */
  return id;
}

int images_remove(struct session *s, const char *name, int report)
{
  struct session_call a = {.err = NULL};
  struct err e = ERR_INIT;
  if (report)
    session_event(s, "Image", name, "Removing", 0);
  int r = engine_image_remove(s->engine, name, 0, session_call_cb, &a, &e);
  if (!r)
    r = session_call_wait(s, &a);
  if (r == ERR_NOTFOUND)
    r = 0; /* never built or already gone */
  if (r && report)
    err_set(&s->err, r, "removing image '%s': %s", name,
            e.code && e.text ? e.text : err_text(r));
  if (report)
    session_event(s, "Image", name, r ? "Error" : "Removed", 1);
  session_call_release(&a);
  err_release(&e);
  return r;
}

/* --- the images of the selected services --- */

/* A service's pull policy, as compose reads pull_policy and --pull. */
enum pull_policy { PULL_MISSING, PULL_ALWAYS, PULL_NEVER, PULL_BUILD };

static enum pull_policy pull_policy(const char *pull, const struct service *s)
{
  const char *p = pull ? pull : s->pull_policy;
  if (!p)
    return PULL_MISSING;
  if (!strcmp(p, "always"))
    return PULL_ALWAYS;
  if (!strcmp(p, "never"))
    return PULL_NEVER;
  if (!strcmp(p, "build"))
    return PULL_BUILD;
  return PULL_MISSING; /* missing, if_not_present, daily, weekly, every_* */
}

/* Per service: first (build or pull as the policy says), then look the
 * image up; missing, build or pull it once and look again. */
enum ensure_step {
  ENSURE_FIRST,   /* the policy's first move */
  ENSURE_LOOKUP,  /* inspecting the image */
  ENSURE_FETCHED, /* after a build or pull made for a missing image */
};

struct ensure_op {
  struct session_op op;
  struct images_want want;
  char **ids;
  size_t i; /* the service at hand */
  enum ensure_step step;
  int fetched; /* built or pulled after a lookup missed */
  int first;   /* the lookup is the service's first step */
  char *name;  /* its image's name */
};

static void ensure_free(void *self)
{
  struct ensure_op *o = self;
  free(o->name);
  free(o);
}

static void ensure_next(struct ensure_op *o);

static void ensure_answer(void *arg, int rc);

/* Start an async step for the current service; its answer comes back to
 * ensure_answer. */
static void ensure_issue(struct ensure_op *o, int rc)
{
  if (rc)
    ensure_answer(o, rc); /* the error is in s->err */
}

/* The ID an earlier service of this walk found for the same name (the
 * latest lookup: a build in between looked again), or NULL. */
static const char *seen_id(const struct ensure_op *o)
{
  const struct project *p = o->op.s->project;
  for (size_t k = o->i; k-- > 0;) {
    if (!o->ids[k])
      continue;
    char *name = create_image_name_new(p, &p->services[k]);
    int same = !strcmp(name, o->name);
    free(name);
    if (same)
      return o->ids[k];
  }
  return NULL;
}

static void ensure_lookup(struct ensure_op *o)
{
  o->step = ENSURE_LOOKUP;
  /* twenty services of one image: one round trip, not twenty */
  const char *id = o->first && !o->fetched ? seen_id(o) : NULL;
  if (id) {
    o->ids[o->i] = xstrdup(id);
    ensure_answer(o, 0);
    return;
  }
  ensure_issue(
      o, images_id_start(o->op.s, o->name, &o->ids[o->i], ensure_answer, o));
}

static void ensure_answer(void *arg, int rc)
{
  struct ensure_op *o = arg;
  struct session *s = o->op.s;
  const struct service *sv = &s->project->services[o->i];
  enum pull_policy pol = pull_policy(o->want.pull, sv);
  int can_build = sv->build && !o->want.no_build;
  switch (o->step) {
  case ENSURE_FIRST:
    if (rc && !o->want.force && pol == PULL_ALWAYS && can_build) {
      /* as compose: a service that builds goes on to build */
      err_reset(&s->err);
      rc = 0;
    }
    if (rc)
      break;
    ensure_lookup(o);
    return;
  case ENSURE_LOOKUP:
    if (rc != ERR_NOTFOUND || o->fetched)
      break;
    if (can_build && !o->want.force) {
      o->fetched = 1;
      o->step = ENSURE_FETCHED;
      ensure_issue(o, images_build_start(s, sv, ensure_answer, o));
      return;
    }
    if (!sv->build && pol != PULL_NEVER) {
      o->fetched = 1;
      o->step = ENSURE_FETCHED;
      ensure_issue(o, images_xfer_start(s, o->name, 0, 0, ensure_answer, o));
      return;
    }
    break;
  case ENSURE_FETCHED:
    if (rc)
      break;
    ensure_lookup(o);
    return;
  }
  if (rc == ERR_NOTFOUND)
    err_set(&s->err, ERR_NOTFOUND, "service '%s': image '%s' not found%s",
            sv->name, o->name,
            sv->build           ? " (build it: drop --no-build)"
            : pol == PULL_NEVER ? " and its pull policy is 'never'"
                                : "");
  if (rc) {
    session_op_finish(&o->op, rc);
    return;
  }
  o->i++;
  ensure_next(o);
}

/* The next selected service, or the end. */
static void ensure_next(struct ensure_op *o)
{
  struct session *s = o->op.s;
  const struct project *p = s->project;
  const unsigned char *sel = o->want.selected ? o->want.selected : s->selected;
  while (o->i < p->nservices && !sel[o->i])
    o->i++;
  if (o->i == p->nservices || s->interrupted) { /* nothing new begins */
    session_op_finish(&o->op, s->interrupted ? ERR_CANCELED : 0);
    return;
  }
  const struct service *sv = &p->services[o->i];
  enum pull_policy pol = pull_policy(o->want.pull, sv);
  int can_build = sv->build && !o->want.no_build;
  free(o->name);
  o->name = create_image_name_new(p, sv);
  o->fetched = 0;
  o->first = 0;
  o->step = ENSURE_FIRST;
  if (can_build && (o->want.force || pol == PULL_BUILD))
    ensure_issue(o, images_build_start(s, sv, ensure_answer, o));
  else if (pol == PULL_ALWAYS && sv->image)
    ensure_issue(o, images_xfer_start(s, o->name, 0, 0, ensure_answer, o));
  else {
    o->first = 1;
    ensure_lookup(o);
  }
}

int images_ensure_start(struct session *s, const struct images_want *w,
                        char **ids, session_done_cb done, void *arg)
{
  struct ensure_op *o = xcalloc(1, sizeof(*o));
  session_op_init(&o->op, s, done, arg, ensure_free, o);
  o->want = *w;
  o->ids = ids;
  ensure_next(o);
  return 0;
}

int images_ensure(struct session *s, const struct images_want *w, char **ids)
{
  struct session_waiter wt = {0, 0};
  return wait_for(s, images_ensure_start(s, w, ids, session_waiter_cb, &wt),
                  &wt);
}
