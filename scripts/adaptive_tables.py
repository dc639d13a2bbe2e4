#!/usr/bin/env python3
"""Markdown tables of the adaptive-attacker sweeps (issue 18), one per decoy source.

    scripts/adaptive_tables.py [--lambdas 0.25,0.3] NAME=RUN_DIR...

Each RUN_DIR is a run of a spec in Experiments/orl/adaptive/ (a grid over defense.lambda and
defense.source). Per decoy source and lambda, every run's row: the common panel's top-1 (the judges
valid in every trial of every listed run; rows are comparable by it), the run's own panel top-1 and
its number of judges, each judge's top-1 with its pasted-perturbation transfer against the control
(`*`: failed a validity test in that run), the decoy rate, the attack's lambda estimate against the
true lambda, the probe's queries to g, the queries per identity, the surrogate student's agreement with f and g's accuracy
(both over the private test faces), every rate with its 95 % Wilson interval. See
scripts/judged_runs.py for how each figure is read.
"""
import sys

from judged_runs import Run, common_judges, common_panel, judge_cells, number, share_with_interval, with_interval

SOURCES = [("{type: synthetic_faces}", "procedural decoys (`synthetic_faces`)"),
           ("{type: pca, components: 50}", "eigenface decoys (`pca`, 50 components)")]


def row_cells(run, row, common):
    estimate = row.get("lambda_estimate", "")
    lam = f"{number(estimate, 3)} ({number(row.get('lambda_true'), 2)})" if estimate not in ("", "nan") else "–"
    return [run.name, common_panel(run, row["trial"], common), f"{with_interval(row, 'attack_top1')} ({len(run.panel)})",
            judge_cells(row, run), with_interval(row, "decoy_rate"), lam, number(row.get("adaptive_queries"), 0),
            number(row.get("queries"), 0),
            share_with_interval(row.get("student_agreement"), run.test_faces),
            share_with_interval(row.get("accuracy"), run.test_faces)]


def main():
    args = sys.argv[1:]
    lambdas = None
    if args and args[0] == "--lambdas":
        lambdas = {float(x) for x in args[1].split(",")}
        args = args[2:]
    runs = [Run(*argument.split("=", 1)) for argument in args]
    common = common_judges(runs)
    chance = next((r.get("transfer_chance") for run in runs for r in run.rows if r.get("transfer_chance")), "")
    print(f"common panel (valid in every trial of every run): {', '.join(common) or 'none'}; "
          f"transfer chance {number(chance, 3)}")
    header = ["attacker", "common panel top-1", "panel top-1 (judges)",
              "top-1 (transfer/control): adversarial / resnet_half / fisherfaces / evaluator",
              "decoy rate", "λ estimate (true)", "probe queries", "queries / identity", "student = f", "accuracy of g"]
    for source, title in SOURCES:
        print(f"\n**{title}**\n")
        print("| λ | " + " | ".join(header) + " |")
        print("|" + "---|" * (len(header) + 1))
        points = sorted({float(r["defense.lambda"]) for run in runs for r in run.rows})
        for point in points:
            if lambdas is not None and point not in lambdas:
                continue
            for run in runs:
                for row in run.rows:
                    if row["defense.source"] == source and float(row["defense.lambda"]) == point:
                        print(f"| {point:g} | " + " | ".join(row_cells(run, row, common)) + " |")


if __name__ == "__main__":
    main()
