/* channel: one long-lived exec per container that extracts the batches
 * written to its stdin (see channel.h for the protocol), as a state
 * machine driven by the exec create answer and the hijacked stream. */
#include "watch/channel.h"

#include "engine/hijack.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes handed to the connection per write. */
#define CHUNK ((size_t)64 << 10)
/* A line of the receiver's stdout, and what is kept of its stderr. */
#define LINE_MAX_ 256
#define STDERR_MAX 4096

#define READY_LINE "wcompose-sync-ready"

/* The receiver. `read` takes the header line byte by byte (stdin is a
 * pipe); the sender writes nothing more before "done", so `head -c`
 * reads exactly the batch. A tar that fails may leave some of the batch
 * unread: cat drains it so that the next header is read where it starts
 * (a header that is not one ends the receiver: the channel closes). */
static const char receiver[] =
    "command -v tar >/dev/null && command -v head >/dev/null && "
    "command -v cat >/dev/null || exit 97\n"
    "echo " READY_LINE "\n"
    "while read -r tag n; do\n"
    "  [ \"$tag\" = wcsync ] || exit 98\n"
    "  case \"$n\" in ''|*[!0-9]*) exit 98;; esac\n"
    "  head -c \"$n\" | { tar -xf - -C / || { r=$?; cat >/dev/null; "
    "exit $r; }; }\n"
    "  echo \"done $?\"\n"
    "done\n";

struct sync_channel {
  enum sync_channel_state state;
  uv_loop_t *loop;
  struct engine *e;
  char *id, *name;
  char *exec_id;
  struct engine_attach *att;
  uv_timer_t timer; /* the wait for "done" */
  int was_ready;    /* the receiver said ready once */
  int closing;      /* the owner let it go: free when the create answers */
  int creating;     /* the exec create call is out */
  struct buf line;  /* stdout not yet ended by a newline */
  struct buf errs;  /* stderr of the current batch (capped) */
  struct buf out;   /* the batch being sent, header first */
  size_t off;       /* bytes of out handed to the connection */
  sync_channel_sent_cb sent;
  void *sent_ctx;
};

static const char *const state_names[] = {"creating", "starting", "ready",
                                          "sending", "closed"};

const char *sync_channel_state_name(enum sync_channel_state st)
{
  return state_names[st];
}

enum sync_channel_state sync_channel_state(const struct sync_channel *ch)
{
  return ch->state;
}

static int tracing(void)
{
  static int trace = -1;
  if (trace < 0) {
    const char *t = getenv("WCOMPOSE_TRACE");
    trace = t && *t;
  }
  return trace;
}

/* WCOMPOSE_WATCH_CHANNEL=0: PUT archive always (to compare the two). */
static int enabled(void)
{
  static int on = -1;
  if (on < 0) {
    const char *v = getenv("WCOMPOSE_WATCH_CHANNEL");
    on = !v || strcmp(v, "0");
  }
  return on;
}

static void channel_set_state(struct sync_channel *ch,
                              enum sync_channel_state to)
{
  if (tracing())
    fprintf(stderr, "wcompose: watch: channel to %s: %s -> %s\n", ch->name,
            state_names[ch->state], state_names[to]);
  ch->state = to;
}

/* Tell the sender, once. */
static void tell(struct sync_channel *ch, int rc, const char *why)
{
  sync_channel_sent_cb cb = ch->sent;
  ch->sent = NULL;
  uv_timer_stop(&ch->timer);
  buf_release(&ch->out);
  ch->off = 0;
  if (cb)
    cb(ch->sent_ctx, rc, why);
}

/* The channel is unusable: tell a waiting sender. The connection is
 * hung up by its owner (channel_close) or ends by itself (the output
 * callback returns an error); it is never freed from its own callbacks
 * but the last. */
static void broken(struct sync_channel *ch, int rc, const char *why)
{
  if (ch->state == SYNC_CHANNEL_CLOSED)
    return;
  int was_sending = ch->state == SYNC_CHANNEL_SENDING;
  channel_set_state(ch, SYNC_CHANNEL_CLOSED);
  if (tracing())
    fprintf(stderr, "wcompose: watch: channel to %s: %s%s%.*s\n", ch->name, why,
            ch->errs.len ? ": " : "", (int)ch->errs.len,
            ch->errs.data ? ch->errs.data : "");
  if (was_sending)
    tell(ch, rc, why);
}

