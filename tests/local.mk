# Tests: unit programs, the conformance corpus, real-engine scenarios, and
# tree-wide checks.
include tests/unit/local.mk
include tests/engine/local.mk

TESTS += tests/conformance/own.sh tests/conformance/shared.sh \
  tests/conformance/roundtrip.sh tests/conformance/bounds.sh \
  tests/conformance/graph.sh
EXTRA_DIST += tests/fuzz

# Tree-wide checks.
TESTS += tests/format.sh tests/fields.sh
EXTRA_DIST += tests/format.sh tests/fields.sh tests/fields.py
