/* pump: our standard input forwarded into a hijacked stream (the attach
 * of run and attach, the start of an exec) with the stream's flow
 * control: read while it has room, stop at half its cap, go on from its
 * drain callback; at the end of the input, stdin is half-closed. A pipe,
 * socket or terminal is read by uv; a file (or /dev/null) in chunks.
 * Detach keys ("ctrl-p,ctrl-q") typed in the input end the session: the
 * bytes of the sequence are held back while it may still match, and the
 * owner hears about it.
 *
 * Ownership: a struct pump owns its dup of the input and its handle, and
 * frees itself from the handle's close callback after pump_free; the
 * attach is borrowed (set by pump_start, forgotten by pump_stop). */
#ifndef WCOMPOSE_ORCHESTRATE_PUMP_H
#define WCOMPOSE_ORCHESTRATE_PUMP_H

#include <stddef.h>

#include <uv.h>

#include "engine/hijack.h"
#include "util/err.h"

/* The longest detach sequence. */
#define PUMP_KEYS_MAX 16

/* Parse docker's detach-key grammar ("ctrl-p,ctrl-q", "a,ctrl-@"): each
 * comma-separated key is one character or ctrl-<a..z @ [ \ ] ^ _>. 0 with
 * the bytes in out[0..*n); ERR_USAGE "invalid detach keys 'x': ...".
 * Pure. */
int pump_keys_parse(const char *text, unsigned char out[PUMP_KEYS_MAX],
                    size_t *n, struct err *err);

struct pump;

/* Forward input fd (dup'ed; -1: none, the stream's stdin ends at once).
 * keys: the parsed detach sequence (copied), or NULL/0 for none; detached
 * runs once, from a read callback, when it is typed. Nothing is read
 * before pump_start. */
struct pump *pump_new(uv_loop_t *loop, int fd, const unsigned char *keys,
                      size_t nkeys, void (*detached)(void *data), void *data);
/* Begin reading into a (borrowed until pump_stop or pump_free). */
void pump_start(struct pump *p, struct engine_attach *a);
/* The stream has room again (its drain callback): read on. */
void pump_drain(struct pump *p);
/* The stream is over: stop reading, forget it. NULL: nothing. */
void pump_stop(struct pump *p);
/* Stop and free; the memory goes from the close callback, so run the loop
 * once more afterwards. NULL: nothing. */
void pump_free(struct pump *p);

#endif
