/* Stream decoders: multiplexed frames, lines, JSON lines, and the fields of
 * progress and event messages. Input may be cut at any byte. */
#include "engine/stream.h"
#include "util/err.h"

#include <string.h>

/* --- multiplexed frames --- */

void stream_mux_init(struct stream_mux *m, size_t max_frame, stream_frame_cb cb,
                     void *ctx)
{
  memset(m, 0, sizeof(*m));
  m->max_frame = max_frame ? max_frame : STREAM_FRAME_MAX;
  m->cb = cb;
  m->ctx = ctx;
}

static int mux_fail(struct stream_mux *m, int rc)
{
  m->failed = rc;
  buf_release(&m->frame);
  return rc;
}

/* The header is complete: check it and set up the payload. */
static int mux_header(struct stream_mux *m, struct err *err)
{
  const unsigned char *h = m->hdr;
  if (h[0] > STREAM_STDERR || h[1] || h[2] || h[3])
    return mux_fail(m, err_set(err, ERR_PROTO,
                               "malformed stream frame header "
                               "(%02x %02x %02x %02x %02x %02x %02x %02x)",
                               h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]));
  size_t size = (size_t)h[4] << 24 | (size_t)h[5] << 16 | (size_t)h[6] << 8 |
                (size_t)h[7];
  if (size > m->max_frame)
    return mux_fail(m, err_set(err, ERR_LIMIT,
                               "stream frame of %zu bytes is over the "
                               "limit of %zu bytes",
                               size, m->max_frame));
  m->kind = (enum stream_kind)h[0];
  m->want = size;
  buf_reset(&m->frame);
  return 0;
}

static int mux_deliver(struct stream_mux *m, const char *p, size_t n)
{
  m->hlen = 0;
  m->want = 0;
  if (!n)
    return 0;
  int rc = m->cb(m->ctx, m->kind, p, n);
  if (rc < 0)
    return mux_fail(m, rc);
  return 0;
}

int stream_mux_feed(struct stream_mux *m, const char *data, size_t n,
                    struct err *err)
{
  if (m->failed)
    return m->failed;
  while (n) {
    if (m->hlen < 8) {
      size_t k = 8 - m->hlen < n ? 8 - m->hlen : n;
      memcpy(m->hdr + m->hlen, data, k);
      m->hlen += k;
      data += k;
      n -= k;
      if (m->hlen < 8)
        break;
      int rc = mux_header(m, err);
      if (rc)
        return rc;
      if (!m->want) {
        mux_deliver(m, NULL, 0);
        continue;
      }
    }
    /* Deliver straight from the input when the whole payload is there. */
    if (!m->frame.len && n >= m->want) {
      size_t k = m->want;
      int rc = mux_deliver(m, data, k);
      if (rc)
        return rc;
      data += k;
      n -= k;
      continue;
    }
    size_t k = m->want - m->frame.len < n ? m->want - m->frame.len : n;
    buf_add(&m->frame, data, k); /* within max_frame, checked above */
    data += k;
    n -= k;
    if (m->frame.len == m->want) {
      int rc = mux_deliver(m, m->frame.data, m->frame.len);
      buf_reset(&m->frame);
      if (rc)
        return rc;
    }
  }
  return 0;
}

int stream_mux_end(struct stream_mux *m, struct err *err)
{
  if (m->failed)
    return m->failed;
  if (m->hlen)
    return mux_fail(m, err_set(err, ERR_PROTO,
                               "engine stream ended inside a frame "
                               "(%zu of %zu bytes)",
                               m->hlen < 8 ? m->hlen : 8 + m->frame.len,
                               m->hlen < 8 ? (size_t)8 : 8 + m->want));
  return 0;
}

void stream_mux_release(struct stream_mux *m)
{
  buf_release(&m->frame);
}

/* --- lines --- */

void stream_lines_init(struct stream_lines *l, size_t max_line, int strict,
                       stream_line_cb cb, void *ctx)
{
  memset(l, 0, sizeof(*l));
  l->max_line = max_line ? max_line : STREAM_LINE_MAX;
  l->strict = strict;
  l->cb = cb;
  l->ctx = ctx;
}

static int lines_emit(struct stream_lines *l, const char *p, size_t n)
{
  if (n && p[n - 1] == '\r')
    n--;
  int rc = l->cb(l->ctx, p, n);
  if (rc < 0)
    l->failed = rc;
  return rc < 0 ? rc : 0;
}

static int lines_overlong(struct stream_lines *l, struct err *err)
{
  l->failed =
      err_set(err, ERR_LIMIT,
              "engine stream line is over the limit of %zu bytes", l->max_line);
  buf_release(&l->part);
  return l->failed;
}

