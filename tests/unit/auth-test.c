/* Unit tests for auth: base64 both ways, the registry of a reference, and
 * X-Registry-Auth from config.json texts as `docker login` writes them,
 * the credential helper a config names for a registry, and helpers run
 * (a script put on PATH here), blocking and on a loop: a slow helper
 * holds up nothing else on the loop. */
#include "tap.h"
#include "engine/auth.h"

#include "util/err.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void b64(const char *in, const char *want)
{
  char *got = auth_base64_new((const unsigned char *)in, strlen(in), 0);
  is_str(got, want, "base64 '%s'", in);
  size_t n = 0;
  unsigned char *back = auth_unbase64_new(got, &n);
  ok(back && n == strlen(in) && !memcmp(back, in, n), "round trip '%s'", in);
  free(back);
  free(got);
}

static void registry(const char *ref, const char *want)
{
  char *got = auth_registry_new(ref);
  is_str(got, want, "registry of '%s'", ref);
  free(got);
}

/* decode a header and read one field of its JSON */
static char *field(const char *header, const char *key)
{
  size_t n;
  unsigned char *raw = auth_unbase64_new(header, &n);
  cJSON *o = raw ? cJSON_Parse((char *)raw) : NULL;
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  char *s = cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
  cJSON_Delete(o);
  free(raw);
  return s;
}

static void helper_is(const char *json, const char *registry, const char *want,
                      const char *what)
{
  char *got = auth_helper_name_new(json, registry);
  if (want)
    is_str(got, want, "%s", what);
  else
    ok(!got, "%s: none", what);
  free(got);
}

/* credHelpers[registry] > credsStore > auths */
static void helper_names(void)
{
  const char *both = "{\"credsStore\": \"store\", \"credHelpers\": {"
                     "\"127.0.0.1:5000\": \"local\", "
                     "\"https://index.docker.io/v1/\": \"hub\"},"
                     "\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"dTpw\"}}}";
  helper_is(both, "127.0.0.1:5000", "local", "credHelpers entry first");
  helper_is(both, "docker.io", "hub", "credHelpers key in URL form");
  helper_is(both, "reg.example.com", "store", "else credsStore");
  const char *one = "{\"credHelpers\": {\"127.0.0.1:5000\": \"local\"},"
                    "\"auths\": {\"reg.example.com\": {\"auth\": \"dTpw\"}}}";
  helper_is(one, "reg.example.com", NULL, "no store: auths are read");
  helper_is("{\"credsStore\": \"\"}", "docker.io", NULL, "empty credsStore");
  helper_is("not json", "docker.io", NULL, "a broken file");
  helper_is(NULL, "docker.io", NULL, "no file");
}

static void helper_answers(void)
{
  struct err err = ERR_INIT;
  char *h = NULL;
  is_int(auth_header_from_helper_new("{\"ServerURL\": \"r\", \"Username\": "
                                     "\"ann\", \"Secret\": \"pw\"}",
                                     "127.0.0.1:5000", &h, &err),
         0, "a user and secret");
  char *u = field(h, "username"), *pw = field(h, "password"),
       *sa = field(h, "serveraddress");
  ok(u && pw && sa && !strcmp(u, "ann") && !strcmp(pw, "pw") &&
         !strcmp(sa, "127.0.0.1:5000"),
     "user, password and server in the header");
  free(u);
  free(pw);
  free(sa);
  free(h);
  is_int(auth_header_from_helper_new("{\"Username\": \"<token>\", "
                                     "\"Secret\": \"tok\"}",
                                     "docker.io", &h, &err),
         0, "an identity token");
  char *t = field(h, "identitytoken");
  is_str(t, "tok", "the token as identitytoken");
  free(t);
  free(h);
  is_int(auth_header_from_helper_new("nope", "x", &h, &err), ERR_PROTO,
         "not JSON: ERR_PROTO");
  ok(!h, "no header from a bad answer");
  err_release(&err);
}

/* --- helpers on a loop --- */

struct got {
  int done, rc, ticks;
  int ticks_at_done;
  uint64_t last_tick, longest_gap; /* ms */
  const char *go; /* made by the GO_TICKth tick: the slow helper answers */
  char *header;
  char msg[512];
};

static void on_got(void *ctx, int rc, char *header, const struct err *err)
{
  struct got *g = ctx;
  g->done++;
  g->ticks_at_done = g->ticks;
  g->rc = rc;
  g->header = header;
  snprintf(g->msg, sizeof(g->msg), "%s", err && err->text ? err->text : "");
}

