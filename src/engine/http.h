/* HTTP to the engine: libcurl's multi interface driven by a libuv loop (one
 * uv_poll_t per socket curl opens, one uv_timer_t for curl's timeouts).
 * Requests are asynchronous; a response is either buffered (capped) or
 * streamed to a data callback; long streams can be canceled.
 *
 * Ownership: the client owns its curl and uv handles and every request it
 * was given; a request belongs to the caller from http_req_new until
 * http_req_send (or http_req_free), then to the client until its completion
 * callback has returned. */
#ifndef WCOMPOSE_ENGINE_HTTP_H
#define WCOMPOSE_ENGINE_HTTP_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <uv.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/strvec.h"

struct dockerhost;
struct http_client;
struct http_conn;
struct http_req;

/* Caps: a buffered body, and the body of an error answer. */
#define HTTP_BODY_MAX ((size_t)64 << 20)
#define HTTP_ERROR_BODY_MAX ((size_t)64 << 10)

/* The outcome of a request, valid during the completion callback. */
struct http_resp {
  long status;           /* HTTP status, 0 when no answer arrived */
  struct strvec headers; /* "Name: value" lines of the final answer */
  struct buf body;       /* the buffered body; with a data callback, the
                            body of an error answer (status >= 400) only */
  struct err err;        /* filled when rc < 0 */
};

/* Completion: rc is 0, or a negative ERR_* code with resp->err telling why:
 *  ERR_CONNECT  no engine at the address ("cannot connect to the Docker
 *               engine at unix:///var/run/docker.sock: is the daemon
 *               running?"), or the socket is not permitted;
 *  ERR_NOTFOUND, ERR_CONFLICT, ERR_ENGINE  the engine answered >= 400: its
 *               {"message": ...} verbatim, then " (engine: STATUS)";
 *  ERR_IO       the connection broke mid-answer;
 *  ERR_LIMIT    a buffered body over its cap;
 *  ERR_CANCELED http_req_cancel or http_client_free;
 *  or the code a data callback returned.
 * The callback may take resp->body (buf_detach) and may start new requests;
 * the request is freed when it returns. */
typedef void (*http_done_cb)(void *ctx, int rc, struct http_resp *resp);

/* Streamed body: called for each piece of a successful (< 400) answer.
 * Return 0, or a negative ERR_* code (message in err) to end the request
 * with that code. Must not free the request; may call http_req_cancel. */
typedef int (*http_data_cb)(void *ctx, const char *data, size_t n,
                            struct err *err);

/* Streamed request body (a tar producer): fill buf with up to n bytes and
 * return how many; 0 at the end; HTTP_READ_ERROR to abort the request (it
 * ends with ERR_IO; the producer keeps its own account of why). */
#define HTTP_READ_ERROR ((size_t)-1)
typedef size_t (*http_read_cb)(void *ctx, char *buf, size_t n);

/* A client for one engine on one loop. Errors: ERR_ENGINE when curl cannot
 * be set up. host is copied. */
int http_client_new(uv_loop_t *loop, const struct dockerhost *host,
                    struct http_client **out, struct err *err);

/* Cancel every request (each completes with ERR_CANCELED, synchronously),
 * then close the handles; the memory goes from the last close callback, so
 * the loop must run once more (uv_run) to free it all. */
void http_client_free(struct http_client *c);

/* The address, for messages ("unix:///var/run/docker.sock"). */
const char *http_client_host(const struct http_client *c);
/* The whole address with its TLS settings (the client's copy). */
const struct dockerhost *http_client_dockerhost(const struct http_client *c);

/* A request; path starts with '/' and is used as given (the caller adds the
 * API version prefix, see http_req_prefix). Never NULL. */
struct http_req *http_req_new(struct http_client *c, const char *method,
                              const char *path);
/* A path prefix, set before sending ("/v1.41"). */
void http_req_prefix(struct http_req *r, const char *prefix);
/* Add key=value to the query, both escaped here. */
void http_req_query(struct http_req *r, const char *key, const char *value);
/* Add a header line "Name: value". */
void http_req_header(struct http_req *r, const char *name, const char *value);
/* Bodies (one at most): JSON (serialized now; json stays the caller's),
 * bytes (copied), or a stream read while sending (chunked). */
