/* runtime: how a command opens a session (orchestrate/session.h) with the
 * progress display as its hooks, and turns the outcome into an exit
 * code. */
#include "cli/cli.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

static void on_event(void *data, const char *kind, const char *name,
                     const char *status, int done)
{
  struct cli_session *cs = data;
  progress_event(&cs->progress, kind, name, status, done);
}

static void on_text(void *data, const char *text)
{
  struct cli_session *cs = data;
  progress_text(&cs->progress, text);
}

static void on_warn(void *data, const char *text)
{
  (void)data;
  cli_warn("%s", text);
}

static void on_note(void *data, const char *text)
{
  (void)data;
  printf("%s\n", text);
  fflush(stdout);
}

static void on_status(void *data, const char *text)
{
  (void)data;
  fprintf(stderr, "%s\n", text);
}

static void on_flush(void *data)
{
  struct cli_session *cs = data;
  progress_end(&cs->progress);
}

static void on_output(void *data, enum stream_kind kind, const char *p,
                      size_t n)
{
  (void)data;
  FILE *f = kind == STREAM_STDERR ? stderr : stdout;
  fwrite(p, 1, n, f);
  fflush(f);
}

static const struct session_hooks hooks = {
    on_event, on_text, on_warn, on_note, on_status, on_flush, on_output};

int cli_session_load(struct cli_session *cs, struct cli_global *g,
                     char **services, int n, int with_deps)
{
  memset(&cs->progress, 0, sizeof(cs->progress));
  cs->progress_open = 0;
  struct session_config cfg = {.files = &g->files,
                               .project_name = g->project_name,
                               .project_dir = g->project_dir,
                               .env_files = &g->env_files,
                               .profiles = &g->profiles,
                               .parallel = g->parallel,
                               .context = g->context};
  cs->g = g;
  return session_load(&cs->s, &cfg, services, n, with_deps, &hooks, cs);
}

int cli_session_open(struct cli_session *cs)
{
  int rc = progress_init(&cs->progress, cs->g->progress, &cs->s.err);
  if (rc)
    return rc;
  cs->progress_open = 1;
  return session_open(&cs->s);
}

int cli_session_open_guarded(struct cli_session *cs)
{
  int rc = cli_session_open(cs);
  if (!rc)
    session_guard(&cs->s, 1);
  return rc;
}

int cli_exit_code(int rc, const struct err *err)
{
  if (!rc)
    return EXIT_OK;
  if (err->code)
    cli_print_err(err);
  else
    fprintf(stderr, "wcompose: %s\n", err_text(rc));
  switch (rc) {
  case ERR_USAGE:
    return EXIT_USAGE;
  case ERR_YAML:
  case ERR_SCHEMA:
  case ERR_INTERP:
  case ERR_CONFIG:
    return EXIT_CONFIG;
  case ERR_CONNECT:
    return EXIT_NOENGINE;
  default:
    return EXIT_FAIL;
  }
}

int cli_session_exit(struct cli_session *cs, int rc)
{
  if (cs->progress_open)
    progress_end(&cs->progress);
  if (cs->s.interrupted) { /* said when it came; the rest are its echoes */
    fprintf(stderr, "wcompose: interrupted\n");
    return 128 + cs->s.interrupted;
  }
  return cli_exit_code(rc, &cs->s.err);
}

void cli_session_close(struct cli_session *cs)
{
  session_close(&cs->s);
  if (cs->progress_open)
    progress_release(&cs->progress);
  cs->progress_open = 0;
}

int cli_session_finish(struct cli_session *cs, struct buf *out, int rc)
{
  if (out->len)
    fwrite(out->data, 1, out->len, stdout);
  buf_release(out);
  int code = cli_session_exit(cs, rc);
  cli_session_close(cs);
  return code;
}

int cli_parse_seconds(const char *text)
{
  return session_parse_seconds(text);
}
