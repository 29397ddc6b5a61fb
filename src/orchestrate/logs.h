/* logs: the fan-in of container output for attached `up` (and `logs -f`):
 * one follow stream per container, each line printed with a coloured,
 * aligned "serve-1  | " prefix; a wait per container, and when both the
 * stream ended and the wait returned, "serve-1 exited with code 0". A
 * container that restarts (restart policy) is followed again. The struct
 * owns its entries and their streams (logs_release, after the loop has
 * finished with them; run the loop once more after it, timers close);
 * engine and loop are borrowed. Output goes to out, flushed once per
 * loop turn (logs_release closes that handle: run the loop after it). */
#ifndef WCOMPOSE_ORCHESTRATE_LOGS_H
#define WCOMPOSE_ORCHESTRATE_LOGS_H

#include <stdio.h>

#include <uv.h>

#include "engine/api.h"
#include "engine/stream.h"

struct logs;

/* A container is done (its stream ended and it exited, or it was
 * dropped); code is its exit code, or -1 when unknown. */
typedef void (*logs_exit_cb)(void *data, const char *name, const char *service,
                             int code);

enum logs_flags {
  LOGS_NO_COLOR = 1 << 0,
  LOGS_NO_PREFIX = 1 << 1,
  LOGS_TIMESTAMPS = 1 << 2,
  LOGS_NO_WAIT = 1 << 3 /* `logs -f`: no waits, no exit lines */
};

struct logs_entry {
  struct logs *logs;
  char *id, *name, *service, *label; /* label: "serve-1" */
  int tty;
  int color;
  struct engine_call *call; /* the follow stream, NULL when none */
  int streaming, waiting;
  int exited, code;
  int done;           /* reported through the exit callback */
  int restarts;       /* times it was followed again */
  int reported;       /* the exit line of the last run was printed */
  char last_exit[40]; /* the last exit, as a UNIX time */
  char last_seen[40]; /* just after the last line shown: the next since */
  uv_timer_t timer;   /* waiting for a restarting container to run */
  int timer_init;
  struct stream_lines out, err;
  struct logs_entry *next;
};

struct logs {
  uv_loop_t *loop;
  struct engine *engine;
  FILE *out;
  unsigned flags;
  size_t width; /* widest label, for alignment */
  int stopping; /* no following again after this */
  int ncolors;
  struct logs_entry *head;
  logs_exit_cb on_exit;
  void *data;
  uv_check_t flush; /* flushes out once per loop turn, not per line */
};

void logs_init(struct logs *l, uv_loop_t *loop, struct engine *e, FILE *out,
               unsigned flags, logs_exit_cb on_exit, void *data);
/* Follow a container: id (or name), name ("blog-serve-1"), service and
 * replica number (for the "serve-1" label), tty. since: where the stream
 * begins (NULL: its whole output so far). */
int logs_add(struct logs *l, const char *id, const char *name,
             const char *service, int number, int tty, const char *since,
             struct err *err);
/* Widen the prefix for a label that will come later. */
void logs_reserve(struct logs *l, const char *service, int number);
/* Stop following again on restarts; running streams end with their
 * containers. */
void logs_stopping(struct logs *l);
/* Cancel every stream (the loop must run for them to end). */
void logs_cancel(struct logs *l);
/* Number of containers not yet done. */
size_t logs_active(const struct logs *l);
/* Print "name | text" as one line of a container's output (for tests and
 * for messages). */
void logs_print(struct logs *l, struct logs_entry *en, const char *text,
                size_t n);
void logs_release(struct logs *l);

#endif
