/* Unit tests for the model: value grammars (durations, sizes, shell words,
 * ports, volumes), normalization of small compose files, and the
 * consistency checks with their positions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compose/emit.h"
#include "compose/model-int.h"
#include "tap.h"

#define CONF "/work/shared/conformance"

static const char *dur(const char *in)
{
  static char buf[64];
  int64_t ns;

  if (model_parse_duration(in, &ns))
    return "ERR";
  model_format_duration(ns, buf, sizeof(buf));
  return buf;
}

static void grammars(void)
{
  struct arena a = ARENA_INIT;
  struct strlist l;
  struct port *p;
  struct mount m;
  size_t n;
  int64_t b;
  const char *why;

  is_str(dur("1m30s"), "1m30s", "duration 1m30s");
  is_str(dur("90s"), "1m30s", "duration 90s");
  is_str(dur("60s"), "1m0s", "duration 60s");
  is_str(dur("1h"), "1h0m0s", "duration 1h");
  is_str(dur("500ms"), "500ms", "duration 500ms");
  is_str(dur("1.5s"), "1.5s", "duration 1.5s");
  is_str(dur("0"), "0s", "duration 0");
  is_str(dur("10"), "ERR", "duration without unit");
  ok(!model_parse_bytes("1gb", &b) && b == 1073741824, "1gb");
  ok(!model_parse_bytes("512m", &b) && b == 536870912, "512m");
  ok(!model_parse_bytes("1024", &b) && b == 1024, "1024");
  ok(!model_parse_bytes("50M", &b) && b == 52428800, "50M");
  ok(model_parse_bytes("lots", &b), "not a size");

  ok(!model_shell_split(&a, "sh -c 'echo \"hi there\"' a\\ b", &l) && l.n == 4,
     "shell split count");
  is_str(l.v[2], "echo \"hi there\"", "single quotes literal");
  is_str(l.v[3], "a b", "backslash escapes space");
  ok(model_shell_split(&a, "echo 'oops", &l), "unterminated quote");

  is_str(model_clean_path(&a, "/a/./b/../c//d/"), "/a/c/d", "clean");
  is_str(model_clean_path(&a, "../x/.."), "..", "clean relative");
  is_str(model_abs_path(&a, "/w", "/h", "~/x"), "/h/x", "home");
  is_str(model_abs_path(&a, "/w", "/h", "."), "/w", "dot");
  is_str(model_abs_path(&a, "/w", "/h", "./s/../t"), "/w/t", "relative");

  ok(!model_parse_ports(&a, "80", &p, &n, &why) && n == 1 && p->target == 80 &&
         !p->published,
     "port 80");
  ok(!model_parse_ports(&a, "127.0.0.1:8000:8000", &p, &n, &why) &&
         !strcmp(p->host_ip, "127.0.0.1") && !strcmp(p->published, "8000"),
     "port with ip");
  ok(!model_parse_ports(&a, "127.0.0.1::80", &p, &n, &why) && !p->published &&
         p->target == 80,
     "ip with dynamic host port");
  ok(!model_parse_ports(&a, "8000-8010:80-90", &p, &n, &why) && n == 11 &&
         p[10].target == 90 && !strcmp(p[10].published, "8010"),
     "range expanded");
  ok(!model_parse_ports(&a, "6060:6060/udp", &p, &n, &why) &&
         !strcmp(p->protocol, "udp"),
     "udp");
  ok(!model_parse_ports(&a, "[::1]:80:81", &p, &n, &why) &&
         !strcmp(p->host_ip, "::1") && p->target == 81,
     "ipv6 host");
  ok(!model_parse_ports(&a, "8000-8002:80", &p, &n, &why) && n == 1 &&
         !strcmp(p->published, "8000-8002"),
     "host range, one target");
  ok(model_parse_ports(&a, "8000-8001:80-90", &p, &n, &why) &&
         strstr(why, "invalid ranges"),
     "mismatched ranges");
  ok(model_parse_ports(&a, "80:80:80:80", &p, &n, &why), "too many parts");
  ok(model_parse_ports(&a, "80/icmp", &p, &n, &why), "bad protocol");
  /* empty parts, as compose's parser reads them */
  ok(!model_parse_ports(&a, ":8080:80", &p, &n, &why) && n == 1 &&
         !p->host_ip && !strcmp(p->published, "8080") && p->target == 80,
     "empty host IP is no host IP");
  ok(!model_parse_ports(&a, "::80", &p, &n, &why) && n == 1 && !p->host_ip &&
         !p->published,
     "empty host IP and host port");
  ok(!model_parse_ports(&a, ":80", &p, &n, &why) && n == 1 && !p->published,
     "empty host port");
  ok(!model_parse_ports(&a, "80/", &p, &n, &why) && !strcmp(p->protocol, "tcp"),
     "empty protocol is tcp");
  ok(!model_parse_ports(&a, "80/UDP", &p, &n, &why) &&
         !strcmp(p->protocol, "udp"),
     "protocol in any case, lowered");
  ok(!model_parse_ports(&a, "::1:8080:80", &p, &n, &why) && p->host_ip &&
         !strcmp(p->host_ip, "::1"),
     "IPv6 host IP without brackets");
  ok(!model_parse_ports(&a, "[127.0.0.1]:8080:80", &p, &n, &why) &&
         !strcmp(p->host_ip, "127.0.0.1"),
     "bracketed IPv4 host IP");
  ok(model_parse_ports(&a, "", &p, &n, &why) && strstr(why, "no container"),
     "empty spec");
  ok(model_parse_ports(&a, "8080:", &p, &n, &why), "empty container port");
  ok(model_parse_ports(&a, "/udp", &p, &n, &why), "protocol alone");
  ok(model_parse_ports(&a, "[::1:80:80", &p, &n, &why), "unclosed bracket");

  ok(!model_parse_volume(&a, "/data", &m, &why) && m.type == MOUNT_VOLUME &&
         !m.source,
     "anonymous volume");
  ok(!model_parse_volume(&a, "./s:/t:ro,z", &m, &why) && m.type == MOUNT_BIND &&
         m.read_only && !strcmp(m.bind_selinux, "z"),
     "bind ro,z");
  ok(!model_parse_volume(&a, "v:/t:nocopy", &m, &why) &&
         m.type == MOUNT_VOLUME && m.volume_nocopy,
     "named nocopy");
  ok(model_parse_volume(&a, "a:b:c:d", &m, &why), "too many colons");
  arena_release(&a);
}

