import InvLabCYAML

/// Pulls events from libyaml's parser (the event API, not its document loader, so that this
/// module controls alias expansion, duplicate keys and limits itself).
///
/// The reader owns a copy of the input bytes for libyaml to read from, and frees the parser
/// when it goes away. Syntax errors become diagnostics via `LibYAMLErrorTranslator`.
final class LibYAMLEventReader {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let file: String
    private let lines: [String]
    private let bytes: [UInt8]
    private let initialized: Bool

    /// Prepares to parse `bytes` (already checked to be UTF-8); `lines` is the same text split
    /// into lines, used to explain errors.
    init(bytes: [UInt8], lines: [String], file: String) {
        self.file = file
        self.lines = lines
        self.bytes = bytes
        parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
        _ = input.initialize(from: bytes)
        initialized = yaml_parser_initialize(parser) != 0
        if initialized {
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
        }
    }

    deinit {
        if initialized { yaml_parser_delete(parser) }
        parser.deallocate()
        input.deallocate()
    }

    /// The next event, or a diagnostic describing the syntax error libyaml found.
    func next() -> Result<YAMLEvent, Diagnostic> {
        guard initialized else {
            return .failure(.error("cannot initialise the YAML parser (out of memory?)",
                                   at: SourceLocation(file: file, line: 1, column: 1)))
        }
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) != 0 else {
            let translator = LibYAMLErrorTranslator(file: file, lines: lines, bytes: bytes)
            return .failure(translator.diagnostic(for: parser.pointee))
        }
        defer { yaml_event_delete(&event) }
        return .success(convert(event))
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private func convert(_ event: yaml_event_t) -> YAMLEvent {
        let start = location(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(start)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(anchor: string(event.data.alias.anchor) ?? "", at: start)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = scalar.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: Int(scalar.length)), as: UTF8.self)
            } ?? ""
            return .scalar(text: text, style: style(scalar.style), tag: string(scalar.tag),
                           anchor: string(scalar.anchor), at: start)
        case YAML_SEQUENCE_START_EVENT:
            let sequence = event.data.sequence_start
            return .sequenceStart(tag: string(sequence.tag), anchor: string(sequence.anchor), at: start)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let mapping = event.data.mapping_start
            return .mappingStart(tag: string(mapping.tag), anchor: string(mapping.anchor), at: start)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            return .streamEnd
        }
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }

    private func style(_ style: yaml_scalar_style_t) -> ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }
}
