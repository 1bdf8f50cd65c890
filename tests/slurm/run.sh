#!/usr/bin/env bash
# Slurm integration test for sharded simulation (outside SwiftPM; run by scripts/test.sh after `swift test`).
#
# Starts a throw-away single-node Slurm cluster on this machine (own munge key and socket, slurm.conf written into
# a temp dir, loopback addresses only), then:
#   1. runs a trivial 4-task job array (checks the cluster itself),
#   2. submits a 4-shard `hashsec simulate` array + dependent merge with scripts/slurm/submit.sh and compares every
#      merged file except manifest.json byte for byte with a single-process run of the same deal/seed/calibration,
#   3. re-runs the merge job with a shard of another seed, then with a shard removed, and expects both jobs to FAIL
#      (a failing merge must fail the run),
#   4. submits an array whose shards fail and expects the dependent merge to be cancelled.
# Every daemon it started is stopped and the temp dir removed on exit (also on failure or Ctrl-C).
#
# Environment: HASHSEC_BIN (default .build/debug/hashsec), SLURM_TEST_TIMEOUT (seconds per wait, default 300),
#              SLURM_TEST_KEEP=1 keeps the temp dir for debugging, CI=true turns "Slurm not installed" into a failure.
set -euo pipefail
# Become a child subreaper (prctl PR_SET_CHILD_SUBREAPER=36) so slurmstepd processes orphaned by slurmd are reparented
# to, and reaped by, this shell rather than lingering as zombies under PID 1 after the test.
if [ -z "${HASHSEC_SLURM_SUBREAPER:-}" ] && command -v python3 >/dev/null 2>&1; then
  export HASHSEC_SLURM_SUBREAPER=1
  exec python3 -c 'import ctypes, os, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
os.execvp(sys.argv[1], sys.argv[1:])' bash "$0" "$@"
fi
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
  local left
  # Processes whose command line names the temp dir (the dir is passed by environment, so the scanner never matches itself).
  left=$(D=$SLURM_TEST_DIR python3 -c 'import glob, os
for f in glob.glob("/proc/[0-9]*/cmdline"):
    try:
        if os.environ["D"].encode() in open(f, "rb").read(): print(f.split("/")[2], end=" ")
    except OSError: pass' || true)
  if [ -n "$left" ]; then echo "FAIL: processes of the test cluster still running: $left" >&2; rc=1; fi
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
deal=${SLURM_TEST_DEAL:-$repo/datasets/deals/s21-token.yaml}
history=$repo/datasets/synthetic-history.csv
[ -f "$history" ] || history=$repo/../shared/datasets/btc_daily_network_market.csv
db=$w/store.sqlite
sim_common=(--paths 2001 --calibration "$w/calibration.json" --db "$db")   # 2,001 paths: uneven 4-way split
sim_args=(--seed 20240420 "${sim_common[@]}")
if [ ! -f "$deal" ] || [ ! -f "$history" ]; then
  fail "inputs missing: $deal or $history"; finish
fi
if ! "$bin" simulate --help 2>/dev/null | grep -q -- '--shard' || ! "$bin" merge --help >/dev/null 2>&1; then
  fail "$bin has no 'simulate --shard' / 'merge' (sharded simulation not built yet)"; finish
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
shard_dirs=$(cd "$w/sharded" && ls -d shard-*-of-4 2>/dev/null | sort | tr '\n' ' ')
if job_ok "$array_id" && job_ok "$merge_id" && [ "$shard_dirs" = "shard-0-of-4 shard-1-of-4 shard-2-of-4 shard-3-of-4 " ]; then
  pass "4-shard array $array_id and merge $merge_id COMPLETED"
else
  fail "array $array_id: $(job_states "$array_id" | tr '\n' ' '); merge $merge_id: $(job_states "$merge_id" | tr '\n' ' '); shards: $shard_dirs"
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
# The merged summary must account for all 2,001 paths and the run's seed (the shards really covered the whole run).
if ! grep -q '"paths" : 2001,' "$w/sharded/summary.json" || ! grep -q '"seed" : 20240420,' "$w/sharded/summary.json"; then
  echo "merged summary.json lacks \"paths\" : 2001 / \"seed\" : 20240420" >&2; mismatch=1
fi
if [ "$mismatch" -eq 0 ]; then
  pass "merged output == single-process run, byte for byte ($(wc -l <<<"$single_files") files, manifest.json aside)"
else
  fail "merged output differs from the single-process run"
fi

# --- 3. a failing merge fails the job (mixed shards, then a missing shard) ----------------------------------------
expect_failed_merge() { # expect_failed_merge DESCRIPTION: run merge.sbatch on $w/sharded as a Slurm job, expect FAILED
  local what=$1 id state log=$w/merge-$RANDOM.out
  id=$(sbatch --parsable --export=ALL,HASHSEC_BIN="$bin" --output="$log" scripts/slurm/merge.sbatch "$w/sharded" 4)
  if ! wait_for "$timeout_s" "merge $id" job_done "$id"; then fail "merge job $id ($what) did not finish"; return; fi
  state=$(job_states "$id")
  if [[ $state == FAILED* ]] && [[ $state != *" 0:0" ]]; then
    pass "merge with $what FAILED ($state): $(grep -m1 -v '^hashsec merge of' "$log" || true)"
  else
    fail "merge with $what should fail, job $id is $state"; cat "$log" >&2
  fi
}
# Mixed: shard 1 of another seed in place of shard 1 of this run.
other_args=(--seed 7 "${sim_common[@]}")
if "$bin" simulate "$deal" --shard 1/4 --out "$w/other" "${other_args[@]}" >"$w/other.log" 2>&1; then
  rm -rf "$w/sharded/shard-1-of-4"; cp -R "$w/other/shard-1-of-4" "$w/sharded/shard-1-of-4"
  expect_failed_merge "shard 1 from another seed"
else
  fail "local simulate of the other-seed shard:"; cat "$w/other.log" >&2
fi
# Missing: shard 2 removed.
rm -rf "$w/sharded/shard-2-of-4"
expect_failed_merge "shard 2 missing"

# --- 4. a failing shard cancels the merge (afterok dependency never satisfied) ------------------------------------
if HASHSEC_BIN=$bin scripts/slurm/submit.sh "$deal" "$w/badshard" 2 --model no-such-model "${sim_args[@]}" \
     >"$w/submit-bad.out" 2>"$w/submit-bad.err"; then
  bad_array=$(sed -n 's/^array_job_id=//p' "$w/submit-bad.out")
  bad_merge=$(sed -n 's/^merge_job_id=//p' "$w/submit-bad.out")
  if wait_for "$timeout_s" "failing array $bad_array + merge $bad_merge" \
       sh -c "[ -z \"\$(squeue -h -j $bad_array,$bad_merge)\" ]"; then
    a_state=$(job_states "$bad_array" | sort -u | tr '\n' ' '); m_state=$(job_states "$bad_merge")
    if [ "$a_state" != "${a_state/FAILED/}" ] && [[ $m_state == CANCELLED* ]] && [ ! -e "$w/badshard/summary.json" ]; then
      pass "a failing shard (array $bad_array: $a_state) cancels the merge ($bad_merge: $m_state), nothing merged"
    else
      fail "failing shard: array $bad_array is '$a_state', merge $bad_merge is '$m_state' (want FAILED / CANCELLED)"
    fi
  else
    fail "failing-shard jobs did not leave the queue"
  fi
else
  fail "submit.sh (failing shard case):"; cat "$w/submit-bad.out" "$w/submit-bad.err" >&2
fi

finish
