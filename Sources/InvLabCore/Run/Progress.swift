import Foundation

/// How progress is shown: a live line on a terminal, plain log lines otherwise, or nothing.
public enum ProgressStyle: Sendable {
    case terminal, lines, quiet

    /// `terminal` when standard error is a TTY, else `lines`.
    public static var automatic: ProgressStyle { isatty(STDERR_FILENO) != 0 ? .terminal : .lines }
}

/// Progress of long stages (training epochs, attack iterations, sweep trials), with rate and
/// ETA, written to standard error so that standard output stays clean for tables.
public final class ProgressReporter: @unchecked Sendable {
    public let style: ProgressStyle
    private let lock = NSLock()
    private let write: (String) -> Void

    public init(style: ProgressStyle, write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.style = style
        self.write = write
    }

    /// A message on its own line (not for `quiet`).
    public func log(_ message: String) {
        guard style != .quiet else { return }
        lock.lock(); defer { lock.unlock() }
        write((style == .terminal ? "\r\u{1B}[K" : "") + message + "\n")
    }

    /// Starts a stage of `total` units (nil when unknown).
    public func stage(_ name: String, total: Int?, unit: String = "steps") -> ProgressStage {
        ProgressStage(reporter: self, name: name, total: total, unit: unit)
    }

    fileprivate func emit(_ line: String, final: Bool) {
        lock.lock(); defer { lock.unlock() }
        switch style {
        case .quiet: return
        case .terminal: write("\r\u{1B}[K" + line + (final ? "\n" : ""))
        case .lines: write(line + "\n")
        }
    }
}

/// One stage's progress. `update` is cheap to call every step: output is throttled.
public final class ProgressStage: @unchecked Sendable {
    let reporter: ProgressReporter
    let name: String
    let total: Int?
    let unit: String
    let start = Date()
    private var lastEmit = Date.distantPast
    private var lastLinePercent = -1

    init(reporter: ProgressReporter, name: String, total: Int?, unit: String) {
        self.reporter = reporter
        self.name = name
        self.total = total
        self.unit = unit
    }

    /// Reports `done` units finished, with an optional detail (e.g. the current loss).
    public func update(_ done: Int, detail: String = "") {
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        switch reporter.style {
        case .quiet:
            return
        case .terminal:
            guard now.timeIntervalSince(lastEmit) >= 0.2 || done == total else { return }
        case .lines:
            // A line every 10 % (or every 10 s when the total is unknown).
            if let total, total > 0 {
                let percent = done * 10 / total * 10
                guard percent > lastLinePercent else { return }
                lastLinePercent = percent
            } else {
                guard now.timeIntervalSince(lastEmit) >= 10 else { return }
            }
        }
        lastEmit = now
        reporter.emit(line(done: done, elapsed: elapsed, detail: detail), final: false)
    }

    /// Ends the stage with a summary line.
    public func finish(_ detail: String = "") {
        let elapsed = Date().timeIntervalSince(start)
        reporter.emit("\(name): done in \(Self.duration(elapsed))" + (detail.isEmpty ? "" : " (\(detail))"), final: true)
    }

    func line(done: Int, elapsed: Double, detail: String) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var text = "\(name): \(done)"
        if let total {
            text += "/\(total) \(unit)"
            if rate > 0 && done < total { text += ", ETA \(Self.duration(Double(total - done) / rate))" }
        } else {
            text += " \(unit)"
        }
        text += String(format: ", %.3g %@/s", rate, unit)
        if !detail.isEmpty { text += ", " + detail }
        return text
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        if seconds < 3600 { return String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60) }
        return String(format: "%d h %02d min", Int(seconds) / 3600, Int(seconds) % 3600 / 60)
    }
}
