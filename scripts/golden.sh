#!/usr/bin/env bash
# The golden corpus (Tests/Golden/corpus.txt → Tests/Golden/expected/), byte-for-byte.
#   scripts/golden.sh            build (debug) and compare
#   scripts/golden.sh --update   build and rewrite the expected files (an intended change: commit it on its own, say why)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
swift build --build-tests
if [[ "${1:-}" == "--update" ]]; then
  HASHSEC_GOLDEN_UPDATE=1 swift test --skip-build --filter GoldenTests
  git status --short Tests/Golden/expected | head -50
else
  swift test --skip-build --filter GoldenTests
fi
