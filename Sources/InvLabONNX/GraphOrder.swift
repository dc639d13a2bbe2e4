/// Orders a graph's nodes so that each comes after the producers of its inputs (ONNX requires
/// files to be sorted, but exporters are not always careful), and refuses graphs that cannot run:
/// an input nobody produces, a value produced twice, a cycle, an output nobody produces.
enum GraphOrder {
    static func sorted(_ nodes: [Onnx_NodeProto], available: Set<String>, outputs: [String],
                       path: String) throws -> [Onnx_NodeProto] {
        var producer: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.output where !output.isEmpty {
                guard producer[output] == nil, !available.contains(output) else {
                    throw ONNXError("\(path): value '\(output)' is produced twice (again by node \(describe(node)))")
                }
                producer[output] = index
            }
        }
        // Kahn's algorithm over node indices; ties keep the file's order.
        var waitingOn = [Int](repeating: 0, count: nodes.count)
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() {
            for input in Set(node.input) where !input.isEmpty && !available.contains(input) {
                guard let source = producer[input] else {
                    throw ONNXError("\(path): node \(describe(node)) reads '\(input)', which is neither a graph input, "
                        + "an initializer nor the output of a node")
                }
                waitingOn[index] += 1
                consumers[source].append(index)
            }
        }
        var ready = (0..<nodes.count).filter { waitingOn[$0] == 0 }.reversed() as [Int]
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        while let next = ready.popLast() {
            order.append(next)
            for consumer in consumers[next].reversed() {
                waitingOn[consumer] -= 1
                if waitingOn[consumer] == 0 { ready.append(consumer) }
            }
        }
        guard order.count == nodes.count else {
            // Nodes left waiting are on a cycle or downstream of one; peel off those that feed
            // no other waiting node until only the cycle(s) remain.
            var stuck = Set((0..<nodes.count).filter { waitingOn[$0] > 0 })
            while let sink = stuck.first(where: { consumers[$0].allSatisfy { !stuck.contains($0) } }) {
                stuck.remove(sink)
            }
            let names = stuck.sorted().map { describe(nodes[$0]) }
            throw ONNXError("\(path): the graph has a cycle through node(s) \(names.joined(separator: ", "))")
        }
        for output in outputs where !available.contains(output) && producer[output] == nil {
            throw ONNXError("\(path): graph output '\(output)' is not produced by any node")
        }
        return order.map { nodes[$0] }
    }

    /// `'name' (Op)`, the way every error names a node.
    static func describe(_ node: Onnx_NodeProto) -> String {
        "'\(node.name)' (\(node.opType))"
    }
}
