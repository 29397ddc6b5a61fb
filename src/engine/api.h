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
 * Ownership: strings passed in are copied. A cJSON body passed in (create,
 * connect ...) is taken by the call, on success and on error alike. Filters,
 * build args and labels passed as cJSON are borrowed (serialized during the
 * call). The cJSON a completion callback sees in res->json belongs to the
 * engine and is deleted when the callback returns, unless the callback takes
 * it (sets res->json to NULL and deletes it later itself). */
#ifndef WCOMPOSE_ENGINE_API_H
#define WCOMPOSE_ENGINE_API_H

#include <cjson/cJSON.h>
#include <uv.h>

#include "engine/http.h"
#include "engine/stream.h"

struct dockerhost;
struct engine;
struct engine_call;

#define ENGINE_API_MIN "1.41"
#define ENGINE_API_MAX "1.45"

/* What a call's completion callback gets. */
struct engine_result {
  int rc;                  /* 0 or a negative ERR_* code */
  long status;             /* HTTP status; 0 when no answer came */
  cJSON *json;             /* parsed body where the engine returns JSON, else
                              NULL; the callback may take it (see above) */
  const char *text;        /* the raw body (ping: "OK"), or NULL */
  struct err *err;         /* when rc < 0: "<what wcompose did>: <why>",
                              e.g. "creating container 'a-web-1': Conflict.
                              The container name ... is already in use
                              (engine: 409)"; ERR_CONNECT messages stand
                              alone ("cannot connect to the Docker engine
                              at ...: is the daemon running?") */
  const char *api_version; /* the version in use ("1.41"), or NULL */
};

typedef void (*engine_cb)(void *ctx, struct engine_result *res);

/* Data callbacks return 0 to go on, or a negative ERR_* code to end the
 * call, whose completion then reports that code. They may call
 * engine_call_cancel but not free the engine. */
typedef int (*engine_output_cb)(void *ctx, enum stream_kind kind,
                                const char *data, size_t n);
typedef int (*engine_progress_cb)(void *ctx, const struct stream_progress *p);
typedef int (*engine_event_cb)(void *ctx, const cJSON *event);

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

/* --- filters: {"label": ["a=b"], "name": ["x"]} as the engine wants --- */

/* Add key=value to *filters (created on first use; the caller deletes). */
void engine_filter_add(cJSON **filters, const char *key, const char *value);

/* --- system --- */

/* GET /_ping (negotiates when not yet done); res->text "OK". */
int engine_ping(struct engine *e, engine_cb cb, void *ctx, struct err *err);
/* GET /version, /info: the objects as the engine sends them. */
int engine_version(struct engine *e, engine_cb cb, void *ctx, struct err *err);
int engine_info(struct engine *e, engine_cb cb, void *ctx, struct err *err);

/* --- containers --- */

/* POST /containers/create?name=: body (taken) is the create config (Image,
 * Cmd, Labels, HostConfig, NetworkingConfig ...). res->json {"Id",
 * "Warnings"}. name may be NULL. */
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
/* GET /containers/{id}/json: the inspect object. ERR_NOTFOUND if none. */
int engine_container_inspect(struct engine *e, const char *id, engine_cb cb,
                             void *ctx, struct err *err);
/* GET /containers/json: an array; all includes stopped ones; filters
 * (borrowed, may be NULL). */
int engine_container_list(struct engine *e, const cJSON *filters, int all,
                          engine_cb cb, void *ctx, struct err *err);
/* POST /containers/{id}/wait?condition= ("not-running", "next-exit",
 * "removed"; NULL: not-running). res->json {"StatusCode", "Error"}. */
int engine_container_wait(struct engine *e, const char *id,
                          const char *condition, engine_cb cb, void *ctx,
                          struct err *err);
/* GET /containers/{id}/top?ps_args=: {"Titles", "Processes"}. */
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
/* PUT /containers/{id}/archive?path=: extract the tar read from read into
 * the directory path of the container (watch sync). */
int engine_container_archive_put(struct engine *e, const char *id,
                                 const char *path, http_read_cb read,
                                 void *read_ctx, engine_cb cb, void *ctx,
                                 struct err *err);
/* POST /containers/{id}/exec: body (taken) {"Cmd", "AttachStdout", "Tty",
 * "Env", "User", "WorkingDir" ...}; res->json {"Id"}. */
int engine_exec_create(struct engine *e, const char *id, cJSON *body,
                       engine_cb cb, void *ctx, struct err *err);
/* POST /exec/{id}/start: detach returns at once; else the output streams
 * to out as for logs. */
int engine_exec_start(struct engine *e, const char *exec_id, int tty,
                      int detach, engine_output_cb out, engine_cb cb, void *ctx,
                      struct engine_call **call, struct err *err);
/* GET /exec/{id}/json: {"Running", "ExitCode", ...}. */
int engine_exec_inspect(struct engine *e, const char *exec_id, engine_cb cb,
                        void *ctx, struct err *err);

/* --- images --- */

struct engine_build_opts {
  const char *const *tags; /* NULL-terminated "name:tag" list, or NULL */
  const char *dockerfile;  /* path inside the context; NULL: Dockerfile */
  const cJSON *buildargs;  /* {"NAME": "value"}, borrowed, or NULL */
  const cJSON *labels;     /* {"key": "value"}, borrowed, or NULL */
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
/* GET /images/{name}/json. ERR_NOTFOUND if none. */
int engine_image_inspect(struct engine *e, const char *name, engine_cb cb,
                         void *ctx, struct err *err);
/* GET /images/json (filters borrowed, may be NULL). */
int engine_image_list(struct engine *e, const cJSON *filters, int all,
                      engine_cb cb, void *ctx, struct err *err);
/* DELETE /images/{name}: an array of {"Untagged"} / {"Deleted"}. */
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
 * "Internal", "IPAM", ...}; res->json {"Id", "Warning"}. */
int engine_network_create(struct engine *e, cJSON *body, engine_cb cb,
                          void *ctx, struct err *err);
int engine_network_inspect(struct engine *e, const char *id, engine_cb cb,
                           void *ctx, struct err *err);
int engine_network_list(struct engine *e, const cJSON *filters, engine_cb cb,
                        void *ctx, struct err *err);
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
 * "Labels"}; res->json the volume. */
int engine_volume_create(struct engine *e, cJSON *body, engine_cb cb, void *ctx,
                         struct err *err);
int engine_volume_inspect(struct engine *e, const char *name, engine_cb cb,
                          void *ctx, struct err *err);
/* GET /volumes: {"Volumes": [...], "Warnings"}. */
int engine_volume_list(struct engine *e, const cJSON *filters, engine_cb cb,
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

/* --- helpers --- */

/* Compare "1.41"-style versions: <0, 0, >0. */
int engine_version_cmp(const char *a, const char *b);

#endif
