#!/usr/bin/env bash
# Submit a sharded `hashsec simulate` to Slurm: an N-task job array (one shard each) and a merge job that runs
# only when every shard succeeded (--dependency=afterok).
#
#   scripts/slurm/submit.sh DEAL.yaml OUT N [extra simulate args...]
#
# Example:
#   hashsec calibrate --out /shared/run1/calibration.json
#   scripts/slurm/submit.sh /shared/deals/s21-token.yaml /shared/run1/out 16 \
#       --paths 400000 --seed 42 --calibration /shared/run1/calibration.json
# prints
#   array_job_id=1234
#   merge_job_id=1235
#
# Environment:
#   HASHSEC_BIN           hashsec binary on a shared path (default: `hashsec` on PATH at submission time, resolved to an
#                         absolute path)
#   HASHSEC_CPUS_PER_TASK CPUs (and simulate --threads) per shard, default 1
#   HASHSEC_SBATCH_ARGS   extra sbatch options for both jobs, e.g. "--partition=compute --time=01:00:00 --mem=2G"
#   SBATCH_*              sbatch's own input variables (SBATCH_PARTITION, SBATCH_TIMELIMIT, ...) work as usual
# Logs: OUT/slurm-logs/simulate-<array>_<task>.out and OUT/slurm-logs/merge-<job>.out.
set -euo pipefail

usage() { echo "usage: $0 DEAL.yaml OUT N [extra simulate args...]" >&2; exit 64; }
[ $# -ge 3 ] || usage
deal=$1; out=$2; n=$3; shift 3
case $n in ''|*[!0-9]*) echo "$0: N must be a positive integer, got '$n'" >&2; exit 64 ;; esac
[ "$n" -ge 1 ] || { echo "$0: N must be at least 1" >&2; exit 64; }
[ -f "$deal" ] || { echo "$0: deal file not found: $deal" >&2; exit 66; }
command -v sbatch >/dev/null || { echo "$0: sbatch not found (is Slurm installed and SLURM_CONF set?)" >&2; exit 69; }

here=$(cd "$(dirname "$0")" && pwd)
abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$PWD" "$1" ;; esac; }
deal=$(abs "$deal")
out=$(abs "$out")
bin=${HASHSEC_BIN:-$(command -v hashsec || true)}
[ -n "$bin" ] || { echo "$0: no hashsec binary: set HASHSEC_BIN or put hashsec on PATH" >&2; exit 69; }
bin=$(abs "$bin")
[ -x "$bin" ] || { echo "$0: not executable: $bin" >&2; exit 69; }
cpus=${HASHSEC_CPUS_PER_TASK:-1}
case " $* " in
  *" --calibration "*|*" --calibration="*) ;;
  *) echo "$0: warning: no --calibration FILE.json given; each shard would calibrate on its own store," \
          "which is only correct if every node sees the same store (see docs/slurm.md)" >&2 ;;
esac

mkdir -p "$out/slurm-logs"
# shellcheck disable=SC2206  # HASHSEC_SBATCH_ARGS is a word list on purpose
extra_sbatch=(${HASHSEC_SBATCH_ARGS:-})

array_id=$(sbatch --parsable --export=ALL,HASHSEC_BIN="$bin",HASHSEC_SHARDS="$n" \
  --array="0-$((n - 1))" --cpus-per-task="$cpus" --chdir="$PWD" \
  --output="$out/slurm-logs/simulate-%A_%a.out" "${extra_sbatch[@]}" \
  "$here/simulate-array.sbatch" "$deal" "$out" "$@")
array_id=${array_id%%;*}   # --parsable prints "id[;cluster]"

merge_id=$(sbatch --parsable --export=ALL,HASHSEC_BIN="$bin" \
  --dependency="afterok:$array_id" --kill-on-invalid-dep=yes --cpus-per-task=1 --chdir="$PWD" \
  --output="$out/slurm-logs/merge-%j.out" "${extra_sbatch[@]}" \
  "$here/merge.sbatch" "$out" "$n")
merge_id=${merge_id%%;*}

echo "array_job_id=$array_id"
echo "merge_job_id=$merge_id"
