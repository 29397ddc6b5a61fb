/* Unit tests for stack's translation: a compose file loaded from a temp
 * dir as Swarm ServiceSpecs, networks, configs and secrets named by their
 * content, the warnings for what Swarm cannot carry (with positions), and
 * the comparison with a spec as deployed. No engine. */
#include "tap.h"
#include "compose/load.h"
#include "stack/stack.h"
#include "util/err.h"
#include "views/stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/stack-test.XXXXXX";

static void write_file(const char *rel, const char *text)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", dir, rel);
  FILE *f = fopen(path, "w");
  if (!f)
    abort();
  fputs(text, f);
  fclose(f);
}

static struct project *load(void)
{
  struct strvec none = STRVEC_INIT, warnings = STRVEC_INIT;
  char *env[] = {"TOKEN=s3cret", NULL};
  struct load_options o = {.files = &none,
                           .env_files = &none,
                           .profiles = &none,
                           .cwd = dir,
                           .environ = env};
  struct project *p = NULL;
  struct err err = ERR_INIT;
  if (compose_load(&o, &p, &warnings, &err)) {
    fprintf(stderr, "# %s\n", err.text);
    abort();
  }
  strvec_clear(&warnings);
  err_release(&err);
  return p;
}

static const cJSON *at(const cJSON *o, const char *path)
{
  char buf[256];
  snprintf(buf, sizeof(buf), "%s", path);
  for (char *t = strtok(buf, "|"); t && o; t = strtok(NULL, "|"))
    o = cJSON_IsArray(o) ? cJSON_GetArrayItem(o, atoi(t))
                         : cJSON_GetObjectItemCaseSensitive(o, t);
  return o;
}

