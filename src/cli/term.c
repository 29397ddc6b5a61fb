/* How an interactive session (exec, attach) ended, said. */
#include "cli/cli.h"

int cli_term_ended(const struct term_session *t, int how, const char *name,
                   int exit_code)
{
  if (how)
    fprintf(stderr, "%swcompose: %s; the process may still run in '%s'\n",
            t->tty ? "\n" : "", how == 1 ? "interrupted" : "detached", name);
  return how == 1 ? EXIT_SIGINT : how == 2 ? 0 : exit_code;
}
