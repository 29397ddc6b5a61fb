/* wcompose pull and push: the images of the selected services that name one
 * (image:), one after the other, with the engine's progress messages; a
 * failure carries the engine's own message. */
#include "cli/cli.h"
#include "orchestrate/images.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int xfer_cmd(struct cli_global *g, int argc, char **argv, int push)
{
  static const struct option longopts[] = {
      {"quiet", no_argument, NULL, 'q'},
      {"ignore-pull-failures", no_argument, NULL, 'I'},
      {"ignore-push-failures", no_argument, NULL, 'I'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *verb = push ? "push" : "pull";
  int c, quiet = 0, ignore = 0;
  while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
    switch (c) {
    case 'q':
      quiet = 1;
      break;
    case 'I':
      ignore = 1;
      break;
    case 'h':
    default:
      fprintf(c == 'h' ? stdout : stderr,
              "Usage: wcompose %s [OPTIONS] [SERVICE...]\n\n"
              "%s service images.\n\n"
              "Options:\n"
              "  -q, --quiet                   No progress output\n"
              "      --ignore-%s-failures    Go on after a failure\n",
              verb, push ? "Push" : "Pull", verb);
      return c == 'h' ? EXIT_OK : EXIT_USAGE;
    }
  }
  struct cli_session cs;
  int rc = cli_session_load(&cs, g, argv + optind, argc - optind, 0);
  if (!rc)
    rc = cli_session_open(&cs);
  const struct project *p = cs.s.project;
  for (size_t i = 0; !rc && i < p->nservices; i++) {
    const struct service *s = &p->services[i];
    if (!cs.s.selected[i] || !s->image)
      continue;
    rc = images_xfer(&cs.s, s->image, push, quiet);
    if (rc && ignore) {
      progress_end(&cs.progress);
      cli_print_err(&cs.s.err);
      err_release(&cs.s.err);
      rc = 0;
    }
  }
  int code = cli_session_exit(&cs, rc);
  cli_session_close(&cs);
  return code;
}

int cmd_pull(struct cli_global *g, int argc, char **argv)
{
  return xfer_cmd(g, argc, argv, 0);
}

int cmd_push(struct cli_global *g, int argc, char **argv)
{
  return xfer_cmd(g, argc, argv, 1);
}
