#!/usr/bin/env python3
"""The mismatched-search-spaces table (issue 18, item 4): decoy source x attacker search space.

    scripts/search_space_table.py RUN_DIR [REFERENCE_RUN_DIR]

RUN_DIR is a run of Experiments/orl/adaptive/search_spaces.yaml (defense.source x attack at one
lambda). One row per decoy source, one column per attacker search space; each cell is the panel's
top-1 with its 95 % Wilson interval over the attacked people and, below it, the decoy rate. With
REFERENCE_RUN_DIR (the same spec at lambda = 1, where g = f: every attacker against the undefended
model), a last row gives each attacker's success without the defense. Both runs are judged by their common panel (the judges valid in every
trial of both), from the per-identity verdicts, as scripts/judged_runs.py does. Python standard
library only.
"""
import sys

from judged_runs import Run, common_judges, common_panel, with_interval

SOURCES = [("{type: synthetic_faces}", "procedural (`synthetic_faces`)"), ("{type: pca, components: 50}", "eigenfaces (PCA, 50)"),
           ("{type: vae}", "VAE"), ("{type: dcgan}", "DCGAN")]


def space(attack):
    """The attacker's search space, from the sweep's attack value."""
    if "space: latent" not in attack:
        return "pixels (MI-FACE)"
    generator = attack.split("generator: {", 1)[1].split("}", 1)[0]
    if "pca" in generator:
        return "eigenfaces (PCA, " + generator.split("components:", 1)[1].strip() + ")"
    return generator.replace("type:", "").strip().upper()


def main():
    run = Run("search_spaces", sys.argv[1])
    runs = [run] + ([Run("reference", sys.argv[2])] if len(sys.argv) > 2 else [])
    judges = common_judges(runs)
    spaces = list(dict.fromkeys(space(r["attack"]) for r in run.rows))
    lam = (run.info.get("resolved_spec") or {}).get("defense", {}).get("lambda", "?")
    print(f"panel: {', '.join(judges)}; lambda = {lam}\n")
    print("| decoys \\ attacker | " + " | ".join(spaces) + " |")
    print("|" + "---|" * (len(spaces) + 1))
    for source, title in SOURCES:
        cells = []
        for name in spaces:
            row = next((r for r in run.rows if r["defense.source"] == source and space(r["attack"]) == name), None)
            cells.append(f"{common_panel(run, row['trial'], judges)}<br>decoys {with_interval(row, 'decoy_rate')}" if row else "not run")
        print(f"| {title} | " + " | ".join(cells) + " |")
    if len(runs) > 1:
        reference = runs[1]
        cells = []
        for name in spaces:
            row = next((r for r in reference.rows if space(r["attack"]) == name), None)
            cells.append(common_panel(reference, row["trial"], judges) if row else "not run")
        print("| none (λ = 1: g = f) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
