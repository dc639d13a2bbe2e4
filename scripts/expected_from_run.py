#!/usr/bin/env python3
"""Write <spec>.expected.csv from a finished run, for `invlab verify`.

    scripts/expected_from_run.py SPEC RUN_DIR

The published figures are the run's own values; each metric gets a stated tolerance (absolute):
shares of 30 identities move by one or two people between BLAS builds, so rates get 0.1;
recognition accuracies (90 test faces) 0.04; distances and PSNR a relative 15 %. The run's
duration and the command that made it are kept as comment lines.
"""
import csv
import json
import os
import sys

RATE = ["attack_top1", "attack_top5", "attack_top1_all_attempts", "decoy_rate"]
ACCURACY = ["accuracy", "accuracy_undefended", "evaluator_clean"]
RELATIVE = ["knn_distance", "psnr"]


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
        f.write("trial,metric,expected,tolerance\n")
        for row in rows:
            if row["status"] != "completed":
                continue
            for metric in RATE + ACCURACY + RELATIVE:
                value = row.get(metric, "")
                if value in ("", "nan", "inf"):
                    continue
                number = float(value)
                tolerance = 0.1 if metric in RATE else (0.04 if metric in ACCURACY else round(abs(number) * 0.15, 4))
                f.write(f"{row['trial']},{metric},{value},{tolerance}\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
