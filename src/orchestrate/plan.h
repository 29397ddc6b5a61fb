/* plan: convergence. Compares what the project wants (services, replicas,
 * config hashes, image IDs) with the containers the engine has (found by
 * compose labels) and says what to do with each: create, recreate, start,
 * keep, remove. Pure: the observed containers come in as plain structs.
 * A plan owns its action array (plan_release); everything it points to
 * (project, observed containers) is borrowed from the caller. */
#ifndef WCOMPOSE_ORCHESTRATE_PLAN_H
#define WCOMPOSE_ORCHESTRATE_PLAN_H

#include <stddef.h>

#include "compose/model.h"
#include "engine/types.h"

/* A container the engine has, as GET /containers/json lists it. */
struct plan_container {
  const char *id;
  const char *name;        /* without the leading '/' */
  const char *service;     /* LABELS_SERVICE */
  int number;              /* LABELS_NUMBER; 0 when absent */
  const char *config_hash; /* LABELS_CONFIG_HASH, or NULL */
  const char *image_id;    /* LABELS_IMAGE, or NULL */
  const char *state;       /* "created", "running", "paused", "exited"... */
  int oneoff;              /* LABELS_ONEOFF is "True" */
  const struct engine_mount *mounts; /* its mounts (anonymous volumes carry
                                        over to a replacement) */
  size_t nmounts;
};

/* Fill c from one item of GET /containers/json, the engine's typed summary
 * (strings borrowed from item). */
void plan_container_from_summary(const struct engine_container_summary *item,
                                 struct plan_container *c);

enum plan_op {
  PLAN_CREATE,   /* create replica `number` (and start it) */
  PLAN_RECREATE, /* create `number` again under a temporary name, stop and
                    remove `container`, rename the new one */
  PLAN_START,    /* start the stopped `container` */
  PLAN_KEEP,     /* `container` runs with the current config */
  PLAN_REMOVE    /* stop and remove `container` (scale down, orphan) */
};

struct plan_action {
  enum plan_op op;
  long service; /* index in project->services, -1 for an orphan */
  int number;   /* the replica */
  const struct plan_container *container; /* NULL for PLAN_CREATE */
  int restart; /* PLAN_KEEP: restart it (depends_on with restart: true on
                  a service this plan recreates or starts) */
  int rename;  /* PLAN_KEEP, PLAN_START: its name is not the canonical one
                  of its number (create_container_name_new), which no
                  container holds but those the plan removes of this
                  service: rename it once they are removed */
};

/* What a service wants, indexed like project->services. */
struct plan_want {
  int selected;         /* take part in this plan; others are left alone */
  int scale;            /* replicas wanted */
  const char *hash;     /* create_config_hash */
  const char *image_id; /* the image it will run, or NULL: not compared */
};

enum plan_flags {
  PLAN_FORCE_RECREATE = 1 << 0, /* recreate even what is up to date */
  PLAN_NO_RECREATE = 1 << 1,    /* never recreate; changed ones are kept */
  PLAN_REMOVE_ORPHANS = 1 << 2  /* remove containers of unknown services */
};

struct plan {
  struct plan_action *v; /* services in project order, replicas by number,
                            then orphans */
  size_t n, alloc;
  size_t norphans; /* orphan containers found (removed or not) */
};
#define PLAN_INIT                                                              \
  {                                                                            \
    NULL, 0, 0, 0                                                              \
  }

/* Make the plan. Of a service's containers, the scale lowest-numbered
 * (one per number) are kept, started or recreated (config hash or image
 * changed, or forced); the rest (higher numbers, duplicates, unnumbered)
 * are removed, highest first; when fewer are kept than wanted, the lowest
 * numbers none of them holds are created. Of two containers of one number
 * (an up killed mid-recreate leaves the replacement under its temporary
 * name beside the old one) the one kept is the current one (config hash
 * and image), then the one with the canonical name, then a running one,
 * then the first found. A kept or started container under another name
 * than its number's canonical one is marked rename when no container
 * holds that name but one the plan removes of the same service.
 * One-off containers are ignored. A service that shares the namespaces or
 * mounts of a recreated one (network_mode, ipc, pid, uts, cgroup
 * "service:x", volumes_from x) is recreated too, its config naming a
 * container that goes; one that depends on a recreated or started one
 * with restart: true has its kept containers marked restart.
 * Containers of services the project does
 * not know (nor disables by profile) are orphans: listed as PLAN_REMOVE
 * with PLAN_REMOVE_ORPHANS, otherwise only counted. */
void plan_make(const struct project *p, const struct plan_want *want,
               const struct plan_container *have, size_t nhave, unsigned flags,
               struct plan *out);
void plan_release(struct plan *pl);

/* "create", "recreate", "start", "keep", "remove". */
const char *plan_op_name(enum plan_op op);

#endif
