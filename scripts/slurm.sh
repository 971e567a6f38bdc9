#!/usr/bin/env bash
# The tests' one-node Slurm cluster: munged, slurmctld and slurmd of their own, in the foreground
# under setsid, with no systemd. `start` brings it up unless it already answers; `stop` cancels
# its jobs, ends its daemons and leaves nothing of it running; `status` succeeds while it answers.
#   munge     its own key and socket ($run/munge.socket), not the machine's /run/munge
#   slurm     $state/slurm.conf (SLURM_CONF points the commands at it), ports 6917 (slurmctld)
#             and 6918 (slurmd) beside the default 6817/6818; one node, this host, in the
#             partition `debug`; jobs run as the user that submits them (the tests: bst-tester)
# Its configuration, key, controller state, node spool and logs live outside any checkout, where
# the test user reaches them (the commands read slurm.conf, a batch job runs its script from the
# spool; the checkout may sit under /root), and are the same from every checkout: one cluster per
# machine (its ports are fixed), which a start from another checkout finds running and keeps.
set -euo pipefail
# The daemons keep the folder they start in: none of a checkout.
cd /

state=/var/lib/bst-containers-test/slurm
run=/run/bst-containers-test/slurm
logs=$state/logs
conf=$state/slurm.conf
socket=$run/munge.socket
export SLURM_CONF=$conf

usage() {
  echo "usage: $0 start|stop|status" >&2
  exit 2
}
[ $# -eq 1 ] || usage

munge_answers() { [ -S "$socket" ] && munge -n --socket="$socket" 2>/dev/null | unmunge --socket="$socket" >/dev/null 2>&1; }
# The controller answers and the node has registered (idle, or busy with jobs).
slurm_answers() {
  [ -e "$conf" ] || return 1
  scontrol ping 2>/dev/null | grep -q 'is UP' || return 1
  sinfo -h -N -o '%T' 2>/dev/null | grep -Eqx 'idle|mixed|allocated|completing'
}
wait_for() { # description, seconds, command...
  local what=$1 seconds=$2
  shift 2
  for _ in $(seq $((seconds * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  echo "$what did not come up; see $logs" >&2
  return 1
}
# Running, not a zombie: the daemons' parent is init, which may take its time to reap them.
running() { grep -Eq '^State:[[:space:]]+[^Z]' "/proc/$1/status" 2>/dev/null; }
pid_of() { # daemon: its pid, when its pid file names a running process of that name
  local pid
  pid=$(cat "$run/$1.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] && running "$pid" && echo "$pid"
}
end() { # daemon: SIGTERM, then SIGKILL after 10 s
  local pid
  pid=$(pid_of "$1") || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    running "$pid" || break
    sleep 0.1
  done
  ! running "$pid" || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$run/$1.pid"
}
# What a job left when slurmd could not end it (it died): step daemons, which slurmd double-forks,
# and the jobs' processes. Both carry this cluster's SLURM_CONF; a job's also its SLURM_JOB_ID.
leftovers() {
  local dir pid comm entry ours job
  local -a environment
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    # Builtins only: this looks at every process.
    { mapfile -d '' environment <"$dir/environ"; } 2>/dev/null || continue
    { read -r comm <"$dir/comm"; } 2>/dev/null || continue
    ours=false job=false
    for entry in "${environment[@]}"; do
      case $entry in
        "SLURM_CONF=$conf") ours=true ;;
        SLURM_JOB_ID=*) job=true ;;
      esac
    done
    if $ours && { [ "$comm" = slurmstepd ] || $job; } && [ "$pid" != $$ ] && running "$pid"; then echo "$pid"; fi
  done
  return 0
}

stop() {
  if slurm_answers; then
    # scancel sends SIGTERM, then SIGKILL after KillWait (5 s); the job is gone once its steps are.
    scancel --quiet --partition=debug 2>/dev/null || true
    for _ in $(seq 200); do
      [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
  end slurmd
  end slurmctld
  local pids
  pids=$(leftovers)
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
  end munged
}

write_config() { # the node's figures as slurmd finds them: a node that claims more is drained
  local node cpus memory
  node=$(hostname -s)
  cpus=$(slurmd -C | sed -n 's/.* CPUs=\([0-9]*\).*/\1/p')
  memory=$(slurmd -C | sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p')
  cat <<CONF
# Written by scripts/slurm.sh for the bst-containers tests.
ClusterName=bst-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=6917
SlurmdPort=6918
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$state/controller
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd.pid
SlurmctldLogFile=$logs/slurmctld.log
SlurmdLogFile=$logs/slurmd.log
# Nothing mails here (the default, /bin/mail, is not installed).
MailProg=/bin/true
# No cgroups or systemd here: steps are tracked through /proc, tasks are not bound.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
# SIGKILL follows scancel's SIGTERM after 5 s (the default is 30).
KillWait=5
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8
CONF
}

# Up, and with the configuration this script writes.
answers() {
  [ -e "$conf" ] && [ "$(cat "$conf")" = "$(write_config)" ] && munge_answers && slurm_answers
}

start() {
  install -d -m 0755 "$state" "$run" "$logs"
  answers && return 0
  local config
  config=$(write_config)
  echo "Starting the tests' Slurm cluster (munged, slurmctld on 6917, slurmd on 6918; $conf)" >&2
  stop
  # A cluster of its own each time: no jobs or node state carried over.
  rm -rf "$state/controller" "$state/spool"
  install -d -m 0755 "$state/controller" "$state/spool"
  printf '%s\n' "$config" >"$conf"
  chmod 0644 "$conf"

  [ -e "$state/munge.key" ] || mungekey --create --keyfile="$state/munge.key"
  chmod 0600 "$state/munge.key"
  setsid munged --foreground --socket="$socket" --key-file="$state/munge.key" --pid-file="$run/munged.pid" \
    --seed-file="$state/munged.seed" >"$logs/munged.log" 2>&1 </dev/null &
  wait_for munged 30 munge_answers

  setsid slurmctld -D -f "$conf" >"$logs/slurmctld.out" 2>&1 </dev/null &
  setsid slurmd -D -f "$conf" >"$logs/slurmd.out" 2>&1 </dev/null &
  wait_for "The tests' Slurm cluster" 60 slurm_answers
}

case $1 in
  start) start ;;
  stop) stop ;;
  status) answers ;;
  *) usage ;;
esac
