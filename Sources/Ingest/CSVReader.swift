#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Bitcoin
import Diagnostics

/// One CSV record: its fields and the physical line where it starts (1-based).
public struct CSVRecord: Equatable, Sendable {
    public var line: Int
    public var fields: [String]
}

/// One record as raw bytes: every field is stored followed by a 0 terminator (so C number parsers can read it
/// in place), `starts[i]` is where field `i` begins. Reused between records to avoid allocations.
public struct RawRecord {
    public var line = 0
    public var bytes: [UInt8] = []
    public var starts: [Int] = []
    public init() { bytes.reserveCapacity(256); starts.reserveCapacity(32) }
    public var count: Int { starts.count }
    /// Byte range of field `i` (without its terminator).
    @inline(__always) public func range(_ i: Int) -> Range<Int> {
        starts[i]..<(i + 1 < starts.count ? starts[i + 1] - 1 : bytes.count - 1)
    }
    /// Field `i` as a String (the reader has validated UTF-8).
    public func string(_ i: Int) -> String { String(decoding: bytes[range(i)], as: UTF8.self) }
    public var fields: [String] { (0..<count).map(string) }
}

/// A structural CSV error (fatal: reading stops). `field` is the 0-based field index within the record.
public struct CSVError: Error, Equatable, Sendable {
    public var line: Int
    public var field: Int
    public var reason: String
}

/// Streaming RFC 4180 reader over a file descriptor, in fixed-size chunks (constant memory in the file size).
///
/// Handles quoted fields (commas, doubled quotes, embedded newlines), a UTF-8 BOM, CRLF and LF line ends and a
/// last line without newline (reported by `lastRecordEndedAtEOF`, so a caller can refuse a file cut inside a record).
/// Guards: a record longer than `maxRecordBytes` is refused as soon as that many
/// bytes are seen (a 10 MB single line is never buffered), NUL/control bytes and invalid UTF-8 are refused,
/// an unterminated quote at end of file is refused. Completely empty lines are skipped.
/// Every byte read is also fed to a streaming SHA-256, so the file's content hash costs no second pass.
public final class CSVReader {
    public let path: String
    public let maxRecordBytes: Int
    private let fd: Int32
    private var buffer: [UInt8]
    private var count = 0
    private var pos = 0
    private var eof = false
    private var atStart = true
    private var line = 1
    private var hasher = Bitcoin.SHA256()
    private var raw = RawRecord()
    /// True when the record last returned was ended by the end of the file rather than by a line break.
    public private(set) var lastRecordEndedAtEOF = false
    /// True when that record's last field was quoted and its closing quote was read (so it is complete).
    public private(set) var lastFieldClosedByQuote = false