void http_req_body_json(struct http_req *r, const cJSON *json);
void http_req_body(struct http_req *r, const char *type, const void *data,
                   size_t n);
void http_req_body_stream(struct http_req *r, const char *type,
                          http_read_cb read, void *read_ctx);
/* Stream the answer to cb instead of buffering it. */
void http_req_on_data(struct http_req *r, http_data_cb cb, void *ctx);
/* The answer has begun: called once when the headers of a successful
 * (< 400) final answer are in, before any of its body (a stream that sends
 * nothing until something happens, /events, is open then). Runs inside
 * curl's callback: it must not send, cancel or free requests (defer that
 * to the loop, a timer say). */
typedef void (*http_open_cb)(void *ctx);
void http_req_on_open(struct http_req *r, http_open_cb cb, void *ctx);
/* Cap of the buffered body (default HTTP_BODY_MAX). */
void http_req_cap(struct http_req *r, size_t cap);
/* Seconds before the whole request is given up (ERR_TIMEOUT); 0, the
 * default, waits forever (streams). */
void http_req_timeout(struct http_req *r, long seconds);

/* Send: the request now belongs to the client. Returns 0 and cb runs
 * exactly once, later, from the loop; or returns an error (ERR_STATE when
 * the client is closing), frees r and never calls cb. */
int http_req_send(struct http_req *r, http_done_cb cb, void *ctx,
                  struct err *err);

/* Free a request that was never sent. */
void http_req_free(struct http_req *r);

/* End a sent request early (a followed log, events). Its callback runs
 * with ERR_CANCELED from the loop soon after, unless it already completed
 * otherwise; safe to call from the request's own data callback. Must not
 * be called after the completion callback has returned. */
void http_req_cancel(struct http_req *r);

/* A connection alone, for a protocol of its own over it (the hijacked
 * attach): libcurl connects (CURLOPT_CONNECT_ONLY: unix socket, TCP, TLS
 * as for every request) on the client's multi, so connecting blocks
 * nothing; then the owner speaks over it with curl_easy_send/recv on
 * http_conn_easy, watching http_conn_socket on the loop itself (curl no
 * longer does). The connection stays in the multi until http_conn_free;
 * while a connection is held, http_client_free leaves the multi (and the
 * connection) up, and tears down when the last one is freed.
 *
 * cb runs once: rc 0 when connected; else ERR_CONNECT with the message of
 * http_connect_error (or "cannot connect to the Docker engine at ...: why"),
 * or ERR_CANCELED from http_client_free. It may free the connection. */
typedef void (*http_conn_cb)(void *ctx, int rc, const struct err *err);
/* Start connecting. 0, or ERR_STATE when the client is closing (cb never
 * runs, nothing to free). */
int http_conn_open(struct http_client *c, http_conn_cb cb, void *ctx,
                   struct http_conn **out, struct err *err);
/* After cb ran with 0: the easy handle (a CURL *, for curl_easy_send and
 * curl_easy_recv) and its socket (this header stays free of curl's). */
void *http_conn_easy(const struct http_conn *k);
int http_conn_socket(const struct http_conn *k);
/* Let go, at any time (from cb too): no callback runs after this; the
 * connection is closed and freed from the loop. Stop watching the socket
 * first. NULL: nothing. */
void http_conn_free(struct http_conn *k);

/* A failed connection to the engine at h as a message that says what to
 * change (no daemon, socket permissions, a certificate from another CA,
 * a missing client certificate, TLS against a plain port): code is curl's
 * CURLcode, why its error text, oserr its errno, answered non-zero when an
 * HTTP status arrived. Returns ERR_CONNECT with err filled, or 0 when the
 * code is not about connecting. */
int http_connect_error(const struct dockerhost *h, int code, const char *why,
                       long oserr, int answered, struct err *err);

/* The value of header name (case-insensitive) in resp, or NULL. */
const char *http_resp_header(const struct http_resp *resp, const char *name);

#endif
