/* ydoc: libyaml events to ynode trees with positions, with aliases expanded
 * under a budget, merge keys applied and duplicate keys refused, plus the
 * small helpers later stages use to read, type and rewrite the trees. */
#include "compose/ydoc.h"
#include "compose/sindex.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#define DEFAULT_MAX_BYTES ((size_t)16 << 20)
#define DEFAULT_MAX_DEPTH 200
#define DEFAULT_MAX_ALIAS 1000000
#define DEFAULT_MAX_ALIAS_BYTES ((size_t)64 << 20)
#define ALIAS_RATIO 100
#define MAX_DUP_REPORTS 20
/* Maps with fewer keys are searched in order; larger ones keep a table. */
#define INDEX_MIN 16

/* The key table of a large map: valid while the map still has the keys
 * array and the count it was built for (ydoc's builders keep it so; an
 * edit by hand makes the next lookup rebuild it). */
struct yindex {
  const struct ynode *owner;
  struct ynode **keys;
  size_t n;
  struct sindex ix;
};

static void index_fill(struct yindex *y, const struct ynode *map)
{
  sindex_clear(&y->ix);
  for (size_t i = 0; i < map->n; i++)
    sindex_add(&y->ix, map->keys[i]->str, map->keys[i]->len, i);
  y->keys = map->keys;
  y->n = map->n;
}

static const char *map_key(const void *owner, size_t pos, size_t *len)
{
  const struct ynode *k = ((const struct ynode *)owner)->keys[pos];
  *len = k->len;
  return k->str;
}

/* Give map a table from arena a, filled by its first lookup (many large
 * maps, environment or labels, are only ever walked). */
static struct yindex *index_new(struct arena *a, struct ynode *map)
{
  struct yindex *y = arena_alloc(a, sizeof(*y));
  y->owner = map;
  sindex_init(&y->ix, a, map_key, map);
  map->index = y;
  return y;
}

/* The table of map, valid, or NULL for a small map (or one built by hand
 * that never had one: no arena is known to build it in). */
static struct yindex *index_of(const struct ynode *map)
{
  struct ynode *m = (struct ynode *)map; /* the table is a cache */
  struct yindex *y = m->index;
  if (m->n < INDEX_MIN || !y)
    return NULL;
  if (y->owner != m)
    return index_new(y->ix.a, m); /* a copy of a map that had one */
  if (y->keys != m->keys || y->n != m->n)
    index_fill(y, m);
  return y;
}

/* A string-keyed open-addressing table (keys may hold NUL bytes). */
struct hent {
  const char *key;
  size_t klen;
  void *val;
};

struct htab {
  struct hent *v;
  size_t n, cap;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h;
}

static void htab_grow(struct htab *h);

/* The entry for key; with insert, a new one (key set, val NULL) when
 * absent. Without insert, NULL when absent. */
static struct hent *htab_slot(struct htab *h, const char *key, size_t klen,
                              int insert, int *fresh)
{
  if (fresh)
    *fresh = 0;
  if (insert && (h->n + 1) * 2 > h->cap)
    htab_grow(h);
  if (!h->cap)
    return NULL;
  size_t mask = h->cap - 1;
  size_t i = (size_t)hash_bytes(key, klen) & mask;
  for (;;) {
    struct hent *e = &h->v[i];
    if (!e->key) {
      if (!insert)
        return NULL;
      e->key = key;
      e->klen = klen;
      e->val = NULL;
      h->n++;
      if (fresh)
        *fresh = 1;
      return e;
    }
    if (e->klen == klen && !memcmp(e->key, key, klen))
      return e;
    i = (i + 1) & mask;
  }
}

static void htab_grow(struct htab *h)
{
  struct htab old = *h;
  h->cap = old.cap ? old.cap * 2 : 16;
  h->v = xcalloc(h->cap, sizeof(*h->v));
  h->n = 0;
  for (size_t i = 0; i < old.cap; i++) {
    if (old.v[i].key) {
      struct hent *e = htab_slot(h, old.v[i].key, old.v[i].klen, 1, NULL);
      e->val = old.v[i].val;
    }
  }
  free(old.v);
}

