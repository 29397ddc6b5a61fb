/* Unit tests for plan: convergence decisions from observed containers. */
#include "tap.h"
#include "orchestrate/plan.h"

#include <stdlib.h>

static char got[512];

/* "op:service:number" for each action, space-separated; "+rename" after
 * one marked rename. */
static const char *show(const struct project *p, const struct plan *pl)
{
  got[0] = '\0';
  for (size_t i = 0; i < pl->n; i++) {
    const struct plan_action *a = &pl->v[i];
    char one[96];
    snprintf(one, sizeof(one), "%s%s:%s:%d%s", i ? " " : "",
             plan_op_name(a->op),
             a->service >= 0 ? p->services[a->service].name : "orphan",
             a->number, a->rename ? "+rename" : "");
    strncat(got, one, sizeof(got) - strlen(got) - 1);
  }
  return got;
}

static const char *run(const struct project *p, const struct plan_want *w,
                       const struct plan_container *c, size_t n, unsigned flags,
                       size_t *norphans)
{
  struct plan pl = PLAN_INIT;
  plan_make(p, w, c, n, flags, &pl);
  show(p, &pl);
  if (norphans)
    *norphans = pl.norphans;
  plan_release(&pl);
  return got;
}

/* The id of the container of the first action op on replica n of service
 * si, or "-". */
static const char *acted(const struct plan *pl, enum plan_op op, long si, int n)
{
  for (size_t i = 0; i < pl->n; i++)
    if (pl->v[i].op == op && pl->v[i].service == si && pl->v[i].number == n)
      return pl->v[i].container ? pl->v[i].container->id : "-";
  return "-";
}

/* What an up killed in the middle of a recreate leaves: the replacement
 * under its temporary name "<12 hex of the old id>_<name>", with or
 * without the old container beside it. */
