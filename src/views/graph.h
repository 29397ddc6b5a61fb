/* graph: a picture of a project: its services and what ties them
 * (depends_on with its condition, volumes_from, network_mode: service:,
 * the networks they join, the ports they publish) as a Graphviz DOT
 * digraph, and as SVG through Graphviz's `dot` program when it is
 * installed. Pure but for the `dot` child; text is appended to a buf the
 * caller owns. */
#ifndef WCOMPOSE_VIEWS_GRAPH_H
#define WCOMPOSE_VIEWS_GRAPH_H

#include "compose/model.h"
#include "util/buf.h"

struct err;

/* The formats views_graph takes, as `graph --format` does. */
#define VIEWS_GRAPH_FORMATS "dot|svg"

/* The DOT text of p's enabled services, in name order (the same project
 * gives the same text). */
int views_graph_dot(const struct project *p, struct buf *out);

/* p in format ("dot", or NULL; "svg"): svg runs `dot -Tsvg` on the DOT
 * text (the program named by WCOMPOSE_DOT when set, for tests); when it is
 * not installed, ERR_NOTFOUND with "--format svg needs Graphviz's 'dot'
 * program (Debian: apt-get install graphviz)"; when it fails, ERR_IO with
 * its exit status. An unknown format is ERR_USAGE. */
int views_graph(const struct project *p, const char *format, struct buf *out,
                struct err *err);

#endif
