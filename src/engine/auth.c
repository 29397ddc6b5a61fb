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

int auth_header_from_helper(const char *helper, const char *registry,
                            char **out, struct err *err)
{
  *out = NULL;
  char *prog = xasprintf("docker-credential-%s", helper);
  const char *server = !strcmp(registry, "docker.io") ? HUB_SERVER : registry;
  struct buf b = BUF_INIT_CAP(HELPER_OUT_MAX);
  int st = 0;
  int rc = helper_run(prog, server, &b, &st, err);
  const char *text = b.data ? b.data : "";
  if (!rc && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
    if (strstr(text, HELPER_NOT_FOUND)) {
      rc = 0; /* nothing stored: pull anonymously, as docker does */
    } else {
      size_t n = strlen(text);
      while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
        n--;
      rc = err_set(err, ERR_ENGINE, "%s get (for '%s') failed%s%.*s", prog,
                   server, n ? ": " : "", (int)(n > 300 ? 300 : n), text);
    }
  } else if (!rc) {
    struct err e2 = ERR_INIT;
    rc = auth_header_from_helper_new(text, server, out, &e2);
    if (rc)
      rc = err_set(err, rc, "%s get (for '%s'): %s", prog, server,
                   e2.text ? strtok(e2.text, "\n") : "bad answer");
    err_release(&e2);
  }
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
