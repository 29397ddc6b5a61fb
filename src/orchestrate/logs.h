/* logs: the one log follower, for attached `up`, `logs [-f]` and
 * `up --watch`. Each container is an explicit state machine (enum
 * logs_state; every change goes through one function, traced to stderr
 * when WCOMPOSE_TRACE is set): its log stream, split into lines printed
 * with a coloured, aligned "serve-1  | " prefix; in wait mode (up) also a
 * wait, and when both the stream ended and the wait returned, the line
 * "serve-1 exited with code 0" ("... 137 (out of memory)" when the OOM
 * killer ended it) and a look at whether its restart policy brings it back
 * (then it is followed again from the last line shown). With logs_follow_new,
 * containers of the project that start while it runs (a scale-up, a recreate, a
 * restart) are followed too, through the engine's /events.
 *
 * Callbacks only advance the state machines: the command runs the loop
 * at its top level (while logs_active(), uv_run(UV_RUN_ONCE)).
 *
 * Ownership: the struct owns its entries, their streams and the events
 * stream (logs_release; calls still in flight then end on their own, so
 * the struct may go once logs_release returned); the engine and the loop
 * are borrowed and must outlive those calls. Output goes to out, flushed
 * once per loop turn (logs_release closes that handle and the restart
 * timers: run the loop once more after it). */
#ifndef WCOMPOSE_ORCHESTRATE_LOGS_H
#define WCOMPOSE_ORCHESTRATE_LOGS_H

#include <stdio.h>

#include <uv.h>

#include "engine/api.h"
#include "engine/stream.h"
#include "util/err.h"

struct logs;
struct logs_events;

/* A container is done (its stream ended and, in wait mode, it exited; or
 * it was dropped); code is its exit code, or -1 when unknown (always -1
 * with LOGS_NO_WAIT). */
typedef void (*logs_exit_cb)(void *data, const char *name, const char *service,
                             int code);
/* Following went wrong: a container's stream broke off or was refused
 * (name is the container's: "no more output from 'blog-web-1': ..."), or
 * the events stream of logs_follow_new ended ("following new containers:
 * ...", name NULL). e->text is one line, ending in '\n'. Canceling is no
 * error. */
typedef void (*logs_error_cb)(void *data, const char *name,
                              const struct err *e);
/* The engine stopped answering (a call broke off or could not connect):
 * the containers whose calls failed so wait in LOGS_LOST for
 * logs_resume or logs_drop_lost. Called at each such failure; e->text is
 * the first failure's reason. */
typedef void (*logs_lost_cb)(void *data, const struct err *e);
/* Whether a container that appeared (service, replica number) is to be
 * followed. */
typedef int (*logs_want_cb)(void *data, const char *service, int number);

enum logs_flags {
  LOGS_NO_COLOR = 1 << 0,
  LOGS_NO_PREFIX = 1 << 1,
  LOGS_TIMESTAMPS = 1 << 2,
  LOGS_NO_WAIT = 1 << 3,   /* `logs`: no waits, no exit lines, no restart
                              check (a restart is seen as a start event) */
  LOGS_NO_FOLLOW = 1 << 4, /* `logs` without -f: what is there, then end
                              (implies LOGS_NO_WAIT) */
  LOGS_EXIT_LINES = 1 << 5 /* `logs -f` (with LOGS_NO_WAIT): when the
                              stream of a container seen running ends, an
                              inspect, and the exit line if it stopped */
};

/* The life of one followed container. */
enum logs_state {
  LOGS_NEW,        /* just added: nothing asked yet (never stays so) */
  LOGS_INSPECTING, /* before following: learning whether it has a TTY
                      (the stream's framing depends on it) and, in wait
                      mode, which run it is in (its StartedAt) */
  LOGS_FOLLOWING,  /* its log stream is open; in wait mode its wait too */
  LOGS_DRAINING,   /* it exited (the wait returned); the rest of its output
                      is still arriving */
  LOGS_EXITING,    /* its stream ended; waiting for its exit code */
  LOGS_CHECKING,   /* both over: an inspect asks whether the OOM killer
                      ended it (the exit line, printed with the answer,
                      says so) and whether its restart policy brings it
                      back */
  LOGS_RESTARTING, /* in the restart back-off: checking again shortly */
  LOGS_LOST,       /* the engine went away under its calls: nothing said,
                      nothing reported; logs_resume follows it again (or
                      checks its restart policy when its exit was shown),
                      logs_drop_lost makes it done */
  LOGS_DONE        /* reported through on_exit; a start event (or
                      logs_add) brings it back to LOGS_FOLLOWING */
};

