import Bitcoin
import Domain
import Foundation

/// Entry point of the ingest stage: reads one file, detects or checks its format, validates every row and
/// returns the observations to store. Pure with respect to the store: nothing is written here.
public enum InputParser {
    /// Parses and validates `path`. `name` (default: the path) is used in messages, e.g. the URL a file came from.
    /// - Throws: `IngestError.rejected` listing every problem as `name:line: column: reason`;
    ///   `IngestError.fileMissing` when the file cannot be read.
    public static func parse(path: String, options: IngestOptions = IngestOptions(), name: String? = nil) throws -> ParsedFile {
        let name = name ?? path
        let reader = try CSVReader(path: path, maxRecordBytes: options.maxRecordBytes)
        options.files.willStream(path)
        func reject(_ line: Int, _ column: String, _ reason: String) -> IngestError {
            .rejected(file: name, problems: [IngestProblem(line: line, column: column, reason: reason)])
        }
        var header: [String]
        var headerLine = 1
        do {
            guard var h = try reader.next() else { throw reject(1, "-", "empty file (no header, no rows)") }
            // Curve files may open with `#` comment lines (a source note): skipped, then the header.
            while h.fields.first?.hasPrefix("#") == true {
                guard let n = try reader.next() else { throw reject(h.line, "-", "only comment lines (no header, no rows)") }
                h = n
            }
            header = h.fields.map { $0.trimmingSpaces }
            headerLine = h.line
        } catch let e as CSVError {
            throw reject(e.line, "field \(e.field + 1)", e.reason)
        }
        guard let format = options.format ?? detect(header: header) else {
            throw reject(headerLine, "-", "unrecognised header '\(CellParser.clip(header.joined(separator: ",")))': expected Coin Metrics "
                + "(time,BlkCnt,FeeTotNtv,HashRate,IssTotNtv,PriceUSD,...), tidy (date,price_usd,block_count,hash_rate_ths,"
                + "difficulty_mean,fees_btc,issuance_btc,...), a series (date,value), headers (height,header_hex[,hash_hex]) "
                + "or a forward curve (quote_date,month,hashprice_usd_ph_day)")
        }
        if headerLine > 1, format != .curve {
            throw reject(1, "-", "comment lines (#) are allowed in forward-curve files only")
        }
        let cells = CellParser()
        let result: FormatResult
        switch format {
        case .coinmetrics: result = try parseCoinMetrics(reader, header, cells, reject)
        case .tidy: result = try parseTidy(reader, header, cells, reject)
        case .series: result = try parseSeries(reader, header, options, cells, reject)
        case .headers: result = try parseHeaders(reader, header, cells, reject)
        case .curve: result = try parseCurve(reader, header, cells, reject)
        }
        if cells.problems.isEmpty, result.rows == 0 { throw reject(headerLine + 1, "-", "no data rows (header only)") }
        checkPlausibility(result, limits: options.limits, cells)
        guard cells.problems.isEmpty else { throw IngestError.rejected(file: name, problems: cells.problems.all) }
        var parsed = ParsedFile(name: name, format: format, observations: result.obs, sha256: reader.sha256Hex(), rows: result.rows,
                                retargets: result.retargets, lines: result.lines, columns: result.columns, checkpoints: result.checkpoints)
        parsed.curve = result.curve
        parsed.curveLines = result.curveLines
        return parsed
    }

    /// What a format parser returns: observations sorted by date, the line of each, and the file's column for each field.
    struct FormatResult {
        var obs: [DailyObservation]
        var rows: Int
        var retargets = 0
        var lines: [Int]
        var columns: ParsedFile.Columns
        var checkpoints = 0
        /// Forward-curve files: the quoted levels (sorted by quote date, unit, month) and the line of each.
        var curve: [CurvePoint] = []
        var curveLines: [Int] = []
    }

    /// SPEC §2 plausibility (`DailyObservation.plausibilityProblems`, the rules the store's writer and reader apply too)
    /// on every parsed day and between consecutive days of the file, as `line: column: reason`.
    static func checkPlausibility(_ r: FormatResult, limits: DailyObservation.PlausibilityLimits, _ cells: CellParser) {
        for (k, o) in r.obs.enumerated() {
            if !o.isPlausible(limits) { for p in o.plausibilityProblems(limits) { cells.problems.add(r.lines[k], r.columns.name(p.field), p.reason) } }
            if k > 0 { for p in o.plausibilityProblems(after: r.obs[k - 1]) { cells.problems.add(r.lines[k], r.columns.name(p.field), p.reason) } }
        }
        for (k, c) in r.curve.enumerated() {
            for p in c.plausibilityProblems(limits) { cells.problems.add(r.curveLines[k], p.column, p.reason) }
        }
    }

