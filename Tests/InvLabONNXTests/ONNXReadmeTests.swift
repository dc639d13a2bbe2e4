import Foundation
import InvLabONNX
import Testing

/// The README's operator table is `ONNXOperators.markdownTable`, so it lists exactly what the
/// code runs. After changing an operator's notes, regenerate it with
/// `INVLAB_REGENERATE_README=1 swift test --filter ONNXReadmeTests` (the test then rewrites the
/// table in README.md and checks the rewritten file).
@Suite("ONNX operator table in the README")
struct ONNXReadmeTests {
    @Test("README.md's operator table is generated from ONNXOperators.all")
    func operatorTable() throws {
        let file = ONNXBridge.packageRoot.appendingPathComponent("README.md")
        var readme = try String(contentsOf: file, encoding: .utf8)
        let begin = "<!-- onnx-operators:begin -->\n", end = "<!-- onnx-operators:end -->"
        if ProcessInfo.processInfo.environment["INVLAB_REGENERATE_README"] == "1",
           let start = readme.range(of: begin), let stop = readme.range(of: end, range: start.upperBound..<readme.endIndex) {
            readme.replaceSubrange(start.upperBound..<stop.lowerBound, with: ONNXOperators.markdownTable + "\n")
            try readme.write(to: file, atomically: true, encoding: .utf8)
        }
        let start = try #require(readme.range(of: begin), "README.md has no \(begin)")
        let stop = try #require(readme.range(of: end, range: start.upperBound..<readme.endIndex), "README.md has no \(end)")
        let table = String(readme[start.upperBound..<stop.lowerBound])
        #expect(table == ONNXOperators.markdownTable + "\n", "README.md's operator table is stale; it should read:\n\(ONNXOperators.markdownTable)")
    }
}
