/* cmdtab: commands as declarations. Each command is a struct cli_command
 * (name, summary, usage, options, handler), defined beside its handler in
 * src/cli/cmd-*.c as tmux's cmd_entry is; cli_commands[] lists them all.
 * Parsing, --help text and the unknown-flag errors come from the
 * declarations, so shell completion can be generated from them too.
 *
 * The grammar (POSIX utility conventions with GNU long options):
 *   -d -t5 -t 5 -dt5     short flags, clustered; a value is the rest of the
 *                        element or the next element
 *   --timeout=5 --timeout 5
 *                        long names match exactly: no abbreviations (one
 *                        would break as soon as an option with the same
 *                        start is added); "--fo" is an error that suggests
 *                        "--force-recreate"
 *   --                   ends the options
 *   -h, --help           every command has them; nothing after is read
 * Options stop at the first positional argument (getopt's "+"), so `run
 * SERVICE CMD -x` and `exec SERVICE CMD -x` pass -x to CMD untouched; a
 * command declared CLI_CMD_PERMUTE takes options after positionals too.
 * The parser is written here rather than on getopt_long because getopt_long
 * accepts abbreviations and cannot say which element failed in a cluster or
 * after a permutation; what is left of the grammar is short.
 *
 * Values are checked while parsing, in argv order: CLI_OPT_SECONDS and
 * friends for numbers, choices for fixed words. Ownership: a struct
 * cli_args owns copies of everything it holds; cli_args_release frees.
 *
 * A new command, in src/cli/cmd-frob.c (then listed in cli_commands[] and
 * declared in cli.h):
 *   enum { O_QUIET = 1, O_TIMEOUT };
 *   static const struct cli_option options[] = {
 *       {O_QUIET, 'q', "quiet", NULL, "Print nothing"},
 *       {O_TIMEOUT, 't', "timeout", "SECONDS", "Give up after that",
 *        CLI_OPT_SECONDS},
 *       {0}};
 *   static int cmd_frob(struct cli_global *g, const struct cli_args *args)
 *   {
 *     int timeout = cli_int(args, O_TIMEOUT, -1);
 *     ... args->pos.v, args->pos.n: the services named ...
 *   }
 *   const struct cli_command cmd_frob_entry = {
 *       .name = "frob", .summary = "Frobnicate services",
 *       .usage = "[OPTIONS] [SERVICE...]", .options = options,
 *       .run = cmd_frob};
 */
#ifndef WCOMPOSE_CMDLINE_CMDTAB_H
#define WCOMPOSE_CMDLINE_CMDTAB_H

#include <stdio.h>

#include "util/strvec.h"

struct cli_global;
struct err;

enum cli_opt_flags {
  CLI_OPT_REPEAT = 1 << 0, /* meant to be given more than once ("-e A -e B");
                              help says "(repeatable)" */
  CLI_OPT_HIDDEN = 1 << 1, /* accepted (compatibility), left out of --help */
  /* At most one of these: the value must be a whole number, and */
  CLI_OPT_SECONDS = 1 << 2, /* 0..1000000: "is not a number of seconds" */
  CLI_OPT_REPLICA = 1 << 3, /* 1..1000000: "is not a replica number" */
  CLI_OPT_LINES = 1 << 4    /* 0..1000000 or "all" (then -1): "is not a
                               number of lines (or all)" */
};

/* One option of a command. The array ends with {0}. Ids are nonzero and
 * distinct within a command; -h and --help are every command's already and
 * are not declared (tests/unit/cmdtab-test checks both). */
struct cli_option {
  int id;                /* the command's own enum; read back by id */
  char short_name;       /* 'd' for -d, or 0 */
  const char *long_name; /* "detach" for --detach, or NULL */
  const char *arg;       /* the value's name in help ("SECONDS"); NULL: the
                            option takes no value */
  const char *help;      /* one line; wrapped to the terminal's 80 columns */
  unsigned flags;        /* enum cli_opt_flags */
  const char *choices;   /* "table|json": the only values accepted, or NULL */
};

enum cli_command_flags {
  CLI_CMD_PERMUTE = 1 << 0, /* options may follow positional arguments */
  CLI_CMD_RUNNING = 1 << 1  /* its SERVICE arguments are running services
                               (what completion offers) */
};

