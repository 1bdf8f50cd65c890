import Foundation

/// The table of hostile cases (issue 12 acceptance). Grouped by area; each entry is one line (or a few).
/// Other branches add their areas (CLI values, merge) as further arrays in `HostileCases.all`.
enum HostileCases {
    typealias C = HostileCase
    static let F = HostileFixtures.self

    static var all: [HostileCase] { tidy + coinMetrics + series + headers + deals + scenarioFiles + nightly + store + http + cliValues + merge + curves + sensitivities + house + review }

    static func tidyRows(_ rows: String...) -> String { ([F.tidyHeader] + rows).joined(separator: "\n") + "\n" }
    /// `prefix`, then `chunk` repeated `times`, then a newline, written in 1 MiB pieces.
    static func stream(_ prefix: String, _ chunk: String, times: Int) -> HostileCase.Input {
        .stream { h in
            try h.write(contentsOf: Data(prefix.utf8))
            let per = max(1, (1 << 20) / chunk.utf8.count)
            let block = Data(String(repeating: chunk, count: per).utf8)
            var left = times
            while left >= per { try h.write(contentsOf: block); left -= per }
            if left > 0 { try h.write(contentsOf: Data(String(repeating: chunk, count: left).utf8)) }
            try h.write(contentsOf: Data("\n".utf8))
        }
    }

