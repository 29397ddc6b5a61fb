/* Unit tests for ydoc: positions, nulls and quoting, tags, anchors and
 * aliases, merge keys, duplicate keys, limits, errors, scalar typing and
 * the builders. */
#include "tap.h"
#include "compose/ydoc.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static struct arena A = ARENA_INIT;

static int parse_lim(const char *text, const struct ydoc_limits *lim,
                     struct ynode **out, struct err *e)
{
  err_reset(e);
  return ydoc_parse(&A, "t.yml", text, strlen(text), lim, out, e);
}

static int parse(const char *text, struct ynode **out, struct err *e)
{
  return parse_lim(text, NULL, out, e);
}

/* Follow a path like "services.web.ports.0" through maps and seqs. */
static struct ynode *at(struct ynode *n, const char *path)
{
  char buf[256];
  snprintf(buf, sizeof(buf), "%s", path);
  for (char *tok = strtok(buf, "."); tok && n; tok = strtok(NULL, ".")) {
    if (n->kind == YNODE_SEQ) {
      size_t i = strtoul(tok, NULL, 10);
      n = i < n->n ? n->items[i] : NULL;
    } else {
      n = ydoc_get(n, tok);
    }
  }
  return n;
}

static const char *str_at(struct ynode *n, const char *path)
{
  n = at(n, path);
  return n && n->kind == YNODE_SCALAR ? n->str : NULL;
}

static int has(const struct err *e, const char *s)
{
  return e->text && strstr(e->text, s);
}

static void test_positions(void)
{
  struct err e = ERR_INIT;
  struct ynode *r;
  int rc = parse("services:\n"
                 "  web:\n"
                 "    image: nginx\n"
                 "    ports:\n"
                 "      - \"80:80\"\n"
                 "      - 443\n",
                 &r, &e);
  is_int(rc, 0, "simple file parses");
  ok(r && r->kind == YNODE_MAP, "root is a map");
  is_int(r->pos.line, 1, "root line");
  is_int(r->keys[0]->pos.col, 1, "key col");
  struct ynode *web = at(r, "services.web");
  is_int(web->pos.line, 3, "web map starts at its first key line");
  is_int(web->pos.col, 5, "web map col");
  struct ynode *img = at(r, "services.web.image");
  is_int(img->pos.line, 3, "image line");
  is_int(img->pos.col, 12, "image col");
  is_str(img->pos.file, "t.yml", "file recorded");
  struct ynode *p0 = at(r, "services.web.ports.0");
  is_int(p0->pos.line, 5, "ports[0] line");
  is_int(p0->pos.col, 9, "ports[0] col");
  ok(p0->flags & YNODE_QUOTED, "double-quoted is QUOTED");
  is_str(p0->str, "80:80", "quoted text");
  struct ynode *p1 = at(r, "services.web.ports.1");
  ok(!(p1->flags & YNODE_QUOTED), "plain is not QUOTED");
  is_int(p1->len, 3, "len");
  is_int(web->keys[1]->pos.line, 4, "key position of ports");
  err_release(&e);
}

static void test_nulls_and_styles(void)
{
  struct err e = ERR_INIT;
  struct ynode *r;
  int rc = parse("a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: \"\"\ng: 'null'\n"
                 "h: nULL\ni: |\n  line1\n  line2\nj: >\n  folded\n  text\n"
                 "k: ''\n",
                 &r, &e);
  is_int(rc, 0, "nulls parse");
  const char *nulls[] = {"a", "b", "c", "d", "e"};
  for (size_t i = 0; i < 5; i++)
    ok(at(r, nulls[i])->kind == YNODE_NULL, "'%s' is NULL", nulls[i]);
  ok(at(r, "f")->kind == YNODE_SCALAR && (at(r, "f")->flags & YNODE_QUOTED),
     "\"\" is a quoted empty string");
  ok(at(r, "g")->kind == YNODE_SCALAR && (at(r, "g")->flags & YNODE_QUOTED),
     "'null' is a string");
  ok(at(r, "h")->kind == YNODE_SCALAR, "nULL is not null");
  is_str(str_at(r, "i"), "line1\nline2\n", "literal block");
  ok(at(r, "i")->flags & YNODE_QUOTED, "literal is QUOTED");
  is_str(str_at(r, "j"), "folded text\n", "folded block");
  ok(at(r, "j")->flags & YNODE_QUOTED, "folded is QUOTED");
  ok(at(r, "k")->kind == YNODE_SCALAR, "'' is a scalar");
  is_int(ydoc_scalar_type(at(r, "k")), YSCALAR_STRING, "'' is a string");
  err_release(&e);
}

