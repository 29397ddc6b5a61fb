/* Unit tests of the session runtime against the scripted engine: the
 * converge state machine (images, networks, observation, the walk) in the
 * order compose makes its calls, errors that stop it before anything is
 * created, a converge started from a loop callback, and the watch actions
 * (sync, restart, exec) as a state machine of their own. */
#define _GNU_SOURCE
#include "tap.h"
#include "../lib/fake-engine.h"
#include "orchestrate/converge.h"
#include "orchestrate/create.h"
#include "orchestrate/resources.h"
#include "orchestrate/session.h"
#include "orchestrate/teardown.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "watch/actions.h"
#include "watch/rules.h"
#include "views/views.h"
#include "watch/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static struct fake_engine *F;

static void write_file(const char *rel, const char *text)
{
  char *p = xasprintf("%s/%s", dir, rel);
  FILE *f = fopen(p, "w");
  if (!f)
    BUG("writing '%s'", p);
  fputs(text, f);
  fclose(f);
  free(p);
}

/* A session on compose.yaml (text) in dir, project "p", engine F. */
static int open_session(struct session *s, const char *text)
{
  write_file("compose.yaml", text);
  char *file = xasprintf("%s/compose.yaml", dir);
  struct strvec files = STRVEC_INIT, none = STRVEC_INIT;
  strvec_push(&files, file);
  free(file);
  struct session_config cfg = {.files = &files,
                               .project_name = "p",
                               .env_files = &none,
                               .profiles = &none};
  int rc = session_load(s, &cfg, NULL, 0, 0, NULL, NULL);
  strvec_clear(&files);
  if (!rc)
    rc = session_open(s);
  return rc;
}

/* Index in the log of the first request matching, or -1. */
static long at_(const char *method, const char *pattern)
{
  return fake_engine_find(F, method, pattern, 0);
}

static const char *two = "services:\n"
                         "  a:\n"
                         "    image: img-a\n"
                         "  b:\n"
                         "    image: img-b\n"
                         "    depends_on: [a]\n";

static void script_two(void)
{
  fake_engine_reply(F, "GET", "/images/img-a/json", 200,
                    "{\"Id\":\"sha256:aaa\"}");
  fake_engine_reply(F, "GET", "/images/img-b/json", 200,
                    "{\"Id\":\"sha256:bbb\"}");
  fake_engine_reply(F, "GET", "/networks/p_default", 404,
                    "{\"message\":\"network p_default not found\"}");
  fake_engine_reply(F, "POST", "/networks/create", 201, "{\"Id\":\"n1\"}");
  /* the look for a racing up's duplicate: ours alone */
  fake_engine_reply(F, "GET", "/networks", 200,
                    "[{\"Id\":\"n1\",\"Name\":\"p_default\","
                    "\"Created\":\"2026-01-01T00:00:00Z\"}]");
  fake_engine_reply(F, "GET", "/containers/json", 200, "[]");
  fake_engine_reply(F, "POST", "/containers/create?name=p-a-1", 201,
                    "{\"Id\":\"ca\"}");
  fake_engine_reply(F, "POST", "/containers/create?name=p-b-1", 201,
                    "{\"Id\":\"cb\"}");
  fake_engine_reply(F, "POST", "/containers/p-a-1/start", 204, NULL);
  fake_engine_reply(F, "POST", "/containers/p-b-1/start", 204, NULL);
}

static void test_converge_order(void)
{
  struct session s;
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  script_two();
  is_int(open_session(&s, two), 0, "session opens on the scripted engine");
  struct converge_options co = {.timeout = -1};
  struct plan plan = PLAN_INIT;
  int rc = converge(&s, &co, &plan);
  is_int(rc, 0, "converge succeeds");
  if (rc)
    printf("# %s\n", s.err.text ? s.err.text : "");
  is_int((int)plan.n, 2, "the plan has one container per service");
  ok(at_("GET", "/images/img-a/json") < at_("GET", "/images/img-b/json"),
     "images are looked up in project order");
  ok(at_("GET", "/images/img-b/json") < at_("POST", "/networks/create"),
     "images come before networks");
  ok(at_("POST", "/networks/create") < at_("GET", "/containers/json"),
     "the network exists before the project is observed");
  ok(at_("POST", "/containers/p-a-1/start") <
         at_("POST", "/containers/create?name=p-b-1"),
     "a is started before b, its dependent, is created");
  is_int((int)fake_engine_unmatched(F), 0, "no call outside the script");
  char *body = fake_engine_body(F, "POST", "/containers/create?name=p-a-1", 0);
  ok(body && strstr(body, "\"com.docker.compose.service\":\"a\""),
     "a's container carries compose's service label");
  ok(body && strstr(body, "sha256:aaa"), "and the image ID it was made from");
  free(body);
  body = fake_engine_body(F, "POST", "/networks/create", 0);
  ok(body && strstr(body, "\"com.docker.compose.network\":\"default\""),
     "the network carries compose's network label");
  free(body);
  plan_release(&plan);
  session_close(&s);
}

