import Foundation

/// A failure to fetch, verify, unpack or load a data set, with a message that says what went
/// wrong, on which file, and (where it helps) what to run to fix it.
public struct DatasetError: Error, CustomStringConvertible, LocalizedError, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    public var errorDescription: String? { message }
}
