/* Unit tests for dockerhost_resolve: the docker CLI's choice of engine
 * (--context, DOCKER_HOST, DOCKER_CONTEXT, currentContext) over a context
 * store made here by hand in a temp DOCKER_CONFIG, the way the docker CLI
 * lays it out (tests/engine/context.sh checks one made by `docker context
 * create`). */
#include "tap.h"
#include "engine/dockerhost.h"
#include "util/err.h"
#include "util/sha256.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64] = "/tmp/wcompose-ctx-XXXXXX";

/* sha256("made-up"), as the docker CLI names the context's directories
 * (computed apart from util/sha256, by Python's hashlib) */
#define MADE_UP_ID                                                             \
  "da53422a4618735f8ae72abdb21c16d340849b1a510ef20768b131171f8f7122"

static void put(const char *rel, const char *text)
{
  char path[512], cmd[600];
  snprintf(path, sizeof(path), "%s/%s", dir, rel);
  snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
  if (system(cmd))
    abort();
  FILE *f = fopen(path, "w");
  if (!f)
    abort();
  fputs(text, f);
  fclose(f);
}

static void clear_env(void)
{
  unsetenv("DOCKER_HOST");
  unsetenv("DOCKER_CONTEXT");
  unsetenv("DOCKER_TLS_VERIFY");
  unsetenv("DOCKER_TLS");
  unsetenv("DOCKER_CERT_PATH");
  unsetenv("DOCKER_API_VERSION");
}

/* resolve; the host chosen, or "error: <message>" */
static const char *resolve(const char *flag, struct dockerhost *h)
{
  static char out[1024];
  struct err e = ERR_INIT;
  if (dockerhost_resolve(h, flag, &e)) {
    snprintf(out, sizeof(out), "error: %s", e.text ? e.text : "?");
    out[strcspn(out, "\n")] = '\0';
  } else {
    snprintf(out, sizeof(out), "%s", h->host);
  }
  err_release(&e);
  return out;
}

static void test_choice(void)
{
  struct dockerhost h = DOCKERHOST_INIT;
  char hex[65];
  sha256_hex("made-up", 7, hex);
  is_str(hex, MADE_UP_ID, "the store's directory name is the name's hash");

  is_str(resolve(NULL, &h), "unix:///var/run/docker.sock",
         "no config.json: the default socket");
  ok(h.context == NULL, "  the default context");
  dockerhost_release(&h);

  put("contexts/meta/" MADE_UP_ID "/meta.json",
      "{\"Name\":\"made-up\",\"Metadata\":{},\"Endpoints\":{\"docker\":"
      "{\"Host\":\"tcp://10.1.2.3:2375\",\"SkipTLSVerify\":false}}}");
  put("config.json", "{\"auths\":{},\"currentContext\":\"made-up\"}");
  is_str(resolve(NULL, &h), "tcp://10.1.2.3:2375",
         "currentContext in config.json names the context");
  is_str(h.context, "made-up", "  and it is told");
  ok(h.kind == DOCKERHOST_TCP && !h.tls, "  plain tcp: no TLS material");
  is_str(h.base_url, "http://10.1.2.3:2375", "  its URL");
  dockerhost_release(&h);

  setenv("DOCKER_HOST", "unix:///run/other.sock", 1);
  is_str(resolve(NULL, &h), "unix:///run/other.sock",
         "DOCKER_HOST wins over currentContext");
  dockerhost_release(&h);
  setenv("DOCKER_CONTEXT", "made-up", 1);
  is_str(resolve(NULL, &h), "unix:///run/other.sock",
         "and over DOCKER_CONTEXT");
  dockerhost_release(&h);
  is_str(resolve("made-up", &h), "tcp://10.1.2.3:2375",
         "--context wins over DOCKER_HOST");
  dockerhost_release(&h);
  is_str(resolve("default", &h), "unix:///run/other.sock",
         "--context default is DOCKER_HOST");
  dockerhost_release(&h);
  unsetenv("DOCKER_HOST");

  setenv("DOCKER_CONTEXT", "default", 1);
  is_str(resolve(NULL, &h), "unix:///var/run/docker.sock",
         "DOCKER_CONTEXT=default wins over currentContext");
  dockerhost_release(&h);
  setenv("DOCKER_CONTEXT", "nowhere", 1);
  const char *r = resolve(NULL, &h);
  ok(strstr(r, "error: docker context 'nowhere' (from DOCKER_CONTEXT) does "
               "not exist") &&
         strstr(r, "docker context ls"),
     "an unknown context: %s", r);
  unsetenv("DOCKER_CONTEXT");
  r = resolve("nowhere", &h);
  ok(strstr(r, "'nowhere' (from --context) does not exist"),
     "  named by --context: %s", r);
  put("config.json", "{\"currentContext\":\"gone\"}");
  r = resolve(NULL, &h);
  ok(strstr(r, "'gone' (from currentContext in '") &&
         strstr(r, "/config.json') does not exist"),
     "  named by config.json: %s", r);
  put("config.json", "{\"currentContext\":");
  r = resolve(NULL, &h);
  ok(strstr(r, "config.json' is not valid JSON"), "a broken config.json: %s",
     r);
  put("config.json", "{\"currentContext\":\"\"}");
  is_str(resolve(NULL, &h), "unix:///var/run/docker.sock",
         "an empty currentContext: the default");
  dockerhost_release(&h);
}

