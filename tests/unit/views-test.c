/* Unit tests for views: the text of the read-only commands made from typed
 * engine answers, parsed with the engine's _parse functions from listings
 * written here (with compose labels) and from replies recorded from a real
 * engine (tests/unit/data/types-*): ps rows and JSON, ago strings, ports,
 * ls grouping, event lines, top, images, port, version. No engine runs. */
#include "tap.h"
#include "util/buf.h"
#include "util/err.h"
#include "views/views.h"

#include <stdlib.h>
#include <time.h>

static struct buf load(const char *name)
{
  const char *top = getenv("TOP_SRCDIR");
  char path[4096];
  snprintf(path, sizeof(path), "%s/tests/unit/data/%s", top ? top : ".", name);
  struct buf b = BUF_INIT;
  if (buf_read_file(&b, path)) {
    printf("Bail out! cannot read %s\n", path);
    exit(1);
  }
  return b;
}

#define NOW 1700000000LL /* 2023-11-14 22:13:20 UTC */

/* A container of project "demo" as GET /containers/json lists it. */
#define CTR(id, name, svc, num, oneoff, state, status, created, cmd, ports)    \
  "{\"Id\":\"" id "\",\"Names\":[\"/" name "\"],\"Image\":\"busybox:latest\"," \
  "\"ImageID\":\"sha256:" id "\",\"Command\":\"" cmd "\",\"Created\":" created \
  ",\"State\":\"" state "\",\"Status\":\"" status "\",\"Ports\":[" ports       \
  "],\"Labels\":{\"com.docker.compose.project\":\"demo\","                     \
  "\"com.docker.compose.service\":\"" svc "\","                                \
  "\"com.docker.compose.container-number\":\"" num "\","                       \
  "\"com.docker.compose.oneoff\":\"" oneoff "\"}}"

/* The containers of the listing, in the engine's order. */
static const char *const containers[] = {
    CTR("aaa1", "demo-web-1", "web", "1", "False", "running",
        "Up 2 minutes (healthy)", "1699999875",
        "sh -c 'echo web one; exec httpd'",
        "{\"IP\":\"127.0.0.1\",\"PrivatePort\":8000,\"PublicPort\":8080,"
        "\"Type\":\"tcp\"},"
        "{\"IP\":\"0.0.0.0\",\"PrivatePort\":53,\"PublicPort\":5353,"
        "\"Type\":\"udp\"},"
        "{\"IP\":\"::\",\"PrivatePort\":53,\"PublicPort\":5353,"
        "\"Type\":\"udp\"},"
        "{\"IP\":\"0.0.0.0\",\"PrivatePort\":53,\"PublicPort\":5353,"
        "\"Type\":\"udp\"},"
        "{\"PrivatePort\":9000,\"Type\":\"tcp\"}"),
    CTR("bbb2", "demo-job-1", "job", "1", "False", "exited",
        "Exited (3) 2 days ago", "1699740800", "true", ""),
    CTR("ccc3", "demo-db-1", "db", "1", "False", "running", "Up 2 hours",
        "1699992800", "sleep 300", ""),
    CTR("ddd4", "demo-web-run-1", "web", "1", "True", "running", "Up 1 second",
        "1699999999", "sh", ""),
    CTR("eee5", "demo-old-1", "old", "1", "False", "running", "Up 30 seconds",
        "1699999970", "sleep 1d", ""),
    CTR("fff6", "demo-web-2", "web", "2", "False", "paused",
        "Up 1 minute (Paused)", "1699999900", "httpd",
        "{\"IP\":\"::1\",\"PrivatePort\":8000,\"PublicPort\":8081,"
        "\"Type\":\"tcp\"}")};

/* A listing of n items as the engine sends it, parsed. */
static struct engine_container_list *list_of(const char *const *items, size_t n)
{
  struct buf b = BUF_INIT;
  struct err e = ERR_INIT;
  struct engine_container_list *l = NULL;
  buf_addch(&b, '[');
  for (size_t i = 0; i < n; i++)
    buf_addf(&b, "%s%s", i ? "," : "", items[i]);
  buf_addch(&b, ']');
  is_int(engine_container_list_parse(b.data, b.len, &l, &e), 0,
         "a listing of %zu parses %s", n, e.text ? e.text : "");
  err_release(&e);
  buf_release(&b);
  return l;
}

