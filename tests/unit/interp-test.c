/* Unit tests for interp: every substitution form, nesting, $$, errors and
 * warnings, and the walk over a YAML tree. */
#include "tap.h"
#include "compose/interp.h"
#include "util/buf.h"

static struct arena A = ARENA_INIT;
static struct env V;
static struct strvec W = STRVEC_INIT;
static struct err E = ERR_INIT;

/* The interpolation of in, or "ERR:<message>" on error. */
static const char *I(const char *in)
{
  char *out;
  struct err_pos pos = {"c.yml", 3, 7};
  err_reset(&E);
  int rc = interp_string(&A, in, &V, &pos, "services.web.image", &out, &W, &E);
  if (rc) {
    size_t n = E.len && E.text[E.len - 1] == '\n' ? E.len - 1 : E.len;
    return arena_printf(&A, "ERR:%.*s", (int)n, E.text);
  }
  return out;
}

static void test_forms(void)
{
  is_str(I("plain"), "plain", "no variables");
  is_str(I(""), "", "empty");
  is_str(I("$FOO"), "foo", "$NAME");
  is_str(I("${FOO}"), "foo", "${NAME}");
  is_str(I("a${FOO}b"), "afoob", "${NAME} inside text");
  is_str(I("$FOO-bar"), "foo-bar", "$NAME stops at a non-name char");
  is_str(I("$FOO_BAR"), "", "$NAME takes the longest name");
  is_str(I("$foo"), "lower", "names are case sensitive");
  is_str(I("$_u1"), "under", "underscore names");
  is_str(I("$$"), "$", "$$");
  is_str(I("$$FOO"), "$FOO", "$$NAME is literal");
  is_str(I("$${FOO}"), "${FOO}", "$${NAME} is literal");
  is_str(I("a$$$FOO"), "a$foo", "$$ then $NAME");
  is_str(I("${FOO:-def}"), "foo", ":- set");
  is_str(I("${EMPTY:-def}"), "def", ":- empty");
  is_str(I("${UNSET:-def}"), "def", ":- unset");
  is_str(I("${FOO-def}"), "foo", "- set");
  is_str(I("${EMPTY-def}"), "", "- empty keeps empty");
  is_str(I("${UNSET-def}"), "def", "- unset");
  is_str(I("${FOO:?msg}"), "foo", ":? set");
  is_str(I("${EMPTY?msg}"), "", "? empty is fine");
  is_str(I("${FOO:+rep}"), "rep", ":+ set");
  is_str(I("${EMPTY:+rep}"), "", ":+ empty");
  is_str(I("${UNSET:+rep}"), "", ":+ unset");
  is_str(I("${FOO+rep}"), "rep", "+ set");
  is_str(I("${EMPTY+rep}"), "rep", "+ empty counts as set");
  is_str(I("${UNSET+rep}"), "", "+ unset");
  is_str(I("${UNSET:-}"), "", "empty default");
  is_str(I("${UNSET:-a b:c-d}"), "a b:c-d", "default with punctuation");
  is_str(I("${UNSET:-{x}}"), "{x}", "a bare { does not nest");
  is_str(I("${UNSET:-a}}"), "a}", "extra } is literal");
  is_str(I("${DECLARED:-d}"), "d", "declared without value is unset");
}

static void test_nested(void)
{
  is_str(I("${UNSET:-${FOO}}"), "foo", "nested default");
  is_str(I("${UNSET:-${ALSO_UNSET:-x}}"), "x", "two levels");
  is_str(I("${A:-${B:-${C:-deep}}}"), "deep", "three levels");
  is_str(I("${UNSET:-pre-${FOO}-post}"), "pre-foo-post", "text around");
  is_str(I("${FOO:+[${BAR}]}"), "[bar]", "nested replacement");
  is_str(I("${UNSET:-$FOO}"), "foo", "unbraced in default");
  is_str(I("${UNSET:-$$}"), "$", "$$ in default");
  is_str(I("${UNSET:-${FOO}}${BAR}"), "foobar", "text after nested");
  is_str(I("x${UNSET:-${FOO:-a}b}y"), "xfooby", "nested in the middle");
}