static void htab_release(struct htab *h)
{
  free(h->v);
  h->v = NULL;
  h->n = h->cap = 0;
}

/* An anchor whose node is still being built: an alias to it is a cycle. */
static char in_progress;

struct frame {
  struct ynode *node;
  struct ynode **kv; /* MAP: key, value, key, value... while building
                        (malloc'ed scratch, freed when the map closes) */
  size_t nkv, akv;
  const char *anchor;
};

struct parser {
  struct arena *a;
  const char *file;
  const char *text;
  size_t len;
  struct err *err;
  struct frame *stack;
  size_t depth, alloc;
  struct htab anchors;
  size_t written, expanded, expanded_bytes;
  size_t max_depth, max_alias, max_alias_bytes;
  struct ynode *root;
  int have_root;
};

static struct err_pos mark_pos(const struct parser *p, const yaml_mark_t *m)
{
  struct err_pos pos = {p->file, (int)m->line + 1, (int)m->column + 1};
  return pos;
}

static struct ynode *node_new(struct arena *a, enum ynode_kind kind,
                              const struct err_pos *pos)
{
  struct ynode *n = arena_alloc(a, sizeof(*n));
  n->kind = kind;
  if (pos)
    n->pos = *pos;
  return n;
}

static void apply_tag(struct parser *p, struct ynode *n, const char *tag)
{
  if (!tag)
    return;
  if (!strcmp(tag, "!reset"))
    n->flags |= YNODE_RESET;
  else if (!strcmp(tag, "!override"))
    n->flags |= YNODE_OVERRIDE;
  else
    n->tag = arena_strdup(p->a, tag);
}

static int is_null_text(const char *s, size_t len)
{
  return len == 0 || (len == 1 && s[0] == '~') ||
         (len == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) ||
                       !memcmp(s, "NULL", 4)));
}

static struct ynode *scalar_from_event(struct parser *p, yaml_event_t *ev)
{
  struct err_pos pos = mark_pos(p, &ev->start_mark);
  const char *s = (const char *)ev->data.scalar.value;
  size_t len = ev->data.scalar.length;
  const char *tag = (const char *)ev->data.scalar.tag;
  int str_tag = tag && !strcmp(tag, "tag:yaml.org,2002:str");
  int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
              ev->data.scalar.style == YAML_ANY_SCALAR_STYLE;
  struct ynode *n;
  if (plain && !str_tag && is_null_text(s, len))
    n = node_new(p->a, YNODE_NULL, &pos);
  else
    n = node_new(p->a, YNODE_SCALAR, &pos);
  if (!plain || str_tag)
    n->flags |= YNODE_QUOTED;
  n->str = arena_strndup(p->a, s, len);
  n->len = len;
  apply_tag(p, n, tag);
  return n;
}

/* An array of n node pointers with room for arena_push to grow it: its
 * capacity must be the next power of two at least n. */
static struct ynode **vec_alloc(struct arena *a, size_t n)
{
  if (!n)
    return NULL;
  size_t cap = 1;
  while (cap < n)
    cap *= 2;
  return arena_alloc(a, cap * sizeof(struct ynode *));
}

/* Deep copy of an anchored node for an alias, counted against the alias
 * budget; level is the nesting level the copy lands at. */
static struct ynode *clone_counted(struct parser *p, const struct ynode *n,
                                   size_t level, const struct err_pos *at,
                                   int *rc)
{
  size_t budget = p->max_alias;
  if (p->written < budget / ALIAS_RATIO)
    budget = p->written * ALIAS_RATIO;
  if (++p->expanded > budget) {
    *rc = err_at(p->err, ERR_LIMIT, at,
                 "excessive aliasing (alias expansion exceeds %zu nodes)",
                 budget);
    return NULL;
  }
  struct ynode *c = arena_alloc(p->a, sizeof(*c));
  *c = *n;
  c->index = NULL;
  if (n->kind != YNODE_SEQ && n->kind != YNODE_MAP) {
    p->expanded_bytes += n->len;
    if (p->expanded_bytes > p->max_alias_bytes) {
      *rc = err_at(p->err, ERR_LIMIT, at,
                   "excessive aliasing (alias expansion copies more than "
                   "%zu bytes of text)",
                   p->max_alias_bytes);
      return NULL;
    }
    return c;
  }
  if (level > p->max_depth) {
    *rc = err_at(p->err, ERR_LIMIT, at,
                 "nesting too deep (more than %zu levels)", p->max_depth);
    return NULL;
  }
  c->items = vec_alloc(p->a, n->n);
  c->keys = n->kind == YNODE_MAP ? vec_alloc(p->a, n->n) : NULL;
  for (size_t i = 0; i < n->n; i++) {
    if (c->keys) {
      c->keys[i] = clone_counted(p, n->keys[i], level + 1, at, rc);
      if (!c->keys[i])
        return NULL;
    }
    c->items[i] = clone_counted(p, n->items[i], level + 1, at, rc);
    if (!c->items[i])
      return NULL;
  }
  if (c->kind == YNODE_MAP && c->n >= INDEX_MIN)
    index_new(p->a, c);
  return c;
}

