/* The command-line layer: global flags parsed by main.c, one declaration
 * and handler per command (src/cli/cmd-*.c, declared as cli/cmdtab.h
 * says). Only main.c and cli/ print and exit. */
#ifndef WCOMPOSE_CLI_CLI_H
#define WCOMPOSE_CLI_CLI_H

#include "cli/cmdtab.h"
#include "util/strvec.h"

/* Exit codes (documented in doc/wcompose.1). */
enum cli_exit {
  EXIT_OK = 0,
  EXIT_FAIL = 1,      /* a runtime failure: a build, a container, the engine */
  EXIT_USAGE = 2,     /* bad flags, unknown command or service */
  EXIT_CONFIG = 14,   /* the compose files are invalid: nothing was done */
  EXIT_NOENGINE = 17, /* no engine answers, or the socket is not permitted */
  EXIT_SIGINT = 130   /* stopped by Ctrl-C */
};

/* Global flags, before the command name (declared in cli_program). Strings
 * are owned by main's parsed arguments; vectors are owned and cleared by
 * main. */
struct cli_global {
  struct strvec files;      /* -f/--file, repeatable; "-" is stdin */
  const char *project_name; /* -p/--project-name */
  const char *project_dir;  /* --project-directory */
  struct strvec env_files;  /* --env-file, repeatable */
  struct strvec profiles;   /* --profile, repeatable */
  const char *progress;     /* --progress auto|tty|plain|json|quiet */
  const char *ansi;         /* --ansi never|always|auto */
  int parallel;             /* --parallel, -1 unlimited */
  int dry_run;              /* --dry-run */
};

/* Each command's declaration, defined beside its handler in cli/cmd-*.c
 * and listed in cli_commands[] (cli/cmdtab.c). */
extern const struct cli_command cmd_build_entry, cmd_config_entry,
    cmd_create_entry, cmd_down_entry, cmd_events_entry, cmd_exec_entry,
    cmd_images_entry, cmd_kill_entry, cmd_logs_entry, cmd_ls_entry,
    cmd_pause_entry, cmd_port_entry, cmd_ps_entry, cmd_pull_entry,
    cmd_push_entry, cmd_restart_entry, cmd_rm_entry, cmd_run_entry,
    cmd_start_entry, cmd_stop_entry, cmd_top_entry, cmd_unpause_entry,
    cmd_up_entry, cmd_version_entry, cmd_watch_entry;

/* Print "wcompose: <text>" lines of an error report to stderr. */
struct err;
void cli_print_err(const struct err *err);
/* Print a warning line "WARN: ..." style to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