static struct service svc[] = {
    {.name = "db"}, {.name = "job"}, {.name = "web"}};
static struct project proj = {.name = "demo", .services = svc, .nservices = 3};
static unsigned char all_selected[] = {1, 1, 1};

static void session_of(struct session *s, struct engine_container_list *l,
                       unsigned char *selected, int named)
{
  memset(s, 0, sizeof(*s));
  s->project = &proj;
  s->listed = l;
  s->selected = selected;
  s->named = named;
}

static char text[8192];

static const char *ps(const struct session *s, enum views_ps_format f, int all,
                      unsigned status)
{
  struct views_ps_options o = {
      .format = f, .all = all, .status = status, .now = NOW};
  struct buf b = BUF_INIT;
  views_ps_render(s, &o, &b);
  snprintf(text, sizeof(text), "%s", b.data ? b.data : "");
  buf_release(&b);
  return text;
}

static void test_ps(struct engine_container_list *l)
{
  struct session s;
  session_of(&s, l, all_selected, 0);
  is_str(ps(&s, VIEWS_PS_TABLE, 0, 0),
         "NAME         IMAGE            COMMAND                  SERVICE   "
         "CREATED          STATUS                   PORTS\n"
         "demo-db-1    busybox:latest   \"sleep 300\"              db        "
         "2 hours ago      Up 2 hours               \n"
         "demo-old-1   busybox:latest   \"sleep 1d\"               old       "
         "30 seconds ago   Up 30 seconds            \n"
         "demo-web-1   busybox:latest   \"sh -c 'echo web one\xe2\x80\xa6\"   "
         "web       2 minutes ago    Up 2 minutes (healthy)   "
         "127.0.0.1:8080->8000/tcp, 0.0.0.0:5353->53/udp, [::]:5353->53/udp, "
         "9000/tcp\n",
         "ps: running ones sorted by name, orphan in, one-off out, columns "
         "padded by characters, command cut at 19");
  is_str(ps(&s, VIEWS_PS_SERVICES, 1, 0), "db\njob\nold\nweb\n",
         "ps -a --services: each service once");
  is_str(ps(&s, VIEWS_PS_QUIET, 0, views_status_bit("exited")), "bbb2\n",
         "ps --status exited -q: the job's id");
  is_str(ps(&s, VIEWS_PS_QUIET, 0,
            views_status_bit("paused") | views_status_bit("exited")),
         "bbb2\nfff6\n", "two statuses");
  is_str(ps(&s, VIEWS_PS_JSON, 0, views_status_bit("exited")),
         "{\"Command\":\"true\",\"CreatedAt\":\"2023-11-11 22:13:20 +0000 "
         "UTC\",\"ExitCode\":3,\"Health\":\"\",\"ID\":\"bbb2\",\"Image\":"
         "\"busybox:latest\",\"Name\":\"demo-job-1\",\"Names\":\"demo-job-1\","
         "\"Ports\":\"\",\"Project\":\"demo\",\"Publishers\":[],\"RunningFor\":"
         "\"3 days ago\",\"Service\":\"job\",\"State\":\"exited\",\"Status\":"
         "\"Exited (3) 2 days ago\"}\n",
         "ps --format json: an exited container's fields and exit code");

  unsigned char web[] = {0, 0, 1};
  session_of(&s, l, web, 1);
  is_str(ps(&s, VIEWS_PS_JSON, 1, 0),
         "{\"Command\":\"sh -c 'echo web one; exec httpd'\",\"CreatedAt\":"
         "\"2023-11-14 22:11:15 +0000 UTC\",\"ExitCode\":0,\"Health\":"
         "\"healthy\",\"ID\":\"aaa1\",\"Image\":\"busybox:latest\",\"Name\":"
         "\"demo-web-1\",\"Names\":\"demo-web-1\",\"Ports\":\"127.0.0.1:8080->"
         "8000/tcp, 0.0.0.0:5353->53/udp, [::]:5353->53/udp, 9000/tcp\","
         "\"Project\":\"demo\",\"Publishers\":["
         "{\"URL\":\"127.0.0.1\",\"TargetPort\":8000,\"PublishedPort\":8080,"
         "\"Protocol\":\"tcp\"},"
         "{\"URL\":\"0.0.0.0\",\"TargetPort\":53,\"PublishedPort\":5353,"
         "\"Protocol\":\"udp\"},"
         "{\"URL\":\"::\",\"TargetPort\":53,\"PublishedPort\":5353,"
         "\"Protocol\":\"udp\"},"
         "{\"URL\":\"0.0.0.0\",\"TargetPort\":53,\"PublishedPort\":5353,"
         "\"Protocol\":\"udp\"},"
         "{\"URL\":\"\",\"TargetPort\":9000,\"PublishedPort\":0,"
         "\"Protocol\":\"tcp\"}],"
         "\"RunningFor\":\"2 minutes ago\",\"Service\":\"web\",\"State\":"
         "\"running\",\"Status\":\"Up 2 minutes (healthy)\"}\n"
         "{\"Command\":\"httpd\",\"CreatedAt\":\"2023-11-14 22:11:40 +0000 "
         "UTC\",\"ExitCode\":0,\"Health\":\"\",\"ID\":\"fff6\",\"Image\":"
         "\"busybox:latest\",\"Name\":\"demo-web-2\",\"Names\":\"demo-web-2\","
         "\"Ports\":\"[::1]:8081->8000/tcp\",\"Project\":\"demo\","
         "\"Publishers\":[{\"URL\":\"::1\",\"TargetPort\":8000,"
         "\"PublishedPort\":8081,\"Protocol\":\"tcp\"}],\"RunningFor\":"
         "\"About a minute ago\",\"Service\":\"web\",\"State\":\"paused\","
         "\"Status\":\"Up 1 minute (Paused)\"}\n",
         "ps -a --format json web: every port a publisher, the orphan and the "
         "one-off left out");

  struct views_list vl;
  views_collect(&s, 1, &vl);
  is_int(vl.n, 2, "collect: web's two replicas");
  const struct views_ctr *c;
  const struct engine_port *p = views_port_find(&vl, 2, 8000, "tcp", &c);
  ok(p && p->public_port == 8081 && !strcmp(p->ip, "::1"),
     "port web 8000 --index 2: ::1:8081");
  ok(!views_port_find(&vl, 1, 9000, "tcp", &c) && c &&
         !strcmp(c->c.name, "demo-web-1"),
     "an exposed port that is not published: none, the replica found");
  ok(!views_port_find(&vl, 1, 53, "tcp", &c), "53/tcp: not the udp one");
  ok(!views_port_find(&vl, 3, 8000, "tcp", &c) && !c, "no replica 3");
  views_list_release(&vl);

  session_of(&s, NULL, all_selected, 0);
  is_str(ps(&s, VIEWS_PS_TABLE, 1, 0),
         "NAME   IMAGE   COMMAND   SERVICE   CREATED   STATUS   PORTS\n",
         "nothing listed: the header only");
}

