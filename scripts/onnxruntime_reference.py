"""onnxruntime's outputs for the ONNX executor's reference tests (Tests/InvLabONNXTests/ONNXExecutorReferenceTests.swift).

    python3 scripts/onnxruntime_reference.py DIR

For every `NAME.onnx` in DIR with a `NAME_x.npy` beside it, runs the model on onnxruntime's CPU
provider with that input and writes its first output to `NAME_y.npy` (float32). Prints one line
per model and exits non-zero with a message on any failure.
"""
import os
import sys

import numpy as np
import onnxruntime


def main(directory):
    names = sorted(f[:-5] for f in os.listdir(directory) if f.endswith(".onnx"))
    if not names:
        sys.exit(f"no .onnx files in {directory}")
    for name in names:
        x = np.load(os.path.join(directory, f"{name}_x.npy")).astype(np.float32)
        session = onnxruntime.InferenceSession(os.path.join(directory, f"{name}.onnx"), providers=["CPUExecutionProvider"])
        y = session.run(None, {session.get_inputs()[0].name: x})[0].astype(np.float32)
        np.save(os.path.join(directory, f"{name}_y.npy"), y)
        print(f"{name}: {x.shape} -> {y.shape}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: onnxruntime_reference.py DIR")
    main(sys.argv[1])
