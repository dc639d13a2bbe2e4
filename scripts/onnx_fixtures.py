"""PyTorch side of the ONNX fidelity test (Tests/InvLabONNXTests/ONNXFidelityTests.swift).

    python3 scripts/onnx_fixtures.py DIR

For each small model below and each opset in OPSETS, this script

1. builds the module (seeded), gives its batch-norm layers random non-trivial statistics and
   affine parameters, switches to eval mode and exports it with `torch.onnx.export` (the
   TorchScript exporter, `dynamo=False`, with a free batch dimension) to `DIR/NAME_opsetN.onnx`;
2. draws a batch of random images in [0, 1) and writes `NAME_x.npy`, the outputs
   `NAME_logits.npy` and the gradient with respect to the images of the MI-FACE objective
   sum_i ||softmax(f(x_i)) - onehot(i mod classes)||^2 as `NAME_grad.npy` (float32; classes is the
   output's width);
3. for the first model, also saves a copy of the opset-13 file with every initializer in an
   external data file, `NAME_external.onnx` + `NAME_external.data`.

Models: `resnet` (ResNet-style: stem, a residual block, a strided block with a 1x1 projection,
BatchNorm everywhere, global average pooling), `vgg` (conv/ReLU/max-pool stack, the last pooling with ceil_mode,
linear layers with dropout), `embedder` (FaceNet-style: convolutions, `view(size(0), -1)` (shape arithmetic), a linear
embedding L2-normalised with Pow/ReduceMean/Sqrt/Div, a linear head by MatMul), `normed` (the same with `F.normalize`:
ReduceL2, Clip, Expand, Div; and a ReduceSum), `zoo` (grouped, dilated and asymmetrically
padded convolutions, PReLU, LeakyReLU, Tanh, Sigmoid, Hardtanh (Clip), average pooling,
Transpose, Concat, Reshape, log-softmax output), `resnet18` (ResNet-18's layout for 112 x 92 grey faces
and 40 identities, batch 2, opset 17 only), `mixer` (rectangular, strided, dilated max pooling, ceil-mode
average pooling counting padding, Gather on float tensors, MatMul of stacks), `mobile` (MobileNetV2-style
inverted residual blocks: depthwise convolutions, one with a channel multiplier of 2 and stride 2,
ReLU6, HardSwish, BatchNorm kept) and `padded`, written with `onnx.helper` because
PyTorch has no such layers: an explicit Pad with a constant value, a convolution with asymmetric
pads, BatchNormalization, ReduceMean over one axis (its reference is computed with the same
weights by PyTorch's functional operations).

It prints one line per file and exits non-zero with a message on any failure.
"""
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn

OPSETS = [11, 12, 13, 17, 20]
BATCH = 3
SHAPE = (1, 12, 10)  # grey, taller than wide like ORL's 112 x 92
CLASSES = 5


class ResNetBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 4, 3, 1, 1, bias=False), nn.BatchNorm2d(4), nn.ReLU(),
                                  nn.MaxPool2d(3, 1, 1))
        self.blocks = nn.Sequential(ResNetBlock(4, 4, 1), ResNetBlock(4, 6, 2))
        self.fc = nn.Linear(6, CLASSES)

    def forward(self, x):
        y = self.blocks(self.stem(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(y, 1), 1))


def vgg():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
        nn.Flatten(), nn.Linear(6 * 3 * 3, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, CLASSES))


class Embedder(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, 2, 1), nn.BatchNorm2d(4), nn.ReLU(),
                                      nn.Conv2d(4, 6, 3, 2, 1), nn.ReLU())
        self.embed = nn.Linear(6 * 3 * 3, 8)
        self.head = nn.Parameter(torch.randn(8, CLASSES))

    def forward(self, x):
        y = self.features(x)
        e = self.embed(y.view(y.size(0), -1))  # with a free batch: Shape, Gather, Unsqueeze, Concat, Reshape
        e = e / torch.sqrt(e.pow(2).mean(dim=1, keepdim=True) * 8 + 1e-6)
        return torch.matmul(e, self.head) * 4.0


