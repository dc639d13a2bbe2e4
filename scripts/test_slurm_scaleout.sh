#!/usr/bin/env bash
# End-to-end test of `invlab slurm` on a real one-node Slurm cluster (part of `make test`).
#
#   bash scripts/test_slurm_scaleout.sh      (INVLAB_BINARY: the invlab to test, default .build/release/invlab)
#
# Starts a throw-away cluster with scripts/slurm_cluster.sh (4 advertised CPUs), then:
#  1. submits a tiny two-trial sweep split into identity chunks as a 4-task array (prepare job ->
#     array -> merge job) and, at the same time, runs the same spec in one local process with its
#     own model cache; the merged tables and every trial's arrays must be byte-identical;
#  2. submits it again, cancels (scancel) the array task that runs a slow unit while it runs;
#     `invlab status` must show that unit failed, `invlab slurm resubmit` must rerun only its
#     shard, and the merged tables must again equal the local run's.
# Skips (exit 0, with the reason) when not root or when the Slurm packages cannot be installed.
# The cluster is stopped on every exit (trap), also when a check fails. Run directories contain a
# space on purpose (quoting). Exit status: 0 when every check passed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INVLAB=${INVLAB_BINARY:-$ROOT/.build/release/invlab}
PACKAGES=(slurmctld slurmd slurm-client munge)
say() { echo "slurm scale-out: $*"; }
skip() { say "SKIPPED: $*"; exit 0; }

((EUID == 0)) || skip "not root (the test apt-installs Slurm and runs slurmctld/slurmd as root)"
[[ -x $INVLAB ]] || { say "FAIL: no invlab binary at $INVLAB (run: swift build -c release --product invlab)"; exit 1; }
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
done
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || skip "Slurm is not installed (${missing[*]}) and there is no apt-get"
  say "installing ${missing[*]}"
  { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}" ||
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}"; }
  } >/tmp/invlab-slurm-apt.log 2>&1 || skip "apt-get could not install ${missing[*]} (log: /tmp/invlab-slurm-apt.log)"
fi

