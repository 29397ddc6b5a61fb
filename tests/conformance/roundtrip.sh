#!/bin/sh
# config's output is a compose file: load -> config -> load -> config gives
# the same bytes (roundtrip.py), over the project's good cases and the
# shared corpus when it is there.
root="$TOP_SRCDIR/../shared/conformance"
[ -f "$root/MANIFEST.json" ] || root=/work/shared/conformance
if ! command -v python3 >/dev/null 2>&1; then
  echo "# python3 is needed"
  exit 77
fi
exec python3 "$TOP_SRCDIR/tests/conformance/roundtrip.py" "$root"
