/* logs: the one log follower (attached up, logs [-f], up --watch): one
 * state machine per container, with compose's prefixes; a container is
 * done only when its stream ended and (in wait mode) its wait returned. */
#define _GNU_SOURCE /* strptime, timegm */
#include "orchestrate/logs.h"
#include "orchestrate/labels.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RECHECK_MS 100

static const int colors[] = {36, 33, 32, 35, 34, 96, 93, 92, 95, 94};
#define NCOLORS (sizeof(colors) / sizeof(colors[0]))

/* The events stream of logs_follow_new: apart from struct logs, so that
 * its completion, which may come after logs_release, finds it. */
struct logs_events {
  struct logs *logs; /* NULL once released */
  struct engine_call *call;
};

/* --- times: the engine's RFC 3339 text and the API's "sec.nsec" --- */

/* Nanoseconds since the epoch of "2024-05-01T10:00:00.1234Z" (used: the
 * length of the time text), or -1 when it is no such time (or before
 * 1970, as the "0001-01-01T00:00:00Z" of a container never run). */
static long long rfc3339_ns(const char *s, size_t *used)
{
  struct tm tm;
  memset(&tm, 0, sizeof(tm));
  const char *rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest)
    return -1;
  long long sec = (long long)timegm(&tm);
  long long ns = 0;
  if (*rest == '.') {
    size_t nd = strspn(rest + 1, "0123456789");
    for (size_t i = 0; i < 9; i++)
      ns = ns * 10 + (i < nd ? rest[1 + i] - '0' : 0);
    rest += 1 + nd;
  }
  if (*rest == 'Z')
    rest++;
  if (used)
    *used = (size_t)(rest - s);
  return sec < 0 ? -1 : sec * 1000000000 + ns;
}

static void ns_text(long long ns, char *out, size_t n)
{
  snprintf(out, n, "%lld.%09lld", ns / 1000000000, ns % 1000000000);
}

static long long now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* --- engine replies (typed: engine/types.h) --- */

struct inspected {
  int tty, running, restarting;
  long long started_ns, finished_ns; /* -1: unknown */
};

static void read_inspect(const struct engine_container_info *j,
                         struct inspected *in)
{
  if (!j) {
    *in = (struct inspected){0, 0, 0, -1, -1};
    return;
  }
  const struct engine_container_state *st = &j->state;
  in->tty = j->config.tty;
  in->running = st->running;
  in->restarting = st->restarting;
  in->started_ns = *st->started_at ? rfc3339_ns(st->started_at, NULL) : -1;
  in->finished_ns = *st->finished_at ? rfc3339_ns(st->finished_at, NULL) : -1;
}

static int read_wait(const struct engine_wait *w)
{
  return w ? w->status_code : -1;
}

/* A container start of /events; the strings point into the event. */
struct started {
  const char *id, *name, *service;
  int number, oneoff;
  long long ns;
};

static int read_start(const struct engine_event *ev, struct started *s)
{
  if (strcmp(ev->action, "start") || !*ev->id)
    return -1;
  const char *num = engine_kv_get(ev->attrs, ev->nattrs, LABELS_NUMBER);
  const char *oneoff = engine_kv_get(ev->attrs, ev->nattrs, LABELS_ONEOFF);
  s->id = ev->id;
  s->name = engine_kv_get(ev->attrs, ev->nattrs, "name");
  s->service = engine_kv_get(ev->attrs, ev->nattrs, LABELS_SERVICE);
  s->number = num ? atoi(num) : 0;
  s->oneoff = oneoff && !strcmp(oneoff, "True");
  s->ns = ev->time_nano ? ev->time_nano : ev->time * 1000000000;
  return s->service && s->name ? 0 : -1;
}

static int on_event(void *ctx, const struct engine_event *obj);
static void on_events_end(void *ctx, struct engine_result *res);

