/* schema: validation of a compose YAML tree against schemas/compose-spec.json
 * (our own draft-07 schema, compiled into the binary), by a validator for
 * the subset of draft-07 the schema uses. Messages name the field path and
 * what was expected, at the offending node's file:line:col. */
#ifndef WCOMPOSE_COMPOSE_SCHEMA_H
#define WCOMPOSE_COMPOSE_SCHEMA_H

#include "compose/ydoc.h"
#include "util/err.h"

struct schema;

/* The compose schema built into wcompose; parsed once, kept for the life
 * of the process (never freed by callers). NULL only on a broken build. */
const struct schema *schema_compose(void);

/* A schema from JSON text (for tests); schema_free releases it. */
struct schema *schema_parse(const char *json, struct err *err);
void schema_free(struct schema *s);

/* Validate a whole document. Returns 0 or ERR_SCHEMA with one line per
 * problem, e.g.
 *   compose.yaml:4:5: services.web: unknown key 'comand' (did you mean
 *   'command'?)
 *   compose.yaml:9:9: services.dict-env.environment.FOO must be a boolean,
 *   null, number or string */
int schema_validate(const struct schema *s, const struct ynode *root,
                    struct err *err);

#endif
