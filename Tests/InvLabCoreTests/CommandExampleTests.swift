import ArgumentParser
import Foundation
import InvLabBuiltins
import InvLabCLI
import InvLabCore
import Testing

/// The `--help` discussions of `invlab` and every subcommand (where their examples are).
func helpDiscussions() -> [String] {
    [InvlabCommand.configuration.discussion] + InvlabCommand.configuration.subcommands.map { $0.configuration.discussion }
}

/// The user documentation: README.md and every docs/*.md, one after the other.
func readmeText() throws -> String {
    let docs = repositoryRoot.appendingPathComponent("docs")
    let pages = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }.sorted()
    #expect(pages.contains("guide.md") && pages.contains("extending.md"), "docs/ has \(pages)")
    return try ([repositoryRoot.appendingPathComponent("README.md")] + pages.map { docs.appendingPathComponent($0) })
        .map { try String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
}

/// Splits a shell command line into words, honouring single and double quotes (no escapes).
func shellWords(_ line: String) -> [String] {
    var words: [String] = [], current = "", quote: Character?, inWord = false
    for character in line {
        if let open = quote {
            if character == open { quote = nil } else { current.append(character) }
        } else if character == "'" || character == "\"" {
            quote = character
            inWord = true
        } else if character.isWhitespace {
            if inWord { words.append(current) }
            current = ""
            inWord = false
        } else {
            current.append(character)
            inWord = true
        }
    }
    if inWord { words.append(current) }
    return words
}

/// Every `invlab run|validate|verify Experiments/... [--set K=V]...` command in `text`: one per
/// line of a help text, or one per code span of the README (spans may wrap lines).
func specCommands(in text: String, codeSpans: Bool) -> [[String]] {
    let candidates: [String]
    if codeSpans {
        let pattern = try! NSRegularExpression(pattern: "`(invlab [^`]+)`")
        candidates = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!]).replacingOccurrences(of: "\n", with: " ")
        }
    } else {
        candidates = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("invlab ") }
    }
    return candidates.map(shellWords).filter { words in
        words.count >= 3 && ["run", "validate", "verify", "preview", "plan", "prepare"].contains(words[words[1] == "data" ? 2 : 1])
            && words.contains { $0.hasPrefix("Experiments/") && $0.hasSuffix(".yaml") && !$0.contains("*") }
    }
}

@Suite("Command examples in --help, the README and docs/ work as written")
struct CommandExampleTests {
    @Test("every Experiments/*.yaml that --help, the README or docs/ names exists")
    func namedSpecsExist() throws {
        let pattern = try NSRegularExpression(pattern: #"Experiments/[A-Za-z0-9_./-]*\.yaml"#)
        let texts = helpDiscussions() + [try readmeText()]
        var named: Set<String> = []
        for text in texts {
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                named.insert(String(text[Range(match.range, in: text)!]))
            }
        }
        #expect(named.count >= 5)
        for path in named.sorted() {
            #expect(FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent(path).path), "\(path) does not exist")
        }
    }

    @Test("the --set overrides of every example command are valid on its spec")
    func exampleOverridesValidate() throws {
        let commands = helpDiscussions().flatMap { specCommands(in: $0, codeSpans: false) }
            + specCommands(in: try readmeText(), codeSpans: true)
        #expect(commands.contains { $0.contains("--set") })
        for words in commands {
            guard let spec = words.first(where: { $0.hasPrefix("Experiments/") && $0.hasSuffix(".yaml") && !$0.contains("*") }) else { continue }
            let overrides = zip(words, words.dropFirst()).filter { $0.0 == "--set" }.map(\.1)
            do {
                _ = try SpecLoader.load(file: repositoryRoot.appendingPathComponent(spec).path, overrides: overrides,
                                        registries: try Builtins.registries(), inputs: validationScope(spec))
            } catch let error as SpecLoadError {
                Issue.record("`\(words.joined(separator: " "))` is invalid:\n\(error.rendered)")
            }
        }
    }
}
