/* Unit tests for the .dockerignore matcher: a table of patterns and paths
 * with the answers docker gives, syntax errors, and the walk variant. */
#include "tap.h"
#include "engine/ignore.h"
#include "util/err.h"

#include <stdlib.h>

struct row {
  const char *text; /* .dockerignore contents */
  const char *path;
  int excluded;
};

static const struct row rows[] = {
    /* the docker documentation's examples */
    {"*/temp*", "somedir/temporary.txt", 1},
    {"*/temp*", "somedir/temp", 1},
    {"*/temp*", "somedir/temp/inner.txt", 1},
    {"*/temp*", "temporary.txt", 0},
    {"*/temp*", "a/b/temp", 0},
    {"*/*/temp*", "somedir/subdir/temporary.txt", 1},
    {"*/*/temp*", "somedir/temporary.txt", 0},
    {"*/*/temp*", "a/b/c/temp", 0},
    {"temp?", "tempa", 1},
    {"temp?", "tempb/x", 1},
    {"temp?", "temp", 0},
    {"temp?", "tempab", 0},
    {"temp?", "x/tempa", 0},
    {"**/*.go", "main.go", 1},
    {"**/*.go", "cmd/tool/main.go", 1},
    {"**/*.go", "main.gox", 0},
    {"**/*.go", "pkg.go/file.txt", 1},
    {"*.md\n!README.md\n", "README.md", 0},
    {"*.md\n!README.md\n", "CHANGES.md", 1},
    {"!README.md\n", "README.md", 0},
    {"*.md\n!README*.md\nREADME-secret.md\n", "README-secret.md", 1},
    {"*.md\n!README*.md\nREADME-secret.md\n", "README-other.md", 0},
    {"*.md\n!README*.md\nREADME-secret.md\n", "notes.md", 1},
    {"*.md\n!README*.md\nREADME-secret.md\n", "docs/notes.md", 0},
    /* cleaning: leading '/', "./", trailing '/', "..", whitespace */
    {"/foo", "foo", 1},
    {"./foo/", "foo/bar", 1},
    {"foo/../bar", "bar", 1},
    {"foo/../bar", "foo", 0},
    {"a//b", "a/b", 1},
    {"foo   \n", "foo", 1},
    {"  foo\t\n", "foo", 1},
    {"! foo\n", "foo", 0},
    {"*\n! foo \n", "foo", 0},
    {"*\n!/foo\n", "foo", 0},
    {"../foo", "foo", 0},
    {"/ foo", "foo", 1},      /* trimmed again once '/' is dropped */
    {"/ \nfoo", "foo", 1},    /* "/ " is no pattern at all */
    {"*\n/!foo\n", "foo", 0}, /* "/!foo" is an exception */
    {".", "a", 0},
    {"/", "a", 0},
    /* comments and blank lines */
    {"# foo\n", "# foo", 0},
    {"#foo\n", "#foo", 0},
    {" #foo\n", "#foo", 1},
    {"\n\n  \nfoo\n\n", "foo", 1},
    {"foo\r\nbar\r\n", "bar", 1},
    {"\xef\xbb\xbf"
     "foo\n",
     "foo", 1},
    /* a parent directory match excludes the tree below */
    {"foo", "foo/bar/baz", 1},
    {"foo", "foobar", 0},
    {"foo/bar", "foo/bar/baz", 1},
    {"foo/bar", "foo", 0},
    {"foo*", "foobar", 1},
    {"foo*", "x/foobar", 0},
    {"a*", "ab/c", 1},
    {"*.txt", "a/b.txt", 0},
    {"*", "anything/at/all", 1},
    /* "**" */
    {"**", "a", 1},
    {"**", "a/b/c", 1},
    {"foo/**", "foo/a", 1},
    {"foo/**", "foo/a/b", 1},
    {"foo/**", "foo", 0},
    {"**/foo", "foo", 1},
    {"**/foo", "a/foo", 1},
    {"**/foo", "a/b/foo", 1},
    {"**/foo", "a/foo/b", 1},
    {"**/foo", "barfoo", 0},
    {"**foo", "barfoo", 1}, /* docker's suffix comparison */
    {"**foo", "a/xfoo", 1},
    {"a/**/b", "a/b", 1},
    {"a/**/b", "a/x/b", 1},
    {"a/**/b", "a/x/y/b", 1},
    {"a/**/b", "a/xb", 0},
    {"a**b", "ab", 1},
    {"a**b", "a/b", 1},
    {"a**b", "ax/b", 1},
    {"a**b", "axb", 0},
    {"a/**", "a/b/c", 1},
    {"**/x/**/*.o", "x/y.o", 1},
    {"**/x/**/*.o", "p/x/q/r/y.o", 1},
    {"**/x/**/*.o", "p/x/q/r/y.c", 0},
    {"***", "a/b", 1},
    {"*/**", "a/b", 1},
    {"*/**", "a", 0},
    /* '*' and '?' do not cross '/' */
    {"a?b", "a/b", 0},
    {"a?b", "axb", 1},
    {"a*b", "a/b", 0},
    {"a*b", "axyzb", 1},
    {"*/b", "a/b", 1},
    {"*/b", "x/a/b", 0},
    /* classes and escapes */
    {"[a-c]at", "bat", 1},
    {"[a-c]at", "dat", 0},
    {"[^a]at", "bat", 1},
    {"[^a]at", "aat", 0},
    {"[!a]at", "!at", 1},
    {"[!a]at", "bat", 0},
    {"[abc]", "b", 1},
    {"[a-cx-z]1", "y1", 1},
    {"[a-cx-z]1", "m1", 0},
    {"a[/]b", "a/b", 1},
    {"[\\]]", "]", 1},
    {"[*]", "*", 1},
    {"[*]", "a", 0},
    {"\\*", "*", 1},
    {"\\*", "a", 0},
    {"f\\[o", "f[o", 1},
    {"\\#x", "#x", 1},
    {"a]b", "a]b", 1},
    {"a.b", "a.b", 1},
    {"a.b", "axb", 0},
    {"a+(b)|{c}$", "a+(b)|{c}$", 1},
    {"caf?", "caf\xc3\xa9", 1},
    {"caf[\xc3\xa0-\xc3\xbf]", "caf\xc3\xa9", 1},
    {"?", "\xc3\xa9", 1},
    /* exceptions: last matching pattern wins */
    {"dir\n!dir/keep\n", "dir/keep", 0},
    {"dir\n!dir/keep\n", "dir/keep/x", 0},
    {"dir\n!dir/keep\n", "dir/other", 1},
    {"dir\n!dir/keep\n", "dir", 1},
    {"!dir/keep\ndir\n", "dir/keep", 1},
    {"*.log\n!important.log\n", "important.log", 0},
    {"*.log\n!important.log\n", "debug.log", 1},
    {"*.log\n!important.log\n*.log\n", "important.log", 1},
    {"dir\n!dir/sub\ndir\n", "dir/sub/f", 1},
};

