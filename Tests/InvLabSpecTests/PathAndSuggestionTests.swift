import InvLabSpec
import Testing

/// Key paths, "did you mean" suggestions and the renderer's layout.
@Suite("Key paths, suggestions, rendering")
struct PathAndSuggestionTests {
    @Test("key paths parse and print", arguments: [
        ("attack.regularizers[1].type", "attack.regularizers[1].type", 4),
        ("a", "a", 1), ("[0].a", "[0].a", 2), ("a[0][1]", "a[0][1]", 3), ("snake_case-key.x", "snake_case-key.x", 2),
    ])
    func parsing(text: String, printed: String, count: Int) throws {
        let path = try SpecPath(parsing: text)
        #expect(path.description == printed)
        #expect(path.components.count == count)
    }

    @Test("malformed key paths name the problem and its offset", arguments: [
        ("", "the key path is empty", 0), ("a..b", "expected a key after '.', found '.'", 2),
        (".a", "expected a key before '.'", 0), ("a.", "expected a key after '.', found the end of the path", 2),
        ("a[x]", "expected a list index (a non-negative integer) after '[', found 'x'", 2),
        ("a[1", "expected ']' after the list index", 3), ("a[]", "expected a list index (a non-negative integer) inside '[]'", 2),
        ("a[-1]", "expected a list index (a non-negative integer) after '[', found '-'", 2),
        ("a]b", "unexpected character ']' in key path", 1), ("a b", "unexpected character ' ' in key path", 1),
        ("a[99999999999999999999]", "list index 99999999999999999999 is too large", 2), ("a.[0]", "expected a key after '.', found '['", 2),
    ])
    func malformed(text: String, message: String, offset: Int) {
        #expect(throws: SpecPathSyntaxError(message: message, offset: offset)) { try SpecPath(parsing: text) }
    }

    @Test("path building and quoting of unusual keys")
    func building() {
        let path = SpecPath.root.appending("sweep").appending("defense.lambda").appending(index: 2).appending("to")
        #expect(path.description == "sweep[\"defense.lambda\"][2].to")
        #expect(SpecPath.root.description == "")
        #expect(SpecPath.root.isRoot)
        #expect(path.lastKey == "to")
        #expect(SpecPath([.key("a b"), .key("")]).description == "[\"a b\"][\"\"]")
    }

    @Test("suggestions only for close names", arguments: [
        ("wieght", ["weight", "height", "width"], ["weight", "height"]),
        ("total_variaton", ["total_variation", "l2"], ["total_variation"]),
        ("Weight", ["weight"], ["weight"]),
        ("lr", ["learning_rate", "steps"], []),
        ("x", ["y", "xx", "abc"], ["xx", "y"]),
        ("optimiser", ["optimizer"], ["optimizer"]),
        ("colour", ["steps", "scale", "clip"], []),
        ("weight", ["weight"], []),
    ])
    func suggestions(name: String, candidates: [String], expected: [String]) {
        #expect(closestMatches(to: name, among: candidates) == expected)
    }

    @Test("diagnostics render compiler-style, sorted by file, line and column")
    func rendering() {
        let cache = SourceCache()
        cache.store(text: "first\n\tsecond line\n", for: "b.yaml")
        let diagnostics = [
            Diagnostic.warning("late", at: SourceLocation(file: "b.yaml", line: 2, column: 3), path: SpecPath([.key("k")])),
            Diagnostic.error("no place"),
            Diagnostic.error("early", at: SourceLocation(file: "a.yaml", line: 9, column: 1), notes: ["one", "two"]),
            Diagnostic.error("generated", at: .generated, path: SpecPath([.key("g")])),
        ]
        #expect(DiagnosticRenderer(cache: cache).render(diagnostics) == """
            a.yaml:9:1: error: early
            note: one
            note: two
            b.yaml:2:3: warning: late (at k)
                2 | \tsecond line
                  | \t ^
            error: no place
            error: generated (at g)
            """)
        #expect(SpecError(diagnostics).diagnostics.map(\.message) == ["early", "late", "no place", "generated"])
        let wide = SourceCache()
        wide.store(text: String(repeating: "\n", count: 123_456) + "x", for: "w.yaml")
        #expect(DiagnosticRenderer(cache: wide).render(.error("far", at: SourceLocation(file: "w.yaml", line: 123_457, column: 1)))
            == "w.yaml:123457:1: error: far\n123457 | x\n       | ^")
        #expect(Diagnostic.unknownName("dataset", "cifar", known: [], listLabel: "known datasets", at: nil, path: nil).notes
            == ["known datasets: (none)"])
    }
}

@Suite("Quoted keys in key paths")
struct QuotedKeyPathTests {
    @Test("a printed path with quoted keys parses back to the same path", arguments: [
        "sweep[\"defense.lambda\"].step", "a[\"x y\"][0].b", "[\"odd \\\"key\\\"\"]", "plain.path[2]",
    ])
    func roundTrip(_ text: String) throws {
        let path = try SpecPath(parsing: text)
        #expect(path.description == text)
        #expect(try SpecPath(parsing: path.description) == path)
    }

    @Test func unterminated() {
        #expect(throws: SpecPathSyntaxError(message: "expected '\"' to close the quoted key", offset: 11)) {
            try SpecPath(parsing: "sweep[\"a.b]")
        }
        #expect(throws: SpecPathSyntaxError(message: "expected ']' after the quoted key", offset: 9)) {
            try SpecPath(parsing: "sweep[\"a\"x")
        }
    }
}