/* The round trips of a converged project: twenty services of one image,
 * all running and up to date. After the ping that negotiates the API
 * version, ps is one labelled list; a no-op up is the
 * image looked up once, the network looked up, and the same list; no
 * container is inspected, and nothing is created or started. */
#define NOOP_SERVICES 20
static void test_noop_requests(void)
{
  struct buf y = BUF_INIT;
  buf_addstr(&y, "services:\n");
  for (int i = 0; i < NOOP_SERVICES; i++) {
    buf_addf(&y, "  s%d:\n    image: img\n", i);
    if (i % 5) /* 4 chains of 5 */
      buf_addf(&y, "    depends_on: [s%d]\n", i - 1);
  }
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  struct session s;
  int rc = open_session(&s, y.data);
  is_int(rc, 0, "a 20-service session opens");
  buf_release(&y);
  if (rc)
    return;
  const struct project *p = s.project;
  struct buf l = BUF_INIT;
  buf_addch(&l, '[');
  for (size_t i = 0; i < p->nservices; i++) {
    char hash[65];
    struct err e = ERR_INIT;
    create_config_hash(p, &p->services[i], hash, &e);
    err_release(&e);
    const char *n = p->services[i].name;
    buf_addf(&l,
             "%s{\"Id\":\"c%zu\",\"Names\":[\"/p-%s-1\"],\"Image\":\"img\","
             "\"State\":\"running\",\"Status\":\"Up 1 minute\","
             "\"Labels\":{\"com.docker.compose.project\":\"p\","
             "\"com.docker.compose.service\":\"%s\","
             "\"com.docker.compose.container-number\":\"1\","
             "\"com.docker.compose.oneoff\":\"False\","
             "\"com.docker.compose.config-hash\":\"%s\","
             "\"com.docker.compose.image\":\"sha256:iii\"}}",
             i ? "," : "", i, n, n, hash);
  }
  buf_addch(&l, ']');
  fake_engine_reply(F, "GET", "/images/img/json", 200,
                    "{\"Id\":\"sha256:iii\"}");
  fake_engine_reply(F, "GET", "/networks/p_default", 200,
                    "{\"Id\":\"n1\",\"Name\":\"p_default\"}");
  fake_engine_reply(F, "GET", "/containers/json", 200, l.data);
  buf_release(&l);

  struct buf out = BUF_INIT;
  struct views_ps_options po = {.format = VIEWS_PS_TABLE};
  is_int(views_ps(&s, &po, &out), 0, "ps succeeds");
  ok(out.data && strstr(out.data, "p-s19-1"), "ps lists the 20th container");
  buf_release(&out);
  fake_engine_settle(F, 5000);
  is_int((int)fake_engine_count(F, "GET", "/_ping"), 1,
         "the first call negotiates the API version, once");
  is_int((int)fake_engine_count(F, NULL, NULL), 2,
         "ps: then one round trip, the labelled list");
  is_int((int)fake_engine_count(F, "GET", "/containers/json"), 1,
         "ps: it is the container list");

  fake_engine_log_clear(F);
  struct converge_options co = {.timeout = -1};
  struct plan plan = PLAN_INIT;
  rc = converge(&s, &co, &plan);
  is_int(rc, 0, "a no-op converge succeeds");
  if (rc)
    printf("# %s\n", s.err.text ? s.err.text : "");
  fake_engine_settle(F, 5000);
  is_int((int)fake_engine_count(F, "GET", "/images/*"), 1,
         "no-op up: one image lookup for 20 services of one image");
  is_int((int)fake_engine_count(F, "GET", "/containers/json"), 1,
         "no-op up: one container list");
  is_int((int)fake_engine_count(F, NULL, "/containers/*/json"), 0,
         "no-op up: no container inspected");
  is_int((int)fake_engine_count(F, "POST", NULL), 0,
         "no-op up: nothing created, started or stopped");
  is_int((int)fake_engine_count(F, NULL, NULL), 3,
         "no-op up: 3 round trips (image, network, list)");
  is_int((int)fake_engine_unmatched(F), 0, "no call outside the script");
  plan_release(&plan);
  session_close(&s);
}

/* Bad input changes nothing: a missing image that may not be pulled stops
 * the converge before any network or container is made. */
