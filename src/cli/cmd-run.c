/* wcompose run: a one-off container for a service, named
 * <project>-<service>-run-<hex>: dependencies first (as up), then the
 * one-off runtime (orchestrate/oneoff) creates, attaches (stdin forwarded),
 * starts, waits and removes it, and its exit code passes through. What
 * stays here is about the user's terminal: raw mode while attached with a
 * TTY (restored on every way out), and the signals that reach the
 * container (SIGINT, SIGTERM; SIGWINCH resizes its TTY). */
#include "cli/cli.h"
#include "orchestrate/oneoff.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

struct run_opts {
  int detach, rm, no_deps, service_ports, no_tty, interactive, use_aliases;
  struct strvec env, volumes, ports, labels;
  const char *entrypoint, *workdir, *user, *name;
};

/* Our terminal and signals while the one-off runs. */
struct run_term {
  struct oneoff *o;
  int tty; /* the container has a TTY: ours goes raw */
  int raw; /* saved holds the mode to restore */
  struct termios saved;
  uv_signal_t sigint, sigterm, sigwinch;
  int signals; /* the handles are initialized */
};

/* Raw as docker's client makes it: keys (Ctrl-C too) go to the container
 * as typed, and no output processing, which the container's TTY did. */
static void term_raw(void *data)
{
  struct run_term *t = data;
  if (!t->tty || t->raw || tcgetattr(STDIN_FILENO, &t->saved))
    return;
  struct termios tm = t->saved;
  cfmakeraw(&tm);
  if (!tcsetattr(STDIN_FILENO, TCSADRAIN, &tm))
    t->raw = 1;
}

static void term_restore(struct run_term *t)
{
  if (t->raw)
    tcsetattr(STDIN_FILENO, TCSADRAIN, &t->saved);
  t->raw = 0;
}

/* The container's TTY gets the size of ours. */
static void term_resize(void *data)
{
  struct run_term *t = data;
  struct winsize ws;
  if (t->tty && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws))
    oneoff_resize(t->o, ws.ws_row, ws.ws_col);
}

static void on_signal(uv_signal_t *h, int signum)
{
  struct run_term *t = h->data;
  if (signum == SIGWINCH)
    term_resize(t);
  else
    oneoff_kill(t->o, signum == SIGINT ? "SIGINT" : "SIGTERM");
}

static void signals_open(struct run_term *t, uv_loop_t *loop)
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

static void signals_close(struct run_term *t)
{
  if (!t->signals)
    return;
  uv_close((uv_handle_t *)&t->sigint, NULL);
  uv_close((uv_handle_t *)&t->sigterm, NULL);
  uv_close((uv_handle_t *)&t->sigwinch, NULL);
  t->signals = 0;
}

static int run_container(struct session *lc, const struct service *s,
                         struct oneoff_options *oo, int *exit_code)
{
  static const struct oneoff_hooks hooks = {
      .output = cli_print_output, .attached = term_raw, .started = term_resize};
  const struct project *p = lc->project;
  char *image_id = NULL;
  int rc = oneoff_prepare(lc, (size_t)(s - p->services), &image_id);
  session_flush(lc);
  oo->image_id = image_id;
  struct run_term t = {.tty = oo->tty};
  if (!rc) {
    t.o = oneoff_new(&lc->loop, lc->engine, p, s, oo, &hooks, &t);
    if (!oo->detach)
      signals_open(&t, &lc->loop);
    oneoff_start(t.o);
    while (!oneoff_finished(t.o))
      if (!uv_run(&lc->loop, UV_RUN_ONCE))
        break;
    term_restore(&t);
    signals_close(&t);
    rc = oneoff_result(t.o, exit_code, &lc->err);
    if (!rc && oo->detach)
      printf("%s\n", oneoff_name(t.o));
    oneoff_free(t.o);
    uv_run(&lc->loop, UV_RUN_NOWAIT);
  }
  free(image_id);
  return rc;
}

enum {
  O_DETACH = 1,
  O_RM,
  O_ENV,
  O_VOLUME,
  O_PUBLISH,
  O_ENTRYPOINT,
  O_WORKDIR,
  O_USER,
  O_NAME,
  O_NO_DEPS,
  O_SERVICE_PORTS,
  O_NO_TTY,
  O_INTERACTIVE,
  O_USE_ALIASES,
  O_LABEL
};

