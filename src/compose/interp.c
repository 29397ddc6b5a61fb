/* interp: compose's variable interpolation ($$, $NAME, ${NAME} and the
 * :- - :? ? :+ + forms, nested), on one string or on every scalar value of
 * a YAML tree. */
#include "compose/interp.h"
#include "compose/problems.h"
#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_NESTING 64
/* Warnings kept at most: each new one is checked against those before it,
 * and a file naming 100,000 unset variables needs no 100,000 lines. */
#define MAX_WARNINGS 100

enum fail {
  FAIL_NONE,
  FAIL_FORMAT,
  FAIL_REQUIRED,
  FAIL_NESTING,
  FAIL_SIZE,
  FAIL_ENCODING
};

struct ctx {
  interp_lookup_cb lookup;
  void *data;
  struct strvec *warnings;
  enum fail fail;
  struct buf msg; /* FAIL_REQUIRED: the message */
  size_t cap;     /* the most bytes a result (or a default) may hold */
  /* the variable that brought the most text, for messages about size */
  char big[256];
  size_t big_len;
  /* the first variable whose value is not UTF-8 text */
  char bad[256];
};

static int name_start(int c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int name_char(int c)
{
  return name_start(c) || (c >= '0' && c <= '9');
}

static int add(struct ctx *c, struct buf *out, const char *s, size_t n)
{
  if (buf_add(out, s, n)) {
    c->fail = FAIL_SIZE;
    return -1;
  }
  return 0;
}

/* The value of name (NULL when unset); name is NUL-terminated by the
 * caller's copy. */
static const char *look(struct ctx *c, const char *name)
{
  const char *v = c->lookup ? c->lookup(c->data, name) : NULL;
  size_t n = v ? strlen(v) : 0;
  if (v && !c->bad[0] && utf8_invalid_at(v, n) < n)
    snprintf(c->bad, sizeof(c->bad), "%s", name);
  if (n > c->big_len) {
    c->big_len = n;
    snprintf(c->big, sizeof(c->big), "%s", name);
  }
  return v;
}

static void warn_unset(struct ctx *c, const char *name)
{
  if (!c->warnings || c->warnings->n >= MAX_WARNINGS)
    return;
  struct buf w = BUF_INIT;
  buf_addf(&w,
           "The \"%s\" variable is not set. Defaulting to a blank "
           "string.",
           name);
  if (!strvec_has(c->warnings, w.data))
    strvec_push(c->warnings, w.data);
  buf_release(&w);
}

/* Where the `${` at s[0] closes: the first `}` that balances the `${`
 * opened since (a bare `{` does not open). -1 when it never closes. */
static long closing_brace(const char *s, size_t len)
{
  long open = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '}') {
      if (--open == 0)
        return (long)i;
    } else if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
      open++;
      i++;
    }
  }
  return -1;
}

static int subst(struct ctx *c, const char *s, size_t len, struct buf *out,
                 int level);

/* One ${...} whose body (between the braces) is body/len. */
static int braced(struct ctx *c, const char *body, size_t len, struct buf *out,
                  int level)
{
  size_t i = 0;
  if (!len || !name_start((unsigned char)body[0])) {
    c->fail = FAIL_FORMAT;
    return -1;
  }
  while (i < len && name_char((unsigned char)body[i]))
    i++;
  char name[256];
  if (i >= sizeof(name)) {
    c->fail = FAIL_FORMAT;
    return -1;
  }
  memcpy(name, body, i);
  name[i] = '\0';
  const char *val = look(c, name);
  if (i == len) {
    if (!val)
      warn_unset(c, name);
    return val ? add(c, out, val, strlen(val)) : 0;
  }
  int colon = body[i] == ':';
  if (colon)
    i++;
  if (i >= len || !strchr("-?+", body[i])) {
    c->fail = FAIL_FORMAT;
    return -1;
  }
  char op = body[i++];
  /* compose substitutes the argument before it knows whether it is used */
  struct buf arg = BUF_INIT_CAP(c->cap);
  if (subst(c, body + i, len - i, &arg, level + 1)) {
    buf_release(&arg);
    return -1;
  }
  const char *argv = arg.data ? arg.data : "";
  int set = val != NULL, nonempty = val && *val;
  int rc = 0;
  switch (op) {
  case '-':
    if (colon ? nonempty : set)
      rc = add(c, out, val, strlen(val));
    else
      rc = add(c, out, argv, arg.len);
    break;
  case '+':
    if (colon ? nonempty : set)
      rc = add(c, out, argv, arg.len);
    else if (val)
      rc = add(c, out, val, strlen(val));
    break;
  case '?':
    if (colon ? nonempty : set) {
      rc = add(c, out, val, strlen(val));
      break;
    }
    c->fail = FAIL_REQUIRED;
    buf_reset(&c->msg);
    if (arg.len)
      buf_addf(&c->msg, "required variable %s is missing a value: %s", name,
               argv);
    else
      buf_addf(&c->msg,
               "required variable %s is missing a value: set %s in the "
               "environment or the .env file",
               name, name);
    rc = -1;
    break;
  }
  buf_release(&arg);
  return rc;
}

