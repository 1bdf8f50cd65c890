import Hashprice
import Bitcoin
import Domain
import Foundation
import Ingest
import Store

/// `hashsec ingest`: parse every input first (all-or-nothing validation), then apply each file to the store
/// in its own transaction. Inputs may be local paths or `http(s)://` URLs (downloaded to a temp file first).
public enum IngestJob {
    /// Outcome for one input.
    public struct FileResult: Equatable, Sendable {
        public var name: String
        public var format: InputFormat
        public var rows: Int
        public var sha256: String
        /// nil when the file had already been ingested (nothing written).
        public var applied: ApplySummary?
        /// Retargets verified (block-header files).
        public var retargets: Int = 0
        /// Embedded checkpoints matched (block-header files).
        public var checkpoints: Int = 0

        /// `path: 5727 rows (tidy), 5727 new, 0 revised, 0 unchanged` or `path: already ingested (sha256 …): nothing changed`.
        public var line: String {
            guard let s = applied else { return "\(name): already ingested (sha256 \(sha256.prefix(16))…): nothing changed" }
            let hdr = ", \(retargets) retargets verified, \(checkpoints) checkpoint\(checkpoints == 1 ? "" : "s") matched"
            var t = "\(name): \(rows) \(format == .headers ? "headers" : format == .curve ? "forward levels" : "rows") (\(format.rawValue)\(format == .headers ? hdr : "")), \(s.newRows) new, "
                + "\(s.revisedRows) revised, \(s.unchangedRows) unchanged"
            if s.filledRows > 0 { t += ", \(s.filledRows) filled in" }
            if s.revisedValues > 0 { t += "; \(s.revisedValues) value\(s.revisedValues == 1 ? "" : "s") revised (logged)" }
            return t
        }
    }

    /// Ingests `inputs` into the store at `dbPath`.
    /// - Throws: `IngestError` (rejected → nothing from any input is stored), `StoreError`.
    public static func run(inputs: [String], dbPath: String, options: IngestOptions = IngestOptions()) throws -> [FileResult] {
        let parsed = try InputParser.parseAll(inputs, options: options)
        return try apply(parsed, to: HistoryStore(path: dbPath, verify: true), options)
    }

    /// Same as `run(inputs:dbPath:options:)` against an open store (for `nightly`).
    public static func run(inputs: [String], store: HistoryStore, options: IngestOptions = IngestOptions()) throws -> [FileResult] {
        try apply(InputParser.parseAll(inputs, options: options), to: store, options)
    }

    /// Applies each file in its own transaction. Days that are implausible only together with what is stored (the
    /// store checks them with the same rules as the parser) are reported as the file's `file:line: column: reason`.
    static func apply(_ parsed: [ParsedFile], to store: HistoryStore, _ options: IngestOptions) throws -> [FileResult] {
        try parsed.map { p in
            if p.format == .curve {
                try checkCurveAgainstIndex(p, store: store)
                let s = try store.applyCurve(p.curve, path: p.name, sha256: p.sha256, format: p.format.rawValue, limits: options.limits)
                return FileResult(name: p.name, format: p.format, rows: p.rows, sha256: p.sha256, applied: s)
            }
            let s: ApplySummary?
            do {
                s = try store.apply(p.observations, path: p.name, sha256: p.sha256, format: p.format.rawValue, limits: options.limits)
            } catch let StoreError.implausible(_, problems) {
                // A rule between this file's value and a stored one (e.g. a difficulty series against the stored hash
                // rate) is reported at the file's own column.
                let own = DailyObservation.Field.allCases.compactMap { p.columns.names[$0] }.first ?? p.columns.date
                throw IngestError.rejected(file: p.name, problems: problems.map {
                    IngestProblem(line: p.line(of: $0.date), column: $0.field.flatMap { p.columns.names[$0] } ?? ($0.field == nil ? p.columns.date : own),
                                  reason: p.line(of: $0.date) == 0 ? "stored day \($0.date.iso): \($0.reason)" : "\($0.reason) (with the stored days)")
                })
            }
            return FileResult(name: p.name, format: p.format, rows: p.rows, sha256: p.sha256, applied: s, retargets: p.retargets,
                              checkpoints: p.checkpoints)
        }
    }

    /// Largest ratio between a forward level and the hashprice index on its quote date (either way).
    public static let maxCurveToIndexRatio = 10.0

    /// A forward curve must be of the right order of magnitude: when the store holds the quote date's history, every
    /// level must be within `maxCurveToIndexRatio` of that day's hashprice index (`HashpriceIndex`, the same unit), as a
    /// day's hash rate must be within 10× of the one its blocks imply. A curve quoted per TH/s instead of per PH/s is off
    /// by 1,000. Without the quote date in the store the check cannot be made (stated in the Ingest README).
    static func checkCurveAgainstIndex(_ p: ParsedFile, store: HistoryStore) throws {
        var problems: [IngestProblem] = []
        var index: [Day: Double?] = [:]
        for (k, c) in p.curve.enumerated() {
            if index[c.quoteDate] == nil {
                let obs = try store.observations(from: c.quoteDate - 1, through: c.quoteDate)
                let day = HashpriceIndex.compute(obs).last { $0.date == c.quoteDate }
                index[c.quoteDate] = c.unit == .usd ? day?.hashpriceUSDPerPHDay : day?.hashpriceBTCPerPHDay
            }
            guard let spot = index[c.quoteDate] ?? nil, spot > 0 else { continue }
            let ratio = c.level / spot
            if ratio > maxCurveToIndexRatio || ratio < 1 / maxCurveToIndexRatio {
                problems.append(IngestProblem(line: p.curveLines[k], column: c.unit.column, reason:
                    "level \(c.level) \(c.unit.label) for \(c.month.iso) is more than \(Int(maxCurveToIndexRatio))× away from the hashprice index "
                    + "on the quote date (\(String(format: "%.6g", spot)) \(c.unit.label) on \(c.quoteDate.iso), from the stored history): wrong unit?"))
            }
        }
        if !problems.isEmpty { throw IngestError.rejected(file: p.name, problems: problems) }
    }
}