/* The slow helper waits for a file the loop's timer makes at its 10th tick
 * (giving up after 20 s): it can answer only if the loop ran meanwhile. */
#define GO_TICK 10

static void on_tick(uv_timer_t *t)
{
  struct got *g = t->data;
  uint64_t now = uv_hrtime() / 1000000;
  if (g->last_tick && now - g->last_tick > g->longest_gap)
    g->longest_gap = now - g->last_tick;
  g->last_tick = now;
  g->ticks++;
  if (g->go && g->ticks == GO_TICK) {
    FILE *f = fopen(g->go, "w");
    if (f)
      fclose(f);
  }
}

static uint64_t now_ms(void)
{
  return uv_hrtime() / 1000000;
}

/* The helper t on a loop for registry: rc, *h and the message. */
static int helper_async(uv_loop_t *loop, const char *helper,
                        const char *registry, char **h, struct got *g)
{
  memset(g, 0, sizeof(*g));
  auth_header_from_helper_start(loop, helper, registry, on_got, g);
  ok(!g->done, "on a loop, '%s': no callback from the start", registry);
  while (!g->done)
    uv_run(loop, UV_RUN_ONCE);
  uv_run(loop, UV_RUN_DEFAULT); /* its handles close */
  is_int(g->done, 1, "on a loop, '%s': one callback", registry);
  *h = g->header;
  return g->rc;
}

