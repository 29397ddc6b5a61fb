/* The engine's answers as C structs: container summaries and inspects,
 * images, networks, volumes, events, versions, top, exec, wait and create
 * replies, parsed inside engine/ from the JSON the engine sends (field names
 * of Engine API 1.41), so that no caller reads JSON.
 *
 * Ownership: each top-level object (made by an _parse function, or handed
 * to a completion callback in struct engine_result) is one allocation that
 * owns every string and array inside it; its _free releases them all. Items
 * of a list belong to the list. Strings are never NULL: a field the engine
 * left out (or sent as null, or as another type) reads "". Arrays are NULL
 * with a count of 0 when empty. Numbers the engine left out read 0, except
 * exit codes and status codes, which read -1 ("unknown").
 *
 * Errors: the _parse functions return ERR_PROTO with a message in err when
 * the data is not JSON, not of the expected shape (an object where an array
 * is due, or the reverse), or lacks the field that names the object (a
 * container's, image's or network's "Id", a volume's "Name"). Fields of the
 * wrong type otherwise read as absent. */
#ifndef WCOMPOSE_ENGINE_TYPES_H
#define WCOMPOSE_ENGINE_TYPES_H

#include <stddef.h>

struct err;

/* A key and its value: labels, attributes, options. In results both are
 * owned by the object they belong to; passed in, they are borrowed. */
struct engine_kv {
  const char *key;
  const char *value;
};

/* The value of key among n pairs (the last one when a key repeats), or
 * NULL. kv may be NULL when n is 0. */
const char *engine_kv_get(const struct engine_kv *kv, size_t n,
                          const char *key);

/* An RFC 3339 time as the engine writes it ("2024-01-02T03:04:05.123456789Z",
 * "...+00:00") to seconds and nanoseconds since the epoch. Go's zero time
 * ("0001-01-01T00:00:00Z": never) gives 0 and 0. ERR_PROTO when s is no such
 * time (nsec may be NULL). */
int engine_time_parse(const char *s, long long *sec, long *nsec);

/* A port of a container. In a summary (GET /containers/json) one entry per
 * "Ports" item; in an inspect one entry per host binding of
 * NetworkSettings.Ports ("80/tcp": [{HostIp, HostPort}]), and one with
 * public_port 0 for a port exposed but not published. */
struct engine_port {
  const char *ip;   /* host address ("0.0.0.0", "::"), "" when unpublished */
  int private_port; /* the container's port */
  int public_port;  /* the host's port, 0 when unpublished */
  const char *type; /* "tcp", "udp", "sctp" */
};

/* A mount of a container ("Mounts" of a summary or an inspect). */
struct engine_mount {
  const char *type;        /* "bind", "volume", "tmpfs" ... */
  const char *name;        /* the volume's name, "" for others */
  const char *source;      /* host path ("" for tmpfs) */
  const char *destination; /* path in the container */
  const char *mode;        /* "ro", "z" ... */
  int rw;
};

/* --- containers --- */

/* One item of GET /containers/json. */
struct engine_container_summary {
  const char *id;
  const char *name; /* the first of "Names", without its leading '/' */
  const char *image;
  const char *image_id;
  const char *command;
  long long created;  /* seconds since the epoch */
  const char *state;  /* "created", "running", "exited" ... */
  const char *status; /* "Up 2 minutes (healthy)" */
  struct engine_kv *labels;
  size_t nlabels;
  struct engine_port *ports;
  size_t nports;
  struct engine_mount *mounts;
  size_t nmounts;
};

struct engine_container_list {
  struct engine_container_summary *v;
  size_t n;
};

/* The Config of an inspected container. */
struct engine_container_config {
  int tty;
  int open_stdin;
  const char *user;
  const char *working_dir;
  const char *image; /* the image as asked for ("busybox:latest") */
  const char **env;  /* "KEY=value" */
  size_t nenv;
  const char **cmd;
  size_t ncmd;
  const char **entrypoint;
  size_t nentrypoint;
  struct engine_kv *labels;
  size_t nlabels;
};

/* The State of an inspected container. */
struct engine_container_state {
  const char *status; /* "created", "running", "paused", "restarting",
                         "removing", "exited", "dead" */
  int running;
  int paused;
  int restarting;
  int oom_killed;
  int dead;
  long long pid;
  int exit_code;
  const char *error;
  const char *started_at;  /* RFC 3339, see engine_time_parse */
  const char *finished_at; /* RFC 3339; Go's zero time when never */
  const char *health;      /* "starting", "healthy", "unhealthy"; "" when
                              the container has no healthcheck */
  int health_failing_streak;
  int health_exit_code;      /* of the last probe, -1 when none ran */
  const char *health_output; /* of the last probe */
};