static void test_tags(void)
{
  struct err e = ERR_INIT;
  struct ynode *r;
  int rc = parse("a: !reset\nb: !reset []\nc: !override {x: 1}\n"
                 "d: !!str 123\ne: !custom val\nf: !reset null\n",
                 &r, &e);
  is_int(rc, 0, "tags parse");
  ok(at(r, "a")->kind == YNODE_NULL && (at(r, "a")->flags & YNODE_RESET),
     "!reset on nothing");
  ok(at(r, "b")->kind == YNODE_SEQ && (at(r, "b")->flags & YNODE_RESET),
     "!reset []");
  ok(at(r, "c")->kind == YNODE_MAP && (at(r, "c")->flags & YNODE_OVERRIDE),
     "!override map");
  ok(!at(r, "c")->tag, "reset/override are not stored as tag");
  ok(at(r, "d")->flags & YNODE_QUOTED, "!!str makes a string");
  is_int(ydoc_scalar_type(at(r, "d")), YSCALAR_STRING, "!!str 123 string");
  is_str(at(r, "e")->tag, "!custom", "other tags kept");
  ok(at(r, "f")->flags & YNODE_RESET, "!reset null");
  err_release(&e);
}

static void test_aliases(void)
{
  struct err e = ERR_INIT;
  struct ynode *r;
  int rc = parse("x-base: &base\n"
                 "  image: busybox\n"
                 "  env: [A, B]\n"
                 "one: *base\n"
                 "two: *base\n"
                 "s: &s hello\n"
                 "t: *s\n",
                 &r, &e);
  is_int(rc, 0, "aliases parse");
  struct ynode *one = at(r, "one"), *two = at(r, "two");
  ok(one && one->kind == YNODE_MAP, "alias expands to the map");
  ok(one != two && one != at(r, "x-base"), "each alias is a copy");
  ok(at(r, "one.env") != at(r, "x-base.env"), "deep copy");
  is_str(str_at(r, "two.env.1"), "B", "copied content");
  at(r, "one.env.0")->str = "changed";
  is_str(str_at(r, "x-base.env.0"), "A", "rewriting a copy leaves the anchor");
  is_str(str_at(r, "t"), "hello", "scalar alias");
  is_int(at(r, "one.image")->pos.line, 2, "copies keep anchor positions");
  rc = parse("a: *nope\n", &r, &e);
  ok(rc == ERR_YAML && has(&e, "t.yml:1:4: unknown anchor 'nope'"),
     "unknown anchor: %s", e.text);
  rc = parse("a: &x [1, *x]\n", &r, &e);
  ok(rc == ERR_YAML && has(&e, "cycle"), "self alias: %s", e.text);
  rc = parse("a: &x 1\nb: &x 2\nc: *x\n", &r, &e);
  is_str(str_at(r, "c"), "2", "a redefined anchor takes the later node");
  err_release(&e);
}

static void test_alias_bomb(void)
{
  struct err e = ERR_INIT;
  struct ynode *r;
  const char *bomb = "name: test\n"
                     "x-a: &a {k: v}\n"
                     "x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                     "x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                     "x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                     "x-e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                     "x-f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                     "x-g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                     "x-h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                     "x-i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
                     "x-j: &j [*i, *i, *i, *i, *i, *i, *i, *i, *i]\n";
  clock_t t0 = clock();
  int rc = parse(bomb, &r, &e);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  is_int(rc, ERR_LIMIT, "alias bomb refused");
  ok(has(&e, "excessive aliasing (alias expansion exceeds "),
     "alias bomb message: %s", e.text);
  ok(has(&e, "t.yml:"), "alias bomb message has a position");
  ok(secs < 1.0, "alias bomb fails fast (%.3fs)", secs);

  struct ydoc_limits lim = {0, 0, 5};
  rc = parse_lim("a: &a [1, 2, 3]\nb: *a\nc: *a\n", &lim, &r, &e);
  ok(rc == ERR_LIMIT && has(&e, "t.yml:3:4: excessive aliasing (alias "
                                "expansion exceeds 5 nodes)"),
     "explicit alias limit: %s", e.text);
  lim.max_alias_nodes = 8;
  rc = parse_lim("a: &a [1, 2, 3]\nb: *a\n", &lim, &r, &e);
  is_int(rc, 0, "under the alias limit");
  err_release(&e);
}

