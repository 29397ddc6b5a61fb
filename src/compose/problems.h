/* problems: the errors a loader stage finds, gathered before they are told,
 * so that one mistake copied to many places (by a YAML anchor and its
 * aliases, a shared x-* block, or a service that several others extend)
 * is told once, at the position where it is written, with the other
 * places listed:
 *   compose.yaml:4:12: x-base.restart: 'sometimes' is not one of no,
 *   always, on-failure, unless-stopped (also in services.a and services.b)
 * A list owns copies of everything added to it (problems_release). */
#ifndef WCOMPOSE_COMPOSE_PROBLEMS_H
#define WCOMPOSE_COMPOSE_PROBLEMS_H

#include <stddef.h>

#include "util/err.h"

struct problem {
  struct err_pos pos;
  char *pre, *path, *post; /* the message is pre + path + post */
  size_t seq;              /* order found */
};

struct problems {
  struct problem *v;
  size_t n, alloc;
};
#define PROBLEMS_INIT                                                          \
  {                                                                            \
    NULL, 0, 0                                                                 \
  }

/* Add the message pre + path + post at pos (NULL: no position). The path
 * is the field it names ("services.web.ports[0]"); pre and path may be
 * NULL. */
void problems_add(struct problems *ps, const struct err_pos *pos,
                  const char *pre, const char *path, const char *post);
/* Add a formatted message; when it starts with path, that part is taken as
 * its path. */
void problems_addf(struct problems *ps, const struct err_pos *pos,
                   const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Tell the problems to err with code: messages that differ only in their
 * path at the same position become one line, the first of them followed
 * by " (also in A, B and C)" (the other paths, each cut where the paths
 * end alike: "services.b" for "services.b.ports[0]" when the first is
 * "services.a.ports[0]"; ten at most, then "and N more"). by_position
 * sorts the lines by position (else they keep the order found). At most
 * max lines are told (0: no cap), then "and more problems (N in all)".
 * Returns code, or 0 when the list is empty. The list is emptied. */
int problems_flush(struct problems *ps, int code, int by_position, size_t max,
                   struct err *err);
void problems_release(struct problems *ps);

#endif
