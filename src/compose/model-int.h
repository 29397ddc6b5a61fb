/* model internals shared by model*.c, emit.c and the unit tests: value
 * parsers and formatters that behave as compose's (Go) ones do. Strings
 * returned come from the arena given. */
#ifndef WCOMPOSE_COMPOSE_MODEL_INT_H
#define WCOMPOSE_COMPOSE_MODEL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "compose/model.h"

/* Go time.ParseDuration syntax ("1m30s", "1.5h", "500ms", "0"); 0 or -1. */
int model_parse_duration(const char *s, int64_t *ns);
/* Go time.Duration.String ("1m30s", "1h0m0s", "500ms", "0s") into buf. */
void model_format_duration(int64_t ns, char *buf, size_t size);
/* Byte sizes as docker reads them: "1024", "512m", "1gb", "1.5g"
 * (1024-based, case-insensitive, optional i and b); 0 or -1. */
int model_parse_bytes(const char *s, int64_t *out);
/* Split a command line as a POSIX shell would (quotes, backslashes, no
 * expansion); 0 or -1 on an unterminated quote. */
int model_shell_split(struct arena *a, const char *s, struct strlist *out);
/* Clean a slash path as Go's path.Clean does ("a/../b/." -> "b"). */
char *model_clean_path(struct arena *a, const char *path);
/* Resolve a host path: ~ and ~/x against home, relative against dir, then
 * clean. */
char *model_abs_path(struct arena *a, const char *dir, const char *home,
                     const char *path);
/* The shortest text for a double that reads back the same ("0.001"). */
void model_format_float(double f, char *buf, size_t size);

/* Type of a plain scalar text under the YAML 1.2 core schema (as
 * ydoc_scalar_type; "" is null). */
enum model_stype { STYPE_NULL, STYPE_BOOL, STYPE_INT, STYPE_FLOAT, STYPE_STR };
enum model_stype model_scalar_type(const char *s);
/* 1, 0, or -1 when s is not a boolean word. A field typed boolean also
 * takes YAML 1.1's words (yes/no/on/off/y/n) as compose's loader does;
 * nowhere else are they booleans. */
int model_bool(const char *s);
/* An integer field's text: decimal (leading zeros too), 0o octal, 0x hex
 * (the core schema's forms). */
int64_t model_int(const char *s);
/* A file mode's text (secrets/configs mode, tmpfs mode): octal when it
 * starts with 0 or 0o, as compose reads 0440; decimal otherwise. */
int64_t model_mode(const char *s);

/* One short-syntax port spec expanded as compose does: ports[0..n) from
 * the arena. -1 and a message (static text, or from the arena) on error. */
int model_parse_ports(struct arena *a, const char *spec, struct port **ports,
                      size_t *n, const char **why);

/* One short-syntax volume spec: "[SRC:]DST[:OPTS]" (paths not yet
 * resolved). -1 and a message on error. */
int model_parse_volume(struct arena *a, const char *spec, struct mount *m,
                       const char **why);

#endif
