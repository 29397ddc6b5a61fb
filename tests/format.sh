#!/bin/sh
# The C sources follow .clang-format (design.md): any file clang-format
# would change fails this test. Skipped when clang-format is missing.
top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
command -v clang-format >/dev/null 2>&1 || {
  echo "# clang-format is not installed: skipped"
  exit 77
}
cd "$top" || exit 99
bad=0
n=0
for f in $(find src tests -name '*.[ch]' ! -name 'schema-data.c' | sort); do
  n=$((n + 1))
  if ! clang-format --style=file "$f" | cmp -s - "$f"; then
    echo "not formatted: $f (run clang-format -i $f)"
    bad=$((bad + 1))
  fi
done
echo "$((n - bad)) passed, $bad failed"
[ $bad -eq 0 ]
