/* views: what the read-only commands show (ps, images, ls, top, port,
 * events, version, config, and the containers logs follows), made from a
 * session's typed engine answers (engine/types.h) into the text they
 * print: docker-style tables, compose's JSON, event lines. A folder of its
 * own, above orchestrate/ (it works on a struct session) and below cli/
 * (a command parses its flags, makes one call here and prints the text),
 * because none of this is runtime: nothing here changes the engine's
 * state. cJSON is used here only to write the JSON the commands print.
 *
 * Each command has an engine call (views_ps, views_images, views_ls,
 * views_top, views_port, views_version) that asks the engine and waits for
 * it, so it may only be called from the top of a command, as session_wait;
 * and a pure part (views_*_render) that makes the text from typed answers,
 * which the engine call uses and the tests call directly. The events
 * stream is asynchronous (views_events_start). Text is appended to a
 * struct buf the caller owns, ready to print as it is.
 *
 * Errors: the engine calls return 0 or a negative ERR_* code with the
 * message in s->err (an unknown index or port: ERR_NOTFOUND).
 * Ownership: strings returned by *_new are malloc'ed; a views_list borrows
 * from the session's listing (s->listed) and lives no longer than it. */
#ifndef WCOMPOSE_VIEWS_VIEWS_H
#define WCOMPOSE_VIEWS_VIEWS_H

#include <stddef.h>
#include <time.h>

#include "compose/model.h"
#include "engine/types.h"
#include "orchestrate/plan.h"
#include "orchestrate/session.h"
#include "util/buf.h"

/* --- the project's containers --- */

struct views_ctr {
  const struct engine_container_summary *sum; /* in s->listed */
  struct plan_container c;                    /* borrowed from sum */
};

struct views_list {
  struct views_ctr *v;
  size_t n;
};

/* From the session's listing (session_observe; none: an empty list): the
 * non-one-off containers of the selected services, running ones only
 * unless all, sorted by name. With no service named, containers of
 * services no longer in the files (orphans) are in too, as compose shows
 * them. Release with views_list_release. */
void views_collect(const struct session *s, int all, struct views_list *out);
void views_list_release(struct views_list *l);

/* --- formatting shared by the tables --- */

/* "2 minutes ago" for a time created seconds since the epoch, as docker's
 * HumanDuration says it at now. */
char *views_ago_new(long long created, time_t now);
/* "0.0.0.0:8080->80/tcp, 443/tcp": the ports of a container summary, each
 * once, in the engine's order. */
char *views_ports_new(const struct engine_port *ports, size_t n);
/* rows x ncol malloc'ed cells (the first row the header) as docker's tables
 * are, each column padded to 3 spaces past its widest cell (in UTF-8
 * characters), appended to out; frees the cells and cell. */
void views_table(char **cell, size_t rows, int ncol, struct buf *out);

/* --- ps --- */

enum views_ps_format {
  VIEWS_PS_TABLE,   /* NAME IMAGE COMMAND SERVICE CREATED STATUS PORTS */
  VIEWS_PS_JSON,    /* one object per line, with compose's fields */
  VIEWS_PS_QUIET,   /* the container IDs */
  VIEWS_PS_SERVICES /* the service names, each once */
};

struct views_ps_options {
  enum views_ps_format format;
  int all;         /* stopped containers too */
  unsigned status; /* views_status_bit of the states shown; 0: by all */
  int no_trunc;    /* the whole COMMAND in the table */
  time_t now;      /* for CREATED and RunningFor; 0: the clock's */
};

/* The bit of a container state ("paused", "restarting", "removing",
 * "running", "dead", "created", "exited") for views_ps_options.status, or
 * 0 when state is none of them. */
unsigned views_status_bit(const char *state);
/* Observe the project's containers and render them. */
int views_ps(struct session *s, const struct views_ps_options *o,
             struct buf *out);
/* The same from the listing the session holds. CreatedAt is in the local
 * time zone. */
void views_ps_render(const struct session *s, const struct views_ps_options *o,
                     struct buf *out);

/* --- images --- */

enum views_images_format {
  VIEWS_IMAGES_TABLE, /* CONTAINER REPOSITORY TAG IMAGE ID SIZE */
  VIEWS_IMAGES_JSON,  /* one array of {ID, ContainerName, Repository, Tag,
                         Size} */
  VIEWS_IMAGES_QUIET  /* the image IDs, each once */
};

/* Observe the project's containers (all states), inspect the image of
 * each, and render them. An image removed since counts as unknown. */
int views_images(struct session *s, enum views_images_format f,
                 struct buf *out);
/* The rows of l, images[i] the inspected image of l->v[i] (NULL: unknown:
 * the container's image name stands, with size 0). */
