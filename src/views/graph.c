/* graph: the project as DOT (services boxes, networks ellipses, published
 * ports plain text) and SVG through Graphviz's dot, fed from a temporary
 * file so that neither side of a pipe can block the other. */
#include "config.h"

#include "views/graph.h"
#include "util/err.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The biggest SVG read back from dot. */
#define SVG_MAX (64u << 20)

/* A DOT string: "text" with quotes and backslashes escaped. */
static void q(struct buf *out, const char *prefix, const char *s)
{
  buf_addch(out, '"');
  buf_addstr(out, prefix);
  for (; *s; s++) {
    if (*s == '\n') {
      buf_addstr(out, "\\n");
      continue;
    }
    if (*s == '"' || *s == '\\')
      buf_addch(out, '\\');
    buf_addch(out, *s);
  }
  buf_addch(out, '"');
}

static int network_used(const struct project *p, const char *key)
{
  for (size_t i = 0; i < p->nservices; i++)
    for (size_t k = 0; k < p->services[i].nnetworks; k++)
      if (!strcmp(p->services[i].networks[k].name, key))
        return 1;
  return 0;
}

/* A depends_on that volumes_from or network_mode: service: implies (the
 * loader adds those): drawn once, as what implies it. */
static int implied(const struct service *s, const struct dependency *d)
{
  if (d->condition != DEP_STARTED)
    return 0;
  for (size_t k = 0; k < s->nvolumes_from; k++)
    if (s->volumes_from[k].service &&
        !strcmp(s->volumes_from[k].service, d->service))
      return 1;
  return s->network_mode && !strncmp(s->network_mode, "service:", 8) &&
         !strcmp(s->network_mode + 8, d->service);
}

static void service_node(struct buf *out, const struct service *s)
{
  buf_addstr(out, "  ");
  q(out, "service:", s->name);
  buf_addstr(out, " [label=");
  struct buf l = BUF_INIT;
  buf_addstr(&l, s->name);
  if (s->image)
    buf_addf(&l, "\n%s", s->image);
  else if (s->build)
    buf_addstr(&l, "\n(build)");
  if (s->network_mode && strncmp(s->network_mode, "service:", 8))
    buf_addf(&l, "\nnetwork_mode: %s", s->network_mode);
  q(out, "", l.data ? l.data : "");
  buf_release(&l);
  buf_addstr(out, "];\n");
}

static void edge(struct buf *out, const char *fp, const char *from,
                 const char *tp, const char *to, const char *attrs)
{
  buf_addstr(out, "  ");
  q(out, fp, from);
  buf_addstr(out, " -> ");
  q(out, tp, to);
  buf_addf(out, " [%s];\n", attrs);
}