    // MARK: ingest, tidy format
    static let tidy: [C] = [
        .ingest("tidy: positive control (a valid new day)", "ok.csv", F.nextDay(), exit: 0).changing(),
        .ingest("tidy: text in a number", "t.csv", F.nextDay("price_usd", "12abc"), exit: 65, at: "t.csv:2: price_usd", says: "not a number"),
        .ingest("tidy: month 13", "t.csv", F.nextDay("date", "2025-13-01"), exit: 65, at: "t.csv:2: date", says: "impossible date"),
        .ingest("tidy: date 9999-12-31", "t.csv", F.nextDay("date", "9999-12-31"), exit: 65, at: "t.csv:2: date", says: "after tomorrow"),
        .ingest("tidy: date before genesis", "t.csv", F.nextDay("date", "2008-10-31"), exit: 65, at: "t.csv:2: date", says: "before the genesis block"),
        .ingest("tidy: price 1e300", "t.csv", F.nextDay("price_usd", "1e300"), exit: 65, at: "t.csv:2: price_usd", says: "above 10^8 USD"),
        .ingest("tidy: price 0", "t.csv", F.nextDay("price_usd", "0"), exit: 65, at: "t.csv:2: price_usd", says: "must be positive"),
        .ingest("tidy: difficulty 0", "t.csv", F.nextDay("difficulty_mean", "0"), exit: 65, at: "t.csv:2: difficulty_mean", says: "below 1"),
        .ingest("tidy: difficulty 1e-300", "t.csv", F.nextDay("difficulty_mean", "1e-300"), exit: 65, at: "t.csv:2: difficulty_mean", says: "below 1"),
        .ingest("tidy: 5000 blocks a day", "t.csv", F.nextDay("block_count", "5000"), exit: 65, at: "t.csv:2: block_count", says: "above 1,000"),
        .ingest("tidy: negative fees", "t.csv", F.nextDay("fees_btc", "-3"), exit: 65, at: "t.csv:2: fees_btc", says: "negative"),
        .ingest("tidy: issuance off the subsidy schedule", "t.csv", F.nextDay("issuance_btc", "900"), exit: 65, at: "t.csv:2: issuance_btc",
                says: "disagrees with the subsidy schedule"),
        .ingest("tidy: height does not continue the store", "t.csv", F.nextDay("height_end", String(F.rows.last!.height + 145)), exit: 65, at: "t.csv:2: height_end",
                says: "does not advance"),
        .ingest("tidy: hash rate in H/s under a TH/s header", "t.csv", F.nextDay("hash_rate_ths", "6.1e20"), exit: 65, at: "t.csv:2: hash_rate_ths",
                says: "more than 10× away"),
        .ingest("tidy: NaN", "t.csv", F.nextDay("fees_btc", "NaN"), exit: 65, at: "t.csv:2: fees_btc", says: "NaN not allowed"),
        .ingest("tidy: inf", "t.csv", F.nextDay("price_usd", "inf"), exit: 65, at: "t.csv:2: price_usd", says: "infinite"),
        .ingest("tidy: short row", "t.csv", tidyRows("2025-03-11,1,2"), exit: 65, at: "t.csv:2: hash_rate_ths", says: "missing field"),
        .ingest("tidy: cut inside the last field (…,94)", "t.csv", .bytes { Array(F.nextDay().utf8.dropLast(5)) }, exit: 65, at: "t.csv:2: height_end",
                says: "below the day's block count"),
        .ingest("tidy: binary data", "t.bin", .bytes { Array((F.tidyHeader + "\n").utf8) + [0x00, 0xFF, 0x13, 0x37] }, exit: 65, at: "t.bin:2:",
                says: "binary data"),
        .ingest("tidy: invalid UTF-8", "t.csv", .bytes { Array(F.nextDay().utf8).map { $0 == UInt8(ascii: "5") ? 0xC3 : $0 } }, exit: 65, at: "t.csv:2:",
                says: "invalid UTF-8"),
        .ingest("tidy: a 200 MB line", "t.csv", stream(F.tidyHeader + "\n", "1111111111", times: 20 << 20), exit: 65, at: "t.csv:2: date",
                says: "line exceeds 1048576 bytes"),
        .ingest("tidy: 10^7 columns in a row", "t.csv", stream(F.tidyHeader + "\n", "1,", times: 10_000_000), exit: 65, at: "t.csv:2:", says: "line exceeds"),
        .ingest("tidy: a header of 10^7 columns", "t.csv", stream("", "c,", times: 10_000_000), exit: 65, at: "t.csv:1:", says: "line exceeds"),
        .ingest("tidy: duplicate dates", "t.csv", F.nextDay() + F.nextDay().split(separator: "\n")[1] + "\n", exit: 65, at: "t.csv:3: date",
                says: "duplicate date 2025-03-11 (first at line 2)"),
        .ingest("tidy: empty file", "t.csv", "", exit: 65, at: "t.csv:1:", says: "empty file"),
        .ingest("tidy: header only", "t.csv", F.tidyHeader + "\n", exit: 65, at: "t.csv:2:", says: "no data rows"),
        .ingest("tidy: unterminated quote", "t.csv", F.tidyHeader + "\n2025-03-11,\"45000", exit: 65, at: "t.csv:2: price_usd",
                says: "unterminated quoted field"),
        .ingest("tidy: CR without LF", "t.csv", F.tidyHeader + "\r2025-03-11", exit: 65, at: "t.csv:1:", says: "carriage return"),
        .ingest("tidy: unknown header", "t.csv", "a,b,c\n1,2,3\n", exit: 65, at: "t.csv:1:", says: "unrecognised header"),
        .ingest("tidy: a directory instead of a file", "dir.csv", .directory, exit: 66, says: "not a regular file"),
    ]

    // MARK: ingest, Coin Metrics format
    static let coinMetrics: [C] = [
        .ingest("coinmetrics: real file cut by 5 bytes", "cm.csv", .real("coinmetrics_btc.csv") { $0.dropLast(5) }, seed: .none, exit: 65,
                at: "cm.csv:6290:", says: "the file ends inside this record"),
        .ingest("coinmetrics: real file plus a day in 9999", "cm.csv", .real("coinmetrics_btc.csv") { $0 + Data(("9999-12-31" + String(repeating: ",", count: 31) + "\n").utf8) },
                seed: .none, exit: 65, at: "cm.csv:6291: time", says: "after tomorrow"),
        .ingest("coinmetrics: 5000 blocks", "cm.csv", F.coinMetrics("BlkCnt", "5000"), exit: 65, at: "cm.csv:2: BlkCnt", says: "above 1,000"),
        .ingest("coinmetrics: negative price", "cm.csv", F.coinMetrics("PriceUSD", "-1"), exit: 65, at: "cm.csv:2: PriceUSD", says: "negative"),
        .ingest("coinmetrics: hash rate 1e-300", "cm.csv", F.coinMetrics("HashRate", "1e-300"), exit: 65, at: "cm.csv:2: HashRate", says: "below 1"),
        .ingest("coinmetrics: issuance 1e300", "cm.csv", F.coinMetrics("IssTotNtv", "1e300"), exit: 65, at: "cm.csv:2: IssTotNtv", says: "21 million"),
    ]

