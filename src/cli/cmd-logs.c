/* wcompose logs: the output of the project's containers, each line with
 * its aligned "service-1 | " prefix (logs_print); -f follows until every
 * container stops or Ctrl-C. */
#include "cli/views.h"
#include "orchestrate/labels.h"
#include "orchestrate/logs.h"
#include "util/xalloc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct view {
  struct logs logs;
  struct session *lc;
  struct logs_entry **entries; /* each allocated: callbacks hold them */
  size_t n, alloc;
  size_t streams;             /* log streams not ended */
  size_t active;              /* streams, the events stream, inspects */
  struct engine_call *events; /* -f: container starts, NULL when none */
  struct engine_logs_opts eo;
  int index;
  int interrupted;
  uv_signal_t sigint;
};

static const int colors[] = {36, 33, 32, 35, 34, 96, 93, 92, 95, 94};

static int on_line(void *ctx, const char *line, size_t n)
{
  struct logs_entry *en = ctx;
  logs_print(en->logs, en, line, n);
  return 0;
}

static int on_output(void *ctx, enum stream_kind kind, const char *data,
                     size_t n)
{
  struct logs_entry *en = ctx;
  struct stream_lines *ln = kind == STREAM_STDERR ? &en->err : &en->out;
  return stream_lines_feed(ln, data, n, NULL);
}

static void settle(struct view *v)
{
  /* with every stream over, the watch for new containers ends too */
  if (!v->streams && v->events)
    engine_call_cancel(v->events);
  if (!v->active)
    uv_close((uv_handle_t *)&v->sigint, NULL);
}

static void on_end(void *ctx, struct engine_result *res)
{
  struct logs_entry *en = ctx;
  struct view *v = (struct view *)en->logs->data;
  stream_lines_end(&en->out, NULL);
  stream_lines_end(&en->err, NULL);
  fflush(en->logs->out);
  en->call = NULL;
  en->done = 1;
  if (res->rc && res->rc != ERR_CANCELED && res->err && res->err->text)
    fprintf(stderr, "wcompose: %s\n", res->err->text);
  v->streams--;
  v->active--;
  settle(v);
}

static struct logs_entry *entry_new(struct view *v, const char *id,
                                    const char *service, int number)
{
  if (v->n == v->alloc) {
    v->alloc = v->alloc ? 2 * v->alloc : 8;
    v->entries = xrealloc(v->entries, v->alloc * sizeof(*v->entries));
  }
  struct logs_entry *en = xcalloc(1, sizeof(*en));
  v->entries[v->n++] = en;
  en->logs = &v->logs;
  en->label = xasprintf("%s-%d", service, number);
  en->color = colors[(v->n - 1) % (sizeof(colors) / sizeof(*colors))];
  if (strlen(en->label) > v->logs.width)
    v->logs.width = strlen(en->label);
  stream_lines_init(&en->out, 0, 0, on_line, en);
  stream_lines_init(&en->err, 0, 0, on_line, en);
  en->id = xstrdup(id);
  return en;
}

/* Start (or, after a restart, resume) the stream of en. */
static void follow(struct view *v, struct logs_entry *en,
                   const struct engine_logs_opts *o)
{
  struct engine_logs_opts eo = *o;
  eo.tty = en->tty;
  en->done = 0;
  if (!engine_container_logs(v->lc->engine, en->id, &eo, on_output, on_end, en,
                             &en->call, &v->lc->err)) {
    v->streams++;
    v->active++;
  } else {
    cli_print_err(&v->lc->err);
    err_release(&v->lc->err);
  }
}

struct pending { /* a started container being inspected for its TTY */
  struct view *v;
  struct logs_entry *en;
  char since[48];
};

static void on_inspected(void *ctx, struct engine_result *res)
{
  struct pending *pd = ctx;
  struct view *v = pd->v;
  v->active--;
  if (!res->rc) {
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(res->json, "Config");
    pd->en->tty = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "Tty"));
  }
  /* a container that started while following: all of its output (or,
   * after a restart, what came since) */
  struct engine_logs_opts eo = v->eo;
  eo.tail = NULL;
  eo.since = pd->since[0] ? pd->since : NULL;
  if (!v->interrupted && v->events)
    follow(v, pd->en, &eo);
  free(pd);
  settle(v);
}

