#!/usr/bin/env bash
# The README's main command: installs the system packages, builds hashsec (release), and runs the nightly
# pipeline on the repository's own synthetic history (datasets/nightly.yaml). Prints where the report is.
set -euo pipefail
cd "$(dirname "$0")/.."
HASHSEC_MINIMAL_DEPS=1 scripts/install-deps.sh
source scripts/env.sh
swift build -c release --product hashsec
exec .build/release/hashsec nightly datasets/nightly.yaml "$@"
