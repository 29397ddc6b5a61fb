#!/usr/bin/env python3
"""doc/fields.md lists every field of schemas/compose-spec.json: each path
the schema allows (services.*.build.context, networks.*.ipam.config[].subnet)
must have a row, and each field compose/fields.c warns about must be
marked warned there. With --missing, prints a row for each path the table
lacks (to fill in). Prints TAP."""

import json
import os
import re
import sys

TOP = os.environ.get("TOP_SRCDIR", os.path.join(os.path.dirname(__file__), ".."))
schema = json.load(open(os.path.join(TOP, "schemas", "compose-spec.json")))


def resolve(s):
    while isinstance(s, dict) and "$ref" in s:
        s = schema["definitions"][s["$ref"].split("/")[-1]]
    return s


def branches(s):
    s = resolve(s)
    out = [s]
    for k in ("anyOf", "oneOf", "allOf"):
        for b in s.get(k, []):
            out.extend(branches(b))
    return out


def walk(s, path, seen, out):
    for b in branches(s):
        for k, v in b.get("properties", {}).items():
            p = path + ("." if path else "") + k
            out.add(p)
            ref = v.get("$ref", "")
            if ref and ref in seen:
                continue
            walk(v, p, seen | {ref} if ref else seen, out)
        for pat, v in b.get("patternProperties", {}).items():
            if pat.startswith("^x-"):
                continue
            walk(v, path + ".*", seen, out)
        if "items" in b:
            walk(b["items"], path + "[]", seen, out)


paths = set()
walk(schema, "", frozenset(), paths)

doc = open(os.path.join(TOP, "doc", "fields.md")).read()
rows = {}
for line in doc.splitlines():
    m = re.match(r"\|\s*`([^`]+)`\s*\|(.*)", line)
    if m:
        rows[m.group(1)] = m.group(2)

if "--missing" in sys.argv:
    for p in sorted(paths - set(rows)):
        print("| `%s` | |" % p)
    sys.exit(0)

n = 0
bad = 0


def tap(good, desc):
    global n, bad
    n += 1
    bad += not good
    print("%sok %d - %s" % ("" if good else "not ", n, desc))


missing = sorted(paths - set(rows))
tap(not missing, "every schema field has a row in doc/fields.md")
for p in missing:
    print("#   missing: %s" % p)
stale = sorted(set(rows) - paths)
tap(not stale, "every row of doc/fields.md is a schema field")
for p in stale:
    print("#   not in the schema: %s" % p)

src = open(os.path.join(TOP, "src", "compose", "fields.c")).read()


def table(name):
    """The paths of one table of fields.c: from its name to its end."""
    start = src.index(name + "[] = {")
    body = src[start:src.index("{NULL, NULL}", start)]
    return re.findall(r'\{"([a-z0-9_.\[\]*]+)",', body)


warned = ["services.*." + w for w in table("fields_unacted")]
warned += table("fields_unacted_top")
warned.append("models")
for p in warned:
    tap(p in rows and "warned" in rows[p],
        "%s (warned by the loader) is marked warned in doc/fields.md" % p)
# The warnings themselves: at the field's file:line:col, with the reason.
WCOMPOSE = os.environ.get("WCOMPOSE")
if WCOMPOSE:
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory(prefix="wcompose-fields.") as t:
        with open(os.path.join(t, "compose.yaml"), "w") as f:
            f.write("services:\n  a:\n    image: x\n    links: [b]\n"
                    "    volumes:\n      - type: volume\n        source: d\n"
                    "        target: /d\n        volume: {subpath: s}\n"
                    "      - d:/e:z\n"
                    "  b:\n    image: x\nvolumes:\n  d:\n")
        p = subprocess.run([WCOMPOSE, "config", "-q"], cwd=t, text=True,
                           capture_output=True)
        tap(p.returncode == 0, "a file with unacted fields loads")
        for want in ("compose.yaml:4:12: services.a.links: loaded but not "
                     "acted on yet",
                     "compose.yaml:10:9: services.a.volumes[1]: the SELinux "
                     "label"):
            tap(want in p.stderr, "warned: " + want)
            if want not in p.stderr:
                print("#   stderr: " + p.stderr.replace("\n", "\n#   "))
print("1..%d" % n)
sys.exit(1 if bad else 0)
