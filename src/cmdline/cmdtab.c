/* cmdtab: the option parser and the generated help of the declared commands
 * (see cmdtab.h for the grammar; the table itself is src/cli/commands.c). */
#include "config.h"

#include "cmdline/cmdtab.h"
#include "util/err.h"
#include "util/similar.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define KINDS (CLI_OPT_SECONDS | CLI_OPT_REPLICA | CLI_OPT_LINES)

/* -h/--help, which every command has without declaring it. */
static const struct cli_option help_option = {0, 'h', "help", NULL,
                                              "Show this help"};

static int is_end(const struct cli_option *o)
{
  return !o->long_name && !o->short_name;
}

static size_t count_options(const struct cli_command *cmd)
{
  size_t n = 0;
  while (cmd->options && !is_end(&cmd->options[n]))
    n++;
  return n;
}

/* "wcompose up" or, for the global options, "wcompose". */
static const char *who(const struct cli_command *cmd, char *buf, size_t n)
{
  if (cmd == &cli_program)
    return "wcompose";
  snprintf(buf, n, "wcompose %s", cmd->name);
  return buf;
}

/* How an option is named in a message: its long name when it has one. */
static const char *label(const struct cli_option *o, char *buf, size_t n)
{
  if (o->long_name)
    snprintf(buf, n, "--%s", o->long_name);
  else
    snprintf(buf, n, "-%c", o->short_name);
  return buf;
}

/* The one long name that starts with typed, or else the nearest. */
static const char *suggest_long(const struct cli_command *cmd,
                                const char *typed)
{
  const char *prefixed = NULL, *near = NULL;
  size_t nprefixed = 0, best = (size_t)-1, len = strlen(typed);
  size_t n = count_options(cmd);
  for (size_t i = 0; i <= n; i++) {
    const struct cli_option *o = i < n ? &cmd->options[i] : &help_option;
    if (!o->long_name || (o->flags & CLI_OPT_HIDDEN))
      continue;
    if (len && !strncmp(o->long_name, typed, len)) {
      prefixed = o->long_name;
      nprefixed++;
    }
    size_t d = similar_distance(typed, o->long_name);
    if (d < best && similar_near(typed, o->long_name)) {
      near = o->long_name;
      best = d;
    }
  }
  return nprefixed == 1 ? prefixed : near;
}

static int check_number(const struct cli_option *o, const char *v, int *out)
{
  if ((o->flags & CLI_OPT_LINES) && !strcmp(v, "all")) {
    *out = -1;
    return 0;
  }
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  long min = (o->flags & CLI_OPT_REPLICA) ? 1 : 0;
  if (!*v || *end || errno || n < min || n > 1000000)
    return -1;
  *out = (int)n;
  return 0;
}

static int is_choice(const char *choices, const char *v)
{
  size_t n = strlen(v);
  if (strchr(v, '|'))
    return 0;
  for (const char *p = choices; p; p = strchr(p, '|')) {
    if (*p == '|')
      p++;
    if (!strncmp(p, v, n) && (p[n] == '|' || !p[n]))
      return 1;
  }
  return 0;
}

/* Record option i, with its value when it takes one. */
static int take(const struct cli_command *cmd, struct cli_args *a, size_t i,
                const char *value, struct err *err)
{
  const struct cli_option *o = &cmd->options[i];
  struct cli_opt_value *v = &a->opt[i];
  char w[64], l[80];
  v->count++;
  if (!o->arg)
    return 0;
  if (o->choices && !is_choice(o->choices, value)) {
    struct strvec words = STRVEC_INIT;
    strvec_split(&words, o->choices, '|');
    char list[200] = "";
    for (size_t k = 0; k < words.n; k++)
      snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
               k ? ", " : "", words.v[k]);
    strvec_clear(&words);
    return err_set(err, ERR_USAGE, "%s: %s: '%s' is not one of %s",
                   who(cmd, w, sizeof(w)), label(o, l, sizeof(l)), value, list);
  }
  if ((o->flags & KINDS) && check_number(o, value, &v->num))
    return err_set(err, ERR_USAGE, "%s: %s: '%s' is not %s",
                   who(cmd, w, sizeof(w)), label(o, l, sizeof(l)), value,
                   (o->flags & CLI_OPT_SECONDS) ? "a number of seconds"
                   : (o->flags & CLI_OPT_REPLICA)
                       ? "a replica number"
                       : "a number of lines (or all)");
  strvec_push(&v->values, value);
  return 0;
}