static void helper_runs_async(const char *dir)
{
  uv_loop_t loop;
  uv_loop_init(&loop);
  struct got g;
  char *h = NULL;
  is_int(helper_async(&loop, "t", "127.0.0.1:5000", &h, &g), 0,
         "on a loop: helper run");
  char *u = field(h, "username");
  is_str(u, "127.0.0.1:5000", "on a loop: the registry went to its stdin");
  free(u);
  free(h);
  is_int(helper_async(&loop, "t", "none.example", &h, &g), 0,
         "on a loop: nothing stored: no error");
  ok(!h, "on a loop: nothing stored: no header");
  is_int(helper_async(&loop, "t", "bad.example", &h, &g), ERR_ENGINE,
         "on a loop: a failing helper: an error");
  ok(strstr(g.msg, "docker-credential-t get (for 'bad.example') failed: "
                   "locked"),
     "on a loop: the same message: %s", g.msg);
  is_int(helper_async(&loop, "absent", "docker.io", &h, &g), ERR_NOTFOUND,
         "on a loop: a helper not on PATH");
  ok(strstr(g.msg, "'docker-credential-absent' is not on PATH"),
     "on a loop: the same message: %s", g.msg);

  /* a helper that takes its time (a keyring unlocking): the loop turns.
   * It answers only once the loop's timer made the file it waits for, so a
   * start that waited for its answer, or a loop that stood still while it
   * ran, would leave it waiting until it gives up (an error). */
  memset(&g, 0, sizeof(g));
  char go[300];
  snprintf(go, sizeof(go), "%s/go", dir);
  unlink(go);
  g.go = go;
  uv_timer_t tick;
  uv_timer_init(&loop, &tick);
  tick.data = &g;
  uv_timer_start(&tick, on_tick, 20, 20);
  uint64_t t0 = now_ms();
  g.last_tick = t0;
  auth_header_from_helper_start(&loop, "t", "slow.example", on_got, &g);
  uint64_t took = now_ms() - t0;
  ok(!g.done && access(go, F_OK) != 0,
     "slow helper: the start returns before its answer (in %llu ms)",
     (unsigned long long)took);
  while (!g.done)
    uv_run(&loop, UV_RUN_ONCE);
  uint64_t after = now_ms() - t0;
  ok(g.ticks_at_done >= GO_TICK,
     "slow helper: the loop ran meanwhile (%d ticks of 20 ms in %llu ms, "
     "longest gap %llu ms)",
     g.ticks_at_done, (unsigned long long)after,
     (unsigned long long)g.longest_gap);
  is_int(g.rc, 0, "slow helper: its answer (after the loop let it go)");
  u = field(g.header, "username");
  is_str(u, "slow.example", "slow helper: the header from it");
  free(u);
  free(g.header);
  uv_timer_stop(&tick);
  uv_close((uv_handle_t *)&tick, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  is_int(uv_loop_close(&loop), 0, "on a loop: every handle closed");
}

static void helper_runs(void)
{
  char dir[] = "/tmp/wcompose-auth-test.XXXXXX";
  if (!mkdtemp(dir)) {
    ok(0, "temp dir");
    return;
  }
  char path[300];
  snprintf(path, sizeof(path), "%s/docker-credential-t", dir);
  FILE *f = fopen(path, "w");
  /* echoes the server it was asked about as the user; fails on demand */
  fputs("#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread -r s\n"
        "case $s in\n"
        "  none.example) echo 'credentials not found in native keychain';"
        " exit 1;;\n"
        "  bad.example) echo 'locked: unlock the keyring' >&2;"
        " echo 'locked: unlock the keyring'; exit 1;;\n"
        "  slow.example) i=0; until [ -e \"${0%/*}/go\" ]; do\n"
        "    i=$((i + 1)); [ $i -le 400 ] || { echo 'never let go'; exit 1; }\n"
        "    sleep 0.05; done;;\n"
        "esac\n"
        "printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":"
        "\"s3\"}\\n' \"$s\" \"$s\"\n",
        f);
  fclose(f);
  chmod(path, 0755);
  const char *old = getenv("PATH");
  char *saved = old ? strdup(old) : NULL;
  char newpath[2000];
  snprintf(newpath, sizeof(newpath), "%s:%s", dir, old ? old : "/usr/bin:/bin");
  setenv("PATH", newpath, 1);

  struct err err = ERR_INIT;
  char *h = NULL;
  is_int(auth_header_from_helper("t", "127.0.0.1:5000", &h, &err), 0,
         "helper run");
  char *u = field(h, "username");
  is_str(u, "127.0.0.1:5000", "the registry went to the helper's stdin");
  free(u);
  free(h);
  is_int(auth_header_from_helper("t", "docker.io", &h, &err), 0,
         "helper run for Docker Hub");
  u = field(h, "username");
  is_str(u, "https://index.docker.io/v1/", "Docker Hub asked as the CLI does");
  free(u);
  free(h);
  is_int(auth_header_from_helper("t", "none.example", &h, &err), 0,
         "nothing stored: no error");
  ok(!h, "nothing stored: no header");
  is_int(auth_header_from_helper("t", "bad.example", &h, &err), ERR_ENGINE,
         "a failing helper: an error");
  ok(err.text && strstr(err.text, "docker-credential-t get (for "
                                  "'bad.example') failed: locked"),
     "a failing helper: named, with what it said: %s", err.text);
  err_reset(&err);
  is_int(auth_header_from_helper("absent", "docker.io", &h, &err), ERR_NOTFOUND,
         "a helper not on PATH");
  ok(err.text && strstr(err.text, "'docker-credential-absent' is not on PATH"),
     "a helper not on PATH: %s", err.text);

  helper_runs_async(dir);

  /* through the config file */
  char cfg[300];
  snprintf(cfg, sizeof(cfg), "%s/config.json", dir);
  f = fopen(cfg, "w");
  fputs("{\"credsStore\": \"absent\", \"credHelpers\": "
        "{\"127.0.0.1:5000\": \"t\"}}",
        f);
  fclose(f);
  setenv("DOCKER_CONFIG", dir, 1);
  err_reset(&err);
  is_int(auth_header_lookup("127.0.0.1:5000/app:v1", &h, &err), 0,
         "lookup: credHelpers before credsStore");
  u = field(h, "username");
  is_str(u, "127.0.0.1:5000", "lookup: the helper's user");
  free(u);
  free(h);
  is_int(auth_header_lookup("busybox", &h, &err), ERR_NOTFOUND,
         "lookup: else credsStore");
  {
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct got g = {0};
    auth_header_lookup_start(&loop, "127.0.0.1:5000/app:v1", on_got, &g);
    uv_run(&loop, UV_RUN_DEFAULT);
    u = field(g.header, "username");
    ok(g.done == 1 && !g.rc, "lookup on a loop: answered");
    is_str(u, "127.0.0.1:5000", "lookup on a loop: the helper's user");
    free(u);
    free(g.header);
    memset(&g, 0, sizeof(g));
    auth_header_lookup_start(&loop, "busybox", on_got, &g);
    uv_run(&loop, UV_RUN_DEFAULT);
    ok(g.done == 1 && g.rc == ERR_NOTFOUND && !g.header,
       "lookup on a loop: else credsStore (%s)", g.msg);
    is_int(uv_loop_close(&loop), 0, "lookup on a loop: every handle closed");
  }
  unsetenv("DOCKER_CONFIG");
  unlink(cfg);

  if (saved) {
    setenv("PATH", saved, 1);
    free(saved);
  }
  unlink(path);
  char go[300];
  snprintf(go, sizeof(go), "%s/go", dir);
  unlink(go);
  rmdir(dir);
  err_release(&err);
}

int main(void)
{
  b64("", "");
  b64("f", "Zg==");
  b64("fo", "Zm8=");
  b64("foo", "Zm9v");
  b64("user:pass", "dXNlcjpwYXNz");
  char *u = auth_base64_new((const unsigned char *)"\xfb\xff", 2, 1);
  is_str(u, "-_8=", "url-safe alphabet");
  free(u);
  size_t n;
  ok(auth_unbase64_new("a*b=", &n) == NULL, "bad base64 refused");

  registry("busybox", "docker.io");
  registry("library/busybox:1.36", "docker.io");
  registry("127.0.0.1:5000/app:v1", "127.0.0.1:5000");
  registry("registry.example.com/team/app", "registry.example.com");
  registry("localhost/app", "localhost");

  const char *cfg =
      "{\"auths\": {"
      "\"https://index.docker.io/v1/\": {\"auth\": \"aHViOnNlY3JldA==\"},"
      "\"127.0.0.1:5000\": {\"auth\": \"dXNlcjpwYTpzcw==\"},"
      "\"https://reg.example.com\": {\"identitytoken\": \"tok\"}}}";
  char *h = auth_header_from_config_new(cfg, "127.0.0.1:5000/app:v1");
  ok(h != NULL, "credentials for a host:port registry");
  char *f = h ? field(h, "username") : NULL;
  is_str(f, "user", "username");
  free(f);
  f = h ? field(h, "password") : NULL;
  is_str(f, "pa:ss", "password keeps its colons");
  free(f);
  f = h ? field(h, "serveraddress") : NULL;
  is_str(f, "127.0.0.1:5000", "serveraddress is the config key");
  free(f);
  free(h);
  h = auth_header_from_config_new(cfg, "busybox");
  f = h ? field(h, "username") : NULL;
  is_str(f, "hub", "Docker Hub's historical key matches docker.io");
  free(f);
  free(h);
  h = auth_header_from_config_new(cfg, "reg.example.com/x");
  f = h ? field(h, "identitytoken") : NULL;
  is_str(f, "tok", "an identity token, the key's scheme ignored");
  free(f);
  free(h);
  ok(auth_header_from_config_new(cfg, "other.example.com/x") == NULL,
     "no credentials for another registry");
  ok(auth_header_from_config_new("not json", "busybox") == NULL,
     "a broken file gives none");
  ok(auth_header_from_config_new(NULL, "busybox") == NULL, "no file, none");
  ok(auth_header_from_config_new("{\"credsStore\": \"desktop\"}", "busybox") ==
         NULL,
     "a credsStore is no auths entry");
  /* lists where maps belong (a fuzzer's find: the entries have no key) */
  ok(auth_header_from_config_new("{\"auths\":[\"https://docker.io/v1/\"]}",
                                 "busybox") == NULL,
     "auths as a list: none, no crash");
  ok(auth_helper_name_new("{\"credHelpers\":[\"docker.io\"]}", "docker.io") ==
         NULL,
     "credHelpers as a list: no helper");
  /* use_api_socket's config: the auths only, their secrets kept */
  char *c = auth_config_auths_from_new(
      "{\"auths\":{\"r.example:5000\":{\"auth\":\"dTpw\",\"email\":\"e\"},"
      "\"empty.example\":{},\"t.example\":{\"identitytoken\":\"tok\"}},"
      "\"credsStore\":\"desktop\",\"proxies\":{}}");
  cJSON *j = cJSON_Parse(c);
  char *flat = cJSON_PrintUnformatted(j);
  is_str(flat,
         "{\"auths\":{\"r.example:5000\":{\"auth\":\"dTpw\"},"
         "\"t.example\":{\"identitytoken\":\"tok\"}}}",
         "api socket config: credentials only");
  free(flat);
  cJSON_Delete(j);
  free(c);
  c = auth_config_auths_from_new(NULL);
  j = cJSON_Parse(c);
  flat = cJSON_PrintUnformatted(j);
  is_str(flat, "{\"auths\":{}}", "no config file: no credentials");
  free(flat);
  cJSON_Delete(j);
  free(c);
  helper_names();
  helper_answers();
  helper_runs();
  return tap_done();
}
