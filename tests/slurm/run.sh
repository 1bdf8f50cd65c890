#!/usr/bin/env bash
# Slurm integration test for sharded simulation (outside SwiftPM; run by scripts/test.sh after `swift test`).
#
# Starts a throw-away single-node Slurm cluster on this machine (own munge key and socket, slurm.conf written into
# a temp dir, loopback addresses only), then:
#   1. runs a trivial 4-task job array (checks the cluster itself),
#   2. submits a 4-shard `hashsec simulate` array + dependent merge with scripts/slurm/submit.sh and compares every
#      merged file except manifest.json byte for byte with a single-process run of the same deal/seed/calibration,
#   3. re-runs the merge job with one shard removed and expects the job to FAIL (a failing merge must fail the run).
# Every daemon it started is stopped and the temp dir removed on exit (also on failure or Ctrl-C).
#
# Environment: HASHSEC_BIN (default .build/debug/hashsec), SLURM_TEST_TIMEOUT (seconds per wait, default 300),
#              SLURM_TEST_KEEP=1 keeps the temp dir for debugging, CI=true turns "Slurm not installed" into a failure.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

for tool in munged mungekey munge unmunge slurmctld slurmd sbatch squeue scontrol sinfo scancel python3; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
    if [ "${CI:-}" = "true" ]; then
      echo "FAIL: $tool not installed (CI=true; scripts/install-deps.sh installs slurm-wlm and munge)" >&2
      echo "0 passed, 1 failed"; exit 1
    fi
    echo "SKIP: Slurm integration test: $tool not installed (apt-get install slurm-wlm munge); 0 passed, 0 failed"
    exit 0
  fi
done
export PATH="$PATH:/usr/sbin:/sbin"

bin=${HASHSEC_BIN:-$repo/.build/debug/hashsec}
case $bin in /*) ;; *) bin=$repo/$bin ;; esac
if [ ! -x "$bin" ]; then
  echo "FAIL: hashsec binary not found at $bin (run swift build, or set HASHSEC_BIN)" >&2
  echo "0 passed, 1 failed"; exit 1
fi
timeout_s=${SLURM_TEST_TIMEOUT:-300}

SLURM_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hashsec-slurm.XXXXXX")
# shellcheck source=tests/slurm/cluster.sh
source "$repo/tests/slurm/cluster.sh"
cleanup() {
  local rc=$?
  cluster_stop
  if [ "${SLURM_TEST_KEEP:-0}" = "1" ]; then echo "kept $SLURM_TEST_DIR" >&2; else rm -rf "$SLURM_TEST_DIR"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0; failed=0
pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

# job_state JOBID -> prints "STATE EXITCODE" per job record (array tasks: one line each). Needs MinJobAge > test time.
job_states() { scontrol -o show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).* ExitCode=\([0-9:]*\).*/\1 \2/p'; }
job_done() { # all records of job $1 in a final state
  local s; s=$(job_states "$1"); [ -n "$s" ] || return 1
  ! grep -qE '^(PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUED|RESIZING)' <<<"$s"
}
job_ok() { # every record COMPLETED with exit 0:0
  local s; s=$(job_states "$1"); [ -n "$s" ] && ! grep -vqx 'COMPLETED 0:0' <<<"$s"
}

echo "starting single-node Slurm cluster in $SLURM_TEST_DIR"
if ! cluster_start; then fail "cluster start (munged/slurmctld/slurmd)"; finish; fi
echo "cluster up: node $SLURM_NODE idle ($(nproc) CPUs), SLURM_CONF=$SLURM_CONF"

# --- 1. trivial job array --------------------------------------------------------------------------------------
t1=$SLURM_TEST_DIR/trivial; mkdir -p "$t1"
jid=$(sbatch --parsable --array=0-3 --output="$t1/task-%a.out" \
      --wrap 'echo "task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT"')
if wait_for "$timeout_s" "trivial array $jid" job_done "$jid" && job_ok "$jid" \
   && [ "$(cat "$t1"/task-*.out)" = "$(printf 'task %d of 4\n' 0 1 2 3)" ]; then
  pass "trivial 4-task job array ran (job $jid)"
else
  fail "trivial 4-task job array (job $jid): $(job_states "$jid" | tr '\n' ' ')"; cluster_logs; finish
fi