static int subst(struct ctx *c, const char *s, size_t len, struct buf *out,
                 int level)
{
  if (level > MAX_NESTING) {
    c->fail = FAIL_NESTING;
    return -1;
  }
  size_t i = 0;
  while (i < len) {
    const char *dollar = memchr(s + i, '$', len - i);
    size_t lit = dollar ? (size_t)(dollar - (s + i)) : len - i;
    if (lit && add(c, out, s + i, lit))
      return -1;
    i += lit;
    if (i >= len)
      break;
    int next = i + 1 < len ? (unsigned char)s[i + 1] : -1;
    if (next == '$') {
      if (add(c, out, "$", 1))
        return -1;
      i += 2;
    } else if (next >= 0 && name_start(next)) {
      size_t j = i + 1;
      while (j < len && name_char((unsigned char)s[j]))
        j++;
      char name[256];
      if (j - i - 1 >= sizeof(name)) {
        c->fail = FAIL_FORMAT;
        return -1;
      }
      memcpy(name, s + i + 1, j - i - 1);
      name[j - i - 1] = '\0';
      const char *val = look(c, name);
      if (!val)
        warn_unset(c, name);
      else if (add(c, out, val, strlen(val)))
        return -1;
      i = j;
    } else if (next == '{') {
      long close = closing_brace(s + i, len - i);
      if (close < 0) {
        c->fail = FAIL_FORMAT;
        return -1;
      }
      if (braced(c, s + i + 2, (size_t)close - 2, out, level))
        return -1;
      i += (size_t)close + 1;
    } else {
      /* a lone `$`: compose asks for `$$` */
      c->fail = FAIL_FORMAT;
      return -1;
    }
  }
  return 0;
}

/* Interpolate in; on failure the message is pre + path + post, told to
 * err, or added to ps when ps is given (interp_tree groups them). */
static int interp_one(struct arena *a, const char *in, interp_lookup_cb lookup,
                      void *data, struct load_budget *budget,
                      const struct err_pos *pos, const char *path, char **out,
                      struct strvec *warnings, struct err *err,
                      struct problems *ps)
{
  struct ctx c = {lookup, data, warnings, FAIL_NONE, BUF_INIT};
  size_t left = SIZE_MAX, total = 0;
  int counted = budget && strchr(in, '$');
  if (counted) {
    total = budget->max ? budget->max : INTERP_TOTAL_MAX;
    left = total > budget->used ? total - budget->used : 0;
  }
  c.cap = left < INTERP_VALUE_MAX ? left : INTERP_VALUE_MAX;
  /* a cap of 0 means none to struct buf: 1 byte, then the check below */
  struct buf res = BUF_INIT_CAP(c.cap ? c.cap : 1);
  *out = NULL;
  int ok = !subst(&c, in, strlen(in), &res, 0) && res.len <= left;
  if (ok && c.bad[0] && utf8_invalid_at(res.data, res.len) < res.len) {
    ok = 0;
    c.fail = FAIL_ENCODING;
  }
  if (ok) {
    *out = arena_strndup(a, res.data ? res.data : "", res.len);
    if (counted)
      budget->used += res.len;
    buf_release(&res);
    buf_release(&c.msg);
    return 0;
  }
  if (c.fail == FAIL_NONE)
    c.fail = FAIL_SIZE;
  buf_release(&res);
  int rc = ERR_INTERP;
  struct buf pre = BUF_INIT, post = BUF_INIT;
  const char *sep = path ? ": " : "";
  switch (c.fail) {
  case FAIL_REQUIRED:
    buf_addf(&post, "%s%s", sep, c.msg.data);
    break;
  case FAIL_NESTING:
    rc = ERR_LIMIT;
    buf_addf(&post, "%sinterpolation nested more than %d levels deep", sep,
             MAX_NESTING);
    break;
  case FAIL_SIZE: {
    char by[320] = "";
    rc = ERR_LIMIT;
    if (c.big_len)
      snprintf(by, sizeof(by), " ($%s adds %zu bytes here)", c.big, c.big_len);
    if (left < INTERP_VALUE_MAX)
      buf_addf(&post,
               "%sinterpolation passes the limit of %zu bytes of "
               "interpolated text for the project%s",
               sep, total, by);
    else
      buf_addf(&post, "%sinterpolation result larger than %zu bytes%s", sep,
               INTERP_VALUE_MAX, by);
    break;
  }
  case FAIL_ENCODING:
    buf_addf(&post, "%sthe value of $%s is not UTF-8 text", sep, c.bad);
    break;
  default:
    buf_addf(&pre, "invalid interpolation format%s", path ? " for " : "");
    /* the value as written, cut where it gets long */
    buf_addf(&post, ": \"%.*s%s\"; you may need to escape any $ with another $",
             (int)(strlen(in) > 200 ? 200 : strlen(in)), in,
             strlen(in) > 200 ? "..." : "");
    break;
  }
  /* the values after the one that passed the project's cap fail too: the
   * first says it all */
  int quiet = c.fail == FAIL_SIZE && left < INTERP_VALUE_MAX && budget->told;
  if (c.fail == FAIL_SIZE && left < INTERP_VALUE_MAX)
    budget->told = 1;
  if (!quiet && ps)
    problems_add(ps, pos, pre.data, path, post.data);
  else if (!quiet)
    err_at(err, rc, pos, "%s%s%s", pre.data ? pre.data : "", path ? path : "",
           post.data ? post.data : "");
  buf_release(&pre);
  buf_release(&post);
  buf_release(&c.msg);
  return rc;
}

