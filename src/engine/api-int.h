/* Inside the engine client: the call record every endpoint builds, and the
 * helpers api-*.c share. Not for use outside src/engine/. */
#ifndef WCOMPOSE_ENGINE_API_INT_H
#define WCOMPOSE_ENGINE_API_INT_H

#include "engine/api.h"
#include "engine/types-int.h"

/* How the answer is read. */
enum call_decode {
  DEC_JSON,     /* buffered, parsed into res->json when not empty */
  DEC_TEXT,     /* buffered, given as res->text */
  DEC_MUX,      /* streamed multiplexed frames to out */
  DEC_RAW,      /* streamed raw TTY bytes to out */
  DEC_PROGRESS, /* streamed JSON lines to progress */
  DEC_EVENTS    /* streamed JSON lines to ev */
};

/* The typed member of struct engine_result a JSON answer fills. */
enum call_typed {
  TYPED_NONE,
  TYPED_CREATED, /* created and id */
  TYPED_CONTAINER_LIST,
  TYPED_CONTAINER_INFO,
  TYPED_IMAGE_INFO,
  TYPED_IMAGE_LIST,
  TYPED_NETWORK_INFO,
  TYPED_NETWORK_LIST,
  TYPED_VOLUME_INFO,
  TYPED_VOLUME_LIST,
  TYPED_TOP,
  TYPED_EXEC_INFO,
  TYPED_WAIT,
  TYPED_STATS,
  TYPED_VERSION,
  TYPED_SWARM_CREATED, /* {"ID"}: created and id */
  TYPED_SWARM_INFO,
  TYPED_NODE_LIST,
  TYPED_SERVICE_LIST,
  TYPED_SERVICE_INFO, /* one service, as a list of one */
  TYPED_TASK_LIST,
  TYPED_OBJECT_LIST,
  TYPED_DISTRIBUTION
};

struct engine_call {
  struct engine *e;
  struct http_req *req;      /* until sent */
  struct http_req *sent_req; /* while http holds it */
  char *what;                /* "creating container 'x'", for errors */
  enum call_decode dec;
  enum call_typed typed; /* DEC_JSON: what the answer becomes */
  int no_prefix;         /* /_ping: no /vX.Y */
  int negotiates;        /* sets the version from the answer */
  /* An answer that is not a stream must come within the engine's
   * timeout (WCOMPOSE_ENGINE_TIMEOUT) plus timeout_extra seconds;
   * timeout_s > 0 sets it instead, < 0 lets it wait forever (a wait, an
   * upload of unknown length). */
  long timeout_s, timeout_extra;
  int canceled;
  int fail_code; /* progress error code: ERR_BUILD or ERR_ENGINE */
  engine_cb cb;
  void *ctx;
  engine_output_cb out;
  engine_progress_cb progress;
  engine_event_cb ev;
  engine_event_typed_cb tev; /* instead of ev */
  engine_open_cb open;       /* engine_call_on_open */
  void *open_ctx;
  struct stream_mux mux;
  struct stream_json json;
  struct err *cur_err; /* during decoding */
  char *aux_id;
  struct engine_call **handle;
  struct engine_call *next_wait;
  struct err err;
};

/* The engine's HTTP client and loop (the hijacked attach opens its own
 * connection with the same settings, and polls it on the same loop). */
struct http_client *engine_http(struct engine *e);
uv_loop_t *engine_loop(struct engine *e);

/* A call with a method and a printf path (no version prefix). */
struct engine_call *call_new(struct engine *e, const char *method,
                             const char *what, const char *pathfmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Read the answer as a stream (sets up the decoder). */
void call_stream(struct engine_call *k, enum call_decode dec);
/* Query parameters; call_query skips a NULL value. */
void call_query(struct engine_call *k, const char *key, const char *value);
void call_query_int(struct engine_call *k, const char *key, long long v);
void call_query_json(struct engine_call *k, const char *key, const cJSON *v);
/* filters as {"key": ["value", ...]} (NULL or empty: none). */
void call_query_filters(struct engine_call *k, const char *key,
                        const struct engine_filters *filters);
/* The same as a new JSON object, or NULL when there are none. */
cJSON *call_filters_json(const struct engine_filters *filters);
/* Serialize body as the request body and delete it (NULL: none). */
void call_body_json(struct engine_call *k, cJSON *body);
/* n pairs as a new JSON object (a later key replaces an earlier one; NULL
 * values left out). */
cJSON *call_kv_object(const struct engine_kv *kv, size_t n);
/* The request bodies of the typed configs (new objects; see api.h for what
 * each sends). */
cJSON *call_exec_body(const struct engine_exec_config *c);
cJSON *call_network_body(const struct engine_network_config *c);
cJSON *call_volume_body(const struct engine_volume_config *c);
/* Percent-escape a path segment (caller frees). */
char *call_escape(const char *s);
/* Send now or after the version is known; the public contract (0 and one
 * callback, or an error and none). handle may be NULL. */
int call_start(struct engine_call *k, engine_cb cb, void *ctx,
               struct engine_call **handle, struct err *err);
/* Report once and free k. resp may be NULL. */
void call_finish(struct engine_call *k, int rc, struct http_resp *resp);

#endif
