import Foundation
import ZIPFoundation

/// Writes an Excel workbook (Office Open XML, `.xlsx`) row by row, in bounded memory.
///
/// Each sheet's rows are written to a temporary file as they come; ``finish()`` zips the
/// sheets and the workbook parts into the output file (replacing it atomically), so a
/// sheet of 100,000 or 1,000,000 rows needs only a small buffer. Sheets are written one
/// after another: ``startSheet(_:layout:)`` ends the previous one.
///
/// Cells are typed (``XLSXCell``): text, whole numbers, numbers, booleans, dates (shown
/// with ``Options/dateFormat``) and empty cells. ``writeHeader(_:)`` writes a bold row;
/// ``XLSXSheetLayout`` sets column widths and frozen rows/columns. Text is XML-escaped;
/// characters XML cannot carry are rejected with ``XLSXError/Reason/invalidCharacter(sheet:row:column:scalar:)``
/// (the row is not written and the writer stays usable) or stripped, as
/// ``Options/invalidCharacters`` says.
///
/// ```swift
/// let writer = try XLSXWriter(path: "/tmp/orders.xlsx")
/// try writer.startSheet("Orders", layout: XLSXSheetLayout(columnWidths: [10, 30, 12, 20], frozenRows: 1))
/// try writer.writeHeader(["id", "customer", "total", "placed"])
/// for order in orders {
///     try writer.writeRow([.integer(order.id), .string(order.customer), .number(order.total), .date(order.placed)])
/// }
/// try writer.finish()
/// ```
public final class XLSXWriter {
    /// How text cells are stored.
    public enum StringStorage: Sendable, Hashable {
        /// In the cell itself (`inlineStr`): memory stays bounded whatever the data.
        case inline
        /// In one shared table, each distinct text once: smaller files when texts repeat,
        /// but memory grows with the number of distinct texts.
        case shared
    }

    /// What happens to characters XML 1.0 cannot carry.
    public enum InvalidCharacterPolicy: Sendable, Hashable {
        /// Throw ``XLSXError``; the row is not written.
        case reject
        /// Leave them out silently.
        case strip
    }

    /// Choices for the whole workbook.
    public struct Options: Sendable, Hashable {
        /// How text cells are stored (default inline).
        public var stringStorage: StringStorage
        /// What happens to characters XML cannot carry (default reject).
        public var invalidCharacters: InvalidCharacterPolicy
        /// The Excel number format of date cells (default `yyyy-mm-dd hh:mm:ss`).
        public var dateFormat: String
        /// Dates are shown as wall-clock time in this zone (default UTC); spreadsheets
        /// store no zone.
        public var timeZone: TimeZone
        /// Whether the parts are deflated (default) or stored (bigger file, faster).
        public var compressed: Bool

        /// Creates options.
        public init(
            stringStorage: StringStorage = .inline, invalidCharacters: InvalidCharacterPolicy = .reject,
            dateFormat: String = "yyyy-mm-dd hh:mm:ss", timeZone: TimeZone = .gmt, compressed: Bool = true
        ) {
            self.stringStorage = stringStorage
            self.invalidCharacters = invalidCharacters
            self.dateFormat = dateFormat
            self.timeZone = timeZone
            self.compressed = compressed
        }
    }

    /// The output file.
    public let path: String
    /// The workbook's options.
    public let options: Options

    private let workDirectory: URL
    private var sheet: XLSXSheetStream?
    private var finishedSheets: [XLSXSheetStream] = []
    private var finished = false
    private var cells = XLSXCellEncoder()

    /// Prepares a workbook that ``finish()`` writes to `path`.
    ///
    /// - Throws: ``XLSXError`` when the temporary directory cannot be created.
    public init(path: String, options: Options = Options()) throws(XLSXError) {
        self.path = path
        self.options = options
        cells.configure(options)
        workDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("roost-xlsx-\(UUID())")
        do {
            try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        } catch {
            throw XLSXError(.writeFailed(path: workDirectory.path), underlying: error)
        }
    }

    deinit { try? FileManager.default.removeItem(at: workDirectory) }

    /// The number of rows written to the current sheet.
    public var rowCount: Int { sheet?.rowCount ?? 0 }

    /// Bytes of the current sheet held in memory, not yet written to its temporary file
    /// (at most about 256 KiB plus one row).
    public var pendingByteCount: Int { sheet?.mark ?? 0 }

    /// Ends the current sheet (if any) and starts a new one.
    ///
    /// - Throws: ``XLSXError`` for an invalid or repeated name, or when the sheet file
    ///   cannot be created.
    public func startSheet(_ name: String, layout: XLSXSheetLayout = XLSXSheetLayout()) throws(XLSXError) {
        guard !finished else { throw XLSXError(.finished) }
        let names = finishedSheets.map(\.name) + (sheet.map { [$0.name] } ?? [])
        guard Self.isValidSheetName(name), !names.contains(where: { $0.lowercased() == name.lowercased() }) else {
            throw XLSXError(.invalidSheetName(name))
        }
        try endSheet()
        let url = workDirectory.appendingPathComponent("sheet\(finishedSheets.count + 1).xml")
        sheet = try XLSXSheetStream(name: name, url: url, layout: layout)
    }