static void test_ago(void)
{
  static const struct {
    long long ago;
    const char *want;
  } t[] = {{-5, "Less than a second ago"},
           {0, "Less than a second ago"},
           {1, "1 second ago"},
           {59, "59 seconds ago"},
           {60, "About a minute ago"},
           {119, "About a minute ago"},
           {120, "2 minutes ago"},
           {3599, "59 minutes ago"},
           {3600, "About an hour ago"},
           {5399, "About an hour ago"},
           {5400, "2 hours ago"},
           {47 * 3600, "47 hours ago"},
           {48 * 3600, "2 days ago"},
           {13 * 86400, "13 days ago"},
           {14 * 86400, "2 weeks ago"},
           {60 * 86400, "2 months ago"},
           {730 * 86400, "2 years ago"}};
  for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    char *s = views_ago_new(NOW - t[i].ago, (time_t)NOW);
    is_str(s, t[i].want, "ago %lld s", t[i].ago);
    free(s);
  }
}

static void test_ports(void)
{
  struct buf b = load("types-container-list.json");
  struct engine_container_list *l = NULL;
  is_int(engine_container_list_parse(b.data, b.len, &l, NULL), 0,
         "the recorded listing parses");
  buf_release(&b);
  char *s = views_ports_new(l->v[0].ports, l->v[0].nports);
  is_str(s, "127.0.0.1:32768->80/tcp, 53/udp",
         "recorded ports: published, then exposed only");
  free(s);
  engine_container_list_free(l);
  s = views_ports_new(NULL, 0);
  is_str(s, "", "no ports: empty");
  free(s);
  struct engine_port v6[] = {{"::", 80, 8080, "tcp"}, {"::", 80, 8080, "tcp"}};
  s = views_ports_new(v6, 2);
  is_str(s, "[::]:8080->80/tcp", "IPv6 in brackets, a repeat once");
  free(s);
}