    /// - Throws: `IngestError.fileMissing` when the file cannot be opened.
    public init(path: String, chunkSize: Int = 1 << 20, maxRecordBytes: Int = 1 << 20) throws {
        self.path = path
        self.maxRecordBytes = maxRecordBytes
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw IngestError.fileMissing(path: path, reason: "no such file (\(String(cString: strerror(errno))))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw IngestError.fileMissing(path: path, reason: "not a regular file") }
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IngestError.fileMissing(path: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
        buffer = [UInt8](repeating: 0, count: max(4, chunkSize))
    }

    deinit { close(fd) }

    /// Hex SHA-256 of the whole file; valid once `next()` has returned nil (reads any unread rest first).
    public func sha256Hex() -> String {
        while !eof { refill() }
        return Bitcoin.SHA256.hex(hasher.finalize())
    }

    private func refill() {
        guard !eof else { return }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { eof = true; count = 0; pos = 0; return }
        count = n; pos = 0
        hasher.update(n == buffer.count ? buffer : Array(buffer[0..<n]))
    }

    private enum State { case fieldStart, unquoted, quoted, quoteSeen, afterCR }

    /// The next record as Strings, or nil at end of file.
    public func next() throws -> CSVRecord? {
        guard try nextRaw(into: &raw) else { return nil }
        return CSVRecord(line: raw.line, fields: raw.fields)
    }

    /// Reads the next record into `rec`; false at end of file.
    public func nextRaw(into rec: inout RawRecord) throws -> Bool {
        rec.bytes.removeAll(keepingCapacity: true)
        rec.starts.removeAll(keepingCapacity: true)
        rec.starts.append(0)
        rec.line = line
        lastRecordEndedAtEOF = false
        lastFieldClosedByQuote = false
        var state = State.fieldStart
        var recordBytes = 0
        var highBit = false
        let maxBytes = maxRecordBytes

        func finish() throws -> Bool {
            rec.bytes.append(0)
            if highBit, String(validating: rec.bytes, as: UTF8.self) == nil {
                throw CSVError(line: rec.line, field: 0, reason: "invalid UTF-8 (binary data?)")
            }
            return true
        }

        while true {
            if pos >= count {
                refill()
                if eof {
                    switch state {
                    case .quoted:
                        throw CSVError(line: rec.line, field: rec.count - 1, reason: "unterminated quoted field (file ends inside quotes)")
                    case .fieldStart where rec.count == 1:
                        return false
                    default:
                        lastRecordEndedAtEOF = state != .afterCR  // "…\r" at the end: the line break was cut, not the record
                        lastFieldClosedByQuote = state == .quoteSeen
                        return try finish()
                    }
                }
                if atStart {
                    atStart = false
                    if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { pos = 3 }
                }
                continue
            }
            // Process bytes of this chunk until the record ends or the chunk is used up.
            let ended: Bool = try buffer.withUnsafeBufferPointer { p -> Bool in
                while pos < count {
                    if state == .fieldStart || state == .unquoted {
                        // Fast path: copy a run of ordinary bytes at once.
                        var j = pos
                        while j < count {
                            let c = p[j]
                            if c == 0x2C || c < 0x20 || c == 0x22 || c >= 0x80 { break }
                            j += 1
                        }
                        if j > pos {
                            rec.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[pos..<j]))
                            recordBytes += j - pos
                            pos = j
                            state = .unquoted
                            if recordBytes > maxBytes {
                                throw CSVError(line: rec.line, field: rec.count - 1, reason: "line exceeds \(maxBytes) bytes")
                            }
                            if pos >= count { return false }
                        }
                    }
                    let c = p[pos]
                    pos += 1
                    recordBytes += 1
                    if recordBytes > maxBytes {
                        throw CSVError(line: rec.line, field: rec.count - 1, reason: "line exceeds \(maxBytes) bytes")
                    }
                    if c < 0x20, c != 0x0A, c != 0x0D, c != 0x09 {
                        throw CSVError(line: line, field: rec.count - 1,
                                       reason: c == 0 ? "NUL byte (binary data?)" : "control byte 0x\(String(c, radix: 16)) (binary data?)")
                    }
                    if c >= 0x80 { highBit = true }
                    switch state {
                    case .fieldStart, .unquoted:
                        switch c {
                        case 0x2C:
                            rec.bytes.append(0); rec.starts.append(rec.bytes.count); state = .fieldStart
                        case 0x0A:
                            line += 1
                            if state == .fieldStart, rec.count == 1 {  // blank line
                                rec.line = line; recordBytes = 0; continue
                            }
                            return true
                        case 0x0D: state = .afterCR
                        case 0x22:
                            if state == .fieldStart { state = .quoted } else {
                                throw CSVError(line: line, field: rec.count - 1, reason: "quote inside an unquoted field")
                            }
                        default:
                            rec.bytes.append(c); state = .unquoted
                        }
                    case .quoted:
                        if c == 0x22 { state = .quoteSeen } else {
                            if c == 0x0A { line += 1 }
                            rec.bytes.append(c)
                        }
                    case .quoteSeen:
                        switch c {
                        case 0x22: rec.bytes.append(c); state = .quoted
                        case 0x2C: rec.bytes.append(0); rec.starts.append(rec.bytes.count); state = .fieldStart
                        case 0x0A: line += 1; return true
                        case 0x0D: state = .afterCR
                        default: throw CSVError(line: line, field: rec.count - 1, reason: "unexpected character after a closing quote")
                        }
                    case .afterCR:
                        guard c == 0x0A else {
                            throw CSVError(line: line, field: rec.count - 1, reason: "carriage return not followed by line feed")
                        }
                        line += 1
                        if rec.count == 1, rec.bytes.isEmpty {  // blank CRLF line
                            rec.line = line; recordBytes = 0; state = .fieldStart; continue
                        }
                        return true
                    }
                }
                return false
            }
            if ended { return try finish() }
        }
    }
}

extension CSVError: CategorizedError {
    /// A structurally broken CSV file is rejected input (65).
    public var category: ErrorCategory { .dataRejected }
}
