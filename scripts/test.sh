#!/usr/bin/env bash
# The README's test command: installs what the tests need (idempotent), builds, runs the Swift test suite,
# then the Slurm end-to-end shard test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
source scripts/env.sh
swift build --build-tests
swift test --skip-build