static void test_errors(void)
{
  is_str(I("${ID:?ID variable must be set}"),
         "ERR:c.yml:3:7: services.web.image: required variable ID is "
         "missing a value: ID variable must be set",
         ":? unset");
  is_str(I("${EMPTY:?must not be empty}"),
         "ERR:c.yml:3:7: services.web.image: required variable EMPTY is "
         "missing a value: must not be empty",
         ":? empty");
  is_str(I("${UNSET?gone}"),
         "ERR:c.yml:3:7: services.web.image: required variable UNSET is "
         "missing a value: gone",
         "? unset");
  ok(strstr(I("${UNSET:?}"), "required variable UNSET is missing a value: "
                             "set UNSET in the environment"),
     "empty message gets a default");
  is_str(I("${UNSET:?need ${FOO}}"),
         "ERR:c.yml:3:7: services.web.image: required variable UNSET is "
         "missing a value: need foo",
         "message is interpolated");
  is_str(I("${FOO"),
         "ERR:c.yml:3:7: invalid interpolation format for "
         "services.web.image: \"${FOO\"; you may need to escape any $ with "
         "another $",
         "unterminated ${");
  const char *bad[] = {"${}",     "${ FOO}",  "${FOO BAR}", "${1A}",
                       "${FOO:}", "${FOO:x}", "${FOO!}",    "$",
                       "a $ b",   "$1",       "${A:-${B}",  "${FOO#x}"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    ok(strstr(I(bad[i]), "invalid interpolation format"), "invalid: '%s'",
       bad[i]);
  is_int(E.code, ERR_INTERP, "ERR_INTERP");
  char *out;
  err_reset(&E);
  int rc = interp_string(&A, "${X", &V, NULL, NULL, &out, NULL, &E);
  is_int(rc, ERR_INTERP, "no path");
  is_str(E.text,
         "invalid interpolation format: \"${X\"; you may need to escape any $ "
         "with another $\n",
         "message without path or position");
  char deep[1024] = "";
  for (int i = 0; i < 70; i++)
    strcat(deep, "${A:-");
  for (int i = 0; i < 70; i++)
    strcat(deep, "}");
  ok(strstr(I(deep), "nested more than"), "deep nesting is refused");
  is_int(E.code, ERR_LIMIT, "nesting limit is ERR_LIMIT");
}

static void test_warnings(void)
{
  strvec_clear(&W);
  is_str(I("$NOPE and ${NOPE} and ${NOPE2}"), " and  and ", "unset is blank");
  is_int(W.n, 2, "one warning per variable");
  is_str(W.n ? W.v[0] : NULL,
         "The \"NOPE\" variable is not set. Defaulting to a blank string.",
         "warning text");
  strvec_clear(&W);
  I("${NOPE:-x}${NOPE-y}${NOPE:+z}${NOPE+w}");
  is_int(W.n, 0, "no warning when a modifier handles it");
  char *out;
  int rc = interp_string(&A, "$NOPE", NULL, NULL, NULL, &out, NULL, NULL);
  ok(rc == 0 && !strcmp(out, ""), "NULL vars and warnings are fine");
}

static void test_tree(void)
{
  struct err e = ERR_INIT;
  struct ynode *r;
  const char *y = "services:\n"
                  "  web:\n"
                  "    image: \"${IMG:-nginx}:${TAG}\"\n"
                  "    replicas: ${N}\n"
                  "    ports:\n"
                  "      - \"${PORT}:80\"\n"
                  "      - ${BAD\n"
                  "    command: ~\n"
                  "    ${FOO}: key-not-interpolated\n"
                  "    labels: ['$$escaped', $$, '${ID:?need id}']\n";
  int rc = ydoc_parse(&A, "c.yml", y, strlen(y), NULL, &r, &e);
  is_int(rc, 0, "tree parsed");
  strvec_clear(&W);
  rc = interp_tree(&A, r, &V, &W, &e);
  is_int(rc, ERR_INTERP, "errors reported");
  is_int(e.count, 2, "every error reported");
  ok(e.text && strstr(e.text, "c.yml:7:9: invalid interpolation format for "
                              "services.web.ports[1]: \"${BAD\""),
     "path with index and position: %s", e.text);
  ok(e.text && strstr(e.text, "c.yml:10:31: services.web.labels[2]: "
                              "required variable ID is missing a value: "
                              "need id"),
     "required in a sequence: %s", e.text);
  struct ynode *web = ydoc_get(ydoc_get(r, "services"), "web");
  struct ynode *img = ydoc_get(web, "image");
  is_str(img->str, "nginx:", "interpolated in place");
  is_int(img->len, 6, "len updated");
  ok(img->flags & YNODE_QUOTED, "quoted stays quoted");
  struct ynode *rep = ydoc_get(web, "replicas");
  is_str(rep->str, "3", "plain interpolated");
  is_int(ydoc_scalar_type(rep), YSCALAR_STRING,
         "interpolated result is a string (its field may cast it)");
  is_str(ydoc_get(web, "ports")->items[0]->str, "8080:80", "seq item");
  ok(ydoc_get(web, "command")->kind == YNODE_NULL, "null stays null");
  ok(ydoc_index(web, "${FOO}") >= 0, "keys untouched");
  struct ynode *labels = ydoc_get(web, "labels");
  is_str(labels->items[0]->str, "$escaped", "$$ in tree");
  is_str(labels->items[1]->str, "$", "plain $$");
  is_int(W.n, 1, "warning for TAG");

  err_reset(&e);
  y = "a: $FOO\nb: [x, $BAR]\n";
  rc = ydoc_parse(&A, "c.yml", y, strlen(y), NULL, &r, &e);
  ydoc_get(r, "a")->flags |= YNODE_NOINTERP;
  rc = interp_tree(&A, r, &V, NULL, &e);
  is_int(rc, 0, "clean tree");
  is_str(ydoc_get(r, "a")->str, "$FOO", "NOINTERP skipped");
  is_str(ydoc_get(r, "b")->items[1]->str, "bar", "others done");
  is_int(interp_tree(&A, NULL, &V, NULL, &e), 0, "NULL tree");
  err_release(&e);
}

/* A value that is not UTF-8 text cannot be printed as YAML or sent as
 * JSON: refused where it is used, naming the variable. */
static void test_encoding(void)
{
  env_set(&V, "LATIN", "caf\xe9");
  env_set(&V, "SURR", "\xed\xa0\x80");
  env_set(&V, "UTF", "caf\xc3\xa9");
  is_str(I("x:$LATIN"),
         "ERR:c.yml:3:7: services.web.image: the value of $LATIN is not "
         "UTF-8 text",
         "a Latin-1 value is refused at its use");
  is_str(I("${SURR}"),
         "ERR:c.yml:3:7: services.web.image: the value of $SURR is not "
         "UTF-8 text",
         "an encoded surrogate is refused");
  is_str(I("$UTF"), "caf\xc3\xa9", "UTF-8 text passes");
  is_str(I("${LATIN:+set}"), "set", "an unused value is not refused");
  ok(utf8_invalid_at("ab\xc3\xa9", 4) == 4, "utf8: valid text");
  ok(utf8_invalid_at("ab\xc3", 3) == 2, "utf8: truncated sequence");
  ok(utf8_invalid_at("\xc0\xaf", 2) == 0, "utf8: overlong");
  ok(utf8_invalid_at("a\xf4\x90\x80\x80", 5) == 1, "utf8: past U+10FFFF");
  ok(utf8_invalid_at("\xf0\x9f\x98\x80", 4) == 4, "utf8: four bytes");
}

int main(void)
{
  env_init(&V, &A);
  env_set(&V, "FOO", "foo");
  env_set(&V, "BAR", "bar");
  env_set(&V, "foo", "lower");
  env_set(&V, "_u1", "under");
  env_set(&V, "EMPTY", "");
  env_set(&V, "DECLARED", NULL);
  env_set(&V, "N", "3");
  env_set(&V, "PORT", "8080");
  test_forms();
  test_nested();
  test_errors();
  test_warnings();
  test_tree();
  test_encoding();
  strvec_clear(&W);
  err_release(&E);
  arena_release(&A);
  return tap_done();
}
