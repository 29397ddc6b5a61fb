/* graph: topological orders, closures and cycle reports over service
 * indices, without recursion (a chain of 100,000 dependencies is as deep
 * as it is long) and without rescans: names and edges are found through
 * hash tables, orders come from Kahn's algorithm with a heap that picks
 * the smallest ready index (the tie-break the header promises). */
#include "compose/graph.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compose/model.h"
#include "compose/sindex.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define EMPTY SIZE_MAX
#define NO_EDGE (~0ULL)

void graph_init(struct graph *g, size_t n, const char *const *names)
{
  size_t i;

  memset(g, 0, sizeof(*g));
  g->n = n;
  g->nodes = n ? xcalloc(n, sizeof(*g->nodes)) : NULL;
  for (i = 0; i < n; i++)
    g->nodes[i].name = names[i];
  if (!n)
    return;
  /* names -> index, the first index of a name that repeats */
  for (g->nnames = 16; g->nnames < 2 * n; g->nnames *= 2)
    ;
  g->names = xmalloc(g->nnames * sizeof(*g->names));
  for (i = 0; i < g->nnames; i++)
    g->names[i] = EMPTY;
  for (i = 0; i < n; i++) {
    size_t h = (size_t)sindex_hash(names[i], strlen(names[i]));
    for (h &= g->nnames - 1; g->names[h] != EMPTY;
         h = (h + 1) & (g->nnames - 1))
      if (!strcmp(g->nodes[g->names[h]].name, names[i]))
        break;
    if (g->names[h] == EMPTY)
      g->names[h] = i;
  }
}

void graph_release(struct graph *g)
{
  size_t i;

  for (i = 0; i < g->n; i++)
    free(g->nodes[i].deps);
  free(g->nodes);
  free(g->names);
  free(g->edges);
  memset(g, 0, sizeof(*g));
}

long graph_find(const struct graph *g, const char *name)
{
  size_t h;

  if (!g->nnames)
    return -1;
  h = (size_t)sindex_hash(name, strlen(name)) & (g->nnames - 1);
  for (; g->names[h] != EMPTY; h = (h + 1) & (g->nnames - 1))
    if (!strcmp(g->nodes[g->names[h]].name, name))
      return (long)g->names[h];
  return -1;
}

static size_t edge_slot(const struct graph *g, unsigned long long e)
{
  size_t h = (size_t)((e * 0x9e3779b97f4a7c15ULL) >> 17) & (g->cedges - 1);
  while (g->edges[h] != NO_EDGE && g->edges[h] != e)
    h = (h + 1) & (g->cedges - 1);
  return h;
}

/* Record edge e; 0 when it was there already. */
static int edge_add(struct graph *g, unsigned long long e)
{
  size_t i;

  if ((g->nedges + 1) * 2 > g->cedges) {
    unsigned long long *old = g->edges;
    size_t oc = g->cedges;
    g->cedges = oc ? 2 * oc : 64;
    g->edges = xmalloc(g->cedges * sizeof(*g->edges));
    for (i = 0; i < g->cedges; i++)
      g->edges[i] = NO_EDGE;
    for (i = 0; i < oc; i++)
      if (old[i] != NO_EDGE)
        g->edges[edge_slot(g, old[i])] = old[i];
    free(old);
  }
  i = edge_slot(g, e);
  if (g->edges[i] == e)
    return 0;
  g->edges[i] = e;
  g->nedges++;
  return 1;
}

void graph_add_edge(struct graph *g, size_t from, size_t to)
{
  struct graph_node *nd;

  if (from >= g->n || to >= g->n)
    BUG("graph edge %zu -> %zu out of range", from, to);
  if (!edge_add(g, (unsigned long long)from * g->n + to))
    return;
  nd = &g->nodes[from];
  if (nd->ndeps == nd->alloc) {
    nd->alloc = nd->alloc ? 2 * nd->alloc : 4;
    nd->deps = xrealloc(nd->deps, nd->alloc * sizeof(*nd->deps));
  }
  nd->deps[nd->ndeps++] = to;
}

enum { WHITE, GREY, BLACK };

/* Depth-first from each white node in index order, children in insertion
 * order, with an explicit stack; on reaching a grey node, the stack from
 * that node up to the top is the cycle. */
