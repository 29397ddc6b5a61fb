/* The .dockerignore matcher: each pattern is compiled the way moby's
 * patternmatcher classifies it (exact, prefix, suffix, or a regular
 * expression), and the expression case runs as a small NFA over runes. */
#include "engine/ignore.h"

#include "util/err.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok_kind {
  T_LIT,   /* one rune, ch */
  T_ONE,   /* '?': one rune but '/' */
  T_CLASS, /* [...]: one rune in (or, neg, not in) the ranges */
  T_STAR,  /* '*': any run of runes but '/' */
  T_ANY,   /* "**" at the end: anything */
  T_DSKIP, /* "**" inside: skip to after the next T_DANY, or enter it */
  T_DANY,  /* the ".*" of "(.* then /)?": any runes, then a '/' to leave */
};

struct tok {
  unsigned char kind;
  unsigned char neg;
  uint32_t ch;
  size_t rng;  /* first range (index of a lo,hi pair) of a class */
  size_t nrng; /* number of ranges */
};

/* How moby decides to compare (its matchType). */
enum mode {
  M_EXACT,  /* path == text */
  M_PREFIX, /* literal then "**": path starts with text minus "**" */
  M_SUFFIX, /* "**" then literal: path ends with text minus "**" */
  M_NFA,
};

struct pat {
  char *text; /* cleaned, without the '!' */
  size_t len;
  int exclusion;
  enum mode mode;
  struct tok *tok;
  size_t ntok;
  uint32_t *rng; /* lo,hi pairs */
  size_t nrng;
};

struct ignore {
  struct pat *p;
  size_t n, alloc;
  int exceptions;
};

/* Decode one UTF-8 rune as Go does: an invalid or overlong sequence is
 * U+FFFD of width 1. */
static size_t utf8_decode(const char *s, size_t n, uint32_t *r)
{
  const unsigned char *u = (const unsigned char *)s;
  uint32_t c = u[0], min;
  size_t w;
  if (c < 0x80) {
    *r = c;
    return 1;
  }
  if (c >= 0xc2 && c <= 0xdf) {
    w = 2;
    c &= 0x1f;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    w = 3;
    c &= 0x0f;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    w = 4;
    c &= 0x07;
    min = 0x10000;
  } else {
    goto bad;
  }
  if (n < w)
    goto bad;
  for (size_t i = 1; i < w; i++) {
    if ((u[i] & 0xc0) != 0x80)
      goto bad;
    c = (c << 6) | (u[i] & 0x3f);
  }
  if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
    goto bad;
  *r = c;
  return w;
bad:
  *r = 0xfffd;
  return 1;
}

static int is_space(unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

/* Trim s[0..*n) in place of pointers: returns the new start. */
static const char *trim(const char *s, size_t *n)
{
  while (*n && is_space((unsigned char)s[0])) {
    s++;
    (*n)--;
  }
  while (*n && is_space((unsigned char)s[*n - 1]))
    (*n)--;
  return s;
}

void ignore_clean_path(char *path)
{
  size_t n = strlen(path), r = 0, w = 0, dotdot = 0;
  int rooted = n && path[0] == '/';
  char *out = xmalloc(n + 2);
  if (rooted) {
    out[w++] = '/';
    r = dotdot = 1;
  }
  while (r < n) {
    if (path[r] == '/') {
      r++;
    } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
      r++;
    } else if (path[r] == '.' && path[r + 1] == '.' &&
               (r + 2 == n || path[r + 2] == '/')) {
      r += 2;
      if (w > dotdot) {
        w--;
        while (w > dotdot && out[w] != '/')
          w--;
      } else if (!rooted) {
        if (w > 0)
          out[w++] = '/';
        out[w++] = '.';
        out[w++] = '.';
        dotdot = w;
      }
    } else {
      if ((rooted && w != 1) || (!rooted && w != 0))
        out[w++] = '/';
      while (r < n && path[r] != '/')
        out[w++] = path[r++];
    }
  }
  if (w == 0)
    out[w++] = '.';
  memcpy(path, out, w);
  path[w] = '\0';
  free(out);
}