    // MARK: ingest, single series
    static let series: [C] = [
        .ingest("series: Timestamp 999999999999999 (year 33658)", "s.csv", "Timestamp,market-price\n1700000000,30000\n999999999999999,1\n", exit: 65,
                at: "s.csv:3: Timestamp", says: "after tomorrow"),
        .ingest("series: Unix seconds in 2100", "s.csv", "Timestamp,market-price\n4102444800,30000\n", exit: 65, at: "s.csv:2: Timestamp", says: "after tomorrow"),
        .ingest("series: cut inside the last value", "s.csv", "date,price_usd\n2024-01-01,42000.5\n2024-01-02,420", exit: 65, at: "s.csv:3: price_usd",
                says: "the file ends inside this record"),
        .ingest("series: hash rate without a unit", "s.csv", "date,value\n2024-01-01,5\n", extra: ["--series", "hashrate"], exit: 65, at: "s.csv:1: value",
                says: "hash-rate unit unknown"),
        .ingest("series: price 1e300", "s.csv", "date,price_usd\n2024-01-01,1e300\n", exit: 65, at: "s.csv:2: price_usd", says: "above 10^8"),
        .ingest("series: difficulty 10^6 off the stored hash rate", "s.csv", "date,difficulty\n2024-01-10,6e19\n", exit: 65, at: "s.csv:2: difficulty",
                says: "more than 10× away", "with the stored days"),
        .ingest("series: negative fees", "s.csv", "date,fees\n2024-01-10,-1\n", exit: 65, at: "s.csv:2: fees", says: "negative"),
    ]

    // MARK: ingest, block headers
    static let headers: [C] = [
        .ingest("headers: real file shifted by one height", "h.csv", .real("btc_headers_822528_830592.csv", F.shiftedHeaders(1)), seed: .none, exit: 65,
                at: "h.csv:2016: height", says: "contradicts the embedded checkpoint"),
        .ingest("headers: real file relabelled from 0", "h.csv", .real("btc_headers_822528_830592.csv", F.shiftedHeaders(-822_528)), seed: .none, exit: 65,
                at: "h.csv:2: height", says: "shifted or relabelled"),
        .ingest("headers: real file shifted by one epoch", "h.csv", .real("btc_headers_822528_830592.csv", F.shiftedHeaders(2016)), seed: .none, exit: 65,
                at: "h.csv:2: height", says: "contradicts the embedded checkpoint nBits"),
        .ingest("headers: flipped nonce bit", "h.csv", .real("btc_headers_822528_830592.csv", F.flippedHeader(row: 1000, char: 159, dropHash: true)),
                seed: .none, exit: 65, at: "h.csv:1001: header_hex", says: "proof of work"),
        .ingest("headers: claimed hash does not match", "h.csv", .real("btc_headers_822528_830592.csv", F.flippedHeader(row: 10, char: 150, dropHash: false)),
                seed: .none, exit: 65, at: "h.csv:11:", says: "height 822537"),
        .ingest("headers: not hex", "h.csv", "height,header_hex\n0,zz\n", seed: .none, exit: 65, at: "h.csv:2: header_hex", says: "not 80 bytes of hex"),
        .ingest("headers: genesis claimed as block 2015", "h.csv",
                "height,header_hex\n2015,0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c\n",
                seed: .none, exit: 65, at: "h.csv:2: height", says: "contradicts the embedded checkpoint"),
        .ingest("headers: real file, positive control", "h.csv", .real("btc_headers_822528_830592.csv", F.head(3000)), seed: .none, exit: 0,
                says: "1 checkpoint matched").changing(),
    ]

