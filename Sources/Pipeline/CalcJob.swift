import Calibrate
import Charts
import Config
import Domain
import FileIO
import Foundation
import Simulate

/// `hashsec calc`: the deterministic mining calculator (SPEC §13) for one machine (catalog model, or TH/s with W or J/TH)
/// or a deal's fleet (the deal's token, × its token count). Resolves the inputs (deal or catalog, calibration) and runs
/// `MiningCalculator.project` — the one path generator at zero noise, priced by the one pricer — then writes `calc.csv`
/// (by month), `calc_daily.csv`, `calc.svg`.
public enum CalcJob {
    /// One machine's terms (machine mode).
    public struct Machine: Sendable {
        public var model: String?
        public var hashrateTH: Double?
        public var powerW: Double?
        public var efficiencyJTH: Double?
        public var count: Int
        public init(model: String? = nil, hashrateTH: Double? = nil, powerW: Double? = nil, efficiencyJTH: Double? = nil, count: Int = 1) {
            self.model = model; self.hashrateTH = hashrateTH; self.powerW = powerW; self.efficiencyJTH = efficiencyJTH; self.count = count
        }
    }

    /// Overrides of the operating terms (nil: the deal's, or the machine defaults `MachineDefaults`).
    public struct Terms: Sendable {
        public var powerUSDPerKWh: Double?, uptime: Double?, poolFee: Double?, hostingUSDPerTHDay: Double?, degradationPerYear: Double?
        public var days: Int?, capexUSD: Double?, discountRate: Double?, curtailment: Operations.Curtailment?
        public init(powerUSDPerKWh: Double? = nil, uptime: Double? = nil, poolFee: Double? = nil, hostingUSDPerTHDay: Double? = nil,
                    degradationPerYear: Double? = nil, days: Int? = nil, capexUSD: Double? = nil, discountRate: Double? = nil,
                    curtailment: Operations.Curtailment? = nil) {
            self.powerUSDPerKWh = powerUSDPerKWh; self.uptime = uptime; self.poolFee = poolFee; self.hostingUSDPerTHDay = hostingUSDPerTHDay
            self.degradationPerYear = degradationPerYear; self.days = days; self.capexUSD = capexUSD; self.discountRate = discountRate
            self.curtailment = curtailment
        }
    }

    /// Machine mode's defaults: 0.05 USD/kWh, uptime 1, pool fee 2 %, no hosting, no degradation, 1,095 days, no capex,
    /// no discounting, machines off on days their revenue would not pay the power (`economic`, as a miner runs them).
    public enum MachineDefaults {
        public static let powerUSDPerKWh = 0.05, uptime = 1.0, poolFee = 0.02, days = 1095
    }

    public struct Options: Sendable {
        public var dealPath: String?
        public var machine: Machine
        public var terms: Terms
        public var assumptions: MiningCalculator.Assumptions
        public var asOf: Day?
        public var calibrationPath: String?
        public var dbPath: String
        public var out: String?
        /// The hashprice follows the forward curve: `--curve FILE`, or (`fromStore`) the store's latest quoted on or before
        /// the as-of day (`CurveInputs.latestCurve`); nil: the projected network.
        public var curve: CurveOptions?
        public init(dealPath: String? = nil, machine: Machine = Machine(), terms: Terms = Terms(),
                    assumptions: MiningCalculator.Assumptions = .init(), asOf: Day? = nil, calibrationPath: String? = nil,
                    dbPath: String = "hashsec.sqlite", out: String? = nil, curve: CurveOptions? = nil) {
            self.curve = curve
            self.dealPath = dealPath; self.machine = machine; self.terms = terms; self.assumptions = assumptions; self.asOf = asOf
            self.calibrationPath = calibrationPath; self.dbPath = dbPath; self.out = out
        }
    }

    public struct Result {
        public var projection: MiningCalculator.Projection
        /// What one unit is ("token of s21-token", "Antminer S21") and how many the fleet has.
        public var unit: String, units: Int
        public var files: [(String, String)]
        public var text: String
    }

    public static func run(_ o: Options) throws -> Result {
        let catalogPath = RepositoryData.resolve("datasets/asic-catalog.csv")
        var deal: Deal, unit: String, units: Int
        if let p = o.dealPath {
            guard o.machine.model == nil, o.machine.hashrateTH == nil else {
                throw PipelineError.invalidConfiguration("give either a deal file or a machine (--machine / --hashrate-th), not both")
            }
            deal = try DealFile.load(path: p, catalogPath: catalogPath)
            unit = "token of \(deal.name)"; units = deal.token.count
        } else {
            (deal, unit) = try machineDeal(o.machine, catalogPath: catalogPath)
            units = o.machine.count
        }
        try apply(o.terms, to: &deal, machine: o.dealPath == nil)
        let store = JobInputs.StoreHandle(o.dbPath)
        let cal = try CalibrationResolver.resolve(calibrationPath: o.calibrationPath, store: store, asOf: o.asOf,
                                                  windowDays: Calibrator.defaultWindowDays).calibration
        let curve = try o.curve.map { c -> ForwardCurve in
            guard let fc = try CurveInputs.latestCurve(c, store: store, asOf: cal.initialState.date) else {
                throw PipelineError.insufficientData("no forward curve quoted on or before \(cal.initialState.date) (\(c.path ?? "store \(o.dbPath)")); ingest one or give --curve FILE")
            }
            return fc
        }
        let projection = try MiningCalculator.project(deal: deal, calibration: cal, assumptions: o.assumptions, curve: curve)
        let files = [("calc.csv", CalcOutputs.monthlyCSV(projection)), ("calc_daily.csv", CalcOutputs.dailyCSV(projection)),
                     ("calc.svg", chart(projection, unit: unit))]
        if let out = o.out { try OutputWriter.writeDirectory(files.map { OutputFile($0.0, $0.1) }, to: out) }
        return Result(projection: projection, unit: unit, units: units, files: files,
                      text: CalcOutputs.text(projection, unit: unit, units: units, deal: deal))
    }