/* Go's getEsc: one class item, maybe escaped; -1 on a syntax error. */
static int class_item(const char *p, size_t n, size_t *i, uint32_t *r)
{
  if (*i >= n || p[*i] == '-' || p[*i] == ']')
    return -1;
  if (p[*i] == '\\') {
    (*i)++;
    if (*i >= n)
      return -1;
  }
  size_t w = utf8_decode(p + *i, n - *i, r);
  if (*r == 0xfffd && w == 1)
    return -1;
  *i += w;
  if (*i >= n)
    return -1;
  return 0;
}

/* Parse a class starting after '['; appends ranges when rng is not NULL.
 * -1 on a syntax error (what Go's filepath.Match reports). */
static int class_parse(const char *p, size_t n, size_t *i, int *neg,
                       struct pat *pat)
{
  size_t nr = 0;
  *neg = 0;
  if (*i < n && p[*i] == '^') {
    *neg = 1;
    (*i)++;
  }
  for (;;) {
    uint32_t lo, hi;
    if (*i < n && p[*i] == ']' && nr > 0) {
      (*i)++;
      return 0;
    }
    if (class_item(p, n, i, &lo) < 0)
      return -1;
    hi = lo;
    if (p[*i] == '-') {
      (*i)++;
      if (class_item(p, n, i, &hi) < 0)
        return -1;
    }
    if (pat) {
      pat->rng = xrealloc(pat->rng, (pat->nrng + 1) * 2 * sizeof(uint32_t));
      pat->rng[pat->nrng * 2] = lo;
      pat->rng[pat->nrng * 2 + 1] = hi;
      pat->nrng++;
    }
    nr++;
  }
}

/* The syntax check docker makes with filepath.Match(pattern, "."). */
static int validate(const char *p, size_t n)
{
  size_t i = 0;
  while (i < n) {
    if (p[i] == '\\') {
      if (i + 1 >= n)
        return -1;
      i += 2;
    } else if (p[i] == '[') {
      int neg;
      i++;
      if (class_parse(p, n, &i, &neg, NULL) < 0)
        return -1;
    } else {
      i++;
    }
  }
  return 0;
}

static struct tok *tok_add(struct pat *pat, enum tok_kind kind, uint32_t ch)
{
  pat->tok = xrealloc(pat->tok, (pat->ntok + 1) * sizeof(*pat->tok));
  struct tok *t = &pat->tok[pat->ntok++];
  memset(t, 0, sizeof(*t));
  t->kind = (unsigned char)kind;
  t->ch = ch;
  return t;
}

/* Mirror of moby's compile(): the same tokens in the same order decide
 * the mode. The pattern is already validated. */
static void compile(struct pat *pat)
{
  const char *p = pat->text;
  size_t n = pat->len, i = 0;
  enum mode mode = M_EXACT;
  for (int first = 1; i < n; first = 0) {
    uint32_t r;
    if (p[i] == '*' && i + 1 < n && p[i + 1] == '*') {
      i += 2;
      if (i < n && p[i] == '/')
        i++;
      if (i >= n) {
        if (mode == M_EXACT) {
          mode = M_PREFIX;
        } else {
          tok_add(pat, T_ANY, 0);
          mode = M_NFA;
        }
      } else {
        tok_add(pat, T_DSKIP, 0);
        tok_add(pat, T_DANY, 0);
        mode = M_NFA;
      }
      if (first)
        mode = M_SUFFIX;
    } else if (p[i] == '*') {
      tok_add(pat, T_STAR, 0);
      mode = M_NFA;
      i++;
    } else if (p[i] == '?') {
      tok_add(pat, T_ONE, 0);
      mode = M_NFA;
      i++;
    } else if (p[i] == '\\' && i + 1 < n) {
      i++;
      i += utf8_decode(p + i, n - i, &r);
      tok_add(pat, T_LIT, r);
      mode = M_NFA;
    } else if (p[i] == '[') {
      int neg;
      size_t first_rng = pat->nrng;
      i++;
      if (class_parse(p, n, &i, &neg, pat) < 0)
        BUG("class in validated pattern '%s'", p);
      struct tok *t = tok_add(pat, T_CLASS, 0);
      t->neg = (unsigned char)neg;
      t->rng = first_rng;
      t->nrng = pat->nrng - first_rng;
      mode = M_NFA;
    } else if (p[i] == ']') {
      tok_add(pat, T_LIT, ']');
      mode = M_NFA;
      i++;
    } else {
      i += utf8_decode(p + i, n - i, &r);
      tok_add(pat, T_LIT, r);
    }
  }
  pat->mode = mode;
}

