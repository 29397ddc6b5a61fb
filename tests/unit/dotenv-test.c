/* Unit tests for dotenv: the env set, and every .env form compose reads
 * (export, quotes, escapes, comments, multi-line, interpolation, bare
 * names) with the errors it gives. */
#include "tap.h"
#include "compose/dotenv.h"

#include <stdlib.h>
#include <unistd.h>

static struct arena A = ARENA_INIT;
static struct err E = ERR_INIT;

static int parse(struct env *out, const char *text, const struct env *look)
{
  env_init(out, &A);
  err_reset(&E);
  return dotenv_parse(out, "t.env", text, strlen(text), look, &E);
}

static void test_env(void)
{
  struct env e;
  env_init(&e, &A);
  env_set(&e, "A", "1");
  env_set(&e, "B", "2");
  env_set(&e, "A", "3");
  is_int(e.n, 2, "replace keeps one entry");
  is_str(e.vars[0].name, "A", "first-insertion order");
  is_str(env_get(&e, "A"), "3", "replaced value");
  env_set(&e, "C", NULL);
  ok(env_has(&e, "C") && !env_get(&e, "C"), "declared without value");
  ok(!env_has(&e, "D") && !env_get(&e, "D"), "absent");
  for (int i = 0; i < 100; i++) {
    char n[16];
    snprintf(n, sizeof(n), "V%d", i);
    env_set(&e, n, n);
  }
  is_str(env_get(&e, "V99"), "V99", "grows");
  is_str(env_get(&e, "B"), "2", "old entries survive growth");
  char *envp[] = {"HOME=/root", "EMPTY=", "X=a=b", "NOEQ", NULL};
  struct env p;
  env_init(&p, &A);
  env_add_environ(&p, envp);
  is_str(env_get(&p, "HOME"), "/root", "environ");
  is_str(env_get(&p, "EMPTY"), "", "empty value is set");
  is_str(env_get(&p, "X"), "a=b", "value with =");
  ok(!env_has(&p, "NOEQ"), "entry without = skipped");
  ok(!env_get(NULL, "X") && !env_has(NULL, "X"), "NULL env");
}

static void test_forms(void)
{
  struct env e, look;
  env_init(&look, &A);
  env_set(&look, "SHELLVAR", "fromshell");
  env_set(&look, "INHERIT", "inherited");
  int rc = parse(&e,
                 "# a comment\n"
                 "PLAIN=value\n"
                 "export EXPORTED=yes\n"
                 "  SPACED = around  \n"
                 "EMPTY=\n"
                 "COMMENT=val # trailing comment\n"
                 "HASH=val#not-a-comment\n"
                 "SINGLE='single $PLAIN \\n # kept'\n"
                 "DOUBLE=\"double $PLAIN\\tx\\ny # kept\"\n"
                 "MULTI=\"line1\n"
                 "line2\"\n"
                 "SMULTI='a\n"
                 "b'\n"
                 "ESC=\"q\\\"uote \\\\ back \\$PLAIN $$PLAIN\"\n"
                 "REF=${PLAIN}-$PLAIN-${NOPE:-def}\n"
                 "SHELL=$SHELLVAR\n"
                 "INHERIT\n"
                 "NOTHERE\n"
                 "DOTTED.name-x[0]=ok\n"
                 "YAML: style\n"
                 "QUOTED_COMMENT=\"v\" # comment\n"
                 "OCT=\"\\0101\"\n"
                 "OTHER=\"\\x\"\n"
                 "\n"
                 "LAST=end",
                 &look);
  is_int(rc, 0, "parses: %s", E.text ? E.text : "");
  is_str(env_get(&e, "PLAIN"), "value", "KEY=VALUE");
  is_str(env_get(&e, "EXPORTED"), "yes", "export prefix");
  ok(!env_has(&e, "export EXPORTED"), "export not in the name");
  is_str(env_get(&e, "SPACED"), "around", "blanks trimmed");
  is_str(env_get(&e, "EMPTY"), "", "empty value");
  is_str(env_get(&e, "COMMENT"), "val", "inline comment after a space");
  is_str(env_get(&e, "HASH"), "val#not-a-comment", "# without space kept");
  is_str(env_get(&e, "SINGLE"), "single $PLAIN \\n # kept",
         "single quotes are literal");
  is_str(env_get(&e, "DOUBLE"), "double value\tx\ny # kept",
         "double quotes: escapes and interpolation");
  is_str(env_get(&e, "MULTI"), "line1\nline2", "multi-line double quoted");
  is_str(env_get(&e, "SMULTI"), "a\nb", "multi-line single quoted");
  is_str(env_get(&e, "ESC"), "q\"uote \\ back $PLAIN $PLAIN",
         "\\\" \\\\ \\$ and $$");
  is_str(env_get(&e, "REF"), "value-value-def", "earlier keys and defaults");
  is_str(env_get(&e, "SHELL"), "fromshell", "lookup env after the file");
  is_str(env_get(&e, "INHERIT"), "inherited", "bare name takes the lookup");
  ok(env_has(&e, "NOTHERE") && !env_get(&e, "NOTHERE"),
     "bare name without lookup value is declared only");
  is_str(env_get(&e, "DOTTED.name-x[0]"), "ok", "name chars . - [ ]");
  is_str(env_get(&e, "YAML"), "style", "KEY: VALUE");
  is_str(env_get(&e, "QUOTED_COMMENT"), "v", "comment after quotes");
  is_str(env_get(&e, "OCT"), "A", "octal escape");
  is_str(env_get(&e, "OTHER"), "\\x", "unknown escape kept");
  is_str(env_get(&e, "LAST"), "end", "last line without newline");
  is_str(e.vars[0].name, "PLAIN", "file order");

  rc = parse(&e, "A=1\r\nB=\"x\"\r\nC=two words \r\n", NULL);
  is_int(rc, 0, "CRLF");
  is_str(env_get(&e, "A"), "1", "CRLF value");
  is_str(env_get(&e, "C"), "two words", "CRLF trailing blank trimmed");
  rc = parse(&e,
             "\xef\xbb\xbf"
             "BOM=1\n",
             NULL);
  is_str(env_get(&e, "BOM"), "1", "UTF-8 BOM skipped");
  rc = parse(&e, "A=first\nA=second\nB=$A\n", NULL);
  is_str(env_get(&e, "A"), "second", "later wins");
  is_str(env_get(&e, "B"), "second", "interpolation sees the latest");
  rc = parse(&e, "", NULL);
  ok(rc == 0 && e.n == 0, "empty file");
  rc = parse(&e, "# just\n   # comments\n\n", NULL);
  ok(rc == 0 && e.n == 0, "comments only");
  env_init(&look, &A);
  env_set(&look, "X", "shell");
  rc = parse(&e, "X=file\nY=$X\n", &look);
  is_str(env_get(&e, "Y"), "file", "the file's own keys come first");
}

