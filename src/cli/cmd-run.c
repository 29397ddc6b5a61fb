/* wcompose run: a one-off container for a service, named
 * <project>-<service>-run-<hex>: dependencies first (as up), then the
 * one-off runtime (orchestrate/oneoff) creates, attaches (stdin forwarded),
 * starts, waits and removes it, and its exit code passes through. What
 * stays here is about the user's terminal: raw mode while attached with a
 * TTY (restored on every way out), and the signals that reach the
 * container (SIGINT, SIGTERM; SIGWINCH resizes its TTY). */
#include "cli/lifecycle.h"
#include "orchestrate/oneoff.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static void usage(FILE *f)
{
  fprintf(f,
          "Usage: wcompose run [OPTIONS] SERVICE [COMMAND] [ARGS...]\n\n"
          "Run a one-off command on a service.\n\n"
          "Options:\n"
          "  -d, --detach             Run in the background, print its name\n"
          "      --rm                 Remove the container when it exits\n"
          "  -e, --env KEY[=VAL]      Set an environment variable "
          "(repeatable)\n"
          "  -v, --volume SPEC        Bind mount a volume (repeatable)\n"
          "  -p, --publish SPEC       Publish [HOST:]CONTAINER[/PROTO] "
          "(repeatable)\n"
          "      --entrypoint CMD     Override the entrypoint\n"
          "  -w, --workdir DIR        Working directory inside the "
          "container\n"
          "  -u, --user USER          Run as this user\n"
          "      --name NAME          Name the container\n"
          "      --no-deps            Don't start linked services\n"
          "      --service-ports      Publish the service's ports\n"
          "  -T, --no-TTY             Don't allocate a TTY\n"
          "  -i, --interactive        Keep STDIN open (the default)\n");
}

struct run_opts {
  int detach, rm, no_deps, service_ports, no_tty, interactive;
  struct strvec env, volumes, ports;
  const char *entrypoint, *workdir, *user, *name;
};

/* Dependencies of the service (selected by lc_load), as up would. */
static int start_deps(struct lc *lc, size_t target)
{
  const struct project *p = lc->project;
  size_t n = 0;
  for (size_t i = 0; i < p->nservices; i++)
    n += i != target && lc->selected[i];
  if (!n)
    return 0;
  lc->selected[target] = 0;
  struct lc_converge co = {.timeout = -1};
  struct plan plan = PLAN_INIT;
  int rc = lc_converge(lc, &co, &plan);
  plan_release(&plan);
  lc->selected[target] = 1;
  return rc;
}

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

static int run_container(struct lc *lc, const struct service *s,
                         struct oneoff_options *oo, int *exit_code)
{
  static const struct oneoff_hooks hooks = {
      .output = lc_print_output, .attached = term_raw, .started = term_resize};
  const struct project *p = lc->project;
  size_t target = (size_t)(s - p->services);
  for (size_t i = 0; i < p->nservices; i++)
    lc->selected[i] = i == target;
  int rc = lc_ensure_resources(lc);
  char **ids = xcalloc(p->nservices, sizeof(*ids));
  if (!rc)
    rc = lc_images(lc, 0, 0, NULL, ids);
  progress_end(&lc->progress);
  oo->image_id = ids[target];
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
  for (size_t i = 0; i < p->nservices; i++)
    free(ids[i]);
  free(ids);
  return rc;
}

