import Foundation

/// Why an ONNX model cannot be loaded or run. Every message names the file and, where there is
/// one, the node, its operator type and the opset, and says what is supported instead.
public struct ONNXError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
