/* schema: a validator for the draft-07 subset our compose schema uses,
 * walking a ynode tree beside a cJSON schema and collecting one readable
 * message per problem, positioned at the offending node. */
#include "compose/schema.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compose/problems.h"
#include "util/buf.h"
#include "util/similar.h"
#include "util/xalloc.h"

/* schemas/compose-spec.json parsed at build time into static cJSON nodes
 * (schema-data.c, made by schema-gen), the root first. */
extern const cJSON schema_compose_nodes[];

/* Nesting of schema keywords walked for one node path (refs included):
 * far above what the compose schema needs, low enough to stop a schema
 * that refers to itself without descending into the document. */
#define MAX_DEPTH 400
/* Problems told at most; a hostile file gets the first ones. */
#define MAX_REPORTED 100

struct pattern {
  const char *src; /* the cJSON string it came from (compared by address) */
  size_t prefix;   /* src is "^" and this many plain characters: a prefix
                      test, no regex (the schema's many "^x-") */
  regex_t re;      /* otherwise */
};

/* Patterns are compiled when first used, so a schema loaded for one small
 * file compiles only what that file needs; hence the cache is written
 * through a const struct schema. */
struct schema {
  const cJSON *root;
  int is_static; /* the built-in tree: nothing to free */
  struct pattern *pats;
  size_t npats, apats;
};

/* ---- loading ---- */

static const cJSON *resolve_ref(const cJSON *root, const char *ref)
{
  if (ref[0] != '#')
    return NULL;
  const cJSON *cur = root;
  const char *p = ref + 1;
  while (*p == '/') {
    p++;
    char tok[256];
    size_t n = 0;
    while (*p && *p != '/') {
      char ch = *p++;
      if (ch == '~' && (*p == '0' || *p == '1'))
        ch = *p++ == '0' ? '~' : '/';
      if (n + 1 >= sizeof(tok))
        return NULL;
      tok[n++] = ch;
    }
    tok[n] = '\0';
    if (!cJSON_IsObject(cur))
      return NULL;
    cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
    if (!cur)
      return NULL;
  }
  return *p ? NULL : cur;
}

/* "^" then characters that stand for themselves in an ERE: the length
 * of that literal prefix, else 0. */
static size_t literal_prefix(const char *src)
{
  if (src[0] != '^' || !src[1])
    return 0;
  size_t n = strcspn(src + 1, ".[]()*+?{}|^$\\");
  return src[1 + n] ? 0 : n;
}

static int add_pattern(struct schema *s, const char *src, struct err *err)
{
  for (size_t i = 0; i < s->npats; i++)
    if (s->pats[i].src == src)
      return 0;
  if (s->npats == s->apats) {
    s->apats = s->apats ? 2 * s->apats : 16;
    s->pats = xrealloc(s->pats, s->apats * sizeof(*s->pats));
  }
  struct pattern *p = &s->pats[s->npats];
  p->prefix = literal_prefix(src);
  if (p->prefix) {
    p->src = src;
    s->npats++;
    return 0;
  }
  int rc = regcomp(&p->re, src, REG_EXTENDED | REG_NOSUB);
  if (rc) {
    char msg[128];
    regerror(rc, &p->re, msg, sizeof(msg));
    return err_set(err, ERR_SCHEMA, "schema: bad pattern '%s': %s", src, msg);
  }
  p->src = src;
  s->npats++;
  return 0;
}

/* Check a schema object: compile its patterns and make sure each $ref
 * resolves, recursing through the keywords that hold schemas. */
