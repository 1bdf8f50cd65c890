import Foundation

/// The engine branch's areas of the hostile suite: command-line values of simulate / stress / synth (runs too large for
/// memory are refused with exit 64 and the estimate, before anything is allocated or written) and merge (shards that do
/// not form one run, damaged or missing shard files: exit 77, nothing written).
extension HostileCases {
    /// `hashsec simulate` of the example S21 token on the reference calibration, tiny unless `args` say otherwise.
    static func sim(_ name: String, _ args: [String], exit: Int32 = 64, says: String...) -> C {
        C(name: name, args: ["simulate", "$REPO/datasets/deals/s21-token.yaml", "--calibration", "$CAL", "--db", "$DB", "--out", "$DIR/out",
                             "--paths", "4", "--horizon", "30", "--threads", "1"] + args, exit: exit, says: says)
    }

    static func stressRun(_ name: String, _ args: [String], exit: Int32 = 64, says: String...) -> C {
        C(name: name, args: ["stress", "$REPO/datasets/deals/s21-token.yaml", "--calibration", "$CAL", "--db", "$DB", "--out", "$DIR/out",
                             "--scenarios", "$DIR/scen.yaml", "--paths", "4", "--horizon", "30", "--threads", "1"] + args,
          inputs: [("scen.yaml", .text("scenarios:\n  - {name: crash, kind: price_crash, pct: 50, day: 10}\n"))], exit: exit, says: says)
    }

    /// Nothing under `out` or `out.csv`: a refused run wrote nothing.
    static func wroteNothing(_ dir: URL) throws -> [String] {
        ["out", "out.csv", "cal.json", "m"].filter { FileManager.default.fileExists(atPath: dir.appendingPathComponent($0).path) }
            .map { "\($0) was written" }
    }

    static let memory = "not enough memory: this run needs about"

