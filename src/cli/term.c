/* The user's terminal during an interactive session (run, exec, attach):
 * raw while the container's TTY is ours (util/term), its size sent at
 * start and on SIGWINCH, and the signals that reach the session. */
#include "cli/cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void cli_term_raw(void *data)
{
  struct cli_term *t = data;
  if (t->tty)
    term_raw(&t->mode);
}

void cli_term_size(void *data)
{
  struct cli_term *t = data;
  int rows, cols;
  if (t->tty && t->obj && !term_size(&rows, &cols))
    t->ops->resize(t->obj, rows, cols);
}

static void on_signal(uv_signal_t *h, int signum)
{
  struct cli_term *t = h->data;
  if (signum == SIGWINCH)
    cli_term_size(t);
  else if (!t->obj)
    exit(EXIT_SIGINT); /* nothing was started yet */
  else
    t->ops->signal(t->obj, signum);
}

void cli_term_open(struct cli_term *t, uv_loop_t *loop)
{
  uv_signal_t *h[] = {&t->sigint, &t->sigterm, &t->sigwinch};
  int sig[] = {SIGINT, SIGTERM, SIGWINCH};
  for (size_t i = 0; i < 3; i++) {
    uv_signal_init(loop, h[i]);
    h[i]->data = t;
    uv_signal_start(h[i], on_signal, sig[i]);
  }
  t->signals = 1;
}

void cli_term_close(struct cli_term *t)
{
  uv_signal_t *h[] = {&t->sigint, &t->sigterm, &t->sigwinch};
  term_restore(&t->mode);
  for (size_t i = 0; i < 3 && t->signals; i++)
    uv_close((uv_handle_t *)h[i], NULL);
  t->signals = 0;
}

int cli_term_ended(const struct cli_term *t, int how, const char *name,
                   int exit_code)
{
  if (how)
    fprintf(stderr, "%swcompose: %s; the process may still run in '%s'\n",
            t->tty ? "\n" : "", how == 1 ? "interrupted" : "detached", name);
  return how == 1 ? EXIT_SIGINT : how == 2 ? 0 : exit_code;
}
