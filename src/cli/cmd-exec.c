/* wcompose exec: run a command in the running container of a service
 * (replica --index) through the exec runtime (orchestrate/exec), stream
 * its output and pass its exit code through. Ctrl-C stops following (the
 * command may go on in the container). Stdin is not forwarded yet. */
#include "cli/cli.h"
#include "orchestrate/exec.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct exec_opts {
  int detach, no_tty, privileged, index;
  struct strvec env;
  const char *workdir, *user;
};

static void on_signal(uv_signal_t *h, int signum)
{
  (void)signum;
  exec_interrupt(h->data);
}

static int exec_container(struct session *lc, const struct service *s,
                          const struct exec_opts *o, char **cmd, int ncmd,
                          int *exit_code)
{
  static const struct exec_hooks hooks = {.output = cli_print_output};
  const struct plan_container *c = NULL;
  int rc = session_observe(lc);
  if (!rc)
    rc = exec_find_container(lc->have, lc->nhave, s, o->index, &c, &lc->err);
  if (rc)
    return rc;
  int in_tty = isatty(STDIN_FILENO);
  if (!o->no_tty && !o->detach && in_tty)
    cli_warn("input is not forwarded to the command: interactive sessions "
             "are not supported yet (use -T for scripts)");
  struct exec_spec spec = {.container = c->id,
                           .container_name = c->name,
                           .command = {(const char **)cmd, (size_t)ncmd},
                           .env = {(const char **)o->env.v, o->env.n},
                           .user = o->user,
                           .working_dir = o->workdir,
                           .privileged = o->privileged,
                           .tty = !o->no_tty && !o->detach && in_tty &&
                                  isatty(STDOUT_FILENO),
                           .detach = o->detach};
  struct exec *x =
      exec_new(&lc->loop, lc->engine, lc->project, &spec, &hooks, NULL);
  uv_signal_t sigint, sigterm;
  uv_signal_init(&lc->loop, &sigint);
  uv_signal_init(&lc->loop, &sigterm);
  sigint.data = sigterm.data = x;
  uv_signal_start(&sigint, on_signal, SIGINT);
  uv_signal_start(&sigterm, on_signal, SIGTERM);
  exec_start(x);
  while (!exec_finished(x))
    if (!uv_run(&lc->loop, UV_RUN_ONCE))
      break;
  uv_close((uv_handle_t *)&sigint, NULL);
  uv_close((uv_handle_t *)&sigterm, NULL);
  int interrupted = 0;
  rc = exec_result(x, exit_code, &interrupted, &lc->err);
  exec_free(x);
  uv_run(&lc->loop, UV_RUN_NOWAIT);
  if (!rc && interrupted) {
    fprintf(stderr,
            "wcompose: interrupted; the command may still run in "
            "container '%s'\n",
            c->name);
    *exit_code = EXIT_SIGINT;
  }
  return rc;
}

enum {
  O_DETACH = 1,
  O_ENV,
  O_WORKDIR,
  O_USER,
  O_PRIVILEGED,
  O_INDEX,
  O_NO_TTY
};

static const struct cli_option options[] = {
    {O_DETACH, 'd', "detach", NULL, "Run the command in the background"},
    {O_ENV, 'e', "env", "KEY[=VAL]", "Set an environment variable",
     CLI_OPT_REPEAT},
    {O_INDEX, 0, "index", "N",
     "Index of the container if the service has several replicas (default "
     "1)",
     CLI_OPT_REPLICA},
    {O_PRIVILEGED, 0, "privileged", NULL,
     "Give extended privileges to the process"},
    {O_USER, 'u', "user", "USER", "Run the command as this user"},
    {O_WORKDIR, 'w', "workdir", "DIR", "Working directory of the command"},
    {O_NO_TTY, 'T', "no-TTY", NULL,
     "Don't allocate a TTY (by default one is allocated when stdin and "
     "stdout are terminals)"},
    {0}};

/* Options end at the service name: the command's own flags stay its own. */
static int cmd_exec(struct cli_global *g, const struct cli_args *args)
{
  struct exec_opts o = {.env = STRVEC_INIT, .index = 1};
  int code = EXIT_USAGE;
  o.detach = cli_flag(args, O_DETACH) > 0;
  cli_values_copy(args, O_ENV, &o.env);
  o.workdir = cli_value(args, O_WORKDIR);
  o.user = cli_value(args, O_USER);
  o.privileged = cli_flag(args, O_PRIVILEGED) > 0;
  o.index = cli_int(args, O_INDEX, 1);
  o.no_tty = cli_flag(args, O_NO_TTY) > 0;
  if (!args->pos.n) {
    fprintf(stderr, "wcompose exec: name a service and a command\n");
    cli_help(stderr, args->cmd);
    goto out;
  }
  if (args->pos.n < 2) {
    fprintf(stderr, "wcompose exec: name a command to run in '%s'\n",
            args->pos.v[0]);
    cli_help(stderr, args->cmd);
    goto out;
  }
  struct cli_session cs;
  struct session *lc = &cs.s;
  int rc = cli_session_load(&cs, g, args->pos.v, 1, 0);
  const struct service *s =
      rc ? NULL : project_service(lc->project, args->pos.v[0]);
  int exit_code = -1;
  if (!rc)
    rc = cli_session_open(&cs);
  progress_end(&cs.progress);
  if (!rc)
    rc = exec_container(lc, s, &o, args->pos.v + 1, (int)args->pos.n - 1,
                        &exit_code);
  code = cli_session_exit(&cs, rc);
  if (!rc && exit_code >= 0)
    code = exit_code;
  cli_session_close(&cs);
out:
  strvec_clear(&o.env);
  return code;
}

const struct cli_command cmd_exec_entry = {
    .name = "exec",
    .summary = "Execute a command in a running container",
    .usage = "[OPTIONS] SERVICE COMMAND [ARGS...]",
    .description = "Execute a command in a running container.\n\n"
                   "Standard input is not forwarded to the command.\n",
    .options = options,
    .run = cmd_exec};