static void test_merge(void)
{
  struct err e = ERR_INIT;
  struct ynode *r;
  int rc = parse("x-base: &base\n"
                 "  image: busybox\n"
                 "  command: base\n"
                 "web:\n"
                 "  command: own\n"
                 "  <<: *base\n"
                 "  ports: [80]\n",
                 &r, &e);
  is_int(rc, 0, "merge parses");
  struct ynode *web = at(r, "web");
  is_str(str_at(r, "web.command"), "own", "explicit key wins");
  is_str(str_at(r, "web.image"), "busybox", "merged key present");
  ok(ydoc_index(web, "<<") < 0, "no '<<' key left");
  is_int(web->n, 3, "three keys");
  is_str(web->keys[0]->str, "command", "order: explicit first");
  is_str(web->keys[1]->str, "image", "merged keys where '<<' was");
  is_str(web->keys[2]->str, "ports", "then the rest");

  rc = parse("a: &a {x: 1, y: 1}\n"
             "b: &b {y: 2, z: 2}\n"
             "c:\n"
             "  <<: [*a, *b]\n"
             "  z: 3\n",
             &r, &e);
  is_int(rc, 0, "sequence merge parses");
  is_str(str_at(r, "c.x"), "1", "from first map");
  is_str(str_at(r, "c.y"), "1", "earlier map wins");
  is_str(str_at(r, "c.z"), "3", "explicit wins over merged");
  is_int(at(r, "c")->n, 3, "no duplicates after merge");

  rc = parse("c:\n  <<: {k: inline}\n", &r, &e);
  is_str(str_at(r, "c.k"), "inline", "inline merge map");
  rc = parse("c:\n  <<: [1]\n", &r, &e);
  ok(rc == ERR_YAML && has(&e, "merge key '<<' needs a mapping"),
     "bad merge: %s", e.text);
  rc = parse("c:\n  \"<<\": x\n", &r, &e);
  is_str(str_at(r, "c.<<"), "x", "quoted '<<' is an ordinary key");
  /* a merged copy can be rewritten without touching the anchor */
  rc = parse("a: &a {x: [1]}\nb:\n  <<: *a\n", &r, &e);
  ok(at(r, "b.x") != at(r, "a.x"), "merged values are copies");
  err_release(&e);
}

static void test_duplicates(void)
{
  struct err e = ERR_INIT;
  struct ynode *r;
  int rc = parse("services:\n"
                 "  foo:\n"
                 "    image: x\n"
                 "    command: hello\n"
                 "    command: !reset hello world\n",
                 &r, &e);
  is_int(rc, ERR_YAML, "duplicate key refused");
  is_str(e.text, "t.yml:5:5: mapping key 'command' already defined at line 4\n",
         "duplicate key message names both lines");
  rc = parse("a: 1\nb: 2\na: 3\nb: 4\n", &r, &e);
  is_int(e.count, 2, "every duplicate reported");
  rc = parse("x: &x {a: 1}\ny:\n  <<: *x\n  a: 2\n", &r, &e);
  is_int(rc, 0, "merged keys are not duplicates");
  rc = parse("{a: 1, a: 2}\n", &r, &e);
  ok(rc == ERR_YAML && has(&e, "t.yml:1:8: mapping key 'a'"),
     "flow map duplicate: %s", e.text);
  err_release(&e);
}