static int prepare(struct schema *s, const cJSON *sch, int depth,
                   struct err *err)
{
  if (depth > MAX_DEPTH)
    return err_set(err, ERR_SCHEMA, "schema: nested too deeply");
  if (cJSON_IsBool(sch))
    return 0;
  if (!cJSON_IsObject(sch))
    return err_set(err, ERR_SCHEMA, "schema: '%s' is not a schema",
                   sch->string ? sch->string : "(item)");
  const cJSON *k;
  int rc = 0;
  cJSON_ArrayForEach(k, sch)
  {
    const char *name = k->string;
    if (!strcmp(name, "$ref")) {
      if (!cJSON_IsString(k) || !resolve_ref(s->root, k->valuestring))
        return err_set(err, ERR_SCHEMA, "schema: cannot resolve $ref '%s'",
                       cJSON_IsString(k) ? k->valuestring : "?");
    } else if (!strcmp(name, "pattern")) {
      if (cJSON_IsString(k))
        rc = add_pattern(s, k->valuestring, err);
    } else if (!strcmp(name, "properties") || !strcmp(name, "definitions") ||
               !strcmp(name, "patternProperties")) {
      const cJSON *p;
      int pat = name[0] == 'p' && name[1] == 'a';
      cJSON_ArrayForEach(p, k)
      {
        if (pat)
          rc = add_pattern(s, p->string, err);
        if (!rc)
          rc = prepare(s, p, depth + 1, err);
        if (rc)
          return rc;
      }
    } else if (!strcmp(name, "additionalProperties") ||
               !strcmp(name, "items") || !strcmp(name, "not")) {
      if (cJSON_IsObject(k) || cJSON_IsBool(k))
        rc = prepare(s, k, depth + 1, err);
    } else if (!strcmp(name, "anyOf") || !strcmp(name, "oneOf") ||
               !strcmp(name, "allOf")) {
      const cJSON *b;
      if (!cJSON_IsArray(k))
        return err_set(err, ERR_SCHEMA, "schema: '%s' must be a list", name);
      cJSON_ArrayForEach(b, k)
      {
        rc = prepare(s, b, depth + 1, err);
        if (rc)
          return rc;
      }
    }
    if (rc)
      return rc;
  }
  return 0;
}

struct schema *schema_parse(const char *json, struct err *err)
{
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithOpts(json, &end, 1);
  if (!root) {
    size_t off = end ? (size_t)(end - json) : 0;
    err_set(err, ERR_SCHEMA, "schema: invalid JSON near offset %zu", off);
    return NULL;
  }
  struct schema *s = xcalloc(1, sizeof(*s));
  s->root = root;
  if (prepare(s, root, 0, err)) {
    schema_free(s);
    return NULL;
  }
  return s;
}

void schema_free(struct schema *s)
{
  if (!s)
    return;
  for (size_t i = 0; i < s->npats; i++)
    if (!s->pats[i].prefix)
      regfree(&s->pats[i].re);
  free(s->pats);
  if (!s->is_static)
    cJSON_Delete((cJSON *)s->root);
  free(s);
}

/* The built-in tree was parsed at build time; that its $refs resolve and
 * its patterns compile is checked by the schema unit test, which parses
 * the file with schema_parse and compares the trees. */
const struct schema *schema_compose(void)
{
  static struct schema compose = {.root = schema_compose_nodes, .is_static = 1};
  return &compose;
}

/* The compiled pattern src (a string of the schema, by address), compiled
 * now if this is its first use; NULL if it does not compile. */
static const struct pattern *find_pattern(const struct schema *cs,
                                          const char *src)
{
  struct schema *s = (struct schema *)cs;
  for (size_t i = 0; i < s->npats; i++)
    if (s->pats[i].src == src)
      return &s->pats[i];
  struct err e = ERR_INIT;
  int rc = add_pattern(s, src, &e);
  err_release(&e);
  return rc ? NULL : &s->pats[s->npats - 1];
}

static int pattern_match(const struct pattern *p, const char *str)
{
  if (p->prefix)
    return !strncmp(str, p->src + 1, p->prefix);
  return !regexec(&p->re, str, 0, NULL, 0);
}

/* ---- node typing ---- */

/* The JSON type names a node matches. Plain scalars are typed by the
 * YAML 1.2 core schema; a YAML 1.1-only boolean word (yes, no, on, off,
 * y, n) is a string that a boolean field also takes, as compose's loader
 * casts it. A quoted or interpolated scalar is a string, and also a
 * boolean or number when its text is one: compose casts interpolated text
 * to the field's type, so `replicas: "3"` is accepted as compose accepts
 * it. */
enum jt {
  JT_NULL = 1 << 0,
  JT_BOOL = 1 << 1,
  JT_INT = 1 << 2,
  JT_NUM = 1 << 3, /* any number, integers included */
  JT_STR = 1 << 4,
  JT_OBJ = 1 << 5,
  JT_ARR = 1 << 6
};

static enum yscalar_type plain_type(const struct ynode *n)
{
  struct ynode t = *n;
  t.flags &= ~(unsigned)YNODE_QUOTED;
  return ydoc_scalar_type(&t);
}

