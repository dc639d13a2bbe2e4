import Foundation

/// How progress is shown: a live line on a terminal, plain log lines otherwise, or nothing.
public enum ProgressStyle: Sendable {
    case terminal, lines, quiet

    /// `terminal` when standard error is a TTY, else `lines`.
    public static var automatic: ProgressStyle { isatty(STDERR_FILENO) != 0 ? .terminal : .lines }
}

/// Progress of long stages (training epochs, attack iterations, sweep trials), with rate and
/// ETA, written to standard error so that standard output stays clean for tables.
///
/// @unchecked Sendable: shared by every stage of a run; `write` is a caller's non-`@Sendable`
/// closure, and `lock` serialises every call of it; `style` is a `let`.
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
///
/// @unchecked Sendable: `lock` guards the mutable throttling state (`lastEmit`,
/// `lastLinePercent`) and the rate marks (`firstMark`, `secondMark`, `lastMark`): `update` holds
/// it while it calls `record`, `rate` and `line`. The other properties are `let`s.
public final class ProgressStage: @unchecked Sendable {
    private let lock = NSLock()
    let reporter: ProgressReporter
    let name: String
    let total: Int?
    let unit: String
    let start = Date()
    private var lastEmit = Date.distantPast
    private var lastLinePercent = -1
    /// When the count first, second and last changed: the rate is measured between these, so
    /// units done before the stage started (a resumed run) and a first unit that also paid for
    /// one-time work (training cached for the rest) do not distort the rate and the ETA.
    private var firstMark: (done: Int, time: Double)?
    private var secondMark: (done: Int, time: Double)?
    private var lastMark: (done: Int, time: Double)?

    init(reporter: ProgressReporter, name: String, total: Int?, unit: String) {
        self.reporter = reporter
        self.name = name
        self.total = total
        self.unit = unit
    }

    /// Reports `done` units finished, with an optional detail (e.g. the current loss).
    public func update(_ done: Int, detail: String = "") {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        record(done, at: elapsed)
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

    /// Notes when the count changed (see `firstMark`).
    func record(_ done: Int, at elapsed: Double) {
        guard done != lastMark?.done else { return }
        if firstMark == nil { firstMark = (done, elapsed) } else if secondMark == nil { secondMark = (done, elapsed) }
        lastMark = (done, elapsed)
    }

    /// Units per second: between the second and the last change of the count when there are
    /// three changes (skipping the first unit), else between the first and the last, else over
    /// the whole stage (no resumed units are known then).
    func rate(done: Int, elapsed: Double) -> Double {
        if let second = secondMark, let last = lastMark, let first = firstMark {
            let from = last.done > second.done && last.time > second.time ? second : first
            let units = Double(last.done - from.done), seconds = elapsed - from.time
            if units > 0 && seconds > 0 { return units / max(seconds, last.time - from.time) }
        }
        if let first = firstMark, first.done > 0 { return 0 }   // only units done before this stage started
        return elapsed > 0 ? Double(done) / elapsed : 0
    }

    func line(done: Int, elapsed: Double, detail: String) -> String {
        let rate = rate(done: done, elapsed: elapsed)
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