static void test_converge_refuses(void)
{
  struct session s;
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  fake_engine_reply(F, "GET", "/images/img-a/json", 404,
                    "{\"message\":\"No such image: img-a\"}");
  is_int(open_session(&s, "services:\n"
                          "  a:\n"
                          "    image: img-a\n"
                          "    pull_policy: never\n"),
         0, "session opens");
  struct converge_options co = {.timeout = -1};
  struct plan plan = PLAN_INIT;
  is_int(converge(&s, &co, &plan), ERR_NOTFOUND, "converge fails");
  is_str(s.err.text,
         "service 'a': image 'img-a' not found and its pull policy is "
         "'never'\n",
         "the message names the service, the image and the policy");
  is_int((int)fake_engine_count(F, "POST", "*"), 0, "nothing was created");
  is_int((int)fake_engine_count(F, "POST", "/images/create*"), 0,
         "nothing was pulled");
  plan_release(&plan);
  session_close(&s);

  fake_engine_clear(F);
  fake_engine_log_clear(F);
  fake_engine_reply(F, "GET", "/images/img-a/json", 200,
                    "{\"Id\":\"sha256:a\"}");
  fake_engine_reply(F, "GET", "/networks/outside", 404,
                    "{\"message\":\"network outside not found\"}");
  is_int(open_session(&s, "services:\n"
                          "  a:\n"
                          "    image: img-a\n"
                          "    networks: [outside]\n"
                          "networks:\n"
                          "  outside:\n"
                          "    external: true\n"),
         0, "session opens");
  is_int(converge(&s, &co, &plan), ERR_NOTFOUND, "a missing external network");
  ok(s.err.text && strstr(s.err.text, "network 'outside' declared as "
                                      "external, but could not be found"),
     "says which network is missing");
  is_int((int)fake_engine_count(F, "POST", "*"), 0, "nothing was created");
  plan_release(&plan);
  session_close(&s);
}

/* A converge started from a loop callback runs to its end without any
 * nested loop: the callback returns at once and the answers drive it. */
struct from_cb {
  struct session *s;
  struct plan plan;
  struct session_waiter w;
  int started, returned;
};

static void on_timer(uv_timer_t *t)
{
  struct from_cb *c = t->data;
  struct converge_options co = {.timeout = -1};
  c->started =
      converge_start(c->s, &co, &c->plan, session_waiter_cb, &c->w) == 0;
  c->returned = !c->w.done; /* done comes later, from the loop */
  uv_close((uv_handle_t *)t, NULL);
}

static void test_converge_from_callback(void)
{
  struct session s;
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  script_two();
  is_int(open_session(&s, two), 0, "session opens");
  struct from_cb c = {.s = &s, .plan = PLAN_INIT};
  uv_timer_t t;
  uv_timer_init(&s.loop, &t);
  t.data = &c;
  uv_timer_start(&t, on_timer, 0, 0);
  /* the top level only turns the loop */
  while (!c.w.done)
    if (!uv_run(&s.loop, UV_RUN_ONCE) && !c.w.done)
      break;
  ok(c.started && c.returned, "converge_start returns before it is done");
  ok(c.w.done, "the loop alone took it to its end");
  is_int(c.w.rc, 0, "and it succeeded");
  is_int((int)fake_engine_count(F, "POST", "/containers/*/start"), 2,
         "both containers were started");
  plan_release(&c.plan);
  session_close(&s);
}

/* Two ups racing made two networks of one name: the one that made the
 * later one removes it, and both go on with the older. */
static void test_network_race(void)
{
  struct session s;
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  fake_engine_reply(F, "GET", "/images/img-a/json", 200,
                    "{\"Id\":\"sha256:aaa\"}");
  fake_engine_reply(F, "GET", "/networks/p_default", 404,
                    "{\"message\":\"network p_default not found\"}");
  fake_engine_reply(F, "POST", "/networks/create", 201, "{\"Id\":\"ours\"}");
  fake_engine_reply(F, "GET", "/networks", 200,
                    "[{\"Id\":\"ours\",\"Name\":\"p_default\","
                    "\"Created\":\"2026-01-01T00:00:00.5Z\"},"
                    "{\"Id\":\"theirs\",\"Name\":\"p_default\","
                    "\"Created\":\"2026-01-01T00:00:00.2Z\"},"
                    "{\"Id\":\"other\",\"Name\":\"p_default2\","
                    "\"Created\":\"2025-01-01T00:00:00Z\"}]");
  fake_engine_reply(F, "DELETE", "/networks/ours", 204, NULL);
  is_int(open_session(&s, "services:\n  a:\n    image: img-a\n"), 0,
         "session opens");
  is_int(resources_ensure(&s), 0, "the network step succeeds");
  is_int((int)fake_engine_count(F, "DELETE", "/networks/ours"), 1,
         "the later of the two, ours, is removed");
  is_int((int)fake_engine_count(F, "DELETE", "/networks/*"), 1,
         "nothing else is removed");
  is_str(s.network_ids ? s.network_ids[0] : NULL, "theirs",
         "the run goes on with the older");
  session_close(&s);
}

/* Two of the name there already (a killed up's create finished late): the
 * inspect by name is refused as ambiguous; the newer ones are removed and
 * the oldest is used. */