    // MARK: command-line values
    static let cliValues: [C] = [
        sim("cli: positive control (simulate)", [], exit: 0),
        sim("cli: --paths 10000000000 (was: failed to allocate, exit 134)", ["--paths", "10000000000"], says: memory, "above the limit of").checking(wroteNothing),
        sim("cli: --horizon 100000000 (was: exit 134)", ["--horizon", "100000000"], says: memory, "per-day histograms").checking(wroteNothing),
        sim("cli: --threads 100000 with 10^7 paths", ["--threads", "100000", "--paths", "10000000"], says: memory).checking(wroteNothing),
        sim("cli: HASHSEC_MEMORY_LIMIT=1M refuses a small run", [], says: "above the limit of 1.0 MiB (HASHSEC_MEMORY_LIMIT=1M)")
            .with(env: ["HASHSEC_MEMORY_LIMIT": "1M"]).checking(wroteNothing),
        sim("cli: HASHSEC_MEMORY_LIMIT=lots", [], says: "HASHSEC_MEMORY_LIMIT=lots").with(env: ["HASHSEC_MEMORY_LIMIT": "lots"]),
        sim("cli: --paths 0", ["--paths", "0"], says: "--paths"),
        sim("cli: --paths -5", ["--paths", "-5"]),
        sim("cli: --paths 1e6 (not an integer)", ["--paths", "1e6"]),
        sim("cli: --horizon 0", ["--horizon", "0"], says: "--horizon"),
        sim("cli: --threads 0", ["--threads", "0"]),
        sim("cli: --seed -1", ["--seed", "-1"]),
        sim("cli: --seed 2^64", ["--seed", "18446744073709551616"]),
        sim("cli: --rate nan (was exit 78, 'calibration has a non-finite parameter')", ["--measure", "risk-neutral", "--rate", "nan"], says: "--rate"),
        sim("cli: --rate inf", ["--measure", "risk-neutral", "--rate", "inf"], says: "--rate"),
        sim("cli: --model no-such-model", ["--model", "no-such-model"]),
        sim("cli: --measure sideways", ["--measure", "sideways"]),
        sim("cli: --as-of 2026-02-30", ["--as-of", "2026-02-30"], says: "not a YYYY-MM-DD date"),
        sim("cli: --shard 3/2", ["--shard", "3/2"], says: "--shard must be i/n with 0 ≤ i < n"),
        sim("cli: --shard 0/0", ["--shard", "0/0"], says: "--shard must be i/n"),
        sim("cli: --shard a/b", ["--shard", "a/b"], says: "--shard must be i/n"),
        sim("cli: --shard -1/2", ["--shard", "-1/2"]),
        C(name: "cli: --shard without --out", args: ["simulate", "$REPO/datasets/deals/s21-token.yaml", "--calibration", "$CAL", "--db", "$DB",
                                                     "--paths", "4", "--horizon", "30", "--shard", "0/2"], exit: 64, says: ["--shard needs --out"]),
        sim("cli: --sweep-leverage 51", ["--sweep-leverage", "51"], says: "--sweep-leverage takes 0…50"),
        sim("cli: --calibration is not JSON", ["--calibration", "$DIR/cal.txt"], exit: 78, says: "not a calibration JSON")
            .with(inputs: [("cal.txt", .text("paths: 4\n"))]),
        sim("cli: --calibration missing", ["--calibration", "$DIR/absent.json"], exit: 66),
        stressRun("cli: positive control (stress)", [], exit: 0),
        stressRun("cli: stress --horizon 100000000 (refused before the overlays are built)", ["--horizon", "100000000"], says: memory)
            .checking(wroteNothing),
        stressRun("cli: stress --paths 10000000000", ["--paths", "10000000000"], says: memory).checking(wroteNothing),
        stressRun("cli: stress --paths 0", ["--paths", "0"]),
        stressRun("cli: stress --shard 2/2", ["--shard", "2/2"], says: "--shard must be i/n"),
        C(name: "cli: synth --days 2000000000 (was: exit 134)",
          args: ["synth", "--days", "2000000000", "--out", "$DIR/out.csv", "--save-calibration", "$DIR/cal.json"], seed: .none, exit: 64,
          says: [memory, "use fewer --days"], check: wroteNothing),
        C(name: "cli: synth --days 0", args: ["synth", "--days", "0", "--out", "$DIR/out.csv"], seed: .none, exit: 64, check: wroteNothing),
    ]

    // MARK: merge
    static let shardArgs = ["--calibration", "$CAL", "--db", "$DB", "--paths", "6", "--horizon", "20", "--threads", "1", "--out", "$DIR/sh"]
    static func shard(_ i: Int, of n: Int, seed: Int = 3) -> [String] {
        ["simulate", "$REPO/datasets/deals/s21-token.yaml", "--shard", "\(i)/\(n)", "--seed", "\(seed)"] + shardArgs
    }
    static func stressShard(_ i: Int, of n: Int) -> [String] {
        ["stress", "$REPO/datasets/deals/s21-token.yaml", "--scenarios", "$DIR/scen.yaml", "--shard", "\(i)/\(n)"] + shardArgs
    }
    static func mergeCase(_ name: String, setup: [[String]], exit: Int32 = 77, says: String..., tamper: ((URL) throws -> Void)? = nil) -> C {
        var c = C(name: name, args: ["merge", "$DIR/sh", "--out", "$DIR/m"], exit: exit, says: says, check: exit == 0 ? nil : wroteNothing)
        c.setup = setup; c.tamper = tamper
        c.inputs = [("scen.yaml", .text("scenarios:\n  - {name: crash, kind: price_crash, pct: 50, day: 10}\n"))]
        return c
    }
    static func file(_ dir: URL, _ rel: String) -> URL { dir.appendingPathComponent(rel) }
    static func truncate(_ rel: String, to n: Int) -> (URL) throws -> Void {
        { d in let u = file(d, rel); try Data(try Data(contentsOf: u).prefix(n)).write(to: u) }
    }
    /// Overwrites 8 bytes at `offset` with `value` (little-endian).
    static func poke(_ rel: String, at offset: Int, _ value: UInt64) -> (URL) throws -> Void {
        { d in
            let u = file(d, rel)
            var b = [UInt8](try Data(contentsOf: u))
            for k in 0..<8 { b[offset + k] = UInt8((value >> (8 * UInt64(k))) & 0xFF) }
            try Data(b).write(to: u)
        }
    }
    /// XORs one byte at `offset` with `mask`.
    static func xor(_ rel: String, at offset: Int, _ mask: UInt8) -> (URL) throws -> Void {
        { d in let u = file(d, rel); var b = [UInt8](try Data(contentsOf: u)); b[offset] ^= mask; try Data(b).write(to: u) }
    }
    static func remove(_ rel: String) -> (URL) throws -> Void { { d in try FileManager.default.removeItem(at: file(d, rel)) } }
    static func write(_ rel: String, _ text: String) -> (URL) throws -> Void { { d in try Data(text.utf8).write(to: file(d, rel)) } }

