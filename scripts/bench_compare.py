"""Engine vs PyTorch (and NumPy, JAX) on the reference workloads W0-W3, in one run on one machine.

    python3 scripts/bench_compare.py [--invlab .build/release/invlab] [--reference-dir ../shared/bench]
                                     [--repeats 3] [--workloads W1 W2] [--frameworks torch numpy jax]
                                     [--params] [--json]

The reference scripts (`w0_peak_gemm.py` ... `w3_cnn_train.py`, see their README.md) and
`invlab bench --json --only WN` are run alternately, workload by workload: for each workload and
each of `--repeats` rounds, the engine and every reference framework run once each (the order
flips every round), so that the machine's noise hits all of them alike. Each figure is the
median over the rounds. Every run is a fresh process with 2 threads (the references fix 2; the
engine gets INVLAB_THREADS=2 unless the environment sets it).

The table gives, per workload, the engine's and each reference's throughput (GFLOP/s, steps/s,
images/s) and the wall-time ratio engine / PyTorch = PyTorch throughput / engine throughput:
<= 1.0 means the engine is at least as fast as PyTorch. `--json` prints one JSON object instead.

`--params` first writes the references' exact weights and training batches with
`dump_params.py DIR` (a temporary directory, or `--params-dir DIR`) and passes `--params DIR` to
`invlab bench`, so that both sides use identical networks; it then also prints the start and end
losses side by side with the values the README lists, as a correctness cross-check, and exits
with status 2 if the engine's losses disagree with PyTorch's beyond float32 tolerance.

`--workloads W4` (not in the default set) times one forward plus input-gradient step of an
imported ONNX model: scripts/bench_w4_onnx.py first exports ResNet-18's layout (or with
`--w4-model mobilenet` MobileNetV2's) at 112 x 92 grey
with 40 classes and a batch of 40 images (to `--params-dir` or a temporary directory), then
`invlab bench --only W4 --onnx-model FILE` and `bench_w4_onnx.py torch FILE` alternate as above
(PyTorch only); the table adds both sides' objective and gradient norm as a check that they ran
the same model, and the engine's OpenBLAS kernel.

Frameworks whose Python package is missing are left out with a note (`pip install
torch==2.13.0+cpu`, `pip install jax jaxlib threadpoolctl`).
"""
import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPTS = {"W0": "w0_peak_gemm.py", "W1": "w1_mlp_attack.py", "W2": "w2_cnn_attack.py", "W3": "w3_cnn_train.py"}
# W4's reference lives in this repository (it exports the ONNX model both sides run).
W4_SCRIPT = os.path.join(REPO, "scripts", "bench_w4_onnx.py")
# Framework variants each reference script offers (`--fw NAME`).
VARIANTS = {"W0": {"numpy", "torch", "jax"}, "W1": {"numpy", "torch", "jax", "jax_loop"},
            "W2": {"numpy", "torch", "jax", "jax_rpool"}, "W3": {"numpy", "torch", "jax", "jax_rpool"}, "W4": {"torch"}}
UNITS = {"W0": "GFLOP/s", "W1": "steps/s", "W2": "steps/s", "W3": "images/s", "W4": "steps/s"}
# Loss figures per workload: (label, engine JSON key, reference JSON key or None).
LOSSES = {"W1": [("start", "start_loss", "initial_mean_loss"), ("end", "end_loss", "final_mean_loss")],
          "W2": [("start", "start_loss", None), ("end", "end_loss", "final_mean_loss")],
          "W3": [("first", "first_loss", "loss_first"), ("last", "last_loss", "loss_last")]}
# The values ../shared/bench/README.md lists for the dumped weights (a range where frameworks differ).
README_LOSSES = {("W1", "start"): (0.983085, 0.983085), ("W1", "end"): (1.2594, 1.2599),
                 ("W2", "start"): (0.987789, 0.987789), ("W2", "end"): (1.2540, 1.2553),
                 ("W3", "first"): (6.870026, 6.870026), ("W3", "last"): (3.684, 3.693)}
# Relative agreement expected between the engine's and PyTorch's losses with identical weights:
# the first value is one float32 evaluation; the last follows hundreds of steps (README's spread).
LOSS_TOLERANCE = {"start": 1e-4, "first": 1e-4, "end": 2e-3, "last": 5e-3}


