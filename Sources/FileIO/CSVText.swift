/// The one CSV writer: RFC 4180 with `\n` line ends, fields quoted only when they hold a comma, quote or line break.
///
/// **Spreadsheet safety** (issue 12 item 16): a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
/// would run as a formula when the file is opened in a spreadsheet (a scenario named `=HYPERLINK(…)`); such a cell is
/// written with a leading `'` (OWASP's "CSV injection" advice), unless the whole cell is a number or a percentage
/// (`-0.25`, `-1e-05`, `-10%` are left as they are; `-1+2` is not: `isNumber`). Numbers are written in full precision
/// (`Double.description`, the shortest text that reads back to the same value); a missing or non-finite number is an
/// empty cell, never NaN or inf.
public struct CSVText: Sendable {
    /// One cell of a row.
    public enum Cell: Sendable, Equatable {
        case text(String)
        /// Empty when nil or not finite.
        case number(Double?)
        case integer(Int)
        /// `true` / `false`.
        case flag(Bool)
        /// An empty cell.
        case empty
    }

    public private(set) var text: String

    public init(header: [String]) {
        text = header.map(Self.field).joined(separator: ",") + "\n"
    }

    /// Appends a row.
    public mutating func append(_ row: [Cell]) {
        var first = true
        for c in row {
            if !first { text += "," }
            first = false
            text += Self.render(c)
        }
        text += "\n"
    }

    /// Appends a row of text cells (numbers in text keep their form: see `field`).
    public mutating func append(texts row: [String]) { append(row.map(Cell.text)) }

    public static func render(_ c: Cell) -> String {
        switch c {
        case .text(let s): return field(s)
        case .number(let v): return number(v)
        case .integer(let i): return String(i)
        case .flag(let b): return b ? "true" : "false"
        case .empty: return ""
        }
    }

    /// A number cell: `Double.description`, empty when nil or not finite.
    public static func number(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "" }
        return v.description
    }

    /// A text cell: neutralised when it would be a spreadsheet formula, then quoted when needed.
    public static func field(_ s: String) -> String {
        var t = s
        if let f = t.unicodeScalars.first, formulaStarts.contains(f), !isNumber(t) { t = "'" + t }
        guard t.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return t }
        return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// A decimal number as written by `Double.description` or a person (`-12`, `+0.5`, `-1e-05`), or such a number with
    /// a trailing `%` (`-10%`, a bump label): a spreadsheet reads it as a value, not a formula. Anything more after a
    /// leading sign is text (`-1+2`, `-2+3+cmd|…`: the classic injection starts with a digit after the sign), so the rule
    /// is "the whole cell is one number", not "a sign followed by a digit".
    static func isNumber(_ s: String) -> Bool {
        let body = s.hasSuffix("%") ? String(s.dropLast()) : s
        guard let v = Double(body), !v.isNaN else { return false }
        return body.unicodeScalars.allSatisfy { "0123456789+-.eE".unicodeScalars.contains($0) }
    }
}
