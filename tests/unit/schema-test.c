/* Unit tests for schema: the validator's keywords on tiny schemas, then the
 * built-in compose schema on valid and invalid compose snippets (exact
 * messages and positions), then the shared conformance files if present. */
#include "tap.h"
#include "compose/schema.h"
#include "util/buf.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <unistd.h>

static struct arena A = ARENA_INIT;
static char out[8192];

/* Validate YAML text against s; returns "" when valid, else the error
 * lines (last newline dropped), or "YAML: ..." when it does not parse. */
static const char *run(const struct schema *s, const char *file,
                       const char *yaml)
{
  struct err e = ERR_INIT;
  struct ynode *root = NULL;
  int rc = ydoc_parse(&A, file, yaml, strlen(yaml), NULL, &root, &e);
  if (rc) {
    snprintf(out, sizeof(out), "YAML: %s", e.text ? e.text : "?");
    err_release(&e);
    return out;
  }
  rc = schema_validate(s, root, &e);
  if (!rc && e.text)
    snprintf(out, sizeof(out), "rc 0 with text: %s", e.text);
  else if (rc && rc != ERR_SCHEMA)
    snprintf(out, sizeof(out), "rc %d: %s", rc, e.text ? e.text : "");
  else
    snprintf(out, sizeof(out), "%s", e.text ? e.text : "");
  size_t n = strlen(out);
  if (n && out[n - 1] == '\n')
    out[n - 1] = '\0';
  err_release(&e);
  return out;
}

static const char *tiny(const struct schema *s, const char *yaml)
{
  return run(s, "t.yml", yaml);
}

static const char *compose(const char *yaml)
{
  return run(schema_compose(), "compose.yaml", yaml);
}

static struct schema *load(const char *json)
{
  struct err e = ERR_INIT;
  struct schema *s = schema_parse(json, &e);
  if (!s)
    printf("# schema_parse: %s", e.text ? e.text : "?\n");
  err_release(&e);
  return s;
}

/* ---- the validator on tiny schemas ---- */

static void test_types(void)
{
  struct schema *s = load("{\"type\":\"object\",\"properties\":{"
                          "\"i\":{\"type\":\"integer\"},"
                          "\"n\":{\"type\":\"number\"},"
                          "\"s\":{\"type\":\"string\"},"
                          "\"b\":{\"type\":\"boolean\"},"
                          "\"z\":{\"type\":\"null\"},"
                          "\"l\":{\"type\":\"array\"},"
                          "\"u\":{\"type\":[\"string\",\"integer\"]}}}");
  ok(s != NULL, "types schema parses");
  is_str(tiny(s, "i: 3\nn: 1.5\ns: hi\nb: true\nz: ~\nl: []\nu: 4\n"), "",
         "each type accepts its own kind");
  is_str(tiny(s, "n: 7\nu: text\n"), "", "integer is a number; unions");
  is_str(tiny(s, "i: 1.5\n"), "t.yml:1:4: i must be an integer",
         "a float is not an integer");
  is_str(tiny(s, "s: 12\n"), "t.yml:1:4: s must be a string",
         "a plain number is not a string");
  is_str(tiny(s, "s: '12'\ni: \"12\"\nb: 'true'\n"), "",
         "quoted: a string, and a number or boolean when it reads as one");
  is_str(tiny(s, "s: true\n"), "t.yml:1:4: s must be a string",
         "true is a boolean, not a string");
  is_str(tiny(s, "s: no\nb: yes\nb: off\n"),
         "YAML: t.yml:3:1: mapping key "
         "'b' already defined at line 2\n",
         "(duplicate keys are ydoc's business)");
  is_str(tiny(s, "s: no\nb: yes\n"), "",
         "YAML 1.1 words: booleans, and strings where a string is wanted");
  is_str(tiny(s, "z: 0\nl: {}\n"),
         "t.yml:1:4: z must be null\nt.yml:2:4: l must be a list",
         "null and array names");
  is_str(tiny(s, "u: [1]\n"), "t.yml:1:4: u must be an integer or string",
         "union names, sorted, with an article");
  is_str(tiny(s, "- 1\n"), "t.yml:1:1: the compose file must be a mapping",
         "type at the root");
  schema_free(s);
}