    /// Format named by a header row, nil when none matches.
    public static func detect(header: [String]) -> InputFormat? {
        let set = Set(header)
        if set.contains("quote_date"), set.contains("month") { return .curve }
        if set.contains("header_hex") { return .headers }
        if set.contains("time"), !set.isDisjoint(with: ["BlkCnt", "PriceUSD", "HashRate", "FeeTotNtv", "IssTotNtv"]) { return .coinmetrics }
        if header.count == 2, dateColumnNames.contains(header[0].lowercased()) { return .series }
        if set.contains("date"), !set.isDisjoint(with: tidyColumns.dropFirst()) { return .tidy }
        return nil
    }

    static let tidyColumns = ["date", "price_usd", "block_count", "hash_rate_ths", "difficulty_mean", "fees_btc", "issuance_btc"]
    static let dateColumnNames: Set<String> = ["date", "timestamp", "time", "day"]

    /// Index of each required column, or a line-1 rejection naming the missing ones.
    static func indices(_ header: [String], required: [String], _ reject: (Int, String, String) -> IngestError) throws -> [Int] {
        var idx: [Int] = []
        var missing: [String] = []
        for c in required { if let i = header.firstIndex(of: c) { idx.append(i) } else { missing.append(c) } }
        guard missing.isEmpty else {
            throw reject(1, missing[0], "missing required column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", "))")
        }
        return idx
    }

    // MARK: Tidy

    static func parseTidy(_ reader: CSVReader, _ header: [String], _ cells: CellParser,
                          _ reject: (Int, String, String) -> IngestError) throws -> FormatResult {
        if !header.contains("hash_rate_ths"), let other = header.first(where: { $0.hasPrefix("hash_rate_") }) {
            throw reject(1, other, "unsupported hash-rate column (tidy files give hash_rate_ths, TH/s)")
        }
        let ix = try indices(header, required: tidyColumns, reject)
        let hIx = header.firstIndex(of: "height_end")
        let loop = RecordLoop(header: header, cutSensitive: Set(ix.dropFirst()))
        var book = DateBook(capacity: 1024)
        let rows = loop.run(reader, cells) { rec in
            let l = rec.line
            var bad = false
            let date = cells.date(rec, ix[0], line: l, column: "date", bad: &bad)
            var o = DailyObservation(date: date ?? Day(ordinal: 0))
            o.priceUSD = cells.number(rec, ix[1], line: l, column: "price_usd", bad: &bad)
            o.blockCount = cells.number(rec, ix[2], line: l, column: "block_count", bad: &bad)
            o.hashRateHs = cells.number(rec, ix[3], line: l, column: "hash_rate_ths", bad: &bad).map { $0 * 1e12 }
            o.difficulty = cells.number(rec, ix[4], line: l, column: "difficulty_mean", bad: &bad)
            o.feesBTC = cells.number(rec, ix[5], line: l, column: "fees_btc", bad: &bad)
            o.issuanceBTC = cells.number(rec, ix[6], line: l, column: "issuance_btc", bad: &bad)
            if let hIx { o.heightEnd = cells.integer(rec, hIx, line: l, column: "height_end", bad: &bad) }
            guard !bad, date != nil else { return }
            book.add(o, line: l, column: "date", problems: &cells.problems)
        }
        return book.result(rows: rows, columns: ParsedFile.Columns(date: "date", names: [
            .priceUSD: "price_usd", .blockCount: "block_count", .hashRateHs: "hash_rate_ths", .difficulty: "difficulty_mean",
            .feesBTC: "fees_btc", .issuanceBTC: "issuance_btc", .heightEnd: "height_end"]))
    }

    // MARK: Coin Metrics