static void test_network_ambiguous(void)
{
  struct session s;
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  fake_engine_reply(F, "GET", "/networks/p_default", 400,
                    "{\"message\":\"network p_default is ambiguous (2 "
                    "matches found based on name)\"}");
  fake_engine_reply(F, "GET", "/networks", 200,
                    "[{\"Id\":\"new\",\"Name\":\"p_default\","
                    "\"Created\":\"2026-01-01T00:00:01Z\"},"
                    "{\"Id\":\"old\",\"Name\":\"p_default\","
                    "\"Created\":\"2026-01-01T00:00:00Z\"}]");
  fake_engine_reply(F, "DELETE", "/networks/new", 204, NULL);
  is_int(open_session(&s, "services:\n  a:\n    image: img-a\n"), 0,
         "session opens");
  is_int(resources_ensure(&s), 0, "two of the name: the network step goes on");
  is_int((int)fake_engine_count(F, "DELETE", "/networks/new"), 1,
         "the newer is removed");
  is_int((int)fake_engine_count(F, "DELETE", "/networks/*"), 1, "only it");
  is_int((int)fake_engine_count(F, "POST", "/networks/create"), 0, "none made");
  is_str(s.network_ids ? s.network_ids[0] : NULL, "old", "the oldest used");
  is_int((int)fake_engine_unmatched(F), 0, "no call outside the script");
  session_close(&s);
}

/* down and a network the engine keeps for its endpoints: a stale one (its
 * container gone) is disconnected by force and the removal asked again; a
 * live container of another project on it is named, and down fails for
 * that network only. */
static void test_down_busy_network(void)
{
  static const char *busy =
      "{\"message\":\"error while removing network: network p_default id "
      "n1 has active endpoints\"}";
  struct session s;
  struct teardown_options o = {.timeout = 0};
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  fake_engine_reply(F, "GET", "/containers/json", 200, "[]");
  fake_engine_reply(F, "GET", "/networks", 200,
                    "[{\"Id\":\"n1\",\"Name\":\"p_default\"}]");
  fake_engine_add(F, &(struct fake_rule){.method = "DELETE",
                                         .pattern = "/networks/n1",
                                         .times = 1,
                                         .status = 403,
                                         .body = busy});
  fake_engine_reply(F, "DELETE", "/networks/n1", 204, NULL);
  fake_engine_reply(F, "GET", "/networks/n1", 200,
                    "{\"Id\":\"n1\",\"Name\":\"p_default\","
                    "\"Containers\":{\"ep-0123\":{\"Name\":\"p-a-1\"}}}");
  fake_engine_reply(F, "POST", "/networks/n1/disconnect", 200, NULL);
  is_int(open_session(&s, "services:\n  a:\n    image: img-a\n"), 0,
         "session opens");
  is_int(teardown(&s, &o), 0, "a stale endpoint: down succeeds");
  char *body = fake_engine_body(F, "POST", "/networks/n1/disconnect", 0);
  is_str(body, "{\"Container\":\"p-a-1\",\"Force\":true}",
         "the endpoint disconnected by force, by its name");
  free(body);
  is_int((int)fake_engine_count(F, "DELETE", "/networks/n1"), 2,
         "the removal asked again");
  is_int((int)fake_engine_unmatched(F), 0, "no call outside the script");
  session_close(&s);

  fake_engine_clear(F);
  fake_engine_log_clear(F);
  fake_engine_reply(F, "GET", "/containers/json", 200, "[]");
  fake_engine_reply(F, "GET", "/networks", 200,
                    "[{\"Id\":\"n1\",\"Name\":\"p_default\"},"
                    "{\"Id\":\"n2\",\"Name\":\"p_back\"}]");
  fake_engine_reply(F, "DELETE", "/networks/n1", 403, busy);
  fake_engine_reply(F, "DELETE", "/networks/n2", 204, NULL);
  fake_engine_reply(F, "GET", "/networks/n1", 200,
                    "{\"Id\":\"n1\",\"Name\":\"p_default\","
                    "\"Containers\":{\"cx\":{\"Name\":\"other\"}}}");
  fake_engine_reply(F, "GET", "/containers/cx/json", 200,
                    "{\"Id\":\"cx\",\"Name\":\"/other\","
                    "\"State\":{\"Status\":\"running\",\"Running\":true}}");
  is_int(open_session(&s, "services:\n  a:\n    image: img-a\n"), 0,
         "session opens");
  ok(teardown(&s, &o) != 0, "a live container on it: down fails");
  is_str(s.err.text,
         "network 'p_default' is still in use by container 'other', which is "
         "not being removed\n",
         "and names it");
  is_int((int)fake_engine_count(F, "POST", "/networks/n1/disconnect"), 0,
         "a live container is not disconnected");
  is_int((int)fake_engine_count(F, "DELETE", "/networks/n2"), 1,
         "the other network is removed all the same");
  is_int((int)fake_engine_unmatched(F), 0, "no call outside the script");
  session_close(&s);
}

/* --- watch actions --- */

static const char *listing =
    "[{\"Id\":\"ca\",\"Names\":[\"/p-a-1\"],\"State\":\"running\","
    "\"Labels\":{\"com.docker.compose.project\":\"p\","
    "\"com.docker.compose.service\":\"a\","
    "\"com.docker.compose.container-number\":\"1\","
    "\"com.docker.compose.oneoff\":\"False\"}}]";