/* One "--name[=value]" element at argv[*k]; *k moves past what it used. */
static int parse_long(const struct cli_command *cmd, int argc, char **argv,
                      int *k, struct cli_args *a, struct err *err)
{
  const char *arg = argv[*k] + 2;
  const char *eq = strchr(arg, '=');
  size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
  size_t nopt = a->nopt, i;
  char w[64];
  if (n == 4 && !strncmp(arg, "help", 4)) {
    if (eq)
      return err_set(err, ERR_USAGE, "%s: flag '--help' takes no value",
                     who(cmd, w, sizeof(w)));
    a->help = 1;
    return 0;
  }
  for (i = 0; i < nopt; i++)
    if (cmd->options[i].long_name && strlen(cmd->options[i].long_name) == n &&
        !strncmp(cmd->options[i].long_name, arg, n))
      break;
  if (i == nopt) {
    char *typed = xstrndup(arg, n);
    const char *hint = suggest_long(cmd, typed);
    if (hint)
      err_set(err, ERR_USAGE, "%s: unknown flag '--%s' (did you mean '--%s'?)",
              who(cmd, w, sizeof(w)), typed, hint);
    else
      err_set(err, ERR_USAGE, "%s: unknown flag '--%s'", who(cmd, w, sizeof(w)),
              typed);
    free(typed);
    return ERR_USAGE;
  }
  const struct cli_option *o = &cmd->options[i];
  (*k)++;
  if (!o->arg) {
    if (eq)
      return err_set(err, ERR_USAGE, "%s: flag '--%s' takes no value",
                     who(cmd, w, sizeof(w)), o->long_name);
    return take(cmd, a, i, NULL, err);
  }
  if (eq)
    return take(cmd, a, i, eq + 1, err);
  if (*k >= argc)
    return err_set(err, ERR_USAGE, "%s: flag '--%s' needs a value",
                   who(cmd, w, sizeof(w)), o->long_name);
  return take(cmd, a, i, argv[(*k)++], err);
}

/* One "-abc" cluster at argv[*k]; *k moves past what it used. */
static int parse_short(const struct cli_command *cmd, int argc, char **argv,
                       int *k, struct cli_args *a, struct err *err)
{
  const char *p = argv[*k] + 1;
  char w[64];
  (*k)++;
  for (; *p; p++) {
    size_t i;
    if (*p == 'h') {
      a->help = 1;
      return 0;
    }
    for (i = 0; i < a->nopt; i++)
      if (cmd->options[i].short_name == *p)
        break;
    if (i == a->nopt)
      return err_set(err, ERR_USAGE, "%s: unknown flag '-%c'",
                     who(cmd, w, sizeof(w)), *p);
    if (!cmd->options[i].arg) {
      int rc = take(cmd, a, i, NULL, err);
      if (rc)
        return rc;
      continue;
    }
    if (p[1])
      return take(cmd, a, i, p + 1, err);
    if (*k >= argc)
      return err_set(err, ERR_USAGE, "%s: flag '-%c' needs a value",
                     who(cmd, w, sizeof(w)), *p);
    return take(cmd, a, i, argv[(*k)++], err);
  }
  return 0;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv,
              struct cli_args *a, struct err *err)
{
  a->cmd = cmd;
  a->nopt = count_options(cmd);
  a->opt = xcalloc(a->nopt ? a->nopt : 1, sizeof(*a->opt));
  int k = 1;
  while (k < argc && !a->help) {
    const char *s = argv[k];
    int rc = 0;
    if (!strcmp(s, "--")) {
      k++;
      break;
    } else if (s[0] == '-' && s[1] == '-') {
      rc = parse_long(cmd, argc, argv, &k, a, err);
    } else if (s[0] == '-' && s[1]) {
      rc = parse_short(cmd, argc, argv, &k, a, err);
    } else if (cmd->flags & CLI_CMD_PERMUTE) {
      strvec_push(&a->pos, s);
      k++;
    } else {
      break;
    }
    if (rc)
      return rc;
  }
  if (a->help)
    return 0;
  for (; k < argc; k++)
    strvec_push(&a->pos, argv[k]);
  return 0;
}

void cli_args_release(struct cli_args *a)
{
  for (size_t i = 0; i < a->nopt; i++)
    strvec_clear(&a->opt[i].values);
  free(a->opt);
  strvec_clear(&a->pos);
  a->opt = NULL;
  a->nopt = 0;
}

static const struct cli_opt_value *find(const struct cli_args *a, int id)
{
  for (size_t i = 0; i < a->nopt; i++)
    if (a->cmd->options[i].id == id)
      return &a->opt[i];
  return NULL;
}

