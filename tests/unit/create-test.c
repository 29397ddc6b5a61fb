/* Unit tests for create: a hand-built project as Engine API create bodies,
 * checked field by field; the config hash's stability. No engine. */
#include "tap.h"
#include "orchestrate/create.h"
#include "orchestrate/labels.h"
#include "compose/load.h"

#include <stdlib.h>

#define SL(...)                                                                \
  {                                                                            \
    (const char *[]){__VA_ARGS__},                                             \
        sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)           \
  }

static void svc_defaults(struct service *s, const char *name)
{
  memset(s, 0, sizeof(*s));
  s->name = name;
  s->stop_grace_period_ns = -1;
  s->mem_limit = s->memswap_limit = s->mem_reservation = s->shm_size = -1;
  s->cpu_shares = s->pids_limit = -1;
  s->replicas = 1;
}

/* The text of a JSON path like "HostConfig.RestartPolicy.Name". */
static const cJSON *at(const cJSON *o, const char *path)
{
  char buf[256];
  snprintf(buf, sizeof(buf), "%s", path);
  for (char *t = strtok(buf, "|"); t && o; t = strtok(NULL, "|"))
    o = cJSON_GetObjectItemCaseSensitive(o, t);
  return o;
}

static const char *str(const cJSON *o, const char *path)
{
  const cJSON *v = at(o, path);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *json(const cJSON *o, const char *path)
{
  static char *last;
  free(last);
  const cJSON *v = at(o, path);
  last = v ? cJSON_PrintUnformatted(v) : NULL;
  return last;
}

/* The canonical JSON the config hash is taken of. */
static void test_canonical(void)
{
  cJSON *x = cJSON_Parse("{\"b\":1,\"a\":{\"z\":[3,{\"y\":1,\"x\":2}],"
                         "\"c\":\"s\"}}");
  cJSON *y = cJSON_Parse("{\"a\":{\"c\":\"s\",\"z\":[3,{\"x\":2,\"y\":1}]},"
                         "\"b\":1}");
  char *cx = create_canonical_json_new(x);
  is_str(cx, "{\"a\":{\"c\":\"s\",\"z\":[3,{\"x\":2,\"y\":1}]},\"b\":1}",
         "keys sorted at every depth, arrays kept in order");
  char *cy = create_canonical_json_new(y);
  is_str(cx, cy, "same value, same text");
  char *orig = cJSON_PrintUnformatted(x);
  is_str(orig, "{\"b\":1,\"a\":{\"z\":[3,{\"y\":1,\"x\":2}],\"c\":\"s\"}}",
         "input left untouched");
  free(orig);
  free(cx);
  free(cy);
  cJSON_Delete(x);
  cJSON_Delete(y);
}

/* A project from YAML text (file "-"), with environ env. */
static struct project *load_yaml(const char *yaml, char **env)
{
  static char *noenv[] = {NULL};
  struct strvec files = STRVEC_INIT, none = STRVEC_INIT;
  strvec_push(&files, "-");
  struct load_options o = {.files = &files,
                           .env_files = &none,
                           .profiles = &none,
                           .cwd = "/tmp",
                           .environ = env ? env : noenv,
                           .project_name = "p",
                           .stdin_text = yaml};
  struct project *p = NULL;
  struct err err = ERR_INIT;
  if (compose_load(&o, &p, NULL, &err))
    printf("# compose_load: %s", err.text ? err.text : "?\n");
  err_release(&err);
  strvec_clear(&files);
  return p;
}

static cJSON *body_of(struct project *p, const char *svc, struct err *e)
{
  struct create_ctx c = {p, project_service(p, svc), 1, 0, NULL, NULL};
  cJSON *b = NULL;
  if (c.service && create_body(&c, &b, e))
    b = NULL;
  return b;
}

/* gpus and deploy's device reservations as HostConfig.DeviceRequests;
 * use_api_socket; provider refused; fields newer engines know. */
static void test_newer_fields(void)
{
  struct err e = ERR_INIT;
  struct project *p =
      load_yaml("services:\n"
                "  all:\n"
                "    image: x\n"
                "    gpus: all\n"
                "  dev:\n"
                "    image: x\n"
                "    gpus:\n"
                "      - driver: nvidia\n"
                "        device_ids: ['0', '3']\n"
                "        capabilities: [compute]\n"
                "    deploy:\n"
                "      resources:\n"
                "        reservations:\n"
                "          devices:\n"
                "            - driver: nvidia\n"
                "              count: 2\n"
                "              capabilities: [gpu, utility]\n"
                "              options: {virtualization: 'false'}\n"
                "            - capabilities: [tpu]\n"
                "  sock:\n"
                "    image: x\n"
                "    use_api_socket: true\n"
                "  newer:\n"
                "    image: x\n"
                "    annotations: {a: b}\n"
                "    healthcheck:\n"
                "      test: [CMD, 'true']\n"
                "      start_interval: 2s\n",
                NULL);
  ok(p != NULL, "project with gpus, devices, use_api_socket loads");
  if (!p)
    return;
  cJSON *b = body_of(p, "all", &e);
  is_str(json(b, "HostConfig|DeviceRequests"),
         "[{\"Driver\":\"\",\"Count\":-1,\"DeviceIDs\":[],\"Capabilities\":"
         "[[\"gpu\"]],\"Options\":{}}]",
         "gpus: all is every GPU");
  cJSON_Delete(b);
  b = body_of(p, "dev", &e);
  is_str(json(b, "HostConfig|DeviceRequests"),
         "[{\"Driver\":\"nvidia\",\"Count\":2,\"DeviceIDs\":[],"
         "\"Capabilities\":[[\"gpu\",\"utility\"]],\"Options\":"
         "{\"virtualization\":\"false\"}},"
         "{\"Driver\":\"\",\"Count\":-1,\"DeviceIDs\":[],\"Capabilities\":"
         "[[\"tpu\"]],\"Options\":{}},"
         "{\"Driver\":\"nvidia\",\"Count\":0,\"DeviceIDs\":[\"0\",\"3\"],"
         "\"Capabilities\":[[\"compute\",\"gpu\"]],\"Options\":{}}]",
         "reservations' devices, then gpus: driver, count, ids, "
         "capabilities, options");
  cJSON_Delete(b);
  b = body_of(p, "sock", &e);
  is_str(json(b, "HostConfig|Binds"),
         "[\"/var/run/docker.sock:/var/run/docker.sock\"]",
         "use_api_socket binds the engine's socket");
  is_str(json(b, "Env"), "[\"DOCKER_CONFIG=/run/secrets/docker\"]",
         "and points DOCKER_CONFIG at the credentials");
  cJSON_Delete(b);
  b = body_of(p, "newer", &e);
  is_str(json(b, "Healthcheck|StartInterval"), "2000000000",
         "start_interval sent (engines from API 1.44 read it)");
  is_str(json(b, "HostConfig|Annotations"), "{\"a\":\"b\"}",
         "annotations sent (API 1.43)");
  cJSON_Delete(b);
  struct strvec w = STRVEC_INIT;
  create_api_warnings(project_service(p, "newer"), "1.41", &w);
  is_int((int)w.n, 2, "two warnings on API 1.41");
  if (w.n == 2) {
    is_str(w.v[0],
           "-:28:23: services.newer.healthcheck.start_interval needs Engine "
           "API 1.44, the engine offers 1.41: the engine ignores it",
           "start_interval: where, and the version it needs");
    is_str(w.v[1],
           "-:25:18: services.newer.annotations needs Engine API 1.43, the "
           "engine offers 1.41: the engine ignores it",
           "annotations: where, and the version it needs");
  }
  strvec_clear(&w);
  create_api_warnings(project_service(p, "newer"), "1.45", &w);
  is_int((int)w.n, 0, "none on API 1.45");
  strvec_clear(&w);
  project_free(p);

  p = load_yaml("services:\n"
                "  db:\n"
                "    provider:\n"
                "      type: awesomecloud\n"
                "      options: {type: mysql}\n",
                NULL);
  ok(p != NULL, "a provider service loads");
  if (p) {
    b = body_of(p, "db", &e);
    ok(b == NULL, "but is not created");
    is_str(e.text,
           "-:4:7: services.db.provider: provider services (type "
           "'awesomecloud') are not supported: wcompose does not run "
           "provider plugins; start the resource yourself, or use docker "
           "compose\n",
           "refused at its position");
    err_release(&e);
    project_free(p);
  }
  static char *tcp[] = {"DOCKER_HOST=tcp://10.0.0.1:2375", NULL};
  p = load_yaml("services:\n  s:\n    image: x\n    use_api_socket: true\n",
                tcp);
  if (p) {
    b = body_of(p, "s", &e);
    ok(b == NULL && e.code == ERR_CONFIG,
       "use_api_socket with a tcp engine refused");
    ok(e.text && strstr(e.text, "-:4:21: services.s.use_api_socket: only a "
                                "unix socket"),
       "at its position");
    err_release(&e);
    project_free(p);
  }
}

int main(void)
{
  test_canonical();
  struct service svc[3];
  svc_defaults(&svc[0], "db");
  svc_defaults(&svc[1], "serve");
  svc_defaults(&svc[2], "volumes");

  struct network nets[] = {{.key = "back", .name = "blog_back"},
                           {.key = "default", .name = "blog_default"}};
  struct volume vols[] = {{.key = "data", .name = "blog_data"}};
  struct file_obj secrets[] = {
      {.key = "token", .name = "blog_token", .file = "/p/token.txt"},
      {.key = "envsec", .name = "blog_envsec", .environment = "X"}};
  const char *files[] = {"/p/compose.yaml"};
  struct project p = {.name = "blog",
                      .working_dir = "/p",
                      .config_files = {files, 1},
                      .services = svc,
                      .nservices = 3,
                      .networks = nets,
                      .nnetworks = 2,
                      .volumes = vols,
                      .nvolumes = 1,
                      .secrets = secrets,
                      .nsecrets = 2};

  struct service *s = &svc[1];
  s->build = &(struct build){.context = "/p"};
  s->command = (struct strlist)SL("python3", "-m", "http.server", "8000");
  s->command_set = 1;
  s->entrypoint_set = 1;
  struct kv env[] = {{"A", "1"}, {"EMPTY", ""}, {"UNSET", NULL}};
  s->environment = (struct kvlist){env, 3};
  s->working_dir = "/site";
  s->user = "1000:1000";
  s->hostname = "web";
  s->domainname = "example.org";
  s->tty = 1;
  s->stdin_open = 1;
  struct kv lab[] = {{"tier", "front"}};
  s->labels = (struct kvlist){lab, 1};
  struct port ports[] = {
      {.target = 8000, .published = "8000", .protocol = "tcp"},
      {.target = 53,
       .published = "5353",
       .host_ip = "127.0.0.1",
       .protocol = "udp"},
      {.target = 9000, .protocol = "tcp"},
  };
  s->ports = ports;
  s->nports = 3;
  s->expose = (struct strlist)SL("3000", "4000-4001/udp");
  struct mount mounts[] = {
      {.type = MOUNT_BIND,
       .source = "/p/site",
       .target = "/site",
       .read_only = 1},
      {.type = MOUNT_VOLUME,
       .source = "data",
       .target = "/data",
       .tmpfs_size = -1,
       .tmpfs_mode = -1},
      {.type = MOUNT_VOLUME,
       .target = "/anon",
       .tmpfs_size = -1,
       .tmpfs_mode = -1},
      {.type = MOUNT_TMPFS,
       .target = "/run",
       .tmpfs_size = 65536,
       .tmpfs_mode = -1},
  };
  s->volumes = mounts;
  s->nvolumes = 4;
  struct volumes_from vf[] = {{.service = "volumes"},
                              {.container = "other", .read_only = 1}};
  s->volumes_from = vf;
  s->nvolumes_from = 2;
  struct service_network sn[] = {
      {.name = "back", .aliases = SL("api"), .ipv4_address = "10.5.0.9"},
      {.name = "default", .priority = 10},
  };
  s->networks = sn;
  s->nnetworks = 2;
  s->extra_hosts = (struct strlist)SL("db.local=10.0.0.2");
  s->dns = (struct strlist)SL("1.1.1.1");
  s->cap_add = (struct strlist)SL("NET_ADMIN");
  s->cap_drop = (struct strlist)SL("ALL");
  s->privileged = 1;
  s->read_only = 1;
  s->init_set = TRI_TRUE;
  s->init = 1;
  s->shm_size = 1 << 20;
  struct ulimit ul[] = {{"nofile", 1024, 2048}};
  s->ulimits = ul;
  s->nulimits = 1;
  struct kv sysctls[] = {{"net.core.somaxconn", "1024"}};
  s->sysctls = (struct kvlist){sysctls, 1};
  struct device dev[] = {{"/dev/null", "/dev/mynull", NULL}};
  s->devices = dev;
  s->ndevices = 1;
  s->security_opt = (struct strlist)SL("no-new-privileges:true");
  s->pid = "host";
  s->ipc = "shareable";
  s->restart = "on-failure:3";
  s->stop_signal = "SIGINT";
  s->stop_grace_period_ns = 15000000000LL;
  struct healthcheck hc = {.test = SL("CMD", "true"),
                           .interval_ns = 1000000000,
                           .timeout_ns = -1,
                           .start_period_ns = -1,
                           .start_interval_ns = -1,
                           .retries = 3};
  s->healthcheck = &hc;
  struct kv logopt[] = {{"max-size", "1m"}};
  struct logging lg = {"json-file", {logopt, 1}};
  s->logging = &lg;
  s->mem_limit = 64 << 20;
  s->cpus = 0.5;
  s->tmpfs = (struct strlist)SL("/tmp:size=1m", "/cache");
  struct file_ref sec[] = {{.source = "token", .mode = -1}};
  s->secrets = sec;
  s->nsecrets = 1;

  struct create_ctx c = {&p, s, 2, 0, "sha256:abc"};
  cJSON *b = NULL;
  struct err e = ERR_INIT;
  is_int(create_body(&c, &b, &e), 0, "create body");
  is_str(str(b, "Image"), "blog-serve", "image named after the service");
  is_str(json(b, "Cmd"), "[\"python3\",\"-m\",\"http.server\",\"8000\"]",
         "Cmd");
  is_str(json(b, "Entrypoint"), "[]", "empty entrypoint resets the image's");
  is_str(json(b, "Env"), "[\"A=1\",\"EMPTY=\"]", "Env drops unset values");
  is_str(str(b, "WorkingDir"), "/site", "WorkingDir");
  is_str(str(b, "User"), "1000:1000", "User");
  is_str(str(b, "Hostname"), "web", "Hostname");
  is_str(str(b, "Domainname"), "example.org", "Domainname");
  ok(cJSON_IsTrue(at(b, "Tty")), "Tty");
  ok(cJSON_IsTrue(at(b, "OpenStdin")), "OpenStdin");
  is_str(str(b, "Labels|tier"), "front", "service label");
  is_str(str(b, "Labels|" LABELS_PROJECT), "blog", "project label");
  is_str(str(b, "Labels|" LABELS_NUMBER), "2", "number label");
  is_str(str(b, "Labels|" LABELS_IMAGE), "sha256:abc", "image label");
  char hash[65];
  is_int(create_config_hash(&p, s, hash, &e), 0, "config hash");
  is_str(str(b, "Labels|" LABELS_CONFIG_HASH), hash,
         "hash label is the config hash");
  is_str(json(b, "ExposedPorts"),
         "{\"8000/tcp\":{},\"53/udp\":{},\"9000/tcp\":{},\"3000/tcp\":{},"
         "\"4000/udp\":{},\"4001/udp\":{}}",
         "ExposedPorts from ports and expose (ranges expanded)");
  is_str(json(b, "HostConfig|PortBindings"),
         "{\"8000/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8000\"}],"
         "\"53/udp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"5353\"}],"
         "\"9000/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"\"}]}",
         "PortBindings");
  is_str(json(b, "HostConfig|Binds"),
         "[\"/p/site:/site:ro\",\"/p/token.txt:/run/secrets/token:ro\"]",
         "Binds: bind mounts and file secrets");
  is_str(json(b, "HostConfig|Mounts"),
         "[{\"Type\":\"volume\",\"Source\":\"blog_data\",\"Target\":"
         "\"/data\"},{\"Type\":\"volume\",\"Target\":\"/anon\"},{\"Type\":"
         "\"tmpfs\",\"Target\":\"/run\",\"TmpfsOptions\":{\"SizeBytes\":65536"
         "}}]",
         "Mounts: named (project-prefixed), anonymous, tmpfs");
  is_str(json(b, "HostConfig|VolumesFrom"),
         "[\"blog-volumes-1:rw\",\"other:ro\"]", "VolumesFrom");
  is_str(str(b, "HostConfig|NetworkMode"), "blog_default",
         "NetworkMode: the highest-priority network");
  is_str(json(b, "NetworkingConfig|EndpointsConfig"),
         "{\"blog_default\":{\"Aliases\":[\"serve\"]}}",
         "one endpoint at create, the service name as alias");
  is_str(json(b, "HostConfig|RestartPolicy"),
         "{\"Name\":\"on-failure\",\"MaximumRetryCount\":3}", "RestartPolicy");
  is_str(json(b, "HostConfig|ExtraHosts"), "[\"db.local:10.0.0.2\"]",
         "ExtraHosts host:ip");
  is_str(json(b, "HostConfig|Dns"), "[\"1.1.1.1\"]", "Dns");
  is_str(json(b, "HostConfig|CapAdd"), "[\"NET_ADMIN\"]", "CapAdd");
  is_str(json(b, "HostConfig|CapDrop"), "[\"ALL\"]", "CapDrop");
  ok(cJSON_IsTrue(at(b, "HostConfig|Privileged")), "Privileged");
  ok(cJSON_IsTrue(at(b, "HostConfig|ReadonlyRootfs")), "ReadonlyRootfs");
  ok(cJSON_IsTrue(at(b, "HostConfig|Init")), "Init");
  is_str(json(b, "HostConfig|ShmSize"), "1048576", "ShmSize");
  is_str(json(b, "HostConfig|Ulimits"),
         "[{\"Name\":\"nofile\",\"Soft\":1024,\"Hard\":2048}]", "Ulimits");
  is_str(json(b, "HostConfig|Sysctls"), "{\"net.core.somaxconn\":\"1024\"}",
         "Sysctls");
  is_str(json(b, "HostConfig|Devices"),
         "[{\"PathOnHost\":\"/dev/null\",\"PathInContainer\":\"/dev/mynull\","
         "\"CgroupPermissions\":\"rwm\"}]",
         "Devices");
  is_str(json(b, "HostConfig|SecurityOpt"), "[\"no-new-privileges:true\"]",
         "SecurityOpt");
  is_str(str(b, "HostConfig|PidMode"), "host", "PidMode");
  is_str(str(b, "HostConfig|IpcMode"), "shareable", "IpcMode");
  is_str(json(b, "HostConfig|LogConfig"),
         "{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"1m\"}}",
         "LogConfig");
  is_str(json(b, "HostConfig|Memory"), "67108864", "Memory");
  is_str(json(b, "HostConfig|NanoCpus"), "500000000", "NanoCpus");
  is_str(json(b, "HostConfig|Tmpfs"), "{\"/tmp\":\"size=1m\",\"/cache\":\"\"}",
         "Tmpfs");
  is_str(json(b, "Healthcheck"),
         "{\"Test\":[\"CMD\",\"true\"],\"Interval\":1000000000,\"Retries\":3}",
         "Healthcheck");
  is_str(str(b, "StopSignal"), "SIGINT", "StopSignal");
  is_str(json(b, "StopTimeout"), "15", "StopTimeout in seconds");
  cJSON_Delete(b);

  is_int(create_primary_network(s), 1, "primary network by priority");
  cJSON *ep = create_endpoint_new(s, &sn[0]);
  char *t = cJSON_PrintUnformatted(ep);
  is_str(t,
         "{\"Aliases\":[\"serve\",\"api\"],\"IPAMConfig\":{\"IPv4Address\":"
         "\"10.5.0.9\"}}",
         "endpoint for connect: aliases and ipv4_address");
  free(t);
  cJSON_Delete(ep);

  /* the hash: stable, independent of the replica, changes with config */
  char h2[65];
  c.number = 7;
  create_config_hash(&p, s, h2, &e);
  is_str(h2, hash, "hash does not depend on the replica");
  struct kvlist was = s->environment;
  s->environment.n--;
  create_config_hash(&p, s, h2, &e);
  ok(strcmp(h2, hash) != 0, "hash changes with the config");
  s->environment = was;

  char *n = create_container_name_new(&p, s, 3);
  is_str(n, "blog-serve-3", "container name");
  free(n);
  s->container_name = "custom";
  n = create_container_name_new(&p, s, 1);
  is_str(n, "custom", "container_name wins");
  free(n);
  s->container_name = NULL;

  /* network_mode service:x */
  struct service *d = &svc[0];
  d->image = "postgres";
  d->network_mode = "service:serve";
  c = (struct create_ctx){&p, d, 1, 0, NULL};
  is_int(create_body(&c, &b, &e), 0, "db body");
  is_str(str(b, "Image"), "postgres", "image: as written");
  is_str(str(b, "HostConfig|NetworkMode"), "container:blog-serve-1",
         "network_mode service:x names its container");
  ok(!at(b, "NetworkingConfig"), "no endpoints with network_mode");
  ok(!at(b, "Cmd") && !at(b, "Entrypoint"), "image defaults kept");
  ok(!at(b, "Labels|" LABELS_IMAGE), "no image label without an id");
  cJSON_Delete(b);

  /* a secret that is not a file */
  struct file_ref sec2[] = {{.source = "envsec", .mode = -1}};
  d->secrets = sec2;
  d->nsecrets = 1;
  b = NULL;
  is_int(create_body(&c, &b, &e), ERR_CONFIG, "environment secret refused");
  ok(b == NULL, "no body on error");
  is_str(e.text,
         "service 'db': secret 'envsec' is not a file (only file secrets are "
         "supported)\n",
         "message names service and secret");
  err_release(&e);
  d->secrets = NULL;
  d->nsecrets = 0;

  /* run's overrides, each where the service's own field goes */
  struct kv penv[] = {{"FROM_US", "ours"}, {"HOME", "/home/me"}};
  p.environment = (struct kvlist){penv, 2};
  struct create_overrides ov = {
      .command = SL("sh", "-c", "env"),
      .env = SL("A=over", "NEW=1", "FROM_US", "NOT_SET", "NEW=2"),
      .labels = SL("tier=back", "mark"),
      .ports = SL("8080:80", "127.0.0.1:6000-6001:7000-7001/udp"),
      .volumes = SL("./data:/in:ro", "data:/vol", "/anon2", "~/x:/x"),
      .working_dir = "/w",
      .user = "nobody",
      .tty = TRI_FALSE,
      .stdin_open = TRI_TRUE,
      .attach = 1,
      .no_restart = 1,
      .auto_remove = 1};
  c = (struct create_ctx){&p, s, 1, 1, NULL, &ov};
  b = NULL;
  is_int(create_body(&c, &b, &e), 0, "body with overrides");
  is_str(json(b, "Cmd"), "[\"sh\",\"-c\",\"env\"]", "command replaces Cmd");
  is_str(json(b, "Entrypoint"), "[]", "the service's entrypoint kept");
  is_str(json(b, "Env"), "[\"A=over\",\"EMPTY=\",\"NEW=2\",\"FROM_US=ours\"]",
         "-e replaces a key in place, adds the others (last wins), KEY alone "
         "from the project's environment, unset left out");
  is_str(str(b, "WorkingDir"), "/w", "-w in WorkingDir");
  is_str(str(b, "User"), "nobody", "-u in User");
  is_str(str(b, "Labels|tier"), "back", "a label replaces the service's");
  is_str(str(b, "Labels|mark"), "", "a label without a value");
  is_str(str(b, "Labels|" LABELS_ONEOFF), "True", "one-off label");
  ok(cJSON_IsFalse(at(b, "Tty")), "Tty off over the service's tty: true");
  ok(cJSON_IsTrue(at(b, "OpenStdin")) && cJSON_IsTrue(at(b, "AttachStdin")),
     "stdin open and attached");
  ok(cJSON_IsTrue(at(b, "AttachStdout")) &&
         cJSON_IsTrue(at(b, "AttachStderr")) &&
         cJSON_IsTrue(at(b, "StdinOnce")),
     "attached once: output and StdinOnce");
  is_str(json(b, "ExposedPorts"),
         "{\"8000/tcp\":{},\"53/udp\":{},\"9000/tcp\":{},\"80/tcp\":{},"
         "\"7000/udp\":{},\"7001/udp\":{},\"3000/tcp\":{},\"4000/udp\":{},"
         "\"4001/udp\":{}}",
         "-p after the service's ports, before expose (ranges expanded)");
  is_str(json(b, "HostConfig|PortBindings"),
         "{\"8000/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8000\"}],"
         "\"53/udp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"5353\"}],"
         "\"9000/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"\"}],"
         "\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"}],"
         "\"7000/udp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"6000\"}],"
         "\"7001/udp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"6001\"}]}",
         "-p in PortBindings as a compose file's ports");
  is_str(json(b, "HostConfig|Binds"),
         "[\"/p/site:/site:ro\",\"/p/data:/in:ro\",\"/home/me/x:/x\","
         "\"/p/token.txt:/run/secrets/token:ro\"]",
         "-v binds after the service's, from the project directory and ~");
  is_str(json(b, "HostConfig|Mounts"),
         "[{\"Type\":\"volume\",\"Source\":\"blog_data\",\"Target\":"
         "\"/data\"},{\"Type\":\"volume\",\"Target\":\"/anon\"},{\"Type\":"
         "\"tmpfs\",\"Target\":\"/run\",\"TmpfsOptions\":{\"SizeBytes\":65536"
         "}},{\"Type\":\"volume\",\"Source\":\"blog_data\",\"Target\":\"/vol\"}"
         ",{\"Type\":\"volume\",\"Target\":\"/anon2\"}]",
         "-v volumes after the service's (a project volume by its name)");
  ok(!at(b, "HostConfig|RestartPolicy"), "no RestartPolicy");
  ok(cJSON_IsTrue(at(b, "HostConfig|AutoRemove")), "AutoRemove");
  is_str(json(b, "NetworkingConfig|EndpointsConfig"),
         "{\"blog_default\":{\"Aliases\":[\"serve\"]}}",
         "aliases kept unless asked");
  cJSON_Delete(b);

  /* an entrypoint drops the command; the service's ports and aliases go */
  ov = (struct create_overrides){.entrypoint = "/bin/tool  --flag",
                                 .no_service_ports = 1,
                                 .no_aliases = 1,
                                 .tty = TRI_TRUE,
                                 .stdin_open = TRI_FALSE};
  is_int(create_body(&c, &b, &e), 0, "body with an entrypoint");
  is_str(json(b, "Entrypoint"), "[\"/bin/tool\",\"--flag\"]",
         "--entrypoint in Entrypoint (words)");
  ok(!at(b, "Cmd"), "and the service's command dropped");
  is_str(json(b, "ExposedPorts"),
         "{\"3000/tcp\":{},\"4000/udp\":{},\"4001/udp\":{}}",
         "without the service's ports: expose only");
  ok(!at(b, "HostConfig|PortBindings"), "no PortBindings");
  ok(cJSON_IsTrue(at(b, "Tty")), "Tty on");
  ok(cJSON_IsFalse(at(b, "OpenStdin")) && !at(b, "StdinOnce") &&
         !at(b, "AttachStdout"),
     "stdin closed, not attached");
  is_str(json(b, "NetworkingConfig|EndpointsConfig"), "{\"blog_default\":{}}",
         "no aliases at create");
  is_str(json(b, "HostConfig|RestartPolicy"),
         "{\"Name\":\"on-failure\",\"MaximumRetryCount\":3}",
         "the service's restart without no_restart");
  cJSON_Delete(b);
  ov.command = (struct strlist)SL("a", "b");
  is_int(create_body(&c, &b, &e), 0, "entrypoint and command");
  is_str(json(b, "Cmd"), "[\"a\",\"b\"]", "a given command stays");
  cJSON_Delete(b);
  ep = create_ctx_endpoint_new(&c, &sn[0]);
  t = cJSON_PrintUnformatted(ep);
  is_str(t, "{\"IPAMConfig\":{\"IPv4Address\":\"10.5.0.9\"}}",
         "connect endpoint: no aliases, addresses kept");
  free(t);
  cJSON_Delete(ep);

  /* names */
  n = create_name_new(&c);
  ok(!strncmp(n, "blog-serve-run-", 15) && strlen(n) == 27 &&
         strspn(n + 15, "0123456789abcdef") == 12,
     "one-off name: <project>-<service>-run-<12 hex> (%s)", n);
  free(n);
  ov.name = "mine";
  n = create_name_new(&c);
  is_str(n, "mine", "--name wins");
  free(n);
  c.oneoff = 0;
  c.overrides = NULL;
  n = create_name_new(&c);
  is_str(n, "blog-serve-1", "not a one-off: the service's container name");
  free(n);

  /* the loader's grammars and messages */
  c = (struct create_ctx){&p, s, 1, 1, NULL, &ov};
  ov = (struct create_overrides){.ports = SL("80:80:80")};
  b = NULL;
  is_int(create_body(&c, &b, &e), ERR_USAGE, "bad -p refused");
  ok(b == NULL, "no body for a bad -p");
  is_str(e.text, "'-p 80:80:80': not a port mapping: invalid host IP address\n",
         "bad -p: the loader's message, naming the flag");
  err_release(&e);
  ov = (struct create_overrides){.ports = SL("8080:80/tcpx")};
  is_int(create_check(&c, &e), ERR_USAGE, "create_check refuses a bad -p");
  is_str(e.text,
         "'-p 8080:80/tcpx': not a port mapping: invalid protocol 'tcpx' "
         "(want tcp, udp or sctp)\n",
         "bad protocol: the loader's message");
  err_release(&e);
  ov = (struct create_overrides){.volumes = SL("a::b")};
  is_int(create_check(&c, &e), ERR_USAGE, "bad -v refused");
  is_str(e.text, "'-v a::b': not a volume: empty section between colons\n",
         "bad -v: the loader's message");
  err_release(&e);
  ov = (struct create_overrides){.ports = SL("8080:80")};
  is_int(create_check(&c, &e), 0, "create_check passes good overrides");
  ok(e.text == NULL, "and says nothing");

  char *ent = create_env_entry_new(&p, "FROM_US");
  is_str(ent, "FROM_US=ours", "env entry from the project's environment");
  free(ent);
  ok(create_env_entry_new(&p, "NOT_SET") == NULL, "unset: no entry");
  test_newer_fields();
  json(NULL, "x");
  return tap_done();
}
