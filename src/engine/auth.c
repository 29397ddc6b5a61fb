/* Registry credentials from the docker CLI's config.json, as the engine's
 * X-Registry-Auth header wants them. */
#include "engine/auth.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* config.json is small; anything bigger is not one */
#define CONFIG_MAX (4 << 20)
/* A helper's answer is one small JSON object; it gets this long to give it */
#define HELPER_OUT_MAX (64 << 10)
#define HELPER_SECONDS 30
/* What helpers print when they hold nothing for the server */
#define HELPER_NOT_FOUND "credentials not found in native keychain"
/* The server address the docker CLI asks helpers about for Docker Hub */
#define HUB_SERVER "https://index.docker.io/v1/"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *auth_base64_new(const unsigned char *d, size_t n, int url)
{
  char *out = xmalloc(4 * ((n + 2) / 3) + 1), *o = out;
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)d[i] << 16;
    if (i + 1 < n)
      v |= (unsigned)d[i + 1] << 8;
    if (i + 2 < n)
      v |= d[i + 2];
    *o++ = b64[(v >> 18) & 63];
    *o++ = b64[(v >> 12) & 63];
    *o++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
    *o++ = i + 2 < n ? b64[v & 63] : '=';
  }
  *o = '\0';
  if (url)
    for (o = out; *o; o++)
      *o = *o == '+' ? '-' : *o == '/' ? '_' : *o;
  return out;
}

static int b64_value(char c)
{
  if (c == '-')
    c = '+';
  else if (c == '_')
    c = '/';
  const char *p = c ? strchr(b64, c) : NULL;
  return p ? (int)(p - b64) : -1;
}

unsigned char *auth_unbase64_new(const char *t, size_t *n)
{
  size_t len = strlen(t);
  while (len && t[len - 1] == '=')
    len--;
  if (len % 4 == 1)
    return NULL;
  unsigned char *out = xmalloc(len / 4 * 3 + 3);
  size_t k = 0;
  unsigned v = 0;
  for (size_t i = 0; i < len; i++) {
    int x = b64_value(t[i]);
    if (x < 0) {
      free(out);
      return NULL;
    }
    v = v << 6 | (unsigned)x;
    if (i % 4 == 3) {
      out[k++] = (unsigned char)(v >> 16);
      out[k++] = (unsigned char)(v >> 8);
      out[k++] = (unsigned char)v;
      v = 0;
    }
  }
  if (len % 4 == 2) {
    out[k++] = (unsigned char)(v >> 4);
  } else if (len % 4 == 3) {
    out[k++] = (unsigned char)(v >> 10);
    out[k++] = (unsigned char)(v >> 2);
  }
  out[k] = '\0';
  *n = k;
  return out;
}

char *auth_registry_new(const char *ref)
{
  const char *slash = strchr(ref, '/');
  if (!slash)
    return xstrdup("docker.io");
  size_t n = (size_t)(slash - ref);
  char *first = xstrndup(ref, n);
  if (memchr(first, '.', n) || memchr(first, ':', n) ||
      !strcmp(first, "localhost"))
    return first;
  free(first);
  return xstrdup("docker.io");
}

/* A config key as a bare host: without scheme and path; Docker Hub's
 * historical keys become "docker.io". */
static char *key_host_new(const char *key)
{
  const char *h = strstr(key, "://");
  h = h ? h + 3 : key;
  char *host = xstrndup(h, strcspn(h, "/"));
  if (!strcmp(host, "index.docker.io") ||
      !strcmp(host, "registry-1.docker.io")) {
    free(host);
    host = xstrdup("docker.io");
  }
  return host;
}

static char *header_new(const char *user, const char *password,
                        const char *token, const char *server)
{
  cJSON *o = cJSON_CreateObject();
  if (token && *token) {
    cJSON_AddStringToObject(o, "identitytoken", token);
  } else {
    cJSON_AddStringToObject(o, "username", user ? user : "");
    cJSON_AddStringToObject(o, "password", password ? password : "");
  }
  cJSON_AddStringToObject(o, "serveraddress", server);
  char *text = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  char *h = auth_base64_new((const unsigned char *)text, strlen(text), 1);
  cJSON_free(text);
  return h;
}

static const char *str(const cJSON *o, const char *k)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

