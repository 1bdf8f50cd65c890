import FileIO
import Foundation
import Yams

extension YAMLNode {
    /// Largest configuration file read (bytes): a deal, scenario set or nightly file is a few kB.
    public static let maxFileBytes = 4 << 20

    /// Reads a YAML file's text: a missing or unreadable file is `ConfigError` of kind `.missing` (exit 66); a file
    /// that is not UTF-8 is refused at its first invalid byte (`not UTF-8 at byte N (line L)`, exit 78), as is a
    /// file over `maxFileBytes`. `file` is the name used in messages (default: the path). `files` reads the bytes
    /// (the file system by default; a counting reader in tests).
    public static func readText(path: String, file: String? = nil, files: InputFiles = DiskFiles.shared) throws -> String {
        let name = file ?? path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ConfigError(file: name, line: 0, key: "", reason: "no such file: \(path)", kind: .missing)
        }
        guard !isDir.boolValue else { throw ConfigError(file: name, line: 0, key: "", reason: "\(path) is a directory, not a YAML file", kind: .missing) }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maxFileBytes {
            throw ConfigError(file: name, line: 0, key: "", reason: "the file is \(size) bytes; a configuration file may have at most \(maxFileBytes)")
        }
        guard let data = files.contents(atPath: path) else {
            throw ConfigError(file: name, line: 0, key: "", reason: "cannot read \(path) (permission denied?)", kind: .missing)
        }
        if data.count > maxFileBytes {
            throw ConfigError(file: name, line: 0, key: "", reason: "the file is over \(maxFileBytes) bytes; a configuration file may have at most that")
        }
        let bytes = [UInt8](data)
        if let bad = firstInvalidUTF8(bytes) {
            let line = 1 + bytes[..<bad].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw ConfigError(file: name, line: line, key: "", reason: "not UTF-8 at byte \(bad) (0x\(String(bytes[bad], radix: 16))): save the file as UTF-8")
        }
        if let nul = bytes.firstIndex(of: 0) {
            let line = 1 + bytes[..<nul].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw ConfigError(file: name, line: line, key: "", reason: "NUL byte at byte \(nul) (binary data?)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads and parses a YAML file (`readText` + `load(text:file:)`).
    public static func loadFile(path: String, file: String? = nil) throws -> YAMLNode {
        try load(text: readText(path: path, file: file), file: file ?? path)
    }

    /// Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlongs, surrogates or values
    /// above U+10FFFF), nil when all are.
    static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let len: Int, lo: UInt8, hi: UInt8
            switch c {
            case 0xC2...0xDF: len = 2; lo = 0x80; hi = 0xBF
            case 0xE0: len = 3; lo = 0xA0; hi = 0xBF
            case 0xE1...0xEC, 0xEE...0xEF: len = 3; lo = 0x80; hi = 0xBF
            case 0xED: len = 3; lo = 0x80; hi = 0x9F
            case 0xF0: len = 4; lo = 0x90; hi = 0xBF
            case 0xF1...0xF3: len = 4; lo = 0x80; hi = 0xBF
            case 0xF4: len = 4; lo = 0x80; hi = 0x8F
            default: return i
            }
            guard i + len <= n else { return i }
            guard b[i + 1] >= lo, b[i + 1] <= hi else { return i }
            for k in 2..<len where !(0x80...0xBF).contains(b[i + k]) { return i }
            i += len
        }
        return nil
    }

    /// The line of the second occurrence of a duplicated key, given the first one's mark (1-based line and column):
    /// the next line at the same indentation whose key is `key`, before the mapping ends (a line indented less).
    static func duplicateLine(in text: String, key: String, firstLine: Int, column: Int) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard firstLine >= 1, firstLine <= lines.count else { return nil }
        let candidates = [key + ":", "\"\(key)\":", "'\(key)':"]
        for k in firstLine..<lines.count {
            let l = lines[k]
            let indent = l.prefix { $0 == " " }.count
            let rest = l.dropFirst(indent)
            if rest.isEmpty || rest.hasPrefix("#") { continue }
            let col = indent + 1, dashCol = rest.hasPrefix("- ") ? indent + 3 : col
            if col < column && dashCol != column { return nil }
            let body = dashCol == column && rest.hasPrefix("- ") ? rest.dropFirst(2) : rest
            if (col == column || dashCol == column), candidates.contains(where: { body.hasPrefix($0) }) { return k + 1 }
        }
        return nil
    }
}
