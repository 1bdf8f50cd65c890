#!/usr/bin/env bash
# The test command (README): unit + integration tests, then the Slurm end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
swift build
swift test 2>&1 | tee /tmp/hashsec-swift-test.log
