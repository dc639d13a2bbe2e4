import Foundation
import InvLabIO
import InvLabNN
import InvLabSpec
import InvLabTensor

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
    var currentDirectory: RunDirectory?
    /// run.json keys a shard noted for the merge (nil in a one-process run: written at once).
    var deferredRunInfo: [(key: String, value: JSONValue)]?
    /// Receivers of the run's events (`RunEvent`): a trial log, and the report when the spec
    /// asks for one. Add your own before calling `run()`.
    public var sinks: [any RunSink]
    /// Plugins built by this runner for trials the loaded spec has no plan for.
    private let buildCache = PluginBuildCache()
    /// Whether run.json already describes the judge panel (written by the first trial that builds it).
    var recordedJudges = false
    /// The attack result of the trial `runTrial` just completed, for the `trialAttacked` event.
    private var lastAttack: (index: Int, result: AttackResult)?

    public init(loaded: LoadedSpec, registries: Registries, options: RunOptions) {
        self.loaded = loaded
        self.registries = registries
        self.options = options
        let cacheDirectory = options.cacheDirectory ?? ExperimentRunner.defaultCacheDirectory(loaded.spec)
        self.environment = RunEnvironment(cache: ModelCache(directory: cacheDirectory, readOnly: options.cacheReadOnly), progress: ProgressReporter(style: options.progress),
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
        var columns = MetricAggregation.columns(for: plan.metrics, sweepKeys: loaded.spec.trialSweep?.axes.map { $0.path.description } ?? [])
        if loaded.spec.seeds != nil { columns.seedKey = SeedList.key }
        return columns
    }

    /// Runs the trials not yet completed. Returns when all are recorded, or when interrupted
    /// (with `interrupted` set; completed trials are on disk).
    public func run() throws -> RunSummary {
        let columns = try resultColumns()
        let directory = try RunDirectory(url: runDirectoryURL(), columns: columns, specHash: loaded.hash,
                                         resume: options.resume, force: options.force)
        try startRunInfo(directory, columns: columns)
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
                if let attack = lastAttack, attack.index == trial.index { try emit(.trialAttacked(index: attack.index, result: attack.result)) }
                lastAttack = nil
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

    /// Writes spec.resolved.yaml and the first run.json of a run (status running).
    func startRunInfo(_ directory: RunDirectory, columns: ResultColumns, extra: [(key: String, value: JSONValue)] = []) throws {
        let started = ISO8601DateFormatter().string(from: Date())
        try directory.write(emitYAML(loaded.root), to: "spec.resolved.yaml")
        try directory.writeRunInfo([
            ("name", .string(loaded.spec.name)), ("spec_file", .string(loaded.file.path)), ("spec_hash", .string(loaded.hash)),
            ("overrides", .array(loaded.overrides.map { .string($0) })),
            ("seed", .integer(loaded.spec.seed)), ("trials", .integer(loaded.trials.count)), ("status", "running"),
            ("started", .string(started)), ("finished", .null), ("environment", Provenance.environment),
            ("resolved_spec", JSONValue(loaded.root)), ("columns", ColumnRecords.json(columns)), ("data_split", .null), ("judges", .null),
            ("stage_seconds", .object([])),
        ] + extra)
    }

    /// The plugins of a trial: those built while the spec was validated, or built now (once).
    func plan(of trial: Sweep.Trial) throws -> ExperimentPlan {
        if let position = loaded.trials.firstIndex(where: { $0.index == trial.index }), position < loaded.plans.count {
            return loaded.plans[position]
        }
        return try ExperimentPlan.build(loaded.spec(of: trial), specDirectory: loaded.specDirectory, registries: registries,
                                        cache: buildCache)
    }

    func describe(_ trial: Sweep.Trial) -> String {
        trial.assignments.map { "\($0.path) = \(emitFlowYAML($0.value))" }.joined(separator: ", ")
    }

    /// Where a trial's attack result comes from: the attack itself, or (when a sharded run
    /// merges a trial that was split into identity chunks) the chunks' results put together.
    enum AttackSource {
        case run
        case provided(AttackResult)
    }

    /// Everything a trial's attack and metrics need, made (or loaded from the cache) once.
    struct TrialSetup {
        var spec: ExperimentSpec
        var plan: ExperimentPlan
        var execution: TrialExecution
        var data: ExperimentData
        var models: TrialModels
        var published: any PublishedModel
        var targets: [Int]
        var attackSeed: UInt64
    }

    func setUp(_ trial: Sweep.Trial, timed: (String, () throws -> Void) throws -> Void) throws -> TrialSetup {
        let spec = try loaded.spec(of: trial)
        let plan = try self.plan(of: trial)
        let execution = TrialExecution(plan: plan, environment: environment, registries: registries)
        var data: ExperimentData!
        var models: TrialModels!
        var published: (any PublishedModel)!
        try timed("data") { data = try self.data(for: plan) }
        try timed("models") { models = try execution.trainModels(data: data) }
        try timed("defense") { published = try execution.publish(models.target, data: data) }
        return TrialSetup(spec: spec, plan: plan, execution: execution, data: data, models: models, published: published,
                          targets: spec.identities.classes(outOf: data.classes),
                          attackSeed: RecognizerTraining.seed(role: "attack", specSeed: UInt64(spec.seed), override: nil))
    }

    func attackResources(_ setup: TrialSetup, chunk: IdentityChunk? = nil) -> AttackResources {
        AttackResources(data: setup.data, targets: chunk?.targets ?? setup.targets, environment: environment, seed: setup.attackSeed,
                        registries: registries, chunk: chunk)
    }

    /// Runs one trial. Numerical faults and data problems mark the trial failed (the sweep
    /// goes on); cancellation propagates.
    func runTrial(_ trial: Sweep.Trial, directory: RunDirectory, attack source: AttackSource = .run) throws -> TrialOutcome {
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
            let setup = try setUp(trial) { name, body in try timed(name, body) }
            let (spec, plan, data, models, published) = (setup.spec, setup.plan, setup.data, setup.models, setup.published)
            try models.throwRecordedFailures(published: published)
            let judges = try timed("judges") { try setup.execution.prepareJudges(models: models, data: data) }
            if !recordedJudges && !judges.isEmpty {
                recordedJudges = true
                try noteRunInfo([("judges", .array(judges.map(\.description)))])
            }
            let resources = attackResources(setup)
            let result: AttackResult
            switch source {
            case .run:
                try checkAttackMemory(setup)
                result = try timed("attack") {
                    try models.checked(published: published) { try Self.rowStable { try plan.attack.run(against: published, resources: resources) } }
                }
            case .provided(let merged):
                result = merged
            }
            if environment.isCancelled { throw RunCancelled() }
            let memo = metricMemos[models.evaluatorIdentity] ?? MetricMemo()
            metricMemos[models.evaluatorIdentity] = memo
            let input = MetricInput(attack: result, evaluator: models.evaluator, evaluatorIsTarget: models.evaluatorIsTarget, data: data,
                                    published: published, undefended: NetworkModel(models.undefended), memo: memo,
                                    judges: judges, seed: UInt64(spec.seed))
            let (values, identities) = try timed("metrics") {
                try models.checked(published: published) { try measure(plan.metrics, input: input, data: data) }
            }
            if spec.output.images {
                try timed("artifacts") {
                    try TrialArtifacts.write(result, data: data, trial: trial.index, directory: directory,
                                             verdicts: identities.map { $0.values["attack_top1"] })
                }
            }
            lastAttack = (trial.index, result)
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

    /// Runs the attack of a trial on one chunk of its identities (a work unit of a sharded
    /// run); the metrics come when the run is merged. Errors propagate (the unit fails).
    func runChunk(_ trial: Sweep.Trial, positions: Range<Int>) throws -> AttackResult {
        do {
            let setup = try setUp(trial) { _, body in try body() }
            guard setup.plan.attack.splitsByIdentity else {
                throw UnitError("attack '\(setup.spec.attack.id)' cannot be split into identity chunks (its identities interact); run it with one unit per trial (no --chunk)")
            }
            guard positions.upperBound <= setup.targets.count else {
                throw UnitError("trial \(trial.index) attacks \(setup.targets.count) identities, but the unit covers positions \(positions)")
            }
            let chunk = IdentityChunk(allTargets: setup.targets, positions: positions)
            try checkAttackMemory(setup, identities: positions.count)
            let result = try setup.models.checked(published: setup.published) {
                try Self.rowStable { try setup.plan.attack.run(against: setup.published, resources: attackResources(setup, chunk: chunk)) }
            }
            if environment.isCancelled { throw RunCancelled() }
            return result
        } catch is TrainingInterrupted {
            throw RunCancelled()
        }
    }

    /// The shared stage of a trial (`invlab prepare`): data, target, evaluator, judges, the
    /// defenses' models and the attack's generators and priors, made through the model cache.
    func prepareShared(_ trial: Sweep.Trial) throws {
        do {
            let setup = try setUp(trial) { _, body in try body() }
            _ = try setup.execution.prepareJudges(models: setup.models, data: setup.data)
            try setup.plan.attack.prepareShared(against: setup.published, resources: attackResources(setup))
        } catch is TrainingInterrupted {
            throw RunCancelled()
        }
    }

    /// What `invlab prepare` makes for this spec, by role and plugin (for `invlab plan`).
    public func sharedStage() -> [String] {
        var parts: [String] = []
        func add(_ part: String) { if !parts.contains(part) { parts.append(part) } }
        for trial in loaded.trials {
            guard let spec = try? loaded.spec(of: trial) else { continue }
            add("data (\(spec.data.source.id))")
            add("target (\(spec.target.id))")
            if let evaluator = spec.evaluator { add("evaluator (\(evaluator.id))") }
            if let plan = try? plan(of: trial), plan.metrics.contains(where: \.usesJudges) {
                add("judges (" + plan.judges.map { type(of: $0).id }.joined(separator: ", ") + ")")
            }
            for defense in spec.defense.defenses { add("defense \(defense.id)") }
            if let generator = spec.attack.options["search"]?["generator"]?["type"]?.stringValue { add("generator (\(generator))") }
        }
        return parts
    }

    /// The number of identities each trial attacks (preparing each trial's data, not its models).
    func attackedIdentityCounts() throws -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for trial in loaded.trials {
            let spec = try loaded.spec(of: trial)
            let data = try self.data(for: try plan(of: trial))
            counts[trial.index] = spec.identities.classes(outOf: data.classes).count
        }
        return counts
    }

    private func checkAttackMemory(_ setup: TrialSetup, identities: Int? = nil) throws {
        let attackBatch = setup.plan.attack.batchSize(targets: identities ?? setup.targets.count)
        let data = setup.data
        try ResourceGuard.check("the attack", parts: [
            ("data", (data.privateTrain.images.count + data.privateTest.images.count + data.publicSet.images.count) * 4),
            ("target weights", setup.models.target.state.byteCount),
            ("activations of \(attackBatch) images", (setup.models.target.root as? Sequential).map {
                ResourceGuard.activationBytes($0, inputShape: data.imageShape, batch: attackBatch) } ?? 0),
        ])
    }

    /// Runs an attack with row-stable matrix products (`BLAS.rowStable`): each identity's
    /// reconstruction is then the same whichever identities are attacked with it, which is what
    /// lets identity chunks of a sharded run merge into the one-process result bit for bit.
    static func rowStable<T>(_ body: () throws -> T) throws -> T {
        try BLAS.$rowStable.withValue(true) { try body() }
    }

    /// Records keys of run.json: at once in a one-process run; in a shard, kept for the merge
    /// (several processes must not rewrite one run.json).
    func noteRunInfo(_ changes: [(key: String, value: JSONValue)]) throws {
        if deferredRunInfo != nil {
            for change in changes where !deferredRunInfo!.contains(where: { $0.key == change.key }) { deferredRunInfo!.append(change) }
        } else if let directory = currentDirectory {
            try directory.updateRunInfo(changes)
        }
    }

    func data(for plan: ExperimentPlan) throws -> ExperimentData {
        let key = DataPreparation.fingerprint(plan.spec)
        if let cached = dataCache[key] { return cached }
        let data = try DataPreparation.prepare(plan, environment: environment)
        dataCache[key] = data
        if dataCache.count == 1 {
            // The split of the first data this run prepares (a sweep over data.* has several).
            try noteRunInfo([("data_split", .object(data.splitDescription.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))])
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
