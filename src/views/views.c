/* views: the project's containers as the read-only commands see them, and
 * the text of ps, images, ls, top, port, events, version and config, as
 * docker compose prints it. */
#include "views/views.h"
#include "compose/emit.h"
#include "orchestrate/labels.h"
#include "util/err.h"
#include "util/strvec.h"
#include "util/xalloc.h"

#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the project's containers --- */

static int by_name(const void *a, const void *b)
{
  const struct views_ctr *x = a, *y = b;
  return strcmp(x->c.name, y->c.name);
}

/* Whether service (a name from a label) is one the command shows. */
static int shown(const struct session *s, const char *service)
{
  const struct project *p = s->project;
  for (size_t k = 0; k < p->nservices; k++)
    if (!strcmp(p->services[k].name, service))
      return s->selected[k];
  /* with no service named, containers of services no longer in the
   * files (orphans) are shown too, as compose does */
  return !s->named;
}

void views_collect(const struct session *s, int all, struct views_list *out)
{
  size_t n = s->listed ? s->listed->n : 0;
  out->v = xcalloc(n ? n : 1, sizeof(*out->v));
  out->n = 0;
  for (size_t i = 0; i < n; i++) {
    struct views_ctr *c = &out->v[out->n];
    c->sum = &s->listed->v[i];
    plan_container_from_summary(c->sum, &c->c);
    if (c->c.oneoff || !c->c.service)
      continue;
    if (!all && strcmp(c->c.state, "running"))
      continue;
    if (!shown(s, c->c.service))
      continue;
    out->n++;
  }
  qsort(out->v, out->n, sizeof(*out->v), by_name);
}

void views_list_release(struct views_list *l)
{
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

/* --- formatting shared by the tables --- */

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

char *views_ports_new(const struct engine_port *ports, size_t n)
{
  struct buf b = BUF_INIT;
  buf_addstr(&b, "");
  for (size_t i = 0; i < n; i++) {
    const struct engine_port *p = &ports[i];
    char one[128];
    int v6 = strchr(p->ip, ':') != NULL;
    if (p->public_port)
      snprintf(one, sizeof(one), "%s%s%s:%d->%d/%s", v6 ? "[" : "", p->ip,
               v6 ? "]" : "", p->public_port, p->private_port, p->type);
    else
      snprintf(one, sizeof(one), "%d/%s", p->private_port, p->type);
    /* the engine lists a port once per address family */
    if (strstr(b.data, one))
      continue;
    buf_addf(&b, "%s%s", b.len ? ", " : "", one);
  }
  return buf_detach(&b);
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
  size_t w = 0;
  for (; *s; s++)
    w += ((unsigned char)*s & 0xc0) != 0x80;
  return w;
}

void views_table(char **cell, size_t rows, int ncol, struct buf *out)
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
        buf_addstr(out, s);
      else
        buf_addf(out, "%s%*s", s, (int)(w[c] - width(s) + 3), "");
    }
    buf_addch(out, '\n');
  }
  for (size_t i = 0; i < rows * (size_t)ncol; i++)
    free(cell[i]);
  free(cell);
  free(w);
}

/* A JSON value as one line of output. */
static void add_json(struct buf *out, const cJSON *j)
{
  char *text = cJSON_PrintUnformatted(j);
  buf_addf(out, "%s\n", text);
  cJSON_free(text);
}

/* --- ps --- */

static const char *const statuses[] = {"paused",  "restarting", "removing",
                                       "running", "dead",       "created",
                                       "exited",  NULL};

unsigned views_status_bit(const char *state)
{
  for (int k = 0; statuses[k]; k++)
    if (!strcmp(statuses[k], state))
      return 1u << k;
  return 0;
}

#define PS_NCOL 7

static char *command_of(const char *cmd, int trunc)
{
  if (trunc && strlen(cmd) > 19)
    return xasprintf("\"%.19s\xe2\x80\xa6\"", cmd);
  return xasprintf("\"%s\"", cmd);
}

