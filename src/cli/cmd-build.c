/* wcompose build: build the images of services with a build section; and
 * lc_build_one, the build step up and create share. */
#include "cli/lifecycle.h"
#include "orchestrate/create.h"

#include <stdio.h>

int lc_build_one(struct lc *lc, const struct service *s)
{
  return err_set(&lc->err, ERR_BUILD,
                 "building service '%s': the build-context streamer is not "
                 "merged yet",
                 s->name);
}
