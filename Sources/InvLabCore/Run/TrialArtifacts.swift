import Foundation
import InvLabIO
import InvLabTensor

/// Per-trial files: the reconstructions as an array and PNG grids beside the real faces.
public enum TrialArtifacts {
    /// Directory name of a trial's files inside the run directory.
    public static func directoryName(_ trial: Int) -> String { String(format: "trials/%04d", trial) }

    /// Writes `reconstructions.npy` (selected attempts, float32 I x C x H x W), `attempts.npy`
    /// (every restart), `starts.npy` (the image each selected reconstruction started from, so that
    /// its change can be judged again later), `loss_curves.csv`, and `grid.png`: per identity a real private training face
    /// beside its reconstruction, framed by `verdicts` (the trial's per-identity `attack_top1`, in
    /// target order; see `ImageGrid.pairs`).
    public static func write(_ result: AttackResult, data: ExperimentData, trial: Int, directory: RunDirectory,
                             verdicts: [Double?] = []) throws {
        let base = directoryName(trial)
        try directory.write(NPYFile.encode(result.reconstructions), to: "\(base)/reconstructions.npy")
        if result.restarts > 1 { try directory.write(NPYFile.encode(result.attempts), to: "\(base)/attempts.npy") }
        if let starts = result.starts { try directory.write(NPYFile.encode(starts), to: "\(base)/starts.npy") }
        var curves = "class,identity," + result.lossCurveSteps.map(String.init).joined(separator: ",") + "\n"
        for (row, classIndex) in result.targets.enumerated() {
            curves += "\(classIndex),\(csvField(data.classNames[classIndex])),"
                + result.lossCurves[row].map { formatNumber(Double($0)) }.joined(separator: ",") + "\n"
        }
        try directory.write(curves, to: "\(base)/loss_curves.csv")
        if let objective = result.objective {
            // The objective split into its terms at the start and at the selected reconstruction.
            var split = "class,identity,term,start,end\n"
            for (row, classIndex) in result.targets.enumerated() {
                for (before, after) in zip(objective.start, objective.end) where row < before.values.count {
                    split += "\(classIndex),\(csvField(data.classNames[classIndex])),\(before.name),"
                        + "\(formatNumber(Double(before.values[row]))),\(formatNumber(Double(after.values[row])))\n"
                }
            }
            try directory.write(split, to: "\(base)/objective_terms.csv")
        }
        let real = result.targets.map { data.privateTrain.images(ofClass: $0).slice(alongAxis: 0, 0..<1) }
        let grid = ImageGrid.pairs(real: real, reconstructions: result.reconstructions, verdicts: verdicts)
        try directory.write(try PNGCodec.encode(try Image(tensor: grid)), to: "\(base)/grid.png")
    }
}

/// Tiles images into one picture.
public enum ImageGrid {
    /// Rows of `columns` images (`C x H x W` each) with a `gap`-pixel white border.
    public static func tile(_ images: [Tensor], columns: Int, gap: Int = 2) -> Tensor {
        guard let first = images.first else { return Tensor(repeating: 1, shape: [1, 1, 1]) }
        let (c, h, w) = (first.shape[first.rank - 3], first.shape[first.rank - 2], first.shape[first.rank - 1])
        let rows = (images.count + columns - 1) / columns
        let height = rows * h + (rows + 1) * gap, width = columns * w + (columns + 1) * gap
        var canvas = [Float](repeating: 1, count: c * height * width)
        for (index, image) in images.enumerated() {
            let (row, column) = (index / columns, index % columns)
            let top = gap + row * (h + gap), left = gap + column * (w + gap)
            let pixels = image.scalars
            for channel in 0..<c { for y in 0..<h { for x in 0..<w {
                canvas[(channel * height + top + y) * width + left + x] = min(1, max(0, pixels[(channel * h + y) * w + x]))
            } } }
        }
        return Tensor(shape: [c, height, width], scalars: canvas)
    }

    /// Real faces (one `1 x C x H x W` tensor per identity) beside reconstructions (`I x C x H x W`),
    /// as pairs, four pairs per row.
    ///
    /// `verdicts` (per identity: the trial's `attack_top1`, nil or NaN when unknown) frame each
    /// reconstruction so that the grid shows which ones the judges counted as the attacked person:
    /// a **thick green** frame (3 px) for a hit (1), a **medium amber** frame (2 px) for an even
    /// split of the judges (0.5), a **thin red** frame (1 px) for a miss (0), none when unknown.
    /// The thickness carries the verdict on its own, so it survives greyscale printing. With any
    /// verdict the grid is RGB (grey faces repeated in the three channels) with a 4 px gap.
    public static func pairs(real: [Tensor], reconstructions: Tensor, verdicts: [Double?] = []) -> Tensor {
        let marked = verdicts.contains { $0.map { !$0.isNaN } ?? false }
        var images: [Tensor] = []
        for (index, face) in real.enumerated() {
            images.append(face.reshaped(Array(face.shape.dropFirst())))
            images.append(reconstructions.slice(alongAxis: 0, index..<(index + 1)).reshaped(Array(reconstructions.shape.dropFirst())))
        }
        guard marked, let first = images.first else { return tile(images, columns: 8) }
        let (h, w) = (first.shape[first.rank - 2], first.shape[first.rank - 1])
        let gap = 4, columns = 8
        var grid = tile(images.map(rgb), columns: columns, gap: gap)
        let (height, width) = (grid.shape[1], grid.shape[2])
        var canvas = grid.scalars
        for (row, verdict) in verdicts.enumerated() where row < real.count {
            guard let verdict, !verdict.isNaN else { continue }
            let (colour, thickness): ([Float], Int) = verdict >= 1 ? (hitColour, 3) : (verdict > 0 ? (splitColour, 2) : (missColour, 1))
            let index = 2 * row + 1
            let top = gap + (index / columns) * (h + gap), left = gap + (index % columns) * (w + gap)
            for y in (top - thickness)..<(top + h + thickness) { for x in (left - thickness)..<(left + w + thickness) {
                guard y < top || y >= top + h || x < left || x >= left + w else { continue }
                for channel in 0..<3 { canvas[(channel * height + y) * width + x] = colour[channel] }
            } }
        }
        grid = Tensor(shape: [3, height, width], scalars: canvas)
        return grid
    }

    /// Frame colours of `pairs` (RGB in [0, 1]).
    public static let hitColour: [Float] = [0, 0.7, 0], splitColour: [Float] = [1, 0.6, 0], missColour: [Float] = [0.85, 0, 0]

    /// A `C x H x W` image as RGB (grey repeated in the three channels).
    static func rgb(_ image: Tensor) -> Tensor {
        let c = image.shape[image.rank - 3]
        guard c == 1 else { return image }
        let (h, w) = (image.shape[image.rank - 2], image.shape[image.rank - 1])
        let plane = image.scalars
        return Tensor(shape: [3, h, w], scalars: plane + plane + plane)
    }
}
