import Foundation
import InvLabONNX
import Testing

/// The README's operator table is `ONNXOperators.markdownTable`, so it lists exactly what the
/// code runs.
@Suite("ONNX operator table in the README")
struct ONNXReadmeTests {
    @Test("README.md's operator table is generated from ONNXOperators.all")
    func operatorTable() throws {
        let readme = try String(contentsOf: ONNXBridge.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = "<!-- onnx-operators:begin -->\n", end = "<!-- onnx-operators:end -->"
        let start = try #require(readme.range(of: begin), "README.md has no \(begin)")
        let stop = try #require(readme.range(of: end, range: start.upperBound..<readme.endIndex), "README.md has no \(end)")
        let table = String(readme[start.upperBound..<stop.lowerBound])
        #expect(table == ONNXOperators.markdownTable + "\n", "README.md's operator table is stale; it should read:\n\(ONNXOperators.markdownTable)")
    }
}
