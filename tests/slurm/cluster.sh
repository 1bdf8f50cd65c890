# Sourced by tests/slurm/run.sh: bring up / tear down a throw-away single-node Slurm cluster (loopback only).
# Everything (munge key + socket, slurm.conf, state, spool, logs, pid files) lives in $SLURM_TEST_DIR.
# Daemons run in the foreground as background children of this shell, so teardown kills exactly their PIDs.

cluster_pids=()

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  local t0=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS - t0 >= limit )); then echo "timeout (${limit}s) waiting for: $what" >&2; return 1; fi
    sleep 1
  done
}

cluster_logs() {
  local f
  for f in "$SLURM_TEST_DIR"/log/*.log; do
    [ -f "$f" ] || continue
    echo "----- $(basename "$f") (last 30 lines) -----" >&2
    tail -n 30 "$f" >&2
  done
}

cluster_start() {
  local d=$SLURM_TEST_DIR
  mkdir -p "$d/munge" "$d/etc" "$d/state" "$d/spool" "$d/log" "$d/run"
  chmod 700 "$d/munge"
  # --- munge: own key, own socket ---
  mungekey --create --keyfile="$d/munge/munge.key" >/dev/null
  chmod 400 "$d/munge/munge.key"
  local force=(); [ "$(id -u)" -eq 0 ] && force=(--force)
  munged -F "${force[@]}" --key-file="$d/munge/munge.key" --socket="$d/munge/munge.socket" \
         --pid-file="$d/munge/munged.pid" --seed-file="$d/munge/munged.seed" \
         --log-file="$d/log/munged.log" >>"$d/log/munged.out" 2>&1 &
  cluster_pids+=($!)
  wait_for 20 "munged socket" test -S "$d/munge/munge.socket" || { cluster_logs; return 1; }
  wait_for 20 "munge round trip" sh -c "munge -S '$d/munge/munge.socket' -n | unmunge -S '$d/munge/munge.socket'" \
    || { cluster_logs; return 1; }

  # --- slurm.conf ---
  local node user cpus ctld_port slurmd_port
  node=$(hostname -s); user=$(id -un); cpus=$(nproc)
  ctld_port=$(free_port); slurmd_port=$(free_port)
  SLURM_NODE=$node
  cat >"$d/etc/slurm.conf" <<CONF
ClusterName=hashsectest
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=${ctld_port}
SlurmdPort=${slurmd_port}
SlurmUser=${user}
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${d}/munge/munge.socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
StateSaveLocation=${d}/state
SlurmdSpoolDir=${d}/spool
SlurmctldPidFile=${d}/run/slurmctld.pid
SlurmdPidFile=${d}/run/slurmd.pid
SlurmctldLogFile=${d}/log/slurmctld.log
SlurmdLogFile=${d}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=${d}/etc/plugstack.conf
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
Waittime=0
NodeName=${node} NodeAddr=127.0.0.1 NodeHostname=${node} CPUs=${cpus} State=UNKNOWN
PartitionName=test Nodes=${node} Default=YES MaxTime=INFINITE State=UP
CONF
  : >"$d/etc/plugstack.conf"
  export SLURM_CONF="$d/etc/slurm.conf"

  slurmctld -D -i -f "$SLURM_CONF" >>"$d/log/slurmctld.out" 2>&1 &
  cluster_pids+=($!)
  wait_for 30 "slurmctld answering" scontrol ping || { cluster_logs; return 1; }
  slurmd -D -N "$node" -f "$SLURM_CONF" >>"$d/log/slurmd.out" 2>&1 &
  cluster_pids+=($!)
  wait_for 60 "node $node idle" sh -c "sinfo -h -n '$node' -o %T | grep -qx idle" || { cluster_logs; return 1; }
}

cluster_stop() {
  [ -n "${SLURM_CONF:-}" ] && [ -f "${SLURM_CONF}" ] && {
    scancel --quiet --user="$(id -un)" >/dev/null 2>&1 || true
    wait_for 20 "jobs gone" sh -c '[ -z "$(squeue -h 2>/dev/null)" ]' 2>/dev/null || true
  }
  local i pid
  # Reverse order: slurmd, slurmctld, munged.
  for (( i=${#cluster_pids[@]}-1; i>=0; i-- )); do
    pid=${cluster_pids[$i]}
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  cluster_pids=()
}