struct cli_args;
typedef int (*cli_run_cb)(struct cli_global *g, const struct cli_args *a);

struct cli_command {
  const char *name;                 /* "up" */
  const char *summary;              /* one line, for 'wcompose --help' */
  const char *usage;                /* after "wcompose up ": "[OPTIONS]
                                       [SERVICE...]" */
  const char *description;          /* longer text for --help (lines end
                                       with \n), or NULL: the summary */
  const struct cli_option *options; /* NULL when there are none */
  cli_run_cb run; /* returns an exit code (enum cli_exit); what a holds
                     lives until it returns */
  unsigned flags; /* enum cli_command_flags */
};

/* What one option received. */
struct cli_opt_value {
  unsigned count;       /* times given */
  struct strvec values; /* its values, in order (options with arg) */
  int num;              /* the last value, for CLI_OPT_SECONDS/REPLICA/LINES */
};

/* A parsed command line. */
struct cli_args {
  const struct cli_command *cmd;
  struct cli_opt_value *opt; /* one per cmd->options entry, in its order */
  size_t nopt;
  struct strvec pos; /* positional arguments, and all that follows the first
                        one (or "--") unless CLI_CMD_PERMUTE */
  int help;          /* -h or --help: parsing stopped there */
};
#define CLI_ARGS_INIT                                                          \
  {                                                                            \
    NULL, NULL, 0, STRVEC_INIT, 0                                              \
  }

/* Parse argv[1..argc-1] for cmd (argv[0] is its name and is not read).
 * 0 with a filled; or ERR_USAGE with err holding one line,
 * "wcompose up: unknown flag '--fo' (did you mean '--force-recreate'?)",
 * "wcompose up: flag '--scale' needs a value",
 * "wcompose down: --timeout: 'x' is not a number of seconds". Release a
 * either way. */
int cli_parse(const struct cli_command *cmd, int argc, char **argv,
              struct cli_args *a, struct err *err);
void cli_args_release(struct cli_args *a);

/* Reading the result by option id. An id the command does not declare
 * reads as never given, so one handler can serve commands that declare
 * different subsets (lc_verb). */
/* How many times the option was given (0: not given). */
unsigned cli_flag(const struct cli_args *a, int id);
/* Its last value, or NULL. Owned by a. */
const char *cli_value(const struct cli_args *a, int id);
/* All its values in order; an empty vector when none. Owned by a. */
const struct strvec *cli_values(const struct cli_args *a, int id);
/* Append all its values to to (copies). */
void cli_values_copy(const struct cli_args *a, int id, struct strvec *to);
/* The last value of a CLI_OPT_SECONDS/REPLICA/LINES option, already
 * checked; def when the option was not given. */
int cli_int(const struct cli_args *a, int id, int def);

/* Print cmd's help (usage, description, options; for cli_program, the
 * commands too). */
void cli_help(FILE *f, const struct cli_command *cmd);

/* Defined by the program (src/cli/commands.c): its options, its commands
 * and the dispatch to them. */

/* The global options, before the command name; its usage and options are
 * wcompose's own. main.c reads them into struct cli_global. */
enum cli_global_option {
  CLI_G_FILE = 1,
  CLI_G_PROJECT_NAME,
  CLI_G_PROJECT_DIR,
  CLI_G_ENV_FILE,
  CLI_G_PROFILE,
  CLI_G_PROGRESS,
  CLI_G_ANSI,
  CLI_G_PARALLEL,
  CLI_G_DRY_RUN,
  CLI_G_VERSION,
  CLI_G_CONTEXT
};
extern const struct cli_command cli_program;

/* Every command, sorted by name, NULL-terminated. */
extern const struct cli_command *const cli_commands[];
/* The command called name, or NULL. */
const struct cli_command *cli_command_find(const char *name);
/* The command name nearest to an unknown one, or NULL. */
const char *cli_command_suggest(const char *name);

/* Parse argv for cmd and run it: help on stdout (EXIT_OK); a usage error
 * on stderr with a pointer to --help (EXIT_USAGE); else cmd->run's code. */
int cli_run(const struct cli_command *cmd, struct cli_global *g, int argc,
            char **argv);

#endif
