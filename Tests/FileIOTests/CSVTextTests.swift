import FileIO
import XCTest

/// The one CSV writer's spreadsheet-safety rule: a cell that is one number (or one percentage) is a value and stays as it
/// is; anything else starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`.
final class CSVTextTests: XCTestCase {
    func testNumbersAndPercentagesAreNotNeutralised() {
        for s in ["-12", "+0.5", "-1e-05", "-0.25", "1.5E+3", "-10%", "+5%", "12", "0"] {
            XCTAssertEqual(CSVText.field(s), s, s)
        }
    }

    func testFormulasAndSignedTextAreNeutralised() {
        for s in ["=HYPERLINK(1)", "@SUM(2)", "-1+2", "-2+3+cmd|' /C calc'!A0", "+A1", "-", "-%", "-10%%", "-inf", "-nan", "+0x10", "\tx"] {
            let f = CSVText.field(s)
            XCTAssertTrue(f.hasPrefix("'") || f.hasPrefix("\"'"), "\(s) → \(f)")
        }
        XCTAssertEqual(CSVText.field("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0")
        XCTAssertEqual(CSVText.field("=a,b"), "\"'=a,b\"")
    }

    func testRowsAndHeader() {
        var t = CSVText(header: ["bump", "value"])
        t.append(texts: ["±10%", "-0.5"])
        t.append([.text("-10%"), .number(.nan)])
        t.append([.text("say \"hi\""), .number(-1e-5)])
        XCTAssertEqual(t.text, "bump,value\n±10%,-0.5\n-10%,\n\"say \"\"hi\"\"\",-1e-05\n")
    }
}
