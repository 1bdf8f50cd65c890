import FileIO
import Foundation

/// A small RFC 4180 table: header row + rows of string cells (the report only displays and re-plots them).
public struct CSVTable: Equatable, Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) { self.header = header; self.rows = rows }

    /// Column index by name.
    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// Numeric values of a column (nil for empty or non-numeric cells).
    public func doubles(_ name: String) -> [Double?] {
        guard let c = column(name) else { return [] }
        return rows.map { c < $0.count ? Double($0[c]).flatMap { $0.isFinite ? $0 : nil } : nil }
    }

    /// Parses CSV text. Quoted fields may contain commas, doubled quotes and newlines.
    /// Rows whose width differs from the header's are rejected as `file:line: column: reason`.
    public static func parse(_ text: String, file: String) throws -> CSVTable {
        var records: [([String], Int)] = []
        var field = "", record: [String] = []
        var inQuotes = false, line = 1, recordLine = 1
        var it = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? { if let p = pending { pending = nil; return p }; return it.next() }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() { if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = n } }
                    else { inQuotes = false }
                } else { if c == "\n" { line += 1 }; field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"": inQuotes = true
            case ",": record.append(field); field = ""
            case "\r": break
            case "\n":
                record.append(field); field = ""
                records.append((record, recordLine)); record = []
                line += 1; recordLine = line
            default: field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append((record, recordLine)) }
        guard let first = records.first else { throw ReportError.malformed(file: file, line: 1, column: "header", reason: "empty file") }
        let header = first.0
        var rows: [[String]] = []
        for (r, l) in records.dropFirst() {
            if r == [""] { continue }
            guard r.count == header.count else {
                throw ReportError.malformed(file: file, line: l, column: "row", reason: "\(r.count) fields, header has \(header.count)")
            }
            rows.append(r)
        }
        return CSVTable(header: header, rows: rows)
    }

    /// Reads a CSV file; nil when the file does not exist.
    public static func read(_ url: URL) throws -> CSVTable? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw ReportError.malformed(file: url.path, line: 1, column: "file", reason: "unreadable or not UTF-8")
        }
        return try parse(text, file: url.path)
    }

    /// The table through the one CSV writer (`CSVText`: RFC 4180, text cells spreadsheet-safe, numbers kept as written).
    public var text: String {
        var t = CSVText(header: header)
        for r in rows { t.append(texts: r) }
        return t.text
    }
}
