/* wcompose port: the public address a service's container publishes a
 * private port on ("127.0.0.1:8080"). */
#include "cli/views.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: wcompose port [OPTIONS] SERVICE PRIVATE_PORT\n\n"
    "Print the public port for a port binding.\n"
    "\nOptions:\n"
    "      --protocol PROTO  tcp (default) or udp\n"
    "      --index N         Index of the container if the service has\n"
    "                        several replicas (default 1)\n";

int cmd_port(struct cli_global *g, int argc, char **argv)
{
  static const struct option opts[] = {
      {"protocol", required_argument, NULL, 'p'},
      {"index", required_argument, NULL, 'i'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *proto = "tcp";
  int index = 1, c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
    if (c == 'p') {
      proto = optarg;
      if (strcmp(proto, "tcp") && strcmp(proto, "udp") &&
          strcmp(proto, "sctp")) {
        fprintf(stderr,
                "wcompose port: --protocol: '%s' is not a protocol (want "
                "tcp, udp or sctp)\n",
                proto);
        return EXIT_USAGE;
      }
    } else if (c == 'i') {
      index = cli_parse_seconds(optarg);
      if (index < 1) {
        fprintf(stderr,
                "wcompose port: --index: '%s' is not a replica number\n",
                optarg);
        return EXIT_USAGE;
      }
    } else if (c == 'h') {
      fputs(usage, stdout);
      return EXIT_OK;
    } else {
      return views_bad_flag(argv[0], argv[optind - 1]);
    }
  }
  if (argc - optind != 2) {
    fprintf(stderr, "wcompose port: want SERVICE PRIVATE_PORT\n"
                    "Run 'wcompose port --help' for usage.\n");
    return EXIT_USAGE;
  }
  const char *service = argv[optind];
  int priv = cli_parse_seconds(argv[optind + 1]);
  if (priv < 1 || priv > 65535) {
    fprintf(stderr, "wcompose port: '%s' is not a port number\n",
            argv[optind + 1]);
    return EXIT_USAGE;
  }
  struct cli_session cs;
  struct session *lc = &cs.s;
  int rc = views_open(&cs, g, argv + optind, 1);
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
