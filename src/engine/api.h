/* The Docker Engine API, typed and asynchronous on a libuv loop. The API
 * version is negotiated once (GET /_ping's Api-Version, capped at
 * ENGINE_API_MAX, refused below ENGINE_API_MIN; DOCKER_API_VERSION pins it
 * without asking); calls made before that wait for it.
 *
 * The contract of every call (libuv's): it returns 0 and its completion
 * callback runs exactly once, later, from the loop; or it returns a negative
 * ERR_* code, fills err, and never calls back. Stream calls (logs, attach,
 * exec start, build, pull, push, events) call their data callback zero or
 * more times before the completion callback, with the same ctx.
 *
 * Answers are typed (engine/types.h): each call that gets a JSON answer
 * fills one typed member of struct engine_result, named in its comment
 * below; a call whose comment names none answers with rc and err only
 * (start, stop, kill, remove ...). An answer of the wrong shape (see
 * types.h: not the object or array due, or without its "Id") fails the call
 * with ERR_PROTO, as one that is not JSON does. The raw cJSON in res->json is
 * being phased out: it is still filled while callers move to the typed members,
 * and will go, with the calls that take cJSON (their _typed twins take typed
 * filters and configs instead).
 *
 * Ownership: strings passed in are copied. A cJSON body passed in (create,
 * connect ...) is taken by the call, on success and on error alike. Filters,
 * configs, build args and labels passed in (typed or cJSON) are borrowed:
 * serialized during the call, free to release once it returns. The typed
 * members and the cJSON a completion callback sees in res belong to the
 * engine and are freed when the callback returns, unless the callback takes
 * one (copies the pointer, sets the member to NULL, and frees it later with
 * its _free, or cJSON_Delete for res->json). Strings in res (text, id) are
 * valid during the callback only. */
#ifndef WCOMPOSE_ENGINE_API_H
#define WCOMPOSE_ENGINE_API_H

#include <cjson/cJSON.h>
#include <uv.h>

#include "engine/http.h"
#include "engine/stream.h"
#include "engine/types.h"

struct dockerhost;
struct engine;
struct engine_call;

#define ENGINE_API_MIN "1.41"
#define ENGINE_API_MAX "1.45"
/* Seconds an answer that is not a stream may take (a stop or restart
 * given t adds it; one left to the container's own grace, a wait and an
 * upload have no limit); WCOMPOSE_ENGINE_TIMEOUT sets it. The first call,
 * the version ping, waits at most 60 s. */
#define ENGINE_TIMEOUT_DEFAULT 300

/* What a call's completion callback gets. On success (rc 0) the call fills
 * the typed member its comment names (at most one besides id); on an error
 * all are NULL. The callback may take a typed member (see above). */
struct engine_result {
  int rc;                  /* 0 or a negative ERR_* code */
  long status;             /* HTTP status; 0 when no answer came */
  cJSON *json;             /* phased out: the parsed body where the engine
                              returns JSON, else NULL; the callback may take
                              it (see above) */
  const char *text;        /* the raw body (ping: "OK"), the built image id
                              (build), or NULL */
  struct err *err;         /* when rc < 0: "<what wcompose did>: <why>",
                              e.g. "creating container 'a-web-1': Conflict.
                              The container name ... is already in use
                              (engine: 409)"; ERR_CONNECT messages stand
                              alone ("cannot connect to the Docker engine
                              at ...: is the daemon running?") */
  const char *api_version; /* the version in use ("1.41"), or NULL */

