import XCTest
import Foundation
@testable import Bitcoin

final class HashSelfCheckTests: XCTestCase {
    func testFastKernelDetectedWhereCPUAdvertisesSHA() throws {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { throw XCTSkip("no /proc/cpuinfo") }
        #if arch(x86_64)
        let flags = info.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        let advertised = flags.split(separator: " ").contains("sha_ni")
        XCTAssertEqual(HashKernel.fastAvailable, advertised && flags.contains("sse4_1") && flags.contains("ssse3"))
        #endif
    }

    func testEmbeddedHeadersPassAndACorruptedHashFails() throws {
        let kernels: [HashKernel] = HashKernel.fastAvailable ? [.portable, .shaNI] : [.portable]
        for k in kernels {
            XCTAssertEqual(try HashSelfCheck.verify(kernel: k, headers: HashSelfCheck.embeddedRows), 2)
            var rows = HashSelfCheck.embeddedRows
            rows[1].hash = String(rows[1].hash.dropLast()) + "9"
            XCTAssertThrowsError(try HashSelfCheck.verify(kernel: k, headers: rows)) {
                guard case .hashMismatch(_, 1, _, _) = $0 as! HashSelfCheckError else { return XCTFail("\($0)") }
                XCTAssertTrue("\($0)".contains("refusing to report a rate"))
            }
        }
    }

    func testCalibrationLoopKernelsAgree() throws {
        guard HashKernel.fastAvailable else { throw XCTSkip("this CPU has no SHA-NI: only the portable kernel exists here") }
        // both kernels compute the same independent compressions, so their checksums agree
        XCTAssertEqual(SHA256.calibrationLoop(count: 1000, kernel: .portable), SHA256.calibrationLoop(count: 1000, kernel: .shaNI))
    }
}
