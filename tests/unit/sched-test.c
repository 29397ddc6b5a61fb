/* Unit tests for sched: fake policies record what runs when. */
#include "tap.h"
#include "orchestrate/sched.h"

static char log_[256];
static struct sched S;
static const char *names[] = {"db", "init", "web", "worker"};
static int fail_node = -1;

static void add(const char *what, size_t i)
{
  char one[32];
  snprintf(one, sizeof(one), "%s%s:%s", log_[0] ? " " : "", what, names[i]);
  strncat(log_, one, sizeof(log_) - strlen(log_) - 1);
}

static int run(void *data, size_t i)
{
  add("run", i);
  return (int)i == fail_node ? ERR_ENGINE : 0;
}

static void skip(void *data, size_t i, size_t dep)
{
  add("skip", i);
}

static const struct sched_policy policy = {run, skip};

/* web depends on db (healthy) and init (completed); worker on db
 * (started). */
static enum dep_condition cond(void *data, size_t from, size_t to)
{
  if (from == 2 && to == 0)
    return DEP_HEALTHY;
  if (from == 2 && to == 1)
    return DEP_COMPLETED;
  return DEP_STARTED;
}

static void setup(struct graph *g, int reverse, int parallel,
                  const unsigned char *sel)
{
  graph_init(g, 4, names);
  graph_add_edge(g, 2, 0);
  graph_add_edge(g, 2, 1);
  graph_add_edge(g, 3, 0);
  sched_init(&S, g, sel, reverse, cond, NULL, &policy, NULL, parallel);
  log_[0] = '\0';
}

int main(void)
{
  struct graph g;
  setup(&g, 0, 0, NULL);
  sched_start(&S);
  is_str(log_, "run:db run:init", "roots run at once");
  log_[0] = '\0';
  sched_reached(&S, 0, SCHED_STARTED);
  is_str(log_, "run:worker", "started db releases worker only");
  log_[0] = '\0';
  sched_reached(&S, 0, SCHED_HEALTHY);
  sched_reached(&S, 1, SCHED_STARTED);
  is_str(log_, "", "web still waits for init to complete");
  sched_reached(&S, 1, SCHED_COMPLETED);
  sched_done(&S, 1, 0);
  is_str(log_, "run:web", "healthy db and completed init release web");
  ok(!sched_finished(&S), "not finished while nodes run");
  sched_done(&S, 0, 0);
  sched_done(&S, 2, 0);
  sched_done(&S, 3, 0);
  ok(sched_finished(&S), "finished");
  is_int(sched_rc(&S), 0, "no failure");
  sched_release(&S);
  graph_release(&g);

  /* a failed dependency skips its dependents, transitively */
  setup(&g, 0, 0, NULL);
  fail_node = 0;
  sched_start(&S);
  is_str(log_, "run:db run:init skip:web skip:worker",
         "db fails at run: web and worker skipped");
  sched_done(&S, 1, 0);
  is_str(log_, "run:db run:init skip:web skip:worker", "nothing else runs");
  ok(sched_finished(&S), "finished");
  is_int(sched_rc(&S), ERR_ENGINE, "failure code kept");
  fail_node = -1;
  sched_release(&S);
  graph_release(&g);

  /* done without reaching the condition: init exits non-zero */
  setup(&g, 0, 0, NULL);
  sched_start(&S);
  sched_reached(&S, 0, SCHED_HEALTHY);
  sched_reached(&S, 1, SCHED_STARTED);
  sched_done(&S, 1, ERR_STATE);
  is_str(log_, "run:db run:init run:worker skip:web",
         "init failing to complete skips web");
  sched_release(&S);
  graph_release(&g);

  /* reverse: dependents stop first */
  setup(&g, 1, 0, NULL);
  sched_start(&S);
  is_str(log_, "run:web run:worker", "dependents first");
  log_[0] = '\0';
  sched_done(&S, 2, 0);
  is_str(log_, "run:init", "init after web; db waits for worker too");
  log_[0] = '\0';
  sched_done(&S, 3, ERR_ENGINE);
  is_str(log_, "run:db", "db stops after its dependents, even failed ones");
  sched_release(&S);
  graph_release(&g);

  /* selection: unselected nodes and their edges take no part */
  unsigned char sel[] = {0, 1, 1, 0};
  setup(&g, 0, 0, sel);
  sched_start(&S);
  is_str(log_, "run:init", "web waits only for selected init");
  sched_reached(&S, 1, SCHED_COMPLETED);
  is_str(log_, "run:init run:web", "then runs");
  sched_release(&S);
  graph_release(&g);

  /* parallel limit counts nodes until they start */
  setup(&g, 0, 1, NULL);
  sched_start(&S);
  is_str(log_, "run:db", "one at a time");
  sched_reached(&S, 0, SCHED_STARTED);
  is_str(log_, "run:db run:init", "the next runs once db started");
  sched_release(&S);
  graph_release(&g);
  return tap_done();
}