static void ps_table(const struct views_list *l, int trunc, time_t now,
                     struct buf *out)
{
  static const char *const head[PS_NCOL] = {
      "NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"};
  size_t rows = l->n + 1;
  char **cell = xcalloc(rows * PS_NCOL, sizeof(*cell));
  for (int c = 0; c < PS_NCOL; c++)
    cell[c] = xstrdup(head[c]);
  for (size_t i = 0; i < l->n; i++) {
    const struct engine_container_summary *j = l->v[i].sum;
    char **r = cell + (i + 1) * PS_NCOL;
    r[0] = xstrdup(l->v[i].c.name);
    r[1] = xstrdup(j->image);
    r[2] = command_of(j->command, trunc);
    r[3] = xstrdup(l->v[i].c.service);
    r[4] = views_ago_new(j->created, now);
    r[5] = xstrdup(j->status);
    r[6] = views_ports_new(j->ports, j->nports);
  }
  views_table(cell, rows, PS_NCOL, out);
}

/* The health in a status ("Up 2 minutes (healthy)"), as compose reports
 * it. */
static const char *health_of(const char *status)
{
  return strstr(status, "(healthy)")            ? "healthy"
         : strstr(status, "(unhealthy)")        ? "unhealthy"
         : strstr(status, "(health: starting)") ? "starting"
                                                : "";
}

/* One object per line, with the fields docker compose prints. */
static void ps_json(const struct session *s, const struct views_list *l,
                    time_t now, struct buf *out)
{
  for (size_t i = 0; i < l->n; i++) {
    const struct engine_container_summary *j = l->v[i].sum;
    cJSON *o = cJSON_CreateObject();
    char *ago = views_ago_new(j->created, now);
    char *ports = views_ports_new(j->ports, j->nports);
    char when[64] = "";
    time_t tt = (time_t)j->created;
    struct tm tm;
    if (localtime_r(&tt, &tm))
      strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z %Z", &tm);
    const char *paren = strchr(j->status, '(');
    int code = 0;
    if (!strncmp(j->status, "Exited (", 8) && paren)
      code = atoi(paren + 1);
    cJSON_AddStringToObject(o, "Command", j->command);
    cJSON_AddStringToObject(o, "CreatedAt", when);
    cJSON_AddNumberToObject(o, "ExitCode", code);
    cJSON_AddStringToObject(o, "Health", health_of(j->status));
    cJSON_AddStringToObject(o, "ID", l->v[i].c.id);
    cJSON_AddStringToObject(o, "Image", j->image);
    cJSON_AddStringToObject(o, "Name", l->v[i].c.name);
    cJSON_AddStringToObject(o, "Names", l->v[i].c.name);
    cJSON_AddStringToObject(o, "Ports", ports);
    cJSON_AddStringToObject(o, "Project", s->project->name);
    cJSON *pubs = cJSON_AddArrayToObject(o, "Publishers");
    for (size_t k = 0; k < j->nports; k++) {
      const struct engine_port *p = &j->ports[k];
      cJSON *u = cJSON_CreateObject();
      cJSON_AddStringToObject(u, "URL", p->ip);
      cJSON_AddNumberToObject(u, "TargetPort", p->private_port);
      cJSON_AddNumberToObject(u, "PublishedPort", p->public_port);
      cJSON_AddStringToObject(u, "Protocol", p->type);
      cJSON_AddItemToArray(pubs, u);
    }
    cJSON_AddStringToObject(o, "RunningFor", ago);
    cJSON_AddStringToObject(o, "Service", l->v[i].c.service);
    cJSON_AddStringToObject(o, "State", j->state);
    cJSON_AddStringToObject(o, "Status", j->status);
    add_json(out, o);
    free(ago);
    free(ports);
    cJSON_Delete(o);
  }
}

void views_ps_render(const struct session *s, const struct views_ps_options *o,
                     struct buf *out)
{
  struct views_list l;
  time_t now = o->now ? o->now : time(NULL);
  views_collect(s, o->all || o->status, &l);
  size_t k = 0;
  for (size_t i = 0; i < l.n; i++)
    if (!o->status || (o->status & views_status_bit(l.v[i].c.state)))
      l.v[k++] = l.v[i];
  l.n = k;
  switch (o->format) {
  case VIEWS_PS_SERVICES:
    for (size_t i = 0; i < l.n; i++) {
      int seen = 0;
      for (size_t j = 0; j < i; j++)
        seen |= !strcmp(l.v[j].c.service, l.v[i].c.service);
      if (!seen)
        buf_addf(out, "%s\n", l.v[i].c.service);
    }
    break;
  case VIEWS_PS_QUIET:
    for (size_t i = 0; i < l.n; i++)
      buf_addf(out, "%s\n", l.v[i].c.id);
    break;
  case VIEWS_PS_JSON:
    ps_json(s, &l, now, out);
    break;
  case VIEWS_PS_TABLE:
    ps_table(&l, !o->no_trunc, now, out);
    break;
  }
  views_list_release(&l);
}