class NormEmbedder(nn.Module):
    """FaceNet's usual head: an embedding L2-normalised by `F.normalize` (ReduceL2, Clip, Expand,
    Div), a bias-free linear head on it, and a row sum added (ReduceSum)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 4, 3, 2, 1), nn.ReLU())
        self.embed = nn.Linear(4 * 6 * 5, 8)
        self.head = nn.Linear(8, CLASSES, bias=False)

    def forward(self, x):
        e = nn.functional.normalize(self.embed(torch.flatten(self.features(x), 1)), p=2.0, dim=1)
        return self.head(e) * 8.0 + e.sum(dim=1, keepdim=True)


class Zoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 4, 3, padding=1)
        self.grouped = nn.Conv2d(4, 4, 3, padding=2, dilation=2, groups=2)
        self.prelu = nn.PReLU(4)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)
        self.fc = nn.Linear(8 * 6 * 5, CLASSES)

    def forward(self, x):
        y = self.prelu(self.stem(x))
        z = nn.functional.leaky_relu(self.grouped(y), 0.1)
        y = torch.cat([torch.tanh(y), torch.sigmoid(z) * nn.functional.hardtanh(z, -0.5, 0.5)], dim=1)
        y = self.pool(y)
        y = y.transpose(2, 3).reshape(BATCH, -1)
        return torch.log_softmax(self.fc(y), dim=1)


class ResNet18(nn.Module):
    """ResNet-18's layout (He et al. 2016: 7x7 stem, max pooling, four stages of two basic blocks,
    widths 64-512) for grey 112 x 92 faces and 40 identities, as ORL's."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks, width = [], 64
        for stage, out in enumerate([64, 128, 256, 512]):
            blocks += [ResNetBlock(width, out, 1 if stage == 0 else 2), ResNetBlock(out, out, 1)]
            width = out
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(512, 40)

    def forward(self, x):
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(self.blocks(self.stem(x)), 1), 1))


class Mixer(nn.Module):
    """The executor's wider operators as PyTorch exports them: a rectangular, strided, padded and
    dilated max pooling, a rectangular average pooling with ceil_mode and count_include_pad,
    Gather of channels (a negative index among them) and of a negative scalar index, MatMul of
    a stack by a broadcast stack and of two stacks that both carry gradients."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.maxpool = nn.MaxPool2d((3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2))
        self.avgpool = nn.AvgPool2d((2, 3), stride=(1, 2), padding=(1, 1), ceil_mode=True, count_include_pad=True)
        self.mix = nn.Parameter(torch.randn(5, 5, 3) * 0.5)
        self.register_buffer("channels", torch.tensor([2, 0, -1, 1, 1]))
        self.fc = nn.Linear(5 * 3, CLASSES)

    def forward(self, x):
        y = self.avgpool(self.maxpool(torch.relu(self.conv(x))))  # N x 4 x 7 x 5
        y = y[:, self.channels]  # Gather on axis 1: N x 5 x 7 x 5
        y = torch.matmul(y, self.mix)  # N x 5 x 7 x 3, mix broadcast over N
        y = torch.matmul(y.transpose(2, 3), y)  # N x 5 x 3 x 3
        y = y[..., -1]  # N x 5 x 3
        return self.fc(y.reshape(y.shape[0], -1))


class InvertedResidual(nn.Module):
    """MobileNetV2's block (Sandler et al. 2018): 1x1 expansion, 3x3 depthwise, 1x1 projection,
    BatchNorm after each, a residual addition when the shape allows."""

    def __init__(self, cin, cout, stride, expansion, activation):
        super().__init__()
        hidden = cin * expansion
        self.body = nn.Sequential(nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden), activation(),
                                  nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False), nn.BatchNorm2d(hidden),
                                  activation(), nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class Mobile(nn.Module):
    """MobileNet-style: depthwise convolutions (also with a channel multiplier of 2 and stride 2),
    ReLU6 (Clip), HardSwish, inverted residual blocks with BatchNorm, global average pooling."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU6())
        self.blocks = nn.Sequential(InvertedResidual(8, 8, 1, 2, nn.ReLU6), InvertedResidual(8, 12, 2, 3, nn.Hardswish))
        self.multiplier = nn.Conv2d(12, 24, 3, 2, 1, groups=12)
        self.fc = nn.Linear(24, CLASSES)

    def forward(self, x):
        y = nn.functional.hardswish(self.multiplier(self.blocks(self.stem(x))))
        return self.fc(y.mean((2, 3)))


