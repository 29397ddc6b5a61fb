/* Shared output helpers for the commands. */
#include "cli/cli.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cli_print_err(const struct err *err)
{
  if (!err->text || !err->len) {
    fprintf(stderr, "wcompose: %s\n", err_text(err->code));
    return;
  }
  fputs(err->text, stderr);
  if (err->text[err->len - 1] != '\n')
    fputc('\n', stderr);
}

void cli_warn(const char *fmt, ...)
{
  va_list ap;
  fputs("WARN[0000] ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

int cli_print_output(void *ctx, enum stream_kind kind, const char *data,
                     size_t n)
{
  (void)ctx;
  FILE *f = kind == STREAM_STDERR ? stderr : stdout;
  fwrite(data, 1, n, f);
  fflush(f);
  return 0;
}
