#!/usr/bin/env bash
# A throw-away single-node SLURM cluster for tests. Installs nothing: `apt-get install -y slurm-wlm munge` must have
# run (.ci/run does it). Usage:
#   test/slurm/cluster.sh up   [DIR]   write DIR/slurm.conf, start munged (if none runs), slurmctld and slurmd
#   test/slurm/cluster.sh down [DIR]   stop exactly the daemons `up` started, by PID
# Clients must use the same config: export SLURM_CONF=DIR/slurm.conf (printed by `up`).
set -euo pipefail
cmd=${1:-}
dir=${2:-${TMPDIR:-/tmp}/dti-slurm}

die() { echo "cluster.sh: $*" >&2; exit 1; }

stop_pidfile() { # stop the process whose PID is in $1, wait for it
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

case "$cmd" in
up)
  for b in munged slurmctld slurmd sbatch squeue scontrol; do
    command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || die "$b not found: apt-get install -y slurm-wlm munge"
  done
  export PATH="$PATH:/usr/sbin"
  ctl_port=${DTI_SLURMCTLD_PORT:-6817}
  d_port=${DTI_SLURMD_PORT:-6818}
  for p in "$ctl_port" "$d_port"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      die "port $p is already in use (another SLURM cluster?); stop it or set DTI_SLURMCTLD_PORT/DTI_SLURMD_PORT"
    fi
  done
  mkdir -p "$dir/state" "$dir/spool"
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(( $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) * 9 / 10 ))
  cat > "$dir/slurm.conf" <<CONF
ClusterName=dtitest
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
InactiveLimit=0
KillWait=5
MinJobAge=300
MaxArraySize=1001
SlurmctldPort=${ctl_port}
SlurmdPort=${d_port}
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"

  # munge: start our own munged unless one already answers
  if ! munge -n >/dev/null 2>&1 </dev/null; then
    [ -f /etc/munge/munge.key ] || die "/etc/munge/munge.key missing (reinstall munge, or create it with mungekey)"
    mkdir -p /run/munge /var/lib/munge /var/log/munge
    chown munge:munge /run/munge /var/lib/munge /var/log/munge
    chmod 0755 /run/munge
    runuser -u munge -- munged --pid-file=/run/munge/dti-test-munged.pid || die "munged did not start"
    for _ in $(seq 50); do [ -s /run/munge/dti-test-munged.pid ] && break; sleep 0.1; done
    cp /run/munge/dti-test-munged.pid "$dir/munged.pid"
    munge -n >/dev/null </dev/null || die "munged started but does not answer"
  fi

  alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
  slurmctld -f "$SLURM_CONF" || die "slurmctld did not start (see $dir/slurmctld.log)"
  slurmd -f "$SLURM_CONF" -N "$host" || die "slurmd did not start (see $dir/slurmd.log)"
  for _ in $(seq 150); do
    state=$(sinfo -h -N -o '%T' 2>/dev/null | head -1 || true)
    case "$state" in idle|mixed|allocated) break ;; esac
    sleep 0.2
  done
  alive "$dir/slurmctld.pid" || { tail -n 5 "$dir/slurmctld.log" >&2; die "slurmctld exited (see $dir/slurmctld.log)"; }
  alive "$dir/slurmd.pid" || { tail -n 5 "$dir/slurmd.log" >&2; die "slurmd exited (see $dir/slurmd.log)"; }
  case "$state" in
    idle|mixed|allocated) ;;
    *) tail -n 20 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true; die "node did not become idle (state '${state}')" ;;
  esac
  echo "SLURM_CONF=$SLURM_CONF"
  ;;
down)
  stop_pidfile "$dir/slurmd.pid"
  stop_pidfile "$dir/slurmctld.pid"
  stop_pidfile "$dir/munged.pid"
  rm -f /run/munge/dti-test-munged.pid
  ;;
*)
  die "usage: $0 up|down [DIR]"
  ;;
esac