int views_ps(struct session *s, const struct views_ps_options *o,
             struct buf *out)
{
  int rc = session_observe(s);
  if (!rc)
    views_ps_render(s, o, out);
  return rc;
}

/* --- images --- */

char *views_size_new(double b)
{
  static const char *const unit[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (b >= 1000 && u < 5) {
    b /= 1000;
    u++;
  }
  return xasprintf("%.3g%s", b, unit[u]);
}

/* "busybox" and "1.36" from the image's tags (img may be NULL), or from
 * the name the container was made from. */
static void repo_tag(const struct engine_image_info *img, const char *fallback,
                     char **repo, char **tag)
{
  const char *rt = img && img->nrepo_tags ? img->repo_tags[0] : fallback;
  /* the name the container was made from, when the image still has it */
  for (size_t i = 0; img && i < img->nrepo_tags; i++)
    if (!strcmp(img->repo_tags[i], fallback))
      rt = fallback;
  const char *colon = strrchr(rt, ':');
  int digest = !strncmp(rt, "sha256:", 7);
  if (colon && !strchr(colon, '/') && !digest) {
    *repo = xasprintf("%.*s", (int)(colon - rt), rt);
    *tag = xstrdup(colon + 1);
  } else {
    *repo = xstrdup(digest ? "<none>" : rt);
    *tag = xstrdup(digest ? "<none>" : "latest");
  }
}

#define IMAGES_NCOL 5

void views_images_render(const struct views_list *l,
                         struct engine_image_info *const *images,
                         enum views_images_format f, struct buf *out)
{
  static const char *const head[IMAGES_NCOL] = {"CONTAINER", "REPOSITORY",
                                                "TAG", "IMAGE ID", "SIZE"};
  size_t rows = l->n + 1;
  char **cell = xcalloc(rows * IMAGES_NCOL, sizeof(*cell));
  cJSON *arr = cJSON_CreateArray();
  for (int k = 0; k < IMAGES_NCOL; k++)
    cell[k] = xstrdup(head[k]);
  for (size_t i = 0; i < l->n; i++) {
    const struct engine_container_summary *c = l->v[i].sum;
    const char *image_id = c->image_id;
    const char *id = !strncmp(image_id, "sha256:", 7) ? image_id + 7 : image_id;
    double size = images[i] ? (double)images[i]->size : 0;
    char *repo, *tag;
    repo_tag(images[i], c->image, &repo, &tag);
    if (f == VIEWS_IMAGES_QUIET) {
      int seen = 0;
      for (size_t j = 0; j < i; j++)
        seen |= !strcmp(l->v[j].sum->image_id, image_id);
      if (!seen)
        buf_addf(out, "%s\n", id);
    } else if (f == VIEWS_IMAGES_JSON) {
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "ID", image_id);
      cJSON_AddStringToObject(o, "ContainerName", l->v[i].c.name);
      cJSON_AddStringToObject(o, "Repository", repo);
      cJSON_AddStringToObject(o, "Tag", tag);
      cJSON_AddNumberToObject(o, "Size", size);
      cJSON_AddItemToArray(arr, o);
    }
    char **r = cell + (i + 1) * IMAGES_NCOL;
    r[0] = xstrdup(l->v[i].c.name);
    r[1] = repo;
    r[2] = tag;
    r[3] = xasprintf("%.12s", id);
    r[4] = views_size_new(size);
  }
  if (f == VIEWS_IMAGES_JSON)
    add_json(out, arr);
  cJSON_Delete(arr);
  if (f == VIEWS_IMAGES_TABLE) {
    views_table(cell, rows, IMAGES_NCOL, out);
  } else {
    for (size_t i = 0; i < rows * IMAGES_NCOL; i++)
      free(cell[i]);
    free(cell);
  }
}

