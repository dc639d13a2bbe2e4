#!/usr/bin/env python3
"""Writes the seed corpora in Fuzz/seeds/<target>/: tiny valid files of every flavour each
reader accepts, so the fuzzer starts from inputs that reach deep into the decoders.

Python standard library only (PNG, gzip, IDX, NPY, safetensors and PNM are written by hand);
JPEG seeds come from libturbojpeg through ctypes (a build dependency of InversionLab anyway).
The output is deterministic; the files are checked in, so this only needs re-running to add
seeds. Usage: python3 Fuzz/make_seeds.py
"""
import ctypes
import ctypes.util
import gzip
import io
import json
import os
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")


def write(target, name, data):
    directory = os.path.join(ROOT, target)
    os.makedirs(directory, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(directory, name), "wb") as handle:
        handle.write(data)


def pixels(width, height, channels, depth=8):
    top = (1 << depth) - 1
    return [[(x * 37 + y * 11 + c * 71) % (top + 1) for x in range(width) for c in range(channels)]
            for y in range(height)]


# MARK: PGM / PPM

def pnm():
    rows = pixels(4, 3, 1)
    write("pnm", "grey-p5.pgm", b"P5\n4 3\n255\n" + bytes(v for row in rows for v in row))
    rows = pixels(3, 2, 3)
    write("pnm", "rgb-p6.ppm", b"P6 3 2 255\n" + bytes(v for row in rows for v in row))
    write("pnm", "ascii-p2.pgm", "P2\n# a comment\n3 2\n15\n0 3 6\n9 12 15\n")
    write("pnm", "ascii-p3.ppm", "P3\n2 2\n255\n255 0 0  0 255 0\n0 0 255  255 255 255\n")
    rows = pixels(2, 2, 1, depth=10)
    write("pnm", "grey16-p5.pgm", b"P5\n2 2\n1023\n" + b"".join(struct.pack(">H", v) for row in rows for v in row))
    write("pnm", "comments-p5.pgm", b"P5 #c1\n#c2\n2 #c3\n1\n#c4\n255\n" + bytes([0, 255]))


# MARK: PNG

def png_chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(width, height, colour_type, depth, rows, interlace=0, extra=b""):
    """rows: list of per-row sample lists (already packed for sub-byte depths)."""
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, interlace)
    raw = bytearray()
    if interlace:
        raw = adam7(width, height, colour_type, depth, rows)
    else:
        for row in rows:
            raw.append(0)
            raw.extend(row)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + extra
            + png_chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + png_chunk(b"IEND", b""))


