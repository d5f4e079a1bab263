/// Writes CSV records (RFC 4180 by default) to a ``CSVSink``, streaming: memory use is
/// bounded by the buffer size, whatever the number of rows.
///
/// Fields are quoted when they contain the delimiter, a double quote, CR or LF (or always,
/// with ``CSVFormat/Quoting/all``); quotes inside are doubled. A record made of one empty
/// field is written as `""` so that it reads back as one field, not as a blank line. Call
/// ``finish()`` at the end so that the last buffered bytes reach the sink.
///
/// ```swift
/// var writer = CSVWriter(sink: InMemoryCSVSink())
/// try writer.writeRow(["name", "comment"])
/// try writer.writeRow(["Zoë", "said \"hi\", then left"])
/// let csv = try writer.finish().string
/// // name,comment\r\nZoë,"said ""hi"", then left"\r\n
/// ```
public struct CSVWriter<Sink: CSVSink> {
    /// The dialect written.
    public let format: CSVFormat
    private var sink: Sink
    private var buffer: [UInt8] = []
    private let bufferSize: Int

    /// The number of records written so far.
    public private(set) var rowCount = 0

    /// Creates a writer.
    ///
    /// - Parameters:
    ///   - sink: Where the bytes go.
    ///   - format: The dialect (default RFC 4180).
    ///   - bufferSize: Bytes collected before they are handed to the sink (default 64 KiB).
    public init(sink: Sink, format: CSVFormat = .rfc4180, bufferSize: Int = 64 * 1024) {
        self.sink = sink
        self.format = format
        self.bufferSize = max(1, bufferSize)
        buffer.reserveCapacity(min(self.bufferSize, 1 << 20))
        if format.includeByteOrderMark { buffer.append(contentsOf: CSVFormat.byteOrderMark) }
    }

    /// Writes one record.
    ///
    /// - Throws: ``CSVError`` with ``CSVError/Reason/writeFailed`` when the sink fails.
    public mutating func writeRow(_ fields: some Sequence<String>) throws {
        Self.encode(fields, format: format, into: &buffer)
        rowCount += 1
        if buffer.count >= bufferSize { try flush() }
    }

    /// Writes many records.
    public mutating func writeRows(_ rows: some Sequence<some Sequence<String>>) throws {
        for row in rows { try writeRow(row) }
    }

    /// Hands everything buffered to the sink.
    ///
    /// - Throws: ``CSVError`` with ``CSVError/Reason/writeFailed`` when the sink fails.
    public mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try sink.write(buffer)
        } catch {
            throw CSVError(.writeFailed, underlying: error)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and returns the sink.
    public mutating func finish() throws -> Sink {
        try flush()
        return sink
    }

    /// Appends one encoded record, line ending included, to `buffer`.
    static func encode(_ fields: some Sequence<String>, format: CSVFormat, into buffer: inout [UInt8]) {
        let start = buffer.count
        var count = 0
        for field in fields {
            if count > 0 { buffer.append(format.delimiter) }
            appendField(field, format: format, into: &buffer)
            count += 1
        }
        if count == 1 && buffer.count == start { buffer.append(contentsOf: [0x22, 0x22]) }
        buffer.append(contentsOf: format.lineEnding.rawValue.utf8)
    }

    private static func appendField(_ field: String, format: CSVFormat, into buffer: inout [UInt8]) {
        let utf8 = field.utf8
        let needsQuotes =
            format.quoting == .all
            || utf8.contains { $0 == format.delimiter || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
        guard needsQuotes else {
            buffer.append(contentsOf: utf8)
            return
        }
        buffer.append(0x22)
        for byte in utf8 {
            if byte == 0x22 { buffer.append(0x22) }
            buffer.append(byte)
        }
        buffer.append(0x22)
    }
}

extension CSVWriter where Sink == InMemoryCSVSink {
    /// The CSV text of `rows` in `format`.
    ///
    /// ```swift
    /// CSVWriter.string(from: [["a", "b"], ["1", "2"]]) // "a,b\r\n1,2\r\n"
    /// ```
    public static func string(from rows: some Sequence<some Sequence<String>>, format: CSVFormat = .rfc4180) -> String {
        var bytes = format.includeByteOrderMark ? CSVFormat.byteOrderMark : []
        for row in rows { encode(row, format: format, into: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