static int is_merge_key(const struct ynode *k)
{
  return k->kind == YNODE_SCALAR && !(k->flags & YNODE_QUOTED) && k->len == 2 &&
         !memcmp(k->str, "<<", 2) &&
         (!k->tag || !strcmp(k->tag, "tag:yaml.org,2002:merge"));
}

/* Turn the key/value list of a finished mapping into keys[] and items[]:
 * refuse duplicate keys, then apply merge keys (explicit keys win; among
 * merged maps, the earlier wins). */
static int finish_map(struct parser *p, struct frame *f)
{
  struct ynode *m = f->node;
  size_t n = f->nkv / 2;
  struct htab seen = {NULL, 0, 0};
  int rc = 0, dups = 0, merges = 0;
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    struct ynode *k = f->kv[2 * i];
    if (is_merge_key(k)) {
      struct ynode *v = f->kv[2 * i + 1];
      merges = 1;
      if (v->kind == YNODE_MAP) {
        total += v->n;
        continue;
      }
      int bad = v->kind != YNODE_SEQ;
      for (size_t j = 0; !bad && j < v->n; j++) {
        if (v->items[j]->kind != YNODE_MAP)
          bad = 1;
        else
          total += v->items[j]->n;
      }
      if (bad) {
        rc = err_at(p->err, ERR_YAML, &v->pos,
                    "merge key '<<' needs a mapping or a sequence of "
                    "mappings, not %s",
                    ydoc_kind_name(v));
      }
      continue;
    }
    total++;
    int fresh;
    struct hent *e = htab_slot(&seen, k->str, k->len, 1, &fresh);
    if (fresh) {
      e->val = k;
      continue;
    }
    if (dups++ < MAX_DUP_REPORTS) {
      const struct ynode *first = e->val;
      rc = err_at(p->err, ERR_YAML, &k->pos,
                  "mapping key '%s' already defined at line %d", k->str,
                  first->pos.line);
    }
  }
  if (rc) {
    htab_release(&seen);
    return rc;
  }
  m->n = 0;
  m->keys = vec_alloc(p->a, total);
  m->items = vec_alloc(p->a, total);
  for (size_t i = 0; i < n; i++) {
    struct ynode *k = f->kv[2 * i], *v = f->kv[2 * i + 1];
    if (!merges || !is_merge_key(k)) {
      m->keys[m->n] = k;
      m->items[m->n++] = v;
      continue;
    }
    size_t nsrc = v->kind == YNODE_MAP ? 1 : v->n;
    for (size_t s = 0; s < nsrc; s++) {
      struct ynode *src = v->kind == YNODE_MAP ? v : v->items[s];
      for (size_t j = 0; j < src->n; j++) {
        struct ynode *sk = src->keys[j];
        int fresh;
        htab_slot(&seen, sk->str, sk->len, 1, &fresh);
        if (!fresh)
          continue;
        m->keys[m->n] = sk;
        m->items[m->n++] = src->items[j];
      }
    }
  }
  htab_release(&seen);
  if (m->n >= INDEX_MIN)
    index_new(p->a, m);
  return 0;
}