static void test_objects(void)
{
  struct schema *s = load(
      "{\"type\":\"object\",\"properties\":{"
      "\"command\":{\"type\":\"string\"},\"image\":{\"type\":\"string\"},"
      "\"sub\":{\"type\":\"object\",\"properties\":{\"a\":{}},"
      "\"required\":[\"a\",\"b\"],\"additionalProperties\":false},"
      "\"open\":{\"type\":\"object\",\"additionalProperties\":"
      "{\"type\":\"integer\"}},"
      "\"names\":{\"type\":\"object\",\"patternProperties\":"
      "{\"^[a-z]+$\":{\"type\":\"string\"}},\"additionalProperties\":false}"
      "},\"patternProperties\":{\"^x-\":{}},"
      "\"additionalProperties\":false}");
  ok(s != NULL, "objects schema parses");
  is_str(tiny(s, "command: a\nx-anything: [1, {b: 2}]\n"), "",
         "properties and an extension pattern");
  is_str(tiny(s, "comand: a\n"),
         "t.yml:1:1: unknown top-level key 'comand' (did you mean "
         "'command'?)",
         "unknown key at the top, with a suggestion");
  is_str(tiny(s, "zzz: a\n"), "t.yml:1:1: unknown top-level key 'zzz'",
         "no suggestion when nothing is close");
  is_str(tiny(s, "sub:\n  a: 1\n  c: 2\n"),
         "t.yml:2:3: sub: missing required key 'b'\n"
         "t.yml:3:3: sub: unknown key 'c'",
         "required and unknown keys, in position order");
  is_str(tiny(s, "open:\n  n: 1\n  m: x\n"),
         "t.yml:3:6: open.m must be an integer",
         "additionalProperties as a schema");
  is_str(tiny(s, "names:\n  ok: x\n  Bad: y\n"),
         "t.yml:3:3: names: 'Bad' is not a valid name",
         "a key no pattern allows");
  schema_free(s);
}

static void test_arrays(void)
{
  struct schema *s =
      load("{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
           "\"minItems\":1,\"maxItems\":3,\"uniqueItems\":true}");
  ok(s != NULL, "arrays schema parses");
  is_str(tiny(s, "[a, b]\n"), "", "a good list");
  is_str(tiny(s, "[]\n"), "t.yml:1:1: needs at least 1 item", "minItems");
  is_str(tiny(s, "[a, b, c, d]\n"), "t.yml:1:1: takes at most 3 items",
         "maxItems");
  is_str(tiny(s, "- a\n- b\n- a\n"),
         "t.yml:3:3: [2]: 'a' is listed twice (also at [0])", "uniqueItems");
  is_str(tiny(s, "- a\n- {x: 1}\n"), "t.yml:2:3: [1] must be a string",
         "items, with the index in the path");
  schema_free(s);
  s = load("{\"type\":\"array\",\"uniqueItems\":true}");
  is_str(tiny(s, "['80', 80, {a: 1}, {a: 1}]\n"),
         "t.yml:1:20: [3]: 'a mapping' is listed twice (also at [2])",
         "uniqueItems compares typed values and structures");
  schema_free(s);
}

static void test_cap(void)
{
  struct schema *s = load("{\"type\":\"array\",\"items\":"
                          "{\"type\":\"string\"}}");
  char yaml[2048] = "[";
  for (int i = 0; i < 150; i++)
    strcat(yaml, i ? ", 1" : "1");
  strcat(yaml, "]\n");
  const char *got = tiny(s, yaml);
  int lines = 1;
  for (const char *p = got; *p; p++)
    lines += *p == '\n';
  is_int(lines, 101, "at most 100 problems, then one line to say more");
  ok(strstr(got, "and more problems after this one (150 in all)") != NULL,
     "the last line counts them");
  schema_free(s);
}

