/* attach: our terminal on the main process of a service's running
 * container (`attach`): a hijacked attach (engine/hijack.h) with our
 * input forwarded through orchestrate/pump unless --no-stdin (and only
 * when the container keeps stdin open), its output back, the TTY's size
 * from ours, the detach keys with a TTY; when the stream ends the
 * container's exit code is read (a wait). Nothing here prints.
 *
 * Ownership: a struct attach lives inside attach_session_run, which
 * publishes it to the caller's signal handlers while it runs. */
#ifndef WCOMPOSE_ORCHESTRATE_ATTACH_H
#define WCOMPOSE_ORCHESTRATE_ATTACH_H

#include "compose/model.h"
#include "engine/api.h"
#include "orchestrate/pump.h"
#include "util/term.h"

struct attach_options {
  int index;               /* the replica, 1.. */
  int no_stdin;            /* do not forward our input */
  int stdin_fd;            /* our input (dup'ed) */
  const char *detach_keys; /* NULL: "ctrl-p,ctrl-q"; bad keys: ERR_USAGE
                              before anything is opened */
  int sig_proxy;           /* attach_signal sends the signal to the container
                              (without a TTY; with one, it stops following) */
};

struct attach;

struct attach_hooks {
  /* the output as it comes; 0 to go on */
  int (*output)(void *data, enum stream_kind kind, const char *p, size_t n);
  /* attached: our terminal may go raw; then send the size (attach_resize) */
  void (*attached)(void *data);
  void (*started)(void *data);
};

/* At the top of a command (runs the loop): observe, pick the running
 * replica o->index of svc, inspect it for its TTY and stdin, attach, and
 * follow until the stream ends, the detach keys or attach_interrupt
 * (*obj holds the attach meanwhile, NULL after; *tty is the container's,
 * set before the attached hook). 0
 * with *exit_code (-1 unless it exited), *how (0 the container exited, 1
 * interrupted, 2 detached) and *name (borrowed from s, the container's);
 * or the failure's code with its message in s->err. */
struct session;
int attach_session_run(struct session *s, const struct service *svc,
                       const struct attach_options *o,
                       const struct attach_hooks *h, void *data, void **obj,
                       int *tty, int *exit_code, int *how, const char **name);

/* The TTY's size in characters (nothing without a TTY). */
void attach_resize(struct attach *a, int rows, int cols);
/* We got SIGINT or SIGTERM: with sig_proxy and no TTY the container gets
 * it; otherwise stop following (attach_interrupt). */
void attach_signal(struct attach *a, int signum);
/* Stop following: the container runs on. */
void attach_interrupt(struct attach *a);
/* attach_resize and attach_signal. */
extern const struct term_target attach_target;

#endif
