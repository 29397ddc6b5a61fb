/* The tables of `stack ls`, `stack services` and `stack ps`. */
#include "views/stack.h"
#include "views/views.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define NS_LABEL "com.docker.stack.namespace"

static const char *ns_of(const struct engine_service *s)
{
  const char *ns = engine_kv_get(s->labels, s->nlabels, NS_LABEL);
  return ns ? ns : "";
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void views_stack_ls_render(const struct engine_service_list *l, struct buf *out)
{
  size_t n = l ? l->n : 0;
  char **names = xcalloc(n + 1, sizeof(*names));
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (*ns_of(&l->v[i]))
      names[k++] = (char *)ns_of(&l->v[i]);
  qsort(names, k, sizeof(*names), cmp_str);
  char **cell = xcalloc(2 * (k + 1), sizeof(*cell));
  size_t rows = 1;
  cell[0] = xstrdup("NAME");
  cell[1] = xstrdup("SERVICES");
  for (size_t i = 0; i < k;) {
    size_t j = i;
    while (j < k && !strcmp(names[j], names[i]))
      j++;
    cell[rows * 2] = xstrdup(names[i]);
    cell[rows * 2 + 1] = xasprintf("%zu", j - i);
    rows++;
    i = j;
  }
  free(names);
  views_table(cell, rows, 2, out);
}

static int running_of(const struct engine_task_list *t, const char *id)
{
  int n = 0;
  for (size_t i = 0; t && i < t->n; i++)
    n += !strcmp(t->v[i].service_id, id) &&
         !strcmp(t->v[i].desired_state, "running") &&
         !strcmp(t->v[i].state, "running");
  return n;
}

static char *ports_new(const struct engine_service *s)
{
  struct buf b = BUF_INIT;
  for (size_t i = 0; i < s->nports; i++) {
    const struct engine_service_port *p = &s->ports[i];
    if (b.len)
      buf_addstr(&b, ", ");
    if (p->published)
      buf_addf(&b, "*:%d->", p->published);
    buf_addf(&b, "%d/%s", p->target, *p->protocol ? p->protocol : "tcp");
    if (!strcmp(p->mode, "host"))
      buf_addstr(&b, " (host)");
  }
  char *s2 = xstrdup(b.len ? b.data : "");
  buf_release(&b);
  return s2;
}

static int by_name(const void *a, const void *b)
{
  const struct engine_service *x = *(const struct engine_service *const *)a;
  const struct engine_service *y = *(const struct engine_service *const *)b;
  return strcmp(x->name, y->name);
}

void views_stack_services_render(const struct engine_service_list *l,
                                 const struct engine_task_list *t,
                                 struct buf *out)
{
  size_t n = l ? l->n : 0;
  const struct engine_service **v = xcalloc(n + 1, sizeof(*v));
  for (size_t i = 0; i < n; i++)
    v[i] = &l->v[i];
  qsort(v, n, sizeof(*v), by_name);
  char **cell = xcalloc(6 * (n + 1), sizeof(*cell));
  const char *head[] = {"ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"};
  for (int c = 0; c < 6; c++)
    cell[c] = xstrdup(head[c]);
  for (size_t i = 0; i < n; i++) {
    char **r = &cell[(i + 1) * 6];
    const struct engine_service *s = v[i];
    int run = running_of(t, s->id);
    r[0] = xstrndup(s->id, 12);
    r[1] = xstrdup(s->name);
    r[2] = xstrdup(s->global ? "global" : "replicated");
    if (s->global) {
      int want = 0;
      for (size_t j = 0; t && j < t->n; j++)
        want += !strcmp(t->v[j].service_id, s->id) &&
                !strcmp(t->v[j].desired_state, "running");
      r[3] = xasprintf("%d/%d", run, want);
    } else {
      r[3] = xasprintf("%d/%lld", run, s->replicas);
    }
    /* the image as written, without the digest it was pinned to */
    const char *at = strchr(s->image, '@');
    r[4] = at ? xstrndup(s->image, (size_t)(at - s->image)) : xstrdup(s->image);
    r[5] = ports_new(s);
  }
  free(v);
  views_table(cell, n + 1, 6, out);
}

static const struct engine_service *
service_of(const struct engine_service_list *l, const char *id)
{
  for (size_t i = 0; l && i < l->n; i++)
    if (!strcmp(l->v[i].id, id))
      return &l->v[i];
  return NULL;
}

static const char *node_name(const struct engine_node_list *l, const char *id)
{
  for (size_t i = 0; l && i < l->n; i++)
    if (!strcmp(l->v[i].id, id))
      return l->v[i].hostname;
  return "";
}

static const char *state_word(const char *st)
{
  static const char *const words[][2] = {{"new", "New"},
                                         {"pending", "Pending"},
                                         {"assigned", "Assigned"},
                                         {"accepted", "Accepted"},
                                         {"preparing", "Preparing"},
                                         {"ready", "Ready"},
                                         {"starting", "Starting"},
                                         {"running", "Running"},
                                         {"complete", "Complete"},
                                         {"shutdown", "Shutdown"},
                                         {"failed", "Failed"},
                                         {"rejected", "Rejected"},
                                         {"remove", "Remove"},
                                         {"orphaned", "Orphaned"}};
  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
    if (!strcmp(st, words[i][0]))
      return words[i][1];
  return st;
}

struct ps_row {
  const struct engine_task *t;
  const char *svc;
};

static int by_task(const void *a, const void *b)
{
  const struct ps_row *x = a, *y = b;
  int c = strcmp(x->svc, y->svc);
  if (c)
    return c;
  if (x->t->slot != y->t->slot)
    return x->t->slot - y->t->slot;
  /* the newest first within a slot, as docker does */
  if (x->t->created != y->t->created)
    return x->t->created > y->t->created ? -1 : 1;
  return x->t->created_nsec > y->t->created_nsec ? -1 : 1;
}

void views_stack_ps_render(const struct engine_service_list *l,
                           const struct engine_task_list *t,
                           const struct engine_node_list *nodes, int no_trunc,
                           time_t now, struct buf *out)
{
  size_t n = t ? t->n : 0;
  struct ps_row *rows = xcalloc(n + 1, sizeof(*rows));
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const struct engine_service *s = service_of(l, t->v[i].service_id);
    if (s)
      rows[k++] = (struct ps_row){&t->v[i], s->name};
  }
  qsort(rows, k, sizeof(*rows), by_task);
  char **cell = xcalloc(8 * (k + 1), sizeof(*cell));
  const char *head[] = {"ID",    "NAME",          "IMAGE",
                        "NODE",  "DESIRED STATE", "CURRENT STATE",
                        "ERROR", "PORTS"};
  for (int c = 0; c < 8; c++)
    cell[c] = xstrdup(head[c]);
  for (size_t i = 0; i < k; i++) {
    const struct engine_task *tk = rows[i].t;
    char **r = &cell[(i + 1) * 8];
    r[0] = no_trunc ? xstrdup(tk->id) : xstrndup(tk->id, 12);
    int first = !i || strcmp(rows[i - 1].svc, rows[i].svc) ||
                rows[i - 1].t->slot != tk->slot;
    const char *indent = first ? "" : " \\_ ";
    if (tk->slot)
      r[1] = xasprintf("%s%s.%d", indent, rows[i].svc, tk->slot);
    else
      r[1] = xasprintf("%s%s.%s", indent, rows[i].svc, tk->node_id);
    const char *at = no_trunc ? NULL : strchr(tk->image, '@');
    r[2] =
        at ? xstrndup(tk->image, (size_t)(at - tk->image)) : xstrdup(tk->image);
    r[3] = xstrdup(node_name(nodes, tk->node_id));
    r[4] = xstrdup(state_word(tk->desired_state));
    char *ago = tk->status_at ? views_ago_new(tk->status_at, now) : NULL;
    r[5] = ago ? xasprintf("%s %s", state_word(tk->state), ago)
               : xstrdup(state_word(tk->state));
    free(ago);
    const char *e = tk->error;
    r[6] = !no_trunc && strlen(e) > 29 ? xasprintf("\"%.29s…\"", e)
           : *e                        ? xasprintf("\"%s\"", e)
                                       : xstrdup("");
    r[7] = xstrdup("");
  }
  free(rows);
  views_table(cell, k + 1, 8, out);
}