char *auth_header_from_config_new(const char *json, const char *ref)
{
  if (!json)
    return NULL;
  cJSON *cfg = cJSON_ParseWithOpts(json, NULL, 0);
  const cJSON *auths = cJSON_GetObjectItemCaseSensitive(cfg, "auths");
  char *want = auth_registry_new(ref);
  char *out = NULL;
  const cJSON *entry;
  if (!cJSON_IsObject(auths)) /* "auths": [...] is no map of hosts */
    auths = NULL;
  cJSON_ArrayForEach(entry, auths)
  {
    char *host = key_host_new(entry->string);
    int match = !strcmp(host, want);
    free(host);
    if (!match)
      continue;
    const char *token = str(entry, "identitytoken");
    const char *a = str(entry, "auth");
    size_t n = 0;
    unsigned char *pair = a ? auth_unbase64_new(a, &n) : NULL;
    char *colon = pair ? strchr((char *)pair, ':') : NULL;
    if (colon)
      *colon = '\0';
    if (colon || (token && *token))
      out = header_new(colon ? (char *)pair : str(entry, "username"),
                       colon ? colon + 1 : str(entry, "password"), token,
                       entry->string);
    free(pair);
    if (out)
      break;
  }
  free(want);
  cJSON_Delete(cfg);
  return out;
}

char *auth_helper_name_new(const char *json, const char *registry)
{
  cJSON *cfg = json ? cJSON_ParseWithOpts(json, NULL, 0) : NULL;
  const cJSON *helpers = cJSON_GetObjectItemCaseSensitive(cfg, "credHelpers");
  char *out = NULL;
  const cJSON *entry;
  if (!cJSON_IsObject(helpers)) /* a list has no registry keys */
    helpers = NULL;
  cJSON_ArrayForEach(entry, helpers)
  {
    char *host = key_host_new(entry->string);
    int match = !strcmp(host, registry);
    free(host);
    if (match && cJSON_IsString(entry) && *entry->valuestring) {
      out = xstrdup(entry->valuestring);
      break;
    }
  }
  const char *store = str(cfg, "credsStore");
  if (!out && store && *store)
    out = xstrdup(store);
  cJSON_Delete(cfg);
  return out;
}

int auth_header_from_helper_new(const char *answer, const char *server,
                                char **out, struct err *err)
{
  *out = NULL;
  cJSON *j = cJSON_ParseWithOpts(answer, NULL, 0);
  const char *user = str(j, "Username");
  const char *secret = str(j, "Secret");
  if (!cJSON_IsObject(j) || !secret) {
    cJSON_Delete(j);
    return err_set(err, ERR_PROTO,
                   "the answer is not {\"Username\", \"Secret\"} JSON");
  }
  /* identity tokens come back under the user name "<token>" */
  if (user && !strcmp(user, "<token>"))
    *out = header_new(NULL, NULL, secret, server);
  else
    *out = header_new(user, secret, NULL, server);
  cJSON_Delete(j);
  return 0;
}

/* Run "docker-credential-NAME get" with server on stdin; 0 and its stdout
 * in b, or an error naming the helper. */
