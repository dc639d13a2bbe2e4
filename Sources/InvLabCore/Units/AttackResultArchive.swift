import Foundation
import InvLabIO
import InvLabTensor

/// An attack result on disk (one safetensors file: the images and float values as tensors, the
/// integer lists in the metadata), so that a chunk unit's attack can be merged later with
/// every bit kept.
public enum AttackResultArchive {
    public static func write(_ result: AttackResult, to url: URL) throws {
        var tensors: [String: Tensor] = [
            "reconstructions": result.reconstructions, "attempts": result.attempts,
            "attempt_confidence": Tensor(result.attemptConfidence),
            "loss_curves": Tensor(shape: [result.lossCurves.count, result.lossCurveSteps.count], scalars: result.lossCurves.flatMap { $0 }),
        ]
        if let starts = result.starts { tensors["starts"] = starts }
        var metadata: [String: String] = [
            "targets": list(result.targets), "restarts": "\(result.restarts)", "selected_attempt": list(result.selectedAttempt),
            "loss_curve_steps": list(result.lossCurveSteps), "queries": list(result.queries), "iterations": list(result.iterations),
            "seconds": "\(result.seconds)",
        ]
        guard result.lossCurves.allSatisfy({ $0.count == result.lossCurveSteps.count }) else {
            throw UnitError("the attack's loss curves do not all have one value per sampled step")
        }
        if let objective = result.objective {
            metadata["objective_terms"] = objective.start.map(\.name).joined(separator: ",")
            for (number, term) in objective.start.enumerated() { tensors["objective_start_\(number)"] = Tensor(term.values) }
            for (number, term) in objective.end.enumerated() { tensors["objective_end_\(number)"] = Tensor(term.values) }
        }
        try Safetensors.write(tensors, metadata: metadata, to: url)
    }

    public static func read(from url: URL) throws -> AttackResult {
        let file = try Safetensors.read(contentsOf: url)
        let tensors = file.dictionary
        let metadata = file.metadata
        func tensor(_ name: String) throws -> Tensor {
            guard let value = tensors[name] else { throw UnitError("\(url.path) lacks the tensor '\(name)'") }
            return value
        }
        func integers(_ key: String) throws -> [Int] {
            guard let text = metadata[key] else { throw UnitError("\(url.path) lacks '\(key)'") }
            return try text.split(separator: ",").map { part in
                guard let value = Int(part) else { throw UnitError("\(url.path): '\(key)' is not a list of integers") }
                return value
            }
        }
        let steps = try integers("loss_curve_steps")
        let curves = try tensor("loss_curves")
        let rows = curves.shape.first ?? 0
        let lossCurves = (0..<rows).map { row in Array(curves.scalars[(row * steps.count)..<((row + 1) * steps.count)]) }
        var objective: ObjectiveSplit?
        if let names = metadata["objective_terms"] {
            let list = names.split(separator: ",").map(String.init)
            objective = ObjectiveSplit(start: try list.enumerated().map { ObjectiveTerm(name: $0.element, values: try tensor("objective_start_\($0.offset)").scalars) },
                                       end: try list.enumerated().map { ObjectiveTerm(name: $0.element, values: try tensor("objective_end_\($0.offset)").scalars) })
        }
        guard let restarts = Int(metadata["restarts"] ?? ""), let seconds = Double(metadata["seconds"] ?? "") else {
            throw UnitError("\(url.path) lacks 'restarts' or 'seconds'")
        }
        return AttackResult(targets: try integers("targets"), reconstructions: try tensor("reconstructions"), attempts: try tensor("attempts"),
                            restarts: restarts, selectedAttempt: try integers("selected_attempt"),
                            attemptConfidence: try tensor("attempt_confidence").scalars, lossCurves: lossCurves, lossCurveSteps: steps,
                            queries: try integers("queries"), iterations: try integers("iterations"), seconds: seconds,
                            starts: tensors["starts"], objective: objective)
    }

    private static func list(_ values: [Int]) -> String { values.map(String.init).joined(separator: ",") }
}

extension AttackResult {
    /// The result of one attack on all identities, from its chunks' results in order (what a
    /// one-process run of an attack that `splitsByIdentity` gives). Loss curves are put on the
    /// sampling steps of the chunk that ran longest: a chunk stops sampling when all its rows
    /// have stopped, and a stopped row's objective stays at its last value.
    public static func concatenating(_ parts: [AttackResult]) throws -> AttackResult {
        guard let first = parts.first else { throw UnitError("no chunk results to merge") }
        guard parts.allSatisfy({ $0.restarts == first.restarts }) else { throw UnitError("chunks ran with different restarts") }
        let steps = parts.max { ($0.lossCurveSteps.last ?? 0) < ($1.lossCurveSteps.last ?? 0) }!.lossCurveSteps
        let curves = parts.flatMap { part in
            part.lossCurves.map { curve in
                steps.map { step in
                    let index = part.lossCurveSteps.lastIndex { $0 <= step } ?? 0
                    return index < curve.count ? curve[index] : Float.nan
                }
            }
        }
        var objective: ObjectiveSplit?
        if let firstSplit = first.objective {
            let splits = parts.compactMap(\.objective)
            guard splits.count == parts.count, splits.allSatisfy({ $0.start.map(\.name) == firstSplit.start.map(\.name) }) else {
                throw UnitError("chunks report different objective terms")
            }
            func joined(_ side: KeyPath<ObjectiveSplit, [ObjectiveTerm]>) -> [ObjectiveTerm] {
                firstSplit[keyPath: side].indices.map { term in
                    ObjectiveTerm(name: firstSplit[keyPath: side][term].name, values: splits.flatMap { $0[keyPath: side][term].values })
                }
            }
            objective = ObjectiveSplit(start: joined(\.start), end: joined(\.end))
        }
        let starts = parts.allSatisfy { $0.starts != nil } ? Tensor.concatenate(parts.map { $0.starts! }, alongAxis: 0) : nil
        return AttackResult(targets: parts.flatMap(\.targets), reconstructions: Tensor.concatenate(parts.map(\.reconstructions), alongAxis: 0),
                            attempts: Tensor.concatenate(parts.map(\.attempts), alongAxis: 0), restarts: first.restarts,
                            selectedAttempt: parts.flatMap(\.selectedAttempt), attemptConfidence: parts.flatMap(\.attemptConfidence),
                            lossCurves: curves, lossCurveSteps: steps, queries: parts.flatMap(\.queries), iterations: parts.flatMap(\.iterations),
                            seconds: parts.reduce(0) { $0 + $1.seconds }, starts: starts, objective: objective)
    }
}
