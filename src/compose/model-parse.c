/* model-parse: the small value grammars of compose files (durations, byte
 * sizes, shell words, ports, short volume specs) with the results compose
 * itself gives, so `config` prints the same. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose/model-int.h"
#include "util/buf.h"

int model_parse_duration(const char *s, int64_t *ns)
{
  static const struct {
    const char *unit;
    double mult;
  } units[] = {
      {"ns", 1},   {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
      {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},        {"h", 3600e9},
  };
  double total = 0;
  int neg = 0;

  if (*s == '-' || *s == '+')
    neg = *s++ == '-';
  if (!strcmp(s, "0")) {
    *ns = 0;
    return 0;
  }
  if (!*s)
    return -1;
  while (*s) {
    char *end;
    double v;
    size_t i, best = 0, bestlen = 0;

    if (!isdigit((unsigned char)*s) && *s != '.')
      return -1;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || errno)
      return -1;
    s = end;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
      size_t l = strlen(units[i].unit);
      if (!strncmp(s, units[i].unit, l) && l > bestlen) {
        best = i;
        bestlen = l;
      }
    }
    if (!bestlen)
      return -1;
    /* "m" also prefixes "ms": the longest unit wins above */
    total += v * units[best].mult;
    s += bestlen;
  }
  if (total > 9.2e18)
    return -1;
  *ns = (int64_t)(total + 0.5);
  if (neg)
    *ns = -*ns;
  return 0;
}

/* Append v as an integer part and a fraction of prec digits without
 * trailing zeros. */
static void frac(struct buf *b, uint64_t v, int prec)
{
  uint64_t div = 1, f;
  int i;
  char digits[24];

  for (i = 0; i < prec; i++)
    div *= 10;
  buf_addf(b, "%llu", (unsigned long long)(v / div));
  f = v % div;
  if (!f)
    return;
  snprintf(digits, sizeof(digits), "%0*llu", prec, (unsigned long long)f);
  for (i = prec; i > 0 && digits[i - 1] == '0'; i--)
    digits[i - 1] = 0;
  buf_addf(b, ".%s", digits);
}

void model_format_duration(int64_t ns, char *out, size_t size)
{
  struct buf b = BUF_INIT;
  uint64_t u = ns < 0 ? (uint64_t)(-(ns + 1)) + 1 : (uint64_t)ns;

  if (ns < 0)
    buf_addch(&b, '-');
  if (u == 0) {
    buf_addstr(&b, "0s");
  } else if (u < 1000) {
    buf_addf(&b, "%lluns", (unsigned long long)u);
  } else if (u < 1000000) {
    frac(&b, u, 3);
    buf_addstr(&b, "\xc2\xb5s");
  } else if (u < 1000000000) {
    frac(&b, u, 6);
    buf_addstr(&b, "ms");
  } else {
    uint64_t secs = u / 1000000000ULL;
    if (secs >= 3600)
      buf_addf(&b, "%lluh", (unsigned long long)(secs / 3600));
    if (secs >= 60)
      buf_addf(&b, "%llum", (unsigned long long)(secs / 60 % 60));
    frac(&b, u % 60000000000ULL, 9);
    buf_addch(&b, 's');
  }
  snprintf(out, size, "%s", b.data);
  buf_release(&b);
}

int model_parse_bytes(const char *s, int64_t *out)
{
  char *end;
  double v;
  double mult = 1;
  const char *u;

  if (!isdigit((unsigned char)*s))
    return -1;
  errno = 0;
  v = strtod(s, &end);
  if (errno || end == s)
    return -1;
  u = end;
  if (*u == ' ')
    u++;
  switch (tolower((unsigned char)*u)) {
  case 'k':
    mult = 1024.0;
    u++;
    break;
  case 'm':
    mult = 1024.0 * 1024;
    u++;
    break;
  case 'g':
    mult = 1024.0 * 1024 * 1024;
    u++;
    break;
  case 't':
    mult = 1024.0 * 1024 * 1024 * 1024;
    u++;
    break;
  case 'p':
    mult = 1024.0 * 1024 * 1024 * 1024 * 1024;
    u++;
    break;
  default:
    break;
  }
  if (mult > 1 && tolower((unsigned char)*u) == 'i')
    u++;
  if (tolower((unsigned char)*u) == 'b')
    u++;
  if (*u)
    return -1;
  if (v * mult > 9.2e18)
    return -1;
  *out = (int64_t)(v * mult);
  return 0;
}

