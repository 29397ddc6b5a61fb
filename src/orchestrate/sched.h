/* sched: the walk over the dependency graph. Nodes run in parallel as soon
 * as what they wait for is there: forward, a node runs when each of its
 * dependencies reached the condition its depends_on asks for (started,
 * healthy, completed successfully); reverse (stop, down), a node runs when
 * every node depending on it is done. What "running a node" means is the
 * policy's: the scheduler only calls policy callbacks and is told back
 * with sched_reached / sched_done. No I/O of its own, so it is tested with
 * fake policies; callbacks run from within sched_start, sched_reached and
 * sched_done (never recursively for the same node). The scheduler owns its
 * arrays (sched_release); the graph and conditions are copied in. */
#ifndef WCOMPOSE_ORCHESTRATE_SCHED_H
#define WCOMPOSE_ORCHESTRATE_SCHED_H

#include <stddef.h>

#include "compose/model.h"
#include "compose/graph.h"

struct sched;

/* What a node reached, as bits (a node that is healthy was started). */
enum sched_reach {
  SCHED_STARTED = 1 << 0,
  SCHED_HEALTHY = 1 << 1,
  SCHED_COMPLETED = 1 << 2 /* exited 0 */
};

/* Policy callbacks; data is the policy's. */
struct sched_policy {
  /* Begin the work of node. Return 0, or a negative ERR_* code: the node
   * is then done with that code (sched_done is implied). */
  int (*run)(void *data, size_t node);
  /* node will not run: dependency dep failed (or, with require set, ended
   * without reaching what node waits for). Optional. */
  void (*skip)(void *data, size_t node, size_t dep);
};

/* Per-edge condition: what `from` waits for of `to` (forward walks). */
typedef enum dep_condition (*sched_cond_cb)(void *data, size_t from, size_t to);

enum sched_node_state {
  SCHED_WAIT,    /* not yet run: waiting for its dependencies */
  SCHED_RUN,     /* run was called; not done yet */
  SCHED_DONE,    /* sched_done was called, rc 0 */
  SCHED_FAILED,  /* sched_done with rc < 0 */
  SCHED_SKIPPED, /* never ran: a dependency failed */
  SCHED_OUT      /* not selected: takes no part */
};

struct sched_node {
  enum sched_node_state state;
  unsigned reached; /* enum sched_reach bits */
  int rc;
  size_t *deps;              /* forward: dependencies; reverse: dependents */
  enum dep_condition *conds; /* what is waited for of each, forward */
  size_t ndeps;
};

struct sched {
  struct sched_node *nodes;
  size_t n;
  int reverse;
  int parallel; /* most nodes in SCHED_RUN before reaching "started";
                   <= 0: unlimited */
  size_t busy;  /* nodes running that count against parallel */
  const struct sched_policy *policy;
  void *data;
  int in_pump; /* reentrancy guard */
};

/* Set up a walk over g's nodes where selected[i] (NULL: all) is set.
 * Unselected nodes are ignored, and so are edges to them. cond may be NULL
 * (every edge waits for "started"). */
void sched_init(struct sched *s, const struct graph *g,
                const unsigned char *selected, int reverse, sched_cond_cb cond,
                void *cond_data, const struct sched_policy *policy, void *data,
                int parallel);
void sched_release(struct sched *s);

/* Run every node whose wait is already over. */
void sched_start(struct sched *s);
/* node reached `what` (bits; cumulative): release what waits for it. */
void sched_reached(struct sched *s, size_t node, unsigned what);
/* node's work ended: rc 0 or a negative ERR_* code. A failed node's
 * waiting dependents (transitively) are skipped; a node done without
 * reaching what a dependent needs also skips it. */
void sched_done(struct sched *s, size_t node, int rc);

/* 1 when no node is waiting or running. */
int sched_finished(const struct sched *s);
/* The first failure's code (by node index), or 0. */
int sched_rc(const struct sched *s);

#endif
