/* dotenv: the ordered variable set the loader interpolates from, and the
 * `.env` / env_file parser with docker compose's rules (compose-go's
 * dotenv: export, quotes, escapes, inline comments, interpolation). */
#include "compose/dotenv.h"
#include "compose/interp.h"
#include "util/buf.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ENV_FILE DOTENV_FILE_MAX

static const char *var_name(const void *owner, size_t pos, size_t *len)
{
  const char *s = ((const struct env *)owner)->vars[pos].name;
  *len = strlen(s);
  return s;
}

void env_init(struct env *e, struct arena *a)
{
  memset(e, 0, sizeof(*e));
  e->arena = a;
  sindex_init(&e->index, a, var_name, e);
}

static struct env_var *find(const struct env *e, const char *name)
{
  size_t i = sindex_get(&e->index, name, strlen(name));
  return i == SINDEX_NONE ? NULL : &e->vars[i];
}

void env_set_shared(struct env *e, const char *name, const char *value)
{
  struct env_var *v = find(e, name);
  if (v) {
    v->value = value;
    return;
  }
  if (e->n == e->alloc) {
    size_t alloc = e->alloc ? e->alloc * 2 : 16;
    struct env_var *nv = arena_alloc(e->arena, alloc * sizeof(*nv));
    if (e->n)
      memcpy(nv, e->vars, e->n * sizeof(*nv));
    e->vars = nv;
    e->alloc = alloc;
  }
  e->vars[e->n].name = name;
  e->vars[e->n].value = value;
  sindex_add(&e->index, name, strlen(name), e->n);
  e->n++;
}

void env_set(struct env *e, const char *name, const char *value)
{
  struct env_var *v = find(e, name);
  const char *val = value ? arena_strdup(e->arena, value) : NULL;
  if (v)
    v->value = val;
  else
    env_set_shared(e, arena_strdup(e->arena, name), val);
}

const char *env_get(const struct env *e, const char *name)
{
  const struct env_var *v = e ? find(e, name) : NULL;
  return v ? v->value : NULL;
}

int env_has(const struct env *e, const char *name)
{
  return e && find(e, name) != NULL;
}

void env_add_environ(struct env *e, char **environ)
{
  for (; environ && *environ; environ++) {
    const char *eq = strchr(*environ, '=');
    if (!eq || eq == *environ)
      continue;
    char *name = arena_strndup(e->arena, *environ, (size_t)(eq - *environ));
    env_set_shared(e, name, arena_strdup(e->arena, eq + 1));
  }
}

/* ---- the parser ---- */

struct dparse {
  struct env *out;
  const struct env *lookup;
  const char *file;
  const char *s; /* text with CRLF turned into LF */
  size_t len;
  struct err *err;
  /* the last position computed, where the next search starts from */
  size_t at_off, at_bol;
  int at_line;
};

/* compose-go's isSpace: blanks that are not a line break */
static int blank(int c)
{
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static int space(int c)
{
  return blank(c) || c == '\n';
}

/* The line and column of offset off. Positions are asked for in file
 * order, so each search goes on from the previous one: the whole file is
 * scanned once, not once per value. */
static struct err_pos pos_at(struct dparse *p, size_t off)
{
  if (off < p->at_off) {
    p->at_off = p->at_bol = 0;
    p->at_line = 1;
  }
  for (size_t i = p->at_off; i < off && i < p->len; i++) {
    if (p->s[i] == '\n') {
      p->at_line++;
      p->at_bol = i + 1;
    }
  }
  p->at_off = off;
  struct err_pos pos = {p->file, p->at_line, (int)(off - p->at_bol) + 1};
  return pos;
}

static int name_byte(int c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
         c == '[' || c == ']' || c >= 0x80;
}

/* Variables of the file being read first, then the lookup set. */
static const char *file_then_lookup(void *data, const char *name)
{
  const struct dparse *p = data;
  const struct env_var *v = find(p->out, name);
  if (v && v->value)
    return v->value;
  return env_get(p->lookup, name);
}

static void add_utf8(struct buf *b, unsigned cp)
{
  if (cp < 0x80) {
    buf_addch(b, (char)cp);
  } else {
    buf_addch(b, (char)(0xc0 | (cp >> 6)));
    buf_addch(b, (char)(0x80 | (cp & 0x3f)));
  }
}

/* Double-quoted escapes as compose reads them: \a \b \f \n \r \t \v \" \\,
 * \0ooo (octal), and \$ kept as `$$` so it stays a literal dollar; any
 * other backslash is kept as written. Returns 0, or 1 + the offset of a
 * \0000, which would make a NUL byte no value can hold. */
static size_t unescape(struct buf *b, const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    if (s[i] != '\\' || i + 1 >= len) {
      buf_addch(b, s[i]);
      continue;
    }
    char c = s[i + 1];
    const char *from = "abfnrtv\"\\", *to = "\a\b\f\n\r\t\v\"\\";
    const char *k = c ? strchr(from, c) : NULL;
    if (k) {
      buf_addch(b, to[k - from]);
      i++;
    } else if (c == '$') {
      buf_addstr(b, "$$");
      i++;
    } else if (c == '0' && i + 4 < len && s[i + 2] >= '0' && s[i + 2] <= '7' &&
               s[i + 3] >= '0' && s[i + 3] <= '7' && s[i + 4] >= '0' &&
               s[i + 4] <= '7') {
      unsigned v = (unsigned)(s[i + 2] - '0') * 64 +
                   (unsigned)(s[i + 3] - '0') * 8 + (unsigned)(s[i + 4] - '0');
      if (v > 0377) {
        buf_addch(b, s[i]);
        continue;
      }
      if (!v)
        return i + 1;
      add_utf8(b, v);
      i += 4;
    } else {
      buf_addch(b, s[i]);
    }
  }
  return 0;
}

