/* graph: the dependency DAG of a project's services. Pure: nodes are
 * indices with names, edges say "a depends on b". Gives start order
 * (dependencies first), stop order (dependents first), the dependency
 * closure of a set of nodes, and cycles named in full, each in time linear
 * in nodes and edges (a heap picks among ready nodes: n log n). A graph
 * owns its edge arrays and tables (graph_release); names are borrowed from
 * the caller. */
#ifndef WCOMPOSE_COMPOSE_GRAPH_H
#define WCOMPOSE_COMPOSE_GRAPH_H

#include <stddef.h>

#include "util/err.h"

struct project;

struct graph_node {
  const char *name;
  size_t *deps; /* indices this node depends on, in insertion order */
  size_t ndeps, alloc;
};

struct graph {
  struct graph_node *nodes;
  size_t n;
  /* private: names -> index, and the edges recorded (as from * n + to),
   * open-addressed tables of a power-of-two size */
  size_t *names, nnames;
  unsigned long long *edges;
  size_t nedges, cedges;
};
#define GRAPH_INIT                                                             \
  {                                                                            \
    NULL, 0, NULL, 0, NULL, 0, 0                                               \
  }

/* Make n nodes named names[0..n) (borrowed). Ties in every order below are
 * broken by index, so sorted names give deterministic output. */
void graph_init(struct graph *g, size_t n, const char *const *names);
void graph_release(struct graph *g);
/* Node index by name, or -1. */
long graph_find(const struct graph *g, const char *name);
/* Record that from depends on to (duplicates are ignored). */
void graph_add_edge(struct graph *g, size_t from, size_t to);

/* Look for a cycle; 0 when there is none, else ERR_CONFIG with
 * "dependency cycle detected: a -> b -> c -> a" in err (when err != NULL).
 * When cycle/ncycle are given, *cycle gets the malloc'ed node indices of
 * the cycle, first node repeated at the end. */
int graph_check_cycles(const struct graph *g, struct err *err, size_t **cycle,
                       size_t *ncycle);

/* Topological order into order[0..n): dependencies before dependents, or
 * with reverse set, dependents before dependencies (the order to stop in).
 * Returns ERR_CONFIG (cycle, named in err) when there is no such order. */
int graph_order(const struct graph *g, int reverse, size_t *order,
                struct err *err);

/* Closure: on return in[i] is set for every node reachable from a node
 * already set (its dependencies, theirs...). in has g->n entries. */
void graph_closure(const struct graph *g, unsigned char *in);
/* The reverse closure: every node that depends, directly or not, on a set
 * node (what must stop or restart with it). */
void graph_dependents(const struct graph *g, unsigned char *in);

/* A graph of p's services (same indices as p->services) with an edge for
 * each depends_on entry (normalization already folded links, volumes_from
 * and network_mode service:x into depends_on). Entries naming services
 * that are not in p (disabled by profiles, required: false) are skipped. */
void graph_from_project(struct graph *g, const struct project *p);

#endif
