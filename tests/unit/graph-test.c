/* Unit tests for the dependency graph: orders, closures, cycles. */
#include <stdlib.h>

#include "compose/graph.h"
#include "tap.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* The orders as the first version computed them, by rescanning: the
 * smallest index whose dependencies (reverse: dependents) are all placed
 * goes next. The heap version must agree on every graph. */
static int ref_ready(const struct graph *g, size_t i, int reverse,
                     const unsigned char *done)
{
  size_t k, j;

  if (!reverse) {
    for (k = 0; k < g->nodes[i].ndeps; k++)
      if (!done[g->nodes[i].deps[k]])
        return 0;
    return 1;
  }
  for (j = 0; j < g->n; j++)
    for (k = 0; j != i && !done[j] && k < g->nodes[j].ndeps; k++)
      if (g->nodes[j].deps[k] == i)
        return 0;
  return 1;
}

static void ref_order(const struct graph *g, int reverse, size_t *order)
{
  unsigned char *done = xcalloc(g->n + 1, 1);
  size_t placed, i;

  for (placed = 0; placed < g->n; placed++) {
    for (i = 0; i < g->n; i++)
      if (!done[i] && ref_ready(g, i, reverse, done))
        break;
    done[i] = 1;
    order[placed] = i;
  }
  free(done);
}

/* Random acyclic graphs (edges from higher to lower index, then the names
 * shuffled so the order is not the identity) against the reference. */
static void random_orders(void)
{
  static char names[40][8];
  const char *np[40];
  size_t order[40], want[40];
  unsigned seed = 12345;
  int bad = 0, round;

  for (int i = 0; i < 40; i++) {
    snprintf(names[i], sizeof(names[i]), "s%d", i);
    np[i] = names[i];
  }
  for (round = 0; round < 300 && !bad; round++) {
    struct graph g = GRAPH_INIT;
    size_t n = 1 + (size_t)(round % 40), perm[40], i;
    for (i = 0; i < n; i++)
      perm[i] = i;
    for (i = n; i > 1; i--) {
      seed = seed * 1103515245 + 12345;
      size_t j = (seed >> 8) % i, t = perm[i - 1];
      perm[i - 1] = perm[j];
      perm[j] = t;
    }
    graph_init(&g, n, np);
    for (i = 0; i < 3 * n; i++) {
      seed = seed * 1103515245 + 12345;
      size_t a = (seed >> 8) % n, b = (seed >> 16) % n;
      if (a != b)
        graph_add_edge(&g, perm[a > b ? a : b], perm[a > b ? b : a]);
    }
    for (int rev = 0; rev < 2; rev++) {
      graph_order(&g, rev, order, NULL);
      ref_order(&g, rev, want);
      if (memcmp(order, want, n * sizeof(*order)))
        bad = round + 1;
    }
    graph_release(&g);
  }
  ok(!bad, "orders agree with the rescanning reference on 300 graphs%s",
     bad ? " (not all)" : "");
}

/* A chain of 200,000 services is as deep as it is long: nothing here may
 * recurse per level. */
static void long_chain(void)
{
  enum { N = 200000 };
  char(*names)[12] = xmalloc(N * sizeof(*names));
  const char **np = xmalloc(N * sizeof(*np));
  size_t *order = xmalloc(N * sizeof(*order)), *cyc = NULL, ncyc = 0;
  unsigned char *in = xcalloc(N, 1);
  struct graph g = GRAPH_INIT;
  struct err err = ERR_INIT;
  size_t i, c = 0;

  for (i = 0; i < N; i++) {
    snprintf(names[i], sizeof(names[i]), "s%zu", i);
    np[i] = names[i];
  }
  graph_init(&g, N, np);
  for (i = 1; i < N; i++)
    graph_add_edge(&g, i - 1, i); /* s0 -> s1 -> ... */
  is_int(graph_find(&g, "s199999"), N - 1, "find among 200,000 names");
  is_int(graph_order(&g, 0, order, &err), 0, "long chain ordered");
  ok(order[0] == N - 1 && order[N - 1] == 0, "deepest dependency first");
  in[0] = 1;
  graph_closure(&g, in);
  for (i = 0; i < N; i++)
    c += in[i];
  is_int(c, N, "closure of the head is the whole chain");
  memset(in, 0, N);
  in[N - 1] = 1;
  graph_dependents(&g, in);
  for (i = 0, c = 0; i < N; i++)
    c += in[i];
  is_int(c, N, "dependents of the tail are the whole chain");
  graph_add_edge(&g, N - 1, 0);
  is_int(graph_check_cycles(&g, NULL, &cyc, &ncyc), ERR_CONFIG,
         "a cycle through 200,000 services is found");
  is_int(ncyc, N + 1, "and named in full");
  free(cyc);
  graph_release(&g);
  err_release(&err);
  free(names);
  free(np);
  free(order);
  free(in);
}