/* The image of one container, inspected (NULL with 0: removed since). */
static int inspect_image(struct session *s, const char *id,
                         struct engine_image_info **out)
{
  struct session_call a = {.err = &s->err};
  *out = NULL;
  int rc = engine_image_inspect(s->engine, id, session_call_cb, &a, &s->err);
  if (!rc)
    rc = session_call_wait(s, &a);
  if (rc == ERR_NOTFOUND) { /* show what is known */
    err_release(&s->err);
    rc = 0;
  }
  if (!rc) {
    *out = a.image;
    a.image = NULL;
  }
  session_call_release(&a);
  return rc;
}

int views_images(struct session *s, enum views_images_format f, struct buf *out)
{
  int rc = session_observe(s);
  if (rc)
    return rc;
  struct views_list l;
  views_collect(s, 1, &l);
  struct engine_image_info **images = xcalloc(l.n + 1, sizeof(*images));
  unsigned char *own = xcalloc(l.n + 1, 1);
  for (size_t i = 0; i < l.n && !rc; i++) {
    /* containers of one image ask once */
    size_t j = 0;
    while (j < i && strcmp(l.v[j].sum->image_id, l.v[i].sum->image_id))
      j++;
    if (j < i) {
      images[i] = images[j];
      continue;
    }
    rc = inspect_image(s, l.v[i].sum->image_id, &images[i]);
    own[i] = 1;
  }
  if (!rc)
    views_images_render(&l, images, f, out);
  for (size_t i = 0; i < l.n; i++)
    if (own[i])
      engine_image_info_free(images[i]);
  free(own);
  free(images);
  views_list_release(&l);
  return rc;
}

/* --- ls --- */

#define LS_NSTATES 8

struct proj {
  const char *name, *files;
  struct {
    const char *state;
    int n;
  } st[LS_NSTATES];
  int nst, running;
};

static int proj_by_name(const void *a, const void *b)
{
  return strcmp(((const struct proj *)a)->name, ((const struct proj *)b)->name);
}

static char *status_new(const struct proj *p)
{
  struct buf b = BUF_INIT;
  buf_addstr(&b, "");
  for (int i = 0; i < p->nst; i++)
    buf_addf(&b, "%s%s(%d)", i ? ", " : "", p->st[i].state, p->st[i].n);
  return buf_detach(&b);
}

/* The projects of l (name filter applied), sorted; *n of them. */
static struct proj *projects_of(const struct engine_container_list *l,
                                const char *filter, size_t *np)
{
  size_t n = 0, len = l ? l->n : 0;
  struct proj *pv = xcalloc(len + 1, sizeof(*pv));
  for (size_t i = 0; i < len; i++) {
    const struct engine_container_summary *c = &l->v[i];
    const char *name = engine_kv_get(c->labels, c->nlabels, LABELS_PROJECT);
    if (!name || !*name || (filter && !strstr(name, filter)))
      continue;
    size_t k = 0;
    while (k < n && strcmp(pv[k].name, name))
      k++;
    if (k == n) {
      const char *files =
          engine_kv_get(c->labels, c->nlabels, LABELS_CONFIG_FILES);
      pv[n].name = name;
      pv[n].files = files ? files : "";
      n++;
    }
    struct proj *p = &pv[k];
    int s = 0;
    while (s < p->nst && strcmp(p->st[s].state, c->state))
      s++;
    if (s == p->nst && p->nst < LS_NSTATES)
      p->st[p->nst++].state = c->state;
    if (s < p->nst)
      p->st[s].n++;
    p->running |= !strcmp(c->state, "running");
  }
  qsort(pv, n, sizeof(*pv), proj_by_name);
  *np = n;
  return pv;
}

void views_ls_render(const struct engine_container_list *l,
                     const struct views_ls_options *o, struct buf *out)
{
  size_t n;
  struct proj *pv = projects_of(l, o->filter, &n);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (o->all || pv[i].running)
      pv[k++] = pv[i];
  n = k;
  if (o->format == VIEWS_LS_QUIET) {
    for (size_t i = 0; i < n; i++)
      buf_addf(out, "%s\n", pv[i].name);
  } else if (o->format == VIEWS_LS_JSON) {
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
      cJSON *obj = cJSON_CreateObject();
      char *st = status_new(&pv[i]);
      cJSON_AddStringToObject(obj, "Name", pv[i].name);
      cJSON_AddStringToObject(obj, "Status", st);
      cJSON_AddStringToObject(obj, "ConfigFiles", pv[i].files);
      cJSON_AddItemToArray(arr, obj);
      free(st);
    }
    add_json(out, arr);
    cJSON_Delete(arr);
  } else {
    char **cell = xcalloc((n + 1) * 3, sizeof(*cell));
    cell[0] = xstrdup("NAME");
    cell[1] = xstrdup("STATUS");
    cell[2] = xstrdup("CONFIG FILES");
    for (size_t i = 0; i < n; i++) {
      cell[(i + 1) * 3] = xstrdup(pv[i].name);
      cell[(i + 1) * 3 + 1] = status_new(&pv[i]);
      cell[(i + 1) * 3 + 2] = xstrdup(pv[i].files);
    }
    views_table(cell, n + 1, 3, out);
  }
  free(pv);
}