/* A network the container is attached to (NetworkSettings.Networks). */
struct engine_endpoint {
  const char *network; /* the network's name (the key) */
  const char *network_id;
  const char *endpoint_id;
  const char *ip_address;
  const char *gateway;
  const char *mac_address;
  const char **aliases;
  size_t naliases;
};

/* GET /containers/{id}/json. */
struct engine_container_info {
  const char *id;
  const char *name;       /* without its leading '/' */
  const char *image;      /* the image id ("sha256:...") */
  const char *created_at; /* RFC 3339 */
  long long created;      /* the same in seconds since the epoch */
  struct engine_container_config config;
  struct engine_container_state state;
  int restart_count;
  const char *restart_policy; /* HostConfig.RestartPolicy.Name: "no",
                                 "always", "on-failure", "unless-stopped",
                                 "" */
  int restart_max_retries;
  int auto_remove;
  struct engine_port *ports;
  size_t nports;
  struct engine_endpoint *networks;
  size_t nnetworks;
  struct engine_mount *mounts;
  size_t nmounts;
};

/* --- images: GET /images/{name}/json and the items of GET /images/json */

struct engine_image_info {
  const char *id; /* "sha256:..." */
  const char *parent_id;
  const char **repo_tags; /* "name:tag" */
  size_t nrepo_tags;
  const char **repo_digests;
  size_t nrepo_digests;
  long long created;        /* seconds since the epoch */
  const char *created_at;   /* RFC 3339 from an inspect, "" in a list */
  long long size;           /* bytes */
  struct engine_kv *labels; /* Labels of a list item, Config.Labels of an
                               inspect */
  size_t nlabels;
};

struct engine_image_list {
  struct engine_image_info *v;
  size_t n;
};

/* --- networks: GET /networks/{id} and the items of GET /networks --- */

struct engine_network_info {
  const char *id;
  const char *name;
  const char *driver;
  const char *scope;      /* "local", "swarm" */
  const char *created_at; /* RFC 3339 */
  long long created;
  int internal;
  int attachable;
  int enable_ipv6;
  struct engine_kv *labels;
  size_t nlabels;
  struct engine_kv *options;
  size_t noptions;
  const char **containers; /* ids of the attached containers (the list
                              call leaves them out); "ep-<id>" for an
                              endpoint whose container is gone */
  const char **endpoints;  /* each one's endpoint name (its container's
                              name when it was made), "" when not given */
  size_t ncontainers;
};

struct engine_network_list {
  struct engine_network_info *v;
  size_t n;
};

/* --- volumes: GET /volumes/{name}, POST /volumes/create and the items of
 * GET /volumes --- */

struct engine_volume_info {
  const char *name;
  const char *driver;
  const char *mountpoint;
  const char *scope;
  const char *created_at; /* RFC 3339 */
  long long created;
  struct engine_kv *labels;
  size_t nlabels;
  struct engine_kv *options;
  size_t noptions;
};

struct engine_volume_list {
  struct engine_volume_info *v;
  size_t n;
  const char **warnings;
  size_t nwarnings;
};

/* --- events: one message of GET /events --- */

struct engine_event {
  const char *type;        /* "container", "network", "image", "volume" ... */
  const char *action;      /* "start", "die", "health_status: healthy" ... (the
                              old "status" field when Action is missing) */
  const char *id;          /* Actor.ID (the old "id" when missing) */
  const char *scope;       /* "local", "swarm" */
  struct engine_kv *attrs; /* Actor.Attributes: a container's labels, name,
                              image, exitCode ... */
  size_t nattrs;
  long long time;      /* seconds since the epoch */
  long long time_nano; /* nanoseconds since the epoch, exact to about a
                          microsecond (JSON numbers pass through a double) */
  int exit_code;       /* the "exitCode" attribute (of a "die"), else -1 */
};

/* --- system: GET /version --- */

struct engine_component {
  const char *name; /* "Engine", "containerd", "runc" ... */
  const char *version;
};

struct engine_version_info {
  const char *version; /* "20.10.24" */
  const char *api_version;
  const char *min_api_version;
  const char *os;
  const char *arch;
  const char *kernel_version;
  const char *go_version;
  const char *git_commit;
  const char *build_time;
  const char *platform; /* Platform.Name */
  int experimental;
  struct engine_component *components;
  size_t ncomponents;
};

