import Foundation
import InvLabCTurboJPEG

/// Decodes JPEG through the TurboJPEG API of libjpeg-turbo (errors by return value, no longjmp).
///
/// Greyscale JPEGs decode to 1 channel, everything else to RGB. Decoding is strict: a
/// warning such as "Premature end of JPEG file" (a truncated download) is an error, because
/// the grey fill libjpeg invents for the missing part is not data. CMYK JPEGs are rejected, and
/// so are progressive JPEGs with more than 500 scans (a decoding-time bomb).
public enum JPEGDecoder {
    /// Decodes a JPEG held in memory; `path` names the file in errors.
    public static func decode(_ data: Data, path: String, limits: ReadLimits = .standard) throws -> Image {
        let fail = FormatErrorFactory(path: path, format: "JPEG")
        guard let handle = tjInitDecompress() else {
            throw fail.error("TurboJPEG could not create a decompressor")
        }
        defer { tjDestroy(handle) }
        var bytes = [UInt8](data)
        guard bytes.count <= Int(UInt32.max) else { throw fail.error("JPEG file is larger than 4 GiB") }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colourspace: Int32 = 0
        let headerStatus = bytes.withUnsafeMutableBufferPointer { buffer in
            tjDecompressHeader3(handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colourspace)
        }
        guard headerStatus == 0 else { throw fail.error("cannot read JPEG header: \(errorText(handle))") }
        guard width > 0, height > 0 else {
            throw fail.error("JPEG header is incomplete: no frame header with the image size before the data ends")
        }
        let channels = colourspace == Int32(TJCS_GRAY.rawValue) ? 1 : 3
        let bufferSize = try limits.checkImage(width: Int(width), height: Int(height), channels: channels, fail)
        if colourspace == Int32(TJCS_CMYK.rawValue) || colourspace == Int32(TJCS_YCCK.rawValue) {
            throw fail.error("CMYK JPEG is not supported, expected greyscale or colour (convert it to RGB first)")
        }
        let pixelFormat = channels == 1 ? TJPF_GRAY : TJPF_RGB
        var output = [UInt8](repeating: 0, count: bufferSize)
        let status = bytes.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                tjDecompress2(handle, input.baseAddress, UInt(input.count), out.baseAddress,
                              width, 0, height, Int32(pixelFormat.rawValue), decompressFlags)
            }
        }
        guard status == 0 else { throw fail.error("corrupt JPEG data: \(errorText(handle))") }
        return output.withUnsafeBufferPointer { samples in
            Image.fromInterleaved(bytes: samples, width: Int(width), height: Int(height), channels: channels)
        }
    }

    /// Accurate IDCT; stop at the first warning (it is an error here anyway, and libjpeg would
    /// otherwise go on decoding every remaining scan of a damaged file); at most 500 progressive
    /// scans. Without the last two, a 33 KB progressive JPEG claiming 16384x6000 pixels with
    /// 2400 empty scans took over 10 s (each scan passes over the whole image).
    static let decompressFlags = Int32(TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS)

    private static func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown TurboJPEG error" }
        return String(cString: text)
    }
}