class RunError(Exception):
    pass


def json_lines(text):
    """Every line of `text` that parses as a JSON object (the engine prints non-finite numbers
    as `nan`, `inf`; they are read as NaN and Infinity)."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        line = re.sub(r"(?<=[:\[,]) *(-?)(nan|inf)\b", lambda m: " " + ("NaN" if m.group(2) == "nan" else m.group(1) + "Infinity"), line)
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return out


def run(command, cwd=None, env=None):
    p = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise RunError(f"{' '.join(command)} exited with {p.returncode}: {(p.stderr or p.stdout).strip()[-600:]}")
    return p.stdout


def run_engine(invlab, workload, params_dir, onnx_model=None):
    """{row: record} from one `invlab bench --json --only WN` (rows W0/1024, W0/2048 or WN)."""
    env = dict(os.environ)
    env.setdefault("INVLAB_THREADS", "2")
    command = [invlab, "bench", "--json", "--only", workload] + (["--params", params_dir] if params_dir else [])
    if workload == "W4":
        command = [invlab, "bench", "--json", "--only", "W4", "--onnx-model", onnx_model]
    records = [r for r in json_lines(run(command, env=env)) if r.get("workload") == workload]
    if not records:
        raise RunError(f"{' '.join(command)} printed no JSON line for {workload}")
    if workload == "W0":
        return {f"W0/{int(r['n'])}": {"value": float(r["value"]), **r} for r in records}
    return {workload: {"value": float(records[-1]["value"]), **records[-1]}}


def run_reference(reference_dir, workload, framework, onnx_model=None, w4_model="resnet18"):
    """{row: record} from one `python3 wN_....py --fw FRAMEWORK`, values in the engine's units."""
    if workload == "W4":
        records = json_lines(run([sys.executable, W4_SCRIPT, framework, onnx_model, "--model", w4_model]))
        if not records:
            raise RunError(f"bench_w4_onnx.py {framework} printed no JSON line")
        return {"W4": {"value": float(records[-1]["steps_per_s"]), **records[-1]}}
    script = SCRIPTS[workload]
    records = json_lines(run([sys.executable, script, "--fw", framework], cwd=reference_dir))
    if not records:
        raise RunError(f"{script} --fw {framework} printed no JSON line")
    r = records[-1]
    if workload == "W0":
        return {f"W0/{s['n']}": {"value": float(s["gflops_median"]), **s} for s in r["sizes"]}
    key = "images_per_s" if workload == "W3" else "steps_per_s"
    return {workload: {"value": float(r[key]), **r}}


def installed(module):
    return subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


def median(values):
    return statistics.median(values) if values else None


def measure(args, frameworks, params_dir, log, onnx_model=None):
    """{row: {source: [records]}} over all rounds, engine and references alternating."""
    samples = {}
    errors = {}
    for workload in args.workloads:
        sources = ["engine"] + [f for f in frameworks if f in VARIANTS[workload]]
        for round_index in range(args.repeats):
            order = sources if round_index % 2 == 0 else list(reversed(sources))
            for source in order:
                if source in errors.get(workload, {}):
                    continue
                log(f"{workload} round {round_index + 1}/{args.repeats}: {source}")
                try:
                    rows = (run_engine(args.invlab, workload, params_dir, onnx_model) if source == "engine"
                            else run_reference(args.reference_dir, workload, source, onnx_model, args.w4_model))
                except (RunError, KeyError, ValueError, OSError) as error:
                    errors.setdefault(workload, {})[source] = str(error)
                    log(f"  failed: {error}")
                    continue
                for row, record in rows.items():
                    samples.setdefault(row, {}).setdefault(source, []).append(record)
    return samples, errors