/* The text on one line, for test names. */
static const char *oneline(const char *text)
{
  static char out[256];
  size_t n = 0;
  for (; *text && n < sizeof(out) - 4; text++) {
    if (*text == '\n' && text[1]) {
      out[n++] = ' ';
      out[n++] = '|';
      out[n++] = ' ';
    } else if (*text != '\n' && *text != '\r') {
      out[n++] = *text;
    }
  }
  out[n] = '\0';
  return out;
}

static int parse(struct ignore **m, const char *text)
{
  struct err e = ERR_INIT;
  int rc = ignore_parse(m, text, strlen(text), ".dockerignore", &e);
  err_release(&e);
  return rc;
}

static void check_rows(void)
{
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    struct ignore *m;
    if (parse(&m, rows[i].text) < 0) {
      ok(0, "parse '%s'", rows[i].text);
      continue;
    }
    is_int(ignore_match(m, rows[i].path, 0), rows[i].excluded, "'%s' %s '%s'",
           oneline(rows[i].text), rows[i].excluded ? "excludes" : "keeps",
           rows[i].path);
    ignore_free(m);
  }
}

static void check_errors(void)
{
  static const struct {
    const char *text, *msg;
    int code;
  } bad[] = {
      {"ok\n!\n", ".dockerignore:2: illegal exclusion pattern '!'\n",
       ERR_BUILD},
      {"!/\n", ".dockerignore:1: illegal exclusion pattern '!'\n", ERR_BUILD},
      {"a\n\n[a\n", ".dockerignore:3: syntax error in pattern '[a'\n",
       ERR_BUILD},
      {"foo\\", ".dockerignore:1: syntax error in pattern 'foo\\'\n",
       ERR_BUILD},
      {"[]", ".dockerignore:1: syntax error in pattern '[]'\n", ERR_BUILD},
      {"[a-]", ".dockerignore:1: syntax error in pattern '[a-]'\n", ERR_BUILD},
      {"[-a]", ".dockerignore:1: syntax error in pattern '[-a]'\n", ERR_BUILD},
      {"[^]]", ".dockerignore:1: syntax error in pattern '[^]]'\n", ERR_BUILD},
      {"!x[\\", ".dockerignore:1: syntax error in pattern 'x[\\'\n", ERR_BUILD},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct err e = ERR_INIT;
    struct ignore *m = (struct ignore *)&e;
    int rc =
        ignore_parse(&m, bad[i].text, strlen(bad[i].text), ".dockerignore", &e);
    is_int(rc, bad[i].code, "'%s' is refused", oneline(bad[i].text));
    is_str(e.text, bad[i].msg, "message for '%s'", oneline(bad[i].text));
    ok(m == NULL, "no matcher on error");
    err_release(&e);
  }
  char *long_line = malloc(IGNORE_LINE_MAX + 2);
  memset(long_line, 'a', IGNORE_LINE_MAX + 1);
  long_line[IGNORE_LINE_MAX + 1] = '\0';
  struct err e = ERR_INIT;
  struct ignore *m;
  is_int(ignore_parse(&m, long_line, strlen(long_line), "x", &e), ERR_LIMIT,
         "a line past the limit is refused");
  err_release(&e);
  free(long_line);
}

