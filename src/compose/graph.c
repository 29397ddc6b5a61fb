/* graph: topological orders, closures and cycle reports over service
 * indices. Quadratic where that keeps it simple: projects have tens of
 * services, not thousands. */
#include "compose/graph.h"

#include <stdlib.h>
#include <string.h>

#include "compose/model.h"
#include "util/buf.h"
#include "util/xalloc.h"

void graph_init(struct graph *g, size_t n, const char *const *names)
{
  size_t i;

  g->n = n;
  g->nodes = n ? xcalloc(n, sizeof(*g->nodes)) : NULL;
  for (i = 0; i < n; i++)
    g->nodes[i].name = names[i];
}

void graph_release(struct graph *g)
{
  size_t i;

  for (i = 0; i < g->n; i++)
    free(g->nodes[i].deps);
  free(g->nodes);
  g->nodes = NULL;
  g->n = 0;
}

long graph_find(const struct graph *g, const char *name)
{
  size_t i;

  for (i = 0; i < g->n; i++)
    if (!strcmp(g->nodes[i].name, name))
      return (long)i;
  return -1;
}

void graph_add_edge(struct graph *g, size_t from, size_t to)
{
  struct graph_node *nd = &g->nodes[from];
  size_t i;

  if (from >= g->n || to >= g->n)
    BUG("graph edge %zu -> %zu out of range", from, to);
  for (i = 0; i < nd->ndeps; i++)
    if (nd->deps[i] == to)
      return;
  if (nd->ndeps == nd->alloc) {
    nd->alloc = nd->alloc ? 2 * nd->alloc : 4;
    nd->deps = xrealloc(nd->deps, nd->alloc * sizeof(*nd->deps));
  }
  nd->deps[nd->ndeps++] = to;
}

enum { WHITE, GREY, BLACK };

/* Depth-first from node i; on finding a grey node, the stack from that
 * node up to the top is the cycle. Returns 1 when a cycle was found. */
static int visit(const struct graph *g, size_t i, unsigned char *color,
                 size_t *stack, size_t depth, size_t **cycle, size_t *ncycle)
{
  size_t k;

  color[i] = GREY;
  stack[depth] = i;
  for (k = 0; k < g->nodes[i].ndeps; k++) {
    size_t d = g->nodes[i].deps[k];
    if (color[d] == GREY) {
      size_t start = 0, j;
      while (stack[start] != d)
        start++;
      *ncycle = depth - start + 2;
      *cycle = xmalloc(*ncycle * sizeof(**cycle));
      for (j = start; j <= depth; j++)
        (*cycle)[j - start] = stack[j];
      (*cycle)[*ncycle - 1] = d;
      return 1;
    }
    if (color[d] == WHITE &&
        visit(g, d, color, stack, depth + 1, cycle, ncycle))
      return 1;
  }
  color[i] = BLACK;
  return 0;
}

int graph_check_cycles(const struct graph *g, struct err *err, size_t **cycle,
                       size_t *ncycle)
{
  unsigned char *color;
  size_t *stack, *cyc = NULL, ncyc = 0, i;
  int found = 0;

  if (!g->n)
    return 0;
  color = xcalloc(g->n, 1);
  stack = xcalloc(g->n, sizeof(*stack));
  for (i = 0; i < g->n && !found; i++)
    if (color[i] == WHITE)
      found = visit(g, i, color, stack, 0, &cyc, &ncyc);
  free(color);
  free(stack);
  if (!found)
    return 0;
  if (err) {
    struct buf b = BUF_INIT;
    for (i = 0; i < ncyc; i++)
      buf_addf(&b, "%s%s", i ? " -> " : "", g->nodes[cyc[i]].name);
    err_set(err, ERR_CONFIG, "dependency cycle detected: %s", b.data);
    buf_release(&b);
  }
  if (cycle) {
    *cycle = cyc;
    *ncycle = ncyc;
  } else {
    free(cyc);
  }
  return ERR_CONFIG;
}

/* Does j depend directly on i? */
static int depends_on(const struct graph *g, size_t j, size_t i)
{
  size_t k;

  for (k = 0; k < g->nodes[j].ndeps; k++)
    if (g->nodes[j].deps[k] == i)
      return 1;
  return 0;
}

/* Is node i ready: (forward) all its dependencies placed, (reverse) all
 * its dependents placed? */
static int ready(const struct graph *g, size_t i, int reverse,
                 const unsigned char *done)
{
  size_t k;

  if (!reverse) {
    for (k = 0; k < g->nodes[i].ndeps; k++)
      if (!done[g->nodes[i].deps[k]])
        return 0;
    return 1;
  }
  for (k = 0; k < g->n; k++)
    if (!done[k] && k != i && depends_on(g, k, i))
      return 0;
  return 1;
}

int graph_order(const struct graph *g, int reverse, size_t *order,
                struct err *err)
{
  unsigned char *done;
  size_t placed = 0, i;
  int rc;

  rc = graph_check_cycles(g, err, NULL, NULL);
  if (rc)
    return rc;
  done = xcalloc(g->n ? g->n : 1, 1);
  while (placed < g->n) {
    for (i = 0; i < g->n; i++)
      if (!done[i] && ready(g, i, reverse, done))
        break;
    if (i == g->n)
      BUG("no ready node in an acyclic graph");
    done[i] = 1;
    order[placed++] = i;
  }
  free(done);
  return 0;
}

void graph_closure(const struct graph *g, unsigned char *in)
{
  int changed = 1;
  size_t i, k;

  while (changed) {
    changed = 0;
    for (i = 0; i < g->n; i++) {
      if (!in[i])
        continue;
      for (k = 0; k < g->nodes[i].ndeps; k++) {
        if (!in[g->nodes[i].deps[k]]) {
          in[g->nodes[i].deps[k]] = 1;
          changed = 1;
        }
      }
    }
  }
}

void graph_dependents(const struct graph *g, unsigned char *in)
{
  int changed = 1;
  size_t i, k;

  while (changed) {
    changed = 0;
    for (i = 0; i < g->n; i++) {
      if (in[i])
        continue;
      for (k = 0; k < g->nodes[i].ndeps; k++) {
        if (in[g->nodes[i].deps[k]]) {
          in[i] = 1;
          changed = 1;
          break;
        }
      }
    }
  }
}

void graph_from_project(struct graph *g, const struct project *p)
{
  const char **names;
  size_t i, k;

  names = xcalloc(p->nservices ? p->nservices : 1, sizeof(*names));
  for (i = 0; i < p->nservices; i++)
    names[i] = p->services[i].name;
  graph_init(g, p->nservices, names);
  free(names);
  for (i = 0; i < p->nservices; i++) {
    const struct service *s = &p->services[i];
    for (k = 0; k < s->ndepends_on; k++) {
      long j = graph_find(g, s->depends_on[k].service);
      if (j >= 0)
        graph_add_edge(g, i, (size_t)j);
    }
  }
}