int views_graph_dot(const struct project *p, struct buf *out)
{
  buf_addstr(out, "digraph ");
  q(out, "", p->name ? p->name : "project");
  buf_addstr(out, " {\n"
                  "  graph [rankdir=LR, fontname=\"Helvetica\", "
                  "labelloc=t, label=");
  q(out, "project ", p->name ? p->name : "");
  buf_addstr(out, "];\n"
                  "  node [fontname=\"Helvetica\", fontsize=11];\n"
                  "  edge [fontname=\"Helvetica\", fontsize=9];\n"
                  "  node [shape=box, style=\"rounded,filled\", "
                  "fillcolor=\"#e8f0fb\"];\n");
  for (size_t i = 0; i < p->nservices; i++)
    service_node(out, &p->services[i]);
  buf_addstr(out, "  node [shape=ellipse, style=dashed, fillcolor=none];\n");
  for (size_t i = 0; i < p->nnetworks; i++) {
    if (!network_used(p, p->networks[i].key))
      continue;
    buf_addstr(out, "  ");
    q(out, "network:", p->networks[i].key);
    buf_addstr(out, " [label=");
    q(out, "network ", p->networks[i].key);
    buf_addstr(out, "];\n");
  }
  buf_addstr(out, "  node [shape=plaintext, style=\"\"];\n");
  for (size_t i = 0; i < p->nservices; i++) {
    const struct service *s = &p->services[i];
    for (size_t k = 0; k < s->nports; k++) {
      const struct port *pt = &s->ports[k];
      if (!pt->published)
        continue;
      char id[256], label[160];
      snprintf(label, sizeof(label), "%s:%s", pt->host_ip ? pt->host_ip : "",
               pt->published);
      snprintf(id, sizeof(id), "%s/%s", label,
               pt->protocol ? pt->protocol : "tcp");
      buf_addstr(out, "  ");
      q(out, "port:", id);
      buf_addstr(out, " [label=");
      q(out, "", label);
      buf_addstr(out, "];\n");
      char attrs[128];
      snprintf(attrs, sizeof(attrs), "label=\"%u/%s\", color=\"#2e7d32\"",
               (unsigned)pt->target, pt->protocol ? pt->protocol : "tcp");
      edge(out, "port:", id, "service:", s->name, attrs);
    }
  }
  for (size_t i = 0; i < p->nservices; i++) {
    const struct service *s = &p->services[i];
    for (size_t k = 0; k < s->ndepends_on; k++) {
      if (implied(s, &s->depends_on[k]))
        continue;
      char attrs[128];
      snprintf(attrs, sizeof(attrs), "label=\"%s\"",
               dep_condition_name(s->depends_on[k].condition));
      edge(out, "service:", s->name, "service:", s->depends_on[k].service,
           attrs);
    }
    for (size_t k = 0; k < s->nvolumes_from; k++)
      if (s->volumes_from[k].service)
        edge(out, "service:", s->name, "service:", s->volumes_from[k].service,
             s->volumes_from[k].read_only
                 ? "label=\"volumes_from (ro)\", style=dashed"
                 : "label=\"volumes_from\", style=dashed");
    if (s->network_mode && !strncmp(s->network_mode, "service:", 8))
      edge(out, "service:", s->name, "service:", s->network_mode + 8,
           "label=\"network_mode\", style=dotted");
    for (size_t k = 0; k < s->nnetworks; k++)
      edge(out, "service:", s->name, "network:", s->networks[k].name,
           "arrowhead=none, style=dashed, color=\"#888888\"");
  }
  return buf_addstr(out, "}\n");
}

/* Run dot -Tsvg with the file in as its input, its output into out. */
static int run_dot(int in, struct buf *out, struct err *err)
{
  const char *prog = getenv("WCOMPOSE_DOT");
  if (!prog || !*prog)
    prog = "dot";
  int fds[2];
  if (pipe(fds))
    return err_set(err, ERR_IO, "graph: pipe: %s", strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  char *argv[] = {(char *)prog, "-Tsvg", NULL};
  pid_t pid;
  int rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc) {
    close(fds[0]);
    if (rc == ENOENT)
      return err_set(err, ERR_NOTFOUND,
                     "--format svg needs Graphviz's '%s' program, which is "
                     "not installed (Debian: apt-get install graphviz)",
                     prog);
    return err_set(err, ERR_IO, "graph: running '%s': %s", prog, strerror(rc));
  }
  char chunk[65536];
  ssize_t n;
  int full = 0;
  while ((n = read(fds[0], chunk, sizeof(chunk))) != 0) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    if (out->len + (size_t)n > SVG_MAX)
      full = 1;
    else
      buf_add(out, chunk, (size_t)n);
  }
  close(fds[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (full)
    return err_set(err, ERR_LIMIT, "graph: '%s' wrote more than %u MB", prog,
                   SVG_MAX >> 20);
  if (!WIFEXITED(status) || WEXITSTATUS(status))
    return err_set(err, ERR_IO, "graph: '%s -Tsvg' failed (status %d)", prog,
                   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}

int views_graph(const struct project *p, const char *format, struct buf *out,
                struct err *err)
{
  if (!format || !strcmp(format, "dot"))
    return views_graph_dot(p, out);
  if (strcmp(format, "svg"))
    return err_set(err, ERR_USAGE, "graph: '%s' is not a format (want %s)",
                   format, VIEWS_GRAPH_FORMATS);
  struct buf dot = BUF_INIT;
  views_graph_dot(p, &dot);
  char path[] = "/tmp/wcompose-graph.XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) {
    buf_release(&dot);
    return err_set(err, ERR_IO, "graph: a temporary file: %s", strerror(errno));
  }
  unlink(path);
  int rc = 0;
  if (write(fd, dot.data, dot.len) != (ssize_t)dot.len ||
      lseek(fd, 0, SEEK_SET) != 0)
    rc = err_set(err, ERR_IO, "graph: writing a temporary file: %s",
                 strerror(errno));
  buf_release(&dot);
  if (!rc)
    rc = run_dot(fd, out, err);
  close(fd);
  return rc;
}