static void test_context_endpoints(void)
{
  struct dockerhost h = DOCKERHOST_INIT;
  setenv("DOCKER_API_VERSION", "1.44", 1);
  setenv("DOCKER_TLS_VERIFY", "1", 1); /* the default context's only */
  is_str(resolve("made-up", &h), "tcp://10.1.2.3:2375",
         "DOCKER_TLS_VERIFY does not apply to a context");
  ok(!h.tls, "  no TLS");
  is_str(h.api_version, "1.44", "  DOCKER_API_VERSION does");
  dockerhost_release(&h);
  unsetenv("DOCKER_TLS_VERIFY");
  unsetenv("DOCKER_API_VERSION");

  const char *tls = "contexts/tls/" MADE_UP_ID "/docker/";
  char rel[256];
  const char *names[] = {"ca.pem", "cert.pem", "key.pem"};
  for (int i = 0; i < 3; i++) {
    snprintf(rel, sizeof(rel), "%s%s", tls, names[i]);
    put(rel, "-----BEGIN-----\n");
  }
  is_str(resolve("made-up", &h), "tcp://10.1.2.3:2375",
         "a context with TLS material");
  ok(h.tls && h.tls_verify, "  speaks TLS, verified");
  is_str(h.base_url, "https://10.1.2.3:2375", "  https");
  ok(h.ca && strstr(h.ca, MADE_UP_ID "/docker/ca.pem") && h.cert &&
         strstr(h.cert, "/docker/cert.pem") && h.key &&
         strstr(h.key, "/docker/key.pem"),
     "  with the context's files: %s", h.ca ? h.ca : "(none)");
  dockerhost_release(&h);

  put("contexts/meta/" MADE_UP_ID "/meta.json",
      "{\"Name\":\"made-up\",\"Endpoints\":{\"docker\":"
      "{\"Host\":\"tcp://10.1.2.3:2376\",\"SkipTLSVerify\":true}}}");
  is_str(resolve("made-up", &h), "tcp://10.1.2.3:2376", "SkipTLSVerify");
  ok(h.tls && !h.tls_verify, "  TLS, not verified");
  dockerhost_release(&h);

  put("contexts/meta/" MADE_UP_ID "/meta.json",
      "{\"Name\":\"made-up\",\"Endpoints\":{\"docker\":"
      "{\"Host\":\"unix:///run/ctx.sock\"}}}");
  is_str(resolve("made-up", &h), "unix:///run/ctx.sock", "a unix socket");
  is_str(h.socket_path, "/run/ctx.sock", "  its path");
  ok(!h.tls, "  no TLS over a socket");
  dockerhost_release(&h);

  put("contexts/meta/" MADE_UP_ID "/meta.json",
      "{\"Name\":\"made-up\",\"Endpoints\":{\"docker\":"
      "{\"Host\":\"ssh://me@box\"}}}");
  const char *r = resolve("made-up", &h);
  ok(strstr(r, "error: docker context 'made-up': DOCKER_HOST: 'ssh://me@box' "
               "is not supported"),
     "an endpoint wcompose cannot speak to, the context named: %s", r);
  put("contexts/meta/" MADE_UP_ID "/meta.json",
      "{\"Name\":\"made-up\",\"Endpoints\":{}}");
  r = resolve("made-up", &h);
  ok(strstr(r, "names no docker endpoint"), "no docker endpoint: %s", r);
}

int main(void)
{
  if (!mkdtemp(dir))
    abort();
  clear_env();
  setenv("DOCKER_CONFIG", dir, 1);
  test_choice();
  test_context_endpoints();
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if (system(cmd))
    ok(0, "removing %s", dir);
  return tap_done();
}
