import Foundation
@testable import Nightly
import Pipeline
import TestSupport
import XCTest

/// Issue 12 item 1: the nightly lock is opened without following links and never truncates anything.
final class NightlyLockTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try TestSupport.temporaryDirectory("lock") }
    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    var lockPath: String { dir.appendingPathComponent(".nightly.lock").path }

    func assertRefused(_ what: String, contains: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try NightlyLock(path: lockPath, owner: "test"), what, file: file, line: line) { e in
            guard case let .unsafeLock(path, reason)? = e as? PipelineError else { return XCTFail("\(what): \(e)", file: file, line: line) }
            XCTAssertEqual(path, lockPath, file: file, line: line)
            XCTAssertTrue(reason.contains(contains), "\(what): \(reason)", file: file, line: line)
            XCTAssertTrue("\(e)".contains("nothing was done"), file: file, line: line)
        }
    }

    func testSymlinkToAFileIsRefusedAndTheTargetSurvives() throws {
        let victim = dir.appendingPathComponent("precious.txt")
        let content = Data("do not truncate me\n".utf8)
        try content.write(to: victim)
        try FileManager.default.createSymbolicLink(atPath: lockPath, withDestinationPath: victim.path)
        assertRefused("symlink", contains: "symbolic link")
        XCTAssertEqual(try Data(contentsOf: victim), content)
        // A dangling link is refused too, and its target is not created.
        try FileManager.default.removeItem(atPath: lockPath)
        let absent = dir.appendingPathComponent("absent").path
        try FileManager.default.createSymbolicLink(atPath: lockPath, withDestinationPath: absent)
        assertRefused("dangling symlink", contains: "symbolic link")
        XCTAssertFalse(FileManager.default.fileExists(atPath: absent))
    }

    func testFIFODirectoryAndHardLinkAreRefused() throws {
        XCTAssertEqual(mkfifo(lockPath, 0o644), 0)
        let t0 = Date()
        assertRefused("fifo", contains: "FIFO")
        XCTAssertLessThan(Date().timeIntervalSince(t0), 5, "opening a FIFO must not block")
        try FileManager.default.removeItem(atPath: lockPath)
        try FileManager.default.createDirectory(atPath: lockPath, withIntermediateDirectories: false)
        assertRefused("directory", contains: "directory")
        try FileManager.default.removeItem(atPath: lockPath)
        let victim = dir.appendingPathComponent("other.txt")
        let content = Data(String(repeating: "x", count: 300).utf8)
        try content.write(to: victim)
        XCTAssertEqual(link(victim.path, lockPath), 0)
        assertRefused("hard link", contains: "hard links")
        XCTAssertEqual(try Data(contentsOf: victim), content)
    }

    func testRegularLockIsNeverTruncated() throws {
        let old = Data((String(repeating: "y", count: 299) + "\n").utf8)
        try old.write(to: URL(fileURLWithPath: lockPath))
        let lock = try NightlyLock(path: lockPath, owner: "run-1")
        let held = try Data(contentsOf: URL(fileURLWithPath: lockPath))
        XCTAssertEqual(held.count, 300, "never truncated")
        XCTAssertTrue(String(decoding: held.prefix(NightlyLock.recordBytes), as: UTF8.self).hasPrefix("pid \(getpid()) run run-1 "))
        XCTAssertEqual(held.suffix(from: NightlyLock.recordBytes), old.suffix(from: NightlyLock.recordBytes))
        lock.release()
        let released = try Data(contentsOf: URL(fileURLWithPath: lockPath))
        XCTAssertEqual(released.count, 300)
        XCTAssertEqual(String(decoding: released.prefix(NightlyLock.recordBytes - 1), as: UTF8.self), String(repeating: " ", count: NightlyLock.recordBytes - 1))
        // A fresh lock file is created with exactly one record.
        try FileManager.default.removeItem(atPath: lockPath)
        let fresh = try NightlyLock(path: lockPath, owner: "run-2")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: lockPath)).count, NightlyLock.recordBytes)
        fresh.release()
    }
}
