/* fields: the service fields that are loaded but not acted on, and their
 * warnings. Each entry leaves the table when the runtime honours it. */
#include "compose/fields.h"

#include <stdio.h>
#include <string.h>

#define PENDING "loaded but not acted on yet"
#define WINDOWS "a Windows container setting; ignored on this engine"

const struct field_unacted fields_unacted[] = {
    {"attach", PENDING " (logs are attached for every service)"},
    {"blkio_config", PENDING " (HostConfig.Blkio* not sent)"},
    {"cpu_count", WINDOWS},
    {"cpu_percent", WINDOWS},
    {"cpu_period", PENDING " (HostConfig.CpuPeriod not sent)"},
    {"cpu_quota", PENDING " (HostConfig.CpuQuota not sent)"},
    {"cpu_rt_period", PENDING " (HostConfig.CpuRealtimePeriod not sent)"},
    {"cpu_rt_runtime", PENDING " (HostConfig.CpuRealtimeRuntime not sent)"},
    {"credential_spec", WINDOWS},
    {"device_cgroup_rules", PENDING " (HostConfig.DeviceCgroupRules not sent)"},
    {"external_links", PENDING " (HostConfig.Links not sent)"},
    {"isolation", WINDOWS},
    {"links", PENDING " (HostConfig.Links not sent; the service name "
                      "resolves on the network, the link alias does not)"},
    {"mem_swappiness", PENDING " (HostConfig.MemorySwappiness not sent)"},
    {"models", PENDING " (models are not pulled or run)"},
    {"deploy.restart_policy",
     PENDING " (HostConfig.RestartPolicy comes from restart:)"},
    {"networks.*.driver_opts",
     PENDING " (EndpointSettings.DriverOpts not sent)"},
    {"networks.*.gw_priority",
     "not sent: EndpointSettings.GwPriority needs Engine API 1.48"},
    {"networks.*.interface_name",
     "not sent: the interface name needs a newer Engine API than 1.41"},
    {"volumes[].bind.recursive",
     PENDING " (Mount.BindOptions.NonRecursive not sent)"},
    {NULL, NULL}};

static void warn(struct strvec *w, const struct ynode *n, const char *path,
                 const char *why)
{
  strvec_pushf(w, "%s:%d:%d: %s: %s", n->pos.file ? n->pos.file : "-",
               n->pos.line, n->pos.col, path, why);
}

/* Follow path (dotted; "[]" every list item, "*" every map value) from n. */
static void walk(struct strvec *w, const struct ynode *n, const char *path,
                 const char *shown, const char *why)
{
  char seg[64], next_shown[512];
  size_t l = strcspn(path, ".[");

  if (!n || n->kind == YNODE_NULL)
    return;
  if (!*path) {
    warn(w, n, shown, why);
    return;
  }
  if (!strncmp(path, "[]", 2)) {
    const char *rest = path[2] == '.' ? path + 3 : path + 2;
    if (n->kind != YNODE_SEQ)
      return;
    for (size_t i = 0; i < n->n; i++) {
      snprintf(next_shown, sizeof(next_shown), "%s[%zu]", shown, i);
      walk(w, n->items[i], rest, next_shown, why);
    }
    return;
  }
  if (n->kind != YNODE_MAP || l >= sizeof(seg))
    return;
  memcpy(seg, path, l);
  seg[l] = '\0';
  path += l;
  if (*path == '.')
    path++;
  for (size_t i = 0; i < n->n; i++) {
    const char *k = n->keys[i]->str;
    if (strcmp(seg, "*") && strcmp(seg, k))
      continue;
    snprintf(next_shown, sizeof(next_shown), "%s.%s", shown, k);
    walk(w, n->items[i], path, next_shown, why);
  }
}

static int is_propagation(const char *o, size_t l)
{
  static const char *const v[] = {"rprivate", "private", "rshared",
                                  "shared",   "rslave",  "slave"};
  for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
    if (strlen(v[i]) == l && !strncmp(o, v[i], l))
      return 1;
  return 0;
}

/* The SELinux label and propagation of a named volume (short "data:/d:z"
 * or long bind: options on a volume), and a bind's SELinux label when it
 * goes as a Mount (create_host_path: false): the engine's Mount has no
 * field for them. */
static void warn_mounts(struct strvec *w, const char *where,
                        const struct ynode *vols)
{
  char shown[512];

  if (!vols || vols->kind != YNODE_SEQ)
    return;
  for (size_t i = 0; i < vols->n; i++) {
    const struct ynode *v = vols->items[i];
    snprintf(shown, sizeof(shown), "%s.volumes[%zu]", where, i);
    if (v->kind == YNODE_SCALAR) {
      const char *c1 = strchr(v->str, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : 0;
      if (!c2 || strchr("./~", v->str[0]))
        continue;
      for (const char *o = c2 + 1; *o;) {
        size_t l = strcspn(o, ",");
        if ((l == 1 && (*o == 'z' || *o == 'Z')) || is_propagation(o, l)) {
          warn(w, v, shown,
               "the SELinux label or propagation of a named volume is not "
               "sent to the engine yet");
          break;
        }
        o += l + (o[l] == ',');
      }
      continue;
    }
    if (v->kind != YNODE_MAP)
      continue;
    const struct ynode *t = ydoc_get(v, "type"), *b = ydoc_get(v, "bind");
    int bind = t && t->kind == YNODE_SCALAR && !strcmp(t->str, "bind");
    const struct ynode *chp = ydoc_get(b, "create_host_path");
    int as_mount = chp && chp->kind == YNODE_SCALAR &&
                   (!strcmp(chp->str, "false") || !strcmp(chp->str, "False") ||
                    !strcmp(chp->str, "FALSE"));
    if (!b || b->kind != YNODE_MAP)
      continue;
    const struct ynode *se = ydoc_get(b, "selinux");
    const struct ynode *pr = ydoc_get(b, "propagation");
    if (se && (!bind || as_mount))
      warn(w, se, shown,
           bind ? "bind.selinux with create_host_path: false is not sent "
                  "(the engine's Mount has no SELinux label)"
                : "bind.selinux on a volume is not sent to the engine yet");
    if (pr && !bind)
      warn(w, pr, shown,
           "bind.propagation on a volume is not sent to the engine yet");
  }
}

void fields_warn_service(struct strvec *w, const char *where,
                         const struct ynode *svc)
{
  if (!w || !svc || svc->kind != YNODE_MAP)
    return;
  for (const struct field_unacted *f = fields_unacted; f->path; f++)
    walk(w, svc, f->path, where, f->why);
  warn_mounts(w, where, ydoc_get(svc, "volumes"));
}

void fields_warn_models(struct strvec *w, const struct ynode *models)
{
  if (!w || !models || models->kind != YNODE_MAP || !models->n)
    return;
  warn(w, models->keys[0], "models",
       PENDING " (no model runner is driven: models are not pulled or run)");
}

const struct field_unacted fields_unacted_top[] = {
    {"networks.*.enable_ipv4", "not sent: EnableIPv4 needs Engine API 1.47"},
    {"networks.*.ipam.options", PENDING " (IPAM.Options not sent)"},
    {NULL, NULL}};

void fields_warn_top(struct strvec *w, const struct ynode *root)
{
  if (!w || !root || root->kind != YNODE_MAP)
    return;
  for (const struct field_unacted *f = fields_unacted_top; f->path; f++) {
    const char *dot = strchr(f->path, '.');
    char top[32];
    snprintf(top, sizeof(top), "%.*s", (int)(dot - f->path), f->path);
    walk(w, ydoc_get(root, top), dot + 1, top, f->why);
  }
}