unsigned cli_flag(const struct cli_args *a, int id)
{
  const struct cli_opt_value *v = find(a, id);
  return v ? v->count : 0;
}

const char *cli_value(const struct cli_args *a, int id)
{
  const struct cli_opt_value *v = find(a, id);
  return v && v->values.n ? v->values.v[v->values.n - 1] : NULL;
}

const struct strvec *cli_values(const struct cli_args *a, int id)
{
  static const struct strvec none = STRVEC_INIT;
  const struct cli_opt_value *v = find(a, id);
  return v ? &v->values : &none;
}

void cli_values_copy(const struct cli_args *a, int id, struct strvec *to)
{
  const struct strvec *v = cli_values(a, id);
  for (size_t i = 0; i < v->n; i++)
    strvec_push(to, v->v[i]);
}

int cli_int(const struct cli_args *a, int id, int def)
{
  const struct cli_opt_value *v = find(a, id);
  return v && v->values.n ? v->num : def;
}

/* ---- help ---- */

#define HELP_WIDTH 80
#define HELP_MAX_COLUMN 36

/* "  -t, --timeout SECONDS" */
static void left_column(const struct cli_option *o, char *buf, size_t n)
{
  if (o->short_name && o->long_name)
    snprintf(buf, n, "  -%c, --%s", o->short_name, o->long_name);
  else if (o->short_name)
    snprintf(buf, n, "  -%c", o->short_name);
  else
    snprintf(buf, n, "      --%s", o->long_name);
  if (o->arg)
    snprintf(buf + strlen(buf), n - strlen(buf), " %s", o->arg);
}

/* Words of text from column at (the cursor being there), wrapped. */
static void wrap(FILE *f, const char *text, int at)
{
  int col = at;
  while (*text) {
    while (*text == ' ')
      text++;
    size_t n = strcspn(text, " ");
    if (!n)
      break;
    if (col > at && col + 1 + (int)n > HELP_WIDTH) {
      fprintf(f, "\n%*s", at, "");
      col = at;
    } else if (col > at) {
      fputc(' ', f);
      col++;
    }
    fwrite(text, 1, n, f);
    col += (int)n;
    text += n;
  }
  fputc('\n', f);
}

static void print_option(FILE *f, const struct cli_option *o, int column)
{
  char left[128];
  left_column(o, left, sizeof(left));
  int len = (int)strlen(left);
  fputs(left, f);
  if (len + 2 > column)
    fprintf(f, "\n%*s", column, "");
  else
    fprintf(f, "%*s", column - len, "");
  if (o->flags & CLI_OPT_REPEAT) {
    char *t = xasprintf("%s (repeatable)", o->help);
    wrap(f, t, column);
    free(t);
  } else {
    wrap(f, o->help, column);
  }
}

void cli_help(FILE *f, const struct cli_command *cmd)
{
  char w[64];
  size_t n = count_options(cmd);
  fprintf(f, "Usage: %s %s\n\n", who(cmd, w, sizeof(w)), cmd->usage);
  if (!cmd->description)
    fprintf(f, "%s.\n", cmd->summary);
  for (const char *d = cmd->description; d && *d;) {
    size_t len = strcspn(d, "\n");
    char *line = xstrndup(d, len);
    wrap(f, line, 0);
    free(line);
    d += len + (d[len] == '\n');
  }
  int column = 0;
  for (size_t i = 0; i <= n; i++) {
    const struct cli_option *o = i < n ? &cmd->options[i] : &help_option;
    char left[128];
    left_column(o, left, sizeof(left));
    if (!(o->flags & CLI_OPT_HIDDEN) && (int)strlen(left) + 2 > column)
      column = (int)strlen(left) + 2;
  }
  if (column > HELP_MAX_COLUMN)
    column = HELP_MAX_COLUMN;
  fputs("\nOptions:\n", f);
  for (size_t i = 0; i < n; i++)
    if (!(cmd->options[i].flags & CLI_OPT_HIDDEN))
      print_option(f, &cmd->options[i], column);
  print_option(f, &help_option, column);
  if (cmd != &cli_program)
    return;
  size_t width = 0;
  for (size_t i = 0; cli_commands[i]; i++)
    if (strlen(cli_commands[i]->name) > width)
      width = strlen(cli_commands[i]->name);
  fputs("\nCommands:\n", f);
  for (size_t i = 0; cli_commands[i]; i++)
    fprintf(f, "  %-*s %s\n", (int)width + 3, cli_commands[i]->name,
            cli_commands[i]->summary);
  fputs("\nRun 'wcompose COMMAND --help' for more on a command.\n", f);
}
