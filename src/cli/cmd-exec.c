/* wcompose exec: run a command in the running container of a service
 * (replica --index), stream its output and pass its exit code through, as
 * read from the exec's inspect once the output has ended. Stdin is not
 * forwarded: there is no hijacked connection yet. */
#include "cli/cli.h"
#include "orchestrate/converge.h"
#include "orchestrate/resources.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* The running container of service s with replica number index. */
static int find_container(struct session *lc, const struct service *s,
                          int index, const struct plan_container **out)
{
  int running = 0;
  for (size_t i = 0; i < lc->nhave; i++) {
    const struct plan_container *c = &lc->have[i];
    if (c->oneoff || !c->service || strcmp(c->service, s->name) || !c->state ||
        strcmp(c->state, "running"))
      continue;
    running++;
    if (c->number == index) {
      *out = c;
      return 0;
    }
  }
  if (!running)
    return err_set(&lc->err, ERR_STATE, "service \"%s\" is not running",
                   s->name);
  return err_set(&lc->err, ERR_NOTFOUND,
                 "service \"%s\" is not running container #%d", s->name, index);
}

static cJSON *exec_body(const struct exec_opts *o, char **cmd, int ncmd,
                        int tty)
{
  cJSON *body = cJSON_CreateObject();
  cJSON *a = cJSON_AddArrayToObject(body, "Cmd");
  for (int i = 0; i < ncmd; i++)
    cJSON_AddItemToArray(a, cJSON_CreateString(cmd[i]));
  cJSON_AddBoolToObject(body, "AttachStdin", 0);
  cJSON_AddBoolToObject(body, "AttachStdout", !o->detach);
  cJSON_AddBoolToObject(body, "AttachStderr", !o->detach);
  cJSON_AddBoolToObject(body, "Tty", tty);
  cJSON_AddBoolToObject(body, "Privileged", o->privileged);
  if (o->env.n) {
    cJSON *env = cJSON_AddArrayToObject(body, "Env");
    for (size_t i = 0; i < o->env.n; i++) {
      const char *kv = o->env.v[i];
      if (strchr(kv, '=')) {
        cJSON_AddItemToArray(env, cJSON_CreateString(kv));
      } else if (getenv(kv)) {
        /* KEY alone takes our value, as compose does */
        char *t = xasprintf("%s=%s", kv, getenv(kv));
        cJSON_AddItemToArray(env, cJSON_CreateString(t));
        free(t);
      }
    }
  }
  if (o->user)
    cJSON_AddStringToObject(body, "User", o->user);
  if (o->workdir)
    cJSON_AddStringToObject(body, "WorkingDir", o->workdir);
  return body;
}

/* The output stream, which Ctrl-C ends: the engine has no call to signal
 * an exec'ed process, so it is left to finish in the container. */
struct exec_stream {
  struct session_call await;
  struct engine_call *call; /* NULL once the stream has completed */
  uv_signal_t sigint, sigterm;
  int interrupted;
};

static void on_stream_done(void *ctx, struct engine_result *res)
{
  struct exec_stream *st = ctx;
  st->call = NULL;
  session_call_cb(&st->await, res);
}

static void on_signal(uv_signal_t *h, int signum)
{
  (void)signum;
  struct exec_stream *st = h->data;
  st->interrupted = 1;
  if (st->call)
    engine_call_cancel(st->call);
}

static int exec_stream(struct session *lc, const char *exec_id, int tty,
                       int *interrupted)
{
  struct exec_stream st = {.await = {.err = &lc->err}};
  uv_signal_init(&lc->loop, &st.sigint);
  uv_signal_init(&lc->loop, &st.sigterm);
  st.sigint.data = st.sigterm.data = &st;
  uv_signal_start(&st.sigint, on_signal, SIGINT);
  uv_signal_start(&st.sigterm, on_signal, SIGTERM);
  int rc = engine_exec_start(lc->engine, exec_id, tty, 0, cli_print_output,
                             on_stream_done, &st, &st.call, &lc->err);
  if (!rc)
    rc = session_call_wait(lc, &st.await);
  uv_close((uv_handle_t *)&st.sigint, NULL);
  uv_close((uv_handle_t *)&st.sigterm, NULL);
  uv_run(&lc->loop, UV_RUN_NOWAIT);
  session_call_release(&st.await);
  *interrupted = st.interrupted;
  if (rc == ERR_CANCELED && st.interrupted) {
    err_release(&lc->err);
    lc->err = (struct err)ERR_INIT;
  }
  return rc;
}

