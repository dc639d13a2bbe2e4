"""Batched vs sequential model-inversion attacks, engine and PyTorch, in one run on one machine.

    swift build -c release --product invlab
    python3 scripts/batching_compare.py [--invlab .build/release/invlab] [--repeats 3] [--iterations 100]
                                        [--models softmax mlp cnn] [--size 112x92] [--json]

The engine side is `invlab bench --json --only batching`: 40 identities attacked for
`--iterations` steps as one batch and as 40 single-image attacks. The PyTorch side (2.13 CPU,
2 threads, eager autograd) runs the same attack on the same architectures: images 1 x H x W drawn
uniformly in [0, 1), loss = summed cross-entropy of the logits against the target class,
x <- clamp(x - 0.1 * grad, 0, 1). The engine's attack does more per step than this loop (it keeps
each row's best iterate, its loss history and its confidence, and checks for NaN), so the
comparison does not flatter the engine. Networks: softmax regression (Linear HW -> 40), MLP
(Linear HW -> 256, ReLU, Linear -> 40), CNN (Conv 3x3 32, ReLU, MaxPool 2, Conv 3x3 64, ReLU,
MaxPool 2, Linear -> 256, ReLU, Linear -> 40), weights random (the time does not depend on them).

For each of `--repeats` rounds the engine and PyTorch run once each, in alternating order, each
in a fresh process with 2 threads; figures are medians over rounds of the search seconds (the
attack loop alone, set-up excluded, on both sides). Printed per model: seconds batched and
sequential, the speed-up sequential / batched on each side, and the wall-time ratios
engine / PyTorch (<= 1: the engine is faster).
"""
import argparse
import json
import os
import statistics
import sys
import time

from bench_compare import REPO, RunError, json_lines, run

IDENTITIES = 40


def torch_network(name, height, width):
    import torch.nn as nn
    pixels = height * width
    if name == "softmax":
        return nn.Sequential(nn.Flatten(), nn.Linear(pixels, IDENTITIES))
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(pixels, 256), nn.ReLU(), nn.Linear(256, IDENTITIES))
    flat = 64 * (height // 4) * (width // 4)
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(flat, 256), nn.ReLU(), nn.Linear(256, IDENTITIES))


def torch_attack(model, targets, iterations, height, width, generator):
    """The attack loop; returns the seconds of the search alone."""
    import torch
    import torch.nn.functional as F
    x = torch.rand(len(targets), 1, height, width, generator=generator)
    labels = torch.tensor(targets)
    start = time.perf_counter()
    for _ in range(iterations):
        x.requires_grad_(True)
        loss = F.cross_entropy(model(x), labels, reduction="sum")
        (grad,) = torch.autograd.grad(loss, x)
        with torch.no_grad():
            x = (x - 0.1 * grad).clamp_(0, 1)
    return time.perf_counter() - start


def run_torch_child(args):
    """Runs in a fresh process: prints one JSON line per model."""
    import torch
    torch.set_num_threads(2)
    torch.manual_seed(1)
    height, width = args.height, args.width
    for name in args.models:
        model = torch_network(name, height, width).eval()
        for parameter in model.parameters():
            parameter.requires_grad_(False)
        generator = torch.Generator().manual_seed(1)
        torch_attack(model, list(range(IDENTITIES)), 3, height, width, generator)  # warm-up
        batched = torch_attack(model, list(range(IDENTITIES)), args.iterations, height, width, generator)
        sequential = sum(torch_attack(model, [identity], args.iterations, height, width, generator)
                         for identity in range(IDENTITIES))
        print(json.dumps({"model": name, "batched": batched, "sequential": sequential}), flush=True)


def run_torch(args):
    command = [sys.executable, os.path.abspath(__file__), "--torch-child", "--iterations", str(args.iterations),
               "--size", args.size, "--models", *args.models]
    return {row["model"]: (row["batched"], row["sequential"]) for row in json_lines(run(command))}


def run_engine(args):
    environment = dict(os.environ, INVLAB_THREADS=os.environ.get("INVLAB_THREADS", "2"))
    command = [args.invlab, "bench", "--json", "--only", "batching", "--batching-size", args.size,
               "--batching-iterations", str(args.iterations), "--batching-models", ",".join(args.models)]
    found = {row["workload"].removeprefix("batching-"): (row["batched_search_s"], row["sequential_search_s"])
             for row in json_lines(run(command, cwd=REPO, env=environment))}
    if set(found) != set(args.models):
        raise RunError(f"{' '.join(command)} printed results for {sorted(found)}, expected {sorted(args.models)}")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invlab", default=os.path.join(REPO, ".build/release/invlab"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--models", nargs="+", default=["softmax", "mlp", "cnn"], choices=["softmax", "mlp", "cnn"])
    parser.add_argument("--size", default="112x92", help="image height x width (one channel)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--torch-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    try:
        args.height, args.width = (int(part) for part in args.size.split("x"))
    except ValueError:
        sys.exit(f"batching_compare: --size must be HEIGHTxWIDTH, got {args.size!r}")
    if args.torch_child:
        run_torch_child(args)
        return
    if not os.access(args.invlab, os.X_OK):
        sys.exit(f"batching_compare: no invlab at {args.invlab}; run `swift build -c release --product invlab` first")
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.exit("batching_compare: PyTorch is missing (pip install torch==2.13.0+cpu)")
    engine_rounds, torch_rounds = [], []
    try:
        for round_index in range(args.repeats):
            order = [run_engine, run_torch] if round_index % 2 == 0 else [run_torch, run_engine]
            for runner in order:
                (engine_rounds if runner is run_engine else torch_rounds).append(runner(args))
    except RunError as error:
        sys.exit(f"batching_compare: {error}")
    rows = []
    for name in args.models:
        figures = {}
        for side, rounds in (("engine", engine_rounds), ("torch", torch_rounds)):
            figures[side + "_batched"] = statistics.median(r[name][0] for r in rounds)
            figures[side + "_sequential"] = statistics.median(r[name][1] for r in rounds)
        rows.append({"model": name, "size": args.size, **figures,
                     "engine_speedup": figures["engine_sequential"] / figures["engine_batched"],
                     "torch_speedup": figures["torch_sequential"] / figures["torch_batched"],
                     "ratio_batched": figures["engine_batched"] / figures["torch_batched"],
                     "ratio_sequential": figures["engine_sequential"] / figures["torch_sequential"]})
    if args.json:
        print(json.dumps({"iterations": args.iterations, "repeats": args.repeats, "rows": rows}, indent=1))
        return
    print(f"search seconds, {IDENTITIES} identities x {args.iterations} steps on 1x{args.size}, medians of {args.repeats}")
    print(f"{'model':<8} {'engine batched':>15} {'sequential':>11} {'speed-up':>9} {'torch batched':>14} "
          f"{'sequential':>11} {'speed-up':>9} {'engine/torch batched':>21} {'sequential':>11}")
    for row in rows:
        print(f"{row['model']:<8} {row['engine_batched']:>15.3f} {row['engine_sequential']:>11.3f} {row['engine_speedup']:>8.1f}x "
              f"{row['torch_batched']:>14.3f} {row['torch_sequential']:>11.3f} {row['torch_speedup']:>8.1f}x "
              f"{row['ratio_batched']:>21.2f} {row['ratio_sequential']:>11.2f}")


if __name__ == "__main__":
    main()