static void test_limits_and_errors(void)
{
  struct err e = ERR_INIT;
  struct ynode *r;
  char deep[1024];
  size_t n = 0;
  for (int i = 0; i < 201; i++)
    deep[n++] = '[';
  for (int i = 0; i < 201; i++)
    deep[n++] = ']';
  deep[n] = '\0';
  int rc = parse(deep, &r, &e);
  ok(rc == ERR_LIMIT && has(&e, "nesting too deep (more than 200 levels)"),
     "depth 201 refused: %s", e.text);
  deep[200] = '\0';
  memset(deep + 200, 0, 1);
  n = 0;
  for (int i = 0; i < 200; i++)
    deep[n++] = '[';
  for (int i = 0; i < 200; i++)
    deep[n++] = ']';
  deep[n] = '\0';
  rc = parse(deep, &r, &e);
  is_int(rc, 0, "depth 200 accepted");

  struct ydoc_limits lim = {0, 2, 0};
  rc = parse_lim("a: &a {b: 1}\nc: [*a]\n", &lim, &r, &e);
  is_int(rc, ERR_LIMIT, "alias copies count toward depth");

  lim = (struct ydoc_limits){10, 0, 0};
  rc = parse_lim("a: 1234567890\n", &lim, &r, &e);
  ok(rc == ERR_LIMIT && has(&e, "too large"), "size limit: %s", e.text);

  rc = parse("name: test\nservices:\n  web:\n    image: nginx\n\tbuild: .", &r,
             &e);
  is_int(rc, ERR_YAML, "tab indentation refused");
  ok(has(&e, "t.yml:5:1: "), "tab position: %s", e.text);
  ok(has(&e, "tabs cannot be used for indentation"), "tab hint");
  rc = parse("a:\n\t- x\n", &r, &e);
  ok(has(&e, "found character that cannot start any token") &&
         has(&e, "tabs cannot be used for indentation"),
     "libyaml text kept with the hint: %s", e.text);

  rc = parse("a: 1\n---\nb: 2\n", &r, &e);
  ok(rc == ERR_YAML && has(&e, "t.yml:2:1: more than one YAML document"),
     "two documents refused: %s", e.text);
  rc = parse("---\na: 1\n...\n", &r, &e);
  is_int(rc, 0, "one explicit document is fine");

  rc = parse("a: [1, 2\n", &r, &e);
  ok(rc == ERR_YAML && has(&e, "t.yml:2:1: did not find expected"),
     "syntax error with libyaml text: %s", e.text);
  rc = parse("[a]: 1\n", &r, &e);
  ok(rc == ERR_YAML && has(&e, "mapping keys must be scalars"),
     "non-scalar key: %s", e.text);
  rc = parse("~: 1\n", &r, &e);
  ok(rc == 0 && r->keys[0]->kind == YNODE_SCALAR, "null key is a scalar");

  const char *empties[] = {"", "# only a comment\n", "---\n", "\n\n"};
  for (size_t i = 0; i < 4; i++) {
    r = (struct ynode *)1;
    rc = parse(empties[i], &r, &e);
    ok(rc == 0 && r == NULL, "empty document %zu gives NULL", i);
  }
  rc = parse("hello\n", &r, &e);
  ok(rc == 0 && r->kind == YNODE_SCALAR, "a scalar document is returned");
  err_release(&e);
}

static void test_files(void)
{
  struct err e = ERR_INIT;
  struct ynode *r;
  int rc = ydoc_parse_file(&A, "/nonexistent/compose.yaml", NULL, &r, &e);
  ok(rc == ERR_IO && has(&e, "cannot read '/nonexistent/compose.yaml': No "
                             "such file or directory"),
     "missing file: %s", e.text);
  err_reset(&e);
  rc = ydoc_parse_file(&A, "/tmp", NULL, &r, &e);
  ok(rc == ERR_IO && has(&e, "'/tmp' is a directory, not a compose file"),
     "directory: %s", e.text);
  err_reset(&e);
  char path[] = "/tmp/ydoc-test-XXXXXX";
  int fd = mkstemp(path);
  ok(fd >= 0, "temp file");
  if (fd >= 0) {
    ok(write(fd, "a:\n  b: c\n", 10) == 10, "written");
    close(fd);
    rc = ydoc_parse_file(&A, path, NULL, &r, &e);
    is_str(str_at(r, "a.b"), "c", "parsed from file");
    is_str(at(r, "a.b")->pos.file, path, "file name in positions");
    unlink(path);
  }
  err_release(&e);
}

