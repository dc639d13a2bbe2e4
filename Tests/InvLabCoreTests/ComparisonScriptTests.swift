import Foundation
import InvLabJSON
import Testing

/// The PyTorch side of `scripts/batching_compare.py` (the README's batching comparison): its
/// networks must build and its attack loop run for every model at any image size.
@Suite("Comparison scripts")
struct ComparisonScriptTests {
    @Test("batching_compare's PyTorch attack runs softmax, MLP and CNN, batched and one image at a time",
          .enabled(if: pythonCanImport("torch"), "python3 -m pip install torch==2.13.0+cpu to run this check"))
    func batchingCompareTorchSide() throws {
        let result = try runScript("batching_compare.py", ["--torch-child", "--iterations", "2", "--size", "12x8",
                                                           "--models", "softmax", "mlp", "cnn"])
        #expect(result.status == 0)
        let rows = result.output.split(separator: "\n").compactMap { try? JSONValue.parse(Data($0.utf8)) }
        #expect(rows.compactMap { $0["model"]?.stringValue } == ["softmax", "mlp", "cnn"])
        for row in rows {
            let batched = try #require(row["batched"]?.doubleValue), sequential = try #require(row["sequential"]?.doubleValue)
            #expect(batched > 0 && sequential > 0)
        }
    }

    @Test("batching_compare rejects a malformed --size with a message")
    func batchingCompareBadSize() throws {
        let result = try runScript("batching_compare.py", ["--size", "112by92"])
        #expect(result.status == 1)
        #expect(result.errors == "batching_compare: --size must be HEIGHTxWIDTH, got '112by92'\n")
    }
}