static void test_scalars(void)
{
  struct schema *s =
      load("{\"type\":\"object\",\"properties\":{"
           "\"e\":{\"enum\":[\"no\",\"always\",1,true,null]},"
           "\"c\":{\"const\":\"x\"},"
           "\"m\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":10},"
           "\"l\":{\"type\":\"string\",\"minLength\":1},"
           "\"p\":{\"type\":\"string\",\"pattern\":\"^[a-z]+[0-9]*$\"},"
           "\"d\":{\"type\":\"string\",\"format\":\"duration\"},"
           "\"f\":{\"type\":\"string\",\"format\":\"no-such-format\"}}}");
  ok(s != NULL, "scalars schema parses");
  is_str(tiny(s, "e: no\n"), "", "enum: a YAML 1.1 word matches its text");
  is_str(tiny(s, "e: 1\n"), "", "enum: numbers");
  ok(*tiny(s, "e: yes\n") != '\0', "enum: yes is a string, not true");
  is_str(tiny(s, "e: true\n"), "", "enum: true");
  is_str(tiny(s, "e:\n"), "", "enum: null");
  is_str(tiny(s, "e: sometimes\n"),
         "t.yml:1:4: e: 'sometimes' is not one of no, always, 1, true, null",
         "enum failure lists the choices");
  is_str(tiny(s, "c: x\n"), "", "const");
  is_str(tiny(s, "c: y\n"), "t.yml:1:4: c: must be 'x'", "const failure");
  is_str(tiny(s, "m: 0x0a\n"), "", "hex within bounds");
  is_str(tiny(s, "m: -1\n"), "t.yml:1:4: m: -1 is less than the minimum 0",
         "minimum");
  is_str(tiny(s, "m: 11\n"), "t.yml:1:4: m: 11 is more than the maximum 10",
         "maximum");
  is_str(tiny(s, "l: ''\n"), "t.yml:1:4: l: must not be empty", "minLength");
  is_str(tiny(s, "p: abc12\n"), "", "pattern match");
  is_str(tiny(s, "p: 12abc\n"),
         "t.yml:1:4: p: '12abc' does not match the pattern "
         "'^[a-z]+[0-9]*$'",
         "pattern mismatch");
  is_str(tiny(s, "d: 1m30s\n"), "", "duration 1m30s");
  is_str(tiny(s, "d: 1.5h\n"), "", "duration 1.5h");
  is_str(tiny(s, "d: '0'\n"), "", "duration 0");
  is_str(tiny(s, "d: 10 seconds\n"),
         "t.yml:1:4: d: '10 seconds' is not a duration (write it like "
         "1m30s, 10s or 500ms)",
         "not a duration");
  is_str(tiny(s, "d: '10'\n"),
         "t.yml:1:4: d: '10' is not a duration (write it like 1m30s, 10s "
         "or 500ms)",
         "a duration needs a unit");
  is_str(tiny(s, "f: anything\n"), "", "unknown formats are ignored");
  schema_free(s);
}

static void test_combinators(void)
{
  struct schema *s =
      load("{\"definitions\":{"
           "\"map\":{\"type\":\"object\",\"properties\":{\"target\":"
           "{\"type\":\"integer\"}},\"required\":[\"target\"],"
           "\"additionalProperties\":false},"
           "\"short\":{\"type\":[\"string\",\"number\"]}},"
           "\"type\":\"object\",\"properties\":{"
           "\"any\":{\"anyOf\":[{\"$ref\":\"#/definitions/short\"},"
           "{\"$ref\":\"#/definitions/map\"}]},"
           "\"one\":{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"string\","
           "\"minLength\":3}]},"
           "\"all\":{\"allOf\":[{\"type\":\"string\"},{\"minLength\":2}]},"
           "\"not\":{\"not\":{\"type\":\"string\"}},"
           "\"pick\":{\"anyOf\":[{\"type\":\"string\",\"enum\":[\"a\",\"b\"]},"
           "{\"type\":\"string\",\"pattern\":\"^c:[0-9]+$\"}]}}}");
  ok(s != NULL, "combinators schema parses");
  is_str(tiny(s, "any: 80\n"), "", "anyOf: first branch");
  is_str(tiny(s, "any: {target: 80}\n"), "", "anyOf: second branch");
  is_str(tiny(s, "any: {target: 80, pubished: 1}\n"),
         "t.yml:1:19: any: unknown key 'pubished'",
         "anyOf: the errors of the branch of the node's kind");
  is_str(tiny(s, "any: {}\n"),
         "t.yml:1:6: any: missing required key "
         "'target'",
         "anyOf: required in the mapping branch");
  is_str(tiny(s, "any: [1]\n"),
         "t.yml:1:6: any must be a mapping, number or string",
         "anyOf: no branch of this kind names them all");
  is_str(tiny(s, "one: ab\n"), "", "oneOf: exactly one");
  is_str(tiny(s, "one: abc\n"),
         "t.yml:1:6: one: matches more than one of the allowed forms",
         "oneOf: two matches");
  is_str(tiny(s, "all: a\n"),
         "t.yml:1:6: all: 'a' is shorter than 2 characters", "allOf");
  is_str(tiny(s, "not: 1\n"), "", "not: passes");
  is_str(tiny(s, "not: x\n"),
         "t.yml:1:6: not: is not allowed to have this "
         "form",
         "not: fails");
  is_str(tiny(s, "pick: c:3\n"), "", "anyOf of strings: the pattern branch");
  is_str(tiny(s, "pick: d\n"), "t.yml:1:7: pick: 'd' is not one of a, b",
         "anyOf of strings: the first branch speaks");
  schema_free(s);
}

