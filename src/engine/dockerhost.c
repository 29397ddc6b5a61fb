/* Engine address discovery from the environment and the docker CLI's
 * contexts, as the docker CLI does. */
#include "engine/dockerhost.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sha256.h"
#include "util/xalloc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void dockerhost_release(struct dockerhost *h)
{
  free(h->host);
  free(h->socket_path);
  free(h->base_url);
  free(h->ca);
  free(h->cert);
  free(h->key);
  free(h->api_version);
  free(h->cert_dir);
  free(h->context);
  struct dockerhost z = DOCKERHOST_INIT;
  *h = z;
}

static char *cert_file(const char *dir, const char *name)
{
  if (!dir)
    return NULL;
  char *p = xasprintf("%s/%s", dir, name);
  if (access(p, R_OK) == 0)
    return p;
  free(p);
  return NULL;
}

static int parse_tcp(struct dockerhost *h, const char *addr, struct err *err)
{
  /* addr is "host[:port][/]"; IPv6 hosts come bracketed: "[::1]:2376". */
  size_t n = strlen(addr);
  while (n && addr[n - 1] == '/')
    n--;
  const char *port = NULL;
  size_t hostlen = n;
  if (n && addr[0] == '[') {
    const char *rb = memchr(addr, ']', n);
    if (!rb)
      return err_set(err, ERR_USAGE, "DOCKER_HOST: '%s' has an unclosed '['",
                     h->host);
    if ((size_t)(rb - addr) + 1 < n) {
      if (rb[1] != ':')
        return err_set(err, ERR_USAGE,
                       "DOCKER_HOST: '%s' is not tcp://HOST:PORT", h->host);
      port = rb + 2;
    }
    hostlen = (size_t)(rb - addr) + 1;
  } else {
    const char *colon = memchr(addr, ':', n);
    if (colon) {
      port = colon + 1;
      hostlen = (size_t)(colon - addr);
    }
  }
  if (memchr(addr, '/', n))
    return err_set(err, ERR_USAGE,
                   "DOCKER_HOST: '%s' has a path; want tcp://HOST:PORT",
                   h->host);
  size_t portlen = port ? (size_t)(addr + n - port) : 0;
  if (port) {
    if (!portlen || portlen > 5 || strspn(port, "0123456789") < portlen)
      return err_set(err, ERR_USAGE,
                     "DOCKER_HOST: '%s' has no valid port number", h->host);
  }
  const char *host = hostlen ? addr : "localhost";
  if (!hostlen)
    hostlen = strlen("localhost");
  h->kind = DOCKERHOST_TCP;
  if (port)
    h->base_url = xasprintf("%s://%.*s:%.*s", h->tls ? "https" : "http",
                            (int)hostlen, host, (int)portlen, port);
  else
    h->base_url = xasprintf("%s://%.*s:%s", h->tls ? "https" : "http",
                            (int)hostlen, host, h->tls ? "2376" : "2375");
  return 0;
}