  /* typed answers (engine/types.h) */
  const char *id; /* container, exec and network create: the new object's
                     id (created->id) */
  struct engine_created *created;           /* container, exec, network
                                               create */
  struct engine_container_list *containers; /* container list */
  struct engine_container_info *container;  /* container inspect */
  struct engine_image_info *image;          /* image inspect */
  struct engine_image_list *images;         /* image list */
  struct engine_network_info *network;      /* network inspect */
  struct engine_network_list *networks;     /* network list */
  struct engine_volume_info *volume;        /* volume create, inspect */
  struct engine_volume_list *volumes;       /* volume list */
  struct engine_top *top;                   /* container top */
  struct engine_exec_info *exec;            /* exec inspect */
  struct engine_stats *stats;               /* container stats */
  struct engine_wait *wait;                 /* container wait */
  struct engine_version_info *version;      /* version */
  struct engine_swarm_info *swarm;          /* swarm inspect */
  struct engine_node_list *nodes;           /* node list */
  struct engine_service_list *services;     /* service list, inspect (one) */
  struct engine_task_list *tasks;           /* task list */
  struct engine_swarm_object_list *objects; /* config list, secret list */
  struct engine_distribution *distribution; /* distribution inspect */
};

typedef void (*engine_cb)(void *ctx, struct engine_result *res);

/* Data callbacks return 0 to go on, or a negative ERR_* code to end the
 * call, whose completion then reports that code. They may call
 * engine_call_cancel but not free the engine. */
typedef int (*engine_output_cb)(void *ctx, enum stream_kind kind,
                                const char *data, size_t n);
typedef int (*engine_progress_cb)(void *ctx, const struct stream_progress *p);
typedef int (*engine_event_cb)(void *ctx, const cJSON *event);
/* One event of engine_events_typed; ev is valid during the call only. */
typedef int (*engine_event_typed_cb)(void *ctx, const struct engine_event *ev);

/* --- the client --- */

/* A client for host (copied; NULL: from the environment, see dockerhost.h)
 * on loop. Nothing is sent yet. */
int engine_new(uv_loop_t *loop, const struct dockerhost *host,
               struct engine **out, struct err *err);
/* Cancel every call (each completes with ERR_CANCELED) and close; run the
 * loop once more to release the handles. */
void engine_free(struct engine *e);
/* The address ("unix:///var/run/docker.sock") and the negotiated API
 * version (NULL until known). */
const char *engine_host(const struct engine *e);
const char *engine_api_version(const struct engine *e);

/* End a stream call early (follow logs, events, build): its completion
 * runs with ERR_CANCELED unless it already ended. `call` is the handle the
 * call filled; it is invalid once the completion callback has returned, so
 * clear your copy there. */
void engine_call_cancel(struct engine_call *call);
/* A stream call's answer has begun (headers of a successful answer in, no
 * data yet: /events is open): cb(ctx) once. Set it right after starting
 * the call. cb runs inside the HTTP layer's callback: it must not start,
 * cancel or free calls itself (defer to the loop). */
typedef void (*engine_open_cb)(void *ctx);
void engine_call_on_open(struct engine_call *call, engine_open_cb cb,
                         void *ctx);

/* --- filters: {"label": ["a=b"], "name": ["x"]} as the engine wants --- */

/* Add key=value to *filters (created on first use; the caller deletes).
 * Phased out: use struct engine_filters. */
void engine_filter_add(cJSON **filters, const char *key, const char *value);

/* Typed filters for the _typed calls: pairs in the order added, several
 * values for a key allowed ("label" a=b and "label" c). The struct owns
 * copies of the strings; _release frees them and leaves it empty. */
struct engine_filters {
  struct engine_kv *v;
  size_t n, alloc;
};
#define ENGINE_FILTERS_INIT                                                    \
  {                                                                            \
    NULL, 0, 0                                                                 \
  }
void engine_filters_add(struct engine_filters *f, const char *key,
                        const char *value);
void engine_filters_release(struct engine_filters *f);

/* --- system --- */

/* GET /_ping (negotiates when not yet done); res->text "OK". */
int engine_ping(struct engine *e, engine_cb cb, void *ctx, struct err *err);
/* GET /version: res->version. */
int engine_version(struct engine *e, engine_cb cb, void *ctx, struct err *err);
/* GET /info: res->json only (no caller reads it typed yet). */
int engine_info(struct engine *e, engine_cb cb, void *ctx, struct err *err);

