/* The engine client against the real engine: ping, version, build of a
 * busybox image from a tar made here, create/start/wait/logs/inspect/list/
 * remove of a container, exec and top, networks, volumes, events, a failing
 * build; the typed answers (res->container, ->containers ...) and the typed
 * inputs (filters, network/volume/exec configs, kv build args and labels)
 * beside the raw JSON.
 * Everything is named uniquely and removed at the end, even on failure;
 * exits 77 (skip) when no engine answers. */
#include "../unit/tap.h"
#include "engine/api.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uv_loop_t loop;
static struct engine *E;
static char name[64]; /* unique: images, containers, networks, volumes */
static char image[96];

/* --- run one call to its end --- */

struct sync {
  int calls;
  int rc;
  cJSON *json;
  char text[256];
  char msg[2048];
  char id[80]; /* res->id */
  /* the typed answers, taken from the result */
  struct engine_created *created;
  struct engine_container_list *containers;
  struct engine_container_info *container;
  struct engine_image_info *image;
  struct engine_image_list *images;
  struct engine_network_info *network;
  struct engine_network_list *networks;
  struct engine_volume_info *volume;
  struct engine_volume_list *volumes;
  struct engine_top *top;
  struct engine_exec_info *exec;
  struct engine_wait *wait;
  struct engine_version_info *version;
};

/* Take a typed member of res into s (the callback owns it then). */
#define TAKE(s, res, m)                                                        \
  do {                                                                         \
    (s)->m = (res)->m;                                                         \
    (res)->m = NULL;                                                           \
  } while (0)

static void on_sync(void *ctx, struct engine_result *res)
{
  struct sync *s = ctx;
  s->calls++;
  s->rc = res->rc;
  s->json = res->json;
  res->json = NULL;
  snprintf(s->text, sizeof(s->text), "%s", res->text ? res->text : "");
  snprintf(s->msg, sizeof(s->msg), "%s",
           res->rc && res->err->text ? res->err->text : "");
  snprintf(s->id, sizeof(s->id), "%s", res->id ? res->id : "");
  TAKE(s, res, created);
  TAKE(s, res, containers);
  TAKE(s, res, container);
  TAKE(s, res, image);
  TAKE(s, res, images);
  TAKE(s, res, network);
  TAKE(s, res, networks);
  TAKE(s, res, volume);
  TAKE(s, res, volumes);
  TAKE(s, res, top);
  TAKE(s, res, exec);
  TAKE(s, res, wait);
  TAKE(s, res, version);
}

static void sync_reset(struct sync *s)
{
  cJSON_Delete(s->json);
  engine_created_free(s->created);
  engine_container_list_free(s->containers);
  engine_container_info_free(s->container);
  engine_image_info_free(s->image);
  engine_image_list_free(s->images);
  engine_network_info_free(s->network);
  engine_network_list_free(s->networks);
  engine_volume_info_free(s->volume);
  engine_volume_list_free(s->volumes);
  engine_top_free(s->top);
  engine_exec_info_free(s->exec);
  engine_wait_free(s->wait);
  engine_version_info_free(s->version);
  memset(s, 0, sizeof(*s));
}

/* Run the loop for a call that returned rc. */
static int sync_wait(struct sync *s, int rc, struct err *err)
{
  if (rc) {
    snprintf(s->msg, sizeof(s->msg), "%s", err->text ? err->text : "");
    err_reset(err);
    s->rc = rc;
    return rc;
  }
  /* Other streams (events) may keep the loop busy: run to this call's end. */
  while (!s->calls)
    uv_run(&loop, UV_RUN_ONCE);
  if (s->calls != 1) {
    printf("# %d callbacks\n", s->calls);
    return -1;
  }
  return s->rc;
}

#define CALL0(s, err, fn)                                                      \
  (sync_reset(s), sync_wait((s), fn(E, on_sync, (s), (err)), (err)))
#define CALL(s, err, fn, ...)                                                  \
  (sync_reset(s),                                                              \
   sync_wait((s), fn(E, __VA_ARGS__, on_sync, (s), (err)), (err)))