    static let merge: [C] = [
        mergeCase("merge: positive control (2 shards)", setup: [shard(0, of: 2), shard(1, of: 2)], exit: 0),
        mergeCase("merge: a shard of another seed", setup: [shard(0, of: 2), shard(1, of: 2, seed: 4)], says: "belongs to a different run"),
        mergeCase("merge: a shard missing", setup: [shard(0, of: 3), shard(2, of: 3)], says: "incomplete set: missing shard(s) 1/3"),
        mergeCase("merge: shards of different shard counts", setup: [shard(0, of: 2), shard(1, of: 3)], says: "different run"),
        mergeCase("merge: partial.bin missing (was exit 66)", setup: [shard(0, of: 2), shard(1, of: 2)], says: "incomplete shard",
                  tamper: remove("sh/shard-1-of-2/partial.bin")),
        mergeCase("merge: partial.bin truncated", setup: [shard(0, of: 2), shard(1, of: 2)], says: "partial.bin truncated",
                  tamper: truncate("sh/shard-0-of-2/partial.bin", to: 100)),
        mergeCase("merge: partial.bin not a partial", setup: [shard(0, of: 2), shard(1, of: 2)], says: "not a hashsec partial.bin",
                  tamper: write("sh/shard-0-of-2/partial.bin", "HELLO, WORLD")),
        mergeCase("merge: partial.bin header announces 2^31 paths (no huge allocation)", setup: [shard(0, of: 2), shard(1, of: 2)],
                  says: "partial.bin truncated", tamper: poke("sh/shard-1-of-2/partial.bin", at: 16, 1 << 31)),
        mergeCase("merge: partial.bin header announces 2^19 days", setup: [shard(0, of: 2), shard(1, of: 2)], says: "partial.bin",
                  tamper: poke("sh/shard-1-of-2/partial.bin", at: 24, 1 << 19)),
        mergeCase("merge: partial.bin with trailing bytes", setup: [shard(0, of: 2), shard(1, of: 2)], says: "trailing bytes",
                  tamper: { d in let u = file(d, "sh/shard-0-of-2/partial.bin"); try (try Data(contentsOf: u) + Data([1, 2, 3])).write(to: u) }),
        mergeCase("merge: shard.json not JSON", setup: [shard(0, of: 2), shard(1, of: 2)], says: "is not a valid shard.json",
                  tamper: write("sh/shard-0-of-2/shard.json", "{\"identity\": ")),
        mergeCase("merge: shard.json deal text edited (SHA-256 mismatch)", setup: [shard(0, of: 2), shard(1, of: 2)],
                  says: "the recorded deal text does not match its SHA-256",
                  tamper: { d in
                      for i in 0..<2 {
                          let u = file(d, "sh/shard-\(i)-of-2/shard.json")
                          let s = try String(contentsOf: u, encoding: .utf8).replacingOccurrences(of: "price_usd: 20.00", with: "price_usd: 2.00")
                          try Data(s.utf8).write(to: u)
                      }
                  }),
        mergeCase("merge: shard.json calibration reference edited (names another calibration)", setup: [shard(0, of: 2), shard(1, of: 2)],
                  says: "the recorded calibration reference does not match",
                  tamper: { d in
                      let u = file(d, "sh/shard-1-of-2/shard.json")
                      var o = try JSONSerialization.jsonObject(with: try Data(contentsOf: u)) as! [String: Any]
                      guard var c = o["calibration"] as? [String: Any] else { throw CocoaError(.fileReadCorruptFile) }
                      c["sha256"] = String(repeating: "0", count: 64); o["calibration"] = c
                      try JSONSerialization.data(withJSONObject: o).write(to: u)
                  }),
        C(name: "merge: an empty directory", args: ["merge", "$DIR/empty", "--out", "$DIR/m"], inputs: [("empty", .directory)], exit: 77,
          says: ["missing shard"], check: wroteNothing),
        mergeCase("merge: stress shards, positive control", setup: [stressShard(0, of: 2), stressShard(1, of: 2)], exit: 0),
        mergeCase("merge: stress-partial.bin missing", setup: [stressShard(0, of: 2), stressShard(1, of: 2)], says: "incomplete stress shard",
                  tamper: remove("sh/stress-shard-0-of-2/stress-partial.bin")),
        mergeCase("merge: stress-partial.bin truncated", setup: [stressShard(0, of: 2), stressShard(1, of: 2)], says: "stress-partial.bin: bad length",
                  tamper: truncate("sh/stress-shard-1-of-2/stress-partial.bin", to: 40)),
        mergeCase("merge: stress shards, the scenario file edited in both headers (SHA-256 mismatch)",
                  setup: [stressShard(0, of: 2), stressShard(1, of: 2)], says: "the recorded scenario file does not match its SHA-256",
                  tamper: { d in
                      for i in 0..<2 {
                          let u = file(d, "sh/stress-shard-\(i)-of-2/stress-shard.json")
                          let s = try String(contentsOf: u, encoding: .utf8)
                          let t = s.replacingOccurrences(of: "pct: 50", with: "pct: 90")
                          guard t != s else { throw CocoaError(.fileReadCorruptFile) }
                          try Data(t.utf8).write(to: u)
                      }
                  }),
        // Shard integrity (issue 12 item 7): a payload that still decodes but differs from what the shard wrote.
        mergeCase("merge: one flipped bit in a PV of partial.bin", setup: [shard(0, of: 2), shard(1, of: 2)],
                  says: "the payload does not match the SHA-256", tamper: xor("sh/shard-1-of-2/partial.bin", at: 32 + 5, 0x08)),
        mergeCase("merge: NaN written into a PV of partial.bin", setup: [shard(0, of: 2), shard(1, of: 2)],
                  says: "the payload does not match the SHA-256", tamper: poke("sh/shard-0-of-2/partial.bin", at: 40, 0x7FF8_0000_0000_0000)),
        mergeCase("merge: one histogram count of partial.bin off by one", setup: [shard(0, of: 2), shard(1, of: 2)],
                  says: "the payload does not match the SHA-256",
                  tamper: { d in
                      // Layout (PartialResult+Binary): 32-byte header (count at 16), 41 bytes per path, then eMin, eMax, counts.
                      let u = file(d, "sh/shard-0-of-2/partial.bin")
                      var b = [UInt8](try Data(contentsOf: u))
                      let n = Int(b[16]) | Int(b[17]) << 8
                      b[32 + 41 * n + 16] ^= 0x01
                      try Data(b).write(to: u)
                  }),
        mergeCase("merge: one flipped bit in stress-partial.bin", setup: [stressShard(0, of: 2), stressShard(1, of: 2)],
                  says: "the payload does not match the SHA-256", tamper: xor("sh/stress-shard-0-of-2/stress-partial.bin", at: 24 + 32 + 2, 0x40)),
    ]
}

extension HostileCase {
    func with(env: [String: String]) -> HostileCase { var c = self; c.env = env; return c }
    func checking(_ f: @escaping (URL) throws -> [String]) -> HostileCase { var c = self; c.check = f; return c }
}
