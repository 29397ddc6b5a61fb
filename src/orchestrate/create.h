/* create: a service of the typed project as the Engine API's container
 * create body (POST /containers/create, API 1.41), the way docker compose
 * sends it, plus the names compose gives containers, networks, volumes and
 * images. Pure: no engine calls. Returned cJSON trees and *_new strings
 * belong to the caller (cJSON_Delete, free); the project is borrowed. */
#ifndef WCOMPOSE_ORCHESTRATE_CREATE_H
#define WCOMPOSE_ORCHESTRATE_CREATE_H

#include <cjson/cJSON.h>

#include "compose/model.h"
#include "engine/api.h"
#include "util/err.h"

struct create_ctx {
  const struct project *project;
  const struct service *service;
  int number;           /* replica number, from 1 */
  int oneoff;           /* a `run` container */
  const char *image_id; /* the image's ID for LABELS_IMAGE, or NULL */
};

/* The create body: Image, Cmd, Entrypoint, Env, Labels (the service's and
 * compose's, with the config hash), HostConfig, and NetworkingConfig for
 * the primary network only (API 1.41 takes one network at create; the
 * others are connected afterwards with create_endpoint_new). The container
 * name and platform go in the query, not here. ERR_CONFIG with a message
 * naming the service for what cannot be expressed (a secret that is not a
 * file). */
int create_body(const struct create_ctx *c, cJSON **out, struct err *err);

/* The config hash of s: SHA-256 hex of the canonical JSON of its create
 * body without compose's labels, so it changes exactly when the container
 * compose would create changes. */
int create_config_hash(const struct project *p, const struct service *s,
                       char out[65], struct err *err);

/* container_name, else "<project>-<service>-<number>". */
char *create_container_name_new(const struct project *p,
                                const struct service *s, int number);
/* The image a service runs: image:, else "<project>-<service>". */
char *create_image_name_new(const struct project *p, const struct service *s);
/* Engine names of networks and volumes by compose key (the model's name,
 * or key itself when the project does not declare it). Borrowed. */
const char *create_network_name(const struct project *p, const char *key);
const char *create_volume_name(const struct project *p, const char *key);

/* Index in s->networks of the network the container is created on
 * (highest priority, then by name), or -1 when it uses network_mode or
 * has no networks. */
long create_primary_network(const struct service *s);
/* The EndpointSettings of s on network n: aliases (the service name first,
 * then n's aliases) and IPAM addresses. For create and for
 * POST /networks/{id}/connect. */
cJSON *create_endpoint_new(const struct service *s,
                           const struct service_network *n);

/* Create the container c describes (named name) on e: create_body, then
 * engine_container_create with cb. ERR_CONFIG when the body cannot be
 * made (nothing sent); otherwise as engine_container_create. */
int create_container(struct engine *e, const struct create_ctx *c,
                     const char *name, engine_cb cb, void *ctx,
                     struct err *err);
/* Connect container to the network n of service s (its aliases and
 * addresses), as engine_network_connect. */
int create_connect(struct engine *e, const struct project *p,
                   const struct service *s, const struct service_network *n,
                   const char *container, engine_cb cb, void *ctx,
                   struct err *err);

#endif