/* Interpolate raw (from the out arena) into *val; text without a `$` is
 * its own value. */
static int expand(struct dparse *p, const char *key, char *raw, size_t off,
                  char **val)
{
  if (!strchr(raw, '$')) {
    *val = raw;
    return 0;
  }
  struct err_pos pos = pos_at(p, off);
  return interp_string_with(p->out->arena, raw, file_then_lookup, p,
                            p->out->budget, &pos, key, val, NULL, p->err);
}

/* One statement at s[*i]: a key and its value (or a key alone). */
static int statement(struct dparse *p, size_t *i)
{
  const char *s = p->s;
  size_t len = p->len, k = *i;
  if (len - k > 6 && !memcmp(s + k, "export", 6) && blank(s[k + 6])) {
    k += 6;
    while (k < len && blank(s[k]))
      k++;
  }
  size_t kstart = k, j = k;
  for (; j < len; j++) {
    unsigned char c = (unsigned char)s[j];
    if (blank(c) || name_byte(c))
      continue;
    if (c == '=' || c == ':' || c == '\n')
      break;
    struct err_pos pos = pos_at(p, j);
    if (c >= 0x20 && c < 0x7f)
      return err_at(p->err, ERR_SCHEMA, &pos,
                    "unexpected character '%c' in variable name (names are "
                    "letters, digits and _ . - [ ])",
                    c);
    return err_at(p->err, ERR_SCHEMA, &pos,
                  "unexpected character '\\x%02x' in variable name (names "
                  "are letters, digits and _ . - [ ])",
                  c);
  }
  size_t kend = j;
  while (kend > kstart && blank(s[kend - 1]))
    kend--;
  struct err_pos kpos = pos_at(p, kstart);
  if (kend == kstart)
    return err_at(p->err, ERR_SCHEMA, &kpos, "missing variable name");
  for (size_t x = kstart; x < kend; x++)
    if (blank(s[x]))
      return err_at(p->err, ERR_SCHEMA, &kpos,
                    "variable name cannot contain a space");
  char *key = arena_strndup(p->out->arena, s + kstart, kend - kstart);
  if (j >= len || s[j] == '\n') {
    /* a name alone: its value comes from the lookup set, if any */
    env_set(p->out, key, env_get(p->lookup, key));
    *i = j;
    return 0;
  }
  size_t v = j + 1;
  while (v < len && blank(s[v]))
    v++;
  char *val;
  if (v < len && (s[v] == '"' || s[v] == '\'')) {
    char q = s[v];
    size_t e = v + 1;
    while (e < len && !(s[e] == q && s[e - 1] != '\\'))
      e++;
    if (e >= len) {
      struct err_pos pos = pos_at(p, v);
      return err_at(p->err, ERR_SCHEMA, &pos,
                    "unterminated quoted value for '%s' (no closing %c)", key,
                    q);
    }
    if (q == '\'') {
      val = arena_strndup(p->out->arena, s + v + 1, e - v - 1);
    } else {
      struct buf raw = BUF_INIT;
      size_t nul = unescape(&raw, s + v + 1, e - v - 1);
      if (nul) {
        struct err_pos pos = pos_at(p, v + nul);
        buf_release(&raw);
        return err_at(p->err, ERR_SCHEMA, &pos,
                      "'\\0000' in the value of '%s' makes a NUL byte, "
                      "which a variable cannot hold",
                      key);
      }
      char *text =
          arena_strndup(p->out->arena, raw.data ? raw.data : "", raw.len);
      buf_release(&raw);
      int rc = expand(p, key, text, v, &val);
      if (rc)
        return rc;
    }
    *i = e + 1;
  } else {
    size_t e = v;
    while (e < len && s[e] != '\n')
      e++;
    *i = e;
    /* an inline comment needs a space before its # */
    for (size_t x = v; x + 1 < e; x++) {
      if (s[x] == ' ' && s[x + 1] == '#') {
        e = x;
        break;
      }
    }
    while (e > v && space(s[e - 1]))
      e--;
    char *raw = arena_strndup(p->out->arena, s + v, e - v);
    int rc = expand(p, key, raw, v, &val);
    if (rc)
      return rc;
  }
  size_t bad = utf8_invalid_at(val, strlen(val));
  if (bad < strlen(val)) {
    /* the byte where it is written, when it is written as it is */
    size_t at = utf8_invalid_at(s + v, *i - v);
    struct err_pos pos = pos_at(p, at < *i - v ? v + at : v);
    return err_at(p->err, ERR_SCHEMA, &pos,
                  "the value of '%s' is not UTF-8 text (byte \\x%02x)", key,
                  (unsigned char)val[bad]);
  }
  env_set_shared(p->out, key, val);
  return 0;
}