static void test_parse_errors(void)
{
  struct err e = ERR_INIT;
  ok(schema_parse("{\"type\": ", &e) == NULL, "truncated JSON fails");
  ok(e.code == ERR_SCHEMA && strstr(e.text, "invalid JSON"),
     "it says invalid JSON");
  err_reset(&e);
  ok(schema_parse("{\"$ref\":\"#/definitions/nope\"}", &e) == NULL,
     "unresolved $ref fails");
  ok(e.text && strstr(e.text, "cannot resolve $ref '#/definitions/nope'"),
     "it names the ref");
  err_reset(&e);
  ok(schema_parse("{\"pattern\":\"a(\"}", &e) == NULL, "bad regex fails");
  ok(e.text && strstr(e.text, "bad pattern 'a('"), "it names the pattern");
  err_reset(&e);
  ok(schema_parse("{\"x\":1} trailing", &e) == NULL,
     "text after the JSON fails");
  err_release(&e);
  ok(schema_validate(NULL, NULL, &e) == ERR_SCHEMA, "no schema: error");
  err_release(&e);
}

static void test_built_trees(void)
{
  struct schema *s = load("{\"type\":\"object\",\"properties\":{"
                          "\"n\":{\"type\":\"integer\"},"
                          "\"s\":{\"type\":\"string\"}},"
                          "\"additionalProperties\":false}");
  struct ynode *m = ydoc_new_map(&A, NULL);
  ydoc_map_set(&A, m, "n", ydoc_new_scalar(&A, NULL, "5", 0));
  ydoc_map_set(&A, m, "s", ydoc_new_scalar(&A, NULL, "5", YNODE_QUOTED));
  struct err e = ERR_INIT;
  is_int(schema_validate(s, m, &e), 0, "built tree validates");
  struct ynode *r = ydoc_new_null(&A, NULL);
  r->flags |= YNODE_RESET;
  ydoc_map_set(&A, m, "n", r);
  is_int(schema_validate(s, m, &e), 0, "a !reset value is not checked");
  ydoc_map_set(&A, m, "s", ydoc_new_seq(&A, NULL));
  is_int(schema_validate(s, m, &e), ERR_SCHEMA, "built tree with a list");
  is_str(e.text, "s must be a string\n", "no position without one");
  err_release(&e);
  schema_free(s);
}

static void test_recursive_schema(void)
{
  /* a schema that refers to itself without descending stops, politely */
  struct schema *s = load("{\"definitions\":{\"a\":{\"$ref\":\"#/"
                          "definitions/b\"},\"b\":{\"allOf\":[{\"$ref\":"
                          "\"#/definitions/a\"}]}},\"$ref\":\"#/definitions/"
                          "a\"}");
  ok(s != NULL, "self-referring schema parses");
  ok(strstr(tiny(s, "a: 1\n"), "nests too deeply") != NULL,
     "and validation reports the loop instead of running forever");
  schema_free(s);
  /* a recursive schema that descends is fine */
  s = load("{\"definitions\":{\"t\":{\"type\":\"object\","
           "\"additionalProperties\":{\"$ref\":\"#/definitions/t\"}}},"
           "\"$ref\":\"#/definitions/t\"}");
  is_str(tiny(s, "a: {b: {c: {}}}\n"), "", "recursive tree");
  is_str(tiny(s, "a: {b: {c: 1}}\n"), "t.yml:1:12: a.b.c must be a mapping",
         "recursive tree, deep error");
  schema_free(s);
}

/* ---- the compose schema ---- */

