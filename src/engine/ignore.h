/* The .dockerignore matcher, with the docker CLI's rules (moby's
 * patternmatcher and ignorefile): Go filepath.Match syntax plus "**",
 * "!" exceptions, and a pattern that matches a directory covers its tree.
 *
 * Syntax, per line: a line starting with '#' is a comment; surrounding
 * whitespace is trimmed; blank lines are skipped; a leading '!' makes an
 * exception; the rest is cleaned like Go's filepath.Clean and a leading '/'
 * is dropped. In a pattern, '*' matches any run of characters but '/', '?'
 * one character but '/', "[a-z]" and "[^a-z]" a class (which may match '/'),
 * '\' escapes the next character, and "**" any number of directories:
 * followed by more pattern it matches zero or more whole leading
 * directories, at the end of the pattern anything at all.
 * Patterns that start with "**" and are otherwise literal compare as a
 * suffix ("**foo" matches "barfoo"), as docker does.
 *
 * Paths given to the matcher are relative to the context, '/'-separated,
 * without "./" (e.g. "src/main.c").
 *
 * Checked against moby/patternmatcher v0.6.1 on random patterns: the same
 * answers, except where docker's pattern-to-regexp translation misfires,
 * which here keep their glob meaning: '*' or '?' inside brackets ("[*]"),
 * '|', '{' and '}' (docker lets Go's regexp see them), an escaped letter
 * ("\d" is "d" here, a digit class there); and patterns whose syntax error
 * comes after a '*' ("a*[", "a*\") are refused here, where docker accepts
 * them and fails or matches oddly when it walks.
 *
 * Memory: the matcher owns copies of its patterns; ignore_free frees it. */
#ifndef WCOMPOSE_ENGINE_IGNORE_H
#define WCOMPOSE_ENGINE_IGNORE_H

#include <stddef.h>

struct err;
struct ignore;

/* Longest accepted line, as docker's line scanner (64 KiB). */
#define IGNORE_LINE_MAX 65536

/* A matcher with no patterns (matches nothing); never fails. */
struct ignore *ignore_new(void);

/* Parse .dockerignore text (len bytes, NUL not needed; a UTF-8 BOM is
 * skipped) into a new matcher. name ("ctx/.dockerignore") prefixes the
 * messages: "name:LINE: syntax error in pattern '[a'" (ERR_BUILD), "name:LINE:
 * illegal exclusion pattern '!'" (ERR_BUILD), a line too long (ERR_LIMIT).
 * On error *out is NULL. */
int ignore_parse(struct ignore **out, const char *text, size_t len,
                 const char *name, struct err *err);

/* Append one pattern written as a line of the file ("!Dockerfile");
 * errors as ignore_parse, with no line number. */
int ignore_add(struct ignore *m, const char *line, struct err *err);

void ignore_free(struct ignore *m);

/* Number of patterns, and whether any is an exception ("!..."). */
size_t ignore_count(const struct ignore *m);
int ignore_has_exceptions(const struct ignore *m);

/* 1 when relpath is excluded: the last pattern that matches relpath or one
 * of its parent directories decides (an exception re-includes). is_dir is
 * accepted for callers' clarity; docker's rules do not depend on it (a
 * trailing '/' is cleaned away). */
int ignore_match(const struct ignore *m, const char *relpath, int is_dir);

/* The same decision as a tree walk makes it, reusing the parent directory's
 * per-pattern results: parent is what this call wrote to `out` for the
 * parent directory (NULL for entries at the top, or to check all parents
 * again), out (may be NULL) receives ignore_count(m) bytes for this path,
 * to pass when matching its children. This is what `docker build` does;
 * it can differ from ignore_match when a pattern is repeated after an
 * exception ("dir", "!dir/sub", "dir" keeps dir/sub), and wcompose follows
 * docker there. */
int ignore_match_walk(const struct ignore *m, const char *relpath,
                      const unsigned char *parent, unsigned char *out);

/* For an excluded directory: 1 when its walk can be skipped, i.e. no
 * exception pattern's text starts with "reldir/". This is docker's literal
 * test: an exception that starts with a wildcard (say "!*.md") does not
 * reopen an excluded directory there, nor here. */
int ignore_skip_dir(const struct ignore *m, const char *reldir);

/* Go's filepath.Clean for '/'-separated paths, in place (the result is
 * never longer); an empty path becomes ".". Exposed for tests and for
 * callers that build relative names. */
void ignore_clean_path(char *path);

#endif