/* --- smaller replies --- */

/* GET /containers/{id}/top: titles ("UID", "PID" ... "CMD") and one row of
 * strings per process. */
struct engine_top_row {
  const char **v;
  size_t n;
};
struct engine_top {
  const char **titles;
  size_t ntitles;
  struct engine_top_row *rows;
  size_t nrows;
};

/* GET /exec/{id}/json. */
struct engine_exec_info {
  const char *id;
  const char *container_id;
  int running;
  int exit_code; /* -1 while it runs */
  long long pid;
};

/* GET /containers/{id}/stats?stream=0: a sample, and the one before it
 * (pre*) for the CPU share; zero where the engine sent nothing. */
struct engine_stats {
  const char *id;
  const char *name; /* without its leading '/' */
  long long cpu_total, precpu_total, system_cpu, presystem_cpu;
  int online_cpus;
  long long mem_usage, mem_limit, mem_inactive; /* inactive_file or cache */
  long long net_rx, net_tx, blk_read, blk_write;
  long long pids;
};

/* POST /containers/{id}/wait. */
struct engine_wait {
  int status_code;   /* -1 when the engine sent none */
  const char *error; /* Error.Message, "" when none */
};

/* POST /containers/create ({"Id", "Warnings"}), POST /networks/create
 * ({"Id", "Warning"}) and POST /containers/{id}/exec ({"Id"}). */
struct engine_created {
  const char *id;
  const char **warnings; /* non-empty ones only */
  size_t nwarnings;
};

/* --- parsing (len bytes of JSON; *out is set on success only) --- */

int engine_container_list_parse(const char *data, size_t len,
                                struct engine_container_list **out,
                                struct err *err);
int engine_container_info_parse(const char *data, size_t len,
                                struct engine_container_info **out,
                                struct err *err);
int engine_image_info_parse(const char *data, size_t len,
                            struct engine_image_info **out, struct err *err);
int engine_image_list_parse(const char *data, size_t len,
                            struct engine_image_list **out, struct err *err);
int engine_network_info_parse(const char *data, size_t len,
                              struct engine_network_info **out,
                              struct err *err);
int engine_network_list_parse(const char *data, size_t len,
                              struct engine_network_list **out,
                              struct err *err);
int engine_volume_info_parse(const char *data, size_t len,
                             struct engine_volume_info **out, struct err *err);
int engine_volume_list_parse(const char *data, size_t len,
                             struct engine_volume_list **out, struct err *err);
/* ERR_PROTO also when the object has neither Type nor Action. */
int engine_event_parse(const char *data, size_t len, struct engine_event **out,
                       struct err *err);
int engine_version_info_parse(const char *data, size_t len,
                              struct engine_version_info **out,
                              struct err *err);
int engine_top_parse(const char *data, size_t len, struct engine_top **out,
                     struct err *err);
int engine_exec_info_parse(const char *data, size_t len,
                           struct engine_exec_info **out, struct err *err);
int engine_wait_parse(const char *data, size_t len, struct engine_wait **out,
                      struct err *err);
int engine_created_parse(const char *data, size_t len,
                         struct engine_created **out, struct err *err);

/* --- freeing (each takes NULL) --- */

void engine_container_list_free(struct engine_container_list *l);
void engine_container_info_free(struct engine_container_info *c);
void engine_image_info_free(struct engine_image_info *i);
void engine_image_list_free(struct engine_image_list *l);
void engine_network_info_free(struct engine_network_info *n);
void engine_network_list_free(struct engine_network_list *l);
void engine_volume_info_free(struct engine_volume_info *v);
void engine_volume_list_free(struct engine_volume_list *l);
void engine_event_free(struct engine_event *ev);
void engine_version_info_free(struct engine_version_info *v);
void engine_top_free(struct engine_top *t);
void engine_exec_info_free(struct engine_exec_info *x);
void engine_wait_free(struct engine_wait *w);
int engine_stats_parse(const char *data, size_t len, struct engine_stats **out,
                       struct err *err);
void engine_stats_free(struct engine_stats *x);
void engine_created_free(struct engine_created *c);

/* --- swarm: GET /swarm, /nodes, /services, /tasks, /configs, /secrets,
 * /distribution --- */