    /// Writes a row of bold text cells.
    public func writeHeader(_ titles: [String]) throws(XLSXError) {
        try writeRow(titles.map(XLSXCell.string), bold: true)
    }

    /// Writes one row; `.empty` cells are left out.
    ///
    /// - Throws: ``XLSXError`` for a non-finite number or a character XML cannot carry
    ///   (the row is not written; the writer stays usable), too many rows or columns, or
    ///   a failed write (the writer is then finished).
    public func writeRow(_ row: [XLSXCell], bold: Bool = false) throws(XLSXError) {
        guard !finished else { throw XLSXError(.finished) }
        guard var current = sheet else { throw XLSXError(.noSheet) }
        sheet = nil
        defer { sheet = current }
        guard row.count <= XLSXSheetStream.maximumColumns else {
            throw XLSXError(.tooManyColumns(sheet: current.name, count: row.count))
        }
        let mark = current.mark
        let rowNumber = try current.beginRow()
        let sheetName = current.name
        do {
            try current.withBuffer { (buffer) throws(XLSXError) in
                try cells.append(row, rowNumber: rowNumber, bold: bold, sheet: sheetName, to: &buffer)
            }
        } catch {
            current.rollBack(to: mark)
            current.forgetRow()
            throw error
        }
        do {
            try current.endRow()
        } catch {
            finished = true
            throw error
        }
    }

    /// Ends the last sheet, writes the workbook parts and zips everything into ``path``.
    ///
    /// A workbook without sheets gets one empty sheet named `Sheet1`.
    public func finish() throws(XLSXError) {
        guard !finished else { throw XLSXError(.finished) }
        if sheet == nil && finishedSheets.isEmpty { try startSheet("Sheet1") }
        try endSheet()
        finished = true
        let shared = options.stringStorage == .shared
        var parts: [(String, URL)] = []
        func part(_ name: String, _ text: String) throws(XLSXError) {
            let url = workDirectory.appendingPathComponent(name.replacingOccurrences(of: "/", with: "_"))
            do { try Data(text.utf8).write(to: url) } catch {
                throw XLSXError(.writeFailed(path: url.path), underlying: error)
            }
            parts.append((name, url))
        }
        let count = finishedSheets.count
        try part("[Content_Types].xml", XLSXPackageParts.contentTypes(sheetCount: count, sharedStrings: shared))
        try part("_rels/.rels", XLSXPackageParts.rootRelationships)
        try part("xl/workbook.xml", XLSXPackageParts.workbook(sheetNames: finishedSheets.map(\.name)))
        try part("xl/_rels/workbook.xml.rels", XLSXPackageParts.workbookRelationships(sheetCount: count, sharedStrings: shared))
        try part("xl/styles.xml", XLSXPackageParts.styles(dateFormat: options.dateFormat))
        if shared {
            let url = workDirectory.appendingPathComponent("sharedStrings.xml")
            try cells.writeSharedStrings(to: url)
            parts.append(("xl/sharedStrings.xml", url))
        }
        for (index, sheet) in finishedSheets.enumerated() {
            parts.append(("xl/worksheets/sheet\(index + 1).xml", sheet.url))
        }
        try zip(parts)
    }

    private func endSheet() throws(XLSXError) {
        guard var current = sheet else { return }
        sheet = nil
        do {
            try current.finish()
        } catch {
            finished = true
            throw error
        }
        finishedSheets.append(current)
    }

    private func zip(_ parts: [(String, URL)]) throws(XLSXError) {
        let destination = URL(fileURLWithPath: path)
        let temporary = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).\(UUID()).tmp")
        do {
            let archive = try Archive(url: temporary, accessMode: .create)
            for (name, url) in parts {
                try archive.addEntry(
                    with: name, fileURL: url, compressionMethod: options.compressed ? .deflate : .none,
                    bufferSize: 256 * 1024)
            }
            // rename(2) replaces an existing file atomically: readers see the old or the new.
            if rename(temporary.path, destination.path) != 0 {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw XLSXError(.writeFailed(path: path), underlying: error)
        }
        try? FileManager.default.removeItem(at: workDirectory)
    }

    /// 1–31 characters, none of `: \ / ? * [ ]`, not starting or ending with `'`.
    static func isValidSheetName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 31 && !name.contains(where: { ":\\/?*[]".contains($0) })
            && !name.hasPrefix("'") && !name.hasSuffix("'")
            && !name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0xFFFE || $0.value == 0xFFFF }
    }
}