int views_stack(struct session *s, enum views_stack_what what, const char *ns,
                int no_trunc, struct buf *out)
{
  struct engine_filters f = ENGINE_FILTERS_INIT;
  if (what != VIEWS_STACK_LS) {
    char *l = xasprintf("%s=%s", NS_LABEL, ns);
    engine_filters_add(&f, "label", l);
    free(l);
  }
  struct session_call sv = {.err = &s->err}, tk = {.err = &s->err},
                      nd = {.err = &s->err};
  int rc = engine_service_list(s->engine, what == VIEWS_STACK_LS ? NULL : &f,
                               session_call_cb, &sv, &s->err);
  if (!rc)
    rc = session_call_wait(s, &sv);
  if (!rc && what != VIEWS_STACK_LS && !sv.services->n)
    rc = err_set(&s->err, ERR_NOTFOUND, "nothing found in stack '%s'", ns);
  struct engine_filters tf = ENGINE_FILTERS_INIT;
  for (size_t i = 0; !rc && what != VIEWS_STACK_LS && i < sv.services->n; i++)
    engine_filters_add(&tf, "service", sv.services->v[i].id);
  if (!rc && what != VIEWS_STACK_LS) {
    rc = engine_task_list(s->engine, &tf, session_call_cb, &tk, &s->err);
    if (!rc)
      rc = session_call_wait(s, &tk);
  }
  if (!rc && what == VIEWS_STACK_PS) {
    rc = engine_node_list(s->engine, NULL, session_call_cb, &nd, &s->err);
    if (!rc)
      rc = session_call_wait(s, &nd);
  }
  if (!rc && what == VIEWS_STACK_LS)
    views_stack_ls_render(sv.services, out);
  else if (!rc && what == VIEWS_STACK_SERVICES)
    views_stack_services_render(sv.services, tk.tasks, out);
  else if (!rc)
    views_stack_ps_render(sv.services, tk.tasks, nd.nodes, no_trunc, time(NULL),
                          out);
  engine_filters_release(&f);
  engine_filters_release(&tf);
  session_call_release(&sv);
  session_call_release(&tk);
  session_call_release(&nd);
  return rc;
}