static void test_killed_swap(void)
{
  struct service svc[] = {{.name = "db"}, {.name = "web"}};
  struct project p = {.name = "blog", .services = svc, .nservices = 2};
  struct plan_want w[] = {{1, 1, "h1", NULL}, {1, 2, "h2", "img2"}};
  struct plan pl = PLAN_INIT;

  /* (b) the old one removed, the rename not done */
  struct plan_container only[] = {
      {"new", "0123456789ab_blog-db-1", "db", 1, "h1", NULL, "created", 0},
      {"w1", "blog-web-1", "web", 1, "h2", "img2", "running", 0},
      {"w2", "blog-web-2", "web", 2, "h2", "img2", "running", 0},
  };
  is_str(run(&p, w, only, 3, 0, NULL),
         "start:db:1+rename keep:web:1 keep:web:2",
         "(b) the replacement under its temporary name: started, renamed");
  only[0].state = "running";
  is_str(run(&p, w, only, 3, 0, NULL), "keep:db:1+rename keep:web:1 keep:web:2",
         "(b) running under its temporary name: kept, renamed");
  is_str(run(&p, w, only, 3, PLAN_NO_RECREATE, NULL),
         "keep:db:1+rename keep:web:1 keep:web:2",
         "(b) --no-recreate renames too");
  only[0].config_hash = "h0";
  is_str(run(&p, w, only, 3, 0, NULL), "recreate:db:1 keep:web:1 keep:web:2",
         "(b) changed since: recreated (the swap names the replacement)");
  only[0].config_hash = "h1";

  /* (a) both there: the old one (running or stopped, old config) and the
   * replacement (created, current config), in either order */
  struct plan_container both[] = {
      {"0123456789abcdef", "blog-db-1", "db", 1, "h0", NULL, "running", 0},
      {"new", "0123456789ab_blog-db-1", "db", 1, "h1", NULL, "created", 0},
  };
  struct plan_container both_rev[] = {both[1], both[0]};
  w[1].selected = 0;
  is_str(run(&p, w, both, 2, 0, NULL), "start:db:1+rename remove:db:1",
         "(a) one kept, the other removed, the kept one renamed");
  plan_make(&p, w, both, 2, 0, &pl);
  is_str(acted(&pl, PLAN_START, 0, 1), "new", "(a) the current one is kept");
  is_str(acted(&pl, PLAN_REMOVE, 0, 1), "0123456789abcdef",
         "(a) the old one is removed");
  plan_release(&pl);
  plan_make(&p, w, both_rev, 2, 0, &pl);
  is_str(show(&p, &pl), "start:db:1+rename remove:db:1",
         "(a) listed the other way round: the same plan");
  is_str(acted(&pl, PLAN_START, 0, 1), "new",
         "(a) listed the other way round: the current one is kept");
  plan_release(&pl);
  both[0].state = "exited";
  plan_make(&p, w, both, 2, 0, &pl);
  is_str(acted(&pl, PLAN_START, 0, 1), "new",
         "(a) the old one stopped: the current one is kept");
  plan_release(&pl);

  /* (a) as a killed --force-recreate leaves it: both current, the
   * canonical one stays */
  both[0].config_hash = "h1";
  both[0].state = "running";
  both[1].config_hash = "h1";
  both_rev[0] = both[1];
  both_rev[1] = both[0];
  plan_make(&p, w, both_rev, 2, 0, &pl);
  is_str(show(&p, &pl), "keep:db:1 remove:db:1",
         "(a) both current: one kept as it is, no rename");
  is_str(acted(&pl, PLAN_KEEP, 0, 1), "0123456789abcdef",
         "(a) both current: the one with the canonical name is kept");
  plan_release(&pl);
  /* changed again since: both old, the canonical one is recreated */
  both[0].config_hash = "h0";
  both[1].config_hash = "h0";
  both_rev[0] = both[1];
  both_rev[1] = both[0];
  plan_make(&p, w, both_rev, 2, 0, &pl);
  is_str(show(&p, &pl), "recreate:db:1 remove:db:1",
         "(a) both outdated: one recreated, the other removed");
  is_str(acted(&pl, PLAN_RECREATE, 0, 1), "0123456789abcdef",
         "(a) both outdated: the canonical one is the one recreated");
  plan_release(&pl);
  /* an image changed counts as outdated as a hash does */
  w[0].image_id = "img-new";
  both[0].config_hash = "h1";
  both[0].image_id = "img-old";
  both[1].config_hash = "h1";
  both[1].image_id = "img-new";
  plan_make(&p, w, both, 2, 0, &pl);
  is_str(acted(&pl, PLAN_START, 0, 1), "new",
         "(a) the one on the current image is kept");
  plan_release(&pl);
  w[0].image_id = NULL;
  w[1].selected = 1;

  /* a name held by a container that stays is not taken from it */
  struct plan_container held[] = {
      {"x1", "blog-web-x", "web", 1, "h2", "img2", "running", 0},
      {"x2", "blog-web-1", "web", 2, "h2", "img2", "running", 0},
  };
  w[0].selected = 0;
  is_str(run(&p, w, held, 2, 0, NULL), "keep:web:1 keep:web:2+rename",
         "a canonical name another kept container holds: not renamed to");
  /* a one-off holds its name too (it is not the plan's) */
  struct plan_container other[] = {
      {"x1", "0123456789ab_blog-web-1", "web", 1, "h2", "img2", "running", 0},
      {"r1", "blog-web-1", "web", 1, "h2", "img2", "running", 1},
  };
  w[1].scale = 1;
  is_str(run(&p, w, other, 2, 0, NULL), "keep:web:1",
         "a canonical name a one-off holds: not renamed to");
  /* an orphan removed with --remove-orphans goes at another time: the
   * rename waits for the next up */
  struct plan_container orphan[] = {
      {"x1", "0123456789ab_blog-web-1", "web", 1, "h2", "img2", "running", 0},
      {"o1", "blog-web-1", "gone", 1, "h", NULL, "running", 0},
  };
  is_str(run(&p, w, orphan, 2, PLAN_REMOVE_ORPHANS, NULL),
         "keep:web:1 remove:orphan:1",
         "a canonical name an orphan to remove holds: not renamed to yet");
  w[1].scale = 2;
  w[0].selected = 1;
}

