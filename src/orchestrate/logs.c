/* logs: container output fan-in with compose's prefixes; a container is
 * done only when its stream ended and its wait returned. */
#define _GNU_SOURCE /* strptime, timegm */
#include "orchestrate/logs.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RECHECK_MS 100

static const int colors[] = {36, 33, 32, 35, 34, 96, 93, 92, 95, 94};
#define NCOLORS (sizeof(colors) / sizeof(colors[0]))

static void on_flush(uv_check_t *h)
{
  struct logs *l = h->data;
  fflush(l->out);
}

void logs_init(struct logs *l, uv_loop_t *loop, struct engine *e, FILE *out,
               unsigned flags, logs_exit_cb on_exit, void *data)
{
  memset(l, 0, sizeof(*l));
  l->loop = loop;
  l->engine = e;
  l->out = out;
  l->flags = flags;
  l->on_exit = on_exit;
  l->data = data;
  /* a flood of lines arrives as many frames per read: writing them out
   * once per loop turn keeps it one write(2) per read, not per line */
  uv_check_init(loop, &l->flush);
  l->flush.data = l;
  uv_check_start(&l->flush, on_flush);
  uv_unref((uv_handle_t *)&l->flush);
}

void logs_print(struct logs *l, struct logs_entry *en, const char *text,
                size_t n)
{
  if (!(l->flags & LOGS_NO_PREFIX)) {
    if (l->flags & LOGS_NO_COLOR)
      fprintf(l->out, "%-*s | ", (int)l->width + 1, en->label);
    else
      fprintf(l->out, "\033[%dm%-*s |\033[0m ", en->color, (int)l->width + 1,
              en->label);
  }
  fwrite(text, 1, n, l->out);
  fputc('\n', l->out);
}

/* "2024-05-01T10:00:00.1234Z" as the API's "1714557600.123400000", plus
 * add_ns nanoseconds; "" when it is not such a time. Returns the length
 * of the time text parsed. */
static size_t unix_time(const char *rfc3339, long add_ns, char *out, size_t n)
{
  struct tm tm;
  memset(&tm, 0, sizeof(tm));
  const char *rest = strptime(rfc3339, "%Y-%m-%dT%H:%M:%S", &tm);
  out[0] = '\0';
  if (!rest)
    return 0;
  long long sec = (long long)timegm(&tm);
  long ns = 0;
  size_t nd = 0;
  if (*rest == '.') {
    nd = strspn(rest + 1, "0123456789");
    for (size_t i = 0; i < 9; i++)
      ns = ns * 10 + (i < nd ? rest[1 + i] - '0' : 0);
    rest += 1 + nd;
  }
  if (*rest == 'Z')
    rest++;
  ns += add_ns;
  sec += ns / 1000000000;
  ns %= 1000000000;
  snprintf(out, n, "%lld.%09ld", sec, ns);
  return (size_t)(rest - rfc3339);
}

/* Streams always carry timestamps: the last one seen is where a follow
 * after a restart begins. They are shown only when asked for. */
static int on_line(void *ctx, const char *line, size_t n)
{
  struct logs_entry *en = ctx;
  char ts[64];
  size_t tl = n < sizeof(ts) ? n : sizeof(ts) - 1;
  memcpy(ts, line, tl);
  ts[tl] = '\0';
  char seen[40];
  size_t used = unix_time(ts, 1, seen, sizeof(seen));
  if (used && used < n && line[used] == ' ') {
    memcpy(en->last_seen, seen, sizeof(seen));
    if (!(en->logs->flags & LOGS_TIMESTAMPS)) {
      line += used + 1;
      n -= used + 1;
    }
  }
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

static void follow(struct logs_entry *en, const char *since);
static void check_done(struct logs_entry *en);

static void report(struct logs_entry *en)
{
  struct logs *l = en->logs;
  if (!(l->flags & LOGS_NO_WAIT)) {
    if (l->flags & LOGS_NO_COLOR)
      fprintf(l->out, "%s exited with code %d\n", en->label, en->code);
    else
      fprintf(l->out, "\033[%dm%s exited with code %d\033[0m\n", en->color,
              en->label, en->code);
    fflush(l->out);
  }
}

static void on_wait(void *ctx, struct engine_result *res);

static void wait_exit(struct logs_entry *en)
{
  struct err e = ERR_INIT;
  if (engine_container_wait(en->logs->engine, en->id, "not-running", on_wait,
                            en, &e)) {
    en->exited = 1;
    en->code = -1;
  } else {
    en->waiting = 1;
  }
  err_release(&e);
}

static void on_inspect(void *ctx, struct engine_result *res);

static void on_recheck(uv_timer_t *t)
{
  struct logs_entry *en = t->data;
  struct err e = ERR_INIT;
  en->waiting = 1;
  if (engine_container_inspect(en->logs->engine, en->id, on_inspect, en, &e)) {
    en->waiting = 0;
    en->done = 1;
    if (en->logs->on_exit)
      en->logs->on_exit(en->logs->data, en->name, en->service, en->code);
  }
  err_release(&e);
}

/* After an exit: a container its restart policy brings back is followed
 * again once it runs (while it is "restarting" a follow would end at
 * once); the others are done. */
static void on_inspect(void *ctx, struct engine_result *res)
{
  struct logs_entry *en = ctx;
  struct logs *l = en->logs;
  const cJSON *st = cJSON_GetObjectItemCaseSensitive(res->json, "State");
  int running = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "Running"));
  int restarting =
      cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "Restarting"));
  /* during the restart back-off the engine says Running and Restarting */
  if (restarting)
    running = 0;
  en->waiting = 0;
  if (!en->reported) {
    report(en);
    en->reported = 1;
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(st, "FinishedAt");
    if (cJSON_IsString(fin))
      unix_time(fin->valuestring, 0, en->last_exit, sizeof(en->last_exit));
  }
  /* a run that began after the last exit, even one already over */
  const cJSON *sa = cJSON_GetObjectItemCaseSensitive(st, "StartedAt");
  char started[40] = "";
  if (cJSON_IsString(sa))
    unix_time(sa->valuestring, 0, started, sizeof(started));
  int new_run = started[0] && en->last_exit[0] &&
                strtod(started, NULL) > strtod(en->last_exit, NULL);
  if (!res->rc && !l->stopping && restarting && !running && !new_run) {
    if (!en->timer_init) {
      uv_timer_init(l->loop, &en->timer);
      en->timer.data = en;
      en->timer_init = 1;
    }
    uv_timer_start(&en->timer, on_recheck, RECHECK_MS, 0);
    return;
  }
  if (!res->rc && !l->stopping && (running || (restarting && new_run))) {
    /* go on right after the last line shown: nothing lost or repeated */
    en->restarts++;
    en->exited = 0;
    en->reported = 0;
    follow(en, en->last_seen[0] ? en->last_seen : NULL);
    wait_exit(en);
    check_done(en);
    return;
  }
  en->done = 1;
  if (l->on_exit)
    l->on_exit(l->data, en->name, en->service, en->code);
}