static void on_line(struct sync_channel *ch, const char *s)
{
  if (ch->state == SYNC_CHANNEL_STARTING && !strcmp(s, READY_LINE)) {
    ch->was_ready = 1;
    channel_set_state(ch, SYNC_CHANNEL_READY);
    return;
  }
  if (ch->state == SYNC_CHANNEL_SENDING && !strncmp(s, "done ", 5) &&
      ch->off == ch->out.len) {
    int code = atoi(s + 5);
    channel_set_state(ch, SYNC_CHANNEL_READY);
    if (code) {
      char why[LINE_MAX_ + STDERR_MAX + 64];
      size_t n = ch->errs.len;
      while (n && ch->errs.data[n - 1] == '\n')
        n--;
      snprintf(why, sizeof(why), "tar exited with code %d%s%.*s", code,
               n ? ": " : "", (int)n, n ? ch->errs.data : "");
      tell(ch, ERR_ENGINE, why);
    } else {
      tell(ch, 0, NULL);
    }
    return;
  }
  broken(ch, ERR_PROTO, "the receiver said something unexpected");
}

static int on_output(void *ctx, enum stream_kind kind, const char *p, size_t n)
{
  struct sync_channel *ch = ctx;
  if (kind == STREAM_STDERR) {
    buf_add(&ch->errs, p, n); /* past the cap: the start is enough */
    return 0;
  }
  for (size_t i = 0; i < n; i++) {
    if (ch->state == SYNC_CHANNEL_CLOSED)
      return ERR_PROTO; /* ends the stream: on_ended */
    if (p[i] != '\n') {
      if (buf_addch(&ch->line, p[i])) {
        broken(ch, ERR_PROTO, "the receiver's line is too long");
        return ERR_PROTO;
      }
      continue;
    }
    char s[LINE_MAX_ + 1];
    snprintf(s, sizeof(s), "%s", ch->line.data ? ch->line.data : "");
    buf_reset(&ch->line);
    on_line(ch, s);
  }
  return ch->state == SYNC_CHANNEL_CLOSED ? ERR_PROTO : 0;
}

static void on_ended(void *ctx, int rc, const struct err *err)
{
  struct sync_channel *ch = ctx;
  broken(ch, rc ? rc : ERR_IO,
         ch->state == SYNC_CHANNEL_STARTING
             ? "the receiver ended before it was ready (no sh, tar, head "
               "or cat?)"
             : "the channel ended");
  /* the last callback of the connection: it may go now */
  engine_attach_free(ch->att);
  ch->att = NULL;
}

/* Hand out's bytes to the connection until it is half full. */
static void push(struct sync_channel *ch)
{
  while (ch->state == SYNC_CHANNEL_SENDING && ch->off < ch->out.len) {
    size_t k = ch->out.len - ch->off;
    if (k > CHUNK)
      k = CHUNK;
    long r = engine_attach_write(ch->att, ch->out.data + ch->off, k);
    if (r < 0) {
      broken(ch, (int)r, "cannot write to the channel");
      return;
    }
    ch->off += k;
    if ((size_t)r >= HIJACK_PENDING_MAX / 2)
      return; /* on_drain goes on */
  }
}

static void on_drain(void *ctx)
{
  push(ctx);
}

static void on_timer_closed(uv_handle_t *h)
{
  struct sync_channel *ch = h->data;
  buf_release(&ch->line);
  buf_release(&ch->errs);
  buf_release(&ch->out);
  free(ch->exec_id);
  free(ch->id);
  free(ch->name);
  free(ch);
}

static void on_created(void *ctx, struct engine_result *res)
{
  struct sync_channel *ch = ctx;
  ch->creating = 0;
  if (ch->closing) {
    /* let go meanwhile: an exec made and never started costs nothing */
    uv_close((uv_handle_t *)&ch->timer, on_timer_closed);
    return;
  }
  if (res->rc || !res->id) {
    broken(ch, res->rc ? res->rc : ERR_PROTO, "cannot create the exec");
    return;
  }
  ch->exec_id = xstrdup(res->id);
  struct err e = ERR_INIT;
  channel_set_state(ch, SYNC_CHANNEL_STARTING);
  /* the start's head comes back at once; the process runs after it */
  /* no ready callback: the receiver's own first line says it is ready */
  if (engine_exec_attach_open(ch->e, ch->exec_id, 0, on_output, NULL, on_ended,
                              on_drain, ch, &ch->att, &e)) {
    ch->att = NULL;
    broken(ch, e.code, "cannot start the exec");
  }
  err_release(&e);
}

static void on_timeout(uv_timer_t *t)
{
  struct sync_channel *ch = t->data;
  broken(ch, ERR_TIMEOUT, "no answer in time");
}

