/* teardown: what `down` does to a project: stop and remove its containers
 * (dependents first; orphans with remove_orphans; the one-off containers
 * of `run`), then, when the whole project goes, its networks (by ID) and
 * with volumes its volumes, then the images asked for. Waits at the top
 * level; errors in s->err. */
#ifndef WCOMPOSE_ORCHESTRATE_TEARDOWN_H
#define WCOMPOSE_ORCHESTRATE_TEARDOWN_H

#include "orchestrate/session.h"

struct teardown_options {
  int timeout;        /* stop grace period; -1: each service's */
  int remove_orphans; /* --remove-orphans */
  int volumes;        /* -v: named and anonymous volumes */
  int images;         /* --rmi: 0 none, 1 local (built), 2 all */
};

int teardown(struct session *s, const struct teardown_options *o);

#endif