static const struct cli_option options[] = {
    {O_DETACH, 'd', "detach", NULL, "Run in the background, print its name"},
    {O_RM, 0, "rm", NULL, "Remove the container when it exits"},
    {O_ENV, 'e', "env", "KEY[=VAL]", "Set an environment variable",
     CLI_OPT_REPEAT},
    {O_VOLUME, 'v', "volume", "SPEC", "Bind mount a volume", CLI_OPT_REPEAT},
    {O_PUBLISH, 'p', "publish", "SPEC", "Publish [HOST:]CONTAINER[/PROTO]",
     CLI_OPT_REPEAT},
    {O_ENTRYPOINT, 0, "entrypoint", "CMD", "Override the entrypoint"},
    {O_WORKDIR, 'w', "workdir", "DIR",
     "Working directory inside the container"},
    {O_USER, 'u', "user", "USER", "Run as this user"},
    {O_NAME, 0, "name", "NAME", "Name the container"},
    {O_NO_DEPS, 0, "no-deps", NULL, "Don't start linked services"},
    {O_SERVICE_PORTS, 0, "service-ports", NULL, "Publish the service's ports"},
    {O_NO_TTY, 'T', "no-TTY", NULL, "Don't allocate a TTY"},
    {O_INTERACTIVE, 'i', "interactive", NULL, "Keep STDIN open (the default)"},
    {O_USE_ALIASES, 0, "use-aliases", NULL,
     "Use the service's network aliases in the network(s) it joins"},
    {O_LABEL, 'l', "label", "KEY=VAL", "Add or override a label",
     CLI_OPT_REPEAT},
    {0}};

/* Options end at the service name: the command's own flags stay its own. */
static int cmd_run(struct cli_global *g, const struct cli_args *args)
{
  struct run_opts o = {.env = STRVEC_INIT,
                       .volumes = STRVEC_INIT,
                       .ports = STRVEC_INIT,
                       .labels = STRVEC_INIT};
  int code = EXIT_USAGE;
  o.detach = cli_flag(args, O_DETACH) > 0;
  o.rm = cli_flag(args, O_RM) > 0;
  cli_values_copy(args, O_ENV, &o.env);
  cli_values_copy(args, O_VOLUME, &o.volumes);
  cli_values_copy(args, O_PUBLISH, &o.ports);
  cli_values_copy(args, O_LABEL, &o.labels);
  o.entrypoint = cli_value(args, O_ENTRYPOINT);
  o.workdir = cli_value(args, O_WORKDIR);
  o.user = cli_value(args, O_USER);
  o.name = cli_value(args, O_NAME);
  o.no_deps = cli_flag(args, O_NO_DEPS) > 0;
  o.service_ports = cli_flag(args, O_SERVICE_PORTS) > 0;
  o.no_tty = cli_flag(args, O_NO_TTY) > 0;
  o.interactive = cli_flag(args, O_INTERACTIVE) > 0;
  o.use_aliases = cli_flag(args, O_USE_ALIASES) > 0;
  if (!args->pos.n) {
    fprintf(stderr, "wcompose run: name a service\n");
    cli_help(stderr, args->cmd);
    goto out;
  }
  /* A closed stdin would be taken by the first socket or file opened:
   * hold its place with /dev/null (an empty input). */
  if (fcntl(STDIN_FILENO, F_GETFD) < 0 && errno == EBADF) {
    int fd = open("/dev/null", O_RDONLY);
    if (fd > STDIN_FILENO)
      close(fd);
  }
  struct cli_session cs;
  struct session *lc = &cs.s;
  int rc = cli_session_load(&cs, g, args->pos.v, 1, !o.no_deps);
  const struct service *s =
      rc ? NULL : project_service(lc->project, args->pos.v[0]);
  struct oneoff_options oo = {
      .set = {.command = {(const char **)args->pos.v + 1, args->pos.n - 1},
              .entrypoint = o.entrypoint,
              .env = {(const char **)o.env.v, o.env.n},
              .ports = {(const char **)o.ports.v, o.ports.n},
              .volumes = {(const char **)o.volumes.v, o.volumes.n},
              .labels = {(const char **)o.labels.v, o.labels.n},
              .working_dir = o.workdir,
              .user = o.user,
              .name = o.name},
      .tty = !o.no_tty && !o.detach && isatty(STDOUT_FILENO) &&
             isatty(STDIN_FILENO),
      .detach = o.detach,
      .rm = o.rm,
      .service_ports = o.service_ports,
      .use_aliases = o.use_aliases,
      .stdin_fd = o.detach ? -1 : STDIN_FILENO};
  int exit_code = -1;
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
    rc = run_container(lc, s, &oo, &exit_code);
  code = cli_session_exit(&cs, rc);
  if (rc == ERR_CANCELED)
    code = EXIT_SIGINT;
  if (!rc && exit_code >= 0)
    code = exit_code;
  cli_session_close(&cs);
out:
  strvec_clear(&o.env);
  strvec_clear(&o.volumes);
  strvec_clear(&o.ports);
  strvec_clear(&o.labels);
  return code;
}

const struct cli_command cmd_run_entry = {
    .name = "run",
    .summary = "Run a one-off command on a service",
    .usage = "[OPTIONS] SERVICE [COMMAND] [ARGS...]",
    .options = options,
    .run = cmd_run};