int cmd_run(struct cli_global *g, int argc, char **argv)
{
  enum { O_RM = 256, O_ENTRYPOINT, O_NAME, O_NO_DEPS, O_SERVICE_PORTS };
  static const struct option longopts[] = {
      {"detach", no_argument, NULL, 'd'},
      {"rm", no_argument, NULL, O_RM},
      {"env", required_argument, NULL, 'e'},
      {"volume", required_argument, NULL, 'v'},
      {"publish", required_argument, NULL, 'p'},
      {"entrypoint", required_argument, NULL, O_ENTRYPOINT},
      {"workdir", required_argument, NULL, 'w'},
      {"user", required_argument, NULL, 'u'},
      {"name", required_argument, NULL, O_NAME},
      {"no-deps", no_argument, NULL, O_NO_DEPS},
      {"service-ports", no_argument, NULL, O_SERVICE_PORTS},
      {"no-TTY", no_argument, NULL, 'T'},
      {"interactive", no_argument, NULL, 'i'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  struct run_opts o = {
      .env = STRVEC_INIT, .volumes = STRVEC_INIT, .ports = STRVEC_INIT};
  int c, code = EXIT_USAGE;
  /* '+': options end at the service name; the command's own flags stay */
  while ((c = getopt_long(argc, argv, "+hde:v:p:w:u:Ti", longopts, NULL)) !=
         -1) {
    switch (c) {
    case 'd':
      o.detach = 1;
      break;
    case O_RM:
      o.rm = 1;
      break;
    case 'e':
      strvec_push(&o.env, optarg);
      break;
    case 'v':
      strvec_push(&o.volumes, optarg);
      break;
    case 'p':
      strvec_push(&o.ports, optarg);
      break;
    case O_ENTRYPOINT:
      o.entrypoint = optarg;
      break;
    case 'w':
      o.workdir = optarg;
      break;
    case 'u':
      o.user = optarg;
      break;
    case O_NAME:
      o.name = optarg;
      break;
    case O_NO_DEPS:
      o.no_deps = 1;
      break;
    case O_SERVICE_PORTS:
      o.service_ports = 1;
      break;
    case 'T':
      o.no_tty = 1;
      break;
    case 'i':
      o.interactive = 1;
      break;
    case 'h':
      usage(stdout);
      code = EXIT_OK;
      goto out;
    default:
      usage(stderr);
      goto out;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "wcompose run: name a service\n");
    usage(stderr);
    goto out;
  }
  /* A closed stdin would be taken by the first socket or file opened:
   * hold its place with /dev/null (an empty input). */
  if (fcntl(STDIN_FILENO, F_GETFD) < 0 && errno == EBADF) {
    int fd = open("/dev/null", O_RDONLY);
    if (fd > STDIN_FILENO)
      close(fd);
  }
  struct lc lc;
  int rc = lc_load(&lc, g, argv + optind, 1, !o.no_deps);
  const struct service *s =
      rc ? NULL : project_service(lc.project, argv[optind]);
  struct oneoff_options oo = {
      .set = {.command = {(const char **)argv + optind + 1,
                          (size_t)(argc - optind - 1)},
              .entrypoint = o.entrypoint,
              .env = {(const char **)o.env.v, o.env.n},
              .ports = {(const char **)o.ports.v, o.ports.n},
              .volumes = {(const char **)o.volumes.v, o.volumes.n},
              .working_dir = o.workdir,
              .user = o.user,
              .name = o.name},
      .tty = !o.no_tty && !o.detach && isatty(STDOUT_FILENO) &&
             isatty(STDIN_FILENO),
      .detach = o.detach,
      .rm = o.rm,
      .service_ports = o.service_ports,
      /* the aliases run has always given, until --use-aliases exists */
      .use_aliases = 1,
      .stdin_fd = o.detach ? -1 : STDIN_FILENO};
  int exit_code = -1;
  if (!rc)
    rc = oneoff_check(lc.project, s, &oo, &lc.err);
  if (!rc)
    rc = lc_check_builds(&lc);
  if (!rc)
    rc = lc_engine(&lc);
  if (!rc)
    rc = start_deps(&lc, (size_t)(s - lc.project->services));
  progress_end(&lc.progress);
  if (!rc)
    rc = run_container(&lc, s, &oo, &exit_code);
  code = lc_exit(&lc, rc);
  if (rc == ERR_CANCELED)
    code = EXIT_SIGINT;
  if (!rc && exit_code >= 0)
    code = exit_code;
  lc_close(&lc);
out:
  strvec_clear(&o.env);
  strvec_clear(&o.volumes);
  strvec_clear(&o.ports);
  return code;
}
