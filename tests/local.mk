# Tree-wide checks.
TESTS += tests/format.sh
EXTRA_DIST += tests/format.sh
