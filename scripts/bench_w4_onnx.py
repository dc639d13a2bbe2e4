"""W4 of `invlab bench`: a forward plus input-gradient step of an imported ResNet-18-style model.

    python3 scripts/bench_w4_onnx.py export PATH [--model resnet18|mobilenet]   # the model (ONNX, opset 17) and PATH.x.npy
    python3 scripts/bench_w4_onnx.py torch PATH [--model resnet18|mobilenet] [--steps 10 --warmup 2]

The model is scripts/onnx_fixtures.py's `resnet18` (the default): ResNet-18's layout for grey
112 x 92 faces and 40 identities (11 M weights), or `mobilenet`, its MobileNetV2 (depthwise
convolutions, ReLU6; 0.6 M weights); seeded, with random batch-norm statistics, in eval mode,
exported with the TorchScript exporter with BatchNormalization kept and a free batch dimension
(exactly as the fidelity test's fixture). One step is, for the batch of 40 images in PATH.x.npy
(uniform in [0, 1), seeded), the logits f(x), the MI-FACE objective
sum_i ||softmax(f(x)_i) - onehot(i)||^2 and its gradient with respect to x (weights frozen, no
weight gradient): what one attack iteration costs. `invlab bench --only W4 --onnx-model PATH`
times the same step on the same file and the same batch.

`torch` rebuilds the same module with the same seeds (so that PyTorch runs the very weights the
ONNX file holds) and prints one JSON line: steps/s, seconds, the objective and the gradient's
norm, which scripts/bench_compare.py sets beside invlab's as a check that both ran the same model.
Threads: 2 (OMP_NUM_THREADS etc. default to 2, as the references in ../shared/bench).
"""
import json
import os
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "2")

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_fixtures  # noqa: E402

BATCH = 40
SHAPE = (1, 112, 92)
SEED = 104  # onnx_fixtures' seeds for its fifth model, resnet18: 100 + 4, 200 + 4, 300 + 4


MODELS = {"resnet18": onnx_fixtures.ResNet18, "mobilenet": onnx_fixtures.MobileNetV2}


def build(name="resnet18"):
    torch.manual_seed(SEED)
    model = MODELS[name]()
    onnx_fixtures.randomize_batch_norm(model, torch.Generator().manual_seed(SEED + 100))
    return model.eval()


def batch():
    return torch.rand((BATCH,) + SHAPE, generator=torch.Generator().manual_seed(SEED + 200))


def export(path, name):
    model, x = build(name), batch()
    torch.onnx.export(model, (x,), path, opset_version=17, dynamo=False, do_constant_folding=False,
                      input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
    np.save(path + ".x.npy", x.numpy().astype(np.float32))
    print(json.dumps({"exported": path, "batch": BATCH, "shape": list(SHAPE)}))


def run_torch(path, steps, warmup, name):
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    model = build(name)
    model.requires_grad_(False)
    x0 = torch.from_numpy(np.load(path + ".x.npy"))

    def step():
        x = x0.clone().requires_grad_(True)
        loss = onnx_fixtures.mi_face(model(x))
        gradient, = torch.autograd.grad(loss, x)
        return loss, gradient

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        loss, gradient = step()
    seconds = time.perf_counter() - start
    print(json.dumps({"framework": "torch", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "steps": steps, "total_s": seconds, "steps_per_s": steps / seconds,
                      "loss": float(loss), "grad_norm": float(gradient.norm())}))


def main(argv):
    if len(argv) < 2 or argv[0] not in ("export", "torch"):
        sys.exit(__doc__)
    steps = int(argv[argv.index("--steps") + 1]) if "--steps" in argv else 10
    warmup = int(argv[argv.index("--warmup") + 1]) if "--warmup" in argv else 2
    name = argv[argv.index("--model") + 1] if "--model" in argv else "resnet18"
    if name not in MODELS:
        sys.exit(f"unknown --model {name!r}; expected one of {', '.join(MODELS)}")
    if argv[0] == "export":
        export(argv[1], name)
    else:
        run_torch(argv[1], steps, warmup, name)


if __name__ == "__main__":
    main(sys.argv[1:])