/* --- containers --- */

/* POST /containers/create?name=: body (taken) is the create config (Image,
 * Cmd, Labels, HostConfig, NetworkingConfig ...); orchestrate/create.c
 * composes it. res->id and res->created (id, warnings). name may be NULL. */
int engine_container_create(struct engine *e, const char *name, cJSON *body,
                            engine_cb cb, void *ctx, struct err *err);
/* start; stop and restart with t seconds before SIGKILL (t < 0: the
 * container's own default); kill with signal (NULL: SIGKILL). "Already
 * started/stopped" (304) counts as success. */
int engine_container_start(struct engine *e, const char *id, engine_cb cb,
                           void *ctx, struct err *err);
int engine_container_stop(struct engine *e, const char *id, int t, engine_cb cb,
                          void *ctx, struct err *err);
int engine_container_restart(struct engine *e, const char *id, int t,
                             engine_cb cb, void *ctx, struct err *err);
int engine_container_kill(struct engine *e, const char *id, const char *signal,
                          engine_cb cb, void *ctx, struct err *err);
int engine_container_pause(struct engine *e, const char *id, engine_cb cb,
                           void *ctx, struct err *err);
int engine_container_unpause(struct engine *e, const char *id, engine_cb cb,
                             void *ctx, struct err *err);

enum engine_rm_flags {
  ENGINE_RM_FORCE = 1 << 0,  /* kill a running container first */
  ENGINE_RM_VOLUMES = 1 << 1 /* remove its anonymous volumes */
};
int engine_container_remove(struct engine *e, const char *id, unsigned flags,
                            engine_cb cb, void *ctx, struct err *err);
/* POST /containers/{id}/rename?name=: 204 on success; ERR_NOTFOUND when
 * id is gone, ERR_CONFLICT when name is in use. */
int engine_container_rename(struct engine *e, const char *id, const char *name,
                            engine_cb cb, void *ctx, struct err *err);
/* GET /containers/{id}/json: res->container. ERR_NOTFOUND if none. */
int engine_container_inspect(struct engine *e, const char *id, engine_cb cb,
                             void *ctx, struct err *err);
/* GET /containers/json: res->containers; all includes stopped ones; filters
 * (borrowed, may be NULL). */
int engine_container_list(struct engine *e, const cJSON *filters, int all,
                          engine_cb cb, void *ctx, struct err *err);
int engine_container_list_typed(struct engine *e,
                                const struct engine_filters *filters, int all,
                                engine_cb cb, void *ctx, struct err *err);
/* POST /containers/{id}/wait?condition= ("not-running", "next-exit",
 * "removed"; NULL: not-running). res->wait (status code, error). */
int engine_container_wait(struct engine *e, const char *id,
                          const char *condition, engine_cb cb, void *ctx,
                          struct err *err);
/* The same, with its handle in *handle for engine_call_cancel (cleared
 * when the call ends). */
int engine_container_wait_call(struct engine *e, const char *id,
                               const char *condition, engine_cb cb, void *ctx,
                               struct engine_call **handle, struct err *err);
/* GET /containers/{id}/top?ps_args=: res->top (titles, rows). */
int engine_container_top(struct engine *e, const char *id, const char *ps_args,
                         engine_cb cb, void *ctx, struct err *err);

struct engine_logs_opts {
  int tty;    /* the container has a TTY: raw text, not frames */
  int follow; /* go on until the container stops (or cancel) */
  int timestamps;
  int stdout_off;    /* leave stdout out */
  int stderr_off;    /* leave stderr out */
  const char *tail;  /* "all" or a number; NULL: all */
  const char *since; /* a timestamp or relative ("10m"); NULL: none */
  const char *until;
};
/* GET /containers/{id}/logs: each piece of output goes to out (whole frames
 * when not a TTY; raw chunks tagged STREAM_STDOUT when a TTY). Errors mid
 * stream: ERR_PROTO (malformed frame), ERR_LIMIT (frame over
 * STREAM_FRAME_MAX). call may be NULL. */