class MobileNetV2(nn.Module):
    """MobileNetV2's layout (Sandler et al. 2018), shortened to seven blocks (widths 16-160, the
    depthwise layers 32-960 channels wide) for grey 112 x 92 faces and 40 identities: the second
    model of scripts/bench_w4_onnx.py."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6())
        settings = [(32, 16, 1, 1), (16, 24, 2, 6), (24, 24, 1, 6), (24, 32, 2, 6), (32, 64, 2, 6), (64, 96, 1, 6), (96, 160, 2, 6)]
        self.blocks = nn.Sequential(*[InvertedResidual(cin, cout, stride, expansion, nn.ReLU6)
                                      for cin, cout, stride, expansion in settings])
        self.fc = nn.Linear(160, 40)

    def forward(self, x):
        return self.fc(self.blocks(self.stem(x)).mean((2, 3)))


KEEP_BATCH_NORM = {"resnet", "embedder", "resnet18", "mobile"}
# name, module, batch, image shape, opsets
MODELS = [("resnet", ResNet, BATCH, SHAPE, OPSETS), ("vgg", vgg, BATCH, SHAPE, OPSETS), ("embedder", Embedder, BATCH, SHAPE, OPSETS),
          ("zoo", Zoo, BATCH, SHAPE, OPSETS), ("resnet18", ResNet18, 2, (1, 112, 92), [17]), ("mixer", Mixer, BATCH, SHAPE, OPSETS),
          ("normed", NormEmbedder, BATCH, SHAPE, OPSETS), ("mobile", Mobile, BATCH, SHAPE, OPSETS)]


def randomize_batch_norm(model, generator):
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                c = module.num_features
                module.running_mean.copy_(torch.randn(c, generator=generator) * 0.2)
                module.running_var.copy_(torch.rand(c, generator=generator) * 1.5 + 0.5)
                module.weight.copy_(torch.rand(c, generator=generator) + 0.5)
                module.bias.copy_(torch.randn(c, generator=generator) * 0.2)


def mi_face(output):
    classes = output.shape[1]
    target = torch.nn.functional.one_hot(torch.arange(output.shape[0]) % classes, classes).float()
    return ((torch.softmax(output, dim=1) - target) ** 2).sum()


def padded_model(directory, generator):
    """The hand-built `padded` model at every opset, with its PyTorch reference outputs."""
    from onnx import TensorProto, helper, numpy_helper
    f = torch.nn.functional
    w, b = torch.randn(3, 1, 3, 2, generator=generator), torch.randn(3, generator=generator) * 0.1
    scale, shift = torch.rand(3, generator=generator) + 0.5, torch.randn(3, generator=generator) * 0.2
    mean, var = torch.randn(3, generator=generator) * 0.2, torch.rand(3, generator=generator) + 0.5
    fc_w, fc_b = torch.randn(CLASSES, 3 * 7, generator=generator) * 0.3, torch.randn(CLASSES, generator=generator)

    def forward(x):
        y = f.pad(x, (1, 0, 2, 1), value=0.5)
        y = f.conv2d(f.pad(y, (0, 2, 1, 0)), w, b, stride=2)
        y = torch.relu(f.batch_norm(y, mean, var, scale, shift, training=False, eps=1e-3))
        return f.linear(torch.flatten(y.mean(dim=3), 1), fc_w, fc_b)

    x = torch.rand((BATCH,) + SHAPE, generator=generator, requires_grad=True)
    output = forward(x)
    gradient, = torch.autograd.grad(mi_face(output), x)
    np.save(os.path.join(directory, "padded_x.npy"), x.detach().numpy())
    np.save(os.path.join(directory, "padded_logits.npy"), output.detach().numpy())
    np.save(os.path.join(directory, "padded_grad.npy"), gradient.numpy())
    tensors = {"w": w, "b": b, "scale": scale, "shift": shift, "mean": mean, "var": var, "fc_w": fc_w, "fc_b": fc_b}
    for opset in OPSETS:
        initializers = [numpy_helper.from_array(t.numpy(), name) for name, t in tensors.items()]
        initializers += [numpy_helper.from_array(np.array([0, 0, 2, 1, 0, 0, 1, 0], dtype=np.int64), "pads"),
                         numpy_helper.from_array(np.array(0.5, dtype=np.float32), "pad_value")]
        reduce = [helper.make_node("ReduceMean", ["r"], ["m"], name="mean", axes=[3], keepdims=0)]
        if opset >= 18:
            initializers.append(numpy_helper.from_array(np.array([3], dtype=np.int64), "axes"))
            reduce = [helper.make_node("ReduceMean", ["r", "axes"], ["m"], name="mean", keepdims=0)]
        nodes = [
            helper.make_node("Pad", ["x", "pads", "pad_value"], ["p"], name="pad", mode="constant"),
            helper.make_node("Conv", ["p", "w", "b"], ["c"], name="conv", pads=[1, 0, 0, 2], strides=[2, 2]),
            helper.make_node("BatchNormalization", ["c", "scale", "shift", "mean", "var"], ["n"], name="bn", epsilon=1e-3),
            helper.make_node("Relu", ["n"], ["r"], name="relu"),
        ] + reduce + [
            helper.make_node("Flatten", ["m"], ["flat"], name="flatten"),
            helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], name="fc", transB=1),
        ]
        graph = helper.make_graph(nodes, "padded", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [BATCH, *SHAPE])],
                                  [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [BATCH, CLASSES])], initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        onnx.checker.check_model(model)
        path = os.path.join(directory, f"padded_opset{opset}.onnx")
        onnx.save_model(model, path)
        print(f"{path}: {[node.op_type for node in model.graph.node]}")


def main(directory):
    for index, (name, build, batch, shape, opsets) in enumerate(MODELS):
        torch.manual_seed(100 + index)
        model = build()
        randomize_batch_norm(model, torch.Generator().manual_seed(200 + index))
        model.eval()
        x = torch.rand((batch,) + shape, generator=torch.Generator().manual_seed(300 + index))
        x.requires_grad_(True)
        output = model(x)
        gradient, = torch.autograd.grad(mi_face(output), x)
        np.save(os.path.join(directory, f"{name}_x.npy"), x.detach().numpy().astype(np.float32))
        np.save(os.path.join(directory, f"{name}_logits.npy"), output.detach().numpy().astype(np.float32))
        np.save(os.path.join(directory, f"{name}_grad.npy"), gradient.numpy().astype(np.float32))
        for opset in opsets:
            path = os.path.join(directory, f"{name}_opset{opset}.onnx")
            # Without constant folding the exporter keeps BatchNormalization nodes (it would fold
            # them into the convolutions otherwise).
            torch.onnx.export(model, (x.detach(),), path, opset_version=opset, dynamo=False,
                              do_constant_folding=name not in KEEP_BATCH_NORM, input_names=["x"], output_names=["logits"],
                              dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
            print(f"{path}: {[node.op_type for node in onnx.load(path).graph.node]}")
        if index == 0:
            proto = onnx.load(os.path.join(directory, f"{name}_opset13.onnx"))
            onnx.save_model(proto, os.path.join(directory, f"{name}_external.onnx"), save_as_external_data=True,
                            all_tensors_to_one_file=True, location=f"{name}_external.data", size_threshold=0)
            print(f"{name}_external.onnx with {name}_external.data")
    padded_model(directory, torch.Generator().manual_seed(400))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: onnx_fixtures.py DIR")
    main(sys.argv[1])