/* Attach a finished node to the open collection (or make it the root). */
static int attach(struct parser *p, struct ynode *n)
{
  if (!p->depth) {
    p->root = n;
    p->have_root = 1;
    return 0;
  }
  struct frame *f = &p->stack[p->depth - 1];
  if (f->node->kind == YNODE_SEQ) {
    f->node->items = (struct ynode **)arena_push(p->a, (void **)f->node->items,
                                                 f->node->n, n);
    f->node->n++;
    return 0;
  }
  if (f->nkv % 2 == 0) {
    /* a key: scalars only, and null keys keep their text */
    if (n->kind == YNODE_SEQ || n->kind == YNODE_MAP)
      return err_at(p->err, ERR_YAML, &n->pos,
                    "mapping keys must be scalars, not %s", ydoc_kind_name(n));
    if (n->kind == YNODE_NULL) {
      struct ynode *k = arena_alloc(p->a, sizeof(*k));
      *k = *n;
      k->kind = YNODE_SCALAR;
      n = k;
    }
  }
  if (f->nkv == f->akv) {
    f->akv = f->akv ? 2 * f->akv : 16;
    f->kv = xrealloc(f->kv, f->akv * sizeof(*f->kv));
  }
  f->kv[f->nkv++] = n;
  return 0;
}

static void anchor_set(struct parser *p, const char *name, void *val)
{
  size_t len = strlen(name);
  int fresh;
  struct hent *e = htab_slot(&p->anchors, name, len, 1, &fresh);
  if (fresh)
    e->key = arena_strndup(p->a, name, len);
  e->val = val;
}

static int open_collection(struct parser *p, yaml_event_t *ev,
                           enum ynode_kind kind)
{
  struct err_pos pos = mark_pos(p, &ev->start_mark);
  if (p->depth + 1 > p->max_depth)
    return err_at(p->err, ERR_LIMIT, &pos,
                  "nesting too deep (more than %zu levels)", p->max_depth);
  if (p->depth == p->alloc) {
    p->alloc = p->alloc ? p->alloc * 2 : 16;
    p->stack = xrealloc(p->stack, p->alloc * sizeof(*p->stack));
  }
  struct frame *f = &p->stack[p->depth++];
  memset(f, 0, sizeof(*f));
  f->node = node_new(p->a, kind, &pos);
  const char *tag, *anchor;
  if (kind == YNODE_SEQ) {
    tag = (const char *)ev->data.sequence_start.tag;
    anchor = (const char *)ev->data.sequence_start.anchor;
  } else {
    tag = (const char *)ev->data.mapping_start.tag;
    anchor = (const char *)ev->data.mapping_start.anchor;
  }
  apply_tag(p, f->node, tag);
  if (anchor) {
    f->anchor = arena_strdup(p->a, anchor);
    anchor_set(p, f->anchor, &in_progress);
  }
  p->written++;
  return 0;
}

static int close_collection(struct parser *p)
{
  struct frame *f = &p->stack[p->depth - 1];
  if (f->node->kind == YNODE_MAP) {
    int rc = finish_map(p, f);
    if (rc)
      return rc;
  }
  struct ynode *n = f->node;
  if (f->anchor)
    anchor_set(p, f->anchor, n);
  free(f->kv);
  f->kv = NULL;
  p->depth--;
  return attach(p, n);
}

static int on_alias(struct parser *p, yaml_event_t *ev)
{
  struct err_pos pos = mark_pos(p, &ev->start_mark);
  const char *name = (const char *)ev->data.alias.anchor;
  struct hent *e = htab_slot(&p->anchors, name, strlen(name), 0, NULL);
  if (!e)
    return err_at(p->err, ERR_YAML, &pos, "unknown anchor '%s'", name);
  if (e->val == &in_progress)
    return err_at(p->err, ERR_YAML, &pos,
                  "alias '*%s' refers to its own anchor (a cycle)", name);
  int rc = 0;
  struct ynode *c = clone_counted(p, e->val, p->depth + 1, &pos, &rc);
  if (!c)
    return rc;
  return attach(p, c);
}

