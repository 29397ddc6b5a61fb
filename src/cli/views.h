/* views: what the read-only commands (ps, logs, top, port, images, ls,
 * events) share: the project's containers as a sorted list, and the
 * docker-style formatting of times, ports and commands. Strings returned
 * by *_new are malloc'ed; a views_list borrows from lc->listed. */
#ifndef WCOMPOSE_CLI_VIEWS_H
#define WCOMPOSE_CLI_VIEWS_H

#include <time.h>

#include "cli/cli.h"

struct views_ctr {
  const cJSON *j; /* the item of GET /containers/json */
  struct plan_container c;
};

struct views_list {
  struct views_ctr *v;
  size_t n;
};

/* The non-one-off containers of lc's selected services (running ones
 * only unless all), sorted by name. Free v with free(). */
void views_collect(struct cli_session *cs, int all, struct views_list *out);
/* "2 minutes ago", as docker's HumanDuration. */
char *views_ago_new(long long created, time_t now);
/* "0.0.0.0:8080->80/tcp, 443/tcp" from a Ports array. */
char *views_ports_new(const cJSON *ports);
/* Print rows x ncol malloc'ed cells as docker's tables are (columns
 * padded to 3 spaces past the widest), then free them and cell. */
void views_table(char **cell, size_t rows, int ncol);
/* Open the project (services named: ERR_USAGE when unknown), the engine,
 * and list its containers. */
int views_open(struct cli_session *cs, struct cli_global *g, char **services,
               int n);
/* A string field of j, or "". */
const char *views_str(const cJSON *j, const char *key);

#endif
