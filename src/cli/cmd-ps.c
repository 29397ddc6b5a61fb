/* wcompose ps: list the project's containers as a table (NAME IMAGE COMMAND
 * SERVICE CREATED STATUS PORTS), as JSON lines, as IDs or service names. */
#include "cli/views.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = {"paused",  "restarting", "removing",
                                       "running", "dead",       "created",
                                       "exited",  NULL};

#define NCOL 7

static char *command_of(const cJSON *j, int trunc)
{
  const char *cmd = views_str(j, "Command");
  char *q;
  if (trunc && strlen(cmd) > 19)
    q = xasprintf("\"%.19s\xe2\x80\xa6\"", cmd);
  else
    q = xasprintf("\"%s\"", cmd);
  return q;
}

static void print_table(struct views_list *l, int trunc)
{
  static const char *const head[NCOL] = {
      "NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"};
  size_t rows = l->n + 1;
  char **cell = xcalloc(rows * NCOL, sizeof(*cell));
  time_t now = time(NULL);
  for (int c = 0; c < NCOL; c++)
    cell[c] = xstrdup(head[c]);
  for (size_t i = 0; i < l->n; i++) {
    const cJSON *j = l->v[i].j;
    char **r = cell + (i + 1) * NCOL;
    const cJSON *created = cJSON_GetObjectItemCaseSensitive(j, "Created");
    r[0] = xstrdup(l->v[i].c.name);
    r[1] = xstrdup(views_str(j, "Image"));
    r[2] = command_of(j, trunc);
    r[3] = xstrdup(l->v[i].c.service);
    r[4] = views_ago_new(
        cJSON_IsNumber(created) ? (long long)created->valuedouble : 0, now);
    r[5] = xstrdup(views_str(j, "Status"));
    r[6] = views_ports_new(cJSON_GetObjectItemCaseSensitive(j, "Ports"));
  }
  views_table(cell, rows, NCOL);
}

/* One object per line, with the fields docker compose prints. */
static void print_json(struct session *lc, struct views_list *l)
{
  time_t now = time(NULL);
  for (size_t i = 0; i < l->n; i++) {
    const cJSON *j = l->v[i].j;
    cJSON *o = cJSON_CreateObject();
    const cJSON *created = cJSON_GetObjectItemCaseSensitive(j, "Created");
    long long t = cJSON_IsNumber(created) ? (long long)created->valuedouble : 0;
    char *ago = views_ago_new(t, now);
    char *ports = views_ports_new(cJSON_GetObjectItemCaseSensitive(j, "Ports"));
    char when[64] = "";
    time_t tt = (time_t)t;
    struct tm tm;
    if (localtime_r(&tt, &tm))
      strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z %Z", &tm);
    const char *status = views_str(j, "Status");
    const char *paren = strchr(status, '(');
    int code = 0;
    if (!strncmp(status, "Exited (", 8) && paren)
      code = atoi(paren + 1);
    const char *health = strstr(status, "(healthy)")            ? "healthy"
                         : strstr(status, "(unhealthy)")        ? "unhealthy"
                         : strstr(status, "(health: starting)") ? "starting"
                                                                : "";
    cJSON_AddStringToObject(o, "Command", views_str(j, "Command"));
    cJSON_AddStringToObject(o, "CreatedAt", when);
    cJSON_AddNumberToObject(o, "ExitCode", code);
    cJSON_AddStringToObject(o, "Health", health);
    cJSON_AddStringToObject(o, "ID", l->v[i].c.id);
    cJSON_AddStringToObject(o, "Image", views_str(j, "Image"));
    cJSON_AddStringToObject(o, "Name", l->v[i].c.name);
    cJSON_AddStringToObject(o, "Names", l->v[i].c.name);
    cJSON_AddStringToObject(o, "Ports", ports);
    cJSON_AddStringToObject(o, "Project", lc->project->name);
    cJSON *pubs = cJSON_AddArrayToObject(o, "Publishers");
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(j, "Ports"))
    {
      cJSON *u = cJSON_CreateObject();
      const cJSON *priv = cJSON_GetObjectItemCaseSensitive(p, "PrivatePort");
      const cJSON *pub = cJSON_GetObjectItemCaseSensitive(p, "PublicPort");
      cJSON_AddStringToObject(u, "URL", views_str(p, "IP"));
      cJSON_AddNumberToObject(u, "TargetPort",
                              cJSON_IsNumber(priv) ? priv->valuedouble : 0);
      cJSON_AddNumberToObject(u, "PublishedPort",
                              cJSON_IsNumber(pub) ? pub->valuedouble : 0);
      cJSON_AddStringToObject(u, "Protocol", views_str(p, "Type"));
      cJSON_AddItemToArray(pubs, u);
    }
    cJSON_AddStringToObject(o, "RunningFor", ago);
    cJSON_AddStringToObject(o, "Service", l->v[i].c.service);
    cJSON_AddStringToObject(o, "State", views_str(j, "State"));
    cJSON_AddStringToObject(o, "Status", status);
    char *text = cJSON_PrintUnformatted(o);
    puts(text);
    free(text);
    free(ago);
    free(ports);
    cJSON_Delete(o);
  }
}

