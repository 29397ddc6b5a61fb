/* rules: the develop.watch rules of the watched services, compiled for
 * matching, and what a batch of changed paths asks of each service. A path
 * belongs to a rule when it is the rule's path or below it, matches its
 * include patterns (when it has some), and is not ignored: by the rule's
 * ignore patterns (relative to its path), by the .dockerignore of the
 * service's build context (relative to the context, for paths inside it),
 * or by the editor and VCS files always left out (see
 * WATCH_DEFAULT_IGNORES). Pure: nothing here watches or talks to the
 * engine.
 *
 * Memory: watch_rules owns its matchers and strings and borrows the project
 * (which must outlive it); a watch_batch owns its paths (release each). */
#ifndef WCOMPOSE_WATCH_RULES_H
#define WCOMPOSE_WATCH_RULES_H

#include <stddef.h>

#include "compose/model.h"
#include "util/err.h"
#include "util/strvec.h"

struct ignore;

/* Files no rule ever takes: editors' swap, backup, lock and temporary
 * files (vim's *.swp, *.swx and 4913 probe, emacs's *~ and .#*, *.tmp
 * written and renamed into place, JetBrains, kate), go's umask probes,
 * and .git. The rename of a temporary file into place is seen under the
 * file's own name, which is what triggers. */
#define WATCH_DEFAULT_IGNORES                                                  \
  "**/*___jb_old___\n**/*___jb_tmp___\n**/.idea/**\n**/.#*\n**/#*#\n"          \
  "**/4913\n**/*~\n**/*.swp\n**/*.swx\n**/.*.swo\n**/.*.swn\n**/*.tmp\n"       \
  "**/.*.kate-swp\n**/*-go-tmp-umask\n**/.git\n"

/* How a sync+exec rule's command runs (exec: user, privileged,
 * working_dir, environment), from the rule as written. */
struct watch_exec {
  const char *user;        /* NULL: the container's */
  const char *working_dir; /* NULL: the container's */
  int privileged;
  struct strvec env; /* "KEY=value"; a bare KEY took the project
                        environment's value (left out when it has none) */
};

/* One rule, compiled. */
struct watch_target {
  size_t service; /* index in project->services */
  const struct service *svc;
  const struct watch_rule *rule;
  char *path;                        /* rule->path, symlinks resolved */
  struct ignore *ignore;             /* the rule's own patterns */
  struct ignore *include;            /* NULL: everything under path */
  const struct ignore *dockerignore; /* the context's, or NULL */
  char *context;                     /* the build context, resolved */
  int initial_sync;                  /* sync everything when watching starts */
  struct watch_exec exec;            /* sync+exec: how the command runs */
};

struct watch_rules {
  struct watch_target *v;
  size_t n;
  struct ignore *defaults;
  struct ignore **contexts; /* one .dockerignore matcher per service (or
                               NULL), owned */
  size_t ncontexts;
  struct strvec roots; /* distinct rule paths, the watcher's roots */
};

/* Compile the rules of the services in want (per service, 1: watch it).
 * notes gets one line per service skipped ("service \"db\" has no
 * develop.watch section: not watched") and per sync rule left out because
 * a bind mount already shares its path. Errors (ERR_CONFIG, all reported):
 * a rebuild rule on a service without build, a sync rule without target, a
 * sync+exec rule without exec.command, bad ignore/include patterns, an
 * unreadable .dockerignore; ERR_NOTFOUND "none of the selected services
 * has develop.watch configured" when no rule is left. */
int watch_rules_init(struct watch_rules *r, const struct project *p,
                     const unsigned char *want, struct strvec *notes,
                     struct err *err);
void watch_rules_release(struct watch_rules *r);

/* 1 when t takes host_path (absolute and clean, as the watcher reports
 * it). Then, for a rule with a target, *container_path (when not NULL)
 * gets the malloc'ed container path; else NULL. */
int watch_target_match(const struct watch_rules *r,
                       const struct watch_target *t, const char *host_path,
                       char **container_path);

/* 1 when no rule can take anything under the directory dir: each rule
 * whose path holds it ignores it with its whole tree (no exception pattern
 * reopens it). The watcher does not descend into such directories
 * (node_modules, .git). */
int watch_rules_skip_dir(const struct watch_rules *r, const char *dir);

/* The container path of rel (relative to the rule's path, "" for the path
 * itself) under target: always absolute and clean ("/app" + "static/x" ->
 * "/app/static/x"). malloc'ed. */
char *watch_container_path(const char *target, const char *rel);
/* The name of a container path in a tar extracted at "/": the path
 * without its leading '/' ("/app/x" -> "app/x"); "" for "/". */
const char *watch_tar_name(const char *container_path);

/* A change to copy or delete: the host path and where it goes. */
struct watch_change {
  char *host;
  char *container;
};

/* What a batch asks of one service (compose's handleWatchBatch): rebuild
 * it; sync these changes (sync, sync+restart, sync+exec rules, in path
 * order); then restart it; then run these rules' exec commands, each
 * once. */
struct watch_todo {
  size_t service;
  const struct service *svc;
  int rebuild, restart;
  struct watch_change *sync;
  size_t nsync;
  size_t *execs; /* indexes into rules->v */
  size_t nexecs;
};

struct watch_batch {
  struct watch_todo *v; /* in project order */
  size_t n;
  size_t paths;   /* changed paths seen */
  size_t matched; /* of those, taken by some rule */
};

/* What watching asks first: for each sync rule with initial_sync, every
 * path under its path that it takes (directories the watcher skips left
 * out), to sync to its service; sync+exec rules run their command after.
 * At most cap paths (more are left out and counted in *dropped). Into out
 * (release it); out->n is 0 when no rule asks. */
void watch_batch_initial(const struct watch_rules *r, size_t cap,
                         struct watch_batch *out, size_t *dropped);

/* Match each changed path against every rule and group what is asked by
 * service; services asked nothing are left out. */
void watch_batch_make(const struct watch_rules *r, char *const *paths, size_t n,
                      struct watch_batch *out);
void watch_batch_release(struct watch_batch *b);

#endif