WORK=$(mktemp -d /tmp/invlab-slurm-e2e.XXXXXX)
CLUSTER=$WORK/cluster
RUNS="$WORK/runs dir"
START=$SECONDS
passed=0 failed=0 finished=0 local_pid=""
on_exit() {
  local rc=$?
  if [[ -n $local_pid ]]; then kill "$local_pid" 2>/dev/null || true; fi
  if [[ -f $CLUSTER/pids ]]; then
    # Cancel whatever is left (this cluster started empty: every job is this test's), then stop it.
    local left; left=$(timeout 10 squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ' || true)
    if [[ -n ${left// } ]]; then
      say "cancelling leftover jobs: $left"
      timeout 10 scancel $left 2>/dev/null || true
      local t=$((SECONDS + 15))
      while [[ -n $(timeout 5 squeue -h 2>/dev/null) ]] && ((SECONDS < t)); do sleep 0.2; done
    fi
    bash "$ROOT/scripts/slurm_cluster.sh" stop "$CLUSTER" >/dev/null 2>&1 || true
  fi
  if ((finished)) && ((failed == 0)); then
    rm -rf "$WORK"
  else
    say "files kept in $WORK (cluster logs in $CLUSTER/log, job logs in $RUNS/*/slurm/logs)"
    ((finished)) || say "$passed passed, $((failed + 1)) failed (aborted, exit $rc)"
  fi
  say "total $((SECONDS - START)) s"
}
trap on_exit EXIT

check() {  # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $what"
  else failed=$((failed + 1)); echo "FAIL $what"; fi
}
phase() { say "[$((SECONDS - START)) s] $*"; }

# wait_gone SECONDS ID...: poll squeue (not sbatch --wait) until the jobs have left the queue.
wait_gone() {
  local deadline=$((SECONDS + $1)); shift
  local ids; ids=$(IFS=,; echo "$*")
  while [[ -n $(squeue -h -j "$ids" 2>/dev/null) ]]; do
    ((SECONDS < deadline)) || { squeue -j "$ids" || true; return 1; }
    sleep 0.3
  done
}
# states ID: the distinct final states of a job (every task of an array), from scontrol.
states() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort -u | tr '\n' ' ' | sed 's/ $//'; }
job_id() { sed -n "s/^$1: \([0-9][0-9]*\).*/\1/p" <<<"$2"; }

# The tiny spec: quickstart on 12 synthetic people (8 attacked), small CNNs, a sweep of two trials
# over the attack's iterations (the second one slow), identity chunks of 3: 6 units.
SPEC=Experiments/quickstart.yaml
TINY=(--set 'data.source={type: synthetic_faces, identities: 12, images_per_identity: 6}'
  --set data.train_per_identity=4 --set data.public_identities=4
  --set 'target.channels=[4]' --set 'target.hidden=[16]' --set target.train.epochs=3
  --set 'evaluator.channels=[4]' --set 'evaluator.hidden=[16]' --set evaluator.train.epochs=3
  --set 'metrics=[attack_accuracy, target_confidence, image_similarity]'
  --set "sweep={attack.iterations: [20, ${SLOW_ITERATIONS:-2500}]}")
export INVLAB_THREADS=1   # the local run's thread count; the jobs get theirs from --cpus-per-task 1

# same_run A B: the byte-reproducible files of two run directories are equal (results.jsonl
# without its wall-clock timings; timings.csv, run.json and report.html hold times and paths).
same_run() {
  local a=$1 b=$2 f rel ok=0 n=0
  for f in results.csv results.md targets.csv spec.resolved.yaml; do
    cmp -s "$a/$f" "$b/$f" || { echo "     differs: $f"; ok=1; }
  done
  for f in "$a"/trials/*/* "$a"/plots/*; do
    rel=${f#"$a/"}; n=$((n + 1))
    cmp -s "$f" "$b/$rel" || { echo "     differs: $rel"; ok=1; }
  done
  python3 - "$a/results.jsonl" "$b/results.jsonl" <<'EOF' || { echo "     differs: results.jsonl (timings aside)"; ok=1; }
import json, sys
rows = [[{k: v for k, v in json.loads(line).items() if k != "timings"} for line in open(path)] for path in sys.argv[1:]]
sys.exit(0 if rows[0] == rows[1] else 1)
EOF
  ((n >= 11)) || { echo "     only $n trial/plot files in $a"; ok=1; }
  return $ok
}
has_npy() { local d=$1; [[ -s $d/trials/0000/reconstructions.npy && -s $d/trials/0001/reconstructions.npy ]]; }

# --- the cluster ----------------------------------------------------------------------------------
phase "starting a one-node cluster in $CLUSTER"
out=$(SLURM_CLUSTER_CPUS=4 bash "$ROOT/scripts/slurm_cluster.sh" start "$CLUSTER") || { say "FAIL: the cluster did not start"; exit 1; }
eval "$out"
cd "$ROOT"   # the submit directory: the jobs run here and find $SPEC relative to it

# --- 1. submit, and the same spec locally at the same time ---------------------------------------
LOCAL="$RUNS/local"
phase "local run (one process, own cache) in the background"
INVLAB_CACHE_DIR=$WORK/cache-local "$INVLAB" run "$SPEC" "${TINY[@]}" --out "$LOCAL" --quiet >"$WORK/local.log" 2>&1 &
local_pid=$!
export INVLAB_CACHE_DIR=$WORK/cache
S1="$RUNS/slurm 1"
phase "invlab slurm submit --tasks 4 --chunk 3"
submitted=$("$INVLAB" slurm submit "$SPEC" "${TINY[@]}" --chunk 3 --tasks 4 --cpus-per-task 1 --out "$S1")
echo "$submitted" | sed 's/^/     /'
prepare=$(job_id "prepare job" "$submitted"); array=$(job_id "units job array" "$submitted"); merge=$(job_id "merge job" "$submitted")
check "submit printed three job ids" test -n "$prepare" -a -n "$array" -a -n "$merge"
check "submit printed the run directory" grep -qxF "run directory: $S1" <<<"$submitted"
check "the array covers 6 units in 4 tasks" grep -q "tasks 0-3 = shards 1-4 of 4; 6 units" <<<"$submitted"
check "prepare, array and merge jobs left the queue within 150 s" wait_gone 150 "$prepare" "$array" "$merge"
phase "submission 1 finished"
check "prepare job COMPLETED" test "$(states "$prepare")" = COMPLETED
check "all 4 array tasks COMPLETED" test "$(states "$array")" = COMPLETED
check "4 array tasks ran" test "$(scontrol -o show job "$array" | grep -c 'ArrayTaskId=')" = 4
check "merge job COMPLETED" test "$(states "$merge")" = COMPLETED
check "the prepare job trained the shared models" grep -q "prepared: made [1-9]" "$S1/slurm/logs/prepare_$prepare.out"
for t in 0 1 2 3; do
  check "task $t logged to slurm/logs/${array}_$t.out" grep -q "invlab: shard $((t + 1))/4" "$S1/slurm/logs/${array}_$t.out"
done
check "merge log" test -s "$S1/slurm/logs/merge_$merge.out"
check "invlab status: every unit done" "$INVLAB" status "$S1"
wait "$local_pid" || { say "FAIL: the local run failed:"; cat "$WORK/local.log"; local_pid=""; exit 1; }
local_pid=""
phase "local run finished"
check "local run wrote both trials" has_npy "$LOCAL"
check "sharded run wrote both trials" has_npy "$S1"
check "submission 1: tables and arrays byte-identical to the local run" same_run "$LOCAL" "$S1"

# --- 2. a task cancelled mid-run, then resubmit ----------------------------------------------------
S2="$RUNS/slurm 2"
phase "submission 2 (one task will be cancelled)"
submitted=$("$INVLAB" slurm submit "$SPEC" "${TINY[@]}" --chunk 3 --tasks 4 --cpus-per-task 1 --out "$S2")
array=$(job_id "units job array" "$submitted"); merge=$(job_id "merge job" "$submitted"); prepare=$(job_id "prepare job" "$submitted")
# Wait for a unit of the slow trial (t0001-...) to run, then cancel the array task that runs it.
victim="" job="" deadline=$((SECONDS + 90))
while [[ -z $victim ]] && ((SECONDS < deadline)); do
  read -r victim job < <("$INVLAB" status "$S2" --json 2>/dev/null | python3 -c '
import json, sys
units = [u for u in json.load(sys.stdin)["units"] if u["id"].startswith("t0001") and u["state"] == "running" and u.get("slurm_job")]
print(units[0]["id"], units[0]["slurm_job"]) if units else print("")
' || true) || true
  [[ -n $victim ]] || sleep 0.2
done
check "a slow unit was seen running under Slurm" test -n "$victim"
phase "cancelling job $job (unit $victim) with scancel"
scancel "$job"
check "the rest of submission 2 left the queue (its merge job stays blocked)" bash -c '
  deadline=$((SECONDS + 120))
  while [[ -n $(squeue -h -j '"$prepare,$array"' 2>/dev/null) ]]; do ((SECONDS < deadline)) || exit 1; sleep 0.3; done'
check "the cancelled task is CANCELLED" grep -q CANCELLED <<<"$(scontrol -o show job "$job")"
status_json=$("$INVLAB" status "$S2" --json || true)
state=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print([u["state"] for u in d["units"] if u["id"]==sys.argv[2]][0])' "$status_json" "$victim")
check "invlab status shows the cancelled unit $victim as failed (was: $state)" test "$state" = failed
check "invlab status exits non-zero while units are unfinished" bash -c '! "$0" status "$1" >/dev/null' "$INVLAB" "$S2"
shard=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print([u["shard"] for u in d["units"] if u["id"]==sys.argv[2]][0])' "$status_json" "$victim")
phase "invlab slurm resubmit"
resubmitted=$("$INVLAB" slurm resubmit "$S2")
echo "$resubmitted" | sed 's/^/     /'
rarray=$(job_id "units job array" "$resubmitted"); rmerge=$(job_id "merge job" "$resubmitted")
check "resubmit reruns only shard $shard (task $((shard - 1)))" grep -q "(tasks $((shard - 1)) = shard $shard of 4)" <<<"$resubmitted"
check "resubmit cancelled the blocked merge job $merge" grep -q "cancelled job $merge " <<<"$resubmitted"
check "resubmitted jobs left the queue within 120 s" wait_gone 120 "$rarray" "$rmerge"
check "resubmitted array task COMPLETED" test "$(states "$rarray")" = COMPLETED
check "resubmitted merge job COMPLETED" test "$(states "$rmerge")" = COMPLETED
check "invlab status: every unit done after resubmit" "$INVLAB" status "$S2"
check "submission 2 after resubmit: byte-identical to the local run" same_run "$LOCAL" "$S2"
again=$("$INVLAB" slurm resubmit "$S2")
check "a second resubmit has nothing to do" grep -q "^nothing to resubmit: all 6 units" <<<"$again"

finished=1
phase "done"
say "$passed passed, $failed failed"
((failed == 0))