def adam7(width, height, colour_type, depth, rows):
    """8-bit only: samples per pixel from the colour type, passes with filter byte 0."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = bytearray()
    for x0, y0, dx, dy in passes:
        xs = list(range(x0, width, dx))
        if not xs:
            continue
        for y in range(y0, height, dy):
            raw.append(0)
            for x in xs:
                raw.extend(rows[y][x * channels:(x + 1) * channels])
    return raw


def pngs():
    write("png", "grey8.png", png(4, 3, 0, 8, pixels(4, 3, 1)))
    write("png", "rgb8.png", png(3, 2, 2, 8, pixels(3, 2, 3)))
    write("png", "rgba8.png", png(2, 2, 6, 8, pixels(2, 2, 4)))
    write("png", "grey-alpha8.png", png(2, 2, 4, 8, pixels(2, 2, 2)))
    grey16 = [[b for v in row for b in struct.pack(">H", v)] for row in pixels(2, 2, 1, depth=16)]
    write("png", "grey16.png", png(2, 2, 0, 16, grey16))
    rgb16 = [[b for v in row for b in struct.pack(">H", v)] for row in pixels(2, 1, 3, depth=16)]
    write("png", "rgb16.png", png(2, 1, 2, 16, rgb16))
    palette = png_chunk(b"PLTE", bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]))
    transparency = png_chunk(b"tRNS", bytes([255, 128]))
    write("png", "palette8.png", png(3, 2, 3, 8, [[0, 1, 2], [3, 2, 1]], extra=palette + transparency))
    write("png", "palette2.png", png(4, 1, 3, 2, [[0b00011011]], extra=palette))
    write("png", "grey1.png", png(8, 2, 0, 1, [[0b10110010], [0b01001101]]))
    write("png", "interlaced-rgb8.png", png(5, 5, 2, 8, pixels(5, 5, 3), interlace=1))
    gamma = png_chunk(b"gAMA", struct.pack(">I", 45455)) + png_chunk(b"sRGB", b"\x00")
    text = png_chunk(b"tEXt", b"Comment\x00seed")
    write("png", "grey8-ancillary.png", png(2, 2, 0, 8, pixels(2, 2, 1), extra=gamma + text))


# MARK: JPEG (libturbojpeg)

def jpegs():
    path = ctypes.util.find_library("turbojpeg") or "libturbojpeg.so.0"
    tj = ctypes.CDLL(path)
    tj.tjInitCompress.restype = ctypes.c_void_p
    tj.tjCompress2.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                               ctypes.c_int, ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte)),
                               ctypes.POINTER(ctypes.c_ulong), ctypes.c_int, ctypes.c_int, ctypes.c_int]
    tj.tjFree.argtypes = [ctypes.c_void_p]
    tj.tjDestroy.argtypes = [ctypes.c_void_p]
    TJPF_RGB, TJPF_GRAY = 0, 6
    TJSAMP_444, TJSAMP_422, TJSAMP_420, TJSAMP_GRAY = 0, 1, 2, 3
    TJFLAG_PROGRESSIVE = 16384

    def compress(width, height, grey, subsampling, quality, flags=0):
        channels = 1 if grey else 3
        data = bytes(v for row in pixels(width, height, channels) for v in row)
        handle = tj.tjInitCompress()
        output = ctypes.POINTER(ctypes.c_ubyte)()
        size = ctypes.c_ulong(0)
        status = tj.tjCompress2(handle, data, width, 0, height, TJPF_GRAY if grey else TJPF_RGB,
                                ctypes.byref(output), ctypes.byref(size), subsampling, quality, flags)
        assert status == 0, "tjCompress2 failed"
        result = ctypes.string_at(output, size.value)
        tj.tjFree(output)
        tj.tjDestroy(handle)
        return result

    write("jpeg", "grey-8x8.jpg", compress(8, 8, True, TJSAMP_GRAY, 50))
    write("jpeg", "rgb444-8x8.jpg", compress(8, 8, False, TJSAMP_444, 50))
    write("jpeg", "rgb420-16x16.jpg", compress(16, 16, False, TJSAMP_420, 30))
    write("jpeg", "rgb422-9x7.jpg", compress(9, 7, False, TJSAMP_422, 40))
    write("jpeg", "progressive-rgb-8x8.jpg", compress(8, 8, False, TJSAMP_420, 50, TJFLAG_PROGRESSIVE))
    write("jpeg", "progressive-grey-8x8.jpg", compress(8, 8, True, TJSAMP_GRAY, 50, TJFLAG_PROGRESSIVE))


# MARK: IDX

def idx_file(code, fmt, shape, values):
    header = bytes([0, 0, code, len(shape)]) + b"".join(struct.pack(">I", d) for d in shape)
    return header + b"".join(struct.pack(">" + fmt, v) for v in values)


def idx():
    write("idx", "images-ubyte.idx3", idx_file(0x08, "B", [2, 2, 3], range(0, 240, 20)))
    write("idx", "labels-ubyte.idx1", idx_file(0x08, "B", [5], [3, 1, 4, 1, 5]))
    write("idx", "labels-int.idx1", idx_file(0x0C, "i", [3], [-7, 0, 70000]))
    write("idx", "byte.idx2", idx_file(0x09, "b", [2, 2], [-128, -1, 0, 127]))
    write("idx", "short.idx1", idx_file(0x0B, "h", [3], [-300, 0, 300]))
    write("idx", "float.idx2", idx_file(0x0D, "f", [2, 1], [0.5, -2.25]))
    write("idx", "double.idx1", idx_file(0x0E, "d", [2], [1e-3, 3.5]))
    write("idx", "empty.idx2", idx_file(0x08, "B", [0, 4], []))
    write("idx", "labels-ubyte.idx1.gz", gzip_bytes(idx_file(0x08, "B", [4], [9, 8, 7, 6])))


# MARK: NPY

def npy_file(descr, shape, payload, fortran=False, version=1):
    shape_text = "(%d,)" % shape[0] if len(shape) == 1 else "(" + ", ".join(str(d) for d in shape) + ")"
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, "True" if fortran else "False", shape_text)
    prefix = 10 if version == 1 else 12
    header += " " * ((64 - (prefix + len(header) + 1) % 64) % 64) + "\n"
    length = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode("latin-1") + payload


def npy():
    write("npy", "f4-2x3.npy", npy_file("<f4", [2, 3], struct.pack("<6f", 0, 1, 2, 3, 4.5, -1)))
    write("npy", "f8-big-3.npy", npy_file(">f8", [3], struct.pack(">3d", 1e-3, 2, -7)))
    write("npy", "u1-2x2.npy", npy_file("|u1", [2, 2], bytes([0, 1, 254, 255])))
    write("npy", "i8-fortran-2x3.npy", npy_file("<i8", [2, 3], struct.pack("<6q", 1, 4, 2, 5, 3, 6), fortran=True))
    write("npy", "b1-3.npy", npy_file("|b1", [3], bytes([1, 0, 1])))
    write("npy", "f2-2.npy", npy_file("<f2", [2], struct.pack("<2e", 0.5, -65504)))
    write("npy", "u4-scalar.npy", npy_file("<u4", [], struct.pack("<I", 4000000000)))
    write("npy", "f4-empty.npy", npy_file("<f4", [0, 5], b""))
    write("npy", "v2-i4-2.npy", npy_file("<i4", [2], struct.pack("<2i", -5, 5), version=2))
    write("npy", "v3-i1-2.npy", npy_file("|i1", [2], bytes([0x80, 0x7F]), version=3))


# MARK: safetensors

def safetensors_file(tensors, metadata=None):
    header, payload = {}, b""
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(payload), len(payload) + len(data)]}
        payload += data
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + payload


def safetensors():
    write("safetensors", "f32-two.safetensors", safetensors_file(
        [("a", "F32", [2, 2], struct.pack("<4f", 1, 2, 3, 4)), ("b.weight", "F32", [3], struct.pack("<3f", 0, -1, 0.5))],
        metadata={"format": "pt"}))
    write("safetensors", "mixed.safetensors", safetensors_file([
        ("bf16", "BF16", [2], struct.pack("<2H", 0x3F80, 0xC000)),
        ("f16", "F16", [2], struct.pack("<2e", 1.5, -2)),
        ("f64", "F64", [1], struct.pack("<d", 3.25)),
        ("i64", "I64", [2], struct.pack("<2q", -1, 2 ** 40)),
        ("u8", "U8", [3], bytes([0, 128, 255])),
        ("bool", "BOOL", [2], bytes([1, 0])),
    ]))
    write("safetensors", "ints.safetensors", safetensors_file([
        ("i8", "I8", [2], struct.pack("<2b", -3, 3)), ("i16", "I16", [1], struct.pack("<h", -300)),
        ("i32", "I32", [1], struct.pack("<i", 70000)), ("u16", "U16", [1], struct.pack("<H", 65535)),
        ("u32", "U32", [1], struct.pack("<I", 4000000000)), ("u64", "U64", [1], struct.pack("<Q", 2 ** 63)),
    ]))
    write("safetensors", "empty-tensor.safetensors", safetensors_file([("e", "F32", [0, 3], b""), ("s", "F32", [], struct.pack("<f", 7))]))
    write("safetensors", "no-tensors.safetensors", safetensors_file([], metadata={}))


# MARK: gzip

def gzip_bytes(payload, **options):
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, **options) as handle:
        handle.write(payload)
    return buffer.getvalue()


def gzips():
    write("gzip", "text.gz", gzip_bytes(b"InversionLab fuzz seed\n" * 3))
    write("gzip", "empty.gz", gzip_bytes(b""))
    write("gzip", "two-members.gz", gzip_bytes(b"first\n") + gzip_bytes(b"second\n"))
    write("gzip", "stored.gz", gzip_bytes(bytes(range(64)), compresslevel=0))
    # Optional header fields: FEXTRA, FNAME, FCOMMENT, FHCRC.
    body = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = b"header fields\n"
    deflated = body.compress(data) + body.flush()
    header = b"\x1f\x8b\x08" + bytes([0x04 | 0x08 | 0x10 | 0x02]) + b"\x00\x00\x00\x00\x00\x03"
    header += struct.pack("<H", 4) + b"ab\x00\x00" + b"name.idx\x00" + b"comment\x00"
    header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data))
    write("gzip", "header-fields.gz", header + deflated + trailer)


# MARK: spec (YAML; an optional NUL byte is followed by --set overrides, one per line)

def specs():
    write("spec", "minimal.yaml", "version: 1\nname: tiny\n")
    write("spec", "experiment.yaml", """\
