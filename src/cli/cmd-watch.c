/* wcompose watch: build and start the project (as up -d --build, unless
 * --no-up), then follow the develop.watch rules of the services until
 * Ctrl-C: sync changed files into the containers, restart them, run
 * commands in them, or rebuild and recreate them. The containers stay up.
 * And lc_watch_*, the watching that `up --watch` shares. */
#include "cli/lifecycle.h"
#include "orchestrate/create.h"
#include "util/xalloc.h"
#include "watch/watch.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct lc_watch {
  struct lc *lc;
  unsigned flags;
  struct watch_rules rules;
  struct watch *w;
};

static void on_note(void *data, const char *text)
{
  (void)data;
  printf("%s\n", text);
  fflush(stdout);
}

static void on_warn(void *data, const char *text)
{
  (void)data;
  cli_warn("%s", text);
}

static void on_output(void *data, const char *container, enum stream_kind kind,
                      const char *p, size_t n)
{
  (void)data;
  (void)container;
  FILE *f = kind == STREAM_STDERR ? stderr : stdout;
  fwrite(p, 1, n, f);
  fflush(f);
}

static void on_progress(void *data, const char *name, const char *status,
                        int done)
{
  struct lc_watch *cw = data;
  progress_event(&cw->lc->progress, "Container", name, status, done);
}

static const struct watch_hooks hooks = {on_note, on_warn, on_output,
                                         on_progress};

int lc_watch_start(struct lc *lc, const unsigned char *want, unsigned flags,
                   struct lc_watch **out)
{
  struct lc_watch *cw = xcalloc(1, sizeof(*cw));
  struct strvec notes = STRVEC_INIT;
  cw->lc = lc;
  cw->flags = flags;
  *out = NULL;
  int rc = watch_rules_init(&cw->rules, lc->project, want, &notes, &lc->err);
  for (size_t i = 0; i < notes.n; i++)
    on_note(cw, notes.v[i]);
  strvec_clear(&notes);
  if (rc) {
    free(cw);
    return rc;
  }
  rc = watch_new(&lc->loop, &cw->rules, &hooks, cw, &cw->w, &lc->err);
  if (rc) {
    watch_rules_release(&cw->rules);
    free(cw);
    return rc;
  }
  on_note(cw, "Watch enabled");
  *out = cw;
  return 0;
}

int lc_watch_check(struct lc *lc, const unsigned char *want)
{
  struct watch_rules r;
  struct strvec notes = STRVEC_INIT;
  int rc = watch_rules_init(&r, lc->project, want, &notes, &lc->err);
  if (!rc)
    watch_rules_release(&r);
  strvec_clear(&notes);
  return rc;
}

/* The image ID of a service's image, or NULL. */
static char *image_id(struct lc *lc, const struct service *s)
{
  char *name = create_image_name_new(lc->project, s);
  struct lc_await a = {.err = NULL};
  struct err e = ERR_INIT;
  char *id = NULL;
  int rc = engine_image_inspect(lc->engine, name, lc_await_cb, &a, &e);
  if (!rc)
    rc = lc_await(lc, &a);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(a.json, "Id");
  if (!rc && cJSON_IsString(v))
    id = xstrdup(v->valuestring);
  lc_await_release(&a);
  err_release(&e);
  free(name);
  return id;
}

/* Forget the listing a converge left (its plan is released already). */
static void forget_observed(struct lc *lc)
{
  cJSON_Delete(lc->listed);
  lc->listed = NULL;
  free(lc->have);
  lc->have = NULL;
  lc->nhave = 0;
}

static void warn_err(const char *what, struct err *e)
{
  const char *t = e->text ? e->text : err_text(e->code);
  size_t n = strlen(t);
  while (n && t[n - 1] == '\n')
    n--;
  cli_warn("%s: %.*s", what, (int)n, t);
  err_reset(e);
}

/* Recreate the containers of the services in mask with up's converge.
 * The caller's selection and listing are put back as they were (up
 * --watch's stop plan points into that listing). */
