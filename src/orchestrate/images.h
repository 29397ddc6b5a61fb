/* images: the images a session's services run. Build a service's image
 * (its context tarred while it is sent, output as "[service] ..." text),
 * pull and push, look an image's ID up, and have the images of the
 * selected services as compose's pull policies say (build, pull, or
 * refuse).
 *
 * Every call comes twice: *_start, asynchronous, which calls done(arg, rc)
 * exactly once on a later loop turn (session_defer) when it returned 0,
 * and never when it returned an error; and a synchronous form that waits
 * for it (top level only). Errors go to s->err with what was being done
 * ("building service 'web': ..."). The operations free themselves after
 * done returned; what they write into (ids) is the caller's. */
#ifndef WCOMPOSE_ORCHESTRATE_IMAGES_H
#define WCOMPOSE_ORCHESTRATE_IMAGES_H

#include "orchestrate/session.h"

/* Build s's image (tags: the service's image name, then build.tags). */
int images_build_start(struct session *s, const struct service *sv,
                       session_done_cb done, void *arg);
int images_build(struct session *s, const struct service *sv);

/* Pull (or push) "name[:tag]", with the engine's progress lines as text
 * unless quiet, and the registry credentials `docker login` stored. */
int images_xfer_start(struct session *s, const char *ref, int push, int quiet,
                      session_done_cb done, void *arg);
int images_xfer(struct session *s, const char *ref, int push, int quiet);

/* The ID of image name into *id (malloc'ed), or rc ERR_NOTFOUND with *id
 * NULL (not an error in s->err: the caller decides). */
int images_id_start(struct session *s, const char *name, char **id,
                    session_done_cb done, void *arg);
/* The same, waited for; NULL when there is none. */
char *images_id(struct session *s, const char *name);

/* Remove an image by name or ID (ERR_NOTFOUND passed through, not
 * reported); top level only. */
int images_remove(struct session *s, const char *name, int report);

/* Have the images of the selected services: build those that build (all
 * with force or pull policy "build", else the missing ones), pull the
 * others that are missing (all with policy "always") unless the policy is
 * "never". pull overrides each service's pull_policy (--pull; NULL:
 * theirs). ids[i] gets each selected service's image ID (malloc'ed; the
 * caller frees them). */
struct images_want {
  int force;                     /* up --build */
  int no_build;                  /* up --no-build */
  const char *pull;              /* always, missing, never, build; NULL */
  const unsigned char *selected; /* NULL: the session's selection */
};
int images_ensure_start(struct session *s, const struct images_want *w,
                        char **ids, session_done_cb done, void *arg);
int images_ensure(struct session *s, const struct images_want *w, char **ids);

#endif
