/* The typed edge of the engine client: the structs of engine/types.h parsed
 * from answers recorded from a real engine (tests/unit/data/types-*), the
 * malformed answers an engine does not send on demand (ERR_PROTO or
 * defaults, never a crash), and the request bodies of the typed inputs. */
#include "tap.h"
#include "engine/api-int.h"
#include "engine/types.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#include <stdlib.h>

static struct buf load(const char *name)
{
  const char *top = getenv("TOP_SRCDIR");
  char path[4096];
  snprintf(path, sizeof(path), "%s/tests/unit/data/%s", top ? top : ".", name);
  struct buf b = BUF_INIT;
  if (buf_read_file(&b, path)) {
    printf("Bail out! cannot read %s\n", path);
    exit(1);
  }
  return b;
}

#define CID "32ab5e5a5a236134160375f9cbb26fd10b00fca660af3a6bdf2a23924fdf1b9e"
#define IMG                                                                    \
  "sha256:1719732b9a5fcf7268e6ff9694e80410fb81c56d8cd36979fe1602c1b52a87ae"
#define NID "1adf3883fdfde675b17d1535e47f4a84cbf5a596fc13415d860b7c4ffbd0f766"

/* Parse a recorded file with one of the _parse functions. */
#define PARSE(fn, file, out)                                                   \
  do {                                                                         \
    struct buf b_ = load(file);                                                \
    struct err e_ = ERR_INIT;                                                  \
    int rc_ = fn(b_.data, b_.len, (out), &e_);                                 \
    is_int(rc_, 0, "%s parses %s", file, e_.text ? e_.text : "");              \
    err_release(&e_);                                                          \
    buf_release(&b_);                                                          \
  } while (0)

/* Parse a string: the return code, the message in msg. */
static struct err perr = ERR_INIT;

static int took(int rc, char *msg)
{
  snprintf(msg, 512, "%s", perr.text ? perr.text : "");
  err_reset(&perr);
  return rc;
}

#define PARSE_STR(fn, text, out, msg)                                          \
  took(fn((text), strlen(text), (out), &perr), (msg))

/* --- containers --- */

static void test_container_list(void)
{
  struct engine_container_list *l = NULL;
  PARSE(engine_container_list_parse, "types-container-list.json", &l);
  if (!l)
    return;
  is_int(l->n, 1, "one container");
  const struct engine_container_summary *c = &l->v[0];
  is_str(c->id, CID, "summary id");
  is_str(c->name, "wctyped-rec-web", "name: first of Names without '/'");
  is_str(c->image, "wctyped-rec:1", "image");
  is_str(c->image_id, IMG, "image id");
  is_str(c->command, "sleep 3600", "command");
  is_int(c->created, 1796179366, "created (seconds)");
  is_str(c->state, "running", "state");
  is_str(c->status, "Up 1 second (healthy)", "status");
  is_int(c->nlabels, 3, "three labels");
  is_str(engine_kv_get(c->labels, c->nlabels, "com.example.role"), "web",
         "label lookup");
  ok(engine_kv_get(c->labels, c->nlabels, "nope") == NULL, "absent label");
  is_int(c->nports, 2, "two ports");
  if (c->nports == 2) {
    is_str(c->ports[0].ip, "127.0.0.1", "published port ip");
    is_int(c->ports[0].private_port, 80, "private port");
    is_int(c->ports[0].public_port, 32768, "public port");
    is_str(c->ports[0].type, "tcp", "port type");
    is_str(c->ports[1].ip, "", "exposed port: no ip");
    is_int(c->ports[1].private_port, 53, "exposed port");
    is_int(c->ports[1].public_port, 0, "exposed port: not published");
    is_str(c->ports[1].type, "udp", "udp");
  }
  is_int(c->nmounts, 3, "three mounts");
  if (c->nmounts == 3) {
    is_str(c->mounts[0].type, "tmpfs", "tmpfs mount");
    is_str(c->mounts[0].destination, "/scratch", "tmpfs destination");
    is_str(c->mounts[0].source, "", "tmpfs has no source");
    is_str(c->mounts[1].name, "wctyped-rec-vol", "volume mount name");
    is_int(c->mounts[1].rw, 1, "volume mount rw");
    is_str(c->mounts[2].type, "bind", "bind mount");
    is_str(c->mounts[2].source, "/tmp", "bind source");
    is_str(c->mounts[2].destination, "/host-tmp", "bind destination");
    is_str(c->mounts[2].mode, "ro", "bind mode");
    is_int(c->mounts[2].rw, 0, "bind read-only");
  }
  engine_container_list_free(l);
}

