/* Unit tests for cmdline/cmdtab: the option parser on a test command, and the
 * table itself (every command declared completely, no clashing names,
 * --help parsed and printed within 80 columns). */
#include "cli/cli.h"
#include "cmdline/plugin.h"
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

enum {
  T_DETACH = 1,
  T_USER,
  T_ENV,
  T_TIMEOUT,
  T_INDEX,
  T_TAIL,
  T_FORMAT,
  T_FORCE,
  T_QUIET_PULL
};

static const struct cli_option test_options[] = {
    {T_DETACH, 'd', "detach", NULL, "A flag"},
    {T_USER, 'u', "user", "USER", "A value"},
    {T_ENV, 'e', "env", "KEY=VAL", "A repeatable value", CLI_OPT_REPEAT},
    {T_TIMEOUT, 't', "timeout", "SECONDS", "Seconds", CLI_OPT_SECONDS},
    {T_INDEX, 0, "index", "N", "A replica", CLI_OPT_REPLICA},
    {T_TAIL, 'n', "tail", "N", "Lines", CLI_OPT_LINES},
    {T_FORMAT, 0, "format", "FORMAT", "A choice", 0, "table|json"},
    {T_FORCE, 0, "force-recreate", NULL, "Long only"},
    {T_QUIET_PULL, 0, "quiet-pull", NULL, "Hidden", CLI_OPT_HIDDEN},
    {0}};

static const struct cli_command test_cmd = {
    .name = "t",
    .summary = "Test",
    .usage = "[OPTIONS] SERVICE [COMMAND...]",
    .options = test_options};

static const struct cli_command test_permute = {.name = "p",
                                                .summary = "Test",
                                                .usage =
                                                    "[OPTIONS] [SERVICE...]",
                                                .options = test_options,
                                                .flags = CLI_CMD_PERMUTE};

/* Parse "t" + the words of line (split on spaces) into a; the error text
 * (without its newline) into msg, "" when none. */
static int parse(const struct cli_command *cmd, const char *line,
                 struct cli_args *a, char *msg, size_t n)
{
  char *copy = strdup(line);
  char *argv[64];
  int argc = 0;
  argv[argc++] = (char *)cmd->name;
  for (char *w = strtok(copy, " "); w && argc < 63; w = strtok(NULL, " "))
    argv[argc++] = w;
  argv[argc] = NULL;
  struct err err = ERR_INIT;
  cli_args_release(a);
  *a = (struct cli_args)CLI_ARGS_INIT;
  int rc = cli_parse(cmd, argc, argv, a, &err);
  snprintf(msg, n, "%.*s", err.len ? (int)err.len - 1 : 0,
           err.text ? err.text : "");
  err_release(&err);
  free(copy); /* a holds copies */
  return rc;
}

/* The positionals joined with '|'. */
static const char *joined(const struct cli_args *a)
{
  static char buf[512];
  buf[0] = 0;
  for (size_t i = 0; i < a->pos.n; i++)
    snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? "|" : "",
             a->pos.v[i]);
  return buf;
}

