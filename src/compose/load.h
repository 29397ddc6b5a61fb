/* load: from command-line options to a typed project. Discovery of compose
 * files, project name and directory, .env and --env-file, interpolation,
 * include, extends, merging of several files (override rules, !reset,
 * !override), schema validation, then model_build. Pure and synchronous. */
#ifndef WCOMPOSE_COMPOSE_LOAD_H
#define WCOMPOSE_COMPOSE_LOAD_H

#include "compose/model.h"
#include "util/err.h"
#include "util/strvec.h"

struct load_options {
  const struct strvec *files;     /* -f; empty: COMPOSE_FILE or discovery */
  const char *project_name;       /* -p, or NULL */
  const char *project_dir;        /* --project-directory, or NULL */
  const struct strvec *env_files; /* --env-file; empty: <project_dir>/.env */
  const struct strvec *profiles;  /* --profile; empty: COMPOSE_PROFILES */
  const char *cwd;                /* NULL: getcwd() */
  char **environ;                 /* NULL: the process environment */
  int no_interpolate;             /* config --no-interpolate */
  int no_normalize;               /* keep paths relative, no defaults */
  int no_consistency;             /* skip cross-reference checks */
  const char *stdin_text;         /* for tests: content of "-" (else stdin) */
};

/* Load the project. On success *out is a project owning all its memory
 * (project_free). Warnings (obsolete version, unset variables) go to
 * warnings, one line each, without position prefixes required. On error
 * err has one line per problem (file:line:col: message) and *out is NULL. */
int compose_load(const struct load_options *opt, struct project **out,
                 struct strvec *warnings, struct err *err);

#endif