# --- 2. sharded simulate + merge == single run -------------------------------------------------------------------
w=$SLURM_TEST_DIR/hashsec; mkdir -p "$w"
deal=$repo/datasets/deals/s21-token.yaml
history=$repo/datasets/synthetic-history.csv
[ -f "$history" ] || history=$repo/../shared/datasets/btc_daily_network_market.csv
db=$w/store.sqlite
sim_args=(--paths 2001 --seed 20240420 --calibration "$w/calibration.json" --db "$db")
if [ ! -f "$deal" ] || [ ! -f "$history" ]; then
  fail "inputs missing: $deal or $history"; finish
fi
if ! "$bin" ingest "$history" --db "$db" >"$w/ingest.log" 2>&1 \
   || ! "$bin" calibrate --db "$db" --out "$w/calibration.json" >"$w/calibrate.log" 2>&1; then
  fail "ingest/calibrate for the shard test:"; cat "$w/ingest.log" "$w/calibrate.log" >&2; finish
fi
if ! "$bin" simulate "$deal" --out "$w/single" "${sim_args[@]}" >"$w/single.log" 2>&1; then
  fail "single-process simulate:"; cat "$w/single.log" >&2; finish
fi

if ! HASHSEC_BIN=$bin scripts/slurm/submit.sh "$deal" "$w/sharded" 4 "${sim_args[@]}" >"$w/submit.out" 2>"$w/submit.err"; then
  fail "submit.sh:"; cat "$w/submit.out" "$w/submit.err" >&2; finish
fi
cat "$w/submit.out"
array_id=$(sed -n 's/^array_job_id=//p' "$w/submit.out")
merge_id=$(sed -n 's/^merge_job_id=//p' "$w/submit.out")
if ! wait_for "$timeout_s" "simulate array $array_id + merge $merge_id" sh -c "[ -z \"\$(squeue -h -j $array_id,$merge_id)\" ]"; then
  fail "jobs did not finish within ${timeout_s}s"; cluster_logs; finish
fi
if job_ok "$array_id" && job_ok "$merge_id"; then
  pass "4-shard array $array_id and merge $merge_id COMPLETED"
else
  fail "array $array_id: $(job_states "$array_id" | tr '\n' ' '); merge $merge_id: $(job_states "$merge_id" | tr '\n' ' ')"
  tail -n 20 "$w/sharded/slurm-logs/"*.out >&2 || true
  finish
fi

# Byte-for-byte comparison of every file of the single run except manifest.json (and nothing extra in the merge).
single_files=$(cd "$w/single" && find . -type f ! -name manifest.json | sort)
merged_files=$(cd "$w/sharded" && find . -type f ! -name manifest.json ! -path './slurm-logs/*' ! -path './shard-*' | sort)
mismatch=0
if [ -z "$single_files" ]; then echo "single run wrote no files" >&2; mismatch=1; fi
if [ "$single_files" != "$merged_files" ]; then
  echo "file sets differ:" >&2; diff <(echo "$single_files") <(echo "$merged_files") >&2 || true; mismatch=1
fi
for f in $single_files; do
  if ! cmp -s "$w/single/$f" "$w/sharded/$f"; then echo "differs: $f" >&2; cmp "$w/single/$f" "$w/sharded/$f" >&2 || true; mismatch=1; fi
done
if [ "$mismatch" -eq 0 ]; then
  pass "merged output == single-process run, byte for byte ($(wc -l <<<"$single_files") files, manifest.json aside)"
else
  fail "merged output differs from the single-process run"
fi

# --- 3. a failing merge fails the job --------------------------------------------------------------------------
rm -rf "$w/sharded/shard-2-of-4"
bad_id=$(sbatch --parsable --export=ALL,HASHSEC_BIN="$bin" --output="$w/merge-missing.out" \
         scripts/slurm/merge.sbatch "$w/sharded" 4)
if wait_for "$timeout_s" "merge $bad_id" job_done "$bad_id"; then
  state=$(job_states "$bad_id")
  if [[ $state == FAILED* ]] && [[ $state != *" 0:0" ]]; then
    pass "merge with a missing shard FAILED ($state): $(grep -m1 -v '^hashsec merge of' "$w/merge-missing.out" || true)"
  else
    fail "merge with a missing shard should fail, job $bad_id is $state"
  fi
else
  fail "merge job $bad_id did not finish"
fi

finish
