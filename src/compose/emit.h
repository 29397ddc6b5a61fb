/* emit: the normalized project as docker compose config prints it, as a
 * cJSON tree, YAML text or JSON text. Deterministic: keys sorted where
 * compose sorts them. */
#ifndef WCOMPOSE_COMPOSE_EMIT_H
#define WCOMPOSE_COMPOSE_EMIT_H

#include <cjson/cJSON.h>

#include "compose/model.h"
#include "util/buf.h"

/* A new cJSON tree of the project (caller frees with cJSON_Delete). */
cJSON *emit_project(const struct project *p);
/* Render a cJSON tree as block-style YAML (through libyaml's emitter). */
int emit_yaml(const cJSON *root, struct buf *out);
/* Render as indented JSON. */
int emit_json(const cJSON *root, struct buf *out);

#endif
