import Foundation
import TestSupport

/// Rows of a shared header CSV (`height,header_hex,hash_hex[,...]`), read in place (never copied).
struct HeaderRow { let height: Int; let header: [UInt8]; let hashHex: String }

func loadHeaderRows(_ name: String) throws -> [HeaderRow]? {
    guard let url = TestSupport.sharedDataset(name) else { return nil }
    let text = try String(contentsOf: url, encoding: .utf8)
    var rows: [HeaderRow] = []
    for line in text.split(separator: "\n").dropFirst() {
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
        rows.append(HeaderRow(height: Int(f[0])!, header: hexBytes(f[1]), hashHex: f[2]))
    }
    return rows
}

/// Independent hex decoder for the tests.
func hexBytes(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var it = s.makeIterator()
    while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
    return out
}

func hexString(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

/// Well-known public headers (not from the licensed datasets).
enum KnownHeaders {
    static let genesis = "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c"
    static let genesisHash = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
    static let block1 = "010000006fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e61bc6649ffff001d01e36299"
    static let block1Hash = "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048"
}