int dotenv_parse(struct env *out, const char *file, const char *text,
                 size_t len, const struct env *lookup, struct err *err)
{
  struct dparse p = {out, lookup, NULL, NULL, 0, err, 0, 0, 1};
  p.file = arena_strdup(out->arena, file ? file : ".env");
  if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
    text += 3;
    len -= 3;
  }
  char *s = arena_alloc(out->arena, len + 1);
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
      continue;
    s[n++] = text[i];
  }
  p.s = s;
  p.len = n;
  const char *nul = memchr(s, '\0', n);
  if (nul) {
    struct err_pos pos = pos_at(&p, (size_t)(nul - s));
    return err_at(err, ERR_SCHEMA, &pos,
                  "a NUL byte in the file (env files are text)");
  }
  size_t i = 0;
  for (;;) {
    while (i < n && space((unsigned char)s[i]))
      i++;
    if (i >= n)
      break;
    if (s[i] == '#') {
      while (i < n && s[i] != '\n')
        i++;
      continue;
    }
    int rc = statement(&p, &i);
    if (rc)
      return rc;
  }
  return 0;
}

int dotenv_parse_file(struct env *out, const char *path,
                      const struct env *lookup, struct err *err)
{
  struct stat st;
  if (stat(path, &st) != 0) {
    if (errno == ENOENT)
      return err_set(err, ERR_IO, "env file '%s' not found", path);
  } else if (S_ISDIR(st.st_mode)) {
    return err_set(err, ERR_IO, "env file '%s' is a directory", path);
  }
  /* past the budget, no more reading */
  if (load_budget_read(out->budget, 0, path, err))
    return ERR_LIMIT;
  struct buf b = BUF_INIT_CAP(MAX_ENV_FILE);
  int rc = buf_read_file(&b, path);
  if (rc == ERR_LIMIT) {
    buf_release(&b);
    return err_set(err, ERR_LIMIT, "env file '%s' is larger than %zu bytes",
                   path, MAX_ENV_FILE);
  }
  if (rc) {
    int e = errno;
    buf_release(&b);
    if (e == ENOENT)
      return err_set(err, ERR_IO, "env file '%s' not found", path);
    return err_set(err, ERR_IO, "cannot read env file '%s': %s", path,
                   strerror(e));
  }
  rc = load_budget_read(out->budget, b.len, path, err);
  if (!rc)
    rc = dotenv_parse(out, path, b.data, b.len, lookup, err);
  buf_release(&b);
  return rc;
}

int load_budget_read(struct load_budget *b, size_t n, const char *file,
                     struct err *err)
{
  if (!b)
    return 0;
  if (b->read > LOAD_FILES_MAX)
    return ERR_LIMIT; /* told already */
  b->read += n;
  if (b->read <= LOAD_FILES_MAX)
    return 0;
  return err_set(err, ERR_LIMIT,
                 "%s: the files of the project hold more than %zu bytes in "
                 "all (is one included or named too often?)",
                 file, LOAD_FILES_MAX);
}
