/* exec: a command in a service's running container (`exec`) as an explicit
 * state machine on the uv loop: create the exec, start it (attached, its
 * output streams through the start call until the process ends; detached,
 * the call answers at once), then read its exit code from the exec's
 * inspect, polled briefly while the engine still says it runs. Every
 * transition goes through exec_set_state (traced to stderr when
 * WCOMPOSE_TRACE is set). Nothing here awaits: the caller runs the loop
 * at its top level until exec_finished.
 *
 * Interactive (spec.interactive), the start is hijacked as run's attach
 * is: our input goes to the process's stdin through orchestrate/pump (its
 * end half-closes stdin; with a TTY, the detach keys end the session and
 * leave the process running), its output comes back on the same connection, and
 * with a TTY exec_resize sets its size (retried until the process runs).
 *
 * Ownership: a struct exec owns the exec's id, its timer, the hijacked
 * connection and the pump; the loop, engine, project, spec (its strings
 * and lists) and hooks are borrowed and must outlive it. */
#ifndef WCOMPOSE_ORCHESTRATE_EXEC_H
#define WCOMPOSE_ORCHESTRATE_EXEC_H

#include <stddef.h>

#include <uv.h>

#include "compose/model.h"
#include "engine/api.h"
#include "orchestrate/plan.h"
#include "orchestrate/pump.h"
#include "util/err.h"
#include "util/term.h"

enum exec_state {
  EXEC_IDLE,       /* not started yet */
  EXEC_CREATING,   /* the exec create call is out */
  EXEC_RUNNING,    /* the start call is out: attached, the output streams
                      until the process ends (or exec_interrupt) */
  EXEC_INSPECTING, /* reading the exit code, again after a short pause
                      while the engine still says it runs */
  EXEC_DONE,       /* the exit code is known, or detached: started, or
                      interrupted: we stopped following */
  EXEC_FAILED      /* a call failed; the error says which */
};

/* What to run, and where. */
struct exec_spec {
  const char *container;      /* id of the running container */
  const char *container_name; /* for messages */
  struct strlist command;
  struct strlist env; /* "KEY=VAL", or "KEY" valued from the project's
                         environment (left out when unset there) */
  const char *user, *working_dir;
  int privileged;
  int tty;         /* give the process a TTY */
  int detach;      /* start it and be done: no output, no exit code */
  int interactive; /* forward stdin_fd to the process (hijacked start) */
  int stdin_fd;    /* interactive: our input (dup'ed), -1: none (the
                      process's stdin ends at once) */
  const char *detach_keys; /* interactive: "ctrl-p,ctrl-q" (the default
                              when NULL); bad keys fail the exec with
                              ERR_USAGE before anything is created */
};

/* What the caller hears about (optional; data is the hook's ctx). */
struct exec_hooks {
  /* the process's output as it comes (whole frames, or raw chunks with a
   * TTY, tagged STREAM_STDOUT); 0 to go on, or an ERR_* code that ends
   * the stream */
  int (*output)(void *data, enum stream_kind kind, const char *p, size_t n);
  /* interactive: the connection is up, our terminal may go raw */
  void (*attached)(void *data);
  /* interactive: the process starts; with a TTY, send its size
   * (exec_resize) */
  void (*started)(void *data);
  /* the exec finished (exec_finished turned true): called once, from a
   * loop callback, or from inside exec_start when it failed at once; the
   * caller may read the result and exec_free it from here */
  void (*done)(void *data);
};

struct exec;

/* The running (not one-off) container of s with replica number index
 * among the observed have[0..n): 0 and *out; or ERR_STATE 'service "web"
 * is not running', ERR_NOTFOUND 'service "web" is not running container
 * #3'. Pure. */
int exec_find_container(const struct plan_container *have, size_t n,
                        const struct service *s, int index,
                        const struct plan_container **out, struct err *err);

/* An exec of spec in project p (both borrowed). Nothing is sent before
 * exec_start. */
struct exec *exec_new(uv_loop_t *loop, struct engine *e,
                      const struct project *p, const struct exec_spec *spec,
                      const struct exec_hooks *hooks, void *data);
/* Begin; then run the loop until exec_finished. */
void exec_start(struct exec *x);
int exec_finished(const struct exec *x);
/* 0, with *exit_code the process's (detached: 0) and *interrupted 1 when
 * exec_interrupt stopped following it (the process may still run; no exit
 * code); or the failure's code with its message in err. ERR_STATE when
 * called unfinished. */
int exec_result(const struct exec *x, int *exit_code, int *interrupted,
                struct err *err);
/* 1 when the detach keys ended the session (the process runs on). */
int exec_detached(const struct exec *x);
/* The TTY's size, in characters: nothing unless it runs with a TTY.
 * Before the process runs the engine refuses; it is tried again on a
 * timer a few times. */
void exec_resize(struct exec *x, int rows, int cols);
/* Stop following the output (Ctrl-C): the engine has no call to signal an
 * exec'ed process, so it is left to finish in the container. */
void exec_interrupt(struct exec *x);
/* exec_resize and, for SIGINT and SIGTERM, exec_interrupt. */
extern const struct term_target exec_target;
/* Free x; the memory goes from the last close callback, so run the loop
 * once more afterwards. NULL: nothing. */
void exec_free(struct exec *x);

/* At the top of a command (it runs the loop): observe the session's
 * containers, pick the running replica index of service svc, fill spec's
 * container and name, make the exec (hooks and data as exec_new; *obj
 * holds it while it runs, NULL before and after, for the caller's signal
 * handlers) and run it to
 * its end. 0 with *exit_code and *how (0 exited, 1 interrupted, 2
 * detached); or the failure's code with its message in s->err. */
struct session;
int exec_session_run(struct session *s, const struct service *svc, int index,
                     struct exec_spec *spec, const struct exec_hooks *hooks,
                     void *data, void **obj, int *exit_code, int *how);

void exec_set_state(struct exec *x, enum exec_state to);
const char *exec_state_name(enum exec_state st);

#endif
