import Domain

/// Collects rejected cells while a file is read (bounded memory: after 10,000 only the count grows).
struct ProblemList {
    private(set) var items: [IngestProblem] = []
    private(set) var total = 0
    mutating func add(_ line: Int, _ column: String, _ reason: String) {
        total += 1
        if items.count < 10_000 { items.append(IngestProblem(line: line, column: column, reason: reason)) }
    }
    var isEmpty: Bool { total == 0 }
    /// The problems in line order (stable), with a final summary entry when some were dropped.
    var all: [IngestProblem] {
        let sorted = items.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
        return total > items.count ? sorted + [IngestProblem(line: sorted.last?.line ?? 0, column: "-",
                                                             reason: "\(total - items.count) further problems not kept")] : sorted
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cell parsers shared by the formats, reading fields of a `RawRecord` in place. Each returns nil for an empty
/// cell (missing) and records a problem (and returns nil, setting `bad` so the row is dropped) for an invalid one.
final class CellParser {
    var problems = ProblemList()

    /// Powers of ten exactly representable as Double (10^0 ... 10^22).
    private static let pow10: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { a, _ in a * 10 } }

    /// Non-negative finite number; empty = missing.
    ///
    /// Fast path (Clinger): a plain decimal `digits[.digits]` with at most 15 significant digits m and k ≤ 22
    /// fractional digits is exactly `m / 10^k`, both operands exact doubles, so one IEEE division is correctly
    /// rounded. Anything else (exponents, more digits, signs, text) goes to `strtod`, also correctly rounded.
    func number(_ r: RawRecord, _ i: Int, line: Int, column: String, bad: inout Bool) -> Double? {
        let range = r.range(i)
        if range.isEmpty { return nil }
        let fast: Double? = r.bytes.withUnsafeBufferPointer { p -> Double? in
            var m: UInt64 = 0, digits = 0, frac = -1
            for j in range {
                let c = p[j]
                if c >= 48 && c <= 57 {
                    if m == 0 && c == 48 && frac < 0 { continue }  // leading zeros
                    m = m &* 10 &+ UInt64(c - 48); digits += 1
                    if frac >= 0 { frac += 1 }
                    if digits > 15 { return nil }
                } else if c == 46 && frac < 0 {
                    frac = 0
                } else { return nil }
            }
            if range.count == 1 && frac == 0 { return nil }  // "."
            let k = max(frac, 0)
            guard k <= 22 else { return nil }
            return k == 0 ? Double(m) : Double(m) / CellParser.pow10[k]
        }
        if let fast { return fast }
        let c0 = r.bytes[range.lowerBound]
        var v = 0.0
        var ok = false
        if c0 == 45 || c0 == 43 || c0 == 46 || (c0 >= 48 && c0 <= 57) || c0 == 110 || c0 == 78 || c0 == 105 || c0 == 73 {
            r.bytes.withUnsafeBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: r.bytes.count) { cp in
                    var end: UnsafeMutablePointer<CChar>? = nil
                    v = strtod(cp + range.lowerBound, &end)
                    ok = end.map { $0 == UnsafeMutablePointer(mutating: cp + range.upperBound) } ?? false
                }
            }
        }
        guard ok else {
            problems.add(line, column, "not a number: '\(CellParser.clip(r.string(i)))'"); bad = true; return nil
        }
        guard v.isFinite else { problems.add(line, column, "\(v.isNaN ? "NaN" : "infinite value") not allowed"); bad = true; return nil }
        guard v >= 0 else { problems.add(line, column, "negative value \(v)"); bad = true; return nil }
        return v
    }

    /// Non-negative integer (also accepts `123.0`); empty = missing.
    func integer(_ r: RawRecord, _ i: Int, line: Int, column: String, bad: inout Bool) -> Int? {
        guard let v = number(r, i, line: line, column: column, bad: &bad) else { return nil }
        guard v == v.rounded(), v < 9e15 else {
            problems.add(line, column, "not an integer: '\(CellParser.clip(r.string(i)))'"); bad = true; return nil
        }
        return Int(v)
    }

    /// `YYYY-MM-DD` (a `T…` or ` HH:MM:SS` time part is allowed and ignored); with `allowUnix`, Unix seconds or
    /// milliseconds (values above 10^11 are taken as milliseconds).
    func date(_ r: RawRecord, _ i: Int, line: Int, column: String, allowUnix: Bool = false, bad: inout Bool) -> Day? {
        let range = r.range(i)
        if range.isEmpty { problems.add(line, column, "missing date"); bad = true; return nil }
        let b = r.bytes
        func digit(_ j: Int) -> Int? { let c = b[range.lowerBound + j]; return c >= 48 && c <= 57 ? Int(c - 48) : nil }
        if allowUnix, range.count <= 15, (0..<range.count).allSatisfy({ digit($0) != nil }) {
            var t: Int64 = 0
            for j in 0..<range.count { t = t * 10 + Int64(digit(j)!) }
            return Day(unixSeconds: t > 100_000_000_000 ? t / 1000 : t)
        }
        guard range.count >= 10, b[range.lowerBound + 4] == 45, b[range.lowerBound + 7] == 45,
              let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
              let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9) else {
            problems.add(line, column, "bad date '\(CellParser.clip(r.string(i)))' (expected YYYY-MM-DD)"); bad = true; return nil
        }
        if range.count > 10 {
            let c = b[range.lowerBound + 10]
            guard c == 84 || c == 32 else {
                problems.add(line, column, "bad date '\(CellParser.clip(r.string(i)))' (unexpected text after YYYY-MM-DD)")
                bad = true; return nil
            }
        }
        let y = y0 * 1000 + y1 * 100 + y2 * 10 + y3
        guard y >= 1, let d = Day(year: y, month: m0 * 10 + m1, day: d0 * 10 + d1) else {
            problems.add(line, column, "impossible date '\(CellParser.clip(r.string(i)))'"); bad = true; return nil
        }
        return d
    }

    static func clip(_ s: String) -> String { s.count > 40 ? String(s.prefix(40)) + "…" : s }
}

