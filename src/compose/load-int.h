/* load internals shared by load*.c and the unit tests: the merge of compose
 * trees by compose's override rules, extends, include and the rebasing of
 * relative paths. Every node is allocated from the arena given. */
#ifndef WCOMPOSE_COMPOSE_LOAD_INT_H
#define WCOMPOSE_COMPOSE_LOAD_INT_H

#include "compose/dotenv.h"
#include "compose/sindex.h"
#include "compose/ydoc.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/strvec.h"

/* Merge over into base (either may be NULL) as compose merges files: maps
 * deep-merged, scalars replaced, sequences by the per-field rules (ports,
 * volumes, secrets, configs unique by key; environment, labels... merged
 * by key; command, entrypoint, healthcheck.test replaced; others appended
 * without duplicates). A value tagged !reset removes the entry, !override
 * replaces it whole. path is the pattern of where the nodes sit ("" for a
 * whole file, "services.*" for one service). Returns the merged node (base
 * is rewritten in place when it is a map), NULL when the result is reset.
 * Nodes of over may be shared by the result. */
struct ynode *load_merge(struct arena *a, struct ynode *base,
                         struct ynode *over, const char *path);

/* 1 when two trees hold the same values. */
int load_merge_equal(const struct ynode *x, const struct ynode *y);

/* Remove entries tagged !reset and clear !override flags in a tree that is
 * not merged onto anything (what a single file means on its own). */
struct ynode *load_strip_tags(struct ynode *n);

/* Rewrite the relative paths of one service (build context, env_file,
 * label_file, bind volume sources, develop.watch paths) to absolute ones
 * under dir. */
void load_rebase_service(struct arena *a, struct ynode *svc, const char *dir);
/* The same for a whole file: every service, top-level secrets/configs
 * `file:`. */
void load_rebase_file(struct arena *a, struct ynode *root, const char *dir);

/* dir/rel, cleaned; rel returned as is when absolute. */
char *load_join(struct arena *a, const char *dir, const char *rel);
/* The directory part of an absolute path ("/" for "/x"). */
char *load_dirname(struct arena *a, const char *path);

/* One loading session: shared by the top-level files, the files extends
 * reads and the included sub-projects. */
struct load_session {
  struct arena *a;
  struct strvec *warnings;
  struct err *err;
  int no_interpolate;
  const char *cwd;
  struct strvec stack;       /* files being included, for cycles */
  struct loaded_file *cache; /* extends bases by absolute path */
  /* extends: how deep the chain being resolved is, and the nodes its
   * copies of bases made so far (the services on the way are flagged
   * YNODE_BUSY) */
  size_t depth, copied;
  struct load_budget *budget; /* what the load may spend (dotenv.h) */
};

/* The deepest chain of extends, and the most nodes copies of extended
 * services may make in one load (a base extended by many services is
 * copied for each). */
#define LOAD_EXTENDS_DEPTH_MAX 1000
#define LOAD_EXTENDS_COPY_MAX ((size_t)1000000)

/* Read one compose file: parse, refuse empty and non-mapping documents,
 * warn about `version`, interpolate with env (unless no_interpolate).
 * display names the file in positions. */
int load_parse_compose(struct load_session *s, const char *path,
                       const char *display, const struct env *env,
                       struct ynode **out);

/* Resolve every `extends` of the services of root (a file at path shown
 * as display, with dir its directory): chains, other files, cycles.
 * ERR_LIMIT past LOAD_EXTENDS_DEPTH_MAX levels or LOAD_EXTENDS_COPY_MAX
 * nodes copied. */
int load_extends(struct load_session *s, struct ynode *root, const char *path,
                 const char *display, const struct env *env);

/* Process the `include` list of root (declared in a file of directory dir):
 * load each entry as its own sub-project, with paths made absolute, and
 * import its resources into root. */
int load_include(struct load_session *s, struct ynode *root, const char *dir,
                 const struct env *env);

#endif
