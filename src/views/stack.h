/* views of a swarm stack: `stack ls`, `stack services NAME` and `stack ps
 * NAME` as the docker CLI prints them, made from the typed answers of
 * /services, /tasks and /nodes (the stack's objects carry the label
 * com.docker.stack.namespace). As views.h: an engine call that waits
 * (top level only, errors in s->err) and a pure renderer the tests call.
 * Text is appended to out. */
#ifndef WCOMPOSE_VIEWS_STACK_H
#define WCOMPOSE_VIEWS_STACK_H

#include <time.h>

#include "engine/types.h"
#include "orchestrate/session.h"
#include "util/buf.h"

enum views_stack_what { VIEWS_STACK_LS, VIEWS_STACK_SERVICES, VIEWS_STACK_PS };

/* NAME SERVICES: one row per namespace among the services. */
void views_stack_ls_render(const struct engine_service_list *l,
                           struct buf *out);
/* ID NAME MODE REPLICAS IMAGE PORTS; REPLICAS counts running tasks whose
 * desired state is running. */
void views_stack_services_render(const struct engine_service_list *l,
                                 const struct engine_task_list *t,
                                 struct buf *out);
/* ID NAME IMAGE NODE DESIRED STATE CURRENT STATE ERROR PORTS; names as
 * "<service>.<slot>" (global: ".<node id>"); ids and errors shortened
 * unless no_trunc. */
void views_stack_ps_render(const struct engine_service_list *l,
                           const struct engine_task_list *t,
                           const struct engine_node_list *nodes, int no_trunc,
                           time_t now, struct buf *out);
/* Ask the engine and render; ns is the stack's name (ignored for ls).
 * ERR_NOTFOUND "nothing found in stack 'x'" when the stack has no
 * service. */
int views_stack(struct session *s, enum views_stack_what what, const char *ns,
                int no_trunc, struct buf *out);

#endif