/* Build a project from YAML text; returns the error text or "". */
static const char *build(const char *yaml, struct project **p,
                         const char *const *profiles)
{
  static char msg[1024];
  struct arena a = ARENA_INIT;
  struct ynode *root = NULL;
  struct err err = ERR_INIT;
  struct strvec prof = STRVEC_INIT;
  struct model_ctx ctx;
  struct arena ea = ARENA_INIT;
  struct env env;

  env_init(&env, &ea);
  env_set(&env, "FROMENV", "resolved");
  memset(&ctx, 0, sizeof(ctx));
  ctx.project_name = "proj";
  ctx.working_dir = "/w";
  ctx.home = "/h";
  ctx.environment = &env;
  while (profiles && *profiles)
    strvec_push(&prof, *profiles++);
  ctx.profiles = &prof;
  *p = NULL;
  msg[0] = 0;
  if (ydoc_parse(&a, "c.yml", yaml, strlen(yaml), NULL, &root, &err) ||
      model_build(root, &ctx, p, &err))
    snprintf(msg, sizeof(msg), "%s", err.text ? err.text : "?");
  err_release(&err);
  strvec_clear(&prof);
  arena_release(&a);
  arena_release(&ea);
  return msg;
}

static void normalization(void)
{
  struct project *p;
  struct service *s;
  const char *e;

  e = build("services:\n"
            "  web:\n"
            "    build: ./app\n"
            "    command: echo \"a b\"\n"
            "    ports: [\"8000:80\", 9000]\n"
            "    volumes: [\"./data:/data:ro\", \"cache:/c\", \"/anon\"]\n"
            "    environment: [A=1, FROMENV, UNSET]\n"
            "    labels: [x=y, z]\n"
            "    depends_on: [db]\n"
            "    links: [cache:c]\n"
            "    stop_grace_period: 90s\n"
            "    mem_limit: 1gb\n"
            "  db:\n"
            "    image: postgres\n"
            "    networks: [back]\n"
            "    volumes_from: [\"store:ro\"]\n"
            "  store:\n"
            "    image: s\n"
            "  cache:\n"
            "    image: redis\n"
            "    network_mode: service:db\n"
            "  extra:\n"
            "    image: x\n"
            "    profiles: [debug]\n"
            "volumes:\n"
            "  cache:\n"
            "networks:\n"
            "  back:\n",
            &p, NULL);
  is_str(e, "", "normalization example loads");
  if (!p)
    return;
  is_int(p->nservices, 4, "profiled service left out");
  is_int(p->ndisabled, 1, "one disabled");
  is_str(p->services[0].name, "cache", "services sorted");
  s = project_service(p, "web");
  is_str(s->build->context, "/w/app", "build context absolute");
  is_str(s->build->dockerfile, "Dockerfile", "default dockerfile");
  ok(s->command_set && s->command.n == 2 && !strcmp(s->command.v[1], "a b"),
     "command split");
  is_int(s->nports, 2, "ports");
  is_str(s->ports[0].published, "8000", "published string");
  is_str(s->ports[1].protocol, "tcp", "protocol default");
  is_str(s->volumes[0].source, "/w/data", "bind resolved");
  ok(s->volumes[0].read_only, "ro");
  is_int(s->volumes[0].bind_create_host_path, TRI_TRUE, "create_host_path");
  is_str(s->volumes[1].source, "cache", "named volume");
  ok(!s->volumes[2].source && s->volumes[2].type == MOUNT_VOLUME, "anon");
  is_str(kvlist_get(&s->environment, "A"), "1", "env list");
  is_str(kvlist_get(&s->environment, "FROMENV"), "resolved",
         "bare name resolved from the environment");
  ok(!kvlist_get(&s->environment, "UNSET") && s->environment.n == 3,
     "unset bare name kept null");
  is_str(kvlist_get(&s->labels, "z"), "", "bare label empty");
  is_int(s->ndepends_on, 2, "link adds a dependency");
  is_str(s->depends_on[1].service, "cache", "link target");
  ok(s->depends_on[1].restart && s->depends_on[1].required, "link restart");
  is_int(s->stop_grace_period_ns, 90000000000LL, "grace period");
  is_int(s->mem_limit, 1073741824, "mem_limit");
  is_int(s->nnetworks, 1, "default network");
  is_str(s->networks[0].name, "default", "default network name");
  s = project_service(p, "cache");
  is_int(s->nnetworks, 0, "network_mode: no default network");
  is_str(s->depends_on[0].service, "db", "network_mode service: dependency");
  s = project_service(p, "db");
  ok(s->nvolumes_from == 1 && s->volumes_from[0].read_only &&
         !strcmp(s->volumes_from[0].service, "store"),
     "volumes_from");
  ok(s->ndepends_on == 1 && !s->depends_on[0].restart, "volumes_from dep");
  ok(project_network(p, "default") &&
         !strcmp(project_network(p, "default")->name, "proj_default"),
     "default network added with its name");
  is_str(project_network(p, "back")->name, "proj_back", "network name");
  is_str(project_volume(p, "cache")->name, "proj_cache", "volume name");
  project_free(p);

  e = build("services:\n  a:\n    image: x\n    profiles: [debug]\n", &p,
            (const char *const[]){"*", NULL});
  ok(!*e && p && p->nservices == 1, "profile * enables all");
  project_free(p);
}