static int helper_run(const char *prog, const char *server, struct buf *b,
                      int *status, struct err *err)
{
  /* stdin is a socket so that writing to a helper that quit early gives
   * EPIPE (MSG_NOSIGNAL), not a SIGPIPE */
  int in[2], out[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in))
    return err_set(err, ERR_IO, "%s get: pipe: %s", prog, strerror(errno));
  if (pipe(out)) {
    close(in[0]);
    close(in[1]);
    return err_set(err, ERR_IO, "%s get: pipe: %s", prog, strerror(errno));
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    return err_set(err, ERR_IO, "%s get: fork: %s", prog, strerror(errno));
  }
  if (!pid) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    execlp(prog, prog, "get", (char *)NULL);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  fcntl(out[0], F_SETFD, FD_CLOEXEC);
  /* the server name is far below a socket's buffer: one send, then EOF */
  ssize_t w = send(in[1], server, strlen(server), MSG_NOSIGNAL);
  (void)w;
  close(in[1]);
  time_t deadline = time(NULL) + HELPER_SECONDS;
  int rc = 0;
  for (;;) {
    time_t now = time(NULL);
    if (now >= deadline) {
      kill(pid, SIGKILL);
      rc = err_set(err, ERR_TIMEOUT, "%s get: no answer in %d s", prog,
                   HELPER_SECONDS);
      break;
    }
    struct pollfd p = {.fd = out[0], .events = POLLIN};
    int r = poll(&p, 1, (int)(deadline - now) * 1000);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      continue;
    char chunk[4096];
    ssize_t n = read(out[0], chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (buf_add(b, chunk, (size_t)n)) {
      kill(pid, SIGKILL);
      rc = err_set(err, ERR_LIMIT, "%s get: an answer over %d bytes", prog,
                   HELPER_OUT_MAX);
      break;
    }
  }
  close(out[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  *status = st;
  if (!rc && WIFEXITED(st) && WEXITSTATUS(st) == 127 && !b->len)
    rc = err_set(err, ERR_NOTFOUND,
                 "credential helper '%s' is not on PATH (named by "
                 "credsStore or credHelpers in the docker config)",
                 prog);
  return rc;
}

static const char *helper_server(const char *registry)
{
  return !strcmp(registry, "docker.io") ? HUB_SERVER : registry;
}

/* What a helper that ran gave: its wait status st and stdout in b. 0 and
 * *out the header (NULL: nothing stored), or an error naming it. */
static int helper_result(const char *prog, const char *server,
                         const struct buf *b, int st, char **out,
                         struct err *err)
{
  const char *text = b->data ? b->data : "";
  int rc = 0;
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
    if (strstr(text, HELPER_NOT_FOUND)) {
      rc = 0; /* nothing stored: pull anonymously, as docker does */
    } else {
      size_t n = strlen(text);
      while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
        n--;
      rc = err_set(err, ERR_ENGINE, "%s get (for '%s') failed%s%.*s", prog,
                   server, n ? ": " : "", (int)(n > 300 ? 300 : n), text);
    }
  } else {
    struct err e2 = ERR_INIT;
    rc = auth_header_from_helper_new(text, server, out, &e2);
    if (rc)
      rc = err_set(err, rc, "%s get (for '%s'): %s", prog, server,
                   e2.text ? strtok(e2.text, "\n") : "bad answer");
    err_release(&e2);
  }
  return rc;
}

int auth_header_from_helper(const char *helper, const char *registry,
                            char **out, struct err *err)
{
  *out = NULL;
  char *prog = xasprintf("docker-credential-%s", helper);
  const char *server = helper_server(registry);
  struct buf b = BUF_INIT_CAP(HELPER_OUT_MAX);
  int st = 0;
  int rc = helper_run(prog, server, &b, &st, err);
  if (!rc)
    rc = helper_result(prog, server, &b, st, out, err);
  buf_release(&b);
  free(prog);
  return rc;
}

/* The text of the config file the docker CLI would read, or NULL. */
static char *config_text_new(void)
{
  const char *dir = getenv("DOCKER_CONFIG");
  const char *home = getenv("HOME");
  char *path = dir && *dir     ? xasprintf("%s/config.json", dir)
               : home && *home ? xasprintf("%s/.docker/config.json", home)
                               : NULL;
  if (!path)
    return NULL;
  FILE *f = fopen(path, "r");
  free(path);
  if (!f)
    return NULL;
  struct buf b = BUF_INIT_CAP(CONFIG_MAX);
  char chunk[4096];
  size_t n;
  int ok = 1;
  while (ok && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    ok = !buf_add(&b, chunk, n);
  fclose(f);
  char *text = ok && b.data ? xstrdup(b.data) : NULL;
  buf_release(&b);
  return text;
}

int auth_header_lookup(const char *ref, char **out, struct err *err)
{
  *out = NULL;
  char *text = config_text_new();
  int rc = 0;
  if (text) {
    char *registry = auth_registry_new(ref);
    char *helper = auth_helper_name_new(text, registry);
    if (helper)
      rc = auth_header_from_helper(helper, registry, out, err);
    else
      *out = auth_header_from_config_new(text, ref);
    free(helper);
    free(registry);
  }
  free(text);
  return rc;
}

char *auth_header_new(const char *ref)
{
  char *h = NULL;
  struct err err = ERR_INIT;
  auth_header_lookup(ref, &h, &err);
  err_release(&err);
  return h;
}

/* --- the same on a loop --- */

struct auth_lookup {
  uv_loop_t *loop;
  uv_process_t proc;
  uv_pipe_t out;    /* the helper's stdout */
  uv_timer_t timer; /* the deadline; 0 s for an answer known at once */
  int handles;      /* uv handles open: freed from the last close */
  int spawned, exited, out_done, told;
  int64_t status; /* exit status */
  int signal;     /* or the signal that ended it */
  char *prog, *server;
  struct buf b;
  char *header; /* the answer known without a helper */
  int rc;       /* an error met on the way (timeout, cap) */
  struct err err;
  auth_lookup_cb cb;
  void *ctx;
};

static void lookup_closed(uv_handle_t *h)
{
  struct auth_lookup *l = h->data;
  if (--l->handles)
    return;
  free(l->header);
  free(l->prog);
  free(l->server);
  buf_release(&l->b);
  err_release(&l->err);
  free(l);
}

static void lookup_close(struct auth_lookup *l, uv_handle_t *h)
{
  h->data = l;
  uv_close(h, lookup_closed);
}

/* Both ends seen (exited and stdout closed), or no helper at all: the
 * answer, then the handles go. */
static void lookup_tell(struct auth_lookup *l)
{
  if (l->told)
    return;
  l->told = 1;
  uv_timer_stop(&l->timer);
  char *header = l->header;
  l->header = NULL;
  int rc = l->rc;
  if (!rc && l->spawned) {
    int st = l->signal ? l->signal : (int)l->status << 8;
    rc = helper_result(l->prog, l->server, &l->b, st, &header, &l->err);
  }
  l->cb(l->ctx, rc, rc ? NULL : header, rc ? &l->err : NULL);
  if (rc)
    free(header);
  if (l->spawned) {
    lookup_close(l, (uv_handle_t *)&l->proc);
    lookup_close(l, (uv_handle_t *)&l->out);
  }
  lookup_close(l, (uv_handle_t *)&l->timer);
}

static void lookup_check(struct auth_lookup *l)
{
  if (l->exited && l->out_done)
    lookup_tell(l);
}

static void on_helper_exit(uv_process_t *p, int64_t status, int signal)
{
  struct auth_lookup *l = p->data;
  l->exited = 1;
  l->status = status;
  l->signal = signal;
  lookup_check(l);
}

static void on_helper_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
  static char chunk[4096];
  (void)h;
  (void)hint;
  *b = uv_buf_init(chunk, sizeof(chunk));
}

static void on_helper_out(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
  struct auth_lookup *l = s->data;
  if (n > 0 && !l->rc && buf_add(&l->b, b->base, (size_t)n)) {
    uv_process_kill(&l->proc, SIGKILL);
    l->rc = err_set(&l->err, ERR_LIMIT, "%s get: an answer over %d bytes",
                    l->prog, HELPER_OUT_MAX);
  }
  if (n < 0) {
    uv_read_stop(s);
    l->out_done = 1;
    lookup_check(l);
  }
}

static void on_helper_deadline(uv_timer_t *t)
{
  struct auth_lookup *l = t->data;
  if (!l->spawned) {
    lookup_tell(l); /* no helper: the answer was known at once */
    return;
  }
  uv_process_kill(&l->proc, SIGKILL);
  if (!l->rc)
    l->rc = err_set(&l->err, ERR_TIMEOUT, "%s get: no answer in %d s", l->prog,
                    HELPER_SECONDS);
}

static struct auth_lookup *lookup_new(uv_loop_t *loop, auth_lookup_cb cb,
                                      void *ctx)
{
  struct auth_lookup *l = xcalloc(1, sizeof(*l));
  l->loop = loop;
  l->cb = cb;
  l->ctx = ctx;
  l->b = (struct buf)BUF_INIT_CAP(HELPER_OUT_MAX);
  uv_timer_init(loop, &l->timer);
  l->timer.data = l;
  l->handles = 1;
  return l;
}

/* Run the helper on the loop; errors to the callback (from the loop). */
static void lookup_spawn(struct auth_lookup *l, const char *helper,
                         const char *registry)
{
  l->prog = xasprintf("docker-credential-%s", helper);
  l->server = xstrdup(helper_server(registry));
  /* stdin is a socket, written before the helper starts, so that one that
   * quits early costs an EPIPE (MSG_NOSIGNAL), not a SIGPIPE */
  int in[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in)) {
    l->rc =
        err_set(&l->err, ERR_IO, "%s get: pipe: %s", l->prog, strerror(errno));
    uv_timer_start(&l->timer, on_helper_deadline, 0, 0);
    return;
  }
  /* the server name is far below a socket's buffer: one send, then EOF */
  ssize_t w = send(in[1], l->server, strlen(l->server), MSG_NOSIGNAL);
  (void)w;
  close(in[1]);
  uv_pipe_init(l->loop, &l->out, 0);
  l->out.data = l;
  l->handles++;
  char *args[] = {l->prog, "get", NULL};
  uv_stdio_container_t io[3] = {{.flags = UV_INHERIT_FD, .data.fd = in[0]},
                                {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE,
                                 .data.stream = (uv_stream_t *)&l->out},
                                {.flags = UV_INHERIT_FD, .data.fd = 2}};
  uv_process_options_t o = {.exit_cb = on_helper_exit,
                            .file = l->prog,
                            .args = args,
                            .stdio_count = 3,
                            .stdio = io};
  l->proc.data = l;
  int r = uv_spawn(l->loop, &l->proc, &o);
  close(in[0]);
  l->handles++; /* the process handle is initialized even when it failed */
  if (r) {
    if (r == UV_ENOENT)
      l->rc = err_set(&l->err, ERR_NOTFOUND,
                      "credential helper '%s' is not on PATH (named by "
                      "credsStore or credHelpers in the docker config)",
                      l->prog);
    else
      l->rc = err_set(&l->err, ERR_IO, "%s get: %s", l->prog, uv_strerror(r));
    lookup_close(l, (uv_handle_t *)&l->proc);
    lookup_close(l, (uv_handle_t *)&l->out);
    uv_timer_start(&l->timer, on_helper_deadline, 0, 0);
    return;
  }
  l->spawned = 1;
  uv_read_start((uv_stream_t *)&l->out, on_helper_alloc, on_helper_out);
  uv_timer_start(&l->timer, on_helper_deadline, (uint64_t)HELPER_SECONDS * 1000,
                 0);
}

