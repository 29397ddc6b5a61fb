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

/* The most interpolated text one value may hold, and (by default) all the
 * values of one load together: a value counts when it holds a
 * substitution, with the length of its result. */
#define INTERP_VALUE_MAX ((size_t)64 << 20)
#define INTERP_TOTAL_MAX ((size_t)64 << 20)

/* Interpolate one string. An unset variable without a default becomes ""
 * and pushes one warning ("The \"FOO\" variable is not set. Defaulting to a
 * blank string.", once per name, while warnings holds fewer than 100) to
 * warnings (may be NULL). A variable declared without a value (env_get
 * gives NULL) counts as unset. Errors (ERR_INTERP, at pos):
 * "services.web.image: required variable ID is missing a value: ID
 * variable must be set", "invalid interpolation format
 * for services.web.image: \"${FOO\"; you may need to escape any $ with
 * another $"; ERR_LIMIT past 64 nested ${...}, a result over
 * INTERP_VALUE_MAX, or when the result would take vars->budget past its
 * cap ("services.web.command: interpolation passes the limit of 67108864
 * bytes of interpolated text for the project ($BIG adds 16777216 bytes
 * here)"). path names the field for messages (may be NULL). vars may be
 * NULL. */
int interp_string(struct arena *a, const char *in, const struct env *vars,
                  const struct err_pos *pos, const char *path, char **out,
                  struct strvec *warnings, struct err *err);

/* Where interp_string_with looks variables up: the value, or NULL when the
 * variable is unset. */
typedef const char *(*interp_lookup_cb)(void *data, const char *name);

/* interp_string with any variable source (dotenv uses it to look up the
 * keys of the file being read before the environment), drawing from
 * budget (may be NULL). */
int interp_string_with(struct arena *a, const char *in, interp_lookup_cb lookup,
                       void *data, struct load_budget *budget,
                       const struct err_pos *pos, const char *path, char **out,
                       struct strvec *warnings, struct err *err);

/* Interpolate every scalar value of a tree in place (mapping keys are left
 * alone; nodes flagged YNODE_NOINTERP are skipped; flags are kept, so a
 * quoted scalar stays a string; NULL nodes stay NULL). Messages name the
 * field by its dotted path (services.web.ports[0]). Reports every error
 * (an error inside a block that anchors and aliases repeat is told once,
 * at its position, with the paths that use it) and returns the first
 * code. */
int interp_tree(struct arena *a, struct ynode *root, const struct env *vars,
                struct strvec *warnings, struct err *err);

#endif
