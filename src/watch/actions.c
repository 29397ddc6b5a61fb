/* actions: one batch applied to the containers, one state at a time: each
 * state issues its engine calls for every container at once and the next
 * state begins when the last one answered. Exec'ed commands (rm -rf and
 * sync+exec) are jobs with their own small state: created, started (the
 * output streams until the process ends), inspected for the exit code. */
#include "watch/actions.h"

#include "engine/tarball.h"
#include "orchestrate/labels.h"
#include "orchestrate/plan.h"
#include "orchestrate/svc.h"
#include "util/buf.h"
#include "util/path.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Bytes of paths per `rm -rf` (well under any container's ARG_MAX). */
#define RM_ARGS_MAX (128 * 1024)
/* What is kept of an rm's stderr for the error message. */
#define RM_STDERR_MAX 4096

struct apply;

/* A container of a service the batch asks something of, or with deletes
 * kept for it. */
struct ctr {
  const struct plan_container *pc;
  size_t todo; /* index in the batch; NO_TODO: only kept deletes */
  int running;
};
#define NO_TODO ((size_t)-1)

enum job_state {
  JOB_CREATING,   /* POST /containers/{id}/exec */
  JOB_STARTING,   /* POST /exec/{id}/start: output until the process ends */
  JOB_INSPECTING, /* GET /exec/{id}/json: the exit code */
  JOB_DONE
};

struct job {
  struct apply *a;
  enum job_state state;
  const struct ctr *c;
  struct strvec argv;
  int is_rm;    /* rm or chown: else a sync+exec command */
  int is_chown; /* chown */
  char *exec_id;
  struct buf stderr_text; /* rm only, capped */
};

struct put {
  struct apply *a;
  const struct ctr *c;
  struct tarball *tb;
  struct sync_channel *ch; /* the batch is out through it */
  uint64_t start;          /* uv_hrtime() when the tar was started */
};

/* An inspect of a container whose user is not known yet. */
struct insp {
  struct apply *a;
  const struct ctr *c;
};

/* The sync work of one service: indexes into its todo's sync array. */
struct split {
  size_t *copies, ncopies;
  size_t *deletes, ndeletes;
};

struct apply {
  uv_loop_t *loop;
  struct engine *e;
  const struct project *p;
  const struct watch_rules *r;
  const struct watch_batch *b;
  struct watch_memo *pd;
  const struct watch_hooks *h;
  void *data;
  enum watch_apply_state state;
  int pending; /* jobs and calls in flight */
  struct engine_container_list *listed;
  struct plan_container *have;
  size_t nhave;
  struct ctr *ctrs;
  size_t nctrs;
  struct split *splits; /* like b->v */
  size_t nsplits;       /* b->n when they were made (the batch may be
                           released before the run's memory) */
  struct job **jobs;
  size_t njobs;
  struct put *puts;
  size_t nputs;
  struct insp *insps;
  size_t ninsps;
  struct svc_run restart;
  int restarting;
  struct plan restart_plan;
  unsigned char *restart_sel;
  struct err *err;
  uint64_t start;  /* uv_hrtime() when the run began (tracing) */
  uv_timer_t kick; /* drives the run outside the engine's callbacks */
  watch_apply_done_cb done;
  void *arg;
  int told;    /* done was called */
  int entered; /* the current state was entered */
};

static const char *const state_names[] = {
    "listing",  "inspecting", "deleting",  "copying",
    "chowning", "restarting", "executing", "applied"};

const char *watch_apply_state_name(enum watch_apply_state st)
{
  return state_names[st];
}

static int tracing(void)
{
  static int trace = -1;
  if (trace < 0) {
    const char *t = getenv("WCOMPOSE_TRACE");
    trace = t && *t;
  }
  return trace;
}

static void watch_apply_set_state(struct apply *a, enum watch_apply_state to)
{
  if (tracing())
    fprintf(stderr, "wcompose: watch: %s -> %s (%.1f ms)\n",
            state_names[a->state], state_names[to],
            (double)(uv_hrtime() - a->start) / 1e6);
  a->state = to;
}

static void job_set_state(struct job *j, enum job_state to)
{
  static const char *const names[] = {"creating", "starting", "inspecting",
                                      "done"};
  if (tracing())
    fprintf(stderr, "wcompose: watch: exec in %s: %s -> %s\n", j->c->pc->name,
            names[j->state], names[to]);
  j->state = to;
}

