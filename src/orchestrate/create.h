/* create: a service of the typed project as the Engine API's container
 * create body (POST /containers/create, API 1.41), the way docker compose
 * sends it, with a one-off run's overrides where they belong, plus the
 * names compose gives containers, networks, volumes and images. No engine
 * calls (one-off names read /dev/urandom). Returned cJSON trees and *_new
 * strings belong to the caller (cJSON_Delete, free); the project and the
 * overrides are borrowed. */
#ifndef WCOMPOSE_ORCHESTRATE_CREATE_H
#define WCOMPOSE_ORCHESTRATE_CREATE_H

#include <cjson/cJSON.h>

#include "compose/model.h"
#include "engine/api.h"
#include "util/err.h"
#include "util/strvec.h"

/* What a one-off run (`run`'s flags) changes in the service's container.
 * Each override lands where the service's own field is turned into JSON,
 * so nothing edits the body afterwards. Zero keeps the service's own;
 * strings are borrowed and read as the user wrote them, with the loader's
 * grammars. */
struct create_overrides {
  struct strlist command; /* replaces command: when not empty */
  const char *entrypoint; /* words split on spaces ("" empties it); drops
                             command: unless command is given too */
  struct strlist env;     /* "KEY=VAL", or "KEY" valued from the project's
                             environment (left out when unset there);
                             replaces the service's KEY in place */
  struct strlist labels;  /* "KEY=VAL" or "KEY" (empty), over the service's */
  struct strlist ports;   /* -p short syntax, after the service's ports */
  struct strlist volumes; /* -v short syntax, after the service's volumes
                             (a relative bind source is taken from the
                             project directory, as in a file) */
  const char *working_dir, *user;
  const char *name;         /* the container name (create_name_new) */
  enum tristate tty;        /* Tty */
  enum tristate stdin_open; /* OpenStdin and AttachStdin */
  int attach;               /* AttachStdout, AttachStderr, and StdinOnce
                               with stdin open: a client attaches once */
  int no_service_ports;     /* leave out the service's ports: */
  int no_restart;           /* no RestartPolicy */
  int no_aliases;           /* endpoints without aliases */
  int auto_remove;          /* HostConfig.AutoRemove */
};

/* An anonymous volume of a replaced container, mounted again in its
 * replacement (as compose does on recreate). */
struct create_inherit {
  const char *name;   /* the engine's volume name */
  const char *target; /* where it was mounted */
};

struct create_ctx {
  const struct project *project;
  const struct service *service;
  int number;           /* replica number, from 1 */
  int oneoff;           /* a `run` container */
  const char *image_id; /* the image's ID for LABELS_IMAGE, or NULL */
  const struct create_overrides *overrides; /* or NULL */
  /* The replaced container's anonymous volumes: each is mounted at its
   * target where the service declares a volume without a source there,
   * or declares nothing there (the image's VOLUME). */
  const struct create_inherit *inherit;
  size_t ninherit;
};

/* The create body: Image, Cmd, Entrypoint, Env, Labels (the service's and
 * compose's, with the config hash), HostConfig, and NetworkingConfig for
 * the primary network only (API 1.41 takes one network at create; the
 * others are connected afterwards with create_endpoint_new). The container
 * name and platform go in the query, not here. ERR_CONFIG with a message
 * naming the service for what cannot be expressed (a secret that is not a
 * file); ERR_USAGE with the loader's message for an override it does not
 * read ("'-p 80:80:80': not a port mapping: invalid host IP address"). */
int create_body(const struct create_ctx *c, cJSON **out, struct err *err);
/* use_api_socket: where the container finds the docker config holding
 * the person's registry credentials (DOCKER_CONFIG is set to the
 * directory unless the service sets it), copied in after create. */
#define CREATE_API_SOCKET_CONFIG_DIR "/run/secrets/docker"
#define CREATE_API_SOCKET_CONFIG CREATE_API_SOCKET_CONFIG_DIR "/config.json"

/* 1 when s sets use_api_socket: true. */
int create_uses_api_socket(const struct service *s);
/* PUT into container id (named name, for messages) a config.json holding
 * the credentials of the person's docker config (auth.h) at
 * CREATE_API_SOCKET_CONFIG, mode 0444, as compose injects it before the
 * container starts. As engine_container_archive_put: 0 and cb later, or
 * an ERR_* code in err and no callback. */
int create_api_config_put(struct engine *e, const char *id, const char *name,
                          engine_cb cb, void *ctx, struct err *err);

/* Fields of s the create body carries that an engine at API version api
 * ("1.41") does not know and silently ignores: one warning each into out,
 * "file:line:col: services.web.healthcheck.start_interval needs Engine API
 * 1.44, the engine offers 1.41: the engine ignores it" (without a position
 * where the model keeps none). Nothing when api is NULL. */
void create_api_warnings(const struct service *s, const char *api,
                         struct strvec *out);

/* What create_body would refuse, without keeping a body: check run's flags
 * before anything is started. */
int create_check(const struct create_ctx *c, struct err *err);
/* The name c's container gets: the override, else for a one-off
 * "<project>-<service>-run-<12 random hex digits>", else
 * create_container_name_new. */
char *create_name_new(const struct create_ctx *c);
/* An environment entry as -e gives it: "KEY=VAL" as is, "KEY" with its
 * value from p's environment, or NULL when it is unset there. */
char *create_env_entry_new(const struct project *p, const char *spec);

/* JSON text of v with object keys sorted (byte order) at every depth and
 * no whitespace: equal values give equal text (what the config hash is
 * taken of). Malloc'ed. */
char *create_canonical_json_new(const cJSON *v);

/* The config hash of s (labels_config_hash), after checking that a create
 * body can be made of s (err says why not). */
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
/* The same for c's container (its overrides apply: no aliases). */
cJSON *create_ctx_endpoint_new(const struct create_ctx *c,
                               const struct service_network *n);

/* Create the container c describes (named name) on e: create_body, then
 * engine_container_create with cb. ERR_CONFIG when the body cannot be
 * made (nothing sent); otherwise as engine_container_create. */
int create_container(struct engine *e, const struct create_ctx *c,
                     const char *name, engine_cb cb, void *ctx,
                     struct err *err);
/* Connect container (made from c) to the network n of c's service: its
 * aliases (unless c's overrides drop them) and addresses, as
 * engine_network_connect. */
int create_connect(struct engine *e, const struct create_ctx *c,
                   const struct service_network *n, const char *container,
                   engine_cb cb, void *ctx, struct err *err);

#endif