int views_ls(struct session *s, const struct views_ls_options *o,
             struct buf *out)
{
  struct engine_filters filters = ENGINE_FILTERS_INIT;
  struct session_call a = {.err = &s->err};
  engine_filters_add(&filters, "label", LABELS_PROJECT);
  int rc = engine_container_list_typed(s->engine, &filters, 1, session_call_cb,
                                       &a, &s->err);
  engine_filters_release(&filters);
  if (!rc)
    rc = session_call_wait(s, &a);
  if (!rc)
    views_ls_render(a.containers, o, out);
  session_call_release(&a);
  return rc;
}

/* --- top --- */

void views_top_render(const char *name, const struct engine_top *t,
                      struct buf *out)
{
  int ncol = (int)t->ntitles;
  size_t rows = t->nrows + 1;
  if (ncol < 1)
    return;
  char **cell = xcalloc(rows * (size_t)ncol, sizeof(*cell));
  for (int c = 0; c < ncol; c++)
    cell[c] = xstrdup(t->titles[c]);
  for (size_t r = 0; r < t->nrows; r++)
    for (int c = 0; c < ncol; c++)
      cell[(r + 1) * (size_t)ncol + (size_t)c] =
          xstrdup((size_t)c < t->rows[r].n ? t->rows[r].v[c] : "");
  buf_addf(out, "%s\n", name);
  views_table(cell, rows, ncol, out);
  buf_addch(out, '\n');
}

int views_top(struct session *s, struct buf *out)
{
  int rc = session_observe(s);
  if (rc)
    return rc;
  struct views_list l;
  views_collect(s, 0, &l);
  for (size_t i = 0; i < l.n && !rc; i++) {
    struct session_call a = {.err = &s->err};
    rc = engine_container_top(s->engine, l.v[i].c.id, NULL, session_call_cb, &a,
                              &s->err);
    if (!rc)
      rc = session_call_wait(s, &a);
    if (!rc)
      views_top_render(l.v[i].c.name, a.top, out);
    session_call_release(&a);
  }
  views_list_release(&l);
  return rc;
}

/* --- port --- */

const struct engine_port *views_port_find(const struct views_list *l, int index,
                                          int priv, const char *proto,
                                          const struct views_ctr **ctr)
{
  *ctr = NULL;
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].c.number == index)
      *ctr = &l->v[i];
  if (!*ctr)
    return NULL;
  const struct engine_container_summary *c = (*ctr)->sum;
  for (size_t k = 0; k < c->nports; k++)
    if (c->ports[k].private_port == priv && c->ports[k].public_port &&
        !strcmp(c->ports[k].type, proto))
      return &c->ports[k];
  return NULL;
}

int views_port(struct session *s, int index, int priv, const char *proto,
               struct buf *out)
{
  int rc = session_observe(s);
  if (rc)
    return rc;
  const char *service = "";
  for (size_t k = 0; k < s->project->nservices; k++)
    if (s->selected[k]) {
      service = s->project->services[k].name;
      break;
    }
  struct views_list l;
  const struct views_ctr *ctr;
  views_collect(s, 1, &l);
  const struct engine_port *p = views_port_find(&l, index, priv, proto, &ctr);
  if (!ctr)
    rc = err_set(&s->err, ERR_NOTFOUND,
                 "service '%s' has no container with index %d", service, index);
  else if (!p)
    rc = err_set(&s->err, ERR_NOTFOUND,
                 "no port %d/%s is published by container '%s'", priv, proto,
                 ctr->c.name);
  else {
    int v6 = strchr(p->ip, ':') != NULL;
    buf_addf(out, "%s%s%s:%d\n", v6 ? "[" : "", p->ip, v6 ? "]" : "",
             p->public_port);
  }
  views_list_release(&l);
  return rc;
}