struct applied {
  int done, rc;
};

static void on_applied(void *arg, int rc)
{
  struct applied *a = arg;
  a->done = 1;
  a->rc = rc;
}

/* Apply one batch for a change of src/x.txt; rc and err as the run left
 * them. */
static int apply_batch(struct session *s, struct err *err)
{
  struct watch_rules r;
  struct strvec notes = STRVEC_INIT;
  int rc = watch_rules_init(&r, s->project, NULL, &notes, err);
  strvec_clear(&notes);
  if (rc)
    return rc;
  char *path = xasprintf("%s/src/x.txt", dir);
  struct watch_batch b;
  watch_batch_make(&r, &path, 1, &b);
  struct applied a = {0, 0};
  struct watch_apply *wa;
  watch_apply_start(&s->loop, s->engine, s->project, &r, &b, NULL, NULL, NULL,
                    err, on_applied, &a, &wa);
  ok(!a.done, "the run has not ended when it is started");
  while (!a.done)
    if (!uv_run(&s->loop, UV_RUN_ONCE) && !a.done)
      break;
  watch_apply_free(wa);
  uv_run(&s->loop, UV_RUN_NOWAIT);
  watch_batch_release(&b);
  watch_rules_release(&r);
  free(path);
  return a.done ? a.rc : ERR_STATE;
}

static const char *watched = "services:\n"
                             "  a:\n"
                             "    image: img-a\n"
                             "    develop:\n"
                             "      watch:\n"
                             "        - action: sync+restart\n"
                             "          path: ./src\n"
                             "          target: /app\n";

static void test_watch_actions(void)
{
  char *src = xasprintf("%s/src", dir);
  mkdir(src, 0755);
  free(src);
  write_file("src/x.txt", "hello from the host\n");
  struct session s;
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  fake_engine_reply(F, "GET", "/containers/json", 200, listing);
  fake_engine_reply(F, "PUT", "/containers/ca/archive*", 200, NULL);
  fake_engine_reply(F, "POST", "/containers/*/restart*", 204, NULL);
  is_int(open_session(&s, watched), 0, "session opens");
  struct err e = ERR_INIT;
  is_int(apply_batch(&s, &e), 0, "the batch is applied");
  is_int((int)fake_engine_count(F, "PUT", "/containers/ca/archive*"), 1,
         "one upload for the container");
  char *body = fake_engine_body(F, "PUT", "/containers/ca/archive*", 0);
  ok(body && strstr(body, "app/x.txt"), "the tar holds the file at its "
                                        "container path");
  free(body);
  ok(at_("PUT", "/containers/ca/archive*") <
         at_("POST", "/containers/*/restart*"),
     "the files are copied before the restart");
  err_release(&e);
  session_close(&s);

  /* the engine refuses the upload: the run ends with its message and no
   * restart */
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  fake_engine_reply(F, "GET", "/containers/json", 200, listing);
  fake_engine_reply(F, "PUT", "/containers/ca/archive*", 500,
                    "{\"message\":\"no space left on device\"}");
  fake_engine_reply(F, "POST", "/containers/*/restart*", 204, NULL);
  is_int(open_session(&s, watched), 0, "session opens");
  is_int(apply_batch(&s, &e) != 0, 1, "a refused upload fails the run");
  ok(e.text && strstr(e.text, "no space left on device"),
     "with the engine's words");
  err_release(&e);
  session_close(&s);
}

/* initial_sync of a sync+exec rule: every file of its path in one upload,
 * then its command with the rule's user, privileges, directory and
 * environment. */
static const char *exec_rule = "services:\n"
                               "  a:\n"
                               "    image: img-a\n"
                               "    develop:\n"
                               "      watch:\n"
                               "        - action: sync+exec\n"
                               "          path: ./src\n"
                               "          target: /app\n"
                               "          initial_sync: true\n"
                               "          ignore: [\"skip.txt\"]\n"
                               "          exec:\n"
                               "            command: [\"make\", \"x\"]\n"
                               "            user: \"1000:1000\"\n"
                               "            privileged: true\n"
                               "            working_dir: /app/sub\n"
                               "            environment:\n"
                               "              A: \"1\"\n"
                               "              NOPE:\n";