static void check_clean(void)
{
  static const char *cases[][2] = {
      {"", "."},
      {".", "."},
      {"a//b/./c/..", "a/b"},
      {"/../a", "/a"},
      {"../../a", "../../a"},
      {"a/../..", ".."},
      {"/", "/"},
      {"a/", "a"},
      {"./a/b/", "a/b"},
      {"a/b/../../c", "c"},
      {"//a//", "/a"},
      {"..a/.b", "..a/.b"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char buf[64];
    strcpy(buf, cases[i][0]);
    ignore_clean_path(buf);
    is_str(buf, cases[i][1], "clean '%s'", cases[i][0]);
  }
}

static void check_walk_and_skip(void)
{
  struct ignore *m;
  unsigned char dir[8], sub[8];

  /* docker's walk keeps dir/sub here, where the full check does not */
  parse(&m, "dir\n!dir/sub\ndir\n");
  is_int(ignore_match_walk(m, "dir", NULL, dir), 1, "walk: dir excluded");
  is_int(ignore_match_walk(m, "dir/sub", dir, sub), 0, "walk: dir/sub kept");
  is_int(ignore_match_walk(m, "dir/sub/f", sub, NULL), 0,
         "walk: dir/sub/f kept");
  is_int(ignore_match(m, "dir/sub/f", 0), 1, "full check: excluded");
  ok(!ignore_skip_dir(m, "dir"), "dir cannot be skipped");
  ignore_free(m);

  parse(&m, "build\n!build/keep.txt\nnode_modules\n!*.md\n");
  is_int(ignore_count(m), 4, "four patterns");
  ok(ignore_has_exceptions(m), "has exceptions");
  ok(!ignore_skip_dir(m, "build"), "build has an exception below");
  ok(ignore_skip_dir(m, "node_modules"), "node_modules can be skipped");
  ok(ignore_skip_dir(m, "buil"), "prefix must end at a '/'");
  is_int(ignore_match_walk(m, "build", NULL, dir), 1, "walk: build");
  is_int(ignore_match_walk(m, "build/keep.txt", dir, NULL), 0,
         "walk: build/keep.txt kept");
  is_int(ignore_match_walk(m, "build/x.o", dir, NULL), 1,
         "walk: build/x.o excluded");
  ignore_free(m);

  parse(&m, "dir\n");
  ok(!ignore_has_exceptions(m), "no exceptions");
  ok(ignore_skip_dir(m, "dir"), "skip without exceptions");
  ignore_free(m);

  m = ignore_new();
  is_int(ignore_match(m, "x", 0), 0, "empty matcher keeps all");
  is_int(ignore_add(m, "x/**", NULL), 0, "ignore_add");
  is_int(ignore_add(m, "# comment", NULL), 0, "ignore_add comment");
  is_int(ignore_add(m, "!x/y", NULL), 0, "ignore_add exception");
  is_int(ignore_count(m), 2, "comment added nothing");
  is_int(ignore_match(m, "x/z", 0), 1, "added pattern matches");
  is_int(ignore_match(m, "x/y/z", 0), 0, "added exception matches");
  struct err e = ERR_INIT;
  is_int(ignore_add(m, "[", &e), ERR_BUILD, "ignore_add checks syntax");
  is_str(e.text, "pattern: syntax error in pattern '['\n", "its message");
  err_release(&e);
  ignore_free(m);
}

int main(void)
{
  check_rows();
  check_errors();
  check_clean();
  check_walk_and_skip();
  return tap_done();
}
