/* Build contexts (and watch-sync copies) as tar streams, produced on demand
 * by libarchive: nothing is read from disk until the consumer asks for
 * bytes, and at most one bounded chunk is held in memory at a time.
 *
 * A build context follows what the docker CLI sends: the directory walked
 * in sorted order (per directory, by bytes), names relative to it,
 * .dockerignore'd paths left out (docker's walk, see engine/ignore.h) but
 * the Dockerfile and .dockerignore always sent, symlinks archived as links
 * and never followed, hard links as links to the first name, owner 0:0
 * without user or group names, modes and mtimes (whole seconds) kept,
 * directories included, named pipes, sockets and devices skipped, long
 * names through pax headers.
 *
 * Memory: a tarball owns copies of everything given to it; tarball_free
 * frees it (and closes any file it has open). */
#ifndef WCOMPOSE_ENGINE_TARBALL_H
#define WCOMPOSE_ENGINE_TARBALL_H

#include <stddef.h>
#include <sys/types.h>

struct err;
struct ignore;
struct tarball;

/* Bytes of file data archived per step (the internal buffer holds one step
 * of output: this plus the headers). */
#define TARBALL_CHUNK (64 * 1024)

/* Start the tar of the build context context_dir (symlinks to it are
 * followed, nothing below it is).
 * dockerfile: the Dockerfile's path relative to the context ("Dockerfile",
 *   "docker/app.Dockerfile"), sent even when ignored; NULL when it is not
 *   inside the context (then add it with tarball_add_dockerfile).
 * dockerignore: the ignore rules' text, or NULL to read
 *   <context_dir>/.dockerignore when it exists (a Dockerfile-specific
 *   ignore file is read by the caller and passed here).
 * Errors: ERR_NOTFOUND "build context 'dir' does not exist", ERR_BUILD when
 * it is not a directory or the rules are invalid (see ignore_parse),
 * ERR_IO when it or its .dockerignore cannot be read. */
int tarball_new(struct tarball **out, const char *context_dir,
                const char *dockerfile, const char *dockerignore,
                struct err *err);

/* Start the tar of one host file or directory, to extract in a container
 * with PUT /containers/{id}/archive?path=<parent of the target> (watch
 * sync): the entry is called name ("app.js", or "static" for a directory,
 * whose tree is then under "static/"). Symlinks are archived as links,
 * owner 0:0, modes and mtimes kept. ign (borrowed, may be NULL; it must
 * outlive the tarball) leaves out paths relative to host_path, as in a
 * build context. Errors: ERR_NOTFOUND "'path' does not exist", ERR_IO. */
int tarball_new_path(struct tarball **out, const char *host_path,
                     const char *name, const struct ignore *ign,
                     struct err *err);

/* Start an empty tar for a list of host paths added with tarball_add_path
 * (watch sync of a batch of changes): each path is archived alone under
 * its own name, a directory as its entry only (its tree is not walked), a
 * symlink as a link; owner 0:0, modes and mtimes kept. A path that is gone
 * when its turn comes is left out. Errors: ERR_NOMEM, ERR_IO. */
int tarball_new_list(struct tarball **out, struct err *err);

/* Add host_path under name_in_tar ("app/static/site.css") to a list
 * tarball, in the order the tar is to have; before the first read only
 * (else ERR_STATE). */
int tarball_add_path(struct tarball *tb, const char *host_path,
                     const char *name_in_tar);

/* Add a regular file (mode 0644, mtime now) from memory under name_in_tar;
 * before the first tarball_read only (else ERR_STATE). An entry of the
 * context with that name is replaced where it stands (keeping its mode and
 * mtime); other added files follow the walk, in the order added. */
int tarball_add_file(struct tarball *tb, const char *name_in_tar,
                     const void *data, size_t len);

/* The same with the given mode (0444 for an injected config). */
int tarball_add_file_mode(struct tarball *tb, const char *name_in_tar,
                          const void *data, size_t len, unsigned mode);

/* What the docker CLI does with a Dockerfile from outside the context or
 * given inline: add it as ".dockerfile.<20 random hex digits>" (mode 0600)
 * and append that name to the .dockerignore sent (created holding
 * ".dockerignore" and the name when the context has none) so the engine
 * keeps both out of the image. *name (owned by tb) receives the name to
 * pass as the build's dockerfile parameter. Before the first read only;
 * ERR_STATE, or ERR_IO when the context's .dockerignore cannot be read. */
int tarball_add_dockerfile(struct tarball *tb, const void *data, size_t len,
                           const char **name, struct err *err);

/* Entries of host paths carry the files' uid and gid instead of 0:0 (cp
 * -a); call before the first tarball_read. */
void tarball_keep_owners(struct tarball *tb);

/* Copy the next bytes of the stream into buf (n > 0): returns the count,
 * 0 at the end, or a negative ERR_* (ERR_IO for a file that cannot be read,
 * "no permission to read from 'path'" or "reading 'path': ..."), with the
 * message in tarball_error(tb); after an error every call returns it. */
ssize_t tarball_read(struct tarball *tb, char *buf, size_t n);

/* The error report of the last failed tarball_read (owned by tb). */
const struct err *tarball_error(const struct tarball *tb);

/* The most bytes the internal buffer has held (for tests and tracing). */
size_t tarball_buffer_peak(const struct tarball *tb);

void tarball_free(struct tarball *tb);

#endif