static void test_watch_initial_exec(void)
{
  char *sub = xasprintf("%s/src/sub", dir);
  mkdir(sub, 0755);
  free(sub);
  write_file("src/sub/y.txt", "y\n");
  write_file("src/skip.txt", "not synced\n");
  struct session s;
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  fake_engine_reply(F, "GET", "/containers/json", 200, listing);
  fake_engine_reply(F, "PUT", "/containers/ca/archive*", 200, NULL);
  fake_engine_reply(F, "POST", "/containers/ca/exec", 201, "{\"Id\":\"e1\"}");
  fake_engine_add(F, &(struct fake_rule){.method = "POST",
                                         .pattern = "/exec/e1/start",
                                         .type = "application/"
                                                 "vnd.docker.raw-stream"});
  fake_engine_reply(F, "GET", "/exec/e1/json", 200,
                    "{\"Running\":false,\"ExitCode\":0}");
  is_int(open_session(&s, exec_rule), 0, "session opens");
  struct watch_rules r;
  struct strvec notes = STRVEC_INIT;
  struct err e = ERR_INIT;
  is_int(watch_rules_init(&r, s.project, NULL, &notes, &e), 0, "rules");
  strvec_clear(&notes);
  ok(r.n == 1 && r.v[0].initial_sync, "initial_sync is read");
  struct watch_batch b;
  size_t dropped = 9;
  watch_batch_initial(&r, 100, &b, &dropped);
  is_int((int)dropped, 0, "nothing dropped");
  is_int((int)b.n, 1, "one service asked");
  /* src itself, src/sub, src/sub/y.txt, src/x.txt (skip.txt ignored) */
  is_int(b.n ? (int)b.v[0].nsync : -1, 4, "the tree without what it ignores");
  is_int(b.n ? (int)b.v[0].nexecs : -1, 1, "and its command");
  struct applied a = {0, 0};
  struct watch_apply *wa;
  watch_apply_start(&s.loop, s.engine, s.project, &r, &b, NULL, NULL, NULL, &e,
                    on_applied, &a, &wa);
  while (!a.done)
    if (!uv_run(&s.loop, UV_RUN_ONCE) && !a.done)
      break;
  is_int(a.rc, 0, "applied");
  watch_apply_free(wa);
  uv_run(&s.loop, UV_RUN_NOWAIT);
  is_int((int)fake_engine_count(F, "PUT", "/containers/ca/archive*"), 1,
         "one upload for the whole tree");
  struct fake_request req;
  fake_engine_get(F, at_("PUT", "/containers/ca/archive*"), &req);
  size_t n = req.body_len < FAKE_BODY_MAX ? req.body_len : FAKE_BODY_MAX;
  ok(req.body && memmem(req.body, n, "app/sub/y.txt", 13) &&
         memmem(req.body, n, "app/x.txt", 9) &&
         !memmem(req.body, n, "skip.txt", 8),
     "the tar holds the tree's files, not the ignored one");
  fake_request_release(&req);
  char *body = fake_engine_body(F, "POST", "/containers/ca/exec", 0);
  ok(body && strstr(body, "\"User\":\"1000:1000\""), "exec: the rule's user");
  ok(body && strstr(body, "\"Privileged\":true"), "exec: privileged");
  ok(body && strstr(body, "\"WorkingDir\":\"/app/sub\""),
     "exec: its working_dir");
  ok(body && strstr(body, "\"Env\":[\"A=1\"]"),
     "exec: its environment (a bare key without a value left out)");
  ok(at_("PUT", "/containers/ca/archive*") < at_("POST", "/containers/ca/exec"),
     "the command runs after the upload");
  free(body);
  watch_batch_release(&b);
  watch_rules_release(&r);
  err_release(&e);
  session_close(&s);
  char *rm = xasprintf("rm -rf '%s/src/sub' '%s/src/skip.txt'", dir, dir);
  if (system(rm) != 0)
    printf("# could not clean up\n");
  free(rm);
}

/* A delete for a stopped container waits until it runs: then one rm -rf;
 * a path synced again meanwhile is not deleted. */
static const char *stopped =
    "[{\"Id\":\"ca\",\"Names\":[\"/p-a-1\"],\"State\":\"exited\","
    "\"Labels\":{\"com.docker.compose.project\":\"p\","
    "\"com.docker.compose.service\":\"a\","
    "\"com.docker.compose.container-number\":\"1\","
    "\"com.docker.compose.oneoff\":\"False\"}}]";

static const char *sync_only = "services:\n"
                               "  a:\n"
                               "    image: img-a\n"
                               "    develop:\n"
                               "      watch:\n"
                               "        - action: sync\n"
                               "          path: ./src\n"
                               "          target: /app\n";

/* Apply the changes rels (under dir) with pd; the run's rc. */
static int apply_paths(struct session *s, const char *const *rels, size_t n,
                       struct watch_memo *pd)
{
  struct watch_rules r;
  struct strvec notes = STRVEC_INIT, paths = STRVEC_INIT;
  struct err e = ERR_INIT;
  watch_rules_init(&r, s->project, NULL, &notes, &e);
  strvec_clear(&notes);
  for (size_t i = 0; i < n; i++)
    strvec_pushf(&paths, "%s/%s", dir, rels[i]);
  struct watch_batch b;
  watch_batch_make(&r, paths.v, paths.n, &b);
  struct applied a = {0, 0};
  struct watch_apply *wa;
  watch_apply_start(&s->loop, s->engine, s->project, &r, &b, pd, NULL, NULL, &e,
                    on_applied, &a, &wa);
  while (!a.done)
    if (!uv_run(&s->loop, UV_RUN_ONCE) && !a.done)
      break;
  watch_apply_free(wa);
  uv_run(&s->loop, UV_RUN_NOWAIT);
  watch_batch_release(&b);
  watch_rules_release(&r);
  strvec_clear(&paths);
  err_release(&e);
  return a.done ? a.rc : ERR_STATE;
}

