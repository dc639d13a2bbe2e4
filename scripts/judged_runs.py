#!/usr/bin/env python3
"""Attack-success tables from run directories, judged as the project publishes them.

    scripts/judged_runs.py NAME=RUN_DIR[:TRIAL,TRIAL...] ...

One row per completed trial (or the trials named after the colon), labelled by the run's name and
its sweep values. Every figure is read from the run's files (results.csv, targets.csv, run.json):

- common panel: the judges that pass the validity tests in every completed trial of every listed
  run vote on each attacked identity (majority; an even split counts half, as the runner's
  consensus does), from the per-identity verdicts in targets.csv; 95 % Wilson interval over the
  identities. Rows of different runs are comparable by this column only.
- panel: the run's own headline `attack_top1` (the judges valid in every trial of that run) with
  its Wilson interval and the number of its judges.
- per judge: its own top-1, and its pasted-perturbation transfer against the control (the share of
  other people's faces, carrying the reconstruction's change or a clean change of the same
  movement, that the judge assigns to the target; chance is 1/K); `*` marks a judge that failed a
  validity test in this run, whose verdict decides nothing.
- decoy rate with its interval; KNN distance with the start image's in brackets; accuracy of the
  published model with its Wilson interval over the private test faces; queries per identity; the
  trial's attack-stage seconds from timings.csv.

The functions are shared with scripts/adaptive_tables.py. Python standard library only.
"""
import csv
import json
import math
import os
import sys

JUDGES = ["adversarial", "resnet_half", "fisherfaces", "evaluator"]


def number(text, digits=2):
    if text in ("", "nan", None):
        return "–"
    return f"{float(text):.{digits}f}"


def wilson(successes, n, z=1.959963984540054):
    if n == 0:
        return float("nan"), float("nan")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def with_interval(row, column, digits=2):
    """`value [low, high]` from a column and its recorded `_ci_low`/`_ci_high`."""
    if row.get(column) in ("", "nan", None):
        return "–"
    return f"{number(row[column], digits)} [{number(row.get(column + '_ci_low'), digits)}, {number(row.get(column + '_ci_high'), digits)}]"


def share_with_interval(value, n):
    """A share of `n` items (e.g. accuracy on the test faces) with its Wilson interval."""
    if value in ("", "nan", None) or not n:
        return "–"
    low, high = wilson(float(value) * n, n)
    return f"{float(value):.2f} [{low:.2f}, {high:.2f}]"


class Run:
    """One run directory: its completed trials, its panel, its test-set size."""

    def __init__(self, name, path):
        self.name, self.path = name, path
        self.info = json.load(open(os.path.join(path, "run.json")))
        self.rows = [r for r in csv.DictReader(open(os.path.join(path, "results.csv"))) if r["status"] == "completed"]
        names = [j["name"] for j in self.info.get("judges") or []]
        # The run's panel: the judges valid in every completed trial (the runner's rule).
        self.panel = [j for j in names if self.rows and all(r.get(f"valid_{j}") == "1" for r in self.rows)]
        self.test_faces = int((self.info.get("data_split") or {}).get("test_images") or 0)
        columns = self.rows[0].keys() if self.rows else []
        self.sweep_keys = [c for c in columns if "." in c or c in ("attack", "defense", "seed")]
        timings = os.path.join(path, "timings.csv")
        self.seconds = {r["trial"]: r.get("attack_seconds", "") for r in csv.DictReader(open(timings))} if os.path.exists(timings) else {}

    def label(self, row):
        return ", ".join(f"{key} = {row[key]}" for key in self.sweep_keys)


def common_judges(runs):
    return [j for j in JUDGES if all(j in run.panel for run in runs)]


def common_panel(run, trial, judges):
    """The common panel's consensus on one trial: mean over identities and its Wilson interval."""
    votes = []
    for row in csv.DictReader(open(os.path.join(run.path, "targets.csv"))):
        if row["trial"] != trial:
            continue
        yes = sum(row.get(f"attack_top1_{j}") == "1" for j in judges)
        votes.append(1.0 if 2 * yes > len(judges) else (0.5 if 2 * yes == len(judges) else 0.0))
    if not votes or not judges:
        return "–"
    low, high = wilson(sum(votes), len(votes))
    return f"{sum(votes) / len(votes):.2f} [{low:.2f}, {high:.2f}]"


def judge_cells(row, run):
    """Per judge: `top-1 (transfer/control)`, `*` when it failed a validity test in the run."""
    cells = []
    for j in JUDGES:
        transfer = row.get(f"transfer_{j}", "")
        test = f" ({number(transfer)}/{number(row.get(f'transfer_control_{j}'))})" if transfer not in ("", "nan") else ""
        cells.append(number(row.get(f"attack_top1_{j}")) + test + ("" if j in run.panel else "*"))
    return " / ".join(cells)


def knn_with_start(row):
    return f"{number(row.get('knn_distance'), 0)} ({number(row.get('knn_distance_start'), 0)})"


def main():
    runs, chosen = [], {}
    for argument in sys.argv[1:]:
        name, path = argument.split("=", 1)
        if ":" in path:
            path, trials = path.split(":", 1)
            chosen[name] = set(trials.split(","))
        runs.append(Run(name, path))
    common = common_judges(runs)
    chance = next((r.get("transfer_chance") for run in runs for r in run.rows if r.get("transfer_chance")), "")
    print(f"common panel: {', '.join(common) or 'none'}; transfer chance {number(chance, 3)}\n")
    header = ["run", "trial", "common panel top-1", "panel top-1 (judges)", "top-1 (transfer/control): " + " / ".join(JUDGES),
              "decoy rate", "KNN (start)", "accuracy", "queries / identity", "attack seconds"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for run in runs:
        for row in run.rows:
            if run.name in chosen and row["trial"] not in chosen[run.name]:
                continue
            # A run named per trial (NAME=RUN:TRIAL) is labelled by its name; otherwise by its sweep values.
            label = row["trial"] if run.name in chosen else (run.label(row) or row["trial"])
            cells = [run.name, label, common_panel(run, row["trial"], common),
                     f"{with_interval(row, 'attack_top1')} ({len(run.panel)})", judge_cells(row, run),
                     with_interval(row, "decoy_rate"), knn_with_start(row),
                     share_with_interval(row.get("accuracy"), run.test_faces), number(row.get("queries"), 0),
                     number(run.seconds.get(row["trial"]), 0)]
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