static int on_event(void *ctx, const cJSON *obj)
{
  struct view *v = ctx;
  struct stream_event ev;
  struct err perr = ERR_INIT;
  if (stream_event_parse(obj, &ev, &perr)) {
    err_release(&perr);
    return 0;
  }
  const struct stream_event *e = &ev;
  if (!e->action || strcmp(e->action, "start") || !e->id || v->interrupted)
    return 0;
  const char *service = stream_event_attr(e, LABELS_SERVICE);
  const char *oneoff = stream_event_attr(e, LABELS_ONEOFF);
  const char *num = stream_event_attr(e, LABELS_NUMBER);
  int number = num ? atoi(num) : 0;
  if (!service || (oneoff && !strcmp(oneoff, "True")) ||
      (v->index && number != v->index))
    return 0;
  const struct project *p = v->lc->project;
  int selected = 0;
  for (size_t k = 0; k < p->nservices; k++)
    selected |= v->lc->selected[k] && !strcmp(p->services[k].name, service);
  if (!selected)
    return 0;
  struct logs_entry *en = NULL;
  for (size_t i = 0; i < v->n && !en; i++)
    if (!strcmp(v->entries[i]->id, e->id))
      en = v->entries[i];
  if (en && en->call)
    return 0; /* followed already */
  struct pending *pd = xcalloc(1, sizeof(*pd));
  pd->v = v;
  pd->en = en ? en : entry_new(v, e->id, service, number);
  if (en) /* restarted: from the start on */
    snprintf(pd->since, sizeof(pd->since), "%lld.%09lld",
             e->time_nano / 1000000000, e->time_nano % 1000000000);
  struct err err = ERR_INIT;
  if (engine_container_inspect(v->lc->engine, e->id, on_inspected, pd, &err)) {
    free(pd);
    err_release(&err);
    return 0;
  }
  v->active++;
  return 0;
}

static void on_events_end(void *ctx, struct engine_result *res)
{
  struct view *v = ctx;
  v->events = NULL;
  if (res->rc && res->rc != ERR_CANCELED && res->err && res->err->text)
    fprintf(stderr, "wcompose: following new containers: %s\n", res->err->text);
  v->active--;
  settle(v);
}

static void on_sigint(uv_signal_t *h, int signum)
{
  struct view *v = h->data;
  (void)signum;
  v->interrupted = 1;
  for (size_t i = 0; i < v->n; i++)
    if (v->entries[i]->call)
      engine_call_cancel(v->entries[i]->call);
  if (v->events)
    engine_call_cancel(v->events);
}

enum {
  O_FOLLOW = 1,
  O_TAIL,
  O_TIMESTAMPS,
  O_SINCE,
  O_UNTIL,
  O_NO_COLOR,
  O_NO_PREFIX,
  O_INDEX
};

static const struct cli_option options[] = {
    {O_FOLLOW, 'f', "follow", NULL, "Follow log output"},
    {O_TAIL, 'n', "tail", "N", "Lines from the end of each log (default all)",
     CLI_OPT_LINES},
    {O_TIMESTAMPS, 't', "timestamps", NULL, "Show timestamps"},
    {O_SINCE, 0, "since", "TIME",
     "Logs since a timestamp or relative time (42m)"},
    {O_UNTIL, 0, "until", "TIME", "Logs before a timestamp or relative time"},
    {O_NO_COLOR, 0, "no-color", NULL, "Produce monochrome output"},
    {O_NO_PREFIX, 0, "no-log-prefix", NULL, "Don't print the prefix in logs"},
    {O_INDEX, 0, "index", "N",
     "Index of the container if the service has several replicas",
     CLI_OPT_REPLICA},
    {0}};

