/* fields: the compose fields the loader accepts but nothing after it acts
 * on yet, and the warning each one gets (no field is dropped silently).
 * doc/fields.md lists every field of schemas/compose-spec.json and says
 * the same; tests/fields.sh checks the two agree. */
#ifndef WCOMPOSE_COMPOSE_FIELDS_H
#define WCOMPOSE_COMPOSE_FIELDS_H

#include "compose/ydoc.h"
#include "util/strvec.h"

/* One field that is loaded (and shown by `config`) but not acted on. path
 * is relative to a service, dotted, "[]" for every item of a list
 * ("volumes[].volume.subpath"); why says what is missing. */
struct field_unacted {
  const char *path;
  const char *why;
};

/* The table, ended by an entry whose path is NULL. */
extern const struct field_unacted fields_unacted[];

/* Push one warning per unacted field present (not null) in the service
 * node svc, "file:line:col: services.NAME.PATH: WHY", onto w (which may be
 * NULL). where is "services.NAME". Mount options of the volume long and
 * short syntax that the engine does not get are told the same way. */
void fields_warn_service(struct strvec *w, const char *where,
                         const struct ynode *svc);

/* The same for fields outside services (paths from the top level, in
 * fields_unacted_top). */
extern const struct field_unacted fields_unacted_top[];
void fields_warn_top(struct strvec *w, const struct ynode *root);

/* The top-level models: loaded and shown, not run (no model runner is
 * driven): one warning at the models key's first entry. */
void fields_warn_models(struct strvec *w, const struct ynode *models);

#endif