/* --- events --- */

int views_event_render(const struct session *s, const struct engine_event *ev,
                       int json, struct buf *out)
{
  const char *service = engine_kv_get(ev->attrs, ev->nattrs, LABELS_SERVICE);
  if (!shown(s, service ? service : ""))
    return 0;
  long long nano = ev->time_nano ? ev->time_nano : ev->time * 1000000000LL;
  time_t sec = (time_t)(nano / 1000000000LL);
  long frac = (long)(nano % 1000000000LL);
  struct tm tm;
  char when[64] = "";
  if (gmtime_r(&sec, &tm))
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
  if (json) {
    cJSON *o = cJSON_CreateObject();
    char *t = xasprintf("%s.%09ldZ", when, frac);
    cJSON_AddStringToObject(o, "time", t);
    free(t);
    cJSON_AddStringToObject(o, "type", "container");
    cJSON_AddStringToObject(o, "action", ev->action);
    cJSON_AddStringToObject(o, "id", ev->id);
    cJSON_AddStringToObject(o, "service", service ? service : "");
    cJSON *a = cJSON_AddObjectToObject(o, "attributes");
    for (size_t i = 0; i < ev->nattrs; i++)
      if (strncmp(ev->attrs[i].key, "com.docker.compose.", 19))
        cJSON_AddStringToObject(a, ev->attrs[i].key, ev->attrs[i].value);
    add_json(out, o);
    cJSON_Delete(o);
  } else {
    const char *image = engine_kv_get(ev->attrs, ev->nattrs, "image");
    const char *name = engine_kv_get(ev->attrs, ev->nattrs, "name");
    if (when[10] == 'T')
      when[10] = ' ';
    buf_addf(out, "%s.%06ld container %s %s (image=%s, name=%s)\n", when,
             frac / 1000, ev->action, ev->id, image ? image : "",
             name ? name : "");
  }
  return 1;
}

static int on_event(void *ctx, const struct engine_event *ev)
{
  struct views_events *v = ctx;
  buf_reset(&v->text);
  if (views_event_render(v->s, ev, v->json, &v->text) && v->line)
    v->line(v->data, v->text.data, v->text.len);
  return 0;
}

static void on_events_end(void *ctx, struct engine_result *res)
{
  struct views_events *v = ctx;
  v->call = NULL;
  if (res->rc == ERR_CANCELED)
    res->rc = 0;
  session_call_cb(&v->end, res);
}

int views_events_start(struct session *s, struct views_events *v, int json,
                       views_line_cb line, void *data)
{
  *v = (struct views_events){.s = s,
                             .json = json,
                             .line = line,
                             .data = data,
                             .end = {.err = &s->err},
                             .text = BUF_INIT};
  struct engine_filters filters = ENGINE_FILTERS_INIT;
  char *f = xasprintf("%s=%s", LABELS_PROJECT, s->project->name);
  engine_filters_add(&filters, "label", f);
  engine_filters_add(&filters, "type", "container");
  free(f);
  int rc = engine_events_typed(s->engine, &filters, NULL, NULL, on_event,
                               on_events_end, v, &v->call, &s->err);
  engine_filters_release(&filters);
  return rc;
}

void views_events_stop(struct views_events *v)
{
  if (v->call)
    engine_call_cancel(v->call);
}

int views_events_wait(struct views_events *v)
{
  int rc = session_call_wait(v->s, &v->end);
  session_call_release(&v->end);
  buf_release(&v->text);
  return rc;
}

/* --- version --- */

int views_version(struct session *s, struct views_version *v)
{
  const char *host = getenv("DOCKER_HOST");
  *v = (struct views_version){.info = NULL, .api = "", .host = NULL};
  v->host = host && *host ? host : "unix:///var/run/docker.sock";
  struct session_call a = {.err = &s->err};
  int rc = engine_version(s->engine, session_call_cb, &a, &s->err);
  if (!rc)
    rc = session_call_wait(s, &a);
  if (!rc) {
    const char *api = engine_api_version(s->engine);
    v->info = a.version;
    a.version = NULL;
    snprintf(v->api, sizeof(v->api), "%s", api ? api : "");
  }
  session_call_release(&a);
  return rc;
}