static struct sync_channel *channel_open(uv_loop_t *loop, struct engine *e,
                                         const char *id, const char *name)
{
  struct sync_channel *ch = xcalloc(1, sizeof(*ch));
  ch->loop = loop;
  ch->e = e;
  ch->id = xstrdup(id);
  ch->name = xstrdup(name ? name : id);
  ch->line = (struct buf)BUF_INIT_CAP(LINE_MAX_);
  ch->errs = (struct buf)BUF_INIT_CAP(STDERR_MAX);
  ch->state = SYNC_CHANNEL_CREATING;
  uv_timer_init(loop, &ch->timer);
  ch->timer.data = ch;
  static const char *const cmd[] = {"sh", "-c", receiver, NULL};
  struct engine_exec_config cfg = {.cmd = cmd,
                                   .user = "0",
                                   .attach_stdin = 1,
                                   .attach_stdout = 1,
                                   .attach_stderr = 1};
  struct err err = ERR_INIT;
  if (tracing())
    fprintf(stderr, "wcompose: watch: channel to %s: opening\n", ch->name);
  if (engine_exec_create_typed(e, id, &cfg, on_created, ch, &err))
    broken(ch, err.code, "cannot create the exec");
  else
    ch->creating = 1;
  err_release(&err);
  return ch;
}

/* Let ch go: no callback runs after this. */
static void channel_close(struct sync_channel *ch)
{
  ch->sent = NULL;
  if (ch->att) {
    engine_attach_free(ch->att);
    ch->att = NULL;
  }
  ch->state = SYNC_CHANNEL_CLOSED;
  uv_timer_stop(&ch->timer);
  if (ch->creating) {
    ch->closing = 1; /* the create's callback frees it */
    return;
  }
  uv_close((uv_handle_t *)&ch->timer, on_timer_closed);
}

int sync_channel_send(struct sync_channel *ch, struct buf *tar,
                      sync_channel_sent_cb sent, void *ctx)
{
  if (ch->state != SYNC_CHANNEL_READY)
    return ERR_STATE;
  buf_release(&ch->out);
  buf_addf(&ch->out, "wcsync %zu\n", tar->len);
  buf_add(&ch->out, tar->data ? tar->data : "", tar->len);
  buf_release(tar);
  ch->off = 0;
  buf_reset(&ch->errs);
  ch->sent = sent;
  ch->sent_ctx = ctx;
  channel_set_state(ch, SYNC_CHANNEL_SENDING);
  uv_timer_start(&ch->timer, on_timeout, SYNC_CHANNEL_ACK_MS, 0);
  push(ch);
  return 0;
}

void sync_channel_forget_sender(struct sync_channel *ch)
{
  ch->sent = NULL;
}

struct sync_channel *sync_channels_ready(struct sync_channels *set,
                                         uv_loop_t *loop, struct engine *e,
                                         const char *id, const char *name)
{
  struct sync_channel_slot *s = NULL;
  for (size_t i = 0; i < set->n && !s; i++)
    if (!strcmp(set->v[i].id, id))
      s = &set->v[i];
  if (!s) {
    set->v = xrealloc(set->v, (set->n + 1) * sizeof(*set->v));
    s = &set->v[set->n++];
    *s = (struct sync_channel_slot){xstrdup(id), NULL, 0};
  }
  if (s->ch && s->ch->state == SYNC_CHANNEL_CLOSED) {
    if (!s->ch->was_ready)
      s->failures++;
    channel_close(s->ch);
    s->ch = NULL;
  }
  if (!s->ch) {
    if (s->failures < SYNC_CHANNEL_TRIES && enabled())
      s->ch = channel_open(loop, e, id, name);
    return NULL;
  }
  return s->ch->state == SYNC_CHANNEL_READY ? s->ch : NULL;
}

static void slot_drop(struct sync_channels *set, size_t i)
{
  if (set->v[i].ch)
    channel_close(set->v[i].ch);
  free(set->v[i].id);
  set->v[i] = set->v[--set->n];
}

void sync_channels_keep(struct sync_channels *set, const char *const *ids,
                        size_t n)
{
  for (size_t i = 0; i < set->n;) {
    int keep = 0;
    for (size_t k = 0; k < n && !keep; k++)
      keep = !strcmp(set->v[i].id, ids[k]);
    if (keep)
      i++;
    else
      slot_drop(set, i);
  }
}

void sync_channels_release(struct sync_channels *set)
{
  while (set->n)
    slot_drop(set, set->n - 1);
  free(set->v);
  set->v = NULL;
}