int engine_container_logs(struct engine *e, const char *id,
                          const struct engine_logs_opts *o,
                          engine_output_cb out, engine_cb cb, void *ctx,
                          struct engine_call **call, struct err *err);
/* POST /containers/{id}/attach?stream=1&stdout=1&stderr=1 (logs=1 too when
 * logs): output only, as for logs. */
int engine_container_attach(struct engine *e, const char *id, int tty, int logs,
                            engine_output_cb out, engine_cb cb, void *ctx,
                            struct engine_call **call, struct err *err);
/* POST /containers/{id}/resize?h=&w=: the TTY's size, in characters. */
int engine_container_resize(struct engine *e, const char *id, int h, int w,
                            engine_cb cb, void *ctx, struct err *err);
/* A hijacked attach with stdin: see engine/hijack.h. */
/* GET /containers/{id}/stats?stream=0: res->stats, one sample (the
 * engine takes about a second, for the CPU share). */
int engine_container_stats(struct engine *e, const char *id, engine_cb cb,
                           void *ctx, struct err *err);
/* GET /containers/{id}/archive?path=: the tar of path (its root entry
 * named as path's last component) streamed raw to out (STREAM_STDOUT) as
 * it comes; ERR_NOTFOUND when path does not exist. call may be NULL. */
int engine_container_archive_get(struct engine *e, const char *id,
                                 const char *path, engine_output_cb out,
                                 engine_cb cb, void *ctx,
                                 struct engine_call **call, struct err *err);
/* PUT /containers/{id}/archive?path=: extract the tar read from read into
 * the directory path of the container (watch sync). */
int engine_container_archive_put(struct engine *e, const char *id,
                                 const char *path, http_read_cb read,
                                 void *read_ctx, engine_cb cb, void *ctx,
                                 struct err *err);
/* The same, with owners 1: the entries' uid and gid are kept
 * (copyUIDGID, docker cp -a), else the container's root owns them. */
int engine_container_archive_put_owners(struct engine *e, const char *id,
                                        const char *path, int owners,
                                        http_read_cb read, void *read_ctx,
                                        engine_cb cb, void *ctx,
                                        struct err *err);
/* POST /containers/{id}/exec: body (taken) {"Cmd", "AttachStdout", "Tty",
 * "Env", "User", "WorkingDir" ...}; res->id and res->created. */
int engine_exec_create(struct engine *e, const char *id, cJSON *body,
                       engine_cb cb, void *ctx, struct err *err);
/* The same from a typed config (borrowed). Every flag is sent as set (Cmd,
 * AttachStdin/Stdout/Stderr, Tty, Privileged); Env, User, WorkingDir and
 * DetachKeys only when set. */
struct engine_exec_config {
  const char *const *cmd; /* NULL-terminated argv */
  const char *const *env; /* NULL-terminated "KEY=value", or NULL (a
                             caller that lets a bare KEY take its own
                             environment's value resolves it first) */
  const char *user;       /* NULL: the container's */
  const char *working_dir;
  const char *detach_keys; /* "ctrl-p,ctrl-q"; NULL: the engine's */
  int privileged;
  int tty;
  int attach_stdin;
  int attach_stdout;
  int attach_stderr;
};
int engine_exec_create_typed(struct engine *e, const char *id,
                             const struct engine_exec_config *c, engine_cb cb,
                             void *ctx, struct err *err);
/* POST /exec/{id}/start: detach returns at once; else the output streams
 * to out as for logs. */
int engine_exec_start(struct engine *e, const char *exec_id, int tty,
                      int detach, engine_output_cb out, engine_cb cb, void *ctx,
                      struct engine_call **call, struct err *err);