static void test_container_info(void)
{
  struct engine_container_info *c = NULL;
  PARSE(engine_container_info_parse, "types-container-inspect.json", &c);
  if (!c)
    return;
  is_str(c->id, CID, "inspect id");
  is_str(c->name, "wctyped-rec-web", "inspect name without '/'");
  is_str(c->image, IMG, "inspect image id");
  is_str(c->created_at, "2026-12-02T02:42:46.332649574Z", "created_at");
  is_int(c->created, 1796179366, "created in seconds");
  is_int(c->config.tty, 1, "Config.Tty");
  is_int(c->config.open_stdin, 1, "Config.OpenStdin");
  is_str(c->config.user, "1000:1000", "Config.User");
  is_str(c->config.working_dir, "/tmp", "Config.WorkingDir");
  is_str(c->config.image, "wctyped-rec:1", "Config.Image");
  is_int(c->config.nenv, 3, "Config.Env");
  if (c->config.nenv == 3)
    is_str(c->config.env[1], "B=two words", "env entry");
  is_int(c->config.ncmd, 2, "Config.Cmd");
  if (c->config.ncmd == 2)
    is_str(c->config.cmd[1], "3600", "cmd argument");
  ok(c->config.nentrypoint == 0 && !c->config.entrypoint,
     "null Entrypoint: empty");
  is_str(engine_kv_get(c->config.labels, c->config.nlabels, "org.wcompose.rec"),
         "yes", "Config.Labels");
  const struct engine_container_state *s = &c->state;
  is_str(s->status, "running", "State.Status");
  ok(s->running && !s->paused && !s->restarting && !s->oom_killed && !s->dead,
     "state flags");
  is_int(s->pid, 20622, "State.Pid");
  is_int(s->exit_code, 0, "State.ExitCode");
  is_str(s->error, "", "State.Error");
  is_str(s->started_at, "2026-12-02T02:42:47.014645462Z", "StartedAt");
  is_str(s->finished_at, "0001-01-01T00:00:00Z", "FinishedAt: never");
  is_str(s->health, "healthy", "health status");
  is_int(s->health_failing_streak, 0, "failing streak");
  is_int(s->health_exit_code, 0, "last probe's exit code");
  is_str(s->health_output, "", "last probe's output");
  is_int(c->restart_count, 0, "RestartCount");
  is_str(c->restart_policy, "unless-stopped", "restart policy");
  is_int(c->auto_remove, 0, "AutoRemove");
  is_int(c->nports, 2, "one row per binding, one per unpublished port");
  if (c->nports == 2) {
    ok(c->ports[0].private_port == 53 && c->ports[0].public_port == 0 &&
           !strcmp(c->ports[0].type, "udp") && !*c->ports[0].ip,
       "53/udp: exposed only");
    ok(c->ports[1].private_port == 80 && c->ports[1].public_port == 32768 &&
           !strcmp(c->ports[1].type, "tcp") &&
           !strcmp(c->ports[1].ip, "127.0.0.1"),
       "80/tcp -> 127.0.0.1:32768");
  }
  is_int(c->nnetworks, 1, "one network");
  if (c->nnetworks == 1) {
    const struct engine_endpoint *n = &c->networks[0];
    is_str(n->network, "wctyped-rec-net", "network name");
    is_str(n->network_id, NID, "network id");
    is_str(n->ip_address, "172.31.250.128", "ip address");
    is_str(n->gateway, "172.31.250.1", "gateway");
    is_str(n->mac_address, "02:42:ac:1f:fa:80", "mac address");
    is_int(n->naliases, 3, "aliases");
    if (n->naliases == 3)
      is_str(n->aliases[1], "www", "second alias");
  }
  is_int(c->nmounts, 3, "inspect mounts");
  if (c->nmounts == 3)
    ok(!strcmp(c->mounts[0].type, "bind") && !c->mounts[0].rw,
       "first mount: the read-only bind");
  engine_container_info_free(c);

  c = NULL;
  PARSE(engine_container_info_parse, "types-container-inspect-exited.json", &c);
  if (!c)
    return;
  is_str(c->name, "wctyped-rec-exit", "exited container");
  is_str(c->state.status, "exited", "exited status");
  ok(!c->state.running, "not running");
  is_int(c->state.exit_code, 3, "exit code 3");
  is_int(c->state.pid, 0, "no pid");
  is_str(c->state.health, "", "no healthcheck: empty health");
  is_int(c->state.health_exit_code, -1, "no probe: -1");
  is_str(c->restart_policy, "", "no restart policy");
  is_int(c->config.tty, 0, "no tty");
  long long a = 0, b = 0;
  long an = 0, bn = 0;
  ok(!engine_time_parse(c->state.started_at, &a, &an) &&
         !engine_time_parse(c->state.finished_at, &b, &bn) &&
         (b > a || (b == a && bn > an)),
     "finished after started");
  is_int(b, 1796179370, "finished at, seconds");
  engine_container_info_free(c);
}