static int is_bool_word(const char *s)
{
  static const char *const w[] = {"y",  "Y",   "yes", "Yes", "YES", "on",
                                  "On", "ON",  "n",   "N",   "no",  "No",
                                  "NO", "off", "Off", "OFF"};
  for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
    if (!strcmp(s, w[i]))
      return 1;
  return 0;
}

static unsigned node_types(const struct ynode *n)
{
  if (!n || n->kind == YNODE_NULL)
    return JT_NULL;
  if (n->kind == YNODE_MAP)
    return JT_OBJ;
  if (n->kind == YNODE_SEQ)
    return JT_ARR;
  enum yscalar_type t = plain_type(n);
  if (t == YSCALAR_STRING && is_bool_word(n->str))
    return JT_STR | JT_BOOL;
  if (n->flags & YNODE_QUOTED) {
    unsigned m = JT_STR;
    if (t == YSCALAR_BOOL)
      m |= JT_BOOL;
    else if (t == YSCALAR_INT)
      m |= JT_INT | JT_NUM;
    else if (t == YSCALAR_FLOAT)
      m |= JT_NUM;
    return m;
  }
  switch (t) {
  case YSCALAR_NULL:
    return JT_NULL;
  case YSCALAR_BOOL:
    return JT_BOOL;
  case YSCALAR_INT:
    return JT_INT | JT_NUM;
  case YSCALAR_FLOAT:
    return JT_NUM;
  case YSCALAR_STRING:
    break;
  }
  return JT_STR;
}

static unsigned type_bit(const char *name)
{
  static const struct {
    const char *name;
    unsigned bit;
  } tab[] = {{"null", JT_NULL},  {"boolean", JT_BOOL}, {"integer", JT_INT},
             {"number", JT_NUM}, {"string", JT_STR},   {"object", JT_OBJ},
             {"array", JT_ARR}};
  for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
    if (!strcmp(tab[i].name, name))
      return tab[i].bit;
  return 0;
}

/* The types a "type" keyword allows, as bits; ~0u when it is absent. */
static unsigned schema_types(const cJSON *sch)
{
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(sch, "type");
  if (!t)
    return ~0u;
  if (cJSON_IsString(t))
    return type_bit(t->valuestring);
  unsigned m = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, t)
  {
    if (cJSON_IsString(e))
      m |= type_bit(e->valuestring);
  }
  return m;
}

/* Numeric value of a scalar read as YAML reads numbers. */
static int node_number(const struct ynode *n, double *out)
{
  if (!(node_types(n) & JT_NUM))
    return -1;
  char tmp[512];
  size_t j = 0;
  for (size_t i = 0; n->str[i] && j + 1 < sizeof(tmp); i++)
    if (n->str[i] != '_')
      tmp[j++] = n->str[i];
  tmp[j] = '\0';
  const char *p = tmp;
  int neg = 0;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  int base = 0;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    base = 16, p += 2;
  else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
    base = 8, p += 2;
  else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
    base = 2, p += 2;
  else if (p[0] == '0' && p[1] >= '0' && p[1] <= '7' &&
           strspn(p, "01234567") == strlen(p))
    base = 8, p += 1;
  double v;
  if (base) {
    errno = 0;
    unsigned long long u = strtoull(p, NULL, base);
    v = (double)u;
  } else if (!strcasecmp(p, ".inf")) {
    v = INFINITY;
  } else if (!strcasecmp(p, ".nan")) {
    v = NAN;
  } else {
    v = strtod(p, NULL);
  }
  *out = neg ? -v : v;
  return 0;
}

/* Is the node used as a string here (string keywords apply to it)? */
static int is_stringish(const struct ynode *n)
{
  return n && n->kind == YNODE_SCALAR && (node_types(n) & JT_STR);
}

/* ---- errors and paths ---- */

struct verr {
  struct err_pos pos;
  size_t seq; /* order found, to keep sorting stable */
  char *msg;
  size_t plen; /* msg starts with the node's path, this long */
};

struct vctx {
  const struct schema *s;
  struct verr *errs;
  size_t n, alloc;
  struct buf path; /* "services.web.ports[1]" */
  int depth;
  size_t seq;
};