static const char *str(const cJSON *o, const char *path)
{
  const cJSON *v = at(o, path);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *o, const char *path)
{
  const cJSON *v = at(o, path);
  return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const char file1[] =
    "services:\n"
    "  web:\n"
    "    image: reg:5000/busybox:v1\n"
    "    build: .\n"
    "    command: [httpd, -f]\n"
    "    environment: {A: b}\n"
    "    labels: {x: y}\n"
    "    extra_hosts: [\"db.local=10.0.0.9\"]\n"
    "    ports: [{target: 80, published: 8080, mode: host}]\n"
    "    configs: [{source: conf, target: /app.conf}]\n"
    "    secrets: [token]\n"
    "    volumes: [data:/data]\n"
    "    stop_grace_period: 3s\n"
    "    depends_on: [db]\n"
    "    deploy:\n"
    "      replicas: 3\n"
    "      endpoint_mode: dnsrr\n"
    "      labels: {tier: front}\n"
    "      resources: {limits: {cpus: '0.5', memory: 64M}}\n"
    "      update_config: {parallelism: 1, delay: 2s, order: start-first,\n"
    "                      failure_action: rollback}\n"
    "      restart_policy: {condition: on-failure, delay: 1s}\n"
    "      placement: {constraints: [node.role==worker],\n"
    "                  preferences: [{spread: node.id}],\n"
    "                  max_replicas_per_node: 1}\n"
    "  db:\n"
    "    image: busybox\n"
    "    container_name: thedb\n"
    "    network_mode: service:other\n"
    "    deploy: {mode: global}\n"
    "  other: {image: busybox}\n"
    "volumes:\n"
    "  data: {}\n"
    "configs:\n"
    "  conf: {file: ./app.conf}\n"
    "secrets:\n"
    "  token: {environment: TOKEN}\n";

static void test_translate(void)
{
  write_file("compose.yaml", file1);
  write_file("app.conf", "hello\n");
  struct project *p = load();
  struct stack st;
  struct err err = ERR_INIT;
  is_int(stack_prepare(&st, p, "prod", &err), 0, "prepare");
  is_int((long long)st.nnets, 1, "one network, default");
  is_str(st.nets[0].name, "prod_default", "named after the stack");
  is_int((long long)st.nfiles, 2, "a config and a secret");
  ok(!strncmp(st.files[0].name, "prod_conf-", 10) &&
         strlen(st.files[0].name) == 20,
     "config named by content: %s", st.files[0].name);
  is_int((long long)st.files[1].n, 6, "secret read from the environment");
  char *first = strdup(st.files[0].name);

  cJSON *spec = NULL;
  const struct service *web = project_service(p, "web");
  is_int(stack_service_spec(&st, web, NULL, &spec, &err), 0, "web spec");
  is_str(str(spec, "Name"), "prod_web", "name");
  is_str(str(spec, "Labels|com.docker.stack.namespace"), "prod",
         "namespace label");
  is_str(str(spec, "Labels|com.docker.stack.image"), "reg:5000/busybox:v1",
         "image label");
  is_str(str(spec, "Labels|tier"), "front", "deploy labels");
  is_str(str(spec, "TaskTemplate|ContainerSpec|Labels|x"), "y",
         "container labels");
  is_str(str(spec, "TaskTemplate|ContainerSpec|Args|0"), "httpd", "command");
  is_str(str(spec, "TaskTemplate|ContainerSpec|Env|0"), "A=b", "env");
  is_str(str(spec, "TaskTemplate|ContainerSpec|Hosts|0"), "10.0.0.9 db.local",
         "extra_hosts as /etc/hosts lines");
  is_int((long long)num(spec, "TaskTemplate|ContainerSpec|StopGracePeriod"),
         3000000000LL, "stop grace period in ns");
  is_str(str(spec, "TaskTemplate|ContainerSpec|Mounts|0|Source"), "prod_data",
         "named volume of the stack");
  is_str(str(spec, "TaskTemplate|ContainerSpec|Configs|0|File|Name"),
         "/app.conf", "config target");
  is_str(str(spec, "TaskTemplate|ContainerSpec|Configs|0|ConfigName"), first,
         "config by its content name");
  is_str(str(spec, "TaskTemplate|ContainerSpec|Secrets|0|File|Name"), "token",
         "secret under /run/secrets");
  is_int((long long)num(spec, "TaskTemplate|Resources|Limits|NanoCPUs"),
         500000000, "cpus");
  is_int((long long)num(spec, "TaskTemplate|Resources|Limits|MemoryBytes"),
         64 << 20, "memory");
  is_str(str(spec, "TaskTemplate|RestartPolicy|Condition"), "on-failure",
         "restart policy");
  is_int((long long)num(spec, "TaskTemplate|RestartPolicy|Delay"), 1000000000,
         "restart delay");
  is_str(str(spec, "TaskTemplate|Placement|Constraints|0"), "node.role==worker",
         "constraints");
  is_str(str(spec, "TaskTemplate|Placement|Preferences|0|Spread|"
                   "SpreadDescriptor"),
         "node.id", "spread preference");
  is_int((long long)num(spec, "TaskTemplate|Placement|MaxReplicas"), 1,
         "max replicas per node");
  is_str(str(spec, "TaskTemplate|Networks|0|Target"), "prod_default",
         "network by name until its id is known");
  is_str(str(spec, "TaskTemplate|Networks|0|Aliases|0"), "web",
         "the service's name as an alias");
  is_int((long long)num(spec, "Mode|Replicated|Replicas"), 3, "replicas");
  is_int((long long)num(spec, "UpdateConfig|Parallelism"), 1, "parallelism");
  is_str(str(spec, "UpdateConfig|Order"), "start-first", "order");
  is_str(str(spec, "UpdateConfig|FailureAction"), "rollback", "failure action");
  is_str(str(spec, "EndpointSpec|Mode"), "dnsrr", "endpoint mode");
  is_str(str(spec, "EndpointSpec|Ports|0|PublishMode"), "host", "host port");
  is_int((long long)num(spec, "EndpointSpec|Ports|0|PublishedPort"), 8080,
         "published");

  /* the spec as deployed: the engine's additions do not count */
  cJSON *dep = cJSON_Duplicate(spec, 1);
  cJSON_AddStringToObject(
      cJSON_GetObjectItem(cJSON_GetObjectItem(dep, "TaskTemplate"),
                          "ContainerSpec"),
      "Isolation", "default");
  char *text = cJSON_PrintUnformatted(dep);
  ok(engine_spec_covers(text, spec), "unchanged despite engine defaults");
  free(text);
  cJSON_ReplaceItemInObject(
      cJSON_GetObjectItem(cJSON_GetObjectItem(dep, "Mode"), "Replicated"),
      "Replicas", cJSON_CreateNumber(2));
  text = cJSON_PrintUnformatted(dep);
  ok(!engine_spec_covers(text, spec), "a changed replica count is a change");
  free(text);
  cJSON_Delete(dep);
  cJSON_Delete(spec);

  const struct service *db = project_service(p, "db");
  is_int(stack_service_spec(&st, db, NULL, &spec, &err), 0, "db spec");
  ok(at(spec, "Mode|Global") != NULL, "global mode");
  cJSON_Delete(spec);

  struct strvec w = STRVEC_INIT;
  stack_unsupported(p, &w);
  char want[600];
  int found = 0;
  snprintf(want, sizeof(want), "%s/compose.yaml:4:5: services.web.build:", dir);
  for (size_t i = 0; i < w.n; i++)
    found += !strncmp(w.v[i], want, strlen(want));
  snprintf(want, sizeof(want), "%s/compose.yaml:14:5: services.web.depends_on",
           dir);
  for (size_t i = 0; i < w.n; i++)
    found += !strncmp(w.v[i], want, strlen(want));
  snprintf(want, sizeof(want),
           "%s/compose.yaml:28:5: services.db.container_name", dir);
  for (size_t i = 0; i < w.n; i++)
    found += !strncmp(w.v[i], want, strlen(want));
  snprintf(want, sizeof(want), "%s/compose.yaml:29:5: services.db.network_mode",
           dir);
  for (size_t i = 0; i < w.n; i++)
    found += !strncmp(w.v[i], want, strlen(want));
  is_int(found, 4,
         "build, depends_on, container_name, network_mode warned "
         "at their positions");
  is_int((long long)w.n, 4, "nothing else warned");
  for (size_t i = 0; i < w.n; i++)
    printf("# %s\n", w.v[i]);
  strvec_clear(&w);
  stack_release(&st);

  /* a new content is a new name: the service rolls */
  write_file("app.conf", "hello again\n");
  is_int(stack_prepare(&st, p, "prod", &err), 0, "prepare again");
  ok(strcmp(st.files[0].name, first) != 0, "new content, new name (%s)",
     st.files[0].name);
  stack_release(&st);
  free(first);
  project_free(p);
  err_release(&err);
}

static void test_errors(void)
{
  write_file("compose.yaml", "services:\n  b:\n    build: .\n");
  struct project *p = load();
  struct stack st;
  struct err err = ERR_INIT;
  is_int(stack_prepare(&st, p, "x", &err), 0, "prepare");
  cJSON *spec = NULL;
  is_int(stack_service_spec(&st, &p->services[0], NULL, &spec, &err),
         ERR_CONFIG, "a service without image cannot be deployed");
  ok(err.text && strstr(err.text, "'b' has no image"), "says so: %s",
     err.text ? err.text : "");
  stack_release(&st);
  project_free(p);
  err_release(&err);

  char *pos[] = {"deploy", "x"};
  enum stack_verb v;
  const char *ns;
  is_int(stack_verb_parse(pos, 2, &v, &ns, &err), 0, "deploy NAME");
  is_int(v, STACK_DEPLOY, "the verb");
  is_int(stack_verb_parse(pos, 1, &v, &ns, &err), ERR_USAGE,
         "deploy wants a name");
  err_release(&err);
}

/* The engine's answers, typed, and the tables made of them. */
static void test_views(void)
{
  static const char services[] =
      "[{\"ID\":\"svc1234567890abc\",\"Version\":{\"Index\":29},"
      "\"Spec\":{\"Name\":\"prod_web\",\"Labels\":{"
      "\"com.docker.stack.namespace\":\"prod\"},\"TaskTemplate\":{"
      "\"ContainerSpec\":{\"Image\":\"reg/bb:v1@sha256:abc\"}},"
      "\"Mode\":{\"Replicated\":{\"Replicas\":2}}},"
      "\"Endpoint\":{\"Ports\":[{\"Protocol\":\"tcp\",\"TargetPort\":80,"
      "\"PublishedPort\":8080,\"PublishMode\":\"host\"}]},"
      "\"UpdateStatus\":{\"State\":\"completed\"}}]";
  static const char tasks[] =
      "[{\"ID\":\"task1aaaaaaaaaaaaa\",\"ServiceID\":\"svc1234567890abc\","
      "\"NodeID\":\"n1\",\"Slot\":1,\"DesiredState\":\"running\","
      "\"CreatedAt\":\"2024-01-02T03:04:05.5Z\",\"Status\":{\"State\":"
      "\"running\",\"Timestamp\":\"2024-01-02T03:04:06Z\"},\"Spec\":{"
      "\"ContainerSpec\":{\"Image\":\"reg/bb:v1@sha256:abc\"}}},"
      "{\"ID\":\"task2bbbbbbbbbbbbb\",\"ServiceID\":\"svc1234567890abc\","
      "\"NodeID\":\"n2\",\"Slot\":2,\"DesiredState\":\"running\","
      "\"Status\":{\"State\":\"pending\",\"Err\":\"no suitable node\"}}]";
  static const char nodes[] = "[{\"ID\":\"n1\",\"Description\":{"
                              "\"Hostname\":\"node1\"},\"Status\":{"
                              "\"State\":\"ready\"}}]";
  struct engine_service_list *sl = NULL;
  struct engine_task_list *tl = NULL;
  struct engine_node_list *nl = NULL;
  struct err err = ERR_INIT;
  is_int(engine_service_list_parse(services, sizeof(services) - 1, &sl, &err),
         0, "services parse");
  is_int(engine_task_list_parse(tasks, sizeof(tasks) - 1, &tl, &err), 0,
         "tasks parse");
  is_int(engine_node_list_parse(nodes, sizeof(nodes) - 1, &nl, &err), 0,
         "nodes parse");
  is_int(sl->v[0].version, 29, "the version an update names");
  is_int(tl->v[0].created_nsec, 500000000, "task created, to the ns");
  is_str(tl->v[1].error, "no suitable node", "a task's error");
  struct buf out = BUF_INIT;
  views_stack_services_render(sl, tl, &out);
  is_str(out.data,
         "ID             NAME       MODE         REPLICAS   IMAGE       PORTS\n"
         "svc123456789   prod_web   replicated   1/2        reg/bb:v1   "
         "*:8080->80/tcp (host)\n",
         "stack services");
  buf_release(&out);
  views_stack_ps_render(sl, tl, nl, 0, 1704164646 + 120, &out);
  ok(out.data && strstr(out.data, "prod_web.1   reg/bb:v1   node1   Running") &&
         strstr(out.data, "\"no suitable node\""),
     "stack ps: names, nodes, errors");
  printf("%s", out.data ? out.data : "");
  buf_release(&out);
  views_stack_ls_render(sl, &out);
  is_str(out.data, "NAME   SERVICES\nprod   1\n", "stack ls");
  buf_release(&out);
  engine_service_list_free(sl);
  engine_task_list_free(tl);
  engine_node_list_free(nl);
  err_release(&err);
}

int main(void)
{
  test_views();
  if (!mkdtemp(dir))
    return 1;
  test_translate();
  test_errors();
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
  if (system(cmd))
    return 1;
  return tap_done();
}
