/* term: raw mode and back (the atexit restore covers exit() paths), and
 * the window size. */
#include "util/term.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

static struct term_mode *raw_at_exit; /* restored by atexit, while raw */

static void restore_at_exit(void)
{
  if (raw_at_exit)
    tcsetattr(STDIN_FILENO, TCSADRAIN, &raw_at_exit->saved);
}

int term_raw(struct term_mode *m)
{
  static int registered;
  if (m->raw)
    return 0;
  if (tcgetattr(STDIN_FILENO, &m->saved))
    return -1;
  struct termios tm = m->saved;
  cfmakeraw(&tm);
  if (tcsetattr(STDIN_FILENO, TCSADRAIN, &tm))
    return -1;
  m->raw = 1;
  raw_at_exit = m;
  if (!registered++)
    atexit(restore_at_exit);
  return 0;
}

void term_restore(struct term_mode *m)
{
  if (m->raw)
    tcsetattr(STDIN_FILENO, TCSADRAIN, &m->saved);
  m->raw = 0;
  if (raw_at_exit == m)
    raw_at_exit = NULL;
}

int term_size(int *rows, int *cols)
{
  struct winsize ws;
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || !ws.ws_row || !ws.ws_col)
    return -1;
  *rows = ws.ws_row;
  *cols = ws.ws_col;
  return 0;
}

void term_stdin_hold(void)
{
  if (fcntl(STDIN_FILENO, F_GETFD) < 0 && errno == EBADF) {
    int fd = open("/dev/null", O_RDONLY);
    if (fd > STDIN_FILENO)
      close(fd);
  }
}

void term_session_raw(void *data)
{
  struct term_session *t = data;
  if (t->tty)
    term_raw(&t->mode);
}

void term_session_size(void *data)
{
  struct term_session *t = data;
  int rows, cols;
  if (t->tty && t->obj && !term_size(&rows, &cols))
    t->ops->resize(t->obj, rows, cols);
}

static void on_signal(uv_signal_t *h, int signum)
{
  struct term_session *t = h->data;
  if (signum == SIGWINCH) {
    term_session_size(t);
  } else if (t->obj) {
    t->ops->signal(t->obj, signum);
  } else { /* nothing was started yet */
    term_restore(&t->mode);
    signal(signum, SIG_DFL);
    raise(signum);
  }
}

void term_session_open(struct term_session *t, uv_loop_t *loop)
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

void term_session_close(struct term_session *t)
{
  uv_signal_t *h[] = {&t->sigint, &t->sigterm, &t->sigwinch};
  term_restore(&t->mode);
  for (size_t i = 0; i < 3 && t->signals; i++)
    uv_close((uv_handle_t *)h[i], NULL);
  t->signals = 0;
}
