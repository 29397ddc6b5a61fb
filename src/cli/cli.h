/* The command-line layer: global flags parsed by main.c, one declaration
 * and handler per command (src/cli/cmd-*.c, declared as cmdline/cmdtab.h
 * says). Only main.c and cli/ print and exit. */
#ifndef WCOMPOSE_CLI_CLI_H
#define WCOMPOSE_CLI_CLI_H

#include "cmdline/cmdtab.h"
#include "views/progress.h"
#include "orchestrate/session.h"
#include "util/buf.h"
#include "util/strvec.h"
#include "util/term.h"

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
  const char *context;      /* -c/--context, or docker's in a plugin run */
};

/* Each command's declaration, defined beside its handler in cli/cmd-*.c
 * and listed in cli_commands[] (cmdline/cmdtab.c). */
extern const struct cli_command cmd_attach_entry, cmd_build_entry,
    cmd_completion_entry, cmd_config_entry, cmd_cp_entry, cmd_create_entry,
    cmd_down_entry, cmd_events_entry, cmd_exec_entry, cmd_graph_entry,
    cmd_images_entry, cmd_kill_entry, cmd_logs_entry, cmd_ls_entry,
    cmd_pause_entry, cmd_port_entry, cmd_ps_entry, cmd_pull_entry,
    cmd_push_entry, cmd_restart_entry, cmd_rm_entry, cmd_run_entry,
    cmd_scale_entry, cmd_stack_entry, cmd_start_entry, cmd_stats_entry,
    cmd_stop_entry, cmd_top_entry, cmd_unpause_entry, cmd_up_entry,
    cmd_version_entry, cmd_wait_entry, cmd_watch_entry;

/* A command's session (orchestrate/session.h) with the progress display
 * as its hooks (cli/runtime.c). */
struct cli_session {
  struct session s;
  struct progress progress;
  int progress_open;
  struct cli_global *g;
};
/* Load the project and select services (session_load). */
int cli_session_load(struct cli_session *cs, struct cli_global *g,
                     char **services, int n, int with_deps);
/* Open the progress display and the engine. */
int cli_session_open(struct cli_session *cs);
/* The same for a command that changes things: SIGINT and SIGTERM finish
 * the steps under way and begin nothing new (session_guard), and the
 * command then exits 130 or 143. */
int cli_session_open_guarded(struct cli_session *cs);
/* Print the session's error (if rc) and map rc to an exit code. */
int cli_session_exit(struct cli_session *cs, int rc);
void cli_session_close(struct cli_session *cs);
/* The end of a command that prints: out to stdout (what came before a
 * failure too), then cli_session_exit and cli_session_close; out is
 * released. Returns the exit code. */
int cli_session_finish(struct cli_session *cs, struct buf *out, int rc);
/* The exit code for rc, printing err (or rc's text) first. */
int cli_exit_code(int rc, const struct err *err);
/* A --timeout style number of seconds, or -1 on junk. */
int cli_parse_seconds(const char *text);

/* The options of the simple verbs; each verb declares the ones it takes. */
enum cli_verb_option {
  VERB_OPT_TIMEOUT = 1, /* stop, restart: -t SECONDS */
  VERB_OPT_SIGNAL,      /* kill: -s SIGNAL */
  VERB_OPT_FORCE,       /* rm: -f */
  VERB_OPT_STOP,        /* rm: -s */
  VERB_OPT_VOLUMES,     /* rm: -v */
  VERB_OPT_NO_DEPS      /* restart: accepted, no effect */
};
/* The simple verbs (start, stop, restart, kill, pause, unpause, rm): walk
 * the observed containers of the services named in args toward goal
 * (cli/verbs.c). */
int cli_verb(struct cli_global *g, const struct cli_args *args,
             enum svc_goal goal);

/* An engine_output_cb for run and exec: a container's output to our stdout
 * and stderr as it comes (ctx unused). */
int cli_print_output(void *ctx, enum stream_kind kind, const char *data,
                     size_t n);

/* An interactive session ended how (0 exited, 1 interrupted, 2 detached):
 * said (cli/term.c); the exit code (exit_code, 130, 0). */
int cli_term_ended(const struct term_session *t, int how, const char *name,
                   int exit_code);

/* Print "wcompose: <text>" lines of an error report to stderr. */
struct err;
void cli_print_err(const struct err *err);
/* Print a warning line "WARN: ..." style to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