void auth_header_from_helper_start(uv_loop_t *loop, const char *helper,
                                   const char *registry, auth_lookup_cb cb,
                                   void *ctx)
{
  lookup_spawn(lookup_new(loop, cb, ctx), helper, registry);
}

void auth_header_lookup_start(uv_loop_t *loop, const char *ref,
                              auth_lookup_cb cb, void *ctx)
{
  struct auth_lookup *l = lookup_new(loop, cb, ctx);
  char *text = config_text_new();
  char *registry = text ? auth_registry_new(ref) : NULL;
  char *helper = text ? auth_helper_name_new(text, registry) : NULL;
  if (helper) {
    lookup_spawn(l, helper, registry);
  } else {
    l->header = text ? auth_header_from_config_new(text, ref) : NULL;
    uv_timer_start(&l->timer, on_helper_deadline, 0, 0);
  }
  free(helper);
  free(registry);
  free(text);
}

char *auth_config_auths_from_new(const char *json)
{
  cJSON *cfg = json ? cJSON_ParseWithOpts(json, NULL, 0) : NULL;
  const cJSON *auths = cJSON_GetObjectItemCaseSensitive(cfg, "auths");
  cJSON *out = cJSON_CreateObject();
  cJSON *a = cJSON_AddObjectToObject(out, "auths");
  static const char *const keep[] = {"auth", "identitytoken", "registrytoken",
                                     NULL};
  const cJSON *e;
  if (!cJSON_IsObject(auths))
    auths = NULL;
  cJSON_ArrayForEach(e, auths)
  {
    if (!cJSON_IsObject(e) || !e->string)
      continue;
    cJSON *o = NULL;
    for (size_t i = 0; keep[i]; i++) {
      const char *v = str(e, keep[i]);
      if (!v || !*v)
        continue;
      if (!o)
        o = cJSON_AddObjectToObject(a, e->string);
      cJSON_AddStringToObject(o, keep[i], v);
    }
  }
  char *text = cJSON_Print(out);
  cJSON_Delete(out);
  cJSON_Delete(cfg);
  return text ? text : xstrdup("{\"auths\": {}}");
}

char *auth_config_auths_new(void)
{
  char *text = config_text_new();
  char *out = auth_config_auths_from_new(text);
  free(text);
  return out;
}