/* The character at a libyaml mark (marks count characters, not bytes). */
static int char_at_mark(const struct parser *p, const yaml_mark_t *m)
{
  size_t chars = 0, i = 0;
  if (p->len >= 3 && !memcmp(p->text, "\xef\xbb\xbf", 3))
    i = 3;
  for (; i < p->len; i++) {
    unsigned char c = (unsigned char)p->text[i];
    if ((c & 0xc0) == 0x80)
      continue;
    if (chars == m->index)
      return c;
    chars++;
  }
  return -1;
}

/* Whether the indentation of a line (1-based) holds a tab. */
static int indent_has_tab(const struct parser *p, int line)
{
  size_t i = 0;
  for (int l = 1; l < line && i < p->len; i++) {
    if (p->text[i] == '\n' ||
        (p->text[i] == '\r' && (i + 1 >= p->len || p->text[i + 1] != '\n')))
      l++;
  }
  for (; i < p->len && (p->text[i] == ' ' || p->text[i] == '\t'); i++)
    if (p->text[i] == '\t')
      return 1;
  return 0;
}

/* The line and column (in characters) of a byte offset of the text. */
static struct err_pos offset_pos(const struct parser *p, size_t off)
{
  struct err_pos pos = {p->file, 1, 1};
  size_t i = 0;
  if (p->len >= 3 && !memcmp(p->text, "\xef\xbb\xbf", 3))
    i = 3;
  for (; i < off && i < p->len; i++) {
    unsigned char c = (unsigned char)p->text[i];
    if (c == '\n' ||
        (c == '\r' && (i + 1 >= p->len || p->text[i + 1] != '\n'))) {
      pos.line++;
      pos.col = 1;
    } else if ((c & 0xc0) != 0x80) {
      pos.col++;
    }
  }
  return pos;
}

static int libyaml_error(struct parser *p, yaml_parser_t *yp)
{
  if (yp->error == YAML_MEMORY_ERROR)
    return err_at(p->err, ERR_NOMEM, &(struct err_pos){p->file, 0, 0},
                  "out of memory while parsing");
  if (yp->error == YAML_READER_ERROR) {
    struct err_pos pos = offset_pos(p, yp->problem_offset);
    const char *problem = yp->problem ? yp->problem : "cannot read the input";
    if (yp->problem_value >= 0 && yp->problem_value < 0x100)
      return err_at(p->err, ERR_YAML, &pos, "%s (byte 0x%02x)", problem,
                    (unsigned)yp->problem_value);
    if (yp->problem_value >= 0)
      return err_at(p->err, ERR_YAML, &pos, "%s (U+%04X)", problem,
                    (unsigned)yp->problem_value);
    return err_at(p->err, ERR_YAML, &pos, "%s", problem);
  }
  struct err_pos pos = mark_pos(p, &yp->problem_mark);
  const char *problem = yp->problem ? yp->problem : "invalid YAML";
  if (char_at_mark(p, &yp->problem_mark) == '\t' || indent_has_tab(p, pos.line))
    return err_at(p->err, ERR_YAML, &pos,
                  "%s (tabs cannot be used for indentation: indent with "
                  "spaces)",
                  problem);
  if (yp->context && yp->context_mark.line != yp->problem_mark.line)
    return err_at(p->err, ERR_YAML, &pos, "%s (%s started at line %d)", problem,
                  yp->context, (int)yp->context_mark.line + 1);
  if (yp->context)
    return err_at(p->err, ERR_YAML, &pos, "%s (%s)", problem, yp->context);
  return err_at(p->err, ERR_YAML, &pos, "%s", problem);
}

static int on_event(struct parser *p, yaml_event_t *ev, int *docs)
{
  struct err_pos pos;
  struct ynode *n;
  switch (ev->type) {
  case YAML_DOCUMENT_START_EVENT:
    if (++*docs > 1) {
      pos = mark_pos(p, &ev->start_mark);
      return err_at(p->err, ERR_YAML, &pos,
                    "more than one YAML document in the file (a compose "
                    "file holds one document)");
    }
    return 0;
  case YAML_SCALAR_EVENT:
    n = scalar_from_event(p, ev);
    if (memchr(n->str, '\0', n->len))
      return err_at(p->err, ERR_YAML, &n->pos,
                    "a string holds a NUL character (\\0), which compose "
                    "files cannot carry");
    p->written++;
    if (ev->data.scalar.anchor)
      anchor_set(p, (const char *)ev->data.scalar.anchor, n);
    return attach(p, n);
  case YAML_SEQUENCE_START_EVENT:
    return open_collection(p, ev, YNODE_SEQ);
  case YAML_MAPPING_START_EVENT:
    return open_collection(p, ev, YNODE_MAP);
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT:
    return close_collection(p);
  case YAML_ALIAS_EVENT:
    return on_alias(p, ev);
  default:
    return 0;
  }
}

