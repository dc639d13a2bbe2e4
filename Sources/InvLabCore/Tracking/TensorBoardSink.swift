import Foundation

/// Writes a run as TensorBoard event files, so that runs can be browsed with
/// `tensorboard --logdir DIR` (`invlab run SPEC --tensorboard DIR`; a library user appends it to
/// `ExperimentRunner.sinks`).
///
/// Layout under `DIR/<run>/` (`<run>`: the run directory's name, e.g. its timestamp or the last
/// part of `--out`, so that several runs can share one log directory):
/// - `trial_NNNN/`, one TensorBoard run per trial, so that the objective curves of all trials
///   (e.g. the points of a λ sweep) overlay in one chart, coloured by trial:
///   - `objective/mean`, `objective/min`, `objective/max`: the attack's objective over the attacked
///     identities, step = attack iteration (the sampled `lossCurveSteps`);
///   - `objective_terms/<term>` (e.g. `identity_loss`, `total_variation`): each term's mean over
///     identities at the start (first sampled step) and at the selected reconstruction (last step),
///     when the attack reports its objective split;
///   - image `grid`: the trial's `grid.png` (real faces beside reconstructions, marked by the
///     verdict), step = trial index, when the spec writes images.
/// - `trials/`, one TensorBoard run whose step is the trial index, so that a sweep reads as a curve:
///   - `metrics/<column>`: the summary columns of the result tables (e.g. `attack_top1`);
///   - `details/<column>`: every other finite value of the trial (`_std`, intervals, per-judge columns);
///   - `sweep/<key>`: the trial's swept value, when it is a number;
///   - `status/completed`: 1, or 0 for a failed trial (which has no metrics).
///
/// Values are the trial's own, as measured when it finished: the run-wide judge consensus of the
/// result tables (`JudgeConsensus`) may later recompute a trial's `attack_top1` when another trial
/// invalidates a judge; results.csv is the reference. A resumed run adds new event files beside the
/// old ones (TensorBoard reads them all); trials completed before the resume are not written again.
/// Each record batch is appended and flushed (`EventFileWriter`), so an interrupted run leaves
/// readable files.
public final class TensorBoardSink: RunSink {
    public let logDirectory: URL
    /// The sub-directory of `logDirectory` for this run (default: the run directory's name).
    public var runName: String?
    private var root: URL?
    private var runDirectory: URL?
    private var columns: ResultColumns?
    private var trialsFile: EventFileWriter?
    /// Attack results of trials not yet finished (from `trialAttacked`).
    private var attacks: [Int: AttackResult] = [:]

    public init(logDirectory: URL, runName: String? = nil) {
        self.logDirectory = logDirectory
        self.runName = runName
    }

    /// Where this run's TensorBoard runs are (nil before the run started).
    public var runRoot: URL? { root }

    public func receive(_ event: RunEvent) throws {
        switch event {
        case .runStarted(let directory, let columns, _, _):
            runDirectory = directory
            self.columns = columns
            root = logDirectory.appendingPathComponent(runName ?? directory.lastPathComponent)
        case .trialAttacked(let index, let result):
            attacks[index] = result
        case .trialFinished(let outcome):
            let attack = attacks.removeValue(forKey: outcome.index)
            try writeTrial(outcome, attack: attack)
            try writeSummary(outcome)
        case .runFinished:
            try trialsFile?.close()
            trialsFile = nil
        case .trialStarted:
            break
        }
    }

    private func writeTrial(_ outcome: TrialOutcome, attack: AttackResult?) throws {
        guard let root else { return }
        var events: [[UInt8]] = []
        let now = Date().timeIntervalSince1970
        if let attack {
            for (position, step) in attack.lossCurveSteps.enumerated() {
                let values = attack.lossCurves.compactMap { position < $0.count ? $0[position] : nil }.filter(\.isFinite)
                guard !values.isEmpty else { continue }
                events.append(TensorBoardEvent.summary(wallTime: now, step: step, values: [
                    .scalar(tag: "objective/mean", value: values.reduce(0, +) / Float(values.count)),
                    .scalar(tag: "objective/min", value: values.min()!),
                    .scalar(tag: "objective/max", value: values.max()!),
                ]))
            }
            if let split = attack.objective {
                let first = attack.lossCurveSteps.first ?? 0, last = attack.lossCurveSteps.last ?? (attack.iterations.max() ?? 0)
                for (step, terms) in [(first, split.start), (max(last, first), split.end)] {
                    let values = terms.compactMap { term -> TensorBoardEvent.Value? in
                        let finite = term.values.filter(\.isFinite)
                        guard !finite.isEmpty else { return nil }
                        return .scalar(tag: "objective_terms/\(term.name)", value: finite.reduce(0, +) / Float(finite.count))
                    }
                    if !values.isEmpty { events.append(TensorBoardEvent.summary(wallTime: now, step: step, values: values)) }
                }
            }
        }
        if let runDirectory, let image = Self.pngImage(
            runDirectory.appendingPathComponent(TrialArtifacts.directoryName(outcome.index)).appendingPathComponent("grid.png"), tag: "grid") {
            events.append(TensorBoardEvent.summary(wallTime: now, step: outcome.index, values: [image]))
        }
        guard !events.isEmpty else { return }
        let file = try EventFileWriter(directory: root.appendingPathComponent(String(format: "trial_%04d", outcome.index)))
        try file.append(events)
        try file.close()
    }

    private func writeSummary(_ outcome: TrialOutcome) throws {
        guard let root else { return }
        if trialsFile == nil { trialsFile = try EventFileWriter(directory: root.appendingPathComponent("trials")) }
        var values: [TensorBoardEvent.Value] = [.scalar(tag: "status/completed", value: outcome.status == .completed ? 1 : 0)]
        let summary = Set((columns?.metricColumns ?? []).filter { columns?.presentation(of: $0).summary == true })
        for (name, value) in outcome.values.sorted(by: { $0.key < $1.key }) where value.isFinite {
            values.append(.scalar(tag: (summary.contains(name) ? "metrics/" : "details/") + name, value: Float(value)))
        }
        for cell in outcome.sweep {
            if let number = cell.number, number.isFinite { values.append(.scalar(tag: "sweep/\(cell.key)", value: Float(number))) }
        }
        try trialsFile?.append([TensorBoardEvent.summary(wallTime: Date().timeIntervalSince1970, step: outcome.index, values: values)])
    }

    /// A PNG file as an image summary value, its size and colour space read from its IHDR chunk
    /// (nil when the file is absent or not a PNG).
    static func pngImage(_ url: URL, tag: String) -> TensorBoardEvent.Value? {
        guard let data = try? Data(contentsOf: url), data.count > 26,
              Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        let bytes = [UInt8](data)
        let bigEndian = { (offset: Int) in bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        // PNG colour types 0 grey, 4 grey+alpha, 2 RGB, 6 RGBA, 3 palette (decoded to RGB).
        let colorspace = [0: 1, 4: 2, 2: 3, 6: 4, 3: 3][Int(bytes[25])] ?? 3
        return .image(tag: tag, png: bytes, height: bigEndian(20), width: bigEndian(16), colorspace: colorspace)
    }
}
