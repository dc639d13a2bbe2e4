import Foundation
import InvLabIO
import InvLabNN
import InvLabSpec
import InvLabTensor

/// Options of `invlab run`.
public struct RunOptions {
    public var outDirectory: URL?
    public var resume = false
    public var force = false
    public var progress = ProgressStyle.automatic
    public var cacheDirectory: URL?
    public var dataDirectory: URL
    /// Checked between steps; true once the user pressed Ctrl-C.
    public var cancelled: () -> Bool = { false }

    public init(dataDirectory: URL) { self.dataDirectory = dataDirectory }
}

/// What a finished run produced.
public struct RunSummary {
    public var directory: URL
    public var outcomes: [TrialOutcome]
    public var columns: ResultColumns
    public var interrupted: Bool
}

/// Runs every trial of a loaded spec: data, target and evaluator training (cached), defenses,
/// the attack and the metrics, recording each finished trial atomically.
public final class ExperimentRunner {
    public let loaded: LoadedSpec
    public let registries: Registries
    public let options: RunOptions
    public let environment: RunEnvironment
    private var dataCache: [String: ExperimentData] = [:]
    /// One memo of evaluator-and-data values per evaluator identity (see `MetricMemo`).
    private var metricMemos: [String: MetricMemo] = [:]
    private var currentDirectory: RunDirectory?
    /// Receivers of the run's events (`RunEvent`): a trial log, and the report when the spec
    /// asks for one. Add your own before calling `run()`.
    public var sinks: [any RunSink]
    /// Plugins built by this runner for trials the loaded spec has no plan for.
    private let buildCache = PluginBuildCache()
    /// Whether run.json already describes the judge panel (written by the first trial that builds it).
    private var recordedJudges = false

    public init(loaded: LoadedSpec, registries: Registries, options: RunOptions) {
        self.loaded = loaded
        self.registries = registries
        self.options = options
        let cacheDirectory = options.cacheDirectory ?? ExperimentRunner.defaultCacheDirectory(loaded.spec)
        self.environment = RunEnvironment(cache: ModelCache(directory: cacheDirectory), progress: ProgressReporter(style: options.progress),
                                          dataDirectory: options.dataDirectory, cancelled: options.cancelled)
        sinks = [TrialLogSink(progress: environment.progress)] + (loaded.spec.output.report ? [ReportSink()] : [])
    }

    func emit(_ event: RunEvent) throws {
        for sink in sinks { try sink.receive(event) }
    }

    /// `INVLAB_CACHE_DIR`, else `output.cache`, else `<output.directory>/.cache`.
    public static func defaultCacheDirectory(_ spec: ExperimentSpec) -> URL {
        if let directory = ProcessInfo.processInfo.environment["INVLAB_CACHE_DIR"], !directory.isEmpty {
            return URL(fileURLWithPath: directory)
        }
        return URL(fileURLWithPath: spec.output.cache ?? (spec.output.directory + "/.cache"))
    }

