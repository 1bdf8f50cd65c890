import Domain
import Foundation
import Ingest
import Store
import TestSupport
import XCTest

/// Issue 12 item 3: a damaged SQLite file is noticed when the store is opened for writing (`PRAGMA quick_check`).
final class StoreIntegrityTests: XCTestCase {
    /// 512 bytes of a fixed pseudo-random sequence (reproducible "random" damage).
    static func noise(_ n: Int = 512, seed: UInt64 = 0x5EED) -> [UInt8] {
        var s = seed
        return (0..<n).map { _ in s = s &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: s >> 33) }
    }

    static func damage(_ path: String, at offset: UInt64 = 8192) throws {
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try h.seek(toOffset: offset)
        try h.write(contentsOf: Data(noise()))
        try h.close()
    }

    func testRandomBytesAtOffset8192OfARealStoreAreRefusedForWriting() throws {
        let dir = try TestSupport.temporaryDirectory("damaged")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("h.sqlite").path
        let input: String
        if let real = TestSupport.sharedDataset("btc_daily_network_market.csv") { input = real.path } else {
            // Without the real file: a synthetic history of the same size class (5,000 days).
            input = try H.write(dir, "synthetic.csv", ([H.tidyHeader] + (0..<800).map { H.tidyRow((Day(iso: "2022-01-01")! + $0).iso) })
                .joined(separator: "\n") + "\n")
        }
        do {
            let s = try HistoryStore(path: path, verify: true)
            XCTAssertNotNil(try H.ingest(input, into: s))
            XCTAssertNoThrow(try s.quickCheck())
        }
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int ?? 0
        XCTAssertEqual(walSize, 0, "closed: everything is in the main file")
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        XCTAssertGreaterThan(size, 8192 + 512)
        try Self.damage(path)
        XCTAssertThrowsError(try HistoryStore(path: path, verify: true)) { e in
            guard case let .damaged(p, detail)? = e as? StoreError else { return XCTFail("\(e)") }
            XCTAssertEqual(p, path)
            XCTAssertFalse(detail.isEmpty)
            let m = "\(e)"
            XCTAssertTrue(m.contains("the store is damaged") && m.contains("restore the file from a copy") && m.contains("mv \(path) \(path).damaged")
                          && m.contains("hashsec ingest FILE... --db \(path)"), m)
        }
        // A read-only open (benchmark, simulate reading the store) refuses it too (the default verifies).
        XCTAssertThrowsError(try HistoryStore(path: path)) { e in
            guard case .damaged? = e as? StoreError else { return XCTFail("\(e)") }
        }
        // Nothing was written: the damaged bytes are still exactly there and the file did not grow.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(bytes.count, size)
        XCTAssertEqual([UInt8](bytes[8192..<8704]), Self.noise())
    }

    func testNotADatabaseIsDamaged() throws {
        let dir = try TestSupport.temporaryDirectory("notadb")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try H.write(dir, "h.sqlite", String(repeating: "this is not sqlite\n", count: 300))
        XCTAssertThrowsError(try HistoryStore(path: path, verify: true)) { e in
            guard case .damaged? = e as? StoreError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try HistoryStore(path: path)) { e in
            guard case .damaged? = e as? StoreError else { return XCTFail("a store opened for reading reports the damage too: \(e)") }
        }
    }
}
