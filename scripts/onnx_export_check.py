#!/usr/bin/env python3
"""The Python side of invlab's export tests (Tests/InvLabONNXTests/NetworkExportTests.swift).

    onnx_export_check.py onnx DIR NAME...
        for each NAME: checks DIR/NAME.onnx with onnx.checker (full check, shapes inferred), runs it
        in onnxruntime on DIR/NAME_x.npy and writes the logits to DIR/NAME_ort.npy. When
        DIR/NAME.json gives {"spec": {...}, "input_shape": [...], "classes": n}, also builds that
        module with invlab_torch.build, loads DIR/NAME.safetensors into it with
        load_state_dict(strict=True) and writes its eval-mode logits to DIR/NAME_torch.npy.
    onnx_export_check.py safetensors FILE
        loads FILE with safetensors.torch.load_file and prints one line per tensor: name and shape.

Exits non-zero with the reason on the first failure.
"""
import json
import os
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
        if os.path.exists(f"{directory}/{name}.json"):
            np.save(f"{directory}/{name}_torch.npy", torch_logits(directory, name, x))


def torch_logits(directory, name, x):
    import torch
    from safetensors.torch import load_file

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import invlab_torch

    with open(f"{directory}/{name}.json") as file:
        config = json.load(file)
    module = invlab_torch.build(config["spec"], config["input_shape"], config["classes"])
    state = load_file(f"{directory}/{name}.safetensors")
    # invlab stores num_batches_tracked as float32; PyTorch keeps it as int64.
    state = {k: (v.long() if k.endswith("num_batches_tracked") else v) for k, v in state.items()}
    module.load_state_dict(state, strict=True)
    module.eval()
    with torch.no_grad():
        return module(torch.from_numpy(x)).numpy().astype(np.float32)


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
