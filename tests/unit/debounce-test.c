/* Unit tests for debounce: the short settle of a save after a quiet spell,
 * the longer quiet of a burst, the longest wait, the cap, and that a taken
 * batch leaves nothing behind. */
#include "tap.h"
#include "util/err.h"
#include "util/strvec.h"
#include "util/xalloc.h"
#include "watch/debounce.h"

#include <stdint.h>
#include <stdlib.h>

static struct debounce D;
/* compose's way: 500 ms of quiet whatever came */
static const struct debounce_times slow = {500, 500, 10000};

/* Take at now; the paths joined by spaces (or "-" when not due). */
static char *take(uint64_t now, size_t *dropped)
{
  struct strvec v = STRVEC_INIT;
  char out[4096] = "";
  if (!debounce_take(&D, now, &v, dropped))
    return xstrdup("-");
  for (size_t i = 0; i < v.n; i++) {
    if (i)
      strcat(out, " ");
    strncat(out, v.v[i], sizeof(out) - strlen(out) - 2);
  }
  strvec_clear(&v);
  return xstrdup(out);
}

static void check_quiet(void)
{
  debounce_init(&D, &slow, 100);
  ok(debounce_wait(&D, 0) == UINT64_MAX, "empty: nothing to wait for");
  char *t = take(1000, NULL);
  is_str(t, "-", "empty: nothing to take");
  free(t);
  is_int(debounce_add(&D, "/p/a", 1000), 1, "a new path");
  is_int(debounce_add(&D, "/p/a", 1100), 0, "the same path again");
  is_int(debounce_wait(&D, 1100), 500, "the quiet period starts again");
  t = take(1599, NULL);
  is_str(t, "-", "not due before 500 ms of quiet");
  free(t);
  is_int(debounce_wait(&D, 1599), 1, "1 ms to go");
  t = take(1600, NULL);
  is_str(t, "/p/a", "due after 500 ms of quiet, each path once");
  free(t);
  ok(D.slots == NULL && D.n == 0, "a taken batch leaves no table");
  ok(debounce_wait(&D, 2000) == UINT64_MAX, "and nothing to wait for");
  debounce_release(&D);
}

/* 20 saves 50 ms apart (an editor's burst, or a save loop): one batch. */
static void check_burst(void)
{
  int batches = 0;
  char *last = NULL;
  debounce_init(&D, &slow, 100);
  uint64_t now = 5000;
  for (int i = 0; i < 20; i++, now += 50) {
    debounce_add(&D, i % 2 ? "/p/b" : "/p/a", now);
    debounce_add(&D, "/p/.a.swp", now);
    char *t = take(now, NULL);
    batches += strcmp(t, "-") != 0;
    free(t);
  }
  for (; now < 8000; now += 10) {
    char *t = take(now, NULL);
    if (strcmp(t, "-")) {
      batches++;
      free(last);
      last = t;
    } else {
      free(t);
    }
  }
  is_int(batches, 1, "20 saves in a burst make one batch");
  is_str(last, "/p/.a.swp /p/a /p/b", "with each path once, in order");
  free(last);
  debounce_release(&D);
}

/* A file written without pause: the batch still goes after max_wait. */
static void check_max_wait(void)
{
  debounce_init(&D, &slow, 100);
  uint64_t now = 0, taken_at = 0;
  for (; now < 30000 && !taken_at; now += 100) {
    debounce_add(&D, "/p/log", now);
    char *t = take(now, NULL);
    if (strcmp(t, "-"))
      taken_at = now;
    free(t);
  }
  is_int(taken_at, 10000, "a batch that keeps growing goes after 10 s");
  debounce_release(&D);
}

/* The defaults: a save after a quiet spell goes after the settle, a burst
 * after the longer quiet, whatever follows a batch closely as a burst. */