void views_version_release(struct views_version *v)
{
  engine_version_info_free(v->info);
  v->info = NULL;
}

/* A field of the engine's answer, "-" when it left it out. */
static const char *field(const char *s)
{
  return s && *s ? s : "-";
}

void views_version_render(const struct views_version *v, struct buf *out)
{
  const struct engine_version_info *i = v->info;
  buf_addf(out, "Engine:\n");
  buf_addf(out, " Version:          %s\n", field(i->version));
  buf_addf(out, " API version:      %s (minimum version %s)\n",
           field(i->api_version), field(i->min_api_version));
  buf_addf(out, " API in use:       %s (wcompose speaks %s to %s)\n",
           field(v->api), ENGINE_API_MIN, ENGINE_API_MAX);
  buf_addf(out, " Go version:       %s\n", field(i->go_version));
  buf_addf(out, " Git commit:       %s\n", field(i->git_commit));
  buf_addf(out, " Built:            %s\n", field(i->build_time));
  buf_addf(out, " OS/Arch:          %s/%s\n", field(i->os), field(i->arch));
  buf_addf(out, " Host:             %s\n", v->host);
}

void views_version_json(const char *ours, const struct views_version *v,
                        struct buf *out)
{
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "version", ours);
  if (v) {
    const struct engine_version_info *i = v->info;
    cJSON *en = cJSON_AddObjectToObject(o, "engine");
    cJSON_AddStringToObject(en, "version", field(i->version));
    cJSON_AddStringToObject(en, "apiVersion", field(i->api_version));
    cJSON_AddStringToObject(en, "minApiVersion", field(i->min_api_version));
    cJSON_AddStringToObject(en, "negotiatedApiVersion", v->api);
    cJSON_AddStringToObject(en, "os", field(i->os));
    cJSON_AddStringToObject(en, "arch", field(i->arch));
    cJSON_AddStringToObject(en, "host", v->host);
  }
  add_json(out, o);
  cJSON_Delete(o);
}

/* --- config --- */

static int cmp_str(const void *x, const void *y)
{
  return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Every profile named by a service, enabled or not, sorted and unique. */
static void list_profiles(const struct project *p, struct buf *out)
{
  struct strvec all = STRVEC_INIT;
  for (size_t i = 0; i < p->nservices + p->ndisabled; i++) {
    const struct service *s =
        i < p->nservices ? &p->services[i] : &p->disabled[i - p->nservices];
    for (size_t j = 0; j < s->profiles.n; j++)
      if (!strvec_has(&all, s->profiles.v[j]))
        strvec_push(&all, s->profiles.v[j]);
  }
  if (all.n)
    qsort(all.v, all.n, sizeof(*all.v), cmp_str);
  for (size_t i = 0; i < all.n; i++)
    buf_addf(out, "%s\n", all.v[i]);
  strvec_clear(&all);
}

int views_config(const struct project *p, enum views_config_what w, int json,
                 struct buf *out)
{
  size_t i;
  switch (w) {
  case VIEWS_CONFIG_SERVICES:
    for (i = 0; i < p->nservices; i++)
      buf_addf(out, "%s\n", p->services[i].name);
    return 0;
  case VIEWS_CONFIG_VOLUMES:
    for (i = 0; i < p->nvolumes; i++)
      buf_addf(out, "%s\n", p->volumes[i].key);
    return 0;
  case VIEWS_CONFIG_NETWORKS:
    for (i = 0; i < p->nnetworks; i++)
      buf_addf(out, "%s\n", p->networks[i].key);
    return 0;
  case VIEWS_CONFIG_PROFILES:
    list_profiles(p, out);
    return 0;
  case VIEWS_CONFIG_IMAGES:
    for (i = 0; i < p->nservices; i++) {
      const struct service *s = &p->services[i];
      if (s->image)
        buf_addf(out, "%s\n", s->image);
      else
        buf_addf(out, "%s-%s\n", p->name, s->name);
    }
    return 0;
  case VIEWS_CONFIG_PROJECT:
    break;
  }
  cJSON *tree = emit_project_as(p, json ? EMIT_FORMAT_JSON : EMIT_FORMAT_YAML);
  int rc =
      tree ? (json ? emit_json(tree, out) : emit_yaml(tree, out)) : ERR_NOMEM;
  cJSON_Delete(tree);
  return rc;
}