/* The exit code of the ended exec. The output ends with the process, but
 * give the engine a moment if it still says it is running. */
static int exec_exit_code(struct session *lc, const char *exec_id, int *code)
{
  for (int tries = 0;; tries++) {
    struct session_call a = {.err = &lc->err};
    int rc =
        engine_exec_inspect(lc->engine, exec_id, session_call_cb, &a, &lc->err);
    if (!rc)
      rc = session_call_wait(lc, &a);
    const cJSON *run =
        a.json ? cJSON_GetObjectItemCaseSensitive(a.json, "Running") : NULL;
    const cJSON *ec =
        a.json ? cJSON_GetObjectItemCaseSensitive(a.json, "ExitCode") : NULL;
    int running = cJSON_IsTrue(run);
    if (!rc && !running && cJSON_IsNumber(ec))
      *code = ec->valueint;
    else if (!rc && (!running || tries >= 50))
      rc = err_set(&lc->err, ERR_PROTO, "inspecting exec '%.12s': no exit code",
                   exec_id);
    session_call_release(&a);
    if (rc || !running)
      return rc;
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
}

static int exec_run(struct session *lc, const struct service *s,
                    const struct exec_opts *o, char **cmd, int ncmd,
                    int *exit_code)
{
  const struct plan_container *c = NULL;
  int rc = session_observe(lc);
  if (!rc)
    rc = find_container(lc, s, o->index, &c);
  if (rc)
    return rc;
  int in_tty = isatty(STDIN_FILENO);
  int tty = !o->no_tty && !o->detach && in_tty && isatty(STDOUT_FILENO);
  if (!o->no_tty && !o->detach && in_tty)
    cli_warn("input is not forwarded to the command: interactive sessions "
             "are not supported yet (use -T for scripts)");

  struct session_call a = {.err = &lc->err};
  rc = engine_exec_create(lc->engine, c->id, exec_body(o, cmd, ncmd, tty),
                          session_call_cb, &a, &lc->err);
  if (!rc)
    rc = session_call_wait(lc, &a);
  const cJSON *jid =
      a.json ? cJSON_GetObjectItemCaseSensitive(a.json, "Id") : NULL;
  char *exec_id = NULL;
  if (!rc && cJSON_IsString(jid))
    exec_id = xstrdup(jid->valuestring);
  else if (!rc)
    rc = err_set(&lc->err, ERR_PROTO, "creating an exec in '%s': no Id",
                 c->name);
  session_call_release(&a);
  if (rc)
    return rc;

  if (o->detach) {
    struct session_call st = {.err = &lc->err};
    rc = engine_exec_start(lc->engine, exec_id, 0, 1, NULL, session_call_cb,
                           &st, NULL, &lc->err);
    if (!rc)
      rc = session_call_wait(lc, &st);
    session_call_release(&st);
    if (!rc)
      *exit_code = 0;
  } else {
    int interrupted = 0;
    rc = exec_stream(lc, exec_id, tty, &interrupted);
    if (interrupted) {
      fprintf(stderr,
              "wcompose: interrupted; the command may still run in "
              "container '%s'\n",
              c->name);
      *exit_code = EXIT_SIGINT;
      rc = 0;
    } else if (!rc) {
      rc = exec_exit_code(lc, exec_id, exit_code);
    }
  }
  free(exec_id);
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
      o.index = cli_parse_seconds(optarg);
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
  struct cli_session cs;
  struct session *lc = &cs.s;
  int rc = cli_session_load(&cs, g, argv + optind, 1, 0);
  const struct service *s =
      rc ? NULL : project_service(lc->project, argv[optind]);
  int exit_code = -1;
  if (!rc)
    rc = cli_session_open(&cs);
  progress_end(&cs.progress);
  if (!rc)
    rc = exec_run(lc, s, &o, argv + optind + 1, argc - optind - 1, &exit_code);
  code = cli_session_exit(&cs, rc);
  if (!rc && exit_code >= 0)
    code = exit_code;
  cli_session_close(&cs);
out:
  strvec_clear(&o.env);
  return code;
}