static void note(struct apply *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note(struct apply *a, const char *fmt, ...)
{
  if (!a->h || !a->h->note)
    return;
  struct buf b = BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  buf_vaddf(&b, fmt, ap);
  va_end(ap);
  a->h->note(a->data, b.data);
  buf_release(&b);
}

/* res's error as one line into a->err, prefixed when the engine's text
 * does not say what was done. */
static void fail(struct apply *a, const struct engine_result *res,
                 const char *what)
{
  const char *t =
      res->err && res->err->text ? res->err->text : err_text(res->rc);
  size_t n = strlen(t);
  while (n && t[n - 1] == '\n')
    n--;
  if (what)
    err_set(a->err, res->rc, "%s: %.*s", what, (int)n, t);
  else
    err_set(a->err, res->rc, "%.*s", (int)n, t);
}

char *watch_names_quoted(const char *const *names, size_t n)
{
  struct buf b = BUF_INIT;
  buf_addch(&b, '[');
  for (size_t i = 0; i < n; i++)
    buf_addf(&b, "%s\"%s\"", i ? " " : "", names[i]);
  buf_addch(&b, ']');
  return buf_detach(&b);
}

static void on_kick(uv_timer_t *t);

/* A call answered: look at the state on the next loop turn, once the
 * answering callback has finished updating it. */
static void answered(struct apply *a)
{
  uv_timer_start(&a->kick, on_kick, 0, 0);
}

/* --- listing --- */

static void on_listed(void *ctx, struct engine_result *res)
{
  struct apply *a = ctx;
  a->pending--;
  answered(a);
  if (res->rc) {
    fail(a, res, "listing the project's containers");
    return;
  }
  a->listed = res->containers;
  res->containers = NULL;
}

static void state_listing(struct apply *a)
{
  struct engine_filters filters = ENGINE_FILTERS_INIT;
  char *f = xasprintf("%s=%s", LABELS_PROJECT, a->p->name);
  engine_filters_add(&filters, "label", f);
  free(f);
  struct err e = ERR_INIT;
  if (!engine_container_list_typed(a->e, &filters, 1, on_listed, a, &e))
    a->pending++;
  else
    err_set(a->err, e.code, "%.*s", (int)e.len - 1, e.text);
  err_release(&e);
  engine_filters_release(&filters);
}

static void split_sync(struct apply *a);

/* --- kept deletes, users --- */

int watch_memo_has_deletes(const struct watch_memo *pd, const char *id)
{
  for (size_t i = 0; pd && i < pd->n; i++)
    if (!strcmp(pd->v[i].id, id))
      return 1;
  return 0;
}

static void pending_drop(struct watch_memo *pd, size_t i)
{
  free(pd->v[i].id);
  free(pd->v[i].path);
  pd->v[i] = pd->v[--pd->n];
}

static void pending_add(struct watch_memo *pd, const char *id, const char *path)
{
  for (size_t i = 0; i < pd->n; i++)
    if (!strcmp(pd->v[i].id, id) && !strcmp(pd->v[i].path, path))
      return;
  pd->v = xrealloc(pd->v, (pd->n + 1) * sizeof(*pd->v));
  pd->v[pd->n].id = xstrdup(id);
  pd->v[pd->n].path = xstrdup(path);
  pd->n++;
}

/* path was synced to container id again: a kept delete at, below or above
 * it would undo that */
static void pending_synced(struct watch_memo *pd, const char *id,
                           const char *path)
{
  for (size_t i = 0; pd && i < pd->n;)
    if (!strcmp(pd->v[i].id, id) &&
        (path_below(pd->v[i].path, path) || path_below(path, pd->v[i].path)))
      pending_drop(pd, i);
    else
      i++;
}

/* The user container id runs as, or NULL when not asked yet. */
static const char *memo_user(const struct watch_memo *m, const char *id)
{
  for (size_t i = 0; m && i < m->nusers; i++)
    if (!strcmp(m->users[i].id, id))
      return m->users[i].user;
  return NULL;
}

static void memo_set_user(struct watch_memo *m, const char *id,
                          const char *user)
{
  if (memo_user(m, id))
    return;
  m->users = xrealloc(m->users, (m->nusers + 1) * sizeof(*m->users));
  m->users[m->nusers].id = xstrdup(id);
  m->users[m->nusers].user = xstrdup(user ? user : "");
  m->nusers++;
}

void watch_memo_release(struct watch_memo *pd)
{
  while (pd->n)
    pending_drop(pd, pd->n - 1);
  free(pd->v);
  pd->v = NULL;
  for (size_t i = 0; i < pd->nusers; i++) {
    free(pd->users[i].id);
    free(pd->users[i].user);
  }
  free(pd->users);
  pd->users = NULL;
  pd->nusers = 0;
  sync_channels_release(&pd->chans);
}

const char *watch_owner(const char *user, char *buf, size_t size)
{
  if (!user || !*user || !strcmp(user, "root") || !strcmp(user, "0") ||
      !strcmp(user, "0:0") || !strcmp(user, "root:root"))
    return NULL;
  size_t digits = strspn(user, "0123456789");
  if (strchr(user, ':') || !user[digits])
    snprintf(buf, size, "%s", user);
  else
    snprintf(buf, size, "%s:", user);
  return buf;
}

/* The containers of the batch's services, and those with kept deletes,
 * from the listing; kept deletes of containers that are gone are
 * dropped. */
static void listed(struct apply *a)
{
  size_t n = a->listed->n;
  a->have = xcalloc(n ? n : 1, sizeof(*a->have));
  a->ctrs = xcalloc(n ? n : 1, sizeof(*a->ctrs));
  for (size_t i = 0; i < n; i++) {
    struct plan_container *pc = &a->have[a->nhave];
    plan_container_from_summary(&a->listed->v[i], pc);
    if (pc->oneoff || !pc->service)
      continue;
    a->nhave++;
    size_t todo = NO_TODO;
    for (size_t t = 0; t < a->b->n && todo == NO_TODO; t++)
      if (!strcmp(a->b->v[t].svc->name, pc->service))
        todo = t;
    if (todo == NO_TODO && !watch_memo_has_deletes(a->pd, pc->id))
      continue;
    struct ctr *c = &a->ctrs[a->nctrs++];
    c->pc = pc;
    c->todo = todo;
    c->running = pc->state && (!strcmp(pc->state, "running") ||
                               !strcmp(pc->state, "restarting"));
  }
  for (size_t i = 0; a->pd && i < a->pd->n;) {
    size_t k = 0;
    while (k < a->nhave && strcmp(a->have[k].id, a->pd->v[i].id))
      k++;
    if (k == a->nhave)
      pending_drop(a->pd, i);
    else
      i++;
  }
  for (size_t i = 0; a->pd && i < a->pd->nusers;) {
    size_t k = 0;
    while (k < a->nhave && strcmp(a->have[k].id, a->pd->users[i].id))
      k++;
    if (k == a->nhave) {
      free(a->pd->users[i].id);
      free(a->pd->users[i].user);
      a->pd->users[i] = a->pd->users[--a->pd->nusers];
    } else {
      i++;
    }
  }
  if (a->pd) {
    /* the channels of containers that are gone close */
    const char **ids = xcalloc(a->nhave ? a->nhave : 1, sizeof(*ids));
    for (size_t i = 0; i < a->nhave; i++)
      ids[i] = a->have[i].id;
    sync_channels_keep(&a->pd->chans, ids, a->nhave);
    free(ids);
  }
  split_sync(a);
}

/* --- exec jobs --- */

static void job_end(struct job *j)
{
  job_set_state(j, JOB_DONE);
  j->a->pending--;
  answered(j->a);
}

static void on_job_inspected(void *ctx, struct engine_result *res)
{
  struct job *j = ctx;
  struct apply *a = j->a;
  int code = res->exec ? res->exec->exit_code : -1;
  if (res->rc) {
    fail(a, res, NULL);
  } else if (code > 0 && j->is_rm) {
    size_t n = j->stderr_text.len;
    while (n && j->stderr_text.data[n - 1] == '\n')
      n--;
    if (j->is_chown)
      err_set(a->err, ERR_ENGINE,
              "giving synced files to '%s' in container '%s': chown exited "
              "with code %d%s%.*s",
              j->argv.v[2], j->c->pc->name, code, n ? ": " : "", (int)n,
              n ? j->stderr_text.data : "");
    else
      err_set(a->err, ERR_ENGINE,
              "deleting files in container '%s': rm exited with code %d%s%.*s",
              j->c->pc->name, code, n ? ": " : "", (int)n,
              n ? j->stderr_text.data : "");
  } else if (code > 0) {
    const struct watch_todo *d = &a->b->v[j->c->todo];
    struct buf cmd = BUF_INIT;
    for (size_t i = 0; i < j->argv.n; i++)
      buf_addf(&cmd, "%s%s", i ? " " : "", j->argv.v[i]);
    err_set(a->err, ERR_ENGINE,
            "service '%s': '%s' exited with code %d in container '%s'",
            d->svc->name, cmd.data, code, j->c->pc->name);
    buf_release(&cmd);
  }
  job_end(j);
}

static int on_job_output(void *ctx, enum stream_kind kind, const char *p,
                         size_t n)
{
  struct job *j = ctx;
  struct apply *a = j->a;
  if (j->is_rm) {
    if (kind == STREAM_STDERR)
      buf_add(&j->stderr_text, p, n); /* past the cap: the start is enough */
    return 0;
  }
  if (a->h && a->h->output)
    a->h->output(a->data, j->c->pc->name, kind, p, n);
  return 0;
}

static void on_job_started(void *ctx, struct engine_result *res)
{
  struct job *j = ctx;
  struct err e = ERR_INIT;
  if (res->rc) {
    fail(j->a, res, NULL);
    job_end(j);
    return;
  }
  job_set_state(j, JOB_INSPECTING);
  if (engine_exec_inspect(j->a->e, j->exec_id, on_job_inspected, j, &e)) {
    err_set(j->a->err, e.code, "%.*s", (int)e.len - 1, e.text);
    job_end(j);
  }
  err_release(&e);
}

static void on_job_created(void *ctx, struct engine_result *res)
{
  struct job *j = ctx;
  struct err e = ERR_INIT;
  if (res->rc || !res->id) {
    if (res->rc)
      fail(j->a, res, NULL);
    else
      err_set(j->a->err, ERR_PROTO, "creating an exec in '%s': no Id",
              j->c->pc->name);
    job_end(j);
    return;
  }
  j->exec_id = xstrdup(res->id);
  job_set_state(j, JOB_STARTING);
  if (engine_exec_start(j->a->e, j->exec_id, 0, 0, on_job_output,
                        on_job_started, j, NULL, &e)) {
    err_set(j->a->err, e.code, "%.*s", (int)e.len - 1, e.text);
    job_end(j);
  }
  err_release(&e);
}

enum { JOB_CMD, JOB_RM, JOB_CHOWN };

/* Start a job (JOB_*) running argv (taken) in container c, as x says
 * (NULL: as the container's user, in its working directory). */
static void job_start(struct apply *a, const struct ctr *c, struct strvec *argv,
                      int kind, const struct watch_exec *x)
{
  int is_rm = kind != JOB_CMD;
  struct job *j = xcalloc(1, sizeof(*j));
  j->a = a;
  j->c = c;
  j->argv = *argv;
  *argv = (struct strvec)STRVEC_INIT;
  j->is_rm = is_rm;
  j->is_chown = kind == JOB_CHOWN;
  j->stderr_text = (struct buf)BUF_INIT_CAP(RM_STDERR_MAX);
  a->jobs = xrealloc(a->jobs, (a->njobs + 1) * sizeof(*a->jobs));
  a->jobs[a->njobs++] = j;
  struct engine_exec_config cfg = {.cmd = (const char *const *)j->argv.v,
                                   .attach_stdout = !is_rm,
                                   .attach_stderr = 1};
  if (x) {
    cfg.user = x->user;
    cfg.working_dir = x->working_dir;
    cfg.privileged = x->privileged;
    cfg.env = x->env.n ? (const char *const *)x->env.v : NULL;
  }
  struct err e = ERR_INIT;
  a->pending++;
  job_set_state(j, JOB_CREATING);
  if (engine_exec_create_typed(a->e, c->pc->id, &cfg, on_job_created, j, &e)) {
    err_set(a->err, e.code, "%.*s", (int)e.len - 1, e.text);
    job_end(j);
  }
  err_release(&e);
}

static void job_free(struct job *j)
{
  strvec_clear(&j->argv);
  free(j->exec_id);
  buf_release(&j->stderr_text);
  free(j);
}

/* --- deleting --- */

static void split_sync(struct apply *a)
{
  a->splits = xcalloc(a->b->n ? a->b->n : 1, sizeof(*a->splits));
  a->nsplits = a->b->n;
  for (size_t t = 0; t < a->b->n; t++) {
    const struct watch_todo *d = &a->b->v[t];
    struct split *s = &a->splits[t];
    s->copies = xcalloc(d->nsync ? d->nsync : 1, sizeof(*s->copies));
    s->deletes = xcalloc(d->nsync ? d->nsync : 1, sizeof(*s->deletes));
    for (size_t k = 0; k < d->nsync; k++) {
      struct stat st;
      if (lstat(d->sync[k].host, &st) < 0 &&
          (errno == ENOENT || errno == ENOTDIR))
        s->deletes[s->ndeletes++] = k;
      else
        s->copies[s->ncopies++] = k;
    }
  }
}

static void state_deleting(struct apply *a)
{
  for (size_t t = 0; t < a->b->n; t++) {
    const struct watch_todo *d = &a->b->v[t];
    if (d->nsync)
      note(a, "Syncing service \"%s\" after %zu changes were detected",
           d->svc->name, d->nsync);
  }
  for (size_t i = 0; i < a->nctrs; i++) {
    const struct ctr *c = &a->ctrs[i];
    const struct watch_todo *d = c->todo == NO_TODO ? NULL : &a->b->v[c->todo];
    const struct split *s = d ? &a->splits[c->todo] : NULL;
    struct strvec paths = STRVEC_INIT;
    for (size_t k = 0; s && k < s->ndeletes; k++)
      strvec_push(&paths, d->sync[s->deletes[k]].container);
    if (!c->running) {
      /* a stopped container cannot exec: when it runs again */
      for (size_t k = 0; a->pd && k < paths.n; k++)
        pending_add(a->pd, c->pc->id, paths.v[k]);
      strvec_clear(&paths);
      continue;
    }
    for (size_t k = 0; a->pd && k < a->pd->n;)
      if (!strcmp(a->pd->v[k].id, c->pc->id)) {
        strvec_push(&paths, a->pd->v[k].path);
        pending_drop(a->pd, k);
      } else {
        k++;
      }
    struct strvec argv = STRVEC_INIT;
    size_t bytes = 0;
    for (size_t k = 0; k < paths.n; k++) {
      const char *path = paths.v[k];
      if (!strcmp(path, "/"))
        continue; /* never the container's root */
      if (!argv.n) {
        strvec_push(&argv, "rm");
        strvec_push(&argv, "-rf");
      }
      strvec_push(&argv, path);
      bytes += strlen(path) + 1;
      if (bytes >= RM_ARGS_MAX) {
        job_start(a, c, &argv, JOB_RM, NULL);
        bytes = 0;
      }
    }
    if (argv.n)
      job_start(a, c, &argv, JOB_RM, NULL);
    strvec_clear(&argv);
    strvec_clear(&paths);
  }
}

/* --- copying --- */

static size_t read_tar(void *ctx, char *buf, size_t n)
{
  struct put *u = ctx;
  ssize_t r = tarball_read(u->tb, buf, n);
  return r < 0 ? HTTP_READ_ERROR : (size_t)r;
}

static void on_put(void *ctx, struct engine_result *res)
{
  struct put *u = ctx;
  struct apply *a = u->a;
  a->pending--;
  answered(a);
  if (!res->rc)
    return;
  const struct err *te = tarball_error(u->tb);
  if (te->code) {
    char *what = xasprintf("copying files to container '%s'", u->c->pc->name);
    err_set(a->err, te->code, "%s: %.*s", what, (int)te->len - 1, te->text);
    free(what);
  } else {
    fail(a, res, NULL);
  }
}

static const struct watch_change *change_at(const struct apply *a, size_t t,
                                            size_t k)
{
  return &a->b->v[t].sync[a->splits[t].copies[k]];
}

static const struct apply *sort_ctx;
static size_t sort_todo;

static int by_name(const void *x, const void *y)
{
  const struct watch_change *cx = change_at(sort_ctx, sort_todo, *(size_t *)x);
  const struct watch_change *cy = change_at(sort_ctx, sort_todo, *(size_t *)y);
  return strcmp(cx->container, cy->container);
}

/* u's tar: the changed paths of its container, parents first. */
static int put_tarball(struct put *u)
{
  struct apply *a = u->a;
  const struct ctr *c = u->c;
  const struct split *s = &a->splits[c->todo];
  struct err e = ERR_INIT;
  if (tarball_new_list(&u->tb, &e)) {
    err_set(a->err, e.code, "%.*s", (int)e.len - 1, e.text);
    err_release(&e);
    return e.code;
  }
  for (size_t k = 0; k < s->ncopies; k++) {
    const struct watch_change *ch = change_at(a, c->todo, k);
    if (*watch_tar_name(ch->container))
      tarball_add_path(u->tb, ch->host, watch_tar_name(ch->container));
  }
  return 0;
}

/* Send u's tar by PUT archive (a fresh one: a channel may have read the
 * first). */
static void put_archive(struct put *u)
{
  struct apply *a = u->a;
  struct err e = ERR_INIT;
  tarball_free(u->tb);
  u->tb = NULL;
  if (put_tarball(u))
    return;
  /* a container that is not running takes the files too (the engine
   * writes into its filesystem): a restart then finds them */
  if (engine_container_archive_put(a->e, u->c->pc->id, "/", read_tar, u, on_put,
                                   u, &e))
    err_set(a->err, e.code, "%.*s", (int)e.len - 1, e.text);
  else
    a->pending++;
  err_release(&e);
}

static void on_sent(void *ctx, int rc, const char *why)
{
  struct put *u = ctx;
  struct apply *a = u->a;
  if (tracing())
    fprintf(stderr,
            "wcompose: watch: tar to %s through its channel: %s (%.1f ms)\n",
            u->c->pc->name, rc ? why : "extracted",
            (double)(uv_hrtime() - u->start) / 1e6);
  u->ch = NULL;
  a->pending--;
  answered(a);
  if (rc)
    put_archive(u); /* the same files, the engine's way */
}

/* The whole tar of u into out, or nonzero when it cannot be read or is
 * too big for a channel. */
static int tar_in_memory(struct put *u, struct buf *out)
{
  if (put_tarball(u))
    return -1;
  *out = (struct buf)BUF_INIT_CAP(SYNC_CHANNEL_BATCH_MAX);
  for (;;) {
    char chunk[64 * 1024];
    ssize_t r = tarball_read(u->tb, chunk, sizeof(chunk));
    if (r < 0 || (r > 0 && buf_add(out, chunk, (size_t)r))) {
      buf_release(out);
      return -1;
    }
    if (!r)
      return 0;
  }
}

/* Through c's channel when it has a ready one: 1 when the batch is out. */
static int via_channel(struct put *u)
{
  struct apply *a = u->a;
  const struct ctr *c = u->c;
  if (!a->pd || !c->pc->state || strcmp(c->pc->state, "running"))
    return 0;
  struct sync_channel *ch =
      sync_channels_ready(&a->pd->chans, a->loop, a->e, c->pc->id, c->pc->name);
  if (!ch)
    return 0;
  struct buf tar = BUF_INIT;
  if (tar_in_memory(u, &tar))
    return 0;
  if (sync_channel_send(ch, &tar, on_sent, u)) {
    buf_release(&tar);
    return 0;
  }
  u->ch = ch;
  a->pending++;
  return 1;
}

static void state_copying(struct apply *a)
{
  /* parents before children: the tar in container-path order */
  for (size_t t = 0; t < a->b->n; t++) {
    struct split *s = &a->splits[t];
    size_t *idx = xcalloc(s->ncopies ? s->ncopies : 1, sizeof(*idx));
    for (size_t k = 0; k < s->ncopies; k++)
      idx[k] = k;
    sort_ctx = a;
    sort_todo = t;
    qsort(idx, s->ncopies, sizeof(*idx), by_name);
    size_t *sorted = xcalloc(s->ncopies ? s->ncopies : 1, sizeof(*sorted));
    for (size_t k = 0; k < s->ncopies; k++)
      sorted[k] = s->copies[idx[k]];
    free(s->copies);
    free(idx);
    s->copies = sorted;
  }
  a->puts = xcalloc(a->nctrs ? a->nctrs : 1, sizeof(*a->puts));
  for (size_t i = 0; i < a->nctrs; i++) {
    const struct ctr *c = &a->ctrs[i];
    if (c->todo == NO_TODO || !a->splits[c->todo].ncopies)
      continue;
    const struct split *s = &a->splits[c->todo];
    struct put *u = &a->puts[a->nputs++];
    u->a = a;
    u->c = c;
    u->start = uv_hrtime();
    for (size_t k = 0; k < s->ncopies; k++)
      pending_synced(a->pd, c->pc->id, change_at(a, c->todo, k)->container);
    if (!via_channel(u))
      put_archive(u);
  }
}

/* --- inspecting, chowning --- */

/* c gets files in this run and can exec. */
static int takes_files(const struct apply *a, const struct ctr *c)
{
  return c->running && c->todo != NO_TODO && a->splits[c->todo].ncopies;
}

static void on_inspected(void *ctx, struct engine_result *res)
{
  struct insp *in = ctx;
  struct apply *a = in->a;
  a->pending--;
  answered(a);
  if (res->rc) {
    fail(a, res, NULL);
    return;
  }
  memo_set_user(a->pd, in->c->pc->id,
                res->container ? res->container->config.user : "");
}

static void state_inspecting(struct apply *a)
{
  if (!a->pd)
    return;
  a->insps = xcalloc(a->nctrs ? a->nctrs : 1, sizeof(*a->insps));
  for (size_t i = 0; i < a->nctrs; i++) {
    const struct ctr *c = &a->ctrs[i];
    if (!takes_files(a, c) || memo_user(a->pd, c->pc->id))
      continue;
    struct insp *in = &a->insps[a->ninsps++];
    struct err e = ERR_INIT;
    in->a = a;
    in->c = c;
    if (engine_container_inspect(a->e, c->pc->id, on_inspected, in, &e))
      err_set(a->err, e.code, "%.*s", (int)e.len - 1, e.text);
    else
      a->pending++;
    err_release(&e);
  }
}

/* The files copied into a container that runs as a user of its own are
 * that user's, as if the image had made them (the engine writes them as
 * root). */
static void state_chowning(struct apply *a)
{
  static const struct watch_exec as_root = {.user = "0"};
  for (size_t i = 0; i < a->nctrs; i++) {
    const struct ctr *c = &a->ctrs[i];
    char buf[256];
    const char *owner = NULL;
    if (takes_files(a, c))
      owner = watch_owner(memo_user(a->pd, c->pc->id), buf, sizeof(buf));
    if (!owner)
      continue;
    const struct split *s = &a->splits[c->todo];
    struct strvec argv = STRVEC_INIT;
    size_t bytes = 0;
    for (size_t k = 0; k < s->ncopies; k++) {
      const char *path = change_at(a, c->todo, k)->container;
      if (!strcmp(path, "/"))
        continue;
      if (!argv.n) {
        strvec_push(&argv, "chown");
        strvec_push(&argv, "-h");
        strvec_push(&argv, owner);
      }
      strvec_push(&argv, path);
      bytes += strlen(path) + 1;
      if (bytes >= RM_ARGS_MAX) {
        job_start(a, c, &argv, JOB_CHOWN, &as_root);
        bytes = 0;
      }
    }
    if (argv.n)
      job_start(a, c, &argv, JOB_CHOWN, &as_root);
    strvec_clear(&argv);
  }
}

/* --- restarting --- */

static void on_restart_progress(void *data, const char *name,
                                const char *status, int done)
{
  struct apply *a = data;
  answered(a);
  if (a->h && a->h->progress)
    a->h->progress(a->data, name, status, done);
}

static void on_restart_finished(void *data)
{
  answered(data);
}

static const struct svc_hooks restart_hooks = {on_restart_progress, NULL,
                                               on_restart_finished};

static void state_restarting(struct apply *a)
{
  size_t nsel = 0;
  a->restart_sel = xcalloc(a->p->nservices ? a->p->nservices : 1, 1);
  for (size_t t = 0; t < a->b->n; t++)
    if (a->b->v[t].restart) {
      a->restart_sel[a->b->v[t].service] = 1;
      nsel++;
    }
  if (!nsel)
    return;
  a->restart_plan.v =
      xcalloc(a->nctrs ? a->nctrs : 1, sizeof(*a->restart_plan.v));
  a->restart_plan.alloc = a->nctrs;
  for (size_t i = 0; i < a->nctrs; i++) {
    const struct ctr *c = &a->ctrs[i];
    if (c->todo == NO_TODO)
      continue;
    const struct watch_todo *d = &a->b->v[c->todo];
    if (d->restart)
      a->restart_plan.v[a->restart_plan.n++] = (struct plan_action){
          PLAN_KEEP, (long)d->service, c->pc->number, c->pc};
  }
  struct svc_options so = {.goal = SVC_GOAL_RESTART, .timeout = -1};
  svc_run_init(&a->restart, a->loop, a->e, a->p, a->restart_sel,
               &a->restart_plan, &so, &restart_hooks, a);
  svc_run_start(&a->restart);
  a->restarting = 1;
}

static void restarted(struct apply *a)
{
  if (!a->restarting)
    return;
  int rc = svc_run_result(&a->restart, a->err);
  svc_run_release(&a->restart);
  a->restarting = 0;
  if (rc)
    return;
  const char **names = xcalloc(a->b->n ? a->b->n : 1, sizeof(*names));
  size_t n = 0;
  for (size_t t = 0; t < a->b->n; t++)
    if (a->b->v[t].restart)
      names[n++] = a->b->v[t].svc->name;
  char *q = watch_names_quoted(names, n);
  note(a, "service(s) %s restarted", q);
  free(q);
  free(names);
}

/* --- executing --- */

static void state_executing(struct apply *a)
{
  for (size_t i = 0; i < a->nctrs; i++) {
    const struct ctr *c = &a->ctrs[i];
    if (c->todo == NO_TODO)
      continue;
    const struct watch_todo *d = &a->b->v[c->todo];
    /* restarted just now: running, whatever the listing said */
    if (!c->running && !d->restart)
      continue;
    for (size_t k = 0; k < d->nexecs; k++) {
      const struct watch_target *wt = &a->r->v[d->execs[k]];
      struct strvec argv = STRVEC_INIT;
      for (size_t x = 0; x < wt->rule->exec_command.n; x++)
        strvec_push(&argv, wt->rule->exec_command.v[x]);
      job_start(a, c, &argv, JOB_CMD, &wt->exec);
    }
  }
}

/* --- the driver --- */

static void enter(struct apply *a)
{
  switch (a->state) {
  case WATCH_LISTING:
    state_listing(a);
    break;
  case WATCH_INSPECTING:
    state_inspecting(a);
    break;
  case WATCH_DELETING:
    state_deleting(a);
    break;
  case WATCH_COPYING:
    state_copying(a);
    break;
  case WATCH_CHOWNING:
    state_chowning(a);
    break;
  case WATCH_RESTARTING:
    state_restarting(a);
    break;
  case WATCH_EXECUTING:
    state_executing(a);
    break;
  case WATCH_APPLIED:
    break;
  }
}

/* The state's calls all answered: collect, and choose the next state. */
static void leave(struct apply *a)
{
  switch (a->state) {
  case WATCH_LISTING:
    if (!a->listed) {
      watch_apply_set_state(a, WATCH_APPLIED);
      return;
    }
    listed(a);
    watch_apply_set_state(a, WATCH_INSPECTING);
    break;
  case WATCH_INSPECTING:
    watch_apply_set_state(a, WATCH_DELETING);
    break;
  case WATCH_DELETING:
    watch_apply_set_state(a, WATCH_COPYING);
    break;
  case WATCH_COPYING:
    watch_apply_set_state(a, WATCH_CHOWNING);
    break;
  case WATCH_CHOWNING:
    watch_apply_set_state(a, WATCH_RESTARTING);
    break;
  case WATCH_RESTARTING:
    restarted(a);
    watch_apply_set_state(a, WATCH_EXECUTING);
    break;
  case WATCH_EXECUTING:
  case WATCH_APPLIED:
    watch_apply_set_state(a, WATCH_APPLIED);
    break;
  }
}

static int busy(const struct apply *a)
{
  return a->pending > 0 || (a->restarting && !svc_run_finished(&a->restart));
}

/* Enter states until one waits for answers, or the run is over. */
static void drive(struct apply *a)
{
  while (!a->told && !busy(a)) {
    if (a->state != WATCH_APPLIED && a->entered) {
      leave(a);
      a->entered = 0;
    }
    if (a->state == WATCH_APPLIED) {
      a->told = 1;
      a->done(a->arg, a->err->code);
      return;
    }
    enter(a);
    a->entered = 1;
  }
}

static void on_kick(uv_timer_t *t)
{
  drive(t->data);
}

int watch_apply_start(uv_loop_t *loop, struct engine *e,
                      const struct project *p, const struct watch_rules *r,
                      const struct watch_batch *b, struct watch_memo *pd,
                      const struct watch_hooks *h, void *data, struct err *err,
                      watch_apply_done_cb done, void *arg,
                      struct watch_apply **out)
{
  struct apply *a = xcalloc(1, sizeof(*a));
  *a = (struct apply){.loop = loop,
                      .e = e,
                      .p = p,
                      .r = r,
                      .b = b,
                      .pd = pd,
                      .h = h,
                      .data = data,
                      .state = WATCH_LISTING,
                      .restart_plan = PLAN_INIT,
                      .err = err,
                      .start = uv_hrtime(),
                      .done = done,
                      .arg = arg};
  uv_timer_init(loop, &a->kick);
  a->kick.data = a;
  *out = (struct watch_apply *)a;
  /* the first state is entered on the next turn: done never runs before
   * this returns */
  answered(a);
  return 0;
}

static void on_kick_closed(uv_handle_t *h)
{
  struct apply *a = h->data;
  for (size_t i = 0; i < a->njobs; i++)
    job_free(a->jobs[i]);
  free(a->jobs);
  for (size_t i = 0; i < a->nputs; i++)
    tarball_free(a->puts[i].tb);
  free(a->puts);
  free(a->insps);
  for (size_t t = 0; t < a->nsplits; t++) {
    free(a->splits[t].copies);
    free(a->splits[t].deletes);
  }
  free(a->splits);
  plan_release(&a->restart_plan);
  free(a->restart_sel);
  free(a->ctrs);
  free(a->have);
  engine_container_list_free(a->listed);
  free(a);
}

void watch_apply_free(struct watch_apply *wa)
{
  struct apply *a = (struct apply *)wa;
  if (!a)
    return;
  if (a->restarting)
    svc_run_release(&a->restart);
  a->restarting = 0;
  for (size_t i = 0; i < a->nputs; i++)
    if (a->puts[i].ch)
      sync_channel_forget_sender(a->puts[i].ch);
  uv_close((uv_handle_t *)&a->kick, on_kick_closed);
}
