import FaceAuditDatasets
import FaceAuditFiles
import Foundation

/// Reads score files quickly (10 million lines in about a second) and exactly (`strtod`, correctly
/// rounded). Every malformed line is an error naming the file, the line and, where one field is at
/// fault, its column.
public enum ScoreFileReader {
    /// One score per line: the last whitespace-separated field. Blank lines are skipped; `nan` is a
    /// failure to acquire.
    public static func readColumn(path: String) throws(ScoreFileError) -> [Double] {
        var data = try contents(path)
        data.append(0)
        // Parse in place: terminate each line's last field with a NUL and hand it to strtod, so that a
        // 10-million-line file costs no allocation per line.
        let result = data.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) -> Result<[Double], ScoreFileError> in
            let bytes = raw.bindMemory(to: UInt8.self)
            let count = bytes.count - 1
            var scores: [Double] = []
            scores.reserveCapacity(count / 8)
            var start = UnsafeBufferPointer(rebasing: bytes[..<min(count, 3)]).elementsEqual(byteOrderMark) ? 3 : 0
            var line = 0
            while start < count {
                line += 1
                var end = start
                if let newline = memchr(bytes.baseAddress! + start, 10, count - start) {
                    end = bytes.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                } else {
                    end = count
                }
                var stop = end
                while stop > start && (bytes[stop - 1] == 32 || bytes[stop - 1] == 9 || bytes[stop - 1] == 13) { stop -= 1 }
                var first = stop
                while first > start && bytes[first - 1] != 32 && bytes[first - 1] != 9 { first -= 1 }
                if first < stop {
                    let saved = bytes[stop]
                    bytes[stop] = 0
                    var parsedEnd: UnsafeMutablePointer<CChar>?
                    let pointer = UnsafeMutableRawPointer(bytes.baseAddress! + first).assumingMemoryBound(to: CChar.self)
                    let value = strtod(pointer, &parsedEnd)
                    bytes[stop] = saved
                    guard let parsedEnd, pointer.distance(to: parsedEnd) == stop - first, !value.isInfinite else {
                        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[first..<stop]), as: UTF8.self)
                        let column = 1 + bytes[start..<first].count { $0 & 0xC0 != 0x80 }
                        return .failure(ScoreFileError(file: path, line: line, column: column, "\"\(text)\" is not a number"))
                    }
                    scores.append(value)
                }
                start = end + 1
            }
            return .success(scores)
        }
        return try result.get()
    }

    /// A bob 4- or 5-column file or a CSV score file.
    public static func read(path: String, format: ScoreFormat) throws(ScoreFileError) -> ScoreTable {
        switch format {
        case .bob4, .bob5: try readBob(path: path, columns: format == .bob4 ? 4 : 5)
        case .csv: try readCSV(path: path)
        }
    }

    private static func readBob(path: String, columns: Int) throws(ScoreFileError) -> ScoreTable {
        var table = ScoreTable()
        var subjects = Interner()
        var items = Interner()
        try forEachLine(path: path) { (fields, line, at) throws(ScoreFileError) in
            guard !fields.isEmpty else { return }
            guard fields.count == columns else {
                throw ScoreFileError(
                    file: path, line: line, "expected \(columns) fields (bob \(columns)-column format), found \(fields.count)")
            }
            let claimed = text(fields, 0)
            let real = text(fields, columns == 4 ? 1 : 2)
            let probe = text(fields, columns == 4 ? 2 : 3)
            table.scores.append(try parseScore(fields[columns - 1], path: path, line: line, column: at(columns - 1)))
            table.mated.append(claimed == real)
            table.referenceSubject.append(try subjects.id(claimed, path: path, line: line, column: at(0)))
            table.probeSubject.append(try subjects.id(real, path: path, line: line, column: at(columns == 4 ? 1 : 2)))
            table.probeItem.append(try items.id(probe, path: path, line: line, column: at(columns == 4 ? 2 : 3)))
            table.referenceItem.append(try items.id("model:" + claimed, path: path, line: line, column: at(0)))
        }
        table.subjects = subjects.names
        table.items = items.names
        guard table.count > 0 else { throw ScoreFileError(file: path, line: nil, "no scores") }
        return table
    }

    private static func readCSV(path: String) throws(ScoreFileError) -> ScoreTable {
        var table = ScoreTable()
        var subjects = Interner()
        var items = Interner()
        var header: [String]?
        var probeColumn = -1
        var referenceColumn = -1
        var scoreColumn = -1
        var probeItemColumn = -1
        var referenceItemColumn = -1
        var sides: [(name: String, probe: Int, reference: Int)] = []
        var interners: [Interner] = []
        var itemSubject: [Int32] = []  // the subject of each sample id
        // Per attribute: each side's value indices, and where each value was first met.
        var probeValues: [[Int32]] = []
        var referenceValues: [[Int32]] = []
        var firstSeen: [[ScoreTable.Position]] = []
        try forEachLine(path: path, separator: UInt8(ascii: ",")) { (fields, line, at) throws(ScoreFileError) in
            if fields.isEmpty || (fields.count == 1 && fields[0].isEmpty) { return }
            // Fields are split at every comma: a quoted field ("Smith, John") would be read with its quotes, a
            // quoted id as another subject than the same id unquoted.
            for (k, field) in fields.enumerated() where field.first(where: { $0 != 32 && $0 != 9 }) == UInt8(ascii: "\"") {
                throw ScoreFileError(
                    file: path, line: line, column: Self.column(of: k, in: fields),
                    "field \(k + 1) is quoted; score files are split at every comma and take no quotes: write the value without them")
            }
            guard let names = header else {
                var h: [String] = []
                for k in fields.indices { h.append(Self.text(fields, k)) }
                h = h.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                // Names are read without case: two columns that differ only so (probe_gender, probe_Gender)
                // would leave which one counts to chance.
                for (k, name) in h.enumerated() where h[..<k].contains(name) {
                    throw ScoreFileError(
                        file: path, line: line, column: Self.column(of: k, in: fields),
                        "the header names column \(name) twice (names are read without regard to case); keep one")
                }
                header = h
                func column(_ name: String) -> Int { h.firstIndex(of: name) ?? -1 }
                probeColumn = column("probe_subject")
                referenceColumn = column("reference_subject")
                scoreColumn = column("score")
                probeItemColumn = column("probe_id")
                referenceItemColumn = column("reference_id")
                for required in [("probe_subject", probeColumn), ("reference_subject", referenceColumn), ("score", scoreColumn)]
                where required.1 < 0 {
                    throw ScoreFileError(file: path, line: line, "the header has no \(required.0) column")
                }
                for (index, name) in h.enumerated()
                where name.hasPrefix("probe_") && !["probe_subject", "probe_id", "probe_subject_id"].contains(name) {
                    let attribute = String(name.dropFirst("probe_".count))
                    if let other = h.firstIndex(of: "reference_" + attribute) {
                        sides.append((attribute, index, other))
                        interners.append(Interner())
                    }
                }
                probeValues = Array(repeating: [], count: sides.count)
                referenceValues = Array(repeating: [], count: sides.count)
                firstSeen = Array(repeating: [], count: sides.count)
                return
            }
            guard fields.count == names.count else {
                throw ScoreFileError(file: path, line: line, "expected \(names.count) fields as in the header, found \(fields.count)")
            }
            func text(_ i: Int) -> String { Self.text(fields, i).trimmingCharacters(in: .whitespaces) }
            let probe = text(probeColumn)
            let reference = text(referenceColumn)
            guard !probe.isEmpty, !reference.isEmpty else {
                throw ScoreFileError(file: path, line: line, "empty probe_subject or reference_subject")
            }
            table.scores.append(try parseScore(fields[scoreColumn], path: path, line: line, column: at(scoreColumn)))
            table.lines.append(Int32(clamping: line))
            table.mated.append(probe == reference)
            table.probeSubject.append(try subjects.id(probe, path: path, line: line, column: at(probeColumn)))
            table.referenceSubject.append(try subjects.id(reference, path: path, line: line, column: at(referenceColumn)))
            // A sample belongs to one subject: ids numbered within each subject ("1", "2") would make every
            // subject's first photo one sample, and its searches one search.
            for (isProbe, column, subject) in [
                (true, probeItemColumn, table.probeSubject.last!), (false, referenceItemColumn, table.referenceSubject.last!),
            ] {
                guard column >= 0 else {
                    if isProbe { table.probeItem.append(-1) } else { table.referenceItem.append(-1) }
                    continue
                }
                let item = try items.id(text(column), path: path, line: line, column: at(column))
                if Int(item) == itemSubject.count { itemSubject.append(subject) }
                guard itemSubject[Int(item)] == subject else {
                    let (before, here) = (subjects.names[Int(itemSubject[Int(item)])], subjects.names[Int(subject)])
                    throw ScoreFileError(
                        file: path, line: line, column: Self.column(of: column, in: fields),
                        "sample \(CohortLabelRules.shown(text(column))) appears with two subjects (\(CohortLabelRules.shown(before)) before, "
                            + "\(CohortLabelRules.shown(here)) here); sample ids must be unique across subjects")
                }
                if isProbe { table.probeItem.append(item) } else { table.referenceItem.append(item) }
            }
            for (k, side) in sides.enumerated() {
                for (field, isProbe) in [(side.probe, true), (side.reference, false)] {
                    let value = text(field)
                    let seen = interners[k].names.count
                    let id = try interners[k].id(value, path: path, line: line, column: at(field))
                    if id == seen {
                        // A value met for the first time: checked once, and where it was met kept for the
                        // errors of those who read it (an age that is not a number, say).
                        let at = ScoreTable.Position(line: line, column: column(of: field, in: fields))
                        if !CohortLabelRules.isMissing(value), let problem = CohortLabelRules.problem(value) {
                            throw ScoreFileError(
                                file: path, line: at.line, column: at.column, "\(names[field]) \(CohortLabelRules.shown(value)) \(problem)")
                        }
                        firstSeen[k].append(at)
                    }
                    if isProbe { probeValues[k].append(id) } else { referenceValues[k].append(id) }
                }
            }
        }
        guard header != nil else { throw ScoreFileError(file: path, line: nil, "empty file: no header") }
        for (k, side) in sides.enumerated() {
            table.attributes[side.name] = ScoreTable.SideAttribute(
                probe: probeValues[k], reference: referenceValues[k], values: interners[k].names, firstSeen: firstSeen[k])
        }
        table.file = path
        table.subjects = subjects.names
        table.items = items.names
        return table
    }

    /// UTF-8's byte order mark, skipped at the start of a file.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The text of field `index` of a line (``forEachLine(path:separator:_:)`` has checked that it is
    /// valid UTF-8).
    static func text(_ fields: [ArraySlice<UInt8>], _ index: Int) -> String { String(decoding: fields[index], as: UTF8.self) }

    /// The 1-based column, in Unicode scalars, at which field `index` of a CSV line starts: the fields
    /// before it and a separator after each (a byte that does not continue a UTF-8 sequence starts a
    /// scalar).
    static func column(of index: Int, in fields: [ArraySlice<UInt8>]) -> Int {
        var column = 1
        for field in fields[..<index] {
            for byte in field where byte & 0xC0 != 0x80 { column += 1 }
            column += 1
        }
        return column
    }

    /// Two ids (or labels) of a score file that are the same text in two Unicode normalizations: Swift
    /// would take them as one.
    static func otherNormalization(path: String, line: Int, column: Int) -> ScoreFileError {
        ScoreFileError(
            file: path, line: line, column: column,
            "this field and an earlier one \(Spellings.differOnlyInNormalization); write both the same way (NFC)")
    }

    /// Parses one score field, at `column` of `line`; `nan` (any case) is NaN.
    static func parseScore(_ field: ArraySlice<UInt8>, path: String, line: Int, column: Int) throws(ScoreFileError) -> Double {
        var buffer = [UInt8](field.drop { $0 == 32 || $0 == 9 })
        while let last = buffer.last, last == 32 || last == 9 { buffer.removeLast() }
        guard !buffer.isEmpty else { throw ScoreFileError(file: path, line: line, column: column, "empty score") }
        buffer.append(0)
        var end: UnsafeMutablePointer<CChar>?
        let value = buffer.withUnsafeBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { start in
                let v = strtod(start, &end)
                return (v, end.map { UnsafePointer($0) - start } ?? 0)
            }
        }
        guard value.1 == buffer.count - 1, value.0.isFinite || value.0.isNaN else {
            let text = String(decoding: buffer.dropLast(), as: UTF8.self)
            throw ScoreFileError(file: path, line: line, column: column, "\"\(text)\" is not a number")
        }
        return value.0
    }

    /// The bytes of the score file at `path`.
    /// - Throws: ``ScoreFileError`` with code `unreadable` when it is missing, not a regular file (a FIFO,
    ///   `/dev/zero`), a link loop or not readable.
    static func contents(_ path: String) throws(ScoreFileError) -> Data {
        do { return try InputFile.read(path) } catch { throw ScoreFileError(file: path, line: nil, error.reason, code: .unreadable) }
    }

    /// Calls `body` with each line's fields (split on spaces/tabs, or on `separator`), its number, and
    /// the column (in characters, from 1) at which field k starts, for messages.
    static func forEachLine(
        path: String, separator: UInt8? = nil, _ body: ([ArraySlice<UInt8>], Int, (Int) -> Int) throws(ScoreFileError) -> Void
    ) throws(ScoreFileError) {
        let data = try contents(path)
        let bytes = [UInt8](data)
        // A UTF-8 byte order mark (Excel writes one) is not part of the first field.
        var start = bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
        var line = 0
        var fields: [ArraySlice<UInt8>] = []
        while start < bytes.count {
            line += 1
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            var stop = end
            if stop > start && bytes[stop - 1] == 13 { stop -= 1 }
            fields.removeAll(keepingCapacity: true)
            let lineStart = start
            if let separator {
                var f = start
                for i in start..<stop where bytes[i] == separator {
                    fields.append(bytes[f..<i])
                    f = i + 1
                }
                if stop > start { fields.append(bytes[f..<stop]) }
            } else {
                var i = start
                while i < stop {
                    while i < stop && (bytes[i] == 32 || bytes[i] == 9) { i += 1 }
                    let f = i
                    while i < stop && bytes[i] != 32 && bytes[i] != 9 { i += 1 }
                    if i > f { fields.append(bytes[f..<i]) }
                }
            }
            // A field's first character: one past the characters (UTF-8 lead bytes) before it on its line.
            let columns = fields
            func column(_ k: Int) -> Int { 1 + bytes[lineStart..<columns[k].startIndex].count { $0 & 0xC0 != 0x80 } }
            // Every field valid UTF-8 (checked only on lines with a byte above ASCII, so an ASCII file costs
            // one scan): decoding would otherwise turn each invalid byte into U+FFFD, and two different ids
            // (s\xFE08, s\xFF08) into one subject.
            if bytes[start..<stop].contains(where: { $0 >= 0x80 }) {
                for (k, field) in fields.enumerated() where String(validating: field, as: UTF8.self) == nil {
                    throw ScoreFileError(
                        file: path, line: line, column: column(k), "field \(k + 1) is not valid UTF-8 text; save the file as UTF-8")
                }
            }
            try body(fields, line, column)
            start = end + 1
        }
    }
}
