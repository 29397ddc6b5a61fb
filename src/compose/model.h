/* model: the typed project that every stage after the loader works on.
 * model_build turns a merged, interpolated, validated YAML tree into these
 * structs, normalized to compose's long syntax (paths absolute, defaults
 * filled). A project owns one arena holding all of it: project_free
 * releases everything at once. Nothing here refers to YAML nodes. */
#ifndef WCOMPOSE_COMPOSE_MODEL_H
#define WCOMPOSE_COMPOSE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "compose/dotenv.h"
#include "compose/ydoc.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/strvec.h"

/* A string-to-string map kept in file order (environment, labels, args,
 * sysctls, driver options...). A NULL value means "declared, no value". */
struct kv {
  const char *key;
  const char *value;
};
struct kvlist {
  struct kv *v;
  size_t n;
};
const char *kvlist_get(const struct kvlist *l, const char *key);

struct strlist {
  const char **v;
  size_t n;
};

/* A generic value, for what the model keeps without typing it: x-*
 * extensions and fields no stage reads (deploy placement, blkio...). Kept
 * normalized as compose prints them (durations as "1m0s", byte sizes as
 * strings of digits). */
enum mval_kind {
  MVAL_NULL,
  MVAL_STR,
  MVAL_INT,
  MVAL_FLOAT,
  MVAL_BOOL,
  MVAL_SEQ,
  MVAL_MAP
};
struct mval {
  enum mval_kind kind;
  const char *str;     /* STR: the text; INT/FLOAT: the number as written */
  int64_t i;           /* INT; BOOL: 0 or 1 */
  double f;            /* FLOAT */
  size_t n;            /* SEQ/MAP: number of items */
  const char **keys;   /* MAP: keys in file order */
  struct mval **items; /* SEQ/MAP: values */
  struct err_pos pos;  /* where it was written: set for a service's own
                          fields kept here (other, deploy), else no file */
};
/* Map lookup, NULL when absent or m is not a MAP. */
const struct mval *mval_get(const struct mval *m, const char *key);
/* A scalar's text ("true"/"false" for a boolean), or NULL (absent, a
 * null, a sequence or a map). Inline: the watch rules use it without the
 * rest of the model. */
static inline const char *mval_text(const struct mval *v)
{
  if (!v)
    return NULL;
  if (v->kind == MVAL_BOOL)
    return v->i ? "true" : "false";
  if (v->kind == MVAL_STR || v->kind == MVAL_INT || v->kind == MVAL_FLOAT)
    return v->str;
  return NULL;
}

/* Tri-state booleans for fields compose prints only when set. */
enum tristate { TRI_UNSET = 0, TRI_FALSE, TRI_TRUE };

/* Strings are never "" in the structs below: compose drops an empty
 * string field (`platform: ${UNSET:-}`) as if it were not written, and so
 * does the model; key/value values and list items keep "". */
struct build {
  const char *context;    /* absolute path or URL */
  const char *dockerfile; /* relative to context, or absolute */
  const char *dockerfile_inline;
  struct kvlist args; /* resolved: an argument written without a value
                         takes it from the environment (or .env), and is
                         left out when that has none */
  const char *target;
  struct kvlist labels;
  struct strlist cache_from, cache_to, tags, platforms;
  struct strlist extra_hosts; /* "host=ip" as compose prints them */
  const char *network;
  int64_t shm_size; /* bytes, -1 unset */
  enum tristate no_cache, pull, privileged;
  struct kvlist additional_contexts;
  struct file_ref *secrets; /* build secrets, long form */
  size_t nsecrets;
  struct strlist ssh; /* "default", "id=/abs/path" */
  struct mval *other; /* MAP of fields not typed above, or NULL */
};

struct port {
  const char *name;
  uint32_t target;
  const char *published; /* "8000", "8000-8010", or NULL */
  const char *host_ip;
  const char *protocol; /* "tcp" | "udp" | "sctp" */
  const char *mode;     /* "ingress" | "host" */
  const char *app_protocol;
};

enum mount_type {
  MOUNT_BIND,
  MOUNT_VOLUME,
  MOUNT_TMPFS,
  MOUNT_NPIPE,
  MOUNT_CLUSTER,
  MOUNT_IMAGE
};
struct mount {
  enum mount_type type;
  const char *source; /* bind: absolute host path; volume: name or NULL
                         (anonymous) */
  const char *target;
  int read_only;
  const char *consistency;
  /* bind */
  const char *bind_propagation;
  enum tristate bind_create_host_path;
  const char *bind_selinux;
  const char *bind_recursive; /* enabled, disabled, writable, readonly */
  /* volume */
  int volume_nocopy;
  const char *volume_subpath;
  /* image */
  const char *image_subpath;
  /* tmpfs */
  int64_t tmpfs_size;                             /* -1 unset */
  int64_t tmpfs_mode;                             /* -1 unset */
  int has_bind, has_volume, has_tmpfs, has_image; /* section present
                                                     (prints `{}`) */
};

