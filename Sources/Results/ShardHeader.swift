/// `shard.json` (a `simulate --shard i/n`) or `stress-shard.json` (a `stress --shard i/n`): the one shard header.
///
/// **Integrity** (issue 12 item 7). A shard records its inputs whole (deal text, calibration JSON, scenario file) and, in
/// its `identity`, their SHA-256; and the size and SHA-256 of its payload (`partial.bin` / `stress-partial.bin`). `merge`
/// recomputes every one of them and refuses (exit 77) a shard whose payload or inputs do not match: a flipped bit in a
/// PV or a histogram count, NaN written into the payload, an edited deal text. Everything else `merge` needs (the deal's
/// name, price and structures, the schedule, which scenarios apply) it derives from the recorded inputs, so there is no
/// second copy to edit. The hashes catch corruption and edits, not a deliberate forgery that recomputes them (that would
/// need a signature).
public struct ShardHeader: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable { case simulate, stress }

    /// The payload file beside the header.
    public struct Payload: Codable, Equatable, Sendable {
        public var file: String, bytes: Int, sha256: String
        public init(file: String, bytes: Int, sha256: String) { self.file = file; self.bytes = bytes; self.sha256 = sha256 }
    }

    public var kind: Kind
    public var identity: RunIdentity
    /// 0-based shard index (`identity.shardCount` shards in all).
    public var index: Int
    /// The deal file's text (its SHA-256 is `identity.dealSHA256`).
    public var dealYAML: String
    /// The miner efficiency (J/TH) the deal resolved to when the shard ran (a catalog model or profile need not be at hand
    /// where the shards are merged).
    public var efficiencyJTH: Double
    /// The calibration JSON (its SHA-256 is `identity.calibrationSHA256`).
    public var calibrationJSON: String
    /// The scenario file's text (stress shards; its SHA-256 is `identity.scenariosSHA256`).
    public var scenariosYAML: String?
    /// `--paths-csv` (simulate shards).
    public var pathsCSV: Bool
    /// The manifest parameters of the run (copied into the merged manifest).
    public var parameters: SimulationParameters
    /// The run's forward curve, forward measure and hedge (`CurveContext` JSON; nil without a curve): solved once before
    /// the paths, so every shard and the merge use the same one (`identity.curve` states it).
    public var curveJSON: String?
    /// The calibration the run used (`RunManifest.calibration`, SPEC §5): copied into the merged manifest, so a merged
    /// run names the calibration key as the single run does. Not part of `sameRun` (one shard may fit and store what
    /// the next finds stored: the same calibration, `identity.calibrationSHA256`, under another `source`).
    public var calibration: CalibrationReference?
    public var payload: Payload

    public init(kind: Kind, identity: RunIdentity, index: Int, dealYAML: String, efficiencyJTH: Double, calibrationJSON: String,
                scenariosYAML: String?, pathsCSV: Bool, parameters: SimulationParameters, curveJSON: String? = nil, calibration: CalibrationReference? = nil,
                payload: Payload) {
        self.kind = kind; self.identity = identity; self.index = index; self.dealYAML = dealYAML; self.efficiencyJTH = efficiencyJTH
        self.calibrationJSON = calibrationJSON; self.scenariosYAML = scenariosYAML; self.pathsCSV = pathsCSV; self.parameters = parameters
        self.curveJSON = curveJSON; self.calibration = calibration; self.payload = payload
    }

    /// The header's file name for its kind.
    public static func fileName(_ kind: Kind) -> String { kind == .simulate ? "shard.json" : "stress-shard.json" }
    /// The payload's file name for its kind.
    public static func payloadName(_ kind: Kind) -> String { kind == .simulate ? "partial.bin" : "stress-partial.bin" }
    /// The shard's folder under `--out`.
    public static func folderName(_ kind: Kind, index: Int, count: Int) -> String {
        (kind == .simulate ? "shard-" : "stress-shard-") + "\(index)-of-\(count)"
    }

    /// Equal except for the shard index, the payload (which every shard has its own of) and the calibration's source.
    public func sameRun(_ o: ShardHeader) -> Bool {
        var a = self
        a.index = o.index; a.payload = o.payload; a.calibration = o.calibration
        return a == o
    }

    enum CodingKeys: String, CodingKey {
        case kind, identity, index, payload, parameters, calibration
        case dealYAML = "deal_yaml", efficiencyJTH = "efficiency_j_th", calibrationJSON = "calibration_json"
        case scenariosYAML = "scenarios_yaml", pathsCSV = "paths_csv", curveJSON = "curve_json"
    }
}
