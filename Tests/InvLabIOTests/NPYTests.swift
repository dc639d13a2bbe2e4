import Foundation
import InvLabIO
import InvLabTensor
import Testing

/// An `.npy` file with a given header text and payload (version 1.0).
func npyBytes(header: String, payload: [UInt8], version: UInt8 = 1) -> Data {
    let text = Array(header.utf8)
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
    let lengthBytes = version == 1 ? 2 : 4
    for i in 0..<lengthBytes { bytes.append(UInt8(truncatingIfNeeded: text.count >> (8 * i))) }
    return Data(bytes + text + payload)
}

@Suite("NPY arrays")
struct NPYTests {
    @Test("write then read back, data aligned to 64 bytes")
    func roundTrip() throws {
        let tensor = Tensor(shape: [2, 1, 2, 3], scalars: (0..<12).map { Float($0) * 0.25 - 1 })
        let data = NPYFile.encode(tensor)
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(try NPYFile.decode(data, path: "r.npy") == tensor)
        #expect(try NPYFile.decode(NPYFile.encode(Tensor(shape: [], scalars: [3])), path: "s.npy").shape == [])
        #expect(try NPYFile.decode(NPYFile.encode(Tensor(shape: [4], scalars: [1, 2, 3, 4])), path: "v.npy").shape == [4])
        // A shape too long for a version 1.0 header switches to version 2.0.
        let manyAxes = Tensor(shape: [Int](repeating: 1, count: 25_000), scalars: [5])
        let wide = NPYFile.encode(manyAxes)
        #expect(wide[6] == 2)
        #expect(try NPYFile.decode(wide, path: "w.npy") == manyAxes)
    }

    @Test("dtypes, byte orders, versions, odd whitespace, Fortran order")
    func headers() throws {
        let int64 = npyBytes(header: "{ 'descr':'<i8' ,'fortran_order' :False,'shape':( 2 , ) }\n",
                             payload: [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 5, 0, 0, 0, 0, 0, 0, 0])
        #expect(try NPYFile.decode(int64, path: "i").scalars == [-2, 5])
        let bigEndian = npyBytes(header: "{\"descr\": \">f4\", \"fortran_order\": False, \"shape\": (1L,)}",
                                 payload: [0x3F, 0xC0, 0, 0], version: 2)
        #expect(try NPYFile.decode(bigEndian, path: "b").scalars == [1.5])
        let bools = npyBytes(header: "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", payload: [1, 0, 1],
                             version: 3)
        #expect(try NPYFile.decode(bools, path: "b1").scalars == [1, 0, 1])
        // Fortran order: column-major [[1, 2, 3], [4, 5, 6]] is stored 1 4 2 5 3 6.
        let fortran = npyBytes(header: "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }",
                               payload: [1, 4, 2, 5, 3, 6])
        #expect(try NPYFile.decode(fortran, path: "f").scalars == [1, 2, 3, 4, 5, 6])
        let half = npyBytes(header: "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", payload: [0x00, 0x3C, 0x00, 0xC0])
        #expect(try NPYFile.decode(half, path: "h").scalars == [1, -2])
    }

