/// Reading key paths typed by users: `a.b[0].c` in `--set` overrides and `sweep:` keys.
extension SpecPath {
    /// Most components a parsed path may have; deeper paths are certainly typos and would
    /// otherwise build absurdly deep trees.
    public static let maximumParsedComponents = 200

    /// Parses `key(.key | [index])*`, e.g. `attack.regularizers[0].weight`.
    ///
    /// A key is any run of characters other than `.`, `[`, `]`, `=` and white space; an index is
    /// a non-negative decimal integer in brackets. A path may also start with an index (`[0].a`)
    /// to address into a root list. A key that contains such characters is written bracketed
    /// and double-quoted, as `description` prints it: `sweep["defense.lambda"].step` (with `\"`
    /// and `\\` escapes).
    /// - Throws: `SpecPathSyntaxError` naming the problem and its offset.
    public init(parsing text: String) throws {
        self.init(try SpecPath.parseComponents(text).map(\.component))
    }

    /// The components of `text` with the 0-based character offset where each one starts.
    static func parseComponents(_ text: String) throws -> [(component: Component, offset: Int)] {
        let characters = Array(text)
        var result: [(component: Component, offset: Int)] = []
        var position = 0
        if characters.isEmpty {
            throw SpecPathSyntaxError(message: "the key path is empty", offset: 0)
        }
        while true {
            if position < characters.count, characters[position] == "[" {
                if !result.isEmpty {
                    throw SpecPathSyntaxError(message: "expected a key after '.', found '['", offset: position)
                }
            } else {
                let start = position
                while position < characters.count, isKeyCharacter(characters[position]) {
                    position += 1
                }
                if position == start {
                    throw SpecPathSyntaxError(message: missingKeyMessage(characters, at: position, first: result.isEmpty),
                                              offset: position)
                }
                result.append((.key(String(characters[start..<position])), start))
            }
            while position < characters.count, characters[position] == "[" {
                if position + 1 < characters.count, characters[position + 1] == "\"" {
                    let (key, next) = try parseQuotedKey(characters, openingBracketAt: position)
                    result.append((.key(key), position))
                    position = next
                    continue
                }
                let (index, next) = try parseIndex(characters, openingBracketAt: position)
                result.append((.index(index), position))
                position = next
            }
            if result.count > maximumParsedComponents {
                throw SpecPathSyntaxError(message: "the key path has more than \(maximumParsedComponents) components",
                                          offset: position)
            }
            if position == characters.count { return result }
            if characters[position] != "." {
                throw SpecPathSyntaxError(message: "unexpected character '\(characters[position])' in key path",
                                          offset: position)
            }
            position += 1
        }
    }

    private static func isKeyCharacter(_ character: Character) -> Bool {
        !(character == "." || character == "[" || character == "]" || character == "=" || character.isWhitespace)
    }

    private static func missingKeyMessage(_ characters: [Character], at position: Int, first: Bool) -> String {
        guard position < characters.count else {
            return first ? "the key path is empty" : "expected a key after '.', found the end of the path"
        }
        let found = characters[position]
        if first && found == "." { return "expected a key before '.'" }
        return first ? "unexpected character '\(found)' in key path" : "expected a key after '.', found '\(found)'"
    }

    /// Reads `["key"]` starting at the `[`; returns the key and the position after `]`.
    private static func parseQuotedKey(_ characters: [Character], openingBracketAt open: Int) throws -> (String, Int) {
        var position = open + 2
        var key = ""
        while position < characters.count, characters[position] != "\"" {
            if characters[position] == "\\", position + 1 < characters.count {
                position += 1
            }
            key.append(characters[position])
            position += 1
        }
        guard position < characters.count else {
            throw SpecPathSyntaxError(message: "expected '\"' to close the quoted key", offset: position)
        }
        guard position + 1 < characters.count, characters[position + 1] == "]" else {
            throw SpecPathSyntaxError(message: "expected ']' after the quoted key", offset: position + 1)
        }
        return (key, position + 2)
    }

    /// Reads `[digits]` starting at the `[`; returns the index and the position after `]`.
    private static func parseIndex(_ characters: [Character], openingBracketAt open: Int) throws -> (Int, Int) {
        var position = open + 1
        var digits = ""
        while position < characters.count, let digit = characters[position].wholeNumberValue,
              characters[position].isASCII {
            digits.append(String(digit))
            position += 1
        }
        guard position < characters.count, characters[position] == "]" else {
            if digits.isEmpty {
                let found = position < characters.count ? "'\(characters[position])'" : "the end of the path"
                throw SpecPathSyntaxError(message: "expected a list index (a non-negative integer) after '[', found \(found)",
                                          offset: position)
            }
            throw SpecPathSyntaxError(message: "expected ']' after the list index", offset: position)
        }
        guard !digits.isEmpty else {
            throw SpecPathSyntaxError(message: "expected a list index (a non-negative integer) inside '[]'", offset: position)
        }
        guard let index = Int(digits) else {
            throw SpecPathSyntaxError(message: "list index \(digits) is too large", offset: open + 1)
        }
        return (index, position + 1)
    }
}