    // MARK: YAML deals (simulate)
    static let deals: [C] = [
        .deal("deal: positive control (the store is not touched with --calibration)", F.deal, exit: 0),
        .deal("deal: duplicate key at its own line", F.deal.replacingOccurrences(of: "  term_days: 365", with: "  term_days: 365\n  count: 5"),
              at: "deal.yaml:6: count", says: "duplicate key (first at line 3)"),
        .dealBytes("deal: not UTF-8 (Latin-1 é)", { var b = Array(F.deal.utf8); b[6] = 0xE9; return b }, at: "deal.yaml:1:", says: "not UTF-8 at byte 6"),
        .deal("deal: price .nan", F.deal.replacingOccurrences(of: "price_usd: 4.50", with: "price_usd: .nan"), at: "deal.yaml:6: token.price_usd",
              says: "expected a number"),
        .deal("deal: price nan", F.deal.replacingOccurrences(of: "price_usd: 4.50", with: "price_usd: nan"), at: "deal.yaml:6: token.price_usd"),
        .deal("deal: price 1e300", F.deal.replacingOccurrences(of: "price_usd: 4.50", with: "price_usd: 1e300"), at: "deal.yaml:6: token.price_usd",
              says: "out of range"),
        .deal("deal: uptime .inf", F.deal.replacingOccurrences(of: "  power_usd_kwh: 0.055", with: "  power_usd_kwh: 0.055\n  uptime: .inf"),
              at: "deal.yaml:11: operations.uptime"),
        .deal("deal: fleet of 10^11 TH/s", F.deal.replacingOccurrences(of: "count: 10000", with: "count: 1000000000")
              .replacingOccurrences(of: "hashrate_th: 0.1", with: "hashrate_th: 100"), at: "deal.yaml:4: token.hashrate_th", says: "exceeds 10^10 TH/s"),
        .deal("deal: fleet larger than the network at the initial state", F.deal.replacingOccurrences(of: "count: 10000", with: "count: 1000000000")
              .replacingOccurrences(of: "hashrate_th: 0.1", with: "hashrate_th: 1"), at: "deal.yaml:4: token.hashrate_th", says: "exceeds the whole network's 260 EH/s"),
        .deal("deal: 4e9 USD of tranches on a 45k USD pool", F.deal + "\nstructure:\n  tranches:\n    - {name: senior, balance_usd: 4000000000, rate: 0.08}\n    - {name: equity, balance_usd: 10, equity: true}",
              at: "deal.yaml:15: structure.tranches[0].balance_usd", says: "could never be repaid"),
        .deal("deal: unknown key", F.deal.replacingOccurrences(of: "  term_days:", with: "  term_dayz:"), at: "deal.yaml:5: token.term_dayz",
              says: "did you mean term_days?"),
        .deal("deal: YAML syntax error", F.deal + "\n  : [unclosed", at: "deal.yaml:", says: "YAML syntax error"),
        .deal("deal: a YAML alias bomb in an unknown key", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
              + "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n" + F.deal, at: "deal.yaml:1: a", says: "unknown key"),
        .deal("deal: term of 100 years from a 2022 state is fine", F.deal.replacingOccurrences(of: "term_days: 365", with: "term_days: 36500"), exit: 0),
        C(name: "deal: missing file", args: ["simulate", "$DIR/absent.yaml", "--calibration", "$CAL", "--paths", "4", "--db", "$DB"], exit: 66, says: ["absent.yaml"]),
        .deal("deal: a document that is a list", "- a\n- b\n", at: "deal.yaml:1:", says: "must be a mapping"),
    ]

    // MARK: YAML scenarios (stress)
    static let scenarioFiles: [C] = [
        .scenarios("scenarios: duplicate key", "scenarios:\n  - name: a\n    kind: price_crash\n    pct: 10\n    pct: 20\n", at: "scen.yaml:5: pct", says: "duplicate key"),
        .scenarios("scenarios: pct inf", "scenarios:\n  - {name: a, kind: price_crash, pct: .inf}\n", at: "scen.yaml:2:"),
        .scenarios("scenarios: unknown kind", "scenarios:\n  - {name: a, kind: meteor}\n", at: "scen.yaml:2:", says: "is not one of"),
        C(name: "scenarios: not UTF-8", args: ["stress", "$REPO/datasets/deals/s21-token.yaml", "--scenarios", "$DIR/scen.yaml", "--calibration", "$CAL",
                                              "--paths", "4", "--db", "$DB"], inputs: [("scen.yaml", .bytes { [0x73, 0x3A, 0x20, 0xFF, 0x0A] })], exit: 78,
          at: "scen.yaml:1:", says: ["not UTF-8 at byte 3"]),
    ]

