#!/usr/bin/env python3
"""Start-up cost of short commands: instructions (valgrind callgrind, stable
on a busy machine) and the median wall time of N runs (posix_spawn to
waitpid), interleaved with runs of /bin/true so both see the same machine (the difference is what wcompose
adds over a bare spawn).

Usage: python3 bench/startup.py [--runs 200] [--no-callgrind] BUILD/wcompose...
(several builds are measured side by side, their runs interleaved)
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

TWO = """services:
  web:
    image: nginx:alpine
    ports: ["8080:80"]
    depends_on: [db]
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
"""


def instructions(argv, cwd):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        subprocess.run(["valgrind", "--tool=callgrind",
                        "--callgrind-out-file=" + out] + argv, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       check=True)
        with open(out) as f:
            for line in f:
                m = re.match(r"summary: (\d+)", line) or \
                    re.match(r"totals: (\d+)", line)
                if m:
                    return int(m.group(1))
    return None


def spawn_wait(argv, devnull):
    """One run, timed from posix_spawn to the child reaped (os.posix_spawn
    costs far less than subprocess.run, so the floor is the kernel's)."""
    t = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                       (os.POSIX_SPAWN_DUP2, devnull, 2)])
    os.waitpid(pid, 0)
    return time.perf_counter() - t


def wall(argvs, cwd, runs):
    """Median wall of each argv and of /bin/true, interleaved run by run."""
    samples = [[] for _ in argvs]
    floor = []
    old = os.getcwd()
    os.chdir(cwd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for _ in range(runs):
            for sample, argv in zip(samples, argvs):
                sample.append(spawn_wait(argv, devnull))
            floor.append(spawn_wait(["/bin/true"], devnull))
    finally:
        os.close(devnull)
        os.chdir(old)
    return [statistics.median(x) for x in samples], statistics.median(floor)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wcompose", nargs="+",
                    help="one or more builds, measured side by side")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--no-callgrind", action="store_true")
    a = ap.parse_args()
    exes = [os.path.abspath(x) for x in a.wcompose]
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "compose.yaml"), "w") as f:
            f.write(TWO)
        cases = [
            ("--version", ["--version"], d),
            ("config -q, 2 services", ["config", "-q"], d),
            ("config, samples/blog-build-serve", ["config"],
             os.path.join(top, "samples", "blog-build-serve")),
        ]
        print("| command | build | instructions | median wall | /bin/true "
              "| over the spawn |")
        print("|---|---|---:|---:|---:|---:|")
        for name, args, cwd in cases:
            argvs = [[exe] + args for exe in exes]
            for argv in argvs:
                subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=True)
            walls, f = wall(argvs, cwd, a.runs)
            for exe, argv, w in zip(a.wcompose, argvs, walls):
                ins = None if a.no_callgrind else instructions(argv, cwd)
                print("| `%s` | %s | %s | %.2f ms | %.2f ms | %.2f ms |" % (
                    name, exe, "-" if ins is None else "{:,}".format(ins),
                    w * 1e3, f * 1e3, (w - f) * 1e3))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
