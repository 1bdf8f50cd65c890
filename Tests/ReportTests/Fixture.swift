import Foundation
import Charts
import FileIO
import Results

/// Writes a synthetic run folder (no real data): deterministic closed-form series only.
enum Fixture {
    static func write(_ s: String, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try s.write(to: url, atomically: true, encoding: .utf8)
    }

    static func date(_ n: Int) -> String { ChartDate.format(n) }

    /// Quantile rows `day,date,p05..p95` with a log-normal-looking fan around `centre(d)`.
    static func fan(start: Int, days: Int, centre: (Int) -> Double) -> String {
        var s = "day,date,p05,p25,p50,p75,p95\n"
        for d in 1...days {
            let c = centre(d), w = 0.02 * Double(d).squareRoot()
            s += "\(d),\(date(start + d)),\((c * (1 - 1.6 * w)).description),\((c * (1 - 0.7 * w)).description),\(c.description),\((c * (1 + 0.7 * w)).description),\((c * (1 + 1.6 * w)).description)\n"
        }
        return s
    }

    static func histogram(lo: Double, hi: Double, bins: Int) -> String {
        var s = "bin_low,bin_high,count\n"
        let w = (hi - lo) / Double(bins)
        for i in 0..<bins {
            let x = Double(i) - Double(bins) / 2
            s += "\((lo + Double(i) * w).description),\((lo + Double(i + 1) * w).description),\(Int(1000 * (-(x * x) / 60).exp()))\n"
        }
        return s
    }

    /// A complete `summary.json` (every field `RunSummary` reads), with closed-form numbers.
    static let summary = """
    {"antithetic":true,"as_of":"2025-06-30","btc_total_mean":0.0123,"btc_total_quantiles":{"p01":0.002,"p05":0.004,"p25":0.009,"p50":0.012,"p75":0.015,"p95":0.021,"p99":0.026},"days_curtailed_mean":0,"deal":"alpha","halving":{"prob_within_horizon":0},"horizon_days":1095,"irr_paths_missing":0,"irr_quantiles":{"p01":-0.5,"p05":-0.3,"p25":-0.05,"p50":0.08,"p75":0.2,"p95":0.4,"p99":0.6},"measure":"risk_neutral","model":"full","paths":2000,"payback_day_quantiles":{"p01":300,"p05":400,"p25":600,"p50":700,"p75":800,"p95":1000,"p99":1090},"prob_loss":0.37,"prob_payback":0.63,"prob_pv_below_price":0.4,"prob_terminated":0,"pv_usd_mean":1234.5,"pv_usd_quantiles":{"p01":200,"p05":400,"p25":900,"p50":1200,"p75":1500,"p95":2100,"p99":2600},"pv_usd_stderr":12.25,"seed":42,"start_date":"2025-07-01","term_days":1095,"truncated":false,"usd_total_mean":1500}
    """

    /// A nightly `summary.json` (every field `NightlySummary` reads).
    static let nightlySummary = """
    {"as_of":"2025-06-30","calibration_window":"2015-01-01 – 2025-06-30","data_window":"2015-01-01 – 2025-06-30","deals":{"alpha":{"pv_usd_mean":1234.5,"prob_loss":0.37},"beta":{"pv_usd_mean":1234.5,"prob_loss":0.37}},"metrics":{"sigma":0.6}}
    """

    /// A nightly-style run folder with two deals: `alpha` has every file, `beta` only a summary and a hashprice fan.
    static func nightlyRun(at dir: URL) throws {
        let start = ChartDate.dayNumber(year: 2015, month: 1, day: 1), end = ChartDate.dayNumber(year: 2025, month: 6, day: 30)
        var b = "date,hashprice_usd_ph_day,hashprice_usd_ph_day_144\n"
        for d in start...end {
            let t = Double(d - start)
            let halvings = SVGChart.halvings.filter { $0.day <= d }.count
            let v = 2.0e6 * (-t / 1500).exp() / Double(1 << max(0, halvings - 1)) * (1 + 0.2 * (t / 90).sin())
            b += "\(date(d)),\(v.description),\((v * 1.01).description)\n"
        }
        try write(b, dir.appendingPathComponent("benchmark.csv"))
        try write("model,parameter,value,stderr\nfull,mu,0.05,0.01\nfull,sigma,0.6,0.02\nfull,kappa,1.5,\n", dir.appendingPathComponent("calibration.csv"))
        try write("metric,deal,previous,current,change,flag\npv_usd_mean,alpha,1000,1234.5,0.2345,true\nprob_loss,alpha,0.36,0.37,0.0277,\n", dir.appendingPathComponent("changes.csv"))
        try write("""
        {"command":"hashsec nightly datasets/nightly.yaml","created_utc":"2026-11-25T02:00:00Z","inputs":[{"path":"history.csv","sha256":"\(String(repeating: "ab", count: 32))"}],"paths":2000,"rng":"philox4x32-10","run_id":"20261125T020000Z-abcdef","seed":42,"timings_s":{"ingest":0.5,"simulate":3.25},"version":"0.1.0"}
        """, dir.appendingPathComponent("manifest.json"))
        try write(nightlySummary, dir.appendingPathComponent("summary.json"))
        let a = dir.appendingPathComponent("deals/alpha")
        try writeDeal(a, full: true)
        let bDir = dir.appendingPathComponent("deals/beta")
        try write(summary.replacingOccurrences(of: "\"alpha\"", with: "\"beta\""), bDir.appendingPathComponent("summary.json"))
        try write(fan(start: end, days: 365) { 50 + Double($0) * 0.01 }, bDir.appendingPathComponent("hashprice_quantiles.csv"))
    }

