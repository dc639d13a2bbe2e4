// A contact sheet of synthetic faces for humans to look at, as binary PGM (grey) or PPM (RGB).
//
// Netpbm needs no encoder library, and most image viewers and converters read it; PNG output
// belongs to the IO module.

import Foundation

extension SyntheticFaces {
    /// The preview grid as Netpbm bytes: one row per identity, one column per image, separated
    /// by `border` pixels of mid-grey. Grey sets give binary PGM (P5), RGB sets binary PPM (P6).
    ///
    /// `identities` and `imagesPerIdentity` default to the whole set and may not exceed it.
    public func previewNetpbm(identities rows: Int? = nil, imagesPerIdentity columns: Int? = nil,
                              border: Int = 2) -> Data {
        let rows = min(rows ?? identities, identities), columns = min(columns ?? imagesPerIdentity, imagesPerIdentity)
        let gridWidth = columns * width + (columns + 1) * border
        let gridHeight = rows * height + (rows + 1) * border
        var bytes = [UInt8](repeating: 128, count: gridWidth * gridHeight * channels)
        let plane = width * height
        for row in 0..<rows {
            for column in 0..<columns {
                let pixels = image(identity: row, image: column)
                let left = border + column * (width + border), top = border + row * (height + border)
                for y in 0..<height {
                    for x in 0..<width {
                        let target = ((top + y) * gridWidth + left + x) * channels
                        for ch in 0..<channels {
                            let value = pixels[ch * plane + y * width + x]
                            bytes[target + ch] = UInt8(SyntheticFaceMath.clamp(value, 0, 1) * 255 + 0.5)
                        }
                    }
                }
            }
        }
        var data = Data("\(channels == 1 ? "P5" : "P6")\n\(gridWidth) \(gridHeight)\n255\n".utf8)
        data.append(contentsOf: bytes)
        return data
    }

    /// Writes `previewNetpbm(...)` to `path` (conventionally ending in .pgm or .ppm).
    public func writePreview(to path: String, identities rows: Int? = nil, imagesPerIdentity columns: Int? = nil,
                             border: Int = 2) throws {
        try previewNetpbm(identities: rows, imagesPerIdentity: columns, border: border)
            .write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