/* --- smaller container replies --- */

static void test_replies(void)
{
  struct engine_created *cr = NULL;
  PARSE(engine_created_parse, "types-container-create.json", &cr);
  if (cr) {
    is_str(cr->id, CID, "create: id");
    ok(cr->nwarnings == 0 && !cr->warnings, "create: no warnings");
    engine_created_free(cr);
  }
  cr = NULL;
  PARSE(engine_created_parse, "types-exec-create.json", &cr);
  if (cr) {
    is_str(cr->id,
           "733fc11b34be6b343009976ae7ba43dc3902985c221c0f020aadf640a01399b3",
           "exec create: id");
    engine_created_free(cr);
  }
  cr = NULL;
  PARSE(engine_created_parse, "types-network-create.json", &cr);
  if (cr) {
    is_str(cr->id, NID, "network create: id");
    is_int(cr->nwarnings, 0, "empty Warning: none");
    engine_created_free(cr);
  }

  struct engine_top *t = NULL;
  PARSE(engine_top_parse, "types-top.json", &t);
  if (t) {
    is_int(t->ntitles, 8, "top: titles");
    is_int(t->nrows, 1, "top: one process");
    if (t->ntitles == 8 && t->nrows == 1 && t->rows[0].n == 8) {
      is_str(t->titles[7], "CMD", "last title");
      is_str(t->rows[0].v[1], "20622", "pid cell");
      is_str(t->rows[0].v[7], "sleep 3600", "command cell");
    }
    engine_top_free(t);
  }

  struct engine_exec_info *x = NULL;
  PARSE(engine_exec_info_parse, "types-exec-inspect.json", &x);
  if (x) {
    is_str(x->id,
           "733fc11b34be6b343009976ae7ba43dc3902985c221c0f020aadf640a01399b3",
           "exec id");
    is_str(x->container_id, CID, "exec container");
    is_int(x->running, 0, "exec done");
    is_int(x->exit_code, 7, "exec exit code");
    is_int(x->pid, 20761, "exec pid");
    engine_exec_info_free(x);
  }

  struct engine_wait *w = NULL;
  PARSE(engine_wait_parse, "types-wait.json", &w);
  if (w) {
    is_int(w->status_code, 3, "wait status code");
    is_str(w->error, "", "wait: null Error");
    engine_wait_free(w);
  }
}

/* --- images, networks, volumes, version --- */

