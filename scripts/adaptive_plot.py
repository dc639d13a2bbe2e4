#!/usr/bin/env python3
"""One figure of attack success against lambda for several attackers (docs/adaptive_attacks.md).

    scripts/adaptive_plot.py OUT.svg NAME=RUN_DIR [NAME=RUN_DIR ...]

Each RUN_DIR is a run of a spec in Experiments/orl/adaptive/ (a grid over defense.lambda and
defense.source). One panel per decoy source; per attacker the judge panel's attack_top1 against
lambda with its 95 % Wilson interval as a bar, and (grey, dashed) the recognition accuracy of the
published model from the first run. Python standard library only.
"""
import csv
import os
import sys

WIDTH, HEIGHT, PANEL_W, PANEL_H, LEFT, TOP = 900, 380, 380, 260, 60, 50
COLOURS = ["#222222", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]
SOURCES = [("{type: synthetic_faces}", "procedural decoys (synthetic_faces)"),
           ("{type: pca, components: 50}", "eigenface decoys (pca, 50 components)")]


def rows(run_dir):
    with open(os.path.join(run_dir, "results.csv")) as f:
        return [r for r in csv.DictReader(f) if r["status"] == "completed"]


def main():
    out, runs = sys.argv[1], [arg.split("=", 1) for arg in sys.argv[2:]]
    data = [(name, rows(path)) for name, path in runs]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="12">',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>']
    for panel, (source, title) in enumerate(SOURCES):
        x0 = LEFT + panel * (PANEL_W + 70)
        px = lambda lam: x0 + lam * PANEL_W
        py = lambda v: TOP + (1 - v) * PANEL_H
        parts.append(f'<text x="{x0 + PANEL_W / 2}" y="{TOP - 20}" text-anchor="middle" font-weight="bold">{title}</text>')
        parts.append(f'<rect x="{x0}" y="{TOP}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#999"/>')
        for tick in [0, 0.25, 0.5, 0.75, 1]:
            parts.append(f'<text x="{px(tick)}" y="{TOP + PANEL_H + 16}" text-anchor="middle">{tick}</text>')
            parts.append(f'<text x="{x0 - 6}" y="{py(tick) + 4}" text-anchor="end">{tick}</text>')
            parts.append(f'<line x1="{x0}" x2="{x0 + PANEL_W}" y1="{py(tick)}" y2="{py(tick)}" stroke="#eee"/>')
        parts.append(f'<line x1="{x0}" x2="{x0 + PANEL_W}" y1="{py(0.3)}" y2="{py(0.3)}" stroke="#999" stroke-dasharray="2,3"/>')
        parts.append(f'<text x="{x0 + PANEL_W / 2}" y="{TOP + PANEL_H + 34}" text-anchor="middle">lambda (weight of the real recognizer f)</text>')
        if panel == 0:
            parts.append(f'<text x="16" y="{TOP + PANEL_H / 2}" transform="rotate(-90 16 {TOP + PANEL_H / 2})" text-anchor="middle">attack top-1 (judge panel), accuracy</text>')
        first = [r for r in data[0][1] if r["defense.source"] == source]
        accuracy = sorted((float(r["defense.lambda"]), float(r["accuracy"])) for r in first)
        parts.append('<polyline fill="none" stroke="#888" stroke-dasharray="6,3" points="'
                     + " ".join(f"{px(l)},{py(a)}" for l, a in accuracy) + '"/>')
        for index, (name, table) in enumerate(data):
            colour = COLOURS[index % len(COLOURS)]
            points = sorted((float(r["defense.lambda"]), float(r["attack_top1"]), float(r["attack_top1_ci_low"] or "nan"),
                             float(r["attack_top1_ci_high"] or "nan")) for r in table if r["defense.source"] == source)
            shift = (index - (len(data) - 1) / 2) * 0.008
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.6" points="'
                         + " ".join(f"{px(l + shift)},{py(v)}" for l, v, _, _ in points) + '"/>')
            for l, v, low, high in points:
                parts.append(f'<line x1="{px(l + shift)}" x2="{px(l + shift)}" y1="{py(low)}" y2="{py(high)}" stroke="{colour}" stroke-opacity="0.6"/>')
                parts.append(f'<circle cx="{px(l + shift)}" cy="{py(v)}" r="2.6" fill="{colour}"/>')
    legend_y = HEIGHT - 18
    entries = [(name, COLOURS[i % len(COLOURS)], "") for i, (name, _) in enumerate(data)] + [("accuracy of g", "#888", "6,3")]
    for i, (name, colour, dash) in enumerate(entries):
        x = LEFT + i * 135
        parts.append(f'<line x1="{x}" x2="{x + 22}" y1="{legend_y - 4}" y2="{legend_y - 4}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
        parts.append(f'<text x="{x + 27}" y="{legend_y}">{name}</text>')
    parts.append("</svg>\n")
    with open(out, "w") as f:
        f.write("\n".join(parts))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
