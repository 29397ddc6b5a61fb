/* wcompose port: the public address a service's container publishes a
 * private port on ("127.0.0.1:8080"). */
#include "cli/cli.h"
#include "util/buf.h"
#include "views/views.h"

#include <stdio.h>

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
  int priv = cli_parse_seconds(args->pos.v[1]);
  if (priv < 1 || priv > 65535) {
    fprintf(stderr, "wcompose port: '%s' is not a port number\n",
            args->pos.v[1]);
    return EXIT_USAGE;
  }
  struct cli_session cs;
  struct buf out = BUF_INIT;
  int rc = cli_session_load(&cs, g, args->pos.v, 1, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  if (!rc)
    rc = views_port(&cs.s, index, priv, proto, &out);
  return cli_session_finish(&cs, &out, rc);
}

const struct cli_command cmd_port_entry = {
    .name = "port",
    .summary = "Print the public port for a port binding",
    .usage = "[OPTIONS] SERVICE PRIVATE_PORT",
    .options = options,
    .run = cmd_port};