    // MARK: nightly
    static func lockTargetIntact(_ dir: URL) throws -> [String] {
        let s = try String(contentsOf: dir.appendingPathComponent("precious.txt"), encoding: .utf8)
        return s == "keep me\n" ? [] : ["the lock's link target was changed: \(s.debugDescription)"]
    }

    static let nightly: [C] = [
        C(name: "nightly: config missing", args: ["nightly", "$DIR/absent.yaml"], seed: .none, exit: 66, at: "absent.yaml:0:", says: ["no such file"]),
        C(name: "nightly: config not UTF-8", args: ["nightly", "$DIR/nightly.yaml"], inputs: [("nightly.yaml", .bytes { Array("db: a\ninputs: [x".utf8) + [0xFE, 0x0A] })],
          seed: .none, exit: 78, at: "nightly.yaml:2:", says: ["not UTF-8 at byte 16"]),
        .nightly("nightly: duplicate key", F.nightly("paths: 8"), exit: 78, at: "nightly.yaml:10: paths", says: "duplicate key (first at line 7)"),
        .nightly("nightly: paths nan", F.nightly().replacingOccurrences(of: "paths: 4", with: "paths: nan"), exit: 78, at: "nightly.yaml:7: paths"),
        .nightly("nightly: download_timeout_seconds 0", F.nightly("download_timeout_seconds: 0"), exit: 78, at: "nightly.yaml:10: download_timeout_seconds"),
        .nightly("nightly: lock is a symlink to another file", F.nightly(),
                 inputs: [("history.csv", .text(F.history)), ("precious.txt", .text("keep me\n")), ("reports", .directory),
                          ("reports/.nightly.lock", .symlink("../precious.txt"))],
                 exit: 73, says: "refusing the lock file", "symbolic link", check: lockTargetIntact),
        .nightly("nightly: lock is a FIFO", F.nightly(), inputs: [("reports", .directory), ("reports/.nightly.lock", .fifo)], exit: 73, says: "FIFO"),
        .nightly("nightly: lock is a directory", F.nightly(), inputs: [("reports", .directory), ("reports/.nightly.lock", .directory)], exit: 73, says: "directory"),
        .nightly("nightly: input file cut inside its last record", F.nightly(), inputs: [("history.csv", .bytes { Array(F.history.utf8.dropLast(5)) })],
                 exit: 65, at: "history.csv:801: height_end"),
        .nightly("nightly: stalled download hits download_timeout_seconds", F.nightly("download_timeout_seconds: 1", inputs: "  - $URL/stall"),
                 exit: 66, says: "timed out after 1 s"),
        .nightly("nightly: stale data", F.nightly().replacingOccurrences(of: "today: data", with: "today: 2026-01-01"),
                 inputs: [("history.csv", .text(F.history))], exit: 76, says: "stale data: the newest complete day 2025-03-10"),
    ]

