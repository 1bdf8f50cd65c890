import ArgumentParser
import Models
import Backtest
import Diagnostics
import Domain
import Foundation
import Pipeline
import Simulate

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Score the model's forecasts against what happened: rolling origins, coverage, PIT, pinball skill (SPEC §12).",
        discussion: """
        For each origin: calibrate with data ≤ origin only, simulate each model from it, and compare the simulated hashprice
        (USD/PH/day) and the deal's cumulative payout per token at each horizon with the realized history. Origins whose
        horizon goes beyond the data are scored only at the horizons that have a realized value. Origins run in parallel;
        outputs are byte-identical for any --threads.

        Outputs in --out DIR (docs/outputs.md): backtest.csv (origin × model × horizon), scores.csv (model × horizon:
        coverage of the 50 % and 90 % bands, PIT histogram and χ² uniformity, pinball loss, naive baseline, skill, payout
        coverage), index.html, manifest.json. The table (model, horizon, n, cov50, cov90, skill) is printed.

        --require CHECKS exits 80 when a check fails (after writing the outputs), e.g.
          --require 'cov90@30-365=0.85..0.95,cov50@30-365=0.40..0.60,skill:merton@30-365>=0'
        --require default is exactly that without the model (every model must pass). Metrics: cov50, cov90, skill,
        pit_p (dependence-adjusted χ² p-value), payout_cov50, payout_cov90.

        Examples:
          hashsec backtest datasets/deals/s21-token.yaml --from 2016-01-01 --to 2025-01-01 --out bt
          hashsec backtest datasets/deals/s21-token.yaml --from 2016-01-01 --to 2025-01-01 --offset-days 45 --out bt-mid
          hashsec backtest deal.yaml --every 30d --horizons 30,90 --models merton --paths 500 --require default --out bt
          hashsec backtest deal.yaml --db synth.sqlite --calibration truth.json --out oracle   # fixed parameters
        """
    )

    @Argument(help: "Deal YAML file (SPEC §6); its payout is scored too.") var deal: String
    @OptionGroup var store: StoreOptions
    @Option(help: "First origin grid date (default: first stored day + the calibration window).", transform: parseDayOption) var from: Day?
    @Option(help: "Last origin grid date (default: last stored day − the shortest horizon).", transform: parseDayOption) var to: Day?
    @Option(help: "Origin grid: month, quarter or <N>d.") var every: String = "quarter"
    @Option(help: "Shift every origin by K days (e.g. 45 for mid-quarter origins).") var offsetDays: Int = 0
    @Option(help: "Horizons in days, comma-separated.") var horizons: String = "30,90,180,365,730"
    @Option(help: "Price models, comma-separated (\(PriceModel.allCases.map(\.rawValue).joined(separator: ", "))).") var models: String = PriceModels.names.joined(separator: ",")
    @Option(help: "Real-world price drift for every model: historical, shrunk, zero, or a log return per year (default \(Drift.default)).")
    var drift: String = Drift.default.description
    @Option(help: "Per-path parameter draws: on or off.") var parameterUncertainty: String = SimulationDefaults.parameterUncertainty ? "on" : "off"
    @Option(help: "Paths per origin and model.") var paths: Int = 2000
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Worker threads (origins run in parallel; default: all cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Price models' calibration window in days.") var window: Int = 1460
    @OptionGroup var fit: FitOptions
    @Option(help: "Fixed calibration JSON: keep its parameters, re-base only the initial state at each origin.") var calibration: String?
    @Flag(help: "Sample daily block counts from a Poisson law.") var poissonBlocks = false
    @Flag(help: "Disable antithetic variates (independent paths).") var noAntithetic = false
    @Option(help: "Checks on the scores; exit 80 when one fails ('default' or e.g. 'cov90@30-365=0.85..0.95,skill>=0').") var require: String?
    @Option(help: "Output directory.") var out: String?

    func run() throws {
        try guarded {
            let ms = try models.split(separator: ",").map { s -> PriceModel in
                let name = s.trimmingCharacters(in: .whitespaces)
                guard let m = PriceModel(rawValue: name) else {
                    throw ValidationError("--models: unknown model \"\(name)\" (\(PriceModel.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return m
            }
            guard !ms.isEmpty, Set(ms).count == ms.count else { throw ValidationError("--models must list distinct models") }
            guard paths >= 2, threads >= 1 else { throw ValidationError("--paths must be ≥ 2 and --threads ≥ 1") }
            guard window >= 30 else { throw ValidationError("--window must be ≥ 30 days") }
            let (d, pu) = try SimulationOptions.assumptions(drift: drift, parameterUncertainty: parameterUncertainty)
            let settings = BacktestJob.Settings(horizons: try parseHorizons(horizons), models: ms, paths: paths, seed: seed, threads: threads,
                                                windowDays: window, poissonBlocks: poissonBlocks, drift: d, parameterUncertainty: pu,
                                                fit: fit.options(priceWindowDays: window), antithetic: !noAntithetic)
            let opts = BacktestJob.Options(dealPath: deal, dbPath: store.db, catalogPath: fit.catalog, from: from, to: to, every: try OriginGrid.Every(parsing: every),
                                           offsetDays: offsetDays, settings: settings, calibrationPath: calibration, out: out,
                                           requirements: try require.map(Requirement.parse) ?? [])
            let bar = TerminalProgress(stages: 1)
            let t0 = Date()
            let r = try BacktestJob.run(opts) { done, total in
                let el = Date().timeIntervalSince(t0)
                let eta = el / Double(done) * Double(total - done)
                bar.line(String(format: "backtest: %d/%d origins, %.0f s, ETA %.0f s", done, total, el, eta))
            }
            bar.clear()
            print(r.text)
            if let o = out { print("wrote \(o) (backtest.csv, scores.csv, index.html, manifest.json) in \(String(format: "%.1f", r.seconds)) s") }
            if !r.failures.isEmpty { throw BacktestError.requirementsFailed(r.failures) }
        }
    }
}
