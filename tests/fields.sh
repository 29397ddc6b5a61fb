#!/bin/sh
# doc/fields.md against schemas/compose-spec.json and src/compose/fields.c
# (tests/fields.py).
if ! command -v python3 >/dev/null 2>&1; then
  echo "# python3 is needed"
  exit 77
fi
exec python3 "$TOP_SRCDIR/tests/fields.py"
