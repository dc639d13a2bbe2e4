import Foundation

/// HTML building blocks of the report: escaping, tables, numbers for people.
enum HTML {
    /// Text escaped for element content and double-quoted attribute values.
    static func escape(_ text: String) -> String { SVG.escape(text) }

    /// A table of text cells; cells that read as numbers are right-aligned.
    static func table(_ table: TextTable, className: String) -> String {
        var out = "<div class=\"scroll\"><table class=\"\(className)\">\n<thead><tr>"
        out += table.columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            out += "<tr>" + row.map { cell in
                isNumeric(cell) ? "<td class=\"num\">\(escape(cell))</td>" : "<td>\(escape(cell))</td>"
            }.joined() + "</tr>\n"
        }
        return out + "</tbody></table></div>\n"
    }

    /// Key-value rows (provenance, data split).
    static func keyValues(_ pairs: [(String, String)]) -> String {
        var out = "<table class=\"kv\"><tbody>\n"
        for (key, value) in pairs { out += "<tr><th>\(escape(key))</th><td>\(escape(value))</td></tr>\n" }
        return out + "</tbody></table>\n"
    }

    /// True for a number, `inf`, or `mean ± std`.
    static func isNumeric(_ cell: String) -> Bool {
        let first = cell.components(separatedBy: " ± ").first ?? cell
        return !first.isEmpty && (Double(first) != nil || first == "inf" || first == "-inf")
    }

    /// A number for reading: four significant digits, integers as integers, `inf`, empty for NaN.
    static func number(_ value: Double) -> String {
        formatNumber(value, significantDigits: 4)
    }

    /// `data:` URI of a PNG file, with its pixel width (from the IHDR chunk), or nil when the
    /// file is missing or not a PNG.
    static func pngDataURI(_ file: URL) -> (uri: String, width: Int)? {
        guard let data = try? Data(contentsOf: file), data.count > 24,
              Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }
        return ("data:image/png;base64," + data.base64EncodedString(), width)
    }
}
