/* progress: resource lines for the lifecycle commands, redrawn in place on
 * a terminal, one line per event otherwise. */
#include "views/progress.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

int progress_init(struct progress *p, const char *mode, struct err *err)
{
  *p = (struct progress)PROGRESS_INIT;
  p->out = stderr;
  if (!mode || !strcmp(mode, "auto"))
    p->mode = isatty(fileno(stderr)) ? PROGRESS_TTY : PROGRESS_PLAIN;
  else if (!strcmp(mode, "tty"))
    p->mode = PROGRESS_TTY;
  else if (!strcmp(mode, "plain"))
    p->mode = PROGRESS_PLAIN;
  else if (!strcmp(mode, "quiet"))
    p->mode = PROGRESS_QUIET;
  else if (!strcmp(mode, "json"))
    p->mode = PROGRESS_JSON;
  else
    return err_set(err, ERR_USAGE,
                   "--progress: '%s' is not one of auto, tty, plain, json, "
                   "quiet",
                   mode);
  return 0;
}

static struct progress_line *line(struct progress *p, const char *kind,
                                  const char *name)
{
  for (size_t i = 0; i < p->n; i++)
    if (!strcmp(p->v[i].kind, kind) && !strcmp(p->v[i].name, name))
      return &p->v[i];
  if (p->n == p->alloc) {
    p->alloc = p->alloc ? 2 * p->alloc : 16;
    p->v = xrealloc(p->v, p->alloc * sizeof(*p->v));
  }
  struct progress_line *l = &p->v[p->n++];
  memset(l, 0, sizeof(*l));
  l->kind = xstrdup(kind);
  l->name = xstrdup(name);
  l->status = xstrdup("");
  l->start = uv_hrtime();
  return l;
}

static void redraw(struct progress *p)
{
  if (p->drawn)
    fprintf(p->out, "\033[%zuA", p->drawn);
  size_t done = 0;
  for (size_t i = 0; i < p->n; i++)
    done += p->v[i].done;
  uint64_t now = uv_hrtime();
  fprintf(p->out, "\033[2K[+] Running %zu/%zu\n", done, p->n);
  for (size_t i = 0; i < p->n; i++) {
    const struct progress_line *l = &p->v[i];
    uint64_t end = l->done ? l->end : now;
    const char *mark = l->error  ? "\033[31m✘\033[0m"
                       : l->done ? "\033[32m✔\033[0m"
                                 : "⠿";
    fprintf(p->out, "\033[2K %s %s %-28s %-10s %5.1fs\n", mark, l->kind,
            l->name, l->status, (double)(end - l->start) / 1e9);
  }
  p->drawn = p->n + 1;
  fflush(p->out);
}

void progress_event(struct progress *p, const char *kind, const char *name,
                    const char *status, int done)
{
  if (p->mode == PROGRESS_QUIET)
    return;
  struct progress_line *l = line(p, kind, name);
  free(l->status);
  l->status = xstrdup(status);
  l->error = !strcmp(status, "Error");
  if (!done && l->done) {
    l->done = 0;
    l->start = uv_hrtime();
  }
  if (done || l->error) {
    l->done = 1;
    l->end = uv_hrtime();
  }
  switch (p->mode) {
  case PROGRESS_TTY:
    redraw(p);
    break;
  case PROGRESS_PLAIN:
    fprintf(p->out, " %s %s  %s\n", kind, name, status);
    fflush(p->out);
    break;
  case PROGRESS_JSON:
    fprintf(p->out, "{\"id\":\"%s %s\",\"status\":\"%s\"}\n", kind, name,
            status);
    fflush(p->out);
    break;
  case PROGRESS_QUIET:
    break;
  }
}

void progress_text(struct progress *p, const char *text)
{
  if (p->mode == PROGRESS_QUIET || p->mode == PROGRESS_JSON)
    return;
  progress_end(p);
  fputs(text, p->out);
  fflush(p->out);
}

void progress_end(struct progress *p)
{
  if (p->mode == PROGRESS_TTY && p->drawn) {
    redraw(p);
    p->drawn = 0;
    /* a fresh area for later events */
    for (size_t i = 0; i < p->n; i++) {
      free(p->v[i].kind);
      free(p->v[i].name);
      free(p->v[i].status);
    }
    p->n = 0;
  }
}

void progress_release(struct progress *p)
{
  progress_end(p);
  for (size_t i = 0; i < p->n; i++) {
    free(p->v[i].kind);
    free(p->v[i].name);
    free(p->v[i].status);
  }
  free(p->v);
  *p = (struct progress)PROGRESS_INIT;
}