static void report(struct vctx *c, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report(struct vctx *c, const struct ynode *at, const char *fmt, ...)
{
  if (c->n == c->alloc) {
    c->alloc = c->alloc ? 2 * c->alloc : 16;
    c->errs = xrealloc(c->errs, c->alloc * sizeof(*c->errs));
  }
  struct buf b = BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  buf_vaddf(&b, fmt, ap);
  va_end(ap);
  struct verr *e = &c->errs[c->n++];
  memset(&e->pos, 0, sizeof(e->pos));
  if (at)
    e->pos = at->pos;
  e->seq = c->seq++;
  e->msg = buf_detach(&b);
  e->plen = c->path.len && !strncmp(e->msg, c->path.data, c->path.len)
                ? c->path.len
                : 0;
}

static void truncate_errs(struct vctx *c, size_t n)
{
  while (c->n > n)
    free(c->errs[--c->n].msg);
}

/* "services.web: " or "" at the top. */
static const char *pfx(struct vctx *c, char *tmp, size_t size)
{
  if (!c->path.len)
    return "";
  snprintf(tmp, size, "%s: ", c->path.data);
  return tmp;
}

static size_t path_push_key(struct vctx *c, const char *key)
{
  size_t old = c->path.len;
  if (old)
    buf_addch(&c->path, '.');
  buf_addstr(&c->path, key);
  return old;
}

static size_t path_push_index(struct vctx *c, size_t i)
{
  size_t old = c->path.len;
  buf_addf(&c->path, "[%zu]", i);
  return old;
}

static void path_pop(struct vctx *c, size_t old)
{
  c->path.len = old;
  if (c->path.data)
    c->path.data[old] = '\0';
}

/* Show a scalar's text in a message, shortened. */
static const char *shown(const struct ynode *n, char *tmp, size_t size)
{
  if (!n || n->kind != YNODE_SCALAR)
    return ydoc_kind_name(n);
  size_t len = strlen(n->str);
  if (len < size)
    return n->str;
  snprintf(tmp, size, "%.*s...", (int)(size - 4), n->str);
  return tmp;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "a boolean, null, number or string": the people's names of a set of
 * types, sorted, with an article. */
static void type_words(struct buf *b, unsigned m)
{
  const char *w[8];
  size_t n = 0;
  if (m & JT_NULL)
    w[n++] = "null";
  if (m & JT_BOOL)
    w[n++] = "boolean";
  if ((m & JT_INT) && !(m & JT_NUM))
    w[n++] = "integer";
  if (m & JT_NUM)
    w[n++] = "number";
  if (m & JT_STR)
    w[n++] = "string";
  if (m & JT_OBJ)
    w[n++] = "mapping";
  if (m & JT_ARR)
    w[n++] = "list";
  qsort(w, n, sizeof(w[0]), cmp_str);
  for (size_t i = 0; i < n; i++) {
    if (i == 0 && strcmp(w[0], "null"))
      buf_addstr(b, strchr("aeiou", w[0][0]) ? "an " : "a ");
    else if (i > 0)
      buf_addstr(b, i + 1 == n ? " or " : ", ");
    buf_addstr(b, w[i]);
  }
}

static void report_type(struct vctx *c, const struct ynode *n, unsigned want)
{
  struct buf b = BUF_INIT;
  type_words(&b, want);
  if (c->path.len)
    report(c, n, "%s must be %s", c->path.data, b.data ? b.data : "nothing");
  else
    report(c, n, "the compose file must be %s", b.data ? b.data : "nothing");
  buf_release(&b);
}

static const char *suggest(const cJSON *props, const char *key)
{
  const char *best = NULL;
  size_t bestd = SIZE_MAX;
  const cJSON *p;
  cJSON_ArrayForEach(p, props)
  {
    size_t d = similar_distance(key, p->string);
    if (d < bestd && similar_near(key, p->string)) {
      best = p->string;
      bestd = d;
    }
  }
  return best;
}

/* ---- validation ---- */

static size_t validate(struct vctx *c, const cJSON *sch, const struct ynode *n);

static int scalar_equals(const cJSON *v, const struct ynode *n)
{
  unsigned t = node_types(n);
  if (cJSON_IsNull(v))
    return (t & JT_NULL) != 0;
  if (!n || n->kind != YNODE_SCALAR)
    return 0;
  if (cJSON_IsString(v))
    return (t & JT_STR) && !strcmp(v->valuestring, n->str);
  if (cJSON_IsBool(v)) {
    struct ynode tmp = *n;
    tmp.flags &= ~(unsigned)YNODE_QUOTED;
    return (t & JT_BOOL) && ydoc_bool(&tmp) == cJSON_IsTrue(v);
  }
  double d;
  if (cJSON_IsNumber(v) && !node_number(n, &d))
    return d == v->valuedouble;
  return 0;
}

static void value_words(struct buf *b, const cJSON *v)
{
  if (cJSON_IsString(v))
    buf_addstr(b, v->valuestring);
  else if (cJSON_IsNumber(v))
    buf_addf(b, "%g", v->valuedouble);
  else if (cJSON_IsBool(v))
    buf_addstr(b, cJSON_IsTrue(v) ? "true" : "false");
  else if (cJSON_IsNull(v))
    buf_addstr(b, "null");
  else
    buf_addstr(b, "(a structure)");
}

static void check_enum(struct vctx *c, const cJSON *en, const struct ynode *n)
{
  const cJSON *v;
  cJSON_ArrayForEach(v, en)
  {
    if (scalar_equals(v, n))
      return;
  }
  struct buf b = BUF_INIT;
  cJSON_ArrayForEach(v, en)
  {
    if (b.len)
      buf_addstr(&b, ", ");
    value_words(&b, v);
  }
  char tmp[512], sv[80];
  report(c, n, "%s'%s' is not one of %s", pfx(c, tmp, sizeof(tmp)),
         shown(n, sv, sizeof(sv)), b.data ? b.data : "nothing");
  buf_release(&b);
}

/* Go's time.ParseDuration syntax: [-+]? then (number unit)+, or "0". */
static int is_duration(const char *s)
{
  static const char *const units[] = {"ns", "us", "\xc2\xb5s", "\xce\xbcs",
                                      "ms", "s",  "m",         "h"};
  if (*s == '+' || *s == '-')
    s++;
  if (!strcmp(s, "0"))
    return 1;
  if (!*s)
    return 0;
  while (*s) {
    size_t ip = strspn(s, "0123456789");
    s += ip;
    size_t fp = 0;
    if (*s == '.') {
      s++;
      fp = strspn(s, "0123456789");
      s += fp;
    }
    if (!ip && !fp)
      return 0;
    size_t best = 0;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
      size_t l = strlen(units[i]);
      if (!strncmp(s, units[i], l) && l > best)
        best = l;
    }
    if (!best)
      return 0;
    s += best;
  }
  return 1;
}

static void check_scalar(struct vctx *c, const cJSON *sch,
                         const struct ynode *n)
{
  char tmp[512], sv[80];
  const cJSON *k;
  double d;
  if (!node_number(n, &d)) {
    k = cJSON_GetObjectItemCaseSensitive(sch, "minimum");
    if (cJSON_IsNumber(k) && d < k->valuedouble)
      report(c, n, "%s%s is less than the minimum %g", pfx(c, tmp, sizeof(tmp)),
             shown(n, sv, sizeof(sv)), k->valuedouble);
    k = cJSON_GetObjectItemCaseSensitive(sch, "maximum");
    if (cJSON_IsNumber(k) && d > k->valuedouble)
      report(c, n, "%s%s is more than the maximum %g", pfx(c, tmp, sizeof(tmp)),
             shown(n, sv, sizeof(sv)), k->valuedouble);
  }
  if (!is_stringish(n))
    return;
  size_t chars = 0;
  for (const char *p = n->str; *p; p++)
    chars += ((unsigned char)*p & 0xc0) != 0x80;
  k = cJSON_GetObjectItemCaseSensitive(sch, "minLength");
  if (cJSON_IsNumber(k) && chars < (size_t)k->valuedouble) {
    if (k->valuedouble <= 1)
      report(c, n, "%smust not be empty", pfx(c, tmp, sizeof(tmp)));
    else
      report(c, n, "%s'%s' is shorter than %g characters",
             pfx(c, tmp, sizeof(tmp)), shown(n, sv, sizeof(sv)),
             k->valuedouble);
  }
  k = cJSON_GetObjectItemCaseSensitive(sch, "maxLength");
  if (cJSON_IsNumber(k) && chars > (size_t)k->valuedouble)
    report(c, n, "%s'%s' is longer than %g characters",
           pfx(c, tmp, sizeof(tmp)), shown(n, sv, sizeof(sv)), k->valuedouble);
  k = cJSON_GetObjectItemCaseSensitive(sch, "pattern");
  if (cJSON_IsString(k)) {
    const struct pattern *re = find_pattern(c->s, k->valuestring);
    if (re && !pattern_match(re, n->str))
      report(c, n, "%s'%s' does not match the pattern '%s'",
             pfx(c, tmp, sizeof(tmp)), shown(n, sv, sizeof(sv)),
             k->valuestring);
  }
  k = cJSON_GetObjectItemCaseSensitive(sch, "format");
  if (cJSON_IsString(k) && !strcmp(k->valuestring, "duration") &&
      !is_duration(n->str))
    report(c, n,
           "%s'%s' is not a duration (write it like 1m30s, 10s or "
           "500ms)",
           pfx(c, tmp, sizeof(tmp)), shown(n, sv, sizeof(sv)));
}

static void check_object(struct vctx *c, const cJSON *sch,
                         const struct ynode *n)
{
  const cJSON *props = cJSON_GetObjectItemCaseSensitive(sch, "properties");
  const cJSON *pprops =
      cJSON_GetObjectItemCaseSensitive(sch, "patternProperties");
  const cJSON *addl =
      cJSON_GetObjectItemCaseSensitive(sch, "additionalProperties");
  char tmp[512], sv[80];
  if (props || pprops || addl) {
    for (size_t i = 0; i < n->n; i++) {
      const struct ynode *key = n->keys[i], *val = n->items[i];
      const char *name = key->str ? key->str : "";
      size_t old = path_push_key(c, name);
      int matched = 0;
      const cJSON *p =
          props ? cJSON_GetObjectItemCaseSensitive(props, name) : NULL;
      if (p) {
        validate(c, p, val);
        matched = 1;
      }
      cJSON_ArrayForEach(p, pprops)
      {
        const struct pattern *re = find_pattern(c->s, p->string);
        if (re && pattern_match(re, name)) {
          validate(c, p, val);
          matched = 1;
        }
      }
      path_pop(c, old);
      if (matched)
        continue;
      if (cJSON_IsFalse(addl)) {
        const char *hint = props ? suggest(props, name) : NULL;
        char mean[200] = "";
        if (hint)
          snprintf(mean, sizeof(mean), " (did you mean '%s'?)", hint);
        if (!c->path.len)
          report(c, key, "unknown top-level key '%s'%s",
                 shown(key, sv, sizeof(sv)), mean);
        else if (props && cJSON_GetArraySize(props) > 0)
          report(c, key, "%sunknown key '%s'%s", pfx(c, tmp, sizeof(tmp)),
                 shown(key, sv, sizeof(sv)), mean);
        else
          report(c, key, "%s'%s' is not a valid name", pfx(c, tmp, sizeof(tmp)),
                 shown(key, sv, sizeof(sv)));
      } else if (cJSON_IsObject(addl)) {
        old = path_push_key(c, name);
        validate(c, addl, val);
        path_pop(c, old);
      }
    }
  }
  const cJSON *req = cJSON_GetObjectItemCaseSensitive(sch, "required");
  const cJSON *r;
  cJSON_ArrayForEach(r, req)
  {
    if (cJSON_IsString(r) && ydoc_index(n, r->valuestring) < 0)
      report(c, n, "%smissing required key '%s'", pfx(c, tmp, sizeof(tmp)),
             r->valuestring);
  }
}

/* A canonical text for an item, for uniqueItems (type-aware: "80" and 80
 * differ, as JSON values do). */
static void canon(struct buf *b, const struct ynode *n)
{
  if (!n || n->kind == YNODE_NULL) {
    buf_addch(b, 'n');
    return;
  }
  if (n->kind == YNODE_SCALAR) {
    unsigned t = node_types(n);
    buf_addf(b, "%c%zu:", (t & JT_STR) ? 's' : 'v', strlen(n->str));
    buf_addstr(b, n->str);
    return;
  }
  buf_addf(b, "%c%zu{", n->kind == YNODE_MAP ? 'm' : 'l', n->n);
  for (size_t i = 0; i < n->n; i++) {
    if (n->kind == YNODE_MAP)
      canon(b, n->keys[i]);
    canon(b, n->items[i]);
  }
  buf_addch(b, '}');
}

struct citem {
  char *text;
  size_t index;
};

static int cmp_citem(const void *a, const void *b)
{
  const struct citem *x = a, *y = b;
  int r = strcmp(x->text, y->text);
  if (r)
    return r;
  return x->index < y->index ? -1 : x->index > y->index;
}

static void check_unique(struct vctx *c, const struct ynode *n)
{
  if (n->n < 2)
    return;
  struct citem *it = xcalloc(n->n, sizeof(*it));
  for (size_t i = 0; i < n->n; i++) {
    struct buf b = BUF_INIT;
    canon(&b, n->items[i]);
    it[i].text = buf_detach(&b);
    it[i].index = i;
  }
  qsort(it, n->n, sizeof(*it), cmp_citem);
  /* report each repeat at the later item, in document order */
  char *dup = xcalloc(n->n, 1);
  size_t *first = xcalloc(n->n, sizeof(*first));
  for (size_t i = 1; i < n->n; i++)
    if (!strcmp(it[i].text, it[i - 1].text)) {
      dup[it[i].index] = 1;
      first[it[i].index] =
          dup[it[i - 1].index] ? first[it[i - 1].index] : it[i - 1].index;
    }
  char sv[80];
  for (size_t i = 0; i < n->n; i++)
    if (dup[i]) {
      size_t old = path_push_index(c, i);
      report(c, n->items[i], "%s: '%s' is listed twice (also at [%zu])",
             c->path.data, shown(n->items[i], sv, sizeof(sv)), first[i]);
      path_pop(c, old);
    }
  for (size_t i = 0; i < n->n; i++)
    free(it[i].text);
  free(it);
  free(dup);
  free(first);
}

static void check_array(struct vctx *c, const cJSON *sch, const struct ynode *n)
{
  char tmp[512];
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(sch, "items");
  if (cJSON_IsObject(items) || cJSON_IsBool(items))
    for (size_t i = 0; i < n->n; i++) {
      size_t old = path_push_index(c, i);
      validate(c, items, n->items[i]);
      path_pop(c, old);
    }
  const cJSON *k = cJSON_GetObjectItemCaseSensitive(sch, "minItems");
  if (cJSON_IsNumber(k) && n->n < (size_t)k->valuedouble)
    report(c, n, "%sneeds at least %g item%s", pfx(c, tmp, sizeof(tmp)),
           k->valuedouble, k->valuedouble == 1 ? "" : "s");
  k = cJSON_GetObjectItemCaseSensitive(sch, "maxItems");
  if (cJSON_IsNumber(k) && n->n > (size_t)k->valuedouble)
    report(c, n, "%stakes at most %g item%s", pfx(c, tmp, sizeof(tmp)),
           k->valuedouble, k->valuedouble == 1 ? "" : "s");
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sch, "uniqueItems")))
    check_unique(c, n);
}

