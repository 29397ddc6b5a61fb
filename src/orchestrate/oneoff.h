/* oneoff: the container of `run`, from create to removal, as an explicit
 * state machine on the uv loop: create (the service's body with run's
 * overrides, through create_body), connect the other networks, attach with
 * stdin (before start, so no output is lost), start, wait for the exit and
 * the end of the output, remove (--rm). Every transition goes through
 * oneoff_set_state (traced to stderr when WCOMPOSE_TRACE is set). Nothing
 * here awaits: the caller runs the loop at its top level until
 * oneoff_finished, and reads oneoff_result.
 *
 * Ownership: a struct oneoff owns the container's id and name, its stdin
 * handle and the attach; the loop, engine, project, service, options
 * (their strings and lists) and hooks are borrowed and must outlive it. */
#ifndef WCOMPOSE_ORCHESTRATE_ONEOFF_H
#define WCOMPOSE_ORCHESTRATE_ONEOFF_H

#include <stddef.h>

#include <uv.h>

#include "compose/model.h"
#include "engine/api.h"
#include "orchestrate/create.h"
#include "orchestrate/pump.h"
#include "util/err.h"
#include "util/term.h"

enum oneoff_state {
  ONEOFF_IDLE,       /* not started yet */
  ONEOFF_CREATING,   /* the create call is out */
  ONEOFF_CONNECTING, /* connecting the networks after the primary one */
  ONEOFF_ATTACHING,  /* opening the attach with stdin (synchronous) and
                        our input; skipped when detached */
  ONEOFF_STARTING,   /* the start call is out */
  ONEOFF_RUNNING,    /* output and stdin flow; waiting for both the exit
                        and the end of the output; skipped when detached */
  ONEOFF_REMOVING,   /* --rm, or cleaning up after a failure: the remove
                        call is out */
  ONEOFF_DONE,       /* exited (attached) or started (detached) */
  ONEOFF_FAILED      /* a call failed or the run was interrupted before
                        the container started; the error says which */
};

/* What the run does besides the service's own settings. */
struct oneoff_options {
  /* What the user changed: command, entrypoint, env, labels, ports,
   * volumes, working_dir, user, name. The stream and policy fields of the
   * overrides (tty, stdin_open, attach, no_service_ports, no_restart,
   * no_aliases, auto_remove) are set from the fields below. */
  struct create_overrides set;
  const char *image_id; /* for LABELS_IMAGE, or NULL */
  int tty;              /* give the container a TTY */
  int detach;           /* start it and be done: no attach, no wait */
  int rm;               /* remove it after its exit (detached: the engine
                           does, AutoRemove) */
  int service_ports;    /* publish the service's ports: too */
  int use_aliases;      /* the service's aliases on its networks */
  int stdin_fd;         /* forwarded to the container's stdin (dup'ed; a
                           pipe, socket, terminal or file); -1: none, the
                           container's stdin ends at once */
};

/* What the caller hears about. All optional; data is the hooks' ctx. */
struct oneoff_hooks {
  /* the container's output as it comes (whole frames, or raw chunks with
   * a TTY, tagged STREAM_STDOUT); 0 to go on, or an ERR_* code that ends
   * the attach */
  int (*output)(void *data, enum stream_kind kind, const char *p, size_t n);
  /* the container (by name) reached a step: "Creating", "Created",
   * "Starting", "Started", "Removing", "Removed"; done is 1 when the step
   * finished */
  void (*progress)(void *data, const char *name, const char *status, int done);
  /* attached and about to start: our terminal may go raw now */
  void (*attached)(void *data);
  /* started: with a TTY, send its size (oneoff_resize) */
  void (*started)(void *data);
};

struct oneoff;

/* A run of service s of project p (borrowed, as opt and hooks). Nothing
 * is sent before oneoff_start. */
struct oneoff *oneoff_new(uv_loop_t *loop, struct engine *e,
                          const struct project *p, const struct service *s,
                          const struct oneoff_options *opt,
                          const struct oneoff_hooks *hooks, void *data);
/* Check the options before anything is started (run's -p and -v read with
 * the loader's grammars): 0, or ERR_USAGE with the loader's message. */
int oneoff_check(const struct project *p, const struct service *s,
                 const struct oneoff_options *opt, struct err *err);
/* Begin; then run the loop until oneoff_finished. Hooks run from loop
 * callbacks (attached and started from the first ones too). */
void oneoff_start(struct oneoff *o);
int oneoff_finished(const struct oneoff *o);
/* 0, with *exit_code the container's (attached) or 0 (detached); or the
 * failure's code with its message in err. ERR_CANCELED: interrupted
 * before the container started. ERR_STATE when called unfinished. */
int oneoff_result(const struct oneoff *o, int *exit_code, struct err *err);
/* The container's name (known from oneoff_new). */
const char *oneoff_name(const struct oneoff *o);

/* Forward a signal ("SIGINT") to the container once it runs (its exit
 * ends the run as usual); before that, stop the run at the next step
 * (ERR_CANCELED), removing the container with --rm. */
void oneoff_kill(struct oneoff *o, const char *signal);
/* The container's TTY size, in characters; nothing unless it runs with a
 * TTY. */
void oneoff_resize(struct oneoff *o, int rows, int cols);
/* oneoff_resize, and oneoff_kill with the signal (SIGINT or SIGTERM). */
extern const struct term_target oneoff_target;

/* Free o, hanging up what is still open; the memory goes from the last
 * close callback, so run the loop once more afterwards. NULL: nothing. */
void oneoff_free(struct oneoff *o);

void oneoff_set_state(struct oneoff *o, enum oneoff_state to);
const char *oneoff_state_name(enum oneoff_state st);

/* At the top of a command (it runs the loop): prepare target as
 * oneoff_prepare does (opt->image_id is set, and reset after), run the
 * one-off with hooks and data (*obj holds it while it runs, for the
 * caller's signal handlers; NULL after), to its end. 0 with *exit_code and
 * *name (its name, malloc'ed); or the failure's code with its message in
 * s->err. */
struct session;
int oneoff_session_run(struct session *s, size_t target,
                       struct oneoff_options *opt,
                       const struct oneoff_hooks *hooks, void *data, void **obj,
                       int *exit_code, char **name);

/* Before a one-off of service target, on a session whose selection is the
 * target and its dependencies: the dependencies converged as up would
 * (nothing when it has none). Top level only; errors in s->err. */
int oneoff_deps(struct session *s, size_t target);
/* Then the target alone: its networks and volumes, and its image (built
 * or pulled as its policy says), whose ID goes to *image_id (malloc'ed).
 * The selection becomes the target alone. */
int oneoff_prepare(struct session *s, size_t target, char **image_id);

#endif
