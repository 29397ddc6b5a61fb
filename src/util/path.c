/* Plain string operations on paths. */
#include "util/path.h"

#include <string.h>

const char *path_below(const char *dir, const char *path)
{
  size_t n = strlen(dir);
  if (n == 1 && dir[0] == '/')
    return path[0] == '/' ? path + 1 : NULL;
  if (strncmp(dir, path, n))
    return NULL;
  if (!path[n])
    return "";
  return path[n] == '/' ? path + n + 1 : NULL;
}
