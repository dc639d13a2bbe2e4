import InvLabCYAML

/// Turns libyaml's error fields (problem, context, marks) into a readable diagnostic.
///
/// libyaml says e.g. "found character that cannot start any token" while scanning for the next
/// token; when the character is a TAB used for indentation (the most common cause) the message
/// says so plainly instead.
struct LibYAMLErrorTranslator {
    let file: String
    let lines: [String]
    let bytes: [UInt8]

    static let tabMessage = "tabs are not allowed for indentation in YAML; indent with spaces"

    func diagnostic(for parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        if parser.error == YAML_READER_ERROR {
            let offset = min(max(0, Int(parser.problem_offset)), bytes.count)
            return .error("invalid character in YAML text: \(problem)",
                          at: TextEncodingCheck.locate(offset: offset, in: bytes, file: file))
        }
        if parser.error == YAML_MEMORY_ERROR {
            return .error("out of memory while parsing YAML", at: location(line: 0, column: 0))
        }
        let line = Int(parser.problem_mark.line)
        let column = Int(parser.problem_mark.column)
        if let tabColumn = indentationTab(line: line, problemColumn: column) {
            return .error(Self.tabMessage, at: location(line: line, column: tabColumn))
        }
        var notes: [String] = []
        if let context = parser.context.map({ String(cString: $0) }) {
            let contextLocation = location(line: Int(parser.context_mark.line), column: Int(parser.context_mark.column))
            notes.append("\(context) that starts at \(contextLocation)")
        }
        if problem.hasPrefix("mapping values are not allowed") {
            notes.append("check the indentation of this line against the lines above it")
        }
        return .error("YAML syntax error: \(problem)", at: location(line: line, column: column), notes: notes)
    }

    /// 0-based column of the tab to blame, when the problem is at a tab character or on a line
    /// whose indentation contains a tab before the problem position.
    private func indentationTab(line: Int, problemColumn: Int) -> Int? {
        guard line >= 0, line < lines.count else { return nil }
        let characters = Array(lines[line].unicodeScalars)
        if problemColumn < characters.count, characters[problemColumn] == "\t" { return problemColumn }
        var column = 0
        while column < characters.count, characters[column] == " " || characters[column] == "\t" {
            if characters[column] == "\t", column <= problemColumn { return column }
            column += 1
        }
        return nil
    }

    private func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line + 1, column: column + 1)
    }
}
