/* Registry credentials from the docker CLI's config.json, as the engine's
 * X-Registry-Auth header wants them. */
#include "engine/auth.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* config.json is small; anything bigger is not one */
#define CONFIG_MAX (4 << 20)

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

char *auth_header_new(const char *ref)
{
  char *text = config_text_new();
  char *h = text ? auth_header_from_config_new(text, ref) : NULL;
  free(text);
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