    @Test("truncated data, bad magic, bad dtype, oversized header")
    func errors() {
        let valid = NPYFile.encode(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
        expectError("recon.npy: NPY data is 12 bytes, shape [2, 2] of '<f4' needs 16") {
            _ = try NPYFile.decode(valid.prefix(valid.count - 4), path: "recon.npy")
        }
        expectError("x.npy: not an NPY file: expected the magic bytes \\x93NUMPY") {
            _ = try NPYFile.decode(Data("PK\u{3}\u{4}zipfile".utf8), path: "x.npy")
        }
        expectError("x.npy: NPY format version 4.0 is not supported, expected 1.0, 2.0 or 3.0") {
            _ = try NPYFile.decode(npyBytes(header: "{}", payload: [], version: 4), path: "x.npy")
        }
        expectError("x.npy: NPY dtype '<c8' is not supported, expected a byte order (<, >, |) and one of "
            + "f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1 (e.g. '<f4')") {
            _ = try NPYFile.decode(npyBytes(header: "{'descr': '<c8', 'fortran_order': False, 'shape': (), }",
                                            payload: []), path: "x.npy")
        }
        expectError("x.npy: NPY header length 500 runs past the end of the 20-byte file") {
            var data = npyBytes(header: "{'descr': '<f4'}", payload: []).prefix(20)
            data[8] = 0xF4
            data[9] = 0x01
            _ = try NPYFile.decode(Data(data), path: "x.npy")
        }
        expectError("x.npy: NPY header length 65535 exceeds the limit of 1000 bytes") {
            var data = npyBytes(header: "{}", payload: [])
            data[8] = 0xFF
            data[9] = 0xFF
            _ = try NPYFile.decode(data, path: "x.npy", limits: ReadLimits(maxNPYHeaderBytes: 1000))
        }
        expectError("x.npy: NPY header is not a valid dictionary literal: expected ')' at character 53") {
            _ = try NPYFile.decode(npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }",
                                            payload: []), path: "x.npy")
        }
        expectError("x.npy: NPY header has keys [\"descr\", \"shape\"], expected exactly descr, fortran_order and shape") {
            _ = try NPYFile.decode(npyBytes(header: "{'descr': '<f4', 'shape': (2,), }", payload: []), path: "x.npy")
        }
        expectError("x.npy: NPY descr is not a string (structured dtypes are not supported), expected e.g. '<f4'") {
            _ = try NPYFile.decode(npyBytes(header: "{'descr': (1,), 'fortran_order': False, 'shape': (2,), }",
                                            payload: []), path: "x.npy")
        }
    }

    @Test("interoperates with NumPy (files written by numpy read here, and back)",
          .enabled(if: Python.hasNumpy, "numpy is not importable by python3; NPY interop not checked"))
    func numpyInterop() throws {
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let script = """
        import numpy as np, sys
        d = sys.argv[1]
        a = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 8 - 1
        np.save(d + '/f8.npy', a)
        np.save(d + '/f4_fortran.npy', np.asfortranarray(a.astype(np.float32)))
        np.save(d + '/u1.npy', np.arange(250, 256, dtype=np.uint8))
        np.save(d + '/i8.npy', np.array([-3, 0, 7], dtype=np.int64))
        np.save(d + '/be.npy', np.array([1.5, -2.25], dtype='>f4'))
        np.save(d + '/b1.npy', np.array([True, False]))
        np.lib.format.write_array(open(d + '/v3.npy', 'wb'), np.ones((2, 2), np.float32), version=(3, 0))
        """
        let written = try Python.run(script, arguments: [directory.path])
        try #require(written.status == 0, "python failed: \(written.output)")
        func read(_ name: String) throws -> Tensor { try NPYFile.read(contentsOf: directory.appendingPathComponent(name)) }
        let expected = (0..<24).map { Float($0) / 8 - 1 }
        #expect(try read("f8.npy") == Tensor(shape: [2, 3, 4], scalars: expected))
        #expect(try read("f4_fortran.npy") == Tensor(shape: [2, 3, 4], scalars: expected))
        #expect(try read("u1.npy").scalars == [250, 251, 252, 253, 254, 255])
        #expect(try read("i8.npy").scalars == [-3, 0, 7])
        #expect(try read("be.npy").scalars == [1.5, -2.25])
        #expect(try read("b1.npy").scalars == [1, 0])
        #expect(try read("v3.npy") == Tensor(shape: [2, 2], scalars: [1, 1, 1, 1]))

        let ours = Tensor(shape: [3, 1, 2, 2], scalars: (0..<12).map { Float($0) * 0.5 })
        try NPYFile.write(ours, to: directory.appendingPathComponent("reconstructions.npy"))
        let check = """
        import numpy as np, sys
        a = np.load(sys.argv[1] + '/reconstructions.npy')
        assert a.dtype == np.float32 and a.shape == (3, 1, 2, 2) and a.flags['C_CONTIGUOUS'], (a.dtype, a.shape)
        assert (a.ravel() == np.arange(12, dtype=np.float32) * 0.5).all(), a
        print('ok')
        """
        let read = try Python.run(check, arguments: [directory.path])
        #expect(read.status == 0 && read.output.contains("ok"), "numpy could not read our file: \(read.output)")
    }
}
