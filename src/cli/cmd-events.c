/* wcompose events: stream the engine's events about the project's
 * containers, as text lines or (--json) one JSON object per line, until
 * Ctrl-C. */
#include "cli/views.h"
#include "orchestrate/labels.h"
#include "util/xalloc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ev {
  struct session *lc;
  int json;
  uv_signal_t sigint;
  struct engine_call *call;
  struct session_call done;
};

/* Keep events of the selected services only. */
static int selected(struct session *lc, const char *service)
{
  const struct project *p = lc->project;
  for (size_t k = 0; k < p->nservices; k++)
    if (!strcmp(p->services[k].name, service))
      return lc->selected[k];
  return !lc->named;
}

static int on_event(void *ctx, const cJSON *e)
{
  struct ev *v = ctx;
  const cJSON *actor = cJSON_GetObjectItemCaseSensitive(e, "Actor");
  const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(actor, "Attributes");
  const char *service = views_str(attrs, LABELS_SERVICE);
  const char *action = views_str(e, "Action");
  if (!*action)
    action = views_str(e, "status");
  if (!selected(v->lc, service))
    return 0;
  const cJSON *tn = cJSON_GetObjectItemCaseSensitive(e, "timeNano");
  const cJSON *ts = cJSON_GetObjectItemCaseSensitive(e, "time");
  long long nano = cJSON_IsNumber(tn) ? (long long)tn->valuedouble
                   : cJSON_IsNumber(ts)
                       ? (long long)ts->valuedouble * 1000000000LL
                       : 0;
  time_t sec = (time_t)(nano / 1000000000LL);
  long frac = (long)(nano % 1000000000LL);
  struct tm tm;
  char when[64] = "";
  if (gmtime_r(&sec, &tm))
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
  if (v->json) {
    cJSON *o = cJSON_CreateObject();
    char *t = xasprintf("%s.%09ldZ", when, frac);
    cJSON_AddStringToObject(o, "time", t);
    free(t);
    cJSON_AddStringToObject(o, "type", "container");
    cJSON_AddStringToObject(o, "action", action);
    cJSON_AddStringToObject(o, "id", views_str(actor, "ID"));
    cJSON_AddStringToObject(o, "service", service);
    cJSON *a = cJSON_AddObjectToObject(o, "attributes");
    const cJSON *it;
    cJSON_ArrayForEach(it, attrs)
    {
      if (cJSON_IsString(it) && strncmp(it->string, "com.docker.compose.", 19))
        cJSON_AddStringToObject(a, it->string, it->valuestring);
    }
    char *text = cJSON_PrintUnformatted(o);
    puts(text);
    free(text);
    cJSON_Delete(o);
  } else {
    if (when[10] == 'T')
      when[10] = ' ';
    printf("%s.%06ld container %s %s (image=%s, name=%s)\n", when, frac / 1000,
           action, views_str(actor, "ID"), views_str(attrs, "image"),
           views_str(attrs, "name"));
  }
  fflush(stdout);
  return 0;
}

static void on_end(void *ctx, struct engine_result *res)
{
  struct ev *v = ctx;
  v->call = NULL;
  if (res->rc == ERR_CANCELED)
    res->rc = 0;
  session_call_cb(&v->done, res);
  uv_close((uv_handle_t *)&v->sigint, NULL);
}

static void on_sigint(uv_signal_t *h, int signum)
{
  struct ev *v = h->data;
  (void)signum;
  if (v->call)
    engine_call_cancel(v->call);
}

enum { O_JSON = 1 };

static const struct cli_option options[] = {
    {O_JSON, 0, "json", NULL, "Output events as a stream of JSON objects"},
    {0}};

static int cmd_events(struct cli_global *g, const struct cli_args *args)
{
  int json = cli_flag(args, O_JSON) > 0;
  struct cli_session cs;
  struct session *lc = &cs.s;
  struct ev v;
  memset(&v, 0, sizeof(v));
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc) {
    v.lc = lc;
    v.json = json;
    v.done.err = &lc->err;
    cJSON *filters = NULL;
    char *f = xasprintf("%s=%s", LABELS_PROJECT, lc->project->name);
    engine_filter_add(&filters, "label", f);
    engine_filter_add(&filters, "type", "container");
    free(f);
    uv_signal_init(&lc->loop, &v.sigint);
    v.sigint.data = &v;
    uv_signal_start(&v.sigint, on_sigint, SIGINT);
    rc = engine_events(lc->engine, filters, NULL, NULL, on_event, on_end, &v,
                       &v.call, &lc->err);
    cJSON_Delete(filters);
    if (rc)
      uv_close((uv_handle_t *)&v.sigint, NULL);
    else
      rc = session_call_wait(lc, &v.done);
    session_call_release(&v.done);
  }
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_events_entry = {
    .name = "events",
    .summary = "Stream events from the project's containers",
    .usage = "[OPTIONS] [SERVICE...]",
    .description =
        "Stream container events for every container in the project.\n",
    .options = options,
    .run = cmd_events};
