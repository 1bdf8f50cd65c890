import Foundation

/// The curve branch's areas of the hostile suite: forward-curve files (`ingest`, SPEC §2-style rules) and the curve
/// options of `simulate` (`--measure forward`, `--curve`, `--hedge`, …).
extension HostileCases {
    static let curveHeader = "quote_date,month,hashprice_usd_ph_day\n"
    static func curveFile(_ rows: String...) -> String { curveHeader + rows.map { $0 + "\n" }.joined() }
    /// A curve on the reference calibration's as-of date (2022-11-25; its hashprice is about 58 USD/PH/day).
    static let referenceCurve = curveFile("2022-11-25,2022-12,55", "2022-11-25,2023-01,57")

    static let curves: [C] = [
        .ingest("curve: positive control (a quote the store has no history for)", "c.csv", curveFile("2025-03-11,2025-04,40", "2025-03-11,2025-05,41"),
                exit: 0).changing(),
        .ingest("curve: level 0", "c.csv", curveFile("2025-03-11,2025-04,0"), exit: 65, at: "c.csv:2: hashprice_usd_ph_day", says: "positive and finite"),
        .ingest("curve: level NaN", "c.csv", curveFile("2025-03-11,2025-04,NaN"), exit: 65, at: "c.csv:2: hashprice_usd_ph_day", says: "NaN not allowed"),
        .ingest("curve: level 1e300", "c.csv", curveFile("2025-03-11,2025-04,1e300"), exit: 65, at: "c.csv:2: hashprice_usd_ph_day", says: "above the plausible"),
        .ingest("curve: negative level", "c.csv", curveFile("2025-03-11,2025-04,-40"), exit: 65, at: "c.csv:2: hashprice_usd_ph_day", says: "negative"),
        .ingest("curve: the quote's own month", "c.csv", curveFile("2025-03-11,2025-03,40"), exit: 65, at: "c.csv:2: month", says: "is not after the quote date"),
        .ingest("curve: a month before the quote", "c.csv", curveFile("2025-03-11,2024-12,40"), exit: 65, at: "c.csv:2: month", says: "is not after the quote date"),
        .ingest("curve: month 13", "c.csv", curveFile("2025-03-11,2025-13,40"), exit: 65, at: "c.csv:2: month", says: "bad month '2025-13'"),
        .ingest("curve: a date as the month", "c.csv", curveFile("2025-03-11,2025-04-01,40"), exit: 65, at: "c.csv:2: month", says: "expected YYYY-MM"),
        .ingest("curve: 11 years ahead", "c.csv", curveFile("2025-03-11,2036-04,40"), exit: 65, at: "c.csv:2: month", says: "more than 120 months"),
        .ingest("curve: quoted in 9999", "c.csv", curveFile("9999-01-01,9999-02,40"), exit: 65, at: "c.csv:2: quote_date", says: "after tomorrow"),
        .ingest("curve: duplicate month", "c.csv", curveFile("2025-03-11,2025-04,40", "2025-03-11,2025-04,41"), exit: 65, at: "c.csv:3: month",
                says: "duplicate month 2025-04 for quote date 2025-03-11 (first at line 2)"),
        .ingest("curve: 1000× off the stored index on its quote date (per TH/s?)", "c.csv", curveFile("2025-03-10,2025-04,0.0425"), exit: 65,
                at: "c.csv:2: hashprice_usd_ph_day", says: "more than 10× away from the hashprice index on the quote date"),
        .ingest("curve: both level columns", "c.csv", "quote_date,month,hashprice_usd_ph_day,hashprice_btc_ph_day\n2025-03-11,2025-04,40,0.0006\n",
                exit: 65, at: "c.csv:1:", says: "one level column"),
        .ingest("curve: no level column", "c.csv", "quote_date,month,value\n2025-03-11,2025-04,40\n", exit: 65, at: "c.csv:1:", says: "needs a level column"),
        .ingest("curve: cut inside the last level", "c.csv", .bytes { Array(curveFile("2025-03-11,2025-04,40.25").utf8.dropLast(3)) }, exit: 65,
                at: "c.csv:2: hashprice_usd_ph_day", says: "the file ends inside this record"),
        .ingest("curve: only comment lines", "c.csv", "# a source note\n# another\n", exit: 65, at: "c.csv:2:", says: "only comment lines"),
        .ingest("curve: comment lines before a tidy header", "t.csv", "# note\n" + F.nextDay(), exit: 65, at: "t.csv:1:",
                says: "allowed in forward-curve files only"),
        .ingest("curve: --format curve on a tidy file", "t.csv", F.nextDay(), extra: ["--format", "curve"], exit: 65, at: "t.csv:1:",
                says: "needs a level column"),
        .ingest("curve: header only", "c.csv", curveHeader, exit: 65, at: "c.csv:2:", says: "no data rows"),

        // simulate's curve options
        sim("curve cli: positive control (--measure forward --hedge own on a curve file)",
            ["--measure", "forward", "--curve", "$DIR/c.csv", "--hedge", "own", "--forward-pilot", "4"], exit: 0)
            .with(inputs: [("c.csv", .text(referenceCurve))]),
        sim("curve cli: --measure forward without a curve", ["--measure", "forward"], exit: 67, says: "no hashprice forward curve").checking(wroteNothing),
        sim("curve cli: --curve quoted after the as-of date", ["--measure", "forward", "--curve", "$DIR/c.csv"], exit: 67,
            says: "no USD curve quoted on or before the as-of date 2022-11-25").with(inputs: [("c.csv", .text(curveFile("2024-01-02,2024-02,40")))])
            .checking(wroteNothing),
        sim("curve cli: --curve months after the horizon", ["--hedge", "0.001", "--curve", "$DIR/c.csv"], exit: 67,
            says: "has no month within the simulated days").with(inputs: [("c.csv", .text(curveFile("2022-11-25,2023-03,55")))]).checking(wroteNothing),
        sim("curve cli: --curve is not a curve", ["--measure", "forward", "--curve", "$REPO/datasets/deals/s21-token.yaml"], exit: 65,
            says: "s21-token.yaml:1:").checking(wroteNothing),
        sim("curve cli: --curve missing", ["--measure", "forward", "--curve", "$DIR/absent.csv"], exit: 66).checking(wroteNothing),
        sim("curve cli: BTC settlement without a BTC curve", ["--hedge", "own", "--hedge-settlement", "btc", "--curve", "$DIR/c.csv"], exit: 67,
            says: "need a BTC curve").with(inputs: [("c.csv", .text(referenceCurve))]).checking(wroteNothing),
        sim("curve cli: --hedge -1", ["--hedge=-1"], says: "--hedge must be"),
        sim("curve cli: --hedge nan", ["--hedge", "nan"], says: "--hedge must be"),
        sim("curve cli: --hedge lots", ["--hedge", "lots"], says: "--hedge must be"),
        sim("curve cli: --hedge var with --shard", ["--hedge", "var", "--shard", "0/2"], says: "not with --shard").checking(wroteNothing),
        sim("curve cli: --initial-margin 2", ["--hedge", "own", "--initial-margin", "2"], says: "--initial-margin must be"),
        sim("curve cli: --initial-margin without --hedge", ["--initial-margin", "0.2"], says: "need --hedge"),
        sim("curve cli: --hedge-settlement eur", ["--hedge", "own", "--hedge-settlement", "eur"], says: "--hedge-settlement must be usd or btc"),
        sim("curve cli: --forward-beyond later", ["--measure", "forward", "--forward-beyond", "later"], says: "--forward-beyond must be hold, flat or real"),
        sim("curve cli: --forward-pilot 1", ["--measure", "forward", "--forward-pilot", "1"], says: "--forward-pilot must be"),
        stressRun("curve cli: stress --measure forward without a curve", ["--measure", "forward"], exit: 67, says: "no hashprice forward curve")
            .checking(wroteNothing),
        stressRun("curve cli: stress --measure sideways", ["--measure", "sideways"], says: "--measure must be real, risk-neutral or forward"),
    ]
}
