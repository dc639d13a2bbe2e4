/// The on-disk scalar types of IDX, NPY and safetensors, and their conversion to `Float`.
///
/// One decoder serves all three formats, so every integer and float encoding is converted
/// (and tested) once. Conversion to `Float` is exact for 8/16-bit integers and half floats,
/// rounds to nearest for wider integers and doubles.
enum ScalarEncoding: Sendable, Equatable {
    case bool, uint8, int8, uint16, int16, uint32, int32, uint64, int64, float16, bfloat16, float32, float64

    /// Bytes per element.
    var size: Int {
        switch self {
        case .bool, .uint8, .int8: return 1
        case .uint16, .int16, .float16, .bfloat16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        }
    }

    /// True for the integer and boolean encodings.
    var isInteger: Bool {
        switch self {
        case .float16, .bfloat16, .float32, .float64: return false
        default: return true
        }
    }
}

enum ScalarDecoding {
    /// Decodes `count` elements stored back to back in `raw` (which must hold at least
    /// `count * encoding.size` bytes; callers check this against the file size first).
    static func floats(_ raw: UnsafeRawBufferPointer, count: Int, encoding: ScalarEncoding,
                       bigEndian: Bool) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            let size = encoding.size
            for i in 0..<count {
                out[i] = value(raw, offset: i * size, encoding: encoding, bigEndian: bigEndian)
            }
            initialized = count
        }
    }

    /// Decodes integer elements exactly (for labels); `nil` for a float encoding.
    static func integers(_ raw: UnsafeRawBufferPointer, count: Int, encoding: ScalarEncoding,
                         bigEndian: Bool) -> [Int]? {
        guard encoding.isInteger, encoding != .uint64 else { return nil }
        return (0..<count).map { i in
            let bits = word(raw, offset: i * encoding.size, size: encoding.size, bigEndian: bigEndian)
            switch encoding {
            case .int8: return Int(Int8(truncatingIfNeeded: bits))
            case .int16: return Int(Int16(truncatingIfNeeded: bits))
            case .int32: return Int(Int32(truncatingIfNeeded: bits))
            case .int64: return Int(Int64(bitPattern: bits))
            default: return Int(bits)
            }
        }
    }

    @inline(__always)
    static func value(_ raw: UnsafeRawBufferPointer, offset: Int, encoding: ScalarEncoding, bigEndian: Bool) -> Float {
        let bits = word(raw, offset: offset, size: encoding.size, bigEndian: bigEndian)
        switch encoding {
        case .bool: return bits == 0 ? 0 : 1
        case .uint8, .uint16, .uint32, .uint64: return Float(bits)
        case .int8: return Float(Int8(truncatingIfNeeded: bits))
        case .int16: return Float(Int16(truncatingIfNeeded: bits))
        case .int32: return Float(Int32(truncatingIfNeeded: bits))
        case .int64: return Float(Int64(bitPattern: bits))
        case .float16: return halfToFloat(UInt16(truncatingIfNeeded: bits))
        case .bfloat16: return Float(bitPattern: UInt32(truncatingIfNeeded: bits) << 16)
        case .float32: return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
        case .float64: return Float(Double(bitPattern: bits))
        }
    }

    /// The `size`-byte unsigned word at `offset`, in the given byte order.
    @inline(__always)
    static func word(_ raw: UnsafeRawBufferPointer, offset: Int, size: Int, bigEndian: Bool) -> UInt64 {
        switch size {
        case 1:
            return UInt64(raw[offset])
        case 2:
            let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
            return UInt64(bigEndian ? UInt16(bigEndian: v) : UInt16(littleEndian: v))
        case 4:
            let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            return UInt64(bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v))
        default:
            let v = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            return bigEndian ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
        }
    }

    /// IEEE 754 binary16 to binary32, exact (subnormals, infinities and NaN included).
    static func halfToFloat(_ half: UInt16) -> Float {
        let sign = UInt32(half & 0x8000) << 16
        let exponent = Int(half >> 10) & 0x1F
        let mantissa = UInt32(half & 0x03FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        if exponent == 0 {
            // Zero or subnormal: mantissa * 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
