/* Decoders for the engine's streamed responses: the 8-byte multiplexed
 * stdout/stderr frames (non-TTY logs, attach, exec), raw TTY text split into
 * lines, and JSON lines (build/pull/push progress, /events). Pure: bytes in,
 * callbacks out, no I/O. Each decoder owns its internal buffers
 * (`_release` frees them); data handed to callbacks is valid during the call
 * only. Every buffer has a cap, so a hostile stream cannot grow memory. */
#ifndef WCOMPOSE_ENGINE_STREAM_H
#define WCOMPOSE_ENGINE_STREAM_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/buf.h"

struct err;

/* The stream a frame belongs to (the first byte of a frame header). */
enum stream_kind { STREAM_STDIN = 0, STREAM_STDOUT = 1, STREAM_STDERR = 2 };

/* Default caps: one multiplexed frame, one line (TTY text or JSON). */
#define STREAM_FRAME_MAX ((size_t)1 << 20)
#define STREAM_LINE_MAX ((size_t)1 << 20)

/* Callbacks return 0 to go on, or a negative ERR_* code that stops the
 * decoder: the feed call then returns that code (the callback fills any
 * message it wants a person to read). */
typedef int (*stream_frame_cb)(void *ctx, enum stream_kind kind,
                               const char *data, size_t n);
typedef int (*stream_line_cb)(void *ctx, const char *line, size_t n);
typedef int (*stream_json_cb)(void *ctx, const cJSON *obj);

/* --- Multiplexed frames: [kind, 0, 0, 0, size (4 bytes, big endian)] then
 * size bytes of payload. A frame is delivered whole, once all its bytes
 * arrived, however the input was chunked. */
struct stream_mux {
  size_t max_frame;
  stream_frame_cb cb;
  void *ctx;
  unsigned char hdr[8];
  size_t hlen; /* header bytes seen of the current frame */
  enum stream_kind kind;
  size_t want;      /* payload bytes the current frame still needs */
  struct buf frame; /* payload gathered across chunks */
  int failed;       /* the first error, returned again after */
};

/* max_frame 0 means STREAM_FRAME_MAX. */
void stream_mux_init(struct stream_mux *m, size_t max_frame, stream_frame_cb cb,
                     void *ctx);
/* Errors: ERR_PROTO for a malformed header (unknown kind, non-zero padding),
 * ERR_LIMIT for a frame over the cap (reported from its header, before any
 * payload is buffered), or the callback's code. After an error the decoder
 * refuses further input with the same error. */
int stream_mux_feed(struct stream_mux *m, const char *data, size_t n,
                    struct err *err);
/* End of input: ERR_PROTO when it cuts a frame short. */
int stream_mux_end(struct stream_mux *m, struct err *err);
void stream_mux_release(struct stream_mux *m);

/* --- Lines: complete lines go to the callback without their "\n" (and
 * without one "\r" before it, as TTYs send). A line longer than max_line is
 * an ERR_LIMIT error when strict, else delivered in max_line pieces (raw TTY
 * text must flow even without newlines). */
struct stream_lines {
  size_t max_line;
  int strict;
  stream_line_cb cb;
  void *ctx;
  struct buf part; /* the unfinished line */
  int failed;      /* the first error, returned again after */
};

void stream_lines_init(struct stream_lines *l, size_t max_line, int strict,
                       stream_line_cb cb, void *ctx);
int stream_lines_feed(struct stream_lines *l, const char *data, size_t n,
                      struct err *err);
/* Delivers an unfinished last line, if any. */
int stream_lines_end(struct stream_lines *l, struct err *err);
void stream_lines_release(struct stream_lines *l);

/* --- JSON lines: one JSON object per line (blank lines skipped); each is
 * parsed and handed to the callback, then deleted. ERR_PROTO for a line that
 * is not a JSON object, ERR_LIMIT for a line over the cap. */
struct stream_json {
  struct stream_lines lines;
  stream_json_cb cb;
  void *ctx;
  struct err *err; /* during a feed call */
};

void stream_json_init(struct stream_json *j, size_t max_line, stream_json_cb cb,
                      void *ctx);
int stream_json_feed(struct stream_json *j, const char *data, size_t n,
                     struct err *err);
int stream_json_end(struct stream_json *j, struct err *err);
void stream_json_release(struct stream_json *j);

/* --- Progress messages of build, pull and push (one JSON line each). The
 * strings point into obj. */
struct stream_progress {
  const char *stream;   /* build output text ("Step 1/3 : FROM scratch\n") */
  const char *status;   /* pull/push status ("Pulling fs layer") */
  const char *id;       /* layer or image the status is about */
  const char *progress; /* progress bar text */
  long long current;    /* progressDetail.current, -1 when absent */
  long long total;      /* progressDetail.total, -1 when absent */
  const char *aux_id;   /* aux.ID: the built image's id ("sha256:...") */
  const cJSON *aux;     /* aux object, or NULL */
  const cJSON *json;    /* the whole message */
};

/* Fill p from obj. A message carrying errorDetail or error (the engine
 * reports failures that way mid-stream, under HTTP 200) returns fail_code
 * with the engine's message in err; p is filled anyway. */
int stream_progress_parse(const cJSON *obj, struct stream_progress *p,
                          int fail_code, struct err *err);

/* --- /events messages. Strings point into obj; empty strings, never NULL,
 * for absent fields except attrs. */
struct stream_event {
  const char *type;   /* "container", "network", "image", "volume" ... */
  const char *action; /* "start", "die", "health_status: healthy" ... */
  const char *id;     /* Actor.ID */
  const cJSON *attrs; /* Actor.Attributes (labels, name, exitCode), or NULL */
  long long time;     /* seconds */
  long long time_nano;
};

/* Fill e from obj; ERR_PROTO when it is no event (no Type and no Action). */
int stream_event_parse(const cJSON *obj, struct stream_event *e,
                       struct err *err);
/* An attribute of the event's actor, or NULL. */
const char *stream_event_attr(const struct stream_event *e, const char *key);

#endif
