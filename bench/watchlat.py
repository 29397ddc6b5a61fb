#!/usr/bin/env python3
"""Save -> visible in the container, for a compose tool's `watch`.

A service of IMAGE has one sync rule, ./src -> /srv/data. The tool
watches; each edit rewrites ./src/page.txt with new text (after a quiet
spell, as a person saves) and the time is taken until the container's file
holds that text, read on the host every millisecond in the container's
upper layer (overlay drivers), or, where the storage driver shows none, in
a named volume mounted at /srv/data: no `docker exec` in the way. After
each edit the engine alone is timed doing the same upload (PUT
/containers/{id}/archive of a one-file tar at "/"): the floor.

    watchlat.py --tool CMD... [--image busybox:latest] [--edits 20]
                [--cycles N --probe-every K] [--keep-dir DIR] [--no-channel]

--no-channel sets WCOMPOSE_WATCH_CHANNEL=0: wcompose then uploads every
batch with PUT archive instead of its sync channel (before/after).

Prints one JSON object: the latencies in ms, their median and 90th
percentile, and with --cycles the tool's resident memory (kB) and open
file descriptors every K cycles (0, K, 2K ... N). Exits 1 when the tool
fails or an edit never arrives. The project (unique name) is torn down by
the tool and swept by label however the run ends. Used by bench/bench.py
and by tests/engine/watch-cycles.sh.
"""

import argparse
import http.client
import io
import json
import socket
import tarfile
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

LABEL = "com.docker.compose.project"


def log(msg):
    print("watchlat: " + msg, file=sys.stderr, flush=True)