static int in_class(const struct pat *pat, const struct tok *t, uint32_t r)
{
  int in = 0;
  for (size_t k = 0; k < t->nrng && !in; k++) {
    const uint32_t *lh = &pat->rng[(t->rng + k) * 2];
    in = lh[0] <= r && r <= lh[1];
  }
  return in != t->neg;
}

/* Follow the moves that consume nothing; they all go forward. */
static void closure(const struct pat *pat, unsigned char *set)
{
  for (size_t k = 0; k < pat->ntok; k++) {
    if (!set[k])
      continue;
    switch (pat->tok[k].kind) {
    case T_STAR:
    case T_ANY:
      set[k + 1] = 1;
      break;
    case T_DSKIP:
      set[k + 1] = 1;
      set[k + 2] = 1;
      break;
    }
  }
}

static int nfa_match(const struct pat *pat, const char *s, size_t n)
{
  size_t ns = pat->ntok + 1;
  unsigned char small[2 * 128], *heap = NULL, *cur, *nxt;
  if (ns <= 128) {
    cur = small;
    nxt = small + 128;
  } else {
    heap = xmalloc(2 * ns);
    cur = heap;
    nxt = heap + ns;
  }
  memset(cur, 0, ns);
  cur[0] = 1;
  closure(pat, cur);
  int alive = 1;
  size_t i = 0;
  while (i < n && alive) {
    uint32_t r;
    i += utf8_decode(s + i, n - i, &r);
    memset(nxt, 0, ns);
    alive = 0;
    for (size_t k = 0; k < pat->ntok; k++) {
      const struct tok *t = &pat->tok[k];
      size_t to = ns; /* none */
      if (!cur[k])
        continue;
      switch (t->kind) {
      case T_LIT:
        if (r == t->ch)
          to = k + 1;
        break;
      case T_ONE:
        if (r != '/')
          to = k + 1;
        break;
      case T_CLASS:
        if (in_class(pat, t, r))
          to = k + 1;
        break;
      case T_STAR:
        if (r != '/')
          to = k;
        break;
      case T_ANY:
        to = k;
        break;
      case T_DANY:
        nxt[k] = 1;
        alive = 1;
        if (r == '/')
          to = k + 1;
        break;
      }
      if (to < ns) {
        nxt[to] = 1;
        alive = 1;
      }
    }
    closure(pat, nxt);
    unsigned char *tmp = cur;
    cur = nxt;
    nxt = tmp;
  }
  int ok = alive && cur[pat->ntok];
  free(heap);
  return ok;
}

static int pat_match(const struct pat *pat, const char *s, size_t n)
{
  switch (pat->mode) {
  case M_EXACT:
    return n == pat->len && !memcmp(s, pat->text, n);
  case M_PREFIX:
    return n >= pat->len - 2 && !memcmp(s, pat->text, pat->len - 2);
  case M_SUFFIX: {
    const char *suf = pat->text + 2;
    size_t sl = pat->len - 2;
    if (n >= sl && !memcmp(s + n - sl, suf, sl))
      return 1;
    /* "**" + "/foo" also matches "foo" itself */
    return sl && suf[0] == '/' && n == sl - 1 && !memcmp(s, suf + 1, n);
  }
  case M_NFA:
    return nfa_match(pat, s, n);
  }
  return 0;
}

struct ignore *ignore_new(void)
{
  return xcalloc(1, sizeof(struct ignore));
}

static void pat_release(struct pat *pat)
{
  free(pat->text);
  free(pat->tok);
  free(pat->rng);
}

void ignore_free(struct ignore *m)
{
  if (!m)
    return;
  for (size_t i = 0; i < m->n; i++)
    pat_release(&m->p[i]);
  free(m->p);
  free(m);
}

size_t ignore_count(const struct ignore *m)
{
  return m->n;
}

int ignore_has_exceptions(const struct ignore *m)
{
  return m->exceptions;
}

/* One line, as docker's ignorefile.ReadAll then patternmatcher.New treat
 * it. where ("name:3") prefixes messages. */
