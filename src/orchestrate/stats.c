/* stats: one call per container per round, awaited together. */
#include "orchestrate/stats.h"
#include "orchestrate/session.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct probe {
  struct stats_round *r;
  struct engine_stats *got; /* taken from the answer */
};

struct stats_round {
  uv_loop_t *loop;
  int pending;
};

static void on_stats(void *ctx, struct engine_result *res)
{
  struct probe *p = ctx;
  if (!res->rc) {
    p->got = res->stats;
    res->stats = NULL;
  }
  if (!--p->r->pending)
    uv_stop(p->r->loop);
}

int stats_session_run(struct session *s, int stream, stats_round_cb round,
                      void *data)
{
  for (int stop = 0; !stop;) {
    int rc = session_observe(s);
    if (rc)
      return rc;
    struct stats_round r = {.loop = &s->loop};
    struct probe *v = xcalloc(s->nhave + 1, sizeof(*v));
    for (size_t i = 0; i < s->nhave; i++) {
      const struct plan_container *c = &s->have[i];
      const struct service *svc =
          c->service ? project_service(s->project, c->service) : NULL;
      if (c->oneoff || !svc || !s->selected[svc - s->project->services] ||
          !c->state || strcmp(c->state, "running"))
        continue;
      struct err e = ERR_INIT;
      v[i].r = &r;
      if (!engine_container_stats(s->engine, c->id, on_stats, &v[i], &e))
        r.pending++;
      err_release(&e);
    }
    while (r.pending)
      uv_run(&s->loop, UV_RUN_ONCE);
    const struct engine_stats **got = xcalloc(s->nhave + 1, sizeof(*got));
    size_t n = 0;
    for (size_t i = 0; i < s->nhave; i++)
      if (v[i].got)
        got[n++] = v[i].got;
    stop = round(data, got, n) || !stream || !n;
    for (size_t i = 0; i < s->nhave; i++)
      engine_stats_free(v[i].got);
    free(got);
    free(v);
  }
  return 0;
}
