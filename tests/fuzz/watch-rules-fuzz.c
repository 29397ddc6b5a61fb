/* libFuzzer target for the develop.watch rule matcher. The input is lines:
 *   R<a><path> [target]   a rule (action a: 0 sync, 1 rebuild, 2
 *                         sync+restart, 3 restart, 4 sync+exec) on the
 *                         service numbered by the rule's count % 3
 *   I<pattern>            an ignore pattern of the last rule
 *   N<pattern>            an include pattern of the last rule
 *   P<path>               a changed path
 * Paths are put under /w (nothing is read from disk: the rules' paths do
 * not exist). Checked: a match is below its rule's path and its container
 * path is absolute and clean; a batch counts what it matched; a directory
 * the watcher may skip has nothing below it that a rule takes. Run by
 * run.sh. */
/* fuzz-sources: src/watch/rules.c src/engine/ignore.c src/util/path.c
 * src/util/buf.c src/util/err.c src/util/xalloc.c src/util/strvec.c
 * src/compose/model.c src/compose/model-parse.c src/compose/ydoc.c
 * src/compose/interp.c src/compose/problems.c src/compose/fields.c
 * src/compose/sindex.c src/compose/dotenv.c src/compose/graph.c
 * src/util/arena.c src/util/similar.c */
#include "util/path.h"
#include "util/strvec.h"
#include "watch/rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RULES 8
#define MAX_PATHS 16
#define MAX_PATS 8

static int clean_abs(const char *p)
{
  size_t n = strlen(p);
  return p[0] == '/' && !strstr(p, "//") && !strstr(p, "/./") &&
         !strstr(p, "/../") && (n == 1 || p[n - 1] != '/') &&
         !(n >= 2 && !strcmp(p + n - 2, "/.")) &&
         !(n >= 3 && !strcmp(p + n - 3, "/.."));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct service svc[3];
  struct watch_rule rules[3][MAX_RULES];
  const char *pats[MAX_RULES][2][MAX_PATS];
  char *paths[MAX_PATHS];
  char *owned[MAX_RULES * 2 + MAX_RULES * 2 * MAX_PATS + 8];
  size_t nowned = 0, npaths = 0, nrules = 0;
  struct watch_rule *last = NULL;
  size_t last_rule = 0;
  static const char *cmd[] = {"true"};

  memset(svc, 0, sizeof(svc));
  memset(rules, 0, sizeof(rules));
  memset(pats, 0, sizeof(pats));
  for (int i = 0; i < 3; i++) {
    svc[i].name = i == 0 ? "a" : i == 1 ? "b" : "c";
    svc[i].watch = rules[i];
  }
  static struct build b = {.context = "/nonexistent-context"};
  svc[1].build = &b;
  svc[2].build = &b;

  const char *s = (const char *)data, *end = s + size;
  while (s < end) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
    char *line = strndup(s, len); /* stops at a NUL byte */
    s += len + 1;
    if (!line[0] || nowned + 2 >= sizeof(owned) / sizeof(owned[0])) {
      free(line);
      continue;
    }
    owned[nowned++] = line;
    if (line[0] == 'R' && line[1] && nrules < MAX_RULES) {
      struct service *sv = &svc[nrules % 3];
      struct watch_rule *r = &rules[nrules % 3][sv->nwatch];
      char *sp = strchr(line + 2, ' ');
      if (sp)
        *sp++ = '\0';
      r->action = (enum watch_action)((unsigned char)line[1] % 5);
      char *p = malloc(strlen(line + 2) + 4);
      sprintf(p, "/w/%s", line + 2);
      owned[nowned++] = p;
      r->path = p;
      r->target = sp && *sp ? sp : "/app";
      r->ignore.v = pats[nrules][0];
      r->include.v = pats[nrules][1];
      r->exec_command.v = cmd;
      r->exec_command.n = 1;
      last = r;
      last_rule = nrules;
      sv->nwatch++;
      nrules++;
    } else if ((line[0] == 'I' || line[0] == 'N') && last) {
      struct strlist *l = line[0] == 'I' ? &last->ignore : &last->include;
      if (l->n < MAX_PATS)
        pats[last_rule][line[0] == 'N'][l->n++] = line + 1;
    } else if (line[0] == 'P' && npaths < MAX_PATHS) {
      char *p = malloc(strlen(line + 1) + 4);
      sprintf(p, "/w/%s", line + 1);
      paths[npaths++] = p;
    }
  }

  struct project proj = {.name = "p", .services = svc, .nservices = 3};
  struct watch_rules r;
  struct strvec notes = STRVEC_INIT;
  struct err err = ERR_INIT;
  if (watch_rules_init(&r, &proj, NULL, &notes, &err) == 0) {
    size_t matched = 0;
    for (size_t k = 0; k < npaths; k++) {
      int any = 0;
      for (size_t i = 0; i < r.n; i++) {
        char *cp = NULL;
        if (!watch_target_match(&r, &r.v[i], paths[k], &cp))
          continue;
        any = 1;
        if (!path_below(r.v[i].path, paths[k]))
          abort();
        if (cp && !clean_abs(cp))
          abort();
        free(cp);
      }
      matched += any;
      /* a directory the watcher skips holds nothing a rule takes */
      char *slash = strrchr(paths[k], '/');
      if (slash && slash != paths[k]) {
        char *dir = strndup(paths[k], (size_t)(slash - paths[k]));
        if (clean_abs(dir) && clean_abs(paths[k]) &&
            watch_rules_skip_dir(&r, dir) && any)
          abort();
        free(dir);
      }
    }
    struct watch_batch bt;
    watch_batch_make(&r, paths, npaths, &bt);
    if (bt.paths != npaths || bt.matched != matched)
      abort();
    for (size_t i = 0; i < bt.n; i++)
      for (size_t k = 0; k < bt.v[i].nsync; k++)
        if (!clean_abs(bt.v[i].sync[k].container))
          abort();
    watch_batch_release(&bt);
    watch_rules_release(&r);
  }
  strvec_clear(&notes);
  err_release(&err);
  for (size_t i = 0; i < npaths; i++)
    free(paths[i]);
  for (size_t i = 0; i < nowned; i++)
    free(owned[i]);
  return 0;
}