static void test_types(void)
{
  static const struct {
    const char *text;
    enum yscalar_type t;
  } table[] = {
      {"true", YSCALAR_BOOL},
      {"True", YSCALAR_BOOL},
      {"TRUE", YSCALAR_BOOL},
      {"false", YSCALAR_BOOL},
      {"yes", YSCALAR_STRING},
      {"Yes", YSCALAR_STRING},
      {"YES", YSCALAR_STRING},
      {"no", YSCALAR_STRING},
      {"No", YSCALAR_STRING},
      {"NO", YSCALAR_STRING},
      {"on", YSCALAR_STRING},
      {"On", YSCALAR_STRING},
      {"ON", YSCALAR_STRING},
      {"off", YSCALAR_STRING},
      {"OFF", YSCALAR_STRING},
      {"y", YSCALAR_STRING},
      {"Y", YSCALAR_STRING},
      {"n", YSCALAR_STRING},
      {"N", YSCALAR_STRING},
      {"tRUE", YSCALAR_STRING},
      {"yEs", YSCALAR_STRING},
      {"0", YSCALAR_INT},
      {"42", YSCALAR_INT},
      {"-42", YSCALAR_INT},
      {"+42", YSCALAR_INT},
      {"0x1F", YSCALAR_INT},
      {"0o17", YSCALAR_INT},
      {"017", YSCALAR_INT},
      {"0b101", YSCALAR_STRING},
      {"1_000", YSCALAR_STRING},
      {"9223372036854775807", YSCALAR_INT},
      {"18446744073709551615", YSCALAR_INT},
      {"18446744073709551616", YSCALAR_FLOAT},
      {"-9223372036854775809", YSCALAR_FLOAT},
      {"08", YSCALAR_INT},
      {"0123", YSCALAR_INT},
      {"-0x1F", YSCALAR_STRING},
      {"False", YSCALAR_BOOL},
      {"0x", YSCALAR_STRING},
      {"0xG", YSCALAR_STRING},
      {"1.5", YSCALAR_FLOAT},
      {"-1.5e3", YSCALAR_FLOAT},
      {"1e10", YSCALAR_FLOAT},
      {"1.", YSCALAR_FLOAT},
      {".5", YSCALAR_FLOAT},
      {".inf", YSCALAR_FLOAT},
      {"-.Inf", YSCALAR_FLOAT},
      {"+.INF", YSCALAR_FLOAT},
      {".nan", YSCALAR_FLOAT},
      {".NaN", YSCALAR_FLOAT},
      {"1e", YSCALAR_STRING},
      {"80:80", YSCALAR_STRING},
      {"1.2.3", YSCALAR_STRING},
      {"-", YSCALAR_STRING},
      {"+", YSCALAR_STRING},
      {".", YSCALAR_STRING},
      {"nginx", YSCALAR_STRING},
      {"1h30m", YSCALAR_STRING},
      {"0.0.0.0", YSCALAR_STRING},
      {"null", YSCALAR_NULL},
      {"~", YSCALAR_NULL},
  };
  struct arena a = ARENA_INIT;
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
    struct ynode *n = ydoc_new_scalar(&a, NULL, table[i].text, 0);
    is_int(ydoc_scalar_type(n), table[i].t, "type of '%s'", table[i].text);
  }
  struct ynode *q = ydoc_new_scalar(&a, NULL, "true", YNODE_QUOTED);
  is_int(ydoc_scalar_type(q), YSCALAR_STRING, "quoted 'true' is a string");
  is_int(ydoc_bool(q), -1, "quoted 'true' is not a bool");
  is_int(ydoc_bool(ydoc_new_scalar(&a, NULL, "True", 0)), 1, "True is true");
  is_int(ydoc_bool(ydoc_new_scalar(&a, NULL, "FALSE", 0)), 0, "FALSE is false");
  is_int(ydoc_bool(ydoc_new_scalar(&a, NULL, "off", 0)), -1,
         "off is not a boolean (YAML 1.2 core)");
  is_int(ydoc_bool(ydoc_new_scalar(&a, NULL, "1", 0)), -1, "1 is not bool");
  is_int(ydoc_scalar_type(ydoc_new_scalar(&a, NULL, "", 0)), YSCALAR_STRING,
         "empty built scalar is a string");
  is_int(ydoc_scalar_type(ydoc_new_null(&a, NULL)), YSCALAR_NULL, "null");
  is_str(ydoc_kind_name(ydoc_new_null(&a, NULL)), "null", "kind null");
  is_str(ydoc_kind_name(ydoc_new_map(&a, NULL)), "a mapping", "kind map");
  is_str(ydoc_kind_name(ydoc_new_seq(&a, NULL)), "a sequence", "kind seq");
  is_str(ydoc_kind_name(ydoc_new_scalar(&a, NULL, "x", 0)), "a string",
         "kind string");
  is_str(ydoc_kind_name(ydoc_new_scalar(&a, NULL, "3", 0)), "an integer",
         "kind int");
  is_str(ydoc_kind_name(ydoc_new_scalar(&a, NULL, "true", 0)), "a boolean",
         "kind bool");
  is_str(ydoc_kind_name(ydoc_new_scalar(&a, NULL, "1.5", 0)), "a number",
         "kind float");
  arena_release(&a);
}