static void checks(void)
{
  struct project *p;

  is_str(build("services:\n"
               "  service1:\n    image: a\n    depends_on: [service2]\n"
               "  service2:\n    image: a\n    depends_on: [service3]\n"
               "  service3:\n    image: a\n    depends_on: [service1]\n",
               &p, NULL),
         "c.yml:4:18: dependency cycle detected: service1 -> service2 -> "
         "service3 -> service1\n",
         "cycle named in full");
  is_str(
      build("services:\n  s:\n    image: a\n    depends_on: [s]\n", &p, NULL),
      "c.yml:4:18: dependency cycle detected: s -> s\n", "self cycle");
  is_str(build("services:\n  bar:\n    image: a\n    depends_on:\n"
               "      - zot\n",
               &p, NULL),
         "c.yml:5:9: service \"bar\" depends on undefined service \"zot\"\n",
         "undefined dependency at its item");
  is_str(build("services:\n  bar:\n    image: a\n    volumes_from: [zot]\n", &p,
               NULL),
         "c.yml:4:20: service \"bar\" depends on undefined service \"zot\"\n",
         "undefined volumes_from");
  is_str(build("services:\n  redis:\n    image: a\n"
               "    network_mode: bridge\n    networks:\n      n: null\n"
               "networks:\n  n:\n",
               &p, NULL),
         "c.yml:4:19: service redis declares mutually exclusive network_mode "
         "and networks\n",
         "network_mode and networks");
  is_str(build("services:\n  x:\n    command: a\n", &p, NULL),
         "c.yml:3:5: service \"x\" has neither an image nor a build context "
         "specified\n",
         "neither image nor build");
  is_str(build("services:\n  x:\n    image: a\n    volumes: [\"v:/d\"]\n", &p,
               NULL),
         "c.yml:4:15: service \"x\" refers to undefined volume \"v\"\n",
         "undeclared volume");
  is_str(build("services:\n  x:\n    image: a\n    networks: [n]\n", &p, NULL),
         "c.yml:4:16: service \"x\" refers to undefined network \"n\"\n",
         "undeclared network");
  is_str(build("services:\n  x:\n    image: a\n    ports: [\"1-2:3-9\"]\n", &p,
               NULL),
         "c.yml:4:13: services.x.ports[0]: '1-2:3-9' is not a port mapping: "
         "invalid ranges specified for container and host ports: 3-9 and "
         "1-2\n",
         "port range mismatch");
  is_str(build("services:\n  x:\n    image: a\n"
               "    env_file: /nonexistent/x.env\n",
               &p, NULL),
         "c.yml:4:15: env file /nonexistent/x.env not found\n",
         "missing env_file");
  is_str(build("services:\n  x:\n    image: a\n    env_file:\n"
               "      - path: /nonexistent/x.env\n        required: false\n",
               &p, NULL),
         "", "optional env_file");
  project_free(p);
  is_str(build("services:\n  x:\n    image: a\n    healthcheck:\n"
               "      test: true\n      start_interval: 1s\n",
               &p, NULL),
         "", "start_interval without start_period loads");
  project_free(p);
  is_str(build("services:\n  foo:\n    image: a\n    depends_on:\n"
               "      bar:\n        required: false\n"
               "  bar:\n    image: b\n    profiles: [x]\n",
               &p, NULL),
         "", "optional dependency on a disabled service");
  project_free(p);
}

