/* dotenv: `.env` and env_file parsing, and the ordered variable set the
 * loader interpolates from. A struct env and its strings live in the arena
 * given to env_init. */
#ifndef WCOMPOSE_COMPOSE_DOTENV_H
#define WCOMPOSE_COMPOSE_DOTENV_H

#include <stddef.h>

#include "compose/sindex.h"
#include "util/arena.h"
#include "util/err.h"

/* What one load may spend, shared by every variable set and file it
 * reads: interpolated text (see interp.h), and the bytes of the files it
 * reads (compose files, env and label files, however often each is
 * included or named: LOAD_FILES_MAX in all). */
struct load_budget {
  size_t used; /* bytes of interpolated values so far */
  size_t max;  /* their cap; 0: INTERP_TOTAL_MAX */
  int told;    /* passing that cap was reported (once is enough) */
  size_t read; /* bytes of the files read so far */
};
#define LOAD_FILES_MAX ((size_t)64 << 20)

/* Count n more bytes read against b (may be NULL): ERR_LIMIT with a
 * message naming file when that passes LOAD_FILES_MAX. */
int load_budget_read(struct load_budget *b, size_t n, const char *file,
                     struct err *err);

struct env_var {
  const char *name;
  const char *value; /* NULL: declared without a value (`FOO` alone) */
};

/* A struct env must stay where env_init put it (its table reads names
 * back through it). */
struct env {
  struct arena *arena;
  struct env_var *vars;
  size_t n, alloc;
  struct sindex index; /* name -> position in vars */
  /* What interpolation with these variables (and of the dotenv files read
   * into them) draws from; NULL: only the cap on each value. */
  struct load_budget *budget;
};

void env_init(struct env *e, struct arena *a);
/* Set (replace or append, keeping first-insertion order); constant time. */
void env_set(struct env *e, const char *name, const char *value);
/* env_set for strings that already live as long as e's arena (from it, or
 * static): they are kept, not copied. */
void env_set_shared(struct env *e, const char *name, const char *value);
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
 * Interpolation draws from out->budget. Errors: ERR_SCHEMA ("file:3:4:
 * unexpected character '/' in variable name ...", unterminated quotes, a
 * NUL byte), ERR_INTERP, or ERR_LIMIT (interpolation), with file:line:col. */
int dotenv_parse(struct env *out, const char *file, const char *text,
                 size_t len, const struct env *lookup, struct err *err);
/* Read and parse a file; ERR_IO "env file 'x' not found" when missing,
 * ERR_LIMIT when it is larger than DOTENV_FILE_MAX or its bytes pass
 * out->budget's LOAD_FILES_MAX. */
#define DOTENV_FILE_MAX ((size_t)16 << 20)
int dotenv_parse_file(struct env *out, const char *path,
                      const struct env *lookup, struct err *err);

#endif
