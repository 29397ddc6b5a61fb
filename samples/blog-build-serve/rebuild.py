#!/usr/bin/env python3
"""Render every *.rst under SOURCE into SITE as .html with docutils: all of
them at start, then, each time the process gets SIGHUP, those that changed
(a page for each new or rewritten source, none for a removed one). Writes
an index.html listing the pages unless one is rendered from index.rst.

Nothing polls: `wcompose up --watch` syncs a saved post into SOURCE and
runs `render-now` (develop.watch in compose.yaml), which sends the SIGHUP.
Signals that come during a render are kept by the kernel and taken after
it, so no save is missed.

usage: rebuild.py [SOURCE [SITE]]   (defaults: /source /build)
"""

import os
import signal
import sys

# Blocked before anything slow: a render-now that comes while this starts
# up waits in the kernel instead of being lost (PID 1 ignores what it does
# not handle).
WAIT = {signal.SIGHUP, signal.SIGTERM, signal.SIGINT}
signal.pthread_sigmask(signal.SIG_BLOCK, WAIT)
READY = "/run/rebuild.ready"

import html  # noqa: E402

from docutils.core import publish_parts  # noqa: E402

SETTINGS = {
    "input_encoding": "utf-8",
    "output_encoding": "utf-8",
    "halt_level": 5,        # never stop on a markup error: show it inline
    "report_level": 2,
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "syntax_highlight": "none",   # no pygments in the image
}


def say(line):
    print(line, flush=True)


def scan(source):
    """Map relative .rst path -> what tells a new write: (mtime, ctime,
    size). A file the sync rewrote has a new ctime even when its mtime (in
    whole seconds in a tar) and size are the same."""
    found = {}
    for top, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.startswith(".") or not name.endswith(".rst"):
                continue
            path = os.path.join(top, name)
            try:
                st = os.stat(path)
            except OSError:
                continue        # removed while we looked
            found[os.path.relpath(path, source)] = (st.st_mtime_ns,
                                                    st.st_ctime_ns,
                                                    st.st_size)
    return found


def html_name(rel):
    return rel[:-len(".rst")] + ".html"


def write_atomic(path, data):
    """Write through a temp file so the server never sees half a page."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = os.path.join(os.path.dirname(path),
                       ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def render(source, site, rel):
    """Render one page; return its title (or None when it failed)."""
    src = os.path.join(source, rel)
    try:
        with open(src, encoding="utf-8") as f:
            text = f.read()
        parts = publish_parts(text, source_path=src, writer_name="html5",
                              settings_overrides=SETTINGS)
        page = parts["whole"]
        if isinstance(page, str):
            page = page.encode("utf-8")
        write_atomic(os.path.join(site, html_name(rel)), page)
    except Exception as e:      # a bad post must not stop the renderer
        say("failed %s: %s" % (rel, e))
        return None
    title = parts.get("title") or rel
    say("rendered %s -> %s" % (rel, html_name(rel)))
    return html.unescape(title)


def write_index(site, titles):
    items = "".join(
        '<li><a href="%s">%s</a></li>\n' % (html.escape(html_name(rel)),
                                            html.escape(titles[rel]))
        for rel in sorted(titles))
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<title>Posts</title></head>\n<body>\n<h1>Posts</h1>\n<ul>\n"
            "%s</ul>\n</body></html>\n" % items)
    write_atomic(os.path.join(site, "index.html"), page.encode("utf-8"))
    say("wrote index.html (%d pages)" % len(titles))


def remove(site, rel):
    try:
        os.remove(os.path.join(site, html_name(rel)))
        say("removed %s" % html_name(rel))
    except FileNotFoundError:
        pass


def main(argv):
    source = argv[1] if len(argv) > 1 else "/source"
    site = argv[2] if len(argv) > 2 else "/build"
    os.makedirs(site, exist_ok=True)
    try:
        with open(READY, "w") as f:
            f.write("%d\n" % os.getpid())
    except OSError:
        pass    # not in the container: render-now is not used there
    say("rendering %s into %s on SIGHUP" % (source, site))
    seen = {}
    titles = {}
    index_listed = None
    while True:
        now = scan(source)
        for rel in sorted(now):
            if seen.get(rel) != now[rel]:
                titles[rel] = render(source, site, rel) or rel
        for rel in sorted(set(seen) - set(now)):
            remove(site, rel)
            titles.pop(rel, None)
        seen = now
        if "index.rst" not in titles and titles != index_listed:
            write_index(site, titles)
            index_listed = dict(titles)
        elif "index.rst" in titles:
            index_listed = None
        if signal.sigwait(WAIT) != signal.SIGHUP:
            return


if __name__ == "__main__":
    try:
        main(sys.argv)
    finally:
        # a renderer started later must say it listens itself
        try:
            os.remove(READY)
        except OSError:
            pass