int interp_string_with(struct arena *a, const char *in, interp_lookup_cb lookup,
                       void *data, struct load_budget *budget,
                       const struct err_pos *pos, const char *path, char **out,
                       struct strvec *warnings, struct err *err)
{
  return interp_one(a, in, lookup, data, budget, pos, path, out, warnings, err,
                    NULL);
}

static const char *env_lookup(void *data, const char *name)
{
  return data ? env_get(data, name) : NULL;
}

int interp_string(struct arena *a, const char *in, const struct env *vars,
                  const struct err_pos *pos, const char *path, char **out,
                  struct strvec *warnings, struct err *err)
{
  return interp_string_with(a, in, env_lookup, (void *)vars,
                            vars ? vars->budget : NULL, pos, path, out,
                            warnings, err);
}

struct walk {
  struct arena *a;
  const struct env *vars;
  struct strvec *warnings;
  struct problems ps;
  struct buf path;
  int rc;
};

static void walk_node(struct walk *w, struct ynode *n)
{
  if (!n || (n->flags & YNODE_NOINTERP))
    return;
  size_t mark = w->path.len;
  switch (n->kind) {
  case YNODE_NULL:
    return;
  case YNODE_SCALAR:
    /* a string holding NUL bytes is left for the schema to refuse */
    if (!n->str || !memchr(n->str, '$', n->len) || strlen(n->str) != n->len)
      return;
    char *res;
    int rc = interp_one(w->a, n->str, env_lookup, (void *)w->vars,
                        w->vars ? w->vars->budget : NULL, &n->pos,
                        w->path.len ? w->path.data : NULL, &res, w->warnings,
                        NULL, &w->ps);
    if (rc) {
      if (!w->rc)
        w->rc = rc;
      return;
    }
    n->str = res;
    n->len = strlen(res);
    /* interpolated text is a string; the field it lands in may cast it
     * (replicas: ${N} is a number there), nothing else retypes it */
    n->flags |= YNODE_QUOTED;
    return;
  case YNODE_SEQ:
    for (size_t i = 0; i < n->n; i++) {
      buf_addf(&w->path, "[%zu]", i);
      walk_node(w, n->items[i]);
      w->path.len = mark;
      if (w->path.data)
        w->path.data[mark] = '\0';
    }
    return;
  case YNODE_MAP:
    for (size_t i = 0; i < n->n; i++) {
      if (mark)
        buf_addch(&w->path, '.');
      buf_addstr(&w->path, n->keys[i]->str ? n->keys[i]->str : "");
      walk_node(w, n->items[i]);
      w->path.len = mark;
      if (w->path.data)
        w->path.data[mark] = '\0';
    }
    return;
  }
}

int interp_tree(struct arena *a, struct ynode *root, const struct env *vars,
                struct strvec *warnings, struct err *err)
{
  struct walk w = {a, vars, warnings, PROBLEMS_INIT, BUF_INIT, 0};
  walk_node(&w, root);
  buf_release(&w.path);
  /* in walk order; the first code found is the one returned */
  problems_flush(&w.ps, w.rc ? w.rc : ERR_INTERP, 0, 0, err);
  return w.rc;
}
