#!/bin/sh
# Time and memory of the loader in proportion to its input (bounds.py).
if ! command -v python3 >/dev/null 2>&1; then
  echo "# python3 is needed"
  exit 77
fi
exec python3 "$TOP_SRCDIR/tests/conformance/bounds.py"