/* POST /exec/{id}/resize?h=&w=: the exec's TTY size, in characters
 * (ERR_CONFLICT or ERR_ENGINE until its process runs). */
int engine_exec_resize(struct engine *e, const char *exec_id, int h, int w,
                       engine_cb cb, void *ctx, struct err *err);
/* GET /exec/{id}/json: res->exec (running, exit code, pid). */
int engine_exec_inspect(struct engine *e, const char *exec_id, engine_cb cb,
                        void *ctx, struct err *err);

/* --- images --- */

struct engine_build_opts {
  const char *const *tags;      /* NULL-terminated "name:tag" list, or NULL */
  const char *dockerfile;       /* path inside the context; NULL: Dockerfile */
  const cJSON *buildargs;       /* {"NAME": "value"}, borrowed, or NULL; phased
                                   out: use args */
  const cJSON *labels;          /* {"key": "value"}, borrowed, or NULL; phased
                                   out: use label_list */
  const struct engine_kv *args; /* build args, nargs of them, borrowed (a
                                   NULL value is left out); when set they
                                   are sent instead of buildargs */
  size_t nargs;
  const struct engine_kv *label_list; /* image labels, nlabels of them,
                                         borrowed; when set they are sent
                                         instead of labels */
  size_t nlabels;
  const char *target;
  const char *networkmode;
  const char *const *extrahosts; /* NULL-terminated "host:ip", or NULL */
  const char *platform;
  long long shmsize; /* bytes; 0: the engine's default */
  int nocache;
  int pull;
  int quiet;
};
/* POST /build with the context tar read from read (streamed, chunked).
 * Each progress message goes to progress; an error message in the stream
 * ends the call with ERR_BUILD and the engine's text ("The command '/bin/sh
 * -c false' returned a non-zero code: 1"). res->text is the image id from
 * aux.ID when the engine sent one. */
int engine_image_build(struct engine *e, const struct engine_build_opts *o,
                       http_read_cb read, void *read_ctx,
                       engine_progress_cb progress, engine_cb cb, void *ctx,
                       struct engine_call **call, struct err *err);
/* GET /images/{name}/json: res->image. ERR_NOTFOUND if none. */
int engine_image_inspect(struct engine *e, const char *name, engine_cb cb,
                         void *ctx, struct err *err);
/* GET /images/json (filters borrowed, may be NULL): res->images. */
int engine_image_list(struct engine *e, const cJSON *filters, int all,
                      engine_cb cb, void *ctx, struct err *err);
int engine_image_list_typed(struct engine *e,
                            const struct engine_filters *filters, int all,
                            engine_cb cb, void *ctx, struct err *err);
/* DELETE /images/{name}: res->json only, an array of {"Untagged"} /
 * {"Deleted"} (nothing reads it). */
int engine_image_remove(struct engine *e, const char *name, int force,
                        engine_cb cb, void *ctx, struct err *err);
/* POST /images/{name}/tag?repo=&tag= */
int engine_image_tag(struct engine *e, const char *name, const char *repo,
                     const char *tag, engine_cb cb, void *ctx, struct err *err);
/* POST /images/create?fromImage=&tag= and POST /images/{name}/push?tag=,
 * progress as for build (failures: ERR_ENGINE). auth is the base64
 * X-Registry-Auth value or NULL; platform may be NULL. */
int engine_image_pull(struct engine *e, const char *image, const char *tag,
                      const char *platform, const char *auth,
                      engine_progress_cb progress, engine_cb cb, void *ctx,
                      struct engine_call **call, struct err *err);
int engine_image_push(struct engine *e, const char *name, const char *tag,
                      const char *auth, engine_progress_cb progress,
                      engine_cb cb, void *ctx, struct engine_call **call,
                      struct err *err);

/* --- networks --- */

/* POST /networks/create: body (taken) {"Name", "Driver", "Labels",
 * "Internal", "IPAM", ...}; res->id and res->created (a non-empty
 * "Warning" as its one warning). */
