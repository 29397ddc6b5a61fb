/* Unit tests for the dependency graph: orders, closures, cycles. */
#include <stdlib.h>

#include "compose/graph.h"
#include "tap.h"
#include "util/buf.h"

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
  err_release(&err);
  buf_release(&b);
  return tap_done();
}