static void test_objects(void)
{
  struct engine_image_info *im = NULL;
  PARSE(engine_image_info_parse, "types-image-inspect.json", &im);
  if (im) {
    is_str(im->id, IMG, "image id");
    is_int(im->nrepo_tags, 1, "one tag");
    if (im->nrepo_tags)
      is_str(im->repo_tags[0], "wctyped-rec:1", "tag");
    is_int(im->nrepo_digests, 0, "no digests");
    is_str(im->created_at, "2026-12-02T02:42:45.390437225Z", "image created");
    is_int(im->created, 1796179365, "image created, seconds");
    is_int(im->size, 1985472, "image size");
    is_str(engine_kv_get(im->labels, im->nlabels, "org.wcompose.kind"), "image",
           "inspect labels from Config.Labels");
    is_str(im->parent_id,
           "sha256:"
           "ad33ad92785390d6aad1ae3ce749b9a9a231a98a308c0c0b05c82644dc427d58",
           "parent");
    engine_image_info_free(im);
  }
  struct engine_image_list *il = NULL;
  PARSE(engine_image_list_parse, "types-image-list.json", &il);
  if (il) {
    is_int(il->n, 1, "one image listed");
    if (il->n) {
      is_str(il->v[0].id, IMG, "listed id");
      is_int(il->v[0].created, 1796179365, "listed created (seconds)");
      is_str(il->v[0].created_at, "", "a list has no created_at");
      is_int(il->v[0].nlabels, 2, "listed labels");
      is_int(il->v[0].nrepo_digests, 0, "null RepoDigests: none");
      is_int(il->v[0].size, 1985472, "listed size");
    }
    engine_image_list_free(il);
  }

  struct engine_network_info *n = NULL;
  PARSE(engine_network_info_parse, "types-network-inspect.json", &n);
  if (n) {
    is_str(n->id, NID, "network id");
    is_str(n->name, "wctyped-rec-net", "network name");
    is_str(n->driver, "bridge", "driver");
    is_str(n->scope, "local", "scope");
    is_int(n->created, 1796179366, "network created");
    ok(!n->internal && n->attachable && !n->enable_ipv6, "network flags");
    is_str(engine_kv_get(n->labels, n->nlabels, "org.wcompose.rec"), "yes",
           "network labels");
    is_str(engine_kv_get(n->options, n->noptions,
                         "com.docker.network.bridge.enable_icc"),
           "true", "network options");
    is_int(n->ncontainers, 1, "one container attached");
    if (n->ncontainers)
      is_str(n->containers[0], CID, "attached container id");
    engine_network_info_free(n);
  }
  struct engine_network_list *nl = NULL;
  PARSE(engine_network_list_parse, "types-network-list.json", &nl);
  if (nl) {
    is_int(nl->n, 1, "one network listed");
    if (nl->n)
      ok(!strcmp(nl->v[0].name, "wctyped-rec-net") && !nl->v[0].ncontainers,
         "listed network, containers left out");
    engine_network_list_free(nl);
  }

  struct engine_volume_info *v = NULL;
  PARSE(engine_volume_info_parse, "types-volume-create.json", &v);
  if (v) {
    is_str(v->name, "wctyped-rec-vol", "volume name");
    is_str(v->driver, "local", "volume driver");
    is_str(v->mountpoint, "/var/lib/docker/volumes/wctyped-rec-vol/_data",
           "mountpoint");
    is_str(v->scope, "local", "volume scope");
    is_str(v->created_at, "2026-12-02T02:42:46Z", "volume created_at");
    is_int(v->created, 1796179366, "volume created");
    is_int(v->nlabels, 1, "volume labels");
    is_int(v->noptions, 0, "empty Options");
    engine_volume_info_free(v);
  }
  struct engine_volume_list *vl = NULL;
  PARSE(engine_volume_list_parse, "types-volume-list.json", &vl);
  if (vl) {
    is_int(vl->n, 1, "one volume listed");
    is_int(vl->nwarnings, 0, "null Warnings");
    if (vl->n)
      is_str(vl->v[0].name, "wctyped-rec-vol", "listed volume");
    engine_volume_list_free(vl);
  }

  struct engine_version_info *ver = NULL;
  PARSE(engine_version_info_parse, "types-version.json", &ver);
  if (ver) {
    is_str(ver->version, "20.10.24+dfsg1", "engine version");
    is_str(ver->api_version, "1.41", "api version");
    is_str(ver->min_api_version, "1.12", "min api version");
    is_str(ver->os, "linux", "os");
    is_str(ver->arch, "amd64", "arch");
    is_str(ver->kernel_version, "6.18.44-fc-v1045", "kernel");
    is_str(ver->go_version, "go1.19.8", "go version");
    is_str(ver->git_commit, "5d6db84", "git commit");
    is_str(ver->build_time, "2026-05-07T21:09:36.000000000+00:00",
           "build time");
    is_str(ver->platform, "", "empty platform name");
    is_int(ver->experimental, 0, "not experimental");
    is_int(ver->ncomponents, 4, "components");
    if (ver->ncomponents == 4)
      ok(!strcmp(ver->components[0].name, "Engine") &&
             !strcmp(ver->components[2].name, "runc") &&
             !strcmp(ver->components[2].version, "1.1.5+ds1"),
         "component names and versions");
    engine_version_info_free(ver);
  }
}

/* --- events --- */

static void test_events(void)
{
  struct buf b = load("types-events.raw");
  int n = 0, bad = 0, dies = 0, consistent = 1;
  int codes[4] = {0};
  char *line = b.data;
  while (line && *line) {
    char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    struct engine_event *ev = NULL;
    if (engine_event_parse(line, len, &ev, NULL)) {
      bad++;
    } else {
      n++;
      if (ev->time_nano / 1000000000LL != ev->time)
        consistent = 0;
      if (n == 1) {
        is_str(ev->type, "image", "first event: an image");
        is_str(ev->action, "tag", "tagged");
        is_str(engine_kv_get(ev->attrs, ev->nattrs, "name"), "wctyped-rec:1",
               "image name attribute");
        is_int(ev->exit_code, -1, "no exit code");
      }
      if (!strcmp(ev->action, "health_status: healthy"))
        ok(!strcmp(ev->id, CID) && !strcmp(ev->scope, "local"),
           "health event: id and scope");
      if (!strcmp(ev->action, "die") && dies < 4)
        codes[dies++] = ev->exit_code;
      if (!strcmp(ev->action, "exec_die"))
        is_int(ev->exit_code, 7, "exec_die carries the exec's code");
      engine_event_free(ev);
    }
    line = nl ? nl + 1 : NULL;
  }
  is_int(n, 15, "fifteen events");
  is_int(bad, 0, "all parsed");
  ok(consistent, "time and time_nano agree");
  ok(dies == 2 && codes[0] == 3 && codes[1] == 137,
     "die exit codes as ints: %d %d", codes[0], codes[1]);
  buf_release(&b);
}

/* --- helpers --- */