int engine_network_create(struct engine *e, cJSON *body, engine_cb cb,
                          void *ctx, struct err *err);

/* One IPAM pool of a network; NULL fields are left out. */
struct engine_ipam_pool {
  const char *subnet;                    /* "172.28.0.0/16" */
  const char *gateway;                   /* "172.28.0.1" */
  const char *ip_range;                  /* "172.28.5.0/24" */
  const struct engine_kv *aux_addresses; /* name -> address */
  size_t naux_addresses;
};
/* A network to create, borrowed. Name and CheckDuplicate (check_duplicate)
 * are always sent; Driver when set (NULL: the engine's default, bridge);
 * Labels always (an empty object when none); Options when there are some;
 * Internal, Attachable and EnableIPv6 when true; IPAM when ipam_driver is
 * set or there are pools. */
struct engine_network_config {
  const char *name;
  const char *driver;
  const struct engine_kv *options; /* driver options */
  size_t noptions;
  const struct engine_kv *labels;
  size_t nlabels;
  int check_duplicate;
  int internal;
  int attachable;
  int enable_ipv6;
  const char *ipam_driver;
  const struct engine_ipam_pool *pools;
  size_t npools;
};
int engine_network_create_typed(struct engine *e,
                                const struct engine_network_config *c,
                                engine_cb cb, void *ctx, struct err *err);
/* GET /networks/{id}: res->network. ERR_NOTFOUND if none. */
int engine_network_inspect(struct engine *e, const char *id, engine_cb cb,
                           void *ctx, struct err *err);
/* GET /networks (filters borrowed, may be NULL): res->networks. */
int engine_network_list(struct engine *e, const cJSON *filters, engine_cb cb,
                        void *ctx, struct err *err);
int engine_network_list_typed(struct engine *e,
                              const struct engine_filters *filters,
                              engine_cb cb, void *ctx, struct err *err);
int engine_network_remove(struct engine *e, const char *id, engine_cb cb,
                          void *ctx, struct err *err);
/* POST /networks/{id}/connect: body (taken) {"Container",
 * "EndpointConfig"}. */
int engine_network_connect(struct engine *e, const char *id, cJSON *body,
                           engine_cb cb, void *ctx, struct err *err);
int engine_network_disconnect(struct engine *e, const char *id,
                              const char *container, int force, engine_cb cb,
                              void *ctx, struct err *err);

/* --- volumes --- */

/* POST /volumes/create: body (taken) {"Name", "Driver", "DriverOpts",
 * "Labels"}; res->volume. */
int engine_volume_create(struct engine *e, cJSON *body, engine_cb cb, void *ctx,
                         struct err *err);
/* A volume to create, borrowed: Name and Labels (an empty object when none)
 * always; Driver when set (NULL: "local"); DriverOpts when there are some. */
struct engine_volume_config {
  const char *name;
  const char *driver;
  const struct engine_kv *driver_opts;
  size_t ndriver_opts;
  const struct engine_kv *labels;
  size_t nlabels;
};
int engine_volume_create_typed(struct engine *e,
                               const struct engine_volume_config *c,
                               engine_cb cb, void *ctx, struct err *err);
/* GET /volumes/{name}: res->volume. ERR_NOTFOUND if none. */
int engine_volume_inspect(struct engine *e, const char *name, engine_cb cb,
                          void *ctx, struct err *err);
/* GET /volumes: res->volumes (the volumes and the warnings). */
int engine_volume_list(struct engine *e, const cJSON *filters, engine_cb cb,
                       void *ctx, struct err *err);
int engine_volume_list_typed(struct engine *e,
                             const struct engine_filters *filters, engine_cb cb,
                             void *ctx, struct err *err);
int engine_volume_remove(struct engine *e, const char *name, int force,
                         engine_cb cb, void *ctx, struct err *err);

/* --- events --- */

/* GET /events?filters=&since=&until=: each event object goes to ev (see
 * stream_event_parse). Without until it runs until canceled. since/until
 * may be NULL. */
