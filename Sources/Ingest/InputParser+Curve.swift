import Domain

extension InputParser {
    /// Hashprice forward-curve files, the form of a Luxor hashprice NDF or Bitnomial HUP curve:
    ///
    ///     # optional comment lines (a source note) before the header
    ///     quote_date,month,hashprice_usd_ph_day        (or hashprice_btc_ph_day: a BTC "hashvalue" curve)
    ///     2024-10-07,2024-11,42.50
    ///
    /// `quote_date` is `YYYY-MM-DD`, `month` exactly `YYYY-MM`, the level USD (or BTC) per PH/s per day; extra columns are
    /// ignored; several quote dates may share a file. Each row is checked by `CurvePoint.plausibilityProblems` (in
    /// `checkPlausibility`); a month quoted twice for one quote date is refused here.
    static func parseCurve(_ reader: CSVReader, _ header: [String], _ cells: CellParser,
                           _ reject: (Int, String, String) -> IngestError) throws -> FormatResult {
        let units = CurveUnit.allCases.filter { header.contains($0.column) }
        guard units.count == 1, let unit = units.first else {
            throw reject(1, units.isEmpty ? "-" : CurveUnit.btc.column, units.isEmpty
                ? "a curve file needs a level column: hashprice_usd_ph_day (USD/PH/day) or hashprice_btc_ph_day (BTC/PH/day)"
                : "a curve file has one level column, hashprice_usd_ph_day or hashprice_btc_ph_day, not both")
        }
        let ix = try indices(header, required: ["quote_date", "month", unit.column], reject)
        let loop = RecordLoop(header: header, cutSensitive: [ix[2]])
        var points: [CurvePoint] = [], lines: [Int] = []
        var first: [Int: Int] = [:]   // (quote day, month) key → line
        let rows = loop.run(reader, cells) { rec in
            let l = rec.line
            var bad = false
            let q = cells.date(rec, ix[0], line: l, column: "quote_date", bad: &bad)
            let monthText = rec.string(ix[1])
            let month = YearMonth(iso: monthText)
            if month == nil {
                cells.problems.add(l, "month", monthText.isEmpty ? "missing month" : "bad month '\(CellParser.clip(monthText))' (expected YYYY-MM)")
                bad = true
            }
            let v = cells.number(rec, ix[2], line: l, column: unit.column, bad: &bad)
            if v == nil, !bad { cells.problems.add(l, unit.column, "missing level"); bad = true }
            guard !bad, let q, let month, let v else { return }
            let key = q.ordinal * 200_000 + month.index
            if let f = first[key] {
                cells.problems.add(l, "month", "duplicate month \(month.iso) for quote date \(q.iso) (first at line \(f))"); return
            }
            first[key] = l
            points.append(CurvePoint(quoteDate: q, month: month, unit: unit, level: v))
            lines.append(l)
        }
        let order = points.indices.sorted { (points[$0].quoteDate, points[$0].month) < (points[$1].quoteDate, points[$1].month) }
        var r = FormatResult(obs: [], rows: rows, lines: [], columns: ParsedFile.Columns(date: "quote_date", names: [:]))
        r.curve = order.map { points[$0] }
        r.curveLines = order.map { lines[$0] }
        return r
    }
}