int ydoc_parse(struct arena *a, const char *file, const char *text, size_t len,
               const struct ydoc_limits *lim, struct ynode **out,
               struct err *err)
{
  struct parser p;
  memset(&p, 0, sizeof(p));
  p.a = a;
  p.file = arena_strdup(a, file ? file : "-");
  p.text = text;
  p.len = len;
  p.err = err;
  size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : DEFAULT_MAX_BYTES;
  p.max_depth = lim && lim->max_depth ? lim->max_depth : DEFAULT_MAX_DEPTH;
  p.max_alias =
      lim && lim->max_alias_nodes ? lim->max_alias_nodes : DEFAULT_MAX_ALIAS;
  p.max_alias_bytes = lim && lim->max_alias_bytes ? lim->max_alias_bytes
                                                  : DEFAULT_MAX_ALIAS_BYTES;
  *out = NULL;
  if (len > max_bytes)
    return err_at(err, ERR_LIMIT, &(struct err_pos){p.file, 0, 0},
                  "file is too large (%zu bytes; the limit is %zu bytes)", len,
                  max_bytes);

  yaml_parser_t yp;
  if (!yaml_parser_initialize(&yp))
    return err_at(err, ERR_NOMEM, &(struct err_pos){p.file, 0, 0},
                  "out of memory while parsing");
  yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
  int rc = 0, docs = 0;
  for (;;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&yp, &ev)) {
      rc = libyaml_error(&p, &yp);
      break;
    }
    int done = ev.type == YAML_STREAM_END_EVENT;
    rc = on_event(&p, &ev, &docs);
    yaml_event_delete(&ev);
    if (rc || done)
      break;
  }
  yaml_parser_delete(&yp);
  for (size_t i = 0; i < p.depth; i++)
    free(p.stack[i].kv); /* maps left open by an error */
  free(p.stack);
  htab_release(&p.anchors);
  if (rc)
    return rc;
  /* an empty or comment-only document, or a lone `---` */
  if (p.root && p.root->kind == YNODE_NULL && !p.root->flags && !p.root->tag)
    p.root = NULL;
  *out = p.root;
  return 0;
}

int ydoc_parse_file(struct arena *a, const char *path,
                    const struct ydoc_limits *lim, struct ynode **out,
                    struct err *err)
{
  size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : DEFAULT_MAX_BYTES;
  struct err_pos fpos = {path, 0, 0};
  struct stat st;
  *out = NULL;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return err_set(err, ERR_IO, "'%s' is a directory, not a compose file",
                   path);
  struct buf b = BUF_INIT_CAP(max_bytes + 1);
  int rc = buf_read_file(&b, path);
  if (rc == ERR_LIMIT) {
    buf_release(&b);
    return err_at(err, ERR_LIMIT, &fpos,
                  "file is too large (the limit is %zu bytes)", max_bytes);
  }
  if (rc) {
    int e = errno;
    buf_release(&b);
    if (e == EISDIR)
      return err_set(err, ERR_IO, "'%s' is a directory, not a compose file",
                     path);
    return err_set(err, ERR_IO, "cannot read '%s': %s", path, strerror(e));
  }
  rc = ydoc_parse(a, path, b.data, b.len, lim, out, err);
  buf_release(&b);
  return rc;
}

/* ---- reading ---- */

long ydoc_index(const struct ynode *map, const char *key)
{
  if (!map || map->kind != YNODE_MAP || !key)
    return -1;
  size_t len = strlen(key);
  const struct yindex *y = index_of(map);
  if (y) {
    size_t i = sindex_get(&y->ix, key, len);
    return i == SINDEX_NONE ? -1 : (long)i;
  }
  for (size_t i = 0; i < map->n; i++) {
    const struct ynode *k = map->keys[i];
    if (k->len == len && !memcmp(k->str, key, len))
      return (long)i;
  }
  return -1;
}

