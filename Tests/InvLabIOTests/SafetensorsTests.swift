import Foundation
import InvLabIO
import InvLabTensor
import Testing

/// A safetensors file from a header text (not padded) and a data section.
func safetensorsBytes(header: String, data: [UInt8]) -> Data {
    let text = Array(header.utf8)
    let length = (0..<8).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) }
    return Data(length + text + data)
}

@Suite("safetensors")
struct SafetensorsTests {
    @Test("write then read back: F32, names sorted, header padded to 8 bytes, metadata kept")
    func roundTrip() throws {
        let tensors = [
            "fc1.weight": Tensor(shape: [2, 3], scalars: [1, -2, 3.5, 0, 1e-8, -7]),
            "bn.running_mean": Tensor(shape: [2], scalars: [0.5, 0.25]),
            "scalar": Tensor(shape: [], scalars: [42]),
            "empty": Tensor(shape: [0, 4], scalars: []),
        ]
        let data = try Safetensors.encode(tensors, metadata: ["format": "pt", "note": "quote \" and \\ and\nnewline"])
        let headerLength = data.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(headerLength % 8 == 0)
        #expect(data[8 + headerLength - 1] == UInt8(ascii: "}") || data[8 + headerLength - 1] == 0x20)
        let file = try Safetensors.decode(data, path: "model.safetensors")
        #expect(file.names == ["bn.running_mean", "empty", "fc1.weight", "scalar"])  // data order = sorted names
        #expect(file.dictionary == tensors)
        #expect(file.metadata == ["format": "pt", "note": "quote \" and \\ and\nnewline"])
        #expect(file["fc1.weight"]?.shape == [2, 3])

        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        let url = directory.appendingPathComponent("weights.safetensors")
        try Safetensors.write(tensors, to: url)
        #expect(try Safetensors.read(contentsOf: url).dictionary == tensors)
        expectError("<memory>: tensor 'a': name appears twice; tensor names must be unique") {
            let a = NamedTensor(name: "a", tensor: Tensor(shape: [], scalars: [1]))
            _ = try Safetensors.encode([a, a])
        }
    }

    @Test("F16, BF16, F64, I64, I32, U8 and BOOL are converted to Float")
    func dtypes() throws {
        let header = """
        {"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]},\
        "d":{"dtype":"F64","shape":[1],"data_offsets":[6,14]},"n":{"dtype":"I64","shape":[1],"data_offsets":[14,22]},\
        "i":{"dtype":"I32","shape":[1],"data_offsets":[22,26]},"u":{"dtype":"U8","shape":[1],"data_offsets":[26,27]},\
        "t":{"dtype":"BOOL","shape":[2],"data_offsets":[27,29]}}
        """
        let data: [UInt8] = [0x00, 0x3C, 0x01, 0x00]  // F16 1.0 and the smallest subnormal 2^-24
            + [0xC0, 0x3F]  // BF16 1.5
            + [0, 0, 0, 0, 0, 0, 0x04, 0xC0]  // F64 -2.5
            + [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]  // I64 -2
            + [0x10, 0x27, 0, 0]  // I32 10000
            + [200] + [1, 0]
        let file = try Safetensors.decode(safetensorsBytes(header: header, data: data), path: "t.safetensors")
        #expect(file.names == ["h", "b", "d", "n", "i", "u", "t"])
        #expect(file["h"]?.scalars == [1, Float(sign: .plus, exponent: -24, significand: 1)])
        #expect(file["b"]?.scalars == [1.5])
        #expect(file["d"]?.scalars == [-2.5])
        #expect(file["n"]?.scalars == [-2])
        #expect(file["i"]?.scalars == [10_000])
        #expect(file["u"]?.scalars == [200])
        #expect(file["t"]?.scalars == [1, 0])
    }

