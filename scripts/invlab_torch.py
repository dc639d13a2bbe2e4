"""PyTorch twins of InversionLab's classifier architectures, with the same tensor names.

`Sources/InvLabNN/Architectures/Classifiers.swift` builds every recognizer as a flat
`Sequential` whose layers are numbered 0, 1, 2, ... like `torch.nn.Sequential` (layers without
tensors, such as ReLU or Flatten, still take an index). The functions below build exactly the same
modules in PyTorch from the same settings, so a `state_dict` has the same names and shapes as the
engine's weight file and the two load each other's weights:

    softmax_regression  [Flatten, Linear]
    mlp                 [Flatten, (Linear, act, Dropout?)..., Linear]
    cnn                 [(Conv2d k pad k//2, BatchNorm2d?, ReLU, MaxPool2d(2))...,
                         Flatten, (Linear, ReLU, Dropout?)..., Linear]
    resnet              [Conv2d 3x3 (no bias), BatchNorm2d, ReLU, ResidualBlock...,
                         GlobalAveragePool, Linear]

A `ResidualBlock` has `conv1`, `bn1`, `conv2`, `bn2` and `shortcut` (an `nn.Sequential` of a 1x1
convolution and a BatchNorm2d when the stride or the width changes, empty otherwise), so its tensors
are e.g. `4.conv1.weight`, `4.bn1.running_mean`, `4.shortcut.0.weight`. `GlobalAveragePool` is one
module (AdaptiveAvgPool2d(1) then flatten) so that it takes one index, as in the engine. Batch norm
uses PyTorch's defaults (momentum 0.1, eps 1e-5), as the engine does.

`build(spec, input_shape, classes)` takes the recognizer's YAML mapping (the same keys and defaults
as the spec: `type: cnn`, `channels`, `kernel`, `batch_norm`, `hidden`, `dropout`; `type: mlp`,
`hidden`, `activation`, `dropout`; `type: resnet`, `widths`, `blocks_per_stage`;
`type: softmax_regression`). `input_shape` is one image, `[C, H, W]`.

Using a PyTorch-trained model in InversionLab (the recognizer's `weights:` key)
------------------------------------------------------------------------------
    pip install safetensors
    import safetensors.torch, invlab_torch
    model = invlab_torch.build({"type": "cnn", "channels": [16, 32], "hidden": [128]}, [1, 64, 64], 40)
    ...train it...
    safetensors.torch.save_file(model.state_dict(), "recognizer.safetensors")

and in the spec: `recognizer: {type: cnn, channels: [16, 32], hidden: [128], weights: recognizer.safetensors}`.
Every parameter and buffer must be present with the right shape (the engine reports missing,
unexpected and mis-shaped tensors by name). Any dtype loads and is converted to float32; in
particular BatchNorm's `num_batches_tracked` is int64 in PyTorch and is read as a float. The file
must hold a plain `state_dict` of this module (no `module.` prefix from DataParallel, no
optimizer state).

Loading an InversionLab-trained file into PyTorch
-------------------------------------------------
    model = invlab_torch.build(same settings)
    model.load_state_dict(safetensors.torch.load_file("recognizer.safetensors"))   # strict
    model.eval()

The engine writes every tensor as float32 (so `num_batches_tracked` too); `load_state_dict`
copies it into PyTorch's int64 buffer. The engine's file also carries `{"architecture": name}`
metadata, which `load_file` ignores.

Command line (needs torch; safetensors for --save):
    python3 scripts/invlab_torch.py '{type: cnn, channels: [16, 32], hidden: [128]}' \\
        --input-shape 1 64 64 --classes 40 [--save init.safetensors] [--seed 0]
prints the module and its tensor names and shapes (compare with the engine's summary).
"""
import argparse
import sys

import torch
from torch import nn

__all__ = ["GlobalAveragePool", "ResidualBlock", "softmax_regression", "mlp", "cnn", "resnet",
           "build", "tensor_summary"]


class GlobalAveragePool(nn.Sequential):
    """Mean over height and width, N x C x H x W -> N x C (one index in the flat Sequential)."""

    def __init__(self):
        super().__init__(nn.AdaptiveAvgPool2d(1), nn.Flatten())