static void push(struct arena *a, struct strlist *l, const char *s)
{
  l->v = (const char **)arena_push(a, (void **)l->v, l->n, (void *)s);
  l->n++;
}

int model_shell_split(struct arena *a, const char *s, struct strlist *out)
{
  struct buf w = BUF_INIT;
  int inword = 0;

  out->v = NULL;
  out->n = 0;
  for (; *s; s++) {
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
      if (inword)
        push(a, out, arena_strdup(a, w.data ? w.data : ""));
      buf_reset(&w);
      inword = 0;
      continue;
    }
    inword = 1;
    if (*s == '\\') {
      if (s[1])
        buf_addch(&w, *++s);
    } else if (*s == '\'') {
      const char *e = strchr(s + 1, '\'');
      if (!e)
        goto unterminated;
      buf_add(&w, s + 1, (size_t)(e - s - 1));
      s = e;
    } else if (*s == '"') {
      for (s++; *s && *s != '"'; s++) {
        if (*s == '\\' && s[1] && strchr("\"\\$`\n", s[1]))
          s++;
        buf_addch(&w, *s);
      }
      if (!*s)
        goto unterminated;
    } else {
      buf_addch(&w, *s);
    }
  }
  if (inword)
    push(a, out, arena_strdup(a, w.data ? w.data : ""));
  buf_release(&w);
  return 0;
unterminated:
  buf_release(&w);
  return -1;
}

char *model_clean_path(struct arena *a, const char *path)
{
  size_t n = strlen(path), i = 0, o = 0, dotdot;
  int rooted = path[0] == '/';
  char *out;

  if (!n)
    return arena_strdup(a, ".");
  out = arena_alloc(a, n + 2);
  if (rooted) {
    out[o++] = '/';
    i = 1;
  }
  dotdot = o;
  while (i < n) {
    if (path[i] == '/') {
      i++;
    } else if (path[i] == '.' && (i + 1 == n || path[i + 1] == '/')) {
      i++;
    } else if (path[i] == '.' && path[i + 1] == '.' &&
               (i + 2 == n || path[i + 2] == '/')) {
      i += 2;
      if (o > dotdot) {
        o--;
        while (o > dotdot && out[o] != '/')
          o--;
      } else if (!rooted) {
        if (o > 0)
          out[o++] = '/';
        out[o++] = '.';
        out[o++] = '.';
        dotdot = o;
      }
    } else {
      if ((rooted && o != 1) || (!rooted && o != 0))
        out[o++] = '/';
      for (; i < n && path[i] != '/'; i++)
        out[o++] = path[i];
    }
  }
  if (o == 0)
    out[o++] = '.';
  out[o] = 0;
  return out;
}

char *model_abs_path(struct arena *a, const char *dir, const char *home,
                     const char *path)
{
  if (path[0] == '~' && (path[1] == '/' || !path[1]) && home)
    return model_clean_path(a, arena_printf(a, "%s/%s", home, path + 1));
  if (path[0] == '/' || !dir)
    return model_clean_path(a, path);
  return model_clean_path(a, arena_printf(a, "%s/%s", dir, path));
}

void model_format_float(double f, char *buf, size_t size)
{
  int prec;

  for (prec = 1; prec <= 17; prec++) {
    snprintf(buf, size, "%.*g", prec, f);
    if (strtod(buf, NULL) == f)
      break;
  }
}

int model_bool(const char *s)
{
  static const char *const t[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                  "True", "TRUE", "on",  "On",  "ON"};
  static const char *const f[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                  "False", "FALSE", "off", "Off", "OFF"};
  size_t i;

  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
    if (!strcmp(s, t[i]))
      return 1;
  for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
    if (!strcmp(s, f[i]))
      return 0;
  return -1;
}

