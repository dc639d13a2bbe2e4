#!/usr/bin/env python3
"""The Python side of invlab's export tests (Tests/InvLabONNXTests/NetworkExportTests.swift).

    onnx_export_check.py onnx DIR NAME...
        for each NAME: checks DIR/NAME.onnx with onnx.checker (full check, shapes inferred), runs it
        in onnxruntime on DIR/NAME_x.npy and writes the logits to DIR/NAME_ort.npy.
    onnx_export_check.py safetensors FILE
        loads FILE with safetensors.torch.load_file and prints one line per tensor: name and shape.

Exits non-zero with the reason on the first failure.
"""
import sys

import numpy as np


def check_onnx(directory, names):
    import onnx
    import onnxruntime

    for name in names:
        path = f"{directory}/{name}.onnx"
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        x = np.load(f"{directory}/{name}_x.npy").astype(np.float32)
        (logits,) = session.run(["logits"], {"x": x})
        np.save(f"{directory}/{name}_ort.npy", logits.astype(np.float32))


def list_safetensors(path):
    from safetensors.torch import load_file

    for name, tensor in load_file(path).items():
        print(name, list(tensor.shape))


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "onnx":
        check_onnx(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 3 and sys.argv[1] == "safetensors":
        list_safetensors(sys.argv[2])
    else:
        sys.exit(__doc__)
