import Foundation
import InvLabIO
import InvLabNN
import InvLabTensor

/// The networks of the reference workloads (`../shared/bench/README.md`): an MLP
/// 4096 -> 512 (ReLU) -> 40 and a CNN 1x64x64 -> [conv3x3 pad 1 + ReLU + maxpool 2] x (32, 64, 128)
/// -> fc 256 + ReLU -> fc 40, with He-normal weights and PyTorch-style uniform biases.
enum BenchNetworks {
    static let side = 64, classes = 40

    static var mlp: Network {
        var network = Network(Sequential([Flatten(), Linear(side * side, 512), Activation(.relu), Linear(512, classes)]),
                              inputShape: [1, side, side], seed: 0, name: "bench-mlp")
        heInitialize(&network, seed: 0)
        return network
    }

    static var cnn: Network {
        let architecture = ClassifierArchitectures.cnn(inputShape: [1, side, side], channels: [32, 64, 128], hidden: [256], classes: classes)
        var network = Network(architecture, inputShape: [1, side, side], seed: 0, name: "bench-cnn")
        heInitialize(&network, seed: 0)
        return network
    }

    /// He-normal weights N(0, 2 / fanIn) and uniform biases U(+-1/sqrt(fanIn)), as the references.
    static func heInitialize(_ network: inout Network, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for name in network.state.parameterNames where name.hasSuffix(".weight") {
            let weight = network.state.parameters[name]!
            let fanIn = weight.shape.dropFirst().reduce(1, *)
            network.state.parameters[name] = Tensor.normal(weight.shape, standardDeviation: (2 / Float(fanIn)).squareRoot(), generator: &generator)
            let biasName = String(name.dropLast("weight".count)) + "bias"
            if let bias = network.state.parameters[biasName] {
                let bound = 1 / Float(fanIn).squareRoot()
                network.state.parameters[biasName] = Tensor.uniform(bias.shape, low: -bound, high: bound, generator: &generator)
            }
        }
    }

    /// Loads the exact reference weights written by `dump_params.py DIR` (fc weights are stored
    /// `in x out` there and transposed here; fc1 rows are already in NCHW-flatten order).
    static func loadReference(_ network: inout Network, directory: URL, prefix: String) throws {
        func array(_ name: String) throws -> Tensor {
            try NPYFile.read(contentsOf: directory.appendingPathComponent("\(prefix)_\(name).npy"))
        }
        var tensors: [String: Tensor] = [:]
        if prefix == "mlp" {
            tensors = ["1.weight": try array("w1").transposed(), "1.bias": try array("b1"),
                       "3.weight": try array("w2").transposed(), "3.bias": try array("b2")]
        } else {
            // CNN layout: conv i at index 3*(i-1), fc1 at 10, fc2 at 12.
            for i in 1...3 {
                tensors["\(3 * (i - 1)).weight"] = try array("c\(i)w")
                tensors["\(3 * (i - 1)).bias"] = try array("c\(i)b")
            }
            tensors["10.weight"] = try array("f1w").transposed()
            tensors["10.bias"] = try array("f1b")
            tensors["12.weight"] = try array("f2w").transposed()
            tensors["12.bias"] = try array("f2b")
        }
        try network.load(tensors, source: directory.path)
    }
}
