/* progress: what the lifecycle commands tell a person while they work, one
 * entry per resource ("Container blog-serve-1  Started"). On a terminal
 * (tty) one line per resource is redrawn in place with its state and
 * elapsed time, as compose prints it; plain prints one line per event;
 * json one object per event; quiet nothing. Output goes to stderr. The
 * struct owns its lines (progress_release). */
#ifndef WCOMPOSE_VIEWS_PROGRESS_H
#define WCOMPOSE_VIEWS_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/err.h"

enum progress_mode {
  PROGRESS_PLAIN,
  PROGRESS_TTY,
  PROGRESS_QUIET,
  PROGRESS_JSON
};

struct progress_line {
  char *kind, *name, *status;
  uint64_t start, end; /* uv_hrtime() at the first and the done event */
  int done, error;
};

struct progress {
  enum progress_mode mode;
  FILE *out;
  struct progress_line *v;
  size_t n, alloc;
  size_t drawn; /* tty: lines on screen to redraw over */
};
#define PROGRESS_INIT                                                          \
  {                                                                            \
    PROGRESS_PLAIN, NULL, NULL, 0, 0, 0                                        \
  }

/* mode: "auto" or NULL (tty when stderr is a terminal, else plain), "tty",
 * "plain", "quiet", "json". ERR_USAGE for anything else. */
int progress_init(struct progress *p, const char *mode, struct err *err);
/* One event for the resource kind/name ("Container", "blog-serve-1"):
 * status ("Creating", "Started"); done marks the end of a step; a status
 * of "Error" marks a failure. */
void progress_event(struct progress *p, const char *kind, const char *name,
                    const char *status, int done);
/* Free-form text between events (build output): plain/tty print it. */
void progress_text(struct progress *p, const char *text);
/* Leave the tty area where it is: later output goes below it. */
void progress_end(struct progress *p);
void progress_release(struct progress *p);

#endif