static void test_builders(void)
{
  struct err e = ERR_INIT;
  struct ynode *r;
  int rc = parse("list: [a, b, c]\nmap: {x: 1, y: 2, z: 3}\n", &r, &e);
  is_int(rc, 0, "parsed for building");
  struct ynode *list = at(r, "list"), *map = at(r, "map");
  for (int i = 0; i < 20; i++)
    ydoc_seq_push(&A, list, ydoc_new_scalar(&A, NULL, "more", 0));
  is_int(list->n, 23, "pushed onto a parsed sequence");
  is_str(list->items[2]->str, "c", "old items kept");
  is_str(list->items[22]->str, "more", "new items there");
  ydoc_map_set(&A, map, "y", ydoc_new_scalar(&A, NULL, "two", 0));
  is_int(map->n, 3, "set replaces in place");
  is_str(str_at(r, "map.y"), "two", "replaced value");
  is_int(ydoc_index(map, "y"), 1, "same index");
  for (int i = 0; i < 10; i++) {
    char k[8];
    snprintf(k, sizeof(k), "k%d", i);
    ydoc_map_set(&A, map, k, ydoc_new_scalar(&A, NULL, k, 0));
  }
  is_int(map->n, 13, "set appends");
  is_str(str_at(r, "map.k9"), "k9", "appended value");
  is_str(map->keys[12]->str, "k9", "appended key");
  ydoc_map_del(map, "x");
  is_int(map->n, 12, "deleted");
  ok(!ydoc_get(map, "x"), "gone");
  is_str(map->keys[0]->str, "y", "order kept after delete");
  ydoc_map_del(map, "absent");
  is_int(map->n, 12, "deleting an absent key is a no-op");
  ok(!ydoc_get(list, "x"), "ydoc_get on a seq is NULL");
  is_int(ydoc_index(NULL, "x"), -1, "ydoc_index on NULL");

  struct ynode *c = ydoc_clone(&A, r);
  ok(c != r && at(c, "map") != map, "clone is deep");
  is_str(str_at(c, "map.k3"), "k3", "clone has content");
  ydoc_map_set(&A, at(c, "map"), "new", ydoc_new_null(&A, NULL));
  ok(!ydoc_get(map, "new"), "original untouched by clone edits");
  ydoc_seq_push(&A, at(c, "list"), ydoc_new_null(&A, NULL));
  is_int(at(c, "list")->n, 24, "push onto a clone");
  is_int(list->n, 23, "original list untouched");
  struct ynode *m = ydoc_new_map(&A, NULL);
  ydoc_map_set(&A, m, "a", ydoc_new_scalar(&A, NULL, "1", YNODE_QUOTED));
  ok(ydoc_get(m, "a")->flags & YNODE_QUOTED, "builder flags");
  err_release(&e);
}

int main(void)
{
  test_positions();
  test_nulls_and_styles();
  test_tags();
  test_aliases();
  test_alias_bomb();
  test_merge();
  test_duplicates();
  test_limits_and_errors();
  test_files();
  test_types();
  test_builders();
  arena_release(&A);
  return tap_done();
}