def summarize(samples, frameworks):
    rows = []
    for row, by_source in samples.items():
        workload = row.split("/")[0]
        entry = {"workload": row, "unit": UNITS[workload], "runs": {}}
        for source, records in by_source.items():
            values = [r["value"] for r in records]
            entry["runs"][source] = {"median": median(values), "min": min(values), "max": max(values), "n": len(values)}
        engine = entry["runs"].get("engine", {}).get("median")
        # Throughput units: time ratio engine/reference = reference throughput / engine throughput.
        entry["time_ratio"] = {f: entry["runs"][f]["median"] / engine for f in frameworks
                               if f in entry["runs"] and engine}
        entry["losses"] = losses(workload, by_source)
        if workload == "W4":
            entry["check"] = {source: {key: median([float(r[key]) for r in records if key in r])
                                       for key in ("loss", "grad_norm")} for source, records in by_source.items()}
        kernels = sorted({r["blas_kernel"] for r in by_source.get("engine", []) if "blas_kernel" in r})
        if kernels:
            entry["engine_blas_kernel"] = ", ".join(kernels)
        rows.append(entry)
    return rows


def losses(workload, by_source):
    """Median start/end losses per source, with the README's values and an agreement check."""
    out = []
    for label, engine_key, reference_key in LOSSES.get(workload, []):
        item = {"loss": label, "readme": README_LOSSES[(workload, label)]}
        for source, records in by_source.items():
            key = engine_key if source == "engine" else reference_key
            values = [float(r[key]) for r in records if key and key in r]
            if values:
                item[source] = median(values)
        out.append(item)
    return out


def loss_agrees(workload, item):
    """Engine vs PyTorch (or the README's range where PyTorch does not report the value)."""
    if "engine" not in item:
        return None
    engine = item["engine"]
    if not math.isfinite(engine):
        return False
    tolerance = LOSS_TOLERANCE[item["loss"]]
    # `invlab bench --json` prints details with 4 significant digits: allow half a unit of the last.
    rounding = 0.5 * 10 ** (math.floor(math.log10(abs(engine))) - 3) if engine else 0
    if "torch" in item:
        return abs(engine - item["torch"]) <= tolerance * abs(item["torch"]) + rounding
    low, high = item["readme"]
    return low * (1 - tolerance) - rounding <= engine <= high * (1 + tolerance) + rounding


def fmt(value, digits=4):
    if value is None:
        return "-"
    return f"{value:.{digits}g}" if abs(value) < 1e5 else f"{value:.0f}"


