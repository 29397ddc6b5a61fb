/* Unit tests for create: a hand-built project as Engine API create bodies,
 * checked field by field; the config hash's stability. No engine. */
#include "tap.h"
#include "orchestrate/create.h"
#include "orchestrate/labels.h"

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

int main(void)
{
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
  s->user = "root";
  create_config_hash(&p, s, h2, &e);
  ok(strcmp(h2, hash) != 0, "hash changes with the config");
  s->user = "1000:1000";

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
  json(NULL, "x");
  return tap_done();
}
