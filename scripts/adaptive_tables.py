#!/usr/bin/env python3
"""Markdown tables of the adaptive-attacker sweeps (issue 18), one per decoy source.

    scripts/adaptive_tables.py [--lambdas 0.25,0.3] NAME=RUN_DIR...

Reads each run's results.csv and run.json as `invlab run` wrote them and prints, per decoy source
and lambda, every run's row: the panel's headline top-1 with its 95 % Wilson interval and the judges
on that run's panel, each judge's own top-1 (runs are compared by these: panels can differ between
runs), the decoy rate, the attack's lambda estimate against the true lambda, the probe's queries to
g, the surrogate student's agreement with f, and g's accuracy on the private test faces. Trials not
completed (a run still going) are left out.

Runs can have different panels (a judge that fails a validity test in one trial of a run leaves that
run's panel), so their headlines are not judged by the same judges. The column "common panel" makes
them comparable: the judges valid in every completed trial of every listed run vote on each attacked
identity (majority, an even split counting half, as the runner's consensus does) from the per-identity
verdicts in targets.csv; the bracket is the 95 % Wilson interval over the identities. Every other
figure is a column of the run.
"""
import math
import csv
import json
import os
import sys

JUDGES = ["adversarial", "resnet_half", "fisherfaces", "evaluator"]
SOURCES = [("{type: synthetic_faces}", "procedural decoys (`synthetic_faces`)"),
           ("{type: pca, components: 50}", "eigenface decoys (`pca`, 50 components)")]


def number(text, digits=2):
    if text in ("", "nan", None):
        return "–"
    value = float(text)
    return f"{value:.{digits}f}"


def panel(run_dir):
    info = json.load(open(os.path.join(run_dir, "run.json")))
    rows = [r for r in csv.DictReader(open(os.path.join(run_dir, "results.csv"))) if r["status"] == "completed"]
    # The run's panel: the judges valid in every completed trial (the same rule as the report's).
    valid = [j["name"] for j in info.get("judges") or [] if rows and all(r.get(f"valid_{j['name']}") == "1" for r in rows)]
    return rows, valid


def wilson(successes, n, z=1.959963984540054):
    if n == 0:
        return float("nan"), float("nan")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def common_panel(run_dir, trial, judges):
    """The common panel's consensus on one trial: mean over identities and its Wilson interval."""
    votes = []
    for row in csv.DictReader(open(os.path.join(run_dir, "targets.csv"))):
        if row["trial"] != trial:
            continue
        hits = [row.get(f"attack_top1_{j}") == "1" for j in judges]
        yes = sum(hits)
        votes.append(1.0 if 2 * yes > len(hits) else (0.5 if 2 * yes == len(hits) else 0.0))
    if not votes or not judges:
        return "–"
    mean = sum(votes) / len(votes)
    low, high = wilson(sum(votes), len(votes))
    return f"{mean:.2f} [{low:.2f}, {high:.2f}]"


def row_cells(name, row, valid):
    judges = " / ".join(number(row.get(f"attack_top1_{j}")) + ("" if j in valid else "*") for j in JUDGES)
    estimate = row.get("lambda_estimate", "")
    lam = f"{number(estimate, 3)} ({number(row.get('lambda_true'), 2)})" if estimate not in ("", "nan") else "–"
    return [name,
            f"{number(row['attack_top1'])} [{number(row['attack_top1_ci_low'])}, {number(row['attack_top1_ci_high'])}]",
            str(len(valid)), judges, number(row.get("decoy_rate")), lam,
            number(row.get("adaptive_queries"), 0), number(row.get("queries"), 0),
            number(row.get("student_agreement")), number(row.get("accuracy"))]


def main():
    args = sys.argv[1:]
    lambdas = None
    if args and args[0] == "--lambdas":
        lambdas = {float(x) for x in args[1].split(",")}
        args = args[2:]
    runs = [(a.split("=", 1)[0], a.split("=", 1)[1]) for a in args]
    loaded = [(name,) + panel(path) for name, path in runs]
    common = [j for j in JUDGES if all(j in valid for _, _, valid in loaded)]
    paths = dict(runs)
    print(f"common panel (valid in every trial of every run): {', '.join(common) or 'none'}")
    header = ["attacker", "common panel top-1 [95 % CI]", "panel top-1 [95 % CI]", "judges", "top-1 adv / resnet / fisher / eval",
              "decoy rate", "λ estimate (true)", "probe queries", "queries / identity", "student = f", "accuracy"]
    for source, title in SOURCES:
        print(f"\n**{title}**\n")
        print("| λ | " + " | ".join(header) + " |")
        print("|" + "---|" * (len(header) + 1))
        points = sorted({float(r["defense.lambda"]) for _, rows, _ in loaded for r in rows})
        for point in points:
            if lambdas is not None and point not in lambdas:
                continue
            for name, rows, valid in loaded:
                for row in rows:
                    if row["defense.source"] == source and float(row["defense.lambda"]) == point:
                        cells = row_cells(name, row, valid)
                        cells.insert(1, common_panel(paths[name], row["trial"], common))
                        print(f"| {point:g} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
