/* term: raw mode and back (the atexit restore covers exit() paths), and
 * the window size. */
#include "util/term.h"

#include <errno.h>
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