    // MARK: the store
    static let store: [C] = [
        .store("store: 512 random bytes at offset 8192, ingest", ["ingest", "$DIR/ok.csv", "--db", "$DB"], seed: .custom(F.damage()),
               says: "the store is damaged", "restore the file from a copy").with(inputs: [("ok.csv", .text(F.nextDay()))]),
        .store("store: 512 random bytes at offset 8192, calibrate", ["calibrate", "--db", "$DB"], seed: .custom(F.damage()), says: "the store is damaged"),
        // Read-only commands do not run quick_check (SPEC: the check is for writers); here the damaged page is not one
        // benchmark reads, so it answers from intact pages (a damaged page it reads is reported, see the 0.5 case).
        .store("store: 512 random bytes at offset 8192, benchmark (read-only)", ["benchmark", "--db", "$DB", "--out", "$DIR/out.csv"],
               seed: .custom(F.damage()), says: "the store is damaged", "mv $DB $DB.damaged").checking(wroteNothing),
        .store("store: 512 random bytes at offset 8192, simulate reading the store", ["simulate", "$REPO/datasets/deals/s21-token.yaml", "--db", "$DB",
                                                                                      "--paths", "4", "--horizon", "30", "--out", "$DIR/out"],
               seed: .custom(F.damage()), says: "the store is damaged").checking(wroteNothing),
        .store("store: truncated to 8 KiB", ["calibrate", "--db", "$DB"], seed: .custom(F.truncate(to: 8192)), says: "damaged"),
        .store("store: not a database", ["ingest", "$DIR/ok.csv", "--db", "$DB"], seed: .custom(F.replace(with: Array(String(repeating: "not sqlite\n", count: 999).utf8))),
               says: "damaged").with(inputs: [("ok.csv", .text(F.nextDay()))]),
        .store("store: wrong schema (another program's database)", ["calibrate", "--db", "$DB"], seed: .custom { p in
            try FileManager.default.removeItem(atPath: p); try HostileFixtures.sql("CREATE TABLE daily (x TEXT)")(p) }, says: "not a hashsec store"),
        .store("store: written by a newer hashsec", ["calibrate", "--db", "$DB"],
               seed: .custom(F.sql("INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')")), says: "newer hashsec"),
        .store("store: a row dated 33658-09-27 written behind its back", ["calibrate", "--db", "$DB"],
               seed: .custom(F.sql("INSERT INTO daily (date, price_usd) VALUES ('33658-09-27', 1)")), says: "corrupt row", "33658-09-27"),
        .store("store: a difficulty of 0.5 written behind its back", ["benchmark", "--db", "$DB", "--out", "$DIR/b.csv"],
               seed: .custom(F.sql("UPDATE daily SET difficulty = 0.5 WHERE date = '2024-01-10'")), says: "2024-01-10: difficulty", "below 1"),
        .store("store: /dev/full as the store", ["ingest", "$DIR/ok.csv", "--db", "/dev/full"], seed: .none).with(inputs: [("ok.csv", .text(F.nextDay()))]),
        .store("store: a directory as the store", ["calibrate", "--db", "$DIR"], seed: .none),
    ]

    // MARK: HTTP ingest
    static let http: [C] = [
        .store("http: positive control", ["ingest", "$URL/file/history.csv", "--db", "$DB"], seed: .none, exit: 0).changing(),
        .store("http: server stalls (--download-timeout 1)", ["ingest", "$URL/stall", "--db", "$DB", "--download-timeout", "1"], seed: .synthetic, exit: 66,
               says: "timed out after 1 s (the total download deadline"),
        .store("http: body drips a byte every 2 s (--download-timeout 3)", ["ingest", "$URL/drip", "--db", "$DB", "--download-timeout", "3"], seed: .synthetic,
               exit: 66, says: "timed out after 3 s"),
        .store("http: Content-Length longer than the body", ["ingest", "$URL/truncate", "--db", "$DB"], seed: .synthetic, exit: 66, says: "truncated"),
        .store("http: redirect loop", ["ingest", "$URL/loop-a", "--db", "$DB"], seed: .synthetic, exit: 66, says: "redirect loop"),
        .store("http: 404", ["ingest", "$URL/missing.csv", "--db", "$DB"], seed: .synthetic, exit: 66, says: "HTTP 404"),
        .store("http: --download-timeout 0", ["ingest", "$URL/file/history.csv", "--db", "$DB", "--download-timeout", "0"], seed: .synthetic, exit: 64,
               says: "--download-timeout"),
        .store("http: --download-timeout nan", ["ingest", "$URL/file/history.csv", "--db", "$DB", "--download-timeout", "nan"], seed: .synthetic, exit: 64),
    ]
}

extension HostileCase {
    /// A positive control: the store is expected to change.
    func changing() -> HostileCase { var c = self; c.changesStore = true; return c }
    func with(inputs: [(String, Input)]) -> HostileCase { var c = self; c.inputs += inputs; return c }
}