version: 1
name: tiny-experiment
seed: 3
data:
  source: {type: synthetic_faces, identities: 4, images_per_identity: 4, height: 16, width: 12}
  train_per_identity: 3
target: {type: softmax_regression, train: {epochs: 3, batch_size: 4}}
evaluator: {type: mlp, hidden: [8], train: {epochs: 3, batch_size: 4}}
attack:
  type: gradient
  iterations: 6
  regularizers: [{type: total_variation, weight: 0.01}]
  optimizer: {type: gradient_descent, lr: 0.1}
defense: none
identities: 2
metrics: [attack_accuracy, target_confidence, recognition_accuracy, cost]
output: {images: true, report: false}
""")
    write("spec", "fuzz-config.yaml", """\
version: 1
name: fuzz
seed: 7
data:
  source: {type: orl, weight: 0.5}
  image_size: 32
  split: test
  classes: [0, 1, 2]
  fraction: 0.25
attack:
  steps: 10
  learning_rate: 0.5
  clip: true
  regularizers:
    - {type: tv, weight: 0.05, norm: l2}
    - l2
  schedule: [0.1, 1e-2, .5]
target: cnn
defense: [{type: noise, weight: 1}]
metrics: [a, b]
tags: {owner: lab, "quoted key": 'single'}
""")
    write("spec", "sweep.yaml", """\