/* Follow $ref chains (draft-07: a $ref replaces its siblings). */
static const cJSON *deref(const struct schema *s, const cJSON *sch)
{
  for (int i = 0; i < 32 && cJSON_IsObject(sch); i++) {
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(sch, "$ref");
    if (!cJSON_IsString(r))
      return sch;
    sch = resolve_ref(s->root, r->valuestring);
  }
  return sch;
}

/* The kinds of node a schema can accept at all, looking through $ref and
 * nested anyOf/oneOf: used to pick the branch that speaks to a node. */
static unsigned admitted(const struct schema *s, const cJSON *sch, int depth)
{
  sch = deref(s, sch);
  if (!sch || cJSON_IsFalse(sch))
    return 0;
  if (!cJSON_IsObject(sch) || depth > 16)
    return ~0u;
  unsigned m = schema_types(sch);
  const char *alts[] = {"anyOf", "oneOf"};
  for (size_t a = 0; a < 2; a++) {
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(sch, alts[a]);
    if (!cJSON_IsArray(arr))
      continue;
    unsigned u = 0;
    const cJSON *b;
    cJSON_ArrayForEach(b, arr)
    {
      u |= admitted(s, b, depth + 1);
    }
    m &= u;
  }
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(sch, "allOf");
  const cJSON *b;
  cJSON_ArrayForEach(b, all)
  {
    m &= admitted(s, b, depth + 1);
  }
  return m;
}