static void test_helpers(void)
{
  long long s = -1;
  long ns = -1;
  is_int(engine_time_parse("2026-12-02T02:42:46Z", &s, &ns), 0, "time: Z");
  ok(s == 1796179366 && ns == 0, "time: seconds");
  is_int(engine_time_parse("2026-12-02T02:42:46.5+01:00", &s, &ns), 0,
         "time: offset and fraction");
  ok(s == 1796179366 - 3600 && ns == 500000000, "offset applied (%lld %ld)", s,
     ns);
  is_int(engine_time_parse("1970-01-01T00:00:00.000000001-00:30", &s, &ns), 0,
         "negative offset");
  ok(s == 1800 && ns == 1, "nanoseconds kept (%lld %ld)", s, ns);
  is_int(engine_time_parse("0001-01-01T00:00:00Z", &s, &ns), 0, "zero time");
  ok(s == 0 && ns == 0, "zero time: 0");
  is_int(engine_time_parse("1969-12-31T23:00:00Z", &s, NULL), 0, "before 1970");
  is_int(s, -3600, "negative seconds");
  const char *bad[] = {"",
                       "2026-12-02",
                       "2026-13-02T00:00:00Z",
                       "2026-12-02T24:00:00Z",
                       "2026-12-02T02:42:46",
                       "2026-12-02T02:42:46Zjunk",
                       "2026-12-02T02:42:46.Z",
                       "2026-12-02T02:42:46+0100",
                       "soon",
                       NULL};
  int refused = 0;
  for (int i = 0; bad[i]; i++)
    refused += engine_time_parse(bad[i], &s, &ns) == ERR_PROTO;
  is_int(refused, 9, "malformed times refused");
  is_int(engine_time_parse(NULL, &s, &ns), ERR_PROTO, "NULL time refused");

  struct engine_kv kv[] = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  is_str(engine_kv_get(kv, 3, "a"), "3", "kv: the last one wins");
  is_str(engine_kv_get(kv, 3, "b"), "2", "kv: found");
  ok(engine_kv_get(kv, 3, "c") == NULL, "kv: absent");
  ok(engine_kv_get(NULL, 0, "a") == NULL, "kv: none");

  /* every _free takes NULL */
  engine_container_list_free(NULL);
  engine_container_info_free(NULL);
  engine_image_info_free(NULL);
  engine_image_list_free(NULL);
  engine_network_info_free(NULL);
  engine_network_list_free(NULL);
  engine_volume_info_free(NULL);
  engine_volume_list_free(NULL);
  engine_event_free(NULL);
  engine_version_info_free(NULL);
  engine_top_free(NULL);
  engine_exec_info_free(NULL);
  engine_wait_free(NULL);
  engine_created_free(NULL);
  ok(1, "free(NULL) everywhere");
}

/* --- malformed answers --- */

