import Domain

/// One price model (SPEC §5): its fit, its calibration-table rows and its run-time law live in one file
/// (`MertonModel.swift`, `GBMModel.swift`, `BootstrapModel.swift`, `RegimeModel.swift`); its Codable parameters sit in
/// `Domain` because `Calibration` stores them. Adding a model = one file here + one line in `PriceModels.all` (+ its
/// parameter struct and field in `Domain` when it has new parameters).
public protocol PriceModelDefinition: Sendable {
    /// CLI/config name (`--model NAME`, `model: NAME`).
    static var name: String { get }
    /// One line for `--help` and the docs.
    static var summary: String { get }
    /// Fits on the window's daily log returns `r_t = ln S_{t+1} − ln S_t` and stores the result in `c`.
    static func fit(returns r: [Double], into c: inout Calibration) throws
    /// Rows of the calibration table (`model,parameter,value,stderr`).
    static func tableRows(_ c: Calibration) -> [CalibrationRow]
    /// The run's price law: point estimates, the stated drift and measure, and (when asked) the parameters' sampling law.
    static func law(_ c: Calibration, _ a: PriceAssumptions) throws -> PriceLaw
}

/// One row of the calibration table; diagnostics have no standard error.
public struct CalibrationRow: Equatable, Sendable {
    public var model: String, parameter: String, value: Double, stderr: Double?
    public init(_ model: String, _ parameter: String, _ value: Double, _ stderr: Double?) {
        self.model = model; self.parameter = parameter; self.value = value; self.stderr = stderr
    }
}

/// The registry: the CLI's `--model` list, the config parser and the calibration table enumerate it.
public enum PriceModels {
    public static let all: [any PriceModelDefinition.Type] = [MertonModel.self, GBMModel.self, BootstrapModel.self, RegimeModel.self]
    public static var names: [String] { all.map { $0.name } }
    /// "merton, gbm, bootstrap or regime" (for messages).
    public static var namesText: String { names.dropLast().joined(separator: ", ") + " or " + names.last! }
    public static func definition(_ name: String) -> (any PriceModelDefinition.Type)? { all.first { $0.name == name } }
}

/// A price model's name, validated against the registry (`PriceModel(rawValue:)` is nil for an unknown name).
public struct PriceModel: RawRepresentable, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    public let rawValue: String
    public init?(rawValue: String) {
        guard PriceModels.definition(rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }
    private init(known: String) { rawValue = known }
    public static let merton = PriceModel(known: MertonModel.name)
    public static let gbm = PriceModel(known: GBMModel.name)
    public static let bootstrap = PriceModel(known: BootstrapModel.name)
    public static let regime = PriceModel(known: RegimeModel.name)
    public static var allCases: [PriceModel] { PriceModels.names.map { PriceModel(known: $0) } }
    public var definition: any PriceModelDefinition.Type { PriceModels.definition(rawValue)! }
    public var description: String { rawValue }
    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let m = PriceModel(rawValue: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown price model \(s)"))
        }
        self = m
    }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(rawValue) }
}

extension PriceModels {
    /// Placeholders for the two price fits every `Calibration` has; `Calibrator` overwrites them with the registry's fits.
    public static let unfittedMerton = MertonParameters(mu: Estimate(0, stderr: 0), sigma: Estimate(0, stderr: 0), lambda: Estimate(0, stderr: 0),
                                                        muJ: Estimate(0, stderr: 0), sigmaJ: Estimate(0, stderr: 0), logLikelihood: 0, observations: 0)
    public static let unfittedGBM = GBMParameters(mu: Estimate(0, stderr: 0), sigma: Estimate(0, stderr: 0), logLikelihood: 0)
}

/// The default price assumptions of `simulate`, `stress`, `backtest` and the nightly, chosen by the backtest
/// (Sources/Models/README.md has the evidence); the drift's default is `Drift.default`.
public enum SimulationDefaults {
    public static let model = PriceModel.merton.rawValue
    public static let parameterUncertainty = true
}