static void test_compose_valid(void)
{
  ok(schema_compose() != NULL, "the built-in schema parses");
  ok(schema_compose() == schema_compose(), "and is parsed once");
  is_str(compose("version: \"2\"\n"
                 "services:\n"
                 "  build:\n"
                 "    build:\n"
                 "      context: .\n"
                 "      dockerfile: build\n"
                 "    volumes_from:\n"
                 "      - volumes\n"
                 "  serve:\n"
                 "    build:\n"
                 "      context: .\n"
                 "      dockerfile: serve\n"
                 "    volumes_from:\n"
                 "      - volumes\n"
                 "    ports:\n"
                 "      - 8000:8000\n"
                 "  volumes:\n"
                 "    image: busybox\n"
                 "    volumes:\n"
                 "      - ./source:/source\n"
                 "      - ./site:/build\n"
                 "      - /tmp:/tmp\n"),
         "", "the seeds' blog file (version 2, volumes_from)");
  is_str(compose("version: 3.8\nservices: {a: {image: x}}\n"), "",
         "version as a number");
  is_str(compose("name: demo\n"
                 "services:\n"
                 "  web:\n"
                 "    image: nginx\n"
                 "    ports:\n"
                 "      - 80\n"
                 "      - \"8080:80\"\n"
                 "      - 127.0.0.1:5000-5010:5000-5010/udp\n"
                 "      - target: 80\n"
                 "        published: \"8081\"\n"
                 "        host_ip: 127.0.0.1\n"
                 "        protocol: tcp\n"
                 "        app_protocol: http\n"
                 "        mode: host\n"
                 "        name: web\n"
                 "    volumes:\n"
                 "      - data:/data:ro\n"
                 "      - type: bind\n"
                 "        source: ./src\n"
                 "        target: /src\n"
                 "        read_only: true\n"
                 "        bind: {propagation: rprivate, create_host_path: "
                 "true, selinux: z}\n"
                 "      - type: volume\n"
                 "        source: data\n"
                 "        target: /v\n"
                 "        volume: {nocopy: true, subpath: sub}\n"
                 "      - type: tmpfs\n"
                 "        target: /t\n"
                 "        tmpfs: {size: 64m, mode: 01777}\n"
                 "    depends_on:\n"
                 "      db:\n"
                 "        condition: service_healthy\n"
                 "        restart: true\n"
                 "        required: false\n"
                 "    restart: no\n"
                 "  db:\n"
                 "    image: postgres\n"
                 "    restart: on-failure:3\n"
                 "    depends_on: [cache]\n"
                 "    healthcheck:\n"
                 "      test: [CMD, pg_isready]\n"
                 "      interval: 10s\n"
                 "      timeout: 1m30s\n"
                 "      retries: 3\n"
                 "      start_period: 5s\n"
                 "      start_interval: 500ms\n"
                 "  cache:\n"
                 "    image: redis\n"
                 "    restart: \"no\"\n"
                 "volumes:\n"
                 "  data:\n"),
         "", "ports and volumes long and short, depends_on long and short");
  is_str(compose("services:\n"
                 "  frontend:\n"
                 "    build: ./webapp\n"
                 "    develop:\n"
                 "      watch:\n"
                 "        - path: ./webapp/html\n"
                 "          action: sync\n"
                 "          target: /var/www\n"
                 "          ignore: [node_modules/]\n"
                 "        - path: package.json\n"
                 "          action: rebuild\n"
                 "        - path: ./conf\n"
                 "          action: sync+exec\n"
                 "          target: /etc/app\n"
                 "          exec: {command: reload}\n"
                 "    deploy:\n"
                 "      replicas: 2\n"
                 "      resources:\n"
                 "        limits: {cpus: '0.50', memory: 50M, pids: 100}\n"
                 "        reservations:\n"
                 "          cpus: 0.25\n"
                 "          memory: 20M\n"
                 "          devices:\n"
                 "            - capabilities: [gpu]\n"
                 "              count: all\n"
                 "      restart_policy: {condition: on-failure, delay: 5s}\n"
                 "    post_start:\n"
                 "      - command: [chown, -R, app, /data]\n"
                 "        user: root\n"
                 "    gpus: all\n"
                 "    x-note: anything\n"),
         "", "develop.watch, deploy.resources, hooks, gpus, extensions");
  is_str(compose("include:\n"
                 "  - other.yaml\n"
                 "  - path: [a.yaml, b.yaml]\n"
                 "    env_file: a.env\n"
                 "    project_directory: ..\n"
                 "services:\n"
                 "  app:\n"
                 "    extends: {file: base.yaml, service: base}\n"
                 "    environment:\n"
                 "      A: 1\n"
                 "      B: true\n"
                 "      C:\n"
                 "      D: text\n"
                 "    labels: [a=b, c=d]\n"
                 "    extra_hosts: {somehost: 162.242.195.82}\n"
                 "    sysctls: {net.core.somaxconn: 1024}\n"
                 "    ulimits: {nproc: 65535, nofile: {soft: 1, hard: 2}}\n"
                 "    blkio_config:\n"
                 "      weight: 300\n"
                 "      device_read_bps: [{path: /dev/sda, rate: 12mb}]\n"
                 "    logging: {driver: syslog, options: {a: b}}\n"
                 "    networks:\n"
                 "      front:\n"
                 "      back: {aliases: [b], ipv4_address: 10.0.0.2}\n"
                 "    env_file: [a.env, {path: b.env, required: false}]\n"
                 "networks:\n"
                 "  front:\n"
                 "  back: {driver: bridge, ipam: {config: [{subnet: "
                 "10.0.0.0/24}]}}\n"
                 "  outside: {external: true, name: real}\n"
                 "secrets:\n"
                 "  s: {file: ./s.txt}\n"
                 "configs:\n"
                 "  c: {content: hello}\n"
                 "x-common: &c {a: 1}\n"),
         "", "include, extends, list-or-dict forms, top-level resources");
}