    @Test("malformed files name the file and the tensor", arguments: [
        (#"{"fc1.weight":{"dtype":"F32","shape":[10,10],"data_offsets":[0,100]}}"#, 100,
         "model.safetensors: tensor 'fc1.weight': data_offsets [0, 100) hold 100 bytes, shape [10, 10] of F32 needs 400"),
        (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 2,
         "model.safetensors: tensor 'w': data_offsets [0, 4) run past the end of the 2-byte data section"),
        (#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, 4,
         "model.safetensors: tensor 'w': data_offsets [4, 0) end before they begin"),
        (#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#, 4,
         "model.safetensors: tensor 'b': data_offsets [2, 4) overlap tensor 'a' at [0, 4)"),
        (#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#, 4,
         "model.safetensors: tensor 'a': data_offsets [2, 4) leave bytes [0, 2) of the data section unused"),
        (#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#, 5,
         "model.safetensors: data section is 5 bytes but the tensors cover only 2"),
        (#"{"a":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}"#, 2,
         "model.safetensors: tensor 'a': dtype 'F8_E4M3' is not supported, expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL"),
        (#"{"a":{"dtype":"U8","shape":[true],"data_offsets":[0,1]}}"#, 1,
         "model.safetensors: tensor 'a': shape is not a list of non-negative integers"),
        (#"{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}"#, 1,
         "model.safetensors: tensor 'a': shape is not a list of non-negative integers"),
        (#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1.5]}}"#, 1,
         "model.safetensors: tensor 'a': data_offsets is not a pair of non-negative integers [begin, end]"),
        (#"{"a":{"dtype":"U8","shape":[1]}}"#, 1,
         "model.safetensors: tensor 'a': entry has keys [\"dtype\", \"shape\"], expected exactly data_offsets, dtype and shape"),
        (#"{"a":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,1]}}"#, 1,
         "model.safetensors: tensor 'a': shape [4294967296, 4294967296] has more elements than an Int can count"),
        (#"{"__metadata__":{"epoch":3}}"#, 0,
         "model.safetensors: __metadata__ entry 'epoch' is not a string; metadata maps strings to strings"),
        (#"{"a": nope}"#, 0, "model.safetensors: header is not valid JSON (11 bytes)"),
        (#"[1, 2]"#, 0, "model.safetensors: header does not start with '{'"),
    ])
    func malformed(header: String, dataSize: Int, expected: String) {
        expectError(expected) {
            _ = try Safetensors.decode(safetensorsBytes(header: header, data: [UInt8](repeating: 0, count: dataSize)),
                                       path: "model.safetensors")
        }
    }

    @Test("header length: too short a file, past the end, over the limit")
    func headerLength() {
        expectError("m.safetensors: file is 3 bytes, too short for the 8-byte header length") {
            _ = try Safetensors.decode(Data([1, 2, 3]), path: "m.safetensors")
        }
        expectError("m.safetensors: header length 64 runs past the end of the 10-byte file") {
            _ = try Safetensors.decode(Data([64, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D]), path: "m.safetensors")
        }
        expectError("m.safetensors: header length 18446744073709551615 exceeds the limit of 100000000 bytes") {
            _ = try Safetensors.decode(Data([UInt8](repeating: 0xFF, count: 8) + [0x7B, 0x7D]), path: "m.safetensors")
        }
        expectError("m.safetensors: header length 200000000 exceeds the limit of 100000000 bytes") {
            let length = (0..<8).map { UInt8(truncatingIfNeeded: 200_000_000 >> (8 * $0)) }
            _ = try Safetensors.decode(Data(length + [0x7B, 0x7D]), path: "m.safetensors")
        }
    }

    @Test("interoperates with PyTorch / safetensors / NumPy in python3",
          .enabled(if: Python.hasNumpy, "numpy is not importable by python3; safetensors interop not checked"))
    func pythonInterop() throws {
        let directory = try makeTemporaryDirectory()
        defer { cleanUp(directory) }
        // Written with safetensors.torch when available (real PyTorch state dict with an int64
        // num_batches_tracked, F16 and BF16), otherwise by a plain NumPy writer of the format.
        let writer = """
        import sys, json, struct
        import numpy as np
        d = sys.argv[1]
        w = (np.arange(12, dtype=np.float32).reshape(3, 4) - 6) / 4
        try:
            import torch
            from safetensors.torch import save_file
            sd = {'conv.weight': torch.from_numpy(w), 'bn.num_batches_tracked': torch.tensor(17, dtype=torch.int64),
                  'half': torch.tensor([1.5, -0.25], dtype=torch.float16),
                  'brain': torch.tensor([3.0, -0.5], dtype=torch.bfloat16)}
            save_file(sd, d + '/py.safetensors', metadata={'format': 'pt'})
            print('torch')
        except ImportError:
            parts = [('bn.num_batches_tracked', 'I64', [], np.array(17, '<i8').tobytes()),
                     ('brain', 'BF16', [2], (np.array([3.0, -0.5], '<f4').view('<u4') >> 16).astype('<u2').tobytes()),
                     ('conv.weight', 'F32', [3, 4], w.astype('<f4').tobytes()),
                     ('half', 'F16', [2], np.array([1.5, -0.25], '<f2').tobytes())]
            header, offset = {'__metadata__': {'format': 'pt'}}, 0
            for name, dtype, shape, raw in parts:
                header[name] = {'dtype': dtype, 'shape': shape, 'data_offsets': [offset, offset + len(raw)]}
                offset += len(raw)
            text = json.dumps(header).encode()
            with open(d + '/py.safetensors', 'wb') as f:
                f.write(struct.pack('<Q', len(text)) + text + b''.join(p[3] for p in parts))
            print('numpy')
        """
        let written = try Python.run(writer, arguments: [directory.path])
        try #require(written.status == 0, "python failed: \(written.output)")
        #expect(written.output.contains("torch") || !Python.hasSafetensors, "safetensors is installed but was not used")
        let file = try Safetensors.read(contentsOf: directory.appendingPathComponent("py.safetensors"))
        #expect(file["conv.weight"] == Tensor(shape: [3, 4], scalars: (0..<12).map { (Float($0) - 6) / 4 }))
        #expect(file["bn.num_batches_tracked"] == Tensor(shape: [], scalars: [17]))
        #expect(file["half"]?.scalars == [1.5, -0.25])
        #expect(file["brain"]?.scalars == [3, -0.5])
        #expect(file.metadata == ["format": "pt"])

        let ours = ["layer.weight": Tensor(shape: [2, 2], scalars: [0.5, -1, 2, 4]), "layer.bias": Tensor(shape: [2], scalars: [7, 8])]
        try Safetensors.write(ours, metadata: ["written_by": "invlab"], to: directory.appendingPathComponent("ours.safetensors"))
        let reader = """
        import sys, json, struct
        import numpy as np
        path = sys.argv[1] + '/ours.safetensors'
        try:
            from safetensors.numpy import load_file
            t = load_file(path)
        except ImportError:
            raw = open(path, 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]
            h = json.loads(raw[8:8 + n])
            t = {k: np.frombuffer(raw[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]], '<f4').reshape(v['shape'])
                 for k, v in h.items() if k != '__metadata__'}
        assert t['layer.weight'].dtype == np.float32 and t['layer.weight'].tolist() == [[0.5, -1], [2, 4]], t
        assert t['layer.bias'].tolist() == [7, 8], t
        print('ok')
        """
        let read = try Python.run(reader, arguments: [directory.path])
        #expect(read.status == 0 && read.output.contains("ok"), "python could not read our file: \(read.output)")
    }
}
