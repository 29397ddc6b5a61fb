/* cp: files between a service's running container and the host, through
 * the engine's archive endpoints, streamed: out of the container, the tar
 * the engine sends is read by libarchive as it comes (the loop runs from
 * libarchive's read callback, at the top of the command) and extracted
 * with libarchive's secure flags, after each entry's name is checked: one
 * that is absolute or climbs with `..` is refused, as is writing through
 * a symlink (ARCHIVE_EXTRACT_SECURE_SYMLINKS); into the container, the
 * host path goes as a tar made on demand (engine/tarball.h). Nothing is
 * held whole in memory. Nothing here prints. */
#ifndef WCOMPOSE_ORCHESTRATE_CP_H
#define WCOMPOSE_ORCHESTRATE_CP_H

#include <archive.h>

#include "compose/model.h"
#include "util/err.h"

struct cp_options {
  int index;   /* the replica, 1.. */
  int archive; /* -a: keep the archive's owners (uid/gid) */
  int follow;  /* -L: a host source that is a symlink is followed */
};

/* At the top of a command: copy container_path of svc's replica (from a
 * running container) to host_path (to_container 0), or host_path into
 * container_path (to_container 1). As docker cp: an existing directory
 * receives the source under its own name, anything else is the new name
 * (a container path ending in '/' must be an existing directory).
 * 0, or the failure's code with its message in s->err (ERR_NOTFOUND for a
 * missing source, ERR_PROTO for an archive entry that would escape). */
struct session;
int cp_session_run(struct session *s, const struct service *svc,
                   const char *container_path, const char *host_path,
                   int to_container, const struct cp_options *o);

/* Extract the archive in into the directory dest_dir (which must exist),
 * the first component of every entry's name replaced by rename when it is
 * not NULL: 0, or ERR_PROTO "archive entry '../x' escapes the
 * destination", ERR_IO with libarchive's message. Synchronous (for the
 * tests too). */
int cp_extract(struct archive *in, const char *dest_dir, const char *rename,
               int owners, struct err *err);

#endif