static void test_flags_and_values(void)
{
  struct cli_args a = CLI_ARGS_INIT;
  char msg[256];

  is_int(parse(&test_cmd, "-d", &a, msg, sizeof(msg)), 0, "-d parses");
  is_int(cli_flag(&a, T_DETACH), 1, "-d: given once");
  is_int(cli_flag(&a, T_FORCE), 0, "an option not given: 0");
  ok(!cli_value(&a, T_USER), "a value not given: NULL");
  is_int(cli_values(&a, T_ENV)->n, 0, "values not given: empty");
  is_int(cli_int(&a, T_TIMEOUT, -7), -7, "a number not given: the default");
  is_int(a.help, 0, "no help asked");

  parse(&test_cmd, "-dd --detach", &a, msg, sizeof(msg));
  is_int(cli_flag(&a, T_DETACH), 3, "clustered and repeated flags counted");
  parse(&test_cmd, "--force-recreate", &a, msg, sizeof(msg));
  is_int(cli_flag(&a, T_FORCE), 1, "a long-only flag");

  static const char *const forms[] = {"-u bob",     "-ubob",   "--user bob",
                                      "--user=bob", "-du bob", "-dubob"};
  for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
    is_int(parse(&test_cmd, forms[i], &a, msg, sizeof(msg)), 0, "'%s' parses",
           forms[i]);
    is_str(cli_value(&a, T_USER), "bob", "'%s': the value", forms[i]);
  }
  parse(&test_cmd, "-du bob", &a, msg, sizeof(msg));
  is_int(cli_flag(&a, T_DETACH), 1, "-du bob: the flag before the value");

  parse(&test_cmd, "-u -d", &a, msg, sizeof(msg));
  is_str(cli_value(&a, T_USER), "-d", "a value may start with '-'");
  is_int(cli_flag(&a, T_DETACH), 0, "  and is not read as a flag");
  parse(&test_cmd, "--user=", &a, msg, sizeof(msg));
  is_str(cli_value(&a, T_USER), "", "--user= gives an empty value");
  parse(&test_cmd, "--user=a=b", &a, msg, sizeof(msg));
  is_str(cli_value(&a, T_USER), "a=b", "the value keeps later '='");
  parse(&test_cmd, "-u a -u b", &a, msg, sizeof(msg));
  is_str(cli_value(&a, T_USER), "b", "a value given twice: the last");

  is_int(parse(&test_cmd, "-e A=1 --env B=2 -eC=3 --env=D=4 -e E", &a, msg,
               sizeof(msg)),
         0, "repeated values parse");
  const struct strvec *env = cli_values(&a, T_ENV);
  is_int(env->n, 5, "five values kept");
  is_str(env->n == 5 ? env->v[0] : NULL, "A=1", "first in order");
  is_str(env->n == 5 ? env->v[2] : NULL, "C=3", "third in order");
  is_str(env->n == 5 ? env->v[4] : NULL, "E", "last in order");
  is_str(cli_value(&a, T_ENV), "E", "cli_value: the last");
  is_int(cli_flag(&a, T_ENV), 5, "cli_flag: the count");
  struct strvec copy = STRVEC_INIT;
  strvec_push(&copy, "before");
  cli_values_copy(&a, T_ENV, &copy);
  is_int(copy.n, 6, "cli_values_copy appends");
  is_str(copy.v[1], "A=1", "  in order");
  strvec_clear(&copy);

  parse(&test_cmd, "--quiet-pull", &a, msg, sizeof(msg));
  is_int(cli_flag(&a, T_QUIET_PULL), 1, "a hidden option is accepted");
  is_int(cli_flag(&a, 999), 0, "an undeclared id reads as not given");
  ok(!cli_value(&a, 999), "  no value");
  is_int(cli_values(&a, 999)->n, 0, "  no values");
  is_int(cli_int(&a, 999, 3), 3, "  the default number");
  cli_args_release(&a);
}

