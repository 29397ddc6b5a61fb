/* wcompose pull and push: the images of the selected services that name one
 * (image:), one after the other, with the engine's progress messages; a
 * failure carries the engine's own message. */
#include "cli/lifecycle.h"
#include "orchestrate/create.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xfer {
  struct lc_await a; /* first: progress and completion share the ctx */
  struct lc *lc;
  int quiet;
};

static int on_progress(void *ctx, const struct stream_progress *p)
{
  struct xfer *x = ctx;
  if (x->quiet || !p->status || !*p->status)
    return 0;
  char *line = p->id && *p->id ? xasprintf("%s: %s\n", p->id, p->status)
                               : xasprintf("%s\n", p->status);
  progress_text(&x->lc->progress, line);
  free(line);
  return 0;
}

/* name[:tag] -> image and tag (NULL with a digest); *own to free */
static void split_ref(const char *ref, char **image, char **tag)
{
  const char *slash = strrchr(ref, '/');
  const char *colon = strrchr(slash ? slash : ref, ':');
  if (strchr(ref, '@') || !colon) {
    *image = xstrdup(ref);
    *tag = strchr(ref, '@') ? NULL : xstrdup("latest");
    return;
  }
  *image = xstrndup(ref, (size_t)(colon - ref));
  *tag = xstrdup(colon + 1);
}

static int xfer_one(struct lc *lc, const struct service *s, int push, int quiet)
{
  char *image, *tag;
  split_ref(s->image, &image, &tag);
  struct xfer x = {.a = {.err = &lc->err}, .lc = lc, .quiet = quiet};
  if (!quiet)
    progress_event(&lc->progress, "Image", s->image,
                   push ? "Pushing" : "Pulling", 0);
  int rc =
      push ? engine_image_push(lc->engine, image, tag, NULL, on_progress,
                               lc_await_cb, &x, NULL, &lc->err)
           : engine_image_pull(lc->engine, image, tag, NULL, NULL, on_progress,
                               lc_await_cb, &x, NULL, &lc->err);
  if (!rc)
    rc = lc_await(lc, &x.a);
  if (!quiet)
    progress_event(&lc->progress, "Image", s->image,
                   rc     ? "Error"
                   : push ? "Pushed"
                          : "Pulled",
                   1);
  lc_await_release(&x.a);
  free(image);
  free(tag);
  return rc;
}

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
  struct lc lc;
  int rc = lc_load(&lc, g, argv + optind, argc - optind, 0);
  if (!rc)
    rc = lc_engine(&lc);
  const struct project *p = lc.project;
  for (size_t i = 0; !rc && i < p->nservices; i++) {
    const struct service *s = &p->services[i];
    if (!lc.selected[i] || !s->image)
      continue;
    rc = xfer_one(&lc, s, push, quiet);
    if (rc && ignore) {
      progress_end(&lc.progress);
      cli_print_err(&lc.err);
      err_release(&lc.err);
      rc = 0;
    }
  }
  progress_end(&lc.progress);
  int code = lc_exit(&lc, rc);
  lc_close(&lc);
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