/* The conformance files that are whole by themselves. */
static void conformance(void)
{
  static const struct {
    const char *file, *err;
  } cases[] = {
      {"compose-go__depends-on-cycle.yml",
       "dependency cycle detected: service1 -> service2 -> service3 -> "
       "service1"},
      {"compose-go__network-mode-and-networks.yml",
       "service redis declares mutually exclusive network_mode and networks"},
      {"docker-compose__start-interval.yml", NULL},
      {"docker-compose__volume-test.yml", NULL},
      {"compose-spec__illustrative-example.yml", NULL},
      {"docker-compose__volumes-from.yml", NULL},
  };
  size_t i;

  if (access(CONF, R_OK)) {
    ok(1, "# SKIP no %s", CONF);
    return;
  }
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct arena a = ARENA_INIT;
    struct ynode *root = NULL;
    struct err err = ERR_INIT;
    struct model_ctx ctx;
    struct project *p = NULL;
    char path[256];
    int rc;

    memset(&ctx, 0, sizeof(ctx));
    ctx.project_name = "conf";
    ctx.working_dir = "/w";
    snprintf(path, sizeof(path), "%s/%s", CONF, cases[i].file);
    rc = ydoc_parse_file(&a, path, NULL, &root, &err);
    if (!rc)
      rc = model_build(root, &ctx, &p, &err);
    if (cases[i].err)
      ok(rc && err.text && strstr(err.text, cases[i].err), "%s rejected",
         cases[i].file);
    else
      ok(!rc, "%s loads%s%s", cases[i].file, err.text ? ": " : "",
         err.text ? err.text : "");
    project_free(p);
    err_release(&err);
    arena_release(&a);
  }
}

int main(void)
{
  grammars();
  normalization();
  checks();
  conformance();
  return tap_done();
}