class ResidualBlock(nn.Module):
    """torchvision's BasicBlock layout, as the engine's `ResidualBlock`:
    relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), stride on conv1 and the shortcut."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_channels))
        else:
            self.shortcut = nn.Sequential()  # identity, no tensors

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + self.shortcut(x))


_ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


def _product(values):
    result = 1
    for v in values:
        result *= v
    return result


def softmax_regression(input_shape, classes):
    """Multinomial logistic regression on raw pixels: tensors `1.weight`, `1.bias`."""
    return nn.Sequential(nn.Flatten(), nn.Linear(_product(input_shape), classes))


def mlp(input_shape, hidden, classes, dropout=0.0, activation="relu"):
    """Fully connected network; `activation` is relu, sigmoid or tanh."""
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
    layers = [nn.Flatten()]
    width = _product(input_shape)
    for size in hidden:
        layers += [nn.Linear(width, size), _ACTIVATIONS[activation]()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = size
    layers.append(nn.Linear(width, classes))
    return nn.Sequential(*layers)


def cnn(input_shape, channels, hidden, classes, kernel=3, batch_norm=False, dropout=0.0):
    """Per entry of `channels`: conv (kernel x kernel, 'same' padding), optional batch norm,
    ReLU, 2x2 max pooling (floor); then the fully connected layers on the NCHW flatten."""
    if kernel % 2 != 1:
        raise ValueError(f"kernel must be odd, got {kernel}")
    in_channels, height, width = input_shape
    layers = []
    for out_channels in channels:
        layers.append(nn.Conv2d(in_channels, out_channels, kernel, padding=kernel // 2))
        if batch_norm:
            layers.append(nn.BatchNorm2d(out_channels))
        layers += [nn.ReLU(), nn.MaxPool2d(2)]
        in_channels, height, width = out_channels, height // 2, width // 2
    if height < 1 or width < 1:
        raise ValueError(f"{len(channels)} pooling stages shrink a {input_shape[1]}x{input_shape[2]} image below one pixel")
    layers.append(nn.Flatten())
    features = in_channels * height * width
    for size in hidden:
        layers += [nn.Linear(features, size), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        features = size
    layers.append(nn.Linear(features, classes))
    return nn.Sequential(*layers)


def resnet(input_shape, widths, blocks_per_stage, classes):
    """3x3 stem of widths[0] channels, `blocks_per_stage` blocks per width (stride 2 at the start
    of every stage after the first), global average pooling, linear head."""
    layers = [nn.Conv2d(input_shape[0], widths[0], 3, padding=1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU()]
    current = widths[0]
    for stage, width in enumerate(widths):
        for block in range(blocks_per_stage):
            layers.append(ResidualBlock(current, width, stride=2 if stage > 0 and block == 0 else 1))
            current = width
    layers += [GlobalAveragePool(), nn.Linear(current, classes)]
    return nn.Sequential(*layers)


# The recognizer plugins' keys and defaults (Plugins/Recognizers/RecognizerPlugins.swift).
_DEFAULTS = {
    "softmax_regression": {},
    "mlp": {"hidden": [512], "activation": "relu", "dropout": 0.0},
    "cnn": {"channels": [32, 64, 128], "kernel": 3, "batch_norm": False, "hidden": [256], "dropout": 0.0},
    "resnet": {"widths": [16, 32, 64], "blocks_per_stage": 1},
}
_IGNORED = {"type", "train", "weights"}


def build(spec, input_shape, classes):
    """The module for a recognizer's spec mapping (e.g. `{"type": "cnn", "channels": [16]}`)."""
    kind = spec.get("type")
    if kind not in _DEFAULTS:
        raise ValueError(f"unknown recognizer type {kind!r}; expected one of {sorted(_DEFAULTS)}")
    unknown = set(spec) - set(_DEFAULTS[kind]) - _IGNORED
    if unknown:
        raise ValueError(f"{kind}: unknown keys {sorted(unknown)}; expected {sorted(_DEFAULTS[kind])}")
    s = {**_DEFAULTS[kind], **{k: v for k, v in spec.items() if k not in _IGNORED}}
    input_shape = list(input_shape)
    if kind == "softmax_regression":
        return softmax_regression(input_shape, classes)
    if kind == "mlp":
        return mlp(input_shape, s["hidden"], classes, dropout=float(s["dropout"]), activation=s["activation"])
    if kind == "cnn":
        return cnn(input_shape, s["channels"], s["hidden"], classes, kernel=s["kernel"],
                   batch_norm=bool(s["batch_norm"]), dropout=float(s["dropout"]))
    return resnet(input_shape, s["widths"], s["blocks_per_stage"], classes)


def tensor_summary(model):
    """`name [shape]` per state_dict entry, parameters and buffers in registration order."""
    return [f"{name} {list(t.shape)}" for name, t in model.state_dict().items()]


def _parse_spec(text):
    try:
        import yaml
        return yaml.safe_load(text)
    except ImportError:
        import json
        return json.loads(text)


def main(argv):
    parser = argparse.ArgumentParser(description="Build an InversionLab classifier in PyTorch and list its tensors.")
    parser.add_argument("spec", help="the recognizer mapping, YAML flow style (JSON if PyYAML is missing)")
    parser.add_argument("--input-shape", type=int, nargs=3, required=True, metavar=("C", "H", "W"))
    parser.add_argument("--classes", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0, help="torch.manual_seed before initialising")
    parser.add_argument("--save", help="write the freshly initialised state_dict as safetensors")
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed)
    try:
        model = build(_parse_spec(args.spec), args.input_shape, args.classes)
    except (ValueError, TypeError, AttributeError) as error:
        parser.error(str(error))
    print(model)
    print("\n".join(tensor_summary(model)))
    if args.save:
        import safetensors.torch
        safetensors.torch.save_file(model.state_dict(), args.save)
        print(f"wrote {args.save}")


if __name__ == "__main__":
    main(sys.argv[1:])