static void test_watch_pending(void)
{
  struct session s;
  struct watch_memo pd = {NULL, 0, NULL, 0};
  const char *gone[] = {"src/gone.txt", "src/back.txt"};
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  fake_engine_reply(F, "GET", "/containers/json", 200, stopped);
  is_int(open_session(&s, sync_only), 0, "session opens");
  is_int(apply_paths(&s, gone, 2, &pd), 0, "deletes for a stopped container");
  is_int((int)fake_engine_count(F, "POST", "/containers/ca/exec"), 0,
         "no exec in a stopped container");
  is_int((int)pd.n, 2, "both deletes are kept");
  ok(watch_memo_has_deletes(&pd, "ca"), "for that container");

  /* back.txt comes back while it is stopped: synced, no longer deleted */
  write_file("src/back.txt", "back\n");
  fake_engine_reply(F, "PUT", "/containers/ca/archive*", 200, NULL);
  is_int(apply_paths(&s, gone + 1, 1, &pd), 0, "a path synced again");
  is_int((int)pd.n, 1, "its kept delete is dropped");

  /* it runs: the next run (an empty batch) deletes what is kept */
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  fake_engine_reply(F, "GET", "/containers/json", 200, listing);
  fake_engine_reply(F, "POST", "/containers/ca/exec", 201, "{\"Id\":\"e2\"}");
  fake_engine_add(F, &(struct fake_rule){.method = "POST",
                                         .pattern = "/exec/e2/start",
                                         .type = "application/"
                                                 "vnd.docker.raw-stream"});
  fake_engine_reply(F, "GET", "/exec/e2/json", 200,
                    "{\"Running\":false,\"ExitCode\":0}");
  is_int(apply_paths(&s, NULL, 0, &pd), 0, "the container runs again");
  char *body = fake_engine_body(F, "POST", "/containers/ca/exec", 0);
  ok(body && strstr(body, "[\"rm\",\"-rf\",\"/app/gone.txt\"]"),
     "the kept delete is applied, alone");
  free(body);
  is_int((int)pd.n, 0, "and no longer kept");

  /* a container that is gone takes its kept deletes with it */
  fake_engine_clear(F);
  fake_engine_reply(F, "GET", "/containers/json", 200, stopped);
  apply_paths(&s, gone, 1, &pd);
  is_int((int)pd.n, 1, "kept again");
  fake_engine_clear(F);
  fake_engine_reply(F, "GET", "/containers/json", 200, "[]");
  apply_paths(&s, NULL, 0, &pd);
  is_int((int)pd.n, 0, "dropped when the container is gone");
  watch_memo_release(&pd);
  session_close(&s);
  char *rm = xasprintf("rm -f '%s/src/back.txt'", dir);
  if (system(rm) != 0)
    printf("# could not clean up\n");
  free(rm);
}

/* A container that runs as a user of its own gets the synced files given
 * to that user (as root, by chown in it); its user is asked once. */
static void test_watch_owner(void)
{
  char buf[64];
  ok(!watch_owner("", buf, sizeof(buf)) && !watch_owner("root", buf, 64) &&
         !watch_owner("0:0", buf, 64) && !watch_owner(NULL, buf, 64),
     "root's containers: no chown");
  is_str(watch_owner("app", buf, sizeof(buf)),
         "app:", "a name: with its login group");
  is_str(watch_owner("1000", buf, sizeof(buf)), "1000", "a uid alone");
  is_str(watch_owner("1000:50", buf, sizeof(buf)), "1000:50", "uid:gid");

  struct session s;
  struct watch_memo m = {NULL, 0, NULL, 0};
  const char *x[] = {"src/x.txt"};
  fake_engine_clear(F);
  fake_engine_log_clear(F);
  fake_engine_reply(F, "GET", "/containers/json", 200, listing);
  fake_engine_reply(F, "GET", "/containers/ca/json", 200,
                    "{\"Id\":\"ca\",\"Name\":\"/p-a-1\","
                    "\"Config\":{\"User\":\"app\"},"
                    "\"State\":{\"Status\":\"running\",\"Running\":true}}");
  fake_engine_reply(F, "PUT", "/containers/ca/archive*", 200, NULL);
  fake_engine_reply(F, "POST", "/containers/ca/exec", 201, "{\"Id\":\"e3\"}");
  fake_engine_add(F, &(struct fake_rule){.method = "POST",
                                         .pattern = "/exec/e3/start",
                                         .type = "application/"
                                                 "vnd.docker.raw-stream"});
  fake_engine_reply(F, "GET", "/exec/e3/json", 200,
                    "{\"Running\":false,\"ExitCode\":0}");
  is_int(open_session(&s, sync_only), 0, "session opens");
  is_int(apply_paths(&s, x, 1, &m), 0, "a sync to a container running as app");
  char *body = fake_engine_body(F, "POST", "/containers/ca/exec", 0);
  ok(body && strstr(body, "[\"chown\",\"-h\",\"app:\",\"/app/x.txt\"]"),
     "the synced file is given to app");
  ok(body && strstr(body, "\"User\":\"0\""), "by root");
  free(body);
  ok(at_("PUT", "/containers/ca/archive*") < at_("POST", "/containers/ca/exec"),
     "after the upload");
  is_int(apply_paths(&s, x, 1, &m), 0, "a second sync");
  is_int((int)fake_engine_count(F, "GET", "/containers/ca/json"), 1,
         "the container's user is asked once");
  is_int((int)fake_engine_count(F, "POST", "/containers/ca/exec"), 2,
         "and each sync gives the files");
  watch_memo_release(&m);
  session_close(&s);
}

