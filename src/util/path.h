/* path: plain string operations on absolute, clean paths (no I/O). */
#ifndef WCOMPOSE_UTIL_PATH_H
#define WCOMPOSE_UTIL_PATH_H

/* The part of path below dir: "" for dir itself, NULL when path is outside
 * dir. Points into path. */
const char *path_below(const char *dir, const char *path);

#endif