/* --- a tar in memory, streamed as a request body --- */

struct tarbuf {
  struct buf b;
  size_t pos;
};

static la_ssize_t tar_write(struct archive *a, void *ctx, const void *p,
                            size_t n)
{
  struct tarbuf *t = ctx;
  buf_add(&t->b, p, n);
  return (la_ssize_t)n;
}

static void tar_add(struct archive *a, const char *path, const char *data,
                    size_t n, int mode)
{
  struct archive_entry *e = archive_entry_new();
  archive_entry_set_pathname(e, path);
  archive_entry_set_size(e, (la_int64_t)n);
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, mode);
  archive_write_header(a, e);
  archive_write_data(a, data, n);
  archive_entry_free(e);
}

static void tar_make(struct tarbuf *t, const char *dockerfile, int busybox)
{
  memset(t, 0, sizeof(*t));
  struct archive *a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_open(a, t, NULL, tar_write, NULL);
  tar_add(a, "Dockerfile", dockerfile, strlen(dockerfile), 0644);
  if (busybox) {
    struct buf bb = BUF_INIT;
    if (buf_read_file(&bb, "/bin/busybox")) {
      printf("Bail out! cannot read /bin/busybox\n");
      exit(1);
    }
    tar_add(a, "busybox", bb.data, bb.len, 0755);
    buf_release(&bb);
  }
  archive_write_close(a);
  archive_write_free(a);
}

static size_t tar_read(void *ctx, char *p, size_t n)
{
  struct tarbuf *t = ctx;
  size_t k = t->b.len - t->pos < n ? t->b.len - t->pos : n;
  memcpy(p, t->b.data + t->pos, k);
  t->pos += k;
  return k;
}

/* --- streams --- */

struct logs {
  struct buf out, err;
};

static int on_output(void *ctx, enum stream_kind kind, const char *d, size_t n)
{
  struct logs *l = ctx;
  buf_add(kind == STREAM_STDERR ? &l->err : &l->out, d, n);
  return 0;
}

struct logs_run {
  struct sync s;
  struct logs l;
};

static void on_logs_done(void *ctx, struct engine_result *res)
{
  struct logs_run *r = ctx;
  on_sync(&r->s, res);
}

static int on_logs_output(void *ctx, enum stream_kind kind, const char *d,
                          size_t n)
{
  struct logs_run *r = ctx;
  return on_output(&r->l, kind, d, n);
}

struct build_run {
  struct sync s;
  int messages;
};

static void on_build_done(void *ctx, struct engine_result *res)
{
  on_sync(&((struct build_run *)ctx)->s, res);
}

static int on_progress(void *ctx, const struct stream_progress *p)
{
  ((struct build_run *)ctx)->messages++;
  return 0;
}

struct events_run {
  struct sync s;
  int start, die;
  struct engine_call *call;
};

static void on_events_done(void *ctx, struct engine_result *res)
{
  on_sync(&((struct events_run *)ctx)->s, res);
}

static int on_event(void *ctx, const cJSON *obj)
{
  struct events_run *r = ctx;
  struct stream_event ev;
  if (stream_event_parse(obj, &ev, NULL))
    return 0;
  if (!strcmp(ev.type, "container") && !strcmp(ev.action, "start"))
    r->start++;
  if (!strcmp(ev.type, "container") && !strcmp(ev.action, "die")) {
    r->die++;
    engine_call_cancel(r->call); /* seen what we wanted */
  }
  return 0;
}

static void on_events_limit(uv_timer_t *t)
{
  struct events_run *r = t->data;
  if (r->call)
    engine_call_cancel(r->call);
}

/* The same through engine_events_typed. */
struct typed_events_run {
  struct sync s;
  int start, die, die_code, not_container;
  char die_name[128];
  struct engine_call *call;
};

static void on_typed_events_done(void *ctx, struct engine_result *res)
{
  on_sync(&((struct typed_events_run *)ctx)->s, res);
}

