/* watch session: `wcompose watch` and `up --watch` on top of a session
 * (orchestrate/session.h). The develop.watch rules of the services are
 * compiled and their paths watched; each batch of changes that came to
 * rest is handled by itself, from the loop's callbacks: the services that
 * ask for it are rebuilt (their images built, then their containers
 * recreated by a converge of those services alone), then files are synced,
 * containers restarted and commands run (actions.h). Batches that come
 * while one is handled wait for it (so edits during a build make at most
 * one more). Deletes a stopped container could not take are kept and
 * applied when it starts: the engine's container starts are followed
 * while some wait. Notes and warnings leave through the session's hooks;
 * failures are warned about and watching goes on.
 *
 * Ownership: a watch session borrows the session (which must outlive it)
 * and owns its rules, watcher and the batch at hand (watch_session_free;
 * its handles close on the next loop turn). */
#ifndef WCOMPOSE_WATCH_SESSION_H
#define WCOMPOSE_WATCH_SESSION_H

#include "orchestrate/session.h"
#include "watch/debounce.h"

struct watch_session;

enum watch_session_flags {
  WATCH_SESSION_PRUNE = 1 << 0 /* remove the images rebuilds leave dangling */
};

/* What the owner hears about. All optional. */
struct watch_session_hooks {
  /* on: a batch is being handled (containers may be replaced); off: it is
   * over */
  void (*busy)(void *data, int on);
  /* containers were recreated: the owner may look again (up --watch
   * follows the new ones); it calls done(arg, rc) when it is finished,
   * and returns 0, or an error without calling done */
  int (*recreated)(void *data, session_done_cb done, void *arg);
};

/* How long changes are left to come to rest (debounce.h): the defaults,
 * then the project's top-level x-wcompose-watch map (settle, quiet,
 * max_wait: "30ms", "1.5s", or a number of milliseconds), then the
 * environment's WCOMPOSE_WATCH_SETTLE (env; NULL: getenv) for the settle.
 * ERR_CONFIG for a value that is no such duration or is too long
 * (settle and quiet up to 60 s, max_wait up to 10 min). */
int watch_session_times(const struct project *p,
                        const char *(*env)(const char *name),
                        struct debounce_times *out, struct err *err);
/* Check the rules of the services in want (per service) and the times
 * without watching. Errors as watch_rules_init, in s->err. */
int watch_session_check(struct session *s, const unsigned char *want);
/* Watch the services in want. Notes about skipped services go to the
 * session's note hook, then "Watch enabled"; then the rules with
 * initial_sync have their paths synced (the first batch, handled from the
 * loop). */
int watch_session_start(struct session *s, const unsigned char *want,
                        unsigned flags, const struct watch_session_hooks *h,
                        void *data, struct watch_session **out);
/* A batch is being handled. */
int watch_session_busy(const struct watch_session *ws);
/* Take no new batches (the command is ending). */
void watch_session_quiesce(struct watch_session *ws);
/* Stop watching and free ws (NULL: nothing); a batch being handled is
 * abandoned. Run the loop afterwards. */
void watch_session_free(struct watch_session *ws);

#endif
