/* completion: shell completion scripts for bash, zsh and fish, generated
 * from the command table (commands, their options, which options take a
 * value and of what kind, what their positional arguments are). At
 * completion time the scripts ask the program itself for what depends on
 * the project: `config --services`, `config --profiles`, and for commands
 * declared CLI_CMD_RUNNING `ps --services` (the running services; config's
 * list when no engine answers), passing along the global options typed
 * before the command (-f, -p, --project-directory, --env-file...).
 *
 * Kinds of values, from an option's declaration: its choices; FILE or PATH
 * (files), DIR (directories), a name with SERVICE in it (services), the
 * --profile option (profiles); anything else completes nothing. Kinds of
 * positional arguments, from the usage: SERVICE (one, or each with
 * "SERVICE..."), COMMAND (the commands), a|b|c (those words). */
#ifndef WCOMPOSE_CMDLINE_COMPLETION_H
#define WCOMPOSE_CMDLINE_COMPLETION_H

#include <stdio.h>

#include "cmdline/cmdtab.h"

struct err;

/* The shells there are scripts for, as `completion` takes them. */
#define COMPLETION_SHELLS "bash|zsh|fish"

/* Write the script for shell ("bash", "zsh" or "fish") to f, for program
 * (its name and global options) and commands (NULL-terminated), the
 * program named version in the script's heading. ERR_USAGE with a line in
 * err for another shell; ERR_IO when f cannot be written. */
int completion_write(FILE *f, const char *shell,
                     const struct cli_command *program,
                     const struct cli_command *const *commands,
                     const char *version, struct err *err);

#endif
