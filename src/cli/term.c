/* The user's terminal during an interactive session (run, exec, attach):
 * raw mode while the container's TTY is ours (restored on every way out,
 * exit() included), its size sent at start and on SIGWINCH, and the
 * signals that reach the session. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

static struct termios *saved_at_exit; /* restored by atexit, while raw */

static void restore_at_exit(void)
{
  if (saved_at_exit)
    tcsetattr(STDIN_FILENO, TCSADRAIN, saved_at_exit);
}

/* Raw as docker's client makes it: keys (Ctrl-C too) go to the container
 * as typed, and no output processing, which the container's TTY did. */
void cli_term_raw(void *data)
{
  static int registered;
  struct cli_term *t = data;
  if (!t->tty || t->raw || tcgetattr(STDIN_FILENO, &t->saved))
    return;
  struct termios tm = t->saved;
  cfmakeraw(&tm);
  if (tcsetattr(STDIN_FILENO, TCSADRAIN, &tm))
    return;
  t->raw = 1;
  saved_at_exit = &t->saved;
  if (!registered++)
    atexit(restore_at_exit);
}

void cli_term_size(void *data)
{
  struct cli_term *t = data;
  struct winsize ws;
  if (t->tty && t->resize && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws))
    t->resize(t->obj, ws.ws_row, ws.ws_col);
}

static void on_signal(uv_signal_t *h, int signum)
{
  struct cli_term *t = h->data;
  if (signum == SIGWINCH)
    cli_term_size(t);
  else if (t->signal)
    t->signal(t->obj, signum);
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
  if (t->raw)
    tcsetattr(STDIN_FILENO, TCSADRAIN, &t->saved);
  t->raw = 0;
  saved_at_exit = NULL;
  for (size_t i = 0; i < 3 && t->signals; i++)
    uv_close((uv_handle_t *)h[i], NULL);
  t->signals = 0;
}

void cli_stdin_hold(void)
{
  if (fcntl(STDIN_FILENO, F_GETFD) < 0 && errno == EBADF) {
    int fd = open("/dev/null", O_RDONLY);
    if (fd > STDIN_FILENO)
      close(fd);
  }
}
