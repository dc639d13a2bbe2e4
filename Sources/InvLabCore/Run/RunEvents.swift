import Foundation
import InvLabSpec

/// What happens during a run, in order: the runner emits these to its sinks, which produce
/// everything a run leaves besides the per-trial files: the result tables (`TableSink`, the
/// runner's own record of outcomes), the terminal lines, and the plots and report
/// (`ReportSink`). A library user adds a sink (TensorBoard, a dashboard, a shard merger) without
/// touching the runner.
public enum RunEvent {
    /// The run directory is open; `resumed` trials were already recorded.
    case runStarted(directory: URL, columns: ResultColumns, trials: Int, resumed: Int)
    case trialStarted(index: Int, description: String)
    /// A completed trial's attack result (reconstructions, loss curves, objective split), emitted
    /// just before its `trialFinished` (after the trial was recorded). Failed trials have none.
    case trialAttacked(index: Int, result: AttackResult)
    /// A trial's outcome, completed or failed, after it was recorded in `results.jsonl`.
    case trialFinished(TrialOutcome)
    /// Every trial ran (or the run was interrupted); `outcomes` are all recorded ones.
    case runFinished(directory: URL, outcomes: [TrialOutcome], columns: ResultColumns, interrupted: Bool)
}

/// Receives a run's events. A sink that throws stops the run with its error (the trials already
/// recorded stay on disk).
public protocol RunSink: AnyObject {
    func receive(_ event: RunEvent) throws
}

/// Writes plots and report.html when the run finishes (interrupted runs too), from the outcomes
/// and columns the run holds (the runner's own record, not a second reading of the directory).
/// Every caller of the library gets the whole run directory. A report that cannot be written is
/// a warning, not a failed run: the tables are already on disk and `invlab report` retries.
public final class ReportSink: RunSink {
    let warn: (String) -> Void

    public init(warn: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.warn = warn
    }

    public func receive(_ event: RunEvent) throws {
        guard case .runFinished(let directory, let outcomes, let columns, _) = event else { return }
        do {
            try RunReport.writePlotsAndPage(RunFiles(url: directory, outcomes: outcomes, columns: columns))
        } catch {
            warn("warning: report not written: \(error) (rebuild it with `invlab report \(directory.path)`)")
        }
    }
}

/// Terminal lines per trial: resume notices and failed trials through the progress display
/// (`--quiet` keeps them silent), and trial warnings (an attack that made no progress) on
/// standard error always, since they change how the tables must be read.
public final class TrialLogSink: RunSink {
    let progress: ProgressReporter
    let warn: (String) -> Void
    public init(progress: ProgressReporter, warn: @escaping (String) -> Void = { FileHandle.standardError.write(Data(("warning: " + $0 + "\n").utf8)) }) {
        self.progress = progress
        self.warn = warn
    }

    public func receive(_ event: RunEvent) throws {
        switch event {
        case .runStarted(_, _, let trials, let resumed) where resumed > 0:
            progress.log("resuming: \(resumed) of \(trials) trials already completed")
        case .trialFinished(let outcome):
            if outcome.status == .failed { progress.log("trial \(outcome.index) failed: \(outcome.error ?? "")") }
            for warning in outcome.warnings ?? [] { warn(warning) }
        default: break
        }
    }
}