static void check_alternatives(struct vctx *c, const cJSON *arr, int one,
                               const struct ynode *n)
{
  unsigned have = node_types(n);
  size_t matches = 0, best_errs = SIZE_MAX;
  const cJSON *best = NULL, *b;
  unsigned kinds = 0;
  cJSON_ArrayForEach(b, arr)
  {
    size_t before = c->n;
    size_t errs = validate(c, b, n);
    truncate_errs(c, before);
    if (!errs) {
      matches++;
      if (!one)
        return;
      continue;
    }
    unsigned adm = admitted(c->s, b, 0);
    kinds |= adm;
    if ((adm & have) && errs < best_errs) {
      best = b;
      best_errs = errs;
    }
  }
  char tmp[512];
  if (matches == 1)
    return;
  if (matches > 1) {
    report(c, n, "%smatches more than one of the allowed forms",
           pfx(c, tmp, sizeof(tmp)));
    return;
  }
  if (best)
    validate(c, best, n);
  else if (kinds && kinds != ~0u)
    report_type(c, n, kinds);
  else
    report(c, n, "%sis not any of the allowed forms", pfx(c, tmp, sizeof(tmp)));
}

/* Validate n against sch; returns the number of problems it added. */
static size_t validate(struct vctx *c, const cJSON *sch, const struct ynode *n)
{
  size_t before = c->n;
  char tmp[512];
  if (n && (n->flags & YNODE_RESET))
    return 0; /* !reset: removed by the merge, nothing to check */
  if (cJSON_IsFalse(sch)) {
    report(c, n, "%sis not allowed here", pfx(c, tmp, sizeof(tmp)));
    return 1;
  }
  if (!cJSON_IsObject(sch))
    return 0;
  if (c->depth >= MAX_DEPTH) {
    report(c, n, "%sthe schema nests too deeply here",
           pfx(c, tmp, sizeof(tmp)));
    return 1;
  }
  c->depth++;
  const cJSON *ref = cJSON_GetObjectItemCaseSensitive(sch, "$ref");
  if (cJSON_IsString(ref)) {
    const cJSON *target = resolve_ref(c->s->root, ref->valuestring);
    if (target)
      validate(c, target, n);
    c->depth--;
    return c->n - before;
  }
  unsigned want = schema_types(sch);
  if (!(node_types(n) & want)) {
    report_type(c, n, want);
    c->depth--;
    return c->n - before;
  }
  const cJSON *k = cJSON_GetObjectItemCaseSensitive(sch, "enum");
  if (cJSON_IsArray(k))
    check_enum(c, k, n);
  k = cJSON_GetObjectItemCaseSensitive(sch, "const");
  if (k && !scalar_equals(k, n)) {
    struct buf b = BUF_INIT;
    value_words(&b, k);
    report(c, n, "%smust be '%s'", pfx(c, tmp, sizeof(tmp)), b.data);
    buf_release(&b);
  }
  if (n && n->kind == YNODE_SCALAR)
    check_scalar(c, sch, n);
  else if (n && n->kind == YNODE_MAP)
    check_object(c, sch, n);
  else if (n && n->kind == YNODE_SEQ)
    check_array(c, sch, n);
  const cJSON *b, *all = cJSON_GetObjectItemCaseSensitive(sch, "allOf");
  cJSON_ArrayForEach(b, all)
  {
    validate(c, b, n);
  }
  k = cJSON_GetObjectItemCaseSensitive(sch, "anyOf");
  if (cJSON_IsArray(k))
    check_alternatives(c, k, 0, n);
  k = cJSON_GetObjectItemCaseSensitive(sch, "oneOf");
  if (cJSON_IsArray(k))
    check_alternatives(c, k, 1, n);
  k = cJSON_GetObjectItemCaseSensitive(sch, "not");
  if (k) {
    size_t mark = c->n;
    size_t errs = validate(c, k, n);
    truncate_errs(c, mark);
    if (!errs)
      report(c, n, "%sis not allowed to have this form",
             pfx(c, tmp, sizeof(tmp)));
  }
  c->depth--;
  return c->n - before;
}

int schema_validate(const struct schema *s, const struct ynode *root,
                    struct err *err)
{
  if (!s)
    return err_set(err, ERR_SCHEMA, "no schema to validate against");
  struct vctx c = {.s = s, .path = BUF_INIT};
  struct problems ps = PROBLEMS_INIT;
  validate(&c, s->root, root);
  /* one mistake copied by aliases or extends is told once, at its place */
  for (size_t i = 0; i < c.n; i++) {
    struct verr *e = &c.errs[i];
    char *path = e->plen ? xstrndup(e->msg, e->plen) : NULL;
    problems_add(&ps, &e->pos, NULL, path, e->msg + e->plen);
    free(path);
  }
  int rc = problems_flush(&ps, ERR_SCHEMA, 1, MAX_REPORTED, err);
  truncate_errs(&c, 0);
  free(c.errs);
  buf_release(&c.path);
  return rc;
}