struct ynode *ydoc_get(const struct ynode *map, const char *key)
{
  long i = ydoc_index(map, key);
  return i < 0 ? NULL : map->items[i];
}

static int in_list(const char *s, const char *const *list)
{
  for (; *list; list++)
    if (!strcmp(s, *list))
      return 1;
  return 0;
}

/* YAML 1.2 core schema: only these are booleans. */
static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};

int ydoc_bool(const struct ynode *n)
{
  if (!n || n->kind != YNODE_SCALAR || (n->flags & YNODE_QUOTED))
    return -1;
  if (in_list(n->str, true_words))
    return 1;
  if (in_list(n->str, false_words))
    return 0;
  return -1;
}

static int digit_in_base(int c, int base)
{
  int v;
  if (c >= '0' && c <= '9')
    v = c - '0';
  else if (c >= 'a' && c <= 'f')
    v = c - 'a' + 10;
  else if (c >= 'A' && c <= 'F')
    v = c - 'A' + 10;
  else
    return 0;
  return v < base;
}

/* An integer of the core schema: [-+]?[0-9]+ (decimal, leading zeros
 * included: 0123 is 123), 0o[0-7]+, 0x[0-9a-fA-F]+. Returns 1 when it
 * fits 64 bits (a longer one reads as a float). */
static int is_core_int(const char *s)
{
  int neg = 0, base = 10;
  if (s[0] == '0' && s[1] == 'x') {
    base = 16;
    s += 2;
  } else if (s[0] == '0' && s[1] == 'o') {
    base = 8;
    s += 2;
  } else if (*s == '+' || *s == '-') {
    neg = *s == '-';
    s++;
  }
  if (!*s)
    return 0;
  unsigned __int128 v = 0;
  for (; *s; s++) {
    if (!digit_in_base(*s, base))
      return 0;
    int d = *s >= '0' && *s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10;
    v = v * (unsigned)base + (unsigned)d;
    if (v > ((unsigned __int128)1 << 64))
      return 0;
  }
  if (neg)
    return v <= ((unsigned __int128)1 << 63);
  return v <= (unsigned __int128)UINT64_MAX;
}

/* The core schema's float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
 */
static int is_yaml_float(const char *s)
{
  if (*s == '+' || *s == '-')
    s++;
  int digits = 0;
  if (*s == '.') {
    s++;
    while (*s >= '0' && *s <= '9') {
      s++;
      digits++;
    }
    if (!digits)
      return 0;
  } else {
    while (*s >= '0' && *s <= '9') {
      s++;
      digits++;
    }
    if (!digits)
      return 0;
    if (*s == '.') {
      s++;
      while (*s >= '0' && *s <= '9')
        s++;
    }
  }
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '+' || *s == '-')
      s++;
    if (!(*s >= '0' && *s <= '9'))
      return 0;
    while (*s >= '0' && *s <= '9')
      s++;
  }
  return *s == '\0';
}

static const char *const special_floats[] = {
    ".nan",  ".NaN",  ".NAN",  ".inf",  ".Inf",  ".INF", "+.inf",
    "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", NULL};

enum yscalar_type ydoc_scalar_type(const struct ynode *n)
{
  if (!n || n->kind == YNODE_NULL)
    return YSCALAR_NULL;
  if (n->kind != YNODE_SCALAR || (n->flags & YNODE_QUOTED))
    return YSCALAR_STRING;
  const char *s = n->str;
  if (!s || !*s || strlen(s) != n->len)
    return YSCALAR_STRING;
  if (is_null_text(s, n->len))
    return YSCALAR_NULL;
  if (ydoc_bool(n) >= 0)
    return YSCALAR_BOOL;
  if (in_list(s, special_floats))
    return YSCALAR_FLOAT;
  if (is_core_int(s))
    return YSCALAR_INT;
  if (is_yaml_float(s))
    return YSCALAR_FLOAT;
  return YSCALAR_STRING;
}