int64_t model_int(const char *s)
{
  if (s[0] == '0' && s[1] == 'o')
    return strtoll(s + 2, NULL, 8);
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    return strtoll(s + 2, NULL, 16);
  return strtoll(s, NULL, 10);
}

int64_t model_mode(const char *s)
{
  if (s[0] == '0' && s[1] == 'o')
    return strtoll(s + 2, NULL, 8);
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    return strtoll(s + 2, NULL, 16);
  return strtoll(s, NULL, s[0] == '0' ? 8 : 10);
}

enum model_stype model_scalar_type(const char *s)
{
  struct ynode n = {.kind = YNODE_SCALAR, .str = s, .len = strlen(s)};

  if (!*s)
    return STYPE_NULL;
  switch (ydoc_scalar_type(&n)) {
  case YSCALAR_NULL:
    return STYPE_NULL;
  case YSCALAR_BOOL:
    return STYPE_BOOL;
  case YSCALAR_INT:
    return STYPE_INT;
  case YSCALAR_FLOAT:
    return STYPE_FLOAT;
  case YSCALAR_STRING:
    break;
  }
  return STYPE_STR;
}

static int parse_range(const char *s, unsigned long *lo, unsigned long *hi)
{
  char *end;

  if (!isdigit((unsigned char)*s))
    return -1;
  *lo = strtoul(s, &end, 10);
  *hi = *lo;
  if (*end == '-') {
    if (!isdigit((unsigned char)end[1]))
      return -1;
    *hi = strtoul(end + 1, &end, 10);
  }
  if (*end || *lo > 65535 || *hi > 65535 || *hi < *lo)
    return -1;
  return 0;
}

/* As compose reads a short port (docker/go-connections' ParsePortSpec):
 * the text splits on ':' into [IP:][HOST:]CONTAINER[/PROTO], where every
 * part but the last two is the IP (an IPv6 address needs no brackets);
 * an empty IP or host port is no IP or no host port, and the protocol is
 * what follows the first '/' (empty means tcp), in any case. */
int model_parse_ports(struct arena *a, const char *spec, struct port **ports,
                      size_t *n, const char **why)
{
  char *s = arena_strdup(a, spec), *slash, *cport, *hport = NULL;
  char *ip = NULL, *c;
  const char *proto = "tcp";
  unsigned long clo, chi, hlo = 0, hhi = 0, i;
  unsigned char addr[16];

  c = strrchr(s, ':');
  if (!c) {
    cport = s;
  } else {
    *c = 0;
    cport = c + 1;
    c = strrchr(s, ':');
    if (!c) {
      hport = s;
    } else {
      *c = 0;
      ip = s;
      hport = c + 1;
    }
  }
  slash = strchr(cport, '/');
  if (slash) {
    char *p, *end;
    *slash = 0;
    p = slash + 1;
    end = strchr(p, '/');
    if (end)
      *end = 0;
    for (char *q = p; *q; q++)
      *q = (char)tolower((unsigned char)*q);
    if (*p)
      proto = p;
  }
  if (!*cport) {
    *why = "no container port (want [HOST_IP:][HOST_PORT:]CONTAINER_PORT"
           "[/PROTOCOL])";
    return -1;
  }
  if (strcmp(proto, "tcp") && strcmp(proto, "udp") && strcmp(proto, "sctp")) {
    *why =
        arena_printf(a, "invalid protocol '%s' (want tcp, udp or sctp)", proto);
    return -1;
  }
  if (ip && !*ip)
    ip = NULL; /* ":8080:80", or an IP interpolated to nothing */
  if (ip) {
    size_t l = strlen(ip);
    if (ip[0] == '[') {
      if (l < 3 || ip[l - 1] != ']') {
        *why = "invalid host IP address";
        return -1;
      }
      ip = arena_strndup(a, ip + 1, l - 2);
    }
    if (inet_pton(AF_INET, ip, addr) != 1 &&
        inet_pton(AF_INET6, ip, addr) != 1) {
      *why = "invalid host IP address";
      return -1;
    }
  }
  if (parse_range(cport, &clo, &chi)) {
    *why = arena_printf(a, "invalid container port '%s'", cport);
    return -1;
  }
  if (hport && *hport && parse_range(hport, &hlo, &hhi)) {
    *why = arena_printf(a, "invalid host port '%s'", hport);
    return -1;
  }
  if (hport && *hport && hhi - hlo != chi - clo && chi != clo) {
    *why = arena_printf(a,
                        "invalid ranges specified for container and host "
                        "ports: %s and %s",
                        cport, hport);
    return -1;
  }
  *n = chi - clo + 1;
  *ports = arena_alloc(a, *n * sizeof(**ports));
  for (i = 0; i < *n; i++) {
    struct port *p = &(*ports)[i];
    p->target = (uint32_t)(clo + i);
    p->protocol = proto;
    p->mode = "ingress";
    p->host_ip = ip && *ip ? ip : NULL;
    if (hport && *hport) {
      if (clo == chi && hlo != hhi)
        p->published = arena_printf(a, "%lu-%lu", hlo, hhi);
      else
        p->published = arena_printf(a, "%lu", hlo + i);
    }
  }
  return 0;
}