int dockerhost_parse(struct dockerhost *h, const char *host, int tls,
                     int tls_verify, const char *cert_dir, struct err *err)
{
  struct dockerhost z = DOCKERHOST_INIT;
  *h = z;
  if (!host || !*host)
    host = DOCKERHOST_DEFAULT;
  h->host = xstrdup(host);
  h->tls = tls || tls_verify;
  h->tls_verify = tls_verify;
  int rc = 0;
  if (!strncmp(host, "unix://", 7)) {
    if (!host[7])
      rc = err_set(err, ERR_USAGE, "DOCKER_HOST: '%s' names no socket path",
                   host);
    else {
      h->kind = DOCKERHOST_UNIX;
      h->socket_path = xstrdup(host + 7);
      h->base_url = xstrdup("http://localhost");
      h->tls = h->tls_verify = 0;
    }
  } else if (!strncmp(host, "tcp://", 6)) {
    rc = parse_tcp(h, host + 6, err);
  } else if (!strncmp(host, "npipe://", 8)) {
    rc = err_set(err, ERR_USAGE,
                 "DOCKER_HOST: '%s' is a Windows named pipe; wcompose "
                 "speaks to engines over unix:// or tcp:// only",
                 host);
  } else if (!strncmp(host, "ssh://", 6) || !strncmp(host, "fd://", 5)) {
    rc = err_set(err, ERR_USAGE,
                 "DOCKER_HOST: '%s' is not supported; use unix:// or tcp:// "
                 "(for ssh, forward the socket: ssh -L)",
                 host);
  } else {
    rc = err_set(err, ERR_USAGE,
                 "DOCKER_HOST: '%s' is not an engine address (want "
                 "unix:///path/to/docker.sock or tcp://HOST:PORT)",
                 host);
  }
  if (!rc && h->tls) {
    h->ca = cert_file(cert_dir, "ca.pem");
    h->cert = cert_file(cert_dir, "cert.pem");
    h->key = cert_file(cert_dir, "key.pem");
    h->cert_dir = xstrdup(cert_dir ? cert_dir : "~/.docker");
    if (h->tls_verify && !h->ca)
      rc = err_set(err, ERR_USAGE,
                   "DOCKER_TLS_VERIFY is set but '%s/ca.pem' cannot be read",
                   cert_dir ? cert_dir : "~/.docker");
  }
  if (rc)
    dockerhost_release(h);
  return rc;
}

static int valid_version(const char *v)
{
  size_t a = strspn(v, "0123456789");
  if (!a || v[a] != '.')
    return 0;
  size_t b = strspn(v + a + 1, "0123456789");
  return b && !v[a + 1 + b];
}

static int api_version_from_env(struct dockerhost *h, struct err *err)
{
  const char *ver = getenv("DOCKER_API_VERSION");
  if (ver && *ver) {
    if (ver[0] == 'v')
      ver++;
    if (!valid_version(ver)) {
      dockerhost_release(h);
      return err_set(err, ERR_USAGE,
                     "DOCKER_API_VERSION: '%s' is not an API version "
                     "(want e.g. 1.41)",
                     getenv("DOCKER_API_VERSION"));
    }
    h->api_version = xstrdup(ver);
  }
  return 0;
}

int dockerhost_from_env(struct dockerhost *h, struct err *err)
{
  const char *verify = getenv("DOCKER_TLS_VERIFY");
  const char *tls = getenv("DOCKER_TLS");
  const char *dir = getenv("DOCKER_CERT_PATH");
  const char *home = getenv("HOME");
  char *dflt = NULL;
  if (!dir || !*dir) {
    if (home && *home)
      dflt = xasprintf("%s/.docker", home);
    dir = dflt;
  }
  int rc = dockerhost_parse(h, getenv("DOCKER_HOST"), tls && *tls,
                            verify && *verify, dir, err);
  free(dflt);
  if (rc)
    return rc;
  return api_version_from_env(h, err);
}

/* --- contexts --- */

/* $DOCKER_CONFIG, else ~/.docker; NULL when neither can be told. */
static char *config_dir(void)
{
  const char *d = getenv("DOCKER_CONFIG");
  if (d && *d)
    return xstrdup(d);
  const char *home = getenv("HOME");
  return home && *home ? xasprintf("%s/.docker", home) : NULL;
}

/* A JSON file of the docker CLI's: 1 and *out when read, 0 when it does
 * not exist, or an error. */
static int read_json(const char *path, cJSON **out, struct err *err)
{
  struct buf b = BUF_INIT;
  *out = NULL;
  int rc = buf_read_file(&b, path);
  if (rc < 0) {
    int e = errno;
    buf_release(&b);
    if (rc == ERR_IO && e == ENOENT)
      return 0;
    return err_set(err, ERR_USAGE, "reading '%s': %s", path,
                   rc == ERR_LIMIT ? "too large" : strerror(e));
  }
  *out = cJSON_ParseWithOpts(b.data ? b.data : "", NULL, 1);
  buf_release(&b);
  if (!*out)
    return err_set(err, ERR_USAGE, "'%s' is not valid JSON", path);
  return 1;
}