static const char *order_str(const struct graph *g, const size_t *o,
                             struct buf *b)
{
  size_t i;

  buf_reset(b);
  for (i = 0; i < g->n; i++)
    buf_addf(b, "%s%s", i ? " " : "", g->nodes[o[i]].name);
  return b->data ? b->data : "";
}

int main(void)
{
  static const char *const names[] = {"app", "cache", "db", "proxy", "w"};
  struct graph g = GRAPH_INIT;
  struct err err = ERR_INIT;
  struct buf b = BUF_INIT;
  size_t order[5], *cyc = NULL, ncyc = 0;
  unsigned char in[5] = {0};

  graph_init(&g, 5, names);
  graph_add_edge(&g, 0, 2); /* app -> db */
  graph_add_edge(&g, 0, 1); /* app -> cache */
  graph_add_edge(&g, 3, 0); /* proxy -> app */
  graph_add_edge(&g, 3, 0); /* duplicate ignored */
  is_int(g.nodes[3].ndeps, 1, "duplicate edge ignored");
  is_int(graph_find(&g, "db"), 2, "find");
  is_int(graph_find(&g, "nope"), -1, "find missing");
  is_int(graph_order(&g, 0, order, &err), 0, "start order");
  is_str(order_str(&g, order, &b), "cache db app proxy w", "deps first");
  is_int(graph_order(&g, 1, order, &err), 0, "stop order");
  is_str(order_str(&g, order, &b), "proxy app cache db w", "dependents first");

  in[3] = 1;
  graph_closure(&g, in);
  ok(in[0] && in[1] && in[2] && in[3] && !in[4], "closure of proxy");
  memset(in, 0, sizeof(in));
  in[2] = 1;
  graph_dependents(&g, in);
  ok(in[0] && !in[1] && in[2] && in[3] && !in[4], "dependents of db");

  is_int(graph_check_cycles(&g, &err, NULL, NULL), 0, "no cycle");
  graph_add_edge(&g, 2, 3); /* db -> proxy: app -> db -> proxy -> app */
  is_int(graph_check_cycles(&g, &err, &cyc, &ncyc), ERR_CONFIG, "cycle");
  is_str(err.text, "dependency cycle detected: app -> db -> proxy -> app\n",
         "cycle named in full");
  is_int(ncyc, 4, "cycle length with the repeat");
  free(cyc);
  err_reset(&err);
  is_int(graph_order(&g, 0, order, &err), ERR_CONFIG, "no order with cycle");
  err_reset(&err);
  graph_release(&g);

  graph_init(&g, 1, names);
  graph_add_edge(&g, 0, 0);
  is_int(graph_check_cycles(&g, &err, NULL, NULL), ERR_CONFIG, "self cycle");
  is_str(err.text, "dependency cycle detected: app -> app\n", "self named");
  graph_release(&g);

  graph_init(&g, 0, NULL);
  is_int(graph_order(&g, 0, order, &err), 0, "empty graph");
  graph_release(&g);

  random_orders();
  long_chain();
  err_release(&err);
  buf_release(&b);
  return tap_done();
}
