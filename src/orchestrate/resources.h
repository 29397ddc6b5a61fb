/* resources: the networks and volumes of a session's project. Before
 * containers are created, the ones the selected services use are made
 * (labelled as compose labels them) and the external ones are checked;
 * `down` removes what carries the project's label.
 *
 * resources_ensure_start is asynchronous (done called once, deferred,
 * when it returned 0); the other calls wait at the top level. Errors go
 * to s->err saying what was being done. */
#ifndef WCOMPOSE_ORCHESTRATE_RESOURCES_H
#define WCOMPOSE_ORCHESTRATE_RESOURCES_H

#include "orchestrate/session.h"

/* selected: the services whose networks and volumes (NULL: the
 * session's selection). */
int resources_ensure_start(struct session *s, const unsigned char *selected,
                           session_done_cb done, void *arg);
int resources_ensure(struct session *s);
/* After the containers are up: remove other networks of the names this
 * session's networks have (labelled with the project; one in use is left),
 * and replacements a killed `up` left that no swap can finish (named
 * `<12 hex>_<name>`, never started, their old container gone).
 * Asynchronous as resources_ensure_start; never fails. */
int resources_sweep_start(struct session *s, const unsigned char *selected,
                          session_done_cb done, void *arg);

/* Networks of one name in a project, made by racing or killed `up`s (the
 * engine's duplicate check is not atomic): keep `keep` (an ID; NULL: the
 * oldest) and remove the others that carry the project's label; a removal
 * the engine refuses (in use) is left. done gets the list's rc and the
 * kept ID (NULL: none of that name); it is called from an engine callback,
 * or at once when the start failed (then nonzero is returned and done is
 * not called). */
typedef void (*resources_swept_cb)(void *arg, int rc, const char *kept);
int resources_network_sweep_start(struct engine *e, const char *project,
                                  const char *name, const char *keep,
                                  resources_swept_cb done, void *arg);

enum resources_kind { RESOURCES_NETWORKS, RESOURCES_VOLUMES };
/* Remove every network (or volume) labelled with the project; goes on
 * after a failure and returns the first. */
int resources_remove(struct session *s, enum resources_kind kind);

#endif
