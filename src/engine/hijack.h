/* A hijacked attach: POST /containers/{id}/attach with "Upgrade: tcp"; the
 * engine answers 101 and the connection becomes a raw two-way stream: the
 * container's stdin one way, its output the other (multiplexed frames
 * without a TTY, raw bytes with one). The connection is libcurl's
 * (CURLOPT_CONNECT_ONLY on the engine client's multi, http_conn_open, so
 * unix sockets and TLS work as for every other call); the connecting, the
 * request, the answer and the stream run on the engine's uv loop.
 *
 * Ownership: engine_attach_open gives the caller a struct engine_attach;
 * it is the caller's to free (engine_attach_free) after its done callback,
 * or at any time to hang up. Bytes written are copied into a capped
 * buffer. */
#ifndef WCOMPOSE_ENGINE_HIJACK_H
#define WCOMPOSE_ENGINE_HIJACK_H

#include <stddef.h>

#include "engine/api.h"

struct engine_attach;

/* Bytes of stdin buffered before engine_attach_write refuses more. */
#define HIJACK_PENDING_MAX ((size_t)256 << 10)
/* Cap of a response head, and of an error body read after it. */
#define HIJACK_HEAD_MAX ((size_t)16 << 10)

/* The head of the engine's answer, parsed (pure; for the tests too). */
struct hijack_head {
  long status;           /* 101 (or 200 from engines that ignore Upgrade) */
  size_t len;            /* bytes of the head, the blank line included */
  long long content_len; /* Content-Length, -1 when absent */
};
/* Parse the head at the start of data: 0 and h filled when it is whole,
 * 1 when more bytes are needed, ERR_PROTO (message in err) when it is not
 * an HTTP/1.x answer, ERR_LIMIT when no head ends within HIJACK_HEAD_MAX. */
int hijack_head_parse(const char *data, size_t n, struct hijack_head *h,
                      struct err *err);

/* Called once when the output ends: rc 0 when the engine closed the stream
 * (the container's output is over), else a negative ERR_* code with err.
 * The attach may be freed from here. */
typedef void (*engine_attach_done_cb)(void *ctx, int rc, const struct err *err);
/* Called once when the engine has answered 101 (the stream is up: a
 * container attached to may be started now, nothing it prints is lost).
 * Not called when the handshake fails (done gets the error). Must not
 * free the attach. */
typedef void (*engine_attach_ready_cb)(void *ctx);
/* Called when the stdin buffer has drained empty after it was full
 * (resume reading). */
typedef void (*engine_attach_drain_cb)(void *ctx);

/* Attach to container id with stdin, stdout and stderr. Returns at once:
 * the connection (on the engine client's curl multi, bounded by 30 s), the
 * request and the engine's answer all go over the loop, so a slow engine
 * holds up nothing else: ready runs when the 101 is in (start the
 * container then: nothing it prints is lost), out gets each frame (or raw
 * chunk with tty), done runs once at the end, or instead of ready when
 * connecting or the handshake fails: ERR_CONNECT (the message of
 * http_connect_error: no daemon, TLS refused...), ERR_NOTFOUND,
 * ERR_CONFLICT, ERR_ENGINE (the engine's message), ERR_PROTO, ERR_TIMEOUT
 * (no answer in 30 s), ERR_IO, ERR_CANCELED (the engine was freed while
 * connecting). Errors returned (none calls back): ERR_STATE (the engine is
 * being freed). stdin written before ready is held and sent after it. */
int engine_attach_open(struct engine *e, const char *id, int tty,
                       engine_output_cb out, engine_attach_ready_cb ready,
                       engine_attach_done_cb done, engine_attach_drain_cb drain,
                       void *ctx, struct engine_attach **a, struct err *err);
/* The same with stdin or without (with_stdin 0: the container's stdin is
 * not touched; write nothing), and the engine's detach keys
 * ("ctrl-p,ctrl-q"; NULL: its default): typed in stdin, they end the
 * stream and leave the container running. */
int engine_attach_open_keys(struct engine *e, const char *id, int tty,
                            int with_stdin, const char *detach_keys,
                            engine_output_cb out, engine_attach_ready_cb ready,
                            engine_attach_done_cb done,
                            engine_attach_drain_cb drain, void *ctx,
                            struct engine_attach **a, struct err *err);
/* POST /exec/{id}/start hijacked the same way: the exec (created with
 * AttachStdin) starts, its stdin is what engine_attach_write sends and its
 * output comes to out until the process ends. Errors as above, with
 * "starting exec" in the message. */
int engine_exec_attach_open(struct engine *e, const char *exec_id, int tty,
                            engine_output_cb out, engine_attach_ready_cb ready,
                            engine_attach_done_cb done,
                            engine_attach_drain_cb drain, void *ctx,
                            struct engine_attach **a, struct err *err);
/* Queue stdin bytes. Returns the bytes now pending, or ERR_LIMIT (nothing
 * taken) when that would pass HIJACK_PENDING_MAX, or ERR_STATE after
 * engine_attach_close_stdin or the end. Stop reading when it is at or
 * over HIJACK_PENDING_MAX / 2 and resume from the drain callback. */
long engine_attach_write(struct engine_attach *a, const char *data, size_t n);
/* stdin is over: once what is pending is sent, shut the write side of the
 * connection down (the engine then closes the container's stdin). */
void engine_attach_close_stdin(struct engine_attach *a);
/* Hang up (if not done) and free; no callback runs after this. Run the
 * loop once more to release the poll handle. NULL: nothing. */
void engine_attach_free(struct engine_attach *a);

#endif
