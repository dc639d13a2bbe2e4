import Foundation
import SwiftProtobuf

/// An ONNX model read from a file and checked: the opset is supported, every node's inputs are
/// produced by a graph input, an initializer or an earlier node, the graph has no cycle, and
/// every initializer (inside the file or in external data) is a readable tensor.
///
/// Loading never traps on a malformed file: every problem is an `ONNXError` that names the file
/// and, where there is one, the node.
public struct ONNXModel: Sendable {
    /// Default-domain opsets this engine runs (the semantics of every supported operator are
    /// those of this range). Opsets 21-23 changed these operators' type constraints only (int4,
    /// bfloat16, float8 and float4 types, which are refused as tensors anyway), not their inputs,
    /// attributes or float semantics; opset 24 gives Cast and CastLike a `round_mode`. Before
    /// opset 13 (11 and 12, what many published face models were exported with), Squeeze,
    /// Unsqueeze and ReduceSum take their axes as an attribute, and Softmax and LogSoftmax
    /// normalise the input flattened to 2-D at `axis` (default 1); the operators read both forms.
    /// Opset 10 and older wrote Slice, Dropout, Upsample and pooling differently.
    public static let supportedOpsets: ClosedRange<Int64> = 11...23

    /// The file the model was read from (named in every error).
    public let path: String
    /// The default-domain opset the model declares.
    public let opset: Int64
    /// The nodes in an order in which every node comes after the producers of its inputs.
    let nodes: [Onnx_NodeProto]
    /// Initializers by name.
    public let initializers: [String: ONNXValue]
    /// Graph inputs that are not initializers (what a caller must feed), in the graph's order.
    public let inputNames: [String]
    /// Graph outputs, in the graph's order.
    public let outputNames: [String]
    /// The shape each graph input declares (nil for a symbolic dimension such as the batch).
    public let inputShapes: [String: [Int?]]
    /// Values derived from the initializers once (see `DerivedWeights`).
    let derived = DerivedWeights()
    /// Conv nodes (by index in `nodes`) whose BatchNormalization folds into them in inference.
    let foldableBatchNorms: [Int: Int]

    /// Reads and checks the model at `path`; external data files are resolved relative to its directory.
    public init(contentsOf path: String) throws {
        try self.init(serialized: try Self.fileData(path), path: path)
    }

    /// The bytes of the file at `path`; `purpose` (e.g. "the imported model again to export it")
    /// says in the error what was being read.
    static func fileData(_ path: String, purpose: String = "the file") throws -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ONNXError("\(path): cannot read \(purpose) (\(error.localizedDescription))")
        }
    }

    /// The `ModelProto` in `data` (nested messages at most 64 deep); `path` names the file in errors.
    static func decodeProto(_ data: Data, path: String) throws -> Onnx_ModelProto {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = 64
        do { return try Onnx_ModelProto(serializedBytes: data, options: options) } catch {
            throw ONNXError("\(path): not a valid ONNX model (protobuf decoding failed: \(error)); is the file truncated?")
        }
    }

    /// Parses and checks a serialized `ModelProto`; `path` names the file in errors and locates external data.
    public init(serialized data: Data, path: String) throws {
        let proto = try Self.decodeProto(data, path: path)
        guard proto.hasGraph else { throw ONNXError("\(path): the model has no graph") }
        self.path = path
        opset = try Self.defaultOpset(proto, path: path)
        let graph = proto.graph
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var initializers: [String: ONNXValue] = [:]
        for tensor in graph.initializer {
            guard !tensor.name.isEmpty else { throw ONNXError("\(path): an initializer has no name") }
            guard initializers[tensor.name] == nil else { throw ONNXError("\(path): initializer '\(tensor.name)' is stored twice") }
            initializers[tensor.name] = try TensorDecoder(path: path, directory: directory)
                .decode(tensor, what: "initializer '\(tensor.name)'")
        }
        self.initializers = initializers
        var declared = Set<String>()
        for input in graph.input where !declared.insert(input.name).inserted {
            throw ONNXError("\(path): graph input '\(input.name)' is declared twice")
        }
        inputNames = graph.input.map(\.name).filter { initializers[$0] == nil }
        outputNames = graph.output.map(\.name)
        var inputShapes: [String: [Int?]] = [:]
        for input in graph.input where input.type.tensorType.hasShape {
            inputShapes[input.name] = input.type.tensorType.shape.dim.map { dim in
                if case .dimValue(let value)? = dim.value { Int(exactly: value) } else { nil }
            }
        }
        self.inputShapes = inputShapes
        guard !outputNames.isEmpty else { throw ONNXError("\(path): the graph declares no output") }
        nodes = try GraphOrder.sorted(graph.node, available: Set(inputNames).union(initializers.keys),
                                      outputs: outputNames, path: path)
        foldableBatchNorms = BatchNormFolding.pairs(nodes: nodes, initializers: initializers, outputs: outputNames)
        for node in nodes {
            let domain = node.domain
            guard domain.isEmpty || domain == "ai.onnx" else {
                throw ONNXError("\(path): node '\(node.name)' (op \(node.opType)) is in domain '\(domain)'; "
                    + "only the default ONNX domain (opsets \(Self.supportedOpsets.lowerBound)-\(Self.supportedOpsets.upperBound)) is supported")
            }
            guard let op = ONNXOperators.byName[node.opType] else { throw unsupported(node) }
            guard opset >= op.introduced else {
                throw ONNXError("\(path): node '\(node.name)' has operator \(node.opType), which ONNX has from opset \(op.introduced); "
                    + "the model declares opset \(opset)")
            }
        }
    }

    /// The version of the default domain ("" or "ai.onnx"), which must be in `supportedOpsets`.
    static func defaultOpset(_ proto: Onnx_ModelProto, path: String) throws -> Int64 {
        let range = "\(supportedOpsets.lowerBound)-\(supportedOpsets.upperBound)"
        guard let entry = proto.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" }) else {
            throw ONNXError("\(path): the model imports no default-domain opset; supported opsets: \(range)")
        }
        guard supportedOpsets.contains(entry.version) else {
            throw ONNXError("\(path): opset \(entry.version) is not supported; supported opsets: \(range)")
        }
        return entry.version
    }
}
