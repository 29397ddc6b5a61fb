/* Unit tests for compose/problems: one mistake copied to many places is
 * told once, with the places listed; everything else as it was found. */
#include <stdio.h>
#include <stdlib.h>

#include "compose/problems.h"
#include "tap.h"
#include "util/buf.h"

static struct err_pos at(int line, int col)
{
  struct err_pos p = {"c.yml", line, col};
  return p;
}

static void grouped(void)
{
  struct problems ps = PROBLEMS_INIT;
  struct err err = ERR_INIT;
  struct err_pos p = at(4, 12), q = at(2, 3);

  problems_add(&ps, &p, NULL, "x-base.restart", ": 'sometimes' is bad");
  problems_add(&ps, &q, NULL, "services.z.image", " must be a string");
  problems_add(&ps, &p, NULL, "services.b.restart", ": 'sometimes' is bad");
  problems_add(&ps, &p, NULL, "services.a.restart", ": 'sometimes' is bad");
  problems_add(&ps, &p, NULL, "services.a.restart", ": 'sometimes' is bad");
  is_int(problems_flush(&ps, ERR_SCHEMA, 1, 0, &err), ERR_SCHEMA, "code");
  is_str(err.text,
         "c.yml:2:3: services.z.image must be a string\n"
         "c.yml:4:12: x-base.restart: 'sometimes' is bad (also in services.b "
         "and services.a)\n",
         "told once at its place, the others listed in the order found, a "
         "repeat dropped");
  is_int(ps.n, 0, "the list is emptied");
  err_release(&err);
}

static void order_found(void)
{
  struct problems ps = PROBLEMS_INIT;
  struct err err = ERR_INIT;
  struct err_pos p = at(9, 1), q = at(2, 1);

  problems_addf(&ps, &p, "services.web", "services.web.ports[0]: bad port");
  problems_addf(&ps, &q, "services.db", "service \"db\" is odd");
  problems_flush(&ps, ERR_CONFIG, 0, 0, &err);
  is_str(err.text,
         "c.yml:9:1: services.web.ports[0]: bad port\n"
         "c.yml:2:1: service \"db\" is odd\n",
         "without sorting, the order found; a message not starting with "
         "its path keeps it whole");
  err_release(&err);

  /* paths that end differently are listed whole */
  p = at(3, 5);
  problems_addf(&ps, &p, "services.a", "services.a.ports[0]: bad");
  problems_addf(&ps, &p, "services.b", "services.b.ports[1]: bad");
  problems_flush(&ps, ERR_CONFIG, 0, 0, &err);
  is_str(err.text,
         "c.yml:3:5: services.a.ports[0]: bad\n"
         "c.yml:3:5: services.b.ports[1]: bad\n",
         "not grouped when the text after the path differs");
  err_release(&err);
  problems_add(&ps, &p, NULL, "services.a.ports[0]", ": bad");
  problems_add(&ps, &p, NULL, "services.b.ports[1]", ": bad");
  problems_flush(&ps, ERR_CONFIG, 0, 0, &err);
  is_str(err.text,
         "c.yml:3:5: services.a.ports[0]: bad (also in services.b.ports[1])\n",
         "no common end: the whole path");
  err_release(&err);
}

static void capped(void)
{
  struct problems ps = PROBLEMS_INIT;
  struct err err = ERR_INIT;
  char path[32];

  for (int i = 0; i < 15; i++) {
    struct err_pos p = at(1, 1);
    snprintf(path, sizeof(path), "services.s%02d.x", i);
    problems_add(&ps, &p, "bad ", path, "");
  }
  for (int i = 0; i < 5; i++) {
    struct err_pos p = at(10 + i, 1);
    problems_add(&ps, &p, NULL, NULL, "other");
  }
  problems_flush(&ps, ERR_SCHEMA, 1, 3, &err);
  is_str(err.text,
         "c.yml:1:1: bad services.s00.x (also in services.s01, services.s02, "
         "services.s03, services.s04, services.s05, services.s06, "
         "services.s07, services.s08, services.s09, services.s10 and 4 "
         "more)\n"
         "c.yml:10:1: other\nc.yml:11:1: other\n"
         "c.yml:12:1: and more problems after this one (20 in all)\n",
         "ten places at most, and lines capped");
  err_release(&err);
}

/* Many copies of one mistake cost n log n, not n squared. */
static void many(void)
{
  struct problems ps = PROBLEMS_INIT;
  struct err err = ERR_INIT;
  char path[32];

  for (int i = 0; i < 200000; i++) {
    struct err_pos p = at(1 + i % 3, 1);
    snprintf(path, sizeof(path), "services.s%d.x", i);
    problems_add(&ps, &p, NULL, path, ": bad");
  }
  problems_flush(&ps, ERR_SCHEMA, 1, 100, &err);
  is_int(err.count, 3, "200,000 copies at 3 places make 3 lines");
  err_release(&err);
}

int main(void)
{
  grouped();
  order_found();
  capped();
  many();
  return tap_done();
}
