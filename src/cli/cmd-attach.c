/* wcompose attach: our terminal on a service's running container
 * (orchestrate/attach), the terminal as run's (util/term.h). */
#include "cli/cli.h"
#include "orchestrate/attach.h"

#include <string.h>
#include <unistd.h>

enum { O_INDEX = 1, O_NO_STDIN, O_DETACH_KEYS, O_SIG_PROXY };

static const struct cli_option options[] = {
    {O_INDEX, 0, "index", "N", "Index of the container (default 1)",
     CLI_OPT_REPLICA},
    {O_NO_STDIN, 0, "no-stdin", NULL, "Do not attach STDIN"},
    {O_DETACH_KEYS, 0, "detach-keys", "KEYS", "Detach keys (ctrl-p,ctrl-q)"},
    {O_SIG_PROXY, 0, "sig-proxy", "BOOL",
     "Proxy SIGINT and SIGTERM to the process (default true)", 0, "true|false"},
    {0}};

static int cmd_attach(struct cli_global *g, const struct cli_args *args)
{
  static const struct attach_hooks hooks = {.output = cli_print_output,
                                            .attached = term_session_raw,
                                            .started = term_session_size};
  const char *proxy = cli_value(args, O_SIG_PROXY);
  struct attach_options o = {.index = cli_int(args, O_INDEX, 1),
                             .no_stdin = cli_flag(args, O_NO_STDIN) > 0,
                             .stdin_fd = STDIN_FILENO,
                             .detach_keys = cli_value(args, O_DETACH_KEYS),
                             .sig_proxy = !proxy || strcmp(proxy, "false")};
  if (args->pos.n != 1) {
    fprintf(stderr, "wcompose attach: name one service\n");
    return cli_help(stderr, args->cmd), EXIT_USAGE;
  }
  term_stdin_hold();
  struct cli_session cs;
  int rc = cli_session_load(&cs, g, args->pos.v, 1, 0), exit_code, how = 0;
  const char *name = NULL;
  struct term_session t = {.ops = &attach_target};
  if (!rc)
    rc = cli_session_open(&cs);
  progress_end(&cs.progress);
  if (!rc) {
    term_session_open(&t, &cs.s.loop);
    const struct service *s = project_service(cs.s.project, args->pos.v[0]);
    rc = attach_session_run(&cs.s, s, &o, &hooks, &t, &t.obj, &t.tty,
                            &exit_code, &how, &name);
    term_session_close(&t);
  }
  int code = cli_session_exit(&cs, rc);
  if (!rc)
    code = cli_term_ended(&t, how, name, exit_code);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_attach_entry = {
    .name = "attach",
    .summary = "Attach to a service's running container",
    .usage = "[OPTIONS] SERVICE",
    .options = options,
    .run = cmd_attach,
    .flags = CLI_CMD_RUNNING};
