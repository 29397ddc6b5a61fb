#!/bin/sh
# Conformance against the shared corpus (others' compose files, read in
# place from ../shared/conformance): each MANIFEST.json entry is laid out
# with symlinks and checked by shared.py. Skipped when the corpus is absent.
root="$TOP_SRCDIR/../shared/conformance"
[ -f "$root/MANIFEST.json" ] || root=/work/shared/conformance
if [ ! -f "$root/MANIFEST.json" ]; then
  echo "# no shared conformance corpus at $TOP_SRCDIR/../shared/conformance"
  exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "# python3 is needed to read MANIFEST.json"
  exit 77
fi
# Is the schema validator linked in? An unknown key says.
tmp=$(mktemp -d /tmp/wcompose-conf.XXXXXX)
printf 'services:\n  a:\n    image: x\n    wrongField: 1\n' >"$tmp/compose.yaml"
schema=1
(cd "$tmp" && "$WCOMPOSE" config -q >/dev/null 2>&1) && schema=0
rm -rf "$tmp"
[ "$schema" = 1 ] || echo "# the schema validator is not linked: schema rejections skipped"
exec python3 "$TOP_SRCDIR/tests/conformance/shared.py" "$root" "$schema"