version: 1
name: sweep
attack: {steps: 5, learning_rate: 0.1}
sweep:
  attack.learning_rate: {from: 0.1, to: 0.3, step: 0.1}
  attack.regularizers[0].weight: [0.01, 0.1]
  data.image_size: [16, 32]
""")
    write("spec", "anchors.yaml", """\
version: 1
name: anchors
base: &base {weight: 0.1, norm: l1}
attack:
  regularizers:
    - <<: *base
    - {type: tv, <<: *base}
  schedule: &s [1, 2, 3]
data: {classes: *s}
""")
    write("spec", "scalars.yaml", """\
version: 1
name: "scalars"
seed: 0x1F
text: |
  literal block
   keeps lines
folded: >-
  folded
  text
values: [~, null, true, False, .inf, -.Inf, .nan, 1_000, 0o17, +12.5e-3, "\\u00e9\\t", 'it''s']
tagged: [!!str 123, !!int "7", !!float 1, !!bool "true", !!null ""]
nested: {a: {b: {c: [[1, 2], [3, {d: e}]]}}}
empty: {}
list: []
unicode: "ümlaut ✓"
""")
    write("spec", "overrides.yaml", "version: 1\nname: ov\nattack: {steps: 3, regularizers: [{type: tv}]}\n\x00"
          "attack.steps=7\nattack.regularizers[0].weight=0.5\ndata={split: validation, classes: [1, 2]}\n"
          "sweep.attack.clip=[true, false]\nname=\"quoted\"\nseed=\n")
    write("spec", "documents.yaml", "%YAML 1.1\n---\nversion: 1 # comment\nname: docs\n...\n")
    write("spec", "errors.yaml", "version: 2\nname: bad name!\nseed: -1\ndata: {image_size: 3, split: nope}\n"
          "attack: {steps: 0, learning_rate: 0, clip: maybe, unknown_key: 1}\ntarget: {weight: 1}\n")


if __name__ == "__main__":
    pnm()
    pngs()
    jpegs()
    idx()
    npy()
    safetensors()
    gzips()
    specs()
    for target in sorted(os.listdir(ROOT)):
        files = os.listdir(os.path.join(ROOT, target))
        sizes = [os.path.getsize(os.path.join(ROOT, target, f)) for f in files]
        print(f"{target}: {len(files)} seeds, largest {max(sizes)} bytes")
