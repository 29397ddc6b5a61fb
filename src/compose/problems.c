/* problems: gather, group by position and text, tell. Grouping sorts the
 * list once, so a hostile file with many copies of one mistake costs
 * n log n, and the cap on lines applies to what is told. */
#include "compose/problems.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

#define MAX_ALSO 10

void problems_add(struct problems *ps, const struct err_pos *pos,
                  const char *pre, const char *path, const char *post)
{
  if (ps->n == ps->alloc) {
    ps->alloc = ps->alloc ? 2 * ps->alloc : 16;
    ps->v = xrealloc(ps->v, ps->alloc * sizeof(*ps->v));
  }
  struct problem *p = &ps->v[ps->n];
  memset(p, 0, sizeof(*p));
  if (pos)
    p->pos = *pos;
  p->pre = xstrdup(pre ? pre : "");
  p->path = path ? xstrdup(path) : NULL;
  p->post = xstrdup(post ? post : "");
  p->seq = ps->n++;
}

void problems_addf(struct problems *ps, const struct err_pos *pos,
                   const char *path, const char *fmt, ...)
{
  struct buf b = BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  buf_vaddf(&b, fmt, ap);
  va_end(ap);
  const char *msg = b.data ? b.data : "";
  size_t pl = path ? strlen(path) : 0;
  if (pl && !strncmp(msg, path, pl))
    problems_add(ps, pos, NULL, path, msg + pl);
  else
    problems_add(ps, pos, NULL, NULL, msg);
  buf_release(&b);
}

static int cmp_pos(const struct err_pos *a, const struct err_pos *b)
{
  int r = strcmp(a->file ? a->file : "", b->file ? b->file : "");
  if (r)
    return r;
  if (a->line != b->line)
    return a->line < b->line ? -1 : 1;
  if (a->col != b->col)
    return a->col < b->col ? -1 : 1;
  return 0;
}

static const char *path_of(const struct problem *p)
{
  return p->path ? p->path : "";
}

/* Same place and same words but for the path: one mistake, many uses. */
static int cmp_text(const struct problem *x, const struct problem *y)
{
  int r = cmp_pos(&x->pos, &y->pos);
  if (!r)
    r = strcmp(x->pre, y->pre);
  if (!r)
    r = strcmp(x->post, y->post);
  return r;
}

static int cmp_sorted(const void *a, const void *b)
{
  const struct problem *x = *(struct problem *const *)a;
  const struct problem *y = *(struct problem *const *)b;
  int r = cmp_text(x, y);
  if (!r)
    r = strcmp(path_of(x), path_of(y));
  if (!r)
    r = x->seq < y->seq ? -1 : x->seq > y->seq;
  return r;
}

static int cmp_seq(const void *a, const void *b)
{
  const struct problem *x = *(struct problem *const *)a;
  const struct problem *y = *(struct problem *const *)b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A group: members [first, first + n) of the sorted array, each path
 * once, the one found first at first. */
struct group {
  size_t first, n;
  size_t seq;
  const struct err_pos *pos;
};

static int by_pos;

static int cmp_group(const void *a, const void *b)
{
  const struct group *x = a, *y = b;
  if (by_pos) {
    int r = cmp_pos(x->pos, y->pos);
    if (r)
      return r;
  }
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int boundary(const char *p, size_t b)
{
  return b == 0 || p[b - 1] == '.' || p[b] == '[';
}

/* The longest end the paths share that starts a component in each. */
static size_t common_end(struct problem **m, size_t n)
{
  const char *first = path_of(m[0]);
  size_t fl = strlen(first);
  for (size_t b = 0; b < fl; b++) {
    if (!boundary(first, b))
      continue;
    size_t sl = fl - b, i;
    for (i = 1; i < n; i++) {
      const char *q = path_of(m[i]);
      size_t ql = strlen(q);
      if (ql < sl || strcmp(q + ql - sl, first + b) || !boundary(q, ql - sl))
        break;
    }
    if (i == n)
      return sl;
  }
  return 0;
}

static void tell(struct err *err, int code, struct problem **m, size_t n)
{
  const struct problem *lead = m[0];
  struct buf b = BUF_INIT;
  buf_addf(&b, "%s%s%s", lead->pre, lead->path ? lead->path : "", lead->post);
  size_t end = n > 1 ? common_end(m, n) : 0, told = 0;
  for (size_t i = 1; i < n && m[0]->path; i++) {
    if (told == MAX_ALSO) {
      buf_addf(&b, " and %zu more", n - i);
      break;
    }
    const char *q = path_of(m[i]);
    size_t ql = strlen(q), ul = ql - end;
    if (end && ul && q[ul - 1] == '.')
      ul--;
    if (!ul)
      ul = ql;
    buf_addstr(&b, told ? (i + 1 == n ? " and " : ", ") : " (also in ");
    buf_add(&b, q, ul);
    told++;
  }
  if (told)
    buf_addch(&b, ')');
  err_at(err, code, lead->pos.file ? &lead->pos : NULL, "%s", b.data);
  buf_release(&b);
}

int problems_flush(struct problems *ps, int code, int by_position, size_t max,
                   struct err *err)
{
  if (!ps->n)
    return 0;
  struct problem **s = xmalloc(ps->n * sizeof(*s));
  struct group *g = xmalloc(ps->n * sizeof(*g));
  size_t ng = 0, o = 0, i = 0, told = 0;
  for (i = 0; i < ps->n; i++)
    s[i] = &ps->v[i];
  qsort(s, ps->n, sizeof(*s), cmp_sorted);
  /* runs of the same text at the same place; a path seen twice (the same
   * message found twice) is kept once */
  for (i = 0; i < ps->n;) {
    size_t j = i;
    g[ng].first = o;
    while (j < ps->n && !cmp_text(s[i], s[j])) {
      if (o == g[ng].first || strcmp(path_of(s[o - 1]), path_of(s[j])))
        s[o++] = s[j];
      else if (s[j]->seq < s[o - 1]->seq)
        s[o - 1] = s[j];
      j++;
    }
    g[ng].n = o - g[ng].first;
    /* the one found first leads; the others follow in the order found */
    qsort(&s[g[ng].first], g[ng].n, sizeof(*s), cmp_seq);
    g[ng].seq = s[g[ng].first]->seq;
    g[ng].pos = &s[g[ng].first]->pos;
    ng++;
    i = j;
  }
  by_pos = by_position;
  qsort(g, ng, sizeof(*g), cmp_group);
  for (i = 0; i < ng; i++) {
    if (max && told == max) {
      err_at(err, code, g[i].pos->file ? g[i].pos : NULL,
             "and more problems after this one (%zu in all)", ps->n);
      break;
    }
    tell(err, code, &s[g[i].first], g[i].n);
    told++;
  }
  free(g);
  free(s);
  problems_release(ps);
  return code;
}

void problems_release(struct problems *ps)
{
  for (size_t i = 0; i < ps->n; i++) {
    free(ps->v[i].pre);
    free(ps->v[i].path);
    free(ps->v[i].post);
  }
  free(ps->v);
  ps->v = NULL;
  ps->n = ps->alloc = 0;
}
