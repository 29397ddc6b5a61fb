/* term: the mode of our terminal for interactive sessions: raw as
 * docker's client makes it (keys, Ctrl-C too, pass as typed; no output
 * processing) and back, restored at exit() too while raw; and its size.
 * Ownership: a struct term_mode is the caller's, and must stay valid while
 * raw (it is what exit restores). */
#ifndef WCOMPOSE_UTIL_TERM_H
#define WCOMPOSE_UTIL_TERM_H

#include <termios.h>

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
/* A closed stdin would be taken by the first socket or file opened: hold
 * its place with /dev/null (an empty input). */
void term_stdin_hold(void);

#endif
