/* stats: samples of the resource use of the running containers of the
 * selected services (GET /containers/{id}/stats?stream=0, all at once),
 * round after round, each round handed to the caller whole. Nothing here
 * prints; views/stats renders. */
#ifndef WCOMPOSE_ORCHESTRATE_STATS_H
#define WCOMPOSE_ORCHESTRATE_STATS_H

#include <stddef.h>

#include "engine/types.h"

/* A round: v[0..n) in the order of the listing (a container that failed
 * to answer, or went away, is left out). 0 to go on, 1 to stop. */
typedef int (*stats_round_cb)(void *data, const struct engine_stats *const *v,
                              size_t n);

/* At the top of a command: observe, then sample the running containers of
 * the session's selection (one round when !stream, else until round says
 * stop or none runs). 0, or the failure's code with s->err. */
struct session;
int stats_session_run(struct session *s, int stream, stats_round_cb round,
                      void *data);

#endif
