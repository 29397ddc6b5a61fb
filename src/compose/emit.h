/* emit: the normalized project as docker compose config prints it, as a
 * cJSON tree, YAML text or JSON text. Deterministic: keys sorted where
 * compose sorts them. */
#ifndef WCOMPOSE_COMPOSE_EMIT_H
#define WCOMPOSE_COMPOSE_EMIT_H

#include <cjson/cJSON.h>

#include "compose/model.h"
#include "util/buf.h"

/* The two shapes compose prints differ: JSON has top-level keys sorted,
 * no x-* extensions below the top level, `command`/`entrypoint` null when
 * unset and `ipam: {}` on every network; YAML keeps compose's field order
 * and every extension. */
enum emit_format { EMIT_FORMAT_JSON, EMIT_FORMAT_YAML };
/* A new cJSON tree of the project (caller frees with cJSON_Delete). Unless
 * the project was loaded without interpolation, every `$` in its string
 * values is written `$$`, as docker compose config writes it, so that the
 * output is a compose file that loads back to the same project (keys,
 * never interpolated, are kept as they are); string fields that are empty
 * are left out. */
cJSON *emit_project_as(const struct project *p, enum emit_format fmt);
/* emit_project_as(p, EMIT_FORMAT_JSON). */
cJSON *emit_project(const struct project *p);
/* Render a cJSON tree as block-style YAML (through libyaml's emitter);
 * strings and keys that would read back as another type ("8000", "true",
 * "") are double-quoted, multi-line strings use literal style, and no tag
 * is ever written. Both renderers return 0, or ERR_LIMIT when out's cap is
 * reached. */
int emit_yaml(const cJSON *root, struct buf *out);
/* Render as JSON indented by two spaces, escaped as Go's encoder does
 * (<, > and & as \u003c...), ending with a newline. */
int emit_json(const cJSON *root, struct buf *out);

/* One service as docker compose v2 marshals its types.ServiceConfig with
 * Go's encoding/json during `up`: struct field order, empty fields left
 * out, maps sorted, command/entrypoint null when unset, struct-typed
 * fields ({} for deploy's resources and placement) always present, env_file
 * folded into environment and left out, label_file kept, `$` not doubled;
 * numbers of Go float32 fields are raw items holding Go's text. The input
 * of the config hash. Caller frees with cJSON_Delete. */
cJSON *emit_service_go(const struct project *p, const struct service *s);
/* Render as Go's json.Marshal does: no whitespace, <, > and & escaped,
 * raw items copied as they are. 0, or ERR_LIMIT at out's cap. */
int emit_json_compact(const cJSON *root, struct buf *out);

#endif
