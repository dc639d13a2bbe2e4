/// Quoting for command lines that messages suggest (`--set` fixes, the resume hint), so that a
/// user can paste them into a POSIX shell as printed.

/// `text` as one POSIX shell word: unchanged when it holds only characters no shell treats
/// specially (letters, digits and `@%+=:,./_-`), otherwise in single quotes, each `'` written
/// as `'\''`. `sweep["defense.lambda"]=[0.1]` becomes `'sweep["defense.lambda"]=[0.1]'`.
public func shellQuoted(_ text: String) -> String {
    let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
        (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))) || "@%+=:,./_-".unicodeScalars.contains(scalar)
    }
    if plain { return text }
    return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
