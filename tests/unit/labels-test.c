/* Unit tests for labels: SHA-256 vectors, compose labels. */
#include "tap.h"
#include "orchestrate/labels.h"
#include "util/sha256.h"

#include <stdlib.h>

static void sha(const char *in, size_t n, const char *want, const char *what)
{
  char hex[65];
  sha256_hex(in, n, hex);
  is_str(hex, want, "sha256 %s", what);
}

int main(void)
{
  sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "empty");
  sha("abc", 3,
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "abc");
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  sha(m, strlen(m),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
      "448 bits (two padding blocks)");
  char *a = malloc(1000000);
  memset(a, 'a', 1000000);
  sha(a, 1000000,
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
      "a million a");
  free(a);
  char b64[64];
  memset(b64, 'x', 64);
  char h1[65], h2[65];
  sha256_hex(b64, 55, h1);
  sha256_hex(b64, 56, h2);
  ok(strcmp(h1, h2) != 0, "55 and 56 bytes differ (padding edge)");

  struct dependency deps[] = {{"db", DEP_HEALTHY, 1, 1},
                              {"init", DEP_COMPLETED, 0, 1}};
  struct service s = {.name = "web", .depends_on = deps, .ndepends_on = 2};
  char *d = labels_depends_on_new(&s);
  is_str(d, "db:service_healthy:true,init:service_completed_successfully:false",
         "depends_on label");
  free(d);

  const char *files[] = {"/p/compose.yaml", "/p/override.yaml"};
  struct project p = {
      .name = "blog", .working_dir = "/p", .config_files = {files, 2}};
  struct labels l = LABELS_INIT;
  labels_put(&l, LABELS_SERVICE, "old");
  labels_add_container(&l, &p, &s, 2, 0, "abc", "sha256:1");
  is_str(engine_kv_get(l.v, l.n, LABELS_PROJECT), "blog", "project label");
  is_str(engine_kv_get(l.v, l.n, LABELS_SERVICE), "web",
         "service label replaces");
  is_str(engine_kv_get(l.v, l.n, LABELS_NUMBER), "2", "number");
  is_str(engine_kv_get(l.v, l.n, LABELS_ONEOFF), "False", "oneoff");
  is_str(engine_kv_get(l.v, l.n, LABELS_CONFIG_FILES),
         "/p/compose.yaml,/p/override.yaml", "config files joined");
  is_str(engine_kv_get(l.v, l.n, LABELS_WORKING_DIR), "/p", "working dir");
  is_str(engine_kv_get(l.v, l.n, LABELS_CONFIG_HASH), "abc", "hash");
  is_str(engine_kv_get(l.v, l.n, LABELS_IMAGE), "sha256:1", "image");
  ok(engine_kv_get(l.v, l.n, LABELS_VERSION) != NULL, "version");
  int n = 0;
  for (size_t i = 0; i < l.n; i++)
    n += !strcmp(l.v[i].key, LABELS_SERVICE);
  is_int(n, 1, "no duplicate keys");
  labels_release(&l);
  labels_add_network(&l, &p, "default");
  is_str(engine_kv_get(l.v, l.n, LABELS_NETWORK), "default", "network label");
  labels_release(&l);
  return tap_done();
}
