/// The typed contexts the Mustache templates render (`Templates/*.mustache` name these properties); no string-keyed
/// dictionaries. A nil optional, `false` or an empty array omits its section.
struct TableContext {
    struct Header { var name: String }
    struct Cell { var text: String; var num: Bool }
    struct Row { var cells: [Cell]; var flag: Bool }
    var caption: String
    var csv: String
    var header: [Header]
    var rows: [Row]
    /// Rows flagged (the changes table's badge).
    var flagged: Int?
}

struct SVGContext { var svg: String }

struct HistoryContext { var svg: String; var rows: Int; var first: String; var last: String }

struct DealContext {
    var name: String
    var anchor: String
    var truncation: String?
    var terms: TableContext?
    var settings: TableContext?
    var metrics: TableContext?
    var hashpriceFan: String?
    var payoutFan: String?
    var pvHist: String?
    var irrHist: String?
    var trancheSVG: String?
    var leverageSVG: String?
    var tranches: TableContext?
    var leverageSweep: TableContext?
    var leverageReturns: TableContext?
    var baseCase: TableContext?
    var stress: TableContext?
    var sensitivities: TableContext?
    var tornadoSVG: String?
    var curveSVG: String?
    var hedgeSVG: String?
    var curveCase: TableContext?
    var curveMonths: TableContext?
    var hedge: TableContext?
    var hedgeMargin: TableContext?
    var dealYAML: String?
}

struct ManifestContext {
    struct Timing { var stage: String; var seconds: String }
    var version: String, seed: String, rng: String
    var paths: String?
    var command: String?
    var inputs: TableContext?
    var hasTimings: Bool
    var timings: [Timing]
}

struct ReportContext {
    var runID: String
    var createdUTC: String
    var dataWindow: String
    var asOf: String?
    var sections: String
    var overview: TableContext?
    var history: HistoryContext?
    var changes: TableContext?
    var calibration: TableContext?
    var validation: ValidationContext?
    var runStress: TableContext?
    var deals: [DealContext]
    var manifest: ManifestContext?
}

/// The report's model-validation section (the nightly's latest scheduled backtest).
struct ValidationContext {
    struct Failure { var line: String }
    var table: TableContext?
    var charts: [String]
    var asOf: String
    var link: String
    var ran: Bool
    var grid: String
    var failed: [Failure]
    var failedCount: Int?
    var error: String?
}

struct RunsIndexContext {
    struct Run { var runID: String, started: String, finished: String, status: String; var report: String? }
    var latest: String?
    var runs: [Run]
}

struct BacktestContext {
    struct Requirements { var checks: String; var failed: [Failure]; var passed: Bool }
    struct Failure { var line: String }
    var deal: String
    var createdUTC: String
    var summary: String
    var requirements: Requirements?
    var scores: TableContext
    var coverage: [String]
    var pit: [SVGContext]
    var fans: [SVGContext]
}
