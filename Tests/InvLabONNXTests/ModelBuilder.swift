import Foundation
@testable import InvLabONNX
import SwiftProtobuf

/// Builds small ONNX models in the tests (the generated protobuf types are internal to InvLabONNX).
struct ModelBuilder {
    var opset: Int64 = 17
    var nodes: [Onnx_NodeProto] = []
    var initializers: [Onnx_TensorProto] = []
    /// Graph inputs; an empty shape leaves the input's shape undeclared.
    var inputs: [(name: String, shape: [Int64])] = [("x", [])]
    var outputs = ["y"]

    /// Appends a node; attributes are given with `ModelBuilder.attribute`.
    mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String? = nil,
                       _ attributes: [Onnx_AttributeProto] = []) {
        var node = Onnx_NodeProto()
        node.opType = op
        node.input = inputs
        node.output = outputs
        node.name = name ?? "\(op.lowercased())\(nodes.count)"
        node.attribute = attributes
        nodes.append(node)
    }

    /// A FLOAT initializer with its scalars in `raw_data`.
    mutating func floats(_ name: String, _ shape: [Int], _ values: [Float]) {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = shape.map { Int64($0) }
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.rawData = values.withUnsafeBufferPointer { Data(buffer: $0) }
        initializers.append(tensor)
    }

    /// An INT64 initializer in `int64_data`.
    mutating func integers(_ name: String, _ values: [Int64], shape: [Int]? = nil) {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = (shape ?? [values.count]).map { Int64($0) }
        tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        tensor.int64Data = values
        initializers.append(tensor)
    }

    static func attribute(_ name: String, int: Int64) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .int; a.i = int; return a
    }

    static func attribute(_ name: String, ints: [Int64]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .ints; a.ints = ints; return a
    }

    static func attribute(_ name: String, float: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .float; a.f = float; return a
    }

    var proto: Onnx_ModelProto {
        var graph = Onnx_GraphProto()
        graph.name = "test"
        graph.node = nodes
        graph.initializer = initializers
        graph.input = inputs.map { input in
            var info = Onnx_ValueInfoProto()
            info.name = input.name
            info.type.tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
            if !input.shape.isEmpty {
                info.type.tensorType.shape.dim = input.shape.map { var d = Onnx_TensorShapeProto.Dimension(); d.dimValue = $0; return d }
            }
            return info
        }
        graph.output = outputs.map { var info = Onnx_ValueInfoProto(); info.name = $0; return info }
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var opsetID = Onnx_OperatorSetIdProto()
        opsetID.version = opset
        model.opsetImport = [opsetID]
        model.graph = graph
        return model
    }

    func serialized() throws -> Data { try proto.serializedBytes() }

    /// The model parsed as if read from `path`.
    func load(path: String = "test.onnx") throws -> ONNXModel {
        try ONNXModel(serialized: try serialized(), path: path)
    }
}

/// The message of the `ONNXError` that `body` throws (nil if it throws nothing; a test failure
/// if it throws something else).
func onnxErrorMessage<T>(_ body: () throws -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as ONNXError {
        return error.message
    } catch {
        return "not an ONNXError: \(error)"
    }
}
