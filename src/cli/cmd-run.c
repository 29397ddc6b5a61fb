/* wcompose run: a one-off container for a service, named
 * <project>-<service>-run-<hex>: dependencies first (as up), then create,
 * attach (stdin forwarded, a raw terminal session with a TTY), start, wait,
 * and pass its exit code through. */
#include "cli/cli.h"
#include "orchestrate/converge.h"
#include "orchestrate/resources.h"
#include "engine/hijack.h"
#include "orchestrate/create.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

struct run_opts {
  int detach, rm, no_deps, service_ports, no_tty, interactive;
  struct strvec env, volumes, ports;
  const char *entrypoint, *workdir, *user, *name;
};

static char *random_hex_new(void)
{
  unsigned char b[6] = {0};
  int fd = open("/dev/urandom", O_RDONLY);
  if (fd < 0 || read(fd, b, sizeof(b)) != (ssize_t)sizeof(b)) {
    unsigned long x = (unsigned long)getpid() ^ (unsigned long)time(NULL);
    memcpy(b, &x, sizeof(b) < sizeof(x) ? sizeof(b) : sizeof(x));
  }
  if (fd >= 0)
    close(fd);
  return xasprintf("%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4],
                   b[5]);
}

static cJSON *strings_new(char **v, int n)
{
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; i < n; i++)
    cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
  return a;
}

static void obj_set(cJSON *obj, const char *key, cJSON *item)
{
  if (cJSON_GetObjectItemCaseSensitive(obj, key))
    cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
  else
    cJSON_AddItemToObject(obj, key, item);
}

static cJSON *obj_child(cJSON *obj, const char *key, int array)
{
  cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!c || (array ? !cJSON_IsArray(c) : !cJSON_IsObject(c))) {
    c = array ? cJSON_CreateArray() : cJSON_CreateObject();
    obj_set(obj, key, c);
  }
  return c;
}

/* -p [[IP:]HOST:]CONTAINER[/PROTO] into ExposedPorts and PortBindings */
static int add_port(cJSON *body, cJSON *hc, const char *spec, struct err *err)
{
  char *s = xstrdup(spec);
  const char *proto = "tcp";
  char *slash = strchr(s, '/');
  if (slash) {
    *slash = '\0';
    proto = slash + 1;
  }
  char *ip = NULL, *host = NULL, *cont = s;
  char *c1 = strrchr(s, ':');
  if (c1) {
    *c1 = '\0';
    cont = c1 + 1;
    host = s;
    char *c2 = strrchr(s, ':');
    if (c2) {
      *c2 = '\0';
      ip = s;
      host = c2 + 1;
    }
  }
  if (!*cont || strspn(cont, "0123456789-") != strlen(cont) || !*proto) {
    free(s);
    return err_set(err, ERR_USAGE,
                   "--publish: '%s' is not a port mapping "
                   "(want [HOST:]CONTAINER[/PROTO])",
                   spec);
  }
  char *key = xasprintf("%s/%s", cont, proto);
  obj_set(obj_child(body, "ExposedPorts", 0), key, cJSON_CreateObject());
  cJSON *pb = obj_child(hc, "PortBindings", 0);
  cJSON *list = cJSON_GetObjectItemCaseSensitive(pb, key);
  if (!list) {
    list = cJSON_CreateArray();
    cJSON_AddItemToObject(pb, key, list);
  }
  cJSON *b = cJSON_CreateObject();
  cJSON_AddStringToObject(b, "HostIp", ip ? ip : "");
  cJSON_AddStringToObject(b, "HostPort", host ? host : "");
  cJSON_AddItemToArray(list, b);
  free(key);
  free(s);
  return 0;
}

