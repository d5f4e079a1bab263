import Foundation

/// The XML of one worksheet, written to a temporary file row by row so that memory stays
/// bounded by the buffer size, whatever the number of rows.
struct XLSXSheetStream {
    static let maximumRows = 1_048_576
    static let maximumColumns = 16_384
    static let bufferSize = 256 * 1024

    let name: String
    let url: URL
    private(set) var rowCount = 0
    private var handle: FileHandle
    private var buffer: [UInt8] = []

    /// Creates the file and writes everything that comes before the rows.
    init(name: String, url: URL, layout: XLSXSheetLayout) throws(XLSXError) {
        self.name = name
        self.url = url
        do {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown)
            }
            handle = try FileHandle(forWritingTo: url)
        } catch {
            throw XLSXError(.writeFailed(path: url.path), underlying: error)
        }
        buffer.reserveCapacity(Self.bufferSize + 64 * 1024)
        var head = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        head += #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" "#
        head += #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
        head += Self.sheetViews(layout)
        head += Self.columns(layout)
        head += "<sheetData>"
        buffer.append(contentsOf: head.utf8)
    }

    private static func sheetViews(_ layout: XLSXSheetLayout) -> String {
        let rows = min(layout.frozenRows, maximumRows - 1), columns = min(layout.frozenColumns, maximumColumns - 1)
        guard rows > 0 || columns > 0 else { return #"<sheetViews><sheetView workbookViewId="0"/></sheetViews>"# }
        let pane = rows > 0 && columns > 0 ? "bottomRight" : rows > 0 ? "bottomLeft" : "topRight"
        var split = ""
        if columns > 0 { split += #" xSplit="\#(columns)""# }
        if rows > 0 { split += #" ySplit="\#(rows)""# }
        let topLeft = CellReference.name(column: columns, row: rows + 1)
        return #"<sheetViews><sheetView workbookViewId="0"><pane\#(split) topLeftCell="\#(topLeft)" "#
            + #"activePane="\#(pane)" state="frozen"/><selection pane="\#(pane)"/></sheetView></sheetViews>"#
    }

    private static func columns(_ layout: XLSXSheetLayout) -> String {
        let widths = layout.columnWidths.prefix(maximumColumns).enumerated().compactMap { index, width in
            width.map { (index + 1, min(255, max(0, $0))) }
        }
        guard !widths.isEmpty else { return "" }
        return "<cols>"
            + widths.map { #"<col min="\#($0.0)" max="\#($0.0)" width="\#($0.1)" customWidth="1"/>"# }.joined()
            + "</cols>"
    }

    /// The buffer position before a row, so that a caller can roll back a row that failed
    /// validation; also the number of bytes not yet written to the file.
    var mark: Int { buffer.count }

    /// Drops everything appended after `mark`.
    mutating func rollBack(to mark: Int) { buffer.removeSubrange(mark...) }

    /// Starts row `rowCount + 1`; the caller appends cells, then calls ``endRow()``.
    mutating func beginRow() throws(XLSXError) -> Int {
        guard rowCount < Self.maximumRows else { throw XLSXError(.tooManyRows(sheet: name)) }
        rowCount += 1
        buffer.append(contentsOf: #"<row r=""#.utf8)
        buffer.append(contentsOf: String(rowCount).utf8)
        buffer.append(contentsOf: #"">"#.utf8)
        return rowCount
    }

    /// Writes the row's end and hands a full buffer to the file.
    mutating func endRow() throws(XLSXError) {
        buffer.append(contentsOf: "</row>".utf8)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Lets a cell writer append to the row being built.
    mutating func withBuffer<T>(_ body: (inout [UInt8]) throws(XLSXError) -> T) throws(XLSXError) -> T {
        try body(&buffer)
    }

    /// Un-counts a row that was rolled back.
    mutating func forgetRow() { rowCount -= 1 }

    private mutating func flush() throws(XLSXError) {
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw XLSXError(.writeFailed(path: url.path), underlying: error)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the end of the sheet and closes the file.
    mutating func finish() throws(XLSXError) {
        buffer.append(contentsOf: "</sheetData></worksheet>".utf8)
        try flush()
        do {
            try handle.close()
        } catch {
            throw XLSXError(.writeFailed(path: url.path), underlying: error)
        }
    }
}
