"""PyTorch side of the engine <-> PyTorch interop test (Tests/InvLabNNTests/Interop).

    python3 scripts/interop_check.py DIR

DIR holds `config.json`, written by the Swift test:

    {"models": [{"name": "cnn", "spec": {"type": "cnn", ...}, "input_shape": [3, 16, 16],
                 "classes": 5, "batch": 2, "seed": 1}, ...]}

For every model this script

1. builds the module with `invlab_torch.build` (seeded), gives its batch-norm layers random
   non-trivial statistics and affine parameters (so that a swapped or misnamed buffer shows),
   switches to eval mode and writes `NAME.safetensors` (`safetensors.torch.save_file` of the
   state_dict, so `num_batches_tracked` is int64 as in any PyTorch file);
2. draws a batch of random images in [0, 1) and writes `NAME_x.npy`, the logits `NAME_logits.npy`
   and the gradient with respect to the images of the MI-FACE objective
   sum_i ||softmax(f(x_i)) - onehot(i mod classes)||^2 as `NAME_grad.npy` (float32 throughout);
3. if the engine wrote `NAME_engine.safetensors` (`Network.save(to:)`), loads it into a fresh
   module with `load_state_dict(strict=True)` and writes that module's eval-mode logits on the
   same images as `NAME_engine_logits.npy`.

It prints one line per model and exits non-zero with a message on any failure (a strict-load
mismatch included), so the Swift test can report it.
"""
import json
import os
import sys

import numpy as np
import safetensors.torch
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import invlab_torch  # noqa: E402


def randomize_batch_norm(model, generator):
    """Random gamma, beta, running mean and variance for every BatchNorm2d."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                n = module.num_features
                module.weight.copy_(0.5 + torch.rand(n, generator=generator))
                module.bias.copy_(0.2 * torch.randn(n, generator=generator))
                module.running_mean.copy_(0.2 * torch.randn(n, generator=generator))
                module.running_var.copy_(0.5 + 1.5 * torch.rand(n, generator=generator))
                module.num_batches_tracked.fill_(7)


def mi_face_objective(logits, classes):
    """sum_i ||softmax(z_i) - onehot(i mod classes)||^2."""
    targets = torch.arange(logits.shape[0]) % classes
    onehot = torch.nn.functional.one_hot(targets, classes).to(logits.dtype)
    return ((torch.softmax(logits, dim=1) - onehot) ** 2).sum()


def check(directory, entry):
    name, classes = entry["name"], entry["classes"]
    shape = [entry["batch"]] + list(entry["input_shape"])
    torch.manual_seed(entry["seed"])
    generator = torch.Generator().manual_seed(entry["seed"] + 1000)
    model = invlab_torch.build(entry["spec"], entry["input_shape"], classes)
    randomize_batch_norm(model, generator)
    model.eval()
    safetensors.torch.save_file(model.state_dict(), os.path.join(directory, f"{name}.safetensors"))

    x = torch.rand(shape, generator=generator, dtype=torch.float32).requires_grad_(True)
    logits = model(x)
    mi_face_objective(logits, classes).backward()
    np.save(os.path.join(directory, f"{name}_x.npy"), x.detach().numpy())
    np.save(os.path.join(directory, f"{name}_logits.npy"), logits.detach().numpy())
    np.save(os.path.join(directory, f"{name}_grad.npy"), x.grad.numpy())
    report = f"{name}: exported {len(model.state_dict())} tensors"

    engine_file = os.path.join(directory, f"{name}_engine.safetensors")
    if os.path.exists(engine_file):
        reloaded = invlab_torch.build(entry["spec"], entry["input_shape"], classes)
        reloaded.load_state_dict(safetensors.torch.load_file(engine_file), strict=True)
        reloaded.eval()
        with torch.no_grad():
            engine_logits = reloaded(x.detach())
        np.save(os.path.join(directory, f"{name}_engine_logits.npy"), engine_logits.numpy())
        report += "; loaded the engine's file strictly"
    print(report)


def main(argv):
    if len(argv) != 1:
        sys.exit("usage: interop_check.py DIR (DIR/config.json lists the models)")
    directory = argv[0]
    torch.set_num_threads(1)
    with open(os.path.join(directory, "config.json")) as f:
        config = json.load(f)
    for entry in config["models"]:
        try:
            check(directory, entry)
        except Exception as error:  # report which model failed, then fail the run
            sys.exit(f"{entry.get('name', '?')}: {type(error).__name__}: {error}")


if __name__ == "__main__":
    main(sys.argv[1:])