static int cmd_logs(struct cli_global *g, const struct cli_args *args)
{
  struct engine_logs_opts eo = {0};
  unsigned flags = 0;
  int index = cli_int(args, O_INDEX, 0);
  eo.follow = cli_flag(args, O_FOLLOW) > 0;
  eo.tail = cli_value(args, O_TAIL);
  eo.timestamps = cli_flag(args, O_TIMESTAMPS) > 0;
  eo.since = cli_value(args, O_SINCE);
  eo.until = cli_value(args, O_UNTIL);
  if (cli_flag(args, O_NO_COLOR))
    flags |= LOGS_NO_COLOR;
  if (cli_flag(args, O_NO_PREFIX))
    flags |= LOGS_NO_PREFIX;
  if (!isatty(fileno(stdout)))
    flags |= LOGS_NO_COLOR;
  if (g->ansi && !strcmp(g->ansi, "never"))
    flags |= LOGS_NO_COLOR;
  else if (g->ansi && !strcmp(g->ansi, "always") && !(flags & LOGS_NO_PREFIX))
    flags &= ~(unsigned)LOGS_NO_COLOR;
  struct cli_session cs;
  struct session *lc = &cs.s;
  struct view v;
  memset(&v, 0, sizeof(v));
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  /* starts from here on are followed, listed or not (no gap between) */
  char listed_at[32];
  snprintf(listed_at, sizeof(listed_at), "%lld", (long long)time(NULL) - 1);
  if (!rc)
    rc = session_observe(lc);
  if (!rc) {
    struct views_list l;
    views_collect(&cs, 1, &l);
    v.lc = lc;
    v.eo = eo;
    v.index = index;
    logs_init(&v.logs, &lc->loop, lc->engine, stdout, flags, NULL, &v);
    for (size_t i = 0; i < l.n; i++) {
      if (index && l.v[i].c.number != index)
        continue;
      struct logs_entry *en =
          entry_new(&v, l.v[i].c.id, l.v[i].c.service, l.v[i].c.number);
      /* the list does not say whether a container has a TTY */
      struct session_call a = {.err = &lc->err};
      if (!engine_container_inspect(lc->engine, en->id, session_call_cb, &a,
                                    &lc->err) &&
          !session_call_wait(lc, &a)) {
        const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(a.json, "Config");
        en->tty = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "Tty"));
      }
      session_call_release(&a);
      err_release(&lc->err);
    }
    free(l.v);
    uv_signal_init(&lc->loop, &v.sigint);
    v.sigint.data = &v;
    uv_signal_start(&v.sigint, on_sigint, SIGINT);
    size_t n0 = v.n;
    for (size_t i = 0; i < n0; i++)
      follow(&v, v.entries[i], &eo);
    if (eo.follow && v.streams) {
      /* as compose: containers that start while following are followed
       * too (a scale-up, a recreate, a restart) */
      cJSON *filters = NULL;
      char *f = xasprintf("%s=%s", LABELS_PROJECT, lc->project->name);
      engine_filter_add(&filters, "label", f);
      free(f);
      engine_filter_add(&filters, "type", "container");
      engine_filter_add(&filters, "event", "start");
      struct err e = ERR_INIT;
      if (!engine_events(lc->engine, filters, listed_at, NULL, on_event,
                         on_events_end, &v, &v.events, &e))
        v.active++;
      err_release(&e);
      cJSON_Delete(filters);
    }
    if (!v.active)
      uv_close((uv_handle_t *)&v.sigint, NULL);
    uv_run(&lc->loop, UV_RUN_DEFAULT);
    for (size_t i = 0; i < v.n; i++) {
      stream_lines_release(&v.entries[i]->out);
      stream_lines_release(&v.entries[i]->err);
      free(v.entries[i]->id);
      free(v.entries[i]->label);
      free(v.entries[i]);
    }
    free(v.entries);
    logs_release(&v.logs);
  }
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return v.interrupted && code == EXIT_OK ? EXIT_OK : code;
}

const struct cli_command cmd_logs_entry = {.name = "logs",
                                           .summary =
                                               "View output from containers",
                                           .usage = "[OPTIONS] [SERVICE...]",
                                           .options = options,
                                           .run = cmd_logs};
