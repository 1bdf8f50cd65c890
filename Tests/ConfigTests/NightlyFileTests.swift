import Config
import Models
import TestSupport
import XCTest

/// The nightly file's price assumptions: defaults, valid values, and a line-numbered error for a bad one.
final class NightlyFileTests: XCTestCase {
    let base = "inputs:\n  - data.csv\n"

    func testPriceAssumptions() throws {
        let d = try NightlyFile.parse(base, file: "/tmp/n.yaml")
        XCTAssertEqual(d.model, SimulationDefaults.model)
        XCTAssertEqual(d.drift, Drift.default.description)
        XCTAssertEqual(d.parameterUncertainty, SimulationDefaults.parameterUncertainty)
        let n = try NightlyFile.parse(base + "model: regime\ndrift: 0.15\nparameter_uncertainty: off\n", file: "/tmp/n.yaml")
        XCTAssertEqual(n.model, "regime"); XCTAssertEqual(Drift(n.drift), .perYear(0.15)); XCTAssertFalse(n.parameterUncertainty)
        XCTAssertThrowsError(try NightlyFile.parse(base + "drift: bullish\n", file: "/tmp/n.yaml")) { e in
            XCTAssertTrue("\(e)".contains("n.yaml:3"), "\(e)"); XCTAssertTrue("\(e)".contains("bullish"), "\(e)")
        }
        XCTAssertThrowsError(try NightlyFile.parse(base + "model: heston\n", file: "/tmp/n.yaml"))
        XCTAssertThrowsError(try NightlyFile.parse(base + "parameter_uncertainty: maybe\n", file: "/tmp/n.yaml"))
    }

    /// The example configs state the assumptions explicitly.
    func testExampleConfigsStateTheAssumptions() throws {
        for name in ["nightly.yaml", "nightly-real.yaml"] {
            let n = try NightlyFile.load(path: TestSupport.repositoryRoot.appendingPathComponent("datasets/\(name)").path)
            XCTAssertEqual(n.drift, "historical", name); XCTAssertTrue(n.parameterUncertainty, name); XCTAssertEqual(n.model, "merton", name)
        }
    }
}
