/* wcompose exec: run a command in the running container of a service
 * (replica --index) through the exec runtime (orchestrate/exec), stream
 * its output and pass its exit code through. Ctrl-C stops following (the
 * command may go on in the container). Stdin is not forwarded yet. */
#include "cli/lifecycle.h"
#include "orchestrate/exec.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
  fprintf(f, "Usage: wcompose exec [OPTIONS] SERVICE COMMAND [ARGS...]\n\n"
             "Execute a command in a running container.\n\n"
             "Options:\n"
             "  -d, --detach             Run the command in the background\n"
             "  -e, --env KEY[=VAL]      Set an environment variable "
             "(repeatable)\n"
             "      --index N            Index of the container if the service "
             "has\n"
             "                           several replicas (default 1)\n"
             "      --privileged         Give extended privileges to the "
             "process\n"
             "  -u, --user USER          Run the command as this user\n"
             "  -w, --workdir DIR        Working directory of the command\n"
             "  -T, --no-TTY             Don't allocate a TTY (by default one "
             "is\n"
             "                           allocated when stdin and stdout are "
             "terminals)\n"
             "\nStandard input is not forwarded to the command.\n");
}

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

static int exec_container(struct lc *lc, const struct service *s,
                          const struct exec_opts *o, char **cmd, int ncmd,
                          int *exit_code)
{
  static const struct exec_hooks hooks = {.output = lc_print_output};
  const struct plan_container *c = NULL;
  int rc = lc_observe(lc);
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

int cmd_exec(struct cli_global *g, int argc, char **argv)
{
  enum { O_PRIVILEGED = 256, O_INDEX };
  static const struct option longopts[] = {
      {"detach", no_argument, NULL, 'd'},
      {"env", required_argument, NULL, 'e'},
      {"workdir", required_argument, NULL, 'w'},
      {"user", required_argument, NULL, 'u'},
      {"privileged", no_argument, NULL, O_PRIVILEGED},
      {"index", required_argument, NULL, O_INDEX},
      {"no-TTY", no_argument, NULL, 'T'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  struct exec_opts o = {.env = STRVEC_INIT, .index = 1};
  int c, code = EXIT_USAGE;
  /* '+': options end at the service name; the command's own flags stay */
  while ((c = getopt_long(argc, argv, "+hde:w:u:T", longopts, NULL)) != -1) {
    switch (c) {
    case 'd':
      o.detach = 1;
      break;
    case 'e':
      strvec_push(&o.env, optarg);
      break;
    case 'w':
      o.workdir = optarg;
      break;
    case 'u':
      o.user = optarg;
      break;
    case O_PRIVILEGED:
      o.privileged = 1;
      break;
    case O_INDEX:
      o.index = lc_parse_int(optarg);
      if (o.index < 1) {
        fprintf(stderr,
                "wcompose exec: --index: '%s' is not a replica number\n",
                optarg);
        goto out;
      }
      break;
    case 'T':
      o.no_tty = 1;
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
    fprintf(stderr, "wcompose exec: name a service and a command\n");
    usage(stderr);
    goto out;
  }
  if (optind + 1 >= argc) {
    fprintf(stderr, "wcompose exec: name a command to run in '%s'\n",
            argv[optind]);
    usage(stderr);
    goto out;
  }
  struct lc lc;
  int rc = lc_load(&lc, g, argv + optind, 1, 0);
  const struct service *s =
      rc ? NULL : project_service(lc.project, argv[optind]);
  int exit_code = -1;
  if (!rc)
    rc = lc_engine(&lc);
  progress_end(&lc.progress);
  if (!rc)
    rc = exec_container(&lc, s, &o, argv + optind + 1, argc - optind - 1,
                        &exit_code);
  code = lc_exit(&lc, rc);
  if (!rc && exit_code >= 0)
    code = exit_code;
  lc_close(&lc);
out:
  strvec_clear(&o.env);
  return code;
}
