/// A libyaml parser event, copied into Swift values with 1-based locations.
enum YAMLEvent {
    case streamStart
    case streamEnd
    case documentStart(SourceLocation)
    case documentEnd
    case alias(anchor: String, at: SourceLocation)
    case scalar(text: String, style: ScalarStyle, tag: String?, anchor: String?, at: SourceLocation)
    case sequenceStart(tag: String?, anchor: String?, at: SourceLocation)
    case sequenceEnd
    case mappingStart(tag: String?, anchor: String?, at: SourceLocation)
    case mappingEnd
}
