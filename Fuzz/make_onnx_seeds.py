#!/usr/bin/env python3
"""Writes the seed corpus of the `onnx` fuzz target in Fuzz/seeds/onnx/: a few tiny valid models
(every supported operator family, small enough for -max_len) and hostile ones, named
`hostile-*`, that the loader or the executor must refuse with an ONNXError (truncated, wrong
types, huge dimensions, a cycle, an unknown operator, an unsupported opset, external data).

Needs the `onnx` Python package (as scripts/onnx_fixtures.py does). Deterministic; the files are
checked in, so this only needs re-running to add seeds. Usage: python3 Fuzz/make_onnx_seeds.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds", "onnx")
FLOAT = TensorProto.FLOAT


def weights(name, shape, seed):
    values = np.random.default_rng(seed).uniform(-1, 1, size=shape).astype(np.float32)
    return numpy_helper.from_array(values, name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def raw_tensor(name, data_type, dims):
    """A TensorProto with the given header and no data (make_tensor checks the size; hostile ones must not)."""
    tensor = TensorProto()
    tensor.name, tensor.data_type = name, data_type
    tensor.dims.extend(dims)
    return tensor


def model(nodes, inputs, outputs, initializers=(), opset=17):
    graph = helper.make_graph(nodes, "seed",
                              [helper.make_tensor_value_info(n, FLOAT, s) for n, s in inputs],
                              [helper.make_tensor_value_info(n, FLOAT, None) for n in outputs],
                              list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=8,
                             producer_name="make_onnx_seeds")


def write(name, proto_or_bytes):
    os.makedirs(ROOT, exist_ok=True)
    data = proto_or_bytes if isinstance(proto_or_bytes, bytes) else proto_or_bytes.SerializeToString()
    with open(os.path.join(ROOT, name), "wb") as handle:
        handle.write(data)
    return data


def valid():
    make = helper.make_node
    cnn = model([
        make("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], strides=[1, 1]),
        make("Relu", ["c1"], ["r1"]),
        make("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        make("Conv", ["p1", "w2"], ["c2"], group=2, dilations=[1, 1], pads=[0, 0, 0, 0]),
        make("AveragePool", ["c2"], ["p2"], kernel_shape=[1, 1]),
        make("Flatten", ["p2"], ["f"], axis=1),
        make("Gemm", ["f", "w3", "b3"], ["logits"], transB=1),
        make("Softmax", ["logits"], ["y"], axis=-1),
    ], [("x", ["N", 1, 6, 5])], ["y"],
        [weights("w1", [2, 1, 3, 3], 1), weights("b1", [2], 2), weights("w2", [2, 1, 2, 2], 3),
         weights("w3", [3, 4], 4), weights("b3", [3], 5)])
    write("cnn-softmax.onnx", cnn)

    residual = model([
        make("BatchNormalization", ["x", "s", "bias", "mean", "var"], ["bn"], epsilon=1e-5),
        make("PRelu", ["bn", "slope"], ["pr"]),
        make("Add", ["pr", "x"], ["sum"]),
        make("GlobalAveragePool", ["sum"], ["g"]),
        make("Reshape", ["g", "shape"], ["flat"]),
        make("MatMul", ["flat", "m"], ["mm"]),
        make("Dropout", ["mm"], ["d"]),
        make("Identity", ["d"], ["id"]),
        make("LogSoftmax", ["id"], ["y"], axis=1),
    ], [("x", [2, 2, 3, 3])], ["y"],
        [weights("s", [2], 6), weights("bias", [2], 7), weights("mean", [2], 8),
         numpy_helper.from_array(np.array([0.5, 2.0], dtype=np.float32), "var"),
         weights("slope", [2, 1, 1], 9), ints("shape", [2, -1]), weights("m", [2, 4], 10)], opset=13)
    write("residual-batchnorm.onnx", residual)

    embedder = model([
        make("Constant", [], ["two"], value=helper.make_tensor("two", FLOAT, [], [2.0])),
        make("Transpose", ["x"], ["t"], perm=[1, 0]),
        make("Sub", ["t", "two"], ["a"]),
        make("Mul", ["a", "t"], ["b"]),
        make("Div", ["b", "two"], ["c"]),
        make("Sigmoid", ["c"], ["s"]),
        make("Tanh", ["a"], ["h"]),
        make("LeakyRelu", ["b"], ["l"], alpha=0.1),
        make("Concat", ["s", "h", "l"], ["cat"], axis=0),
        make("Clip", ["cat", "lo", "hi"], ["clip"]),
        make("Pad", ["clip", "pads"], ["pad"], mode="constant"),
        make("Pow", ["pad", "two"], ["sq"]),
        make("ReduceMean", ["sq"], ["mean"], axes=[1], keepdims=1),
        make("Sqrt", ["mean"], ["norm"]),
        make("Div", ["pad", "norm"], ["y"]),
    ], [("x", [2, 3])], ["y"],
        [numpy_helper.from_array(np.array(-0.5, dtype=np.float32), "lo"),
         numpy_helper.from_array(np.array(0.75, dtype=np.float32), "hi"), ints("pads", [0, 1, 0, 1])], opset=17)
    write("elementwise-l2norm.onnx", embedder)
    return cnn


def short_tensor():
    tensor = raw_tensor("w", FLOAT, [2, 2])
    tensor.raw_data = b"\x00\x00\x80\x3f"
    return tensor


def hostile(cnn):
    make = helper.make_node
    data = cnn.SerializeToString()
    write("hostile-truncated.onnx", data[: len(data) * 2 // 3])
    write("hostile-empty.onnx", b"")
    write("hostile-not-protobuf.onnx", b"\x08\x08\x12\xff\xff\xff\xff\x0fgarbage")

    huge = model([make("Add", ["x", "big"], ["y"])], [("x", [1, 4])], ["y"],
                 [raw_tensor("big", FLOAT, [1 << 40, 1 << 30])])
    write("hostile-huge-initializer.onnx", huge)
    write("hostile-huge-input.onnx", model([make("Relu", ["x"], ["y"])], [("x", [1 << 20, 1 << 20])], ["y"]))
    write("hostile-negative-dimension.onnx",
          model([make("Relu", ["x"], ["y"])], [("x", [2])], ["y"], [raw_tensor("w", FLOAT, [-3])]))

    wrong_type = model([make("Conv", ["x", "w"], ["y"])], [("x", [1, 1, 3, 3])], ["y"],
                       [helper.make_tensor("w", TensorProto.STRING, [1], [b"a"])])
    write("hostile-string-weights.onnx", wrong_type)
    integer_weights = model([make("Conv", ["x", "w"], ["y"])], [("x", [1, 1, 3, 3])], ["y"], [ints("w", [1, 2, 3, 4])])
    write("hostile-integer-conv-weights.onnx", integer_weights)
    short = model([make("Add", ["x", "w"], ["y"])], [("x", [2, 2])], ["y"],
                  [short_tensor()])
    write("hostile-short-raw-data.onnx", short)

    cycle = model([make("Relu", ["x", "b"], ["a"]), make("Sigmoid", ["a"], ["b"]), make("Tanh", ["b"], ["y"])],
                  [("x", [1, 2])], ["y"])
    write("hostile-cycle.onnx", cycle)
    write("hostile-unknown-op.onnx", model([make("NonMaxSuppression", ["x"], ["y"])], [("x", [1, 2])], ["y"]))
    write("hostile-custom-domain.onnx", model([make("Relu", ["x"], ["y"], domain="com.example")], [("x", [1, 2])], ["y"]))
    write("hostile-opset-99.onnx", model([make("Relu", ["x"], ["y"])], [("x", [1, 2])], ["y"], opset=99))
    write("hostile-missing-input.onnx", model([make("Add", ["x", "nowhere"], ["y"])], [("x", [1, 2])], ["y"]))
    external = raw_tensor("w", FLOAT, [2])
    external.data_location = TensorProto.EXTERNAL
    for key, value in [("location", "../../etc/passwd"), ("offset", "0"), ("length", "8")]:
        entry = external.external_data.add()
        entry.key, entry.value = key, value
    write("hostile-external-escape.onnx", model([make("Add", ["x", "w"], ["y"])], [("x", [2])], ["y"], [external]))
    write("hostile-conv-shape-mismatch.onnx", model([make("Conv", ["x", "w"], ["y"])], [("x", [1, 2, 3, 3])], ["y"],
                                                   [weights("w", [1, 3, 2, 2], 11)]))
    write("hostile-reshape-bad.onnx", model([make("Reshape", ["x", "shape"], ["y"])], [("x", [2, 3])], ["y"],
                                           [ints("shape", [4, -1, -1])]))
    write("hostile-huge-pads.onnx", model([make("Pad", ["x", "pads"], ["y"])], [("x", [1, 2])], ["y"],
                                         [ints("pads", [0, 1 << 40, 0, 1 << 40])]))
    write("hostile-huge-kernel.onnx", model([make("MaxPool", ["x"], ["y"], kernel_shape=[1 << 40, 1 << 40])],
                                           [("x", [1, 1, 2, 2])], ["y"]))


if __name__ == "__main__":
    hostile(valid())
    for name in sorted(os.listdir(ROOT)):
        print(f"{os.path.getsize(os.path.join(ROOT, name)):6d}  {name}")
