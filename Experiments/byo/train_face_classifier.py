#!/usr/bin/env python3
"""Train a small face classifier in PyTorch and export it to ONNX, for invlab to attack.

The worked example of the README's "Attack your own model". It stands for a model you trained
yourself: a small ResNet (convolutions, BatchNorm, residual additions, dropout, a linear head)
trained on the private training faces that `invlab data export` wrote for a spec, in that spec's
class order, then exported with torch.onnx.export with a free batch dimension. invlab's judges,
metrics and defenses use the same split, so the attack's success is measured against the faces
this model was trained on.

    invlab data export Experiments/byo/attack_my_model.yaml --out runs/byo/faces.safetensors
    python3 Experiments/byo/train_face_classifier.py --data runs/byo/faces.safetensors
    invlab run Experiments/byo/attack_my_model.yaml

The model reads images normalised as (x - 0.5) / 0.5 (x in [0, 1]), which the spec's
`input: {mean: [0.5], std: [0.5]}` tells invlab. Training is seeded and single-threaded, so a
rerun on the same machine and PyTorch version writes the same file (its SHA-256 is printed).
Needs torch, safetensors, onnx and onnxruntime (python3 -m pip install torch safetensors onnx
onnxruntime).
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np


def parse_arguments():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="the .safetensors file of `invlab data export`")
    parser.add_argument("--out", default=os.path.join(here, "face_classifier.onnx"),
                        help="the ONNX file to write (default: face_classifier.onnx beside this script, where the spec looks)")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--width", type=int, default=32, help="channels of the first stage (the second has twice as many)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dynamo", action="store_true",
                        help="export with PyTorch's default torch.export-based exporter (needs onnxscript; the weights go to "
                             "OUT.data beside OUT) instead of the TorchScript one")
    return parser.parse_args()


def build_model(torch, channels, classes, width):
    """A small ResNet: stem, two stages of one residual block each, global pooling, dropout, linear."""
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self, inputs, outputs, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(outputs)
            self.conv2 = nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(outputs)
            self.shortcut = nn.Sequential()
            if stride != 1 or inputs != outputs:
                self.shortcut = nn.Sequential(nn.Conv2d(inputs, outputs, 1, stride, bias=False), nn.BatchNorm2d(outputs))

        def forward(self, x):
            y = torch.relu(self.bn1(self.conv1(x)))
            return torch.relu(self.bn2(self.conv2(y)) + self.shortcut(x))

    class FaceClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(channels, width, 5, 2, 2, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
                                      nn.MaxPool2d(2))
            self.stage1 = Block(width, width, 1)
            self.stage2 = Block(width, 2 * width, 2)
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.dropout = nn.Dropout(0.3)
            self.head = nn.Linear(2 * width, classes)

        def forward(self, x):
            x = self.stage2(self.stage1(self.stem(x)))
            return self.head(self.dropout(torch.flatten(self.pool(x), 1)))

    return FaceClassifier()


def shifted(torch, images, generator, limit=4):
    """Each image moved by up to `limit` pixels in x and y (edge pixels repeated): augmentation."""
    padded = torch.nn.functional.pad(images, (limit, limit, limit, limit), mode="replicate")
    height, width = images.shape[2], images.shape[3]
    out = torch.empty_like(images)
    offsets = torch.randint(0, 2 * limit + 1, (images.shape[0], 2), generator=generator)
    for i, (dy, dx) in enumerate(offsets.tolist()):
        out[i] = padded[i, :, dy:dy + height, dx:dx + width]
    return out


def main():
    arguments = parse_arguments()
    try:
        import torch
        from safetensors.numpy import load_file
        from safetensors import safe_open
    except ImportError as error:
        sys.exit(f"error: {error}; install with: python3 -m pip install torch safetensors onnx onnxruntime")
    torch.manual_seed(arguments.seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    tensors = load_file(arguments.data)
    with safe_open(arguments.data, framework="np") as handle:
        metadata = handle.metadata()
    names = json.loads(metadata["class_names"])
    if metadata.get("synthetic") == "true":
        print("note: these are SYNTHETIC faces, not real people")

    def split(name):
        images = torch.from_numpy(tensors[name + ".images"])
        labels = torch.from_numpy(tensors[name + ".labels"].astype(np.int64))
        return (images - 0.5) / 0.5, labels

    train_x, train_y = split("private_train")
    test_x, test_y = split("private_test") if "private_test.images" in tensors else (None, None)
    channels, classes = train_x.shape[1], len(names)
    print(f"training on {len(train_y)} faces of {classes} people, images {tuple(train_x.shape[1:])}, from {metadata.get('source')}")

    model = build_model(torch, channels, classes, arguments.width)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    generator = torch.Generator().manual_seed(arguments.seed)
    for epoch in range(arguments.epochs):
        model.train()
        order = torch.randperm(len(train_y), generator=generator)
        total = 0.0
        for start in range(0, len(order), 32):
            batch = order[start:start + 32]
            loss = torch.nn.functional.cross_entropy(model(shifted(torch, train_x[batch], generator)), train_y[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        if (epoch + 1) % 10 == 0 or epoch + 1 == arguments.epochs:
            print(f"epoch {epoch + 1}: training loss {total / len(train_y):.4f}")

    model.eval()
    with torch.no_grad():
        train_accuracy = (model(train_x).argmax(1) == train_y).float().mean().item()
        print(f"accuracy: training {train_accuracy:.3f}", end="")
        if test_x is not None:
            print(f", private test {(model(test_x).argmax(1) == test_y).float().mean().item():.3f} ({len(test_y)} faces)", end="")
        print()

    out = os.path.abspath(arguments.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    example = train_x[:2]
    partial = out + ".partial"
    if arguments.dynamo:
        # The default exporter; it keeps the weights in a second file, named after the first.
        partial = out + ".partial.onnx"
        torch.onnx.export(model, (example,), partial, input_names=["x"], output_names=["logits"],
                          dynamic_shapes=({0: torch.export.Dim("batch")},), dynamo=True)
    else:
        import warnings
        # The TorchScript exporter is deprecated in favour of --dynamo, and says so; both are tested.
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        torch.onnx.export(model, (example,), partial, input_names=["x"], output_names=["logits"],
                          dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}}, opset_version=17, dynamo=False)

    # The exported file must compute what the model computes, at a batch size it was not traced with.
    import onnxruntime
    probe = test_x[:5] if test_x is not None else train_x[:5]
    session = onnxruntime.InferenceSession(partial, providers=["CPUExecutionProvider"])
    exported = session.run(None, {"x": probe.numpy()})[0]
    with torch.no_grad():
        reference = model(probe).numpy()
    error = float(np.abs(exported - reference).max() / max(np.abs(reference).max(), 1e-12))
    if not error < 1e-4:
        sys.exit(f"error: onnxruntime's logits differ from PyTorch's by {error:.2e} (relative); {partial} kept for inspection")
    if arguments.dynamo:
        # Re-save under the final name, so that the external data file is named after it.
        import onnx
        model_proto = onnx.load(partial)
        onnx.save(model_proto, out, save_as_external_data=True, location=os.path.basename(out) + ".data")
        for leftover in (partial, partial + ".data"):
            if os.path.exists(leftover):
                os.remove(leftover)
    else:
        os.replace(partial, out)
    digest = hashlib.sha256(open(out, "rb").read()).hexdigest()
    print(f"wrote {out} ({os.path.getsize(out)} bytes, sha256 {digest}); onnxruntime agrees with PyTorch to {error:.1e}")
    print(f"input: N x {channels} x {train_x.shape[2]} x {train_x.shape[3]}, (x - 0.5) / 0.5; output: logits of {classes} classes")


if __name__ == "__main__":
    main()