/// Reads records after the header, checking field counts and turning structural CSV errors into problems.
///
/// **A file cut inside its last record** (SPEC §2): when the last record is ended by the end of the file instead of a
/// line break, it is refused if it is short (fewer fields than the header), or if its last field is one whose value
/// hashsec stores and cannot verify (`cutSensitive`): such a value may have lost digits ("68018.15" cut to "680").
/// A last field that is quoted (closing quote read), fixed-width or self-checking (a date, header or hash hex,
/// `height_end`, which the plausibility rules tie to the block count), or ignored, is complete when it parses.
struct RecordLoop {
    let header: [String]
    /// Columns whose value, as the last field of an unterminated last record, may have been cut.
    var cutSensitive: Set<Int> = []

    /// Column name for a 0-based field index.
    func column(_ i: Int) -> String { i < header.count ? header[i] : "field \(i + 1)" }

    /// Calls `body` for each well-formed data record; returns the number of data records seen.
    func run(_ reader: CSVReader, _ cells: CellParser, _ body: (RawRecord) -> Void) -> Int {
        var rows = 0
        var rec = RawRecord()
        while true {
            do { guard try reader.nextRaw(into: &rec) else { break } } catch let e as CSVError {
                cells.problems.add(e.line, column(e.field), e.reason); break
            } catch { cells.problems.add(0, "-", "\(error)"); break }
            rows += 1
            let cut = reader.lastRecordEndedAtEOF
            if rec.count < header.count {
                cells.problems.add(rec.line, column(rec.count),
                                   cut ? "missing field: the file ends inside this record (\(rec.count) of \(header.count) fields, no final newline): cut?"
                                       : "missing field: row has \(rec.count) of \(header.count) fields (truncated?)")
                continue
            }
            if cut, rec.count == header.count, cutSensitive.contains(header.count - 1), !reader.lastFieldClosedByQuote {
                let last = header.count - 1
                cells.problems.add(rec.line, column(last),
                                   "the file ends inside this record: no newline after '\(CellParser.clip(rec.string(last)))', which may be cut; "
                                   + "refused rather than guessed at (if the file is complete, end it with a newline)")
                continue
            }
            if rec.count > header.count {
                cells.problems.add(rec.line, column(header.count), "row has \(rec.count) fields, header has \(header.count)")
                continue
            }
            body(rec)
        }
        return rows
    }
}

/// Keeps one observation per date and reports duplicates.
///
/// While the dates arrive strictly increasing (every real file, and the 10^6-row benchmark) a date above the previous
/// one cannot be a duplicate, so no hash table is kept: the first date out of order builds the date → first line table
/// from the rows so far, and every later row is checked against it (same messages, same first lines).
struct DateBook {
    /// Date ordinal → line of its first row; built only once a date arrives out of order.
    private var firstLine: [Int: Int]? = nil
    private(set) var observations: [DailyObservation] = []
    /// Line of each observation (parallel to `observations`).
    private var lines: [Int] = []

    init(capacity: Int = 0) { observations.reserveCapacity(capacity); lines.reserveCapacity(capacity) }

    mutating func add(_ o: DailyObservation, line: Int, column: String, problems: inout ProblemList) {
        let d = o.date.ordinal
        if firstLine == nil {
            if let last = observations.last, last.date.ordinal >= d {
                var table = [Int: Int](minimumCapacity: observations.count * 2)
                for (k, p) in observations.enumerated() { table[p.date.ordinal] = lines[k] }
                firstLine = table
            } else {
                observations.append(o); lines.append(line); return
            }
        }
        if let first = firstLine![d] {
            problems.add(line, column, "duplicate date \(o.date.iso) (first at line \(first))"); return
        }
        firstLine![d] = line
        observations.append(o)
        lines.append(line)
    }

    /// Observations sorted by date (rows out of order are fine).
    func sorted() -> [DailyObservation] {
        var isSorted = true
        for i in observations.indices.dropFirst() where observations[i - 1].date > observations[i].date { isSorted = false; break }
        return isSorted ? observations : observations.sorted { $0.date < $1.date }
    }

    /// The sorted observations with the line of each, as a format parser returns them.
    func result(rows: Int, columns: ParsedFile.Columns) -> InputParser.FormatResult {
        var isSorted = true
        for i in observations.indices.dropFirst() where observations[i - 1].date > observations[i].date { isSorted = false; break }
        if isSorted { return InputParser.FormatResult(obs: observations, rows: rows, lines: lines, columns: columns) }
        let order = observations.indices.sorted { observations[$0].date < observations[$1].date }
        return InputParser.FormatResult(obs: order.map { observations[$0] }, rows: rows, lines: order.map { lines[$0] }, columns: columns)
    }
}