static const char *ls(const struct engine_container_list *l,
                      enum views_ls_format f, int all, const char *filter)
{
  struct views_ls_options o = {.format = f, .all = all, .filter = filter};
  struct buf b = BUF_INIT;
  views_ls_render(l, &o, &b);
  snprintf(text, sizeof(text), "%s", b.data ? b.data : "");
  buf_release(&b);
  return text;
}

#define LSCTR(id, project, state, files)                                       \
  "{\"Id\":\"" id "\",\"State\":\"" state "\",\"Labels\":{"                    \
  "\"com.docker.compose.project\":\"" project "\","                            \
  "\"com.docker.compose.project.config_files\":\"" files "\"}}"

static void test_ls(void)
{
  static const char *const projects[] = {
      LSCTR("1", "zeta", "running", "/srv/zeta/compose.yaml"),
      LSCTR("2", "alpha", "exited",
            "/srv/alpha/compose.yaml,/srv/alpha/o.yaml"),
      LSCTR("3", "zeta", "exited", "/srv/zeta/compose.yaml"),
      LSCTR("4", "alpha", "running", "/other.yaml"),
      LSCTR("5", "zeta", "running", "/srv/zeta/compose.yaml"),
      "{\"Id\":\"6\",\"State\":\"running\",\"Labels\":{}}",
      LSCTR("7", "beta", "created", "/srv/beta/compose.yaml")};
  struct engine_container_list *l =
      list_of(projects, sizeof(projects) / sizeof(projects[0]));
  is_str(ls(l, VIEWS_LS_TABLE, 0, NULL),
         "NAME    STATUS                  CONFIG FILES\n"
         "alpha   exited(1), running(1)   "
         "/srv/alpha/compose.yaml,/srv/alpha/o.yaml\n"
         "zeta    running(2), exited(1)   /srv/zeta/compose.yaml\n",
         "ls: running projects sorted, states counted in the order seen, the "
         "config files of the first container");
  is_str(ls(l, VIEWS_LS_QUIET, 1, NULL), "alpha\nbeta\nzeta\n",
         "ls -a -q: the project with nothing running too, unlabelled left out");
  is_str(ls(l, VIEWS_LS_JSON, 1, "et"),
         "[{\"Name\":\"beta\",\"Status\":\"created(1)\",\"ConfigFiles\":"
         "\"/srv/beta/compose.yaml\"},{\"Name\":\"zeta\",\"Status\":"
         "\"running(2), exited(1)\",\"ConfigFiles\":"
         "\"/srv/zeta/compose.yaml\"}]\n",
         "ls -a --filter name=et --format json");
  is_str(ls(NULL, VIEWS_LS_JSON, 0, NULL), "[]\n", "no listing: []");
  engine_container_list_free(l);
}