    /// A one-machine deal: the catalog's TH/s and J/TH (or the given ones), the machine defaults.
    static func machineDeal(_ m: Machine, catalogPath: String?) throws -> (Deal, String) {
        var th = m.hashrateTH, eff = m.efficiencyJTH, name = m.model ?? "machine"
        if let model = m.model {
            guard let path = catalogPath, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw PipelineError.inputMissing(path: catalogPath ?? "datasets/asic-catalog.csv", reason: "cannot read the ASIC catalog")
            }
            let catalog = try AsicCatalog(csvText: text, fileName: (path as NSString).lastPathComponent)
            guard let a = catalog.models.first(where: { $0.model.lowercased() == model.lowercased() }) else {
                throw PipelineError.invalidConfiguration("--machine \(model): not in the ASIC catalog (\(path)); give --hashrate-th with --power-w or --efficiency-j-th")
            }
            th = th ?? a.hashrateTHs; eff = eff ?? a.efficiencyJTH; name = a.model
        }
        guard let th, th.isFinite, th > 0 else { throw PipelineError.invalidConfiguration("give --machine NAME or --hashrate-th (TH/s > 0)") }
        if eff == nil, let w = m.powerW { eff = w / th }
        guard let eff, eff.isFinite, eff > 0 else {
            throw PipelineError.invalidConfiguration("give --power-w or --efficiency-j-th (> 0) with --hashrate-th")
        }
        guard m.count >= 1 else { throw PipelineError.invalidConfiguration("--count must be ≥ 1") }
        let d = Deal(name: name, token: TokenTerms(count: m.count, hashrateTH: th, termDays: MachineDefaults.days, start: .asOf, priceUSD: 0),
                     miner: MinerSpec(model: m.model, efficiencyJTH: eff, degradationPerYear: 0),
                     operations: Operations(powerUSDPerKWh: MachineDefaults.powerUSDPerKWh, uptime: MachineDefaults.uptime,
                                            poolFee: MachineDefaults.poolFee, managementFee: 0, hostingUSDPerTHDay: 0, curtailment: .economic,
                                            deficit: .floorZero, terminateAfterDeficitDays: nil),
                     valuation: Valuation(discountRate: 0))
        return (d, name)
    }

    /// The overrides, checked like a deal file's values (finite, in range).
    static func apply(_ t: Terms, to d: inout Deal, machine: Bool) throws {
        func check(_ v: Double?, _ name: String, _ ok: (Double) -> Bool, _ range: String) throws -> Double? {
            guard let v else { return nil }
            guard v.isFinite, ok(v) else { throw PipelineError.invalidConfiguration("\(name) must be \(range), got \(v)") }
            return v
        }
        if let v = try check(t.powerUSDPerKWh, "--power-usd-kwh", { $0 >= 0 && $0 <= 10 }, "in [0, 10] USD/kWh") { d.operations.powerUSDPerKWh = v }
        if let v = try check(t.uptime, "--uptime", { $0 > 0 && $0 <= 1 }, "in (0, 1]") { d.operations.uptime = v }
        if let v = try check(t.poolFee, "--pool-fee", { $0 >= 0 && $0 < 1 }, "in [0, 1)") { d.operations.poolFee = v }
        if let v = try check(t.hostingUSDPerTHDay, "--hosting-usd-th-day", { $0 >= 0 && $0 <= 10 }, "in [0, 10]") { d.operations.hostingUSDPerTHDay = v }
        if let v = try check(t.degradationPerYear, "--degradation", { $0 >= 0 && $0 < 1 }, "in [0, 1)") { d.miner.degradationPerYear = v }
        if let v = try check(t.capexUSD, "--capex-usd", { $0 >= 0 && $0 < 1e12 }, "≥ 0") { d.token.priceUSD = v }
        if let v = try check(t.discountRate, "--discount-rate", { $0 > -1 && $0 <= 10 }, "in (−1, 10]") { d.valuation.discountRate = v }
        if let c = t.curtailment { d.operations.curtailment = c }
        if let n = t.days {
            guard (1...36_500).contains(n) else { throw PipelineError.invalidConfiguration("--days must be in 1…36500, got \(n)") }
            d.token.termDays = n
        }
    }

    /// `calc.svg`: monthly revenue, cost and profit per unit (USD per day, averaged over the month).
    static func chart(_ p: MiningCalculator.Projection, unit: String) -> String {
        let months = CalcOutputs.months(p)
        let x = months.map { Double($0.first.ordinal) }
        func perDay(_ f: (CalcOutputs.Month) -> Double) -> [Double?] { months.map { f($0) / Double($0.days) } }
        return SVGChart.line(title: "Mining calculator: \(unit), USD per day (monthly average)", xTitle: "month", yTitle: "USD per day",
                           series: [Series(name: "revenue", x: x, y: perDay { $0.revenueUSD }),
                                    Series(name: "power + hosting", x: x, y: perDay { $0.powerUSD + $0.hostingUSD }),
                                    Series(name: "profit", x: x, y: perDay { $0.profitUSD })],
                           markers: p.halvings.map { Marker(x: Double($0.ordinal), label: "halving \($0.iso)") })
    }
}
