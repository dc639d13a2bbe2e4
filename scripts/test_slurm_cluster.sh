#!/usr/bin/env bash
# Self-check of scripts/slurm_cluster.sh: start a one-node cluster in a fresh directory, run a
# 4-task job array plus an afterok-dependent job, cancel a running job, stop the cluster, check
# that nothing is left running, and that a start which cannot get ready cleans up after itself.
# Prints the time start, the array and stop took; exits non-zero on any failure.
#
#   bash scripts/test_slurm_cluster.sh        (needs root the first time: it apt-installs Slurm)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLUSTER=$HERE/slurm_cluster.sh
DIR=$(mktemp -d /tmp/slurm-selfcheck.XXXXXX)
# Whatever happens, the daemons go away (stop is idempotent, so the explicit stop below is fine);
# an unexpected error (set -e) still ends with the summary line.
passed=0 failed=0 failures=() finished=0
on_exit() {
  bash "$CLUSTER" stop "$DIR" >/dev/null 2>&1 || true
  bash "$CLUSTER" stop "$DIR/failed" >/dev/null 2>&1 || true
  ((finished)) ||
    echo "slurm cluster self-check: $passed passed, $((failed + 1)) failed (aborted; logs in $DIR/log)"
}
trap on_exit EXIT

check() {  # check DESCRIPTION COMMAND...: runs COMMAND, counts and reports the outcome
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $what"
  else failed=$((failed + 1)); failures+=("$what"); echo "FAIL $what"; fi
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# wait_gone ID SECONDS: poll squeue until job ID (all its array tasks) has left the queue.
wait_gone() {
  local deadline=$((SECONDS + $2))
  while [[ -n $(squeue -h -j "$1" 2>/dev/null) ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
# wait_state ID STATE SECONDS: poll squeue until job ID is in STATE (e.g. RUNNING).
wait_state() {
  local deadline=$((SECONDS + $3))
  until [[ $(squeue -h -j "$1" -o %T 2>/dev/null) == "$2" ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
# none_left DIR: no live slurmctld/slurmd started with DIR's config (zombies do not count).
none_left() { ! ps -eo stat=,args= | grep -v '^Z' | grep -E 'slurm(ctld|d) ' | grep -qF "$1/etc/slurm.conf"; }
# sbatch --parsable prints "ID" or "ID;cluster": keep the ID.
submit() { local out; out=$(sbatch --parsable "$@") && echo "${out%%;*}"; }

echo "cluster directory: $DIR"

# --- start ---------------------------------------------------------------------------------
t=$(now)
if ! out=$(bash "$CLUSTER" start "$DIR"); then
  echo "FAIL start (see the log tails above)"; exit 1
fi
t_start=$(since "$t")
check "start prints the export line" test "$out" = "export SLURM_CONF=$DIR/etc/slurm.conf"
eval "$out"
check "status reports live daemons" bash -c "bash '$CLUSTER' status '$DIR' >/dev/null"

# --- a 4-task array and a job that depends on it --------------------------------------------
mkdir -p "$DIR/logs"
t=$(now)
array_id=$(submit --array=0-3 --chdir="$DIR" --output="$DIR/logs/%A_%a.out" \
  --wrap 'sleep 2; echo task $SLURM_ARRAY_TASK_ID')
dep_id=$(submit --dependency=afterok:"$array_id" --chdir="$DIR" --output="$DIR/logs/dep.out" \
  --wrap "echo after $array_id > '$DIR/dependent.done'")
check "array $array_id finished within 60 s" wait_gone "$array_id" 60
t_array=$(since "$t")
check "dependent job $dep_id finished within 30 s" wait_gone "$dep_id" 30
for i in 0 1 2 3; do
  check "task $i log says 'task $i'" grep -qx "task $i" "$DIR/logs/${array_id}_$i.out"
done
check "dependent job wrote its file" test -s "$DIR/dependent.done"
# The 4 tasks ran at once (4 advertised CPUs): their start times lie within one second.
starts=$(scontrol -o show job "$array_id" | grep -o 'StartTime=[^ ]*' | cut -d= -f2 |
  while read -r s; do date -d "$s" +%s; done | sort -n)
span=$(( $(tail -n1 <<<"$starts") - $(head -n1 <<<"$starts") ))
check "4 tasks started together (start times span ${span} s)" \
  test "$(wc -l <<<"$starts")" -eq 4 -a "$span" -le 1

# --- a cancelled job -----------------------------------------------------------------------
cancel_id=$(submit --chdir="$DIR" --output="$DIR/logs/cancel.out" --wrap 'sleep 60')
check "job $cancel_id is running within 30 s" wait_state "$cancel_id" RUNNING 30
scancel "$cancel_id"
check "cancelled job left the queue within 30 s" wait_gone "$cancel_id" 30
check "scontrol shows JobState=CANCELLED" \
  bash -c "scontrol show job $cancel_id | grep -q 'JobState=CANCELLED'"
check "jobcomp file records the cancel" \
  grep -Eq "JobId=$cancel_id .*JobState=CANCELLED" "$DIR/log/jobcomp.txt"
check "jobcomp file records 5 completed jobs (4 tasks + dependent)" \
  test "$(grep -c "JobState=COMPLETED" "$DIR/log/jobcomp.txt")" -ge 5

# --- stop ----------------------------------------------------------------------------------
t=$(now)
check "stop succeeds" bash "$CLUSTER" stop "$DIR"
t_stop=$(since "$t")
check "no slurmctld/slurmd of $DIR remains" none_left "$DIR"
check "a second stop is a no-op" bash "$CLUSTER" stop "$DIR"
check "status says it is stopped" bash -c "! bash '$CLUSTER' status '$DIR' >/dev/null 2>&1"

# --- a start that cannot become ready (0 s timeout) exits 1 and leaves nothing running -------
check "a start that times out exits 1" \
  bash -c "SLURM_CLUSTER_TIMEOUT=0 bash '$CLUSTER' start '$DIR/failed' >/dev/null 2>&1; test \$? -eq 1"
check "the failed start left no slurmctld/slurmd" none_left "$DIR/failed"
check "the failed start left no pids to stop" test ! -e "$DIR/failed/pids"

finished=1
echo "timings: start ${t_start} s, array (submit to last task done) ${t_array} s, stop ${t_stop} s"
if ((failed == 0)); then
  rm -rf "$DIR"
  echo "slurm cluster self-check: $passed passed, 0 failed"
else
  echo "slurm cluster self-check: $passed passed, $failed failed: ${failures[*]}"
  echo "logs kept in $DIR/log"; exit 1
fi