static const char *event(const struct session *s, const char *json, int as_json,
                         int *shown)
{
  struct engine_event *ev = NULL;
  struct err e = ERR_INIT;
  int rc = engine_event_parse(json, strlen(json), &ev, &e);
  if (rc) {
    printf("# %s\n", e.text);
    err_release(&e);
    *shown = -1;
    return "";
  }
  struct buf b = BUF_INIT;
  *shown = views_event_render(s, ev, as_json, &b);
  snprintf(text, sizeof(text), "%s", b.data ? b.data : "");
  buf_release(&b);
  engine_event_free(ev);
  return text;
}

static void test_events(void)
{
  static const char die[] =
      "{\"status\":\"die\",\"id\":\"aaa1\",\"Type\":\"container\","
      "\"Action\":\"die\",\"Actor\":{\"ID\":\"aaa1\",\"Attributes\":{"
      "\"com.docker.compose.project\":\"demo\","
      "\"com.docker.compose.service\":\"web\",\"exitCode\":\"137\","
      "\"image\":\"busybox:latest\",\"name\":\"demo-web-1\"}},"
      "\"scope\":\"local\",\"time\":1700000000,"
      "\"timeNano\":1700000000123456000}";
  static const char old[] =
      "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"b\","
      "\"Attributes\":{\"com.docker.compose.service\":\"gone\",\"name\":"
      "\"demo-gone-1\"}},\"time\":1700000001}";
  struct session s;
  int shown;
  session_of(&s, NULL, all_selected, 0);
  is_str(event(&s, die, 0, &shown),
         "2023-11-14 22:13:20.123456 container die aaa1 "
         "(image=busybox:latest, name=demo-web-1)\n",
         "an event line: UTC time to the microsecond, action, id, image, "
         "name");
  is_int(shown, 1, "shown");
  is_str(event(&s, die, 1, &shown),
         "{\"time\":\"2023-11-14T22:13:20.123456000Z\",\"type\":\"container\","
         "\"action\":\"die\",\"id\":\"aaa1\",\"service\":\"web\","
         "\"attributes\":{\"exitCode\":\"137\",\"image\":\"busybox:latest\","
         "\"name\":\"demo-web-1\"}}\n",
         "events --json: compose labels left out of the attributes");
  is_str(event(&s, old, 0, &shown),
         "2023-11-14 22:13:21.000000 container start b (image=, "
         "name=demo-gone-1)\n",
         "no timeNano: the seconds; no image: empty; an orphan shown when "
         "no service is named");
  unsigned char db[] = {1, 0, 0};
  session_of(&s, NULL, db, 1);
  is_str(event(&s, die, 0, &shown), "", "a service not named: no line");
  is_int(shown, 0, "and 0");
  event(&s, old, 0, &shown);
  is_int(shown, 0, "an orphan, with a service named: no line");
}