static int on_typed_event(void *ctx, const struct engine_event *ev)
{
  struct typed_events_run *r = ctx;
  if (strcmp(ev->type, "container"))
    r->not_container++;
  if (!strcmp(ev->action, "start"))
    r->start++;
  if (!strcmp(ev->action, "die")) {
    r->die++;
    r->die_code = ev->exit_code;
    const char *n = engine_kv_get(ev->attrs, ev->nattrs, "name");
    snprintf(r->die_name, sizeof(r->die_name), "%s", n ? n : "");
    engine_call_cancel(r->call);
  }
  return 0;
}

static void on_typed_events_limit(uv_timer_t *t)
{
  struct typed_events_run *r = t->data;
  if (r->call)
    engine_call_cancel(r->call);
}

/* typed: labels and the build arg GREETING=hello as kv arrays, else the
 * label as cJSON. */
static int build_image(const char *tag, const char *dockerfile, int busybox,
                       int typed, struct build_run *r, struct err *err)
{
  struct tarbuf t;
  tar_make(&t, dockerfile, busybox);
  const char *tags[] = {tag, NULL};
  cJSON *labels = cJSON_CreateObject();
  cJSON_AddStringToObject(labels, "wcompose.test", name);
  struct engine_kv kv_labels[] = {{"wcompose.test", name},
                                  {"wcompose.typed", "yes"}};
  struct engine_kv kv_args[] = {{"GREETING", "hello"}, {"UNSET", NULL}};
  struct engine_build_opts o = {0};
  o.tags = tags;
  o.labels = labels;
  if (typed) {
    o.label_list = kv_labels;
    o.nlabels = 2;
    o.args = kv_args;
    o.nargs = 2;
  }
  memset(r, 0, sizeof(*r));
  int rc = engine_image_build(E, &o, tar_read, &t, on_progress, on_build_done,
                              r, NULL, err);
  cJSON_Delete(labels);
  rc = sync_wait(&r->s, rc, err);
  buf_release(&t.b);
  return rc;
}

/* --- cleanup: everything named or labelled for this run --- */

static void cleanup(void)
{
  struct err err = ERR_INIT;
  struct sync s = {0};
  char n[128];
  snprintf(n, sizeof(n), "%s-c", name);
  CALL(&s, &err, engine_container_remove, n,
       ENGINE_RM_FORCE | ENGINE_RM_VOLUMES);
  snprintf(n, sizeof(n), "%s-x", name);
  CALL(&s, &err, engine_container_remove, n, ENGINE_RM_FORCE);
  CALL(&s, &err, engine_network_remove, name);
  CALL(&s, &err, engine_volume_remove, name, 1);
  /* A failed build leaves its intermediate container behind, labelled
   * like its base image. */
  cJSON *f = NULL;
  snprintf(n, sizeof(n), "wcompose.test=%s", name);
  engine_filter_add(&f, "label", n);
  CALL(&s, &err, engine_container_list, f, 1);
  cJSON *c;
  cJSON_ArrayForEach(c, s.json)
  {
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "Id");
    struct sync t = {0};
    if (cJSON_IsString(id))
      CALL(&t, &err, engine_container_remove, id->valuestring, ENGINE_RM_FORCE);
    sync_reset(&t);
  }
  cJSON_Delete(f);
  CALL(&s, &err, engine_image_remove, image, 1);
  sync_reset(&s);
  err_release(&err);
}

static int leftovers(void)
{
  struct err err = ERR_INIT;
  struct sync s = {0};
  int n = 0;
  struct engine_filters f = ENGINE_FILTERS_INIT;
  char label[128];
  snprintf(label, sizeof(label), "wcompose.test=%s", name);
  engine_filters_add(&f, "label", label);
  if (!CALL(&s, &err, engine_container_list_typed, &f, 1))
    n += (int)s.containers->n;
  if (!CALL(&s, &err, engine_image_list_typed, &f, 1))
    n += (int)s.images->n;
  if (!CALL(&s, &err, engine_network_list_typed, &f))
    n += (int)s.networks->n;
  if (!CALL(&s, &err, engine_volume_list_typed, &f))
    n += (int)s.volumes->n;
  engine_filters_release(&f);
  sync_reset(&s);
  err_release(&err);
  return n;
}