static int is_propagation(const char *o)
{
  static const char *const v[] = {"rprivate", "private", "rshared",
                                  "shared",   "rslave",  "slave"};
  size_t i;

  for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
    if (!strcmp(o, v[i]))
      return 1;
  return 0;
}

int model_parse_volume(struct arena *a, const char *spec, struct mount *m,
                       const char **why)
{
  char *s = arena_strdup(a, spec), *parts[3];
  size_t n = 0;
  char *p = s, *opt;

  memset(m, 0, sizeof(*m));
  m->tmpfs_size = -1;
  m->tmpfs_mode = -1;
  for (;;) {
    char *c = strchr(p, ':');
    if (n == 3) {
      *why = "too many colons";
      return -1;
    }
    parts[n++] = p;
    if (!c)
      break;
    *c = 0;
    p = c + 1;
  }
  for (size_t i = 0; i < n; i++) {
    if (!*parts[i]) {
      *why = "empty section between colons";
      return -1;
    }
  }
  if (n == 1) {
    m->target = parts[0];
  } else {
    m->source = parts[0];
    m->target = parts[1];
  }
  if (n == 3) {
    for (opt = strtok(parts[2], ","); opt; opt = strtok(NULL, ",")) {
      if (!strcmp(opt, "ro"))
        m->read_only = 1;
      else if (!strcmp(opt, "rw"))
        m->read_only = 0;
      else if (!strcmp(opt, "nocopy"))
        m->volume_nocopy = 1;
      else if (!strcmp(opt, "z") || !strcmp(opt, "Z"))
        m->bind_selinux = arena_strdup(a, opt);
      else if (is_propagation(opt))
        m->bind_propagation = arena_strdup(a, opt);
      /* other options are ignored, as compose does */
    }
  }
  if (m->source &&
      (m->source[0] == '.' || m->source[0] == '/' || m->source[0] == '~')) {
    m->type = MOUNT_BIND;
    m->has_bind = 1;
    m->volume_nocopy = 0;
  } else {
    /* a named volume keeps z/Z and a propagation in bind:, as compose's
     * parser does */
    m->type = MOUNT_VOLUME;
    m->has_volume = 1;
  }
  return 0;
}

int model_port_option(struct arena *a, const char *opt, const char *spec,
                      struct port **ports, size_t *n, struct err *err)
{
  const char *why;

  if (model_parse_ports(a, spec, ports, n, &why))
    return err_set(err, ERR_USAGE, "'%s %s': not a port mapping: %s", opt, spec,
                   why);
  return 0;
}

int model_volume_option(struct arena *a, const char *opt, const char *spec,
                        const char *dir, const char *home, struct mount *m,
                        struct err *err)
{
  const char *why;

  if (model_parse_volume(a, spec, m, &why))
    return err_set(err, ERR_USAGE, "'%s %s': not a volume: %s", opt, spec, why);
  /* as the loader normalizes a short bind written in a file */
  if (m->type == MOUNT_BIND) {
    m->source = model_abs_path(a, dir, home, m->source);
    m->bind_create_host_path = TRI_TRUE;
  }
  m->target = model_clean_path(a, m->target);
  return 0;
}
