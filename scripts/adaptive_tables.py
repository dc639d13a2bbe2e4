#!/usr/bin/env python3
"""Markdown tables of the adaptive-attacker sweeps (issue 18), one per decoy source.

    scripts/adaptive_tables.py [--lambdas 0.25,0.3] NAME=RUN_DIR...

Reads each run's results.csv and run.json as `invlab run` wrote them and prints, per decoy source
and lambda, every run's row: the panel's headline top-1 with its 95 % Wilson interval and the judges
on that run's panel, each judge's own top-1 (runs are compared by these: panels can differ between
runs), the decoy rate, the attack's lambda estimate against the true lambda, the probe's queries to
g, the surrogate student's agreement with f, and g's accuracy on the private test faces. Trials not
completed (a run still going) are left out. Nothing is recomputed: every figure is a column of the run.
"""
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
    header = ["attacker", "panel top-1 [95 % CI]", "judges", "top-1 adv / resnet / fisher / eval",
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
                        print(f"| {point:g} | " + " | ".join(row_cells(name, row, valid)) + " |")


if __name__ == "__main__":
    main()