static int add_line(struct ignore *m, const char *line, size_t n,
                    const char *where, struct err *err)
{
  if (n > IGNORE_LINE_MAX)
    return err_set(err, ERR_LIMIT, "%s: line longer than %d bytes", where,
                   IGNORE_LINE_MAX);
  if (n && line[0] == '#')
    return 0;
  line = trim(line, &n);
  if (!n)
    return 0;
  int invert = line[0] == '!';
  if (invert) {
    line++;
    n--;
    line = trim(line, &n);
  }
  /* "!" + cleaned pattern, cleaned once more as the whole (as New does) */
  char *s = xmalloc(n + 3);
  size_t off = invert ? 1 : 0;
  s[0] = '!';
  memcpy(s + off, line, n);
  s[off + n] = '\0';
  if (n) {
    ignore_clean_path(s + off);
    if (s[off] == '/' && s[off + 1])
      memmove(s + off, s + off + 1, strlen(s + off + 1) + 1);
  }
  /* then New: trim again (dropping '/' may uncover spaces), clean */
  size_t sl = strlen(s);
  const char *t = trim(s, &sl);
  memmove(s, t, sl);
  s[sl] = '\0';
  if (!sl) {
    free(s);
    return 0;
  }
  ignore_clean_path(s);
  int exclusion = 0;
  char *text = s;
  if (s[0] == '!') {
    if (!s[1]) {
      free(s);
      return err_set(err, ERR_BUILD, "%s: illegal exclusion pattern '!'",
                     where);
    }
    exclusion = 1;
    text = s + 1;
  }
  size_t len = strlen(text);
  if (validate(text, len) < 0) {
    err_set(err, ERR_BUILD, "%s: syntax error in pattern '%s'", where, text);
    free(s);
    return ERR_BUILD;
  }
  if (m->n == m->alloc) {
    m->alloc = m->alloc ? 2 * m->alloc : 8;
    m->p = xrealloc(m->p, m->alloc * sizeof(*m->p));
  }
  struct pat *pat = &m->p[m->n];
  memset(pat, 0, sizeof(*pat));
  pat->text = xstrdup(text);
  pat->len = len;
  pat->exclusion = exclusion;
  free(s);
  compile(pat);
  m->n++;
  if (exclusion)
    m->exceptions = 1;
  return 0;
}

int ignore_add(struct ignore *m, const char *line, struct err *err)
{
  return add_line(m, line, strlen(line), "pattern", err);
}

int ignore_parse(struct ignore **out, const char *text, size_t len,
                 const char *name, struct err *err)
{
  struct ignore *m = ignore_new();
  size_t i = 0;
  int lineno = 0;
  *out = NULL;
  if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
    i = 3;
  while (i < len) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - text) : len;
    size_t n = end - i;
    char where[256];
    lineno++;
    if (n && text[i + n - 1] == '\r')
      n--;
    snprintf(where, sizeof(where), "%s:%d", name ? name : ".dockerignore",
             lineno);
    int rc = add_line(m, text + i, n, where, err);
    if (rc < 0) {
      ignore_free(m);
      return rc;
    }
    i = end + 1;
  }
  *out = m;
  return 0;
}

int ignore_match_walk(const struct ignore *m, const char *relpath,
                      const unsigned char *parent, unsigned char *out)
{
  size_t n = strlen(relpath);
  int matched = 0;
  for (size_t i = 0; i < m->n; i++) {
    const struct pat *pat = &m->p[i];
    int match = parent ? parent[i] : 0;
    if (!match) {
      /* an inclusion once matched, or an exception before any match,
       * cannot change the answer */
      if (pat->exclusion != matched) {
        if (out)
          out[i] = 0;
        continue;
      }
      match = pat_match(pat, relpath, n);
      for (size_t k = 0; !match && !parent && k < n; k++)
        if (relpath[k] == '/')
          match = pat_match(pat, relpath, k);
    }
    if (out)
      out[i] = (unsigned char)match;
    if (match)
      matched = !pat->exclusion;
  }
  return matched;
}

int ignore_match(const struct ignore *m, const char *relpath, int is_dir)
{
  (void)is_dir;
  return ignore_match_walk(m, relpath, NULL, NULL);
}

int ignore_skip_dir(const struct ignore *m, const char *reldir)
{
  size_t dl = strlen(reldir);
  if (!m->exceptions)
    return 1;
  for (size_t i = 0; i < m->n; i++) {
    const struct pat *pat = &m->p[i];
    if (!pat->exclusion || pat->len < dl || memcmp(pat->text, reldir, dl))
      continue;
    /* text + "/" starts with reldir + "/" */
    if (pat->len == dl || pat->text[dl] == '/')
      return 0;
  }
  return 1;
}