static void test_numbers_and_choices(void)
{
  struct cli_args a = CLI_ARGS_INIT;
  char msg[256];

  parse(&test_cmd, "-dt5", &a, msg, sizeof(msg));
  is_int(cli_int(&a, T_TIMEOUT, -1), 5, "-dt5: the seconds");
  is_int(cli_flag(&a, T_DETACH), 1, "-dt5: the flag");
  parse(&test_cmd, "--timeout=0", &a, msg, sizeof(msg));
  is_int(cli_int(&a, T_TIMEOUT, -1), 0, "0 seconds");
  is_str(cli_value(&a, T_TIMEOUT), "0", "the text kept too");
  parse(&test_cmd, "-t 1000000", &a, msg, sizeof(msg));
  is_int(cli_int(&a, T_TIMEOUT, -1), 1000000, "the largest number");

  is_int(parse(&test_cmd, "-t x", &a, msg, sizeof(msg)), ERR_USAGE,
         "junk seconds: ERR_USAGE");
  is_str(msg, "wcompose t: --timeout: 'x' is not a number of seconds",
         "junk seconds: named by the long name");
  parse(&test_cmd, "--timeout -1", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: --timeout: '-1' is not a number of seconds",
         "negative seconds");
  parse(&test_cmd, "-t 5s", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: --timeout: '5s' is not a number of seconds",
         "trailing junk");
  parse(&test_cmd, "-t 1000001", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: --timeout: '1000001' is not a number of seconds",
         "too many seconds");
  parse(&test_cmd, "--index=0", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: --index: '0' is not a replica number", "replica 0");
  is_int(parse(&test_cmd, "--index 2", &a, msg, sizeof(msg)), 0, "replica 2");
  is_int(cli_int(&a, T_INDEX, 1), 2, "  read back");
  parse(&test_cmd, "-n all", &a, msg, sizeof(msg));
  is_int(cli_int(&a, T_TAIL, 7), -1, "lines: all is -1");
  is_str(cli_value(&a, T_TAIL), "all", "  and its text");
  parse(&test_cmd, "--tail 0", &a, msg, sizeof(msg));
  is_int(cli_int(&a, T_TAIL, 7), 0, "lines: 0");
  parse(&test_cmd, "--tail some", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: --tail: 'some' is not a number of lines (or all)",
         "lines: junk");

  is_int(parse(&test_cmd, "--format json", &a, msg, sizeof(msg)), 0,
         "a choice");
  is_str(cli_value(&a, T_FORMAT), "json", "  its value");
  parse(&test_cmd, "--format=table", &a, msg, sizeof(msg));
  is_str(cli_value(&a, T_FORMAT), "table", "the first choice");
  is_int(parse(&test_cmd, "--format xml", &a, msg, sizeof(msg)), ERR_USAGE,
         "not a choice: ERR_USAGE");
  is_str(msg, "wcompose t: --format: 'xml' is not one of table, json",
         "not a choice: the choices listed");
  parse(&test_cmd, "--format jso", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: --format: 'jso' is not one of table, json",
         "a prefix of a choice is not a choice");
  parse(&test_cmd, "--format=table|json", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: --format: 'table|json' is not one of table, json",
         "two choices are not a choice");
  parse(&test_cmd, "--format=", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: --format: '' is not one of table, json",
         "an empty choice");
  cli_args_release(&a);
}

static void test_errors(void)
{
  struct cli_args a = CLI_ARGS_INIT;
  char msg[256];

  is_int(parse(&test_cmd, "--forc", &a, msg, sizeof(msg)), ERR_USAGE,
         "an abbreviation is no flag");
  is_str(msg,
         "wcompose t: unknown flag '--forc' (did you mean "
         "'--force-recreate'?)",
         "  and the flag it starts is suggested");
  parse(&test_cmd, "--fo", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: unknown flag '--fo'",
         "the start of two flags: no suggestion");
  parse(&cmd_up_entry, "--fo", &a, msg, sizeof(msg));
  is_str(msg,
         "wcompose up: unknown flag '--fo' (did you mean "
         "'--force-recreate'?)",
         "up --fo");
  parse(&test_cmd, "--detahc", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: unknown flag '--detahc' (did you mean '--detach'?)",
         "a typo: the nearest is suggested");
  parse(&test_cmd, "--in", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: unknown flag '--in' (did you mean '--index'?)",
         "a prefix of one flag");
  parse(&test_cmd, "--frobnicate", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: unknown flag '--frobnicate'",
         "nothing near: no suggestion");
  parse(&test_cmd, "--quiet-pul", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: unknown flag '--quiet-pul'",
         "hidden options are not suggested");
  parse(&test_cmd, "--he", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: unknown flag '--he' (did you mean '--help'?)",
         "--help is suggested too");
  is_int(parse(&test_cmd, "-x", &a, msg, sizeof(msg)), ERR_USAGE,
         "unknown short flag");
  is_str(msg, "wcompose t: unknown flag '-x'", "  named");
  parse(&test_cmd, "-dx", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: unknown flag '-x'", "  named inside a cluster");

  is_int(parse(&test_cmd, "--user", &a, msg, sizeof(msg)), ERR_USAGE,
         "a missing value: ERR_USAGE");
  is_str(msg, "wcompose t: flag '--user' needs a value", "  long");
  parse(&test_cmd, "-d -u", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: flag '-u' needs a value", "  short");
  parse(&test_cmd, "-du", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: flag '-u' needs a value", "  short, clustered");
  parse(&test_cmd, "--detach=yes", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: flag '--detach' takes no value",
         "a value given to a flag");
  parse(&test_cmd, "--help=yes", &a, msg, sizeof(msg));
  is_str(msg, "wcompose t: flag '--help' takes no value", "  to --help too");
  cli_args_release(&a);
}

static void test_positionals_and_help(void)
{
  struct cli_args a = CLI_ARGS_INIT;
  char msg[256];

  parse(&test_cmd, "-d web sh -c -e X --user y", &a, msg, sizeof(msg));
  is_str(joined(&a), "web|sh|-c|-e|X|--user|y",
         "options stop at the first positional");
  is_int(cli_values(&a, T_ENV)->n, 0, "  later flags are the command's");
  ok(!cli_value(&a, T_USER), "  all of them");
  parse(&test_cmd, "-d -- -e X", &a, msg, sizeof(msg));
  is_str(joined(&a), "-e|X", "-- ends the options and is dropped");
  is_int(cli_flag(&a, T_DETACH), 1, "  options before it count");
  parse(&test_cmd, "web -- x", &a, msg, sizeof(msg));
  is_str(joined(&a), "web|--|x", "a -- after a positional is kept");
  parse(&test_cmd, "- -d", &a, msg, sizeof(msg));
  is_str(joined(&a), "-|-d", "a lone - is a positional");
  parse(&test_cmd, "web --bogus", &a, msg, sizeof(msg));
  is_str(msg, "", "an unknown flag after a positional is no error");
  parse(&test_cmd, "", &a, msg, sizeof(msg));
  is_int(a.pos.n, 0, "no arguments: no positionals");

  is_int(parse(&test_permute, "web -d db -e X -- -u y", &a, msg, sizeof(msg)),
         0, "permuting: options among positionals");
  is_str(joined(&a), "web|db|-u|y", "  positionals kept in order");
  is_int(cli_flag(&a, T_DETACH), 1, "  flags after a positional count");
  is_str(cli_value(&a, T_ENV), "X", "  values too");
  ok(!cli_value(&a, T_USER), "  not past --");

  is_int(parse(&test_cmd, "-d --help --bogus", &a, msg, sizeof(msg)), 0,
         "--help: no error for what follows");
  is_int(a.help, 1, "--help is seen");
  parse(&test_cmd, "-dh", &a, msg, sizeof(msg));
  is_int(a.help, 1, "-h in a cluster");
  is_int(parse(&test_cmd, "--bogus --help", &a, msg, sizeof(msg)), ERR_USAGE,
         "an error before --help wins");
  parse(&test_cmd, "web --help", &a, msg, sizeof(msg));
  is_int(a.help, 0, "--help after the first positional is the command's");

  char *out = NULL;
  size_t outlen = 0;
  FILE *f = open_memstream(&out, &outlen);
  cli_help(f, &test_cmd);
  fclose(f);
  ok(!strncmp(out,
              "Usage: wcompose t [OPTIONS] SERVICE [COMMAND...]\n\nTest.\n",
              52),
     "help: usage line, then the summary");
  ok(strstr(out, "\n  -e, --env KEY=VAL") != NULL, "help: short, long, arg");
  ok(strstr(out, "\n      --index N") != NULL, "help: long only, aligned");
  ok(strstr(out, "A repeatable value (repeatable)\n") != NULL,
     "help: repeatable said");
  ok(!strstr(out, "quiet-pull"), "help: hidden left out");
  ok(strstr(out, "  -h, --help") != NULL, "help: -h, --help listed");
  free(out);
  cli_args_release(&a);
}

/* Every line of cmd's help within 80 columns, its options listed. */
static void check_help_text(const struct cli_command *cmd)
{
  char *out = NULL;
  size_t outlen = 0;
  FILE *f = open_memstream(&out, &outlen);
  cli_help(f, cmd);
  fclose(f);
  size_t longest = 0;
  for (const char *p = out; *p;) {
    size_t n = strcspn(p, "\n");
    if (n > longest)
      longest = n;
    p += n + (p[n] == '\n');
  }
  ok(longest <= 80, "%s: help within 80 columns (%zu)", cmd->name, longest);
  int listed = 1;
  for (const struct cli_option *o = cmd->options;
       o && (o->long_name || o->short_name); o++) {
    char want[64];
    snprintf(want, sizeof(want), "--%s", o->long_name ? o->long_name : "");
    if (!(o->flags & CLI_OPT_HIDDEN) && o->long_name && !strstr(out, want))
      listed = 0;
  }
  ok(listed, "%s: help lists every visible option", cmd->name);
  free(out);
}

/* The declaration of cmd is complete and its names do not clash. */
static void check_declaration(const struct cli_command *cmd)
{
  ok(cmd->name && *cmd->name, "a command has a name");
  ok(cmd->summary && *cmd->summary, "%s: a summary", cmd->name);
  ok(cmd->summary && cmd->summary[strlen(cmd->summary) - 1] != '.' &&
         strlen(cmd->summary) <= 66,
     "%s: the summary is one short line without a full stop", cmd->name);
  ok(cmd->usage && *cmd->usage, "%s: a usage", cmd->name);
  ok(cmd == &cli_program || cmd->run, "%s: a handler", cmd->name);
  ok(!cmd->description ||
         cmd->description[strlen(cmd->description) - 1] == '\n',
     "%s: the description ends its line", cmd->name);
  int complete = 1, clash = 0, kinds = 1;
  const struct cli_option *o = cmd->options;
  size_t n = 0;
  while (o && (o[n].long_name || o[n].short_name))
    n++;
  for (size_t i = 0; i < n; i++) {
    if (!o[i].help || !*o[i].help || !o[i].id)
      complete = 0;
    if (o[i].short_name == 'h' ||
        (o[i].long_name && !strcmp(o[i].long_name, "help")))
      clash = 1;
    unsigned k =
        o[i].flags & (CLI_OPT_SECONDS | CLI_OPT_REPLICA | CLI_OPT_LINES);
    if ((k & (k - 1)) || ((k || o[i].choices) && !o[i].arg))
      kinds = 0;
    if (o[i].long_name && (!*o[i].long_name || o[i].long_name[0] == '-' ||
                           strchr(o[i].long_name, '=')))
      complete = 0;
    for (size_t j = 0; j < i; j++) {
      if (o[i].id == o[j].id)
        clash = 1;
      if (o[i].short_name && o[i].short_name == o[j].short_name)
        clash = 1;
      if (o[i].long_name && o[j].long_name &&
          !strcmp(o[i].long_name, o[j].long_name))
        clash = 1;
    }
  }
  ok(complete, "%s: every option has an id, a name and help", cmd->name);
  ok(!clash,
     "%s: no two options share an id, a short or a long name "
     "(-h and --help included)",
     cmd->name);
  ok(kinds, "%s: number kinds and choices only on options with a value",
     cmd->name);

  struct cli_args a = CLI_ARGS_INIT;
  char msg[256];
  is_int(parse(cmd, "--help", &a, msg, sizeof(msg)), 0, "%s --help parses",
         cmd->name);
  is_int(a.help, 1, "%s --help asks for help", cmd->name);
  parse(cmd, "-h", &a, msg, sizeof(msg));
  is_int(a.help, 1, "%s -h asks for help", cmd->name);
  cli_args_release(&a);
  check_help_text(cmd);
}

static void test_table(void)
{
  size_t n = 0;
  for (; cli_commands[n]; n++)
    check_declaration(cli_commands[n]);
  check_declaration(&cli_program);
  ok(n >= 26, "the table holds every command (%zu)", n);
  int sorted = 1, unique = 1;
  for (size_t i = 1; i < n; i++) {
    int c = strcmp(cli_commands[i - 1]->name, cli_commands[i]->name);
    if (c > 0)
      sorted = 0;
    if (!c)
      unique = 0;
  }
  ok(sorted, "the table is sorted by name");
  ok(unique, "command names are unique");
  ok(cli_command_find("up") == &cmd_up_entry, "find: up");
  ok(cli_command_find("help") != NULL, "find: help");
  ok(!cli_command_find("u"), "find: no abbreviations");
  is_str(cli_command_suggest("strat"), "start", "suggest: a typo");
  is_str(cli_command_suggest("ver"), "version", "suggest: a prefix");
  is_str(cli_command_suggest("upp"), "up", "suggest: one too many");
  ok(!cli_command_suggest("frobnicate"), "suggest: nothing near");

  char *out = NULL;
  size_t outlen = 0;
  FILE *f = open_memstream(&out, &outlen);
  cli_help(f, &cli_program);
  fclose(f);
  int all = 1;
  for (size_t i = 0; i < n; i++) {
    char want[64];
    snprintf(want, sizeof(want), "\n  %s ", cli_commands[i]->name);
    if (!strstr(out, want))
      all = 0;
  }
  ok(all, "wcompose --help lists every command");
  ok(!strncmp(out, "Usage: wcompose [OPTIONS] COMMAND [ARGS...]\n", 44),
     "wcompose --help: its usage line");
  free(out);
}

static void test_global(void)
{
  struct cli_args a = CLI_ARGS_INIT;
  char msg[256];
  is_int(parse(&cli_program,
               "-f a.yml --file=b.yml -p proj --profile x --parallel 2 up -d "
               "-f c",
               &a, msg, sizeof(msg)),
         0, "global options parse");
  const struct strvec *files = cli_values(&a, CLI_G_FILE);
  is_int(files->n, 2, "two files");
  is_str(files->n == 2 ? files->v[1] : NULL, "b.yml", "  in order");
  is_str(cli_value(&a, CLI_G_PROJECT_NAME), "proj", "project name");
  is_str(joined(&a), "up|-d|-f|c", "the command and its arguments untouched");
  parse(&cli_program, "--progress fancy up", &a, msg, sizeof(msg));
  is_str(msg,
         "wcompose: --progress: 'fancy' is not one of auto, tty, plain, "
         "json, quiet",
         "a global choice checked, named 'wcompose:'");
  parse(&cli_program, "--pro x up", &a, msg, sizeof(msg));
  is_str(msg, "wcompose: unknown flag '--pro'", "ambiguous: no suggestion");
  cli_args_release(&a);
}

/* plugin_call on a command line given as words. */
static const char *plugin_context;

static int plugin(const char *line, int *first, char *msg, size_t n)
{
  char buf[256], *argv[16];
  int argc = 0;
  struct err err = ERR_INIT;
  snprintf(buf, sizeof(buf), "%s", line);
  for (char *w = strtok(buf, " "); w && argc < 15; w = strtok(NULL, " "))
    argv[argc++] = w;
  argv[argc] = NULL;
  static char ctx[64];
  const char *c = NULL;
  int rc = plugin_call(argc, argv, first, &c, &err);
  snprintf(ctx, sizeof(ctx), "%s", c ? c : "");
  plugin_context = c ? ctx : NULL;
  snprintf(msg, n, "%s", err.text ? err.text : "");
  msg[strcspn(msg, "\n")] = 0;
  err_release(&err);
  return rc;
}

static void test_plugin(void)
{
  char msg[256];
  int first;
  is_int(plugin("/x/docker-compose docker-cli-plugin-metadata", &first, msg,
                sizeof(msg)),
         PLUGIN_METADATA, "the docker CLI asks for the metadata");
  ok(strstr(plugin_metadata_json("1.2.3"), "\"SchemaVersion\":\"0.1.0\"") &&
         strstr(plugin_metadata_json("1.2.3"), "\"Version\":\"1.2.3\""),
     "  the JSON has the schema version and ours");
  is_int(plugin("/x/docker-compose compose up -d", &first, msg, sizeof(msg)),
         PLUGIN_RUN, "docker compose up -d: a plugin run");
  is_int(first, 1, "  our command line starts at 'compose'");
  unsetenv("DOCKER_HOST");
  is_int(plugin("docker-compose -H tcp://h:1 --debug compose ps", &first, msg,
                sizeof(msg)),
         PLUGIN_RUN, "docker's options before the plugin's name");
  is_int(first, 4, "  skipped");
  is_str(getenv("DOCKER_HOST"), "tcp://h:1", "  -H into DOCKER_HOST");
  plugin("docker-compose --host=unix:///s compose ps", &first, msg,
         sizeof(msg));
  is_str(getenv("DOCKER_HOST"), "unix:///s", "  --host=");
  ok(plugin_context == NULL, "  no context");
  unsetenv("DOCKER_HOST");
  is_int(plugin("docker-compose -H unix:///s --context default compose ps",
                &first, msg, sizeof(msg)),
         ERR_USAGE, "--host with --context is refused, as docker does");
  ok(strstr(msg, "either specify --host or --context"), "  saying so: %s", msg);
  unsetenv("DOCKER_HOST");
  is_int(plugin("docker-wc --tlsverify wc ps", &first, msg, sizeof(msg)),
         ERR_USAGE, "a TLS flag is refused (a plugin of another name)");
  ok(strstr(msg, "'--tlsverify'") && strstr(msg, "DOCKER_CERT_PATH"),
     "  saying what to set instead");
  is_int(
      plugin("docker-compose -c remote compose ps", &first, msg, sizeof(msg)),
      PLUGIN_RUN, "a context is taken");
  is_str(plugin_context, "remote", "  and handed back");
  is_int(first, 3, "  our line after it");
  plugin("docker-compose --context=other compose ps", &first, msg, sizeof(msg));
  is_str(plugin_context, "other", "  --context= too");
  is_int(plugin("docker-compose -f a.yml up", &first, msg, sizeof(msg)),
         PLUGIN_NONE, "docker-compose by hand: wcompose's own line");
  is_int(plugin("docker-compose up compose", &first, msg, sizeof(msg)),
         PLUGIN_NONE, "  even with the name later on");
  is_int(plugin("wcompose compose", &first, msg, sizeof(msg)), PLUGIN_NONE,
         "wcompose: never a plugin run");
}

int main(void)
{
  test_plugin();
  test_flags_and_values();
  test_numbers_and_choices();
  test_errors();
  test_positionals_and_help();
  test_table();
  test_global();
  return tap_done();
}
