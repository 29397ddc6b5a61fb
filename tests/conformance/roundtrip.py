#!/usr/bin/env python3
"""`config` prints a compose file: for every case that loads (the project's
own good cases, and the entries of the shared corpus that load), load ->
config -> load -> config gives the same bytes, in YAML and in JSON. The
second load runs in an empty directory with a clean environment, so the
output must stand on its own (every `$` of an interpolated value written
`$$`, paths absolute, build args resolved). Prints TAP."""

import json
import os
import subprocess
import sys
import tempfile

WCOMPOSE = os.environ["WCOMPOSE"]
TOP = os.environ.get("TOP_SRCDIR", os.path.join(os.path.dirname(__file__),
                                                "..", ".."))
SHARED = sys.argv[1] if len(sys.argv) > 1 else ""

n = 0
failed = 0


def tap(good, desc, why=""):
    global n, failed
    n += 1
    if not good:
        failed += 1
    print("%sok %d - %s" % ("" if good else "not ", n, desc))
    if not good:
        for line in why.splitlines()[:30]:
            print("#   " + line)


def run(d, args, env):
    p = subprocess.run([WCOMPOSE] + args, cwd=d, env=env, capture_output=True,
                       timeout=60, text=True, errors="replace")
    return p.returncode, p.stdout, p.stderr


def first_diff(a, b):
    al, bl = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            return "line %d:\n  first:  %r\n  second: %r" % (i + 1, x, y)
    return "lengths differ: %d and %d lines" % (len(al), len(bl))


def check(desc, d, args, env, extra, keep=()):
    """args select the files; extra are config's own flags; keep are
    global flags that still apply to the output (profiles)."""
    out = {}
    for fmt in ("yaml", "json"):
        rc, text, err = run(d, args + ["config", "--format", fmt] + extra, env)
        if rc != 0:
            return  # not a valid case here: nothing to round-trip
        out[fmt] = text
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
             "HOME": env.get("HOME", "/HOME")}
    with tempfile.TemporaryDirectory(prefix="wcompose-rt.") as t:
        path = os.path.join(t, "compose.yaml")
        with open(path, "w") as f:
            f.write(out["yaml"])
        for fmt in ("yaml", "json"):
            rc, text, err = run(t, ["-f", path] + list(keep) +
                                ["config", "--format", fmt] + extra, clean)
            if rc != 0:
                tap(False, "%s: config output loads again (%s)" % (desc, fmt),
                    err + "\n--- output of the first load:\n" + out["yaml"])
                continue
            tap(text == out[fmt],
                "%s: load -> config -> load -> config is stable (%s)" %
                (desc, fmt), first_diff(out[fmt], text))


def own():
    good = os.path.join(TOP, "tests", "conformance", "good")
    for name in sorted(os.listdir(good)):
        if not name.endswith(".yaml") or ".override." in name:
            continue
        case = name[:-5]
        if not os.path.exists(os.path.join(good, case + ".expected.json")):
            continue
        args = ["-f", name]
        keep = []
        a = os.path.join(good, case + ".args")
        if os.path.exists(a):
            words = open(a).read().split()
            args += words
            for i, w in enumerate(words):
                if w == "--profile" and i + 1 < len(words):
                    keep += words[i:i + 2]
        env = {"PATH": os.environ.get("PATH", ""), "HOME": "/HOME"}
        check("good/" + case, os.path.realpath(good), args, env, [], keep)


def shared(root):
    manifest = json.load(open(os.path.join(root, "MANIFEST.json")))
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith("COMPOSE_")}
    for e in manifest["entries"]:
        with tempfile.TemporaryDirectory(prefix="wcompose-rt.") as tmp:
            workdir = os.path.realpath(tmp)
            compose = None
            for f in e["files"]:
                rel = f.get("project_relpath")
                if not rel:
                    continue
                dst = os.path.join(workdir, rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                os.symlink(os.path.join(root, f["file"]), dst)
                if f["role"] == "compose" and compose is None:
                    compose = rel
            env = dict(base_env)
            env["HOME"] = os.path.join(workdir, "home")
            for k, v in (e.get("env") or {}).items():
                if not v.startswith("<"):
                    env[k] = v
            args = ["-f", compose]
            if e.get("project_name") and \
                    not e["project_name"].startswith("from"):
                args += ["-p", e["project_name"]]
            extra = []
            if e["id"] == "compose-go/full-example":
                extra = ["--no-normalize", "--no-consistency"]
            check(e["id"], workdir, args, env, extra)


own()
if SHARED and os.path.exists(os.path.join(SHARED, "MANIFEST.json")):
    shared(SHARED)
else:
    print("# no shared corpus: only the project's own cases")
print("1..%d" % n)
sys.exit(1 if failed else 0)