static void test_errors(void)
{
  struct env e;
  int rc = parse(&e, "GOOD=1\nBAD/NAME=2\n", NULL);
  is_int(rc, ERR_SCHEMA, "bad name");
  is_str(E.text,
         "t.env:2:4: unexpected character '/' in variable name (names are "
         "letters, digits and _ . - [ ])\n",
         "bad name message");
  rc = parse(&e, "A=\"never closed\nB=2\n", NULL);
  ok(rc == ERR_SCHEMA && strstr(E.text, "t.env:1:3: unterminated quoted "
                                        "value for 'A'"),
     "unterminated: %s", E.text);
  rc = parse(&e, "A B=1\n", NULL);
  ok(rc == ERR_SCHEMA && strstr(E.text, "cannot contain a space"),
     "space in name: %s", E.text);
  rc = parse(&e, "=1\n", NULL);
  ok(rc == ERR_SCHEMA && strstr(E.text, "t.env:1:1: missing variable name"),
     "no name: %s", E.text);
  rc = parse(&e, "A=${B\n", NULL);
  ok(rc == ERR_INTERP && strstr(E.text, "t.env:1:3: invalid interpolation "
                                        "format for A"),
     "bad interpolation: %s", E.text);
  rc = parse(&e, "A=${B:?B is needed}\n", NULL);
  ok(rc == ERR_INTERP && strstr(E.text, "required variable B is missing a "
                                        "value: B is needed"),
     "required: %s", E.text);
  rc = parse(&e, "A=\"\x01\"\nB\x02=1\n", NULL);
  ok(rc == ERR_SCHEMA && strstr(E.text, "t.env:2:2: unexpected character "
                                        "'\\x02'"),
     "control char: %s", E.text);
}

static void test_files(void)
{
  struct env e;
  env_init(&e, &A);
  err_reset(&E);
  int rc = dotenv_parse_file(&e, "/nonexistent/.env", NULL, &E);
  ok(rc == ERR_IO && strstr(E.text, "env file '/nonexistent/.env' not found"),
     "missing: %s", E.text);
  err_reset(&E);
  rc = dotenv_parse_file(&e, "/tmp", NULL, &E);
  ok(rc == ERR_IO && strstr(E.text, "is a directory"), "directory");
  char path[] = "/tmp/dotenv-test-XXXXXX";
  int fd = mkstemp(path);
  if (fd >= 0) {
    ok(write(fd, "K=v\nBAD!=1\n", 11) == 11, "written");
    close(fd);
    err_reset(&E);
    rc = dotenv_parse_file(&e, path, NULL, &E);
    is_int(rc, ERR_SCHEMA, "file error");
    ok(E.text && !strncmp(E.text, path, strlen(path)) &&
           strstr(E.text, ":2:4: unexpected character '!'"),
       "file name and position: %s", E.text);
    is_str(env_get(&e, "K"), "v", "lines before the error were read");
    unlink(path);
  }
}

int main(void)
{
  test_env();
  test_forms();
  test_errors();
  test_files();
  err_release(&E);
  arena_release(&A);
  return tap_done();
}