static void test_top_images_version(void)
{
  struct buf b = load("types-top.json");
  struct engine_top *t = NULL;
  is_int(engine_top_parse(b.data, b.len, &t, NULL), 0, "top parses");
  buf_release(&b);
  struct buf out = BUF_INIT;
  views_top_render("demo-web-1", t, &out);
  is_str(out.data,
         "demo-web-1\n"
         "UID        PID     PPID    C   STIME   TTY   TIME       CMD\n"
         "cloudsdk   20622   20602   1   02:42   ?     00:00:00   sleep 3600\n"
         "\n",
         "top: the name, the table, an empty line");
  engine_top_free(t);
  buf_release(&out);

  b = load("types-image-inspect.json");
  struct engine_image_info *img = NULL;
  is_int(engine_image_info_parse(b.data, b.len, &img, NULL), 0, "image parses");
  buf_release(&b);
  b = load("types-container-list.json");
  struct engine_container_list *l = NULL;
  is_int(engine_container_list_parse(b.data, b.len, &l, NULL), 0,
         "listing parses");
  buf_release(&b);
  struct views_ctr ctr[2] = {{&l->v[0]}, {&l->v[0]}};
  plan_container_from_summary(&l->v[0], &ctr[0].c);
  plan_container_from_summary(&l->v[0], &ctr[1].c);
  struct views_list vl = {ctr, 2};
  struct engine_image_info *images[2] = {img, NULL};
  views_images_render(&vl, images, VIEWS_IMAGES_TABLE, &out);
  is_str(out.data,
         "CONTAINER         REPOSITORY    TAG   IMAGE ID       SIZE\n"
         "wctyped-rec-web   wctyped-rec   1     1719732b9a5f   1.99MB\n"
         "wctyped-rec-web   wctyped-rec   1     1719732b9a5f   0B\n",
         "images: repository and tag from the image, short id, size; an "
         "image gone: the container's image name, 0B");
  buf_reset(&out);
  views_images_render(&vl, images, VIEWS_IMAGES_QUIET, &out);
  is_str(out.data,
         "1719732b9a5fcf7268e6ff9694e80410fb81c56d8cd36979fe1602c1b52a87ae\n",
         "images -q: each image once, without sha256:");
  buf_reset(&out);
  vl.n = 1;
  views_images_render(&vl, images, VIEWS_IMAGES_JSON, &out);
  is_str(out.data,
         "[{\"ID\":\"sha256:1719732b9a5fcf7268e6ff9694e80410fb81c56d8cd36979fe1"
         "602c1b52a87ae\",\"ContainerName\":\"wctyped-rec-web\",\"Repository\":"
         "\"wctyped-rec\",\"Tag\":\"1\",\"Size\":1985472}]\n",
         "images --format json");
  buf_release(&out);
  engine_image_info_free(img);
  engine_container_list_free(l);
  char *sz = views_size_new(999);
  is_str(sz, "999B", "size: bytes");
  free(sz);
  sz = views_size_new(1234567890);
  is_str(sz, "1.23GB", "size: decimal units, 3 digits");
  free(sz);

  b = load("types-version.json");
  struct views_version v = {NULL, "1.41", "unix:///var/run/docker.sock"};
  is_int(engine_version_info_parse(b.data, b.len, &v.info, NULL), 0,
         "version parses");
  buf_release(&b);
  views_version_render(&v, &out);
  is_str(out.data,
         "Engine:\n"
         " Version:          20.10.24+dfsg1\n"
         " API version:      1.41 (minimum version 1.12)\n"
         " API in use:       1.41 (wcompose speaks " ENGINE_API_MIN
         " to " ENGINE_API_MAX ")\n"
         " Go version:       go1.19.8\n"
         " Git commit:       5d6db84\n"
         " Built:            2026-05-07T21:09:36.000000000+00:00\n"
         " OS/Arch:          linux/amd64\n"
         " Host:             unix:///var/run/docker.sock\n",
         "version: the engine block");
  buf_reset(&out);
  views_version_json("9.9", &v, &out);
  is_str(out.data,
         "{\"version\":\"9.9\",\"engine\":{\"version\":\"20.10.24+dfsg1\","
         "\"apiVersion\":\"1.41\",\"minApiVersion\":\"1.12\","
         "\"negotiatedApiVersion\":\"1.41\",\"os\":\"linux\",\"arch\":"
         "\"amd64\",\"host\":\"unix:///var/run/docker.sock\"}}\n",
         "version --format json");
  buf_reset(&out);
  views_version_json("9.9", NULL, &out);
  is_str(out.data, "{\"version\":\"9.9\"}\n", "no engine: ours only");
  buf_release(&out);
  views_version_release(&v);
}

int main(void)
{
  setenv("TZ", "UTC", 1);
  tzset();
  struct engine_container_list *l =
      list_of(containers, sizeof(containers) / sizeof(containers[0]));
  if (l)
    test_ps(l);
  engine_container_list_free(l);
  test_ago();
  test_ports();
  test_ls();
  test_events();
  test_top_images_version();
  is_int(views_status_bit("nope"), 0, "no such status: 0");
  ok(views_status_bit("running") &&
         views_status_bit("running") != views_status_bit("exited"),
     "statuses have bits of their own");
  return tap_done();
}