static int recreate(struct lc *lc, unsigned char *mask)
{
  unsigned char *selected = lc->selected;
  cJSON *listed = lc->listed;
  struct plan_container *have = lc->have;
  size_t nhave = lc->nhave;
  struct lc_converge co = {.plan_flags = PLAN_FORCE_RECREATE, .timeout = -1};
  struct plan plan = PLAN_INIT;
  lc->selected = mask;
  lc->listed = NULL;
  lc->have = NULL;
  lc->nhave = 0;
  int rc = lc_converge(lc, &co, &plan);
  plan_release(&plan);
  forget_observed(lc);
  lc->selected = selected;
  lc->listed = listed;
  lc->have = have;
  lc->nhave = nhave;
  progress_end(&lc->progress);
  return rc;
}

/* --prune: remove the images (by ID) a rebuild left dangling. */
static void prune(struct lc *lc, char **old)
{
  const struct project *p = lc->project;
  for (size_t i = 0; i < p->nservices; i++) {
    char *now = old[i] ? image_id(lc, &p->services[i]) : NULL;
    if (old[i] && now && strcmp(old[i], now)) {
      struct lc_await a = {.err = NULL};
      struct err e = ERR_INIT;
      if (!engine_image_remove(lc->engine, old[i], 0, lc_await_cb, &a, &e))
        lc_await(lc, &a);
      lc_await_release(&a);
      err_release(&e);
    }
    free(now);
  }
}

/* Rebuild the services the batch asks to (compose's rebuild): build their
 * images, then recreate their containers. */
static int rebuild(struct lc_watch *cw, const struct watch_batch *b)
{
  struct lc *lc = cw->lc;
  const struct project *p = lc->project;
  const char **names = xcalloc(b->n ? b->n : 1, sizeof(*names));
  char **old = xcalloc(p->nservices ? p->nservices : 1, sizeof(*old));
  unsigned char *mask = xcalloc(p->nservices ? p->nservices : 1, 1);
  size_t n = 0;
  int rc = 0;
  for (size_t t = 0; t < b->n; t++)
    if (b->v[t].rebuild) {
      names[n++] = b->v[t].svc->name;
      mask[b->v[t].service] = 1;
    }
  char *q = watch_names_quoted(names, n);
  printf("Rebuilding service(s) %s after changes were detected...\n", q);
  fflush(stdout);
  for (size_t t = 0; t < b->n && !rc; t++) {
    if (!b->v[t].rebuild)
      continue;
    if (cw->flags & LC_WATCH_PRUNE)
      old[b->v[t].service] = image_id(lc, b->v[t].svc);
    rc = lc_build_one(lc, b->v[t].svc);
  }
  progress_end(&lc->progress);
  if (rc) {
    warn_err("Build failed. Error", &lc->err);
  } else {
    printf("service(s) %s successfully built\n", q);
    fflush(stdout);
    rc = recreate(lc, mask);
    if (rc)
      warn_err("Failed to recreate services after update. Error", &lc->err);
    else
      prune(lc, old);
  }
  for (size_t i = 0; i < p->nservices; i++)
    free(old[i]);
  free(old);
  free(mask);
  free(q);
  free(names);
  return rc;
}

/* Act on one batch; 1 when containers were recreated. */
static int step_batch(struct lc_watch *cw, struct watch_batch *b)
{
  struct lc *lc = cw->lc;
  int rebuilt = 0, rest = 0;
  for (size_t t = 0; t < b->n; t++) {
    rebuilt |= b->v[t].rebuild;
    rest |= b->v[t].nsync || b->v[t].restart || b->v[t].nexecs;
  }
  int rc = rebuilt ? rebuild(cw, b) : 0;
  if (!rc && rest) {
    struct err e = ERR_INIT;
    if (watch_apply(&lc->loop, lc->engine, lc->project, &cw->rules, b, &hooks,
                    cw, &e))
      warn_err("Error handling changed files", &e);
    err_release(&e);
    progress_end(&lc->progress);
  }
  return rebuilt && !rc;
}

int lc_watch_step(struct lc_watch *cw)
{
  struct watch_batch b;
  int recreated = 0;
  /* changes that came and went quiet while a batch was handled are due
   * now: take them before the caller sleeps in the loop again */
  while (watch_take(cw->w, &b)) {
    recreated |= step_batch(cw, &b);
    watch_batch_release(&b);
  }
  return recreated;
}