int engine_events(struct engine *e, const cJSON *filters, const char *since,
                  const char *until, engine_event_cb ev, engine_cb cb,
                  void *ctx, struct engine_call **call, struct err *err);
/* The same with typed filters (may be NULL), each event handed to ev as a
 * struct engine_event. A JSON object that is no event (neither Type nor
 * Action) is skipped; a line that is not JSON ends the call with
 * ERR_PROTO, as for engine_events. */
int engine_events_typed(struct engine *e, const struct engine_filters *filters,
                        const char *since, const char *until,
                        engine_event_typed_cb ev, engine_cb cb, void *ctx,
                        struct engine_call **call, struct err *err);

/* --- swarm (a manager's API) --- */

/* GET /swarm: res->swarm. ERR_ENGINE "This node is not a swarm manager"
 * (503) when it is none. */
int engine_swarm_inspect(struct engine *e, engine_cb cb, void *ctx,
                         struct err *err);
/* GET /nodes: res->nodes. */
int engine_node_list(struct engine *e, const struct engine_filters *filters,
                     engine_cb cb, void *ctx, struct err *err);
/* GET /services?status=1 (filters may be NULL): res->services. */
int engine_service_list(struct engine *e, const struct engine_filters *filters,
                        engine_cb cb, void *ctx, struct err *err);
/* GET /services/{id}: res->services with the one service. */
int engine_service_inspect(struct engine *e, const char *id, engine_cb cb,
                           void *ctx, struct err *err);
/* POST /services/create: spec (taken) is a ServiceSpec; auth the
 * X-Registry-Auth value for the nodes' pulls, or NULL. res->id and
 * res->created (the warnings). */
int engine_service_create(struct engine *e, cJSON *spec, const char *auth,
                          engine_cb cb, void *ctx, struct err *err);
/* POST /services/{id}/update?version=: spec (taken) replaces the service's
 * spec; version is the one read with it (a stale one fails, ERR_ENGINE). */
int engine_service_update(struct engine *e, const char *id, long long version,
                          cJSON *spec, const char *auth, engine_cb cb,
                          void *ctx, struct err *err);
int engine_service_remove(struct engine *e, const char *id, engine_cb cb,
                          void *ctx, struct err *err);
/* GET /tasks: res->tasks. */
int engine_task_list(struct engine *e, const struct engine_filters *filters,
                     engine_cb cb, void *ctx, struct err *err);
/* POST /configs/create, /secrets/create: name, labels (nlabels, borrowed)
 * and n bytes of data. res->id. */
int engine_config_create(struct engine *e, const char *name,
                         const struct engine_kv *labels, size_t nlabels,
                         const void *data, size_t n, engine_cb cb, void *ctx,
                         struct err *err);
int engine_secret_create(struct engine *e, const char *name,
                         const struct engine_kv *labels, size_t nlabels,
                         const void *data, size_t n, engine_cb cb, void *ctx,
                         struct err *err);
/* GET /configs, /secrets: res->objects. */
int engine_config_list(struct engine *e, const struct engine_filters *filters,
                       engine_cb cb, void *ctx, struct err *err);
int engine_secret_list(struct engine *e, const struct engine_filters *filters,
                       engine_cb cb, void *ctx, struct err *err);
int engine_config_remove(struct engine *e, const char *id, engine_cb cb,
                         void *ctx, struct err *err);
int engine_secret_remove(struct engine *e, const char *id, engine_cb cb,
                         void *ctx, struct err *err);
/* GET /distribution/{name}/json (the registry asked through the engine):
 * res->distribution. */
int engine_distribution_inspect(struct engine *e, const char *name,
                                const char *auth, engine_cb cb, void *ctx,
                                struct err *err);

/* --- helpers --- */

/* Compare "1.41"-style versions: <0, 0, >0. */
int engine_version_cmp(const char *a, const char *b);

#endif