static void test_compose_invalid(void)
{
  is_str(compose("services:\n"
                 "  web:\n"
                 "    image: nginx\n"
                 "    comand: run\n"),
         "compose.yaml:4:5: services.web: unknown key 'comand' (did you "
         "mean 'command'?)",
         "misspelt key, with a suggestion");
  is_str(compose("services:\n"
                 "  web:\n"
                 "    image: nginx\n"
                 "    restart: sometimes\n"),
         "compose.yaml:4:14: services.web.restart: 'sometimes' is not one "
         "of no, always, on-failure, unless-stopped",
         "restart policy");
  is_str(compose("name: x\n"
                 "services:\n"
                 "  dict-env:\n"
                 "    image: busybox\n"
                 "    environment:\n"
                 "      FOO: [\"1\"]\n"),
         "compose.yaml:6:12: services.dict-env.environment.FOO must be a "
         "boolean, null, number or string",
         "environment value of the wrong type");
  is_str(compose("services:\n"
                 "  frontend:\n"
                 "    build: ./webapp\n"
                 "    develop:\n"
                 "      watch:\n"
                 "        - path: ./webapp/html\n"
                 "          target: /var/www\n"),
         "compose.yaml:6:11: services.frontend.develop.watch[0]: missing "
         "required key 'action'",
         "watch rule without an action");
  is_str(compose("services:\n"
                 "app:\n"
                 "    image: myapp\n"),
         "compose.yaml:1:10: services must be a mapping\n"
         "compose.yaml:2:1: unknown top-level key 'app'",
         "null services and a stray top-level key");
  is_str(compose("services: {}\nnetwork: {}\n"),
         "compose.yaml:2:1: unknown top-level key 'network' (did you mean "
         "'networks'?)",
         "top-level suggestion");
  is_str(compose("services:\n"
                 "  foo:\n"
                 "    image: busybox\n"
                 "    deploy:\n"
                 "      resources:\n"
                 "        impossible:\n"
                 "          x: 1\n"),
         "compose.yaml:6:9: services.foo.deploy.resources: unknown key "
         "'impossible'",
         "unknown resource property");
  is_str(compose("services:\n"
                 "  web:\n"
                 "    image: x\n"
                 "    ports:\n"
                 "      - 80\n"
                 "      - target: 80\n"
                 "        pubished: 8080\n"),
         "compose.yaml:7:9: services.web.ports[1]: unknown key 'pubished' "
         "(did you mean 'published'?)",
         "long port syntax: the mapping branch speaks");
  is_str(compose("services:\n"
                 "  web:\n"
                 "    image: x\n"
                 "    volumes:\n"
                 "      - type: bind\n"
                 "        source: .\n"
                 "        target: /a\n"
                 "        bind: {selinux: q}\n"
                 "      - source: v\n"),
         "compose.yaml:8:25: services.web.volumes[0].bind.selinux: 'q' is "
         "not one of z, Z\n"
         "compose.yaml:9:9: services.web.volumes[1]: missing required key "
         "'type'",
         "long volume syntax");
  is_str(compose("services:\n"
                 "  web:\n"
                 "    build: [a]\n"),
         "compose.yaml:3:12: services.web.build must be a mapping or string",
         "no branch of this kind");
  is_str(compose("services:\n"
                 "  web:\n"
                 "    image: x\n"
                 "    depends_on:\n"
                 "      db: {condition: started}\n"),
         "compose.yaml:5:23: services.web.depends_on.db.condition: 'started' "
         "is not one of service_started, service_healthy, "
         "service_completed_successfully",
         "depends_on condition");
  is_str(compose("services:\n"
                 "  web:\n"
                 "    image: x\n"
                 "    healthcheck: {interval: 10 seconds}\n"),
         "compose.yaml:4:29: services.web.healthcheck.interval: '10 seconds' "
         "is not a duration (write it like 1m30s, 10s or 500ms)",
         "durations");
  is_str(compose("services:\n"
                 "  web:\n"
                 "    image: x\n"
                 "    cap_add: [NET_ADMIN, SYS_TIME, NET_ADMIN]\n"
                 "    scale: -1\n"
                 "    privileged: maybe\n"),
         "compose.yaml:4:36: services.web.cap_add[2]: 'NET_ADMIN' is listed "
         "twice (also at [0])\n"
         "compose.yaml:5:12: services.web.scale: -1 is less than the "
         "minimum 0\n"
         "compose.yaml:6:17: services.web.privileged must be a boolean",
         "several problems, one line each, in order");
  is_str(compose("services:\n  my web:\n    image: x\n"),
         "compose.yaml:2:3: services: 'my web' is not a valid name",
         "service names");
  is_str(compose("services:\n  web:\n    image: [x]\n    command: 3\n"),
         "compose.yaml:3:12: services.web.image must be a string\n"
         "compose.yaml:4:14: services.web.command must be a list, null or "
         "string",
         "scalar types");
  is_str(compose("services: {web: {image: x}}\nvolumes:\n  v:\n    "
                 "driver_opts: {size: [1]}\n"),
         "compose.yaml:4:25: volumes.v.driver_opts.size must be a number or "
         "string",
         "volume driver options");
}

