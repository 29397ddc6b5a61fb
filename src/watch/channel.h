/* channel: the fast way to sync files into a running container. The
 * engine's PUT /containers/{id}/archive starts a new chrooted untar
 * process for every upload (about 100 ms here); a channel is one exec per
 * container, started once per watch session, whose stdin stays open: a
 * small sh receiver reads each batch as a line with its length and then
 * exactly that many bytes of tar, extracts them at "/" with the
 * container's own tar, as root (owners, modes and mtimes from the tar, as
 * the engine's extraction keeps them), and answers "done <exit code>" on
 * stdout. The next batch is sent only after that answer, so `head -c`
 * never sees a byte past its batch whatever its buffering.
 *
 * A container without sh, tar, head or cat, or whose exec cannot start,
 * has no channel (the receiver says so by ending before it is ready);
 * after a few such failures none is tried again for it in the session.
 * A channel that ends (the container stopped or restarted, the connection
 * broke) is opened again for the next batch. The caller falls back to
 * PUT archive whenever it gets no ready channel or a send fails, so a
 * channel is never needed for a sync to happen. WCOMPOSE_WATCH_CHANNEL=0
 * in the environment opens none (PUT archive always, to compare).
 *
 * A channel's states (traced when WCOMPOSE_TRACE is set): creating (the
 * exec create call is out), starting (the hijacked start is up, waiting
 * for the receiver's "ready"), ready, sending (a batch is out, waiting
 * for its "done"), closed.
 *
 * Ownership: a struct sync_channels (embedded in the watch session's
 * memo) owns its channels; each owns its exec's id and hijacked
 * connection and frees itself from its handles' close callbacks, so run
 * the loop once more after sync_channels_release. The loop and engine
 * are borrowed and must outlive the set. */
#ifndef WCOMPOSE_WATCH_CHANNEL_H
#define WCOMPOSE_WATCH_CHANNEL_H

#include <stddef.h>

#include <uv.h>

#include "engine/api.h"
#include "util/buf.h"

/* The largest tar sent through a channel (it is built in memory first,
 * for its length): bigger batches go by PUT archive. */
#define SYNC_CHANNEL_BATCH_MAX ((size_t)16 << 20)
/* Opens that may fail for one container before it gets none. */
#define SYNC_CHANNEL_TRIES 3
/* How long a batch may wait for its "done" before the channel is given up
 * (and the batch sent by PUT archive). */
#define SYNC_CHANNEL_ACK_MS 30000

enum sync_channel_state {
  SYNC_CHANNEL_CREATING,
  SYNC_CHANNEL_STARTING,
  SYNC_CHANNEL_READY,
  SYNC_CHANNEL_SENDING,
  SYNC_CHANNEL_CLOSED
};

struct sync_channel;

struct sync_channel_slot {
  char *id;                /* the container's */
  struct sync_channel *ch; /* NULL: none open */
  int failures;            /* opens that ended before "ready" */
};

struct sync_channels {
  struct sync_channel_slot *v;
  size_t n;
};
#define SYNC_CHANNELS_INIT                                                     \
  {                                                                            \
    NULL, 0                                                                    \
  }

/* The ready channel of running container id (name for messages), or
 * NULL. When it has none, or its channel ended, a new one is opened (on
 * loop, with engine e) for a later batch, unless SYNC_CHANNEL_TRIES
 * opens failed already; a channel that is still opening or busy gives
 * NULL. */
struct sync_channel *sync_channels_ready(struct sync_channels *set,
                                         uv_loop_t *loop, struct engine *e,
                                         const char *id, const char *name);
/* Close and forget the channel of every container not in ids[0..n). */
void sync_channels_keep(struct sync_channels *set, const char *const *ids,
                        size_t n);
/* Close every channel (their memory goes from close callbacks). */
void sync_channels_release(struct sync_channels *set);

/* sent(ctx, rc, why): 0 when the receiver extracted the batch; else a
 * negative ERR_* code and why (a line: tar's complaint, "the channel
 * ended") for the trace; the caller then sends the batch another way.
 * Called once, from a loop callback, never before sync_channel_send
 * returns. */
typedef void (*sync_channel_sent_cb)(void *ctx, int rc, const char *why);

/* Send tar (its bytes are taken; tar is left empty) through ready channel
 * ch. 0, or ERR_STATE when ch is not ready (nothing taken, no callback). */
int sync_channel_send(struct sync_channel *ch, struct buf *tar,
                      sync_channel_sent_cb sent, void *ctx);
/* The sender is gone: its callback is not called (the batch still lands,
 * and the channel is ready again after its answer). */
void sync_channel_forget_sender(struct sync_channel *ch);

enum sync_channel_state sync_channel_state(const struct sync_channel *ch);
const char *sync_channel_state_name(enum sync_channel_state st);

#endif