struct volumes_from {
  const char *service;   /* set for a service reference */
  const char *container; /* set for "container:name" */
  int read_only;
};

struct service_network {
  const char *name; /* key in the project's networks */
  struct strlist aliases;
  const char *ipv4_address, *ipv6_address;
  struct strlist link_local_ips;
  const char *mac_address;
  int priority;
  int has_config; /* written as a mapping with settings */
};

enum dep_condition {
  DEP_STARTED,  /* service_started */
  DEP_HEALTHY,  /* service_healthy */
  DEP_COMPLETED /* service_completed_successfully */
};
/* The condition as the compose file writes it ("service_started"...). */
static inline const char *dep_condition_name(enum dep_condition c)
{
  switch (c) {
  case DEP_HEALTHY:
    return "service_healthy";
  case DEP_COMPLETED:
    return "service_completed_successfully";
  default:
    return "service_started";
  }
}
struct dependency {
  const char *service;
  enum dep_condition condition;
  int restart;
  int required;
};

struct healthcheck {
  int disable;
  struct strlist test; /* ["CMD", ...], ["CMD-SHELL", "..."], ["NONE"] */
  int64_t interval_ns, timeout_ns, start_period_ns, start_interval_ns; /* -1 */
  int retries;                       /* -1 unset */
  struct err_pos start_interval_pos; /* where start_interval was written */
};

struct ulimit {
  const char *name;
  int64_t soft, hard;
  int single; /* written as one number: soft == hard */
};

struct device {
  const char *source, *target, *permissions;
};

struct env_file {
  const char *path;   /* absolute */
  int required;       /* default 1 */
  int required_set;   /* written explicitly (printed back) */
  const char *format; /* NULL or e.g. "raw" */
};

struct file_ref { /* a secret or config used by a service */
  const char *source;
  const char *target;
  const char *uid, *gid;
  int64_t mode; /* -1 unset */
};

enum watch_action {
  WATCH_SYNC,
  WATCH_REBUILD,
  WATCH_SYNC_RESTART,
  WATCH_RESTART,
  WATCH_SYNC_EXEC
};
struct watch_rule {
  enum watch_action action;
  const char *path;   /* absolute */
  const char *target; /* container path for sync */
  struct strlist ignore, include;
  struct strlist exec_command;
};

struct resources {
  double cpus;    /* 0 unset */
  int64_t memory; /* bytes, 0 unset */
  int64_t memory_reservation;
  int64_t pids; /* 0 unset */
};

struct logging {
  const char *driver;
  struct kvlist options;
};

struct service {
  const char *name;
  struct build *build; /* NULL: no build section */
  const char *image;   /* as written; NULL when only build */
  const char *pull_policy;
  const char *platform;
  struct strlist command; /* exec form after normalization */
  int command_set;        /* 1 when command was given (even empty) */
  struct strlist entrypoint;
  int entrypoint_set;
  struct kvlist environment;  /* env_file values merged under environment */
  struct env_file *env_files; /* in order */
  size_t nenv_files;
  struct strlist label_files; /* absolute paths; values merged in labels */
  const char *working_dir, *user, *hostname, *domainname;
  struct kvlist labels;
  struct kvlist annotations;
  int tty, stdin_open, privileged, read_only, init;
  enum tristate init_set;
  struct port *ports;
  size_t nports;
  struct strlist expose;
  struct mount *volumes;
  size_t nvolumes;
  struct volumes_from *volumes_from;
  size_t nvolumes_from;
  struct service_network *networks; /* sorted by name */
  size_t nnetworks;
  const char *network_mode; /* "host", "none", "service:x", "container:x" */
  struct strlist links;     /* "service[:alias]" */
  struct strlist external_links;
  struct strlist extra_hosts; /* "host=ip" */
  struct strlist dns, dns_search, dns_opt;
  struct strlist cap_add, cap_drop;
  struct strlist security_opt;
  struct strlist group_add;
  const char *pid, *ipc, *uts, *userns_mode, *cgroup, *cgroup_parent;
  const char *restart;
  const char *stop_signal;
  int64_t stop_grace_period_ns; /* -1 unset */
  struct healthcheck *healthcheck;
  struct logging *logging;
  int64_t mem_limit, memswap_limit, mem_reservation, shm_size; /* -1 unset */
  double cpus;
  int64_t cpu_shares, pids_limit; /* -1 unset */
  const char *cpuset;
  struct resources limits, reservations; /* deploy.resources */
  int replicas; /* deploy.replicas / scale; default 1 */
  const char *container_name;
  struct ulimit *ulimits;
  size_t nulimits;
  struct kvlist sysctls;
  struct device *devices;
  size_t ndevices;
  struct strlist tmpfs;
  struct dependency *depends_on;
  size_t ndepends_on;
  struct file_ref *secrets, *configs;
  size_t nsecrets, nconfigs;
  struct watch_rule *watch;
  size_t nwatch;
  struct strlist profiles;
  struct kvlist storage_opt;
  const char *mac_address;
  const char *runtime;
  int oom_kill_disable;
  int oom_score_adj;
  struct strlist device_cgroup_rules;
  struct mval *deploy;     /* normalized deploy section (MAP) or NULL */
  struct mval *other;      /* MAP of service fields not typed here, or NULL */
  struct mval *extensions; /* MAP of x-* keys, or NULL */
};

