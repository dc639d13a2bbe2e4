import InvLabTensor
import Testing

/// The one closeness check of the test suites: the same count, and element-wise
/// `|actual - expected| <= tolerance * max(1, |expected|)` (absolute for values up to 1,
/// relative beyond), NaN matching NaN. A missing `actual` (nil) is a failure.
public func expectClose(_ actual: [Double]?, _ expected: [Double], tolerance: Double = 1e-9, _ comment: Comment? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    guard let actual else {
        Issue.record("missing values, expected \(expected)", sourceLocation: sourceLocation)
        return
    }
    #expect(actual.count == expected.count, "got \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    let worst = zip(actual, expected).map { a, e -> Double in
        if a.isNaN && e.isNaN || a == e { return 0 }
        return abs(a - e) / max(1, abs(e))
    }.max() ?? 0
    let note = comment.map { "\($0): " } ?? ""
    #expect(!worst.isNaN && worst <= tolerance, "\(note)got \(actual), expected \(expected)", sourceLocation: sourceLocation)
}

public func expectClose(_ actual: [Float], _ expected: [Double], tolerance: Double = 1e-5, _ comment: Comment? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(actual.map(Double.init), expected, tolerance: tolerance, comment, sourceLocation: sourceLocation)
}

public func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-4, _ comment: Comment? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(actual.map(Double.init), expected.map(Double.init), tolerance: Double(tolerance), comment, sourceLocation: sourceLocation)
}

public func expectClose(_ actual: Tensor, _ expected: [Float], tolerance: Float = 1e-5, _ comment: Comment? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(actual.scalars, expected, tolerance: tolerance, comment, sourceLocation: sourceLocation)
}

/// Two tensors of the same shape, element-wise close.
public func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-6, _ comment: Comment? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
    expectClose(actual.scalars, expected.scalars, tolerance: tolerance, comment, sourceLocation: sourceLocation)
}