/* --- the watch's times --- */

static const char *fake_settle;

static const char *fake_env(const char *name)
{
  return strcmp(name, "WCOMPOSE_WATCH_SETTLE") ? NULL : fake_settle;
}

/* Times of a project whose top level has extra (YAML) after its service. */
static int times_of(const char *extra, const char *settle,
                    struct debounce_times *t, struct err *e)
{
  struct session s;
  char *text = xasprintf("services:\n  a:\n    image: img-a\n%s", extra);
  fake_settle = settle;
  int rc = open_session(&s, text);
  free(text);
  if (!rc)
    rc = watch_session_times(s.project, fake_env, t, e);
  session_close(&s);
  return rc;
}

static void test_watch_times(void)
{
  struct debounce_times t;
  struct err e = ERR_INIT;
  fake_engine_clear(F);
  is_int(times_of("", NULL, &t, &e), 0, "no setting: the defaults");
  ok(t.settle_ms == DEBOUNCE_SETTLE_MS && t.quiet_ms == DEBOUNCE_QUIET_MS &&
         t.max_wait_ms == DEBOUNCE_MAX_WAIT_MS,
     "settle, quiet and max_wait as debounce.h says");
  is_int(times_of("x-wcompose-watch:\n  settle: 50ms\n  quiet: 0.3s\n"
                  "  max_wait: 5000\n",
                  NULL, &t, &e),
         0, "x-wcompose-watch is read");
  ok(t.settle_ms == 50 && t.quiet_ms == 300 && t.max_wait_ms == 5000,
     "ms, s and bare milliseconds");
  is_int(times_of("x-wcompose-watch:\n  settle: 50ms\n", "10ms", &t, &e), 0,
         "the environment too");
  is_int((int)t.settle_ms, 10, "WCOMPOSE_WATCH_SETTLE wins over the file");
  is_int(times_of("x-wcompose-watch:\n  settle: soon\n", NULL, &t, &e),
         ERR_CONFIG, "a value that is no duration");
  ok(e.text && strstr(e.text, "x-wcompose-watch.settle: 'soon' is not a "
                              "duration"),
     "is named with its key");
  err_release(&e);
  is_int(times_of("x-wcompose-watch:\n  settel: 5ms\n", NULL, &t, &e),
         ERR_CONFIG, "an unknown key is refused");
  err_release(&e);
  is_int(times_of("", "-5", &t, &e), ERR_CONFIG,
         "a negative WCOMPOSE_WATCH_SETTLE is refused");
  ok(e.text && strstr(e.text, "WCOMPOSE_WATCH_SETTLE"), "and named");
  err_release(&e);
  is_int(times_of("", "2min", &t, &e), ERR_CONFIG, "so is an unknown unit");
  err_release(&e);
}

int main(void)
{
  snprintf(dir, sizeof(dir), "/tmp/wcompose-session-test.XXXXXX");
  if (!mkdtemp(dir))
    BUG("mkdtemp");
  F = fake_engine_start();
  setenv("DOCKER_HOST", fake_engine_url(F), 1);
  unsetenv("DOCKER_API_VERSION");
  /* syncs here go by PUT archive, whose requests the tests count; the
   * channel kept open in a container is tested on the engine
   * (tests/engine/watch-channel.sh) */
  setenv("WCOMPOSE_WATCH_CHANNEL", "0", 1);
  test_converge_order();
  test_noop_requests();
  test_converge_refuses();
  test_converge_from_callback();
  test_network_race();
  test_network_ambiguous();
  test_down_busy_network();
  test_watch_actions();
  test_watch_initial_exec();
  test_watch_pending();
  test_watch_owner();
  test_watch_times();
  fake_engine_stop(F);
  char *rm = xasprintf("rm -rf '%s'", dir);
  if (system(rm) != 0)
    printf("# could not remove %s\n", dir);
  free(rm);
  return tap_done();
}