static cJSON *labels_json(void)
{
  cJSON *l = cJSON_CreateObject();
  cJSON_AddStringToObject(l, "wcompose.test", name);
  return l;
}

static void scenario(void)
{
  struct err err = ERR_INIT;
  struct sync s = {0};

  is_int(CALL0(&s, &err, engine_version), 0, "version");
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(s.json, "Version");
  ok(cJSON_IsString(v), "engine version %s, API %s",
     cJSON_IsString(v) ? v->valuestring : "?", engine_api_version(E));
  ok(s.version && cJSON_IsString(v) &&
         !strcmp(s.version->version, v->valuestring) &&
         *s.version->api_version && *s.version->os,
     "typed version %s, API %s, %s/%s", s.version ? s.version->version : "?",
     s.version ? s.version->api_version : "?", s.version ? s.version->os : "?",
     s.version ? s.version->arch : "?");

  /* Build the busybox image through our own build call. */
  struct build_run b;
  int rc = build_image(image,
                       "FROM scratch\nCOPY busybox /bin/busybox\n"
                       "RUN [\"/bin/busybox\", \"--install\", \"-s\", "
                       "\"/bin\"]\nARG GREETING=unset\n"
                       "LABEL greeting=$GREETING\nCMD [\"sh\"]\n",
                       1, 1, &b, &err);
  is_int(rc, 0, "build busybox image %s", b.s.msg);
  ok(!strncmp(b.s.text, "sha256:", 7), "build gave the image id %s", b.s.text);
  ok(b.messages > 3, "build progress: %d messages", b.messages);
  char built[96];
  snprintf(built, sizeof(built), "%.95s", b.s.text);
  sync_reset(&b.s);
  if (rc)
    return;
  is_int(CALL(&s, &err, engine_image_inspect, image), 0, "image inspect");
  ok(s.image && !strcmp(s.image->id, built), "typed image id %s",
     s.image ? s.image->id : "?");
  ok(s.image && s.image->nrepo_tags == 1 &&
         !strcmp(s.image->repo_tags[0], image) && s.image->size > 0 &&
         s.image->created > 0,
     "typed image tags, size, created");
  const char *lab =
      s.image ? engine_kv_get(s.image->labels, s.image->nlabels, "greeting")
              : NULL;
  is_str(lab, "hello", "kv build arg reached the build");
  lab = s.image
            ? engine_kv_get(s.image->labels, s.image->nlabels, "wcompose.typed")
            : NULL;
  is_str(lab, "yes", "kv labels sent instead of the cJSON ones");
  struct engine_filters tf = ENGINE_FILTERS_INIT;
  char tlabel[128];
  snprintf(tlabel, sizeof(tlabel), "wcompose.test=%s", name);
  engine_filters_add(&tf, "label", tlabel);
  is_int(CALL(&s, &err, engine_image_list_typed, &tf, 0), 0,
         "image list, typed filters");
  ok(s.images && s.images->n == 1 && !strcmp(s.images->v[0].id, built),
     "typed image list: the built image");

  /* Events about our container, from before it exists. */
  struct events_run ev;
  memset(&ev, 0, sizeof(ev));
  cJSON *f = NULL;
  char label[128];
  snprintf(label, sizeof(label), "wcompose.test=%s", name);
  engine_filter_add(&f, "label", label);
  engine_filter_add(&f, "type", "container");
  is_int(engine_events(E, f, NULL, NULL, on_event, on_events_done, &ev,
                       &ev.call, &err),
         0, "events stream opened");
  cJSON_Delete(f);
  struct typed_events_run tev;
  memset(&tev, 0, sizeof(tev));
  struct engine_filters evf = ENGINE_FILTERS_INIT;
  engine_filters_add(&evf, "label", tlabel);
  engine_filters_add(&evf, "type", "container");
  is_int(engine_events_typed(E, &evf, NULL, NULL, on_typed_event,
                             on_typed_events_done, &tev, &tev.call, &err),
         0, "typed events stream opened");
  engine_filters_release(&evf);

  /* create, start, wait, logs, inspect, list */
  char cname[128];
  snprintf(cname, sizeof(cname), "%s-c", name);
  cJSON *body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Image", image);
  const char *cmd[] = {"sh", "-c",
                       "echo hello-out; echo hello-err >&2; exit 3"};
  cJSON_AddItemToObject(body, "Cmd", cJSON_CreateStringArray(cmd, 3));
  cJSON_AddItemToObject(body, "Labels", labels_json());
  is_int(CALL(&s, &err, engine_container_create, cname, body), 0, "create %s",
         s.msg);
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(s.json, "Id");
  char cid[80] = "";
  if (cJSON_IsString(id))
    snprintf(cid, sizeof(cid), "%s", id->valuestring);
  ok(strlen(cid) == 64, "container id");
  is_str(s.id, cid, "typed create: res->id");
  ok(s.created && !strcmp(s.created->id, cid) && s.created->nwarnings == 0,
     "typed create: created, no warnings");

  body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Image", image);
  is_int(CALL(&s, &err, engine_container_create, cname, body), ERR_CONFLICT,
         "same name again: ERR_CONFLICT");
  ok(strstr(s.msg, "creating container '") && strstr(s.msg, "(engine: 409)"),
     "conflict message: %s", s.msg);

  /* The events stream runs alongside; loop until start finishes. */
  is_int(CALL(&s, &err, engine_container_start, cname), 0, "start");
  is_int(CALL(&s, &err, engine_container_wait, cname, "not-running"), 0,
         "wait");
  const cJSON *code = cJSON_GetObjectItemCaseSensitive(s.json, "StatusCode");
  is_int(cJSON_IsNumber(code) ? code->valueint : -1, 3, "exit status 3");
  is_int(s.wait ? s.wait->status_code : -2, 3, "typed wait: status code 3");
  is_str(s.wait ? s.wait->error : NULL, "", "typed wait: no error");
  uv_timer_t limit;
  uv_timer_init(&loop, &limit);
  limit.data = &ev;
  uv_timer_start(&limit, on_events_limit, 20000, 0);
  while (!ev.s.calls)
    uv_run(&loop, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&limit, NULL);
  ok(ev.s.calls == 1 && ev.s.rc == ERR_CANCELED && ev.start == 1 && ev.die == 1,
     "events: start and die seen, stream canceled (%d %d %d)", ev.s.calls,
     ev.start, ev.die);
  sync_reset(&ev.s);
  uv_timer_t tlimit;
  uv_timer_init(&loop, &tlimit);
  tlimit.data = &tev;
  uv_timer_start(&tlimit, on_typed_events_limit, 20000, 0);
  while (!tev.s.calls)
    uv_run(&loop, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&tlimit, NULL);
  ok(tev.s.calls == 1 && tev.s.rc == ERR_CANCELED && tev.start == 1 &&
         tev.die == 1 && !tev.not_container,
     "typed events: start and die of containers (%d %d %d %d)", tev.s.calls,
     tev.start, tev.die, tev.not_container);
  is_int(tev.die_code, 3, "typed event: the die's exit code as an int");
  is_str(tev.die_name, cname, "typed event: the name attribute");
  sync_reset(&tev.s);

  struct logs_run lr;
  memset(&lr, 0, sizeof(lr));
  struct engine_logs_opts lo = {0};
  rc = engine_container_logs(E, cname, &lo, on_logs_output, on_logs_done, &lr,
                             NULL, &err);
  is_int(sync_wait(&lr.s, rc, &err), 0, "logs");
  is_str(lr.l.out.data, "hello-out\n", "stdout frames");
  is_str(lr.l.err.data, "hello-err\n", "stderr frames");
  buf_release(&lr.l.out);
  buf_release(&lr.l.err);
  sync_reset(&lr.s);

  is_int(CALL(&s, &err, engine_container_inspect, cid), 0, "inspect");
  const cJSON *st = cJSON_GetObjectItemCaseSensitive(s.json, "State");
  code = cJSON_GetObjectItemCaseSensitive(st, "ExitCode");
  is_int(cJSON_IsNumber(code) ? code->valueint : -1, 3, "inspect exit code");
  const struct engine_container_info *ci = s.container;
  ok(ci && !strcmp(ci->id, cid) && !strcmp(ci->name, cname) &&
         !strcmp(ci->image, built),
     "typed inspect: id, name, image id");
  ok(ci && !strcmp(ci->state.status, "exited") && !ci->state.running &&
         ci->state.exit_code == 3 && !*ci->state.health,
     "typed inspect: exited (3), no health");
  ok(ci && ci->config.ncmd == 3 && !strcmp(ci->config.cmd[0], "sh") &&
         !ci->config.tty &&
         !strcmp(engine_kv_get(ci->config.labels, ci->config.nlabels,
                               "wcompose.test"),
                 name),
     "typed inspect: config cmd, tty, labels");
  long long t0 = 0, t1 = 0;
  ok(ci && !engine_time_parse(ci->state.started_at, &t0, NULL) &&
         !engine_time_parse(ci->state.finished_at, &t1, NULL) && t1 >= t0 &&
         t0 > 0,
     "typed inspect: started and finished times");

  f = NULL;
  engine_filter_add(&f, "label", label);
  is_int(CALL(&s, &err, engine_container_list, f, 1), 0, "list by label");
  is_int(cJSON_GetArraySize(s.json), 1, "one container listed");
  ok(s.containers && s.containers->n == 1 &&
         !strcmp(s.containers->v[0].id, cid),
     "typed list from cJSON filters");
  cJSON_Delete(f);
  is_int(CALL(&s, &err, engine_container_list_typed, &tf, 1), 0,
         "list by label, typed filters");
  ok(s.containers && s.containers->n == 1, "typed list: one container");
  if (s.containers && s.containers->n == 1) {
    const struct engine_container_summary *cs = &s.containers->v[0];
    ok(!strcmp(cs->id, cid) && !strcmp(cs->name, cname) &&
           !strcmp(cs->image, image) && !strcmp(cs->image_id, built) &&
           !strcmp(cs->state, "exited") && cs->created > 0,
       "typed summary: id, name, image, state %s", cs->state);
    is_str(engine_kv_get(cs->labels, cs->nlabels, "wcompose.test"), name,
           "typed summary: label");
  }

  /* Copy a file in (watch sync's call) on the stopped container. */
  struct tarbuf t;
  tar_make(&t, "synced\n", 0);
  is_int(CALL(&s, &err, engine_container_archive_put, cname, "/", tar_read, &t),
         0, "archive put %s", s.msg);
  buf_release(&t.b);

  is_int(CALL(&s, &err, engine_container_remove, cname,
              ENGINE_RM_FORCE | ENGINE_RM_VOLUMES),
         0, "remove");
  is_int(CALL(&s, &err, engine_container_inspect, cname), ERR_NOTFOUND,
         "gone: ERR_NOTFOUND");

  /* exec and top on a running container */
  char xname[128];
  snprintf(xname, sizeof(xname), "%s-x", name);
  body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Image", image);
  const char *sleep_cmd[] = {"sleep", "60"};
  cJSON_AddItemToObject(body, "Cmd", cJSON_CreateStringArray(sleep_cmd, 2));
  cJSON_AddItemToObject(body, "Labels", labels_json());
  is_int(CALL(&s, &err, engine_container_create, xname, body), 0,
         "create a sleeper");
  is_int(CALL(&s, &err, engine_container_start, xname), 0, "start it");
  is_int(CALL(&s, &err, engine_container_top, xname, NULL), 0, "top");
  ok(s.top && s.top->ntitles > 1 && s.top->nrows == 1 &&
         s.top->rows[0].n == s.top->ntitles &&
         !strcmp(s.top->titles[s.top->ntitles - 1], "CMD") &&
         strstr(s.top->rows[0].v[s.top->ntitles - 1], "sleep 60"),
     "typed top: one process, sleep 60");
  const char *xcmd[] = {"sh", "-c", "test \"$X\" = y && exit 5", NULL};
  const char *xenv[] = {"X=y", NULL};
  struct engine_exec_config xc = {.cmd = xcmd,
                                  .env = xenv,
                                  .working_dir = "/",
                                  .attach_stdout = 1,
                                  .attach_stderr = 1};
  is_int(CALL(&s, &err, engine_exec_create_typed, xname, &xc), 0,
         "typed exec create %s", s.msg);
  char xid[80];
  snprintf(xid, sizeof(xid), "%s", s.id);
  ok(strlen(xid) == 64, "exec id");
  memset(&lr, 0, sizeof(lr));
  rc = engine_exec_start(E, xid, 0, 0, on_logs_output, on_logs_done, &lr, NULL,
                         &err);
  is_int(sync_wait(&lr.s, rc, &err), 0, "exec ran");
  buf_release(&lr.l.out);
  buf_release(&lr.l.err);
  sync_reset(&lr.s);
  is_int(CALL(&s, &err, engine_exec_inspect, xid), 0, "exec inspect");
  ok(s.exec && !s.exec->running && s.exec->exit_code == 5 &&
         !strcmp(s.exec->id, xid) && strlen(s.exec->container_id) == 64,
     "typed exec: done, exit code 5 (env reached it)");
  is_int(CALL(&s, &err, engine_container_remove, xname, ENGINE_RM_FORCE), 0,
         "remove the sleeper");

  /* Networks and volumes. */
  body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Name", name);
  cJSON_AddItemToObject(body, "Labels", labels_json());
  is_int(CALL(&s, &err, engine_network_create, body), 0, "network create");
  is_int(CALL(&s, &err, engine_network_inspect, name), 0, "network inspect");
  is_int(CALL(&s, &err, engine_network_remove, name), 0, "network remove");
  body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Name", name);
  cJSON_AddItemToObject(body, "Labels", labels_json());
  is_int(CALL(&s, &err, engine_volume_create, body), 0, "volume create");
  is_int(CALL(&s, &err, engine_volume_inspect, name), 0, "volume inspect");
  is_int(CALL(&s, &err, engine_volume_remove, name, 0), 0, "volume remove");

  /* The same from typed configs. */
  struct engine_kv nlabels[] = {{"wcompose.test", name}, {"role", "typed"}};
  struct engine_kv nopts[] = {{"com.docker.network.driver.mtu", "1400"}};
  struct engine_network_config nc = {.name = name,
                                     .driver = "bridge",
                                     .options = nopts,
                                     .noptions = 1,
                                     .labels = nlabels,
                                     .nlabels = 2,
                                     .check_duplicate = 1,
                                     .internal = 1,
                                     .attachable = 1};
  is_int(CALL(&s, &err, engine_network_create_typed, &nc), 0,
         "typed network create %s", s.msg);
  char nid[80];
  snprintf(nid, sizeof(nid), "%s", s.id);
  ok(strlen(nid) == 64 && s.created && !s.created->nwarnings,
     "network create: id, no warning");
  is_int(CALL(&s, &err, engine_network_inspect, name), 0,
         "typed network inspect");
  const struct engine_network_info *ni = s.network;
  ok(ni && !strcmp(ni->id, nid) && !strcmp(ni->name, name) &&
         !strcmp(ni->driver, "bridge") && !strcmp(ni->scope, "local") &&
         ni->internal && ni->attachable && !ni->enable_ipv6 &&
         ni->created > 0 && !ni->ncontainers,
     "typed network: id, name, driver, scope, flags");
  ok(ni && !strcmp(engine_kv_get(ni->labels, ni->nlabels, "role"), "typed") &&
         !strcmp(engine_kv_get(ni->options, ni->noptions,
                               "com.docker.network.driver.mtu"),
                 "1400"),
     "typed network: labels and options sent and read");
  is_int(CALL(&s, &err, engine_network_list_typed, &tf), 0,
         "network list, typed filters");
  ok(s.networks && s.networks->n == 1 && !strcmp(s.networks->v[0].id, nid),
     "typed network list: ours");
  is_int(CALL(&s, &err, engine_network_remove, name), 0, "network remove");

  struct engine_kv vopts[] = {{"type", "tmpfs"}, {"device", "tmpfs"}};
  struct engine_volume_config vc = {.name = name,
                                    .driver = "local",
                                    .driver_opts = vopts,
                                    .ndriver_opts = 2,
                                    .labels = nlabels,
                                    .nlabels = 2};
  is_int(CALL(&s, &err, engine_volume_create_typed, &vc), 0,
         "typed volume create %s", s.msg);
  ok(s.volume && !strcmp(s.volume->name, name) &&
         !strcmp(s.volume->driver, "local"),
     "volume create answers the typed volume");
  is_int(CALL(&s, &err, engine_volume_inspect, name), 0,
         "typed volume inspect");
  const struct engine_volume_info *vi = s.volume;
  ok(vi && !strcmp(vi->name, name) && *vi->mountpoint &&
         !strcmp(vi->scope, "local") && vi->created > 0 &&
         !strcmp(engine_kv_get(vi->options, vi->noptions, "type"), "tmpfs") &&
         !strcmp(engine_kv_get(vi->labels, vi->nlabels, "role"), "typed"),
     "typed volume: name, mountpoint, scope, options, labels");
  is_int(CALL(&s, &err, engine_volume_list_typed, &tf), 0,
         "volume list, typed filters");
  ok(s.volumes && s.volumes->n == 1 && !strcmp(s.volumes->v[0].name, name),
     "typed volume list: ours");
  is_int(CALL(&s, &err, engine_volume_remove, name, 0), 0,
         "typed volume remove");
  engine_filters_release(&tf);

  /* A build that fails mid-stream under HTTP 200. */
  char bad[200];
  snprintf(bad, sizeof(bad), "FROM %s\nRUN echo about to fail && false\n",
           image);
  char badtag[128];
  snprintf(badtag, sizeof(badtag), "%s-bad:latest", name);
  rc = build_image(badtag, bad, 0, 0, &b, &err);
  is_int(rc, ERR_BUILD, "failing build: ERR_BUILD");
  ok(strstr(b.s.msg, "returned a non-zero code: 1") != NULL,
     "failing build message: %s", b.s.msg);
  sync_reset(&b.s);

  sync_reset(&s);
  err_release(&err);
}

int main(void)
{
  uv_loop_init(&loop);
  snprintf(name, sizeof(name), "wcapi%ld%d", (long)time(NULL) % 100000,
           (int)getpid());
  snprintf(image, sizeof(image), "%s:latest", name);
  struct err err = ERR_INIT;
  if (engine_new(&loop, NULL, &E, &err)) {
    printf("1..0 # SKIP %s", err.text ? err.text : "no engine\n");
    return 77;
  }
  struct sync s = {0};
  int rc = CALL0(&s, &err, engine_ping);
  if (rc == ERR_CONNECT) {
    printf("1..0 # SKIP %s\n", s.msg);
    engine_free(E);
    uv_run(&loop, UV_RUN_DEFAULT);
    return 77;
  }
  is_int(rc, 0, "ping");
  is_str(s.text, "OK", "ping says OK");
  ok(engine_api_version(E) != NULL, "negotiated API %s", engine_api_version(E));
  sync_reset(&s);

  scenario();
  cleanup();
  is_int(leftovers(), 0, "nothing labelled %s left", name);

  engine_free(E);
  uv_run(&loop, UV_RUN_DEFAULT);
  is_int(uv_loop_close(&loop), 0, "loop closed clean");
  err_release(&err);
  return tap_done();
}