/* GET /swarm. */
struct engine_swarm_info {
  const char *id;
  const char *join_worker, *join_manager; /* JoinTokens */
};

/* One item of GET /nodes. */
struct engine_node {
  const char *id;
  const char *hostname;     /* Description.Hostname */
  const char *role;         /* Spec.Role: "manager", "worker" */
  const char *availability; /* Spec.Availability: "active", "drain" ... */
  const char *state;        /* Status.State: "ready", "down" ... */
  const char *addr;         /* Status.Addr */
  int leader;               /* ManagerStatus.Leader */
};
struct engine_node_list {
  struct engine_node *v;
  size_t n;
};

/* A port of a service's endpoint (Endpoint.Ports, else Spec's). */
struct engine_service_port {
  int target, published;
  const char *protocol; /* "tcp" ... */
  const char *mode;     /* "ingress", "host" */
};

/* One item of GET /services (or GET /services/{id}). */
struct engine_service {
  const char *id;
  const char *name;         /* Spec.Name */
  long long version;        /* Version.Index: what an update must name */
  struct engine_kv *labels; /* Spec.Labels */
  size_t nlabels;
  const char *image;  /* Spec.TaskTemplate.ContainerSpec.Image */
  int global;         /* Spec.Mode.Global */
  long long replicas; /* Spec.Mode.Replicated.Replicas (0 when global) */
  const char *spec;   /* Spec as deployed, JSON text (engine_spec_covers) */
  const char *update_state;   /* UpdateStatus.State, "" when none */
  const char *update_message; /* UpdateStatus.Message */
  struct engine_service_port *ports;
  size_t nports;
};
struct engine_service_list {
  struct engine_service *v;
  size_t n;
};

/* One item of GET /tasks. */
struct engine_task {
  const char *id;
  const char *service_id;
  const char *node_id;              /* "" until scheduled */
  int slot;                         /* 0 for a global service's tasks */
  const char *desired_state;        /* "running", "shutdown" ... */
  const char *state;                /* Status.State: "new" ... "running",
                                       "complete", "failed", "rejected" ... */
  const char *message;              /* Status.Message */
  const char *error;                /* Status.Err, "" when none */
  const char *container_id;         /* Status.ContainerStatus.ContainerID */
  int exit_code;                    /* Status.ContainerStatus.ExitCode, -1 */
  const char *image;                /* Spec.ContainerSpec.Image */
  long long created, created_nsec;  /* CreatedAt */
  long long status_at, status_nsec; /* Status.Timestamp: the last change */
};
struct engine_task_list {
  struct engine_task *v;
  size_t n;
};

/* One item of GET /configs or GET /secrets. */
struct engine_swarm_object {
  const char *id;
  const char *name; /* Spec.Name */
  long long version;
  struct engine_kv *labels; /* Spec.Labels */
  size_t nlabels;
};
struct engine_swarm_object_list {
  struct engine_swarm_object *v;
  size_t n;
};

/* GET /distribution/{name}/json. */
struct engine_distribution {
  const char *digest; /* Descriptor.digest ("sha256:...") */
};

/* Whether the spec as deployed (JSON text, struct engine_service's spec)
 * holds everything desired holds: every member of an object equal (the
 * engine's own defaults beside them do not count), arrays of the same
 * length item by item, scalars equal. 1 yes, 0 no (or not JSON). */
struct cJSON;
int engine_spec_covers(const char *deployed, const struct cJSON *desired);

int engine_service_list_parse(const char *data, size_t len,
                              struct engine_service_list **out,
                              struct err *err);
int engine_task_list_parse(const char *data, size_t len,
                           struct engine_task_list **out, struct err *err);
int engine_node_list_parse(const char *data, size_t len,
                           struct engine_node_list **out, struct err *err);
int engine_swarm_info_parse(const char *data, size_t len,
                            struct engine_swarm_info **out, struct err *err);
int engine_swarm_object_list_parse(const char *data, size_t len,
                                   struct engine_swarm_object_list **out,
                                   struct err *err);
int engine_distribution_parse(const char *data, size_t len,
                              struct engine_distribution **out,
                              struct err *err);
void engine_swarm_info_free(struct engine_swarm_info *s);
void engine_node_list_free(struct engine_node_list *l);
void engine_service_list_free(struct engine_service_list *l);
void engine_task_list_free(struct engine_task_list *l);
void engine_swarm_object_list_free(struct engine_swarm_object_list *l);
void engine_distribution_free(struct engine_distribution *d);

#endif