const char *ydoc_kind_name(const struct ynode *n)
{
  if (!n)
    return "nothing";
  switch (n->kind) {
  case YNODE_NULL:
    return "null";
  case YNODE_SEQ:
    return "a sequence";
  case YNODE_MAP:
    return "a mapping";
  case YNODE_SCALAR:
    break;
  }
  switch (ydoc_scalar_type(n)) {
  case YSCALAR_NULL:
    return "null";
  case YSCALAR_BOOL:
    return "a boolean";
  case YSCALAR_INT:
    return "an integer";
  case YSCALAR_FLOAT:
    return "a number";
  case YSCALAR_STRING:
    break;
  }
  return "a string";
}

/* ---- building ---- */

struct ynode *ydoc_new_null(struct arena *a, const struct err_pos *pos)
{
  struct ynode *n = node_new(a, YNODE_NULL, pos);
  n->str = "";
  return n;
}

struct ynode *ydoc_new_scalar(struct arena *a, const struct err_pos *pos,
                              const char *s, unsigned flags)
{
  struct ynode *n = node_new(a, YNODE_SCALAR, pos);
  n->flags = flags;
  n->str = arena_strdup(a, s ? s : "");
  n->len = strlen(n->str);
  return n;
}

struct ynode *ydoc_new_seq(struct arena *a, const struct err_pos *pos)
{
  return node_new(a, YNODE_SEQ, pos);
}

struct ynode *ydoc_new_map(struct arena *a, const struct err_pos *pos)
{
  return node_new(a, YNODE_MAP, pos);
}

void ydoc_seq_push(struct arena *a, struct ynode *seq, struct ynode *item)
{
  if (!seq || seq->kind != YNODE_SEQ)
    BUG("ydoc_seq_push on %s", ydoc_kind_name(seq));
  seq->items =
      (struct ynode **)arena_push(a, (void **)seq->items, seq->n, item);
  seq->n++;
}

void ydoc_map_set(struct arena *a, struct ynode *map, const char *key,
                  struct ynode *value)
{
  if (!map || map->kind != YNODE_MAP)
    BUG("ydoc_map_set on %s", ydoc_kind_name(map));
  long i = ydoc_index(map, key);
  if (i >= 0) {
    map->items[i] = value;
    return;
  }
  /* keys and items grow together, so arena_push keeps them in step */
  struct ynode *k = ydoc_new_scalar(a, value ? &value->pos : NULL, key, 0);
  struct yindex *y = index_of(map); /* valid for the map before the push */
  map->keys = (struct ynode **)arena_push(a, (void **)map->keys, map->n, k);
  map->items =
      (struct ynode **)arena_push(a, (void **)map->items, map->n, value);
  map->n++;
  if (y) {
    sindex_add(&y->ix, k->str, k->len, map->n - 1);
    y->keys = map->keys;
    y->n = map->n;
  } else if (map->n >= INDEX_MIN && !map->index) {
    index_new(a, map);
  }
}

void ydoc_map_del(struct ynode *map, const char *key)
{
  long i = ydoc_index(map, key);
  if (i < 0)
    return;
  size_t rest = map->n - (size_t)i - 1;
  memmove(&map->keys[i], &map->keys[i + 1], rest * sizeof(*map->keys));
  memmove(&map->items[i], &map->items[i + 1], rest * sizeof(*map->items));
  map->n--;
}

struct ynode *ydoc_clone(struct arena *a, const struct ynode *n)
{
  if (!n)
    return NULL;
  struct ynode *c = arena_alloc(a, sizeof(*c));
  *c = *n;
  if (n->kind != YNODE_SEQ && n->kind != YNODE_MAP)
    return c;
  c->items = NULL;
  c->keys = NULL;
  c->index = NULL;
  c->n = 0;
  for (size_t i = 0; i < n->n; i++) {
    if (n->kind == YNODE_MAP)
      c->keys = (struct ynode **)arena_push(a, (void **)c->keys, i,
                                            ydoc_clone(a, n->keys[i]));
    c->items = (struct ynode **)arena_push(a, (void **)c->items, i,
                                           ydoc_clone(a, n->items[i]));
  }
  c->n = n->n;
  if (c->kind == YNODE_MAP && c->n >= INDEX_MIN)
    index_new(a, c);
  return c;
}
