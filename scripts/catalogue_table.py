#!/usr/bin/env python3
"""The attack-catalogue table: one row per attack, one column group per defense, from one run.

    scripts/catalogue_table.py RUN_DIR            # the table
    scripts/catalogue_table.py --judges RUN_DIR   # every trial's judges, one row per trial

RUN_DIR is a run of Experiments/orl/attack_catalogue.yaml (a sweep of defense x attack). Every
figure is read from the run's files, as scripts/judged_runs.py reads them: the panel's top-1 (the
judges valid in every trial of the run; one run, so one panel for every cell) with its 95 % Wilson
interval over the attacked people; the decoy rate with its interval; the KNN distance with the
untouched start image's in brackets; queries per person; the trial's attack-stage seconds. A
trial that did not complete shows as "not run". With --judges, one row per trial: each judge's
top-1 with its pasted-perturbation transfer against the control, `*` where the judge failed a
validity test in that trial. Python standard library only.
"""
import sys

from judged_runs import JUDGES, Run, knn_with_start, number, with_interval

# The attacks of the catalogue, recognised from the sweep's attack value, in the table's order.
ATTACKS = [
    ("LOMMA loss + augmentation", lambda a: "augmentation" in a),
    ("LOMMA loss", lambda a: "logit_maximisation" in a),
    ("PPA-style selection", lambda a: "final_selection" in a),
    ("Mirror-style genetic", lambda a: "type: genetic" in a),
    ("BREP-MI (labels only)", lambda a: "boundary_repulsion" in a),
    ("KEDMI", lambda a: "type: kedmi" in a),
    ("PLG-MI", lambda a: "type: plgmi" in a),
]
DEFENSES = [("undefended", lambda d: d == "none"),
            ("procedural decoys", lambda d: "dummy_recognizer" in d and "source" not in d),
            ("eigenface decoys", lambda d: "dummy_recognizer" in d and "pca" in d)]


def attack_name(value):
    return next((name for name, test in ATTACKS if test(value)), value)


def defense_name(value):
    return next((name for name, test in DEFENSES if test(value)), value)


def judges_table(run):
    print("| attack | defense | " + " | ".join(f"{j}: top-1 (transfer/control)" for j in JUDGES) + " |")
    print("|" + "---|" * (len(JUDGES) + 2))
    for row in run.rows:
        cells = [f"{number(row.get(f'attack_top1_{j}'))} ({number(row.get(f'transfer_{j}'))}/{number(row.get(f'transfer_control_{j}'))})"
                 + ("" if row.get(f"valid_{j}") == "1" else "*") for j in JUDGES]
        print(f"| {attack_name(row['attack'])} | {defense_name(row['defense'])} | " + " | ".join(cells) + " |")


def main():
    if sys.argv[1] == "--judges":
        judges_table(Run("catalogue", sys.argv[2]))
        return
    run = Run("catalogue", sys.argv[1])
    cells = {(attack_name(r["attack"]), defense_name(r["defense"])): r for r in run.rows}
    print(f"judges (valid in every trial of the run): {', '.join(run.panel) or 'none'}; "
          f"{len(run.rows)} completed trials\n")
    header = ["attack"] + [f"top-1, {name}" for name, _ in DEFENSES] + \
             ["decoy rate, procedural / eigenface", "KNN (start), undefended", "queries / person", "attack seconds (undef. / proc. / eigen.)"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for attack, _ in ATTACKS:
        rows = [cells.get((attack, defense)) for defense, _ in DEFENSES]
        if not any(rows):
            continue
        top1 = [with_interval(r, "attack_top1") if r else "not run" for r in rows]
        decoys = " / ".join(with_interval(r, "decoy_rate") if r else "–" for r in rows[1:])
        seconds = " / ".join(number(run.seconds.get(r["trial"]), 0) if r else "–" for r in rows)
        undefended = rows[0]
        print("| " + " | ".join([attack] + top1 + [decoys, knn_with_start(undefended) if undefended else "–",
                                                    number(undefended.get("queries"), 0) if undefended else "–", seconds]) + " |")


if __name__ == "__main__":
    main()
