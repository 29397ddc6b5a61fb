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

/* A schema from JSON text (for tests); the caller owns it and releases it
 * with schema_free. Its patterns are compiled and its $refs resolved here:
 * NULL with ERR_SCHEMA ("schema: invalid JSON near offset N", "schema:
 * cannot resolve $ref '#/x'", "schema: bad pattern 'a(': ...").
 * The keywords understood are listed in schemas/README.md. */
struct schema *schema_parse(const char *json, struct err *err);
void schema_free(struct schema *s);

/* Validate a whole document (root NULL is checked as a null document).
 * Nothing is kept: root is only read. Values tagged !reset are skipped.
 * Returns 0 (err untouched) or ERR_SCHEMA with one line per problem, in
 * position order, at most 100 of them, e.g.
 *   compose.yaml:4:5: services.web: unknown key 'comand' (did you mean
 *   'command'?)
 *   compose.yaml:9:9: services.dict-env.environment.FOO must be a boolean,
 *   null, number or string
 *   compose.yaml:3:1: unknown top-level key 'app'
 * For anyOf/oneOf the errors are those of the branch that takes the node's
 * kind (mapping, list, scalar), so they name the real problem. */
int schema_validate(const struct schema *s, const struct ynode *root,
                    struct err *err);

#endif