int stream_lines_feed(struct stream_lines *l, const char *data, size_t n,
                      struct err *err)
{
  if (l->failed)
    return l->failed;
  while (n) {
    const char *nl = memchr(data, '\n', n);
    size_t k = nl ? (size_t)(nl - data) : n;
    if (l->part.len + k > l->max_line) {
      if (l->strict)
        return lines_overlong(l, err);
      /* Fill the partial line up to the cap and let it out as a piece. */
      size_t room = l->max_line - l->part.len;
      buf_add(&l->part, data, room);
      int rc = lines_emit(l, l->part.data, l->part.len);
      buf_reset(&l->part);
      if (rc)
        return rc;
      data += room;
      n -= room;
      continue;
    }
    if (!nl) {
      buf_add(&l->part, data, k);
      break;
    }
    int rc;
    if (l->part.len) {
      buf_add(&l->part, data, k);
      rc = lines_emit(l, l->part.data, l->part.len);
      buf_reset(&l->part);
    } else {
      rc = lines_emit(l, data, k);
    }
    if (rc)
      return rc;
    data += k + 1;
    n -= k + 1;
  }
  return 0;
}

int stream_lines_end(struct stream_lines *l, struct err *err)
{
  if (l->failed)
    return l->failed;
  if (!l->part.len)
    return 0;
  int rc = lines_emit(l, l->part.data, l->part.len);
  buf_reset(&l->part);
  return rc;
}

void stream_lines_release(struct stream_lines *l)
{
  buf_release(&l->part);
}

/* --- JSON lines --- */

static int json_line(void *ctx, const char *line, size_t n)
{
  struct stream_json *j = ctx;
  size_t i = 0;
  while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
    i++;
  if (i == n)
    return 0;
  const char *end = NULL;
  cJSON *obj = cJSON_ParseWithLengthOpts(line, n, &end, 0);
  if (!obj || !cJSON_IsObject(obj)) {
    cJSON_Delete(obj);
    return err_set(j->err, ERR_PROTO,
                   "engine stream carries a line that is not a JSON "
                   "object: '%.*s%s'",
                   n > 80 ? 80 : (int)n, line, n > 80 ? "..." : "");
  }
  int rc = j->cb(j->ctx, obj);
  cJSON_Delete(obj);
  return rc;
}

void stream_json_init(struct stream_json *j, size_t max_line, stream_json_cb cb,
                      void *ctx)
{
  memset(j, 0, sizeof(*j));
  stream_lines_init(&j->lines, max_line, 1, json_line, j);
  j->cb = cb;
  j->ctx = ctx;
}

int stream_json_feed(struct stream_json *j, const char *data, size_t n,
                     struct err *err)
{
  j->err = err;
  int rc = stream_lines_feed(&j->lines, data, n, err);
  j->err = NULL;
  return rc;
}

int stream_json_end(struct stream_json *j, struct err *err)
{
  j->err = err;
  int rc = stream_lines_end(&j->lines, err);
  j->err = NULL;
  return rc;
}

void stream_json_release(struct stream_json *j)
{
  stream_lines_release(&j->lines);
}

/* --- progress and events --- */

static const char *str_of(const cJSON *obj, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long long num_of(const cJSON *obj, const char *key, long long dflt)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsNumber(v) ? (long long)v->valuedouble : dflt;
}

int stream_progress_parse(const cJSON *obj, struct stream_progress *p,
                          int fail_code, struct err *err)
{
  memset(p, 0, sizeof(*p));
  p->json = obj;
  p->stream = str_of(obj, "stream");
  p->status = str_of(obj, "status");
  p->id = str_of(obj, "id");
  p->progress = str_of(obj, "progress");
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(obj, "progressDetail");
  p->current = num_of(d, "current", -1);
  p->total = num_of(d, "total", -1);
  const cJSON *aux = cJSON_GetObjectItemCaseSensitive(obj, "aux");
  if (cJSON_IsObject(aux)) {
    p->aux = aux;
    p->aux_id = str_of(aux, "ID");
  }
  const cJSON *detail = cJSON_GetObjectItemCaseSensitive(obj, "errorDetail");
  const char *msg = str_of(detail, "message");
  if (!msg)
    msg = str_of(obj, "error");
  if (!msg && (detail || cJSON_GetObjectItemCaseSensitive(obj, "error")))
    msg = "the engine reported an error without a message";
  if (!msg)
    return 0;
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
    n--;
  return err_set(err, fail_code, "%.*s", (int)n, msg);
}

int stream_event_parse(const cJSON *obj, struct stream_event *e,
                       struct err *err)
{
  memset(e, 0, sizeof(*e));
  const char *type = str_of(obj, "Type");
  const char *action = str_of(obj, "Action");
  /* Engines before API 1.22 sent "status" and "id" only. */
  if (!action)
    action = str_of(obj, "status");
  if (!type && !action)
    return err_set(err, ERR_PROTO, "engine event has no Type and no Action");
  e->type = type ? type : "";
  e->action = action ? action : "";
  const cJSON *actor = cJSON_GetObjectItemCaseSensitive(obj, "Actor");
  const char *id = str_of(actor, "ID");
  if (!id)
    id = str_of(obj, "id");
  e->id = id ? id : "";
  const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(actor, "Attributes");
  e->attrs = cJSON_IsObject(attrs) ? attrs : NULL;
  e->time = num_of(obj, "time", 0);
  e->time_nano = num_of(obj, "timeNano", 0);
  return 0;
}

const char *stream_event_attr(const struct stream_event *e, const char *key)
{
  return e->attrs ? str_of(e->attrs, key) : NULL;
}