/* The built-in schema is the file parsed at build time (schema-gen): the
 * same tree cJSON makes of the file, and a schema schema_parse accepts
 * (its $refs resolve, its patterns compile). */
extern const cJSON schema_compose_nodes[];

static void test_compose_built_in(void)
{
  const char *top = getenv("TOP_SRCDIR");
  char path[4096];
  snprintf(path, sizeof(path), "%s/schemas/compose-spec.json",
           top ? top : "..");
  struct buf b = BUF_INIT;
  if (buf_read_file(&b, path) < 0) {
    ok(0, "read %s", path);
    return;
  }
  cJSON *file = cJSON_Parse(b.data);
  ok(file != NULL, "the schema file is JSON");
  ok(cJSON_Compare(file, schema_compose_nodes, 1),
     "the built-in tree is the file's");
  cJSON_Delete(file);
  struct err e = ERR_INIT;
  struct schema *s = schema_parse(b.data, &e);
  ok(s != NULL, "the file passes schema_parse: %s", e.text ? e.text : "ok");
  err_release(&e);
  /* same verdicts from both, the lazily compiled patterns included */
  const char *yaml = "services:\n  web:\n    image: x\n    x-a: 1\n"
                     "    restart: on-failure:x\n  'b c':\n    image: y\n"
                     "x-top: 1\nxtop: 2\n";
  char want[8192];
  snprintf(want, sizeof(want), "%s", s ? run(s, "compose.yaml", yaml) : "");
  is_str(compose(yaml), want, "the built-in schema judges as the file does");
  ok(strstr(want, "'b c' is not a valid name") &&
         strstr(want, "unknown top-level key 'xtop'") &&
         !strstr(want, "x-top") && !strstr(want, "x-a"),
     "patterns and prefixes apply: %s", want);
  schema_free(s);
  buf_release(&b);
}

static void test_literal_prefix(void)
{
  struct schema *s = load("{\"type\":\"object\",\"patternProperties\":"
                          "{\"^x-\":{},\"^a.b\":{},\"^c\\\\.d\":{}},"
                          "\"additionalProperties\":false}");
  is_str(tiny(s, "x-: 1\nx-y: 1\naZb: 1\nc.d: 1\n"), "",
         "^x- takes its prefix, ^a.b any character, ^c\\.d a dot");
  is_str(tiny(s, "x: 1\nyx-: 1\ncZd: 1\n"),
         "t.yml:1:1: unknown top-level key 'x'\n"
         "t.yml:2:1: unknown top-level key 'yx-'\n"
         "t.yml:3:1: unknown top-level key 'cZd'",
         "and nothing else");
  schema_free(s);
}

