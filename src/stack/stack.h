/* stack: a compose project on a Docker Swarm, as `docker stack` does it.
 * The translation (compose service -> ServiceSpec, networks -> overlay
 * networks, configs and secrets -> swarm objects named by their content)
 * is pure and works on the loaded model; deploy, rm and the rollout
 * follower drive the engine from a session (orchestrate/session.h), one
 * awaited call after the other at the top of the program.
 *
 * Objects carry the docker CLI's labels, so `docker stack ps NAME` sees
 * what wcompose deployed and the other way round.
 *
 * Ownership: struct stack owns its names, data and ids (stack_release);
 * the project is borrowed and must outlive it. Specs returned are new
 * cJSON trees (the caller deletes or hands them to the engine). */
#ifndef WCOMPOSE_STACK_STACK_H
#define WCOMPOSE_STACK_STACK_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "compose/model.h"
#include "orchestrate/session.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strvec.h"

#define STACK_NAMESPACE "com.docker.stack.namespace"
#define STACK_IMAGE "com.docker.stack.image"

/* A network of the stack: an overlay network "<stack>_<key>" (or the
 * name the file gives), or an external one found by name. */
struct stack_net {
  const struct network *net;
  char *name;
  char *id; /* once created or found; NULL before */
};

/* A config or secret of the stack, named "<stack>_<key>-<10 hex digits of
 * the SHA-256 of its content>": a change of content is a new object, so
 * the services that use it roll. External ones are found by their name. */
struct stack_file {
  const struct file_obj *obj;
  int secret;
  char *name;
  unsigned char *data; /* NULL for external ones */
  size_t n;
  char *id; /* once created or found */
};

struct stack {
  const struct project *p;
  char *ns; /* the stack's name */
  struct stack_net *nets;
  size_t nnets;
  struct stack_file *files;
  size_t nfiles;
};

/* The networks, configs and secrets of p for stack ns: reads the content
 * of file and environment configs/secrets (ERR_CONFIG "config 'x': cannot
 * read 'f': ..." or "secret 'x': variable 'V' is not set"). Initialized
 * even on error (stack_release it). */
int stack_prepare(struct stack *st, const struct project *p, const char *ns,
                  struct err *err);
void stack_release(struct stack *st);

/* The engine name of service s ("<stack>_<service>"), malloc'ed. */
char *stack_service_name(const struct stack *st, const struct service *s);

/* The ServiceSpec of s. image is the image to run (the written one, or
 * pinned to its digest), or NULL for s->image. Networks, configs and
 * secrets are named by their ids when known, else by their names.
 * ERR_CONFIG naming the service for what Swarm cannot carry at all (a
 * service without image, a network_mode other than host or none with
 * networks). */
int stack_service_spec(const struct stack *st, const struct service *s,
                       const char *image, cJSON **out, struct err *err);

/* One warning per key that Swarm cannot carry, at its file:line:col in
 * the project's files ("compose.yaml:4:5: services.web.build: not
 * supported by swarm, ignored (build with 'wcompose build' and push
 * first)"), appended to out. Files that do not parse are skipped (the
 * loader read them already). */
void stack_unsupported(const struct project *p, struct strvec *out);

/* --- against the engine (top level only; errors in s->err) --- */

enum stack_resolve {
  STACK_RESOLVE_ALWAYS,
  STACK_RESOLVE_CHANGED,
  STACK_RESOLVE_NEVER
};

struct stack_deploy_opts {
  const char *ns;
  int prune;
  enum stack_resolve resolve;
  int registry_auth; /* send the credentials for the images to the nodes */
  int follow;        /* --detach=false: until every service converges */
  int timeout_s;     /* of the follow; 0: 300 */
};

/* What a deploy did, for its report and the tests. */
struct stack_deploy_result {
  int created, updated, unchanged, removed;
};

/* Deploy s->project as stack o->ns on the swarm s->engine manages.
 * Progress ("Service", name, "Creating" / "Updating" / "Unchanged" ...)
 * and warnings leave through the session's hooks. ERR_ENGINE with a
 * clear message when the engine is no manager; the first failing task's
 * error when following. */
int stack_deploy(struct session *s, const struct stack_deploy_opts *o,
                 struct stack_deploy_result *res);
/* Remove every service, network, config and secret labelled with the
 * stack's namespace; ERR_USAGE "nothing found in stack 'x'" when none. */
int stack_remove(struct session *s, const char *ns);

/* --- the `stack` command --- */

enum stack_verb { STACK_DEPLOY, STACK_LS, STACK_SERVICES, STACK_PS, STACK_RM };
/* `stack VERB [NAME]`'s positional words: the verb and the name (NULL for
 * ls). ERR_USAGE "stack: want deploy|ls|services|ps|rm (and a stack name
 * but for ls)". */
int stack_verb_parse(char *const *pos, size_t n, enum stack_verb *verb,
                     const char **ns, struct err *err);
/* --resolve-image's word (NULL: always). */
enum stack_resolve stack_resolve_parse(const char *word);
/* Run the verb on an open session (deploy needs the project loaded); the
 * tables of ls, services and ps are appended to out. */
int stack_run(struct session *s, enum stack_verb verb,
              const struct stack_deploy_opts *o, int no_trunc, struct buf *out);

#endif
