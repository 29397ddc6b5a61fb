/* interp: compose variable interpolation ($VAR, ${VAR}, ${VAR:-d}, ${VAR-d},
 * ${VAR:?msg}, ${VAR?msg}, ${VAR:+r}, ${VAR+r}, nested, $$). Results are
 * allocated in the arena given. */
#ifndef WCOMPOSE_COMPOSE_INTERP_H
#define WCOMPOSE_COMPOSE_INTERP_H

#include "compose/dotenv.h"
#include "compose/ydoc.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/strvec.h"

/* Interpolate one string. An unset variable without a default becomes ""
 * and pushes one warning ("the \"FOO\" variable is not set. Defaulting to a
 * blank string.") to warnings (may be NULL). Errors (ERR_INTERP, at pos):
 * "required variable ID is missing a value: ID variable must be set",
 * "invalid interpolation format for services.web.image: \"${\"". path names
 * the field for messages (may be NULL). */
int interp_string(struct arena *a, const char *in, const struct env *vars,
                  const struct err_pos *pos, const char *path, char **out,
                  struct strvec *warnings, struct err *err);

/* Interpolate every scalar value of a tree in place (mapping keys are left
 * alone; nodes flagged YNODE_NOINTERP are skipped). Reports every error. */
int interp_tree(struct arena *a, struct ynode *root, const struct env *vars,
                struct strvec *warnings, struct err *err);

#endif
