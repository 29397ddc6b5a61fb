#!/usr/bin/env python3
"""wcompose against the compose implementations present on the machine.

Runs each scenario several times with the tools interleaved (the order
rotates every round), takes medians, and writes doc/benchmarks.md with the
ratios peer/wcompose. Every project gets a unique name and is torn down by
the tool that made it, then swept by label, even when interrupted. Called by
bench/run.sh, which builds wcompose and provides the engine and the image.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import watchlat

PROJECT_LABEL = "com.docker.compose.project"

# Runs per scenario: (full, --quick).
RUNS = {
    "config": (15, 3),
    "up": (5, 1),
    "build": (5, 1),
    "rss": (3, 1),
    "logs": (7, 1),
    "watch": (20, 5),  # edits, in one watch session per tool
    "scale": (3, 1),   # rounds per size
}
SCALE_SIZES = (5, 20, 100, 200)
LOG_LINES = 200000
BUILD_FILES = 2000


class Interrupted(BaseException):
    """A signal asked the run to stop; cleanup still runs."""


STOPPING = False


def on_signal(signum, frame):
    global STOPPING
    if STOPPING:
        return  # cleanup is running: let it finish
    STOPPING = True
    raise Interrupted(signal.Signals(signum).name)


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- engine API


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


class EngineError(Exception):
    pass


class Engine:
    """The Docker Engine API on one keep-alive connection, found as the
    docker CLI finds it (DOCKER_HOST, else /var/run/docker.sock)."""

    def __init__(self, timeout=300):
        self.timeout = timeout
        self.host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
        self.conn = None
        self.prefix = ""
        status, ver = self.request("GET", "/version")
        self.version = ver
        self.prefix = "/v" + ver.get("ApiVersion", "1.41")

    def connect(self):
        u = urllib.parse.urlparse(self.host)
        if u.scheme == "unix":
            return UnixHTTPConnection(u.path, self.timeout)
        if u.scheme in ("tcp", "http", "https"):
            port = u.port or 2375
            tls = os.environ.get("DOCKER_TLS_VERIFY") or u.scheme == "https"
            if not tls:
                return http.client.HTTPConnection(u.hostname, port,
                                                  timeout=self.timeout)
            certs = os.environ.get("DOCKER_CERT_PATH",
                                   os.path.expanduser("~/.docker"))
            ctx = ssl.create_default_context(
                cafile=os.path.join(certs, "ca.pem"))
            ctx.load_cert_chain(os.path.join(certs, "cert.pem"),
                                os.path.join(certs, "key.pem"))
            return http.client.HTTPSConnection(u.hostname, port, context=ctx,
                                               timeout=self.timeout)
        raise EngineError("DOCKER_HOST=%s: unsupported scheme" % self.host)

    def request(self, method, path, body=None, query=None, ok=(200, 201, 204)):
        if query:
            path += "?" + urllib.parse.urlencode(query)
        data = None
        headers = {}
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = self.connect()
            try:
                self.conn.request(method, self.prefix + path, data, headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                break
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        if resp.status not in ok:
            raise EngineError("%s %s: %d %s" % (method, path, resp.status,
                                               raw[:300].decode(errors="replace")))
        if raw and resp.getheader("Content-Type", "").startswith("application/json"):
            return resp.status, json.loads(raw)
        return resp.status, raw

    def get(self, path, query=None):
        return self.request("GET", path, query=query)[1]

    def project_containers(self, project, all_=True):
        q = {"filters": json.dumps({"label": ["%s=%s" % (PROJECT_LABEL, project)]})}
        if all_:
            q["all"] = "1"
        return self.get("/containers/json", q)

    def sweep(self, prefix):
        """Removes what carries a compose project label starting with
        prefix, and images whose tag starts with it. Returns a count."""
        n = 0
        lf = {"filters": json.dumps({"label": [PROJECT_LABEL]})}
        for c in self.get("/containers/json", dict(lf, all="1")):
            if c.get("Labels", {}).get(PROJECT_LABEL, "").startswith(prefix):
                self.request("DELETE", "/containers/" + c["Id"],
                             query={"force": "1", "v": "1"}, ok=(204, 404, 409))
                n += 1
        for net in self.get("/networks", lf):
            if (net.get("Labels") or {}).get(PROJECT_LABEL, "").startswith(prefix) \
                    or net["Name"].startswith(prefix):
                self.request("DELETE", "/networks/" + net["Id"],
                             ok=(204, 404, 409, 500))
                n += 1
        for net in self.get("/networks"):
            if net["Name"].startswith(prefix):
                self.request("DELETE", "/networks/" + net["Id"],
                             ok=(204, 404, 409, 500))
                n += 1
        vols = self.get("/volumes", lf).get("Volumes") or []
        for v in vols:
            if (v.get("Labels") or {}).get(PROJECT_LABEL, "").startswith(prefix):
                self.request("DELETE", "/volumes/" + v["Name"],
                             query={"force": "1"}, ok=(204, 404, 409))
                n += 1
        for img in self.get("/images/json"):
            tags = img.get("RepoTags") or []
            labels = img.get("Labels") or {}
            if any(t.startswith(prefix) for t in tags) or \
                    labels.get(PROJECT_LABEL, "").startswith(prefix):
                self.request("DELETE", "/images/" + img["Id"],
                             query={"force": "1"}, ok=(200, 404, 409))
                n += 1
        return n

    def leftovers(self, prefix):
        out = []
        lf = {"filters": json.dumps({"label": [PROJECT_LABEL]})}
        for c in self.get("/containers/json", dict(lf, all="1")):
            if c.get("Labels", {}).get(PROJECT_LABEL, "").startswith(prefix):
                out.append("container " + c["Names"][0])
        for net in self.get("/networks"):
            if net["Name"].startswith(prefix) or \
                    (net.get("Labels") or {}).get(PROJECT_LABEL, "").startswith(prefix):
                out.append("network " + net["Name"])
        for v in self.get("/volumes").get("Volumes") or []:
            if v["Name"].startswith(prefix) or \
                    (v.get("Labels") or {}).get(PROJECT_LABEL, "").startswith(prefix):
                out.append("volume " + v["Name"])
        for img in self.get("/images/json"):
            for t in img.get("RepoTags") or []:
                if t.startswith(prefix):
                    out.append("image " + t)
        return out


# ---------------------------------------------------------------- tools


class Tool:
    def __init__(self, key, label, argv, version, short):
        self.key = key          # column name in the tables
        self.label = label
        self.argv = argv
        self.version = version  # text for the machine facts
        self.short = short      # suffix of project names

    def cmd(self, project, compose_file, *args):
        return self.argv + ["-p", project, "-f", compose_file,
                            "--ansi", "never"] + list(args)


def run_text(argv):
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=60)
        return r.returncode, r.stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return 1, str(e)


def find_tools(wcompose):
    tools = []
    rc, out = run_text([wcompose, "--version"])
    if rc != 0:
        sys.exit("bench: %s --version failed: %s" % (wcompose, out))
    src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # the last commit that touched what goes into the binary, and whether
    # the work tree changes it
    code = ["src", "configure.ac", "Makefile.am", "schemas"]
    grc, commit = run_text(["git", "-C", src, "log", "-1", "--format=%h",
                            "--"] + code)
    if grc == 0 and commit:
        drc, _ = run_text(["git", "-C", src, "diff", "--quiet", "HEAD",
                           "--"] + code)
        out += " (source %s%s)" % (commit, "" if drc == 0 else ", modified")
    tools.append(Tool("wcompose", "wcompose", [wcompose], out, "w"))
    if shutil.which("docker-compose"):
        rc, out = run_text(["docker-compose", "version"])
        if rc == 0:
            v = "; ".join(l for l in out.splitlines()
                          if l.startswith(("docker-compose", "docker-py")))
            tools.append(Tool("docker-compose", "docker-compose",
                              ["docker-compose"], v, "dc"))
    else:
        log("docker-compose is not installed: no docker-compose column")
    # docker compose v2+: a binary named by COMPOSE_V2, else the CLI plugin
    v2 = os.environ.get("COMPOSE_V2")
    argv = [v2] if v2 else ["docker", "compose"]
    rc, out = run_text(argv + ["version"])
    if rc == 0 and compose_major(out) >= 2:
        tools.append(Tool("docker compose", "docker compose", argv, out, "dc2"))
    elif rc == 0:
        log("%s is not v2 or later (%s): no column for it"
            % (" ".join(argv), out))
    else:
        log("%s does not answer: no `docker compose` column (install the "
            "docker CLI plugin or set COMPOSE_V2=/path/to/docker-compose)"
            % " ".join(argv))
    return tools


def compose_major(version_text):
    """2 for "Docker Compose version v2.24.1", 0 when there is no number."""
    for word in version_text.replace(",", " ").split():
        w = word.lstrip("v")
        if w[:1].isdigit():
            try:
                return int(w.split(".")[0])
            except ValueError:
                return 0
    return 0


# ---------------------------------------------------------------- measuring


class Sample:
    def __init__(self, wall, cpu, rss_kb):
        self.wall = wall
        self.cpu = cpu
        self.rss_kb = rss_kb


class CommandFailed(Exception):
    pass


TIME = "/usr/bin/time"


def spawn(argv, cwd, out_path):
    """Starts argv under GNU time, which reports the peak RSS into
    out_path + ".rss". The harness cannot take it from its own wait4: a
    child forked from the harness inherits the harness's RSS high-water mark
    across exec, and time forks from a small process."""
    out = open(out_path, "wb")
    try:
        p = subprocess.Popen([TIME, "-f", "%M", "-o", out_path + ".rss", "--"]
                             + argv, cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=out, stderr=subprocess.STDOUT)
    finally:
        out.close()
    p.rss_path = out_path + ".rss"
    return p


def child_pids(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as fh:
                st = fh.read()
        except OSError:
            continue
        # the command name may hold spaces: fields start after its ')'
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            out.append(int(d))
    return out


def signal_tool(p, sig):
    """Sends sig to the tool under time (time ignores SIGINT itself)."""
    for c in child_pids(p.pid):
        try:
            os.kill(c, sig)
        except OSError:
            pass


def exited(p):
    """Whether p has exited, without reaping it (reap wants its rusage)."""
    try:
        with open("/proc/%d/stat" % p.pid) as fh:
            st = fh.read()
        return st[st.rindex(")") + 2] in "ZX"
    except OSError:
        return True


def reap(p, timeout):
    """Waits for p with wait4 (CPU time of time and the tool it waited
    for); kills it after timeout seconds. Returns (exit code, rusage, peak
    RSS of the tool in KB, timed_out)."""
    timer_fired = []

    def kill():
        timer_fired.append(1)
        signal_tool(p, signal.SIGKILL)

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        while True:
            try:
                _, status, ru = os.wait4(p.pid, 0)
                break
            except InterruptedError:
                continue
    except BaseException:
        timer.cancel()
        signal_tool(p, signal.SIGKILL)
        try:
            os.waitpid(p.pid, 0)
        except OSError:
            pass
        p.returncode = -9
        raise
    timer.cancel()
    rss = 0
    try:
        with open(p.rss_path) as fh:
            last = fh.read().split()
            rss = int(last[-1]) if last else 0
    except (OSError, ValueError):
        pass
    # time exits with the tool's status; a tool killed by signal N gives
    # time's own exit code 128+N
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, ru, rss, bool(timer_fired)


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def measure(argv, cwd, out_path, timeout=300, check=True):
    t0 = time.perf_counter()
    p = spawn(argv, cwd, out_path)
    rc, ru, rss, timed_out = reap(p, timeout)
    wall = time.perf_counter() - t0
    if check and (rc != 0 or timed_out):
        raise CommandFailed("%s: %s\n%s" % (
            " ".join(argv), "timed out" if timed_out else "exit %d" % rc,
            tail(out_path)))
    return Sample(wall, ru.ru_utime + ru.ru_stime, rss)


def run_quiet(argv, cwd, timeout=180):
    """A command whose time does not count (setup, teardown)."""
    try:
        r = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        return r.returncode, r.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return -1, "timed out"


def rotated(items, r):
    k = r % len(items)
    return items[k:] + items[:k]


# ---------------------------------------------------------------- compose files

CHAINS = "abcd"
CHAIN_LEN = 5


def chain_services():
    """20 services in 4 chains of 5: a1 <- a2 <- ... <- a5."""
    out = []
    for c in CHAINS:
        for i in range(1, CHAIN_LEN + 1):
            out.append(("%s%d" % (c, i), "%s%d" % (c, i - 1) if i > 1 else None))
    return out


def up_compose(image, command):
    lines = ["services:"]
    for name, dep in chain_services():
        lines += ["  %s:" % name,
                  "    image: %s" % image,
                  "    command: %s" % json.dumps(command),
                  "    stop_signal: SIGKILL"]
        if dep:
            lines += ["    depends_on:", "      - %s" % dep]
    return "\n".join(lines) + "\n"


def scale_compose(image, n):
    """n busybox services in chains of 5, as up_compose for 20."""
    lines = ["services:"]
    for i in range(n):
        lines += ["  s%d:" % i,
                  "    image: %s" % image,
                  "    command: [\"sleep\", \"86400\"]",
                  "    stop_signal: SIGKILL"]
        if i % CHAIN_LEN:
            lines += ["    depends_on: [s%d]" % (i - 1)]
    return "\n".join(lines) + "\n"


def config_compose(image):
    """The 20 services of the up scenario, with more of what a real file
    has: environment with interpolation, labels, ports, volumes, networks,
    healthchecks, long-form depends_on."""
    lines = ["services:"]
    for n, (name, dep) in enumerate(chain_services()):
        lines += [
            "  %s:" % name,
            "    image: %s" % image,
            "    command: [\"sh\", \"-c\", \"echo ${GREETING:-hello} %s; sleep 86400\"]" % name,
            "    stop_signal: SIGKILL",
            "    restart: unless-stopped",
            "    environment:",
            "      SERVICE: %s" % name,
            "      LEVEL: ${LEVEL:-info}",
            "      DATA_DIR: /data/%s" % name,
            "      PEERS: \"%s\"" % ",".join(s for s, _ in chain_services()[:3]),
            "    labels:",
            "      org.example.tier: \"%s\"" % ("front" if n % 2 else "back"),
            "      org.example.index: \"%d\"" % n,
            "    ports:",
            "      - \"127.0.0.1:%d:80\"" % (18000 + n),
            "    volumes:",
            "      - data:/data",
            "      - ./conf:/conf:ro",
            "    networks:",
            "      - front",
            "      - back",
            "    healthcheck:",
            "      test: [\"CMD\", \"true\"]",
            "      interval: 30s",
            "      timeout: 5s",
            "      retries: 3",
        ]
        if dep:
            lines += ["    depends_on:",
                      "      %s:" % dep,
                      "        condition: service_started"]
    lines += ["networks:", "  front: {}", "  back:", "    internal: true",
              "volumes:", "  data: {}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the run


class Bench:
    def __init__(self, args, engine, tools):
        self.args = args
        self.engine = engine
        self.tools = tools
        self.image = args.image
        self.quick = args.quick
        self.run_id = "wcb%06d%d" % (random.randrange(10 ** 6), os.getpid() % 1000)
        self.tmp = tempfile.mkdtemp(prefix="wcompose-bench.")
        self.owned = []  # (tool or None, project, dir, compose file)
        # results[metric][tool key] = [Sample]
        self.results = {}
        self.floors = {}   # metric -> [seconds]
        self.failures = {}  # scenario -> message
        self.notes = {}     # scenario -> text measured along the way
        self.watch = {}     # tool key -> watchlat's result
        self.started = datetime.datetime.now(datetime.timezone.utc)

    def runs(self, scenario):
        full, quick = RUNS[scenario]
        return quick if self.quick else full

    def project(self, scenario, tool):
        short = tool.short if tool else "eng"
        return "%s-%s-%s" % (self.run_id, scenario, short)

    def add(self, metric, tool, sample):
        self.results.setdefault(metric, {}).setdefault(tool.key, []).append(sample)

    def workdir(self, scenario, tool, compose_text, extra=None):
        d = os.path.join(self.tmp, "%s-%s" % (scenario, tool.short))
        os.makedirs(d, exist_ok=True)
        f = os.path.join(d, "compose.yaml")
        with open(f, "w") as fh:
            fh.write(compose_text)
        if extra:
            extra(d)
        self.owned.append((tool, self.project(scenario, tool), d, f))
        return d, f

    def out(self, name):
        return os.path.join(self.tmp, name + ".out")

    def teardown(self, tool, project, d, f):
        if tool is not None:
            rc, out = run_quiet(tool.cmd(project, f, "down", "-v", "-t", "0",
                                         "--remove-orphans"), d)
            if rc != 0:
                log("%s down for %s: exit %s: %s" % (tool.key, project, rc,
                                                     out.strip()[-300:]))
        try:
            self.engine.sweep(project)
        except (EngineError, OSError) as e:
            log("sweeping %s: %s" % (project, e))

    def teardown_all(self):
        seen = set()
        for tool, project, d, f in reversed(self.owned):
            if project in seen:
                continue
            seen.add(project)
            self.teardown(tool, project, d, f)
        self.owned = []
        try:
            self.engine.sweep(self.run_id + "-")
            left = self.engine.leftovers(self.run_id + "-")
        except (EngineError, OSError) as e:
            left = ["(engine: %s)" % e]
        if left:
            log("left on the engine after the sweep: " + ", ".join(left))
        shutil.rmtree(self.tmp, ignore_errors=True)
        return left

    def scenario(self, name, fn):
        log("scenario %s" % name)
        t0 = time.monotonic()
        try:
            fn()
        except (CommandFailed, EngineError, OSError) as e:
            self.failures[name] = str(e).strip()
            log("scenario %s failed: %s" % (name, e))
        finally:
            # every scenario leaves the engine as it found it
            keep = []
            for entry in self.owned:
                if entry[1].startswith("%s-%s-" % (self.run_id, name)):
                    self.teardown(*entry)
                else:
                    keep.append(entry)
            self.owned = keep
        log("scenario %s took %.0f s" % (name, time.monotonic() - t0))

    # 1. config ------------------------------------------------------------

    def s_config(self):
        def conf(d):
            os.makedirs(os.path.join(d, "conf"), exist_ok=True)
        dirs = {t.key: self.workdir("config", t, config_compose(self.image), conf)
                for t in self.tools}
        for t in self.tools:  # warm the page cache, and check it parses
            d, f = dirs[t.key]
            measure(t.cmd(self.project("config", t), f, "config"), d,
                    self.out("config-" + t.short))
        for r in range(self.runs("config")):
            for t in rotated(self.tools, r):
                d, f = dirs[t.key]
                self.add("version", t, measure(
                    t.argv + ["--version"], d, self.out("version-" + t.short)))
                self.add("config", t, measure(
                    t.cmd(self.project("config", t), f, "config"), d,
                    self.out("config-" + t.short)))

    # 2 and 3. cold up -d, no-op up -d, ps, down -t 0, and the engine floor ---

    def wait_running(self, project, n, proc, out_path, timeout=120):
        end = time.monotonic() + timeout
        while True:
            cs = self.engine.project_containers(project, all_=False)
            if len(cs) >= n:
                return cs
            if exited(proc):
                raise CommandFailed("%s: the tool exited before %d containers "
                                    "ran:\n%s" % (project, n, tail(out_path)))
            if time.monotonic() > end:
                raise CommandFailed("%s: %d of %d containers running after %d s"
                                    % (project, len(cs), n, timeout))
            time.sleep(0.2)

    def s_up(self):
        text = up_compose(self.image, ["sleep", "86400"])
        dirs = {t.key: self.workdir("up", t, text) for t in self.tools}
        items = self.tools + [None]
        self.owned.append((None, self.project("up", None), self.tmp, None))
        for r in range(self.runs("up")):
            for t in rotated(items, r):
                if t is None:
                    self.engine_floor_cycle()
                    continue
                d, f = dirs[t.key]
                p = self.project("up", t)
                o = self.out("up-" + t.short)
                if self.engine.project_containers(p):
                    raise CommandFailed("%s: containers left before a cold up" % p)
                self.add("up", t, measure(t.cmd(p, f, "up", "-d"), d, o))
                running = self.engine.project_containers(p, all_=False)
                if len(running) != 20:
                    raise CommandFailed("%s: %d containers running after up -d, "
                                        "want 20" % (p, len(running)))
                self.add("up-noop", t, measure(t.cmd(p, f, "up", "-d"), d, o))
                self.add("ps", t, measure(t.cmd(p, f, "ps"), d, o))
                self.add("down", t, measure(t.cmd(p, f, "down", "-t", "0"), d, o))
                left = self.engine.leftovers(p)
                if left:
                    raise CommandFailed("%s: left after down: %s" % (p, left))

    def engine_floor_cycle(self):
        """What the engine alone takes for the same work, one call after
        another on one connection: network create, 20 container create+start
        (dependencies first); the list ps needs; 20 stop+remove and network
        remove."""
        e = self.engine
        p = self.project("up", None)
        net = p + "_default"
        labels = {PROJECT_LABEL: p}
        t0 = time.perf_counter()
        e.request("POST", "/networks/create", {
            "Name": net, "CheckDuplicate": True, "Driver": "bridge",
            "Labels": dict(labels, **{"com.docker.compose.network": "default"})})
        ids = []
        for name, _ in chain_services():
            _, c = e.request("POST", "/containers/create", {
                "Image": self.image, "Cmd": ["sleep", "86400"],
                "StopSignal": "SIGKILL",
                "Labels": dict(labels, **{"com.docker.compose.service": name,
                                          "com.docker.compose.container-number": "1",
                                          "com.docker.compose.oneoff": "False"}),
                "HostConfig": {"NetworkMode": net},
                "NetworkingConfig": {"EndpointsConfig": {net: {"Aliases": [name]}}},
            }, query={"name": "%s-%s-1" % (p, name)})
            ids.append(c["Id"])
            e.request("POST", "/containers/%s/start" % c["Id"])
        t1 = time.perf_counter()
        cs = e.project_containers(p)
        t2 = time.perf_counter()
        if len(cs) != 20:
            raise CommandFailed("engine floor: %d containers, want 20" % len(cs))
        for cid in ids:
            e.request("POST", "/containers/%s/stop" % cid, query={"t": "0"},
                      ok=(204, 304))
            e.request("DELETE", "/containers/" + cid)
        e.request("DELETE", "/networks/" + net)
        t3 = time.perf_counter()
        self.floors.setdefault("up", []).append(t1 - t0)
        self.floors.setdefault("ps", []).append(t2 - t1)
        self.floors.setdefault("down", []).append(t3 - t2)

    # 4. build -------------------------------------------------------------

    def s_build(self):
        def context(d):
            with open(os.path.join(d, "Dockerfile"), "w") as fh:
                fh.write("FROM %s\nCOPY . /ctx\n" % self.image)
            with open(os.path.join(d, ".dockerignore"), "w") as fh:
                fh.write("# half of the files stay out\n**/*.tmp\n")
            for i in range(BUILD_FILES):
                sub = os.path.join(d, "src", "d%02d" % (i // 50))
                os.makedirs(sub, exist_ok=True)
                ext = "tmp" if i % 2 else "txt"
                with open(os.path.join(sub, "f%04d.%s" % (i, ext)), "w") as fh:
                    fh.write(("file %d\n" % i) * 16)
        dirs = {}
        for t in self.tools:
            tag = "%s-app:bench" % self.project("build", t)
            text = ("services:\n  app:\n    build: .\n    image: %s\n" % tag)
            dirs[t.key] = self.workdir("build", t, text, context) + (tag,)
        for r in range(self.runs("build")):
            for t in rotated(self.tools, r):
                d, f, tag = dirs[t.key]
                p = self.project("build", t)
                self.add("build", t, measure(
                    t.cmd(p, f, "build", "--no-cache"), d,
                    self.out("build-" + t.short)))
                # the image must hold the context minus the ignored half
                rc, out = run_quiet(["docker", "run", "--rm", "--label",
                                     "%s=%s" % (PROJECT_LABEL, p), tag, "sh", "-c",
                                     "find /ctx/src -type f | wc -l; "
                                     "find /ctx -name '*.tmp' | wc -l"], d)
                counts = out.split()
                if rc != 0 or counts != [str(BUILD_FILES // 2), "0"]:
                    raise CommandFailed("%s build: files in the image: %s (rc %d), "
                                        "want %d and 0" % (t.key, out.strip(), rc,
                                                           BUILD_FILES // 2))
                self.engine.request("DELETE", "/images/" + tag,
                                    query={"force": "1"}, ok=(200, 404))

    # 5. peak RSS of attached up --------------------------------------------

    def s_rss(self):
        text = up_compose(self.image, [
            "sh", "-c", "i=0; while :; do i=$$((i+1)); echo \"line $$i\"; "
            "sleep 0.2; done"])
        dirs = {t.key: self.workdir("rss", t, text) for t in self.tools}
        lines = {}
        for r in range(self.runs("rss")):
            for t in rotated(self.tools, r):
                d, f = dirs[t.key]
                p = self.project("rss", t)
                o = self.out("rss-" + t.short)
                t0 = time.perf_counter()
                proc = spawn(t.cmd(p, f, "up"), d, o)
                try:
                    self.wait_running(p, 20, proc, o)
                    time.sleep(5)
                except BaseException:
                    signal_tool(proc, signal.SIGKILL)
                    reap(proc, 30)
                    raise
                signal_tool(proc, signal.SIGINT)
                rc, ru, rss, timed_out = reap(proc, 120)
                wall = time.perf_counter() - t0
                if timed_out or rc not in (0, 130):
                    raise CommandFailed("%s up (attached): exit %d%s\n%s" % (
                        t.key, rc, " (timed out)" if timed_out else "", tail(o)))
                with open(o, errors="replace") as fh:
                    n = sum(1 for l in fh if "| line " in l)
                if n < 20:
                    raise CommandFailed("%s up (attached): followed only %d log "
                                        "lines" % (t.key, n))
                lines.setdefault(t.key, []).append(n)
                self.add("rss-up", t, Sample(wall, ru.ru_utime + ru.ru_stime, rss))
                rc, out = run_quiet(t.cmd(p, f, "down", "-t", "0"), d)
                if rc != 0:
                    raise CommandFailed("%s down: %s" % (t.key, out[-500:]))
        self.notes["rss"] = ", ".join(
            "%s %d" % (k, statistics.median(v)) for k, v in lines.items())

    # 8. scale: config, cold up -d, no-op up -d, ps, down at 5 ... 200 -------

    def s_scale(self):
        sizes = self.args.scale_sizes or SCALE_SIZES
        for n in sizes:
            text = scale_compose(self.image, n)
            dirs = {}
            for t in self.tools:
                d = os.path.join(self.tmp, "scale%d-%s" % (n, t.short))
                os.makedirs(d, exist_ok=True)
                f = os.path.join(d, "compose.yaml")
                with open(f, "w") as fh:
                    fh.write(text)
                p = "%s-n%03d" % (self.project("scale", t), n)
                self.owned.append((t, p, d, f))
                dirs[t.key] = (d, f, p)
            for r in range(self.runs("scale")):
                for t in rotated(self.tools, r):
                    d, f, p = dirs[t.key]
                    o = self.out("scale-" + t.short)
                    timeout = 120 + 6 * n
                    self.add("scale-config-%d" % n, t,
                             measure(t.cmd(p, f, "config"), d, o))
                    if self.engine.project_containers(p):
                        raise CommandFailed("%s: containers left before a cold "
                                            "up" % p)
                    self.add("scale-up-%d" % n, t, measure(
                        t.cmd(p, f, "up", "-d"), d, o, timeout=timeout))
                    running = self.engine.project_containers(p, all_=False)
                    if len(running) != n:
                        raise CommandFailed("%s: %d containers running after "
                                            "up -d, want %d"
                                            % (p, len(running), n))
                    self.add("scale-up-noop-%d" % n, t, measure(
                        t.cmd(p, f, "up", "-d"), d, o, timeout=timeout))
                    self.add("scale-ps-%d" % n, t,
                             measure(t.cmd(p, f, "ps"), d, o))
                    # docker-compose 1.x names containers p_s0_1, v2 p-s0-1
                    row = re.compile(rb"\b%s[-_]s[0-9]+[-_]1\b"
                                     % re.escape(p.encode()))
                    with open(o, "rb") as fh:
                        rows = sum(1 for l in fh if row.search(l))
                    if rows != n:
                        raise CommandFailed("%s ps: %d rows, want %d"
                                            % (t.key, rows, n))
                    self.add("scale-down-%d" % n, t, measure(
                        t.cmd(p, f, "down", "-t", "0"), d, o, timeout=timeout))
                    left = self.engine.leftovers(p)
                    if left:
                        raise CommandFailed("%s: left after down: %s"
                                            % (p, left))

    # 6. logs throughput ------------------------------------------------------

    def s_logs(self):
        text = ("services:\n  talk:\n    image: %s\n"
                "    command: [\"seq\", \"1\", \"%d\"]\n" % (self.image, LOG_LINES))
        dirs = {t.key: self.workdir("logs", t, text) for t in self.tools}
        for t in self.tools:
            d, f = dirs[t.key]
            p = self.project("logs", t)
            measure(t.cmd(p, f, "up", "-d"), d, self.out("logs-" + t.short))
            end = time.monotonic() + 120
            while True:
                cs = self.engine.project_containers(p)
                if cs and cs[0]["State"] == "exited":
                    break
                if time.monotonic() > end:
                    raise CommandFailed("%s: the talking container did not exit" % p)
                time.sleep(0.2)
        talk = self.engine.project_containers(self.project("logs", self.tools[0]))
        for r in range(self.runs("logs")):
            for t in rotated(self.tools + [None], r):
                if t is None:
                    self.logs_floor(talk[0]["Id"])
                    continue
                d, f = dirs[t.key]
                o = self.out("logs-" + t.short)
                self.add("logs", t, measure(
                    t.cmd(self.project("logs", t), f, "logs", "--no-color"), d, o))
                n = 0
                last = False
                with open(o, "rb") as fh:
                    for l in fh:
                        if b"|" in l:
                            n += 1
                            if l.rstrip().endswith(b"| %d" % LOG_LINES):
                                last = True
                if n < LOG_LINES or not last:
                    raise CommandFailed("%s logs: %d lines, last line %s"
                                        % (t.key, n, "seen" if last else "missing"))

    def logs_floor(self, cid):
        """The engine alone: the same container's log stream read to its
        end over the socket, frames and all, nothing decoded."""
        e = self.engine
        conn = e.connect()
        try:
            t0 = time.perf_counter()
            conn.request("GET", "%s/containers/%s/logs?stdout=1&stderr=1"
                         % (e.prefix, cid))
            resp = conn.getresponse()
            n = 0
            while True:
                chunk = resp.read(1 << 16)
                if not chunk:
                    break
                n += len(chunk)
            t1 = time.perf_counter()
        finally:
            conn.close()
        # 8 bytes of frame header and the digits with a newline per line
        want = sum(len(str(i)) + 1 for i in range(1, LOG_LINES + 1))
        if resp.status != 200 or n < want:
            raise CommandFailed("engine floor for logs: status %d, %d bytes, "
                                "want at least %d" % (resp.status, n, want))
        self.floors.setdefault("logs", []).append(t1 - t0)

    # 7. watch: save -> in the container ------------------------------------

    def s_watch(self):
        """One watch session per tool that has `watch` (docker-compose 1.x
        has none): edits after a quiet spell, each timed until the
        container's file holds the new text (bench/watchlat.py), with the
        engine alone doing the same upload beside each."""
        tools = [t for t in self.tools if t.key != "docker-compose"]
        n = self.runs("watch")
        for t in tools:
            d = os.path.join(self.tmp, "watch-%s" % t.short)
            os.makedirs(d, exist_ok=True)
            p = self.project("watch", t)
            self.owned.append((t, p, d, os.path.join(d, "compose.yaml")))
            try:
                res = watchlat.measure(t.argv, self.image, d, project=p,
                                       edits=n)
            except RuntimeError as e:
                raise CommandFailed("%s watch: %s" % (t.key, e))
            self.watch[t.key] = res
            for ms in res.get("latencies_ms", []):
                self.add("watch", t, Sample(ms / 1000.0, 0, 0))
            for ms in res.get("floor_ms", []):
                self.floors.setdefault("watch", []).append(ms / 1000.0)
            if t.key != "wcompose":
                continue
            # the same without its sync channel: every batch by PUT archive
            # (WCOMPOSE_WATCH_CHANNEL=0), the way before the channel
            p = self.project("watch-put", t)
            d = os.path.join(self.tmp, "watch-put-%s" % t.short)
            os.makedirs(d, exist_ok=True)
            self.owned.append((t, p, d, os.path.join(d, "compose.yaml")))
            try:
                res = watchlat.measure(t.argv, self.image, d, project=p,
                                       edits=n, channel=False)
            except RuntimeError as e:
                raise CommandFailed("%s watch (PUT archive): %s" % (t.key, e))
            self.watch[t.key + ", PUT archive"] = res

    # ------------------------------------------------------------------------

    def run(self):
        self.begin()
        self.scenario("config", self.s_config)
        self.scenario("up", self.s_up)
        self.scenario("build", self.s_build)
        self.scenario("rss", self.s_rss)
        self.scenario("logs", self.s_logs)
        self.scenario("watch", self.s_watch)
        self.scenario("scale", self.s_scale)
        self.end()

    def begin(self):
        self.load_start = os.getloadavg()
        self.others_start = len(self.engine.get("/containers/json"))
        self.storage_driver = self.engine.get("/info").get("Driver", "?")

    def end(self):
        self.load_end = os.getloadavg()
        self.others_end = len(self.engine.get("/containers/json"))
        self.finished = datetime.datetime.now(datetime.timezone.utc)


# ---------------------------------------------------------------- the report

ROWS = [
    # metric, what, field, scenario
    ("version", "start-up alone: `--version`", "wall", "config"),
    ("config", "`config`, 20 services", "wall", "config"),
    ("up", "cold `up -d`, 20 services in 4 chains of 5", "wall", "up"),
    ("up-noop", "no-op `up -d` (all up to date)", "wall", "up"),
    ("ps", "`ps`, 20 running", "wall", "up"),
    ("down", "`down -t 0`, 20 containers + network", "wall", "up"),
    ("build", "`build --no-cache`, 2000 files, half ignored", "wall", "build"),
    ("logs", "`logs --no-color`, %d lines" % LOG_LINES, "wall", "logs"),
    ("watch", "`watch` sync: save → in the container", "wall", "watch"),
    ("rss-up", "peak RSS, attached `up` (20 services, ~5 s of logs)", "rss_kb", "rss"),
    ("config", "peak RSS, `config`", "rss_kb", "config"),
    ("version", "peak RSS, `--version`", "rss_kb", "config"),
]

CPU_ROWS = [
    ("version", "`--version`"),
    ("config", "`config`"),
    ("up", "cold `up -d`"),
    ("up-noop", "no-op `up -d`"),
    ("ps", "`ps`"),
    ("down", "`down -t 0`"),
    ("build", "`build --no-cache`"),
    ("logs", "`logs --no-color`"),
    ("rss-up", "attached `up`, whole run"),
]

FLOOR_ROWS = [
    ("up", "network create + 20 × (container create + start)"),
    ("ps", "one container list by project label"),
    ("down", "20 × (container stop -t 0 + remove) + network remove"),
    ("logs", "one container's %d-line log read to the end, not decoded"
     % LOG_LINES),
    ("watch", "PUT /containers/{id}/archive of a one-file tar at /"),
]


def fmt_time(s):
    if s < 1:
        return "%.0f ms" % (s * 1000)
    if s < 10:
        return "%.2f s" % s
    return "%.1f s" % s


def fmt_rss(kb):
    return "%.1f MB" % (kb / 1024.0)


def fmt(field, v):
    if field == "rss_kb":
        return fmt_rss(v)
    return fmt_time(v)


def med(samples, field):
    return statistics.median(getattr(s, field) for s in samples)


def machine_facts(b):
    v = b.engine.version
    try:
        info = b.engine.get("/info")
    except EngineError:
        info = {}
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            for l in fh:
                if l.startswith("model name"):
                    model = l.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kb = int(fh.readline().split()[1])
            mem = "%.1f GB" % (kb / 1024.0 / 1024.0)
    except (OSError, ValueError, IndexError):
        pass
    osname = ""
    try:
        with open("/etc/os-release") as fh:
            for l in fh:
                if l.startswith("PRETTY_NAME="):
                    osname = l.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    rc, cli = run_text(["docker", "version", "--format", "{{.Client.Version}}"])
    facts = [
        ("date (UTC)", "%s to %s" % (b.started.strftime("%Y-%m-%d %H:%M"),
                                     b.finished.strftime("%H:%M"))),
        ("machine", "%d cores (%s), %s RAM, %s, kernel %s" % (
            os.cpu_count(), model or platform.machine(), mem, osname,
            platform.release())),
        ("load average (1 min) at start / end", "%.2f / %.2f" % (
            b.load_start[0], b.load_end[0])),
        ("engine", "Docker Engine %s, API %s, %s storage driver, %s logging driver, "
         "at %s" % (v.get("Version"), v.get("ApiVersion"),
                    info.get("Driver", "?"), info.get("LoggingDriver", "?"),
                    b.engine.host)),
        ("other running containers on the engine at start / end",
         "%d / %d (not ours: the engine is shared)" % (b.others_start, b.others_end)),
        ("image", "`%s` (busybox-static FROM scratch, built by tests/lib/images.sh)"
         % b.image),
    ]
    for t in b.tools:
        facts.append((t.key, t.version.replace("\n", "; ")))
    if rc == 0:
        facts.append(("docker CLI (docker-compose's `build` runs `docker build`)",
                      cli))
    facts.append(("harness", "python %s, mode %s" % (
        platform.python_version(), "--quick" if b.quick else "full")))
    facts.append(("runs", ", ".join("%s %d" % (k, b.runs(k)) for k in RUNS)))
    return facts


SCALE_ROWS = [
    ("config", "`config`"),
    ("up", "cold `up -d`"),
    ("up-noop", "no-op `up -d`"),
    ("ps", "`ps`"),
    ("down", "`down -t 0`"),
]


def scale_table(b, L):
    """Medians per service count, and the growth from the smallest count to
    the largest (time at the largest / time at the smallest, beside the
    ratio of the counts)."""
    sizes = sorted({int(m.rsplit("-", 1)[1]) for m in b.results
                    if m.startswith("scale-")})
    if not sizes and "scale" not in b.failures:
        return
    L.append("### Scale")
    L.append("")
    L.append("Scenario 8: the same commands on projects of %s services "
             "(busybox, chains of 5). *growth* is the median at the largest "
             "count over the median at the smallest: %s× the services."
             % (", ".join(str(n) for n in sizes) or "–",
                "%g" % (sizes[-1] / sizes[0]) if len(sizes) > 1 else "1"))
    L.append("")
    head = ["command", "tool"] + ["%d" % n for n in sizes] + ["growth"]
    L.append("| " + " | ".join(head) + " |")
    L.append("|" + "|".join(["---", "---"] + ["---:"] * (len(head) - 2)) + "|")
    for key, what in SCALE_ROWS:
        for t in b.tools:
            meds = []
            for n in sizes:
                res = b.results.get("scale-%s-%d" % (key, n), {}).get(t.key)
                meds.append(med(res, "wall") if res else None)
            if not any(m is not None for m in meds):
                continue
            cells = [what, t.key] + [fmt_time(m) if m is not None else "–"
                                     for m in meds]
            g = "%.1f×" % (meds[-1] / meds[0]) \
                if len(meds) > 1 and meds[0] and meds[-1] is not None else "–"
            cells.append(g)
            L.append("| " + " | ".join(cells) + " |")
    if "scale" in b.failures:
        L.append("")
        L.append("The scale scenario stopped early: see the failures below.")
    L.append("")


def report(b):
    tools = b.tools
    w = tools[0]
    peers = tools[1:]
    L = []
    L.append("# Benchmarks")
    L.append("")
    L.append("wcompose against the compose implementations installed on the "
             "machine, measured in one run by `bench/run.sh`. Generated: edit "
             "`bench/bench.py`, not this file.")
    L.append("")
    L.append("## Running them")
    L.append("")
    L.append("    sh bench/run.sh              # full run, about 10 minutes here")
    L.append("    sh bench/run.sh --quick      # one or a few runs each, a smoke test")
    L.append("    sh bench/run.sh --out FILE   # write elsewhere than doc/benchmarks.md")
    L.append("")
    L.append("`run.sh` installs what it needs (`scripts/deps.sh`: `docker-compose`, "
             "`time`, python3), builds wcompose (`scripts/build.sh`), finds the "
             "engine as the docker CLI does or starts a private one, and builds "
             "the busybox image (`tests/lib/`). The peers are Debian's "
             "`docker-compose` (1.29.2, Python) and `docker compose` "
             "(v2 or later) when `docker compose version` answers, or the "
             "binary `COMPOSE_V2=/path/to/docker-compose` names. Each scenario writes its "
             "compose files into a temp dir and uses project names unique to "
             "the run; each project is taken down by the tool that made it and "
             "then swept by label and name, also on Ctrl-C. Benchmarks are not "
             "part of `make check`: the tests do not assert timings.")
    L.append("")
    L.append("Method: every measurement is repeated; within a round the tools "
             "run one after another and the order rotates each round (A B, "
             "B A, …), so drift on a shared machine hits all of them. Cells are "
             "medians. Times are wall-clock from spawning the tool to reaping it "
             "(process start included). Each tool runs under GNU "
             "`time -f %M`, which gives its peak RSS (the largest of the tool "
             "and the children it waited for); CPU time (user + system) "
             "comes from `wait4(2)`. The ratio is peer / wcompose: above 1 means wcompose is "
             "faster or lighter.")
    L.append("")
    L.append("## Scenarios")
    L.append("")
    L.append("0. **start-up**: `--version`, interleaved with the `config` "
             "runs: what every command pays before doing anything.")
    L.append("1. **config**: `config` on a 20-service file with environment "
             "interpolation, labels, ports, a named volume, two networks, "
             "healthchecks and long-form `depends_on`; output to a file. Pure "
             "loading and rendering: no engine call is needed. One unmeasured "
             "warm-up run per tool.")
    L.append("2. **cold `up -d`**: 20 busybox services in 4 chains of 5 "
             "(`depends_on`), each `sleep 86400` with `stop_signal: SIGKILL`, "
             "from nothing (network and containers created, started in "
             "dependency order). The *engine floor* does the same work from the "
             "harness with no orchestrator: network create, then 20 × "
             "(container create + start) issued one after another over one "
             "keep-alive connection to the socket.")
    L.append("3. **no-op `up -d`, `ps`, `down -t 0`** on that project, in the "
             "same round as the cold up: up with everything up to date "
             "(the plan finds nothing to do), the listing, and the teardown. "
             "Floors: one labelled container list; 20 × (stop -t 0 + remove) "
             "+ network remove.")
    L.append("4. **build**: `build --no-cache` of one service whose context "
             "holds %d files of ~160 bytes in 40 directories, with a "
             "`.dockerignore` (`**/*.tmp`) excluding half; Dockerfile `FROM` "
             "the busybox image, `COPY . /ctx`. The image is removed after each "
             "run (and checked to hold exactly the %d kept files first). "
             "docker-compose 1.29.2 hands builds to the `docker build` CLI by "
             "default (COMPOSE_DOCKER_CLI_BUILD), so its column includes that "
             "Go process; there is no buildx here, so both end on the engine's "
             "classic builder." % (BUILD_FILES, BUILD_FILES // 2))
    L.append("5. **peak RSS**: attached `up` of the 20 services (each printing "
             "a line every 0.2 s), followed until all 20 run plus 5 s, then "
             "SIGINT (graceful stop; SIGKILL stop signal) and `down`; and "
             "`config` from scenario 1.")
    L.append("6. **logs**: one container that ran `seq 1 %d` and exited; "
             "`logs --no-color` reads all of it into a file (checked: every "
             "line, the last one included). Floor: the harness reading the "
             "same `/containers/{id}/logs` stream to its end." % LOG_LINES)
    L.append("7. **watch**: one `watch` session per tool that has it "
             "(docker-compose 1.x has none; wcompose twice: through its sync "
             "channel, and with `WCOMPOSE_WATCH_CHANNEL=0` by PUT archive) "
             "on a busybox service with one "
             "sync rule; %d edits, each after 0.4–0.6 s of quiet (a person "
             "saving), timed from the write until the container's file holds "
             "the new text, read on the host in the container's upper layer "
             "every millisecond (`bench/watchlat.py`; no `docker exec` in the "
             "way). Floor: after each edit the harness uploads the same kind "
             "of one-file tar with PUT /containers/{id}/archive." %
             RUNS["watch"][0])
    L.append("8. **scale**: `config`, cold `up -d`, no-op `up -d`, `ps` "
             "(checked: one row per service) and `down -t 0` on projects of "
             "%s busybox services in chains of 5 (`sleep 86400`, SIGKILL "
             "stop signal), %d rounds per size "
             "(`--scale-sizes 5,20` for fewer)."
             % (", ".join(str(n) for n in (b.args.scale_sizes or SCALE_SIZES)),
                b.runs("scale")))
    L.append("")
    L.append("## Results")
    L.append("")
    head = ["scenario", "wcompose median"]
    for p in peers:
        head += ["%s median" % p.key, "ratio %s / wcompose" % p.key]
    head.append("runs")
    L.append("| " + " | ".join(head) + " |")
    L.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    for metric, what, field, scen in ROWS:
        if scen in b.failures and metric not in b.results:
            L.append("| %s | failed: see below |%s" % (what, " |" * (len(head) - 2)))
            continue
        res = b.results.get(metric, {})
        if w.key not in res:
            continue
        wm = med(res[w.key], field)
        cells = [what, fmt(field, wm)]
        for p in peers:
            if p.key in res:
                pm = med(res[p.key], field)
                cells += [fmt(field, pm), "%.2f" % (pm / wm) if wm else "–"]
            else:
                cells += ["–", "–"]
        counts = sorted(set(len(v) for v in res.values()))
        cells.append("/".join(str(c) for c in counts))
        L.append("| " + " | ".join(cells) + " |")
    L.append("")
    scale_table(b, L)
    if b.floors:
        L.append("### The engine floor")
        L.append("")
        L.append("The same engine work done by the harness alone, call after "
                 "call (no process start, no planning, no parallelism). A "
                 "tool's time over the floor is what it adds; an orchestrator "
                 "that runs the 4 chains in parallel can go below it.")
        L.append("")
        head = ["work", "engine alone median"] + \
            ["%s / floor" % t.key for t in tools] + ["runs"]
        L.append("| " + " | ".join(head) + " |")
        L.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
        for metric, what in FLOOR_ROWS:
            f = b.floors.get(metric)
            if not f:
                continue
            fm = statistics.median(f)
            cells = [what, fmt_time(fm)]
            for t in tools:
                res = b.results.get(metric, {}).get(t.key)
                cells.append("%.1f" % (med(res, "wall") / fm) if res and fm else "–")
            cells.append(str(len(f)))
            L.append("| " + " | ".join(cells) + " |")
        L.append("")
    if b.watch:
        L.append("### Watch: save → in the container")
        L.append("")
        L.append("Per tool, the edits of scenario 7 and the engine's upload "
                 "alone timed beside them (the load average before and after "
                 "shows how busy the shared machine was).")
        L.append("")
        L.append("| tool | median | p90 | engine upload alone: median | p90 "
                 "| edits | one sync per edit | load |")
        L.append("|---|---:|---:|---:|---:|---:|---|---|")
        for key, r in b.watch.items():
            n = len(r.get("latencies_ms", []))
            L.append("| %s | %s ms | %s ms | %s ms | %s ms | %d | %s | %s → %s |"
                     % (key, r.get("median_ms", "–"), r.get("p90_ms", "–"),
                        r.get("floor_median_ms", "–"),
                        r.get("floor_p90_ms", "–"), n,
                        "yes" if r.get("syncs") == n + 2 else
                        "%s syncs" % r.get("syncs"),
                        r.get("load_before"), r.get("load_after")))
        if "docker compose" not in b.watch:
            L.append("")
            L.append("`docker compose` (v2) is not installed on this machine: "
                     "no column for it. It waits 500 ms of quiet after the "
                     "last event before it syncs.")
        L.append("")
    L.append("### CPU time of the tool process (user + system, median)")
    L.append("")
    L.append("What the orchestrator itself burns, apart from the engine's "
             "work and waiting.")
    L.append("")
    head = ["command"] + [t.key for t in tools]
    if peers:
        head += ["ratio %s / wcompose" % p.key for p in peers]
    L.append("| " + " | ".join(head) + " |")
    L.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
    for metric, what in CPU_ROWS:
        res = b.results.get(metric, {})
        if w.key not in res:
            continue
        wm = med(res[w.key], "cpu")
        cells = [what]
        for t in tools:
            cells.append(fmt_time(med(res[t.key], "cpu")) if t.key in res else "–")
        for p in peers:
            if p.key in res and wm > 0:
                cells.append("%.1f" % (med(res[p.key], "cpu") / wm))
            else:
                cells.append("–")
        L.append("| " + " | ".join(cells) + " |")
    L.append("")
    if b.failures:
        L.append("### Failures")
        L.append("")
        for k, v in b.failures.items():
            L.append("* **%s**:" % k)
            L.append("")
            for line in v.splitlines()[:20]:
                L.append("      " + line)
            L.append("")
    L.append("## Machine")
    L.append("")
    for k, v in machine_facts(b):
        L.append("* %s: %s" % (k, v))
    L.append("")
    L.append("## Remarks")
    L.append("")
    for r in remarks(b):
        L.append("* " + r)
    L.append("")
    L.append("## All samples")
    L.append("")
    L.append("<details><summary>wall seconds (RSS in MB) per run, in run "
             "order, and the ratios of each round's pair</summary>")
    L.append("")
    for metric, what, field, scen in ROWS:
        res = b.results.get(metric, {})
        for t in tools:
            if t.key not in res:
                continue
            if field == "rss_kb":
                vals = " ".join("%.1f" % (s.rss_kb / 1024.0) for s in res[t.key])
            else:
                vals = " ".join("%.3f" % s.wall for s in res[t.key])
            L.append("* %s, %s: %s" % (what, t.key, vals))
    for p in peers:
        for metric, what, field, scen in ROWS:
            pr = paired(b, metric, p, field)
            if pr:
                L.append("* %s, per-round ratio %s / wcompose: %s (median %.2f)"
                         % (what, p.key, " ".join("%.2f" % x for x in pr),
                            statistics.median(pr)))
    for metric, what in FLOOR_ROWS:
        if metric in b.floors:
            L.append("* engine floor, %s: %s" % (
                what, " ".join("%.3f" % s for s in b.floors[metric])))
    L.append("")
    L.append("</details>")
    L.append("")
    return "\n".join(L)


def paired(b, metric, peer, field="wall"):
    """Ratios peer / wcompose of the runs made back to back in each round:
    drift between rounds cancels out of them."""
    r = b.results.get(metric, {})
    ws, ps = r.get(b.tools[0].key), r.get(peer.key)
    if not ws or not ps or len(ws) != len(ps):
        return []
    return [getattr(p, field) / getattr(w, field) for w, p in zip(ws, ps)
            if getattr(w, field) > 0]


def remarks(b):
    """Observations computed from this run's numbers, then what they mean."""
    out = []
    tools = b.tools
    w = tools[0]
    res = b.results
    fl = b.floors

    def wall(metric, key):
        return med(res[metric][key], "wall")

    for p in tools[1:]:
        faster, slower, mixed = [], [], []
        for metric, what, field, scen in ROWS:
            r = res.get(metric, {})
            if w.key not in r or p.key not in r:
                continue
            ratio = med(r[p.key], field) / med(r[w.key], field)
            pr = paired(b, metric, p, field)
            pm = statistics.median(pr) if pr else ratio
            if ratio >= 1.1 and pm >= 1.1:
                faster.append("%s (%.2f)" % (what, ratio))
            elif ratio <= 0.9 and pm <= 0.9:
                slower.append("%s (%.2f)" % (what, ratio))
            elif (ratio - 1) * (pm - 1) < 0 or abs(ratio - pm) > 0.1:
                mixed.append("%s: ratio of the medians %.2f, but the median of "
                             "the per-round ratios is %.2f (%s)" % (
                                 what, ratio, pm,
                                 " ".join("%.2f" % x for x in pr)))
        if faster:
            out.append("wcompose is faster or lighter than %s by 10%% or more "
                       "in: %s." % (p.key, "; ".join(faster)))
        if slower:
            out.append("wcompose is **slower or heavier** than %s by 10%% or "
                       "more in: %s." % (p.key, "; ".join(slower)))
        for m in mixed:
            out.append("Within the noise against %s: %s. Rounds run the "
                       "tools back to back, so the per-round ratio is the "
                       "steadier estimate on a shared engine." % (p.key, m))
    if "up" in fl and w.key in res.get("up", {}):
        fm = statistics.median(fl["up"])
        parts = ", ".join("%s %s (%.2f× the floor)" % (
            t.key, fmt_time(wall("up", t.key)), wall("up", t.key) / fm)
            for t in tools if t.key in res["up"])
        cpu = ", ".join("%s %s" % (t.key, fmt_time(med(res["up"][t.key], "cpu")))
                        for t in tools if t.key in res["up"])
        out.append("Cold `up -d` is the engine's time: the harness alone, "
                   "issuing the same network create and 20 × (create + "
                   "start) one after another, needs %s; %s. The engine "
                   "mounts 20 root filesystems (%s storage driver), creates "
                   "network endpoints and runs runc. The tools' own CPU is "
                   "small beside it (%s), so what separates them is how much "
                   "of the 4 independent chains they keep in flight, and the "
                   "engine's load at the moment: on %d shared cores this "
                   "ratio moves between runs far more than the CPU ratios "
                   "do." % (fmt_time(fm), parts, b.storage_driver, cpu,
                            os.cpu_count()))
    if "down" in fl and w.key in res.get("down", {}):
        fm = statistics.median(fl["down"])
        parts = ", ".join("%s %s (%.1f× the floor)" % (
            t.key, fmt_time(wall("down", t.key)), wall("down", t.key) / fm)
            for t in tools if t.key in res["down"])
        out.append("`down -t 0`: 20 × (stop + remove) and the network one "
                   "after another take the engine %s; %s. Below 1× the floor "
                   "means stops and removals in parallel paid off." % (
                       fmt_time(fm), parts))
    if "ps" in fl and w.key in res.get("ps", {}):
        out.append("`ps` and no-op `up -d` need one or a few list/inspect "
                   "calls (%s for the list alone): their times are process "
                   "start, loading the file and printing." % fmt_time(
                       statistics.median(fl["ps"])))
    r = res.get("version", {})
    if w.key in r and len(r) > 1:
        out.append("Start-up alone (`--version`): %s. A Python tool pays "
                   "its interpreter and imports on every command; that is "
                   "most of the gap in `config`, `ps` and no-op `up -d`." % (
                       ", ".join("%s %s wall, %s RSS" % (
                           k, fmt_time(med(v, "wall")), fmt_rss(med(v, "rss_kb")))
                           for k, v in r.items())))
    if "build" in res:
        out.append("`build`: after the context is sent, the time is the "
                   "engine's classic builder (unpacking the context, "
                   "committing the layer), the same for all tools; they "
                   "differ in walking the %d files, matching `.dockerignore` "
                   "and tarring the %d kept. docker-compose's number includes "
                   "starting the `docker build` CLI." % (
                       BUILD_FILES, BUILD_FILES // 2))
    if "logs" in res and w.key in res["logs"]:
        floor = ""
        if "logs" in fl:
            fm = statistics.median(fl["logs"])
            floor = "; the engine alone streams the log in %s, so %s is " \
                "%.1f× the floor" % (fmt_time(fm), w.key,
                                     wall("logs", w.key) / fm)
        out.append("`logs`: %d lines in %s for wcompose (%s CPU)%s. The "
                   "engine decodes its json-file log; the tool demultiplexes "
                   "the frames, prefixes and writes each line." % (
                       LOG_LINES, fmt_time(wall("logs", w.key)),
                       fmt_time(med(res["logs"][w.key], "cpu")), floor))
    if w.key in b.watch:
        r = b.watch[w.key]
        out.append("`watch`: a save is in the container after a median %s ms "
                   "(p90 %s ms), of which the engine's upload alone takes "
                   "a median %s ms; the rest is the 20 ms settle and a "
                   "container listing." % (r.get("median_ms"), r.get("p90_ms"),
                                           r.get("floor_median_ms", "?")))
    if "rss" in b.notes:
        out.append("Log lines the attached `up` runs followed (median; a "
                   "sanity check that logs really flowed): %s." % b.notes["rss"])
    out.append("The engine is shared (other test runs used it during this "
               "one, see the machine facts) and the machine is small: "
               "absolute times move between rounds (all samples below); "
               "compare the ratios.")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wcompose", required=True, help="the wcompose binary")
    ap.add_argument("--image", required=True, help="busybox image to run")
    ap.add_argument("--quick", action="store_true", help="fewer runs")
    ap.add_argument("--out", default="doc/benchmarks.md", help="report file")
    ap.add_argument("--scale-sizes", type=lambda s: [int(x) for x in s.split(",")],
                    help="service counts of the scale scenario (default "
                    "5,20,100,200)")
    ap.add_argument("--only", action="append",
                    help="run only this scenario (repeatable; for debugging)")
    args = ap.parse_args()

    if not os.access(TIME, os.X_OK):
        sys.exit("bench: %s is missing (Debian package time)" % TIME)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)

    engine = Engine()
    tools = find_tools(os.path.abspath(args.wcompose))
    if len(tools) < 2:
        log("no peer is installed: the table has wcompose alone")
    b = Bench(args, engine, tools)
    log("run %s, temp dir %s, %s" % (b.run_id, b.tmp,
                                     "quick" if args.quick else "full"))
    status = 0
    try:
        if args.only:
            b.begin()
            for name in args.only:
                b.scenario(name, getattr(b, "s_" + name))
            b.end()
        else:
            b.run()
    except Interrupted as e:
        log("interrupted (%s): tearing down" % e)
        status = 130
    finally:
        global STOPPING
        STOPPING = True  # from here on, signals no longer interrupt
        left = b.teardown_all()
        if left:
            status = status or 1
    if status:
        return status
    text = report(b)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        fh.write(text)
    log("wrote %s" % args.out)
    print(text[text.index("## Results"):text.index("## Machine")])
    return 1 if b.failures else 0


if __name__ == "__main__":
    sys.exit(main())