static void check_done(struct logs_entry *en)
{
  struct logs *l = en->logs;
  if (en->done || en->streaming || en->waiting)
    return;
  if (l->flags & LOGS_NO_WAIT) {
    en->done = 1;
    if (l->on_exit)
      l->on_exit(l->data, en->name, en->service, -1);
    return;
  }
  if (!en->exited)
    return;
  struct err e = ERR_INIT;
  en->waiting = 1; /* the inspect counts as part of the wait */
  if (engine_container_inspect(l->engine, en->id, on_inspect, en, &e)) {
    en->waiting = 0;
    report(en);
    en->done = 1;
    if (l->on_exit)
      l->on_exit(l->data, en->name, en->service, en->code);
  }
  err_release(&e);
}

static void on_wait(void *ctx, struct engine_result *res)
{
  struct logs_entry *en = ctx;
  en->waiting = 0;
  en->exited = 1;
  const cJSON *code = cJSON_GetObjectItemCaseSensitive(res->json, "StatusCode");
  en->code = !res->rc && cJSON_IsNumber(code) ? code->valueint : -1;
  check_done(en);
}

static void on_stream_end(void *ctx, struct engine_result *res)
{
  struct logs_entry *en = ctx;
  stream_lines_end(&en->out, NULL);
  stream_lines_end(&en->err, NULL);
  fflush(en->logs->out);
  en->call = NULL;
  en->streaming = 0;
  check_done(en);
}

static void follow(struct logs_entry *en, const char *since)
{
  struct logs *l = en->logs;
  struct engine_logs_opts o = {.tty = en->tty,
                               .follow = 1,
                               .timestamps = 1, /* see on_line */
                               .since = since};
  struct err e = ERR_INIT;
  if (!engine_container_logs(l->engine, en->id, &o, on_output, on_stream_end,
                             en, &en->call, &e))
    en->streaming = 1;
  err_release(&e);
}

static char *label_of(const char *service, int number)
{
  return xasprintf("%s-%d", service, number);
}

void logs_reserve(struct logs *l, const char *service, int number)
{
  char *label = label_of(service, number);
  if (strlen(label) > l->width)
    l->width = strlen(label);
  free(label);
}

int logs_add(struct logs *l, const char *id, const char *name,
             const char *service, int number, int tty, const char *since,
             struct err *err)
{
  struct logs_entry *en = xcalloc(1, sizeof(*en));
  en->logs = l;
  en->id = xstrdup(id);
  en->name = xstrdup(name);
  en->service = xstrdup(service);
  en->label = label_of(service, number);
  en->tty = tty;
  en->color = colors[l->ncolors++ % NCOLORS];
  if (strlen(en->label) > l->width)
    l->width = strlen(en->label);
  stream_lines_init(&en->out, 0, 0, on_line, en);
  stream_lines_init(&en->err, 0, 0, on_line, en);
  en->next = l->head;
  l->head = en;
  if (since)
    snprintf(en->last_seen, sizeof(en->last_seen), "%s", since);
  follow(en, since);
  if (!(l->flags & LOGS_NO_WAIT))
    wait_exit(en);
  check_done(en);
  return 0;
}

void logs_stopping(struct logs *l)
{
  l->stopping = 1;
}

void logs_cancel(struct logs *l)
{
  l->stopping = 1;
  for (struct logs_entry *en = l->head; en; en = en->next)
    if (en->call)
      engine_call_cancel(en->call);
}

size_t logs_active(const struct logs *l)
{
  size_t n = 0;
  for (const struct logs_entry *en = l->head; en; en = en->next)
    n += !en->done;
  return n;
}

static void free_entry(struct logs_entry *en)
{
  stream_lines_release(&en->out);
  stream_lines_release(&en->err);
  free(en->id);
  free(en->name);
  free(en->service);
  free(en->label);
  free(en);
}

static void on_timer_closed(uv_handle_t *h)
{
  free_entry(h->data);
}

void logs_release(struct logs *l)
{
  struct logs_entry *en = l->head;
  while (en) {
    struct logs_entry *next = en->next;
    if (en->timer_init)
      uv_close((uv_handle_t *)&en->timer, on_timer_closed);
    else
      free_entry(en);
    en = next;
  }
  l->head = NULL;
  fflush(l->out);
  uv_close((uv_handle_t *)&l->flush, NULL);
}
