/* wcompose exec: run a command in the running container of a service
 * (replica --index) through the exec runtime (orchestrate/exec): our stdin
 * forwarded, a TTY when stdin is a terminal (-T: none), the terminal as
 * run's (util/term.h), the detach keys, and the exit code passed through.
 * Ctrl-C: with a TTY it is a key for the container; without, it stops
 * following (the command may go on in the container). */
#include "cli/cli.h"
#include "orchestrate/exec.h"

#include <unistd.h>

enum { O_DETACH = 1, O_ENV, O_WORKDIR, O_USER, O_PRIV, O_INDEX, O_NO_TTY, O_I };
enum { O_DETACH_KEYS = O_I + 1 };

static const struct cli_option options[] = {
    {O_DETACH, 'd', "detach", NULL, "Run the command in the background"},
    {O_ENV, 'e', "env", "KEY[=VAL]", "Set an environment variable",
     CLI_OPT_REPEAT},
    {O_INDEX, 0, "index", "N", "Index of the replica (default 1)",
     CLI_OPT_REPLICA},
    {O_PRIV, 0, "privileged", NULL, "Give extended privileges to the process"},
    {O_USER, 'u', "user", "USER", "Run the command as this user"},
    {O_WORKDIR, 'w', "workdir", "DIR", "Working directory of the command"},
    {O_NO_TTY, 'T', "no-TTY", NULL,
     "Don't allocate a TTY (one is when stdin is a terminal)"},
    {O_I, 'i', "interactive", NULL, "Keep STDIN open (the default)"},
    {O_DETACH_KEYS, 0, "detach-keys", "KEYS", "Detach keys (ctrl-p,ctrl-q)"},
    {0}};

/* Options end at the service name: the command's own flags stay its own. */
static int cmd_exec(struct cli_global *g, const struct cli_args *args)
{
  static const struct exec_hooks hooks = {.output = cli_print_output,
                                          .attached = term_session_raw,
                                          .started = term_session_size};
  struct strvec env = STRVEC_INIT;
  int code = EXIT_USAGE, detach = cli_flag(args, O_DETACH) > 0;
  cli_values_copy(args, O_ENV, &env);
  struct exec_spec spec = {
      .command = {args->pos.n ? (const char **)args->pos.v + 1 : NULL,
                  args->pos.n ? args->pos.n - 1 : 0},
      .env = {(const char **)env.v, env.n},
      .user = cli_value(args, O_USER),
      .working_dir = cli_value(args, O_WORKDIR),
      .privileged = cli_flag(args, O_PRIV) > 0,
      .tty = cli_flag(args, O_NO_TTY) <= 0 && !detach && isatty(STDIN_FILENO),
      .detach = detach,
      .interactive = !detach,
      .stdin_fd = STDIN_FILENO,
      .detach_keys = cli_value(args, O_DETACH_KEYS)};
  if (args->pos.n < 2) {
    fprintf(stderr, "wcompose exec: name a service and a command\n");
    cli_help(stderr, args->cmd);
    goto out;
  }
  term_stdin_hold();
  struct cli_session cs;
  struct session *lc = &cs.s;
  int rc = cli_session_load(&cs, g, args->pos.v, 1, 0);
  const struct service *s =
      rc ? NULL : project_service(lc->project, args->pos.v[0]);
  int exit_code = -1, how = 0;
  struct term_session t = {.tty = spec.tty, .ops = &exec_target};
  if (!rc)
    rc = cli_session_open(&cs);
  progress_end(&cs.progress);
  if (!rc) {
    term_session_open(&t, &lc->loop);
    rc = exec_session_run(lc, s, cli_int(args, O_INDEX, 1), &spec, &hooks, &t,
                          &t.obj, &exit_code, &how);
    term_session_close(&t);
  }
  if (!rc)
    exit_code = cli_term_ended(&t, how, spec.container_name, exit_code);
  code = cli_session_exit(&cs, rc);
  if (!rc && exit_code >= 0)
    code = exit_code;
  cli_session_close(&cs);
out:
  strvec_clear(&env);
  return code;
}

const struct cli_command cmd_exec_entry = {
    .name = "exec",
    .summary = "Execute a command in a running container",
    .usage = "[OPTIONS] SERVICE COMMAND [ARGS...]",
    .options = options,
    .run = cmd_exec,
    .flags = CLI_CMD_RUNNING};
