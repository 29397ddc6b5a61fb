/* actions: what a batch of changes asks of the running containers, done
 * on the engine the way compose does it: sync (deleted paths removed with
 * `rm -rf` exec'ed in each running container of the service, and kept for
 * the containers that are not running until they run; changed ones sent
 * as one tar per container, extracted at "/" with file modes kept, then
 * given with chown to the user a running container runs as when its image
 * or service names one; the tar goes through the container's sync channel
 * (watch/channel.h) when it has a ready one, else, and whenever the
 * channel fails, by PUT /containers/{id}/archive),
 * then restart (the services' containers, along the dependency order),
 * then the exec commands of sync+exec rules in each running container.
 * Rebuilds are the watch session's (watch/session.h): they go first.
 *
 * A run is an explicit state machine (watch_apply_set_state traces it when
 * WCOMPOSE_TRACE is set), advanced by the engine's answers on the loop; it
 * may be started from a loop callback. Its end is told through done, from
 * a timer callback of its own.
 *
 * Ownership: everything passed is borrowed and must outlive the run; the
 * run is freed by watch_apply_free (after done, or to abandon it: its
 * calls then end with the engine), its memory from a close callback. */
#ifndef WCOMPOSE_WATCH_ACTIONS_H
#define WCOMPOSE_WATCH_ACTIONS_H

#include <stddef.h>

#include <uv.h>

#include "compose/model.h"
#include "engine/api.h"
#include "util/err.h"
#include "watch/channel.h"
#include "watch/rules.h"

/* What the command hears about. All optional. */
struct watch_hooks {
  /* a line for the person watching, compose's words ("Syncing service
   * \"web\" after 2 changes were detected"), without newline */
  void (*note)(void *data, const char *text);
  /* something went wrong but watching goes on (a directory that cannot be
   * watched, events lost), without newline */
  void (*warn)(void *data, const char *text);
  /* output of a sync+exec command run in container */
  void (*output)(void *data, const char *container, enum stream_kind kind,
                 const char *p, size_t n);
  /* a container restarted: as svc_hooks.progress */
  void (*progress)(void *data, const char *name, const char *status, int done);
  /* watch.h: a batch of changes is due (take it with watch_take); when
   * not set, the loop's turn ends instead (uv_stop) */
  void (*due)(void *data);
};

enum watch_apply_state {
  WATCH_LISTING,    /* listing the project's containers */
  WATCH_INSPECTING, /* the user of containers files go to, once each */
  WATCH_DELETING,   /* rm -rf of deleted paths in running containers */
  WATCH_COPYING,    /* a tar of changed paths into every container */
  WATCH_CHOWNING,   /* the files copied given to a non-root user */
  WATCH_RESTARTING, /* restarting the containers of services that ask */
  WATCH_EXECUTING,  /* sync+exec commands in running containers */
  WATCH_APPLIED     /* done, with or without errors */
};

/* What the watch session remembers from one run to the next (owned by
 * it, lent to each run): deletes a container could not take because it
 * was not running, each applied (rm -rf) by the first run that finds the
 * container running and dropped when the path is synced to it again or
 * the container is gone; and the user each container runs as (its
 * Config.User, "" for the image's root), asked once per container. */
struct watch_memo_delete {
  char *id;   /* the container's */
  char *path; /* in the container */
};
struct watch_memo_user {
  char *id;
  char *user;
};
struct watch_memo {
  struct watch_memo_delete *v; /* deletes kept */
  size_t n;
  struct watch_memo_user *users;
  size_t nusers;
  struct sync_channels chans; /* sync channels of running containers
                                 (watch/channel.h); zeroed: none */
};
/* 1 when a delete waits for the container id. */
int watch_memo_has_deletes(const struct watch_memo *m, const char *id);
void watch_memo_release(struct watch_memo *m);
/* The owner that synced files get in a container running as user
 * (Config.User), as chown(1) takes it there: "app" -> "app:" (its login
 * group), "1000" -> "1000", "app:staff" as it is; NULL for root ("",
 * "root", "0", "0:0"). Into buf. */
const char *watch_owner(const char *user, char *buf, size_t size);

struct watch_apply;
/* rc: 0 or the first failure's code (all of them in err). */
typedef void (*watch_apply_done_cb)(void *arg, int rc);

/* Apply batch b (rules r, project p) on engine e, whose loop is loop,
 * with what m remembers (NULL: nothing kept; b may be empty to apply only
 * the deletes it keeps). Failures do not stop the other services' work; all are
 * in err (pass an empty one), each saying what was done ("copying files to
 * '/' in container 'p-web-1': ...", "service 'web': 'make reload' exited
 * with code 2 in container 'p-web-1'"). done(arg, rc) is called once,
 * never before this returns. */
int watch_apply_start(uv_loop_t *loop, struct engine *e,
                      const struct project *p, const struct watch_rules *r,
                      const struct watch_batch *b, struct watch_memo *m,
                      const struct watch_hooks *h, void *data, struct err *err,
                      watch_apply_done_cb done, void *arg,
                      struct watch_apply **out);
void watch_apply_free(struct watch_apply *a);

const char *watch_apply_state_name(enum watch_apply_state st);

/* Service names as compose prints a list of them: ["web" "api"]. Into a
 * malloc'ed string. */
char *watch_names_quoted(const char *const *names, size_t n);

#endif
