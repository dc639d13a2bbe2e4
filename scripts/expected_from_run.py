#!/usr/bin/env python3
"""Write <spec>.expected.csv from a finished run, for `invlab verify`.

    scripts/expected_from_run.py SPEC RUN_DIR

The published figures are the run's own values; each metric gets a stated tolerance (absolute):
shares of 30 identities move by one or two people between BLAS builds, so rates (the panel's
consensus, each judge's own top-1 and pasted-perturbation transfer rate) get 0.1;
recognition accuracies (90 test faces) and an adaptive attacker's lambda estimate and student
agreement 0.04; distances and PSNR a relative 15 %. The run's
duration and the command that made it are kept as comment lines.
"""
import csv
import json
import os
import sys

RATE = ["attack_top1", "attack_top5", "attack_top1_all_attempts", "decoy_rate"]
ACCURACY = ["accuracy", "accuracy_undefended", "evaluator_clean", "lambda_estimate", "student_agreement"]
RELATIVE = ["knn_distance", "knn_distance_pixels", "psnr"]
# Per-judge columns (the judge names come from run.json): each judge's verdict and its
# pasted-perturbation transfer rate are rates, its clean accuracy an accuracy.
JUDGE_RATE = ["attack_top1_", "transfer_"]
JUDGE_ACCURACY = ["judge_accuracy_"]


def judge_columns(info):
    names = [judge["name"] for judge in (info.get("judges") or [])]
    rates = [prefix + name for name in names for prefix in JUDGE_RATE]
    accuracies = [prefix + name for name in names for prefix in JUDGE_ACCURACY]
    return rates, accuracies


def main():
    spec, run_dir = sys.argv[1], sys.argv[2]
    info = json.load(open(os.path.join(run_dir, "run.json")))
    seconds = sum(info.get("stage_seconds", {}).values())
    rows = list(csv.DictReader(open(os.path.join(run_dir, "results.csv"))))
    out = os.path.splitext(spec)[0] + ".expected.csv"
    with open(out, "w") as f:
        f.write(f"# command: invlab run {spec}\n")
        f.write(f"# measured: {info['started'][:10]}, {seconds / 60:.1f} min of stages on 2 cores "
                f"(BLAS {info['environment']['blas_kernel']}, {info['environment']['threads']} threads)\n")
        completed = sum(1 for row in rows if row["status"] == "completed")
        planned = int(info.get("trials") or len(rows))
        if completed < planned:
            # A run still going (or stopped): its figures so far. The headline's panel is the judges
            # valid in every completed trial, so later trials can change the earlier rows' headline.
            f.write(f"# partial: {completed} of {planned} trials completed when this was written; regenerate "
                    f"from the finished run (the panel, hence attack_top1, can change with the later trials)\n")
        f.write("trial,metric,expected,tolerance\n")
        judge_rates, judge_accuracies = judge_columns(info)
        rates, accuracies = RATE + judge_rates, ACCURACY + judge_accuracies
        for row in rows:
            if row["status"] != "completed":
                continue
            for metric in rates + accuracies + RELATIVE:
                value = row.get(metric, "")
                if value in ("", "nan", "inf"):
                    continue
                number = float(value)
                tolerance = 0.1 if metric in rates else (0.04 if metric in accuracies else round(abs(number) * 0.15, 4))
                f.write(f"{row['trial']},{metric},{value},{tolerance}\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