    /// The deal's terms (`deal.json`): a three-tranche waterfall on 1,000 tokens of 100 TH/s.
    static let dealTerms = DealTerms(
        name: "alpha", priceUSD: 1250, tokens: 1000, hashrateTHPerToken: 100, termDays: 1095, start: "as_of", minerModel: "Antminer S21",
        minerProfile: nil, efficiencyJTH: 17.5, degradationPerYear: 0.03, powerUSDPerKWh: 0.065, uptime: 0.97, poolFee: 0.02, managementFee: 0.1,
        hostingUSDPerTHDay: 0, curtailment: "economic", deficit: "floor_zero", terminateAfterDeficitDays: nil, discountRate: 0.12,
        structure: .init(poolTokens: nil, periodDays: 30,
                         tranches: [.init(name: "senior", balanceUSD: 700_000, annualRate: 0.08, interestCurrency: "usd", amortization: "level", equity: false),
                                    .init(name: "mezz", balanceUSD: 200_000, annualRate: 0.12, interestCurrency: "btc", amortization: "bullet", equity: false),
                                    .init(name: "equity", balanceUSD: 100_000, annualRate: 0, interestCurrency: "usd", amortization: "level", equity: true)],
                         servicerShare: 0.01, fixedFeeUSDPerPeriod: 250, reserveInitialUSD: 5000, dscrTrigger: 1.2, triggerAction: "cash_trap"),
        leverage: nil)

    static func writeDeal(_ a: URL, full: Bool) throws {
        let end = ChartDate.dayNumber(year: 2025, month: 6, day: 30)
        try write(summary, a.appendingPathComponent("summary.json"))
        try write(try JSONText.encode(dealTerms), a.appendingPathComponent("deal.json"))
        try write(fan(start: end, days: 1095) { 55 * (-Double($0) / 2000).exp() }, a.appendingPathComponent("hashprice_quantiles.csv"))
        try write(fan(start: end, days: 1095) { 2 * (-Double($0) / 2000).exp() }, a.appendingPathComponent("payout_quantiles.csv"))
        try write(histogram(lo: 0, hi: 3000, bins: 40), a.appendingPathComponent("pv_histogram.csv"))
        try write(histogram(lo: -0.6, hi: 0.6, bins: 40), a.appendingPathComponent("irr_histogram.csv"))
        guard full else { return }
        try write("tranche,balance_usd,prob_shortfall,expected_loss,loss_given_shortfall,wal_years,irr_p05,irr_p25,irr_p50,irr_p75,irr_p95\nsenior,700,0.02,0.004,0.2,1.5,0.05,0.06,0.06,0.06,0.06\nmezz,200,0.15,0.06,0.4,2.1,-0.2,0.05,0.09,0.1,0.1\nequity,100,0.5,0.3,0.6,2.8,-1,-0.3,0.1,0.4,0.9\n", a.appendingPathComponent("tranches.csv"))
        var lv = "loops,leverage,prob_liquidation,prob_bad_debt,return_mean,return_p05,var95,cvar95,var99,cvar99\n"
        for i in 0...8 { let l = 1 + Double(i) * 0.25; lv += "\(i),\(l.description),\((1 - (-(l - 1) * 1.2).exp()).description),\((0.1 * (1 - (-(l - 1)).exp())).description),0.1,-0.2,0.2,0.3,0.4,0.5\n" }
        try write(lv, a.appendingPathComponent("leverage_sweep.csv"))
        try write("scenario,kind,description,pv_usd_mean,pv_usd_p05,pv_usd_p50,pv_usd_p95,btc_total_mean,irr_p50,prob_loss,prob_payback,days_curtailed_mean,prob_terminated\nbase,base,\"no overlay, base case\",1234.5,400,1200,2100,0.0123,0.08,0.37,0.63,0,0\nprice_crash,shock,price -50%,600,100,550,1200,0.0123,-0.2,0.7,0.3,12,0.01\n", a.appendingPathComponent("stress.csv"))
        try write("name: alpha\nhashrate_ph: 1\n", a.appendingPathComponent("deal.yaml"))
    }
}

extension Double {
    func exp() -> Double { Foundation.exp(self) }
    func sin() -> Double { Foundation.sin(self) }
}