static void test_malformed(void)
{
  char msg[512];
  struct engine_container_list *l = NULL;
  struct engine_container_info *c = NULL;

  /* not JSON, and not the shape */
  is_int(PARSE_STR(engine_container_list_parse, "[{\"Id\": ", &l, msg),
         ERR_PROTO, "cut JSON: ERR_PROTO");
  ok(strstr(msg, "not JSON") != NULL, "says so: %s", msg);
  is_int(took(engine_container_list_parse(NULL, 0, &l, &perr), msg), ERR_PROTO,
         "no data: ERR_PROTO");
  is_int(PARSE_STR(engine_container_list_parse, "{}", &l, msg), ERR_PROTO,
         "list as object: ERR_PROTO");
  ok(strstr(msg, "not a JSON array") != NULL, "says so: %s", msg);
  is_int(PARSE_STR(engine_container_list_parse, "[{\"Id\":\"a\"}, 7]", &l, msg),
         ERR_PROTO, "list item not an object");
  is_int(
      PARSE_STR(engine_container_list_parse, "[{\"Names\":[\"/x\"]}]", &l, msg),
      ERR_PROTO, "item without Id");
  ok(strstr(msg, "\"Id\"") != NULL, "names the field: %s", msg);
  is_int(PARSE_STR(engine_container_list_parse, "[{\"Id\":42}]", &l, msg),
         ERR_PROTO, "Id of the wrong type");
  is_int(PARSE_STR(engine_container_info_parse, "[]", &c, msg), ERR_PROTO,
         "inspect as array");
  ok(l == NULL && c == NULL, "nothing handed out on error");

  /* wrong types read as absent */
  is_int(PARSE_STR(engine_container_list_parse,
                   "[{\"Id\":\"a\",\"Names\":5,\"Image\":[],\"Created\":\"x\","
                   "\"State\":true,\"Labels\":[\"a=b\"],\"Ports\":\"80\","
                   "\"Mounts\":{\"Type\":\"bind\"}},"
                   "{\"Id\":\"b\",\"Names\":[7,\"/second\"],\"Labels\":{\"k\":"
                   "1,\"s\":\"v\"},\"Ports\":[5,{\"PrivatePort\":1e300,"
                   "\"PublicPort\":-1e300,\"Type\":null}]}]",
                   &l, msg),
         0, "wrong field types: parsed %s", msg);
  if (l) {
    const struct engine_container_summary *a = &l->v[0], *b = &l->v[1];
    ok(!*a->name && !*a->image && !a->created && !*a->state && !a->nlabels &&
           !a->nports && !a->nmounts && !a->labels,
       "defaults for wrong types");
    is_str(b->name, "", "Names[0] not a string: no name");
    is_int(b->nlabels, 1, "non-string label values skipped");
    is_int(b->nports, 2, "port items kept");
    ok(b->nports == 2 && b->ports[0].private_port == 0 && !*b->ports[0].type &&
           b->ports[1].private_port == 2147483647 &&
           b->ports[1].public_port == -2147483647 - 1,
       "huge numbers clamped");
    engine_container_list_free(l);
    l = NULL;
  }

  /* a bare inspect: everything defaults */
  is_int(PARSE_STR(engine_container_info_parse, "{\"Id\":\"x\"}", &c, msg), 0,
         "bare inspect");
  if (c) {
    ok(!*c->name && !*c->created_at && !c->created && !c->config.tty &&
           !c->config.nenv && !*c->state.status && c->state.exit_code == -1 &&
           c->state.health_exit_code == -1 && !*c->state.health && !c->nports &&
           !c->nnetworks && !c->nmounts && !*c->restart_policy,
       "defaults: empty strings, -1 exit codes, no arrays");
    engine_container_info_free(c);
    c = NULL;
  }
  is_int(PARSE_STR(engine_container_info_parse,
                   "{\"Id\":\"x\",\"Created\":\"yesterday\",\"State\":{"
                   "\"Health\":{\"Status\":\"unhealthy\",\"Log\":{}},"
                   "\"ExitCode\":\"1\"},\"NetworkSettings\":{\"Ports\":{"
                   "\"bogus\":[{}],\"80/tcp\":\"x\",\"8080/udp\":[{\"HostIp\":"
                   "1,\"HostPort\":\"nope\"},7],\"70000/tcp\":null},"
                   "\"Networks\":[]},\"Config\":{\"Env\":[\"A=1\",null,3],"
                   "\"Tty\":\"true\"}}",
                   &c, msg),
         0, "odd inspect parsed %s", msg);
  if (c) {
    ok(!c->created && !strcmp(c->created_at, "yesterday"),
       "unparsable time: 0 seconds, text kept");
    ok(!strcmp(c->state.health, "unhealthy") &&
           c->state.health_exit_code == -1 && c->state.exit_code == -1,
       "Log not an array, ExitCode a string: defaults");
    is_int(c->config.nenv, 1, "only strings in Env");
    is_int(c->config.tty, 0, "Tty must be a boolean");
    is_int(c->nports, 5, "ports rows");
    if (c->nports == 5)
      ok(c->ports[0].private_port == 0 && c->ports[1].private_port == 80 &&
             c->ports[2].private_port == 8080 && c->ports[2].public_port == 0 &&
             !*c->ports[2].ip && c->ports[4].private_port == 0,
         "odd ports read safely");
    is_int(c->nnetworks, 0, "Networks not an object");
    engine_container_info_free(c);
    c = NULL;
  }

  /* huge strings pass through whole */
  size_t big = (size_t)1 << 20;
  struct buf j = BUF_INIT;
  buf_addf(&j, "{\"Id\":\"");
  for (size_t i = 0; i < big; i++)
    buf_addch(&j, 'a' + (char)(i % 26));
  buf_addf(&j, "\",\"Config\":{\"Labels\":{\"");
  for (size_t i = 0; i < big; i++)
    buf_addch(&j, 'k');
  buf_addf(&j, "\":\"v\"}}}");
  is_int(engine_container_info_parse(j.data, j.len, &c, NULL), 0,
         "1 MiB strings parse");
  if (c) {
    is_int(strlen(c->id), big, "id kept whole");
    ok(c->config.nlabels == 1 && strlen(c->config.labels[0].key) == big &&
           !strcmp(c->config.labels[0].value, "v"),
       "huge label key kept");
    engine_container_info_free(c);
    c = NULL;
  }
  buf_release(&j);

  /* nesting past cJSON's limit */
  struct buf deep = BUF_INIT;
  buf_addf(&deep, "[{\"Id\":\"a\",\"Labels\":");
  for (int i = 0; i < 5000; i++)
    buf_addch(&deep, '[');
  for (int i = 0; i < 5000; i++)
    buf_addch(&deep, ']');
  buf_addf(&deep, "}]");
  is_int(engine_container_list_parse(deep.data, deep.len, &l, NULL), ERR_PROTO,
         "deep nesting: ERR_PROTO");
  buf_release(&deep);

  /* the other kinds */
  struct engine_volume_list *vl = NULL;
  is_int(PARSE_STR(engine_volume_list_parse, "{\"Volumes\":\"x\"}", &vl, msg),
         ERR_PROTO, "Volumes not an array");
  is_int(PARSE_STR(engine_volume_list_parse, "{\"Volumes\":null}", &vl, msg), 0,
         "Volumes null");
  if (vl)
    is_int(vl->n, 0, "no volumes");
  engine_volume_list_free(vl);
  vl = NULL;
  is_int(PARSE_STR(engine_volume_list_parse, "{\"Volumes\":[{\"Driver\":1}]}",
                   &vl, msg),
         ERR_PROTO, "volume without Name");
  struct engine_network_list *nl = NULL;
  is_int(PARSE_STR(engine_network_list_parse, "[{\"Name\":\"n\"}]", &nl, msg),
         ERR_PROTO, "network without Id");
  struct engine_image_info *im = NULL;
  is_int(PARSE_STR(engine_image_info_parse, "\"sha256:x\"", &im, msg),
         ERR_PROTO, "image as string");

  struct engine_event *ev = NULL;
  is_int(PARSE_STR(engine_event_parse, "{}", &ev, msg), ERR_PROTO,
         "event without Type and Action");
  is_int(PARSE_STR(engine_event_parse,
                   "{\"status\":\"start\",\"id\":\"abc\",\"time\":5}", &ev,
                   msg),
         0, "old-style event");
  if (ev) {
    ok(!strcmp(ev->action, "start") && !strcmp(ev->id, "abc") && !*ev->type &&
           ev->time == 5 && !ev->nattrs,
       "status and id stand in for Action and Actor.ID");
    engine_event_free(ev);
    ev = NULL;
  }
  const char *codes[] = {"\"abc\"", "\"99999999999\"", "\"\"", "3", NULL};
  int minus = 0;
  for (int i = 0; codes[i]; i++) {
    char text[200];
    snprintf(text, sizeof(text),
             "{\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{"
             "\"Attributes\":{\"exitCode\":%s}}}",
             codes[i]);
    if (!engine_event_parse(text, strlen(text), &ev, NULL)) {
      minus += ev->exit_code == -1;
      engine_event_free(ev);
      ev = NULL;
    }
  }
  is_int(minus, 4, "odd exitCode attributes: -1");

  struct engine_created *cr = NULL;
  is_int(PARSE_STR(engine_created_parse, "{\"Warnings\":[]}", &cr, msg),
         ERR_PROTO, "create answer without Id");
  is_int(PARSE_STR(engine_created_parse,
                   "{\"Id\":\"x\",\"Warnings\":[\"a\",\"\",5],\"Warning\":"
                   "\"b\"}",
                   &cr, msg),
         0, "warnings");
  if (cr) {
    ok(cr->nwarnings == 2 && !strcmp(cr->warnings[0], "a") &&
           !strcmp(cr->warnings[1], "b"),
       "non-empty warnings of both forms");
    engine_created_free(cr);
  }
  struct engine_wait *w = NULL;
  is_int(PARSE_STR(engine_wait_parse,
                   "{\"StatusCode\":\"3\",\"Error\":{\"Message\":\"boom\"}}",
                   &w, msg),
         0, "odd wait");
  if (w) {
    ok(w->status_code == -1 && !strcmp(w->error, "boom"),
       "string StatusCode: -1; Error.Message kept");
    engine_wait_free(w);
  }
  struct engine_top *t = NULL;
  is_int(PARSE_STR(engine_top_parse,
                   "{\"Titles\":\"x\",\"Processes\":[[\"1\",2],\"x\"]}", &t,
                   msg),
         0, "odd top");
  if (t) {
    ok(!t->ntitles && t->nrows == 2 && t->rows[0].n == 1 && !t->rows[1].n,
       "odd top read safely");
    engine_top_free(t);
  }
  struct engine_version_info *v = NULL;
  is_int(PARSE_STR(engine_version_info_parse, "[1]", &v, msg), ERR_PROTO,
         "version as array");
}

