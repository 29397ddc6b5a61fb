#!/usr/bin/env python3
"""Save -> new page served, for the blog sample under `up --watch`.

    blog-latency.py SOURCE_FILE URL [SAVES]

Appends a line with a fresh token to SOURCE_FILE (a post), after a quiet
spell each time, and times until URL serves a page holding the token,
asking every 2 ms. Restores the post at the end. Prints one JSON object
(the times in ms, their median and 90th percentile); exits 1 when a save
never shows within 10 s.
"""

import json
import random
import statistics
import sys
import time
import urllib.request


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read()
    except OSError:
        return b""


def main():
    src, url = sys.argv[1], sys.argv[2]
    saves = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    with open(src, "rb") as f:
        original = f.read()
    times = []
    try:
        for i in range(saves):
            time.sleep(0.5 + random.random() * 0.3)
            token = "saved-%d-%d" % (i, random.randrange(10 ** 9))
            t0 = time.perf_counter()
            with open(src, "wb") as f:
                f.write(original + b"\nSave %s.\n" % token.encode())
            end = t0 + 10
            while token.encode() not in fetch(url):
                if time.perf_counter() > end:
                    print(json.dumps({"error": "save %d never showed" % i,
                                      "times_ms": times}))
                    return 1
                time.sleep(0.002)
            times.append(round((time.perf_counter() - t0) * 1000, 1))
    finally:
        with open(src, "wb") as f:
            f.write(original)
    v = sorted(times)
    print(json.dumps({"times_ms": times,
                      "median_ms": round(statistics.median(v), 1),
                      "p90_ms": v[max(0, -(-9 * len(v) // 10) - 1)]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
