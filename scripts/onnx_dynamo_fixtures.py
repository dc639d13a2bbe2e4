"""PyTorch side of the dynamo-exporter fidelity test (Tests/InvLabONNXTests/ONNXDynamoFidelityTests.swift).

    python3 scripts/onnx_dynamo_fixtures.py DIR

The models of `onnx_fixtures.py` (same seeds, same random batch-norm statistics, same inputs, so
the same `NAME_x.npy`, `NAME_logits.npy` and `NAME_grad.npy` references) exported with PyTorch's
default exporter, `torch.onnx.export(..., dynamo=True)` (torch.export + onnxscript), with a free
batch dimension given as `dynamic_shapes` (a `torch.export.Dim`):

- `NAME_dynamo.onnx`: the exporter's defaults (opset 20 in torch 2.13, graph optimiser on, which
  folds BatchNormalization into the convolutions and removes the shape arithmetic);
- `NAME_dynamo_raw_opsetN.onnx` for N in 18, 20, 23: `optimize=False`, which keeps
  BatchNormalization and writes what the optimiser would remove: Reshape with allowzero 1, integer
  Reshape, Squeeze and Concat of the batch size, Expand and CastLike for zero convolution biases,
  Cast of an INT64 constant, ReduceMean with its axes as an input.

Models: `resnet`, `vgg`, `embedder`, `normed` (all of the above; `normed`'s `F.normalize` is ReduceL2,
Clip and an Expand to a shape computed from Shape), `zoo` (every setting, with a fixed batch:
its `reshape(BATCH, -1)` pins the batch) and `resnet18` (the defaults only; 11 M weights).

It prints one line per file with its operators and exits non-zero with a message on any failure.
"""
import collections
import os
import sys

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_fixtures as fixtures  # noqa: E402

RAW_OPSETS = [18, 20, 23]
DYNAMIC_BATCH = {"resnet", "vgg", "embedder", "normed", "resnet18", "mobile"}
RAW = {"resnet", "vgg", "embedder", "normed", "zoo", "mobile"}


def export(model, x, path, dynamic, **options):
    shapes = ({0: torch.export.Dim("batch", min=1, max=1024)},) if dynamic else None
    torch.onnx.export(model, (x,), path, dynamo=True, input_names=["x"], output_names=["logits"],
                      dynamic_shapes=shapes, verbose=False, **options)
    proto = onnx.load(path)
    counts = collections.Counter(node.op_type for node in proto.graph.node)
    print(f"{path}: opset {proto.opset_import[0].version}, {dict(sorted(counts.items()))}")


def main(directory):
    for index, (name, build, batch, shape, _) in enumerate(fixtures.MODELS):
        torch.manual_seed(100 + index)
        model = build()
        fixtures.randomize_batch_norm(model, torch.Generator().manual_seed(200 + index))
        model.eval()
        x = torch.rand((batch,) + shape, generator=torch.Generator().manual_seed(300 + index))
        x.requires_grad_(True)
        output = model(x)
        gradient, = torch.autograd.grad(fixtures.mi_face(output), x)
        np.save(os.path.join(directory, f"{name}_x.npy"), x.detach().numpy().astype(np.float32))
        np.save(os.path.join(directory, f"{name}_logits.npy"), output.detach().numpy().astype(np.float32))
        np.save(os.path.join(directory, f"{name}_grad.npy"), gradient.numpy().astype(np.float32))
        dynamic = name in DYNAMIC_BATCH
        export(model, x.detach(), os.path.join(directory, f"{name}_dynamo.onnx"), dynamic)
        if name in RAW:
            for opset in RAW_OPSETS:
                export(model, x.detach(), os.path.join(directory, f"{name}_dynamo_raw_opset{opset}.onnx"), dynamic,
                       optimize=False, opset_version=opset)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: onnx_dynamo_fixtures.py DIR")
    main(sys.argv[1])
