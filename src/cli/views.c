/* views: the shared plumbing of the read-only commands: collect the
 * project's containers, format times and ports as docker does. */
#include "cli/views.h"
#include "orchestrate/labels.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
  const struct views_ctr *x = a, *y = b;
  return strcmp(x->c.name ? x->c.name : "", y->c.name ? y->c.name : "");
}

/* The project's containers as the engine lists them (once). */
static int list(struct cli_session *cs)
{
  struct session *lc = &cs->s;
  int rc = 0;
  if (cs->listed)
    return 0;
  {
    cJSON *filters = NULL;
    char *f = xasprintf("%s=%s", LABELS_PROJECT, lc->project->name);
    engine_filter_add(&filters, "label", f);
    free(f);
    struct session_call a = {.err = &lc->err};
    rc = engine_container_list(lc->engine, filters, 1, session_call_cb, &a,
                               &lc->err);
    cJSON_Delete(filters);
    if (!rc)
      rc = session_call_wait(lc, &a);
    cs->listed = a.json;
    a.json = NULL;
    session_call_release(&a);
  }
  return rc;
}

void views_collect(struct cli_session *cs, int all, struct views_list *out)
{
  struct session *lc = &cs->s;
  list(cs);
  const struct project *p = lc->project;
  size_t n = (size_t)cJSON_GetArraySize(cs->listed);
  out->v = xcalloc(n ? n : 1, sizeof(*out->v));
  out->n = 0;
  const cJSON *item;
  cJSON_ArrayForEach(item, cs->listed)
  {
    struct views_ctr *c = &out->v[out->n];
    if (plan_container_from_json(item, &c->c) || c->c.oneoff || !c->c.service)
      continue;
    if (!all && strcmp(c->c.state ? c->c.state : "", "running"))
      continue;
    int keep = 0;
    for (size_t k = 0; k < p->nservices; k++)
      if (lc->selected[k] && !strcmp(p->services[k].name, c->c.service))
        keep = 1;
    /* with no service named, containers of services no longer in the
     * file (orphans) are shown too, as compose does */
    if (!keep && lc->named)
      continue;
    c->j = item;
    out->n++;
  }
  qsort(out->v, out->n, sizeof(*out->v), by_name);
}

char *views_ago_new(long long created, time_t now)
{
  long long s = (long long)now - created;
  long long m = s / 60, h = (s + 1800) / 3600;
  char *t;
  if (s < 1)
    t = xstrdup("Less than a second");
  else if (s == 1)
    t = xstrdup("1 second");
  else if (s < 60)
    t = xasprintf("%lld seconds", s);
  else if (m == 1)
    t = xstrdup("About a minute");
  else if (m < 60)
    t = xasprintf("%lld minutes", m);
  else if (h == 1)
    t = xstrdup("About an hour");
  else if (h < 48)
    t = xasprintf("%lld hours", h);
  else if (h < 24 * 7 * 2)
    t = xasprintf("%lld days", h / 24);
  else if (h < 24 * 30 * 2)
    t = xasprintf("%lld weeks", h / 24 / 7);
  else if (h < 24 * 365 * 2)
    t = xasprintf("%lld months", h / 24 / 30);
  else
    t = xasprintf("%lld years", h / 24 / 365);
  char *r = xasprintf("%s ago", t);
  free(t);
  return r;
}

const char *views_str(const cJSON *j, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
  return cJSON_IsString(v) ? v->valuestring : "";
}

char *views_ports_new(const cJSON *ports)
{
  size_t cap = 64, len = 0;
  char *s = xcalloc(cap, 1);
  const cJSON *p;
  cJSON_ArrayForEach(p, ports)
  {
    const cJSON *priv = cJSON_GetObjectItemCaseSensitive(p, "PrivatePort");
    const cJSON *pub = cJSON_GetObjectItemCaseSensitive(p, "PublicPort");
    const char *ip = views_str(p, "IP");
    const char *type = views_str(p, "Type");
    char one[128];
    int v6 = strchr(ip, ':') != NULL;
    if (cJSON_IsNumber(pub))
      snprintf(one, sizeof(one), "%s%s%s:%d->%d/%s", v6 ? "[" : "", ip,
               v6 ? "]" : "", pub->valueint,
               cJSON_IsNumber(priv) ? priv->valueint : 0, type);
    else
      snprintf(one, sizeof(one), "%d/%s",
               cJSON_IsNumber(priv) ? priv->valueint : 0, type);
    if (strstr(s, one))
      continue;
    size_t need = len + strlen(one) + 3;
    if (need > cap) {
      cap = need * 2;
      s = xrealloc(s, cap);
    }
    len += (size_t)sprintf(s + len, "%s%s", len ? ", " : "", one);
  }
  return s;
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
  size_t w = 0;
  for (; *s; s++)
    w += ((unsigned char)*s & 0xc0) != 0x80;
  return w;
}

void views_table(char **cell, size_t rows, int ncol)
{
  size_t *w = xcalloc((size_t)ncol, sizeof(*w));
  for (size_t i = 0; i < rows; i++)
    for (int c = 0; c < ncol; c++)
      if (width(cell[i * ncol + c]) > w[c])
        w[c] = width(cell[i * ncol + c]);
  for (size_t i = 0; i < rows; i++) {
    for (int c = 0; c < ncol; c++) {
      const char *s = cell[i * ncol + c];
      if (c == ncol - 1)
        fputs(s, stdout);
      else
        printf("%s%*s", s, (int)(w[c] - width(s) + 3), "");
    }
    putchar('\n');
  }
  for (size_t i = 0; i < rows * (size_t)ncol; i++)
    free(cell[i]);
  free(cell);
  free(w);
}

int views_open(struct cli_session *cs, struct cli_global *g, char **services,
               int n)
{
  int rc = cli_session_load(cs, g, services, n, 0);
  if (!rc)
    rc = cli_session_open(cs);
  return rc;
}