static int from_context(struct dockerhost *h, const char *dir, const char *name,
                        const char *why, struct err *err)
{
  char id[65];
  sha256_hex(name, strlen(name), id);
  char *meta = xasprintf("%s/contexts/meta/%s/meta.json", dir, id);
  cJSON *j = NULL;
  int rc = read_json(meta, &j, err);
  if (rc == 0)
    rc = err_set(err, ERR_USAGE,
                 "docker context '%s' (from %s) does not exist: no '%s' "
                 "('docker context ls' lists the contexts)",
                 name, why, meta);
  const cJSON *ep = NULL, *host = NULL;
  if (rc > 0) {
    ep = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(j, "Endpoints"), "docker");
    host = cJSON_GetObjectItemCaseSensitive(ep, "Host");
    if (!cJSON_IsString(host) || !*host->valuestring)
      rc = err_set(err, ERR_USAGE,
                   "docker context '%s' names no docker endpoint ('%s' has "
                   "no Endpoints.docker.Host)",
                   name, meta);
  }
  if (rc > 0) {
    int skip =
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ep, "SkipTLSVerify"));
    char *tls = xasprintf("%s/contexts/tls/%s/docker", dir, id);
    char *probe[3] = {cert_file(tls, "ca.pem"), cert_file(tls, "cert.pem"),
                      cert_file(tls, "key.pem")};
    /* as the docker CLI: TLS when the context has TLS material or skips
     * verification; verified (against its ca.pem, else the system's
     * store) unless it skips */
    int use_tls = skip || probe[0] || probe[1] || probe[2];
    for (int i = 0; i < 3; i++)
      free(probe[i]);
    rc = dockerhost_parse(h, host->valuestring, use_tls, 0, tls, err);
    if (!rc && h->tls) {
      h->tls_verify = !skip;
      free(h->cert_dir);
      h->cert_dir = xstrdup(tls);
    }
    if (rc)
      err_wrap(err, "docker context '%s'", name);
    free(tls);
  }
  cJSON_Delete(j);
  free(meta);
  return rc;
}

int dockerhost_resolve(struct dockerhost *h, const char *context,
                       struct err *err)
{
  struct dockerhost z = DOCKERHOST_INIT;
  *h = z;
  char *dir = config_dir(), *name = NULL, *why = NULL;
  const char *env_host = getenv("DOCKER_HOST");
  const char *env_ctx = getenv("DOCKER_CONTEXT");
  int rc = 0;
  /* the docker CLI's order: --context, then DOCKER_HOST (the default
   * context), DOCKER_CONTEXT, currentContext in config.json */
  if (context && *context) {
    name = xstrdup(context);
    why = xstrdup("--context");
  } else if (env_host && *env_host) {
    ;
  } else if (env_ctx && *env_ctx) {
    name = xstrdup(env_ctx);
    why = xstrdup("DOCKER_CONTEXT");
  } else if (dir) {
    char *path = xasprintf("%s/config.json", dir);
    cJSON *j = NULL;
    rc = read_json(path, &j, err);
    const cJSON *cur = cJSON_GetObjectItemCaseSensitive(j, "currentContext");
    if (rc > 0 && cJSON_IsString(cur) && *cur->valuestring) {
      name = xstrdup(cur->valuestring);
      why = xasprintf("currentContext in '%s'", path);
    }
    rc = rc < 0 ? rc : 0;
    cJSON_Delete(j);
    free(path);
  }
  if (!rc && (!name || !strcmp(name, "default")))
    rc = dockerhost_from_env(h, err);
  else if (!rc && !dir)
    rc = err_set(err, ERR_USAGE,
                 "docker context '%s' (from %s): no docker configuration "
                 "directory (set DOCKER_CONFIG or HOME)",
                 name, why);
  else if (!rc) {
    rc = from_context(h, dir, name, why, err);
    if (!rc) {
      h->context = xstrdup(name);
      rc = api_version_from_env(h, err);
    }
  }
  free(dir);
  free(name);
  free(why);
  return rc;
}
