import Foundation

/// One hostile-input case for the real `hashsec` binary (issue 12's acceptance suite). A case is data: the files it
/// writes, the store it starts from, the command line, and what must come out. Add a case in one line with the
/// builders at the bottom, e.g.
///
///     .ingest("tidy: price 1e300", "bad.csv", tidy(row(price: "1e300")), exit: 65, at: "bad.csv:2: price_usd", says: "above 10^8")
///
/// Every case also asserts, whatever its own expectations (see `HostileInputTests.run`): the process exits normally
/// (no signal), never with 70, prints no crash or backtrace; the store's rows are unchanged (unless `changesStore`);
/// no file written by the command, nor its stdout, contains NaN or inf; `$TMPDIR` is left empty.
struct HostileCase {
    /// How a case's store starts.
    enum Seed {
        /// No store file at all.
        case none
        /// A copy of a store holding the synthetic 800-day history (`HostileFixtures.history`), ingested by the binary.
        case synthetic
        /// The synthetic store, then changed by the closure (tampering, damage, schema).
        case custom((String) throws -> Void)
    }

    /// A file to create in the case's folder.
    enum Input {
        case text(String)
        case bytes(() -> [UInt8])
        /// Written by the closure in chunks (for files too large to build in memory).
        case stream((FileHandle) throws -> Void)
        /// A file of `../shared/datasets`, read in place and transformed into the case folder (case skipped when absent).
        case real(String, (Data) -> Data)
        /// A symlink to the given path (relative paths are inside the case folder).
        case symlink(String)
        case fifo
        case directory
    }

    var name: String
    /// Arguments; `$DIR` (the case folder), `$DB` (its store), `$CAL` (the repository's synthetic calibration),
    /// `$REPO` (the repository root), `$URL` (the local HTTP server) are substituted.
    var args: [String]
    var inputs: [(String, Input)] = []
    var seed: Seed = .synthetic
    var exit: Int32
    /// `file:line` (or `file:line: column`) that must appear in stderr.
    var at: String? = nil
    /// Substrings that must appear in stderr.
    var says: [String] = []
    /// True for cases that are expected to change the store (positive controls).
    var changesStore = false
    /// Extra checks after the run (paths are in the case folder).
    var check: ((URL) throws -> [String])? = nil
    /// Watchdog, seconds.
    var timeout: Double = 60
    /// Commands run first with the binary (same substitutions; each must exit 0), e.g. the shards a merge case reads.
    var setup: [[String]] = []
    /// Changes the case folder after `setup` (tampering with what it wrote).
    var tamper: ((URL) throws -> Void)? = nil
    /// Extra environment of the command (not of `setup`).
    var env: [String: String] = [:]
}

// MARK: builders (one line per case)

extension HostileCase {
    /// `hashsec ingest FILE --db $DB` on a file written into the case folder.
    static func ingest(_ name: String, _ file: String, _ content: Input, extra: [String] = [], seed: Seed = .synthetic, exit: Int32,
                       at: String? = nil, says: String...) -> HostileCase {
        HostileCase(name: name, args: ["ingest", "$DIR/\(file)", "--db", "$DB"] + extra, inputs: [(file, content)], seed: seed,
                    exit: exit, at: at, says: says)
    }

    static func ingest(_ name: String, _ file: String, _ text: String, extra: [String] = [], seed: Seed = .synthetic, exit: Int32,
                       at: String? = nil, says: String...) -> HostileCase {
        HostileCase(name: name, args: ["ingest", "$DIR/\(file)", "--db", "$DB"] + extra, inputs: [(file, .text(text))], seed: seed,
                    exit: exit, at: at, says: says)
    }

    /// `hashsec simulate DEAL --calibration $CAL` (tiny run) on a deal written into the case folder.
    static func deal(_ name: String, _ text: String, exit: Int32 = 78, at: String? = nil, says: String...) -> HostileCase {
        HostileCase(name: name, args: ["simulate", "$DIR/deal.yaml", "--calibration", "$CAL", "--paths", "4", "--horizon", "30",
                                       "--threads", "1", "--db", "$DB", "--out", "$DIR/out"],
                    inputs: [("deal.yaml", .text(text))], exit: exit, at: at, says: says)
    }

    static func dealBytes(_ name: String, _ bytes: @escaping () -> [UInt8], exit: Int32 = 78, at: String? = nil, says: String...) -> HostileCase {
        HostileCase(name: name, args: ["simulate", "$DIR/deal.yaml", "--calibration", "$CAL", "--paths", "4", "--horizon", "30",
                                       "--threads", "1", "--db", "$DB", "--out", "$DIR/out"],
                    inputs: [("deal.yaml", .bytes(bytes))], exit: exit, at: at, says: says)
    }

    /// `hashsec stress DEAL --scenarios FILE` with the repository's example deal and a scenario file in the case folder.
    static func scenarios(_ name: String, _ text: String, exit: Int32 = 78, at: String? = nil, says: String...) -> HostileCase {
        HostileCase(name: name, args: ["stress", "$REPO/datasets/deals/s21-token.yaml", "--scenarios", "$DIR/scen.yaml", "--calibration", "$CAL",
                                       "--paths", "4", "--horizon", "30", "--threads", "1", "--db", "$DB", "--out", "$DIR/out"],
                    inputs: [("scen.yaml", .text(text))], exit: exit, at: at, says: says)
    }

    /// `hashsec nightly $DIR/nightly.yaml` with the given config text and extra inputs.
    static func nightly(_ name: String, _ text: String, inputs: [(String, Input)] = [], exit: Int32, at: String? = nil,
                        says: String..., check: ((URL) throws -> [String])? = nil) -> HostileCase {
        HostileCase(name: name, args: ["nightly", "$DIR/nightly.yaml"], inputs: [("nightly.yaml", .text(text))] + inputs,
                    exit: exit, at: at, says: says, check: check)
    }

    /// Any command against a store prepared by `seed`.
    static func store(_ name: String, _ args: [String], seed: Seed, exit: Int32 = 74, says: String...) -> HostileCase {
        HostileCase(name: name, args: args, seed: seed, exit: exit, says: says)
    }
}
