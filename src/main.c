/* wcompose: global flags, the command table, exit codes. */
#include "config.h"

#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct command {
  const char *name;
  cli_cmd_fn fn;
  const char *summary;
};

static const struct command commands[] = {
#define CMD_ENTRY_(name, summary) {#name, cmd_##name, summary},
    CLI_COMMANDS(CMD_ENTRY_)
#undef CMD_ENTRY_
};

static void usage(FILE *f)
{
  fprintf(
      f,
      "Usage: wcompose [OPTIONS] COMMAND [ARGS...]\n\n"
      "Define and run multi-container applications on a Docker engine.\n\n"
      "Options:\n"
      "  -f, --file FILE              Compose configuration file (repeatable, "
      "- for stdin)\n"
      "  -p, --project-name NAME      Project name\n"
      "      --project-directory DIR  Alternate working directory\n"
      "      --env-file FILE          Alternate environment file (repeatable)\n"
      "      --profile NAME           Enable a profile (repeatable)\n"
      "      --progress TYPE          auto, tty, plain, json or quiet\n"
      "      --ansi WHEN              never, always or auto\n"
      "      --parallel N             Limit parallel engine calls\n"
      "      --dry-run                Show what would be done\n"
      "  -v, --version                Show the version and exit\n"
      "  -h, --help                   Show this help\n\n"
      "Commands:\n");
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\nRun 'wcompose COMMAND --help' for more on a command.\n");
}

int main(int argc, char **argv)
{
  static const struct option opts[] = {
      {"file", required_argument, NULL, 'f'},
      {"project-name", required_argument, NULL, 'p'},
      {"project-directory", required_argument, NULL, 'D'},
      {"env-file", required_argument, NULL, 'E'},
      {"profile", required_argument, NULL, 'P'},
      {"progress", required_argument, NULL, 'G'},
      {"ansi", required_argument, NULL, 'A'},
      {"parallel", required_argument, NULL, 'L'},
      {"dry-run", no_argument, NULL, 'n'},
      {"version", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  struct cli_global g = {.parallel = -1};
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+f:p:vh", opts, NULL)) != -1) {
    switch (c) {
    case 'f':
      strvec_push(&g.files, optarg);
      break;
    case 'p':
      g.project_name = optarg;
      break;
    case 'D':
      g.project_dir = optarg;
      break;
    case 'E':
      strvec_push(&g.env_files, optarg);
      break;
    case 'P':
      strvec_push(&g.profiles, optarg);
      break;
    case 'G':
      g.progress = optarg;
      break;
    case 'A':
      g.ansi = optarg;
      break;
    case 'L':
      g.parallel = atoi(optarg);
      break;
    case 'n':
      g.dry_run = 1;
      break;
    case 'v':
      printf("wcompose version %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    case 'h':
      usage(stdout);
      return EXIT_OK;
    default:
      if (optopt)
        fprintf(stderr, "wcompose: option '-%c' %s\n", optopt,
                strchr("fp", optopt) ? "needs a value" : "is unknown");
      else
        fprintf(stderr, "wcompose: option '%s' is unknown or needs a value\n",
                argv[optind - 1]);
      fprintf(stderr, "Run 'wcompose --help' for usage.\n");
      return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *name = argv[optind];
  const struct command *cmd = NULL;
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    if (!strcmp(commands[i].name, name))
      cmd = &commands[i];
  if (!cmd) {
    fprintf(stderr,
            "wcompose: unknown command '%s'\nRun 'wcompose --help' for the "
            "list of commands.\n",
            name);
    return EXIT_USAGE;
  }
  int sub_argc = argc - optind;
  char **sub_argv = argv + optind;
  optind = 0; /* full reset of getopt for the command */
  int rc = cmd->fn(&g, sub_argc, sub_argv);
  strvec_clear(&g.files);
  strvec_clear(&g.env_files);
  strvec_clear(&g.profiles);
  fflush(stdout);
  return rc;
}
