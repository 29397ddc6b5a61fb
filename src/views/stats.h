/* views/stats: a round of container stats (orchestrate/stats) as docker's
 * table (CPU % and MEM % computed as the docker CLI does: the CPU share
 * from the sample and the one before it, memory less the inactive page
 * cache) or as JSON lines (--format json), appended to a buf. Pure. */
#ifndef WCOMPOSE_VIEWS_STATS_H
#define WCOMPOSE_VIEWS_STATS_H

#include <stddef.h>

#include "engine/types.h"
#include "util/buf.h"

/* CPU % of one sample (100 per CPU), and memory in use (bytes). */
double views_stats_cpu(const struct engine_stats *s);
long long views_stats_mem(const struct engine_stats *s);
/* The table (header and a row each; home: start with the ANSI "cursor
 * home, clear screen", to redraw in place), or one JSON object per line. */
void views_stats_render(struct buf *out, const struct engine_stats *const *v,
                        size_t n, int json, int home);

#endif
