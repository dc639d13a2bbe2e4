/// Every resource limit the readers enforce, in one place.
///
/// Limits are checked *before* memory is allocated, using sizes declared in the file's header,
/// so a 40-byte file that claims a 100000 x 100000 image is rejected without trying to allocate
/// 40 GB. Defaults are generous for research data (faces, MNIST, model weights) and can be
/// raised per call by passing a modified value.
public struct ReadLimits: Sendable, Equatable {
    /// Largest accepted image width or height, in pixels.
    public var maxImageDimension: Int
    /// Largest accepted width x height of one image.
    public var maxImagePixels: Int
    /// Largest accepted number of elements in one tensor or array (IDX, NPY, safetensors).
    public var maxTensorElements: Int
    /// Largest accepted size in bytes of one tensor's stored data.
    public var maxTensorBytes: Int
    /// Largest accepted safetensors JSON header, in bytes.
    public var maxSafetensorsHeaderBytes: Int
    /// Largest accepted NPY header, in bytes.
    public var maxNPYHeaderBytes: Int
    /// Largest accepted output of decompressing one gzip stream (zip-bomb guard).
    public var maxDecompressedBytes: Int

    public init(
        maxImageDimension: Int = 16_384,
        maxImagePixels: Int = 100_000_000,
        maxTensorElements: Int = 536_870_912,
        maxTensorBytes: Int = 2 << 30,
        maxSafetensorsHeaderBytes: Int = 100_000_000,
        maxNPYHeaderBytes: Int = 1 << 20,
        maxDecompressedBytes: Int = 2 << 30
    ) {
        self.maxImageDimension = maxImageDimension
        self.maxImagePixels = maxImagePixels
        self.maxTensorElements = maxTensorElements
        self.maxTensorBytes = maxTensorBytes
        self.maxSafetensorsHeaderBytes = maxSafetensorsHeaderBytes
        self.maxNPYHeaderBytes = maxNPYHeaderBytes
        self.maxDecompressedBytes = maxDecompressedBytes
    }

    /// The defaults: 16384 px per side, 100 M pixels, 512 M elements / 2 GiB per tensor,
    /// 100 MB safetensors header, 1 MiB NPY header, 2 GiB decompressed gzip.
    public static let standard = ReadLimits()
}

extension ReadLimits {
    /// Rejects image dimensions outside the limits (zero, too wide/high, too many pixels) and
    /// returns the number of samples `width * height * channels`.
    @discardableResult
    func checkImage(width: Int, height: Int, channels: Int = 1, _ fail: FormatErrorFactory) throws -> Int {
        guard width > 0, height > 0 else {
            throw fail.error("image size \(width)x\(height) is empty, expected positive width and height")
        }
        guard width <= maxImageDimension, height <= maxImageDimension else {
            throw fail.error("image size \(width)x\(height) exceeds the limit of \(maxImageDimension) pixels per side")
        }
        guard let pixels = CheckedArithmetic.multiply(width, height), pixels <= maxImagePixels,
              let samples = CheckedArithmetic.multiply(pixels, channels) else {
            throw fail.error("image size \(width)x\(height) exceeds the limit of \(maxImagePixels) pixels")
        }
        return samples
    }

    /// Validates a tensor shape and returns its element count and stored byte size
    /// (`elements * bytesPerElement`), throwing on negative dimensions, overflow or limits.
    func checkTensor(shape: [Int], bytesPerElement: Int, _ fail: FormatErrorFactory,
                     tensor: String? = nil) throws -> (elements: Int, bytes: Int) {
        if let negative = shape.first(where: { $0 < 0 }) {
            throw fail.error("shape \(shape) has a negative dimension \(negative)", tensor: tensor)
        }
        guard let elements = CheckedArithmetic.product(shape) else {
            throw fail.error("shape \(shape) has more elements than an Int can count", tensor: tensor)
        }
        guard elements <= maxTensorElements else {
            throw fail.error("shape \(shape) has \(elements) elements, more than the limit of \(maxTensorElements)",
                             tensor: tensor)
        }
        guard let bytes = CheckedArithmetic.multiply(elements, bytesPerElement), bytes <= maxTensorBytes else {
            throw fail.error("shape \(shape) needs more than the limit of \(maxTensorBytes) bytes", tensor: tensor)
        }
        return (elements, bytes)
    }
}