/* The service's create body adjusted for a one-off run. */
static int run_body(struct session *lc, const struct service *s,
                    const char *image_id, const struct run_opts *o, char **cmd,
                    int ncmd, int tty, cJSON **out)
{
  struct create_ctx c = {.project = lc->project,
                         .service = s,
                         .number = 1,
                         .oneoff = 1,
                         .image_id = image_id};
  cJSON *body = NULL;
  int rc = create_body(&c, &body, &lc->err);
  if (rc)
    return rc;
  cJSON *hc = obj_child(body, "HostConfig", 0);
  /* a one-off does not restart and publishes the service's ports only
   * when asked */
  cJSON_DeleteItemFromObjectCaseSensitive(hc, "RestartPolicy");
  if (!o->service_ports)
    cJSON_DeleteItemFromObjectCaseSensitive(hc, "PortBindings");
  if (o->entrypoint) {
    struct strvec ep = STRVEC_INIT;
    strvec_split(&ep, o->entrypoint, ' ');
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < ep.n; i++)
      if (*ep.v[i])
        cJSON_AddItemToArray(a, cJSON_CreateString(ep.v[i]));
    obj_set(body, "Entrypoint", a);
    strvec_clear(&ep);
    if (!ncmd)
      cJSON_DeleteItemFromObjectCaseSensitive(body, "Cmd");
  }
  if (ncmd)
    obj_set(body, "Cmd", strings_new(cmd, ncmd));
  cJSON *env = obj_child(body, "Env", 1);
  for (size_t i = 0; i < o->env.n; i++) {
    const char *kv = o->env.v[i];
    if (strchr(kv, '=')) {
      cJSON_AddItemToArray(env, cJSON_CreateString(kv));
    } else if (getenv(kv)) {
      char *t = xasprintf("%s=%s", kv, getenv(kv));
      cJSON_AddItemToArray(env, cJSON_CreateString(t));
      free(t);
    }
  }
  cJSON *binds = obj_child(hc, "Binds", 1);
  for (size_t i = 0; i < o->volumes.n; i++)
    cJSON_AddItemToArray(binds, cJSON_CreateString(o->volumes.v[i]));
  for (size_t i = 0; !rc && i < o->ports.n; i++)
    rc = add_port(body, hc, o->ports.v[i], &lc->err);
  if (o->workdir)
    obj_set(body, "WorkingDir", cJSON_CreateString(o->workdir));
  if (o->user)
    obj_set(body, "User", cJSON_CreateString(o->user));
  obj_set(body, "Tty", cJSON_CreateBool(tty));
  obj_set(body, "AttachStdout", cJSON_CreateBool(!o->detach));
  obj_set(body, "AttachStderr", cJSON_CreateBool(!o->detach));
  /* stdin is forwarded unless detached, as compose's run does */
  obj_set(body, "AttachStdin", cJSON_CreateBool(!o->detach));
  obj_set(body, "OpenStdin", cJSON_CreateBool(!o->detach));
  obj_set(body, "StdinOnce", cJSON_CreateBool(!o->detach));
  if (rc) {
    cJSON_Delete(body);
    return rc;
  }
  *out = body;
  return 0;
}

/* Dependencies of the service (selected by the session), as up would. */
static int start_deps(struct session *lc, size_t target)
{
  const struct project *p = lc->project;
  size_t n = 0;
  for (size_t i = 0; i < p->nservices; i++)
    n += i != target && lc->selected[i];
  if (!n)
    return 0;
  lc->selected[target] = 0;
  struct converge_options co = {.timeout = -1};
  struct plan plan = PLAN_INIT;
  int rc = converge(lc, &co, &plan);
  plan_release(&plan);
  lc->selected[target] = 1;
  return rc;
}

/* Our stdin, forwarded to the attach. */
enum stdin_kind {
  STDIN_NONE,   /* closed or unusable: EOF at once */
  STDIN_STREAM, /* a pipe, socket or terminal: read by uv */
  STDIN_FILE    /* a file or device (/dev/null): epoll cannot watch it, so
                   it is read in chunks while the attach has room */
};

#define STDIN_CHUNK ((size_t)64 << 10)

struct run_wait {
  struct session_call attach, wait;
  uv_signal_t sigint, sigterm; /* forwarded to the container */
  uv_signal_t sigwinch;        /* with a TTY: resize the container's */
  struct engine *engine;
  const char *id;
  struct engine_attach *att;
  enum stdin_kind kind;
  union {
    uv_pipe_t pipe;
    uv_tty_t tty;
  } in;
  int in_open;  /* in is initialized: close it */
  int in_fd;    /* our dup of fd 0, or -1 */
  int reading;  /* uv_read_start is on */
  int in_eof;   /* stdin is over */
  int raw;      /* the terminal is in raw mode: reset it */
  int winch_on; /* sigwinch is initialized */
  char buf[STDIN_CHUNK];
};

static void on_killed(void *ctx, struct engine_result *res)
{
  (void)ctx;
  (void)res;
}

static void on_signal(uv_signal_t *h, int signum)
{
  struct run_wait *w = h->data;
  struct err e = ERR_INIT;
  engine_container_kill(w->engine, w->id,
                        signum == SIGINT ? "SIGINT" : "SIGTERM", on_killed,
                        NULL, &e);
  err_release(&e);
}