void views_images_render(const struct views_list *l,
                         struct engine_image_info *const *images,
                         enum views_images_format f, struct buf *out);
/* docker's HumanSize: "4.26MB" (decimal units, 3 significant digits). */
char *views_size_new(double bytes);

/* --- ls: the compose projects the engine has --- */

enum views_ls_format {
  VIEWS_LS_TABLE, /* NAME STATUS CONFIG FILES */
  VIEWS_LS_JSON,  /* one array of {Name, Status, ConfigFiles} */
  VIEWS_LS_QUIET  /* the names */
};

struct views_ls_options {
  enum views_ls_format format;
  int all;            /* projects without a running container too */
  const char *filter; /* only names containing it, or NULL */
};

/* List every container with a compose project label (s needs no
 * project) and render the projects. */
int views_ls(struct session *s, const struct views_ls_options *o,
             struct buf *out);
/* The projects of l sorted by name, each with its states counted in the
 * order first seen ("running(2), exited(1)") and the config files label
 * of its first container. */
void views_ls_render(const struct engine_container_list *l,
                     const struct views_ls_options *o, struct buf *out);

/* --- top --- */

/* Observe, then for each running container of the selection its name, its
 * processes as a table and an empty line. */
int views_top(struct session *s, struct buf *out);
/* One container's part (nothing when t has no titles). */
void views_top_render(const char *name, const struct engine_top *t,
                      struct buf *out);

/* --- port --- */

/* Observe, then "127.0.0.1:8080\n" (IPv6 in brackets): where replica index
 * of the one selected service publishes private port priv/proto. */
int views_port(struct session *s, int index, int priv, const char *proto,
               struct buf *out);
/* The port of l's replica index published for priv/proto (NULL: none;
 * *ctr is that replica, NULL when there is none). */
const struct engine_port *views_port_find(const struct views_list *l, int index,
                                          int priv, const char *proto,
                                          const struct views_ctr **ctr);

/* --- events --- */

/* One line of output, with its newline, valid during the call. */
typedef void (*views_line_cb)(void *data, const char *line, size_t n);

/* The engine's events about the project's containers (of the selected
 * services, or of any service when none was named). Owned by the caller,
 * alive until views_events_wait has returned. */
struct views_events {
  struct session *s;
  int json;
  views_line_cb line;
  void *data;
  struct engine_call *call; /* the stream, NULL once it ended */
  struct session_call end;
  struct buf text;
};
/* Start the stream: each event of the selection goes to line as a text
 * line ("2024-01-02 03:04:05.123456 container start ID (image=...,
 * name=...)") or, with json, as one JSON object. On an error nothing was
 * started and v holds nothing to release. */
int views_events_start(struct session *s, struct views_events *v, int json,
                       views_line_cb line, void *data);
/* End the stream (from a loop callback too: Ctrl-C); it ends with 0. */
void views_events_stop(struct views_events *v);
/* Wait for the end of the stream (top level only), then release v. */
int views_events_wait(struct views_events *v);
/* One event as its line, appended to out; 0 when ev is about a service
 * not selected (nothing appended). */
int views_event_render(const struct session *s, const struct engine_event *ev,
                       int json, struct buf *out);

/* --- version --- */

struct views_version {
  struct engine_version_info *info; /* owned; NULL until answered */
  char api[16];                     /* the API version in use, or "" */
  const char *host;                 /* DOCKER_HOST or the default socket */
};
/* Ask the engine of the opened session s (which needs no project). */
int views_version(struct session *s, struct views_version *v);
void views_version_release(struct views_version *v);
/* The "Engine:" block of `wcompose version` (fields the engine left out
 * read "-"). */
void views_version_render(const struct views_version *v, struct buf *out);
/* The object of `version --format json`: ours, and the engine's when v is
 * not NULL. */
void views_version_json(const char *ours, const struct views_version *v,
                        struct buf *out);

/* --- config --- */

enum views_config_what {
  VIEWS_CONFIG_PROJECT,  /* the whole normalized project */
  VIEWS_CONFIG_SERVICES, /* names, one per line */
  VIEWS_CONFIG_VOLUMES,
  VIEWS_CONFIG_NETWORKS,
  VIEWS_CONFIG_PROFILES, /* every profile named by a service, sorted */
  VIEWS_CONFIG_IMAGES    /* the image of each service ("project-service"
                            when it only builds) */
};
/* What `wcompose config` prints (the project as YAML, or JSON with json).
 * 0, or ERR_LIMIT/ERR_NOMEM from the renderer. */
int views_config(const struct project *p, enum views_config_what w, int json,
                 struct buf *out);

#endif
