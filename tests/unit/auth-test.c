/* Unit tests for auth: base64 both ways, the registry of a reference, and
 * X-Registry-Auth from config.json texts as `docker login` writes them. */
#include "tap.h"
#include "engine/auth.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

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
     "helpers are not run");
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
  return tap_done();
}
