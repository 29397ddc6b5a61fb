/* labels: the com.docker.compose.* labels that tie engine objects to a
 * project (so docker compose and wcompose find each other's containers),
 * and the config hash that tells whether a container still matches its
 * service. Pure: no engine calls. A struct labels owns its keys and values
 * (labels_release); strings returned by *_new are malloc'ed. */
#ifndef WCOMPOSE_ORCHESTRATE_LABELS_H
#define WCOMPOSE_ORCHESTRATE_LABELS_H

#include <stddef.h>

#include "compose/model.h"
#include "engine/types.h"

#define LABELS_PROJECT "com.docker.compose.project"
#define LABELS_SERVICE "com.docker.compose.service"
#define LABELS_NUMBER "com.docker.compose.container-number"
#define LABELS_ONEOFF "com.docker.compose.oneoff"
#define LABELS_CONFIG_HASH "com.docker.compose.config-hash"
#define LABELS_WORKING_DIR "com.docker.compose.project.working_dir"
#define LABELS_CONFIG_FILES "com.docker.compose.project.config_files"
#define LABELS_ENV_FILE "com.docker.compose.project.environment_file"
#define LABELS_DEPENDS_ON "com.docker.compose.depends_on"
#define LABELS_IMAGE "com.docker.compose.image"
#define LABELS_VERSION "com.docker.compose.version"
#define LABELS_NETWORK "com.docker.compose.network"
#define LABELS_VOLUME "com.docker.compose.volume"
#define LABELS_REPLACE "com.docker.compose.replace"

/* The config hash of s as docker compose v2 computes it, so that either
 * tool's `up` keeps the other's containers: SHA-256 hex of the Go JSON of
 * the service (emit_service_go) without the fields compose clears before
 * hashing (build, pull_policy, scale, deploy.replicas, depends_on,
 * profiles). doc/config-hash.md says which fields match. */
void labels_config_hash(const struct project *p, const struct service *s,
                        char out[65]);

/* Labels as the engine takes them: keys in the order first set, each
 * once. */
struct labels {
  struct engine_kv *v;
  size_t n, alloc;
};
#define LABELS_INIT                                                            \
  {                                                                            \
    NULL, 0, 0                                                                 \
  }
/* Set key to value (copied; NULL: ""), replacing an earlier value. */
void labels_put(struct labels *l, const char *key, const char *value);
/* Put every pair of a compose file's list. */
void labels_put_list(struct labels *l, const struct kvlist *from);
void labels_release(struct labels *l);

/* "db:service_started:false,cache:service_healthy:true", as compose writes
 * LABELS_DEPENDS_ON (condition and restart of each depends_on entry).
 * Malloc'ed; "" when the service has no dependencies. */
char *labels_depends_on_new(const struct service *s);

/* Add the labels of a container of s to obj: project, service, number,
 * oneoff ("True"/"False"), working_dir, config_files (comma-joined),
 * depends_on, version (wcompose's), and config-hash / image when hash /
 * image_id are not NULL. Existing keys are replaced. */
void labels_add_container(struct labels *obj, const struct project *p,
                          const struct service *s, int number, int oneoff,
                          const char *hash, const char *image_id);
/* The labels of a network or volume the project creates (key is the name
 * in the compose file). */
void labels_add_network(struct labels *obj, const struct project *p,
                        const char *key);
void labels_add_volume(struct labels *obj, const struct project *p,
                       const char *key);

#endif