def print_table(rows, frameworks, errors, with_losses):
    shown = [f for f in frameworks if any(f in r["runs"] for r in rows)]
    header = ["workload", "unit", "engine"] + shown + [f"engine/{f}" for f in shown]
    lines = [header]
    for r in rows:
        line = [r["workload"], r["unit"], fmt(r["runs"].get("engine", {}).get("median"))]
        line += [fmt(r["runs"].get(f, {}).get("median")) for f in shown]
        line += [fmt(r["time_ratio"].get(f), 3) for f in shown]
        lines.append(line)
    widths = [max(len(str(l[i])) for l in lines) for i in range(len(header))]
    for l in lines:
        print("  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(l, widths))))
    print("(medians of the rounds; engine/X = wall-time ratio = X's throughput / the engine's: "
          "<= 1 means the engine is at least as fast as X)")
    kernels = sorted({r["engine_blas_kernel"] for r in rows if "engine_blas_kernel" in r})
    if kernels:
        print(f"engine OpenBLAS kernel: {', '.join(kernels)}")
    for r in rows:
        if "check" in r:
            print(f"{r['workload']} check (same model and batch): " + "; ".join(
                f"{source} loss {fmt(values['loss'], 7)} grad_norm {fmt(values['grad_norm'], 7)}"
                for source, values in r["check"].items()))
    disagree = False
    if with_losses:
        print("\nlosses with identical weights (--params):")
        lines = [["workload", "loss", "engine"] + shown + ["README", "check"]]
        for r in rows:
            for item in r["losses"]:
                low, high = item["readme"]
                readme = f"{low:.7g}" if low == high else f"{low:.7g}-{high:.7g}"
                ok = loss_agrees(r["workload"], item)
                disagree |= ok is False
                lines.append([r["workload"], item["loss"], fmt(item.get("engine"), 7)]
                             + [fmt(item.get(f), 7) for f in shown] + [readme, {True: "ok", False: "DIFFERS", None: "-"}[ok]])
        widths = [max(len(str(l[i])) for l in lines) for i in range(len(lines[0]))]
        for l in lines:
            print("  ".join(str(c).ljust(w) for c, w in zip(l, widths)))
    for workload, failed in errors.items():
        for source, message in failed.items():
            print(f"{workload} {source}: FAILED: {message}")
    return disagree


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--invlab", default=os.path.join(REPO, ".build/release/invlab"),
                        help="the invlab binary (default: .build/release/invlab in this repository)")
    parser.add_argument("--reference-dir", default=os.path.join(os.path.dirname(REPO), "shared/bench"),
                        help="directory of the reference scripts (default: ../shared/bench beside this repository)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds per workload; figures are medians (default 3)")
    parser.add_argument("--workloads", nargs="+", default=["W0", "W1", "W2", "W3"], type=str.upper,
                        choices=["W0", "W1", "W2", "W3", "W4"])
    parser.add_argument("--w4-model", default="resnet18", choices=["resnet18", "mobilenet"],
                        help="W4's model: ResNet-18's layout (default) or MobileNetV2's (depthwise convolutions)")
    parser.add_argument("--frameworks", nargs="+", default=["torch", "numpy", "jax"],
                        help="reference variants to run (torch, numpy, jax, jax_loop, jax_rpool); default torch numpy jax")
    parser.add_argument("--params", action="store_true",
                        help="use the references' exact weights (dump_params.py) and compare losses")
    parser.add_argument("--params-dir", help="where --params writes the weights (default: a temporary directory, removed after)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    args.invlab = os.path.abspath(args.invlab)
    args.reference_dir = os.path.abspath(args.reference_dir)
    if not os.access(args.invlab, os.X_OK):
        parser.error(f"no invlab binary at {args.invlab}; build it with `swift build -c release --product invlab` or pass --invlab")
    missing = [s for s in SCRIPTS.values() if not os.path.isfile(os.path.join(args.reference_dir, s))]
    if missing:
        parser.error(f"{args.reference_dir} lacks the reference scripts {', '.join(missing)}; pass --reference-dir")

    def log(message):
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    frameworks = []
    for f in dict.fromkeys(args.frameworks):
        module = f.split("_")[0]
        if module not in ("numpy", "torch", "jax"):
            parser.error(f"unknown framework {f!r}; expected torch, numpy, jax, jax_loop or jax_rpool")
        if installed(module):
            frameworks.append(f)
        else:
            log(f"note: {module} is not installed for {sys.executable}; {f} is left out")

    params_dir, temporary, onnx_model, onnx_temporary = None, None, None, None
    if "W4" in args.workloads:
        onnx_dir = args.params_dir or tempfile.mkdtemp(prefix="invlab-bench-onnx-")
        onnx_temporary = None if args.params_dir else onnx_dir
        os.makedirs(onnx_dir, exist_ok=True)
        onnx_model = os.path.join(os.path.abspath(onnx_dir), f"{args.w4_model}_w4.onnx")
        log(f"exporting W4's model to {onnx_model}")
        try:
            run([sys.executable, W4_SCRIPT, "export", onnx_model, "--model", args.w4_model])
        except RunError as error:
            sys.exit(f"bench_compare: {error}")
    if args.params:
        params_dir = args.params_dir or tempfile.mkdtemp(prefix="invlab-bench-params-")
        temporary = None if args.params_dir else params_dir
        params_dir = os.path.abspath(params_dir)
        log(f"writing the reference weights to {params_dir}")
        try:
            run([sys.executable, "dump_params.py", params_dir], cwd=args.reference_dir)
        except RunError as error:
            sys.exit(f"bench_compare: {error}")
    try:
        samples, errors = measure(args, frameworks, params_dir, log, onnx_model)
    finally:
        for directory in (temporary, onnx_temporary):
            if directory:
                shutil.rmtree(directory, ignore_errors=True)
    rows = summarize(samples, frameworks)
    if args.json:
        disagree = args.params and any(loss_agrees(r["workload"], i) is False for r in rows for i in r["losses"])
        print(json.dumps({"invlab": args.invlab, "reference_dir": args.reference_dir, "repeats": args.repeats,
                          "params": args.params, "frameworks": frameworks, "rows": rows,
                          "losses_agree": None if not args.params else not disagree, "errors": errors}))
    else:
        disagree = print_table(rows, frameworks, errors, args.params)
    if errors:
        return 1
    return 2 if args.params and disagree else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