enum {
  O_ALL = 1,
  O_QUIET,
  O_SERVICES,
  O_STATUS,
  O_FILTER,
  O_FORMAT,
  O_NO_TRUNC,
  O_ORPHANS
};

static const struct cli_option options[] = {
    {O_ALL, 'a', "all", NULL, "Show all containers (default: running only)"},
    {O_QUIET, 'q', "quiet", NULL, "Only display IDs"},
    {O_SERVICES, 0, "services", NULL, "Display services"},
    {O_STATUS, 0, "status", "STATUS",
     "Filter by status (paused, restarting, removing, running, dead, "
     "created, exited)",
     CLI_OPT_REPEAT, "paused|restarting|removing|running|dead|created|exited"},
    {O_FILTER, 0, "filter", "status=STATUS", "Filter by status, as --status",
     CLI_OPT_REPEAT},
    {O_FORMAT, 0, "format", "FORMAT", "table (default) or json", 0,
     "table|json"},
    {O_NO_TRUNC, 0, "no-trunc", NULL, "Don't truncate output"},
    {O_ORPHANS, 0, "orphans", NULL,
     "Accepted for compatibility: orphans are listed when no service is "
     "named",
     CLI_OPT_HIDDEN},
    {0}};

/* The bit of a status in statuses[], or 0 with a message. */
static unsigned status_bit(const char *v)
{
  int k = 0;
  while (statuses[k] && strcmp(statuses[k], v))
    k++;
  if (!statuses[k])
    fprintf(stderr,
            "wcompose ps: --filter: '%s' is not a status (want "
            "paused, restarting, removing, running, dead, created or "
            "exited)\n",
            v);
  return statuses[k] ? 1u << k : 0;
}

static int cmd_ps(struct cli_global *g, const struct cli_args *args)
{
  const char *format = cli_value(args, O_FORMAT);
  int all = cli_flag(args, O_ALL) > 0, quiet = cli_flag(args, O_QUIET) > 0;
  int services = cli_flag(args, O_SERVICES) > 0;
  int json = format && !strcmp(format, "json");
  int trunc = !cli_flag(args, O_NO_TRUNC);
  unsigned want = 0; /* bit per statuses[] entry; 0: by -a */
  const struct strvec *st = cli_values(args, O_STATUS);
  for (size_t i = 0; i < st->n; i++)
    want |= status_bit(st->v[i]);
  const struct strvec *filters = cli_values(args, O_FILTER);
  for (size_t i = 0; i < filters->n; i++) {
    const char *v = filters->v[i];
    unsigned bit = 0;
    if (strncmp(v, "status=", 7))
      fprintf(stderr,
              "wcompose ps: --filter: '%s' is not supported "
              "(want status=STATUS)\n",
              v);
    else
      bit = status_bit(v + 7);
    if (!bit)
      return EXIT_USAGE;
    want |= bit;
  }
  struct cli_session cs;
  struct session *lc = &cs.s;
  int rc = cli_session_load(&cs, g, args->pos.v, (int)args->pos.n, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = session_observe(lc);
  if (!rc) {
    struct views_list l;
    views_collect(&cs, all || want, &l);
    size_t k = 0;
    for (size_t i = 0; i < l.n; i++) {
      int s = 0;
      while (statuses[s] && strcmp(statuses[s], l.v[i].c.state))
        s++;
      if (!want || (statuses[s] && (want & (1u << s))))
        l.v[k++] = l.v[i];
    }
    l.n = k;
    if (services) {
      for (size_t i = 0; i < l.n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i; j++)
          seen |= !strcmp(l.v[j].c.service, l.v[i].c.service);
        if (!seen)
          puts(l.v[i].c.service);
      }
    } else if (quiet) {
      for (size_t i = 0; i < l.n; i++)
        puts(l.v[i].c.id);
    } else if (json) {
      print_json(lc, &l);
    } else {
      print_table(&l, trunc);
    }
    free(l.v);
  }
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_ps_entry = {.name = "ps",
                                         .summary = "List containers",
                                         .usage = "[OPTIONS] [SERVICE...]",
                                         .options = options,
                                         .run = cmd_ps};