    /// The run directory: `--out`, or `<output.directory>/<name>/<timestamp>` (a new name if taken).
    public func runDirectoryURL(now: Date = Date()) -> URL {
        if let out = options.outDirectory { return out }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let parent = URL(fileURLWithPath: loaded.spec.output.directory).appendingPathComponent(loaded.spec.name)
        var candidate = parent.appendingPathComponent(formatter.string(from: now))
        var suffix = 2
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = parent.appendingPathComponent("\(formatter.string(from: now))-\(suffix)")
            suffix += 1
        }
        return candidate
    }

    /// The declared result columns of this spec (from the base trial's metrics).
    public func resultColumns() throws -> ResultColumns {
        let plan = try self.plan(of: loaded.trials[0])
        return MetricAggregation.columns(for: plan.metrics, sweepKeys: loaded.spec.sweep?.axes.map { $0.path.description } ?? [])
    }

    /// Runs the trials not yet completed. Returns when all are recorded, or when interrupted
    /// (with `interrupted` set; completed trials are on disk).
    public func run() throws -> RunSummary {
        let columns = try resultColumns()
        let directory = try RunDirectory(url: runDirectoryURL(), columns: columns, specHash: loaded.hash,
                                         resume: options.resume, force: options.force)
        let started = ISO8601DateFormatter().string(from: Date())
        try directory.write(emitYAML(loaded.root), to: "spec.resolved.yaml")
        try directory.writeRunInfo([
            ("name", .string(loaded.spec.name)), ("spec_file", .string(loaded.file.path)), ("spec_hash", .string(loaded.hash)),
            ("overrides", .array(loaded.overrides.map { .string($0) })),
            ("seed", .integer(loaded.spec.seed)), ("trials", .integer(loaded.trials.count)), ("status", "running"),
            ("started", .string(started)), ("finished", .null), ("environment", Provenance.environment),
            ("resolved_spec", JSONValue(loaded.root)), ("columns", ColumnRecords.json(columns)), ("data_split", .null), ("judges", .null),
            ("stage_seconds", .object([])),
        ])
        currentDirectory = directory
        let completed = directory.completedTrials
        try emit(.runStarted(directory: directory.url, columns: columns, trials: loaded.trials.count, resumed: completed.count))
        let trialStage = environment.progress.stage("trials", total: loaded.trials.count, unit: "trials")
        var stageSeconds: [String: Double] = [:]
        var interrupted = false
        for trial in loaded.trials where !completed.contains(trial.index) {
            if environment.isCancelled { interrupted = true; break }
            trialStage.update(trial.index, detail: describe(trial))
            try emit(.trialStarted(index: trial.index, description: describe(trial)))
            do {
                let outcome = try runTrial(trial, directory: directory)
                for (stage, seconds) in outcome.timings { stageSeconds[stage, default: 0] += seconds }
                try directory.record(outcome)
                try emit(.trialFinished(outcome))
            } catch is RunCancelled {
                interrupted = true
                break
            }
        }
        let failures = directory.outcomes.filter { $0.status == .failed }.count
        let status = interrupted ? "interrupted" : (failures > 0 ? "completed_with_failures" : "completed")
        try directory.updateRunInfo([
            ("status", .string(status)), ("finished", .string(ISO8601DateFormatter().string(from: Date()))),
            ("stage_seconds", .object(stageSeconds.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })),
        ])
        if !interrupted { trialStage.finish("\(directory.outcomes.count - failures) completed, \(failures) failed") }
        try emit(.runFinished(directory: directory.url, outcomes: directory.outcomes, columns: columns, interrupted: interrupted))
        return RunSummary(directory: directory.url, outcomes: directory.outcomes, columns: columns, interrupted: interrupted)
    }

    /// The plugins of a trial: those built while the spec was validated, or built now (once).
    func plan(of trial: Sweep.Trial) throws -> ExperimentPlan {
        if let position = loaded.trials.firstIndex(where: { $0.index == trial.index }), position < loaded.plans.count {
            return loaded.plans[position]
        }
        return try ExperimentPlan.build(loaded.spec(of: trial), specDirectory: loaded.file.deletingLastPathComponent(), registries: registries,
                                        cache: buildCache)
    }

    func describe(_ trial: Sweep.Trial) -> String {
        trial.assignments.map { "\($0.path) = \(emitFlowYAML($0.value))" }.joined(separator: ", ")
    }

    /// Runs one trial. Numerical faults and data problems mark the trial failed (the sweep
    /// goes on); cancellation propagates.
    func runTrial(_ trial: Sweep.Trial, directory: RunDirectory) throws -> TrialOutcome {
        let sweep = trial.assignments.map { assignment in
            SweepCell(key: assignment.path.description, text: emitFlowYAML(assignment.value), number: assignment.value.scalarValue?.number)
        }
        var timings: [String: Double] = [:]
        var stage = "setup"
        func timed<T>(_ name: String, _ body: () throws -> T) throws -> T {
            stage = name
            let start = Date()
            defer { timings[name, default: 0] += Date().timeIntervalSince(start) }
            return try body()
        }
        do {
            let spec = try loaded.spec(of: trial)
            let plan = try self.plan(of: trial)
            let execution = TrialExecution(plan: plan, environment: environment, registries: registries)
            let data = try timed("data") { try self.data(for: plan) }
            let models = try timed("models") { try execution.trainModels(data: data) }
            let judges = try timed("judges") { try execution.prepareJudges(models: models, data: data) }
            if !recordedJudges && !judges.isEmpty {
                recordedJudges = true
                try directory.updateRunInfo([("judges", .array(judges.map(\.description)))])
            }
            let published = try timed("defense") { try execution.publish(models.target, data: data) }
            let targets = spec.identities.classes(outOf: data.classes)
            let resources = AttackResources(data: data, targets: targets, environment: environment,
                                            seed: RecognizerTraining.seed(role: "attack", specSeed: UInt64(spec.seed), override: nil),
                                            registries: registries)
            let attackBatch = plan.attack.batchSize(targets: targets.count)
            try ResourceGuard.check("the attack", parts: [
                ("data", (data.privateTrain.images.count + data.privateTest.images.count + data.publicSet.images.count) * 4),
                ("target weights", models.target.state.byteCount),
                ("activations of \(attackBatch) images", (models.target.root as? Sequential).map {
                    ResourceGuard.activationBytes($0, inputShape: data.imageShape, batch: attackBatch) } ?? 0),
            ])
            let result = try timed("attack") { try plan.attack.run(against: published, resources: resources) }
            if environment.isCancelled { throw RunCancelled() }
            let memo = metricMemos[models.evaluatorIdentity] ?? MetricMemo()
            metricMemos[models.evaluatorIdentity] = memo
            let input = MetricInput(attack: result, evaluator: models.evaluator, evaluatorIsTarget: models.evaluatorIsTarget, data: data,
                                    published: published, undefended: NetworkModel(models.undefended), memo: memo,
                                    judges: judges, seed: UInt64(spec.seed))
            let (values, identities) = try timed("metrics") { try measure(plan.metrics, input: input, data: data) }
            if spec.output.images {
                try timed("artifacts") { try TrialArtifacts.write(result, data: data, trial: trial.index, directory: directory) }
            }
            var outcome = TrialOutcome(index: trial.index, sweep: sweep, status: .completed, error: nil, values: values, identities: identities,
                                       timings: timings, evaluatorIsTarget: models.evaluatorIsTarget)
            if let warning = result.objective?.noProgressWarning(trial: trial.index, curves: result.lossCurves) { outcome.warnings = [warning] }
            return outcome
        } catch let error as RunCancelled {
            throw error
        } catch is TrainingInterrupted {
            throw RunCancelled()
        } catch {
            let message = "\(stage): \(error)"
            return TrialOutcome(index: trial.index, sweep: sweep, status: .failed, error: message, values: [:], identities: [],
                                timings: timings, evaluatorIsTarget: false)
        }
    }

    func data(for plan: ExperimentPlan) throws -> ExperimentData {
        let key = DataPreparation.fingerprint(plan.spec)
        if let cached = dataCache[key] { return cached }
        let data = try DataPreparation.prepare(plan, environment: environment)
        dataCache[key] = data
        if dataCache.count == 1, let directory = currentDirectory {
            // The split of the first data this run prepares (a sweep over data.* has several).
            try directory.updateRunInfo([("data_split", .object(data.splitDescription.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))])
        }
        return data
    }

    func measure(_ metrics: [any MetricPlugin], input: MetricInput, data: ExperimentData) throws -> ([String: Double], [IdentityRow]) {
        var values: [String: Double] = [:]
        var perIdentity: [String: [Double]] = [:]
        for metric in metrics {
            let measured = try metric.measure(input)
            for column in metric.columns {
                switch measured[column.name] {
                case .perIdentity(let list)?:
                    perIdentity[column.name] = list
                    let (mean, std) = MetricAggregation.meanAndStd(list)
                    values[column.name] = mean
                    values[column.name + "_std"] = std
                    if column.presentation.interval {
                        (values[column.name + "_ci_low"], values[column.name + "_ci_high"]) = MetricAggregation.interval(list)
                    }
                case .trial(let value)?:
                    values[column.name] = value
                case nil:
                    values[column.name] = .nan
                }
            }
        }
        let identities = input.attack.targets.enumerated().map { row, classIndex in
            IdentityRow(classIndex: classIndex, name: data.classNames[classIndex],
                        values: perIdentity.compactMapValues { row < $0.count ? $0[row] : nil })
        }
        return (values, identities)
    }
}
