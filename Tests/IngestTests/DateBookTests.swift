@testable import Ingest
import Domain
import XCTest

/// `DateBook` keeps no hash table while dates increase: checked against an independent re-implementation (a dictionary
/// from the first row) on random date sequences with duplicates and disorder.
final class DateBookTests: XCTestCase {
    /// The reference: every row looked up in a date → first line table.
    private func reference(_ days: [Int]) -> (kept: [Int], lines: [Int], problems: [String]) {
        var first: [Int: Int] = [:], kept: [Int] = [], lines: [Int] = [], problems: [String] = []
        for (k, d) in days.enumerated() {
            let line = k + 2
            if let f = first[d] { problems.append("\(line): duplicate date \(Day(ordinal: d).iso) (first at line \(f))"); continue }
            first[d] = line; kept.append(d); lines.append(line)
        }
        return (kept, lines, problems)
    }

    private func book(_ days: [Int]) -> (kept: [Int], lines: [Int], problems: [String]) {
        var b = DateBook()
        var problems = ProblemList()
        for (k, d) in days.enumerated() { b.add(DailyObservation(date: Day(ordinal: d)), line: k + 2, column: "date", problems: &problems) }
        let r = b.result(rows: days.count, columns: ParsedFile.Columns(date: "date", names: [:]))
        let ref = reference(days)
        // `result` sorts by date; compare with the reference sorted the same way (stable by first line).
        let order = ref.kept.indices.sorted { (ref.kept[$0], ref.lines[$0]) < (ref.kept[$1], ref.lines[$1]) }
        XCTAssertEqual(r.obs.map(\.date.ordinal), order.map { ref.kept[$0] })
        XCTAssertEqual(r.lines, order.map { ref.lines[$0] })
        return (r.obs.map(\.date.ordinal), r.lines, problems.all.map { "\($0.line): \($0.reason)" })
    }

    func testMatchesDictionaryReference() {
        var rng = SystemRandomNumberGenerator()
        for trial in 0..<300 {
            let n = Int.random(in: 0...60, using: &rng)
            var d = 738_000
            var days: [Int] = []
            for _ in 0..<n {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: days.append(d)                                          // repeat the last date
                case 1: days.append(d - Int.random(in: 1...5, using: &rng))     // back in time (maybe a duplicate)
                default: d += Int.random(in: 1...3, using: &rng); days.append(d)
                }
            }
            if trial % 3 == 0 { days.sort() }                                   // in order, with adjacent duplicates
            XCTAssertEqual(book(days).problems, reference(days).problems, "\(days)")
        }
    }

    func testInOrderDuplicateAndLaterDisorder() {
        // 1, 2, 2 (in order: duplicate at line 4), then 1 (out of order: duplicate of line 2), 3 fine, 3 again.
        let p = book([10, 11, 11, 10, 12, 12]).problems
        XCTAssertEqual(p, ["4: duplicate date \(Day(ordinal: 11).iso) (first at line 3)", "5: duplicate date \(Day(ordinal: 10).iso) (first at line 2)",
                           "7: duplicate date \(Day(ordinal: 12).iso) (first at line 6)"])
    }
}
