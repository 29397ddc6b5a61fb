/* term: our terminal in an interactive session (run, exec, attach): raw
 * as docker's client makes it (keys, Ctrl-C too, pass as typed; no output
 * processing) and back, restored at exit() too while raw; its size; and
 * the signals a session takes (SIGINT, SIGTERM, SIGWINCH) handed to what
 * it drives. Ownership: a struct term_mode or term_session is the
 * caller's, and must stay valid while raw (it is what exit restores). */
#ifndef WCOMPOSE_UTIL_TERM_H
#define WCOMPOSE_UTIL_TERM_H

#include <termios.h>

#include <uv.h>

struct term_mode {
  int raw; /* saved holds the mode to restore */
  struct termios saved;
};

/* Standard input's terminal raw; 0, or -1 when it is no terminal. */
int term_raw(struct term_mode *m);
/* Back to the saved mode (nothing unless raw). */
void term_restore(struct term_mode *m);
/* The size of standard output's terminal: 0 and rows, cols; or -1. */
int term_size(int *rows, int *cols);
/* What a session's terminal drives (a one-off, an exec, an attach): its
 * TTY's new size, and SIGINT or SIGTERM as the session takes them. */
struct term_target {
  void (*resize)(void *obj, int rows, int cols);
  void (*signal)(void *obj, int signum);
};

/* A session's terminal: tty says the container has one (ours then goes
 * raw); obj (ops drive it) is set while the session runs; before it is,
 * SIGINT and SIGTERM take their default action. */
struct term_session {
  int tty, signals;
  struct term_mode mode;
  uv_signal_t sigint, sigterm, sigwinch;
  const struct term_target *ops;
  void *obj;
};
/* Hooks (data is the term_session): raw when tty; send our size to obj. */
void term_session_raw(void *data);
void term_session_size(void *data);
/* Catch the signals on loop; close: restore the mode, close them. */
void term_session_open(struct term_session *t, uv_loop_t *loop);
void term_session_close(struct term_session *t);

/* A closed stdin would be taken by the first socket or file opened: hold
 * its place with /dev/null (an empty input). */
void term_stdin_hold(void);

#endif
