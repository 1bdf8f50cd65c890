import XCTest
import Foundation
import Domain

final class MinerProfileTests: XCTestCase {
    func testDerivedFieldsAndSnakeCaseRoundTrip() throws {
        let p = MinerProfile(name: "x", cpuModel: "cpu", kernel: "sha-ni", threads: 2, hashesPerSecond: 4e7, watts: 80,
                             measuredUTC: "2026-01-01T00:00:00Z")
        XCTAssertEqual(p.hashrateTHs, 4e-5)
        XCTAssertEqual(p.efficiencyJTH!, 80 / 4e-5, accuracy: 1e-6)
        let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys]
        let json = String(decoding: try enc.encode(p), as: UTF8.self)
        for key in ["cpu_model", "hashes_per_second", "efficiency_j_th", "hashrate_ths", "measured_utc"] { XCTAssertTrue(json.contains("\"\(key)\""), key) }
        XCTAssertEqual(try JSONDecoder().decode(MinerProfile.self, from: Data(json.utf8)), p)
        XCTAssertNil(MinerProfile(name: "x", cpuModel: "c", kernel: "portable", threads: 1, hashesPerSecond: 1, watts: nil, measuredUTC: "t").efficiencyJTH)
    }
}
