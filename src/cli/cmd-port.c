/* wcompose port: the public address a service's container publishes a
 * private port on ("127.0.0.1:8080"). */
#include "cli/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_PROTOCOL = 1, O_INDEX };

static const struct cli_option options[] = {
    {O_PROTOCOL, 0, "protocol", "PROTO", "tcp (default), udp or sctp", 0,
     "tcp|udp|sctp"},
    {O_INDEX, 0, "index", "N",
     "Index of the container if the service has several replicas (default "
     "1)",
     CLI_OPT_REPLICA},
    {0}};

static int cmd_port(struct cli_global *g, const struct cli_args *args)
{
  const char *proto = cli_value(args, O_PROTOCOL);
  int index = cli_int(args, O_INDEX, 1);
  if (!proto)
    proto = "tcp";
  if (args->pos.n != 2) {
    fprintf(stderr, "wcompose port: want SERVICE PRIVATE_PORT\n"
                    "Run 'wcompose port --help' for usage.\n");
    return EXIT_USAGE;
  }
  const char *service = args->pos.v[0];
  int priv = cli_parse_seconds(args->pos.v[1]);
  if (priv < 1 || priv > 65535) {
    fprintf(stderr, "wcompose port: '%s' is not a port number\n",
            args->pos.v[1]);
    return EXIT_USAGE;
  }
  struct cli_session cs;
  struct session *lc = &cs.s;
  int rc = views_open(&cs, g, args->pos.v, 1);
  if (!rc) {
    struct views_list l;
    views_collect(&cs, 1, &l);
    const struct views_ctr *ctr = NULL;
    for (size_t i = 0; i < l.n; i++)
      if (l.v[i].c.number == index)
        ctr = &l.v[i];
    const cJSON *p, *found = NULL;
    if (ctr)
      cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(ctr->j, "Ports"))
      {
        const cJSON *pp = cJSON_GetObjectItemCaseSensitive(p, "PrivatePort");
        const cJSON *pub = cJSON_GetObjectItemCaseSensitive(p, "PublicPort");
        if (!found && cJSON_IsNumber(pp) && pp->valueint == priv &&
            cJSON_IsNumber(pub) && !strcmp(views_str(p, "Type"), proto))
          found = p;
      }
    if (!ctr)
      rc = err_set(&lc->err, ERR_NOTFOUND,
                   "service '%s' has no container with index %d", service,
                   index);
    else if (!found)
      rc = err_set(&lc->err, ERR_NOTFOUND,
                   "no port %d/%s is published by container '%s'", priv, proto,
                   ctr->c.name);
    else {
      const char *ip = views_str(found, "IP");
      int v6 = strchr(ip, ':') != NULL;
      printf("%s%s%s:%d\n", v6 ? "[" : "", ip, v6 ? "]" : "",
             cJSON_GetObjectItemCaseSensitive(found, "PublicPort")->valueint);
    }
    free(l.v);
  }
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

const struct cli_command cmd_port_entry = {
    .name = "port",
    .summary = "Print the public port for a port binding",
    .usage = "[OPTIONS] SERVICE PRIVATE_PORT",
    .options = options,
    .run = cmd_port};