int graph_check_cycles(const struct graph *g, struct err *err, size_t **cycle,
                       size_t *ncycle)
{
  unsigned char *color;
  size_t *stack, *next, *at, *cyc = NULL, ncyc = 0, i, depth;
  int found = 0;

  if (!g->n)
    return 0;
  color = xcalloc(g->n, 1);
  stack = xmalloc(g->n * sizeof(*stack));
  next = xmalloc(g->n * sizeof(*next)); /* next child to look at */
  at = xmalloc(g->n * sizeof(*at));     /* a grey node's place on stack */
  for (i = 0; i < g->n && !found; i++) {
    if (color[i] != WHITE)
      continue;
    depth = 0;
    stack[0] = i;
    next[0] = 0;
    at[i] = 0;
    color[i] = GREY;
    while (!found) {
      size_t top = stack[depth];
      const struct graph_node *nd = &g->nodes[top];
      if (next[depth] == nd->ndeps) {
        color[top] = BLACK;
        if (!depth)
          break;
        depth--;
        continue;
      }
      size_t d = nd->deps[next[depth]++];
      if (color[d] == GREY) {
        size_t start = at[d], j;
        ncyc = depth - start + 2;
        cyc = xmalloc(ncyc * sizeof(*cyc));
        for (j = start; j <= depth; j++)
          cyc[j - start] = stack[j];
        cyc[ncyc - 1] = d;
        found = 1;
      } else if (color[d] == WHITE) {
        stack[++depth] = d;
        next[depth] = 0;
        at[d] = depth;
        color[d] = GREY;
      }
    }
  }
  free(color);
  free(stack);
  free(next);
  free(at);
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

/* The reverse edges in one array: the dependents of i are
 * rev[start[i] .. start[i + 1]). Both malloc'ed. */
static void reverse_edges(const struct graph *g, size_t **start, size_t **rev)
{
  size_t i, k, total = 0;
  size_t *st = xcalloc(g->n + 1, sizeof(*st)), *fill;

  for (i = 0; i < g->n; i++) {
    total += g->nodes[i].ndeps;
    for (k = 0; k < g->nodes[i].ndeps; k++)
      st[g->nodes[i].deps[k] + 1]++;
  }
  for (i = 0; i < g->n; i++)
    st[i + 1] += st[i];
  *rev = xmalloc((total ? total : 1) * sizeof(**rev));
  fill = xmalloc((g->n ? g->n : 1) * sizeof(*fill));
  memcpy(fill, st, g->n * sizeof(*fill));
  for (i = 0; i < g->n; i++)
    for (k = 0; k < g->nodes[i].ndeps; k++)
      (*rev)[fill[g->nodes[i].deps[k]]++] = i;
  free(fill);
  *start = st;
}

/* A binary min-heap of node indices. */
static void heap_push(size_t *h, size_t *n, size_t v)
{
  size_t i = (*n)++;
  while (i && h[(i - 1) / 2] > v) {
    h[i] = h[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  h[i] = v;
}

static size_t heap_pop(size_t *h, size_t *n)
{
  size_t top = h[0], last = h[--*n], i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= *n)
      break;
    if (c + 1 < *n && h[c + 1] < h[c])
      c++;
    if (last <= h[c])
      break;
    h[i] = h[c];
    i = c;
  }
  if (*n)
    h[i] = last;
  return top;
}

int graph_order(const struct graph *g, int reverse, size_t *order,
                struct err *err)
{
  size_t *start, *rev, *waiting, *heap, nheap = 0, placed = 0, i, k;
  int rc;

  rc = graph_check_cycles(g, err, NULL, NULL);
  if (rc)
    return rc;
  if (!g->n)
    return 0;
  reverse_edges(g, &start, &rev);
  /* forward: a node waits for its dependencies; reverse: for its
   * dependents */
  waiting = xmalloc(g->n * sizeof(*waiting));
  heap = xmalloc(g->n * sizeof(*heap));
  for (i = 0; i < g->n; i++) {
    waiting[i] = reverse ? start[i + 1] - start[i] : g->nodes[i].ndeps;
    if (!waiting[i])
      heap_push(heap, &nheap, i);
  }
  while (nheap) {
    i = heap_pop(heap, &nheap);
    order[placed++] = i;
    if (reverse) {
      for (k = 0; k < g->nodes[i].ndeps; k++)
        if (!--waiting[g->nodes[i].deps[k]])
          heap_push(heap, &nheap, g->nodes[i].deps[k]);
    } else {
      for (k = start[i]; k < start[i + 1]; k++)
        if (!--waiting[rev[k]])
          heap_push(heap, &nheap, rev[k]);
    }
  }
  if (placed != g->n)
    BUG("no ready node in an acyclic graph");
  free(start);
  free(rev);
  free(waiting);
  free(heap);
  return 0;
}

void graph_closure(const struct graph *g, unsigned char *in)
{
  size_t *work, nwork = 0, i, k;

  if (!g->n)
    return;
  work = xmalloc(g->n * sizeof(*work));
  for (i = 0; i < g->n; i++)
    if (in[i])
      work[nwork++] = i;
  while (nwork) {
    i = work[--nwork];
    for (k = 0; k < g->nodes[i].ndeps; k++) {
      size_t d = g->nodes[i].deps[k];
      if (!in[d]) {
        in[d] = 1;
        work[nwork++] = d;
      }
    }
  }
  free(work);
}

void graph_dependents(const struct graph *g, unsigned char *in)
{
  size_t *start, *rev, *work, nwork = 0, i, k;

  if (!g->n)
    return;
  reverse_edges(g, &start, &rev);
  work = xmalloc(g->n * sizeof(*work));
  for (i = 0; i < g->n; i++)
    if (in[i])
      work[nwork++] = i;
  while (nwork) {
    i = work[--nwork];
    for (k = start[i]; k < start[i + 1]; k++) {
      if (!in[rev[k]]) {
        in[rev[k]] = 1;
        work[nwork++] = rev[k];
      }
    }
  }
  free(work);
  free(start);
  free(rev);
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
