/* dotenv: `.env` and env_file parsing, and the ordered variable set the
 * loader interpolates from. A struct env and its strings live in the arena
 * given to env_init. */
#ifndef WCOMPOSE_COMPOSE_DOTENV_H
#define WCOMPOSE_COMPOSE_DOTENV_H

#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

struct env_var {
  const char *name;
  const char *value; /* NULL: declared without a value (`FOO` alone) */
};

struct env {
  struct arena *arena;
  struct env_var *vars;
  size_t n, alloc;
};

void env_init(struct env *e, struct arena *a);
/* Set (replace or append, keeping first-insertion order). */
void env_set(struct env *e, const char *name, const char *value);
/* The value, or NULL when unset or declared without a value. */
const char *env_get(const struct env *e, const char *name);
/* 1 when the name is present at all (even without a value). */
int env_has(const struct env *e, const char *name);
/* Add every NAME=VALUE of a process environment (environ). */
void env_add_environ(struct env *e, char **environ);

/* Parse dotenv text into out, as compose does: `KEY=VALUE`, optional
 * `export `, comments, single quotes (literal), double quotes (escapes \n
 * \t \\ \" and ${} interpolation), unquoted values (trailing ` #comment`
 * dropped, ${} interpolated), multi-line quoted values, `KEY` alone (its
 * value is taken from lookup; when lookup has none it is recorded with a
 * NULL value). Double quotes also take \a \b \f \r \v \0ooo, and \$ for a
 * literal $. Interpolation inside the file looks up earlier keys of the
 * same file, then lookup (may be NULL); unset variables give "" silently.
 * Errors: ERR_SCHEMA ("file:3:4: unexpected character '/' in variable
 * name ...", unterminated quotes) or ERR_INTERP, with file:line:col. */
int dotenv_parse(struct env *out, const char *file, const char *text,
                 size_t len, const struct env *lookup, struct err *err);
/* Read and parse a file; ERR_IO "env file 'x' not found" when missing. */
int dotenv_parse_file(struct env *out, const char *path,
                      const struct env *lookup, struct err *err);

#endif
