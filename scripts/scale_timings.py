#!/usr/bin/env python3
"""Timings of a sharded run directory: per-unit seconds (from units/<id>/state.json), the wall
time from the first unit's start to the merge's end, the merge time (last unit finished -> run.json
finished), and the time model for N nodes: prepare + ceil(units / N) x unit time + merge.

Usage: scripts/scale_timings.py RUN_DIR [--prepare SECONDS]
"""
import json, math, statistics, sys
from datetime import datetime
from pathlib import Path

def stamp(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))

def main():
    run = Path(sys.argv[1])
    prepare = float(sys.argv[sys.argv.index("--prepare") + 1]) if "--prepare" in sys.argv else 0.0
    layout = json.loads((run / "units.json").read_text())
    states = [json.loads((run / "units" / u["id"] / "state.json").read_text()) for u in layout["units"]]
    seconds = [s["seconds"] for s in states]
    first = min(stamp(s["started"]) for s in states)
    last = max(stamp(s["finished"]) for s in states)
    finished = stamp(json.loads((run / "run.json").read_text())["finished"])
    merge = (finished - last).total_seconds()
    wall = (finished - first).total_seconds()
    unit = statistics.mean(seconds)
    print(f"units {len(states)}, shards {layout['shards']}, chunk {layout.get('chunk')}")
    print(f"unit seconds: mean {unit:.1f}, min {min(seconds):.1f}, max {max(seconds):.1f}, sum {sum(seconds):.1f}")
    print(f"wall (first unit start -> merged): {wall:.1f} s; merge {merge:.1f} s; prepare {prepare:.1f} s")
    serial = prepare + merge
    total1 = prepare + sum(seconds) + merge
    print(f"parallel fraction (units / total on one node): {sum(seconds) / total1:.3f}; serial part {serial:.1f} s")
    for nodes in [1, 2, 4, 10, 27, 100]:
        model = prepare + math.ceil(len(states) / nodes) * unit + merge
        print(f"model N={nodes}: {model:.0f} s")

main()
