import Bitcoin
import Domain
import FileIO

extension InputParser {
    /// Block headers `height,header_hex[,hash_hex]`, heights consecutive. Every header is verified by
    /// `Bitcoin.HeaderChainVerifier` (proof of work, claimed hash, previous-hash link, nBits constant inside an
    /// epoch, exact retargets); the first failure rejects the whole file at its line.
    ///
    /// Daily observations: blocks are bucketed by the UTC day of their median-time-past (as Coin Metrics does);
    /// per day `block_count` = blocks, `difficulty` = mean of `T_max / target(nBits)` over those blocks,
    /// `height_end` = the highest height. The first day (unless it holds the genesis block) and the last day are
    /// dropped because the file may cover them only in part.
    static func parseHeaders(_ reader: CSVReader, _ header: [String], _ cells: CellParser,
                             _ reject: (Int, String, String) -> IngestError) throws -> FormatResult {
        let ix = try indices(header, required: ["height", "header_hex"], reject)
        let hashIx = header.firstIndex(of: "hash_hex")
        var verifier = HeaderChainVerifier()
        var failed = false
        var blockLines: [Int] = []
        let loop = RecordLoop(header: header)
        let rows = loop.run(reader, cells) { rec in
            guard !failed else { return }
            var bad = false
            guard let height = cells.integer(rec, ix[0], line: rec.line, column: "height", bad: &bad), !bad else {
                if !bad { cells.problems.add(rec.line, "height", "missing height") }
                failed = true; return
            }
            guard let bytes = BlockHeader.bytes(fromHex: rec.string(ix[1])), bytes.count == 80 else {
                cells.problems.add(rec.line, "header_hex", "not 80 bytes of hex"); failed = true; return
            }
            var claimed: [UInt8]? = nil
            if let hashIx, !rec.range(hashIx).isEmpty {
                guard let c = BlockHeader.bytes(fromHex: rec.string(hashIx)), c.count == 32 else {
                    cells.problems.add(rec.line, "hash_hex", "not 32 bytes of hex"); failed = true; return
                }
                claimed = c
            }
            do {
                try verifier.append(height: height, header: bytes, claimedHash: claimed)
                blockLines.append(rec.line)
            } catch {
                let column: String
                switch error as? HeaderError {
                case .hashMismatch?: column = "hash_hex"
                case .heightSequence?, .checkpointMismatch?, .checkpointBits?: column = "height"
                default: column = "header_hex"
                }
                cells.problems.add(rec.line, column, "\(error)")
                failed = true
            }
        }
        let summary = verifier.summary
        var byDay: [(day: Day, blocks: Int, diffSum: Double, height: Int, hasGenesis: Bool, line: Int)] = []
        for (k, b) in summary.blocks.enumerated() {
            let d = Day(unixSeconds: Int64(b.medianTimePast))
            if let i = byDay.indices.last, byDay[i].day == d {
                byDay[i].blocks += 1; byDay[i].diffSum += b.difficulty; byDay[i].height = max(byDay[i].height, b.height)
            } else if let i = byDay.firstIndex(where: { $0.day == d }) {  // MTP is monotone in practice; be safe anyway
                byDay[i].blocks += 1; byDay[i].diffSum += b.difficulty; byDay[i].height = max(byDay[i].height, b.height)
            } else {
                byDay.append((d, 1, b.difficulty, b.height, b.height == 0, blockLines[k]))
            }
        }
        byDay.sort { $0.day < $1.day }
        if let f = byDay.first, !f.hasGenesis { byDay.removeFirst() }
        if !byDay.isEmpty { byDay.removeLast() }
        let obs = byDay.map {
            DailyObservation(date: $0.day, blockCount: Double($0.blocks), difficulty: $0.diffSum / Double($0.blocks), heightEnd: $0.height)
        }
        let all: [DailyObservation.Field: String] = [.blockCount: "header_hex", .difficulty: "header_hex", .heightEnd: "height"]
        return FormatResult(obs: obs, rows: rows, retargets: summary.retargetsVerified, lines: byDay.map(\.line),
                            columns: ParsedFile.Columns(date: "header_hex", names: all), checkpoints: summary.checkpointsMatched)
    }
}

extension InputParser {
    /// The rows of a block-header file `height,header_hex,hash_hex` as they are (no chain verification): what
    /// `hashsec bench-hash` checks its kernels against. Read with the one CSV reader; a malformed row is rejected as
    /// `file:line: column: reason` (exit 65).
    public static func headerRows(path: String, files: InputFiles = DiskFiles.shared) throws -> [(height: Int, header: [UInt8], hash: String)] {
        let reader = try CSVReader(path: path)
        files.willStream(path)
        func reject(_ line: Int, _ column: String, _ reason: String) -> IngestError {
            .rejected(file: path, problems: [IngestProblem(line: line, column: column, reason: reason)])
        }
        do {
            guard let head = try reader.next() else { throw reject(1, "-", "empty file (no header, no rows)") }
            let names = head.fields.map { $0.trimmingSpaces }
            let ix = try indices(names, required: ["height", "header_hex", "hash_hex"], reject)
            var out: [(Int, [UInt8], String)] = []
            while let r = try reader.next() {
                guard r.fields.count > ix.max()!, let h = Int(r.fields[ix[0]].trimmingSpaces) else { throw reject(r.line, "height", "not a height") }
                guard let b = BlockHeader.bytes(fromHex: r.fields[ix[1]].trimmingSpaces), b.count == 80 else {
                    throw reject(r.line, "header_hex", "not 160 hex digits")
                }
                out.append((h, b, r.fields[ix[2]].trimmingSpaces))
            }
            return out
        } catch let e as CSVError { throw reject(e.line, "field \(e.field + 1)", e.reason) }
    }
}