struct logs_entry {
  struct logs *logs; /* NULL once released with calls in flight */
  char *id, *name, *service, *label; /* label: "serve-1" */
  int tty;                           /* -1 until inspected */
  int color;
  enum logs_state state;
  struct engine_call *call; /* the follow stream, NULL when none */
  int streaming, waiting;   /* the stream, the wait are in flight */
  int calls;                /* engine calls in flight (of any kind) */
  int exited, code;
  int first;              /* the first stream: the query's tail and since */
  int restarts;           /* times it was followed again */
  int reported;           /* the exit line of the last run was printed */
  int lost;               /* a call of this run failed for want of the
                             engine */
  int was_running;        /* seen running (LOGS_EXIT_LINES) */
  int stamped;            /* its stream carries timestamps */
  char since[40];         /* where the next stream begins ("" from the start) */
  char last_seen[40];     /* just after the last line shown: the next since */
  long long last_exit_ns; /* the last exit (ns since the epoch), or -1 */
  long long run_started_ns; /* when the run followed began, or -1 */
  long long known_ns;       /* starts up to this are covered by the streams */
  uv_timer_t timer;         /* waiting for a restarting container to run */
  int timer_init;
  struct stream_lines out, err;
  struct logs_entry *next;
};

/* Everything logs_init_opts takes; strings are copied. */
struct logs_options {
  unsigned flags; /* enum logs_flags */
  /* the query of each container's first stream (`logs --tail --since
   * --until`); NULL: everything. until applies to every stream. */
  const char *tail, *since, *until;
  logs_exit_cb on_exit;   /* may be NULL */
  logs_error_cb on_error; /* NULL: "wcompose: <text>" on stderr */
  logs_lost_cb on_lost;   /* NULL: the engine's loss is an error as any */
  void *data;             /* for the three callbacks */
};

struct logs {
  uv_loop_t *loop;
  struct engine *engine;
  FILE *out;
  unsigned flags;
  char *tail, *since, *until;
  size_t width; /* widest label, for alignment */
  int stopping; /* no following again after this */
  int canceled; /* no following at all after this */
  int ncolors;
  struct logs_entry *head;
  logs_exit_cb on_exit;
  logs_error_cb on_error;
  logs_lost_cb on_lost;
  logs_want_cb want;
  void *data;
  struct logs_events *events; /* logs_follow_new's stream, or NULL */
  char *project;              /* logs_follow_new's */
  int events_lost;            /* that stream broke off with the engine */
  char events_since[32];      /* logs_resume opens it again from here */
  uv_check_t flush;           /* flushes out once per loop turn, not per line */
};

/* Attached up: every container waited for, exit lines, restarts
 * followed. Same as logs_init_opts with {flags, on_exit, data}. */
void logs_init(struct logs *l, uv_loop_t *loop, struct engine *e, FILE *out,
               unsigned flags, logs_exit_cb on_exit, void *data);
void logs_init_opts(struct logs *l, uv_loop_t *loop, struct engine *e,
                    FILE *out, const struct logs_options *o);
/* Follow a container: id (or name), name ("blog-serve-1"), service and
 * replica number (for the "serve-1" label), tty (-1: unknown; inspected
 * first, as it always is in wait mode, to know its run). since: where the
 * stream begins (NULL: the query's since for the first stream, else its whole
 * output so far). A container followed already is left as it is; one that is
 * done is followed again. The streams start when the loop runs; errors come
 * through on_error. */
int logs_add(struct logs *l, const char *id, const char *name,
             const char *service, int number, int tty, const char *since,
             struct err *err);
/* Follow the containers of project that start from since on (a UNIX
 * time as text; NULL: now), one-off containers aside, those want accepts
 * (want NULL: all; asked only for containers not followed yet), until
 * logs_stopping or logs_cancel. A container followed already is left
 * alone; one done (or in the restart back-off) is followed again from
 * just after its last line shown; a start older than what was shown is
 * ignored. Errors: what engine_events returns. */
int logs_follow_new(struct logs *l, const char *project, const char *since,
                    logs_want_cb want, struct err *err);
/* The engine is back: follow the lost containers again, from just after
 * the last line shown (a container whose exit was shown has its restart
 * policy looked at instead), and open logs_follow_new's stream again when
 * the engine's going ended it (with on_lost set, that is no error). */
void logs_resume(struct logs *l);
/* The engine is not coming back: the lost containers are done (code -1,
 * no exit line). */
void logs_drop_lost(struct logs *l);
/* Widen the prefix for a label that will come later. */
void logs_reserve(struct logs *l, const char *service, int number);
/* Stop following again on restarts and following new containers;
 * running streams end with their containers. */
void logs_stopping(struct logs *l);
/* Cancel every stream (the loop must run for them to end); containers
 * in the restart back-off are done at once. */
void logs_cancel(struct logs *l);
/* Number of containers not yet done. Each time one becomes done the
 * loop's current turn ends (uv_stop), so a loop on this condition sees
 * it even when a timer made the change. */
size_t logs_active(const struct logs *l);
/* Print "name | text" as one line of a container's output (for tests and
 * for messages). */
void logs_print(struct logs *l, struct logs_entry *en, const char *text,
                size_t n);
const char *logs_state_name(enum logs_state st);
void logs_release(struct logs *l);

#endif