/* The container's TTY gets the size of ours. */
static void resize(struct run_wait *w)
{
  struct winsize ws;
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || !ws.ws_row || !ws.ws_col)
    return;
  struct err e = ERR_INIT;
  engine_container_resize(w->engine, w->id, ws.ws_row, ws.ws_col, on_killed,
                          NULL, &e);
  err_release(&e);
}

static void on_winch(uv_signal_t *h, int signum)
{
  (void)signum;
  resize(h->data);
}

static void stdin_over(struct run_wait *w)
{
  if (w->in_eof)
    return;
  w->in_eof = 1;
  if (w->reading)
    uv_read_stop((uv_stream_t *)&w->in);
  w->reading = 0;
  if (w->att && !w->attach.done)
    engine_attach_close_stdin(w->att);
}

/* Hand bytes on; 1 when the attach is full enough to stop reading. */
static int stdin_give(struct run_wait *w, const char *p, size_t n)
{
  if (w->attach.done)
    return 1;
  long r = engine_attach_write(w->att, p, n);
  if (r < 0) {
    stdin_over(w); /* cannot happen while we respect the cap */
    return 1;
  }
  return (size_t)r >= HIJACK_PENDING_MAX / 2;
}

/* A file on stdin: read while the attach has room. */
static void stdin_pump(struct run_wait *w)
{
  while (!w->in_eof && !w->attach.done) {
    ssize_t n = read(w->in_fd, w->buf, sizeof(w->buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      stdin_over(w);
      return;
    }
    if (stdin_give(w, w->buf, (size_t)n))
      return; /* on_drain comes back */
  }
}

static void on_alloc(uv_handle_t *h, size_t want, uv_buf_t *b)
{
  struct run_wait *w = h->data;
  (void)want;
  *b = uv_buf_init(w->buf, sizeof(w->buf));
}

static void on_stdin(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
  struct run_wait *w = s->data;
  if (n == 0)
    return;
  if (n < 0) {
    stdin_over(w);
    return;
  }
  if (stdin_give(w, b->base, (size_t)n) && w->reading) {
    uv_read_stop(s);
    w->reading = 0;
  }
}

static void on_drain(void *ctx)
{
  struct run_wait *w = ctx;
  if (w->in_eof || w->attach.done)
    return;
  if (w->kind == STDIN_FILE) {
    stdin_pump(w);
  } else if (w->kind == STDIN_STREAM && !w->reading) {
    if (!uv_read_start((uv_stream_t *)&w->in, on_alloc, on_stdin))
      w->reading = 1;
  }
}

static void on_attach_done(void *ctx, int rc, const struct err *err)
{
  struct run_wait *w = ctx;
  struct session_call *a = &w->attach;
  a->done = 1;
  a->rc = rc;
  if (rc && a->err)
    err_set(a->err, rc, "%s", err->text ? err->text : err_text(rc));
  if (w->reading)
    uv_read_stop((uv_stream_t *)&w->in);
  w->reading = 0;
  if (a->loop)
    uv_stop(a->loop);
}

/* Open our stdin for forwarding (the terminal in raw mode with tty). */
static void stdin_open(struct run_wait *w, uv_loop_t *loop, int tty)
{
  w->in_fd = -1;
  uv_handle_type t = uv_guess_handle(STDIN_FILENO);
  w->kind = t == UV_FILE                                       ? STDIN_FILE
            : t == UV_TTY || t == UV_NAMED_PIPE || t == UV_TCP ? STDIN_STREAM
                                                               : STDIN_NONE;
  if (w->kind != STDIN_NONE)
    w->in_fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
  if (w->in_fd < 0)
    w->kind = STDIN_NONE;
  if (w->kind == STDIN_STREAM) {
    int rc = t == UV_TTY ? uv_tty_init(loop, &w->in.tty, w->in_fd, 1)
                         : uv_pipe_init(loop, &w->in.pipe, 0);
    if (!rc && t != UV_TTY) {
      w->in_open = 1;
      rc = uv_pipe_open(&w->in.pipe, w->in_fd);
    }
    if (rc && !w->in_open) {
      w->kind = STDIN_FILE; /* read it in chunks then */
    } else {
      w->in_open = 1;
      w->in.pipe.data = w;
      if (rc)
        w->kind = STDIN_NONE;
      else
        w->in_fd = -1; /* the handle owns it */
    }
  }
  if (w->kind == STDIN_STREAM && t == UV_TTY && tty &&
      !uv_tty_set_mode(&w->in.tty, UV_TTY_MODE_RAW)) {
    w->raw = 1;
    /* libuv's raw mode keeps output processing (\n to \r\n); the
     * container's TTY already did that, so turn it off as docker does.
     * uv_tty_reset_mode restores all of it. */
    uv_os_fd_t fd;
    struct termios tm;
    if (!uv_fileno((uv_handle_t *)&w->in.tty, &fd) && !tcgetattr(fd, &tm)) {
      tm.c_oflag &= ~(tcflag_t)OPOST;
      tcsetattr(fd, TCSADRAIN, &tm);
    }
  }
}

static void stdin_start(struct run_wait *w)
{
  if (w->kind == STDIN_NONE)
    stdin_over(w);
  else if (w->kind == STDIN_FILE)
    stdin_pump(w);
  else if (!uv_read_start((uv_stream_t *)&w->in, on_alloc, on_stdin))
    w->reading = 1;
  else
    stdin_over(w);
}

/* Every way out: the terminal back as it was, the handles closed. */
static void stdin_close(struct run_wait *w)
{
  if (w->raw) {
    uv_tty_reset_mode();
    w->raw = 0;
  }
  if (w->in_open) {
    if (w->reading)
      uv_read_stop((uv_stream_t *)&w->in);
    w->reading = 0;
    uv_close((uv_handle_t *)&w->in, NULL);
    w->in_open = 0;
  }
  if (w->in_fd >= 0)
    close(w->in_fd);
  w->in_fd = -1;
}

static int run_container(struct session *lc, const struct service *s,
                         const struct run_opts *o, char **cmd, int ncmd,
                         int *exit_code)
{
  const struct project *p = lc->project;
  size_t target = (size_t)(s - p->services);
  for (size_t i = 0; i < p->nservices; i++)
    lc->selected[i] = i == target;
  int rc = resources_ensure(lc);
  char **ids = xcalloc(p->nservices, sizeof(*ids));
  if (!rc)
    rc = images_ensure(lc, &(struct images_want){0}, ids);
  int tty =
      !o->no_tty && !o->detach && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
  cJSON *body = NULL;
  if (!rc)
    rc = run_body(lc, s, ids[target], o, cmd, ncmd, tty, &body);
  for (size_t i = 0; i < p->nservices; i++)
    free(ids[i]);
  free(ids);
  session_flush(lc);
  if (rc)
    return rc;

  char *name = NULL;
  if (o->name) {
    name = xstrdup(o->name);
  } else {
    char *hex = random_hex_new();
    name = xasprintf("%s-%s-run-%s", p->name, s->name, hex);
    free(hex);
  }
  struct session_call a = {.err = &lc->err};
  rc = engine_container_create(lc->engine, name, body, session_call_cb, &a,
                               &lc->err);
  if (!rc)
    rc = session_call_wait(lc, &a);
  char *id = NULL;
  cJSON *jid = a.json ? cJSON_GetObjectItemCaseSensitive(a.json, "Id") : NULL;
  if (!rc && cJSON_IsString(jid))
    id = xstrdup(jid->valuestring);
  else if (!rc)
    rc = err_set(&lc->err, ERR_PROTO, "creating container '%s': no Id", name);
  session_call_release(&a);

  /* the secondary networks: create only takes the primary one */
  long prim = create_primary_network(s);
  for (size_t k = 0; !rc && k < s->nnetworks; k++) {
    if ((long)k == prim)
      continue;
    cJSON *ep = cJSON_CreateObject();
    cJSON_AddStringToObject(ep, "Container", id);
    cJSON_AddItemToObject(ep, "EndpointConfig",
                          create_endpoint_new(s, &s->networks[k]));
    struct session_call c = {.err = &lc->err};
    rc = engine_network_connect(lc->engine,
                                create_network_name(p, s->networks[k].name), ep,
                                session_call_cb, &c, &lc->err);
    if (!rc)
      rc = session_call_wait(lc, &c);
    session_call_release(&c);
  }

  struct run_wait *w = xcalloc(1, sizeof(*w));
  w->attach.err = w->wait.err = &lc->err;
  w->in_fd = -1;
  int signals = 0;
  /* before start: the command may print, read (and be signalled) at once */
  if (!rc && !o->detach) {
    w->engine = lc->engine;
    w->id = id;
    uv_signal_init(&lc->loop, &w->sigint);
    uv_signal_init(&lc->loop, &w->sigterm);
    w->sigint.data = w->sigterm.data = w;
    uv_signal_start(&w->sigint, on_signal, SIGINT);
    uv_signal_start(&w->sigterm, on_signal, SIGTERM);
    signals = 1;
    rc = engine_attach_open(lc->engine, id, tty, cli_print_output,
                            on_attach_done, on_drain, w, &w->att, &lc->err);
  }
  if (!rc && !o->detach)
    stdin_open(w, &lc->loop, tty);
  if (!rc) {
    struct session_call st = {.err = &lc->err};
    rc = engine_container_start(lc->engine, id, session_call_cb, &st, &lc->err);
    if (!rc)
      rc = session_call_wait(lc, &st);
    session_call_release(&st);
  }
  if (!rc && tty) {
    resize(w);
    uv_signal_init(&lc->loop, &w->sigwinch);
    w->sigwinch.data = w;
    uv_signal_start(&w->sigwinch, on_winch, SIGWINCH);
    w->winch_on = 1;
  }
  if (!rc && w->att)
    stdin_start(w);
  if (!rc && o->detach) {
    printf("%s\n", name);
  } else if (!rc) {
    rc = engine_container_wait(lc->engine, id, NULL, session_call_cb, &w->wait,
                               &lc->err);
    if (!rc)
      rc = session_call_wait(lc, &w->wait);
    cJSON *sc = w->wait.json ? cJSON_GetObjectItemCaseSensitive(w->wait.json,
                                                                "StatusCode")
                             : NULL;
    if (!rc && cJSON_IsNumber(sc))
      *exit_code = sc->valueint;
  }
  /* the output ends when the container does: print all of it */
  if (w->att && !rc) {
    int arc = session_call_wait(lc, &w->attach);
    if (arc && arc != ERR_CANCELED)
      rc = arc;
  }
  stdin_close(w);
  engine_attach_free(w->att);
  if (w->winch_on)
    uv_close((uv_handle_t *)&w->sigwinch, NULL);
  if (signals) {
    uv_close((uv_handle_t *)&w->sigint, NULL);
    uv_close((uv_handle_t *)&w->sigterm, NULL);
  }
  uv_run(&lc->loop, UV_RUN_NOWAIT);
  session_call_release(&w->attach);
  session_call_release(&w->wait);
  free(w);
  if (id && o->rm && !o->detach) {
    struct session_call r = {.err = &lc->err};
    struct err rerr = ERR_INIT;
    r.err = rc ? &rerr : &lc->err;
    int rrc = engine_container_remove(lc->engine, id,
                                      ENGINE_RM_FORCE | ENGINE_RM_VOLUMES,
                                      session_call_cb, &r, r.err);
    if (!rrc)
      rrc = session_call_wait(lc, &r);
    if (!rc)
      rc = rrc;
    session_call_release(&r);
    err_release(&rerr);
  }
  free(id);
  free(name);
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
  O_INTERACTIVE
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
    {0}};

/* Options end at the service name: the command's own flags stay its own. */
static int cmd_run(struct cli_global *g, const struct cli_args *args)
{
  struct run_opts o = {
      .env = STRVEC_INIT, .volumes = STRVEC_INIT, .ports = STRVEC_INIT};
  int code = EXIT_USAGE;
  o.detach = cli_flag(args, O_DETACH) > 0;
  o.rm = cli_flag(args, O_RM) > 0;
  cli_values_copy(args, O_ENV, &o.env);
  cli_values_copy(args, O_VOLUME, &o.volumes);
  cli_values_copy(args, O_PUBLISH, &o.ports);
  o.entrypoint = cli_value(args, O_ENTRYPOINT);
  o.workdir = cli_value(args, O_WORKDIR);
  o.user = cli_value(args, O_USER);
  o.name = cli_value(args, O_NAME);
  o.no_deps = cli_flag(args, O_NO_DEPS) > 0;
  o.service_ports = cli_flag(args, O_SERVICE_PORTS) > 0;
  o.no_tty = cli_flag(args, O_NO_TTY) > 0;
  o.interactive = cli_flag(args, O_INTERACTIVE) > 0;
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
  int exit_code = -1;
  if (!rc)
    rc = session_check_builds(lc);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = start_deps(lc, (size_t)(s - lc->project->services));
  progress_end(&cs.progress);
  if (!rc)
    rc = run_container(lc, s, &o, args->pos.v + 1, (int)args->pos.n - 1,
                       &exit_code);
  code = cli_session_exit(&cs, rc);
  if (!rc && exit_code >= 0)
    code = exit_code;
  cli_session_close(&cs);
out:
  strvec_clear(&o.env);
  strvec_clear(&o.volumes);
  strvec_clear(&o.ports);
  return code;
}

const struct cli_command cmd_run_entry = {
    .name = "run",
    .summary = "Run a one-off command on a service",
    .usage = "[OPTIONS] SERVICE [COMMAND] [ARGS...]",
    .options = options,
    .run = cmd_run};
