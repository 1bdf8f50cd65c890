#!/usr/bin/env bash
# Installs the system packages hashsec needs (Debian 12). Safe to re-run.
set -euo pipefail
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
PKGS=(libopenblas-dev liblapacke-dev libsqlite3-dev)
# Test-only components: headless Chromium (report rendering), Slurm + munge (shard test).
if [ "${HASHSEC_MINIMAL_DEPS:-0}" != "1" ]; then PKGS+=(chromium slurm-wlm munge); fi
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Python helpers for tests (notebook validation).
python3 -c "import nbformat" 2>/dev/null || python3 -m pip install -q nbformat