int main(void)
{
  struct service svc[] = {{.name = "db"}, {.name = "web"}};
  struct service off[] = {{.name = "debug"}};
  struct project p = {.name = "blog",
                      .services = svc,
                      .nservices = 2,
                      .disabled = off,
                      .ndisabled = 1};
  struct plan_want w[] = {{1, 1, "h1", NULL}, {1, 2, "h2", "img2"}};

  is_str(run(&p, w, NULL, 0, 0, NULL), "create:db:1 create:web:1 create:web:2",
         "nothing there: create every replica");

  struct plan_container have[] = {
      {"i1", "blog-db-1", "db", 1, "h1", NULL, "running", 0},
      {"i2", "blog-web-1", "web", 1, "h2", "img2", "exited", 0},
      {"i3", "blog-web-2", "web", 2, "h2", "img2", "running", 0},
  };
  is_str(run(&p, w, have, 3, 0, NULL), "keep:db:1 start:web:1 keep:web:2",
         "up to date: keep running, start stopped");
  is_str(run(&p, w, have, 3, PLAN_FORCE_RECREATE, NULL),
         "recreate:db:1 recreate:web:1 recreate:web:2", "--force-recreate");

  have[0].config_hash = "old";
  have[2].image_id = "img1";
  is_str(run(&p, w, have, 3, 0, NULL),
         "recreate:db:1 start:web:1 recreate:web:2",
         "changed hash or image: recreate");
  is_str(run(&p, w, have, 3, PLAN_NO_RECREATE, NULL),
         "keep:db:1 start:web:1 keep:web:2", "--no-recreate keeps them");
  have[0].config_hash = "h1";
  have[2].image_id = "img2";

  w[1].scale = 1;
  is_str(run(&p, w, have, 3, 0, NULL), "keep:db:1 start:web:1 remove:web:2",
         "scale down removes the higher numbers");
  w[1].scale = 3;
  is_str(run(&p, w, have, 3, 0, NULL),
         "keep:db:1 start:web:1 keep:web:2 create:web:3",
         "scale up creates the missing numbers");
  w[1].scale = 2;

  /* a gap: 2 was removed by hand */
  struct plan_container gap[] = {
      {"g4", "blog-web-4", "web", 4, "h2", "img2", "running", 0},
      {"g1", "blog-web-1", "web", 1, "h2", "img2", "running", 0},
      {"g3", "blog-web-3", "web", 3, "h2", "img2", "exited", 0},
  };
  w[0].selected = 0;
  w[1].scale = 3;
  is_str(run(&p, w, gap, 3, 0, NULL), "keep:web:1 start:web:3 keep:web:4",
         "as many as wanted: the gap stays, nothing made or removed");
  w[1].scale = 2;
  is_str(run(&p, w, gap, 3, 0, NULL), "keep:web:1 start:web:3 remove:web:4",
         "scale down removes the highest number, not the one past the gap");
  w[1].scale = 1;
  is_str(run(&p, w, gap, 3, 0, NULL), "keep:web:1 remove:web:4 remove:web:3",
         "scale down by two: highest first");
  w[1].scale = 0;
  is_str(run(&p, w, gap, 3, 0, NULL), "remove:web:4 remove:web:3 remove:web:1",
         "scale 0 removes all");
  w[1].scale = 5;
  is_str(run(&p, w, gap, 3, 0, NULL),
         "keep:web:1 create:web:2 start:web:3 keep:web:4 create:web:5",
         "scale up fills the lowest free numbers first");
  w[1].scale = 4;
  is_str(run(&p, w, gap, 3, 0, NULL),
         "keep:web:1 create:web:2 start:web:3 keep:web:4",
         "scale up by one takes the gap");
  gap[1].number = 0;
  is_str(run(&p, w, gap, 3, 0, NULL),
         "create:web:1 create:web:2 start:web:3 keep:web:4 remove:web:0",
         "an unnumbered container is replaced by a numbered one");
  w[1].scale = 2;
  w[0].selected = 1;

  w[0].selected = 0;
  is_str(run(&p, w, have, 3, 0, NULL), "start:web:1 keep:web:2",
         "unselected services are left alone");
  w[0].selected = 1;

  struct plan_container more[] = {
      {"i1", "blog-db-1", "db", 1, "h1", NULL, "running", 0},
      {"i4", "blog-db-1-dup", "db", 1, "h1", NULL, "running", 0},
      {"i5", "blog-old-1", "old", 1, "x", NULL, "running", 0},
      {"i6", "blog-debug-1", "debug", 1, "x", NULL, "running", 0},
      {"i7", "blog-web-run-1", "web", 1, "h2", NULL, "running", 1},
      {"i8", "blog-web-2", "web", 2, NULL, NULL, "created", 0},
  };
  size_t norph;
  is_str(run(&p, w, more, 6, 0, &norph),
         "keep:db:1 remove:db:1 create:web:1 recreate:web:2",
         "duplicates removed, one-offs ignored, unlabelled hash recreated");
  is_int(norph, 1, "one orphan counted (disabled services are not)");
  is_str(run(&p, w, more, 6, PLAN_REMOVE_ORPHANS, &norph),
         "keep:db:1 remove:db:1 create:web:1 recreate:web:2 remove:orphan:1",
         "--remove-orphans removes it");

  static const char listed[] =
      "[{\"Id\":\"abc\",\"Names\":[\"/blog-web-2\"],\"State\":\"exited\","
      "\"Labels\":{\"com.docker.compose.service\":\"web\","
      "\"com.docker.compose.container-number\":\"2\","
      "\"com.docker.compose.config-hash\":\"h2\","
      "\"com.docker.compose.oneoff\":\"False\"}},"
      "{\"Id\":\"def\",\"Labels\":{\"com.docker.compose.oneoff\":\"True\","
      "\"com.docker.compose.image\":\"sha256:1\"}}]";
  struct engine_container_list *l = NULL;
  is_int(engine_container_list_parse(listed, sizeof(listed) - 1, &l, NULL), 0,
         "a listing parses");
  struct plan_container c;
  plan_container_from_summary(&l->v[0], &c);
  is_str(c.id, "abc", "id");
  is_str(c.name, "blog-web-2", "name without slash");
  is_str(c.service, "web", "service");
  is_int(c.number, 2, "number");
  is_str(c.config_hash, "h2", "hash");
  is_str(c.state, "exited", "state");
  is_int(c.oneoff, 0, "not oneoff");
  ok(c.image_id == NULL, "no image label");
  plan_container_from_summary(&l->v[1], &c);
  is_str(c.name, "def", "no name: the id");
  is_str(c.state, "unknown", "no state: unknown");
  ok(c.service == NULL && c.config_hash == NULL, "no labels: NULL");
  is_int(c.number, 0, "no number: 0");
  is_int(c.oneoff, 1, "oneoff");
  is_str(c.image_id, "sha256:1", "image label");
  engine_container_list_free(l);

  /* dependents of a recreated service */
  struct volumes_from vf = {.service = "x"};
  struct dependency dx = {.service = "x", .condition = DEP_STARTED};
  struct dependency dxr = {
      .service = "x", .condition = DEP_STARTED, .restart = 1};
  struct dependency dn = {.service = "n", .condition = DEP_STARTED};
  struct service dsvc[] = {
      {.name = "x"},
      {.name = "n", .network_mode = "service:x"},
      {.name = "v", .volumes_from = &vf, .nvolumes_from = 1},
      {.name = "i", .ipc = "service:x"},
      {.name = "r", .depends_on = &dxr, .ndepends_on = 1},
      {.name = "d", .depends_on = &dx, .ndepends_on = 1},
      {.name = "c",
       .network_mode = "service:n",
       .depends_on = &dn,
       .ndepends_on = 1},
  };
  struct project dp = {.name = "p", .services = dsvc, .nservices = 7};
  struct plan_want dw[7];
  for (size_t i = 0; i < 7; i++)
    dw[i] = (struct plan_want){1, 1, "h", NULL};
  struct plan_container dh[] = {
      {"1", "p-x-1", "x", 1, "h", NULL, "running", 0, NULL, 0},
      {"2", "p-n-1", "n", 1, "h", NULL, "running", 0, NULL, 0},
      {"3", "p-v-1", "v", 1, "h", NULL, "exited", 0, NULL, 0},
      {"4", "p-i-1", "i", 1, "h", NULL, "running", 0, NULL, 0},
      {"5", "p-r-1", "r", 1, "h", NULL, "running", 0, NULL, 0},
      {"6", "p-d-1", "d", 1, "h", NULL, "running", 0, NULL, 0},
      {"7", "p-c-1", "c", 1, "h", NULL, "running", 0, NULL, 0},
  };
  is_str(run(&dp, dw, dh, 7, 0, NULL),
         "keep:x:1 keep:n:1 start:v:1 keep:i:1 keep:r:1 keep:d:1 keep:c:1",
         "nothing recreated: dependents kept");
  dh[0].config_hash = "old";
  is_str(run(&dp, dw, dh, 7, 0, NULL),
         "recreate:x:1 recreate:n:1 recreate:v:1 recreate:i:1 keep:r:1 "
         "keep:d:1 recreate:c:1",
         "x recreated: namespace and volumes_from sharers too, and theirs");
  is_str(run(&dp, dw, dh, 7, PLAN_NO_RECREATE, NULL),
         "keep:x:1 keep:n:1 start:v:1 keep:i:1 keep:r:1 keep:d:1 keep:c:1",
         "--no-recreate: nothing recreated");
  struct plan pl = PLAN_INIT;
  plan_make(&dp, dw, dh, 7, 0, &pl);
  ok(pl.v[4].restart && !pl.v[5].restart && !pl.v[1].restart,
     "restart: true marks r only");
  plan_release(&pl);
  dw[0].selected = 0;
  is_str(run(&dp, dw, dh, 7, 0, NULL),
         "keep:n:1 start:v:1 keep:i:1 keep:r:1 keep:d:1 keep:c:1",
         "x not selected: nothing follows it");
  dw[0].selected = 1;
  dh[0].config_hash = "h";
  dh[0].state = "exited";
  plan_make(&dp, dw, dh, 7, 0, &pl);
  ok(pl.v[0].op == PLAN_START && pl.v[4].restart,
     "x started again: r restarted too");
  ok(pl.v[1].op == PLAN_KEEP, "x started again: n is not recreated");
  plan_release(&pl);

  test_killed_swap();
  return tap_done();
}