static void check_settle(void)
{
  debounce_init(&D, NULL, 100);
  is_int(D.t.settle_ms, DEBOUNCE_SETTLE_MS, "the default settle");
  /* an editor's save: write, close, chmod of one file within 2 ms */
  debounce_add(&D, "/p/a", 1000);
  debounce_add(&D, "/p/a", 1001);
  debounce_add(&D, "/p/a", 1002);
  is_int(debounce_wait(&D, 1002), DEBOUNCE_SETTLE_MS,
         "a save after a quiet spell waits only the settle");
  char *t = take(1002 + DEBOUNCE_SETTLE_MS - 1, NULL);
  is_str(t, "-", "not before it");
  free(t);
  t = take(1002 + DEBOUNCE_SETTLE_MS, NULL);
  is_str(t, "/p/a", "then due, once");
  free(t);
  /* the next save a second later: short again */
  debounce_add(&D, "/p/b", 2000);
  is_int(debounce_wait(&D, 2000), DEBOUNCE_SETTLE_MS, "the next save too");
  t = take(2000 + DEBOUNCE_SETTLE_MS, NULL);
  is_str(t, "/p/b", "and taken");
  free(t);
  /* an event right after a batch: the rest of a burst */
  debounce_add(&D, "/p/c", 2000 + DEBOUNCE_SETTLE_MS + 5);
  is_int(debounce_wait(&D, 2000 + DEBOUNCE_SETTLE_MS + 5), DEBOUNCE_QUIET_MS,
         "what follows a batch closely waits the burst's quiet");
  t = take(2000 + DEBOUNCE_SETTLE_MS + 5 + DEBOUNCE_QUIET_MS, NULL);
  is_str(t, "/p/c", "then goes");
  free(t);
  /* a checkout: 100 files over 300 ms, gaps shorter than the settle */
  int batches = 0;
  uint64_t now = 10000;
  for (int i = 0; i < 100; i++, now += 3) {
    char p[16];
    snprintf(p, sizeof(p), "/q/%03d", i);
    debounce_add(&D, p, now);
    t = take(now, NULL);
    batches += strcmp(t, "-") != 0;
    free(t);
  }
  is_int(debounce_wait(&D, now - 3), DEBOUNCE_QUIET_MS,
         "a burst longer than the settle waits the longer quiet");
  struct strvec v = STRVEC_INIT;
  for (; now < 20000 && !v.n; now++)
    debounce_take(&D, now, &v, NULL);
  is_int(batches, 0, "nothing goes while the burst lasts");
  is_int(v.n, 100, "then it is one batch of all its files");
  strvec_clear(&v);
  debounce_release(&D);

  /* held: a short batch made to wait a burst's quiet */
  debounce_add(&D, "/h", 30000);
  ok(debounce_settling(&D), "a lone save is settling");
  debounce_hold(&D);
  ok(!debounce_settling(&D), "held, it is not");
  is_int(debounce_wait(&D, 30000), DEBOUNCE_QUIET_MS, "and waits the quiet");
  t = take(30000 + DEBOUNCE_QUIET_MS, NULL);
  is_str(t, "/h", "then goes");
  free(t);
  debounce_release(&D);

  /* a settle above the quiet is taken as the quiet */
  struct debounce_times odd = {400, 100, 5000};
  debounce_init(&D, &odd, 100);
  is_int(D.t.quiet_ms, 400, "the quiet is at least the settle");
  debounce_release(&D);
}

static void check_cap(void)
{
  size_t dropped = 0;
  debounce_init(&D, &slow, 3);
  is_int(debounce_add(&D, "/c", 0), 1, "one");
  is_int(debounce_add(&D, "/a", 0), 1, "two");
  is_int(debounce_add(&D, "/b", 0), 1, "three");
  is_int(debounce_add(&D, "/d", 0), ERR_LIMIT, "a fourth is over the cap");
  is_int(debounce_add(&D, "/a", 0), 0, "one already there is still fine");
  char *big = xmalloc(DEBOUNCE_PATH_MAX + 10);
  memset(big, 'x', DEBOUNCE_PATH_MAX + 9);
  big[0] = '/';
  big[DEBOUNCE_PATH_MAX + 9] = '\0';
  is_int(debounce_add(&D, big, 0), ERR_LIMIT, "a path too long is dropped");
  free(big);
  char *t = take(500, &dropped);
  is_str(t, "/a /b /c", "the batch holds what fitted");
  is_int(dropped, 2, "and counts what was dropped");
  free(t);
  is_int(debounce_add(&D, "/d", 600), 1, "the next batch starts empty");
  t = take(1100, &dropped);
  is_str(t, "/d", "and is taken alone");
  is_int(dropped, 0, "nothing dropped from it");
  free(t);
  /* only dropped paths: still a batch (empty), so the drop is told */
  debounce_init(&D, &slow, 0);
  debounce_add(&D, "/e", 0);
  t = take(500, &dropped);
  is_str(t, "", "a batch of dropped paths only is taken empty");
  is_int(dropped, 1, "with its count");
  free(t);
  debounce_release(&D);
}

/* Many paths: the table grows, and all come back once each, sorted. */
static void check_many(void)
{
  debounce_init(&D, &slow, 100000);
  char p[32];
  int fresh = 0;
  for (int round = 0; round < 2; round++)
    for (int i = 0; i < 5000; i++) {
      snprintf(p, sizeof(p), "/m/%05d", (i * 7919) % 5000);
      fresh += debounce_add(&D, p, 0) == 1;
    }
  is_int(fresh, 5000, "5000 distinct paths added twice: 5000 new");
  struct strvec v = STRVEC_INIT;
  ok(debounce_take(&D, 500, &v, NULL), "taken");
  is_int(v.n, 5000, "5000 paths");
  int sorted = 1;
  for (size_t i = 1; i < v.n; i++)
    sorted &= strcmp(v.v[i - 1], v.v[i]) < 0;
  ok(sorted, "sorted and distinct");
  strvec_clear(&v);
  debounce_release(&D);
}

int main(void)
{
  check_quiet();
  check_burst();
  check_max_wait();
  check_settle();
  check_cap();
  check_many();
  return tap_done();
}