    /// Coin Metrics community CSV. HashRate is TH/s (stored as H/s). Without `DiffMean` the day's mean difficulty is
    /// derived from `H = blocks·D·2^32/86400` (SPEC §3): `D = HashRate·10^12·86400 / (BlkCnt·2^32)` (missing when BlkCnt = 0).
    /// Height at day end is the running sum of BlkCnt when the file starts at the genesis day 2009-01-03
    /// (Coin Metrics does not count the genesis block, height 0), missing after the first gap.
    static func parseCoinMetrics(_ reader: CSVReader, _ header: [String], _ cells: CellParser,
                                 _ reject: (Int, String, String) -> IngestError) throws -> FormatResult {
        let ix = try indices(header, required: ["time", "BlkCnt", "FeeTotNtv", "HashRate", "IssTotNtv", "PriceUSD"], reject)
        let dIx = header.firstIndex(of: "DiffMean")
        let loop = RecordLoop(header: header, cutSensitive: Set(ix.dropFirst() + (dIx.map { [$0] } ?? [])))
        var book = DateBook(capacity: 8192)
        let rows = loop.run(reader, cells) { rec in
            let l = rec.line
            var bad = false
            let date = cells.date(rec, ix[0], line: l, column: "time", bad: &bad)
            var o = DailyObservation(date: date ?? Day(ordinal: 0))
            o.blockCount = cells.number(rec, ix[1], line: l, column: "BlkCnt", bad: &bad)
            o.feesBTC = cells.number(rec, ix[2], line: l, column: "FeeTotNtv", bad: &bad)
            let ths = cells.number(rec, ix[3], line: l, column: "HashRate", bad: &bad)
            o.hashRateHs = ths.map { $0 * 1e12 }
            o.issuanceBTC = cells.number(rec, ix[4], line: l, column: "IssTotNtv", bad: &bad)
            o.priceUSD = cells.number(rec, ix[5], line: l, column: "PriceUSD", bad: &bad)
            if let dIx {
                o.difficulty = cells.number(rec, dIx, line: l, column: "DiffMean", bad: &bad)
            }
            if o.difficulty == nil, let ths, let b = o.blockCount, b > 0 {
                o.difficulty = ths * 1e12 * 86400 / (b * Consensus.hashesPerDifficulty)
            }
            guard !bad, date != nil else { return }
            book.add(o, line: l, column: "time", problems: &cells.problems)
        }
        var result = book.result(rows: rows, columns: ParsedFile.Columns(date: "time", names: [
            .priceUSD: "PriceUSD", .blockCount: "BlkCnt", .hashRateHs: "HashRate", .difficulty: dIx == nil ? "HashRate" : "DiffMean",
            .feesBTC: "FeeTotNtv", .issuanceBTC: "IssTotNtv", .heightEnd: "BlkCnt"]))
        var obs = result.obs
        if let first = obs.first, first.date == Day(year: 2009, month: 1, day: 3)! {
            var height = 0
            for i in obs.indices {
                guard let b = obs[i].blockCount, b == b.rounded(), i == 0 || obs[i].date - obs[i - 1].date == 1 else { break }
                height += Int(b)
                obs[i].heightEnd = height
            }
        }
        result.obs = obs
        return result
    }

    // MARK: Single series

    /// `date,value` / `Timestamp,value` files: one field per date, merged into the store by date.
    static func parseSeries(_ reader: CSVReader, _ header: [String], _ options: IngestOptions, _ cells: CellParser,
                            _ reject: (Int, String, String) -> IngestError) throws -> FormatResult {
        guard header.count == 2, dateColumnNames.contains(header[0].lowercased()) else {
            throw reject(1, header.first ?? "-", "a series file has exactly two columns: date (or Timestamp) and a value")
        }
        let valueName = header[1]
        let lower = valueName.lowercased()
        guard let kind = options.series ?? inferSeries(lower) else {
            throw reject(1, valueName, "which series is '\(valueName)'? pass --series price|difficulty|hashrate|fees|issuance|blocks")
        }
        var multiplier = 1.0
        if kind == .hashrate {
            var unit = options.unit
            if unit == nil, let r = lower.range(of: "hash_rate_") ?? lower.range(of: "hashrate_") {
                let suffix = String(lower[r.upperBound...])
                guard let u = HashRateUnit.fromSuffix(suffix) else {
                    throw reject(1, valueName, "unsupported hash-rate unit '\(suffix)' (expected hs, ths or ehs: H/s, TH/s, EH/s)")
                }
                unit = u
            }
            guard let unit else {
                throw reject(1, valueName, "hash-rate unit unknown: pass --unit H/s|TH/s|EH/s or name the column hash_rate_ths")
            }
            multiplier = unit.toHs
        }
        let field = kind.field
        let loop = RecordLoop(header: header, cutSensitive: [1])
        var book = DateBook(capacity: 1024)
        let rows = loop.run(reader, cells) { rec in
            var bad = false
            let date = cells.date(rec, 0, line: rec.line, column: header[0], allowUnix: true, bad: &bad)
            let raw = cells.number(rec, 1, line: rec.line, column: valueName, bad: &bad)
            guard !bad, let date else { return }
            var o = DailyObservation(date: date)
            let v = raw.map { $0 * multiplier }
            switch field {
            case .priceUSD: o.priceUSD = v
            case .blockCount: o.blockCount = v
            case .difficulty: o.difficulty = v
            case .hashRateHs: o.hashRateHs = v
            case .feesBTC: o.feesBTC = v
            case .issuanceBTC: o.issuanceBTC = v
            case .heightEnd: o.heightEnd = v.map { Int($0) }
            }
            book.add(o, line: rec.line, column: header[0], problems: &cells.problems)
        }
        return book.result(rows: rows, columns: ParsedFile.Columns(date: header[0], names: [field: valueName]))
    }

    static func inferSeries(_ name: String) -> SeriesKind? {
        if name.hasPrefix("price") || name == "market-price" { return .price }
        if name.hasPrefix("difficulty") { return .difficulty }
        if name.hasPrefix("hash_rate") || name.hasPrefix("hashrate") || name.hasPrefix("hash-rate") { return .hashrate }
        if name.hasPrefix("fees") { return .fees }
        if name.hasPrefix("issuance") { return .issuance }
        if name == "blocks" || name == "block_count" || name == "n-blocks" { return .blocks }
        return nil
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
