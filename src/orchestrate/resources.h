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

enum resources_kind { RESOURCES_NETWORKS, RESOURCES_VOLUMES };
/* Remove every network (or volume) labelled with the project; goes on
 * after a failure and returns the first. */
int resources_remove(struct session *s, enum resources_kind kind);

#endif