void lc_watch_stop(struct lc_watch *cw)
{
  if (!cw)
    return;
  watch_free(cw->w);
  /* the watcher's handles close on this turn; the rules go after them */
  uv_run(&cw->lc->loop, UV_RUN_NOWAIT);
  watch_rules_release(&cw->rules);
  free(cw);
}

/* --- the command --- */

static int signaled, busy;

static void on_signal(uv_signal_t *h, int signum)
{
  (void)h;
  if (signaled && busy) {
    /* a second Ctrl-C while a rebuild or a sync runs: leave at once (the
     * containers stay up, as always) */
    fprintf(stderr, "wcompose: stopped\n");
    _exit(EXIT_SIGINT);
  }
  signaled = signum;
}

enum { O_NO_UP = 1, O_PRUNE, O_QUIET };

static const struct cli_option options[] = {
    {O_NO_UP, 0, "no-up", NULL, "Do not build and start the services first"},
    {O_PRUNE, 0, "prune", NULL, "Remove the images a rebuild leaves dangling"},
    {O_QUIET, 0, "quiet", NULL, "Hide build output"},
    {0}};

static int cmd_watch(struct cli_global *g, const struct cli_args *args)
{
  int no_up = cli_flag(args, O_NO_UP) > 0, quiet = cli_flag(args, O_QUIET) > 0;
  unsigned flags = cli_flag(args, O_PRUNE) ? LC_WATCH_PRUNE : 0;
  struct lc lc;
  struct lc_watch *cw = NULL;
  unsigned char *want = NULL;
  int rc = lc_load(&lc, g, args->pos.v, (int)args->pos.n, 1);
  lc.quiet_build = quiet;
  if (!rc) {
    /* the services named (all when none) are watched; up starts their
     * dependencies too */
    const struct project *p = lc.project;
    want = xcalloc(p->nservices ? p->nservices : 1, 1);
    for (size_t i = 0; i < args->pos.n; i++)
      want[project_service(p, args->pos.v[i]) - p->services] = 1;
    if (!args->pos.n)
      memset(want, 1, p->nservices);
    rc = lc_watch_check(&lc, want);
  }
  if (!rc && !no_up)
    rc = lc_check_builds(&lc);
  if (!rc)
    rc = lc_engine(&lc);
  if (!rc && !no_up) {
    struct lc_converge co = {.build = 1, .timeout = -1};
    struct plan plan = PLAN_INIT;
    rc = lc_converge(&lc, &co, &plan);
    plan_release(&plan);
    forget_observed(&lc);
    progress_end(&lc.progress);
  }
  if (!rc)
    rc = lc_watch_start(&lc, want, flags, &cw);
  if (!rc) {
    uv_signal_t sigint, sigterm;
    uv_signal_init(&lc.loop, &sigint);
    uv_signal_init(&lc.loop, &sigterm);
    uv_signal_start(&sigint, on_signal, SIGINT);
    uv_signal_start(&sigterm, on_signal, SIGTERM);
    while (!signaled) {
      uv_run(&lc.loop, UV_RUN_ONCE);
      if (signaled)
        break;
      busy = 1;
      lc_watch_step(cw);
      busy = 0;
    }
    uv_close((uv_handle_t *)&sigint, NULL);
    uv_close((uv_handle_t *)&sigterm, NULL);
    lc_watch_stop(cw);
  }
  int code = lc_exit(&lc, rc);
  if (!rc && signaled)
    code = EXIT_SIGINT;
  free(want);
  lc_close(&lc);
  return code;
}

const struct cli_command cmd_watch_entry = {
    .name = "watch",
    .summary = "Watch build context for service and rebuild/refresh containers",
    .usage = "[OPTIONS] [SERVICE...]",
    .description =
        "Watch the develop.watch paths of the services and sync, restart, "
        "exec or\nrebuild as their rules say, until Ctrl-C (the containers "
        "stay up).\n",
    .options = options,
    .run = cmd_watch};
