/* wcompose run: a one-off container for a service, named
 * <project>-<service>-run-<hex>: dependencies first (as up), then the
 * one-off runtime (orchestrate/oneoff) creates, attaches (stdin forwarded),
 * starts, waits and removes it, and its exit code passes through. The
 * terminal (util/term.h): raw with a TTY, SIGINT and SIGTERM sent to the
 * container, SIGWINCH resizes its TTY. */
#include "cli/cli.h"
#include "orchestrate/oneoff.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <unistd.h>

enum { O_DETACH = 1, O_RM, O_ENV, O_VOLUME, O_PUBLISH, O_ENTRYPOINT };
enum { O_WORKDIR = O_ENTRYPOINT + 1, O_USER, O_NAME, O_NO_DEPS, O_PORTS };
enum { O_NO_TTY = O_PORTS + 1, O_INTERACTIVE, O_USE_ALIASES, O_LABEL };

static const struct cli_option options[] = {
    {O_DETACH, 'd', "detach", NULL, "Run in the background, print its name"},
    {O_RM, 0, "rm", NULL, "Remove the container when it exits"},
    {O_ENV, 'e', "env", "KEY[=VAL]", "Set an environment variable",
     CLI_OPT_REPEAT},
    {O_VOLUME, 'v', "volume", "SPEC", "Bind mount a volume", CLI_OPT_REPEAT},
    {O_PUBLISH, 'p', "publish", "SPEC", "Publish [HOST:]CONTAINER[/PROTO]",
     CLI_OPT_REPEAT},
    {O_ENTRYPOINT, 0, "entrypoint", "CMD", "Override the entrypoint"},
    {O_WORKDIR, 'w', "workdir", "DIR", "Working directory in the container"},
    {O_USER, 'u', "user", "USER", "Run as this user"},
    {O_NAME, 0, "name", "NAME", "Name the container"},
    {O_NO_DEPS, 0, "no-deps", NULL, "Don't start linked services"},
    {O_PORTS, 0, "service-ports", NULL, "Publish the service's ports"},
    {O_NO_TTY, 'T', "no-TTY", NULL, "Don't allocate a TTY"},
    {O_INTERACTIVE, 'i', "interactive", NULL, "Keep STDIN open (the default)"},
    {O_USE_ALIASES, 0, "use-aliases", NULL,
     "Use the service's network aliases"},
    {O_LABEL, 'l', "label", "KEY=VAL", "Add or override a label",
     CLI_OPT_REPEAT},
    {0}};

/* Options end at the service name: the command's own flags stay its own. */
static int cmd_run(struct cli_global *g, const struct cli_args *args)
{
  struct strvec env = STRVEC_INIT, volumes = STRVEC_INIT;
  struct strvec ports = STRVEC_INIT, labels = STRVEC_INIT;
  int code = EXIT_USAGE, detach = cli_flag(args, O_DETACH) > 0;
  cli_values_copy(args, O_ENV, &env);
  cli_values_copy(args, O_VOLUME, &volumes);
  cli_values_copy(args, O_PUBLISH, &ports);
  cli_values_copy(args, O_LABEL, &labels);
  struct oneoff_options oo = {
      .set = {.command = {args->pos.n ? (const char **)args->pos.v + 1 : NULL,
                          args->pos.n ? args->pos.n - 1 : 0},
              .entrypoint = cli_value(args, O_ENTRYPOINT),
              .env = {(const char **)env.v, env.n},
              .ports = {(const char **)ports.v, ports.n},
              .volumes = {(const char **)volumes.v, volumes.n},
              .labels = {(const char **)labels.v, labels.n},
              .working_dir = cli_value(args, O_WORKDIR),
              .user = cli_value(args, O_USER),
              .name = cli_value(args, O_NAME)},
      .tty = cli_flag(args, O_NO_TTY) <= 0 && !detach &&
             isatty(STDOUT_FILENO) && isatty(STDIN_FILENO),
      .detach = detach,
      .rm = cli_flag(args, O_RM) > 0,
      .service_ports = cli_flag(args, O_PORTS) > 0,
      .use_aliases = cli_flag(args, O_USE_ALIASES) > 0,
      .stdin_fd = detach ? -1 : STDIN_FILENO};
  if (!args->pos.n) {
    fprintf(stderr, "wcompose run: name a service\n");
    cli_help(stderr, args->cmd);
    goto out;
  }
  term_stdin_hold();
  struct cli_session cs;
  struct session *lc = &cs.s;
  int rc =
      cli_session_load(&cs, g, args->pos.v, 1, cli_flag(args, O_NO_DEPS) <= 0);
  const struct service *s =
      rc ? NULL : project_service(lc->project, args->pos.v[0]);
  static const struct oneoff_hooks hooks = {.output = cli_print_output,
                                            .attached = term_session_raw,
                                            .started = term_session_size};
  struct term_session t = {.tty = oo.tty, .ops = &oneoff_target};
  int exit_code = -1;
  char *name = NULL;
  if (!rc)
    rc = oneoff_check(lc->project, s, &oo, &lc->err);
  if (!rc)
    rc = session_check_builds(lc);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = oneoff_deps(lc, (size_t)(s - lc->project->services));
  progress_end(&cs.progress);
  if (!rc)
    term_session_open(&t, &lc->loop);
  if (!rc)
    rc = oneoff_session_run(lc, (size_t)(s - lc->project->services), &oo,
                            &hooks, &t, &t.obj, &exit_code, &name);
  term_session_close(&t);
  if (!rc && detach)
    printf("%s\n", name);
  free(name);
  code = cli_session_exit(&cs, rc);
  if (rc == ERR_CANCELED)
    code = EXIT_SIGINT;
  if (!rc && exit_code >= 0)
    code = exit_code;
  cli_session_close(&cs);
out:
  strvec_clear(&env);
  strvec_clear(&volumes);
  strvec_clear(&ports);
  strvec_clear(&labels);
  return code;
}

const struct cli_command cmd_run_entry = {
    .name = "run",
    .summary = "Run a one-off command on a service",
    .usage = "[OPTIONS] SERVICE [COMMAND] [ARGS...]",
    .options = options,
    .run = cmd_run};