static int events_start(struct logs_events *ev, const char *project,
                        const char *since, struct err *err)
{
  struct engine_filters filters = ENGINE_FILTERS_INIT;
  char *f = xasprintf("%s=%s", LABELS_PROJECT, project);
  engine_filters_add(&filters, "label", f);
  free(f);
  engine_filters_add(&filters, "type", "container");
  engine_filters_add(&filters, "event", "start");
  int rc = engine_events_typed(ev->logs->engine, &filters, since, NULL,
                               on_event, on_events_end, ev, &ev->call, err);
  engine_filters_release(&filters);
  return rc;
}

/* --- output: one path for lines, exit lines and errors --- */

static void on_flush(uv_check_t *h)
{
  struct logs *l = h->data;
  fflush(l->out);
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

/* oom: the kernel's OOM killer ended it (State.OOMKilled) */
static void print_exit(struct logs_entry *en, int oom)
{
  struct logs *l = en->logs;
  const char *why = oom ? " (out of memory)" : "";
  if (l->flags & LOGS_NO_COLOR)
    fprintf(l->out, "%s exited with code %d%s\n", en->label, en->code, why);
  else
    fprintf(l->out, "\033[%dm%s exited with code %d%s\033[0m\n", en->color,
            en->label, en->code, why);
  fflush(l->out);
}

static void print_error(struct logs *l, const char *name, const struct err *e)
{
  fflush(l->out);
  if (l->on_error)
    l->on_error(l->data, name, e);
  else
    fprintf(stderr, "wcompose: %s", e->text); /* one line, its '\n' too */
}

/* "<what>: <why>" as one line (the engine's texts end in a newline). */
static void print_failure(struct logs *l, const char *name, const char *what,
                          int rc, const struct err *why)
{
  const char *t = why && why->text ? why->text : err_text(rc);
  size_t n = strlen(t);
  while (n && t[n - 1] == '\n')
    n--;
  struct err e = ERR_INIT;
  err_set(&e, rc, "%s: %.*s", what, (int)n, t);
  print_error(l, name, &e);
  err_release(&e);
}

/* A call of en failed: say which container and what was being done. */
static void entry_error(struct logs_entry *en, int rc, const struct err *why)
{
  char *what = xasprintf("no more output from '%s'", en->name);
  print_failure(en->logs, en->name, what, rc, why);
  free(what);
}

/* Streams that may be followed again carry timestamps: the last one seen
 * is where a follow after a restart begins. They are shown only when asked
 * for. */
static int on_line(void *ctx, const char *line, size_t n)
{
  struct logs_entry *en = ctx;
  char ts[64];
  size_t tl = n < sizeof(ts) ? n : sizeof(ts) - 1, used = 0;
  memcpy(ts, line, tl);
  ts[tl] = '\0';
  long long ns = en->stamped ? rfc3339_ns(ts, &used) : -1;
  if (ns >= 0 && used < n && line[used] == ' ') {
    ns_text(ns + 1, en->last_seen, sizeof(en->last_seen));
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
  if (!en->logs)
    return 0; /* released: the stream is being canceled */
  struct stream_lines *ln = kind == STREAM_STDERR ? &en->err : &en->out;
  return stream_lines_feed(ln, data, n, NULL);
}

/* --- the state machine of one container --- */

static const char *const state_names[] = {
    "new",      "inspecting", "following", "draining", "exiting",
    "checking", "restarting", "lost",      "done"};

const char *logs_state_name(enum logs_state st)
{
  return st <= LOGS_DONE ? state_names[st] : "?";
}

static void set_state(struct logs_entry *en, enum logs_state to)
{
  static int trace = -1;
  if (trace < 0) {
    const char *t = getenv("WCOMPOSE_TRACE");
    trace = t && *t;
  }
  if (trace)
    fprintf(stderr, "wcompose: logs %s: %s -> %s\n", en->name,
            logs_state_name(en->state), logs_state_name(to));
  en->state = to;
}

static void state_inspecting(struct logs_entry *en);
static void state_following(struct logs_entry *en);
static void state_checking(struct logs_entry *en);
static void state_restarting(struct logs_entry *en);
static void state_done(struct logs_entry *en);

/* Every change of state: set it, then do what the state does. */
static void enter(struct logs_entry *en, enum logs_state to)
{
  set_state(en, to);
  switch (to) {
  case LOGS_NEW:
    break;
  case LOGS_INSPECTING:
    state_inspecting(en);
    break;
  case LOGS_FOLLOWING:
    state_following(en);
    break;
  case LOGS_DRAINING: /* the stream is in flight: it ends the state */
  case LOGS_EXITING:  /* the wait is in flight: it ends the state */
    break;
  case LOGS_CHECKING:
    state_checking(en);
    break;
  case LOGS_RESTARTING:
    state_restarting(en);
    break;
  case LOGS_LOST:
    break; /* logs_resume or logs_drop_lost ends it */
  case LOGS_DONE:
    state_done(en);
    break;
  }
}

/* A failure that says the engine is gone rather than anything about the
 * call: a connection refused or broken off. Told once per failure to
 * on_lost; 1 when it was (the caller waits for the engine). */
static int told_lost(struct logs *l, const struct engine_result *res)
{
  if (!l->on_lost || l->canceled ||
      (res->rc != ERR_CONNECT && res->rc != ERR_IO))
    return 0;
  struct err e = ERR_INIT;
  err_set(&e, res->rc, "%s",
          res->err && res->err->text ? res->err->text : err_text(res->rc));
  l->on_lost(l->data, &e);
  err_release(&e);
  return 1;
}

static int engine_lost(struct logs_entry *en, const struct engine_result *res)
{
  if (!told_lost(en->logs, res))
    return 0;
  en->lost = 1;
  return 1;
}

/* Where a container whose stream and wait are (or are not) in flight
 * stands. */
static enum logs_state run_state(const struct logs_entry *en)
{
  int waits = !(en->logs->flags & LOGS_NO_WAIT);
  if (en->streaming)
    return waits && !en->waiting ? LOGS_DRAINING : LOGS_FOLLOWING;
  if (en->waiting)
    return LOGS_EXITING;
  if (en->lost && !(waits && en->exited))
    return LOGS_LOST;
  if (waits)
    return LOGS_CHECKING;
  /* logs -f: did it stop? */
  const struct logs *l = en->logs;
  return (l->flags & LOGS_EXIT_LINES) && !(l->flags & LOGS_NO_FOLLOW) &&
                 en->was_running && !en->reported && !l->canceled
             ? LOGS_CHECKING
             : LOGS_DONE;
}

/* The stream or the wait answered: move on when the run's state
 * changed. */
static void settle(struct logs_entry *en)
{
  enum logs_state to = run_state(en);
  if (to != en->state)
    enter(en, to);
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

/* One of en's calls completed: 1 when en was released meanwhile (it is
 * freed with its last call), 0 when the state machine goes on. */
static int call_end(struct logs_entry *en)
{
  en->calls--;
  if (en->logs)
    return 0;
  if (!en->calls && !en->timer_init)
    free_entry(en);
  return 1;
}

static void on_inspected(void *ctx, struct engine_result *res)
{
  struct logs_entry *en = ctx;
  if (call_end(en))
    return;
  if (res->rc && engine_lost(en, res)) {
    enter(en, LOGS_LOST);
    return;
  }
  struct inspected in = {0, 0, 0, -1, -1};
  if (!res->rc)
    read_inspect(res->container, &in);
  if (en->tty < 0)
    en->tty = in.tty;
  en->run_started_ns = in.started_ns;
  en->was_running = in.running && !in.restarting;
  /* gone before it could be followed: nothing to show */
  enter(en, res->rc == ERR_NOTFOUND ? LOGS_DONE : LOGS_FOLLOWING);
}

static void state_inspecting(struct logs_entry *en)
{
  struct err e = ERR_INIT;
  if (!engine_container_inspect(en->logs->engine, en->id, on_inspected, en,
                                &e)) {
    en->calls++;
  } else {
    en->tty = 0; /* follow anyway: the stream says what is wrong */
    enter(en, LOGS_FOLLOWING);
  }
  err_release(&e);
}

static void on_stream_end(void *ctx, struct engine_result *res)
{
  struct logs_entry *en = ctx;
  en->call = NULL;
  en->streaming = 0;
  if (call_end(en))
    return;
  stream_lines_end(&en->out, NULL);
  stream_lines_end(&en->err, NULL);
  if (res->rc && res->rc != ERR_CANCELED && !engine_lost(en, res))
    entry_error(en, res->rc, res->err);
  settle(en);
}

static void on_wait(void *ctx, struct engine_result *res)
{
  struct logs_entry *en = ctx;
  en->waiting = 0;
  if (call_end(en))
    return;
  if (res->rc && engine_lost(en, res)) {
    /* no exit known: the engine went, the container may run on */
    if (en->call)
      engine_call_cancel(en->call);
    settle(en);
    return;
  }
  en->exited = 1;
  en->code = res->rc ? -1 : read_wait(res->wait);
  settle(en);
}

/* A run begins: its stream from where the last one stopped (or the
 * query, the first time) and, in wait mode, its wait. */
static void state_following(struct logs_entry *en)
{
  struct logs *l = en->logs;
  if (l->canceled) {
    enter(en, LOGS_DONE);
    return;
  }
  en->exited = 0;
  en->reported = 0;
  en->lost = 0;
  en->code = -1;
  /* timestamps whenever it may be followed again (see on_line); `logs`
   * without -f or -t reads the cheaper stream the engine makes without */
  en->stamped =
      !(l->flags & LOGS_NO_FOLLOW) || (l->flags & LOGS_TIMESTAMPS) != 0;
  struct engine_logs_opts o = {.tty = en->tty,
                               .follow = !(l->flags & LOGS_NO_FOLLOW),
                               .timestamps = en->stamped,
                               .until = l->until};
  o.since = en->since[0] ? en->since : NULL;
  if (en->first) {
    o.tail = l->tail;
    if (!o.since)
      o.since = l->since;
  }
  en->first = 0;
  struct err e = ERR_INIT;
  if (!engine_container_logs(l->engine, en->id, &o, on_output, on_stream_end,
                             en, &en->call, &e)) {
    en->streaming = 1;
    en->calls++;
  } else {
    entry_error(en, e.code, &e);
    err_release(&e);
  }
  if (!(l->flags & LOGS_NO_WAIT)) {
    if (!engine_container_wait(l->engine, en->id, "not-running", on_wait, en,
                               &e)) {
      en->waiting = 1;
      en->calls++;
    } else {
      en->exited = 1;
    }
    err_release(&e);
  }
  settle(en);
}

/* Follow en again: a new run began (restart policy, start event) at
 * from_ns; started_ns is its StartedAt when known (else, in wait mode, an
 * inspect learns it first). */
static void follow_again(struct logs_entry *en, long long from_ns,
                         long long started_ns)
{
  en->restarts++;
  en->was_running = 1; /* a new run began */
  /* go on right after the last line shown: nothing lost or repeated */
  if (en->last_seen[0])
    snprintf(en->since, sizeof(en->since), "%s", en->last_seen);
  else if (from_ns > 0)
    ns_text(from_ns, en->since, sizeof(en->since));
  en->run_started_ns = started_ns;
  if (started_ns <= 0 && !(en->logs->flags & LOGS_NO_WAIT))
    enter(en, LOGS_INSPECTING);
  else
    enter(en, LOGS_FOLLOWING);
}

/* After an exit: a container its restart policy brings back is followed
 * again once it runs (while it is "restarting" a follow would end at
 * once); so is one whose next run began (and maybe ended) meanwhile; the
 * others are done. */
static void on_checked(void *ctx, struct engine_result *res)
{
  struct logs_entry *en = ctx;
  if (call_end(en))
    return;
  struct logs *l = en->logs;
  int waits = !(l->flags & LOGS_NO_WAIT);
  if (res->rc && engine_lost(en, res)) {
    /* whether its restart policy brings it back is asked on return */
    if (!en->reported && waits)
      print_exit(en, 0);
    en->reported = 1;
    enter(en, LOGS_LOST);
    return;
  }
  struct inspected in = {0, 0, 0, -1, -1};
  if (!res->rc)
    read_inspect(res->container, &in);
  /* during the restart back-off the engine says Running and Restarting */
  if (in.restarting)
    in.running = 0;
  if (!waits) {
    /* logs -f: the stream ended; a restart comes as a start event */
    if (!res->rc && res->container && !in.running && !en->reported) {
      en->code = res->container->state.exit_code;
      print_exit(en, res->container->state.oom_killed);
    }
    en->reported = 1;
    enter(en, LOGS_DONE);
    return;
  }
  int first_look = !en->reported;
  if (first_look && in.finished_ns > 0)
    en->last_exit_ns = in.finished_ns;
  /* a run that began after the one followed, even one over already (its
   * output comes with the next stream) */
  int new_run;
  if (en->run_started_ns > 0)
    new_run = in.started_ns > en->run_started_ns;
  else /* the exit seen first, though it may be a later run's by now */
    new_run = in.started_ns > 0 && en->last_exit_ns > 0 &&
              in.started_ns > en->last_exit_ns;
  if (first_look) {
    /* the exit line waits for this look: OOMKilled is the last run's,
     * so it is told only while no later run began */
    en->reported = 1;
    print_exit(en, !res->rc && res->container &&
                       res->container->state.oom_killed && !new_run);
  }
  if (res->rc || l->stopping)
    enter(en, LOGS_DONE);
  else if (new_run || (in.running && en->run_started_ns <= 0))
    follow_again(en, in.started_ns, in.started_ns);
  else if (in.restarting)
    enter(en, LOGS_RESTARTING);
  else
    enter(en, LOGS_DONE);
}

static void state_checking(struct logs_entry *en)
{
  struct logs *l = en->logs;
  struct err e = ERR_INIT;
  /* the exit line is printed with the inspect's answer (on_checked),
   * which tells an OOM kill */
  if (l->stopping ||
      engine_container_inspect(l->engine, en->id, on_checked, en, &e)) {
    if (!en->reported && !(l->flags & LOGS_NO_WAIT))
      print_exit(en, 0);
    en->reported = 1;
    enter(en, LOGS_DONE);
  } else {
    en->calls++;
  }
  err_release(&e);
}

static void on_recheck(uv_timer_t *t)
{
  struct logs_entry *en = t->data;
  enter(en, LOGS_CHECKING);
}

static void state_restarting(struct logs_entry *en)
{
  if (!en->timer_init) {
    uv_timer_init(en->logs->loop, &en->timer);
    en->timer.data = en;
    en->timer_init = 1;
  }
  uv_timer_start(&en->timer, on_recheck, RECHECK_MS, 0);
}

static void state_done(struct logs_entry *en)
{
  struct logs *l = en->logs;
  if (en->timer_init)
    uv_timer_stop(&en->timer);
  /* end the loop's turn, so that a command running it while
   * logs_active() sees the change even when a timer made it */
  uv_stop(l->loop);
  if (l->on_exit)
    l->on_exit(l->data, en->name, en->service,
               l->flags & LOGS_NO_WAIT ? -1 : en->code);
}

/* A start event of en's container: follow the new run unless one is
 * followed already, or the event is older than what was shown (the
 * events stream begins a little before the listing). */
static void entry_started(struct logs_entry *en, long long ns)
{
  if (en->logs->stopping || ns <= en->known_ns || ns <= en->last_exit_ns)
    return;
  if (en->state == LOGS_RESTARTING) {
    uv_timer_stop(&en->timer);
    follow_again(en, ns, -1);
  } else if (en->state == LOGS_DONE) {
    follow_again(en, ns, -1);
  }
}

/* --- entries --- */

static char *label_of(const char *service, int number)
{
  return xasprintf("%s-%d", service, number);
}

static struct logs_entry *entry_find(struct logs *l, const char *id)
{
  for (struct logs_entry *en = l->head; en; en = en->next)
    if (!strcmp(en->id, id))
      return en;
  return NULL;
}

static struct logs_entry *entry_new(struct logs *l, const char *id,
                                    const char *name, const char *service,
                                    int number, int tty)
{
  struct logs_entry *en = xcalloc(1, sizeof(*en));
  en->logs = l;
  en->id = xstrdup(id);
  en->name = xstrdup(name && *name ? name : id);
  en->service = xstrdup(service);
  en->label = label_of(service, number);
  en->tty = tty;
  en->code = -1;
  en->first = 1;
  en->known_ns = -1;
  en->last_exit_ns = -1;
  en->run_started_ns = -1;
  en->color = colors[l->ncolors++ % NCOLORS];
  if (strlen(en->label) > l->width)
    l->width = strlen(en->label);
  stream_lines_init(&en->out, 0, 0, on_line, en);
  stream_lines_init(&en->err, 0, 0, on_line, en);
  en->state = LOGS_NEW;
  en->next = l->head;
  l->head = en;
  return en;
}

int logs_add(struct logs *l, const char *id, const char *name,
             const char *service, int number, int tty, const char *since,
             struct err *err)
{
  (void)err;
  struct logs_entry *en = entry_find(l, id);
  if (en && en->state != LOGS_DONE)
    return 0;
  if (!en)
    en = entry_new(l, id, name, service, number, tty);
  /* starts up to now are covered by this stream */
  en->known_ns = now_ns();
  if (since)
    snprintf(en->since, sizeof(en->since), "%s", since);
  if (en->state == LOGS_NEW)
    enter(en, en->tty < 0 || !(l->flags & LOGS_NO_WAIT) ? LOGS_INSPECTING
                                                        : LOGS_FOLLOWING);
  else
    follow_again(en, 0, -1);
  return 0;
}

void logs_resume(struct logs *l)
{
  for (struct logs_entry *en = l->head; en; en = en->next) {
    if (en->state != LOGS_LOST)
      continue;
    en->lost = 0;
    if (en->exited && en->reported)
      enter(en, LOGS_CHECKING);
    else
      follow_again(en, 0, -1);
  }
  if (l->events_lost && !l->stopping && !l->canceled) {
    /* starts from just before the loss on (one seen twice is left alone) */
    struct err e = ERR_INIT;
    l->events_lost = 0;
    if (logs_follow_new(l, l->project, l->events_since, l->want, &e))
      print_failure(l, NULL, "following new containers", e.code, &e);
    err_release(&e);
  }
}

void logs_drop_lost(struct logs *l)
{
  for (struct logs_entry *en = l->head; en; en = en->next)
    if (en->state == LOGS_LOST) {
      en->code = -1;
      en->reported = 1;
      enter(en, LOGS_DONE);
    }
}

void logs_reserve(struct logs *l, const char *service, int number)
{
  char *label = label_of(service, number);
  if (strlen(label) > l->width)
    l->width = strlen(label);
  free(label);
}

/* --- following new containers --- */

static int on_event(void *ctx, const struct engine_event *obj)
{
  struct logs_events *ev = ctx;
  struct logs *l = ev->logs;
  struct started s;
  if (!l || l->stopping || read_start(obj, &s) || s.oneoff)
    return 0;
  struct logs_entry *en = entry_find(l, s.id);
  if (en) {
    entry_started(en, s.ns);
    return 0;
  }
  if (l->want && !l->want(l->data, s.service, s.number))
    return 0;
  en = entry_new(l, s.id, s.name, s.service, s.number, -1);
  en->known_ns = s.ns;
  /* a new container: its whole output */
  enter(en, LOGS_INSPECTING);
  return 0;
}

static void on_events_end(void *ctx, struct engine_result *res)
{
  struct logs_events *ev = ctx;
  struct logs *l = ev->logs;
  if (l) {
    l->events = NULL;
    if (!l->stopping && told_lost(l, res)) {
      /* the engine went: logs_resume opens it again from here */
      snprintf(l->events_since, sizeof(l->events_since), "%lld",
               (long long)time(NULL) - 1);
      l->events_lost = 1;
    } else if (res->rc && res->rc != ERR_CANCELED) {
      print_failure(l, NULL, "following new containers", res->rc, res->err);
    }
  }
  free(ev);
}

int logs_follow_new(struct logs *l, const char *project, const char *since,
                    logs_want_cb want, struct err *err)
{
  if (l->events || l->stopping)
    return 0;
  char now[32];
  if (!since) {
    snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
    since = now;
  }
  l->want = want;
  if (project != l->project) { /* logs_resume passes l->project itself */
    free(l->project);
    l->project = xstrdup(project);
  }
  struct logs_events *ev = xcalloc(1, sizeof(*ev));
  ev->logs = l;
  int rc = events_start(ev, project, since, err);
  if (rc)
    free(ev);
  else
    l->events = ev;
  return rc;
}

/* --- the whole --- */

void logs_init_opts(struct logs *l, uv_loop_t *loop, struct engine *e,
                    FILE *out, const struct logs_options *o)
{
  memset(l, 0, sizeof(*l));
  l->loop = loop;
  l->engine = e;
  l->out = out;
  l->flags = o->flags;
  if (l->flags & LOGS_NO_FOLLOW)
    l->flags |= LOGS_NO_WAIT;
  l->tail = o->tail ? xstrdup(o->tail) : NULL;
  l->since = o->since ? xstrdup(o->since) : NULL;
  l->until = o->until ? xstrdup(o->until) : NULL;
  l->on_exit = o->on_exit;
  l->on_error = o->on_error;
  l->on_lost = o->on_lost;
  l->data = o->data;
  /* a flood of lines arrives as many frames per read: writing them out
   * once per loop turn keeps it one write(2) per read, not per line */
  uv_check_init(loop, &l->flush);
  l->flush.data = l;
  uv_check_start(&l->flush, on_flush);
  uv_unref((uv_handle_t *)&l->flush);
}

void logs_init(struct logs *l, uv_loop_t *loop, struct engine *e, FILE *out,
               unsigned flags, logs_exit_cb on_exit, void *data)
{
  struct logs_options o = {.flags = flags, .on_exit = on_exit, .data = data};
  logs_init_opts(l, loop, e, out, &o);
}

static void stop_events(struct logs *l)
{
  if (l->events)
    engine_call_cancel(l->events->call);
}

void logs_stopping(struct logs *l)
{
  l->stopping = 1;
  stop_events(l);
}

void logs_cancel(struct logs *l)
{
  l->stopping = 1;
  l->canceled = 1;
  stop_events(l);
  for (struct logs_entry *en = l->head; en; en = en->next) {
    if (en->call)
      engine_call_cancel(en->call);
    if (en->state == LOGS_RESTARTING || en->state == LOGS_LOST)
      enter(en, LOGS_DONE);
  }
}

size_t logs_active(const struct logs *l)
{
  size_t n = 0;
  for (const struct logs_entry *en = l->head; en; en = en->next)
    n += en->state != LOGS_DONE;
  return n;
}

static void on_timer_closed(uv_handle_t *h)
{
  struct logs_entry *en = h->data;
  en->timer_init = 0;
  if (!en->calls)
    free_entry(en);
}

void logs_release(struct logs *l)
{
  if (l->events) {
    l->events->logs = NULL;
    engine_call_cancel(l->events->call);
    l->events = NULL;
  }
  struct logs_entry *en = l->head;
  while (en) {
    struct logs_entry *next = en->next;
    /* calls in flight end on their own and free it (call_end) */
    en->logs = NULL;
    if (en->call)
      engine_call_cancel(en->call);
    if (en->timer_init)
      uv_close((uv_handle_t *)&en->timer, on_timer_closed);
    else if (!en->calls)
      free_entry(en);
    en = next;
  }
  l->head = NULL;
  fflush(l->out);
  uv_close((uv_handle_t *)&l->flush, NULL);
  free(l->tail);
  free(l->since);
  free(l->until);
  free(l->project);
}