/* --- request bodies of the typed inputs --- */

static char *print(cJSON *j)
{
  char *s = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  return s;
}

static void test_bodies(void)
{
  struct engine_filters f = ENGINE_FILTERS_INIT;
  ok(call_filters_json(&f) == NULL, "no filters: none sent");
  engine_filters_add(&f, "label", "a=b");
  engine_filters_add(&f, "type", "container");
  engine_filters_add(&f, "label", "c");
  char *s = print(call_filters_json(&f));
  is_str(s, "{\"label\":[\"a=b\",\"c\"],\"type\":[\"container\"]}",
         "filters grouped by key");
  free(s);
  engine_filters_release(&f);
  ok(f.n == 0 && f.v == NULL, "filters released");

  const char *cmd[] = {"sh", "-c", "echo hi", NULL};
  const char *env[] = {"A=1", "B=two words", NULL};
  struct engine_exec_config x = {.cmd = cmd,
                                 .env = env,
                                 .user = "root",
                                 .working_dir = "/srv",
                                 .detach_keys = "ctrl-x",
                                 .privileged = 1,
                                 .tty = 1,
                                 .attach_stdout = 1,
                                 .attach_stderr = 1};
  s = print(call_exec_body(&x));
  is_str(s,
         "{\"Cmd\":[\"sh\",\"-c\",\"echo hi\"],\"AttachStdin\":false,"
         "\"AttachStdout\":true,\"AttachStderr\":true,\"Tty\":true,"
         "\"Privileged\":true,\"Env\":[\"A=1\",\"B=two words\"],\"User\":"
         "\"root\",\"WorkingDir\":\"/srv\",\"DetachKeys\":\"ctrl-x\"}",
         "exec body, everything set");
  free(s);
  struct engine_exec_config x0 = {.cmd = cmd};
  s = print(call_exec_body(&x0));
  is_str(s,
         "{\"Cmd\":[\"sh\",\"-c\",\"echo hi\"],\"AttachStdin\":false,"
         "\"AttachStdout\":false,\"AttachStderr\":false,\"Tty\":false,"
         "\"Privileged\":false}",
         "exec body, defaults");
  free(s);

  struct engine_kv opts[] = {{"com.docker.network.bridge.name", "br-x"}};
  struct engine_kv labels[] = {{"com.example.a", "1"},
                               {"com.example.skip", NULL},
                               {"com.example.a", "2"}};
  struct engine_kv aux[] = {{"host1", "10.5.0.5"}};
  struct engine_ipam_pool pools[] = {
      {"10.5.0.0/16", "10.5.0.1", "10.5.1.0/24", aux, 1}, {"fd00::/64"}};
  struct engine_network_config n = {.name = "p_default",
                                    .driver = "bridge",
                                    .options = opts,
                                    .noptions = 1,
                                    .labels = labels,
                                    .nlabels = 3,
                                    .check_duplicate = 1,
                                    .internal = 1,
                                    .attachable = 1,
                                    .enable_ipv6 = 1,
                                    .ipam_driver = "default",
                                    .pools = pools,
                                    .npools = 2};
  s = print(call_network_body(&n));
  is_str(s,
         "{\"Name\":\"p_default\",\"CheckDuplicate\":true,\"Driver\":"
         "\"bridge\",\"Options\":{\"com.docker.network.bridge.name\":"
         "\"br-x\"},\"Labels\":{\"com.example.a\":\"2\"},\"Internal\":true,"
         "\"Attachable\":true,\"EnableIPv6\":true,\"IPAM\":{\"Driver\":"
         "\"default\",\"Config\":[{\"Subnet\":\"10.5.0.0/16\",\"Gateway\":"
         "\"10.5.0.1\",\"IPRange\":\"10.5.1.0/24\",\"AuxiliaryAddresses\":{"
         "\"host1\":\"10.5.0.5\"}},{\"Subnet\":\"fd00::/64\"}]}}",
         "network body, everything set");
  free(s);
  struct engine_network_config n0 = {.name = "p_x"};
  s = print(call_network_body(&n0));
  is_str(s, "{\"Name\":\"p_x\",\"CheckDuplicate\":false,\"Labels\":{}}",
         "network body, defaults");
  free(s);

  struct engine_kv dopts[] = {{"type", "tmpfs"}, {"device", "tmpfs"}};
  struct engine_volume_config v = {.name = "p_data",
                                   .driver = "local",
                                   .driver_opts = dopts,
                                   .ndriver_opts = 2,
                                   .labels = labels,
                                   .nlabels = 1};
  s = print(call_volume_body(&v));
  is_str(s,
         "{\"Name\":\"p_data\",\"Driver\":\"local\",\"DriverOpts\":{\"type\":"
         "\"tmpfs\",\"device\":\"tmpfs\"},\"Labels\":{\"com.example.a\":"
         "\"1\"}}",
         "volume body");
  free(s);
  struct engine_volume_config v0 = {.name = "p_v"};
  s = print(call_volume_body(&v0));
  is_str(s, "{\"Name\":\"p_v\",\"Labels\":{}}", "volume body, defaults");
  free(s);
}

int main(void)
{
  test_container_list();
  test_container_info();
  test_replies();
  test_objects();
  test_events();
  test_helpers();
  test_malformed();
  test_bodies();
  err_release(&perr);
  return tap_done();
}