/* ---- the shared conformance corpus, read in place ---- */

static const char *conf_dir(void)
{
  static const char *const dirs[] = {"/work/shared/conformance",
                                     "../shared/conformance",
                                     "../../shared/conformance"};
  const char *env = getenv("WCOMPOSE_CONFORMANCE");
  if (env && !access(env, R_OK))
    return env;
  for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
    if (!access(dirs[i], R_OK))
      return dirs[i];
  return NULL;
}

static const char *conf(const char *dir, const char *name)
{
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  struct err e = ERR_INIT;
  struct ynode *root = NULL;
  int rc = ydoc_parse_file(&A, path, NULL, &root, &e);
  if (!rc)
    rc = schema_validate(schema_compose(), root, &e);
  const char *text = e.text ? e.text : "";
  /* drop the directory so expectations read the same everywhere */
  size_t dl = strlen(dir);
  out[0] = '\0';
  for (const char *p = text; *p;) {
    if (!strncmp(p, dir, dl) && p[dl] == '/')
      p += dl + 1;
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
    strncat(out, p,
            sizeof(out) - strlen(out) - 1 < n ? sizeof(out) - strlen(out) - 1
                                              : n);
    p += n;
  }
  size_t n = strlen(out);
  if (n && out[n - 1] == '\n')
    out[n - 1] = '\0';
  err_release(&e);
  return out;
}

static void test_conformance(void)
{
  const char *dir = conf_dir();
  if (!dir) {
    printf("# shared conformance corpus not found: skipped\n");
    return;
  }
  static const char *const valid[] = {
      "compose-go__full-example.yml",
      "compose-spec__illustrative-example.yml",
      "compose-go__compose-test-with-version.yml",
      "compose-go__extends-reset.yml",
      "compose-spec__merge-reset-override.yml",
      "docker-compose__watch.yml",
      "docker-compose__volumes-from.yml",
      "docker-compose__volume-test.yml",
      "docker-compose__network-test.yml",
      "docker-compose__restart-depends-on.yml",
      "docker-compose__start-interval.yml",
      "docker-compose__secret-from-env-include.yml",
  };
  for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, valid[i]);
    if (access(path, R_OK)) {
      printf("# %s not found: skipped\n", valid[i]);
      continue;
    }
    is_str(conf(dir, valid[i]), "", "conformance: %s validates", valid[i]);
  }
  static const struct {
    const char *file, *want;
  } bad[] = {
      {"compose-go__invalid-environment-value.yml",
       "compose-go__invalid-environment-value.yml:7:12: "
       "services.dict-env.environment.FOO must be a boolean, null, number or "
       "string"},
      {"compose-go__invalid-resource-property.yml",
       "compose-go__invalid-resource-property.yml:8:17: "
       "services.foo.deploy.resources: unknown key 'impossible'"},
      {"compose-go__develop-watch-missing-action.yml",
       "compose-go__develop-watch-missing-action.yml:10:11: "
       "services.frontend.develop.watch[0]: missing required key 'action'"},
      {"docker-compose__wrong-composefile.yml",
       "docker-compose__wrong-composefile.yml:4:5: services.simple: unknown "
       "key 'wrongField'"},
      {"compose-spec__merge-reset-base-as-published.yml",
       "compose-spec__merge-reset-base-as-published.yml:1:10: services must "
       "be a mapping\n"
       "compose-spec__merge-reset-base-as-published.yml:2:1: unknown "
       "top-level key 'app'"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, bad[i].file);
    if (access(path, R_OK)) {
      printf("# %s not found: skipped\n", bad[i].file);
      continue;
    }
    is_str(conf(dir, bad[i].file), bad[i].want, "conformance: %s rejected",
           bad[i].file);
  }
}

int main(void)
{
  test_types();
  test_objects();
  test_arrays();
  test_cap();
  test_scalars();
  test_combinators();
  test_parse_errors();
  test_built_trees();
  test_recursive_schema();
  test_compose_valid();
  test_compose_built_in();
  test_literal_prefix();
  test_compose_invalid();
  test_conformance();
  arena_release(&A);
  return tap_done();
}
