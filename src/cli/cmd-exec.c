/* wcompose exec: run a command in the running container of a service
 * (replica --index), stream its output and pass its exit code through, as
 * read from the exec's inspect once the output has ended. Stdin is not
 * forwarded: there is no hijacked connection yet. */
#include "cli/cli.h"
#include "orchestrate/converge.h"
#include "orchestrate/resources.h"
#include "util/xalloc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
  struct exec_opts o = {.env = STRVEC_INIT, .index = cli_int(args, O_INDEX, 1)};
  int code = EXIT_USAGE;
  cli_values_copy(args, O_ENV, &o.env);
  o.detach = cli_flag(args, O_DETACH) > 0;
  o.workdir = cli_value(args, O_WORKDIR);
  o.user = cli_value(args, O_USER);
  o.privileged = cli_flag(args, O_PRIVILEGED) > 0;
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
    rc = exec_run(lc, s, &o, args->pos.v + 1, (int)args->pos.n - 1, &exit_code);
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