struct ipam_pool {
  const char *subnet, *gateway, *ip_range;
  struct kvlist aux_addresses;
};

struct network {
  const char *key;  /* name in the compose file */
  const char *name; /* engine name: <project>_<key> or the given name */
  const char *driver;
  struct kvlist driver_opts;
  struct kvlist labels;
  int external, internal, attachable, enable_ipv6;
  const char *ipam_driver;
  struct ipam_pool *ipam_config;
  size_t nipam_config;
  struct kvlist ipam_options;
  struct mval *extensions;
};

struct volume {
  const char *key;
  const char *name; /* engine name: <project>_<key> or the given name */
  const char *driver;
  struct kvlist driver_opts;
  struct kvlist labels;
  int external;
  struct mval *extensions;
};

struct file_obj { /* a top-level secret or config */
  const char *key;
  const char *name;
  const char *file;        /* absolute path */
  const char *environment; /* variable name */
  const char *content;
  int external;
  struct kvlist labels;
  const char *template_driver;
  struct mval *extensions;
};

struct project {
  struct arena arena;          /* owns everything below */
  const char *name;            /* normalized [a-z0-9_-] */
  const char *working_dir;     /* absolute project directory */
  struct strlist config_files; /* absolute paths (or "-") */
  struct service *services;    /* sorted by name */
  size_t nservices;
  struct service *disabled; /* services left out by profiles */
  size_t ndisabled;
  struct network *networks; /* sorted by key; "default" added when used */
  size_t nnetworks;
  struct volume *volumes;
  size_t nvolumes;
  struct file_obj *secrets, *configs;
  size_t nsecrets, nconfigs;
  struct kvlist environment; /* the interpolation variables, for labels */
  struct mval *extensions;   /* MAP of top-level x-* keys, or NULL */
  struct mval *models; /* MAP of top-level models (as written, context_size
                          a number), or NULL */
  int uninterpolated;  /* loaded without interpolation: a `$` in a
                          string is still a reference */
  int normalized;      /* loaded with normalization (not --no-normalize) */
};

/* What model_build needs besides the tree. */
struct model_ctx {
  const char *project_name;
  const char *working_dir;       /* absolute */
  const char *home;              /* for ~ expansion */
  const struct strvec *profiles; /* active profiles ("*" = all) */
  const char *const *config_files;
  size_t nconfig_files;
  int no_normalize; /* keep relative paths, no default network */
  int no_consistency;
  int no_interpolate; /* the tree was not interpolated */
  struct strvec *warnings;
  /* The interpolation variables: values for `FOO` alone in environment,
   * lookups inside env_file files, secrets from `environment:`. May be
   * NULL (then nothing resolves). */
  const struct env *environment;
};

/* Port ranges expand to one struct port per number: a project may hold
 * this many in all. */
#define MODEL_PORTS_MAX 100000

/* Build the project from a merged, interpolated tree. The project takes a
 * fresh arena of its own (tree strings are copied). Consistency checks
 * (unknown services in depends_on/volumes_from/links/network_mode,
 * undeclared volumes and networks, dependency cycles named in full,
 * network_mode with networks, neither image nor build, port range
 * mismatches, more than MODEL_PORTS_MAX ports) report at the node's
 * position with ERR_CONFIG; a mistake copied to several services by an
 * anchor or extends is told once (see problems.h). ERR_LIMIT when the
 * env_file and label_file files read pass the budget of
 * ctx->environment. */
int model_build(const struct ynode *root, const struct model_ctx *ctx,
                struct project **out, struct err *err);
void project_free(struct project *p);

/* The short syntax of ports and volumes given on the command line (run
 * -p, -v), read by the loader's grammars. opt names the flag in messages,
 * which have no position: "'-p 80:80:80': not a port mapping: invalid
 * host IP address" (ERR_USAGE). Results come from the arena a; a bind
 * source is made absolute against dir (~ against home, may be NULL). */
int model_port_option(struct arena *a, const char *opt, const char *spec,
                      struct port **ports, size_t *n, struct err *err);
int model_volume_option(struct arena *a, const char *opt, const char *spec,
                        const char *dir, const char *home, struct mount *m,
                        struct err *err);

/* Split a command line as a POSIX shell would (quotes, backslashes, no
 * expansion) into out, from a; 0, or -1 on an unterminated quote. For the
 * runtime's reading of commands the model keeps as written (hooks). */
int model_shell_split(struct arena *a, const char *s, struct strlist *out);

/* Lookups (NULL when absent). */
struct service *project_service(const struct project *p, const char *name);
struct network *project_network(const struct project *p, const char *key);
struct volume *project_volume(const struct project *p, const char *key);

#endif