def docker(*args, check=True):
    r = subprocess.run(["docker"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    if check and r.returncode != 0:
        raise RuntimeError("docker %s: %s" % (" ".join(args), r.stdout.strip()))
    return r.stdout.strip()


def sweep(project):
    for kind, q in (("container", ["ps", "-aq"]), ("volume", ["volume", "ls", "-q"]),
                    ("network", ["network", "ls", "-q"])):
        ids = docker(*(q + ["--filter", "label=%s=%s" % (LABEL, project)]),
                     check=False).split()
        if not ids:
            continue
        if kind == "container":
            docker("rm", "-f", *ids, check=False)
        else:
            docker(kind, "rm", *ids, check=False)


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100)."""
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(-(-p * len(v) // 100)) - 1))
    return v[k]


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=60)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def engine_socket():
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if not host.startswith("unix://"):
        return None
    return host[len("unix://"):]


def floor_put(sock, cid, name, text):
    """ms the engine takes to extract a one-file tar at "/" in cid."""
    buf = io.BytesIO()
    data = text.encode()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mode = 0o644
        ti.mtime = int(time.time())
        tf.addfile(ti, io.BytesIO(data))
    body = buf.getvalue()
    conn = UnixHTTPConnection(sock)
    try:
        conn.connect()
        t0 = time.perf_counter()
        conn.request("PUT", "/containers/%s/archive?path=/" % cid, body=body,
                     headers={"Content-Type": "application/x-tar"})
        r = conn.getresponse()
        r.read()
        ms = (time.perf_counter() - t0) * 1000.0
    finally:
        conn.close()
    if r.status != 200:
        raise RuntimeError("engine floor: PUT archive answered %d" % r.status)
    return ms


def proc_usage(pid):
    """(resident kB, open fds) of pid."""
    rss = 0
    with open("/proc/%d/status" % pid) as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir("/proc/%d/fd" % pid))


class Run:
    def __init__(self, tool, image, workdir, settle=None, volume=False,
                 project=None, quiet=None, channel=True):
        self.tool = tool
        self.image = image
        self.dir = workdir
        self.project = project or "wlat%d%d" % (os.getpid(),
                                                random.randrange(10 ** 6))
        self.proc = None
        self.out = os.path.join(workdir, "watch.out")
        self.env = dict(os.environ)
        if settle is not None:
            self.env["WCOMPOSE_WATCH_SETTLE"] = settle
        if not channel:
            self.env["WCOMPOSE_WATCH_CHANNEL"] = "0"
        os.makedirs(os.path.join(workdir, "src"), exist_ok=True)
        self.page = os.path.join(workdir, "src", "page.txt")
        with open(self.page, "w") as fh:
            fh.write("start\n")
        self.volume = volume
        with open(os.path.join(workdir, "compose.yaml"), "w") as fh:
            fh.write(
                "services:\n"
                "  app:\n"
                "    image: %s\n"
                "    command: [\"sh\", \"-c\", \"trap 'exit 0' TERM; "
                "while :; do sleep 1; done\"]\n"
                "%s"
                "    develop:\n"
                "      watch:\n"
                "        - path: ./src\n"
                "          target: /srv/data\n"
                "          action: sync\n"
                "%s%s" % (image,
                          "    volumes: [\"data:/srv/data\"]\n" if volume else "",
                          "volumes:\n  data: {}\n" if volume else "",
                          "x-wcompose-watch:\n  quiet: %sms\n" % quiet
                          if quiet else ""))

    def cmd(self, *args):
        return self.tool + ["-p", self.project, "-f",
                            os.path.join(self.dir, "compose.yaml")] + list(args)

    def start(self, timeout=120):
        with open(self.out, "wb") as out:
            self.proc = subprocess.Popen(self.cmd("watch"), cwd=self.dir,
                                         stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, env=self.env)
        end = time.monotonic() + timeout
        while True:
            with open(self.out, errors="replace") as fh:
                if "Watch enabled" in fh.read():
                    break
            if self.proc.poll() is not None or time.monotonic() > end:
                raise RuntimeError("watch did not start:\n" + self.tail())
            time.sleep(0.05)
        self.cid = docker("ps", "-q", "--no-trunc", "--filter",
                          "label=%s=%s" % (LABEL, self.project))
        if not self.cid:
            raise RuntimeError("no container for project %s" % self.project)
        if self.volume:
            vol = docker("volume", "ls", "-q", "--filter",
                         "label=%s=%s" % (LABEL, self.project))
            if not vol:
                raise RuntimeError("no volume for project %s" % self.project)
            self.root = docker("volume", "inspect", "-f", "{{.Mountpoint}}",
                               vol.split()[0])
        else:
            data = json.loads(docker("inspect", "-f", "{{json .GraphDriver.Data}}",
                                     self.cid) or "null") or {}
            if not data.get("UpperDir"):
                return False
            self.root = os.path.join(data["UpperDir"], "srv", "data")
        self.seen = os.path.join(self.root, "page.txt")
        return True

    def floor(self, sock, i):
        name = "srv/data/floor.txt"
        return floor_put(sock, self.cid, name, "floor %d\n" % i)

    def tail(self, n=20):
        try:
            with open(self.out, errors="replace") as fh:
                return "".join(fh.readlines()[-n:])
        except OSError:
            return ""

    def edit(self, text, timeout=10.0):
        """Write text into the page; ms until the volume holds it."""
        want = text.encode()
        t0 = time.perf_counter()
        with open(self.page, "wb") as fh:
            fh.write(want)
        end = t0 + timeout
        while True:
            try:
                with open(self.seen, "rb") as fh:
                    if fh.read() == want:
                        return (time.perf_counter() - t0) * 1000.0
            except OSError:
                pass
            now = time.perf_counter()
            if now > end:
                raise RuntimeError("edit %r not in the container after %.0f s:\n%s"
                                   % (text, timeout, self.tail()))
            if self.proc.poll() is not None:
                raise RuntimeError("watch exited:\n" + self.tail())
            time.sleep(0.001)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        subprocess.run(self.cmd("down", "-v", "-t", "0"), cwd=self.dir,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=120)
        sweep(self.project)


def measure(tool, image, workdir, project=None, edits=20, spell=0.4,
            settle=None, floor=True, cycles=0, probe_every=500, quiet=None,
            channel=True):
    """Run the tool's watch in workdir and measure (see the top); the
    result as main prints it. Raises RuntimeError when the tool fails or an
    edit never arrives; tears the project down however it ends."""
    run = Run(tool, image, workdir, settle, project=project, quiet=quiet,
              channel=channel)
    result = {"tool": " ".join(tool), "channel": channel}
    sock = engine_socket() if floor else None
    try:
        if not run.start():
            # no upper layer to read: the same through a named volume
            run.stop()
            run = Run(tool, image, workdir, settle, volume=True,
                      project=project, quiet=quiet, channel=channel)
            if not run.start():
                raise RuntimeError("cannot see the container's files")
        result["seen_in"] = "volume" if run.volume else "upper layer"
        result["load_before"] = round(os.getloadavg()[0], 2)
        for i in range(2):  # warm: the first sync pays for first calls
            time.sleep(spell)
            run.edit("warm %d\n" % i)
        lat = []
        fl = []
        for i in range(edits):
            time.sleep(spell + random.random() * 0.2)
            lat.append(run.edit("edit %d %d\n" % (i, random.randrange(10 ** 9))))
            if sock:
                time.sleep(spell)
                fl.append(run.floor(sock, i))
        result["load_after"] = round(os.getloadavg()[0], 2)
        result["latencies_ms"] = [round(x, 1) for x in lat]
        if lat:
            result["median_ms"] = round(statistics.median(lat), 1)
            result["p90_ms"] = round(percentile(lat, 90), 1)
        if fl:
            result["floor_ms"] = [round(x, 1) for x in fl]
            result["floor_median_ms"] = round(statistics.median(fl), 1)
            result["floor_p90_ms"] = round(percentile(fl, 90), 1)
        if cycles:
            probes = []
            cycle_lat = []
            pid = run.proc.pid
            for i in range(cycles + 1):
                if i % probe_every == 0:
                    rss, fds = proc_usage(pid)
                    probes.append({"cycle": i, "rss_kb": rss, "fds": fds})
                if i == cycles:
                    break
                cycle_lat.append(run.edit("cycle %d\n" % i))
            result["cycles"] = cycles
            result["probes"] = probes
            result["cycle_median_ms"] = round(statistics.median(cycle_lat), 1)
            result["cycle_p90_ms"] = round(percentile(cycle_lat, 90), 1)
        with open(run.out, errors="replace") as fh:
            result["syncs"] = fh.read().count("Syncing service")
    finally:
        run.stop()
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", nargs="+", required=True,
                    help="the compose command: /path/wcompose, or docker compose")
    ap.add_argument("--image", default="busybox:latest")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--spell", type=float, default=0.4,
                    help="seconds of quiet before each edit (plus up to 0.2)")
    ap.add_argument("--settle", help="WCOMPOSE_WATCH_SETTLE for the tool")
    ap.add_argument("--cycles", type=int, default=0,
                    help="save->sync cycles back to back, after the edits")
    ap.add_argument("--probe-every", type=int, default=500)
    ap.add_argument("--keep-dir", help="work there and keep the tool's output")
    ap.add_argument("--no-floor", action="store_true",
                    help="do not time the engine alone")
    ap.add_argument("--project", help="the project's name (default: unique)")
    ap.add_argument("--cycle-quiet", type=int,
                    help="x-wcompose-watch's quiet (ms): the wait that ends "
                    "a burst, which back-to-back cycles are")
    ap.add_argument("--no-channel", action="store_true",
                    help="WCOMPOSE_WATCH_CHANNEL=0: PUT archive for every "
                    "batch")
    args = ap.parse_args()

    workdir = args.keep_dir or tempfile.mkdtemp(prefix="watchlat.")
    os.makedirs(workdir, exist_ok=True)
    status = 0
    result = {"tool": " ".join(args.tool)}

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        result = measure(args.tool, args.image, workdir, args.project,
                         args.edits, args.spell, args.settle,
                         not args.no_floor, args.cycles, args.probe_every,
                         args.cycle_quiet, not args.no_channel)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        log(str(e))
        status = 1
    except KeyboardInterrupt:
        status = 130
    finally:
        if not args.keep_dir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result))
    return status


if __name__ == "__main__":
    sys.exit(main())
